"""The checked program: statutes and amendments with every name resolved and every expression
lowered to typed IR (``lexproof.dsl.ir``). Produced by ``lexproof.dsl.checker``; consumed by the consolidation
pass, the evaluator and the verifier."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from lexproof.dsl import ast
from lexproof.dsl.ir import Node, Type
from lexproof.dsl.source import Span


@dataclass(frozen=True)
class FactInfo:
    name: str
    type: Type
    group: str
    low: object | None = None
    high: object | None = None
    typical: object | None = None
    span: Span | None = None
    # The value an example or case file takes when it leaves the fact out. Not an assumption:
    # properties and checks still range over every value of the fact.
    default: object | None = None
    origin: str | None = None  # the amendment that adds it (None: the statute declares it)


@dataclass(frozen=True)
class KindInfo:
    """A kind of repeated item (``items kind up to 4 per parent { ... }``): a case holds 0 to
    ``maximum`` of them (per item of ``parent``, when given), each with the facts ``facts``
    (in ``StatuteModel.item_facts``). Decisions per item are in ``item_decisions``."""

    name: str
    maximum: int
    parent: str | None
    facts: tuple[str, ...]
    span: Span | None = None
    # The kinds declared per item of this one, in declaration order (``child_kinds``): kept
    # here because the random cases of the checks ask for them per item, and a scan of every
    # kind made that quadratic in the households of a statute (3,000 rules: 7 of 20 s).
    children: tuple[str, ...] = ()


@dataclass(frozen=True)
class DecisionInfo:
    name: str
    type: Type
    default: Node | None = None
    citation: ast.Citation | None = None
    span: Span | None = None
    allow: frozenset[str] = frozenset()
    expect: frozenset[str] = frozenset()
    origin: str | None = None  # the amendment that adds it (None: the statute declares it)


@dataclass(frozen=True)
class NoValue:
    """The value of ``set parameter P = no value``: P has no value from its start on."""

    def __repr__(self) -> str:
        return "no value"


NO_VALUE = NoValue()


@dataclass(frozen=True)
class ParameterValue:
    start: dt.date | None
    value: object
    span: Span
    origin: str | None = None  # the amendment that set it, if any


@dataclass(frozen=True)
class ParameterInfo:
    name: str
    type: Type
    values: tuple[ParameterValue, ...]
    citation: ast.Citation | None = None
    span: Span | None = None


@dataclass(frozen=True)
class TableInfo:
    name: str
    input: Type
    output: Type
    bounds: tuple[Node, ...]  # inclusive upper bounds, ascending
    values: tuple[Node, ...]  # one per bound, plus one more when there is an ``above`` row
    has_above: bool
    marginal: bool
    citation: ast.Citation | None = None
    span: Span | None = None
    # Per bound: True for ``below`` (the row holds inputs strictly under it), False for ``up to``.
    # Empty means every bound is inclusive.
    exclusive: tuple[bool, ...] = ()
    # A cumulative table's ``values`` are already the running sums of its rows' amounts (the
    # checker builds them), so it is looked up, evaluated and encoded as a flat table.
    cumulative: bool = False

    def is_exclusive(self, row: int) -> bool:
        """Whether bound ``row`` excludes its own value (``below``)."""
        return row < len(self.exclusive) and self.exclusive[row]
    origin: str | None = None  # the amendment that adds it (None: the statute declares it)
    # One per value: the amendment that added the row (None: declared with the table).
    row_origins: tuple[str | None, ...] = ()


@dataclass(frozen=True)
class AddedRow:
    """A row an amendment adds to a table (``bound`` None: an ``above`` row)."""

    bound: Node | None
    value: Node
    span: Span
    origin: str


@dataclass(frozen=True)
class RuleInfo:
    name: str
    decision: str
    citation: ast.Citation
    value: Node
    condition: Node | None
    exceptions: tuple[str, ...]
    allow: frozenset[str]
    span: Span
    origin: str | None = None  # the amendment that inserted or replaced it
    expect: frozenset[str] = frozenset()  # finding codes declared as intended (@expect)

    def label(self) -> str:
        return f"{self.name} [{self.citation}]"


def decision_expressions(info: DecisionInfo, rules: tuple[RuleInfo, ...]) -> list[Node]:
    """The expressions a decision is decided by: its rules' values and conditions, its default."""
    nodes = [node for rule in rules for node in (rule.value, rule.condition) if node is not None]
    if info.default is not None:
        nodes.append(info.default)
    return nodes


@dataclass(frozen=True)
class ExampleInfo:
    name: str
    owner: str  # statute or amendment name
    case: dict[str, object]
    expected: dict[str, tuple[object, Span]]
    versions: tuple[ast.VersionSpec, ...]
    span: Span
    # decision -> the largest difference from the expected value that still passes (``± t``)
    tolerances: dict[str, object] = field(default_factory=dict)
    defaulted: tuple[str, ...] = ()  # facts the example left out, at their default


@dataclass(frozen=True)
class PropertyInfo:
    name: str
    owner: str
    facts: str
    cases: tuple[str, ...]
    differing_only_in: tuple[str, ...] | None
    assumptions: tuple[Node, ...]
    claim: Node
    versions: tuple[ast.VersionSpec, ...]
    compare: tuple[ast.VersionSpec, ast.VersionSpec] | None
    expect: str
    span: Span
    adding: str | None = None  # ``a, b adding one kind``: b is a with one more item of the kind, listed last


@dataclass(frozen=True)
class Change:
    """One change of an amendment: replace/insert (with ``rule``), repeal (``target`` rule
    names), or set (``parameter``/``value``)."""

    kind: str  # replace insert repeal set
    span: Span
    rule: RuleInfo | None = None
    targets: tuple[str, ...] = ()
    parameter: str | None = None
    value: ParameterValue | None = None


@dataclass(frozen=True)
class AmendmentInfo:
    name: str
    statute: str
    in_force: dt.date
    changes: tuple[Change, ...]
    title: str | None
    span: Span
    proposal: bool = False  # applies only where named, never by date alone


@dataclass(frozen=True)
class QuestionInfo:
    """``same question``: two decisions (names in the declaring statute, one or both imported)
    that decide one legal question, with the declared priority (None, superior, specialis,
    posterior) and, for superior and specialis, the statute that prevails."""

    name: str
    first: str
    second: str
    first_statute: str
    second_statute: str
    priority: str | None
    winner: str | None
    span: Span


@dataclass
class StatuteModel:
    name: str
    title: str | None
    bwb: str | None
    celex: str | None
    url: str | None
    span: Span
    cite_as: str | None = None
    enums: dict[str, tuple[str, ...]] = field(default_factory=dict)
    facts: dict[str, FactInfo] = field(default_factory=dict)
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    parameters: dict[str, ParameterInfo] = field(default_factory=dict)
    decisions: dict[str, DecisionInfo] = field(default_factory=dict)
    tables: dict[str, TableInfo] = field(default_factory=dict)
    rules: dict[str, RuleInfo] = field(default_factory=dict)
    examples: list[ExampleInfo] = field(default_factory=list)
    properties: list[PropertyInfo] = field(default_factory=list)
    amendments: dict[str, AmendmentInfo] = field(default_factory=dict)
    # What amendments add: (enum, value) -> amendment; table -> rows added, in check order.
    enum_origins: dict[tuple[str, str], str] = field(default_factory=dict)
    added_rows: dict[str, list[AddedRow]] = field(default_factory=dict)
    # Repeated items (docs/language.md, "Repeated items"), kept apart from ``facts`` and
    # ``decisions`` so that everything about one case's flat facts and decisions (the built-in
    # checks, diff, strategies) is unchanged. ``item_facts[f].group`` is the fact's kind;
    # ``decision_kind[d]`` is the kind an item decision is decided for.
    kinds: dict[str, KindInfo] = field(default_factory=dict)
    item_facts: dict[str, FactInfo] = field(default_factory=dict)
    item_decisions: dict[str, DecisionInfo] = field(default_factory=dict)
    decision_kind: dict[str, str] = field(default_factory=dict)
    # Statutes that read each other (dsl/xref.py): the statutes this one uses, by name; what it
    # imported from them (qualified name -> (the used statute it came through, its name there));
    # and its declarations that two decisions decide the same question.
    uses: dict[str, StatuteModel] = field(default_factory=dict, repr=False)
    foreign: dict[str, tuple[str, str]] = field(default_factory=dict)
    questions: list[QuestionInfo] = field(default_factory=list)
    # ``same fact WEB.opleiding = soort``: per used statute, its facts that are this statute's
    # facts under another name (resolved through chains: WEB's fact -> this statute's name).
    fact_map: dict[str, dict[str, str]] = field(default_factory=dict)
    # The sets of amendments (in application order) whose consolidated rules were found sound
    # (exceptions, cycles) when the files were loaded (``consolidate.check_all_versions``):
    # ``version_on`` need not check those rule lists again, in this process or after the
    # program comes back from the cache of loaded books (a warm ``eval`` spent 0.08 s on it).
    sound_amendment_sets: tuple[tuple[str, ...], ...] = field(default=(), repr=False)
    # What the verifier works out from this statute and keeps exactly as long as the statute
    # lives (the versions that cached witnesses are evaluated in, ``verifier/cache.py``). Kept
    # here, not in a memo per process: it refers back to the statute (a Version holds it), so
    # a process-wide memo kept every statute alive (``check --watch`` grew by a whole program
    # per edit). Not part of the statute's value: not compared, not shown, not copied by
    # ``dataclasses.replace``, and written empty to the cache of loaded books (``program_codec``).
    scratch: dict = field(init=False, default_factory=dict, repr=False, compare=False, metadata={"transient": True})

    def enum_of(self, value: str) -> list[str]:
        return [name for name, values in self.enums.items() if value in values]

    def fact_info(self, name: str) -> FactInfo:
        """A fact of the case or of an item."""
        return self.facts.get(name) or self.item_facts[name]

    def decision_info(self, name: str) -> DecisionInfo:
        """A decision of the case or one decided per item."""
        return self.decisions.get(name) or self.item_decisions[name]

    def kind_chain(self, kind: str) -> tuple[str, ...]:
        """The kinds from the outermost to ``kind``: (huishouden, kind, contract)."""
        chain: list[str] = []
        current: str | None = kind
        while current is not None:
            chain.insert(0, current)
            current = self.kinds[current].parent
        return tuple(chain)

    def top_kinds(self) -> list[str]:
        """The kinds a case holds directly (not per item of another kind)."""
        return [name for name, info in self.kinds.items() if info.parent is None]

    def child_kinds(self, kind: str) -> list[str]:
        return list(self.kinds[kind].children)


@dataclass
class Program:
    """Everything loaded: statutes by name (amendments hang off their statute)."""

    statutes: dict[str, StatuteModel] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    warnings: list = field(default_factory=list)  # Diagnostics of accepted input (nonlinear products)

    def statute(self, name: str | None = None) -> StatuteModel:
        if name is None:
            if len(self.statutes) != 1:
                raise KeyError("several statutes are loaded; name one")
            return next(iter(self.statutes.values()))
        return self.statutes[name]

    def find_amendment(self, name: str) -> AmendmentInfo | None:
        for statute in self.statutes.values():
            if name in statute.amendments:
                return statute.amendments[name]
        return None
