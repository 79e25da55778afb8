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


class PartsMemo(Generic[Value]):
    """``get(owner, parts)``: the value ``put`` for this very owner and these very parts (a
    tuple of objects, such as a decision's rules in one version), or None.

    The owner is held as an :class:`IdentityMemo` holds it; the parts only weakly, so that an
    owner that lives long (a decision a long-lived host keeps from load to load) does not keep
    every set of parts it was ever asked about alive: an entry whose parts have gone is dropped
    at the owner's next ``put``. A value must not refer to its owner or parts."""

    def __init__(self) -> None:
        self._owners: IdentityMemo[dict[tuple[int, ...], tuple[tuple[weakref.ref, ...], Value]]] = IdentityMemo()

    def get(self, owner: object, parts: tuple) -> Value | None:
        entries = self._owners.get(owner)
        entry = entries.get(tuple(map(id, parts))) if entries is not None else None
        if entry is None or any(ref() is not part for ref, part in zip(entry[0], parts)):
            return None
        return entry[1]

    def put(self, owner: object, parts: tuple, value: Value) -> Value:
        entries = self._owners.get(owner)
        if entries is None:
            entries = self._owners.put(owner, {})
        else:  # entries whose parts have gone name nothing any more
            for key in [key for key, (refs, _) in entries.items() if any(ref() is None for ref in refs)]:
                del entries[key]
        entries[tuple(map(id, parts))] = (tuple(map(weakref.ref, parts)), value)
        return value

    def entries(self, owner: object) -> int:
        """How many entries ``owner`` has (for tests)."""
        found = self._owners.get(owner)
        return 0 if found is None else len(found)
