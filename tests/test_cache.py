"""The result cache (verifier/cache.py): a warm run must say exactly what a cold run says, and
anything a result depends on must change the key."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from verifier import api
from verifier.cache import ResultCache, statute_files
from verifier.cli import main

ROOT = Path(__file__).resolve().parent.parent
DAY = "2026-11-29"


def _run(args: list[str], cache_dir: Path | str):
    return CliRunner().invoke(main, args, env={"LEXPROOF_CACHE": str(cache_dir)})


@pytest.mark.parametrize("output_format", ["json", "human"])
def test_a_warm_run_reports_exactly_what_a_cold_run_reports(tmp_path: Path, output_format: str) -> None:
    args = ["check", str(ROOT / "statutes"), "--date", DAY, "--format", output_format]
    cold = _run(args, tmp_path / "cache")
    warm = _run(args, tmp_path / "cache")
    fresh = _run([*args, "--no-cache"], tmp_path / "other")
    assert cold.exit_code == warm.exit_code == fresh.exit_code == 0
    assert warm.stdout == cold.stdout == fresh.stdout
    assert len(list((tmp_path / "cache").glob("*.json"))) == 4  # one entry per bundled statute
    assert not (tmp_path / "other").exists()  # --no-cache neither reads nor writes
    if output_format == "human":
        assert "reused the results of 4 unchanged statute(s)" in warm.stderr
        assert "reused" not in cold.stderr
    else:
        results = json.loads(warm.stdout)["results"]
        # The bundled statutes include a counterexample (a declared failure): its case, outcome
        # and deciding articles come back from the cache, re-evaluated.
        counterexamples = [r for r in results if r["status"] == "counterexample"]
        assert counterexamples and all(r["case"] and r["articles"] for r in counterexamples)


def test_an_edit_rechecks_only_the_statute_it_touches(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "statutes" / "lll", tmp_path / "lll")
    shutil.copytree(ROOT / "statutes" / "hardheidsclausule", tmp_path / "hardheidsclausule")
    cache = ResultCache(tmp_path / "cache")
    first = api.check(api.load(tmp_path), date=DAY, cache=cache)
    assert (cache.hits, cache.misses) == (0, 2)  # an empty cache misses both statutes
    law = tmp_path / "lll" / "lll.law"
    law.write_text(law.read_text(encoding="utf-8") + "\n-- a comment at the end\n", encoding="utf-8")
    cache = ResultCache(tmp_path / "cache")
    second = api.check(api.load(tmp_path), date=DAY, cache=cache)
    assert (cache.hits, cache.misses) == (1, 1)  # hardheidsclausule reused, WSF2000 missed
    assert [r.to_json() for r in first] == [r.to_json() for r in second]


def test_options_and_files_are_part_of_the_key(tmp_path: Path) -> None:
    program = api.load(ROOT / "statutes" / "lll")
    statute = program.statute()
    cache = ResultCache(tmp_path)
    base = {"date": DAY, "rlimit": 1}
    assert cache.key(statute, base) == cache.key(statute, dict(base))
    assert cache.key(statute, base) != cache.key(statute, {**base, "date": "2026-11-30"})
    assert cache.key(statute, base) != cache.key(statute, {**base, "rlimit": 2})
    # The amendment files belong to the statute too: editing them must miss.
    names = [Path(name).name for name in statute_files(statute)]
    assert names == ["careless_amendment.law", "lll.law", "uitbreiding_mbo.law"]


def test_a_damaged_entry_is_a_miss_and_is_rewritten(tmp_path: Path) -> None:
    program = api.load(ROOT / "statutes" / "hardheidsclausule")
    cache = ResultCache(tmp_path)
    expected = [r.to_json() for r in api.check(program, date=DAY, cache=cache)]
    (entry,) = tmp_path.glob("*.json")
    entry.write_text('{"format": 1, "results": [{"kind": "proper', encoding="utf-8")
    cache = ResultCache(tmp_path)
    again = api.check(program, date=DAY, cache=cache)
    assert (cache.hits, cache.misses) == (0, 1)
    assert [r.to_json() for r in again] == expected
    assert json.loads(entry.read_text(encoding="utf-8"))["results"]  # rewritten whole


def test_unknown_answers_are_not_stored(tmp_path: Path) -> None:
    program = api.load(ROOT / "statutes" / "kinderopvang")
    cache = ResultCache(tmp_path)
    results = api.check(program, date=DAY, timeout=0.00001, builtin=False, cache=cache)
    assert any(r.status == "unknown" for r in results)
    assert not list(tmp_path.glob("*.json"))


def test_cache_off_by_environment(tmp_path: Path) -> None:
    result = _run(["check", str(ROOT / "statutes" / "hardheidsclausule"), "--date", DAY], "off")
    assert result.exit_code == 0
    assert not Path("off").exists()
