"""The facts of a case printed line by line (``render._plain_facts``) look exactly as rich's
table printed them: the same characters, and in a terminal the same styles, or the table is
used. Checked against the table itself on random names and values (markup, emoji codes, wide
characters, long values) and on every case the bundled statutes' findings show."""

from __future__ import annotations

import io
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.table import Table

from lexproof.verifier import api
from lexproof.verifier.render import SafeConsole, _plain_facts, print_witness

ROOT = Path(__file__).resolve().parent.parent


def _console(terminal: bool, width: int) -> tuple[SafeConsole, io.StringIO]:
    out = io.StringIO()
    console = SafeConsole(file=out, force_terminal=terminal, color_system="truecolor" if terminal else None,
                          width=width, highlight=False, soft_wrap=True)
    return console, out


def _as_table(rows: list[tuple[str, list[str]]], terminal: bool, width: int) -> str:
    console, out = _console(terminal, width)
    table = Table(show_header=False, box=None, padding=(0, 2, 0, 0), pad_edge=False)
    table.add_column("fact", style="bold")
    table.add_column("value")
    for name, cells in rows:
        table.add_row(name, *cells)
    console.print(table)
    return out.getvalue()


def _as_lines(rows: list[tuple[str, list[str]]], terminal: bool, width: int) -> str | None:
    console, out = _console(terminal, width)
    plain = _plain_facts(console, rows)
    if plain is None:
        return None
    console.print(plain)
    return out.getvalue()


_TEXT = st.text(st.sampled_from("abc_xyz019 €,.%[]:/\\nü漢\u200b-"), min_size=1, max_size=30)


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.tuples(_TEXT, _TEXT.map(lambda value: [value])), min_size=1, max_size=8),
       terminal=st.booleans(), width=st.sampled_from([20, 40, 120]), indent=st.sampled_from(["", "    "]))
def test_the_lines_are_the_table_or_the_table_is_used(rows, terminal: bool, width: int, indent: str) -> None:
    rows = [(indent + name, cells) for name, cells in rows]
    lines = _as_lines(rows, terminal, width)
    if lines is not None:
        assert lines == _as_table(rows, terminal, width)


def test_plain_cases_take_the_lines() -> None:
    rows = [("    inkomen", ["€ 28.000,00"]), ("    peildatum", ["1 januari 2015"]), ("    x", ["5"])]
    lines = _as_lines(rows, True, 120)
    assert lines is not None and lines == _as_table(rows, True, 120)
    assert "\x1b[1m    x        \x1b[0m\x1b[1m  \x1b[0m5             \n" in lines  # name, gap: two bold runs
    assert _as_lines(rows, False, 20) is None  # 30 cells wide: rich folds it, the table is used
    assert _as_lines([("x", ["[bold]a"])], False, 120) is None  # markup in a table cell


def test_every_case_of_the_bundled_findings_prints_as_before(monkeypatch) -> None:
    """Each counterexample and example of ``lexproof check statutes/``, printed as the report
    prints it, with the lines and with the table only."""
    from lexproof.verifier import render

    results = api.check(api.load(ROOT / "statutes"), date="2026-06-01")
    witnesses = [witness for result in results for witness in result.witnesses]
    assert len(witnesses) >= 10
    for terminal in (False, True):
        for width in (60, 120):
            shown = []
            for use_lines in (True, False):
                if not use_lines:
                    monkeypatch.setattr(render, "_plain_facts", lambda console, rows: None)
                console, out = _console(terminal, width)
                for witness in witnesses:
                    print_witness(console, witness, indent=4, lang="nl")
                shown.append(out.getvalue())
                monkeypatch.undo()
            assert shown[0] == shown[1]
