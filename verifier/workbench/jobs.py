"""Long checks as background jobs: progress while they run, and a way to cancel them.

``lexproof check`` cuts a run into independent tasks (``api.check_tasks``: the examples, each
property, the built-in checks). A job runs them one after the other on its own thread, counts
them as they finish, and stops between two tasks when cancelled (a task itself is bounded by
the solver budget). A cancelled or failed job shows no results: partial results would look
like a clean report."""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
import threading
from dataclasses import dataclass, field

from dsl.diagnostics import LexproofError
from dsl.model import Program
from verifier import api
from verifier.checks import ALL_CHECKS
from verifier.results import Result
from verifier.solving import Budget

MAX_JOBS = 20  # the jobs kept (finished ones are dropped first)


@dataclass
class Job:
    id: str
    total: int = 0
    done: int = 0
    state: str = "running"  # running done cancelled failed
    results: list[Result] = field(default_factory=list)
    error: LexproofError | None = None
    internal: str | None = None  # a lexproof bug, shown as such
    cancel_requested: threading.Event = field(default_factory=threading.Event)


class Jobs:
    """The jobs of one server, by id (random: one user cannot guess another's job)."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._counter = itertools.count(1)

    def start_check(self, program: Program, timeout: float | None) -> Job:
        job = Job(f"{next(self._counter)}-{secrets.token_hex(8)}")
        with self._lock:
            self._jobs[job.id] = job
            self._forget_old()
        threading.Thread(target=_run_check, args=(job, program, timeout), daemon=True, name=f"check {job.id}").start()
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def _forget_old(self) -> None:
        finished = [j for j in self._jobs.values() if j.state != "running"]
        while len(self._jobs) > MAX_JOBS and finished:
            del self._jobs[finished.pop(0).id]


def _run_check(job: Job, program: Program, timeout: float | None) -> None:
    """What ``api.check(program, timeout=timeout)`` does without a cache, on one process, one
    task at a time (same tasks, same order, so the same results)."""
    try:
        day = dt.date.today()
        budget = Budget.from_seconds(timeout)
        tasks = [task for statute in program.statutes.values()
                 for task in api.check_tasks(statute, day, budget, True, ALL_CHECKS, True, True, None)]
        job.total = len(tasks)
        for _statute, task in tasks:
            if job.cancel_requested.is_set():
                job.state, job.results = "cancelled", []
                return
            job.results.extend(task())
            job.done += 1
        job.state = "done"
    except LexproofError as error:
        job.state, job.error, job.results = "failed", error, []
    except Exception as error:  # noqa: BLE001 - a lexproof bug: shown on the page, never a silent clean report
        job.state, job.results = "failed", []
        job.internal = f"internal error: {type(error).__name__}: {error} (please report)"
