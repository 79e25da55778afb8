"""The amendment diff (verifier/diff.py, verifier/regions.py): the numeric ranges of its rows,
their witnesses, and the synthetic benchmark statute whose diff once crashed.

The soundness suite (tests/test_soundness.py) checks the diff against brute force on generated
statutes (changed or not, each row's witness really changes); these tests pin what it does not
cover: rate facts, unbounded facts, ranges against brute force, and z3's optimizer answering
``sat`` with a model that violates its own assertions."""

from __future__ import annotations

import importlib.util
import itertools
import random
import sys
import time
from fractions import Fraction
from pathlib import Path

import pytest

from lexproof.dsl.consolidate import version_on
from lexproof.dsl.evaluator import Evaluator
from lexproof.dsl.model import StatuteModel
from lexproof.verifier import api, regions
from lexproof.verifier.diff import diff_versions
from lexproof.verifier.regions import Row, _merge
from lexproof.verifier.solving import Budget

BUDGET = Budget(rlimit=200_000_000, timeout_ms=60_000)
ROOT = Path(__file__).resolve().parent.parent


def _load(text: str) -> StatuteModel:
    from lexproof.dsl.check_program import check_files
    from lexproof.dsl.consolidate import check_all_versions
    from lexproof.dsl.parser import parse_text

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


@pytest.mark.parametrize("answer", [None, (Fraction(-41, 100), True), (Fraction(7, 1), True), (Fraction(1, 2), False)])
def test_a_wrong_or_missing_optimizer_answer_never_gives_a_wrong_range(monkeypatch, answer) -> None:
    """Whatever the optimizer answers (nothing, a value outside the range, a bound that is not
    one, an unattained 'bound' below the range), the solver's checks reject it: a rate fact then
    has no range ('some cases'), and whole-step facts are bisected to the same exact ranges."""
    monkeypatch.setattr(regions._Summary, "_optimize", lambda self, term, info, where, direction: answer)
    statute, before, after, (result,) = _diff(STRICT_RATE)
    assert sorted(_rows(result)) == [
        ("some cases: b = false", "true", "false"),
        ("some cases: b = true", "false", "true"),
    ]
    _assert_witnesses_change(statute, before, after, result)
    statute, before, after, results = _diff(HULLS)
    assert _whens(results) == EXPECTED_HULL_ROWS
    for result in results:
        _assert_witnesses_change(statute, before, after, result)


# --- the ranges against brute force ---------------------------------------------------------------

HULLS = """\
statute S
enum Kind { a, b, c }
facts G {
  x: int 0..20
  m: money €0..€2
  k: Kind
  p: bool
}
decision d: bool otherwise false
decision t: money otherwise €0
rule r1 [art. 1]: d = true if x >= 10 and m > €1 and k = a
rule r2 [art. 2]: t = m if x < 15 and p
amendment A amends S in force 2024-01-01
  replace rule r1 [art. 1]:
    d = true
    if x >= 12 and x < 18 and m >= €0.50 and k in {a, b}
  replace rule r2 [art. 2]:
    t = €1.50
    if x < 12 and (p or m < €0.25)
"""

EXPECTED_HULL_ROWS = [  # the 'when' of each row of d, then of t
    [
        "k = b, x 12..17, m €0.50..€2.00",  # false -> true
        "k = a, x 12..17, m €0.50..€1.00",  # false -> true
        "some cases: k = a, x 10..20, m €1.01..€2.00",  # true -> false: x in 10..11 or 18..20
    ],
    [  # t: €1.50 (after) against m (before, when p) or €0
        "p = true, x 0..11, m €0.00..€1.49",  # gains: €1.50 > m
        "p = false, x 0..11, m €0.00..€0.24",  # gains: €1.50 > €0
        "some cases: p = true, x 0..14, m €0.01..€2.00",  # loses: m > €1.50 (x < 12), or m > €0 (x 12..14)
    ],
]


def _whens(results) -> list[list[str]]:
    return [[row["when"] for row in result.details["rows"]] for result in results]


def _brute_direction(kind: str, before: tuple[bool, object], after: tuple[bool, object]) -> str:
    """The direction of one case's change, written again here (not lexproof.verifier.diff._direction)."""
    if kind == "bool":
        was, now = before == (True, True), after == (True, True)
        return "gains" if now and not was else "loses" if was and not now else "changes"
    if before[0] and after[0]:
        return "gains" if after[1] > before[1] else "loses"
    return "changes"


def test_ranges_and_exactness_match_brute_force(monkeypatch) -> None:
    """Every row's ranges are the least and greatest value of each numeric fact over the row's
    cases that change in the row's direction (with the row's outcome label); an exact row has
    no other cases."""
    statute = _load(HULLS)
    before, after = _versions(statute)
    regions_seen = []
    summarize = regions.summarize

    def recording(*args, **kwargs):
        region = summarize(*args, **kwargs)
        regions_seen.append(region)
        return region

    monkeypatch.setattr("lexproof.verifier.diff.summarize", recording)
    results = diff_versions(statute, before, after, BUDGET)
    assert _whens(results) == EXPECTED_HULL_ROWS
    cases = [
        {"x": x, "m": Fraction(cents, 100), "k": k, "p": p}
        for x, cents, k, p in itertools.product(range(21), range(201), ("a", "b", "c"), (False, True))
    ]
    # summarize is called once per direction with cases, in the order gains, loses, changes
    parts = [(result, direction) for result in results
             for direction, part in result.details["directions"].items() if part["status"] == "some"]
    assert len(parts) == len(regions_seen)
    for (result, direction), region in zip(parts, regions_seen):
        name = result.name
        kind = statute.decisions[name].type.kind
        finite = kind == "bool"
        changed = []
        for case in cases:
            evaluator = Evaluator({"before": before, "after": after}, {None: case})
            b, a = _outcome(evaluator, name, "before"), _outcome(evaluator, name, "after")
            if b != a and _brute_direction(kind, b, a) == direction:
                changed.append((case, (b[0], a[0], b[1], a[1]) if finite else (b[0], a[0])))
        assert changed, (name, direction)
        assert region.complete
        for row in region.rows:
            members = [c for c, label in changed
                       if label == row.label and all(c[f] in row.values[f] for f in region.finite_facts)]
            assert members, row
            for fact in region.numeric_facts:
                low, high = min(c[fact] for c in members), max(c[fact] for c in members)
                assert row.ranges.get(fact) == (low, high), (name, row, fact)
            in_box = [c for c in cases
                      if all(c[f] in row.values[f] for f in region.finite_facts)
                      and all(row.ranges[f][0] <= c[f] <= row.ranges[f][1] for f in region.numeric_facts)]
            assert row.exact == (len(in_box) == len(members)), (name, row)


# --- merging rows -------------------------------------------------------------------------------


def _cases(rows: list[Row], finite: list[str]) -> set[tuple]:
    """Every (label, combination) a list of rows covers, counted with multiplicity check."""
    covered: list[tuple] = []
    for row in rows:
        for combination in itertools.product(*(sorted(row.values[f]) for f in finite)):
            covered.append((row.label, combination))
    assert len(covered) == len(set(covered)), "two groups share a case"
    return set(covered)


def test_merge_covers_exactly_the_rows_whatever_their_order() -> None:
    rng = random.Random(7)
    for _ in range(400):
        finite = [f"f{k}" for k in range(rng.randint(0, 4))]
        sizes = [rng.randint(1, 4) for _ in finite]
        points = list({(tuple(rng.randrange(s) for s in sizes), rng.randint(0, 2)) for _ in range(rng.randint(0, 40))})
        rows = [Row({f: frozenset([v[k]]) for k, f in enumerate(finite)}, (label,)) for v, label in points]
        merged = _merge(rows, finite)
        assert _cases(merged, finite) == {((label,), v) for v, label in points}
        rng.shuffle(rows)
        assert [(r.values, r.label) for r in _merge(rows, finite)] == [(r.values, r.label) for r in merged]


def test_merge_makes_one_group_of_a_full_product() -> None:
    finite = ["a", "b", "c"]
    rows = [Row({"a": frozenset([x]), "b": frozenset([y]), "c": frozenset([z])}, ("gains",))
            for x in range(3) for y in range(2) for z in range(4)]
    random.Random(3).shuffle(rows)
    (group,) = _merge(rows, finite)
    assert group.values == {"a": frozenset(range(3)), "b": frozenset(range(2)), "c": frozenset(range(4))}


# --- the synthetic benchmark statute ------------------------------------------------------------


def test_diff_of_the_generated_100_rule_statute_completes(tmp_path: Path, monkeypatch) -> None:
    """Was: 2-3 of its 36 decisions crashed with KeyError (the optimizer's bogus model above);
    and the diff took 15 s of CPU (two new optimizers per numeric fact per row)."""
    spec = importlib.util.spec_from_file_location("lexproof_bench_generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, generate)  # its dataclasses look their module up
    spec.loader.exec_module(generate)
    generate.write_statute(100, tmp_path)
    program = api.load(str(tmp_path))
    start = time.process_time()
    results = api.diff(program, amendment="wijziging_2027")
    elapsed = time.process_time() - start
    assert all(r.status in ("changed", "unchanged") for r in results), [(r.name, r.status) for r in results]
    changed = [r for r in results if r.status == "changed"]
    assert changed
    model = api.statute_of_amendment(program, "wijziging_2027")
    for result in changed:
        assert result.details["rows"], result.name
        for row in result.details["rows"]:
            assert set(row["witness"]) == set(model.facts), (result.name, row["when"])
    assert elapsed < 20, f"the diff took {elapsed:.1f} s of CPU"


def test_an_exact_row_shows_even_a_nearly_whole_range(tmp_path: Path) -> None:
    from fractions import Fraction

    from lexproof.verifier.regions import describe_row

    path = tmp_path / "s.law"
    path.write_text("statute S\nfacts F { m: money €0..€20_000 }\ndecision d: int otherwise 0\n", encoding="utf-8")
    statute = api.load(path).statute()
    # €0.01..€20,000 reads as noise, but leaving it out of an exact row would claim m = €0 too.
    row = Row({}, ("gains",), {"m": (Fraction(1, 100), Fraction(20_000))}, exact=True)
    assert describe_row(statute, row, []) == ["m €0.01..€20,000.00"]
    row.exact = False
    assert describe_row(statute, row, []) == ["some cases: every case"]
    whole = Row({}, ("gains",), {"m": (Fraction(0), Fraction(20_000))}, exact=True)
    assert describe_row(statute, whole, []) == ["every case"]


def _diff_of_enum_rule(tmp_path: Path, facts: list[str], condition: str, extra_facts: str = ""):
    values = ", ".join(f"v{k}" for k in range(7))
    declared = "\n ".join(f"{f}: E" for f in facts)
    return _diff_of(tmp_path, f"statute S\nenum E {{ {values} }}\nfacts F {{ {declared}{extra_facts} }}\n"
                              "decision d: bool otherwise false\n"
                              "amendment A amends S in force 2024-01-01\n"
                              f"  insert rule r [art. 2]: d = true if {condition}\n")


def _diff_of(tmp_path: Path, text: str):
    """The diff of decision d of statute S without and with amendment A."""
    path = tmp_path / "s.law"
    path.write_text(text, encoding="utf-8")
    statute = api.load(path).statute()
    info = statute.amendments["A"]
    before = version_on(statute, info.in_force, exclude=("A",))
    after = version_on(statute, info.in_force, include=("A",))
    (result,) = diff_versions(statute, before, after, BUDGET)
    return result


def test_a_region_too_large_to_list_is_outlined_and_says_why(tmp_path: Path) -> None:
    # 342 of the 343 combinations change: more than the 256 listed at most.
    result = _diff_of_enum_rule(tmp_path, ["a", "b", "c"], "a != v0 or b != v0 or c != v0")
    reason = "more than 32 combinations of enum/bool values (the rows outline them)"
    assert result.details["complete"] is False
    assert result.details["incomplete_reason"] == "gains: " + reason
    # the count is a lower bound (the combinations listed before outlining), and says so
    assert result.details["directions"]["gains"] == {
        "status": "some", "combinations": 32, "complete": False, "outlined": True, "incomplete_reason": reason,
    }
    # one row: every value of every fact occurs among the cases that gain
    (row,) = result.details["rows"]
    assert (row["when"], row["outline"], row["combinations"], row["direction"]) == ("within: every case", True, 32, "gains")
    assert result.message == "d changes in 0 group(s) and 1 outline(s)"


def test_an_outline_shows_the_values_and_ranges_the_cases_keep_to(tmp_path: Path) -> None:
    """Worked out by hand. d becomes true where a and b are not v0: 36 combinations of the facts
    the rule reads, more than the 32 listed first, but their outline (6 x 6) allows no more
    than 256, so the listing goes on and ends: one group. With two more facts and x: 6 x 6 x 2
    x 6 = 432 combinations, outlined as the values each fact takes and x's range."""
    listed = _diff_of_enum_rule(tmp_path, ["a", "b", "c"], "a != v0 and b != v0")
    assert listed.details["complete"] is True
    assert listed.details["gains"] == 36
    assert [row["when"] for row in listed.details["rows"]] == [
        "a in {v1, v2, v3, v4, v5, v6}, b in {v1, v2, v3, v4, v5, v6}"]
    assert "outline" not in listed.details["rows"][0]
    condition = "a != v0 and b != v0 and (c = v1 or c = v2) and e != v3 and x >= 10"
    outlined = _diff_of_enum_rule(tmp_path, ["a", "b", "c", "e"], condition, "\n x: int 0..20")
    (row,) = outlined.details["rows"]
    assert row["outline"] is True
    assert row["when"] == ("within: a in {v1, v2, v3, v4, v5, v6}, b in {v1, v2, v3, v4, v5, v6}, c in {v1, v2}, "
                           "e in {v0, v1, v2, v4, v5, v6}, x 10..20")
    assert outlined.details["directions"]["gains"]["complete"] is False
    assert outlined.details["gains"] == 32


LATE_LABEL = """statute S
enum E { v0, v1, v2, v3, v4, v5, v6 }
facts F { a: E
 b: E
 c: E
 k: bool }
decision d: bool
rule base [art. 1]: d = false if k
amendment A amends S in force 2024-01-01
  insert rule r [art. 2]: d = true if not k and (a != v0 or b != v0 or c != v0)
  insert rule s [art. 3]: d = true if k and a = v1 and b = v1 and c = v1
  repeal rule base
"""


def test_an_outcome_found_only_by_the_outline_has_a_row_of_one_combination_at_least(tmp_path: Path) -> None:
    """Found in review: the listing stops at 32 cases of 'undefined -> true'; the outline then
    finds 'false -> true' (k, a = b = c = v1: one combination), whose row said 'at least 0'."""
    result = _diff_of(tmp_path, LATE_LABEL)
    rows = {(row["before"], row["after"]): row for row in result.details["rows"]}
    late = rows[("false", "true")]
    assert (late["when"], late["combinations"], late["outline"]) == ("within: a = v1, b = v1, c = v1, k = true", 1, True)
    assert rows[("undefined", "true")]["when"] == "within: k = false"
    assert result.details["directions"]["gains"]["outlined"] is True


def test_an_enum_outcome_is_labelled_by_its_own_enum(tmp_path: Path) -> None:
    """Found in review: two enums with the same value names in another order; the label 'x'
    was encoded as x's index in the first enum (0), not in the decision's (1). The blocks then
    excluded nothing and the diff ran for ever (before the outline: no group, 'out of budget')."""
    result = _diff_of(tmp_path, """statute S
enum E1 { x, y }
enum E2 { y, x }
facts F { a: bool }
decision d: E2 otherwise E2.y
amendment A amends S in force 2024-01-01
  insert rule r [art. 2]: d = E2.x if a
""")
    assert result.details["complete"] is True
    assert [(row["when"], row["before"], row["after"]) for row in result.details["rows"]] == [("a = true", "y", "x")]


def test_an_outline_that_met_unknown_says_so_and_claims_no_cover(tmp_path: Path, monkeypatch) -> None:
    """Found in review: when a question of the outline answers 'unknown' (a budget), the rows
    are widened to every value, labels may be missing, and the reason must say so."""
    real_outline = regions._outline

    def outline(summary, *args):
        real_check = summary.check
        answered = []

        def check(*extra):
            answered.append(extra)
            if len(answered) == 1:
                summary.gave_up = True
                return "unknown"
            return real_check(*extra)

        monkeypatch.setattr(summary, "check", check)
        return real_outline(summary, *args)

    monkeypatch.setattr(regions, "_outline", outline)
    result = _diff_of(tmp_path, LATE_LABEL)
    gains = result.details["directions"]["gains"]
    assert gains["complete"] is False and "outlined" not in gains
    assert gains["incomplete_reason"] == "the solver ran out of budget while outlining the groups (raise --timeout)"


def test_an_amendment_before_a_parameters_first_value_compares_only_what_both_versions_cover(tmp_path) -> None:
    """Regression: `diff --amendment A` compared every decision, also one that reads a parameter
    whose first value comes after A's in-force date, and stopped with 'parameter p has no
    value' (found on statutes/kinderopvang: the 2023 amendment, the 2026 table)."""
    path = tmp_path / "s.law"
    path.write_text("""
statute S
facts F { uren: int 0..300  gewerkt: int 0..300 }
parameter percentage: rate [art. 2] = 96% from 2026-01-01
decision telt: int [art. 1] otherwise uren
rule koppeling [art. 1 lid 2]: telt = min(uren, gewerkt)
decision bedrag: money [art. 2] otherwise percentage * telt * €10
amendment A amends S in force 2023-01-01
  repeal rule koppeling
""", encoding="utf-8")
    results = api.diff(api.load(path), amendment="A")
    # telt changes (more hours count once the link goes); bedrag is not law in 2023: not compared.
    assert [(r.name, r.status) for r in results] == [("telt", "changed")]


def test_a_whole_number_bound_found_as_a_fraction_is_a_json_number() -> None:
    """A diff's bound of an int decision can come back from the optimizer as Fraction(1, 1):
    `diff --format json` stopped with 'Object of type Fraction is not JSON serializable'
    (exit 4) when the solver answered some questions and not others."""
    import json
    from fractions import Fraction

    from lexproof.dsl.ir import INT
    from lexproof.dsl.values import to_json

    assert to_json(Fraction(1, 1), INT) == 1 and json.dumps(to_json(Fraction(-3), INT)) == "-3"
    assert to_json(7, INT) == 7
