"""Soundness of statutes that read each other (issue 19): generated statutes ``L0``, ``L1``, ...
that use earlier ones (``tests/statute_generator.py``, ``linked_statutes``), naming their int
fact differently and mapping it with ``same fact`` (sometimes through a chain), in every version
that matters (dates around the parameter change and amendments, before and after each
amendment of the statute or of a statute it reads).

Three engines must agree on every case of the (finite) domain:

* the evaluator on the reader's merged version, and the Z3 encoding of it
  (``test_soundness.multi_encoding_disagreements``: no missing and no extra models);
* for every decision the reader imports (``L0.d1``), the evaluator of the *home* statute, run on
  its own version on the same date (with the same amendments applied or left out): an oracle for
  the import and the merge of versions that does not go through them;
* for a ``same question``, the conflict check against brute force: it reports a disagreement
  exactly when some case makes both decisions decided and different (never 'clean' when one
  exists; 'unknown' is allowed, never turned into 'clean').
"""

from __future__ import annotations

import datetime as dt

from hypothesis import event, given
from statute_generator import LINKED_DATES, LinkedStatutes, linked_statutes, numbered
from test_soundness import BUDGET, multi_encoding_disagreements, outcome, soundness_settings

from lexproof.dsl.check_program import check_files
from lexproof.dsl.consolidate import Version, check_all_versions, distinct_versions, version_on
from lexproof.dsl.diagnostics import LexproofError
from lexproof.dsl.evaluator import Evaluator
from lexproof.dsl.model import Program, StatuteModel
from lexproof.dsl.parser import parse_text
from lexproof.dsl.xref import all_amendments
from lexproof.verifier import api
from lexproof.verifier.questions import _question, check_questions


def _load(gen: LinkedStatutes) -> Program:
    try:
        program = check_files([parse_text(text, f"<{name}>") for name, text in gen.texts.items()])
        for statute in program.statutes.values():
            check_all_versions(statute)
    except LexproofError as error:
        raise AssertionError("the generator produced statutes the checker rejects:\n" + error.render()
                             + "\n--- text ---\n" + numbered(gen.source())) from None
    return program


def _versions(statute: StatuteModel) -> list[tuple[str, Version, tuple[str, ...], tuple[str, ...]]]:
    """(label, version, include, exclude) for each date, and before/after each amendment the
    statute sees (its own and those of the statutes it reads)."""
    specs: list[tuple[dt.date, tuple[str, ...], tuple[str, ...]]] = [(day, (), ()) for day in LINKED_DATES]
    for amendment in all_amendments(statute):
        specs += [(amendment.in_force, (amendment.name,), ()), (amendment.in_force, (), (amendment.name,))]
    return [(f"{day} +{include} -{exclude}", version_on(statute, day, include=include, exclude=exclude), include, exclude)
            for day, include, exclude in specs]


def _case_of(statute: StatuteModel, case: dict, gen: LinkedStatutes) -> dict:
    """The common case in the statute's own fact names (``same fact`` renames ``n``)."""
    return gen.case_for(statute.name, case, statute.facts)


def _home_outcome(program: Program, name: str, version: Version, include, exclude, case: dict, gen: LinkedStatutes):
    """The outcome of ``L0.d1`` by L0's own evaluator, in L0's version on the same date."""
    home, _, local = name.partition(".")
    statute = program.statutes[home]
    theirs = version_on(statute, version.date, include=include, exclude=exclude)
    outcome = Evaluator({None: theirs}, {None: _case_of(statute, case, gen)}).decision(local)
    return outcome.status, outcome.value


@soundness_settings(40)
@given(gen=linked_statutes())
def test_statutes_that_read_each_other_agree_in_evaluator_encoding_and_home_statute(gen: LinkedStatutes) -> None:
    program = _load(gen)
    cases = gen.cases()
    mapped = sum(len(m) for s in program.statutes.values() for m in s.fact_map.values())
    event(f"same fact mappings: {min(mapped, 2)}{'+' if mapped > 2 else ''}")
    event("a chain of mappings (same fact A.x = B.y)" if any(" = L" in line for text in gen.texts.values()
          for line in text.splitlines() if line.startswith("same fact")) else "no chain of mappings")
    for statute in program.statutes.values():
        for label, version, include, exclude in _versions(statute):
            mine = [_case_of(statute, case, gen) for case in cases]
            unique = [dict(t) for t in {tuple(sorted(c.items())) for c in mine}]
            problems = multi_encoding_disagreements(statute, {None: version}, (None,), [{None: c} for c in unique])
            assert not problems, f"{statute.name} {label}:\n" + "\n".join(problems[:5]) + "\n" + numbered(gen.source())
            for name in statute.foreign:
                if name not in statute.decisions:
                    continue
                for case in cases:
                    got = Evaluator({None: version}, {None: _case_of(statute, case, gen)}).decision(name)
                    expected = _home_outcome(program, name, version, include, exclude, case, gen)
                    assert (got.status, got.value) == expected, (
                        f"{statute.name} {label}: {name} for {case}: reader {got.status} {got.value!r}, "
                        f"home {expected}\n" + numbered(gen.source()))
        event(f"statutes: {len(program.statutes)}; imported decisions in {statute.name}: "
              f"{sum(1 for n in statute.foreign if n in statute.decisions)}")


@soundness_settings(30)
@given(gen=linked_statutes(min_statutes=2, max_statutes=3))
def test_the_conflict_check_between_statutes_agrees_with_brute_force(gen: LinkedStatutes) -> None:
    program = _load(gen)
    reader = program.statutes[f"L{len(gen.texts) - 1}"]
    if not reader.questions:
        event("no question")
        return
    question = reader.questions[0]
    for day in LINKED_DATES:
        version = version_on(reader, day)
        evaluator_cases = [_case_of(reader, case, gen) for case in gen.cases()]
        disagree = False
        for case in evaluator_cases:
            evaluator = Evaluator({None: version}, {None: case})
            first, second = evaluator.decision(question.first), evaluator.decision(question.second)
            if first.defined and second.defined and first.value != second.value:
                disagree = True
                break
        result = check_questions(reader, day, BUDGET)[0]
        event(f"question: {result.status}")
        if result.status == "unknown":
            continue
        assert (result.status in ("conflict", "resolved")) == disagree, (
            f"on {day}: check says {result.status}, brute force says disagree={disagree}\n" + numbered(gen.source()))


def _brute_winner(gen: LinkedStatutes, version: Version, homes: tuple[str, str]) -> str | None:
    """The statute that prevails in the version by the declared priority, worked out from the
    generator's own record of the amendments (names and in-force dates), not from the checker's."""
    kind, _, named = gen.priority.removeprefix("lex ").partition(" ")
    if kind in ("superior", "specialis"):
        return named
    applied = set(version.amendments) | set(version.foreign_amendments)
    latest = [max((day for name, day, _ in gen.amendments[home] if name in applied), default=None) for home in homes]
    if latest[0] == latest[1]:  # neither amended, or both on the same day: lex posterior cannot tell
        return None
    if latest[1] is None or (latest[0] is not None and latest[0] > latest[1]):
        return homes[0]
    return homes[1]


@soundness_settings(40)
@given(gen=linked_statutes(min_statutes=2, max_statutes=3, with_priority=True))
def test_the_priority_between_statutes_agrees_with_brute_force(gen: LinkedStatutes) -> None:
    """Over every distinct version (from 2020, when the parameters have values): 'resolved'
    exactly when the two disagree somewhere and the priority names a statute in every version
    where they do ('conflict' when one such version has none), the statute that decides in each,
    and 'dead' exactly when in no version the yielding decision decides a case the prevailing one
    leaves undecided."""
    program = _load(gen)
    reader = program.statutes[f"L{len(gen.texts) - 1}"]
    if not reader.questions or gen.priority is None:
        event("no question with a priority")
        return
    question = reader.questions[0]
    homes = (question.first_statute, question.second_statute)
    versions = [v for v in distinct_versions(reader, LINKED_DATES[2]) if v.date >= dt.date(2020, 1, 1)]
    winners: dict[str, str | None] = {}  # version label -> who prevails, where they disagree
    dead = True
    not_dead: set[tuple[str, str]] = set()  # (yields, prevails) where the yielding one decides alone
    for version in versions:
        cases = [Evaluator({None: version}, {None: _case_of(reader, case, gen)}) for case in gen.cases()]
        outcomes = [(e.decision(question.first), e.decision(question.second)) for e in cases]
        winner = _brute_winner(gen, version, homes)
        if any(f.defined and s.defined and f.value != s.value for f, s in outcomes):
            winners[version.label] = winner
        if winner is not None:
            loser_is_first = winner == homes[1]
            if any((f if loser_is_first else s).defined and not (s if loser_is_first else f).defined for f, s in outcomes):
                dead = False
                not_dead.add((homes[0] if loser_is_first else homes[1], winner))
    result = _question(reader, question, versions, None, BUDGET)
    event(f"priority {gen.priority.split()[1]}: {result.status}")
    if result.status == "unknown" or result.details.get("dead") == "unknown":
        return
    source = "\n" + numbered(gen.source())
    if not winners:
        assert result.status == "clean", f"{result.status}: {result.message}{source}"
    elif None in winners.values():
        assert result.status == "conflict", f"{result.status}: {result.message}; by hand {winners}{source}"
        assert "dead" not in result.details
    else:
        assert result.status == "resolved", f"{result.status}: {result.message}; by hand {winners}{source}"
        assert result.details.get("winners", {label: result.details["winner"] for label in winners}) == winners, (
            f"{result.details}; by hand {winners}{source}")
    if result.status != "conflict" and any(_brute_winner(gen, v, homes) for v in versions):
        assert result.details["dead"] is dead, f"{result.message}; by hand dead={dead}{source}"
        if not dead:  # the message names a statute that yields where it is not dead
            assert any(f"{loser}'s decision is not dead: where {winner} prevails" in result.message
                       for loser, winner in not_dead), f"{result.message}; by hand {not_dead}{source}"


@soundness_settings(30)
@given(gen=linked_statutes(min_statutes=2, max_statutes=3))
def test_diff_of_an_amendment_into_the_reader_agrees_with_brute_force(gen: LinkedStatutes) -> None:
    """``diff --amendment A --statute R`` for every amendment R sees (its own, or of a statute it
    reads, directly or not): a decision of R is 'changed' exactly when some case's outcome
    differs between R's versions without and with A on A's in-force date, and each row's
    witness is such a case (the same-cone shortcut must see A's rules through the import)."""
    program = _load(gen)
    reader = program.statutes[f"L{len(gen.texts) - 1}"]
    amendments = all_amendments(reader)
    if not amendments:
        event("no amendment")
        return
    for amendment in amendments:
        event("amendment of a used statute" if amendment.statute != reader.name else "amendment of the reader")
        before = version_on(reader, amendment.in_force, exclude=(amendment.name,))
        after = version_on(reader, amendment.in_force, include=(amendment.name,))
        results = api.diff(program, amendment=amendment.name, statute=reader.name)
        cases = [_case_of(reader, case, gen) for case in gen.cases()]
        for result in results:
            changed = [case for case in cases
                       if outcome(Evaluator({"before": before, "after": after}, {None: case}), result.name, None, "before")
                       != outcome(Evaluator({"before": before, "after": after}, {None: case}), result.name, None, "after")]
            where = f"diff --amendment {amendment.name}, {reader.name}.{result.name}"
            event(f"diff of a reader's decision: {result.status}")
            assert result.status in ("changed", "unchanged", "unknown"), f"{where}: {result.status}"
            if result.status == "unknown":
                continue
            assert (result.status == "changed") == bool(changed), (
                f"{where}: {result.status}, brute force {len(changed)} changed, e.g. {changed[:1]}\n" + numbered(gen.source()))
            for witness in result.witnesses:
                assert witness.facts[None] in changed, f"{where}: witness {witness.facts[None]} does not change"
