"""The pytest plugin (lexproof.verifier.pytest_plugin), run in-process with pytester on small statutes."""

from __future__ import annotations

import os
from importlib.metadata import entry_points
from pathlib import Path

import pytest

import lexproof.verifier.api  # noqa: F401 - import z3 and the engine once, outside pytester's module snapshots
import lexproof.verifier.pytest_plugin  # noqa: F401

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
DATE = "--lexproof-date=2025-01-01"


def _installed() -> bool:
    if os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD"):
        return False
    return any(ep.name == "lexproof" and ep.value == "lexproof.verifier.pytest_plugin" for ep in entry_points(group="pytest11"))


# Deterministic whether or not lexproof is pip-installed: block the entry point, load the module.
PLUGIN = ["-p", "no:lexproof", "-p", "lexproof.verifier.pytest_plugin", "-p", "no:cacheprovider"]

BASIS = """\
statute T "Testwet"

enum Soort { a, b }

facts Geval {
  leeftijd: int 0..120 typical 40
  soort: Soort
  bedrag: money €0..€1_000
}

decision recht: bool [art. 1] otherwise false

rule basis [art. 1 lid 1]:
  recht = true
  if leeftijd >= 18 and soort = a

example "volwassene a" [on 2025-01-01] {
  leeftijd = 30, soort = a, bedrag = €10
} expect recht = true

example "fout verwacht" [on 2025-01-01] {
  leeftijd = 30, soort = b, bedrag = €10
} expect recht = true

property alleen_volwassenen [on 2025-01-01]:
  for every Geval claim recht implies leeftijd >= 18

property iedereen_a [on 2025-01-01]:
  for every Geval claim soort = a implies recht

property iedereen_a_verwacht [on 2025-01-01] expect counterexample:
  for every Geval claim soort = a implies recht

property verwacht_maar_bewezen [on 2025-01-01] expect counterexample:
  for every Geval claim recht implies soort = a
"""

CONFLICT = """\
statute C "Conflictwet"

facts Zaak {
  x: int 0..10
}

decision d: bool [art. 1]

rule ja [art. 1 lid 1]: d = true if x >= 5
rule nee [art. 1 lid 2]: d = false if x >= 3
rule nul [art. 1 lid 3]: d = false if x < 3
"""


def _write(pytester: pytest.Pytester, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = pytester.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*PLUGIN, *args)


def _section(output: str, title: str) -> str:
    """The failure section of one item (from its ``___ title ___`` header to the next)."""
    start = output.index(title)
    end = min([i for i in (output.find("\n___", start + len(title)), output.find("short test summary", start)) if i > 0])
    return output[start:end]


@pytest.fixture
def statutes(pytester: pytest.Pytester) -> pytest.Pytester:
    _write(pytester, {"wet/basis.law": BASIS, "conflict/conflict.law": CONFLICT})
    return pytester


def test_outcomes_of_examples_properties_and_builtin_checks(statutes: pytest.Pytester) -> None:
    result = _run(statutes, DATE, "wet", "conflict", "-rxX")
    # passed: 1 example, 1 property, 4 built-in kinds of T, gap/dead/redundant of C
    # failed: failing example, refuted property, expected counterexample that is now proved, conflict
    result.assert_outcomes(passed=9, failed=4, xfailed=1)
    result.stdout.fnmatch_lines([
        "*XFAIL wet/basis.law::property?iedereen_a_verwacht? - counterexample, as declared (expect counterexample)*",
    ])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_items_are_named_after_the_statute_elements(statutes: pytest.Pytester) -> None:
    result = _run(statutes, DATE, "wet", "conflict", "--collect-only", "-q")
    lines = set(result.stdout.lines)
    for name in [
        "wet/basis.law::example[volwassene a]",
        "wet/basis.law::example[fout verwacht]",
        "wet/basis.law::property[alleen_volwassenen]",
        "wet/basis.law::property[verwacht_maar_bewezen]",
        "wet/basis.law::builtin[conflict]",
        "wet/basis.law::builtin[gap]",
        "conflict/conflict.law::builtin[dead]",
        "conflict/conflict.law::builtin[redundant]",
    ]:
        assert name in lines, result.stdout.str()


def test_counterexample_report_has_facts_outcome_articles_and_location(statutes: pytest.Pytester) -> None:
    result = _run(statutes, DATE, "wet", "conflict")
    output = result.stdout.str()
    assert "Traceback" not in output
    refuted = _section(output, "T property[iedereen_a]")
    assert "property iedereen_a: counterexample" in refuted
    assert "wet/basis.law:28" in refuted  # the property's file:line
    assert "the case:" in refuted
    for fact in ("leeftijd", "soort", "bedrag"):
        assert fact in refuted
    assert "recht = false" in refuted  # the outcome
    assert "articles: art. 1 lid 1 T" in refuted

    example = _section(output, "T example[fout verwacht]")
    assert "recht: expected true, got false" in example
    assert "soort     b" in example

    conflict = _section(output, "C builtin[conflict]")
    assert "rules ja [art. 1 lid 1 C] and nee [art. 1 lid 2 C] both apply" in conflict
    assert "conflict/conflict.law:9" in conflict

    xpass = _section(output, "T property[verwacht_maar_bewezen]")
    assert "[XPASS(strict)]" in xpass and "expect counterexample" in xpass


def test_a_failure_report_names_the_version_the_item_ran_in(statutes: pytest.Pytester) -> None:
    """Was: 'at wet/basis.law:28 (T, law as on 2026-12-05)', today's date, for a property that
    says '[on 2025-01-01]' and ran there (the explanation below said 'in T on 2025-01-01')."""
    result = _run(statutes, "--lexproof-date=2031-03-03", "wet")
    output = result.stdout.str()
    refuted = _section(output, "T property[iedereen_a]")
    assert "at wet/basis.law:28 (T on 2025-01-01)" in refuted
    assert "2031-03-03" not in refuted
    example = _section(output, "T example[fout verwacht]")
    assert "(T on 2025-01-01)" in example and "2031-03-03" not in example


def test_short_summary_carries_the_case(statutes: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")  # pytest prints untruncated summary messages on CI
    result = _run(statutes, DATE, "wet")
    result.stdout.fnmatch_lines([
        "FAILED wet/basis.law::property[[]iedereen_a[]] - property iedereen_a: counterexample.*"
        "Case: leeftijd = *, soort = a, bedrag = *Articles: art. 1 lid 1 T*",
    ])


def test_select_with_k(statutes: pytest.Pytester) -> None:
    result = _run(statutes, DATE, "wet", "conflict", "-k", "iedereen_a")
    result.assert_outcomes(failed=1, xfailed=1, deselected=12)
    result = _run(statutes, DATE, "wet", "conflict", "-k", "alleen_volwassenen or volwassene")
    result.assert_outcomes(passed=2, deselected=12)


def test_select_by_node_id(statutes: pytest.Pytester) -> None:
    result = _run(statutes, DATE, "wet/basis.law::property[alleen_volwassenen]")
    result.assert_outcomes(passed=1)


def test_expected_finding_is_xfail_and_disappearing_one_fails(pytester: pytest.Pytester) -> None:
    declared = CONFLICT.replace("rule nee", "@expect(LP101)\nrule nee")
    _write(pytester, {"erkend/wet.law": declared})
    result = _run(pytester, DATE, "erkend", "-k", "builtin", "-rx")
    result.assert_outcomes(passed=3, xfailed=1)
    result.stdout.fnmatch_lines(["*builtin?conflict? - 1 conflict finding, as declared with @expect*"])

    resolved = declared.replace("d = true if x >= 5", "d = true if x >= 5 and x < 3")
    (pytester.path / "erkend/wet.law").write_text(resolved, encoding="utf-8")
    result = _run(pytester, DATE, "erkend", "-k", "conflict")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*[[]XPASS(strict)[]] conflict: declared with @expect but no longer found*"])


def test_dead_rule_is_a_warning_that_can_be_made_an_error(pytester: pytest.Pytester) -> None:
    _write(pytester, {"dood/wet.law": CONFLICT.replace("d = false if x < 3", "d = false if x > 10")})
    result = _run(pytester, DATE, "dood", "-k", "dead")
    # Our warning, and in an installed venv also pytest's "already imported, cannot be
    # rewritten" about the plugin (pytester runs in-process): count only ours.
    assert result.parseoutcomes().get("passed") == 1
    assert result.stdout.str().count("LexproofWarning: dead") == 1
    result.stdout.fnmatch_lines(["*dood/wet.law:11: LexproofWarning: dead nul*can never apply*"])
    result = _run(pytester, DATE, "dood", "-k", "dead", "-W", "error::lexproof.verifier.pytest_plugin.LexproofWarning")
    result.assert_outcomes(failed=1)
    assert "Traceback" not in result.stdout.str()


def test_amendment_in_a_sibling_file_applies(pytester: pytest.Pytester) -> None:
    amendment = """\
amendment iedereen "Ook soort b" amends T in force 2026-01-01
  replace rule basis [art. 1 lid 1]: recht = true if leeftijd >= 18

  example "b na de wijziging" [after iedereen, before iedereen] {
    leeftijd = 30, soort = b, bedrag = €10
  } expect recht = true
"""
    _write(pytester, {"wet/basis.law": BASIS, "wet/wijziging.law": amendment})
    result = _run(pytester, DATE, "wet/wijziging.law", "-rf")
    # one item per version: after passes, before fails
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["FAILED wet/wijziging.law::example[[]b na de wijziging @ before iedereen[]]*"])


def test_load_error_is_a_collection_error_with_the_diagnostic(pytester: pytest.Pytester) -> None:
    _write(pytester, {"kapot/wet.law": BASIS.replace("if leeftijd >= 18 and", "if leeftijd >= 18 &&")})
    result = _run(pytester, DATE, "kapot")
    result.assert_outcomes(errors=1)
    output = result.stdout.str()
    assert "ERROR collecting kapot/wet.law" in output
    assert "kapot/wet.law:15:" in output and "error:" in output
    assert "^" in output  # the caret under the offending text
    assert "Traceback" not in output


def test_law_files_in_testpaths_are_left_alone(pytester: pytest.Pytester) -> None:
    """The project's own `pytest` and `pytest tests/` must not collect tests/broken/*.law."""
    pytester.makeini("[pytest]\ntestpaths = tests\n")
    _write(pytester, {
        "tests/broken/kapot.law": "statute X \"kapot\" rule &&\n",
        "tests/test_iets.py": "def test_iets():\n    pass\n",
        "wet/basis.law": BASIS,
    })
    _run(pytester, DATE).assert_outcomes(passed=1)
    _run(pytester, DATE, "tests").assert_outcomes(passed=1)
    _run(pytester, DATE, ".", "-k", "volwassene").assert_outcomes(passed=2, deselected=9)
    _run(pytester, DATE, "tests/broken").assert_outcomes(errors=1)
    _run(pytester, DATE, "tests/broken/kapot.law").assert_outcomes(errors=1)


def test_ini_lexproof_collect(pytester: pytest.Pytester) -> None:
    _write(pytester, {"wet/basis.law": BASIS, "test_iets.py": "def test_iets():\n    pass\n"})
    pytester.makeini("[pytest]\nlexproof_collect = true\n")
    _run(pytester, DATE, "-k", "volwassene or iets").assert_outcomes(passed=3, deselected=8)
    pytester.makeini("[pytest]\nlexproof_collect = false\n")
    _run(pytester, DATE, "wet").assert_outcomes()
    pytester.makeini("[pytest]\nlexproof_collect = sometimes\n")
    assert _run(pytester, "wet").ret == pytest.ExitCode.USAGE_ERROR


def test_bad_date_is_a_usage_error(statutes: pytest.Pytester) -> None:
    result = _run(statutes, "--lexproof-date=2025-13-01", "wet")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--lexproof-date expects a date YYYY-MM-DD*"])


def test_unversioned_items_use_the_lexproof_date(pytester: pytest.Pytester) -> None:
    statute = """\
statute P "Parameterwet"
facts F { n: int 0..100 }
parameter grens: int [art. 2]
  = 10 from 2020-01-01
  = 20 from 2024-01-01
decision boven: bool [art. 1] otherwise false
rule r [art. 1]: boven = true if n > grens
example "vijftien" { n = 15 } expect boven = true
"""
    _write(pytester, {"p/wet.law": statute})
    _run(pytester, "--lexproof-date=2021-06-01", "p", "-k", "vijftien").assert_outcomes(passed=1, deselected=4)
    _run(pytester, "--lexproof-date=2025-06-01", "p", "-k", "vijftien").assert_outcomes(failed=1, deselected=4)


def test_entry_point_is_declared() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    section = text.split("[project.entry-points.pytest11]", 1)[1].split("\n[", 1)[0]
    assert 'lexproof = "lexproof.verifier.pytest_plugin"' in section


@pytest.mark.skipif(not _installed(), reason="lexproof is not pip-installed (no pytest11 entry point)")
def test_entry_point_loads_the_plugin(statutes: pytest.Pytester) -> None:
    result = statutes.runpytest(DATE, "conflict", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, failed=1)


LATER_CONFLICT = """\
statute R "Regeling"
facts P { age: int 0..120 }
parameter grens: int
  = 200 from 2020-01-01
  = 60 from 2027-09-01
decision d: bool [art. 1] otherwise false
rule jong [art. 1 lid 1]: d = true if age < 70
rule oud [art. 1 lid 2]: d = false if age > grens
"""


def test_builtin_items_cover_every_version_unless_a_date_is_given(pytester: pytest.Pytester) -> None:
    # ages 61..69 fall under both rules only from 2027-09-01 (grens 200 before): without a
    # date the conflict item fails, as `lexproof check` does; on 2026-01-01 it passes.
    _write(pytester, {"r/wet.law": LATER_CONFLICT})
    result = _run(pytester, "r", "-k", "conflict")
    result.assert_outcomes(failed=1)
    assert "every version of the law" in result.stdout.str() and "R on 2027-09-01" in result.stdout.str()
    _run(pytester, "--lexproof-date=2026-01-01", "r", "-k", "conflict").assert_outcomes(passed=1)


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "1e308"])
def test_a_timeout_without_a_budget_is_a_usage_error(statutes: pytest.Pytester, value: str) -> None:
    result = _run(statutes, f"--lexproof-timeout={value}", "wet")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*--lexproof-timeout must be *, got '{value}'*"])


def test_explanations_in_dutch(statutes: pytest.Pytester) -> None:
    """--lexproof-lang nl: the failure report in the drafter's language (issue 17)."""
    result = _run(statutes, DATE, "wet", "--lexproof-lang=nl")
    refuted = _section(result.stdout.str(), "T property[iedereen_a]")
    assert "eigenschap iedereen_a  tegenvoorbeeld" in refuted
    assert "het geval:" in refuted
    assert "recht = onwaar" in refuted
    assert "bedrag" in refuted and "€" in refuted
    assert "artikelen: art. 1 lid 1 T" in refuted


def test_an_unknown_language_is_a_usage_error(statutes: pytest.Pytester) -> None:
    result = _run(statutes, DATE, "wet", "--lexproof-lang=fr")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "unknown language 'fr' (use en or nl)" in result.stderr.str()


XREF_AVG = """\
statute AVG "Algemene verordening gegevensbescherming" celex "32016R0679"
enum Grondslag { toestemming, wettelijke_plicht, geen }
facts Verwerking { grondslag: Grondslag  systematisch: bool }
decision rechtmatig: bool [art. 6 lid 1] otherwise false
rule toestemming_regel [art. 6 lid 1 sub a]: rechtmatig = true if grondslag = toestemming and not systematisch
rule plicht [art. 6 lid 1 sub c]: rechtmatig = true if grondslag = wettelijke_plicht
"""

XREF_SUWI = """\
statute SUWI "Wet SUWI"
uses AVG
facts Verwerking { grondslag: Grondslag  systematisch: bool }
decision mag_verwerken: bool [art. 62] otherwise false
rule suwi_regel [art. 62 lid 1]: mag_verwerken = true if grondslag in {toestemming, wettelijke_plicht}
same question q: AVG.rechtmatig, mag_verwerken
"""


def test_a_conflict_between_statutes_fails_the_conflict_item(pytester: pytest.Pytester) -> None:
    # Consent for systematic processing: the AVG says no (art. 6 lid 1 sub a needs 'not
    # systematisch'), the SUWI yes (art. 62 lid 1): LP105, a conflict without a priority.
    _write(pytester, {"xref/avg.law": XREF_AVG, "xref/suwi.law": XREF_SUWI})
    result = _run(pytester, DATE, "xref", "-k", "conflict")
    result.assert_outcomes(passed=1, failed=1)  # the AVG's own conflicts: none; the SUWI's: LP105
    output = result.stdout.str()
    assert "FAILED xref/suwi.law::builtin[conflict]" in output
    assert "conflict: 1 finding in SUWI" in output
    assert "art. 62 lid 1 SUWI" in output and "art. 6 lid 1" in output
    # With a priority the AVG decides: a warning, no failure.
    (pytester.path / "xref/suwi.law").write_text(
        XREF_SUWI.replace("mag_verwerken\n", "mag_verwerken priority lex superior AVG\n"), encoding="utf-8")
    result = _run(pytester, DATE, "xref", "-k", "conflict")
    assert result.parseoutcomes().get("passed") == 2
    assert "LexproofWarning: question q" in result.stdout.str()
