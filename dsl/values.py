"""Run-time values: how they are shown to people, written to JSON and read from case files.

Inside both engines: bool, int, Fraction (rate, money in euros), int day number (date, as
``date.toordinal()``), str (enum constant). Only this module converts to and from text.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation, localcontext
from fractions import Fraction

from lexproof.dsl.ir import Type

# The dates lexproof can represent: Python's ``datetime.date`` range, as day numbers. Both engines
# keep every date inside it (the encoding bounds date facts, and a date calculated outside it
# is undefined in both), so a date shown to a person can always be written as YYYY-MM-DD.
FIRST_DAY = dt.date.min.toordinal()  # 0001-01-01
LAST_DAY = dt.date.max.toordinal()  # 9999-12-31
DATE_RANGE = f"{dt.date.min.isoformat()}..{dt.date.max.isoformat()}"


def is_representable_day(day: int) -> bool:
    """Whether a day number is a date between 0001-01-01 and 9999-12-31."""
    return FIRST_DAY <= day <= LAST_DAY


def format_date(day: int) -> str:
    """A day number as YYYY-MM-DD; one outside the representable range as its number (never
    raises: the engines keep dates in range, but a message must not crash on a stray value)."""
    if is_representable_day(day):
        return dt.date.fromordinal(day).isoformat()
    return f"day {day} (outside {DATE_RANGE})"


def format_value(value: object, type_: Type) -> str:
    """A value as a person reads it: €1,118.00, 96%, 2025-09-01, mbo, true."""
    if value is None:
        return "-"
    kind = type_.kind
    if kind == "bool":
        return "true" if value else "false"
    if kind == "date":
        return format_date(int(value))  # type: ignore[call-overload]
    if too_long(value):
        return describe_long(value)
    if kind == "money":
        return format_money(Fraction(value))  # type: ignore[arg-type]
    if kind == "rate":
        return format_rate(Fraction(value))  # type: ignore[arg-type]
    if kind == "number":
        return format_number(Fraction(value))  # type: ignore[arg-type]
    if kind == "int":
        return str(value)
    return str(value)


def format_money(amount: Fraction) -> str:
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    cents = amount * 100
    if cents.denominator == 1:
        whole, rest = divmod(int(cents), 100)
        return f"{sign}€{whole:,}.{rest:02d}"
    # Not whole cents: show the exact value so nothing is silently rounded.
    return f"{sign}€{_approximately(amount, ',.4f')}… (exactly {sign}{amount.numerator}/{amount.denominator} euro)"


def format_rate(rate: Fraction) -> str:
    percent = rate * 100
    text = _finite_decimal(percent)
    if text is not None:
        return f"{text}%"
    return f"{_approximately(percent, '.4f')}…% (exactly {rate.numerator}/{rate.denominator})"


def format_number(number: Fraction) -> str:
    text = _finite_decimal(number)
    return text if text is not None else f"{_approximately(number, '.4f')}… (exactly {number.numerator}/{number.denominator})"


def _approximately(value: Fraction, spec: str) -> str:
    """``value`` as a float formatted by ``spec``; beyond a float's range (about 10^308), in
    six significant digits with an exponent."""
    try:
        return format(float(value), spec)
    except OverflowError:
        with localcontext() as context:
            context.prec = 6
            return str(Decimal(value.numerator) / Decimal(value.denominator))


def _finite_decimal(value: Fraction) -> str | None:
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator != 1:
        return None
    # Exact: scale to an integer numerator over a power of ten (Decimal division would round
    # at 28 digits).
    digits = 0
    scaled = value
    while scaled.denominator != 1:
        scaled *= 10
        digits += 1
    sign = "-" if scaled.numerator < 0 else ""
    text = str(abs(scaled.numerator)).rjust(digits + 1, "0")
    text = sign + (text[:-digits] + "." + text[-digits:] if digits else text)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def to_json(value: object, type_: Type) -> object:
    """A stable JSON form: numbers for int, strings for exact money/rates/dates."""
    if value is None:
        return None
    kind = type_.kind
    if kind not in ("bool", "date", "enum") and too_long(value):
        return describe_long(value)
    if kind == "int" and isinstance(value, Fraction):
        # a bound the diff found with the optimizer is a Fraction even for a whole-number
        # decision; JSON has no fractions, and the value is whole
        return int(value) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    if kind in ("bool", "int") or kind == "enum":
        return value
    if kind == "date":
        return format_date(int(value))  # type: ignore[call-overload]
    fraction = Fraction(value)  # type: ignore[arg-type]
    text = _finite_decimal(fraction)
    if kind == "money":
        if (fraction * 100).denominator == 1:
            return _cents_text(fraction)
        return text if text is not None else f"{fraction.numerator}/{fraction.denominator}"
    return text if text is not None else f"{fraction.numerator}/{fraction.denominator}"


def _cents_text(amount: Fraction) -> str:
    cents = int(amount * 100)
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole}.{rest:02d}"


SHOWN_VALUE_WIDTH = 80  # characters of a bad value quoted in a message, at most


def _show(raw: object) -> str:
    """A case-file value as JSON spells it (true, 5.001, "mbo"), not as Python does; a long one
    cut short (the message is printed, and a case file may hold a megabyte-long string)."""
    import json

    if isinstance(raw, (Decimal, float, Fraction)) or (isinstance(raw, int) and not isinstance(raw, bool)):
        text = _number_text(raw)
    else:
        try:
            text = json.dumps(raw, default=str, ensure_ascii=False)
        except (TypeError, ValueError, RecursionError):
            text = "a value that cannot be shown"
    return clip(text, SHOWN_VALUE_WIDTH)


def _number_text(raw: int | float | Decimal | Fraction) -> str:
    """A number as text without ever converting a huge int to decimal (Python refuses beyond
    4,300 digits)."""
    if too_long(raw):
        return describe_long(raw)
    if isinstance(raw, float) and not math.isfinite(raw):
        return "NaN" if math.isnan(raw) else ("-" if raw < 0 else "") + "Infinity"  # as JSON spells them
    return str(raw)


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, with … where it is cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


# Numbers lexproof reads: at most this many digits written out in full (``1e-999999999`` has a
# billion). Python's int refuses to print more than 4,300 digits, and an exact Fraction of a
# Decimal with a huge exponent takes minutes to build; no legal amount comes near this.
MAX_DIGITS = 1000
_MAX_BITS = int(MAX_DIGITS / math.log10(2))  # about MAX_DIGITS decimal digits


def too_long(value: object) -> bool:
    """Whether a calculated number has more than ``MAX_DIGITS`` digits in its numerator or
    denominator. Short literals multiply into such numbers (200 factors of 30 digits), and
    Python refuses to print more than 4,300 digits (and takes quadratic time below that)."""
    if isinstance(value, bool) or not isinstance(value, (int, Fraction)):
        return False
    fraction = Fraction(value)
    return max(fraction.numerator.bit_length(), fraction.denominator.bit_length()) > _MAX_BITS


def describe_long(value: object) -> str:
    """A number too long to print, described by its size (from its bit length: never printed)."""
    fraction = Fraction(value)  # type: ignore[arg-type]
    negative = "negative " if fraction < 0 else ""
    if fraction.denominator == 1:
        return f"a {negative}whole number of about {_digits(fraction.numerator)} digits"
    return (
        f"a {negative}fraction of about {_digits(fraction.numerator)} digits over about "
        f"{_digits(fraction.denominator)} digits"
    )


def _digits(number: int) -> int:
    return max(1, round(abs(number).bit_length() * math.log10(2)))


def number_too_long(text: str) -> bool:
    """Whether a number written as text (``-12.5``, ``1e-3``) has more than ``MAX_DIGITS``
    digits when written out in full. Cheap on any input: only the exponent's few digits are
    converted."""
    mantissa, _, exponent = text.lower().partition("e")
    digits = sum(character.isdigit() for character in mantissa)
    if exponent:
        exponent_digits = exponent.lstrip("+-")
        if not (exponent_digits.isascii() and exponent_digits.isdigit()):
            return False  # not a number: whoever parses it says so
        exponent_digits = exponent_digits.lstrip("0") or "0"
        if len(exponent_digits) > len(str(MAX_DIGITS)):
            return True
        digits += int(exponent_digits)
    return digits > MAX_DIGITS


def _decimal_too_long(value: Decimal) -> bool:
    exponent = value.as_tuple().exponent
    return not isinstance(exponent, int) or len(value.as_tuple().digits) + abs(exponent) > MAX_DIGITS


class ValueError_(ValueError):
    """A case value that cannot be read; the message says what was expected."""


_NUMBER = re.compile(r"^-?[0-9][0-9_]*(\.[0-9]+)?$")
_EN_GROUPED = re.compile(r"^-?[1-9][0-9]{0,2}(,[0-9]{3})+(\.[0-9]+)?$")  # 1,409.00  1,000,000
_NL_GROUPED = re.compile(r"^-?[1-9][0-9]{0,2}(\.[0-9]{3})+(,[0-9]+)?$")  # 1.409,00  1.000.000
_NL_DECIMAL = re.compile(r"^-?[0-9]+,[0-9]+$")  # 1409,00  0,96


def _plain_number(text: str, raw: object) -> str:
    """A number as written in English (1,409.00) or Dutch (1.409,00; 1409,5) as plain
    digits with a decimal point; anything else unchanged (the caller rejects it). A number
    that reads as either (one separator before exactly three digits: '1,409' is 1409 in
    English and 1.409 in Dutch; '1.409' the other way round) is an error that says so."""
    if re.fullmatch(r"-?[1-9][0-9]{0,2}[.,][0-9]{3}", text):
        separator = "," if "," in text else "."
        raise ValueError_(f"{_show(raw)} is ambiguous: '{separator}' may separate thousands (English "
                          f"'1,409', Dutch '1.409') or decimals; write it without a thousands separator "
                          f"(1409 or 1.409), or with the decimals (\"1,409.00\", \"1.409,00\")")
    if _EN_GROUPED.match(text):
        return text.replace(",", "")
    if _NL_GROUPED.match(text):
        return text.replace(".", "").replace(",", ".")
    if _NL_DECIMAL.match(text):
        return text.replace(",", ".")
    return text
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_iso_date(text: str) -> dt.date:
    """A date written YYYY-MM-DD, and only that; ValueError otherwise.

    ``date.fromisoformat`` alone also takes ``20250101``, ``2025-W01-1`` (2024-12-30) and other
    ISO forms from Python 3.11 on, but not on 3.10: the same case file or ``--date`` would mean a
    date on one machine and be an error on another, and a week date silently names a day the
    reader did not write."""
    if not _ISO_DATE.fullmatch(text):
        raise ValueError(f"not a date YYYY-MM-DD: {text!r}")
    return dt.date.fromisoformat(text)


def parse_value(raw: object, type_: Type, enum_values: tuple[str, ...] = ()) -> object:
    """Read a value from a case file (JSON). Raises ValueError with a readable message."""
    kind = type_.kind
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        if raw in ("true", "false"):
            return raw == "true"
        raise ValueError_(f"expected true or false, got {_show(raw)}")
    if kind == "enum":
        if isinstance(raw, str) and raw in enum_values:
            return raw
        raise ValueError_(f"expected one of {', '.join(enum_values)}, got {_show(raw)}")
    if kind == "date":
        if isinstance(raw, dt.date):
            return raw.toordinal()
        if isinstance(raw, str):
            try:
                return parse_iso_date(raw).toordinal()
            except ValueError:
                pass
        raise ValueError_(f"expected a date YYYY-MM-DD, got {_show(raw)}")
    if isinstance(raw, bool):
        raise ValueError_(f"expected a number, got {_show(raw)}")
    number = _number(raw, kind)
    if kind == "int":
        if number.denominator != 1:
            raise ValueError_(f"expected a whole number, got {_show(raw)}")
        return int(number)
    if kind == "money" and (number * 100).denominator != 1:
        raise ValueError_(f"money is in whole cents, got {_show(raw)}")
    return number


def _number(raw: object, kind: str) -> Fraction:
    """The exact value of a number from a case; a non-finite or overlong one is an error (it
    would crash or stall the conversion, or every later use)."""
    if isinstance(raw, Fraction):
        if too_long(raw):
            raise ValueError_(f"expected a number of at most {MAX_DIGITS} digits, got {_show(raw)}")
        return raw
    if isinstance(raw, int):
        if too_long(raw):
            raise ValueError_(f"expected a number of at most {MAX_DIGITS} digits, got {_show(raw)}")
        return Fraction(raw)
    if isinstance(raw, (float, Decimal)):
        number = raw if isinstance(raw, Decimal) else Decimal(str(raw))
        if not number.is_finite():
            raise ValueError_(f"expected a finite number, got {_show(raw)}")
        if _decimal_too_long(number):
            raise ValueError_(f"expected a number of at most {MAX_DIGITS} digits, got {_show(raw)}")
        return Fraction(number)
    if isinstance(raw, str):
        text = raw.strip().replace(" ", "")
        percent = text.endswith("%")
        if kind == "money":
            text = text.removeprefix("€").removeprefix("EUR")
        text = text.rstrip("%")
        if sum(character.isdigit() for character in text) > MAX_DIGITS:  # strings have no exponent
            raise ValueError_(f"expected a number of at most {MAX_DIGITS} digits, got {_show(raw)}")
        fraction = re.fullmatch(r"(-?[0-9]+)/([0-9]+)", text)
        if fraction and int(fraction.group(2)) != 0:  # "1/3": how to_json writes a non-decimal rate
            value = Fraction(int(fraction.group(1)), int(fraction.group(2)))
            return value / 100 if percent else value
        text = _plain_number(text, raw)
        if _NUMBER.match(text):
            try:
                value = Fraction(Decimal(text.replace("_", "")))
            except InvalidOperation:
                value = None
            if value is not None:
                return value / 100 if percent else value
    what = {"money": "an amount such as 1118.00, \"€1,118.00\" or \"€1.118,00\"", "rate": "a rate such as 0.96 or \"96%\""}
    raise ValueError_(f"expected {what.get(kind, 'a number')}, got {_show(raw)}")
