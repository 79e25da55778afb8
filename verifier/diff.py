"""Amendment impact: which decisions change outcome between two versions, for whom.

The cases whose outcome differs (the changed region) are split by the solver into three parts:

* ``gains``: after > before, both defined; for a bool decision false or undefined -> true;
* ``loses``: after < before, both defined; for a bool decision true -> false or undefined;
* ``changes``: a change without an order: an enum or date outcome, defined <-> undefined for a
  number, false <-> undefined for a bool.

Each part is proved empty (``none``), shown to have cases (``some``), or left ``unknown`` when
the solver gives up; only ``none`` ever reads as "who gains: 0". A part with cases is
summarized as rows over enum and bool facts (verifier/regions.py), each row with its own
witness, replayed through the evaluator, which must agree with the row's direction. The
direction of a row was once taken from its one witness: a proposal that raised the benefit for
most salaries and lowered it below €1,000 read "who gains: 0, who loses: 1" because the example
happened to be salary €0.

A *brief* diff (``brief=True``, ``lexproof diff --brief``) stops after those three questions:
each part with cases gets one example, replayed as a row's witness is, and no groups, counts or
ranges. It answers what a drafter asks of a whole statute book first (which decisions change,
and does anyone lose?) with the same proofs of 'none', at an eighth of the cost (docs/performance.md,
"Session 15"); the full summary of one decision is a ``--decision`` away.

For numeric decisions, the least and greatest change (after - before) over the gains and over
the losses is found by the optimizer and kept only when the solver confirms it (no case beyond
it; a case at it, replayed through the evaluator, or no case at it for a bound not attained)."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import itertools
import json
import math
from dataclasses import dataclass, field
from fractions import Fraction

import z3

from lexproof.dsl import ir, items
from lexproof.dsl.consolidate import Version
from lexproof.dsl.evaluator import DecisionOutcome, Evaluator
from lexproof.dsl.items import fact_json
from lexproof.dsl.model import StatuteModel, decision_expressions
from lexproof.dsl.values import format_value, to_json
from lexproof.dsl.xref import own_decisions
from lexproof.verifier.cone_cache import ConeCache
from lexproof.verifier.encoding import Encoder, Term, fewer_gc_passes, numeral
from lexproof.verifier.errors import InternalError
from lexproof.verifier.regions import Region, Row, cone_facts, describe_row, summarize
from lexproof.verifier.results import Outcomes, Result, Witness, diff_rows_cover, show
from lexproof.verifier.solving import Budget, check, limits, new_solver, read_cases, tidy_model
from lexproof.verifier.workers import Progress, run_tasks

ORDERED_KINDS = ("int", "number", "money", "rate")  # outcomes where more is a gain
DIRECTIONS = ("gains", "loses", "changes")
UNKNOWN_REASON = "the solver ran out of budget"
UNKNOWN_CHANGED = "the solver ran out of budget deciding whether it changes (raise --timeout)"
DELTA_RLIMIT = 1_000_000  # per question about the range of a change (see _Questions)
UNBOUNDED = "no bound: the optimizer finds the change unbounded"
BRIEF_REASON = "brief: one example, the groups not listed (run without --brief; --decision NAME for one decision)"
BRIEF_WHEN = "an example (--brief)"


@fewer_gc_passes
def diff_versions(
    statute: StatuteModel, before: Version, after: Version, budget: Budget, decisions: list[str] | None = None,
    jobs: int = 1, cones: ConeCache | None = None, progress: Progress | None = None, brief: bool = False,
    memory: DiffMemory | None = None,
) -> list[Result]:
    """One result per decision (each compared on its own encoder), on up to ``jobs`` processes;
    ``brief``: each part with cases summarized by one example only (module docstring).
    ``progress`` is told of each decision compared by the solver (``workers.run_tasks``).
    ``cones``: reuse (and store) each decision's result by the content of its cone in both
    versions (``diff_key``), so that re-diffing after an edit of the amendment compares only
    the decisions whose cones the edit changed. ``memory``: a watching diff's memory of the
    last run (``DiffMemory``), asked before the cache."""
    names = decisions or _shared_decisions(statute, before, after)
    same = SameCones(statute, before, after)
    done = {name: [_unchanged(statute, name, before, after)] for name in names
            if same(name)}  # the same law in both: no solver needed
    asked = [name for name in names if name not in done]
    keys = {name: diff_key(cones, statute, before, after, name, budget, brief) for name in asked} if cones else {}
    for name, key in keys.items():
        if memory is not None and key is not None and (recalled := memory.recall(key)) is not None:
            done[name] = [recalled]
            continue
        entry = cones.load(key, statute) if cones is not None and key is not None else None
        if entry is not None and len(entry) == 1 and entry[0].kind == "diff" and entry[0].name == name:
            done[name] = entry
    todo = [name for name in asked if name not in done]
    tasks = [(statute, functools.partial(_diff_as_list, statute, name, before, after, budget, brief)) for name in todo]
    for name, results in zip(todo, run_tasks(tasks, jobs, progress)):
        done[name] = results
        if cones is not None and keys.get(name) is not None and _storable(results):
            cones.store(keys[name], results)  # type: ignore[arg-type]
    if memory is not None:
        for name, key in keys.items():
            if key is not None and _storable(done[name]):
                memory.keep(key, done[name][0])
    return [result for name in names for result in done[name]]


class DiffMemory:
    """What a watching ``lexproof diff`` (``diff --watch``) keeps from one run to the next.

    After an edit of the amendment most decisions keep their cache key (``diff_key``), and their
    result is the one the cache would give. Reading those results again (checking each example
    by evaluating it) and drawing their tables again took about 6.5 s a run on the 10,000-rule
    book (docs/performance.md, "Session 16"). So the memory keeps, per key of the last run, the
    result without its examples (all the summary reads: its status and details) and the text
    the report showed for it (``show``; the report's business, kept here by key).

    A run is one ``api.diff`` call (``begin``, then ``diff_versions`` per statute, then ``end``):
    a statute read by the amended one has no keys and must not empty the memory of the other.
    A result is recalled only when nothing it showed is lost: it had no witnesses, or the report
    showed it in the same ``context`` (the report's language, width, ...). A recalled result is
    marked cached, as the cache's copy would be; it is for the human report of a watch (the
    command refuses ``--format json`` with ``--watch``). Only answers the cache would store
    are kept (``_storable``), so a decision left 'unknown' is asked again, as a one-shot run
    would ask it. (When the cache cannot store, a one-shot run would compare a decision again
    where the memory recalls it: to the same answer, each decision being compared on its own
    encoder.)"""

    def __init__(self) -> None:
        self.context: object = None  # set by the report before each run
        self._results: dict[str, tuple[Result, bool]] = {}  # key -> (result without witnesses, had any)
        self._texts: dict[str, tuple[object, str]] = {}  # key -> (context, text shown)
        self._kept: dict[str, tuple[Result, bool]] = {}  # this run's, while it runs
        self._keys: dict[int, str] = {}  # id of a result of this run -> its key

    def begin(self) -> None:
        """A new run (results of the last one are kept until ``end``)."""
        self._keys.clear()
        self._kept = {}

    def recall(self, key: str) -> Result | None:
        """The last run's result for ``key``, if nothing it showed would be lost."""
        kept = self._results.get(key)
        if kept is None or (kept[1] and self._text(key) is None):
            return None
        self._keys[id(kept[0])] = key
        self._kept[key] = kept
        return kept[0]

    def keep(self, key: str, result: Result) -> None:
        """Keep ``result`` (a storable answer of this run) for the next run, without its witnesses."""
        self._keys[id(result)] = key
        if key not in self._kept:
            self._kept[key] = (dataclasses.replace(result, witnesses=[], cached=True), bool(result.witnesses))

    def end(self) -> None:
        """The run is complete: keep its results and forget the keys it did not have."""
        self._results, self._kept = self._kept, {}
        self._texts = {key: text for key, text in self._texts.items() if key in self._results}

    def shown(self, result: Result) -> str | None:
        """The text the report showed for ``result``'s key in the current context, if any."""
        key = self._keys.get(id(result))
        return self._text(key) if key is not None else None

    def show(self, result: Result, text: str) -> None:
        """Remember ``text`` as what the report showed for ``result`` in the current context."""
        key = self._keys.get(id(result))
        if key is not None and key in self._results:
            self._texts[key] = (self.context, text)

    def _text(self, key: str) -> str | None:
        kept = self._texts.get(key)
        return kept[1] if kept is not None and kept[0] == self.context else None


def _unchanged(statute: StatuteModel, name: str, before: Version, after: Version) -> Result:
    """The result of a decision that is the same for every case (and item), as the solver's
    'unsat' gives it."""
    per = statute.decision_kind.get(name)
    message = f"{name} is the same for every case" if per is None else f"{name} is the same for every {per} of every case"
    result = Result("diff", name, "unchanged", statute.decision_info(name).span, statute=statute.name,
                    version=f"{before.label} -> {after.label}", message=message)
    if per is not None:
        result.details = {"per": per}
    return result


def diff_key(cones: ConeCache, statute: StatuteModel, before: Version, after: Version, name: str,
             budget: Budget, brief: bool = False) -> str | None:
    """The cache entry of ``name``'s diff: the cone cache's keys of its cone in both versions
    (each covering the cone's rules, parameter values and tables, every fact's declaration,
    the version's label, date and enum values, lexproof's code and z3's version), for this
    command and budget. None when the statute's decisions may not be cached
    (``ConeCache.usable``: it reads other statutes, or there is no trusted key)."""
    if not cones.usable(statute):
        return None
    options = {"command": "diff", "rlimit": budget.rlimit, "timeout_ms": budget.timeout_ms}
    if brief:  # a brief result is another answer; the full one keeps the key it always had
        options["brief"] = True
    pair = (cones.key(statute, before, name, options), cones.key(statute, after, name, options))
    return hashlib.sha256(json.dumps(["diff", *pair]).encode()).hexdigest()


def _storable(results: list[Result]) -> bool:
    """Never store an answer the solver could not give: an 'unknown', a part left unknown or
    an incomplete summary (it may have been the wall-clock limit on a loaded machine). A part
    that is only outlined (``directions.*.outlined``: too many combinations to list, every
    question of the outline answered) is an answer, the same on every machine: stored."""
    return all(r.status != "unknown" and not r.inconclusive and (r.details.get("brief") or diff_rows_cover(r.details))
               for r in results)


def _shared_decisions(statute: StatuteModel, before: Version, after: Version) -> list[str]:
    """The decisions both versions have: one an amendment adds has nothing to compare with. And
    that both cover: a decision that reads a parameter without a value in one of them (before
    its first date) is not law there, and comparing it would stop with 'has no value'."""
    from lexproof.verifier.api import _decision_cone  # lexproof.verifier.api imports this module

    names = own_decisions(statute) + list(statute.item_decisions)  # decisions per item too, item by item
    return [name for name in names if _has_decision(before, name) and _has_decision(after, name)
            and not _decision_cone(statute, before, name)[1] and not _decision_cone(statute, after, name)[1]]


def _has_decision(version: Version, name: str) -> bool:
    """Whether the version has the decision: a case's decision (an amendment may add it), or a
    decision per item (the statute declares those, amendments do not add them)."""
    info = version.statute.item_decisions.get(name)
    return version.applies(info.origin) if info is not None else version.has_decision(name)


def has_unknown(result: Result) -> bool:
    """Whether the solver could not tell something the result is about: whether the decision
    changes at all, or whether anyone gains (loses, changes otherwise). The command line then
    exits 3, as for any 'unknown'."""
    return result.inconclusive


def _diff_as_list(statute: StatuteModel, name: str, before: Version, after: Version, budget: Budget,
                  brief: bool = False) -> list[Result]:
    return [_diff_decision(statute, name, before, after, budget, brief)]


def same_cone(statute: StatuteModel, before: Version, after: Version, name: str) -> bool:
    """Whether ``name`` is built from exactly the same law in both versions, so that nobody
    gains, loses or changes (the solver would answer 'unsat' to 'changed'): the same rule
    objects in the same order for it and every decision it reads, equal parameter values,
    the same table objects (rows amendments add make another one), the same values of every
    enum fact it reads, and the same date if it reads the peildatum. The encoding of a
    decision is a function of exactly these (``Encoder.decision``), so equal ingredients give
    equal terms in both slots. A cone that names a case or a version slot itself (only
    properties do) is never called the same: False only costs the solver's question."""
    meaning = _cone_meaning(statute, before, name)
    return meaning is not None and meaning == _cone_meaning(statute, after, name)


def _cone_meaning(statute: StatuteModel, version: Version, name: str) -> tuple | None:
    """What the encoding of ``name`` in ``version`` is built from (see ``same_cone``), in the
    order the cone is walked; None when it reads an explicit case or version slot, or a
    parameter without a value in the version. Rules and
    tables are kept as objects: tuples compare them by identity first, and only an object
    equal field by field (so of the same meaning) can compare equal otherwise."""
    seen: set[str] = set()
    pending = [name]
    rules: list[tuple] = []
    params: dict[str, object] = {}
    tables: dict[str, object] = {}
    domains: dict[str, tuple[str, ...]] = {}
    peildatum = False
    while pending:
        decision = pending.pop()
        if decision in seen:
            continue
        seen.add(decision)
        own = version.rules_of(decision)
        rules.append((decision, own))
        nodes = [n for rule in own for n in (rule.value, rule.condition) if n is not None]
        default = statute.decision_info(decision).default
        if default is not None:
            nodes.append(default)
        while nodes:
            for sub in ir.walk(nodes.pop()):
                if isinstance(sub, (ir.DecisionRef, ir.ParamRef, ir.TableRef, ir.Peildatum)) and sub.version is not None:
                    return None
                if isinstance(sub, (ir.FactRef, ir.DecisionRef)) and sub.case is not None:
                    return None
                if isinstance(sub, (ir.DecisionRef, ir.ItemDecisionRef)):
                    pending.append(sub.name)
                elif isinstance(sub, ir.ParamRef):
                    if sub.name not in version.parameters:
                        return None  # not law there: the encoder says so (an error), not this
                    params[sub.name] = version.parameters[sub.name]
                elif isinstance(sub, ir.TableRef) and sub.name not in tables:
                    table = version.table(sub.name)
                    tables[sub.name] = table
                    nodes.extend(table.bounds + table.values)  # its rows may read parameters
                elif isinstance(sub, ir.Peildatum):
                    peildatum = True
                elif isinstance(sub, (ir.FactRef, ir.ItemFactRef)) and sub.type.kind == "enum":
                    domains[sub.name] = version.enum_values(sub.type.enum or "")
    return (tuple(rules), sorted(params.items()), sorted(tables.items(), key=lambda item: item[0]),
            sorted(domains.items()), version.date if peildatum else None)


class SameCones:
    """``same_cone`` for the decisions of one pair of versions, each decision's own part looked
    at once: a chain's top reads every link below it, and walking each decision's whole cone
    made the shortcut quadratic in a chain's length (1.3 s for the 4,400 decisions of the
    10,000-rule book, docs/performance.md "Session 16").

    A cone's meaning (``_cone_meaning``) is the union of its decisions' own parts (their rules,
    the parameters, tables and enum values those rules read, the date if they read the
    peildatum), so two cones have the same meaning exactly when every decision in them has the
    same own part in both versions: the same rules give the same walk, and the same names read
    give the same dictionaries. So a decision is the same when its own part is, and every
    decision it reads is."""

    def __init__(self, statute: StatuteModel, before: Version, after: Version) -> None:
        self._statute, self._before, self._after = statute, before, after
        self._same: dict[str, bool] = {}
        self._reads: dict[str, tuple[str, ...] | None] = {}  # ``_same_own_part`` per decision

    def __call__(self, name: str) -> bool:
        stack, visiting = [name], set()
        while stack:
            decision = stack[-1]
            if decision in self._same:
                stack.pop()
                continue
            if decision not in self._reads:  # asked once: a decision is visited again after those it reads
                self._reads[decision] = _same_own_part(self._statute, self._before, self._after, decision)
            reads = self._reads[decision]
            if reads is None:
                self._same[decision] = False
                stack.pop()
                continue
            if any(read in visiting for read in reads):  # a cycle (the checker rejects them): walk it whole
                return same_cone(self._statute, self._before, self._after, name)
            pending = [read for read in reads if read not in self._same]
            if pending:
                visiting.add(decision)
                stack.extend(pending)
                continue
            visiting.discard(decision)
            self._same[decision] = all(self._same[read] for read in reads)
            stack.pop()
        return self._same[name]


def _same_own_part(statute: StatuteModel, before: Version, after: Version, name: str) -> tuple[str, ...] | None:
    """The decisions ``name``'s own part reads, if that part (``_cone_meaning``'s, for its own
    rules and default and the tables they read) is the same in both versions; None if not, or
    if it reads an explicit case or version slot, or a parameter without a value in either.
    What the same rules read is the same in both versions (``ir.reads``, remembered per
    expression, also across the loads of a watching process): only the values of what they
    read can differ."""
    rules = before.rules_of(name)
    if rules != after.rules_of(name):
        return None
    read = ir.reads_of(decision_expressions(statute.decision_info(name), rules))
    if read.slotted:
        return None
    decisions, params, enum_facts, peildatum = set(read.decisions), set(read.params), set(read.enum_facts), read.peildatum
    tables: set[str] = set()
    pending = list(read.tables)
    while pending:
        table_name = pending.pop()
        if table_name in tables:
            continue
        table = before.table(table_name)
        if table != after.table(table_name):
            return None
        tables.add(table_name)
        read = ir.reads_of(list(table.bounds + table.values))  # its rows may read parameters
        if read.slotted:
            return None
        decisions |= read.decisions
        params |= read.params
        enum_facts |= read.enum_facts
        peildatum = peildatum or read.peildatum
        pending.extend(read.tables)
    for param in params:
        if param not in before.parameters or param not in after.parameters \
                or before.parameters[param] != after.parameters[param]:
            return None
    if any(before.enum_values(enum) != after.enum_values(enum) for _fact, enum in enum_facts):
        return None
    if peildatum and before.date != after.date:
        return None
    return tuple(sorted(decisions))


@dataclass
class _Part:
    """One direction of the changed region, as far as the solver could tell."""

    direction: str
    status: str  # 'none' (proved empty), 'some' (has cases) or 'unknown'
    rows: list[dict] = field(default_factory=list)
    witnesses: list[Witness] = field(default_factory=list)
    combinations: int | None = 0  # enum/bool combinations with a case in the part; None: unknown
    complete: bool = True  # False: the count is a lower bound, some cases may be in no row
    reason: str | None = None
    delta: dict | None = None  # numeric decisions: the least and greatest change over the part
    outlined: bool = False  # too many combinations to list, and every case lies within an outline row

    def to_json(self) -> dict:
        data: dict = {"status": self.status, "combinations": self.combinations, "complete": self.complete}
        if self.outlined:
            data["outlined"] = True
        if self.reason is not None:
            data["incomplete_reason"] = self.reason
        if self.delta is not None:
            data["delta"] = self.delta
        return data


@dataclass
class _Diff:
    """What the parts of one decision's diff share: the versions, the encoding and the solver
    (with one goal literal per region: 'changed' and each direction)."""

    statute: StatuteModel
    name: str
    before: Version
    after: Version
    budget: Budget
    encoder: Encoder
    solver: z3.Solver
    trackers: list[Term]
    goals: dict[str, Term]
    regions: dict[str, Term]
    before_term: Term
    after_term: Term
    defined_terms: tuple[Term, Term]  # whether the outcome is defined before and after
    per: str | None = None  # the kind of a decision per item, compared item by item (at the chosen item)

    @property
    def kind(self) -> str:
        return self.statute.decision_info(self.name).type.kind

    def check(self, region: str, *extra: Term) -> str:
        return check(self.solver, *self.trackers, self.goals[region], *extra)

    def ask(self, region: str) -> tuple[str, z3.Solver]:
        """Whether the region has cases, and the solver that answered (its model is a case).
        The diff's solver has summarized the directions before this one, and that history can
        leave it stuck where a fresh solver decides at once: 'who loses' of toeslag_kind
        (statutes/kinderopvang, nieuw_stelsel) ran out of budget after the gains were
        summarized, and 'nobody' is proved afresh. Only an 'unknown' is asked again, so every
        answer given before comes from the same questions as before."""
        status = self.check(region)
        if status != "unknown":
            return status, self.solver
        fresh = _goal_solver(self.encoder, self.budget, self.regions, self.goals)
        return check(fresh, *self.trackers, self.goals[region]), fresh

    def replay(self, facts: dict[str, object]) -> tuple[Evaluator, DecisionOutcome, DecisionOutcome]:
        evaluator = Evaluator({"before": self.before, "after": self.after}, {None: facts})
        return evaluator, evaluator.decision(self.name, None, "before"), evaluator.decision(self.name, None, "after")

    def replay_items(self, facts: dict[str, object]) -> tuple[Evaluator, list[tuple[object, DecisionOutcome, DecisionOutcome]]]:
        """The evaluator's outcome before and after at every item of the decision's kind the
        case holds (parents before their items, in list order)."""
        evaluator = Evaluator({"before": self.before, "after": self.after}, {None: facts})
        contexts = [c for c in items.item_contexts(self.statute, facts, None) if items.path_of(c)[-1][0] == self.per]
        return evaluator, [(c, evaluator.decision(self.name, c, "before"), evaluator.decision(self.name, c, "after"))
                           for c in contexts]

    def replay_at(self, facts: dict[str, object], wanted) -> tuple[Evaluator, object, DecisionOutcome, DecisionOutcome]:
        """The case's outcome (``context`` None), or for a decision per item the first item whose
        outcomes before and after satisfy ``wanted``; an internal error when no item does: the
        solver put the case in a region the evaluator does not confirm."""
        if self.per is None:
            evaluator, ob, oa = self.replay(facts)
            return evaluator, None, ob, oa
        evaluator, outcomes = self.replay_items(facts)
        for context, ob, oa in outcomes:
            if wanted(ob, oa):
                return evaluator, context, ob, oa
        shown = ", ".join(f"{items.label(c)}: {_outcome_text(ob)} -> {_outcome_text(oa)}" for c, ob, oa in outcomes)
        raise InternalError(f"diff of {self.name}: no item of the case {facts} changes as the solver says "
                            f"(the evaluator gives {shown or 'no items'})")


def _goal_solver(encoder: Encoder, budget: Budget, regions: dict[str, Term], goals: dict[str, Term]) -> z3.Solver:
    """A solver of the encoding in which each region's goal literal implies the region: asking
    with a goal among the assumptions asks for a case of that region. A goal missing from
    ``goals`` is made here, after the solver: the order in which terms are made steers z3's
    search, and so the examples (made first, the N=1,000 book's diff showed other ones)."""
    solver = new_solver(encoder, budget)
    for key, term in regions.items():
        if key not in goals:
            goals[key] = z3.Bool(f"goal!{key}", encoder.ctx)
        solver.add(z3.Implies(goals[key], term))
    return solver


def _outcome_text(outcome: DecisionOutcome) -> str:
    return str(outcome.value) if outcome.defined else outcome.status


class _Questions:
    """The questions about the range of a change, on a solver of their own, each with a small
    resource limit (DELTA_RLIMIT); one that runs out is asked once more of a fresh solver. z3's
    incremental solver, after a few dozen such queries, sometimes gets stuck on one that a fresh
    solver answers at once (as in regions._Summary.check). The limit stays small because some
    of these questions are hard for z3 at any budget: that no case of max_per_jaar in
    statutes/lll gains less than €0.01 (true: amounts in whole cents) ran 10 s into 'unknown'
    on the diff's own solver and 24 s on a fresh one with the whole budget. The range is then
    reported as not established, which costs a fraction of a second."""

    def __init__(self, diff: _Diff) -> None:
        self.diff = diff
        self._rlimit = min(diff.budget.rlimit, DELTA_RLIMIT)
        self._fresh()

    def _fresh(self) -> None:
        self.solver = new_solver(self.diff.encoder, self.diff.budget)
        self.solver.set("rlimit", self._rlimit)

    def check(self, direction: str, *extra: Term) -> str:
        """'sat', 'unsat' or 'unknown' for: a case in the part ``direction`` where ``extra`` holds."""
        question = (*self.diff.trackers, self.diff.regions[direction], *extra)
        status = check(self.solver, *question)
        if status == "unknown":
            self._fresh()
            status = check(self.solver, *question)
        return status

    def model(self) -> z3.ModelRef:
        return self.solver.model()


def _regions(kind: str, before: tuple[Term, Term], after: tuple[Term, Term], changed: Term) -> dict[str, Term]:
    """The parts of the changed region for an outcome of this kind; together they are exactly
    the changed region, and they are disjoint."""
    (vb, db), (va, da) = before, after
    if kind in ORDERED_KINDS:
        both = z3.And(db, da)
        return {"gains": z3.And(both, va > vb), "loses": z3.And(both, va < vb), "changes": db != da}
    if kind == "bool":
        was, now = z3.And(db, vb), z3.And(da, va)
        return {"gains": z3.And(now, z3.Not(was)), "loses": z3.And(was, z3.Not(now)),
                "changes": z3.And(changed, was == now)}
    return {"changes": changed}


def _item_terms(encoder: Encoder, name: str, kind: str) -> tuple[tuple[Term, Term], tuple[Term, Term], Term]:
    """A decision per item, compared item by item: its (value, defined) before and after at
    one item the solver chooses (``item!chosen``, a slot of the kind: kind[1..N], with every
    slot of its parents for a nested kind), and 'the chosen slot holds an item'. A region
    over these terms holds the cases in which SOME item is in it, so 'nobody' (unsat) means no
    item of any case; the same item is compared before and after, as the case's items are the
    same in both versions."""
    from lexproof.verifier.item_checks import _present, item_contexts_of

    contexts = item_contexts_of(encoder.statute, kind)
    chosen = z3.Int("item!chosen", encoder.ctx)
    pairs = [(encoder.decision(name, c, "before"), encoder.decision(name, c, "after")) for c in contexts]
    where = z3.Or([z3.And(chosen == index, _present(encoder, c)) for index, c in enumerate(contexts)])

    def pick(column: int, part: int) -> Term:
        term = pairs[-1][column][part]
        for index in range(len(pairs) - 2, -1, -1):
            term = z3.If(chosen == index, pairs[index][column][part], term)
        return term

    return (pick(0, 0), pick(0, 1)), (pick(1, 0), pick(1, 1)), where


def _diff_decision(statute: StatuteModel, name: str, before: Version, after: Version, budget: Budget,
                   brief: bool = False) -> Result:
    info = statute.decision_info(name)
    per = statute.decision_kind.get(name)
    encoder = Encoder(statute, {"before": before, "after": after})
    if per is None:
        vb, db = encoder.decision(name, None, "before")
        va, da = encoder.decision(name, None, "after")
    else:
        (vb, db), (va, da), where = _item_terms(encoder, name, per)
    changed = z3.Or(db != da, z3.And(db, da, vb != va))
    regions = {"changed": changed, **_regions(info.type.kind, (vb, db), (va, da), changed)}
    if per is not None:  # at an item the case holds
        regions = {key: z3.And(where, term) for key, term in regions.items()}
    goals: dict[str, Term] = {}
    solver = _goal_solver(encoder, budget, regions, goals)
    diff = _Diff(statute, name, before, after, budget, encoder, solver, encoder.assumptions(), goals, regions, vb, va,
                 (db, da), per)
    label = f"{before.label} -> {after.label}"
    result = Result("diff", name, "unknown", info.span, statute=statute.name, version=label)
    if per is not None:
        result.details = {"per": per}
    status = diff.check("changed")
    if status == "unsat":
        return _unchanged_proved(result, name, per)
    # cone_facts looks at every rule of both versions, so it may name a fact that only a decision
    # the diff never encodes reads (d0 = f0 before, read after only by d1's 'if d0 = d0'): no
    # constraint mentions it, the outcome cannot depend on it, and reading it now would declare
    # it after the solver was built (an internal error, exit 4)
    declared = set(encoder.declared_facts(None))
    facts = [fact for fact in cone_facts(statute, [before, after], [name]) if fact in declared]
    parts = [_brief_part(diff, direction) if brief else _part(diff, direction, facts)
             for direction in DIRECTIONS if direction in regions]
    if status == "unknown":
        # The parts are exactly the changed region, and each is a smaller question, asked again
        # of a fresh solver if need be (_Diff.ask): they may decide what the whole could not.
        # 'tegemoetkoming_per_jaar' of statutes/kinderopvang (nieuw_stelsel) needed 20-65
        # million units for 'does it change?', depending on the order z3 met its terms, and
        # 2-6 million for 'does anyone gain?'. Only an 'unknown' takes this way, so every
        # answer the first question gives stays as it was.
        if all(part.status == "none" for part in parts):
            return _unchanged_proved(result, name, per)
        if not any(part.status == "some" for part in parts):
            result.message = UNKNOWN_CHANGED
            return result
    elif all(part.status == "none" for part in parts):
        # the parts are exactly the changed region, which has cases: the solver contradicts itself
        raise InternalError(f"diff of {name}: the outcome changes, but no case gains, loses or changes otherwise")
    rows = [row for part in parts for row in part.rows]
    witnesses = [witness for part in parts for witness in part.witnesses]
    by_direction = {part.direction: part for part in parts}
    reasons = [f"{p.direction}: {p.reason}" for p in parts if not p.complete and p.reason]
    result.status = "changed"
    result.witnesses = witnesses
    outlines = sum(1 for row in rows if row.get("outline"))
    if brief:
        result.message = f"{name} changes: an example per direction (--brief)"
    else:
        result.message = f"{name} changes in {len(rows) - outlines} group(s)"
    if outlines:  # an outline is not a group: too many to list (regions._outline)
        result.message += f" and {outlines} outline(s)"
    if per is not None:
        result.message += f", compared {per} by {per}"
    result.details = {
        **({"per": per} if per is not None else {}),
        **({"brief": True} if brief else {}),
        "rows": rows,
        "complete": all(part.complete for part in parts),
        **({"incomplete_reason": "; ".join(reasons)} if reasons else {}),
        "finite_facts": [f for f in facts if statute.facts[f].type.kind in ("bool", "enum")],
        "numeric_facts": [f for f in facts if statute.facts[f].type.kind not in ("bool", "enum")],
        # A decision without an order (enum, date) has no gains or losses, only changes.
        "gains": by_direction["gains"].combinations if "gains" in by_direction else 0,
        "losses": by_direction["loses"].combinations if "loses" in by_direction else 0,
        "changes": by_direction["changes"].combinations,
        "directions": {part.direction: part.to_json() for part in parts},
    }
    result.articles = sorted({a for w in witnesses for a in w.deciding_articles()})
    result.release()  # each example evaluated its decision's whole cone: again when shown, not kept
    return result


def _unchanged_proved(result: Result, name: str, per: str | None) -> Result:
    """``result`` as the answer that no case's outcome changes (proved)."""
    result.status = "unchanged"
    result.message = f"{name} is the same for every case" if per is None else \
        f"{name} is the same for every {per} of every case"
    return result


def _part(diff: _Diff, direction: str, facts: list[str]) -> _Part:
    """Whether the part has cases, and if so its rows (each with a witness that the evaluator
    confirms goes in this direction), how many enum/bool combinations it covers, and for a
    number the range of the change."""
    status, _ = diff.ask(direction)
    if status == "unsat":
        return _Part(direction, "none")
    if status != "sat":
        return _Part(direction, "unknown", combinations=None, complete=False, reason=UNKNOWN_REASON)
    encoder, info = diff.encoder, diff.statute.decision_info(diff.name)
    labels = [("before defined", diff.defined_terms[0], None), ("after defined", diff.defined_terms[1], None)]
    finite_outcome = info.type.kind in ("bool", "enum")
    if finite_outcome:
        # An undefined outcome's value term is unconstrained: fixed here, so that one
        # combination is not listed (or outlined) once per value the solver happens to give it.
        labels += [("before", _fixed_when_undefined(diff.before_term, diff.defined_terms[0]), info.type),
                   ("after", _fixed_when_undefined(diff.after_term, diff.defined_terms[1]), info.type)]
    region = summarize(encoder, diff.solver, diff.regions[direction], facts, labels, diff.budget, diff.trackers)
    part = _Part(direction, "some", complete=region.complete, reason=region.incomplete_reason,
                 outlined=region.outlined and region.covered)
    for row in region.rows:
        _add_row(diff, part, region, row, finite_outcome)
    # The part has cases, so at least one combination has one, even if no row could be shown.
    part.combinations = max(region.found if region.outlined else _distinct_combinations(region), 1)
    if diff.kind in ORDERED_KINDS and direction in ("gains", "loses"):
        questions = _Questions(diff)
        part.delta = {end: _delta_end(diff, questions, direction, end) for end in ("min", "max")}
    return part


def _brief_part(diff: _Diff, direction: str) -> _Part:
    """Whether the part has cases, the same question ``_part`` asks first, and for a part with
    cases one example: the case of the solver's model, replayed through the evaluator, which
    must agree that it goes this way. Its row says it is an example (``BRIEF_WHEN``), and the
    part that it is not summarized (``complete`` False, ``BRIEF_REASON``): the count is 'at
    least 1', never a count of groups."""
    status, solver = diff.ask(direction)
    if status == "unsat":
        return _Part(direction, "none")
    if status != "sat":
        return _Part(direction, "unknown", combinations=None, complete=False, reason=UNKNOWN_REASON)
    part = _Part(direction, "some", combinations=1, complete=False, reason=BRIEF_REASON)
    # A case that reads nearly like a row's witness, without an Optimize of its own.
    model = tidy_model(diff.encoder, solver, [*diff.trackers, diff.goals[direction]], diff.budget)
    facts = read_cases(diff.encoder, model)[None]
    info = diff.statute.decision_info(diff.name)

    def this_way(ob: DecisionOutcome, oa: DecisionOutcome) -> bool:
        return _direction(info.type.kind, ob, oa) == direction

    evaluator, context, ob, oa = _replayed(diff, direction, facts, this_way)
    _append_row(diff, part, {"when": BRIEF_WHEN, "before": f"e.g. {show(diff.statute, ob)}",
                             "after": f"e.g. {show(diff.statute, oa)}", "direction": direction, "combinations": 1},
                facts, evaluator, context)
    return part


def _fixed_when_undefined(value: Term, defined: Term) -> Term:
    """The outcome's value where it is defined, else false (a bool) or the first value (an
    enum, encoded as its index)."""
    fixed = z3.BoolVal(False, value.ctx) if z3.is_bool(value) else z3.IntVal(0, value.ctx)
    return z3.If(defined, value, fixed)


def _add_row(diff: _Diff, part: _Part, region: Region, row: Row, finite_outcome: bool) -> None:
    statute, info = diff.statute, diff.statute.decision_info(diff.name)

    def as_row(ob: DecisionOutcome, oa: DecisionOutcome) -> bool:
        """The change goes the part's direction; at an item, also as the row's label says
        (defined or not, and for bool and enum the values), so its texts fit the item."""
        if _direction(info.type.kind, ob, oa) != part.direction:
            return False
        if diff.per is None:
            return True
        if (ob.defined, oa.defined) != tuple(row.label[:2]):
            return False
        return not finite_outcome or ((not ob.defined or ob.value == row.label[2])
                                      and (not oa.defined or oa.value == row.label[3]))

    evaluator, context, ob, oa = _replayed(diff, part.direction, row.witness, as_row)
    if finite_outcome:
        before_text = format_value(row.label[2], info.type) if row.label[0] else "undefined"
        after_text = format_value(row.label[3], info.type) if row.label[1] else "undefined"
    else:
        before_text, after_text = f"e.g. {show(diff.statute, ob)}", f"e.g. {show(diff.statute, oa)}"
    entry = {
        "when": ", ".join(describe_row(statute, row, region.finite_facts)),
        "before": before_text,
        "after": after_text,
        "direction": part.direction,
        "combinations": row.combinations,
    }
    _append_row(diff, part, entry, row.witness, evaluator, context, row.outline)


def _replayed(diff: _Diff, direction: str, facts: dict, wanted) -> tuple[Evaluator, object, DecisionOutcome, DecisionOutcome]:
    """``diff.replay_at`` of an example the solver put in the part ``direction``; an internal
    error when the evaluator does not send it that way."""
    evaluator, context, ob, oa = diff.replay_at(facts, wanted)
    seen = _direction(diff.kind, ob, oa)
    if seen != direction:
        raise InternalError(f"diff witness for {diff.name} in the part '{direction}' goes '{seen}' in the evaluator: {facts}")
    return evaluator, context, ob, oa


def _append_row(diff: _Diff, part: _Part, entry: dict, facts: dict, evaluator: Evaluator, context: object,
                outline: bool = False) -> None:
    """Add a row (``entry`` without its witness) and its example ``facts`` (replayed by
    ``evaluator``; ``context`` the item of a decision per item) to the part."""
    statute, name = diff.statute, diff.name
    entry["witness"] = {f: fact_json(statute, f, v) for f, v in facts.items()}
    if outline:
        entry["outline"] = True
    item = None
    if context is None:
        outcomes = {(slot, None): Outcomes(evaluator, statute.decisions, None, slot) for slot in ("before", "after")}
    else:  # the item's outcome, as the outcome of the example
        item = entry["item"] = items.label(context)
        outcomes = {(slot, None): Outcomes(evaluator, [name], context, slot) for slot in ("before", "after")}
    part.rows.append(entry)
    part.witnesses.append(Witness(statute, {None: facts}, {"before": diff.before.label, "after": diff.after.label},
                                  outcomes, (name,), item=item))


def _distinct_combinations(region: Region) -> int:
    """How many combinations of enum/bool values the rows cover, each counted once: rows with
    different outcome labels (false -> true, undefined -> true) may share a combination. A
    region lists at most regions.MAX_COMBINATIONS combinations, so enumerating them is cheap."""
    seen: set[tuple] = set()
    for row in region.rows:
        seen.update(itertools.product(*(sorted(row.values[f], key=repr) for f in region.finite_facts)))
    return len(seen)


def _direction(kind: str, before: DecisionOutcome, after: DecisionOutcome) -> str:
    """The direction of ONE case's change (the part it belongs to, see ``_regions``), or
    'same' when its outcome did not change; used to check each witness against the part the
    solver put it in, and to pick the item of a decision per item that changes that way (an
    item whose enum, date or undefined outcome stayed as it was once passed for a change:
    'e.g. gewoon -> e.g. gewoon'), never to label a group."""
    if before.defined == after.defined and (not before.defined or before.value == after.value):
        return "same"
    if kind == "bool":
        b = before.defined and before.value is True
        a = after.defined and after.value is True
        return "gains" if a and not b else "loses" if b and not a else "changes"
    if kind in ORDERED_KINDS and before.defined and after.defined:
        return "gains" if after.value > before.value else "loses" if after.value < before.value else "same"
    return "changes"


# --- the range of the change (after - before) -----------------------------------------------------


def _delta_end(diff: _Diff, questions: _Questions, direction: str, end: str) -> dict:
    """The least (``min``) or greatest (``max``) change over the part, as ``{"value", "attained",
    "witness"}``; ``value`` None with a ``reason`` when it cannot be established.

    A search with the solver proposes the bound (``_search``: it finds attained bounds, in a
    few milliseconds on small statutes); when it finds none, the optimizer does (from its
    objective's value, never its model: see regions._Summary). The optimizer alone was tried
    first and gave up after 5 s on 'the greatest loss' of ``c = 20% * salary - €100`` against
    ``c = 10% * salary`` (a strict bound over whole cents). Either way the solver must confirm
    the bound (``_confirm``)."""
    delta = diff.after_term - diff.before_term
    value = _search(diff, questions, direction, delta, end)
    confirmed = None if value is None else _confirm(diff, questions, direction, delta, end, value)
    if confirmed is not None:
        return confirmed
    found = _optimize(diff, direction, delta, end)
    if found == UNBOUNDED:
        return {"value": None, "reason": UNBOUNDED}
    confirmed = _confirm(diff, questions, direction, delta, end, found[0]) if isinstance(found, tuple) else None
    return confirmed or {"value": None, "reason": "the solver could not establish a bound"}


def _confirm(
    diff: _Diff, questions: _Questions, direction: str, delta: Term, end: str, value: Fraction | int
) -> dict | None:
    """The bound as reported, if the solver finds no case beyond it, and either a case at it
    (replayed through the evaluator, which must give exactly that change) or none (a bound
    approached but not attained). None when it is not a bound or the solver cannot tell."""
    info = diff.statute.decision_info(diff.name)
    const = diff.encoder.const(info.type, value)
    beyond = delta < const if end == "min" else delta > const
    if questions.check(direction, beyond) != "unsat":
        return None
    at = questions.check(direction, delta == const)
    if at == "unsat":
        return {"value": to_json(value, info.type), "attained": False}
    if at != "sat":
        return None
    facts = read_cases(diff.encoder, questions.model())[None]

    def by_value(ob: DecisionOutcome, oa: DecisionOutcome) -> bool:
        return ob.defined and oa.defined and oa.value - ob.value == value

    _, context, ob, oa = diff.replay_at(facts, by_value)
    if not by_value(ob, oa):
        raise InternalError(
            f"diff of {diff.name}: the case {facts} should change by {value} ({direction}), "
            f"but the evaluator gives {ob.value if ob.defined else ob.status} -> {oa.value if oa.defined else oa.status}"
        )
    witness = {f: fact_json(diff.statute, f, v) for f, v in facts.items()}
    found = {"value": to_json(value, info.type), "attained": True, "witness": witness}
    if context is not None:
        found["item"] = items.label(context)
    return found


SEARCH_STEPS = 64


def _search(diff: _Diff, questions: _Questions, direction: str, delta: Term, end: str) -> Fraction | None:
    """The greatest (least) change over the part found by the solver alone: from a case of
    the part, ask for a case beyond it (jumping to the model's change), galloping or bisecting
    towards the bound; it is found once no case lies beyond the best case seen. None after
    SEARCH_STEPS checks (an unbounded or unattained bound), or when the solver gives up."""
    sign = 1 if end == "max" else -1
    objective = delta * sign  # maximized

    def improve(target: Term) -> Fraction | None | str:
        status = questions.check(direction, target)
        if status != "sat":
            return status
        return numeral(questions.model().eval(objective, model_completion=True))

    best = improve(z3.BoolVal(True, diff.encoder.ctx))
    step, high = None, None  # no case has objective >= high
    for _ in range(SEARCH_STEPS):
        if not isinstance(best, Fraction):
            return None
        beyond = improve(objective > _real_or_int(objective, best))
        if beyond == "unsat":
            return best * sign
        if not isinstance(beyond, Fraction):
            return None
        best = beyond
        if step is None:  # gallop in steps of the size of the first change found beyond it
            step = max(Fraction(1), abs(best))
        target = best + step if high is None else (best + high) / 2
        found = improve(objective >= _real_or_int(objective, target))
        if found == "unsat":
            high = target
        elif isinstance(found, Fraction):
            best, step = found, step * 2
        else:
            return None
    return None


def _real_or_int(term: Term, value: Fraction) -> Term:
    if z3.is_int(term):
        return z3.IntVal(math.ceil(value), term.ctx)
    return z3.RealVal(f"{value.numerator}/{value.denominator}", term.ctx)


def _optimize(diff: _Diff, direction: str, delta: Term, end: str) -> tuple[Fraction | int, bool] | str:
    """The optimizer's candidate (value, attained), or why there is none. An unbounded
    objective (z3 answers 'oo') is reported as such, not as a bound."""
    info = diff.statute.decision_info(diff.name)
    optimizer = z3.Optimize(ctx=diff.encoder.ctx)
    optimizer.set("rlimit", min(diff.budget.rlimit, 2 * DELTA_RLIMIT))
    optimizer.set("timeout", min(diff.budget.timeout_ms, limits.diff_bound_ms))
    optimizer.add(diff.encoder.hard_constraints())
    optimizer.add(diff.trackers)
    optimizer.add(diff.regions[direction])
    try:
        objective = optimizer.minimize(delta) if end == "min" else optimizer.maximize(delta)
        if optimizer.check() != z3.sat:
            return "the solver could not find a bound"
        infinite, value, epsilon = (numeral(v) for v in objective.upper_values())  # infinite*oo + value + epsilon*eps
    except z3.Z3Exception:  # Optimize may raise 'canceled' instead of answering unknown
        return "the solver could not find a bound"
    if infinite is not None and infinite != 0:
        return UNBOUNDED
    if infinite is None or value is None or epsilon is None:
        return "the solver could not find a bound"
    if not info.type.is_rational:
        if value.denominator != 1:
            return "the solver could not find a bound"
        return int(value), epsilon == 0
    return value, epsilon == 0


