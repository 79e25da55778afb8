"""JSON text with two-space indentation, exactly as ``json.dumps(value, indent=2,
ensure_ascii=False)`` writes it, several times faster.

With an indent, Python's json module (3.11) uses its pure-Python encoder, a chain of generators
that passes every piece of text up through one generator per level of nesting. The output of
``lexproof eval`` of one case on a 10,000-rule statute is 4.2 MB (every decision explained), and
writing it took 0.2 s of a 1 s run. This writer appends to one list instead, and uses the json
module's own C string escaper, so the text is the same character for character (a test
compares them on the bundled statutes' outputs and on generated values). Any value it does not
know (a type json would reject, keys json would convert) is handed to ``json.dumps`` itself, so
errors and conversions stay exactly json's."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from json.encoder import encode_basestring  # type: ignore[attr-defined]  # the C escaper when built

_INDENT = "  "


class _Unknown(Exception):
    """A value this writer leaves to ``json.dumps``."""


def indented_json(value: object, level: int = 0) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)``; with ``level``, as that text reads
    nested ``level`` deep in a larger one (every line after the first indented so much more),
    so that a large document can be written part by part (``indented_object``)."""
    out: list[str] = []
    newline = "\n" + _INDENT * level
    try:
        _write(value, out, newline)
    except (_Unknown, RecursionError):
        return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", newline)
    return "".join(out)


def indented_object(fields: Iterable[tuple[str, object]], streamed: str | None = None,
                    items: Iterable[object] = ()) -> Iterator[str]:
    """The text of ``indented_json(dict(fields))`` in parts, where the value of the field named
    ``streamed`` is the list ``items``, each item made only when its text is due: a result
    list of a statute book, held whole as Python objects, took hundreds of megabytes
    (docs/performance.md, "Session 15"). The parts joined are that text exactly."""
    first = True
    for key, value in fields:
        yield ("{" if first else ",") + "\n" + _INDENT + encode_basestring(key) + ": "
        first = False
        if key != streamed:
            yield indented_json(value, 1)
            continue
        empty = True
        for item in items:
            yield ("[" if empty else ",") + "\n" + _INDENT * 2
            empty = False
            yield indented_json(item, 2)
        yield "[]" if empty else "\n" + _INDENT + "]"
    yield "{}" if first else "\n}"


def _write(value: object, out: list[str], newline: str) -> None:
    """Append ``value``'s text; ``newline`` is a line break and the current indentation."""
    kind = type(value)
    if kind is str:
        out.append(encode_basestring(value))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner = newline + _INDENT
        first = True
        for key, item in value.items():  # type: ignore[attr-defined]
            if type(key) is not str:
                raise _Unknown  # json converts numbers, booleans and None to text: its own way
            out.append(("{" if first else ",") + inner + encode_basestring(key) + ": ")
            first = False
            _write(item, out, inner)
        out.append(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner = newline + _INDENT
        first = True
        for item in value:  # type: ignore[attr-defined]
            out.append(("[" if first else ",") + inner)
            first = False
            _write(item, out, inner)
        out.append(newline + "]")
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int:
        out.append(int.__repr__(value))  # type: ignore[arg-type]
    elif kind is float and value == value and value not in (float("inf"), float("-inf")):
        out.append(float.__repr__(value))  # type: ignore[arg-type]
    else:
        raise _Unknown  # NaN, infinities, subclasses, anything else: as json writes (or refuses) it
