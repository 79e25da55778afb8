"""Run compiled versions (``verifier/sql_compile.py``) on an embedded DuckDB.

DuckDB needs no server, reads Parquet and CSV directly and executes the query in streaming,
vectorised pipelines (spilling to disk when memory runs short), so a population of 10 million
rows never becomes 10 million Python objects: only aggregates come back to Python."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from lexproof.dsl.consolidate import Version
from lexproof.dsl.model import StatuteModel
from lexproof.verifier.population import RATE_SCALE, SQL_TYPE, PopulationReport, load_population
from lexproof.verifier.sql_compile import den_column, reason_column, status_column, value_column
from lexproof.verifier.sql_items import ItemSqlCompiler, compiler_for


def connect(threads: int | None = None, memory_limit: str | None = None):
    import duckdb

    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    return con


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class DuckDBEngine:
    """One DuckDB connection: a population view, and versions' outcomes over it."""

    name = "duckdb"
    dialect = "duckdb"
    int_type = "HUGEINT"

    def __init__(self, threads: int | None = None, memory_limit: str | None = None) -> None:
        self.con = connect(threads, memory_limit)

    def query(self, sql: str) -> list[tuple]:
        """The rows of a query (written in DuckDB's dialect, as all of lexproof's aggregates)."""
        return self.con.execute(sql).fetchall()

    def materialize(self, name: str, sql: str) -> None:
        """A temporary table of a query's result, for several aggregates over it."""
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {_quote(name)} AS {sql}")

    def load(self, path: str | Path, statute: StatuteModel, facts: list[str], mapping: dict[str, str] | None = None,
             keep: list[str] = (), enum_values: dict[str, tuple[str, ...]] | None = None) -> PopulationReport:  # type: ignore[assignment]
        return load_population(self.con, path, statute, facts, mapping, list(keep), enum_values)

    def load_cases(self, statute: StatuteModel, cases: list[dict[str, object]]) -> None:
        """The view ``population`` from cases in the evaluator's representation (tests)."""
        facts = list(statute.facts.values())
        kinds = statute.top_kinds()
        columns = ", ".join([*(f"{_quote(f.name)} {SQL_TYPE[f.type.kind]}" for f in facts),
                             *(f"{_quote(k)} {items_type(statute, k)}" for k in kinds)])
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE population (__row BIGINT{', ' if columns else ''}{columns})")
        marks = ", ".join("?" * (len(facts) + len(kinds) + 1))
        rows = [[index + 1] + [_to_sql(case.get(f.name), f.type.kind) for f in facts]
                + [_items_to_sql(statute, k, case.get(k)) for k in kinds] for index, case in enumerate(cases)]
        if rows:
            self.con.executemany(f"INSERT INTO population VALUES ({marks})", rows)

    def outcome_sql(self, version: Version, decisions: list[str] | None = None, keep: list[str] = (),  # type: ignore[assignment]
                    prefix: str = "") -> str:
        return compiler_for(version, "duckdb").sql("population", decisions, ["__row", *keep], prefix)

    def item_outcomes(self, version: Version, kind: str) -> dict[tuple[int, ...], dict[str, object]]:
        """Every item's outcomes of the decisions per ``kind``: {(row, position, ...): {decision:
        (status, value, reason)}}, positions from 1 along the kind's chain (tests)."""
        compiler = ItemSqlCompiler(version, "duckdb")
        names = [d for d, k in version.statute.decision_kind.items() if k == kind]
        cursor = self.con.execute(compiler.sql("population", names, [], "", kind))
        columns = [d[0] for d in cursor.description]
        keys = compiler.keys(kind)
        result = {}
        for values in cursor.fetchall():
            row = dict(zip(columns, values))
            result[tuple(int(row[k]) for k in keys)] = {
                name: (row[status_column(name)], _from_sql(version.statute, name, row), row[reason_column(name)])
                for name in names}
        return result

    def outcomes(self, version: Version, decisions: list[str] | None = None) -> list[dict[str, object]]:
        """Every row's outcomes as the evaluator's values: {decision: (status, value)}, in row order."""
        names = decisions or [d for d in version.statute.decisions if version.has_decision(d)]
        cursor = self.con.execute(self.outcome_sql(version, names) + " ORDER BY __row")
        columns = [d[0] for d in cursor.description]
        result = []
        for values in cursor.fetchall():
            row = dict(zip(columns, values))
            result.append({name: (row[status_column(name)], _from_sql(version.statute, name, row), row[reason_column(name)])
                           for name in names})
        return result


def _to_sql(value: object, kind: str) -> object:
    if value is None:
        return None
    if kind == "money" or kind in ("rate", "number"):
        fraction = Fraction(value)  # type: ignore[arg-type]
        scaled = fraction * 10**RATE_SCALE
        if scaled.denominator != 1:
            raise ValueError(f"{fraction} has no exact decimal form with {RATE_SCALE} decimals")
        return Decimal(scaled.numerator).scaleb(-RATE_SCALE)
    if kind == "date":
        return dt.date.fromordinal(int(value))  # type: ignore[call-overload]
    return value


def items_type(statute: StatuteModel, kind: str) -> str:
    """The DuckDB type of a kind's items: a list of records of its facts and nested kinds."""
    fields = [f"{_quote(name)} {SQL_TYPE[statute.item_facts[name].type.kind]}" for name in statute.kinds[kind].facts]
    fields += [f"{_quote(child)} {items_type(statute, child)}" for child in statute.child_kinds(kind)]
    return f"STRUCT({', '.join(fields)})[]"


def _items_to_sql(statute: StatuteModel, kind: str, listed: object) -> list[dict]:
    result = []
    for item in listed or []:  # type: ignore[attr-defined]
        entry: dict[str, object] = {name: _to_sql(item.get(name), statute.item_facts[name].type.kind)
                                    for name in statute.kinds[kind].facts}
        for child in statute.child_kinds(kind):
            entry[child] = _items_to_sql(statute, child, item.get(child))
        result.append(entry)
    return result


def _from_sql(statute: StatuteModel, name: str, row: dict) -> object:
    """A decision's value from its columns, in the evaluator's representation."""
    value = row[value_column(name)]
    if value is None:
        return None
    kind = statute.decision_info(name).type
    if kind.is_rational:
        return Fraction(int(value), int(row[den_column(name)]))
    if kind.kind == "date":
        return value.toordinal()
    if kind.kind == "int":
        return int(value)
    return value
