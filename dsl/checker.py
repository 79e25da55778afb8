"""Resolve and type-check parsed files into a :class:`dsl.model.Program`.

Reports every error it can find in one run (duplicate names, unknown names, types, cycles,
amendments that target nothing, clashing amendments) and raises them together.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from dsl import ast, ir
from dsl.diagnostics import DiagnosticSink
from dsl.ir import BOOL, DATE, INT, MONEY, NUMBER, RATE, Type
from dsl.model import (
    AmendmentInfo,
    Change,
    DecisionInfo,
    ExampleInfo,
    FactInfo,
    ParameterInfo,
    ParameterValue,
    Program,
    PropertyInfo,
    RuleInfo,
    StatuteModel,
    TableInfo,
)
from dsl.source import Span
from dsl.typing import Lowerer, Scope, TypeFailure, assignable, is_constant, literal_value, suggest

BUILTIN_TYPES = {"bool": BOOL, "int": INT, "number": NUMBER, "rate": RATE, "money": MONEY, "date": DATE}
ALLOWABLE_FINDINGS = {
    "conflict": "LP101", "gap": "LP102", "dead": "LP103", "redundant": "LP104",
}
RESERVED_NAMES = {"before", "after"}


def check_files(files: list[ast.File]) -> Program:
    """Check parsed files together: statutes first, then the amendments that amend them."""
    sink = DiagnosticSink()
    program = Program(files=[f.path for f in files])
    statute_asts: list[ast.Statute] = []
    amendment_asts: list[ast.Amendment] = []
    for file in files:
        for section in file.sections:
            (statute_asts if isinstance(section, ast.Statute) else amendment_asts).append(section)
    for statute in statute_asts:
        if statute.name in program.statutes:
            first = program.statutes[statute.name].span
            sink.error(statute.span, f"statute '{statute.name}' is defined twice", (first, "first defined here"))
            continue
        program.statutes[statute.name] = _StatuteChecker(statute, sink).run()
    seen_amendments: dict[str, Span] = {}
    for amendment in sorted(amendment_asts, key=lambda a: (a.in_force, a.name)):
        if amendment.name in seen_amendments:
            sink.error(
                amendment.span,
                f"amendment '{amendment.name}' is defined twice",
                (seen_amendments[amendment.name], "first defined here"),
            )
            continue
        seen_amendments[amendment.name] = amendment.span
        statute = program.statutes.get(amendment.amends)
        if statute is None:
            sink.error(
                amendment.span,
                f"amendment '{amendment.name}' amends unknown statute '{amendment.amends}'"
                + suggest(amendment.amends, list(program.statutes))
                + (" (import the statute's file)" if not program.statutes else ""),
            )
            continue
        _check_amendment(statute, amendment, sink)
    for statute in program.statutes.values():
        _check_same_day_clashes(statute, sink)
        _check_version_specs(statute, sink)
    sink.raise_if_any()
    return program


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

    def run(self) -> StatuteModel:
        items = self.ast.items
        for item in items:
            if isinstance(item, ast.EnumDecl):
                self._enum(item)
        for item in items:
            if isinstance(item, ast.FactsDecl):
                self._facts(item)
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
        for item in items:
            if isinstance(item, ast.RuleDecl):
                rule = check_rule(self.model, self.lowerer, item, self.sink, origin=None)
                if rule is None:
                    continue
                if rule.name in self.model.rules:
                    self.sink.error(
                        item.span,
                        f"rule '{rule.name}' is defined twice",
                        (self.model.rules[rule.name].span, "first defined here"),
                    )
                    continue
                self.model.rules[rule.name] = rule
        check_rule_structure(self.model, list(self.model.rules.values()), self.sink, None)
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
        if ref.kind == "enum":
            if ref.enum not in self.model.enums:
                self.sink.error(
                    ref.span, f"unknown type '{ref.enum}'" + suggest(ref.enum or "", list(self.model.enums))
                )
                return None
            return Type("enum", ref.enum)
        return BUILTIN_TYPES[ref.kind]

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
            self.model.facts[fact.name] = FactInfo(fact.name, type_, decl.name, low, high, typical, fact.span)
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
        self.model.decisions[decl.name] = DecisionInfo(
            decl.name, type_, None, decl.citation, decl.span, allow, expect
        )

    def _decision_default(self, decl: ast.DecisionDecl) -> None:
        info = self.model.decisions.get(decl.name)
        if info is None or decl.default is None:
            return
        try:
            default = self.lowerer.lower(decl.default, Scope(what="a default"), info.type)
        except TypeFailure:
            return
        self.model.decisions[decl.name] = DecisionInfo(
            info.name, info.type, default, info.citation, info.span, info.allow, info.expect
        )

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
        self.model.tables[decl.name] = TableInfo(
            decl.name, input_type, output_type, tuple(bounds), tuple(values), has_above, decl.marginal,
            decl.citation, decl.span,
        )


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


def constant_value(statute: StatuteModel, lowerer: Lowerer, expr: ast.Expr, type_: Type, what: str):
    """Evaluate a constant expression (no facts, decisions or parameters)."""
    from dsl.evaluator import evaluate_constant

    try:
        node = lowerer.lower(expr, Scope(facts=False, decisions=False, what=what), type_)
    except TypeFailure:
        return None
    if any(isinstance(n, ir.ParamRef) for n in ir.walk(node)):
        lowerer.sink.error(expr.span, f"{what} must be a constant, not depend on a parameter")
        return None
    try:
        return evaluate_constant(node)
    except ValueError as error:
        lowerer.sink.error(expr.span, f"{what}: {error}")
        return None


def check_rule(
    statute: StatuteModel, lowerer: Lowerer, decl: ast.RuleDecl, sink: DiagnosticSink, origin: str | None
) -> RuleInfo | None:
    decision = statute.decisions.get(decl.decision)
    if decision is None:
        sink.error(
            decl.decision_span if decl.decision_span.line else decl.span,
            f"rule '{decl.name}' decides unknown decision '{decl.decision}'"
            + suggest(decl.decision, list(statute.decisions)),
        )
        return None
    allow, expect = _annotation_codes(decl.allow, decl.expect, decl.span, "rule", sink)
    scope = Scope(what="a rule")
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


def decision_dependencies(statute: StatuteModel, rules: list[RuleInfo]) -> dict[str, set[str]]:
    """Decision -> the decisions its rules and default read."""
    deps: dict[str, set[str]] = defaultdict(set)
    for rule in rules:
        for node in (rule.value, rule.condition):
            if node is not None:
                deps[rule.decision].update(n.name for n in ir.walk(node) if isinstance(n, ir.DecisionRef))
    for decision in statute.decisions.values():
        if decision.default is not None:
            deps[decision.name].update(
                n.name for n in ir.walk(decision.default) if isinstance(n, ir.DecisionRef)
            )
    return deps


def check_rule_structure(
    statute: StatuteModel, rules: list[RuleInfo], sink: DiagnosticSink, context: str | None
) -> None:
    """Exceptions name rules of the same decision; no cycles among decisions or exceptions."""
    by_name = {rule.name: rule for rule in rules}
    suffix = f" ({context})" if context else ""
    for rule in rules:
        for target in rule.exceptions:
            other = by_name.get(target)
            if target == rule.name:
                sink.error(rule.span, f"rule '{rule.name}' cannot be an exception to itself")
            elif other is None:
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
    cycle = _find_cycle({r.name: set(r.exceptions) & set(by_name) for r in rules})
    if cycle:
        sink.error(by_name[cycle[0]].span, "exceptions form a cycle: " + " -> ".join(cycle) + suffix)
    deps = decision_dependencies(statute, rules)
    cycle = _find_cycle(deps)
    if cycle:
        culprit = next((r for r in rules if r.decision == cycle[0]), None)
        span = culprit.span if culprit else statute.decisions[cycle[0]].span
        sink.error(span, "decisions depend on each other in a cycle: " + " -> ".join(cycle) + suffix)


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


def check_example(
    statute: StatuteModel, lowerer: Lowerer, decl: ast.Example, owner: str, sink: DiagnosticSink
) -> None:
    case: dict[str, object] = {}
    ok = True
    for assignment in decl.facts:
        fact = statute.facts.get(assignment.name)
        if fact is None:
            kind = "a decision (put it after 'expect')" if assignment.name in statute.decisions else "not a fact"
            sink.error(assignment.span, f"'{assignment.name}' is {kind}" + suggest(assignment.name, list(statute.facts)))
            ok = False
            continue
        if assignment.name in case:
            sink.error(assignment.span, f"fact '{assignment.name}' is given twice")
            ok = False
            continue
        value = constant_value(statute, lowerer, assignment.value, fact.type, f"the value of {fact.name}")
        if value is None:
            ok = False
            continue
        problem = range_problem(fact, value)
        if problem:
            sink.error(assignment.value.span, problem)
            ok = False
        case[fact.name] = value
    missing = [name for name in statute.facts if name not in case]
    if missing and ok:
        sink.error(decl.span, f"example '{decl.name}' does not give the facts: {', '.join(missing)}")
        ok = False
    expected: dict[str, tuple[object, Span]] = {}
    for assignment in decl.expected:
        decision = statute.decisions.get(assignment.name)
        if decision is None:
            sink.error(
                assignment.span,
                f"'{assignment.name}' is not a decision" + suggest(assignment.name, list(statute.decisions)),
            )
            ok = False
            continue
        if decision.name in expected:
            sink.error(assignment.span, f"the expected value of {decision.name} is given twice")
            ok = False
            continue
        value = constant_value(statute, lowerer, assignment.value, decision.type, f"the expected {decision.name}")
        if value is None:
            ok = False
            continue
        expected[decision.name] = (value, assignment.span)
    if ok:
        statute.examples.append(ExampleInfo(decl.name, owner, case, expected, decl.versions, decl.span))


def range_problem(fact: FactInfo, value: object) -> str | None:
    """Why a value lies outside a fact's domain, or None when it fits."""
    from dsl.values import format_value

    if fact.type == MONEY and (value * 100).denominator != 1:  # type: ignore[operator]
        return f"{fact.name} is money in whole cents; {format_value(value, fact.type)} is not"
    if fact.type == INT and not isinstance(value, int):
        return f"{fact.name} is a whole number"
    if fact.low is not None and value < fact.low:  # type: ignore[operator]
        return (
            f"{fact.name} = {format_value(value, fact.type)} is below its range "
            f"{format_value(fact.low, fact.type)}..{format_value(fact.high, fact.type)}"
        )
    if fact.high is not None and value > fact.high:  # type: ignore[operator]
        return (
            f"{fact.name} = {format_value(value, fact.type)} is above its range "
            f"{format_value(fact.low, fact.type)}..{format_value(fact.high, fact.type)}"
        )
    return None


def check_property(
    statute: StatuteModel, lowerer: Lowerer, decl: ast.Property, owner: str, sink: DiagnosticSink
) -> None:
    if decl.facts not in statute.groups:
        sink.error(
            decl.span,
            f"'for every {decl.facts}': unknown facts group" + suggest(decl.facts, list(statute.groups)),
        )
        return
    if decl.compare is not None and decl.cases:
        sink.error(decl.span, "a property compares either two versions or two cases, not both")
        return
    cases = decl.cases
    if len(set(cases)) != len(cases):
        sink.error(decl.span, "the case names must differ")
        return
    for name in cases:
        if name in statute.facts or name in statute.decisions or name in RESERVED_NAMES:
            sink.error(decl.span, f"case name '{name}' clashes with a {('fact', 'decision')[name in statute.decisions] if name not in RESERVED_NAMES else 'version'} name")
            return
    if len(cases) not in (0, 2):
        sink.error(decl.span, f"name two cases (a, b) or none, not {len(cases)}")
        return
    if decl.differing_only_in is not None:
        if len(set(decl.differing_only_in)) != len(decl.differing_only_in):
            sink.error(decl.span, "a fact is named twice after 'differing only in'")
            return
        for fact in decl.differing_only_in:
            if fact not in statute.facts:
                sink.error(decl.span, f"'differing only in {fact}': unknown fact" + suggest(fact, list(statute.facts)))
                return
    scope = Scope(cases=cases, versioned=decl.compare is not None, what="a property")
    try:
        assumptions = tuple(lowerer.lower_bool(a, scope) for a in decl.assumptions)
        claim = lowerer.lower_bool(decl.claim, scope)
    except TypeFailure:
        return
    statute.properties.append(
        PropertyInfo(
            decl.name, owner, decl.facts, cases, decl.differing_only_in, assumptions, claim,
            decl.versions, decl.compare, decl.expect, decl.span,
        )
    )


def _check_amendment(statute: StatuteModel, decl: ast.Amendment, sink: DiagnosticSink) -> None:
    lowerer = Lowerer(statute, sink)
    changes: list[Change] = []
    # The rules as every earlier amendment left them (the timeline is checked in date order);
    # proposals are alternatives, so they do not shape the rules later amendments see.
    known: dict[str, RuleInfo] = dict(statute.rules)
    for earlier in statute.amendments.values():
        if earlier.proposal or earlier.in_force >= decl.in_force:
            continue  # same-day amendments are each other's clash, reported separately
        for change in earlier.changes:
            if change.rule is not None:
                known[change.rule.name] = change.rule
            for target in change.targets:
                known.pop(target, None)
    changed_here: dict[str, Span] = {}
    for item in decl.items:
        if isinstance(item, (ast.ReplaceRule, ast.InsertRule)):
            rule = check_rule(statute, lowerer, item.rule, sink, origin=decl.name)
            if rule is None:
                continue
            if rule.name in changed_here:
                sink.error(item.span, f"amendment '{decl.name}' changes rule '{rule.name}' twice",
                           (changed_here[rule.name], "first change"))
                continue
            if isinstance(item, ast.ReplaceRule):
                old = known.get(rule.name)
                if old is None:
                    sink.error(
                        item.span,
                        f"amendment '{decl.name}' replaces rule '{rule.name}', which {statute.name} does not have"
                        + suggest(rule.name, sorted(known)),
                    )
                    continue
                if old.decision != rule.decision:
                    sink.error(
                        item.span,
                        f"rule '{rule.name}' decides {old.decision}; a replacement cannot move it to "
                        f"{rule.decision} (repeal it and insert a new rule)",
                    )
                    continue
            elif rule.name in known:
                sink.error(item.span, f"rule '{rule.name}' already exists; use 'replace rule'")
                continue
            known[rule.name] = rule
            changed_here[rule.name] = item.span
            changes.append(Change("replace" if isinstance(item, ast.ReplaceRule) else "insert", item.span, rule=rule))
        elif isinstance(item, ast.RepealRule):
            if item.name not in known:
                sink.error(
                    item.span,
                    f"amendment '{decl.name}' repeals rule '{item.name}', which {statute.name} does not have"
                    + suggest(item.name, sorted(known)),
                )
                continue
            if item.name in changed_here:
                sink.error(item.span, f"amendment '{decl.name}' changes rule '{item.name}' twice",
                           (changed_here[item.name], "first change"))
                continue
            del known[item.name]
            changed_here[item.name] = item.span
            changes.append(Change("repeal", item.span, targets=(item.name,)))
        elif isinstance(item, ast.RepealCitation):
            targets = tuple(
                r.name for r in known.values()
                if citation_covers(item.citation, r.citation) and r.name not in changed_here
            )
            if not targets:
                sink.error(item.span, f"no rule of {statute.name} cites {item.citation}")
                continue
            for target in targets:
                del known[target]
                changed_here[target] = item.span
            changes.append(Change("repeal", item.span, targets=targets))
        elif isinstance(item, ast.SetParameter):
            parameter = statute.parameters.get(item.name)
            if parameter is None:
                sink.error(
                    item.span,
                    f"unknown parameter '{item.name}'" + suggest(item.name, list(statute.parameters)),
                )
                continue
            value = constant_value(statute, lowerer, item.value, parameter.type, "a parameter value")
            if value is None:
                continue
            start = item.start or decl.in_force
            changes.append(
                Change("set", item.span, parameter=item.name,
                       value=ParameterValue(start, value, item.span, origin=decl.name))
            )
        elif isinstance(item, ast.Example):
            check_example(statute, lowerer, item, decl.name, sink)
        elif isinstance(item, ast.Property):
            check_property(statute, lowerer, item, decl.name, sink)
    statute.amendments[decl.name] = AmendmentInfo(
        decl.name, statute.name, decl.in_force, tuple(changes), decl.title, decl.span, decl.proposal
    )
    # Examples and properties in an amendment run, unless told otherwise, after it.
    default = (ast.VersionSpec("after", None, decl.name, span=decl.span),)
    statute.examples[:] = [
        _with_default_versions(e, default) if e.owner == decl.name else e for e in statute.examples
    ]
    statute.properties[:] = [
        _with_default_versions(p, default) if p.owner == decl.name else p for p in statute.properties
    ]


def _with_default_versions(item, default):
    from dataclasses import replace

    if item.versions or getattr(item, "compare", None) is not None:
        return item
    return replace(item, versions=default)


def citation_covers(general: ast.Citation, specific: ast.Citation) -> bool:
    """True when ``specific`` falls under ``general`` (same statute and article; lid and sub
    only constrain when ``general`` names them)."""
    if (general.statute or None) != (specific.statute or None) or general.kind != specific.kind:
        return False
    if general.article != specific.article:
        return False
    if general.lid is not None and general.lid != specific.lid:
        return False
    return general.sub is None or general.sub == specific.sub


def _check_same_day_clashes(statute: StatuteModel, sink: DiagnosticSink) -> None:
    touched: dict[tuple[dt.date, str], tuple[str, Span]] = {}
    for amendment in statute.amendments.values():
        if amendment.proposal:
            continue  # proposals are alternatives, applied one at a time where named
        for change in amendment.changes:
            names = list(change.targets)
            if change.rule is not None:
                names.append(change.rule.name)
            if change.parameter is not None:
                names.append("parameter " + change.parameter)
            for name in names:
                key = (amendment.in_force, name)
                if key in touched and touched[key][0] != amendment.name:
                    other, other_span = touched[key]
                    sink.error(
                        change.span,
                        f"amendments '{other}' and '{amendment.name}' both change {name} "
                        f"on {amendment.in_force.isoformat()}; their order would be arbitrary",
                        (other_span, f"'{other}' changes it here"),
                    )
                else:
                    touched[key] = (amendment.name, change.span)


def _check_version_specs(statute: StatuteModel, sink: DiagnosticSink) -> None:
    specs: list[ast.VersionSpec] = []
    for example in statute.examples:
        specs.extend(example.versions)
    for prop in statute.properties:
        specs.extend(prop.versions)
        if prop.compare:
            specs.extend(prop.compare)
    for spec in specs:
        if spec.kind != "on" and spec.amendment not in statute.amendments:
            sink.error(
                spec.span,
                f"unknown amendment '{spec.amendment}' of {statute.name}"
                + suggest(spec.amendment or "", list(statute.amendments)),
            )


def is_constant_node(node: ir.Node) -> bool:
    return is_constant(node)
