"""Calendar arithmetic as Z3 integer terms: exact, linear, without tables.

A date is a day number (``date.toordinal()``). Year, month and day come from Howard Hinnant's
``civil_from_days`` and go back through ``days_from_civil``
(https://howardhinnant.github.io/date_algorithms.html): integer division and remainder by
numerals only, which Z3 decides exactly in linear integer arithmetic. The evaluator computes the
same functions with Python's ``datetime`` (``dsl/datecalc.py``); tests compare the two.

Every dividend below is non-negative for dates in 0001-01-01..9999-12-31 (and for the years
0..10000 that month arithmetic can reach before its result is found undefined), so Z3's
Euclidean ``div`` is the floor division of the published algorithm.
"""

from __future__ import annotations

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
    a, b = civil(first), civil(second)
    forward = b.year - a.year - z3.If(_month_day(b) < _month_day(a), 1, 0)
    backward = a.year - b.year - z3.If(_month_day(a) < _month_day(b), 1, 0)
    return z3.If(first <= second, forward, -backward)


def months_between(first: Term, second: Term) -> Term:
    """Whole months from ``first`` to ``second`` (monthly anniversaries; negative when earlier)."""
    a, b = civil(first), civil(second)
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
