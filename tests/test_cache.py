"""The result cache (verifier/cache.py): a warm run must say exactly what a cold run says, and
anything a result depends on must change the key."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from lexproof.verifier import api
from lexproof.verifier.cache import ResultCache, statute_files
from lexproof.verifier.cli import main

ROOT = Path(__file__).resolve().parent.parent
DAY = "2026-11-29"


def _run(args: list[str], cache_dir: Path | str, config: Path | None = None):
    env = {"LEXPROOF_CACHE": str(cache_dir)}
    if config is not None:
        env["XDG_CONFIG_HOME"] = str(config)  # the HMAC key goes there, not to the real home
    return CliRunner().invoke(main, args, env=env)


def _cache(directory: Path) -> ResultCache:
    """A cache with its HMAC key next to (not inside) the entries, for isolation."""
    return ResultCache(directory, key_file=directory.parent / f"{directory.name}-key")


def test_a_warm_run_reports_exactly_what_a_cold_run_reports(tmp_path: Path) -> None:
    """Two full checks of the bundled statutes (a cold run that fills the cache, and one with
    --no-cache) and two warm runs read from the cache, one per output format: each warm report
    is the cold one, result for result, with every result marked as reused."""
    args = ["check", str(ROOT / "statutes"), "--date", DAY]
    config = tmp_path / "config"
    cold = _run([*args, "--format", "json"], tmp_path / "cache", config)
    warm = _run([*args, "--format", "json"], tmp_path / "cache", config)
    warm_human = _run([*args, "--format", "human"], tmp_path / "cache", config)
    fresh_human = _run([*args, "--format", "human", "--no-cache"], tmp_path / "other", config)
    assert cold.exit_code == warm.exit_code == warm_human.exit_code == fresh_human.exit_code == 0
    bundled = len(api.load(ROOT / "statutes").statutes)
    assert bundled >= 8  # WSF (lll), WEB, kinderopvang, Awir, hardheidsclausule; AVG, SUWI and DUO's position
    assert len(list((tmp_path / "cache").glob("*.json"))) == bundled  # one entry per bundled statute
    assert not (tmp_path / "other").exists()  # --no-cache neither reads nor writes
    # JSON: every result comes back marked as cached, and otherwise equal.
    cold_results = json.loads(cold.stdout)["results"]
    results = json.loads(warm.stdout)["results"]
    assert all(r["cached"] is True for r in results)
    assert not any("cached" in r for r in cold_results)
    assert [{k: v for k, v in r.items() if k != "cached"} for r in results] == cold_results
    # The bundled statutes include a counterexample (a declared failure): its case, outcome
    # and deciding articles come back from the cache, re-evaluated.
    counterexamples = [r for r in results if r["status"] == "counterexample"]
    assert counterexamples and all(r["case"] and r["articles"] for r in counterexamples)
    # Human: the run without a cache prints what the warm run prints, but for its "(cached)" marks.
    assert f"reused the results of {bundled} unchanged statutes" in warm_human.stderr  # bundled > 1
    assert "reused" not in fresh_human.stderr and "(cached)" not in fresh_human.stdout
    assert warm_human.stdout.replace("  (cached)", "") == fresh_human.stdout
    # (the lines of built-in checks that found nothing are not results: they follow from them)
    headlines = [line for line in warm_human.stdout.splitlines()
                 if line[:1] in "✓✗!?=Δ•" and line.strip() and ": none, " not in line]
    assert headlines and all(line.endswith("(cached)") for line in headlines)


def test_an_edit_rechecks_only_the_statute_it_touches(tmp_path: Path) -> None:
    for folder in ("lll", "web", "hardheidsclausule"):  # the WSF (lll) reads the WEB (web)
        shutil.copytree(ROOT / "statutes" / folder, tmp_path / folder)
    cache = _cache(tmp_path / "cache")
    first = api.check(api.load(tmp_path), date=DAY, cache=cache)
    assert (cache.hits, cache.misses) == (0, 3)  # an empty cache misses all three statutes
    law = tmp_path / "lll" / "lll.law"
    law.write_text(law.read_text(encoding="utf-8") + "\n-- a comment at the end\n", encoding="utf-8")
    cache = _cache(tmp_path / "cache")
    second = api.check(api.load(tmp_path), date=DAY, cache=cache)
    assert (cache.hits, cache.misses) == (2, 1)  # hardheidsclausule and the WEB reused, WSF2000 missed
    assert [r.to_json() for r in first if r.statute != "WSF2000"] == [
        {k: v for k, v in r.to_json().items() if k != "cached"} for r in second if r.statute != "WSF2000"]
    assert [r.to_json() for r in first if r.statute == "WSF2000"] == [
        r.to_json() for r in second if r.statute == "WSF2000"]  # checked afresh: not marked
    assert {r.statute for r in second if r.cached} == {r.statute for r in second} - {"WSF2000"}
    # An edit of the WEB misses the WEB and the WSF that reads it: its results may depend on it.
    web = tmp_path / "web" / "web.law"
    web.write_text(web.read_text(encoding="utf-8") + "\n-- a comment at the end\n", encoding="utf-8")
    cache = _cache(tmp_path / "cache")
    api.check(api.load(tmp_path), date=DAY, cache=cache)
    assert (cache.hits, cache.misses) == (1, 2)


def test_options_and_files_are_part_of_the_key(tmp_path: Path) -> None:
    program = api.load(ROOT / "statutes" / "lll")
    statute = program.statutes["WSF2000"]
    cache = _cache(tmp_path / "cache")
    base = {"date": DAY, "rlimit": 1}
    assert cache.key(statute, base) == cache.key(statute, dict(base))
    assert cache.key(statute, base) != cache.key(statute, {**base, "date": "2026-11-30"})
    assert cache.key(statute, base) != cache.key(statute, {**base, "rlimit": 2})
    # The amendment files belong to the statute too, and so does the WEB it reads: editing them must miss.
    names = [Path(name).name for name in statute_files(statute)]
    assert names == ["careless_amendment.law", "lll.law", "uitbreiding_mbo.law", "web.law"]


def test_a_damaged_entry_is_a_miss_and_is_rewritten(tmp_path: Path) -> None:
    program = api.load(ROOT / "statutes" / "hardheidsclausule")
    cache = _cache(tmp_path / "cache")
    expected = [r.to_json() for r in api.check(program, date=DAY, cache=cache)]
    (entry,) = (tmp_path / "cache").glob("*.json")
    entry.write_text('{"format": 1, "results": [{"kind": "proper', encoding="utf-8")
    cache = _cache(tmp_path / "cache")
    again = api.check(program, date=DAY, cache=cache)
    assert (cache.hits, cache.misses) == (0, 1)
    assert [r.to_json() for r in again] == expected
    assert json.loads(json.loads(entry.read_text(encoding="utf-8"))["body"])["results"]  # rewritten whole


def test_unknown_answers_are_not_stored(tmp_path: Path) -> None:
    program = api.load(ROOT / "statutes" / "kinderopvang")
    cache = _cache(tmp_path / "cache")
    results = api.check(program, date=DAY, timeout=0.00001, builtin=False, cache=cache)
    assert any(r.status == "unknown" for r in results)
    assert not list((tmp_path / "cache").glob("*.json"))


def test_cache_off_by_environment(tmp_path: Path) -> None:
    result = _run(["check", str(ROOT / "statutes" / "hardheidsclausule"), "--date", DAY], "off")
    assert result.exit_code == 0
    assert not Path("off").exists()
