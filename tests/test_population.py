"""Populations: synthetic ones are deterministic and within the facts' ranges; real extracts
with bad rows report every bad row (counted per problem, first ones shown with file and row)
and never drop one silently."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

pytest.importorskip("duckdb")

from lexproof.dsl.check_program import check_files  # noqa: E402
from lexproof.dsl.diagnostics import LexproofError  # noqa: E402
from lexproof.dsl.parser import parse_text  # noqa: E402
from lexproof.verifier.population import load_population, write_population  # noqa: E402
from lexproof.verifier.sql_engine import connect  # noqa: E402

TEXT = """\
statute S
enum Soort { a, b, c }
facts F {
  leeftijd: int 18..67 typical 40
  inkomen: money €0..€50_000
  soort: Soort typical a
  student: bool
  geboren: date
}
decision recht: bool otherwise false
rule r [art. 1]: recht = true if leeftijd < 30 and soort = a
"""


def statute():
    (model,) = check_files([parse_text(TEXT, "s.law")]).statutes.values()
    return model


def test_synthetic_population_is_deterministic_and_in_range(tmp_path: Path) -> None:
    con = connect(threads=2)
    first, second, other = tmp_path / "a.parquet", tmp_path / "b.parquet", tmp_path / "c.parquet"
    write_population(con, statute(), 2000, 7, first)
    write_population(connect(threads=1), statute(), 2000, 7, second)
    write_population(con, statute(), 2000, 8, other)
    read = "SELECT * FROM read_parquet('{}') ORDER BY ALL"
    assert con.execute(read.format(first)).fetchall() == con.execute(read.format(second)).fetchall()
    assert con.execute(read.format(first)).fetchall() != con.execute(read.format(other)).fetchall()
    low, high, lowest, highest, kinds = con.execute(
        f"SELECT min(leeftijd), max(leeftijd), min(inkomen), max(inkomen), list(DISTINCT soort ORDER BY soort) "
        f"FROM read_parquet('{first}')").fetchone()
    assert 18 <= low and high <= 67
    assert 0 <= lowest and highest <= 50_000
    assert kinds == ["a", "b", "c"]
    report = load_population(con, first, statute(), ["leeftijd", "inkomen", "soort", "student", "geboren"])
    assert (report.rows, report.bad) == (2000, 0)


def test_bad_rows_are_counted_and_shown(tmp_path: Path) -> None:
    path = tmp_path / "extract.csv"
    path.write_text(
        "leeftijd,inkomen,soort,student,geboren\n"
        "40,100.00,a,true,1985-01-01\n"       # row 1: good
        "veertig,100.00,a,true,1985-01-01\n"  # row 2: not a whole number
        "40,100.001,a,true,1985-01-01\n"      # row 3: fractions of a cent
        "40,100,d,true,1985-01-01\n"          # row 4: unknown enum value
        "70,100,a,true,1985-01-01\n"          # row 5: above the range 18..67
        "40,,a,true,1985-01-01\n"             # row 6: missing
        "40,5,b,false,1985-02-30\n"           # row 7: no such date
        "30,5,b,0,2000-02-29\n"               # row 8: good
    )
    con = connect()
    report = load_population(con, path, statute(), ["leeftijd", "inkomen", "soort", "student", "geboren"])
    assert (report.rows, report.bad, report.good) == (8, 6, 2)
    assert report.problems == {
        "leeftijd: not a whole number": 1, "inkomen: not an amount in whole cents": 1,
        "soort: not a value of Soort (a, b, c)": 1, "leeftijd: above the fact's range": 1,
        "inkomen: missing value": 1, "geboren: not a date YYYY-MM-DD": 1,
    }
    assert [b.row for b in report.examples] == [2, 3, 4, 5, 6]
    assert str(report.examples[0]) == f"{path}:row 2: column leeftijd: 'veertig': not a whole number"
    assert con.execute("SELECT list(__row ORDER BY __row), sum(inkomen) FROM population").fetchone() == ([1, 8], 105)


def test_a_missing_column_is_a_positioned_error(tmp_path: Path) -> None:
    path = tmp_path / "extract.csv"
    path.write_text("leeftijd,soort\n40,a\n")
    with pytest.raises(LexproofError) as error:
        load_population(connect(), path, statute(), ["leeftijd", "inkomen"])
    assert f"{path}:1:1: error: the population has no column 'inkomen' for fact inkomen of S" in error.value.render()


DISTRIBUTIONS = """\
[inkomen]
distribution = "lognormal"
median = 20000
sigma = 0.5

[leeftijd]
distribution = "normal"
mean = 30
sd = 10

[soort]
weights = { a = 3, c = 1 }

[student]
share = 0.2
"""


def test_distributions_file_shapes_the_population(tmp_path: Path) -> None:
    """Per-fact distributions: the shares and medians come out near what the file says (20,000
    rows), normal draws are clipped to the fact's range (18..67: a mean of 30 with sd 10 puts
    11% below 18, all of which land on 18), a value with no weight never occurs."""
    from lexproof.verifier.distributions import load_distributions

    config = tmp_path / "d.toml"
    config.write_text(DISTRIBUTIONS, encoding="utf-8")
    out = tmp_path / "p.parquet"
    con = connect()
    write_population(con, statute(), 20000, 3, out, load_distributions(config, statute()))
    students, a_share, b_count, at_18, low, high, median = con.execute(
        f"SELECT avg(CASE WHEN student THEN 1 ELSE 0 END), avg(CASE WHEN soort = 'a' THEN 1 ELSE 0 END), "
        f"count(*) FILTER (WHERE soort = 'b'), avg(CASE WHEN leeftijd = 18 THEN 1 ELSE 0 END), min(leeftijd), "
        f"max(leeftijd), median(inkomen) FROM read_parquet('{out}')").fetchone()
    assert abs(students - 0.2) < 0.02
    assert abs(a_share - 0.75) < 0.02
    assert b_count == 0
    assert 18 <= low and high <= 67
    assert 0.09 < at_18 < 0.14  # P(z < -1.2) = 0.115
    assert abs(float(median) - 20000) < 800
    again = tmp_path / "q.parquet"
    write_population(con, statute(), 20000, 3, again, load_distributions(config, statute()))
    read = "SELECT * FROM read_parquet('{}')"
    assert con.execute(read.format(out)).fetchall() == con.execute(read.format(again)).fetchall()


@pytest.mark.parametrize("text, position, message", [
    ("[inkomen]\ndistribution = \"normaal\"\nmean = 1\nsd = 1\n", "d.toml:2:1", "unknown distribution 'normaal'"),
    ("[leeftijd]\ndistribution = \"normal\"\nmean = 1\n", "d.toml:1:1", "needs mean and sd"),
    ("[leeftijd]\ndistribution = \"normal\"\nmean = 1\nsd = 0\n", "d.toml:4:1", "sd of leeftijd must be above 0"),
    ("[lengte]\nshare = 1\n", "d.toml:1:1", "has no fact 'lengte'"),
    ("[soort]\nweights = { a = 1, z = 2 }\n", "d.toml:2:1", "z is not a value of Soort"),
    ("[student]\nshare = 1.5\n", "d.toml:2:1", "between 0 and 1"),
    ("[student]\nshare = \n", "d.toml:2:", "not valid TOML"),
    ("[geboren]\nshare = 1\n", "d.toml:1:1", "only numbers, bools and enums"),
])
def test_a_bad_distributions_file_is_a_positioned_error(tmp_path: Path, text: str, position: str, message: str) -> None:
    from lexproof.verifier.distributions import load_distributions

    config = tmp_path / "d.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(LexproofError) as caught:
        load_distributions(config, statute())
    rendered = caught.value.render()
    assert f"{config.parent}/{position}" in rendered or position in rendered, rendered
    assert message in rendered, rendered


def test_a_distributions_file_in_json(tmp_path: Path) -> None:
    """The same settings as JSON (Python 3.10 has no TOML reader); a mistake points at its line."""
    from lexproof.verifier.distributions import load_distributions

    config = tmp_path / "d.json"
    config.write_text('{\n  "student": {"share": 0.2},\n  "soort": {"weights": {"a": 1, "b": 0}}\n}\n', encoding="utf-8")
    loaded = load_distributions(config, statute())
    assert loaded["student"].params == {"share": Fraction(1, 5)}
    config.write_text('{\n  "student": {"share": 0.2},\n  "soort": {"weights": {"q": 1}}\n}\n', encoding="utf-8")
    with pytest.raises(LexproofError) as caught:
        load_distributions(config, statute())
    assert "d.json:3:13: error: q is not a value of Soort" in caught.value.render()
    config.write_text('{\n  "student": {"share": 0.2,}\n}\n', encoding="utf-8")
    with pytest.raises(LexproofError) as caught:
        load_distributions(config, statute())
    assert "d.json:2:28: error: not valid JSON" in caught.value.render()


OPLEIDING = """\
statute O
enum Opleiding { mbo, hbo, wo }
enum Leerweg { geen, bol, bbl }
facts F {
  opleiding: Opleiding
  leerweg: Leerweg
  uren: int 0..40
}
decision recht: bool otherwise false
rule r [art. 1]: recht = true if leerweg = bbl
"""


def test_a_fact_drawn_only_when_another_allows_it(tmp_path: Path) -> None:
    """``when``/``otherwise``: a leerweg only for mbo students (drawn independently, an hbo
    student gets one too); a number fixed outside its condition."""
    import duckdb

    from lexproof.verifier.distributions import load_distributions

    law = check_files([parse_text(OPLEIDING, "o.law")]).statute()
    config = tmp_path / "dist.toml"
    config.write_text('[leerweg]\nweights = { bol = 1, bbl = 1 }\nwhen = { opleiding = ["mbo"] }\notherwise = "geen"\n\n'
                      '[uren]\nwhen = { opleiding = ["hbo", "wo"] }\notherwise = 0\n', encoding="utf-8")
    out, plain = tmp_path / "p.parquet", tmp_path / "q.parquet"
    write_population(connect(), law, 3000, 4, out, load_distributions(config, law))
    write_population(connect(), law, 3000, 4, plain)
    count = "SELECT opleiding, leerweg, count(*), min(uren), max(uren) FROM read_parquet('{}') GROUP BY ALL ORDER BY ALL"
    rows = duckdb.connect().execute(count.format(out)).fetchall()
    pairs = {(o, w) for o, w, *_ in rows}
    assert pairs == {("mbo", "bol"), ("mbo", "bbl"), ("hbo", "geen"), ("wo", "geen")}
    assert all(high == 0 for o, _, _, _, high in rows if o == "mbo")  # uren 0 outside hbo/wo
    assert any(high > 0 for o, _, _, _, high in rows if o != "mbo")
    independent = {(o, w) for o, w, *_ in duckdb.connect().execute(count.format(plain)).fetchall()}
    assert ("hbo", "bol") in independent  # what the condition prevents
    config.write_text('[leerweg]\nwhen = { opleiding = ["mbo"] }\notherwise = "nee"\nweights = { bol = 1 }\n',
                      encoding="utf-8")
    with pytest.raises(LexproofError, match="otherwise of leerweg: 'nee' is not a value of Leerweg"):
        load_distributions(config, law)
    config.write_text('[leerweg]\nweights = { bol = 1 }\nwhen = { uren = [1] }\notherwise = "geen"\n', encoding="utf-8")
    with pytest.raises(LexproofError, match="give a case's enum or bool fact"):
        load_distributions(config, law)
