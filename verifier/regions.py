"""Summarize a region of cases (where a gap lies, where an amendment changes the outcome) as a
small table a lawyer reads: values of enum and bool facts, ranges of numeric facts, a witness
per row, and how many enum/bool combinations it covers."""

from __future__ import annotations

from dataclasses import dataclass, field

import z3

from dsl import ir
from dsl.consolidate import Version
from dsl.model import StatuteModel
from dsl.values import format_value
from verifier.encoding import Encoder, Term
from verifier.solving import Budget, check

MAX_COMBINATIONS = 128


@dataclass
class Row:
    """One row: each finite fact's allowed values, numeric ranges, an outcome label."""

    values: dict[str, frozenset]
    label: tuple = ()
    ranges: dict[str, tuple[object, object]] = field(default_factory=dict)
    witness: dict[str, object] = field(default_factory=dict)
    combinations: int = 1


@dataclass
class Region:
    rows: list[Row]
    complete: bool  # False when enumeration stopped at the limit
    finite_facts: list[str]
    numeric_facts: list[str]


def cone_facts(statute: StatuteModel, versions: list[Version], decisions: list[str]) -> list[str]:
    """Facts that the given decisions can depend on (through rules, defaults, other decisions)."""
    seen: set[str] = set()
    facts: set[str] = set()
    pending = list(decisions)
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        nodes: list[ir.Node] = []
        for version in versions:
            for rule in version.rules_of(name):
                nodes.append(rule.value)
                if rule.condition is not None:
                    nodes.append(rule.condition)
        default = statute.decisions[name].default
        if default is not None:
            nodes.append(default)
        for node in nodes:
            for sub in ir.walk(node):
                if isinstance(sub, ir.FactRef):
                    facts.add(sub.name)
                elif isinstance(sub, ir.DecisionRef):
                    pending.append(sub.name)
                elif isinstance(sub, ir.TableRef):
                    table = statute.tables[sub.name]
                    for bound in table.bounds + table.values:
                        facts.update(n.name for n in ir.walk(bound) if isinstance(n, ir.FactRef))
    return [name for name in statute.facts if name in facts]


def summarize(
    encoder: Encoder,
    solver: z3.Solver,
    region: Term,
    facts: list[str],
    labels: list[tuple[str, Term, object]],
    budget: Budget,
    assumptions: list[Term],
) -> Region:
    """Enumerate the region's enum/bool projections (plus outcome labels), merge rows that
    differ in one fact only, and give numeric ranges per row."""
    statute = encoder.statute
    finite = [f for f in facts if statute.facts[f].type.kind in ("bool", "enum")]
    numeric = [f for f in facts if f not in finite]
    solver.push()
    solver.add(region)
    points: list[tuple[dict[str, object], tuple, dict[str, object]]] = []
    complete = True
    while True:
        if len(points) >= MAX_COMBINATIONS:
            complete = False
            break
        status = check(solver, *assumptions)
        if status != "sat":
            complete = complete and status == "unsat"
            break
        model = solver.model()
        projection = {
            f: encoder.decode(statute.facts[f].type, model.eval(encoder.fact_term(f, None), model_completion=True))
            for f in finite
        }
        label = tuple(decode(model.eval(term, model_completion=True)) for _, term, decode in labels)
        witness = {
            f: encoder.decode(info.type, model.eval(encoder.fact_term(f, None), model_completion=True))
            for f, info in statute.facts.items()
        }
        points.append((projection, label, witness))
        block = [encoder.fact_term(f, None) == encoder.const(statute.facts[f].type, projection[f]) for f in finite]
        block += [term == model.eval(term, model_completion=True) for _, term, _ in labels]
        if not block:
            break
        solver.add(z3.Not(z3.And(block)))
    solver.pop()
    rows = [Row({f: frozenset([p[f]]) for f in finite}, label, {}, witness) for p, label, witness in points]
    # Ranges first, per combination: rows merge only when their numeric ranges agree too,
    # otherwise a merged row would claim a range that holds for only some of its values.
    for row in rows:
        if numeric:
            row.ranges = _ranges(encoder, region, row, numeric, budget, assumptions)
    rows = _merge(rows, finite)
    for row in rows:
        row.combinations = 1
        for f in finite:
            row.combinations *= len(row.values[f])
        row.witness = _readable_witness(encoder, region, row, budget, assumptions) or row.witness
    return Region(rows, complete, finite, numeric)


def _row_constraints(encoder: Encoder, region: Term, row: Row) -> list[Term]:
    statute = encoder.statute
    return [region] + [
        z3.Or([encoder.fact_term(f, None) == encoder.const(statute.facts[f].type, v) for v in values])
        for f, values in row.values.items()
    ]


def _readable_witness(encoder: Encoder, region: Term, row: Row, budget: Budget, assumptions):
    """A typical-looking case inside the row (the enumeration's witness may be extreme)."""
    from verifier.solving import read_cases, readable_model

    solver = z3.Solver(ctx=encoder.ctx)
    solver.set("rlimit", budget.rlimit)
    solver.add(encoder.hard_constraints())
    solver.add(_row_constraints(encoder, region, row))
    if check(solver, *assumptions) != "sat":
        return None
    model = readable_model(encoder, _row_constraints(encoder, region, row), budget, solver.model())
    return read_cases(encoder, model)[None]


def _merge(rows: list[Row], finite: list[str]) -> list[Row]:
    """Merge rows that agree on the label and on every fact but one (Quine-McCluskey style)."""
    changed = True
    while changed:
        changed = False
        for i in range(len(rows)):
            for j in range(i + 1, len(rows)):
                a, b = rows[i], rows[j]
                if a.label != b.label or a.ranges != b.ranges:
                    continue
                differing = [f for f in finite if a.values[f] != b.values[f]]
                if len(differing) == 1:
                    fact = differing[0]
                    merged = dict(a.values)
                    merged[fact] = a.values[fact] | b.values[fact]
                    rows[i] = Row(merged, a.label, a.ranges, a.witness)
                    del rows[j]
                    changed = True
                    break
            if changed:
                break
    return rows


def _ranges(encoder: Encoder, region: Term, row: Row, numeric: list[str], budget: Budget, assumptions):
    statute = encoder.statute
    constraints = _row_constraints(encoder, region, row)
    ranges: dict[str, tuple[object, object]] = {}
    for fact in numeric:
        info = statute.facts[fact]
        term = encoder.fact_raw[(None, fact)]
        bounds = []
        for direction in ("min", "max"):
            optimizer = z3.Optimize(ctx=encoder.ctx)
            optimizer.set("rlimit", budget.rlimit)
            optimizer.set("timeout", min(budget.timeout_ms, 5_000))
            optimizer.add(encoder.hard_constraints())
            optimizer.add(assumptions)
            optimizer.add(constraints)
            handle = optimizer.minimize(term) if direction == "min" else optimizer.maximize(term)
            try:
                if optimizer.check() != z3.sat:
                    bounds.append(None)
                    continue
                value = optimizer.lower(handle) if direction == "min" else optimizer.upper(handle)
            except z3.Z3Exception:
                bounds.append(None)
                continue
            bounds.append(_decode_bound(encoder, info.type, value))
        low, high = bounds
        if low == info.low and high == info.high and low is not None:
            continue  # the whole domain: not worth a column
        ranges[fact] = (low, high)
    return ranges


def _decode_bound(encoder: Encoder, type_: ir.Type, value: Term) -> object:
    from fractions import Fraction

    if not (z3.is_int_value(value) or z3.is_rational_value(value)):
        return None  # unbounded (oo) or infinitesimal bound
    if type_.kind == "money":
        return Fraction(value.as_long(), 100) if z3.is_int_value(value) else None  # type: ignore[attr-defined]
    return encoder.decode(type_, value)


def describe_row(statute: StatuteModel, row: Row, finite: list[str]) -> list[str]:
    """'soort = mbo', 'leerweg in {bbl, derde_leerweg}', '30 <= leeftijd <= 56' ..."""
    parts: list[str] = []
    for fact in finite:
        values = row.values[fact]
        info = statute.facts[fact]
        domain = statute.enums[info.type.enum] if info.type.kind == "enum" else (False, True)  # type: ignore[index]
        if len(values) == len(domain):
            continue
        shown = sorted(format_value(v, info.type) for v in values)
        parts.append(f"{fact} = {shown[0]}" if len(shown) == 1 else f"{fact} in {{{', '.join(shown)}}}")
    for fact, (low, high) in row.ranges.items():
        info = statute.facts[fact]
        low_text = format_value(low, info.type) if low is not None else None
        high_text = format_value(high, info.type) if high is not None else None
        if low_text and high_text:
            parts.append(f"{fact} {low_text}..{high_text}" if low != high else f"{fact} = {low_text}")
        elif low_text:
            parts.append(f"{fact} >= {low_text}")
        elif high_text:
            parts.append(f"{fact} <= {high_text}")
    return parts or ["every case"]
