"""lexproof on DuckDB against OpenFisca-core on the same two tax formulas (docs/performance.md).

    pip install --target /tmp/ofenv openfisca-core openfisca-country-template   # not a dependency
    python benchmarks/openfisca_compare.py --rows 1000000 --openfisca /tmp/ofenv

The formulas are openfisca-country-template's ``income_tax`` (flat 15% of salary, capital
returns and pension) and ``social_security_contribution`` (a marginal scale over the salary:
2% up to 6,000, 6% up to 12,400, 12% above), on 2017-01; ``benchmarks/tax/tax.law`` states
them for lexproof. One synthetic population (``lexproof population`` with
``benchmarks/tax/distributions.toml``, seed 1; not timed) feeds both: lexproof reads the
Parquet file, OpenFisca gets its columns as numpy arrays (reading them is not timed).

Printed per engine: seconds (wall and CPU of this process) and persons per second for the two
formulas over every person, and, for lexproof, also ``api.impact`` of the amendment ``hoger``
(both versions, counts, exact totals, deciles). OpenFisca computes in float32; the largest
difference from lexproof's exact values is printed too."""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lexproof.verifier import api  # noqa: E402

LAW = ROOT / "benchmarks" / "tax" / "tax.law"
DISTRIBUTIONS = ROOT / "benchmarks" / "tax" / "distributions.toml"


def timed(action):
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def lexproof_compute(program, population: Path, threads: int | None):
    """Both decisions of one version over every row, as exact fractions summed in the engine
    per denominator (so every row is computed), and the row values kept for the comparison."""
    import datetime as dt

    from lexproof.dsl.consolidate import version_on
    from lexproof.verifier.sql_engine import DuckDBEngine

    version = version_on(program.statute(), dt.date(2027, 1, 1))
    engine = DuckDBEngine(threads=threads)
    engine.load(population, program.statute(), ["salary", "capital_returns", "pension"])
    sql = engine.outcome_sql(version, ["income_tax", "social_security_contribution"])

    def run():
        return engine.query(
            f'SELECT count(*), sum("income_tax"), "income_tax:den", sum("social_security_contribution"), '
            f'"social_security_contribution:den" FROM ({sql}) AS o GROUP BY ALL')

    rows, wall, cpu = timed(run)
    sample = engine.query(f'SELECT "income_tax", "income_tax:den", "social_security_contribution", '
                          f'"social_security_contribution:den" FROM ({sql}) AS o ORDER BY __row LIMIT 100000')
    return rows, wall, cpu, sample


def openfisca_compute(population: Path, path: str):
    sys.path.insert(0, path)
    import duckdb
    import numpy
    from openfisca_core.simulation_builder import SimulationBuilder
    from openfisca_country_template import CountryTaxBenefitSystem

    columns = duckdb.connect().execute(
        f"SELECT CAST(salary AS DOUBLE), CAST(capital_returns AS DOUBLE), CAST(pension AS DOUBLE) "
        f"FROM read_parquet('{population}')").fetchnumpy()
    salary, capital, pension = (numpy.asarray(v) for v in columns.values())
    system = CountryTaxBenefitSystem()

    def run():
        simulation = SimulationBuilder().build_default_simulation(system, count=len(salary))
        for name, values in (("salary", salary), ("capital_returns", capital), ("pension", pension)):
            simulation.set_input(name, "2017-01", values)
        return (simulation.calculate("income_tax", "2017-01"),
                simulation.calculate("social_security_contribution", "2017-01"))

    return timed(run)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--openfisca", metavar="PATH", help="where openfisca-core is installed (pip --target)")
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    program = api.load(LAW)
    with tempfile.TemporaryDirectory() as folder:
        population = Path(folder) / "tax.parquet"
        api.generate_population(program, rows=args.rows, seed=1, out=population, distributions=DISTRIBUTIONS)
        rows, wall, cpu, exact = lexproof_compute(program, population, args.threads)
        assert sum(r[0] for r in rows) == args.rows
        print(f"lexproof duckdb, both formulas: {args.rows:,} rows in {wall:.2f} s wall ({cpu:.2f} s CPU): "
              f"{args.rows / wall:,.0f} persons/s", flush=True)
        report, wall, cpu = timed(lambda: api.impact(program, population, amendment="hoger"))
        print(f"lexproof duckdb, impact of 'hoger' (both versions, totals, deciles): {wall:.2f} s wall "
              f"({cpu:.2f} s CPU): {args.rows / wall:,.0f} persons/s", flush=True)
        if args.openfisca:
            (tax, contribution), wall, cpu = openfisca_compute(population, args.openfisca)
            print(f"openfisca-core, both formulas: {args.rows:,} persons in {wall:.2f} s wall ({cpu:.2f} s CPU): "
                  f"{args.rows / wall:,.0f} persons/s", flush=True)
            worst = max(max(abs(Fraction(float(t)) - Fraction(int(a), int(b))),
                            abs(Fraction(float(c)) - Fraction(int(d), int(e))))
                        for t, c, (a, b, d, e) in zip(tax[:100000], contribution[:100000], exact[:100000]))
            print(f"largest difference of OpenFisca's float32 from the exact value (first 100,000): €{float(worst):.4f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
