"""Time in the language (issue 13, part 1): the peildatum, year/month/day of a date, adding
days, months and years (clamped to the end of the month), whole years and months between two
dates (anniversaries: born on 29 February, a year older on 1 March in other years), the first
day of the (next) month and the start of the studiejaar and schooljaar.

Every expected value below is written by hand (a calendar) or computed here by a method of its
own (``_anniversaries``: counting birthdays one year at a time), never read from lexproof. Each
value is checked in both engines: the evaluator (``dsl/datecalc.py``, Python's datetime) and the
Z3 encoding (``verifier/calendar_terms.py``, integer division by numerals), which are two
independent ways of computing the calendar."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import z3
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lexproof.dsl import datecalc
from lexproof.dsl.check_program import check_files
from lexproof.dsl.consolidate import version_on
from lexproof.dsl.diagnostics import LexproofError
from lexproof.dsl.evaluator import Evaluator
from lexproof.dsl.parser import parse_text
from lexproof.verifier import api, calendar_terms
from lexproof.verifier.checks import run_checks
from lexproof.verifier.cli import main
from lexproof.verifier.encoding import Encoder
from lexproof.verifier.solving import Budget

D = dt.date
ON = D(2025, 6, 1)  # the version's date unless a test says otherwise
Y2K = D(2000, 1, 1)  # a neutral default date fact

BASE = """\
statute S
facts F { a: date  b: date  n: int -200_000..200_000 }
"""


def _statute(text: str):
    return check_files([parse_text(text, "s.law")]).statutes["S"]


def both(expr: str, type_: str, a: D = Y2K, b: D = Y2K, n: int = 0, on: D = ON):
    """The value of ``expr`` in the evaluator and in the encoding (None: undefined) for the case
    a, b, n in the version on ``on``."""
    statute = _statute(BASE + f"decision x: {type_} [art. 1] otherwise {expr}\n")
    version = version_on(statute, on)
    facts = {"a": a.toordinal(), "b": b.toordinal(), "n": n}
    outcome = Evaluator({None: version}, {None: facts}).decision("x")
    evaluated = outcome.value if outcome.defined else None
    encoder = Encoder(statute, {None: version})
    value, defined = encoder.decision("x")
    solver = z3.Solver(ctx=encoder.ctx)
    solver.add(encoder.hard_constraints())
    for name, raw in facts.items():
        if (None, name) in encoder.fact_raw:
            solver.add(encoder.fact_raw[(None, name)] == raw)
    assert solver.check(*encoder.assumptions()) == z3.sat
    model = solver.model()
    encoded = (
        model.eval(value, model_completion=True).as_long()
        if z3.is_true(model.eval(defined, model_completion=True))
        else None
    )
    if type_ == "date":
        evaluated = None if evaluated is None else D.fromordinal(evaluated)
        encoded = None if encoded is None else D.fromordinal(encoded)
    return evaluated, encoded


def check_both(expr: str, type_: str, expected, **case) -> None:
    evaluated, encoded = both(expr, type_, **case)
    assert evaluated == expected, f"evaluator: {expr} = {evaluated}, expected {expected}"
    assert encoded == expected, f"encoding: {expr} = {encoded}, expected {expected}"


# --- year, month, day ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "parts"),
    [
        (D(2024, 2, 29), (2024, 2, 29)),
        (D(1, 1, 1), (1, 1, 1)),
        (D(9999, 12, 31), (9999, 12, 31)),
        (D(1900, 3, 1), (1900, 3, 1)),  # 1900 is no leap year: the day after 28 February
        (D(2000, 12, 31), (2000, 12, 31)),
    ],
)
def test_year_month_and_day_of_a_date(day: D, parts: tuple[int, int, int]) -> None:
    for function, expected in zip(("year", "month", "day"), parts):
        check_both(f"{function}(a)", "int", expected, a=day)


# --- adding days, months and years -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "a", "n", "expected"),
    [
        ("a + 1 month", D(2024, 1, 31), 0, D(2024, 2, 29)),  # clamped: leap year
        ("a + 1 month", D(2023, 1, 31), 0, D(2023, 2, 28)),  # clamped
        ("a + 1 month", D(2024, 5, 31), 0, D(2024, 6, 30)),
        ("a - 1 month", D(2024, 3, 31), 0, D(2024, 2, 29)),
        ("a + 1 year", D(2024, 2, 29), 0, D(2025, 2, 28)),  # 29 February + 1 year
        ("a + 4 years", D(2024, 2, 29), 0, D(2028, 2, 29)),
        ("a + 100 years", D(2000, 2, 29), 0, D(2100, 2, 28)),  # 2100 is no leap year
        ("a + 12 months", D(2024, 2, 29), 0, D(2025, 2, 28)),  # a year is twelve months
        ("a + n months", D(2024, 11, 30), 3, D(2025, 2, 28)),
        ("a - n months", D(2024, 11, 30), -3, D(2025, 2, 28)),  # minus a negative number
        ("a + n months", D(2025, 1, 15), -13, D(2023, 12, 15)),
        ("a + 30 days", D(2025, 1, 31), 0, D(2025, 3, 2)),  # 'days' is plain day arithmetic
        ("a + 1 month + 1 day", D(2025, 1, 31), 0, D(2025, 3, 1)),  # left to right
        ("a + 1 day + 1 month", D(2025, 1, 31), 0, D(2025, 3, 1)),
        ("a + 1 month - 1 month", D(2025, 1, 31), 0, D(2025, 1, 28)),  # not the inverse
    ],
)
def test_adding_months_and_years_clamps_to_the_end_of_the_month(expr: str, a: D, n: int, expected: D) -> None:
    check_both(expr, "date", expected, a=a, n=n)


@pytest.mark.parametrize(
    ("expr", "a", "expected"),
    [
        ("a + 1 day", D(9999, 12, 31), None),
        ("a + 1 month", D(9999, 12, 15), None),
        ("a + 1 month", D(9999, 11, 30), D(9999, 12, 30)),
        ("a - 1 month", D(1, 1, 31), None),
        ("a - 1 year", D(1, 12, 31), None),
        ("a + 1 year", D(9998, 12, 31), D(9999, 12, 31)),
        ("first_day_of_next_month(a)", D(9999, 12, 5), None),
        ("first_day_of_next_month(a)", D(9999, 11, 5), D(9999, 12, 1)),
        ("start_of_studiejaar(a)", D(1, 8, 31), None),  # no 1 September before it
        ("start_of_studiejaar(a)", D(1, 9, 1), D(1, 9, 1)),
        ("start_of_schooljaar(a)", D(1, 1, 1), None),
        ("first_day_of_month(a)", D(1, 1, 1), D(1, 1, 1)),
    ],
)
def test_dates_at_the_ends_of_the_range(expr: str, a: D, expected: D | None) -> None:
    """A date calculated before 0001-01-01 or after 9999-12-31 is undefined in both engines."""
    check_both(expr, "date", expected, a=a)


def test_an_undefined_date_says_why_in_the_trace(tmp_path: Path) -> None:
    path = tmp_path / "s.law"
    path.write_text(BASE + "decision x: date [art. 1] otherwise a + n months\n", encoding="utf-8")
    case = tmp_path / "case.json"
    case.write_text('{"a": "9999-12-15", "b": "2000-01-01", "n": 1}', encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(path), "--case", str(case), "--date", "2025-01-01"])
    assert result.exit_code == 0, result.output
    assert "x = undefined  ('a + n months' falls after 9999-12-31" in result.stdout


# --- whole years and months between two dates -------------------------------------------------------


def _anniversaries(birth: D, on: D) -> int:
    """Whole years from ``birth`` to ``on`` (on >= birth), one birthday at a time; a birthday
    on 29 February falls on 1 March in a year without it (the second method)."""
    years = 0
    while True:
        year = birth.year + years + 1
        if year > on.year:
            return years
        try:
            birthday = D(year, birth.month, birth.day)
        except ValueError:
            birthday = D(year, 3, 1)
        if birthday > on:
            return years
        years += 1


@pytest.mark.parametrize(
    ("birth", "on", "years"),
    [
        (D(2004, 2, 29), D(2025, 2, 28), 20),  # no 29 February in 2025: not yet 21 ...
        (D(2004, 2, 29), D(2025, 3, 1), 21),  # ... but on 1 March
        (D(2004, 2, 29), D(2024, 2, 28), 19),
        (D(2004, 2, 29), D(2024, 2, 29), 20),  # a leap year: on the day itself
        (D(2007, 6, 1), D(2025, 6, 1), 18),  # the 18th birthday
        (D(2007, 6, 1), D(2025, 5, 31), 17),
        (D(1, 1, 1), D(9999, 12, 31), 9998),
        (D(2025, 6, 1), D(2025, 6, 1), 0),
    ],
)
def test_age_counts_anniversaries_and_29_february_turns_on_1_march(birth: D, on: D, years: int) -> None:
    assert _anniversaries(birth, on) == years  # the hand value agrees with the second method
    check_both("years_between(a, b)", "int", years, a=birth, b=on)
    check_both("years_between(a, peildatum)", "int", years, a=birth, on=on)


@pytest.mark.parametrize(
    ("first", "second", "months"),
    [
        (D(2024, 1, 31), D(2024, 2, 29), 0),  # no 31 February: the month is complete on 1 March
        (D(2024, 1, 31), D(2024, 3, 1), 1),
        (D(2024, 1, 15), D(2024, 2, 15), 1),
        (D(2024, 1, 15), D(2024, 2, 14), 0),
        (D(2023, 12, 31), D(2024, 12, 31), 12),
        (D(2025, 3, 1), D(2025, 1, 31), -1),  # later to earlier: negative
    ],
)
def test_whole_months_between_two_dates(first: D, second: D, months: int) -> None:
    check_both("months_between(a, b)", "int", months, a=first, b=second)


def test_years_between_a_later_and_an_earlier_date_is_negative() -> None:
    check_both("years_between(a, b)", "int", -1, a=D(2025, 6, 1), b=D(2024, 6, 1))
    check_both("years_between(a, b)", "int", 0, a=D(2025, 6, 1), b=D(2024, 6, 2))
    check_both("years_between(a, b)", "int", -21, a=D(2025, 3, 1), b=D(2004, 2, 29))


# --- first day of the month, studiejaar, schooljaar --------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "a", "expected"),
    [
        ("first_day_of_next_month(a)", D(2024, 12, 31), D(2025, 1, 1)),
        ("first_day_of_next_month(a)", D(2024, 2, 1), D(2024, 3, 1)),
        ("first_day_of_month(a)", D(2024, 2, 29), D(2024, 2, 1)),
        ("start_of_studiejaar(a)", D(2025, 8, 31), D(2024, 9, 1)),
        ("start_of_studiejaar(a)", D(2025, 9, 1), D(2025, 9, 1)),
        ("start_of_studiejaar(a)", D(2025, 12, 31), D(2025, 9, 1)),
        ("start_of_schooljaar(a)", D(2025, 7, 31), D(2024, 8, 1)),
        ("start_of_schooljaar(a)", D(2025, 8, 1), D(2025, 8, 1)),
    ],
)
def test_first_days_of_months_and_school_years(expr: str, a: D, expected: D) -> None:
    check_both(expr, "date", expected, a=a)


# --- the engines agree on random dates ----------------------------------------------------------------

_days = st.integers(D(1, 1, 1).toordinal(), D(9999, 12, 31).toordinal())
_near_ends = st.sampled_from([1, 2, 59, 60, 366, D(9999, 12, 1).toordinal(), D(9999, 12, 31).toordinal()])


def _fold(term: z3.ExprRef):
    value = z3.simplify(term)
    return value.as_long() if z3.is_int_value(value) else z3.is_true(value)


@settings(max_examples=400, deadline=None)
@given(first=_days | _near_ends, second=_days | _near_ends, months=st.integers(-130_000, 130_000) | st.integers(-30, 30))
def test_calendar_terms_agree_with_datetime(first: int, second: int, months: int) -> None:
    """Hinnant's integer algorithms (as Z3 terms, folded on numerals) against datetime."""
    x = z3.IntVal(first)
    y = z3.IntVal(second)
    date = D.fromordinal(first)
    civil = calendar_terms.civil(x)
    assert (_fold(civil.year), _fold(civil.month), _fold(civil.day)) == (date.year, date.month, date.day)
    shifted, ok = calendar_terms.add_months(x, z3.IntVal(months))
    expected = datecalc.add_months(first, months)
    assert (expected is None) == (not _fold(ok))
    if expected is not None:
        assert _fold(shifted) == expected
    assert _fold(calendar_terms.years_between(x, y)) == datecalc.years_between(first, second)
    assert _fold(calendar_terms.months_between(x, y)) == datecalc.months_between(first, second)
    if first <= second:
        assert datecalc.years_between(first, second) == _anniversaries(date, D.fromordinal(second))
    for start in (datecalc.STUDIEJAAR, datecalc.SCHOOLJAAR):
        term, ok = calendar_terms.year_start(x, start)
        expected = datecalc.year_start(first, start)
        assert (expected is None) == (not _fold(ok))
        if expected is not None:
            assert _fold(term) == expected


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    a=st.dates(D(1, 1, 1), D(9999, 12, 31)) | st.sampled_from([D(2024, 2, 29), D(2023, 1, 31), D(9999, 12, 31)]),
    b=st.dates(D(1, 1, 1), D(9999, 12, 31)),
    n=st.integers(-2_400, 2_400),
    on=st.dates(D(1, 1, 1), D(9999, 12, 31)),
)
def test_the_encoding_agrees_with_the_evaluator_on_random_dates(a: D, b: D, n: int, on: D) -> None:
    """Through the solver (the dates are unknowns fixed by equations, not folded numerals)."""
    for expr, type_ in [
        ("a + n months", "date"),
        ("a - n years", "date"),
        ("years_between(a, b)", "int"),
        ("months_between(b, peildatum)", "int"),
        ("year(a) * 10_000 + month(a) * 100 + day(a)", "int"),
        ("start_of_studiejaar(peildatum)", "date"),
        ("first_day_of_next_month(b)", "date"),
    ]:
        evaluated, encoded = both(expr, type_, a=a, b=b, n=n, on=on)
        assert evaluated == encoded, (expr, a, b, n, on)


# --- the peildatum -------------------------------------------------------------------------------------

LEEFTIJD = """\
statute Leeftijd
facts Persoon { geboortedatum: date 1900-01-01..2030-12-31 }
parameter grens: int [art. 2] = 18
decision leeftijd: int [art. 1] otherwise years_between(geboortedatum, peildatum)
decision meerderjarig: bool [art. 2] otherwise leeftijd >= grens

example "schrikkeldag, op 28 februari" [on 2025-02-28] { geboortedatum = 2004-02-29 } expect leeftijd = 20
example "schrikkeldag, op 1 maart" [on 2025-03-01] { geboortedatum = 2004-02-29 } expect leeftijd = 21

property leeftijd_stijgt [from on 2025-01-01 to on 2026-01-01]:
  for every Persoon
  assume geboortedatum <= 2025-01-01
  claim after.leeftijd = before.leeftijd + 1 and after.peildatum = before.peildatum + 1 year

property achttien_jaar_na_geboorte [on 2025-06-01]:
  for every Persoon
  claim meerderjarig = (geboortedatum + 18 years <= peildatum)

property schrikkel [on 2022-02-28] expect counterexample:
  for every Persoon
  claim meerderjarig = (geboortedatum + 18 years <= peildatum)
"""


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout + result.stderr


def test_rules_examples_and_properties_read_the_version_date(tmp_path: Path) -> None:
    """Born 29 February 2004: 18 on 1 March 2022. On 28 February 2022 'geboortedatum + 18
    years' (28 February 2022, clamped) has passed, but the 18th birthday has not."""
    path = tmp_path / "leeftijd.law"
    path.write_text(LEEFTIJD, encoding="utf-8")
    code, out = cli("check", str(path), "--no-builtin", "--no-cache")
    assert code == 0, out
    assert "example schrikkeldag, op 28 februari  passed" in out
    assert "example schrikkeldag, op 1 maart  passed" in out
    assert "property leeftijd_stijgt  proved" in out
    assert "property achttien_jaar_na_geboorte  proved" in out
    assert "property schrikkel  counterexample (as expected)" in out
    # The counterexample is the only case where the two readings differ on that day.
    code, out = cli("check", str(path), "--no-builtin", "--no-cache", "--verbose")
    assert "peildatum: 2022-02-28" in out, out
    assert "geboortedatum  2004-02-29" in out, out


def test_a_counterexample_shows_the_peildatum_of_each_version(tmp_path: Path) -> None:
    path = tmp_path / "s.law"
    path.write_text(
        """\
statute S
facts F { d: date 2020-01-01..2030-12-31 }
decision verlopen: bool [art. 1] otherwise d + 6 months < peildatum
property nooit_verlopen [from on 2025-01-01 to on 2025-07-01] expect counterexample:
  for every F
  claim before.verlopen = after.verlopen
""",
        encoding="utf-8",
    )
    code, out = cli("check", str(path), "--no-builtin", "--no-cache", "--verbose")
    assert code == 0, out
    assert "peildatum: before 2025-01-01, after 2025-07-01" in out, out


# --- built-in checks cover every day a version stands for -------------------------------------------

TERMIJN = """\
statute Termijn
facts Aanvraag { ingediend: date 2020-01-01..2030-12-31 }
decision tijdig: bool [art. 1]
rule binnen [art. 1 lid 1]: tijdig = true if peildatum <= ingediend + 6 months
rule buiten [art. 1 lid 2]: tijdig = false if peildatum > ingediend + 6 months
rule nieuw [art. 2]: tijdig = false if peildatum >= 2028-01-01 and day(ingediend) = 31
"""


def test_a_conflict_on_a_later_day_of_the_version_is_found(tmp_path: Path) -> None:
    """The statute never changes, so it has one version; its rules read the peildatum, so that
    version stands for every day. The conflict exists only from 2028: checking the version on
    its own date (today, 2026) alone would report no conflict."""
    path = tmp_path / "termijn.law"
    path.write_text(TERMIJN, encoding="utf-8")
    code, out = cli("check", str(path), "--no-cache")
    assert code == 1, out
    assert "conflict tijdig: binnen / nieuw" in out, out
    # The case is on a day from 2028 on, shown with it, and ingediend is the 31st.
    line = next(line for line in out.splitlines() if "peildatum:" in line)
    assert line.strip() >= "peildatum: 2028-01-01", line
    code, out = cli("check", str(path), "--no-cache", "--date", "2026-06-01")
    assert "LP101 conflict " not in out, out  # on that day alone: no conflict ...
    assert "✓ LP101 conflicts: none, 1 decision" in out.splitlines(), out
    assert "LP103 dead nieuw" in out, out  # ... and the new rule cannot apply yet


def test_run_checks_on_one_day_against_the_whole_period() -> None:
    statute = _statute(TERMIJN.replace("Termijn", "S"))
    version = version_on(statute, D(2026, 6, 1))
    budget = Budget()
    on_the_day = run_checks(statute, version, budget, only=("conflict",))
    assert [r.status for r in on_the_day if r.code == "LP101"] == []
    whole = run_checks(statute, version, budget, only=("conflict",),
                       period=(D(1, 1, 1).toordinal(), D(9999, 12, 31).toordinal()))
    assert [r.status for r in whole if r.code == "LP101"] == ["conflict"]


def test_a_version_period_runs_to_the_day_before_the_next_change() -> None:
    from lexproof.dsl.consolidate import distinct_versions, version_period

    statute = _statute("""\
statute S
facts F { d: date }
parameter p: int [art. 1]
  = 1 from 2024-01-01
  = 2 from 2025-07-01
decision x: bool [art. 1] otherwise d < peildatum
""")
    periods = [version_period(statute, v) for v in distinct_versions(statute, D(2026, 1, 1))]
    assert periods == [
        (D(1, 1, 1), D(2023, 12, 31)),
        (D(2024, 1, 1), D(2025, 6, 30)),
        (D(2025, 7, 1), D(9999, 12, 31)),
    ]


# --- diagnostics ---------------------------------------------------------------------------------------


def _errors(text: str) -> list[tuple[int, int, str]]:
    with pytest.raises(LexproofError) as info:
        check_files([parse_text(text, "s.law")])
    return [(d.span.line, d.span.column, d.message) for d in info.value.diagnostics]


MONEY_FACTS = """\
statute S
facts F { d: date  inkomen: money €0..€1_000  k: number 0..10 }
"""


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("decision x: int [art. 1] otherwise year(inkomen)", 41,
         "year() needs a date, not money (the year of a date: year(geboortedatum))"),
        ("decision x: int [art. 1] otherwise years_between(d)", 36, "years_between() takes two dates, got 1 values"),
        ("decision x: int [art. 1] otherwise years_between(d, inkomen)", 53,
         "years_between() needs a date, not money (whole years between two dates: years_between(geboortedatum, peildatum))"),
        ("decision x: money [art. 1] otherwise inkomen + 1 month", 38,
         "1 month can only be added to a date, not money"),
        ("decision x: date [art. 1] otherwise d + k months", 41,
         "a number of months must be a whole number (int), not number"),
        ("decision x: date [art. 1] otherwise 18 years + d", 37,
         "write the date first: DATE + 18 years (a period is added to a date)"),
        ("decision x: bool [art. 1] otherwise d < 18 years", 41,
         "a period ('18 years') can only be added to or subtracted from a date: write DATE + 18 years or DATE - 18 years"),
        ("parameter p: date [art. 1] = peildatum", 30,
         "a parameter value must be a constant, not depend on the peildatum (the date of the version)"),
        ("decision peildatum: date [art. 1] otherwise d", 1,
         "'peildatum' is built in: it is the date of the version being applied; choose another name"),
        ("decision x: int [art. 1] otherwise yaer(d)", 36, "unknown function or table 'yaer'; did you mean 'year'?"),
    ],
)
def test_positioned_diagnostics_with_a_hint(line: str, column: int, message: str) -> None:
    assert _errors(MONEY_FACTS + line + "\n") == [(3, column, message)]


def test_the_peildatum_in_a_two_version_property_names_its_version() -> None:
    text = MONEY_FACTS + """\
decision x: bool [art. 1] otherwise d < peildatum
property p [from on 2025-01-01 to on 2026-01-01]: for every F claim peildatum < after.peildatum
property q [on 2025-01-01]: for every F a, b claim a.peildatum = b.peildatum
"""
    assert _errors(text) == [
        (4, 69, "which version? write before.peildatum or after.peildatum"),
        (5, 52, "the peildatum is the same for both cases; write 'peildatum'"),
    ]


def test_an_example_value_cannot_read_the_peildatum() -> None:
    text = MONEY_FACTS + """\
decision x: date [art. 1] otherwise d
example "e" [on 2025-01-01] { d = peildatum, inkomen = €0, k = 1 } expect x = 2025-01-01
"""
    assert _errors(text) == [
        (4, 35, "the value of d must be a constant, not depend on the peildatum (the date of the version)")
    ]


def test_a_parameter_value_may_use_month_arithmetic_on_literals() -> None:
    statute = _statute("""\
statute S
facts F { d: date }
parameter einde: date [art. 1] = 2024-01-31 + 1 month
decision x: date [art. 1] otherwise einde
""")
    assert version_on(statute, ON).parameters["einde"] == D(2024, 2, 29).toordinal()


def test_a_constant_month_arithmetic_outside_the_range_is_an_error() -> None:
    errors = _errors("statute S\nfacts F { d: date }\nparameter einde: date [art. 1] = 9999-12-31 + 1 month\n")
    assert len(errors) == 1 and errors[0][:2] == (3, 34)
    assert "falls after 9999-12-31" in errors[0][2]


def test_a_query_reads_the_peildatum_of_its_date(tmp_path: Path) -> None:
    path = tmp_path / "leeftijd.law"
    path.write_text(LEEFTIJD, encoding="utf-8")
    program = api.load(path)
    result = api.query(program, "exists Persoon: leeftijd = 18 and geboortedatum > 2007-02-28", date="2025-03-01")
    assert result.status == "satisfiable"
    (witness,) = result.witnesses
    born = D.fromordinal(witness.facts[None]["geboortedatum"])
    assert born in (D(2007, 3, 1),)  # 18 on 2025-03-01: born on or before 2007-03-01


def test_a_decision_that_does_not_read_the_peildatum_keeps_its_version() -> None:
    """Found by the soundness suite: a gap in a decision that does not read the peildatum,
    checked after one that does, took the solver's unconstrained day 0 as the peildatum."""
    statute = _statute("""\
statute S
facts F { d: date 2024-03-01..2024-03-03  b: bool }
decision x: int [art. 1] otherwise 1
rule r [art. 1]: x = 2 if d = peildatum
decision y: bool [art. 2]
rule s [art. 2]: y = true if b
""")
    version = version_on(statute, D(2026, 6, 1))
    results = run_checks(statute, version, Budget(), only=("gap",),
                         period=(D(2020, 1, 1).toordinal(), D(2030, 12, 31).toordinal()))
    assert [(r.name, r.status) for r in results if r.code == "LP102"] == [("y", "gap")]
    assert results[0].witnesses[0].dates == {None: D(2026, 6, 1)}


def test_a_model_without_the_peildatum_does_not_move_the_version() -> None:
    """The unit behind the test above: a solver that never saw the peildatum completes it to
    day 0, which is no date (was: ValueError 'ordinal must be >= 1')."""
    from lexproof.verifier.checks import _dated

    statute = _statute("statute S\nfacts F { b: bool }\ndecision x: bool [art. 1] otherwise b\n")
    version = version_on(statute, D(2026, 6, 1))
    encoder = Encoder(statute, {None: version}, periods={None: (D(2020, 1, 1).toordinal(), D(2030, 1, 1).toordinal())})
    encoder.peildatum(None)  # read by some other decision of the encoder
    solver = z3.Solver(ctx=encoder.ctx)
    assert solver.check() == z3.sat
    assert _dated(statute, version, encoder, solver.model()) is version


def test_a_table_row_an_amendment_adds_that_reads_the_peildatum_counts_as_reading_it(tmp_path) -> None:
    """Two features of one session met here: whether the built-in checks range the peildatum
    over a version's period depends on whether anything reads it, and rows that an amendment
    adds to a table were not looked at (a conflict from such a row could be missed)."""
    from lexproof.dsl.consolidate import reads_peildatum
    from lexproof.dsl.loader import load

    base = """statute S
facts F { x: int 0..100 }
table t: int -> int { up to 10: 1  up to 20: 2 }
decision d: int [art. 1] otherwise t(x)
amendment A "groei" amends S in force 2027-01-01
  add rows to table t {
    up to 30: VALUE
  }
"""
    plain = tmp_path / "plain.law"
    plain.write_text(base.replace("VALUE", "3"), encoding="utf-8")
    dated = tmp_path / "dated.law"
    dated.write_text(base.replace("VALUE", "year(peildatum)"), encoding="utf-8")
    assert not reads_peildatum(next(iter(load(plain).statutes.values())))
    assert reads_peildatum(next(iter(load(dated).statutes.values())))


AGES = """\
statute S
parameter grens: int [art. 1]
  = 18 from 2020-01-01
  = 21 from 2027-01-01
facts Aanvraag {
  geboortedatum: date 1950-01-01..2020-12-31
  aanvraagdatum: date 2020-01-01..2030-12-31
  termijn: int 1..12
}
decision leeftijd: int [art. 2.1] otherwise years_between(geboortedatum, peildatum)
decision einde: date [art. 2.2] otherwise aanvraagdatum + termijn months
decision ingang: date [art. 2.3] otherwise first_day_of_next_month(aanvraagdatum)
decision recht: bool [art. 2.4] otherwise false
rule basis [art. 2.4 lid 1]:
  recht = true if leeftijd >= grens and peildatum <= einde
rule te_vroeg [art. 2.4 lid 2] except basis:
  recht = false if peildatum < ingang
rule schrikkel [art. 2.4 lid 3] except te_vroeg:
  recht = true if month(geboortedatum) = 2 and day(geboortedatum) = 29
decision oud: bool [art. 3] otherwise false
rule ouder_dan_80 [art. 3 lid 1]:
  oud = true if years_between(geboortedatum, aanvraagdatum) > 80
rule precies_80 [art. 3 lid 2]:
  oud = true if years_between(geboortedatum, aanvraagdatum) = 80
"""


def test_dead_and_redundant_rules_over_ages_on_the_peildatum_are_decided() -> None:
    """The benchmark's date chapter (docs/performance.md, "Dates and the peildatum"): with the
    year, month and day of each date as unknowns tied to it by an equation, every dead-rule and
    redundancy question is answered within the default budget (with Hinnant's nine chained
    divisions each came back unknown). The one dead rule is found, at an exact boundary: born
    on 1950-01-01 at the earliest and applying on 2030-12-31 at the latest, an applicant is at
    most 80 (the 80th birthday is 2030-01-01), so "older than 80" never applies and "exactly
    80" does. Every other rule can apply and none is redundant (each decides cases the others
    leave alone; checked by hand)."""
    statute = _statute(AGES)
    results = api.builtin_checks(statute, None, Budget())
    assert [r for r in results if r.status == "unknown"] == []
    assert sorted((r.code, r.name) for r in results) == [("LP103", "ouder_dan_80")], [
        (r.code, r.name, r.status) for r in results
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(day=_days | _near_ends | st.integers(-800_000, 0) | st.integers(D(9999, 12, 31).toordinal() + 1, 5_000_000))
def test_the_encoders_calendar_takes_every_integer_apart_once(day: int) -> None:
    """``calendar_terms.Calendar`` ties a fresh year, month and day to a date by equations.
    They must hold for exactly one (year, month, day) for every integer, in range or not
    (otherwise they would constrain the date itself: a date past 9999 would become impossible
    instead of undefined). In range the parts are datetime's."""
    constraints: list = []
    calendar = calendar_terms.Calendar(lambda new: constraints.extend(new) or 0, lambda keys: None, lambda: True)
    x = z3.Int("x")
    parts = calendar.civil(x)
    solver = z3.Solver()
    solver.add(constraints + [x == day])
    assert solver.check() == z3.sat
    model = solver.model()
    found = tuple(model.eval(term).as_long() for term in (parts.year, parts.month, parts.day))
    if 1 <= day <= D(9999, 12, 31).toordinal():
        date = D.fromordinal(day)
        assert found == (date.year, date.month, date.day)
    solver.add(z3.Or(parts.year != found[0], parts.month != found[1], parts.day != found[2]))
    assert solver.check() == z3.unsat  # one decomposition only


def test_where_constraints_cannot_reach_the_solver_the_calendar_adds_none() -> None:
    """Once a solver holds the encoder's constraints (or a formula outside every decision is
    encoded while a cone is focused), a new decomposition's equations would be missing from
    it, and its year, month and day would be free: every date would be every date. The
    calendar then takes the date apart with the pure terms, which need no constraint."""
    constraints: list = []
    calendar = calendar_terms.Calendar(lambda new: constraints.extend(new) or 0, lambda keys: None, lambda: False)
    x = z3.Int("x")
    parts = calendar.civil(x)
    assert constraints == []
    solver = z3.Solver()
    solver.add(x == D(2024, 2, 29).toordinal())
    assert solver.check() == z3.sat
    model = solver.model()
    assert [model.eval(term).as_long() for term in (parts.year, parts.month, parts.day)] == [2024, 2, 29]
