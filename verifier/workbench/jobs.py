"""Long solver calls as background jobs: a check, a query ("is there a case ...?") or a diff,
each in its own worker process, with progress while it runs and a way to cancel it.

Why a process per job, not a thread: z3 cannot be stopped from another thread between two of
its own steps reliably, and a query may run for as long as its budget allows (minutes, with
``--timeout``). Killing the worker process stops it at once and frees its core; the server's
event loop and the other users' jobs are not touched. The worker loads the statute folder
itself (worker.py), so the server's threads share nothing with it.

- Processes come from a fork server (a clean, single-threaded process with lexproof already
  imported): forking the server itself, which runs threads, could copy a lock another thread
  holds; spawning a fresh interpreter per job would import z3 each time.
- At most ``max_running`` workers run at once (the cores); later jobs wait for a free one.
  A job that waits or runs can be cancelled; a cancelled or failed job has no results, so
  that a part of them never reads as "no case" or a clean report.
"""

from __future__ import annotations

import copy
import itertools
import multiprocessing
import secrets
import threading
import time
from dataclasses import dataclass, field

from lexproof.dsl.model import Program
from lexproof.verifier import api
from lexproof.verifier.results import Result
from lexproof.verifier.workbench import worker
from lexproof.verifier.workers import available_cores

MAX_JOBS = 50  # the jobs kept (finished ones are dropped first)
POLL_SECONDS = 0.1  # how soon a worker's message or a cancel is seen


def _context() -> multiprocessing.context.BaseContext:
    """The fork server where there is one (Linux, macOS), else fresh interpreters."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([worker.__name__])  # lexproof imported once, in the fork server
        return context
    return multiprocessing.get_context("spawn")


@dataclass
class Job:
    id: str
    kind: str  # check query diff impact
    args: dict
    timeout: float | None = None
    state: str = "waiting"  # waiting running done cancelled failed
    done: int = 0  # progress: tasks done of total (a check), else 0 of 0
    total: int = 0
    started: float | None = None
    finished_at: float | None = None
    data: list[dict] = field(default_factory=list)
    view: dict | None = None  # an impact's figures, text and charts
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # bad input: (where, message, rendered)
    internal: str | None = None  # a lexproof bug, shown as such
    cancel_requested: threading.Event = field(default_factory=threading.Event)
    finished: threading.Event = field(default_factory=threading.Event)
    pid: int | None = None
    _read: dict = field(default_factory=dict)  # results read back once, shared with snapshots

    @property
    def active(self) -> bool:
        return self.state in ("waiting", "running")

    @property
    def elapsed(self) -> int:
        """Whole seconds the worker has been running."""
        if self.started is None:
            return 0
        return int((self.finished_at or time.monotonic()) - self.started)

    def cancel(self, wait: float = 10.0) -> None:
        """Ask the job to stop, and wait (a little) until its worker is gone."""
        self.cancel_requested.set()
        self.finished.wait(wait)

    def results(self, program: Program) -> list[Result]:
        """The results of a finished job, read back in ``program`` (once)."""
        if "results" not in self._read:
            versions: dict = {}
            self._read["results"] = [api.result_from_data(program, item, versions) for item in self.data]
        return self._read["results"]

    def snapshot(self) -> Job:
        """The job as it is now, for one page. The worker's thread changes a job while a page is
        rendered: a page that read "running" in its handler and "done" in its template showed a
        finished job without its answer. A page reads one snapshot, so its state and its results
        belong together; cancelling and progress still go to the job itself."""
        return copy.copy(self)

    def status(self) -> dict:
        """What the page and ``GET /jobs/ID`` show of a job."""
        return {"id": self.id, "kind": self.kind, "state": self.state, "done": self.done, "total": self.total,
                "elapsed": self.elapsed}


class Jobs:
    """The jobs of one server, by id (random: one user cannot guess another's job)."""

    def __init__(self, paths: list[str], max_running: int | None = None) -> None:
        self.paths = paths
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._counter = itertools.count(1)
        self._slots = threading.BoundedSemaphore(max_running or max(2, available_cores()))
        self._context = _context()

    def start(self, kind: str, args: dict, timeout: float | None) -> Job:
        job = Job(f"{next(self._counter)}-{secrets.token_hex(8)}", kind, dict(args), timeout)
        with self._lock:
            self._jobs[job.id] = job
            self._forget_old()
        threading.Thread(target=self._supervise, args=(job,), daemon=True, name=f"{kind} {job.id}").start()
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def _forget_old(self) -> None:
        finished = [j for j in self._jobs.values() if not j.active]
        while len(self._jobs) > MAX_JOBS and finished:
            del self._jobs[finished.pop(0).id]

    def _supervise(self, job: Job) -> None:
        """Wait for a free worker slot, run the job in a worker process, pass on its messages,
        and kill the worker when the job is cancelled."""
        try:
            with self._slots:
                if job.cancel_requested.is_set():
                    job.state = "cancelled"
                    return
                self._run(job)
        except Exception as error:  # noqa: BLE001 - a lexproof bug: shown on the page, never a hang
            # the explanation before the state: a page that sees "failed" sees why (Job.snapshot)
            job.internal = f"internal error: {type(error).__name__}: {error} (please report)"
            job.state, job.data = "failed", []
        finally:
            job.finished_at = time.monotonic()
            job.finished.set()

    def _run(self, job: Job) -> None:
        receive, send = self._context.Pipe(duplex=False)
        process = self._context.Process(target=worker.work, args=(send, job.kind, self.paths, job.args, job.timeout),
                                        daemon=True, name=f"lexproof {job.kind}")
        process.start()
        send.close()  # the worker holds the other end: its exit ends the pipe
        job.pid, job.started, job.state = process.pid, time.monotonic(), "running"
        try:
            while True:
                if job.cancel_requested.is_set():
                    _stop(process)
                    job.state, job.data = "cancelled", []
                    return
                if not receive.poll(POLL_SECONDS):
                    continue
                try:
                    message = receive.recv()
                except EOFError:  # the worker died without a word (killed, out of memory, a crash in z3)
                    process.join(5)
                    job.internal = f"internal error: the worker process stopped (exit code {process.exitcode}) (please report)"
                    job.state, job.data = "failed", []
                    return
                if _handle(job, message):
                    process.join(5)
                    return
        finally:
            receive.close()
            if process.is_alive():
                _stop(process)


def _handle(job: Job, message: tuple) -> bool:
    """Apply a worker's message to the job; True for the final one."""
    kind = message[0]
    if kind == "progress":
        job.done, job.total = message[1], message[2]
        return False
    if kind == "results":
        job.data, job.state = message[1], "done"
    elif kind == "view":
        job.view, job.state = message[1], "done"
    elif kind == "problems":
        job.problems, job.state = message[1], "failed"
    else:
        job.internal, job.state = message[1], "failed"
    return True


def _stop(process: multiprocessing.process.BaseProcess) -> None:
    """Terminate a worker (SIGTERM), and kill it if it does not go."""
    process.terminate()
    process.join(5)
    if process.is_alive():
        process.kill()
        process.join(5)
