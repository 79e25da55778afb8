"""Calendar arithmetic on day numbers, for the evaluator: years, months and days of a date.

Dates are day numbers (``date.toordinal()``, 0001-01-01 is 1). Everything here goes through
Python's ``datetime.date``, a method independent of the Z3 encoding's integer algorithms
(``verifier/calendar_terms.py``), so that the tests comparing the two engines compare two
ways of computing the same calendar. A result outside 0001-01-01..9999-12-31 is ``None``: the
caller makes it undefined, as the encoding does.

The conventions (docs/language.md, "Dates: years, months and the peildatum"):

* **Adding months or years clamps to the end of the month**: 31 January + 1 month is 28 (or
  29) February, 29 February + 1 year is 28 February. A period of months ends on the day with
  the same number, or on the last day of the month when that day does not exist (as EU
  regulation 1182/71, art. 3 lid 2 sub c, and Dutch practice count a term).
* **Whole years and months between two dates count anniversaries**: the n-th anniversary of
  a date is the day with the same number n years (months) later, or, when that day does not
  exist, the first day after it: someone born on 29 February turns a year older on 1 March in
  a year without 29 February, as Dutch law counts an age. Between a later and an earlier date
  the count is negative: ``years_between(a, b) = -years_between(b, a)``.
"""

from __future__ import annotations

import calendar
import datetime as dt

from lexproof.dsl.values import FIRST_DAY, LAST_DAY

# The first day of a year, for the start of a studiejaar and a schooljaar: (month, day).
STUDIEJAAR = (9, 1)  # WHW art. 1.1 and WSF 2000 art. 1.1: 1 September to 31 August
SCHOOLJAAR = (8, 1)  # WEB art. 1.1.1: 1 August to 31 July


def _date(day: int) -> dt.date:
    return dt.date.fromordinal(day)


def _day(year: int, month: int, day: int) -> int | None:
    """The day number of a date, or None when the year lies outside 1..9999."""
    if not 1 <= year <= 9999:
        return None
    return dt.date(year, month, day).toordinal()


def year_of(day: int) -> int:
    return _date(day).year


def month_of(day: int) -> int:
    return _date(day).month


def day_of(day: int) -> int:
    return _date(day).day


def add_months(day: int, months: int) -> int | None:
    """``day`` plus a number of months (negative: earlier), clamped to the month's last day."""
    date = _date(day)
    total = date.year * 12 + (date.month - 1) + months
    year, month0 = divmod(total, 12)
    if not 1 <= year <= 9999:
        return None
    last = calendar.monthrange(year, month0 + 1)[1]
    return _day(year, month0 + 1, min(date.day, last))


def add_years(day: int, years: int) -> int | None:
    """``day`` plus a number of years: 29 February + 1 year is 28 February."""
    return add_months(day, 12 * years)


def _anniversary(birth: dt.date, year: int, month: int) -> dt.date | None:
    """The day with birth's day number in the given month, or the first day after that month
    when the day does not exist there; None beyond 9999-12-31."""
    if birth.day <= calendar.monthrange(year, month)[1]:
        return dt.date(year, month, birth.day)
    if (year, month) == (9999, 12):  # pragma: no cover - December has 31 days
        return None
    return dt.date(year + month // 12, month % 12 + 1, 1)


def years_between(first: int, second: int) -> int:
    """Whole years from ``first`` to ``second``: the number of anniversaries of ``first`` on or
    before ``second`` (negative when ``second`` is earlier)."""
    if second < first:
        return -years_between(second, first)
    a, b = _date(first), _date(second)
    years = b.year - a.year
    while years > 0 and _anniversary(a, a.year + years, a.month) > b:  # type: ignore[operator]
        years -= 1
    return years


def months_between(first: int, second: int) -> int:
    """Whole months from ``first`` to ``second``, counted like ``years_between``."""
    if second < first:
        return -months_between(second, first)
    a, b = _date(first), _date(second)
    months = (b.year - a.year) * 12 + (b.month - a.month)
    while months > 0:
        year, month0 = divmod(a.year * 12 + a.month - 1 + months, 12)
        if _anniversary(a, year, month0 + 1) <= b:  # type: ignore[operator]
            break
        months -= 1
    return months


def first_day_of_month(day: int) -> int:
    date = _date(day)
    return dt.date(date.year, date.month, 1).toordinal()


def first_day_of_next_month(day: int) -> int | None:
    """The first day of the month after ``day``'s month; None after December 9999."""
    date = _date(day)
    if date.month == 12:
        return _day(date.year + 1, 1, 1)
    return _day(date.year, date.month + 1, 1)


def year_start(day: int, start: tuple[int, int]) -> int | None:
    """The latest date on or before ``day`` that falls on ``start`` (month, day): the first day
    of the studiejaar or schooljaar containing ``day``. None before the first such date."""
    date = _date(day)
    year = date.year if (date.month, date.day) >= start else date.year - 1
    return _day(year, *start)


def in_range(day: int | None) -> bool:
    return day is not None and FIRST_DAY <= day <= LAST_DAY
