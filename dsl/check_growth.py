"""Checking amendments that grow the law: ``add facts``, ``add decision``, ``add enum``,
``add table``, ``add rows to table`` and ``set parameter P = no value``.

The statute model holds the union of every declaration; what an amendment adds is marked with
its name (``origin``), and a consolidated version has it only when that amendment is applied
(``lexproof.dsl.consolidate.Version``). What is added here is checked against everything declared so
far (the statute, and the amendments checked before this one, in date order): a name that
already exists cannot be added again. Whether each version reads only what it has is checked
per version, in ``lexproof.dsl.consolidate`` (``presence_problems``)."""

from __future__ import annotations

from dataclasses import replace

from lexproof.dsl import ast
from lexproof.dsl.diagnostics import DiagnosticSink
from lexproof.dsl.model import NO_VALUE, AddedRow, Change, FactInfo, ParameterValue, StatuteModel
from lexproof.dsl.typing import Lowerer, Scope, TypeFailure, suggest

GROWTH_ITEMS = (ast.AddFacts, ast.AddDecision, ast.AddEnumValues, ast.AddTable, ast.AddRows, ast.EndParameter)


def declared_kind(statute: StatuteModel, name: str) -> str | None:
    """What ``name`` is already declared as in the statute model (any version), or None."""
    for kind, names in (
        ("an enum", statute.enums), ("a facts group", statute.groups), ("a fact", statute.facts),
        ("a parameter", statute.parameters), ("a decision", statute.decisions), ("a table", statute.tables),
    ):
        if name in names:
            return kind
    owners = statute.enum_of(name)
    if owners:
        return f"a value of enum {owners[0]}"
    return None


def _where(statute: StatuteModel, origin: str | None) -> str:
    return f"added by amendment {origin}" if origin else f"declared in {statute.name}"


def _taken(statute: StatuteModel, name: str, span, amendment: str, sink: DiagnosticSink) -> bool:
    """Report and return True when ``name`` already exists (or is reserved)."""
    from lexproof.dsl.checker import RESERVED_NAMES

    if name in RESERVED_NAMES:
        sink.error(span, f"'{name}' is reserved for comparing versions; choose another name")
        return True
    kind = declared_kind(statute, name)
    if kind is None:
        return False
    info = (statute.facts.get(name) or statute.decisions.get(name) or statute.tables.get(name)
            or statute.parameters.get(name))
    origin = getattr(info, "origin", None)
    notes = ((info.span, "declared here"),) if info is not None and info.span is not None else ()
    sink.error(
        span,
        f"amendment '{amendment}' adds '{name}', which already exists as {kind} ({_where(statute, origin)}); "
        "choose another name, or change the existing one",
        *notes,
    )
    return True


def _checker(statute: StatuteModel, lowerer: Lowerer, sink: DiagnosticSink):
    """The statute checker's declaration helpers, working on the existing model."""
    from lexproof.dsl.checker import _StatuteChecker

    checker = _StatuteChecker.__new__(_StatuteChecker)
    checker.model, checker.lowerer, checker.sink = statute, lowerer, sink
    checker.names = {}
    checker.unchecked = {}
    checker.reuse = None  # what an amendment adds is checked afresh (``checker.RuleMemo`` is the statute's)
    return checker


def check_growth_item(
    statute: StatuteModel, lowerer: Lowerer, item: object, amendment: ast.Amendment, sink: DiagnosticSink
) -> Change | None:
    """Check one growth item of ``amendment`` and add what it declares to the model."""
    name = amendment.name
    if isinstance(item, ast.AddFacts):
        _add_facts(statute, lowerer, item, name, sink)
    elif isinstance(item, ast.AddDecision):
        _add_decision(statute, lowerer, item, name, sink)
    elif isinstance(item, ast.AddEnumValues):
        _add_enum_values(statute, item, name, sink)
    elif isinstance(item, ast.AddTable):
        _add_table(statute, lowerer, item, name, sink)
    elif isinstance(item, ast.AddRows):
        _add_rows(statute, lowerer, item, name, sink)
    elif isinstance(item, ast.EndParameter):
        return _end_parameter(statute, item, amendment, sink)
    return None


def _add_facts(statute: StatuteModel, lowerer: Lowerer, item: ast.AddFacts, amendment: str,
               sink: DiagnosticSink) -> None:
    if item.group not in statute.groups and _taken(statute, item.group, item.span, amendment, sink):
        return
    checker = _checker(statute, lowerer, sink)
    names = list(statute.groups.get(item.group, ()))
    for fact in item.fields:
        type_ = checker._type(fact.type)
        if _taken(statute, fact.name, fact.span, amendment, sink) or fact.name in names or type_ is None:
            continue
        low = checker._bound(fact.type.low, type_, "the range")
        high = checker._bound(fact.type.high, type_, "the range")
        if low is not None and high is not None and low > high:  # type: ignore[operator]
            sink.error(fact.type.span, f"empty range: {fact.type.low.value} is above {fact.type.high.value}")  # type: ignore[union-attr]
            continue
        typical = checker._typical(fact, type_, low, high) if fact.typical is not None else None
        statute.facts[fact.name] = FactInfo(fact.name, type_, item.group, low, high, typical, fact.span, origin=amendment)
        names.append(fact.name)
    statute.groups[item.group] = tuple(names)


def _add_decision(statute: StatuteModel, lowerer: Lowerer, item: ast.AddDecision, amendment: str,
                  sink: DiagnosticSink) -> None:
    decl = item.decision
    if _taken(statute, decl.name, decl.span, amendment, sink):
        return
    checker = _checker(statute, lowerer, sink)
    checker._decision_declared(decl)
    if decl.name not in statute.decisions:
        return
    checker._decision_default(decl)
    statute.decisions[decl.name] = replace(statute.decisions[decl.name], origin=amendment)


def _add_enum_values(statute: StatuteModel, item: ast.AddEnumValues, amendment: str, sink: DiagnosticSink) -> None:
    values = statute.enums.get(item.enum)
    if values is None:
        sink.error(
            item.span,
            f"amendment '{amendment}' adds values to unknown enum '{item.enum}'" + suggest(item.enum, list(statute.enums))
            + " (an amendment extends an enum the statute declares)",
        )
        return
    for value in item.values:
        if value.name in values:
            origin = statute.enum_origins.get((item.enum, value.name))
            sink.error(value.span, f"enum {item.enum} already has the value '{value.name}' ({_where(statute, origin)})")
            continue
        kind = declared_kind(statute, value.name)
        if kind is not None and not kind.startswith("a value of"):
            sink.error(value.span, f"'{value.name}' is already {kind}; a value of enum {item.enum} needs another name")
            continue
        values = values + (value.name,)
        statute.enum_origins[(item.enum, value.name)] = amendment
    statute.enums[item.enum] = values


def _add_table(statute: StatuteModel, lowerer: Lowerer, item: ast.AddTable, amendment: str,
               sink: DiagnosticSink) -> None:
    decl = item.table
    if _taken(statute, decl.name, decl.span, amendment, sink):
        return
    _checker(statute, lowerer, sink)._table(decl)
    if decl.name in statute.tables:
        statute.tables[decl.name] = replace(statute.tables[decl.name], origin=amendment)


def _add_rows(statute: StatuteModel, lowerer: Lowerer, item: ast.AddRows, amendment: str,
              sink: DiagnosticSink) -> None:
    """Rows go where their bounds fall, in each version (``lexproof.dsl.consolidate``); here their
    types, and that an ``above`` row is last and the table has none yet."""
    table = statute.tables.get(item.table)
    if table is None:
        sink.error(
            item.span,
            f"amendment '{amendment}' adds rows to unknown table '{item.table}'" + suggest(item.table, list(statute.tables)),
        )
        return
    rate_type = _rate_type(table)
    scope = Scope(facts=False, decisions=False, what="a table")
    above_before = table.has_above or any(r.bound is None for r in statute.added_rows.get(table.name, ()))
    if table.cumulative:
        # A cumulative table's values are running sums built once by the checker; a row added
        # in some versions would need its own sums per version. Refused rather than mis-summed.
        sink.error(item.span, f"rows cannot be added to cumulative table {table.name} (yet); "
                              "replace the table's rule or declare a new table in the amendment")
        return
    for index, row in enumerate(item.rows):
        if row.exclusive:
            # An added row is placed by its bound per version; only inclusive bounds are merged.
            sink.error(row.span, "an added row takes 'up to' (inclusive); 'below' is not supported in "
                                 "'add rows' (yet): write 'up to' with the bound just under it")
            continue
        if row.bound is None and (index != len(item.rows) - 1 or above_before):
            sink.error(row.span, "'above' must be the last row" if index != len(item.rows) - 1
                       else f"table {table.name} already has an 'above' row")
            continue
        try:
            bound = lowerer.lower(row.bound, scope, table.input) if row.bound is not None else None
            value = lowerer.lower(row.value, scope, rate_type)
        except TypeFailure:
            continue
        statute.added_rows.setdefault(table.name, []).append(AddedRow(bound, value, row.span, amendment))


def _rate_type(table):
    from lexproof.dsl.ir import RATE

    return RATE if table.marginal else table.output


def _end_parameter(statute: StatuteModel, item: ast.EndParameter, amendment: ast.Amendment,
                   sink: DiagnosticSink) -> Change | None:
    if item.name not in statute.parameters:
        sink.error(item.span, f"unknown parameter '{item.name}'" + suggest(item.name, list(statute.parameters)))
        return None
    start = item.start or amendment.in_force
    value = ParameterValue(start, NO_VALUE, item.span, origin=amendment.name)
    return Change("set", item.span, parameter=item.name, value=value)
