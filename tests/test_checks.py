"""Built-in checks (LP101-LP104), vacuity, unknown, proof articles and --emit-example, on small
statutes with planted defects whose findings were worked out by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner

from lexproof.dsl.consolidate import version_on
from lexproof.dsl.parser import parse_text
from lexproof.verifier import api
from lexproof.verifier.checks import run_checks
from lexproof.verifier.cli import main
from lexproof.verifier.solving import Budget

DAY = dt.date(2025, 1, 1)

PLANTED = """
statute P
enum Soort { mbo, hbo, wo }
facts F { leeftijd: int 0..100  soort: Soort  student: bool }

decision recht: bool otherwise false
rule basis [art. 1]: recht = true if leeftijd < 56 and soort != mbo
rule conflicterend [art. 2]: recht = false if leeftijd > 50 and soort = hbo
rule nooit [art. 3]: recht = true if leeftijd > 60 and leeftijd < 40
rule overbodig [art. 4]: recht = true if leeftijd < 20 and soort = wo

decision hoogte: int
rule laag [art. 5]: hoogte = 1 if student
rule hoog [art. 6] except laag: hoogte = 2 if student

property leeg [on 2025-01-01]: for every F assume leeftijd > 70 and leeftijd < 60 claim recht
"""

CLEAN = """
statute C
facts F { leeftijd: int 0..100 }
decision recht: bool otherwise false
rule basis [art. 1]: recht = true if leeftijd < 56
rule uitzondering [art. 2] except basis: recht = false if leeftijd < 18
property onder_56 [on 2025-01-01]: for every F claim recht implies leeftijd < 56
"""


def findings(text: str) -> dict[tuple[str, str], object]:
    program = api.load(_write(text))
    statute = program.statute()
    return {(r.code, r.name): r for r in run_checks(statute, version_on(statute, DAY), Budget())}


def _write(text: str) -> Path:
    import tempfile

    folder = Path(tempfile.mkdtemp())
    path = folder / "s.law"
    path.write_text(text, encoding="utf-8")
    return path


def test_planted_conflict_names_both_rules_and_a_witness() -> None:
    result = findings(PLANTED)[("LP101", "recht: basis / conflicterend")]
    # By hand: leeftijd in 51..55 and soort = hbo makes basis (true) and conflicterend (false) fire.
    assert result.articles == ["art. 1 P", "art. 2 P"]
    case = result.witnesses[0].facts[None]
    assert 51 <= case["leeftijd"] <= 55 and case["soort"] == "hbo"
    assert result.location.line == 7


def test_planted_gap_with_witness_and_region() -> None:
    result = findings(PLANTED)[("LP102", "hoogte")]
    # Nothing decides hoogte for non-students, and it has no 'otherwise'.
    assert result.witnesses[0].facts[None]["student"] is False
    assert any("student = false" in row for row in result.details["region"])


def test_planted_dead_rules_both_kinds() -> None:
    found = findings(PLANTED)
    never = found[("LP103", "nooit")]
    assert "can never apply" in never.message and never.articles == ["art. 3 P"]
    overridden = found[("LP103", "laag")]
    assert "always overridden by hoog [art. 6 P]" in overridden.message


def test_planted_redundant_rule() -> None:
    found = findings(PLANTED)
    # overbodig (age < 20, wo) only ever agrees with basis, which already decides true there.
    assert ("LP104", "overbodig") in found
    # basis is not redundant: without it, a 30-year-old hbo student is not entitled.
    assert ("LP104", "basis") not in found
    # dead rules are not also reported as redundant
    assert ("LP104", "nooit") not in found


def test_vacuous_property_is_not_proved() -> None:
    program = api.load(_write(PLANTED))
    results = {r.name: r for r in api.check(program, date=DAY, builtin=False)}
    assert results["leeg"].status == "vacuous"
    assert not results["leeg"].as_expected


def test_clean_statute_has_no_findings_and_proves() -> None:
    assert findings(CLEAN) == {}
    program = api.load(_write(CLEAN))
    results = api.check(program, date=DAY)
    assert [r.status for r in results] == ["proved"]
    # By hand: the proof needs basis (it grants only under 56), the exception (had it said
    # 'true' for a 60-year-old, the claim would fail) and the default (had it been true, too).
    assert results[0].articles == ["art. 1 C (rule basis)", "art. 2 C (rule uitzondering)", "recht otherwise"]


def test_allow_silences_and_expect_keeps_green() -> None:
    allowed = PLANTED.replace("rule conflicterend", "@allow(conflict)\nrule conflicterend")
    assert not any(code == "LP101" for code, _ in findings(allowed))
    expected = PLANTED.replace("rule conflicterend", "@expect(LP101)\nrule conflicterend")
    result = findings(expected)[("LP101", "recht: basis / conflicterend")]
    assert result.as_expected


def test_check_exit_codes_for_defects_and_clean() -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["check", str(_write(PLANTED)), "--date", "2025-01-01"]).exit_code == 1
    assert runner.invoke(main, ["check", str(_write(CLEAN)), "--date", "2025-01-01"]).exit_code == 0


def test_tiny_budget_gives_unknown_not_proved() -> None:
    hard = """
statute H
facts F { a: int 0..1000000  b: int 0..1000000  c: int 0..1000000 }
decision d: bool otherwise false
rule r [art. 1]: d = true if 3 * a + 7 * b - 11 * c = 1 and a - b + c > 500000 and 13 * a - 17 * b < 3
property p [on 2025-01-01]: for every F claim d implies a > 0
"""
    result = CliRunner().invoke(main, ["check", str(_write(hard)), "--no-builtin", "--timeout", "0.0001"])
    assert result.exit_code == 3, result.output
    assert "unknown" in result.output and "proved" not in result.output


def test_emit_example_writes_a_regression_test_that_passes(tmp_path: Path) -> None:
    statute = """
statute E
facts F { leeftijd: int 0..100 typical 40  inkomen: money €0..€100_000 }
decision recht: bool otherwise false
rule r [art. 1]: recht = true if leeftijd < 56 and inkomen < €30_000
property rijk [on 2025-01-01] expect counterexample: for every F claim recht
"""
    path = tmp_path / "e.law"
    path.write_text(statute, encoding="utf-8")
    emitted = tmp_path / "emitted.law"
    result = CliRunner().invoke(main, ["check", str(path), "--no-builtin", "--emit-example", str(emitted)])
    assert result.exit_code == 0, result.output
    block = emitted.read_text(encoding="utf-8")
    assert 'example "rijk' in block and "expect recht = false" in block
    # Appended to the statute, the block is an example that passes.
    path.write_text(statute + "\n" + block, encoding="utf-8")
    parse_text(path.read_text(encoding="utf-8"), str(path))
    tested = CliRunner().invoke(main, ["test", str(path)])
    assert tested.exit_code == 0, tested.output
    assert "passed" in tested.output


def test_query_max_gives_cases_decided_by_different_rules() -> None:
    program = api.load(_write(CLEAN))
    result = api.query(program, "exists F: not recht", date=DAY, max_cases=5)
    assert result.status == "satisfiable"
    patterns = {
        tuple(t.status for t in w.outcomes[(None, None)]["recht"].rules) for w in result.witnesses
    }
    # By hand: not entitled either as a minor (uitzondering overrides basis) or at 56+.
    assert len(result.witnesses) == 2 == len(patterns)


def test_query_without_answer_is_a_proof_with_articles() -> None:
    program = api.load(_write(CLEAN))
    result = api.query(program, "exists F: recht and leeftijd < 18", date=DAY)
    assert result.status == "unsatisfiable"
    assert result.articles == ["art. 2 C (rule uitzondering)"]


EXCLUSIVE = """
statute X
enum Soort { a, b, c }
facts F { soort: Soort  student: bool  leeftijd: int 0..100 }
decision hoogte: int otherwise 0
rule r1 [art. 1]: hoogte = 1 if soort = a and student
rule r2 [art. 2]: hoogte = 2 if soort in {b, c}
rule r3 [art. 3]: hoogte = 3 if not student and leeftijd > 10
rule r4 [art. 4]: hoogte = 4 if soort = a and leeftijd > 50
"""


def test_conflict_prefilter_skips_only_pairs_whose_conditions_exclude_each_other() -> None:
    from lexproof.verifier.checks import _may_clash

    statute = api.load(_write(EXCLUSIVE)).statute()
    rules = {name: statute.rules[name] for name in ("r1", "r2", "r3", "r4")}
    # By hand: soort = a vs soort in {b, c}; student vs not student; soort in {b, c} vs soort = a.
    excluded = {("r1", "r2"), ("r1", "r3"), ("r2", "r4")}
    for first, second in [("r1", "r2"), ("r1", "r3"), ("r1", "r4"), ("r2", "r3"), ("r2", "r4"), ("r3", "r4")]:
        assert _may_clash(rules[first], rules[second]) is ((first, second) not in excluded), (first, second)
    # The solver finds every other pair in conflict (each can apply together with the other).
    conflicts = {name for (code, name) in findings(EXCLUSIVE) if code == "LP101"}
    assert conflicts == {"hoogte: r1 / r4", "hoogte: r2 / r3", "hoogte: r3 / r4"}


COVERED = """
statute Y
enum Soort { a, b, c }
facts F { soort: Soort  student: bool }
decision gedekt: int
rule g1 [art. 1]: gedekt = 1 if soort = a
rule g2 [art. 2]: gedekt = 2 if soort in {b, c}
decision student_of_niet: int
rule s1 [art. 3]: student_of_niet = 1 if student
rule s2 [art. 4]: student_of_niet = 2 if not student
decision open: int
rule o1 [art. 5]: open = 1 if soort = a
rule o2 [art. 6]: open = 2 if soort = b and student
rule o3 [art. 7]: open = 3 if soort = c
"""


def test_gap_prefilter_skips_only_decisions_whose_conditions_cover_a_fact() -> None:
    from lexproof.verifier.checks import _applies

    statute = api.load(_write(COVERED)).statute()
    version = version_on(statute, DAY)
    applies = {name: _applies("gap", statute.decisions[name], version.rules_of(name), statute)
               for name in ("gedekt", "student_of_niet", "open")}
    # By hand: a + {b, c} cover Soort; true + false cover bool; 'soort = b and student' covers
    # only part of b, so 'open' has a gap (soort = b, not student), which the solver finds.
    assert applies == {"gedekt": False, "student_of_niet": False, "open": True}
    gaps = {name for (code, name) in findings(COVERED) if code == "LP102"}
    assert gaps == {"open"}


WAYS = """
statute Q
enum Soort { a, b }
facts F { soort: Soort  lid: bool  jong: bool }
decision recht: bool [art. 1] otherwise false
rule basis [art. 1]: recht = true if lid
rule uitzondering [art. 2] except basis: recht = false if jong
decision code: int [art. 3] otherwise 0
rule code_a [art. 3]: code = 1 if soort = a
rule code_b [art. 4]: code = 2 if soort = b
"""


def test_query_max_cases_differ_in_the_rules_that_explain_the_answer() -> None:
    program = api.load(_write(WAYS))
    result = api.query(program, "exists F: not recht", date=DAY, max_cases=10)
    ways = {
        tuple((t.rule.name, t.status) for t in w.outcomes[(None, None)]["recht"].rules) for w in result.witnesses
    }
    # By hand, three ways to no 'recht': not a member (nothing applies); not a member and young
    # (the exception applies, basis does not); a young member (the exception overrides basis).
    # 'code' does not explain 'recht', so soort = a or b gives no further cases.
    assert len(result.witnesses) == 3 == len(ways)
    assert {(w.facts[None]["lid"], w.facts[None]["jong"]) for w in result.witnesses} == {
        (False, False), (False, True), (True, True)}
