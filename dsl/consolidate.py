"""Apply amendments: the consolidated version of a statute on a date, as drafters read the law.

The version on date D is the statute with every amendment in force on or before D applied in
date order; each parameter takes the value in force on D. ``after A`` is the version on A's
in-force date; ``before A`` is the same date without A, so that comparing the two isolates A.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dsl import ast
from dsl.diagnostics import Diagnostic, DiagnosticSink, LexproofError
from dsl.model import AmendmentInfo, RuleInfo, StatuteModel


@dataclass(frozen=True)
class Version:
    """One consolidated version: the rules and parameter values in force."""

    statute: StatuteModel
    date: dt.date
    amendments: tuple[str, ...]
    rules: tuple[RuleInfo, ...]
    parameters: dict[str, object] = field(hash=False, compare=False)
    label: str = ""

    _by_decision: dict[str, tuple[RuleInfo, ...]] = field(
        init=False, repr=False, hash=False, compare=False, default_factory=dict
    )
    _overriders: dict[str, dict[str, tuple[str, ...]]] = field(
        init=False, repr=False, hash=False, compare=False, default_factory=dict
    )
    _by_name: dict[str, RuleInfo] = field(init=False, repr=False, hash=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        # Indexed once: the encoder, the evaluator and every check ask for the rules of one
        # decision, and a scan of the whole version per question made a run O(decisions x rules).
        grouped: dict[str, list[RuleInfo]] = {}
        for rule in self.rules:
            grouped.setdefault(rule.decision, []).append(rule)
            self._by_name[rule.name] = rule
        self._by_decision.update({name: tuple(rules) for name, rules in grouped.items()})

    def rules_of(self, decision: str) -> tuple[RuleInfo, ...]:
        return self._by_decision.get(decision, ())

    def overriders(self, decision: str) -> dict[str, tuple[str, ...]]:
        """rule name -> names of the rules that override it (its exceptions)."""
        cached = self._overriders.get(decision)
        if cached is None:
            result: dict[str, list[str]] = {rule.name: [] for rule in self.rules_of(decision)}
            for rule in self.rules_of(decision):
                for target in rule.exceptions:
                    if target in result:
                        result[target].append(rule.name)
            cached = {name: tuple(names) for name, names in result.items()}
            self._overriders[decision] = cached
        return dict(cached)

    def rule(self, name: str) -> RuleInfo | None:
        return self._by_name.get(name)


def version_on(
    statute: StatuteModel,
    date: dt.date,
    *,
    include: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
) -> Version:
    """The consolidated version on ``date``; ``include`` adds amendments not yet in force
    (what-if), ``exclude`` leaves some out (``before A``)."""
    chosen = [
        a for a in statute.amendments.values()
        if ((a.in_force <= date and not a.proposal) or a.name in include) and a.name not in exclude
    ]
    chosen.sort(key=lambda a: (a.in_force, a.name))
    rules: dict[str, RuleInfo] = dict(statute.rules)
    sink = DiagnosticSink()
    parameter_values = {name: list(info.values) for name, info in statute.parameters.items()}
    for amendment in chosen:
        _apply(amendment, rules, parameter_values, sink)
    effective = max([date] + [a.in_force for a in chosen if a.name in include])
    parameters: dict[str, object] = {}
    for name, values in parameter_values.items():
        in_force = [v for v in values if v.start is None or v.start <= effective]
        if in_force:
            parameters[name] = max(in_force, key=lambda v: v.start or dt.date.min).value
    from dsl.checker import check_rule_structure

    context = f"in the version of {effective.isoformat()}"
    if chosen:
        context += " after amendment" + ("s " if len(chosen) > 1 else " ") + ", ".join(a.name for a in chosen)
    check_rule_structure(statute, list(rules.values()), sink, context)
    sink.raise_if_any()
    names = tuple(a.name for a in chosen)
    label = f"{statute.name} on {effective.isoformat()}"
    if names:
        label += " (with " + ", ".join(names) + ")"
    return Version(statute, effective, names, tuple(rules.values()), parameters, label)


def _apply(amendment: AmendmentInfo, rules: dict[str, RuleInfo], parameters, sink: DiagnosticSink) -> None:
    for change in amendment.changes:
        if change.kind == "replace" and change.rule is not None:
            if change.rule.name not in rules:
                sink.error(change.span, f"rule '{change.rule.name}' does not exist when {amendment.name} comes into force")
                continue
            rules[change.rule.name] = change.rule
        elif change.kind == "insert" and change.rule is not None:
            if change.rule.name in rules:
                sink.error(change.span, f"rule '{change.rule.name}' already exists when {amendment.name} comes into force")
                continue
            rules[change.rule.name] = change.rule
        elif change.kind == "repeal":
            for target in change.targets:
                if target not in rules:
                    sink.error(change.span, f"rule '{target}' does not exist when {amendment.name} comes into force")
                    continue
                del rules[target]
        elif change.kind == "set" and change.parameter is not None and change.value is not None:
            values = [v for v in parameters[change.parameter] if v.start != change.value.start]
            parameters[change.parameter] = values + [change.value]


def resolve_spec(statute: StatuteModel, spec: ast.VersionSpec) -> Version:
    """The version a ``[on D]``, ``[after A]`` or ``[before A]`` names."""
    if spec.kind == "on":
        assert spec.date is not None
        return version_on(statute, spec.date)
    amendment = statute.amendments.get(spec.amendment or "")
    if amendment is None:
        raise LexproofError(Diagnostic(spec.span, f"unknown amendment '{spec.amendment}' of {statute.name}"))
    if spec.kind == "after":
        return version_on(statute, amendment.in_force, include=(amendment.name,))
    return version_on(statute, amendment.in_force, exclude=(amendment.name,))


def missing_parameters(version: Version, used: set[str]) -> list[str]:
    return sorted(name for name in used if name not in version.parameters)


def check_all_versions(statute: StatuteModel) -> None:
    """Consolidate on every amendment date (with and without each amendment) so that an
    amendment that breaks the statute is reported when the files are checked."""
    errors: list[Diagnostic] = []
    dates = sorted({a.in_force for a in statute.amendments.values()})
    for date in dates:
        for spec in [None] + [a.name for a in statute.amendments.values() if a.in_force == date]:
            try:
                version_on(statute, date, exclude=(spec,) if spec else ())
            except LexproofError as error:
                errors.extend(d for d in error.diagnostics if d not in errors)
    for proposal in (a for a in statute.amendments.values() if a.proposal):
        try:
            version_on(statute, proposal.in_force, include=(proposal.name,))
        except LexproofError as error:
            errors.extend(d for d in error.diagnostics if d not in errors)
    if errors:
        raise LexproofError(errors)
