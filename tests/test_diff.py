"""The amendment diff (verifier/diff.py, verifier/regions.py): the numeric ranges of its rows,
their witnesses, and the synthetic benchmark statute whose diff once crashed.

The soundness suite (tests/test_soundness.py) checks the diff against brute force on generated
statutes (changed or not, each row's witness really changes); these tests pin what it does not
cover: rate facts, unbounded facts, and z3's optimizer answering ``sat`` with a model that
violates its own assertions."""

from __future__ import annotations

import random
from pathlib import Path

from dsl.consolidate import version_on
from dsl.evaluator import Evaluator
from dsl.model import StatuteModel
from verifier.diff import diff_versions
from verifier.regions import Row, _merge
from verifier.solving import Budget

BUDGET = Budget(rlimit=200_000_000, timeout_ms=60_000)
ROOT = Path(__file__).resolve().parent.parent


def _load(text: str) -> StatuteModel:
    from dsl.checker import check_files
    from dsl.consolidate import check_all_versions
    from dsl.parser import parse_text

    statute = check_files([parse_text(text, "<test_diff>")]).statute()
    check_all_versions(statute)
    return statute


def _versions(statute: StatuteModel, amendment: str = "A"):
    info = statute.amendments[amendment]
    return (version_on(statute, info.in_force, exclude=(amendment,)),
            version_on(statute, info.in_force, include=(amendment,)))


def _diff(text: str):
    statute = _load(text)
    before, after = _versions(statute)
    return statute, before, after, diff_versions(statute, before, after, BUDGET)


def _outcome(evaluator: Evaluator, name: str, slot: str) -> tuple[bool, object]:
    outcome = evaluator.decision(name, None, slot)
    return (outcome.defined, outcome.value if outcome.defined else None)


def _assert_witnesses_change(statute, before, after, result) -> None:
    rows = result.details["rows"]
    assert len(rows) == len(result.witnesses)
    for row, witness in zip(rows, result.witnesses):
        facts = witness.facts[None]
        assert set(facts) == set(statute.facts), f"row {row['when']}: incomplete witness {facts}"
        evaluator = Evaluator({"before": before, "after": after}, {None: facts})
        assert _outcome(evaluator, result.name, "before") != _outcome(evaluator, result.name, "after"), (
            f"row {row['when']}: its witness {facts} does not change"
        )


def _rows(result) -> list[tuple[str, str, str]]:
    return [(row["when"], row["before"], row["after"]) for row in result.details["rows"]]


# --- z3's optimizer: sat with a model that violates its own assertions ------------------------------

# A rate below a strict bound (r < 59%): the range's supremum is not attained, and z3's Optimize
# answers sat with reason_unknown 'unknown', objective '59/100 - epsilon' and a model with
# r = -41/100, outside r's own domain. The hull read that model: the row's range became
# 0..-0.41 (empty), no witness was found, and the evaluator raised KeyError replaying the empty
# case (lexproof diff: internal error). Now the bound comes from the objective's value, checked
# by the solver; a supremum that is not attained gives the range's closure, and the row is
# 'some cases'.
STRICT_RATE = """\
statute S
facts G {
  r: rate 0..1
  b: bool
}
decision d: bool otherwise false
rule r1 [art. 1]: d = true if r >= 48% and not b
amendment A amends S in force 2024-01-01
  replace rule r1 [art. 1]:
    d = true
    if r < 59% and b
"""


def test_strict_rate_bound_gives_rows_with_witnesses() -> None:
    statute, before, after, (result,) = _diff(STRICT_RATE)
    assert result.status == "changed"
    assert result.details["complete"]
    assert sorted(_rows(result)) == [
        ("b = false, r 48%..100%", "true", "false"),
        ("some cases: b = true, r 0%..59%", "false", "true"),
    ]
    _assert_witnesses_change(statute, before, after, result)


UNBOUNDED_INTS = """\
statute S
facts G {
  n: int
  m: int
}
decision d: bool otherwise false
rule r1 [art. 1]: d = true if n > 10
amendment A amends S in force 2024-01-01
  replace rule r1 [art. 1]:
    d = true
    if n > m
"""


def test_unbounded_facts_get_no_range_from_an_unbounded_objective() -> None:
    """Was: maximize answered 'oo' and the hull took the model's value as the bound: the row of
    n > 10 and n <= m read 'n = 11, m = 11', and the other 'n 0..10, m -1..9' (n can be
    negative). Neither range is bounded, so none is shown."""
    statute, before, after, (result,) = _diff(UNBOUNDED_INTS)
    assert sorted(_rows(result)) == [
        ("some cases: every case", "false", "true"),
        ("some cases: every case", "true", "false"),
    ]
    _assert_witnesses_change(statute, before, after, result)


def test_a_bounded_int_range_is_exact() -> None:
    statute, before, after, (result,) = _diff(
        "statute S\nfacts G { n: int }\ndecision d: bool otherwise false\n"
        "rule r1 [art. 1]: d = true if n > 10\n"
        "amendment A amends S in force 2024-01-01\n  replace rule r1 [art. 1]:\n    d = true\n    if n > 20\n"
    )
    assert _rows(result) == [("n 11..20", "true", "false")]
    _assert_witnesses_change(statute, before, after, result)


# --- merging rows -------------------------------------------------------------------------------


def _merge_reference(rows: list[Row], finite: list[str]) -> list[Row]:
    """The merge as first written: after each merge, rescan every pair from the start."""
    rows = [Row(dict(r.values), r.label) for r in rows]
    changed = True
    while changed:
        changed = False
        for i in range(len(rows)):
            for j in range(i + 1, len(rows)):
                a, b = rows[i], rows[j]
                if a.label != b.label:
                    continue
                differing = [f for f in finite if a.values[f] != b.values[f]]
                if len(differing) == 1:
                    fact = differing[0]
                    merged = dict(a.values)
                    merged[fact] = a.values[fact] | b.values[fact]
                    rows[i] = Row(merged, a.label)
                    del rows[j]
                    changed = True
                    break
            if changed:
                break
    return rows


def test_merge_gives_the_same_groups_as_rescanning_every_pair() -> None:
    rng = random.Random(7)
    for _ in range(400):
        finite = [f"f{k}" for k in range(rng.randint(0, 4))]
        sizes = [rng.randint(1, 4) for _ in finite]
        points = list({(tuple(rng.randrange(s) for s in sizes), rng.randint(0, 2)) for _ in range(rng.randint(0, 40))})
        rng.shuffle(points)
        rows = [Row({f: frozenset([v[k]]) for k, f in enumerate(finite)}, (label,)) for v, label in points]
        expected = [(r.values, r.label) for r in _merge_reference(rows, finite)]
        assert [(r.values, r.label) for r in _merge(rows, finite)] == expected
