"""Run compiled versions on Apache Spark (``--engine spark``): populations past one machine.

The same compiler (``verifier/sql_compile.py``) prints the query in Spark's dialect (sqlglot);
the population checks and the impact aggregates, written in DuckDB's dialect, are transpiled by
sqlglot too, so both engines run one plan. Spark runs with ANSI SQL on: an overflow of
``DECIMAL(38,0)`` is an error, never a wrapped or NULL number. Spark SQL has no ``gcd``, so
fractions are not reduced there (equal values are compared by cross multiplication anyway).

``LEXPROOF_SPARK_MASTER`` names the cluster (default ``local[*]``); install with
``pip install 'lexproof[spark]'`` (pyspark; Java 17)."""

from __future__ import annotations

import os
from pathlib import Path

import sqlglot

from lexproof.dsl.consolidate import Version
from lexproof.dsl.diagnostics import Diagnostic, LexproofError
from lexproof.dsl.model import StatuteModel
from lexproof.dsl.source import Span
from lexproof.verifier.population import PopulationReport, population_files, validate_population
from lexproof.verifier.sql_items import ItemSqlCompiler, compiler_for

_SESSION = None


def session():
    """One SparkSession per process (starting one takes seconds)."""
    global _SESSION
    if _SESSION is None:
        try:
            from pyspark.sql import SparkSession
        except ImportError:
            raise LexproofError(Diagnostic(Span("<command line>", 1, 1, 1, 1),
                                           "--engine spark needs pyspark: pip install 'lexproof[spark]'")) from None
        master = os.environ.get("LEXPROOF_SPARK_MASTER", "local[*]")
        if master.startswith("local"):
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # the JVM binds to loopback only
        _SESSION = (SparkSession.builder.master(master)
                    .appName("lexproof").config("spark.sql.ansi.enabled", "true")
                    .config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false")
                    # local mode talks to itself only: never bind the driver to a network interface
                    .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                    .getOrCreate())
        _SESSION.sparkContext.setLogLevel("OFF")  # lexproof reports the errors itself
    return _SESSION


def _spark_type(data_type) -> str:
    """A Spark column type in the names ``verifier/population.py`` knows (DuckDB's)."""
    name = data_type.simpleString().upper()
    return {"BOOLEAN": "BOOLEAN", "BIGINT": "BIGINT", "INT": "INTEGER", "SMALLINT": "SMALLINT", "TINYINT": "TINYINT",
            "DATE": "DATE", "STRING": "VARCHAR"}.get(name, name)


class SparkEngine:
    name = "spark"
    dialect = "spark"
    int_type = "DECIMAL(38, 0)"

    def __init__(self) -> None:
        self.spark = session()

    def transpile(self, sql: str) -> str:
        return sqlglot.transpile(sql, read="duckdb", write="spark")[0]

    def query(self, sql: str) -> list[tuple]:
        return [tuple(row) for row in self.spark.sql(self.transpile(sql)).collect()]

    def materialize(self, name: str, sql: str) -> None:
        frame = self.spark.sql(self.transpile(sql)).cache()
        frame.createOrReplaceTempView(name)

    def load(self, path: str | Path, statute: StatuteModel, facts: list[str], mapping: dict[str, str] | None = None,
             keep: list[str] = (), enum_values: dict[str, tuple[str, ...]] | None = None) -> PopulationReport:  # type: ignore[assignment]
        from pyspark.sql import functions as F  # noqa: N812 - pyspark's own convention

        scan, files = population_files(path)
        names = [str(f) for f in files]
        reader = self.spark.read
        frame = reader.option("header", True).csv(names) if scan == "read_csv" else reader.parquet(*names)
        frame = frame.withColumn("filename", F.regexp_replace(F.input_file_name(), "^file:(//)?", ""))
        # consecutive row numbers in file order (zipWithIndex keeps the partitions' order)
        numbered = frame.rdd.zipWithIndex().map(lambda pair: (*pair[0], pair[1] + 1))
        frame = self.spark.createDataFrame(numbered, frame.schema.add("__row", "long"))
        frame.createOrReplaceTempView("population_raw")
        described = {field.name: _spark_type(field.dataType) for field in frame.schema.fields}
        return validate_population(self.query, str(path), names[0], described, statute, facts, mapping, list(keep),
                                   enum_values, "spark")

    def outcome_sql(self, version: Version, decisions: list[str] | None = None, keep: list[str] = (),  # type: ignore[assignment]
                    prefix: str = "") -> str:
        """A view of the version's outcomes, compiled straight to Spark's dialect (no round
        trip through DuckDB's), and a SELECT of it for the statements that read it."""
        compiler = compiler_for(version, "spark")
        view = f"{prefix}outcome_view"
        if isinstance(compiler, ItemSqlCompiler):
            self._run_steps(compiler, compiler.steps("population", decisions, ["__row", *keep], prefix), view)
        else:
            compiled = compiler.sql("population", decisions, ["__row", *keep], prefix)
            self.spark.sql(compiled).createOrReplaceTempView(view)
        return f"SELECT * FROM {view}"

    def _run_steps(self, compiler: ItemSqlCompiler, steps: list[tuple[str, str]], view: str) -> None:
        """The plan of a statute with items, one view per step; a table read more than once is
        materialised (``localCheckpoint``), which cuts the plan there: Spark inlines views, and
        the tables of items join their ancestors' tables level after level, so one query's
        plan grew exponentially (the analyzer ran out of memory on a two-level statute)."""
        reads = compiler.references()
        for name, sql in steps:
            frame = self.spark.sql(sql)
            if name and reads.get(name, 0) > 1:
                frame = frame.localCheckpoint()
            frame.createOrReplaceTempView(name or view)

    def item_outcomes_sql(self, version: Version, kind: str, decisions: list[str], prefix: str = "items_") -> str:
        """A view of every item's outcomes of ``decisions`` per ``kind`` (with its keys), as
        ``DuckDBEngine.item_outcomes`` reads them (tests)."""
        compiler = ItemSqlCompiler(version, "spark")
        view = f"{prefix}outcome_view"
        self._run_steps(compiler, compiler.steps("population", decisions, [], prefix, kind), view)
        return f"SELECT * FROM {view}"
