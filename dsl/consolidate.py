"""Apply amendments: the consolidated version of a statute on a date, as drafters read the law.

The version on date D is the statute with every amendment in force on or before D applied in
date order; each parameter takes the value in force on D. ``after A`` is the version on A's
in-force date; ``before A`` is the same date without A, so that comparing the two isolates A.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from lexproof.dsl import ast, ir
from lexproof.dsl.diagnostics import Diagnostic, DiagnosticSink, LexproofError
from lexproof.dsl.growth import _bound_values, grown_tables, grows, presence_problems
from lexproof.dsl.identity_memo import IdentityMemo
from lexproof.dsl.model import AmendmentInfo, NoValue, ParameterValue, RuleInfo, StatuteModel, TableInfo


@dataclass(frozen=True)
class Version:
    """One consolidated version: the rules and parameter values in force."""

    statute: StatuteModel
    date: dt.date
    amendments: tuple[str, ...]
    rules: tuple[RuleInfo, ...]
    parameters: dict[str, object] = field(hash=False, compare=False)
    label: str = ""
    # Where each parameter's value was written (the statute, or an amendment's 'set
    # parameter'), for diagnostics that name the value.
    parameter_sources: dict[str, ParameterValue] = field(hash=False, compare=False, default_factory=dict)
    # Tables whose rows differ from the statute's in this version (rows added by amendments);
    # every other table is the statute's own (``table``).
    tables: dict[str, TableInfo] = field(hash=False, compare=False, default_factory=dict)
    # The amendments of the statutes it uses (dsl/xref.py) applied in their versions on the
    # same date: what those statutes' decisions, read here, are decided by.
    foreign_amendments: tuple[str, ...] = ()

    _by_decision: dict[str, tuple[RuleInfo, ...]] = field(
        init=False, repr=False, hash=False, compare=False, default_factory=dict
    )
    _overriders: dict[str, dict[str, tuple[str, ...]]] = field(
        init=False, repr=False, hash=False, compare=False, default_factory=dict
    )
    _by_name: dict[str, RuleInfo] = field(init=False, repr=False, hash=False, compare=False, default_factory=dict)
    # enum -> its values here: asked for every sampled enum fact and every cone's signature
    _enum_values: dict[str, tuple[str, ...]] = field(
        init=False, repr=False, hash=False, compare=False, default_factory=dict
    )
    # ``decision_positions``, once: every witness's outcomes ask for it
    _decision_positions: dict[str, int] = field(init=False, repr=False, hash=False, compare=False,
                                                default_factory=dict)

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

    # --- what exists in this version (amendments may add facts, decisions, enum values, tables) ---
    def applies(self, origin: str | None) -> bool:
        """Whether something declared by ``origin`` (None: the statute) is in this version."""
        return origin is None or origin in self.amendments or origin in self.foreign_amendments

    def has_fact(self, name: str) -> bool:
        info = self.statute.facts.get(name)
        return info is not None and self.applies(info.origin)

    def has_decision(self, name: str) -> bool:
        info = self.statute.decisions.get(name)
        return info is not None and self.applies(info.origin)

    def decision_positions(self) -> dict[str, int]:
        """The statute's decisions in this version, in the statute's order, each by its position
        there; with the decisions per item (declared by the statute, never added by an
        amendment). Asked for the outcomes of every witness: filtering the 4,400 decisions of a
        10,000-rule book for each of the 3,000 witnesses a diff reads from its cache took 2 s
        (docs/performance.md, "Session 16"). Computed on first use, after loading: only the
        loader adds to ``statute.decisions`` (dsl/xref.py, dsl/check_growth.py)."""
        if not self._decision_positions:
            item_decisions = self.statute.item_decisions
            names = (name for name in self.statute.decisions if self.has_decision(name) or name in item_decisions)
            self._decision_positions.update((name, i) for i, name in enumerate(names))
        return self._decision_positions

    def has_table(self, name: str) -> bool:
        info = self.statute.tables.get(name)
        return info is not None and self.applies(info.origin)

    def enum_values(self, enum: str) -> tuple[str, ...]:
        """The values of ``enum`` in this version: a case with another value is outside its law."""
        cached = self._enum_values.get(enum)
        if cached is None:
            origins = self.statute.enum_origins
            cached = tuple(v for v in self.statute.enums[enum] if self.applies(origins.get((enum, v))))
            self._enum_values[enum] = cached
        return cached

    def table(self, name: str) -> TableInfo:
        """The table as this version has it (with the rows amendments added)."""
        return self.tables.get(name) or self.statute.tables[name]


# The key in ``StatuteModel.scratch`` of the versions the loader consolidated, by the arguments
# of ``version_on``. Set once the statute is complete (``check_all_versions`` runs after every
# file was checked); a statute from the cache of loaded books has none (scratch is not stored).
_LOADED_VERSIONS = "loaded versions"


def version_on(
    statute: StatuteModel,
    date: dt.date,
    *,
    include: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    own_only: bool = False,
) -> Version:
    """The consolidated version on ``date``; ``include`` adds amendments not yet in force
    (what-if), ``exclude`` leaves some out (``before A``). ``own_only``: for a statute that
    uses others, its own rules only (``_version_with_uses`` adds theirs).

    The versions ``check_all_versions`` consolidated when the files were loaded are given again
    for the same arguments (``_LOADED_VERSIONS``): every check, diff and cached witness asks for
    them, and consolidating the 10,000-rule book's versions again was a sixth of a watched
    re-check."""
    remembered = statute.scratch.get(_LOADED_VERSIONS)
    if remembered is not None:
        found = remembered.get((date, tuple(include), tuple(exclude), own_only))
        if found is not None:
            return found
    chosen = [
        a for a in statute.amendments.values()
        if ((a.in_force <= date and not a.proposal) or a.name in include) and a.name not in exclude
    ]
    chosen.sort(key=lambda a: (a.in_force, a.name))
    if statute.uses and not own_only:  # a statute that reads others: theirs on the same date
        return _version_with_uses(statute, date, include, exclude, chosen)
    rules: dict[str, RuleInfo] = dict(statute.rules)
    sink = DiagnosticSink()
    parameter_values = {name: list(info.values) for name, info in statute.parameters.items()}
    for amendment in chosen:
        _apply(amendment, rules, parameter_values, sink)
    effective = max([date] + [a.in_force for a in chosen if a.name in include])
    sources: dict[str, ParameterValue] = {}
    for name, values in parameter_values.items():
        in_force = [v for v in values if v.start is None or v.start <= effective]
        if in_force:
            sources[name] = max(in_force, key=lambda v: v.start or dt.date.min)
    # 'set parameter P = no value from D': from D on, P has no value (as before its first).
    sources = {name: value for name, value in sources.items() if not isinstance(value.value, NoValue)}
    parameters = {name: value.value for name, value in sources.items()}
    names = tuple(a.name for a in chosen)
    if names not in statute.sound_amendment_sets:  # else checked when the files were loaded
        from lexproof.dsl.checker import check_rule_structure

        context = f"in the version of {effective.isoformat()}"
        if chosen:
            context += " after amendment" + ("s " if len(chosen) > 1 else " ") + ", ".join(names)
        check_rule_structure(statute, list(rules.values()), sink, context)
    sink.raise_if_any()
    label = f"{statute.name} on {effective.isoformat()}"
    if names:
        label += " (with " + ", ".join(names) + ")"
    version = Version(statute, effective, names, tuple(rules.values()), parameters, label, sources)
    if grows(statute):
        version.tables.update(grown_tables(version))
        if not own_only:  # what it reads of other statutes is added by _version_with_uses
            sink.diagnostics.extend(presence_problems(version))
        sink.raise_if_any()
    return version


def _version_with_uses(
    statute: StatuteModel, date: dt.date, include: tuple[str, ...], exclude: tuple[str, ...],
    chosen: list[AmendmentInfo],
) -> Version:
    """The version of a statute that uses others (``dsl/xref.py``): its own version, plus the
    rules, parameter values and tables it imported, as the used statutes' versions on the same
    date have them (with ``include``/``exclude`` passed on: an amendment of a used statute
    named there is applied, or left out, in that statute's version)."""
    from lexproof.dsl.xref import find_amendment, renamed_rule, renamed_table

    foreign_included = [find_amendment(statute, name) for name in include if name not in statute.amendments]
    effective = max([date] + [a.in_force for a in chosen if a.name in include]
                    + [a.in_force for a in foreign_included if a is not None])
    uses = statute.uses
    own = version_on(statute, effective, include=include, exclude=exclude, own_only=True)
    rules = list(own.rules)
    parameters, sources, tables = dict(own.parameters), dict(own.parameter_sources), dict(own.tables)
    foreign: list[str] = []
    notes: list[str] = []
    for name, used in uses.items():
        theirs = _used_version(used, effective, include, exclude)
        applied = theirs.amendments + theirs.foreign_amendments
        foreign += [a for a in applied if a not in foreign]
        if theirs.amendments:
            notes.append(f"{name} with {', '.join(theirs.amendments)}")
        mine = {q: local for q, (via, local) in statute.foreign.items() if via == name}
        wanted = set(mine.values())
        facts = statute.fact_map.get(name, {})  # same fact NAME.f = g
        rules += [renamed_rule(rule, used, facts) for rule in theirs.rules if rule.decision in wanted]
        for qualified, local in mine.items():
            if qualified in statute.parameters and local in theirs.parameters:
                parameters[qualified] = theirs.parameters[local]
                sources[qualified] = theirs.parameter_sources[local]
            elif qualified in statute.tables and local in theirs.tables:
                tables[qualified] = renamed_table(theirs.tables[local], used, facts)
    label = own.label
    if notes:
        label = label[:-1] + "; " + "; ".join(notes) + ")" if label.endswith(")") else label + " (" + "; ".join(notes) + ")"
    version = Version(statute, own.date, own.amendments, tuple(rules), parameters, label, sources, tables,
                      tuple(foreign))
    if grows(statute) or any(grows(used) for used in uses.values()):
        sink = DiagnosticSink()
        sink.diagnostics.extend(presence_problems(version))
        sink.raise_if_any()
    return version


# The versions of used statutes, shared by every reader and every version of a reader on the
# same date (a chain of statutes that read each other would consolidate each one again per
# reader). Keyed by the model's id, with the model kept alive next to it so the id stays its
# own; the most recent models only: a long-lived process (``check --watch``, the language
# server) loads new models after every edit, and each version holds its model (a weak key
# would never go).
_USED_VERSIONS: dict[int, tuple[StatuteModel, dict[tuple, Version]]] = {}
_USED_MODELS_MAX = 8  # a program reads a few; more only cost consolidating again
_USED_VERSIONS_MAX = 4096  # per model: dates and amendment sets asked for


def _used_version(used: StatuteModel, date: dt.date, include: tuple[str, ...], exclude: tuple[str, ...]) -> Version:
    entry = _USED_VERSIONS.pop(id(used), None)
    if entry is None or entry[0] is not used:
        entry = (used, {})
    _USED_VERSIONS[id(used)] = entry  # the most recent last
    while len(_USED_VERSIONS) > _USED_MODELS_MAX:
        del _USED_VERSIONS[next(iter(_USED_VERSIONS))]
    versions = entry[1]
    key = (date, tuple(include), tuple(exclude))
    if key not in versions:
        if len(versions) >= _USED_VERSIONS_MAX:
            versions.clear()
        versions[key] = version_on(used, date, include=include, exclude=exclude)
    return versions[key]


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
    from lexproof.dsl.xref import find_amendment

    amendment = find_amendment(statute, spec.amendment or "")  # its own, or of a statute it uses
    if amendment is None:
        raise LexproofError(Diagnostic(spec.span, f"unknown amendment '{spec.amendment}' of {statute.name}"))
    if spec.kind == "with":  # 'on D with A': the law on D, with A applied (the checker saw D >= A's date)
        assert spec.date is not None
        return version_on(statute, spec.date, include=(amendment.name,))
    if spec.kind == "after":
        return version_on(statute, amendment.in_force, include=(amendment.name,))
    return version_on(statute, amendment.in_force, exclude=(amendment.name,))


def change_dates(statute: StatuteModel, proposal: AmendmentInfo | None = None) -> list[dt.date]:
    """The dates on which the law in force changes: each amendment's in-force date and each
    dated parameter value (of the statute, or set by an amendment). Proposals are not on the
    timeline; with ``proposal``, that one proposal's own dates are added."""
    chosen = [a for a in statute.amendments.values() if not a.proposal or a is proposal]
    dates = {a.in_force for a in chosen}
    dates.update(v.start for info in statute.parameters.values() for v in info.values if v.start is not None)
    dates.update(
        change.value.start for a in chosen for change in a.changes
        if change.kind == "set" and change.value is not None and change.value.start is not None
    )
    for used in statute.uses.values():  # the law it reads changes on their dates too
        dates.update(change_dates(used, proposal))
    return sorted(dates)


def distinct_version_specs(statute: StatuteModel, default: dt.date) -> list[tuple[dt.date, tuple[str, ...]]]:
    """(date, proposals applied) of every distinct version of the statute, in date order.

    One version per period of the timeline: the period before the first change date (as the
    version on the day before it) and one from each change date on (``change_dates``). Then,
    for each proposal, the versions with it applied: on its in-force date and on each later
    change date. A statute that never changes has one version, on ``default``. Every other
    date gives the same rules and parameter values as one of these."""
    timeline = change_dates(statute)
    if not timeline:
        specs: list[tuple[dt.date, tuple[str, ...]]] = [(default, ())]
    else:
        before = [timeline[0] - dt.timedelta(days=1)] if timeline[0] > dt.date.min else []
        specs = [(date, ()) for date in before + timeline]
    from lexproof.dsl.xref import all_amendments

    for proposal in sorted(all_amendments(statute), key=lambda a: (a.in_force, a.name)):
        if proposal.proposal:
            later = [d for d in change_dates(statute, proposal) if d > proposal.in_force]
            specs += [(date, (proposal.name,)) for date in [proposal.in_force, *later]]
    return specs


def distinct_versions(statute: StatuteModel, default: dt.date | None = None) -> list[Version]:
    """Every distinct version of the statute (``distinct_version_specs``), consolidated; the
    files were checked on load, so consolidation does not fail here."""
    day = default or dt.date.today()
    return [version_on(statute, date, include=proposals) for date, proposals in distinct_version_specs(statute, day)]


def version_period(statute: StatuteModel, version: Version) -> tuple[dt.date, dt.date]:
    """The days on which the law has the same rules and parameter values as ``version``: from
    the last change on or before its date (or 0001-01-01) to the day before the next change
    (or 9999-12-31). A rule that reads the peildatum may still decide differently on each of
    them, so a check of the version's rules covers the whole period (``verifier/checks.py``)."""
    from lexproof.dsl.xref import find_amendment

    applied = [find_amendment(statute, name) for name in (*version.amendments, *version.foreign_amendments)]
    proposals = [a for a in applied if a is not None and a.proposal]
    dates = change_dates(statute, proposals[0] if len(proposals) == 1 else None)
    if len(proposals) > 1:  # not made by distinct_versions; keep to the version's own date
        return version.date, version.date
    start = max((d for d in dates if d <= version.date), default=dt.date.min)
    end = min((d for d in dates if d > version.date), default=None)
    return start, (end - dt.timedelta(days=1)) if end is not None else dt.date.max


# Per statute object, whether it reads the peildatum: asked by every part of the built-in
# checks, and the answer needs every expression of the statute.
_PEILDATUM: IdentityMemo[bool] = IdentityMemo()


def reads_peildatum(statute: StatuteModel) -> bool:
    """Whether any rule, default or table of the statute (in any version) reads the peildatum
    (remembered per statute object: a loaded statute does not change)."""
    known = _PEILDATUM.get(statute)
    return known if known is not None else _PEILDATUM.put(statute, _reads_peildatum(statute))


def _reads_peildatum(statute: StatuteModel) -> bool:
    nodes: list[ir.Node] = []
    for rule in _all_rules(statute):
        nodes.append(rule.value)
        if rule.condition is not None:
            nodes.append(rule.condition)
    nodes += [d.default for d in statute.decisions.values() if d.default is not None]
    for table in statute.tables.values():  # with the tables amendments add (the model holds all)
        nodes += [*table.bounds, *table.values]
    for rows in statute.added_rows.values():  # rows an amendment adds to a table
        nodes += [node for row in rows for node in (row.bound, row.value) if node is not None]
    if any(reads_peildatum(used) for used in statute.uses.values()):  # what it reads of them may
        return True
    return _mentions_peildatum(nodes)


def _mentions_peildatum(nodes: list[ir.Node]) -> bool:
    """Whether a ``Peildatum`` occurs in any of ``nodes``: what ``ir.reads(node).peildatum``
    says of each, without working out (and keeping) everything else each node reads. Showing one
    case of a 10,000-rule statute asks this of its 24,000 expressions, and ``ir.reads`` took
    0.15 s of it (docs/performance.md, "Session 18")."""
    return any(type(sub) is ir.Peildatum for node in nodes for sub in ir.walk(node))


def _all_rules(statute: StatuteModel) -> list:
    rules = list(statute.rules.values())
    for amendment in statute.amendments.values():
        rules += [change.rule for change in amendment.changes if getattr(change, "rule", None) is not None]
    return rules


def check_all_versions(statute: StatuteModel) -> None:
    """Consolidate every distinct version, and on every amendment date the versions with and
    without each amendment, so that an amendment that breaks the statute, or parameter values
    that make a table's bounds fall, are reported when the files are checked."""
    errors: list[Diagnostic] = []
    versions: list[Version] = []
    by_arguments: dict[tuple, Version] = {}

    def consolidate(date: dt.date, include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> None:
        try:
            versions.append(version_on(statute, date, include=include, exclude=exclude))
            by_arguments[(date, include, exclude, False)] = versions[-1]
        except LexproofError as error:
            errors.extend(d for d in error.diagnostics if d not in errors)

    for date, proposals in distinct_version_specs(statute, dt.date.today()):
        consolidate(date, include=proposals)
    for amendment in statute.amendments.values():
        if not amendment.proposal:  # 'before A' (and 'after A', on the timeline already)
            consolidate(amendment.in_force, exclude=(amendment.name,))
    errors.extend(d for d in table_bound_problems(statute, versions, bool(change_dates(statute))) if d not in errors)
    if grows(statute) and not errors:
        errors.extend(d for d in named_version_problems(statute) if d not in errors)
    if errors:
        raise LexproofError(errors)
    if not statute.uses:  # (one that reads others also checks what it reads: always checked)
        statute.sound_amendment_sets = tuple(sorted({version.amendments for version in versions}))
        statute.scratch[_LOADED_VERSIONS] = by_arguments


def named_version_problems(statute: StatuteModel) -> list[Diagnostic]:
    """Examples and properties that read, in a version they name, what it lacks (an amendment
    adds it). Those without named versions run on a date given at run time: checked then."""
    from lexproof.dsl.growth import example_problems, property_problems

    problems: list[Diagnostic] = []
    for example in statute.examples:
        for spec in example.versions:
            problems.extend(example_problems(statute, example, resolve_spec(statute, spec)))
    for prop in statute.properties:
        if prop.compare is not None:
            slots = {"before": resolve_spec(statute, prop.compare[0]), "after": resolve_spec(statute, prop.compare[1])}
            problems.extend(property_problems(prop, slots))
        for spec in prop.versions:
            problems.extend(property_problems(prop, {None: resolve_spec(statute, spec)}))
    return problems


def table_bound_problems(statute: StatuteModel, versions: list[Version], dated: bool = True) -> list[Diagnostic]:
    """The bounds of a table must rise from row to row in every version, not only as
    literals (the checker rejects those): rows whose bounds fall, or are equal, would be
    counted twice by a marginal table (and never reached in a flat one). One diagnostic per
    pair of rows, at the later bound, naming the versions where they fall and the parameters'
    values there. A bound that reads a parameter without a value in a version is not checked
    there (that version does not cover the table). ``dated``: whether the statute's versions
    differ by date (else the date in a label means nothing)."""
    falling: dict[tuple[str, int, int], list[tuple[Version, list[object]]]] = {}
    pairs: dict[tuple[str, int, int], tuple[TableInfo, int]] = {}  # -> the table (as first found), row
    covered: dict[str, int] = {}  # table -> the number of versions its bounds were checked in
    for version in versions:
        for name in statute.tables:
            if not version.has_table(name):
                continue  # added by an amendment this version lacks
            table = version.table(name)  # with the rows amendments in this version added
            values = _bound_values(version, table.bounds)
            if values is None:
                continue
            covered[table.name] = covered.get(table.name, 0) + 1
            origins = table.row_origins or (None,) * len(table.values)
            for row in range(1, len(values)):
                base_rows = origins[row - 1] is None and origins[row] is None
                if base_rows and isinstance(table.bounds[row - 1], ir.Const) and isinstance(table.bounds[row], ir.Const):
                    continue  # the checker reports these, whatever the version
                if not values[row - 1] < values[row]:  # type: ignore[operator]
                    key = (table.name, id(table.bounds[row - 1]), id(table.bounds[row]))
                    pairs.setdefault(key, (table, row))
                    falling.setdefault(key, []).append((version, values))
    return [
        _falling_bounds(statute, pairs[key][0], pairs[key][1], found, dated, everywhere=len(found) == covered[key[0]])
        for key, found in falling.items()
    ]


def _falling_bounds(statute: StatuteModel, table: TableInfo, row: int, found: list[tuple[Version, list[object]]],
                    dated: bool, everywhere: bool) -> Diagnostic:
    """The diagnostic for one pair of rows whose bounds do not rise in the versions ``found``."""
    from lexproof.dsl.source import source_text
    from lexproof.dsl.values import format_value

    def name(version: Version) -> str:
        if dated:
            return version.label
        if version.amendments:
            return f"{statute.name} (with " + ", ".join(version.amendments) + ")"
        return f"every version of {statute.name}"

    low, high = table.bounds[row - 1], table.bounds[row]
    first, values = found[0]
    if everywhere and len(found) > 1:
        where = f"every version of {statute.name}"
    else:
        others = [name(version) for version, _ in found[1:]]
        shown_others = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
        where = name(first) + (f" (also in {shown_others})" if others else "")
    relation = "equals" if values[row] == values[row - 1] else "is below"
    message = (
        f"the bounds of table {table.name} must rise from row to row: "
        f"'{_row_word(table, row)} {source_text(high.span)}' ({format_value(values[row], table.input)}) {relation} "
        f"the bound before it, '{_row_word(table, row - 1)} {source_text(low.span)}' "
        f"({format_value(values[row - 1], table.input)}), "
        f"in {where}"
    )
    origins = table.row_origins or (None,) * len(table.values)
    added = [(index, bound, origins[index]) for index, bound in ((row, high), (row - 1, low)) if origins[index]]
    at = high
    if added:  # the diagnostic points at the row an amendment adds (it is the one misplaced)
        index, bound, origin = added[0]
        message += f" (amendment {origin} adds '{_row_word(table, index)} {source_text(bound.span)}')"
        at = bound
    used = sorted({node.name for bound in (low, high) for node in ir.walk(bound) if isinstance(node, ir.ParamRef)})
    notes = []
    for parameter in used:
        value = format_value(first.parameters[parameter], statute.parameters[parameter].type)
        same = all(version.parameters[parameter] == first.parameters[parameter] for version, _ in found)
        suffix = "" if same and (everywhere or len(found) == 1 and not dated) else f" in {name(first)}"
        notes.append((first.parameter_sources[parameter].span, f"{parameter} = {value}{suffix}"))
    return Diagnostic(at.span, message, notes=tuple(notes))


def _row_word(table: TableInfo, row: int) -> str:
    """How row ``row``'s bound is written: ``below`` (exclusive) or ``up to`` (inclusive)."""
    return "below" if table.is_exclusive(row) else "up to"
