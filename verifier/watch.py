"""``lexproof check --watch`` (and ``diff --watch``, ``eval --watch``): check, then check again
whenever a file of the statutes (or ``eval``'s case file) changes.

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
Files are polled (a few hundred of them at most; see ``snapshot`` for what is compared), which
works the same on every platform and on network and container mounts, where change
notifications are often missing.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

Snapshot = dict[str, tuple | None]  # file -> what its state is compared by (see ``snapshot``); None: gone

INTERVAL = 0.05  # seconds between two looks at the files (a stat of each: cheap; a change is seen in 2-3 looks)
RECENT_NS = 3_000_000_000  # a file written this recently is also compared by its content


def snapshot(paths: Sequence[str], files: Iterable[str], previous: Snapshot | None = None) -> Snapshot:
    """The state of every file a run read (``files``) and of every ``.law`` file under a
    directory named on the command line (so a new file there is seen), by the name a person
    reads (relative to the working directory when inside it; a file named two ways is one).

    A file's state is its modification time, size and inode (an editor that saves by renaming
    a new file over the old one makes another inode) and a hash of its content: on a file
    system whose clock counts whole seconds (or two), a same-size edit within the same second
    changes nothing else. The content is read again only when the rest changed or the file
    was written in the last few seconds; otherwise its hash is taken from ``previous``."""
    state: Snapshot = {}
    now = time.time_ns()
    for name in watched_files(paths, files):
        try:
            info = os.stat(name)
        except OSError:
            state[name] = None
            continue
        stamp = (info.st_mtime_ns, info.st_size, info.st_ino)
        known = (previous or {}).get(name)
        if known is not None and known[:3] == stamp and now - info.st_mtime_ns >= RECENT_NS:
            state[name] = known
        elif not stat.S_ISREG(info.st_mode):
            state[name] = (*stamp, None)  # a fifo or device is not read (opening a fifo waits for a writer)
        else:
            state[name] = (*stamp, _content_hash(name))
    return state


def _content_hash(name: str) -> bytes | None:
    try:
        with open(name, "rb") as handle:
            return hashlib.sha256(handle.read(MAX_HASHED_BYTES + 1)).digest()
    except OSError:
        return None


MAX_HASHED_BYTES = 8_000_000  # larger than any statute file may be (dsl/text_limits.py)


def _display(name: str) -> str:
    absolute = os.path.abspath(name)
    try:
        relative = os.path.relpath(absolute)
    except ValueError:  # another drive (Windows)
        return absolute
    return absolute if relative.startswith("..") else relative


def watched_files(paths: Sequence[str], files: Iterable[str]) -> list[str]:
    """The files a watch looks at (``snapshot``'s), by name: those a run read and the ``.law``
    files under the directories named (so a new file there is seen)."""
    names = {_display(name) for name in files}
    for path in paths:
        if os.path.isdir(path):
            try:
                names.update(_display(str(found)) for found in Path(path).rglob("*.law"))
            except OSError:  # a folder removed while it was walked (a checkout, rm -r): next look
                pass
        else:
            names.add(_display(path))
    return sorted(names)


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

    ``run`` checks and reports, and gives its exit code and the files to watch (those it read;
    after an error that stopped it, those of the run before too). ``on_change`` is told which
    files changed before a run, ``after_run`` is called after each (to tidy up while the
    drafter types). A change is acted on once two looks in a row agree, so that an editor that
    writes a file in several steps is seen once, whole."""
    code = 0
    try:
        before = snapshot(paths, [])
        code, files = run()
        seen = _as_checked(before, snapshot(paths, files, before))
        done = 1
        after_run()
        while runs is None or done < runs:
            wait(INTERVAL)
            now = snapshot(paths, files, seen)
            if now == seen:
                continue
            wait(INTERVAL)
            if snapshot(paths, files, now) != now:
                continue  # still being written
            on_change(changed_files(seen, now))
            code, files = run()
            seen = _as_checked(now, snapshot(paths, files, now))
            done += 1
            after_run()
    except KeyboardInterrupt:
        pass
    return code
