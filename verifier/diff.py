"""Amendment impact: which decisions change outcome between two versions, for whom.

For each decision, the cases whose outcome differs are summarized as rows over enum and bool
facts (with numeric ranges and a witness each), labelled with the outcome before and after:
who gains, who loses."""

from __future__ import annotations

import functools

import z3

from dsl.consolidate import Version
from dsl.evaluator import Evaluator
from dsl.model import StatuteModel
from dsl.values import format_value, to_json
from verifier.encoding import Encoder, fewer_gc_passes
from verifier.errors import InternalError
from verifier.regions import cone_facts, describe_row, summarize
from verifier.results import Outcomes, Result, Witness
from verifier.solving import Budget, check, new_solver
from verifier.workers import run_tasks


@fewer_gc_passes
def diff_versions(
    statute: StatuteModel, before: Version, after: Version, budget: Budget, decisions: list[str] | None = None,
    jobs: int = 1,
) -> list[Result]:
    """One result per decision (each compared on its own encoder), on up to ``jobs`` processes."""
    tasks = [
        (statute, functools.partial(_diff_as_list, statute, name, before, after, budget))
        for name in decisions or list(statute.decisions)
    ]
    return [result for results in run_tasks(tasks, jobs) for result in results]


def _diff_as_list(statute: StatuteModel, name: str, before: Version, after: Version, budget: Budget) -> list[Result]:
    return [_diff_decision(statute, name, before, after, budget)]


def _outcome_term(encoder: Encoder, name: str, slot: str):
    value, defined = encoder.decision(name, None, slot)
    return value, defined


def _diff_decision(statute: StatuteModel, name: str, before: Version, after: Version, budget: Budget) -> Result:
    info = statute.decisions[name]
    encoder = Encoder(statute, {"before": before, "after": after})
    vb, db = encoder.decision(name, None, "before")
    va, da = encoder.decision(name, None, "after")
    changed = z3.Or(db != da, z3.And(db, da, vb != va))
    solver = new_solver(encoder, budget)
    trackers = encoder.assumptions()
    goal = z3.Bool("goal!changed", encoder.ctx)
    solver.add(z3.Implies(goal, changed))
    span = info.span
    label = f"{before.label} -> {after.label}"
    status = check(solver, *trackers, goal)
    result = Result("diff", name, "unknown", span, statute=statute.name, version=label)
    if status == "unknown":
        result.message = "the solver ran out of budget"
        return result
    if status == "unsat":
        result.status = "unchanged"
        result.message = f"{name} is the same for every case"
        return result
    finite_outcome = info.type.kind in ("bool", "enum")

    def outcome_label(defined_term, value_term):
        return ("outcome", z3.If(defined_term, encoder.true, encoder.false), lambda v: z3.is_true(v))

    labels = [
        ("before defined", db, lambda v: z3.is_true(v)),
        ("after defined", da, lambda v: z3.is_true(v)),
    ]
    if finite_outcome:
        labels += [
            ("before", vb, lambda v, t=info.type: encoder.decode(t, v)),
            ("after", va, lambda v, t=info.type: encoder.decode(t, v)),
        ]
    facts = cone_facts(statute, [before, after], [name])
    region = summarize(encoder, solver, changed, facts, labels, budget, trackers)
    rows = []
    witnesses = []
    for row in region.rows:
        evaluator = Evaluator({"before": before, "after": after}, {None: row.witness})
        ob, oa = evaluator.decision(name, None, "before"), evaluator.decision(name, None, "after")
        if ob.defined == oa.defined and (not ob.defined or ob.value == oa.value):
            raise InternalError(f"diff witness for {name} does not change in the evaluator: {row.witness}")
        if finite_outcome:
            before_text = format_value(row.label[2], info.type) if row.label[0] else "undefined"
            after_text = format_value(row.label[3], info.type) if row.label[1] else "undefined"
        else:
            before_text = format_value(ob.value, info.type) if ob.defined else ob.status
            after_text = format_value(oa.value, info.type) if oa.defined else oa.status
            before_text, after_text = f"e.g. {before_text}", f"e.g. {after_text}"
        condition = ", ".join(describe_row(statute, row, region.finite_facts))
        rows.append({
            "when": condition,
            "before": before_text,
            "after": after_text,
            "direction": _direction(info.type.kind, ob, oa),
            "combinations": row.combinations,
            "witness": {f: to_json(v, statute.facts[f].type) for f, v in row.witness.items()},
        })
        outcomes = {
            (slot, None): Outcomes(evaluator, statute.decisions, None, slot) for slot in ("before", "after")
        }
        witnesses.append(Witness(statute, {None: row.witness}, {"before": before.label, "after": after.label},
                                 outcomes, (name,)))
    result.status = "changed"
    result.witnesses = witnesses
    gains = sum(r["combinations"] for r in rows if r["direction"] == "gains")
    losses = sum(r["combinations"] for r in rows if r["direction"] == "loses")
    result.message = f"{name} changes in {len(rows)} group(s)"
    result.details = {
        "rows": rows,
        "complete": region.complete,
        **({"incomplete_reason": region.incomplete_reason} if not region.complete else {}),
        "finite_facts": region.finite_facts,
        "numeric_facts": region.numeric_facts,
        "gains": gains,
        "losses": losses,
    }
    result.articles = sorted({a for w in witnesses for a in w.deciding_articles()})
    return result


def _direction(kind: str, before, after) -> str:
    """For a bool decision: false/undefined -> true is a gain; true -> false a loss. For numbers:
    more is a gain. Otherwise 'changes'."""
    if kind == "bool":
        b = before.defined and before.value is True
        a = after.defined and after.value is True
        return "gains" if a and not b else "loses" if b and not a else "changes"
    if kind in ("int", "number", "money", "rate") and before.defined and after.defined:
        return "gains" if after.value > before.value else "loses"
    return "changes"
