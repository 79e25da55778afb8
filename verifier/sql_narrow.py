"""64-bit integers for a compiled query whose every integer provably fits in them (DuckDB).

The SQL compiler (``verifier/sql_compile.py``) computes with 128-bit integers (``HUGEINT``), so
that sums and products of exact fractions do not overflow. DuckDB computes ``BIGINT`` several
times faster. This module bounds every integer the query computes, from the declared ranges
of the facts it reads (the population loader drops rows outside them), by interval arithmetic
over the query's own expression tree: the absolute value of ``a + b`` is at most ``|a| + |b|``,
of ``a * b`` at most ``|a| |b|``, of ``a // b`` (b a non-zero integer) at most ``|a|``, of a
CASE at most its largest branch, of a column at most its expression's bound. When every
bound is under 2^62, the query is printed with ``BIGINT`` instead of ``HUGEINT``, its integer
output columns included (callers that multiply them widen them first).

Calendar functions are bounded by DuckDB's DATE itself, a 32-bit day count. The analysis is
conservative: any node it does not know (a list lambda, a fact without a range, a column of
unknown origin, an operator it does not list) gives no bound, and an arithmetic node
without a bound keeps the query in 128 bits. The results are the same either way; should a
bound still be wrong, DuckDB raises an overflow error (it checks ``BIGINT`` arithmetic),
never a different number."""

from __future__ import annotations

import contextlib
import math
from fractions import Fraction

from sqlglot import exp

LIMIT = 2**62

_ARITHMETIC = (exp.Add, exp.Sub, exp.Mul, exp.IntDiv, exp.Neg, exp.Abs)
# A DuckDB DATE is a 32-bit day count (years -5,877,641 to 5,881,580), so whatever the dates,
# these calendar functions stay within:
_CALENDAR = {exp.DateDiff: 2**32, exp.Year: 6_000_000, exp.Month: 12, exp.Day: 31}


class _Unbounded(Exception):
    """An integer the analysis cannot bound below LIMIT: the query stays in 128 bits."""


class Bounds:
    """An upper bound (a whole number: rounded up, Python integers are fast where fractions
    were a fifth of a large statute's compile time) of the absolute value of each integer
    expression of one query, or None for an
    expression that is not an integer the analysis knows (text, booleans, dates)."""

    def __init__(self, int_type: exp.DataType, sources: dict[str, int]) -> None:
        self.int_type = int_type
        self.columns: dict[str, int | None] = dict(sources)
        self.memo: dict[int, int | None] = {}

    def define(self, name: str, expression: exp.Expression) -> None:
        """A column of a common table expression (``SELECT *, expression AS name``)."""
        bound = self.of(expression)
        if name in self.columns:  # never redefined by the compiler; if it were, stay safe
            old = self.columns[name]
            bound = None if old is None or bound is None else max(old, bound)
        self.columns[name] = bound

    def of(self, e: exp.Expression) -> int | None:
        key = id(e)
        if key not in self.memo:
            self.memo[key] = self._bound(e)
        return self.memo[key]

    def _bound(self, e: exp.Expression) -> int | None:
        if isinstance(e, exp.Paren):
            return self.of(e.this)
        if isinstance(e, exp.Literal):
            return None if e.is_string else _ceil_abs(e.this)
        if isinstance(e, exp.Null):
            return 0
        if isinstance(e, exp.Column):
            return self.columns.get(e.name)
        if isinstance(e, exp.Cast):
            inner = self.of(e.this)
            if e.to is self.int_type:
                return self._checked(inner)
            return inner if e.to.is_type(exp.DataType.Type.DECIMAL) else None
        if type(e) in _CALENDAR and (not isinstance(e, exp.DateDiff) or _unit(e) == "DAY"):
            for child in e.iter_expressions():
                self.of(child)
            return _CALENDAR[type(e)]
        if isinstance(e, (exp.Add, exp.Sub)) and any(_is_date(x) for x in (e.this, e.expression)):
            self.of(e.this)  # a DATE plus days: a date, not an integer (its day count is checked)
            self.of(e.expression)
            return None
        if isinstance(e, _ARITHMETIC):
            return self._checked(self._arithmetic(e))
        if isinstance(e, exp.Case):
            branches = [self.of(i) for i in e.args.get("ifs") or []]
            if e.args.get("default") is not None:
                branches.append(self.of(e.args["default"]))
            return None if any(b is None for b in branches) else max(branches, default=0)
        if isinstance(e, exp.If):
            self.of(e.this)  # the condition: its arithmetic is checked too
            return self.of(e.args["true"])
        if isinstance(e, exp.Coalesce):
            parts = [self.of(e.this), *(self.of(x) for x in e.expressions)]
            return None if any(p is None for p in parts) else max(parts)  # type: ignore[type-var]
        if isinstance(e, exp.Anonymous) and str(e.this).lower() == "gcd":
            parts = [self.of(x) for x in e.expressions]
            return None if any(p is None for p in parts) else max(parts)  # type: ignore[type-var]
        for child in e.iter_expressions():  # not an integer we know: check what it computes
            self.of(child)
        return None

    def _arithmetic(self, e: exp.Expression) -> int | None:
        if isinstance(e, (exp.Neg, exp.Abs)):
            return self.of(e.this)
        a, b = self.of(e.this), self.of(e.expression)
        if a is None or b is None:
            return None
        if isinstance(e, (exp.Add, exp.Sub)):
            return a + b
        if isinstance(e, exp.Mul):
            return a * b
        return a  # IntDiv by a non-zero integer: |a // b| <= |a|

    @staticmethod
    def _checked(bound: int | None) -> int:
        if bound is None or bound >= LIMIT:
            raise _Unbounded
        return bound


def _ceil_abs(text: str) -> int:
    try:
        return abs(int(text))
    except ValueError:  # a decimal literal
        return math.ceil(abs(Fraction(text)))


def _unit(e: exp.Expression) -> str:
    unit = e.args.get("unit")
    return str(unit.name if isinstance(unit, exp.Expression) else unit or "").upper()


def _is_date(e: exp.Expression) -> bool:
    """A DATE-typed operand as the compiler builds them: a cast to DATE."""
    while isinstance(e, exp.Paren):
        e = e.this
    return isinstance(e, exp.Cast) and e.to.is_type(exp.DataType.Type.DATE)


def fact_bounds(statute) -> dict[str, int]:
    """The largest absolute value of each numeric fact's population column, from its declared
    range (the loader drops the rows outside it; a generated case lies within it). A fact
    without a range has no bound: arithmetic on it keeps the query in 128 bits."""
    bounds: dict[str, int] = {}
    for name, info in statute.facts.items():
        if info.type.kind in ("int", "money", "rate", "number") and info.low is not None and info.high is not None:
            bounds[name] = math.ceil(max(abs(Fraction(info.low)), abs(Fraction(info.high))))  # type: ignore[arg-type]
    return bounds


def narrowable(query: exp.Select, int_type: exp.DataType, sources: dict[str, int]) -> Bounds | None:
    """The bounds of every column of ``query`` (the compiler's WITH of ``SELECT *, ...``
    layers), or None when some integer it computes cannot be bounded below 2^62."""
    bounds = Bounds(int_type, sources)
    try:
        for cte in query.args["with_"].expressions if query.args.get("with_") else []:
            select = cte.this
            if not isinstance(select, exp.Select):
                return None
            for item in select.expressions:
                if isinstance(item, exp.Star):
                    continue
                if not isinstance(item, exp.Alias):
                    return None
                bounds.define(item.alias, item.this)
            for clause in ("where", "joins", "group", "having"):
                if select.args.get(clause):
                    return None
        for item in query.expressions:
            bounds.of(item)
    except (_Unbounded, RecursionError, ValueError):  # ValueError: a literal that is not a number
        return None
    return bounds


@contextlib.contextmanager
def in_bigint(int_type: exp.DataType):
    """While printing: the shared integer type node reads BIGINT. The query's integer outputs
    are BIGINT too: a caller that multiplies two of them (``impact`` compares fractions
    crosswise) widens them first; sums widen by themselves (DuckDB's ``sum`` of BIGINT is a
    HUGEINT). Casting every output back had cost a fifth of keeping every person's outcome."""
    original = int_type.this
    int_type.set("this", exp.DataType.Type.BIGINT)
    try:
        yield
    finally:
        int_type.set("this", original)
