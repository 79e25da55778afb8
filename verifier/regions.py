"""Summarize a region of cases (where a gap lies, where an amendment changes the outcome) as a
small table a lawyer reads.

Each row is a group of cases: a set of values per enum/bool fact, with one outcome label (e.g.
false -> true). Every combination of those values has cases in the region, the numeric facts
shown are the range (hull) the region spans within the group, and a witness case is given.
When the enumeration completes, the rows cover the region: no case outside them is in it, so
"who loses: nobody" is a proof, not a sample.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import z3

from dsl import ir
from dsl.consolidate import Version
from dsl.model import StatuteModel
from dsl.values import format_value
from verifier.encoding import Encoder, Term
from verifier.solving import Budget, check


@dataclass
class Row:
    """One row: each finite fact's allowed values, numeric ranges, an outcome label."""

    values: dict[str, frozenset]
    label: tuple = ()
    ranges: dict[str, tuple[object, object]] = field(default_factory=dict)
    witness: dict[str, object] = field(default_factory=dict)
    combinations: int = 1
    exact: bool = False  # every case of the row (its combinations x its ranges) is in the region


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
    """Enumerate the region's enum/bool combinations (with their outcome label), merge them
    into groups, give each group the numeric range it spans, and split a group whose range
    would overstate it. A group whose every case (its combinations x its ranges) lies in the
    region is *exact*; otherwise it says 'some cases'."""
    from verifier.solving import read_cases, readable_model

    statute = encoder.statute
    finite = [f for f in facts if statute.facts[f].type.kind in ("bool", "enum")]
    numeric = [f for f in facts if f not in finite]
    points: list[Row] = []
    complete = True
    blocked: list[Term] = []
    while True:
        if len(points) >= MAX_COMBINATIONS:
            complete = False
            break
        status = check(solver, *assumptions, region, *blocked)
        if status != "sat":
            complete = status == "unsat"
            break
        model = solver.model()
        projection = {
            f: encoder.decode(statute.facts[f].type, model.eval(encoder.fact_term(f, None), model_completion=True))
            for f in finite
        }
        label = tuple(decode(model.eval(term, model_completion=True)) for _, term, decode in labels)
        points.append(Row({f: frozenset([projection[f]]) for f in finite}, label))
        block = [encoder.fact_term(f, None) == encoder.const(statute.facts[f].type, projection[f]) for f in finite]
        block += [term == model.eval(term, model_completion=True) for _, term, _ in labels]
        if not block:
            break
        blocked.append(z3.Not(z3.And(block)))
    label_terms = {row.label: _label_formula(encoder, labels, row.label) for row in points}
    rows: list[Row] = []
    for group in _merge(points, finite):
        inside = z3.And(region, label_terms[group.label])
        members = [p for p in points if p.label == group.label and _within(p, group)]
        rows.extend(_refine(encoder, solver, group, members, finite, numeric, inside, budget, assumptions, 0))
    kept: list[Row] = []
    for row in rows:
        inside = z3.And(region, label_terms[row.label], *_cube(encoder, row), *_box(encoder, row))
        if check(solver, *assumptions, inside) != "sat":
            # Only when the solver gives up (the group has cases, and its ranges are confirmed
            # hulls): no witness to show, so the row cannot be shown and the table is partial.
            complete = False
            continue
        model = readable_model(encoder, [inside], budget, solver.model())
        row.witness = read_cases(encoder, model)[None]
        row.combinations = 1
        for f in finite:
            row.combinations *= len(row.values[f])
        kept.append(row)
    return Region(kept, complete, finite, numeric)


MAX_COMBINATIONS = 256
MAX_SPLIT_DEPTH = 2


def _label_formula(encoder: Encoder, labels, label: tuple) -> Term:
    parts = []
    for (_, term, _decode), value in zip(labels, label):
        if z3.is_bool(term):
            parts.append(term if value else z3.Not(term))
        else:
            parts.append(term == _label_value(encoder, term, value))
    return z3.And(parts + [encoder.true])


def _label_value(encoder: Encoder, term: Term, value: object) -> Term:
    if isinstance(value, str):  # an enum outcome: its index
        for enum_values in encoder.statute.enums.values():
            if value in enum_values:
                return z3.IntVal(enum_values.index(value), encoder.ctx)
    return z3.RealVal(value, encoder.ctx) if z3.is_real(term) else z3.IntVal(int(value), encoder.ctx)


def _within(point: Row, group: Row) -> bool:
    return all(point.values[f] <= group.values[f] for f in point.values)


def _merge(rows: list[Row], finite: list[str]) -> list[Row]:
    """Merge rows that agree on the label and on every fact but one (Quine-McCluskey style):
    repeatedly merge the first such pair (i, j) in order into row i.

    After a merge into row c, every pair before c's position not involving c was already found
    unmergeable, so the next first pair is (k, c) for the least k < c that merges with c, else
    the first from row c on: the same merges in the same order as rescanning every pair from
    the start after each merge, which cost O(rows^2) per merge."""
    rows = [Row(dict(r.values), r.label) for r in rows]
    changed: int | None = None
    while True:
        found: tuple[int, int, str] | None = None
        if changed is not None:
            for k in range(changed):
                fact = _merges_on(rows[k], rows[changed], finite)
                if fact is not None:
                    found = (k, changed, fact)
                    break
        if found is None:
            for i in range(changed or 0, len(rows)):
                for j in range(i + 1, len(rows)):
                    fact = _merges_on(rows[i], rows[j], finite)
                    if fact is not None:
                        found = (i, j, fact)
                        break
                if found is not None:
                    break
        if found is None:
            return rows
        i, j, fact = found
        a, b = rows[i], rows[j]
        merged = dict(a.values)
        merged[fact] = a.values[fact] | b.values[fact]
        rows[i] = Row(merged, a.label)
        del rows[j]
        changed = i


def _merges_on(a: Row, b: Row, finite: list[str]) -> str | None:
    """The one fact two rows of the same label differ in, if they differ in exactly one."""
    if a.label != b.label:
        return None
    differing = None
    for f in finite:
        if a.values[f] != b.values[f]:
            if differing is not None:
                return None
            differing = f
    return differing


def _refine(encoder, solver, group: Row, members: list[Row], finite, numeric, inside, budget, assumptions, depth) -> list[Row]:
    if numeric:
        group.ranges = _hull(encoder, solver, inside, group, numeric, budget, assumptions)
    box = _cube(encoder, group) + _box(encoder, group)
    if not numeric or check(solver, *assumptions, *box, z3.Not(inside)) == "unsat":
        group.exact = True
        return [group]
    if depth >= MAX_SPLIT_DEPTH or len(members) < 2:
        return [group]
    valid, invalid = [], []
    for member in members:
        member_box = _cube(encoder, member) + _box(encoder, Row(member.values, member.label, group.ranges))
        (valid if check(solver, *assumptions, *member_box, z3.Not(inside)) == "unsat" else invalid).append(member)
    if not valid or not invalid:
        return [group]
    result = []
    for part in (valid, invalid):
        for sub in _merge(part, finite):
            sub_members = [m for m in part if _within(m, sub)]
            result.extend(_refine(encoder, solver, sub, sub_members, finite, numeric, inside, budget, assumptions, depth + 1))
    return result


def _box(encoder: Encoder, row: Row) -> list[Term]:
    statute = encoder.statute
    parts = []
    for fact, (low, high) in row.ranges.items():
        term = encoder.fact_term(fact, None)
        type_ = statute.facts[fact].type
        parts += [term >= encoder.const(type_, low), term <= encoder.const(type_, high)]
    return parts


def _cube(encoder: Encoder, row: Row) -> list[Term]:
    statute = encoder.statute
    return [
        z3.Or([encoder.fact_term(f, None) == encoder.const(statute.facts[f].type, v) for v in values])
        for f, values in row.values.items()
    ]


def _hull(encoder: Encoder, solver: z3.Solver, inside: Term, row: Row, numeric: list[str], budget: Budget,
          assumptions):
    """The range each numeric fact spans over the group's cases in the region; a range that is
    the whole domain says nothing and is left out.

    An optimizer's answer is only a candidate: z3 answers ``sat`` for a supremum it does not
    attain (``r < 59%``: objective '59/100 - epsilon', reason_unknown 'unknown') or an unbounded
    objective ('oo') with a model that may even violate its own assertions (r = -41/100 for a
    rate in 0..1). Reading the bound off that model gave an empty range, no witness, and a
    KeyError in the evaluator replaying the empty case. The bound is read from the objective's
    value instead and kept only when the solver confirms it: no case of the group lies beyond
    it, and (unless z3 says it is not attained) some case has it. Otherwise the fact gets no
    range, which is sound: the row then says 'some cases'. A bound that is not attained is the
    range's closure: sound too, and the row is not exact."""
    statute = encoder.statute
    ranges: dict[str, tuple[object, object]] = {}
    where = [inside, *_cube(encoder, row)]
    for fact in numeric:
        info = statute.facts[fact]
        term = encoder.fact_term(fact, None)
        bounds = []
        for direction in ("min", "max"):
            optimizer = z3.Optimize(ctx=encoder.ctx)
            optimizer.set("rlimit", budget.rlimit)
            optimizer.set("timeout", min(budget.timeout_ms, 5_000))
            optimizer.add(encoder.hard_constraints())
            optimizer.add(assumptions)
            optimizer.add(*where)
            objective = optimizer.minimize(term) if direction == "min" else optimizer.maximize(term)
            try:
                if optimizer.check() != z3.sat:
                    bounds.append(None)
                    continue
                infinite, value, epsilon = (_numeral(v) for v in objective.upper_values())  # infinite*oo + value + epsilon*eps
            except z3.Z3Exception:
                bounds.append(None)
                continue
            if infinite != 0 or value is None or epsilon is None or (not info.type.is_rational and value.denominator != 1):
                bounds.append(None)
                continue
            const = encoder.const(info.type, value)
            beyond = term < const if direction == "min" else term > const
            if check(solver, *assumptions, *where, beyond) != "unsat" or (
                epsilon == 0 and check(solver, *assumptions, *where, term == const) != "sat"
            ):
                bounds.append(None)
                continue
            bounds.append(value if info.type.is_rational else int(value))
        low, high = bounds
        if low is None or high is None:
            continue
        ranges[fact] = (low, high)
    return ranges


def _numeral(term: Term) -> Fraction | None:
    if z3.is_int_value(term):
        return Fraction(term.as_long())  # type: ignore[attr-defined]
    if z3.is_rational_value(term):
        return Fraction(term.numerator_as_long(), term.denominator_as_long())  # type: ignore[attr-defined]
    return None


def _nearly_whole(info, low, high) -> bool:
    """A range that only trims one step off the domain (e.g. €0.01..€20,000 of €0..€20,000,
    from 'paid by a third party < owed') reads as noise, not as a condition."""
    if info.low is None or info.high is None:
        return False
    width = info.high - info.low
    return width > 0 and (high - low) >= width * 0.999


def describe_row(statute: StatuteModel, row: Row, finite: list[str]) -> list[str]:
    """'soort = mbo', 'leerweg in {bbl, derde_leerweg}', 'leeftijd 30..56'; a row that is not
    exact (only some of its cases are in the region) starts with 'some cases:'."""
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
        if (low == info.low and high == info.high) or _nearly_whole(info, low, high):
            continue
        low_text, high_text = format_value(low, info.type), format_value(high, info.type)
        parts.append(f"{fact} {low_text}..{high_text}" if low != high else f"{fact} = {low_text}")
    parts = parts or ["every case"]
    if not row.exact:
        parts[0] = "some cases: " + parts[0]
    return parts
