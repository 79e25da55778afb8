"""Every version of a statute: table bounds given by parameters must rise in each version, the
built-in checks run in each distinct version (``--date`` narrows them to one), and bad solver
budgets and examples on dates a parameter does not cover are bad input (exit 2) everywhere.

Expected values were worked out by hand from the statutes below; the comments say how."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from lexproof.dsl.consolidate import distinct_versions
from lexproof.dsl.diagnostics import LexproofError
from lexproof.verifier import api
from lexproof.verifier.cache import ResultCache
from lexproof.verifier.cli import main
from lexproof.verifier.formats import to_sarif
from lexproof.verifier.solving import Budget

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _write(tmp_path: Path, text: str, name: str = "s.law") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _load_error(tmp_path: Path, text: str) -> str:
    with pytest.raises(LexproofError) as caught:
        api.load(_write(tmp_path, text))
    return caught.value.render()


# --- item 3: table bounds given by parameters ---------------------------------------------------

FALLING = """statute Loon
facts P { salary: money €0..€100_000 }
parameter b1: money = €12_000
parameter b2: money = €11_000
table heffing [art. 1]: money -> money marginal {
  up to b1: 3%
  up to b2: 10%
  above: 10%
}
decision tax: money [art. 1]
rule t [art. 1]: tax = heffing(salary)
"""


def test_parameter_bounds_that_fall_are_an_error(tmp_path: Path) -> None:
    # Accepted before, and salary €15,000 then gave 3% x 12,000 + 10% x 3,000 + 10% x 4,000 =
    # €760 instead of €660: the band b2..b1 was counted twice.
    text = _load_error(tmp_path, FALLING)
    assert re.search(r"s\.law:7:9: error: the bounds of table heffing must rise from row to row: "
                     r"'up to b2' \(€11,000\.00\) is below the bound before it, 'up to b1' \(€12,000\.00\), "
                     r"in every version of Loon", text), text
    assert "s.law:3:21: note: b1 = €12,000.00" in text and "s.law:4:21: note: b2 = €11,000.00" in text


def test_the_cli_stops_with_exit_2_on_falling_parameter_bounds(tmp_path: Path) -> None:
    path = _write(tmp_path, FALLING)
    result = CliRunner().invoke(main, ["check", str(path), "--date", "2025-01-01"])
    assert result.exit_code == 2, result.output
    assert "must rise from row to row" in result.output and "Traceback" not in result.output


def test_bounds_that_fall_only_from_a_date_name_that_version_and_the_values(tmp_path: Path) -> None:
    # b2 is €20,000 until 2027 (above b1 = €12,000), then €11,000: only from 2027-01-01 on.
    text = _load_error(tmp_path, FALLING.replace(
        "parameter b2: money = €11_000",
        "parameter b2: money\n  = €20_000 from 2020-01-01\n  = €11_000 from 2027-01-01"))
    assert "in Loon on 2027-01-01\n" in text, text
    assert "2020-01-01" not in text.split("\n")[0]
    assert "note: b2 = €11,000.00 in Loon on 2027-01-01" in text
    assert "s.law:6:3: note" in text  # the line that sets the value of 2027


def test_bounds_that_a_proposal_makes_fall_name_the_proposal(tmp_path: Path) -> None:
    # The statute itself rises (b1 €12,000 < b2 €20,000); proposal P sets b1 to €25,000.
    text = _load_error(tmp_path, FALLING.replace("= €11_000", "= €20_000") + """
amendment P amends Loon in force 2026-01-01 proposal
  set parameter b1 = €25_000
""")
    assert "'up to b2' (€20,000.00) is below the bound before it, 'up to b1' (€25,000.00), in Loon (with P)" in text
    assert "note: b1 = €25,000.00" in text and "s.law:14:3: note" in text  # the set parameter line


def test_equal_bounds_are_an_error_as_for_literals(tmp_path: Path) -> None:
    # Literal bounds must rise strictly (two equal literal bounds are rejected by the checker);
    # a parameter equal to the bound before it is the same defect.
    literal = _load_error(tmp_path, FALLING.replace("up to b1:", "up to €5_000:").replace("up to b2:", "up to €5_000:"))
    assert "the bounds of a table must rise from row to row" in literal
    mixed = _load_error(tmp_path, FALLING.replace("up to b1:", "up to €5_000:").replace("up to b2:", "up to b1 - €7_000:"))
    assert "'up to b1 - €7_000' (€5,000.00) equals the bound before it, 'up to €5_000' (€5,000.00)" in mixed


def test_bounds_that_rise_in_every_version_are_accepted(tmp_path: Path) -> None:
    # b1 changes twice, b2 once, and a proposal moves b2: every version rises. Before b2's
    # first date (2020) b2 has no value: that version does not cover the table.
    program = api.load(_write(tmp_path, FALLING.replace(
        "parameter b1: money = €12_000", "parameter b1: money\n  = €10_000 from 2019-01-01\n  = €12_000 from 2025-01-01",
    ).replace("parameter b2: money = €11_000", "parameter b2: money\n  = €13_000 from 2020-01-01") + """
amendment P amends Loon in force 2026-01-01 proposal
  set parameter b2 = €30_000
"""))
    # and the table computes as drafted: 3% x 12,000 + 10% x 1,000 + 10% x 2,000 = €660
    outcome = api.evaluate(program, {"salary": "15000.00"}, date="2025-06-01").outcomes["tax"]
    assert outcome.value == 660


# --- item 5: the built-in checks in every version ----------------------------------------------

LATER_CONFLICT = """statute R
facts P { age: int 0..120 }
parameter grens: int
  = 200 from 2020-01-01
  = 60 from 2027-09-01
decision d: bool [art. 1] otherwise false
rule jong [art. 1 lid 1]: d = true if age < 70
rule oud [art. 1 lid 2]: d = false if age > grens
"""


def _by_code(results) -> dict[str, list]:
    found: dict[str, list] = {}
    for result in results:
        found.setdefault(result.code, []).append(result)
    return found


def test_a_conflict_from_a_later_parameter_value_is_found_by_default(tmp_path: Path) -> None:
    # grens = 200 until 2027-09-01: nobody is over 200, so oud is dead (and there is no
    # conflict); from 2027-09-01 on, ages 61..69 are under 70 and over 60: both rules apply.
    program = api.load(_write(tmp_path, LATER_CONFLICT))
    found = _by_code(api.check(program, examples=False, properties=False))
    assert [r.found_in for r in found["LP101"]] == [["R on 2027-09-01"]]
    assert 61 <= found["LP101"][0].witnesses[0].facts[None]["age"] <= 69
    # R on 2019-12-31 does not count: grens has no value there, d is not covered
    assert [r.found_in for r in found["LP103"]] == [["R on 2020-01-01"]]


def test_date_narrows_the_checks_to_one_version(tmp_path: Path) -> None:
    program = api.load(_write(tmp_path, LATER_CONFLICT))
    before = _by_code(api.check(program, date="2026-01-01", examples=False, properties=False))
    assert "LP101" not in before and [r.found_in for r in before["LP103"]] == [["R on 2026-01-01"]]
    after = _by_code(api.check(program, date="2028-01-01", examples=False, properties=False))
    assert "LP103" not in after and [r.found_in for r in after["LP101"]] == [["R on 2028-01-01"]]


def test_the_cli_fails_on_the_later_conflict_and_json_and_sarif_list_the_versions(tmp_path: Path) -> None:
    path = _write(tmp_path, LATER_CONFLICT)
    human = CliRunner().invoke(main, ["check", str(path), "--no-cache"])
    assert human.exit_code == 1, human.output
    assert "in R on 2027-09-01\n" in human.output
    data = json.loads(CliRunner().invoke(main, ["check", str(path), "--no-cache", "--format", "json"]).output)
    conflict = next(r for r in data["results"] if r.get("code") == "LP101")
    assert conflict["found_in"] == ["R on 2027-09-01"] and conflict["version"] == "R on 2027-09-01"
    program = api.load(path)
    sarif = to_sarif(api.check(program, examples=False, properties=False))
    properties = [r["properties"] for r in sarif["runs"][0]["results"] if r["ruleId"] == "LP101"]
    assert properties and properties[0]["found_in"] == ["R on 2027-09-01"]


def _docs_example() -> tuple[str, str]:
    """The statute and the output shown under "Which versions are checked" in docs/checks.md."""
    text = (DOCS / "checks.md").read_text(encoding="utf-8")
    section = text[text.index("### Which versions are checked"):text.index("### Options")]
    law = re.search(r"```law\n(.*?)```", section, re.S).group(1)
    shown = re.search(r"```text\n(.*?)```", section, re.S).group(1)
    return law, shown


def test_a_finding_in_several_versions_is_reported_once_with_each_version(tmp_path: Path, monkeypatch) -> None:
    # docs/checks.md: the limit is 67 until 2027 (oud only restates the default for people over
    # 67, as no one under 66 is over 67: redundant), 64 from 2027 (a 65-year-old is under 66
    # and over 64: conflict), and the proposal sets 60 from 2026 (conflict, also in 2027).
    law, shown = _docs_example()
    _write(tmp_path, law, "regeling.law")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    result = CliRunner().invoke(main, ["check", "regeling.law", "--no-cache"])
    assert result.exit_code == 1
    assert result.output == shown  # the docs show the real output
    found = _by_code(api.check(api.load(tmp_path / "regeling.law"), examples=False, properties=False))
    assert [r.found_in for r in found["LP101"]] == [[
        "Regeling on 2027-01-01", "Regeling on 2026-01-01 (with verlaging)", "Regeling on 2027-01-01 (with verlaging)",
    ]]
    assert [r.found_in for r in found["LP104"]] == [["Regeling on 2024-01-01"]]


def test_distinct_versions_of_the_docs_example(tmp_path: Path) -> None:
    law, _ = _docs_example()
    statute = api.load(_write(tmp_path, law)).statute()
    assert [v.label for v in distinct_versions(statute, dt.date(2030, 1, 1))] == [
        "Regeling on 2023-12-31", "Regeling on 2024-01-01", "Regeling on 2027-01-01",
        "Regeling on 2026-01-01 (with verlaging)", "Regeling on 2027-01-01 (with verlaging)",
    ]


def test_the_cache_tells_every_version_from_one_date(tmp_path: Path) -> None:
    # the version on a day before 2027-09-01 has no conflict (grens is 200 until then): results
    # stored by a run over every version must not be reused for a run on that day only, nor the
    # reverse. A fixed day, not today: the test must not depend on when it runs.
    program = api.load(_write(tmp_path, LATER_CONFLICT))
    cache = ResultCache(tmp_path / "cache")
    today = dt.date(2026, 1, 1)
    every = api.check(program, cache=cache, examples=False, properties=False)
    one = api.check(program, date=today, cache=cache, examples=False, properties=False)
    assert "LP101" in _by_code(every) and "LP101" not in _by_code(one)
    again = api.check(program, cache=cache, examples=False, properties=False)
    assert cache.hits == 1 and "LP101" in _by_code(again)


def test_an_expected_finding_of_a_rule_outside_the_date_is_not_missing(tmp_path: Path) -> None:
    # The amendment of 2030 inserts a rule that conflicts and declares it. On 2025 the rule is
    # not in force: its declared conflict cannot be found there and is not "missing".
    program = api.load(_write(tmp_path, LATER_CONFLICT.replace("= 60 from 2027-09-01", "= 60 from 2017-09-01")
                              .replace("= 200 from 2020-01-01", "= 200 from 2010-01-01") + """
amendment A amends R in force 2030-01-01
  insert @expect(conflict) rule extra [art. 1 lid 3]: d = true if age > 100
"""))
    on_2025 = api.check(program, date="2025-01-01", examples=False, properties=False)
    assert not [r for r in on_2025 if r.status == "clean"], [r.message for r in on_2025]
    # over every version it is found (from 2030: extra and oud both apply over 100), as declared
    every = api.check(program, examples=False, properties=False)
    declared = [r for r in every if r.name == "d: oud / extra"]
    assert [(r.status, r.as_expected, r.found_in) for r in declared] == [("conflict", True, ["R on 2030-01-01 (with A)"])]


# --- item 7: solver budgets and examples on uncovered dates -------------------------------------

BAD_TIMEOUTS = ["0", "-1", "nan", "inf", "-inf", "1e308", "2001", "abc"]


@pytest.mark.parametrize("value", BAD_TIMEOUTS)
@pytest.mark.parametrize("command", ["check", "query", "diff"])
def test_a_timeout_without_a_budget_is_bad_input(tmp_path: Path, command: str, value: str) -> None:
    path = str(_write(tmp_path, LATER_CONFLICT))
    args = {"check": ["check", path, "--no-cache"], "query": ["query", path, "exists P: age > 3"],
            "diff": ["diff", path, "--from", "2020-01-01", "--to", "2028-01-01"]}[command]
    result = CliRunner().invoke(main, [*args, f"--timeout={value}"])
    assert result.exit_code == 2, (result.output, result.stderr)
    assert result.stderr.startswith("<command line>:1:1: error: --timeout must be "), result.stderr
    assert f"got '{value}'" in result.stderr and "internal error" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("seconds", [0, -1, math.nan, math.inf, -math.inf, 1e308, 2001])
def test_the_api_rejects_a_timeout_without_a_budget(seconds: float) -> None:
    with pytest.raises(ValueError, match="the timeout must be"):
        Budget.from_seconds(seconds)


def test_small_and_large_timeouts_keep_a_budget_z3_can_hold() -> None:
    assert Budget.from_seconds(0.0001).rlimit == 200  # 0.0001 s x 2,000,000 units per second
    largest = Budget.from_seconds(2000)
    assert largest.rlimit == 4_000_000_000 < 2**32 and largest.timeout_ms == 2_000_000


UNCOVERED = """statute R
facts P { age: int 0..120 }
parameter grens: int
  = 60 from 2027-09-01
decision d: bool [art. 1] otherwise false
decision e: bool [art. 2] otherwise false
rule oud [art. 1]: d = true if age > grens
rule volwassen [art. 2]: e = true if age > 18
"""


def _test_and_check(path: Path, *extra: str) -> tuple:
    runner = CliRunner()
    test = runner.invoke(main, ["test", str(path), *extra])
    check = runner.invoke(main, ["check", str(path), "--no-cache", "--no-builtin", *extra])
    full = runner.invoke(main, ["check", str(path), "--no-cache", *extra])
    return test, check, full


def test_an_example_on_a_date_a_parameter_it_does_not_read_lacks_passes_test_and_check(tmp_path: Path) -> None:
    # grens has no value before 2027-09-01; the example reads only e. 'check' used to stop
    # with exit 2 (its built-in checks read grens on today's and the example's date).
    path = _write(tmp_path, UNCOVERED + 'example "vroeg" [on 2025-01-01] { age = 70 } expect e = true\n')
    for extra in ((), ("--date", "2025-01-01")):
        test, check, full = _test_and_check(path, *extra)
        assert (test.exit_code, check.exit_code, full.exit_code) == (0, 0, 0), (test.stderr, full.stderr)


def test_an_example_that_reads_a_parameter_without_a_value_is_bad_input_in_test_and_check(tmp_path: Path) -> None:
    path = _write(tmp_path, UNCOVERED + 'example "vroeg" [on 2025-01-01] { age = 70 } expect d = true\n')
    test, check, full = _test_and_check(path)
    assert (test.exit_code, check.exit_code, full.exit_code) == (2, 2, 2)
    assert test.stderr == check.stderr == full.stderr
    assert "s.law:7:38: error: parameter grens has no value in R on 2025-01-01" in test.stderr
    assert "s.law:9:1: note: in example 'vroeg', which runs in R on 2025-01-01" in test.stderr


def test_the_versions_consolidated_on_load_are_given_again_and_are_what_a_fresh_consolidation_gives() -> None:
    """``version_on`` gives the versions the loader consolidated (``check_all_versions``) again
    for the same arguments, and those are the versions a consolidation from scratch gives;
    other arguments are consolidated afresh and not remembered."""
    from lexproof.dsl.consolidate import _LOADED_VERSIONS, version_on

    program = api.load(DOCS.parent / "statutes" / "lll")
    statute = program.statutes["WEB"]  # uses nothing: its versions are remembered
    remembered = statute.scratch[_LOADED_VERSIONS]
    assert remembered
    for (date, include, exclude, own_only), version in remembered.items():
        assert version_on(statute, date, include=include, exclude=exclude, own_only=own_only) is version
        fresh_statute = dataclasses.replace(statute)  # the same statute, nothing remembered
        fresh = version_on(fresh_statute, date, include=include, exclude=exclude, own_only=own_only)
        assert (fresh.label, fresh.rules, fresh.parameters) == (version.label, version.rules, version.parameters)
    assert [v.label for v in distinct_versions(statute, dt.date(2025, 1, 1))] == \
        [v.label for v in distinct_versions(dataclasses.replace(statute), dt.date(2025, 1, 1))]
    before = len(remembered)
    version_on(statute, dt.date(2031, 5, 5))
    assert len(remembered) == before
    assert _LOADED_VERSIONS not in program.statutes["WSF2000"].scratch  # it uses WEB: consolidated afresh
