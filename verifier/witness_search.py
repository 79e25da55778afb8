"""Cheap evidence for the built-in checks: a few random cases run through the evaluator.

Most rules are neither dead nor redundant, and the solver proves that by finding a case: for a
statute of products and roundings over four children, finding any case through the bits and
floors of every child took most of the checks' time (benchmarks, phase household). The
evaluator finds such a case in microseconds when one is common. A rule seen applying in a case
within the facts' domains is not dead; a rule whose removal changes the decision's outcome in
such a case is not redundant. Both are facts about real cases of the evaluator, the reference
semantics (tests/test_soundness*.py keep the encoding equal to it), so skipping the solver's
question loses nothing; a rule never seen is asked about as before. Only absence is ever
reported by the checks, and absence is still only concluded from 'unsat'.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from lexproof.dsl import ir, items
from lexproof.dsl.consolidate import Version
from lexproof.dsl.evaluator import DecisionOutcome, Evaluator, Undefined
from lexproof.dsl.model import RuleInfo, StatuteModel
from lexproof.verifier.regions import cone_facts
from lexproof.verifier.sampling import random_items, value_sampler

# Random cases per decision, at most: the search stops as soon as every rule is seen applying
# and mattering (``_settled``), which the first few cases show for most decisions. 16 left a
# rare case (every child without a contract, one under 12) to the solver; 48 still left it in
# about one household of five (its chance is about 3% a case), and 2 of 1,000 households then
# ran out of the solver's budget (benchmarks, phase household, N=10,000). A case costs the
# evaluator well under a millisecond; a solver's question through four children's products
# and roundings can cost seconds, so a rule still unsettled gets up to 240.
SAMPLES = 240


@dataclass
class Evidence:
    """Rules seen applying (not dead) and rules seen mattering (not redundant)."""

    applied: set[str] = field(default_factory=set)
    matters: set[str] = field(default_factory=set)


class _Without:
    """A version without one rule: as the redundancy check's decision without it (the rules it
    overrode are no longer overridden by it)."""

    def __init__(self, version: Version, removed: str) -> None:
        self._version = version
        self._removed = removed

    def rules_of(self, decision: str) -> tuple[RuleInfo, ...]:
        return tuple(rule for rule in self._version.rules_of(decision) if rule.name != self._removed)

    def overriders(self, decision: str) -> dict[str, tuple[str, ...]]:
        rules = self.rules_of(decision)
        names = {rule.name for rule in rules}
        result: dict[str, list[str]] = {rule.name: [] for rule in rules}
        for rule in rules:
            for target in rule.exceptions:
                if target in names:
                    result[target].append(rule.name)
        return {name: tuple(names_) for name, names_ in result.items()}

    def rule(self, name: str) -> RuleInfo | None:
        return None if name == self._removed else self._version.rule(name)

    def __getattr__(self, attribute: str) -> object:
        return getattr(self._version, attribute)


def cone_kinds(statute: StatuteModel, version: Version, decision: str) -> list[str]:
    """The kinds of items (outermost) that the decision can read, through the decisions it reads."""
    if not statute.kinds:  # nothing to find (the walk over the cone was a tenth of a re-check)
        return []
    seen: set[str] = set()
    kinds: set[str] = set()
    pending = [decision]
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in statute.decision_kind:  # a decision per item reads its own item
            kinds.add(statute.kind_chain(statute.decision_kind[name])[0])
        nodes = [n for rule in version.rules_of(name) for n in (rule.value, rule.condition) if n is not None]
        default = statute.decision_info(name).default
        if default is not None:
            nodes.append(default)
        for node in nodes:
            for sub in ir.walk(node):
                if isinstance(sub, (ir.DecisionRef, ir.ItemDecisionRef)):
                    pending.append(sub.name)
                kind = getattr(sub, "kind", None)
                if isinstance(kind, str) and kind in statute.kinds:
                    kinds.add(statute.kind_chain(kind)[0])
    return [kind for kind in statute.top_kinds() if kind in kinds]


def _sample_cases(statute: StatuteModel, version: Version, decision: str) -> Iterator[dict[str, object]]:
    """``SAMPLES`` random cases of the decision's facts and items, the same on every run."""
    rng = random.Random(f"lexproof:{statute.name}:{decision}")
    facts = cone_facts(statute, [version], [decision])
    kinds = cone_kinds(statute, version, decision)
    draws = [(name, value_sampler(statute.facts[name], statute, (version,))) for name in facts]
    for _ in range(SAMPLES):
        case: dict[str, object] = {name: draw(rng) for name, draw in draws}
        for kind in kinds:
            case[kind] = random_items(statute, kind, rng, (version,))
        yield case


def _settled(evidence: Evidence, rules: tuple[RuleInfo, ...], redundancy: bool) -> bool:
    """Whether every rule is shown applying (and mattering): more cases can show nothing more."""
    names = {rule.name for rule in rules}
    return names <= evidence.applied and (not redundancy or names <= evidence.matters)


# What a failed condition of a rule's trace points at when nobody reads the trace's text.
_UNQUOTED = ir.Const(ir.BOOL, False)


class _StatusEvaluator(Evaluator):
    """The evaluator as the witness search needs it: which rules apply and the outcome, without
    the first failing conjunct of every rule that does not apply (a second evaluation of each
    condition and a quote of its source text, for a trace nobody shows). The outcomes and the
    rules' statuses are the evaluator's own."""

    def _first_failure(self, condition: ir.Node, case: str | None, slot: str | None) -> ir.Node:
        return _UNQUOTED


def _outcome(version: object, case: dict[str, object], decision: str, context: object = None,
             known: _StatusEvaluator | None = None) -> DecisionOutcome | None:
    """The decision's outcome in the case, or None when the case cannot say. ``known``: an
    evaluator that ran the same case in a version that differs from this one only in rules of
    ``decision`` (``_Without``): the outcomes of the decisions it read are the same here (a
    decision never reads itself), so they are taken over instead of evaluated again."""
    evaluator = _StatusEvaluator({None: version}, {None: case})  # type: ignore[dict-item]
    if known is not None:
        evaluator._memo.update((key, outcome) for key, outcome in known._memo.items() if key[0] != decision)
    try:
        return evaluator.decision(decision, context)  # type: ignore[arg-type]
    except (Undefined, KeyError):  # a fact outside the cone read after all: no evidence
        return None


def _holds_item(case: dict[str, object], context: items.ItemContext) -> bool:
    """Whether the case has an item at every step of the slot's path."""
    level: object = case
    for kind, index in context.path:
        listed = level.get(kind, []) if isinstance(level, dict) else []
        if index >= len(listed):
            return False
        level = listed[index]
    return True


def _same(a: DecisionOutcome, b: DecisionOutcome) -> bool:
    """Equal as the encoding compares them: both undefined, or both defined with one value."""
    if a.defined != b.defined:
        return False
    return not a.defined or a.value == b.value


def gather_items(statute: StatuteModel, version: Version, decision: str, rules: tuple[RuleInfo, ...],
                 contexts: list[items.ItemContext], redundancy: bool) -> Evidence:
    """As ``gather`` for a decision per item: evidence from any item of the random cases (a
    rule that applies to one item is not dead; one whose removal changes one item's decision
    is not redundant)."""
    evidence = Evidence()
    for case in _sample_cases(statute, version, decision):
        for context in contexts:
            if not _holds_item(case, context):
                continue
            _observe(evidence, version, case, decision, rules, redundancy, context)
        if _settled(evidence, rules, redundancy):
            break
    return evidence


def _observe(evidence: Evidence, version: Version, case: dict[str, object], decision: str,
             rules: tuple[RuleInfo, ...], redundancy: bool, context: object = None) -> None:
    """What one case shows about the rules (nothing if a rule's condition is undefined in it:
    then which rules fire may differ between the evaluator and the encoding)."""
    base = _StatusEvaluator({None: version}, {None: case})  # type: ignore[dict-item]
    try:
        outcome: DecisionOutcome | None = base.decision(decision, context)  # type: ignore[arg-type]
    except (Undefined, KeyError):  # a fact outside the cone read after all: no evidence
        outcome = None
    if outcome is None or any(trace.status == "undefined" for trace in outcome.rules):
        return
    evidence.applied.update(trace.rule.name for trace in outcome.rules if trace.status == "applied")
    if not redundancy:
        return
    for rule in rules:
        if rule.name in evidence.matters:
            continue
        without = _outcome(_Without(version, rule.name), case, decision, context, known=base)
        if without is not None and not _same(outcome, without):
            evidence.matters.add(rule.name)


def gather(statute: StatuteModel, version: Version, decision: str, rules: tuple[RuleInfo, ...],
           redundancy: bool) -> Evidence:
    """Evidence about the rules of ``decision`` in ``version`` from ``SAMPLES`` random cases.
    A case counts only if no rule's condition is undefined in it (then which rules fire is the
    same in the evaluator and the encoding)."""
    evidence = Evidence()
    if len(rules) == 0:
        return evidence
    for case in _sample_cases(statute, version, decision):
        _observe(evidence, version, case, decision, rules, redundancy)
        if _settled(evidence, rules, redundancy):
            break
    return evidence
