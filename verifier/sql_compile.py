"""Compile a consolidated version to one SQL query over a population table: the third engine.

The query reads a table with one row per case and a column per fact (named after the fact)
and adds, for every decision, its value, its status (``decided``, ``default``, ``undecided``,
``conflict``, ``undefined``, as ``dsl/evaluator.py``) and a reason. It mirrors the evaluator
operator by operator, like ``verifier/encoding.py`` does for Z3; the soundness suite checks the
three against each other on generated statutes.

Exactness (an inexact answer is a wrong answer):

* ``int`` is a 128-bit integer (DuckDB ``HUGEINT``); an overflow raises an error in the engine
  instead of wrapping.
* ``rate``, ``number`` and ``money`` are exact fractions: two integer expressions, numerator
  and denominator (always positive), reduced by their gcd whenever a rule's value is stored
  (unless the denominator is a small constant: a fact's, times constants; see UNREDUCED_DEN).
  Division (``/``) appears in real statutes (a yearly amount per month) and its quotient is
  generally not a finite decimal, so a fixed-scale DECIMAL would round; a fraction never does.
* ``date`` is the day number the evaluator uses (0001-01-01 is 1), an integer; calendar
  functions convert it to a DATE and back, and a date outside 0001-01-01..9999-12-31 is
  undefined, as in the evaluator.
* undefined is NULL. SQL's three-valued logic is not the evaluator's (``FALSE AND NULL`` is
  FALSE in SQL, undefined in lexproof; ``LEAST`` skips NULLs), so every operator is compiled
  with explicit NULL guards rather than relying on SQL's.

The query is built as sqlglot expression trees, never as strings, and printed in the dialect
of the engine (``duckdb`` or ``spark``). Decisions are computed in layers (common table
expressions): a decision's layer reads the decisions it depends on as columns, so no
expression is inlined into another decision's."""

from __future__ import annotations

import contextlib
import gc
import math
import threading
from dataclasses import dataclass
from fractions import Fraction

import sqlglot
from sqlglot import exp

from lexproof.dsl import ir
from lexproof.dsl.consolidate import Version
from lexproof.dsl.diagnostics import Diagnostic, LexproofError
from lexproof.dsl.source import Span
from lexproof.dsl.values import FIRST_DAY, LAST_DAY

MAX_INT = 2**127 - 1
# A stored value whose denominator is a constant up to this is not reduced by a gcd per row
# (``_stage_reduce``): equal values then have equal numerators anyway, and the numbers stay as
# small as the constant allows (a gcd per row of a million rows cost more than all the rest).
UNREDUCED_DEN = 10**6
STATUSES = ("decided", "default", "undecided", "conflict", "undefined")  # what a status column holds
EPOCH = "0001-01-01"


class SqlCompileError(LexproofError):
    """A construct the SQL compiler cannot compile exactly: positioned, never a silent difference."""


@dataclass(frozen=True)
class Val:
    """A compiled expression: ``num`` alone (bool, int, day number, enum), or the exact fraction
    ``num / den`` with ``den > 0`` (rate, number, money). Undefined is a NULL ``num``; ``den``
    may then be anything (every operator keeps "den NULL implies num NULL", and every test for
    undefined reads ``num``)."""

    num: exp.Expression
    den: exp.Expression | None = None

    @property
    def is_fraction(self) -> bool:
        return self.den is not None


def fact_column(name: str) -> str:
    """The internal column of a fact (the numerator for a rational fact)."""
    return f"f:{name}"


def value_column(decision: str) -> str:
    return decision


def den_column(decision: str) -> str:
    return f"{decision}:den"


def status_column(decision: str) -> str:
    return f"{decision}:status"


def reason_column(decision: str) -> str:
    return f"{decision}:reason"


def rule_column(decision: str) -> str:
    """The rule that decides the value (the first that fires), ``otherwise`` for the default,
    NULL when there is no value."""
    return f"{decision}:rule"


# --- small builders: every composite is parenthesised (sqlglot prints trees as built) ---
# Nothing is copied: sqlglot's helpers (exp.cast, builder methods) deep-copy their arguments by
# default, which made compiling a large statute quadratic. A node may appear in several places
# of the tree; the generator prints it in each.

_TYPES = {name: exp.DataType.build(name) for name in ("DATE", "INT", "BIGINT")}


def _cast(e: exp.Expression, to: exp.DataType) -> exp.Expression:
    return exp.Cast(this=e, to=to)


_BUILDING = threading.local()  # .columns: name -> Column node while a query is built (_no_gc)


def col(name: str) -> exp.Expression:
    # Built directly: exp.column() goes through to_identifier and copies, a third of the
    # compile time of a large statute. While a query is built (``_no_gc``), one node per
    # name, shared by every reference (a third of the nodes of a 10,000-rule query were
    # column references, each two objects to make and free); nothing mutates a column.
    columns = getattr(_BUILDING, "columns", None)
    if columns is None:
        return exp.Column(this=exp.Identifier(this=name, quoted=True))
    node = columns.get(name)
    if node is None:
        node = columns[name] = exp.Column(this=exp.Identifier(this=name, quoted=True))
    return node


def _shared(key: tuple, make) -> exp.Expression:
    """One node per constant (NULL, TRUE, FALSE, a number) while a query is built: a
    10,000-rule query had 130,000 NULLs, each an object to make and free; they print alike."""
    constants = getattr(_BUILDING, "constants", None)
    if constants is None:
        return make()
    node = constants.get(key)
    if node is None:
        node = constants[key] = make()
    return node


def null() -> exp.Expression:
    return _shared(("null",), exp.Null)


def true() -> exp.Expression:
    return _shared(("true",), exp.true)


def false() -> exp.Expression:
    return _shared(("false",), exp.false)


def number(value: int) -> exp.Expression:
    return _shared(("number", value), lambda: exp.Literal.number(value))


def paren(e: exp.Expression) -> exp.Expression:
    return e if isinstance(e, (exp.Paren, exp.Column, exp.Literal, exp.Null, exp.Boolean, exp.Cast)) else exp.Paren(this=e)


class Builder:
    """The SQL building blocks of one dialect (integer type, date conversions)."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self.int_type = exp.DataType.build("DECIMAL(38, 0)" if dialect == "spark" else "HUGEINT", dialect="duckdb")
        self._integers: dict[int, exp.Expression] = {}
        # DuckDB: a status is an ENUM of the five statuses, a byte per row where text was a
        # string each (the status column was a third of the cost of keeping every outcome);
        # it compares, groups and prints as the text. Spark has no ENUM: text there.
        self.status_type = exp.DataType.build(
            "ENUM(" + ", ".join(f"'{s}'" for s in STATUSES) + ")", dialect="duckdb") if dialect == "duckdb" else None
        self._statuses: dict[str, exp.Expression] = {}

    def integer(self, value: int, span: Span | None = None) -> exp.Expression:
        """A 128-bit integer literal; one node per value, shared by every place that prints
        it (a large statute uses a few hundred distinct numbers a hundred thousand times)."""
        node = self._integers.get(value)
        if node is None:
            if abs(value) > MAX_INT:
                raise SqlCompileError(Diagnostic(span, f"the number {value} is beyond the 128-bit integers SQL computes with"))
            node = self._integers[value] = _cast(number(value), self.int_type)
        return node

    def as_int(self, e: exp.Expression) -> exp.Expression:
        return _cast(e, self.int_type)

    def status(self, text: str) -> exp.Expression:
        """One of ``STATUSES`` as the status column holds it; one node per status."""
        node = self._statuses.get(text)
        if node is None:
            literal = exp.Literal.string(text)
            node = self._statuses[text] = literal if self.status_type is None else _cast(literal, self.status_type)
        return node


def _bool_value(e: exp.Expression) -> bool | None:
    """True or False for a boolean literal (in parentheses or not), else None."""
    while isinstance(e, exp.Paren):
        e = e.this
    return e.this if isinstance(e, exp.Boolean) else None


def _is_null_literal(e: exp.Expression) -> bool:
    while isinstance(e, exp.Paren):
        e = e.this
    return isinstance(e, exp.Null)


def b_and(*terms: exp.Expression) -> exp.Expression:
    """``a AND b ...``; TRUE terms dropped, FALSE if a term is FALSE (``NULL AND FALSE`` is
    FALSE in SQL too)."""
    if any(_bool_value(t) is False for t in terms):
        return false()
    terms = tuple(t for t in terms if _bool_value(t) is not True)
    if not terms:
        return true()
    result = paren(terms[0])
    for term in terms[1:]:
        result = exp.And(this=result, expression=paren(term))
    return paren(result)


def b_or(*terms: exp.Expression) -> exp.Expression:
    """``a OR b ...``; FALSE terms dropped, TRUE if a term is TRUE (``NULL OR TRUE`` is TRUE)."""
    if any(_bool_value(t) is True for t in terms):
        return true()
    terms = tuple(t for t in terms if _bool_value(t) is not False)
    if not terms:
        return false()
    result = paren(terms[0])
    for term in terms[1:]:
        result = exp.Or(this=result, expression=paren(term))
    return paren(result)


def b_not(term: exp.Expression) -> exp.Expression:
    value = _bool_value(term)
    if value is not None:
        return false() if value else true()
    if _is_null_literal(term):
        return null()
    return exp.Paren(this=exp.Not(this=paren(term)))


def is_null(e: exp.Expression) -> exp.Expression:
    """``e IS NULL``; decided at compile time for a literal (NULL, a boolean, a number or
    string, a cast of one)."""
    if _is_null_literal(e):
        return true()
    if _bool_value(e) is not None or _is_literal(e):
        return false()
    return exp.Paren(this=exp.Is(this=paren(e), expression=null()))


def or_false(e: exp.Expression) -> exp.Expression:
    """``COALESCE(e, FALSE)``: whether a condition holds (NULL: it does not)."""
    if _bool_value(e) is not None:
        return e
    if _is_null_literal(e):
        return false()
    return exp.Coalesce(this=e, expressions=[false()])


def _int_literal(e: exp.Expression) -> int | None:
    """The value of an integer literal (``CAST(n AS HUGEINT)`` or ``n``), else None."""
    if isinstance(e, exp.Paren):
        e = e.this
    if isinstance(e, exp.Cast):
        e = e.this
    if isinstance(e, exp.Neg) and isinstance(e.this, exp.Literal):  # how sqlglot builds a negative number
        inner = _int_literal(e.this)
        return None if inner is None else -inner
    if isinstance(e, exp.Literal) and not e.is_string:
        try:
            return int(e.this)
        except ValueError:
            return None
    return None


def binary(kind: type[exp.Expression], a: exp.Expression, b: exp.Expression) -> exp.Expression:
    """``a kind b``; ``x * 1``, ``1 * x``, ``x + 0``, ``0 + x`` and ``x - 0`` are ``x`` (each
    keeps x's NULL: an undefined operand stays undefined). ``0 * x`` is not folded: it is NULL
    when x is. Every integer operand the compiler makes is already 128-bit, so dropping the
    factor 1 never narrows a type."""
    folded = _fold(kind, a, b)
    if folded is not None:
        return folded
    if kind is exp.Mul:
        if _int_literal(b) == 1:
            return a
        if _int_literal(a) == 1:
            return b
    elif kind is exp.Add or kind is exp.Sub:
        if _int_literal(b) == 0:
            return a
        if kind is exp.Add and _int_literal(a) == 0:
            return b
    return exp.Paren(this=kind(this=paren(a), expression=paren(b)))


def _fold(kind: type[exp.Expression], a: exp.Expression, b: exp.Expression) -> exp.Expression | None:
    """``a kind b`` computed at compile time when both are 128-bit integer literals (a
    denominator that is a product of constants stays one literal, so operations can see that
    it is constant). Not folded when the result leaves the 128-bit integers: the engine then
    raises its overflow error, as before."""
    if kind not in (exp.Mul, exp.Add, exp.Sub):
        return None
    typed = next((e for e in (a, b) if isinstance(e, exp.Cast) and isinstance(e.this, exp.Literal)), None)
    x, y = _int_literal(a), _int_literal(b)
    if typed is None or x is None or y is None:
        return None
    value = x * y if kind is exp.Mul else x + y if kind is exp.Add else x - y
    if abs(value) > MAX_INT:
        return None
    return _cast(exp.Literal.number(value), typed.to)


def case(*whens: tuple[exp.Expression, exp.Expression], default: exp.Expression | None = None) -> exp.Expression:
    """``CASE WHEN ... END``; a constant condition decides at compile time (a NULL condition
    is not taken, as in SQL), and ``CASE WHEN x IS NULL THEN NULL ELSE x END`` is ``x``."""
    kept = []
    for condition, value in whens:
        constant = _bool_value(condition)
        if constant is True:
            return value if not kept else _case(kept, value)
        if constant is False or _is_null_literal(condition):
            continue
        kept.append((condition, value))
    if len(kept) == 1 and default is not None and _is_null_literal(kept[0][1]) and _tests_null_of(kept[0][0], default):
        return default
    return _case(kept, default)


def _null_tested(condition: exp.Expression) -> exp.Expression | None:
    """What ``condition`` tests for NULL (``x`` of ``(x IS NULL)``, as built), else None."""
    while isinstance(condition, exp.Paren):
        condition = condition.this
    if isinstance(condition, exp.Is) and isinstance(condition.expression, exp.Null):
        return condition.this
    return None


def _tests_null_of(condition: exp.Expression, e: exp.Expression) -> bool:
    """Whether ``condition`` is ``e IS NULL`` (``e`` the same node: columns and constants are
    shared nodes while a query is built)."""
    tested = _null_tested(condition)
    while isinstance(tested, exp.Paren) and tested is not e:
        tested = tested.this
    return tested is e


def _case(whens: list[tuple[exp.Expression, exp.Expression]], default: exp.Expression | None) -> exp.Expression:
    if not whens:
        return default if default is not None else null()
    # Built whole: Case.when() re-parses and re-parents its arguments on every call.
    ifs = [exp.If(this=condition, true=value) for condition, value in whens]
    return exp.Paren(this=exp.Case(ifs=ifs, default=default))


def null_if_any_null(parts: list[exp.Expression], value: exp.Expression) -> exp.Expression:
    """``value``, or NULL when any of ``parts`` is NULL (strict, as every non-logical operator)."""
    parts = [p for p in parts if not isinstance(p, (exp.Literal, exp.Cast)) or not _is_literal(p)]
    if not parts:
        return value
    return case((b_or(*[is_null(p) for p in parts]), null()), default=value)


def _is_literal(e: exp.Expression) -> bool:
    return isinstance(e, exp.Literal) or (isinstance(e, exp.Cast) and isinstance(e.this, exp.Literal))


def floor_div(n: exp.Expression, d: exp.Expression) -> exp.Expression:
    """floor(n / d) for an integer n and positive integer d (SQL's integer division truncates)."""
    negative = binary(exp.LT, n, number(0))
    up = binary(exp.Sub, binary(exp.Add, exp.Neg(this=paren(n)), d), number(1))
    return case((negative, exp.Neg(this=binary(exp.IntDiv, up, d))), default=binary(exp.IntDiv, n, d))


def print_sql(tree: exp.Expression, dialect: str) -> str:
    """The SQL text of a tree built for this one call: not copied first (sqlglot's default
    deep copy took half the time of printing a large statute), printed by ``_printer``."""
    return _printer(dialect).generate(tree, copy=False)


_PRINTERS: dict[str, type] = {}


def _printer(dialect: str):
    """sqlglot's generator of ``dialect`` with two shortcuts for what a large statute's query
    is mostly made of (profiled: a third of the printing went to 330,000 column references,
    a sixth to the casts of the integer literals):

    * a column without a table, its name quoted (every column the compiler reads), is printed
      once per name and then looked up;
    * a cast of a literal (``CAST(12 AS HUGEINT)``, one node shared by every place the number
      appears) is printed once per node; the memo holds the node, so its identity cannot be
      reused by another node while the memo lives (one ``generate``).

    Both print exactly what the generator prints (the text depends on the name, or on the
    node, alone); the tests compare the SQL's results with the evaluator's."""
    cls = _PRINTERS.get(dialect)
    if cls is None:
        base = sqlglot.Dialect.get_or_raise(dialect).generator_class

        class ShortcutGenerator(base):  # type: ignore[misc, valid-type]
            def generate(self, expression: exp.Expression, copy: bool = True) -> str:
                self._columns: dict[str, str] = {}
                self._casts: dict[int, tuple[exp.Expression, str]] = {}
                try:
                    return super().generate(expression, copy=copy)
                finally:
                    self._casts = {}

            def column_sql(self, expression: exp.Column) -> str:
                args = expression.args
                name = args.get("this")
                if len(args) == 1 and isinstance(name, exp.Identifier) and name.quoted and isinstance(name.this, str):
                    text = self._columns.get(name.this)
                    if text is None:
                        text = self._columns[name.this] = super().column_sql(expression)
                    return text
                return super().column_sql(expression)

            def cast_sql(self, expression: exp.Cast, safe_prefix: str | None = None) -> str:
                if safe_prefix is not None or not isinstance(expression.this, exp.Literal):
                    return super().cast_sql(expression, safe_prefix)
                found = self._casts.get(id(expression))
                if found is None or found[0] is not expression:
                    found = self._casts[id(expression)] = (expression, super().cast_sql(expression))
                return found[1]

        cls = _PRINTERS[dialect] = ShortcutGenerator
    return cls(dialect=dialect, comments=False)


@contextlib.contextmanager
def _no_gc():
    """The cycle collector off while a query is built and printed: the tree is a million
    small objects (with parent links, so cycles), and Python's collector scanned them again
    and again while they were made, most of the build time of a large statute. They are
    collected once, after."""
    enabled = gc.isenabled()
    gc.disable()
    outer = getattr(_BUILDING, "columns", None), getattr(_BUILDING, "constants", None)
    _BUILDING.columns = {} if outer[0] is None else outer[0]
    _BUILDING.constants = {} if outer[1] is None else outer[1]
    try:
        yield
    finally:
        _BUILDING.columns, _BUILDING.constants = outer
        if enabled:
            gc.enable()


class SqlCompiler:
    """Compiles one consolidated version's decisions (and what they read) to a query."""

    def __init__(self, version: Version, dialect: str = "duckdb") -> None:
        self.version = version
        self.statute = version.statute
        self.dialect = dialect
        self.b = Builder(dialect)
        self.fact_scale: dict[str, int] = {}
        # Stored values (``v:RULE``, ``default:DECISION``) whose denominator is a constant.
        self.constant_dens: dict[str, int] = {}
        self._read_by: dict[str, list[str]] = {}  # decision -> the decisions it reads (_reads)
        # Stage columns that are a constant or another column, by name (``ref``).
        self._known: dict[str, exp.Expression] = {}
        self._local: set[str] = set()  # the stages' own columns, before the decide stage

    # --- the query ---
    def query(self, source: exp.Expression | str, decisions: list[str] | None = None,
              keep: list[str] | None = None, prefix: str = "") -> exp.Select:
        """The SELECT over ``source`` (a table name or a subquery) with, per decision, its value
        (DATE for dates, the numerator for fractions), ``:den``, ``:status`` and ``:reason``
        columns, plus the source columns named in ``keep``. ``prefix`` starts the names of the
        common table expressions (two queries in one statement need different ones: Spark
        hoists them into one WITH)."""
        wanted = decisions or [d for d in self.statute.decisions if self.version.has_decision(d)]
        self._known, self._local = {}, set()
        for name in wanted:
            if not self.version.has_decision(name):
                raise SqlCompileError(Diagnostic(None, f"decision {name} is not in {self.version.label}"))
        order = self._needed(wanted)
        levels = self._levels(order)
        source_expr = exp.to_table(source) if isinstance(source, str) else exp.Subquery(this=source, alias="src")
        ctes: list[tuple[str, exp.Select]] = []
        base = [alias for fact in self._facts_read(order) for alias in self._aliases(self._fact_columns(fact))]
        ctes.append((f"{prefix}l0", exp.Select(expressions=[exp.Star(), *base], from_=exp.From(this=source_expr))))
        for index, level in enumerate(levels):
            for stage, build in enumerate(self.stages()):
                columns = [exp.Star(), *self._aliases(build(level))]
                previous = exp.From(this=exp.to_table(ctes[-1][0]))
                ctes.append((f"{prefix}l{index + 1}_{stage}", exp.Select(expressions=columns, from_=previous)))
        outputs = [col(k) for k in (keep or [])] + [c for name in wanted for c in self._output_columns(name)]
        # Every list is built whole and handed over once: sqlglot's builder methods copy the
        # tree (copy=True) or re-parent the whole list on each call, quadratic for 10,000 rules.
        with_ = exp.With(expressions=[exp.CTE(this=select, alias=exp.TableAlias(this=exp.to_identifier(name)))
                                      for name, select in ctes])
        final = exp.Select(expressions=outputs, from_=exp.From(this=exp.to_table(ctes[-1][0])), with_=with_)
        return final

    def sql(self, source: exp.Expression | str, decisions: list[str] | None = None,
            keep: list[str] | None = None, prefix: str = "") -> str:
        with _no_gc():
            tree = self.query(source, decisions, keep, prefix)
            return self.print_narrowed(tree)

    def print_narrowed(self, tree: exp.Select) -> str:
        """The query's text, with 64-bit integers where every integer it computes provably
        fits in them (``verifier/sql_narrow.py``; DuckDB only), else as built."""
        from lexproof.verifier.sql_narrow import fact_bounds, in_bigint, narrowable

        bounds = narrowable(tree, self.b.int_type, fact_bounds(self.statute)) if self.dialect == "duckdb" else None
        if bounds is None:
            return print_sql(tree, self.dialect)
        with in_bigint(self.b.int_type):
            return print_sql(tree, self.dialect)

    @staticmethod
    def _aliases(columns: list[tuple[str, exp.Expression]]) -> list[exp.Expression]:
        return [exp.Alias(this=expression, alias=exp.to_identifier(name, quoted=True)) for name, expression in columns]

    def _needed(self, wanted: list[str]) -> list[str]:
        """The decisions ``wanted`` read, transitively, in dependency order."""
        order: list[str] = []
        seen: set[str] = set()

        def visit(name: str) -> None:
            if name in seen:
                return
            seen.add(name)
            for other in self._reads(name):
                visit(other)
            order.append(name)

        for name in wanted:
            visit(name)
        return order

    def _nodes_of(self, name: str) -> list[ir.Node]:
        nodes: list[ir.Node] = []
        for rule in self.version.rules_of(name):
            nodes.append(rule.value)
            if rule.condition is not None:
                nodes.append(rule.condition)
        default = self.statute.decision_info(name).default
        if default is not None:
            nodes.append(default)
        tables = {sub.name for node in nodes for sub in ir.walk(node) if isinstance(sub, ir.TableRef)}
        for table in sorted(tables):
            info = self.version.table(table)
            nodes += [*info.bounds, *info.values]
        return nodes

    def _reads(self, name: str) -> list[str]:
        """The decisions ``name``'s rules, default and tables read; walked once per decision
        (ordering and levelling both ask)."""
        known = self._read_by.get(name)
        if known is None:
            known = self._read_by[name] = self._walk_reads(name)
        return known

    def _walk_reads(self, name: str) -> list[str]:
        reads: dict[str, None] = {}
        for node in self._nodes_of(name):
            for sub in ir.walk(node):
                if isinstance(sub, ir.DecisionRef):
                    if sub.case is not None or sub.version is not None:
                        raise SqlCompileError(Diagnostic(sub.span, "a decision of another case or version cannot be compiled to SQL"))
                    reads[sub.name] = None
        return list(reads)

    def _levels(self, order: list[str]) -> list[list[str]]:
        level: dict[str, int] = {}
        for name in order:
            level[name] = 1 + max((level[other] for other in self._reads(name)), default=-1)
        return [[n for n in order if level[n] == i] for i in range(max(level.values(), default=-1) + 1)]

    def _facts_read(self, order: list[str]) -> list[str]:
        used = {sub.name for name in order for node in self._nodes_of(name) for sub in ir.walk(node)
                if isinstance(sub, ir.FactRef)}
        return [name for name in self.statute.facts if name in used]

    def _fact_columns(self, name: str, source: exp.Expression | None = None) -> list[tuple[str, exp.Expression]]:
        """The fact's internal column(s): integers widened, money in cents over 100, a rate or
        number over 10^scale, a date as its day number. ``source``: where the value is read
        (default: the population's column named after the fact; an item's record field)."""
        kind = self.statute.fact_info(name).type.kind
        source = col(name) if source is None else source
        if kind in ("int",):
            return [(fact_column(name), self.b.as_int(source))]
        if kind in ("money", "rate", "number"):
            scale = self._fact_scale(name)
            factor = 10**scale
            numerator = self.b.as_int(binary(exp.Mul, source, self.b.integer(factor)))
            if (bounded := self._small_decimal(name, scale)) is not None:
                numerator = self.b.as_int(binary(exp.Mul, _cast(source, bounded), exp.Literal.number(factor)))
            return [(fact_column(name), numerator), (fact_column(name) + ":den", self.b.integer(factor))]
        if kind == "date":
            return [(fact_column(name), self.day_number(source))]
        return [(fact_column(name), source)]

    def _fact_scale(self, name: str) -> int:
        """The fact's denominator is 10^scale: cents for money, 10^12 for a rate or number."""
        return self.fact_scale.get(name, 2 if self.statute.fact_info(name).type.kind == "money" else 12)

    def _small_decimal(self, name: str, scale: int) -> exp.DataType | None:
        """``DECIMAL(18, scale)`` when the fact's declared range keeps the product with 10^scale
        within it (the population loader drops rows outside the range), else None. DuckDB
        multiplies a DECIMAL(18, s), held in 64 bits, an order of magnitude faster than the
        population's DECIMAL(38, s) (128 bits). The product keeps the scale, so its 64-bit
        integer is the scaled value times 10^scale: it must stay under 10^18 (the bound was
        the scaled value under 10^17 before, and amounts from €10^14 overflowed: an error in
        the engine, never a different number)."""
        if self.dialect != "duckdb":
            return None
        info = self.statute.fact_info(name)
        if info.low is None or info.high is None:
            return None
        largest = max(abs(Fraction(info.low)), abs(Fraction(info.high))) * 10**scale  # type: ignore[arg-type]
        if largest * 10**scale >= 10**18:
            return None
        return exp.DataType.build(f"DECIMAL(18, {scale})", dialect="duckdb")

    # --- dates ---
    def epoch(self) -> exp.Expression:
        return _cast(exp.Literal.string(EPOCH), _TYPES["DATE"])

    def day_number(self, date: exp.Expression) -> exp.Expression:
        diff = exp.DateDiff(this=paren(date), expression=self.epoch(), unit=exp.var("DAY"))
        return self.b.as_int(binary(exp.Add, diff, number(1)))

    def to_date(self, day: exp.Expression) -> exp.Expression:
        """The DATE of a (representable) day number."""
        offset = _cast(binary(exp.Sub, day, number(1)), _TYPES["INT"])
        if self.dialect == "spark":
            return exp.DateAdd(this=self.epoch(), expression=offset, unit=exp.var("DAY"))
        return _cast(binary(exp.Add, self.epoch(), offset), _TYPES["DATE"])

    # --- stages of one level of decisions ---
    def _stage_raw(self, level: list[str]) -> list[tuple[str, exp.Expression]]:
        """Each rule's condition and value, and each decision's default, as compiled."""
        out: list[tuple[str, exp.Expression]] = []
        for name in level:
            info = self.statute.decision_info(name)
            for rule in self.version.rules_of(name):
                condition = true() if rule.condition is None else self.expr(rule.condition).num
                out.append((f"c:{rule.name}", condition))
                out += self._store(f"v:{rule.name}", self.coerce(self.expr(rule.value), info.type))
            if info.default is not None:
                out += self._store(f"default:{name}", self.coerce(self.expr(info.default), info.type))
        return out

    def _store(self, name: str, value: Val) -> list[tuple[str, exp.Expression]]:
        if value.den is None:
            return [(name, value.num)]
        if (den := _int_literal(value.den)) is not None:
            self.constant_dens[name] = den
        return [(name + ":rawnum", value.num), (name + ":rawden", value.den)]

    def _stage_reduce(self, level: list[str]) -> list[tuple[str, exp.Expression]]:
        """Fractions reduced by their gcd, so equal values have equal numerators and
        denominators and the next operations start from small numbers."""
        out: list[tuple[str, exp.Expression]] = []
        for name in level:
            if not self.statute.decision_info(name).type.is_rational:
                continue
            stored = [f"v:{rule.name}" for rule in self.version.rules_of(name)]
            if self.statute.decision_info(name).default is not None:
                stored.append(f"default:{name}")
            for column in stored:
                n, d = self.ref(column + ":rawnum"), self.ref(column + ":rawden")
                if 0 < self.constant_dens.get(column, 0) <= UNREDUCED_DEN:
                    out += [(column, n), (column + ":den", self.b.integer(self.constant_dens[column]))]
                    continue
                if self.dialect == "spark":  # Spark SQL has no gcd: fractions stay unreduced there
                    out += [(column, n), (column + ":den", d)]
                    continue
                g = exp.Anonymous(this="gcd", expressions=[n, d])
                out.append((column, binary(exp.IntDiv, n, g)))
                out.append((column + ":den", binary(exp.IntDiv, d, g)))
        return out

    def _rule_value(self, rule_name: str, rational: bool) -> Val:
        column = f"v:{rule_name}"
        return Val(self.ref(column), self.ref(column + ":den") if rational else None)

    def _stage_fire(self, level: list[str]) -> list[tuple[str, exp.Expression]]:
        """Whether each rule fires: its condition holds and no rule that overrides it fires."""
        out: list[tuple[str, exp.Expression]] = []
        for name in level:
            overriders = self.version.overriders(name)
            memo: dict[str, exp.Expression] = {}

            def fire(rule: str, overriders=overriders, memo=memo) -> exp.Expression:
                if rule not in memo:
                    holds = or_false(self.ref(f"c:{rule}"))
                    others = [fire(o) for o in overriders[rule]]
                    memo[rule] = b_and(holds, b_not(b_or(*others))) if others else paren(holds)
                return memo[rule]

            for rule in self.version.rules_of(name):
                out.append((f"fire:{rule.name}", fire(rule.name)))
        return out

    def _stage_choose(self, level: list[str]) -> list[tuple[str, exp.Expression]]:
        """The value of the first firing rule, and whether some condition is undefined."""
        out: list[tuple[str, exp.Expression]] = []
        for name in level:
            rational = self.statute.decision_info(name).type.is_rational
            rules = self.version.rules_of(name)
            whens = [(self.ref(f"fire:{r.name}"), self._rule_value(r.name, rational)) for r in rules]
            out.append((f"chosen:{name}", case(*[(c, v.num) for c, v in whens], default=null())))
            if rational:
                out.append((f"chosen:{name}:den", case(*[(c, v.den) for c, v in whens], default=null())))
            out.append((f"condundef:{name}", b_or(*[is_null(self.ref(f"c:{r.name}")) for r in rules])))
            out.append((f"anyfire:{name}", b_or(*[self.ref(f"fire:{r.name}") for r in rules])))
        return out

    def stages(self) -> tuple:
        """The stages of one level of decisions, each a common table expression."""
        return tuple(self._remembering(build) for build in (
            self._stage_raw, self._stage_reduce, self._stage_fire, self._stage_choose, self._stage_judge,
            self._stage_decide))

    def _remembering(self, build):
        """``build``, noting the columns it makes that are a constant, a copy of another column
        of the stages or whether one is NULL, so that the later stages read the constant or
        the other column (``ref``). Only columns of the stages before the decide stage are
        read through: they live in the decision's own chain of tables, where a decision's
        outputs and facts may come from an enclosing kind's table (``ItemSqlCompiler``)."""
        local = build != self._stage_decide

        def run(level: list[str]) -> list[tuple[str, exp.Expression]]:
            columns = build(level)
            for name, expression in columns:
                if _bool_value(expression) is not None or _is_null_literal(expression) or _is_literal(expression):
                    self._known[name] = expression
                elif (isinstance(expression, exp.Column) and expression.name in self._local) or (
                        isinstance(tested := _null_tested(expression), exp.Column) and tested.name in self._local):
                    # a copy, or whether a column is NULL: as cheap to read again as to store
                    self._known[name] = expression
                if local:
                    self._local.add(name)
            return columns
        return run

    def ref(self, name: str) -> exp.Expression:
        """A stage column as the later stages read it: its constant where it is one (a rule
        without a condition holds: ``TRUE``), the column it copies, else the column itself.
        The stages fold constants (``b_and``, ``is_null``, ``case``...), so a decision of
        one rule that always applies computes its status from its value alone. The column
        is still made (the outputs read the decide stage's columns by name)."""
        return self._known.get(name) or col(name)

    def _stage_judge(self, level: list[str]) -> list[tuple[str, exp.Expression]]:
        """Per decision, the first firing rule, the first firing rule whose value is undefined
        and the first that disagrees with the chosen value (NULL: none), computed once: the
        status, the value, the reason and the deciding rule all read them."""
        out: list[tuple[str, exp.Expression]] = []
        for name in level:
            rational = self.statute.decision_info(name).type.is_rational
            rules = self.version.rules_of(name)
            chosen = Val(self.ref(f"chosen:{name}"), self.ref(f"chosen:{name}:den") if rational else None)
            undefined = [(b_and(self.ref(f"fire:{r.name}"), is_null(self.ref(f"v:{r.name}"))), exp.Literal.string(r.name))
                         for r in rules]
            # The first rule never disagrees with the chosen value: when it fires, it is chosen.
            disagree = [(b_and(self.ref(f"fire:{r.name}"),
                               b_not(self._same(self._rule_value(r.name, rational), chosen))),
                         exp.Literal.string(r.name)) for r in rules[1:]]
            firing = [(self.ref(f"fire:{r.name}"), exp.Literal.string(r.name)) for r in rules]
            out.append((f"first:{name}", case(*firing, default=null())))
            # Whether some firing rule's value is undefined, as a boolean: the status and the
            # value test it, the reason names the rule.
            out.append((f"valundef:{name}", b_or(*[condition for condition, _ in undefined])))
            out.append((f"undefrule:{name}", case(*undefined, default=null())))
            out.append((f"disagree:{name}", case(*disagree, default=null())))
        return out

    def _stage_decide(self, level: list[str]) -> list[tuple[str, exp.Expression]]:
        out: list[tuple[str, exp.Expression]] = []
        for name in level:
            out += self._decide(name)
        return out

    def _decide(self, name: str) -> list[tuple[str, exp.Expression]]:
        """Status, value and reason, in the evaluator's order: an undefined condition, then the
        first firing rule with an undefined value, then a disagreement, then the firing rules'
        value, then the default, else undecided."""
        info = self.statute.decision_info(name)
        rational = info.type.is_rational
        chosen = Val(self.ref(f"chosen:{name}"), self.ref(f"chosen:{name}:den") if rational else None)
        undefined_rule, disagreeing = self.ref(f"undefrule:{name}"), self.ref(f"disagree:{name}")
        value_undefined = self.ref(f"valundef:{name}")
        disagree = b_not(is_null(disagreeing))
        first_firing = self.ref(f"first:{name}")
        cond_undef = self.ref(f"condundef:{name}")
        any_fire = self.ref(f"anyfire:{name}")
        has_default = info.default is not None
        default = Val(self.ref(f"default:{name}"), self.ref(f"default:{name}:den") if rational else None)
        whens = [
            (cond_undef, "undefined"),
            (value_undefined, "undefined"),
            (disagree, "conflict"),
            (any_fire, "decided"),
        ]
        if has_default:
            whens += [(is_null(default.num), "undefined"), (true(), "default")]
        status = case(*[(c, self.b.status(s)) for c, s in whens], default=self.b.status("undecided"))
        bad = b_or(cond_undef, value_undefined, disagree)

        def pick(part_chosen: exp.Expression, part_default: exp.Expression | None) -> exp.Expression:
            return case((bad, null()), (any_fire, part_chosen),
                        default=part_default if part_default is not None else null())

        value = pick(chosen.num, default.num if has_default else None)
        if info.type.kind == "date":
            value = case((is_null(value), null()), default=self.to_date(value))
        columns = [(value_column(name), value)]
        if rational:
            columns.append((den_column(name), pick(chosen.den, default.den if has_default else None)))
        reason = case(
            (cond_undef, exp.Literal.string(f"a condition of {name} is undefined")),
            (value_undefined,
             exp.Concat(expressions=[exp.Literal.string("the value of rule "), undefined_rule,
                                    exp.Literal.string(" is undefined")])),
            (disagree,
             exp.Concat(expressions=[exp.Literal.string("rules "), first_firing, exp.Literal.string(" and "),
                                    disagreeing, exp.Literal.string(" both apply and disagree")])),
            (any_fire, null()),
            *([(is_null(default.num), exp.Literal.string(f"the default of {name} is undefined"))] if has_default else []),
            default=null() if has_default else exp.Literal.string(f"no rule decides {name} and it has no default"),
        )
        deciding = case((bad, null()), (any_fire, first_firing),
                        default=(case((is_null(default.num), null()), default=exp.Literal.string("otherwise"))
                                 if has_default else null()))
        columns += [(status_column(name), status), (reason_column(name), reason), (rule_column(name), deciding)]
        return columns

    def _output_columns(self, name: str) -> list[exp.Expression]:
        columns = [value_column(name)]
        if self.statute.decision_info(name).type.is_rational:
            columns.append(den_column(name))
        columns += [status_column(name), reason_column(name), rule_column(name)]
        return [col(c) for c in columns]

    # --- expressions ---
    def coerce(self, value: Val, type_: ir.Type) -> Val:
        """A value as the representation of ``type_`` (an int where a rate is expected)."""
        if type_.is_rational and not value.is_fraction:
            return self.fraction(value)
        return value

    def fraction(self, value: Val) -> Val:
        if value.is_fraction:
            return value
        # The denominator of an undefined value is never read: undefined is a NULL numerator.
        return Val(value.num, self.b.integer(1))

    def const(self, node: ir.Const) -> Val:
        value = node.value
        kind = node.type.kind
        if kind == "bool":
            return Val(true() if value else false())
        if kind == "enum":
            return Val(exp.Literal.string(str(value)))
        if node.type.is_rational:
            fraction = Fraction(value)  # type: ignore[arg-type]
            return Val(self.b.integer(fraction.numerator, node.span), self.b.integer(fraction.denominator, node.span))
        return Val(self.b.integer(int(value), node.span))  # type: ignore[call-overload]

    def expr(self, node: ir.Node) -> Val:
        if isinstance(node, ir.Const):
            return self.const(node)
        if isinstance(node, ir.FactRef):
            if node.case is not None:
                raise SqlCompileError(Diagnostic(node.span, "a fact of another case cannot be compiled to SQL"))
            if node.type.is_rational:  # its denominator is a constant (_fact_columns): as a literal
                return Val(col(fact_column(node.name)), self.b.integer(10**self._fact_scale(node.name)))
            return Val(col(fact_column(node.name)))
        if isinstance(node, ir.DecisionRef):
            if node.case is not None or node.version is not None:
                raise SqlCompileError(Diagnostic(node.span, "a decision of another case or version cannot be compiled to SQL"))
            rational = node.type.is_rational
            if node.type.kind == "date":  # the output column is a DATE; its day number:
                return Val(case((is_null(col(node.name)), null()), default=self.day_number(col(node.name))))
            return Val(col(value_column(node.name)), col(den_column(node.name)) if rational else None)
        if isinstance(node, ir.ParamRef):
            if node.version is not None:
                raise SqlCompileError(Diagnostic(node.span, "a parameter of another version cannot be compiled to SQL"))
            if node.name not in self.version.parameters:
                raise SqlCompileError(Diagnostic(node.span, f"parameter {node.name} has no value in {self.version.label}"))
            return self.const(ir.Const(node.type, self.version.parameters[node.name], node.span))
        if isinstance(node, ir.Peildatum):
            if node.version is not None:
                raise SqlCompileError(Diagnostic(node.span, "the peildatum of another version cannot be compiled to SQL"))
            return Val(self.b.integer(self.version.date.toordinal()))
        if isinstance(node, ir.TableRef):
            return self.table(node)
        if isinstance(node, ir.Op):
            return self.op(node)
        raise SqlCompileError(Diagnostic(getattr(node, "span", None), f"cannot compile {type(node).__name__} to SQL"))

    # arithmetic on Vals
    def _pair(self, a: Val, b: Val) -> tuple[Val, Val]:
        if a.is_fraction or b.is_fraction:
            return self.fraction(a), self.fraction(b)
        return a, b

    def _over_common(self, values: list[Val]) -> list[Val] | None:
        """Fractions whose denominators are all literals, rewritten over their least common
        multiple (one literal), or None. ``a/6 + b/4`` is then ``(2a + 3b) / 12``, not
        ``(4a + 6b) / 24``, and a choice between them keeps a constant denominator, which the
        gcd reduction of a stored value can then skip (``_stage_reduce``)."""
        dens = [_int_literal(v.den) if v.den is not None else None for v in values]
        if any(d is None or d <= 0 for d in dens):
            return None
        common = math.lcm(*dens)  # type: ignore[arg-type]
        if common > MAX_INT:
            return None
        den = self.b.integer(common)
        return [Val(binary(exp.Mul, v.num, self.b.integer(common // d)), den) for v, d in zip(values, dens)]  # type: ignore[operator]

    def add(self, a: Val, b: Val, subtract: bool = False) -> Val:
        a, b = self._pair(a, b)
        kind = exp.Sub if subtract else exp.Add
        if not a.is_fraction:
            return Val(binary(kind, a.num, b.num))
        if (common := self._over_common([a, b])) is not None:
            return Val(binary(kind, common[0].num, common[1].num), common[0].den)
        num = binary(kind, binary(exp.Mul, a.num, b.den), binary(exp.Mul, b.num, a.den))
        return Val(num, binary(exp.Mul, a.den, b.den))

    def mul(self, a: Val, b: Val) -> Val:
        a, b = self._pair(a, b)
        if not a.is_fraction:
            return Val(binary(exp.Mul, a.num, b.num))
        return Val(binary(exp.Mul, a.num, b.num), binary(exp.Mul, a.den, b.den))

    def div(self, a: Val, b: Val) -> Val:
        a, b = self.fraction(a), self.fraction(b)
        zero = binary(exp.EQ, b.num, number(0))
        sign = case((binary(exp.LT, b.num, number(0)), self.b.integer(-1)), default=self.b.integer(1))
        num = binary(exp.Mul, binary(exp.Mul, a.num, b.den), sign)
        den = binary(exp.Mul, a.den, exp.Abs(this=paren(b.num)))
        return Val(case((zero, null()), default=num), case((zero, null()), default=den))

    def compare(self, kind: type[exp.Expression], a: Val, b: Val) -> exp.Expression:
        a, b = self._pair(a, b)
        if not a.is_fraction:
            return binary(kind, a.num, b.num)
        if (common := self._over_common([a, b])) is not None:
            return binary(kind, common[0].num, common[1].num)
        return binary(kind, binary(exp.Mul, a.num, b.den), binary(exp.Mul, b.num, a.den))

    def _same(self, a: Val, b: Val) -> exp.Expression:
        return self.compare(exp.EQ, a, b)

    def choose(self, condition: exp.Expression, a: Val, b: Val) -> Val:
        """``if condition then a else b`` (the condition defined)."""
        a, b = self._pair(a, b)
        if a.is_fraction and (common := self._over_common([a, b])) is not None:
            a, b = common
            return Val(case((condition, a.num), default=b.num), a.den)
        num = case((condition, a.num), default=b.num)
        if not a.is_fraction:
            return Val(num)
        return Val(num, case((condition, a.den), default=b.den))

    def undefined_unless(self, defined: exp.Expression, value: Val) -> Val:
        num = case((defined, value.num), default=null())
        if _int_literal(value.den) is not None:  # undefined is the NULL numerator alone
            return Val(num, value.den)
        return Val(num, None if value.den is None else case((defined, value.den), default=null()))

    def minmax(self, values: list[Val], smallest: bool) -> Val:
        if any(v.is_fraction for v in values):
            values = [self.fraction(v) for v in values]
        result = values[0]
        for value in values[1:]:
            better = self.compare(exp.LT if smallest else exp.GT, value, result)
            result = self.choose(better, value, result)
        return result

    def strict(self, args: list[Val], result: Val) -> Val:
        parts = [a.num for a in args]
        num = null_if_any_null(parts, result.num)
        if result.den is None:
            return Val(num)
        if _int_literal(result.den) is not None:  # undefined is the NULL numerator alone
            return Val(num, result.den)
        return Val(num, null_if_any_null(parts, result.den))

    def within_dates(self, day: exp.Expression) -> exp.Expression:
        inside = b_and(binary(exp.GTE, day, self.b.integer(FIRST_DAY)), binary(exp.LTE, day, self.b.integer(LAST_DAY)))
        return case((inside, day), default=null())

    def op(self, node: ir.Op) -> Val:
        op = node.op
        if op in ("and", "or", "implies", "ite"):
            return self._logical(node)
        args = [self.expr(a) for a in node.args]
        result = self._strict_op(node, args)
        if node.op in _NOT_NULL_STRICT_IN_SQL:
            return self.strict(args, result)
        # Arithmetic, comparisons, NOT and casts are NULL when an operand is: no guard, whose
        # copies of the operands made nested expressions grow exponentially.
        return result

    def _logical(self, node: ir.Op) -> Val:
        """Left to right, stopping early, undefined when what is read is undefined."""
        a = self.expr(node.args[0])
        if node.op == "ite":
            then, other = self.expr(node.args[1]), self.expr(node.args[2])
            if node.type.is_rational:
                then, other = self.fraction(then), self.fraction(other)
            chosen = self.choose(a.num, then, other)
            return Val(case((is_null(a.num), null()), default=chosen.num),
                       None if chosen.den is None else case((is_null(a.num), null()), default=chosen.den))
        b = self.expr(node.args[1])
        if node.op == "and":
            return Val(case((is_null(a.num), null()), (b_not(a.num), false()), default=b.num))
        if node.op == "or":
            return Val(case((is_null(a.num), null()), (a.num, true()), default=b.num))
        return Val(case((is_null(a.num), null()), (b_not(a.num), true()), default=b.num))

    _COMPARE = {"=": exp.EQ, "!=": exp.NEQ, "<": exp.LT, "<=": exp.LTE, ">": exp.GT, ">=": exp.GTE}

    def _strict_op(self, node: ir.Op, args: list[Val]) -> Val:
        """An operator that needs all its operands (the caller makes it NULL when one is)."""
        op = node.op
        if op == "not":
            return Val(b_not(args[0].num))
        if op in self._COMPARE:
            return Val(self.compare(self._COMPARE[op], args[0], args[1]))
        if op == "in":
            return Val(b_or(*[self._same(args[0], item) for item in args[1:]]))
        if op in ("+", "-"):
            result = self.add(args[0], args[1], subtract=op == "-")
            if node.type.kind == "date":
                return Val(self.within_dates(result.num))
            return self.coerce(result, node.type)
        if op == "*":
            return self.coerce(self.mul(args[0], args[1]), node.type)
        if op == "/":
            return self.div(args[0], args[1])
        if op == "neg":
            value = args[0]
            return Val(exp.Neg(this=paren(value.num)), value.den)
        if op in ("round_down", "round_up", "round_half"):
            return self.rounded(op, args[0], node)
        if op in ("min", "max"):
            return self.coerce(self.minmax(args, smallest=op == "min"), node.type)
        if op in _DATE_OPS:
            return Val(getattr(self, "_date_" + op)(*[a.num for a in args]))
        raise SqlCompileError(Diagnostic(node.span, f"the operator '{op}' cannot be compiled to SQL"))

    def rounded(self, op: str, value: Val, node: ir.Op) -> Val:
        """``value`` rounded to a multiple of the unit (a positive numeral ``p/q``), exactly as
        ``lexproof.dsl.evaluator.round_to``: with ``value = a/b``, the steps are ``(a q) / (b p)``; down is
        their floor, up minus the floor of minus, a half away from zero the floor of ``|steps| +
        1/2`` with the sign put back; the result is ``steps * p / q``."""
        unit = node.args[1]
        assert isinstance(unit, ir.Const)
        step = Fraction(unit.value)  # type: ignore[arg-type]
        value = self.fraction(value)
        b = self.b
        top = binary(exp.Mul, value.num, b.integer(step.denominator))
        bottom = binary(exp.Mul, value.den, b.integer(step.numerator))
        if op == "round_down":
            whole = floor_div(top, bottom)
        elif op == "round_up":
            whole = exp.Neg(this=paren(floor_div(exp.Neg(this=paren(top)), bottom)))
        else:
            negative = binary(exp.LT, top, number(0))
            size = case((negative, exp.Neg(this=paren(top))), default=top)
            twice = binary(exp.Mul, bottom, b.integer(2))
            nearest = floor_div(binary(exp.Add, binary(exp.Mul, size, b.integer(2)), bottom), twice)
            whole = case((negative, exp.Neg(this=paren(nearest))), default=nearest)
        result = binary(exp.Mul, whole, b.integer(step.numerator))
        if node.type.is_rational:
            return Val(result, b.integer(step.denominator))
        return Val(result)  # an int unit: a whole number

    def table(self, node: ir.TableRef) -> Val:
        if node.version is not None:
            raise SqlCompileError(Diagnostic(node.span, "a table of another version cannot be compiled to SQL"))
        table = self.version.table(node.name)
        x = self.expr(node.arg)
        bounds = [self.expr(b) for b in table.bounds]
        values = [self.expr(v) for v in table.values]
        if table.output.is_rational:
            values = [self.fraction(v) for v in values]
        last = len(bounds) - 1
        inside = [self._in_row(x, bound, table.is_exclusive(row)) for row, bound in enumerate(bounds)]
        defined = true() if table.has_above else inside[last]
        if not table.marginal:
            result = values[-1] if table.has_above else values[last]
            for row in reversed(range(len(bounds))):
                result = self.choose(inside[row], values[row], result)
        elif (piecewise := self._marginal_pieces(table)) is not None:
            result = self.coerce(self._piecewise(self.fraction(x), *piecewise), table.output)
        else:
            zero = Val(self.b.integer(0))
            total: Val = zero
            lower: Val = zero
            for bound, rate in zip(bounds, values):
                portion = self.add(self.minmax([x, bound], smallest=True), lower, subtract=True)
                total = self.add(total, self.mul(rate, self.minmax([zero, portion], smallest=False)))
                lower = bound
            if table.has_above:
                portion = self.add(x, lower, subtract=True)
                total = self.add(total, self.mul(values[-1], self.minmax([zero, portion], smallest=False)))
            result = self.coerce(total, table.output)
        result = self.undefined_unless(defined, result)
        return self.strict([x, *bounds, *values], result)

    def _marginal_pieces(self, table) -> tuple[list[Fraction], list[tuple[Fraction, Fraction]]] | None:
        """A marginal table with constant, increasing, positive bounds and constant rates as
        the linear pieces of its sum: on (b[k-1], b[k]] the sum of ``rate * max(0, min(x,
        bound) - previous bound)`` is ``a[k] + r[k] * x`` for constants a and r (0 for x <= 0;
        after the last bound the ``above`` rate, or, without one, the full brackets, which
        ``defined`` makes undefined anyway). The same value as the bracket-by-bracket sum, in
        a fraction of its SQL: each bracket's ``min`` repeated x's columns. None when a bound
        or rate is not a constant (then the sum is compiled as written)."""
        def constant(node: ir.Node) -> Fraction | None:
            if isinstance(node, ir.Const) and node.type.kind != "date":
                return Fraction(node.value)  # type: ignore[arg-type]
            if isinstance(node, ir.ParamRef) and node.version is None and node.name in self.version.parameters:
                value = self.version.parameters[node.name]
                return Fraction(value) if isinstance(value, (int, Fraction)) and not isinstance(value, bool) else None
            return None

        bounds = [constant(b) for b in table.bounds]
        rates = [constant(v) for v in table.values]
        if any(v is None for v in [*bounds, *rates]):
            return None
        if bounds[0] <= 0 or any(b <= a for a, b in zip(bounds, bounds[1:])):  # type: ignore[operator]
            return None
        pieces: list[tuple[Fraction, Fraction]] = []
        lower, full = Fraction(0), Fraction(0)
        for bound, rate in zip(bounds, rates):
            pieces.append((full - rate * lower, rate))  # type: ignore[operator]
            full += rate * (bound - lower)  # type: ignore[operator]
            lower = bound  # type: ignore[assignment]
        above = rates[-1] if table.has_above else Fraction(0)
        pieces.append((full - above * lower, above))  # type: ignore[operator]
        return bounds, pieces  # type: ignore[return-value]

    def _piecewise(self, x: Val, bounds: list[Fraction], pieces: list[tuple[Fraction, Fraction]]) -> Val:
        """``0`` for x <= 0, ``a + r * x`` on each piece: (p t d + q s n) / (q t d) for a = p/q,
        r = s/t, x = n/d."""
        def linear(a: Fraction, r: Fraction) -> Val:
            if r == 0:
                return Val(self.b.integer(a.numerator), self.b.integer(a.denominator))
            num = binary(exp.Add, binary(exp.Mul, self.b.integer(a.numerator * r.denominator), x.den),
                         binary(exp.Mul, self.b.integer(a.denominator * r.numerator), x.num))
            return Val(num, binary(exp.Mul, self.b.integer(a.denominator * r.denominator), x.den))

        def at_most(bound: Fraction) -> exp.Expression:
            return self.compare(exp.LTE, x, Val(self.b.integer(bound.numerator), self.b.integer(bound.denominator)))

        zero = Val(self.b.integer(0), self.b.integer(1))
        whens = [(at_most(Fraction(0)), zero)] + [(at_most(b), linear(*piece)) for b, piece in zip(bounds, pieces)]
        result = linear(*pieces[-1])
        if (common := self._over_common([v for _, v in whens] + [result])) is not None:
            return Val(case(*[(c, v.num) for (c, _), v in zip(whens, common)], default=common[-1].num), common[-1].den)
        return Val(case(*[(c, v.num) for c, v in whens], default=result.num),
                   case(*[(c, v.den) for c, v in whens], default=result.den))

    def _in_row(self, x: Val, bound: Val, exclusive: bool) -> exp.Expression:
        return self.compare(exp.LT if exclusive else exp.LTE, x, bound)

    # --- calendar functions (dsl/datecalc.py), on day numbers ---
    def _ymd(self, day: exp.Expression) -> tuple[exp.Expression, exp.Expression, exp.Expression]:
        date = self.to_date(day)
        return (self.b.as_int(exp.Year(this=date)), self.b.as_int(exp.Month(this=date)),
                self.b.as_int(exp.Day(this=date)))

    def _leap(self, year: exp.Expression) -> exp.Expression:
        def divisible(n: int) -> exp.Expression:
            return binary(exp.EQ, binary(exp.Mod, year, number(n)), number(0))
        return b_and(divisible(4), b_or(b_not(divisible(100)), divisible(400)))

    def _days_in_month(self, year: exp.Expression, month: exp.Expression) -> exp.Expression:
        february = case((self._leap(year), self.b.integer(29)), default=self.b.integer(28))
        thirty = exp.In(this=paren(month), expressions=[number(m) for m in (4, 6, 9, 11)])
        return case((binary(exp.EQ, month, number(2)), february),
                    (thirty, self.b.integer(30)), default=self.b.integer(31))

    def _day_of(self, year: exp.Expression, month: exp.Expression, day: exp.Expression) -> exp.Expression:
        """The day number of a date whose year may lie outside 1..9999 (then NULL); month and
        day are valid. The year is clamped before MAKE_DATE so that the engine never errors."""
        inside = b_and(binary(exp.GTE, year, number(1)), binary(exp.LTE, year, number(9999)))
        clamped = _cast(case((inside, year), default=number(1)), _TYPES["BIGINT"])
        made = exp.DateFromParts(year=clamped, month=_cast(month, _TYPES["BIGINT"]),
                                  day=_cast(day, _TYPES["BIGINT"]))
        return case((inside, self.day_number(made)), default=null())

    def _date_year(self, day: exp.Expression) -> exp.Expression:
        return self._ymd(day)[0]

    def _date_month(self, day: exp.Expression) -> exp.Expression:
        return self._ymd(day)[1]

    def _date_day(self, day: exp.Expression) -> exp.Expression:
        return self._ymd(day)[2]

    def _date_add_months(self, day: exp.Expression, months: exp.Expression) -> exp.Expression:
        year, month, dom = self._ymd(day)
        total = binary(exp.Add, binary(exp.Add, binary(exp.Mul, year, number(12)),
                                       binary(exp.Sub, month, number(1))), months)
        new_year = floor_div(total, self.b.integer(12))
        new_month = binary(exp.Add, binary(exp.Sub, total, binary(exp.Mul, new_year, number(12))),
                           number(1))
        last = self._days_in_month(new_year, new_month)
        new_day = case((binary(exp.LT, dom, last), dom), default=last)
        return self._day_of(new_year, new_month, new_day)

    def _anniversary_key(self, month: exp.Expression, dom: exp.Expression, year: exp.Expression) -> exp.Expression:
        """month * 100 + day of the anniversary in ``year`` (29 February: 1 March in other years)."""
        leap_day = b_and(binary(exp.EQ, month, number(2)), binary(exp.EQ, dom, number(29)),
                         b_not(self._leap(year)))
        key = binary(exp.Add, binary(exp.Mul, month, number(100)), dom)
        return case((leap_day, self.b.integer(301)), default=key)

    def _years_forward(self, first: exp.Expression, second: exp.Expression) -> exp.Expression:
        y1, m1, d1 = self._ymd(first)
        y2, m2, d2 = self._ymd(second)
        years = binary(exp.Sub, y2, y1)
        late = b_and(binary(exp.GT, years, number(0)),
                     binary(exp.GT, self._anniversary_key(m1, d1, y2),
                            binary(exp.Add, binary(exp.Mul, m2, number(100)), d2)))
        return binary(exp.Sub, years, case((late, self.b.integer(1)), default=self.b.integer(0)))

    def _months_forward(self, first: exp.Expression, second: exp.Expression) -> exp.Expression:
        y1, m1, d1 = self._ymd(first)
        y2, m2, d2 = self._ymd(second)
        months = binary(exp.Add, binary(exp.Mul, binary(exp.Sub, y2, y1), number(12)), binary(exp.Sub, m2, m1))
        late = b_and(binary(exp.GT, months, number(0)), binary(exp.GT, d1, d2))
        return binary(exp.Sub, months, case((late, self.b.integer(1)), default=self.b.integer(0)))

    def _between(self, forward, first: exp.Expression, second: exp.Expression) -> exp.Expression:
        return case((binary(exp.GTE, second, first), forward(first, second)),
                    default=exp.Neg(this=paren(forward(second, first))))

    def _date_years_between(self, first: exp.Expression, second: exp.Expression) -> exp.Expression:
        return self._between(self._years_forward, first, second)

    def _date_months_between(self, first: exp.Expression, second: exp.Expression) -> exp.Expression:
        return self._between(self._months_forward, first, second)

    def _date_first_day_of_month(self, day: exp.Expression) -> exp.Expression:
        return binary(exp.Add, binary(exp.Sub, day, self._ymd(day)[2]), number(1))

    def _date_first_day_of_next_month(self, day: exp.Expression) -> exp.Expression:
        year, month, dom = self._ymd(day)
        first = binary(exp.Add, binary(exp.Sub, day, dom), number(1))
        return self.within_dates(binary(exp.Add, first, self._days_in_month(year, month)))

    def _date_year_start(self, day: exp.Expression, month: exp.Expression, first: exp.Expression) -> exp.Expression:
        start_month, start_day = int(month.this.this), int(first.this.this)  # Consts (checked by the checker)
        year, m, d = self._ymd(day)
        on_or_after = binary(exp.GTE, binary(exp.Add, binary(exp.Mul, m, number(100)), d),
                             number(start_month * 100 + start_day))
        start_year = case((on_or_after, year), default=binary(exp.Sub, year, number(1)))
        return self._day_of(start_year, number(start_month), number(start_day))


# Operators whose SQL form can give a value with a NULL operand: ``x IN (x, NULL)`` is TRUE,
# a chain of CASEs for min/max skips a NULL, the calendar functions clamp and branch.
_NOT_NULL_STRICT_IN_SQL = {"in", "min", "max", "year", "month", "day", "add_months", "years_between",
                           "months_between", "first_day_of_month", "first_day_of_next_month", "year_start"}

_DATE_OPS = {"year", "month", "day", "add_months", "years_between", "months_between", "first_day_of_month",
             "first_day_of_next_month", "year_start"}


def compile_version(version: Version, source: str = "population", decisions: list[str] | None = None,
                    dialect: str = "duckdb", keep: list[str] | None = None) -> str:
    """The SQL text of ``version``'s decisions over the table ``source``."""
    from lexproof.verifier.sql_items import compiler_for  # items extend this compiler

    return compiler_for(version, dialect).sql(source, decisions, keep)


__all__ = ["SqlCompiler", "SqlCompileError", "Val", "compile_version", "STATUSES", "sqlglot"]
