"""Syntax errors in the language's own words: "unexpected '='; expected an expression", never
Lark's terminal names, positioned at the offending token, with hints for common slips."""

from __future__ import annotations

from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from dsl.diagnostics import Diagnostic
from dsl.source import Span


def _lark():
    from dsl.parser import lark_parser

    return lark_parser()



_WORDS = {
    "NAME": "a name",
    "STRING": 'a quoted text ("...")',
    "INT": "a whole number",
    "DECIMAL": "a decimal number",
    "PERCENT": "a percentage (96%)",
    "MONEY": "an amount (€1118.00)",
    "DATE": "a date (YYYY-MM-DD)",
    "ARTREF": "an article number (3.16b)",
    "SUBREF": "a sub-paragraph (a, 2)",
    "TRUE": "'true'",
    "FALSE": "'false'",
    "$END": "end of file",
}


def _describe_terminal(name: str) -> str:
    if name in _WORDS:
        return _WORDS[name]
    terminal = next((t for t in _lark().terminals if t.name == name), None)
    if terminal is not None and terminal.pattern.type == "str":
        return f"'{terminal.pattern.value}'"
    return name.lower()


_EXPRESSION_START = {"TRUE", "FALSE", "DATE", "DECIMAL", "PERCENT", "INT", "MONEY", "NAME", "LPAR", "MINUS", "NOT", "IF"}


def _expected_phrase(expected: set[str]) -> str:
    words_set = set()
    if len(expected & _EXPRESSION_START) >= 5:
        words_set.add("an expression")
        expected = expected - _EXPRESSION_START
    words = sorted(words_set | {_describe_terminal(name) for name in expected})
    # Names and keywords first, punctuation last: reads more naturally.
    words.sort(key=lambda w: (w.startswith("'") and not w[1:2].isalpha(), w))
    if len(words) > 8:
        words = words[:8] + ["..."]
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def _found_phrase(token: Token) -> str:
    if token.type == "$END":
        return "end of file"
    return f"'{token.value}'" if len(token.value) < 40 else f"'{token.value[:37]}...'"


def syntax_diagnostic(error: UnexpectedInput, path: str, text: str) -> Diagnostic:
    line = getattr(error, "line", 1) or 1
    column = getattr(error, "column", 1) or 1
    if isinstance(error, UnexpectedToken):
        token = error.token
        if token.type == "$END":
            line, column = _end_position(text)
        expected = set(error.expected)
        if error.interactive_parser is not None:
            try:
                expected = set(error.interactive_parser.accepts()) or expected
            except Exception:  # noqa: BLE001 - a better message is optional; keep the plain one
                pass
        message = f"unexpected {_found_phrase(token)}; expected {_expected_phrase(expected)}"
        hint = _hint(token, expected)
        if hint:
            message += f" ({hint})"
        width = max(1, len(token.value)) if token.type != "$END" else 1
        span = Span(path, line, column, line, column + width)
        return Diagnostic(span, message)
    if isinstance(error, UnexpectedCharacters):
        char = text[error.pos_in_stream] if error.pos_in_stream < len(text) else "?"
        expected = set(error.allowed or set())
        message = f"unexpected character {char!r}"
        if expected:
            message += f"; expected {_expected_phrase(expected)}"
        if char in "&|!":
            message += " (write 'and', 'or', 'not')"
        return Diagnostic(Span(path, line, column, line, column + 1), message)
    if isinstance(error, UnexpectedEOF):
        line, column = _end_position(text)
        expected = set(error.expected)
        return Diagnostic(
            Span(path, line, column, line, column + 1),
            f"unexpected end of file; expected {_expected_phrase(expected)}",
        )
    return Diagnostic(Span(path, line, column, line, column + 1), "syntax error")


def _hint(token: Token, expected: set[str]) -> str | None:
    if token.type == "EQUAL" and "COLON" in expected:
        return "a rule reads: rule NAME [art. X]: DECISION = VALUE if CONDITION"
    if token.type == "COLON" and "LSQB" in expected:
        return "every rule needs a citation, e.g. [art. 3.16b lid 2]"
    if token.type == "EQUAL" and "NAME" in expected:
        return "equality is written with a single '='"
    if token.value in ("&&", "||", "!"):
        return "write 'and', 'or', 'not'"
    return None


def _end_position(text: str) -> tuple[int, int]:
    lines = text.split("\n")
    while len(lines) > 1 and not lines[-1].strip():
        lines.pop()
    return len(lines), len(lines[-1]) + 1
