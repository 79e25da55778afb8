"""Text straight to AST: the LALR parser calls ToAst's methods as it reduces, no parse tree.

Parsing a 10,000-rule statute (1.3 MB) spent a third of its time on the parse tree: Lark built a
``Tree`` per rule, propagated its positions (``PropagatePositions``: half a million calls), and
then ``ToAst`` walked the whole tree again. Lark can call a transformer's methods as it reduces
(an "inline" transformer), but not methods that take the rule's positions (``v_args(meta=True)``,
which every ``ToAst`` method does: the spans come from there). This module gives them those
positions: each reduction's value carries the positions its tree node would have had, computed
by Lark's own rule (a node starts where its first child's *container* starts and ends where its
last child's container ends; a rule inlined by ``?`` keeps its own start and widens its
container), so the AST, spans included, is the one ``ToAst().transform(tree)`` builds; a test
compares both on every statute the repository holds and on generated ones.

Used for the happy path only: a syntax error is reported from the tree parser (its error
states feed tokens through the callbacks), and if Lark's internals ever differ from what this
module expects, ``direct_parser`` returns None and the tree parser is used."""

from __future__ import annotations

import copy
from typing import Any

from lark import Lark, Token, Tree
from lark.parse_tree_builder import ExpandSingleChild, PropagatePositions
from lark.parsers.lalr_parser import _Parser

from lexproof.dsl.tree_to_ast import ToAst


class Positions:
    """The positions Lark's ``Meta`` holds for a node: its own (``ToAst._span`` reads them) and
    its container's (a parent reads those). A node without positioned children is empty."""

    __slots__ = ("empty", "line", "column", "end_line", "end_column",
                 "container_line", "container_column", "container_end_line", "container_end_column")

    def __init__(self, first: tuple | None, last: tuple | None) -> None:
        self.empty = first is None and last is None
        self.line = self.column = self.end_line = self.end_column = None
        self.container_line = self.container_column = self.container_end_line = self.container_end_column = None
        if first is not None:
            self.line, self.column = self.container_line, self.container_column = first
        if last is not None:
            self.end_line, self.end_column = self.container_end_line, self.container_end_column = last

    def widened(self, first: tuple | None, last: tuple | None) -> Positions:
        """These positions inside a rule that inlined the node: its own start and end stay (or
        come from the rule when it had none), its container is the rule's."""
        widened = Positions(first, last)
        if self.line is not None:
            widened.line, widened.column = self.line, self.column
        if self.end_line is not None:
            widened.end_line, widened.end_column = self.end_line, self.end_column
        widened.empty = widened.line is None and widened.end_line is None
        return widened


class Reduced:
    """A reduction's value (an AST node, a tuple, a string...) with its node's positions."""

    __slots__ = ("value", "meta")

    def __init__(self, value: Any, meta: Positions) -> None:
        self.value = value
        self.meta = meta


def _first(children: list) -> tuple | None:
    """(line, column) where the first positioned child's container starts (Lark's rule)."""
    for child in children:
        kind = type(child)
        if kind is Reduced:
            meta = child.meta
            if not meta.empty:
                return (meta.container_line, meta.container_column) if meta.container_line is not None \
                    else (meta.line, meta.column)
        elif kind is Token or isinstance(child, Token):
            return child.line, child.column
        elif isinstance(child, Tree):
            meta = child.meta
            if not meta.empty:
                return getattr(meta, "container_line", meta.line), getattr(meta, "container_column", meta.column)
    return None


def _last(children: list) -> tuple | None:
    """(end line, end column) of the last positioned child's container: ``_first`` from the
    other end (written out twice: this runs for most of the half million reductions)."""
    for child in reversed(children):
        kind = type(child)
        if kind is Reduced:
            meta = child.meta
            if not meta.empty:
                return (meta.container_end_line, meta.container_end_column) if meta.container_end_line is not None \
                    else (meta.end_line, meta.end_column)
        elif kind is Token or isinstance(child, Token):
            return child.end_line, child.end_column
        elif isinstance(child, Tree):
            meta = child.meta
            if not meta.empty:
                return (getattr(meta, "container_end_line", meta.end_line),
                        getattr(meta, "container_end_column", meta.end_column))
    return None


def _place_tree(meta: Any, first: tuple | None, last: tuple | None) -> None:
    """What ``PropagatePositions`` does to a tree's meta: its own start and end, when it has
    none yet, and its container's, from this reduction's children."""
    if first is not None:
        if not hasattr(meta, "line"):
            meta.line, meta.column = first
            meta.empty = False
        meta.container_line, meta.container_column = first
    if last is not None:
        if not hasattr(meta, "end_line"):
            meta.end_line, meta.end_column = last
            meta.empty = False
        meta.container_end_line, meta.container_end_column = last


class _Reduction:
    """The state of one parse: the children of the reduction under way (before the rule's
    filter drops its keywords: they count for the positions), the positions once computed,
    and whether the rule inlined its single child (``?rule``) rather than building a node."""

    def __init__(self) -> None:
        self.children: list = []
        self.meta: Positions | None = None
        self.inlined = False

    def positions(self) -> Positions:
        if self.meta is None:
            self.meta = Positions(_first(self.children), _last(self.children))
        return self.meta


class _Inline:
    """``ExpandSingleChild``, noting that the child passed through."""

    def __init__(self, state: _Reduction, node_builder) -> None:
        self.state, self.node_builder = state, node_builder

    def __call__(self, children: list) -> Any:
        if len(children) == 1:
            self.state.inlined = True
            return children[0]
        return self.node_builder(children)


class _Place:
    """``PropagatePositions`` for values that are not trees: the rule's method gets the
    positions (computed when it asks, from the children), and the value keeps them."""

    def __init__(self, state: _Reduction, node_builder) -> None:
        self.state, self.node_builder = state, node_builder

    def __call__(self, children: list) -> Any:
        state = self.state
        state.children, state.meta, state.inlined = children, None, False
        result = self.node_builder(children)
        if state.inlined:
            if len(children) == 1 and result is children[0]:
                return result  # its container is its own: nothing changes
            first, last = _first(children), _last(children)
            if type(result) is Reduced:
                return Reduced(result.value, result.meta.widened(first, last))
            if isinstance(result, Tree):
                _place_tree(result.meta, first, last)
            return result  # a token keeps its positions, as in a tree
        if isinstance(result, Tree):
            _place_tree(result.meta, _first(children), _last(children))
            return result
        return Reduced(result, state.positions())


def _unwrapped(children: list) -> list:
    return [child.value if type(child) is Reduced else child for child in children]


def _callbacks(builder: ToAst, tree_parser: Lark) -> dict | None:
    """Lark's callbacks with ``builder``'s methods at their end, or None when a rule's chain
    holds a step this module does not know."""
    state = _Reduction()
    callbacks = {}
    for rule, chain in tree_parser._parse_tree_builder.rule_builders:
        name = rule.alias or rule.options.template_source or rule.origin.name
        method = getattr(builder, str(name), None) if not str(name).startswith("_") else None
        if method is not None and getattr(method, "visit_wrapper", None) is not None:  # v_args(meta=True)
            def with_meta(children: list, method=method) -> Any:
                return method(state.positions(), _unwrapped(children))
            step: Any = with_meta
        elif method is not None:
            def plain(children: list, method=method) -> Any:
                return method(_unwrapped(children))
            step = plain
        elif str(name).startswith("_"):  # a helper rule: its children are spliced into the parent's
            def spliced(children: list, name=name) -> Tree:
                return Tree(name, children)
            step = spliced
        else:  # a rule ToAst does not build: a tree, as Transformer.__default__ leaves it
            def tree(children: list, name=name) -> Tree:
                return Tree(name, _unwrapped(children))
            step = tree
        for wrapper in chain:
            if wrapper is ExpandSingleChild:
                step = _Inline(state, step)
            elif wrapper is PropagatePositions:
                step = _Place(state, step)
            elif getattr(wrapper, "func", None) is not None and wrapper.func.__name__.startswith("ChildFilter"):
                step = wrapper(step)
            else:
                return None
        callbacks[rule] = step
    return callbacks


def direct_parse(tree_parser: Lark, text: str, start: str, builder: ToAst) -> Any | None:
    """The AST of ``text`` (``builder``'s result for the start rule), or None when this Lark
    does not have the internals this module uses. Raises Lark's UnexpectedInput on bad input."""
    try:
        frontend = tree_parser.parser
        lalr = frontend.parser
        callbacks = _callbacks(builder, tree_parser)
        if callbacks is None:
            return None
        direct = copy.copy(lalr)
        direct.parser = _Parser(lalr.parser.parse_table, callbacks)
        front = copy.copy(frontend)
        front.parser = direct
    except AttributeError:
        return None
    result = front.parse(text, start)
    return result.value if type(result) is Reduced else result
