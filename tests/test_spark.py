"""Spark (``--engine spark``, local[*]) against DuckDB on a small population: the same compiled
plan gives the same outcomes row by row (dates, tables, conflicts, undefined included) and the
same impact report. Skipped when pyspark (the ``spark`` extra) is not installed."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

pytest.importorskip("duckdb")
pytest.importorskip("pyspark")

from click.testing import CliRunner  # noqa: E402
from test_impact import POPULATION, STATUTE  # noqa: E402
from test_sql_compile import SMALL  # noqa: E402

from lexproof.dsl.check_program import check_files  # noqa: E402
from lexproof.dsl.consolidate import version_on  # noqa: E402
from lexproof.dsl.parser import parse_text  # noqa: E402
from lexproof.verifier.cli import main  # noqa: E402
from lexproof.verifier.sql_compile import den_column, status_column, value_column  # noqa: E402
from lexproof.verifier.sql_engine import DuckDBEngine  # noqa: E402

# leeftijd, inkomen, soort, geboren: conflicts (leeftijd > 70), undefined (stap above 65),
# a 29 February birthday, negative-free money with cents.
ROWS = """\
leeftijd,inkomen,soort,geboren
40,1500.00,a,1984-12-31
62,100.01,b,1963-01-01
75,3000.00,a,1950-01-02
17,3000.00,a,2008-02-29
66,0.03,b,1959-07-31
"""


def outcomes(engine, version, names) -> list[dict]:
    columns = ", ".join(f'"{c}"' for n in names for c in
                        [value_column(n), status_column(n)] + ([den_column(n)] if version.statute.decisions[n].type.is_rational else []))
    rows = engine.query(f"SELECT __row, {columns} FROM ({engine.outcome_sql(version, names)}) AS o ORDER BY __row")
    result = []
    for row in rows:
        values = iter(row[1:])
        entry = {}
        for name in names:
            value, status = next(values), next(values)
            if version.statute.decisions[name].type.is_rational:
                den = next(values)
                value = None if value is None else Fraction(int(value), int(den))
            elif version.statute.decisions[name].type.kind == "int" and value is not None:
                value = int(value)
            entry[name] = (status, value)
        result.append(entry)
    return result


def test_spark_gives_duckdbs_outcomes_row_by_row(tmp_path: Path) -> None:
    from lexproof.verifier.spark_engine import SparkEngine

    (statute,) = check_files([parse_text(SMALL, "s.law")]).statutes.values()
    version = version_on(statute, __import__("datetime").date(2025, 1, 1))
    path = tmp_path / "pop.csv"
    path.write_text(ROWS)
    names = list(statute.decisions)
    facts = ["leeftijd", "inkomen", "soort", "geboren"]
    duck, spark = DuckDBEngine(), SparkEngine()
    assert duck.load(path, statute, facts).bad == 0
    assert spark.load(path, statute, facts).bad == 0
    expected = outcomes(duck, version, names)
    assert outcomes(spark, version, names) == expected
    statuses = {status for row in expected for status, _ in row.values()}
    assert {"decided", "default", "undecided", "conflict", "undefined"} <= statuses  # every status compared


def test_spark_impact_report_equals_duckdbs(tmp_path: Path) -> None:
    law, population = tmp_path / "s.law", tmp_path / "pop.csv"
    law.write_text(STATUTE)
    population.write_text(POPULATION + "abc,1.00,a\n")
    reports = []
    for engine in ("duckdb", "spark"):
        result = CliRunner().invoke(main, ["impact", str(law), "--population", str(population), "--amendment", "ruimer",
                                           "--by", "soort", "--format", "json", "--engine", engine])
        assert result.exit_code == 1, result.output  # one bad row
        payload = json.loads(result.stdout)
        assert payload.pop("engine") == engine
        reports.append(payload)
    assert reports[0] == reports[1]
