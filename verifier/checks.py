"""Built-in checks that need no property: conflicts, gaps, dead rules and redundant rules.

A version is encoded once; each decision is checked on a solver that holds only its cone (the
decisions, facts and parameters it reads: ``Encoder.focus``). What a decision's text already
rules out is not asked at all (``_applies``: rules that set the same constant, override each
other or have exclusive conditions cannot conflict; conditions that cover a fact leave no gap),
and one cheap query rules a whole decision clean before any per-rule or per-pair work, so cost
grows with the number of rules, not with their pairs.

Codes: LP101 conflict, LP102 gap, LP103 dead rule, LP104 redundant rule. A rule annotated
``@allow(conflict)`` (or ``@allow(LP101)``, etc.) silences that finding for itself, visibly.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import z3

from lexproof.dsl import ir
from lexproof.dsl.consolidate import Version, version_on
from lexproof.dsl.evaluator import Evaluator, Undefined
from lexproof.dsl.model import RuleInfo, StatuteModel
from lexproof.dsl.values import format_value
from lexproof.dsl.xref import own_decisions
from lexproof.verifier.encoding import Encoder, fewer_gc_passes
from lexproof.verifier.errors import InternalError
from lexproof.verifier.regions import cone_facts, describe_row, summarize
from lexproof.verifier.results import Outcomes, Result, Witness, cite
from lexproof.verifier.solving import Budget, check, new_solver, read_cases, readable_model
from lexproof.verifier.witness_search import Evidence, gather

CODES = {"conflict": "LP101", "gap": "LP102", "dead": "LP103", "redundant": "LP104"}
SEVERITY = {"conflict": "error", "gap": "error", "dead": "warning", "redundant": "warning"}
MAX_CONFLICTS_PER_DECISION = 10
ALL_CHECKS = ("conflict", "gap", "dead", "redundant")


class VersionEncoder:
    """The one encoder of a version's checks (its case decisions, then its decisions per item:
    ``item_checks``), made when the first question needs the solver. A z3 context holds
    megabytes and gives them back only when the garbage collector finds the encoder's cycles:
    on the household book at 10,000 rules, an encoder per version of each of its 70 parts took
    the check to 1.9 GB, although the solver was asked almost nothing."""

    def __init__(self, statute: StatuteModel, version: Version, period: tuple[int, int] | None = None) -> None:
        self._statute, self._version, self._period = statute, version, period
        self._encoder: Encoder | None = None

    def get(self) -> Encoder:
        if self._encoder is None:
            periods = {None: self._period} if self._period is not None else None
            self._encoder = Encoder(self._statute, {None: self._version}, periods=periods)
        return self._encoder


class FocusedOnFirstUse:
    """A solver focused on part of a version's encoding, built when first asked for: most
    decisions never need the solver (no pair of rules can clash, and the evaluator's cases show
    every rule applying and mattering, ``witness_search``), and then their cone is never encoded.
    Encoding was most of the checks' time on decisions per item with products and roundings
    (docs/performance.md, "Households"). ``_focus`` encodes and focuses; it returns the solver,
    the tracking literals and what else the checks read (``_part``)."""

    def __init__(self, encoders: VersionEncoder, budget: Budget) -> None:
        self._encoders, self._budget = encoders, budget
        self._built: tuple | None = None

    def _focus(self, encoder: Encoder) -> tuple:
        raise NotImplementedError

    def _part(self, index: int):
        if self._built is None:
            encoder = self._encoders.get()
            encoder.sealed = False  # the previous decision's solver is done with
            extra = self._focus(encoder)
            self._built = (new_solver(encoder, self._budget), encoder.assumptions(), *extra)
        return self._built[index]

    @property
    def encoder(self) -> Encoder:
        """The version's encoder, with this part encoded and focused on."""
        self._part(0)
        return self._encoders.get()

    @property
    def solver(self) -> z3.Solver:
        return self._part(0)

    @property
    def trackers(self) -> list[z3.ExprRef]:
        return self._part(1)


class _DecisionContext(FocusedOnFirstUse):
    """A decision of a version, focused: its solver holds the decision's cone only."""

    def __init__(self, encoders: VersionEncoder, version: Version, decision: str, budget: Budget) -> None:
        super().__init__(encoders, budget)
        self.rules: tuple[RuleInfo, ...] = version.rules_of(decision)
        self._decision = decision

    def _focus(self, encoder: Encoder) -> tuple:
        return encoder.focus(self._decision)  # its value and whether it is defined

    @property
    def value(self) -> z3.ExprRef:
        return self._part(2)

    @property
    def defined(self) -> z3.ExprRef:
        return self._part(3)


@fewer_gc_passes
def run_checks(
    statute: StatuteModel, version: Version, budget: Budget, only: tuple[str, ...] = ALL_CHECKS,
    decisions: list[str] | None = None, period: tuple[int, int] | None = None,
    encoder: VersionEncoder | None = None,
) -> list[Result]:
    """Every finding for every decision (or the given ones) of one version. ``period``: the
    days (numbers) the version stands for; a rule that reads the peildatum is checked on each
    of them (default: the version's own date). ``encoder``: the version's encoder for this
    period (the decisions per item are checked on it next, verifier/item_checks.py)."""
    results: list[Result] = []
    # One encoder (and z3 context) for the run: a decision read by many others is encoded
    # once; each decision gets a solver with its own cone (Encoder.focus).
    encoders = encoder if encoder is not None else VersionEncoder(statute, version, period)
    for decision in own_decisions(statute) if decisions is None else decisions:
        if not version.has_decision(decision):
            continue  # an amendment this version lacks adds it: nothing to check here
        asked = [kind for kind in only if _applies(kind, statute.decisions[decision], version.rules_of(decision), statute)]
        if not asked:
            continue  # nothing to ask
        context = _DecisionContext(encoders, version, decision, budget)  # encoded when first asked
        if "conflict" in asked:
            results.extend(_conflicts(statute, version, decision, context, budget))
        if "gap" in asked:
            results.extend(_gaps(statute, version, decision, context, budget))
        dead: set[str] = set()
        evidence = Evidence()
        if ("dead" in only or "redundant" in only) and period is None:  # the evaluator reads one day, not a period
            evidence = gather(statute, version, decision, context.rules, "redundant" in only)
        if "dead" in only or "redundant" in only:
            dead_results = _dead_rules(statute, version, context, evidence.applied)
            # Only rules known to be dead: one the solver could not decide is checked for
            # redundancy like any other (its 'unknown' result is reported either way).
            dead = {r.details["rule"] for r in dead_results if r.status != "unknown"}
            if "dead" in only:
                results.extend(r for r in dead_results if not r.details.get("allowed"))
        if "redundant" in only:
            results.extend(_redundant_rules(statute, version, decision, context, dead | evidence.matters))
    return results


def _applies(kind: str, info, rules: tuple[RuleInfo, ...], statute: StatuteModel) -> bool:
    """Whether a check can find anything in a decision, decided from its text before encoding
    it (exactly: a decision skipped here has no such finding).

    A gap needs a decision without 'otherwise' (and not allowed), no rule without a condition
    (such a rule applies unless a rule overriding it does, so some rule always applies) and no
    set of rules whose conditions cover every value of a fact (``_cover_a_fact``). A conflict
    needs a pair of rules that may clash (``_may_clash``). A dead or redundant rule needs a
    rule."""
    if kind == "gap":
        return (info.default is None and CODES["gap"] not in info.allow
                and all(rule.condition is not None for rule in rules) and not _cover_a_fact(rules, statute))
    if kind == "conflict":
        if len(rules) < 2 or _all_same_constant(rules):
            return False
        return any(_may_clash(a, b) for index, a in enumerate(rules) for b in rules[index + 1:])
    return len(rules) >= 1


def _cover_a_fact(rules: tuple[RuleInfo, ...], statute: StatuteModel) -> bool:
    """Whether some rules' whole conditions are 'x in {...}' / 'x = c' / 'x' / 'not x' for one
    enum or bool fact x, together allowing every value of x: then a condition always holds, and
    a rule whose condition holds applies unless a rule overriding it applies, so no case is
    undecided."""
    allowed: dict[tuple, set] = {}
    for rule in rules:
        requirements = _requirements(rule.condition)
        if len(requirements) == 1 and _single_conjunct(rule.condition):
            (key, values), = requirements.items()
            allowed.setdefault(key, set()).update(values)
    for key, values in allowed.items():
        if key[0] != "fact":
            continue
        fact_type = statute.facts[key[1]].type
        domain = {True, False} if fact_type.kind == "bool" else set(statute.enums.get(fact_type.enum or "", ()))
        if domain and domain <= values:
            return True
    return False


def _single_conjunct(condition: ir.Node | None) -> bool:
    return not (isinstance(condition, ir.Op) and condition.op == "and")


def _may_clash(a: RuleInfo, b: RuleInfo) -> bool:
    """Whether two rules could both apply and decide differently, as far as their text shows:
    not when either allows conflicts, both set the same constant, one is an exception to the
    other (it blocks the other wherever it applies itself), or their conditions exclude each
    other (``_exclusive``)."""
    return not (_allowed(a, "conflict") or _allowed(b, "conflict") or _constant_equal(a, b)
                or a.name in b.exceptions or b.name in a.exceptions or _exclusive(a, b))


def _exclusive(a: RuleInfo, b: RuleInfo) -> bool:
    """Whether the two conditions require disjoint values of one fact or decision, e.g.
    ``soort = bso and ...`` against ``soort in {dagopvang, gastouderopvang}``, or exclusive
    comparisons (``_comparisons``), e.g. ``inkomen < grens`` against ``inkomen >= grens and
    ...``: a rule applies only where its condition holds, and each of its conjuncts with it."""
    first, second = _requirements(a.condition), _requirements(b.condition)
    if any(not (first[ref] & second[ref]) for ref in first.keys() & second.keys()):
        return True
    (first_bounds, first_signs), (second_bounds, second_signs) = _comparisons(a.condition), _comparisons(b.condition)
    if any(not allowed for allowed in (*first_bounds.values(), *second_bounds.values(),
                                       *first_signs.values(), *second_signs.values())):
        return True  # one of them never applies (x < 3 and x > 3)
    return (any(_interval_meet(first_bounds[key], second_bounds[key]) is None
                for key in first_bounds.keys() & second_bounds.keys())
            or any(not (first_signs[pair] & second_signs[pair]) for pair in first_signs.keys() & second_signs.keys()))


# A comparison's allowed signs of (left - right): '<' allows only -1, '>=' allows 0 and 1, ...
_SIGNS = {"<": frozenset({-1}), "<=": frozenset({-1, 0}), ">": frozenset({1}), ">=": frozenset({0, 1}),
          "=": frozenset({0}), "!=": frozenset({-1, 1})}
# An interval of numbers: (low, low included, high, high included); None for no bound.
_Interval = tuple[Fraction | None, bool, Fraction | None, bool]


def _comparisons(condition: ir.Node | None) -> tuple[dict[tuple, _Interval], dict[tuple, frozenset]]:
    """What a condition's top-level conjuncts say by comparisons of plain terms (a fact,
    decision, parameter, the peildatum, of the case or of the current item): for a term
    compared with numbers, the interval they allow it (``leeftijd < 12``: below 12); for two
    terms compared with each other, the signs they allow their difference (``inkomen <
    grens``: negative). Read over exact numbers, so an interval empty only for whole numbers
    (``x < 12`` and ``x > 11``) is not empty here: fewer pairs excluded, never a wrong one."""
    bounds: dict[tuple, _Interval | None] = {}  # None: no number at all (the rule never applies)
    signs: dict[tuple, frozenset] = {}
    todo = [condition] if condition is not None else []
    while todo:
        node = todo.pop()
        if isinstance(node, ir.Op) and node.op == "and":
            todo.extend(node.args)
            continue
        if not (isinstance(node, ir.Op) and node.op in _SIGNS and len(node.args) == 2):
            continue
        (left, right), allowed = node.args, _SIGNS[node.op]
        left_key, right_key = _plain_key(left), _plain_key(right)
        if right_key is None and left_key is None:
            continue
        if left_key is None:  # 12 > x is x < 12
            left, right, left_key, right_key = right, left, right_key, left_key
            allowed = frozenset(-sign for sign in allowed)
        number = _number(right)
        if number is not None:
            found = _interval(allowed, number)
            if found is not None:
                bounds[left_key] = _interval_meet(bounds[left_key], found) if left_key in bounds else found
        elif right_key is not None and left_key != right_key:
            if left_key > right_key:  # one orientation per pair: a > b is b < a
                left_key, right_key, allowed = right_key, left_key, frozenset(-sign for sign in allowed)
            pair = (left_key, right_key)
            signs[pair] = signs[pair] & allowed if pair in signs else allowed
    return bounds, signs


def _plain_key(node: ir.Node) -> tuple | None:
    """A name for a term whose value is the same wherever one rule is evaluated (for one case,
    version and item), so two comparisons of it speak of one number."""
    if isinstance(node, ir.FactRef):
        return ("fact", node.name, str(node.case))
    if isinstance(node, ir.DecisionRef):
        return ("decision", node.name, str(node.case), str(node.version))
    if isinstance(node, ir.ParamRef):
        return ("param", node.name, str(node.version))
    if isinstance(node, ir.ItemFactRef):
        return ("item fact", node.name, node.kind)
    if isinstance(node, ir.ItemDecisionRef):
        return ("item decision", node.name, node.kind)
    if isinstance(node, ir.Peildatum):
        return ("peildatum", str(node.version))
    return None


def _number(node: ir.Node) -> Fraction | None:
    if isinstance(node, ir.Const) and (node.type.is_numeric or node.type.kind == "date") \
            and isinstance(node.value, (int, Fraction)) and not isinstance(node.value, bool):
        return Fraction(node.value)
    return None


def _interval(signs: frozenset, number: Fraction) -> _Interval | None:
    """The numbers x with sign(x - number) in ``signs``, as an interval; None for '!=' (two)."""
    low, low_in = (number, 0 in signs) if -1 not in signs else (None, False)
    high, high_in = (number, 0 in signs) if 1 not in signs else (None, False)
    if -1 in signs and 1 in signs:
        return None
    return (low, low_in, high, high_in)


def _interval_meet(a: _Interval | None, b: _Interval | None) -> _Interval | None:
    """The numbers in both intervals, or None when there are none (None: an empty one)."""
    if a is None or b is None:
        return None
    low, low_in = _tighter(a[0], a[1], b[0], b[1], max)
    high, high_in = _tighter(a[2], a[3], b[2], b[3], min)
    if low is not None and high is not None and (low > high or (low == high and not (low_in and high_in))):
        return None
    return (low, low_in, high, high_in)


def _tighter(x: Fraction | None, x_in: bool, y: Fraction | None, y_in: bool, pick) -> tuple[Fraction | None, bool]:
    if x is None:
        return y, y_in
    if y is None or x != y:
        chosen = x if y is None or pick(x, y) == x else y
        return chosen, (x_in if chosen is x else y_in)
    return x, x_in and y_in


def _requirements(condition: ir.Node | None) -> dict[tuple, frozenset]:
    """For each fact or decision a condition's top-level conjuncts pin down ('x = c',
    'x in {c, ...}', 'b', 'not b'), the values they allow it."""
    found: dict[tuple, frozenset] = {}
    todo = [condition] if condition is not None else []
    while todo:
        node = todo.pop()
        allowed: tuple[tuple, frozenset] | None = None
        if isinstance(node, ir.Op) and node.op == "and":
            todo.extend(node.args)
        elif _ref_key(node) is not None and node.type.kind == "bool":
            allowed = (_ref_key(node), frozenset([True]))
        elif isinstance(node, ir.Op) and node.op == "not" and _ref_key(node.args[0]) is not None:
            allowed = (_ref_key(node.args[0]), frozenset([False]))
        elif isinstance(node, ir.Op) and node.op in ("=", "in") and _ref_key(node.args[0]) is not None:
            if all(isinstance(arg, ir.Const) for arg in node.args[1:]):
                allowed = (_ref_key(node.args[0]), frozenset(arg.value for arg in node.args[1:]))
        if allowed is not None:
            key, values = allowed
            found[key] = found[key] & values if key in found else values
    return found


def _ref_key(node: ir.Node) -> tuple | None:
    if isinstance(node, ir.FactRef):
        return ("fact", node.name, node.case)
    if isinstance(node, ir.DecisionRef):
        return ("decision", node.name, node.case, node.version)
    return None


def _all_same_constant(rules: tuple[RuleInfo, ...]) -> bool:
    return all(_constant_equal(rules[0], rule) for rule in rules[1:])


def _finding(kind: str, statute: StatuteModel, version: Version, rule: RuleInfo | None, span, message: str,
             articles: list[str], name: str, others: tuple[RuleInfo, ...] = ()) -> Result:
    """A finding; marked as expected when one of its rules declares ``@expect`` of it."""
    declared = any(CODES[kind] in r.expect for r in (rule, *others) if r is not None)
    return Result(
        kind, name, kind, span, message=message, articles=articles, code=CODES[kind],
        severity=SEVERITY[kind], statute=statute.name, version=version.label,
        expected=kind if declared else None,
        details={"rules": [r.name for r in (rule, *others) if r is not None]},
    )


def _witness(statute: StatuteModel, version: Version, encoder: Encoder, model, focus) -> Witness:
    facts = read_cases(encoder, model)
    version = _dated(statute, version, encoder, model)
    evaluator = Evaluator({None: version}, facts)
    outcomes = {(None, None): Outcomes(evaluator, statute.decisions)}
    return Witness(statute, facts, {None: version.label}, outcomes, focus, dates={None: version.date})


def _dated(statute: StatuteModel, version: Version, encoder: Encoder, model) -> Version:
    """The version on the day the model found, when the check covered a period of days and the
    rules read the peildatum: the witness is run, and shown, on that day."""
    term = encoder.peildatum_terms.get(None)
    if term is None:
        return version
    value = model.eval(term, model_completion=True)
    low, high = encoder.periods[None]
    if not z3.is_int_value(value) or not low <= value.as_long() <= high:
        # The decision checked does not read the peildatum (another decision of the encoder
        # did): its solver left it free, and any day of the period gives the same outcome.
        return version
    day = dt.date.fromordinal(value.as_long())
    if day == version.date:
        return version
    from lexproof.dsl.xref import find_amendment

    proposals = tuple(name for name in (*version.amendments, *version.foreign_amendments)
                      if getattr(find_amendment(statute, name), "proposal", False))
    return version_on(statute, day, include=proposals)


def _allowed(rule: RuleInfo, kind: str) -> bool:
    return CODES[kind] in rule.allow


# --- conflicts --------------------------------------------------------------------------------


def _conflicts(statute, version, decision, ctx: _DecisionContext, budget) -> list[Result]:
    encoder, solver = ctx.encoder, ctx.solver
    terms = {rule.name: encoder.rule_terms[(rule.name, None, None)] for rule in ctx.rules}
    all_conditions_defined = z3.And([cd for (_, _, _, cd) in terms.values()] + [encoder.true])
    # Where another rule's condition or a firing rule's value is undefined, the evaluator calls
    # the decision undefined, not in conflict; the two rules still both apply and contradict
    # each other, so that is reported too (requiring every condition to be defined missed it:
    # a "no conflict" the rules do not support), but a witness where the decision shows the
    # conflict is preferred. Whether a rule applies rests on its own condition and those of the
    # rules that override it (``_override_closure``): those must be defined, as in the evaluator.
    all_fired_defined = z3.And([z3.Implies(f, d) for (f, _, d, _) in terms.values()] + [encoder.true])

    def conditions_defined(*rules: RuleInfo) -> z3.ExprRef:
        names = {name for rule in rules for name in _override_closure(rule, ctx.rules)}
        return z3.And([terms[name][3] for name in sorted(names)] + [encoder.true])

    def clash(a: RuleInfo, b: RuleInfo) -> z3.ExprRef:
        fa, va, da, _ = terms[a.name]
        fb, vb, db, _ = terms[b.name]
        return z3.And(fa, fb, da, db, va != vb, conditions_defined(a, b))

    # Implied by every clash: of two rules that apply with different values, one differs from
    # the decision's value (that of the first rule that applies).
    any_conflict = z3.Or(
        [z3.And(terms[r.name][0], terms[r.name][2], terms[r.name][1] != ctx.value, conditions_defined(r))
         for r in ctx.rules]
        + [encoder.false]
    )
    goal = z3.Bool("goal!conflict", encoder.ctx)
    solver.add(z3.Implies(goal, any_conflict))
    # Only 'unsat' rules the whole decision clean. On 'unknown' the pairs are asked one by one
    # below, so a pair the solver can decide is still decided, and the rest come out 'unknown'.
    if check(solver, *ctx.trackers, goal) == "unsat":
        return []
    results = []
    for index, first in enumerate(ctx.rules):
        for second in ctx.rules[index + 1:]:
            if len(results) >= MAX_CONFLICTS_PER_DECISION:
                return results
            if not _may_clash(first, second):
                continue
            clashing = clash(first, second)
            pair = z3.Bool(f"goal!pair!{first.name}!{second.name}", encoder.ctx)
            solver.add(z3.Implies(pair, clashing))
            status = check(solver, *ctx.trackers, pair)
            if status == "unsat":
                continue
            if status == "unknown":
                results.append(_unknown("conflict", statute, version, first, f"{decision}: {first.name} / {second.name}",
                                        (second,), decision))
                continue
            model = solver.model()
            shown = [clashing, all_fired_defined, all_conditions_defined]
            strict = z3.Bool(f"goal!strict!{first.name}!{second.name}", encoder.ctx)
            solver.add(z3.Implies(strict, z3.And(shown)))
            if check(solver, *ctx.trackers, strict) == "sat":
                model = solver.model()
            else:
                shown = shown[:1]
            model = readable_model(encoder, shown, budget, model)
            witness = _witness(statute, version, encoder, model, (decision,))
            fv, sv = _replay_clash(witness, decision, first, second)
            type_ = statute.decisions[decision].type
            message = (
                f"rules {first.name} [{cite(statute, first.citation)}] and {second.name} "
                f"[{cite(statute, second.citation)}] both apply to the case below and decide {decision} "
                f"differently ({format_value(fv, type_)} vs {format_value(sv, type_)})"
            )
            outcome = witness.outcomes[(None, None)][decision]
            if outcome.status != "conflict":
                message += f"; here {decision} is {outcome.status} all the same: {outcome.reason}"
            result = _finding("conflict", statute, version, first, first.span, message,
                              [cite(statute, first.citation), cite(statute, second.citation)],
                              f"{decision}: {first.name} / {second.name}", (second,))
            result.witnesses = [witness]
            result.details.update({"decision": decision, "other_location": _loc(second)})
            results.append(result)
    return results


def _override_closure(rule: RuleInfo, rules: tuple[RuleInfo, ...]) -> set[str]:
    """The rule and every rule that overrides it, directly or through others: whether the rule
    applies depends on their conditions only."""
    found, pending = set(), [rule.name]
    while pending:
        name = pending.pop()
        if name not in found:
            found.add(name)
            pending.extend(other.name for other in rules if name in other.exceptions)
    return found


def _replay_clash(witness: Witness, decision: str, first: RuleInfo, second: RuleInfo):
    """The two rules' values in the evaluator, after checking that both apply there and differ:
    a conflict the evaluator cannot reproduce is a bug in one of the two engines."""
    outcomes = witness.outcomes[(None, None)]
    outcome = outcomes[decision]
    applied = {trace.rule.name for trace in outcome.rules if trace.status == "applied"}
    evaluator = outcomes.evaluator  # the witness's own: its decisions are evaluated once
    try:
        values = (evaluator.eval(first.value, None, None), evaluator.eval(second.value, None, None))
    except Undefined as error:
        raise InternalError(f"conflict witness for {first.name}/{second.name}: a value is undefined ({error.reason})") from error
    if not {first.name, second.name} <= applied or values[0] == values[1]:
        raise InternalError(
            f"conflict witness for {first.name}/{second.name} is {outcome.status} in the evaluator"
        )
    return values


def _constant_equal(a: RuleInfo, b: RuleInfo) -> bool:
    return isinstance(a.value, ir.Const) and isinstance(b.value, ir.Const) and a.value.value == b.value.value


def _loc(rule: RuleInfo) -> dict:
    return {"file": rule.span.file, "line": rule.span.line, "column": rule.span.column}


def _unknown(kind: str, statute: StatuteModel, version: Version, rule: RuleInfo, name: str,
             others: tuple[RuleInfo, ...] = (), decision: str | None = None) -> Result:
    """The check of ``rule`` (with ``others``) could not be decided: an 'unknown' result under
    the name its finding would have, naming every rule it is about (so that an ``@expect`` on
    any of them is not reported as missing: see api._missing_expected_findings). It is never
    a finding nor a clean bill, and it is not cached (api.check)."""
    result = _finding(kind, statute, version, rule, rule.span,
                      "the solver ran out of budget (raise --timeout); nothing is established", [], name, others)
    result.status = "unknown"
    result.details.update({"rule": rule.name, "decision": decision or rule.decision})
    return result


# --- gaps -------------------------------------------------------------------------------------


def _gaps(statute, version, decision, ctx: _DecisionContext, budget) -> list[Result]:
    info = statute.decisions[decision]
    if info.default is not None or CODES["gap"] in info.allow:
        return []
    encoder, solver = ctx.encoder, ctx.solver
    terms = [encoder.rule_terms[(rule.name, None, None)] for rule in ctx.rules]
    none_fires = z3.And([z3.Not(f) for (f, _, _, cd) in terms] + [cd for (_, _, _, cd) in terms] + [encoder.true])
    goal = z3.Bool("goal!gap", encoder.ctx)
    solver.add(z3.Implies(goal, none_fires))
    status = check(solver, *ctx.trackers, goal)
    if status == "unsat":
        return []
    span = info.span
    if status == "unknown":
        result = Result("gap", decision, "unknown", span,
                        message="the solver ran out of budget (raise --timeout); nothing is established",
                        code=CODES["gap"], severity="error", statute=statute.name, version=version.label,
                        expected="gap" if CODES["gap"] in info.expect else None,
                        details={"decision": decision})
        return [result]
    model = readable_model(encoder, [none_fires], budget, solver.model())
    witness = _witness(statute, version, encoder, model, (decision,))
    if witness.outcomes[(None, None)][decision].status != "undecided":
        raise InternalError(f"gap witness for {decision} is decided in the evaluator")
    # Only facts the focused encoding reads: cone_facts goes by the text, and a fact no
    # constraint mentions cannot matter (reading it now would declare it after the solver was
    # built: an internal error; see diff.py).
    declared = set(encoder.declared_facts(None))
    facts = [fact for fact in cone_facts(statute, [version], [decision]) if fact in declared]
    # The rows are shown as text only (the witness above is the case): no readable row witnesses.
    region = summarize(encoder, solver, none_fires, facts, [], budget, ctx.trackers, witnesses=False)
    rows = [", ".join(describe_row(statute, row, region.finite_facts)) for row in region.rows]
    message = (
        f"no rule decides {decision} for the case below, and it has no 'otherwise'; "
        f"undecided where: " + " | ".join(rows[:6])
        + (" | ..." if len(rows) > 6 or not region.covered else "")
    )
    articles = [cite(statute, r.citation) for r in ctx.rules]
    result = Result("gap", decision, "gap", span, message=message, articles=articles, code=CODES["gap"],
                    severity=SEVERITY["gap"], statute=statute.name, version=version.label,
                    expected="gap" if CODES["gap"] in info.expect else None)
    result.witnesses = [witness]
    result.details = {"decision": decision, "region": rows, "complete": region.complete,
                      "suggestion": f"add 'otherwise <value>' to decision {decision}, or a rule for these cases"}
    return [result]


# --- dead rules -------------------------------------------------------------------------------


def _dead_rules(statute, version, ctx: _DecisionContext, applied: set[str] = frozenset()) -> list[Result]:  # type: ignore[assignment]
    """Each rule that can never apply. ``applied``: rules the evaluator saw applying in a case
    (``lexproof.verifier.witness_search``): not dead, not asked."""
    results = []
    for rule in ctx.rules:
        if rule.name in applied:
            continue
        encoder, solver = ctx.encoder, ctx.solver
        fires, _, _, cond_defined = encoder.rule_terms[(rule.name, None, None)]
        condition = (
            encoder.true if rule.condition is None else encoder.node(rule.condition, None, None)[0]
        )
        can_hold = z3.Bool(f"goal!holds!{rule.name}", encoder.ctx)
        can_fire = z3.Bool(f"goal!fires!{rule.name}", encoder.ctx)
        solver.add(z3.Implies(can_hold, z3.And(cond_defined, condition)), z3.Implies(can_fire, z3.And(cond_defined, fires)))
        status = check(solver, *ctx.trackers, can_hold)
        if status == "sat":
            status = check(solver, *ctx.trackers, can_fire)
            if status == "sat":
                continue
            if status == "unknown":
                results.append(_unknown_dead(statute, version, rule))
                continue
            overriders = [r for r in ctx.rules if rule.name in r.exceptions]
            message = (
                f"rule {rule.name} [{cite(statute, rule.citation)}] can apply but is always overridden by "
                + ", ".join(f"{r.name} [{cite(statute, r.citation)}]" for r in overriders)
            )
        elif status == "unsat":
            message = f"rule {rule.name} [{cite(statute, rule.citation)}] can never apply: its condition cannot hold within the facts' domain"
        else:
            results.append(_unknown_dead(statute, version, rule))
            continue
        result = _finding("dead", statute, version, rule, rule.span, message, [cite(statute, rule.citation)], rule.name)
        # An allowed dead rule is not reported, but is still dead: the redundancy check skips it.
        result.details.update({"rule": rule.name, "decision": rule.decision, "allowed": _allowed(rule, "dead")})
        results.append(result)
    return results


def _unknown_dead(statute: StatuteModel, version: Version, rule: RuleInfo) -> Result:
    """Whether the rule can apply is unknown. A rule that allows being dead shows nothing
    either way, so it is marked ``allowed`` like its finding would be (run_checks drops it)."""
    result = _unknown("dead", statute, version, rule, rule.name)
    result.details["allowed"] = _allowed(rule, "dead")
    return result


# --- redundant rules --------------------------------------------------------------------------


def _redundant_rules(statute, version, decision, ctx: _DecisionContext, skip: set[str]) -> list[Result]:
    """Each rule whose removal changes no outcome. ``skip``: rules dead already, and rules the
    evaluator saw mattering in a case (``lexproof.verifier.witness_search``): not asked."""
    results = []
    for rule in ctx.rules:
        if rule.name in skip or _allowed(rule, "redundant"):
            continue
        encoder, solver = ctx.encoder, ctx.solver
        others = tuple(r for r in ctx.rules if r.name != rule.name)
        value, defined = encoder.decision_body(decision, others, None, None, shared=False)
        differs = z3.Or(defined != ctx.defined, z3.And(defined, ctx.defined, value != ctx.value))
        goal = z3.Bool(f"goal!redundant!{rule.name}", encoder.ctx)
        solver.add(z3.Implies(goal, differs))
        status = check(solver, *ctx.trackers, goal)
        if status == "sat":
            continue
        if status == "unknown":
            results.append(_unknown("redundant", statute, version, rule, rule.name))
            continue
        message = (
            f"rule {rule.name} [{cite(statute, rule.citation)}] is redundant: removing it changes no outcome of {decision}"
        )
        result = _finding("redundant", statute, version, rule, rule.span, message, [cite(statute, rule.citation)], rule.name)
        result.details.update({"rule": rule.name, "decision": decision})
        results.append(result)
    return results
