"""A statute that fails to load is reported in every machine format (issue 17, item 4).

Before, a syntax error gave an empty SARIF log, an empty JUnit report and no JSON: code scanning
and test dashboards showed a clean run. Now bad input (exit 2) writes, besides the diagnostics on
stderr, a SARIF result per diagnostic (its location; the load phase as rule id LP001..LP005), a
failing JUnit test case per file, and the JSON error shape of docs/json-output.md. The expected
lines and columns below were read off the test statutes by hand.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from lexproof.verifier.cli import main

REPO = Path(__file__).resolve().parents[1]

# The error is the missing expression after '>' at the end of line 4 (column 33).
SYNTAX = "statute S\nfacts F { x: int }\ndecision d: bool otherwise false\nrule r [art. 1]: d = true if x >\n"
# 'y' is not declared: line 4, column 22.
UNKNOWN_NAME = "statute T\nfacts F { x: int }\ndecision d: bool otherwise false\nrule r [art. 1]: d = y\n"
# Two syntax errors in another file: line 2 column 11 ('}' where a field name belongs) ...
SECOND = "statute U\nfacts F { }}\n"


def run(*args: str, cwd: Path) -> tuple[int, str, str]:
    import os

    here = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, list(args))
    finally:
        os.chdir(here)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    (tmp_path / "wet").mkdir()
    (tmp_path / "wet" / "a.law").write_text(SYNTAX, encoding="utf-8")
    return tmp_path


def _region(result: dict) -> tuple[str, int, int]:
    location = result["locations"][0]["physicalLocation"]
    return location["artifactLocation"]["uri"], location["region"]["startLine"], location["region"]["startColumn"]


# --- SARIF ----------------------------------------------------------------------------------------


def test_a_syntax_error_is_a_sarif_result_at_its_location(broken: Path) -> None:
    code, stdout, stderr = run("check", "wet", "--format", "sarif", cwd=broken)
    assert code == 2
    assert "wet/a.law:4:33: error:" in stderr  # the diagnostic for people stays on stderr
    run_ = json.loads(stdout)["runs"][0]
    [result] = run_["results"]
    assert result["ruleId"] == "LP001" and result["level"] == "error"
    assert _region(result) == ("wet/a.law", 4, 33)
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    assert "expected an expression" in result["message"]["text"]
    assert [rule["id"] for rule in run_["tool"]["driver"]["rules"]] == ["LP001"]
    assert run_["tool"]["driver"]["rules"][result["ruleIndex"]]["name"] == "syntax"
    assert run_["invocations"] == [{"executionSuccessful": False, "exitCode": 2}]


def test_a_declaration_error_has_its_own_rule_id(tmp_path: Path) -> None:
    (tmp_path / "t.law").write_text(UNKNOWN_NAME, encoding="utf-8")
    code, stdout, _ = run("check", "t.law", "--format", "sarif", cwd=tmp_path)
    assert code == 2
    [result] = json.loads(stdout)["runs"][0]["results"]
    assert result["ruleId"] == "LP003"
    assert _region(result) == ("t.law", 4, 22)
    assert result["message"]["text"] == "unknown name 'y'"


def test_an_amendment_that_cannot_apply_is_lp004_and_a_missing_file_lp002(tmp_path: Path) -> None:
    code, stdout, _ = run("check", "tests/broken/amend_leaves_dangling_except.law", "--format", "sarif", cwd=REPO)
    assert code == 2
    results = json.loads(stdout)["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"LP004"}
    code, stdout, _ = run("check", "nergens.law", "--format", "sarif", cwd=tmp_path)
    assert code == 2
    [result] = json.loads(stdout)["runs"][0]["results"]
    assert result["ruleId"] == "LP002" and _region(result) == ("nergens.law", 1, 1)


def test_a_bad_option_is_a_sarif_result_without_a_location(tmp_path: Path) -> None:
    (tmp_path / "t.law").write_text("statute T\nfacts F { x: int }\n", encoding="utf-8")
    code, stdout, _ = run("check", "t.law", "--only", "bogus", "--format", "sarif", cwd=tmp_path)
    assert code == 2
    [result] = json.loads(stdout)["runs"][0]["results"]
    assert result["ruleId"] == "LP005" and "locations" not in result
    assert "unknown check 'bogus'" in result["message"]["text"]


# --- JUnit ----------------------------------------------------------------------------------------


def test_each_file_that_fails_to_load_is_a_failing_junit_test_case(broken: Path) -> None:
    (broken / "wet" / "b.law").write_text(SECOND, encoding="utf-8")
    code, stdout, _ = run("check", "wet", "--format", "junit", cwd=broken)
    assert code == 2
    root = ET.fromstring(stdout)
    assert (root.get("tests"), root.get("failures")) == ("2", "2")
    cases = {case.get("name"): case for case in root.iter("testcase")}
    assert set(cases) == {"wet/a.law", "wet/b.law"}
    failure = cases["wet/a.law"].find("failure")
    assert failure is not None and failure.get("type") == "LP001"
    assert failure.get("message", "").startswith("wet/a.law:4:33: ")
    assert "    4 | rule r [art. 1]: d = true if x >" in (failure.text or "")  # the line, and a caret
    assert cases["wet/a.law"].get("line") == "4"
    assert cases["wet/b.law"].get("line") == "2"


def test_the_test_command_reports_load_errors_too(broken: Path) -> None:
    code, stdout, _ = run("test", "wet", "--format", "json", cwd=broken)
    assert code == 2 and json.loads(stdout)["errors"][0]["code"] == "LP001"


# --- JSON -----------------------------------------------------------------------------------------


def test_the_json_error_shape(broken: Path) -> None:
    code, stdout, _ = run("check", "wet", "--format", "json", cwd=broken)
    assert code == 2
    data = json.loads(stdout)
    assert (data["lexproof"], data["command"], data["exit_code"]) == (1, "check", 2)
    [error] = data["errors"]
    assert error["code"] == "LP001" and error["severity"] == "error"
    assert error["location"] == {"file": "wet/a.law", "line": 4, "column": 33, "end_line": 4, "end_column": 34}
    assert error["rendered"].startswith("wet/a.law:4:33: error: ")
    assert error["notes"] == []


def test_a_bad_case_file_is_a_json_error_of_eval(tmp_path: Path) -> None:
    (tmp_path / "t.law").write_text("statute T\nfacts F { x: int }\ndecision d: bool otherwise false\n",
                                    encoding="utf-8")
    (tmp_path / "case.json").write_text('{"x": "veertig"}', encoding="utf-8")
    code, stdout, _ = run("eval", "t.law", "--case", "case.json", "--format", "json", cwd=tmp_path)
    assert code == 2
    data = json.loads(stdout)
    assert data["command"] == "eval"
    [error] = data["errors"]
    assert error["code"] == "LP005" and error["location"]["file"] == "case.json"


def test_every_field_of_the_error_shape_is_documented(broken: Path) -> None:
    (broken / "t.law").write_text(
        "statute T\nfacts F { x: int }\ndecision d: bool otherwise false\ndecision d: int\n", encoding="utf-8")
    _, stdout, _ = run("check", "t.law", "--format", "json", cwd=broken)
    data = json.loads(stdout)
    assert data["errors"][0]["notes"], "a duplicate declaration has a note pointing at the first one"
    keys: set[str] = set()

    def collect(value: object) -> None:
        if isinstance(value, dict):
            keys.update(value)
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    collect(data)
    doc = (REPO / "docs" / "json-output.md").read_text(encoding="utf-8")
    section = doc[doc.index("## Bad input"):]
    section = section[: section.index("\n## ", 1)]
    missing = sorted(k for k in keys if not re.search(r"`(?:[^`\s]*[.\]])?" + re.escape(k) + "`", section))
    assert not missing, f"not documented under 'Bad input' in docs/json-output.md: {missing}"
