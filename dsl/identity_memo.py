"""Values remembered per object, by identity and weakly.

The loaded program's objects (a statute, a version, a rule) are dataclasses compared by value,
so they cannot key a ``WeakKeyDictionary``; what is worked out from one of them (the decisions a
rule reads, whether a statute reads the peildatum, a version's cone parts) is remembered by its
``id`` instead, with a weak reference that confirms the id still names that object and that
drops the entry when the object goes (an id is only reused after that)."""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from typing import Generic, TypeVar

Value = TypeVar("Value")


class IdentityMemo(Generic[Value]):
    """``get(obj)``: the value ``put`` for this very object, or None."""

    def __init__(self) -> None:
        self._entries: dict[int, tuple[weakref.ref, Value]] = {}

    def get(self, obj: object) -> Value | None:
        entry = self._entries.get(id(obj))
        return entry[1] if entry is not None and entry[0]() is obj else None

    def __iter__(self) -> Iterator[int]:
        """The ids of the objects remembered (for tests: an entry must go with its object)."""
        return iter(list(self._entries))

    def put(self, obj: object, value: Value) -> Value:
        key = id(obj)
        entries = self._entries
        entries[key] = (weakref.ref(obj, lambda _ref: entries.pop(key, None)), value)
        return value
