"""Expression lowering: AST expressions to typed IR, with name resolution and type rules.

Kept apart from the declaration checks in ``lexproof.dsl.checker`` because it is the one place that
defines what an expression means type-wise; the evaluator and encoder trust its output.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction

from lexproof.dsl import ast, ir
from lexproof.dsl.diagnostics import DiagnosticSink
from lexproof.dsl.ir import BOOL, DATE, INT, MONEY, NUMBER, RATE, Node, Type
from lexproof.dsl.model import StatuteModel

VERSION_QUALIFIERS = ("before", "after")
FUNCTIONS = ("min", "max", "round_down", "round_up", "round")
# Rounding as statutes state it: the function -> the IR operator (docs/language.md, "Rounding").
ROUNDING = {"round_down": "round_down", "round_up": "round_up", "round": "round_half"}
AGGREGATES = ("sum", "count", "all", "any", "min", "max")  # over the items of a kind
PEILDATUM = "peildatum"  # the date of the version being applied
# Calendar functions of one or two dates: name -> (number of dates, result type name).
DATE_FUNCTIONS = {
    "year": (1, "int"),
    "month": (1, "int"),
    "day": (1, "int"),
    "years_between": (2, "int"),
    "months_between": (2, "int"),
    "first_day_of_month": (1, "date"),
    "first_day_of_next_month": (1, "date"),
    "start_of_studiejaar": (1, "date"),
    "start_of_schooljaar": (1, "date"),
}
# The first day of the year that start_of_studiejaar / start_of_schooljaar look for.
YEAR_STARTS = {"start_of_studiejaar": (9, 1), "start_of_schooljaar": (8, 1)}
TIME_UNITS = {"day": "days", "days": "days", "month": "months", "months": "months", "year": "years", "years": "years"}


class TypeFailure(Exception):
    """Raised inside lowering after the diagnostic is recorded, to abandon one expression."""


@dataclass(frozen=True)
class Scope:
    """What an expression may refer to.

    ``cases``: case names of a two-case property (facts and decisions must be qualified).
    ``versioned``: a two-version property (decisions, parameters, tables need before./after.).
    """

    facts: bool = True
    decisions: bool = True
    cases: tuple[str, ...] = ()
    versioned: bool = False
    what: str = "a rule"
    # The kinds whose current item the expression may read, outermost first: (kind,) in a
    # decision per kind, (kind, contract) per contract or in an aggregate over contracts.
    items: tuple[str, ...] = ()


def literal_value(literal: ast.Literal) -> tuple[Type, object]:
    """The IR type and run-time value of a literal (dates become day numbers)."""
    if literal.kind == "date":
        return DATE, literal.value.toordinal()  # type: ignore[union-attr]
    return {"bool": BOOL, "int": INT, "rate": RATE, "number": NUMBER, "money": MONEY}[literal.kind], literal.value


def is_constant(node: Node) -> bool:
    """No facts and no decisions: the value is fixed within one version."""
    return not any(isinstance(n, (ir.FactRef, ir.DecisionRef, *ir.ITEM_REFS)) for n in ir.walk(node))


def is_piecewise_constant(node: Node, statute: StatuteModel) -> bool:
    """Constant on each piece of a partition of the cases: a constant, an ``if`` whose branches
    are piecewise constant, or a flat table whose row values are constant. Multiplying by such
    a value stays linear (the encoding distributes the product over the pieces)."""
    if is_constant(node):
        return True
    if isinstance(node, ir.Op) and node.op == "ite":
        return all(is_piecewise_constant(branch, statute) for branch in node.args[1:])
    if isinstance(node, ir.Op) and node.op == "neg":
        return is_piecewise_constant(node.args[0], statute)
    if isinstance(node, ir.TableRef):
        table = statute.tables[node.name]
        return not table.marginal and all(is_constant(value) for value in table.values)
    return False


ROUNDING_OPS = ("round_down", "round_up", "round_half")


RulesOf = Callable[[str], list[Node]]


def whole_sides(node: Node, statute: StatuteModel, values_of: RulesOf | None = None,
                seen: frozenset[str] = frozenset()) -> tuple[bool, bool] | None:
    """Whether ``node`` is always a whole multiple of a fixed step (1 for an int, a cent for
    money, the denominators of its constants) and, if so, whether it has a lower and an upper
    bound in every version: (has a lower bound, has an upper bound); None when it is not such
    a number. A product with a value bounded on both sides is linear: the encoding writes it
    as a sum over the bits of the number of steps (``Encoder._expand``, which mirrors this
    function with the version's numbers). ``values_of(decision)``: the values its rules and
    default can give (without it a decision is not such a number)."""
    if isinstance(node, (ir.Const, ir.ParamRef)):
        return (True, True) if node.type.is_numeric else None
    if isinstance(node, (ir.FactRef, ir.ItemFactRef)):
        if node.type.kind not in ("int", "money"):
            return None
        fact = statute.fact_info(node.name)  # an item's fact is bounded like a case's
        return fact.low is not None, fact.high is not None
    if isinstance(node, ir.TableRef):
        table = statute.tables[node.name]
        flat = not table.marginal and node.type.is_numeric and all(is_constant(v) for v in table.values)
        return (True, True) if flat else None
    if isinstance(node, (ir.DecisionRef, ir.ItemDecisionRef)):
        if values_of is None or node.name in seen or not node.type.is_numeric:
            return None
        sides = [whole_sides(value, statute, values_of, seen | {node.name}) for value in values_of(node.name)]
        if not sides or any(side is None for side in sides):
            return None
        return all(side[0] for side in sides), all(side[1] for side in sides)  # type: ignore[index]
    if not isinstance(node, ir.Op):
        return None
    op, args = node.op, node.args
    if op in ROUNDING_OPS:
        return whole_sides(args[0], statute, values_of, seen)
    if op == "ite":
        args = args[1:]
    sides = [whole_sides(arg, statute, values_of, seen) for arg in args]
    if any(side is None for side in sides) or not sides:
        return None
    lows = [side[0] for side in sides]  # type: ignore[index]
    highs = [side[1] for side in sides]  # type: ignore[index]
    if op in ("ite", "+"):
        return all(lows), all(highs)
    if op == "-":
        return lows[0] and highs[1], highs[0] and lows[1]
    if op == "neg":
        return highs[0], lows[0]
    if op == "min":
        return all(lows), any(highs)
    if op == "max":
        return any(lows), all(highs)
    if op == "*":
        return (True, True) if all(lows) and all(highs) else None
    return None


def is_bounded_whole(node: Node, statute: StatuteModel, values_of: RulesOf | None = None) -> bool:
    """A whole number of steps between two bounds in every version (``whole_sides``)."""
    return whole_sides(node, statute, values_of) == (True, True)


def product_factors(node: Node) -> list[Node]:
    """The factors of a chain of ``*``: ``a * b * c`` gives ``[a, b, c]``."""
    if isinstance(node, ir.Op) and node.op == "*":
        return product_factors(node.args[0]) + product_factors(node.args[1])
    return [node]


def free_factors(node: Node, statute: StatuteModel, values_of: RulesOf | None = None) -> list[Node]:
    """The factors of a product that keep it from being linear: neither piecewise constant
    (pushed into the pieces) nor a bounded whole number (expanded into bits). Two or more make
    the product nonlinear: the solver may answer 'unknown' about it."""
    return [
        factor for factor in product_factors(node)
        if not is_piecewise_constant(factor, statute) and not is_bounded_whole(factor, statute, values_of)
    ]


def warn_nonlinear(statute: StatuteModel, roots: list[Node], values_of: RulesOf, sink: DiagnosticSink) -> None:
    """A warning at each product in ``roots`` (rule values and conditions, defaults, claims)
    that multiplies two unknowns that are not bounded whole numbers: it is allowed, but the
    solver's nonlinear arithmetic may answer 'unknown' about it. Once per product: not again
    at a product of which it is a factor."""
    from lexproof.dsl.source import source_text

    for root in roots:
        for node in ir.walk(root):
            if not (isinstance(node, ir.Op) and node.op == "*"):
                continue
            free = free_factors(node, statute, values_of)
            if len(free) < 2 or any(len(free_factors(arg, statute, values_of)) >= 2 for arg in node.args):
                continue
            names = " and ".join(f"'{source_text(f.span)}'" if f.span.line else "a value" for f in free[:2])
            sink.warning(
                node.span,
                f"nonlinear: this product multiplies two unknowns ({names}); properties that read it may be "
                "'unknown'. Exact and linear instead: make one factor a bounded whole number (an int or money "
                "fact with a range, min(x, CONSTANT) of one, a decision that gives such values), a constant, "
                "a parameter or a flat table lookup",
            )


def join_numeric(a: Type, b: Type) -> Type | None:
    """The common type of two numbers for + - min max ite comparisons, or None if incompatible."""
    if a == b:
        return a
    if a.is_scalar and b.is_scalar:
        return RATE if RATE in (a, b) else NUMBER
    return None


class Lowerer:
    """Lowers expressions of one statute. Errors go to ``sink``; a failing expression raises
    ``TypeFailure`` so the caller can go on with the next declaration."""

    def __init__(self, statute: StatuteModel, sink: DiagnosticSink) -> None:
        self.statute = statute
        self.sink = sink

    def fail(self, span, message: str) -> TypeFailure:
        self.sink.error(span, message)
        return TypeFailure(message)

    # --- entry points ---
    def lower(self, expr: ast.Expr, scope: Scope, expected: Type | None = None) -> Node:
        node = self._lower(expr, scope, expected)
        if expected is not None and not _assignable(node.type, expected):
            raise self.fail(expr.span, f"expected a value of type {expected}, found {node.type}")
        return node

    def lower_bool(self, expr: ast.Expr, scope: Scope) -> Node:
        return self.lower(expr, scope, BOOL)

    # --- the recursion ---
    def _lower(self, expr: ast.Expr, scope: Scope, expected: Type | None) -> Node:
        if isinstance(expr, ast.Literal):
            type_, value = literal_value(expr)
            return ir.Const(type_, value, expr.span)
        if isinstance(expr, ast.Name):
            return self._name(expr.name, None, expr.span, scope, expected)
        if isinstance(expr, ast.Qualified) and "." in expr.name:
            return self._foreign_of(expr, scope)
        if isinstance(expr, ast.Qualified):
            return self._name(expr.name, expr.qualifier, expr.span, scope, expected)
        if isinstance(expr, ast.Unary):
            return self._unary(expr, scope)
        if isinstance(expr, ast.Binary):
            return self._binary(expr, scope)
        if isinstance(expr, ast.InSet):
            return self._in_set(expr, scope)
        if isinstance(expr, ast.IfThenElse):
            condition = self.lower_bool(expr.condition, scope)
            then, otherwise = self._pair(expr.then, expr.otherwise, scope, expected)
            result = _unify(then.type, otherwise.type)
            if result is None:
                raise self.fail(
                    expr.span, f"the branches of 'if' have different types: {then.type} and {otherwise.type}"
                )
            return ir.Op("ite", (condition, then, otherwise), result, expr.span)
        if isinstance(expr, ast.Call):
            return self._call(expr, scope)
        if isinstance(expr, ast.Aggregate):
            return self._aggregate(expr, scope)
        if isinstance(expr, ast.Rank):
            return self._rank(expr, scope)
        if isinstance(expr, ast.Duration):
            raise self.fail(
                expr.span,
                f"a period ('{_unit_text(expr)}') can only be added to or subtracted from a date: "
                f"write DATE + {_unit_text(expr)} or DATE - {_unit_text(expr)}",
            )
        raise self.fail(getattr(expr, "span", None), "unsupported expression")  # pragma: no cover

    def _name(self, name: str, qualifier: str | None, span, scope: Scope, expected: Type | None) -> Node:
        statute = self.statute
        case: str | None = None
        version: str | None = None
        if qualifier is not None:
            if qualifier in statute.enums:
                if name not in statute.enums[qualifier]:
                    raise self.fail(
                        span,
                        f"'{name}' is not a value of enum {qualifier} "
                        f"(values: {', '.join(statute.enums[qualifier])})",
                    )
                return ir.Const(Type("enum", qualifier), name, span)
            if qualifier in scope.cases:
                case = qualifier
            elif qualifier in VERSION_QUALIFIERS and scope.versioned:
                version = qualifier
            elif qualifier in VERSION_QUALIFIERS:
                raise self.fail(
                    span, f"'{qualifier}.' is only meaningful in a property that compares two versions"
                )
            elif qualifier in statute.uses:
                return self._foreign(qualifier, name, span, scope)
            else:
                raise self.fail(span, f"unknown qualifier '{qualifier}': not a case name, version or enum"
                                + self._statute_hint(qualifier))
        if name in statute.facts:
            if not scope.facts:
                raise self.fail(span, f"{scope.what} cannot depend on the fact '{name}'")
            if version is not None:
                raise self.fail(span, f"facts are the same in both versions; write '{name}'")
            if scope.cases and case is None:
                raise self.fail(span, f"which case? write {' or '.join(c + '.' + name for c in scope.cases)}")
            return ir.FactRef(name, statute.facts[name].type, case, span)
        if name in statute.decisions:
            if not scope.decisions:
                raise self.fail(span, f"{scope.what} cannot depend on the decision '{name}'")
            if scope.cases and case is None:
                raise self.fail(span, f"which case? write {' or '.join(c + '.' + name for c in scope.cases)}")
            if scope.versioned and version is None:
                raise self.fail(span, f"which version? write before.{name} or after.{name}")
            return ir.DecisionRef(name, statute.decisions[name].type, case, version, span)
        if name in statute.item_facts or name in statute.item_decisions:
            return self._item_name(name, case, version, span, scope)
        if name in statute.parameters:
            if case is not None:
                raise self.fail(span, f"a parameter is the same for every case; write '{name}'")
            if scope.versioned and version is None:
                raise self.fail(span, f"which version? write before.{name} or after.{name}")
            return ir.ParamRef(name, statute.parameters[name].type, version, span)
        if name == PEILDATUM:
            return self._peildatum(case, version, span, scope)
        if qualifier is not None and case is None and version is None:
            raise self.fail(span, f"unknown name '{name}'")
        owners = statute.enum_of(name)
        if expected is not None and expected.kind == "enum" and expected.enum in owners:
            return ir.Const(expected, name, span)
        if len(owners) == 1:
            return ir.Const(Type("enum", owners[0]), name, span)
        if len(owners) > 1:
            raise self.fail(
                span,
                f"'{name}' is a value of several enums ({', '.join(owners)}); write "
                + " or ".join(f"{owner}.{name}" for owner in owners),
            )
        if name in statute.tables:
            raise self.fail(span, f"'{name}' is a table; look a value up with {name}(...)")
        raise self.fail(span, f"unknown name '{name}'" + _suggest(name, _all_names(statute)))

    # --- repeated items (docs/language.md, "Repeated items") ---
    def _item_name(self, name: str, case: str | None, version: str | None, span, scope: Scope) -> Node:
        """A fact or decision of the current item of its kind, which must be in scope."""
        statute = self.statute
        is_fact = name in statute.item_facts
        kind = statute.item_facts[name].group if is_fact else statute.decision_kind[name]
        what = "fact" if is_fact else "decision"
        if case is not None or version is not None:
            raise self.fail(span, f"write '{name}' without a qualifier: it is a {what} of the current {kind}")
        if kind not in scope.items:
            raise self.fail(
                span,
                f"'{name}' is a {what} of each {kind}, and here there is no current {kind}: read it in a "
                f"decision per {kind}, or over all of them with sum({kind}: {name}), all({kind}: ...), "
                f"count({kind} where ...)",
            )
        if is_fact:
            if not scope.facts:
                raise self.fail(span, f"{scope.what} cannot depend on the fact '{name}'")
            return ir.ItemFactRef(name, statute.item_facts[name].type, kind, span)
        if not scope.decisions:
            raise self.fail(span, f"{scope.what} cannot depend on the decision '{name}'")
        return ir.ItemDecisionRef(name, statute.item_decisions[name].type, kind, span)

    def _kind_in_reach(self, kind: str, scope: Scope, span, usage: str) -> None:
        """An aggregate over ``kind`` needs the kind's parent to be the current item (or the
        case, for a kind the case holds directly)."""
        statute = self.statute
        if kind not in statute.kinds:
            hint = suggest(kind, list(statute.kinds))
            if not statute.kinds:
                hint = "; declare it with 'items NAME up to N { ... }'"
            raise self.fail(span, f"unknown kind of item '{kind}'{hint}")
        if scope.cases or scope.versioned:
            raise self.fail(
                span,
                f"{usage} over {kind} in a property of two cases or two versions is not supported; "
                "put it in a decision and compare the decision",
            )
        parent = statute.kinds[kind].parent
        current = scope.items[-1] if scope.items else None
        if parent != current:
            where = f"each {parent}" if parent else "the case"
            here = f"the current {current}" if current else "the case"
            raise self.fail(
                span,
                f"{usage} over {kind} is only possible where there is one {where} (the {kind}s belong to "
                f"{where}); here it would be over the {kind}s of {here}",
            )

    def _aggregate(self, expr: ast.Aggregate, scope: Scope) -> Node:
        function, kind = expr.function, expr.kind
        if function not in AGGREGATES:
            raise self.fail(
                expr.span,
                f"'{function}({kind}: ...)' is not an aggregate; use one of {', '.join(AGGREGATES)} "
                f"(e.g. sum({kind}: bedrag where leeftijd < 12))",
            )
        self._kind_in_reach(kind, scope, expr.span, f"{function}()")
        inner = dataclasses.replace(scope, items=scope.items + (kind,))
        where = self.lower_bool(expr.where, inner) if expr.where is not None else ir.Const(BOOL, True, expr.span)
        if function == "count":
            if expr.body is not None:
                raise self.fail(expr.span, f"count() counts items: write count({kind}) or count({kind} where CONDITION)")
            return ir.Aggregate("count", (ir.Const(INT, 1, expr.span), where), INT, expr.span, kind=kind)
        if expr.body is None:
            raise self.fail(expr.span, f"{function}() needs a value per item: {function}({kind}: VALUE where CONDITION)")
        if function in ("all", "any"):
            body = self.lower_bool(expr.body, inner)
            return ir.Aggregate(function, (body, where), BOOL, expr.span, kind=kind)
        body = self._lower(expr.body, inner, None)
        if function == "sum" and not body.type.is_numeric:
            raise self.fail(expr.body.span, f"sum() adds numbers or amounts, not {body.type}")
        if not (body.type.is_numeric or body.type == DATE):
            raise self.fail(expr.body.span, f"{function}() needs numbers or dates, not {body.type}")
        return ir.Aggregate(function, (body, where), body.type, expr.span, kind=kind)

    def _rank(self, expr: ast.Rank, scope: Scope) -> Node:
        kind = expr.kind
        if kind not in self.statute.kinds:
            raise self.fail(expr.span, f"unknown kind of item '{kind}'" + suggest(kind, list(self.statute.kinds)))
        if kind not in scope.items:
            raise self.fail(
                expr.span,
                f"rank({kind} by ...) is the position of the current {kind}, and here there is none: use it "
                f"in a decision per {kind} or inside an aggregate over {kind}",
            )
        chain = scope.items[: scope.items.index(kind) + 1]
        inner = dataclasses.replace(scope, items=chain)
        key = self._lower(expr.key, inner, None)
        if not (key.type.is_numeric or key.type == DATE):
            raise self.fail(expr.key.span, f"rank() orders by a number or a date, not {key.type}")
        return ir.Rank("rank", (key,), INT, expr.span, kind=kind)

    def _foreign_table(self, written: str, span) -> str:
        """``WEB.tabel``: import the table of the used statute (``dsl/xref.py``) and return the
        name the reader has it under."""
        from lexproof.dsl.xref import ImportFailure, import_table

        home_name, local = written.split(".", 1)
        home = self.statute.uses.get(home_name)
        if home is None:
            import difflib

            close = difflib.get_close_matches(home_name, list(self.statute.uses), n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else self._statute_hint(home_name)
            raise self.fail(span, f"unknown statute '{home_name}' in {written}(...)" + hint)
        if local not in home.tables:
            import difflib

            close = difflib.get_close_matches(local, list(home.tables), n=1, cutoff=0.6)  # short names too
            raise self.fail(span, f"statute {home_name} has no table '{local}'"
                            + (f"; did you mean '{close[0]}'?" if close else ""))
        try:
            return import_table(self.statute, home, local)
        except ImportFailure as failure:
            raise self.fail(span, str(failure)) from None

    def _foreign_of(self, expr: ast.Qualified, scope: Scope) -> Node:
        """``before.WEB.x`` / ``after.WEB.x`` in a property of two versions, ``a.WEB.x`` in one
        of two cases: another statute's name in one version or case."""
        qualifier, span = expr.qualifier, expr.span
        home_name, name = expr.name.split(".", 1)
        if qualifier in VERSION_QUALIFIERS and not scope.versioned and qualifier not in scope.cases:
            raise self.fail(span, f"'{qualifier}.' is only meaningful in a property that compares two versions")
        if qualifier not in scope.cases and qualifier not in VERSION_QUALIFIERS:
            raise self.fail(span, f"unknown qualifier '{qualifier}' before {expr.name}: not a case name or version"
                            + (f" (the cases here: {', '.join(scope.cases)})" if scope.cases else ""))
        if home_name not in self.statute.uses:
            import difflib

            close = difflib.get_close_matches(home_name, list(self.statute.uses), n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else self._statute_hint(home_name)
            raise self.fail(span, f"unknown statute '{home_name}' in {qualifier}.{expr.name}" + hint)
        if qualifier in scope.cases:
            return self._foreign(home_name, name, span, scope, case=qualifier)
        return self._foreign(home_name, name, span, scope, version=qualifier)

    def _foreign(self, home_name: str, name: str, span, scope: Scope, *, case: str | None = None,
                 version: str | None = None) -> Node:
        """``WEB.x``: a decision, parameter, fact or enum value of a statute this one uses
        (``dsl/xref.py`` imports it, with what it depends on); ``case``/``version``: read in
        that case or version (``a.WEB.x``, ``before.WEB.x``)."""
        from lexproof.dsl.xref import ImportFailure, import_name, known_names

        home = self.statute.uses[home_name]
        try:
            node = import_name(self.statute, home, name)
        except ImportFailure as failure:
            raise self.fail(span, str(failure)) from None
        if node is None:
            raise self.fail(
                span,
                f"statute {home_name} has no decision, parameter, fact or enum value '{name}'"
                + _suggest(name, known_names(home)),
            )
        if isinstance(node, ir.FactRef) and not scope.facts:
            raise self.fail(span, f"{scope.what} cannot depend on the fact '{name}'")
        if isinstance(node, ir.DecisionRef) and not scope.decisions:
            raise self.fail(span, f"{scope.what} cannot depend on the decision '{home_name}.{name}'")
        if isinstance(node, ir.Const):
            if case is not None or version is not None:
                raise self.fail(span, f"'{home_name}.{name}' is an enum value, the same in every case and version; "
                                f"write {home_name}.{name}")
            return replace(node, span=span)
        return replace(self._in_case_or_version(node, f"{home_name}.{name}", case, version, span, scope), span=span)

    def _in_case_or_version(self, node: Node, written: str, case: str | None, version: str | None, span,
                            scope: Scope) -> Node:
        """An imported fact, decision or parameter in the case or version the property asks for
        (each needs one where the property has two, as a statute's own names do)."""
        if isinstance(node, ir.FactRef):
            if version is not None:
                raise self.fail(span, f"facts are the same in both versions; write '{written}'")
            if scope.cases and case is None:
                raise self.fail(span, f"which case? write {' or '.join(c + '.' + written for c in scope.cases)}")
            return replace(node, case=case)
        if isinstance(node, ir.ParamRef):
            if case is not None:
                raise self.fail(span, f"a parameter is the same for every case; write '{written}'")
            if scope.versioned and version is None:
                raise self.fail(span, f"which version? write before.{written} or after.{written}")
            return replace(node, version=version)
        if scope.cases and case is None:
            raise self.fail(span, f"which case? write {' or '.join(c + '.' + written for c in scope.cases)}")
        if scope.versioned and version is None:
            raise self.fail(span, f"which version? write before.{written} or after.{written}")
        return replace(node, case=case, version=version)

    def _statute_hint(self, qualifier: str) -> str:
        """For an unknown qualifier: the loaded statute it names (not used yet), or a close one."""
        loaded = tuple(getattr(self, "loaded", ()))
        if qualifier == self.statute.name:
            return f"; {qualifier} is this statute: name its own decisions without '{qualifier}.'"
        if qualifier in loaded:
            return f"; to read statute {qualifier}, declare 'uses {qualifier}' in {self.statute.name}"
        hint = _suggest(qualifier, [*self.statute.uses, *self.statute.enums])
        return hint or _suggest(qualifier, [s for s in loaded if s != self.statute.name])

    def _peildatum(self, case: str | None, version: str | None, span, scope: Scope) -> Node:
        """The built-in ``peildatum``: the date of the version, one per version slot."""
        if case is not None:
            raise self.fail(span, f"the peildatum is the same for both cases; write '{PEILDATUM}'")
        if scope.versioned and version is None:
            raise self.fail(span, f"which version? write before.{PEILDATUM} or after.{PEILDATUM}")
        return ir.Peildatum(version, span)

    def _unary(self, expr: ast.Unary, scope: Scope) -> Node:
        if expr.op == "not":
            return ir.Op("not", (self.lower_bool(expr.operand, scope),), BOOL, expr.span)
        operand = self._lower(expr.operand, scope, None)
        if not operand.type.is_numeric:
            raise self.fail(expr.span, f"cannot negate a value of type {operand.type}")
        if isinstance(operand, ir.Const):
            return ir.Const(operand.type, -operand.value, expr.span)  # type: ignore[operator]
        return ir.Op("neg", (operand,), operand.type, expr.span)

    def _pair(self, left: ast.Expr, right: ast.Expr, scope: Scope, expected: Type | None = None):
        """Lower two operands; a bare enum value is resolved against the other side's type."""
        if _is_bare_enum_value(left, self.statute) and not _is_bare_enum_value(right, self.statute):
            right_node = self._lower(right, scope, expected)
            return self._lower(left, scope, right_node.type), right_node
        left_node = self._lower(left, scope, expected)
        return left_node, self._lower(right, scope, left_node.type if expected is None else expected)

    def _binary(self, expr: ast.Binary, scope: Scope) -> Node:
        op = expr.op
        if op in ("and", "or", "implies"):
            left = self.lower_bool(expr.left, scope)
            right = self.lower_bool(expr.right, scope)
            return ir.Op(op, (left, right), BOOL, expr.span)
        if op in ("+", "-") and isinstance(expr.right, ast.Duration):
            return self._shift_date(expr, scope)
        if op == "+" and isinstance(expr.left, ast.Duration):
            raise self.fail(
                expr.left.span,
                f"write the date first: DATE + {_unit_text(expr.left)} (a period is added to a date)",
            )
        left, right = self._pair(expr.left, expr.right, scope)
        lt, rt = left.type, right.type
        if op in ("=", "!="):
            if _unify(lt, rt) is None:
                raise self.fail(expr.span, f"cannot compare {lt} with {rt}")
            return ir.Op(op, (left, right), BOOL, expr.span)
        if op in ("<", "<=", ">", ">="):
            ok = (lt.is_numeric and join_numeric(lt, rt) is not None) or (lt == rt == DATE)
            if not ok:
                raise self.fail(expr.span, f"cannot order {lt} against {rt} with '{op}'")
            return ir.Op(op, (left, right), BOOL, expr.span)
        result = self._arith_type(op, lt, rt, expr)
        if op == "/":
            if not is_constant(right):
                raise self.fail(right_span(expr), "the divisor must be a constant or parameter")
            if isinstance(right, ir.Const) and right.value == 0:
                raise self.fail(right_span(expr), "division by zero")
        return ir.Op(op, (left, right), result, expr.span)

    def _shift_date(self, expr: ast.Binary, scope: Scope) -> Node:
        """``d + n days``, ``d - n months``, ``d + n years``: a date moved by a whole number of
        days, months or years (months and years clamp to the end of the month)."""
        duration = expr.right
        assert isinstance(duration, ast.Duration)
        date = self._lower(expr.left, scope, None)
        if date.type != DATE:
            raise self.fail(
                expr.left.span,
                f"{_unit_text(duration)} can only be {'added to' if expr.op == '+' else 'subtracted from'} "
                f"a date, not {date.type}",
            )
        amount = self._lower(duration.amount, scope, None)
        if amount.type != INT:
            raise self.fail(
                duration.amount.span,
                f"a number of {TIME_UNITS[duration.unit]} must be a whole number (int), not {amount.type}",
            )
        if expr.op == "-":
            amount = ir.Op("neg", (amount,), INT, duration.span)
        unit = TIME_UNITS[duration.unit]
        if unit == "days":
            return ir.Op("+", (date, amount), DATE, expr.span)
        if unit == "years":
            amount = ir.Op("*", (ir.Const(INT, 12, duration.span), amount), INT, duration.span)
        return ir.Op("add_months", (date, amount), DATE, expr.span)

    def _date_call(self, expr: ast.Call, scope: Scope) -> Node:
        """``year(d)``, ``years_between(a, b)``, ``start_of_studiejaar(d)``, ...: a calendar
        function of one or two dates."""
        name = expr.function
        count, result = DATE_FUNCTIONS[name]
        if len(expr.args) != count:
            what = "one date" if count == 1 else "two dates"
            raise self.fail(expr.span, f"{name}() takes {what}, got {len(expr.args)} values")
        args = []
        for arg in expr.args:
            node = self._lower(arg, scope, DATE)
            if node.type != DATE:
                raise self.fail(
                    arg.span, f"{name}() needs a date, not {node.type}" + _DATE_FUNCTION_HINTS.get(name, "")
                )
            args.append(node)
        if name in YEAR_STARTS:
            month, day = YEAR_STARTS[name]
            args += [ir.Const(INT, month, expr.span), ir.Const(INT, day, expr.span)]
            name = "year_start"
        return ir.Op(name, tuple(args), DATE if result == "date" else INT, expr.span)

    def _arith_type(self, op: str, lt: Type, rt: Type, expr: ast.Binary) -> Type:
        if op in ("+", "-"):
            if lt == DATE and rt == INT:
                return DATE
            if op == "+" and lt == INT and rt == DATE:
                return DATE
            if op == "-" and lt == rt == DATE:
                return INT
            joined = join_numeric(lt, rt) if lt.is_numeric and rt.is_numeric else None
            if joined is None:
                if op == "+":
                    raise self.fail(expr.span, f"cannot add {lt} and {rt}")
                raise self.fail(expr.span, f"cannot subtract {rt} from {lt}")
            return joined
        if op == "*":
            if lt.is_scalar and rt.is_scalar:
                return join_numeric(lt, rt)  # type: ignore[return-value]
            if (lt == MONEY and rt.is_scalar) or (lt.is_scalar and rt == MONEY):
                return MONEY
            raise self.fail(expr.span, f"cannot multiply {lt} by {rt}")
        if op == "/":
            if lt.is_scalar and rt.is_scalar:
                return RATE if RATE in (lt, rt) else NUMBER
            if lt == MONEY and rt.is_scalar:
                return MONEY
            if lt == MONEY and rt == MONEY:
                return RATE
            raise self.fail(expr.span, f"cannot divide {lt} by {rt}")
        raise self.fail(expr.span, f"unknown operator {op}")  # pragma: no cover

    def _rounding(self, expr: ast.Call, scope: Scope) -> Node:
        """``round_down(x, €1)``, ``round_up(x)``, ``round(x, €0.01)``: ``x`` rounded to a whole
        multiple of the unit (a positive literal; without one: whole cents for money, a whole
        number otherwise). Money stays money; a scalar rounded to a whole unit is an int."""
        name = expr.function
        if not 1 <= len(expr.args) <= 2:
            raise self.fail(
                expr.span,
                f"{name}() takes a value and optionally the unit to round to, e.g. {name}(bedrag, €1); "
                f"got {len(expr.args)} values",
            )
        arg = self._lower(expr.args[0], scope, None)
        if not arg.type.is_numeric:
            raise self.fail(expr.args[0].span, f"{name}() rounds a number or an amount, not {arg.type}")
        if len(expr.args) == 1:
            unit = ir.Const(MONEY, Fraction(1, 100), expr.span) if arg.type == MONEY else ir.Const(INT, 1, expr.span)
        else:
            unit = self._rounding_unit(name, arg, expr.args[1])
        if arg.type == MONEY:
            result = MONEY
        elif unit.type == INT:
            result = INT
        else:
            result = join_numeric(arg.type, unit.type) or NUMBER
        return ir.Op(ROUNDING[name], (arg, unit), result, expr.span)

    def _rounding_unit(self, name: str, arg: Node, unit_expr: ast.Expr) -> ir.Const:
        """The unit of a rounding: a positive literal of the rounded value's kind."""
        example = "€1 (whole euros), €0.01 (whole cents) or €10" if arg.type == MONEY else "1, 10 or 0.5"
        if not isinstance(unit_expr, ast.Literal):
            raise self.fail(
                unit_expr.span, f"the unit of {name}() must be a positive literal, such as {example}"
            )
        type_, value = literal_value(unit_expr)
        if arg.type == MONEY and type_ != MONEY:
            raise self.fail(
                unit_expr.span,
                f"an amount is rounded to an amount of money, not {_a_or_an(str(type_))}: write e.g. {name}(..., €1)",
            )
        if arg.type != MONEY and not type_.is_scalar:
            raise self.fail(
                unit_expr.span, f"{arg.type} is rounded to a number, not {_a_or_an(str(type_))}: write e.g. {name}(..., 1)"
            )
        if value <= 0:  # type: ignore[operator]
            raise self.fail(unit_expr.span, f"the unit of {name}() must be above zero, such as {example}")
        return ir.Const(type_, value, unit_expr.span)

    def _in_set(self, expr: ast.InSet, scope: Scope) -> Node:
        if _is_bare_enum_value(expr.operand, self.statute):
            raise self.fail(expr.operand.span, "the left side of 'in' should be a fact or decision")
        operand = self._lower(expr.operand, scope, None)
        items = []
        for item in expr.items:
            node = self._lower(item, scope, operand.type)
            if _unify(operand.type, node.type) is None:
                raise self.fail(item.span, f"{node.type} value in a set compared with {operand.type}")
            items.append(node)
        node = ir.Op("in", (operand, *items), BOOL, expr.span)
        return ir.Op("not", (node,), BOOL, expr.span) if expr.negated else node

    def _call(self, expr: ast.Call, scope: Scope) -> Node:
        name = expr.function
        if name == "count" and len(expr.args) == 1 and isinstance(expr.args[0], ast.Name):
            return self._aggregate(ast.Aggregate("count", expr.args[0].name, None, None, expr.span), scope)
        if name == "count":
            raise self.fail(expr.span, _count_hint(expr, scope))
        if name in DATE_FUNCTIONS:
            return self._date_call(expr, scope)
        if name in ROUNDING:
            return self._rounding(expr, scope)
        if name in FUNCTIONS:
            if len(expr.args) < 2:
                raise self.fail(expr.span, f"{name}() needs at least two values")
            args = [self._lower(arg, scope, None) for arg in expr.args]
            result = args[0].type
            for arg in args[1:]:
                joined = _unify(result, arg.type)
                if joined is None or not (joined.is_numeric or joined == DATE):
                    raise self.fail(arg_span(expr, args.index(arg)), f"{name}() of {result} and {arg.type}")
                result = joined
            if not (result.is_numeric or result == DATE):
                raise self.fail(expr.span, f"{name}() needs numbers or dates, not {result}")
            return ir.Op(name, tuple(args), result, expr.span)
        if "." in name:  # WEB.tabel(x): a table of a used statute
            name = self._foreign_table(name, expr.span)
        table = self.statute.tables.get(name)
        if table is None:
            raise self.fail(
                expr.span,
                f"unknown function or table '{name}'"
                + _suggest(name, list(self.statute.tables) + list(FUNCTIONS) + list(DATE_FUNCTIONS)),
            )
        if len(expr.args) != 1:
            raise self.fail(expr.span, f"table {name} takes one value, got {len(expr.args)}")
        if scope.versioned:
            raise self.fail(
                expr.span,
                f"table {name} may differ between the two versions; look it up through a decision "
                f"and compare before.DECISION with after.DECISION",
            )
        arg = self._lower(expr.args[0], scope, table.input)
        if join_numeric(arg.type, table.input) is None:
            raise self.fail(expr.args[0].span, f"table {name} looks up {table.input}, not {arg.type}")
        return ir.TableRef(name, arg, table.output, None, expr.span)


_DATE_FUNCTION_HINTS = {
    "year": " (the year of a date: year(geboortedatum))",
    "month": " (the month of a date, 1 to 12: month(geboortedatum))",
    "day": " (the day of the month, 1 to 31: day(geboortedatum))",
    "years_between": " (whole years between two dates: years_between(geboortedatum, peildatum))",
    "months_between": " (whole months between two dates: months_between(startdatum, peildatum))",
}


def _a_or_an(noun: str) -> str:
    """The noun with its indefinite article ('money' takes none)."""
    if noun == "money":
        return noun
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def _unit_text(duration: ast.Duration) -> str:
    """The period as written, for messages: '18 years', 'n months'."""
    from lexproof.dsl.source import source_text

    amount = source_text(duration.amount.span) if duration.amount.span.line else "N"
    return f"{amount} {duration.unit}"


def right_span(expr: ast.Binary):
    return expr.right.span


def arg_span(expr: ast.Call, index: int):
    return expr.args[index].span


def _assignable(actual: Type, expected: Type) -> bool:
    """Whole numbers fit any scalar; numbers and rates are the same exact rationals."""
    if actual == expected:
        return True
    return actual.is_scalar and expected.is_scalar and expected != INT


def assignable(actual: Type, expected: Type) -> bool:
    return _assignable(actual, expected)


def _unify(a: Type, b: Type) -> Type | None:
    if a == b:
        return a
    if a.is_numeric and b.is_numeric:
        return join_numeric(a, b)
    return None


def _is_bare_enum_value(expr: ast.Expr, statute: StatuteModel) -> bool:
    if not isinstance(expr, ast.Name):
        return False
    name = expr.name
    taken = name in statute.facts or name in statute.decisions or name in statute.parameters
    taken = taken or name in statute.item_facts or name in statute.item_decisions
    return not taken and bool(statute.enum_of(name))


def _all_names(statute: StatuteModel) -> list[str]:
    names = list(statute.facts) + list(statute.decisions) + list(statute.parameters)
    names += list(statute.item_facts) + list(statute.item_decisions)
    for values in statute.enums.values():
        names.extend(values)
    return names


def _suggest(name: str, candidates: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.75)
    return f"; did you mean '{close[0]}'?" if close else ""


def suggest(name: str, candidates: list[str]) -> str:
    """'; did you mean X?' when a candidate is close, else ''."""
    return _suggest(name, candidates)


def _count_hint(expr: ast.Call, scope: Scope) -> str:
    """What ``count(...)`` with something other than a kind's name should have been: in a
    property over two cases the aggregate belongs in a decision (``a.DECISION``), since
    ``count(a.kind)`` reads like a count of case a's items but the language has no such form."""
    if scope.cases:
        first = scope.cases[0]
        second = scope.cases[-1]
        return ("count() counts the items of one case; in a property over two cases put the count "
                "in a decision (rule r [art. N]: aantal = count(kind)) and compare "
                f"{first}.aantal with {second}.aantal")
    return "count() takes the name of an item kind: count(kind) or count(kind where CONDITION)"
