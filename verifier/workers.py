"""Run independent checking tasks on several cores.

Examples, properties and built-in checks do not depend on each other: each builds its own
encoder in its own z3 context. ``lexproof check`` cuts a run into such tasks (see
``api.check_tasks``) and, with ``jobs > 1``, runs them in forked worker processes.

- Fork, not spawn: a worker inherits the loaded, type-checked program and so starts at once.
  Where fork does not exist (Windows) the tasks run in this process.
- A worker sends its results back as the JSON-safe data of the result cache
  (``verifier/cache.py``), and counterexamples are re-evaluated here by the evaluator: the
  results are the same objects a sequential run makes, in the same order (tested).
- Bad input found in a worker (a ``LexproofError``) or a lexproof bug (``InternalError``) is
  raised here as it would be in a sequential run (the first in task order); a worker that
  dies is an ``InternalError`` (exit code 4), never a hang.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Protocol

from lexproof.dsl.model import StatuteModel
from lexproof.verifier.cache import result_from_data, result_to_data
from lexproof.verifier.errors import InternalError
from lexproof.verifier.results import Result

Task = Callable[[], list[Result]]


class Progress(Protocol):
    """Told how much work a run has and when each task is done: a progress bar (the CLI's, on a
    terminal). Runs that call ``run_tasks`` several times (a diff over several statutes) add
    their tasks as they come."""

    def add(self, count: int) -> None: ...

    def advance(self) -> None: ...

_TASKS: Sequence[Task] = ()  # what the workers run, set before they are forked


def available_cores() -> int:
    """The cores this process may run on (the affinity mask, not the machine's total)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def run_tasks(tasks: Sequence[tuple[StatuteModel, Task]], jobs: int,
              progress: Progress | None = None) -> list[list[Result]]:
    """Each task's results, in the order of ``tasks``; on up to ``jobs`` processes. ``progress``
    is told the number of tasks, and each one done (in task order)."""
    if progress is not None:
        progress.add(len(tasks))
    jobs = min(jobs, len(tasks))
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return list(_counted((task() for _statute, task in tasks), progress))
    global _TASKS
    _TASKS = [task for _statute, task in tasks]
    try:
        # ProcessPoolExecutor, not multiprocessing.Pool: a worker that dies (a crash in z3, the
        # OOM killer) breaks the pool with an error instead of leaving a task waiting for ever.
        # map yields in task order, so the first failing task (in that order) raises, as in one
        # process. One task at a time: tasks differ in cost by a factor of 100.
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            data = list(_counted(pool.map(_run_task, range(len(tasks))), progress))
    except BrokenProcessPool as error:
        raise InternalError(
            f"a worker process died ({error}); run with -j 1 to see which check it was in"
        ) from error
    finally:
        _TASKS = ()
    versions: dict[str, dict] = {}  # per statute: the versions its witnesses name, consolidated once
    return [
        [result_from_data(statute, item, versions.setdefault(statute.name, {})) for item in items]
        for (statute, _task), items in zip(tasks, data)
    ]


def _counted(results: Iterator, progress: Progress | None) -> Iterator:
    """``results`` as they come, telling ``progress`` of each."""
    for result in results:
        yield result
        if progress is not None:
            progress.advance()


def _run_task(index: int) -> list[dict]:
    """In a worker: run one task and return its results as data."""
    return [result_to_data(result) for result in _TASKS[index]()]
