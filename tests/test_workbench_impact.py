"""The impact of an amendment on a population in the workbench (``lexproof serve
--population FILE``): the counts and totals of ``lexproof impact`` and its charts, as a job.

Expected counts are counted here from the population file itself with plain SQL: after
uitbreiding_mbo, opleiding_telt also holds for an mbo programme in the bbl, the bol-deeltijd and
the derde leerweg (uitbreiding_mbo.law; the leerweg is the WEB's fact), so exactly the rows with one of those become eligible for it."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("starlette")
duckdb = pytest.importorskip("duckdb")
from starlette.testclient import TestClient  # noqa: E402

from lexproof.verifier import api  # noqa: E402
from lexproof.verifier.cli import main  # noqa: E402
from lexproof.verifier.workbench.app import create_app  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LLL = str(ROOT / "statutes" / "lll")
NEWLY_COUNTED = ("bbl", "bol_deeltijd", "derde_leerweg")


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("population") / "lll.parquet"
    api.generate_population(api.load(LLL), rows=400, seed=3, out=out)
    return str(out)


def _wait(client: TestClient, response):
    deadline = time.monotonic() + 300
    while re.search(r'data-state="(running|waiting)"', response.text):
        assert time.monotonic() < deadline, "the impact job did not finish"
        time.sleep(0.3)
        response = client.get(str(response.url))
    return response


def _count(html: str, decision: str, category: str) -> int:
    row = re.search(rf'<tr id="impact-{decision}">(.*?)</tr>', html, re.S).group(1)
    return int(re.search(rf'<span class="count {category}">[^:]*: (\d+)</span>', row).group(1))


def test_the_impact_page_counts_who_gains_and_draws_the_charts(population: str) -> None:
    client = TestClient(create_app([LLL], population=population))
    html = _wait(client, client.get("/impact", params={"amendment": "uitbreiding_mbo", "by": "leerweg",
                                                       "lang": "en"})).text
    names = ", ".join(f"'{name}'" for name in NEWLY_COUNTED)
    con = duckdb.connect()
    newly = con.execute(f"SELECT count(*) FROM '{population}' WHERE opleiding = 'mbo' AND leerweg IN ({names})").fetchone()[0]
    total = con.execute(f"SELECT count(*) FROM '{population}'").fetchone()[0]
    assert total == 400 and 0 < newly < 400
    assert _count(html, "opleiding_telt", "become-eligible") == newly
    assert _count(html, "opleiding_telt", "lose-eligibility") == 0
    assert _count(html, "opleiding_telt", "keep") == total - newly
    # the charts of `impact --plot`: per leerweg, the cases that become eligible
    figure = html[html.index('<figure id="impact-plot">'):]
    assert "<svg" in figure and "opleiding_telt: cases that become eligible per leerweg" in figure
    assert "400 / 400 cases used" in html


def test_the_diff_page_links_to_the_impact_only_with_a_population(population: str) -> None:
    with_population = TestClient(create_app([LLL], population=population))
    page = _wait(with_population, with_population.get("/diff", params={"amendment": "uitbreiding_mbo"})).text
    assert 'id="impact-link"' in page
    without = TestClient(create_app([LLL]))
    assert 'id="impact-link"' not in _wait(without, without.get("/diff", params={"amendment": "uitbreiding_mbo"})).text
    page = without.get("/impact", params={"amendment": "uitbreiding_mbo", "lang": "en"})
    assert page.status_code == 200 and 'id="no-population"' in page.text and 'id="job"' not in page.text


def test_a_group_that_is_no_fact_is_bad_input(population: str) -> None:
    client = TestClient(create_app([LLL], population=population))
    response = client.get("/impact", params={"amendment": "uitbreiding_mbo", "by": "nope"})
    assert response.status_code == 400 and "not a fact of WSF2000" in response.text and 'id="job"' not in response.text


def test_a_population_that_cannot_be_read_shows_the_diagnostic(tmp_path: Path) -> None:
    client = TestClient(create_app([LLL], population=str(tmp_path / "missing.parquet")))
    response = _wait(client, client.get("/impact", params={"amendment": "uitbreiding_mbo"}))
    assert response.status_code == 400 and "missing.parquet" in response.text and 'id="impact-table"' not in response.text


def test_serve_with_a_missing_population_is_bad_input(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", LLL, "--population", str(tmp_path / "nope.parquet")])
    assert result.exit_code == 2 and "--population" in result.output and "no such file" in result.output
