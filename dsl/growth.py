"""What exists in a consolidated version when amendments add facts, decisions, enum values,
tables and table rows (``lexproof.dsl.check_growth`` checks the declarations).

The statute model holds the union of every declaration, each marked with the amendment that
adds it; ``Version.has_fact`` (etc.) says what one version has. Nothing may read, in a version,
what that version lacks: ``presence_problems`` checks the version's rules, defaults and tables,
``example_problems`` and ``property_problems`` what examples and properties read. An enum value
an amendment adds is outside the law of the versions without it: a fact's domain there leaves
it out (in the evaluator's case checks, the encoding and the brute-force tests alike).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lexproof.dsl import ir
from lexproof.dsl.diagnostics import Diagnostic, LexproofError
from lexproof.dsl.model import ExampleInfo, PropertyInfo, StatuteModel, TableInfo

if TYPE_CHECKING:
    from lexproof.dsl.consolidate import Version


def grows(statute: StatuteModel) -> bool:
    """Whether any amendment adds something (else every version has every declaration)."""
    return bool(
        statute.enum_origins or statute.added_rows
        or any(f.origin for f in statute.facts.values())
        or any(d.origin for d in statute.decisions.values())
        or any(t.origin for t in statute.tables.values())
    )


def adder(statute: StatuteModel, kind: str, name: str) -> str | None:
    """The amendment that adds a fact, decision or table (None: the statute declares it)."""
    table = {"fact": statute.facts, "decision": statute.decisions, "table": statute.tables}[kind]
    info = table.get(name)
    return getattr(info, "origin", None)


# --- tables with added rows ---------------------------------------------------------------


def grown_tables(version: Version) -> dict[str, TableInfo]:
    """The tables whose rows amendments in ``version`` added, rows placed by their bounds.

    An added row goes before the first row whose bound (in this version, with its parameter
    values) is higher; a row whose bound equals another's is kept next to it, and the table
    bound check (``table_bound_problems``) reports the pair. When a bound has no value in this
    version (a parameter without a value), the added rows go after the others: the table reads
    that parameter, so looking it up there is an error anyway."""
    result: dict[str, TableInfo] = {}
    for name, added in version.statute.added_rows.items():
        rows = [row for row in added if version.applies(row.origin)]
        base = version.statute.tables[name]
        if not rows or not version.applies(base.origin):
            continue
        result[name] = _merged(version, base, rows)
    return result


def _merged(version: Version, base: TableInfo, rows) -> TableInfo:
    from dataclasses import replace

    origins = base.row_origins or (None,) * len(base.values)
    bounded = list(zip(base.bounds, base.values, origins))
    above = (base.values[-1], origins[-1]) if base.has_above else None
    for row in rows:
        if row.bound is None:
            above = (row.value, row.origin)
            continue
        values = _values(version, [b for b, _, _ in bounded] + [row.bound])
        position = len(bounded)
        if values is not None:
            new = values[-1]
            position = next((i for i, old in enumerate(values[:-1]) if old > new), len(bounded))  # type: ignore[operator]
        bounded.insert(position, (row.bound, row.value, row.origin))
    tail = [above] if above is not None else []
    return replace(
        base,
        bounds=tuple(b for b, _, _ in bounded),
        values=tuple(v for _, v, _ in bounded) + tuple(v for v, _ in tail),
        has_above=above is not None,
        row_origins=tuple(o for _, _, o in bounded) + tuple(o for _, o in tail),
    )


def _values(version: Version, nodes: list[ir.Node]) -> list[object] | None:
    return _bound_values(version, tuple(nodes))


def missing_parameters(version: Version, used: set[str]) -> list[str]:
    return sorted(name for name in used if name not in version.parameters)


def _bound_values(version: Version, bounds: tuple[ir.Node, ...]) -> list[object] | None:
    """The bounds' values in a version, or None when one reads a parameter without a value
    there or is undefined (a lookup of it is then undefined too, which the evaluator reports)."""
    from lexproof.dsl.evaluator import Evaluator, Undefined

    used = {node.name for bound in bounds for node in ir.walk(bound) if isinstance(node, ir.ParamRef)}
    if missing_parameters(version, used):
        return None
    evaluator = Evaluator({None: version}, {None: {}})
    try:
        return [evaluator.eval(bound, None, None) for bound in bounds]
    except (Undefined, LexproofError):
        return None


# --- reading only what a version has -------------------------------------------------------


def _absent(version: Version, node: ir.Node, slot_versions: dict[str | None, Version] | None = None) -> str | None:
    """What ``node`` reads that its version lacks, described, or None."""
    statute = version.statute
    if isinstance(node, ir.FactRef) and not version.has_fact(node.name):
        return f"fact '{node.name}', which amendment {adder(statute, 'fact', node.name)} adds"
    if isinstance(node, ir.DecisionRef) and not version.has_decision(node.name):
        return f"decision '{node.name}', which amendment {adder(statute, 'decision', node.name)} adds"
    if isinstance(node, ir.TableRef) and not version.has_table(node.name):
        return f"table '{node.name}', which amendment {adder(statute, 'table', node.name)} adds"
    if isinstance(node, ir.Const) and node.type.kind == "enum" and node.value not in version.enum_values(node.type.enum or ""):
        origin = statute.enum_origins.get((node.type.enum or "", str(node.value)))
        return f"the value {node.type.enum}.{node.value}, which amendment {origin} adds"
    return None


def _reads(version: Version, what: str, nodes, problems: list[Diagnostic]) -> None:
    for root in nodes:
        if root is None:
            continue
        for node in ir.walk(root):
            absent = _absent(version, node)
            if absent is not None:
                problems.append(Diagnostic(
                    node.span or root.span,
                    f"{what} reads {absent}, in {version.label}, which does not have it "
                    "(read it only where that amendment applies: in rules it or a later amendment inserts)",
                ))


def reads_problems(version: Version, what: str, node: ir.Node) -> list[Diagnostic]:
    """What ``node`` (a query's condition) reads that ``version`` lacks."""
    problems: list[Diagnostic] = []
    if grows(version.statute):
        _reads(version, what, (node,), problems)
    return problems


def presence_problems(version: Version) -> list[Diagnostic]:
    """Rules, defaults and tables of ``version`` that read what the version lacks, and rules
    that decide a decision it lacks. What the statute itself declares was checked before any
    amendment was known, so it reads only what the statute declares (which every version has):
    only what amendments wrote is walked here."""
    statute = version.statute
    problems: list[Diagnostic] = []
    for rule in version.rules:
        if rule.origin is None:
            continue
        if not version.has_decision(rule.decision):
            problems.append(Diagnostic(
                rule.span,
                f"rule '{rule.name}' decides {rule.decision}, which amendment "
                f"{adder(statute, 'decision', rule.decision)} adds, in {version.label}, which does not have it",
            ))
        _reads(version, f"rule '{rule.name}'", (rule.condition, rule.value), problems)
    for decision in statute.decisions.values():
        if decision.origin is not None and version.has_decision(decision.name) and decision.default is not None:
            _reads(version, f"the default of {decision.name}", (decision.default,), problems)
    for name, table in statute.tables.items():
        if version.has_table(name) and (table.origin is not None or name in version.tables):
            table = version.table(name)
            _reads(version, f"table {name}", table.bounds + table.values, problems)
    return problems


def example_problems(statute: StatuteModel, example: ExampleInfo, version: Version) -> list[Diagnostic]:
    """An example in a version: it expects only decisions the version has, gives every fact the
    version has (facts it lacks may be given; they are not read there), and gives enum facts
    only values the version has."""
    problems = []
    for name, (_value, span) in example.expected.items():
        if "[" in name:
            continue  # a decision per item (kind[2].d): amendments do not add those
        if not version.has_decision(name):
            problems.append(Diagnostic(
                span,
                f"example '{example.name}' expects {name}, which amendment {adder(statute, 'decision', name)} "
                f"adds, in {version.label}, which does not have it",
            ))
    missing = [name for name in statute.facts if version.has_fact(name) and name not in example.case]
    if missing:
        problems.append(Diagnostic(
            example.span,
            f"example '{example.name}' does not give the facts: {', '.join(missing)} "
            f"(in {version.label}, which has them)",
        ))
    for name, value in example.case.items():
        fact = statute.facts.get(name)
        if fact is None:  # the items of a kind (their enum values are not checked per version)
            continue
        if fact.type.kind == "enum" and version.has_fact(name) and value not in version.enum_values(fact.type.enum or ""):
            origin = statute.enum_origins.get((fact.type.enum or "", str(value)))
            problems.append(Diagnostic(
                example.span,
                f"example '{example.name}' gives {name} = {value}, a value that amendment {origin} adds: "
                f"{version.label} does not have it",
            ))
    return problems


def property_problems(prop: PropertyInfo, versions: dict[str | None, Version]) -> list[Diagnostic]:
    """What a property reads in its versions: decisions and tables in the slot they are read
    in, facts in some slot (a case has the facts of both versions compared), enum values in
    every slot (the facts' domain is what every slot has)."""
    problems: list[Diagnostic] = []
    for root in (*prop.assumptions, prop.claim):
        for node in ir.walk(root):
            if isinstance(node, ir.FactRef):
                checked = [v for v in versions.values() if not v.has_fact(node.name)]
                if len(checked) < len(versions):
                    continue
            elif isinstance(node, (ir.DecisionRef, ir.TableRef)):
                checked = [versions[node.version]] if node.version in versions else list(versions.values())
            else:
                checked = list(versions.values())
            for version in checked:
                absent = _absent(version, node)
                if absent is not None:
                    problems.append(Diagnostic(
                        node.span or prop.span,
                        f"property '{prop.name}' reads {absent}, in {version.label}, which does not have it",
                    ))
                    break
    return problems
