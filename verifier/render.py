"""Human output: results as a lawyer reads them (facts of the case, outcome, deciding articles),
coloured with rich when the terminal supports it. Machine output lives in results.py (JSON)."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from dsl.consolidate import reads_peildatum
from dsl.evaluator import DecisionOutcome
from dsl.items import fact_text, item_contexts, item_rows, label, path_of
from dsl.model import StatuteModel
from dsl.source import visible
from dsl.values import format_value
from verifier.results import Result, Witness, cite, show


class SafeConsole(Console):
    """A rich Console that shows control characters instead of sending them to the terminal.

    Names are plain identifiers, but citations, example names, strings, quoted source lines,
    case values and file names are the statute author's (or a pull request's) text: an escape
    sequence among them must not recolour, retitle or rewrite the reader's terminal. Each
    rendered segment's text goes through :func:`dsl.source.visible`; rich's own colours are
    styles, not text, and control segments (cursor moves rich makes itself) pass unchanged.
    A line break in the statute's own text cannot reach here: strings end at a line."""

    def render(self, renderable: RenderableType, options: ConsoleOptions | None = None) -> Iterable[Segment]:
        for segment in super().render(renderable, options):
            if segment.control or not segment.text:
                yield segment
            else:
                # Rich's own line breaks are segment text too: keep those.
                text = "\n".join(visible(part) for part in segment.text.split("\n"))
                yield Segment(text, segment.style, segment.control)


STATUS_STYLE = {
    "proved": ("✓", "green"), "passed": ("✓", "green"), "unchanged": ("=", "green"),
    "satisfiable": ("✓", "green"), "unsatisfiable": ("✓", "green"),
    "counterexample": ("✗", "red"), "failed": ("✗", "red"), "conflict": ("✗", "red"),
    "gap": ("✗", "red"), "dead": ("!", "yellow"), "redundant": ("!", "yellow"),
    "vacuous": ("!", "yellow"), "unknown": ("?", "magenta"), "changed": ("Δ", "cyan"),
}


def headline(result: Result) -> Text:
    mark, style = STATUS_STYLE.get(result.status, ("•", "white"))
    if result.expected is not None and result.status == result.expected and result.status != "proved":
        style = "green"
    text = Text()
    text.append(f"{mark} ", style=style)
    label = result.kind if not result.code else f"{result.code} {result.kind}"
    text.append(f"{label} ", style="bold")
    text.append(result.name, style="bold")
    text.append(f"  {result.status}", style=style)
    if result.expected is not None and result.expected != "proved":
        note = "as expected" if result.status == result.expected else f"expected {result.expected}"
        text.append(f" ({note})", style="dim")
    text.append(f"  {result.location}", style="dim")
    if result.cached:
        text.append("  (cached)", style="dim")
    return text


def print_result(console: Console, result: Result, statutes: dict[str, StatuteModel], verbose: bool = False) -> None:
    console.print(headline(result))
    if result.version and (verbose or result.status not in ("proved", "passed", "unchanged")):
        console.print(Text(f"    in {result.version}", style="dim"))
    if result.message and (verbose or result.status not in ("passed",)):
        console.print(Text("    " + result.message))
    if result.kind == "diff" and result.status == "changed":
        print_diff_table(console, result)
        return
    if result.status not in ("passed", "unchanged") or verbose:
        for index, witness in enumerate(result.witnesses):
            if index and result.kind == "query":
                console.print(Text(f"    case {index + 1}:", style="bold"))
            print_witness(console, witness, indent=4)
        if result.witnesses and result.articles:
            console.print(Text("    articles: " + ", ".join(result.articles), style="bold"))


def print_witness(console: Console, witness: Witness, indent: int = 0) -> None:
    statute = witness.statute
    pad = " " * indent
    facts = Table(show_header=len(witness.facts) > 1, box=None, padding=(0, 2, 0, 0), pad_edge=False)
    facts.add_column(pad + "fact", style="bold")
    for case in witness.facts:
        facts.add_column(case or "value")
    # The facts the case gives (an example before an amendment need not give the facts it adds).
    names = [name for name in statute.facts if all(name in values for values in witness.facts.values())]
    for name in names:
        cells = [format_value(values[name], statute.facts[name].type) for values in witness.facts.values()]
        facts.add_row(pad + name, *cells)
    _item_fact_rows(facts, witness, pad)
    console.print(Text(pad + "the case:", style="underline"))
    console.print(facts)
    _print_item_decisions(console, witness, pad)
    if witness.dates and reads_peildatum(statute):
        shown = [f"{slot} {day.isoformat()}" if slot else day.isoformat() for slot, day in witness.dates.items()]
        console.print(Text(pad + "peildatum: " + ", ".join(shown)))
    if statute.kinds and not any(witness.explained(slot, case) for slot, case in witness.outcomes):
        return  # a finding about a decision per item: its outcome is shown per item above
    console.print(Text(pad + "outcome:", style="underline"))
    for (slot, case), outcomes in witness.outcomes.items():
        where = " ".join(part for part in (case and f"case {case}", slot and f"{slot} ({witness.versions[slot]})") if part)
        if where:
            console.print(Text(pad + "  " + where + ":", style="dim"))
        for name in witness.explained(slot, case):
            print_outcome(console, statute, outcomes[name], indent + 2)


def _item_fact_rows(table: Table, witness: Witness, pad: str) -> None:
    """The facts of each item, as ``kind[2].uren``; a kind without items as 'none'."""
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
            cells.append("none" if row in rows and type_ is None else
                         "-" if row not in rows else format_value(value, type_))
        table.add_row(pad + row, *cells)


def _print_item_decisions(console: Console, witness: Witness, pad: str) -> None:
    """Each decision per item, for each item of the case: ``kind[1].bedrag = €150``, with the
    rule that decided it."""
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
                outcome = evaluator.decision(name, context, slot)
                rules = ", ".join(f"{r.name} [{cite(statute, r.citation)}]" for r in outcome.deciding)
                where = f" ({rules})" if rules else " (otherwise)" if outcome.status == "default" else ""
                lines.append(f"{pad}  {slot + ': ' if slot else ''}{label(context)}.{name} = "
                             f"{show(statute, outcome)}{where}")
    if lines:
        console.print(Text(pad + "per item:", style="underline"))
        for line in lines:
            console.print(Text(line))


def print_outcome(console: Console, statute: StatuteModel, outcome: DecisionOutcome, indent: int) -> None:
    pad = " " * indent
    line = Text(pad)
    line.append(outcome.decision, style="bold")
    line.append(" = ")
    line.append(show(statute, outcome), style="bold cyan" if outcome.defined else "bold red")
    if outcome.status == "default":
        where = cite(statute, statute.decisions[outcome.decision].citation)
        line.append(f"  (no rule applies; 'otherwise'{' of ' + where if where else ''})", style="dim")
    elif outcome.reason:
        line.append(f"  ({outcome.reason})", style="dim")
    console.print(line)
    for trace in outcome.rules:
        rule = trace.rule
        where = f"{rule.name} [{cite(statute, rule.citation)}]"
        if trace.status == "applied":
            console.print(Text(pad + "  ✓ " + where + " applies", style="green"))
        elif trace.status == "overridden":
            console.print(Text(pad + f"  ↷ {where} applies but is overridden by {', '.join(trace.overridden_by)}", style="yellow"))
        elif trace.status == "undefined":
            console.print(Text(pad + f"  ? {where}: {trace.detail}", style="magenta"))
        else:
            failed = f": '{trace.failed_condition}' does not hold" if trace.failed_condition else ""
            console.print(Text(pad + f"  ✗ {where} does not apply{failed}", style="dim"))


def print_diff_table(console: Console, result: Result) -> None:
    rows = result.details.get("rows", [])
    if rows:
        table = Table(box=None, padding=(0, 2, 0, 4), show_edge=False)
        table.add_column("who (changed region)")
        table.add_column("before")
        table.add_column("after")
        table.add_column("")
        table.add_column("example", style="dim")
        for row, witness in zip(rows, result.witnesses):
            style = {"gains": "green", "loses": "red"}.get(row["direction"], "yellow")
            statute = witness.statute
            facts = witness.facts[None]
            relevant = set(result.details.get("finite_facts", [])) | set(result.details.get("numeric_facts", []))
            example = ", ".join(
                fact_text(statute, k, v).replace(" = ", "=") for k, v in facts.items()
                if not relevant or k in relevant or k in statute.kinds
            )
            combos = f"{row['combinations']} comb." if row["combinations"] > 1 else ""
            table.add_row(row["when"], row["before"], row["after"], Text(f"{row['direction']} {combos}".strip(), style=style), example)
        console.print(table)
    for line in diff_summary_lines(result):
        console.print(Text("    " + line, style="bold"))
    if result.articles:
        console.print(Text("    articles deciding the examples: " + ", ".join(result.articles), style="dim"))


def diff_summary_lines(result: Result) -> list[str]:
    """'who gains: N combination(s) ...; who loses: M; other changes: K', then the range of the
    change for numeric decisions. A count is a number only when the solver settled it: 0 is a
    proof that nobody is in that part, 'unknown' when the solver could not tell, 'at least N'
    when the groups could not all be listed."""
    details = result.details
    directions = details.get("directions", {})
    if set(directions) == {"changes"}:
        text = f"changes for {_count(directions['changes'])} combination(s) of enum/bool facts"
        lines = [text + " (the outcome has no order: nobody gains or loses)"]
    else:
        counts = {d: _count(directions[d]) if d in directions else "0" for d in ("gains", "loses", "changes")}
        lines = [f"who gains: {counts['gains']} combination(s) of enum/bool facts; who loses: {counts['loses']}; "
                 f"other changes: {counts['changes']}"]
    if not details.get("complete", True):
        reason = details.get("incomplete_reason") or "enumeration stopped"
        lines[0] += f" ({reason}; more groups may change)"
    statute_type = _decision_type(result)
    for direction, who in (("gains", "who gains"), ("loses", "who loses")):
        delta = directions.get(direction, {}).get("delta")
        if delta is not None and statute_type is not None:
            lines.append(f"change (after - before) for {who}: {_delta_text(delta, statute_type)}")
    return lines


def _count(part: dict) -> str:
    if part.get("status") == "unknown":
        return "unknown (the solver ran out of budget)"
    count = str(part.get("combinations"))
    return count if part.get("complete", True) else f"at least {count}"


def _decision_type(result: Result):
    if not result.witnesses:
        return None
    return result.witnesses[0].statute.decisions[result.name].type


def _delta_text(delta: dict, type_) -> str:
    """'€0.01 to €9,900.00', 'more than €0.00 to €5.00', '-€100.00 to ? (upper end: why)'."""
    notes = []

    def end(part: dict, side: str) -> str:
        if part.get("value") is None:
            notes.append(f"{'lower' if side == 'min' else 'upper'} end: {part.get('reason', 'unknown')}")
            return "?"
        # the JSON value encoding: an int, or an exact decimal or fraction as text ("0.001", "1/3")
        shown = format_value(Fraction(part["value"]) if type_.is_rational else part["value"], type_)
        if part.get("attained"):
            return shown
        return ("more than " if side == "min" else "less than ") + shown

    text = f"{end(delta['min'], 'min')} to {end(delta['max'], 'max')}"
    return text + (f" ({'; '.join(notes)})" if notes else "")


def print_summary(console: Console, results: list[Result]) -> None:
    counts: dict[str, int] = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    unexpected = [r for r in results if not r.as_expected]
    parts = ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
    style = "green" if not unexpected else "red"
    if not results:
        console.print(Text("\nno examples, properties or findings to report", style="bold"))
        return
    console.print(Text(f"\n{len(results)} result{'s' if len(results) != 1 else ''}: {parts}", style="bold"))
    if unexpected:
        console.print(Text(f"{len(unexpected)} need attention:", style=style))
        for result in unexpected:
            console.print(Text(f"  {result.location}: {result.kind} {result.name}: {result.status}", style=style))
    else:
        console.print(Text("everything as declared", style=style))
