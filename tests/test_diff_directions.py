"""Who gains and who loses (verifier/diff.py): the changed region is split by the solver into
gains, losses and changes without an order; a count is 0 only when the solver proves that part
empty, and 'unknown' when it cannot tell; numeric decisions get the range of the change.

Was: each row's direction came from its one witness. ``c = 10% * salary`` replaced by
``c = 20% * salary - €100`` read "who gains: 0 ... who loses: 1" because the example was salary
€0 (€0 -> -€100), though salary €5,000 goes from €500 to €900.

Expected values are worked out by hand in the comments, or by brute force over every case."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from fractions import Fraction
from pathlib import Path

import pytest
import z3
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from statute_generator import statutes

from lexproof.dsl.consolidate import Version, version_on
from lexproof.dsl.evaluator import Evaluator
from lexproof.dsl.model import StatuteModel
from lexproof.dsl.values import to_json
from lexproof.verifier import api
from lexproof.verifier import diff as diff_module
from lexproof.verifier.cli import main
from lexproof.verifier.diff import diff_versions, has_unknown
from lexproof.verifier.regions import Region
from lexproof.verifier.render import diff_summary_lines
from lexproof.verifier.solving import Budget

BUDGET = Budget(rlimit=200_000_000, timeout_ms=60_000)
SCALE = settings.default.max_examples / 100
DATES = [dt.date(2019, 6, 1), dt.date(2022, 6, 1), dt.date(2026, 6, 1)]

CR = """\
statute S
facts F {
  salary: money €0..€100_000
}
decision c: money otherwise €0
rule cr [art. 1]: c = 10% * salary
amendment A amends S in force 2024-01-01
  replace rule cr [art. 1]:
    c = 20% * salary - €100
"""

# No 'otherwise': where no rule applies, d is undefined.
#   x      0-2    3          4          5-6          7-10
#   before false  undefined  undefined  true         true
#   after  false  false      (b: true)  undefined    true
# so: gains (undefined -> true) at x = 4 with b; loses (true -> undefined) at x = 5, 6 (either
# b); changes (undefined -> false) at x = 3 (either b).
BOOL = """\
statute S
facts F {
  x: int 0..10
  b: bool
}
decision d: bool
rule yes [art. 1]: d = true if x >= 5
rule no [art. 2]: d = false if x <= 2
amendment A amends S in force 2024-01-01
  replace rule yes [art. 1]:
    d = true
    if x >= 7 or (b and x = 4)
  replace rule no [art. 2]:
    d = false
    if x <= 3
"""

# tier goes low -> high for x = 4, 5 (the limit moves from 5 to 3): a change without an order.
ENUM = """\
statute S
enum Tier { low, high }
facts F {
  x: int 0..10
}
decision tier: Tier otherwise low
rule hoog [art. 1]: tier = high if x > 5
amendment A amends S in force 2024-01-01
  replace rule hoog [art. 1]:
    tier = high
    if x > 3
"""


def _load(text: str) -> StatuteModel:
    from lexproof.dsl.check_program import check_files
    from lexproof.dsl.consolidate import check_all_versions
    from lexproof.dsl.parser import parse_text

    statute = check_files([parse_text(text, "<test_diff_directions>")]).statute()
    check_all_versions(statute)
    return statute


def _versions(statute: StatuteModel) -> tuple[Version, Version]:
    info = statute.amendments["A"]
    return (version_on(statute, info.in_force, exclude=("A",)),
            version_on(statute, info.in_force, include=("A",)))


def _diff(text: str, budget: Budget = BUDGET):
    statute = _load(text)
    before, after = _versions(statute)
    return statute, before, after, diff_versions(statute, before, after, budget)


def _change(statute, before, after, name: str, facts: dict) -> tuple[tuple[bool, object], tuple[bool, object]]:
    evaluator = Evaluator({"before": before, "after": after}, {None: facts})
    b, a = evaluator.decision(name, None, "before"), evaluator.decision(name, None, "after")
    return (b.defined, b.value if b.defined else None), (a.defined, a.value if a.defined else None)


def _direction(kind: str, before: tuple[bool, object], after: tuple[bool, object]) -> str | None:
    """One case's direction, written independently of lexproof.verifier.diff: None when unchanged."""
    if before == after:
        return None
    if kind == "bool":
        was, now = before == (True, True), after == (True, True)
        return "gains" if now and not was else "loses" if was and not now else "changes"
    if kind in ("int", "number", "money", "rate") and before[0] and after[0]:
        return "gains" if after[1] > before[1] else "loses"
    return "changes"


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout


# --- the example of the issue -------------------------------------------------------------------


def test_a_raise_for_most_and_a_cut_below_1000_euro_shows_both() -> None:
    statute, before, after, (result,) = _diff(CR)
    # by hand: 20% * €5,000 - €100 = €900 > €500; 20% * €500 - €100 = €0 < €50
    assert _change(statute, before, after, "c", {"salary": Fraction(5000)}) == ((True, 500), (True, 900))
    assert _change(statute, before, after, "c", {"salary": Fraction(500)}) == ((True, 50), (True, 0))
    details = result.details
    assert result.status == "changed"
    assert details["gains"] == 1 and details["losses"] == 1 and details["changes"] == 0
    assert [part["status"] for part in details["directions"].values()] == ["some", "some", "none"]
    # after - before = 10% * salary - €100: > 0 exactly for salary > €1,000, < 0 below it
    rows = {row["direction"]: row for row in details["rows"]}
    assert set(rows) == {"gains", "loses"}
    assert rows["gains"]["when"] == "salary €1,000.01..€100,000.00"
    assert rows["loses"]["when"] == "salary €0.00..€999.99"
    for row in details["rows"]:  # every row's witness goes the row's way in the evaluator
        facts = api.read_case(statute, row["witness"])
        b, a = _change(statute, before, after, "c", facts)
        assert _direction("money", b, a) == row["direction"], row
    # the change: gains from €0.001 (salary €1,000.01) to €9,900 (salary €100,000); losses from
    # -€100 (salary €0) to -€0.001 (salary €999.99)
    gains, losses = details["directions"]["gains"]["delta"], details["directions"]["loses"]["delta"]
    assert (gains["min"]["value"], gains["max"]["value"]) == ("0.001", "9900.00")
    assert (losses["min"]["value"], losses["max"]["value"]) == ("-100.00", "-0.001")
    assert all(end["attained"] for end in (gains["min"], gains["max"], losses["min"], losses["max"]))
    assert gains["min"]["witness"] == {"salary": "1000.01"} and losses["max"]["witness"] == {"salary": "999.99"}
    assert not has_unknown(result)


def test_the_command_line_says_who_gains_and_who_loses(tmp_path: Path) -> None:
    path = tmp_path / "cr.law"
    path.write_text(CR, encoding="utf-8")
    code, stdout = _cli("diff", str(path), "--amendment", "A")
    assert code == 0, stdout
    assert "who gains: 1 combination(s) of enum/bool facts; who loses: 1; other changes: 0" in stdout
    assert "who gains: 0" not in stdout
    # to the cent in human output: the least change, 1/1000 euro, is less than a cent (the exact
    # value is in the JSON, checked above)
    assert "change (after - before) for who gains: <€0.01 to €9,900.00" in stdout
    assert "change (after - before) for who loses: -€100.00 to >-€0.01" in stdout
    assert "1 of 1 decision changed (2 groups: 1 gain, 1 lose, 0 change otherwise)" in stdout.splitlines()
    code, stdout = _cli("diff", str(path), "--amendment", "A", "--format", "json")
    assert code == 0
    (result,) = json.loads(stdout)["results"]
    assert (result["details"]["gains"], result["details"]["losses"]) == (1, 1)
    assert result["details"]["directions"]["gains"]["delta"]["max"]["value"] == "9900.00"


def test_a_bound_that_is_approached_but_not_attained_says_so() -> None:
    """n = r becomes n = 1 for r < 50% (and the default 0 otherwise). By hand: r < 50% gains
    1 - r, which lies in (50%, 100%]: 100% at r = 0, never 50% exactly; r >= 50% loses r, from
    -100% (r = 100%) to -50% (r = 50%)."""
    statute, before, after, (result,) = _diff(
        "statute S\nfacts F { r: rate 0..1 }\ndecision n: number otherwise 0\nrule a [art. 1]: n = r\n"
        "amendment A amends S in force 2024-01-01\n  replace rule a [art. 1]:\n    n = 1\n    if r < 50%\n"
    )
    gains = result.details["directions"]["gains"]["delta"]
    assert gains["min"] == {"value": "0.5", "attained": False}
    assert gains["max"]["value"] == "1" and gains["max"]["attained"] is True
    losses = result.details["directions"]["loses"]["delta"]
    assert (losses["min"]["value"], losses["max"]["value"]) == ("-1", "-0.5")
    assert diff_summary_lines(result)[1] == "change (after - before) for who gains: more than 0.5 to 1"


def test_an_unbounded_change_is_not_given_a_bound() -> None:
    """d = n becomes d = 2 * n for an int n without a range: the change is n, so n > 0 gains
    (from 1, without bound) and n < 0 loses (without bound, up to -1)."""
    _, _, _, (result,) = _diff(
        "statute S\nfacts F { n: int }\ndecision d: int\nrule a [art. 1]: d = n\n"
        "amendment A amends S in force 2024-01-01\n  replace rule a [art. 1]:\n    d = 2 * n\n"
    )
    gains = result.details["directions"]["gains"]["delta"]
    assert gains["min"]["value"] == 1 and gains["min"]["attained"] is True
    assert gains["max"]["value"] is None and "unbounded" in gains["max"]["reason"]
    losses = result.details["directions"]["loses"]["delta"]
    assert losses["min"]["value"] is None and losses["max"]["value"] == -1
    assert "1 to ? (upper end: no bound" in diff_summary_lines(result)[1]


# --- bool and enum decisions ----------------------------------------------------------------------


def test_a_bool_decision_splits_into_gains_losses_and_changes() -> None:
    statute, before, after, (result,) = _diff(BOOL)
    details = result.details
    assert {d: p["status"] for d, p in details["directions"].items()} == {
        "gains": "some", "loses": "some", "changes": "some"}
    # combinations of b: gains only with b = true; losses and changes with either b
    assert (details["gains"], details["losses"], details["changes"]) == (1, 2, 2)
    rows = sorted((row["direction"], row["when"], row["before"], row["after"]) for row in details["rows"])
    assert rows == [
        ("changes", "x = 3", "undefined", "false"),
        ("gains", "b = true, x = 4", "undefined", "true"),
        ("loses", "x 5..6", "true", "undefined"),
    ]
    assert "delta" not in details["directions"]["gains"]
    for row in details["rows"]:
        facts = api.read_case(statute, row["witness"])
        assert _direction("bool", *_change(statute, before, after, "d", facts)) == row["direction"]


def test_a_bool_decision_where_nobody_gains_says_0_because_it_is_proved() -> None:
    text = BOOL.replace("if x >= 7 or (b and x = 4)", "if x >= 7")
    _, _, _, (result,) = _diff(text)
    assert result.details["directions"]["gains"] == {"status": "none", "combinations": 0, "complete": True}
    # b is no longer read by any rule: the groups are described by x alone, one combination
    assert result.details["gains"] == 0 and result.details["losses"] == 1
    assert result.details["finite_facts"] == []


def test_an_enum_decision_changes_without_gains_or_losses(tmp_path: Path) -> None:
    statute, before, after, (result,) = _diff(ENUM)
    details = result.details
    assert list(details["directions"]) == ["changes"]
    assert details["directions"]["changes"]["status"] == "some"
    assert (details["gains"], details["losses"], details["changes"]) == (0, 0, 1)
    assert [(row["when"], row["before"], row["after"], row["direction"]) for row in details["rows"]] == [
        ("x 4..5", "low", "high", "changes")]
    path = tmp_path / "enum.law"
    path.write_text(ENUM, encoding="utf-8")
    code, stdout = _cli("diff", str(path), "--amendment", "A")
    assert code == 0
    assert "changes for 1 combination(s) of enum/bool facts (the outcome has no order" in stdout
    assert "who gains" not in stdout


# --- unknown is never 0 -------------------------------------------------------------------------------


@pytest.mark.parametrize("direction", ["gains", "loses", "changes"])
def test_a_part_the_solver_cannot_settle_is_unknown_not_0(monkeypatch, direction: str, tmp_path: Path) -> None:
    """A solver stand-in answers 'unknown' for the question 'does anyone <direction>?' (and
    every question about that part)."""
    real_check = diff_module.check

    def check(solver, *assumptions):
        if any(z3.is_const(a) and str(a) == f"goal!{direction}" for a in assumptions):
            return "unknown"
        return real_check(solver, *assumptions)

    monkeypatch.setattr(diff_module, "check", check)
    _, _, _, (result,) = _diff(BOOL)
    key = {"gains": "gains", "loses": "losses", "changes": "changes"}[direction]
    assert result.status == "changed"
    assert result.details[key] is None
    assert result.details["directions"][direction]["status"] == "unknown"
    assert result.details["complete"] is False
    assert all(row["direction"] != direction for row in result.details["rows"])
    assert has_unknown(result)
    path = tmp_path / "bool.law"
    path.write_text(BOOL, encoding="utf-8")
    code, stdout = _cli("diff", str(path), "--amendment", "A")
    assert code == 3, stdout
    label = {"gains": "who gains", "loses": "who loses", "changes": "other changes"}[direction]
    assert f"{label}: unknown (the solver ran out of budget)" in stdout
    assert f"{label}: 0" not in stdout
    code, stdout = _cli("diff", str(path), "--amendment", "A", "--format", "json")
    assert code == 3 and json.loads(stdout)["exit_code"] == 3
    assert json.loads(stdout)["results"][0]["details"][key] is None


def test_a_range_of_the_change_the_solver_cannot_settle_says_so(monkeypatch) -> None:
    """Every question beyond 'does the part have cases' answers unknown, and the optimizer
    gives up: no bound is claimed."""
    real_check = diff_module.check

    def check(solver, *assumptions):
        return "unknown" if len(assumptions) > 1 and not z3.is_const(assumptions[-1]) else real_check(solver, *assumptions)

    monkeypatch.setattr(diff_module, "check", check)
    monkeypatch.setattr(diff_module, "_optimize", lambda *args: "the solver could not find a bound")
    _, _, _, (result,) = _diff(CR)
    for direction in ("gains", "loses"):
        delta = result.details["directions"][direction]["delta"]
        assert delta["min"]["value"] is None and delta["max"]["value"] is None
        assert delta["min"]["reason"] == "the solver could not establish a bound"


def test_a_part_whose_groups_cannot_be_listed_still_counts_at_least_one(monkeypatch) -> None:
    """The solver says someone gains, then gives up listing the groups: no row to show, but the
    count is not 0: at least one combination gains."""
    real_summarize = diff_module.summarize
    calls = []

    def summarize(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:  # the parts are summarized in the order gains, loses, changes
            return Region([], False, [], [], "the solver ran out of budget while listing the groups")
        return real_summarize(*args, **kwargs)

    monkeypatch.setattr(diff_module, "summarize", summarize)
    _, _, _, (result,) = _diff(BOOL)
    assert result.details["directions"]["gains"] == {
        "status": "some", "combinations": 1, "complete": False,
        "incomplete_reason": "the solver ran out of budget while listing the groups"}
    assert result.details["gains"] == 1 and result.details["complete"] is False
    assert not any(row["direction"] == "gains" for row in result.details["rows"])
    console_text = "\n".join(diff_summary_lines(result))
    assert "who gains: at least 1 combination(s)" in console_text


def test_a_budget_too_small_to_tell_anything_claims_nothing(tmp_path: Path) -> None:
    _, _, _, (result,) = _diff(CR, Budget(rlimit=100, timeout_ms=1))
    assert result.status == "unknown"
    assert "gains" not in result.details and "losses" not in result.details
    path = tmp_path / "cr.law"
    path.write_text(CR, encoding="utf-8")
    code, stdout = _cli("diff", str(path), "--amendment", "A", "--timeout", "0.0001")
    assert code == 3
    assert "who gains: 0" not in stdout and "who loses: 0" not in stdout
    assert "unknown" in stdout


def test_a_fact_only_an_unencoded_version_of_a_decision_reads_is_no_internal_error() -> None:
    """Found by the brute-force test below. d1 reads d0 only after A0 (``if d0 = d0``), and d0
    reads f0 only before A0: cone_facts named f0, which the diff's encoding never declares, and
    summarize stopped with an internal error (exit 4) reading it. By hand: d0 is undefined after
    A0 (p1 is false), so r4's condition is undefined and d1 goes from €0 to undefined."""
    statute, before, after, results = _diff(
        "statute S\nenum E1 { a1, b1 }\nfacts G {\n  f0: E1\n  f1: int 0..2\n}\n"
        "parameter p1: bool\n  = false from 2000-01-01\n"
        "decision d0: E1 [art. 1]\ndecision d1: money [art. 2]\n"
        "rule r0 [art. 1 sub a]: d0 = f0\nrule r1 [art. 1 sub a]: d1 = €0\n"
        "amendment A amends S in force 2024-01-01\n"
        "  insert rule r3 [art. 1 sub a]:\n    d0 = E1.a1\n    if p1\n  repeal rule r0\n"
        "  insert rule r4 [art. 1 sub a] except r1:\n    d1 = €0\n    if (d0 = d0)\n"
    )
    by_name = {result.name: result for result in results}
    d1 = by_name["d1"]
    assert d1.status == "changed"
    assert [(row["when"], row["before"], row["direction"]) for row in d1.details["rows"]] == [
        ("every case", "e.g. €0.00", "changes")]
    assert d1.details["finite_facts"] == [] and (d1.details["gains"], d1.details["losses"]) == (0, 0)


# --- against brute force ------------------------------------------------------------------------------

# Two enum/bool facts and two ints; the amount is rewritten so that, depending on the case, it
# rises, falls, becomes undefined (a conflict) or defined.
SMALL = """\
statute S
enum Kind { a, b, c }
facts F {
  x: int 0..6
  y: int -3..3
  k: Kind
  p: bool
}
decision n: int
rule basis [art. 1]: n = x * 2 - y if k != c
rule extra [art. 2]: n = x + 5 if k = c and p
amendment A amends S in force 2024-01-01
  replace rule basis [art. 1]:
    n = x + y + 2
    if k != b or x > 3
  replace rule extra [art. 2]:
    n = 3 * y
    if k = c and (p or y > 1)
"""


def _brute(statute, before, after, name: str, cases: list[dict], finite: list[str]) -> dict[str, dict]:
    """Per direction: the combinations of the finite facts with a case in it, and the least and
    greatest change (numeric decisions)."""
    kind = statute.decisions[name].type.kind
    found: dict[str, dict] = {}
    for case in cases:
        b, a = _change(statute, before, after, name, case)
        direction = _direction(kind, b, a)
        if direction is None:
            continue
        part = found.setdefault(direction, {"combinations": set(), "deltas": []})
        part["combinations"].add(tuple(case[f] for f in finite))
        if direction in ("gains", "loses") and kind not in ("bool",):
            part["deltas"].append(a[1] - b[1])
    return found


def _assert_matches_brute_force(statute, before, after, results, cases: list[dict], where: str = "") -> None:
    for result in results:
        name, kind = result.name, statute.decisions[result.name].type.kind
        assert result.status in ("changed", "unchanged"), where + f"\n{name}: {result.status}"
        finite = result.details.get("finite_facts", [])
        brute = _brute(statute, before, after, name, cases, finite)
        assert (result.status == "changed") == bool(brute), where + f"\n{name}: {result.status}, brute force {brute}"
        if result.status != "changed":
            continue
        directions = result.details["directions"]
        for direction, part in directions.items():
            expected = brute.get(direction)
            claim = where + f"\n{name} {direction}: diff {part}, brute force {expected}"
            assert part["status"] == ("some" if expected else "none"), claim
            if expected is None:
                assert part["combinations"] == 0, claim
                continue
            if part["complete"]:
                assert part["combinations"] == len(expected["combinations"]), claim
            else:
                assert 1 <= part["combinations"] <= len(expected["combinations"]), claim
            if expected["deltas"]:
                type_ = statute.decisions[name].type
                low, high = min(expected["deltas"]), max(expected["deltas"])
                # a finite domain: both ends are attained
                assert part["delta"]["min"] == {**part["delta"]["min"], "value": to_json(low, type_), "attained": True}, claim
                assert part["delta"]["max"] == {**part["delta"]["max"], "value": to_json(high, type_), "attained": True}, claim
        assert not set(brute) - set(directions), where + f"\n{name}: brute force finds {set(brute)}"
        for row in result.details["rows"]:
            facts = api.read_case(statute, row["witness"])
            assert _direction(kind, *_change(statute, before, after, name, facts)) == row["direction"], (
                where + f"\n{name}: row {row}")


def test_small_int_statute_matches_brute_force() -> None:
    statute, before, after, results = _diff(SMALL)
    cases = [{"x": x, "y": y, "k": k, "p": p}
             for x, y, k, p in itertools.product(range(7), range(-3, 4), ("a", "b", "c"), (False, True))]
    _assert_matches_brute_force(statute, before, after, results, cases)
    (result,) = results
    # by hand, for k = a (both basis rules apply): after - before = (x + y + 2) - (2x - y)
    # = 2y - x + 2, from 2*-3 - 6 + 2 = -10 (x = 6, y = -3) to 2*3 - 0 + 2 = 8 (x = 0, y = 3)
    assert result.details["directions"]["loses"]["delta"]["min"]["value"] <= -10
    assert result.details["directions"]["gains"]["delta"]["max"]["value"] >= 8


@settings(max_examples=max(1, round(150 * SCALE)), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
@given(data=st.data())
def test_generated_statutes_match_brute_force(data) -> None:
    """Random statutes (every decision type: bool, int, money, rate, number, date, enum) and
    amendments of tests/statute_generator.py, every case of their finite domain."""
    gen = data.draw(statutes(max_domain=150), label="statute")
    statute = gen.load()
    if gen.amendments and data.draw(st.booleans(), label="by amendment"):
        name = data.draw(st.sampled_from(gen.amendment_names), label="amendment")
        info = statute.amendments[name]
        before = version_on(statute, info.in_force, exclude=(name,))
        after = version_on(statute, info.in_force, include=(name,))
    else:  # the dates the soundness suite uses: before, between and after the generated changes
        days = data.draw(st.lists(st.sampled_from(DATES), min_size=2, max_size=2, unique=True), label="dates")
        before, after = version_on(statute, days[0]), version_on(statute, days[1])
    results = diff_versions(statute, before, after, BUDGET)
    _assert_matches_brute_force(statute, before, after, results, gen.cases(), where=gen.text())


@settings(max_examples=max(1, round(60 * SCALE)), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_when_whether_it_changes_is_unknown_the_directions_decide_as_brute_force_does(diff_first_question_unknown,
                                                                                      data) -> None:
    """The gains, losses and other changes together are exactly the changed region: when the
    first question runs out of budget, the diff asks them one by one, and what they answer
    (changed, or unchanged when all three are empty) is what every case of the finite domain
    gives; full and brief."""
    gen = data.draw(statutes(max_domain=150), label="statute")
    statute = gen.load()
    days = data.draw(st.lists(st.sampled_from(DATES), min_size=2, max_size=2, unique=True), label="dates")
    before, after = version_on(statute, days[0]), version_on(statute, days[1])
    brief = data.draw(st.booleans(), label="brief")
    results = diff_versions(statute, before, after, BUDGET, brief=brief)
    if brief:
        for result in results:  # brief: the statuses only (one example per part, no groups)
            assert result.status in ("changed", "unchanged"), gen.text() + f"\n{result.name}: {result.status}"
            brute = _brute(statute, before, after, result.name, gen.cases(), [])
            assert (result.status == "changed") == bool(brute), gen.text() + f"\n{result.name}: {result.status}"
            if result.status == "changed":
                assert {d for d, part in result.details["directions"].items() if part["status"] == "some"} == \
                    set(brute), gen.text() + f"\n{result.name}: {result.details['directions']}, brute force {brute}"
    else:
        _assert_matches_brute_force(statute, before, after, results, gen.cases(), where=gen.text())


def test_when_whether_it_changes_is_unknown_an_unchanged_decision_is_still_proved_unchanged(
        diff_first_question_unknown) -> None:
    # The amendment writes the rule another way, with the same outcome for every x.
    statute, before, after, results = _diff("""\
statute S
facts F {
  x: int 0..10
}
decision d: bool
rule hoog [art. 1]: d = x >= 5
amendment A amends S in force 2024-01-01
  replace rule hoog [art. 1]:
    d = not (x < 5)
""")
    assert [(r.status, r.message) for r in results] == [("unchanged", "d is the same for every case")]
    assert not has_unknown(results[0])


def test_the_yearly_allowance_of_the_new_childcare_system_is_compared_within_the_default_budget() -> None:
    """tegemoetkoming_per_jaar of statutes/kinderopvang under nieuw_stelsel: 'does it change?'
    needs more than the default budget (the rounding of twelve months of sums of products), the
    separate questions do not. By hand: 96% is at least every percentage of Bijlage I, so nobody
    gets less a year (the rounding is monotone), and a household with a percentage below 96%
    and enough costs gets more."""
    program = api.load("statutes/kinderopvang")
    (result,) = api.diff(program, amendment="nieuw_stelsel", decisions=["tegemoetkoming_per_jaar"], brief=True)
    assert result.status == "changed", result.message
    directions = {d: part["status"] for d, part in result.details["directions"].items()}
    assert directions == {"gains": "some", "loses": "none", "changes": "none"}
    assert not has_unknown(result)


def test_a_diff_with_an_unknown_direction_is_not_ok_and_exits_3() -> None:
    """A changed decision whose gains (or losses) the solver could not settle establishes
    nothing about them: JSON ``ok`` is false and the run exits 3, never 0 (checked on a result
    made by hand, so the rule itself is what is tested)."""
    from lexproof.dsl.source import Span
    from lexproof.verifier.results import EXIT_UNKNOWN, Result, exit_code

    span = Span("<test>", 1, 1, 1, 1)
    settled = Result("diff", "c", "changed", span, details={"directions": {
        "gains": {"status": "some"}, "loses": {"status": "none"}, "changes": {"status": "none"}}})
    unsettled = Result("diff", "c", "changed", span, details={"directions": {
        "gains": {"status": "unknown"}, "loses": {"status": "none"}, "changes": {"status": "none"}}})
    assert settled.to_json()["ok"] is True and exit_code([settled]) == 0
    assert unsettled.to_json()["ok"] is False
    assert exit_code([settled, unsettled]) == EXIT_UNKNOWN


def test_a_decision_whose_change_the_solver_cannot_decide_says_to_raise_the_timeout(tmp_path: Path) -> None:
    # A budget of 100 resource units decides nothing: each decision is 'unknown' (exit 3), and
    # the drafter is told what to do about it, in English and in Dutch.
    path = tmp_path / "bool.law"
    path.write_text(BOOL, encoding="utf-8")
    code, stdout = _cli("diff", str(path), "--amendment", "A", "--no-cache", "--timeout", "0.00001")
    assert code == 3, stdout
    assert "unknown" in stdout
    assert "the solver ran out of budget deciding whether it changes (raise --timeout)" in stdout
    code, stdout = _cli("diff", str(path), "--amendment", "A", "--no-cache", "--timeout", "0.00001", "--lang", "nl")
    assert code == 3, stdout
    assert "de solver had niet genoeg rekentijd om te beslissen of de uitkomst verandert (verhoog --timeout)" in stdout
