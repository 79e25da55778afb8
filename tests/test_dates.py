"""Dates at the ends of the representable range, 0001-01-01..9999-12-31 (issue 11, item 6).

Python's ``datetime.date`` cannot hold a day outside that range, so a date fact without a range
and date arithmetic past either end used to crash ``eval``, ``check`` and ``query`` (exit 4:
"ordinal must be >= 1", "year 10000 is out of range"). Now every date fact ranges over the
representable dates only, and a date calculated outside them is undefined, with a message, in
the evaluator and in the encoding alike (compared here on the boundary)."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path

import pytest
import z3
from click.testing import CliRunner
from test_soundness import encoding_disagreements

from lexproof.dsl.consolidate import version_on
from lexproof.dsl.evaluator import Evaluator
from lexproof.dsl.ir import Type
from lexproof.dsl.values import format_value, to_json
from lexproof.verifier import api
from lexproof.verifier.cli import main
from lexproof.verifier.encoding import Encoder

FIRST = dt.date(1, 1, 1).toordinal()  # 1
LAST = dt.date(9999, 12, 31).toordinal()  # 3,652,059

UNBOUNDED = """\
statute S
facts F {
  start: date
  n: int -3..3
}
table t [art. 5]: date -> int {
  up to 0001-01-01: 1
  up to 9999-12-30: 2
  above: 3
}
decision plus: date [art. 1] otherwise start + n
decision minus: date [art. 2] otherwise start - n
decision days: int [art. 3] otherwise (start + n) - start
decision late: bool [art. 4] otherwise start + n > 9999-12-30
decision row: int [art. 5] otherwise t(start - n)
decision overflow: date [art. 6] otherwise 9999-12-31 + 1
property na_begin [on 2025-01-01]: for every F claim start >= 0001-01-01
property voor_einde [on 2025-01-01]: for every F claim start <= 9999-12-31
"""


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, text: str, name: str = "s.law") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_eval_of_a_date_past_9999_12_31_is_undefined_with_a_message(tmp_path: Path) -> None:
    """Was: exit 4, 'year 10000 is out of range'."""
    statute = write(tmp_path, UNBOUNDED)
    case = write(tmp_path, '{"start": "9999-12-31", "n": 1}', "case.json")
    code, stdout, stderr = cli("eval", str(statute), "--case", str(case), "--date", "2025-01-01")
    assert code == 0, stdout + stderr
    assert "overflow = undefined  ('9999-12-31 + 1' falls after 9999-12-31" in stdout
    assert "plus = undefined  ('start + n' falls after 9999-12-31" in stdout
    assert "minus = 9999-12-30" in stdout  # 9999-12-31 - 1
    assert "days = undefined" in stdout  # reads start + n, which has no value


def test_eval_of_a_date_before_0001_01_01_is_undefined(tmp_path: Path) -> None:
    statute = write(tmp_path, UNBOUNDED)
    case = write(tmp_path, '{"start": "0001-01-01", "n": 2}', "case.json")
    code, stdout, stderr = cli("eval", str(statute), "--case", str(case), "--date", "2025-01-01")
    assert code == 0, stdout + stderr
    assert "minus = undefined  ('start - n' falls before 0001-01-01, the first date" in stdout
    assert "plus = 0001-01-03" in stdout
    assert "row = undefined" in stdout  # the table's input has no value


def test_check_of_an_unbounded_date_fact_ranges_over_representable_dates(tmp_path: Path) -> None:
    """Was: exit 4, 'ordinal must be >= 1' (the solver chose day 0 as a counterexample and
    showing it crashed). Every date lexproof can read is at or after 0001-01-01 and at or
    before 9999-12-31, so both claims hold."""
    statute = write(tmp_path, UNBOUNDED)
    code, stdout, stderr = cli("check", str(statute), "--no-builtin", "--no-cache", "--date", "2025-01-01")
    assert code == 0, stdout + stderr
    assert "property na_begin  proved" in stdout
    assert "property voor_einde  proved" in stdout


def test_query_for_an_early_date_shows_a_representable_one(tmp_path: Path) -> None:
    """Was: exit 4 (the solver's day number 0 or below could not be shown)."""
    statute = write(tmp_path, UNBOUNDED)
    code, stdout, stderr = cli("query", str(statute), "exists F: start < 0001-01-03", "--date", "2025-01-01")
    assert code == 0, stdout + stderr
    assert "satisfiable" in stdout
    assert "0001-01-01" in stdout or "0001-01-02" in stdout


def test_query_cannot_reach_an_undefined_date(tmp_path: Path) -> None:
    """A date past the end has no value, so 'plus > 9999-12-30' needs start + n = 9999-12-31."""
    statute = write(tmp_path, UNBOUNDED)
    code, stdout, stderr = cli("query", str(statute), "exists F: plus > 9999-12-30 and n = 3", "--date", "2025-01-01")
    assert code == 0, stdout + stderr
    assert "start  9999-12-28" in stdout
    code, stdout, stderr = cli("query", str(statute), "exists F: plus > 9999-12-31", "--date", "2025-01-01")
    assert code == 0, stdout + stderr
    assert "unsatisfiable" in stdout


def test_a_constant_date_outside_the_range_is_a_positioned_error(tmp_path: Path) -> None:
    """A parameter's value or an example's expected value is a constant: out of range, it is
    bad input (was: accepted, then a crash wherever it was shown)."""
    statute = write(
        tmp_path,
        "statute S\n"
        "facts F {\n  start: date\n}\n"
        "parameter p: date [art. 1] = 9999-12-31 + 1 from 2020-01-01\n"
        "decision d: date [art. 2] otherwise start\n"
        'example "e" [on 2025-01-01] { start = 0001-01-01 } expect d = 0001-01-01 - 1\n',
    )
    code, stdout, stderr = cli("check", str(statute), "--no-cache")
    assert code == 2, stdout + stderr
    assert f"{statute}:5:30: error: a parameter value: '9999-12-31 + 1' falls after 9999-12-31" in stderr
    assert f"{statute}:7:63: error: the expected d: '0001-01-01 - 1' falls before 0001-01-01" in stderr
    assert "Traceback" not in stderr


def test_examples_on_the_last_date(tmp_path: Path) -> None:
    statute = write(
        tmp_path,
        "statute S\n"
        "facts F {\n  start: date\n  n: int\n}\n"
        "decision d: date [art. 1] otherwise start - n\n"
        'example "einde" [on 9999-12-31] { start = 9999-12-31, n = 0 } expect d = 9999-12-31\n'
        'example "voorbij" [on 9999-12-31] { start = 9999-12-31, n = -1 } expect d = 9999-12-31\n',
    )
    code, stdout, stderr = cli("test", str(statute))
    assert code == 1, stdout + stderr
    assert "example einde  passed" in stdout
    assert "d: expected 9999-12-31, got undefined" in stdout


def _boundary_cases() -> list[dict]:
    days = [FIRST, FIRST + 1, FIRST + 2, FIRST + 3, LAST - 3, LAST - 2, LAST - 1, LAST]
    return [{"start": day, "n": n} for day in days for n in range(-3, 4)]


def test_evaluator_at_the_boundary_by_hand(tmp_path: Path) -> None:
    statute = api.load(write(tmp_path, UNBOUNDED)).statute()
    version = version_on(statute, dt.date(2025, 1, 1))

    def outcome(decision: str, start: int, n: int) -> object:
        result = Evaluator({None: version}, {None: {"start": start, "n": n}}).decision(decision)
        return result.value if result.defined else "undefined"

    assert outcome("plus", LAST, 0) == LAST
    assert outcome("plus", LAST, 1) == "undefined"
    assert outcome("plus", FIRST, -1) == "undefined"
    assert outcome("minus", FIRST, 1) == "undefined"
    assert outcome("minus", FIRST, -3) == FIRST + 3
    assert outcome("days", LAST - 3, 3) == 3
    assert outcome("late", LAST - 1, 1) is True
    assert outcome("late", LAST, 1) == "undefined"
    assert outcome("row", FIRST + 1, 1) == 1  # t(0001-01-01)
    assert outcome("row", LAST, 0) == 3
    assert outcome("row", LAST, -1) == "undefined"
    assert outcome("overflow", FIRST, 0) == "undefined"


def test_encoding_agrees_with_the_evaluator_at_the_boundary(tmp_path: Path) -> None:
    """The differential check of tests/test_soundness.py on every case near both ends."""
    statute = api.load(write(tmp_path, UNBOUNDED)).statute()
    version = version_on(statute, dt.date(2025, 1, 1))
    problems = encoding_disagreements(statute, version, _boundary_cases())
    assert not problems, "\n".join(problems[:10])


def test_the_encoding_has_no_date_fact_outside_the_range(tmp_path: Path) -> None:
    statute = api.load(write(tmp_path, UNBOUNDED)).statute()
    version = version_on(statute, dt.date(2025, 1, 1))
    encoder = Encoder(statute, {None: version})
    encoder.decision("plus")
    start = encoder.fact_raw[(None, "start")]
    for outside in (start < FIRST, start > LAST):
        solver = z3.Solver(ctx=encoder.ctx)
        solver.add(encoder.hard_constraints())
        solver.add(outside)
        assert solver.check(*encoder.assumptions()) == z3.unsat


def test_showing_a_day_number_outside_the_range_does_not_crash() -> None:
    date = Type("date")
    assert format_value(LAST, date) == "9999-12-31"
    assert format_value(FIRST, date) == "0001-01-01"
    assert "outside 0001-01-01..9999-12-31" in format_value(0, date)
    assert "outside" in format_value(LAST + 1, date)
    assert "outside" in str(to_json(-5, date))
    assert format_value(Fraction(0), Type("money")) == "€0.00"


def test_a_date_beyond_a_table_is_shown_as_a_date(tmp_path: Path) -> None:
    """The reason a lookup is undefined names the input as a person reads it (was: its day
    number, 739252)."""
    statute = write(
        tmp_path,
        "statute S\nfacts F {\n  start: date\n}\n"
        "table t [art. 1]: date -> int {\n  up to 2020-01-01: 1\n}\n"
        "decision row: int [art. 1] otherwise t(start)\n",
    )
    case = write(tmp_path, '{"start": "2025-01-01"}', "case.json")
    code, stdout, stderr = cli("eval", str(statute), "--case", str(case), "--date", "2025-01-01")
    assert code == 0, stdout + stderr
    assert "row = undefined  (2025-01-01 lies above the last row of table t)" in stdout


# Python 3.11's date.fromisoformat also reads these, 3.10 does not; none of them is YYYY-MM-DD
# (2025-W01-1 is Monday of ISO week 1 of 2025: 2024-12-30, not a day the reader wrote).
NOT_YYYY_MM_DD = ["20250101", "2025-W01-1", "2025W011", "2025-01-01T00:00", "2025-01-01 ", "２０２５-01-01"]


@pytest.mark.parametrize("text", NOT_YYYY_MM_DD)
def test_a_case_date_must_be_written_yyyy_mm_dd(tmp_path: Path, text: str) -> None:
    """Was (Python 3.11): '2025-W01-1' in a case file was silently 2024-12-30, and '20250101'
    2025-01-01, while the message for a bad date says YYYY-MM-DD and Python 3.10 refused both."""
    statute = write(tmp_path, UNBOUNDED)
    case = write(tmp_path, json.dumps({"start": text, "n": 0}), "case.json")
    code, stdout, stderr = cli("eval", str(statute), "--case", str(case), "--date", "2025-01-01")
    assert code == 2, stdout + stderr
    assert "start: expected a date YYYY-MM-DD" in stderr


@pytest.mark.parametrize("option", ["--date", "--from", "--to"])
@pytest.mark.parametrize("text", NOT_YYYY_MM_DD[:3])
def test_a_date_option_must_be_written_yyyy_mm_dd(tmp_path: Path, option: str, text: str) -> None:
    statute = write(tmp_path, UNBOUNDED)
    if option == "--date":
        args = ["check", str(statute), "--no-cache", option, text]
    else:
        other = "--to" if option == "--from" else "--from"
        args = ["diff", str(statute), option, text, other, "2025-01-01"]
    code, stdout, stderr = cli(*args)
    assert code == 2, stdout + stderr
    assert f"{option} expects a date YYYY-MM-DD, got '{text}'" in stderr


def test_the_api_reads_yyyy_mm_dd_only(tmp_path: Path) -> None:
    program = api.load(write(tmp_path, UNBOUNDED))
    with pytest.raises(ValueError):
        api.evaluate(program, {"start": "2025-01-01", "n": 0}, date="2025-W01-1")
    assert api.evaluate(program, {"start": "2025-01-01", "n": 0}, date="2025-01-01").version.label == "S on 2025-01-01"
