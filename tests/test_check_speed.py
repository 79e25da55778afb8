"""Issue 18 (the ``check`` target): the speed-ups of ``lexproof check`` change nothing it reports.

- The witness search (verifier/witness_search.py) evaluates a case once per decision and takes
  the outcomes of the decisions it reads over when it asks what removing one rule changes,
  and it skips the text of a failed condition: the evidence it gathers is the evidence of the
  plain evaluator, one fresh evaluation per question (a second implementation, below), for
  every decision in every version of the bundled statutes and of a generated book.
- ``Version.enum_values`` is remembered per version: the same values as computed afresh.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from lexproof.dsl.consolidate import distinct_versions
from lexproof.dsl.evaluator import Evaluator, Undefined
from lexproof.dsl.xref import own_decisions
from lexproof.verifier import api
from lexproof.verifier.witness_search import Evidence, _sample_cases, _settled, _Without, gather

ROOT = Path(__file__).resolve().parent.parent
DAY = api._date("2026-06-01")
STATUTES = ["lll", "hardheidsclausule", "gegevensuitwisseling", "kinderopvang"]


def _book(tmp_path: Path, rules: int = 150):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import book
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    book.write_book(rules, tmp_path, defects=0.4)
    return api.load(*(tmp_path / name for name in book.BOOK_FILES))


def _plain_outcome(version, case, decision):
    """The evaluator as a user runs it: a fresh one per question, every trace complete."""
    try:
        return Evaluator({None: version}, {None: case}).decision(decision)
    except (Undefined, KeyError):
        return None


def _reference_gather(statute, version, decision, rules, redundancy: bool) -> Evidence:
    """``witness_search.gather`` written out with nothing shared between evaluations."""
    evidence = Evidence()
    if not rules:
        return evidence
    for case in _sample_cases(statute, version, decision):
        outcome = _plain_outcome(version, case, decision)
        if outcome is not None and not any(t.status == "undefined" for t in outcome.rules):
            evidence.applied.update(t.rule.name for t in outcome.rules if t.status == "applied")
            if redundancy:
                for rule in rules:
                    if rule.name in evidence.matters:
                        continue
                    without = _plain_outcome(_Without(version, rule.name), case, decision)
                    if without is not None and (without.defined != outcome.defined
                                                or (outcome.defined and without.value != outcome.value)):
                        evidence.matters.add(rule.name)
        if _settled(evidence, rules, redundancy):
            break
    return evidence


def _compare_evidence(program) -> int:
    compared = 0
    for statute in program.statutes.values():
        for version in distinct_versions(statute, DAY):
            for decision in own_decisions(statute):
                if not version.has_decision(decision) or not version.rules_of(decision):
                    continue
                if api._decision_cone(statute, version, decision)[1]:
                    continue  # a parameter without a value here: the checks skip it too
                rules = version.rules_of(decision)
                for redundancy in (False, True):
                    fast = gather(statute, version, decision, rules, redundancy)
                    slow = _reference_gather(statute, version, decision, rules, redundancy)
                    assert (fast.applied, fast.matters) == (slow.applied, slow.matters), (decision, version.label)
                compared += 1
    return compared


@pytest.mark.parametrize("name", STATUTES)
def test_witness_search_gathers_the_plain_evaluators_evidence_on_the_statutes(name: str) -> None:
    program = api.load(ROOT / "statutes" / name)
    assert _compare_evidence(program) > 0


def test_witness_search_gathers_the_plain_evaluators_evidence_on_a_book(tmp_path: Path) -> None:
    program = _book(tmp_path)
    # the book's chains make decisions read decisions 18 layers deep: the shared outcomes matter
    assert _compare_evidence(program) > 100


GROWN = """statute S
  enum Soort { a, b }
  facts F { x: int 0..100  s: Soort }
  decision d: int otherwise 0
  rule r1 [art. 1]: d = 1 if s = a
amendment A amends S in force 2025-01-01
  add enum Soort { c }
  insert rule r2 [art. 2]: d = 2 if s = c
"""


def test_enum_values_are_remembered_per_version_and_equal_a_fresh_computation(tmp_path: Path) -> None:
    path = tmp_path / "s.law"
    path.write_text(GROWN, encoding="utf-8")
    (statute,) = api.load(path).statutes.values()
    versions = distinct_versions(statute, DAY)
    seen = []
    for version in versions:
        first = version.enum_values("Soort")
        assert version.enum_values("Soort") == first  # the remembered answer
        seen.append(first)
    # by hand: before the amendment a and b, after it c as well
    assert sorted(seen) == [("a", "b"), ("a", "b", "c")]


def test_same_sort_answers_as_z3py_compares_sorts() -> None:
    import z3

    from lexproof.verifier.encoding import _same_sort

    ctx = z3.Context()
    terms = [z3.Int("i", ctx), z3.Int("j", ctx), z3.IntVal(3, ctx), z3.Real("r", ctx), z3.RealVal("1/2", ctx),
             z3.Bool("b", ctx), z3.BitVec("v", 8, ctx), z3.BitVec("w", 16, ctx)]
    pairs = [(a, b) for a in terms for b in terms]
    assert all(_same_sort(ctx, a, b) == (a.sort() == b.sort()) for a, b in pairs)
    # by hand: int with int, real with real, bool, and bit-vectors of one width only
    assert sum(_same_sort(ctx, a, b) for a, b in pairs) == 9 + 4 + 1 + 1 + 1


def test_the_versions_are_consolidated_once_for_every_part_of_the_checks(monkeypatch, tmp_path: Path) -> None:
    from lexproof.dsl import consolidate

    program = _book(tmp_path)
    (statute,) = program.statutes.values()
    calls: list[str] = []
    fresh = consolidate.distinct_versions

    def counted(model, default=None):
        calls.append(model.name)
        return fresh(model, default)

    monkeypatch.setattr(api, "distinct_versions", counted)
    monkeypatch.setattr(api, "DECISIONS_PER_PART", 10)  # several parts, as a large statute has
    assert len(api.builtin_parts(statute)) > 3
    results = api.check(program, properties=False, examples=False)
    assert calls == [statute.name]  # not once per part, nor again for the report order
    assert results and all(r.statute == statute.name for r in results)
    labels = [v.label for v in api.checked_versions(statute, None, DAY)]
    assert labels == [v.label for v in fresh(statute, DAY)] and len(labels) >= 5
    # kept for the run only (a version holds its statute): outside a check, consolidated afresh
    assert api._RUN_VERSIONS is None and calls == [statute.name, statute.name]
