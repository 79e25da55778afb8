"""The soundness suite for repeated items: on random statutes with items
(``statute_generator.item_statutes``), the Z3 encoding agrees with the evaluator on the cases
(every count of items from 0 to the maximum, at every level), and ``check_property`` says what
brute force over every case says. See tests/test_soundness.py for the method."""

from __future__ import annotations

import datetime as dt
import random

import z3
from hypothesis import HealthCheck, given, settings
from statute_generator import ItemStatute, item_statutes
from test_items import outcome, pins

from lexproof.dsl.consolidate import version_on
from lexproof.dsl.evaluator import Evaluator, Undefined
from lexproof.verifier.encoding import Encoder
from lexproof.verifier.properties import check_property
from lexproof.verifier.solving import Budget

DAY = dt.date(2025, 1, 1)
SAMPLE = 60  # cases per statute for evaluator vs encoding (every count is among them)


def sample(gen: ItemStatute, seed: int) -> list[dict]:
    cases = gen.cases()
    rng = random.Random(seed)
    by_count: dict[int, list[dict]] = {}
    for case in cases:
        by_count.setdefault(len(case["k"]), []).append(case)
    chosen = [rng.choice(group) for group in by_count.values()]  # every count from 0 to the maximum
    return chosen + rng.sample(cases, min(SAMPLE, len(cases)))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(gen=item_statutes())
def test_item_encoding_agrees_with_evaluator(gen: ItemStatute) -> None:
    statute = gen.load()
    version = version_on(statute, DAY)
    encoder = Encoder(statute, {None: version})
    pairs = {name: encoder.decision(name) for name in gen.case_decisions}
    full = {"h": False, "n": 0, "k": [({"a": 0, "f": False, "c": [{"p": 0}] * gen.c_max} if gen.c_max else
                                       {"a": 0, "f": False})] * gen.k_max}
    pins(encoder, statute, full)  # declares every count and item fact read, before the solver
    solver = z3.Solver(ctx=encoder.ctx)
    solver.add(encoder.hard_constraints())
    trackers = encoder.assumptions()
    for case in sample(gen, len(gen.text)):
        evaluator = Evaluator({None: version}, {None: case})
        solver.push()
        solver.add(pins(encoder, statute, case))
        assert solver.check(*trackers) == z3.sat, f"the encoding rules out {case}\n{gen.text}"
        model = solver.model()
        others = []
        for name, (value, defined) in pairs.items():
            expected = outcome(evaluator, name)
            got_defined = z3.is_true(model.eval(defined, model_completion=True))
            info = statute.decisions[name]
            got = encoder.decode(info.type, model.eval(value, model_completion=True)) if got_defined else None
            assert (got_defined, got) == expected, f"{name} for {case}: encoding {(got_defined, got)}, evaluator {expected}\n{gen.text}"
            others.append(z3.Or(z3.Not(defined), value != encoder.const(info.type, expected[1])) if expected[0] else defined)
        solver.add(z3.Or(others))
        assert solver.check(*trackers) == z3.unsat, f"another outcome for {case}\n{gen.text}"
        solver.pop()


def brute_force(statute, prop, cases: list[dict]) -> str:
    version = version_on(statute, DAY)
    met = False
    for case in cases:
        evaluator = Evaluator({None: version}, {None: case})

        def holds(node, evaluator: Evaluator = evaluator) -> bool:
            try:
                return bool(evaluator.eval(node, None, None))
            except Undefined:
                return False

        if all(holds(a) for a in prop.assumptions):
            met = True
            if not holds(prop.claim):
                return "counterexample"
    return "proved" if met else "vacuous"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(gen=item_statutes())
def test_item_properties_match_brute_force(gen: ItemStatute) -> None:
    statute = gen.load()
    cases = gen.cases()
    for prop in statute.properties:
        verdict = check_property(statute, prop, DAY, Budget()).status
        assert verdict != "unknown", f"{prop.name} unknown\n{gen.text}"
        assert verdict == brute_force(statute, prop, cases), f"{prop.name}: {verdict}\n{gen.text}"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(gen=item_statutes())
def test_item_decision_conflicts_and_gaps_match_brute_force(gen: ItemStatute) -> None:
    import itertools

    from lexproof.dsl.items import item_contexts
    from lexproof.verifier.checks import _override_closure
    from lexproof.verifier.item_checks import run_item_checks

    statute = gen.load()
    version = version_on(statute, DAY)
    found = {(r.kind, r.details.get("decision", r.name)) for r in run_item_checks(statute, version, Budget(), ("conflict", "gap"))}
    assert not any(kind == "unknown" for kind, _ in found)
    expected = set()
    for case in gen.cases():
        evaluator = Evaluator({None: version}, {None: case})
        for context in item_contexts(statute, case, None):
            for name in statute.item_decisions:
                outcome = evaluator.decision(name, context)
                rules = version.rules_of(name)
                status = {t.rule.name: t.status for t in outcome.rules}
                values = {}
                for trace in outcome.rules:
                    if trace.status == "applied":
                        try:
                            values[trace.rule.name] = evaluator.eval(trace.rule.value, context, None)
                        except Undefined:
                            pass
                # As docs/checks.md defines a conflict: two rules apply (their own conditions
                # and those of the rules that override them defined) and give different values.
                for a, b in itertools.combinations(rules, 2):
                    closure = _override_closure(a, rules) | _override_closure(b, rules)
                    if a.name in values and b.name in values and values[a.name] != values[b.name] \
                            and all(status[n] != "undefined" for n in closure):
                        expected.add(("conflict", name))
                if outcome.status == "undecided":
                    expected.add(("gap", name))
    assert found == expected, gen.text


def _pair_verdict(statute, prop, pairs) -> str:
    """As check_property defines it: a counterexample, else vacuous when no pair meets the
    premises (and the antecedents of a claim 'x implies y'), else proved."""
    from lexproof.verifier.properties import claim_antecedents

    version = version_on(statute, DAY)
    met = False
    antecedent_met = False
    antecedents = claim_antecedents(prop.claim)
    for a, b in pairs:
        evaluator = Evaluator({None: version}, {"a": a, "b": b})

        def holds(node, evaluator: Evaluator = evaluator) -> bool:
            try:
                return bool(evaluator.eval(node, None, None))
            except Undefined:
                return False

        if all(holds(x) for x in prop.assumptions):
            met = True
            antecedent_met = antecedent_met or all(holds(x) for x in antecedents)
            if not holds(prop.claim):
                return "counterexample"
    return "proved" if met and antecedent_met else "vacuous"


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(gen=item_statutes())
def test_two_case_properties_over_items_match_brute_force(gen: ItemStatute) -> None:
    """``a, b differing only in h`` (the same items) and ``a, b adding one k`` (b: a's items
    and one more, listed last) against every such pair of cases."""
    base = gen.load()
    target = gen.case_decisions[0]
    numeric = base.decisions[target].type.kind == "int"
    claim = f"a.{target} <= b.{target}" if numeric else f"a.{target} implies b.{target}"
    text = gen.text + (
        f"property same: for every G a, b differing only in h claim a.{target} = b.{target} or a.h != b.h\n"
        f"property more: for every G a, b adding one k claim {claim}\n"
    )
    statute = ItemStatute(text, gen.k_max, gen.c_max).load()
    cases = gen.cases()
    same_pairs = [(a, {**a, "h": h}) for a in cases for h in (False, True)]
    more_pairs = [(a, {**a, "k": a["k"] + [extra]}) for a in cases if len(a["k"]) < gen.k_max
                  for extra in gen.item_domain()]
    for prop, pairs in ((statute.properties[-2], same_pairs), (statute.properties[-1], more_pairs)):
        verdict = check_property(statute, prop, DAY, Budget()).status
        assert verdict == _pair_verdict(statute, prop, pairs), f"{prop.name}: {verdict}\n{text}"
