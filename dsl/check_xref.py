"""Checks of ``uses`` and ``same question`` (statutes that read each other; ``dsl/xref.py``).

Kept apart from ``lexproof.dsl.checker`` so that the single-statute checks stay as they were: the checker
calls :func:`order_by_uses` once, and :func:`check_uses` / :func:`check_questions` per statute.
"""

from __future__ import annotations

from lexproof.dsl import ast, ir
from lexproof.dsl.diagnostics import DiagnosticSink
from lexproof.dsl.model import QuestionInfo, StatuteModel
from lexproof.dsl.typing import Lowerer, Scope, TypeFailure, suggest

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
    from lexproof.dsl.xref import ImportFailure, import_enum

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


# --- same fact: facts of other statutes under another name --------------------------------------


def check_fact_maps(model: StatuteModel, statute: ast.Statute, sink: DiagnosticSink) -> None:
    """``same fact WEB.opleiding = soort``: record, per used statute, which of its facts are
    facts of this statute under another name (``model.fact_map``), following chains
    (``A.f = B.g``, ``B.g = h``) to the reader's fact. Called after the reader's own facts are
    declared and before anything is lowered, so every import sees the mapping. Errors (at the
    declaration): a side that is no fact of a used statute, a fact mapped twice, a mapping of a
    statute to itself, mappings in a cycle, and facts of different types or ranges."""
    edges: dict[tuple[str, str], tuple[tuple[str, str], ast.SameFact]] = {}
    for item in statute.items:
        if not isinstance(item, ast.SameFact):
            continue
        source = _mapped_source(model, item, sink)
        target = _mapped_target(model, item, sink)
        if source is None or target is None:
            continue
        if source[0] == target[0]:
            sink.error(item.span, f"both facts belong to {source[0]}; 'same fact' maps a fact of one statute "
                       "to a fact of another (or of this statute)")
            continue
        if source in edges:
            first = edges[source][1].source.span
            sink.error(item.source.span, f"the fact {item.source} is mapped twice (first at line {first.line})")
            continue
        edges[source] = (target, item)
    for source, (_target, item) in edges.items():
        final = _follow(source, edges, item, sink)
        if final is None:
            continue
        name = _reader_fact(model, final, item, sink)
        if name is not None and _alike(model, source, name, item, sink):
            model.fact_map.setdefault(source[0], {})[source[1]] = name


def _mapped_source(model: StatuteModel, item: ast.SameFact, sink: DiagnosticSink) -> tuple[str, str] | None:
    """The left side: a fact of a statute this one uses (``WEB.opleiding``)."""
    side = item.source
    if side.statute is None:
        sink.error(side.span, f"'same fact' maps a fact of a used statute: write STATUTE.{side.name} = "
                   f"{item.target} (the statute's fact on the left, this statute's on the right)")
        return None
    return _foreign_fact(model, side, sink)


def _mapped_target(model: StatuteModel, item: ast.SameFact, sink: DiagnosticSink) -> tuple[str, str] | None:
    """The right side: a fact of this statute (``soort``, key ``('', soort)``) or of another
    used statute (``AVG.grondslag``)."""
    side = item.target
    if side.statute is None or side.statute == model.name:
        if side.name in model.facts:
            return ("", side.name)
        what = " (a decision)" if side.name in model.decisions else ""
        sink.error(side.span, f"{model.name} has no fact '{side.name}'{what}"
                   + (suggest(side.name, list(model.facts)) or
                      f"; declare it in a facts group of {model.name}, or name a used statute's fact: STATUTE.{side.name}"))
        return None
    return _foreign_fact(model, side, sink)


def _foreign_fact(model: StatuteModel, side: ast.QuestionSide, sink: DiagnosticSink) -> tuple[str, str] | None:
    assert side.statute is not None
    home = model.uses.get(side.statute)
    if home is None:
        hint = (f"; declare 'uses {side.statute}'" if side.statute != model.name else "")
        sink.error(side.span, f"'{side.statute}' is not a statute {model.name} uses" + hint
                   + (suggest(side.statute, list(model.uses)) if not hint else ""))
        return None
    if side.name in home.facts:
        return (side.statute, side.name)
    if side.name in home.item_facts:
        sink.error(side.span, f"'{side}' is a fact of each {home.item_facts[side.name].group}; "
                   "'same fact' maps facts of the case, not of repeated items")
        return None
    what = (" (a decision)" if side.name in home.decisions else
            " (a parameter)" if side.name in home.parameters else "")
    sink.error(side.span, f"statute {side.statute} has no fact '{side.name}'{what}" + suggest(side.name, list(home.facts)))
    return None


def _follow(source: tuple[str, str], edges: dict, item: ast.SameFact, sink: DiagnosticSink) -> tuple[str, str] | None:
    """Where a chain of mappings ends: this statute's fact, or a used statute's fact that is
    not mapped further (shared under its own name). A cycle is an error (reported once, at the
    declaration of its first mapping in file order)."""
    path = [source]
    node = edges[source][0]
    while node in edges:
        if node in path:
            cycle = path[path.index(node):] + [node]
            spans = [edges[n][1].span for n in cycle[:-1]]
            if item.span == min(spans, key=lambda s: (s.line, s.column)):
                sink.error(item.span, "facts mapped in a cycle: " + " -> ".join(f"{s}.{f}" for s, f in cycle)
                           + " (one of them must be a fact of this statute, or of a statute whose fact is not mapped)")
            return None
        path.append(node)
        node = edges[node][0]
    return node


def _reader_fact(model: StatuteModel, final: tuple[str, str], item: ast.SameFact, sink: DiagnosticSink) -> str | None:
    """The reader's name of the fact a chain ends at; a used statute's unmapped fact becomes
    the reader's (shared by name, as without a mapping)."""
    from lexproof.dsl.xref import ImportFailure, _import_fact

    home, name = final
    if not home:
        return name
    try:
        _import_fact(model, model.uses[home], name)
    except ImportFailure as failure:
        sink.error(item.span, str(failure))
        return None
    return name


def _alike(model: StatuteModel, source: tuple[str, str], name: str, item: ast.SameFact, sink: DiagnosticSink) -> bool:
    """A mapped fact must have the type of the fact it becomes, and every value the reader's
    fact may take must be one the used statute's fact may take (else its rules would see cases
    it does not cover)."""
    theirs = model.uses[source[0]].facts[source[1]]
    mine = model.facts[name]
    described = f"{source[0]}.{source[1]} is '{theirs.type}{_bounds(theirs)}', {name} of {model.name} is '{mine.type}{_bounds(mine)}'"
    if theirs.type != mine.type:
        sink.error(item.span, f"the facts of 'same fact' must have the same type: {described}")
        return False
    if (theirs.low is not None and (mine.low is None or mine.low < theirs.low)) or (
            theirs.high is not None and (mine.high is None or mine.high > theirs.high)):
        sink.error(item.span, f"{name} may take values that {source[0]}.{source[1]} may not: {described} "
                   f"(narrow the range of {name}, or widen that of {source[0]}.{source[1]})")
        return False
    return True


def _bounds(fact) -> str:
    return f" {fact.low}..{fact.high}" if fact.low is not None or fact.high is not None else ""


def foreign_group(model: StatuteModel, decl: ast.Property, sink: DiagnosticSink) -> str | None:
    """``for every WEB.Aanvrager``: a facts group of a used statute. Its facts become facts of
    the reader (shared by name, or under the name ``same fact`` gives them); the group as the
    reader has it, or None after an error."""
    from lexproof.dsl.xref import ImportFailure, import_name

    home_name, group = decl.facts.split(".", 1)
    home = model.uses.get(home_name)
    if home is None:
        hint = f"; declare 'uses {home_name}'" if home_name != model.name else f"; write 'for every {group}'"
        sink.error(decl.span, f"'for every {decl.facts}': {home_name} is not a statute {model.name} uses" + hint)
        return None
    if group not in home.groups:
        sink.error(decl.span, f"'for every {decl.facts}': statute {home_name} has no facts group '{group}'"
                   + suggest(group, list(home.groups)))
        return None
    try:
        for fact in home.groups[group]:
            import_name(model, home, fact)
    except ImportFailure as failure:
        sink.error(decl.span, str(failure))
        return None
    if group in model.groups:
        return group
    # Every fact of the group is mapped to a fact of the reader (same fact): the reader's group
    # of the first one.
    first = model.fact_map.get(home_name, {}).get(home.groups[group][0], home.groups[group][0])
    return model.facts[first].group
