"""Text to AST: the Lark LALR parser plus a transformer that builds frozen AST nodes with spans.

Syntax errors are translated into the language's own words ("expected a name or '}'"), never
Lark's token names, and carry the position of the offending token.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Any

from lark.exceptions import UnexpectedInput, VisitError

from lexproof.dsl import ast
from lexproof.dsl.diagnostics import Diagnostic, LexproofError
from lexproof.dsl.direct_parse import direct_parse
from lexproof.dsl.grammar import GRAMMAR_FILE, lark_parser  # noqa: F401 - re-exported
from lexproof.dsl.incremental_parse import reparse
from lexproof.dsl.source import SOURCES, Span
from lexproof.dsl.syntax_errors import syntax_diagnostic
from lexproof.dsl.text_limits import (  # noqa: F401 - re-exported
    MAX_EXPRESSION_DEPTH,
    MAX_FILE_BYTES,
    MAX_NESTING,
    check_bidi_controls,
    check_depth,
    check_nesting,
)
from lexproof.dsl.tree_to_ast import ToAst


def _run(text: str, path: str, start: str) -> Any:
    if len(text.encode("utf-8", errors="replace")) > MAX_FILE_BYTES:
        raise LexproofError(
            Diagnostic(Span(path, 1, 1, 1, 2), f"file larger than {MAX_FILE_BYTES} bytes; split it")
        )
    SOURCES.add(path, text)
    check_bidi_controls(text, path)
    check_nesting(text, path)
    builder = ToAst(path)
    try:
        # Straight to the AST (dsl/direct_parse.py): a fifth faster than a parse tree and a
        # pass over it. None: this Lark lacks what that needs; the tree is built below.
        result = direct_parse(lark_parser(), text, start, builder)
    except UnexpectedInput:
        result, builder = None, ToAst(path)  # the tree parser reports the error, below
    if result is not None:
        if builder.errors:
            raise LexproofError(builder.errors)
        check_depth(result)
        return result
    try:
        tree = lark_parser().parse(text, start=start)
    except UnexpectedInput as error:
        raise LexproofError(syntax_diagnostic(error, path, text)) from None
    # The transformer recurses once per nesting level; long 'implies' or 'if' chains are deep
    # without brackets. Pure-Python recursion is cheap in 3.11, so allow it here and let
    # _check_depth report the expression with its position.
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))
    try:
        result = builder.transform(tree)
    except (RecursionError, VisitError) as error:
        original = getattr(error, "orig_exc", error)
        if not isinstance(original, RecursionError):
            raise original from None
        raise LexproofError(
            Diagnostic(_deepest(tree, path), "the file is nested too deeply to read; split the expression into decisions")
        ) from None
    finally:
        sys.setrecursionlimit(limit)
    if builder.errors:
        raise LexproofError(builder.errors)
    check_depth(result)
    return result


def _deepest(tree: Any, path: str) -> Span:
    """Where the deepest part of a parse tree starts (found without recursion), to point at the
    expression that is nested too deeply for the transformer."""
    best, best_depth = Span(path, 1, 1, 1, 2), -1
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        meta = getattr(node, "meta", None)
        if meta is not None and not getattr(meta, "empty", True) and (
            depth > best_depth or (depth == best_depth and (meta.line, meta.column) < (best.line, best.column))
        ):
            best, best_depth = Span(path, meta.line, meta.column, meta.line, meta.column + 1), depth
        stack.extend((child, depth + 1) for child in getattr(node, "children", ()))
    return best


class ParseMemo:
    """The syntax trees of the last texts parsed, by file name and text, for a process that
    parses the same files again and again: the language server loads a document with its
    imports after every change and then indexes the same files (at 10,000 rules that was
    three parses of 1.2-2.4 s per keystroke). A tree is immutable, so a text parsed before
    under the same name gives the very tree it gave then; an edited text is re-parsed from the
    last tree of the same name where only the items the edit touched are parsed again
    (``dsl/incremental_parse.py``). Off (``limit`` 0) unless a long-lived
    host turns it on (:func:`remember_parses`): a one-shot command parses each file once, and
    keeping its tree alive would only give the collector more to walk. Bounded in files, in
    texts per file and in characters; only successful parses are kept (a syntax error is
    reported afresh)."""

    MAX_CHARACTERS = 64_000_000
    # Texts kept per file name: the one before the last (an undo gets its tree back) and the
    # last (what an edit is re-parsed from). Every edit of a file made a new text, and each
    # tree of a 10,000-rule statute holds tens of megabytes: 32 of them outgrew the machine.
    PER_FILE = 2

    def __init__(self) -> None:
        self.limit = 0
        self._trees: dict[tuple[str, str], ast.File] = {}  # oldest first

    def get(self, path: str, text: str) -> ast.File | None:
        tree = self._trees.pop((path, text), None)
        if tree is not None:
            self._trees[(path, text)] = tree  # now the most recent
        return tree

    def reparsed(self, path: str, text: str) -> ast.File | None:
        """The tree of ``text`` built from the last tree kept for ``path`` by re-parsing only
        what the edit touched (``dsl/incremental_parse.py``), or None (then parse it all)."""
        for (kept_path, kept_text), tree in reversed(self._trees.items()):
            if kept_path == path:
                return reparse(path, kept_text, tree, text)
        return None

    def put(self, path: str, text: str, tree: ast.File) -> None:
        if self.limit <= 0 or len(text) > self.MAX_CHARACTERS:
            return
        self._trees[(path, text)] = tree
        same_file = [key for key in self._trees if key[0] == path]
        for key in same_file[:-self.PER_FILE]:  # the oldest texts of this file
            del self._trees[key]
        while len(self._trees) > self.limit or sum(len(t) for _, t in self._trees) > self.MAX_CHARACTERS:
            del self._trees[next(iter(self._trees))]


PARSES = ParseMemo()


def remember_parses(files: int) -> None:
    """Keep the trees of the last ``files`` texts parsed (:class:`ParseMemo`; 0: none)."""
    PARSES.limit = files
    if files <= 0:
        PARSES._trees.clear()


def parse_text(text: str, path: str = "<input>") -> ast.File:
    """Parse the text of a ``.law`` file. Raises :class:`LexproofError` with positions."""
    if PARSES.limit:
        tree = PARSES.get(path, text) or PARSES.reparsed(path, text)
        if tree is not None:
            SOURCES.add(path, text)  # as a parse does: diagnostics quote the file's lines
            PARSES.put(path, text, tree)
            return tree
    tree = _run(text, path, "start")
    PARSES.put(path, text, tree)
    return tree


def parse_query(text: str, path: str = "<query>") -> tuple[str | None, ast.Expr]:
    """Parse a query: ``exists Facts: EXPR`` or a bare expression."""
    return _run(text, path, "query")


def read_source(path: str | Path) -> str:
    """The text of a statute file, read without trusting what the file is.

    Opened non-blocking and checked with ``fstat`` on the open descriptor (no race with a
    swapped file): only a regular file is read (a fifo or device would block or never end),
    and one larger than :data:`MAX_FILE_BYTES` is refused before it is read into memory.
    Raises :class:`LexproofError`; an unreadable file is a diagnostic, not a traceback."""
    name = str(path)
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        try:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):  # before fdopen, which refuses a directory
                raise LexproofError(Diagnostic(Span(name, 1, 1, 1, 2), "cannot read the file: not a regular file"))
            with os.fdopen(os.dup(descriptor), "rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        finally:
            os.close(descriptor)
    except OSError as error:
        raise LexproofError(
            Diagnostic(Span(name, 1, 1, 1, 2), f"cannot read the file: {error.strerror}")
        ) from None
    if len(data) > MAX_FILE_BYTES:
        raise LexproofError(
            Diagnostic(Span(name, 1, 1, 1, 2), f"file larger than {MAX_FILE_BYTES} bytes; split it")
        )
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark is harmless: accept it
    except UnicodeDecodeError as error:
        before = data[: error.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")  # lines as below
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        raise LexproofError(
            Diagnostic(Span(name, line, column, line, column + 1), f"the file is not UTF-8 text ({error.reason})")
        ) from None
    # Every line ending is a line ending, as for an editor and for 'lexproof fmt': a lone CR
    # inside a comment hid the rest of the line from 'check' (the comment ran to the next
    # '\n'), while 'fmt --write' and most editors show it as code on a line of its own.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_file(path: str | Path) -> ast.File:
    """Read (:func:`read_source`) and parse a file."""
    return parse_text(read_source(path), str(path))


_lark = lark_parser  # older name, kept for the benchmarks
