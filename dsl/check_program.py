"""Resolve and type-check parsed files into a :class:`lexproof.dsl.model.Program`: the checker's passes
run in order.

Reports every error it can find in one run (duplicate names, unknown names, types, cycles,
amendments that target nothing, clashing amendments) and raises them together. The passes:
constants (``lexproof.dsl.check_constants``), examples and properties (``lexproof.dsl.check_examples``), a
statute's declarations (``lexproof.dsl.checker``), what amendments add (``lexproof.dsl.check_growth``),
amendments (``lexproof.dsl.check_amendments``). Each imports only those before it, and this driver
comes last (tests/test_import_graph.py keeps it so).
"""

from __future__ import annotations

from collections import defaultdict

from lexproof.dsl import ast, ir
from lexproof.dsl.check_amendments import check_amendment, check_same_day_clashes, check_version_specs
from lexproof.dsl.checker import _StatuteChecker
from lexproof.dsl.diagnostics import DiagnosticSink
from lexproof.dsl.growth import adder
from lexproof.dsl.model import Program, StatuteModel
from lexproof.dsl.source import Span
from lexproof.dsl.typing import suggest


def check_files(files: list[ast.File]) -> Program:
    """Check parsed files together: statutes first, then the amendments that amend them."""
    sink = DiagnosticSink()
    program = Program(files=[f.path for f in files])
    # Per statute: the rules that were declared but did not check (a type error, an unknown
    # decision), with their citations. The error is reported once, at the rule; 'except r',
    # 'replace rule r' and 'repeal rule r' must not report r again as unknown.
    unchecked: dict[str, dict[str, ast.Citation]] = {}
    statute_asts: list[ast.Statute] = []
    amendment_asts: list[ast.Amendment] = []
    for file in files:
        for section in file.sections:
            (statute_asts if isinstance(section, ast.Statute) else amendment_asts).append(section)
    from lexproof.dsl.check_xref import order_by_uses

    # Statutes that read each other: the amendments of a statute that others use are checked
    # right after it, before its readers, so that what they add (a rule that reads another fact)
    # is there when a reader imports the decision and checks its examples against its facts.
    used = {name for s in statute_asts for item in s.items if isinstance(item, ast.UsesDecl) for name in item.statutes}
    early: set[int] = set()
    seen_amendments: dict[str, Span] = {}
    for statute in order_by_uses(statute_asts, sink):
        if statute.name in program.statutes:
            first = program.statutes[statute.name].span
            sink.error(statute.span, f"statute '{statute.name}' is defined twice", (first, "first defined here"))
            continue
        checker = _StatuteChecker(statute, sink)
        checker.loaded = dict(program.statutes)  # the statutes it may use (dsl/xref.py)
        checker.all_names = tuple(s.name for s in statute_asts)  # for hints at unknown qualifiers
        program.statutes[statute.name] = checker.run()
        unchecked[statute.name] = checker.unchecked
        if statute.name in used:
            for amendment in sorted(amendment_asts, key=lambda a: (a.in_force, a.name)):
                if amendment.amends == statute.name:
                    early.add(id(amendment))
                    _check_one_amendment(program, amendment, seen_amendments, unchecked, sink)
    for amendment in sorted(amendment_asts, key=lambda a: (a.in_force, a.name)):
        if id(amendment) in early:
            continue
        _check_one_amendment(program, amendment, seen_amendments, unchecked, sink)
    _complete_imports(program, sink)
    for statute in program.statutes.values():
        check_same_day_clashes(statute, sink)
        check_version_specs(statute, sink)
    _explain_names_amendments_add(program, sink)
    sink.raise_if_any()
    for statute in program.statutes.values():
        _warn_nonlinear_products(statute, sink)
    program.warnings = list(dict.fromkeys(sink.warnings))
    return program


def _check_one_amendment(program: Program, amendment: ast.Amendment, seen_amendments: dict[str, Span],
                         unchecked: dict[str, dict[str, ast.Citation]], sink: DiagnosticSink) -> None:
    """One amendment: a name defined twice, an unknown statute, else ``check_amendment``."""
    if amendment.name in seen_amendments:
        sink.error(
            amendment.span,
            f"amendment '{amendment.name}' is defined twice",
            (seen_amendments[amendment.name], "first defined here"),
        )
        return
    seen_amendments[amendment.name] = amendment.span
    statute = program.statutes.get(amendment.amends)
    if statute is None:
        sink.error(
            amendment.span,
            f"amendment '{amendment.name}' amends unknown statute '{amendment.amends}'"
            + suggest(amendment.amends, list(program.statutes))
            + (" (import the statute's file)" if not program.statutes else ""),
        )
        return
    check_amendment(statute, amendment, sink, unchecked=unchecked[statute.name])


def _warn_nonlinear_products(statute: StatuteModel, sink: DiagnosticSink) -> None:
    """Warn at each product of two unknowns in the statute and its amendments (``warn_nonlinear``);
    a decision's values are those of every rule that ever decides it, and its default."""
    from lexproof.dsl.typing import warn_nonlinear

    rules = list(statute.rules.values())
    for amendment in statute.amendments.values():
        rules += [change.rule for change in amendment.changes if change.rule is not None]
    by_decision: dict[str, list[ir.Node]] = defaultdict(list)
    for rule in rules:
        by_decision[rule.decision].append(rule.value)
    every_decision = [*statute.decisions.values(), *statute.item_decisions.values()]
    for decision in every_decision:
        by_decision[decision.name].append(
            decision.default if decision.default is not None else ir.Const(decision.type, 0)
        )
    roots = [node for rule in rules for node in (rule.value, rule.condition) if node is not None]
    roots += [d.default for d in every_decision if d.default is not None]
    for prop in statute.properties:
        roots += [*prop.assumptions, prop.claim]
    warn_nonlinear(statute, roots, lambda name: by_decision.get(name, []), sink)


def _complete_imports(program: Program, sink: DiagnosticSink) -> None:
    """What the amendments of used statutes add to imported decisions (``dsl/xref.py``), in
    the order the statutes were checked (each after the statutes it uses)."""
    from lexproof.dsl.xref import ImportFailure, complete_imports

    for statute in program.statutes.values():
        try:
            complete_imports(statute)
        except ImportFailure as failure:
            sink.error(statute.span, str(failure))


def _explain_names_amendments_add(program: Program, sink: DiagnosticSink) -> None:
    """An unknown name that an amendment adds: the statute (or an earlier amendment) read it,
    and cannot; say which amendment adds it and where it may be read."""
    import dataclasses
    import re

    for index, diagnostic in enumerate(sink.diagnostics):
        found = re.match(r"unknown name '([A-Za-z_][A-Za-z0-9_]*)'", diagnostic.message)
        if not found:
            continue
        name = found.group(1)
        for statute in program.statutes.values():
            origin = next((adder(statute, kind, name) for kind in ("fact", "decision", "table")
                           if adder(statute, kind, name)), None)
            origin = origin or next((o for (_, value), o in statute.enum_origins.items() if value == name), None)
            if origin is not None:
                message = (f"'{name}' exists only from amendment {origin} on: the statute and earlier amendments "
                           f"cannot read it (insert the rule with amendment {origin} or a later one)")
                sink.diagnostics[index] = dataclasses.replace(diagnostic, message=message)
                break
