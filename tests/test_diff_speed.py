"""The diff's shortcuts (issue 18) change nothing but its speed.

``diff.same_cone`` (``diff.SameCones`` for many decisions) answers 'unchanged' without the solver for a decision built from exactly the
same law in both versions. These tests pin that (1) ``lexproof diff --format json`` is byte for
byte what it is with the shortcut off (every decision asked of the solver, as before), on the
bundled statutes' amendments and on a small generated statute book; (2) the shortcut never
calls a decision the same when something it is built from differs (a parameter value, a table
row an amendment adds, the peildatum of two dates, a rule an amendment replaces deep in the
cone): each of those has a case that changes, found by the solver and checked by hand below.
The soundness suite (tests/test_soundness.py) checks the diff, shortcut included, against
brute force on generated statutes."""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from lexproof.dsl.consolidate import version_on
from lexproof.verifier import diff as diff_module
from lexproof.verifier.cli import main
from lexproof.verifier.diff import diff_versions, same_cone
from lexproof.verifier.solving import Budget

ROOT = Path(__file__).resolve().parent.parent
BUDGET = Budget(rlimit=200_000_000, timeout_ms=60_000)


def _json(*args: str) -> str:
    result = CliRunner().invoke(main, ["diff", *args, "--format", "json", "-j", "1"])
    assert result.exit_code in (0, 3), result.output
    return result.output


def _both_ways(monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[str, str]:
    """The JSON with the shortcut, and with every decision asked of the solver."""
    fast = _json(*args)
    with monkeypatch.context() as patch:
        patch.setattr(diff_module, "SameCones", never_same)
        slow = _json(*args)
    return fast, slow


def never_same(*_versions):
    """In place of ``diff.SameCones``: no decision is called the same, the solver asks them all."""
    return lambda _name: False


@pytest.mark.parametrize("path, amendment", [
    ("statutes/lll", "uitbreiding_mbo"),
    ("statutes/lll", "careless_amendment"),
    ("statutes/gegevensuitwisseling", "proactieve_dienstverlening_szw"),
])
def test_bundled_amendments_give_the_same_json(monkeypatch, path: str, amendment: str) -> None:
    fast, slow = _both_ways(monkeypatch, str(ROOT / path), "--amendment", amendment)
    assert '"command": "diff"' in fast
    assert fast == slow


def _write_book(tmp_path: Path, rules: int) -> Path:
    spec = importlib.util.spec_from_file_location("book_for_test", ROOT / "benchmarks" / "book.py")
    assert spec is not None and spec.loader is not None
    book = importlib.util.module_from_spec(spec)
    sys.modules["book_for_test"] = book
    spec.loader.exec_module(book)
    book.write_book(rules, tmp_path)
    return tmp_path


@pytest.mark.parametrize("amendment", ["voorstel_2027", "indexatie_2026"])
def test_generated_book_gives_the_same_json(monkeypatch, tmp_path: Path, amendment: str) -> None:
    directory = _write_book(tmp_path, 100)
    calls: list[bool] = []
    real = diff_module.SameCones

    def counted(*versions):
        same = real(*versions)
        return lambda name: calls.append(same(name)) or calls[-1]

    monkeypatch.setattr(diff_module, "SameCones", counted)
    fast = _json(str(directory), "--amendment", amendment)
    monkeypatch.setattr(diff_module, "SameCones", real)
    if amendment == "voorstel_2027":  # the proposal touches a few chapters: most decisions are the same
        assert sum(calls) > len(calls) // 2
    with monkeypatch.context() as patch:
        patch.setattr(diff_module, "SameCones", never_same)
        slow = _json(str(directory), "--amendment", amendment)
    assert fast == slow


# --- the shortcut never hides a change ----------------------------------------------------------

def _load(text: str):
    from lexproof.dsl.check_program import check_files
    from lexproof.dsl.consolidate import check_all_versions
    from lexproof.dsl.parser import parse_text

    statute = check_files([parse_text(text, "<test_diff_speed>")]).statute()
    check_all_versions(statute)
    return statute


def _amendment_versions(statute, amendment: str = "A"):
    info = statute.amendments[amendment]
    return (version_on(statute, info.in_force, exclude=(amendment,)),
            version_on(statute, info.in_force, include=(amendment,)))


HEAD = """\
statute S
enum Regio { noord, zuid }
facts G {
  inkomen: money €0..€100_000
  regio: Regio
}
parameter grens: money [art. 0]
  = €20_000 from 2000-01-01
"""

# d reads e reads f; the amendment replaces f's rule only: d's own rules are the same objects,
# but the cone is not. inkomen 15000: before f = true, so d = true; after f = false.
DEEP = HEAD + """\
decision f: bool otherwise false
decision e: bool otherwise false
decision d: bool otherwise false
rule rf [art. 1]: f = true if inkomen < grens
rule re [art. 2]: e = true if f
rule rd [art. 3]: d = true if e
amendment A amends S in force 2024-01-01
  replace rule rf [art. 1]:
    f = true
    if inkomen < €10_000
"""

# An indexation: only a parameter's value changes. inkomen 20000: before false (not < 20000),
# after true (< 20400).
INDEXED = HEAD + """\
decision d: bool otherwise false
rule rd [art. 1]: d = true if inkomen < grens
amendment A amends S in force 2024-01-01
  set parameter grens = €20_400
"""

# The same rule before and after; the peildatum differs between the two dates compared.
DATED = HEAD + """\
decision d: bool otherwise false
rule rd [art. 1]: d = true if peildatum >= 2025-01-01
"""


def test_a_change_deep_in_the_cone_is_not_the_same() -> None:
    statute = _load(DEEP)
    before, after = _amendment_versions(statute)
    assert before.rules_of("d") == after.rules_of("d")  # d's own rules did not change
    assert not same_cone(statute, before, after, "d")
    assert not same_cone(statute, before, after, "f")
    results = {r.name: r.status for r in diff_versions(statute, before, after, BUDGET)}
    assert results == {"f": "changed", "e": "changed", "d": "changed"}


def test_a_new_parameter_value_is_not_the_same() -> None:
    statute = _load(INDEXED)
    before, after = _amendment_versions(statute)
    assert not same_cone(statute, before, after, "d")
    (result,) = diff_versions(statute, before, after, BUDGET)
    assert result.status == "changed"
    assert result.details["gains"] >= 1 and result.details["losses"] == 0


def test_the_peildatum_of_two_dates_is_not_the_same() -> None:
    statute = _load(DATED)
    before, after = version_on(statute, _day("2024-06-01")), version_on(statute, _day("2025-06-01"))
    assert before.rules_of("d") == after.rules_of("d")
    assert not same_cone(statute, before, after, "d")
    (result,) = diff_versions(statute, before, after, BUDGET)
    assert result.status == "changed"  # false on 2024-06-01, true on 2025-06-01
    later = version_on(statute, _day("2025-07-01"))
    assert same_cone(statute, after, after, "d")
    assert not same_cone(statute, after, later, "d")  # true on both dates, but another date


def test_unrelated_amendment_leaves_a_decision_the_same() -> None:
    statute = _load(DEEP.replace("amendment A amends S", "decision g: bool otherwise false\n"
                                 "rule rg [art. 4]: g = true if regio = noord\n"
                                 "amendment A amends S").replace("replace rule rf [art. 1]:\n    f = true\n"
                                                                 "    if inkomen < €10_000",
                                                                 "replace rule rg [art. 4]:\n    g = true\n"
                                                                 "    if regio = zuid"))
    before, after = _amendment_versions(statute)
    assert same_cone(statute, before, after, "d")
    assert not same_cone(statute, before, after, "g")
    results = {r.name: r.status for r in diff_versions(statute, before, after, BUDGET)}
    assert results == {"f": "unchanged", "e": "unchanged", "d": "unchanged", "g": "changed"}


def _day(text: str):
    import datetime as dt

    return dt.date.fromisoformat(text)


# --- the diff's cache: re-diffing after an edit of the amendment -----------------------------------

def _result_cache(directory: Path):
    from lexproof.verifier.cache import ResultCache

    return ResultCache(directory, key_file=directory.parent / f"{directory.name}-key")


def _api_diff(directory: Path, cache=None):
    from lexproof.verifier import api

    program = api.load(*(directory / name for name in ("statute.law", "indexatie.law", "intrekking.law",
                                                        "voorstel.law")))
    return api.diff(program, amendment="voorstel_2027", timeout=60, cache=cache)


def _plain(results) -> list[dict]:
    return [{k: v for k, v in r.to_json().items() if k != "cached"} for r in results]


@pytest.fixture(scope="module")
def cold_book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list, list[str]]:
    """The 100-rule book, and a cache filled by one cold diff of its proposal (the costly part,
    half a minute): the book's folder, the cache's folder, the cold results and the decisions the
    cold diff asked the solver. The tests below copy the cache, so each starts from the same one."""
    root = tmp_path_factory.mktemp("cold")
    directory = _write_book(root / "book", 100)
    asked: list[str] = []
    real = diff_module._diff_as_list
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(diff_module, "_diff_as_list", lambda s, name, *a: asked.append(name) or real(s, name, *a))
        cold = _api_diff(directory, _result_cache(root / "cache"))
    return directory, root / "cache", cold, asked


def _copied_cache(cold_book, tmp_path: Path) -> Path:
    """A copy of the cold cache (entries and key) for one test to read and change."""
    _, cache, _, _ = cold_book
    shutil.copytree(cache, tmp_path / "cache")
    shutil.copy(cache.parent / f"{cache.name}-key", tmp_path / "cache-key")
    return tmp_path / "cache"


def test_rediff_after_an_edit_asks_only_the_decisions_it_changed(monkeypatch, tmp_path: Path, cold_book) -> None:
    directory, _, cold, first = cold_book
    assert first and "changed" in {r.status for r in cold}
    cache = _copied_cache(cold_book, tmp_path)
    asked: list[str] = []
    real = diff_module._diff_as_list
    monkeypatch.setattr(diff_module, "_diff_as_list", lambda s, name, *a: asked.append(name) or real(s, name, *a))
    # An answer the solver could not complete (an incomplete summary: on a loaded machine the
    # wall-clock limit may cut it short) is never stored, so it is asked again; every other is
    # read back.
    unstored = {r.name for r in cold if not diff_module._storable([r])}
    assert len(unstored) < len(first)
    warm = _api_diff(directory, _result_cache(cache))
    assert set(asked) == unstored
    assert {r.name for r in warm if r.cached} == set(first) - unstored
    if not unstored:
        assert _plain(warm) == _plain(cold)
    # Edit one amount the proposal replaces (the first '+ €N' of a replaced amount rule), in the
    # shared book; the original text is put back for the other tests.
    proposal = directory / "voorstel.law"
    text = proposal.read_text()
    match = re.search(r"(\+ €)(\d+)\n", text)
    assert match is not None
    edited = text[:match.start(2)] + str(int(match.group(2)) + 1) + text[match.end(2):]
    try:
        proposal.write_text(edited)
        asked.clear()
        after_edit = _api_diff(directory, _result_cache(cache))
        assert 0 < len(asked) < len(first)  # only the decisions whose cone holds the edited rule
        fresh = _api_diff(directory)  # no cache: every decision afresh
    finally:
        proposal.write_text(text)
    assert _plain(after_edit) == _plain(fresh)


def test_an_outlined_diff_is_stored_and_read_back(tmp_path: Path, monkeypatch) -> None:
    """A part with too many combinations to list is outlined (verifier/regions.py): a settled
    answer, stored, so that re-diffing after an edit elsewhere does not outline it again; a
    part whose outline met 'unknown' is not (tests/test_diff.py makes one)."""
    from lexproof.verifier import api

    path = tmp_path / "s.law"
    values = ", ".join(f"v{k}" for k in range(7))
    path.write_text(f"statute S\nenum E {{ {values} }}\nfacts F {{ a: E\n b: E\n c: E }}\n"
                    "decision d: bool otherwise false\n"
                    "amendment A amends S in force 2024-01-01\n"
                    "  insert rule r [art. 2]: d = true if a != v0 or b != v0 or c != v0\n", encoding="utf-8")
    program = api.load(path)
    cold = api.diff(program, amendment="A", cache=_result_cache(tmp_path / "cache"))
    assert cold[0].details["directions"]["gains"]["outlined"] is True and diff_module._storable(cold)
    asked: list[str] = []
    real = diff_module._diff_as_list
    monkeypatch.setattr(diff_module, "_diff_as_list", lambda s, name, *a: asked.append(name) or real(s, name, *a))
    warm = api.diff(program, amendment="A", cache=_result_cache(tmp_path / "cache"))
    assert asked == [] and warm[0].cached
    assert _plain(warm) == _plain(cold)
    unsettled = {**cold[0].details["directions"]["gains"], "outlined": False}
    cold[0].details["directions"]["gains"] = unsettled
    assert not diff_module._storable(cold)


def test_a_forged_entry_is_not_reused(tmp_path: Path, cold_book) -> None:
    directory, _, cold, _ = cold_book
    changed = [r for r in cold if r.status == "changed"]
    assert changed
    cache = _copied_cache(cold_book, tmp_path)
    forged = 0
    for path in (cache / "cones").glob("*.json"):  # say nothing changes, without the key
        text = path.read_text()
        lie = text.replace('\\"status\\": \\"changed\\"', '\\"status\\": \\"unchanged\\"')
        forged += lie != text
        path.write_text(lie)
    assert forged  # the forgery reached the entries
    again = _api_diff(directory, _result_cache(cache))
    assert not any(r.cached for r in again)
    assert _plain(again) == _plain(cold)


def test_same_cones_agree_with_the_whole_walk_on_the_bundled_amendments_and_a_book(tmp_path) -> None:
    """``SameCones`` (each decision's own part once, memoized) answers what ``same_cone`` (the
    whole cone walked for each decision) answers, for every decision of every bundled amendment
    and of a generated statute book with deep chains, a repeal, an indexation and a proposal,
    and between the versions on successive dates (parameter values, the peildatum)."""
    from lexproof.dsl.xref import own_decisions
    from lexproof.verifier import api
    from lexproof.verifier.diff import SameCones, _has_decision

    directory = _write_book(tmp_path, 300)
    programs = [api.load(ROOT / "statutes" / name) for name in ("lll", "kinderopvang", "gegevensuitwisseling")]
    programs.append(api.load(*sorted(directory.glob("*.law"))))
    compared = differing = 0
    for program in programs:
        for statute in program.statutes.values():
            pairs = [(version_on(statute, info.in_force, exclude=(amendment,)),
                      version_on(statute, info.in_force, include=(amendment,)))
                     for amendment, info in statute.amendments.items()]
            days = [_day(day) for day in ("2019-06-01", "2022-06-01", "2024-06-01", "2026-06-01", "2027-09-01")]
            pairs += [(version_on(statute, first), version_on(statute, second)) for first, second in zip(days, days[1:])]
            for before, after in pairs:
                memo = SameCones(statute, before, after)
                for name in own_decisions(statute) + list(statute.item_decisions):  # per item too
                    if _has_decision(before, name) and _has_decision(after, name):
                        whole = same_cone(statute, before, after, name)
                        assert memo(name) == whole, (statute.name, before.label, after.label, name)
                        compared += 1
                        differing += not whole
    assert compared > 400 and 50 < differing < compared - 50  # both answers occur, often
