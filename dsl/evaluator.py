"""The concrete evaluator: runs one case (or two) through consolidated versions, with a trace.

Semantics (mirrored exactly by ``verifier/encoding.py``; the two are tested against each other):

* A rule *fires* when its condition holds and none of the rules that override it fires.
* A decision is undefined when any of its rules' conditions is undefined, a firing rule's value
  is undefined, or two firing rules give different values (a conflict). When no rule fires it
  takes its ``otherwise`` value, or is *undecided* (a gap). Otherwise it takes the value of the
  firing rules (they all agree).
* ``and``, ``or``, ``implies`` and ``if`` evaluate left to right and stop early; every other
  operator needs all its operands. Division by zero and a lookup beyond a table without
  ``above`` are undefined, and so is a date calculated outside 0001-01-01..9999-12-31.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

from lexproof.dsl import datecalc, ir, items
from lexproof.dsl.diagnostics import Diagnostic, LexproofError
from lexproof.dsl.model import RuleInfo
from lexproof.dsl.source import Span, source_text
from lexproof.dsl.values import FIRST_DAY, LAST_DAY, format_date, format_value, is_representable_day

if TYPE_CHECKING:  # a type only: consolidation comes after the evaluator and uses it
    from lexproof.dsl.consolidate import Version


class Undefined(Exception):
    """An expression without a value: an undecided or conflicting decision, or /0."""

    def __init__(self, reason: str, span: Span | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.span = span


@dataclass
class RuleTrace:
    """What happened to one rule: applied, not applicable (with the first condition that
    failed), overridden (by which rules) or undefined."""

    rule: RuleInfo
    status: str  # applied, not applicable, overridden, undefined
    failed_condition: str | None = None
    failed_span: Span | None = None
    overridden_by: tuple[str, ...] = ()
    detail: str | None = None
    failed_node: ir.Node | None = None  # the conjunct that failed, to follow into other decisions


@dataclass
class DecisionOutcome:
    decision: str
    status: str  # decided, default, undecided, conflict, undefined
    value: object = None
    deciding: tuple[RuleInfo, ...] = ()
    rules: list[RuleTrace] = field(default_factory=list)
    reason: str | None = None

    @property
    def defined(self) -> bool:
        return self.status in ("decided", "default")


def evaluate_constant(node: ir.Node) -> object:
    """The value of a node without facts, decisions or parameters (literal arithmetic)."""
    try:
        return Evaluator({}, {}).eval(node, None, None)
    except Undefined as error:
        raise ValueError(error.reason) from None


class Evaluator:
    """Evaluates decisions for cases in versions, memoizing each (decision, case, version).

    ``versions`` maps a version slot (None for single-version runs, or before/after) to a
    Version; ``cases`` maps a case name (None for the single case, or a/b) to its facts.
    """

    def __init__(self, versions: dict[str | None, Version], cases: dict[str | None, dict[str, object]]) -> None:
        self.versions = versions
        self.cases = cases
        self._memo: dict[tuple[str, str | None, str | None], DecisionOutcome] = {}
        self._active: set[tuple[str, str | None, str | None]] = set()

    def forget(self) -> None:
        """Drop what was evaluated: it is evaluated again, to the same outcomes, when asked.
        A diff of a statute book keeps an example per changed decision, each with an evaluator
        that evaluated the decision's whole cone; kept, those took half a gigabyte at 10,000
        rules (docs/performance.md, "Session 15")."""
        self._memo.clear()

    # --- decisions ---
    def decision(self, name: str, case: str | None = None, slot: str | None = None) -> DecisionOutcome:
        key = (name, case, slot)
        if key not in self._memo:
            if key in self._active:  # the checker rejects cycles; this guards generated input
                raise Undefined(f"{name} depends on itself")
            self._active.add(key)
            try:
                self._memo[key] = self._decide(name, case, slot)
            finally:
                self._active.discard(key)
        return self._memo[key]

    def _decide(self, name: str, case: str | None, slot: str | None) -> DecisionOutcome:
        version = self.versions[slot]
        info = version.statute.decision_info(name)
        rules = version.rules_of(name)
        overriders = version.overriders(name)
        traces = {rule.name: RuleTrace(rule, "not applicable") for rule in rules}
        holds: dict[str, bool] = {}
        undefined: Undefined | None = None
        for rule in rules:
            try:
                holds[rule.name] = True if rule.condition is None else bool(self.eval(rule.condition, case, slot))
            except Undefined as error:
                traces[rule.name].status = "undefined"
                traces[rule.name].detail = error.reason
                undefined = undefined or error
                holds[rule.name] = False
        fires: dict[str, bool] = {}

        def fire(rule_name: str) -> bool:
            if rule_name not in fires:
                fires[rule_name] = False  # exception cycles are rejected by the checker
                fires[rule_name] = holds[rule_name] and not any(fire(o) for o in overriders[rule_name])
            return fires[rule_name]

        firing = [rule for rule in rules if fire(rule.name)]
        for rule in rules:
            trace = traces[rule.name]
            if trace.status == "undefined":
                continue
            if fires[rule.name]:
                trace.status = "applied"
            elif holds[rule.name]:
                trace.status = "overridden"
                trace.overridden_by = tuple(o for o in overriders[rule.name] if fires.get(o))
            elif rule.condition is not None:
                trace.failed_node = self._first_failure(rule.condition, case, slot)
                trace.failed_condition, trace.failed_span = source_text(trace.failed_node.span), trace.failed_node.span
        if undefined is not None:
            # Every condition is needed to know which rules fire (an undefined one might have
            # overridden or contradicted the others), so the decision has no value.
            return DecisionOutcome(
                name, "undefined", None, (), list(traces.values()),
                f"a condition of {name} is undefined: {undefined.reason}",
            )
        values = []
        for rule in firing:
            try:
                values.append(self.eval(rule.value, case, slot))
            except Undefined as error:
                traces[rule.name].detail = error.reason
                return DecisionOutcome(
                    name, "undefined", None, (rule,), list(traces.values()),
                    f"the value of rule {rule.name} is undefined: {error.reason}",
                )
        for rule, value in zip(firing, values):
            if value != values[0]:
                return DecisionOutcome(
                    name, "conflict", None, (firing[0], rule), list(traces.values()),
                    f"rules {firing[0].name} and {rule.name} both apply and disagree",
                )
        if firing:
            return DecisionOutcome(name, "decided", values[0], tuple(firing), list(traces.values()))
        if info.default is not None:
            try:
                value = self.eval(info.default, case, slot)
            except Undefined as error:
                return DecisionOutcome(name, "undefined", None, (), list(traces.values()), error.reason)
            return DecisionOutcome(name, "default", value, (), list(traces.values()))
        return DecisionOutcome(
            name, "undecided", None, (), list(traces.values()), f"no rule decides {name} and it has no default"
        )

    def _first_failure(self, condition: ir.Node, case: str | None, slot: str | None) -> ir.Node:
        """The first conjunct of a condition that is false."""
        for conjunct in _conjuncts(condition):
            try:
                if not self.eval(conjunct, case, slot):
                    return conjunct
            except Undefined:
                return conjunct
        return condition

    # --- expressions ---
    def eval(self, node: ir.Node, case: str | None, slot: str | None) -> object:
        if isinstance(node, ir.Const):
            return node.value
        if isinstance(node, ir.FactRef):
            facts = self.cases[node.case if node.case is not None else items.base_case(case)]
            return facts[node.name]
        if isinstance(node, ir.DecisionRef):
            outcome = self.decision(
                node.name,
                node.case if node.case is not None else items.base_case(case),
                node.version if node.version is not None else slot,
            )
            if not outcome.defined:
                raise Undefined(f"{node.name} is {outcome.status}", node.span)
            return outcome.value
        if isinstance(node, ir.ParamRef):
            version = self.versions[node.version if node.version is not None else slot]
            if node.name not in version.parameters:
                raise LexproofError(
                    Diagnostic(node.span, f"parameter {node.name} has no value in {version.label}")
                )
            return version.parameters[node.name]
        if isinstance(node, ir.TableRef):
            return self._table(node, case, slot)
        if isinstance(node, ir.Peildatum):
            return self.versions[node.version if node.version is not None else slot].date.toordinal()
        if isinstance(node, (ir.ItemFactRef, ir.ItemDecisionRef, ir.Aggregate, ir.Rank)):
            return self._item_node(node, case, slot)
        return self._op(node, case, slot)

    # --- repeated items (docs/language.md, "Repeated items") ---
    def _item_node(self, node: ir.Node, context: object, slot: str | None) -> object:
        if isinstance(node, ir.ItemFactRef):
            here = items.narrow(context, node.kind)
            return items.item_facts(self.cases[items.base_case(here)], here)[node.name]
        if isinstance(node, ir.ItemDecisionRef):
            outcome = self.decision(node.name, items.narrow(context, node.kind), slot)
            if not outcome.defined:
                raise Undefined(f"{node.name} of {items.label(items.narrow(context, node.kind))} is {outcome.status}", node.span)
            return outcome.value
        if isinstance(node, ir.Rank):
            return self._rank(node, context, slot)
        assert isinstance(node, ir.Aggregate)
        return self._aggregate(node, context, slot)

    def _children(self, kind: str, context: object) -> list[object]:
        """The contexts of the items of ``kind`` within ``context`` (the kind's parent)."""
        parent = items.narrow(context, self._parent(kind))
        listed = items.items_of(self.cases[items.base_case(parent)], parent, kind)
        return [items.child(parent, kind, index) for index in range(len(listed))]

    def _parent(self, kind: str) -> str | None:
        return next(iter(self.versions.values())).statute.kinds[kind].parent

    def _aggregate(self, node: ir.Aggregate, context: object, slot: str | None) -> object:
        """Every item's filter, then (where it holds) its value: any undefined one makes the
        aggregate undefined, as in the encoding (no early stop). min and max of no items are
        undefined: there is no smallest value of nothing, and 0 would be a made-up answer."""
        body, where = node.args
        values = []
        for item in self._children(node.kind, context):
            if self.eval(where, item, slot):
                values.append(self.eval(body, item, slot))
        if node.op in ("sum", "count"):
            return sum(values, Fraction(0) if node.type.is_rational else 0)
        if node.op == "all":
            return all(values)
        if node.op == "any":
            return any(values)
        if not values:
            raise Undefined(f"{node.op}() over no {node.kind} items", node.span)
        return min(values) if node.op == "min" else max(values)

    def _rank(self, node: ir.Rank, context: object, slot: str | None) -> int:
        """1 + the siblings before the current item in the order 'most first; of equal values,
        the one listed first'."""
        here = items.narrow(context, node.kind)
        mine = items.path_of(here)[-1][1]
        keys = [self.eval(node.args[0], sibling, slot) for sibling in self._children(node.kind, here)]
        ahead = sum(1 for j, key in enumerate(keys) if (key >= keys[mine] if j < mine else key > keys[mine]))
        return 1 + ahead

    def _table(self, node: ir.TableRef, case: str | None, slot: str | None) -> object:
        table_slot = node.version if node.version is not None else slot
        version = self.versions[table_slot]
        table = version.table(node.name)  # with rows amendments add
        x = self.eval(node.arg, case, slot)
        bounds = [self.eval(b, case, table_slot) for b in table.bounds]
        values = [self.eval(v, case, table_slot) for v in table.values]
        if not table.marginal:
            for row, (bound, value) in enumerate(zip(bounds, values)):
                if _in_row(x, bound, table.is_exclusive(row)):
                    return value
            if table.has_above:
                return values[-1]
            raise Undefined(f"{format_value(x, table.input)} lies above the last row of table {node.name}", node.span)
        if not table.has_above and not _in_row(x, bounds[-1], table.is_exclusive(len(bounds) - 1)):
            raise Undefined(f"{format_value(x, table.input)} lies above the last row of table {node.name}", node.span)
        total: object = 0
        lower: object = 0
        for bound, rate in zip(bounds, values):
            total += rate * max(0, min(x, bound) - lower)  # type: ignore[operator]
            lower = bound
        if table.has_above:
            total += values[-1] * max(0, x - lower)  # type: ignore[operator]
        return total

    def _op(self, node: ir.Op, case: str | None, slot: str | None) -> object:
        op, args = node.op, node.args
        ev = self.eval
        if op == "and":
            return bool(ev(args[0], case, slot)) and bool(ev(args[1], case, slot))
        if op == "or":
            return bool(ev(args[0], case, slot)) or bool(ev(args[1], case, slot))
        if op == "implies":
            return (not ev(args[0], case, slot)) or bool(ev(args[1], case, slot))
        if op == "ite":
            return ev(args[1], case, slot) if ev(args[0], case, slot) else ev(args[2], case, slot)
        values = [ev(arg, case, slot) for arg in args]
        if op == "not":
            return not values[0]
        if op == "in":
            return values[0] in values[1:]
        if op == "=":
            return values[0] == values[1]
        if op == "!=":
            return values[0] != values[1]
        if op == "<":
            return values[0] < values[1]
        if op == "<=":
            return values[0] <= values[1]
        if op == ">":
            return values[0] > values[1]
        if op == ">=":
            return values[0] >= values[1]
        if op == "+":
            return _within_dates(node, values[0] + values[1])
        if op == "-":
            return _within_dates(node, values[0] - values[1])
        if op == "*":
            return values[0] * values[1]
        if op == "/":
            if values[1] == 0:
                raise Undefined("division by zero", node.span)
            return Fraction(values[0]) / Fraction(values[1])
        if op == "neg":
            return -values[0]
        if op in ROUNDING_OPS:
            return round_to(values[0], values[1], op)
        if op in _DATE_OPS:
            return _date_op(node, values)
        if op == "min":
            return min(values)
        if op == "max":
            return max(values)
        raise AssertionError(f"unknown operator {op}")  # the checker only produces known operators


ROUNDING_OPS = ("round_down", "round_up", "round_half")


def round_to(value: object, unit: object, op: str) -> object:
    """``value`` rounded to a whole multiple of ``unit`` (> 0), exactly: ``round_down`` toward
    minus infinity, ``round_up`` toward plus infinity, ``round_half`` to the nearest multiple
    with a half away from zero (as "rekenkundig afronden"; Python's ``decimal.ROUND_FLOOR``,
    ``ROUND_CEILING`` and ``ROUND_HALF_UP``). An int unit gives an int."""
    steps = Fraction(value) / Fraction(unit)  # type: ignore[arg-type]
    if op == "round_down":
        whole = math.floor(steps)
    elif op == "round_up":
        whole = math.ceil(steps)
    else:
        whole = math.floor(abs(steps) + Fraction(1, 2)) * (1 if steps >= 0 else -1)
    result = whole * Fraction(unit)  # type: ignore[arg-type]
    return int(result) if isinstance(unit, int) and not isinstance(unit, bool) else result


def _in_row(x: object, bound: object, exclusive: bool) -> bool:
    """Whether ``x`` is within a row's upper bound: ``below`` excludes the bound, ``up to``
    includes it."""
    return x < bound if exclusive else x <= bound  # type: ignore[operator]


_DATE_OPS = {
    "year": datecalc.year_of,
    "month": datecalc.month_of,
    "day": datecalc.day_of,
    "add_months": datecalc.add_months,
    "years_between": datecalc.years_between,
    "months_between": datecalc.months_between,
    "first_day_of_month": datecalc.first_day_of_month,
    "first_day_of_next_month": datecalc.first_day_of_next_month,
    "year_start": lambda day, month, first: datecalc.year_start(day, (month, first)),
}


def _date_op(node: ir.Op, values: list) -> object:
    """A calendar function (``dsl/datecalc.py``); a date it makes outside 0001-01-01..9999-12-31
    is undefined, as in ``d + n``."""
    result = _DATE_OPS[node.op](*values)
    if result is None:  # datecalc's word for "beyond the representable years"
        later = node.op == "first_day_of_next_month" or (node.op == "add_months" and values[1] > 0)
        side = "after" if later else "before"
        day = format_date(LAST_DAY if side == "after" else FIRST_DAY)
        boundary = "last" if side == "after" else "first"
        raise Undefined(f"'{source_text(node.span)}' falls {side} {day}, the {boundary} date lexproof represents", node.span)
    return result


def _within_dates(node: ir.Op, value: object) -> object:
    """``value`` as the result of ``node``; undefined if it is a date outside the representable
    range (``d + n`` and ``d - n`` are the only operations that make a new date)."""
    if node.type.kind == "date" and not is_representable_day(value):  # type: ignore[arg-type]
        side, boundary = ("after", "last") if value > LAST_DAY else ("before", "first")  # type: ignore[operator]
        day = format_date(LAST_DAY if side == "after" else FIRST_DAY)
        raise Undefined(f"'{source_text(node.span)}' falls {side} {day}, the {boundary} date lexproof represents", node.span)
    return value


def _conjuncts(node: ir.Node) -> list[ir.Node]:
    if isinstance(node, ir.Op) and node.op == "and":
        return _conjuncts(node.args[0]) + _conjuncts(node.args[1])
    return [node]


def evaluate_case(version: Version, facts: dict[str, object]) -> dict[str, DecisionOutcome]:
    """Every decision of the statute for one case in one version."""
    evaluator = Evaluator({None: version}, {None: facts})
    return {name: evaluator.decision(name) for name in version.statute.decisions if version.has_decision(name)}
