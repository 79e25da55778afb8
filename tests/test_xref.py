"""Statutes that read each other (issue 19): ``uses``, qualified names, versions across
statutes, ``diff --amendment`` into the statutes that read the amended one, and ``same
question`` conflicts between statutes. Every expected value below is worked out by hand in the
comment next to it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lexproof.dsl.diagnostics import LexproofError
from lexproof.verifier import api
from lexproof.verifier.cli import main

WEB = """
statute WEB "Wet educatie en beroepsonderwijs" cite "WEB"
enum Leerweg { bol_voltijd, bol_deeltijd, bbl, derde_leerweg, geen }
facts Aanvrager {
  leerweg: Leerweg
  leeftijd: int 0..120
}
parameter maximumleeftijd: int [art. 7.1] = 30 from 2020-01-01 = 35 from 2027-01-01
decision beroepsopleiding: bool [art. 7.2.2] otherwise false
rule bol [art. 7.2.2 lid 1]: beroepsopleiding = true if leerweg in {bol_voltijd, bol_deeltijd}
rule bbl_regel [art. 7.2.2 lid 2]: beroepsopleiding = true if leerweg = bbl

amendment derde_telt amends WEB in force 2027-01-01
  insert rule derde [art. 7.2.2 lid 3]: beroepsopleiding = true if leerweg = derde_leerweg
"""

WSF = """
statute WSF "Wet studiefinanciering 2000"
uses WEB
facts Aanvrager {
  leeftijd: int 0..120
}
parameter grens: int [art. 2.3a] = 55
decision recht: bool [art. 3.16b] otherwise false
decision jong: bool [art. 2.1] otherwise false
rule aanspraak [art. 3.16b lid 1]: recht = true if WEB.beroepsopleiding and leeftijd <= grens
rule jong_regel [art. 2.1]: jong = true if leeftijd <= WEB.maximumleeftijd
"""


def _write(tmp_path: Path, **files: str) -> Path:
    for name, text in files.items():
        (tmp_path / f"{name}.law").write_text(text, encoding="utf-8")
    return tmp_path


def _load_error(tmp_path: Path, **files: str) -> str:
    with pytest.raises(LexproofError) as info:
        api.load(_write(tmp_path, **files))
    return "\n".join(d.render() for d in info.value.diagnostics)


def _value(program, case: dict, date: str, statute: str = "WSF", amendment: str | None = None) -> dict:
    result = api.evaluate(program, case, statute=statute, date=date, amendment=amendment)
    return {name: outcome.value for name, outcome in result.outcomes.items()}


# --- references and the evaluator ---------------------------------------------------------------


def test_a_rule_reads_another_statutes_decision_in_its_version_on_the_date(tmp_path: Path) -> None:
    program = api.load(_write(tmp_path, web=WEB, wsf=WSF))
    bbl = {"leeftijd": 40, "leerweg": "bbl"}
    derde = {"leeftijd": 40, "leerweg": "derde_leerweg"}
    # bbl counts under art. 7.2.2 lid 2 WEB at all times; 40 <= 55: recht.
    assert _value(program, bbl, "2026-01-01")["recht"] is True
    # The derde leerweg counts only from 2027-01-01 (amendment derde_telt of the WEB).
    assert _value(program, derde, "2026-06-01")["recht"] is False
    assert _value(program, derde, "2027-06-01")["recht"] is True
    # 60 > 55: no recht, whatever the WEB says.
    assert _value(program, {"leeftijd": 60, "leerweg": "bbl"}, "2027-06-01")["recht"] is False


def test_a_parameter_of_another_statute_takes_its_value_on_the_date(tmp_path: Path) -> None:
    program = api.load(_write(tmp_path, web=WEB, wsf=WSF))
    case = {"leeftijd": 33, "leerweg": "geen"}
    assert _value(program, case, "2026-01-01")["jong"] is False  # 33 > 30 (value from 2020)
    assert _value(program, case, "2027-01-01")["jong"] is True  # 33 <= 35 (value from 2027)


def test_the_trace_cites_the_other_statutes_articles_by_its_name(tmp_path: Path) -> None:
    program = api.load(_write(tmp_path, web=WEB, wsf=WSF))
    result = api.evaluate(program, {"leeftijd": 40, "leerweg": "bbl"}, statute="WSF", date="2026-01-01")
    data = result.to_json()
    text = json.dumps(data)
    assert "art. 7.2.2 lid 2 WEB" in text
    assert "art. 3.16b lid 1 WSF" in text
    assert "art. 7.2.2 lid 2 WSF" not in text


def test_a_statute_can_be_read_through_another(tmp_path: Path) -> None:
    # C reads B.d, B.d reads A.basis: A's rule decides C's outcome.
    a = "statute A\nfacts F { x: int 0..10 }\ndecision basis: int [art. 1] otherwise 0\nrule r [art. 1]: basis = x * 2\n"
    b = "statute B\nuses A\nfacts F { x: int 0..10 }\ndecision d: int [art. 2] otherwise 0\nrule r [art. 2]: d = A.basis + 1\n"
    c = ("statute C\nuses B\nfacts F { x: int 0..10 }\ndecision e: int [art. 3] otherwise 0\n"
         "rule r [art. 3]: e = B.d * 10\n"
         "example \"drie\" [on 2026-01-01] { x = 3 } expect e = 70\n"
         "property groot: for every F claim e >= 10\n")
    program = api.load(_write(tmp_path, a=a, b=b, c=c))
    assert _value(program, {"x": 3}, "2026-01-01", statute="C")["e"] == 70  # (3 * 2 + 1) * 10
    results = api.check(program, date="2026-01-01")
    statuses = {r.name: r.status for r in results if r.kind in ("example", "property")}
    assert statuses == {"drie": "passed", "groot": "proved"}  # x = 0 gives (0 + 1) * 10 = 10


def test_facts_of_a_shared_group_are_one_fact(tmp_path: Path) -> None:
    # WSF declares leeftijd itself; WEB's leeftijd is the same fact, and leerweg (which only
    # the WEB declares) becomes a fact of WSF's case too.
    program = api.load(_write(tmp_path, web=WEB, wsf=WSF))
    wsf = program.statutes["WSF"]
    assert wsf.groups["Aanvrager"] == ("leeftijd", "leerweg")
    with pytest.raises(LexproofError, match="leerweg"):
        api.evaluate(program, {"leeftijd": 40}, statute="WSF", date="2026-01-01")


# --- properties and the encoding across statutes ------------------------------------------------


def test_a_property_proves_what_an_amendment_of_another_statute_does_to_this_one(tmp_path: Path) -> None:
    props = WSF + """
property niemand_verliest [amendment derde_telt]: for every Aanvrager claim before.recht implies after.recht
property alleen_derde [amendment derde_telt]: for every Aanvrager assume leerweg != derde_leerweg
  claim before.recht = after.recht
property niemand_wint [amendment derde_telt] expect counterexample: for every Aanvrager
  claim after.recht implies before.recht
"""
    program = api.load(_write(tmp_path, web=WEB, wsf=props))
    results = {r.name: r for r in api.check(program, builtin=False)}
    assert results["niemand_verliest"].status == "proved"
    assert results["alleen_derde"].status == "proved"
    witness = results["niemand_wint"].witnesses[0]
    # The only gain: derde leerweg and at most 55 years (the WEB amendment, through art. 3.16b).
    assert witness.facts[None]["leerweg"] == "derde_leerweg"
    assert witness.facts[None]["leeftijd"] <= 55
    assert "art. 7.2.2 lid 3 WEB" in results["niemand_wint"].articles or any(
        "art. 7.2.2 lid 3 WEB" in a for a in witness.deciding_articles())


def test_diff_of_an_amendment_reports_the_statutes_that_read_it(tmp_path: Path) -> None:
    program = api.load(_write(tmp_path, web=WEB, wsf=WSF))
    results = api.diff(program, amendment="derde_telt")
    by_name = {(r.statute, r.name): r for r in results}
    assert by_name[("WEB", "beroepsopleiding")].status == "changed"
    recht = by_name[("WSF", "recht")]
    assert recht.status == "changed"
    # Who gains: derde leerweg, leeftijd 0..55; nobody loses.
    assert recht.details["gains"] == 1 and recht.details["losses"] == 0
    assert recht.details["rows"][0]["when"] == "leerweg = derde_leerweg, leeftijd 0..55"
    assert by_name[("WSF", "jong")].status == "unchanged"  # maximumleeftijd is not changed by derde_telt
    # Only WSF's own decisions are reported for WSF (WEB's are reported once, for the WEB).
    assert ("WSF", "WEB.beroepsopleiding") not in by_name


def test_diff_on_the_command_line_names_the_statute_of_each_result(tmp_path: Path) -> None:
    folder = _write(tmp_path, web=WEB, wsf=WSF)
    result = CliRunner().invoke(main, ["diff", str(folder), "--amendment", "derde_telt", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    pairs = {(r["statute"], r["name"], r["status"]) for r in data["results"]}
    assert ("WSF", "recht", "changed") in pairs and ("WEB", "beroepsopleiding", "changed") in pairs


def test_builtin_checks_of_a_reader_do_not_report_the_other_statutes_findings(tmp_path: Path) -> None:
    # The WEB has a gap in 'soort' (no otherwise, bbl undecided); the WSF reads it. The gap is
    # reported once, for the WEB; the WSF's own decision has an otherwise and no finding.
    web = ("statute WEB\nenum Leerweg { bol, bbl }\nfacts Aanvrager { leerweg: Leerweg }\n"
           "decision soort: int [art. 1]\nrule r [art. 1]: soort = 1 if leerweg = bol\n")
    wsf = ("statute WSF\nuses WEB\ndecision d: int [art. 2] otherwise 0\n"
           "rule r [art. 2]: d = WEB.soort + 1\n")
    program = api.load(_write(tmp_path, web=web, wsf=wsf))
    findings = [(r.statute, r.code, r.name) for r in api.check(program, date="2026-01-01")
                if r.kind in ("gap", "conflict", "dead", "redundant")]
    assert ("WEB", "LP102", "soort") in [(s, c, n) for s, c, n in findings]
    assert not [f for f in findings if f[0] == "WSF"]


# --- diagnostics ----------------------------------------------------------------------------------


def test_an_unknown_used_statute_is_an_error_with_a_hint(tmp_path: Path) -> None:
    message = _load_error(tmp_path, web=WEB, wsf=WSF.replace("uses WEB", "uses WBE"))
    assert "wsf.law:3:6: error: uses unknown statute 'WBE'; did you mean 'WEB'?" in message


def test_an_unknown_name_of_a_used_statute_is_an_error_with_a_hint(tmp_path: Path) -> None:
    message = _load_error(tmp_path, web=WEB, wsf=WSF.replace("WEB.beroepsopleiding", "WEB.beroepsopleidng"))
    assert "wsf.law:10:52: error: statute WEB has no decision, parameter, fact or enum value " \
           "'beroepsopleidng'; did you mean 'beroepsopleiding'?" in message


def test_reading_a_statute_without_uses_says_how(tmp_path: Path) -> None:
    message = _load_error(tmp_path, web=WEB, wsf=WSF.replace("uses WEB\n", ""))
    assert "declare 'uses WEB' in WSF" in message
    assert "wsf.law:9:52: error:" in message


def test_statutes_that_use_each_other_are_a_cycle_error(tmp_path: Path) -> None:
    a = "statute A\nuses B\nfacts F { x: int 0..1 }\ndecision d: int [art. 1] otherwise 0\n"
    b = "statute B\nuses A\nfacts F { x: int 0..1 }\ndecision e: int [art. 1] otherwise 0\n"
    message = _load_error(tmp_path, a=a, b=b)
    assert "a.law:2:6: error: statutes use each other in a cycle: A -> B -> A" in message


def test_a_shared_fact_declared_differently_is_an_error(tmp_path: Path) -> None:
    # WEB.beroepsopleiding reads the fact leerweg, which the WSF declares as a number.
    message = _load_error(tmp_path, web=WEB, wsf=WSF.replace("leeftijd: int 0..120", "leeftijd: int 0..120\n  leerweg: int 0..4"))
    assert "the fact 'leerweg' is shared by WSF and WEB, and must be declared alike" in message
    assert "'leerweg: int 0..4'" in message and "'leerweg: Leerweg'" in message


def test_a_shared_enum_with_other_values_is_an_error(tmp_path: Path) -> None:
    wsf = WSF.replace("uses WEB\n", "uses WEB\nenum Leerweg { bol_voltijd, bbl }\n")
    message = _load_error(tmp_path, web=WEB, wsf=wsf)
    assert "enum Leerweg of WSF (bol_voltijd, bbl) differs from enum Leerweg of WEB" in message


def test_the_cli_exits_2_on_a_bad_reference(tmp_path: Path) -> None:
    folder = _write(tmp_path, web=WEB, wsf=WSF.replace("WEB.beroepsopleiding", "WEB.onbekend"))
    result = CliRunner().invoke(main, ["check", str(folder)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "WEB has no decision" in result.output


# --- conflicts between statutes ---------------------------------------------------------------------

AVG = """
statute AVG "Algemene verordening gegevensbescherming" celex "32016R0679"
enum Grondslag { toestemming, wettelijke_plicht, geen }
facts Verwerking {
  grondslag: Grondslag
  systematisch: bool
}
decision rechtmatig: bool [art. 6 lid 1] otherwise false
rule toestemming_regel [art. 6 lid 1 sub a]: rechtmatig = true if grondslag = toestemming and not systematisch
rule plicht [art. 6 lid 1 sub c]: rechtmatig = true if grondslag = wettelijke_plicht
"""

SUWI = """
statute SUWI "Wet SUWI"
uses AVG
facts Verwerking {
  grondslag: Grondslag
  systematisch: bool
}
decision mag_verwerken: bool [art. 62] otherwise false
rule suwi_regel [art. 62 lid 1]: mag_verwerken = true if grondslag in {toestemming, wettelijke_plicht}
"""


def _questions(tmp_path: Path, declarations: str, avg: str = AVG) -> dict:
    program = api.load(_write(tmp_path, avg=avg, suwi=SUWI + declarations))
    return {r.name: r for r in api.check(program, date="2026-01-01", properties=False, examples=False)
            if r.kind == "question"}


def test_two_statutes_that_decide_one_question_differently_are_a_conflict(tmp_path: Path) -> None:
    results = _questions(tmp_path, "same question verwerking: AVG.rechtmatig, mag_verwerken\n")
    result = results["verwerking"]
    assert (result.status, result.code, result.severity) == ("conflict", "LP105", "error")
    # The only disagreement: consent for systematic processing (AVG: not lawful, art. 6 lid 1
    # sub a needs 'not systematisch'; SUWI art. 62 lid 1: allowed).
    facts = result.witnesses[0].facts[None]
    assert facts == {"grondslag": "toestemming", "systematisch": True}
    assert "art. 62 lid 1 SUWI" in result.articles
    assert any(a.endswith(" AVG") for a in result.articles)


def test_statutes_that_agree_are_clean_and_unknown_is_never_clean(tmp_path: Path) -> None:
    # With the AVG allowing consent also for systematic processing, the two agree everywhere:
    # toestemming or wettelijke_plicht -> both true; geen -> both false.
    agreeing = AVG.replace(" and not systematisch", "")
    results = _questions(tmp_path, "same question verwerking: AVG.rechtmatig, mag_verwerken\n", avg=agreeing)
    assert results["verwerking"].status == "clean"


def test_lex_superior_names_who_decides_and_whether_the_other_is_dead(tmp_path: Path) -> None:
    results = _questions(tmp_path, "same question q: AVG.rechtmatig, mag_verwerken priority lex superior AVG\n")
    result = results["q"]
    assert result.status == "resolved" and result.severity == "info"
    assert result.details["winner"] == "AVG"
    # AVG.rechtmatig has 'otherwise false': it decides every case, so SUWI's decision never
    # has effect on the question.
    assert result.details["dead"] is True
    assert "AVG decides there (lex superior)" in result.message


def test_a_yielding_decision_that_still_decides_cases_alone_is_not_dead(tmp_path: Path) -> None:
    # Without 'otherwise', the AVG leaves grondslag = geen undecided; SUWI decides it (false).
    gapped = AVG.replace("decision rechtmatig: bool [art. 6 lid 1] otherwise false",
                         "@allow(gap) decision rechtmatig: bool [art. 6 lid 1]")
    results = _questions(tmp_path, "same question q: AVG.rechtmatig, mag_verwerken priority lex specialis AVG\n",
                         avg=gapped)
    result = results["q"]
    assert result.details["dead"] is False
    assert result.details["alone"]["grondslag"] == "geen"


def test_lex_posterior_takes_the_later_amendment(tmp_path: Path) -> None:
    # The SUWI is amended in 2025, the AVG never: on 2026-01-01 the SUWI is the later law.
    suwi_amendment = ("amendment suwi_2025 amends SUWI in force 2025-01-01\n"
                      "  replace rule suwi_regel [art. 62 lid 1]: mag_verwerken = true if grondslag != geen\n")
    results = _questions(tmp_path, "same question q: AVG.rechtmatig, mag_verwerken priority lex posterior\n"
                         + suwi_amendment)
    assert results["q"].status == "resolved" and results["q"].details["winner"] == "SUWI"


def test_lex_posterior_without_dates_stays_a_conflict(tmp_path: Path) -> None:
    results = _questions(tmp_path, "same question q: AVG.rechtmatig, mag_verwerken priority lex posterior\n")
    assert results["q"].status == "conflict"
    assert "lex posterior cannot tell" in results["q"].message


def test_question_declarations_are_checked(tmp_path: Path) -> None:
    message = _load_error(tmp_path, avg=AVG, suwi=SUWI + "same question q: AVG.rechtmatig, mag_verwerken priority lex superior AVGG\n")
    assert "the statute that prevails must be AVG or SUWI; did you mean 'AVG'?" in message
    message = _load_error(tmp_path, avg=AVG, suwi=SUWI + "same question q: AVG.rechtmatig, mag_verwerken priority lex superior\n")
    assert "lex superior: name the statute that prevails" in message
    message = _load_error(tmp_path, avg=AVG, suwi=SUWI + "same question q: AVG.grondslag, mag_verwerken\n")
    assert "'AVG.grondslag' is not a decision" in message


def test_an_amendment_of_a_used_statute_that_reads_a_third_statute_is_followed(tmp_path: Path) -> None:
    # Found by tests/test_xref_soundness.py: C reads B.d; B's amendment (checked after every
    # statute) gives B.d a rule that reads A.a. C must import A.a too, or its version after the
    # amendment reads a decision it does not have.
    a = "statute A\nfacts F { n: int 0..3 }\ndecision a: int [art. 1] otherwise 0\nrule r [art. 1]: a = n + 1\n"
    b = ("statute B\nuses A\nfacts F { n: int 0..3 }\ndecision d: int [art. 2] otherwise 0\n"
         "amendment wb amends B in force 2025-01-01\n  insert rule nb [art. 2 lid 2]: d = A.a * 2\n")
    c = "statute C\nuses B\nfacts F { n: int 0..3 }\ndecision e: int [art. 3] otherwise 0\nrule r [art. 3]: e = B.d + 100\n"
    program = api.load(_write(tmp_path, a=a, b=b, c=c))
    assert _value(program, {"n": 2}, "2024-06-01", statute="C")["e"] == 100  # B.d otherwise 0
    assert _value(program, {"n": 2}, "2025-06-01", statute="C")["e"] == 106  # (2 + 1) * 2 + 100


def test_a_formatted_statute_with_uses_and_questions_reads_the_same(tmp_path: Path) -> None:
    from lexproof.dsl.formatter import format_text

    text = SUWI + "same question q: AVG.rechtmatig, mag_verwerken priority lex superior AVG\n"
    formatted = format_text(text)
    assert "\nuses AVG\n" in formatted
    assert "\nsame question q: AVG.rechtmatig, mag_verwerken priority lex superior AVG\n" in formatted
    assert format_text(formatted) == formatted
    program = api.load(_write(tmp_path, avg=AVG, suwi=formatted))
    question = program.statutes["SUWI"].questions[0]
    assert (question.first, question.second, question.priority, question.winner) == (
        "AVG.rechtmatig", "mag_verwerken", "superior", "AVG")


def test_json_names_the_statute_of_every_cited_article(tmp_path: Path) -> None:
    folder = _write(tmp_path, web=WEB, wsf=WSF)
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"leeftijd": 40, "leerweg": "bbl"}), encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(folder), "--statute", "WSF", "--case", str(case),
                                       "--date", "2026-01-01", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    named = {entry["article"]: entry["statute"] for entry in data["article_statutes"]}
    assert named["art. 7.2.2 lid 2 WEB"] == "WEB"
    assert named["art. 3.16b lid 1 WSF"] == "WSF"
    assert set(named) == set(data["articles"])
    trace = {entry["rule"]: entry["statute"] for entries in data["trace"].values() for entry in entries}
    assert trace["aanspraak"] == "WSF" and trace["WEB.bbl_regel"] == "WEB"
    # A check result of the reader names them too.
    folder2 = _write(tmp_path / "q", avg=AVG, suwi=SUWI + "same question q: AVG.rechtmatig, mag_verwerken\n") \
        if (tmp_path / "q").mkdir() is None else None
    checked = CliRunner().invoke(main, ["check", str(folder2), "--date", "2026-01-01", "--format", "json"])
    results = [r for r in json.loads(checked.output)["results"] if r["kind"] == "question"]
    named = {entry["article"]: entry["statute"] for entry in results[0]["article_statutes"]}
    assert named["art. 62 lid 1 SUWI"] == "SUWI"
    assert {named[a] for a in results[0]["articles"]} == {"AVG", "SUWI"}


def test_the_worked_examples_of_statutes_that_read_each_other_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    program = api.load("examples/xref")
    results = api.check(program)
    wrong = [f"{r.kind} {r.name}: {r.status}" for r in results if not r.as_expected]
    assert not wrong
    question = next(r for r in results if r.kind == "question")
    # Today the AVG and the Wet SUWI agree; only the SZW bill makes them differ, on consent
    # for systematic outreach (AVG recital 43), where the AVG prevails (lex superior).
    assert question.status == "resolved" and question.details["winner"] == "AVG"
    assert question.found_in == ["SUWI on 2027-01-01 (with szw_proactief)"]
    assert question.witnesses[0].facts[None] == {"grondslag": "toestemming", "systematische_benadering": True}
    assert question.details["dead"] is True
    web = api.diff(program, amendment="derde_leerweg")
    by_name = {(r.statute, r.name): r.status for r in web}
    # The WEB amendment changes the WEB, and (today, full-time bol only) nothing in the WSF.
    assert by_name[("WEB", "beroepsopleidende_leerweg")] == "changed"
    assert by_name[("WSF_LLK", "recht_op_krediet")] == "unchanged"


def test_the_cache_key_of_a_reader_changes_with_the_statute_it_reads(tmp_path: Path) -> None:
    from lexproof.verifier.cache import ResultCache

    # The WEB's amendment in a file of its own: nothing of it is imported into the WSF's model
    # itself, yet it changes the WSF's outcomes, so the WSF's cached results must not be reused.
    statute, amendment = WEB.split("amendment derde_telt")
    folder = tmp_path / "s"
    folder.mkdir()
    _write(folder, web=statute, web_wijziging="amendment derde_telt" + amendment, wsf=WSF)
    cache = ResultCache(tmp_path / "cache", key_file=tmp_path / "cache-key")
    before = cache.key(api.load(folder).statutes["WSF"], {})
    (folder / "web_wijziging.law").write_text("amendment derde_telt" + amendment.replace("2027-01-01", "2028-01-01"),
                                              encoding="utf-8")
    after = cache.key(api.load(folder).statutes["WSF"], {})
    assert before is not None and after is not None and before != after


def test_qualifying_a_name_by_the_statute_itself_says_to_drop_it(tmp_path: Path) -> None:
    text = "statute A\nfacts F { x: int 0..3 }\ndecision d: int [art. 1] otherwise 0\ndecision e: int [art. 2] otherwise 0\nrule r [art. 2]: e = A.d\n"
    message = _load_error(tmp_path, a=text)
    assert "a.law:5:22: error: unknown qualifier 'A'" in message
    assert "A is this statute: name its own decisions without 'A.'" in message


def test_sarif_describes_the_conflict_between_statutes(tmp_path: Path) -> None:
    from lexproof.verifier.formats import to_sarif

    program = api.load(_write(tmp_path, avg=AVG, suwi=SUWI + "same question q: AVG.rechtmatig, mag_verwerken\n"))
    results = [r for r in api.check(program, date="2026-01-01") if r.kind == "question"]
    sarif = to_sarif(results)
    text = json.dumps(sarif)
    assert '"LP105"' in text and "Two statutes decide one legal question differently" in text


def test_the_data_exchange_reads_the_suwi_and_the_avg(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    program = api.load("examples/xref")
    results = {r.name: r.status for r in api.check(program, builtin=False) if r.statute == "Gegevensuitwisseling"}
    assert results["wetsvoorstel_verandert_niets"] == "proved"
    result = CliRunner().invoke(main, ["diff", "examples/xref", "--amendment", "szw_proactief"])
    assert result.exit_code == 0, result.output
    assert "unchanged: Gegevensuitwisseling.mag_delen" in result.output


def test_diff_refuses_an_unknown_decision_next_to_a_known_one(tmp_path: Path) -> None:
    program = api.load(_write(tmp_path, web=WEB, wsf=WSF))
    with pytest.raises(LexproofError, match="unknown decision 'rehct'"):
        api.diff(program, amendment="derde_telt", decisions=["recht", "rehct"])
    only = api.diff(program, amendment="derde_telt", decisions=["recht"])
    assert [(r.statute, r.name) for r in only] == [("WSF", "recht")]


def test_a_question_skips_versions_where_a_parameter_has_no_value(tmp_path: Path) -> None:
    # The SUWI's rule reads a parameter that has a value only from 2026-01-01: before that the
    # law does not cover the decision, and the check compares only from then on.
    suwi = SUWI.replace("decision mag_verwerken", "parameter aan: bool [art. 1] = true from 2026-01-01\ndecision mag_verwerken")
    suwi = suwi.replace("if grondslag in {toestemming, wettelijke_plicht}", "if aan and grondslag in {toestemming, wettelijke_plicht}")
    program = api.load(_write(tmp_path, avg=AVG, suwi=suwi + "same question q: AVG.rechtmatig, mag_verwerken\n"))
    result = next(r for r in api.check(program, properties=False, examples=False) if r.kind == "question")
    assert result.status == "conflict"
    assert result.found_in == ["SUWI on 2026-01-01"]


def test_without_statute_a_command_takes_the_one_statute_that_reads_the_others(tmp_path: Path) -> None:
    """Was: 'lexproof eval statutes/lll' stopped with 'several statutes are loaded (WEB, WSF2000)'
    once the WSF read the WEB, though only the WSF reads every statute loaded. Two statutes that
    stand on their own still need --statute."""
    folder = _write(tmp_path, web=WEB, wsf=WSF)
    (tmp_path / "case.json").write_text(json.dumps({"leeftijd": 40, "leerweg": "bbl"}), encoding="utf-8")
    program = api.load(folder)
    assert api.pick_statute(program, None).name == "WSF"
    result = CliRunner().invoke(main, ["eval", str(folder), "--case", str(tmp_path / "case.json"),
                                       "--date", "2026-01-01"])
    assert result.exit_code == 0, result.output
    assert "recht = true" in result.output
    (tmp_path / "wsf.law").write_text("statute Los\nfacts Aanvrager { leeftijd: int 0..120 }\n", encoding="utf-8")
    with pytest.raises(LexproofError, match="several statutes are loaded"):
        api.pick_statute(api.load(folder), None)


# --- lex posterior over every version: the statute that prevails can change with the version ------

POSTERIOR_A = """statute A "A"
facts F { x: bool  y: bool  z: bool }
decision a: bool [art. 1] otherwise false

amendment wa amends A in force 2020-01-01
  insert rule ra [art. 1 lid 1]: a = true if x or y
"""

POSTERIOR_B = """statute B "B"
uses A
facts F { x: bool  y: bool  z: bool }
@allow(gap)
decision b: bool [art. 1]
rule rb [art. 1 lid 1]: b = false if x
same question q: A.a, b priority lex posterior
"""


def _question_in_every_version(tmp_path: Path, a: str, b: str):
    program = api.load(_write(tmp_path, a=a, b=b))
    (result,) = [r for r in api.check(program, date=None, properties=False, examples=False) if r.kind == "question"]
    return result


def test_lex_posterior_that_cannot_tell_in_one_version_is_a_conflict_though_it_decides_in_another(
        tmp_path: Path) -> None:
    # Before 2020 A.a is false for every case and B.b false when x (else undecided): they agree.
    # From 2020 (A amended, B not) A.a = x or y: they disagree on x; A is the later law.
    # From 2027 both are amended on the same day, so lex posterior cannot tell, and they still
    # disagree on x (A.a true, B.b false): that disagreement stands, so the question is a conflict.
    # (It was reported 'resolved', from the first version with a disagreement only.)
    a = POSTERIOR_A + ("\namendment wa2 amends A in force 2027-01-01\n"
                       "  insert rule ra2 [art. 1 lid 2]: a = true if z\n")
    b = POSTERIOR_B + ("\namendment wb amends B in force 2027-01-01\n"
                       "  insert rule rb2 [art. 1 lid 2]: b = false if z\n")
    result = _question_in_every_version(tmp_path, a, b)
    assert (result.status, result.severity) == ("conflict", "error")
    assert result.found_in == ["B on 2027-01-01 (with wb; A with wa, wa2)"]
    facts = result.witnesses[0].facts[None]
    assert facts["x"] or facts["z"]  # A.a true (x or y or z), B.b false (x or z)
    assert "A decides in B on 2020-01-01 (A with wa)" in result.message
    assert "dead" not in result.details  # no priority settles this question


def test_lex_posterior_names_the_yielding_statute_of_the_version_it_judges_dead_in(tmp_path: Path) -> None:
    # From 2020 A is the later law (A.a = x or y, 'otherwise false': it decides every case, so
    # B.b is dead where A prevails). From 2027 B is amended (b = true if y and not x) and is the
    # later law; they still disagree on x, and A.a, deciding every case, decides the case
    # x = y = false that B.b leaves undecided: A's decision is not dead where B prevails.
    b = POSTERIOR_B + ("\namendment wb amends B in force 2027-01-01\n"
                       "  insert rule rb2 [art. 1 lid 2]: b = true if y and not x\n")
    result = _question_in_every_version(tmp_path, POSTERIOR_A, b)
    assert (result.status, result.severity) == ("resolved", "info")
    assert result.details["winners"] == {"B on 2020-01-01 (A with wa)": "A",
                                         "B on 2027-01-01 (with wb; A with wa)": "B"}
    assert result.details["dead"] is False
    assert (result.details["alone"]["x"], result.details["alone"]["y"]) == ("False", "False")
    assert "A's decision is not dead: where B prevails (B on 2027-01-01 (with wb; A with wa))" in result.message
    assert "B's decision is not dead" not in result.message


def test_a_decision_is_called_dead_only_where_it_yields_when_the_winner_changes(tmp_path: Path) -> None:
    # From 2020 A is the later law (A.a decides every case: B.b is dead there); from 2027 B is
    # (B.b, 'otherwise false', decides every case: A.a is dead there). By hand neither decision
    # yields in every version. The message said "A prevails: B's decision is dead on this
    # question", naming the decision that prevails from 2027 (found in review).
    a = POSTERIOR_A.replace("x or y", "x and y").replace("facts F { x: bool  y: bool  z: bool }",
                                                          "facts F { x: bool  y: bool  z: bool }\n"
                                                          "rule r0 [art. 1 lid 0]: a = true if x")
    b = POSTERIOR_B.replace("@allow(gap)\ndecision b: bool [art. 1]", "decision b: bool [art. 1] otherwise false") \
        .replace("b = false if x", "b = true if x") + (
        "\namendment wb amends B in force 2027-01-01\n  insert rule rb2 [art. 1 lid 2]: b = true if x and y\n")
    result = _question_in_every_version(tmp_path, a, b)
    assert result.status == "clean" and result.details["dead"] is True
    assert result.details["yields"] == {"B on 2020-01-01 (A with wa)": "B", "B on 2027-01-01 (with wb; A with wa)": "A"}
    assert "B's where A prevails (B on 2020-01-01 (A with wa))" in result.message
    assert "A's where B prevails (B on 2027-01-01 (with wb; A with wa))" in result.message
    assert "A prevails (lex" not in result.message and "decision is dead on this question" not in result.message


def test_a_dead_decision_is_claimed_only_where_both_are_in_force(tmp_path: Path) -> None:
    # A's decision exists only from 2027; before, B.b decides x = true alone. "B's decision is
    # dead on this question" would say it never has effect; it is dead only where both are in
    # force (found in review).
    a = ("statute A \"A\"\nfacts F { x: bool  y: bool }\ndecision basis: bool [art. 0] otherwise false\n\n"
         "amendment na amends A in force 2027-01-01\n"
         "  add decision a: bool [art. 1] otherwise false\n  insert rule ra [art. 1 lid 1]: a = true if x\n")
    b = ("statute B \"B\"\nuses A\nfacts F { x: bool  y: bool }\n@allow(gap)\ndecision b: bool [art. 1]\n"
         "rule rb [art. 1 lid 1]: b = true if x\nsame question q: A.a, b priority lex superior A\n")
    result = _question_in_every_version(tmp_path, a, b)
    assert result.status == "clean" and result.details["dead"] is True
    assert "B's decision is dead on this question wherever both are in force and a priority decides" in result.message


def test_json_names_the_statute_of_articles_of_other_acts_and_of_decisions_without_one(tmp_path: Path) -> None:
    # The used statute's decision has no citation ('U.basis otherwise'), and its amendment's rule
    # cites the bill as written (["Kamerstuk 1" art. I]); the reader's own parameter cites
    # another act as written ([Besluit art. 4]). Each belongs to the statute that holds it:
    # by hand, the bill's rule and the default are U's, the parameter is R's.
    used = ("statute U \"Wet U\"\nfacts F { x: bool }\ndecision basis: bool otherwise false\n\n"
            "amendment bill amends U in force 2027-01-01\n"
            "  insert rule nieuw [\"Kamerstuk 1\" art. I]: basis = true if x\n")
    reader = ("statute R \"Wet R\"\nuses U\nfacts F { x: bool }\nparameter grens: int [Besluit art. 4] = 3\n"
              "decision mag: bool [art. 1] otherwise false\n"
              "rule r [art. 1 lid 1]: mag = true if U.basis and grens > 2\n"
              "property na [after bill]: for every F claim mag implies x\n"
              "property voor [before bill]: for every F claim not mag\n"
              "property grens_telt [after bill]: for every F assume x claim mag\n"
              "example \"x\" [after bill] { x = true } expect mag = true\n")
    program = api.load(_write(tmp_path, u=used, r=reader))
    results = {r.name: r for r in api.check(program, date="2027-06-01", builtin=False)}
    for name in ("na", "voor", "grens_telt", "x"):
        result = results[name]
        assert result.status in ("proved", "passed"), (name, result.status, result.message)
        named = result.article_statutes
        assert set(named) == set(result.articles), (name, result.articles, named)
    assert results["na"].article_statutes["Kamerstuk 1 art. I (rule U.nieuw)"] == "U"
    assert results["voor"].article_statutes["U.basis otherwise"] == "U"
    assert results["grens_telt"].article_statutes["Besluit art. 4: grens = 3"] == "R"
    # An example cites the articles without the rule's name: found among U's citations.
    assert results["x"].article_statutes["Kamerstuk 1 art. I"] == "U"


# --- an enum of a used statute as a type, by its qualified name: WEB.Leerweg --------------------------

WSF_TYPED = """
statute WSF "Wet studiefinanciering 2000"
uses WEB
facts Aanvrager {
  leeftijd: int 0..120
  gevolgd: WEB.Leerweg
}
decision vorige: WEB.Leerweg [art. 2.1] otherwise WEB.geen
rule vorige_regel [art. 2.1 lid 1]: vorige = gevolgd if leeftijd >= 30
"""


def test_an_enum_of_a_used_statute_is_a_type_by_its_qualified_name(tmp_path: Path) -> None:
    program = api.load(_write(tmp_path, web=WEB, wsf=WSF_TYPED))
    statute = program.statutes["WSF"]
    assert str(statute.facts["gevolgd"].type) == "Leerweg" and str(statute.decisions["vorige"].type) == "Leerweg"
    # By hand: at 40 the rule gives the leerweg followed (bbl); at 20 'otherwise WEB.geen'.
    case = {"leeftijd": 40, "gevolgd": "bbl"}
    assert _value(program, case, "2026-01-01")["vorige"] == "bbl"
    assert _value(program, {**case, "leeftijd": 20}, "2026-01-01")["vorige"] == "geen"


def test_a_qualified_enum_type_that_names_no_enum_of_a_used_statute_is_an_error(tmp_path: Path) -> None:
    message = _load_error(tmp_path, web=WEB, wsf=WSF_TYPED.replace("gevolgd: WEB.Leerweg", "gevolgd: WEB.Leerwg"))
    assert "wsf.law:6:12: error: statute WEB has no enum 'Leerwg'; did you mean 'Leerweg'?" in message
    message = _load_error(tmp_path, web=WEB, wsf=WSF_TYPED.replace("uses WEB\n", "").replace(
        "otherwise WEB.geen", "otherwise 0").replace("decision vorige: WEB.Leerweg", "decision vorige: int")
        .replace("vorige = gevolgd if", "vorige = 1 if"))
    assert "unknown statute 'WEB' in type WEB.Leerweg; to read statute WEB, declare 'uses WEB' in WSF" in message
    message = _load_error(tmp_path, web=WEB, wsf=WSF_TYPED.replace("gevolgd: WEB.Leerweg", "gevolgd: WSF.Leerweg"))
    assert "WSF is this statute: write 'Leerweg' without 'WSF.'" in message


def test_a_formatted_qualified_enum_type_reads_the_same() -> None:
    from lexproof.dsl.formatter import format_text

    formatted = format_text(WEB + WSF_TYPED)
    assert "  gevolgd: WEB.Leerweg\n" in formatted and "decision vorige: WEB.Leerweg [art. 2.1]" in formatted
    assert format_text(formatted) == formatted


# --- a solver that gives up: never 'clean', never 'dead' -------------------------------------------


def test_a_question_the_solver_gives_up_on_is_unknown_never_clean_or_dead(tmp_path: Path, monkeypatch) -> None:
    import lexproof.verifier.questions as questions

    real = questions.check
    calls: list[int] = []

    def giving_up_after(first_real: int):
        def forced(*args):
            calls.append(1)
            return real(*args) if len(calls) <= first_real else "unknown"
        return forced

    # They agree everywhere (by hand, as in the 'clean' test above); with every answer
    # 'unknown', nothing is established.
    agreeing = AVG.replace(" and not systematisch", "")
    monkeypatch.setattr(questions, "check", giving_up_after(0))
    (tmp_path / "a").mkdir()
    result = _questions(tmp_path / "a", "same question q: AVG.rechtmatig, mag_verwerken\n", avg=agreeing)["q"]
    assert (result.status, result.severity) == ("unknown", "error")
    # With lex superior AVG the baseline is 'resolved' with the SUWI dead (see above). The first
    # answer (the disagreement) is real, the dead question is 'unknown': dead stays unknown.
    calls.clear()
    monkeypatch.setattr(questions, "check", giving_up_after(1))
    (tmp_path / "b").mkdir()
    result = _questions(tmp_path / "b", "same question q: AVG.rechtmatig, mag_verwerken priority lex superior AVG\n")["q"]
    assert result.status == "resolved"
    assert result.details["dead"] == "unknown"
    assert "is unknown (the solver gave up)" in result.message


def test_lex_posterior_is_not_resolved_while_the_solver_gave_up_where_it_cannot_tell(tmp_path: Path, monkeypatch) -> None:
    import lexproof.verifier.questions as questions

    # The statutes of the conflict test above: they agree before 2020 (first question), A
    # prevails from 2020 (second), lex posterior cannot tell from 2027 (third). With the third
    # answer 'unknown', a conflict there is not ruled out: not 'resolved' but 'unknown'.
    a = POSTERIOR_A + ("\namendment wa2 amends A in force 2027-01-01\n"
                       "  insert rule ra2 [art. 1 lid 2]: a = true if z\n")
    b = POSTERIOR_B + ("\namendment wb amends B in force 2027-01-01\n"
                       "  insert rule rb2 [art. 1 lid 2]: b = false if z\n")
    real = questions.check
    calls: list[int] = []

    def third_gives_up(*args):
        calls.append(1)
        return "unknown" if len(calls) == 3 else real(*args)

    monkeypatch.setattr(questions, "check", third_gives_up)
    result = _question_in_every_version(tmp_path, a, b)
    assert (result.status, result.severity) == ("unknown", "error"), result.message
    assert "the solver gave up in B on 2027-01-01 (with wb; A with wa, wa2)" in result.message
    # Where a priority decides in every version, an 'unknown' version changes nothing about who
    # decides (lex superior: A in every version), so the question stays 'resolved'.
    calls.clear()
    (tmp_path / "s").mkdir()
    result = _question_in_every_version(tmp_path / "s", a, b.replace("priority lex posterior", "priority lex superior A"))
    assert result.status == "resolved", result.message


# --- items are not shared between statutes ------------------------------------------------------

ITEMS_HOME = """\
statute H
items k up to 2 { a: int 0..3 }
decision tot: int [art. 1] otherwise sum(k: a)
"""

ITEMS_READER = """\
statute R
uses H
decision v: int [art. 1]
rule r1 [art. 1]: v = 1 if H.tot < 2
"""


def test_reading_a_decision_over_another_statutes_items_is_an_error_at_the_name(tmp_path: Path) -> None:
    """A reader does not get the used statute's kinds of items (``xref`` imports decisions,
    parameters, tables, facts and enums): reading H.tot, a sum over H's items, made the
    built-in checks stop with an internal error (KeyError: 'k', exit 4) when they encoded v.
    It is bad input, reported at the name with exit 2."""
    rendered = _load_error(tmp_path, home=ITEMS_HOME, reader=ITEMS_READER)
    assert "reader.law:4:28: error:" in rendered, rendered
    assert "reader.law:1:1" not in rendered, rendered  # once, at the name
    assert "items k of H" in rendered, rendered
    result = CliRunner().invoke(main, ["check", str(tmp_path), "--no-cache"])
    assert result.exit_code == 2, result.output
    assert "internal error" not in result.output, result.output


def test_reading_items_through_another_decision_is_an_error_at_the_name_once(tmp_path: Path) -> None:
    home = ITEMS_HOME + "decision boven: bool [art. 2] otherwise tot > 1\n"
    reader = ITEMS_READER.replace("H.tot < 2", "H.boven")
    rendered = _load_error(tmp_path, home=home, reader=reader)
    assert rendered.count("error:") == 1, rendered
    assert "reader.law:4:28: error:" in rendered and "items k of H" in rendered, rendered
