"""Lark parse trees to AST nodes: a Transformer that builds frozen dataclasses with spans.

Small checks that need the token (a valid date, a usable number, whole cents) happen here, so
their diagnostics point at the literal itself."""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction
from typing import Any

from lark import Token, Transformer, v_args

from lexproof.dsl import ast
from lexproof.dsl.diagnostics import Diagnostic
from lexproof.dsl.source import Span

MAX_NUMBER_DIGITS = 30




def _token_span(path: str, token: Token) -> Span:
    end_line = token.end_line or token.line
    end_column = token.end_column or (token.column + len(token.value))
    return Span(path, token.line, token.column, end_line, end_column)


def _parse_number(text: str) -> str:
    cleaned = text.replace("_", "").replace("€", "").replace("%", "").strip()
    if len(cleaned.replace(".", "")) > MAX_NUMBER_DIGITS:
        raise ValueError(f"number with more than {MAX_NUMBER_DIGITS} digits")
    return cleaned


class ToAst(Transformer):
    """Builds AST nodes bottom-up. Spans come from Lark's propagated positions."""

    def __init__(self, path: str) -> None:
        super().__init__(visit_tokens=False)
        self.path = path
        self.errors: list[Diagnostic] = []

    def _span(self, meta: Any) -> Span:
        if getattr(meta, "empty", True):
            return Span(self.path, 1, 1, 1, 1)
        return Span(self.path, meta.line, meta.column, meta.end_line, meta.end_column)

    def _tok(self, token: Token) -> Span:
        return _token_span(self.path, token)

    def _date(self, token: Token) -> dt.date:
        try:
            return dt.date.fromisoformat(str(token))
        except ValueError:
            self.errors.append(Diagnostic(self._tok(token), f"'{token}' is not a valid date"))
            return dt.date(1970, 1, 1)

    # --- file structure ---
    @v_args(meta=True)
    def start(self, meta: Any, children: list) -> ast.File:
        imports = tuple(c for c in children if isinstance(c, ast.Import))
        sections = tuple(c for c in children if isinstance(c, (ast.Statute, ast.Amendment)))
        return ast.File(self.path, imports, sections, span=self._span(meta))

    def statute_items(self, children: list) -> tuple:
        return tuple(children)

    def amendment_items(self, children: list) -> tuple:
        return tuple(children)

    @v_args(meta=True)
    def query(self, meta: Any, children: list) -> tuple[str | None, ast.Expr]:
        if len(children) == 2:
            return str(children[0]), children[1]
        return None, children[0]

    @v_args(meta=True)
    def import_decl(self, meta: Any, children: list) -> ast.Import:
        return ast.Import(_unquote(children[0]), span=self._span(meta))

    @v_args(meta=True)
    def statute(self, meta: Any, children: list) -> ast.Statute:
        name = str(children[0])
        rest = children[1:]
        title = None
        if rest and isinstance(rest[0], Token) and rest[0].type == "STRING":
            title = _unquote(rest[0])
            rest = rest[1:]
        sources = {key: value for item in rest if isinstance(item, tuple) for key, value in [item]}
        items = tuple(item for item in rest if not isinstance(item, tuple))
        return ast.Statute(
            name,
            items,
            title=title,
            bwb=sources.get("bwb"),
            celex=sources.get("celex"),
            url=sources.get("url"),
            span=self._span(meta),
            cite_as=sources.get("cite"),
        )

    def statute_source(self, children: list) -> tuple[str, str]:
        key, value = children
        text = _unquote(value) if value.type == "STRING" else str(value)
        return str(key), text

    @v_args(meta=True)
    def amendment(self, meta: Any, children: list) -> ast.Amendment:
        name = str(children[0])
        rest = children[1:]
        title = None
        if isinstance(rest[0], Token) and rest[0].type == "STRING":
            title = _unquote(rest[0])
            rest = rest[1:]
        amends, date_token, *items = rest
        proposal = bool(items) and items[0] == "proposal"
        if proposal:
            items = items[1:]
        return ast.Amendment(
            name, str(amends), self._date(date_token), tuple(items), title=title, span=self._span(meta),
            proposal=proposal,
        )

    def proposal(self, children: list) -> str:
        return "proposal"

    @v_args(meta=True)
    def replace_rule(self, meta: Any, children: list) -> ast.ReplaceRule:
        return ast.ReplaceRule(children[0], span=self._span(meta))

    @v_args(meta=True)
    def insert_rule(self, meta: Any, children: list) -> ast.InsertRule:
        return ast.InsertRule(children[0], span=self._span(meta))

    @v_args(meta=True)
    def repeal_rule(self, meta: Any, children: list) -> ast.RepealRule:
        return ast.RepealRule(str(children[0]), span=self._span(meta))

    @v_args(meta=True)
    def repeal_citation(self, meta: Any, children: list) -> ast.RepealCitation:
        return ast.RepealCitation(children[0], span=self._span(meta))

    @v_args(meta=True)
    def set_parameter(self, meta: Any, children: list) -> ast.SetParameter:
        start = self._date(children[2]) if len(children) > 2 else None
        return ast.SetParameter(str(children[0]), children[1], start, span=self._span(meta))

    @v_args(meta=True)
    def add_facts(self, meta: Any, children: list) -> ast.AddFacts:
        return ast.AddFacts(str(children[0]), tuple(children[1:]), span=self._span(meta))

    @v_args(meta=True)
    def add_decision(self, meta: Any, children: list) -> ast.AddDecision:
        return ast.AddDecision(children[0], span=self._span(meta))

    @v_args(meta=True)
    def add_enum_values(self, meta: Any, children: list) -> ast.AddEnumValues:
        return ast.AddEnumValues(str(children[0]), tuple(children[1:]), span=self._span(meta))

    @v_args(meta=True)
    def add_table(self, meta: Any, children: list) -> ast.AddTable:
        return ast.AddTable(children[0], span=self._span(meta))

    @v_args(meta=True)
    def add_rows(self, meta: Any, children: list) -> ast.AddRows:
        return ast.AddRows(str(children[0]), tuple(children[1:]), span=self._span(meta))

    @v_args(meta=True)
    def end_parameter(self, meta: Any, children: list) -> ast.EndParameter:
        if str(children[1]) != "no":
            self.errors.append(Diagnostic(self._tok(children[1]), f"expected 'no value', not '{children[1]} value'"))
        start = self._date(children[2]) if len(children) > 2 else None
        return ast.EndParameter(str(children[0]), start, span=self._span(meta))

    # --- declarations ---
    @v_args(meta=True)
    def enum_decl(self, meta: Any, children: list) -> ast.EnumDecl:
        return ast.EnumDecl(str(children[0]), tuple(children[1:]), span=self._span(meta))

    @v_args(meta=True)
    def enum_value(self, meta: Any, children: list) -> ast.EnumValue:
        return ast.EnumValue(str(children[0]), span=self._span(meta))

    @v_args(meta=True)
    def facts_decl(self, meta: Any, children: list) -> ast.FactsDecl:
        return ast.FactsDecl(str(children[0]), tuple(children[1:]), span=self._span(meta))

    @v_args(meta=True)
    def fact_field(self, meta: Any, children: list) -> ast.FactField:
        rest = children[2:]
        default = None
        if rest and isinstance(rest[0], tuple) and rest[0][0] == "default":
            default = rest.pop(0)[1]
        typical = rest[0] if rest else None
        if isinstance(typical, Token):
            typical = ast.Name(str(typical), span=self._tok(typical))
        return ast.FactField(str(children[0]), children[1], typical, span=self._span(meta), default=default)

    def fact_default(self, children: list) -> tuple[str, ast.Literal | ast.Name]:
        value = children[0]
        if isinstance(value, Token):
            value = ast.Name(str(value), span=self._tok(value))
        return ("default", value)

    @v_args(meta=True)
    def builtin_type(self, meta: Any, children: list) -> ast.TypeRef:
        kind = str(children[0].children[0])
        low = high = None
        if len(children) == 3:
            low, high = children[1], children[2]
        return ast.TypeRef(kind, None, low, high, span=self._span(meta))

    @v_args(meta=True)
    def enum_type(self, meta: Any, children: list) -> ast.TypeRef:
        return ast.TypeRef("enum", str(children[0]), span=self._span(meta))

    @v_args(meta=True)
    def qualified_enum_type(self, meta: Any, children: list) -> ast.TypeRef:
        """``WEB.Leerweg``: an enum of a used statute, named by its statute."""
        return ast.TypeRef("enum", str(children[1]), span=self._span(meta), statute=str(children[0]))

    def signed_literal(self, children: list) -> ast.Literal:
        return children[0]

    @v_args(meta=True)
    def negative_literal(self, meta: Any, children: list) -> ast.Literal:
        literal = children[0]
        if literal.kind in ("bool", "date"):
            self.errors.append(Diagnostic(literal.span, f"a {literal.kind} cannot be negative"))
            return literal
        return ast.Literal(literal.kind, -literal.value, span=self._span(meta))

    @v_args(meta=True)
    def parameter_decl(self, meta: Any, children: list) -> ast.ParameterDecl:
        name, type_ref, *rest = children
        citation = rest[0] if rest and isinstance(rest[0], ast.Citation) else None
        values = tuple(v for v in rest if isinstance(v, ast.ParamValue))
        return ast.ParameterDecl(str(name), type_ref, values, citation, span=self._span(meta))

    @v_args(meta=True)
    def param_value(self, meta: Any, children: list) -> ast.ParamValue:
        start = self._date(children[1]) if len(children) > 1 else None
        return ast.ParamValue(children[0], start, span=self._span(meta))

    @v_args(meta=True)
    def decision_decl(self, meta: Any, children: list) -> ast.DecisionDecl:
        allow, expect = _annotations(children)
        name, type_ref, *rest = children
        citation = rest[0] if rest and isinstance(rest[0], ast.Citation) else None
        default = rest[-1] if rest and not isinstance(rest[-1], ast.Citation) else None
        return ast.DecisionDecl(
            str(name), type_ref, default, citation, span=self._span(meta), allow=allow, expect=expect
        )

    @v_args(meta=True)
    def rule_decl(self, meta: Any, children: list) -> ast.RuleDecl:
        allow, expect = _annotations(children)
        name = str(children[0])
        citation = children[1]
        rest = children[2:]
        exceptions: tuple[str, ...] = ()
        if isinstance(rest[0], tuple):
            exceptions = rest[0]
            rest = rest[1:]
        decision_token, value, *condition = rest
        return ast.RuleDecl(
            name,
            citation,
            str(decision_token),
            value,
            condition[0] if condition else None,
            exceptions,
            tuple(allow),
            span=self._span(meta),
            decision_span=self._tok(decision_token),
            expect=tuple(expect),
        )

    def annotation(self, children: list) -> tuple[str, list[str]]:
        kind = str(children[0].children[0])
        return kind, [str(c) for c in children[1:]]

    def except_clause(self, children: list) -> tuple[str, ...]:
        return tuple(str(c) for c in children)

    @v_args(meta=True)
    def citation(self, meta: Any, children: list) -> ast.Citation:
        statute, after, children = self._cite_act(children)
        kind = "art" if children[0] == "artikel" else children[0]
        article = self._article_number(kind, children[1])
        lid = sub = onder = None
        sub_word = "sub"
        for part in children[2:]:
            if isinstance(part, tuple) and part[0] == "lid":
                lid = part[1]
            elif isinstance(part, tuple) and part[0] == "sub":
                sub_word, sub = part[1], part[2]
            elif isinstance(part, tuple) and part[0] == "onder":
                onder = part[1]
        return ast.Citation(
            kind, article, lid, sub, statute, span=self._span(meta),
            sub_word=sub_word, onder=onder, statute_after=after,
        )

    @v_args(meta=True)
    def division_citation(self, meta: Any, children: list) -> ast.Citation:
        """``[hoofdstuk 3]``, ``[§ 3.2]`` (kind ``paragraaf``), ``[afdeling 4.2.1 Awb]``."""
        statute, after, children = self._cite_act(children)
        kind = "paragraaf" if children[0] == "§" else children[0]
        article = self._article_number(kind, children[1])
        return ast.Citation(kind, article, statute=statute, span=self._span(meta), statute_after=after)

    @staticmethod
    def _cite_act(children: list) -> tuple[str | None, bool, list]:
        """The act a citation names (before or after the provision), and the other parts."""
        statute, after, rest = None, False, []
        for child in children:
            if isinstance(child, tuple) and child[0] in ("act", "act_after"):
                statute, after = child[1], child[0] == "act_after"
            else:
                rest.append(child)
        return statute, after, rest

    def _article_number(self, kind: str, token: Token) -> str:
        """An article number; only an article has a book-and-article number (Awb art. 4:84)."""
        text = str(token)
        if ":" in text and kind != "art":
            self.errors.append(Diagnostic(
                self._tok(token),
                f"'{text}' is a book-and-article number, which only an article has "
                f"(art. {text}); a {kind} is numbered like 3 or 4.2.1",
            ))
        return text

    def cite_act(self, children: list) -> tuple[str, str]:
        token = children[0]
        text = _unquote(token) if token.type == "STRING" else str(token)
        if not text.strip():
            self.errors.append(Diagnostic(self._tok(token), 'the act\'s name is empty (write ["Kamerstuk 36 799" art. I])'))
        return ("act", text)

    def cite_act_after(self, children: list) -> tuple[str, str]:
        return ("act_after", self.cite_act(children)[1])

    def cite_lid(self, children: list) -> tuple[str, str]:
        token = children[0]
        if ":" in token:
            self.errors.append(Diagnostic(
                self._tok(token),
                f"a lid is numbered like 2 or 2a, not '{token}' (a book-and-article number "
                "belongs to the article: art. 4:84 lid 2)",
            ))
        return ("lid", str(token))

    def cite_sub(self, children: list) -> tuple[str, str, str]:
        return ("sub", children[0], str(children[1]))

    def cite_sub_word(self, children: list) -> str:
        return " ".join(str(c) for c in children)

    def cite_onder(self, children: list) -> tuple[str, str]:
        return ("onder", str(children[0]))

    def cite_division(self, children: list) -> str:
        return str(children[0])

    @v_args(meta=True)
    def source_citation(self, meta: Any, children: list) -> ast.Citation:
        return ast.Citation("source", _unquote(children[0]), span=self._span(meta))

    def cite_kind(self, children: list) -> str:
        return str(children[0])

    @v_args(meta=True)
    def table_decl(self, meta: Any, children: list) -> ast.TableDecl:
        name = str(children[0])
        rest = children[1:]
        citation = None
        if isinstance(rest[0], ast.Citation):
            citation = rest.pop(0)
        input_type, output_type, *rows = rest
        marginal = cumulative = False
        if rows and rows[0] == "marginal":
            marginal = True
            rows = rows[1:]
        elif rows and rows[0] == "cumulative":
            cumulative = True
            rows = rows[1:]
        return ast.TableDecl(
            name, input_type, output_type, tuple(rows), marginal, citation, span=self._span(meta),
            cumulative=cumulative,
        )

    def marginal(self, children: list) -> str:
        return "marginal"

    def cumulative(self, children: list) -> str:
        return "cumulative"

    @v_args(meta=True)
    def below_row(self, meta: Any, children: list) -> ast.TableRow:
        return ast.TableRow(children[0], children[1], span=self._span(meta), exclusive=True)

    @v_args(meta=True)
    def bounded_row(self, meta: Any, children: list) -> ast.TableRow:
        return ast.TableRow(children[0], children[1], span=self._span(meta))

    @v_args(meta=True)
    def above_row(self, meta: Any, children: list) -> ast.TableRow:
        return ast.TableRow(None, children[0], span=self._span(meta))

    # --- examples and properties ---
    @v_args(meta=True)
    def example_decl(self, meta: Any, children: list) -> ast.Example:
        name = _unquote(children[0])
        rest = children[1:]
        versions: tuple = ()
        if isinstance(rest[0], tuple) and rest[0] and rest[0][0] == "versions":
            versions = rest.pop(0)[1]
            if versions and isinstance(versions[0], tuple):
                self.errors.append(
                    Diagnostic(self._span(meta), "an example runs on single versions, not a comparison")
                )
                versions = ()
        facts, expected = rest
        return ast.Example(name, facts, expected, versions, span=self._span(meta))

    def assignments(self, children: list) -> tuple[ast.Assignment, ...]:
        return tuple(children)

    def expected_values(self, children: list) -> tuple[ast.Assignment, ...]:
        return tuple(children)

    @v_args(meta=True)
    def expected_value(self, meta: Any, children: list) -> ast.Assignment:
        tolerance = children[3] if len(children) > 3 else None
        return ast.Assignment(str(children[0]), children[1], span=self._span(meta), tolerance=tolerance)

    @v_args(meta=True)
    def assignment(self, meta: Any, children: list) -> ast.Assignment:
        return ast.Assignment(str(children[0]), children[1], span=self._span(meta))

    def versions(self, children: list) -> tuple:
        return ("versions", tuple(children))

    def compare_versions(self, children: list) -> tuple:
        return ("versions", ((children[0], children[1]),))

    @v_args(meta=True)
    def amendment_versions(self, meta: Any, children: list) -> tuple:
        name = str(children[0])
        span = self._span(meta)
        pair = (ast.VersionSpec("before", None, name, span=span), ast.VersionSpec("after", None, name, span=span))
        return ("versions", (pair,))

    @v_args(meta=True)
    def on_version(self, meta: Any, children: list) -> ast.VersionSpec:
        return ast.VersionSpec("on", self._date(children[0]), span=self._span(meta))

    @v_args(meta=True)
    def on_with_version(self, meta: Any, children: list) -> ast.VersionSpec:
        return ast.VersionSpec("with", self._date(children[0]), str(children[1]), span=self._span(meta))

    @v_args(meta=True)
    def before_version(self, meta: Any, children: list) -> ast.VersionSpec:
        return ast.VersionSpec("before", None, str(children[0]), span=self._span(meta))

    @v_args(meta=True)
    def after_version(self, meta: Any, children: list) -> ast.VersionSpec:
        return ast.VersionSpec("after", None, str(children[0]), span=self._span(meta))

    @v_args(meta=True)
    def property_decl(self, meta: Any, children: list) -> ast.Property:
        name = str(children[0])
        rest = children[1:]
        versions: tuple[ast.VersionSpec, ...] = ()
        compare = None
        if isinstance(rest[0], tuple) and rest[0][0] == "versions":
            specs = rest.pop(0)[1]
            if specs and isinstance(specs[0], tuple):
                compare = specs[0]
            else:
                versions = specs
        expect = "proved"
        if isinstance(rest[0], tuple) and rest[0][0] == "expect":
            expect = rest.pop(0)[1]
        facts = str(rest.pop(0))
        cases: tuple[str, ...] = ()
        differing = None
        adding = None
        if isinstance(rest[0], tuple) and rest[0][0] == "cases":
            _, cases, differing = rest.pop(0)
            if isinstance(differing, tuple) and differing[:1] == ("adding",):
                adding, differing = differing[1], None
        assumptions = tuple(r[1] for r in rest[:-1])
        claim = rest[-1]
        return ast.Property(
            name, facts, claim, assumptions, versions, compare, cases, differing, expect,
            span=self._span(meta), adding=adding,
        )

    def facts_ref(self, children: list) -> str:
        """``Aanvrager`` or ``WEB.Aanvrager`` (a facts group of a used statute)."""
        return ".".join(str(c) for c in children)

    def expectation(self, children: list) -> tuple[str, str]:
        return ("expect", str(children[1]))

    def case_names(self, children: list) -> tuple:
        differing = None
        if children and isinstance(children[-1], tuple):
            differing = children.pop()
        return ("cases", tuple(str(c) for c in children), differing)

    def differing(self, children: list) -> tuple[str, ...]:
        return tuple(str(c) for c in children)

    def adding(self, children: list) -> tuple[str, str]:
        return ("adding", str(children[0]))

    def assume(self, children: list) -> tuple[str, ast.Expr]:
        return ("assume", children[0])

    # --- expressions ---
    @v_args(meta=True)
    def literal(self, meta: Any, children: list) -> ast.Literal:
        token = children[0]
        span = self._tok(token)
        kind = token.type
        try:
            if kind == "TRUE":
                return ast.Literal("bool", True, span=span)
            if kind == "FALSE":
                return ast.Literal("bool", False, span=span)
            if kind == "DATE":
                return ast.Literal("date", self._date(token), span=span)
            if kind == "MONEY":
                amount = Fraction(_parse_number(token))
                if (amount * 100).denominator != 1:
                    raise ValueError("money is in whole cents (at most two decimals)")
                return ast.Literal("money", amount, span=span)
            if kind == "PERCENT":
                return ast.Literal("rate", Fraction(_parse_number(token)) / 100, span=span)
            if kind == "DECIMAL":
                return ast.Literal("number", Fraction(_parse_number(token)), span=span)
            return ast.Literal("int", int(_parse_number(token)), span=span)
        except ValueError as error:
            self.errors.append(Diagnostic(span, f"'{token}' is not a usable number: {error}"))
            return ast.Literal("int", 0, span=span)

    @v_args(meta=True)
    def name(self, meta: Any, children: list) -> ast.Name:
        return ast.Name(str(children[0]), span=self._span(meta))

    @v_args(meta=True)
    def qualified(self, meta: Any, children: list) -> ast.Qualified:
        return ast.Qualified(str(children[0]), str(children[1]), span=self._span(meta))

    @v_args(meta=True)
    def qualified_twice(self, meta: Any, children: list) -> ast.Qualified:
        """``before.WEB.x``, ``a.WEB.x``: a version or case, then a qualified name (kept whole
        as the name, ``WEB.x``, so that everything that prints or walks names is unchanged)."""
        return ast.Qualified(str(children[0]), f"{children[1]}.{children[2]}", span=self._span(meta))

    @v_args(meta=True)
    def call(self, meta: Any, children: list) -> ast.Call:
        return ast.Call(str(children[0]), tuple(children[1:]), span=self._span(meta))

    @v_args(meta=True)
    def qualified_call(self, meta: Any, children: list) -> ast.Call:
        """``WEB.tabel(x)``: a table of a used statute (the function named ``WEB.tabel``)."""
        return ast.Call(f"{children[0]}.{children[1]}", tuple(children[2:]), span=self._span(meta))

    @v_args(meta=True)
    def duration(self, meta: Any, children: list) -> ast.Duration:
        amount, unit = children
        return ast.Duration(amount, unit, span=self._span(meta))

    def time_unit(self, children: list) -> str:
        return str(children[0])

    @v_args(meta=True)
    def if_expr(self, meta: Any, children: list) -> ast.IfThenElse:
        return ast.IfThenElse(*children, span=self._span(meta))

    @v_args(meta=True)
    def implies_expr(self, meta: Any, children: list) -> ast.Binary:
        return ast.Binary("implies", children[0], children[1], span=self._span(meta))

    @v_args(meta=True)
    def or_op(self, meta: Any, children: list) -> ast.Binary:
        return ast.Binary("or", children[0], children[1], span=self._span(meta))

    @v_args(meta=True)
    def and_op(self, meta: Any, children: list) -> ast.Binary:
        return ast.Binary("and", children[0], children[1], span=self._span(meta))

    @v_args(meta=True)
    def not_op(self, meta: Any, children: list) -> ast.Unary:
        return ast.Unary("not", children[0], span=self._span(meta))

    @v_args(meta=True)
    def negate(self, meta: Any, children: list) -> ast.Expr:
        return ast.Unary("-", children[-1], span=self._span(meta))

    @v_args(meta=True)
    def compare(self, meta: Any, children: list) -> ast.Binary:
        left, op, right = children
        return ast.Binary(op, left, right, span=self._span(meta))

    @v_args(meta=True)
    def arith(self, meta: Any, children: list) -> ast.Binary:
        left, op, right = children
        return ast.Binary(op, left, right, span=self._span(meta))

    def compare_op(self, children: list) -> str:
        return str(children[0])

    add_op = mul_op = compare_op

    @v_args(meta=True)
    def in_set(self, meta: Any, children: list) -> ast.InSet:
        return ast.InSet(children[0], children[1], False, span=self._span(meta))

    @v_args(meta=True)
    def not_in_set(self, meta: Any, children: list) -> ast.InSet:
        return ast.InSet(children[0], children[1], True, span=self._span(meta))

    def set_literal(self, children: list) -> tuple[ast.Expr, ...]:
        return tuple(children)

    # --- repeated items (docs/language.md, "Repeated items") ---
    @v_args(meta=True)
    def items_decl(self, meta: Any, children: list) -> ast.ItemsDecl:
        name, maximum, *rest = children
        parent = str(rest.pop(0)) if rest and isinstance(rest[0], Token) else None
        return ast.ItemsDecl(
            str(name), int(str(maximum).replace("_", "")), tuple(rest), parent,
            span=self._span(meta), maximum_span=self._tok(maximum),
        )

    @v_args(meta=True)
    def item_decision_decl(self, meta: Any, children: list) -> ast.DecisionDecl:
        allow, expect = _annotations(children)
        name, type_ref, kind, *rest = children
        citation = rest[0] if rest and isinstance(rest[0], ast.Citation) else None
        default = rest[-1] if rest and not isinstance(rest[-1], ast.Citation) else None
        return ast.DecisionDecl(
            str(name), type_ref, default, citation, span=self._span(meta), allow=allow, expect=expect,
            per=str(kind),
        )

    @v_args(meta=True)
    def aggregate(self, meta: Any, children: list) -> ast.Aggregate:
        function, kind, body, *where = children
        return ast.Aggregate(str(function), str(kind), body, where[0] if where else None, span=self._span(meta))

    @v_args(meta=True)
    def aggregate_count(self, meta: Any, children: list) -> ast.Aggregate:
        function, kind, where = children
        return ast.Aggregate(str(function), str(kind), None, where, span=self._span(meta))

    @v_args(meta=True)
    def rank(self, meta: Any, children: list) -> ast.Expr:
        function, kind, key = children
        if str(function) != "rank":
            self.errors.append(Diagnostic(
                self._tok(function),
                f"'{function}(... by ...)' is not a function; write rank({kind} by ...) for an item's position",
            ))
        return ast.Rank(str(kind), key, span=self._span(meta))

    @v_args(meta=True)
    def expected_item_value(self, meta: Any, children: list) -> ast.Assignment:
        """``kind[2].per_kind = €150``: the name holds the path as written (kind[2].per_kind)."""
        refs = [c for c in children if isinstance(c, str) and "[" in c]
        rest = children[len(refs):]
        name = ".".join([*refs, str(rest[0])])
        tolerance = rest[3] if len(rest) > 3 else None
        return ast.Assignment(name, rest[1], span=self._span(meta), tolerance=tolerance)

    def item_ref(self, children: list) -> str:
        return f"{children[0]}[{int(str(children[1]).replace('_', ''))}]"

    @v_args(meta=True)
    def item_assignment(self, meta: Any, children: list) -> ast.Assignment:
        return ast.Assignment(str(children[0]), children[1], span=self._span(meta))

    @v_args(meta=True)
    def item_list(self, meta: Any, children: list) -> ast.ItemList:
        return ast.ItemList(tuple(children), span=self._span(meta))

    @v_args(meta=True)
    def item_record(self, meta: Any, children: list) -> ast.ItemRecord:
        return ast.ItemRecord(children[0], span=self._span(meta))


def _annotations(children: list) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Pop leading @allow(...)/@expect(...) annotations off a declaration's children."""
    allow: list[str] = []
    expect: list[str] = []
    while children and isinstance(children[0], tuple) and children[0] and children[0][0] in ("allow", "expect"):
        kind, names = children.pop(0)
        (allow if kind == "allow" else expect).extend(names)
    return tuple(allow), tuple(expect)


def _unquote(token: Token | str) -> str:
    text = str(token)[1:-1]
    return re.sub(r"\\(.)", r"\1", text)


class _CrossStatuteToAst:
    """Transformer methods for ``uses`` and ``same question`` (mixed into :class:`ToAst`)."""

    @v_args(meta=True)
    def uses_decl(self, meta: Any, children: list) -> ast.UsesDecl:
        return ast.UsesDecl(
            tuple(str(c) for c in children), tuple(self._tok(c) for c in children), span=self._span(meta)
        )

    @v_args(meta=True)
    def question_side(self, meta: Any, children: list) -> ast.QuestionSide:
        if len(children) == 2:
            return ast.QuestionSide(str(children[1]), str(children[0]), span=self._span(meta))
        return ast.QuestionSide(str(children[0]), None, span=self._span(meta))

    def lex_kind(self, children: list) -> str:
        return str(children[0])

    def priority_clause(self, children: list) -> tuple:
        winner = children[1] if len(children) > 1 else None
        return ("priority", children[0], str(winner) if winner is not None else None,
                self._tok(winner) if winner is not None else None)

    @v_args(meta=True)
    def same_question(self, meta: Any, children: list) -> ast.SameQuestion:
        name, first, second = str(children[0]), children[1], children[2]
        priority, winner, winner_span = (children[3][1], children[3][2], children[3][3]) if len(children) > 3 else (None, None, None)
        return ast.SameQuestion(name, first, second, priority, winner, span=self._span(meta), winner_span=winner_span)


    @v_args(meta=True)
    def same_fact(self, meta: Any, children: list) -> ast.SameFact:
        return ast.SameFact(children[0], children[1], span=self._span(meta))


for _name in ("uses_decl", "question_side", "lex_kind", "priority_clause", "same_question", "same_fact"):
    setattr(ToAst, _name, _CrossStatuteToAst.__dict__[_name])
