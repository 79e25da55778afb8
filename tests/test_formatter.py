"""The formatter: round trip and idempotence on random trees, exact layout, and comments.

The property tests are the real specification: for any tree the concrete syntax can express,
``parse(format(tree)) == tree`` and formatting the result again changes nothing. The golden
tests pin the layout itself, which the property tests cannot see.
"""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction
from pathlib import Path

import pytest
from ast_strategies import files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lexproof.dsl import ast
from lexproof.dsl.formatter import (
    collect_comments,
    format_expr,
    format_file,
    format_literal,
    format_text,
)
from lexproof.dsl.parser import parse_text

# 150 examples under the default "ci" profile (tests/conftest.py), scaled like the other suites
# by the profile's max_examples / 100 ("dev" runs 30, "nightly" 3000).
PROPERTY_SETTINGS = settings(
    max_examples=max(10, settings().max_examples * 3 // 2),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --- round trip on random trees ------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(files)
def test_format_then_parse_gives_the_same_tree(file: ast.File) -> None:
    assert parse_text(format_file(file), file.path) == file


@PROPERTY_SETTINGS
@given(files)
def test_formatting_is_idempotent(file: ast.File) -> None:
    text = format_file(file)
    assert format_file(parse_text(text, file.path)) == text
    assert format_text(text, file.path) == text


@PROPERTY_SETTINGS
@given(files, st.data())
def test_random_comments_are_all_kept_once(file: ast.File, data: st.DataObject) -> None:
    """Sprinkle own-line and trailing comments over a formatted file; each survives exactly
    once, the code is untouched, and formatting again is stable."""
    lines = format_file(file).split("\n")
    inserted = []
    for index in range(data.draw(st.integers(0, 8), label="comments")):
        text = f" #{index}# " + data.draw(st.text(st.sampled_from('ab "-€\\'), max_size=6), label="noise")
        inserted.append(text.rstrip())
        position = data.draw(st.integers(0, max(0, len(lines) - 1)), label="line")
        target = lines[position] if lines else ""
        if target.strip() and "--" not in target and data.draw(st.booleans(), label="trailing"):
            lines[position] = f"{target} --{text}"
        else:
            lines.insert(position, " " * data.draw(st.integers(0, 6), label="indent") + f"--{text}")
    result = format_text("\n".join(lines), file.path)
    assert sorted(c.text for c in collect_comments(result, file.path)) == sorted(inserted), result
    assert parse_text(result, file.path) == file
    assert format_text(result, file.path) == result


# --- golden layout -------------------------------------------------------------------------------

MESSY = r"""-- Header comment
import "a.law"   -- trailing on import
statute S "Titel" bwb B1 url "https://x"
enum E {a,b,
  -- before c
  c}
facts F { n: int -5..€10 typical 3  -- trailing on n
  -- before m
  m: rate 0%..100% k: Soort typical mbo }
parameter p: money [art. 1] = €1118.5 from 2020-01-01 = €1200
@expect(LP102) decision d: bool otherwise false
@allow(x) @expect(LP101)
rule r [WEB art 2 lid 3 sub a] except q, q2: -- on header
  d = (a or b) -- on value
    and not (c implies e) -- second on value
  -- before condition
  if x - (y - z) > -1
-- before table
table t ["Kamerstuk 1"]: money -> rate marginal { up to €25000: 96% above: 36.5% }
example "e \"q\" -- not a comment" [on 2020-01-01] { n = 1, m = 5% } expect d = true
property pr [amendment A] expect vacuous: for every F a, b differing only in n assume a.n != b.n claim max(a.n, 1) <= b.n * 2
amendment A amends S in force 2021-01-01 proposal
replace @allow(y) rule r [art. 1]: d = if a then 1.50 else 2
repeal rule q
repeal [art. 1 lid 2]
set parameter p = €5 -- trailing on set
-- the end
"""

CANONICAL = r"""-- Header comment
import "a.law" -- trailing on import

statute S "Titel" bwb B1 url "https://x"

-- before c
enum E { a, b, c }

facts F {
  n: int -5..€10 typical 3 -- trailing on n
  -- before m
  m: rate 0%..100%
  k: Soort typical mbo
}

parameter p: money [art. 1]
  = €1_118.50 from 2020-01-01
  = €1_200

@expect(LP102)
decision d: bool otherwise false

@allow(x)
@expect(LP101)
rule r [WEB art. 2 lid 3 sub a] except q, q2: -- on header
  -- second on value
  d = (a or b) and not (c implies e) -- on value
  -- before condition
  if x - (y - z) > -1

-- before table
table t ["Kamerstuk 1"]: money -> rate marginal {
  up to €25_000: 96%
  above: 36.5%
}

example "e \"q\" -- not a comment" [on 2020-01-01] {
  n = 1, m = 5%
} expect d = true

property pr [amendment A] expect vacuous:
  for every F a, b differing only in n
  assume a.n != b.n
  claim max(a.n, 1) <= b.n * 2

amendment A amends S in force 2021-01-01 proposal

  replace @allow(y) rule r [art. 1]:
    d = if a then 1.5 else 2

  repeal rule q
  repeal [art. 1 lid 2]

  set parameter p = €5 -- trailing on set

-- the end
"""


def test_golden_layout_with_comments() -> None:
    assert format_text(MESSY, "m.law") == CANONICAL
    assert format_text(CANONICAL, "m.law") == CANONICAL
    assert parse_text(CANONICAL, "m.law") == parse_text(MESSY, "m.law")


def test_golden_layout_without_comments() -> None:
    """``format_file`` on a parsed tree prints no comments (the parser does not keep them)."""
    expected = "\n".join(line for line in CANONICAL.splitlines() if not line.strip().startswith("--"))
    expected = re.sub(r' --[^"\n]*$', "", expected, flags=re.MULTILINE)  # trailing comments
    expected = expected.replace("\n\n\n", "\n\n").strip("\n") + "\n"
    assert format_file(parse_text(MESSY, "m.law")) == expected


LONG = """statute Long "A rather long title for a statute that goes on" bwb BWBR0011453 url "https://wetten.overheid.nl/BWBR0011453"
-- Section one ------

-- about E
enum E { alpha_value_one, alpha_value_two, alpha_value_three, alpha_value_four, alpha_value_five, six }
rule r [art. 1]: d = true if first_condition_name and (second_one or third_one)
  and fourth_condition_name_is_quite_long_indeed
"""

LONG_CANONICAL = """statute Long "A rather long title for a statute that goes on"
  bwb BWBR0011453
  url "https://wetten.overheid.nl/BWBR0011453"

-- Section one ------

-- about E
enum E {
  alpha_value_one, alpha_value_two, alpha_value_three, alpha_value_four, alpha_value_five, six
}

rule r [art. 1]:
  d = true
  if first_condition_name
     and (second_one or third_one)
     and fourth_condition_name_is_quite_long_indeed
"""


def test_golden_long_lines_are_broken_and_blank_line_after_comment_kept() -> None:
    assert format_text(LONG, "l.law") == LONG_CANONICAL
    assert format_text(LONG_CANONICAL, "l.law") == LONG_CANONICAL


def test_empty_inputs() -> None:
    assert format_text("", "e.law") == ""
    assert format_text("\n  -- only a comment  \n", "e.law") == "-- only a comment\n"
    assert format_text("statute S", "e.law") == "statute S\n"


def test_small_items_share_a_line() -> None:
    text = 'statute S facts F {} parameter p: int = 1 example "e" [on 2020-01-01] {} expect'
    assert format_text(text, "s.law") == (
        'statute S\n\nfacts F {}\n\nparameter p: int = 1\n\nexample "e" [on 2020-01-01] {} expect\n'
    )


def test_statute_sources_bare_when_names_else_quoted() -> None:
    text = 'statute S bwb "BWBR1" celex "3201 6R" cite "rule"'
    assert format_text(text, "s.law") == 'statute S bwb BWBR1 celex "3201 6R" cite "rule"\n'


REPO = Path(__file__).resolve().parents[1]
# tests/broken/ holds deliberately unparsable inputs (tested in test_diagnostics.py).
LAW_FILES = sorted(
    p for p in REPO.rglob("*.law")
    if not any(part.startswith(".") for part in p.parts) and "broken" not in p.relative_to(REPO).parts
)


@pytest.mark.parametrize("path", LAW_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_repository_files_keep_meaning_and_comments(path: Path) -> None:
    """Every ``.law`` file in the repository: same tree, same comments, stable output."""
    text = path.read_text(encoding="utf-8")
    tree = parse_text(text, str(path))
    result = format_text(text, str(path))
    assert parse_text(result, str(path)) == tree
    before = sorted(c.text for c in collect_comments(text, str(path)))
    assert sorted(c.text for c in collect_comments(result, str(path))) == before
    assert format_text(result, str(path)) == result


# --- comments ----------------------------------------------------------------------------------


def test_collect_comments_ignores_dashes_in_texts() -> None:
    text = 'statute S "a -- b \\" -- c" -- real one  \n  -- second\n"--" --"third"'
    comments = collect_comments(text, "c.law")
    assert [c.text for c in comments] == [" real one", " second", '"third"']
    first = comments[0].span
    assert (first.file, first.line, first.column, first.end_column) == ("c.law", 1, 28, 41)
    assert (comments[1].span.line, comments[1].span.column) == (2, 3)


def test_windows_line_endings() -> None:
    text = "statute S\r\n-- about E\r\n\r\nenum E { a } -- trailing\r\n"
    assert format_text(text, "w.law") == "statute S\n\n-- about E\n\nenum E { a } -- trailing\n"


def test_comment_containing_a_quote_does_not_open_a_text() -> None:
    text = 'statute S -- it said "\nrule r [art. 1]: d = 1 -- and "closed"\n'
    assert [c.text for c in collect_comments(text, "c.law")] == [' it said "', ' and "closed"']


def test_comment_inside_an_expression_stays_near_its_line() -> None:
    text = "statute S\nrule r [art. 1]:\n  d = a\n    -- why b\n    and b\n  if c\n"
    assert format_text(text, "c.law") == (
        "statute S\n\nrule r [art. 1]:\n  d = a and b\n  -- why b\n  if c\n"
    )


def test_comments_at_end_of_a_block_move_after_it_not_away() -> None:
    text = "statute S\nfacts F {\n  a: int\n  -- about the block\n}\ndecision d: int\n"
    result = format_text(text, "c.law")
    assert result.index("-- about the block") < result.index("decision d")
    assert result.count("-- about the block") == 1


# --- expressions -------------------------------------------------------------------------------

a, b, c = ast.Name("a"), ast.Name("b"), ast.Name("c")
one = ast.Literal("int", 1)


def bin_(op: str, left: ast.Expr, right: ast.Expr) -> ast.Binary:
    return ast.Binary(op, left, right)


@pytest.mark.parametrize(
    ("tree", "text"),
    [
        (bin_("-", a, bin_("-", b, c)), "a - (b - c)"),
        (bin_("-", bin_("-", a, b), c), "a - b - c"),
        (bin_("*", bin_("+", a, b), c), "(a + b) * c"),
        (bin_("/", a, bin_("*", b, c)), "a / (b * c)"),
        (bin_("implies", a, bin_("implies", b, c)), "a implies b implies c"),
        (bin_("implies", bin_("implies", a, b), c), "(a implies b) implies c"),
        (bin_("and", bin_("or", a, b), c), "(a or b) and c"),
        (bin_("or", a, bin_("and", b, c)), "a or (b and c)"),  # logical operators never mix bare
        (bin_("implies", bin_("and", a, b), bin_("or", b, c)), "(a and b) implies (b or c)"),
        (bin_("and", bin_("and", a, b), c), "a and b and c"),
        (ast.Unary("not", bin_("and", a, b)), "not (a and b)"),
        (ast.Unary("not", bin_("=", a, b)), "not a = b"),
        (bin_("=", ast.Unary("not", a), b), "(not a) = b"),
        (bin_("=", bin_("=", a, b), c), "(a = b) = c"),
        (bin_("=", ast.InSet(a, (b,)), c), "(a in {b}) = c"),
        (ast.InSet(bin_("+", a, one), (b, bin_("or", a, c)), negated=True), "a + 1 not in {b, a or c}"),
        (ast.Unary("-", ast.Unary("-", a)), "- -a"),
        (ast.Unary("-", ast.Literal("money", Fraction(5))), "-€5"),
        (bin_("-", a, ast.Unary("-", one)), "a - -1"),
        (ast.Unary("-", bin_("+", a, b)), "-(a + b)"),
        (bin_("+", ast.IfThenElse(a, b, c), one), "(if a then b else c) + 1"),
        (
            ast.IfThenElse(ast.IfThenElse(a, b, c), a, ast.IfThenElse(b, c, a)),
            "if if a then b else c then a else if b then c else a",
        ),
        (
            ast.Call("min", (ast.IfThenElse(a, b, c), ast.Qualified("before", "x"))),
            "min(if a then b else c, before.x)",
        ),
        # Periods: the amount is an atom, the period binds like unary minus.
        (bin_("+", a, ast.Duration(one, "year")), "a + 1 year"),
        (bin_("-", a, ast.Duration(bin_("+", b, one), "months")), "a - (b + 1) months"),
        (bin_("+", bin_("-", a, ast.Duration(b, "days")), ast.Duration(c, "years")), "a - b days + c years"),
        (ast.Unary("-", ast.Duration(one, "month")), "-1 month"),
        (bin_("*", a, ast.Duration(b, "day")), "a * b day"),
        (ast.Duration(ast.Unary("-", one), "days"), "(-1) days"),
        (ast.Call("years_between", (a, ast.Name("peildatum"))), "years_between(a, peildatum)"),
    ],
)
def test_minimal_parentheses(tree: ast.Expr, text: str) -> None:
    assert format_expr(tree) == text
    (statute,) = parse_text(f"statute S rule r [art. 1]: d = {text}", "e.law").sections
    assert statute.items[0].value == tree


@pytest.mark.parametrize(
    ("literal", "text"),
    [
        (ast.Literal("money", Fraction(111850, 100)), "€1_118.50"),
        (ast.Literal("money", Fraction(5, 100)), "€0.05"),
        (ast.Literal("money", Fraction(20000)), "€20_000"),
        (ast.Literal("money", Fraction(-5)), "-€5"),
        (ast.Literal("rate", Fraction(96, 100)), "96%"),
        (ast.Literal("rate", Fraction(365, 1000)), "36.5%"),
        (ast.Literal("rate", Fraction(1, 10**6)), "0.0001%"),
        (ast.Literal("rate", Fraction(-1, 2)), "-50%"),
        (ast.Literal("number", Fraction(2)), "2.0"),
        (ast.Literal("number", Fraction(1, 8)), "0.125"),
        (ast.Literal("int", 1_000_000), "1000000"),
        (ast.Literal("date", dt.date(1, 2, 3)), "0001-02-03"),
        (ast.Literal("bool", False), "false"),
    ],
)
def test_literal_spelling(literal: ast.Literal, text: str) -> None:
    assert format_literal(literal) == text


@pytest.mark.parametrize(
    "literal",
    [
        ast.Literal("rate", Fraction(1, 3)),
        ast.Literal("number", Fraction(2, 3)),
        ast.Literal("money", Fraction(1, 1000)),
    ],
)
def test_literals_without_a_spelling_are_refused(literal: ast.Literal) -> None:
    with pytest.raises(ValueError):
        format_literal(literal)


def test_text_with_newline_is_refused() -> None:
    with pytest.raises(ValueError):
        format_file(ast.File("f", (ast.Import("a\nb"),), ()))


def test_parameter_values_are_arithmetic_so_looser_values_get_parentheses() -> None:
    """The grammar reads ``= VALUE`` as a sum, so ``= 55`` then ``= 56 from D`` are two values."""
    values = (
        ast.ParamValue(bin_("and", a, b)),
        ast.ParamValue(ast.IfThenElse(a, one, b), dt.date(2020, 1, 1)),
        ast.ParamValue(bin_("+", a, one)),
    )
    change = ast.SetParameter("p", bin_("=", a, b))
    file = ast.File(
        "f",
        (),
        (
            ast.Statute("S", (ast.ParameterDecl("p", ast.TypeRef("int"), values),)),
            ast.Amendment("A", "S", dt.date(2021, 1, 1), (change,)),
        ),
    )
    text = format_file(file)
    assert text == (
        "statute S\n\nparameter p: int\n  = (a and b)\n  = (if a then 1 else b) from 2020-01-01\n"
        "  = a + 1\n\namendment A amends S in force 2021-01-01\n\n  set parameter p = (a = b)\n"
    )
    assert parse_text(text, "f") == file


DEEP_SHAPES = {
    "implies": lambda depth: "a implies " * depth + "b",
    "plus": lambda depth: "a" + " + 1" * depth,
    "not": lambda depth: "not " * depth + "a",
    "if": lambda depth: "if a then " * depth + "b" + " else c" * depth,
}


@pytest.mark.parametrize("shape", sorted(DEEP_SHAPES))
def test_deepest_expression_the_parser_accepts_can_be_formatted(shape: str) -> None:
    """The printer recurses per nesting level too; it must not give up before the parser does."""
    accepted = None
    for depth in range(25, 2000, 25):
        text = f"statute S rule r [art. 1]: d = {DEEP_SHAPES[shape](depth)}"
        try:
            parse_text(text, "deep.law")
        except Exception:  # noqa: BLE001 - LexproofError, or Lark's VisitError (parser bug)
            break
        accepted = text
    assert accepted is not None
    result = format_text(accepted, "deep.law")
    assert format_text(result, "deep.law") == result


def test_a_long_amendment_header_puts_its_legal_effect_on_the_next_line() -> None:
    from lexproof.dsl.formatter import format_text

    title = "Uitbreiding levenlanglerenkrediet naar alle mbo-leerwegen (hypothetisch)"
    text = (
        'statute S\nfacts F { x: int }\ndecision d: int otherwise 0\n'
        f'amendment A "{title}" amends S in force 2027-09-01 proposal\n'
        "  repeal rule r\n"
    )
    lines = format_text(text, "a.law").splitlines()
    index = lines.index(f'amendment A "{title}"')
    assert lines[index + 1] == "  amends S in force 2027-09-01 proposal"


# --- the layout of the bundled statutes (issue 17: the project passes its own fmt --check) -------

HAND = """statute S
facts F {
  a: bool   -- first
  long_name_b: int 0..10 -- second
  c: bool
}
rule r [art. 1]: d = if p = 96% then 96% * kosten_per_maand_van_de_ouder else if p = 80% then 80% * kosten_per_maand_van_de_ouder else 0
  if alpha_condition_name_one and (beta_condition_name_two_much_longer or (gamma_condition_three and delta_condition_four_long))
property q: for every F claim alpha_condition_name_one implies some_other_rather_long_name_of_a_fact not in {x, y, z, w, v, u}
example "e" [on 2020-01-01] { alpha = 1, beta = 2, gamma = 3, delta = 4, epsilon = 5, zeta = 6, eta = 7, theta = 8, iota = 9 } expect alpha = 1, beta = 2, gamma = 3, delta = 4, epsilon = 5, zeta = 6, eta = 7, theta = 8, iota = 9, kappa = 10
amendment A amends S in force 2021-01-01
repeal rule r
repeal rule r2
property p [amendment A]: for every F claim before.a = after.a
"""

# Written by hand: top-level items at column 1, aligned trailing comments, one branch of an
# if-else-if chain per line with 'else' under 'if', a long parenthesised operand broken inside its
# parentheses, 'implies' chains broken like and/or, example facts and expected values packed,
# a run of repeals without blank lines, '[amendment A]' kept short.
HAND_CANONICAL = """statute S

facts F {
  a: bool                 -- first
  long_name_b: int 0..10  -- second
  c: bool
}

rule r [art. 1]:
  d = if p = 96% then 96% * kosten_per_maand_van_de_ouder
      else if p = 80% then 80% * kosten_per_maand_van_de_ouder
      else 0
  if alpha_condition_name_one
     and (beta_condition_name_two_much_longer
          or (gamma_condition_three and delta_condition_four_long))

property q:
  for every F
  claim alpha_condition_name_one
        implies some_other_rather_long_name_of_a_fact not in {x, y, z, w, v, u}

example "e" [on 2020-01-01] {
  alpha = 1, beta = 2, gamma = 3, delta = 4, epsilon = 5, zeta = 6, eta = 7, theta = 8, iota = 9
} expect alpha = 1, beta = 2, gamma = 3, delta = 4, epsilon = 5, zeta = 6, eta = 7, theta = 8,
         iota = 9, kappa = 10

amendment A amends S in force 2021-01-01

  repeal rule r
  repeal rule r2

  property p [amendment A]:
    for every F
    claim before.a = after.a
"""


def test_the_layout_drafters_use_by_hand() -> None:
    assert format_text(HAND, "h.law") == HAND_CANONICAL
    assert format_text(HAND_CANONICAL, "h.law") == HAND_CANONICAL
    assert parse_text(HAND_CANONICAL, "h.law") == parse_text(HAND, "h.law")
