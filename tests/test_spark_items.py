"""Repeated items on Spark (``--engine spark``, local[*]): the same compiled plan as DuckDB's,
unnested with posexplode and folded with ``aggregate``, gives DuckDB's outcomes per case and
per item (undefined, conflicts and exact fractions included), and ``lexproof impact`` gives the
same report. One Spark session for the module (starting one takes half a minute). Skipped
when pyspark (the ``spark`` extra) is not installed."""

from __future__ import annotations

import json
import random
from fractions import Fraction

import pytest

pytest.importorskip("duckdb")
pytest.importorskip("pyspark")

from click.testing import CliRunner  # noqa: E402
from test_sql_items import AMENDMENT, DAY, KINDEROPVANG, _load, _opvang_case  # noqa: E402

from lexproof.dsl.consolidate import version_on  # noqa: E402
from lexproof.verifier.cli import main  # noqa: E402
from lexproof.verifier.sql_compile import den_column, reason_column, status_column, value_column  # noqa: E402
from lexproof.verifier.sql_engine import DuckDBEngine  # noqa: E402

# Computed by hand in tests/test_sql_items.py (test_kinderopvang_shape_values_by_hand):
# toeslag €465.33, verhouding of child 1 20/3, gemiddeld 25/9.
BY_HAND = {"inkomen": Fraction(45000), "alleenstaand": False, "kind": [
    {"leeftijd": 3, "uren": 100, "contract": [{"uurprijs": Fraction(12), "soort": "dag"},
                                              {"uurprijs": Fraction(8), "soort": "bso"}]},
    {"leeftijd": 14, "uren": 100, "contract": [{"uurprijs": Fraction(5), "soort": "dag"}]},
]}
# min over no day contracts: undefined; two rules of botsing disagree: a conflict.
UNDEFINED_AND_CONFLICT = {"inkomen": Fraction(1000), "alleenstaand": True,
                          "kind": [{"leeftijd": 16, "uren": 230, "contract": []}]}


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    """DuckDB and Spark over one population (DuckDB writes it as Parquet, Spark loads that
    file through its own validation), and the version."""
    from lexproof.verifier.spark_engine import SparkEngine

    statute = _load(KINDEROPVANG)
    rng = random.Random(11)
    cases = [BY_HAND, UNDEFINED_AND_CONFLICT, {"inkomen": Fraction(0), "alleenstaand": False}]
    cases += [_opvang_case(rng) for _ in range(30)]
    duck = DuckDBEngine(threads=1)
    duck.load_cases(statute, cases)
    path = tmp_path_factory.mktemp("spark_items") / "pop.parquet"
    duck.con.execute(f"COPY (SELECT * EXCLUDE (__row) FROM population ORDER BY __row) TO '{path}' (FORMAT parquet)")
    spark = SparkEngine()
    report = spark.load(path, statute, list(statute.facts), keep=list(statute.top_kinds()))
    assert report.bad == 0 and report.rows == len(cases)
    return duck, spark, version_on(statute, DAY)


def _rows(engine, sql: str, keys: list[str], names: list[str], statute) -> dict[tuple, dict]:
    columns = []
    for name in names:
        columns += [value_column(name), status_column(name), reason_column(name)]
        if statute.decision_info(name).type.is_rational:
            columns.append(den_column(name))
    selected = ", ".join(f'"{c}"' for c in [*keys, *columns])
    result = {}
    for row in engine.query(f"SELECT {selected} FROM ({sql}) AS o"):
        values = dict(zip([*keys, *columns], row))
        entry = {}
        for name in names:
            value = values[value_column(name)]
            if value is not None and statute.decision_info(name).type.is_rational:
                value = Fraction(int(value), int(values[den_column(name)]))
            elif value is not None and statute.decision_info(name).type.kind == "int":
                value = int(value)
            entry[name] = (values[status_column(name)], value, values[reason_column(name)])
        result[tuple(int(values[k]) for k in keys)] = entry
    return result


def test_spark_gives_duckdbs_outcomes_per_case(engines) -> None:
    duck, spark, version = engines
    statute = version.statute
    names = [d for d in statute.decisions if version.has_decision(d)]
    expected = _rows(duck, duck.outcome_sql(version, names), ["__row"], names, statute)
    got = _rows(spark, spark.outcome_sql(version, names), ["__row"], names, statute)
    assert got == expected
    assert got[(1,)]["toeslag"][:2] == ("decided", Fraction(46533, 100))  # by hand
    assert got[(1,)]["gemiddeld"][:2] == ("decided", Fraction(25, 9))  # an exact fraction, not 2.777..
    assert got[(2,)]["goedkoopste"][0] == "undefined"
    assert got[(2,)]["botsingen"][0] == "undefined"
    statuses = {status for row in got.values() for status, _, _ in row.values()}
    assert {"decided", "default", "undefined"} <= statuses


def test_spark_gives_duckdbs_outcomes_per_item(engines) -> None:
    from lexproof.verifier.sql_items import ItemSqlCompiler

    duck, spark, version = engines
    statute = version.statute
    for kind in ("kind", "contract"):
        names = [d for d, k in statute.decision_kind.items() if k == kind]
        keys = ItemSqlCompiler(version, "duckdb").keys(kind)
        duck_sql = ItemSqlCompiler(version, "duckdb").sql("population", names, [], "", kind)
        expected = _rows(duck, duck_sql, keys, names, statute)
        got = _rows(spark, spark.item_outcomes_sql(version, kind, names, f"{kind}_"), keys, names, statute)
        assert got == expected, kind
        assert len(got) > 30  # items of many households compared
    per_kind = _rows(spark, spark.item_outcomes_sql(version, "kind", ["botsing", "verhouding"], "k_"),
                     ["__row", "__pos:kind"], ["botsing", "verhouding"], statute)
    assert per_kind[(2, 1)]["botsing"] == ("conflict", None, "rules b1 and b2 both apply and disagree")
    assert per_kind[(1, 1)]["verhouding"][:2] == ("decided", Fraction(20, 3))  # (12 + 8) / 3


def test_impact_on_spark_equals_duckdbs_for_a_statute_with_items(tmp_path, engines) -> None:
    """``lexproof population`` then ``lexproof impact --engine spark``: the report of DuckDB."""
    law, population = tmp_path / "opvang.law", tmp_path / "pop.parquet"
    law.write_text(KINDEROPVANG + AMENDMENT, encoding="utf-8")
    result = CliRunner().invoke(main, ["population", str(law), "--rows", "60", "--seed", "3", "--out", str(population)])
    assert result.exit_code == 0, result.output
    reports = []
    for engine in ("duckdb", "spark"):
        result = CliRunner().invoke(main, ["impact", str(law), "--population", str(population), "--amendment", "ruimer",
                                           "--decision", "toeslag", "--decision", "gemiddeld", "--format", "json",
                                           "--engine", engine])
        assert result.exit_code == 0, result.output
        payload = json.loads(result.stdout)
        assert payload.pop("engine") == engine
        reports.append(payload)
    assert reports[0] == reports[1]
    assert reports[0]["decisions"][0]["counts"].get("gain", 0) > 0  # a higher maximum price: some gain
