"""Checking examples and properties: an example gives every fact a value in its domain and names
decisions to expect; a property quantifies over a facts group, zero or two cases, and lowers its
premises and claim in a scope that knows about case names and before/after."""

from __future__ import annotations

from dsl import ast
from dsl.diagnostics import DiagnosticSink
from dsl.ir import INT, MONEY
from dsl.model import ExampleInfo, FactInfo, PropertyInfo, StatuteModel
from dsl.source import Span
from dsl.typing import Lowerer, Scope, TypeFailure, assignable, suggest

RESERVED_NAMES = {"before", "after"}


def _constant_value(statute, lowerer, expr, type_, what):
    from dsl.check_constants import constant_value

    return constant_value(statute, lowerer, expr, type_, what)


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
        value = _constant_value(statute, lowerer, assignment.value, fact.type, f"the value of {fact.name}")
        if value is None:
            ok = False
            continue
        problem = range_problem(fact, value)
        if problem:
            sink.error(assignment.value.span, problem)
            ok = False
        case[fact.name] = value
    defaulted = tuple(name for name, fact in statute.facts.items() if name not in case and fact.default is not None)
    for name in defaulted:
        case[name] = statute.facts[name].default
    # Facts an amendment adds are needed only in the versions that have them (checked per
    # version: dsl.consolidate.example_problems).
    missing = [name for name in statute.facts if name not in case and statute.facts[name].origin is None]
    if missing and ok:
        sink.error(decl.span, f"example '{decl.name}' does not give the facts: {', '.join(missing)}")
        ok = False
    expected: dict[str, tuple[object, Span]] = {}
    tolerances: dict[str, object] = {}
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
        value = _constant_value(statute, lowerer, assignment.value, decision.type, f"the expected {decision.name}")
        if value is None:
            ok = False
            continue
        expected[decision.name] = (value, assignment.span)
        if assignment.tolerance is not None:
            tolerance = _tolerance(statute, lowerer, assignment, decision.type, sink)
            if tolerance is None:
                ok = False
                continue
            tolerances[decision.name] = tolerance
    if ok:
        statute.examples.append(
            ExampleInfo(decl.name, owner, case, expected, decl.versions, decl.span, tolerances, defaulted)
        )


def _tolerance(statute: StatuteModel, lowerer: Lowerer, assignment: ast.Assignment, type_, sink: DiagnosticSink):
    """The checked ``± t`` of an expected value: a constant of the decision's (numeric) type,
    not negative; None after reporting why not."""
    from dsl.values import format_value

    tolerance = assignment.tolerance
    assert tolerance is not None
    if not type_.is_numeric:
        sink.error(
            tolerance.span,
            f"a tolerance applies to an amount, number or rate; {assignment.name} is {type_}, "
            f"so remove '± {_source(tolerance)}' and expect the value exactly",
        )
        return None
    found = _type_of(statute, tolerance)
    if found is not None and not assignable(found, type_):
        sink.error(
            tolerance.span,
            f"the tolerance of {assignment.name} must be {type_} like its value, not {found}"
            + ("; write it in euros, e.g. '± €0.01'" if type_ == MONEY else ""),
        )
        return None
    value = _constant_value(statute, lowerer, tolerance, type_, f"the tolerance of {assignment.name}")
    if value is None:
        return None
    if value < 0:  # type: ignore[operator]
        sink.error(
            tolerance.span,
            f"the tolerance of {assignment.name} is negative ({format_value(value, type_)}); "
            f"write the largest difference allowed, e.g. '± {format_value(-value, type_)}'",  # type: ignore[operator]
        )
        return None
    return value


def _type_of(statute: StatuteModel, expr: ast.Expr):
    """The type of a constant expression, or None when it does not lower (the caller's own
    lowering then reports why, once)."""
    probe = Lowerer(statute, DiagnosticSink())
    try:
        return probe.lower(expr, Scope(facts=False, decisions=False, what="a tolerance")).type
    except TypeFailure:
        return None


def _source(expr: ast.Expr) -> str:
    from dsl.formatter import format_expr

    return format_expr(expr)


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
