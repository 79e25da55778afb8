"""Dead (LP103) and redundant (LP104) rules of decisions per item (verifier/item_checks.py):
a rule is dead when it applies to no item of any case, redundant when removing it changes the
decision of no item. Planted defects are found, checked against brute force over every case
of a small domain, and the benchmark's household statute has no false alarms."""

from __future__ import annotations

import datetime as dt
import itertools
import sys
from pathlib import Path

from lexproof.dsl.check_program import check_files
from lexproof.dsl.consolidate import version_on
from lexproof.dsl.parser import parse_text
from lexproof.verifier import api
from lexproof.verifier.solving import Budget
from lexproof.verifier.witness_search import Evidence, _holds_item, _observe

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from generate import household_statute_text  # noqa: E402

DAY = dt.date(2026, 6, 1)

PLANTED = """\
statute T
items kind up to 2 { leeftijd: int 0..7  uren: int 0..2 }
decision per_kind: money per kind [art. 1] otherwise €0
rule jong [art. 1 lid 1]: per_kind = €100 if leeftijd < 5
rule eerste [art. 1 lid 2] except jong, overschreven: per_kind = €150 if leeftijd < 5 and rank(kind by uren) = 1
rule nooit [art. 1 lid 3]: per_kind = €10 if leeftijd > 7
rule dubbel [art. 1 lid 4]: per_kind = €100 if leeftijd < 3 and rank(kind by uren) > 1
rule ouder [art. 1 lid 5]: per_kind = €20 if leeftijd >= 5 and uren > 0
rule overschreven [art. 1 lid 6]: per_kind = €7 if leeftijd < 5 and rank(kind by uren) = 1
rule schaduw [art. 1 lid 7] except ouder: per_kind = €25 if leeftijd = 6 and uren = 2
decision totaal: money [art. 2] otherwise sum(kind: per_kind)
"""


def load(text: str):
    (statute,) = check_files([parse_text(text, "t.law")]).statutes.values()
    return statute


def findings(statute, day=DAY) -> set[tuple[str, str]]:
    results = api.builtin_checks(statute, day, Budget())
    assert not [r for r in results if r.status == "unknown"]
    return {(r.code, r.name) for r in results if r.code in ("LP103", "LP104") and r.status != "clean"}


def every_case():
    """Every case of PLANTED's domain: 0, 1 or 2 children of every age and hours."""
    child = [{"leeftijd": a, "uren": u} for a in range(8) for u in range(3)]
    yield {"kind": []}
    for one in child:
        yield {"kind": [dict(one)]}
    for one, two in itertools.product(child, repeat=2):
        yield {"kind": [dict(one), dict(two)]}


def brute_force(statute) -> set[tuple[str, str]]:
    """The dead and redundant rules by evaluating every case at every item."""
    from lexproof.dsl import items

    version = version_on(statute, DAY)
    rules = version.rules_of("per_kind")
    evidence = Evidence()
    contexts = [items.ItemContext(None, (("kind", i),)) for i in range(2)]
    for case in every_case():
        for context in contexts:
            if _holds_item(case, context):
                _observe(evidence, version, case, "per_kind", rules, True, context)
    dead = {rule.name for rule in rules if rule.name not in evidence.applied}
    redundant = {rule.name for rule in rules if rule.name not in evidence.matters and rule.name not in dead}
    return {("LP103", name) for name in dead} | {("LP104", name) for name in redundant}


def test_planted_dead_and_redundant_item_rules_match_brute_force() -> None:
    statute = load(PLANTED)
    expected = brute_force(statute)
    # By hand: nooit needs an age above 7 (dead); overschreven holds exactly where eerste does
    # and eerste overrides it (dead: always overridden); dubbel holds only for a child that is
    # not the first, where jong gives the same €100 (redundant); schaduw is a real exception.
    assert expected == {("LP103", "nooit"), ("LP103", "overschreven"), ("LP104", "dubbel")}
    assert findings(statute) == expected


def test_item_findings_name_every_item() -> None:
    statute = load(PLANTED)
    results = {r.name: r for r in api.builtin_checks(statute, DAY, Budget()) if r.code in ("LP103", "LP104")}
    assert results["nooit"].message.endswith("can never apply to any item: its condition cannot hold within the facts' domain")
    assert "always overridden by eerste [art. 1 lid 2" in results["overschreven"].message
    assert results["overschreven"].message.endswith("for every item")
    assert results["dubbel"].message.endswith("changes no outcome of per_kind for any item")
    assert (results["nooit"].location.line, results["dubbel"].location.line) == (6, 7)


def test_allowed_item_findings_are_not_reported() -> None:
    text = PLANTED.replace("rule nooit [art. 1 lid 3]:", "@allow(dead)\nrule nooit [art. 1 lid 3]:")
    assert ("LP103", "nooit") not in findings(load(text))


def test_no_false_alarms_on_the_household_benchmark() -> None:
    """Every rule of the household statute applies and matters (by construction): the checks
    find nothing in any of its periods."""
    statute = load(household_statute_text(20))
    results = api.builtin_checks(statute, None, Budget(), undated=DAY)
    assert [(r.code, r.name, r.status) for r in results if r.status != "clean"] == []


def _per_decision_encoders(monkeypatch) -> None:
    """builtin_checks as before the shared encoder: an encoder per decision per item."""
    import lexproof.verifier.item_checks as item_checks

    original = item_checks.run_item_checks

    def fresh(*args, encoder=None, **kwargs):  # noqa: ARG001 - dropped on purpose
        return original(*args, **kwargs)

    monkeypatch.setattr(item_checks, "run_item_checks", fresh)


def _report(statute) -> list[dict]:
    return [r.to_json() for r in api.builtin_checks(statute, None, Budget(), undated=DAY)]


def test_the_shared_encoder_gives_the_same_report_as_an_encoder_per_decision(monkeypatch) -> None:
    """The decisions per item are checked on the encoder of their version's case decisions
    (verifier/api.py, ``_item_run``), which has encoded them at every slot already. The report
    (findings, messages, witnesses) is the same as with an encoder per decision, on the planted
    defects and on the household benchmark (whose checks find nothing)."""
    statutes = [load(PLANTED), load(household_statute_text(30))]
    shared = [_report(statute) for statute in statutes]
    assert any(shared[0]) and shared[1] == []
    _per_decision_encoders(monkeypatch)
    assert [_report(statute) for statute in statutes] == shared


def test_the_decisions_per_item_are_not_encoded_again(monkeypatch) -> None:
    """One encoder per version for the case decisions and the decisions per item (the
    household benchmark cost 5 minutes of CPU at 10,000 rules, a third of it encoding the
    decisions per item again, an encoder per decision per version, after the case decisions
    that sum them had encoded them)."""
    from lexproof.dsl.consolidate import distinct_versions
    from lexproof.verifier import encoding

    made = []
    original = encoding.Encoder.__init__

    def counted(self, *args, **kwargs):
        made.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(encoding.Encoder, "__init__", counted)
    statute = load(PLANTED)  # its findings need the solver, for case decisions and decisions per item
    assert any(r.details.get("decision") in statute.item_decisions
               for r in api.builtin_checks(statute, None, Budget(), undated=DAY))
    assert 1 <= len(made) <= len(distinct_versions(statute, DAY))
    # The household benchmark's questions are all settled before the solver (no pair of rules
    # can clash, the evaluator's cases show every rule applying and mattering): no encoder at all.
    made.clear()
    statute = load(household_statute_text(30))
    assert api.builtin_checks(statute, None, Budget(), undated=DAY) == []
    assert made == []
