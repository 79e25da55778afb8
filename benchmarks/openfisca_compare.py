"""lexproof on DuckDB against OpenFisca-core on the same two tax formulas (docs/performance.md).

    pip install --target .ofenv openfisca-core openfisca-country-template   # not a dependency
    python benchmarks/openfisca_compare.py --rows 1000000 --openfisca .ofenv

The formulas are openfisca-country-template's ``income_tax`` (flat 15% of salary, capital
returns and pension) and ``social_security_contribution`` (a marginal scale over the salary:
2% up to 6,000, 6% up to 12,400, 12% above), on 2017-01; ``benchmarks/tax/tax.law`` states
them for lexproof. One synthetic population (``lexproof population`` with
``benchmarks/tax/distributions.toml``, seed 1; not timed) feeds both, already in memory:
OpenFisca gets its columns as numpy arrays, lexproof as a DuckDB table (read from the Parquet
file and validated; neither is timed).

Printed per engine: median seconds over ``--repeat`` runs (wall, and CPU of this process, all
threads) and persons per second for the two formulas over every person: OpenFisca's
simulation built, its inputs set and both formulas calculated; lexproof's version compiled to
SQL and every person's outcome kept in a table (and, separately, summed in the engine). Also,
once, lexproof from the Parquet file (reading and validation included) and ``api.impact`` of
the amendment ``hoger`` (both versions, counts, exact totals, deciles). OpenFisca computes in
float32; the largest difference from lexproof's exact values is printed too."""

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


def timed(action, repeat: int = 1):
    """The action's result and its median wall and CPU seconds over ``repeat`` runs (CPU time
    of this process counts every thread, DuckDB's included; on a loaded machine wall time
    is mostly waiting, so the ratios are given in both)."""
    runs = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = action()
        runs.append((time.perf_counter() - wall, time.process_time() - cpu))
    walls, cpus = sorted(r[0] for r in runs), sorted(r[1] for r in runs)
    return result, walls[len(runs) // 2], cpus[len(runs) // 2]


NAMES = ["income_tax", "social_security_contribution"]


def lexproof_compute(program, population: Path, threads: int | None, repeat: int, show):
    """Both decisions of one version over every row. As OpenFisca is handed its input as
    arrays in memory, lexproof gets the population as a DuckDB table in memory (read from
    Parquet and validated against the facts' types and ranges beforehand, not timed). Timed:
    compiling the version to SQL and computing every person's outcome, kept as a table
    (value, denominator and status of both decisions: what OpenFisca's arrays hold, plus the
    status), and, separately, the same summed in the engine (exact: numerators per
    denominator). Also timed once: the same from the Parquet file (reading, numbering and
    validating included)."""
    import datetime as dt

    from lexproof.dsl.consolidate import version_on
    from lexproof.verifier.sql_engine import DuckDBEngine
    from lexproof.verifier.sql_items import compiler_for

    version = version_on(program.statute(), dt.date(2027, 1, 1))
    engine = DuckDBEngine(threads=threads)
    engine.load(population, program.statute(), ["salary", "capital_returns", "pension"])
    engine.materialize("population_in_memory", "SELECT * FROM population")
    kept = ", ".join(f'"{n}", "{n}:den", "{n}:status"' for n in NAMES)
    sums = ", ".join(f'sum("{n}"), "{n}:den"' for n in NAMES)
    compile_sql, wall, cpu = timed(lambda: compiler_for(version, "duckdb").sql("population_in_memory", NAMES, ["__row"]),
                                   repeat)
    print(f"lexproof: compiling both decisions to SQL: {wall:.3f} s wall ({cpu:.3f} s CPU)")

    def per_person():
        sql = compiler_for(version, "duckdb").sql("population_in_memory", NAMES, ["__row"])
        engine.materialize("results", f"SELECT __row, {kept} FROM ({sql}) AS o")

    _, wall, cpu = timed(per_person, repeat)
    show("lexproof on DuckDB: compile + every person's outcome kept (value, denominator, status)", "kept", wall, cpu)

    def summed():
        sql = compiler_for(version, "duckdb").sql("population_in_memory", NAMES, ["__row"])
        return engine.query(f"SELECT count(*), {sums} FROM ({sql}) AS o GROUP BY ALL")

    rows, wall, cpu = timed(summed, repeat)
    show("lexproof on DuckDB: compile + both formulas summed in the engine (exact)", "summed", wall, cpu)
    from_file = engine.outcome_sql(version, NAMES)
    _, wall, cpu = timed(lambda: engine.query(f"SELECT count(*), {sums} FROM ({from_file}) AS o GROUP BY ALL"))
    show("lexproof on DuckDB: the same from the Parquet file (read, numbered, validated)", None, wall, cpu)
    sample = engine.query('SELECT "income_tax", "income_tax:den", "social_security_contribution", '
                          '"social_security_contribution:den" FROM results ORDER BY __row LIMIT 100000')
    return rows, sample


def openfisca_compute(population: Path, path: str, repeat: int):
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

    return timed(run, repeat)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--openfisca", metavar="PATH", help="where openfisca-core is installed (pip --target)")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (the median is shown)")
    parser.add_argument("--population", type=Path, help="an existing population file (default: generated)")
    parser.add_argument("--no-impact", action="store_true", help="leave out api.impact")
    args = parser.parse_args()
    program = api.load(LAW)
    seconds: dict[str, tuple[float, float]] = {}

    def show(label: str, key: str | None, wall: float, cpu: float) -> None:
        if key:
            seconds[key] = (wall, cpu)
        print(f"{label}: {args.rows:,} rows in {wall:.3f} s wall ({cpu:.3f} s CPU): "
              f"{args.rows / wall:,.0f} persons/s wall, {args.rows / cpu:,.0f} per CPU second", flush=True)

    with tempfile.TemporaryDirectory() as folder:
        population = args.population or Path(folder) / "tax.parquet"
        if args.population is None:
            api.generate_population(program, rows=args.rows, seed=1, out=population, distributions=DISTRIBUTIONS)
        rows, exact = lexproof_compute(program, population, args.threads, args.repeat, show)
        assert sum(r[0] for r in rows) == args.rows
        if not args.no_impact:
            _, wall, cpu = timed(lambda: api.impact(program, population, amendment="hoger"))
            show("lexproof on DuckDB: impact of 'hoger' (both versions, counts, exact totals, deciles)", None, wall, cpu)
        if args.openfisca:
            (tax, contribution), wall, cpu = openfisca_compute(population, args.openfisca, args.repeat)
            show("openfisca-core: both formulas (build_default_simulation, set_input, calculate), float32", "openfisca",
                 wall, cpu)
            for key in ("kept", "summed"):
                (lw, lc), (ow, oc) = seconds[key], seconds["openfisca"]
                print(f"lexproof ({key}) / OpenFisca, persons per second: {ow / lw:.1f}x wall, {oc / lc:.1f}x CPU")
            worst = max(max(abs(Fraction(float(t)) - Fraction(int(a), int(b))),
                            abs(Fraction(float(c)) - Fraction(int(d), int(e))))
                        for t, c, (a, b, d, e) in zip(tax[:100000], contribution[:100000], exact[:100000]))
            print(f"largest difference of OpenFisca's float32 from the exact value (first 100,000): €{float(worst):.4f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
