"""The resolved, typed intermediate form that both engines run: the evaluator and the Z3 encoder.

The checker lowers every AST expression into these nodes once. Names are resolved (a fact, a
decision, a parameter, an enum constant), every node carries its type and source span, and
operators are a small closed set. "One meaning, two engines": each operator's meaning is defined
twice, in ``dsl/evaluator.py`` and ``verifier/encoding.py``, and tested against each other.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Union

from lexproof.dsl.source import NO_SPAN, Span


@dataclass(frozen=True)
class Type:
    """A value type. Numbers are ``int``, ``rate`` (exact rational) and ``money`` (exact euros)."""

    kind: str  # bool int rate money date enum
    enum: str | None = None

    def __str__(self) -> str:
        return self.enum if self.kind == "enum" else self.kind

    @property
    def is_numeric(self) -> bool:
        return self.kind in ("int", "number", "rate", "money")

    @property
    def is_scalar(self) -> bool:
        """Dimensionless numbers: they may scale money."""
        return self.kind in ("int", "number", "rate")

    @property
    def is_rational(self) -> bool:
        """Exact rationals (Real in the encoding): number, rate and money."""
        return self.kind in ("number", "rate", "money")


BOOL = Type("bool")
INT = Type("int")
RATE = Type("rate")
NUMBER = Type("number")
MONEY = Type("money")
DATE = Type("date")


# Values at run time: bool, int, Fraction (rate and money), int day number (date; see values.py),
# str (enum constant name).


@dataclass(frozen=True, eq=False)
class Const:
    type: Type
    value: object
    span: Span = field(default=NO_SPAN, repr=False)


@dataclass(frozen=True, eq=False)
class FactRef:
    """A fact of the case named ``case`` (None: the only case)."""

    name: str
    type: Type
    case: str | None = None
    span: Span = field(default=NO_SPAN, repr=False)


@dataclass(frozen=True, eq=False)
class DecisionRef:
    """A decision's outcome, of case ``case`` in version slot ``version`` (None, before, after)."""

    name: str
    type: Type
    case: str | None = None
    version: str | None = None
    span: Span = field(default=NO_SPAN, repr=False)


@dataclass(frozen=True, eq=False)
class ParamRef:
    """A parameter: constant within one consolidated version."""

    name: str
    type: Type
    version: str | None = None
    span: Span = field(default=NO_SPAN, repr=False)


@dataclass(frozen=True, eq=False)
class TableRef:
    name: str
    arg: Node
    type: Type
    version: str | None = None
    span: Span = field(default=NO_SPAN, repr=False)


@dataclass(frozen=True, eq=False)
class Op:
    """An operator application. ``op`` is one of:

    not and or implies ite | = != < <= > >= | + - * / neg min max | in (args[0] in args[1:])
    | round_down round_up round_half (args: value, Const unit > 0; ``lexproof.dsl.evaluator.round_to``)
    | dates (``dsl/datecalc.py``): year month day add_months years_between months_between
    first_day_of_month first_day_of_next_month year_start (args: date, Const month, Const day)
    """

    op: str
    args: tuple[Node, ...]
    type: Type
    span: Span = field(default=NO_SPAN, repr=False)


@dataclass(frozen=True, eq=False)
class Peildatum:
    """The date of the version being applied, in version slot ``version`` (None, before,
    after): constant within one version, like a parameter."""

    version: str | None = None
    span: Span = field(default=NO_SPAN, repr=False)
    type: Type = field(default=Type("date"), repr=False)


@dataclass(frozen=True, eq=False)
class ItemFactRef:
    """A fact of the current item of ``kind`` (docs/language.md, "Repeated items"): read in a
    decision per item, or inside an aggregate over the kind."""

    name: str
    type: Type
    kind: str
    span: Span = field(default=NO_SPAN, repr=False)


@dataclass(frozen=True, eq=False)
class ItemDecisionRef:
    """A decision per item, of the current item of ``kind``."""

    name: str
    type: Type
    kind: str
    span: Span = field(default=NO_SPAN, repr=False)


@dataclass(frozen=True, eq=False)
class Aggregate(Op):
    """``op`` (sum count all any min max) over the items of ``kind`` that belong to the current
    context (the case, or the current item of the kind's parent). ``args`` = (body, filter):
    each is evaluated per item; count's body is the constant 1, a missing filter the constant
    true. An ``Op`` so that every walk over the IR sees the facts and decisions inside."""

    kind: str = ""


@dataclass(frozen=True, eq=False)
class Rank(Op):
    """The current item of ``kind``'s position among its siblings ordered by ``args[0]``, most
    first; of equal values the earlier-listed item comes first (op ``rank``, type int, 1 = first)."""

    kind: str = ""


ITEM_REFS = (ItemFactRef, ItemDecisionRef, Aggregate, Rank)

Node = Union[Const, FactRef, DecisionRef, ParamRef, TableRef, Op, Peildatum] | ItemFactRef | ItemDecisionRef

LOGICAL_OPS = {"not", "and", "or", "implies", "ite"}
COMPARISON_OPS = {"=", "!=", "<", "<=", ">", ">="}
ARITHMETIC_OPS = {"+", "-", "*", "/", "neg", "min", "max"}


def walk(node: Node):
    """Every node of the tree, parents before children."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, Op):
            stack.extend(reversed(current.args))
        elif isinstance(current, TableRef):
            stack.append(current.arg)


@dataclass(frozen=True)
class Reads:
    """What an expression reads, by name: decisions (of the case or per item), parameters,
    tables, enum facts (with their enum), whether it reads the peildatum, and whether it names
    a case or a version slot itself (only properties do: ``slotted``)."""

    decisions: frozenset[str]
    params: frozenset[str]
    tables: frozenset[str]
    enum_facts: frozenset[tuple[str, str]]
    peildatum: bool
    slotted: bool = False


_READS: weakref.WeakKeyDictionary[Node, Reads] = weakref.WeakKeyDictionary()


def reads(node: Node) -> Reads:
    """What ``node`` reads (``Reads``), remembered per node object: the passes that need it
    (every consolidated version's cones, once per part of the built-in checks) would walk the
    same expressions again and again. Nodes are immutable and compared by identity; an entry
    goes with its node."""
    found = _READS.get(node)
    if found is None:
        decisions, params, tables, enum_facts = set(), set(), set(), set()
        peildatum = slotted = False
        for sub in walk(node):
            if isinstance(sub, (DecisionRef, ParamRef, TableRef, Peildatum)) and sub.version is not None \
                    or isinstance(sub, (FactRef, DecisionRef)) and sub.case is not None:
                slotted = True
            if isinstance(sub, (DecisionRef, ItemDecisionRef)):
                decisions.add(sub.name)
            elif isinstance(sub, ParamRef):
                params.add(sub.name)
            elif isinstance(sub, TableRef):
                tables.add(sub.name)
            elif isinstance(sub, (FactRef, ItemFactRef)) and sub.type.kind == "enum":
                enum_facts.add((sub.name, sub.type.enum or ""))
            elif isinstance(sub, Peildatum):
                peildatum = True
        found = _READS[node] = Reads(frozenset(decisions), frozenset(params), frozenset(tables),
                                     frozenset(enum_facts), peildatum, slotted)
    return found


def reads_of(nodes: list[Node]) -> Reads:
    """What the ``nodes`` read together (``reads`` of each, united)."""
    found = [reads(node) for node in nodes]
    if len(found) == 1:
        return found[0]
    return Reads(frozenset().union(*(r.decisions for r in found)), frozenset().union(*(r.params for r in found)),
                 frozenset().union(*(r.tables for r in found)), frozenset().union(*(r.enum_facts for r in found)),
                 any(r.peildatum for r in found), any(r.slotted for r in found))
