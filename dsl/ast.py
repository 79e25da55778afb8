"""The abstract syntax tree: frozen dataclasses, one per construct, each with its source span.

Spans are excluded from equality (``compare=False``) so that two parses of the same meaning
compare equal whatever their layout: the formatter's round-trip test relies on it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Union

from lexproof.dsl.source import NO_SPAN, Span


def _span() -> Span:
    return field(default=NO_SPAN, compare=False, repr=False)


# --- expressions ---------------------------------------------------------------------------

LiteralValue = Union[bool, int, Fraction, dt.date]


@dataclass(frozen=True)
class Literal:
    """A constant. ``kind`` is bool, int, rate, money or date; money and rate are exact."""

    kind: str
    value: LiteralValue
    span: Span = _span()


@dataclass(frozen=True)
class Name:
    """A bare name: a fact, decision, parameter, table or enum value, resolved by the checker."""

    name: str
    span: Span = _span()


@dataclass(frozen=True)
class Qualified:
    """``a.leeftijd`` (a case), ``before.recht`` (a version) or ``Soort.mbo`` (an enum value).
    ``before.WEB.x`` / ``a.WEB.x`` (a version or case of another statute's name) has the name
    ``WEB.x``."""

    qualifier: str
    name: str
    span: Span = _span()


@dataclass(frozen=True)
class Unary:
    op: str  # "not" or "-"
    operand: Expr
    span: Span = _span()


@dataclass(frozen=True)
class Binary:
    op: str  # and or implies = != < <= > >= + - * /
    left: Expr
    right: Expr
    span: Span = _span()


@dataclass(frozen=True)
class InSet:
    operand: Expr
    items: tuple[Expr, ...]
    negated: bool = False
    span: Span = _span()


@dataclass(frozen=True)
class IfThenElse:
    condition: Expr
    then: Expr
    otherwise: Expr
    span: Span = _span()


@dataclass(frozen=True)
class Call:
    """``min(..)``, ``max(..)`` or a table lookup ``tabel(x)``."""

    function: str
    args: tuple[Expr, ...]
    span: Span = _span()


@dataclass(frozen=True)
class Duration:
    """``18 years``, ``n months``, ``30 days``: a period added to or subtracted from a date
    (``geboortedatum + 18 years``). ``unit`` is as written: day(s), month(s) or year(s)."""

    amount: Expr
    unit: str
    span: Span = _span()


Expr = Union[Literal, Name, Qualified, Unary, Binary, InSet, IfThenElse, Call, Duration]


@dataclass(frozen=True)
class Aggregate:
    """``sum(kind: expr where cond)``, ``count(kind where cond)``, ``all``, ``any``, ``min``,
    ``max``: a value over the items of a kind (docs/language.md, "Repeated items"). ``body`` is
    None for ``count``; ``where`` is the optional filter."""

    function: str
    kind: str
    body: Expr | None
    where: Expr | None = None
    span: Span = _span()


@dataclass(frozen=True)
class Rank:
    """``rank(kind by expr)``: the current item's position (1 = first) among its kind's items
    ordered by ``expr``, most first; of equal values, the one listed first comes first."""

    kind: str
    key: Expr
    span: Span = _span()


# --- declarations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TypeRef:
    """``bool``, ``int 0..120``, ``number``, ``money``, ``rate``, ``date`` or an enum name
    (``Leerweg``, or ``WEB.Leerweg`` for an enum of a used statute: ``statute`` is then WEB)."""

    kind: str  # bool int number money rate date enum
    enum: str | None = None
    low: Literal | None = None
    high: Literal | None = None
    span: Span = _span()
    statute: str | None = None


@dataclass(frozen=True)
class Citation:
    """``[art. 3.16b lid 2 sub c]``, optionally naming another statute: ``[WEB art. 7.2.7]``,
    or a free-form source: ``["Kamerstuk 36 799, nr. 2"]`` (kind ``source``, text in article).

    As Dutch law writes citations, also: a book-and-article number (``art. 4:84``, in
    ``article``); the item introduced by ``sub``, ``onderdeel``, ``onder`` or ``aanhef en
    onder`` (``sub_word``), with a numbered item below it (``onder 2°``, in ``onder``); a
    chapter, paragraph, division or title (kinds ``hoofdstuk``, ``paragraaf``, ``afdeling``,
    ``titel``: no lid or item); and the act named after the provision (``[art. 6 lid 1 sub a
    AVG]``: ``statute_after``) or as a quoted text (``["Kamerstuk 36 799" art. I]``)."""

    kind: str  # art, overweging, bijlage, hoofdstuk, paragraaf, afdeling, titel, source
    article: str
    lid: str | None = None
    sub: str | None = None
    statute: str | None = None
    span: Span = _span()
    sub_word: str = "sub"  # sub, onderdeel, onder, "aanhef en onder": how the item is introduced
    onder: str | None = None  # the numbered item within the item: sub a onder 2°
    statute_after: bool = False  # the act is named after the provision, as in "art. 4:84 Awb"

    def __str__(self) -> str:
        if self.kind == "source":
            return self.article
        words = [self.statute] if self.statute and not self.statute_after else []
        words.append(CITATION_WORDS.get(self.kind, self.kind))
        words.append(self.article)
        if self.lid:
            words += ["lid", self.lid]
        if self.sub:
            words += [self.sub_word, self.sub]
        if self.onder:
            words += ["onder", self.onder]
        if self.statute and self.statute_after:
            words.append(self.statute)
        return " ".join(words)


# How a kind is written in a citation: the usual abbreviations.
CITATION_WORDS = {"art": "art.", "paragraaf": "§"}


@dataclass(frozen=True)
class EnumValue:
    name: str
    span: Span = _span()


@dataclass(frozen=True)
class EnumDecl:
    name: str
    values: tuple[EnumValue, ...]
    span: Span = _span()


@dataclass(frozen=True)
class FactField:
    """A typed input. ``typical`` is a literal, or a Name for an enum value. ``default`` (same
    forms) is the value an example or case file takes when it leaves the fact out; properties
    still range over every value of the fact."""

    name: str
    type: TypeRef
    typical: Literal | Name | None = None
    span: Span = _span()
    default: Literal | Name | None = None


@dataclass(frozen=True)
class FactsDecl:
    name: str
    fields: tuple[FactField, ...]
    span: Span = _span()


@dataclass(frozen=True)
class ParamValue:
    """One value of a parameter, in force from ``start`` (or always, when ``start`` is None)."""

    value: Expr
    start: dt.date | None = None
    span: Span = _span()


@dataclass(frozen=True)
class ParameterDecl:
    name: str
    type: TypeRef
    values: tuple[ParamValue, ...]
    citation: Citation | None = None
    span: Span = _span()


@dataclass(frozen=True)
class DecisionDecl:
    """An output. Without ``default`` (``otherwise``) an undecided case is a gap."""

    name: str
    type: TypeRef
    default: Expr | None = None
    citation: Citation | None = None
    span: Span = _span()
    allow: tuple[str, ...] = ()  # only 'gap' (LP102) findings belong to a decision
    expect: tuple[str, ...] = ()
    per: str | None = None  # ``decision d: T per kind``: decided for each item of the kind


@dataclass(frozen=True)
class RuleDecl:
    """``rule name [cite] except a, b: decision = value if condition``.

    ``allow`` silences built-in findings about this rule; ``expect`` declares that a finding is
    intended (it is still reported, and CI fails if it disappears).
    """

    name: str
    citation: Citation
    decision: str
    value: Expr
    condition: Expr | None = None
    exceptions: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    span: Span = _span()
    decision_span: Span = _span()
    expect: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableRow:
    """``up to BOUND: VALUE`` (inclusive), ``below BOUND: VALUE`` (``exclusive``), or the last
    row ``above: VALUE`` (bound None)."""

    bound: Expr | None
    value: Expr
    span: Span = _span()
    exclusive: bool = False


@dataclass(frozen=True)
class TableDecl:
    """A bracket table. Flat: the row containing the input gives the value. Marginal: each
    bracket's rate applies to the part of the input inside the bracket, summed (tax style)."""

    name: str
    input: TypeRef
    output: TypeRef
    rows: tuple[TableRow, ...]
    marginal: bool = False
    citation: Citation | None = None
    span: Span = _span()
    cumulative: bool = False  # each bracket reached adds its row's amount


@dataclass(frozen=True)
class VersionSpec:
    """Which consolidated version: ``on 2025-01-01``, ``before A``, ``after A`` or
    ``on 2028-01-01 with A`` (kind ``with``: the version on the date, with A applied)."""

    kind: str  # on, before, after, with
    date: dt.date | None = None
    amendment: str | None = None
    span: Span = _span()

    def __str__(self) -> str:
        if self.kind == "with":
            return f"on {self.date.isoformat()} with {self.amendment}"  # type: ignore[union-attr]
        return f"on {self.date.isoformat()}" if self.kind == "on" else f"{self.kind} {self.amendment}"


@dataclass(frozen=True)
class Assignment:
    """``name = value``; after ``expect``, optionally ``± tolerance``."""

    name: str
    value: Expr
    span: Span = _span()
    tolerance: Expr | None = None


@dataclass(frozen=True)
class ItemRecord:
    """One item in an example: ``{ uren = 10, contract = [...] }``."""

    facts: tuple[Assignment, ...]
    span: Span = _span()


@dataclass(frozen=True)
class ItemList:
    """The items of a kind in an example: ``kind = [{...}, {...}]`` (the value of an Assignment)."""

    items: tuple[ItemRecord, ...]
    span: Span = _span()


@dataclass(frozen=True)
class Example:
    """An executable example: the facts of a case and the outcomes expected, per version."""

    name: str
    facts: tuple[Assignment, ...]
    expected: tuple[Assignment, ...]
    versions: tuple[VersionSpec, ...] = ()
    span: Span = _span()


@dataclass(frozen=True)
class Property:
    """A claim for every case (or pair of cases, or pair of versions) satisfying the premises.

    ``versions``: the property must hold in each. ``compare``: (V1, V2) for ``before.x`` and
    ``after.x``. ``cases``: names of the cases quantified over, e.g. ``a, b`` (empty: one
    anonymous case). ``differing_only_in``: with two cases, all other facts are equal.
    """

    name: str
    facts: str
    claim: Expr
    assumptions: tuple[Expr, ...] = ()
    versions: tuple[VersionSpec, ...] = ()
    compare: tuple[VersionSpec, VersionSpec] | None = None
    cases: tuple[str, ...] = ()
    differing_only_in: tuple[str, ...] | None = None
    expect: str = "proved"  # proved, counterexample, vacuous
    span: Span = _span()
    adding: str | None = None  # ``a, b adding one kind``: b is a with one more item of the kind


@dataclass(frozen=True)
class ItemsDecl:
    """``items kind up to 4 per parent { facts }``: a case (or each item of ``parent``) holds
    0 to ``maximum`` items of this kind, each with these facts."""

    name: str
    maximum: int
    fields: tuple[FactField, ...]
    parent: str | None = None
    span: Span = _span()
    maximum_span: Span = _span()


# --- amendments --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplaceRule:
    rule: RuleDecl
    span: Span = _span()


@dataclass(frozen=True)
class InsertRule:
    rule: RuleDecl
    span: Span = _span()


@dataclass(frozen=True)
class RepealRule:
    name: str
    span: Span = _span()


@dataclass(frozen=True)
class RepealCitation:
    """Repeals every rule whose citation falls under the given article (and lid, sub)."""

    citation: Citation
    span: Span = _span()


@dataclass(frozen=True)
class SetParameter:
    name: str
    value: Expr
    start: dt.date | None = None
    span: Span = _span()


@dataclass(frozen=True)
class AddFacts:
    """``add facts G { ... }``: facts that exist from the amendment on, in group G (new or not)."""

    group: str
    fields: tuple[FactField, ...]
    span: Span = _span()


@dataclass(frozen=True)
class AddDecision:
    """``add decision d: T``: a decision that exists from the amendment on."""

    decision: DecisionDecl
    span: Span = _span()


@dataclass(frozen=True)
class AddEnumValues:
    """``add enum E { v, w }``: values of an existing enum that exist from the amendment on."""

    enum: str
    values: tuple[EnumValue, ...]
    span: Span = _span()


@dataclass(frozen=True)
class AddTable:
    """``add table T: ... { ... }``: a table that exists from the amendment on."""

    table: TableDecl
    span: Span = _span()


@dataclass(frozen=True)
class AddRows:
    """``add rows to table T { up to B: V }``: rows (brackets) placed by their bound."""

    table: str
    rows: tuple[TableRow, ...]
    span: Span = _span()


@dataclass(frozen=True)
class EndParameter:
    """``set parameter P = no value from D``: P has no value from D (default: in force) on."""

    name: str
    start: dt.date | None = None
    span: Span = _span()


AmendmentChange = Union[ReplaceRule, InsertRule, RepealRule, RepealCitation, SetParameter]
StatuteItem = Union[EnumDecl, FactsDecl, ParameterDecl, DecisionDecl, RuleDecl, TableDecl, Example, Property, ItemsDecl]
AmendmentItem = Union[ReplaceRule, InsertRule, RepealRule, RepealCitation, SetParameter, Example, Property,
                      AddFacts, AddDecision, AddEnumValues, AddTable, AddRows, EndParameter]


@dataclass(frozen=True)
class Statute:
    name: str
    items: tuple[StatuteItem, ...]
    title: str | None = None
    bwb: str | None = None
    celex: str | None = None
    url: str | None = None
    span: Span = _span()
    cite_as: str | None = None  # the name used in citations, e.g. "WSF 2000"


@dataclass(frozen=True)
class Amendment:
    name: str
    amends: str
    in_force: dt.date
    items: tuple[AmendmentItem, ...]
    title: str | None = None
    span: Span = _span()
    proposal: bool = False  # applies only where named: [after A], [before A], --amendment A


@dataclass(frozen=True)
class Import:
    path: str
    span: Span = _span()


@dataclass(frozen=True)
class Comment:
    text: str  # without the leading "--"
    span: Span = _span()


@dataclass(frozen=True)
class File:
    """One ``.law`` file: imports, then statute and amendment sections. Comments are kept for
    the formatter but take no part in equality."""

    path: str
    imports: tuple[Import, ...]
    sections: tuple[Statute | Amendment, ...]
    comments: tuple[Comment, ...] = field(default=(), compare=False)
    span: Span = _span()


# --- statutes that read each other (docs/language.md, "Statutes that read each other") ---


@dataclass(frozen=True)
class UsesDecl:
    """``uses WEB, Awir``: the statute reads the decisions, parameters, tables, enums and facts
    of these loaded statutes, by qualified name (``WEB.leerweg_telt``)."""

    statutes: tuple[str, ...]
    spans: tuple[Span, ...] = field(default=(), compare=False)  # one per statute named
    span: Span = _span()


@dataclass(frozen=True)
class QuestionSide:
    """One decision of a ``same question``: ``AVG.rechtmatig`` or an own ``rechtmatig``."""

    name: str
    statute: str | None = None
    span: Span = _span()

    def __str__(self) -> str:
        return f"{self.statute}.{self.name}" if self.statute else self.name


@dataclass(frozen=True)
class SameQuestion:
    """``same question Q: AVG.rechtmatig, rechtmatig priority lex superior AVG``: two decisions
    (of two statutes) that decide one legal question; the check reports where they disagree.
    ``priority``: superior, specialis or posterior (None: no priority declared); ``winner``:
    the statute that prevails (for superior and specialis)."""

    name: str
    first: QuestionSide
    second: QuestionSide
    priority: str | None = None
    winner: str | None = None
    span: Span = _span()
    winner_span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class SameFact:
    """``same fact WEB.opleiding = soort_opleiding``: the fact ``opleiding`` of the used statute
    WEB is, in this statute's cases, its fact ``soort_opleiding`` (or, with a qualified target
    ``AVG.grondslag``, the fact of that other used statute): facts with other names that are one
    fact of the case."""

    source: QuestionSide
    target: QuestionSide
    span: Span = _span()
