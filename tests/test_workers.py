"""Checking on several processes (verifier/workers.py) gives the same results, in the same
order, as checking in one; bad input found in a worker is reported like in one process."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

from dsl.diagnostics import Diagnostic, LexproofError
from dsl.source import Span
from verifier import api, workers

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


def test_diff_on_two_processes_gives_the_results_of_one() -> None:
    program = api.load(ROOT / "statutes")
    amendments = [name for statute in program.statutes.values() for name in statute.amendments]
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
        subprocess.run([sys.executable, "-m", "verifier.cli", "check", "statutes/kinderopvang", "--no-cache",
                        "--date", DAY, "--format", "json", "--jobs", jobs], cwd=ROOT, capture_output=True, text=True)
        for jobs in ("1", "2")
    ]
    assert [o.returncode for o in outputs] == [0, 0], outputs[0].stderr
    assert outputs[0].stdout == outputs[1].stdout
    assert json.loads(outputs[0].stdout)["results"]


DYING_WORKER = """
import os
from verifier import workers
from verifier.errors import InternalError
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
