"""The facts of a case printed line by line (``render._plain_facts``) look exactly as rich's
table printed them: the same characters, and in a terminal the same styles, or the table is
used. Checked against the table itself on random names and values (markup, emoji codes, wide
characters, long values) and on every case the bundled statutes' findings show. Likewise the
outcomes' lines (``render._Lines``) against rich's own rendering of the same texts, and the
console's filter of what a terminal would act on (``visible_lines``) against ``visible``."""

from __future__ import annotations

import io
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Group
from rich.table import Table
from rich.text import Text

from lexproof.dsl.source import visible, visible_lines
from lexproof.verifier import api
from lexproof.verifier.render import SafeConsole, _Lines, _plain_facts, print_witness

ROOT = Path(__file__).resolve().parent.parent


def _console(terminal: bool, width: int, soft_wrap: bool = True) -> tuple[SafeConsole, io.StringIO]:
    out = io.StringIO()
    console = SafeConsole(file=out, force_terminal=terminal, color_system="truecolor" if terminal else None,
                          width=width, highlight=False, soft_wrap=soft_wrap)
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
                if not use_lines:  # the table, and every outcome's line rendered by rich itself
                    monkeypatch.setattr(render, "_plain_facts", lambda console, rows: None)
                    monkeypatch.setattr(render, "_line_pieces", lambda text, options: None)
                console, out = _console(terminal, width)
                for witness in witnesses:
                    print_witness(console, witness, indent=4, lang="nl")
                shown.append(out.getvalue())
                monkeypatch.undo()
            assert shown[0] == shown[1]


# Pieces of a line: text with what a terminal acts on (ESC, bell, carriage return, a line break,
# a tab, a bidirectional override), wide characters, and the styles print_outcome uses.
_PIECE = st.text(st.sampled_from("ab =✓↷€ 1,.\x1b\x07\r\n\t\u202e漢[]"), max_size=12)
_STYLE = st.sampled_from(["", "bold", "dim", "green", "bold cyan", "bold red", "yellow", "magenta", "underline"])


@st.composite
def _texts(draw) -> Text:
    """A line as print_outcome and print_witness make them: appended pieces, each in a style or
    none; or one text in one style (sometimes with pieces appended to it as well)."""
    text = Text(draw(_PIECE), style=draw(_STYLE))
    for piece, style in draw(st.lists(st.tuples(_PIECE, _STYLE), max_size=5)):
        text.append(piece, style=style or None)
    if draw(st.booleans()):
        text.end = draw(st.sampled_from(["", "\n", "!\n"]))
    return text


def _printed(renderable, terminal: bool, width: int, soft_wrap: bool) -> str:
    console, out = _console(terminal, width, soft_wrap)
    console.print(renderable)
    return out.getvalue()


def _printed_justified(renderable, terminal: bool, width: int, soft_wrap: bool, justify: str | None) -> str:
    console, out = _console(terminal, width, soft_wrap)
    console.print(renderable, justify=justify)  # type: ignore[arg-type]
    return out.getvalue()


@settings(max_examples=400, deadline=None)
@given(texts=st.lists(_texts(), max_size=6), terminal=st.booleans(), width=st.sampled_from([8, 40, 120]),
       soft_wrap=st.booleans(), justify=st.sampled_from([None, None, "left", "center", "right", "full"]))
def test_the_outcome_lines_print_as_rich_prints_their_texts(texts: list[Text], terminal: bool, width: int,
                                                            soft_wrap: bool, justify: str | None) -> None:
    lines = _Lines()
    for text in texts:
        lines.print(text)
    assert _printed_justified(lines, terminal, width, soft_wrap, justify) == \
        _printed_justified(Group(*texts), terminal, width, soft_wrap, justify)


def test_the_outcome_lines_keep_each_piece_in_its_style() -> None:
    """The pieces of a plain line, in a terminal: each its own colour run, as rich writes them."""
    line = Text("  ")
    line.append("recht", style="bold")
    line.append(" = ")
    line.append("ja", style="bold cyan")
    lines = _Lines()
    lines.print(line)
    lines.print(Text("  ✓ r1 [art. 1] is van toepassing", style="green"))
    shown = _printed(lines, True, 120, True)
    assert shown == ("  \x1b[1mrecht\x1b[0m = \x1b[1;36mja\x1b[0m\n"
                     "\x1b[32m  ✓ r1 [art. 1] is van toepassing\x1b[0m\n")


@settings(max_examples=500, deadline=None)
@given(text=st.text(st.sampled_from("ab \n\r\x1b\x0b\x85\u2028\u202e\x7f\t\U000e0041")))
def test_visible_lines_is_visible_of_each_line(text: str) -> None:
    assert visible_lines(text) == "\n".join(visible(part) for part in text.split("\n"))


def test_visible_lines_gives_back_a_text_it_leaves_alone() -> None:
    text = "inkomen = € 28.000,00\n"
    assert visible_lines(text) is text
    assert visible_lines("a\x1b[31m\n") == "a␛[31m\n"


def test_no_printable_character_is_one_that_visible_replaces() -> None:
    """``visible`` gives a printable text back unread (``str.isprintable``: no character of the
    Unicode categories Other or Separator but the space); sound only if every character it
    would replace is non-printable. Checked for every code point."""
    from lexproof.dsl.source import _INVISIBLE

    replaced = [code for code in range(0x110000) if _INVISIBLE.match(chr(code))]
    assert len(replaced) > 200  # the controls, format characters and tag characters
    assert not [hex(code) for code in replaced if chr(code).isprintable()]
