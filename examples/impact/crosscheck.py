"""Second method for the walk-through's numbers: plain DuckDB SQL over the population files.

The three queries (check_*.sql, next to this file) restate the rules by hand, without
lexproof's compiler: who is eligible for the levenlanglerenkrediet after uitbreiding_mbo (per
leerweg), the ho total of max_per_jaar, and the kinderopvang total after nieuw_stelsel.
Usage: python examples/impact/crosscheck.py OUT   (OUT: the folder walkthrough.sh wrote)
"""

import sys
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent


def run(query: str, population: Path) -> None:
    """Print the result of one check query over one population file."""
    con = duckdb.connect()
    con.execute("SET VARIABLE f = ?", [str(population)])
    print(con.sql((HERE / query).read_text(encoding="utf-8")))


if __name__ == "__main__":
    out = Path(sys.argv[1])
    run("check_lll.sql", out / "lll.parquet")
    run("check_ho.sql", out / "lll.parquet")
    run("check_ko.sql", out / "ko.parquet")
