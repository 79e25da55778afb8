"""Conflicts between statutes: ``same question Q: AVG.rechtmatig, rechtmatig priority ...``.

Two decisions of two statutes that decide one legal question are compared in every distinct
version of the declaring statute (each reads the other statute in its version on the same date):
is there a case where both decide, and differently? Finding code LP105.

- Without a priority, such a case is a conflict between the statutes (an error), shown with the
  articles of both statutes that decide it.
- With ``priority lex superior S`` or ``lex specialis S``, S decides where they disagree; the
  result says so (severity info) and whether the other decision is *dead* on the question:
  whether S decides every case the other one decides (then the other never has effect).
- ``lex posterior``: the statute whose latest amendment in force in the version is the later
  one decides; when neither statute has one, or both on the same day, lex posterior cannot tell,
  and a disagreement stays a conflict.

A solver that gives up yields 'unknown', never 'no conflict'. A case the solver finds is run
through the evaluator before it is shown (both decided, different values), or it is a bug.
"""

from __future__ import annotations

import datetime as dt

import z3

from lexproof.dsl import ir
from lexproof.dsl.consolidate import Version, distinct_versions, reads_peildatum, version_on, version_period
from lexproof.dsl.diagnostics import LexproofError
from lexproof.dsl.evaluator import Evaluator
from lexproof.dsl.model import QuestionInfo, StatuteModel
from lexproof.dsl.xref import find_amendment
from lexproof.verifier.encoding import Encoder, fewer_gc_passes
from lexproof.verifier.errors import InternalError
from lexproof.verifier.results import Outcomes, Result, Witness
from lexproof.verifier.solving import Budget, check, new_solver, read_cases

CODE = "LP105"


@fewer_gc_passes
def check_questions(statute: StatuteModel, day: dt.date | None, budget: Budget,
                    undated: dt.date | None = None) -> list[Result]:
    """One result per ``same question`` of the statute: over every distinct version (or the
    version on ``day``)."""
    if not statute.questions:
        return []
    versions = [version_on(statute, day)] if day is not None else distinct_versions(statute, undated)
    return [_question(statute, question, versions, day, budget) for question in statute.questions]


def _question(statute: StatuteModel, question: QuestionInfo, versions: list[Version], day: dt.date | None,
              budget: Budget) -> Result:
    result = Result("question", question.name, "unknown", question.span, code=CODE, statute=statute.name,
                    details={"decisions": [_side(question, 0), _side(question, 1)]})
    disagree: list[tuple[str, str | None]] = []  # (version label, the statute that prevails there)
    unknown: list[str] = []
    witness: Witness | None = None
    witness_winner: str | None = None
    checked = 0
    for version in versions:
        if not (version.has_decision(question.first) and version.has_decision(question.second)):
            continue
        encoder, period = _encoder(statute, version, day)
        try:
            goal = _goal(encoder, question)
        except LexproofError:
            # A parameter they read has no value in this version: the law does not cover its
            # dates for these decisions (the built-in checks leave such versions out too).
            continue
        checked += 1
        status, model = _solve(encoder, goal, budget)
        if status == "unknown":
            unknown.append(version.label)
            continue
        if status == "unsat":
            continue
        winner = _winner(statute, question, version)
        disagree.append((version.label, winner))
        # The case shown is one of a conflict the priority leaves standing, if there is one.
        if witness is None or (winner is None and witness_winner is not None):
            witness = _witness(statute, version, encoder, model, question)
            witness_winner = winner
    sides = f"{_side(question, 0)} and {_side(question, 1)}"
    standing = [label for label, winner in disagree if winner is None]
    # Whether the yielding decision is dead matters only where no conflict stands.
    dead = {} if standing else _yielding_dead(statute, question, versions, day, budget)
    resolved = [(label, winner) for label, winner in disagree if winner is not None]
    result.found_in = (standing or [label for label, _ in disagree]) or unknown
    result.version = "; ".join(result.found_in) if result.found_in else None
    if witness is not None:
        result.witnesses = [witness]
        result.articles = witness.deciding_articles()
        if standing:
            # One version where the priority does not decide is a conflict, whatever the
            # priority says in the others: never 'resolved' while a disagreement stands.
            result.status, result.severity = "conflict", "error"
            why = "" if question.priority is None else (
                "; lex posterior cannot tell which is later (no amendment of either statute, or both on the "
                "same day, is in force in the version)")
            result.message = f"{sides} decide question '{question.name}' differently for the case below{why}"
            if resolved:
                result.message += "; in the other versions where they disagree, " + _winners_text(resolved)
        else:
            result.status, result.severity = "resolved", "info"
            winners = list(dict.fromkeys(winner for _, winner in resolved))
            if len(winners) == 1:
                winner = winners[0]
                result.message = (f"{sides} disagree for the case below; {winner} decides there "
                                  f"(lex {question.priority}), {_loser(question, winner)} yields; "
                                  + _dead_text(question, dead))
            else:
                result.message = (f"{sides} disagree for the case below; by lex {question.priority}, "
                                  + _winners_text(resolved) + "; " + _dead_text(question, dead))
                result.details["winners"] = dict(resolved)
            result.details.update({"winner": witness_winner, "priority": question.priority})
            if dead:
                result.details.update(_public(dead))
        if unknown:
            result.message += f"; the solver gave up in {', '.join(unknown)}"
            undecided = [label for label in unknown if _winner(statute, question, _by_label(versions, label)) is None]
            if result.status == "resolved" and undecided:
                # A disagreement the solver could not rule out where no priority decides may be
                # a conflict: 'resolved' would say more than was established.
                result.status, result.severity = "unknown", "error"
                result.message += (f", where no priority decides ({', '.join(undecided)}): whether they conflict "
                                   "there is unknown")
    elif unknown:
        result.status, result.severity = "unknown", "error"
        result.message = f"the solver ran out of budget comparing {sides} (raise --timeout); nothing is established"
    elif not checked:
        result.status = "clean"
        result.message = f"{sides} are never both in force (with every parameter they read) in one version"
    else:
        result.status = "clean"
        result.message = f"{sides} agree wherever both decide, in every version checked"
        if dead:
            winner = str(dead["dead_winner"])
            if _winner_changes(dead):
                result.message += f"; by lex {question.priority}: " + _dead_text(question, dead)
            else:
                result.message += f"; {winner} prevails (lex {question.priority}): " + _dead_text(question, dead)
            result.details.update({"winner": winner, "priority": question.priority})
            result.details.update(_public(dead))
    return result


def _by_label(versions: list[Version], label: str) -> Version:
    return next(version for version in versions if version.label == label)


def _yielding_dead(statute: StatuteModel, question: QuestionInfo, versions: list[Version], day: dt.date | None,
                   budget: Budget) -> dict[str, object]:
    """Is the yielding decision dead on the question, in every version where a priority names
    the statute that prevails? ``{}`` when no version has one; else ``dead`` (True, False or
    'unknown'), with the winner and the version it was decided in (under lex posterior the
    winner may differ between versions), and a case the yielding decision decides alone."""
    dead: dict[str, object] = {}
    yields: dict[str, str] = {}  # version label -> the statute whose decision is dead there
    for version in versions:
        prevails = _winner(statute, question, version)
        if prevails is None or not (version.has_decision(question.first) and version.has_decision(question.second)):
            continue
        try:
            here = _dead(statute, question, version, prevails, day, budget)
        except LexproofError:  # a parameter without a value here: not covered, as above
            continue
        here = {**here, "dead_winner": prevails, "dead_version": version.label}
        if here["dead"] is False:
            return here
        if here["dead"] is True:
            yields[version.label] = _loser(question, prevails)
        if here["dead"] == "unknown" or not dead:
            dead = here
    if dead.get("dead") is True:
        dead["yields"] = yields
    return dead


def _winner_changes(dead: dict[str, object]) -> bool:
    """A dead verdict in which the statute that yields (so the one that prevails) is not the same
    in every version judged."""
    return len(set((dead.get("yields") or {}).values())) > 1  # type: ignore[union-attr]


def _public(dead: dict[str, object]) -> dict[str, object]:
    """The keys of a dead verdict that go into the result's details."""
    return {key: value for key, value in dead.items() if key not in ("dead_winner", "dead_version")}


def _loser(question: QuestionInfo, winner: str) -> str:
    return question.second_statute if winner == question.first_statute else question.first_statute


def _winners_text(resolved: list[tuple[str, str]]) -> str:
    return "; ".join(f"{winner} decides in {label}" for label, winner in resolved)


def _side(question: QuestionInfo, index: int) -> str:
    name = (question.first, question.second)[index]
    home = (question.first_statute, question.second_statute)[index]
    return name if "." in name else f"{home}.{name}"


def _encoder(statute: StatuteModel, version: Version, day: dt.date | None) -> tuple[Encoder, tuple | None]:
    """An encoder of the version; over every day of its period when the rules read the
    peildatum (as the built-in checks do)."""
    period = None
    if reads_peildatum(statute):
        start, end = (day, day) if day is not None else version_period(statute, version)
        period = (start.toordinal(), end.toordinal())
    return Encoder(statute, {None: version}, periods={None: period} if period else None), period


def _goal(encoder: Encoder, question: QuestionInfo) -> z3.BoolRef:
    """Both decisions decide, and their values differ."""
    first, second = (_ref(encoder, n) for n in (question.first, question.second))
    return encoder.formula(ir.Op("!=", (first, second), ir.BOOL))


def _ref(encoder: Encoder, name: str) -> ir.DecisionRef:
    return ir.DecisionRef(name, encoder.statute.decisions[name].type)


def _solve(encoder: Encoder, goal: z3.BoolRef, budget: Budget) -> tuple[str, z3.ModelRef | None]:
    solver = new_solver(encoder, budget)
    want = z3.Bool("goal!question", encoder.ctx)
    solver.add(z3.Implies(want, goal))
    status = check(solver, *encoder.assumptions(), want)
    return status, (solver.model() if status == "sat" else None)


def _witness(statute: StatuteModel, version: Version, encoder: Encoder, model, question: QuestionInfo) -> Witness:
    """The case the solver found, replayed: both decisions decided, with different values."""
    from lexproof.verifier.checks import _dated

    facts = read_cases(encoder, model)
    version = _dated(statute, version, encoder, model)
    evaluator = Evaluator({None: version}, facts)
    first, second = evaluator.decision(question.first), evaluator.decision(question.second)
    if not (first.defined and second.defined and first.value != second.value):
        raise InternalError(f"question {question.name}: case {facts} does not make the statutes disagree "
                            f"in the evaluator ({first.status} {first.value!r}, {second.status} {second.value!r})")
    outcomes = {(None, None): Outcomes(evaluator, statute.decisions)}
    return Witness(statute, facts, {None: version.label}, outcomes, (question.first, question.second),
                   dates={None: version.date})


def _winner(statute: StatuteModel, question: QuestionInfo, version: Version) -> str | None:
    """The statute that decides where the two disagree, by the declared priority (None: none
    declared, or lex posterior cannot tell)."""
    if question.priority in ("superior", "specialis"):
        return question.winner
    if question.priority != "posterior":
        return None
    latest = {home: _latest_amendment(statute, version, home) for home in (question.first_statute, question.second_statute)}
    first, second = latest[question.first_statute], latest[question.second_statute]
    if first is None and second is None or first == second:
        return None
    if second is None or (first is not None and first > second):
        return question.first_statute
    return question.second_statute


def _latest_amendment(statute: StatuteModel, version: Version, home: str) -> dt.date | None:
    """The in-force date of the latest amendment of ``home`` applied in the version."""
    dates = []
    for name in (*version.amendments, *version.foreign_amendments):
        amendment = find_amendment(statute, name)
        if amendment is not None and amendment.statute == home:
            dates.append(amendment.in_force)
    return max(dates, default=None)


def _dead(statute: StatuteModel, question: QuestionInfo, version: Version, winner: str, day: dt.date | None,
          budget: Budget) -> dict[str, object]:
    """Whether the yielding decision is dead on the question: no case where it decides and the
    prevailing one does not. 'unknown' when the solver gives up."""
    loser_name, winner_name = ((question.second, question.first) if winner == question.first_statute
                               else (question.first, question.second))
    encoder, _period = _encoder(statute, version, day)
    _, loser_defined = encoder.decision(loser_name)
    _, winner_defined = encoder.decision(winner_name)
    status, model = _solve(encoder, z3.And(loser_defined, z3.Not(winner_defined)), budget)
    if status == "unsat":
        return {"dead": True}
    if status == "unknown":
        return {"dead": "unknown"}
    from lexproof.verifier.checks import _dated

    facts = read_cases(encoder, model)
    evaluator = Evaluator({None: _dated(statute, version, encoder, model)}, facts)
    if not evaluator.decision(loser_name).defined or evaluator.decision(winner_name).defined:
        raise InternalError(f"question {question.name}: case {facts} is not one where only {loser_name} decides")
    return {"dead": False, "alone": {k: str(v) for k, v in facts[None].items()}}


def _dead_text(question: QuestionInfo, dead: dict[str, object]) -> str:
    """Whether the yielding decision is dead, named from the version the verdict comes from
    (the statute that yields there, which under lex posterior need not be the same in every
    version)."""
    if not dead:
        return "whether the yielding decision is dead on this question was not established"
    winner = str(dead["dead_winner"])
    loser = _loser(question, winner)
    if dead.get("dead") is True:
        if _winner_changes(dead):
            yields: dict[str, str] = dead["yields"]  # type: ignore[assignment]
            # Under lex posterior the statute that prevails may change with the version: no one
            # decision yields everywhere, so name each where it yields.
            by_loser: dict[str, list[str]] = {}
            for label, yielding in yields.items():
                by_loser.setdefault(yielding, []).append(label)
            return ("wherever both are in force and a priority decides, the yielding decision is dead there: "
                    + "; ".join(f"{yielding}'s where {_loser(question, yielding)} prevails ({', '.join(labels)})"
                                for yielding, labels in by_loser.items()))
        return (f"{loser}'s decision is dead on this question wherever both are in force and a priority decides: "
                f"{winner} decides every case it decides there")
    if dead.get("dead") == "unknown":
        return f"whether {loser}'s decision is dead on this question is unknown (the solver gave up)"
    return (f"{loser}'s decision is not dead: where {winner} prevails ({dead.get('dead_version')}), "
            f"{loser} still decides cases {winner} leaves undecided")
