"""The grammar (dsl/grammar.lark) as a Lark LALR parser, built once per process.

Apart from lexproof.dsl.parser so that the syntax-error messages (lexproof.dsl.syntax_errors), which need the
parser's terminals and its interactive mode, come before the parser that uses them.

Building the LALR tables from the grammar is most of the start-up of every command (0.5 s
of CPU on an idle core, more than parsing a small statute). The tables are therefore also
committed, precomputed, as JSON in dsl/grammar_tables.json (data, never code: no pickle, see
docs/security.md), stamped with the hash of the grammar text and the Lark version they were
built from. When either differs (the grammar was edited, Lark was upgraded) the tables are
not used and the parser is built from the grammar as before, so a stale file costs time,
never correctness; ``python -m lexproof.dsl.grammar`` rewrites the file and tests/test_grammar_tables.py
fails while it is stale."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import lark
from lark import Lark
from lark.grammar import Rule
from lark.lexer import TerminalDef

GRAMMAR_FILE = Path(__file__).with_name("grammar.lark")
TABLES_FILE = Path(__file__).with_name("grammar_tables.json")

# The options every lexproof parser is built with (the tables are only valid for these).
_OPTIONS: dict[str, Any] = {
    "parser": "lalr",
    "lexer": "contextual",
    "start": ["start", "query", "statute_items", "amendment_items"],
    "propagate_positions": True,
    "maybe_placeholders": False,
}
_TABLES_FORMAT = 1


def build_lark_parser() -> Lark:
    """The LALR parser built from the grammar text (slow: computes the tables).

    Deliberately without Lark's ``cache=True``: that cache is a pickle in the shared temporary
    directory under a predictable name, so whoever plants that file first runs code as the next
    lexproof user; docs/security.md explains the choice."""
    return Lark(
        GRAMMAR_FILE.read_text(encoding="utf-8"),
        **_OPTIONS,
        cache=False,  # never unpickle from a shared directory (see the docstring)
    )


@lru_cache(maxsize=1)
def lark_parser() -> Lark:
    """The LALR parser, once per process: from the committed tables when they were built from
    this grammar with this Lark version, else from the grammar itself."""
    loaded = _load_tables(GRAMMAR_FILE.read_text(encoding="utf-8"))
    return loaded if loaded is not None else build_lark_parser()


def tables_stamp(grammar_text: str) -> dict[str, Any]:
    """What the tables depend on: the grammar text, the Lark version and the options."""
    return {
        "format": _TABLES_FORMAT,
        "grammar_sha256": hashlib.sha256(grammar_text.encode("utf-8")).hexdigest(),
        "lark_version": lark.__version__,
        "options": _OPTIONS,
    }


def tables_json(parser: Lark, grammar_text: str) -> str:
    """The parser's tables (Lark's own serialisation, memoised rules and terminals) as JSON."""
    data, memo = parser.memo_serialize([TerminalDef, Rule])
    document = {"stamp": tables_stamp(grammar_text), "data": _encode(data), "memo": _encode(memo)}
    return json.dumps(document, separators=(",", ":"), sort_keys=True) + "\n"


def _load_tables(grammar_text: str) -> Lark | None:
    """The parser from TABLES_FILE, or None when the file is missing, unreadable or stale."""
    try:
        document = json.loads(TABLES_FILE.read_text(encoding="utf-8"), object_hook=_decode_object)
    except (OSError, ValueError):
        return None
    if not isinstance(document, dict) or document.get("stamp") != tables_stamp(grammar_text):
        return None
    # Lark's dict loader (the one behind Lark.load, minus its pickle): it instantiates only
    # its own Rule, TerminalDef and parse-table classes from plain data.
    return Lark._load_from_dict(document["data"], document["memo"])


# JSON has neither tuples nor integer keys, and Lark's tables have both: they are tagged so
# that decoding gives back exactly the values Lark serialised (tests/test_grammar_tables.py).
_TUPLE, _INT_KEYS = "__tuple__", "__int_keys__"


def _encode(value: Any) -> Any:
    if isinstance(value, tuple):
        return {_TUPLE: [_encode(item) for item in value]}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, dict):
        if value and all(isinstance(key, int) and not isinstance(key, bool) for key in value):
            return {_INT_KEYS: [[key, _encode(item)] for key, item in value.items()]}
        if not all(isinstance(key, str) for key in value) or {_TUPLE, _INT_KEYS} & set(value):
            raise ValueError(f"cannot encode the keys {sorted(map(repr, value))[:5]}")
        return {key: _encode(item) for key, item in value.items()}
    if value is None or isinstance(value, (bool, int, str)):
        return value
    raise ValueError(f"cannot encode a {type(value).__name__}")


def _decode_object(value: dict[str, Any]) -> Any:
    """json.loads' object_hook (called innermost first): undo the tags of :func:`_encode`."""
    if _TUPLE in value:
        return tuple(value[_TUPLE])
    if _INT_KEYS in value:
        return {key: item for key, item in value[_INT_KEYS]}
    return value


def write_tables() -> Path:
    """Rewrite TABLES_FILE from the grammar (run after editing dsl/grammar.lark)."""
    text = GRAMMAR_FILE.read_text(encoding="utf-8")
    TABLES_FILE.write_text(tables_json(build_lark_parser(), text), encoding="utf-8")
    return TABLES_FILE


if __name__ == "__main__":
    print(f"wrote {write_tables()}")
