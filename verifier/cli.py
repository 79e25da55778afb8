"""The ``lexproof`` command line: eval, test, check, query, diff, fmt.

Exit codes (stable, for CI): 0 all as declared; 1 a property fails, an example fails or a
defect is found; 2 bad input (syntax, types, case files, options); 3 a check was inconclusive
(solver budget); 4 internal error (a lexproof bug, e.g. solver and evaluator disagree).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import gc
import math
import os
import re
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from lexproof.dsl.diagnostics import Diagnostic, LexproofError
from lexproof.dsl.source import INVISIBLE_FORMAT, Span, visible
from lexproof.dsl.values import parse_iso_date
from lexproof.verifier import api
from lexproof.verifier.cache import default_cache
from lexproof.verifier.errors import InternalError
from lexproof.verifier.json_output import indented_json, indented_object
from lexproof.verifier.messages import LANGS, default_lang
from lexproof.verifier.messages import text as msg
from lexproof.verifier.render import (
    SafeConsole,
    headline,
    print_builtin_clean,
    print_diff_summary,
    print_result,
    print_result_body,
    print_summary,
    print_witness,
    version_text,
)
from lexproof.verifier.results import EXIT_BAD_INPUT, EXIT_INTERNAL, Result, exit_code
from lexproof.verifier.workers import available_cores

JSON_FORMAT_VERSION = 1


def _console(stderr: bool = False) -> Console:
    console = SafeConsole(stderr=stderr, highlight=False, soft_wrap=True)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = 120  # logs and pipes: tables read better wide than wrapped at 80
    return console


def _show_warnings(program) -> None:
    """The checker's warnings (a product the solver may not decide), on stderr: the input is
    accepted, and the results say 'unknown' where the solver could not decide."""
    for warning in getattr(program, "warnings", ()):
        click.echo(warning.render(), err=True)


def _guard(action: Callable[[], int], command: str | None = None, output_format: str = "human",
           lang: str | None = None) -> int:
    """Run a command: bad input -> diagnostics and exit 2; lexproof bugs -> exit 4; never a
    traceback (set LEXPROOF_DEBUG=1 to see one). With a machine format, bad input also
    writes that format's error document on stdout (``_emit_errors``): a statute that does not
    load must not look like an empty, clean report to CI. The diagnostics on stderr are in
    ``lang`` (default from the locale); the machine formats keep the English text."""
    try:
        return action()
    except LexproofError as error:
        from lexproof.verifier.diagnostic_messages import error_count, render_error

        lang = lang or default_lang()
        click.echo(render_error(error, lang), err=True)
        click.echo(error_count(len(error.diagnostics), lang), err=True)
        if command is not None and output_format != "human":
            _emit_errors(command, output_format, error, lang)
        return EXIT_BAD_INPUT
    except InternalError as error:
        click.echo(visible(f"internal error: {error}"), err=True)
        return EXIT_INTERNAL
    except RecursionError:
        click.echo("error: the input is nested too deeply to process", err=True)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return 130
    except Exception as error:  # noqa: BLE001 - the last line of defence against tracebacks
        if os.environ.get("LEXPROOF_DEBUG"):
            raise
        click.echo(visible(f"internal error: {type(error).__name__}: {error} (set LEXPROOF_DEBUG=1 for details; please report)"), err=True)
        return EXIT_INTERNAL


def _emit_errors(command: str, output_format: str, error: LexproofError, lang: str = "en") -> None:
    """The document of a run that stopped at bad input, in the chosen format: JSON's error
    shape (docs/json-output.md), a SARIF log with a result per diagnostic, or JUnit with a
    failing test case per file (docs/ci.md)."""
    from lexproof.verifier.formats import error_json, errors_to_junit, errors_to_sarif

    if output_format == "json":
        click.echo(json_text({"lexproof": JSON_FORMAT_VERSION, "command": command, "exit_code": EXIT_BAD_INPUT,
                              "errors": [error_json(d) for d in error.diagnostics]}))
    elif output_format == "sarif":
        click.echo(json_text(errors_to_sarif(error.diagnostics)))
    elif output_format == "junit":
        click.echo(errors_to_junit(error.diagnostics))
    elif output_format == "html":
        from lexproof.verifier.workbench.app import error_report

        click.echo(error_report(error.diagnostics, lang))  # a report for people: in their language


def _parse_date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return parse_iso_date(value)
    except ValueError:
        raise LexproofError(Diagnostic(Span("<command line>", 1, 1, 1, 1), f"{option} expects a date YYYY-MM-DD, got '{value}'")) from None


def _budget_seconds(text: str | None) -> float | None:
    """--timeout in seconds, checked here so that a value with no budget (0, negative, nan,
    inf, too large) is bad input with a diagnostic, not a crash in the solver set-up."""
    from lexproof.verifier.api import timeout_problem

    if text is None:
        return None
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    problem = timeout_problem(seconds)
    if problem is not None:
        raise LexproofError(Diagnostic(Span("<command line>", 1, 1, 1, 1), f"--timeout {problem}, got '{text}'"))
    return seconds


def _emit_json(command: str, results: list[Result], code: int) -> None:
    """The JSON envelope (docs/json-output.md), made result by result: each result's JSON
    objects are made, turned into text and dropped, with what its witnesses evaluated (a diff
    of a statute book held hundreds of MB of them). The text (that of ``json_text`` of the whole
    envelope, tests/test_json_output.py) goes to a temporary file first, on disk beyond 16 MB,
    and to stdout only once complete: a result that fails leaves no half document, and the
    27.6 MB of a brief diff at 10,000 rules are not held as a string."""
    fields = {"lexproof": JSON_FORMAT_VERSION, "command": command, "exit_code": code, "results": None,
              "summary": _summary(results)}
    items = (_released(r.to_json(), r) for r in results)
    # surrogatepass: the file gives back exactly the text written, whatever stdout then makes of it
    with tempfile.SpooledTemporaryFile(max_size=16 << 20, mode="w+", encoding="utf-8", newline="",
                                       errors="surrogatepass") as text:
        for part in indented_object(fields.items(), "results", items):
            text.write(_escaped(part))
        text.seek(0)
        while chunk := text.read(1 << 20):
            click.echo(chunk, nl=False)
    click.echo("")


def _released(data: dict, result: Result) -> dict:
    """``data`` (the result's JSON), once the result's witnesses have forgotten what they
    evaluated to write it (``Result.release``): a diff of a statute book holds a thousand."""
    result.release()
    return data


_RAW_IN_JSON = re.compile("[\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"
                          + INVISIBLE_FORMAT + "]")


def _json_escape(match: re.Match[str]) -> str:
    """The JSON escape of one character: beyond U+FFFF, a surrogate pair (as JSON spells it)."""
    code = ord(match.group())
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_text(payload: object) -> str:
    """JSON for stdout: UTF-8 text as is, but every control or invisible format character as a
    \\u escape. ``json.dumps`` escapes C0 controls itself; DEL, C1 controls (U+009B acts as
    CSI on some terminals) and bidirectional overrides it would write raw. They can only occur
    inside strings, where the escape means the same: the data stays exactly what it was.

    Every one of them lies outside printable ASCII, so only those characters (a euro sign per
    amount, a few accents) are looked at: searching 4 MB of output for the class itself took
    0.04 s, for anything beyond '~' 0.01 s."""
    return _escaped(indented_json(payload))


def _escaped(text: str) -> str:
    """``text`` with each raw control or invisible format character escaped (``json_text``)."""
    return _BEYOND_PRINTABLE_ASCII.sub(_escape_if_raw, text)


_BEYOND_PRINTABLE_ASCII = re.compile("[^\x00-\x7e]")


def _escape_if_raw(match: re.Match[str]) -> str:
    return _json_escape(match) if _RAW_IN_JSON.match(match.group()) else match.group()


def _summary(results: list[Result]) -> dict:
    counts: dict[str, int] = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    return {"total": len(results), "by_status": counts, "not_as_expected": sum(not r.as_expected for r in results)}


class OnceOption(click.Option):
    """An option that takes one value. Click keeps the last of a repeated option and drops the
    rest without a word (``--amendment P --amendment Q`` applied only Q); here an option given
    twice is bad input (exit 2), since nothing on the command line may be silently ignored."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs["multiple"] = True
        if kwargs.get("default") is not None:
            kwargs["default"] = (kwargs["default"],)
        super().__init__(*args, **kwargs)

    def process_value(self, ctx: click.Context, value):  # noqa: ANN201 - click's signature
        values = super().process_value(ctx, value)
        if len(values) > 1:
            shown = ", ".join(repr(visible(str(v))) for v in values)
            raise click.BadParameter(f"given {len(values)} times ({shown}); give it once", ctx=ctx, param=self)
        return values[0] if values else None


once_option = functools.partial(click.option, cls=OnceOption)


FORMAT = once_option("--format", "output_format", type=click.Choice(["human", "json"]), default="human", show_default=True,
                      help="human-readable, or JSON (documented in docs/json-output.md)")
DATE = once_option("--date", "date", metavar="YYYY-MM-DD", help="the law as in force on this date (default: today)")
AMENDMENT = once_option("--amendment", metavar="NAME", help="apply this amendment (even if not yet in force)")
STATUTE = once_option("--statute", metavar="NAME", help="which statute, when several are loaded")
LANG = once_option("--lang", "lang", type=click.Choice(list(LANGS)), default=None,
                    help="language of the human output: nl or en (default: from LC_ALL/LANG; nl_* gives nl)")
TIMEOUT = once_option("--timeout", metavar="SECONDS", help="solver budget per check (deterministic rlimit scaled from seconds); running out gives 'unknown'")


# True when this process is the ``lexproof`` command itself (``run``), not a host that calls
# ``main`` in-process (tests through click's CliRunner, a tool embedding the CLI). Only then may
# the CLI freeze the loaded program out of the collector's reach for the rest of the process.
OWN_PROCESS = False


def run() -> None:
    """The ``lexproof`` command (console script and ``python -m lexproof``)."""
    global OWN_PROCESS
    OWN_PROCESS = True
    main(prog_name="lexproof")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lexproof")
def main() -> None:
    """lexproof: legal rules as code, with formal verification."""
    # Expressions are at most 200 levels deep (the parser checks); each level costs a few
    # frames in the recursive passes, so give them room without risking the C stack.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))


@main.command("eval")
@click.argument("files", nargs=-1, required=True)
@once_option("--case", "case_file", required=True, metavar="CASE.json", help="the facts of the case (JSON object)")
@DATE
@AMENDMENT
@STATUTE
@FORMAT
@LANG
@click.option("--no-cache", "no_cache", is_flag=True,
              help="load the statutes afresh (default: reuse the authenticated, checked statutes of unchanged "
                   "files from ~/.cache/lexproof or $LEXPROOF_CACHE; LEXPROOF_CACHE=off disables it)")
@click.option("--decision", "decisions", multiple=True, metavar="NAME",
              help="only this decision and the decisions that explain it (repeatable; default: every decision)")
@click.option("--watch", is_flag=True,
              help="evaluate, then again whenever the case or a statute file changes, in one process that keeps "
                   "the loaded statutes while only the case changes (human report only; Ctrl-C stops)")
def eval_command(files, case_file, date, amendment, statute, output_format, lang, no_cache, decisions,
                 watch) -> None:
    """Run one case through the law and explain every decision."""
    lang = lang or default_lang()

    def action() -> int:
        return evaluated(_cached_load(files, no_cache))

    def evaluated(program) -> int:
        """Evaluate the case file as it is now in the loaded program, and report (one run)."""
        _show_warnings(program)
        model = (api.statute_of_amendment(program, amendment) if amendment and not statute
                 else api.pick_statute(program, statute))  # a statute may take another's amendment (uses)
        data, text = api.load_case_file(case_file)
        day = _parse_date(date, "--date")
        result = api.evaluate(program, data, statute=model.name, date=day, amendment=amendment,
                              source=case_file, text=text, decisions=decisions)
        if output_format == "json":
            click.echo(json_text({"lexproof": JSON_FORMAT_VERSION, "command": "eval", **result.to_json()}))
        else:
            console = _console()
            console.print(Text(version_text(result.version.label, lang), style="bold"))
            witness = result.witness()
            print_witness(console, witness, lang=lang)
            if result.defaulted:
                console.print(Text(msg("defaulted", lang, names=", ".join(result.defaulted))))
        return 0

    def watching() -> int:
        _refuse_machine_format(output_format)
        _parse_date(date, "--date")  # a bad date stops here, not in every run
        if os.path.exists(case_file) and not os.path.isfile(case_file):  # a missing one: each run says so
            raise LexproofError(Diagnostic(Span("<command line>", 1, 1, 1, 1),
                                           f"--watch reads the case again after every change: '{case_file}' is not "
                                           "a file (leave out --watch to read it once)"))
        return _watch_runs(files, "eval", lambda program, cache: evaluated(program), no_cache, lang,
                           inputs=[case_file])

    sys.exit(_guard(watching if watch else action, "eval", output_format, lang))


def _cached_load(paths, no_cache: bool, key_warning: bool = True):
    """``api.load`` through the cache of loaded statutes (unless ``--no-cache`` or
    ``LEXPROOF_CACHE=off``), saying on stderr when an entry was ignored and (``key_warning``)
    when the cache's key cannot be trusted, as ``check`` does for its results."""
    from lexproof.verifier.load_cache import default_load_cache

    cache = None if no_cache else default_load_cache()
    # The program stays alive until the command ends: frozen (before the collector is back on),
    # no collection walks its million objects again. Without it, switching the collector back
    # on cost 0.25 s and collections while evaluating one case 0.55 s at 10,000 rules
    # (docs/performance.md). Reference counting still frees everything else; only cycles among
    # the frozen objects would outlive the (short) process.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        program = api.load(*paths, cache=cache)
        if OWN_PROCESS:  # in a host process (tests, an embedding tool) cycles must stay collectable
            gc.freeze()
    finally:
        if was_enabled:
            gc.enable()
    if cache is not None and key_warning and cache.results.problem:
        click.echo(visible(f"warning: {cache.results.problem}"), err=True)
    if cache is not None and cache.rejected:
        click.echo(visible(f"warning: ignored a damaged or unauthenticated cache entry in {cache.directory}; "
                           "loaded afresh"), err=True)
    return program


@main.command("test")
@click.argument("paths", nargs=-1, required=True)
@DATE
@FORMAT
@LANG
@click.option("-v", "--verbose", is_flag=True, help="show every result in full")
@click.option("-q", "--quiet", is_flag=True, help="print the summary only")
def test_command(paths, date, output_format, lang, verbose, quiet) -> None:
    """Run every example in the statutes."""
    lang = lang or default_lang()

    def action() -> int:
        program = api.load(*paths)
        _show_warnings(program)
        results = api.check(program, date=_parse_date(date, "--date"), builtin=False, properties=False)
        return _report("test", program, results, output_format, verbose, lang=lang, quiet=quiet)

    sys.exit(_guard(action, "test", output_format, lang))


JOBS = once_option("-j", "--jobs", type=click.IntRange(0, 512), default=0, show_default=True,
                    help="processes to work on; 0: one per available core (results are the same)")


@main.command("check")
@click.argument("paths", nargs=-1, required=True)
@DATE
@TIMEOUT
@once_option("--only", metavar="KINDS", help="built-in checks to run, comma-separated: conflict,gap,dead,redundant")
@click.option("--no-builtin", is_flag=True, help="skip the built-in checks (conflict, gap, dead, redundant)")
@once_option("--emit-example", "emit_example", metavar="FILE", help="write each counterexample as an example block to FILE")
@once_option("--format", "output_format", type=click.Choice(["human", "json", "sarif", "junit", "html"]), default="human",
              show_default=True, help="human, JSON (docs/json-output.md), SARIF 2.1.0, JUnit XML or a self-contained HTML "
              "report (docs/workbench.md)")
@click.option("-v", "--verbose", is_flag=True,
              help="show every result in full (each proof's rules one by one, each case)")
@click.option("-q", "--quiet", is_flag=True, help="print the summary only")
@LANG
@click.option("--no-cache", "no_cache", is_flag=True,
              help="check every statute afresh (default: reuse authenticated results of unchanged statutes "
                   "from ~/.cache/lexproof or $LEXPROOF_CACHE; LEXPROOF_CACHE=off disables it)")
@JOBS
@click.option("--watch", is_flag=True,
              help="check, then check again whenever a file changes, in one process that keeps what did not "
                   "change (human report only; Ctrl-C stops)")
def check_command(paths, date, timeout, only, no_builtin, emit_example, output_format, verbose, quiet, lang,
                  no_cache, jobs, watch) -> None:
    """Run every property, example and built-in check; exit 0/1/2/3 for CI."""
    lang = lang or default_lang()

    def options() -> tuple[float | None, tuple[str, ...], dt.date | None]:
        seconds = _budget_seconds(timeout)
        kinds = tuple(k.strip() for k in only.split(",")) if only else api.ALL_CHECKS
        unknown = [k for k in kinds if k not in api.ALL_CHECKS]
        if unknown:
            raise LexproofError(Diagnostic(Span("<command line>", 1, 1, 1, 1), f"--only: unknown check '{unknown[0]}' (use {', '.join(api.ALL_CHECKS)})"))
        return seconds, kinds, _parse_date(date, "--date")

    def checked(program, cache) -> int:
        """Check the loaded program and report (one run of ``check``)."""
        seconds, kinds, day = options()
        _show_warnings(program)
        with _progress(msg("progress.check", lang, count=len(program.statutes))) as bar:
            results = api.check(program, date=day, timeout=seconds, builtin=not no_builtin,
                                only=kinds, cache=cache, jobs=jobs or available_cores(), progress=bar)
        if emit_example:
            _emit_examples(emit_example, results)
        clean = () if no_builtin else kinds
        code = _report("check", program, results, output_format, verbose, lang=lang, quiet=quiet,
                       clean_checks=clean, day=day)
        if cache is not None and cache.problem:
            click.echo(visible(f"warning: {cache.problem}"), err=True)
        if cache is not None and cache.rejected:
            click.echo(visible(f"warning: ignored {cache.rejected} damaged or unauthenticated cache entr"
                               f"{'y' if cache.rejected == 1 else 'ies'} in {cache.directory}; checked afresh"), err=True)
        if cache is not None and cache.hits and output_format == "human":
            # On stderr; each reused result is also marked '(cached)' in the report itself.
            click.echo(visible(msg("cache.reused", lang, count=cache.hits, directory=cache.directory)), err=True)
        return code

    def action() -> int:
        program = _cached_load(paths, no_cache, key_warning=False)  # the result cache warns below
        return checked(program, None if no_cache else default_cache())

    def watching() -> int:
        _refuse_machine_format(output_format)
        options()  # bad options stop here, not in every run
        return _watch_runs(paths, "check", checked, no_cache, lang)

    sys.exit(_guard(watching if watch else action, "check", output_format, lang))


WATCH_ENTRIES = 200_000  # cache entries a watching process keeps (a 10,000-rule book reads 12,000 a run)
# per watching command: what it says when files changed, and when a run is done (verifier/messages.py)
WATCH_MESSAGES = {"check": ("watch.check_changed", "watch.check_waiting"),
                  "diff": ("watch.diff_changed", "watch.diff_waiting"),
                  "eval": ("watch.eval_changed", "watch.eval_waiting")}


def _refuse_machine_format(output_format: str) -> None:
    """``--watch`` prints the human report run after run; a machine format is one document."""
    if output_format != "human":
        raise LexproofError(Diagnostic(Span("<command line>", 1, 1, 1, 1),
                                       f"--watch prints the human report; --format {output_format} is for one run "
                                       "(leave out --watch)"))


def _watch_runs(paths, command: str, run_program: Callable, no_cache: bool, lang: str,
                inputs: Sequence[str] = ()) -> int:
    """``check --watch``, ``diff --watch`` and ``eval --watch`` (verifier/watch.py): every run
    loads through the parser's memory of the last trees and runs ``run_program(program,
    cache)`` (the one-shot command's work and report) with a cache that keeps what it read;
    the status lines go to stderr, the report is the one-shot command's. ``inputs`` are files
    the run reads besides the statutes (``eval``'s case file): watched too, and when only they
    changed, the program the last run loaded is used again, as it was (the statutes did not
    change), so that a new case is answered without loading the book."""
    import time

    from lexproof.verifier.watch import watch, watched_files

    api.remember_parses(64)
    # The collector runs during the checks (the loaded program frozen, see ``once``), every
    # 50,000 allocations rather than 700: on the 10,000-rule book a re-check took 2.2 s
    # instead of 2.4 s so, 1.9 s with the collector off, which let a cold first run reach 5.8 GB.
    gc.set_threshold(50_000, *gc.get_threshold()[1:])
    cache = None if no_cache else default_cache()
    if cache is not None:
        cache.remember(WATCH_ENTRIES)
    files: list[str] = []
    own_inputs = set(watched_files((), inputs))
    loaded: list = []  # the program of the last run that loaded one, while only ``inputs`` change
    loaded_from: set[str] = set()  # its files (an input may be one of them too)
    changes: list[str] = []  # the files changed since the last run

    def run() -> tuple[int, list[str]]:
        started = time.perf_counter()
        read: list[str] = list(inputs)

        def once() -> int:
            if cache is not None:
                cache.hits = cache.misses = cache.rejected = 0  # each run reports its own
            if loaded and changes and own_inputs.issuperset(changes) and loaded_from.isdisjoint(changes):
                program = loaded[0]
                gc.freeze()  # as after a load: the collector leaves the program alone until ``tidy``
                read.extend(program.files)
                return run_program(program, cache)
            loaded.clear()
            # Not through the cache of loaded books: storing the program after every edit
            # costs more than the parse the memory of trees leaves. As in a one-shot check, the
            # collector pauses while loading and then leaves the loaded program alone (frozen);
            # it is unfrozen and collected after the run (``tidy``). Left off for the whole
            # run, the solver's garbage took the process past 5 GB on the 10,000-rule book.
            gc.disable()
            try:
                program = api.load(*paths)
                gc.freeze()
            except LexproofError as error:
                # Watch the files the errors are in too: an imported file that does not parse
                # was never read whole, and fixing it must start the next run.
                read.extend(d.span.file for d in error.diagnostics if not d.span.file.startswith("<"))
                raise
            finally:
                gc.enable()
            read.extend(program.files)
            if inputs:
                loaded.append(program)
                loaded_from.clear()
                loaded_from.update(watched_files((), program.files))
            return run_program(program, cache)

        code = _guard(once, command, "human", lang)
        if code == 130:  # Ctrl-C in the middle of a run (said 'interrupted'): stop watching
            sys.exit(code)
        files[:] = list(dict.fromkeys(files + read)) if code == EXIT_BAD_INPUT else read or files  # keep watching after an error
        seconds = f"{time.perf_counter() - started:.1f}"
        click.echo(visible(msg(WATCH_MESSAGES[command][1], lang,
                               seconds=seconds if lang == "en" else seconds.replace(".", ","),
                               count=len(watched_files(paths, files)))), err=True)
        return code, list(files)

    def tidy() -> None:  # while the drafter types: free the last run's program
        gc.unfreeze()
        gc.collect()

    def changed(names: list[str]) -> None:
        changes[:] = names
        click.echo(visible(msg(WATCH_MESSAGES[command][0], lang, files=", ".join(names))), err=True)

    # The inputs are looked at before the first run too: one saved while it runs is seen.
    return watch([*paths, *inputs], run, on_change=changed, after_run=tidy)


@main.command("query")
@click.argument("args", nargs=-1, required=True)
@DATE
@AMENDMENT
@STATUTE
@TIMEOUT
@once_option("--max", "max_cases", type=click.IntRange(1, 100), default=1, show_default=True, help="up to N cases that differ in how the rules that explain the answer apply")
@once_option("--emit-example", "emit_example", metavar="FILE", help="write the cases found as example blocks to FILE")
@FORMAT
@LANG
@click.option("-v", "--verbose", is_flag=True, help="for a query with no case: every rule and value that rules it out")
def query_command(args, date, amendment, statute, timeout, max_cases, emit_example, output_format, lang,
                  verbose) -> None:
    """Ask a question: FILE... "exists Facts: CONDITION"."""
    lang = lang or default_lang()

    def action() -> int:
        seconds = _budget_seconds(timeout)
        if len(args) < 2:
            raise LexproofError(Diagnostic(Span("<command line>", 1, 1, 1, 1), 'give the statute files and then the question, e.g. lexproof query statutes/lll "exists Aanvrager: soort = mbo"'))
        *files, text = args
        program = api.load(*files)
        _show_warnings(program)
        result = api.query(program, text, statute=statute, date=_parse_date(date, "--date"), amendment=amendment,
                           max_cases=max_cases, timeout=seconds)
        if emit_example:
            _emit_examples(emit_example, [result])
        if output_format == "json":
            code = 3 if result.status == "unknown" else 0
            _emit_json("query", [result], code)
            return code
        console = _console()
        # A query is asked for its answer: the case(s) in full, or every rule and value that rules
        # one out (the headline groups them per article).
        print_result(console, result, program.statutes, verbose=True, lang=lang)
        return 3 if result.status == "unknown" else 0

    sys.exit(_guard(action, "query", output_format, lang))


@main.command("diff")
@click.argument("files", nargs=-1, required=True)
@AMENDMENT
@once_option("--from", "from_date", metavar="YYYY-MM-DD", help="compare the version on this date ...")
@once_option("--to", "to_date", metavar="YYYY-MM-DD", help="... with the version on this date")
@click.option("--decision", "decisions", multiple=True, metavar="NAME", help="only these decisions (repeatable)")
@STATUTE
@TIMEOUT
@FORMAT
@LANG
@click.option("--brief", is_flag=True,
              help="per decision only whether anyone gains, loses or changes otherwise, with one example each "
                   "(a 'none' is still proved): far faster on a large statute book; the groups of one decision "
                   "with --decision NAME and without --brief")
@click.option("--no-cache", "no_cache", is_flag=True,
              help="compare every decision afresh (default: reuse the authenticated result of each decision "
                   "whose rules and parameters are unchanged in both versions, from ~/.cache/lexproof or "
                   "$LEXPROOF_CACHE; LEXPROOF_CACHE=off disables it)")
@JOBS
@click.option("--watch", is_flag=True,
              help="compare, then compare again whenever a file changes (the amendment or the statute), in one "
                   "process that keeps what did not change (human report only; Ctrl-C stops)")
def diff_command(files, amendment, from_date, to_date, decisions, statute, timeout, output_format, lang, brief,
                 no_cache, jobs, watch) -> None:
    """What an amendment (or the passage of time) changes, and for whom."""
    lang = lang or default_lang()

    def options() -> tuple[float | None, dt.date | None, dt.date | None]:
        return _budget_seconds(timeout), _parse_date(from_date, "--from"), _parse_date(to_date, "--to")

    def compared(program, cache, memory: api.DiffMemory | None = None) -> int:
        """Compare the versions of the loaded program and report (one run of ``diff``). With
        ``memory`` (``--watch``), the text of each result the last run showed is shown again
        without drawing it (``DiffMemory``)."""
        seconds, day_from, day_to = options()
        _show_warnings(program)
        console = _console()
        if memory is not None:
            memory.context = (lang, console.width, console.color_system, console.is_terminal)
        with _progress(msg("progress.diff", lang)) as bar:
            results = api.diff(program, amendment=amendment, from_date=day_from, to_date=day_to, statute=statute,
                               decisions=list(decisions) or None, timeout=seconds, jobs=jobs or available_cores(),
                               cache=cache, progress=bar, brief=brief, memory=memory)
        if cache is not None and cache.problem:
            click.echo(visible(f"warning: {cache.problem}"), err=True)
        code = 3 if any(api.inconclusive(r) for r in results) else 0
        if output_format == "json":
            _emit_json("diff", results, code)
            return code
        changed = [r for r in results if r.status != "unchanged"]
        for result in changed:
            text = memory.shown(result) if memory is not None else None
            if text is not None:  # recalled: shown as the last run showed it, marked cached
                console.file.write(text)
                continue
            if memory is None:
                print_result(console, result, program.statutes, lang=lang)
            else:  # drawn once: shown now, and kept for the next run if the edit leaves it alone
                console.print(headline(result, lang))
                with console.capture() as body:
                    print_result_body(console, result, lang=lang)
                console.file.write(body.get())
                with console.capture() as head:
                    console.print(headline(dataclasses.replace(result, witnesses=[], cached=True), lang))
                memory.show(result, head.get() + body.get())
            result.release()
        print_diff_summary(console, results, lang, brief)
        return code

    def action() -> int:
        program = _cached_load(files, no_cache, key_warning=False)  # the result cache warns in ``compared``
        return compared(program, None if no_cache else default_cache())

    def watching() -> int:
        _refuse_machine_format(output_format)
        options()  # bad options stop here, not in every run
        memory = api.DiffMemory()
        return _watch_runs(files, "diff", lambda program, cache: compared(program, cache, memory), no_cache, lang)

    sys.exit(_guard(watching if watch else action, "diff", output_format, lang))


@main.command("fmt")
@click.argument("files", nargs=-1, required=True)
@click.option("--check", "check_only", is_flag=True, help="exit 1 if a file is not in canonical layout")
@click.option("--diff", "show_diff", is_flag=True,
              help="print what formatting would change as a unified diff; exit 1 if anything would")
@click.option("--write", is_flag=True, help="rewrite the files in place")
def fmt_command(files, check_only, show_diff, write) -> None:
    """Print statutes in canonical layout (comments kept)."""

    def action() -> int:
        from lexproof.dsl.formatter import format_text
        from lexproof.dsl.loader import collect_paths
        from lexproof.dsl.parser import read_source

        if sum((check_only, show_diff, write)) > 1:
            raise LexproofError(Diagnostic(Span("<command line>", 1, 1, 1, 1),
                                           "fmt: give at most one of --check, --diff and --write"))
        status = 0
        for path in collect_paths(list(files)):
            text = read_source(path)  # line endings made '\n', as the parser reads them
            formatted = format_text(text, str(path))
            if check_only:
                if formatted != text:
                    click.echo(visible(f"{path}: not formatted"))
                    status = 1
            elif show_diff:
                if formatted != text:
                    click.echo(_unified_diff(str(path), text, formatted), nl=False)
                    status = 1
            elif write:
                if formatted != text:
                    path.write_text(formatted, encoding="utf-8")
                    click.echo(visible(f"formatted {path}"))
            else:
                click.echo(formatted, nl=False)
        return status

    sys.exit(_guard(action))


@main.command("serve")
@click.argument("paths", nargs=-1, required=True)
@once_option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="the port to listen on")
@once_option("--host", default="127.0.0.1", show_default=True,
             help="the address to bind; the default serves this computer only")
@TIMEOUT
@once_option("--population", metavar="FILE|DIR", help="a population (Parquet or CSV) for the impact charts of What changes")
def serve_command(paths, port, host, timeout, population) -> None:
    """Open the workbench in the browser: read, try a case, ask, check, see what changes (docs/workbench.md)."""

    def action() -> int:
        seconds = _budget_seconds(timeout)
        # A statute that does not load is no reason not to start: its page shows the diagnostics,
        # and a drafter fixing them sees the result on reload.
        from lexproof.verifier.workbench.server import run

        if population is not None and not Path(population).exists():
            raise LexproofError(Diagnostic(Span("<command line>", 1, 1, 1, 1),
                                           f"--population {population}: no such file or folder"))
        run(list(paths), host, port, seconds, population)
        return 0

    sys.exit(_guard(action))


@main.command("lsp")
def lsp_command() -> None:
    """Run the language server for editors (LSP on stdin/stdout; docs/editor.md)."""
    try:
        from lexproof.verifier.lsp import serve
    except ImportError as error:  # pygls is a dependency; a broken install gets a clear message
        click.echo(visible(f"error: the language server needs pygls ({error}); pip install -e '.[dev]'"), err=True)
        sys.exit(EXIT_INTERNAL)
    serve()


def _unified_diff(path: str, before: str, after: str) -> str:
    """The change formatting makes to one file, as ``diff -u`` writes it (``patch -p0`` applies
    it). Each line is shown with its control characters made visible, as everywhere else."""
    import difflib

    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                 fromfile=path, tofile=path)
    out = []
    for line in lines:
        body = line[:-1] if line.endswith("\n") else line
        out.append(visible(body) + "\n")
        if not line.endswith("\n"):  # the marker diff itself writes, so that the patch applies
            out.append("\\ No newline at end of file\n")
    return "".join(out)


def _report(command: str, program, results: list[Result], output_format: str, verbose: bool = False, *,
            lang: str = "en", quiet: bool = False, clean_checks: tuple[str, ...] = (), day: dt.date | None = None) -> int:
    """Write the results in the chosen format. Human: one line per result, the details of what
    is not as declared, a line per built-in check that found nothing, the summary; ``verbose``
    shows everything, ``quiet`` the summary only."""
    code = exit_code(results)
    if output_format == "json":
        _emit_json(command, results, code)
    elif output_format == "sarif":
        from lexproof.verifier.formats import to_sarif

        click.echo(json_text(to_sarif(results)))
    elif output_format == "junit":
        from lexproof.verifier.formats import to_junit

        click.echo(to_junit(results))
    elif output_format == "html":
        from lexproof.verifier.workbench.app import check_report

        click.echo(check_report(program, results, lang))  # a report for people: in their language
    else:
        console = _console()
        if not quiet:
            for result in results:
                print_result(console, result, program.statutes, verbose, lang)
            if clean_checks:
                print_builtin_clean(console, program, results, clean_checks, lang, day)
        print_summary(console, results, lang)
    return code


def _progress(label: str):
    """A progress bar with ``label`` on stderr while a long run works (tasks done of tasks
    known, time elapsed; ``workers.Progress``), only when stderr is a terminal: logs and CI get
    no control sequences, and the context gives None. It shows after two seconds and leaves
    nothing behind when done."""
    import contextlib

    console = _console(stderr=True)
    if not console.is_terminal:
        return contextlib.nullcontext()
    return _Bar(console, label)


class _Bar:
    """rich's Progress as a ``workers.Progress``: a bar (tasks done of tasks known, time elapsed)
    that appears once a run has taken two seconds, even in the middle of one long task (a timer
    starts it; rich then redraws it on its own), so a quick run prints nothing extra; removed
    when the run ends."""

    def __init__(self, console, label: str, delay: float = 2.0) -> None:
        import threading

        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self._progress = Progress(SpinnerColumn(), TextColumn(label), BarColumn(), MofNCompleteColumn(),
                                  TimeElapsedColumn(), console=console, transient=True)
        self._task = self._progress.add_task(label, total=None)
        self._total = 0
        self._lock = threading.Lock()
        self._shown = False
        self._ended = False
        self._timer = threading.Timer(delay, self._show)
        self._timer.daemon = True

    def __enter__(self) -> _Bar:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        with self._lock:
            self._ended = True
            if self._shown:
                self._progress.stop()

    def _show(self) -> None:
        with self._lock:
            if not self._ended and not self._shown:
                self._progress.start()
                self._shown = True

    def add(self, count: int) -> None:
        self._total += count
        self._progress.update(self._task, total=self._total)

    def advance(self) -> None:
        self._progress.advance(self._task)


def _emit_examples(path: str, results: list[Result]) -> None:
    from lexproof.verifier.emit import example_blocks

    blocks = example_blocks(results)
    if blocks:
        try:
            Path(path).write_text(blocks, encoding="utf-8")
        except OSError as error:  # a path on the command line that cannot be written: bad input
            message = f"--emit-example: cannot write '{path}': {error.strerror or error}"
            raise LexproofError(Diagnostic(Span("<command line>", 1, 1, 1, 1), message)) from None
        click.echo(visible(f"wrote {blocks.count('example ')} example(s) to {path}"), err=True)
    else:
        click.echo(visible(f"no counterexamples to write to {path}"), err=True)


from lexproof.verifier.cli_impact import register  # noqa: E402 - the impact commands live in their own module

register(main)

if __name__ == "__main__":
    main()
