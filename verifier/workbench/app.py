"""The workbench web application (``lexproof serve``): Starlette, server-rendered HTML.

Why Starlette: a small, well-kept ASGI toolkit (the base of FastAPI) with a test client, static
files from a package folder and a thread pool for blocking work, served by uvicorn; the pages
are Jinja2 templates with autoescape on. Forms use GET: every page is a bookmarkable URL, and
no form-parsing dependency is needed.

Safety: the statute folder given on the command line is loaded through the API (``api.load``,
with the loader's import confinement) on every request, so a drafter's edits show at once and
nothing else is read. Solver calls (query, diff, check) run in the thread pool, off the event
loop, with the CLI's budget; each builds its own z3 context, so users do not block each other.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from dsl.diagnostics import Diagnostic, LexproofError
from dsl.model import Program, StatuteModel
from dsl.source import SOURCES, Span, visible
from dsl.values import format_value, parse_iso_date
from verifier import api
from verifier.results import cite
from verifier.solving import timeout_problem
from verifier.workbench import plot, views
from verifier.workbench.jobs import Jobs
from verifier.workbench.texts import LANGUAGES, language, localize, t

HERE = Path(__file__).parent
FORM = "case"  # the name diagnostics give the case of the form (as a case file's path)
_FORM_LOCK = threading.Lock()

ENVIRONMENT = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                          trim_blocks=True, lstrip_blocks=True)
ENVIRONMENT.filters["plain"] = views.plain


def render(template: str, lang: str, **context: object) -> str:
    """A page (or the report) in ``lang``; every value from a statute is escaped by Jinja2."""
    return ENVIRONMENT.get_template(template).render(t=lambda key: t(key, lang), lang=lang,
                                                     num=lambda value: localize(views.plain(value), lang), **context)


class Workbench:
    """The statute folder the server was given and the solver budget of its calls."""

    def __init__(self, paths: list[str], timeout: float | None = None) -> None:
        self.paths = paths
        self.timeout = timeout

    def load(self) -> Program:
        return api.load(*self.paths)


def _bad(message: str, where: str = "<form>") -> LexproofError:
    return LexproofError(Diagnostic(Span(where, 1, 1, 1, 1), message))


def _date(text: str | None, what: str) -> dt.date | None:
    if not text:
        return None
    try:
        return parse_iso_date(text)
    except ValueError:
        raise _bad(f"{what} expects a date YYYY-MM-DD, got '{text}'") from None


def _statute(program: Program, name: str | None) -> StatuteModel:
    """The statute a page is about: the one named, else the first loaded (none: bad input)."""
    if name and name in program.statutes:
        return program.statutes[name]
    if not program.statutes:
        return api.pick_statute(program, None)  # raises: "no statute is loaded (only amendments?)"
    return api.reading_statute(program) or next(iter(program.statutes.values()))


def create_app(paths: list[str], timeout: float | None = None) -> Starlette:
    """The application for the statute files or folders in ``paths``."""
    bench = Workbench(paths, timeout)
    jobs = Jobs()

    def page(handler: Callable) -> Callable:
        """Common frame: the language, the program loaded afresh, load errors and bad input
        shown on the page as the CLI's positioned diagnostics (status 400/422, never a traceback)."""

        async def endpoint(request: Request) -> Response:
            lang = language(request.query_params.get("lang"))
            params = dict(request.query_params)
            other = "en" if lang == "nl" else "nl"
            common = {"path": request.url.path, "params": params,
                      "switch_url": request.url.path + "?" + urlencode({**params, "lang": other}),
                      "query": lambda **extra: urlencode({"lang": lang, **extra}), "languages": LANGUAGES}
            try:
                program = await run_in_threadpool(bench.load)
            except LexproofError as error:
                body = render("load_error.html", lang, problems=views.problems(error.diagnostics), **common)
                return HTMLResponse(body, status_code=422)
            try:
                context = await handler(request, program, lang, params)
            except LexproofError as error:
                context = {"errors": views.problems(error.diagnostics)}
            except RecursionError:
                context = {"errors": [views.Problem("", "", "error: the input is nested too deeply to process")]}
            except Exception as error:  # noqa: BLE001 - a lexproof bug: say so on the page, as the CLI does (exit 4)
                problem = views.Problem("", "", visible(f"internal error: {type(error).__name__}: {error} (please report)"))
                body = render("load_error.html", lang, problems=[problem], **common)
                return HTMLResponse(body, status_code=500)
            if isinstance(context, Response):
                return context
            template = context.pop("template", handler.__name__ + ".html")
            statutes = list(program.statutes.values())
            body = render(template, lang, program=program, statutes=statutes, **common, **context)
            return HTMLResponse(body, status_code=400 if context.get("errors") else 200)

        return endpoint

    async def statute(request: Request, program: Program, lang: str, params: dict) -> dict:
        reader = api.reading_statute(program)  # the statute that reads the others first (the WSF, then the WEB)
        ordered = sorted(program.statutes.values(), key=lambda s: s is not reader)
        return {"views": [(s, views.articles(s), views.timeline(s)) for s in ordered]}

    async def case(request: Request, program: Program, lang: str, params: dict) -> dict:
        model = _statute(program, params.get("statute"))
        context: dict = {"statute": model, "fields": views.form_fields(model, params), "amendments": list(model.amendments),
                         "date": params.get("date") or dt.date.today().isoformat(), "amendment": params.get("amendment", "")}
        if "run" in params:
            context.update(await run_in_threadpool(_evaluate, program, model, params))
        return context

    async def ask(request: Request, program: Program, lang: str, params: dict) -> dict:
        model = _statute(program, params.get("statute"))
        context: dict = {"statute": model, "amendments": list(model.amendments), "q": params.get("q", ""),
                         "date": params.get("date") or dt.date.today().isoformat(), "amendment": params.get("amendment", ""),
                         "max": params.get("max", "1")}
        if params.get("q"):
            try:
                context["result"] = await run_in_threadpool(_query, program, model, params, bench.timeout)
            except LexproofError as error:
                context["errors"] = views.problems(error.diagnostics)
        return context

    async def check(request: Request, program: Program, lang: str, params: dict) -> dict | Response:
        """Start a check as a job (``run``), or show a job: its progress while it runs (the page
        reloads itself, without script), a cancel button, and its results when done."""
        if "run" in params:
            job = jobs.start_check(program, bench.timeout)
            return RedirectResponse(f"/check?{urlencode({'lang': lang, 'job': job.id})}", status_code=303)
        if "job" not in params:
            return {}
        job = jobs.get(params["job"])
        if job is None:
            raise _bad(f"no check job '{params['job']}' (jobs are kept while the server runs)")
        if "cancel" in params and job.state == "running":
            job.cancel_requested.set()
        context: dict = {"job": job}
        if job.state == "done":
            context.update(check_context(program, job.results))
        elif job.state == "failed" and job.error is not None:
            context["errors"] = views.problems(job.error.diagnostics)
        return context

    async def diff(request: Request, program: Program, lang: str, params: dict) -> dict:
        amendments = [a for s in program.statutes.values() for a in s.amendments]
        name = params.get("amendment") or ""
        context: dict = {"amendments": amendments, "amendment": name}
        if not name:
            return context
        model = api.statute_of_amendment(program, name)
        results = await run_in_threadpool(lambda: api.diff(program, amendment=name, timeout=bench.timeout))
        numeric = views.numeric_facts(model)
        decisions = [d for d in model.decisions if d in {r.name for r in results}]
        context.update(statute=model, results=results, numeric=numeric, decisions=decisions,
                       witness=lambda data: views.case_text(model, views.case_from_json(model, data)),
                       witness_params=lambda data: {k: views.plain(v) for k, v in (data or {}).items() if k in model.facts},
                       fields=views.form_fields(model, params),
                       fact=params.get("fact") or (numeric[0] if numeric else ""),
                       decision=params.get("decision") or next((r.name for r in results if r.status == "changed"), ""))
        if context["fact"] and context["decision"]:
            try:
                context["plot"] = await run_in_threadpool(_plot, program, model, name, context, params, lang)
            except LexproofError as error:
                context["errors"] = views.problems(error.diagnostics)
        return context

    routes = [Route("/", page(statute)), Route("/case", page(case)), Route("/ask", page(ask)),
              Route("/check", page(check)), Route("/diff", page(diff)),
              Mount("/static", StaticFiles(directory=HERE / "static"), name="static")]
    return Starlette(routes=routes)


def _evaluate(program: Program, model: StatuteModel, params: dict) -> dict:
    """The outcome of the case in the form, each decision with its trace and articles; or the
    problems of the case (``errors``, and ``field_errors`` by fact)."""
    raw = views.case_from_form(model, params)
    # The case as the JSON a case file would hold, so that every problem is reported as the
    # CLI reports it for `lexproof eval --case`: at the key's line, with the line and a caret.
    # The quoted line comes from the shared source table: add, evaluate and render under one
    # lock, so that two users' forms never quote each other's lines.
    text = json.dumps(raw, indent=2, ensure_ascii=False)
    with _FORM_LOCK:
        SOURCES.add(FORM, text)
        try:
            result = api.evaluate(program, raw, statute=model.name, date=_date(params.get("date"), "the date"),
                                  amendment=params.get("amendment") or None, source=FORM, text=text)
        except LexproofError as error:
            return {"errors": views.problems(error.diagnostics),
                    "field_errors": views.field_errors(model, error.diagnostics)}
    rows = []
    for name, outcome in result.outcomes.items():
        type_ = model.decisions[name].type
        rows.append({"name": name, "value": format_value(outcome.value, type_) if outcome.defined else outcome.status,
                     "status": outcome.status, "reason": outcome.reason,
                     "articles": [(cite(model, r.citation), views.anchor(model, r.citation)) for r in outcome.deciding],
                     "trace": [{"rule": tr.rule.name, "status": tr.status, "failed": tr.failed_condition,
                                "overridden_by": list(tr.overridden_by), "article": cite(model, tr.rule.citation),
                                "key": views.anchor(model, tr.rule.citation)} for tr in outcome.rules]})
    return {"result": {"version": result.version.label, "rows": rows, "defaulted": list(result.defaulted)}}


def _query(program: Program, model: StatuteModel, params: dict, timeout: float | None) -> object:
    try:
        count = int(params.get("max") or 1)
    except ValueError:
        raise _bad(f"the number of cases must be a whole number, got '{params.get('max')}'") from None
    if not 1 <= count <= 100:
        raise _bad("the number of cases is 1 to 100")
    result = api.query(program, params["q"], statute=model.name, date=_date(params.get("date"), "the date"),
                       amendment=params.get("amendment") or None, max_cases=count, timeout=timeout)
    return {"status": result.status, "message": result.message, "articles": result.articles,
            "cases": [{"case": views.case_text(model, values)} for w in result.witnesses for values in w.facts.values()],
            "text": views.result_text(result, program)}


def _plot(program: Program, model: StatuteModel, amendment: str, context: dict, params: dict, lang: str) -> str:
    fact, decision = context["fact"], context["decision"]
    if fact not in model.facts or model.facts[fact].type.kind not in ("int", "money", "number", "rate"):
        raise _bad(f"'{fact}' is not a numeric fact of {model.name}")
    if decision not in model.decisions:
        raise _bad(f"'{decision}' is not a decision of {model.name}")
    case = {f.name: f.value for f in context["fields"] if f.value != ""}
    info = model.facts[fact]
    around = Fraction(str(case.get(fact) or 0)) if str(case.get(fact) or "0").replace(".", "", 1).isdigit() else Fraction(0)
    low, high = plot.default_range(info.low, info.high, around)
    xs, series = plot.outcome_series(program, amendment, decision, fact, case, low, high)
    for line in series:
        word, _, label = line.label.partition(": ")
        line.label = f"{t('diff.' + word, lang)}: {label}"
    return plot.svg(xs, series, fact, decision, t("plot.undefined", lang), model.decisions[decision].type.kind == "bool")


def check_context(program: Program, results: list) -> dict:
    """The check results grouped by article, with each one's CLI explanation."""
    from verifier.results import exit_code

    groups = [(label, [(r, views.result_text(r, program)) for r in items]) for label, items in views.by_article(results)]
    return {"groups": groups, "total": len(results), "attention": sum(not r.as_expected for r in results),
            "exit_code": exit_code(results)}


def check_report(program: Program, results: list, lang: str = "nl") -> str:
    """``lexproof check --format html``: the Check page as one self-contained file (the
    stylesheet inlined; no script, no link to anything but wetten.overheid.nl)."""
    css = (HERE / "static" / "workbench.css").read_text(encoding="utf-8")
    return render("report.html", lang, css=css, program=program, **check_context(program, results))


def budget_problem(seconds: float | None) -> str | None:
    return None if seconds is None else timeout_problem(seconds)


def error_report(diagnostics: list[Diagnostic], lang: str = "nl") -> str:
    """The HTML report of a run that stopped at bad input: the diagnostics, as on the page."""
    css = (HERE / "static" / "workbench.css").read_text(encoding="utf-8")
    return render("report.html", lang, css=css, program=None, load_errors=views.problems(diagnostics),
                  groups=[], total=0, attention=len(diagnostics), exit_code=2)
