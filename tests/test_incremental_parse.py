"""Re-parsing only the items an edit touched (dsl/incremental_parse.py) gives the tree a full
parse gives, spans included, or declines; it never accepts a text the full parse refuses.

Checked on random edits (lines duplicated and deleted, characters deleted, snippets of the same
file inserted, digits changed, blank lines added) of every ``.law`` file of the repository, one
edit at a time and as chains of edits each re-parsed from the tree the one before gave."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest

from lexproof.dsl import parser as parser_module
from lexproof.dsl.diagnostics import LexproofError
from lexproof.dsl.incremental_parse import reparse
from lexproof.dsl.parser import parse_text
from lexproof.dsl.source import Span

ROOT = Path(__file__).resolve().parents[1]
LAW_FILES = sorted(p for p in ROOT.rglob("*.law") if ".ci" not in p.parts and ".venv" not in p.parts)


def difference(a: object, b: object, where: str = "file") -> str | None:
    """Where two trees differ, spans included (the AST's equality leaves spans out), or None."""
    if type(a) is not type(b):
        return f"{where}: {type(a).__name__} against {type(b).__name__}"
    if isinstance(a, Span):
        return None if a == b else f"{where}: {a!r} against {b!r}"
    if dataclasses.is_dataclass(a):
        for name, value in vars(a).items():
            found = difference(value, vars(b).get(name), f"{where}.{name}")
            if found:
                return found
        return None
    if isinstance(a, (tuple, list)):
        if len(a) != len(b):  # type: ignore[arg-type]
            return f"{where}: {len(a)} parts against {len(b)}"  # type: ignore[arg-type]
        for index, (x, y) in enumerate(zip(a, b)):  # type: ignore[call-overload]
            found = difference(x, y, f"{where}[{index}]")
            if found:
                return found
        return None
    return None if a == b else f"{where}: {a!r} against {b!r}"


def full_parse(text: str):
    try:
        return parse_text(text, "f.law")
    except LexproofError:
        return None


def edited(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    kind = rng.randrange(6)
    at = rng.randrange(len(text) + 1)
    if kind == 0:  # a line duplicated elsewhere (an item copied, a line of one split)
        lines.insert(rng.randrange(len(lines) + 1), lines[rng.randrange(len(lines))])
        return "\n".join(lines)
    if kind == 1 and len(lines) > 1:  # a line deleted
        del lines[rng.randrange(len(lines))]
        return "\n".join(lines)
    if kind == 2:  # a few characters deleted
        return text[:at] + text[at + rng.randrange(1, 6):]
    if kind == 3:  # a snippet of the file typed elsewhere
        start = rng.randrange(len(text) + 1)
        return text[:at] + text[start:start + rng.randrange(1, 40)] + text[at:]
    if kind == 4:  # a digit changed (a threshold, a date, a line number)
        digits = [i for i, c in enumerate(text) if c.isdigit()]
        if digits:
            i = rng.choice(digits)
            return text[:i] + str(rng.randrange(10)) + text[i + 1:]
    return text[:at] + "\n" * rng.randrange(1, 3) + text[at:]


def test_random_edits_give_the_full_parse_or_nothing() -> None:
    edited_files = 0
    for path in LAW_FILES:
        text = path.read_text(encoding="utf-8")
        tree = full_parse(text)
        if tree is not None:  # (some files are meant not to parse: tests of syntax errors)
            edited_files += 1
            _check_edits(path, text, tree)
    assert edited_files > 50


def _check_edits(path: Path, text: str, tree) -> None:
    rng = random.Random(str(path.relative_to(ROOT)))
    used = 0
    for _ in range(12):
        new_text = edited(rng, text)
        expected, got = full_parse(new_text), reparse("f.law", text, tree, new_text)
        if expected is None:
            assert got is None, f"{path}: accepted a text the full parse refuses"
        elif got is not None:
            assert difference(expected, got) is None, f"{path}: {difference(expected, got)}"
            used += 1
    # chains: each edit re-parsed from the tree the last one gave
    current_text, current_tree = text, tree
    for _ in range(8):
        new_text = edited(rng, current_text)
        expected = full_parse(new_text)
        if expected is None:
            continue
        got = reparse("f.law", current_text, current_tree, new_text)
        if got is not None:
            assert difference(expected, got) is None, f"{path}: {difference(expected, got)}"
            used += 1
        current_text, current_tree = new_text, (got if got is not None else expected)
    assert used or len(text) < 400, f"{path}: no edit was re-parsed incrementally"


STATUTE = """\
statute S "Wet"
facts F {
  x: int 0..100
  y: int 0..100
}
decision d: bool otherwise false
decision e: int otherwise 0
rule r1 [art. 1]: d = true if x > 10
rule r2 [art. 2]: e = x + y
rule r3 [art. 3]: e = 1 if d
"""


def test_an_edit_of_one_rule_keeps_the_other_items_and_moves_the_later_ones() -> None:
    tree = full_parse(STATUTE)
    new_text = STATUTE.replace("x > 10\n", "x > 10\n\n\n")
    got = reparse("f.law", STATUTE, tree, new_text)
    assert got is not None and difference(full_parse(new_text), got) is None
    old_items, new_items = tree.sections[0].items, got.sections[0].items
    assert new_items[0] is old_items[0]  # before the re-parsed items: the very same nodes
    assert new_items[-1].span.line == old_items[-1].span.line + 2  # after them: two lines down


@pytest.mark.parametrize("new_text", [
    STATUTE.replace('"Wet"', '"Wet op x"'),  # the section's header
    STATUTE.replace("x > 10", "x >"),  # no longer parses
    STATUTE.replace("x > 10", "x > 10 ((((("),
    STATUTE + "rule r4 [art. 4]: d = true if y > 1000000000000000000000000000000000000000000 +",
])
def test_what_it_cannot_do_safely_it_leaves_to_the_full_parse(new_text: str) -> None:
    assert reparse("f.law", STATUTE, full_parse(STATUTE), new_text) is None


def test_the_parse_memo_re_parses_an_edited_text_from_the_last_tree_of_that_file(monkeypatch) -> None:
    parsed: list[str] = []
    real_run = parser_module._run
    monkeypatch.setattr(parser_module, "_run", lambda text, path, start: parsed.append(path) or real_run(text, path, start))
    parser_module.remember_parses(4)
    try:
        parse_text(STATUTE, "s.law")
        edited_text = STATUTE.replace("x > 10", "x > 20")
        got = parse_text(edited_text, "s.law")
        assert parsed == ["s.law"]  # only the first text was parsed whole
        with pytest.raises(LexproofError) as raised:
            parse_text(STATUTE.replace("x > 10", "x >"), "s.law")
        assert parsed == ["s.law", "s.law"]  # a syntax error comes from the full parse
        assert "s.law:9:1: error: unexpected 'rule'" in raised.value.render()  # as a one-shot parse says
    finally:
        parser_module.remember_parses(0)
    assert difference(parse_text(edited_text, "s.law"), got) is None


HEAD = "statute S\nfacts F { x: int }\ndecision d: int otherwise 0\n"


@pytest.mark.parametrize(("old_text", "new_text"), [
    # found by a review: the next section's header on the line the edit ends on. Its columns
    # move with the edit ...
    ("statute S\nuses A statute T uses B\n", "statute S\nuses AB statute T uses B\n"),
    # ... a token the edit makes runs into it (the full parse refuses the text) ...
    (HEAD + "rule r [art. 1]: d = 100amendment A amends S in force 2020-01-01\n",
     HEAD + "rule r [art. 1]: d = a00amendment A amends S in force 2020-01-01\n"),
    # ... or a comment the edit opens swallows it (the example joins statute S)
    (HEAD + 'rule r [art. 1]: d = x   amendment A amends S in force 2020-01-01\nexample "e" { x = 1 } expect d = 1\n',
     HEAD + 'rule r [art. 1]: d = x -- amendment A amends S in force 2020-01-01\nexample "e" { x = 1 } expect d = 1\n'),
])
def test_an_edit_on_the_line_of_the_next_sections_header_is_parsed_whole(old_text: str, new_text: str) -> None:
    old_tree = full_parse(old_text)
    assert old_tree is not None
    got = reparse("f.law", old_text, old_tree, new_text)
    expected = full_parse(new_text)
    assert got is None or (expected is not None and difference(expected, got) is None)
    assert got is None  # declined: only whole lines are moved


def test_a_text_over_the_size_limit_is_left_to_the_full_parse() -> None:
    tree = full_parse(STATUTE)
    huge = STATUTE.replace("rule r1", "rule r1" + "x" * parser_module.MAX_FILE_BYTES)
    assert reparse("f.law", STATUTE, tree, huge) is None
