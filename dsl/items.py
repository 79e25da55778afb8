"""Repeated items at run time: where in a case an expression is evaluated.

A context is the case (its name: None, ``a``, ``b``) or an :class:`ItemContext`: the case plus
the path to one item, e.g. ``((kind, 1), (contract, 0))`` for the first contract of the second
child. Both engines key their memos and constants by it, and the evaluator finds the item's
facts by it in the case's nested lists: ``{"kind": [{"uren": 10, "contract": [...]}, ...]}``.
"""

from __future__ import annotations

from dataclasses import dataclass

Context = object  # str | None | ItemContext


@dataclass(frozen=True)
class ItemContext:
    case: str | None
    path: tuple[tuple[str, int], ...]

    def __str__(self) -> str:
        return label(self)


def base_case(context: Context) -> str | None:
    """The case a context belongs to."""
    return context.case if isinstance(context, ItemContext) else context  # type: ignore[return-value]


def path_of(context: Context) -> tuple[tuple[str, int], ...]:
    return context.path if isinstance(context, ItemContext) else ()


def narrow(context: Context, kind: str | None) -> Context:
    """The context of the current item of ``kind`` (its enclosing items kept), or the case
    itself for ``kind`` None. The checker only lets an expression read a kind on its path."""
    if kind is None:
        return base_case(context)
    path = path_of(context)
    for index, (name, _) in enumerate(path):
        if name == kind:
            return ItemContext(base_case(context), path[: index + 1])
    raise KeyError(f"no current item of {kind} in {label(context)}")


def child(context: Context, kind: str, index: int) -> ItemContext:
    """The context of item ``index`` (from 0) of ``kind`` within ``context``."""
    return ItemContext(base_case(context), path_of(context) + ((kind, index),))


def label(context: Context) -> str:
    """``kind[2].contract[1]``, 1-based as shown to users, prefixed by the case name if any."""
    parts = [f"{kind}[{index + 1}]" for kind, index in path_of(context)]
    case = base_case(context)
    return ".".join(([case] if case else []) + parts)


def items_of(facts: dict, context: Context, kind: str) -> list[dict]:
    """The items of ``kind`` within ``context`` in a case's facts (absent: none)."""
    holder = facts
    for name, index in path_of(context):
        holder = holder[name][index]
    return list(holder.get(kind) or [])


def item_facts(facts: dict, context: Context) -> dict:
    """The facts of the item a context points at."""
    holder = facts
    for name, index in path_of(context):
        holder = holder[name][index]
    return holder
