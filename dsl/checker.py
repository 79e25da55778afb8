"""The statute pass of the checker: one statute's declarations resolved and type-checked into
a :class:`lexproof.dsl.model.StatuteModel` (names, types, rules, their exceptions and cycles).

It follows the constant and example passes (``lexproof.dsl.check_constants``, ``lexproof.dsl.check_examples``)
and comes before what amendments add and the amendments themselves (``lexproof.dsl.check_growth``,
``lexproof.dsl.check_amendments``); ``lexproof.dsl.check_program.check_files`` runs them all in order, and each
pass imports only those before it (tests/test_import_graph.py). Reports every error it can
find and leaves raising to the caller.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import weakref
from collections import defaultdict
from collections.abc import Collection

from lexproof.dsl import ast, ir
from lexproof.dsl.check_constants import constant_value  # noqa: F401 - re-exported
from lexproof.dsl.check_examples import check_example, check_property, range_problem  # noqa: F401 - re-exported
from lexproof.dsl.diagnostics import DiagnosticSink
from lexproof.dsl.identity_memo import IdentityMemo
from lexproof.dsl.ir import BOOL, DATE, INT, MONEY, NUMBER, RATE, Type
from lexproof.dsl.model import (
    DecisionInfo,
    FactInfo,
    KindInfo,
    ParameterInfo,
    ParameterValue,
    RuleInfo,
    StatuteModel,
    TableInfo,
)
from lexproof.dsl.source import Span
from lexproof.dsl.typing import (
    PEILDATUM,
    Lowerer,
    Scope,
    TypeFailure,
    assignable,
    is_constant,
    literal_value,
    suggest,
)

BUILTIN_TYPES = {"bool": BOOL, "int": INT, "number": NUMBER, "rate": RATE, "money": MONEY, "date": DATE}
ALLOWABLE_FINDINGS = {
    "conflict": "LP101", "gap": "LP102", "dead": "LP103", "redundant": "LP104",
}
RESERVED_NAMES = {"before", "after"}
MAX_ITEMS = 20  # the most items of one kind: the encoding unrolls every one
MAX_ITEM_SLOTS = 200  # the most items of a nested kind per case (the product of the maxima)
_DECISION_REFS = (ir.DecisionRef, ir.ItemDecisionRef)


class _StatuteChecker:
    def __init__(self, statute: ast.Statute, sink: DiagnosticSink) -> None:
        self.ast = statute
        self.sink = sink
        self.model = StatuteModel(
            statute.name, statute.title, statute.bwb, statute.celex, statute.url, statute.span,
            cite_as=statute.cite_as,
        )
        self.lowerer = Lowerer(self.model, sink)
        self.names: dict[str, tuple[str, Span]] = {}
        self.unchecked: dict[str, ast.Citation] = {}  # rules that failed to check, by name
        self.reuse: _RuleSession | None = None  # set by ``run``

    def run(self) -> StatuteModel:
        from lexproof.dsl.check_xref import check_fact_maps, check_questions, check_uses, share_enums

        items = self.ast.items
        # What the last load of this statute checked, reused where nothing it reads changed
        # (``RuleMemo``; a statute that reads other statutes is checked afresh every time).
        self.reuse = None if any(isinstance(item, ast.UsesDecl) for item in items) else RULES.session(self.ast.name, items)
        reported = (len(self.sink.diagnostics), len(self.sink.warnings))
        check_uses(self.model, self.ast, getattr(self, "loaded", {}))
        self.lowerer.loaded = getattr(self, "all_names", ())  # type: ignore[attr-defined]
        for item in items:
            if isinstance(item, ast.EnumDecl):
                self._enum(item)
        share_enums(self.model, self.ast, self.sink)  # those of the statutes it uses
        for item in items:
            if isinstance(item, ast.FactsDecl):
                self._facts(item)
        check_fact_maps(self.model, self.ast, self.sink)  # same fact WEB.f = g, before any lowering
        for item in items:
            if isinstance(item, ast.ItemsDecl):
                self._items(item)
        for item in items:
            if isinstance(item, ast.ParameterDecl):
                self._parameter(item)
        for item in items:
            if isinstance(item, ast.DecisionDecl):
                self._decision_declared(item)
        self._check_enum_values_do_not_shadow()
        for item in items:
            if isinstance(item, ast.TableDecl):
                self._table(item)
        for item in items:
            if isinstance(item, ast.DecisionDecl):
                self._decision_default(item)
        reuse = self.reuse
        for item in items:
            if isinstance(item, ast.RuleDecl):
                rule = reuse.checked(item, self.model, self.lowerer, self.sink) if reuse is not None else \
                    check_rule(self.model, self.lowerer, item, self.sink, origin=None)
                if rule is None:
                    self.unchecked.setdefault(item.name, item.citation)
                    continue
                if rule.name in self.model.rules:
                    self.sink.error(
                        item.span,
                        f"rule '{rule.name}' is defined twice",
                        (self.model.rules[rule.name].span, "first defined here"),
                    )
                    continue
                self.model.rules[rule.name] = rule
        if reuse is not None and (len(self.sink.diagnostics), len(self.sink.warnings)) == reported:
            reuse.keep_decisions(self.model)  # a clean load's: nothing said about any of them
        check_rule_structure(self.model, list(self.model.rules.values()), self.sink, None, unchecked=self.unchecked)
        check_questions(self.model, self.ast, self.lowerer, self.sink)
        for item in items:
            if isinstance(item, ast.Example):
                check_example(self.model, self.lowerer, item, self.ast.name, self.sink)
            elif isinstance(item, ast.Property):
                check_property(self.model, self.lowerer, item, self.ast.name, self.sink)
        return self.model

    def _declare(self, name: str, kind: str, span: Span) -> bool:
        if name in RESERVED_NAMES:
            self.sink.error(span, f"'{name}' is reserved for comparing versions; choose another name")
            return False
        if name == PEILDATUM:
            self.sink.error(
                span,
                f"'{name}' is built in: it is the date of the version being applied; choose another name",
            )
            return False
        if name in self.names:
            other_kind, other_span = self.names[name]
            self.sink.error(
                span,
                f"'{name}' is already declared as {_a(other_kind)}",
                (other_span, "declared here"),
            )
            return False
        self.names[name] = (kind, span)
        return True

    def _enum(self, decl: ast.EnumDecl) -> None:
        if not self._declare(decl.name, "enum", decl.span):
            return
        values: list[str] = []
        for value in decl.values:
            if value.name in values:
                self.sink.error(value.span, f"enum {decl.name} lists '{value.name}' twice")
                continue
            values.append(value.name)
        self.model.enums[decl.name] = tuple(values)

    def _type(self, ref: ast.TypeRef) -> Type | None:
        if ref.kind == "enum" and ref.statute is not None:
            return self._qualified_enum(ref)
        if ref.kind == "enum":
            if ref.enum not in self.model.enums:
                self.sink.error(
                    ref.span, f"unknown type '{ref.enum}'" + suggest(ref.enum or "", list(self.model.enums))
                )
                return None
            return Type("enum", ref.enum)
        return BUILTIN_TYPES[ref.kind]

    def _qualified_enum(self, ref: ast.TypeRef) -> Type | None:
        """``WEB.Leerweg``: an enum of a statute this one uses. The used statutes' enums are
        the reader's enums already (``share_enums``), so the type is the enum by its name."""
        assert ref.statute is not None and ref.enum is not None
        used = self.model.uses.get(ref.statute)
        if ref.statute == self.model.name:
            self.sink.error(ref.span, f"{ref.statute} is this statute: write '{ref.enum}' without '{ref.statute}.'")
            return None
        if used is None:
            loaded = getattr(self, "loaded", {})
            hint = (f"; to read statute {ref.statute}, declare 'uses {ref.statute}' in {self.model.name}"
                    if ref.statute in loaded else suggest(ref.statute, list(self.model.uses)))
            self.sink.error(ref.span, f"unknown statute '{ref.statute}' in type {ref.statute}.{ref.enum}" + hint)
            return None
        if ref.enum not in used.enums:
            self.sink.error(ref.span, f"statute {ref.statute} has no enum '{ref.enum}'" + suggest(ref.enum, list(used.enums)))
            return None
        return Type("enum", ref.enum)

    def _bound(self, literal: ast.Literal | None, type_: Type, what: str) -> object | None:
        if literal is None:
            return None
        literal_type, value = literal_value(literal)
        if not assignable(literal_type, type_):
            self.sink.error(literal.span, f"{what} of {_a(str(type_))} must be {_a(str(type_))}, not {_a(str(literal_type))}")
            return None
        return value

    def _facts(self, decl: ast.FactsDecl) -> None:
        if not self._declare(decl.name, "facts group", decl.span):
            return
        names: list[str] = []
        for fact in decl.fields:
            type_ = self._type(fact.type)
            if not self._declare(fact.name, "fact", fact.span) or type_ is None:
                continue
            low = self._bound(fact.type.low, type_, "the range")
            high = self._bound(fact.type.high, type_, "the range")
            if low is not None and high is not None and low > high:  # type: ignore[operator]
                self.sink.error(fact.type.span, f"empty range: {fact.type.low.value} is above {fact.type.high.value}")  # type: ignore[union-attr]
            if type_ == MONEY:
                for bound, lit in ((low, fact.type.low), (high, fact.type.high)):
                    if bound is not None and (bound * 100).denominator != 1:  # type: ignore[operator]
                        self.sink.error(lit.span, "money bounds are whole cents")  # type: ignore[union-attr]
            typical = None
            if fact.typical is not None:
                typical = self._typical(fact, type_, low, high)
            default = self._fact_default(fact, type_, low, high) if fact.default is not None else None
            if typical is None and fact.typical is None:
                typical = default  # the usual value, where hypothesis and counterexamples start
            self.model.facts[fact.name] = FactInfo(
                fact.name, type_, decl.name, low, high, typical, fact.span, default=default
            )
            names.append(fact.name)
        self.model.groups[decl.name] = tuple(names)

    def _typical(self, fact: ast.FactField, type_: Type, low, high):
        literal = fact.typical
        assert literal is not None
        if isinstance(literal, ast.Name):
            values = self.model.enums.get(type_.enum or "", ()) if type_.kind == "enum" else ()
            if literal.name not in values:
                self.sink.error(
                    literal.span,
                    f"the typical value of {fact.name} must be a value of {type_}"
                    + (f" ({', '.join(values)})" if values else ""),
                )
                return None
            return literal.name
        value = self._bound(literal, type_, "the typical value")
        if value is None:
            return None
        if (low is not None and value < low) or (high is not None and value > high):  # type: ignore[operator]
            self.sink.error(literal.span, "the typical value lies outside the fact's range")
            return None
        return value

    def _fact_default(self, fact: ast.FactField, type_: Type, low, high) -> object | None:
        """The checked ``= VALUE`` of a fact: a literal of its type (an enum value for an enum
        fact) inside its range; None after reporting why not."""
        literal = fact.default
        assert literal is not None
        if isinstance(literal, ast.Name):
            values = self.model.enums.get(type_.enum or "", ()) if type_.kind == "enum" else ()
            if literal.name not in values:
                self.sink.error(
                    literal.span,
                    f"the default of {fact.name} must be a value of {type_}"
                    + (f" ({', '.join(values)})" if values else "; write a literal of the fact's type, e.g. '= false'"),
                )
                return None
            return literal.name
        value = self._bound(literal, type_, "the default")
        if value is None:
            return None
        problem = range_problem(FactInfo(fact.name, type_, "", low, high), value)
        if problem:
            self.sink.error(literal.span, f"the default of {fact.name} does not fit: {problem}")
            return None
        return value

    def _parameter(self, decl: ast.ParameterDecl) -> None:
        type_ = self._type(decl.type)
        if not self._declare(decl.name, "parameter", decl.span) or type_ is None:
            return
        if decl.type.low is not None:
            self.sink.error(decl.type.span, "a parameter has values, not a range")
        values: list[ParameterValue] = []
        starts: dict[dt.date | None, Span] = {}
        for item in decl.values:
            value = constant_value(self.model, self.lowerer, item.value, type_, "a parameter value")
            if item.start in starts:
                self.sink.error(item.span, "two values from the same date", (starts[item.start], "the other"))
                continue
            starts[item.start] = item.span
            if value is not None:
                values.append(ParameterValue(item.start, value, item.span))
        if None in starts and len(starts) > 1:
            self.sink.error(decl.span, "a parameter has either one value for all time or values 'from' dates")
        values.sort(key=lambda v: v.start or dt.date.min)
        self.model.parameters[decl.name] = ParameterInfo(decl.name, type_, tuple(values), decl.citation, decl.span)

    def _decision_declared(self, decl: ast.DecisionDecl) -> None:
        type_ = self._type(decl.type)
        if not self._declare(decl.name, "decision", decl.span) or type_ is None:
            return
        if decl.type.low is not None:
            self.sink.error(decl.type.span, "a decision's range follows from its rules; remove it")
        allow, expect = _annotation_codes(decl.allow, decl.expect, decl.span, "decision", self.sink)
        info = DecisionInfo(decl.name, type_, None, decl.citation, decl.span, allow, expect)
        if decl.per is not None:
            if decl.per not in self.model.kinds:
                self.sink.error(
                    decl.span,
                    f"decision {decl.name} per '{decl.per}': unknown kind of item"
                    + (suggest(decl.per, list(self.model.kinds)) or "; declare it with 'items NAME up to N { ... }'"),
                )
                return
            self.model.item_decisions[decl.name] = info
            self.model.decision_kind[decl.name] = decl.per
            return
        self.model.decisions[decl.name] = info

    def _decision_default(self, decl: ast.DecisionDecl) -> None:
        table = self.model.item_decisions if decl.per is not None else self.model.decisions
        info = table.get(decl.name)
        if info is None or decl.default is None:
            return
        known = self.reuse.decision(info) if self.reuse is not None else None
        if known is not None:
            table[decl.name] = known
            return
        items = self.model.kind_chain(decl.per) if decl.per is not None else ()
        try:
            default = self.lowerer.lower(decl.default, Scope(what="a default", items=items), info.type)
        except TypeFailure:
            return
        table[decl.name] = DecisionInfo(
            info.name, info.type, default, info.citation, info.span, info.allow, info.expect
        )

    # --- repeated items (docs/language.md, "Repeated items") ---
    def _items(self, decl: ast.ItemsDecl) -> None:
        """A kind of item: its maximum count, its parent kind and its facts (``item_facts``)."""
        if not self._declare(decl.name, "kind of item", decl.span):
            return
        if decl.parent is not None and decl.parent not in self.model.kinds:
            hint = suggest(decl.parent, list(self.model.kinds))
            self.sink.error(
                decl.span,
                f"items {decl.name} per '{decl.parent}': unknown kind of item"
                + (hint or "; declare the parent's 'items' before this one"),
            )
            return
        if not 1 <= decl.maximum <= MAX_ITEMS:
            self.sink.error(
                decl.maximum_span,
                f"the maximum number of {decl.name} items must be 1 to {MAX_ITEMS}, not {decl.maximum}: the "
                "verifier considers every count up to it",
            )
            return
        slots = decl.maximum
        for kind in self.model.kind_chain(decl.parent) if decl.parent else ():
            slots *= self.model.kinds[kind].maximum
        if slots > MAX_ITEM_SLOTS:
            chain = " x ".join(str(self.model.kinds[k].maximum) for k in self.model.kind_chain(decl.parent or ""))
            self.sink.error(
                decl.maximum_span,
                f"{decl.name}: {decl.maximum} per {decl.parent} is {decl.maximum} x {chain} = {slots} items per case, more "
                f"than {MAX_ITEM_SLOTS}: the verifier considers every one of them; lower a maximum",
            )
            return
        names: list[str] = []
        for fact in decl.fields:
            info = self._fact_info(fact, decl.name)
            if info is not None:
                self.model.item_facts[fact.name] = info
                names.append(fact.name)
        self.model.kinds[decl.name] = KindInfo(decl.name, decl.maximum, decl.parent, tuple(names), decl.span)
        if decl.parent:
            parent = self.model.kinds[decl.parent]
            self.model.kinds[decl.parent] = dataclasses.replace(parent, children=(*parent.children, decl.name))

    def _fact_info(self, fact: ast.FactField, group: str) -> FactInfo | None:
        """A checked fact field (as in a facts group), or None after reporting why not."""
        type_ = self._type(fact.type)
        if not self._declare(fact.name, "fact", fact.span) or type_ is None:
            return None
        low = self._bound(fact.type.low, type_, "the range")
        high = self._bound(fact.type.high, type_, "the range")
        if low is not None and high is not None and low > high:  # type: ignore[operator]
            self.sink.error(fact.type.span, f"empty range: {fact.type.low.value} is above {fact.type.high.value}")  # type: ignore[union-attr]
        if type_ == MONEY:
            for bound, lit in ((low, fact.type.low), (high, fact.type.high)):
                if bound is not None and (bound * 100).denominator != 1:  # type: ignore[operator]
                    self.sink.error(lit.span, "money bounds are whole cents")  # type: ignore[union-attr]
        typical = self._typical(fact, type_, low, high) if fact.typical is not None else None
        default = self._fact_default(fact, type_, low, high) if fact.default is not None else None
        if typical is None and fact.typical is None:
            typical = default
        return FactInfo(fact.name, type_, group, low, high, typical, fact.span, default=default)

    def _check_enum_values_do_not_shadow(self) -> None:
        for enum, values in self.model.enums.items():
            for value in values:
                if value in self.names and self.names[value][0] in ("fact", "decision", "parameter"):
                    kind, span = self.names[value]
                    self.sink.error(
                        span,
                        f"'{value}' is both a {kind} and a value of enum {enum}; rename one",
                    )

    def _table(self, decl: ast.TableDecl) -> None:
        input_type = self._type(decl.input)
        output_type = self._type(decl.output)
        if not self._declare(decl.name, "table", decl.span) or input_type is None or output_type is None:
            return
        if not (input_type.is_numeric or input_type == DATE):
            self.sink.error(decl.input.span, "a table looks up a number or a date")
            return
        if decl.marginal and not (output_type.is_numeric and input_type.is_numeric):
            self.sink.error(decl.output.span, "a marginal table sums numbers")
            return
        if decl.cumulative and not output_type.is_numeric:
            self.sink.error(
                decl.output.span,
                f"a cumulative table adds up its rows' amounts, so its result is a number, not {_a(str(output_type))}; "
                "drop 'cumulative' for a table that picks one row's value",
            )
            return
        if decl.marginal and output_type.kind == "int":
            self.sink.error(
                decl.output.span,
                "a marginal table multiplies by rates, so its result need not be whole: declare it '-> number'",
            )
            return
        rate_type = RATE if decl.marginal else output_type
        bounds, values = [], []
        has_above = False
        scope = Scope(facts=False, decisions=False, what="a table")
        for index, row in enumerate(decl.rows):
            if row.bound is None:
                if index != len(decl.rows) - 1:
                    self.sink.error(row.span, "'above' must be the last row")
                    return
                has_above = True
            else:
                bound = _try(lambda row=row: self.lowerer.lower(row.bound, scope, input_type))
                if bound is None:
                    return
                bounds.append(bound)
            value = _try(lambda row=row: self.lowerer.lower(row.value, scope, rate_type))
            if value is None:
                return
            values.append(value)
        if not bounds:
            self.sink.error(decl.span, "a table needs at least one 'up to' row")
            return
        constants = [b.value for b in bounds if isinstance(b, ir.Const)]
        if len(constants) == len(bounds) and any(a >= b for a, b in zip(constants, constants[1:])):
            self.sink.error(decl.span, "the bounds of a table must rise from row to row")
        if decl.marginal and output_type != input_type and not (output_type.is_scalar and input_type.is_scalar):
            self.sink.error(decl.output.span, f"a marginal table over {input_type} gives {input_type}")
        if decl.cumulative:
            values = _running_sums(values, output_type)
        exclusive = tuple(row.exclusive for row in decl.rows if row.bound is not None)
        self.model.tables[decl.name] = TableInfo(
            decl.name, input_type, output_type, tuple(bounds), tuple(values), has_above, decl.marginal,
            decl.citation, decl.span, exclusive=exclusive if any(exclusive) else (), cumulative=decl.cumulative,
        )


def _running_sums(values: list[ir.Node], type_: Type) -> list[ir.Node]:
    """The values of a cumulative table as a flat table sees them: row i gives the sum of the
    amounts of rows 0..i (every bracket the input has reached). Each sum keeps the span of its
    row's own amount, so a diagnostic or explanation points at that row."""
    sums: list[ir.Node] = []
    for value in values:
        sums.append(value if not sums else ir.Op("+", (sums[-1], value), type_, value.span))
    return sums


def _a(noun: str) -> str:
    """The noun with its indefinite article: 'an enum', 'a fact'; 'money' takes none."""
    if noun == "money":
        return noun
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _try(thunk):
    try:
        return thunk()
    except TypeFailure:
        return None


class RuleMemo:
    """The checked rules of the last load of each statute, for a long-lived host that loads the
    same files again and again (``check --watch``, the language server; on with the parser's
    memory of trees, ``api.remember_parses``).

    A rule's :class:`RuleInfo` follows from its declaration and from what the statute declares
    (facts, enums, kinds, parameters, decisions, tables and the rest that is not a rule, an
    example or a property), nothing else: a statute that reads other statutes is never
    remembered. So when the declarations other than rules are the same as at the last load
    (the same or equal syntax trees, positions included: ``_same_tree``) and the parser gave
    the very tree of a rule it gave then (it keeps the items an edit did not touch), the rule
    checked then is the rule now. Only a rule whose check reported nothing is kept. The same holds for a
    decision's checked default (kept from a load that reported nothing up to its rules).

    Reusing the object, not only its value, is what pays: everything worked out from a rule
    is remembered per object (the decisions it reads, its text in a cone key, what its
    expressions read), so after an edit of one rule of the 10,000-rule book those are worked
    out for that rule alone. Off (``enabled`` False) by default: a one-shot command loads once."""

    def __init__(self) -> None:
        self.enabled = False
        # statute name -> the declarations other than rules, and what their last load checked
        self._statutes: dict[str, tuple[tuple, _Checked]] = {}

    def session(self, statute: str, items: tuple) -> _RuleSession | None:
        """The rules to reuse while checking this load of ``statute`` (None when off). The
        rules checked in it replace the ones kept, so what is kept is one load's rules."""
        if not self.enabled:
            return None
        declarations = tuple(item for item in items if not isinstance(item, (ast.RuleDecl, ast.Example, ast.Property)))
        last = self._statutes.get(statute)
        same = last is not None and len(last[0]) == len(declarations) and all(
            a is b or _same_tree(a, b) for a, b in zip(last[0], declarations))
        kept = _Checked()
        self._statutes[statute] = (declarations, kept)
        return _RuleSession(last[1] if same and last is not None else _Checked(), kept)

    def clear(self) -> None:
        self._statutes.clear()


def _same_tree(a: object, b: object) -> bool:
    """Whether two syntax trees are equal, positions included (the AST's own equality leaves
    spans out, and a rule's checked form may carry the span of a declaration it reads)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, Span) or not (dataclasses.is_dataclass(a) or isinstance(a, (tuple, list))):
        return a == b
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(x is y or _same_tree(x, y) for x, y in zip(a, b))  # type: ignore[arg-type]
    return all(value is other or _same_tree(value, other)
               for value, other in zip(vars(a).values(), vars(b).values()))


class _Checked:
    """What one load of a statute checked: its rules by the id of their tree (the tree kept,
    so that the id cannot name another), and its decisions with defaults (a clean load's)."""

    def __init__(self) -> None:
        self.rules: dict[int, tuple[ast.RuleDecl, RuleInfo]] = {}
        self.decisions: dict[str, DecisionInfo] = {}


class _RuleSession:
    """One load of a statute: what the last load checked under the same declarations
    (``known``, empty when they changed) and what this load checks (``kept``)."""

    def __init__(self, known: _Checked, kept: _Checked) -> None:
        self._known, self._kept = known, kept

    def checked(self, decl: ast.RuleDecl, statute: StatuteModel, lowerer: Lowerer, sink: DiagnosticSink) -> RuleInfo | None:
        """``check_rule`` of ``decl``, or the rule it gave at the last load for this very tree."""
        entry = self._known.rules.get(id(decl))
        if entry is not None and entry[0] is decl:
            self._kept.rules[id(decl)] = entry
            return entry[1]
        reported = (len(sink.diagnostics), len(sink.warnings))
        rule = check_rule(statute, lowerer, decl, sink, origin=None)
        if rule is not None and (len(sink.diagnostics), len(sink.warnings)) == reported:
            self._kept.rules[id(decl)] = (decl, rule)
        return rule

    def decision(self, declared: DecisionInfo) -> DecisionInfo | None:
        """The decision with its checked default as the last load had it, if that load was
        clean: the declarations are the same (trees and positions), so it is this one."""
        known = self._known.decisions.get(declared.name)
        if known is None or known.type != declared.type or known.span != declared.span:
            return None  # not expected while the declarations are the same: check it afresh
        return known

    def keep_decisions(self, statute: StatuteModel) -> None:
        self._kept.decisions = {info.name: info for table in (statute.decisions, statute.item_decisions)
                                for info in table.values() if info.default is not None}


RULES = RuleMemo()


def check_rule(
    statute: StatuteModel, lowerer: Lowerer, decl: ast.RuleDecl, sink: DiagnosticSink, origin: str | None
) -> RuleInfo | None:
    decision = statute.decisions.get(decl.decision)
    items: tuple[str, ...] = ()
    if decision is None and decl.decision in statute.item_decisions:
        decision = statute.item_decisions[decl.decision]  # a decision per item: its kinds are in scope
        items = statute.kind_chain(statute.decision_kind[decl.decision])
    if decision is None:
        sink.error(
            decl.decision_span if decl.decision_span.line else decl.span,
            f"rule '{decl.name}' decides unknown decision '{decl.decision}'"
            + suggest(decl.decision, list(statute.decisions)),
        )
        return None
    allow, expect = _annotation_codes(decl.allow, decl.expect, decl.span, "rule", sink)
    scope = Scope(what="a rule", items=items)
    try:
        value = lowerer.lower(decl.value, scope, decision.type)
        condition = lowerer.lower_bool(decl.condition, scope) if decl.condition is not None else None
    except TypeFailure:
        return None
    return RuleInfo(
        decl.name, decl.decision, decl.citation, value, condition, decl.exceptions, allow, decl.span, origin,
        expect,
    )


def _annotation_codes(
    allow: tuple[str, ...], expect: tuple[str, ...], span: Span, owner: str, sink: DiagnosticSink
) -> tuple[frozenset[str], frozenset[str]]:
    """@allow/@expect names as finding codes. A gap belongs to a decision; the other findings
    to a rule, so each annotation goes where its finding is reported."""
    codes: dict[str, frozenset[str]] = {}
    for kind, names in (("allow", allow), ("expect", expect)):
        result = set()
        for name in names:
            code = ALLOWABLE_FINDINGS.get(name, name)
            if code not in ALLOWABLE_FINDINGS.values():
                sink.error(
                    span,
                    f"unknown finding '{name}' in @{kind}; use one of "
                    + ", ".join(f"{k} ({v})" for k, v in ALLOWABLE_FINDINGS.items()),
                )
                continue
            if (code == "LP102") != (owner == "decision"):
                where = "the decision" if code == "LP102" else "a rule"
                sink.error(span, f"@{kind}({name}) belongs on {where}: that is where the finding is reported")
                continue
            result.add(code)
        codes[kind] = frozenset(result)
    return codes["allow"], codes["expect"]


# Per rule object, the decisions it reads: every consolidated version checks the structure of all
# its rules again (``version_on``), and walking every rule's IR per version was 0.1 s per
# version at 10,000 rules. An entry goes when its rule does.
_RULE_READS: IdentityMemo[frozenset[str]] = IdentityMemo()


def _reads_of(rule: RuleInfo) -> frozenset[str]:
    """The decisions ``rule``'s value and condition read (remembered per rule object)."""
    known = _RULE_READS.get(rule)
    if known is not None:
        return known
    return _RULE_READS.put(rule, frozenset(n.name for node in (rule.value, rule.condition) if node is not None
                                           for n in ir.walk(node) if isinstance(n, _DECISION_REFS)))


def decision_dependencies(statute: StatuteModel, rules: list[RuleInfo]) -> dict[str, set[str]]:
    """Decision -> the decisions its rules and default read."""
    deps: dict[str, set[str]] = defaultdict(set)
    for rule in rules:
        if rule.value is not None or rule.condition is not None:
            deps[rule.decision].update(_reads_of(rule))
    for decision in [*statute.decisions.values(), *statute.item_decisions.values()]:
        if decision.default is not None:
            deps[decision.name].update(
                n.name for n in ir.walk(decision.default) if isinstance(n, _DECISION_REFS)
            )
    return deps


def check_rule_structure(
    statute: StatuteModel, rules: list[RuleInfo], sink: DiagnosticSink, context: str | None,
    unchecked: Collection[str] = (),
) -> None:
    """Exceptions name rules of the same decision; no cycles among decisions or exceptions.

    ``unchecked`` names rules that exist but failed to check (their error is reported): an
    exception to one of them is not reported again, as one to an unknown rule."""
    if not unchecked and _structure_known_sound(statute, rules):
        return
    errors_before = len(sink.diagnostics)
    by_name = {rule.name: rule for rule in rules}
    suffix = f" ({context})" if context else ""
    for rule in rules:
        for target in rule.exceptions:
            other = by_name.get(target)
            if target == rule.name:
                sink.error(rule.span, f"rule '{rule.name}' cannot be an exception to itself")
            elif other is None:
                if target in unchecked:
                    continue
                sink.error(
                    rule.span,
                    f"rule '{rule.name}' is an exception to unknown rule '{target}'{suffix}"
                    + suggest(target, list(by_name)),
                )
            elif other.decision != rule.decision:
                sink.error(
                    rule.span,
                    f"rule '{rule.name}' decides {rule.decision} but its exception target "
                    f"'{target}' decides {other.decision}",
                )
    names = set(by_name)  # once, not per rule: this runs for every consolidated version
    # Only rules with exceptions have edges, and only they can lie on a cycle.
    cycle = _find_cycle({r.name: set(r.exceptions) & names for r in rules if r.exceptions})
    if cycle:
        sink.error(by_name[cycle[0]].span, "exceptions form a cycle: " + " -> ".join(cycle) + suffix)
    deps = decision_dependencies(statute, rules)
    cycle = _find_cycle(deps)
    if cycle:
        culprit = next((r for r in rules if r.decision == cycle[0]), None)
        span = culprit.span if culprit else statute.decision_info(cycle[0]).span
        sink.error(span, "decisions depend on each other in a cycle: " + " -> ".join(cycle) + suffix)
    if not unchecked and len(sink.diagnostics) == errors_before:
        _remember_sound_structure(statute, rules)


# The rule lists whose structure was found sound, by the ids of the statute and the rules (weak
# references confirm that the ids still name those objects). A statute's versions often hold
# the very same rules (dated parameter values, an indexation): the check of every version at
# load time then checks each distinct list once. Successes only: a problem is reported with the
# version it was found in. A few entries: what one load's versions need.
_SOUND_STRUCTURES: dict[tuple[int, ...], tuple[weakref.ref, tuple[weakref.ref, ...], tuple]] = {}
_SOUND_STRUCTURES_KEPT = 16


def _with_defaults(statute: StatuteModel) -> tuple:
    """The declarations whose defaults ``decision_dependencies`` reads besides the rules: the
    statute grows after its own check (an amendment's ``add decision d otherwise d + 1``), so a
    rule list found sound before is sound again only with the very same defaults."""
    return tuple(info for infos in (statute.decisions, statute.item_decisions)
                 for info in infos.values() if info.default is not None)


def _structure_known_sound(statute: StatuteModel, rules: list[RuleInfo]) -> bool:
    entry = _SOUND_STRUCTURES.get((id(statute), *map(id, rules)))
    if entry is None or entry[0]() is not statute:
        return False
    defaults = _with_defaults(statute)
    return (all(ref() is rule for ref, rule in zip(entry[1], rules, strict=True))
            and len(entry[2]) == len(defaults) and all(a is b for a, b in zip(entry[2], defaults)))


def _remember_sound_structure(statute: StatuteModel, rules: list[RuleInfo]) -> None:
    if len(_SOUND_STRUCTURES) >= _SOUND_STRUCTURES_KEPT:
        for oldest in list(_SOUND_STRUCTURES)[:1]:  # a copy: the workbench checks in threads
            _SOUND_STRUCTURES.pop(oldest, None)
    _SOUND_STRUCTURES[(id(statute), *map(id, rules))] = (
        weakref.ref(statute), tuple(map(weakref.ref, rules)), _with_defaults(statute))


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    for start in sorted(graph):
        if state.get(start):
            continue
        stack: list[tuple[str, list[str]]] = [(start, sorted(graph.get(start, ())))]
        path = [start]
        state[start] = 1
        while stack:
            node, pending = stack[-1]
            if not pending:
                stack.pop()
                path.pop()
                state[node] = 2
                continue
            nxt = pending.pop(0)
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, sorted(graph.get(nxt, ()))))
    return None


def is_constant_node(node: ir.Node) -> bool:
    return is_constant(node)
