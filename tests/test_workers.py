"""Checking on several processes (verifier/workers.py) gives the same results, in the same
order, as checking in one; bad input found in a worker is reported like in one process."""

from __future__ import annotations

import datetime as dt
import json
import pickle
import subprocess
import sys
from pathlib import Path

from lexproof.dsl.diagnostics import Diagnostic, LexproofError
from lexproof.dsl.source import Span
from lexproof.verifier import api, workers

ROOT = Path(__file__).resolve().parent.parent
DAY = "2026-06-01"

# A property in a version where a parameter has no value yet: bad input, found while proving.
NO_VALUE_YET = """
statute S
facts F { leeftijd: int 0..100 }
parameter grens: int [art. 1]
  = 55 from 2017-09-01
decision recht: bool otherwise false
rule basis [art. 1]: recht = true if leeftijd < grens
property vroeg [on 2016-01-01]: for every F claim recht implies leeftijd < 55
property later [on 2018-01-01]: for every F claim recht implies leeftijd < 55
"""


def _as_json(results) -> str:
    return json.dumps([r.to_json() for r in results], sort_keys=True, default=str)


def test_two_processes_give_the_results_of_one_on_the_bundled_statutes(monkeypatch) -> None:
    one = api.check(api.load(ROOT / "statutes"), date=DAY, jobs=1)
    pools = []
    real_get_context = workers.multiprocessing.get_context
    monkeypatch.setattr(workers.multiprocessing, "get_context", lambda method: pools.append(method) or real_get_context(method))
    two = api.check(api.load(ROOT / "statutes"), date=DAY, jobs=2)
    assert pools == ["fork"]  # the workers did run
    assert len(one) > 100  # every example, property and finding of four statutes
    assert {r.status for r in one} >= {"passed", "proved", "counterexample"}
    assert _as_json(two) == _as_json(one)


def test_a_statutes_builtin_checks_are_split_over_processes_in_the_order_of_one_run(tmp_path: Path, monkeypatch) -> None:
    """Issue 18: the built-in checks of one statute are cut into parts by decision, so that
    ``-j 2`` uses both cores on a one-statute book. Every version (no date), a generated book
    with amendments, dated parameters and planted findings, and the bundled statutes (which
    declare an ``@expect``): the same results in the same order as one process."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import generate
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    generate.write_statute(150, tmp_path, defects=0.4)
    monkeypatch.setattr(api, "DECISIONS_PER_PART", 20)  # parts of a small book, as of a large one
    book = api.load(tmp_path / "statute.law", tmp_path / "amendment.law")
    (statute,) = book.statutes.values()
    parts = [task for _, task in api.check_tasks(statute, api._date(None), api.Budget(), True, api.ALL_CHECKS,
                                                 False, False)]
    assert len(statute.decisions) > 2 * 20
    assert len(parts) >= 3 and all(isinstance(task, api.BuiltinPart) for task in parts)
    assert [name for task in parts for name in task.decisions] == list(statute.decisions)
    one = api.check(book, jobs=1, properties=False, examples=False)
    two = api.check(book, jobs=2, properties=False, examples=False)
    assert len(one) >= 5 and len({r.found_in[0] for r in one}) >= 2  # findings first found in several versions
    assert _as_json(two) == _as_json(one)
    bundled = api.load(ROOT / "statutes")
    one = api.check(bundled, jobs=1, properties=False, examples=False)
    two = api.check(bundled, jobs=2, properties=False, examples=False)
    assert any(r.expected for r in one)  # the bundled @expect(LP101) took part
    assert _as_json(two) == _as_json(one)


def test_the_parts_findings_come_back_in_the_order_of_one_run(tmp_path: Path, monkeypatch) -> None:
    """One run reports by the version a finding was first found in, then by decision. Here
    the conflict of x1 (first part) exists only from 2027, that of x30 (second part) from
    2020: one run reports x30's before it, the parts' results put side by side would not.
    (x1_nee is redundant in 2020: it says what the default says while x1_ja cannot apply
    above 10, checked by hand.)"""
    lines = ["statute S", "facts F { leeftijd: int 0..100 }", "parameter grens: int [art. 1]",
             "  = 10 from 2020-01-01", "  = 50 from 2027-01-01"]
    for i in range(1, 41):
        lines.append(f"decision x{i}: bool [art. {i + 1}] otherwise false")
    lines += ["rule x1_ja [art. 2 lid 1]: x1 = true if leeftijd < grens",
              "rule x1_nee [art. 2 lid 2]: x1 = false if leeftijd > 45",
              "rule x30_ja [art. 31 lid 1]: x30 = true if leeftijd < grens",
              "rule x30_nee [art. 31 lid 2]: x30 = false if leeftijd > 5 and leeftijd < 15"]
    path = tmp_path / "s.law"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (statute,) = api.load(path).statutes.values()
    day = dt.date(2026, 6, 1)
    whole = api.builtin_checks(statute, None, api.Budget(), undated=day)
    assert [(r.code, r.details["decision"]) for r in whole] == [("LP104", "x1"), ("LP101", "x30"), ("LP101", "x1")]
    monkeypatch.setattr(api, "DECISIONS_PER_PART", 20)
    parts = [task for _, task in api.check_tasks(statute, day, api.Budget(), True, api.ALL_CHECKS, False, False)]
    side_by_side = [r for task in parts for r in task()]
    assert [(r.code, r.details["decision"]) for r in side_by_side] == [("LP104", "x1"), ("LP101", "x1"), ("LP101", "x30")]
    ordered = api.in_report_order(statute, side_by_side, None, day)
    assert [(r.name, r.found_in) for r in ordered] == [(r.name, r.found_in) for r in whole]


def test_diff_on_two_processes_gives_the_results_of_one() -> None:
    """Every bundled amendment whose diff the solver decides. The kinderopvangtoeslag's per-child
    amounts (products over 4 children x 2 contracts) run into the solver budget in a diff: an
    `unknown` depends on the machine's load, so two runs need not agree on where it falls; its
    amendments are left out here."""
    program = api.load(ROOT / "statutes")
    amendments = [name for statute in program.statutes.values() if statute.name != "Kinderopvangtoeslag"
                  for name in statute.amendments]
    assert len(amendments) >= 3
    changed = 0
    for amendment in amendments:
        one = api.diff(program, amendment=amendment, jobs=1)
        two = api.diff(program, amendment=amendment, jobs=2)
        assert _as_json(two) == _as_json(one), amendment
        changed += sum(r.status == "changed" for r in one)
    assert changed > 0  # rows with witnesses came back from the workers, not only "unchanged"


def test_bad_input_found_in_a_worker_is_the_same_diagnostic(tmp_path: Path) -> None:
    path = tmp_path / "s.law"
    path.write_text(NO_VALUE_YET, encoding="utf-8")
    errors = []
    for jobs in (1, 2):
        try:
            api.check(api.load(path), date="2018-01-01", jobs=jobs, builtin=False)
        except LexproofError as error:
            errors.append(error.render())
    assert len(errors) == 2 and errors[0] == errors[1]
    assert "parameter grens has no value in S on 2016-01-01" in errors[0]
    assert f"{path}:" in errors[0]  # a position, as everywhere


def test_lexproof_error_survives_pickling_with_its_diagnostics() -> None:
    error = LexproofError([Diagnostic(Span("a.law", 3, 5, 3, 9), "first"), Diagnostic(Span("a.law", 1, 1, 1, 2), "second")])
    copy = pickle.loads(pickle.dumps(error))
    assert copy.diagnostics == error.diagnostics
    assert copy.render() == error.render()


def test_cli_output_does_not_depend_on_jobs() -> None:
    outputs = [
        subprocess.run([sys.executable, "-m", "lexproof", "check", "statutes/kinderopvang", "--no-cache",
                        "--date", DAY, "--format", "json", "--jobs", jobs], cwd=ROOT, capture_output=True, text=True)
        for jobs in ("1", "2")
    ]
    assert [o.returncode for o in outputs] == [0, 0], outputs[0].stderr
    assert outputs[0].stdout == outputs[1].stdout
    assert json.loads(outputs[0].stdout)["results"]


DYING_WORKER = """
import os
from lexproof.verifier import workers
from lexproof.verifier.errors import InternalError
try:
    workers.run_tasks([(None, lambda: []), (None, lambda: os._exit(1)), (None, lambda: [])], 2)
except InternalError as error:
    print("internal error:", error)
"""


def test_a_worker_that_dies_is_an_internal_error_not_a_hang() -> None:
    done = subprocess.run([sys.executable, "-c", DYING_WORKER], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "internal error: a worker process died" in done.stdout
    assert "run with -j 1" in done.stdout
