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


def item_rows(statute, facts: dict, context: object = None, kinds: list[str] | None = None) -> list[tuple[str, object, object]]:
    """The items of a case as (label, value, type) rows: ``kind[2].uren``, 1-based, nested as
    ``kind[1].contract[2].uurprijs``; a kind without items as (``kind``, None, None)."""
    rows: list[tuple[str, object, object]] = []
    for kind in statute.top_kinds() if kinds is None else kinds:
        listed = items_of(facts, context, kind) if context is not None else list(facts.get(kind) or [])
        prefix = (label_path(context) + ".") if context is not None and path_of(context) else ""
        if not listed:
            rows.append((prefix + kind, None, None))
        for index, item in enumerate(listed):
            here = child(context, kind, index)
            for name in statute.kinds[kind].facts:
                if name in item:
                    rows.append((f"{label_path(here)}.{name}", item[name], statute.item_facts[name].type))
            rows.extend(item_rows(statute, facts, here, statute.child_kinds(kind)))
    return rows


def parse_label(text: str, case: str | None = None) -> ItemContext:
    """The context ``label`` writes: ``kind[2].contract[1]`` (1-based) -> ``((kind, 1), (contract, 0))``."""
    path = []
    for part in text.split("."):
        kind, _, index = part.rstrip("]").partition("[")
        path.append((kind, int(index) - 1))
    return ItemContext(case, tuple(path))


def label_path(context: object) -> str:
    """``kind[2].contract[1]``, without the case name."""
    return ".".join(f"{kind}[{index + 1}]" for kind, index in path_of(context))


def item_contexts(statute, facts: dict, case: str | None, kinds: list[str] | None = None, parent: object = None) -> list[ItemContext]:
    """Every item of a case, parents before their own items."""
    result: list[ItemContext] = []
    parent = case if parent is None else parent
    for kind in statute.top_kinds() if kinds is None else kinds:
        for index in range(len(items_of(facts, parent, kind))):
            here = child(parent, kind, index)
            result.append(here)
            result.extend(item_contexts(statute, facts, case, statute.child_kinds(kind), here))
    return result


def items_json(statute, kind: str, listed: list[dict]) -> list[dict]:
    """A kind's items in JSON: facts by their JSON value, nested kinds as lists."""
    from lexproof.dsl.values import to_json

    result = []
    for item in listed:
        entry: dict[str, object] = {}
        for name, value in item.items():
            if name in statute.kinds:
                entry[name] = items_json(statute, name, value)
            else:
                entry[name] = to_json(value, statute.item_facts[name].type)
        result.append(entry)
    return result


def fact_json(statute, name: str, value: object) -> object:
    """A case's fact, or a kind's items, in JSON."""
    from lexproof.dsl.values import to_json

    if name in statute.kinds:
        return items_json(statute, name, value)  # type: ignore[arg-type]
    return to_json(value, statute.facts[name].type)


def fact_text(statute, name: str, value: object) -> str:
    """``name = value`` for a case's fact; for a kind's items, each item fact as
    ``kind[1].uren = 10`` (``kind = none`` without items)."""
    from lexproof.dsl.values import format_value

    if name not in statute.kinds:
        return f"{name} = {format_value(value, statute.facts[name].type)}"
    rows = item_rows(statute, {name: value}, kinds=[name])
    return ", ".join(f"{label} = none" if type_ is None else f"{label} = {format_value(item, type_)}"
                     for label, item, type_ in rows)
