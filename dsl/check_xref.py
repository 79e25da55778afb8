"""Checks of ``uses`` and ``same question`` (statutes that read each other; ``dsl/xref.py``).

Kept apart from ``dsl.checker`` so that the single-statute checks stay as they were: the checker
calls :func:`order_by_uses` once, and :func:`check_uses` / :func:`check_questions` per statute.
"""

from __future__ import annotations

from dsl import ast, ir
from dsl.diagnostics import DiagnosticSink
from dsl.model import QuestionInfo, StatuteModel
from dsl.typing import Lowerer, Scope, TypeFailure, suggest

PRIORITIES = ("superior", "specialis", "posterior")


def _uses_of(statute: ast.Statute) -> list[tuple[str, object]]:
    return [(name, span) for item in statute.items if isinstance(item, ast.UsesDecl)
            for name, span in zip(item.statutes, item.spans or (item.span,) * len(item.statutes))]


def order_by_uses(statutes: list[ast.Statute], sink: DiagnosticSink) -> list[ast.Statute]:
    """The statutes in an order where each comes after the statutes it uses (else in file
    order). Unknown statutes in ``uses`` and cycles are reported at the ``uses``; a statute in
    a cycle is still checked (its uses of the cycle fail as unknown qualifiers)."""
    by_name = {s.name: s for s in statutes}
    for statute in statutes:
        for name, span in _uses_of(statute):
            if name == statute.name:
                sink.error(span, f"statute {name} cannot use itself; name its own decisions without '{name}.'")
            elif name not in by_name:
                sink.error(
                    span,
                    f"uses unknown statute '{name}'" + _close(name, [n for n in by_name if n != statute.name])
                    + " (load or import the statute's file)",
                )
    cycle = _cycle({s.name: [n for n, _ in _uses_of(s) if n in by_name and n != s.name] for s in statutes})
    if cycle:
        first = by_name[cycle[0]]
        span = next(span for name, span in _uses_of(first) if name == cycle[1])
        sink.error(span, "statutes use each other in a cycle: " + " -> ".join(cycle)
                   + " (a statute can only read statutes that do not read it)")
    ordered: list[ast.Statute] = []
    placed: set[str] = set()

    def place(statute: ast.Statute, path: tuple[str, ...]) -> None:
        if statute.name in placed or statute.name in path:
            return
        for name, _ in _uses_of(statute):
            if name in by_name:
                place(by_name[name], (*path, statute.name))
        if statute.name not in placed:
            placed.add(statute.name)
            ordered.append(statute)

    for statute in statutes:
        place(statute, ())
    # Duplicate names (reported by the checker) keep their place.
    return ordered + [s for s in statutes if s not in ordered]


def _close(name: str, candidates: list[str]) -> str:
    """'; did you mean X?' for a statute name: short names (WEB, AVG) with two letters
    swapped are below the cutoff for other names, so the cutoff is lower here."""
    import difflib

    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _cycle(graph: dict[str, list[str]]) -> list[str] | None:
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if not state.get(nxt):
                found = visit(nxt, path)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for start in graph:
        if not state.get(start):
            found = visit(start, [])
            if found:
                return found
    return None


def check_uses(model: StatuteModel, statute: ast.Statute, loaded: dict[str, StatuteModel]) -> None:
    """Record the statutes ``statute`` uses (those loaded and checked before it)."""
    for name, _span in _uses_of(statute):
        if name in loaded and name != statute.name:
            model.uses[name] = loaded[name]


def share_enums(model: StatuteModel, statute: ast.Statute, sink: DiagnosticSink) -> None:
    """The enums of the used statutes become enums of the reader (after its own are declared),
    so that its facts can have their types: ``grondslag: Grondslag``. An enum the reader
    declares itself under the same name must have the same values (reported at the ``uses``)."""
    from dsl.xref import ImportFailure, import_enum

    spans = dict(_uses_of(statute))
    for name, used in model.uses.items():
        for enum in used.enums:
            try:
                import_enum(model, used, enum)
            except ImportFailure as failure:
                sink.error(spans.get(name, statute.span), str(failure))


def check_questions(model: StatuteModel, statute: ast.Statute, lowerer: Lowerer, sink: DiagnosticSink) -> None:
    """``same question``: two decisions, of two different statutes, of types that can be
    compared; a priority names one of the two statutes (or is lex posterior)."""
    seen: set[str] = set()
    for item in statute.items:
        if not isinstance(item, ast.SameQuestion):
            continue
        if item.name in seen:
            sink.error(item.span, f"question '{item.name}' is declared twice")
            continue
        seen.add(item.name)
        sides = []
        for side in (item.first, item.second):
            expr = ast.Qualified(side.statute, side.name, span=side.span) if side.statute else ast.Name(side.name, span=side.span)
            try:
                node = lowerer.lower(expr, Scope(what="a question"))
            except TypeFailure:
                break
            if not isinstance(node, ir.DecisionRef):
                sink.error(side.span, f"'{side}' is not a decision: a question compares two decisions")
                break
            sides.append((node, side.statute or model.name))
        if len(sides) != 2:
            continue
        (first, first_home), (second, second_home) = sides
        if first_home == second_home:
            sink.error(item.span, f"both decisions of question '{item.name}' belong to {first_home}; "
                       "a question compares the decisions of two statutes (within one, the conflict check applies)")
            continue
        if not _comparable(first.type, second.type):
            sink.error(item.span, f"question '{item.name}' compares {first.type} with {second.type}")
            continue
        if item.winner is not None and item.winner not in (first_home, second_home):
            sink.error(item.winner_span or item.span, f"the statute that prevails must be {first_home} or {second_home}"
                       + suggest(item.winner, [first_home, second_home]))
            continue
        if item.priority in ("superior", "specialis") and item.winner is None:
            sink.error(item.span, f"lex {item.priority}: name the statute that prevails "
                       f"(priority lex {item.priority} {first_home})")
            continue
        if item.priority == "posterior" and item.winner is not None:
            sink.error(item.winner_span or item.span, "lex posterior follows from the in-force dates; name no statute")
            continue
        model.questions.append(QuestionInfo(item.name, first.name, second.name, first_home, second_home,
                                            item.priority, item.winner, item.span))


def _comparable(a: ir.Type, b: ir.Type) -> bool:
    return a == b or (a.is_numeric and b.is_numeric and (a.is_scalar == b.is_scalar))
