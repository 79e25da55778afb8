"""Machine formats for CI: SARIF 2.1.0 (code scanning) and JUnit XML (test reports).

Both read the same ``Result`` objects as the human and JSON output, and both follow the CLI's
judgement (``Result.as_expected``): only results that are not as declared count as problems.

SARIF: one result per finding that needs attention (level ``error``; ``warning`` when the
solver could not decide) or is worth a look but expected (level ``note``: a declared
counterexample, a dead or redundant rule). Good news (proved, passed) is left out by default,
so code scanning shows no alert for it; ``include_passing=True`` adds it with ``kind: pass``.

JUnit: one ``testcase`` per result, grouped in a ``testsuite`` per statute. A result that is
not as declared has a ``failure`` (``error`` when the solver could not decide) whose text is
the explanation: facts of the case, outcome per version, deciding articles. Expected failures
and warnings pass, with a note in ``system-out``.

A statute that fails to load (bad input, exit 2) has no results, but is reported all the same,
so that a syntax error is not an empty report: in SARIF each diagnostic is a result with its
location and its load code as rule id (``LP001`` syntax ... ``LP005`` other input); in JUnit each
file with diagnostics is a failing ``testcase``. JSON has the same data (``error_json``).

docs/ci.md documents both.
"""

from __future__ import annotations

import hashlib
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from lexproof.dsl.diagnostics import INPUT_CODE, LOAD_CODES, Diagnostic
from lexproof.dsl.items import fact_text
from lexproof.dsl.source import Span
from lexproof.verifier.results import GOOD, Result, Witness, exit_code, show

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"

# ruleId -> (name, short description, full description, default level)
RULES: dict[str, tuple[str, str, str, str]] = {
    "property": (
        "property",
        "A property of the statute does not hold as declared",
        "A declared property (for every case ..., claim ...) is refuted by a counterexample, is vacuous "
        "(its premises can never hold), or could not be decided. The message gives the case, its outcome "
        "and the deciding articles.",
        "error",
    ),
    "example": (
        "example",
        "An executable example gives another outcome than expected",
        "An example block of the statute (facts of a case and the expected decisions) was run through "
        "the law and at least one decision differs from what the example expects.",
        "error",
    ),
    "LP101": (
        "conflict",
        "Two rules decide the same case differently",
        "Two rules that neither overrides the other both apply to a case and give the decision "
        "different values, so the decision is undefined there. Add an 'except', change a condition, "
        "or acknowledge the disagreement with @allow(conflict).",
        "error",
    ),
    "LP102": (
        "gap",
        "No rule decides some cases and the decision has no 'otherwise'",
        "For the cases described, no rule of the decision applies and the decision has no default. "
        "Add 'otherwise <value>' or a rule for these cases.",
        "error",
    ),
    "LP103": (
        "dead",
        "A rule can never apply",
        "The rule's condition cannot hold within the facts' domain, or the rule is always overridden.",
        "warning",
    ),
    "LP104": (
        "redundant",
        "A rule changes no outcome",
        "Removing the rule changes no outcome of its decision.",
        "warning",
    ),
    "LP105": (
        "question",
        "Two statutes decide one legal question differently",
        "Two decisions of two statutes declared to decide the same question ('same question') both "
        "decide a case and disagree. Declare a priority (lex superior, specialis or posterior) or "
        "change one of the statutes.",
        "error",
    ),
}


# Bad input: one rule per load phase (lexproof.dsl.diagnostics.LOAD_CODES); never expected, so errors.
RULES.update({
    code: (name, short, f"{short}. The statute was not loaded, so none of its properties, examples and "
           "built-in checks ran. The message is lexproof's diagnostic; fix it and run again.", "error")
    for code, (name, short) in LOAD_CODES.items()
})


def rule_id(result: Result) -> str:
    """``LP101``..``LP104`` for built-in findings; ``property``, ``example`` (or the kind) otherwise."""
    return result.code or result.kind


def level(result: Result) -> str:
    """SARIF level: ``error``/``warning`` only for results that are not as declared."""
    if result.as_expected:
        return "none" if _good_news(result) else "note"
    return "warning" if result.status == "unknown" else "error"


def _good_news(result: Result) -> bool:
    return result.status in GOOD and result.expected in (None, result.status)


# --- plain-text explanations (shared with the pytest plugin) ------------------------------------


def explain(result: Result, verbose: bool = True, width: int = 120, lang: str = "en") -> str:
    """The human rendering of a result without colour, in ``lang`` (nl or en): headline,
    message, the case (facts), the outcome per version with each rule's trace, and the
    deciding articles."""
    from lexproof.verifier.render import SafeConsole, print_result

    buffer = io.StringIO()
    console = SafeConsole(file=buffer, width=width, color_system=None, force_terminal=False, highlight=False,
                      soft_wrap=True, emoji=False, markup=False)
    print_result(console, result, {}, verbose=verbose, lang=lang)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines())


def case_summary(witness: Witness) -> str:
    """The facts of a witness on one line: ``leeftijd = 40, soort = mbo``, per case when there
    are two (``a: ...; b: ...``)."""
    statute = witness.statute
    parts = []
    for case, values in witness.facts.items():
        text = ", ".join(
            fact_text(statute, name, value) for name, value in values.items()
        )
        parts.append(f"{case}: {text}" if case else text)
    return "; ".join(parts)


def outcome_summary(witness: Witness) -> str:
    """The outcome of the decisions the result is about, per version slot and case."""
    statute = witness.statute
    parts = []
    for (slot, case), outcomes in witness.outcomes.items():
        names = witness.focus or tuple(outcomes)
        text = ", ".join(f"{name} = {show(statute, outcomes[name])}" for name in names if name in outcomes)
        where = " ".join(p for p in (case and f"case {case}", slot and f"{slot} ({witness.versions.get(slot)})") if p)
        parts.append(f"{where}: {text}" if where else text)
    return "; ".join(parts)


def one_line(result: Result) -> str:
    """A result in one sentence, with the case when there is one (for SARIF messages, JUnit
    failure messages and pytest's short summary)."""
    text = f"{result.kind} {result.name}: {result.status}"
    if result.expected not in (None, "proved"):
        text += " (as declared)" if result.status == result.expected else f" (declared: expect {result.expected})"
    return f"{text}. {details(result)}".rstrip(". ") + "."


def details(result: Result) -> str:
    """The message, case, outcome, articles and version of a result, in one line."""
    parts = []
    if result.message:
        parts.append(result.message.rstrip("."))
    if result.witnesses:
        witness = result.witnesses[0]
        parts.append(f"Case: {case_summary(witness)}")
        parts.append(f"Outcome: {outcome_summary(witness)}")
        if result.articles:
            parts.append(f"Articles: {', '.join(result.articles)}")
    if result.version:
        parts.append(f"Version: {result.version}")
    return ". ".join(parts) + ("." if parts else "")


# --- SARIF ------------------------------------------------------------------------------------


def _uri(file: str, base: Path) -> tuple[str, bool]:
    """A URI for a span's file: relative (to ``base``, with ``%SRCROOT%``) when possible."""
    path = Path(file)
    if not path.is_absolute():
        return path.as_posix(), True
    try:
        return path.resolve().relative_to(base.resolve()).as_posix(), True
    except ValueError:
        return path.resolve().as_uri(), False


def _location(span: Span, base: Path) -> dict:
    uri, relative = _uri(span.file, base)
    artifact: dict = {"uri": uri}
    if relative:
        artifact["uriBaseId"] = SRCROOT
    region: dict = {"startLine": max(1, span.line), "startColumn": max(1, span.column)}
    if span.end_line >= span.line and span.end_line > 0:
        region["endLine"] = span.end_line
        if span.end_column > 0 and (span.end_line > span.line or span.end_column > span.column):
            region["endColumn"] = span.end_column
    return {"physicalLocation": {"artifactLocation": artifact, "region": region}}


def _fingerprint(result: Result) -> str:
    key = "\x1f".join([result.kind, result.code or "", result.statute or "", result.name, result.status])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _version() -> str | None:
    try:
        from importlib.metadata import PackageNotFoundError, version
    except ImportError:  # pragma: no cover
        return None
    try:
        return version("lexproof")
    except PackageNotFoundError:
        return None


def to_sarif(results: list[Result], *, include_passing: bool = False, base: str | Path | None = None) -> dict:
    """A SARIF 2.1.0 log with one run. Locations are relative to ``base`` (default: the
    working directory), the repository root when run from there as in CI."""
    root = Path(base) if base is not None else Path.cwd()
    chosen = [r for r in results if include_passing or not _good_news(r)]
    rule_ids: list[str] = [key for key in RULES if key in {rule_id(r) for r in chosen}]
    rule_ids += sorted({rule_id(r) for r in chosen} - set(rule_ids))
    rules = []
    for key in rule_ids:
        name, short, full, default = RULES.get(key, (key, f"lexproof {key}", f"lexproof {key} result", "error"))
        rules.append({
            "id": key,
            "name": name,
            "shortDescription": {"text": short},
            "fullDescription": {"text": full},
            "defaultConfiguration": {"level": default},
            "properties": {"tags": ["lexproof", "legal"]},
        })
    index = {key: position for position, key in enumerate(rule_ids)}
    sarif_results = []
    for result in chosen:
        entry: dict = {
            "ruleId": rule_id(result),
            "ruleIndex": index[rule_id(result)],
            "level": level(result),
            "message": {"text": one_line(result)},
            "locations": [_location(result.location, root)],
            "partialFingerprints": {"lexproofResult/v1": _fingerprint(result)},
            "properties": _properties(result),
        }
        if _good_news(result):
            entry["kind"] = "pass"
        other = result.details.get("other_location") if result.details else None
        if isinstance(other, dict) and other.get("file"):
            span = Span(str(other["file"]), int(other.get("line", 1)), int(other.get("column", 1)), 0, 0)
            related = _location(span, root)
            related["id"] = 1
            related["message"] = {"text": "the other rule of the conflict"}
            entry["relatedLocations"] = [related]
        sarif_results.append(entry)
    return _sarif_log(rules, sarif_results, root, True, exit_code(results), {
        "total": len(results),
        "notAsExpected": sum(not r.as_expected for r in results),
        "omittedPassing": len(results) - len(chosen),
    })


def _sarif_log(rules: list, results: list, root: Path, successful: bool, code: int, properties: dict) -> dict:
    """A SARIF log of one run of lexproof: the tool with its rules, the results, how it ended."""
    driver: dict = {"name": "lexproof", "rules": rules}
    version = _version()
    if version:
        driver["version"] = version
        driver["semanticVersion"] = version
    run: dict = {
        "tool": {"driver": driver},
        "results": results,
        "columnKind": "unicodeCodePoints",
        "originalUriBaseIds": {SRCROOT: {"uri": root.resolve().as_uri() + "/"}},
        "invocations": [{"executionSuccessful": successful, "exitCode": code}],
        "properties": properties,
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def _properties(result: Result) -> dict:
    data = result.to_json()
    keep = ("kind", "name", "status", "ok", "expected", "statute", "version", "found_in", "articles", "case", "outcome",
            "versions", "cached")
    return {key: data[key] for key in keep if key in data}


# --- JUnit XML --------------------------------------------------------------------------------

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _INVALID_XML.sub("?", text)


def to_junit(results: list[Result]) -> str:
    """JUnit XML: a ``testsuite`` per statute, a ``testcase`` per result."""
    suites: dict[str, list[Result]] = {}
    for result in results:
        suites.setdefault(result.statute or "lexproof", []).append(result)
    root = ET.Element("testsuites", name="lexproof")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite_name, members in suites.items():
        suite = ET.SubElement(root, "testsuite", name=suite_name)
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        names: dict[tuple[str, str], int] = {}
        for result in members:
            names[(result.kind, result.name)] = names.get((result.kind, result.name), 0) + 1
        for result in members:
            name = result.name
            if names[(result.kind, result.name)] > 1 and result.version:
                name = f"{result.name} [{result.version}]"
            case = ET.SubElement(suite, "testcase", name=_xml_text(name),
                                 classname=_xml_text(f"{suite_name}.{result.kind}"),
                                 file=_xml_text(result.location.file), line=str(result.location.line))
            counts["tests"] += 1
            if result.cached:  # reused from the result cache: say so, as every format does
                properties = ET.SubElement(case, "properties")
                ET.SubElement(properties, "property", name="cached", value="true")
            if not result.as_expected:
                tag = "error" if result.status == "unknown" else "failure"
                counts["errors" if tag == "error" else "failures"] += 1
                problem = ET.SubElement(case, tag, message=_xml_text(one_line(result)), type=result.status)
                problem.text = _xml_text(explain(result))
            elif not _good_news(result):
                note = (
                    f"{result.status}, as declared (expect {result.expected})"
                    if result.expected is not None
                    else f"{result.status} ({result.severity or 'note'}; does not fail the check)"
                )
                out = ET.SubElement(case, "system-out")
                out.text = _xml_text(note + "\n\n" + explain(result))
            elif result.status == "proved" and result.message:
                out = ET.SubElement(case, "system-out")
                out.text = _xml_text(result.message)
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


# --- load errors (bad input) ------------------------------------------------------------------

BAD_INPUT = 2  # the exit code, as lexproof.verifier.results.EXIT_BAD_INPUT


def _code(diagnostic: Diagnostic) -> str:
    return diagnostic.code or INPUT_CODE


def _in_a_file(span: Span) -> bool:
    """Whether the span is in a file (not ``<command line>`` or another pseudo-file)."""
    return bool(span.file) and not span.file.startswith("<") and span.line > 0


def error_json(diagnostic: Diagnostic) -> dict:
    """One diagnostic in the JSON error shape (docs/json-output.md, "Bad input")."""
    span = diagnostic.span
    return {
        "code": _code(diagnostic),
        "severity": diagnostic.severity,
        "message": diagnostic.message,
        "location": {"file": span.file, "line": span.line, "column": span.column,
                     "end_line": span.end_line, "end_column": span.end_column},
        "notes": [
            {"message": text, "location": None if note is None else
             {"file": note.file, "line": note.line, "column": note.column}}
            for note, text in diagnostic.notes
        ],
        "rendered": diagnostic.render(),
    }


def errors_to_sarif(diagnostics: list[Diagnostic], *, base: str | Path | None = None) -> dict:
    """A SARIF log for a run that stopped at bad input: one ``error`` result per diagnostic,
    with its location (none for ``<command line>``) and its load code as rule id."""
    root = Path(base) if base is not None else Path.cwd()
    codes = [code for code in LOAD_CODES if code in {_code(d) for d in diagnostics}]
    rules = [_sarif_rule(code) for code in codes]
    results = []
    for diagnostic in diagnostics:
        code = _code(diagnostic)
        entry: dict = {
            "ruleId": code,
            "ruleIndex": codes.index(code),
            "level": "error",
            "message": {"text": diagnostic.message},
            "partialFingerprints": {"lexproofResult/v1": hashlib.sha256(
                "\x1f".join([code, diagnostic.span.file, diagnostic.message]).encode("utf-8")).hexdigest()[:32]},
        }
        if _in_a_file(diagnostic.span):
            entry["locations"] = [_location(diagnostic.span, root)]
        notes = [(note, text) for note, text in diagnostic.notes if note is not None and _in_a_file(note)]
        if notes:
            entry["relatedLocations"] = [
                {**_location(note, root), "id": number, "message": {"text": text}}
                for number, (note, text) in enumerate(notes, 1)
            ]
        results.append(entry)
    return _sarif_log(rules, results, root, False, BAD_INPUT,
                      {"total": 0, "notAsExpected": 0, "omittedPassing": 0, "loadErrors": len(diagnostics)})


def _sarif_rule(code: str) -> dict:
    name, short, full, default = RULES[code]
    return {
        "id": code,
        "name": name,
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "defaultConfiguration": {"level": default},
        "properties": {"tags": ["lexproof", "legal"]},
    }


def errors_to_junit(diagnostics: list[Diagnostic]) -> str:
    """JUnit XML for a run that stopped at bad input: a ``testsuite`` ``load`` with one failing
    ``testcase`` per file that has diagnostics (``<command line>`` for the rest), its failure
    text every diagnostic of that file with the line and a caret."""
    by_file: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        key = diagnostic.span.file if _in_a_file(diagnostic.span) else (diagnostic.span.file or "<input>")
        by_file.setdefault(key, []).append(diagnostic)
    root = ET.Element("testsuites", name="lexproof")
    suite = ET.SubElement(root, "testsuite", name="load")
    for file, found in by_file.items():
        first = found[0]
        case = ET.SubElement(suite, "testcase", name=_xml_text(file), classname="load",
                             file=_xml_text(file), line=str(max(1, first.span.line)))
        count = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        failure = ET.SubElement(case, "failure", type=_code(first),
                                message=_xml_text(f"{first.span}: {first.message}{count}"))
        failure.text = _xml_text("\n".join(d.render() for d in found))
    counts = {"tests": len(by_file), "failures": len(by_file), "errors": 0, "skipped": 0}
    for element in (suite, root):
        for key, value in counts.items():
            element.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")
