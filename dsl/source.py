"""Source files and spans: every AST node and diagnostic points back into the text."""

from __future__ import annotations

import re
from dataclasses import dataclass

# The other invisible format characters (Unicode category Cf) that the ranges below missed:
# Arabic and Syriac number signs, and the tag characters U+E0020..U+E007F, which spell out ASCII
# text that no terminal shows ("ASCII smuggling") in a citation or an example's name.
INVISIBLE_FORMAT = ("\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\U000110bd\U000110cd\U00013430-\U0001343f"
                    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")

# Characters that a terminal acts on instead of showing: C0 and C1 controls (ESC starts colour,
# cursor and title sequences), DEL, line and paragraph separators, and invisible format
# characters (zero-width, bidirectional overrides that reorder what is shown: "Trojan Source").
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f"
                        "\ufeff\ufff9-\ufffb" + INVISIBLE_FORMAT + "]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode control picture: ESC shows as '␛'
    return "\u2421" if code == 0x7F else "\ufffd"


def visible(text: str) -> str:
    """``text`` safe to print on a terminal: every control or invisible format character is
    replaced by one visible character (its control picture, like '␛' for ESC, or '�').

    Statute files, case files and file names may come from an untrusted pull request; an escape
    sequence in a citation must not recolour, retitle or rewrite the reviewer's terminal. One
    character for one keeps the caret under a quoted line aligned. Machine formats (JSON) stay
    faithful instead: their encoders escape these characters themselves."""
    if text.isprintable():  # no control, format or separator character: nothing to replace
        return text
    return _INVISIBLE.sub(_picture, text)


# What ``visible`` replaces, but for the line break: a terminal's own line breaks stay.
_INVISIBLE_IN_LINES = re.compile(_INVISIBLE.pattern.replace("\x00-\x1f", "\x00-\x09\x0b-\x1f", 1))
assert _INVISIBLE_IN_LINES.pattern != _INVISIBLE.pattern


def visible_lines(text: str) -> str:
    """``visible`` of each line of ``text``, its line breaks kept; ``text`` itself (the same
    object) when there is nothing to replace, which is nearly always: a terminal report of one
    case of a 10,000-rule statute passes 45,000 pieces of text through here."""
    if text.isprintable():  # as in ``visible``; a line break is not printable, and is kept below
        return text
    return _INVISIBLE_IN_LINES.sub(_picture, text)


@dataclass(frozen=True)
class Span:
    """A region of a source file; lines and columns are 1-based, ends inclusive-exclusive."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def to(self, other: Span) -> Span:
        """The span from the start of ``self`` to the end of ``other``."""
        return Span(self.file, self.line, self.column, other.end_line, other.end_column)


NO_SPAN = Span("<generated>", 0, 0, 0, 0)


class SourceRegistry:
    """Keeps the text of every file read, so diagnostics can quote the offending line."""

    def __init__(self) -> None:
        self._texts: dict[str, str] = {}
        self._lines: dict[str, list[str]] = {}

    def add(self, name: str, text: str) -> None:
        self._texts[name] = text
        self._lines.pop(name, None)

    def forget(self, name: str) -> None:
        """No text for ``name`` any more: a file that could not be read again (``eval --watch``
        after the case file was removed) must not be quoted as it was."""
        self._texts.pop(name, None)
        self._lines.pop(name, None)

    def text(self, name: str) -> str | None:
        return self._texts.get(name)

    def line(self, name: str, line: int) -> str | None:
        if name not in self._texts or line < 1:
            return None
        lines = self._lines.get(name)
        if lines is None:  # split once: the evaluator quotes a line for every failed condition
            lines = self._lines[name] = split_lines(self._texts[name])
        if line > len(lines):
            return "" if line == len(lines) + 1 else None
        return lines[line - 1]


def split_lines(text: str) -> list[str]:
    """The lines of a text as the parser numbers them: only '\\n' ends a line (a CRLF line
    loses its '\\r'). ``str.splitlines`` also breaks at a lone CR, form feed, U+0085, U+2028
    and more, which the parser reads as blanks or within a comment: after one of those every
    quoted line would be another line than the one a diagnostic or a trace is about."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


SOURCES = SourceRegistry()


def source_text(span: Span, limit: int = 120) -> str:
    """The source text a span covers (joined onto one line), for traces and explanations."""
    if span.line < 1:
        return "<generated>"
    lines = []
    for number in range(span.line, span.end_line + 1):
        text = SOURCES.line(span.file, number)
        if text is None:
            return "<source unavailable>"
        start = span.column - 1 if number == span.line else 0
        end = span.end_column - 1 if number == span.end_line else len(text)
        lines.append(text[start:end].strip())
    joined = " ".join(part for part in lines if part)
    return joined if len(joined) <= limit else joined[: limit - 1] + "…"
