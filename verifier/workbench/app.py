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
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from lexproof.dsl.diagnostics import Diagnostic, LexproofError
from lexproof.dsl.model import Program, StatuteModel
from lexproof.dsl.source import SOURCES, Span, visible
from lexproof.dsl.values import format_value, parse_iso_date
from lexproof.verifier import api
from lexproof.verifier.results import cite
from lexproof.verifier.workbench import plot, views
from lexproof.verifier.workbench.jobs import Job, Jobs
from lexproof.verifier.workbench.texts import LANGUAGES, language, localize, t

HERE = Path(__file__).parent
FORM = "case"  # the name diagnostics give the case of the form (as a case file's path)
_FORM_LOCK = threading.Lock()
MAX_CASES = 100  # "at most this many cases" of a question

ENVIRONMENT = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                          trim_blocks=True, lstrip_blocks=True)
ENVIRONMENT.filters["plain"] = views.plain


def render(template: str, lang: str, **context: object) -> str:
    """A page (or the report) in ``lang``; every value from a statute is escaped by Jinja2."""
    from lexproof.verifier.messages import engine_text, status_text

    # msg and status: an engine message ("rules a and b both apply ...") and a status word in
    # ``lang``, as `lexproof check --lang nl` writes them (the results keep them in English).
    return ENVIRONMENT.get_template(template).render(t=lambda key: t(key, lang), lang=lang,
                                                     num=lambda value: localize(views.plain(value), lang),
                                                     msg=lambda text: engine_text(text, lang),
                                                     status=lambda word: status_text(word, lang), **context)


class Workbench:
    """The statute folder the server was given and the solver budget of its calls."""

    def __init__(self, paths: list[str], timeout: float | None = None, population: str | None = None) -> None:
        self.paths = paths
        self.timeout = timeout
        self.population = population  # given on the command line; never a path from a page

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


def create_app(paths: list[str], timeout: float | None = None, max_running: int | None = None,
               population: str | None = None) -> Starlette:
    """The application for the statute files or folders in ``paths``; at most ``max_running``
    solver jobs at once (default: the cores), each in its own process; ``population``: a
    Parquet or CSV file or folder for the impact charts of What changes."""
    bench = Workbench(paths, timeout, population)
    jobs = Jobs(paths, max_running)

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
        if lang == "nl":  # 1.409,00 is one thousand four hundred and nine
            params = views.read_dutch(model, params)
        context: dict = {"statute": model, "fields": views.shown(views.form_fields(model, params), lang),
                         "amendments": list(model.amendments), "item_groups": views.item_groups(model, params, lang),
                         "date": params.get("date") or dt.date.today().isoformat(), "amendment": params.get("amendment", "")}
        if "run" in params and not ("add" in params or "remove" in params):  # adding a row is not asking
            context.update(await run_in_threadpool(_evaluate, program, model, params))
        return context

    def job_for(kind: str, args: dict, params: dict) -> Job | None:
        """The job the page names (``job``), when it is one for these very arguments."""
        job = jobs.get(params.get("job", ""))
        return job.snapshot() if job is not None and job.kind == kind and job.args == args else None

    def started(path: str, job: Job, params: dict) -> RedirectResponse:
        """The page of a job just started: the same page with its id (bookmarkable, reloadable)."""
        keep = {k: v for k, v in params.items() if k not in ("run", "job")}
        return RedirectResponse(f"{path}?{urlencode({**keep, 'job': job.id})}", status_code=303)

    async def ask(request: Request, program: Program, lang: str, params: dict) -> dict | Response:
        """A question runs as a job (its own process: it can be cancelled); the page shows its
        progress, then the cases, "no case" with why not, or "undecided"."""
        model = _statute(program, params.get("statute"))
        context: dict = {"statute": model, "amendments": list(model.amendments), "q": params.get("q", ""),
                         "date": params.get("date") or dt.date.today().isoformat(), "amendment": params.get("amendment", ""),
                         "max": params.get("max", "1"), "names": views.names(model), "max_cases": MAX_CASES}
        if not params.get("q"):
            return context
        args = _query_args(model, params)
        job = job_for("query", args, params)
        if job is None:
            return started("/ask", jobs.start("query", args, bench.timeout), params)
        context["job"] = job
        if job.state == "done":
            context["result"] = await run_in_threadpool(_query_answer, program, model, job, lang)
        elif job.state == "failed":
            context["errors"] = job_problems(job)
        return context

    async def check(request: Request, program: Program, lang: str, params: dict) -> dict | Response:
        """Start a check as a job (``run``), or show a job: its progress while it runs (the page
        reloads itself, without script), a cancel button, and its results when done."""
        if "run" in params:
            return started("/check", jobs.start("check", {}, bench.timeout), params)
        if "job" not in params:
            return {}
        job = jobs.get(params["job"])
        if job is None or job.kind != "check":
            raise _bad(f"no check job '{params['job']}' (jobs are kept while the server runs)")
        job = job.snapshot()
        context: dict = {"job": job}
        if job.state == "done":
            context.update(check_context(program, await run_in_threadpool(_job_results, job, program), lang))
        elif job.state == "failed":
            context["errors"] = job_problems(job)
        return context

    async def diff(request: Request, program: Program, lang: str, params: dict) -> dict | Response:
        amendments = [a for s in program.statutes.values() for a in s.amendments]
        name = params.get("amendment") or ""
        context: dict = {"amendments": amendments, "amendment": name, "population": bench.population}
        if not name:
            return context
        model = api.statute_of_amendment(program, name)
        if lang == "nl":
            params = views.read_dutch(model, params)
        job = job_for("diff", {"amendment": name}, params)
        if job is None:
            return started("/diff", jobs.start("diff", {"amendment": name}, bench.timeout), params)
        context["job"] = job
        if job.state == "failed":
            context["errors"] = job_problems(job)
        if job.state != "done":
            return context
        results = await run_in_threadpool(_job_results, job, program)
        numeric = views.numeric_facts(model)
        decisions = [d for d in model.decisions if d in {r.name for r in results}]
        context.update(statute=model, results=results, numeric=numeric, decisions=decisions,
                       witness=lambda data: views.case_text(model, views.case_from_json(model, data)),
                       witness_params=lambda data: {k: views.plain(v) for k, v in (data or {}).items() if k in model.facts},
                       fields=views.shown(views.form_fields(model, params), lang),
                       fact=params.get("fact") or (numeric[0] if numeric else ""),
                       decision=params.get("decision") or next((r.name for r in results if r.status == "changed"), ""))
        if context["fact"] and context["decision"]:
            try:
                context["plot"] = await run_in_threadpool(_plot, program, model, name, context, params, lang)
            except LexproofError as error:
                context["errors"] = views.problems(error.diagnostics)
        return context

    async def impact(request: Request, program: Program, lang: str, params: dict) -> dict | Response:
        """What an amendment does to the population given with ``--population``: the counts of
        ``lexproof impact`` per decision (and per group), and its charts; a job like a diff."""
        amendments = [a for s in program.statutes.values() for a in s.amendments]
        name = params.get("amendment") or ""
        context: dict = {"amendments": amendments, "amendment": name, "population": bench.population,
                         "by": params.get("by", ""), "by_choices": []}
        if not name or not bench.population:
            return context
        model = api.statute_of_amendment(program, name)
        context["by_choices"] = views.by_choices(model)
        if context["by"] and context["by"] not in context["by_choices"]:
            raise _bad(f"'{context['by']}' is not a fact of {model.name} to group by")
        args = {"amendment": name, "population": bench.population, "by": [context["by"]] if context["by"] else []}
        job = job_for("impact", args, params)
        if job is None:
            return started("/impact", jobs.start("impact", args, bench.timeout), params)
        context["job"] = job
        if job.state == "failed":
            context["errors"] = job_problems(job)
        elif job.state == "done" and job.view is not None:
            context["view"] = job.view
            context["totals"] = {d["decision"]: _impact_totals(d) for d in job.view["json"]["decisions"]}
        return context

    async def cancel(request: Request) -> Response:
        """Cancel a job (POST: it changes something) and go back to its page. The worker
        process is killed; the page then says the job was cancelled, with no results."""
        job = jobs.get(request.path_params["job"])
        if job is None:
            return Response("no such job\n", status_code=404, media_type="text/plain")
        await run_in_threadpool(job.cancel)
        back = request.query_params.get("back", "")
        if not back.startswith("/") or back.startswith("//"):  # only a page of this server
            back = "/"
        return RedirectResponse(back, status_code=303)

    async def status(request: Request) -> Response:
        """A job's state and progress as JSON (``GET /jobs/ID``), for scripts and the page's script."""
        job = jobs.get(request.path_params["job"])
        if job is None:
            return JSONResponse({"error": "no such job"}, status_code=404)
        return JSONResponse(job.status())

    routes = [Route("/", page(statute)), Route("/case", page(case)), Route("/ask", page(ask)),
              Route("/check", page(check)), Route("/diff", page(diff)), Route("/impact", page(impact)),
              Route("/jobs/{job}", status), Route("/jobs/{job}/cancel", cancel, methods=["POST"]),
              Mount("/static", StaticFiles(directory=HERE / "static"), name="static")]
    app = Starlette(routes=routes)
    app.state.jobs = jobs  # for tests and tools: the jobs of this server
    return app


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
                    "field_errors": views.field_errors(model, error.diagnostics, api.case_paths(FORM, text))}
    rows = []
    for name, outcome in result.outcomes.items():
        type_ = model.decisions[name].type
        rows.append({"name": name, "value": format_value(outcome.value, type_) if outcome.defined else outcome.status,
                     "defined": outcome.defined, "status": outcome.status, "reason": outcome.reason,
                     "articles": [(cite(model, r.citation), views.anchor(model, r.citation)) for r in outcome.deciding],
                     "trace": [{"rule": tr.rule.name, "status": tr.status, "failed": tr.failed_condition,
                                "overridden_by": list(tr.overridden_by), "article": cite(model, tr.rule.citation),
                                "key": views.anchor(model, tr.rule.citation)} for tr in outcome.rules]})
    return {"result": {"version": result.version.label, "rows": rows, "defaulted": list(result.defaulted),
                       "items": _item_outcomes(model, result)}}


def _item_outcomes(model: StatuteModel, result: api.EvaluationResult) -> list[dict]:
    """The decisions per item (``per kind``), item by item as the CLI labels them (kind[1])."""
    if not model.item_decisions:
        return []
    rows = []
    for label, decisions in result.to_json().get("items", {}).items():
        for name, outcome in decisions.items():
            rows.append({"item": label, "name": name, "status": outcome["status"], "articles": outcome.get("articles", []),
                         "value": _item_value(model, name, outcome)})
    return rows


def _item_value(model: StatuteModel, name: str, outcome: dict) -> str:
    """An item decision's value as the CLI writes values (its JSON form read back)."""
    from lexproof.dsl.values import parse_value

    if outcome.get("value") is None:
        return outcome["status"]
    type_ = model.item_decisions[name].type
    try:
        return format_value(parse_value(outcome["value"], type_, model.enums.get(type_.enum or "", ())), type_)
    except ValueError:
        return str(outcome["value"])


def _query_args(model: StatuteModel, params: dict) -> dict:
    """The arguments of ``api.query`` from the form, checked here (bad input at once, before
    a worker is started)."""
    try:
        count = int(params.get("max") or 1)
    except ValueError:
        raise _bad(f"the number of cases must be a whole number, got '{params.get('max')}'") from None
    if not 1 <= count <= MAX_CASES:
        raise _bad(f"the number of cases is 1 to {MAX_CASES}")
    day = _date(params.get("date"), "the date")
    return {"q": params["q"], "statute": model.name, "date": day.isoformat() if day else None,
            "amendment": params.get("amendment") or None, "max": count}


def _query_answer(program: Program, model: StatuteModel, job: Job, lang: str) -> dict:
    """What the Ask page shows of a finished query: the cases, or why there is none."""
    result = _job_results(job, program)[0]
    return {"status": result.status, "message": result.message, "articles": result.articles,
            "ruled_out_by": list(result.details.get("ruled_out_by", [])),
            "complete": result.details.get("complete", True) is not False,
            "cases": [{"case": views.case_text(model, values)} for w in result.witnesses for values in w.facts.values()],
            "text": views.result_text(result, lang)}


def _job_results(job: Job, program: Program) -> list:
    """A finished job's results in the program as loaded now; bad input when the statute
    changed under the job so that its cases no longer read the same (run it again)."""
    try:
        return job.results(program)
    except (ValueError, KeyError) as error:
        raise _bad(f"the statute changed while this ran ({error}); run it again") from None


def _impact_totals(decision: dict) -> str:
    """A decision's total before and after over the population, as the CLI writes money."""
    from decimal import Decimal

    if decision.get("total_before") is None or decision.get("total_after") is None:
        return ""
    if decision["type"] == "money":
        before, after = (f"€{Decimal(decision[key]):,.2f}" for key in ("total_before", "total_after"))
    else:
        before, after = decision["total_before"], decision["total_after"]
    return f"{before} → {after}"


def job_problems(job: Job) -> list[views.Problem]:
    """A failed job's diagnostics (bad input found in the worker) or its internal error."""
    if job.internal:
        return [views.Problem("", "", visible(job.internal))]
    return [views.Problem(where, visible(message), rendered) for where, message, rendered in job.problems]


def _plot(program: Program, model: StatuteModel, amendment: str, context: dict, params: dict, lang: str) -> str:
    fact, decision = context["fact"], context["decision"]
    if fact not in model.facts or model.facts[fact].type.kind not in ("int", "money", "number", "rate"):
        raise _bad(f"'{fact}' is not a numeric fact of {model.name}")
    if decision not in model.decisions:
        raise _bad(f"'{decision}' is not a decision of {model.name}")
    case = {f.name: views.from_dutch(f.value) if lang == "nl" else f.value for f in context["fields"] if f.value != ""}
    info = model.facts[fact]
    around = Fraction(str(case.get(fact) or 0)) if str(case.get(fact) or "0").replace(".", "", 1).isdigit() else Fraction(0)
    low, high = plot.default_range(info.low, info.high, around)
    xs, series = plot.outcome_series(program, amendment, decision, fact, case, low, high)
    for line in series:
        word, _, label = line.label.partition(": ")
        line.label = f"{t('diff.' + word, lang)}: {label}"
    return plot.svg(xs, series, fact, decision, t("plot.undefined", lang), model.decisions[decision].type.kind == "bool")


def check_context(program: Program, results: list, lang: str = "en", links: bool = True) -> dict:
    """The check results grouped by article, with each one's CLI explanation and the rules it
    involves (``links``: to their place on the statute page; the self-contained report has no
    statute page, so there they are names only)."""
    from lexproof.verifier.results import exit_code

    def rules(result) -> list[tuple[str, str | None]]:
        found = views.rule_links(program, result, lang)
        return found if links else [(name, None) for name, _href in found]

    groups = [(label, [(r, views.result_text(r, lang), rules(r)) for r in items])
              for label, items in views.by_article(results)]
    return {"groups": groups, "total": len(results), "attention": sum(not r.as_expected for r in results),
            "exit_code": exit_code(results)}


def check_report(program: Program, results: list, lang: str = "nl") -> str:
    """``lexproof check --format html``: the Check page as one self-contained file (the
    stylesheet inlined; no script, no link to anything but wetten.overheid.nl)."""
    css = (HERE / "static" / "workbench.css").read_text(encoding="utf-8")
    return render("report.html", lang, css=css, program=program, **check_context(program, results, lang, links=False))


def budget_problem(seconds: float | None) -> str | None:
    return None if seconds is None else api.timeout_problem(seconds)


def error_report(diagnostics: list[Diagnostic], lang: str = "nl") -> str:
    """The HTML report of a run that stopped at bad input: the diagnostics, as on the page."""
    css = (HERE / "static" / "workbench.css").read_text(encoding="utf-8")
    return render("report.html", lang, css=css, program=None, load_errors=views.problems(diagnostics),
                  groups=[], total=0, attention=len(diagnostics), exit_code=2)
