"""Parse an edited file again by re-parsing only the items the edit touched.

The language server parses a document after every change (``dsl/parser.py``'s ``ParseMemo``
keeps the last trees). A drafter edits one rule of a 1.3 MB statute and the whole file was
parsed again: 1.2 s of the 2.3 s the server needed per change at 10,000 rules. Given the text
and tree of the last parse of the same file, :func:`reparse` finds the region that differs (the
common prefix and suffix of the two texts), re-parses the items of the one section around it
(with one more item on each side, so that an edit at an item's edge is seen by the item it
joins), keeps the items before as they are, and moves the items after by the number of lines
the edit added or removed. The result is the tree a full parse gives, spans included
(``tests/test_incremental_parse.py`` compares them on random edits of every ``.law`` file of
the repository).

It declines (returns None, and the caller parses the whole text) whenever it cannot be sure:
an edit in a section's header, across sections or before the first item, or on the line where
the next section's header starts; an item after the re-parsed ones that starts on the line
where they end; a text over the size limit; a re-parsed region that does not parse
or that the tree builder or the depth and nesting limits object to (the full parse then
reports the error with its own message); a section or file whose span does not end where its
last part ends.
"""

from __future__ import annotations

import bisect
import dataclasses
from typing import Any

from lark.exceptions import UnexpectedInput

from lexproof.dsl import ast
from lexproof.dsl.diagnostics import LexproofError
from lexproof.dsl.direct_parse import direct_parse
from lexproof.dsl.grammar import lark_parser
from lexproof.dsl.source import Span
from lexproof.dsl.text_limits import MAX_FILE_BYTES, check_bidi_controls, check_depth, check_nesting
from lexproof.dsl.tree_to_ast import ToAst


def reparse(path: str, old_text: str, old_tree: ast.File, new_text: str) -> ast.File | None:
    """The tree of ``new_text`` (the file ``path``), built from ``old_tree`` (the tree of
    ``old_text`` under the same name) by re-parsing the items the edit touched; None when that
    cannot be done safely (see the module docstring)."""
    if new_text == old_text:
        return old_tree
    if len(new_text.encode("utf-8", errors="replace")) > MAX_FILE_BYTES:
        return None  # the full parse refuses it, in its own words
    prefix = _common_prefix(old_text, new_text)
    suffix = _common_suffix(old_text, new_text, prefix)
    change_start, change_end = prefix, len(old_text) - suffix  # in the old text
    starts = _line_starts(old_text)
    sections = old_tree.sections
    for number, section in enumerate(sections):
        items = section.items
        if not items:
            continue
        first = _start(starts, items[0].span)
        next_start = _start(starts, sections[number + 1].span) if number + 1 < len(sections) else len(old_text)
        if change_start < first or change_end > next_start:
            continue  # not (only) within this section's items
        if number + 1 < len(sections) and "\n" not in old_text[change_end:next_start]:
            # The next section's header is on the line the edit ends on (or the edit touches
            # it): a token or comment the edit makes could run into it, and its columns could
            # move; only whole lines are moved safely.
            return None
        return _reparse_section(path, old_text, old_tree, new_text, number, change_start, change_end,
                                next_start, starts)
    return None


def _reparse_section(path: str, old_text: str, old_tree: ast.File, new_text: str, number: int,
                     change_start: int, change_end: int, next_start: int, starts: list[int]) -> ast.File | None:
    """``reparse`` for an edit within the items of section ``number`` (offsets in the old text;
    ``starts``: where its lines start)."""
    section = old_tree.sections[number]
    items = section.items
    ends = [starts[item.span.end_line - 1] + item.span.end_column - 1 for item in items]
    begins = [_start(starts, item.span) for item in items]
    touched = [k for k in range(len(items)) if ends[k] >= change_start and begins[k] <= change_end]
    if touched:
        first, last = touched[0], touched[-1]
    else:  # between two items: the one before (and, below, the one after)
        first = last = max(k for k in range(len(items)) if begins[k] <= change_start)
    low, high = max(0, first - 1), min(len(items), last + 2)  # items[low:high]: one more on each side
    # the items after the re-parsed ones must start on a later line than those end
    while high < len(items) and items[high].span.line <= bisect.bisect_right(starts, ends[high - 1]):
        high += 1
    last_old = items[-1].span
    if (section.span.end_line, section.span.end_column) != (last_old.end_line, last_old.end_column):
        return None  # the section's span is not its last item's end: nothing here to move it by
    window_start = begins[low]
    window_end = ends[high - 1] if high < len(items) else next_start  # the last: up to what follows
    growth = len(new_text) - len(old_text)
    if window_end < change_end:
        return None
    line, column = items[low].span.line, items[low].span.column
    window = new_text[window_start:window_end + growth]
    new_items = _parse_items(path, window, line, column, isinstance(section, ast.Amendment))
    if new_items is None:
        return None
    lines = new_text.count("\n") - old_text.count("\n")
    if not new_items or (new_items[0].span.line, new_items[0].span.column) != (line, column):
        return None
    if high < len(items):
        # The last item re-parsed is the unchanged one after the edit, where it was (moved by
        # the lines added): then it ends before the next item as it did in the last parse,
        # which decided there that the next item's first word starts a new item.
        neighbour, reparsed = items[high - 1].span, new_items[-1].span
        if (reparsed.line, reparsed.column, reparsed.end_line, reparsed.end_column) != (
                neighbour.line + lines, neighbour.column, neighbour.end_line + lines, neighbour.end_column):
            return None
    after = tuple(_moved(item, lines) for item in items[high:])
    all_items = items[:low] + new_items + after
    new_section = dataclasses.replace(section, items=all_items, span=section.span.to(all_items[-1].span))
    later = tuple(_moved(other, lines) for other in old_tree.sections[number + 1:])
    sections = old_tree.sections[:number] + (new_section,) + later
    last_section = old_tree.sections[-1].span
    if (old_tree.span.end_line, old_tree.span.end_column) != (last_section.end_line, last_section.end_column):
        return None
    return dataclasses.replace(old_tree, sections=sections, span=old_tree.span.to(sections[-1].span))


def _parse_items(path: str, window: str, line: int, column: int, amendment: bool) -> tuple | None:
    """The items written in ``window`` (which starts at ``line``:``column`` of the file), with
    the positions a parse of the whole file gives them; None if they do not parse cleanly."""
    padded = "\n" * (line - 1) + " " * (column - 1) + window  # the lexer counts the positions
    builder = ToAst(path)
    try:
        check_bidi_controls(window, path)
        check_nesting(window, path)
        result = direct_parse(lark_parser(), padded, "amendment_items" if amendment else "statute_items", builder)
        if result is None or builder.errors:
            return None
        check_depth(result)
    except (UnexpectedInput, LexproofError):
        return None
    return result


def _moved(node: Any, lines: int) -> Any:
    """``node`` with every span ``lines`` lines further down (a copy; nodes shared within it
    stay shared)."""
    if lines == 0:
        return node
    copies: dict[int, Any] = {}

    def move(value: Any) -> Any:
        kind = type(value)
        if kind is Span:
            return Span(value.file, value.line + lines, value.column, value.end_line + lines, value.end_column)
        if kind is tuple or kind is list:
            return kind([move(item) for item in value])
        if kind is frozenset:
            return frozenset(move(item) for item in value)
        if kind is dict:
            return {key: move(item) for key, item in value.items()}
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            known = copies.get(id(value))
            if known is None:  # built as the decoder of the load cache builds nodes: fields set directly
                known = object.__new__(kind)
                known.__dict__.update({name: move(item) for name, item in value.__dict__.items()})
                copies[id(value)] = known
            return known
        return value

    return move(node)


def _common_prefix(a: str, b: str) -> int:
    """The length of the longest common prefix (by halving: C-speed comparisons)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix(a: str, b: str, prefix: int) -> int:
    """The length of the longest common suffix that does not overlap the common prefix."""
    low, high = 0, min(len(a), len(b)) - prefix
    while low < high:
        middle = (low + high + 1) // 2
        if a[len(a) - middle:] == b[len(b) - middle:]:
            low = middle
        else:
            high = middle - 1
    return low


def _line_starts(text: str) -> list[int]:
    starts = [0]
    position = text.find("\n")
    while position >= 0:
        starts.append(position + 1)
        position = text.find("\n", position + 1)
    return starts


def _start(starts: list[int], span: Span) -> int:
    """The offset where ``span`` starts, given where each line starts."""
    return starts[span.line - 1] + span.column - 1
