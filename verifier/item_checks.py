"""Built-in checks for decisions per item (docs/language.md, "Repeated items"): conflicts
(LP101) and gaps (LP102) of a decision per kind, for any item of any case.

The decision is encoded at every slot of its kind (and of the kinds around it: kind[1..N],
contract[1..M] of each), and a finding is asked for at any slot that holds an item: a slot's
position matters (``rank`` breaks ties by it), so no single slot stands for all. A finding is
replayed in the evaluator at its item before it is reported; 'unsat' for every slot at once is
the only clean answer, and 'unknown' is reported as such. Dead (LP103) and redundant (LP104)
rules of a decision per item are about every item at once: a rule is dead when it can apply to
no item of any case, redundant when removing it changes the decision of no item.
"""

from __future__ import annotations

import itertools

import z3

from lexproof.dsl import items
from lexproof.dsl.consolidate import Version
from lexproof.dsl.model import RuleInfo, StatuteModel
from lexproof.dsl.values import format_value
from lexproof.verifier.checks import (
    CODES,
    SEVERITY,
    FocusedOnFirstUse,
    VersionEncoder,
    _finding,
    _may_clash,
    _override_closure,
    _unknown,
    _witness,
)
from lexproof.verifier.encoding import Encoder, Term
from lexproof.verifier.errors import InternalError
from lexproof.verifier.results import Result, cite
from lexproof.verifier.solving import Budget, check, readable_model
from lexproof.verifier.witness_search import Evidence, gather_items


def item_contexts_of(statute: StatuteModel, kind: str) -> list[items.ItemContext]:
    """Every slot path of ``kind``: kind[1..N] for a kind the case holds, with every slot of
    the parents for a nested one."""
    chain = statute.kind_chain(kind)
    ranges = [range(statute.kinds[k].maximum) for k in chain]
    return [items.ItemContext(None, tuple(zip(chain, indices))) for indices in itertools.product(*ranges)]


def _present(encoder: Encoder, context: items.ItemContext) -> Term:
    """The slot holds an item: at every level, its index is below its parent's count."""
    conditions = []
    for depth, (kind, index) in enumerate(context.path):
        parent = items.ItemContext(None, context.path[:depth]) if depth else None
        conditions.append(encoder.count_term(parent, kind) > index)
    return z3.And(conditions)


def _count_keys(context: items.ItemContext) -> list[tuple[object, str]]:
    """The (parent, kind) of every count ``_present`` reads for the slot."""
    return [(items.ItemContext(None, context.path[:depth]) if depth else None, kind)
            for depth, (kind, _) in enumerate(context.path)]


def run_item_checks(statute: StatuteModel, version: Version, budget: Budget, only: tuple[str, ...],
                    period: tuple[int, int] | None = None, decisions: list[str] | None = None,
                    encoder: VersionEncoder | None = None) -> list[Result]:
    """The findings of the decisions per item (or of ``decisions`` among them) in one version.
    ``encoder``: one for this version and period, shared with its case decisions' checks
    (``run_checks``), focused on each decision's slots in turn; without it, an encoder per
    decision. Either way a decision's solver holds its cone."""
    shared = encoder
    results: list[Result] = []
    for name, kind in statute.decision_kind.items():
        if decisions is not None and name not in decisions:
            continue
        rules = version.rules_of(name)
        info = statute.item_decisions[name]
        wants_gap = "gap" in only and info.default is None and CODES["gap"] not in info.allow and rules
        pairs = [(a, b) for i, a in enumerate(rules) for b in rules[i + 1:] if _may_clash(a, b)] if "conflict" in only else []
        wants_rules = bool(rules) and ("dead" in only or "redundant" in only)
        if not wants_gap and not pairs and not wants_rules:
            continue
        contexts = item_contexts_of(statute, kind)
        encoders = shared if shared is not None else VersionEncoder(statute, version, period)  # one per decision
        slots = _Slots(encoders, shared is not None, budget, name, rules, contexts)  # encoded when first asked
        for first, second in pairs:
            results.extend(_conflict(statute, version, slots, budget, first, second))
        if wants_gap:
            results.extend(_gap(statute, version, slots.encoder, slots.solver, slots.trackers, budget, name, rules,
                                slots.present))
        if wants_rules:
            evidence = Evidence() if period is not None else gather_items(statute, version, name, rules, contexts,
                                                                         "redundant" in only)
            dead = _dead_item_rules(statute, version, slots, evidence.applied)
            if "dead" in only:
                results.extend(r for r in dead if not r.details.get("allowed"))
            if "redundant" in only:
                skip = {r.details["rule"] for r in dead if r.status != "unknown"} | evidence.matters
                results.extend(_redundant_item_rules(statute, version, slots, skip))
    return results


class _Slots(FocusedOnFirstUse):
    """A decision per item encoded at every slot of its kind, with its solver: built on first
    use, as a case's decision is (``checks._DecisionContext``). When no pair of its rules can
    clash and the evaluator's cases show every rule applying and mattering, it never is."""

    def __init__(self, encoders: VersionEncoder, shared: bool, budget: Budget, name: str,
                 rules: tuple[RuleInfo, ...], contexts: list[items.ItemContext]) -> None:
        super().__init__(encoders, budget)
        self.name, self.rules, self.contexts = name, rules, contexts
        self._shared = shared

    def _focus(self, encoder: Encoder) -> tuple:
        for context in self.contexts:
            encoder.decision(self.name, context)
        present = {context: _present(encoder, context) for context in self.contexts}
        if self._shared:  # the version's encoder: this decision's solver holds its slots' cone
            encoder.focus_owners([("decision", self.name, context, None) for context in self.contexts]
                                 + [("count", parent, kind) for context in self.contexts
                                    for parent, kind in _count_keys(context)])
        return (present,)

    @property
    def present(self) -> dict:
        """Per slot: the term saying it holds an item."""
        return self._part(2)


def _dead_item_rules(statute, version, slots: _Slots, applied: set[str]) -> list[Result]:
    """A rule of a decision per item is dead when at no slot that holds an item its condition
    can hold (or, holding, it is always overridden): dead for every item. ``applied``: rules
    the evaluator saw applying to some item (``lexproof.verifier.witness_search``), not asked."""
    results = []
    for rule in slots.rules:
        if rule.name in applied:
            continue
        encoder = slots.encoder
        holds, fires = [], []
        for context, present in slots.present.items():
            fire, _, _, cond_defined = encoder.rule_terms[(rule.name, context, None)]
            condition = encoder.true if rule.condition is None else encoder.node(rule.condition, context, None)[0]
            holds.append(z3.And(present, cond_defined, condition))
            fires.append(z3.And(present, cond_defined, fire))
        status = _ask(slots, f"goal!itemholds!{rule.name}", z3.Or(holds))
        if status == "sat":
            status = _ask(slots, f"goal!itemfires!{rule.name}", z3.Or(fires))
            if status == "sat":
                continue
            overriders = [r for r in slots.rules if rule.name in r.exceptions]
            message = (f"rule {rule.name} [{cite(statute, rule.citation)}] can apply but is always overridden by "
                       + ", ".join(f"{r.name} [{cite(statute, r.citation)}]" for r in overriders) + ", for every item")
        else:
            message = (f"rule {rule.name} [{cite(statute, rule.citation)}] can never apply to any item: its condition "
                       "cannot hold within the facts' domain")
        if status == "unknown":
            result = _unknown("dead", statute, version, rule, rule.name, decision=slots.name)
            result.details["allowed"] = CODES["dead"] in rule.allow
            results.append(result)
            continue
        result = _finding("dead", statute, version, rule, rule.span, message, [cite(statute, rule.citation)], rule.name)
        result.details.update({"rule": rule.name, "decision": slots.name, "allowed": CODES["dead"] in rule.allow})
        results.append(result)
    return results


def _redundant_item_rules(statute, version, slots: _Slots, skip: set[str]) -> list[Result]:
    """A rule of a decision per item is redundant when removing it changes the decision of no
    item of any case. ``skip``: rules dead already, and rules the evaluator saw mattering."""
    results = []
    for rule in slots.rules:
        if rule.name in skip or CODES["redundant"] in rule.allow:
            continue
        encoder = slots.encoder
        others = tuple(r for r in slots.rules if r.name != rule.name)
        differs = []
        for context, present in slots.present.items():
            value, defined = encoder.decision(slots.name, context)
            other_value, other_defined = encoder.decision_body(slots.name, others, context, None, shared=False)
            differs.append(z3.And(present, z3.Or(other_defined != defined,
                                                 z3.And(other_defined, defined, other_value != value))))
        status = _ask(slots, f"goal!itemredundant!{rule.name}", z3.Or(differs))
        if status == "sat":
            continue
        if status == "unknown":
            results.append(_unknown("redundant", statute, version, rule, rule.name, decision=slots.name))
            continue
        message = (f"rule {rule.name} [{cite(statute, rule.citation)}] is redundant: removing it changes no "
                   f"outcome of {slots.name} for any item")
        result = _finding("redundant", statute, version, rule, rule.span, message, [cite(statute, rule.citation)],
                          rule.name)
        result.details.update({"rule": rule.name, "decision": slots.name})
        results.append(result)
    return results


def _ask(slots: _Slots, goal_name: str, goal: Term) -> str:
    literal = z3.Bool(goal_name, slots.encoder.ctx)
    slots.solver.add(z3.Implies(literal, goal))
    return check(slots.solver, *slots.trackers, literal)


def _clash(encoder: Encoder, rules, first: RuleInfo, second: RuleInfo, context) -> Term:
    terms = {rule.name: encoder.rule_terms[(rule.name, context, None)] for rule in rules}
    fa, va, da, _ = terms[first.name]
    fb, vb, db, _ = terms[second.name]
    closure = sorted(_override_closure(first, rules) | _override_closure(second, rules))
    return z3.And(fa, fb, da, db, va != vb, *[terms[n][3] for n in closure])


def _conflict(statute, version, slots: _Slots, budget, first, second) -> list[Result]:
    encoder, solver, trackers, present = slots.encoder, slots.solver, slots.trackers, slots.present
    name, rules = slots.name, slots.rules
    clashes = {context: z3.And(p, _clash(encoder, rules, first, second, context)) for context, p in present.items()}
    goal = z3.Bool(f"goal!itempair!{first.name}!{second.name}", encoder.ctx)
    solver.add(z3.Implies(goal, z3.Or(list(clashes.values()))))
    status = check(solver, *trackers, goal)
    if status == "unsat":
        return []
    if status == "unknown":
        return [_unknown("conflict", statute, version, first, f"{name}: {first.name} / {second.name}", (second,), name)]
    model = solver.model()
    context = next(c for c, term in clashes.items() if z3.is_true(model.eval(term, model_completion=True)))
    model = readable_model(encoder, [clashes[context]], budget, model)
    context = next((c for c, term in clashes.items() if z3.is_true(model.eval(term, model_completion=True))), context)
    witness = _witness(statute, version, encoder, model, (name,))
    evaluator = witness.outcomes[(None, None)].evaluator
    outcome = evaluator.decision(name, context)
    applied = {trace.rule.name for trace in outcome.rules if trace.status == "applied"}
    values = (evaluator.eval(first.value, context, None), evaluator.eval(second.value, context, None))
    if not {first.name, second.name} <= applied or values[0] == values[1]:
        raise InternalError(f"conflict witness for {first.name}/{second.name} at {items.label(context)} is "
                            f"{outcome.status} in the evaluator")
    type_ = statute.item_decisions[name].type
    message = (
        f"rules {first.name} [{cite(statute, first.citation)}] and {second.name} [{cite(statute, second.citation)}] "
        f"both apply to {items.label(context)} of the case below and decide {name} differently "
        f"({format_value(values[0], type_)} vs {format_value(values[1], type_)})"
    )
    result = _finding("conflict", statute, version, first, first.span, message,
                      [cite(statute, first.citation), cite(statute, second.citation)],
                      f"{name}: {first.name} / {second.name}", (second,))
    result.witnesses = [witness]
    result.details.update({"decision": name, "item": items.label(context)})
    return [result]


def _gap(statute, version, encoder, solver, trackers, budget, name, rules, present) -> list[Result]:
    info = statute.item_decisions[name]
    undecided = {}
    for context, p in present.items():
        terms = [encoder.rule_terms[(rule.name, context, None)] for rule in rules]
        undecided[context] = z3.And([p] + [z3.Not(f) for (f, _, _, _) in terms] + [cd for (_, _, _, cd) in terms])
    goal = z3.Bool(f"goal!itemgap!{name}", encoder.ctx)
    solver.add(z3.Implies(goal, z3.Or(list(undecided.values()))))
    status = check(solver, *trackers, goal)
    if status == "unsat":
        return []
    expected = "gap" if CODES["gap"] in info.expect else None
    if status == "unknown":
        return [Result("gap", name, "unknown", info.span,
                       message="the solver ran out of budget (raise --timeout); nothing is established",
                       code=CODES["gap"], severity="error", statute=statute.name, version=version.label,
                       expected=expected, details={"decision": name})]
    model = solver.model()
    context = next(c for c, term in undecided.items() if z3.is_true(model.eval(term, model_completion=True)))
    model = readable_model(encoder, [undecided[context]], budget, model)
    context = next((c for c, term in undecided.items() if z3.is_true(model.eval(term, model_completion=True))), context)
    witness = _witness(statute, version, encoder, model, (name,))
    outcome = witness.outcomes[(None, None)].evaluator.decision(name, context)
    if outcome.status != "undecided":
        raise InternalError(f"gap witness for {name} at {items.label(context)} is {outcome.status} in the evaluator")
    result = Result("gap", name, "gap", info.span,
                    message=f"no rule decides {name} for {items.label(context)} of the case below, and it has no 'otherwise'",
                    articles=[cite(statute, r.citation) for r in rules], code=CODES["gap"], severity=SEVERITY["gap"],
                    statute=statute.name, version=version.label, expected=expected)
    result.witnesses = [witness]
    result.details = {"decision": name, "item": items.label(context),
                      "suggestion": f"add 'otherwise <value>' to decision {name}, or a rule for these items"}
    return [result]
