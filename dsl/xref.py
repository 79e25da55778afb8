"""Statutes that read each other: ``uses WEB`` and qualified names (``WEB.leerweg_telt``).

A statute R that ``uses`` a statute S reads S's decisions, parameters, enum values and facts by
qualified name. The checker *imports* what R reads into R's own model, under the qualified name
(``WEB.leerweg_telt``), with everything it depends on (the rules of every version of S that
decide it, their parameters, tables, enums and facts); consolidation (``lexproof.dsl.consolidate``) then
puts the rules and parameter values of S's version on the same date into R's version. So the
evaluator and the Z3 encoding run R's version as one statute, and read S's decisions in S's own
version for that date, with S's amendments in force then. Names of S that are themselves
imported from a third statute T keep their ``T.`` name, so a decision is imported once however
many statutes lead to it.

Facts are the case, and are shared: a fact S reads is the fact of the same name in R, which
must then be in a facts group of the same name, with the same type and range (else an error
says which differs); a fact R does not declare becomes one of R's facts, in S's group. Enums
are shared by name the same way (R may declare the enum itself, with the same values).

Statutes may not use each other in a cycle (``A uses B``, ``B uses A``): the checker checks a
statute after the statutes it uses, and reports the cycle at the ``uses``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from lexproof.dsl import ast, ir
from lexproof.dsl.identity_memo import IdentityMemo
from lexproof.dsl.ir import Node, Type
from lexproof.dsl.model import AmendmentInfo, FactInfo, ParameterInfo, RuleInfo, StatuteModel, TableInfo


class ImportFailure(Exception):
    """What the reading statute cannot import, as a message for the diagnostic at the name."""


def qualify(statute: str, name: str) -> str:
    """The name of ``name`` of statute ``statute`` as a reader sees it: ``WEB.x``; a name that
    is already qualified (imported by ``statute`` from a third statute) stays as it is."""
    return name if "." in name else f"{statute}.{name}"


def is_foreign(statute: StatuteModel, name: str) -> bool:
    """Whether a decision, parameter or table of ``statute`` is imported from another statute."""
    return name in statute.foreign


def own_decisions(statute: StatuteModel) -> list[str]:
    """The statute's own decisions (not those it reads from other statutes), in order."""
    return [name for name in statute.decisions if name not in statute.foreign]


# --- renaming ---------------------------------------------------------------------------------

# Per rule object, weakly (a long-lived process, ``check --watch`` or the language server, loads
# new rules after every edit; a dict by id kept every old rule alive): the renamed rule per home
# statute and fact names.
_RENAMED_RULES: IdentityMemo[dict[tuple[str, tuple[tuple[str, str], ...]], RuleInfo]] = IdentityMemo()
NO_FACTS: Mapping[str, str] = {}


def rename(node: Node, statute: str, facts: Mapping[str, str] = NO_FACTS) -> Node:
    """``node`` of statute ``statute`` as its reader sees it: decisions, parameters and tables
    qualified; facts as they are (shared), or under the reader's name where it maps them
    (``facts``: ``same fact WEB.opleiding = soort``); constants and the peildatum as they are."""
    if isinstance(node, ir.DecisionRef):
        return replace(node, name=qualify(statute, node.name))
    if isinstance(node, ir.ParamRef):
        return replace(node, name=qualify(statute, node.name))
    if isinstance(node, ir.FactRef) and node.name in facts:
        return replace(node, name=facts[node.name])
    if isinstance(node, ir.TableRef):
        return replace(node, name=qualify(statute, node.name), arg=rename(node.arg, statute, facts))
    if isinstance(node, ir.Op):
        return replace(node, args=tuple(rename(arg, statute, facts) for arg in node.args))
    return node


def fact_names(reader: StatuteModel, home: str) -> Mapping[str, str]:
    """The facts of the used statute ``home`` that ``reader`` knows under another name."""
    return reader.fact_map.get(home, NO_FACTS)


def cited(citation: ast.Citation | None, home: StatuteModel) -> ast.Citation | None:
    """A citation of ``home`` that names ``home`` (``art. 7.1 WEB``), so that a reader shows
    the statute of the article and not its own name."""
    if citation is None or citation.kind == "source":
        return citation
    label = home.cite_as or home.name
    if citation.statute is None or citation.statute == home.name:
        return replace(citation, statute=label, statute_after=True)
    return citation


def renamed_rule(rule: RuleInfo, home: StatuteModel, facts: Mapping[str, str] = NO_FACTS) -> RuleInfo:
    """A rule of ``home`` as a reader holds it (names qualified, citation naming ``home``, facts
    under the reader's names ``facts``); made once per rule and fact names, since every
    consolidated version of every reader asks for it."""
    renamed = _RENAMED_RULES.get(rule)
    if renamed is None:
        renamed = _RENAMED_RULES.put(rule, {})
    key = (home.name, tuple(sorted(facts.items())))
    if key in renamed:
        return renamed[key]
    result = replace(
        rule,
        name=qualify(home.name, rule.name),
        decision=qualify(home.name, rule.decision),
        citation=cited(rule.citation, home),
        value=rename(rule.value, home.name, facts),
        condition=rename(rule.condition, home.name, facts) if rule.condition is not None else None,
        exceptions=tuple(qualify(home.name, e) for e in rule.exceptions),
    )
    renamed[key] = result
    return result


def renamed_table(table: TableInfo, home: StatuteModel, facts: Mapping[str, str] = NO_FACTS) -> TableInfo:
    return replace(
        table,
        name=qualify(home.name, table.name),
        bounds=tuple(rename(b, home.name, facts) for b in table.bounds),
        values=tuple(rename(v, home.name, facts) for v in table.values),
        citation=cited(table.citation, home),
    )


# --- importing into the reader -----------------------------------------------------------------


def rules_ever(statute: StatuteModel, decision: str) -> list[RuleInfo]:
    """Every rule that decides ``decision`` in some version of ``statute``: its own, and those
    its amendments insert or replace (for an imported decision: those of its home statute)."""
    if decision in statute.foreign:
        via, local = statute.foreign[decision]
        home = statute.uses[via]
        return [renamed_rule(rule, home, fact_names(statute, via)) for rule in rules_ever(home, local)]
    rules = [rule for rule in statute.rules.values() if rule.decision == decision]
    for amendment in statute.amendments.values():
        rules += [c.rule for c in amendment.changes if c.rule is not None and c.rule.decision == decision]
    return rules


def import_name(reader: StatuteModel, home: StatuteModel, name: str) -> Node | None:
    """Import ``home``'s ``name`` (a decision, parameter, fact or enum value) into ``reader``,
    with everything it depends on; the IR node that reads it (types and cases left to the
    caller), or None when ``home`` has no such name."""
    if name in home.decisions:
        _import_decision(reader, home, name)
        return ir.DecisionRef(qualify(home.name, name), home.decisions[name].type)
    if name in home.parameters:
        _import_parameter(reader, home, name)
        return ir.ParamRef(qualify(home.name, name), home.parameters[name].type)
    if name in home.facts:
        _import_fact(reader, home, name)
        return ir.FactRef(fact_names(reader, home.name).get(name, name), home.facts[name].type)
    owners = home.enum_of(name)
    if len(owners) == 1:
        import_enum(reader, home, owners[0])
        return ir.Const(Type("enum", owners[0]), name)
    if len(owners) > 1:
        raise ImportFailure(
            f"'{name}' is a value of several enums of {home.name} ({', '.join(owners)}); write "
            + " or ".join(f"{owner}.{name}" for owner in owners)
        )
    return None


def import_table(reader: StatuteModel, home: StatuteModel, name: str) -> str:
    """Import ``home``'s table ``name`` (for ``WEB.tabel(x)``), with what its rows read; the
    name the reader has it under."""
    _import_table(reader, home, name)
    return qualify(home.name, name)


def known_names(home: StatuteModel) -> list[str]:
    """What a reader may name of ``home`` (for did-you-mean hints)."""
    names = list(home.decisions) + list(home.parameters) + list(home.facts)
    for values in home.enums.values():
        names.extend(values)
    return names


def _import_decision(reader: StatuteModel, home: StatuteModel, name: str) -> None:
    qualified = qualify(home.name, name)
    if qualified in reader.decisions:
        return
    info = home.decisions[name]
    nodes = _decision_expressions(home, name)
    _refuse_items(home, nodes)  # before the decision is the reader's: no half import to complete
    reader.decisions[qualified] = replace(
        info, name=qualified,
        default=rename(info.default, home.name, fact_names(reader, home.name)) if info.default is not None else None,
        citation=cited(info.citation, home),
    )
    reader.foreign[qualified] = (home.name, name)
    _import_type(reader, home, info.type)
    _import_reads(reader, home, nodes)


def _decision_expressions(home: StatuteModel, name: str) -> list[Node]:
    """What deciding ``name`` in ``home`` reads: its default, and the value and condition of
    every rule that decides it in some version."""
    nodes: list[Node] = [home.decisions[name].default] if home.decisions[name].default is not None else []
    for rule in rules_ever(home, name):
        nodes += [rule.value] + ([rule.condition] if rule.condition is not None else [])
    return nodes


def _refuse_items(home: StatuteModel, nodes: list[Node], seen: set[str] | None = None) -> None:
    """Kinds of items (with their facts and decisions per item) are not imported: a reader
    that ran an expression over ``home``'s items, here or in a decision of ``home`` it reads,
    would have no such kind (the built-in checks stopped with an internal error), so reading
    one is an error at the name."""
    seen = set() if seen is None else seen
    for node in nodes:
        for sub in ir.walk(node):
            if isinstance(sub, ir.ITEM_REFS):
                raise ImportFailure(
                    f"it reads the items {sub.kind} of {home.name} (a sum, count or fact per item), and "
                    f"items are not shared between statutes: a statute that uses {home.name} cannot read it"
                )
            if isinstance(sub, ir.DecisionRef) and sub.name in home.decisions and sub.name not in seen:
                seen.add(sub.name)
                _refuse_items(home, _decision_expressions(home, sub.name), seen)


def _import_reads(reader: StatuteModel, home: StatuteModel, nodes: list[Node]) -> None:
    """Import what these expressions of ``home`` read."""
    for node in nodes:
        for sub in ir.walk(node):
            if isinstance(sub, ir.DecisionRef):
                _import_decision(reader, home, sub.name)
            elif isinstance(sub, ir.ParamRef):
                _import_parameter(reader, home, sub.name)
            elif isinstance(sub, ir.TableRef):
                _import_table(reader, home, sub.name)
            elif isinstance(sub, ir.FactRef):
                _import_fact(reader, home, sub.name)
            elif isinstance(sub, ir.Const) and sub.type.kind == "enum":
                _import_type(reader, home, sub.type)
            elif isinstance(sub, ir.ITEM_REFS):
                _refuse_items(home, [sub])


def _import_parameter(reader: StatuteModel, home: StatuteModel, name: str) -> None:
    qualified = qualify(home.name, name)
    if qualified in reader.parameters:
        return
    info = home.parameters[name]
    reader.parameters[qualified] = ParameterInfo(qualified, info.type, info.values, cited(info.citation, home), info.span)
    reader.foreign[qualified] = (home.name, name)
    _import_type(reader, home, info.type)


def _import_table(reader: StatuteModel, home: StatuteModel, name: str) -> None:
    qualified = qualify(home.name, name)
    if qualified in reader.tables:
        return
    table = home.tables[name]
    reader.tables[qualified] = renamed_table(table, home, fact_names(reader, home.name))
    reader.foreign[qualified] = (home.name, name)
    _import_type(reader, home, table.input)
    _import_type(reader, home, table.output)
    rows = [n for row in home.added_rows.get(name, []) for n in (row.bound, row.value) if n is not None]
    _import_reads(reader, home, [*table.bounds, *table.values, *rows])


def _import_type(reader: StatuteModel, home: StatuteModel, type_: Type) -> None:
    if type_.kind == "enum" and type_.enum is not None:
        import_enum(reader, home, type_.enum)


def import_enum(reader: StatuteModel, home: StatuteModel, enum: str) -> None:
    """Enums are shared by name: the reader's enum of that name must have the same values."""
    values = home.enums[enum]
    mine = reader.enums.get(enum)
    if mine is not None:
        if mine != values:
            raise ImportFailure(
                f"enum {enum} of {reader.name} ({', '.join(mine)}) differs from enum {enum} of "
                f"{home.name} ({', '.join(values)}): a shared enum needs the same values"
            )
        return
    clash = [v for v in values if v in reader.facts or v in reader.decisions or v in reader.parameters]
    if clash:
        raise ImportFailure(
            f"enum {enum} of {home.name} has the value '{clash[0]}', which {reader.name} uses as a name; rename one"
        )
    reader.enums[enum] = values
    for (owner, value), origin in home.enum_origins.items():
        if owner == enum:
            reader.enum_origins[(owner, value)] = origin


def _import_fact(reader: StatuteModel, home: StatuteModel, name: str) -> None:
    """A fact is shared: the reader's fact of that name, or a new fact of the reader; a fact the
    reader maps to another name (``same fact``) is that fact, checked when the mapping was."""
    if name in fact_names(reader, home.name):
        return
    fact = home.facts[name]
    mine = reader.facts.get(name)
    if mine is not None:
        if mine.group != fact.group or mine.type != fact.type or (mine.low, mine.high) != (fact.low, fact.high):
            raise ImportFailure(
                f"the fact '{name}' is shared by {reader.name} and {home.name}, and must be declared alike: "
                f"{reader.name} has {_describe(mine)}, {home.name} has {_describe(fact)}"
            )
        return
    _import_type(reader, home, fact.type)
    reader.facts[name] = fact
    reader.groups[fact.group] = (*reader.groups.get(fact.group, ()), name)


def _describe(fact: FactInfo) -> str:
    bounds = f" {fact.low}..{fact.high}" if fact.low is not None or fact.high is not None else ""
    return f"'{fact.name}: {fact.type}{bounds}' in facts group {fact.group}"


# --- amendments across statutes ----------------------------------------------------------------


def find_amendment(statute: StatuteModel, name: str) -> AmendmentInfo | None:
    """The amendment ``name`` of the statute or of a statute it uses (directly or not)."""
    if name in statute.amendments:
        return statute.amendments[name]
    for used in statute.uses.values():
        found = find_amendment(used, name)
        if found is not None:
            return found
    return None


def all_amendments(statute: StatuteModel) -> list[AmendmentInfo]:
    """The amendments of the statute and of every statute it uses, each once."""
    seen: dict[str, AmendmentInfo] = dict(statute.amendments)
    for used in statute.uses.values():
        for amendment in all_amendments(used):
            seen.setdefault(amendment.name, amendment)
    return list(seen.values())


def readers_of(statutes: dict[str, StatuteModel], home: str) -> list[StatuteModel]:
    """The statutes that use ``home``, directly or through another statute."""
    return [s for s in statutes.values() if s.name != home and _uses(s, home)]


def _uses(statute: StatuteModel, home: str) -> bool:
    return any(name == home or _uses(used, home) for name, used in statute.uses.items())


def complete_imports(reader: StatuteModel) -> None:
    """Import what the amendments of the used statutes added to the decisions already imported.

    A statute is checked before the amendments of the statutes it uses (they are checked once
    every statute is), so an imported decision's rules from those amendments, and what they
    read, are imported here; the checker calls this in ``uses`` order, after the amendments."""
    done: set[str] = set()
    while True:
        pending = [name for name in reader.foreign if name not in done]
        if not pending:
            return
        for name in pending:
            done.add(name)
            via, local = reader.foreign[name]
            home = reader.uses[via]
            if name in reader.decisions:
                _import_reads(reader, home, _decision_expressions(home, local))
            elif name in reader.tables:
                rows = [n for row in home.added_rows.get(local, []) for n in (row.bound, row.value) if n is not None]
                _import_reads(reader, home, rows)
