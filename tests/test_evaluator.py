"""The concrete evaluator on hand-computed cases: exceptions, conflicts, gaps, defaults,
short-circuiting, arithmetic, tables, dates, dated parameters and amendments (versions).

Case values are the engines' own: int, Fraction (money in euros, rates), day numbers for dates
(date.toordinal()), str for enum values."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from lexproof.dsl import ast
from lexproof.dsl.check_program import check_files
from lexproof.dsl.consolidate import resolve_spec, version_on
from lexproof.dsl.diagnostics import LexproofError
from lexproof.dsl.evaluator import Evaluator, evaluate_case
from lexproof.dsl.model import StatuteModel
from lexproof.dsl.parser import parse_text

D = dt.date


def day(text: str) -> int:
    return dt.date.fromisoformat(text).toordinal()


def statute(text: str) -> StatuteModel:
    program = check_files([parse_text(text, "test.law")])
    (model,) = program.statutes.values()
    return model


def run(text_or_model, case: dict, on: str = "2025-01-01", **kwargs):
    model = statute(text_or_model) if isinstance(text_or_model, str) else text_or_model
    return evaluate_case(version_on(model, D.fromisoformat(on), **kwargs), case)


def values(outcomes) -> dict:
    return {name: (o.status, o.value) for name, o in outcomes.items()}


# --- exceptions (lex specialis), conflicts, gaps, defaults ------------------------------------

LEX_SPECIALIS = """\
statute S
facts F { leeftijd: int 0..120  aandeel: rate 0..1 }
decision recht: bool otherwise false
rule basis [art. 1]: recht = true if leeftijd < 55
rule uitsluiting [art. 1 lid 2] except basis: recht = false if aandeel = 100%
"""


def test_exception_overrides_the_general_rule():
    outcome = run(LEX_SPECIALIS, {"leeftijd": 40, "aandeel": Fraction(1)})["recht"]
    assert (outcome.status, outcome.value) == ("decided", False)
    assert [r.name for r in outcome.deciding] == ["uitsluiting"]
    traces = {t.rule.name: t for t in outcome.rules}
    assert traces["basis"].status == "overridden"
    assert traces["basis"].overridden_by == ("uitsluiting",)
    assert traces["uitsluiting"].status == "applied"


def test_general_rule_applies_when_the_exception_does_not():
    outcome = run(LEX_SPECIALIS, {"leeftijd": 40, "aandeel": Fraction(1, 2)})["recht"]
    assert (outcome.status, outcome.value) == ("decided", True)
    traces = {t.rule.name: t for t in outcome.rules}
    assert traces["uitsluiting"].status == "not applicable"
    assert traces["uitsluiting"].failed_condition == "aandeel = 100%"


def test_default_when_no_rule_applies():
    # 60 >= 55: basis does not apply; the exception does not either (aandeel 0).
    outcome = run(LEX_SPECIALIS, {"leeftijd": 60, "aandeel": Fraction(0)})["recht"]
    assert (outcome.status, outcome.value, outcome.deciding) == ("default", False, ())
    assert {t.rule.name: t.failed_condition for t in outcome.rules} == {
        "basis": "leeftijd < 55", "uitsluiting": "aandeel = 100%",
    }


def test_exception_that_applies_alone_still_decides():
    # 60: basis does not hold, the exception does: it decides false (not the default).
    outcome = run(LEX_SPECIALIS, {"leeftijd": 60, "aandeel": Fraction(1)})["recht"]
    assert (outcome.status, outcome.value) == ("decided", False)
    assert [r.name for r in outcome.deciding] == ["uitsluiting"]


CHAIN = """\
statute S
facts F {{ x: int 0..100 }}
decision d: int
rule a [art. 1]: d = 1
rule b [art. 2] except a: d = 2 if x > 10
rule c [art. 3] except b: d = {c_value} if x > 20
"""


@pytest.mark.parametrize("x, expected, deciding", [(5, 1, ["a"]), (15, 2, ["b"])])
def test_chain_of_exceptions_below_the_top(x, expected, deciding):
    outcome = run(CHAIN.format(c_value=1), {"x": x})["d"]
    assert (outcome.status, outcome.value) == ("decided", expected)
    assert [r.name for r in outcome.deciding] == deciding


def test_chain_of_exceptions_top_silences_the_middle_which_no_longer_silences_the_bottom():
    # x = 25: c fires and overrides b; b does not fire, so nothing overrides a, which fires too.
    # Both say 1: decided 1 by a and c ("a rule fires when its condition holds and no rule that
    # overrides it fires").
    outcome = run(CHAIN.format(c_value=1), {"x": 25})["d"]
    assert (outcome.status, outcome.value) == ("decided", 1)
    assert [r.name for r in outcome.deciding] == ["a", "c"]
    traces = {t.rule.name: t for t in outcome.rules}
    assert traces["b"].status == "overridden" and traces["b"].overridden_by == ("c",)


def test_chain_of_exceptions_with_disagreeing_ends_is_a_conflict():
    outcome = run(CHAIN.format(c_value=3), {"x": 25})["d"]
    assert (outcome.status, outcome.value) == ("conflict", None)
    assert [r.name for r in outcome.deciding] == ["a", "c"]
    assert "a" in outcome.reason and "c" in outcome.reason and not outcome.defined


def test_rule_with_several_exception_targets():
    model = statute("""\
statute S
facts F { x: int 0..100 }
decision d: int otherwise 0
rule a [art. 1]: d = 1 if x > 10
rule b [art. 2]: d = 1 if x > 20
rule c [art. 3] except a, b: d = 9 if x > 30
""")
    assert values(run(model, {"x": 25}))["d"] == ("decided", 1)
    outcome = run(model, {"x": 35})["d"]
    assert (outcome.status, outcome.value) == ("decided", 9)
    assert {t.rule.name: t.overridden_by for t in outcome.rules if t.status == "overridden"} == {
        "a": ("c",), "b": ("c",)
    }


CONFLICT = """\
statute S
facts F { x: int 0..100 }
decision d: int
rule laag [art. 1]: d = 1 if x < 50
rule hoog [art. 2]: d = 2 if x > 40 and x < 90
rule ook_laag [art. 3]: d = 1 if x < 30
"""


def test_conflict_between_rules_that_disagree():
    outcome = run(CONFLICT, {"x": 45})["d"]
    assert outcome.status == "conflict" and outcome.value is None
    assert [r.name for r in outcome.deciding] == ["laag", "hoog"]


def test_rules_that_agree_decide_together():
    outcome = run(CONFLICT, {"x": 20})["d"]
    assert (outcome.status, outcome.value) == ("decided", 1)
    assert [r.name for r in outcome.deciding] == ["laag", "ook_laag"]


def test_gap_without_default_is_undecided():
    # 95: not < 50, not < 90, not < 30: no rule applies, and d has no 'otherwise'.
    outcome = run(CONFLICT, {"x": 95})["d"]
    assert (outcome.status, outcome.value, outcome.defined) == ("undecided", None, False)
    assert "no rule decides d" in outcome.reason


def test_default_may_depend_on_the_case():
    outcome = run("""\
statute S
facts F { x: int 0..100 }
decision d: int otherwise x * 2 + 1
rule r [art. 1]: d = 0 if x > 50
""", {"x": 7})["d"]
    assert (outcome.status, outcome.value) == ("default", 15)  # 7 * 2 + 1


# --- short-circuiting over an undecided decision ------------------------------------------------

SHORT_CIRCUIT = """\
statute S
facts F { x: int 0..100 }
decision g: bool
rule g_rule [art. 1]: g = true if x > 10
decision and_first: bool
rule r1 [art. 2]: and_first = (x > 10 and g)
decision and_last: bool
rule r2 [art. 2]: and_last = (g and x > 10)
decision or_first: bool
rule r3 [art. 2]: or_first = (x < 10 or g)
decision or_last: bool
rule r4 [art. 2]: or_last = (g or x < 10)
decision implies_: bool
rule r5 [art. 2]: implies_ = (x > 10 implies g)
decision if_: bool
rule r6 [art. 2]: if_ = if x > 10 then g else false
decision not_: bool
rule r7 [art. 2]: not_ = not g
decision in_condition: bool otherwise false
rule r8 [art. 2]: in_condition = true if x > 10 and g
decision condition_undefined: bool otherwise false
rule r9 [art. 2]: condition_undefined = true if g
"""


def test_short_circuit_around_an_undecided_decision():
    # x = 5: g is undecided (gap). Left-to-right operators that stop before g are defined.
    result = values(run(SHORT_CIRCUIT, {"x": 5}))
    assert result == {
        "g": ("undecided", None),
        "and_first": ("decided", False),     # x > 10 is false: g is not looked at
        "and_last": ("undefined", None),     # g first
        "or_first": ("decided", True),       # x < 10 is true
        "or_last": ("undefined", None),
        "implies_": ("decided", True),       # false premise
        "if_": ("decided", False),           # else-branch; g only in the then-branch
        "not_": ("undefined", None),
        "in_condition": ("default", False),  # the condition is false before reaching g
        "condition_undefined": ("undefined", None),
    }


def test_no_short_circuit_needed_when_the_decision_is_defined():
    result = values(run(SHORT_CIRCUIT, {"x": 20}))
    assert all(status == "decided" for status, _ in result.values())
    assert result["and_last"] == ("decided", True) and result["not_"] == ("decided", False)


def test_undefined_condition_explains_why():
    outcome = run(SHORT_CIRCUIT, {"x": 5})["condition_undefined"]
    assert outcome.reason == "a condition of condition_undefined is undefined: g is undecided"
    (trace,) = outcome.rules
    assert trace.status == "undefined"


def test_an_undefined_condition_makes_the_decision_undefined_even_if_overridden():
    # Documented semantics (dsl/evaluator.py): a decision is undefined when any of its rules'
    # conditions is undefined, also when an exception would override that rule. x = 20 here:
    # the exception applies, but basis's condition reads the undecided g (x <= 30).
    outcome = run("""\
statute S
facts F { x: int 0..100 }
decision g: bool
rule g_rule [art. 1]: g = true if x > 30
decision d: bool otherwise false
rule basis [art. 2]: d = true if g
rule uitzondering [art. 3] except basis: d = false if x > 10
""", {"x": 20})["d"]
    assert outcome.status == "undefined" and outcome.value is None
    assert {t.rule.name: t.status for t in outcome.rules}["basis"] == "undefined"


# --- arithmetic -------------------------------------------------------------------------------

ARITHMETIC = """\
statute S
facts F { x: int 0..100  m: money €0..€100_000  begin: date 2000-01-01..2100-01-01 }
parameter grens: int = 12
parameter deler: int = 0
decision kleinste: int
rule r1 [art. 1]: kleinste = min(x, 10, grens)
decision grootste: money
rule r2 [art. 1]: grootste = max(m - €100, €0)
decision per_maand: money
rule r3 [art. 1]: per_maand = m / 12
decision deel: rate
rule r4 [art. 1]: deel = x / 8
decision door_nul: rate
rule r5 [art. 1]: door_nul = x / deler
decision einde: date
rule r6 [art. 2]: einde = begin + 30
decision dagen: int
rule r7 [art. 2]: dagen = 2025-03-01 - begin
decision op_tijd: bool
rule r8 [art. 2]: op_tijd = begin + 30 <= 2025-02-14
decision negatief: money
rule r9 [art. 1]: negatief = -m * 2
decision keuze: int
rule r10 [art. 1]: keuze = if m > €500 then x else -x
"""


def test_min_max_division_and_dates():
    result = values(run(ARITHMETIC, {"x": 3, "m": Fraction(1000), "begin": day("2025-01-15")}))
    assert result["kleinste"] == ("decided", 3)                      # min(3, 10, 12)
    assert result["grootste"] == ("decided", 900)                    # max(€1000 - €100, €0)
    assert result["per_maand"] == ("decided", Fraction(250, 3))      # €1000 / 12, exact: €83.33...
    assert result["deel"] == ("decided", Fraction(3, 8))             # 37.5%
    assert result["einde"] == ("decided", day("2025-02-14"))         # 15 Jan + 30 days
    assert result["dagen"] == ("decided", 45)                        # 16 days of Jan + 28 of Feb + 1
    assert result["op_tijd"] == ("decided", True)                    # 14 Feb <= 14 Feb
    assert result["negatief"] == ("decided", -2000)
    assert result["keuze"] == ("decided", 3)


def test_min_max_other_branches():
    result = values(run(ARITHMETIC, {"x": 50, "m": Fraction(50), "begin": day("2024-12-31")}))
    assert result["kleinste"] == ("decided", 10)                     # min(50, 10, 12)
    assert result["grootste"] == ("decided", 0)                      # max(-€50, €0)
    assert result["dagen"] == ("decided", 60)                        # 1 + 31 + 28 days
    assert result["op_tijd"] == ("decided", True)                    # 30 Jan
    assert result["keuze"] == ("decided", -50)


def test_division_by_a_zero_parameter_is_undefined():
    outcome = run(ARITHMETIC, {"x": 3, "m": Fraction(0), "begin": day("2025-01-01")})["door_nul"]
    assert outcome.status == "undefined"
    assert "division by zero" in outcome.reason


# --- tables -----------------------------------------------------------------------------------

TABLES = """\
statute S
facts F { inkomen: money €0..€1_000_000 }
table tarief: money -> rate {
  up to €10_000: 10%
  up to €20_000: 20%
  above: 30%
}
table zonder_boven: money -> rate {
  up to €10_000: 10%
  up to €20_000: 20%
}
table belasting: money -> money marginal {
  up to €10_000: 10%
  up to €20_000: 20%
  above: 50%
}
table belasting_zonder_boven: money -> money marginal {
  up to €10_000: 10%
  up to €20_000: 20%
}
decision flat: rate
rule r1 [bijlage 1]: flat = tarief(inkomen)
decision flat2: rate
rule r2 [bijlage 1]: flat2 = zonder_boven(inkomen)
decision marginaal: money
rule r3 [bijlage 2]: marginaal = belasting(inkomen)
decision marginaal2: money
rule r4 [bijlage 2]: marginaal2 = belasting_zonder_boven(inkomen)
"""


@pytest.mark.parametrize(
    "inkomen, flat, flat2, marginaal, marginaal2",
    [
        # €0: first row; nothing taxed.
        (Fraction(0), Fraction(1, 10), Fraction(1, 10), 0, 0),
        # €5,000: 10% of 5,000 = €500.
        (Fraction(5_000), Fraction(1, 10), Fraction(1, 10), 500, 500),
        # Exactly on a bound: the bound is inclusive ("up to"). 10% of 10,000 = €1,000.
        (Fraction(10_000), Fraction(1, 10), Fraction(1, 10), 1_000, 1_000),
        # One cent above: second row; €1,000 + 20% of €0.01 = €1,000.002.
        (Fraction(1_000_001, 100), Fraction(1, 5), Fraction(1, 5), Fraction(1_000_002, 1000), Fraction(1_000_002, 1000)),
        # €15,000: €1,000 + 20% of 5,000 = €2,000.
        (Fraction(15_000), Fraction(1, 5), Fraction(1, 5), 2_000, 2_000),
        # €20,000: €1,000 + €2,000 = €3,000.
        (Fraction(20_000), Fraction(1, 5), Fraction(1, 5), 3_000, 3_000),
        # €25,000: €1,000 + €2,000 + 50% of 5,000 = €5,500; beyond the last row without 'above': undefined.
        (Fraction(25_000), Fraction(3, 10), None, 5_500, None),
    ],
)
def test_flat_and_marginal_tables(inkomen, flat, flat2, marginaal, marginaal2):
    result = run(TABLES, {"inkomen": inkomen})
    assert (result["flat"].status, result["flat"].value) == ("decided", flat)
    assert (result["marginaal"].status, result["marginaal"].value) == ("decided", marginaal)
    if flat2 is None:
        assert result["flat2"].status == "undefined"
        assert "above the last row of table zonder_boven" in result["flat2"].reason
        assert result["marginaal2"].status == "undefined"
    else:
        assert (result["flat2"].status, result["flat2"].value) == ("decided", flat2)
        assert (result["marginaal2"].status, result["marginaal2"].value) == ("decided", marginaal2)


# --- parameters on dates ---------------------------------------------------------------------

DATED = """\
statute S
facts F { leeftijd: int 0..120 }
parameter grens: int [art. 2]
  = 55 from 2017-09-01
  = 56 from 2020-09-01
  = 57 from 2024-09-01
decision recht: bool otherwise false
rule basis [art. 1]: recht = true if leeftijd < grens
"""


@pytest.mark.parametrize(
    "on, grens",
    [("2017-09-01", 55), ("2020-08-31", 55), ("2020-09-01", 56), ("2024-08-31", 56), ("2024-09-01", 57),
     ("2099-01-01", 57)],
)
def test_parameter_takes_the_value_in_force(on, grens):
    model = statute(DATED)
    version = version_on(model, D.fromisoformat(on))
    assert version.parameters == {"grens": grens}
    # A 56-year-old is eligible exactly when the limit is 57.
    assert run(model, {"leeftijd": 56}, on)["recht"].value is (grens == 57)


def test_parameter_before_its_first_date_has_no_value():
    model = statute(DATED)
    version = version_on(model, D(2017, 8, 31))
    assert "grens" not in version.parameters
    with pytest.raises(LexproofError) as info:
        evaluate_case(version, {"leeftijd": 40})
    assert "parameter grens has no value in S on 2017-08-31" in str(info.value)


# --- amendments and versions -----------------------------------------------------------------

AMENDED = """\
statute S
facts F { x: int 0..100 }
parameter p: int = 50 from 2020-01-01
decision d: int otherwise 0
rule a [art. 1]: d = 1 if x < p
rule b [art. 2 lid 1]: d = 2 if x = 99
rule c [art. 2 lid 2]: d = 3 if x = 98
rule e [art. 3]: d = 4 if x = 97
amendment A "Eerste" amends S in force 2027-01-01
  replace rule a [art. 1]: d = 1 if x < p and x > 5
  insert rule n [art. 4]: d = 5 if x = 96
  repeal rule e
  repeal [art. 2]
  set parameter p = 60
  set parameter p = 70 from 2029-01-01
amendment B amends S in force 2028-01-01
  set parameter p = 65
  replace rule n [art. 4]: d = 6 if x = 96
"""


def test_version_before_the_amendment():
    model = statute(AMENDED)
    version = version_on(model, D(2026, 12, 31))
    assert version.amendments == ()
    assert [r.name for r in version.rules] == ["a", "b", "c", "e"]
    assert version.parameters == {"p": 50}
    assert version.label == "S on 2026-12-31"
    result = {x: evaluate_case(version, {"x": x})["d"].value for x in (3, 55, 96, 97, 98, 99)}
    assert result == {3: 1, 55: 0, 96: 0, 97: 4, 98: 3, 99: 2}


def test_version_on_the_in_force_date_applies_every_change():
    model = statute(AMENDED)
    version = version_on(model, D(2027, 1, 1))
    assert version.amendments == ("A",)
    # replace keeps a's place; repeal [art. 2] removes b and c (both lids); e is repealed; n inserted.
    assert [r.name for r in version.rules] == ["a", "n"]
    assert version.rule("a").origin == "A"
    assert version.parameters == {"p": 60}
    assert version.label == "S on 2027-01-01 (with A)"
    result = {x: evaluate_case(version, {"x": x})["d"].value for x in (3, 55, 96, 97, 98, 99)}
    # 3: no longer > 5 -> default 0; 55 < 60 -> 1; 96: inserted rule -> 5; 97..99: repealed -> 0.
    assert result == {3: 0, 55: 1, 96: 5, 97: 0, 98: 0, 99: 0}


def test_later_amendments_apply_in_date_order():
    model = statute(AMENDED)
    v2028 = version_on(model, D(2028, 6, 1))
    assert v2028.amendments == ("A", "B")
    assert v2028.parameters == {"p": 65}                       # B's value from 2028-01-01
    assert evaluate_case(v2028, {"x": 96})["d"].value == 6     # B replaced the rule A inserted
    v2029 = version_on(model, D(2029, 1, 1))
    assert v2029.parameters == {"p": 70}                       # A's dated value, later than B's


def test_before_and_after_an_amendment():
    model = statute(AMENDED)
    span = model.amendments["A"].span
    after = resolve_spec(model, ast.VersionSpec("after", None, "A", span=span))
    before = resolve_spec(model, ast.VersionSpec("before", None, "A", span=span))
    on = resolve_spec(model, ast.VersionSpec("on", D(2026, 1, 1), span=span))
    assert (after.date, after.amendments, after.parameters) == (D(2027, 1, 1), ("A",), {"p": 60})
    assert (before.date, before.amendments, before.parameters) == (D(2027, 1, 1), (), {"p": 50})
    assert (on.date, on.amendments) == (D(2026, 1, 1), ())
    assert evaluate_case(before, {"x": 55})["d"].value == 0    # 55 >= 50
    assert evaluate_case(after, {"x": 55})["d"].value == 1     # 55 < 60
    # before B (2028-01-01) still has A; after B has both.
    before_b = resolve_spec(model, ast.VersionSpec("before", None, "B", span=span))
    assert before_b.amendments == ("A",) and before_b.parameters == {"p": 60}


def test_unknown_amendment_in_a_version_spec():
    model = statute(AMENDED)
    with pytest.raises(LexproofError) as info:
        resolve_spec(model, ast.VersionSpec("after", None, "nope", span=model.span))
    assert "unknown amendment 'nope' of S" in str(info.value)


def test_what_if_an_amendment_not_yet_in_force():
    model = statute(AMENDED)
    # Including A (2027) on 2025-01-01 moves the effective date to A's in-force date.
    version = version_on(model, D(2025, 1, 1), include=("A",))
    assert (version.amendments, version.date, version.parameters) == (("A",), D(2027, 1, 1), {"p": 60})
    # Including only B: B replaces rule n, which only A inserts, so that version cannot exist.
    with pytest.raises(LexproofError) as info:
        version_on(model, D(2025, 1, 1), include=("B",))
    assert "rule 'n' does not exist when B comes into force" in str(info.value)


def test_two_versions_in_one_evaluator():
    model = statute(AMENDED)
    before = version_on(model, D(2027, 1, 1), exclude=("A",))
    after = version_on(model, D(2027, 1, 1))
    evaluator = Evaluator({"before": before, "after": after}, {None: {"x": 55}})
    assert evaluator.decision("d", None, "before").value == 0
    assert evaluator.decision("d", None, "after").value == 1


def test_two_cases_in_one_evaluator():
    model = statute(DATED)
    version = version_on(model, D(2025, 1, 1))
    evaluator = Evaluator({None: version}, {"a": {"leeftijd": 56}, "b": {"leeftijd": 57}})
    assert evaluator.decision("recht", "a").value is True      # 56 < 57
    assert evaluator.decision("recht", "b").value is False     # 57 is not < 57
