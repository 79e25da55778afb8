"""Checking amendments: what each change targets must exist when it comes into force, no rule is
changed twice by one amendment, two amendments in force on the same day may not change the same
rule, and every version a property or example names must exist."""

from __future__ import annotations

import datetime as dt

from lexproof.dsl import ast
from lexproof.dsl.check_constants import constant_value
from lexproof.dsl.check_examples import check_example, check_property
from lexproof.dsl.check_growth import GROWTH_ITEMS, check_growth_item
from lexproof.dsl.checker import check_rule
from lexproof.dsl.diagnostics import DiagnosticSink
from lexproof.dsl.model import AmendmentInfo, Change, ParameterValue, RuleInfo, StatuteModel
from lexproof.dsl.source import Span
from lexproof.dsl.typing import Lowerer, suggest


def check_amendment(
    statute: StatuteModel, decl: ast.Amendment, sink: DiagnosticSink,
    unchecked: dict[str, ast.Citation] | None = None,
) -> None:
    """``unchecked``: the statute's rules (and earlier amendments' rules) that failed to check,
    with their citations; their error is reported, so a change that targets one is not an error
    too. Rules of this amendment that fail to check are added to it."""
    if unchecked is None:
        unchecked = {}
    lowerer = Lowerer(statute, sink)
    changes: list[Change] = []
    # The rules as every earlier amendment left them (the timeline is checked in date order);
    # proposals are alternatives, so they do not shape the rules later amendments see.
    known: dict[str, RuleInfo] = dict(statute.rules)
    for earlier in statute.amendments.values():
        if earlier.proposal or earlier.in_force >= decl.in_force:
            continue  # same-day amendments are each other's clash, reported separately
        for change in earlier.changes:
            if change.rule is not None:
                known[change.rule.name] = change.rule
            for target in change.targets:
                known.pop(target, None)
    changed_here: dict[str, Span] = {}
    # What the amendment adds comes first: its rules, examples and properties may read it.
    for item in decl.items:
        if isinstance(item, GROWTH_ITEMS):
            grown = check_growth_item(statute, lowerer, item, decl, sink)
            if grown is not None:
                changes.append(grown)
    for item in decl.items:
        if isinstance(item, (ast.ReplaceRule, ast.InsertRule)):
            rule = check_rule(statute, lowerer, item.rule, sink, origin=decl.name)
            if rule is None:
                unchecked.setdefault(item.rule.name, item.rule.citation)
                continue
            if rule.name in changed_here:
                sink.error(item.span, f"amendment '{decl.name}' changes rule '{rule.name}' twice",
                           (changed_here[rule.name], "first change"))
                continue
            if isinstance(item, ast.ReplaceRule):
                old = known.get(rule.name)
                if old is None and rule.name not in unchecked:
                    sink.error(
                        item.span,
                        f"amendment '{decl.name}' replaces rule '{rule.name}', which {statute.name} does not have"
                        + suggest(rule.name, sorted(known)),
                    )
                    continue
                if old is not None and old.decision != rule.decision:
                    sink.error(
                        item.span,
                        f"rule '{rule.name}' decides {old.decision}; a replacement cannot move it to "
                        f"{rule.decision} (repeal it and insert a new rule)",
                    )
                    continue
            elif rule.name in known:
                sink.error(item.span, f"rule '{rule.name}' already exists; use 'replace rule'")
                continue
            known[rule.name] = rule
            changed_here[rule.name] = item.span
            changes.append(Change("replace" if isinstance(item, ast.ReplaceRule) else "insert", item.span, rule=rule))
        elif isinstance(item, ast.RepealRule):
            if item.name not in known and item.name in unchecked:
                continue  # the rule's own error is reported; repealing it is fine
            if item.name not in known:
                sink.error(
                    item.span,
                    f"amendment '{decl.name}' repeals rule '{item.name}', which {statute.name} does not have"
                    + suggest(item.name, sorted(known)),
                )
                continue
            if item.name in changed_here:
                sink.error(item.span, f"amendment '{decl.name}' changes rule '{item.name}' twice",
                           (changed_here[item.name], "first change"))
                continue
            del known[item.name]
            changed_here[item.name] = item.span
            changes.append(Change("repeal", item.span, targets=(item.name,)))
        elif isinstance(item, ast.RepealCitation):
            own = (statute.name, statute.cite_as)
            targets = tuple(
                r.name for r in known.values()
                if citation_covers(item.citation, r.citation, own) and r.name not in changed_here
            )
            if not targets:
                if not any(citation_covers(item.citation, c, own) for c in unchecked.values()):
                    sink.error(item.span, f"no rule of {statute.name} cites {item.citation}")
                continue
            for target in targets:
                del known[target]
                changed_here[target] = item.span
            changes.append(Change("repeal", item.span, targets=targets))
        elif isinstance(item, ast.SetParameter):
            parameter = statute.parameters.get(item.name)
            if parameter is None:
                sink.error(
                    item.span,
                    f"unknown parameter '{item.name}'" + suggest(item.name, list(statute.parameters)),
                )
                continue
            value = constant_value(statute, lowerer, item.value, parameter.type, "a parameter value")
            if value is None:
                continue
            start = item.start or decl.in_force
            changes.append(
                Change("set", item.span, parameter=item.name,
                       value=ParameterValue(start, value, item.span, origin=decl.name))
            )
        elif isinstance(item, ast.Example):
            check_example(statute, lowerer, item, decl.name, sink)
        elif isinstance(item, ast.Property):
            check_property(statute, lowerer, item, decl.name, sink)
    statute.amendments[decl.name] = AmendmentInfo(
        decl.name, statute.name, decl.in_force, tuple(changes), decl.title, decl.span, decl.proposal
    )
    # Examples and properties in an amendment run, unless told otherwise, after it.
    default = (ast.VersionSpec("after", None, decl.name, span=decl.span),)
    statute.examples[:] = [
        _with_default_versions(e, default) if e.owner == decl.name else e for e in statute.examples
    ]
    statute.properties[:] = [
        _with_default_versions(p, default) if p.owner == decl.name else p for p in statute.properties
    ]


def _with_default_versions(item, default):
    from dataclasses import replace

    if item.versions or getattr(item, "compare", None) is not None:
        return item
    return replace(item, versions=default)


def citation_covers(general: ast.Citation, specific: ast.Citation, own: tuple[str | None, ...] = ()) -> bool:
    """True when ``specific`` falls under ``general`` (same statute, kind and article; lid, sub
    and onder only constrain when ``general`` names them).

    The parts are compared, never the text: ``art. 4`` covers ``art. 4 lid 2`` but not
    ``art. 4:84`` or ``art. 4.1``. How an item is introduced does not matter (``sub a``,
    ``onderdeel a``, ``onder a`` and ``aanhef en onder a`` are the same item), nor where the act
    is named; a citation naming the statute itself (a name or ``cite`` label in ``own``) is one
    without a statute name."""

    def act(citation: ast.Citation) -> str | None:
        return None if not citation.statute or citation.statute in own else citation.statute

    if act(general) != act(specific) or general.kind != specific.kind:
        return False
    if general.article != specific.article:
        return False
    if general.lid is not None and general.lid != specific.lid:
        return False
    if general.sub is not None and general.sub != specific.sub:
        return False
    return general.onder is None or general.onder == specific.onder


def check_same_day_clashes(statute: StatuteModel, sink: DiagnosticSink) -> None:
    touched: dict[tuple[dt.date, str], tuple[str, Span]] = {}
    for amendment in statute.amendments.values():
        if amendment.proposal:
            continue  # proposals are alternatives, applied one at a time where named
        for change in amendment.changes:
            names = list(change.targets)
            if change.rule is not None:
                names.append(change.rule.name)
            if change.parameter is not None:
                names.append("parameter " + change.parameter)
            for name in names:
                key = (amendment.in_force, name)
                if key in touched and touched[key][0] != amendment.name:
                    other, other_span = touched[key]
                    sink.error(
                        change.span,
                        f"amendments '{other}' and '{amendment.name}' both change {name} "
                        f"on {amendment.in_force.isoformat()}; their order would be arbitrary",
                        (other_span, f"'{other}' changes it here"),
                    )
                else:
                    touched[key] = (amendment.name, change.span)


def check_version_specs(statute: StatuteModel, sink: DiagnosticSink) -> None:
    from lexproof.dsl.xref import find_amendment

    specs: list[ast.VersionSpec] = []
    for example in statute.examples:
        specs.extend(example.versions)
    for prop in statute.properties:
        specs.extend(prop.versions)
        if prop.compare:
            specs.extend(prop.compare)
    for spec in specs:
        if spec.kind != "on" and find_amendment(statute, spec.amendment or "") is None:
            sink.error(
                spec.span,
                f"unknown amendment '{spec.amendment}' of {statute.name}"
                + suggest(spec.amendment or "", list(statute.amendments)),
            )
        elif spec.kind == "with":
            _check_with_date(statute, spec, sink)


def _check_with_date(statute: StatuteModel, spec: ast.VersionSpec, sink: DiagnosticSink) -> None:
    """``on D with A`` applies A on D, so D may not precede A's in-force date: before it, A's
    own ``set parameter`` values would not be in force, and the version would be half of A."""
    from lexproof.dsl.xref import find_amendment

    amendment = find_amendment(statute, spec.amendment or "")
    assert spec.date is not None and amendment is not None
    if spec.date < amendment.in_force:
        sink.error(
            spec.span,
            f"'{spec}': {spec.date.isoformat()} is before {amendment.name} comes into force "
            f"({amendment.in_force.isoformat()}); write 'after {amendment.name}' for the version on that "
            f"date, or a date on or after it",
        )
