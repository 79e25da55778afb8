"""Unit tests of the checker: small inline programs through lexproof.dsl.parser.parse_text and
lexproof.dsl.check_program.check_files. Valid programs are checked for what the model records; invalid ones for
every error, reported together, at the right place."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from lexproof.dsl import ast, ir
from lexproof.dsl.check_amendments import citation_covers
from lexproof.dsl.check_program import check_files
from lexproof.dsl.checker import range_problem
from lexproof.dsl.diagnostics import LexproofError
from lexproof.dsl.ir import BOOL, INT, MONEY, RATE, Type
from lexproof.dsl.model import FactInfo
from lexproof.dsl.parser import parse_text


def check(*texts: str):
    """Check one or more files given as texts (named f0.law, f1.law, ...)."""
    return check_files([parse_text(text, f"f{i}.law") for i, text in enumerate(texts)])


def errors(*texts: str) -> list[tuple[int, int, str]]:
    """(line, column, message) of every error the checker reports, in the order reported."""
    with pytest.raises(LexproofError) as info:
        check(*texts)
    return [(d.span.line, d.span.column, d.message) for d in info.value.diagnostics]


def messages(*texts: str) -> list[str]:
    return [message for _, _, message in errors(*texts)]


VALID = """\
statute S "Testwet" bwb BWBR0000001
enum Soort { mbo, hbo }
facts Aanvrager {
  leeftijd: int 0..120 typical 40
  soort: Soort
  inkomen: money €0..€100_000 typical €30_000
  start: date 2015-01-01..2035-12-31
  aandeel: rate 0..1
}
parameter grens: int [art. 2]
  = 57 from 2024-09-01
  = 55 from 2017-09-01
  = 56 from 2020-09-01
decision recht: bool [art. 3] otherwise false
decision bedrag: money [art. 4]
rule basis [art. 3 lid 1]:
  recht = true
  if leeftijd < grens and soort = hbo
rule uitsluiting [art. 3 lid 2 sub a] except basis:
  recht = false
  if aandeel = 100%
@allow(redundant, LP101)
rule hoogte [art. 4]: bedrag = tarief(inkomen) * inkomen / 12 if recht
table tarief [bijlage I]: money -> rate {
  up to €25_000: 96%
  up to €56_413: 50%
  above: 36.5%
}
example "hbo 40" [on 2025-01-01] {
  leeftijd = 40, soort = hbo, inkomen = €1_200.50, start = 2025-01-01, aandeel = 0%
} expect recht = true
property jong [on 2025-01-01, on 2021-01-01]:
  for every Aanvrager
  assume soort = hbo
  claim recht implies leeftijd < grens
"""


def test_valid_program_records_declarations():
    program = check(VALID)
    statute = program.statutes["S"]
    assert statute.title == "Testwet" and statute.bwb == "BWBR0000001"
    assert statute.enums == {"Soort": ("mbo", "hbo")}
    assert statute.groups == {"Aanvrager": ("leeftijd", "soort", "inkomen", "start", "aandeel")}
    leeftijd = statute.facts["leeftijd"]
    assert (leeftijd.type, leeftijd.low, leeftijd.high, leeftijd.typical) == (INT, 0, 120, 40)
    inkomen = statute.facts["inkomen"]
    assert (inkomen.type, inkomen.low, inkomen.high, inkomen.typical) == (MONEY, 0, 100_000, 30_000)
    assert statute.facts["soort"].type == Type("enum", "Soort")
    # Dates are day numbers inside the engines.
    assert statute.facts["start"].low == dt.date(2015, 1, 1).toordinal()
    # A rate range written with whole numbers is accepted.
    assert (statute.facts["aandeel"].low, statute.facts["aandeel"].high) == (0, 1)


def test_parameter_values_are_sorted_by_date():
    statute = check(VALID).statutes["S"]
    values = statute.parameters["grens"].values
    assert [(v.start, v.value) for v in values] == [
        (dt.date(2017, 9, 1), 55), (dt.date(2020, 9, 1), 56), (dt.date(2024, 9, 1), 57)
    ]
    assert str(statute.parameters["grens"].citation) == "art. 2"


def test_decisions_rules_and_exceptions():
    statute = check(VALID).statutes["S"]
    recht = statute.decisions["recht"]
    assert recht.type == BOOL
    assert isinstance(recht.default, ir.Const) and recht.default.value is False
    assert statute.decisions["bedrag"].default is None
    assert list(statute.rules) == ["basis", "uitsluiting", "hoogte"]
    assert statute.rules["uitsluiting"].exceptions == ("basis",)
    assert str(statute.rules["uitsluiting"].citation) == "art. 3 lid 2 sub a"
    assert statute.rules["basis"].decision == "recht"
    # @allow accepts both names and codes; names are stored as codes.
    assert statute.rules["hoogte"].allow == frozenset({"LP104", "LP101"})
    # The rule's value is typed money (rate * money / int).
    assert statute.rules["hoogte"].value.type == MONEY


def test_table_is_recorded_in_order():
    table = check(VALID).statutes["S"].tables["tarief"]
    assert (table.input, table.output, table.marginal, table.has_above) == (MONEY, RATE, False, True)
    assert [b.value for b in table.bounds] == [25_000, Fraction(56_413)]
    assert [v.value for v in table.values] == [Fraction(96, 100), Fraction(50, 100), Fraction(365, 1000)]


def test_examples_and_properties_are_converted():
    statute = check(VALID).statutes["S"]
    (example,) = statute.examples
    assert example.case == {
        "leeftijd": 40, "soort": "hbo", "inkomen": Fraction(120_050, 100),
        "start": dt.date(2025, 1, 1).toordinal(), "aandeel": 0,
    }
    assert {name: value for name, (value, _) in example.expected.items()} == {"recht": True}
    assert [v.date for v in example.versions] == [dt.date(2025, 1, 1)]
    (prop,) = statute.properties
    assert prop.facts == "Aanvrager" and prop.cases == () and prop.expect == "proved"
    assert len(prop.assumptions) == 1
    assert [v.date for v in prop.versions] == [dt.date(2025, 1, 1), dt.date(2021, 1, 1)]


def test_enum_values_resolve_against_the_other_side():
    # y belongs to two enums; next to a fact of enum A it means A.y.
    statute = check("""
statute S
enum A { x, y }
enum B { y, z }
facts F { a: A  b: B }
decision d: bool otherwise false
decision e: B otherwise y
rule r [art. 1]: d = true if a = y and b in {y, z} and B.y = b
""").statutes["S"]
    condition = statute.rules["r"].condition
    constants = [n for n in ir.walk(condition) if isinstance(n, ir.Const)]
    assert [(c.type.enum, c.value) for c in constants] == [("A", "y"), ("B", "y"), ("B", "z"), ("B", "y")]
    default = statute.decisions["e"].default
    assert (default.type, default.value) == (Type("enum", "B"), "y")


def test_two_case_and_two_version_properties():
    statute = check("""
statute S
facts F { x: int 0..10 }
parameter p: int = 5 from 2020-01-01
decision d: bool otherwise false
rule r [art. 1]: d = true if x > p
property mono [on 2025-01-01]: for every F a, b differing only in x
  assume a.x <= b.x claim a.d implies b.d
property stabiel [from on 2024-01-01 to on 2025-01-01]: for every F
  claim before.d = after.d and before.p = after.p
""").statutes["S"]
    mono, stabiel = statute.properties
    assert mono.cases == ("a", "b") and mono.differing_only_in == ("x",)
    refs = [n for n in ir.walk(mono.claim) if isinstance(n, ir.DecisionRef)]
    assert [(r.name, r.case) for r in refs] == [("d", "a"), ("d", "b")]
    assert stabiel.compare is not None
    assert [v.date for v in stabiel.compare] == [dt.date(2024, 1, 1), dt.date(2025, 1, 1)]
    versions = [(n.name, n.version) for n in ir.walk(stabiel.claim) if isinstance(n, (ir.DecisionRef, ir.ParamRef))]
    assert versions == [("d", "before"), ("d", "after"), ("p", "before"), ("p", "after")]


AMENDED = """\
statute S
facts F { x: int 0..100 }
parameter p: int = 5 from 2020-01-01
decision d: bool otherwise false
rule a [art. 1 lid 1]: d = true if x > p
rule b [art. 1 lid 2 sub a] except a: d = false if x > 90
rule c [art. 2]: d = true if x = 0
"""


def test_amendment_changes_are_recorded():
    program = check(AMENDED, """\
import "f0.law"
amendment A "Wijziging" amends S in force 2027-01-01
  replace rule c [art. 2]: d = true if x = 1
  insert rule n [art. 5]: d = true if x = 2
  repeal [art. 1 lid 2]
  set parameter p = 6
  set parameter p = 7 from 2028-01-01
  example "na" { x = 6 } expect d = true
  property blijft [amendment A]: for every F claim before.d implies after.d
""")
    statute = program.statutes["S"]
    amendment = statute.amendments["A"]
    assert amendment.in_force == dt.date(2027, 1, 1) and amendment.title == "Wijziging"
    kinds = [(c.kind, c.rule.name if c.rule else None, c.targets, c.parameter) for c in amendment.changes]
    assert kinds == [
        ("replace", "c", (), None),
        ("insert", "n", (), None),
        ("repeal", None, ("b",), None),  # art. 1 lid 2 covers b (lid 2 sub a), not a (lid 1)
        ("set", None, (), "p"),
        ("set", None, (), "p"),
    ]
    # 'set parameter' without 'from' takes effect on the in-force date.
    starts = [c.value.start for c in amendment.changes if c.kind == "set"]
    assert starts == [dt.date(2027, 1, 1), dt.date(2028, 1, 1)]
    assert {c.rule.origin for c in amendment.changes if c.rule} == {"A"}
    # An example in an amendment runs, unless told otherwise, after it; a comparing property keeps its pair.
    (example,) = statute.examples
    assert [(v.kind, v.amendment) for v in example.versions] == [("after", "A")]
    (prop,) = statute.properties
    assert prop.versions == () and [(v.kind, v.amendment) for v in prop.compare] == [("before", "A"), ("after", "A")]


@pytest.mark.parametrize(
    "general, specific, covers",
    [
        ("[art. 1]", "[art. 1 lid 2 sub a]", True),
        ("[art. 1 lid 2]", "[art. 1 lid 2 sub a]", True),
        ("[art. 1 lid 2]", "[art. 1 lid 3]", False),
        ("[art. 1 lid 2 sub b]", "[art. 1 lid 2 sub a]", False),
        ("[art. 1]", "[art. 1.1]", False),
        ("[art. 1]", "[WEB art. 1]", False),
        ("[bijlage 1]", "[art. 1]", False),
    ],
)
def test_citation_covers(general: str, specific: str, covers: bool):
    def citation(text: str) -> ast.Citation:
        file = parse_text(f"statute S\nfacts F {{ x: int }}\ndecision d: bool\nrule r {text}: d = true\n")
        return file.sections[0].items[-1].citation

    assert citation_covers(citation(general), citation(specific)) is covers


def test_range_problem_messages():
    fact = FactInfo("x", INT, "F", 0, 120)
    assert range_problem(fact, 120) is None
    assert range_problem(fact, 121) == "x = 121 is above its range 0..120"
    assert range_problem(fact, -1) == "x = -1 is below its range 0..120"
    assert range_problem(fact, Fraction(1, 2)) == "x is a whole number"
    money = FactInfo("m", MONEY, "F", None, None)
    assert range_problem(money, Fraction(1001, 100)) is None
    assert "whole cents" in range_problem(money, Fraction(1, 3))


# --- invalid programs ---------------------------------------------------------------------------


def test_several_errors_are_reported_together_in_source_order():
    found = errors("""\
statute S
enum Soort { mbo, hbo }
facts F { x: int 0..10  s: Soort }
decision d: bool otherwise 3
decision e: int otherwise 0
rule r1 [art. 1]: d = true if y > 1
rule r2 [art. 2]: e = round(x, 0)
rule r3 [art. 3]: nope = 1
rule r4 [art. 4] except zz: e = 1
example "e" [on 2025-01-01] { x = 11, s = wo } expect d = true
property p [on 2025-01-01]: for every G claim d
""")
    assert found == [
        (4, 28, "expected a value of type bool, found int"),
        (6, 31, "unknown name 'y'"),
        (7, 32, found[2][2]),
        (8, 19, "rule 'r3' decides unknown decision 'nope'"),
        (9, 1, "rule 'r4' is an exception to unknown rule 'zz'"),
        (10, 35, "x = 11 is above its range 0..10"),
        (10, 43, "unknown name 'wo'"),
        (11, 1, "'for every G': unknown facts group"),
    ]
    assert found[2][2].startswith("the unit of round() must be above zero")


def test_errors_from_statute_and_amendment_files_are_reported_together():
    diagnostics = []
    with pytest.raises(LexproofError) as info:
        check(AMENDED + "rule a [art. 9]: d = false\n", """\
amendment A amends S in force 2027-01-01
  replace rule zz [art. 2]: d = true
  set parameter q = 1
amendment B amends T in force 2027-01-01
  repeal rule a
""")
    diagnostics = [(d.span.file, d.span.line, d.message) for d in info.value.diagnostics]
    assert diagnostics == [
        ("f0.law", 8, "rule 'a' is defined twice"),
        ("f1.law", 2, "amendment 'A' replaces rule 'zz', which S does not have"),
        ("f1.law", 3, "unknown parameter 'q'"),
        ("f1.law", 4, "amendment 'B' amends unknown statute 'T'"),
    ]


def test_every_kind_of_duplicate():
    found = messages("""\
statute S
enum E { a, b, a }
enum E { c }
facts F { x: int  x: bool }
facts F { y: int }
parameter p: int = 1
parameter p: int = 2
decision d: bool otherwise false
decision d: int
table t: int -> int { up to 1: 1 }
table t: int -> int { up to 1: 1 }
rule r [art. 1]: d = true
rule r [art. 2]: d = false
""")
    assert found == [
        "enum E lists 'a' twice",
        found[1],
        "'x' is already declared as a fact",
        "'F' is already declared as a facts group",
        "'p' is already declared as a parameter",
        "'d' is already declared as a decision",
        "'t' is already declared as a table",
        "rule 'r' is defined twice",
    ]
    assert found[1].startswith("'E' is already declared as a")


def test_duplicate_statute_across_files_points_at_the_second():
    with pytest.raises(LexproofError) as info:
        check("statute S\nfacts F { x: int }\n", "statute S\nfacts G { y: int }\n")
    (diagnostic,) = info.value.diagnostics
    assert diagnostic.span.file == "f1.law" and diagnostic.message == "statute 'S' is defined twice"
    ((note_span, note),) = diagnostic.notes
    assert note_span.file == "f0.law" and note == "first defined here"


def test_amendment_without_its_statute_suggests_an_import():
    assert messages("amendment A amends S in force 2027-01-01\n  repeal rule r\n") == [
        "amendment 'A' amends unknown statute 'S' (import the statute's file)"
    ]


def test_parameter_errors():
    found = messages("""\
statute S
facts F { x: int }
parameter q: int = 1
parameter p: int = q + 1
parameter r: int = 1 from 2020-01-01 = 2 from 2020-01-01
parameter s: int = 1 from 2020-01-01 = 2
parameter t: int 0..10 = 1
parameter u: int = x
""")
    assert found == [
        "a parameter value must be a constant, not depend on a parameter",
        "two values from the same date",
        "a parameter has either one value for all time or values 'from' dates",
        "a parameter has values, not a range",
        "a parameter value cannot depend on the fact 'x'",
    ]


def test_table_errors():
    found = messages("""\
statute S
enum E { a, b }
facts F { x: int }
table t1: int -> int { above: 1  up to 5: 2 }
table t2: int -> int { above: 1 }
table t3: int -> E marginal { up to 5: 1 }
table t4: int -> int { up to x: 1 }
table t5: int -> int { up to 10: 1  up to 10: 2 }
""")
    assert found == [
        "'above' must be the last row",
        "a table needs at least one 'up to' row",
        "a marginal table sums numbers",
        "a table cannot depend on the fact 'x'",
        "the bounds of a table must rise from row to row",
    ]


def test_structure_errors():
    found = errors("""\
statute S
facts F { x: int }
decision d: bool otherwise false
decision e: bool otherwise false
rule a [art. 1] except b: d = true if e
rule b [art. 2] except a: d = false
rule c [art. 3] except a: e = true if d
""")
    # Both cycles are reported at rule a (the first rule of the cycle / of decision d).
    assert found == [
        (5, 1, "exceptions form a cycle: a -> b -> a"),
        (5, 1, "decisions depend on each other in a cycle: d -> e -> d"),
        (7, 1, "rule 'c' decides e but its exception target 'a' decides d"),
    ]


def test_a_cycle_made_by_an_amendment_is_found_after_sound_versions_with_the_same_rules(tmp_path):
    # Versions with the very same rules (a dated parameter makes them distinct) are checked once
    # (dsl/checker.py remembers sound rule lists); the amendment's version has other rules and
    # its cycle is still reported, in its own version.
    from lexproof.dsl.loader import load

    law = tmp_path / "kring.law"
    law.write_text("""\
statute S
facts F { x: int }
parameter grens: int [art. 9]
  = 1 from 2020-01-01
  = 2 from 2022-01-01
  = 3 from 2024-01-01
decision d: bool otherwise false
decision e: bool otherwise false
rule a [art. 1]: d = true if x > grens
rule c [art. 3]: e = true if x > 5

amendment kring "kring" amends S in force 2025-01-01
  replace rule c [art. 3]: e = true if d
  replace rule a [art. 1]: d = true if e
""")
    with pytest.raises(LexproofError) as raised:
        load([law])  # the loader consolidates and checks every version
    assert [d.message for d in raised.value.diagnostics] == ["decisions depend on each other in a cycle: d -> e -> d "
                     "(in the version of 2025-01-01 after amendment kring)"]


def test_sound_rule_lists_are_remembered_by_identity():
    from lexproof.dsl import checker

    statute, other = check(VALID).statute("S"), check(VALID).statute("S")  # the same text, other objects
    checker._SOUND_STRUCTURES.clear()
    rules = list(statute.rules.values())
    checker.check_rule_structure(statute, rules, checker.DiagnosticSink(), None)
    assert checker._structure_known_sound(statute, rules)
    assert not checker._structure_known_sound(statute, rules[:-1])  # another list
    assert not checker._structure_known_sound(other, list(other.rules.values()))


def test_in_set_needs_a_fact_or_decision_on_the_left():
    assert messages("""\
statute S
enum E { a, b }
facts F { e: E }
decision d: bool otherwise false
rule r [art. 1]: d = true if a in {a, b}
""") == ["the left side of 'in' should be a fact or decision"]


def test_scope_of_examples_and_properties():
    found = errors("""\
statute S
facts F { x: int 0..10 }
parameter p: int = 5
decision d: bool otherwise false
rule r [art. 1]: d = true if x > p
example "e" [on 2025-01-01] { x = p } expect d = true
property q1 [on 2025-01-01]: for every F a, b claim a.d and x > 1
property q2 [on 2025-01-01]: for every F a, b claim a.p = 5
property q3 [on 2025-01-01]: for every F before, b claim b.d
""")
    assert [(line, message) for line, _, message in found] == [
        (6, "the value of x must be a constant, not depend on a parameter"),
        (7, "which case? write a.x or b.x"),
        (8, "a parameter is the same for every case; write 'p'"),
        (9, "case name 'before' clashes with a version name"),
    ]


def test_amendment_clashes_on_the_same_day():
    # A repeals b and B replaces it on the same day: a clash, not "B replaces a rule S lacks".
    found = messages(AMENDED + """\
amendment A amends S in force 2027-01-01
  repeal [art. 1 lid 2]
amendment B amends S in force 2027-01-01
  replace rule b [art. 1 lid 2 sub a] except a: d = false if x > 80
""")
    assert found == ["amendments 'A' and 'B' both change b on 2027-01-01; their order would be arbitrary"]


def test_amendments_on_the_same_day_changing_the_same_rule_clash():
    found = messages(AMENDED + """\
amendment A amends S in force 2027-01-01
  replace rule b [art. 1 lid 2 sub a] except a: d = false if x > 70
amendment B amends S in force 2027-01-01
  replace rule b [art. 1 lid 2 sub a] except a: d = false if x > 80
""")
    assert found == ["amendments 'A' and 'B' both change b on 2027-01-01; their order would be arbitrary"]


def test_amendments_on_different_days_do_not_clash():
    statute = check(AMENDED + """\
amendment A amends S in force 2027-01-01
  replace rule b [art. 1 lid 2 sub a] except a: d = false if x > 80
amendment B amends S in force 2028-01-01
  replace rule b [art. 1 lid 2 sub a] except a: d = false if x > 70
""").statutes["S"]
    assert list(statute.amendments) == ["A", "B"]


def test_insert_then_replace_in_a_later_amendment_is_allowed():
    statute = check(AMENDED + """\
amendment B amends S in force 2028-01-01
  replace rule n [art. 5]: d = true if x = 3
amendment A amends S in force 2027-01-01
  insert rule n [art. 5]: d = true if x = 2
""").statutes["S"]
    # Amendments are checked in date order, so B (later) may replace what A inserted.
    assert [c.kind for c in statute.amendments["B"].changes] == ["replace"]


def test_replace_of_a_rule_inserted_later_is_an_error():
    assert messages(AMENDED + """\
amendment A amends S in force 2027-01-01
  replace rule n [art. 5]: d = true if x = 3
amendment B amends S in force 2028-01-01
  insert rule n [art. 5]: d = true if x = 2
""") == ["amendment 'A' replaces rule 'n', which S does not have"]


def test_diagnostics_are_sorted_by_file_and_position():
    with pytest.raises(LexproofError) as info:
        check("statute S\nfacts F { x: int }\ndecision d: bool otherwise 1\nrule r [art. 1]: d = y\n",
              "statute T\nfacts G { y: Onbekend }\n")
    positions = [(d.span.file, d.span.line, d.span.column) for d in info.value.diagnostics]
    assert positions == [("f0.law", 3, 28), ("f0.law", 4, 22), ("f1.law", 2, 14)]
    rendered = info.value.render()
    assert rendered.index("f0.law:3:28: error:") < rendered.index("f0.law:4:22: error:") < rendered.index("f1.law:2:14")


def test_a_self_reading_default_added_by_an_amendment_is_a_cycle_in_every_version(tmp_path):
    # The statute's own check finds its rules sound before the amendment adds d; the versions
    # hold the very same rules, but d's default makes a cycle in them: the remembered sound
    # rule list must not hide it (dsl/checker.py keys it by the defaults too).
    from lexproof.dsl.loader import load

    law = tmp_path / "zelf.law"
    law.write_text("""\
statute S
facts F { x: int }
decision a: int otherwise 0
rule r1 [art. 1]: a = 1 if x > 0

amendment A amends S in force 2025-01-01
  add decision d: int otherwise d + 1
""")
    with pytest.raises(LexproofError) as raised:
        load([law])
    messages = [d.message for d in raised.value.diagnostics]
    assert messages and all(m.startswith("decisions depend on each other in a cycle: d -> d") for m in messages)
    assert any("after amendment A" in m for m in messages)


def test_rule_lists_checked_at_load_are_trusted_and_no_others(tmp_path):
    # A (2025) replaces rule a so that d no longer reads e; B (2026) makes e read d. The load
    # consolidates before A, with A, with A and B, and each date without its own amendment
    # (2025 without A, 2026 with A only): all sound. B without A has the cycle d -> e -> d; no
    # load-time version has those rules, so asking for it must still check and refuse it, also
    # when the program comes back from the cache of loaded books.
    from lexproof.dsl.consolidate import version_on
    from lexproof.dsl.loader import load
    from lexproof.verifier import api
    from lexproof.verifier.cache import ResultCache
    from lexproof.verifier.load_cache import LoadCache

    law = tmp_path / "kring.law"
    law.write_text("""\
statute S
facts F { x: int }
decision d: bool otherwise false
decision e: bool otherwise false
rule a [art. 1]: d = true if e
rule c [art. 3]: e = true if x > 5

amendment A "A" amends S in force 2025-01-01
  replace rule a [art. 1]: d = true if x > 1

amendment B "B" amends S in force 2026-01-01
  replace rule c [art. 3]: e = true if d
""")
    fresh = load([law]).statute("S")
    cache = LoadCache(ResultCache(tmp_path / "cache", tmp_path / "config" / "cache-key"))
    api.load(law, cache=cache)  # loads and stores
    cached = api.load(law, cache=cache)
    assert (cache.misses, cache.hits) == (1, 1), "the second load did not come from the cache"
    for statute in (fresh, cached.statute("S")):
        assert statute.sound_amendment_sets == ((), ("A",), ("A", "B"))
        assert version_on(statute, dt.date(2026, 6, 1)).amendments == ("A", "B")
        with pytest.raises(LexproofError) as raised:
            version_on(statute, dt.date(2026, 6, 1), exclude=("A",))
        assert [d.message for d in raised.value.diagnostics] == [
            "decisions depend on each other in a cycle: d -> e -> d (in the version of 2026-06-01 after amendment B)"]
