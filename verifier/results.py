"""Results of checks, in one shape for every kind, so that the human, JSON, SARIF, JUnit and
pytest renderings all read the same data. docs/json-output.md documents the JSON form."""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace

from lexproof.dsl import ast
from lexproof.dsl.evaluator import DecisionOutcome, Evaluator
from lexproof.dsl.items import items_json
from lexproof.dsl.model import StatuteModel
from lexproof.dsl.source import Span
from lexproof.dsl.values import format_value, to_json

# Statuses that are good news; anything else needs a person's attention unless expected.
GOOD = {"proved", "passed", "clean", "satisfiable", "unsatisfiable", "unchanged", "changed"}

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_UNKNOWN, EXIT_INTERNAL = 0, 1, 2, 3, 4


def cite(statute: StatuteModel, citation: ast.Citation | None) -> str | None:
    """A citation as a lawyer writes it, with the statute's short name: 'art. 3.16b lid 2 WSF2000'.

    The short name is the statute's ``cite`` label when it has one (``cite AVG`` shows
    ``art. 6 lid 1 sub a AVG`` for a statute named AVGToestemming), also where a citation
    names its own statute (``[art. 6 AVGToestemming]``); another act is shown as written."""
    if citation is None:
        return None
    if citation.kind == "source":
        return str(citation)
    label = statute.cite_as or statute.name
    if citation.statute is None:
        return f"{citation} {label}"
    if citation.statute == statute.name:
        return str(replace(citation, statute=label))
    return str(citation)


def article_of(statute: StatuteModel, citation: ast.Citation | None) -> str | None:
    """The article a citation is part of, cited as ``cite`` does: 'art. 6 AVG' for ``[art. 6
    lid 1 sub a AVG]``. Short output groups what a result rests on by this."""
    if citation is None:
        return None
    if citation.kind == "source":
        return str(citation)
    return cite(statute, replace(citation, lid=None, sub=None, onder=None))


def juriconnect(statute: StatuteModel, citation: ast.Citation | None) -> str | None:
    """The JuriConnect identifier of an article of a BWB statute, when it has a BWB id."""
    if citation is None or citation.statute is not None or not statute.bwb or citation.kind != "art":
        return None
    text = f"jci1.3:c:{statute.bwb}&artikel={citation.article}"
    if citation.lid:
        text += f"&lid={citation.lid}"
    return text


class Outcomes(Mapping[str, DecisionOutcome]):
    """Every decision's outcome for one case in one version, evaluated on first access.

    A witness is about a few decisions; evaluating all of them for every witness made each
    finding cost as much as the whole statute (a third of the checks at 10,000 rules)."""

    def __init__(self, evaluator: Evaluator, names: Iterable[str], case: object = None,
                 slot: str | None = None) -> None:
        """``case``: the case's name, or an item's context (lexproof.dsl.items) for the outcomes
        of decisions per item at that item (a diff's example of a decision per item)."""
        version = evaluator.versions.get(slot)
        self._evaluator, self._case, self._slot = evaluator, case, slot
        self._positions: dict[str, int] | None = None
        self._names: Collection[str]  # in order; ``_known`` answers ``in``
        self._known: Collection[str]
        if version is not None and names is version.statute.decisions:  # the usual case, filtered once
            self._names = self._known = self._positions = version.decision_positions()
            return
        if version is not None:  # only the decisions the version has (amendments may add some);
            # decisions per item are declared by the statute, never added by an amendment
            names = [name for name in names if version.has_decision(name) or name in version.statute.item_decisions]
        self._names = tuple(names)
        self._known = frozenset(self._names)

    @property
    def evaluator(self) -> Evaluator:
        return self._evaluator

    def __getitem__(self, name: str) -> DecisionOutcome:
        if name not in self._known:
            raise KeyError(name)
        return self._evaluator.decision(name, self._case, self._slot)

    def __contains__(self, name: object) -> bool:
        return name in self._known

    def among(self, names: Iterable[str]) -> list[str]:
        """Those of ``names`` it has, in its order (the statute's): a witness's focus, without
        going through the 4,400 decisions of a large statute book for each witness."""
        if self._positions is None:
            wanted = set(names)
            return [name for name in self._names if name in wanted]
        position = self._positions
        return sorted({name for name in names if name in position}, key=position.__getitem__)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


@dataclass
class Witness:
    """A concrete case (or pair of cases) with its outcome in each version involved."""

    statute: StatuteModel
    facts: dict[str | None, dict[str, object]]
    versions: dict[str | None, str]  # slot -> version label
    outcomes: dict[tuple[str | None, str | None], Mapping[str, DecisionOutcome]]  # (slot, case) -> outcomes
    focus: tuple[str, ...] = ()  # decisions the result is about (shown first)
    note: str | None = None
    # a diff of a decision per item: the item whose outcome changes ('kind[2]'); ``outcomes``
    # then hold the decision at that item
    item: str | None = None
    # slot -> the date of its version (the peildatum), shown when the statute reads it
    dates: dict[str | None, dt.date] = field(default_factory=dict)
    # Explain a value too (``lexproof eval --decision``): also the decisions read by the value
    # of each rule that decided, or by the default that gave the value. A counterexample's
    # explanation follows conditions only, which is why a case went one way or the other.
    explain_values: bool = False

    def explained(self, slot: str | None, case: str | None) -> list[str]:
        """The focus decisions, then the decisions that explain them: those read by the rules
        that decided, or by the first failing condition of the rules that did not apply (with
        ``explain_values``, also by the values that decided)."""
        from lexproof.dsl import ir

        outcomes = self.outcomes[(slot, case)]
        order: list[str] = []
        done: set[str] = set()  # ``order`` as a set: a list's ``in`` made a book's case quadratic
        pending = deque(self.focus or tuple(outcomes))
        while pending:
            name = pending.popleft()
            if name in done or name not in outcomes:
                continue
            order.append(name)
            done.add(name)
            outcome = outcomes[name]
            nodes = []
            for trace in outcome.rules:
                if trace.status == "applied" and trace.rule.condition is not None:
                    nodes.append(trace.rule.condition)
                if trace.failed_node is not None:
                    nodes.append(trace.failed_node)
            if self.explain_values:
                nodes += [rule.value for rule in outcome.deciding]
                default = self.statute.decision_info(name).default
                if outcome.status == "default" and default is not None:
                    nodes.append(default)
            for node in nodes:
                pending.extend(n.name for n in ir.walk(node) if isinstance(n, ir.DecisionRef))
        return order

    def release(self) -> None:
        """Let the evaluators behind ``outcomes`` forget what they evaluated (``Evaluator.forget``):
        the outcomes stay the same, evaluated again when read."""
        for outcomes in self.outcomes.values():
            if isinstance(outcomes, Outcomes):
                outcomes.evaluator.forget()

    def deciding_articles(self) -> list[str]:
        articles: dict[str, None] = {}  # in order of first mention, without a list's linear ``in``
        for (slot, case), outcomes in self.outcomes.items():
            for name in self.explained(slot, case):
                outcome = outcomes.get(name)
                if outcome is None:
                    continue
                for rule in responsible_rules(outcome):
                    text = cite(self.statute, rule.citation)
                    if text:
                        articles.setdefault(text)
        return list(articles)

    def to_json(self) -> dict:
        facts = {
            (case or "case"): {
                name: items_json(self.statute, name, value) if name in self.statute.kinds
                else to_json(value, self.statute.facts[name].type)
                for name, value in values.items()
            }
            for case, values in self.facts.items()
        }
        outcome: dict[str, dict] = {}
        for (slot, case), values in self.outcomes.items():
            key = "/".join(part for part in (slot, case) if part) or "outcome"
            if not self.focus:
                shown: Iterable[str] = values
            elif isinstance(values, Outcomes):
                shown = values.among(self.focus)
            else:
                shown = [name for name in values if name in self.focus]
            outcome[key] = {  # in statute order; only the focus (evaluated lazily)
                name: _outcome_json(self.statute, values[name]) for name in shown
            }
        data: dict = {
            "case": facts[next(iter(facts))] if len(facts) == 1 else facts,
            "outcome": outcome,
            "versions": {slot or "version": label for slot, label in self.versions.items()},
            "articles": self.deciding_articles(),
        }
        if self.statute.uses:  # each article's statute, for a statute that reads others
            data["article_statutes"] = _article_list(article_statutes(self.statute, data["articles"]))
        if self.note:
            data["note"] = self.note
        if self.item:
            data["item"] = self.item
        return data


def responsible_rules(outcome: DecisionOutcome) -> list:
    """The rules that decided the outcome; when none did (a default or a gap), the rules that
    were considered and did not apply, since their conditions are what the case failed."""
    if outcome.deciding:
        return list(outcome.deciding)
    return [trace.rule for trace in outcome.rules if trace.status != "applied"]


def _outcome_json(statute: StatuteModel, outcome: DecisionOutcome) -> dict:
    type_ = statute.decision_info(outcome.decision).type
    return {
        "value": to_json(outcome.value, type_) if outcome.defined else None,
        "status": outcome.status,
        "rules": [rule.name for rule in outcome.deciding],
        "articles": [cite(statute, rule.citation) for rule in outcome.deciding],
    }


def show(statute: StatuteModel, outcome: DecisionOutcome) -> str:
    if outcome.defined:
        return format_value(outcome.value, statute.decision_info(outcome.decision).type)
    return outcome.status


@dataclass
class Result:
    """One finding or verdict."""

    kind: str  # property, example, conflict, gap, dead, redundant, query, diff
    name: str
    status: str
    location: Span
    message: str = ""
    articles: list[str] = field(default_factory=list)
    code: str | None = None
    severity: str | None = None
    expected: str | None = None  # for properties and findings marked as expected
    witnesses: list[Witness] = field(default_factory=list)
    details: dict = field(default_factory=dict)
    statute: str | None = None
    version: str | None = None
    found_in: list[str] = field(default_factory=list)  # a built-in finding: every version it occurs in
    cached: bool = False  # read back from the result cache (verifier/cache.py), not computed now
    # For a statute that reads others (dsl/xref.py): each article cited -> the statute it belongs to.
    article_statutes: dict[str, str] = field(default_factory=dict)

    def release(self) -> None:
        """Free what the witnesses evaluated (``Witness.release``); nothing shown changes."""
        for witness in self.witnesses:
            witness.release()

    @property
    def inconclusive(self) -> bool:
        """Whether the solver could not tell something the result is about: the result itself
        is 'unknown', or (a diff) whether anyone gains, loses or changes otherwise."""
        if self.status == "unknown":
            return True
        directions = self.details.get("directions", {}) if self.kind == "diff" else {}
        return any(isinstance(part, dict) and part.get("status") == "unknown" for part in directions.values())

    @property
    def as_expected(self) -> bool:
        """Whether CI should be content: good news, or the declared expected failure. Never
        for 'unknown', whatever the severity: an undecided check (even of a warning such as a
        dead rule) establishes nothing, and the run must say so (exit 3)."""
        if self.inconclusive:
            return False
        if self.expected is not None:
            return self.status == self.expected
        return self.status in GOOD or self.severity in ("info", "warning")

    def to_json(self) -> dict:
        data: dict = {
            "kind": self.kind,
            "name": self.name,
            "status": self.status,
            "ok": self.as_expected,
            "articles": self.articles,
            "location": {
                "file": self.location.file,
                "line": self.location.line,
                "column": self.location.column,
            },
            "message": self.message,
        }
        for key in ("code", "severity", "expected", "statute", "version"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        if self.found_in:
            data["found_in"] = list(self.found_in)
        if self.witnesses:
            first = self.witnesses[0].to_json()
            data["case"] = first["case"]
            data["outcome"] = first["outcome"]
            data["versions"] = first["versions"]
            if "item" in first:
                data["item"] = first["item"]
            if len(self.witnesses) > 1:
                data["cases"] = [w.to_json() for w in self.witnesses]
        if self.details:
            data["details"] = self.details
        if self.cached:
            data["cached"] = True
        if self.article_statutes:
            data["article_statutes"] = _article_list(self.article_statutes)
        return data


def diff_rows_cover(details: dict) -> bool:
    """Whether every changed case of a diff result lies within one of its rows: each direction
    is complete, or only outlined (``directions.*.outlined``: too many combinations to list,
    every question of the outline answered)."""
    if details.get("complete", True) is not False:
        return True
    return all(part.get("complete", True) or part.get("outlined") for part in details.get("directions", {}).values())


def _article_list(statutes: dict[str, str]) -> list[dict[str, str]]:
    """As JSON: a list of {"article", "statute"} (the articles are data, not keys)."""
    return [{"article": article, "statute": name} for article, name in statutes.items()]


def article_statutes(statute: StatuteModel, articles: list[str]) -> dict[str, str]:
    """For a statute that reads others: the statute (by name) each cited article belongs to,
    found from the label a citation ends with (``art. 7.2.2 lid 1 WEB`` -> WEB); empty for a
    statute that reads none (its articles are all its own, or name their act as written)."""
    import re

    if not statute.uses:
        return {}
    labels: dict[str, str] = {}

    def add(model: StatuteModel) -> None:
        labels.setdefault(model.cite_as or model.name, model.name)
        for used in model.uses.values():
            add(used)

    add(statute)
    result: dict[str, str] = {}
    cited_as: dict[str, set[str]] | None = None
    for article in articles:
        found: list[tuple[int, int, str]] = []
        for label, name in labels.items():
            match = re.search(rf"(?:^|\s){re.escape(label)}(?=$|[\s:(,])", article)
            if match:
                found.append((match.start(), -len(label), name))
        if found:
            result[article] = min(found)[2]
            continue
        # An article that names another act as written ('Besluit art. 8', 'Kamerstuk 36 799
        # art. I'), or a decision without a citation: the statute of the rule, decision or
        # parameter it comes from.
        owner = _owner_by_name(statute, set(labels.values()), article)
        if owner is None:
            cited_as = cited_as if cited_as is not None else _citations_by_statute(statute)
            owners = cited_as.get(article, set())
            owner = next(iter(owners)) if len(owners) == 1 else None
        if owner is not None:
            result[article] = owner
    return result


def _owner_by_name(statute: StatuteModel, known: set[str], article: str) -> str | None:
    """The statute of the rule, decision or parameter a proof's basis entry names: 'art. 8
    (rule SUWI.x)', 'SUWI.x otherwise', 'Wko art. 1.8: minimum = 36.5%'. A qualified name
    belongs to the statute it names, an unqualified one to the statute itself."""
    import re

    match = (re.search(r"\(rule ([\w.]+)\)$", article)
             or re.match(r"(?:.*: )?([\w.]+)(?: otherwise$| = )", article))
    if match is None:
        return None
    home, dot, _ = match.group(1).partition(".")
    if not dot:
        return statute.name
    return home if home in known else None


def _citations_by_statute(statute: StatuteModel) -> dict[str, set[str]]:
    """Every article (and the article it is part of) that a rule, amendment rule, decision,
    parameter or table of the statute or of a statute it reads cites, with the statutes that
    cite it so (by name)."""
    found: dict[str, set[str]] = {}

    def add(model: StatuteModel) -> None:
        citations = [rule.citation for rule in model.rules.values()]
        citations += [change.rule.citation for amendment in model.amendments.values()
                      for change in amendment.changes if change.rule is not None]
        citations += [info.citation for info in (*model.decisions.values(), *model.parameters.values(),
                                                 *model.tables.values())]
        for citation in citations:
            for text in (cite(model, citation), article_of(model, citation)):
                if text:
                    found.setdefault(text, set()).add(model.name)
        for used in model.uses.values():
            add(used)

    add(statute)
    return found


def exit_code(results: list[Result]) -> int:
    """0 all as expected; 3 if something is unknown (and nothing failed); 1 otherwise."""
    failed = [r for r in results if not r.as_expected and not r.inconclusive]
    if failed:
        return EXIT_FAILED
    if any(r.inconclusive for r in results):
        return EXIT_UNKNOWN
    return EXIT_OK
