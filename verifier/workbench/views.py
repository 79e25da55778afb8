"""What the workbench pages show, computed from a loaded program: plain data for the
templates (no HTTP here, so that the pages and the HTML report share it and tests can call it).

Everything that comes from a statute (names, citations, strings) is passed on as plain text;
the templates escape it (Jinja2 autoescape), never mark it safe."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from dataclasses import dataclass, field

from lexproof.dsl import ast
from lexproof.dsl.diagnostics import Diagnostic
from lexproof.dsl.model import FactInfo, NoValue, Program, StatuteModel
from lexproof.dsl.source import SOURCES, Span, visible
from lexproof.dsl.values import format_value
from lexproof.verifier.results import Result, cite, juriconnect

WETTEN = "https://wetten.overheid.nl/"


@dataclass
class Item:
    """One declaration shown under an article: its kind, name, source text and extras."""

    kind: str  # rule decision parameter table
    name: str
    source: str
    origin: str | None = None
    values: list[tuple[str, str, str | None]] = field(default_factory=list)  # parameter: (from, value, origin)


@dataclass
class Article:
    key: str  # the anchor id
    label: str  # as a lawyer writes it
    link: str | None  # wetten.overheid.nl, when the statute has a BWB id
    items: list[Item] = field(default_factory=list)


def article_key(citation: ast.Citation | None) -> str:
    """The article a citation is in (lid and sub dropped), as an HTML id: 'art-3.16b'."""
    if citation is None:
        return "art-none"
    if citation.kind == "source":
        return "src-" + re.sub(r"[^A-Za-z0-9.]+", "-", citation.article)[:60]
    owner = f"{citation.statute}-" if citation.statute else ""
    return re.sub(r"[^A-Za-z0-9.:_-]+", "-", f"{citation.kind}-{owner}{citation.article}")


def anchor(statute: StatuteModel, citation: ast.Citation | None) -> str:
    """The id of an article on the statute page; the statute's name first, since several
    statutes loaded together may each have an article 1.1."""
    return f"{statute.name}--{article_key(citation)}"


def _article_label(statute: StatuteModel, citation: ast.Citation | None) -> str | None:
    if citation is None:
        return None
    if citation.kind == "source":
        return citation.article
    whole = ast.Citation(citation.kind, citation.article, statute=citation.statute,
                         statute_after=citation.statute_after)
    return cite(statute, whole)


def article_link(statute: StatuteModel, citation: ast.Citation | None) -> str | None:
    """The article on wetten.overheid.nl (a JuriConnect address), when the statute has a BWB id."""
    if citation is None:
        return None
    whole = ast.Citation(citation.kind, citation.article, statute=citation.statute)
    jci = juriconnect(statute, whole)
    return WETTEN + jci if jci else None


def _natural(key: str) -> list:
    """Sort key for article numbers: 2.3a before 2.4 before 3.16b before 3.16d."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", key)]


def source_of(span: Span | None, limit: int = 40) -> str:
    """The source lines of a declaration (as written, with comments), control characters made visible."""
    if span is None:
        return ""
    text = SOURCES.text(span.file)
    if text is None:
        return ""
    lines = text.split("\n")[span.line - 1:min(span.end_line, span.line - 1 + limit)]
    # Each line made visible on its own: the line breaks are the layout, not content to show.
    return textwrap.dedent("\n".join(visible(line.rstrip()) for line in lines))


def articles(statute: StatuteModel) -> list[Article]:
    """The statute by article: every rule, decision, parameter and table under the article it
    cites, articles in their natural order, items without a citation last."""
    found: dict[str, Article] = {}

    def add(citation: ast.Citation | None, item: Item) -> None:
        key = anchor(statute, citation)
        if key not in found:
            found[key] = Article(key, _article_label(statute, citation) or "", article_link(statute, citation))
        found[key].items.append(item)

    for decision in statute.decisions.values():
        add(decision.citation, Item("decision", decision.name, source_of(decision.span, 3), decision.origin))
    for parameter in statute.parameters.values():
        values = [(v.start.isoformat() if v.start else "",
                   "-" if isinstance(v.value, NoValue) else format_value(v.value, parameter.type), v.origin)
                  for v in parameter.values]
        add(parameter.citation, Item("parameter", parameter.name, source_of(parameter.span, 1), None, values))
    for table in statute.tables.values():
        add(table.citation, Item("table", table.name, source_of(table.span), table.origin))
    for rule in _all_rules(statute):
        add(rule.citation, Item("rule", rule.name, source_of(rule.span), rule.origin))
    kind_order = {"decision": 0, "parameter": 1, "table": 2, "rule": 3}
    for article in found.values():
        article.items.sort(key=lambda item: kind_order[item.kind])
    def order(article: Article) -> tuple:
        key = article.key.split("--", 1)[1]
        return key == "art-none", key.startswith("src-"), _natural(key)

    return sorted(found.values(), key=order)


def _all_rules(statute: StatuteModel) -> list:
    """The statute's rules, then those amendments insert or replace (marked with their origin)."""
    rules = list(statute.rules.values())
    seen = {id(rule) for rule in rules}
    for amendment in statute.amendments.values():
        for change in amendment.changes:
            if change.rule is not None and id(change.rule) not in seen:
                seen.add(id(change.rule))
                rules.append(change.rule)
    return rules


@dataclass
class Event:
    date: str
    what: str
    kind: str  # parameter amendment proposal


def timeline(statute: StatuteModel) -> list[Event]:
    """The versions on a timeline: dated parameter values, amendments in force, proposals."""
    events = [Event(v.start.isoformat(), f"{p.name} = {format_value(v.value, p.type)}", "parameter")
              for p in statute.parameters.values() for v in p.values
              if v.start is not None and not isinstance(v.value, NoValue)]
    for amendment in statute.amendments.values():
        title = f"{amendment.name}" + (f": {amendment.title}" if amendment.title else "")
        events.append(Event(amendment.in_force.isoformat(), title, "proposal" if amendment.proposal else "amendment"))
    return sorted(events, key=lambda e: (e.date, e.kind != "amendment"))


# --- the case form ---------------------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # bool int number money rate date enum
    value: str
    choices: tuple[str, ...] = ()
    low: str | None = None
    high: str | None = None
    origin: str | None = None


def _plain(value: object, fact: FactInfo) -> str:
    """A value as the form shows it and parse_value reads it back (no thousands separators)."""
    if value is None:
        return ""
    kind = fact.type.kind
    if kind == "bool":
        return "true" if value else "false"
    if kind == "date" and isinstance(value, int):
        return dt.date.fromordinal(value).isoformat()
    if kind in ("money", "rate", "number") and not isinstance(value, (str, bool)):
        from fractions import Fraction

        number = Fraction(value)  # type: ignore[arg-type]
        if number.denominator == 1:
            return str(number.numerator)
        if kind == "money":
            return f"{float(number):.2f}"
        return f"{number.numerator}/{number.denominator}"
    return str(value)


def _field(statute: StatuteModel, fact: FactInfo, name: str, given: dict[str, str]) -> Field:
    """The field of one fact (of the case, or of an item: ``name`` is then ``kind[0].fact``):
    the value given, else the typical value, else the default, else the low end of the range."""
    value = given.get(name)
    if value is None:
        start = next((v for v in (fact.typical, fact.default, fact.low) if v is not None), None)
        value = _plain(start, fact)
    choices = statute.enums.get(fact.type.enum or "", ()) if fact.type.kind == "enum" else ()
    if fact.type.kind == "bool":
        choices = ("false", "true")
    if choices and not value:
        value = choices[0]
    return Field(name, fact.type.kind, value, tuple(choices), _plain(fact.low, fact) or None,
                 _plain(fact.high, fact) or None, fact.origin)


def form_fields(statute: StatuteModel, given: dict[str, str]) -> list[Field]:
    """One field per fact: enum choices, the range, and the value given, else the typical
    value, else the default, else the low end of the range (else empty: the case must give it)."""
    return [_field(statute, fact, fact.name, given) for fact in statute.facts.values()]


def case_from_form(statute: StatuteModel, params: dict[str, str]) -> dict[str, object]:
    """The case as the form sent it: the facts given (an empty field is left out, so that
    the case's diagnostics name it, or its default applies), and the items of each kind."""
    case: dict[str, object] = {name: params[name] for name in statute.facts if params.get(name, "") != ""}
    tree = item_tree(statute, params)
    for kind in statute.top_kinds():
        case[kind] = _items_json(statute, kind, tree.get(kind, []))
    return case


# --- repeated items in the form --------------------------------------------------------------
#
# An item's fields are named by their path, as a case file nests them: ``kind[0].leeftijd``,
# ``kind[0].contract[1].uurprijs``; a hidden field ``kind[0]`` marks that the row exists (an
# item may leave every fact to its default). Rows are added and removed by submit buttons
# (``add=kind[0].contract``, ``remove=kind[1]``), so the form works without script.

_ROW = re.compile(r"^(.*?)\[(\d+)\]$")


@dataclass
class ItemRow:
    """One item in the form: its fields and, per child kind, its own items."""

    prefix: str  # kind[0] or kind[0].contract[1]
    number: int  # 1-based, as diagnostics count items
    fields: list[Field]
    groups: list[ItemGroup]


@dataclass
class ItemGroup:
    """The items of one kind in the form (of the case, or of one item of the parent kind)."""

    kind: str
    path: str  # kind, or kind[0].contract: the value of its add button
    maximum: int
    rows: list[ItemRow]

    @property
    def full(self) -> bool:
        return len(self.rows) >= self.maximum


def item_tree(statute: StatuteModel, params: dict[str, str]) -> dict[str, list[dict]]:
    """The items the form sent, with its add or remove applied: kind -> rows, each row
    ``{"values": {fact: text}, "children": {kind: rows}}`` (renumbered from 0, in order)."""

    def rows(prefix: str, kind: str) -> list[dict]:
        path = f"{prefix}{kind}"
        indices = sorted({int(m.group(2)) for key in params for m in [_ROW.match(key)]
                          if m is not None and m.group(1) == path})
        found = []
        for index in indices:
            at = f"{path}[{index}]"
            if params.get("remove") == at:
                continue
            values = {name: params[f"{at}.{name}"] for name in statute.kinds[kind].facts if f"{at}.{name}" in params}
            found.append({"values": values, "children": {sub: rows(at + ".", sub) for sub in statute.child_kinds(kind)}})
        if params.get("add") == path and len(found) < statute.kinds[kind].maximum:
            found.append({"values": {}, "children": {sub: [] for sub in statute.child_kinds(kind)}})
        return found

    return {kind: rows("", kind) for kind in statute.top_kinds()}


def _items_json(statute: StatuteModel, kind: str, rows: list[dict]) -> list[dict]:
    """Rows of the form as the list a case file holds (empty fields left out: default or missing)."""
    result = []
    for row in rows:
        item: dict[str, object] = {name: value for name, value in row["values"].items() if value != ""}
        for sub, children in row["children"].items():
            item[sub] = _items_json(statute, sub, children)
        result.append(item)
    return result


def item_groups(statute: StatuteModel, params: dict[str, str], lang: str = "en") -> list[ItemGroup]:
    """The item rows to show: those sent (with the add or remove applied), each field with
    the value sent, a new row's with the fact's typical value, default or low end."""

    def group(prefix: str, kind: str, rows: list[dict]) -> ItemGroup:
        path = f"{prefix}{kind}"
        item_rows = []
        for index, row in enumerate(rows):
            at = f"{path}[{index}]"
            given = {f"{at}.{name}": value for name, value in row["values"].items()}
            fields = shown([_field(statute, statute.item_facts[name], f"{at}.{name}", given)
                                   for name in statute.kinds[kind].facts], lang)
            children = [group(at + ".", sub, row["children"].get(sub, [])) for sub in statute.child_kinds(kind)]
            item_rows.append(ItemRow(at, index + 1, fields, children))
        return ItemGroup(kind, path, statute.kinds[kind].maximum, item_rows)

    tree = item_tree(statute, params)
    return [group("", kind, tree.get(kind, [])) for kind in statute.top_kinds()]


def path_field(path: tuple) -> str:
    """A case file's path as the form's field name: ("kind", 0, "uren") -> kind[0].uren."""
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def case_text(statute: StatuteModel, values: dict[str, object]) -> dict[str, str]:
    """A case's facts as the CLI writes values (€2,530.00, true, mbo_bbl), in statute order."""
    return {name: format_value(values[name], fact.type) for name, fact in statute.facts.items() if name in values}


def case_from_json(statute: StatuteModel, data: object) -> dict[str, object]:
    """A witness in its JSON form (a diff row's) back to values; anything unreadable is left out."""
    from lexproof.dsl.values import parse_value

    values: dict[str, object] = {}
    for name, raw in (data or {}).items() if isinstance(data, dict) else ():
        fact = statute.facts.get(name)
        if fact is None:
            continue
        try:
            values[name] = parse_value(raw, fact.type, statute.enums.get(fact.type.enum or "", ()))
        except ValueError:
            continue
    return values


def plain(value: object) -> str:
    """A JSON value of a case as the statute writes it: true/false, not Python's True/False."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "-" if value is None else str(value)


def numeric_facts(statute: StatuteModel) -> list[str]:
    return [f.name for f in statute.facts.values() if f.type.kind in ("int", "money", "number", "rate")]


# --- results ---------------------------------------------------------------------------------


@dataclass
class Problem:
    """A diagnostic as the page shows it: the same text as the CLI (position, message, the
    source line with a caret)."""

    where: str
    message: str
    rendered: str


def problems(diagnostics: list[Diagnostic]) -> list[Problem]:
    return [Problem(str(d.span), visible(d.message), d.render()) for d in diagnostics]


def field_errors(statute: StatuteModel, diagnostics: list[Diagnostic],
                 paths: dict[tuple, Span] | None = None) -> dict[str, str]:
    """The message for each field a diagnostic is about (shown beside the field): by the
    position of the diagnostic in the case's text (``paths``: where each value of the case
    is, so an item's fact is told apart in every item), else by the fact its message names."""
    found: dict[str, str] = {}
    by_line: dict[int, tuple] = {}
    for path, span in (paths or {}).items():
        if len(path) > len(by_line.get(span.line, ())):
            by_line[span.line] = path
    for diagnostic in diagnostics:
        message = visible(diagnostic.message)
        path = by_line.get(diagnostic.span.line)
        if path:
            found.setdefault(path_field(path), message)
            continue
        for name in statute.facts:
            if message.startswith((f"{name}:", f"'{name}'")) and name not in found:
                found[name] = message
    return found


def by_article(results: list[Result]) -> list[tuple[str, list[Result]]]:
    """Check results grouped by the first article each rests on (a result may rest on none)."""
    groups: dict[str, list[Result]] = {}
    for result in results:
        label = _strip_rule(result.articles[0]) if result.articles else ""
        groups.setdefault(label, []).append(result)
    # the statute's own articles first (in their natural order), then other acts', then none
    return sorted(groups.items(), key=lambda item: (item[0] == "", not item[0].startswith("art. "), _natural(item[0])))


def item_id(statute: StatuteModel, kind: str, name: str, origin: str | None = None) -> str:
    """The id of one declaration on the statute page (a rule, decision, ...): the statute's
    name first, as for articles, since statutes loaded together may share a rule's name."""
    return f"{statute.name}--{kind}-{name}" + (f"-{origin}" if origin else "")


_RULE_IN_ARTICLE = re.compile(r"\(rule ([^()\s]+)\)")


def rule_links(program: Program, result: Result, lang: str) -> list[tuple[str, str]]:
    """The rules a result involves, each with its place on the statute page (``/?lang=..#id``):
    a finding's rules (conflict, gap, dead, redundant: ``details["rules"]``), else the rules
    named in the articles it rests on (a proof's basis, ``art. 1.1 WSF2000 (rule r)``). A rule
    is looked up in the result's statute first; a rule no loaded statute has is left out."""
    rules = result.details.get("rules")
    names = [str(r) for r in rules] if isinstance(rules, list) else \
        [m.group(1) for text in result.articles for m in _RULE_IN_ARTICLE.finditer(text)]
    statutes = sorted(program.statutes.values(), key=lambda s: s.name != result.statute)
    links: list[tuple[str, str]] = []
    for name in dict.fromkeys(names):
        for statute in statutes:
            rule = statute.rules.get(name) or next((r for r in _all_rules(statute) if r.name == name), None)
            if rule is not None:
                origin = None if name in statute.rules else rule.origin
                links.append((name, f"/?lang={lang}#{item_id(statute, 'rule', name, origin)}"))
                break
    return links


def _strip_rule(text: str) -> str:
    """'art. 1.1 WSF2000 (rule opleiding_ho)' -> 'art. 1.1 WSF2000' (and the lid dropped)."""
    text = text.split(" (rule ")[0].split(":")[0]
    return re.sub(r" lid .*?(?= [A-Z]|$)", "", text)


def result_text(result: Result, lang: str = "en") -> str:
    """A result's full explanation as the CLI prints it (without colour), in ``lang``: in
    Dutch with the Dutch terms and number formats of ``lexproof check --lang nl``. Each line
    made visible on its own (the line breaks are the layout)."""
    from lexproof.verifier import api

    return "\n".join(visible(line) for line in api.explain(result, lang=lang, verbose=True).split("\n"))


def program_statutes(program: Program) -> list[StatuteModel]:
    return list(program.statutes.values())


def names(statute: StatuteModel) -> list[tuple[str, str]]:
    """The names a question may use, each with what it is (for completion in the Ask box):
    facts groups, facts, decisions, parameters, enum values, item kinds and their facts."""
    found: dict[str, str] = {}

    def add(name: str, kind: str) -> None:
        found.setdefault(name, kind)

    for group in statute.groups:
        add(group, "facts")
    for fact in statute.facts.values():
        add(fact.name, "fact")
    for decision in statute.decisions:
        add(decision, "decision")
    for parameter in statute.parameters:
        add(parameter, "parameter")
    for kind in statute.kinds:
        add(kind, "items")
    for fact in statute.item_facts:
        add(fact, "item fact")
    for values in statute.enums.values():
        for value in values:
            add(value, "value")
    return sorted(found.items(), key=lambda item: item[0].lower())


# --- Dutch numbers in the form ---------------------------------------------------------------

_NUMERIC = ("int", "money", "number", "rate")
_DUTCH_GROUPED = re.compile(r"^(-?)(\d{1,3}(?:\.\d{3})+)(,\d+)?$")  # 1.409 1.409,00 -12.000,5
_DUTCH_DECIMAL = re.compile(r"^(-?\d+),(\d+)$")  # 1409,00 0,5
_PLAIN = re.compile(r"^-?\d+\.\d+$")


def _numeric_field(statute: StatuteModel, name: str) -> bool:
    """Whether a form field (``leeftijd``, ``kind[0].uren``) holds a number."""
    fact = statute.facts.get(name) or statute.item_facts.get(name.rsplit(".", 1)[-1] if "[" in name else "")
    return fact is not None and fact.type.kind in _NUMERIC


def from_dutch(text: str) -> str:
    """A number as a Dutch user types it, as a case file writes it: 1.409,00 -> 1409.00,
    € 2.530 -> 2530, 0,5 -> 0.5, 96,5% -> 96.5%. Anything else is left as it is (2530.00,
    800, abc: the case's diagnostics judge it). A point followed by three digits is a
    thousands separator in Dutch: 1.409 is one thousand four hundred and nine."""
    value = text.strip()
    if value.startswith("€"):
        value = value[1:].strip()
    percent = value.endswith("%")
    core = value[:-1].strip() if percent else value
    grouped = _DUTCH_GROUPED.match(core)
    if grouped:
        core = grouped.group(1) + grouped.group(2).replace(".", "") + (grouped.group(3) or "").replace(",", ".")
    elif _DUTCH_DECIMAL.match(core):
        core = core.replace(",", ".")
    else:
        return text
    return core + ("%" if percent else "")


def read_dutch(statute: StatuteModel, params: dict[str, str]) -> dict[str, str]:
    """The form's numbers read as Dutch (the Dutch switch is on): every numeric field of a
    fact or item fact through ``from_dutch``; other fields as sent."""
    return {name: from_dutch(value) if _numeric_field(statute, name) else value for name, value in params.items()}


def shown(fields: list[Field], lang: str) -> list[Field]:
    """The fields as the form shows them in ``lang`` (numbers in Dutch for 'nl')."""
    return to_dutch(fields) if lang == "nl" else fields




def to_dutch(fields: list[Field]) -> list[Field]:
    """The fields' numbers as a Dutch user reads them (2530.00 -> 2530,00), so that what the
    form shows is what ``from_dutch`` reads back."""
    for f in fields:
        if f.kind in _NUMERIC and _PLAIN.match(f.value):
            f.value = f.value.replace(".", ",")
    return fields


def by_choices(statute: StatuteModel) -> list[str]:
    """The facts an impact can be counted per (``impact --by``): an enum or bool fact by its
    values, a number or date by its deciles (``FACT:deciles``)."""
    choices = []
    for fact in statute.facts.values():
        if fact.type.kind in ("enum", "bool"):
            choices.append(fact.name)
        elif fact.type.kind in (*_NUMERIC, "date"):
            choices.append(f"{fact.name}:deciles")
    return choices
