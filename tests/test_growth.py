"""Amendments that grow the law: ``add facts``, ``add decision``, ``add enum``, ``add table``,
``add rows to table`` and ``set parameter P = no value``.

Expected values are worked out by hand from the statute below; the comments say how."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

import pytest

from lexproof.dsl.diagnostics import LexproofError
from lexproof.dsl.formatter import format_file
from lexproof.dsl.parser import parse_file, parse_text
from lexproof.verifier import api

BASE = """statute S
  enum Soort { a, b }
  facts F {
    x: int 0..100
    s: Soort
    inkomen: money €0..€1000
  }
  decision d: int
  decision tax: money
  parameter p: int = 5
  table t: int -> int { up to 10: 1  above: 2 }
  table belasting: money -> money marginal { up to €100: 10%  above: 50% }
  rule r1 [art. 1]: d = p if s = a
  rule r2 [art. 2]: d = t(x) if s = b
  rule rt [art. 3]: tax = belasting(inkomen)
"""

GROW = BASE + """
amendment A amends S in force 2025-01-01
  add enum Soort { c }
  add facts F { kind: bool }
  add decision toeslag: money otherwise €0
  add decision nieuw: bool
  add rows to table t { up to 5: 7 }
  add rows to table belasting { up to €50: 0% }
  insert rule r3 [art. 4]: toeslag = €100 if s = c and kind
  insert rule r4 [art. 5]: nieuw = true if kind
  set parameter p = no value from 2030-01-01
"""


def _write(tmp_path: Path, text: str, name: str = "s.law") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _load_error(tmp_path: Path, text: str) -> str:
    with pytest.raises(LexproofError) as caught:
        api.load(_write(tmp_path, text))
    return caught.value.render()


def _eval(tmp_path: Path, case: dict, date: str) -> dict:
    program = api.load(_write(tmp_path, GROW))
    result = api.evaluate(program, case, date=date)
    return {name: outcome.value if outcome.defined else outcome.status for name, outcome in result.outcomes.items()}


# --- the evaluator, by hand ----------------------------------------------------------------


def test_before_the_amendment_the_law_is_the_statutes(tmp_path: Path) -> None:
    # t(3) = 1 (up to 10); belasting(€200) = 10% of 100 + 50% of 100 = €60. No toeslag, nieuw.
    outcomes = _eval(tmp_path, {"x": 3, "s": "b", "inkomen": 200}, "2024-06-01")
    assert outcomes == {"d": 1, "tax": Fraction(60)}


def test_after_the_amendment_rows_brackets_and_decisions_apply(tmp_path: Path) -> None:
    # t(3) = 7 (the added row 'up to 5' comes first); belasting(€200) = 0% of 50 + 10% of
    # 50 + 50% of 100 = €55; toeslag €100 (s = c and kind); nieuw true (kind).
    outcomes = _eval(tmp_path, {"x": 3, "s": "c", "inkomen": 200, "kind": True}, "2026-06-01")
    assert outcomes["tax"] == Fraction(55)
    assert outcomes["toeslag"] == Fraction(100)
    assert outcomes["nieuw"] is True
    assert outcomes["d"] == "undecided"  # s = c: neither r1 nor r2
    outcomes = _eval(tmp_path, {"x": 3, "s": "b", "inkomen": 200, "kind": False}, "2026-06-01")
    assert outcomes["d"] == 7 and outcomes["toeslag"] == 0 and outcomes["nieuw"] == "undecided"


def test_a_case_with_an_added_enum_value_is_outside_the_earlier_law(tmp_path: Path) -> None:
    with pytest.raises(LexproofError) as caught:
        _eval(tmp_path, {"x": 3, "s": "c", "inkomen": 0}, "2024-06-01")
    assert "s: the value c is added by amendment A; S on 2024-06-01 does not have it" in caught.value.render()


def test_an_added_fact_is_needed_only_where_it_exists(tmp_path: Path) -> None:
    assert _eval(tmp_path, {"x": 0, "s": "a", "inkomen": 0, "kind": True}, "2024-06-01")["d"] == 5  # given, unread
    with pytest.raises(LexproofError) as caught:
        _eval(tmp_path, {"x": 0, "s": "a", "inkomen": 0}, "2026-06-01")
    assert "the case does not give: kind" in caught.value.render()


def test_a_parameter_without_a_value_from_a_date_on_cannot_be_read(tmp_path: Path) -> None:
    assert _eval(tmp_path, {"x": 0, "s": "a", "inkomen": 0, "kind": False}, "2029-12-31")["d"] == 5
    with pytest.raises(LexproofError) as caught:
        _eval(tmp_path, {"x": 0, "s": "a", "inkomen": 0, "kind": False}, "2030-01-01")
    assert "parameter p has no value in S on 2030-01-01 (with A)" in caught.value.render()


# --- the verifier ------------------------------------------------------------------------------


def test_checks_see_each_versions_domain_and_decisions(tmp_path: Path) -> None:
    """d has a gap only where c exists and p has a value (2025..2029); nieuw (no default,
    decided only when kind) has a gap only where A applies. Before A there is no gap at all:
    the domain of s is {a, b} there, and nieuw does not exist."""
    program = api.load(_write(tmp_path, GROW))
    results = api.check(program, properties=False, examples=False, only=("gap",))
    gaps = {r.name: r.found_in for r in results if r.kind == "gap" and r.status != "clean"}
    assert set(gaps) == {"d", "nieuw"}
    assert gaps["d"] == ["S on 2025-01-01 (with A)"]  # from 2030 d reads p, which has no value
    assert sorted(gaps["nieuw"]) == ["S on 2025-01-01 (with A)", "S on 2030-01-01 (with A)"]
    assert not api.check(program, date="2024-06-01", properties=False, examples=False, only=("gap",))


def test_a_property_of_the_enum_is_proved_before_and_refuted_after(tmp_path: Path) -> None:
    text = GROW + (
        "  property alleen_ab [on 2024-06-01, on 2026-06-01]: for every F claim s in {a, b}\n"
        "  property voor [on 2024-06-01]: for every F claim s in {a, b}\n"
    )
    program = api.load(_write(tmp_path, text))
    results = {r.name: r for r in api.check(program, builtin=False, examples=False)}
    assert results["voor"].status == "proved"
    assert results["alleen_ab"].status == "counterexample"
    assert results["alleen_ab"].witnesses[0].facts[None]["s"] == "c"


def test_the_diff_of_an_amendment_compares_only_shared_decisions(tmp_path: Path) -> None:
    program = api.load(_write(tmp_path, GROW))
    results = api.diff(program, amendment="A")
    assert {r.name for r in results} == {"d", "tax"}  # toeslag and nieuw exist only after A
    by_name = {r.name: r.details for r in results}
    # d: the row 'up to 5: 7' before 'up to 10: 1' raises d from 1 to 7 for s = b, x 0..5 (the
    # case s = c is outside the law before A, so not compared).
    assert (by_name["d"]["gains"], by_name["d"]["losses"], by_name["d"]["changes"]) == (1, 0, 0)
    assert by_name["d"]["rows"][0]["when"] == "s = b, x 0..5"
    # tax: the 0% bracket up to €50 lowers it by 10% of min(inkomen, €50): at most €5.
    assert (by_name["tax"]["gains"], by_name["tax"]["losses"]) == (0, 1)
    assert by_name["tax"]["directions"]["loses"]["delta"]["min"]["value"] == "-5.00"


def test_examples_run_where_they_fit(tmp_path: Path) -> None:
    text = GROW + (
        '  example "na" [on 2026-06-01] { x = 3, s = c, inkomen = €200, kind = true }'
        " expect toeslag = €100, tax = €55\n"
        '  example "voor" [before A] { x = 3, s = b, inkomen = €200 } expect d = 1, tax = €60\n'
    )
    program = api.load(_write(tmp_path, text))
    statuses = {r.name: r.status for r in api.check(program, builtin=False, properties=False)}
    assert statuses == {"na": "passed", "voor": "passed"}


# --- diagnostics -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amendment", "expected"),
    [
        ("  add facts F { x: bool }",
         "s.law:18:17: error: amendment 'A' adds 'x', which already exists as a fact (declared in S)"),
        ("  add enum Soort { b }", "s.law:18:20: error: enum Soort already has the value 'b' (declared in S)"),
        ("  add decision d: int", "s.law:18:7: error: amendment 'A' adds 'd', which already exists as a decision"),
        ("  add table t: int -> int { up to 1: 1 }",
         "s.law:18:7: error: amendment 'A' adds 't', which already exists as a table"),
        ("  add rows to table tt { up to 1: 1 }", "s.law:18:3: error: amendment 'A' adds rows to unknown table 'tt'"),
        ("  add enum Sort { c }", "s.law:18:3: error: amendment 'A' adds values to unknown enum 'Sort'"),
        ("  set parameter q = no value", "s.law:18:3: error: unknown parameter 'q'"),
        ("  add rows to table t { above: 3 }", "s.law:18:25: error: table t already has an 'above' row"),
        ("  add rows to table t { up to 10: 3 }",
         "s.law:18:31: error: the bounds of table t must rise from row to row: 'up to 10' (10) equals the bound "
         "before it, 'up to 10' (10), in S on 2025-01-01 (with A) (amendment A adds 'up to 10')"),
    ],
)
def test_what_cannot_be_consolidated_is_rejected_at_its_place(tmp_path: Path, amendment: str, expected: str) -> None:
    text = BASE + "\namendment A amends S in force 2025-01-01\n" + amendment + "\n"
    assert text.splitlines()[17] == amendment  # line 18
    assert expected in _load_error(tmp_path, text)


def test_the_statute_cannot_read_what_an_amendment_adds(tmp_path: Path) -> None:
    text = BASE.replace("rule r1 [art. 1]: d = p if s = a", "rule r1 [art. 1]: d = p if s = a and kind") + (
        "\namendment A amends S in force 2025-01-01\n  add facts F { kind: bool }\n"
    )
    assert ("s.law:13:40: error: 'kind' exists only from amendment A on: the statute and earlier amendments "
            "cannot read it (insert the rule with amendment A or a later one)") in _load_error(tmp_path, text)


def test_a_rule_cannot_read_what_a_proposal_adds_in_versions_without_it(tmp_path: Path) -> None:
    text = BASE + (
        "\namendment P amends S in force 2025-01-01 proposal\n  add facts F { kind: bool }\n"
        "\namendment B amends S in force 2026-01-01\n  insert rule r5 [art. 6]: d = 0 if kind\n"
    )
    message = _load_error(tmp_path, text)
    assert "s.law:21:37: error: rule 'r5' reads fact 'kind', which amendment P adds, in S on 2026-01-01 (with B)" in message


def test_examples_and_properties_name_the_version_that_lacks_what_they_read(tmp_path: Path) -> None:
    text = GROW + (
        '  example "oud" [before A] { x = 3, s = b, inkomen = €0 } expect toeslag = €0\n'
        "  property p_oud [before A]: for every F claim nieuw\n"
    )
    message = _load_error(tmp_path, text)
    assert ("s.law:27:66: error: example 'oud' expects toeslag, which amendment A adds, "
            "in S on 2025-01-01, which does not have it") in message
    assert ("s.law:28:48: error: property 'p_oud' reads decision 'nieuw', which amendment A adds, "
            "in S on 2025-01-01, which does not have it") in message


def test_an_example_gives_every_fact_of_its_version(tmp_path: Path) -> None:
    text = GROW + '  example "na" [on 2026-06-01] { x = 3, s = b, inkomen = €0 } expect d = 7\n'
    assert ("s.law:27:3: error: example 'na' does not give the facts: kind "
            "(in S on 2026-06-01 (with A), which has them)") in _load_error(tmp_path, text)


# --- syntax and layout ---------------------------------------------------------------------------


def test_every_growth_form_formats_and_parses_back(tmp_path: Path) -> None:
    text = GROW + (
        "  add facts G {}\n"
        "  add @allow(gap) decision extra: int [art. 7] otherwise 0\n"
        "  add table u [art. 8]: int -> money { up to 5: €1  above: €2 }\n"
        "  add rows to table t { up to 7: 8, }\n"
        "  set parameter p = no value\n"
    )
    parsed = parse_text(text, "s.law")
    formatted = format_file(parsed)
    assert "  set parameter p = no value from 2030-01-01\n" in formatted
    assert "  set parameter p = no value\n" in formatted
    assert "  add @allow(gap) decision extra: int [art. 7] otherwise 0\n" in formatted
    assert "  add rows to table t {\n    up to 5: 7\n  }\n" in formatted
    assert "  add enum Soort { c }\n" in formatted
    reparsed = parse_text(formatted, "s.law")
    assert reparsed == parsed
    assert format_file(reparsed) == formatted
    path = _write(tmp_path, formatted)
    assert parse_file(str(path)).sections == parsed.sections


def test_a_date_in_the_amendments_domain_is_still_a_date() -> None:
    # 'no value' is not a name: a parameter whose value is an enum value 'no' still reads.
    parsed = parse_text(BASE + "\namendment A amends S in force 2025-01-01\n  set parameter p = 6 from 2026-01-01\n", "s.law")
    change = parsed.sections[1].items[0]
    assert change.start == dt.date(2026, 1, 1)


def test_an_enum_value_named_no_is_still_a_value(tmp_path: Path) -> None:
    text = (
        "statute S\n  enum E { no, yes }\n  facts F { e: E }\n  parameter p: E = yes\n"
        "  decision d: bool otherwise false\n  rule r [art. 1]: d = true if e = p\n"
        "amendment A amends S in force 2025-01-01\n  set parameter p = no\n"
        "amendment B amends S in force 2026-01-01\n  set parameter p = no value\n"
    )
    statute = api.load(_write(tmp_path, text)).statute()
    assert statute.parameters["p"].values[0].value == "yes"
    changes = {name: info.changes[0].value.value for name, info in statute.amendments.items()}
    assert changes["A"] == "no" and repr(changes["B"]) == "no value"
    bad = "statute S\n  parameter p: int = 1\namendment B amends S in force 2026-01-01\n  set parameter p = nope value\n"
    assert "s.law:4:21: error: expected 'no value', not 'nope value'" in _load_error(tmp_path, bad)


def test_a_diff_of_a_decision_one_version_lacks_is_refused(tmp_path: Path) -> None:
    program = api.load(_write(tmp_path, GROW))
    with pytest.raises(LexproofError) as caught:
        api.diff(program, amendment="A", decisions=["nieuw"])
    assert ("decision 'nieuw' does not exist in S on 2025-01-01 (amendment A adds it); "
            "a diff compares decisions both versions have") in caught.value.render()


def test_a_query_cannot_ask_about_what_its_version_lacks(tmp_path: Path) -> None:
    program = api.load(_write(tmp_path, GROW))
    with pytest.raises(LexproofError) as caught:
        api.query(program, "kind and s = c", date="2024-06-01")
    message = caught.value.render()
    assert "the query reads fact 'kind', which amendment A adds, in S on 2024-06-01" in message
    assert "the query reads the value Soort.c, which amendment A adds, in S on 2024-06-01" in message
    # From the amendment on it is an ordinary question: s = c and kind gives toeslag €100.
    result = api.query(program, "kind and s = c and toeslag = €100", date="2026-06-01")
    assert result.status == "satisfiable"
    assert result.witnesses[0].facts[None]["s"] == "c" and result.witnesses[0].facts[None]["kind"] is True


ROWS = """statute R
  facts F { x: int 0..30 }
  parameter grens: int
    = 5 from 2020-01-01
    = 15 from 2026-01-01
  decision d: int
  table t: int -> int { up to 10: 1  up to 20: 2  above: 3 }
  rule r [art. 1]: d = t(x)

amendment A amends R in force 2025-01-01
  add rows to table t { up to grens: 9 }
"""


def test_a_row_with_a_parameter_bound_goes_where_its_bound_falls_in_each_version(tmp_path: Path) -> None:
    program = api.load(_write(tmp_path, ROWS))
    outcomes = {
        # 2024: no added row; 12 <= 20 gives 2. 2025: grens 5, rows 5:9, 10:1, 20:2 -> 12 gives 2,
        # 4 gives 9. 2026: grens 15, rows 10:1, 15:9, 20:2 -> 12 gives 9, 4 gives 1.
        (date, x): api.evaluate(program, {"x": x}, date=date).outcomes["d"].value
        for date in ("2024-06-01", "2025-06-01", "2026-06-01") for x in (4, 12)
    }
    assert outcomes == {
        ("2024-06-01", 4): 1, ("2024-06-01", 12): 2,
        ("2025-06-01", 4): 9, ("2025-06-01", 12): 2,
        ("2026-06-01", 4): 1, ("2026-06-01", 12): 9,
    }


def test_a_row_whose_parameter_bound_equals_another_in_some_version_is_rejected(tmp_path: Path) -> None:
    text = ROWS.replace("= 15 from 2026-01-01", "= 10 from 2026-01-01")
    assert ("s.law:11:31: error: the bounds of table t must rise from row to row: 'up to grens' (10) equals "
            "the bound before it, 'up to 10' (10), in R on 2026-01-01 (with A) (amendment A adds 'up to grens')"
            ) in _load_error(tmp_path, text)


def test_added_rows_with_below_or_to_a_cumulative_table_are_refused_with_a_position(tmp_path) -> None:
    """Two constructs of the same session met here: 'add rows' merges rows by inclusive bounds
    and a cumulative table's sums are built once, so an added 'below' row or a row added to a
    cumulative table would be evaluated wrongly; both are refused at their position."""
    from lexproof.dsl.diagnostics import LexproofError
    from lexproof.dsl.loader import load

    text = """statute S
facts F { x: int 0..100 }
table t: int -> int { up to 10: 1  above: 2 }
table c: int -> int cumulative { up to 10: 1  up to 20: 2 }
decision d: int [art. 1] otherwise t(x) + c(x)
amendment A "groei" amends S in force 2027-01-01
  add rows to table t {
    below 50: 5
  }
  add rows to table c {
    up to 30: 3
  }
"""
    path = tmp_path / "s.law"
    path.write_text(text, encoding="utf-8")
    try:
        load(path)
    except LexproofError as error:
        rendered = [d.render() for d in error.diagnostics]
    else:
        raise AssertionError("loaded")
    assert any(":8:5: error: an added row takes 'up to' (inclusive)" in r for r in rendered), rendered
    assert any(":10:3: error: rows cannot be added to cumulative table c" in r for r in rendered), rendered
