"""The command line: eval, test, check, query, diff, fmt, their exit codes (0 ok, 1 failure,
2 bad input) and their output, on small statutes written to tmp_path and on statutes/lll.

Most runs use click's CliRunner on lexproof.verifier.cli.main; the statutes/lll runs are real processes."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from lexproof.dsl.consolidate import version_on
from lexproof.dsl.evaluator import evaluate_case
from lexproof.verifier import api
from lexproof.verifier.cli import main

REPO = Path(__file__).resolve().parent.parent

STATUTE = """\
statute S
enum Soort { mbo, hbo }
facts F {
  x: int 0..120
  s: Soort
  m: money €0..€1_000
}
parameter grens: int [art. 2] = 50 from 2020-01-01
decision d: bool [art. 1] otherwise false
rule a [art. 1 lid 1]: d = true if x < grens and s = hbo
rule b [art. 1 lid 2] except a: d = false if m > €900
example "jong hbo" [on 2025-01-01] { x = 30, s = hbo, m = €10 } expect d = true
example "mbo" [on 2025-01-01] { x = 30, s = mbo, m = €10 } expect d = false
property onder_grens [on 2025-01-01]: for every F claim d implies x < 50
amendment A "Verruiming" amends S in force 2027-01-01
  set parameter grens = 60
  replace rule a [art. 1 lid 1]: d = true if x < grens
"""


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def statute(tmp_path: Path) -> Path:
    return write(tmp_path / "s.law", STATUTE)


@pytest.fixture
def case(tmp_path: Path) -> Path:
    return write(tmp_path / "case.json", '{\n  "x": 30,\n  "s": "hbo",\n  "m": "€950.50"\n}\n')


def assert_bad_input(code: int, stdout: str, stderr: str, *fragments: str) -> None:
    assert code == 2, stdout + stderr
    assert "Traceback" not in stdout + stderr
    for fragment in fragments:
        assert fragment in stderr, f"{fragment!r} not in\n{stderr}"


# --- eval ---------------------------------------------------------------------------------------


def test_eval_human(statute: Path, case: Path):
    code, stdout, stderr = cli("eval", str(statute), "--case", str(case), "--date", "2025-01-01")
    assert code == 0, stderr
    assert "S on 2025-01-01" in stdout
    # x 30 < 50 and hbo: a holds, but m €950.50 > €900: the exception b decides false.
    assert "d = false" in stdout
    assert "b [art. 1 lid 2 S] applies" in stdout
    assert "€950.50" in stdout


def test_eval_json_fields(statute: Path, case: Path):
    code, stdout, stderr = cli("eval", str(statute), "--case", str(case), "--date", "2025-01-01", "--format", "json")
    assert code == 0, stderr
    data = json.loads(stdout)
    assert data["command"] == "eval"
    assert data["version"] == "S on 2025-01-01"
    assert data["case"] == {"x": 30, "s": "hbo", "m": "950.50"}
    assert data["outcome"]["d"] == {"value": False, "status": "decided", "rules": ["b"], "articles": ["art. 1 lid 2 S"]}
    trace = {t["rule"]: t for t in data["trace"]["d"]}
    assert trace["a"]["status"] == "overridden" and trace["a"]["overridden_by"] == ["b"]
    assert trace["b"]["status"] == "applied" and trace["b"]["article"] == "art. 1 lid 2 S"
    assert trace["b"]["location"] == {"file": str(statute), "line": 11, "column": 1}


def test_eval_with_amendment_uses_the_version_after_it(statute: Path, tmp_path: Path):
    case = write(tmp_path / "c.json", '{"x": 55, "s": "mbo", "m": 0}')
    code, stdout, _ = cli("eval", str(statute), "--case", str(case), "--date", "2025-01-01", "--format", "json")
    assert json.loads(stdout)["outcome"]["d"]["value"] is False   # 55 >= 50, and mbo
    code, stdout, stderr = cli("eval", str(statute), "--case", str(case), "--amendment", "A", "--format", "json")
    assert code == 0, stderr
    data = json.loads(stdout)
    assert data["version"] == "S on 2027-01-01 (with A)"
    assert data["outcome"]["d"]["value"] is True                  # 55 < 60; soort no longer matters


@pytest.mark.parametrize(
    "text, position, fragment",
    [
        ('{\n  "x": 30,\n  "s": "hbo"\n}\n', "1:1", "the case does not give: m"),
        ('{\n  "x": 30,\n  "s": "hbo",\n  "m": 5,\n  "y": 1\n}\n', "5:3", "'y' is not a fact of S"),
        ('{\n  "x": 300,\n  "s": "hbo",\n  "m": 5\n}\n', "2:3", "x = 300 is above its range 0..120"),
        ('{\n  "x": 30,\n  "s": "wo",\n  "m": 5\n}\n', "3:3", "s: expected one of mbo, hbo, got \"wo\""),
        ('{\n  "x": 30,\n  "s": "hbo"\n  "m": 5\n}\n', "4:3", "not valid JSON: Expecting ',' delimiter"),
        ('{\n  "x": 30,\n  "s": "hbo",\n  "m": 1001\n}\n', "4:3", "m = €1,001.00 is above its range €0.00..€1,000.00"),
        ('[1, 2]', "1:1", "a case is a JSON object of fact names and values"),
    ],
    ids=["missing", "unknown", "out-of-range", "unknown-enum", "bad-json", "money-out-of-range", "not-an-object"],
)
def test_case_file_errors(statute: Path, tmp_path: Path, text: str, position: str, fragment: str):
    case = write(tmp_path / "case.json", text)
    code, stdout, stderr = cli("eval", str(statute), "--case", str(case), "--date", "2025-01-01")
    assert_bad_input(code, stdout, stderr, f"{case}:{position}: error: {fragment}")


def test_case_file_that_does_not_exist(statute: Path, tmp_path: Path):
    code, stdout, stderr = cli("eval", str(statute), "--case", str(tmp_path / "nope.json"))
    assert_bad_input(code, stdout, stderr, f"{tmp_path / 'nope.json'}:1:1: error: cannot read the case file")


def test_case_file_fractional_cents_message_shows_the_value_as_written(statute: Path, tmp_path: Path):
    case = write(tmp_path / "case.json", '{\n  "x": 30,\n  "s": "hbo",\n  "m": 5.001\n}\n')
    code, _, stderr = cli("eval", str(statute), "--case", str(case))
    assert code == 2
    assert f"{case}:4:3: error:" in stderr and "5.001" in stderr
    assert "Decimal(" not in stderr


def test_case_file_fractional_cents_is_rejected_at_its_key(statute: Path, tmp_path: Path):
    case = write(tmp_path / "case.json", '{\n  "x": 30,\n  "s": "hbo",\n  "m": 5.001\n}\n')
    code, stdout, stderr = cli("eval", str(statute), "--case", str(case))
    assert_bad_input(code, stdout, stderr, f"{case}:4:3: error: m: money is in whole cents")


def test_case_file_bool_for_int_uses_json_spelling(statute: Path, tmp_path: Path):
    case = write(tmp_path / "case.json", '{\n  "x": true,\n  "s": "hbo",\n  "m": 5\n}\n')
    code, _, stderr = cli("eval", str(statute), "--case", str(case))
    assert code == 2
    assert f"{case}:2:3: error: x: expected a number, got true" in stderr


def test_several_case_file_errors_are_reported_together(statute: Path, tmp_path: Path):
    case = write(tmp_path / "case.json", '{\n  "x": 300,\n  "s": "wo"\n}\n')
    code, stdout, stderr = cli("eval", str(statute), "--case", str(case))
    assert_bad_input(code, stdout, stderr, f"{case}:2:3: error: x = 300", f"{case}:3:3: error: s: expected one of",
                     f"{case}:1:1: error: the case does not give: m", "3 errors")


# --- test and check ---------------------------------------------------------------------------


def test_test_passes(statute: Path):
    code, stdout, stderr = cli("test", str(statute))
    assert code == 0, stdout + stderr
    assert "2 results: 2 passed" in stdout


def test_test_fails_on_a_wrong_example(tmp_path: Path):
    path = write(tmp_path / "s.law", STATUTE.replace('{ x = 30, s = mbo, m = €10 } expect d = false',
                                                      '{ x = 30, s = mbo, m = €10 } expect d = true'))
    code, stdout, _ = cli("test", str(path))
    assert code == 1
    assert "example mbo" in stdout and "d: expected true, got false" in stdout


def test_check_is_green_on_a_clean_statute(statute: Path):
    code, stdout, stderr = cli("check", str(statute), "--date", "2025-01-01", "--format", "json")
    assert code == 0, stdout + stderr
    data = json.loads(stdout)
    assert data["exit_code"] == 0
    assert {(r["kind"], r["name"], r["status"]) for r in data["results"]} >= {
        ("example", "jong hbo", "passed"), ("example", "mbo", "passed"), ("property", "onder_grens", "proved"),
    }
    assert data["summary"]["not_as_expected"] == 0


def test_check_fails_on_a_failing_example(tmp_path: Path):
    path = write(tmp_path / "s.law", STATUTE.replace("expect d = false", "expect d = true"))
    code, stdout, _ = cli("check", str(path), "--date", "2025-01-01")
    assert code == 1
    assert f"{path}:13:1: example mbo: failed" in stdout


def test_check_fails_on_a_property_with_a_counterexample(tmp_path: Path):
    # The claim is false: x = 45 hbo is eligible and not under 40.
    path = write(tmp_path / "s.law", STATUTE.replace("claim d implies x < 50", "claim d implies x < 40"))
    code, stdout, _ = cli("check", str(path), "--date", "2025-01-01", "--format", "json")
    assert code == 1
    (result,) = [r for r in json.loads(stdout)["results"] if r["name"] == "onder_grens"]
    assert result["status"] == "counterexample"
    counterexample = result["case"]
    assert 40 <= counterexample["x"] < 50 and counterexample["s"] == "hbo"


def test_check_accepts_an_expected_counterexample(tmp_path: Path):
    path = write(tmp_path / "s.law", STATUTE.replace(
        "property onder_grens [on 2025-01-01]: for every F claim d implies x < 50",
        "property onder_grens [on 2025-01-01] expect counterexample: for every F claim d implies x < 40",
    ))
    code, stdout, stderr = cli("check", str(path), "--date", "2025-01-01")
    assert code == 0, stdout + stderr
    assert "counterexample (as expected)" in stdout


def test_check_fails_when_an_expected_counterexample_is_not_found(tmp_path: Path):
    path = write(tmp_path / "s.law", STATUTE.replace(
        "property onder_grens [on 2025-01-01]:", "property onder_grens [on 2025-01-01] expect counterexample:"
    ))
    code, stdout, _ = cli("check", str(path), "--date", "2025-01-01")
    assert code == 1


def test_check_reports_a_conflict(tmp_path: Path):
    path = write(tmp_path / "c.law", """\
statute S
facts F { x: int 0..120 }
decision d: int otherwise 0
rule a [art. 1]: d = 1 if x < 50
rule b [art. 2]: d = 2 if x > 40
""")
    code, stdout, _ = cli("check", str(path), "--date", "2025-01-01", "--format", "json")
    assert code == 1
    (result,) = json.loads(stdout)["results"]
    assert (result["kind"], result["status"]) == ("conflict", "conflict")
    assert 41 <= result["case"]["x"] <= 49        # where both rules apply


def test_check_exit_2_on_bad_input(tmp_path: Path):
    path = write(tmp_path / "bad.law", "statute S\nfacts F { x: int }\ndecision d: bool\nrule r: d = true\n")
    code, stdout, stderr = cli("check", str(path))
    assert_bad_input(code, stdout, stderr, f"{path}:4:7: error: unexpected ':'")


# --- query and diff -----------------------------------------------------------------------------


def test_query_satisfiable_gives_a_case_that_satisfies_it(statute: Path):
    code, stdout, stderr = cli("query", str(statute), "exists F: d and x > 40", "--date", "2025-01-01", "--format", "json")
    assert code == 0, stderr
    (result,) = json.loads(stdout)["results"]
    assert result["status"] == "satisfiable"
    found = result["case"]
    # d needs x < 50, hbo and m <= €900; the query adds x > 40.
    assert 40 < found["x"] < 50 and found["s"] == "hbo"
    program = api.load(statute)
    outcome = api.evaluate(program, found, date="2025-01-01").outcomes["d"]
    assert outcome.value is True


def test_query_unsatisfiable(statute: Path):
    code, stdout, stderr = cli("query", str(statute), "exists F: d and x > 60", "--date", "2025-01-01")
    assert code == 0, stderr
    assert "unsatisfiable" in stdout
    assert "no case satisfies the query" in stdout


def test_query_with_an_amendment(statute: Path):
    code, stdout, _ = cli("query", str(statute), "exists F: d and x > 55", "--amendment", "A", "--format", "json")
    assert code == 0
    (result,) = json.loads(stdout)["results"]
    assert result["status"] == "satisfiable" and 55 < result["case"]["x"] < 60


def test_query_errors_point_into_the_query(statute: Path):
    code, stdout, stderr = cli("query", str(statute), "exists F: y > 1")
    assert_bad_input(code, stdout, stderr, "<query>:1:11: error: unknown name 'y'")
    code, stdout, stderr = cli("query", str(statute), "exists G: x > 1")
    assert_bad_input(code, stdout, stderr, "unknown facts group 'G' (known: F)")
    code, stdout, stderr = cli("query", str(statute))
    assert_bad_input(code, stdout, stderr, "give the statute files and then the question")


def test_diff_amendment_reports_who_changes(statute: Path):
    code, stdout, stderr = cli("diff", str(statute), "--amendment", "A", "--format", "json")
    assert code == 0, stderr
    (result,) = json.loads(stdout)["results"]
    assert (result["name"], result["status"]) == ("d", "changed")
    assert result["versions"] == {"before": "S on 2027-01-01", "after": "S on 2027-01-01 (with A)"}
    # The witness really changes: evaluate it in both versions.
    before, after = result["outcome"]["before"]["d"]["value"], result["outcome"]["after"]["d"]["value"]
    assert before is False and after is True
    program = api.load(statute)
    model = program.statutes["S"]
    case = api.read_case(model, result["case"])
    assert evaluate_case(version_on(model, dt.date(2027, 1, 1), exclude=("A",)), case)["d"].value is False
    assert evaluate_case(version_on(model, dt.date(2027, 1, 1)), case)["d"].value is True


def test_diff_human(statute: Path):
    code, stdout, _ = cli("diff", str(statute), "--amendment", "A")
    assert code == 0
    assert "diff d" in stdout and "changed" in stdout


def test_diff_between_dates_without_changes(statute: Path):
    code, stdout, _ = cli("diff", str(statute), "--from", "2024-01-01", "--to", "2025-01-01")
    assert code == 0
    assert "unchanged: d" in stdout


def _row_cases(when: str) -> list[dict]:
    """Corner cases of a diff row such as 's = mbo, x 0..59' (x at both ends, every s listed)."""
    soorten = ["mbo", "hbo"]
    match = re.search(r"\bs = (\w+)", when) or re.search(r"\bs in \{([^}]*)\}", when)
    if match:
        soorten = [v.strip() for v in match[1].split(",")]
    match = re.search(r"\bx (\d+)\.\.(\d+)", when) or re.search(r"\bx = (\d+)()", when)
    assert match, when
    xs = {int(match[1]), int(match[2] or match[1])}
    return [{"x": x, "s": s, "m": "0"} for x in xs for s in soorten]


def test_diff_rows_only_describe_cases_that_change(statute: Path):
    code, stdout, _ = cli("diff", str(statute), "--amendment", "A", "--format", "json")
    assert code == 0
    (result,) = json.loads(stdout)["results"]
    program = api.load(statute)
    model = program.statutes["S"]
    before = version_on(model, dt.date(2027, 1, 1), exclude=("A",))
    after = version_on(model, dt.date(2027, 1, 1))
    for row in result["details"]["rows"]:
        for raw in _row_cases(row["when"]):
            case = api.read_case(model, raw)
            assert evaluate_case(before, case)["d"].value != evaluate_case(after, case)["d"].value, (row, raw)


# --- fmt ------------------------------------------------------------------------------------------


def test_fmt_prints_canonical_layout_and_check_detects_it(tmp_path: Path):
    messy = write(tmp_path / "messy.law",
                  "statute S\nfacts F {   x: int 0..10 }\ndecision d: bool otherwise false\n"
                  "rule r [art. 1]:   d = true   if x>3\n")
    code, formatted, stderr = cli("fmt", str(messy))
    assert code == 0, stderr
    assert "if x > 3" in formatted and "x: int 0..10" in formatted
    code, stdout, _ = cli("fmt", "--check", str(messy))
    assert code == 1 and f"{messy}: not formatted" in stdout
    tidy = write(tmp_path / "tidy.law", formatted)
    assert cli("fmt", "--check", str(tidy))[0] == 0
    assert cli("fmt", str(tidy))[1] == formatted                    # idempotent
    # Formatting keeps the meaning: the formatted file checks and decides the same way.
    program = api.load(tidy)
    assert api.evaluate(program, {"x": 4}, date="2025-01-01").outcomes["d"].value is True


def test_fmt_diff_prints_a_unified_diff_that_patch_applies(tmp_path: Path):
    messy = write(tmp_path / "messy.law", "statute S\nfacts F {   x: int 0..10 }\n")
    code, stdout, _ = cli("fmt", "--diff", str(messy))
    assert code == 1
    # Written by hand: the facts block moves to its own lines after a blank line.
    assert stdout == (
        f"--- {messy}\n+++ {messy}\n@@ -1,2 +1,5 @@\n statute S\n-facts F {{   x: int 0..10 }}\n"
        "+\n+facts F {\n+  x: int 0..10\n+}\n"
    )
    tidy = write(tmp_path / "tidy.law", cli("fmt", str(messy))[1])
    assert cli("fmt", "--diff", str(tidy)) == (0, "", "")
    # Options that contradict each other are bad input, not a silent choice.
    code, _, stderr = cli("fmt", "--diff", "--write", str(messy))
    assert code == 2 and "at most one of --check, --diff and --write" in stderr
    assert messy.read_text(encoding="utf-8") == "statute S\nfacts F {   x: int 0..10 }\n"


def test_fmt_diff_marks_a_missing_last_newline(tmp_path: Path):
    messy = write(tmp_path / "messy.law", "statute  S")
    code, stdout, _ = cli("fmt", "--diff", str(messy))
    assert code == 1
    assert stdout.endswith("-statute  S\n\\ No newline at end of file\n+statute S\n")


def test_fmt_write_rewrites_in_place(tmp_path: Path):
    messy = write(tmp_path / "messy.law", "statute S\nfacts F {   x: int }\n")
    code, stdout, _ = cli("fmt", "--write", str(messy))
    assert code == 0 and f"formatted {messy}" in stdout
    assert cli("fmt", "--check", str(messy))[0] == 0


def test_fmt_of_a_broken_file_is_bad_input(tmp_path: Path):
    path = write(tmp_path / "broken.law", "statute S\nfacts F { x: int \n")
    code, stdout, stderr = cli("fmt", str(path))
    assert_bad_input(code, stdout, stderr, f"{path}:2:17: error: unexpected end of file")


# --- bad options --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["eval", "{s}", "--case", "{c}", "--amendment", "nope"], "no amendment named 'nope' is loaded (known: A)"),
        (["diff", "{s}", "--amendment", "nope"], "no amendment named 'nope' is loaded (known: A)"),
        (["query", "{s}", "exists F: d", "--amendment", "nope"], "no amendment named 'nope' is loaded"),
        (["eval", "{s}", "--case", "{c}", "--date", "2025-13-01"], "--date expects a date YYYY-MM-DD, got '2025-13-01'"),
        (["check", "{s}", "--date", "yesterday"], "--date expects a date YYYY-MM-DD, got 'yesterday'"),
        (["test", "{s}", "--date", "2025/01/01"], "--date expects a date YYYY-MM-DD"),
        (["diff", "{s}", "--from", "2025-01-01", "--to", "later"], "--to expects a date YYYY-MM-DD, got 'later'"),
        (["diff", "{s}"], "give --amendment, or both --from and --to"),
        (["diff", "{s}", "--amendment", "A", "--decision", "nope"], "unknown decision 'nope'"),
        (["check", "{s}", "--only", "bogus"], "--only: unknown check 'bogus'"),
        (["eval", "{s}", "--case", "{c}", "--statute", "T"], "no statute named 'T' is loaded (loaded: S)"),
        (["check", "{d}/missing.law"], "missing.law:1:1: error: no such file or directory"),
    ],
)
def test_bad_options_exit_2_without_traceback(statute: Path, case: Path, tmp_path: Path, args, fragment):
    args = [a.format(s=statute, c=case, d=tmp_path) for a in args]
    code, stdout, stderr = cli(*args)
    assert_bad_input(code, stdout, stderr, fragment)


def test_missing_required_option_is_a_usage_error(statute: Path):
    code, stdout, stderr = cli("eval", str(statute))
    assert code == 2
    assert "Missing option '--case'" in stderr
    assert "Traceback" not in stdout + stderr


def test_empty_statute_file_checks_clean(tmp_path: Path):
    path = write(tmp_path / "empty.law", "")
    code, stdout, stderr = cli("check", str(path), "--format", "json")
    assert code == 0, stderr
    data = json.loads(stdout)
    assert data["results"] == [] and data["summary"]["total"] == 0


def test_eval_without_any_statute_says_so(tmp_path: Path):
    path = write(tmp_path / "empty.law", "-- nothing yet\n")
    case = write(tmp_path / "case.json", "{}")
    code, _, stderr = cli("eval", str(path), "--case", str(case))
    assert code == 2
    assert "several statutes" not in stderr
    assert "no statute" in stderr.lower()


def test_eval_without_any_statute_is_bad_input(tmp_path: Path):
    path = write(tmp_path / "empty.law", "-- nothing yet\n")
    case = write(tmp_path / "case.json", "{}")
    code, stdout, stderr = cli("eval", str(path), "--case", str(case))
    assert_bad_input(code, stdout, stderr)


def _long_sum(tmp_path: Path, terms: int) -> Path:
    return write(tmp_path / f"sum{terms}.law", "statute S\nfacts F { x: int 0..10 }\ndecision d: int otherwise 0\n"
                 "rule r [art. 1]: d = " + " + ".join(["x"] * terms) + "\n")


def test_a_sum_of_150_terms_checks(tmp_path: Path):
    code, stdout, stderr = cli("check", str(_long_sum(tmp_path, 150)), "--date", "2025-01-01")
    assert code == 0, stdout + stderr


def test_a_sum_of_250_terms_checks_or_is_rejected_with_a_position(tmp_path: Path):
    path = _long_sum(tmp_path, 250)
    code, stdout, stderr = cli("check", str(path), "--date", "2025-01-01")
    assert code == 0 or (code == 2 and re.search(re.escape(str(path)) + r":4:\d+: error: ", stderr)), stderr


# --- statutes/lll: a 40-year-old bbl student ---------------------------------------------------

# Born 1985-06-15: 40 on 2026-01-01, 42 on 2027-09-01 (uitbreiding_mbo's in-force date).
BBL_40 = {
    "geboortedatum": "1985-06-15", "opleiding": "mbo", "leerweg": "bbl", "instelling": "bekostigd",
    "verblijf": "nederlander",
    "recht_op_reguliere_sf": False, "diploma": "geen", "krediet_loopt_door": False,
    "verschuldigd_per_jaar": "€800", "door_derde_betaald": "€0",
}


def lexproof(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lexproof", *args], cwd=REPO, capture_output=True,
                          text=True, encoding="utf-8", timeout=300)


@pytest.fixture
def bbl_case(tmp_path: Path) -> Path:
    return write(tmp_path / "bbl40.json", json.dumps(BBL_40))


def test_lll_bbl_student_of_40_is_not_eligible_today(bbl_case: Path):
    done = lexproof("eval", "statutes/lll", "--case", str(bbl_case), "--date", "2026-01-01")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "WSF2000 on 2026-01-01" in out
    assert "recht_op_krediet = false" in out
    assert "leeftijd = 40" in out
    # Why: art. 3.16b lid 1 needs opleiding_telt, and art. 1.1 counts only the bol (WEB 7.2.7 lid 3).
    assert re.search(r"aanspraak \[art\. 3\.16b lid 1 WSF2000\] does not apply: 'opleiding_telt' does not hold", out)
    assert re.search(r"opleiding_mbo \[art\. 1\.1 WSF2000\] does not apply: 'WEB\.beroepsopleidende_leerweg'", out)
    assert re.search(r"WEB\.bol \[art\. 7\.2\.7 lid 3 WEB\] does not apply", out)
    assert "max_krediet = €0.00" in out


def test_lll_bbl_student_of_40_is_eligible_after_uitbreiding_mbo(bbl_case: Path):
    done = lexproof("eval", "statutes/lll", "--case", str(bbl_case), "--amendment", "uitbreiding_mbo",
                    "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["version"] == "WSF2000 on 2027-09-01 (with uitbreiding_mbo)"
    assert data["outcome"]["recht_op_krediet"] == {
        "value": True, "status": "decided", "rules": ["aanspraak"], "articles": ["art. 3.16b lid 1 WSF2000"],
    }
    # The cap is 5 x the lesgeld of 2027-2028, which is not known: undefined, not an amount.
    assert data["outcome"]["referentie"]["value"] == "lcw_lesgeld"
    assert data["outcome"]["max_krediet"]["status"] == "undefined"
    assert data["outcome"]["max_krediet"].get("value") is None
    assert data["outcome"]["leeftijd"]["value"] == 42
    assert data["case"]["leerweg"] == "bbl"


def test_lll_bbl_student_json_before_the_amendment(bbl_case: Path):
    done = lexproof("eval", "statutes/lll", "--case", str(bbl_case), "--date", "2026-01-01", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["outcome"]["recht_op_krediet"]["value"] is False
    assert data["outcome"]["recht_op_krediet"]["status"] == "default"
    assert "art. 1.1 WSF2000" in data["articles"] and "art. 3.16b lid 1 WSF2000" in data["articles"]
    trace = {t["rule"]: t for t in data["trace"]["opleiding_telt"]}
    assert trace["opleiding_mbo"]["failed_condition"] == "WEB.beroepsopleidende_leerweg"


@pytest.mark.parametrize("args", [["diff", "--amendment", "A", "--amendment", "B"],
                                  ["check", "--date", "2026-01-01", "--date", "2027-01-01"],
                                  ["check", "--format", "json", "--format", "human"]])
def test_an_option_given_twice_is_bad_input_not_the_last_one_silently(tmp_path: Path, args: list[str]) -> None:
    """Was: click kept the last of a repeated option, so ``--amendment P --amendment Q`` applied
    Q alone without a word. Now it is exit 2, naming both values."""
    path = write(tmp_path / "s.law", STATUTE)
    command, option, first, _again, second = args
    code, _stdout, stderr = cli(command, str(path), option, first, option, second)
    assert code == 2
    assert f"Invalid value for '{option}': given 2 times ('{first}', '{second}'); give it once" in stderr
