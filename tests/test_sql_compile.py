"""The SQL compiler (verifier/sql_compile.py) on hand-checked cases, run on DuckDB.

Expected values are computed by hand in the comments; the evaluator is a second method only in
tests/test_sql_soundness.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

duckdb = pytest.importorskip("duckdb")

from lexproof.dsl.check_program import check_files  # noqa: E402
from lexproof.dsl.consolidate import version_on  # noqa: E402
from lexproof.dsl.parser import parse_text  # noqa: E402
from lexproof.verifier.sql_compile import SqlCompileError, SqlCompiler  # noqa: E402

SMALL = """\
statute S
enum Soort { a, b }
facts F {
  leeftijd: int 0..120
  inkomen: money €0..€100_000
  soort: Soort
  geboren: date
}
parameter grens: int [art. 1] = 55
parameter tarief: rate [art. 1] = 10%
table schaal [art. 2]: money -> money marginal {
  up to €1_000: 0%
  up to €2_000: 10%
  above: 50%
}
table stap [art. 2]: int -> int {
  below 18: 0
  up to 65: 1
}
decision recht: bool otherwise false
decision bedrag: money
decision derde: money
decision conflict: int
decision leeftijd_in_2025: int
decision groep: int
rule basis [art. 1]: recht = true if leeftijd < grens
rule uitzondering [art. 1 lid 2] except basis: recht = false if soort = b
rule b1 [art. 3]: bedrag = schaal(inkomen) if recht
rule d1 [art. 4]: derde = round_down(inkomen / 3)
rule c1 [art. 5]: conflict = 1 if leeftijd > 60
rule c2 [art. 5 lid 2]: conflict = 2 if leeftijd > 70
rule jaren [art. 6]: leeftijd_in_2025 = years_between(geboren, 2025-01-01)
rule g [art. 7]: groep = stap(leeftijd)
"""


def run(text: str, rows: list[dict], day: dt.date = dt.date(2025, 1, 1)) -> list[dict]:
    program = check_files([parse_text(text, "s.law")])
    (statute,) = program.statutes.values()
    version = version_on(statute, day)
    con = duckdb.connect()
    con.execute('create table population ("row" INTEGER, leeftijd BIGINT, inkomen DECIMAL(38,2), '
                'soort VARCHAR, geboren DATE)')
    con.executemany("insert into population values (?, ?, ?, ?, ?)",
                    [[i, r["leeftijd"], Decimal(r["inkomen"]), r["soort"], r["geboren"]] for i, r in enumerate(rows)])
    cursor = con.execute(SqlCompiler(version).sql("population", keep=["row"]) + ' order by "row"')
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values)) for values in cursor.fetchall()]


def money(row: dict, name: str) -> Fraction | None:
    if row[name] is None:
        return None
    return Fraction(int(row[name]), int(row[name + ":den"]))


ROWS = [
    # 40, a: basis applies. schaal(1500) = 0% of 1000 + 10% of 500 = 50.
    # derde = round_down(1500 / 3) = 500; no conflict rule applies: undecided.
    dict(leeftijd=40, inkomen="1500.00", soort="a", geboren=dt.date(1984, 12, 31)),
    # 62, b: basis overridden by the exception: recht false; bedrag has no rule applying: undecided.
    # derde = round_down(100.01 / 3) = round_down(33.3366..) = 33.33. c1 applies: 1.
    dict(leeftijd=62, inkomen="100.01", soort="b", geboren=dt.date(1963, 1, 1)),
    # 75: c1 and c2 apply and disagree: conflict. schaal not read (recht false: 75 >= 55).
    # stap(75): above the last row without 'above': undefined.
    dict(leeftijd=75, inkomen="3000.00", soort="a", geboren=dt.date(1950, 1, 2)),
    # 17, a: schaal(3000) = 0 + 100 + 50% of 1000 = 600. stap(17) = 0 (below 18).
    dict(leeftijd=17, inkomen="3000.00", soort="a", geboren=dt.date(2008, 2, 29)),
]


def test_small_statute_hand_checked():
    rows = run(SMALL, ROWS)
    first, second, third, fourth = rows
    assert (first["recht:status"], first["recht"]) == ("decided", True)
    assert money(first, "bedrag") == 50
    assert money(first, "derde") == 500
    assert (first["conflict:status"], first["conflict"]) == ("undecided", None)
    assert first["conflict:reason"] == "no rule decides conflict and it has no default"
    assert first["leeftijd_in_2025"] == 40  # born 1984-12-31: 40 on 2024-12-31
    assert (second["recht:status"], second["recht"]) == ("decided", False)
    assert second["bedrag:status"] == "undecided"
    assert money(second, "derde") == Fraction(3333, 100)
    assert (second["conflict:status"], second["conflict"]) == ("decided", 1)
    assert second["leeftijd_in_2025"] == 62  # born 1963-01-01: 62 on 2025-01-01 itself
    assert (third["conflict:status"], third["conflict"]) == ("conflict", None)
    assert third["conflict:reason"] == "rules c1 and c2 both apply and disagree"
    assert third["recht"] is False and third["recht:status"] == "default"
    assert (third["groep:status"], third["groep"]) == ("undefined", None)
    assert third["leeftijd_in_2025"] == 74  # born 1950-01-02: 75 only on 2025-01-02
    assert money(fourth, "bedrag") == 600
    assert fourth["groep"] == 0
    assert fourth["leeftijd_in_2025"] == 16  # born 2008-02-29: 17 on 2025-03-01


def test_undefined_is_not_false_in_a_conjunction():
    # SQL says FALSE AND NULL is FALSE; lexproof reads left to right: undefined first is undefined.
    text = SMALL + "decision x: bool\nrule x1 [art. 9]: x = true if (stap(leeftijd) = 1 and leeftijd < 0)\n"
    rows = run(text, [dict(leeftijd=75, inkomen="0", soort="a", geboren=dt.date(2000, 1, 1))])
    assert (rows[0]["x:status"], rows[0]["x"]) == ("undefined", None)
    assert rows[0]["x:reason"] == "a condition of x is undefined"


def test_a_construct_of_another_version_is_a_positioned_error():
    from lexproof.dsl.ir import DecisionRef, Type
    from lexproof.dsl.source import Span

    program = check_files([parse_text(SMALL, "s.law")])
    (statute,) = program.statutes.values()
    compiler = SqlCompiler(version_on(statute, dt.date(2025, 1, 1)))
    span = Span("s.law", 3, 1, 3, 5)
    node = DecisionRef("recht", Type("bool"), version="before", span=span)
    with pytest.raises(SqlCompileError) as error:
        compiler.expr(node)
    assert "s.law:3:1: error: a decision of another case or version" in error.value.render()


ROUNDING = SMALL.replace("decision groep: int\n", """decision groep: int
decision naar_euro: money
decision omhoog_tien: money
decision afgerond: money
decision halve: money
decision heel: int
rule r1 [art. 8]: naar_euro = round_down(inkomen / 3 - €500, €1)
rule r2 [art. 8 lid 2]: omhoog_tien = round_up(inkomen / 7 - €200, €10)
rule r3 [art. 8 lid 3]: afgerond = round(€250 - inkomen / 4, €1)
rule r4 [art. 8 lid 4]: halve = round(inkomen / 8 - €190, €0.05)
rule r5 [art. 8 lid 5]: heel = round(leeftijd / 4, 1)
""")


@pytest.mark.parametrize(
    "inkomen, leeftijd, expected",
    [
        # 1500 / 3 - 500 = 0 -> 0; 1500 / 7 - 200 = 14.2857.. -> up to 20; 250 - 375 = -125 -> -125;
        # 187.5 - 190 = -2.5 -> to the nearest 0.05: -2.50; 40 / 4 = 10 -> 10.
        ("1500.00", 40, {"naar_euro": 0, "omhoog_tien": 20, "afgerond": -125, "halve": Fraction(-5, 2), "heel": 10}),
        # 100.01 / 3 - 500 = -466.663.. -> down to -467; 100.01 / 7 - 200 = -185.712.. -> up to -180;
        # 250 - 25.0025 = 224.9975 -> 225; 12.50125 - 190 = -177.49875 -> -177.50 (the nearest 0.05);
        # 62 / 4 = 15.5 -> a half away from zero: 16.
        ("100.01", 62, {"naar_euro": -467, "omhoog_tien": -180, "afgerond": 225, "halve": Fraction(-355, 2), "heel": 16}),
        # 1501.50 / 3 - 500 = 0.5 -> 0; 1501.5 / 7 - 200 = 14.5 -> 20; 250 - 375.375 = -125.375 -> -125;
        # 187.6875 - 190 = -2.3125 -> -2.30; 17 / 4 = 4.25 -> 4.
        ("1501.50", 17, {"naar_euro": 0, "omhoog_tien": 20, "afgerond": -125, "halve": Fraction(-23, 10), "heel": 4}),
        # 1000 / 3 - 500 = -166.66.. -> -167; 1000 / 7 - 200 = -57.14.. -> -50; 250 - 250 = 0 -> 0;
        # 125 - 190 = -65 -> -65; 2 / 4 = 0.5 -> 1 (a half away from zero).
        ("1000.00", 2, {"naar_euro": -167, "omhoog_tien": -50, "afgerond": 0, "halve": -65, "heel": 1}),
    ],
)
def test_rounding_to_a_unit_hand_checked(inkomen: str, leeftijd: int, expected: dict) -> None:
    """round_down / round_up / round to a unit in SQL, as lexproof.dsl.evaluator.round_to: the unit is not
    always a cent (a merge once left SQL rounding every unit to cents)."""
    (row,) = run(ROUNDING, [dict(leeftijd=leeftijd, inkomen=inkomen, soort="a", geboren=dt.date(2000, 1, 1))])
    for name, value in expected.items():
        got = row[name] if name == "heel" else money(row, name)
        assert got == value, (name, got, value)


MARGINAL = """\
statute M
facts F {
  x: money
}
table schijven [art. 1]: money -> money marginal {
  up to €10: 10%
  below €30: 20%
  above: 50%
}
table zonder_boven [art. 1]: money -> money marginal {
  up to €10: 1/3
  up to €20: 25%
}
decision heffing: money [art. 1]
rule h [art. 1]: heffing = schijven(x)
decision rest: money [art. 2]
rule r [art. 2]: rest = zonder_boven(x)
"""


@pytest.mark.parametrize("pieces", [True, False])
def test_marginal_tables_by_hand_with_and_without_the_linear_pieces(pieces: bool, monkeypatch) -> None:
    """A marginal table with constant brackets is compiled as linear pieces (a + r x on each
    bracket); the bracket-by-bracket sum (pieces=False) must give the same exact values.
    By hand: schijven(25) = 10% of 10 + 20% of 15 = 1 + 3 = 4; schijven(40) = 1 + 4 + 50% of 10
    = 10; schijven(-5) = 0; schijven(10) = 1; zonder_boven(15) = 10/3 + 5/4 = 55/12;
    zonder_boven(20.01) is above the last row: undefined."""
    if not pieces:
        monkeypatch.setattr(SqlCompiler, "_marginal_pieces", lambda self, table: None)
    (model,) = check_files([parse_text(MARGINAL, "m.law")]).statutes.values()
    version = version_on(model, dt.date(2025, 1, 1))
    sql = SqlCompiler(version).sql("population")
    con = duckdb.connect()
    con.execute("CREATE TABLE population (x DECIMAL(38,2))")
    values = ["25", "40", "-5", "10", "15", "20.01", "0", "30", "29.99"]
    con.executemany("INSERT INTO population VALUES (?)", [[Decimal(v)] for v in values])
    rows = con.execute(sql).fetchall()
    columns = [d[0] for d in con.description]
    got = {}
    for value, row in zip(values, rows):
        data = dict(zip(columns, row))
        heffing = Fraction(int(data["heffing"]), int(data["heffing:den"]))
        rest = None if data["rest"] is None else Fraction(int(data["rest"]), int(data["rest:den"]))
        got[value] = (heffing, rest, data["rest:status"])
    assert got["25"][0] == 4
    assert got["40"][0] == 10
    assert got["-5"][0] == 0
    assert got["10"][0] == 1
    assert got["0"][0] == 0
    assert got["30"][0] == 1 + 4  # 'below €30': 30 is in the above part, which starts at 30: 0 more
    assert got["29.99"][0] == 1 + Fraction(1999, 100) * Fraction(1, 5)
    assert got["15"][1] == Fraction(55, 12)
    assert got["20.01"][1:] == (None, "undefined")
