"""Repeated items in SQL (docs/language.md, "Repeated items"; docs/impact.md, "Items").

A population with items holds, per case, a column per top kind with the kind's items as a list
of records (Parquet ``LIST<STRUCT>``, DuckDB ``STRUCT(...)[]``), nested as deep as the kinds:
``kind = [{leeftijd: 3, uren: 100, contract: [{uurprijs: 8.50}]}, ...]``, exactly as a case
file gives them. The list order is the item order (it matters to ``rank``: of equal values the
earlier item comes first).

The compiler turns every kind into a table of its own (one row per item: the case's ``__row``,
the positions of the item and its ancestors ``__pos:KIND``, counted from 1, and its facts) and
computes, level by level, in each table's own chain of common table expressions:

* a decision per item as a decision of the case is computed (the same stages), with the
  tables of the item's ancestors (and the case) joined on their keys, so that its rules read
  the facts and decisions of its child, household and case as columns;
* an aggregate over ``kind`` as a ``GROUP BY`` of the kind's table on its parent's keys, joined
  back (``LEFT JOIN``: no items is count 0, sum 0, ``all`` true, ``any`` false, ``min`` and
  ``max`` undefined); it is undefined (NULL) when the filter of some item is, or the value of
  an item the filter keeps, as in the evaluator. Integers use ``SUM``/``MIN``/``MAX``; exact
  fractions are folded with ``list_reduce`` (a sum of fractions with different denominators
  has no SQL aggregate), reduced by their gcd at every step;
* ``rank(kind by v)`` as a self-join of the kind's table on the parent's keys: 1 + the siblings
  with a larger value or an equal value listed earlier; undefined when some sibling's value is.

Every column has a name unique in the statute (facts, decisions, rules and the numbered
aggregates share one namespace), so an expression reads a column of its own table and of its
ancestors' tables by name alone.

One plan, two dialects: DuckDB unnests with ``range`` and folds fractions with ``list_reduce``
and ``gcd``; Spark unnests with ``LATERAL VIEW posexplode`` and folds with ``aggregate`` over
``collect_list``, its gcd Euclid's algorithm as a fold of a fixed number of steps (Spark SQL
has no ``gcd``). Spark inlines every reference to a common table expression, so its engine
runs the plan step by step (``steps``), materialising the tables read more than once."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp

from lexproof.dsl import ir
from lexproof.dsl.diagnostics import Diagnostic
from lexproof.dsl.source import Span
from lexproof.verifier.sql_compile import (
    SqlCompileError,
    SqlCompiler,
    Val,
    _no_gc,
    b_and,
    b_or,
    binary,
    case,
    col,
    fact_column,
    is_null,
    null,
    number,
    print_sql,
)

Scope = str | None  # None: the case; otherwise a kind


@dataclass
class Unit:
    """Something computed once in a scope's table: a decision, an aggregate or a rank."""

    key: str
    scope: Scope
    reads: list[str] = field(default_factory=list)
    node: ir.Op | None = None  # the Aggregate or Rank


def _ident(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def _qcol(table: str, name: str) -> exp.Column:
    return exp.Column(this=_ident(name), table=exp.to_identifier(table))


def _table(name: str, alias: str) -> exp.Table:
    return exp.Table(this=_ident(name), alias=exp.TableAlias(this=exp.to_identifier(alias)))


def _fn(name: str, *args: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this=name, expressions=list(args))


_TEMPLATES = {
    # A sum of fractions {n, d}: folded pairwise and reduced by the gcd (numbers stay small).
    "sum": "list_reduce(coalesce(list({'n': :n, 'd': :d}) FILTER (WHERE :f), []), "
           "lambda a, b: {'n': (a.n * b.d + b.n * a.d) // gcd(a.n * b.d + b.n * a.d, a.d * b.d), "
           "'d': (a.d * b.d) // gcd(a.n * b.d + b.n * a.d, a.d * b.d)}, {'n': :zero, 'd': :one})",
    # The least / greatest fraction (cross multiplication); NULL of no items.
    "min": "list_reduce(list_slice(:l, 2, len(:l)), lambda a, b: CASE WHEN b.n * a.d < a.n * b.d THEN b ELSE a END, "
           "list_extract(:l, 1))",
    "max": "list_reduce(list_slice(:l, 2, len(:l)), lambda a, b: CASE WHEN b.n * a.d > a.n * b.d THEN b ELSE a END, "
           "list_extract(:l, 1))",
    "list": "coalesce(list({'n': :n, 'd': :d}) FILTER (WHERE :f), [])",
}
# Spark SQL has no ``gcd`` and no ``list_reduce``: the same folds with ``aggregate`` over
# ``collect_list``, and the gcd by Euclid's algorithm as a fold over a fixed number of steps.
# Both numbers are below 10^38 < F(186) (the 186th Fibonacci number), so Euclid ends within 184
# steps (Lamé); a finished state (y = 0) is kept as it is by the remaining steps.
_SPARK_DEC = "DECIMAL(38, 0)"
_SPARK_REDUCED = ("aggregate(sequence(1, 186), named_struct('n', {n}, 'd', {d}, 'x', abs({n}), 'y', abs({d})), "
                  "(t, i) -> CASE WHEN t.y = 0 THEN t ELSE named_struct('n', t.n, 'd', t.d, 'x', t.y, 'y', t.x % t.y) END, "
                  f"t -> named_struct('n', CAST(t.n / t.x AS {_SPARK_DEC}), 'd', CAST(t.d / t.x AS {_SPARK_DEC})))")
_SPARK_TEMPLATES = {
    "list": f"collect_list(named_struct('n', CAST(:n AS {_SPARK_DEC}), 'd', CAST(:d AS {_SPARK_DEC}))) FILTER (WHERE :f)",
    "sum": f"aggregate(:l, named_struct('n', CAST(:zero AS {_SPARK_DEC}), 'd', CAST(:one AS {_SPARK_DEC})), (a, b) -> "
           + _SPARK_REDUCED.format(n=f"CAST(a.n * b.d + b.n * a.d AS {_SPARK_DEC})", d=f"CAST(a.d * b.d AS {_SPARK_DEC})")
           + ")",
    # The least / greatest fraction (cross multiplication), starting from NULL: NULL of no items.
    "min": f"aggregate(:l, CAST(NULL AS STRUCT<n: {_SPARK_DEC}, d: {_SPARK_DEC}>), "
           "(a, b) -> CASE WHEN a IS NULL OR b.n * a.d < a.n * b.d THEN b ELSE a END)",
    "max": f"aggregate(:l, CAST(NULL AS STRUCT<n: {_SPARK_DEC}, d: {_SPARK_DEC}>), "
           "(a, b) -> CASE WHEN a IS NULL OR b.n * a.d > a.n * b.d THEN b ELSE a END)",
}
_PARSED: dict[tuple[str, str], exp.Expression] = {}


def _template(name: str, dialect: str = "duckdb", **values: exp.Expression) -> exp.Expression:
    key = (dialect, name)
    if key not in _PARSED:
        if dialect == "spark":
            _PARSED[key] = sqlglot.parse_one(_SPARK_TEMPLATES[name], read="spark")
        else:
            _PARSED[key] = sqlglot.parse_one(_TEMPLATES[name], read="duckdb")
    return exp.replace_placeholders(_PARSED[key].copy(), **values)


class ItemSqlCompiler(SqlCompiler):
    """A version's decisions over a population with items (see the module docstring)."""

    def __init__(self, version, dialect: str = "duckdb") -> None:
        super().__init__(version, dialect)
        self.units: dict[str, Unit] = {}
        self._unit_of: dict[int, str] = {}  # id(Aggregate or Rank node) -> unit key

    # --- what is computed where ---
    def scope_of(self, name: str) -> Scope:
        return self.statute.decision_kind.get(name)

    def keys(self, scope: Scope) -> list[str]:
        if scope is None:
            return ["__row"]
        return ["__row", *[f"__pos:{k}" for k in self.statute.kind_chain(scope)]]

    def ancestors(self, scope: Scope) -> list[Scope]:
        """The scopes whose tables a row of ``scope`` belongs to: the case, the outer kinds."""
        if scope is None:
            return []
        return [None, *self.statute.kind_chain(scope)[:-1]]

    def _units_in(self, nodes: list[ir.Node]) -> list[str]:
        """The decisions, aggregates and ranks ``nodes`` read (not looking into an aggregate
        or rank: that is a unit of its own, reading its insides)."""
        reads: dict[str, None] = {}
        stack = list(nodes)
        while stack:
            node = stack.pop()
            if isinstance(node, (ir.Aggregate, ir.Rank)):
                reads[self._unit(node)] = None
                continue
            if isinstance(node, ir.DecisionRef):
                if node.case is not None or node.version is not None:
                    raise SqlCompileError(Diagnostic(node.span, "a decision of another case or version cannot be compiled to SQL"))
                reads[self._decision_unit(node.name)] = None
            elif isinstance(node, ir.ItemDecisionRef):
                reads[self._decision_unit(node.name)] = None
            if isinstance(node, ir.Op):
                stack.extend(node.args)
            elif isinstance(node, ir.TableRef):
                stack.append(node.arg)
        return list(reads)

    def _decision_unit(self, name: str) -> str:
        if name not in self.units:
            unit = Unit(name, self.scope_of(name))
            self.units[name] = unit
            unit.reads = self._units_in(self._nodes_of(name))
        return name

    def _unit(self, node: ir.Op) -> str:
        key = self._unit_of.get(id(node))
        if key is None:
            kind = node.kind  # type: ignore[attr-defined]
            prefix = "rank" if isinstance(node, ir.Rank) else "agg"
            key = f"{prefix}:{len(self._unit_of) + 1}"
            self._unit_of[id(node)] = key
            home = kind if isinstance(node, ir.Rank) else self.statute.kinds[kind].parent
            unit = Unit(key, home, node=node)
            self.units[key] = unit
            unit.reads = self._units_in(list(node.args))
        return key

    def _unit_levels(self, roots: list[str]) -> list[list[str]]:
        order: list[str] = []
        seen: set[str] = set()

        def visit(key: str) -> None:
            if key in seen:
                return
            seen.add(key)
            for other in self.units[key].reads:
                visit(other)
            order.append(key)

        for key in roots:
            visit(key)
        level: dict[str, int] = {}
        for key in order:
            level[key] = 1 + max((level[o] for o in self.units[key].reads), default=-1)
        return [[k for k in order if level[k] == i] for i in range(max(level.values(), default=-1) + 1)]

    # --- expressions of items ---
    def expr(self, node: ir.Node) -> Val:
        if isinstance(node, (ir.Aggregate, ir.Rank)):
            key = self._unit(node)
            return Val(col(key), col(key + ":den") if node.type.is_rational else None)
        if isinstance(node, ir.ItemFactRef):
            return Val(col(fact_column(node.name)), col(fact_column(node.name) + ":den") if node.type.is_rational else None)
        if isinstance(node, ir.ItemDecisionRef):
            return super().expr(ir.DecisionRef(node.name, node.type, span=node.span))
        return super().expr(node)

    # --- the query ---
    def query(self, source, decisions=None, keep=None, prefix: str = "", scope: Scope = None) -> exp.Select:  # type: ignore[override]
        """The SELECT of ``decisions`` (all of ``scope``: the case's, or the kind's decisions
        per item) with the columns of ``SqlCompiler.query``; for a kind, one row per item
        with its keys (``__row``, ``__pos:KIND``...)."""
        self._known, self._local = {}, set()  # SqlCompiler.ref's memory starts afresh per query
        if scope is None:
            wanted = decisions or [d for d in self.statute.decisions if self.version.has_decision(d)]
        else:
            wanted = decisions or [d for d, k in self.statute.decision_kind.items() if k == scope]
        for name in wanted:
            if self.scope_of(name) is None and not self.version.has_decision(name):
                raise SqlCompileError(Diagnostic(Span("<command line>", 1, 1, 1, 1), f"decision {name} is not in {self.version.label}"))
        roots = [self._decision_unit(name) for name in wanted]
        levels = self._unit_levels(roots)
        decisions_used = [k for level in levels for k in level if not self.units[k].key.startswith(("agg:", "rank:"))]
        self.ctes: list[tuple[str, exp.Expression]] = []
        self.latest: dict[Scope, str] = {}
        self.prefix = prefix
        source_expr = exp.to_table(source) if isinstance(source, str) else exp.Subquery(this=source, alias="src")
        base = [alias for fact in self._facts_read(decisions_used) for alias in self._aliases(self._fact_columns(fact))]
        self._add(None, "l0", exp.Select(expressions=[exp.Star(), *base], from_=exp.From(this=source_expr)))
        for kind in self._kinds_used():
            self._kind_base(kind)
        for index, level in enumerate(levels):
            self._emit_level(index + 1, level)
        outputs = [col(k) for k in (keep or [])] + [col(k) for k in (self.keys(scope) if scope is not None else [])]
        outputs += [c for name in wanted for c in self._output_columns(name)]
        with_ = exp.With(expressions=[exp.CTE(this=select, alias=exp.TableAlias(this=exp.to_identifier(name)))
                                      for name, select in self.ctes])
        return exp.Select(expressions=outputs, from_=exp.From(this=exp.to_table(self.latest[scope])), with_=with_)

    def steps(self, source, decisions=None, keep=None, prefix: str = "", scope: Scope = None) -> list[tuple[str, str]]:
        """The query as its common table expressions one by one, each a (name, SELECT) to be
        made a view in this order, and last ("", the final SELECT). An engine that inlines
        every reference to a CTE (Spark) runs these steps and materialises the tables that
        are read more than once (``references``): the plan of one WITH query repeats a
        table's whole history at every join with it, exponentially in the levels."""
        with _no_gc():
            final = self.query(source, decisions, keep, prefix, scope)
            final.set("with_", None)
            self._final = final
            return [(name, print_sql(select, self.dialect)) for name, select in self.ctes] + \
                   [("", print_sql(final, self.dialect))]

    def references(self) -> dict[str, int]:
        """How often each CTE of the last query is read by the later ones and the final SELECT."""
        names = {name for name, _ in self.ctes}
        counts = dict.fromkeys(names, 0)
        for select in [*(select for _, select in self.ctes), self._final]:
            for table in select.find_all(exp.Table):
                if table.name in names:
                    counts[table.name] += 1
        return counts

    def sql(self, source, decisions=None, keep=None, prefix: str = "", scope: Scope = None) -> str:  # type: ignore[override]
        with _no_gc():
            return print_sql(self.query(source, decisions, keep, prefix, scope), self.dialect)

    def _kinds_used(self) -> list[str]:
        """Every kind a unit is computed in or aggregates over, with its outer kinds; parents first."""
        used: set[str] = set()
        for unit in self.units.values():
            kinds = [unit.scope] + ([unit.node.kind] if unit.node is not None else [])  # type: ignore[attr-defined]
            for kind in kinds:
                if kind is not None:
                    used.update(self.statute.kind_chain(kind))
        return [k for k in self.statute.kinds if k in used]

    def _add(self, scope: Scope, name: str, select: exp.Expression) -> str:
        full = f"{self.prefix}{name}"
        self.ctes.append((full, select))
        self.latest[scope] = full
        return full

    def _tag(self, scope: Scope) -> str:
        return "c" if scope is None else f"k{list(self.statute.kinds).index(scope)}"

    def _kind_base(self, kind: str) -> None:
        """``raw:KIND`` (keys and the item's record, one row per item, unnested from the
        parent's list) and the scope's first table (keys and the item's facts, converted)."""
        parent = self.statute.kinds[kind].parent
        tag = self._tag(kind)
        holder = self.latest[None] if parent is None else f"{self.prefix}raw{self._tag(parent)}"
        items = _qcol("p", kind) if parent is None else self._field(_qcol("p", f"__item:{parent}"), kind)
        keys = [exp.Alias(this=_qcol("p", k), alias=_ident(k)) for k in self.keys(parent)]
        if self.dialect == "spark":
            raw = self._spark_unnest(kind, holder, items, keys)
        else:
            raw = self._duckdb_unnest(kind, holder, items, keys)
        self.ctes.append((f"{self.prefix}raw{tag}", raw))
        facts = []
        for name in self.statute.kinds[kind].facts:
            source = self._field(col(f"__item:{kind}"), name)
            facts += self._aliases(self._fact_columns(name, source))
        self._add(kind, f"{tag}_base", exp.Select(expressions=[*[col(k) for k in self.keys(kind)], *facts],
                                                  from_=exp.From(this=exp.to_table(f"{self.prefix}raw{tag}"))))

    def _field(self, record: exp.Expression, name: str) -> exp.Expression:
        """A field of a record (an item, or the aggregate's fraction): ``struct_extract`` in
        DuckDB, ``record.field`` in Spark."""
        if self.dialect == "spark":
            return exp.Dot(this=record, expression=_ident(name))
        return _fn("struct_extract", record, exp.Literal.string(name))

    @staticmethod
    def _spark_unnest(kind: str, holder: str, items: exp.Expression, keys: list[exp.Expression]) -> exp.Select:
        """One row per item: ``LATERAL VIEW posexplode`` (positions from 0; no row for an
        empty or NULL list, as DuckDB's ``range`` over its length)."""
        position = exp.Column(this=exp.to_identifier("pos"), table=exp.to_identifier("t"))
        record = exp.Column(this=exp.to_identifier("it"), table=exp.to_identifier("t"))
        numbered = _cast_bigint(binary(exp.Add, position, number(1)))
        lateral = exp.Lateral(this=exp.Posexplode(this=items), view=True, outer=False,
                              alias=exp.TableAlias(this=exp.to_identifier("t"),
                                                   columns=[exp.to_identifier("pos"), exp.to_identifier("it")]))
        return exp.Select(expressions=[*keys, exp.Alias(this=numbered, alias=_ident(f"__pos:{kind}")),
                                       exp.Alias(this=record, alias=_ident(f"__item:{kind}"))],
                          from_=exp.From(this=_table(holder, "p")), laterals=[lateral])

    @staticmethod
    def _duckdb_unnest(kind: str, holder: str, items: exp.Expression, keys: list[exp.Expression]) -> exp.Select:
        """One row per item: a join with ``range(1, len + 1)``, the item read by position."""
        position = exp.Column(this=exp.to_identifier("i"), table=exp.to_identifier("t"))
        record = _fn("list_extract", items, position)
        length = _fn("len", _fn("coalesce", items, exp.Array(expressions=[])))
        unnest = exp.Table(this=_fn("range", number(1), binary(exp.Add, length, number(1))),
                           alias=exp.TableAlias(this=exp.to_identifier("t"), columns=[exp.to_identifier("i")]))
        return exp.Select(expressions=[*keys, exp.Alias(this=position, alias=_ident(f"__pos:{kind}")),
                                       exp.Alias(this=record, alias=_ident(f"__item:{kind}"))],
                          from_=exp.From(this=_table(holder, "p")), joins=[exp.Join(this=unnest)])

    def _stage(self, scope: Scope, name: str, columns: list[tuple[str, exp.Expression]], joins: list[exp.Join] = (),  # type: ignore[assignment]
               with_ancestors: bool = False) -> None:
        """A CTE of ``scope``: its previous table and new columns (reading, when asked, the
        tables of the scope's ancestors, joined on their keys)."""
        previous = self.latest[scope]
        all_joins = list(joins)
        if with_ancestors:
            for depth, outer in enumerate(self.ancestors(scope)):
                alias = f"a{depth}"
                on = b_and(*[binary(exp.EQ, _qcol("cur", k), _qcol(alias, k)) for k in self.keys(outer)])
                all_joins.append(exp.Join(this=_table(self.latest[outer], alias), on=on))
        star = exp.Column(this=exp.Star(), table=exp.to_identifier("cur"))
        select = exp.Select(expressions=[star, *self._aliases(columns)], from_=exp.From(this=_table(previous, "cur")),
                            joins=all_joins)
        self._add(scope, name, select)

    def _emit_level(self, level_index: int, level: list[str]) -> None:
        units = [self.units[k] for k in level]
        scopes = [None, *self.statute.kinds]
        aggregates = [u for u in units if isinstance(u.node, ir.Aggregate)]
        ranks = [u for u in units if isinstance(u.node, ir.Rank)]
        decisions = [u for u in units if u.node is None]
        # (a) what each item contributes to an aggregate or rank of this level, in its own table
        for scope in scopes:
            inputs: list[tuple[str, exp.Expression]] = []
            for unit in aggregates:
                if unit.node.kind == scope:  # type: ignore[union-attr]
                    body, where = unit.node.args  # type: ignore[union-attr]
                    inputs.append((f"{unit.key}:f", self.expr(where).num))
                    inputs += self._store(f"{unit.key}:b", self.expr(body))
            for unit in ranks:
                if unit.scope == scope:
                    inputs += self._store(f"{unit.key}:k", self.expr(unit.node.args[0]))  # type: ignore[union-attr]
            if inputs:
                self._stage(scope, f"{self._tag(scope)}_l{level_index}_in", inputs, with_ancestors=True)
        # (b) ranks, in the kind's table
        for scope in scopes:
            mine = [u for u in ranks if u.scope == scope]
            if mine:
                joins, columns = [], []
                for index, unit in enumerate(mine):
                    alias = f"r{index}"
                    joins.append(self._rank_join(unit, alias))
                    columns.append((unit.key, self.b.as_int(_qcol(alias, "r"))))
                self._stage(scope, f"{self._tag(scope)}_l{level_index}_rank", columns, joins)
        # (c) aggregates, in the parent's table
        for scope in scopes:
            mine = [u for u in aggregates if u.scope == scope]
            if mine:
                joins, columns = [], []
                for index, unit in enumerate(mine):
                    alias = f"g{index}"
                    joins.append(self._aggregate_join(unit, alias))
                    columns += self._aggregate_columns(unit, alias)
                self._stage(scope, f"{self._tag(scope)}_l{level_index}_agg", columns, joins)
        # (d) decisions, as SqlCompiler computes them, per scope
        for scope in scopes:
            names = [u.key for u in decisions if u.scope == scope]
            if not names:
                continue
            for stage, build in enumerate(self.stages()):
                self._stage(scope, f"{self._tag(scope)}_l{level_index}_{stage}", build(names),
                            with_ancestors=stage == 0)

    def _store(self, name: str, value: Val) -> list[tuple[str, exp.Expression]]:  # type: ignore[override]
        if name.startswith(("agg:", "rank:")):
            return [(name, value.num)] + ([(name + ":den", value.den)] if value.den is not None else [])
        return super()._store(name, value)

    def _rank_join(self, unit: Unit, alias: str) -> exp.Join:
        """1 + the siblings ahead (a larger key, or an equal key listed earlier); NULL when a
        sibling's key is undefined."""
        kind = unit.scope
        assert kind is not None
        table = self.latest[kind]
        keys = self.keys(kind)
        parent_keys = keys[:-1]
        rational = unit.node.args[0].type.is_rational  # type: ignore[union-attr]
        name = f"{unit.key}:k"
        mine = Val(_qcol("x", name), _qcol("x", name + ":den") if rational else None)
        other = Val(_qcol("y", name), _qcol("y", name + ":den") if rational else None)
        ahead = b_or(self.compare(exp.GT, other, mine),
                     b_and(self.compare(exp.EQ, other, mine), binary(exp.LT, _qcol("y", keys[-1]), _qcol("x", keys[-1]))))
        undefined = exp.Max(this=case((is_null(other.num), number(1)), default=number(0)))
        counted = exp.Sum(this=case((ahead, number(1)), default=number(0)))
        rank = case((binary(exp.EQ, undefined, number(1)), null()),
                    default=binary(exp.Add, number(1), counted))
        on = b_and(*[binary(exp.EQ, _qcol("x", k), _qcol("y", k)) for k in parent_keys])
        sub = exp.Select(expressions=[*[exp.Alias(this=_qcol("x", k), alias=_ident(k)) for k in keys],
                                      exp.Alias(this=rank, alias=exp.to_identifier("r"))],
                         from_=exp.From(this=_table(table, "x")), joins=[exp.Join(this=_table(table, "y"), on=on)],
                         group=exp.Group(expressions=[_qcol("x", k) for k in keys]))
        return self._join_on(sub, alias, keys, "LEFT")

    def _join_on(self, sub: exp.Select, alias: str, keys: list[str], side: str) -> exp.Join:
        on = b_and(*[binary(exp.EQ, _qcol("cur", k), _qcol(alias, k)) for k in keys])
        return exp.Join(this=exp.Subquery(this=sub, alias=exp.TableAlias(this=exp.to_identifier(alias))), on=on, side=side)

    def _aggregate_join(self, unit: Unit, alias: str) -> exp.Join:
        """Per item of the parent (or per case): ``u`` 1 when the aggregate is undefined, ``v``
        (and ``d``) its value over the items that exist."""
        node = unit.node
        assert isinstance(node, ir.Aggregate)
        keys = self.keys(unit.scope)
        name = unit.key
        where = col(f"{name}:f")
        body = Val(col(f"{name}:b"), col(f"{name}:b:den") if node.args[0].type.is_rational else None)
        if node.op in ("sum", "min", "max") and node.type.is_rational:
            body = self.fraction(body)
        bad = b_or(is_null(where), b_and(where, is_null(body.num)))
        columns = [exp.Alias(this=exp.Max(this=case((bad, number(1)), default=number(0))),
                             alias=exp.to_identifier("u"))]
        kept = lambda value: case((where, value), default=null())  # noqa: E731
        if node.op in ("sum", "count") and not node.type.is_rational:
            columns.append(exp.Alias(this=exp.Sum(this=kept(body.num)), alias=exp.to_identifier("v")))
        elif node.op in ("all", "any"):
            as_number = case((body.num, number(1)), default=number(0))
            fold = exp.Min if node.op == "all" else exp.Max
            columns.append(exp.Alias(this=fold(this=kept(as_number)), alias=exp.to_identifier("v")))
        elif node.op in ("min", "max") and not node.type.is_rational:
            fold = exp.Min if node.op == "min" else exp.Max
            columns.append(exp.Alias(this=fold(this=kept(body.num)), alias=exp.to_identifier("v")))
        elif node.op == "sum":
            kept_fraction = b_and(where, b_not_null(body.num))
            if self.dialect == "spark":
                listed = _template("list", "spark", n=body.num, d=body.den, f=kept_fraction)
                total = _template("sum", "spark", l=listed, zero=self.b.integer(0), one=self.b.integer(1))
            else:
                total = _template("sum", n=body.num, d=body.den, f=kept_fraction, zero=self.b.integer(0),
                                  one=self.b.integer(1))
            columns.append(exp.Alias(this=total, alias=exp.to_identifier("s")))
        else:
            listed = _template("list", self.dialect, n=body.num, d=body.den, f=b_and(where, b_not_null(body.num)))
            columns.append(exp.Alias(this=_template(node.op, self.dialect, l=listed), alias=exp.to_identifier("s")))
        table = self.latest[node.kind]
        sub = exp.Select(expressions=[*[col(k) for k in keys], *columns], from_=exp.From(this=exp.to_table(table)),
                         group=exp.Group(expressions=[col(k) for k in keys]))
        return self._join_on(sub, alias, keys, "LEFT")

    def _aggregate_columns(self, unit: Unit, alias: str) -> list[tuple[str, exp.Expression]]:
        """The aggregate's value in the parent's table: NULL when undefined; of no items (no
        group joined) 0, true, false, or NULL for min and max."""
        node = unit.node
        assert isinstance(node, ir.Aggregate)
        undefined = binary(exp.EQ, exp.Coalesce(this=_qcol(alias, "u"), expressions=[number(0)]),
                           number(1))
        guard = lambda value: case((undefined, null()), default=value)  # noqa: E731
        if node.op in ("sum", "count") and not node.type.is_rational:
            value = self.b.as_int(exp.Coalesce(this=_qcol(alias, "v"), expressions=[number(0)]))
            return [(unit.key, guard(value))]
        if node.op in ("all", "any"):
            empty = number(1 if node.op == "all" else 0)
            value = binary(exp.EQ, exp.Coalesce(this=_qcol(alias, "v"), expressions=[empty]), number(1))
            return [(unit.key, guard(value))]
        if not node.type.is_rational:  # min, max of integers or day numbers: NULL of no items
            return [(unit.key, guard(self.b.as_int(_qcol(alias, "v"))))]
        field_of = lambda part: self._field(_qcol(alias, "s"), part)  # noqa: E731
        if node.op == "sum":  # no group joined: no items, 0
            num = exp.Coalesce(this=field_of("n"), expressions=[self.b.integer(0)])
            den = exp.Coalesce(this=field_of("d"), expressions=[self.b.integer(1)])
            return [(unit.key, guard(self.b.as_int(num))), (unit.key + ":den", self.b.as_int(den))]
        return [(unit.key, guard(self.b.as_int(field_of("n")))), (unit.key + ":den", self.b.as_int(field_of("d")))]


def _cast_bigint(e: exp.Expression) -> exp.Expression:
    return exp.Cast(this=e, to=exp.DataType.build("BIGINT"))


def b_not_null(e: exp.Expression) -> exp.Expression:
    return exp.Paren(this=exp.Not(this=is_null(e)))


def uses_items(version) -> bool:
    """Whether a version's statute has repeated items (then ``ItemSqlCompiler`` compiles it)."""
    return bool(version.statute.kinds)


def compiler_for(version, dialect: str = "duckdb") -> SqlCompiler:
    return ItemSqlCompiler(version, dialect) if uses_items(version) else SqlCompiler(version, dialect)
