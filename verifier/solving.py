"""Solver set-up and the common moves: check with a deterministic budget, read a model back as
cases, make a counterexample readable, and shrink an unsat core to a minimal one."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from fractions import Fraction

import z3
from z3.z3core import Z3_solver_check_assumptions
from z3.z3types import Ast

from lexproof.dsl import items
from lexproof.dsl.model import FactInfo, StatuteModel
from lexproof.dsl.values import is_representable_day
from lexproof.verifier.encoding import Encoder, Term, mk_and

DEFAULT_DATE = dt.date(2000, 1, 1).toordinal()  # shown for a date nothing depends on

DEFAULT_RLIMIT = 20_000_000  # deterministic resource units (z3 rlimit); ~seconds on small statutes
RLIMIT_PER_SECOND = 2_000_000
# z3 takes the rlimit as an unsigned 32-bit count and silently wraps a larger one (to a tiny or
# to no limit), so a budget in seconds stays below 2**32 / RLIMIT_PER_SECOND.
MAX_TIMEOUT_SECONDS = 2_000
SEED = 7


def timeout_problem(seconds: object) -> str | None:
    """Why a solver budget in seconds cannot be used ("must be ..."), or None when it can: a
    positive, finite number of at most ``MAX_TIMEOUT_SECONDS`` (0, negative, NaN and infinity
    give no budget)."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or math.isnan(seconds):
        return "must be a number of seconds"
    if seconds <= 0:
        return "must be more than 0 seconds"
    if seconds > MAX_TIMEOUT_SECONDS:
        return f"must be at most {MAX_TIMEOUT_SECONDS:,} seconds"
    return None


@dataclass(frozen=True)
class Budget:
    """How much a single check may spend. ``rlimit`` is deterministic; ``timeout_ms`` is a
    wall-clock safety net. Running out gives 'unknown', never 'proved'."""

    rlimit: int = DEFAULT_RLIMIT
    timeout_ms: int = 60_000

    @staticmethod
    def from_seconds(seconds: float | None) -> Budget:
        """The budget for a timeout in seconds (None: the default); raises ValueError for a
        timeout that gives no budget (``timeout_problem``)."""
        if seconds is None:
            return Budget()
        problem = timeout_problem(seconds)
        if problem is not None:
            raise ValueError(f"the timeout {problem}, not {seconds!r}")
        return Budget(rlimit=max(100, int(seconds * RLIMIT_PER_SECOND)), timeout_ms=max(1, int(seconds * 1000)))


def new_solver(encoder: Encoder, budget: Budget, minimize_cores: bool = False) -> z3.Solver:
    # The SMT core itself: every check here passes assumptions, which made z3.Solver's
    # combined solver use this core anyway, after copying every assertion into a second,
    # tactic-based solver it then never asked (a third of the asserting time).
    solver = z3.SimpleSolver(ctx=encoder.ctx)
    solver.set("random_seed", SEED)
    solver.set("rlimit", budget.rlimit)
    solver.set("timeout", budget.timeout_ms)
    if minimize_cores:
        solver.set("core.minimize", True)
    # One conjunction, one API call: asserting tens of thousands of terms one by one cost more
    # than the solving on large statutes (z3 splits a top-level conjunction itself).
    solver.add(mk_and(encoder.ctx, encoder.hard_constraints()))
    encoder.sealed = True
    return solver


# ``check`` hands the assumptions to z3's C API as one array (True) instead of through
# ``z3.Solver.check`` (False, kept for the equivalence test: tests/test_perf_equivalence.py).
DIRECT_CHECK = True


def check(solver: z3.Solver, *assumptions: Term) -> str:
    """'sat', 'unsat' or 'unknown' (a budget ran out or z3 gave up).

    z3py's ``Solver.check`` casts and sort-checks each assumption on every call; the built-in
    checks pass the ~30 tracking literals of a decision's rules with every question, and that
    conversion was 11% of ``lexproof check`` on a 1,000-rule book (issue 18). The assumptions
    here are Boolean terms of the solver's context already, so the same query goes to
    ``Z3_solver_check_assumptions`` directly: same literals, same order, same answer. A term
    that is not Boolean makes z3 raise an error, which is 'unknown', never an answer."""
    try:
        if DIRECT_CHECK:
            array = (Ast * len(assumptions))(*(term.as_ast() for term in assumptions))
            code = Z3_solver_check_assumptions(solver.ctx.ref(), solver.solver, len(assumptions), array)
            return "sat" if code == z3.Z3_L_TRUE else "unsat" if code == z3.Z3_L_FALSE else "unknown"
        result = solver.check(*assumptions)
    except z3.Z3Exception:
        return "unknown"
    if result == z3.sat:
        return "sat"
    if result == z3.unsat:
        return "unsat"
    return "unknown"


def read_cases(encoder: Encoder, model: z3.ModelRef) -> dict[str | None, dict[str, object]]:
    """Every fact of every case, completed (z3 models are partial: absent = don't care)."""
    cases: dict[str | None, dict[str, object]] = {}
    for case in encoder.cases:
        facts: dict[str, object] = {}
        declared = set(encoder.declared_facts(case))  # of the focused decision, if any
        for name, info in encoder.statute.facts.items():
            if name not in declared:
                facts[name] = dont_care_value(encoder.statute, info)
                continue
            term = model.eval(encoder.fact_term(name, case), model_completion=True)
            value = _decoded(encoder, info, term)
            if value is None or not _in_domain(info, value):
                # z3 dropped a fact no constraint mentions and completed it with 0, or with an
                # abstract value (Int!val!0) where only the equality of two cases' facts
                # mattered: any value in the domain will do. Replay checks it.
                value = dont_care_value(encoder.statute, info)
            facts[name] = value
        for kind in encoder.statute.top_kinds():
            facts[kind] = read_items(encoder, model, case, kind)
        cases[case] = facts
    return cases


def read_items(encoder: Encoder, model: z3.ModelRef, parent: object, kind: str) -> list[dict]:
    """The items of ``kind`` in ``parent`` (a case or an item context): as many as the model's
    count (none when nothing read the count), each with its facts (a fact nothing read at its
    don't-care value) and its own kinds' items."""
    statute = encoder.statute
    term = encoder.counts.get((parent, kind))
    count = 0
    if term is not None:
        value = model.eval(term, model_completion=True)
        count = value.as_long() if z3.is_int_value(value) else 0
        count = min(max(count, 0), statute.kinds[kind].maximum)
    result = []
    for index in range(count):
        context = items.child(parent, kind, index)
        item: dict[str, object] = {}
        for name in statute.kinds[kind].facts:
            info = statute.item_facts[name]
            value = None
            if (context, name) in encoder.facts:
                value = _decoded(encoder, info, model.eval(encoder.facts[(context, name)], model_completion=True))
            if value is None or not _in_domain(info, value):
                value = dont_care_value(statute, info)
            item[name] = value
        for sub in statute.child_kinds(kind):
            item[sub] = read_items(encoder, model, context, sub)
        result.append(item)
    return result


def _decoded(encoder: Encoder, info: FactInfo, term: Term) -> object | None:
    """The model's value, or None when z3 left it abstract (not a numeral)."""
    if info.type.kind == "bool":
        return z3.is_true(term) if z3.is_true(term) or z3.is_false(term) else None
    if not (z3.is_int_value(term) or z3.is_rational_value(term)):
        return None
    if info.type.kind == "enum" and not 0 <= term.as_long() < len(encoder.statute.enums[info.type.enum]):  # type: ignore[attr-defined,index]
        return None
    return encoder.decode(info.type, term)


def _in_domain(info: FactInfo, value: object) -> bool:
    if info.type.kind == "date" and not is_representable_day(value):  # type: ignore[arg-type]
        return False  # the encoding rules such days out; never show one
    if info.type.kind == "money" and (value * 100).denominator != 1:  # type: ignore[operator]
        return False
    if info.low is not None and value < info.low:  # type: ignore[operator]
        return False
    return info.high is None or value <= info.high  # type: ignore[operator]


def dont_care_value(statute: StatuteModel, info: FactInfo) -> object:
    """The value shown for a fact the answer does not depend on: its typical value, else the
    lowest of its domain (false, the first enum value, the lower bound, or 0)."""
    if info.typical is not None:
        return info.typical
    if info.low is not None:
        return info.low
    kind = info.type.kind
    if kind == "bool":
        return False
    if kind == "enum":
        return statute.enums[info.type.enum][0]  # type: ignore[index]
    if kind == "date":
        return DEFAULT_DATE
    return Fraction(0) if info.type.is_rational else 0


@dataclass
class OptimizerLimits:
    """Wall-clock caps of z3's Optimize, which lexproof uses only where giving up costs nothing
    but a prettier case or a tighter range (a readable model, the ends of a region's range, a
    diff's bound). On some small encodings it runs into its cap without an answer, so the cap is
    short. One mutable place, so that a test that forces many such runs can shorten them."""

    optimize_ms: int = 5_000  # readable models, a region's ranges
    diff_bound_ms: int = 2_000  # a diff's bound, after the search gave up


limits = OptimizerLimits()


def readable_model(encoder: Encoder, goal: list[Term], budget: Budget, fallback: z3.ModelRef) -> z3.ModelRef:
    """Prefer a case that reads like a real person: facts at their typical values, amounts in
    round euros, booleans false. Soft constraints need Optimize; if it gives up, keep the
    model we already have (it is just as valid, only less pretty)."""
    optimizer = z3.Optimize(ctx=encoder.ctx)
    optimizer.set("rlimit", budget.rlimit)
    optimizer.set("timeout", min(budget.timeout_ms, limits.optimize_ms))
    optimizer.add(encoder.hard_constraints())
    optimizer.add(encoder.assumptions())
    optimizer.add(goal)
    for preference, weight in _preferences(encoder):
        optimizer.add_soft(preference, weight)
    try:
        if optimizer.check() == z3.sat:
            return optimizer.model()
    except z3.Z3Exception:  # Optimize may raise 'canceled' instead of answering unknown
        pass
    return fallback


def _preferences(encoder: Encoder) -> list[tuple[Term, int]]:
    """What makes a case read like a real one, each with its weight (``readable_model``)."""
    preferences: list[tuple[Term, int]] = []
    for case in encoder.cases:
        for name in encoder.declared_facts(case):
            info = encoder.statute.facts[name]
            raw = encoder.fact_raw[(case, name)]
            kind = info.type.kind
            if info.typical is not None:
                preferences.append((encoder.fact_term(name, case) == encoder.const(info.type, info.typical), 4))
            if kind == "money":
                preferences.append((raw % 100_000 == 0, 2))  # whole thousands of euros
                preferences.append((raw % 100 == 0, 1))
            elif kind == "bool":
                preferences.append((z3.Not(raw), 1))
            elif kind == "int" and info.typical is None and info.low is not None:
                preferences.append((raw == int(info.low), 1))  # type: ignore[call-overload]
    if len(encoder.cases) == 2:
        # Two cases read best when they differ in as few facts as possible.
        a, b = encoder.cases
        for name in set(encoder.declared_facts(a)) & set(encoder.declared_facts(b)):
            preferences.append((encoder.fact_raw[(a, name)] == encoder.fact_raw[(b, name)], 3))
    return preferences


# A bound on tidying one example, not a target: each round drops the preferences of one unsat
# core, and a case whose preferences conflict in more ways keeps the solver's own values.
TIDY_ROUNDS = 4
TIDY_RLIMIT = 1_000_000  # per round: a prettier case is not worth a question's whole budget


def tidy_model(encoder: Encoder, solver: z3.Solver, question: list[Term], budget: Budget) -> z3.ModelRef:
    """A case for ``question`` (answered 'sat' on ``solver`` just now) that reads nearly as
    well as ``readable_model``'s, at a fraction of its cost: the preferences are asked as
    assumptions of the same solver, those of each unsat core are dropped, for at most
    TIDY_ROUNDS rounds of at most TIDY_RLIMIT each; then the solver's own case. Any case it
    gives satisfies ``question`` (the caller replays it). For summaries of a whole statute
    book (``diff --brief``), where an Optimize per example cost more than the rest of the
    comparison. The solver's budget is ``budget`` again afterwards."""
    fallback = solver.model()
    preferences = [preference for preference, _ in sorted(_preferences(encoder), key=lambda p: -p[1])]
    solver.set("rlimit", min(budget.rlimit, TIDY_RLIMIT))
    try:
        for _ in range(TIDY_ROUNDS):
            if not preferences:
                break
            status = check(solver, *question, *preferences)
            if status == "sat":
                return solver.model()
            if status != "unsat":
                break
            core = {literal.get_id() for literal in solver.unsat_core()}
            kept = [preference for preference in preferences if preference.get_id() not in core]
            if len(kept) == len(preferences):
                break  # the question itself is in the core: nothing to drop
            preferences = kept
        return fallback
    finally:
        solver.set("rlimit", budget.rlimit)


def minimal_core(solver: z3.Solver, core: list[Term], extra: list[Term]) -> list[Term]:
    """The core without the goal literals. The solver was made with ``core.minimize`` (z3
    returns a core with no removable element), so no further deletion pass is needed: on the
    bundled statutes a deletion pass found nothing more to remove and cost a third of the run."""
    goals = {str(literal) for literal in extra}
    return [literal for literal in core if str(literal) not in goals]
