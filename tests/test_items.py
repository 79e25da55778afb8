"""Repeated items (docs/language.md, "Repeated items"): declarations, facts and decisions per
item, aggregates with filters, rank, examples, case files, traces, properties, and the three
engines (evaluator, Z3 encoding, brute force) agreeing on item counts 0..max at every level.

Expected values are computed by hand in the comments next to them."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from fractions import Fraction

import pytest
import z3
from hypothesis import given, settings
from hypothesis import strategies as st

from lexproof.dsl.check_program import check_files
from lexproof.dsl.consolidate import version_on
from lexproof.dsl.diagnostics import LexproofError
from lexproof.dsl.evaluator import Evaluator, Undefined
from lexproof.dsl.formatter import format_text
from lexproof.dsl.items import ItemContext
from lexproof.dsl.parser import parse_text
from lexproof.verifier.api import read_case
from lexproof.verifier.encoding import Encoder
from lexproof.verifier.properties import check_property
from lexproof.verifier.solving import Budget

DAY = dt.date(2025, 1, 1)

HOUSEHOLD = """
statute Toeslag
facts Huishouden {
  inkomen: money €0..€100_000
}
items kind up to 3 {
  leeftijd: int 0..17
  uren: int 0..300
}
items contract up to 2 per kind {
  uurprijs: money €0..€20
}
decision per_kind: money per kind [art. 2] otherwise €0
rule jong [art. 2 lid 1]: per_kind = €100 if leeftijd < 12
rule eerste [art. 2 lid 2] except jong: per_kind = €150 if leeftijd < 12 and rank(kind by uren) = 1
decision duurste: money per kind [art. 3]
rule d [art. 3]: duurste = max(contract: uurprijs)
decision totaal: money [art. 4] otherwise €0
rule t [art. 4]: totaal = sum(kind: per_kind) if inkomen < €50_000
decision aantal_jong: int [art. 5] otherwise 0
rule a [art. 5]: aantal_jong = count(kind where leeftijd < 12)
decision alle_jong: bool [art. 5] otherwise false
rule aj [art. 5]: alle_jong = all(kind: leeftijd < 12)
decision een_oud: bool [art. 5] otherwise false
rule eo [art. 5]: een_oud = any(kind: leeftijd >= 12 where uren > 0)
decision jongste: int [art. 6] otherwise -1
rule j [art. 6]: jongste = min(kind: leeftijd)
decision contracten: int [art. 7] otherwise 0
rule c [art. 7]: contracten = sum(kind: count(contract where uurprijs > €0))
decision hoogste_prijs: money [art. 7] otherwise €0
rule hp [art. 7]: hoogste_prijs = max(kind: duurste where count(contract) > 0)
"""

DECISIONS = ["totaal", "aantal_jong", "alle_jong", "een_oud", "jongste", "contracten", "hoogste_prijs"]


def load(text: str):
    return check_files([parse_text(text, "items.law")]).statute()


def kid(leeftijd: int, uren: int, *prices: str) -> dict:
    return {"leeftijd": leeftijd, "uren": uren, "contract": [{"uurprijs": Fraction(p)} for p in prices]}


def outcome(evaluator: Evaluator, name: str, context=None) -> tuple[bool, object]:
    result = evaluator.decision(name, context)
    return (result.defined, result.value if result.defined else None)


# --- the evaluator, by hand -------------------------------------------------------------------


def test_aggregates_and_rank_by_hand() -> None:
    statute = load(HOUSEHOLD)
    case = {"inkomen": Fraction(30_000), "kind": [kid(3, 100, "8"), kid(7, 120), kid(14, 5, "0", "12.50")]}
    evaluator = Evaluator({None: version_on(statute, DAY)}, {None: case})
    # kind 2 has the most hours (120): €150; kind 1 is young: €100; kind 3 is 14: otherwise €0.
    assert outcome(evaluator, "per_kind", ItemContext(None, (("kind", 0),))) == (True, Fraction(100))
    assert outcome(evaluator, "per_kind", ItemContext(None, (("kind", 1),))) == (True, Fraction(150))
    assert outcome(evaluator, "per_kind", ItemContext(None, (("kind", 2),))) == (True, Fraction(0))
    assert outcome(evaluator, "totaal") == (True, Fraction(250))
    assert outcome(evaluator, "aantal_jong") == (True, 2)
    assert outcome(evaluator, "alle_jong") == (True, False)
    assert outcome(evaluator, "een_oud") == (True, True)  # kind 3: 14 and 5 hours
    assert outcome(evaluator, "jongste") == (True, 3)
    assert outcome(evaluator, "contracten") == (True, 2)  # €8 and €12.50; the €0 one is filtered out
    # duurste of kind 2 (no contracts) is undefined, but the filter count(contract) > 0 skips it.
    assert outcome(evaluator, "duurste", ItemContext(None, (("kind", 1),))) == (False, None)
    assert outcome(evaluator, "hoogste_prijs") == (True, Fraction("12.50"))


def test_rank_ties_go_to_the_first_listed_item() -> None:
    statute = load(HOUSEHOLD)
    case = {"inkomen": Fraction(0), "kind": [kid(5, 40), kid(6, 80), kid(7, 80)]}
    evaluator = Evaluator({None: version_on(statute, DAY)}, {None: case})
    # kinds 2 and 3 tie at 80 hours: the first listed (kind 2) is first; kind 1 third.
    values = [outcome(evaluator, "per_kind", ItemContext(None, (("kind", i),)))[1] for i in range(3)]
    assert values == [Fraction(100), Fraction(150), Fraction(100)]
    assert outcome(evaluator, "totaal") == (True, Fraction(350))


def test_min_and_max_of_no_items_are_undefined_and_sum_count_all_any_are_not() -> None:
    statute = load(HOUSEHOLD)
    evaluator = Evaluator({None: version_on(statute, DAY)}, {None: {"inkomen": Fraction(0), "kind": []}})
    assert outcome(evaluator, "jongste") == (False, None)  # min over no kind: undefined
    assert evaluator.decision("jongste").status == "undefined"
    assert outcome(evaluator, "totaal") == (True, Fraction(0))
    assert outcome(evaluator, "aantal_jong") == (True, 0)
    assert outcome(evaluator, "alle_jong") == (True, True)  # all over nothing holds
    assert outcome(evaluator, "een_oud") == (True, False)  # any over nothing does not
    assert outcome(evaluator, "hoogste_prijs") == (False, None)
    with pytest.raises(Undefined):
        evaluator.eval(statute.rules["j"].value, None, None)


# --- evaluator vs encoding on every kind of case ---------------------------------------------


def raw(value: object, kind: str, ctx: z3.Context) -> z3.ExprRef:
    if kind == "money":
        return z3.IntVal(int(Fraction(value) * 100), ctx)
    return z3.IntVal(int(value), ctx)  # type: ignore[call-overload]


def pins(encoder: Encoder, statute, case: dict) -> list:
    """The case as constraints on the encoding: every count, every read item fact."""
    result = []
    for parent, kind, listed in _lists(statute, None, case):
        result.append(encoder.count_term(parent, kind) == len(listed))
        for index, item in enumerate(listed):
            here = ItemContext(None, (*(parent.path if isinstance(parent, ItemContext) else ()), (kind, index)))
            for name in statute.kinds[kind].facts:
                if (here, name) in encoder.fact_raw:
                    result.append(encoder.fact_raw[(here, name)] == raw(item[name], statute.item_facts[name].type.kind, encoder.ctx))
    for name, value in case.items():
        if name in statute.facts and (None, name) in encoder.fact_raw:
            result.append(encoder.fact_raw[(None, name)] == raw(value, statute.facts[name].type.kind, encoder.ctx))
    return result


def _lists(statute, parent, holder: dict, kinds=None):
    for kind in statute.top_kinds() if kinds is None else kinds:
        listed = holder.get(kind, [])
        yield parent, kind, listed
        for index, item in enumerate(listed):
            path = (*(parent.path if isinstance(parent, ItemContext) else ()), (kind, index))
            yield from _lists(statute, ItemContext(None, path), item, statute.child_kinds(kind))


def cases_strategy(max_kids: int = 3, max_contracts: int = 2):
    price = st.integers(0, 2000).map(lambda c: Fraction(c, 100))
    contract = st.builds(lambda p: {"uurprijs": p}, price)
    child = st.builds(
        lambda a, u, cs: {"leeftijd": a, "uren": u, "contract": cs},
        st.integers(0, 17), st.sampled_from([0, 1, 40, 80, 300]), st.lists(contract, max_size=max_contracts),
    )
    return st.builds(
        lambda inkomen, kids: {"inkomen": inkomen, "kind": kids},
        st.sampled_from([Fraction(0), Fraction(49_999), Fraction(50_000), Fraction(100_000)]),
        st.lists(child, max_size=max_kids),
    )


def disagreements(statute, encoder: Encoder, pairs: dict, case: dict) -> list[str]:
    evaluator = Evaluator(encoder.versions, {None: case})
    solver = z3.Solver(ctx=encoder.ctx)
    solver.add(encoder.hard_constraints())
    solver.add(pins(encoder, statute, case))
    trackers = encoder.assumptions()
    assert solver.check(*trackers) == z3.sat, f"the encoding rules out the real case {case}"
    model = solver.model()
    problems = []
    others = []
    for name, (value, defined) in pairs.items():
        expected = outcome(evaluator, name)
        got_defined = z3.is_true(model.eval(defined, model_completion=True))
        info = statute.decisions[name]
        got = encoder.decode(info.type, model.eval(value, model_completion=True)) if got_defined else None
        if (got_defined, got) != expected:
            problems.append(f"{name}: encoding {(got_defined, got)}, evaluator {expected}")
        if expected[0]:
            target = encoder.const(info.type, expected[1])
            others.append(z3.Or(z3.Not(defined), value != target))
        else:
            others.append(defined)
    solver.add(z3.Or(others))
    # No other model: the encoding is a function of the case, like the evaluator.
    assert solver.check(*trackers) == z3.unsat, f"the encoding admits another outcome for {case}"
    return problems


@settings(max_examples=60, deadline=None)
@given(case=cases_strategy())
def test_encoding_agrees_with_evaluator_for_counts_zero_to_max(case: dict) -> None:
    statute = load(HOUSEHOLD)
    encoder = Encoder(statute, {None: version_on(statute, DAY)})
    pairs = {name: encoder.decision(name) for name in DECISIONS}
    # Every count and item fact declared (pins read them), before the solver is built.
    for parent, kind, _listed in _lists(statute, None, {"kind": [kid(0, 0, "0", "0")] * 3}):
        encoder.count_term(parent, kind)
    assert disagreements(statute, encoder, pairs, case) == []


def test_every_count_from_zero_to_max_is_reachable_in_the_encoding() -> None:
    statute = load(HOUSEHOLD)
    encoder = Encoder(statute, {None: version_on(statute, DAY)})
    count = encoder.count_term(None, "kind")
    solver = z3.Solver(ctx=encoder.ctx)
    solver.add(encoder.hard_constraints())
    for n in range(5):
        expected = z3.sat if n <= 3 else z3.unsat  # up to 3: 0, 1, 2, 3 and never 4
        assert solver.check(count == n) == expected


# --- properties against brute force ------------------------------------------------------------

TINY = """
statute Klein
facts Huishouden { hoog: bool }
items kind up to 2 { leeftijd: int 0..2  uren: int 0..2 }
decision bedrag: int per kind otherwise 0
rule b [art. 1]: bedrag = 2 if leeftijd < 2
rule e [art. 1] except b: bedrag = 3 if leeftijd < 2 and rank(kind by uren) = 1
decision totaal: int [art. 2] otherwise 0
rule t [art. 2]: totaal = sum(kind: bedrag) if not hoog
decision oudste: int [art. 3]
rule o [art. 3]: oudste = max(kind: leeftijd)

property p1: for every Huishouden claim totaal <= 5
property p2: for every Huishouden claim totaal <= 4
property p3: for every Huishouden assume count(kind) > 0 claim oudste >= 0
property p4: for every Huishouden claim oudste >= 0
property p5: for every Huishouden claim all(kind: bedrag <= 3 where leeftijd < 2)
property p6: for every Huishouden assume any(kind: leeftijd = 0) claim count(kind where rank(kind by uren) = 1) = 1
property p7: for every Huishouden claim totaal = sum(kind: bedrag) or hoog
"""


def all_tiny_cases():
    kids = [{"leeftijd": a, "uren": u} for a in range(3) for u in range(3)]
    for hoog in (False, True):
        for n in range(3):
            for chosen in itertools.product(kids, repeat=n):
                yield {"hoog": hoog, "kind": [dict(k) for k in chosen]}


def brute_force(statute, prop) -> str:
    version = version_on(statute, DAY)
    premise_met = False
    for case in all_tiny_cases():
        evaluator = Evaluator({None: version}, {None: case})

        def holds(node, evaluator: Evaluator = evaluator) -> bool:
            try:
                return bool(evaluator.eval(node, None, None))
            except Undefined:
                return False

        if all(holds(a) for a in prop.assumptions):
            premise_met = True
            if not holds(prop.claim):
                return "counterexample"
    return "proved" if premise_met else "vacuous"


def test_properties_over_items_match_brute_force() -> None:
    statute = load(TINY)
    # Hand check of the extremes: two young children give 3 + 2 = 5 (p1 holds, p2 does not);
    # no child: max() is undefined, so p4 has a counterexample and p3 (one child or more) holds.
    expected = {"p1": "proved", "p2": "counterexample", "p3": "proved", "p4": "counterexample",
                "p5": "proved", "p6": "proved", "p7": "proved"}
    seen = {}
    for prop in statute.properties:
        verdict = check_property(statute, prop, DAY, Budget()).status
        assert verdict == brute_force(statute, prop), prop.name
        seen[prop.name] = verdict
    assert seen == expected
    assert sum(1 for _ in all_tiny_cases()) == 2 * (1 + 9 + 81)


def test_a_counterexample_shows_each_item_by_index(capsys) -> None:
    from rich.console import Console

    from lexproof.verifier.render import print_witness

    statute = load(TINY)
    prop = next(p for p in statute.properties if p.name == "p2")
    result = check_property(statute, prop, DAY, Budget())
    assert result.status == "counterexample"
    witness = result.witnesses[0]
    kids = witness.facts[None]["kind"]
    assert len(kids) == 2 and all(k["leeftijd"] < 2 for k in kids)  # only two young kids exceed 4
    console = Console(width=120, record=True)
    print_witness(console, witness)
    text = console.export_text()
    assert "kind[1].leeftijd" in text and "kind[2].uren" in text
    assert "kind[1].bedrag = " in text and "kind[2].bedrag = " in text
    data = witness.to_json()
    assert [set(k) for k in data["case"]["kind"]] == [{"leeftijd", "uren"}] * 2


def test_two_cases_differing_only_in_a_case_fact_hold_the_same_items() -> None:
    text = TINY.split("property p1")[0] + (
        "property mono: for every Huishouden a, b differing only in hoog\n"
        "  assume not a.hoog and b.hoog claim a.totaal >= b.totaal\n"
        "property gelijk: for every Huishouden a, b differing only in hoog\n"
        "  assume a.hoog = b.hoog claim a.totaal = b.totaal\n"
    )
    statute = load(text)
    for prop in statute.properties:
        # Without the items tied, b could have other children and 'gelijk' would fail.
        assert check_property(statute, prop, DAY, Budget()).status == "proved", prop.name


# --- examples, case files and diagnostics ---------------------------------------------------------


def test_examples_give_items_as_lists() -> None:
    text = HOUSEHOLD + """
example "twee" [on 2025-01-01] {
  inkomen = €30_000,
  kind = [{leeftijd = 3, uren = 100, contract = [{uurprijs = €8}]}, {leeftijd = 7, uren = 120}]
} expect totaal = €250, aantal_jong = 2, contracten = 1, hoogste_prijs = €8
example "geen" [on 2025-01-01] { inkomen = €30_000 } expect totaal = €0, alle_jong = true
"""
    statute = load(text)
    from lexproof.verifier.properties import run_example

    results = [r for example in statute.examples for r in run_example(statute, example, DAY)]
    assert [r.status for r in results] == ["passed", "passed"]
    assert statute.examples[1].case["kind"] == []


def errors_of(text: str) -> list[str]:
    with pytest.raises(LexproofError) as caught:
        load(text)
    return [f"{d.span.line}:{d.span.column}: {d.message}" for d in caught.value.diagnostics]


@pytest.mark.parametrize(
    "snippet, expected",
    [
        ("decision x: int otherwise 0\nrule r [art. 9]: x = leeftijd",
         "33:22: 'leeftijd' is a fact of each kind, and here there is no current kind: read it in a decision per kind"),
        ("decision x: int otherwise 0\nrule r [art. 9]: x = count(contract)",
         "33:22: count() over contract is only possible where there is one each kind"),
        ("decision x: int otherwise 0\nrule r [art. 9]: x = sum(kinderen: 1)",
         "33:22: unknown kind of item 'kinderen'"),
        ("decision x: int otherwise 0\nrule r [art. 9]: x = total(kind: uren)",
         "33:22: 'total(kind: ...)' is not an aggregate; use one of sum, count, all, any, min, max"),
        ("decision x: int otherwise 0\nrule r [art. 9]: x = rank(kind by uren)",
         "33:22: rank(kind by ...) is the position of the current kind, and here there is none"),
        ("property p:\n  for every Huishouden a, b adding one kind\n  claim count(a.kind) <= count(b.kind)",
         "34:9: count() counts the items of one case; in a property over two cases put the count in a decision "
         "(rule r [art. N]: aantal = count(kind)) and compare a.aantal with b.aantal"),
        ("decision x: int otherwise 0\nrule r [art. 9]: x = count(1, 2)",
         "33:22: count() takes the name of an item kind: count(kind) or count(kind where CONDITION)"),
        ("decision x: int per kinderen otherwise 0", "32:1: decision x per 'kinderen': unknown kind of item"),
        ("items z up to 0 { q: int }", "32:15: the maximum number of z items must be 1 to 20, not 0"),
        ("items z up to 20 per contract { q: int }\nitems y up to 2 per z { r: int }",
         "33:15: y: 2 per z is 2 x 3 x 2 x 20 = 240 items per case, more than 200"),
    ],
)
def test_item_diagnostics_are_positioned_with_a_hint(snippet: str, expected: str) -> None:
    assert HOUSEHOLD.count("\n") == 31  # the snippet starts on line 32
    found = errors_of(HOUSEHOLD + snippet)
    assert any(message.startswith(expected) for message in found), found


def test_an_example_with_more_items_than_the_maximum_is_an_error_at_the_extra_item() -> None:
    text = HOUSEHOLD + (
        'example "vier" [on 2025-01-01] { inkomen = €0,\n'
        "  kind = [{leeftijd = 1, uren = 1}, {leeftijd = 1, uren = 1}, {leeftijd = 1, uren = 1}, {leeftijd = 1, uren = 1}]\n"
        "} expect totaal = €0\n"
    )
    found = errors_of(text)
    # The fourth item starts at column 89 of line 33: "  kind = [" is 10 characters, each
    # item with its ", " 26.
    assert found == ["33:89: 4 items of kind, but the statute allows at most 3 ('items kind up to 3'); "
                     "remove 1 or raise the maximum"]


def test_a_case_file_with_too_many_items_is_a_positioned_error() -> None:
    statute = load(HOUSEHOLD)
    text = '{\n  "inkomen": 0,\n  "kind": [\n    {"leeftijd": 1, "uren": 1},\n    {"leeftijd": 1, "uren": 1},\n' \
           '    {"leeftijd": 1, "uren": 1},\n    {"leeftijd": 1, "uren": 1}\n  ]\n}\n'
    with pytest.raises(LexproofError) as caught:
        read_case(statute, json.loads(text), "case.json", text)
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.span.line, diagnostic.span.column) == (7, 5)  # the fourth item
    assert "4 items of kind, but Toeslag allows at most 3" in diagnostic.message


def test_a_case_file_item_fact_out_of_range_points_at_that_items_key() -> None:
    statute = load(HOUSEHOLD)
    text = '{"inkomen": 0, "kind": [{"leeftijd": 1, "uren": 1}, {"leeftijd": 30, "uren": 1}]}'
    with pytest.raises(LexproofError) as caught:
        read_case(statute, json.loads(text), "case.json", text)
    (diagnostic,) = caught.value.diagnostics
    # '{"inkomen": 0, "kind": [' is 24 characters, the first item and ", " 28, then "{": col 54.
    assert (diagnostic.span.line, diagnostic.span.column) == (1, 54)  # the second "leeftijd"
    assert "kind[2]: leeftijd = 30 is above its range 0..17" in diagnostic.message


def test_a_case_file_reads_nested_items_with_defaults_and_missing_kinds_as_none() -> None:
    statute = load(HOUSEHOLD)
    data = {"inkomen": 10, "kind": [{"leeftijd": 4, "uren": 9, "contract": [{"uurprijs": "7.5"}]}, {"leeftijd": 1, "uren": 0}]}
    case = read_case(statute, data)
    assert case["kind"][0]["contract"] == [{"uurprijs": Fraction(15, 2)}]
    assert case["kind"][1]["contract"] == []
    assert read_case(statute, {"inkomen": 10})["kind"] == []


# --- formatter ---------------------------------------------------------------------------------------


def test_formatter_round_trips_items() -> None:
    text = HOUSEHOLD + (
        'example "e" { inkomen = €1, kind = [{leeftijd = 1, uren = 2, contract = [{uurprijs = €3}]}, '
        "{leeftijd = 4, uren = 5}] } expect totaal = €100\n"
        "property q: for every Huishouden assume count(kind where uren > 1) >= 1 claim any(kind: rank(kind by uren) = 1)\n"
        "property r: for every Huishouden a, b adding one kind claim a.totaal <= b.totaal\n"
    )
    formatted = format_text(text)
    assert "items contract up to 2 per kind {" in formatted
    assert "decision per_kind: money per kind [art. 2] otherwise €0" in formatted
    assert "count(kind where uren > 1)" in formatted
    assert "for every Huishouden a, b adding one kind" in formatted
    assert parse_text(formatted, "a").sections == parse_text(text, "a").sections
    assert format_text(formatted) == formatted


# --- strategies and sampling ----------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_cases_strategy_gives_items_within_their_maxima_that_evaluate(data) -> None:
    from lexproof.verifier import api
    from lexproof.verifier.strategies import case_to_json, cases

    program = check_files([parse_text(HOUSEHOLD, "items.law")])
    statute = program.statute()
    case = data.draw(cases(statute))
    assert 0 <= len(case["kind"]) <= 3
    assert all(len(child["contract"]) <= 2 and 0 <= child["leeftijd"] <= 17 for child in case["kind"])
    result = api.evaluate(program, case_to_json(statute, case), date=DAY)
    # The evaluator, independently: the number of young children.
    assert result.outcomes["aantal_jong"].value == sum(1 for child in case["kind"] if child["leeftijd"] < 12)


def test_random_cases_cover_every_count_from_zero_to_max() -> None:
    import random

    from lexproof.verifier.sampling import random_case

    statute = load(HOUSEHOLD)
    rng = random.Random(7)
    counts = {len(random_case(statute, rng)["kind"]) for _ in range(200)}
    assert counts == {0, 1, 2, 3}


# --- adding one item --------------------------------------------------------------------------------

ADDING = TINY.split("property p1")[0] + """
property meer_kinderen_nooit_minder: for every Huishouden a, b adding one kind claim b.totaal >= a.totaal
property eerste_blijft expect counterexample: for every Huishouden a, b adding one kind
  claim b.totaal = a.totaal + 2 or b.hoog
property een_meer: for every Huishouden a, b adding one kind claim b.telling = a.telling + 1
decision telling: int [art. 4] otherwise 0
rule tel [art. 4]: telling = count(kind)
"""


def test_adding_one_item_matches_brute_force() -> None:
    statute = load(ADDING)
    version = version_on(statute, DAY)
    for prop in statute.properties:
        verdict = check_property(statute, prop, DAY, Budget())
        # Brute force over every pair (a, a plus one kind listed last).
        failing = None
        for case in all_tiny_cases():
            if len(case["kind"]) == 2:
                continue
            for extra in ({"leeftijd": x, "uren": u} for x in range(3) for u in range(3)):
                pair = {"a": case, "b": {**case, "kind": case["kind"] + [extra]}}
                evaluator = Evaluator({None: version}, pair)
                try:
                    ok = bool(evaluator.eval(prop.claim, None, None))
                except Undefined:
                    ok = False
                if not ok:
                    failing = pair
        assert verdict.status == ("counterexample" if failing else "proved"), prop.name
        if verdict.status == "counterexample":
            a, b = verdict.witnesses[0].facts["a"], verdict.witnesses[0].facts["b"]
            assert b["kind"][:-1] == a["kind"] and len(b["kind"]) == len(a["kind"]) + 1
            assert b["hoog"] == a["hoog"]
    # By hand: a young child listed last with the most hours makes the earlier first child a
    # next child (3 -> 2) and gets 3: +2 only if it is not first; so "+2" fails, and a case
    # with 'hoog' gets nothing at all.
    assert check_property(statute, statute.properties[1], DAY, Budget()).status == "counterexample"


def test_adding_one_nested_kind_is_an_error_with_a_hint() -> None:
    found = errors_of(HOUSEHOLD + "property q: for every Huishouden a, b adding one contract claim a.totaal <= b.totaal\n")
    assert found == ["32:1: 'adding one contract': a kind of kind's items (which kind?); name a kind the case holds"]


def test_conflicts_and_gaps_of_decisions_per_item_name_the_item() -> None:
    from lexproof.verifier.item_checks import run_item_checks

    text = """
statute C
facts G { h: bool }
items kind up to 3 { leeftijd: int 0..17  uren: int 0..10 }
decision b: int per kind [art. 1]
rule jong [art. 1 lid 1]: b = 1 if leeftijd < 12
rule oud [art. 1 lid 2]: b = 2 if leeftijd >= 10
decision e: int per kind [art. 2]
rule eerste [art. 2 lid 1]: e = 1 if rank(kind by uren) = 1
rule volgend [art. 2 lid 2]: e = 2 if rank(kind by uren) > 1
decision f: int per kind [art. 3]
rule f1 [art. 3 lid 1]: f = 1 if rank(kind by uren) = 1
rule f2 [art. 3 lid 2]: f = 2 if rank(kind by uren) >= 3
"""
    statute = load(text)
    results = run_item_checks(statute, version_on(statute, DAY), Budget(), ("conflict", "gap"))
    # b: ages 10 and 11 are both < 12 and >= 10; e: rank is 1 or more, so complete and
    # exclusive; f: the item ranked 2nd has no rule (the first item needs a second one ahead).
    assert sorted((r.kind, r.details["decision"]) for r in results) == [("conflict", "b"), ("gap", "f")]
    conflict = next(r for r in results if r.kind == "conflict")
    child = conflict.witnesses[0].facts[None]["kind"][int(conflict.details["item"][5]) - 1]
    assert 10 <= child["leeftijd"] < 12
    gap = next(r for r in results if r.kind == "gap")
    assert "no rule decides f for kind[" in gap.message and len(gap.witnesses[0].facts[None]["kind"]) >= 2


def test_a_query_finds_cases_with_items_and_proves_none_exist() -> None:
    from lexproof.verifier import api

    program = check_files([parse_text(HOUSEHOLD, "items.law")])
    result = api.query(program, "exists Huishouden: count(kind) = 2 and totaal = €250", date=DAY)
    assert result.status == "satisfiable"
    case = result.witnesses[0].facts[None]
    # Two young children, one of them first (€150) and one next (€100), with a low income.
    assert len(case["kind"]) == 2 and all(child["leeftijd"] < 12 for child in case["kind"])
    assert case["inkomen"] < 50_000
    # Three children give at most €150 + 2 x €100 = €350; €400 is out of reach.
    assert api.query(program, "exists Huishouden: totaal > €350", date=DAY).status == "unsatisfiable"


def test_an_amendment_to_a_decision_per_item_is_seen_by_the_case_decisions_reading_it() -> None:
    """Regression: the built-in checks reuse a decision's findings across versions when its
    cone is unchanged; the cone must follow decisions per item (here f), else the conflict
    that amendment A brings into t was never searched for in the version after A."""
    from lexproof.verifier import api

    text = """
statute S
facts G { h: bool }
items kind up to 2 { leeftijd: int 0..17 }
decision f: bool per kind [art. 1] otherwise false
rule fr [art. 1]: f = leeftijd > 20
decision t: int [art. 2] otherwise 0
rule t1 [art. 2 lid 1]: t = 1 if any(kind: f)
rule t2 [art. 2 lid 2]: t = 2 if count(kind where leeftijd > 10) > 0
amendment A amends S in force 2026-01-01
  replace rule fr [art. 1]: f = leeftijd > 5
"""
    statute = load(text)
    results = api.builtin_checks(statute, None, Budget(), ("conflict",), undated=DAY)
    conflicts = [r for r in results if r.kind == "conflict" and r.status == "conflict"]
    # Before A, f never holds (ages are at most 17), so t1 never applies; after A, a child of
    # 11 to 17 makes both t1 and t2 apply: the conflict exists in the version after A only.
    assert len(conflicts) == 1
    assert conflicts[0].found_in == ["S on 2026-01-01 (with A)"]


def test_the_facts_a_decision_depends_on_include_those_its_decisions_per_item_read() -> None:
    from lexproof.verifier.regions import cone_facts

    text = HOUSEHOLD.replace("rule jong [art. 2 lid 1]: per_kind = €100 if leeftijd < 12",
                             "rule jong [art. 2 lid 1]: per_kind = €100 if leeftijd < 12 and inkomen > €0")
    text = text.replace("totaal = sum(kind: per_kind) if inkomen < €50_000", "totaal = sum(kind: per_kind)")
    statute = load(text)
    version = version_on(statute, DAY)
    # totaal reads inkomen only through per_kind (rule jong); aantal_jong reads no case fact.
    assert cone_facts(statute, [version], ["totaal"]) == ["inkomen"]
    assert cone_facts(statute, [version], ["aantal_jong"]) == []
    # A decision whose only case fact is read inside a decision per item: per_kind reads inkomen.
    assert cone_facts(statute, [version], ["per_kind"]) == ["inkomen"]


def test_expected_findings_on_decisions_per_item_are_held_to_account() -> None:
    from lexproof.verifier import api

    base = """
statute S
facts G { h: bool }
items kind up to 2 { leeftijd: int 0..17 }
@expect(gap)
decision b: int per kind [art. 1]
@expect(conflict)
rule jong [art. 1 lid 1]: b = 1 if leeftijd < 12
rule oud [art. 1 lid 2]: b = 2 if leeftijd >= 10
"""
    statute = load(base)
    results = api.builtin_checks(statute, DAY, Budget(), ("conflict", "gap"))
    # The conflict (ages 10, 11) is there and expected; the gap is not (every age has a rule),
    # so the @expect(gap) is reported as not met.
    assert sorted((r.kind, r.status, r.expected) for r in results) == [("conflict", "conflict", "conflict"),
                                                                       ("gap", "clean", "gap")]
    # Dead rules of decisions per item are looked for (verifier/item_checks.py): neither rule
    # is dead (ages 0..11 and 10..17 both occur), so an @expect(dead) is reported as not met.
    dead = api.builtin_checks(load(base.replace("@expect(conflict)", "@expect(dead)")), DAY, Budget(), ("dead",))
    assert [(r.kind, r.name, r.status, r.expected) for r in dead] == [("dead", "jong", "clean", "dead")]


def test_eval_json_gives_items_and_each_decision_per_item(tmp_path) -> None:
    from lexproof.verifier import api

    program = check_files([parse_text(HOUSEHOLD, "items.law")])
    case = {"inkomen": 30000, "kind": [{"leeftijd": 3, "uren": 100, "contract": [{"uurprijs": "8.50"}]},
                                        {"leeftijd": 7, "uren": 120}]}
    data = api.evaluate(program, case, date=DAY).to_json()
    assert data["case"]["kind"][0]["contract"] == [{"uurprijs": "8.50"}]
    # kind 2 has the most hours: €150 (rule eerste); kind 1 €100 (rule jong).
    assert data["items"]["kind[2]"]["per_kind"]["value"] == "150.00"
    assert data["items"]["kind[2]"]["per_kind"]["rules"] == ["eerste"]
    assert data["items"]["kind[1]"]["per_kind"]["value"] == "100.00"
    assert data["items"]["kind[2]"]["duurste"]["status"] == "undefined"  # max of no contracts
    assert data["outcome"]["totaal"]["value"] == "250.00"


def test_a_query_for_several_cases_tells_cases_apart_by_their_items() -> None:
    """Regression: cases were told apart by their case facts only, so a statute whose answer
    turns on the items gave one case and stopped, as if there were no other."""
    from lexproof.verifier import api

    text = """
statute Q
facts G { h: bool }
items kind up to 2 { leeftijd: int 0..3 }
decision d: int per kind [art. 1] otherwise 0
rule r [art. 1]: d = 1 if leeftijd < 2
decision t: int [art. 2] otherwise 0
rule s [art. 2]: t = sum(kind: d) if h
"""
    program = check_files([parse_text(text, "q.law")])
    result = api.query(program, "exists G: t = 1", date=DAY, max_cases=3)
    assert result.status == "satisfiable"
    shown = [w.facts[None] for w in result.witnesses]
    # t = 1 needs h and exactly one young child: with one child, or with two (one of them 2 or 3).
    assert len(shown) >= 2, shown
    assert all(case["h"] and sum(1 for k in case["kind"] if k["leeftijd"] < 2) == 1 for case in shown)
    assert len({repr(case) for case in shown}) == len(shown)


def test_diff_of_an_amendment_to_a_decision_per_item() -> None:
    """Regression: the diff's rows held the items as a fact (a KeyError, exit 4)."""
    from lexproof.verifier import api

    text = """
statute S
facts G { inkomen: money €0..€100_000 }
items kind up to 3 { leeftijd: int 0..17 }
decision per_kind: money per kind [art. 1] otherwise €0
rule jong [art. 1]: per_kind = €100 if leeftijd < 12
decision totaal: money [art. 2] otherwise €0
rule t [art. 2]: totaal = sum(kind: per_kind) if inkomen < €50_000
amendment A amends S in force 2026-01-01
  replace rule jong [art. 1]: per_kind = €100 if leeftijd < 14
"""
    program = check_files([parse_text(text, "d.law")])
    by_name = {r.name: r for r in api.diff(program, amendment="A")}
    assert set(by_name) == {"totaal", "per_kind"}  # the decision per item too (tests/test_diff_items.py)
    result = by_name["totaal"]
    assert result.status == "changed"
    rows = result.details["rows"]
    witness = result.witnesses[0].facts[None]
    # Only a child of 12 or 13 gains €100, and only below €50,000.
    assert any(12 <= child["leeftijd"] < 14 for child in witness["kind"]) and witness["inkomen"] < 50_000
    assert rows and all(isinstance(row["witness"]["kind"], list) for row in rows)
    assert result.details["gains"] >= 1 and result.details["losses"] == 0
    from lexproof.verifier.formats import case_summary

    assert "kind[1].leeftijd = " in case_summary(result.witnesses[0])


def test_a_long_list_of_items_is_formatted_one_item_per_line() -> None:
    items_text = ", ".join(f"{{leeftijd = {i}, uren = {10 * i}, contract = [{{uurprijs = €{i}}}]}}" for i in range(1, 4))
    text = HOUSEHOLD + f'example "lang" {{ inkomen = €1, kind = [{items_text}] }} expect totaal = €0\n'
    formatted = format_text(text)
    assert "\n  kind = [\n    { leeftijd = 1, uren = 10, contract = [{ uurprijs = €1 }] },\n" in formatted
    assert max(len(line) for line in formatted.splitlines()) <= 100
    assert parse_text(formatted, "a").sections == parse_text(text, "a").sections
    assert format_text(formatted) == formatted


def test_an_example_expects_a_decision_per_item_of_one_item() -> None:
    from lexproof.verifier.properties import run_example

    text = HOUSEHOLD + """
example "per kind" [on 2025-01-01] {
  inkomen = €30_000, kind = [{leeftijd = 3, uren = 100, contract = [{uurprijs = €8}]}, {leeftijd = 7, uren = 120}]
} expect kind[1].per_kind = €100, kind[2].per_kind = €150, kind[1].duurste = €8
example "fout" [on 2025-01-01] {
  inkomen = €30_000, kind = [{leeftijd = 3, uren = 100}, {leeftijd = 7, uren = 120}]
} expect kind[1].per_kind = €150, kind[2].duurste = €1
"""
    statute = load(text)
    passed, failed = [r for example in statute.examples for r in run_example(statute, example, DAY)]
    assert passed.status == "passed"
    assert failed.status == "failed"
    # kind 1 is not the first child (kind 2 has more hours); kind 2 has no contracts: max() undefined.
    assert failed.message == "kind[1].per_kind: expected €150.00, got €100.00; kind[2].duurste: expected €1.00, got undefined"
    assert format_text(text).count("kind[1].per_kind = ") == 2


@pytest.mark.parametrize(
    "expect, message",
    [
        ("kind[3].per_kind = €0", "the example gives 2 item(s) of kind there, so it has no kind[3] (counted from 1)"),
        ("contract[1].per_kind = €0", "per_kind is decided per kind: write kind[N].per_kind"),
        ("kind[1].totaal = €0", "'totaal' is not a decision per item"),
        ("kind[1].contract[2].per_kind = €0", "per_kind is decided per kind: write kind[N].per_kind"),
    ],
)
def test_expected_values_of_items_are_checked(expect: str, message: str) -> None:
    text = HOUSEHOLD + 'example "e" { inkomen = €1, kind = [{leeftijd = 1, uren = 1}, {leeftijd = 2, uren = 2}] } expect ' + expect + "\n"
    found = errors_of(text)
    assert found == [f"32:{text.splitlines()[31].index(expect) + 1}: {message}"]


def test_decisions_per_item_are_not_checked_where_a_parameter_they_read_has_no_value() -> None:
    """Regression: the built-in checks of decisions per item ran in every version, also before
    the first value of a parameter they read, and stopped the whole check with 'parameter p has
    no value' (found on statutes/kinderopvang, whose 2026 table starts on 2026-01-01). As for
    the case's decisions, such a version does not cover the decision: it is left out there,
    and checked from the parameter's first date on."""
    from lexproof.verifier import api

    text = """
statute S
facts G { h: bool }
items kind up to 2 { uren: int 0..300 }
parameter grens: int [art. 1] = 230 from 2026-01-01
decision telt: int per kind [art. 1]
rule binnen [art. 1 lid 1]: telt = uren if uren <= grens
rule boven [art. 1 lid 2]: telt = grens + 1 if uren >= grens
decision totaal: int [art. 2] otherwise 0
rule som [art. 2]: totaal = sum(kind: telt) if h
"""
    statute = load(text)
    results = api.builtin_checks(statute, None, Budget(), ("conflict", "gap"), undated=DAY)
    # From 2026 on, both rules apply to exactly 230 hours and decide 230 and 231: a conflict,
    # found in that version only; every number of hours has a rule (no gap). Before 2026
    # nothing is checked (and nothing stops the run).
    found = [(r.kind, r.status, r.found_in) for r in results if r.status != "clean"]
    assert found == [("conflict", "conflict", ["S on 2026-01-01"])]


def test_verbose_output_of_an_example_leaves_out_decisions_per_item_its_version_does_not_cover(tmp_path) -> None:
    """Regression: `check -v` showed every decision per item of an example's case, also one that
    reads a parameter without a value in the example's version, and stopped with 'parameter
    percentage has no value' although the example itself passed (found on statutes/kinderopvang:
    the 2022 examples of the hours link, before the 2026 table)."""
    from click.testing import CliRunner

    from lexproof.verifier.cli import main

    path = tmp_path / "s.law"
    path.write_text("""
statute S
facts G { h: bool }
items kind up to 2 { uren: int 0..300 }
parameter percentage: rate [art. 2] = 96% from 2026-01-01
decision telt: int per kind [art. 1] otherwise min(uren, 230)
decision bedrag: money per kind [art. 2] otherwise percentage * telt * €10
example "2025" [on 2025-06-01] { h = true, kind = [{ uren = 250 }] } expect kind[1].telt = 230
""", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path), "--no-builtin", "--no-cache", "-v"])
    assert result.exit_code == 0, result.output
    assert "kind[1].telt = 230" in result.output
    assert "kind[1].bedrag" not in result.output  # not covered on 2025-06-01
