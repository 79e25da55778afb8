"""The loaded, checked program as plain JSON data, and back: for the cache of loaded books.

A 10,000-rule book takes seconds to parse, type-check and consolidate, and ``lexproof eval``
of one case needs all of it (issue 18, docs/performance.md). The verifier keeps the checked
:class:`~lexproof.dsl.model.Program` of unchanged files in its cache (``verifier/load_cache.py``);
this module turns it into data that ``json`` writes and reads, and back into the same objects.

The form is compact and positional, because a book holds hundreds of thousands of nodes:

- ``None``, booleans, numbers and strings are themselves;
- every other value is a list whose first element says what it is: a list, tuple, dict
  (keys and values in turn), frozenset or set, a Fraction (numerator, denominator), a date (its
  ordinal), a :class:`Span` (an index into the table of file names, then the four positions),
  a reference to an object written before (its index), or an instance of one of the dataclasses
  of ``dsl/`` (class number, then its fields in declaration order).

Only the dataclasses of the modules in :data:`MODULES` can be decoded: the class table of an
encoding names them, and a name that is not one of them makes :func:`decode` raise
(:class:`CodecError`), never import or run anything. Objects that several places share (a rule
in ``rules`` and in the amendment that inserted it, one ``Type`` read everywhere) are written
once and referenced after, so the decoded program shares them as the loaded one did. Decoding
builds each object without calling its ``__init__`` (the fields are set directly, as the loaded
object had them), which is what makes a warm load fast; so a class with a ``__post_init__`` or
attributes beyond its fields is refused by :func:`encode` (a program holding one is not cached).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from fractions import Fraction

from lexproof.dsl import ast, diagnostics, ir, model, source
from lexproof.dsl.source import Span

FORMAT = 3  # 2: StatuteModel.sound_amendment_sets; 3: StatuteModel.scratch (written empty)
MODULES = (ast, ir, model, source, diagnostics)

_LIST, _TUPLE, _DICT, _FROZENSET, _SET, _FRACTION, _DATE, _SPAN, _REF, _NO_VALUE = range(10)
_CLASS_BASE = 10


class CodecError(ValueError):
    """A program that cannot be encoded (an unexpected object), or data that is not an encoding."""


def _codec_classes() -> dict[str, type]:
    """The dataclasses that may appear in a program: by qualified name, from :data:`MODULES`."""
    found: dict[str, type] = {}
    for module in MODULES:
        for name, value in vars(module).items():
            if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == module.__name__:
                found[f"{module.__name__.rsplit('.', 1)[-1]}.{name}"] = value
    return found


_CLASSES = _codec_classes()
_NAMES = {cls: name for name, cls in _CLASSES.items()}
_FIELDS = {cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in _CLASSES.values()}
# decode() sets a span's fields by name, in this order
assert _FIELDS[Span] == ("file", "line", "column", "end_line", "end_column"), _FIELDS[Span]
# Fields that hold what a process worked out, not the program (``StatuteModel.scratch``):
# written as an empty dict.
_TRANSIENT = {cls: frozenset(f.name for f in dataclasses.fields(cls) if f.metadata.get("transient"))
              for cls in _CLASSES.values()}


def encode(program: model.Program) -> dict:
    """``program`` as JSON-safe data (:func:`decode` reads it back). Raises :class:`CodecError`
    for anything that is not plain data or a dataclass of :data:`MODULES` (or that would not
    read back as it is: a float that is not finite, a reference cycle)."""
    classes: dict[type, int] = {}
    files: dict[str, int] = {}
    memo: dict[int, int] = {}
    active: set[int] = set()
    counter = [0]

    def enc(value: object) -> object:
        kind = type(value)
        if value is None or kind is bool or kind is int or kind is str:
            return value
        if kind is Span:
            index = files.setdefault(value.file, len(files))
            return [_SPAN, index, value.line, value.column, value.end_line, value.end_column]
        if kind is tuple:
            return [_TUPLE, *map(enc, value)]
        if kind is list:
            return [_LIST, *map(enc, value)]
        if kind is dict:
            out: list = [_DICT]
            for key, item in value.items():
                out.append(enc(key))
                out.append(enc(item))
            return out
        if kind is Fraction:
            return [_FRACTION, value.numerator, value.denominator]
        if kind is dt.date:
            return [_DATE, value.toordinal()]
        if kind is frozenset or kind is set:
            return [_FROZENSET if kind is frozenset else _SET, *map(enc, value)]
        if kind is float:
            if not math.isfinite(value):
                raise CodecError("a number that is not finite")
            return value
        if value is model.NO_VALUE:
            return [_NO_VALUE]
        if kind in _FIELDS:
            return enc_object(value, kind)
        raise CodecError(f"cannot encode a {kind.__name__}")

    def enc_object(value: object, kind: type) -> list:
        identity = id(value)
        if identity in memo:
            return [_REF, memo[identity]]
        if identity in active:
            raise CodecError("a reference cycle")
        names = _FIELDS[kind]
        if getattr(value, "__dict__", None) is None or len(vars(value)) != len(names):
            raise CodecError(f"a {kind.__name__} with attributes beyond its fields")
        active.add(identity)
        number = classes.setdefault(kind, len(classes))
        transient = _TRANSIENT[kind]
        out = [_CLASS_BASE + number, *([_DICT] if name in transient else enc(getattr(value, name)) for name in names)]
        active.discard(identity)
        memo[identity] = counter[0]  # numbered when done: the decoder builds it then
        counter[0] += 1
        return out

    data = enc(program)
    return {"format": FORMAT, "classes": [[_NAMES[cls], list(_FIELDS[cls])] for cls in classes],
            "files": list(files), "data": data}


def decode(encoded: object) -> model.Program:
    """The program :func:`encode` wrote. Raises :class:`CodecError` (or another ``ValueError``,
    ``TypeError``, ``KeyError``, ``IndexError``, ``RecursionError``) for data it did not write:
    an unknown class, fields that differ from the class's own, a malformed value."""
    if not isinstance(encoded, dict) or encoded.get("format") != FORMAT:
        raise CodecError("not an encoded program")
    table = []
    for name, fields in encoded["classes"]:
        cls = _CLASSES.get(name) if isinstance(name, str) else None
        if cls is None or tuple(fields) != _FIELDS[cls]:
            raise CodecError(f"not a class of the program: {name!r}")
        table.append((cls, _FIELDS[cls], len(fields) + 1))
    files = encoded["files"]
    if not isinstance(files, list) or not all(isinstance(name, str) for name in files):
        raise CodecError("file names are not text")
    objects: list = []
    keep = objects.append
    new = object.__new__
    no_items = frozenset()

    # The most frequent tags first: a 10,000-rule book holds 100,000 spans, 74,000 references
    # and 80,000 objects, and this function runs once per value (docs/performance.md).
    def dec(value: list) -> object:
        tag = value[0]
        if tag == _SPAN:
            span = new(Span)
            fields = span.__dict__  # one store per field: a third of the time of update(zip(...))
            fields["file"] = files[value[1]]
            fields["line"] = value[2]
            fields["column"] = value[3]
            fields["end_line"] = value[4]
            fields["end_column"] = value[5]
            return span
        if tag == _REF:
            return objects[value[1]]
        if tag >= _CLASS_BASE:
            cls, names, size = table[tag - _CLASS_BASE]
            if len(value) != size:
                raise CodecError("fields missing")
            instance = new(cls)
            instance.__dict__.update(zip(names, [dec(item) if type(item) is list else item for item in value[1:]]))
            keep(instance)
            return instance
        if tag == _TUPLE:
            return tuple([dec(item) if type(item) is list else item for item in value[1:]])
        if tag == _FROZENSET:
            return frozenset([dec(item) if type(item) is list else _plain(item) for item in value[1:]]) \
                if len(value) > 1 else no_items
        if tag == _LIST:
            return [dec(item) if type(item) is list else item for item in value[1:]]
        if tag == _DICT:
            items = [dec(item) if type(item) is list else _plain(item) for item in value[1:]]
            if len(items) % 2:
                raise CodecError("a dict with a key but no value")
            return dict(zip(items[::2], items[1::2]))
        if tag == _FRACTION:
            numerator, denominator = _ints(value[1:3])
            return Fraction(numerator, denominator)
        if tag == _DATE:
            return dt.date.fromordinal(*_ints(value[1:2]))
        if tag == _SET:
            return {dec(item) if type(item) is list else _plain(item) for item in value[1:]}
        if tag == _NO_VALUE:
            return model.NO_VALUE
        raise CodecError("not an encoded value")

    data = encoded["data"]
    program = dec(data) if type(data) is list else None
    if not isinstance(program, model.Program):
        raise CodecError("not an encoded program")
    return program


def _plain(value: object) -> object:
    """``value`` if it is a plain value (None, a boolean, number or string), as the items of a
    dict or set are when they are not encoded values; ``CodecError`` otherwise (a JSON object
    there is not something :func:`encode` wrote)."""
    if value is None or type(value) in (bool, int, str, float):
        return value
    raise CodecError("not an encoded value")


def _ints(values: list) -> list[int]:
    """``values``, which must all be ints (not bools): positions and numbers of a value."""
    if not all(type(item) is int for item in values):
        raise CodecError("a number that is not a whole number")
    return values
