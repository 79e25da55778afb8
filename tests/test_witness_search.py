"""The evaluator's evidence for the built-in checks (verifier/witness_search.py): a rule seen
applying is not dead, a rule seen mattering is not redundant, and nothing else is concluded.
Planted dead and redundant rules are still found; the solver is not asked about rules the
evaluator settled; decisions per item whose parameter has no value yet are skipped, not a crash.
"""

from __future__ import annotations

import datetime as dt

from lexproof.dsl.check_program import check_files
from lexproof.dsl.consolidate import version_on
from lexproof.dsl.parser import parse_text
from lexproof.verifier import api, checks
from lexproof.verifier.solving import Budget
from lexproof.verifier.witness_search import gather

DAY = dt.date(2026, 6, 1)

PLANTED = """\
statute W
facts F { inkomen: money €0..€100_000  leeftijd: int 0..100  student: bool }
items kind up to 3 { uren: int 0..300 }
decision recht: bool [art. 1] otherwise false
rule basis [art. 1 lid 1]: recht = true if inkomen < €30_000
rule student_regel [art. 1 lid 2] except basis: recht = false if student and leeftijd > 30
rule nooit [art. 1 lid 3]: recht = true if leeftijd > 60 and leeftijd < 50
rule overbodig [art. 1 lid 4]: recht = true if inkomen < €20_000 and not student
rule kinderen [art. 1 lid 5]: recht = true if count(kind where uren > 100) >= 2
"""


def load(text: str):
    (statute,) = check_files([parse_text(text, "w.law")]).statutes.values()
    return statute


def test_evidence_names_only_rules_that_apply_and_matter() -> None:
    statute = load(PLANTED)
    version = version_on(statute, DAY)
    evidence = gather(statute, version, "recht", version.rules_of("recht"), redundancy=True)
    # By hand: nooit can never hold; overbodig only where basis applies too (same value); the
    # others apply in a good share of random cases (48 of them, edges included, the same on
    # every run). basis matters only where overbodig does not apply as well (an income of
    # €20,000 to €30,000, or a student of at most 30): it may or may not be seen.
    assert "nooit" not in evidence.applied and "nooit" not in evidence.matters
    assert "overbodig" not in evidence.matters
    assert {"basis", "student_regel", "kinderen"} <= evidence.applied
    assert {"student_regel", "kinderen"} <= evidence.matters


def test_planted_dead_and_redundant_rules_are_still_found() -> None:
    statute = load(PLANTED)
    found = {(r.code, r.name) for r in api.builtin_checks(statute, DAY, Budget()) if r.status not in ("clean",)}
    assert ("LP103", "nooit") in found
    assert ("LP104", "overbodig") in found
    assert not {name for code, name in found if code in ("LP103", "LP104")} - {"nooit", "overbodig"}


def test_the_solver_is_not_asked_about_rules_the_evaluator_settled(monkeypatch) -> None:
    statute = load(PLANTED)
    asked: list[tuple] = []
    real = checks.check

    def counting(solver, *assumptions):
        asked.append(tuple(str(a) for a in assumptions if str(a).startswith("goal!")))
        return real(solver, *assumptions)

    monkeypatch.setattr(checks, "check", counting)
    api.builtin_checks(statute, DAY, Budget(), only=("dead", "redundant"))
    goals = {goal for question in asked for goal in question}
    assert "goal!holds!nooit" in goals and "goal!redundant!overbodig" in goals
    assert "goal!holds!basis" not in goals and "goal!redundant!student_regel" not in goals


def test_item_checks_skip_a_version_where_their_parameter_has_no_value() -> None:
    statute = load("""\
statute V
parameter bedrag: money [art. 1] = €10 from 2025-01-01
parameter later: money [art. 2] = €5 from 2026-01-01
items kind up to 2 { leeftijd: int 0..17 }
decision per_kind: money per kind [art. 3] otherwise €0
rule jong [art. 3 lid 1]: per_kind = bedrag if leeftijd < 12
rule ouder [art. 3 lid 2]: per_kind = later if leeftijd >= 6
decision totaal: money [art. 4] otherwise sum(kind: per_kind)
""")
    results = api.builtin_checks(statute, None, Budget(), undated=DAY)
    conflicts = [r for r in results if r.code == "LP101"]
    # By hand: from 2026 a child of 6..11 gets €10 by jong and €5 by ouder; before 2026 the
    # decision reads a parameter without a value and is not checked (as a case's decision).
    assert len(conflicts) == 1 and "kind[1]" in conflicts[0].message
    assert all("2026" in label or "2027" in label for label in conflicts[0].found_in)
