"""``lexproof check --watch``: check, then check again whenever a file of the statutes changes.

A drafter edits one rule of a 10,000-rule book and wants the findings in seconds (issue 18).
A one-shot ``lexproof check`` pays, before any check, for starting Python, parsing every file
whole, type-checking and consolidating, storing the loaded program, and reading the 12,000
cache entries of the decisions whose cones did not change. One process that stays skips what
it already knows:

- the parser keeps the last trees of the files (``api.remember_parses``) and re-parses only the
  declarations an edit touched (``dsl/incremental_parse.py``);
- the result cache keeps the authenticated entries it read or wrote (``ResultCache.remember``);
- the loaded program is not stored in the cache of loaded books on every edit.

Every run checks what ``lexproof check`` checks, with the same cache, and prints the same
report. This module is the loop only: what a run is, is the command's (``verifier/cli.py``).
Files are polled (their size and modification time, a few hundred of them at most), which
works the same on every platform and on network and container mounts, where change
notifications are often missing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

Snapshot = dict[str, tuple[int, int] | None]  # file -> (modification time in ns, size), None: gone

INTERVAL = 0.1  # seconds between two looks at the files (a stat of each: cheap)


def snapshot(paths: Sequence[str], files: Iterable[str]) -> Snapshot:
    """The state of every file a run read (``files``) and of every ``.law`` file under a
    directory named on the command line (so a new file there is seen)."""
    names = set(files)
    for path in paths:
        if os.path.isdir(path):
            names.update(str(found) for found in Path(path).rglob("*.law"))
        else:
            names.add(path)
    state: Snapshot = {}
    for name in names:
        try:
            info = os.stat(name)
        except OSError:
            state[name] = None
        else:
            state[name] = (info.st_mtime_ns, info.st_size)
    return state


def changed_files(before: Snapshot, after: Snapshot) -> list[str]:
    """The files added, removed or written between two snapshots, by name."""
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))


def _as_checked(before_run: Snapshot, after_run: Snapshot) -> Snapshot:
    """What a run checked: the files as they were when it started (a file written while it
    ran then differs, and is checked again), and those it read for the first time as they are."""
    return {**after_run, **{name: state for name, state in before_run.items() if name in after_run}}


def watch(paths: Sequence[str], run: Callable[[], tuple[int, list[str]]], *,
          on_change: Callable[[list[str]], None], after_run: Callable[[], None] = lambda: None,
          wait: Callable[[float], None] = time.sleep, runs: int | None = None) -> int:
    """Run once, then again after every change, until interrupted (Ctrl-C) or ``runs`` runs
    (for tests); the exit code of the last run.

    ``run`` checks and reports, and gives its exit code and the files it read (the last run's
    files are kept when it read none, e.g. after a syntax error). ``on_change`` is told which
    files changed before a run, ``after_run`` is called after each (to tidy up while the
    drafter types). A change is acted on once two looks in a row agree, so that an editor that
    writes a file in several steps is seen once, whole."""
    code = 0
    try:
        before = snapshot(paths, [])
        code, files = run()
        seen = _as_checked(before, snapshot(paths, files))
        done = 1
        after_run()
        while runs is None or done < runs:
            wait(INTERVAL)
            now = snapshot(paths, files)
            if now == seen:
                continue
            wait(INTERVAL)
            if snapshot(paths, files) != now:
                continue  # still being written
            on_change(changed_files(seen, now))
            code, read = run()
            files = read or files
            seen = _as_checked(now, snapshot(paths, files))
            done += 1
            after_run()
    except KeyboardInterrupt:
        pass
    return code
