"""pytest plugin: every example, property and built-in check of ``.law`` files as a test item.

    pytest statutes/                                  # collect the statutes named on the command line
    pytest statutes/ -k alle_mbo                      # select by name
    pytest statutes/ --lexproof-date 2025-01-01 --lexproof-timeout 20

Registered through the ``pytest11`` entry point ``lexproof`` (pyproject.toml); without an
install, load it with ``-p lexproof.verifier.pytest_plugin``. docs/ci.md documents it.

Which ``.law`` files are collected (ini ``lexproof_collect``):

* ``auto`` (default): only files named on the command line, or lying below a directory named
  there. Directories pytest picks by itself (``testpaths``, the current directory) never
  count, and a file inside a ``testpaths`` directory is collected only when that file, or a
  directory strictly inside the ``testpaths`` entry, is named. So ``pytest`` and
  ``pytest tests/`` leave ``tests/broken/*.law`` alone; ``pytest statutes/`` collects.
* ``true``: every ``.law`` file pytest visits.
* ``false``: none (the options and the hypothesis strategies stay available).

Each file is checked as part of its directory (and subdirectories), loaded once like
``lexproof check DIR``, so amendments and imports in sibling files apply. A file's items are
the examples and properties written in it, and one item per built-in check kind for each
statute declared in it:

* ``example[NAME]`` (``example[NAME @ after A]`` when the example lists several versions):
  one item per version;
* ``property[NAME]``: a property declared ``expect counterexample``/``expect vacuous`` is an
  expected failure (xfail); if it is proved instead, the item fails as a strict XPASS;
* ``builtin[conflict]``, ``builtin[gap]``, ``builtin[dead]``, ``builtin[redundant]``: fails
  when there are findings that are not as expected (conflicts, gaps); dead and redundant
  rules are reported as ``LexproofWarning`` (``-W error::lexproof.verifier.pytest_plugin.LexproofWarning``
  makes them fail). ``builtin[conflict]`` also holds the conflicts between statutes that the
  statute declares with ``same question`` (LP105): a conflict fails, a disagreement a
  priority resolves is a warning.

A result the solver could not decide (``unknown``) fails: nothing is proved.
"""

from __future__ import annotations

import datetime as dt
import glob
import sys
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from lexproof.dsl.source import visible
from lexproof.dsl.values import parse_iso_date

if TYPE_CHECKING:  # heavy imports (z3) happen only when .law files are collected
    from lexproof.dsl.model import ExampleInfo, Program, PropertyInfo, StatuteModel
    from lexproof.verifier.results import Result

COLLECT_MODES = {"auto": "auto", "true": "always", "yes": "always", "1": "always", "always": "always",
                 "false": "never", "no": "never", "0": "never", "never": "never"}
BUILTIN_KINDS = ("conflict", "gap", "dead", "redundant")  # lexproof.verifier.checks.ALL_CHECKS, without importing z3
ENTRY_POINT = "lexproof"  # the pytest11 entry point's name (pyproject.toml)


class LexproofWarning(UserWarning):
    """A built-in finding that does not fail the check (a dead or redundant rule)."""


# --- options and session state --------------------------------------------------------------


def pytest_plugin_registered(plugin: object, plugin_name: str, manager) -> None:
    """Loaded as ``-p lexproof.verifier.pytest_plugin`` while lexproof is also installed: the ``pytest11``
    entry point would register this module a second time, which pluggy refuses. Block it."""
    if plugin is sys.modules[__name__] and plugin_name != ENTRY_POINT and manager.get_plugin(ENTRY_POINT) is None:
        manager.set_blocked(ENTRY_POINT)



def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("lexproof", "lexproof statutes (.law files)")
    group.addoption("--lexproof-date", dest="lexproof_date", metavar="YYYY-MM-DD", default=None,
                    help="the law as in force on this date, for unversioned examples and properties and for "
                         "the built-in checks (default: ini lexproof_date, else today)")
    group.addoption("--lexproof-timeout", dest="lexproof_timeout", metavar="SECONDS", default=None,
                    help="solver budget per check; running out makes the item fail as inconclusive "
                         "(default: ini lexproof_timeout, else lexproof's default budget)")
    group.addoption("--lexproof-lang", dest="lexproof_lang", metavar="nl|en", default=None,
                    help="language of the explanations of failing items (default: ini lexproof_lang, else "
                         "from the locale: LC_ALL/LANG starting with nl gives nl)")
    parser.addini("lexproof_lang", "default for --lexproof-lang (nl or en)", default="")
    parser.addini("lexproof_collect", "collect .law files: auto (only paths named on the command line), "
                  "true (every .law file visited) or false", default="auto")
    parser.addini("lexproof_date", "default for --lexproof-date (YYYY-MM-DD)", default="")
    parser.addini("lexproof_timeout", "default for --lexproof-timeout (seconds)", default="")


@dataclass
class _State:
    collect: str
    date: dt.date
    timeout: float | None
    named: list[Path]  # paths named on the command line (auto mode)
    testpaths: list[Path]
    programs: dict[Path, Any] = field(default_factory=dict)  # directory -> _Loaded or LexproofError
    findings: dict[int, list] = field(default_factory=dict)  # id(statute) -> built-in results
    date_given: bool = False  # built-in checks: on ``date`` only, else in every version
    root: Path | None = None  # pytest's rootdir: the statute root of imports
    lang: str = "en"  # of the explanations (verifier/messages.py)


@dataclass
class _Loaded:
    program: Program
    by_file: dict[Path, list[tuple[int, str, dict]]]  # file -> (line, name, item arguments)


_STATE = pytest.StashKey[_State]()


def pytest_configure(config: pytest.Config) -> None:
    raw_mode = str(config.getini("lexproof_collect") or "auto").strip().lower()
    if raw_mode not in COLLECT_MODES:
        raise pytest.UsageError(f"lexproof_collect must be auto, true or false, not '{raw_mode}'")
    date_text = config.getoption("lexproof_date") or str(config.getini("lexproof_date") or "").strip()
    try:
        day = parse_iso_date(date_text) if date_text else dt.date.today()
    except ValueError:
        raise pytest.UsageError(f"--lexproof-date expects a date YYYY-MM-DD, got '{date_text}'") from None
    timeout_text = config.getoption("lexproof_timeout") or str(config.getini("lexproof_timeout") or "").strip()
    try:
        timeout = float(timeout_text) if timeout_text else None
    except ValueError:
        raise pytest.UsageError(f"--lexproof-timeout expects a number of seconds, got '{timeout_text}'") from None
    from lexproof.verifier.api import timeout_problem

    problem = None if timeout is None else timeout_problem(timeout)
    if problem is not None:
        raise pytest.UsageError(f"--lexproof-timeout {problem}, got '{timeout_text}'")
    named: list[Path] = []
    if config.args_source == pytest.Config.ArgsSource.ARGS:
        base = config.invocation_params.dir
        for arg in config.args:
            path = arg.split("::", 1)[0]
            if path:
                named.append((base / path).resolve())
    testpaths = []
    for entry in config.getini("testpaths") or []:
        for match in glob.glob(str(config.rootpath / entry), recursive=True):
            testpaths.append(Path(match).resolve())
    from lexproof.verifier.messages import check_lang

    lang_text = config.getoption("lexproof_lang") or str(config.getini("lexproof_lang") or "").strip() or None
    try:
        lang = check_lang(lang_text)
    except ValueError as error:
        raise pytest.UsageError(f"--lexproof-lang: {error}") from None
    config.stash[_STATE] = _State(COLLECT_MODES[raw_mode], day, timeout, named, testpaths, date_given=bool(date_text),
                                  root=Path(config.rootpath).resolve(), lang=lang)
    config.addinivalue_line("markers", "lexproof: an item from a .law file (example, property or built-in check)")


def _wanted(state: _State, path: Path) -> bool:
    if state.collect != "auto":
        return state.collect == "always"
    file = path.resolve()
    guards = [t for t in state.testpaths if t in file.parents]
    for arg in state.named:
        if arg != file and arg not in file.parents:
            continue
        # Inside testpaths (where Python tests and their fixtures live) only a more specific path counts.
        if all(arg == file or guard in arg.parents for guard in guards):
            return True
    return False


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix != ".law":
        return None
    state = parent.config.stash.get(_STATE, None)
    if state is None or not _wanted(state, file_path):
        return None
    return LawFile.from_parent(parent, path=file_path)


# --- loading --------------------------------------------------------------------------------


def _load_directory(state: _State, directory: Path) -> _Loaded:
    cached = state.programs.get(directory)
    if cached is None:
        from lexproof.dsl.diagnostics import LexproofError

        try:
            cached = _index(_load(directory, state.root))
        except LexproofError as error:
            cached = error
        state.programs[directory] = cached
    if isinstance(cached, Exception):
        raise cached.with_traceback(None)
    return cached


def _load(directory: Path, root: Path | None = None) -> Program:
    """The program of one directory; its files may import anything under ``root`` (pytest's
    rootdir: the project), as ``lexproof check`` of the project would allow, and nothing outside
    it (docs/security.md). A statute tree (a ``lexproof.toml`` at or above the directory) that
    is wider than the rootdir is the root instead, as for ``lexproof check``: pytest on a copy
    of ``statutes/lll`` makes that folder the rootdir, and its WSF imports ``../web``."""
    from lexproof.dsl.loader import load, statute_tree

    tree = statute_tree(directory)
    if tree is not None and (root is None or root.resolve().is_relative_to(tree)):
        return load([directory], root=tree)  # a lexproof.toml tree wider than the rootdir
    inside = root is not None and directory.resolve().is_relative_to(root)
    return load([directory], root=root if inside else None)  # else: the directory is its own root


def _index(program: Program) -> _Loaded:
    """Item arguments per file, in source order, with names unique within the file."""
    by_file: dict[Path, list[tuple[int, str, dict]]] = {}

    def add(span_file: str, line: int, name: str, arguments: dict) -> None:
        by_file.setdefault(Path(span_file).resolve(), []).append((line, name, arguments))

    for statute in program.statutes.values():
        for example in statute.examples:
            specs = example.versions or (None,)
            for spec in specs:
                label = example.name if len(specs) == 1 else f"{example.name} @ {spec}"
                add(example.span.file, example.span.line, f"example[{label}]",
                    {"statute": statute, "kind": "example", "example": example, "spec": spec})
        for prop in statute.properties:
            add(prop.span.file, prop.span.line, f"property[{prop.name}]",
                {"statute": statute, "kind": "property", "prop": prop})
    declared: dict[Path, list[StatuteModel]] = {}
    for statute in program.statutes.values():
        declared.setdefault(Path(statute.span.file).resolve(), []).append(statute)
    for file, statutes in declared.items():
        for statute in statutes:
            for check in BUILTIN_KINDS:
                label = check if len(statutes) == 1 else f"{statute.name}.{check}"
                add(str(file), statute.span.line, f"builtin[{label}]",
                    {"statute": statute, "kind": "builtin", "check": check})
    for entries in by_file.values():
        entries.sort(key=lambda entry: entry[0])
        seen: dict[str, int] = {}
        for index, (line, name, arguments) in enumerate(entries):
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                entries[index] = (line, f"{name[:-1]} #{seen[name]}]", arguments)
    return _Loaded(program, by_file)


class LawFile(pytest.File):
    """A ``.law`` file: its examples, properties and built-in checks."""

    def collect(self):
        state = self.config.stash[_STATE]
        loaded = _load_directory(state, self.path.parent.resolve())
        for line, name, arguments in loaded.by_file.get(self.path.resolve(), []):
            # Names come from the statute's text (example names are quoted strings): shown on
            # the terminal, so with control characters made visible (docs/security.md).
            yield LawItem.from_parent(self, name=visible(name), line=line, **arguments)

    def repr_failure(self, excinfo, style=None):  # type: ignore[override]
        from lexproof.dsl.diagnostics import LexproofError

        error = excinfo.value
        if isinstance(error, LexproofError):
            return _load_error_text(error, self.path, self.config.rootpath)
        return super().repr_failure(excinfo)


def _load_error_text(error, path: Path, root: Path, limit: int = 5) -> str:
    """The diagnostics of this file; when the file itself is fine, those of the other files of
    its directory (the directory is loaded as one program), at most ``limit`` of them."""
    from lexproof.dsl.diagnostics import LexproofError

    here = path.resolve()
    directory = path.parent
    try:
        directory = directory.resolve().relative_to(root.resolve())
    except ValueError:
        pass
    own = [d for d in error.diagnostics if _same_file(d.span.file, here)]
    others = [d for d in error.diagnostics if d not in own]
    count = len(error.diagnostics)
    lines = [f"lexproof could not load {directory} ({count} error{'s' if count != 1 else ''}):"]
    if own:
        lines.append(LexproofError(own).render())
        if others:
            lines.append(f"(and {len(others)} more in other files of {directory})")
    else:
        lines.append(f"this file is loaded with {directory}, which has errors in other files:")
        lines.append(LexproofError(others[:limit]).render())
        if len(others) > limit:
            lines.append(f"(and {len(others) - limit} more)")
    return "\n".join(lines)


def _same_file(name: str, path: Path) -> bool:
    try:
        return Path(name).resolve() == path
    except (OSError, ValueError):
        return False


# --- items ----------------------------------------------------------------------------------


class LexproofFailure(Exception):
    """An item's results are not as declared."""

    def __init__(self, headline: str, results: list[Result]) -> None:
        super().__init__(headline)
        self.headline = headline
        self.results = results


@dataclass
class _Crash:
    """What pytest's short summary, ``--tb=line`` and JUnit's failure message show."""

    path: str
    lineno: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.lineno}: {self.message}"


class _FailureText:
    """A failure report as plain text (no Python traceback: the statute is the source)."""

    def __init__(self, text: str, crash: _Crash) -> None:
        self.text = text
        self.reprcrash = crash

    def toterminal(self, tw) -> None:
        if not self.text:  # --tb=line: pytest prints the crash line itself
            return
        first, *rest = self.text.splitlines()
        tw.line(first, red=True, bold=True)
        for line in rest:
            tw.line(line)

    def __str__(self) -> str:
        return self.text


class LawItem(pytest.Item):
    """One example version, one property, or one built-in check kind of one statute."""

    def __init__(self, *, statute: StatuteModel, kind: str, line: int, example: ExampleInfo | None = None,
                 spec=None, prop: PropertyInfo | None = None, check: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.statute = statute
        self.kind = kind
        self.line = line
        self.example = example
        self.spec = spec
        self.prop = prop
        self.check = check
        self.add_marker("lexproof")
        self.extra_keyword_matches.update({kind, statute.name, *(c for c in (check,) if c)})

    def reportinfo(self):
        return self.path, self.line - 1, f"{self.statute.name} {self.name}"

    # running

    def _run(self) -> list[Result]:
        from lexproof.verifier import api

        state = self.config.stash[_STATE]
        if self.kind == "example":
            assert self.example is not None
            example = self.example if self.spec is None else replace(self.example, versions=(self.spec,))
            return api.example_results(self.statute, example, state.date)
        if self.kind == "property":
            assert self.prop is not None
            return [api.property_result(self.statute, self.prop, state.date, state.timeout)]
        # One run for every selected check kind of the statute (they share solver set-up).
        key = id(self.statute)
        if key not in state.findings:
            kinds = {item.check for item in self.session.items
                     if isinstance(item, LawItem) and item.kind == "builtin" and item.statute is self.statute}
            kinds.add(self.check)
            only = tuple(kind for kind in BUILTIN_KINDS if kind in kinds)
            day = state.date if state.date_given else None
            # with 'conflict', the conflicts between statutes (LP105) too
            state.findings[key] = api.statute_findings(self.statute, day, state.timeout, only, undated=state.date)
        return [r for r in state.findings[key] if r.kind == self.check or (r.kind, self.check) == ("question", "conflict")]

    def runtest(self) -> None:
        results = self._run()
        if self.kind == "builtin":
            self._judge_findings(results)
            return
        for result in results:
            self._judge(result)

    def _judge(self, result: Result) -> None:
        what = f"{result.kind} {result.name}"
        declared = result.expected if result.expected not in (None, "proved") else None
        if declared is not None:
            if result.status == declared:
                pytest.xfail(f"{result.status}, as declared (expect {declared})")
            if result.status == "proved":
                raise LexproofFailure(
                    f"[XPASS(strict)] {what} is declared 'expect {declared}' but is now proved: "
                    "the statute changed; remove or update the declaration", [result])
            raise LexproofFailure(f"{what}: {result.status}, but the statute declares 'expect {declared}'", [result])
        if result.as_expected:
            return
        if result.status == "unknown":
            raise LexproofFailure(f"{what}: inconclusive, nothing is proved (raise --lexproof-timeout)", [result])
        raise LexproofFailure(f"{what}: {result.status}", [result])

    def _judge_findings(self, results: list[Result]) -> None:
        """Undeclared conflicts and gaps fail; findings declared with ``@expect`` make the item
        an expected failure, and a declared finding that disappeared fails it (strict XPASS);
        dead and redundant rules that are not declared are warnings."""
        failing = [r for r in results if not r.as_expected]
        declared = [r for r in results if r.as_expected and r.expected is not None and r.status == r.expected]
        for result in results:
            if result.as_expected and result not in declared and result.status not in ("clean", "proved", "passed"):
                from lexproof.verifier.formats import one_line

                warnings.warn_explicit(LexproofWarning(visible(one_line(result))), LexproofWarning,
                                       filename=result.location.file, lineno=result.location.line)
        if failing:
            count = len(failing)
            vanished = [r for r in failing if r.expected is not None and r.status != r.expected and r.status != "unknown"]
            unknown = sum(r.status == "unknown" for r in failing)
            if len(vanished) == count:
                headline = (f"[XPASS(strict)] {self.check}: declared with @expect but no longer found "
                            f"({', '.join(r.name for r in vanished)}); remove or update the declaration")
            else:
                headline = f"{self.check}: {count} finding{'s' if count != 1 else ''} in {self.statute.name}"
                if unknown:
                    headline += f" ({unknown} inconclusive: raise --lexproof-timeout)"
            raise LexproofFailure(headline, failing)
        if declared:
            count = len(declared)
            pytest.xfail(f"{count} {self.check} finding{'s' if count != 1 else ''}, as declared with @expect")

    # reporting

    def repr_failure(self, excinfo, style=None):  # type: ignore[override]
        from lexproof.dsl.diagnostics import LexproofError
        from lexproof.verifier.errors import InternalError
        from lexproof.verifier.formats import details, explain

        error = excinfo.value
        where = self.location[0]
        location = f"{where}:{self.line}"
        if isinstance(error, LexproofFailure):
            law = f"{self.statute.name}, law as on {self._date()}"
            if self.kind == "builtin" and not self.config.stash[_STATE].date_given:
                law = f"{self.statute.name}, every version of the law"
            elif self.kind != "builtin" and error.results and error.results[0].version:
                # the version it ran in: '[on 2025-01-01]' or '[after A]' is not the plugin's date
                law = error.results[0].version
            parts = [error.headline, f"at {location} ({law})"]
            for result in error.results:
                parts.append("")
                parts.append(explain(result, lang=self.config.stash[_STATE].lang))
            message = error.headline
            if len(error.results) == 1:
                message = f"{error.headline}. {details(error.results[0])}"
            text = "" if self.config.getoption("tbstyle", "auto") == "line" else "\n".join(parts)
            text, message = _visible_lines(text), visible(message)  # for the terminal
            crash = _Crash(where, self.line, message)
            if self.kind == "builtin" and error.results:  # point at the first finding itself
                first = error.results[0].location
                crash = _Crash(first.file, first.line, message)
            return _FailureText(text, crash)
        if isinstance(error, LexproofError):
            text = error.render()
            return _FailureText(f"{self.name}: the statute is not valid here\n{text}",
                                _Crash(where, self.line, visible(str(error))))
        if isinstance(error, InternalError):
            return _FailureText(visible(f"internal error (a lexproof bug; please report): {error}"),
                                _Crash(where, self.line, visible(f"internal error: {error}")))
        if isinstance(error, LexproofWarning):
            return _FailureText(f"{self.name}: {error}", _Crash(where, self.line, str(error)))
        return super().repr_failure(excinfo)

    def _date(self) -> str:
        return self.config.stash[_STATE].date.isoformat()


def _visible_lines(text: str) -> str:
    """``text`` with control characters made visible, line breaks kept."""
    return "\n".join(visible(line) for line in text.split("\n"))
