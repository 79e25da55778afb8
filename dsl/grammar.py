"""The grammar (dsl/grammar.lark) as a Lark LALR parser, built once per process.

Apart from dsl.parser so that the syntax-error messages (dsl.syntax_errors), which need the
parser's terminals and its interactive mode, come before the parser that uses them."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lark import Lark

GRAMMAR_FILE = Path(__file__).with_name("grammar.lark")


@lru_cache(maxsize=1)
def lark_parser() -> Lark:
    """The LALR parser, built from the grammar once per process.

    Deliberately without Lark's ``cache=True``: that cache is a pickle in the shared temporary
    directory under a predictable name, so whoever plants that file first runs code as the next
    lexproof user. Building the tables costs about 0.15 s per process (measured: ``lexproof fmt
    --check`` 0.32 s with the cache, 0.47 s without); docs/security.md explains the choice."""
    return Lark(
        GRAMMAR_FILE.read_text(encoding="utf-8"),
        parser="lalr",
        lexer="contextual",
        start=["start", "query"],
        propagate_positions=True,
        maybe_placeholders=False,
        cache=False,  # never unpickle from a shared directory (see the docstring)
    )
