"""Syntax errors in the language's own words: "unexpected '='; expected an expression", never
Lark's terminal names, positioned at the offending token, with hints for common slips."""

from __future__ import annotations

import re

from lark import Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from lexproof.dsl.diagnostics import Diagnostic
from lexproof.dsl.source import Span


def _lark():
    from lexproof.dsl.grammar import lark_parser

    return lark_parser()



_WORDS = {
    "NAME": "a name",
    "STRING": 'a quoted text ("...")',
    "INT": "a whole number",
    "DECIMAL": "a decimal number",
    "PERCENT": "a percentage (96%)",
    "MONEY": "an amount (€1118.00)",
    "DATE": "a date (YYYY-MM-DD)",
    "ARTREF": "an article number (3.16b, 4:84)",
    "SUBREF": "an item (a, 1°)",
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
_LITERALS = {"TRUE", "FALSE", "DATE", "DECIMAL", "PERCENT", "INT", "MONEY"}
_A_LITERAL = "a literal (a number, an amount, a percentage or a date)"

# What may bound a range of each type (see _StatuteChecker._bound): a literal of the type; a
# whole or decimal number also bounds a number or a rate.
_RANGE_BOUND = {
    "int": ("a whole number", "120"),
    "number": ("a number", "12.5"),
    "rate": ("a number or a percentage", "100%"),
    "money": ("an amount", "€20_000"),
    "date": ("a date", "2035-12-31"),
}


def _expected_phrase(expected: set[str]) -> str:
    words_set = set()
    if expected <= _LITERALS | {"MINUS"} and len(expected & _LITERALS) >= 5:
        # Only a literal fits (a range bound, or a typical value after '-'); not an expression.
        return _A_LITERAL
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
            line, column = _end_of_last_token(token, text)
        special = (
            _swallowed_keyword_diagnostic(error, path, text)
            or _range_bound_diagnostic(error, path, line, column)
            or _citation_diagnostic(error, path)
        )
        if special is not None:
            return special
        expected = set(error.expected)
        if error.interactive_parser is not None:
            try:
                expected = set(error.interactive_parser.accepts()) or expected
            except Exception:  # noqa: BLE001 - a better message is optional; keep the plain one
                pass
        message = f"unexpected {_found_phrase(token)}; expected {_expected_phrase(expected)}"
        hint = _hint(token, expected) or _hint_in_context(error)
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
        elif char in "º˚":
            message += " (a numbered item is written with the degree sign °: sub 1°)"
        return Diagnostic(Span(path, line, column, line, column + 1), message)
    if isinstance(error, UnexpectedEOF):
        line, column = _end_of_last_token(None, text)
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
    if token.type == "COLON" and expected == {"ARTREF"}:
        return "write the book before the colon: art. 4:84"
    return None


def _hint_in_context(error: UnexpectedToken) -> str | None:
    """Hints that need the parser's stack, not just the token."""
    parser = error.interactive_parser
    if parser is None:
        return None
    if error.token.value in ("+", "-", "*", "/") and _after_range_bound(parser.parser_state.value_stack):
        return "a range bound must be a literal, not an expression"
    return _citation_hint(error.token, parser.parser_state.value_stack)


# --- citations --------------------------------------------------------------------------------

# The words of a citation, as the grammar spells them (lower case).
_CITATION_WORDS = {
    "art", "artikel", "overweging", "bijlage", "hoofdstuk", "paragraaf", "afdeling", "titel",
}
# Parts below an article, which a chapter, paragraph, division or title does not have.
_ARTICLE_PARTS = {"lid", "sub", "onderdeel", "onder", "aanhef"}


def _citation_hint(token: Token, stack: list) -> str | None:
    """Slips in citations: ``art. 4:`` (a book-and-article number cut short), ``[Art. 3]``
    (a citation word in capitals reads as an act's name), ``aanhef`` without its item."""
    top = stack[-1] if stack else None
    if token.type == "COLON" and _is_token(top, "ARTREF"):
        return (
            "a book-and-article number is written as one word, with the book before the colon "
            "and the article after it: art. 4:84"
        )
    if _is_token(top, "AANHEF"):
        return "the aanhef is cited with the item that follows it: aanhef en onder b"
    return None


def _citation_diagnostic(error: UnexpectedToken, path: str) -> Diagnostic | None:
    """``[hoofdstuk 3 lid 1]``: 'lid' was read as the act's name (a chapter has no lid), so
    the error would land on '1'; point at 'lid' and say why. Likewise ``[Art. 3]``: 'Art' was
    read as the act's name, and the error would land on '.'."""
    parser = error.interactive_parser
    if parser is None:
        return None
    stack = parser.parser_state.value_stack
    top = stack[-1] if stack else None
    if _is_token(top, "NAME") and top.value.lower() in _CITATION_WORDS and _is_token(_below(stack), "LSQB"):
        message = (
            f"unexpected '{top.value}': it is read as the name of an act (the words of a citation "
            f"are written in lower case: [{top.value.lower()} ...])"
        )
        return Diagnostic(Span(path, top.line, top.column, top.line, top.column + len(top.value)), message)
    if len(stack) < 3 or not _is_token(top, "NAME") or top.value not in _ARTICLE_PARTS:
        return None
    word = top
    if _is_token(stack[-2], "ARTREF") and _is_tree(stack[-3], "cite_division"):
        kind = stack[-3].children[0]
        message = (
            f"unexpected '{word.value}'; a {'paragraaf' if kind == '§' else kind} has no lid or item "
            f"(cite the article for those: [art. 3.2 lid 1])"
        )
    elif _is_token(stack[-2], "ARTREF") or _is_tree(stack[-2], ("cite_lid", "cite_sub", "cite_onder")):
        # ``[art. 3 sub c sub d]``, ``[art. 3 sub a lid 2]``: a second or late part.
        message = (
            f"unexpected '{word.value}'; a citation's parts come once each, in the order number, "
            "lid, item, onder (as in [art. 2 lid 1 sub a onder 2°])"
        )
    else:
        return None
    return Diagnostic(Span(path, word.line, word.column, word.line, word.column + len(word.value)), message)


def _is_token(item: object, kind: str) -> bool:
    return isinstance(item, Token) and item.type == kind


def _is_tree(item: object, data: str | tuple[str, ...]) -> bool:
    return isinstance(item, Tree) and item.data in ((data,) if isinstance(data, str) else data)


def _below(stack: list) -> object:
    return stack[-2] if len(stack) >= 2 else None


# Words that start a section, a declaration or an amendment's change. Keywords are not reserved:
# where a name fits, the parser reads them as one. So after a dangling 'and' (or '=', 'otherwise',
# ...) the next line's 'rule' becomes a name, and the error lands on the token after it.
_STARTS = {
    "statute": "section", "amendment": "section",
    "enum": "declaration", "facts": "declaration", "parameter": "declaration", "decision": "declaration",
    "rule": "declaration", "table": "declaration", "example": "declaration", "property": "declaration",
    "replace": "change", "insert": "change", "repeal": "change", "set": "change",
}


def _swallowed_keyword_diagnostic(error: UnexpectedToken, path: str, text: str) -> Diagnostic | None:
    """``if x > 3 and`` at the end of a line, then ``rule q [art. 2]: ...``: Lark reads 'rule' as a
    name and fails on 'q'. When the word just before the error token is such a word, first on
    its line, read as a name, and the parser would take it as the keyword where it failed, the
    error is that word: what comes before it is incomplete."""
    parser = error.interactive_parser
    token = error.token
    if parser is None or token.type == "$END" or token.start_pos is None:
        return None
    # Cheap test on the text first: the last word before the token, alone at its line's start.
    code = "\n".join(_without_comment(line) for line in text[: token.start_pos].split("\n"))
    match = _LAST_WORD.search(code)
    if match is None or match[1] not in _STARTS:
        return None
    word = match[1]
    line = code.count("\n", 0, match.start(1)) + 1
    column = match.start(1) - (code.rfind("\n", 0, match.start(1)) + 1) + 1
    keyword = _keyword_terminal(word)
    try:
        if keyword is None or keyword not in parser.accepts():
            return None  # the word could not start anything here either
        # Parse again up to the word: was it read as a name, and what was expected instead?
        again = _lark().parse_interactive(text, start=parser.parser_state.parse_conf.start)
        for seen in again.iter_parse():
            if (seen.line, seen.column) == (line, column):
                if seen.type != "NAME":
                    return None
                expected = set(again.accepts())
                break
            if seen.start_pos >= token.start_pos:
                return None
        else:
            return None
    except Exception:  # noqa: BLE001 - a better message is optional; keep the plain one
        return None
    if not expected:
        return None
    message = (
        f"unexpected '{word}'; expected {_expected_phrase(expected)} "
        f"('{word}' starts a new {_STARTS[word]}, so what comes before it is incomplete)"
    )
    return Diagnostic(Span(path, line, column, line, column + len(word)), message)


_LAST_WORD = re.compile(r"(?:^|\n)[ \t\r\f\v]*([A-Za-z_][A-Za-z0-9_]*)\s*$")


def _keyword_terminal(word: str) -> str | None:
    """The name of the terminal that is exactly ``word`` ('rule' -> 'RULE'), if any."""
    for terminal in _lark().terminals:
        if terminal.pattern.type == "str" and terminal.pattern.value == word:
            return terminal.name
    return None


def _range_type(stack: list) -> str | None:
    """The type keyword ('int', 'money', ...) when the parser stack ends inside a range where a
    bound is due: after '..', or after a minus sign that starts the first bound."""
    items = list(stack[-4:])
    minus = bool(items) and isinstance(items[-1], Token) and items[-1].type == "MINUS"
    if minus:
        items.pop()
    if items and isinstance(items[-1], Token) and items[-1].value == "..":
        items.pop()
        if not (items and isinstance(items[-1], Tree) and items[-1].data in ("signed_literal", "negative_literal")):
            return None
        items.pop()
    elif not minus:
        return None
    if items and isinstance(items[-1], Tree) and items[-1].data == "type_kw" and items[-1].children:
        return str(items[-1].children[0])
    return None


def _range_bound_diagnostic(error: UnexpectedToken, path: str, line: int, column: int) -> Diagnostic | None:
    """A range bound is a literal: in ``int 0..y`` the 'y' is unexpected. Lark would list every
    literal (or call it "an expression", which 'y' is); say what fits the type, and why."""
    parser = error.interactive_parser
    if parser is None:
        return None
    stack = parser.parser_state.value_stack
    token = error.token
    kind = _range_type(stack)
    if kind is None and token.value == ".." and stack and isinstance(stack[-1], Token) and stack[-1].type == "NAME":
        # ``x: int y..10``: 'y' was read as the name of the next fact, so '..' is the token
        # that does not fit. The mistake is the name: point there.
        kind = _unranged_fact_type(stack[-2] if len(stack) >= 2 else None)
        if kind is not None:
            token = stack[-1]
            line, column = token.line, token.column
    if kind not in _RANGE_BOUND:
        return None
    what, example = _RANGE_BOUND[kind]
    message = (
        f"unexpected {_found_phrase(token)}; expected {what} "
        f"(a range bound must be a literal such as {example}, not a name or an expression)"
    )
    width = max(1, len(token.value)) if token.type != "$END" else 1
    return Diagnostic(Span(path, line, column, line, column + width), message)


def _unranged_fact_type(item: object) -> str | None:
    """The type keyword of a fact field without range or typical value: the field the parser
    has just completed (``item`` is the field, or the list of fields that ends with it)."""
    if isinstance(item, Tree) and item.data != "fact_field" and item.children:
        item = item.children[-1]
    if not (isinstance(item, Tree) and item.data == "fact_field" and len(item.children) == 2):
        return None
    type_ref = item.children[1]
    if not (isinstance(type_ref, Tree) and type_ref.data == "builtin_type" and len(type_ref.children) == 1):
        return None
    keyword = type_ref.children[0]
    if isinstance(keyword, Tree) and keyword.data == "type_kw" and keyword.children:
        return str(keyword.children[0])
    return None


def _after_range_bound(stack: list) -> bool:
    """True when the parser stack ends with a range bound: ``int 0..10`` or ``int 0`` then '+'."""
    items = list(stack[-4:])
    top = items.pop() if items else None
    if not ((isinstance(top, Tree) and top.data == "literal") or (isinstance(top, Token) and top.type in _LITERALS)):
        return False
    if items and isinstance(items[-1], Token) and items[-1].type == "MINUS":
        items.pop()
    return bool(items) and (
        (isinstance(items[-1], Token) and items[-1].value == "..")
        or (isinstance(items[-1], Tree) and items[-1].data == "type_kw")
    )


def _end_of_last_token(token: Token | None, text: str) -> tuple[int, int]:
    """Where an end-of-file error belongs: just after the last token, not after a trailing
    comment or blank lines. Lark's end token borrows the last token's end position."""
    if token is not None and getattr(token, "end_line", None) and getattr(token, "end_column", None):
        return token.end_line, token.end_column
    last = (1, 1)
    for number, line in enumerate(text.split("\n"), start=1):
        code = _without_comment(line).rstrip()
        if code:
            last = (number, len(code) + 1)
    return last


def _without_comment(line: str) -> str:
    """The line up to a ``--`` comment; ``--`` inside a quoted text does not start one."""
    in_string = escaped = False
    for index, char in enumerate(line):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif line.startswith("--", index):
            return line[:index]
    return line
