"""What a workbench job runs in its own process (see jobs.py): a check, a query, a diff or an
amendment's impact on a population.

A worker process loads the statute folder itself (through ``api.load``, with the loader's
import confinement), does the solver work with the CLI's budget, and sends back over a pipe:

- ``("progress", done, total)``: the tasks of a check done so far;
- ``("results", [data, ...])``: the results as data (``api.result_to_data``);
- ``("view", data)``: an impact on a population as plain data (``api.impact_view``);
- ``("problems", [(where, message, rendered), ...])``: bad input, as the CLI's diagnostics;
- ``("internal", text)``: a lexproof bug, said as such (never a silent empty result).

Killing the process is how a job is cancelled: z3 stops at once, whatever it is doing."""

from __future__ import annotations

from multiprocessing.connection import Connection

from lexproof.dsl.diagnostics import LexproofError
from lexproof.verifier import api


def work(conn: Connection, kind: str, paths: list[str], args: dict, timeout: float | None) -> None:
    """Run one job and send its outcome; every way out sends exactly one final message."""
    try:
        program = api.load(*paths)
        if kind == "check":
            results = _check(conn, program, timeout)
        elif kind == "query":
            results = [api.query(program, args["q"], statute=args.get("statute"), date=args.get("date"),
                                 amendment=args.get("amendment"), max_cases=args.get("max", 1), timeout=timeout)]
        elif kind == "diff":
            results = api.diff(program, amendment=args["amendment"], timeout=timeout)
        elif kind == "impact":
            conn.send(("view", _impact(conn, program, args)))
            conn.close()
            return
        else:
            raise ValueError(f"unknown job kind {kind!r}")
        message: tuple = ("results", [api.result_to_data(result) for result in results])
    except LexproofError as error:
        message = ("problems", [(str(d.span), d.message, d.render()) for d in error.diagnostics])
    except RecursionError:
        message = ("problems", [("", "the input is nested too deeply to process",
                                 "error: the input is nested too deeply to process")])
    except Exception as error:  # noqa: BLE001 - a lexproof bug: reported as one, never as "no results"
        if type(error).__module__.split(".")[0] == "duckdb":  # the engine's errors are about the population
            text = f"--population: {str(error).splitlines()[0] if str(error) else type(error).__name__}"
            message = ("problems", [("<population>", text, f"<population>: error: {text}")])
        else:
            message = ("internal", f"internal error: {type(error).__name__}: {error} (please report)")
    conn.send(message)
    conn.close()


def _impact(conn: Connection, program, args: dict) -> dict:
    """An amendment's impact on the population, reporting each decision as it is counted."""
    def progress(index: int, total: int, _name: str) -> None:
        conn.send(("progress", index, total))

    report = api.impact(program, args["population"], amendment=args["amendment"], by=args.get("by") or [],
                        progress=progress)
    return api.impact_view(report)


def _check(conn: Connection, program, timeout: float | None) -> list:
    """The check's tasks one by one, reporting progress after each."""
    tasks = api.check_work(program, timeout=timeout)
    conn.send(("progress", 0, len(tasks)))
    results = []
    for done, task in enumerate(tasks, start=1):
        results.extend(task())
        conn.send(("progress", done, len(tasks)))
    return results
