"""Persons per second of ``lexproof impact`` on DuckDB (docs/performance.md, "Impact").

    python benchmarks/impact.py [--rows 1000000] [--engine duckdb|spark]

Generates a synthetic population of the LLL statute (``lexproof population``, seed 1; not
timed), then times ``api.impact`` for ``uitbreiding_mbo`` on the eligibility and the maximum
credit (both versions over every row, the aggregates included) and prints one line: rows,
seconds (wall and CPU of this process; DuckDB's threads count in CPU), persons per second, and
the peak resident memory of the process."""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lexproof.verifier import api  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    args = parser.parse_args()
    program = api.load(ROOT / "statutes" / "lll")
    with tempfile.TemporaryDirectory() as folder:
        population = Path(folder) / "lll.parquet"
        api.generate_population(program, rows=args.rows, seed=1, out=population)
        wall, cpu = time.perf_counter(), time.process_time()
        report = api.impact(program, population, amendment="uitbreiding_mbo", engine=args.engine,
                            decisions=["recht_op_krediet", "max_krediet"])
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert report.population.good == args.rows
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"impact {args.engine}: {args.rows:,} rows in {wall:.1f} s wall ({cpu:.1f} s CPU): "
          f"{args.rows / wall:,.0f} persons/s; peak memory {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
