"""Reading a case file (JSON) that may be hostile: every problem a clean, positioned
diagnostic, in time and memory proportional to the file.

Python's ``json`` module alone accepts ``Infinity`` and ``NaN``, recurses once per nesting
level (100,000 ``[`` exhaust the stack), turns a 5,000-digit integer into a ValueError and a
``1e-999999999`` into a Decimal whose exact value takes minutes to build. One linear scan of
the text's tokens rules all of these out, with the position of the offending token, before
``json.loads`` sees it. The same scan indexes the position of every object key, so that a
diagnostic about a key costs a dictionary look-up rather than a search through the text.
"""

from __future__ import annotations

import json
import os
import re
import stat
from decimal import Decimal
from pathlib import Path

from lexproof.dsl.diagnostics import Diagnostic, LexproofError
from lexproof.dsl.loader import PROJECT_MARKERS
from lexproof.dsl.source import Span
from lexproof.dsl.values import MAX_DIGITS, clip, number_too_long

MAX_CASE_BYTES = 10_000_000  # one case's facts; a file beyond this (or /dev/zero) is not one
MAX_DEPTH = 100  # a case is an object of facts (perhaps under "facts"): nesting this deep is never one

# Outside strings, JSON has no quotes: scanning string tokens whole, left to right, keeps every
# other token outside them. A lone quote is an unterminated string (json.loads reports it).
_STRING = r'"[^"\\\x00-\x1f]*(?:\\.[^"\\\x00-\x1f]*)*"'
_TOKEN = re.compile(_STRING + r'|"|[\[\]{}]|-?(?:Infinity|NaN)|-?[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]*)?')
_KEY_TOKEN = re.compile(f'({_STRING})(\\s*:)?|"')  # strings only: group 2 marks a key
_OBJECT_TOKEN = re.compile(f'({_STRING})\\s*:|{_STRING}|[\\[\\]{{}}]')  # keys (group 1), other strings, brackets


def read_case_text(name: str) -> str:
    """The text of a case file, read up to ``MAX_CASE_BYTES`` (a device or a fifo given as the
    case would otherwise be read without end)."""
    span = Span(name, 1, 1, 1, 2)
    refused = link_refusal(name)
    if refused is not None:
        raise LexproofError(Diagnostic(span, f"refused to read the case file: {refused}"))
    try:
        with open(name, "rb") as file:
            data = file.read(MAX_CASE_BYTES + 1)
    except OSError as error:
        raise LexproofError(Diagnostic(span, f"cannot read the case file: {error.strerror or error}")) from None
    if len(data) > MAX_CASE_BYTES:
        raise LexproofError(Diagnostic(span, f"the case file is larger than {MAX_CASE_BYTES:,} bytes"))
    try:
        return data.decode("utf-8-sig")  # a byte-order mark is harmless, as in statutes
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        message = f"the case file is not UTF-8 text ({error.reason})"
        raise LexproofError(Diagnostic(Span(name, line, column, line, column + 1), message)) from None


def _case_root(written: Path) -> Path:
    """The folder a case file named on the command line belongs to, found from the path as
    written (not as resolved): the nearest enclosing folder with a project marker, else its
    own folder; as for a statute file named directly (dsl/loader.py, ``statute_root``)."""
    for folder in written.parents:
        if any((folder / marker).is_file() for marker in PROJECT_MARKERS):
            return folder.resolve()
    return written.parent.resolve()


def link_refusal(name: str) -> str | None:
    """Why the case file ``name`` may not be read, or None: when a symbolic link on its way
    leads to a regular file outside the folder the path names (``_case_root``).

    The path on the command line is trusted, the files in a checked-out pull request are not:
    ``cases/x.json`` may be a link to /proc/self/environ or ~/.aws/credentials, whose first
    line the 'not valid JSON' diagnostic would show in the CI log. Only regular files are
    refused: a pipe or terminal (``--case /dev/stdin``) holds nothing from the disk, and
    reading it is bounded anyway. The reason never quotes the file (it is not opened)."""
    if name == "/dev/stdin" or name.startswith(("/dev/fd/", "/proc/self/fd/")):
        return None  # the command line's own stream, whatever it is redirected from
    written = Path(os.path.abspath(name))
    try:
        resolved = written.resolve(strict=True)
        regular = stat.S_ISREG(resolved.stat().st_mode)
    except (OSError, RuntimeError):
        return None  # missing or a link loop: open() says so
    root = _case_root(written)
    if not regular or resolved.is_relative_to(root):
        return None
    return f"it leads, through a symbolic link, out of '{root}'"


class _Scanner:
    """Line and column of offsets met in increasing order, in linear time overall."""

    def __init__(self, name: str, text: str) -> None:
        self.name, self.text = name, text
        self._offset, self._line, self._line_start = 0, 1, 0

    def position(self, offset: int) -> tuple[int, int]:
        newlines = self.text.count("\n", self._offset, offset)
        if newlines:
            self._line += newlines
            self._line_start = self.text.rfind("\n", 0, offset) + 1
        self._offset = offset
        return self._line, offset - self._line_start + 1

    def error(self, offset: int, length: int, message: str) -> LexproofError:
        line, column = self.position(offset)
        return LexproofError(Diagnostic(Span(self.name, line, column, line, column + max(1, length)), message))


def check_tokens(name: str, text: str) -> None:
    """Raise a positioned LexproofError for the first token ``json.loads`` must not see: a
    nesting deeper than ``MAX_DEPTH``, ``Infinity``/``NaN``, or a number with more than
    ``MAX_DIGITS`` digits written out."""
    scanner = _Scanner(name, text)
    depth = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        first = token[0]
        if first == '"':
            if len(token) == 1:
                return  # an unterminated string: from here on json.loads has the better message
        elif first in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise scanner.error(match.start(), 1, f"the case is nested more than {MAX_DEPTH} levels deep")
        elif first in "]}":
            depth -= 1
        elif token.lstrip("-")[0] in "IN":
            raise scanner.error(
                match.start(), len(token), f"not valid JSON: {token} is not a number in JSON (write a finite number)"
            )
        elif number_too_long(token):
            raise scanner.error(
                match.start(), len(token),
                f"the number {clip(token, 40)} has more than {MAX_DIGITS} digits written out in full",
            )


def key_positions(name: str, text: str) -> dict[str, Span]:
    """The span of the first occurrence of every object key in the text."""
    scanner = _Scanner(name, text)
    positions: dict[str, Span] = {}
    for match in _KEY_TOKEN.finditer(text):
        token = match.group(1)
        if token is None:
            break  # an unterminated string: nothing after it is a key
        if match.group(2) is None:
            continue  # a string value, not a key
        if "\\" in token:
            try:
                key = json.loads(token)
            except ValueError:
                continue
        else:
            key = token[1:-1]  # no escapes: the text is the key (json.loads is 10x slower)
        if key not in positions:
            line, column = scanner.position(match.start())
            positions[key] = Span(name, line, column, line, column + len(token))
    return positions


_OUTER_TOKEN = re.compile(f'({_STRING})(\\s*:)?|[{{}}\\[\\]]|"')  # keys and values, brackets


def top_level_key_positions(name: str, text: str) -> dict[str, Span]:
    """The span of every key of the outermost object (not of objects inside it): a key that
    also occurs deeper is pointed at where it stands at the top."""
    scanner = _Scanner(name, text)
    positions: dict[str, Span] = {}
    depth = 0
    for match in _OUTER_TOKEN.finditer(text):
        token = match.group(0)
        if token in "{[":
            depth += 1
        elif token in "}]":
            depth -= 1
        elif match.group(1) is None:
            break  # an unterminated string: nothing after it is a key
        elif match.group(2) is not None and depth == 1:
            try:
                key = json.loads(match.group(1))
            except ValueError:
                continue
            if key not in positions:
                line, column = scanner.position(match.start())
                positions[key] = Span(name, line, column, line, column + len(match.group(1)))
    return positions


def parse_case_json(name: str, text: str) -> object:
    """The JSON value of a case file's text; LexproofError (positioned) if it is not JSON or
    holds what lexproof will not read (see ``check_tokens``). Fractions stay exact: JSON
    decimals become Decimal, never float."""
    check_tokens(name, text)
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_no_constant, object_pairs_hook=_unique_keys)
    except _DuplicateKey as duplicate:
        raise LexproofError(Diagnostic(
            _second_occurrence(name, text), f"'{clip(duplicate.key, 80)}' is given twice in one object",
        )) from None
    except json.JSONDecodeError as error:
        span = Span(name, error.lineno, error.colno, error.lineno, error.colno + 1)
        raise LexproofError(Diagnostic(span, f"not valid JSON: {error.msg}")) from None
    except (ValueError, RecursionError) as error:  # check_tokens rules these out; never a traceback
        raise LexproofError(Diagnostic(Span(name, 1, 1, 1, 2), f"not valid JSON: {clip(str(error), 200)}")) from None


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """An object whose keys are all different. ``json.loads`` keeps the last of two equal keys
    without a word: ``{"inkomen": 10000, ..., "inkomen": 90000}`` reads as 90000 to lexproof
    while a reviewer reads the first line. A case that says two things about one fact is not
    one case."""
    data = dict(pairs)
    if len(data) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return data


def _second_occurrence(name: str, text: str) -> Span:
    """The span of the first key that repeats a key of the same object (text order); only
    called once ``json.loads`` found one, so the text is valid JSON."""
    scanner = _Scanner(name, text)
    objects: list[set[str] | None] = []  # per open bracket: the keys so far ({) or None ([)
    for match in _OBJECT_TOKEN.finditer(text):
        token = match.group()
        if token in "{[":
            objects.append(set() if token == "{" else None)
        elif token in "]}":
            objects.pop()
        elif match.group(1) is not None and objects and objects[-1] is not None:
            key = json.loads(match.group(1))
            if key in objects[-1]:
                line, column = scanner.position(match.start())
                return Span(name, line, column, line, column + len(match.group(1)))
            objects[-1].add(key)
    return Span(name, 1, 1, 1, 2)


def _no_constant(token: str) -> object:
    raise ValueError(f"{token} is not a number in JSON")


_PATH_TOKEN = re.compile(f'({_STRING})(\\s*:)?|[\\[\\]{{}},]|"|[^\\s\\[\\]{{}},":]+')


def path_positions(name: str, text: str) -> dict[tuple, Span]:
    """The span of every value in the text by its path from the outermost object: ("kind", 1)
    is the second element of the list under "kind" (the span of its first character),
    ("kind", 1, "uren") that element's key "uren". For repeated items, where the same key
    occurs in every item and ``key_positions`` (first occurrences) cannot tell them apart."""
    scanner = _Scanner(name, text)
    positions: dict[tuple, Span] = {}
    stack: list[list] = []  # per open container: [path, next index or None for an object, pending key]
    for match in _PATH_TOKEN.finditer(text):
        token = match.group(0)
        if token == '"' and match.group(1) is None:
            break  # an unterminated string
        top = stack[-1] if stack else None
        if match.group(1) is not None and match.group(2) is not None and top is not None and top[1] is None:
            try:
                key = json.loads(match.group(1))
            except ValueError:
                continue
            line, column = scanner.position(match.start())
            path = (*top[0], key)
            positions.setdefault(path, Span(name, line, column, line, column + len(match.group(1))))
            top[2] = path
            continue
        if token in ("]", "}"):
            if stack:
                stack.pop()
            continue
        if token == ",":
            continue
        # A value: the element of a list gets its own path; an object member's is its key's.
        path: tuple = ()
        if top is not None and top[1] is not None:
            path = (*top[0], top[1])
            line, column = scanner.position(match.start())
            positions.setdefault(path, Span(name, line, column, line, column + 1))
            top[1] += 1
        elif top is not None:
            path = top[2] or top[0]
        if token in ("[", "{"):
            stack.append([path, 0 if token == "[" else None, None])
    return positions
