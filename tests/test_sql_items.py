"""Repeated items in SQL (verifier/sql_items.py): on generated statutes with items and on a
hand-written statute of the kinderopvang shape (household -> children -> contracts, money,
products, rounding, tables), the SQL compiled for DuckDB gives every case and every item the
evaluator's outcome: status (decided, default, undecided, conflict, undefined) and exact value."""

from __future__ import annotations

import datetime as dt
import random
from fractions import Fraction

import pytest

pytest.importorskip("duckdb")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from statute_generator import ItemStatute, item_statutes  # noqa: E402

from lexproof.dsl import items  # noqa: E402
from lexproof.dsl.check_program import check_files  # noqa: E402
from lexproof.dsl.consolidate import version_on  # noqa: E402
from lexproof.dsl.evaluator import Evaluator  # noqa: E402
from lexproof.dsl.parser import parse_text  # noqa: E402
from lexproof.verifier.sql_engine import DuckDBEngine  # noqa: E402
from lexproof.verifier.sql_items import ItemSqlCompiler  # noqa: E402

DAY = dt.date(2025, 1, 1)


def _context(keys: tuple[int, ...], chain: tuple[str, ...]) -> items.ItemContext:
    return items.ItemContext(None, tuple((kind, position - 1) for kind, position in zip(chain, keys[1:])))


def disagreements(statute, version, cases: list[dict]) -> list[str]:
    """Every case decision and every decision per item, SQL against the evaluator."""
    engine = DuckDBEngine(threads=1)
    engine.load_cases(statute, cases)
    problems: list[str] = []
    rows = engine.outcomes(version)
    per_kind = {kind: engine.item_outcomes(version, kind) for kind in set(statute.decision_kind.values())}
    for index, (case, row) in enumerate(zip(cases, rows)):
        evaluator = Evaluator({None: version}, {None: case})
        for name, (status, value, reason) in row.items():
            expected = evaluator.decision(name)
            wanted = expected.value if expected.defined else None
            if (status, value) != (expected.status, wanted):
                problems.append(f"case {index + 1} {case}: {name}: SQL {status} {value!r} ({reason}), "
                                f"evaluator {expected.status} {wanted!r} ({expected.reason})")
        for kind, outcomes in per_kind.items():
            chain = statute.kind_chain(kind)
            mine = {keys: value for keys, value in outcomes.items() if keys[0] == index + 1}
            contexts = [c for c in items.item_contexts(statute, case, None) if items.path_of(c)[-1][0] == kind]
            assert len(mine) == len(contexts), f"case {index + 1}: {len(mine)} rows of {kind}, {len(contexts)} items"
            for keys, decided in mine.items():
                context = _context(keys, chain)
                for name, (status, value, reason) in decided.items():
                    expected = evaluator.decision(name, context)
                    wanted = expected.value if expected.defined else None
                    if (status, value) != (expected.status, wanted):
                        problems.append(f"case {index + 1} {case}: {items.label(context)}.{name}: SQL {status} "
                                        f"{value!r} ({reason}), evaluator {expected.status} {wanted!r} ({expected.reason})")
    assert len(rows) == len(cases)
    return problems


def _sample(gen: ItemStatute, seed: int) -> list[dict]:
    cases = gen.cases()
    rng = random.Random(seed)
    by_count: dict[int, list[dict]] = {}
    for case in cases:
        by_count.setdefault(len(case["k"]), []).append(case)
    return [rng.choice(group) for group in by_count.values()] + rng.sample(cases, min(80, len(cases)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(gen=item_statutes(), seed=st.integers(0, 2**16))
def test_duckdb_agrees_with_the_evaluator_on_generated_statutes_with_items(gen: ItemStatute, seed: int) -> None:
    statute = gen.load()
    problems = disagreements(statute, version_on(statute, DAY), _sample(gen, seed))
    assert not problems, gen.text + "\n" + "\n".join(problems[:10])


KINDEROPVANG = """\
statute Opvang
facts Huishouden {
  inkomen: money €0..€150_000
  alleenstaand: bool
}
items kind up to 3 {
  leeftijd: int 0..17
  uren: int 0..230
}
items contract up to 2 per kind {
  uurprijs: money €0..€15
  soort: Soort
}
enum Soort { dag, bso }

parameter max_uurprijs: money [art. 1] = €10.25

table percentage [art. 2]: money -> rate {
  up to €30_000: 96%
  up to €60_000: 80%
  above: 33.3%
}

decision vergoedbare_prijs: money per contract [art. 3] otherwise €0
rule prijs [art. 3]: vergoedbare_prijs = min(uurprijs, max_uurprijs) if soort = dag
rule prijs_bso [art. 3]: vergoedbare_prijs = min(uurprijs, max_uurprijs) * 90% if soort = bso

decision per_kind: money per kind [art. 4] otherwise €0
rule per_maand [art. 4]:
  per_kind = round_down(sum(contract: vergoedbare_prijs * uren * percentage(inkomen)) / 3, €0.01)
  if leeftijd < 13
rule eerste [art. 4 lid 2] except per_maand:
  per_kind = sum(contract: vergoedbare_prijs * uren) * 100%
  if leeftijd < 13 and rank(kind by sum(contract: vergoedbare_prijs)) = 1 and alleenstaand

decision duurste: money per kind [art. 5]
rule duur [art. 5]: duurste = max(contract: uurprijs where soort = dag)

decision verhouding: rate per kind [art. 6] otherwise 0%
rule deel [art. 6]: verhouding = sum(contract: uurprijs) / €3 if count(contract) > 0

decision botsing: int per kind [art. 7] otherwise 0
rule b1 [art. 7]: botsing = 1 if leeftijd > 15
rule b2 [art. 7]: botsing = 2 if uren > 200

decision toeslag: money [art. 8] otherwise €0
rule totaal [art. 8]: toeslag = sum(kind: per_kind where leeftijd < 13) if inkomen < €120_000

decision goedkoopste: money [art. 9] otherwise €0
rule laagste [art. 9]: goedkoopste = min(kind: duurste) if count(kind) > 0

decision alle_dag: bool [art. 10]
rule alle [art. 10]: alle_dag = all(kind: any(contract: soort = dag) where leeftijd < 4)

decision botsingen: int [art. 11] otherwise 0
rule som_botsing [art. 11]: botsingen = sum(kind: botsing)

decision gemiddeld: rate [art. 12] otherwise 0%
rule gem [art. 12]: gemiddeld = sum(kind: verhouding) / 3 if count(kind) > 0
"""


def _opvang_case(rng: random.Random) -> dict:
    def contract() -> dict:
        return {"uurprijs": Fraction(rng.randrange(0, 1501), 100), "soort": rng.choice(["dag", "bso"])}

    def child() -> dict:
        return {"leeftijd": rng.choice([0, 3, 5, 12, 13, 16, 17]), "uren": rng.choice([0, 1, 100, 100, 150, 201, 230]),
                "contract": [contract() for _ in range(rng.randrange(0, 3))]}

    return {"inkomen": Fraction(rng.choice([0, 2999999, 3000000, 4500050, 6000000, 11999999, 15000000]), 100),
            "alleenstaand": rng.random() < 0.5, "kind": [child() for _ in range(rng.randrange(0, 4))]}


def _load(text: str):
    return check_files([parse_text(text, "opvang.law")]).statute()


def test_kinderopvang_shape_agrees_with_the_evaluator() -> None:
    """Two levels of items, products of money and rates, rounding, a table, rank by an
    aggregate, min and max (also of no items: undefined), a division by a sum that can be 0,
    and a conflict per item: every case and item as the evaluator says."""
    statute = _load(KINDEROPVANG)
    rng = random.Random(7)
    cases = [_opvang_case(rng) for _ in range(300)]
    problems = disagreements(statute, version_on(statute, DAY), cases)
    assert not problems, "\n".join(problems[:10])


def test_kinderopvang_shape_values_by_hand() -> None:
    """One household, computed by hand: child 1 (3 years, 100 hours) has a day contract at
    €12 (capped at €10.25) and a bso contract at €8 (90%: €7.20); child 2 (14, 100 hours) a
    day contract at €5. Income €45,000: 80%. Child 1's contracts give (10.25 + 7.20) * 100 *
    0.8 = 1396, / 3 = 465.333.. rounded down to €465.33; child 2 is 13 or older: €0. The
    cheapest of the most expensive day contracts: min(12, 5) = €5."""
    statute = _load(KINDEROPVANG)
    case = {"inkomen": Fraction(45000), "alleenstaand": False, "kind": [
        {"leeftijd": 3, "uren": 100, "contract": [{"uurprijs": Fraction(12), "soort": "dag"},
                                                  {"uurprijs": Fraction(8), "soort": "bso"}]},
        {"leeftijd": 14, "uren": 100, "contract": [{"uurprijs": Fraction(5), "soort": "dag"}]},
    ]}
    engine = DuckDBEngine(threads=1)
    engine.load_cases(statute, [case])
    version = version_on(statute, DAY)
    row = engine.outcomes(version)[0]
    assert row["toeslag"][:2] == ("decided", Fraction(46533, 100))
    assert row["goedkoopste"][:2] == ("decided", Fraction(5))
    assert row["alle_dag"][:2] == ("decided", True)
    per_kind = engine.item_outcomes(version, "kind")
    assert per_kind[(1, 1)]["per_kind"][:2] == ("decided", Fraction(46533, 100))
    assert per_kind[(1, 2)]["per_kind"][:2] == ("default", Fraction(0))
    assert per_kind[(1, 1)]["verhouding"][:2] == ("decided", Fraction(20, 3))  # (12 + 8) / 3
    assert row["gemiddeld"][:2] == ("decided", Fraction(20 + 5, 9))  # (20/3 + 5/3) / 3
    contracts = engine.item_outcomes(version, "contract")
    assert contracts[(1, 1, 2)]["vergoedbare_prijs"][:2] == ("decided", Fraction(36, 5))  # €7.20


def test_min_of_no_items_is_undefined_and_a_conflict_per_item_is_reported() -> None:
    statute = _load(KINDEROPVANG)
    case = {"inkomen": Fraction(1000), "alleenstaand": True, "kind": [
        {"leeftijd": 16, "uren": 230, "contract": []}]}
    engine = DuckDBEngine(threads=1)
    engine.load_cases(statute, [case])
    version = version_on(statute, DAY)
    row = engine.outcomes(version)[0]
    # duurste of the only child is max() over no day contracts: undefined, so is min(kind: duurste)
    assert row["goedkoopste"][0] == "undefined"
    per_kind = engine.item_outcomes(version, "kind")[(1, 1)]
    assert per_kind["duurste"][0] == "undefined"
    assert per_kind["botsing"][0] == "conflict"
    assert per_kind["botsing"][2] == "rules b1 and b2 both apply and disagree"
    assert row["botsingen"][0] == "undefined"  # the sum reads a conflicting item decision


def test_items_compile_for_spark_without_duckdbs_list_functions() -> None:
    """Spark has no ``range`` table function, ``gcd``, ``list_reduce`` or ``struct_extract``:
    its plan unnests with posexplode and folds with ``aggregate`` (tests/test_spark_items.py
    runs it against DuckDB)."""
    statute = _load(KINDEROPVANG)
    sql = ItemSqlCompiler(version_on(statute, DAY), "spark").sql("population").lower()
    assert "posexplode" in sql and "aggregate(" in sql
    for duckdb_only in ("range(", "gcd(", "list_reduce", "struct_extract", "list_extract"):
        assert duckdb_only not in sql, duckdb_only


# --- populations with items -------------------------------------------------------------------

AMENDMENT = '\namendment ruimer "Ruimer"\n  amends Opvang in force 2026-01-01\n  set parameter max_uurprijs = €12.50\n'


def _cases_from_parquet(path) -> list[dict]:
    """The population read back as the evaluator's cases (Decimal -> Fraction), in file order."""
    from decimal import Decimal

    import duckdb

    def plain(value):
        if isinstance(value, Decimal):
            return Fraction(value)
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    cursor = duckdb.connect().execute(f"SELECT * FROM read_parquet('{path}')")
    names = [d[0] for d in cursor.description]
    return [plain(dict(zip(names, row))) for row in cursor.fetchall()]


def test_generated_population_with_items_and_impact_totals_match_the_evaluator(tmp_path) -> None:
    """``lexproof population`` draws 0 to the maximum items per kind (nested), deterministic
    for a seed; ``impact`` over it gives the totals the evaluator gives row by row."""
    from lexproof.verifier import api

    law = tmp_path / "opvang.law"
    law.write_text(KINDEROPVANG + AMENDMENT, encoding="utf-8")
    program = api.load(law)
    out, again = tmp_path / "p.parquet", tmp_path / "q.parquet"
    api.generate_population(program, rows=400, seed=5, out=out)
    api.generate_population(program, rows=400, seed=5, out=again)
    cases = _cases_from_parquet(out)
    assert cases == _cases_from_parquet(again)
    counts = {len(case["kind"]) for case in cases}
    assert counts == {0, 1, 2, 3}  # every count up to the maximum occurs in 400 rows
    assert {len(child["contract"]) for case in cases for child in case["kind"]} == {0, 1, 2}
    assert all(0 <= child["leeftijd"] <= 17 and 0 <= c["uurprijs"] <= 15 for case in cases
               for child in case["kind"] for c in child["contract"])
    report = api.impact(program, out, amendment="ruimer", decisions=["toeslag", "botsingen"])
    assert report.population.bad == 0
    statute = program.statute()
    before = version_on(statute, dt.date(2026, 1, 1), exclude=("ruimer",))
    after = version_on(statute, dt.date(2026, 1, 1), include=("ruimer",))
    for item in report.decisions:
        expected = {}
        for slot, version in (("before", before), ("after", after)):
            outcomes = [Evaluator({None: version}, {None: case}).decision(item.decision) for case in cases]
            expected[slot] = sum((o.value for o in outcomes if o.defined), Fraction(0))
            undefined = sum(1 for o in outcomes if not o.defined)
        assert (item.overall.total_before, item.overall.total_after) == (expected["before"], expected["after"])
        assert item.overall.counts.get("undefined in both", 0) + item.overall.counts.get("become undefined", 0) \
            == undefined
    assert report.decisions[0].overall.counts["gain"] > 0  # a higher maximum price: some gain


def test_bad_items_in_a_csv_extract_are_counted_not_dropped(tmp_path) -> None:
    """Items in a CSV column as JSON (as in a case file): too many items, an item fact out of
    range, a nested fact that is no amount in cents, unreadable JSON and a missing field make
    the row bad, each counted with its problem; the good rows are used; exit 1."""
    import json as json_module

    from click.testing import CliRunner

    from lexproof.verifier.cli import main

    law = tmp_path / "opvang.law"
    law.write_text(KINDEROPVANG + AMENDMENT, encoding="utf-8")
    child = {"leeftijd": 3, "uren": 100, "contract": [{"uurprijs": "12.00", "soort": "dag"}]}
    rows = [
        [child],  # good
        [child] * 4,  # 4 > 3
        [{**child, "leeftijd": 18}],  # out of range
        [{**child, "contract": [{"uurprijs": "1.005", "soort": "dag"}]}],  # fraction of a cent
        "not json",
        [{"uren": 10, "contract": []}],  # leeftijd missing
        [],  # good: no children
    ]
    lines = ["inkomen,alleenstaand,kind"]
    for listed in rows:
        text = listed if isinstance(listed, str) else json_module.dumps(listed)
        lines.append('45000,false,"' + text.replace('"', '""') + '"')
    population = tmp_path / "pop.csv"
    population.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["impact", str(law), "--population", str(population), "--amendment", "ruimer",
                                       "--decision", "toeslag", "--format", "json"])
    assert result.exit_code == 1, result.output
    payload = json_module.loads(result.stdout)
    assert payload["population"]["rows"] == 7
    assert payload["population"]["bad_rows"] == 5
    assert payload["population"]["problems"] == {
        "kind: more than 3 items (the statute allows at most 3)": 1,
        "kind: leeftijd of an item: above the fact's range": 1,
        "kind: contract: uurprijs of an item: not an amount in whole cents": 1,
        "kind: not a list of items (records of the kind's facts)": 1,
        "kind: leeftijd of an item: missing value": 1,
    }
    assert payload["decisions"][0]["counts"]["keep"] + payload["decisions"][0]["counts"]["gain"] == 2
    # child 1 of row 1: min(12, 10.25) = 10.25 before, 12 after; 100 hours at 80%, / 3 -> rounded down
    assert payload["decisions"][0]["total_before"] == "273.33"
    assert payload["decisions"][0]["total_after"] == "320.00"


def test_a_statute_with_items_compiles_for_spark_when_the_decisions_read_no_items() -> None:
    """Decisions that read no items compile for Spark as before (no item tables)."""
    statute = _load(KINDEROPVANG + "decision arm: bool [art. 13] otherwise false\nrule a [art. 13]: arm = true if inkomen < €20_000\n")
    sql = ItemSqlCompiler(version_on(statute, DAY), "spark").sql("population", ["arm"])
    assert "DECIMAL(38, 0)" in sql and "arm" in sql and "POSEXPLODE" not in sql
