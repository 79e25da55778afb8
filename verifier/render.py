"""Human output: results as a lawyer reads them (facts of the case, outcome, deciding articles),
coloured with rich when the terminal supports it. Machine output lives in results.py (JSON)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from fractions import Fraction

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

from lexproof.dsl.consolidate import reads_peildatum
from lexproof.dsl.diagnostics import LexproofError
from lexproof.dsl.evaluator import DecisionOutcome
from lexproof.dsl.items import item_contexts, item_rows, label, path_of
from lexproof.dsl.model import StatuteModel
from lexproof.dsl.source import visible_lines
from lexproof.verifier.messages import (
    CATALOGUE,
    basis_text,
    engine_text,
    human_value,
    kind_text,
    localize_amounts,
    outcome_text,
    region_text,
    status_text,
    version_label_text,
)
from lexproof.verifier.messages import date as date_text
from lexproof.verifier.messages import text as msg
from lexproof.verifier.results import Result, Witness, cite, diff_rows_cover


class SafeConsole(Console):
    """A rich Console that shows control characters instead of sending them to the terminal.

    Names are plain identifiers, but citations, example names, strings, quoted source lines,
    case values and file names are the statute author's (or a pull request's) text: an escape
    sequence among them must not recolour, retitle or rewrite the reader's terminal. Each
    rendered segment's text goes through :func:`lexproof.dsl.source.visible`; rich's own colours are
    styles, not text, and control segments (cursor moves rich makes itself) pass unchanged.
    A line break in the statute's own text cannot reach here: strings end at a line."""

    def render(self, renderable: RenderableType, options: ConsoleOptions | None = None) -> Iterable[Segment]:
        for segment in super().render(renderable, options):
            if segment.control or not segment.text:
                yield segment
                continue
            text = visible_lines(segment.text)  # rich's own line breaks are segment text too: kept
            yield segment if text is segment.text else Segment(text, segment.style, segment.control)


STATUS_STYLE = {
    "proved": ("✓", "green"), "passed": ("✓", "green"), "unchanged": ("=", "green"),
    "satisfiable": ("✓", "green"), "unsatisfiable": ("✓", "green"),
    "counterexample": ("✗", "red"), "failed": ("✗", "red"), "conflict": ("✗", "red"),
    "gap": ("✗", "red"), "dead": ("!", "yellow"), "redundant": ("!", "yellow"),
    "vacuous": ("!", "yellow"), "unknown": ("?", "magenta"), "changed": ("Δ", "cyan"),
}


def engine_message(message: str, lang: str) -> str:
    """A result's message in ``lang`` (verifier/messages.py, ``ENGINE_NL``)."""
    return engine_text(message, lang)


def version_text(label: str, lang: str) -> str:
    """A version label ('WSF2000 on 2027-09-01 (with uitbreiding_mbo)', as lexproof.dsl.consolidate
    writes it, possibly several joined) in ``lang``: 'WSF2000 op 1 september 2027 (met ...)'."""
    return version_label_text(label, lang)


def value_text(value: object, type_, lang: str) -> str:
    """A value for a person (money to the cent, the locale's number and date format)."""
    return human_value(value, type_, lang)


def headline(result: Result, lang: str = "en") -> Text:
    """The result's one line: mark, kind, name, status (with 'as expected'), location, and for
    a proof or an empty query the articles it rests on, grouped per article."""
    mark, style = STATUS_STYLE.get(result.status, ("•", "white"))
    if result.expected is not None and result.status == result.expected and result.status != "proved":
        style = "green"
    text = Text()
    text.append(f"{mark} ", style=style)
    kind = kind_text(result.kind, lang)
    label = kind if not result.code else f"{result.code} {kind}"
    text.append(f"{label} ", style="bold")
    text.append(result.name, style="bold")
    text.append(f"  {status_text(result.status, lang)}", style=style)
    if result.expected is not None and result.expected != "proved":
        note = (msg("as_expected", lang) if result.status == result.expected
                else msg("expected", lang, status=status_text(result.expected, lang)))
        text.append(f" ({note})", style="dim")
    text.append(f"  {result.location}", style="dim")
    basis = basis_line(result, lang)
    if basis:
        text.append("  " + basis, style="dim")
    if result.cached:
        text.append("  " + msg("cached", lang), style="dim")
    return text


def basis_line(result: Result, lang: str = "en") -> str | None:
    """'rests on art. 3.16b WSF2000, LCW art. 5' for a proof, 'no case: ruled out by ...' for an
    empty query: one entry per article (the full list, rule by rule, is ``details.basis``)."""
    if result.status not in ("proved", "unsatisfiable", "vacuous") or "basis" not in result.details:
        return None
    articles = result.details.get("rests_on")
    if articles is None:  # a result stored before articles were grouped: its citations
        articles = sorted(set(result.articles))
    lemmas = result.details.get("lemmas") or []
    parts = ", ".join(articles)
    if result.status == "unsatisfiable":
        return msg("ruled_out_by", lang, articles=parts) if parts else msg("ruled_out_domain", lang)
    if result.status == "vacuous":
        return None
    if not parts:
        return msg("rests_on", lang, articles=msg("rests_on_domain", lang)) if not lemmas else None
    return msg("rests_on", lang, articles=parts)


def print_result(console: Console, result: Result, statutes: dict[str, StatuteModel], verbose: bool = False,
                 lang: str = "en") -> None:
    """The headline; then, when the result is not as declared (or with ``verbose``), what a
    person needs to see why: the version, the message, the case and its outcome."""
    console.print(headline(result, lang))
    print_result_body(console, result, verbose, lang)


def print_result_body(console: Console, result: Result, verbose: bool = False, lang: str = "en") -> None:
    """What ``print_result`` shows below the headline."""
    warning = result.severity == "warning" and result.expected is None and result.status == result.kind
    if not verbose and result.as_expected and not (result.kind == "diff" and result.status == "changed") \
            and result.kind != "query" and not warning:
        return
    if not verbose and warning:  # a dead or redundant rule: CI passes, but say why, in one line
        if result.version:
            console.print(Text("    " + msg("in_version", lang, version=version_text(result.version, lang)), style="dim"))
        console.print(Text("    " + engine_message(result.message, lang)))
        return
    if result.version and (verbose or result.status not in ("proved", "passed", "unchanged")):
        console.print(Text("    " + msg("in_version", lang, version=version_text(result.version, lang)), style="dim"))
    message = result.message
    if result.status in ("proved", "unsatisfiable") and not verbose and "basis" in result.details:
        message = ""  # the headline names the articles; -v gives every rule
    if result.kind == "query" and result.details.get("ruled_out_by"):
        # No case: what rules every case out, in the statute's words (the basis, line by line).
        console.print(Text("    " + msg("ruled_out_heading", lang)))
        for line in result.details["ruled_out_by"]:
            console.print(Text("      " + ruled_out_text(line, lang), style="dim"))
        return
    if message and (verbose or result.status not in ("passed",)):
        console.print(Text("    " + engine_message(message, lang)))
    if result.kind == "diff" and result.status == "changed":
        print_diff_table(console, result, lang)
        return
    if result.status not in ("passed", "unchanged") or verbose:
        for index, witness in enumerate(result.witnesses):
            if index and result.kind == "query":
                console.print(Text("    " + msg("case_n", lang, n=index + 1), style="bold"))
            print_witness(console, witness, indent=4, lang=lang)
        if result.witnesses and result.articles:
            console.print(Text("    " + msg("articles", lang, articles=", ".join(result.articles)), style="bold"))


def ruled_out_text(line: str, lang: str) -> str:
    """One line of what rules a query's cases out, in ``lang``: a rule is quoted as the statute
    writes it (its words are the statute's, whatever the language); a parameter's value, a
    decision's 'otherwise' and a lemma are lexproof's words (``basis_text``)."""
    if ": rule " in line or ": @" in line:
        return line
    return localize_amounts(basis_text(line, lang), lang)


def print_witness(console: Console, witness: Witness, indent: int = 0, lang: str = "en") -> None:
    statute = witness.statute
    pad = " " * indent
    # The facts the case gives (an example before an amendment need not give the facts it adds).
    names = [name for name in statute.facts if all(name in values for values in witness.facts.values())]
    rows = [(pad + name, [value_text(values[name], statute.facts[name].type, lang) for values in witness.facts.values()])
            for name in names]
    console.print(Text(pad + msg("the_case", lang), style="underline"))
    plain = _plain_facts(console, rows) if len(witness.facts) == 1 and not statute.kinds else None
    if plain is not None:
        console.print(plain)
    else:
        facts = Table(show_header=len(witness.facts) > 1, box=None, padding=(0, 2, 0, 0), pad_edge=False)
        facts.add_column(pad + msg("fact", lang), style="bold")
        for case in witness.facts:
            facts.add_column(case or msg("value", lang))
        for name, cells in rows:
            facts.add_row(name, *cells)
        _item_fact_rows(facts, witness, pad, lang)
        console.print(facts)
    _print_item_decisions(console, witness, pad, lang)
    if witness.dates and reads_peildatum(statute):
        shown = [f"{slot} {day_text(day, lang)}" if slot else day_text(day, lang) for slot, day in witness.dates.items()]
        console.print(Text(pad + msg("peildatum", lang, dates=", ".join(shown))))
    if statute.kinds and not any(witness.explained(slot, case) for slot, case in witness.outcomes):
        return  # a finding about a decision per item: its outcome is shown per item above
    lines = _Lines()  # printed at once: a case of a large statute explains thousands of decisions
    lines.print(Text(pad + msg("outcome", lang), style="underline"))
    for (slot, case), outcomes in witness.outcomes.items():
        where = " ".join(part for part in (case and msg("case_named", lang, case=case),
                                           slot and f"{slot} ({version_text(witness.versions[slot], lang)})") if part)
        if where:
            lines.print(Text(pad + "  " + where + ":", style="dim"))
        for name in witness.explained(slot, case):
            print_outcome(lines, statute, outcomes[name], indent + 2, lang)  # type: ignore[arg-type]
    console.print(lines)


def _plain_facts(console: Console, rows: list[tuple[str, list[str]]]) -> Group | None:
    """The facts of one case as the table without a header that ``print_witness`` would print,
    line by line: the same characters and styles (tests/test_render.py compares them), at a
    third of the cost. Every finding in a 10,000-rule statute shows its case's 300 facts, and
    rich's table layout of them was most of the report's time (0.35 s for 27 findings).
    None, and the table is used, for anything whose layout is not plain: a value that would
    be read as markup or an emoji code, a character wider or narrower than one cell, a line
    break, or a table wider than the console (rich would fold it)."""
    if not rows:
        return None
    texts = [name for name, _ in rows] + [cells[0] for _, cells in rows]
    if any("[" in text or ":" in text or "\n" in text or cell_len(text) != len(text) for text in texts):
        return None
    name_width = max(len(name) for name, _ in rows)
    value_width = max(len(cells[0]) for _, cells in rows)
    if name_width + 2 + value_width > console.width:
        return None
    return Group(*(Text.assemble((name.ljust(name_width), "bold"), ("  ", "bold"), cells[0].ljust(value_width))
                   for name, cells in rows))


class _Lines:
    """Collects the lines ``print_outcome`` prints, to print them at once: rich's work per
    ``print`` call (options, the terminal's size, a lock, the write) was half of showing a case
    of a 10,000-rule statute (14,651 lines); the lines come out the same.

    Printed, it gives rich the segments rich itself would make of each ``Text`` that it does
    not wrap (the console's soft wrap, ``overflow="ignore"``), without the machinery that
    makes them: ``Text.__rich_console__`` splits a text at its line breaks, joins the parts
    again (the text's own style becoming the first span, the joined text's style none) and
    renders that, combining the styles of the spans over each piece. For one line without a
    tab, whose spans follow each other without overlapping (as ``Text.append`` makes them),
    the pieces are the spans and the gaps between them, each in its own style (a gap in none);
    that was half of the time of showing the case (docs/performance.md, "Session 18"). Any
    other line (a line break, a tab, a style under spans, wrapping) is left to rich.
    tests/test_render.py compares both ways, with and without colours."""

    def __init__(self) -> None:
        self.texts: list[Text] = []

    def print(self, text: Text) -> None:
        self.texts.append(text)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        """As wide as the ``Group`` of the lines (what rich measures to align or lay them out)."""
        return Group(*self.texts).__rich_measure__(console, options)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterable[Segment | Text]:
        plain_style = Style.null()
        styles: dict[str | Style, Style] = {}
        for text in self.texts:
            pieces = _line_pieces(text, options)
            if pieces is None:
                yield text
                continue
            for piece, style in pieces:
                if style is None:
                    yield Segment(piece, plain_style)
                    continue
                found = styles.get(style)
                if found is None:
                    found = styles[style] = console.get_style(style, default=plain_style)
                yield Segment(piece, found)
            if text.end:
                yield Segment(text.end)


def _line_pieces(text: Text, options: ConsoleOptions) -> list[tuple[str, str | Style | None]] | None:
    """The pieces of ``text`` in their styles (None: no style) as rich renders it unwrapped, or
    None when that is not simply its spans and the gaps between them (``_Lines``)."""
    plain = text.plain
    if (text.overflow or options.overflow) != "ignore" or "\n" in plain or "\t" in plain:
        return None
    spans = text.spans
    if text.style and spans:
        return None  # two styles over one piece: rich combines them
    if not spans:
        return [(plain, text.style or None)] if plain else []
    pieces: list[tuple[str, str | Style | None]] = []
    at = 0
    for start, end, style in spans:
        if start < at or end < start:
            return None  # overlapping or out of order: not what appending makes
        if start > at:
            pieces.append((plain[at:start], None))
        if end > start:
            pieces.append((plain[start:end], style))
        at = end
    if len(plain) > at:
        pieces.append((plain[at:], None))
    return pieces


def _item_fact_rows(table: Table, witness: Witness, pad: str, lang: str = "en") -> None:
    """The facts of each item, as ``kind[2].uren``, valued as the other facts are (money to the
    cent, the locale's formats); a kind without items as 'none' ('geen')."""
    statute = witness.statute
    if not statute.kinds:
        return
    per_case = [{label: (value, type_) for label, value, type_ in item_rows(statute, values)}
                for values in witness.facts.values()]
    shown = list(dict.fromkeys(row for rows in per_case for row in rows))
    for row in shown:
        cells = []
        for rows in per_case:
            value, type_ = rows.get(row, (None, None))
            cells.append(msg("none", lang) if row in rows and type_ is None else
                         "-" if row not in rows else value_text(value, type_, lang))
        table.add_row(pad + row, *cells)


def _print_item_decisions(console: Console, witness: Witness, pad: str, lang: str = "en") -> None:
    """Each decision per item, for each item of the case: ``kind[1].bedrag = €150.00``, with the
    rule that decided it; values as the case's other outcomes are shown (``print_outcome``: to
    the cent, in the locale's format; the exact value is the JSON's)."""
    statute = witness.statute
    if not statute.item_decisions:
        return
    lines = []
    for (slot, case), outcomes in witness.outcomes.items():
        evaluator = getattr(outcomes, "evaluator", None)
        if evaluator is None or case not in witness.facts:
            continue
        for context in item_contexts(statute, witness.facts[case], case):
            kind = path_of(context)[-1][0]
            for name, decision_kind in statute.decision_kind.items():
                if decision_kind != kind:
                    continue
                try:
                    outcome = evaluator.decision(name, context, slot)
                except LexproofError:  # it reads a parameter without a value in this version:
                    continue  # the version does not cover it (the case's decisions are shown as asked)
                rules = ", ".join(f"{r.name} [{cite(statute, r.citation)}]" for r in outcome.deciding)
                otherwise = f" ({status_text('default', lang)})" if outcome.status == "default" else ""
                where = f" ({rules})" if rules else otherwise
                shown = (value_text(outcome.value, statute.decision_info(name).type, lang) if outcome.defined
                         else status_text(outcome.status, lang))
                lines.append(f"{pad}  {slot + ': ' if slot else ''}{label(context)}.{name} = {shown}{where}")
    if lines:
        console.print(Text(pad + msg("per_item", lang), style="underline"))
        for line in lines:
            console.print(Text(line))


def print_outcome(console: Console, statute: StatuteModel, outcome: DecisionOutcome, indent: int,
                  lang: str = "en") -> None:
    pad = " " * indent
    line = Text(pad)
    line.append(outcome.decision, style="bold")
    line.append(" = ")
    shown = (value_text(outcome.value, statute.decisions[outcome.decision].type, lang) if outcome.defined
             else status_text(outcome.status, lang))
    line.append(shown, style="bold cyan" if outcome.defined else "bold red")
    if outcome.status == "default":
        where = cite(statute, statute.decisions[outcome.decision].citation)
        line.append("  " + (msg("otherwise_of", lang, where=where) if where else msg("otherwise", lang)), style="dim")
    elif outcome.reason:
        line.append(f"  ({engine_text(outcome.reason, lang)})", style="dim")
    console.print(line)
    for trace in outcome.rules:
        rule = trace.rule
        where = f"{rule.name} [{cite(statute, rule.citation)}]"
        if trace.status == "applied":
            console.print(Text(pad + "  ✓ " + msg("rule.applies", lang, where=where), style="green"))
        elif trace.status == "overridden":
            text_ = msg("rule.overridden", lang, where=where, by=", ".join(trace.overridden_by))
            console.print(Text(pad + "  ↷ " + text_, style="yellow"))
        elif trace.status == "undefined":
            console.print(Text(pad + f"  ? {where}: {engine_text(trace.detail, lang)}", style="magenta"))
        elif trace.failed_condition:
            text_ = msg("rule.fails", lang, where=where, condition=trace.failed_condition)
            console.print(Text(pad + "  ✗ " + text_, style="dim"))
        else:
            console.print(Text(pad + "  ✗ " + msg("rule.not_applies", lang, where=where), style="dim"))


def day_text(day, lang: str) -> str:
    return date_text(day, lang)


def print_diff_table(console: Console, result: Result, lang: str = "en") -> None:
    rows = result.details.get("rows", [])
    if rows:
        table = Table(box=None, padding=(0, 2, 0, 4), show_edge=False)
        # 'fold', not rich's default ellipsis: a name cut to 'erkend_niet_bekostig…' is lost.
        table.add_column(msg("diff.who", lang), overflow="fold")
        table.add_column(msg("diff.before", lang), overflow="fold")
        table.add_column(msg("diff.after", lang), overflow="fold")
        table.add_column("", overflow="fold")
        table.add_column(msg("diff.example", lang), style="dim", overflow="fold")
        for row, witness in zip(rows, result.witnesses):
            style = {"gains": "green", "loses": "red"}.get(row["direction"], "yellow")
            statute = witness.statute
            facts = witness.facts[None]
            relevant = set(result.details.get("finite_facts", [])) | set(result.details.get("numeric_facts", []))
            example = ", ".join(
                (items_text(statute, k, v, lang) if k in statute.kinds
                 else f"{k} = {value_text(v, statute.facts[k].type, lang)}")
                for k, v in facts.items() if not relevant or k in relevant or k in statute.kinds
            )
            if "item" in row:  # a decision per item: the item whose outcome changes, in this case
                example = msg("diff.at_item", lang, item=row["item"]) + " " + example
            table.add_row(localize_amounts(plain_row(region_text(row["when"], lang), lang), lang),
                          outcome_text(row["before"], lang), outcome_text(row["after"], lang),
                          Text(direction_text(row, lang), style=style), example)
        console.print(table)
    for line in diff_summary_lines(result, lang):
        console.print(Text("    " + line, style="bold"))
    if result.articles:
        console.print(Text("    " + msg("diff.articles", lang, articles=", ".join(result.articles)), style="dim"))


def items_text(statute: StatuteModel, kind: str, items: object, lang: str = "en") -> str:
    """The items of ``kind`` in a case, each item fact as ``kind[1].uren=10`` (valued as
    ``value_text`` does), ``kind=none`` ('geen') without items."""
    rows = item_rows(statute, {kind: items}, kinds=[kind])
    return ", ".join(f"{row}={msg('none', lang)}" if type_ is None else f"{row}={value_text(value, type_, lang)}"
                     for row, value, type_ in rows)


def direction_text(row: dict, lang: str = "en") -> str:
    """'gains (48 combinations)': the direction and how many combinations of enum and bool
    facts the row stands for."""
    word = msg(f"diff.{row['direction']}", lang) if f"diff.{row['direction']}" in CATALOGUE else row["direction"]
    if row.get("outline"):  # the combinations found before listing stopped: a lower bound
        count = msg("diff.at_least", lang, count=row["combinations"])
        return f"{word} ({msg('diff.combinations', lang, count=count)})"
    if row.get("combinations", 1) > 1:
        return f"{word} ({msg('diff.combinations', lang, count=row['combinations'])})"
    return word


def plain_row(when: str, lang: str = "en") -> str:
    """A row's description in plain words: ranges 'leeftijd 30 to 120' rather than '30..120',
    'some cases: ...' for a row only part of whose cases are in the group."""
    to = " to " if lang == "en" else " tot "
    text_ = re.sub(r"(?<=\S)\.\.(?=\S)", to, when)
    text_ = text_.replace(" in {", " is one of {") if lang == "en" else text_.replace(" in {", " is een van {")
    if text_.startswith("some cases: "):
        text_ = msg("diff.some_cases", lang) + ": " + text_[len("some cases: "):]
    elif text_.startswith("within: "):
        text_ = msg("diff.within", lang) + ": " + text_[len("within: "):]
    if text_ == msg("diff.within", lang) + ": " + msg("diff.every_case", lang):
        return msg("diff.within_anything", lang)  # no fact is narrowed: not 'every case changes'
    if text_.endswith("every case"):
        text_ = text_[: -len("every case")] + msg("diff.every_case", lang)
    return text_


def diff_summary_lines(result: Result, lang: str = "en") -> list[str]:
    """'who gains: N combination(s) ...; who loses: M; other changes: K', then the range of the
    change for numeric decisions. A count is a number only when the solver settled it: 0 is a
    proof that nobody is in that part, 'unknown' when the solver could not tell, 'at least N'
    when the groups could not all be listed."""
    details = result.details
    directions = details.get("directions", {})
    if details.get("brief"):
        return [_brief_counts(directions, lang)]
    if set(directions) == {"changes"}:
        lines = [msg("diff.no_order", lang, count=_count(directions["changes"], lang))]
    else:
        counts = {d: _count(directions[d], lang) if d in directions else "0" for d in ("gains", "loses", "changes")}
        lines = [msg("diff.counts", lang, gains=counts["gains"], loses=counts["loses"], changes=counts["changes"])]
    if not details.get("complete", True):
        reason = details.get("incomplete_reason") or "enumeration stopped"
        # every changed case lies within a row (the others are outlines): no more groups change
        key = "diff.outlined" if diff_rows_cover(details) else "diff.incomplete"
        lines[0] += msg(key, lang, reason=engine_text(reason, lang))
    statute_type = _decision_type(result)
    for direction in ("gains", "loses"):
        delta = directions.get(direction, {}).get("delta")
        if delta is not None and statute_type is not None:
            who = msg("diff.who_gains" if direction == "gains" else "diff.who_loses", lang)
            lines.append(msg("diff.delta", lang, who=who, range=_delta_text(delta, statute_type, lang)))
    return lines


def _brief_counts(directions: dict, lang: str) -> str:
    """A brief diff's line: per direction 'some' (an example is shown), 'nobody' (proved) or
    'unknown'; never a count, since no groups were listed."""
    def word(direction: str) -> str:
        status = directions.get(direction, {}).get("status", "none")
        if status == "unknown":
            return msg("diff.count_unknown", lang)
        if direction == "changes":  # a change, not a person: 'other changes: some' ('ja')
            return msg("diff.some_changes" if status == "some" else "diff.no_changes", lang)
        return msg("diff.some" if status == "some" else "diff.nobody", lang)

    if set(directions) == {"changes"}:
        return msg("diff.brief_no_order", lang, changes=word("changes"))
    return msg("diff.brief_counts", lang, gains=word("gains"), loses=word("loses"), changes=word("changes"))


def _count(part: dict, lang: str = "en") -> str:
    if part.get("status") == "unknown":
        return msg("diff.count_unknown", lang)
    count = str(part.get("combinations"))
    return count if part.get("complete", True) else msg("diff.at_least", lang, count=count)


def _decision_type(result: Result):
    if not result.witnesses:
        return None
    return result.witnesses[0].statute.decision_info(result.name).type


def _delta_text(delta: dict, type_, lang: str = "en") -> str:
    """'€0.01 to €9,900.00', 'more than €0.00 to €5.00', '-€100.00 to ? (upper end: why)'."""
    notes = []

    def end(part: dict, side: str) -> str:
        if part.get("value") is None:
            key = "diff.lower_end" if side == "min" else "diff.upper_end"
            notes.append(msg(key, lang, reason=part.get("reason", "unknown")))
            return "?"
        # the JSON value encoding: an int, or an exact decimal or fraction as text ("0.001", "1/3")
        shown = value_text(Fraction(part["value"]) if type_.is_rational else part["value"], type_, lang)
        if part.get("attained"):
            return shown
        return msg("diff.more_than" if side == "min" else "diff.less_than", lang, value=shown)

    text_ = msg("diff.range", lang, low=end(delta["min"], "min"), high=end(delta["max"], "max"))
    return text_ + (f" ({'; '.join(notes)})" if notes else "")


def print_diff_summary(console: Console, results: list[Result], lang: str = "en", brief: bool = False) -> None:
    """The last line of a diff: how many decisions changed, how many groups gain, lose or
    change otherwise, and which decisions are unchanged. A count is a number only where the
    solver settled it: '?' where it could not tell (never 0: '0 lose' is a proof), 'at least
    N' where the groups could not all be listed; decisions it could not compare are named."""
    if brief:  # also when nothing changed, or nothing could be compared: no groups to count
        _print_brief_summary(console, results, lang)
        return
    changed = [r for r in results if r.status == "changed"]
    unchanged, undecided = _unchanged_and_undecided(results)
    counts = {"gains": 0, "loses": 0, "changes": 0}
    unknown: set[str] = set()
    partial: set[str] = set()
    for result in changed:
        for row in result.details.get("rows", []):
            if row["direction"] in counts:
                counts[row["direction"]] += 1
        for direction, part in result.details.get("directions", {}).items():
            if isinstance(part, dict) and part.get("status") == "unknown":
                unknown.add(direction)
            elif isinstance(part, dict) and part.get("complete", True) is False:
                partial.add(direction)  # only that direction: '0 lose' elsewhere stays a proof
    if undecided:
        unknown.update(counts)

    def shown(direction: str) -> str:
        if direction in unknown:
            return "?"
        number = str(counts[direction])
        return msg("diff.at_least", lang, count=number) if direction in partial else number

    groups = sum(counts.values())
    if unknown:
        group_count = "?"
    elif partial:
        group_count = msg("diff.at_least", lang, count=groups)
    else:
        group_count = str(groups)
    line = msg("diff.summary", lang, changed=_changed_count(changed, undecided, lang), total=len(results), count=len(results),
               groups=group_count, gs="" if groups == 1 and not unknown else "s",
               gen="" if groups == 1 and not unknown else "en",
               gains=shown("gains"), loses=shown("loses"), other=shown("changes"))
    _print_summary_line(console, line, unchanged, undecided, lang)


def _unchanged_and_undecided(results: list[Result]) -> tuple[list[str], list[str]]:
    """The decisions that did not change, and those the solver could not compare; a reader's
    decisions (``uses``) by their statute's name too."""
    home = results[0].statute if results else None
    named = [r.name if r.statute == home else f"{r.statute}.{r.name}" for r in results]
    return ([name for name, r in zip(named, results) if r.status == "unchanged"],
            [name for name, r in zip(named, results) if r.status not in ("changed", "unchanged")])


def _changed_count(changed: list[Result], undecided: list[str], lang: str) -> str:
    """With decisions not compared, 'N changed' is a lower bound, not a count."""
    return msg("diff.at_least", lang, count=len(changed)) if undecided else str(len(changed))


def _print_summary_line(console: Console, line: str, unchanged: list[str], undecided: list[str], lang: str) -> None:
    if unchanged:
        line += "; " + msg("diff.unchanged", lang, names=", ".join(unchanged))
    if undecided:
        line += "; " + msg("diff.undecided", lang, names=", ".join(undecided))
    console.print(Text(line, style="bold"))


def _print_brief_summary(console: Console, results: list[Result], lang: str) -> None:
    """The last line of a brief diff: in how many of the changed decisions someone gains,
    loses or changes otherwise ('at least N' where the solver could not tell for some)."""
    changed = [r for r in results if r.status == "changed"]
    unchanged, undecided = _unchanged_and_undecided(results)

    def decisions(direction: str) -> str:
        parts = [r.details.get("directions", {}).get(direction, {}) for r in changed]
        count = sum(part.get("status") == "some" for part in parts)
        unsure = undecided or any(part.get("status") == "unknown" for part in parts)
        return msg("diff.at_least", lang, count=count) if unsure else str(count)

    line = msg("diff.brief_summary", lang, changed=_changed_count(changed, undecided, lang), total=len(results), count=len(results),
               gains=decisions("gains"), loses=decisions("loses"), other=decisions("changes"))
    _print_summary_line(console, line, unchanged, undecided, lang)


def print_builtin_clean(console: Console, program, results: list[Result], kinds: tuple[str, ...],
                        lang: str = "en", day=None) -> None:
    """One line per built-in check and statute that found nothing ('LP101 conflicts: none, 9
    decisions'), so that 'none found' can be told from 'not run'. A check with any result for
    the statute (a finding, expected or not, or 'unknown') gets no such line: its results say
    what it found. The count is the decisions the check covered (``api.checked_decisions``)."""
    from lexproof.verifier.api import checked_decisions
    from lexproof.verifier.checks import CODES

    for statute in program.statutes.values():
        seen = {r.kind for r in results if r.statute == statute.name and r.kind in CODES}
        covered = None
        for kind in kinds:
            if kind in seen:
                continue
            if covered is None:
                covered = checked_decisions(statute, day)
            decisions = msg("decisions", lang, count=len(covered))
            line = msg("check.none", lang, code=CODES[kind], check=msg(f"check.{kind}", lang), decisions=decisions)
            silenced = allowed(statute, CODES[kind])
            if silenced:  # 'none' is what is reported, not what exists: say what @allow hides
                line += msg("check.allowed", lang, count=silenced, code=CODES[kind])
            prefix = f"{statute.name}: " if len(program.statutes) > 1 else ""
            console.print(Text("✓ " + prefix + line, style="green"))


def allowed(statute: StatuteModel, code: str) -> int:
    """How many rules (decisions, for a gap) of the statute and its amendments silence ``code``
    with ``@allow``."""
    rules = list(statute.rules.values())
    rules += [change.rule for info in statute.amendments.values() for change in info.changes
              if getattr(change, "rule", None) is not None]
    count = sum(code in rule.allow for rule in rules)
    return count + sum(code in info.allow for info in statute.decisions.values())


def print_summary(console: Console, results: list[Result], lang: str = "en") -> None:
    counts: dict[str, int] = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    unexpected = [r for r in results if not r.as_expected]
    parts = ", ".join(f"{count} {status_text(status, lang)}" for status, count in sorted(counts.items()))
    style = "green" if not unexpected else "red"
    if not results:
        console.print(Text("\n" + msg("summary.none", lang), style="bold"))
        return
    console.print(Text("\n" + msg("summary.count", lang, count=len(results), parts=parts), style="bold"))
    if unexpected:
        console.print(Text(msg("summary.attention", lang, count=len(unexpected)), style=style))
        for result in unexpected:
            console.print(Text(f"  {result.location}: {kind_text(result.kind, lang)} {result.name}: "
                               f"{status_text(result.status, lang)}", style=style))
    else:
        console.print(Text(msg("summary.ok", lang), style=style))
