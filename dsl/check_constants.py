"""The first pass of the checker: constant expressions (a fact's range, an example's values, a
parameter's dated values) lowered and evaluated at check time.

It uses the evaluator for literal arithmetic only (``lexproof.dsl.evaluator.evaluate_constant``) and
imports no other pass: the example, statute and amendment passes build on it."""

from __future__ import annotations

from lexproof.dsl import ast, ir
from lexproof.dsl.evaluator import evaluate_constant
from lexproof.dsl.ir import Type
from lexproof.dsl.model import StatuteModel
from lexproof.dsl.typing import Lowerer, Scope, TypeFailure
from lexproof.dsl.values import MAX_DIGITS, describe_long, too_long


def constant_value(statute: StatuteModel, lowerer: Lowerer, expr: ast.Expr, type_: Type, what: str):
    """Evaluate a constant expression (no facts, decisions or parameters)."""
    try:
        node = lowerer.lower(expr, Scope(facts=False, decisions=False, what=what), type_)
    except TypeFailure:
        return None
    if any(isinstance(n, ir.ParamRef) for n in ir.walk(node)):
        lowerer.sink.error(expr.span, f"{what} must be a constant, not depend on a parameter")
        return None
    if any(isinstance(n, ir.Peildatum) for n in ir.walk(node)):
        lowerer.sink.error(
            expr.span, f"{what} must be a constant, not depend on the peildatum (the date of the version)"
        )
        return None
    try:
        value = evaluate_constant(node)
    except ValueError as error:
        lowerer.sink.error(expr.span, f"{what}: {error}")
        return None
    if too_long(value):  # it would reach the solver and every message as text
        lowerer.sink.error(expr.span, f"{what}: {describe_long(value)}, more than {MAX_DIGITS} digits")
        return None
    return value
