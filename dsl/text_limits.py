"""Limits a text must keep before the parser and the passes after it see it: brackets nested
at most ``MAX_NESTING`` deep, expressions at most ``MAX_EXPRESSION_DEPTH`` levels, and no
bidirectional control characters. Apart from ``dsl/parser.py`` so that the incremental
re-parse (``dsl/incremental_parse.py``), which the parser's memo uses, applies the same ones."""

from __future__ import annotations

import re

from lexproof.dsl import ast
from lexproof.dsl.diagnostics import MAX_SHOWN, Diagnostic, LexproofError
from lexproof.dsl.source import Span

MAX_FILE_BYTES = 2_000_000  # a statute file larger than this is refused before it is parsed
MAX_NESTING = 100


_NESTING_MARKS = re.compile(r'--|[\n"\\(){}\[\]]')  # what the nesting check looks at


def check_nesting(text: str, path: str) -> None:
    """Reject absurd nesting before the (recursive) tree transformer sees it: brackets more
    than ``MAX_NESTING`` deep, outside strings and comments. A string or a comment ends at the
    end of its line; a backslash in a string escapes the next character (one at the end of a
    line escapes the first character of the next string). Jumps from mark to mark (brackets,
    quotes, backslashes, comment starts, line ends): a loop over every character was 0.09 s of
    parsing a 1.3 MB statute."""
    depth, at, size = 0, 0, len(text)
    in_string = escaped = False
    search = _NESTING_MARKS.search
    while True:
        found = search(text, at)
        if found is None:
            return
        index, mark = found.start(), found.group()
        at = index + len(mark)
        if mark == "\n":
            in_string = False  # texts end at a line (a pending escape waits for the next string)
            continue
        if in_string:
            if mark == "\\":
                if index + 1 < size and text[index + 1] != "\n":
                    at = index + 2  # the escaped character
                else:
                    escaped = True
            elif mark == '"':
                in_string = False
            continue  # '--' and brackets in a string are plain characters
        if mark == '"':
            in_string = True
            if escaped and at < size and text[at] != "\n":
                escaped, at = False, at + 1
        elif mark == "--":
            end = text.find("\n", index)
            if end < 0:
                return
            at = end
        elif mark in "({[":
            depth += 1
            if depth > MAX_NESTING:
                line = text.count("\n", 0, index) + 1
                column = index - (text.rfind("\n", 0, index) + 1) + 1
                raise LexproofError(
                    Diagnostic(
                        Span(path, line, column, line, column + 1),
                        f"brackets nested more than {MAX_NESTING} deep; split the expression "
                        "into decisions",
                    )
                )
        elif mark in ")}]":
            depth = max(0, depth - 1)


# Bidirectional embedding, override and isolate controls (the "Trojan Source" characters,
# CVE-2021-42574): inside a comment or a string they make an editor or a code review show
# text in another order than the parser reads it. Refused anywhere, as rustc does.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def check_bidi_controls(text: str, path: str) -> None:
    matches = list(_BIDI_CONTROLS.finditer(text))
    if not matches:
        return
    errors = []
    for match in matches[:MAX_SHOWN]:
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        errors.append(Diagnostic(
            Span(path, line, column, line, column + 1),
            f"a bidirectional control character (U+{ord(match.group()):04X}) is not allowed: it can make "
            "an editor show this text in another order than lexproof reads it; remove it",
        ))
    if len(matches) > MAX_SHOWN:
        errors[-1] = Diagnostic(errors[-1].span, errors[-1].message + f" ({len(matches) - MAX_SHOWN} more in this file)")
    raise LexproofError(errors)


MAX_EXPRESSION_DEPTH = 200


_NESTING = (ast.Binary, ast.Unary, ast.InSet, ast.IfThenElse, ast.Call)
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}  # an AST class -> its fields but the span


def _child_fields(kind: type) -> tuple[str, ...]:
    names = _CHILD_FIELDS.get(kind)
    if names is None:
        fields = getattr(kind, "__dataclass_fields__", None)
        names = _CHILD_FIELDS[kind] = tuple(n for n in fields if n != "span") if fields else ()
    return names


def check_depth(root: object) -> None:
    """Every later pass recurses over expressions; a chain like x + x + ... + x of thousands
    of terms would exhaust Python's stack there. Reject it here, with its position. Only AST
    nodes and tuples are walked (a tenth of a large statute's parse went to pushing and
    popping its strings and numbers)."""
    stack: list[tuple[object, int]] = [(root, 0)]
    push = stack.append
    while stack:
        node, depth = stack.pop()
        if type(node) is tuple:
            stack.extend((item, depth) for item in node)
            continue
        if isinstance(node, _NESTING):
            depth += 1
            if depth > MAX_EXPRESSION_DEPTH:
                raise LexproofError(Diagnostic(
                    node.span,  # type: ignore[attr-defined]
                    f"expression nested too deeply (more than {MAX_EXPRESSION_DEPTH} levels); split it into decisions",
                ))
        for name in _child_fields(type(node)):
            child = getattr(node, name)
            if type(child) is tuple:
                for item in child:
                    if type(item) is tuple or _child_fields(type(item)):
                        push((item, depth))
            elif _child_fields(type(child)):
                push((child, depth))
