"""Summarize a region of cases (where a gap lies, where an amendment changes the outcome) as a
small table a lawyer reads.

Each row is a group of cases: a set of values per enum/bool fact, with one outcome label (e.g.
false -> true). Every combination of those values has cases in the region, the numeric facts
shown are the range (hull) the region spans within the group, and a witness case is given.
When the enumeration completes, the rows cover the region: no case outside them is in it, so
"who loses: nobody" is a proof, not a sample. A summary in which any solver query answered
'unknown' (budget) is marked incomplete, whatever it was for: it never claims completeness.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import z3
from z3.z3core import Z3_solver_check_assumptions
from z3.z3types import Ast

from lexproof.dsl import ir
from lexproof.dsl.consolidate import Version
from lexproof.dsl.ir import Type
from lexproof.dsl.model import StatuteModel
from lexproof.dsl.values import format_value
from lexproof.verifier.encoding import Encoder, Term, numeral
from lexproof.verifier.errors import InternalError
from lexproof.verifier.solving import Budget, limits, new_solver


@dataclass
class Row:
    """One row: each finite fact's allowed values, numeric ranges, an outcome label."""

    values: dict[str, frozenset]
    label: tuple = ()
    ranges: dict[str, tuple[object, object]] = field(default_factory=dict)
    witness: dict[str, object] = field(default_factory=dict)
    combinations: int = 1
    exact: bool = False  # every case of the row (its combinations x its ranges) is in the region
    outline: bool = False  # an outline of a region too large to list (``_outline``), not a group


@dataclass
class Region:
    rows: list[Row]
    complete: bool  # False when some cases of the region may be in no row, or the solver gave up
    finite_facts: list[str]
    numeric_facts: list[str]
    incomplete_reason: str | None = None  # why not complete, in words a reader can act on
    found: int = 0  # distinct enum/bool combinations the enumeration found (all of them when complete)
    outlined: bool = False  # too many combinations to list: the rows are outlines (``_outline``)
    covered: bool = False  # every case of the region lies within a row (complete, or fully outlined)


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
        default = statute.decision_info(name).default
        if default is not None:
            nodes.append(default)
        for node in nodes:
            for sub in ir.walk(node):
                if isinstance(sub, ir.FactRef):
                    facts.add(sub.name)
                elif isinstance(sub, (ir.DecisionRef, ir.ItemDecisionRef)):  # a decision per item may read case facts
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
    labels: list[tuple[str, Term, Type | None]],
    budget: Budget,
    assumptions: list[Term],
    witnesses: bool = True,
) -> Region:
    """Enumerate the region's enum/bool combinations (with their outcome label), merge them
    into groups, give each group the numeric range it spans, and split a group whose range
    would overstate it. A group whose every case (its combinations x its ranges) lies in the
    region is *exact*; otherwise it says 'some cases'.

    A region with more combinations than LISTED_COMBINATIONS is first outlined (``_outline``):
    the values each enum/bool fact takes in it, per outcome label. When those allow at most
    MAX_COMBINATIONS combinations the enumeration goes on and lists them all; otherwise the
    outline is the summary: one row per label, 'within:' (``Row.outline``). Listing hundreds of
    combinations only to show an arbitrary 256 of them (the enumeration's first) as groups took
    ninety per cent of the diff of a statute book, and read as noise."""
    from lexproof.verifier.solving import read_cases, readable_model

    statute = encoder.statute
    finite = [f for f in facts if statute.facts[f].type.kind in ("bool", "enum")]
    numeric = [f for f in facts if f not in finite]
    points, complete, reason = _enumerate(encoder, solver, region, finite, labels, assumptions, [],
                                          LISTED_COMBINATIONS)
    # The ranges, splits and witnesses ask a solver of their own (see _Summary.check); only its
    # sat/unsat answers are used, so the rows do not depend on which solver answers.
    summary = _Summary(encoder, budget, assumptions)
    label_terms: dict[tuple, Term] = {}

    def label_term(label: tuple) -> Term:
        if label not in label_terms:
            label_terms[label] = _label_formula(encoder, labels, label)
        return label_terms[label]

    outlined = False
    if len(points) >= LISTED_COMBINATIONS:
        outline = _outline(summary, region, points, finite, labels)
        if sum(_product(values) for values in outline.values()) <= MAX_COMBINATIONS:
            # the enumeration ends within MAX_COMBINATIONS: the outline bounds what is left
            points, complete, reason = _enumerate(encoder, solver, region, finite, labels, assumptions, points,
                                                  MAX_COMBINATIONS + 1)
        else:
            outlined = True
            reason = (f"more than {LISTED_COMBINATIONS} combinations of enum/bool values "
                      "(the rows outline them)")
            if summary.gave_up:  # the outline may lack labels, and its rows may be too wide
                reason = "the solver ran out of budget while outlining the groups (raise --timeout)"
    if outlined:
        rows = _outline_rows(summary, outline, points, finite, numeric,
                             lambda label: z3.And(region, _label_formula(encoder, labels, label)))
    for point in points:  # made in the order the points were found: z3's search follows it
        label_term(point.label)
    if not outlined:
        rows = []
        for group in _merge(points, finite):
            inside = z3.And(region, label_term(group.label))
            members = [p for p in points if p.label == group.label and _within(p, group)]
            rows.extend(_refine(summary, group, members, finite, numeric, inside, 0))
    kept: list[Row] = []
    for row in rows:
        inside = z3.And(region, label_term(row.label), *summary.cube(row), *_box(encoder, row))
        if summary.check(inside) != "sat":
            # Only when the solver gives up (the group has cases, and its ranges are verified
            # hulls): no witness to show, so the row cannot be shown and the table is partial.
            complete, reason = False, "the solver ran out of budget for an example case of a group"
            continue
        if witnesses:
            model = readable_model(encoder, [inside], budget, summary.solver.model())
            row.witness = read_cases(encoder, model)[None]
        if not row.outline:  # an outline's count is the combinations found with its label
            row.combinations = _product(row.values)
        kept.append(row)
    every_row_kept = len(kept) == len(rows)
    rows = kept
    if complete and summary.gave_up:
        # A range, split or bound the solver could not decide was dropped (which keeps the rows
        # true), but a summary that met 'unknown' anywhere never claims to be complete.
        complete, reason = False, "the solver ran out of budget while summarizing the groups (raise --timeout)"
    found = len({_combination(p, finite) for p in points})
    covered = complete or (outlined and not summary.gave_up and every_row_kept)
    return Region(rows, complete, finite, numeric, reason, found, outlined, covered)


def _combination(point: Row, finite: list[str]) -> tuple:
    """The one combination of enum/bool values a point of the enumeration stands for."""
    return tuple(next(iter(point.values[f])) for f in finite)


def _product(values: dict[str, frozenset]) -> int:
    """How many combinations of enum/bool values a row's value sets hold."""
    count = 1
    for chosen in values.values():
        count *= len(chosen)
    return count


def _outline_rows(summary: _Summary, outline: dict[tuple, dict[str, frozenset]], points: list[Row],
                  finite: list[str], numeric: list[str], inside_label) -> list[Row]:
    """One row per label of the outline, with the hull of each numeric fact over the region's
    cases with that label (``inside_label(label)``). Its count is the combinations the listing
    found with the label; one at least, for a label the outline found after the listing stopped
    has cases."""
    rows = []
    for label, values in outline.items():
        found = {_combination(p, finite) for p in points if p.label == label}
        row = Row(values, label, outline=True, combinations=max(1, len(found)))
        if numeric:
            row.ranges = summary.ranges(inside_label(label), row, numeric)
        rows.append(row)
    return rows


def _domain(statute: StatuteModel, fact: str) -> tuple:
    """The values an enum or bool fact can take."""
    type_ = statute.facts[fact].type
    return statute.enums[type_.enum] if type_.kind == "enum" else (False, True)  # type: ignore[index]


def _projection(encoder: Encoder, finite: list[str], model: z3.ModelRef) -> dict[str, object]:
    """The values of the enum/bool facts in the case a model gives."""
    statute = encoder.statute
    return {f: encoder.decode(statute.facts[f].type, model.eval(encoder.fact_term(f, None), model_completion=True))
            for f in finite}


def _enumerate(
    encoder: Encoder, solver: z3.Solver, region: Term, finite: list[str], labels, assumptions: list[Term],
    found: list[Row], limit: int,
) -> tuple[list[Row], bool, str | None]:
    """The region's combinations of enum/bool values with their outcome label, one point per
    combination, after the points ``found`` before, until ``limit`` points: (points, complete,
    why not). Each point is blocked by a clause in a scope of its own (pushed, and popped before
    returning, so the solver is as it was): passing the blocks as assumptions made every check
    re-read all of them, a quarter of the diff of a statute book."""
    statute = encoder.statute
    enumerate_check = _Checker(solver, assumptions)
    points = list(found)
    seen = {(_combination(p, finite), p.label) for p in points}
    terms = {f: (encoder.fact_term(f, None), statute.facts[f].type) for f in finite}
    equalities: dict[tuple[str, object], Term] = {}  # each made once: blocks share them
    label_formulas: dict[tuple, Term] = {}

    def block(point: Row) -> Term:
        equal = []
        for f in finite:
            value = next(iter(point.values[f]))
            if (f, value) not in equalities:
                term, type_ = terms[f]
                equalities[(f, value)] = term == encoder.const(type_, value)
            equal.append(equalities[(f, value)])
        if point.label not in label_formulas:
            label_formulas[point.label] = _label_formula(encoder, labels, point.label)
        return z3.Not(z3.And(equal + [label_formulas[point.label]]))

    solver.push()
    try:
        for point in points:
            solver.add(block(point))
        while True:
            if len(points) >= limit:
                return points, False, f"stopped after {limit} combinations of enum/bool values"
            status = enumerate_check(region)
            if status != "sat":
                if status == "unsat":
                    return points, True, None
                return points, False, "the solver ran out of budget while listing the groups"
            model = solver.model()
            projection = _projection(encoder, finite, model)
            label = _read_label(encoder, labels, model)
            key = (tuple(projection[f] for f in finite), label)
            if key in seen:  # the block of that point did not exclude it: a bug, never a reason to loop on
                raise InternalError(f"the enumeration of a region found the same combination twice: {projection}, {label}")
            seen.add(key)
            point = Row({f: frozenset([projection[f]]) for f in finite}, label)
            points.append(point)
            if not finite and not labels:
                return points, True, None  # one point stands for the whole region
            solver.add(block(point))
    finally:
        solver.pop()


def _outline(summary: _Summary, region: Term, points: list[Row], finite: list[str],
             labels) -> dict[tuple, dict[str, frozenset]]:
    """Per outcome label of the region, the values each enum/bool fact takes in its cases:
    every case of the region lies within the outline of its label, but not every combination
    within an outline need be in the region. Each question asks for a case of the region with
    a label not seen yet, or with a value of some fact not seen yet with its label, so it takes
    one question per value found (fewer when a case shows several) and a last 'unsat'; the
    result does not depend on which cases the solver happens to give. When the solver cannot
    answer, every value of every fact is kept (an outline may only be too wide) and the summary
    says it gave up."""
    encoder = summary.encoder
    statute = encoder.statute
    domains = {f: _domain(statute, f) for f in finite}
    terms = {f: (encoder.fact_term(f, None), statute.facts[f].type) for f in finite}
    seen: dict[tuple, dict[str, set]] = {}
    for point in points:
        for fact in finite:
            seen.setdefault(point.label, {f: set() for f in finite})[fact].update(point.values[fact])
    while True:
        options = []
        for label, values in seen.items():
            unseen = []
            for fact in finite:
                term, type_ = terms[fact]
                if len(values[fact]) < len(domains[fact]):
                    unseen.append(z3.And([term != encoder.const(type_, v) for v in sorted(values[fact], key=repr)]))
            if unseen:
                options.append(z3.And(_label_formula(encoder, labels, label), z3.Or(unseen)))
        if labels:
            options.append(z3.And([z3.Not(_label_formula(encoder, labels, label)) for label in seen] + [encoder.true]))
        if not options:
            break
        status = summary.check(region, z3.Or(options))
        if status == "unsat":
            break
        if status != "sat":
            for values in seen.values():
                for fact in finite:
                    values[fact] = set(domains[fact])
            break
        model = summary.solver.model()
        label = _read_label(encoder, labels, model)
        new = label not in seen
        values = seen.setdefault(label, {f: set() for f in finite})
        for fact, value in _projection(encoder, finite, model).items():
            new = new or value not in values[fact]
            values[fact].add(value)
        if not new:  # the case asked for has a new label or value: a bug, never a reason to loop on
            raise InternalError(f"the outline of a region found nothing new in a case: {label}")
    return {label: {f: frozenset(values[f]) for f in finite} for label, values in sorted(seen.items(), key=repr)}


LISTED_COMBINATIONS = 32  # combinations listed before a region is outlined
MAX_COMBINATIONS = 256  # combinations listed at most, when the outline shows there are no more
MAX_SPLIT_DEPTH = 2
STEP_RLIMIT = 300_000  # per range/split/witness query; ~10x the most one took on the benchmarks


def _label_formula(encoder: Encoder, labels, label: tuple) -> Term:
    parts = []
    for (_, term, type_), value in zip(labels, label):
        if type_ is None or type_.kind == "bool":
            parts.append(term if value else z3.Not(term))
        else:
            parts.append(term == encoder.const(type_, value))  # the label's own type: an enum by its index in it
    return z3.And(parts + [encoder.true])


def _read_label(encoder: Encoder, labels, model: z3.ModelRef) -> tuple:
    """The outcome label of the case a model gives: each label term's value, read as its type
    (a bool flag when the type is None)."""
    values = []
    for _, term, type_ in labels:
        value = model.eval(term, model_completion=True)
        values.append(z3.is_true(value) if type_ is None else encoder.decode(type_, value))
    return tuple(values)


def _within(point: Row, group: Row) -> bool:
    return all(point.values[f] <= group.values[f] for f in point.values)


def _merge(rows: list[Row], finite: list[str]) -> list[Row]:
    """Merge rows into groups: for each fact in turn, the rows of one label that agree on every
    other fact become one row with the union of that fact's values; repeat until nothing merges.

    The groups cover exactly the cases of the rows (a union of rows that differ in one fact is
    that fact's union, and disjoint rows stay disjoint), and they depend only on the set of rows
    and the statute's fact order, not on the order the solver found the cases in: greedy
    pairwise merging did, and could show 17 groups where 2 describe the region."""
    cubes = {(r.label, tuple(r.values[f] for f in finite)) for r in rows}
    changed = True
    while changed:
        changed = False
        for k in range(len(finite)):
            parts: dict[tuple, list[frozenset]] = {}
            for label, values in cubes:
                parts.setdefault((label, values[:k] + values[k + 1:]), []).append(values[k])
            changed = changed or len(parts) < len(cubes)
            cubes = {(label, rest[:k] + (frozenset().union(*sets),) + rest[k:]) for (label, rest), sets in parts.items()}
    merged = [Row(dict(zip(finite, values)), label) for label, values in cubes]
    merged.sort(key=lambda r: (repr(r.label), [sorted(map(repr, r.values[f])) for f in finite]))
    return merged


def _refine(summary: _Summary, group: Row, members: list[Row], finite, numeric, inside, depth) -> list[Row]:
    encoder = summary.encoder
    if numeric:
        group.ranges = summary.ranges(inside, group, numeric)
    box = summary.cube(group) + _box(encoder, group)
    # Without numeric facts a group of enum/bool combinations is exact by construction, unless
    # the region also depends on a case's items, which no row describes: then ask.
    if (not numeric and not encoder.statute.kinds) or summary.check(*box, z3.Not(inside)) == "unsat":
        group.exact = True
        return [group]
    if depth >= MAX_SPLIT_DEPTH or len(members) < 2:
        return [group]
    valid, invalid = [], []
    for member in members:
        member_box = summary.cube(member) + _box(encoder, Row(member.values, member.label, group.ranges))
        (valid if summary.check(*member_box, z3.Not(inside)) == "unsat" else invalid).append(member)
    if not valid or not invalid:
        return [group]
    result = []
    for part in (valid, invalid):
        for sub in _merge(part, finite):
            sub_members = [m for m in part if _within(m, sub)]
            result.extend(_refine(summary, sub, sub_members, finite, numeric, inside, depth + 1))
    return result


def _box(encoder: Encoder, row: Row) -> list[Term]:
    statute = encoder.statute
    parts = []
    for fact, (low, high) in row.ranges.items():
        term = encoder.fact_term(fact, None)
        type_ = statute.facts[fact].type
        parts += [term >= encoder.const(type_, low), term <= encoder.const(type_, high)]
    return parts


class _Checker:
    """``check(solver, *assumptions, *extra)``, calling z3's C API with the assumptions
    converted once: z3py's ``Solver.check`` casts and sort-checks every assumption on every
    call, which was about half the time of a summary (hundreds of tracking literals, thousands
    of checks). Same query, same order, same answer."""

    def __init__(self, solver: z3.Solver, assumptions: list[Term]) -> None:
        self.solver = solver
        self._ctx = solver.ctx.ref()
        self._fixed = [literal.as_ast() for literal in assumptions]

    def __call__(self, *extra: Term) -> str:
        fixed = self._fixed
        array = (Ast * (len(fixed) + len(extra)))(*fixed, *(term.as_ast() for term in extra))
        try:
            result = Z3_solver_check_assumptions(self._ctx, self.solver.solver, len(array), array)
        except z3.Z3Exception:
            return "unknown"
        return "sat" if result == z3.Z3_L_TRUE else "unsat" if result == z3.Z3_L_FALSE else "unknown"


class _Summary:
    """What the groups of one summary share: a solver and the assumptions (``check``), the
    enum/bool disjunctions of its rows, and the bounds found so far for the numeric ranges.

    The range a numeric fact spans over a group's cases (its hull) is found with incremental
    checks on this solver (not the enumeration's, see ``check``): most facts reach both ends of their domain within a group
    (nothing to show), which one check per end establishes; a bound found for an earlier group
    is tried next (two checks prove it); a fact with whole steps (int, date, money) is then
    bisected. Only rate and number facts (or a bisection that ran out of budget) go to the
    optimizer, one per summary with push/pop. This replaced two new Optimize per fact and
    group that each re-asserted every hard constraint (three quarters of the diff's time), and
    it is deterministic, where Optimize's 5 s wall-clock timeout sometimes dropped a range.

    An optimizer's answer is only a candidate: z3 answers ``sat`` for a supremum it does not
    attain (``r < 59%``: objective '59/100 - epsilon', reason_unknown 'unknown') or an unbounded
    objective ('oo') with a model that may even violate its own assertions (r = -41/100 for a
    rate in 0..1; the old code read the bound off that model, so the range was empty, no witness
    was found and the evaluator raised KeyError on the empty case). The bound is read from the
    objective's value instead, and kept only when the solver confirms it: no case of the group
    lies beyond it, and (unless z3 says it is not attained) some case has it. Otherwise the
    fact gets no range, which is always sound: the row then says 'some cases'."""

    def __init__(self, encoder: Encoder, budget: Budget, assumptions: list[Term]) -> None:
        self.encoder, self.budget, self.assumptions = encoder, budget, assumptions
        self._step_rlimit = min(budget.rlimit, STEP_RLIMIT)
        self._fresh_solver()
        self._optimizer: z3.Optimize | None = None
        self._cubes: dict[tuple[str, frozenset], Term] = {}
        self._found: dict[tuple[str, str], Fraction] = {}  # (fact, min/max) -> last bound found
        self.gave_up = False  # some query answered 'unknown' (after the retry): see summarize

    def _fresh_solver(self) -> None:
        self.solver = new_solver(self.encoder, self.budget)
        self.solver.set("rlimit", self._step_rlimit)
        self._check = _Checker(self.solver, self.assumptions)
        self._limited = True

    def check(self, *extra: Term) -> str:
        """``check(solver, *assumptions, *extra)`` on the summary's solver, each query with a
        small resource limit. z3's incremental solver, after a few dozen of these queries,
        sometimes gets stuck on one that a fresh solver answers in milliseconds (a minute,
        then 'unknown', for 'leeftijd = 30' in a group of max_per_jaar of statutes/lll; the
        old code spent 80 s on that decision). A query that runs out is asked again of a fresh
        solver with the whole budget, which then takes the following queries."""
        if not self._limited:
            self.solver.set("rlimit", self._step_rlimit)
            self._limited = True
        status = self._check(*extra)
        if status == "unknown" and self._step_rlimit < self.budget.rlimit:
            self._fresh_solver()
            self.solver.set("rlimit", self.budget.rlimit)
            self._limited = False
            status = self._check(*extra)
        if status == "unknown":
            self.gave_up = True
        return status

    def cube(self, row: Row) -> list[Term]:
        """The row's enum/bool values as one disjunction per fact, each built once per summary."""
        parts = []
        for fact, values in row.values.items():
            key = (fact, values)
            if key not in self._cubes:
                encoder = self.encoder
                type_ = encoder.statute.facts[fact].type
                term = encoder.fact_term(fact, None)
                # sorted: a frozenset's order changes with the process's string hash seed, and
                # so would z3's search, the witnesses and, through optimizer timeouts, ranges
                self._cubes[key] = z3.Or([term == encoder.const(type_, v) for v in sorted(values)])
            parts.append(self._cubes[key])
        return parts

    def ranges(self, inside: Term, row: Row, numeric: list[str]) -> dict[str, tuple[object, object]]:
        where = [inside, *self.cube(row)]
        ranges: dict[str, tuple[object, object]] = {}
        for fact in numeric:
            low = self._end(fact, where, "min")
            if low is None:
                continue
            high = self._end(fact, where, "max")
            if high is None:
                continue
            ranges[fact] = (low, high)
        return ranges

    def _end(self, fact: str, where: list[Term], direction: str) -> object | None:
        """The least (or greatest) value of the fact over the cases ``where`` holds, or None."""
        encoder = self.encoder
        info = encoder.statute.facts[fact]
        term = encoder.fact_term(fact, None)
        end = info.low if direction == "min" else info.high
        normal = Fraction if info.type.is_rational else int  # as decode() gives it
        beyond = (lambda c: term < c) if direction == "min" else (lambda c: term > c)
        probe = None if end is None else self._holds(where, term == encoder.const(info.type, end))
        if probe == "sat":
            return normal(end)  # the domain's own end is reached: the optimum, no optimizer needed
        guess = self._found.get((fact, direction))
        if guess is not None:  # groups of one summary often share a bound: try the last one
            const = encoder.const(info.type, guess)
            if self._holds(where, beyond(const)) == "unsat" and self._holds(where, term == const) == "sat":
                return normal(guess)
        # Whole steps (int, date, money in cents): bisect with the solver (deterministic, and
        # faster than Optimize here). Otherwise, or if that runs out of budget, optimize.
        value = self._bisect(term, info, where, direction) if probe == "unsat" else None
        if value is None:
            found = self._optimize(term, info, where, direction)
            if found is None:
                return None
            value, attained = found
            const = encoder.const(info.type, value)
            if self._holds(where, beyond(const)) != "unsat":
                return None  # not a bound after all
            if not attained:
                return normal(value)  # the closure of the range: sound, and the row is not exact
            if self._holds(where, term == const) != "sat":
                return None  # claimed attained, and no case has it: distrust the optimizer
        self._found[(fact, direction)] = value
        return normal(value)

    def _bisect(self, term: Term, info, where: list[Term], direction: str) -> Fraction | None:
        """The least (greatest) value over the cases ``where`` holds of a fact whose values
        are whole steps (int, date, money in cents) in a bounded domain, by bisection with the
        solver: at most about log2(domain / step) checks, each jumping to the model's value.
        Called once the domain's own end is known not to be reached. None for other facts, or
        when the solver gives up."""
        if info.type.kind not in ("int", "date", "money") or info.low is None or info.high is None:
            return None
        step = Fraction(1, 100) if info.type.kind == "money" else Fraction(1)
        low, high = int(Fraction(info.low) / step), int(Fraction(info.high) / step)
        if direction == "max":  # search the least k with no case above -k
            low, high = -high, -low
        # invariant: no case at or below `low` (the domain's end is not reached); some case at
        # or below `high`
        while high - low > 1:
            middle = (low + high) // 2
            bound = self.encoder.const(info.type, middle * step if direction == "min" else -middle * step)
            status = self._holds(where, term <= bound if direction == "min" else term >= bound)
            if status == "sat":
                value = numeral(self.solver.model().eval(term, model_completion=True))
                if value is None:
                    return None
                high = int(value / step) if direction == "min" else int(-value / step)
                if high <= low:
                    return None  # a model contradicting an unsat answer: trust neither
            elif status == "unsat":
                low = middle
            else:
                return None
        return high * step if direction == "min" else -high * step

    def _holds(self, where: list[Term], extra: Term) -> str:
        return self.check(*where, extra)

    def _optimize(self, term: Term, info, where: list[Term], direction: str) -> tuple[object, bool] | None:
        """The optimum as (value, attained), from the objective's value, never from the model:
        a supremum that is not attained comes as 'value - epsilon' (its closure is still a
        bound: the range then also holds cases outside the region, so the row is not exact),
        an unbounded one as 'oo' (no bound)."""
        if self._optimizer is None:
            optimizer = z3.Optimize(ctx=self.encoder.ctx)
            optimizer.set("rlimit", self.budget.rlimit)
            optimizer.set("timeout", min(self.budget.timeout_ms, limits.optimize_ms))
            optimizer.add(self.encoder.hard_constraints())
            optimizer.add(self.assumptions)
            self._optimizer = optimizer
        optimizer = self._optimizer
        optimizer.push()
        try:
            optimizer.add(*where)
            objective = optimizer.minimize(term) if direction == "min" else optimizer.maximize(term)
            status = optimizer.check()
            if status != z3.sat:
                self.gave_up = self.gave_up or status == z3.unknown
                return None
            infinite, value, epsilon = (numeral(v) for v in objective.upper_values())  # infinite*oo + value + epsilon*eps
            if infinite != 0 or value is None or epsilon is None:
                return None
            if not info.type.is_rational and value.denominator != 1:
                return None
            attained = epsilon == 0
            return (value if info.type.is_rational else int(value)), attained
        except z3.Z3Exception:  # Optimize may raise 'canceled' instead of answering unknown
            self.gave_up = True
            return None
        finally:
            optimizer.pop()


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
        if len(values) == len(_domain(statute, fact)):
            continue
        shown = sorted(format_value(v, info.type) for v in values)
        parts.append(f"{fact} = {shown[0]}" if len(shown) == 1 else f"{fact} in {{{', '.join(shown)}}}")
    for fact, (low, high) in row.ranges.items():
        info = statute.facts[fact]
        if low == info.low and high == info.high:
            continue
        if _nearly_whole(info, low, high) and not row.exact:
            continue  # noise in a row that already says 'some cases'; an exact row must show it
        low_text, high_text = format_value(low, info.type), format_value(high, info.type)
        parts.append(f"{fact} {low_text}..{high_text}" if low != high else f"{fact} = {low_text}")
    parts = parts or ["every case"]
    if row.outline:
        parts[0] = "within: " + parts[0]
    elif not row.exact:
        parts[0] = "some cases: " + parts[0]
    return parts
