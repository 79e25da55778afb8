"""``lexproof eval --decision NAME``: only the decisions asked for and those they read are
evaluated, and shown with the decisions that explain them (``api.evaluate(decisions=...)``).

Checked against the evaluation of every decision (the second method): for every decision of
every bundled statute, in the case of each of its examples, the outcome asked for alone is the
outcome the whole evaluation gives, and so is every decision shown with it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner

from lexproof.dsl.values import to_json
from lexproof.verifier import api
from lexproof.verifier.cli import main
from lexproof.verifier.results import items_json

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2027, 9, 1)


def _same(a, b) -> bool:
    return (a.value, a.status, [r.name for r in a.deciding]) == (b.value, b.status, [r.name for r in b.deciding])


def test_each_decision_asked_alone_is_what_the_whole_evaluation_says() -> None:
    program = api.load(ROOT / "statutes")
    asked = 0
    for model in program.statutes.values():
        cases = [example.case for example in model.examples if example.owner == model.name][:3]
        for typed in cases:
            case = {name: items_json(model, name, value) if name in model.kinds
                    else to_json(value, model.facts[name].type) for name, value in typed.items()}
            whole = api.evaluate(program, case, statute=model.name, date=DAY)
            for name in whole.outcomes:
                alone = api.evaluate(program, case, statute=model.name, date=DAY, decisions=[name])
                assert alone.focus == (name,)
                assert name in alone.outcomes and len(alone.outcomes) <= len(whole.outcomes)
                for other, outcome in alone.outcomes.items():
                    assert _same(outcome, whole.outcomes[other]), (model.name, name, other)
                shown = alone.to_json()
                assert next(iter(shown["outcome"])) == name  # the decision asked for comes first
                assert list(shown["trace"]) == list(shown["outcome"])
                for other, data in shown["outcome"].items():
                    assert data == whole.to_json()["outcome"][other]
                asked += 1
    assert asked > 100


def test_one_decision_asked_for_shows_what_explains_it_only(tmp_path: Path) -> None:
    """By hand: d reads e in the condition of the rule that decided it (so e explains d), and
    nothing reads f."""
    path = tmp_path / "s.law"
    path.write_text("""statute S
facts F { x: int 0..100 }
decision e: bool [art. 1] otherwise false
rule e1 [art. 1]: e = true if x > 10
decision f: bool [art. 2] otherwise false
rule f1 [art. 2]: f = true if x > 50
decision d: bool [art. 3] otherwise false
rule d1 [art. 3]: d = true if e
""", encoding="utf-8")
    result = api.evaluate(api.load(path), {"x": 20}, date=DAY, decisions=["d"])
    assert sorted(result.outcomes) == ["d", "e"]  # f is not evaluated
    shown = result.to_json()
    assert list(shown["outcome"]) == ["d", "e"]
    assert shown["outcome"]["d"]["value"] is True and shown["outcome"]["e"]["value"] is True
    assert shown["articles"] == ["art. 3 S", "art. 1 S"]


def test_one_decision_asked_for_shows_what_its_value_reads(tmp_path: Path) -> None:
    """By hand: total = base + extra when x > 10 (base 5, extra 2x = 40), else its default
    base: the value's decisions explain it too, not only the condition's."""
    path = tmp_path / "s.law"
    path.write_text("""statute S
facts F { x: int 0..100 }
decision base: int [art. 1] otherwise 5
decision extra: int [art. 2] otherwise 0
rule extra1 [art. 2]: extra = 2 * x if x > 3
decision unrelated: int [art. 4] otherwise 7
decision total: int [art. 3] otherwise base
rule total1 [art. 3]: total = base + extra if x > 10
""", encoding="utf-8")
    program = api.load(path)
    decided = api.evaluate(program, {"x": 20}, date=DAY, decisions=["total"]).to_json()["outcome"]
    assert {name: data["value"] for name, data in decided.items()} == {"total": 45, "base": 5, "extra": 40}
    defaulted = api.evaluate(program, {"x": 2}, date=DAY, decisions=["total"]).to_json()["outcome"]
    assert {name: data["value"] for name, data in defaulted.items()} == {"total": 5, "base": 5}


def _eval(*args: str) -> tuple[int, str, str]:
    run = CliRunner().invoke(main, ["eval", *args])
    return run.exit_code, run.stdout, run.stderr


CASE = str(ROOT / "examples" / "drafter" / "bbl_student.json")


def test_eval_decision_on_the_command_line() -> None:
    code, stdout, stderr = _eval(str(ROOT / "statutes" / "lll"), "--case", CASE, "--date", "2026-01-01",
                                 "--decision", "recht_op_krediet", "--lang", "nl")
    assert code == 0, stderr
    outcome = stdout.split("uitkomst:\n")[1]
    # By hand: a bbl student; bbl is no beroepsopleidende leerweg of the WEB (art. 7.2.7 lid 3),
    # so the programme does not count (art. 1.1 WSF2000) and no rule of art. 3.16b applies.
    assert outcome.startswith("  recht_op_krediet = onwaar")
    assert "  opleiding_telt = onwaar" in outcome and "  WEB.beroepsopleidende_leerweg = onwaar" in outcome
    assert "referentie" not in outcome  # another decision, which recht_op_krediet's rules do not read
    code, stdout, _ = _eval(str(ROOT / "statutes" / "lll"), "--case", CASE, "--date", "2026-01-01",
                            "--decision", "recht_op_krediet", "--format", "json")
    assert code == 0
    data = json.loads(stdout)
    assert list(data["outcome"]) == ["recht_op_krediet", "opleiding_telt", "WEB.beroepsopleidende_leerweg"]


def test_eval_decision_refuses_an_unknown_name_with_a_suggestion() -> None:
    code, stdout, stderr = _eval(str(ROOT / "statutes" / "lll"), "--case", CASE, "--decision", "recht_op_krdiet")
    assert code == 2
    assert "<command line>:1:1: error: --decision: unknown decision 'recht_op_krdiet'; did you mean " \
           "'recht_op_krediet'?" in stderr
    assert "Traceback" not in stdout + stderr


def test_eval_decision_added_by_an_amendment_needs_the_amendment(tmp_path: Path) -> None:
    (tmp_path / "s.law").write_text("""statute S
facts F { x: int 0..100 }
decision d: bool [art. 1] otherwise false
rule d1 [art. 1]: d = true if x > 10

amendment A amends S in force 2027-01-01 proposal
  add decision e: bool [art. 2] otherwise false
  insert rule e1 [art. 2]: e = true if x > 20
""", encoding="utf-8")
    (tmp_path / "c.json").write_text('{"x": 30}', encoding="utf-8")
    code, _, stderr = _eval(str(tmp_path / "s.law"), "--case", str(tmp_path / "c.json"), "--date", "2027-06-01",
                            "--decision", "e")
    assert code == 2
    assert "--decision: decision 'e' does not exist in S on 2027-06-01 (amendment A adds it; --amendment A " \
           "evaluates the version with it)" in stderr
    code, stdout, stderr = _eval(str(tmp_path / "s.law"), "--case", str(tmp_path / "c.json"), "--date", "2027-06-01",
                                 "--decision", "e", "--amendment", "A")
    assert code == 0, stderr
    assert "e = true" in stdout and "d = " not in stdout
