"""``lexproof diff`` of decisions per item (docs/language.md, "Repeated items"; verifier/diff.py):
a decision per kind is compared item by item, the same item before and after. A part (gains,
loses, changes) has cases when some item of some case is in it; its rows' examples name the
item, and the evaluator confirms them; 'none' only when the solver proves that no item of any
case is in the part, checked here against brute force over every case of small statutes.

Expected values are worked out by hand next to each test."""

from __future__ import annotations

import itertools
import json
from fractions import Fraction

import pytest
from click.testing import CliRunner

from lexproof.dsl.check_program import check_files
from lexproof.dsl.consolidate import check_all_versions, version_on
from lexproof.dsl.evaluator import Evaluator
from lexproof.dsl.items import ItemContext, item_contexts, label
from lexproof.dsl.parser import parse_text
from lexproof.verifier.cli import main
from lexproof.verifier.diff import diff_versions
from lexproof.verifier.solving import Budget

BUDGET = Budget(rlimit=200_000_000, timeout_ms=60_000)

# per_kind before: €100 under 12, €150 from 12 (not for a high income). After A: €120 under 6,
# €90 from 6 to 11, €150 from 12 as before. So an item under 6 gains €20, one of 6..11 loses
# €10, one of 12 or more stays; never defined <-> undefined (otherwise €0).
STATUTE = """
statute Kinderbijslag
facts Huishouden { hoog: bool  inkomen: money €0..€100_000 }
items kind up to 3 { leeftijd: int 0..17  uren: int 0..10 }
items contract up to 2 per kind { uurprijs: money €0..€15 }
decision per_kind: money per kind [art. 1] otherwise €0
rule jong [art. 1 lid 1]: per_kind = €100 if leeftijd < 12
rule oud [art. 1 lid 2]: per_kind = €150 if leeftijd >= 12 and not hoog
decision bijslag: money [art. 2] otherwise €0
rule som [art. 2]: bijslag = sum(kind: per_kind) if not hoog
decision eerste: money per kind [art. 3] otherwise €0
rule volgend [art. 3 lid 1]: eerste = €100
rule voorrang [art. 3 lid 2] except volgend: eerste = €150 if rank(kind by uren) = 1
decision vergoeding: money per contract [art. 4] otherwise €0
rule duur [art. 4]: vergoeding = €5 if uurprijs > €10
"""

AMENDMENT = """
amendment A amends Kinderbijslag in force 2027-01-01
  replace rule jong [art. 1 lid 1]: per_kind = €120 if leeftijd < 6
  insert rule middel [art. 1 lid 3]: per_kind = €90 if leeftijd >= 6 and leeftijd < 12
  replace rule voorrang [art. 3 lid 2] except volgend: eerste = €200 if rank(kind by uren) = 1
  replace rule duur [art. 4]: vergoeding = €5 if uurprijs > €8
"""


def _load(text: str):
    statute = check_files([parse_text(text, "kb.law")]).statute()
    check_all_versions(statute)
    return statute


def _versions(statute, amendment: str = "A"):
    info = statute.amendments[amendment]
    return (version_on(statute, info.in_force, exclude=(amendment,)),
            version_on(statute, info.in_force, include=(amendment,)))


def _diff(text: str, decisions: list[str] | None = None):
    statute = _load(text)
    before, after = _versions(statute)
    return statute, before, after, {r.name: r for r in diff_versions(statute, before, after, BUDGET, decisions)}


def _context(item: str) -> ItemContext:
    """'kind[2].contract[1]' -> the item's context (0-based indices)."""
    path = []
    for part in item.split("."):
        kind, index = part[:-1].split("[")
        path.append((kind, int(index) - 1))
    return ItemContext(None, tuple(path))


def _at(before, after, facts, name: str, item: str) -> tuple:
    evaluator = Evaluator({"before": before, "after": after}, {None: facts})
    context = _context(item)
    ob, oa = evaluator.decision(name, context, "before"), evaluator.decision(name, context, "after")
    return (ob.value if ob.defined else ob.status), (oa.value if oa.defined else oa.status)


@pytest.fixture(scope="module")
def amended():
    return _diff(STATUTE + AMENDMENT)


def test_a_decision_per_item_is_compared_not_skipped(amended) -> None:
    _, _, _, results = amended
    # every decision: the case's (bijslag) and the three per item
    assert set(results) == {"per_kind", "bijslag", "eerste", "vergoeding"}
    assert results["per_kind"].details["per"] == "kind"
    assert results["vergoeding"].details["per"] == "contract"
    assert "per" not in results["bijslag"].details


def test_gains_and_losses_per_item_with_witnesses_the_evaluator_confirms(amended) -> None:
    statute, before, after, results = amended
    result = results["per_kind"]
    assert result.status == "changed"
    directions = result.details["directions"]
    assert {d: p["status"] for d, p in directions.items()} == {"gains": "some", "loses": "some", "changes": "none"}
    # under 6: +€20 exactly; 6..11: -€10 exactly
    assert directions["gains"]["delta"]["min"]["value"] == directions["gains"]["delta"]["max"]["value"] == "20.00"
    assert directions["loses"]["delta"]["min"]["value"] == directions["loses"]["delta"]["max"]["value"] == "-10.00"
    seen = set()
    for row, witness in zip(result.details["rows"], result.witnesses, strict=True):
        facts = witness.facts[None]
        item = row["item"]
        assert witness.item == item
        old, new = _at(before, after, facts, "per_kind", item)
        age = facts["kind"][_context(item).path[0][1]]["leeftijd"]
        if row["direction"] == "gains":
            assert (old, new) == (Fraction(100), Fraction(120)) and age < 6
        else:
            assert row["direction"] == "loses"
            assert (old, new) == (Fraction(100), Fraction(90)) and 6 <= age < 12
        seen.add(row["direction"])
    assert seen == {"gains", "loses"}
    for direction in ("gains", "loses"):
        for end in ("min", "max"):
            bound = directions[direction]["delta"][end]
            old, new = _at(before, after, bound["witness"] and _facts(statute, bound["witness"]), "per_kind",
                           bound["item"])
            assert str(new - old) == str(Fraction(bound["value"]))


def _facts(statute, witness_json: dict) -> dict:
    """A witness in the JSON encoding back to evaluator values (money as Fractions)."""
    def money(value):
        return Fraction(value)

    facts = {"hoog": witness_json["hoog"], "inkomen": money(witness_json["inkomen"]), "kind": []}
    for child in witness_json["kind"]:
        facts["kind"].append({"leeftijd": child["leeftijd"], "uren": child["uren"],
                              "contract": [{"uurprijs": money(c["uurprijs"])} for c in child.get("contract", [])]})
    return facts


def test_the_item_whose_outcome_changes_is_the_one_the_rank_picks(amended) -> None:
    # eerste: €150 -> €200 for the child with the most hours (the first listed on a tie), €100
    # for the others in both versions: only that child gains, by €50, and nobody loses.
    _, before, after, results = amended
    result = results["eerste"]
    assert {d: p["status"] for d, p in result.details["directions"].items()} == {
        "gains": "some", "loses": "none", "changes": "none"}
    for row, witness in zip(result.details["rows"], result.witnesses, strict=True):
        children = witness.facts[None]["kind"]
        most = max(child["uren"] for child in children)
        first = next(index for index, child in enumerate(children) if child["uren"] == most)
        assert row["item"] == f"kind[{first + 1}]"
        assert _at(before, after, witness.facts[None], "eerste", row["item"]) == (Fraction(150), Fraction(200))


def test_a_nested_kind_names_the_item_with_its_parent(amended) -> None:
    # vergoeding: €5 above €10 an hour, after A above €8: a contract of €8.01..€10 gains €5
    _, before, after, results = amended
    result = results["vergoeding"]
    assert {d: p["status"] for d, p in result.details["directions"].items()} == {
        "gains": "some", "loses": "none", "changes": "none"}
    for row, witness in zip(result.details["rows"], result.witnesses, strict=True):
        item = row["item"]
        assert item.startswith("kind[") and ".contract[" in item
        (_, k), (_, c) = _context(item).path
        price = witness.facts[None]["kind"][k]["contract"][c]["uurprijs"]
        assert Fraction(8) < price <= Fraction(10)
        assert _at(before, after, witness.facts[None], "vergoeding", item) == (Fraction(0), Fraction(5))


def test_an_equivalent_rewrite_is_proved_unchanged_for_every_item() -> None:
    text = STATUTE + """
amendment A amends Kinderbijslag in force 2027-01-01
  replace rule jong [art. 1 lid 1]: per_kind = €100 if leeftijd <= 11
  replace rule duur [art. 4]: vergoeding = €5 if uurprijs >= €10.01
"""
    _, _, _, results = _diff(text)
    assert results["per_kind"].status == "unchanged"
    assert results["per_kind"].message == "per_kind is the same for every kind of every case"
    assert results["vergoeding"].status == "unchanged"
    assert results["eerste"].status == "unchanged"


def test_a_case_decision_reading_items_is_not_called_exact_for_every_case(amended) -> None:
    # bijslag changes only for households with a child under 12 (and not hoog): a household
    # without children, with the same facts, does not change. The row may not claim every case
    # (it once read 'hoog = false', as exact: the items were never asked).
    _, _, _, results = amended
    for row in results["bijslag"].details["rows"]:
        assert row["when"].startswith("some cases")


# --- soundness: 'none' exactly when brute force finds no item in the part --------------------------

SMALL = """
statute Klein
facts Huishouden { hoog: bool }
items kind up to 2 { leeftijd: int 0..5 }
decision bedrag: money per kind [art. 1] otherwise €0
rule basis [art. 1 lid 1]: bedrag = €10 if leeftijd < 3
rule extra [art. 1 lid 2] except basis: bedrag = €15 if leeftijd < 3 and rank(kind by leeftijd) = 1
decision recht: bool per kind [art. 2]
rule ja [art. 2 lid 1]: recht = true if leeftijd < 4 and not hoog
rule nee [art. 2 lid 2]: recht = false if leeftijd >= 4
"""

AMENDMENTS = {
    "nothing": "replace rule basis [art. 1 lid 1]: bedrag = €10 if leeftijd <= 2",
    "gains": "replace rule basis [art. 1 lid 1]: bedrag = €10 if leeftijd < 4",
    "loses": "replace rule extra [art. 1 lid 2] except basis: bedrag = €12 if leeftijd < 3 and rank(kind by leeftijd) = 1",
    "both": "replace rule basis [art. 1 lid 1]: bedrag = €20 if leeftijd = 0",
    "bool": "replace rule ja [art. 2 lid 1]: recht = true if leeftijd < 4",
    "gap": "repeal rule nee",
}


def _cases():
    for hoog in (False, True):
        for count in range(3):
            for ages in itertools.product(range(6), repeat=count):
                yield {"hoog": hoog, "kind": [{"leeftijd": age} for age in ages]}


def _direction(kind: str, ob, oa) -> str | None:
    if kind == "bool":
        b, a = ob.defined and ob.value is True, oa.defined and oa.value is True
        if a and not b:
            return "gains"
        if b and not a:
            return "loses"
        return "changes" if (ob.defined, ob.value if ob.defined else None) != (oa.defined, oa.value if oa.defined else None) else None
    if ob.defined and oa.defined:
        return "gains" if oa.value > ob.value else "loses" if oa.value < ob.value else None
    return "changes" if ob.defined != oa.defined else None


@pytest.mark.parametrize("first_question_unknown", [False, True])
@pytest.mark.parametrize("change", sorted(AMENDMENTS))
def test_each_part_is_none_exactly_when_brute_force_finds_no_item_in_it(change, first_question_unknown,
                                                                       request) -> None:
    """Also when 'does it change at all?' runs out of budget (forced here): the diff then asks
    the directions one by one, and they must say what brute force says."""
    if first_question_unknown:
        request.getfixturevalue("diff_first_question_unknown")
    text = SMALL + f"\namendment A amends Klein in force 2027-01-01\n  {AMENDMENTS[change]}\n"
    statute, before, after, results = _diff(text)
    for name in ("bedrag", "recht"):
        kind = statute.item_decisions[name].type.kind
        found: set[str] = set()
        for facts in _cases():
            evaluator = Evaluator({"before": before, "after": after}, {None: facts})
            for context in item_contexts(statute, facts, None):
                direction = _direction(kind, evaluator.decision(name, context, "before"),
                                       evaluator.decision(name, context, "after"))
                if direction:
                    found.add(direction)
        result = results[name]
        if not found:
            assert result.status == "unchanged", (change, name)
            continue
        assert result.status == "changed", (change, name)
        statuses = {d: p["status"] for d, p in result.details["directions"].items()}
        assert {d for d, s in statuses.items() if s == "some"} == found, (change, name, statuses)
        assert all(s in ("some", "none") for s in statuses.values()), (change, name, statuses)
        for row, witness in zip(result.details["rows"], result.witnesses, strict=True):
            evaluator = Evaluator({"before": before, "after": after}, {None: witness.facts[None]})
            context = _context(row["item"])
            assert label(context) == row["item"]
            assert _direction(kind, evaluator.decision(name, context, "before"),
                              evaluator.decision(name, context, "after")) == row["direction"]


# --- the command line: human and JSON output -------------------------------------------------------


def test_the_command_line_shows_the_item_and_accepts_a_decision_per_item(tmp_path) -> None:
    path = tmp_path / "kb.law"
    path.write_text(STATUTE + AMENDMENT, encoding="utf-8")
    runner = CliRunner()
    human = runner.invoke(main, ["diff", str(path), "--amendment", "A", "--decision", "eerste"])
    assert human.exit_code == 0, human.output
    assert "eerste changes in 1 group(s), compared kind by kind" in human.output
    assert "kind[" in human.output and "] of " in " ".join(human.output.split())
    assert "who gains: 1 combination(s) of enum/bool facts; who loses: 0; other changes: 0" in human.output
    assert "change (after - before) for who gains: €50.00 to €50.00" in human.output
    out = runner.invoke(main, ["diff", str(path), "--amendment", "A", "--decision", "eerste", "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    (result,) = data["results"]
    assert result["details"]["per"] == "kind"
    item = result["details"]["rows"][0]["item"]
    assert result["item"] == item
    assert result["outcome"]["before"]["eerste"]["value"] == "150.00"
    assert result["outcome"]["after"]["eerste"]["value"] == "200.00"
    dutch = runner.invoke(main, ["diff", str(path), "--amendment", "A", "--decision", "eerste", "--lang", "nl"])
    assert dutch.exit_code == 0, dutch.output
    words = " ".join(dutch.output.split())  # the table wraps its cells at the terminal's width
    assert "vergeleken per kind" in words and "] van " in words


def test_a_diff_on_two_processes_keeps_the_item(tmp_path) -> None:
    """Results come back from the workers through verifier/cache.py: the item (and the
    decision's outcomes at it) once got lost there, '-j 2' giving empty outcomes and no item."""
    from lexproof.verifier import api

    path = tmp_path / "kb.law"
    path.write_text(STATUTE + AMENDMENT, encoding="utf-8")
    program = api.load(str(path))
    one = [r.to_json() for r in api.diff(program, amendment="A", jobs=1)]
    two = [r.to_json() for r in api.diff(program, amendment="A", jobs=2)]
    assert two == one
    eerste = next(r for r in one if r["name"] == "eerste")
    assert eerste["item"].startswith("kind[") and eerste["outcome"]["after"]["eerste"]["value"] == "200.00"
    (result,) = api.diff(program, amendment="A", decisions=["eerste"])
    assert api.result_from_data(program, api.result_to_data(result)).to_json() == result.to_json()


def test_the_same_cone_shortcut_gives_a_decision_per_item_what_the_solver_gives(monkeypatch, tmp_path) -> None:
    """An amendment that leaves a decision per item alone (vergoeding reads only art. 4, which
    this amendment does not touch): the diff without a solver call (diff.SameCones) is the one
    the solver's 'unsat' path gives, equal in JSON, with the kind and the per-item message."""
    from lexproof.verifier import diff as diff_module

    path = tmp_path / "kb.law"
    path.write_text(STATUTE + AMENDMENT.replace("  replace rule duur [art. 4]: vergoeding = €5 if uurprijs > €8\n", ""),
                    encoding="utf-8")

    def diff_json() -> dict:
        result = CliRunner().invoke(main, ["diff", str(path), "--amendment", "A", "--format", "json", "-j", "1",
                                           "--no-cache"])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    fast = diff_json()
    with monkeypatch.context() as patch:
        patch.setattr(diff_module, "SameCones", lambda *_: (lambda _name: False))
        slow = diff_json()
    (vergoeding,) = [r for r in fast["results"] if r["name"] == "vergoeding"]
    assert vergoeding["status"] == "unchanged" and vergoeding["details"]["per"] == "contract"
    assert "every contract of every case" in vergoeding["message"]
    assert fast == slow
