"""The output for people (issue 17): short by default, -v and -q, a line for a built-in check
that found nothing, proofs grouped per article, queries that say what rules them out, amounts to
the cent, diffs with a summary, and all of it in Dutch or English (--lang, or the locale).

Expected texts are written out by hand from the statute below (and Babel's nl_NL/en_US
conventions for money: '€ 1.409,00', '€1,409.00'), never copied from the program's output."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

from lexproof.verifier.cli import main
from lexproof.verifier.messages import CATALOGUE, default_lang, money, text

STATUTE = """\
statute S
enum Soort { mbo, hbo }
facts F {
  x: int 0..120
  s: Soort
  m: money €0..€5_000
}
parameter grens: int [art. 2 lid 1] = 50 from 2020-01-01
parameter bedrag: money [art. 3 lid 2] = €1_409 from 2020-01-01
decision d: bool [art. 1] otherwise false
decision k: money [art. 3]
rule a [art. 1 lid 1]: d = true if x < grens and s = hbo
rule b [art. 1 lid 2] except a: d = false if m > €900
rule c [art. 3 lid 1]: k = bedrag / 3
example "jong hbo" [on 2025-01-01] { x = 30, s = hbo, m = €10 } expect d = true
property onder_grens [on 2025-01-01]: for every F claim d implies x < 50
property te_veel [on 2025-01-01]: for every F claim k < €400
"""


def cli(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env or {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def statute(tmp_path: Path) -> Path:
    path = tmp_path / "s.law"
    path.write_text(STATUTE, encoding="utf-8")
    return path


# --- the catalogue and the locale's formats ------------------------------------------------------


def test_money_to_the_cent_in_the_locale_format() -> None:
    assert money(Fraction(1409), "nl") == "€\xa01.409,00"
    assert money(Fraction(1409), "en") == "€1,409.00"
    # 3428507/3125 = 1097.12224: rounded to the cent and marked, the exact value is the JSON's
    assert money(Fraction(3428507, 3125), "en") == "≈€1,097.12"
    assert money(Fraction(3428507, 3125), "nl") == "≈€\xa01.097,12"


def test_language_from_the_locale() -> None:
    assert default_lang({"LANG": "nl_NL.UTF-8"}) == "nl"
    assert default_lang({"LANG": "nl_BE"}) == "nl"
    assert default_lang({"LANG": "en_GB.UTF-8"}) == "en"
    assert default_lang({}) == "en"
    assert default_lang({"LC_ALL": "C", "LANG": "nl_NL"}) == "en"  # LC_ALL wins
    assert default_lang({"LC_ALL": "nl_NL.UTF-8", "LANG": "en_US"}) == "nl"


def test_every_catalogue_entry_has_both_languages_and_the_same_placeholders() -> None:
    import string

    for key, entry in CATALOGUE.items():
        assert set(entry) == {"en", "nl"}, key
        fields = {lang: {f for _, f, _, _ in string.Formatter().parse(entry[lang]) if f} for lang in entry}
        plurals = {"s", "s_", "en", "ten", "gs", "gen", "len", "en_", "ten_"}
        assert fields["en"] - plurals == fields["nl"] - plurals, key


def test_drafters_terms() -> None:
    assert text("kind.conflict", "nl") == "strijdige regels"
    assert text("kind.gap", "nl") == "leemte"
    assert text("status.counterexample", "nl") == "tegenvoorbeeld"
    assert text("status.proved", "nl") == "bewezen"
    assert text("rule.applies", "nl", where="r") == "r is van toepassing"
    assert text("decisions", "nl", count=1) == "1 beslissing"
    assert text("decisions", "nl", count=9) == "9 beslissingen"


# --- short by default ---------------------------------------------------------------------------


def test_check_is_one_line_per_result_and_a_line_per_clean_check(statute: Path) -> None:
    code, out, err = cli("check", str(statute), "--no-cache", "--date", "2025-01-01")
    assert code == 1, out + err  # te_veel: k = 1409/3 = 469.67 >= 400
    lines = out.splitlines()
    proved = [line for line in lines if "onder_grens" in line and "proved" in line]
    # one line, the articles grouped: art. 1 lid 1 and lid 2 are one article; art. 2 lid 1 too
    assert len(proved) == 1
    assert proved[0].endswith("rests on art. 1 S, art. 2 S")
    assert "(rule a)" not in out  # the rule-by-rule list is for -v and JSON
    # nothing found: one line each, with the number of decisions checked (d and k)
    for code_, name in (("LP101", "conflicts"), ("LP102", "gaps"), ("LP103", "dead rules"), ("LP104", "redundant rules")):
        assert f"✓ {code_} {name}: none, 2 decisions" in lines
    # the counterexample is not as declared: its details, money to the cent
    assert "k = ≈€469.67" in out
    assert "1409/3" not in out
    assert "1 need attention:" in out


def test_quiet_prints_the_summary_only(statute: Path) -> None:
    code, out, _ = cli("check", str(statute), "--no-cache", "--date", "2025-01-01", "-q")
    assert code == 1
    assert "onder_grens" not in out and "LP101" not in out
    assert "3 results: 1 counterexample, 1 passed, 1 proved" in out


def test_verbose_lists_every_rule_a_proof_rests_on(statute: Path) -> None:
    _, out, _ = cli("check", str(statute), "--no-cache", "--date", "2025-01-01", "-v", "--no-builtin")
    assert "art. 1 lid 1 S (rule a)" in out
    assert "art. 2 lid 1 S: grens = 50" in out


def test_json_keeps_the_full_basis_and_the_exact_value(statute: Path) -> None:
    _, out, _ = cli("check", str(statute), "--no-cache", "--date", "2025-01-01", "--format", "json", "--no-builtin")
    results = {r["name"]: r for r in json.loads(out)["results"]}
    proof = results["onder_grens"]
    assert "art. 1 lid 1 S (rule a)" in proof["details"]["basis"]
    assert proof["details"]["rests_on"] == ["art. 1 S", "art. 2 S"]
    assert results["te_veel"]["outcome"]["outcome"]["k"]["value"] == "1409/3"


def test_a_check_that_finds_something_gets_no_none_line(tmp_path: Path) -> None:
    path = tmp_path / "c.law"
    path.write_text("statute C\nfacts F { x: int 0..10 }\ndecision d: int [art. 1] otherwise 0\n"
                    "rule a [art. 1 lid 1]: d = 1 if x > 2\nrule b [art. 1 lid 2]: d = 2 if x > 5\n", encoding="utf-8")
    code, out, _ = cli("check", str(path), "--no-cache", "--date", "2025-01-01")
    assert code == 1
    assert "LP101 conflicts: none" not in out
    assert "LP101 conflict d:" in out
    assert "✓ LP102 gaps: none, 1 decision" in out


def test_query_without_a_case_says_what_rules_it_out(statute: Path) -> None:
    code, out, _ = cli("query", str(statute), "exists F: d and x > 60", "--date", "2025-01-01")
    assert code == 0
    first = out.splitlines()[0]
    assert "unsatisfiable" in first and first.endswith("no case: ruled out by art. 1 S, art. 2 S")
    # each rule and value, in the statute's words, after its citation
    assert "      art. 1 lid 1 S: rule a [art. 1 lid 1]: d = true if x < grens and s = hbo" in out.splitlines()
    assert "      art. 2 lid 1 S: grens = 50" in out.splitlines()


# --- Dutch --------------------------------------------------------------------------------------


def test_check_in_dutch(statute: Path) -> None:
    code, out, _ = cli("check", str(statute), "--no-cache", "--date", "2025-01-01", "--lang", "nl")
    assert code == 1
    assert "eigenschap onder_grens  bewezen" in out and "steunt op art. 1 S, art. 2 S" in out
    assert "eigenschap te_veel  tegenvoorbeeld" in out
    assert "k = ≈€\xa0469,67" in out
    assert "✓ LP101 strijdige regels: geen, 2 beslissingen" in out.splitlines()
    assert "✓ LP102 leemtes: geen, 2 beslissingen" in out.splitlines()
    assert "3 resultaten: 1 tegenvoorbeeld, 1 geslaagd, 1 bewezen" in out
    assert "1 niet zoals verklaard:" in out


def test_the_locale_chooses_dutch(statute: Path) -> None:
    env = {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "nl_NL.UTF-8"}
    _, out, _ = cli("check", str(statute), "--no-cache", "--date", "2025-01-01", "--no-builtin", env=env)
    assert "bewezen" in out
    _, out, _ = cli("check", str(statute), "--no-cache", "--date", "2025-01-01", "--no-builtin", "--lang", "en", env=env)
    assert "bewezen" not in out and "proved" in out


def test_eval_in_dutch_with_a_dutch_amount(statute: Path, tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text('{"x": 30, "s": "hbo", "m": "€1.409,00"}', encoding="utf-8")
    code, out, err = cli("eval", str(statute), "--case", str(case), "--date", "2025-01-01", "--lang", "nl")
    assert code == 0, err
    assert "€\xa01.409,00" in out  # the case's m, as Dutch writes it
    # m > €900: b decides false (a is overridden by nothing: x < 50 and hbo, but b excepts a)
    assert "d = onwaar" in out
    assert "is van toepassing" in out


@pytest.mark.parametrize("written, value", [
    ("€1.409,00", "1409.00"), ("1.409,00", "1409.00"), ("€ 1.409,50", "1409.50"),
    ("1409,5", "1409.50"), ("€1,409.00", "1409.00"), ("1.000,25", "1000.25"),
])
def test_case_files_accept_dutch_and_english_amounts(statute: Path, tmp_path: Path, written: str, value: str) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"x": 30, "s": "mbo", "m": written}, ensure_ascii=False), encoding="utf-8")
    code, out, err = cli("eval", str(statute), "--case", str(case), "--date", "2025-01-01", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["case"]["m"] == value


def test_an_ambiguous_amount_is_a_positioned_error_with_the_euro_sign(statute: Path, tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text('{\n  "x": 30,\n  "s": "mbo",\n  "m": "€1.409"\n}\n', encoding="utf-8")
    code, out, err = cli("eval", str(statute), "--case", str(case), "--date", "2025-01-01")
    assert code == 2
    assert f"{case}:4:3: error: m: \"€1.409\" is ambiguous" in err
    assert "\\u20ac" not in err


def test_a_none_line_says_what_allow_silences(tmp_path: Path) -> None:
    """'none' is what is reported: a conflict silenced with @allow exists, and the line says so."""
    path = tmp_path / "c.law"
    path.write_text("statute C\nfacts F { x: int 0..10 }\ndecision d: int [art. 1] otherwise 0\n"
                    "rule a [art. 1 lid 1]: d = 1 if x > 2\n@allow(conflict)\nrule b [art. 1 lid 2]: d = 2 if x > 5\n",
                    encoding="utf-8")
    code, out, _ = cli("check", str(path), "--no-cache", "--date", "2025-01-01")
    assert code == 0
    assert "✓ LP101 conflicts: none, 1 decision (not reported for 1 with @allow(LP101))" in out.splitlines()
    assert "✓ LP102 gaps: none, 1 decision" in out.splitlines()


def test_findings_explained_in_dutch(tmp_path: Path) -> None:
    """The engine's messages (English in JSON) in the drafter's words in Dutch human output."""
    path = tmp_path / "c.law"
    path.write_text("statute C\nfacts F { x: int 0..10 }\ndecision d: int [art. 1] otherwise 0\n"
                    "rule a [art. 1 lid 1]: d = 1 if x > 2\nrule b [art. 1 lid 2]: d = 2 if x > 5\n", encoding="utf-8")
    code, out, _ = cli("check", str(path), "--no-cache", "--date", "2025-01-01", "--lang", "nl")
    assert code == 1
    assert "LP101 strijdige regels d: a / b  strijdig" in out
    assert ("regels a [art. 1 lid 1 C] en b [art. 1 lid 2 C] zijn allebei van toepassing op het geval hieronder "
            "en beslissen d verschillend (1 vs 2)") in out
    assert "d = strijdig  (regels a en b zijn allebei van toepassing en spreken elkaar tegen)" in out
    assert "in C op 1 januari 2025" in out
    _, data, _ = cli("check", str(path), "--no-cache", "--date", "2025-01-01", "--lang", "nl", "--format", "json")
    (finding,) = [r for r in json.loads(data)["results"] if r["kind"] == "conflict"]
    assert finding["message"].startswith("rules a [art. 1 lid 1 C] and b")  # JSON stays English


def _diff_summary(results) -> str:
    import io

    from lexproof.verifier.render import SafeConsole, print_diff_summary

    buffer = io.StringIO()
    print_diff_summary(SafeConsole(file=buffer, width=200, color_system=None), results)
    return buffer.getvalue().strip()


def test_the_diff_summary_never_says_zero_for_what_the_solver_could_not_tell() -> None:
    """'0 lose' is a proof that nobody loses: where the solver ran out of budget the summary
    says '?', where the groups could not all be listed 'at least N'."""
    from lexproof.dsl.source import Span
    from lexproof.verifier.results import Result

    where = Span("s.law", 1, 1, 1, 2)
    settled = Result("diff", "a", "changed", where, details={
        "rows": [{"direction": "gains"}], "directions": {"gains": {"combinations": 1}}})
    assert _diff_summary([settled, Result("diff", "b", "unchanged", where)]) == (
        "1 of 2 decisions changed (1 group: 1 gain, 0 lose, 0 change otherwise); unchanged: b")
    unsettled = Result("diff", "a", "changed", where, details={
        "rows": [{"direction": "gains"}],
        "directions": {"gains": {"combinations": 1, "complete": False}, "loses": {"status": "unknown"}}})
    text = _diff_summary([unsettled])
    assert "at least 1 gain" in text and "? lose" in text and "0 lose" not in text
    # a direction proved empty in every decision says 0, even when another is incomplete
    outlined = Result("diff", "e", "changed", where, details={
        "rows": [{"direction": "gains"}], "complete": False,
        "directions": {"gains": {"status": "some", "combinations": 32, "complete": False, "outlined": True},
                       "loses": {"status": "none", "combinations": 0, "complete": True}}})
    assert "at least 2 gain, 0 lose, 0 change otherwise" in _diff_summary([outlined, settled])
    undecided = Result("diff", "c", "unknown", where)
    text = _diff_summary([settled, undecided])
    assert text == ("at least 1 of 2 decisions changed (? groups: ? gain, ? lose, ? change otherwise); "
                    "could not compare (solver budget): c")


def test_engine_amounts_in_dutch_output() -> None:
    from lexproof.verifier.messages import engine_text, localize_amounts

    assert localize_amounts("e.g. €7,045.00", "nl") == "bijv. €\xa07.045,00"
    assert localize_amounts("omzet €0.00..€1,000,000.00, -€0.50", "nl") == "omzet €\xa00,00..€\xa01.000.000,00, €\xa0-0,50"
    assert localize_amounts("e.g. €7,045.00", "en") == "e.g. €7,045.00"
    assert engine_text("d changes in 2 group(s)", "nl") == "d verandert in 2 groep(en)"
    assert engine_text("d changes in 0 group(s) and 2 outline(s)", "nl") == "d verandert in 0 groep(en) en 2 omlijning(en)"
    assert engine_text("d changes in 1 group(s) and 1 outline(s), compared kind by kind", "nl") == (
        "d verandert in 1 groep(en) en 1 omlijning(en), vergeleken per kind")


def test_a_warning_says_why_in_one_line(tmp_path: Path) -> None:
    """A dead rule passes CI (a warning), but the short output still says why, without the case."""
    path = tmp_path / "w.law"
    path.write_text("statute W\nfacts F { x: int 0..10 }\ndecision d: bool [art. 1] otherwise false\n"
                    "rule a [art. 1 lid 1]: d = true if x > 20\n", encoding="utf-8")
    code, out, _ = cli("check", str(path), "--no-cache", "--date", "2025-01-01")
    assert code == 0
    lines = out.splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("! LP103 dead a  dead"))
    assert lines[index + 1] == "    in W on 2025-01-01"
    assert lines[index + 2] == ("    rule a [art. 1 lid 1 W] can never apply: its condition cannot hold within "
                                "the facts' domain")
    assert "the case:" not in out


GAP_STATUTE = """\
statute G "Gapwet"

facts A {
  uren: number 0..60
  aandeel: rate 0..1
}

decision recht: bool [art. 1]

rule laag [art. 1 lid 1]:
  recht = true
  if uren < 12.5

rule hoog [art. 1 lid 2]:
  recht = false
  if uren > 20.25 or aandeel > 12.5%
"""


def test_a_gap_region_in_dutch_has_dutch_numbers(tmp_path: Path) -> None:
    """No rule applies where 12.5 <= uren <= 20.25 and aandeel <= 12.5% (worked out from the two
    conditions by hand): the Dutch line writes those bounds with a decimal comma; the statute's
    own text ('uren < 12.5' in the trace) stays as written, and English keeps the point."""
    path = tmp_path / "g.law"
    path.write_text(GAP_STATUTE, encoding="utf-8")
    lines = {}
    for lang in ("en", "nl"):
        code, out, _ = cli("check", str(path), "--only", "gap", "--no-cache", "--date", "2026-01-01", "--lang", lang)
        assert code == 1
        lines[lang] = next(line for line in out.splitlines() if "where:" in line or "waar:" in line)
    assert lines["en"].endswith("undecided where: uren 12.5..20.25, aandeel 0%..12.5%")
    assert lines["nl"].endswith("onbeslist waar: uren 12,5..20,25, aandeel 0%..12,5%")


def test_region_and_values_words_in_dutch() -> None:
    from lexproof.verifier.messages import engine_text, region_text, values_text

    gap = ("no rule decides d for the case below, and it has no 'otherwise'; undecided where: "
           "some cases: x 0.5..1.75, b = true, n 0..1499, inkomen €0.00..€29,999.99 | every case")
    assert engine_text(gap, "nl") == (
        "geen regel beslist d voor het geval hieronder, en d heeft geen 'anders'; onbeslist waar: "
        "een deel van de gevallen: x 0,5..1,75, b = waar, n 0..1499, inkomen €\xa00,00..€\xa029.999,99 | elk geval")
    assert engine_text(gap, "en") == gap
    assert region_text("y 0.3333… (exactly 1/3)..1", "nl") == "y 0,3333… (precies 1/3)..1"
    assert region_text("d 2027-09-01..2027-12-31, -1.5..-0.5", "nl") == "d 1 september 2027..31 december 2027, -1,5..-0,5"
    # not numbers of a value: an article, a dotted version, an impossible date
    assert values_text("art. 3.16b, 1.2.3, 2024-02-30", "nl") == "art. 3.16b, 1.2.3, 2024-02-30"
    conflict = "rules a [art. 1] and b [art. 2] both apply to the case below and decide d differently (true vs false)"
    assert engine_text(conflict, "nl").endswith("beslissen d verschillend (waar vs onwaar)")


ITEMS_STATUTE = """\
statute T
facts H { inkomen: money €0..€100_000 }
items kind up to 2 { kosten: money €0..€5_000  opvang: bool }
decision deel: money per kind [art. 2] otherwise €0
rule derde [art. 2 lid 1]: deel = kosten / 3 if opvang
decision totaal: money [art. 3] otherwise sum(kind: deel)
"""


def test_decisions_per_item_to_the_cent_in_the_language(tmp_path: Path) -> None:
    """The 'per item' block of a case speaks the language and shows amounts to the cent, as the
    case's other outcomes do (it printed '€1,409.00' and '€469.6666… (exactly 1409/3 euro)' in
    Dutch output too). By hand: 1409 / 3 = 469.666..., to the cent 469.67; the second child has
    no opvang, so 'otherwise' (€0) decides; a kind with no items does not occur here."""
    path = tmp_path / "t.law"
    path.write_text(ITEMS_STATUTE, encoding="utf-8")
    case = tmp_path / "case.json"
    case.write_text('{"inkomen": "€30.000,00", "kind": [{"kosten": "€1.409,00", "opvang": true},'
                    ' {"kosten": 200, "opvang": false}]}', encoding="utf-8")
    code, out, err = cli("eval", str(path), "--case", str(case), "--date", "2025-01-01", "--lang", "nl")
    assert code == 0, err
    lines = [line.strip() for line in out.splitlines()]
    assert "per item:" in lines
    assert "kind[1].deel = ≈€\xa0469,67 (derde [art. 2 lid 1 T])" in lines
    assert "kind[2].deel = €\xa00,00 (anders)" in lines
    assert any(line.split() == ["kind[1].kosten", "€", "1.409,00"] for line in lines)  # € and amount: nbsp
    assert any(line.split() == ["kind[2].opvang", "onwaar"] for line in lines)
    assert "1409/3" not in out and "exactly" not in out and "(otherwise)" not in out
    code, out, err = cli("eval", str(path), "--case", str(case), "--date", "2025-01-01", "--lang", "en")
    assert code == 0, err
    lines = [line.strip() for line in out.splitlines()]
    assert "kind[1].deel = ≈€469.67 (derde [art. 2 lid 1 T])" in lines
    assert "kind[2].deel = €0.00 (otherwise)" in lines
    assert any(line.split() == ["kind[1].kosten", "€1,409.00"] for line in lines)
    assert "1409/3" not in out


def test_a_proof_in_full_in_dutch(statute: Path) -> None:
    """-v gives a proof's basis rule by rule; in Dutch in the drafter's words ('regel', 'steunt
    op'), the statute's names and citations unchanged (it was English: 'holds for every case;
    rests on ... (rule a)')."""
    code, out, _ = cli("check", str(statute), "--no-cache", "--date", "2025-01-01", "-v", "--no-builtin", "--lang", "nl")
    assert code == 1
    # 'd implies x < 50' rests at least on rule a (x < grens) and the value 50 of grens
    line = next(line.strip() for line in out.splitlines() if line.strip().startswith("geldt voor elk geval"))
    assert line.startswith("geldt voor elk geval; steunt op ")
    assert "art. 1 lid 1 S (regel a)" in line and "art. 2 lid 1 S: grens = 50" in line
    assert "holds" not in out and "rests on" not in out and "(rule " not in out


UNDEFINED_STATUTE = """\
statute U
facts F { x: int 0..10 }
items kind up to 2 { leeftijd: int 0..17 }
decision jongste: int [art. 1]
rule j [art. 1 lid 1]: jongste = min(kind: leeftijd)
decision oud: bool [art. 2] otherwise false
rule o [art. 2 lid 1]: oud = true if jongste > 12
"""


def test_why_a_decision_has_no_value_in_dutch(tmp_path: Path) -> None:
    """min() over no items is undefined (docs/language.md, aggregates), and so is every
    decision that reads it: said in Dutch, status and reason ('undefined' was printed as is)."""
    path = tmp_path / "u.law"
    path.write_text(UNDEFINED_STATUTE, encoding="utf-8")
    case = tmp_path / "u.json"
    case.write_text('{"x": 0, "kind": []}', encoding="utf-8")
    code, out, err = cli("eval", str(path), "--case", str(case), "--date", "2025-01-01", "--lang", "nl")
    assert code == 0, err
    lines = [line.strip() for line in out.splitlines()]
    assert "jongste = onbepaald  (de waarde van regel j is onbepaald: min() over geen enkel item van kind)" in lines
    assert "oud = onbepaald  (een voorwaarde van oud is onbepaald: jongste is onbepaald)" in lines
    assert "? o [art. 2 lid 1 U]: jongste is onbepaald" in lines
    assert "kind  geen" in lines
    assert "undefined" not in out
    _, out, _ = cli("eval", str(path), "--case", str(case), "--date", "2025-01-01", "--lang", "en")
    assert "jongste = undefined  (the value of rule j is undefined: min() over no kind items)" in out


def test_two_statutes_on_one_question_in_dutch() -> None:
    """LP105's kind, status and messages (verifier/questions.py, written out here as it builds
    them) in Dutch; lex superior and the names stay as they are."""
    from lexproof.verifier.messages import engine_text, kind_text, status_text

    assert kind_text("question", "nl") == "rechtsvraag"
    assert status_text("resolved", "nl") == "beslecht"
    resolved = ("AVG.rechtmatig and DUO.rechtmatig_volgens_duo disagree for the case below; AVG decides there "
                "(lex superior), DUO yields; DUO's decision is dead on this question wherever both are in force and "
                "a priority decides: AVG decides every case it decides there")
    assert engine_text(resolved, "nl") == (
        "AVG.rechtmatig en DUO.rechtmatig_volgens_duo beslissen verschillend voor het geval hieronder; daar beslist "
        "AVG (lex superior), DUO wijkt; de beslissing van DUO is dood voor deze vraag overal waar beide gelden en een "
        "voorrangsregel beslist: AVG beslist daar elk geval dat DUO beslist")
    mixed = ("A.a and B.b agree wherever both decide, in every version checked; by lex posterior: wherever both are "
             "in force and a priority decides, the yielding decision is dead there: B's where A prevails (B on "
             "2020-01-01); A's where B prevails (B on 2027-01-01)")
    assert engine_text(mixed, "nl").endswith(
        "volgens lex posterior: overal waar beide gelden en een voorrangsregel beslist, is de wijkende beslissing "
        "daar dood: die van B waar A voorgaat (B op 1 januari 2020); die van A waar B voorgaat (B op 1 januari 2027)")
    not_dead = "B's decision is not dead: where A prevails (B on 2020-01-01), B still decides cases A leaves undecided"
    assert engine_text(not_dead, "nl") == ("de beslissing van B is niet dood: waar A voorgaat (B op 1 januari 2020), "
                                           "beslist B nog gevallen die A onbeslist laat")
    conflict = "A.d and B.e decide question 'q' differently for the case below; the solver gave up in A on 2027-09-01"
    assert engine_text(conflict, "nl") == ("A.d en B.e beantwoorden de vraag 'q' verschillend voor het geval hieronder; "
                                           "de solver gaf het op in A op 1 september 2027")
    clean = "A.d and B.e agree wherever both decide, in every version checked; A prevails (lex specialis): " \
            "B's decision is not dead: where A prevails (B on 2027-09-01), B still decides cases A leaves undecided"
    assert engine_text(clean, "nl") == (
        "A.d en B.e beslissen gelijk waar zij allebei beslissen, in elke nagegane versie; A gaat voor (lex specialis): "
        "de beslissing van B is niet dood: waar A voorgaat (B op 1 september 2027), beslist B nog gevallen die A "
        "onbeslist laat")


def test_version_labels_of_statutes_that_read_others_in_dutch() -> None:
    from lexproof.verifier.render import version_text

    assert version_text("AVG on 2027-07-01 (SUWI with proactieve_dienstverlening_szw)", "nl") == (
        "AVG op 1 juli 2027 (SUWI met proactieve_dienstverlening_szw)")
    assert version_text("WSF2000 on 2027-09-01 (with uitbreiding_mbo; WEB with w)", "nl") == (
        "WSF2000 op 1 september 2027 (met uitbreiding_mbo; WEB met w)")
    assert version_text("AVG on 2027-07-01 (SUWI with a_with_b)", "en") == "AVG on 2027-07-01 (SUWI with a_with_b)"


def test_one_statute_is_singular_in_dutch() -> None:
    assert text("progress.check", "nl", count=1) == "1 wet controleren…"  # was '1 wetat'
    assert text("progress.check", "nl", count=8) == "8 wetten controleren…"
    assert text("cache.reused", "nl", count=1, directory="d") == (
        "(de resultaten van 1 ongewijzigde wet hergebruikt uit d; --no-cache controleert opnieuw)")
    assert text("cache.reused", "en", count=2, directory="d") == (
        "(reused the results of 2 unchanged statutes from d; --no-cache checks afresh)")


def test_query_without_a_case_in_dutch(statute: Path) -> None:
    code, out, _ = cli("query", str(statute), "exists F: d and x > 60", "--date", "2025-01-01", "--lang", "nl")
    assert code == 0
    lines = out.splitlines()
    assert "geen geval" in lines[0] and lines[0].endswith("uitgesloten door art. 1 S, art. 2 S")
    # a rule in the statute's own words, whatever the language; a value as lexproof writes it
    assert "      art. 1 lid 1 S: rule a [art. 1 lid 1]: d = true if x < grens and s = hbo" in lines
    assert "      art. 2 lid 1 S: grens = 50" in lines


DIFF_STATUTE = """\
statute D
facts F { b: bool  m: money €0..€1_000  geboren: date 1950-01-01..2000-12-31 }
decision recht: bool [art. 1] otherwise false
rule r [art. 1 lid 1]: recht = true if b and geboren < 1980-01-01
decision bedrag: money [art. 2] otherwise €0
rule q [art. 2 lid 1]: bedrag = €100 if b

amendment A amends D in force 2027-01-01
  replace rule r [art. 1 lid 1]: recht = true if geboren < 1980-01-01
  replace rule q [art. 2 lid 1]: bedrag = m / 3 if b
"""


def test_diff_rows_in_dutch_and_to_the_cent(tmp_path: Path) -> None:
    """A diff row's region and outcomes in the person's language: true/false in words, dates
    as Dutch writes them, amounts to the cent. By hand: after A, recht is true for everyone born
    before 1980, so those with b = false gain (born 1950-01-01 up to 1979-12-31); bedrag becomes
    m / 3 where b, which is more than €100 above m = €300 (at m = €1,000: 1000/3 = 333.33 to the
    cent, marked ≈) and less below it. The JSON keeps the exact value."""
    path = tmp_path / "d.law"
    path.write_text(DIFF_STATUTE, encoding="utf-8")
    wide = {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8", "COLUMNS": "250"}  # a row on one line
    code, out, err = cli("diff", str(path), "--amendment", "A", "--lang", "nl", "--no-cache", env=wide)
    assert code == 0, err
    words = " ".join(out.split())  # the table pads its cells; compare the words
    assert "b = onwaar, geboren 1 januari 1950 tot 31 december 1979 onwaar waar gaat erop vooruit" in words
    assert "bijv. € 100,00 bijv. ≈€ 333,33 gaat erop vooruit" in words
    assert "false" not in out and "true" not in out and "1979-12-31" not in out and "exactly" not in out
    code, out, err = cli("diff", str(path), "--amendment", "A", "--lang", "en", "--no-cache", env=wide)
    words = " ".join(out.split())
    assert "b = false, geboren 1950-01-01 to 1979-12-31 false true gains" in words
    assert "e.g. €100.00 e.g. ≈€333.33 gains" in words and "exactly" not in out
    _, data, _ = cli("diff", str(path), "--amendment", "A", "--format", "json", "--no-cache")
    rows = [row for r in json.loads(data)["results"] if r["name"] == "bedrag" for row in r["details"]["rows"]]
    assert any("1000/3" in row["after"] for row in rows)


def test_outcome_text() -> None:
    from lexproof.verifier.messages import outcome_text

    assert outcome_text("e.g. undefined", "nl") == "bijv. onbepaald"
    assert outcome_text("undefined", "en") == "undefined"
    assert outcome_text("false", "nl") == "onwaar"
    assert outcome_text("lcw_lesgeld", "nl") == "lcw_lesgeld"
    assert outcome_text("e.g. €1,409.00", "nl") == "bijv. €\xa01.409,00"
    assert outcome_text("e.g. -€469.6667… (exactly -1409/3 euro)", "en") == "e.g. ≈-€469.67"
    assert outcome_text("33.3333…% (exactly 1/3)", "nl") == "≈33,33%"
    assert outcome_text("0.3333… (exactly 1/3)", "en") == "≈0.3333"


def test_a_diff_table_folds_long_values_rather_than_cutting_them() -> None:
    """At 80 columns the LLL's region 'instelling = erkend_niet_bekostigd' did not fit its
    column and rich cut it to 'erkend_niet_bekostig…': a drafter cannot tell which value is
    meant. Cells fold instead."""
    lll = Path(__file__).resolve().parents[1] / "statutes" / "lll"
    code, out, err = cli("diff", str(lll), "--amendment", "uitbreiding_mbo", "--decision", "max_per_jaar",
                         "--lang", "nl", "--no-cache")
    assert code == 0, err
    assert "max_per_jaar verandert in" in out
    assert "…" not in out


class _Recorder:
    """A workers.Progress that writes down what it is told."""

    def __init__(self) -> None:
        self.total = 0
        self.done = 0

    def add(self, count: int) -> None:
        assert self.done <= self.total
        self.total += count

    def advance(self) -> None:
        self.done += 1
        assert self.done <= self.total


@pytest.mark.parametrize("jobs", [1, 2])
def test_check_and_diff_tell_their_progress(statute: Path, tmp_path: Path, jobs: int) -> None:
    """Every task is announced before it is done, and each is done once: the statute's examples
    (one task), its two properties and at least one part of built-in checks; the diff compares
    both decisions of DIFF_STATUTE that A changes, each with the solver."""
    from lexproof.verifier import api

    recorder = _Recorder()
    api.check(api.load(statute), date="2025-01-01", jobs=jobs, progress=recorder)
    assert recorder.total >= 4 and recorder.done == recorder.total
    path = tmp_path / "d.law"
    path.write_text(DIFF_STATUTE, encoding="utf-8")
    recorder = _Recorder()
    api.diff(api.load(path), amendment="A", jobs=jobs, progress=recorder)
    assert recorder.total == recorder.done == 2


def test_the_progress_bar_shows_only_after_a_delay_and_only_on_a_terminal(statute: Path) -> None:
    import io
    import time

    from rich.console import Console

    from lexproof.verifier.cli import _Bar

    def run(seconds: float) -> str:
        buffer = io.StringIO()
        console = Console(file=buffer, force_terminal=True, width=100)
        bar = _Bar(console, "controleren", delay=0.2)
        with bar:
            bar.add(3)
            bar.advance()
            time.sleep(seconds)
            bar.advance()
        return buffer.getvalue()

    assert run(0.0) == ""  # a quick run prints nothing extra
    shown = run(0.8)
    assert "controleren" in shown and "1/3" in shown
    # not a terminal (CI, a log, a pipe): no bar, no control sequences on stderr
    _, _, err = cli("check", str(statute), "--no-cache", "--date", "2025-01-01")
    assert "\x1b" not in err and "controleren" not in err and "checking" not in err


def test_diff_rows_in_plain_words() -> None:
    """Was 'gains 48 comb.' and 'some cases: ... leeftijd 30..120' (issue 17)."""
    from lexproof.verifier.render import direction_text, plain_row

    assert direction_text({"direction": "gains", "combinations": 48}) == "gains (48 combinations)"
    assert direction_text({"direction": "loses", "combinations": 1}) == "loses"
    assert direction_text({"direction": "gains", "combinations": 48}, "nl") == "gaat erop vooruit (48 combinaties)"
    assert plain_row("some cases: leeftijd 30..120, soort in {a, b}") == (
        "some cases: leeftijd 30 to 120, soort is one of {a, b}")
    assert plain_row("some cases: leeftijd 30..120, soort in {a, b}", "nl") == (
        "een deel van de gevallen: leeftijd 30 tot 120, soort is een van {a, b}")


def test_an_outline_row_and_why_a_summary_is_incomplete_in_plain_words() -> None:
    """An outlined region (verifier/regions.py ``_outline``): 'all within', its count a lower
    bound; the reasons a summary is incomplete in Dutch, part by part."""
    from lexproof.verifier.messages import engine_text, region_text
    from lexproof.verifier.render import direction_text, plain_row

    row = {"direction": "loses", "combinations": 32, "outline": True}
    assert direction_text(row) == "loses (at least 32 combinations)"
    assert direction_text(row, "nl") == "gaat erop achteruit (ten minste 32 combinaties)"
    assert plain_row("within: g1_b0 = true, g1_i7 46..120") == "all within: g1_b0 = true, g1_i7 46 to 120"
    assert plain_row(region_text("within: g1_b0 = true, g1_i7 46..120", "nl"), "nl") == (
        "alle binnen: g1_b0 = waar, g1_i7 46 tot 120")
    reason = ("loses: more than 32 combinations of enum/bool values (the rows outline them); "
              "gains: the solver ran out of budget; changes: stopped after 256 combinations of enum/bool values")
    assert engine_text(reason, "nl") == (
        "achteruit: meer dan 32 combinaties van keuze- of ja/nee-feiten (de rijen omlijnen ze); "
        "vooruit: de solver had niet genoeg rekentijd; "
        "anders gewijzigd: gestopt na 256 combinaties van keuze- of ja/nee-feiten")
    assert engine_text(reason, "en") == reason
    # an outline that narrows no fact does not read as 'every case changes'
    assert plain_row("within: every case") == "all within: any values of the facts"
    assert plain_row(region_text("within: every case", "nl"), "nl") == "alle binnen: alle waarden van de feiten"


def test_an_outlined_part_does_not_say_more_groups_may_change() -> None:
    """Every changed case lies within an outline row (``outlined``): the summary gives the
    reason only; a part left incomplete otherwise still warns."""
    from lexproof.dsl.source import Span
    from lexproof.verifier.render import diff_summary_lines
    from lexproof.verifier.results import Result

    reason = "more than 32 combinations of enum/bool values (the rows outline them)"
    outlined = {"status": "some", "combinations": 32, "complete": False, "outlined": True, "incomplete_reason": reason}
    result = Result("diff", "d", "changed", Span("s.law", 1, 1, 1, 2), details={
        "rows": [], "complete": False, "incomplete_reason": "gains: " + reason,
        "directions": {"gains": outlined, "loses": {"status": "none", "combinations": 0, "complete": True}}})
    (line,) = diff_summary_lines(result)
    assert line.endswith(f"(gains: {reason})") and "more groups" not in line
    (line,) = diff_summary_lines(result, "nl")
    assert line.endswith("(vooruit: meer dan 32 combinaties van keuze- of ja/nee-feiten (de rijen omlijnen ze))")
    result.details["directions"]["gains"] = {**outlined, "outlined": False}
    (line,) = diff_summary_lines(result)
    assert line.endswith("; more groups may change)")


def test_basis_entries_in_dutch() -> None:
    """Each kind of entry describe_tracker writes (verifier/properties.py), written out here."""
    from lexproof.verifier.messages import basis_text
    from lexproof.verifier.render import ruled_out_text

    basis = ("art. 1.5 K (rule r), art. 3 K: d otherwise, Wko art. 1.8: minimum = 36.5%, "
             "art. 2 K: vanaf = 2027-09-01, e is always decided (checked separately)")
    assert basis_text(basis, "nl") == (
        "art. 1.5 K (regel r), art. 3 K: 'anders' van d, Wko art. 1.8: minimum = 36,5%, "
        "art. 2 K: vanaf = 1 september 2027, e is altijd beslist (apart nagegaan)")
    assert basis_text(basis, "en") == basis
    # a rule line is the statute's own text, in any language; a value is lexproof's
    rule = "art. 1.5 K: rule r [art. 1.5]: d = true if x > 1.5"
    assert ruled_out_text(rule, "nl") == rule
    assert ruled_out_text("art. 7 K: bedrag = €1,409.00", "nl") == "art. 7 K: bedrag = €\xa01.409,00"


def test_a_solver_that_gave_up_and_a_law_that_decides_nothing_are_two_words_in_dutch() -> None:
    """'unknown' (the solver ran out of budget: nothing established) and 'undecided' (the law
    decides nothing for the case) are different answers; in Dutch both read 'onbeslist' once."""
    from lexproof.verifier.messages import status_text

    assert status_text("unknown", "nl") == "onbekend"
    assert status_text("undecided", "nl") == "onbeslist"
