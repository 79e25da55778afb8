"""Facts with defaults, example tolerances, ``on D with A`` versions, ``below`` (exclusive) table
bounds and cumulative tables (issue 13, part 3). Every expected value is worked out by hand in
the comment or docstring next to it."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

from lexproof.dsl.check_program import check_files
from lexproof.dsl.consolidate import check_all_versions, version_on
from lexproof.dsl.diagnostics import LexproofError
from lexproof.dsl.evaluator import Evaluator
from lexproof.dsl.formatter import format_text
from lexproof.dsl.model import StatuteModel
from lexproof.dsl.parser import parse_text
from lexproof.verifier import api
from lexproof.verifier.cli import main
from lexproof.verifier.properties import run_example
from lexproof.verifier.solving import Budget

DAY = dt.date(2025, 6, 1)
BUDGET = Budget(rlimit=50_000_000, timeout_ms=30_000)


def load(text: str) -> StatuteModel:
    statute = check_files([parse_text(text, "t.law")]).statute()
    check_all_versions(statute)
    return statute


def errors(text: str) -> list[str]:
    """Each diagnostic as 'line:col: message'."""
    with pytest.raises(LexproofError) as info:
        load(text)
    return [f"{d.span.line}:{d.span.column}: {d.message}" for d in info.value.diagnostics]


def value(statute: StatuteModel, decision: str, case: dict, on: dt.date = DAY):
    outcome = Evaluator({None: version_on(statute, on)}, {None: case}).decision(decision)
    return outcome.value if outcome.defined else outcome.status


def example_results(statute: StatuteModel) -> dict[str, tuple[str, str]]:
    return {
        e.name: (r.status, r.message)
        for e in statute.examples for r in run_example(statute, e, DAY)
    }


# --- facts with defaults -------------------------------------------------------------------------

DEFAULTS = """statute S
enum Soort { mbo, hbo }
facts F {
  inkomen: money €0..€50_000
  loopt_door: bool = false
  soort: Soort = hbo
  kinderen: int 0..5 = 1 typical 2
}
decision toeslag: money [art. 1] otherwise €0
rule r [art. 1]: toeslag = kinderen * €100 if soort = hbo and not loopt_door
"""


def test_an_example_may_leave_out_facts_with_a_default():
    # inkomen given; loopt_door false, soort hbo, kinderen 1 by default: 1 * €100 = €100.
    statute = load(DEFAULTS + 'example "kort" [on 2025-06-01] { inkomen = €1 } expect toeslag = €100\n'
                   'example "overschreven" [on 2025-06-01] { inkomen = €1, kinderen = 3 } expect toeslag = €300\n')
    assert example_results(statute)["kort"][0] == "passed"
    assert example_results(statute)["overschreven"][0] == "passed"
    assert statute.examples[0].defaulted == ("loopt_door", "soort", "kinderen")
    assert statute.examples[1].defaulted == ("loopt_door", "soort")


def test_a_fact_without_default_must_still_be_given():
    assert errors(DEFAULTS + 'example "x" [on 2025-06-01] { kinderen = 1 } expect toeslag = €100\n') == [
        "11:1: example 'x' does not give the facts: inkomen"
    ]


def test_a_default_is_not_an_assumption_for_properties():
    # Were loopt_door fixed at its default (false), hbo with a child would always get money.
    # Properties range over every value, so loopt_door = true is a counterexample.
    text = DEFAULTS + (
        "property altijd [on 2025-06-01] expect counterexample:\n"
        "  for every F\n  assume soort = hbo and kinderen >= 1\n  claim toeslag > €0\n"
    )
    program = check_files([parse_text(text, "t.law")])
    result = next(r for r in api.check(program, date=DAY, builtin=False, examples=False))
    assert result.status == "counterexample"
    assert result.witnesses[0].facts[None]["loopt_door"] is True


def test_the_default_is_the_typical_value_unless_one_is_given():
    statute = load(DEFAULTS)
    assert statute.facts["loopt_door"].typical is False
    assert statute.facts["soort"].typical == "hbo"
    assert statute.facts["kinderen"].typical == 2  # its own typical wins over the default 1
    assert statute.facts["inkomen"].typical is None


@pytest.mark.parametrize(
    "field, message",
    [
        ("x: int 0..5 = 6", "the default of x does not fit: x = 6 is above its range 0..5"),
        ("x: bool = 3", "the default of a bool must be a bool, not an int"),
        ("x: Soort = wo", "the default of x must be a value of Soort (mbo, hbo)"),
        ("x: bool = hbo", "the default of x must be a value of bool; write a literal of the fact's type, e.g. '= false'"),
        ("x: money = €0.001", "'€0.001' is not a usable number: money is in whole cents (at most two decimals)"),
    ],
)
def test_a_bad_default_is_reported_at_the_value(field, message):
    line = f"facts F {{ {field} }}"
    column = line.index("= ") + 3  # at the value after '='
    assert errors(f"statute S\nenum Soort {{ mbo, hbo }}\n{line}\n") == [f"3:{column}: {message}"]


def test_a_case_file_may_leave_out_facts_with_a_default_and_eval_says_which(tmp_path: Path):
    (tmp_path / "s.law").write_text(DEFAULTS, encoding="utf-8")
    (tmp_path / "case.json").write_text('{"inkomen": 1, "kinderen": 2}', encoding="utf-8")
    program = api.load(tmp_path / "s.law")
    result = api.evaluate(program, {"inkomen": 1, "kinderen": 2}, date=DAY)
    assert result.defaulted == ("loopt_door", "soort")
    assert result.case["soort"] == "hbo" and result.case["loopt_door"] is False
    assert result.outcomes["toeslag"].value == 200  # 2 * €100
    runner = CliRunner()
    args = ["eval", str(tmp_path / "s.law"), "--case", str(tmp_path / "case.json"), "--date", "2025-06-01"]
    human = runner.invoke(main, args)
    assert human.exit_code == 0 and "at their default (not in the case file): loopt_door, soort" in human.output
    data = json.loads(runner.invoke(main, [*args, "--format", "json"]).output)
    assert data["defaulted"] == ["loopt_door", "soort"]
    with pytest.raises(LexproofError, match="the case does not give: inkomen"):
        api.evaluate(program, {"kinderen": 2}, date=DAY)


# --- example tolerance ---------------------------------------------------------------------------

THIRDS = """statute S
facts F { bedrag: money €0..€1_000 }
decision derde: money [art. 1]
rule r [art. 1]: derde = bedrag / 3
decision aandeel: rate [art. 2]
rule a [art. 2]: aandeel = 1 / 3
decision ok: bool [art. 3]
rule o [art. 3]: ok = true
"""


def test_an_expected_value_may_state_a_tolerance():
    # €100 / 3 = €33.333...: €33.33 is 1/300 euro off, within €0.01; €33.32 is 1/75 off, not.
    # 1/3 - 33.33% = 1/3 - 0.3333 = 1/30000 = 0.0000333...: within 0.5% and within 0.0001,
    # not within 0.00001.
    statute = load(THIRDS + (
        'example "binnen" [on 2025-06-01] { bedrag = €100 } expect derde = €33.33 ± €0.01\n'
        'example "ascii" [on 2025-06-01] { bedrag = €100 } expect derde = €33.34 +- €0.01\n'
        'example "buiten" [on 2025-06-01] { bedrag = €100 } expect derde = €33.32 ± €0.01\n'
        'example "rate" [on 2025-06-01] { bedrag = €0 } expect aandeel = 33.33% ± 0.5%\n'
        'example "rate te krap" [on 2025-06-01] { bedrag = €0 } expect aandeel = 33.33% ± 0.00001\n'
        'example "rate ruim genoeg" [on 2025-06-01] { bedrag = €0 } expect aandeel = 33.33% ± 0.0001\n'
        'example "precies op de grens" [on 2025-06-01] { bedrag = €3 } expect derde = €1.01 ± €0.01\n'
        'example "zonder" [on 2025-06-01] { bedrag = €100 } expect derde = €33.33\n'
    ))
    results = example_results(statute)
    assert results["binnen"][0] == "passed"
    assert results["ascii"][0] == "passed"
    assert results["buiten"] == ("failed", "derde: expected €33.32 ± €0.01, got €33.3333… (exactly 100/3 euro)")
    assert results["rate"][0] == "passed"
    assert results["rate te krap"][0] == "failed"
    assert results["rate ruim genoeg"][0] == "passed"
    assert results["precies op de grens"][0] == "passed"  # €3 / 3 = €1.00, |1.00 - 1.01| = 0.01
    assert results["zonder"] == ("failed", "derde: expected €33.33, got €33.3333… (exactly 100/3 euro)")


@pytest.mark.parametrize(
    "expectation, message",
    [
        ("derde = €1 ± 0.01", "the tolerance of derde must be money like its value, not number; write it in euros, e.g. '± €0.01'"),
        ("derde = €1 ± -€0.01", "the tolerance of derde is negative (-€0.01); write the largest difference allowed, e.g. '± €0.01'"),
        ("ok = true ± 1", "a tolerance applies to an amount, number or rate; ok is bool, so remove '± 1' and expect the value exactly"),
        ("derde = €1 ± bedrag", "the tolerance of derde cannot depend on the fact 'bedrag'"),
    ],
)
def test_a_bad_tolerance_is_reported_at_the_tolerance(expectation, message):
    line = f'example "x" [on 2025-06-01] {{ bedrag = €1 }} expect {expectation}\n'
    found = errors(THIRDS + line)
    assert len(found) == 1
    column = line.index("±") + 3
    assert found[0].startswith(f"9:{column}: {message}")


# --- on D with A ---------------------------------------------------------------------------------

WITH = """statute S
facts F { inkomen: money €0..€100_000 }
parameter grens: money [art. 1]
  = €20_000 from 2025-01-01
  = €30_000 from 2028-01-01
decision recht: bool [art. 2] otherwise false
rule r [art. 2]: recht = true if inkomen <= grens

amendment P amends S in force 2026-01-01 proposal
  replace rule r [art. 2]: recht = true if inkomen <= grens + €5_000
"""


def test_on_d_with_a_applies_a_proposal_on_a_later_date():
    # On 2028-06-01 with P: grens is €30,000 (2028 value), P adds €5,000: limit €35,000.
    # After P (2026-01-01): grens €20,000 + €5,000 = €25,000. On 2028-06-01 without P: €30,000.
    statute = load(WITH + (
        'example "met P later" [on 2028-06-01 with P] { inkomen = €34_000 } expect recht = true\n'
        'example "zonder P" [on 2028-06-01] { inkomen = €34_000 } expect recht = false\n'
        'example "na P" [after P] { inkomen = €26_000 } expect recht = false\n'
        "property grens_met_p [on 2028-06-01 with P]: for every F claim recht implies inkomen <= €35_000\n"
        "property winst [from on 2028-06-01 to on 2028-06-01 with P]: for every F claim before.recht implies after.recht\n"
    ))
    results = example_results(statute)
    assert {name: status for name, (status, _) in results.items()} == {
        "met P later": "passed", "zonder P": "passed", "na P": "passed",
    }
    program = check_files([parse_text(WITH + (
        "property grens_met_p [on 2028-06-01 with P]: for every F claim recht implies inkomen <= €35_000\n"
        "property te_krap [on 2028-06-01 with P] expect counterexample: for every F claim recht implies inkomen <= €34_999\n"
    ), "t.law")])
    statuses = {r.name: r.status for r in api.check(program, builtin=False, examples=False)}
    assert statuses == {"grens_met_p": "proved", "te_krap": "counterexample"}


def test_on_d_with_a_reports_unknown_amendments_and_dates_before_the_amendment():
    found = errors(WITH + (
        'example "a" [on 2028-06-01 with Q] { inkomen = €1 } expect recht = true\n'
        'example "b" [on 2025-06-01 with P] { inkomen = €1 } expect recht = true\n'
    ))
    assert found == [
        "11:14: unknown amendment 'Q' of S",
        "12:14: 'on 2025-06-01 with P': 2025-06-01 is before P comes into force (2026-01-01); "
        "write 'after P' for the version on that date, or a date on or after it",
    ]


# --- below: exclusive bounds ---------------------------------------------------------------------

BELOW = """statute S
facts F { inkomen: money €0..€100_000 }
table staffel [art. 1]: money -> money {
  below €10_000: €300
  up to €20_000: €200
  above: €0
}
table heffing [art. 2]: money -> money marginal {
  below €10_000: 10%
  up to €20_000: 20%
}
decision toeslag: money [art. 1]
rule r [art. 1]: toeslag = staffel(inkomen)
decision belasting: money [art. 2]
rule b [art. 2]: belasting = heffing(inkomen)
"""


@pytest.mark.parametrize(
    "inkomen, toeslag, belasting",
    [
        # €9,999.99 < €10,000: first row. Tax 10% of it = €999.999.
        (Fraction(999_999, 100), 300, Fraction(999_999, 1000)),
        # €10,000 is not below €10,000: second row. Tax 10% x 10,000 = €1,000 (+ 20% x 0).
        (10_000, 200, 1_000),
        # €20,000 is up to €20,000 (inclusive): second row. Tax €1,000 + 20% x 10,000 = €3,000.
        (20_000, 200, 3_000),
        # €20,000.01: above. The marginal table has no 'above': undefined.
        (Fraction(2_000_001, 100), 0, "undefined"),
    ],
)
def test_below_excludes_its_bound_and_up_to_includes_it(inkomen, toeslag, belasting):
    statute = load(BELOW)
    assert value(statute, "toeslag", {"inkomen": Fraction(inkomen)}) == toeslag
    assert value(statute, "belasting", {"inkomen": Fraction(inkomen)}) == belasting


def test_a_below_bound_ends_a_marginal_table_without_above_before_the_bound():
    statute = load(BELOW.replace("up to €20_000: 20%", "below €20_000: 20%"))
    assert value(statute, "belasting", {"inkomen": Fraction(19_999)}) == Fraction(2_999_800, 1000)
    assert value(statute, "belasting", {"inkomen": Fraction(20_000)}) == "undefined"


def test_the_verifier_reads_below_as_the_evaluator_does():
    # The only incomes with toeslag €300 are those below €10,000; €10,000 itself gets €200.
    program = check_files([parse_text(BELOW + (
        "property grens [on 2025-06-01]: for every F claim toeslag = €300 implies inkomen < €10_000\n"
        "property scherp [on 2025-06-01] expect counterexample: for every F claim toeslag = €200 implies inkomen > €10_000\n"
    ), "t.law")])
    results = {r.name: r for r in api.check(program, builtin=False, examples=False)}
    assert results["grens"].status == "proved"
    assert results["scherp"].status == "counterexample"
    assert results["scherp"].witnesses[0].facts[None]["inkomen"] == 10_000


def test_falling_bounds_name_the_row_keyword():
    found = errors(
        "statute S\nfacts F { x: int 0..10 }\n"
        "parameter p: int [art. 1]\n  = 5 from 2025-01-01\n  = 1 from 2026-01-01\n"
        "table t: int -> int {\n  below 3: 1\n  below p: 2\n}\n"
    )
    assert len(found) == 1
    assert found[0].startswith(
        "8:9: the bounds of table t must rise from row to row: 'below p' (1) is below the bound before it, 'below 3' (3)"
    )
    assert errors("statute S\nfacts F { x: int 0..10 }\ntable t: int -> int {\n  up to 3: 1\n  below 3: 2\n}\n") == [
        "3:1: the bounds of a table must rise from row to row"
    ]


# --- cumulative tables ---------------------------------------------------------------------------

CUMULATIVE = """statute S
facts F { uren: int 0..100  kinderen: int 0..3 }
table toeslag_per_kind [art. 1]: int -> money cumulative {
  below 10: €50
  up to 20: €30
  up to 40: €20
}
decision bedrag: money [art. 1]
rule r [art. 1]: bedrag = toeslag_per_kind(uren)
decision totaal: money [art. 2]
rule t [art. 2]: totaal = toeslag_per_kind(uren) * kinderen
"""


@pytest.mark.parametrize(
    "uren, bedrag",
    [
        (0, 50),  # first bracket reached: €50
        (9, 50),
        (10, 80),  # 10 is not below 10: second bracket too: €50 + €30
        (20, 80),
        (21, 100),  # third bracket: €50 + €30 + €20
        (40, 100),
        (41, "undefined"),  # beyond the last bound, no 'above'
    ],
)
def test_a_cumulative_table_adds_the_amount_of_every_bracket_reached(uren, bedrag):
    statute = load(CUMULATIVE)
    assert value(statute, "bedrag", {"uren": uren, "kinderen": 0}) == bedrag


def test_a_cumulative_table_with_above_and_as_a_factor():
    statute = load(CUMULATIVE.replace("  up to 40: €20\n", "  up to 40: €20\n  above: €5\n"))
    assert value(statute, "bedrag", {"uren": 41, "kinderen": 0}) == 105  # 50 + 30 + 20 + 5
    assert value(statute, "totaal", {"uren": 15, "kinderen": 3}) == 240  # (50 + 30) * 3
    program = check_files([parse_text(CUMULATIVE + (
        "property max [on 2025-06-01]: for every F assume uren <= 40 claim totaal <= €300\n"
        "property krap [on 2025-06-01] expect counterexample: for every F assume uren <= 40 claim totaal < €300\n"
    ), "t.law")])
    statuses = {r.name: r.status for r in api.check(program, builtin=False, examples=False)}
    assert statuses == {"max": "proved", "krap": "counterexample"}  # 3 * €100 = €300 at most


def test_a_cumulative_table_sums_numbers():
    assert errors("statute S\nfacts F { x: int 0..10 }\ntable t: int -> bool cumulative { up to 3: true }\n") == [
        "3:17: a cumulative table adds up its rows' amounts, so its result is a number, not a bool; "
        "drop 'cumulative' for a table that picks one row's value"
    ]


# --- the formatter ----------------------------------------------------------------------------------


def test_the_formatter_keeps_every_new_construct():
    text = (
        "statute S\nfacts F {\n  x: int 0..10 = 3 typical 4\n  b: bool = false\n}\n"
        "table t: int -> int cumulative {\n  below 3: 1\n  up to 5: 2\n  above: 3\n}\n"
        "decision d: int [art. 1]\nrule r [art. 1]:\n  d = t(x)\n"
        'example "e" [on 2026-01-01 with A] {\n  x = 1\n} expect d = 1 +- 0\n'
        "amendment A amends S in force 2025-01-01 proposal\n"
    )
    formatted = format_text(text)
    assert "\n  x: int 0..10 = 3 typical 4\n" in formatted
    assert "\ntable t: int -> int cumulative {\n  below 3: 1\n  up to 5: 2\n  above: 3\n}" in formatted
    assert 'example "e" [on 2026-01-01 with A] {' in formatted and "} expect d = 1 ± 0\n" in formatted
    assert parse_text(formatted, "f.law") == parse_text(text, "f.law")
    assert format_text(formatted) == formatted


def test_hypothesis_strategies_draw_every_value_and_shrink_to_the_default():
    """The strategies start from the default (it is the typical value) but still draw the
    other values: a default narrows nothing."""
    from hypothesis import find

    from lexproof.verifier.strategies import cases

    statute = load(DEFAULTS)
    simplest = find(cases(statute), lambda case: True)
    assert simplest["soort"] == "hbo"  # the default, not mbo (the first value)
    assert simplest["kinderen"] == 2  # its own typical, not the default 1 nor the minimum 0
    assert find(cases(statute), lambda case: case["loopt_door"])["loopt_door"] is True
    assert find(cases(statute), lambda case: case["soort"] == "mbo")["soort"] == "mbo"
