"""Checking examples and properties: an example gives every fact a value in its domain and names
decisions to expect; a property quantifies over a facts group, zero or two cases, and lowers its
premises and claim in a scope that knows about case names and before/after."""

from __future__ import annotations

import dataclasses

from lexproof.dsl import ast
from lexproof.dsl.diagnostics import DiagnosticSink
from lexproof.dsl.ir import INT, MONEY
from lexproof.dsl.model import DecisionInfo, ExampleInfo, FactInfo, PropertyInfo, StatuteModel
from lexproof.dsl.source import Span
from lexproof.dsl.typing import Lowerer, Scope, TypeFailure, assignable, suggest

RESERVED_NAMES = {"before", "after"}


def _constant_value(statute, lowerer, expr, type_, what):
    from lexproof.dsl.check_constants import constant_value

    return constant_value(statute, lowerer, expr, type_, what)


def check_example(
    statute: StatuteModel, lowerer: Lowerer, decl: ast.Example, owner: str, sink: DiagnosticSink
) -> None:
    case: dict[str, object] = {}
    ok = True
    for assignment in decl.facts:
        if assignment.name in statute.kinds or isinstance(assignment.value, ast.ItemList):
            items = example_items(statute, lowerer, assignment, None, sink)
            if items is None or assignment.name in case:
                if items is not None:
                    sink.error(assignment.span, f"the items of {assignment.name} are given twice")
                ok = False
                continue
            case[assignment.name] = items
            continue
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
    for kind in statute.top_kinds():
        case.setdefault(kind, [])  # no items listed: none
    defaulted = tuple(name for name, fact in statute.facts.items() if name not in case and fact.default is not None)
    for name in defaulted:
        case[name] = statute.facts[name].default
    # Facts an amendment adds are needed only in the versions that have them (checked per
    # version: lexproof.dsl.consolidate.example_problems).
    missing = [name for name in statute.facts if name not in case and statute.facts[name].origin is None]
    if missing and ok:
        sink.error(decl.span, f"example '{decl.name}' does not give the facts: {', '.join(missing)}")
        ok = False
    expected: dict[str, tuple[object, Span]] = {}
    tolerances: dict[str, object] = {}
    for assignment in decl.expected:
        decision = statute.decisions.get(assignment.name)
        if "[" in assignment.name:  # kind[2].per_kind: a decision per item, of one item of the example
            decision = _expected_item(statute, assignment, case, sink)
            if decision is None:
                ok = False
                continue
            decision = DecisionInfo(assignment.name, decision.type)
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
    from lexproof.dsl.values import format_value

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
    from lexproof.dsl.formatter import format_expr

    return format_expr(expr)


def item_path(name: str) -> tuple[tuple[tuple[str, int], ...], str] | None:
    """``kind[2].contract[1].d`` -> ((("kind", 1), ("contract", 0)), "d") (indices from 0)."""
    import re

    parts = name.split(".")
    path = []
    for part in parts[:-1]:
        found = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)\[([0-9]+)\]", part)
        if found is None:
            return None
        path.append((found.group(1), int(found.group(2)) - 1))
    return tuple(path), parts[-1]


def _expected_item(statute: StatuteModel, assignment: ast.Assignment, case: dict, sink: DiagnosticSink):
    """The decision per item an expected ``kind[2].d = v`` names, after checking that the path
    leads, kind by kind, to an item the example gives; None after reporting why not."""
    parsed = item_path(assignment.name)
    assert parsed is not None  # the grammar only makes such names
    path, name = parsed
    decision = statute.item_decisions.get(name)
    if decision is None:
        sink.error(assignment.span, f"'{name}' is not a decision per item" + suggest(name, list(statute.item_decisions)))
        return None
    chain = statute.kind_chain(statute.decision_kind[name])
    if tuple(kind for kind, _ in path) != chain:
        written = "".join(f"{kind}[N]." for kind in chain)
        sink.error(assignment.span, f"{name} is decided per {chain[-1]}: write {written}{name}")
        return None
    holder: dict = case
    for kind, index in path:
        listed = holder.get(kind) or []
        if not 0 <= index < len(listed):
            sink.error(
                assignment.span,
                f"the example gives {len(listed)} item(s) of {kind} there, so it has no {kind}[{index + 1}] (counted from 1)",
            )
            return None
        holder = listed[index]
    return decision


def example_items(
    statute: StatuteModel, lowerer: Lowerer, assignment: ast.Assignment, parent: str | None, sink: DiagnosticSink
) -> list[dict] | None:
    """The items an example gives for a kind (``kind = [{...}, ...]``), each a dict of its facts
    (with defaults) and of its own kinds' item lists; None after reporting what is wrong."""
    kind = statute.kinds.get(assignment.name)
    value = assignment.value
    if kind is None:
        sink.error(
            assignment.span,
            f"'{assignment.name}' is not a kind of item, so it takes one value, not a list"
            + suggest(assignment.name, list(statute.kinds)),
        )
        return None
    if kind.parent != parent:
        where = f"inside each {kind.parent}'s {{...}}" if kind.parent else "at the top of the example"
        sink.error(assignment.span, f"the items of {kind.name} belong to each {kind.parent or 'case'}: list them {where}")
        return None
    if not isinstance(value, ast.ItemList):
        sink.error(
            value.span,
            f"{kind.name} holds items: give them as a list, {kind.name} = [{{ {', '.join(kind.facts[:2])} ... }}, ...] "
            f"(or [] for none)",
        )
        return None
    if len(value.items) > kind.maximum:
        sink.error(
            value.items[kind.maximum].span,
            f"{len(value.items)} items of {kind.name}, but the statute allows at most {kind.maximum} "
            f"('items {kind.name} up to {kind.maximum}'); remove {len(value.items) - kind.maximum} or raise the maximum",
        )
        return None
    items: list[dict] = []
    ok = True
    for record in value.items:
        item = _example_item(statute, lowerer, kind.name, record, sink)
        ok = ok and item is not None
        items.append(item or {})
    return items if ok else None


def _example_item(statute: StatuteModel, lowerer: Lowerer, kind: str, record: ast.ItemRecord, sink) -> dict | None:
    info = statute.kinds[kind]
    item: dict[str, object] = {}
    ok = True
    for assignment in record.facts:
        if assignment.name in item:
            sink.error(assignment.span, f"'{assignment.name}' is given twice in this {kind}")
            ok = False
            continue
        if assignment.name in statute.kinds:
            items = example_items(statute, lowerer, assignment, kind, sink)
            ok = ok and items is not None
            item[assignment.name] = items
            continue
        if assignment.name not in info.facts:
            sink.error(
                assignment.span,
                f"'{assignment.name}' is not a fact of {kind}" + suggest(assignment.name, list(info.facts)),
            )
            ok = False
            continue
        fact = statute.item_facts[assignment.name]
        if isinstance(assignment.value, ast.ItemList):
            sink.error(assignment.value.span, f"{fact.name} takes one value, not a list")
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
        item[fact.name] = value
    for name in info.facts:
        if name not in item and statute.item_facts[name].default is not None:
            item[name] = statute.item_facts[name].default
    for child in statute.child_kinds(kind):
        item.setdefault(child, [])
    missing = [name for name in info.facts if name not in item]
    if missing and ok:
        sink.error(record.span, f"this {kind} does not give the facts: {', '.join(missing)}")
        ok = False
    return item if ok else None


def range_problem(fact: FactInfo, value: object) -> str | None:
    """Why a value lies outside a fact's domain, or None when it fits."""
    from lexproof.dsl.values import format_value

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
    if "." in decl.facts:  # for every WEB.Aanvrager: a group of a used statute (dsl/check_xref.py)
        from lexproof.dsl.check_xref import foreign_group

        group = foreign_group(statute, decl, sink)
        if group is None:
            return
        decl = dataclasses.replace(decl, facts=group)
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
            if fact not in statute.facts and fact not in statute.kinds and fact not in statute.item_facts:
                sink.error(decl.span, f"'differing only in {fact}': unknown fact" + suggest(fact, list(statute.facts)))
                return
    if decl.adding is not None:
        kind = statute.kinds.get(decl.adding)
        if kind is None or kind.parent is not None:
            what = f"a kind of {kind.parent}'s items (which {kind.parent}?)" if kind else "not a kind of item"
            sink.error(
                decl.span,
                f"'adding one {decl.adding}': {what}; name a kind the case holds"
                + (suggest(decl.adding, statute.top_kinds()) if kind is None else ""),
            )
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
            decl.versions, decl.compare, decl.expect, decl.span, adding=decl.adding,
        )
    )
