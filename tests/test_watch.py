"""``lexproof check --watch`` (verifier/watch.py) and what it keeps between runs.

- the loop: one run, then one per change, once the files stop changing; the files named in
  ``on_change``; the last run's exit code;
- the result cache's memory (``ResultCache.remember``): an entry read or written once is
  served again without its file, only if it was authenticated, newest kept first;
- the command: a drafter's edit is checked again and reported as the one-shot command reports
  it; options that cannot watch are refused once, with a diagnostic.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from lexproof.verifier import api, watch
from lexproof.verifier.cache import ResultCache

ROOT = Path(__file__).resolve().parent.parent

STATUTE = """statute W
facts F { x: int 0..100 }
decision d: bool [art. 1] otherwise false
rule r1 [art. 1 lid 1]: d = true if x > 10
rule r2 [art. 1 lid 2]: d = false if x <= 10
"""
# After the edit, x = 10 has two rules that disagree: a conflict the first text does not have.
EDITED = STATUTE.replace("x <= 10", "x <= 20")


# --- the loop --------------------------------------------------------------------------------

def test_one_run_per_change_once_the_file_stops_changing(tmp_path: Path) -> None:
    law = tmp_path / "w.law"
    law.write_text(STATUTE, encoding="utf-8")
    runs: list[str] = []
    told: list[list[str]] = []
    script = iter([
        lambda: None,                                              # nothing changed
        lambda: law.write_text(EDITED[:40], encoding="utf-8"),     # the editor starts writing
        lambda: law.write_text(EDITED, encoding="utf-8"),          # ... and finishes: not stable yet
        lambda: None,                                              # stable: run
    ])

    def wait(_seconds: float) -> None:
        next(script, lambda: None)()
        time.sleep(0.01)  # a later modification time, also on a coarse clock

    def run() -> tuple[int, list[str]]:
        runs.append(law.read_text(encoding="utf-8"))
        return len(runs), [str(law)]

    code = watch.watch([str(law)], run, on_change=told.append, wait=wait, runs=2)
    assert runs == [STATUTE, EDITED]  # the half-written text was never checked
    assert told == [[str(law)]]
    assert code == 2  # the last run's


def test_a_new_file_in_a_watched_folder_is_a_change(tmp_path: Path) -> None:
    (tmp_path / "a.law").write_text(STATUTE, encoding="utf-8")
    told: list[list[str]] = []
    steps = iter([lambda: (tmp_path / "b.law").write_text(STATUTE, encoding="utf-8")])
    watch.watch([str(tmp_path)], lambda: (0, [str(tmp_path / "a.law")]), on_change=told.append,
                wait=lambda _s: next(steps, lambda: None)(), runs=2)
    assert told == [[str(tmp_path / "b.law")]]


def test_a_same_size_edit_in_the_same_clock_tick_is_a_change(tmp_path: Path) -> None:
    # A file system that counts whole seconds: the edit keeps the size and the time.
    law = tmp_path / "w.law"
    law.write_text(STATUTE, encoding="utf-8")
    before = watch.snapshot([str(law)], [])
    stat = law.stat()
    with open(law, "r+", encoding="utf-8") as handle:  # in place: the same inode
        handle.write(EDITED)
    os.utime(law, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert law.stat().st_size == stat.st_size and law.stat().st_mtime_ns == stat.st_mtime_ns
    assert watch.changed_files(before, watch.snapshot([str(law)], [])) == [str(law)]


def test_a_file_that_stops_being_recent_is_no_change(tmp_path: Path, monkeypatch) -> None:
    # Written just now: compared by its content too. Seconds later nothing changed, and the
    # watch must not run again (a state that lost its content hash once looked like a change).
    law = tmp_path / "w.law"
    law.write_text(STATUTE, encoding="utf-8")
    runs: list[int] = []
    looks = iter(range(6))

    def wait(_seconds: float) -> None:
        if next(looks, None) is None:
            raise KeyboardInterrupt  # the drafter stops the watch
        monkeypatch.setattr(watch, "RECENT_NS", 0)  # from the first look on, the file is old

    watch.watch([str(law)], lambda: (runs.append(1) or 0, [str(law)]), on_change=lambda names: None, wait=wait)
    assert runs == [1]


def test_a_folder_removed_while_it_is_walked_is_no_crash(tmp_path: Path, monkeypatch) -> None:
    def vanished(self, pattern):
        raise FileNotFoundError(2, "No such file or directory", str(self))
        yield  # a generator, as rglob is

    monkeypatch.setattr(Path, "rglob", vanished)
    assert watch.snapshot([str(tmp_path)], [str(tmp_path / "a.law")]) == {str(tmp_path / "a.law"): None}


def test_a_file_named_two_ways_is_one(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "w.law").write_text(STATUTE, encoding="utf-8")
    assert list(watch.snapshot([str(tmp_path / "w.law")], ["w.law", "./w.law"])) == ["w.law"]


# --- the cache's memory ---------------------------------------------------------------------

def _cache(tmp_path: Path) -> ResultCache:
    return ResultCache(tmp_path / "cache", key_file=tmp_path / "key")


def _statute_and_results(tmp_path: Path):
    law = tmp_path / "w.law"
    law.write_text(EDITED, encoding="utf-8")
    (statute,) = api.load(law).statutes.values()
    results = [r for r in api.check(api.load(law), date="2026-06-01") if r.kind == "conflict"]
    assert results and results[0].status == "conflict"
    return statute, results


def _shown(results) -> list[dict]:
    """The results as JSON, but for the mark of a result read from the cache."""
    return [{k: v for k, v in r.to_json().items() if k != "cached"} for r in results]


def test_a_remembered_entry_is_served_without_its_file(tmp_path: Path) -> None:
    statute, results = _statute_and_results(tmp_path)
    remembering, plain = _cache(tmp_path), _cache(tmp_path)
    remembering.remember(10)
    remembering.store("k1", results)
    (tmp_path / "cache" / "k1.json").unlink()
    first, second = remembering.load("k1", statute), remembering.load("k1", statute)
    assert first is not None and _shown(first) == _shown(results)
    assert second is not None and second[0] is not first[0]  # built afresh: callers change them
    assert plain.load("k1", statute) is None  # the file is gone; only the memory had it


def test_only_authenticated_entries_are_remembered_and_the_oldest_go_first(tmp_path: Path) -> None:
    statute, results = _statute_and_results(tmp_path)
    writer = _cache(tmp_path)
    for key in ("k1", "k2", "k3"):
        writer.store(key, results)
    forged = tmp_path / "cache" / "k2.json"
    forged.write_text(forged.read_text(encoding="utf-8").replace("conflict", "clean"), encoding="utf-8")
    reader = _cache(tmp_path)
    reader.remember(2)
    assert reader.load("k1", statute) is not None
    assert reader.load("k2", statute) is None and reader.rejected == 1  # forged: a miss, not kept
    assert reader.load("k3", statute) is not None
    forged.write_text((tmp_path / "cache" / "k1.json").read_text(encoding="utf-8"), encoding="utf-8")
    for key in ("k1", "k2", "k3"):
        (tmp_path / "cache" / f"{key}.json").unlink()
    assert reader.load("k1", statute) is not None and reader.load("k3", statute) is not None
    assert reader.load("k2", statute) is None  # never kept
    reader.store("k4", results)  # a third entry: k1 (the least recently used) goes
    (tmp_path / "cache" / "k4.json").unlink()
    assert reader.load("k1", statute) is None and reader.load("k4", statute) is not None
    assert reader.load("k3", statute) is not None  # used: k4 would go next, not k3
    reader.store("k5", results)
    assert reader.load("k4", statute) is None and reader.load("k3", statute) is not None


def test_the_memory_is_bounded_in_characters(tmp_path: Path) -> None:
    statute, results = _statute_and_results(tmp_path)
    cache = _cache(tmp_path)
    cache.remember(100)
    cache.store("k1", results)
    body = len((tmp_path / "cache" / "k1.json").read_text(encoding="utf-8"))
    cache.MAX_REMEMBERED_CHARACTERS = body  # room for about one body (the file also holds the MAC)
    cache.store("k2", results)
    for key in ("k1", "k2"):
        (tmp_path / "cache" / f"{key}.json").unlink()
    assert cache.load("k1", statute) is None and cache.load("k2", statute) is not None


def test_a_folder_remembers_with_its_parent(tmp_path: Path) -> None:
    statute, results = _statute_and_results(tmp_path)
    cache = _cache(tmp_path)
    cache.remember(10)
    assert cache.folder("cones") is cache.folder("cones")
    cache.folder("cones").store("k", results)
    (tmp_path / "cache" / "cones" / "k.json").unlink()
    assert cache.folder("cones").load("k", statute) is not None


# --- the command ----------------------------------------------------------------------------

def _lexproof(tmp_path: Path, *args: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "LEXPROOF_CACHE": str(tmp_path / "cache"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "LC_ALL": "C", "LANG": "C", "COLUMNS": "120"}
    return subprocess.Popen([sys.executable, "-m", "lexproof", *args], cwd=tmp_path, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


class _Lines:
    """The lines a process writes to a pipe, read by a thread, so that waiting for one never
    blocks past a deadline (the watching process writes nothing while it waits)."""

    def __init__(self, stream) -> None:
        import queue
        import threading

        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=lambda: [self.lines.put(line) for line in stream], daemon=True).start()

    def until(self, marker: str, deadline: float) -> str:
        import queue

        text = ""
        while True:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no '{marker}' before the deadline; got:\n{text}") from None
            text += line
            if marker in line:
                return text


def _watching(tmp_path: Path) -> tuple[Path, subprocess.Popen, _Lines, float]:
    """``check --watch`` started on STATUTE: its file, process, status lines and a deadline."""
    law = tmp_path / "w.law"
    law.write_text(STATUTE, encoding="utf-8")
    process = _lexproof(tmp_path, "check", "w.law", "--watch", "--no-cache", "--date", "2026-06-01", "-j", "1")
    return law, process, _Lines(process.stderr), time.monotonic() + 60


def test_an_edit_is_checked_again_and_reported_as_a_one_shot_check_reports_it(tmp_path: Path) -> None:
    law, process, status, deadline = _watching(tmp_path)
    try:
        first = status.until("watching 1 file for changes", deadline)
        assert "checked in" in first
        time.sleep(0.05)
        law.write_text(EDITED, encoding="utf-8")
        second = status.until("watching 1 file for changes", deadline)
        assert "changed: w.law; checking again" in second
    finally:
        process.terminate()
        stdout, _ = process.communicate(timeout=60)
    one_shot = _lexproof(tmp_path, "check", "w.law", "--no-cache", "--date", "2026-06-01", "-j", "1")
    expected, _ = one_shot.communicate(timeout=120)
    assert one_shot.returncode == 1  # the conflict
    assert "conflict" in expected and "r1" in expected and "r2" in expected
    # The watching process printed the clean report, then exactly the one-shot report of the edit.
    assert stdout.endswith(expected)
    before_edit = stdout[: len(stdout) - len(expected)]
    assert "LP101 conflicts: none" in before_edit and "both apply" not in before_edit


def test_fixing_a_broken_imported_file_starts_a_run(tmp_path: Path) -> None:
    # The first load stops at b.law's syntax error, so it never lists b.law among its files.
    (tmp_path / "b.law").write_text("statute B\nfacts G { y: int 0..9 }\ndecision e: bool [art. 1] otherwise false\n"
                                   "rule e1 [art. 1]: e = true if y >\n", encoding="utf-8")
    (tmp_path / "a.law").write_text('import "b.law"\n' + STATUTE, encoding="utf-8")
    process = _lexproof(tmp_path, "check", "a.law", "--watch", "--no-cache", "--date", "2026-06-01", "-j", "1")
    try:
        deadline = time.monotonic() + 60
        status = _Lines(process.stderr)
        first = status.until("watching", deadline)
        assert "b.law:4:" in first and "watching 2 files" in first
        time.sleep(0.05)
        (tmp_path / "b.law").write_text("statute B\nfacts G { y: int 0..9 }\ndecision e: bool [art. 1] otherwise false\n"
                                       "rule e1 [art. 1]: e = true if y > 3\n", encoding="utf-8")
        second = status.until("watching", deadline)
        assert "changed: b.law" in second and "error" not in second
    finally:
        process.terminate()
        process.communicate(timeout=60)


def test_watch_refuses_a_machine_format_once_with_a_diagnostic(tmp_path: Path) -> None:
    (tmp_path / "w.law").write_text(STATUTE, encoding="utf-8")
    process = _lexproof(tmp_path, "check", "w.law", "--watch", "--format", "sarif")
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 2
    assert "--watch prints the human report; --format sarif is for one run" in stderr
    assert "Traceback" not in stderr


def test_a_syntax_error_while_watching_is_reported_and_the_watch_goes_on(tmp_path: Path) -> None:
    law, process, status, deadline = _watching(tmp_path)
    try:
        status.until("watching 1 file", deadline)
        time.sleep(0.05)
        law.write_text(STATUTE.replace("x > 10", "x >"), encoding="utf-8")
        broken = status.until("watching 1 file", deadline)
        assert "w.law:5:1: error: unexpected 'rule'; expected an expression" in broken and "Traceback" not in broken
        time.sleep(0.05)
        law.write_text(EDITED, encoding="utf-8")
        status.until("watching 1 file", deadline)
    finally:
        process.terminate()
        stdout, _ = process.communicate(timeout=60)
    assert "conflict" in stdout  # the fixed text was checked after the error


# --- diff --watch ----------------------------------------------------------------------------

DIFF_STATUTE = """statute W
facts F {
  x: int 0..100
  y: int 0..100
}
decision d: bool [art. 1] otherwise false
rule r1 [art. 1]: d = true if x > 10
decision e: bool [art. 2] otherwise false
rule r2 [art. 2]: e = true if y > 50
"""
AMENDMENT = """import "w.law"

amendment A "Wijziging" amends W in force 2027-01-01 proposal
  replace rule r1 [art. 1]:
    d = true
    if x > 20
"""


def _diff_watching(tmp_path: Path, text: str, *args: str) -> tuple[Path, subprocess.Popen, _Lines, float]:
    """``diff a.law --amendment A --watch`` started on DIFF_STATUTE and the amendment ``text``:
    the amendment's file, the process, its status lines and a deadline."""
    (tmp_path / "w.law").write_text(DIFF_STATUTE, encoding="utf-8")
    amendment = tmp_path / "a.law"
    amendment.write_text(text, encoding="utf-8")
    process = _lexproof(tmp_path, "diff", "a.law", "--amendment", "A", "--watch", "-j", "1", *args)
    return amendment, process, _Lines(process.stderr), time.monotonic() + 60


def test_diff_watch_compares_an_edited_amendment_as_a_one_shot_diff_does(tmp_path: Path) -> None:
    amendment, process, status, deadline = _diff_watching(tmp_path, AMENDMENT, "--lang", "nl")
    try:
        first = status.until("wacht op wijzigingen in 2 bestanden", deadline)
        assert "vergeleken in" in first
        time.sleep(0.05)
        amendment.write_text(AMENDMENT.replace("x > 20", "x > 30"), encoding="utf-8")
        second = status.until("wacht op wijzigingen", deadline)
        assert "gewijzigd: a.law; opnieuw vergelijken" in second and "fout" not in second
    finally:
        process.terminate()
        stdout, _ = process.communicate(timeout=60)
    one_shot = _lexproof(tmp_path, "diff", "a.law", "--amendment", "A", "--lang", "nl", "--no-cache", "-j", "1")
    expected, errors = one_shot.communicate(timeout=120)
    assert one_shot.returncode == 0, errors
    # By hand: after the edit, x in 11..30 loses d (x > 10 before, x > 30 after); e is unchanged.
    assert "x 11 tot 30" in expected and "gaat erop achteruit" in expected
    assert "1 van 2 beslissingen gewijzigd" in expected and "ongewijzigd: e" in expected
    # The watching process printed the first comparison (11 to 20), then exactly the one-shot report.
    assert stdout.endswith(expected)
    assert "x 11 tot 20" in stdout[: len(stdout) - len(expected)]


def test_diff_watch_refuses_json_once_with_a_diagnostic(tmp_path: Path) -> None:
    (tmp_path / "w.law").write_text(DIFF_STATUTE, encoding="utf-8")
    (tmp_path / "a.law").write_text(AMENDMENT, encoding="utf-8")
    process = _lexproof(tmp_path, "diff", "a.law", "--amendment", "A", "--watch", "--format", "json")
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 2
    # Asked for JSON, the diagnostic comes as the JSON of an error (docs/json-output.md).
    errors = json.loads(stdout)["errors"]
    assert "--watch prints the human report; --format json is for one run" in errors[0]["message"]
    assert "Traceback" not in stdout + stderr


BOTH_CHANGED = AMENDMENT + """  replace rule r2 [art. 2]:
    e = true
    if y > 60
"""


def test_diff_watch_shows_a_decision_the_edit_left_alone_as_it_showed_it(tmp_path: Path) -> None:
    # d and e both change; the edit changes only d's replacement, so e keeps its cache key and
    # the watch shows e's comparison as it did (recalled, marked cached, as the cache's copy is).
    amendment, process, status, deadline = _diff_watching(tmp_path, BOTH_CHANGED)
    try:
        status.until("watching 2 files", deadline)
        time.sleep(0.05)
        amendment.write_text(BOTH_CHANGED.replace("x > 20", "x > 30"), encoding="utf-8")
        status.until("watching 2 files", deadline)
    finally:
        process.terminate()
        stdout, _ = process.communicate(timeout=60)
    one_shot = _lexproof(tmp_path, "diff", "a.law", "--amendment", "A", "--no-cache", "-j", "1")
    expected, errors = one_shot.communicate(timeout=120)
    assert one_shot.returncode == 0, errors
    assert "x 11 to 30" in expected and "y 51 to 60" in expected  # by hand: d loses 11..30, e 51..60
    first, second = stdout.split("2 of 2 decisions changed")[:2]
    assert "x 11 to 20" in first and "(cached)" not in first
    assert "Δ diff d  changed  w.law:" in second and "Δ diff e  changed  w.law:" in second
    assert second.count("(cached)") == 1 and "w.law:8:1  (cached)" in second  # e's headline, not d's
    assert stdout.replace("  (cached)", "").endswith(expected)  # apart from that mark, the one-shot report


def test_a_diff_memory_recalls_only_what_an_edit_left_alone_and_was_shown(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "w.law").write_text(DIFF_STATUTE, encoding="utf-8")
    amendment = tmp_path / "a.law"
    amendment.write_text(BOTH_CHANGED, encoding="utf-8")
    cache, memory = _cache(tmp_path), api.DiffMemory()
    memory.context = ("en", 120)
    first = {r.name: r for r in api.diff(api.load(amendment), amendment="A", cache=cache, memory=memory)}
    assert first["e"].witnesses and not first["e"].cached
    for result in first.values():
        memory.show(result, f"shown: {result.name}")
    amendment.write_text(BOTH_CHANGED.replace("x > 20", "x > 30"), encoding="utf-8")
    read: list[str] = []
    real_load = ResultCache.load
    monkeypatch.setattr(ResultCache, "load", lambda self, key, statute: read.append(key) or real_load(self, key, statute))
    second = {r.name: r for r in api.diff(api.load(amendment), amendment="A", cache=cache, memory=memory)}
    assert len(read) == 1  # d's new key (a miss); e was not read from the cache
    assert second["e"].cached and second["e"].witnesses == [] and memory.shown(second["e"]) == "shown: e"
    assert second["e"].details == first["e"].details and second["e"].status == "changed"
    assert second["d"].witnesses and not second["d"].cached and memory.shown(second["d"]) is None
    # In another context (a wider terminal) the kept text does not fit: e is read from the cache.
    memory.context = ("en", 200)
    third = {r.name: r for r in api.diff(api.load(amendment), amendment="A", cache=cache, memory=memory)}
    assert third["e"].witnesses and third["e"].cached and len(read) == 3


READER = """import "w.law"

statute R
  uses W
facts G {
  z: int 0..10
}
decision r: bool [art. 1] otherwise false
rule r1 [art. 1]: r = true if W.d and z > 5
"""


def test_a_statute_read_by_the_amended_one_keeps_the_memory_whole(tmp_path: Path) -> None:
    # Regression (review): the memory was started and ended per statute, so the pass over a
    # statute that reads W (no cache keys) emptied it, and W's recalled results, without their
    # witnesses and now without their text, were drawn as tables without rows.
    (tmp_path / "w.law").write_text(DIFF_STATUTE, encoding="utf-8")
    amendment = tmp_path / "a.law"
    amendment.write_text(BOTH_CHANGED, encoding="utf-8")
    (tmp_path / "r.law").write_text(READER, encoding="utf-8")
    cache, memory = _cache(tmp_path), api.DiffMemory()
    memory.context = ("en", 120)
    files = [amendment, tmp_path / "r.law"]
    first = api.diff(api.load(*files), amendment="A", cache=cache, memory=memory)
    assert [r.name for r in first if r.status == "changed"] == ["d", "e", "r"]
    for result in first:
        memory.show(result, f"shown: {result.name}")
    amendment.write_text(BOTH_CHANGED.replace("x > 20", "x > 30"), encoding="utf-8")
    second = {r.name: r for r in api.diff(api.load(*files), amendment="A", cache=cache, memory=memory)}
    assert memory.shown(second["e"]) == "shown: e" and second["e"].witnesses == []  # recalled, with its text
    assert second["d"].witnesses and second["r"].witnesses  # compared afresh
    third = {r.name: r for r in api.diff(api.load(*files), amendment="A", cache=cache, memory=memory)}
    assert memory.shown(third["e"]) == "shown: e"  # still there after a run with the reader


def test_a_changed_citation_label_is_not_taken_from_the_cache(tmp_path: Path) -> None:
    # Regression (review): the cone key did not cover the statute's ``cite`` label, so after
    # 'cite AAA' became 'cite BBB' a diff with the cache still cited 'art. 1 AAA'.
    law = tmp_path / "w.law"
    law.write_text(DIFF_STATUTE.replace("statute W\n", 'statute W "Wet" cite AAA\n'), encoding="utf-8")
    amendment = tmp_path / "a.law"
    amendment.write_text(AMENDMENT, encoding="utf-8")
    cache = _cache(tmp_path)
    (before,) = [r for r in api.diff(api.load(amendment), amendment="A", cache=cache) if r.name == "d"]
    assert before.witnesses[0].deciding_articles() == ["art. 1 AAA"]
    law.write_text(law.read_text(encoding="utf-8").replace("cite AAA", "cite BBB"), encoding="utf-8")
    (after,) = [r for r in api.diff(api.load(amendment), amendment="A", cache=cache) if r.name == "d"]
    assert not after.cached and after.witnesses[0].deciding_articles() == ["art. 1 BBB"]


# --- eval --watch ----------------------------------------------------------------------------

def _eval_watching(tmp_path: Path, *args: str) -> tuple[Path, Path, subprocess.Popen, _Lines, float]:
    """``eval w.law --case c.json --watch`` started on STATUTE and x = 5: the statute's file, the
    case's, the process, its status lines and a deadline."""
    law = tmp_path / "w.law"
    law.write_text(STATUTE, encoding="utf-8")
    case = tmp_path / "c.json"
    case.write_text('{"x": 5}', encoding="utf-8")
    process = _lexproof(tmp_path, "eval", "w.law", "--case", "c.json", "--date", "2026-06-01", "--watch", *args)
    return law, case, process, _Lines(process.stderr), time.monotonic() + 60


def test_eval_watch_answers_an_edited_case_and_statute_as_a_one_shot_eval_does(tmp_path: Path) -> None:
    law, case, process, status, deadline = _eval_watching(tmp_path, "--lang", "nl")
    try:
        first = status.until("wacht op wijzigingen in 2 bestanden", deadline)
        assert "doorgerekend in" in first
        time.sleep(0.05)
        case.write_text('{"x": 15}', encoding="utf-8")
        second = status.until("wacht op wijzigingen", deadline)
        assert "gewijzigd: c.json; opnieuw doorrekenen" in second and "fout" not in second
        time.sleep(0.05)
        law.write_text(STATUTE.replace("x > 10", "x > 12"), encoding="utf-8")
        third = status.until("wacht op wijzigingen", deadline)
        assert "gewijzigd: w.law; opnieuw doorrekenen" in third and "fout" not in third
    finally:
        process.terminate()
        stdout, _ = process.communicate(timeout=60)
    one_shot = _lexproof(tmp_path, "eval", "w.law", "--case", "c.json", "--date", "2026-06-01", "--lang", "nl")
    expected, errors = one_shot.communicate(timeout=120)
    assert one_shot.returncode == 0, errors
    # By hand: x = 5 fails r1 (x > 10) and meets r2 (x <= 10); x = 15 meets r1 only; after the
    # edit, x = 15 still meets r1 (now x > 12), which the last report cites with its condition.
    reports = stdout.split("W op 1 juni 2026\n")[1:]
    assert len(reports) == 3 and reports[-1] == expected.split("W op 1 juni 2026\n")[1]
    assert "x  5" in reports[0] and "✓ r2 [art. 1 lid 2 W] is van toepassing" in reports[0]
    assert "x  15" in reports[1] and "✓ r1 [art. 1 lid 1 W] is van toepassing" in reports[1]
    assert "'x <= 10' geldt niet" in reports[1]
    assert "x  15" in reports[2] and "✓ r1 [art. 1 lid 1 W] is van toepassing" in reports[2]


def _eval_watch_in_process(tmp_path: Path, monkeypatch, edits: list, runs: int, case_name: str = "c.json",
                           after_first_evaluation=None):
    """``eval w.law --case CASE --watch`` in this process for ``runs`` runs, making each of
    ``edits`` before a run after the first (``after_first_evaluation``: done inside the first
    run, right after the case was evaluated); the CliRunner's result and the number of loads."""
    from click.testing import CliRunner

    from lexproof.verifier import cli

    script = iter(edits)
    looks = [0]

    def wait(_seconds: float) -> None:
        looks[0] += 1
        if looks[0] > 100:
            raise KeyboardInterrupt  # no run for a change seen: stop watching (the test then fails)
        if looks[0] % 3 == 1:  # a change, then two looks that agree
            next(script, lambda: None)()
            time.sleep(0.01)

    loads: list[int] = []
    real_load, real_watch, real_evaluate = api.load, watch.watch, api.evaluate
    evaluations = [0]

    def evaluate(*args, **kwargs):
        result = real_evaluate(*args, **kwargs)
        evaluations[0] += 1
        if evaluations[0] == 1 and after_first_evaluation is not None:
            after_first_evaluation()
            time.sleep(0.01)
        return result

    monkeypatch.setattr(api, "load", lambda *paths, **kwargs: loads.append(1) or real_load(*paths, **kwargs))
    monkeypatch.setattr(api, "evaluate", evaluate)
    monkeypatch.setattr(watch, "watch", lambda paths, run, **kwargs: real_watch(paths, run, **kwargs, wait=wait, runs=runs))
    monkeypatch.setattr(cli, "OWN_PROCESS", False)
    monkeypatch.chdir(tmp_path)
    threshold = gc.get_threshold()
    try:
        result = CliRunner().invoke(cli.main, ["eval", "w.law", "--case", case_name, "--date", "2026-06-01",
                                               "--watch", "--no-cache"])
    finally:  # what a watching process sets for itself, put back for the other tests of this process
        api.remember_parses(0)
        gc.set_threshold(*threshold)
    return result, len(loads)


def test_eval_watch_loads_the_statutes_again_only_when_they_change(tmp_path: Path, monkeypatch) -> None:
    """A new case is answered from the program the last run loaded; an edit of a statute loads
    it again (and a broken case file is an error of that run only)."""
    law = tmp_path / "w.law"
    law.write_text(STATUTE, encoding="utf-8")
    case = tmp_path / "c.json"
    case.write_text('{"x": 5}', encoding="utf-8")
    result, loads = _eval_watch_in_process(tmp_path, monkeypatch, [
        lambda: case.write_text('{"x": 15}', encoding="utf-8"),                         # run 2: the case
        lambda: case.write_text('{"x": ', encoding="utf-8"),                            # run 3: broken case
        lambda: case.write_text('{"x": 15 }', encoding="utf-8"),                        # run 4: mended
        lambda: law.write_text(STATUTE.replace("x > 10", "x > 20"), encoding="utf-8"),  # run 5: the statute
    ], 5)
    assert loads == 2, result.output  # the first run and the statute's edit
    reports = result.stdout.split("W on 2026-06-01\n")[1:]
    assert len(reports) == 4, result.output  # the broken case printed no report
    # x = 15: r1 applies before the statute's edit; after it (x > 20) no rule does
    assert [("d = true" in report, "no rule applies" in report) for report in reports] == \
        [(False, False), (True, False), (True, False), (False, True)]
    assert "c.json:1:7: error" in result.stderr
    assert result.exit_code == 0


def test_eval_watch_refuses_a_case_it_cannot_read_again(tmp_path: Path) -> None:
    (tmp_path / "w.law").write_text(STATUTE, encoding="utf-8")
    process = _lexproof(tmp_path, "eval", "w.law", "--case", "/dev/stdin", "--watch", stdin=subprocess.DEVNULL)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 2
    assert "--watch reads the case again after every change: '/dev/stdin' is not a file" in stderr
    assert "Traceback" not in stderr
    process = _lexproof(tmp_path, "eval", "w.law", "--case", "c.json", "--watch", "--format", "json")
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 2
    assert "--watch prints the human report; --format json is for one run" in json.loads(stdout)["errors"][0]["message"]


def test_eval_watch_sees_a_case_saved_while_the_first_run_runs(tmp_path: Path, monkeypatch) -> None:
    """Was: the case file was first looked at after the first run, so a case saved while that
    run evaluated (about a second at 10,000 rules) was never evaluated."""
    (tmp_path / "w.law").write_text(STATUTE, encoding="utf-8")
    case = tmp_path / "c.json"
    case.write_text('{"x": 5}', encoding="utf-8")
    result, loads = _eval_watch_in_process(tmp_path, monkeypatch, [], 2,
                                           after_first_evaluation=lambda: case.write_text('{"x": 15}', encoding="utf-8"))
    reports = result.stdout.split("W on 2026-06-01\n")[1:]
    assert len(reports) == 2, result.output
    assert "x  5" in reports[0] and "x  15" in reports[1] and loads == 1


def test_eval_watch_loads_again_when_the_case_is_also_a_statute_file(tmp_path: Path, monkeypatch) -> None:
    """Was: a file named as the case and read as a statute counted as the case only, so an
    edit of it reused the program loaded before the edit."""
    law = tmp_path / "w.law"
    law.write_text(STATUTE, encoding="utf-8")
    result, loads = _eval_watch_in_process(
        tmp_path, monkeypatch, [lambda: law.write_text(STATUTE.replace("x > 10", "x >"), encoding="utf-8")], 2,
        case_name="./w.law")
    assert loads == 2
    assert "w.law:5:1: error: unexpected 'rule'; expected an expression" in result.stderr  # the statute's error


def test_eval_watch_does_not_quote_a_case_file_that_is_gone(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "w.law").write_text(STATUTE, encoding="utf-8")
    case = tmp_path / "c.json"
    case.write_text('{"x": 5, "oops"}', encoding="utf-8")
    result, loads = _eval_watch_in_process(tmp_path, monkeypatch, [case.unlink], 2)
    first, second = result.stderr.split("watching")[:2]
    assert 'c.json:1:16: error: not valid JSON' in first and '1 | {"x": 5, "oops"}' in first
    assert "c.json:1:1: error: cannot read the case file" in second
    assert "oops" not in second  # the text it had is not the file's any more
    assert loads == 1


def test_a_fifo_among_the_watched_files_is_not_opened(tmp_path: Path) -> None:
    """Was: the snapshot hashed every file, and opening a fifo waits for a writer: a case file
    replaced by a fifo stopped ``eval --watch`` for good."""
    fifo = tmp_path / "c.json"
    os.mkfifo(fifo)
    state = watch.snapshot([], [str(fifo)])
    (found,) = state.values()
    assert found is not None and found[3] is None
