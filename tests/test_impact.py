"""``lexproof impact`` and ``lexproof population`` end to end (CliRunner), on a small statute
whose answers are computed by hand in the comments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("duckdb")

from click.testing import CliRunner  # noqa: E402

from lexproof.verifier.cli import main  # noqa: E402

STATUTE = """\
statute S
enum Soort { a, b }
facts F {
  leeftijd: int 0..120
  inkomen: money €0..€100_000
  soort: Soort
}
parameter grens: int [art. 1] = 30
decision recht: bool otherwise false
decision toeslag: money
rule basis [art. 1]: recht = true if leeftijd < grens
rule bedrag [art. 2]: toeslag = 10% * inkomen if recht
rule nul [art. 2 lid 2]: toeslag = €0 if not recht

amendment ruimer "ruimer" amends S in force 2026-01-01
  set parameter grens = 40 from 2026-01-01
  replace rule bedrag [art. 2]: toeslag = inkomen / 3 if recht
"""

# leeftijd, inkomen, soort.  Before: recht iff leeftijd < 30, toeslag 10% of inkomen (or 0).
# After: recht iff leeftijd < 40, toeslag inkomen / 3 (or 0).
POPULATION = """\
leeftijd,inkomen,soort
20,300.00,a
35,100.00,b
50,900.00,a
25,1.00,b
"""
# row 1: 20, 300:  recht true -> true (keep);   toeslag 30 -> 100 (gain 70)
# row 2: 35, 100:  recht false -> true (become eligible); toeslag 0 -> 100/3 (gain 100/3)
# row 3: 50, 900:  false -> false (keep); 0 -> 0 (keep)
# row 4: 25, 1:    true -> true (keep); 0.10 -> 1/3 (gain 7/30)
# totals: before 30 + 0 + 0 + 0.10 = 30.10; after 100 + 100/3 + 0 + 1/3 = 401/3 (133 2/3)


def files(tmp_path: Path) -> tuple[str, str]:
    law, population = tmp_path / "s.law", tmp_path / "pop.csv"
    law.write_text(STATUTE)
    population.write_text(POPULATION)
    return str(law), str(population)


def test_impact_json_counts_totals_and_deciles_are_exact(tmp_path: Path) -> None:
    law, population = files(tmp_path)
    result = CliRunner().invoke(main, ["impact", law, "--population", population, "--amendment", "ruimer",
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["command"] == "impact"
    assert payload["population"]["rows"] == 4 and payload["population"]["bad_rows"] == 0
    recht, toeslag = payload["decisions"]
    assert recht["decision"] == "recht"
    assert recht["counts"] == {"become eligible": 1, "lose eligibility": 0, "keep": 3, "become undefined": 0}
    assert toeslag["counts"] == {"gain": 3, "lose": 0, "keep": 1, "become undefined": 0}
    assert toeslag["total_before"] == "30.10"
    assert toeslag["total_after"] == "401/3"  # no exact decimal, so a fraction
    assert toeslag["difference"] == "3107/30"  # 401/3 - 301/10 = (4010 - 903) / 30
    assert toeslag["changed"] == 3
    # the changes sorted: 7/30, 100/3, 70; deciles (quantile_disc) of three values
    assert toeslag["deciles_of_change"][0] == "7/30" and toeslag["deciles_of_change"][-1] == "70.00"
    assert set(toeslag["deciles_of_change"]) == {"7/30", "100/3", "70.00"}


def test_impact_by_a_fact_and_csv(tmp_path: Path) -> None:
    law, population = files(tmp_path)
    result = CliRunner().invoke(main, ["impact", law, "--population", population, "--amendment", "ruimer",
                                       "--by", "soort", "--decision", "toeslag", "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    header = lines[0].split(",")
    rows = [dict(zip(header, line.split(","))) for line in lines[1:]]
    assert [(r["soort"], r["gain"], r["keep"], r["total_before"], r["difference"]) for r in rows] == [
        ("(all)", "3", "1", "30.10", "3107/30"),
        ("a", "1", "1", "30.00", "70.00"),        # rows 1 and 3
        ("b", "2", "0", "0.10", "1007/30"),       # rows 2 and 4: 100/3 + 1/3 - 0.10
    ]


def test_bad_rows_are_reported_and_exit_1(tmp_path: Path) -> None:
    law, population = files(tmp_path)
    Path(population).write_text(POPULATION + "abc,1.00,a\n30,1.00,c\n")
    result = CliRunner().invoke(main, ["impact", law, "--population", population, "--from", "2025-01-01",
                                       "--to", "2026-01-01", "--by", "soort"])
    assert result.exit_code == 1, result.output
    assert "2 of 6 rows left out as bad" in result.output
    assert f"{population}:row 5: column leeftijd: 'abc': not a whole number" in result.output
    assert f"{population}:row 6: column soort: 'c': not a value of Soort (a, b)" in result.output


def test_bad_input_is_exit_2_with_a_position(tmp_path: Path) -> None:
    law, population = files(tmp_path)
    Path(population).write_text("leeftijd,soort\n20,a\n")
    result = CliRunner().invoke(main, ["impact", law, "--population", population, "--amendment", "ruimer"])
    assert result.exit_code == 2
    assert f"{population}:1:1: error: the population has no column 'inkomen' for fact inkomen of S" in result.output
    result = CliRunner().invoke(main, ["impact", law, "--population", population])
    assert result.exit_code == 2 and "give --amendment, or both --from and --to" in result.output


def test_population_command_writes_a_deterministic_file(tmp_path: Path) -> None:
    law, _ = files(tmp_path)
    first, second = tmp_path / "a.parquet", tmp_path / "b.parquet"
    for out in (first, second):
        result = CliRunner().invoke(main, ["population", law, "--rows", "500", "--seed", "3", "--out", str(out)])
        assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes()
    result = CliRunner().invoke(main, ["impact", law, "--population", str(first), "--amendment", "ruimer",
                                       "--format", "json"])
    payload = json.loads(result.output)
    assert payload["population"]["rows"] == 500
    recht = payload["decisions"][0]
    # eligible after, not before: exactly the ages 30..39, counted independently here
    import duckdb

    query = f"SELECT count(*) FROM read_parquet('{first}') WHERE leeftijd BETWEEN 30 AND 39"
    ages = duckdb.connect().execute(query).fetchone()[0]
    assert recht["counts"]["become eligible"] == ages > 0


def _keys(value, into: set[str]) -> set[str]:
    """Object keys of a JSON value, except those that are data (categories, problems, group values)."""
    if isinstance(value, dict):
        for key, item in value.items():
            into.add(key)
            if key not in ("counts", "problems", "group"):
                _keys(item, into)
    elif isinstance(value, list):
        for item in value:
            _keys(item, into)
    return into


def test_every_json_field_is_documented(tmp_path: Path) -> None:
    law, population = files(tmp_path)
    Path(population).write_text(POPULATION + "abc,1.00,a\n")
    result = CliRunner().invoke(main, ["impact", law, "--population", population, "--amendment", "ruimer",
                                       "--by", "soort", "--format", "json"])
    payload = json.loads(result.stdout)
    doc = (Path(__file__).resolve().parents[1] / "docs" / "impact.md").read_text(encoding="utf-8")
    keys = _keys(payload, set())
    assert {"groups", "first_bad_rows", "deciles_of_change"} <= keys
    missing = sorted(k for k in keys if f"`{k}`" not in doc)
    assert not missing, f"fields not documented in docs/impact.md: {missing}"
    categories = {c for d in payload["decisions"] for c in d["counts"]}
    assert not [c for c in categories if f"`{c}`" not in doc]


def test_by_deciles_of_a_fact(tmp_path: Path) -> None:
    law, population = files(tmp_path)
    result = CliRunner().invoke(main, ["impact", law, "--population", population, "--amendment", "ruimer",
                                       "--decision", "toeslag", "--by", "inkomen:deciles", "--format", "json"])
    assert result.exit_code == 0, result.output
    groups = json.loads(result.stdout)["decisions"][0]["groups"]
    # four rows, so deciles 1..4, by inkomen: 1.00 (row 4), 100.00 (row 2), 300.00 (row 1), 900.00 (row 3)
    assert [(g["group"]["inkomen:deciles"], g["difference"]) for g in groups] == [
        (1, "7/30"), (2, "100/3"), (3, "70.00"), (4, "0.00")]
    result = CliRunner().invoke(main, ["impact", law, "--population", population, "--amendment", "ruimer",
                                       "--by", "soort:deciles"])
    assert result.exit_code == 2 and "deciles need a number or date fact, and soort is Soort" in result.output


def test_plot_svg_histogram_counts_are_exact(tmp_path: Path) -> None:
    import re

    law, population = files(tmp_path)
    plot = tmp_path / "impact.svg"
    result = CliRunner().invoke(main, ["impact", law, "--population", population, "--amendment", "ruimer",
                                       "--decision", "toeslag", "--by", "soort", "--plot", str(plot)])
    assert result.exit_code == 0, result.output
    counts = [int(c.replace(",", "")) for c in re.findall(r"<title>[^<]*: ([\d,]+)</title>", plot.read_text())]
    # changes 7/30, 100/3, 70 in 20 bins of (70 - 7/30) / 20 from 7/30: bins 0, 9 ((100/3 - 7/30) / 3.488.. = 9.49)
    # and 19 (the largest change closes the last bin); then gains per soort: a 1 (row 1), b 2 (rows 2, 4)
    assert counts == [1] + [0] * 8 + [1] + [0] * 9 + [1] + [1, 2]
    result = CliRunner().invoke(main, ["impact", law, "--population", population, "--amendment", "ruimer",
                                       "--plot", str(tmp_path / "impact.pdf")])
    assert result.exit_code == 2 and "give a .svg or .png file" in result.output


def test_plot_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    law, population = files(tmp_path)
    plot = tmp_path / "impact.png"
    result = CliRunner().invoke(main, ["impact", law, "--population", population, "--amendment", "ruimer",
                                       "--by", "soort", "--plot", str(plot)])
    assert result.exit_code == 0, result.output
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_mapping_file_renames_columns(tmp_path: Path) -> None:
    law, population = files(tmp_path)
    Path(population).write_text(POPULATION.replace("leeftijd,inkomen,soort", "age,income,soort"))
    mapping = tmp_path / "map.json"
    mapping.write_text('{"leeftijd": "age", "inkomen": "income"}')
    result = CliRunner().invoke(main, ["impact", law, "--population", population, "--amendment", "ruimer",
                                       "--decision", "toeslag", "--map", str(mapping), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["decisions"][0]["difference"] == "3107/30"  # as without the mapping
    mapping.write_text('["age"]')
    result = CliRunner().invoke(main, ["impact", law, "--population", population, "--amendment", "ruimer",
                                       "--map", str(mapping)])
    assert result.exit_code == 2 and f"{mapping}:1:1: error: the mapping file must be a JSON object" in result.output


def test_deciding_articles_of_the_changes_overall_and_per_group(tmp_path: Path) -> None:
    """By hand (see POPULATION): recht changes for row 2 only, decided by 'otherwise' before
    (35 >= 30) and by basis after; toeslag changes for rows 1, 2, 4: row 2 by nul -> bedrag (the
    replaced rule, art. 2), rows 1 and 4 by bedrag -> bedrag. Per soort: a has row 1, b rows 2, 4."""
    law, population = files(tmp_path)
    result = CliRunner().invoke(main, ["impact", law, "--population", population, "--amendment", "ruimer",
                                       "--by", "soort", "--format", "json"])
    assert result.exit_code == 0, result.output
    recht, toeslag = json.loads(result.output)["decisions"]
    assert recht["deciding"] == [{"before": "otherwise", "after": "basis [art. 1]", "cases": 1}]
    assert toeslag["deciding"] == [{"before": "bedrag [art. 2]", "after": "bedrag [art. 2]", "cases": 2},
                                   {"before": "nul [art. 2 lid 2]", "after": "bedrag [art. 2]", "cases": 1}]
    groups = {g["group"]["soort"]: g["deciding"] for g in toeslag["groups"]}
    assert groups["a"] == [{"before": "bedrag [art. 2]", "after": "bedrag [art. 2]", "cases": 1}]
    assert groups["b"] == [{"before": "bedrag [art. 2]", "after": "bedrag [art. 2]", "cases": 1},
                           {"before": "nul [art. 2 lid 2]", "after": "bedrag [art. 2]", "cases": 1}]
    human = CliRunner().invoke(main, ["impact", law, "--population", population, "--amendment", "ruimer"])
    assert "decided by (before -> after), where the outcome changes: otherwise -> basis [art. 1]: 1" in human.output


def test_sweep_one_fact_keep_the_rest(tmp_path: Path) -> None:
    """The axes panel: every case with leeftijd set to each point, the rest kept. By hand (see
    POPULATION, inkomen 300, 100, 900, 1): at 20 everyone has recht before and after, toeslag
    before the mean of 10% = (30 + 10 + 90 + 0.10) / 4 = 32.525, after the mean of a third =
    1301/3 / 4 = 1301/12; at 35 recht only after (35 >= 30, < 40): 0 before, 1301/12 after;
    at 50 nobody: 0 and 0."""
    from fractions import Fraction

    from lexproof.verifier import api
    from lexproof.verifier.impact_plot import sweep

    law, population = files(tmp_path)
    report = api.impact(api.load(law), population, amendment="ruimer")
    panels = {title.split(":")[0]: (points, means) for title, points, means in sweep(report.runner, report, "leeftijd")}
    points, means = panels["toeslag"]
    assert points[0] == 20 and points[-1] == 50 and 35 in points
    at = dict(zip(points, means))
    assert at[20] == (Fraction(130_10, 400), Fraction(1301, 12))
    assert at[35] == (0, Fraction(1301, 12))
    assert at[50] == (0, 0)
    recht = dict(zip(*panels["recht"]))
    assert (recht[20], recht[35], recht[50]) == ((1, 1), (0, 1), (0, 0))
    svg = tmp_path / "p.svg"
    result = CliRunner().invoke(main, ["impact", law, "--population", population, "--amendment", "ruimer",
                                       "--plot", str(svg), "--sweep", "leeftijd"])
    assert result.exit_code == 0, result.output
    assert svg.read_text().count("<polyline") == 4  # two decisions, before and after
    bad = CliRunner().invoke(main, ["impact", law, "--population", population, "--amendment", "ruimer",
                                    "--plot", str(svg), "--sweep", "soort"])
    assert bad.exit_code == 2 and "--sweep soort: give an int or money fact of S" in bad.output
    # Regression: a fact that none of the compared decisions reads was an internal error (exit 4).
    unread = CliRunner().invoke(main, ["impact", law, "--population", population, "--amendment", "ruimer",
                                       "--decision", "recht", "--plot", str(svg), "--sweep", "inkomen"])
    assert unread.exit_code == 2, unread.output
    assert "--sweep inkomen: none of the decisions compared reads inkomen" in unread.output


ITEM_STATUTE = """\
statute K
facts H {
  inkomen: money €0..€100_000
}
items kind up to 3 {
  uren: int 0..100
}
parameter factor: int [art. 1] = 1
decision uren_totaal: int [art. 1] otherwise factor * sum(kind: uren)
decision hoog: bool [art. 2] otherwise inkomen > €500

amendment dubbel "dubbel" amends K in force 2026-01-01
  set parameter factor = 2 from 2026-01-01
"""


def test_sweep_of_a_statute_with_items_keeps_each_case_its_own_items(tmp_path: Path) -> None:
    """Regression: the swept copies of a case shared its row number, so each copy was joined to
    the items of every copy (sums 25 times too large, and a join that filled the disk on the
    kinderopvang). By hand: households with items of 10 + 20 hours and of 5 hours, so the mean
    of uren_totaal is (30 + 5) / 2 = 35/2 before and 2 * 35/2 = 35 after, at every income."""
    from fractions import Fraction

    import duckdb

    from lexproof.verifier import api
    from lexproof.verifier.impact_plot import sweep

    law, population = tmp_path / "k.law", tmp_path / "pop.parquet"
    law.write_text(ITEM_STATUTE)
    duckdb.connect().execute(
        "COPY (SELECT 100.00::DECIMAL(38,2) AS inkomen, [{'uren': 10}, {'uren': 20}] AS kind "
        f"UNION ALL SELECT 900.00, [{{'uren': 5}}]) TO '{population}' (FORMAT parquet)")
    report = api.impact(api.load(str(law)), str(population), amendment="dubbel")
    panels = {title.split(":")[0]: (points, means) for title, points, means in sweep(report.runner, report, "inkomen")}
    points, means = panels["uren_totaal"]
    assert points[0] == 100 and points[-1] == 900
    assert set(means) == {(Fraction(35, 2), Fraction(35))}
    hoog = dict(zip(*panels["hoog"]))
    assert hoog[100] == (0, 0) and hoog[900] == (1, 1)


def test_one_case_is_singular_in_english_and_dutch(tmp_path: Path) -> None:
    """'impact on 1 case', not '1 cases'; the Dutch forms are 'geval'/'gevallen', 'rij'/'rijen'."""
    from lexproof.verifier.messages import count_text

    law, population = files(tmp_path)
    Path(population).write_text("leeftijd,inkomen,soort\n20,300.00,a\n")
    result = CliRunner().invoke(main, ["impact", law, "--population", population, "--amendment", "ruimer"])
    assert result.exit_code == 0, result.output
    assert "impact on 1 case of " in result.output
    Path(population).write_text("leeftijd,inkomen,soort\n20,300.00,a\nabc,1.00,a\n")
    result = CliRunner().invoke(main, ["impact", law, "--population", population, "--amendment", "ruimer"])
    assert "impact on 1 case of " in result.output and "1 of 2 rows left out as bad" in result.output
    assert [count_text("cases", n, "nl") for n in (1, 2, 1500)] == ["1 geval", "2 gevallen", "1.500 gevallen"]
    assert [count_text("rows", n, "nl") for n in (1, 2)] == ["1 rij", "2 rijen"]
    assert [count_text("cases", n) for n in (1, 2, 1500)] == ["1 case", "2 cases", "1,500 cases"]


def test_impact_human_output_in_dutch_and_to_the_cent(tmp_path: Path) -> None:
    """The human report speaks the language and shows amounts to the cent (issue 17); the exact
    totals stay in JSON (above). By hand from POPULATION: 1 becomes eligible, 3 keep; toeslag
    gains for 3, keeps for 1; totals 30.10 before, 401/3 = 133.67 to the cent after, difference
    3107/30 = 103.57 to the cent; row 2 (35) goes from 'otherwise' (no rule) to rule basis."""
    law, population = files(tmp_path)
    args = ["impact", law, "--population", population, "--amendment", "ruimer"]
    result = CliRunner().invoke(main, [*args, "--lang", "nl"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"effect op 4 gevallen in {population} (duckdb)"
    assert lines[1] == "  voor: S op 1 januari 2026"
    assert lines[2] == "  na:   S op 1 januari 2026 (met ruimer)"
    assert "recht (bool): krijgen recht 1, verliezen recht 0, gelijk 3, worden onbepaald 0" in lines
    assert "toeslag (money): vooruit 3, achteruit 0, gelijk 1, worden onbepaald 0" in lines
    assert "  totaal voor €\xa030,10, na ≈€\xa0133,67, verschil ≈€\xa0103,57" in lines
    assert "  beslist door (voor -> na), waar de uitkomst verandert: anders -> basis [art. 1]: 1" in lines
    assert "exactly" not in result.output and "401/3" not in result.output
    english = CliRunner().invoke(main, [*args, "--lang", "en"]).output.splitlines()
    assert english[0] == f"impact on 4 cases of {population} (duckdb)"
    assert "  total before €30.10, after ≈€133.67, difference ≈€103.57" in english
