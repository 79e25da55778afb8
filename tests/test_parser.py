"""Unit tests of the parser: the AST of every construct, spans, and syntax-error diagnostics.

Expected trees are written out by hand (spans take no part in equality). Tests named
``test_parser_bug_*`` document parser bugs found while writing the formatter; they fail until
the parser is fixed.
"""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction

import pytest

from lexproof.dsl import ast
from lexproof.dsl.diagnostics import LexproofError
from lexproof.dsl.parser import MAX_EXPRESSION_DEPTH, MAX_NESTING, lark_parser, parse_query, parse_text

D = dt.date
T = ast.TypeRef
C = ast.Citation


def on(day: dt.date) -> ast.VersionSpec:
    return ast.VersionSpec("on", day)


def before(amendment: str) -> ast.VersionSpec:
    return ast.VersionSpec("before", None, amendment)


def after(amendment: str) -> ast.VersionSpec:
    return ast.VersionSpec("after", None, amendment)


def items(text: str) -> tuple:
    """The items of the one statute in ``text``."""
    (statute,) = parse_text(text, "t.law").sections
    return statute.items


def item(text: str) -> object:
    (only,) = items(text)
    return only


def expr(text: str) -> ast.Expr:
    """An expression, parsed as a rule's value."""
    rule = item(f"statute S rule r [art. 1]: d = {text}")
    return rule.value


def lit(kind: str, value: object) -> ast.Literal:
    return ast.Literal(kind, value)


def name(text: str) -> ast.Name:
    return ast.Name(text)


def error(text: str, path: str = "bad.law") -> LexproofError:
    with pytest.raises(LexproofError) as caught:
        parse_text(text, path)
    return caught.value


# --- file structure --------------------------------------------------------------------------


def test_empty_file_and_only_comments() -> None:
    assert parse_text("", "e.law") == ast.File("e.law", (), ())
    assert parse_text("-- nothing here\n\n", "e.law") == ast.File("e.law", (), ())


def test_imports_and_section_headers() -> None:
    text = (
        'import "../a.law"\nimport "b.law"\n'
        'statute WSF "Wet \\"x\\"" bwb BWBR0011453 celex "32016R0679" url "https://x/y" cite "WSF 2000"\n'
        'statute T bwb "B1" celex C1\n'
        "amendment A amends WSF in force 2027-09-01 proposal\n"
    )
    file = parse_text(text, "f.law")
    assert file.imports == (ast.Import("../a.law"), ast.Import("b.law"))
    assert file.sections == (
        ast.Statute(
            "WSF", (), 'Wet "x"', bwb="BWBR0011453", celex="32016R0679", url="https://x/y", cite_as="WSF 2000"
        ),
        ast.Statute("T", (), bwb="B1", celex="C1"),
        ast.Amendment("A", "WSF", D(2027, 9, 1), (), proposal=True),
    )


def test_enum_with_trailing_comma() -> None:
    assert item("statute S enum Soort { mbo, hbo, wo, }") == ast.EnumDecl(
        "Soort", (ast.EnumValue("mbo"), ast.EnumValue("hbo"), ast.EnumValue("wo"))
    )


def test_facts_types_ranges_and_typical() -> None:
    facts = item(
        """statute S facts Aanvrager {
             leeftijd: int 0..120 typical 40
             saldo: money -€5..€20_000.5
             aandeel: rate 0..100%
             start: date 2015-01-01..2035-12-31
             soort: Soort typical mbo
             klaar: bool typical true
             t: int -5..-1 typical -3
           }"""
    )
    assert facts == ast.FactsDecl(
        "Aanvrager",
        (
            ast.FactField("leeftijd", T("int", None, lit("int", 0), lit("int", 120)), lit("int", 40)),
            ast.FactField(
                "saldo", T("money", None, lit("money", Fraction(-5)), lit("money", Fraction("20000.5")))
            ),
            ast.FactField("aandeel", T("rate", None, lit("int", 0), lit("rate", Fraction(1)))),
            ast.FactField("start", T("date", None, lit("date", D(2015, 1, 1)), lit("date", D(2035, 12, 31)))),
            ast.FactField("soort", T("enum", "Soort"), name("mbo")),
            ast.FactField("klaar", T("bool"), lit("bool", True)),
            ast.FactField("t", T("int", None, lit("int", -5), lit("int", -1)), lit("int", -3)),
        ),
    )


def test_parameter_values_and_citation() -> None:
    parameter = item(
        "statute S parameter grens: int [art. 2.3a]\n  = 55 from 2017-09-01\n  = 56 from 2020-09-01\n  = 57"
    )
    assert parameter == ast.ParameterDecl(
        "grens",
        T("int"),
        (
            ast.ParamValue(lit("int", 55), D(2017, 9, 1)),
            ast.ParamValue(lit("int", 56), D(2020, 9, 1)),
            ast.ParamValue(lit("int", 57), None),
        ),
        C("art", "2.3a"),
    )


def test_parameter_value_without_from_is_followed_by_the_next_value() -> None:
    """Values are arithmetic (``sum``), so ``= 55`` then ``= 56 from D`` are two values, not the
    comparison ``55 = 56``; anything looser needs parentheses."""
    parameter = item("statute S parameter p: int\n  = 55\n  = 56 from 2020-09-01\n  = (a and b)")
    assert parameter.values == (
        ast.ParamValue(lit("int", 55)),
        ast.ParamValue(lit("int", 56), D(2020, 9, 1)),
        ast.ParamValue(ast.Binary("and", name("a"), name("b"))),
    )
    with pytest.raises(LexproofError):
        parse_text("statute S parameter p: bool = a and b", "p.law")


def test_decisions() -> None:
    text = (
        "statute S decision d: bool [art. 3.16b] otherwise false @allow(LP102) @expect(x) decision m: money"
    )
    assert items(text) == (
        ast.DecisionDecl("d", T("bool"), lit("bool", False), C("art", "3.16b")),
        ast.DecisionDecl("m", T("money"), allow=("LP102",), expect=("x",)),
    )


def test_rule_with_annotations_exceptions_and_condition() -> None:
    rule = item(
        "statute S @allow(redundant, LP101) @expect(LP103) @allow(x)\n"
        "rule uitsluiting [art. 3.16b lid 2 sub c] except basis, ander:\n"
        "  recht = false\n  if aandeel = 100%"
    )
    assert rule == ast.RuleDecl(
        "uitsluiting",
        C("art", "3.16b", "2", "c"),
        "recht",
        lit("bool", False),
        ast.Binary("=", name("aandeel"), lit("rate", Fraction(1))),
        ("basis", "ander"),
        ("redundant", "LP101", "x"),
        expect=("LP103",),
    )


@pytest.mark.parametrize(
    ("text", "citation"),
    [
        ("[art. 1]", C("art", "1")),
        ("[art 7.2.7 lid 3 sub a]", C("art", "7.2.7", "3", "a")),
        ("[artikel 4 sub 2]", C("art", "4", sub="2")),
        ('["Kamerstuk 36 799, nr. 2"]', C("source", "Kamerstuk 36 799, nr. 2")),
        ("[WEB art. 7.2.7 lid 3]", C("art", "7.2.7", "3", statute="WEB")),
        ("[overweging 43]", C("overweging", "43")),
        ("[bijlage I]", C("bijlage", "I")),
        ("[art. 2 sub b]", C("art", "2", sub="b")),
    ],
)
def test_citations(text: str, citation: ast.Citation) -> None:
    assert item(f"statute S rule r {text}: d = 1").citation == citation


def test_tables_flat_and_marginal() -> None:
    flat, marginal = items(
        """statute S
        table kot [bijlage I]: money -> rate { up to €25_000: 96%, up to €56_413: 96% above: 36.5% }
        table belasting: money -> money marginal { up to €38_441: 35.82% }"""
    )
    assert flat == ast.TableDecl(
        "kot",
        T("money"),
        T("rate"),
        (
            ast.TableRow(lit("money", Fraction(25000)), lit("rate", Fraction(96, 100))),
            ast.TableRow(lit("money", Fraction(56413)), lit("rate", Fraction(96, 100))),
            ast.TableRow(None, lit("rate", Fraction(365, 1000))),
        ),
        False,
        C("bijlage", "I"),
    )
    assert marginal == ast.TableDecl(
        "belasting",
        T("money"),
        T("money"),
        (ast.TableRow(lit("money", Fraction(38441)), lit("rate", Fraction(3582, 10000))),),
        True,
    )


def test_example_with_versions_commas_optional() -> None:
    example = item(
        'statute S example "bbl \\"40\\"" [on 2025-01-01, before A, after B] {\n'
        "  leeftijd = 40, soort = mbo\n  geld = €1_200\n} expect recht = false max = €500"
    )
    assert example == ast.Example(
        'bbl "40"',
        (
            ast.Assignment("leeftijd", lit("int", 40)),
            ast.Assignment("soort", name("mbo")),
            ast.Assignment("geld", lit("money", Fraction(1200))),
        ),
        (ast.Assignment("recht", lit("bool", False)), ast.Assignment("max", lit("money", Fraction(500)))),
        (on(D(2025, 1, 1)), before("A"), after("B")),
    )


def test_property_with_premises_cases_and_expectation() -> None:
    prop = item(
        "statute S property monotoon [on 2026-01-01] expect counterexample:\n"
        "  for every Ouder a, b differing only in inkomen, leeftijd\n"
        "  assume a.inkomen <= b.inkomen\n  assume true\n  claim a.toeslag >= b.toeslag"
    )
    assert prop == ast.Property(
        "monotoon",
        "Ouder",
        ast.Binary(">=", ast.Qualified("a", "toeslag"), ast.Qualified("b", "toeslag")),
        (ast.Binary("<=", ast.Qualified("a", "inkomen"), ast.Qualified("b", "inkomen")), lit("bool", True)),
        (on(D(2026, 1, 1)),),
        None,
        ("a", "b"),
        ("inkomen", "leeftijd"),
        "counterexample",
    )


@pytest.mark.parametrize(
    ("versions", "compare"),
    [
        ("[from on 2022-06-01 to after A]", (on(D(2022, 6, 1)), after("A"))),
        ("[from before A to after A]", (before("A"), after("A"))),
        ("[amendment A]", (before("A"), after("A"))),
    ],
)
def test_property_comparing_two_versions(versions: str, compare: tuple) -> None:
    prop = item(f"statute S property p {versions}: for every F claim before.x implies after.x")
    assert prop == ast.Property(
        "p",
        "F",
        ast.Binary("implies", ast.Qualified("before", "x"), ast.Qualified("after", "x")),
        compare=compare,
    )


@pytest.mark.parametrize("expect", ["proved", "counterexample", "vacuous"])
def test_property_expectations(expect: str) -> None:
    assert item(f"statute S property p expect {expect}: for every F claim true").expect == expect


def test_amendment_with_every_change_kind() -> None:
    text = """
    amendment uitbreiding "Uitbreiding" amends WSF in force 2027-09-01
      replace rule basis [art. 1.1]: recht = true
      insert @allow(x) rule nieuw [art. 2.4 lid 3]: recht = true if a
      repeal rule uitsluiting
      repeal [art. 3.16b lid 2 sub c]
      set parameter grens = 58 from 2028-09-01
      set parameter ander = 1
      example "e" [after uitbreiding] { a = 1 } expect
      property p: for every F claim true
    """
    (amendment,) = parse_text(text, "a.law").sections
    assert amendment == ast.Amendment(
        "uitbreiding",
        "WSF",
        D(2027, 9, 1),
        (
            ast.ReplaceRule(ast.RuleDecl("basis", C("art", "1.1"), "recht", lit("bool", True))),
            ast.InsertRule(
                ast.RuleDecl(
                    "nieuw", C("art", "2.4", "3"), "recht", lit("bool", True), name("a"), allow=("x",)
                )
            ),
            ast.RepealRule("uitsluiting"),
            ast.RepealCitation(C("art", "3.16b", "2", "c")),
            ast.SetParameter("grens", lit("int", 58), D(2028, 9, 1)),
            ast.SetParameter("ander", lit("int", 1)),
            ast.Example("e", (ast.Assignment("a", lit("int", 1)),), (), (after("uitbreiding"),)),
            ast.Property("p", "F", lit("bool", True)),
        ),
        title="Uitbreiding",
    )


# --- expressions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "literal"),
    [
        ("true", lit("bool", True)),
        ("false", lit("bool", False)),
        ("1_000", lit("int", 1000)),
        ("€1_118.50", lit("money", Fraction(111850, 100))),
        ("€ 5", lit("money", Fraction(5))),
        ("€0.5", lit("money", Fraction(1, 2))),
        ("96%", lit("rate", Fraction(96, 100))),
        ("36.5%", lit("rate", Fraction(365, 1000))),
        ("0.96", lit("number", Fraction(96, 100))),
        ("2025-01-31", lit("date", D(2025, 1, 31))),
    ],
)
def test_literals(text: str, literal: ast.Literal) -> None:
    assert expr(text) == literal


def test_precedence_of_logic() -> None:
    a, b, c = name("a"), name("b"), name("c")
    assert expr("a or b and c") == ast.Binary("or", a, ast.Binary("and", b, c))
    assert expr("a implies b implies c") == ast.Binary("implies", a, ast.Binary("implies", b, c))
    assert expr("a or b implies c") == ast.Binary("implies", ast.Binary("or", a, b), c)
    assert expr("not a and b") == ast.Binary("and", ast.Unary("not", a), b)
    assert expr("not a = b") == ast.Unary("not", ast.Binary("=", a, b))
    assert expr("(a or b) and c") == ast.Binary("and", ast.Binary("or", a, b), c)


def test_precedence_of_arithmetic() -> None:
    a, b, c = name("a"), name("b"), name("c")
    assert expr("a - b - c") == ast.Binary("-", ast.Binary("-", a, b), c)
    assert expr("a + b * c") == ast.Binary("+", a, ast.Binary("*", b, c))
    assert expr("a / b / c") == ast.Binary("/", ast.Binary("/", a, b), c)
    assert expr("-a * b") == ast.Binary("*", ast.Unary("-", a), b)
    assert expr("a < b + 1") == ast.Binary("<", a, ast.Binary("+", b, lit("int", 1)))


def test_negative_number_in_expression_is_unary_minus() -> None:
    assert expr("-5") == ast.Unary("-", lit("int", 5))
    assert expr("- -€5") == ast.Unary("-", ast.Unary("-", lit("money", Fraction(5))))


def test_membership_qualified_names_calls_and_if() -> None:
    assert expr("soort in {hbo, Soort.wo}") == ast.InSet(
        name("soort"), (name("hbo"), ast.Qualified("Soort", "wo"))
    )
    assert expr("x not in {1}") == ast.InSet(name("x"), (lit("int", 1),), negated=True)
    assert expr("min(a, max(b, 1))") == ast.Call(
        "min", (name("a"), ast.Call("max", (name("b"), lit("int", 1))))
    )
    assert expr("if a then 1 else if b then 2 else 3") == ast.IfThenElse(
        name("a"), lit("int", 1), ast.IfThenElse(name("b"), lit("int", 2), lit("int", 3))
    )


@pytest.mark.parametrize("text", ["a = b = c", "a < b in {c}", "a in {b} = c"])
def test_comparisons_do_not_chain(text: str) -> None:
    with pytest.raises(LexproofError):
        expr(text)


def test_query() -> None:
    assert parse_query("exists Aanvrager: a and b") == ("Aanvrager", ast.Binary("and", name("a"), name("b")))
    assert parse_query("x > 1") == (None, ast.Binary(">", name("x"), lit("int", 1)))


def test_keywords_are_names_where_no_keyword_fits() -> None:
    """``before.x`` in a claim: 'before' is only a keyword inside a version list."""
    assert expr("before.x") == ast.Qualified("before", "x")


# --- spans -----------------------------------------------------------------------------------

SPAN_TEXT = """statute S
  @allow(x)
  rule r [art. 1]:
    recht = leeftijd < 18
  facts F {
    a: int
  }
"""


def test_spans_of_declarations() -> None:
    (statute,) = parse_text(SPAN_TEXT, "s.law").sections
    rule, facts = statute.items
    assert (statute.span.file, statute.span.line, statute.span.column) == ("s.law", 1, 1)
    assert (rule.span.line, rule.span.column, rule.span.end_line) == (2, 3, 4)  # starts at '@'
    assert (rule.decision_span.line, rule.decision_span.column, rule.decision_span.end_column) == (4, 5, 10)
    assert (rule.citation.span.line, rule.citation.span.column, rule.citation.span.end_column) == (3, 10, 18)
    assert (facts.span.line, facts.span.end_line, facts.span.end_column) == (5, 7, 4)
    assert (facts.fields[0].span.line, facts.fields[0].span.column) == (6, 5)


def test_spans_of_expressions() -> None:
    (statute,) = parse_text(SPAN_TEXT, "s.law").sections
    value = statute.items[0].value
    assert (value.span.line, value.span.column, value.span.end_column) == (4, 13, 26)
    assert (value.left.span.column, value.left.span.end_column) == (13, 21)
    assert (value.right.span.column, value.right.span.end_column) == (24, 26)


# --- syntax errors -----------------------------------------------------------------------------

_TERMINAL_NAMES = {t.name for t in lark_parser().terminals} | {"$END"}


def _leaks(message: str) -> list[str]:
    """Lark's terminal names (``LSQB``, ``NAME``, ``$END``, ``__ANON_0``) outside quotes."""
    unquoted = re.sub(r"'[^']*'", "", message)
    words = re.findall(r"[$A-Za-z_][A-Za-z0-9_]*", unquoted)
    # The rule hint shows the shape "rule NAME [art. X]: DECISION = VALUE"; those are not leaks.
    hint = {"NAME", "DECISION", "VALUE", "CONDITION", "X"}
    return [w for w in words if (w in _TERMINAL_NAMES or w.startswith("__")) and w not in hint]


def test_syntax_error_is_positioned_with_caret() -> None:
    rendered = error("statute S\n  rule r [art. 1] d = 1\n", "bad.law").render()
    assert rendered.splitlines() == [
        "bad.law:2:19: error: unexpected 'd'; expected 'except' or ':'",
        "    2 |   rule r [art. 1] d = 1",
        "      |                   ^",
    ]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("statute S rule r: d = 1", "expected '[' (every rule needs a citation, e.g. [art. 3.16b lid 2])"),
        ("statute S rule r [art. 1]: d == 1", "(equality is written with a single '=')"),
        ("statute S rule r [art. 1]: d = a && b", "unexpected character '&'"),
        ("statute S rule r [art. 1]: d = a && b", "(write 'and', 'or', 'not')"),
        ("statute S rule r [art. 1]: d = 2020-02-30", "'2020-02-30' is not a valid date"),
        ("statute S facts F { d: date -2020-01-01..2021-01-01 }", "a date cannot be negative"),
        ('statute S example "e" [amendment A] { a = 1 } expect', "an example runs on single versions"),
    ],
)
def test_diagnostic_wording(text: str, fragment: str) -> None:
    assert fragment in error(text).diagnostics[0].message


def test_unexpected_end_of_file_points_at_last_line() -> None:
    diagnostic = error("statute S\n  rule r [art. 1]: d =\n\n\n").diagnostics[0]
    assert (diagnostic.span.line, diagnostic.span.column) == (2, 23)
    assert diagnostic.message == "unexpected end of file; expected an expression"


BAD_INPUTS = [
    "statute",
    "statute S rule",
    "statute S rule r [art. 1]: d = (a",
    "statute S rule r [art. 1]: d = a)",
    "statute S rule r [art. 1]: d = a b",
    "statute S rule r [art. 1]: d = a # b",
    "statute S rule r []: d = 1",
    'statute S "open',
    "statute S enum E { }",
    "statute S facts F { a: }",
    "statute S property p: for every F",
    "amendment A amends S in force 2020-01-01 replace x",
    "import x",
]


@pytest.mark.parametrize("text", BAD_INPUTS)
def test_syntax_errors_speak_the_language(text: str) -> None:
    caught = error(text)
    for diagnostic in caught.diagnostics:
        assert re.fullmatch(r"bad\.law:\d+:\d+: error: .+", caught.render().splitlines()[0])
        assert not _leaks(diagnostic.message), diagnostic.message


def test_truncated_file_always_gives_a_diagnostic() -> None:
    """Cut a valid file at every token boundary: each prefix parses or gives a diagnostic."""
    text = (
        'import "x.law"\nstatute S "t" bwb B\n  enum E { a, b }\n  facts F { n: int 0..9 typical 1\n'
        "    m: money €0..€5 }\n  parameter p: rate [art. 1] = 5% from 2020-01-01\n"
        "  decision d: bool otherwise false\n  @allow(x)\n  rule r [WEB art. 2 lid 3 sub a] except q:\n"
        "    d = not n in {1, 2} and m >= €1.50 implies (if a then b else -c)\n"
        '  example "e" [on 2020-01-01] { n = 1 } expect d = true\n'
        "  property pr [from before A to after A] expect vacuous: for every F a, b differing only in n\n"
        "    assume a.n != b.n claim max(a.n, 1) <= b.n * 2\n"
        "amendment A amends S in force 2021-01-01 repeal rule r repeal [art. 1] set parameter p = 1\n"
    )
    parse_text(text, "whole.law")
    boundaries = sorted({m.start() for m in re.finditer(r"\b|[^\w\s]", text)})
    for cut in boundaries:
        try:
            parse_text(text[:cut], "cut.law")
        except LexproofError as caught:
            for diagnostic in caught.diagnostics:
                assert not _leaks(diagnostic.message), (text[:cut][-40:], diagnostic.message)


# --- limits --------------------------------------------------------------------------------------


def test_deep_brackets_give_a_diagnostic() -> None:
    depth = MAX_NESTING + 1
    caught = error("statute S rule r [art. 1]: d = " + "(" * depth + "1" + ")" * depth)
    assert f"nested more than {MAX_NESTING} deep" in caught.diagnostics[0].message


@pytest.mark.parametrize(
    "body", ["not " * 3000 + "x", "- " * 3000 + "x", "x" + " + x" * 3000], ids=["not", "minus", "plus"]
)
def test_deep_expressions_give_a_diagnostic(body: str) -> None:
    caught = error("statute S rule r [art. 1]: d = " + body)
    assert "nested" in caught.diagnostics[0].message


def test_expression_depth_limit_points_at_the_expression() -> None:
    caught = error("statute S\nrule r [art. 1]: d = " + "not " * (MAX_EXPRESSION_DEPTH + 5) + "x")
    diagnostic = caught.diagnostics[0]
    assert f"nested too deeply (more than {MAX_EXPRESSION_DEPTH} levels)" in diagnostic.message
    assert diagnostic.span.line == 2


@pytest.mark.parametrize(
    "number",
    ["1" * 40, "€" + "9" * 31, "1" * 35 + "%", "0." + "1" * 40, "€1.005"],
    ids=["int", "money", "rate", "number", "fraction-of-cent"],
)
def test_huge_numbers_give_a_diagnostic(number: str) -> None:
    caught = error(f"statute S rule r [art. 1]: d = {number}")
    assert "is not a usable number" in caught.diagnostics[0].message


# --- known parser bugs (fail until fixed) ------------------------------------------------------


def test_regression_escaped_quote_confuses_the_nesting_check() -> None:
    """``check_nesting`` (dsl/text_limits.py) ends a text at ``\\"``, then counts the text's brackets."""
    text = 'statute S "\\"' + "(" * (MAX_NESTING + 1) + '"'
    assert parse_text(text, "q.law").sections[0].title == '"' + "(" * (MAX_NESTING + 1)


@pytest.mark.parametrize(
    "text",
    [
        "statute S facts F { a: int 0 }",
        "statute S decision d: int 5",
        "statute S table t: money rate { above: 1 }",
    ],
)
def test_regression_only_unnamed_tokens_expected_crashes(text: str) -> None:
    """When the only expected tokens are Lark's anonymous ones ('..', '->'), the expected list is
    empty and ``_expected_phrase`` raises IndexError instead of a diagnostic."""
    message = error(text).diagnostics[0].message
    assert "'..'" in message or "'->'" in message


def test_regression_expected_types_omit_int_money_date() -> None:
    """'int', 'money', 'date' (and '..', '->', '<=', '>=', '!=') are anonymous terminals that the
    expected-token list drops: this says "expected 'bool', 'rate' or a name"."""
    message = error("statute S facts F { a: }").diagnostics[0].message
    assert all(f"'{word}'" in message for word in ("int", "money", "date")), message


def test_regression_example_without_versions_or_facts() -> None:
    """``example "e" { } expect ...`` crashes with Lark's VisitError (IndexError in example_decl)."""
    assert item('statute S example "e" { } expect d = 1') == ast.Example(
        "e", (), (ast.Assignment("d", lit("int", 1)),)
    )


@pytest.mark.parametrize(
    "body", ["a implies " * 1000 + "b", "if a then " * 600 + "b" + " else c" * 600], ids=["implies", "if"]
)
def test_regression_deep_expression_raises_visit_error(body: str) -> None:
    """A RecursionError inside a transformer callback reaches the caller wrapped in Lark's
    VisitError, which ``_run`` does not catch (it only catches a bare RecursionError)."""
    caught = error("statute S rule r [art. 1]: d = " + body)
    assert "nested" in caught.diagnostics[0].message


def test_regression_sub_with_underscore() -> None:
    """``cite_sub: "sub" (NAME | ARTREF)``: the lexer tries ARTREF first (longer pattern), so
    ``sub b_c`` lexes as ARTREF ``b`` and then fails on ``_c``; ``sub b_c`` parsed before."""
    assert item("statute S rule r [art. 1 sub b_c]: d = 1").citation == C("art", "1", sub="b_c")


def test_the_parse_memo_gives_the_same_tree_for_the_same_text_and_name_only(tmp_path):
    # Off by default (a one-shot command keeps nothing); a host turns it on. A hit is the very
    # tree of the first parse; another text, another name or a syntax error parses afresh.
    from lexproof.dsl import parser as parser_module
    from lexproof.dsl.source import SOURCES

    text = "statute S\nfacts F { x: int }\ndecision d: bool\nrule r [art. 1]: d = true if x > 1\n"
    assert parser_module.PARSES.limit == 0
    assert parser_module.parse_text(text, "a.law") is not parser_module.parse_text(text, "a.law")
    parser_module.remember_parses(2)
    try:
        first = parser_module.parse_text(text, "a.law")
        assert parser_module.parse_text(text, "a.law") is first
        assert parser_module.parse_text(text, "b.law") is not first  # the name is in every span
        assert parser_module.parse_text(text + "\n", "a.law") is not first
        assert parser_module.parse_text(text, "a.law") is not first  # three texts: the oldest went
        SOURCES.add("a.law", "something else")
        again = parser_module.parse_text(text, "a.law")
        assert parser_module.parse_text(text, "a.law") is again
        assert SOURCES.text("a.law") == text  # a hit registers the text the diagnostics quote
        broken = text + "rule r2 [art. 2]: d = = true\n"
        for _ in range(2):
            with pytest.raises(LexproofError):
                parser_module.parse_text(broken, "a.law")
        assert all(key[1] != broken for key in parser_module.PARSES._trees)
    finally:
        parser_module.remember_parses(0)
    assert not parser_module.PARSES._trees


def test_the_parse_memo_keeps_two_texts_of_a_file_however_often_it_is_edited():
    # An editor (or check --watch) makes a new text of the same file at every change; only the
    # last one (re-parsed from) and the one before it (an undo) are kept, besides other files.
    from lexproof.dsl import parser as parser_module

    text = "statute S\nfacts F { x: int }\ndecision d: bool\nrule r [art. 1]: d = true if x > N\n"
    parser_module.remember_parses(32)
    try:
        other = parser_module.parse_text(text.replace('N', '0'), "other.law")
        for limit in range(10, 30):
            parser_module.parse_text(text.replace('N', str(limit)), "a.law")
        kept = [key for key in parser_module.PARSES._trees if key[0] == "a.law"]
        assert kept == [("a.law", text.replace('N', '28')), ("a.law", text.replace('N', '29'))]
        assert parser_module.parse_text(text.replace('N', '0'), "other.law") is other
    finally:
        parser_module.remember_parses(0)


def _nesting_by_character(text: str, limit: int) -> tuple[int, int] | None:
    """The nesting check as it was written first, a character at a time (the reference):
    the line and column of the first bracket deeper than ``limit``, or None."""
    depth, line, column = 0, 1, 0
    in_comment = in_string = escaped = False
    for index, char in enumerate(text):
        column += 1
        if char == "\n":
            line, column, in_comment, in_string = line + 1, 0, False, False
            continue
        if in_comment:
            continue
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            else:
                in_string = char != '"'
            continue
        if char == '"':
            in_string = True
        elif char == "-" and text.startswith("--", index):
            in_comment = True
        elif char in "({[":
            depth += 1
            if depth > limit:
                return line, column
        elif char in ")}]":
            depth = max(0, depth - 1)
    return None


def test_the_nesting_check_finds_what_a_character_by_character_scan_finds(monkeypatch) -> None:
    # check_nesting jumps from mark to mark; strings, escapes (also one left pending at a line's
    # end), comments and brackets must come out as the scan over every character has them.
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from lexproof.dsl import text_limits

    monkeypatch.setattr(text_limits, "MAX_NESTING", 3)

    @settings(max_examples=1500, deadline=None)
    @given(st.lists(st.sampled_from(list('(({[)]}"\\\n-- ax') + ["--", '\\"', "(((("]), max_size=40).map("".join))
    def agrees(text: str) -> None:
        expected = _nesting_by_character(text, 3)
        try:
            text_limits.check_nesting(text, "n.law")
            found = None
        except LexproofError as raised:
            span = raised.diagnostics[0].span
            found = (span.line, span.column)
        assert found == expected

    agrees()
    # a backslash at the end of a line escapes the next string's first character, here its
    # closing quote: the brackets after it are inside a string
    pending = '"\\\n""(((("'
    assert _nesting_by_character(pending, 3) is None
    text_limits.check_nesting(pending, "n.law")
    assert _nesting_by_character('"a"((((', 3) == (1, 7)  # the same without the escape
    with pytest.raises(LexproofError):
        text_limits.check_nesting('"a"((((', "n.law")
