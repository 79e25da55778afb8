"""The Python API (for notebooks, scripts and tests); the CLI is a thin layer over it.

    >>> from lexproof.verifier import api
    >>> program = api.load("statutes/lll")
    >>> outcome = api.evaluate(program, {"leeftijd": 40, ...}, date="2025-01-01")
    >>> results = api.check(program)             # properties, examples, built-in checks
    >>> api.query(program, "exists Aanvrager: soort = mbo and not recht_op_krediet")
    >>> api.diff(program, amendment="uitbreiding_mbo")
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from lexproof.dsl import ast, ir
from lexproof.dsl.checker import RULES
from lexproof.dsl.consolidate import Version, distinct_versions, reads_peildatum, version_on, version_period
from lexproof.dsl.diagnostics import MAX_SHOWN, Diagnostic, LexproofError
from lexproof.dsl.evaluator import DecisionOutcome, Evaluator
from lexproof.dsl.identity_memo import IdentityMemo, PartsMemo
from lexproof.dsl.loader import cyclic_gc_paused, display_path
from lexproof.dsl.loader import load as _load
from lexproof.dsl.model import Program, StatuteModel, decision_expressions
from lexproof.dsl.parser import parse_query, parse_text
from lexproof.dsl.parser import remember_parses as _remember_parses
from lexproof.dsl.source import SOURCES, Span
from lexproof.dsl.typing import Lowerer, Scope, TypeFailure
from lexproof.dsl.values import clip, parse_iso_date, parse_value
from lexproof.dsl.xref import own_decisions, readers_of
from lexproof.verifier.cache import ResultCache
from lexproof.verifier.casefile import key_positions, parse_case_json, read_case_text, top_level_key_positions
from lexproof.verifier.checks import ALL_CHECKS, VersionEncoder, run_checks
from lexproof.verifier.cone_cache import ConeCache
from lexproof.verifier.diff import DiffMemory, diff_versions
from lexproof.verifier.load_cache import LoadCache
from lexproof.verifier.properties import check_property, default_version, run_example, run_query
from lexproof.verifier.questions import check_questions
from lexproof.verifier.results import Result, Witness
from lexproof.verifier.solving import Budget, timeout_problem
from lexproof.verifier.workers import Progress, Task, run_tasks

__all__ = ["load", "load_document", "parse", "format_source", "evaluate", "check", "query", "diff", "read_case",
           "EvaluationResult", "DiffMemory",
           # for interfaces that run items one at a time (the pytest plugin) or check options
           "example_results", "property_result", "statute_findings", "inconclusive", "timeout_problem",
           # for long-lived hosts (the language server): parse memo, the loader's names, the collector
           "remember_parses", "parse_as_loaded", "cyclic_gc_paused"]


def load(*paths: str | Path, cache: LoadCache | None = None) -> Program:
    """Parse and check statute files or directories (imports followed). ``cache``: keep the
    checked program there, and take it from there when no file it read has changed
    (``verifier/load_cache.py``; ``default_load_cache()`` is the CLI's)."""
    return _load(list(paths), cache=cache)


def load_document(path: str | Path, text: str) -> Program:
    """Like :func:`load` for one file, but with ``text`` as its content instead of what is on
    disk (an editor's unsaved buffer); its imports are read from disk."""
    return _load([path], texts={Path(path): text})


def parse(text: str, path: str = "<input>") -> ast.File:
    """The syntax tree of one file's text (no imports followed, not checked)."""
    with cyclic_gc_paused():  # half the time of a large file's parse went to the collector
        return parse_text(text, path)


def remember_parses(files: int) -> None:
    """For a long-lived host that loads the same files again and again (the language server):
    keep the syntax trees of the last ``files`` texts parsed and reuse them for the same text
    under the same name (``dsl.parser.ParseMemo``), and the checked rules of the trees it
    gives again (``dsl.checker.RuleMemo``). 0 turns it off (the default)."""
    _remember_parses(files)
    RULES.enabled = files > 0
    if not RULES.enabled:
        RULES.clear()


def parse_as_loaded(text: str, path: str | Path) -> ast.File:
    """:func:`parse`, with the file named as :func:`load` names it (relative to the working
    directory when inside it), so that a host which remembers parses (the language server,
    ``dsl.parser.remember_parses``) gets the tree its last load made of the same text."""
    return parse(text, display_path(Path(path).resolve()))


def format_source(text: str, path: str = "<input>") -> str:
    """``text`` in canonical layout, comments kept (what ``lexproof fmt`` writes)."""
    from lexproof.dsl.formatter import format_text

    return format_text(text, path)


def _date(value: str | dt.date | None) -> dt.date:
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.date):
        return value
    return parse_iso_date(value)


def pick_statute(program: Program, name: str | None, span_file: str = "<command line>") -> StatuteModel:
    if name is not None:
        if name not in program.statutes:
            raise LexproofError(Diagnostic(Span(span_file, 1, 1, 1, 1), f"no statute named '{name}' is loaded (loaded: {', '.join(program.statutes)})"))
        return program.statutes[name]
    if len(program.statutes) == 1:
        return next(iter(program.statutes.values()))
    if not program.statutes:
        raise LexproofError(Diagnostic(Span(span_file, 1, 1, 1, 1), "no statute is loaded (only amendments?)"))
    reader = reading_statute(program)
    if reader is not None:
        return reader
    raise LexproofError(Diagnostic(
        Span(span_file, 1, 1, 1, 1),
        f"several statutes are loaded ({', '.join(program.statutes)}); choose one with --statute",
    ))


def reading_statute(program: Program) -> StatuteModel | None:
    """The one loaded statute that no other loaded statute uses, when there is exactly one: it
    reads (directly or through others) every other statute loaded, so it is the one a command
    without --statute means. ``lexproof eval statutes/lll`` loads the WEB too, because the WSF
    reads it (``uses WEB``); it must still evaluate the WSF. None when several statutes stand
    on their own (then the choice stays the user's)."""
    used = {name for model in program.statutes.values() for name in model.uses}
    readers = [model for name, model in program.statutes.items() if name not in used]
    return readers[0] if len(readers) == 1 and len(program.statutes) > 1 else None


def statute_of_amendment(program: Program, amendment: str) -> StatuteModel:
    info = program.find_amendment(amendment)
    if info is None:
        known = [a for s in program.statutes.values() for a in s.amendments]
        raise LexproofError(Diagnostic(
            Span("<command line>", 1, 1, 1, 1),
            f"no amendment named '{amendment}' is loaded" + (f" (known: {', '.join(known)})" if known else ""),
        ))
    return program.statutes[info.statute]


# --- cases ------------------------------------------------------------------------------------


def read_case(statute: StatuteModel, data: object, source: str = "<case>", text: str | None = None, *,
              version: Version | None = None) -> dict[str, object]:
    """Check and convert a case (a JSON object: fact -> value). Every problem is reported with
    the position of the offending key in the case file."""
    if _wrapped(data):
        siblings = [key for key in data if key != "facts"]  # type: ignore[union-attr]
        if siblings:
            # Nothing is silently ignored: a key beside "facts" is not read, so say so.
            positions = top_level_key_positions(source, text) if text is not None else {}
            raise LexproofError([
                Diagnostic(positions.get(key, Span(source, 1, 1, 1, 2)),
                           f"'{clip(key, 80)}' stands beside \"facts\" and would not be read: a wrapped case "
                           "holds every fact under \"facts\" and nothing else")
                for key in siblings[:MAX_SHOWN]
            ])
        data = data["facts"]  # type: ignore[index]
    if not isinstance(data, dict):
        raise LexproofError(Diagnostic(Span(source, 1, 1, 1, 2), "a case is a JSON object of fact names and values"))
    errors: list[Diagnostic] = []
    case: dict[str, object] = {}

    positions: dict[str, Span] | None = None  # where each key is, indexed on the first error

    def where(key: str) -> Span:
        nonlocal positions
        if text is not None:
            if positions is None:
                positions = key_positions(source, text)
            if key in positions:
                return positions[key]
        return Span(source, 1, 1, 1, 2)

    from lexproof.dsl.checker import range_problem
    from lexproof.dsl.typing import suggest

    for key, raw in data.items():
        if key in statute.kinds:
            listed = _read_items(statute, key, raw, (key,), source, text, errors, parent=None)
            if listed is not None:
                case[key] = listed
            continue
        fact = statute.facts.get(key)
        if fact is None:
            # A suggestion for the first few only: thousands of unknown keys are not typos.
            hint = suggest(key, list(statute.facts)) if len(errors) < MAX_SHOWN else ""
            errors.append(Diagnostic(where(key), f"'{clip(key, 80)}' is not a fact of {statute.name}" + hint))
            continue
        try:
            value = parse_value(raw, fact.type, statute.enums.get(fact.type.enum or "", ()))
        except ValueError as error:
            errors.append(Diagnostic(where(key), f"{key}: {error}"))
            continue
        problem = range_problem(fact, value)
        if problem is None and version is not None and fact.type.kind == "enum" and version.has_fact(key) \
                and value not in version.enum_values(fact.type.enum or ""):
            origin = statute.enum_origins.get((fact.type.enum or "", str(value)))
            problem = f"{key}: the value {value} is added by amendment {origin}; {version.label} does not have it"
        if problem:
            errors.append(Diagnostic(where(key), problem))
            continue
        case[key] = value
    for kind in statute.top_kinds():
        if kind not in data:
            case[kind] = []  # not listed: none
    for name in defaulted_facts(statute, data):
        case[name] = statute.facts[name].default
    # With a version, only the facts it has are needed (amendments may add facts); others may
    # be given, and are not read there.
    missing = [name for name in statute.facts
               if name not in data and name not in case and (version is None or version.has_fact(name))]
    if missing:
        errors.append(Diagnostic(Span(source, 1, 1, 1, 2), f"the case does not give: {', '.join(missing)}"))
    if errors:
        raise LexproofError(errors)
    return case


def _read_items(statute: StatuteModel, kind: str, raw: object, path: tuple, source: str, text: str | None,
                errors: list[Diagnostic], parent: str | None) -> list[dict] | None:
    """The items of a kind in a case file: a JSON list of objects, each with the item's facts
    (defaults filled in) and its own kinds' lists. Problems go to ``errors``, positioned at the
    list element or key (``path_positions``); None when there were any."""
    from lexproof.dsl.checker import range_problem
    from lexproof.dsl.typing import suggest
    from lexproof.verifier.casefile import path_positions

    positions: dict[tuple, Span] = path_positions(source, text) if text is not None else {}

    def where(at: tuple) -> Span:
        while at and at not in positions:
            at = at[:-1]
        return positions.get(at, Span(source, 1, 1, 1, 2))

    info = statute.kinds[kind]
    if info.parent != parent:
        errors.append(Diagnostic(where(path), f"the items of {kind} belong to each {info.parent}: list them inside its objects"))
        return None
    if not isinstance(raw, list):
        errors.append(Diagnostic(where(path), f"{kind} holds items: give a JSON list of objects, one per {kind} ([] for none)"))
        return None
    if len(raw) > info.maximum:
        errors.append(Diagnostic(
            where((*path, info.maximum)),
            f"{len(raw)} items of {kind}, but {statute.name} allows at most {info.maximum} "
            f"('items {kind} up to {info.maximum}'); remove {len(raw) - info.maximum} or raise the maximum",
        ))
        return None
    result: list[dict] = []
    before = len(errors)
    for index, entry in enumerate(raw):
        at = (*path, index)
        if not isinstance(entry, dict):
            errors.append(Diagnostic(where(at), f"{kind} {index + 1}: an item is a JSON object of its facts"))
            continue
        item: dict[str, object] = {}
        for key, value in entry.items():
            if key in statute.kinds:
                listed = _read_items(statute, key, value, (*at, key), source, text, errors, parent=kind)
                if listed is not None:
                    item[key] = listed
                continue
            if key not in info.facts:
                errors.append(Diagnostic(where((*at, key)), f"'{clip(key, 80)}' is not a fact of {kind}" + suggest(key, list(info.facts))))
                continue
            fact = statute.item_facts[key]
            try:
                parsed = parse_value(value, fact.type, statute.enums.get(fact.type.enum or "", ()))
            except ValueError as error:
                errors.append(Diagnostic(where((*at, key)), f"{kind}[{index + 1}].{key}: {error}"))
                continue
            problem = range_problem(fact, parsed)
            if problem:
                errors.append(Diagnostic(where((*at, key)), f"{kind}[{index + 1}]: {problem}"))
                continue
            item[key] = parsed
        for name in info.facts:
            if name not in entry and statute.item_facts[name].default is not None:
                item[name] = statute.item_facts[name].default
        for sub in statute.child_kinds(kind):
            item.setdefault(sub, [])
        missing = [name for name in info.facts if name not in item and name not in entry]
        if missing:
            errors.append(Diagnostic(where(at), f"{kind}[{index + 1}] does not give: {', '.join(missing)}"))
        result.append(item)
    return result if len(errors) == before else None


def defaulted_facts(statute: StatuteModel, data: object) -> list[str]:
    """The facts a case leaves out that have a default (``= VALUE``): they take it."""
    if _wrapped(data):
        data = data["facts"]  # type: ignore[index]
    if not isinstance(data, dict):
        return []
    return [name for name, fact in statute.facts.items() if name not in data and fact.default is not None]


def _wrapped(data: object) -> bool:
    """Whether a case is given as ``{"facts": {...}}`` rather than as the facts themselves."""
    return isinstance(data, dict) and isinstance(data.get("facts"), dict)


def load_case_file(path: str | Path) -> tuple[object, str]:
    """The raw JSON of a case file and its text (for positions in diagnostics)."""
    name = str(path)
    try:
        text = read_case_text(name)
    except LexproofError:
        SOURCES.forget(name)  # read before (``eval --watch``): its old text is not the file's
        raise
    SOURCES.add(name, text)
    return parse_case_json(name, text), text


def read_case_file(statute: StatuteModel, path: str | Path) -> dict[str, object]:
    """A case file, checked against the statute's facts, with positions for every problem."""
    data, text = load_case_file(path)
    return read_case(statute, data, str(path), text)


@dataclass
class EvaluationResult:
    statute: StatuteModel
    version: Version
    case: dict[str, object]
    outcomes: dict[str, DecisionOutcome]
    defaulted: tuple[str, ...] = ()  # facts the case left out, at their default
    # The decisions asked for (``evaluate(decisions=...)``): shown first, then the decisions
    # that explain them; empty: every decision, in the statute's order.
    focus: tuple[str, ...] = ()

    def witness(self) -> Witness:
        outcomes: Mapping[str, DecisionOutcome] = self.outcomes
        if self.statute.item_decisions:  # an evaluator to show the decisions per item with
            from lexproof.verifier.results import Outcomes

            outcomes = Outcomes(Evaluator({None: self.version}, {None: self.case}), self.outcomes)
        return Witness(self.statute, {None: self.case}, {None: self.version.label},
                       {(None, None): outcomes}, dates={None: self.version.date}, focus=self.focus,
                       explain_values=bool(self.focus))

    def to_json(self) -> dict:
        witness = self.witness()
        data = witness.to_json()
        shown: Collection[str] = self.outcomes
        if self.focus:  # as the human report: the decisions asked for, then those explaining them
            from lexproof.verifier.results import _outcome_json

            shown = witness.explained(None, None)
            data["outcome"] = {name: _outcome_json(self.statute, self.outcomes[name]) for name in shown}
        else:
            data["outcome"] = data["outcome"]["outcome"]
        result = {"statute": self.statute.name, "version": self.version.label, **data,
                  "defaulted": list(self.defaulted),
                  "trace": {name: _trace_json(self.statute, self.outcomes[name]) for name in shown}}
        if self.statute.item_decisions:
            result["items"] = self._items_json()
        return result

    def _items_json(self) -> dict:
        """Each decision per item, by item label (``kind[2]``) and name."""
        from lexproof.dsl.items import item_contexts, label, path_of
        from lexproof.verifier.results import _outcome_json

        evaluator = Evaluator({None: self.version}, {None: self.case})
        data: dict[str, dict] = {}
        for context in item_contexts(self.statute, self.case, None):
            kind = path_of(context)[-1][0]
            names = [name for name, of in self.statute.decision_kind.items() if of == kind]
            if names:
                data[label(context)] = {name: _outcome_json(self.statute, evaluator.decision(name, context)) for name in names}
        return data


def _home_of(statute: StatuteModel, rule: str) -> str:
    """The statute a rule of a version belongs to: ``WEB.bol`` is the WEB's (dsl/xref.py)."""
    return rule.split(".", 1)[0] if "." in rule else statute.name


def _trace_json(statute: StatuteModel, outcome: DecisionOutcome) -> list[dict]:
    from lexproof.verifier.results import cite

    return [
        {
            "rule": t.rule.name,
            "article": cite(statute, t.rule.citation),
            **({"statute": _home_of(statute, t.rule.name)} if statute.uses else {}),
            "status": t.status,
            "failed_condition": t.failed_condition,
            "overridden_by": list(t.overridden_by),
            "location": {"file": t.rule.span.file, "line": t.rule.span.line, "column": t.rule.span.column},
        }
        for t in outcome.rules
    ]


def evaluate(
    program: Program, case: dict, *, statute: str | None = None, date: str | dt.date | None = None,
    amendment: str | None = None, source: str = "<case>", text: str | None = None,
    decisions: Collection[str] = (),
) -> EvaluationResult:
    """Every decision for one case, with the trace of each rule. ``case`` holds JSON-style
    values ("€1,118.00" or 1118, "96%" or Fraction, "2025-09-01" or a date, enum names);
    ``source`` and ``text`` let diagnostics point into the case file. ``decisions``: only
    these and the decisions they read (as OpenFisca computes only the variables asked for),
    which the result shows first and then those that explain them (``EvaluationResult.focus``);
    a statute book's case explains thousands of decisions otherwise."""
    model = (statute_of_amendment(program, amendment) if amendment and not statute
             else pick_statute(program, statute))  # a statute may take the amendment of one it uses
    version = default_version(model, _date(date), amendment)
    focus = tuple(dict.fromkeys(decisions))
    _check_asked_decisions(model, version, focus)
    facts = read_case(model, case, source, text, version=version)
    evaluator = Evaluator({None: version}, {None: facts})
    wanted = _decisions_read(model, version, focus) if focus else None
    outcomes = {name: evaluator.decision(name) for name in model.decisions
                if version.has_decision(name) and (wanted is None or name in wanted)}
    return EvaluationResult(model, version, facts, outcomes, tuple(defaulted_facts(model, case)), focus)


def _check_asked_decisions(model: StatuteModel, version: Version, names: tuple[str, ...]) -> None:
    """Each decision ``eval --decision`` names exists in the version evaluated."""
    import difflib

    for name in names:
        if name in model.item_decisions:
            continue  # shown for every item, as always
        if name not in model.decisions:
            close = difflib.get_close_matches(name, [*model.decisions, *model.item_decisions], n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise LexproofError(Diagnostic(Span("<command line>", 1, 1, 1, 1),
                                           f"--decision: unknown decision '{name}'{hint}"))
        if not version.has_decision(name):  # an amendment adds it, and this version is without it
            raise LexproofError(Diagnostic(
                Span("<command line>", 1, 1, 1, 1),
                f"--decision: decision '{name}' does not exist in {version.label} (amendment "
                f"{model.decisions[name].origin} adds it; --amendment {model.decisions[name].origin} evaluates "
                "the version with it)"))


def _decisions_read(model: StatuteModel, version: Version, names: tuple[str, ...]) -> set[str]:
    """``names`` and every decision they read in the version, directly, through other decisions
    or through the rows of a table (``ConeParts.decision``)."""
    parts = ConeParts.of(model, version)
    found: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name not in found:
            found.add(name)
            pending.extend(parts.decision(name)[4])
    return found


# --- check ------------------------------------------------------------------------------------


def check(
    program: Program, *, date: str | dt.date | None = None, timeout: float | None = None,
    builtin: bool = True, only: tuple[str, ...] = ALL_CHECKS, properties: bool = True, examples: bool = True,
    cache: ResultCache | None = None, jobs: int = 1, progress: Progress | None = None,
) -> list[Result]:
    """Every example, property and built-in check of every loaded statute.

    ``progress`` (``workers.Progress``) is told how many tasks there are and when each is done.

    With a ``cache`` (see verifier/cache.py), a statute whose files, options and lexproof
    version are unchanged since a run that stored it gets its stored results back. With
    ``jobs > 1`` the work runs on that many processes (verifier/workers.py); the results are
    the same, in the same order.

    Unversioned examples and properties run on ``date`` (default: today); the built-in
    checks run in every distinct version of each statute, or only on ``date`` when it is
    given (``builtin_checks``)."""
    day = _date(date)
    builtin_day = None if date is None else day
    budget = Budget.from_seconds(timeout)
    options = {"date": day.isoformat(), "rlimit": budget.rlimit, "timeout_ms": budget.timeout_ms,
               "builtin": builtin, "only": list(only), "properties": properties, "examples": examples,
               "builtin_versions": "all" if builtin_day is None else builtin_day.isoformat()}
    global _RUN_VERSIONS
    outer, _RUN_VERSIONS = _RUN_VERSIONS, {} if _RUN_VERSIONS is None else _RUN_VERSIONS
    try:
        return _check_statutes(program, day, builtin_day, budget, options, builtin, only, properties, examples,
                               cache, jobs, progress)
    finally:
        _RUN_VERSIONS = outer


def _check_statutes(program: Program, day: dt.date, builtin_day: dt.date | None, budget: Budget, options: dict,
                    builtin: bool, only: tuple[str, ...], properties: bool, examples: bool,
                    cache: ResultCache | None, jobs: int, progress: Progress | None = None) -> list[Result]:
    """``check`` of every statute, with the versions of each consolidated once (``checked_versions``)."""
    found: dict[str, list[Result]] = {name: [] for name in program.statutes}
    to_store: dict[str, str] = {}  # statute -> cache key, for the statutes checked afresh
    # A statute that changed still reuses the built-in checks of every decision whose cone did
    # not (verifier/cone_cache.py), from the same trusted cache directory.
    cones = ConeCache(cache) if cache is not None else None
    tasks: list[tuple[StatuteModel, Task]] = []
    for statute in program.statutes.values():
        key = cache.key(statute, options) if cache is not None else None
        cached = cache.load(key, statute) if cache is not None and key is not None else None
        if cached is not None:
            found[statute.name] = cached
            continue
        if key is not None:
            to_store[statute.name] = key
        tasks += check_tasks(statute, day, budget, builtin, only, properties, examples, builtin_day, cones)
    builtin_found: dict[str, list[Result]] = {}
    for (statute, task), results in zip(tasks, run_tasks(tasks, jobs, progress)):
        if isinstance(task, BuiltinPart) and task.decisions is not None:
            builtin_found.setdefault(statute.name, []).extend(results)
        else:
            found[statute.name].extend(results)
    for name, results in builtin_found.items():  # the built-in checks come last, as in one run
        found[name].extend(in_report_order(program.statutes[name], results, builtin_day, day))
    for name, key in to_store.items():
        if cache is not None and all(_cacheable(r) for r in found[name]):
            cache.store(key, found[name])
    _name_article_statutes(program, [result for results in found.values() for result in results])
    return [result for results in found.values() for result in results]


def _name_article_statutes(program: Program, results: list[Result]) -> None:
    """Results of a statute that reads others name the statute of every article they cite."""
    from lexproof.verifier.results import article_statutes

    for result in results:
        model = program.statutes.get(result.statute or "")
        if model is not None and model.uses and result.articles:
            result.article_statutes = article_statutes(model, result.articles)


def _cacheable(result: Result) -> bool:
    """Whether a result may be stored: not when the solver gave up on it ('unknown', or a
    region summary that is incomplete). Running out of budget may be the wall-clock safety
    net on a loaded machine: ask again next time, never replay an inconclusive answer."""
    return result.status != "unknown" and result.details.get("complete", True) is not False


def check_tasks(statute: StatuteModel, day: dt.date, budget: Budget, builtin: bool, only: tuple[str, ...],
                properties: bool, examples: bool, builtin_day: dt.date | None = None,
                cones: ConeCache | None = None) -> list[tuple[StatuteModel, Task]]:
    """One statute's work as independent tasks, in report order: the examples, each property,
    the built-in checks (on ``builtin_day`` only, or in every version when it is None) in
    parts (``BuiltinPart``)."""
    tasks: list[tuple[StatuteModel, Task]] = []
    if examples and statute.examples:
        tasks.append((statute, lambda: [r for example in statute.examples for r in run_example(statute, example, day)]))
    if properties:
        for prop in statute.properties:
            tasks.append((statute, lambda prop=prop: [check_property(statute, prop, day, budget)]))
    if builtin:
        checked_versions(statute, builtin_day, day)  # consolidated here, before workers fork
        for part in builtin_parts(statute):
            tasks.append((statute, BuiltinPart(statute, builtin_day, budget, only, day, part, cones)))
    if builtin and "conflict" in only and statute.questions:  # conflicts between statutes (LP105)
        tasks.append((statute, lambda: check_questions(statute, builtin_day, budget, undated=day)))
    return tasks


# --- one item at a time: what an interface that runs items one by one calls (the pytest plugin) ---


def example_results(statute: StatuteModel, example, date: dt.date) -> list[Result]:
    """One example of a statute (``ExampleInfo``): a result per version it names, the
    unversioned ones on ``date``; what ``check`` runs for each example."""
    return run_example(statute, example, date)


def property_result(statute: StatuteModel, prop, date: dt.date, timeout: float | None = None) -> Result:
    """One property of a statute (``PropertyInfo``), unversioned on ``date``, with a solver
    budget of ``timeout`` seconds; what ``check`` runs for each property."""
    return check_property(statute, prop, date, Budget.from_seconds(timeout))


def statute_findings(statute: StatuteModel, day: dt.date | None, timeout: float | None = None,
                     only: tuple[str, ...] = ALL_CHECKS, *, undated: dt.date | None = None) -> list[Result]:
    """The built-in checks ``only`` of one statute (``builtin_checks``, on ``day`` or in every
    version) and, with 'conflict', its conflicts with the statutes it declares to decide the
    same question (LP105), as ``check`` reports them."""
    budget = Budget.from_seconds(timeout)
    findings = builtin_checks(statute, day, budget, only=only, undated=undated)
    if "conflict" in only and statute.questions:
        findings += check_questions(statute, day, budget, undated=undated if undated is not None else _date(day))
    return findings


def inconclusive(result: Result) -> bool:
    """Whether the solver could not tell something the result is about (exit code 3)."""
    return result.inconclusive


class BuiltinPart:
    """A task: the built-in checks of some of a statute's decisions (all of them: ``None``).
    A large statute's checks are cut into parts (``builtin_parts``) so that ``-j`` spreads
    one statute over several cores; ``in_report_order`` puts the parts' results back in the
    order of one ``builtin_checks`` run."""

    def __init__(self, statute: StatuteModel, day: dt.date | None, budget: Budget, only: tuple[str, ...],
                 undated: dt.date, decisions: list[str] | None, cones: ConeCache | None = None) -> None:
        self.statute, self.day, self.budget, self.only = statute, day, budget, only
        self.undated, self.decisions, self.cones = undated, decisions, cones

    def __call__(self) -> list[Result]:
        return builtin_checks(self.statute, self.day, self.budget, self.only, undated=self.undated,
                              decisions=self.decisions, cones=self.cones)


# (statute id, day, undated) -> the versions its built-in checks run in, during one ``check``
# (None outside one): see ``checked_versions``.
_RUN_VERSIONS: dict[tuple, list[Version]] | None = None


def checked_versions(statute: StatuteModel, day: dt.date | None, undated: dt.date | None) -> list[Version]:
    """The versions the built-in checks run in: the one in force on ``day``, or (None) every
    distinct version (``distinct_versions``, ``undated`` naming the one of a statute that never
    changes). Within one ``check`` they are consolidated once per statute: every part of a
    large statute's checks (``builtin_parts``), and the report order after them, asked for all
    of them again, which made consolidation grow with parts x rules (issue 18). ``check_tasks``
    asks before the workers are forked, so they inherit them. Kept for that run only: a
    version holds its statute, and a long-running process (the editor, the workbench) loads
    many."""
    key = (id(statute), day, undated)
    if _RUN_VERSIONS is not None and key in _RUN_VERSIONS:
        return list(_RUN_VERSIONS[key])
    versions = [version_on(statute, day)] if day is not None else distinct_versions(statute, undated)
    if _RUN_VERSIONS is not None:
        _RUN_VERSIONS[key] = versions
    return list(versions)


# Decisions per part of a statute's built-in checks. The parts do not depend on ``-j``: a
# counterexample is a model of a solver whose context holds the part's encoding, so the same
# parts give the same witnesses on one process or several (byte for byte, tested).
DECISIONS_PER_PART = 100


def builtin_parts(statute: StatuteModel) -> list[list[str] | None]:
    """The statute's decisions in runs of neighbours of about ``DECISIONS_PER_PART`` (decisions
    declared together read each other, so a run's encoder shares their encoding); ``[None]``:
    all in one, for a statute of at most that many decisions."""
    names = own_decisions(statute) + list(statute.item_decisions)  # decisions per item too, each in one part
    parts = -(-len(names) // DECISIONS_PER_PART)
    if parts <= 1:
        return [None]
    size, extra = divmod(len(names), parts)
    out, start = [], 0
    for index in range(parts):
        end = start + size + (1 if index < extra else 0)
        out.append(names[start:end])
        start = end
    return out


def in_report_order(statute: StatuteModel, results: list[Result], day: dt.date | None,
                    undated: dt.date) -> list[Result]:
    """The findings of several parts in the order one ``builtin_checks`` run reports them:
    by the version each was first found in, then by decision; then the expectations no
    finding met, declared decisions first, then rules (``_missing_expected_findings``)."""
    versions = checked_versions(statute, day, undated)
    by_label = {version.label: (index, version) for index, version in enumerate(versions)}
    decision_index = {name: index for index, name in enumerate(statute.decisions)}
    rule_index = {name: index for index, name in enumerate(_declared_rules(statute))}

    def key(result: Result) -> tuple:
        if result.found_in:
            index, version = by_label[result.found_in[0]]
            owner = _decision_of(statute, version, result)
            return (0, index, decision_index.get(owner or "", len(decision_index)))
        if result.kind == "gap":
            return (1, 0, decision_index.get(result.name, 0))
        return (1, 1, rule_index.get(result.name, 0))

    return sorted(results, key=key)  # stable: a part's own order stays


def explain(result: Result, *, lang: str | None = None, verbose: bool = True) -> str:
    """A result as ``lexproof check`` shows it to a person, without colour, in ``lang`` ('nl'
    or 'en'; default from the locale: LC_ALL/LANG starting with nl gives Dutch)."""
    from lexproof.verifier.formats import explain as render_text
    from lexproof.verifier.messages import check_lang

    return render_text(result, verbose=verbose, lang=check_lang(lang))


def checked_decisions(statute: StatuteModel, day: dt.date | None = None, undated: dt.date | None = None) -> list[str]:
    """The decisions the built-in checks cover (in some version), as ``builtin_checks`` picks
    them without solving: a decision is skipped in a version that lacks it or where a
    parameter it reads has no value. The human output counts them ('none, 9 decisions')."""
    versions = checked_versions(statute, day, undated)
    covered: list[str] = []
    for version in versions:
        parts = ConeParts.of(statute, version)
        for decision in statute.decisions:
            if decision in covered or not version.has_decision(decision):
                continue
            if not _decision_cone(statute, version, decision, parts)[1]:
                covered.append(decision)
    return covered


def builtin_checks(statute: StatuteModel, day: dt.date | None, budget: Budget, only=ALL_CHECKS, *,
                   undated: dt.date | None = None, decisions: Collection[str] | None = None,
                   cones: ConeCache | None = None) -> list[Result]:
    """Conflicts, gaps, dead and redundant rules in every distinct version of the statute
    (``lexproof.dsl.consolidate.distinct_versions``: each period between the dates its parameters or
    amendments change, and each proposal applied), or, with ``day``, in the one version in
    force on that day. A finding is reported once: ``found_in`` lists every version it occurs
    in, and ``version`` joins them.

    A decision is checked in a version only when every parameter it reads has a value there
    (earlier dates are not covered by the statute: using the decision there is an error). A
    decision whose rules and parameters (and those of everything it reads) are the same as in
    a version already checked has the same findings: they are not searched again, the
    version is added to them. ``undated``: the date that names the one version of a statute
    that never changes (default: today). ``decisions``: only these (a part of the work, see
    ``builtin_parts``); every finding and expectation belongs to one decision, so the parts of
    a partition together find exactly what one run finds. ``cones``: reuse (and store) each
    decision's findings by the content of its cone (``verifier/cone_cache.py``)."""
    versions = checked_versions(statute, day, undated)
    found: dict[tuple, Result] = {}
    found_in: dict[tuple, list[str]] = {}
    by_signature: dict[tuple, list[tuple]] = {}  # a decision's signature -> its findings' keys
    checked_rules: set[str] = set()
    covered: set[str] = set()

    def record(key: tuple, label: str) -> None:
        if label not in found_in[key]:
            found_in[key].append(label)

    dated = reads_peildatum(statute)
    item_runs: list[tuple[Version, dict[str, tuple], list[Result]]] = []  # per version: its decisions per item
    item_seen: set[tuple] = set()  # their signatures searched already
    # A set: every part looks up each of the statute's decisions in every version (a list of a
    # part's 100 names made that parts x decisions x 100 comparisons at 10,000 rules).
    decisions = None if decisions is None else set(decisions)
    # In the statute's order, the part's decisions only: picked once, not once per version.
    own = [decision for decision in own_decisions(statute) if decisions is None or decision in decisions]
    for version in versions:
        fresh: dict[str, tuple] = {}  # decision -> signature, for the decisions to search
        # Rules that read the peildatum may decide differently on each day of the period the
        # version stands for: check them on every such day, and never reuse findings across
        # periods (two versions with the same rules differ in their peildatum).
        span = (day, day) if day is not None else version_period(statute, version)
        period = (span[0].toordinal(), span[1].toordinal()) if dated else None
        parts = ConeParts.of(statute, version)
        for decision in own:  # those it reads are checked in their statute
            if not version.has_decision(decision):
                continue  # an amendment this version lacks adds it
            signature, missing = _decision_cone(statute, version, decision, parts)
            if dated:
                signature = (signature, period)
            if missing:
                continue
            covered.add(decision)
            checked_rules.update(rule.name for rule in version.rules_of(decision))
            if signature in by_signature:
                for key in by_signature[signature]:
                    record(key, version.label)
            else:
                by_signature[signature] = []
                fresh[decision] = signature
        # One encoder for the version's case decisions and then its decisions per item: the
        # case decisions that read items (a sum over the children) have encoded the decisions
        # per item at every slot already, and an encoder per decision per item did it again.
        shared = VersionEncoder(statute, version, period) if statute.item_decisions else None
        if fresh:
            for result in _version_findings(statute, version, budget, only, list(fresh), period, cones, shared):
                key = (result.code, result.name, result.status)
                owner = _decision_of(statute, version, result)
                if owner in fresh and key not in by_signature[fresh[owner]]:
                    by_signature[fresh[owner]].append(key)
                if key not in found:
                    found[key] = result
                    found_in[key] = []
                record(key, version.label)
        if shared is not None:  # its decisions per item, now (reported after every case decision, below)
            item_runs.append(_item_run(statute, version, budget, only, decisions, period if dated else None,
                                       covered, checked_rules, item_seen, shared))
    if statute.item_decisions:  # decisions per item: conflicts and gaps at any item (verifier/item_checks.py)
        item_signatures: dict[tuple, list[tuple]] = {}  # as by_signature, for decisions per item
        for version, fresh_items, item_results in item_runs:
            for name, signature in list(fresh_items.items()):
                if signature in item_signatures:  # the same meaning as in a version checked already
                    for key in item_signatures[signature]:
                        record(key, version.label)
                    del fresh_items[name]
                else:
                    item_signatures[signature] = []
            if not fresh_items:
                continue
            for result in item_results:
                key = (result.code, result.name, result.status)
                owner = result.details.get("decision")
                if owner in fresh_items and key not in item_signatures[fresh_items[owner]]:
                    item_signatures[fresh_items[owner]].append(key)
                if key not in found:
                    found[key] = result
                    found_in[key] = []
                record(key, version.label)
    for key, result in found.items():
        result.found_in = found_in[key]
        result.version = "; ".join(found_in[key])
    results = list(found.values())
    return results + _missing_expected_findings(statute, results, only, checked_rules, covered)


def _version_findings(statute: StatuteModel, version: Version, budget: Budget, only: tuple[str, ...],
                      decisions: list[str], period: tuple[int, int] | None, cones: ConeCache | None,
                      encoder: VersionEncoder | None = None) -> list[Result]:
    """``run_checks`` of these decisions, each decision's findings read from ``cones`` when its
    cone is unchanged since a run that stored them, in the order one ``run_checks`` gives (it
    checks the decisions in turn, so each decision's findings are contiguous)."""
    if cones is None or not cones.usable(statute):
        return run_checks(statute, version, budget, only, decisions=decisions, period=period, encoder=encoder)
    options = {"rlimit": budget.rlimit, "timeout_ms": budget.timeout_ms, "only": list(only), "period": period}
    keys = {decision: cones.key(statute, version, decision, options) for decision in decisions}
    cached = {decision: cones.load(key, statute) for decision, key in keys.items()}
    todo = [decision for decision in decisions if cached[decision] is None]
    fresh = run_checks(statute, version, budget, only, decisions=todo, period=period, encoder=encoder) if todo else []
    by_decision: dict[str, list[Result]] = {decision: [] for decision in todo}
    for result in fresh:
        owner = _decision_of(statute, version, result)
        if owner not in by_decision:  # cannot be attributed: check everything afresh, store nothing
            return run_checks(statute, version, budget, only, decisions=decisions, period=period, encoder=encoder)
        by_decision[owner].append(result)
    for decision in todo:
        if all(_cacheable(result) for result in by_decision[decision]):  # never an 'unknown'
            cones.store(keys[decision], by_decision[decision])
    return [result for decision in decisions
            for result in (by_decision[decision] if cached[decision] is None else cached[decision])]


def _item_run(statute: StatuteModel, version: Version, budget: Budget, only: tuple[str, ...],
              decisions: Collection[str] | None, period: tuple[int, int] | None, covered: set[str],
              checked_rules: set[str], seen: set[tuple], encoder: VersionEncoder) -> tuple[Version, dict[str, tuple], list[Result]]:
    """The version's decisions per item to check (with their signatures), and the findings of
    those whose signature no earlier version had (``seen``), searched on ``encoder``: what
    ``builtin_checks`` then records, in version order, after the case decisions' findings."""
    from lexproof.verifier.item_checks import run_item_checks

    fresh_items = _fresh_item_decisions(statute, version, decisions, period, covered, checked_rules)
    todo = []
    for name, signature in fresh_items.items():  # in order: a signature met twice is searched once
        if signature not in seen:
            seen.add(signature)
            todo.append(name)
    results = run_item_checks(statute, version, budget, only, period=period, decisions=todo, encoder=encoder) \
        if todo else []
    return version, fresh_items, results


def _fresh_item_decisions(statute: StatuteModel, version: Version, decisions: Collection[str] | None,
                          period: tuple[int, int] | None, covered: set[str],
                          checked_rules: set[str]) -> dict[str, tuple]:
    """The decisions per item to check in ``version``, with their signatures (``_decision_cone``):
    not those outside ``decisions`` (another part checks them) nor those reading a parameter
    without a value in the version (using them there is an error, as for a case's decision).
    Their @expect(...) is checked like any other."""
    fresh: dict[str, tuple] = {}
    parts = ConeParts.of(statute, version)
    for name in statute.item_decisions:
        if decisions is not None and name not in decisions:
            continue
        signature, missing = _decision_cone(statute, version, name, parts)
        if missing:
            continue
        covered.add(name)
        checked_rules.update(rule.name for rule in version.rules_of(name))
        fresh[name] = (signature, period) if period is not None else signature
    return fresh


def _decision_of(statute: StatuteModel, version: Version, result: Result) -> str | None:
    """The decision a finding is about (for a solver that gave up, from its rule or name)."""
    decision = result.details.get("decision")
    if decision is None:
        rules = [result.details.get("rule"), *result.details.get("rules", [])]
        rule = next((version.rule(name) for name in rules if name and version.rule(name)), None)
        decision = rule.decision if rule is not None else result.name
    return decision if decision in statute.decisions else None


_CONE_PARTS: IdentityMemo[ConeParts] = IdentityMemo()  # per version object, while it lives
# Per statute, while it lives: a number for each cone part met (``ConeParts.signature``).
_SIGNATURE_NUMBERS: IdentityMemo[dict[tuple, int]] = IdentityMemo()


class ConeParts:
    """What each decision of one version contributes to a cone signature (``_decision_cone``):
    its rule objects, the parameters (with their values), tables and enum facts its rules and
    default read, also through tables, and the decisions they read. Computed once per
    decision: a signature is then the union over the decisions of its cone. Walking every
    cone's IR for every decision had cost a quarter of re-checking the 10,000-rule book after
    one edit, its cones being up to 18 decisions deep."""

    def __init__(self, statute: StatuteModel, version: Version) -> None:
        # Weak: the parts remembered per process (``of``) must not keep old versions alive.
        self._statute, self._version = weakref.ref(statute), weakref.ref(version)
        self._decisions: dict[str, tuple] = {}
        self._tables: dict[str, tuple] = {}
        self._params: dict[str, tuple[str, str]] = {}
        self._signatures: dict[str, tuple[object, frozenset[str]]] = {}  # ``signature``, per decision

    @property
    def statute(self) -> StatuteModel:
        statute = self._statute()
        assert statute is not None, "ConeParts outlived its statute"
        return statute

    @property
    def version(self) -> Version:
        version = self._version()
        assert version is not None, "ConeParts outlived its version"
        return version

    @classmethod
    def of(cls, statute: StatuteModel, version: Version) -> ConeParts:
        """The version's parts, shared by the parts of the built-in checks one process runs
        (the versions are consolidated before the workers start, so they are the same objects)."""
        known = _CONE_PARTS.get(version)
        if known is not None and known._statute() is statute:
            return known
        return _CONE_PARTS.put(version, cls(statute, version))

    def _param(self, name: str) -> tuple[str, str]:
        found = self._params.get(name)
        if found is None:
            found = self._params[name] = (name, repr(self.version.parameters.get(name)))
        return found

    def decision(self, name: str) -> tuple:
        """(rule ids, params, tables, domains, reads) of the decision itself."""
        found = self._decisions.get(name)
        if found is None:
            rules = self.version.rules_of(name)
            found = self._decisions[name] = (tuple(map(id, rules)), *self._read_names(
                _own_reads(self.statute.decision_info(name), rules)))
        return found

    def signature(self, name: str) -> tuple[object, frozenset[str]]:
        """A number for the decision's cone in this version, equal for two cones (of any versions
        of the statute) exactly when each has the same decisions with the same own parts
        (``decision``); and the parameters its cone reads that have no value in the version.

        Merkle-style: a decision's number is that of its own part with the numbers of the
        decisions it reads, each computed once per version. The union of the parts of every
        decision in the cone, taken for each decision anew, was quadratic in the depth of a
        chain (a fifth of re-checking the 10,000-rule book after one edit). Equal numbers mean
        equal cones: the same own parts all the way down. The numbers are kept per statute
        (``_SIGNATURE_NUMBERS``), whose versions keep their rule objects (and so their ids) alive."""
        found = self._signatures.get(name)
        if found is not None:
            return found
        numbers = _SIGNATURE_NUMBERS.get(self.statute)
        if numbers is None:
            numbers = _SIGNATURE_NUMBERS.put(self.statute, {})
        parameters = self.version.parameters
        stack = [name]
        waiting: set[str] = set()  # on the path: expanded, waiting for the decisions they read
        while stack:  # children first, without recursion (chains may be thousands deep)
            current = stack[-1]
            if current in self._signatures:
                stack.pop()
                continue
            own_rules, own_params, own_tables, own_domains, reads = self.decision(current)
            pending = [other for other in reads if other not in self._signatures]
            if pending:
                if current in waiting or waiting.intersection(pending):  # a cycle: the checker refuses it
                    return self._signatures.setdefault(name, _flat_cone(self, name))
                waiting.add(current)
                stack.extend(pending)
                continue
            stack.pop()
            waiting.discard(current)
            children = tuple(sorted((other, self._signatures[other][0]) for other in reads))
            node = (current, own_rules, tuple(sorted(own_params)), tuple(sorted(own_tables)),
                    tuple(sorted(own_domains)), children)
            number = numbers.setdefault(node, len(numbers))
            missing = frozenset(param for param, _ in own_params if param not in parameters).union(
                *(self._signatures[other][1] for other in reads))
            self._signatures[current] = (number, missing)
        return self._signatures[name]

    def _table(self, name: str) -> tuple:
        """(params, tables, domains, reads) of a table's rows, the table itself among its tables."""
        found = self._tables.get(name)
        if found is None:
            table = self.version.table(name)  # with the rows amendments add (they read no tables)
            params, tables, domains, reads = self._read(list(table.bounds + table.values))
            found = self._tables[name] = (params, tables | {(name, id(table))}, domains, reads)
        return found

    def _read(self, nodes: list) -> tuple[set, set, set, set]:
        return self._read_names(ir.reads_of(nodes))

    def _read_names(self, read: ir.Reads) -> tuple[set, set, set, set]:
        """(params, tables, domains, reads) in this version of what ``read`` names: the
        parameters with their values, the tables (with those their rows read), the enum facts
        with their values."""
        params = {self._param(name) for name in read.params}
        tables: set[tuple[str, int]] = set()
        domains = {(name, self.version.enum_values(enum)) for name, enum in read.enum_facts}
        reads = set(read.decisions)
        for name in read.tables:
            table = self._table(name)
            params |= table[0]
            tables |= table[1]
            domains |= table[2]
            reads |= table[3]
        return params, tables, domains, reads


# Per decision object and its rule objects in a version, while they live: what they read. The
# same in every version with those rules, and in every load of a long-lived host that keeps
# them (``checker.RuleMemo``); the rules are held weakly (``PartsMemo``), so the rules an edit
# replaced go although the decision stays.
_OWN_READS: PartsMemo[ir.Reads] = PartsMemo()


def _own_reads(info, rules: tuple) -> ir.Reads:
    """What a decision's rules and default read, together."""
    known = _OWN_READS.get(info, rules)
    if known is None:
        known = _OWN_READS.put(info, rules, ir.reads_of(decision_expressions(info, rules)))
    return known


def _decision_cone(statute: StatuteModel, version: Version, decision: str,
                   parts: ConeParts | None = None) -> tuple[object, list[str]]:
    """The decision's signature in a version, what its meaning depends on (the rule objects of
    it and of every decision it reads, and the values of the parameters they read, also
    through tables), and the parameters it reads that have no value in the version.
    ``parts``: the version's ``ConeParts`` (default: the ones this process keeps for it).
    Two decisions (in two versions of one statute) have equal signatures exactly when their
    cones have the same decisions with the same rule objects, parameter values, table rows and
    enum values (``ConeParts.signature``)."""
    parts = parts if parts is not None else ConeParts.of(statute, version)
    number, missing = parts.signature(decision)
    return (decision, number), sorted(missing)


def _flat_cone(parts: ConeParts, decision: str) -> tuple[tuple, frozenset[str]]:
    """The signature of a cone as the union of its decisions' parts (what ``ConeParts.signature``
    numbers, for a cone with a cycle, which the checker refuses) and its parameters without a
    value."""
    seen: set[str] = set()
    pending = [decision]
    rules: list[int] = []
    params: set[tuple[str, str]] = set()
    tables: set[tuple[str, int]] = set()
    domains: set[tuple[str, tuple[str, ...]]] = set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        own_rules, own_params, own_tables, own_domains, reads = parts.decision(name)
        rules.extend(own_rules)
        params |= own_params
        tables |= own_tables
        domains |= own_domains
        pending.extend(reads)
    missing = frozenset(name for name, _ in params if name not in parts.version.parameters)
    return ("flat", decision, tuple(sorted(rules)), tuple(sorted(params)), tuple(sorted(tables)),
            tuple(sorted(domains))), missing


def _declared_rules(statute: StatuteModel) -> dict:
    """Every rule of the statute and of its amendments, by name, in the order declared."""
    rules = dict(statute.rules)
    for amendment in statute.amendments.values():
        for change in amendment.changes:
            if change.rule is not None:
                rules.setdefault(change.rule.name, change.rule)
    return rules


# Per statute, while it lives: its rules (and its amendments') that declare @expect. Every part
# of the built-in checks asks; picking them from all 10,000 rules of the book each time was a
# tenth of a watched re-check. The rules do not refer back to the statute.
_EXPECTING: IdentityMemo[dict] = IdentityMemo()


def _expecting_rules(statute: StatuteModel) -> dict:
    known = _EXPECTING.get(statute)
    if known is None:
        known = _EXPECTING.put(statute, {name: rule for name, rule in _declared_rules(statute).items() if rule.expect})
    return known


def _missing_expected_findings(statute: StatuteModel, found: list[Result], only, checked_rules: set[str],
                               covered: set[str]) -> list[Result]:
    """A rule that declares ``@expect(conflict)`` (etc.) whose finding no longer appears: the
    law changed under the declaration, and CI should say so. Only rules and decisions that
    were checked in some version count (``--date`` may leave an amendment's rules out)."""
    from lexproof.verifier.checks import CODES

    rules = {name: rule for name, rule in _expecting_rules(statute).items() if name in checked_rules}
    present = {(r.code, name) for r in found for name in r.details.get("rules", [])}
    present |= {(r.code, r.name) for r in found if r.kind == "gap"}
    results = []
    for decision in [*statute.decisions.values(), *statute.item_decisions.values()]:
        if decision.name in covered and "LP102" in decision.expect and "gap" in only and ("LP102", decision.name) not in present:
            results.append(Result(
                "gap", decision.name, "clean", decision.span, code="LP102", severity="error", expected="gap",
                statute=statute.name, message=f"decision {decision.name} declares @expect(gap), but it has no gap",
            ))
    for rule in rules.values():
        for kind, code in CODES.items():
            if code in rule.expect and kind in only and (code, rule.name) not in present:
                results.append(Result(
                    kind, rule.name, "clean", rule.span, code=code, severity="error", expected=kind,
                    statute=statute.name, articles=[],
                    message=f"rule {rule.name} declares @expect({kind}), but no {kind} involving it was found",
                ))
    return results


# --- query and diff -------------------------------------------------------------------------


def query(
    program: Program, text: str, *, statute: str | None = None, date: str | dt.date | None = None,
    amendment: str | None = None, max_cases: int = 1, timeout: float | None = None,
) -> Result:
    """Answer 'is there a case such that ...?' with cases or a proof that none exists."""
    facts_group, expr = parse_query(text)
    model = (statute_of_amendment(program, amendment) if amendment and not statute
             else pick_statute(program, statute, "<query>"))
    if facts_group is not None and facts_group not in model.groups:
        raise LexproofError(Diagnostic(expr.span, f"unknown facts group '{facts_group}' (known: {', '.join(model.groups)})"))
    from lexproof.dsl.diagnostics import DiagnosticSink

    sink = DiagnosticSink()
    try:
        condition: ir.Node = Lowerer(model, sink).lower_bool(expr, Scope(what="a query"))
    except TypeFailure:
        sink.raise_if_any()
        raise
    version = default_version(model, _date(date), amendment)
    from lexproof.dsl.growth import reads_problems

    problems = reads_problems(version, "the query", condition)  # what an amendment adds, where it is absent
    if problems:
        raise LexproofError(problems)
    result = run_query(model, condition, version, Budget.from_seconds(timeout), max_cases)
    result.name = " ".join(text.split())
    _name_article_statutes(program, [result])
    return result


def _diff_amendment(program: Program, amendment: str, statute: str | None, decisions: list[str] | None,
                    budget: Budget, jobs: int, cones: ConeCache | None = None,
                    progress: Progress | None = None, brief: bool = False,
                    memory: DiffMemory | None = None) -> list[Result]:
    """``diff --amendment A``: the decisions of A's statute that A changes, then those of every
    statute that reads A's statute (``uses``, directly or not), each in its own versions without
    and with A on A's in-force date. ``statute``: only that statute (A's or a reader)."""
    home = statute_of_amendment(program, amendment)
    info = home.amendments[amendment]
    models = [home, *readers_of(program.statutes, home.name)]
    if statute is not None:
        chosen = pick_statute(program, statute)
        if chosen not in models:
            raise LexproofError(Diagnostic(
                Span("<command line>", 1, 1, 1, 1),
                f"statute {chosen.name} does not read {home.name}, so amendment {amendment} changes nothing in it",
            ))
        models = [chosen]
    for name in decisions or []:  # each named decision is one of some statute compared
        if not any(name in _diffable(m) for m in models):
            _check_diff_decisions(models[0], [name], [])
    results: list[Result] = []
    for model in models:
        before = version_on(model, info.in_force, exclude=(amendment,))
        after = version_on(model, info.in_force, include=(amendment,))
        mine = [name for name in decisions if name in _diffable(model)] if decisions else None
        if decisions and not mine:
            continue
        _check_diff_decisions(model, mine or [], [before, after])
        results += diff_versions(model, before, after, budget, mine, jobs=jobs, cones=cones, progress=progress,
                                 brief=brief, memory=memory)
    _name_article_statutes(program, results)
    return results


def _diffable(model: StatuteModel) -> list[str]:
    """The decisions a diff of the statute can compare: its own, and its decisions per item
    (compared item by item, verifier/diff.py)."""
    return own_decisions(model) + list(model.item_decisions)


def _check_diff_decisions(model: StatuteModel, decisions: list[str], versions: list[Version]) -> None:
    """Each decision named for a diff exists, and in both versions."""
    for name in decisions:
        if name in model.item_decisions:
            continue  # declared by the statute, in every version (amendments do not add them)
        if name not in model.decisions:
            raise LexproofError(Diagnostic(Span("<command line>", 1, 1, 1, 1), f"unknown decision '{name}'"))
        lacking = [v.label for v in versions if not v.has_decision(name)]
        if lacking:  # an amendment adds it: there is nothing to compare it with
            raise LexproofError(Diagnostic(
                Span("<command line>", 1, 1, 1, 1),
                f"decision '{name}' does not exist in {lacking[0]} (amendment "
                f"{model.decisions[name].origin} adds it); a diff compares decisions both versions have",
            ))


def diff(
    program: Program, *, amendment: str | None = None, from_date: str | dt.date | None = None,
    to_date: str | dt.date | None = None, statute: str | None = None, decisions: list[str] | None = None,
    timeout: float | None = None, jobs: int = 1, cache: ResultCache | None = None, progress: Progress | None = None,
    brief: bool = False, memory: DiffMemory | None = None,
) -> list[Result]:
    """What changes: between the versions without and with an amendment (on its in-force
    date), or between two dates. With ``jobs > 1`` the decisions are compared on that many
    processes (verifier/workers.py); the results are the same, in the same order. With a
    ``cache``, each decision's result is reused while its cone in both versions is unchanged
    (``diff.diff_key``, the trust rules of verifier/cone_cache.py). ``progress`` is told of
    each decision the solver compares. ``brief``: per decision only whether anyone gains,
    loses or changes otherwise, with one example each, not the groups (verifier/diff.py).
    ``memory``: what a watching diff kept from its last run (``DiffMemory``; with a ``cache``,
    for the human report only: a result it recalls has no witnesses, its text is kept there)."""
    budget = Budget.from_seconds(timeout)
    cones = ConeCache(cache) if cache is not None else None
    if memory is not None:
        memory.begin()
    if amendment is not None:
        results = _diff_amendment(program, amendment, statute, decisions, budget, jobs, cones, progress, brief, memory)
    else:
        if from_date is None or to_date is None:
            raise LexproofError(Diagnostic(Span("<command line>", 1, 1, 1, 1), "give --amendment, or both --from and --to"))
        model = pick_statute(program, statute)
        before, after = version_on(model, _date(from_date)), version_on(model, _date(to_date))
        _check_diff_decisions(model, decisions or [], [before, after])
        results = diff_versions(model, before, after, budget, decisions, jobs=jobs, cones=cones, progress=progress,
                                brief=brief, memory=memory)
        _name_article_statutes(program, results)
    if memory is not None:
        memory.end()  # one run, whole: a statute read by the amended one is part of it
    return results


# --- populations and impact (verifier/impact.py, verifier/population.py) ---------------------


def impact(
    program: Program, population: str | Path, *, amendment: str | None = None, from_date: str | dt.date | None = None,
    to_date: str | dt.date | None = None, statute: str | None = None, decisions: list[str] | None = None,
    by: list[str] | None = None, engine: str = "duckdb", mapping: dict[str, str] | None = None, progress=None,
):
    """Who gains, who loses and what it costs: the two versions ``diff`` compares, run over a
    population (Parquet/CSV file or folder) on an SQL engine. Returns an ``ImpactReport``."""
    from lexproof.verifier.impact import facts_read, make_engine, run_impact

    command_line = Span("<command line>", 1, 1, 1, 1)
    if amendment is not None:
        model = statute_of_amendment(program, amendment)
        info = model.amendments[amendment]
        before = version_on(model, info.in_force, exclude=(amendment,))
        after = version_on(model, info.in_force, include=(amendment,))
    else:
        if from_date is None or to_date is None:
            raise LexproofError(Diagnostic(command_line, "give --amendment, or both --from and --to"))
        model = pick_statute(program, statute)
        before, after = version_on(model, _date(from_date)), version_on(model, _date(to_date))
    names = decisions or [d for d in model.decisions if before.has_decision(d) and after.has_decision(d)]
    for name in names:
        if name not in model.decisions or not (before.has_decision(name) and after.has_decision(name)):
            raise LexproofError(Diagnostic(command_line, f"unknown decision '{name}' (or not in both versions)"))
    from lexproof.verifier.impact import DECILE_SUFFIX, by_fact

    for name in by or []:
        fact = model.facts.get(by_fact(name))
        if fact is None:
            raise LexproofError(Diagnostic(command_line, f"--by {name}: {model.name} has no fact '{by_fact(name)}'"))
        if name.endswith(DECILE_SUFFIX) and not (fact.type.is_numeric or fact.type.kind == "date"):
            raise LexproofError(Diagnostic(command_line, f"--by {name}: deciles need a number or date fact, "
                                                         f"and {fact.name} is {fact.type}"))
    facts = list(dict.fromkeys(facts_read(before, names) + facts_read(after, names)))
    enum_values = {enum: tuple(dict.fromkeys(before.enum_values(enum) + after.enum_values(enum))) for enum in model.enums}
    runner = make_engine(engine)
    report = runner.load(population, model, facts, mapping, [by_fact(name) for name in by or []], enum_values)
    return run_impact(runner, model, before, after, names, list(by or []), report, progress)


def generate_population(program: Program, *, rows: int, seed: int, out: str | Path, statute: str | None = None,
                        distributions: str | Path | None = None) -> None:
    """A synthetic population of ``rows`` cases from the statute's facts, deterministic for a
    seed; ``distributions``: a TOML file of per-fact distributions (verifier/distributions.py)."""
    from lexproof.verifier.distributions import load_distributions
    from lexproof.verifier.population import write_population
    from lexproof.verifier.sql_engine import connect

    model = pick_statute(program, statute)
    config = load_distributions(distributions, model) if distributions is not None else None
    write_population(connect(), model, rows, seed, out, config)


# --- results as data (for results computed in another process) -------------------------------


def result_to_data(result: Result) -> dict:
    """A result as JSON-safe data, to send from a worker process (the workbench's jobs) or to
    store; :func:`result_from_data` reads it back."""
    from lexproof.verifier.cache import result_to_data as to_data

    return to_data(result)


def result_from_data(program: Program, data: dict, versions: dict | None = None) -> Result:
    """A result from :func:`result_to_data`, its witnesses re-evaluated in ``program`` (as
    ``check -j`` does with its workers' results). Raises ValueError when the statute changed
    so that a witness's version no longer exists as it was."""
    from lexproof.verifier.cache import result_from_data as from_data

    statute = program.statutes.get(data.get("statute") or "")
    if statute is None:
        raise ValueError(f"statute {data.get('statute')!r} is no longer loaded")
    return from_data(statute, data, versions)


def check_work(program: Program, *, date: str | dt.date | None = None,
               timeout: float | None = None) -> list[Task]:
    """``check``'s work (no cache) as tasks to run one by one, in report order: what a caller
    that shows progress or may stop between two tasks runs (the workbench). Their results,
    concatenated, are the results of :func:`check`; for a statute of more than
    ``DECISIONS_PER_PART`` decisions its built-in findings come part by part."""
    day = _date(date)
    budget = Budget.from_seconds(timeout)
    return [task for statute in program.statutes.values()
            for _statute, task in check_tasks(statute, day, budget, True, ALL_CHECKS, True, True, None)]


def case_paths(source: str, text: str) -> dict[tuple, Span]:
    """Where each value of a case file's text is, by its path (``("kind", 1, "uren")``): to put
    a diagnostic about a case back at the field it is about (the workbench's form)."""
    from lexproof.verifier.casefile import path_positions

    return path_positions(source, text)


def impact_view(report) -> dict:
    """What a page shows of an impact report (``impact``), as plain data: the JSON of
    ``impact --format json`` (``json``), the lines of the human output (``text``) and the
    charts of ``impact --plot FILE.svg`` (``svg``)."""
    from lexproof.verifier.impact import human_lines, to_json_payload
    from lexproof.verifier.impact_plot import svg_text

    return {"json": to_json_payload(report), "text": human_lines(report), "svg": svg_text(report.runner, report)}
