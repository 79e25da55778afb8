"""Expression lowering: AST expressions to typed IR, with name resolution and type rules.

Kept apart from the declaration checks in ``dsl.checker`` because it is the one place that
defines what an expression means type-wise; the evaluator and encoder trust its output.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from dsl import ast, ir
from dsl.diagnostics import DiagnosticSink
from dsl.ir import BOOL, DATE, INT, MONEY, NUMBER, RATE, Node, Type
from dsl.model import StatuteModel

VERSION_QUALIFIERS = ("before", "after")
FUNCTIONS = ("min", "max", "round_down")
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


def literal_value(literal: ast.Literal) -> tuple[Type, object]:
    """The IR type and run-time value of a literal (dates become day numbers)."""
    if literal.kind == "date":
        return DATE, literal.value.toordinal()  # type: ignore[union-attr]
    return {"bool": BOOL, "int": INT, "rate": RATE, "number": NUMBER, "money": MONEY}[literal.kind], literal.value


def is_constant(node: Node) -> bool:
    """No facts and no decisions: the value is fixed within one version."""
    return not any(isinstance(n, (ir.FactRef, ir.DecisionRef)) for n in ir.walk(node))


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

    def _foreign(self, home_name: str, name: str, span, scope: Scope) -> Node:
        """``WEB.x``: a decision, parameter, fact or enum value of a statute this one uses
        (``dsl/xref.py`` imports it, with what it depends on)."""
        from dsl.xref import ImportFailure, import_name, known_names

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
        if not isinstance(node, ir.Const) and (scope.cases or scope.versioned):
            raise self.fail(
                span,
                f"'{home_name}.{name}' cannot be qualified by a case or version here; declare a decision of "
                f"{self.statute.name} that reads it (d = {home_name}.{name}) and compare that",
            )
        return replace(node, span=span)

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
        if op == "*" and not (
            is_piecewise_constant(left, self.statute) or is_piecewise_constant(right, self.statute)
        ):
            raise self.fail(
                expr.span,
                "one side of '*' must be a constant, a parameter, a flat table lookup or an 'if' "
                "choosing between such values (lexproof keeps arithmetic linear, so every property "
                "can be decided)",
            )
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
        if name in DATE_FUNCTIONS:
            return self._date_call(expr, scope)
        if name == "round_down":
            if len(expr.args) != 1:
                raise self.fail(expr.span, "round_down() takes one value")
            arg = self._lower(expr.args[0], scope, None)
            if not arg.type.is_numeric:
                raise self.fail(expr.args[0].span, f"round_down() needs a number, not {arg.type}")
            # Money rounds down to whole cents; other numbers to a whole number.
            return ir.Op("round_down", (arg,), MONEY if arg.type == MONEY else INT, expr.span)
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


def _unit_text(duration: ast.Duration) -> str:
    """The period as written, for messages: '18 years', 'n months'."""
    from dsl.source import source_text

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
    return not taken and bool(statute.enum_of(name))


def _all_names(statute: StatuteModel) -> list[str]:
    names = list(statute.facts) + list(statute.decisions) + list(statute.parameters)
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
