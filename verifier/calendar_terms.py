"""Calendar arithmetic as Z3 integer terms: exact, linear, without tables.

A date is a day number (``date.toordinal()``). Two encodings of taking a date apart:

* ``civil`` (functions at module level): Howard Hinnant's ``civil_from_days`` and
  ``days_from_civil`` (https://howardhinnant.github.io/date_algorithms.html), integer division
  and remainder by numerals only. A pure term: used on numerals (folded to a numeral) and as
  the fallback once a solver holds the encoder's constraints.
* ``Calendar.civil`` (the encoder's default): a fresh year, month and day per date taken apart,
  tied to it by ``date = days(year, month, day)`` with month 1..12 and day 1..length of the
  month, where ``days`` needs only three divisions of the year. Z3 decides these far faster
  than Hinnant's nine chained divisions (a dead-rule question over an age on the peildatum:
  ``unknown`` after 15 s before, under a second after; docs/performance.md). The equations
  define a total function on every integer (the proleptic calendar extends past both ends), so
  they never constrain the date itself: a date outside 0001..9999 stays possible, and
  undefined, exactly as in the evaluator.

The evaluator computes the same functions with Python's ``datetime`` (``dsl/datecalc.py``);
tests compare the engines.

Every dividend in the Hinnant terms is non-negative for dates in 0001-01-01..9999-12-31 (and
for the years 0..10000 that month arithmetic can reach before its result is found undefined),
so Z3's Euclidean ``div`` is the floor division of the published algorithm. ``days_of_year``
works for every integer year because Euclidean division by a positive numeral is floor
division.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import z3

Term = z3.ArithRef

# Day number of 0000-03-01 in Hinnant's proleptic count, shifted so that ordinal 1 is 0001-01-01:
# his ``z = days_since_1970 + 719468`` with ``days_since_1970 = ordinal - 719163``.
_SHIFT = 719468 - 719163  # 305


@dataclass(frozen=True)
class Civil:
    """A date as year, month (1-12) and day (1-31) terms."""

    year: Term
    month: Term
    day: Term


def civil(ordinal: Term) -> Civil:
    """civil_from_days: the year, month and day of a day number."""
    z = ordinal + _SHIFT
    era = z / 146097
    doe = z - era * 146097  # day of the 400-year era, 0..146096
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365  # year of era, 0..399
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100)  # day of the year starting 1 March, 0..365
    mp = (5 * doy + 2) / 153  # month starting from March, 0..11
    day = doy - (153 * mp + 2) / 5 + 1
    month = z3.If(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + z3.If(month <= 2, 1, 0)
    return Civil(year, month, day)


def days(year: Term, month: Term, day: Term) -> Term:
    """days_from_civil: the day number of a year, month and day (year >= 0)."""
    y = year - z3.If(month <= 2, 1, 0)
    era = y / 400
    yoe = y - era * 400
    mp = z3.If(month > 2, month - 3, month + 9)
    doy = (153 * mp + 2) / 5 + day - 1
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146097 + doe - _SHIFT


def is_leap(year: Term) -> z3.BoolRef:
    return z3.Or(z3.And(year % 4 == 0, year % 100 != 0), year % 400 == 0)


def days_in_month(year: Term, month: Term) -> Term:
    return z3.If(
        month == 2,
        z3.If(is_leap(year), 29, 28),
        z3.If(z3.Or(month == 4, month == 6, month == 9, month == 11), 30, 31),
    )


def add_months(ordinal: Term, months: Term) -> tuple[Term, z3.BoolRef]:
    """(date, defined): months later, the day clamped to the last day of the month; defined
    when the result's year is 1..9999."""
    date = civil(ordinal)
    # ``total`` may be negative (a result before year 1, undefined): Z3's div and mod by a
    # positive numeral are Euclidean, which for a positive divisor is floor division too.
    total = date.year * 12 + date.month - 1 + months
    year = total / 12
    month = total % 12 + 1
    day = z3.If(date.day > days_in_month(year, month), days_in_month(year, month), date.day)
    return days(year, month, day), z3.And(year >= 1, year <= 9999)


def _month_day(date: Civil) -> Term:
    """Month and day as one number that orders like (month, day)."""
    return date.month * 32 + date.day


def years_between(first: Term, second: Term) -> Term:
    """Whole years from ``first`` to ``second`` (anniversaries; negative when earlier)."""
    return _years_between(civil(first), civil(second), first, second)


def _years_between(a: Civil, b: Civil, first: Term, second: Term) -> Term:
    forward = b.year - a.year - z3.If(_month_day(b) < _month_day(a), 1, 0)
    backward = a.year - b.year - z3.If(_month_day(a) < _month_day(b), 1, 0)
    return z3.If(first <= second, forward, -backward)


def months_between(first: Term, second: Term) -> Term:
    """Whole months from ``first`` to ``second`` (monthly anniversaries; negative when earlier)."""
    return _months_between(civil(first), civil(second), first, second)


def _months_between(a: Civil, b: Civil, first: Term, second: Term) -> Term:
    index_a = a.year * 12 + a.month
    index_b = b.year * 12 + b.month
    forward = index_b - index_a - z3.If(b.day < a.day, 1, 0)
    backward = index_a - index_b - z3.If(a.day < b.day, 1, 0)
    return z3.If(first <= second, forward, -backward)


def first_day_of_month(ordinal: Term) -> Term:
    return ordinal - civil(ordinal).day + 1


def first_day_of_next_month(ordinal: Term) -> tuple[Term, z3.BoolRef]:
    """(date, defined): undefined after December 9999."""
    date = civil(ordinal)
    december = date.month == 12
    year = z3.If(december, date.year + 1, date.year)
    month = z3.If(december, 1, date.month + 1)
    return days(year, month, 1), year <= 9999


def year_start(ordinal: Term, start: tuple[int, int]) -> tuple[Term, z3.BoolRef]:
    """(date, defined): the latest day on or before ``ordinal`` on (month, day) ``start``."""
    date = civil(ordinal)
    start_key = start[0] * 32 + start[1]
    year = z3.If(_month_day(date) >= start_key, date.year, date.year - 1)
    return days(year, z3.IntVal(start[0], ordinal.ctx), z3.IntVal(start[1], ordinal.ctx)), year >= 1


# --- the encoder's calendar: one fresh decomposition per date ---------------------------------------

# Days before the first of each month in a common year.
_DAYS_BEFORE_MONTH = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)


def _leap(year: Term) -> z3.BoolRef:
    """Whether ``year`` is a leap year, through the same divisions of ``year - 1`` that
    ``days_of_year`` uses (a year is divisible by 4 when the year before leaves 3, and so on):
    Z3 shares them, where ``is_leap`` would add three remainders of its own."""
    before = year - 1

    def last_of(period: int) -> z3.BoolRef:
        return before - period * (before / period) == period - 1

    return z3.Or(z3.And(last_of(4), z3.Not(last_of(100))), last_of(400))


def _month_length(year: Term, month: Term) -> Term:
    return z3.If(
        month == 2,
        z3.If(_leap(year), 29, 28),
        z3.If(z3.Or(month == 4, month == 6, month == 9, month == 11), 30, 31),
    )


def days_of_year(year: Term, month: Term, day: Term) -> Term:
    """The day number of a valid (year, month, day), for any integer year: the days of the
    years before (``365 y + y/4 - y/100 + y/400`` with ``y = year - 1``), of the months before
    (a table of twelve numerals, one more after February in a leap year) and the day."""
    before = year - 1
    months = z3.IntVal(_DAYS_BEFORE_MONTH[11], year.ctx)
    for number in range(11, 0, -1):
        months = z3.If(month == number, _DAYS_BEFORE_MONTH[number - 1], months)
    leap_day = z3.If(z3.And(month > 2, _leap(year)), 1, 0)
    return 365 * before + before / 4 - before / 100 + before / 400 + months + leap_day + day


# Reads the calendar constraints behind a decomposition (their keys); adds the constraints of a
# new one and returns its key.
Reader = Callable[[tuple[int, ...]], None]
Definer = Callable[[list[z3.BoolRef]], int]


class Calendar:
    """The calendar functions for one encoder: each date taken apart gets a fresh year, month
    and day (``civil``), defined once and shared by every use of the same term; a date made
    from its parts (``+ n months``, first day of the next month, start of the studiejaar) is
    known by those parts and never taken apart again.

    ``define`` adds the equations of a new decomposition to the encoder (under their own
    owner, so a focused decision's cone carries exactly the decompositions it reads) and
    ``read`` records that the term being encoded reads them. Where that cannot work (``usable``
    is false: a solver already holds the encoder's constraints, or a formula outside every
    decision is encoded while one decision's cone is focused), a date is taken apart by the pure
    Hinnant terms instead: exact without any constraint, only slower to solve."""

    def __init__(self, define: Definer, read: Reader, usable: Callable[[], bool]) -> None:
        self._define = define
        self._read = read
        self._usable = usable
        # term id -> (its parts, the keys of the constraints that make them its parts)
        self._parts: dict[int, tuple[Civil, tuple[int, ...]]] = {}
        self._count = 0

    def civil(self, ordinal: Term) -> Civil:
        if z3.is_int_value(ordinal):
            parts = civil(ordinal)
            return Civil(z3.simplify(parts.year), z3.simplify(parts.month), z3.simplify(parts.day))
        if not self._usable():  # its constraints would not reach the solver: the pure term
            return civil(ordinal)
        known = self._parts.get(ordinal.get_id())
        if known is not None:
            self._read(known[1])
            return known[0]
        self._count += 1
        ctx = ordinal.ctx
        year, month, day = (z3.Int(f"calendar!{self._count}!{part}", ctx) for part in ("year", "month", "day"))
        parts = Civil(year, month, day)
        key = self._define([
            month >= 1, month <= 12, day >= 1, day <= _month_length(year, month),
            ordinal == days_of_year(year, month, day),
        ])
        self._parts[ordinal.get_id()] = (parts, (key,))
        self._read((key,))
        return parts

    def _made(self, parts: Civil, source: Term) -> Term:
        """The day number of valid ``parts`` computed from ``source``'s decomposition."""
        result = days_of_year(parts.year, parts.month, parts.day)
        if not z3.is_int_value(source) and source.get_id() in self._parts:
            self._parts.setdefault(result.get_id(), (parts, self._parts[source.get_id()][1]))
        return result

    def add_months(self, ordinal: Term, months: Term) -> tuple[Term, z3.BoolRef]:
        if z3.is_int_value(ordinal) and z3.is_int_value(months):
            return add_months(ordinal, months)
        date = self.civil(ordinal)
        total = date.year * 12 + date.month - 1 + months
        year = total / 12
        month = total % 12 + 1
        day = z3.If(date.day > _month_length(year, month), _month_length(year, month), date.day)
        return self._made(Civil(year, month, day), ordinal), z3.And(year >= 1, year <= 9999)

    def years_between(self, first: Term, second: Term) -> Term:
        return _years_between(self.civil(first), self.civil(second), first, second)

    def months_between(self, first: Term, second: Term) -> Term:
        return _months_between(self.civil(first), self.civil(second), first, second)

    def first_day_of_month(self, ordinal: Term) -> Term:
        return ordinal - self.civil(ordinal).day + 1

    def first_day_of_next_month(self, ordinal: Term) -> tuple[Term, z3.BoolRef]:
        if z3.is_int_value(ordinal):
            return first_day_of_next_month(ordinal)
        date = self.civil(ordinal)
        december = date.month == 12
        year = z3.If(december, date.year + 1, date.year)
        month = z3.If(december, 1, date.month + 1)
        one = z3.IntVal(1, ordinal.ctx)
        return self._made(Civil(year, month, one), ordinal), year <= 9999

    def year_start(self, ordinal: Term, start: tuple[int, int]) -> tuple[Term, z3.BoolRef]:
        if z3.is_int_value(ordinal):
            return year_start(ordinal, start)
        date = self.civil(ordinal)
        year = z3.If(_month_day(date) >= start[0] * 32 + start[1], date.year, date.year - 1)
        month, day = z3.IntVal(start[0], ordinal.ctx), z3.IntVal(start[1], ordinal.ctx)
        return self._made(Civil(year, month, day), ordinal), year >= 1
