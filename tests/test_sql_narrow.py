"""Faster SQL with the same values (verifier/sql_narrow.py, constant denominators in
verifier/sql_compile.py): 64-bit integers only where every integer provably fits, no gcd per
row where a denominator is a constant, and exact values either way. Expected values are
computed by hand in the comments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

duckdb = pytest.importorskip("duckdb")

from sqlglot import exp  # noqa: E402

from lexproof.dsl.check_program import check_files  # noqa: E402
from lexproof.dsl.consolidate import version_on  # noqa: E402
from lexproof.dsl.parser import parse_text  # noqa: E402
from lexproof.verifier.sql_compile import SqlCompiler  # noqa: E402
from lexproof.verifier.sql_narrow import narrowable  # noqa: E402

TAX = """\
statute Belasting
facts Persoon {
  salary: money €0..€1_000_000
  capital_returns: money €0..€1_000_000
  pension: money €0..€1_000_000
}
parameter income_tax_rate: rate [art. 1] = 15%
table social_security_scale [art. 2]: money -> money marginal {
  up to €6_000: 2%
  up to €12_400: 6%
  above: 12%
}
decision income_tax: money [art. 1]
rule flat [art. 1]: income_tax = (salary + capital_returns + pension) * income_tax_rate
decision social_security_contribution: money [art. 2]
rule scale [art. 2]: social_security_contribution = social_security_scale(salary)
"""

# The same formulas over facts without a range, or with ranges whose products leave 64 bits.
UNBOUNDED = TAX.replace("salary: money €0..€1_000_000", "salary: money")
HUGE = """\
statute Groot
facts F {
  x: number 0..100_000
  y: number 0..100_000
}
decision p: number [art. 1]
rule r [art. 1]: p = x * y
"""


def compile_sql(text: str, decisions: list[str] | None = None) -> tuple[str, object]:
    program = check_files([parse_text(text, "s.law")])
    (statute,) = program.statutes.values()
    version = version_on(statute, dt.date(2025, 1, 1))
    return SqlCompiler(version).sql("population", decisions, keep=["row"]), version


def run(text: str, columns: dict[str, str], rows: list[tuple]) -> tuple[str, list[dict]]:
    sql, _ = compile_sql(text)
    con = duckdb.connect()
    con.execute(f'create table population ("row" INTEGER, {", ".join(f"{n} {t}" for n, t in columns.items())})')
    con.executemany(f"insert into population values ({', '.join('?' * (len(columns) + 1))})",
                    [[i, *r] for i, r in enumerate(rows)])
    cursor = con.execute(sql + ' order by "row"')
    names = [d[0] for d in cursor.description]
    return sql, [dict(zip(names, values)) for values in cursor.fetchall()]


def value(row: dict, name: str) -> Fraction:
    return Fraction(int(row[name]), int(row[name + ":den"]))


MONEY = {"salary": "DECIMAL(38,2)", "capital_returns": "DECIMAL(38,2)", "pension": "DECIMAL(38,2)"}
TAX_ROWS = [  # (salary, capital returns, pension)
    # tax 15% of 0 = 0; contribution 0
    (Decimal("0.00"), Decimal("0.00"), Decimal("0.00")),
    # tax 15% of 6000.01 = 900.0015; contribution 2% of 6000 + 6% of 0.01 = 120.0006
    (Decimal("6000.01"), Decimal("0.00"), Decimal("0.00")),
    # contribution 2% of 6000 + 6% of 6400 = 120 + 384 = 504; tax 15% of 12400 = 1860
    (Decimal("12400.00"), Decimal("0.00"), Decimal("0.00")),
    # tax 15% of 3,000,000 = 450,000; contribution 504 + 12% of 987,600 = 504 + 118,512 = 119,016
    (Decimal("1000000.00"), Decimal("1000000.00"), Decimal("1000000.00")),
    # tax 15% of 1234.57 = 185.1855; contribution 2% of 1234.56 = 24.6912
    (Decimal("1234.56"), Decimal("0.01"), Decimal("0.00")),
]
TAX_EXPECTED = [
    (Fraction(0), Fraction(0)),
    (Fraction("900.0015"), Fraction("120.0006")),
    (Fraction(1860), Fraction(504)),
    (Fraction(450_000), Fraction(119_016)),
    (Fraction("185.1855"), Fraction("24.6912")),
]


def test_bounded_money_is_computed_in_64_bits_with_exact_values():
    sql, rows = run(TAX, MONEY, TAX_ROWS)
    layers, outputs = sql.rsplit(") SELECT ", 1)
    assert "INT128" not in layers and "BIGINT" in layers  # every integer fits: 64 bits
    assert "INT128" not in outputs  # the outputs stay 64-bit (impact widens them; see below)
    assert "GCD" not in sql.upper()  # denominators are constants: no gcd per row
    for row, (tax, contribution) in zip(rows, TAX_EXPECTED):
        assert (value(row, "income_tax"), value(row, "social_security_contribution")) == (tax, contribution)
        assert row["income_tax:status"] == "decided"


# Salaries up to €10^14: 10^16 cents, 15% of it 3 * 10^16 / 20 (numerator 3 * 10^16 < 2^62, so the
# query computes in 64 bits). impact compares the versions crosswise: a numerator times the
# other version's denominator, 3 * 10^16 * 20 * ... beyond 2^63: it must widen first.
HUGE_SALARIES = """\
statute Belasting
facts Persoon { salary: money €0..€100_000_000_000_000 }
parameter rate: rate [art. 1] = 15%
decision tax: money [art. 1]
rule flat [art. 1]: tax = salary * rate

amendment hoger "hoger" amends Belasting in force 2027-01-01 proposal
  set parameter rate = 16.5% from 2027-01-01
"""


def test_outputs_are_64_bit_and_impact_widens_them_to_compare(tmp_path):
    import datetime as dt

    from lexproof.dsl.consolidate import version_on
    from lexproof.verifier import api
    from lexproof.verifier.sql_compile import SqlCompiler

    law, population = tmp_path / "huge.law", tmp_path / "huge.csv"
    law.write_text(HUGE_SALARIES)
    population.write_text("salary\n100000000000000.00\n99999999999999.99\n0.00\n")
    program = api.load(law)
    sql = SqlCompiler(version_on(program.statute(), dt.date(2027, 1, 1))).sql("population")
    assert "INT128" not in sql and "BIGINT" in sql
    con = duckdb.connect()
    con.execute("create table population (salary DECIMAL(38,2))")
    types = {d[0]: str(d[1]).upper() for d in con.execute(sql).description}
    assert types["tax"] == "BIGINT" and types["tax:den"] == "BIGINT"
    report = api.impact(program, population, amendment="hoger")
    (tax,) = report.decisions
    # by hand: 15% and 16.5% of 10^14 and of 10^14 - 0.01; the zero salary keeps 0
    top, below = Fraction(10**14), Fraction(10**14) - Fraction(1, 100)
    assert tax.overall.counts["gain"] == 2 and tax.overall.counts["keep"] == 1
    assert tax.overall.total_before == (top + below) * Fraction(15, 100)
    assert tax.overall.total_after == (top + below) * Fraction(165, 1000)


def test_a_fact_without_a_range_keeps_128_bits_and_the_same_values():
    sql, rows = run(UNBOUNDED, MONEY, TAX_ROWS)
    assert "INT128" in sql
    for row, (tax, contribution) in zip(rows, TAX_EXPECTED):
        assert (value(row, "income_tax"), value(row, "social_security_contribution")) == (tax, contribution)


def test_products_beyond_64_bits_keep_128_bits():
    # x = y = 100,000 as numbers over 10^12: the numerator of x * y is 10^17 * 10^17 = 10^34,
    # beyond 2^63 (about 9.2 * 10^18); the value is 10^10, exactly.
    sql, rows = run(HUGE, {"x": "DECIMAL(38,12)", "y": "DECIMAL(38,12)"},
                    [(Decimal(100_000), Decimal(100_000)), (Decimal("0.000000000001"), Decimal(3))])
    assert "INT128" in sql
    assert value(rows[0], "p") == 10**10
    assert value(rows[1], "p") == Fraction(3, 10**12)


def test_the_analysis_refuses_arithmetic_it_cannot_bound():
    wide = exp.DataType.build("HUGEINT", dialect="duckdb")
    column = exp.Column(this=exp.Identifier(this="unknown", quoted=True))
    product = exp.Cast(this=exp.Mul(this=column, expression=exp.Literal.number(2)), to=wide)
    cte = exp.Select(expressions=[exp.Star(), exp.Alias(this=product, alias=exp.to_identifier("v"))],
                     from_=exp.From(this=exp.to_table("population")))
    query = exp.Select(expressions=[exp.column("v")], from_=exp.From(this=exp.to_table("l0")),
                       with_=exp.With(expressions=[exp.CTE(this=cte, alias=exp.TableAlias(this=exp.to_identifier("l0")))]))
    assert narrowable(query, wide, {}) is None  # "unknown" has no range
    bounds = narrowable(query, wide, {"unknown": Fraction(10**6)})
    assert bounds is not None and bounds.columns["v"] == 2 * 10**6
    assert narrowable(query, wide, {"unknown": Fraction(2**62)}) is None  # 2^63: beyond the limit


DATES = """\
statute Data
facts F {
  geboren: date
  inkomen: money €0..€100_000
}
decision leeftijd: int [art. 1]
rule l [art. 1]: leeftijd = years_between(geboren, 2025-01-01)
decision later: date [art. 2]
rule a [art. 2]: later = geboren + 13 months
decision per_jaar: money [art. 3]
rule p [art. 3]: per_jaar = inkomen * leeftijd
"""


def test_calendar_functions_are_bounded_by_duckdbs_date_range():
    # A DATE is a 32-bit day count, so a day difference, a year, a month and a day of month
    # are bounded whatever the dates: the query computes in 64 bits.
    sql, rows = run(DATES, {"geboren": "DATE", "inkomen": "DECIMAL(38,2)"},
                    [(dt.date(1984, 12, 31), Decimal("1500.50")), (dt.date(2008, 2, 29), Decimal("0.01"))])
    layers, _ = sql.rsplit(") SELECT ", 1)
    assert "INT128" not in layers
    first, second = rows
    # 1984-12-31 to 2025-01-01: 40 years; 13 months later: 1986-01-31; 40 x 1500.50 = 60,020
    assert (first["leeftijd"], first["later"], value(first, "per_jaar")) == (40, dt.date(1986, 1, 31), 60_020)
    # 2008-02-29 to 2025-01-01: 16 years; 13 months later: 2009-03-29 (March has a 29th); 16 x 0.01
    assert (second["leeftijd"], second["later"], value(second, "per_jaar")) == (16, dt.date(2009, 3, 29), Fraction(16, 100))
