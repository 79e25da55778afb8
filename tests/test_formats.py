"""SARIF 2.1.0 and JUnit XML output (lexproof.verifier.formats), directly and through `lexproof check`."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from lexproof.verifier import api
from lexproof.verifier.cli import main
from lexproof.verifier.formats import to_junit, to_sarif
from lexproof.verifier.results import Result

STATUTE = """\
statute T "Testwet"

enum Soort { a, b }

facts Geval {
  leeftijd: int 0..120
  soort: Soort
}

decision recht: bool [art. 1] otherwise false
decision d: bool [art. 4]

rule basis [art. 1 lid 1]:
  recht = true
  if leeftijd >= 18 and soort = a

rule ja [art. 4 lid 1]: d = true if leeftijd >= 50
rule nee [art. 4 lid 2]: d = false if leeftijd >= 30
rule nul [art. 4 lid 3]: d = false if leeftijd < 30
rule nooit [art. 4 lid 4]: d = false if leeftijd > 200

example "volwassene a" [on 2025-01-01] {
  leeftijd = 30, soort = a
} expect recht = true

example "fout verwacht" [on 2025-01-01] {
  leeftijd = 30, soort = b
} expect recht = true

property alleen_volwassenen [on 2025-01-01]:
  for every Geval claim recht implies leeftijd >= 18

property iedereen_a [on 2025-01-01]:
  for every Geval claim soort = a implies recht

property iedereen_a_verwacht [on 2025-01-01] expect counterexample:
  for every Geval claim soort = a implies recht
"""

LEVELS = {"error", "warning", "note", "none"}


@pytest.fixture(scope="module")
def statute_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("formats")
    (directory / "wet.law").write_text(STATUTE, encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def results(statute_dir: Path) -> list[Result]:
    return api.check(api.load(statute_dir), date="2025-01-01")


def _by_name(results: list[Result]) -> dict[str, Result]:
    return {r.name: r for r in results}


def test_fixture_covers_every_judgement(results: list[Result]) -> None:
    statuses = {(r.kind, r.status, r.as_expected) for r in results}
    assert ("example", "passed", True) in statuses
    assert ("example", "failed", False) in statuses
    assert ("property", "proved", True) in statuses
    assert ("property", "counterexample", False) in statuses
    assert ("property", "counterexample", True) in statuses  # expected
    assert ("conflict", "conflict", False) in statuses
    assert ("dead", "dead", True) in statuses  # a warning: as expected


def _check_sarif_structure(log: dict) -> None:
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-schema-2.1.0.json")
    assert isinstance(log["runs"], list) and len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "lexproof"
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in LEVELS
    assert isinstance(run["results"], list)
    for result in run["results"]:
        assert result["ruleId"] in rule_ids
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in LEVELS
        if result.get("kind", "fail") != "fail":
            assert result["level"] == "none"  # SARIF 2.1.0 §3.27.10
        assert result["message"]["text"]
        assert result["locations"], result
        for location in result["locations"] + result.get("relatedLocations", []):
            physical = location["physicalLocation"]
            assert physical["artifactLocation"]["uri"]
            region = physical["region"]
            assert isinstance(region["startLine"], int) and region["startLine"] >= 1
            assert region.get("startColumn", 1) >= 1
            if "endLine" in region:
                assert region["endLine"] >= region["startLine"]
        assert result["partialFingerprints"]
    for base in run.get("originalUriBaseIds", {}).values():
        assert base["uri"].endswith("/")
    json.dumps(log)  # serialisable


def test_sarif_structure_and_levels(results: list[Result], statute_dir: Path) -> None:
    log = to_sarif(results, base=statute_dir)
    _check_sarif_structure(log)
    entries = log["runs"][0]["results"]
    by_name = {e["properties"]["name"]: e for e in entries}
    # only results that are not as expected are errors/warnings
    for entry in entries:
        assert (entry["level"] in ("error", "warning")) == (not entry["properties"]["ok"])
    assert by_name["iedereen_a"]["level"] == "error"
    assert by_name["iedereen_a"]["ruleId"] == "property"
    assert by_name["fout verwacht"]["ruleId"] == "example"
    assert by_name["iedereen_a_verwacht"]["level"] == "note"
    conflict = next(e for e in entries if e["ruleId"] == "LP101")
    assert conflict["level"] == "error" and conflict["relatedLocations"]
    dead = next(e for e in entries if e["ruleId"] == "LP103")
    assert dead["level"] == "note"
    # good news is left out unless asked for
    assert "alleen_volwassenen" not in by_name and "volwassene a" not in by_name


def test_sarif_anchors_and_message(results: list[Result], statute_dir: Path) -> None:
    log = to_sarif(results, base=statute_dir)
    entry = next(e for e in log["runs"][0]["results"] if e["properties"]["name"] == "iedereen_a")
    location = entry["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("wet.law")
    line = STATUTE.splitlines().index("property iedereen_a [on 2025-01-01]:") + 1
    assert location["region"]["startLine"] == line
    text = entry["message"]["text"]
    assert "counterexample" in text and "Case: leeftijd = " in text and "soort = a" in text
    assert "art. 1 lid 1 T" in text
    assert entry["properties"]["case"]["soort"] == "a"


def test_sarif_include_passing(results: list[Result], statute_dir: Path) -> None:
    log = to_sarif(results, include_passing=True, base=statute_dir)
    _check_sarif_structure(log)
    entries = log["runs"][0]["results"]
    assert len(entries) == len(results)
    proved = next(e for e in entries if e["properties"]["name"] == "alleen_volwassenen")
    assert proved["kind"] == "pass" and proved["level"] == "none"


def test_sarif_relative_uri_for_absolute_paths(results: list[Result], statute_dir: Path) -> None:
    log = to_sarif(results, base=statute_dir.parent)
    uris = {e["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for e in log["runs"][0]["results"]}
    for uri in uris:
        assert not uri.startswith("/") and uri.endswith("wet.law")


def test_junit_counts_and_failures(results: list[Result]) -> None:
    root = ET.fromstring(to_junit(results))
    assert root.tag == "testsuites"
    cases = root.findall("./testsuite/testcase")
    failing = [r for r in results if not r.as_expected and r.status != "unknown"]
    assert len(cases) == len(results) == int(root.get("tests"))
    assert int(root.get("failures")) == len(failing) == len(root.findall("./testsuite/testcase/failure"))
    assert int(root.get("errors")) == 0
    suite = root.find("testsuite")
    assert suite is not None and suite.get("name") == "T" and int(suite.get("tests")) == len(results)

    by_name = {case.get("name"): case for case in cases}
    refuted = by_name["iedereen_a"].find("failure")
    assert refuted is not None and refuted.get("type") == "counterexample"
    assert "the case:" in refuted.text and "leeftijd" in refuted.text and "art. 1 lid 1 T" in refuted.text
    assert by_name["iedereen_a"].get("file", "").endswith("wet.law")
    expected = by_name["iedereen_a_verwacht"]
    assert expected.find("failure") is None
    assert "as declared (expect counterexample)" in expected.findtext("system-out")
    assert by_name["volwassene a"].find("failure") is None


def test_junit_unknown_is_an_error(results: list[Result]) -> None:
    unknown = Result("property", "te_moeilijk", "unknown", results[0].location, expected="proved", statute="T",
                     message="the solver ran out of budget")
    root = ET.fromstring(to_junit([*results, unknown]))
    assert root.get("errors") == "1"
    case = next(c for c in root.iter("testcase") if c.get("name") == "te_moeilijk")
    assert case.find("error") is not None
    log = to_sarif([unknown])
    assert log["runs"][0]["results"][0]["level"] == "warning"


@pytest.mark.parametrize("fmt", ["sarif", "junit"])
def test_cli_check_formats(fmt: str, statute_dir: Path) -> None:
    runner = CliRunner()
    outcome = runner.invoke(main, ["check", str(statute_dir), "--date", "2025-01-01", "--format", fmt])
    assert outcome.exit_code == 1, outcome.output
    if fmt == "sarif":
        _check_sarif_structure(json.loads(outcome.stdout))
    else:
        root = ET.fromstring(outcome.stdout)
        assert int(root.get("failures")) >= 3
