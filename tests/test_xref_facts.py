"""Statutes that read each other, the parts of issue 19 added second: ``same fact S.f = g``
(a fact of a used statute that is one of the reader's facts under another name) and
``before.S.x`` / ``after.S.x`` / ``a.S.x`` (another statute's name in one version or case of a
property). Every expected value is worked out by hand in the comment next to it; the evaluator
and the Z3 encoding are compared on every case of a small domain."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_soundness import multi_encoding_disagreements

from lexproof.dsl.consolidate import version_on
from lexproof.dsl.diagnostics import LexproofError
from lexproof.verifier import api
from lexproof.verifier.cli import main

WEB = """
statute WEB "Wet educatie en beroepsonderwijs" cite "WEB"
enum Leerweg { bol_voltijd, bbl, derde_leerweg, geen }
facts Aanvrager {
  leerweg: Leerweg
  leeftijd: int 0..120
}
decision beroepsopleiding: bool [art. 7.2.2] otherwise false
decision voltijd: bool [art. 7.2.3] otherwise false
rule bol [art. 7.2.2 lid 1]: beroepsopleiding = true if leerweg = bol_voltijd
rule bbl_regel [art. 7.2.2 lid 2]: beroepsopleiding = true if leerweg = bbl and leeftijd >= 16
rule voltijd_regel [art. 7.2.3]: voltijd = true if leerweg = bol_voltijd

amendment derde_telt amends WEB in force 2027-01-01
  insert rule derde [art. 7.2.2 lid 3]: beroepsopleiding = true if leerweg = derde_leerweg
"""

# The WSF names the WEB's facts otherwise: soort for leerweg, jaren for leeftijd.
WSF = """
statute WSF "Wet studiefinanciering 2000"
uses WEB
facts Student {
  soort: Leerweg
  jaren: int 18..99
}
same fact WEB.leerweg = soort
same fact WEB.leeftijd = jaren
decision recht: bool [art. 3.16b] otherwise false
rule aanspraak [art. 3.16b lid 1]: recht = true if WEB.beroepsopleiding and jaren <= 55
"""


def _write(tmp_path: Path, **files: str) -> Path:
    for name, text in files.items():
        (tmp_path / f"{name}.law").write_text(text, encoding="utf-8")
    return tmp_path


def _load_error(tmp_path: Path, **files: str) -> str:
    with pytest.raises(LexproofError) as info:
        api.load(_write(tmp_path, **files))
    return "\n".join(d.render() for d in info.value.diagnostics)


def _recht(program, case: dict, date: str) -> object:
    return api.evaluate(program, case, statute="WSF", date=date).outcomes["recht"].value


# --- same fact: the evaluator and the encoding ------------------------------------------------


def test_a_mapped_fact_is_the_readers_fact_under_its_own_name(tmp_path: Path) -> None:
    program = api.load(_write(tmp_path, web=WEB, wsf=WSF))
    wsf = program.statutes["WSF"]
    # The WEB's leerweg and leeftijd are soort and jaren: no fact of those names in the WSF.
    assert set(wsf.facts) == {"soort", "jaren"}
    assert wsf.fact_map == {"WEB": {"leerweg": "soort", "leeftijd": "jaren"}}
    # bbl counts from 16 (art. 7.2.2 lid 2 WEB, reading jaren as leeftijd); 40 <= 55: recht.
    assert _recht(program, {"soort": "bbl", "jaren": 40}, "2026-01-01") is True
    # 60 > 55: no recht (the WSF's own limit).
    assert _recht(program, {"soort": "bbl", "jaren": 60}, "2026-01-01") is False
    # The derde leerweg counts only after the WEB's amendment (2027-01-01).
    assert _recht(program, {"soort": "derde_leerweg", "jaren": 30}, "2026-06-01") is False
    assert _recht(program, {"soort": "derde_leerweg", "jaren": 30}, "2027-06-01") is True


def test_a_case_of_the_reader_gives_the_facts_by_the_readers_names(tmp_path: Path) -> None:
    program = api.load(_write(tmp_path, web=WEB, wsf=WSF))
    with pytest.raises(LexproofError, match="soort"):
        api.evaluate(program, {"leerweg": "bbl", "jaren": 40}, statute="WSF", date="2026-01-01")


def test_evaluator_and_encoding_agree_on_every_case_of_a_mapped_fact(tmp_path: Path) -> None:
    program = api.load(_write(tmp_path, web=WEB, wsf=WSF))
    wsf = program.statutes["WSF"]
    cases = [{"soort": s, "jaren": j} for s, j in itertools.product(("bol_voltijd", "bbl", "derde_leerweg", "geen"),
                                                                     (18, 40, 55, 56, 99))]
    for day in ("2026-01-01", "2027-06-01"):
        version = version_on(wsf, __import__("datetime").date.fromisoformat(day))
        problems = multi_encoding_disagreements(wsf, {None: version}, (None,), [{None: c} for c in cases])
        assert not problems, problems[:3]


def test_a_property_over_a_mapped_fact_is_proved_and_refuted_as_by_hand(tmp_path: Path) -> None:
    wsf = WSF + """
property niemand_verliest [amendment derde_telt]: for every Student claim before.recht implies after.recht
property niemand_wint [amendment derde_telt] expect counterexample: for every Student
  claim after.recht implies before.recht
"""
    program = api.load(_write(tmp_path, web=WEB, wsf=wsf))
    results = {r.name: r for r in api.check(program, builtin=False)}
    assert results["niemand_verliest"].status == "proved"
    # The only gain: derde leerweg at most 55, in the WSF's own fact names.
    facts = results["niemand_wint"].witnesses[0].facts[None]
    assert facts["soort"] == "derde_leerweg" and facts["jaren"] <= 55
    assert "leerweg" not in facts


def test_a_chain_maps_a_fact_of_one_used_statute_to_that_of_another(tmp_path: Path) -> None:
    # The data exchange declares no facts: DUO's bsn_bekend is the fact of the SUWI's name.
    duo = "statute DUO\nfacts Persoon { bsn_bekend: bool }\ndecision mag: bool [art. 1] otherwise false\n" \
          "rule r [art. 1]: mag = true if bsn_bekend\n"
    suwi = "statute SUWI\nfacts Persoon { bsn: bool }\ndecision mag: bool [art. 2] otherwise false\n" \
           "rule r [art. 2]: mag = true if not bsn\n"
    gu = "statute GU\nuses DUO, SUWI\nsame fact DUO.bsn_bekend = SUWI.bsn\n" \
         "decision beide: bool [art. 3] otherwise false\nrule r [art. 3]: beide = true if DUO.mag and SUWI.mag\n" \
         "property nooit [on 2026-01-01]: for every Persoon claim not beide\n"
    program = api.load(_write(tmp_path, duo=duo, suwi=suwi, gu=gu))
    statute = program.statutes["GU"]
    assert set(statute.facts) == {"bsn"}
    # One fact: DUO needs it true, the SUWI false, so beide is never true.
    results = {r.name: r.status for r in api.check(program, builtin=False)}
    assert results["nooit"] == "proved"
    assert api.evaluate(program, {"bsn": True}, statute="GU", date="2026-01-01").outcomes["beide"].value is False


def test_without_the_mapping_the_same_property_fails(tmp_path: Path) -> None:
    # The check above is not vacuous: with two facts, DUO true and SUWI false make beide true.
    duo = "statute DUO\nfacts Persoon { bsn_bekend: bool }\ndecision mag: bool [art. 1] otherwise false\n" \
          "rule r [art. 1]: mag = true if bsn_bekend\n"
    suwi = "statute SUWI\nfacts Persoon { bsn: bool }\ndecision mag: bool [art. 2] otherwise false\n" \
           "rule r [art. 2]: mag = true if not bsn\n"
    gu = "statute GU\nuses DUO, SUWI\n" \
         "decision beide: bool [art. 3] otherwise false\nrule r [art. 3]: beide = true if DUO.mag and SUWI.mag\n" \
         "property nooit [on 2026-01-01]: for every Persoon claim not beide\n"
    program = api.load(_write(tmp_path, duo=duo, suwi=suwi, gu=gu))
    assert {r.name: r.status for r in api.check(program, builtin=False)}["nooit"] == "counterexample"


def test_a_reader_of_a_reader_maps_the_facts_by_the_middle_statutes_names(tmp_path: Path) -> None:
    # C reads WSF.recht, which reads WEB through WSF's names soort/jaren; C calls jaren 'leeftijd_c'.
    c = "statute C\nuses WSF\nfacts X { leeftijd_c: int 18..99 }\nsame fact WSF.jaren = leeftijd_c\n" \
        "decision d: bool [art. 1] otherwise false\nrule r [art. 1]: d = true if WSF.recht\n"
    program = api.load(_write(tmp_path, web=WEB, wsf=WSF, c=c))
    assert set(program.statutes["C"].facts) == {"leeftijd_c", "soort"}
    outcome = api.evaluate(program, {"leeftijd_c": 40, "soort": "bbl"}, statute="C", date="2026-01-01")
    assert outcome.outcomes["d"].value is True
    outcome = api.evaluate(program, {"leeftijd_c": 56, "soort": "bbl"}, statute="C", date="2026-01-01")
    assert outcome.outcomes["d"].value is False


def test_a_formatted_mapping_reads_the_same(tmp_path: Path) -> None:
    from lexproof.dsl.formatter import format_text

    formatted = format_text(WSF)
    assert "\nsame fact WEB.leerweg = soort\nsame fact WEB.leeftijd = jaren\n" in formatted
    assert format_text(formatted) == formatted
    program = api.load(_write(tmp_path, web=WEB, wsf=formatted))
    assert program.statutes["WSF"].fact_map == {"WEB": {"leerweg": "soort", "leeftijd": "jaren"}}


# --- same fact: errors --------------------------------------------------------------------------


def test_an_unknown_fact_on_either_side_is_an_error_with_a_hint(tmp_path: Path) -> None:
    message = _load_error(tmp_path, web=WEB, wsf=WSF.replace("WEB.leerweg = soort", "WEB.leerwg = soort"))
    assert "wsf.law:8:11: error: statute WEB has no fact 'leerwg'; did you mean 'leerweg'?" in message
    message = _load_error(tmp_path, web=WEB, wsf=WSF.replace("WEB.leerweg = soort", "WEB.leerweg = sort"))
    assert "wsf.law:8:25: error: WSF has no fact 'sort'; did you mean 'soort'?" in message
    message = _load_error(tmp_path, web=WEB, wsf=WSF.replace("WEB.leerweg = soort", "WEB.voltijd = soort"))
    assert "statute WEB has no fact 'voltijd' (a decision)" in message


def test_a_mapping_of_another_type_or_a_wider_range_is_an_error(tmp_path: Path) -> None:
    wsf = WSF.replace("same fact WEB.leerweg = soort", "same fact WEB.leerweg = jaren")
    message = _load_error(tmp_path, web=WEB, wsf=wsf)
    assert ("wsf.law:8:1: error: the facts of 'same fact' must have the same type: WEB.leerweg is 'Leerweg', "
            "jaren of WSF is 'int 18..99'") in message
    # jaren 18..150 may be above the WEB's 0..120.
    message = _load_error(tmp_path, web=WEB, wsf=WSF.replace("int 18..99", "int 18..150"))
    assert "wsf.law:9:1: error: jaren may take values that WEB.leeftijd may not" in message


def test_mappings_in_a_cycle_are_an_error(tmp_path: Path) -> None:
    a = "statute A\nfacts F { x: int 0..3 }\ndecision d: int [art. 1] otherwise x\n"
    b = "statute B\nfacts F { y: int 0..3 }\ndecision d: int [art. 1] otherwise y\n"
    r = "statute R\nuses A, B\nsame fact A.x = B.y\nsame fact B.y = A.x\n" \
        "decision e: int [art. 1] otherwise A.d + B.d\n"
    message = _load_error(tmp_path, a=a, b=b, r=r)
    assert "r.law:3:1: error: facts mapped in a cycle: A.x -> B.y -> A.x" in message
    assert message.count("in a cycle") == 1


def test_other_bad_mappings_are_errors_at_their_place(tmp_path: Path) -> None:
    twice = WSF.replace("same fact WEB.leeftijd = jaren", "same fact WEB.leerweg = jaren")
    assert "wsf.law:9:11: error: the fact WEB.leerweg is mapped twice (first at line 8)" in _load_error(tmp_path, web=WEB, wsf=twice)
    unqualified = WSF.replace("same fact WEB.leerweg = soort", "same fact leerweg = soort")
    assert "wsf.law:8:11: error: 'same fact' maps a fact of a used statute" in _load_error(tmp_path, web=WEB, wsf=unqualified)
    unused = WSF.replace("same fact WEB.leerweg = soort", "same fact AVG.leerweg = soort")
    assert "wsf.law:8:11: error: 'AVG' is not a statute WSF uses; declare 'uses AVG'" in _load_error(tmp_path, web=WEB, wsf=unused)
    inside = WSF.replace("same fact WEB.leerweg = soort", "same fact WEB.leerweg = WEB.leeftijd")
    assert "wsf.law:8:1: error: both facts belong to WEB" in _load_error(tmp_path, web=WEB, wsf=inside)


def test_the_cli_exits_2_on_a_bad_mapping(tmp_path: Path) -> None:
    folder = _write(tmp_path, web=WEB, wsf=WSF.replace("WEB.leerweg = soort", "WEB.leerwg = soort"))
    result = CliRunner().invoke(main, ["check", str(folder)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "has no fact 'leerwg'" in result.output


# --- before.S.x / after.S.x / a.S.x ------------------------------------------------------------

WSF_PLAIN = """
statute WSF "Wet studiefinanciering 2000"
uses WEB
facts Aanvrager { leeftijd: int 0..120 }
decision recht: bool [art. 3.16b] otherwise false
rule aanspraak [art. 3.16b lid 1]: recht = true if WEB.beroepsopleiding and WEB.voltijd and leeftijd <= 55
"""


def test_a_property_compares_another_statutes_decision_before_and_after_an_amendment(tmp_path: Path) -> None:
    wsf = WSF_PLAIN + """
property voltijd_blijft [amendment derde_telt]: for every Aanvrager claim before.WEB.voltijd = after.WEB.voltijd
property leerweg_wijzigt [amendment derde_telt] expect counterexample: for every Aanvrager
  claim before.WEB.beroepsopleiding = after.WEB.beroepsopleiding
property recht_blijft [amendment derde_telt]: for every Aanvrager
  claim before.recht = after.recht
property gelijk [on 2026-01-01]: for every Aanvrager a, b differing only in leeftijd
  assume a.leeftijd >= 16 and b.leeftijd >= 16
  claim a.WEB.beroepsopleiding = b.WEB.beroepsopleiding
property ongelijk [on 2026-01-01] expect counterexample: for every Aanvrager a, b differing only in leeftijd
  claim a.WEB.beroepsopleiding = b.WEB.beroepsopleiding
"""
    program = api.load(_write(tmp_path, web=WEB, wsf=wsf))
    results = {r.name: r for r in api.check(program, builtin=False)}
    # derde_telt adds a rule for beroepsopleiding only: voltijd is the same before and after,
    # and so is the WSF's recht (which needs voltijd, i.e. bol_voltijd).
    assert results["voltijd_blijft"].status == "proved"
    assert results["recht_blijft"].status == "proved"
    # beroepsopleiding changes exactly for the derde leerweg.
    witness = results["leerweg_wijzigt"].witnesses[0]
    assert witness.facts[None]["leerweg"] == "derde_leerweg"
    # From 16 on, the age does not matter for beroepsopleiding; below it, bbl does not count.
    assert results["gelijk"].status == "proved"
    facts = results["ongelijk"].witnesses[0].facts
    assert facts["a"]["leerweg"] == "bbl" and min(facts["a"]["leeftijd"], facts["b"]["leeftijd"]) < 16


def test_versions_and_cases_of_another_statutes_names_are_checked(tmp_path: Path) -> None:
    def error(claim: str, versions: str = "[amendment derde_telt]", cases: str = "") -> str:
        text = WSF_PLAIN + f"property p {versions}: for every Aanvrager{cases} claim {claim}\n"
        return _load_error(tmp_path, web=WEB, wsf=text)

    assert "'before.' is only meaningful in a property that compares two versions" in error(
        "before.WEB.voltijd", versions="[on 2026-01-01]")
    assert "unknown statute 'WBE' in before.WBE.voltijd; did you mean 'WEB'?" in error("before.WBE.voltijd = true")
    assert "which version? write before.WEB.voltijd or after.WEB.voltijd" in error("WEB.voltijd")
    assert "facts are the same in both versions; write 'WEB.leerweg'" in error("before.WEB.leerweg = bbl")
    assert "unknown qualifier 'c' before WEB.voltijd" in error("c.WEB.voltijd", versions="", cases=" a, b")
    assert "which case? write a.WEB.voltijd or b.WEB.voltijd" in error("WEB.voltijd", versions="", cases=" a, b")
    assert "statute WEB has no decision, parameter, fact or enum value 'voltjd'" in error("before.WEB.voltjd")


def test_a_formatted_property_with_another_statutes_versions_reads_the_same() -> None:
    from lexproof.dsl.formatter import format_text

    text = WSF_PLAIN + "property p [amendment derde_telt]: for every Aanvrager claim before.WEB.voltijd = after.WEB.voltijd\n"
    formatted = format_text(text)
    assert "claim before.WEB.voltijd = after.WEB.voltijd" in formatted
    assert format_text(formatted) == formatted


# --- JSON: every result of a reader names the statute of each article it cites ---------------


def test_query_and_diff_between_dates_of_a_reader_name_the_statute_of_every_article(tmp_path: Path) -> None:
    import json

    folder = _write(tmp_path, web=WEB, wsf=WSF_PLAIN.replace(" and WEB.voltijd", ""))
    # Between 2026 and mid-2027 the WEB's derde_telt comes into force: recht changes, on the
    # WSF's art. 3.16b lid 1 and the WEB's art. 7.2.2 (lid 3 the new rule).
    result = CliRunner().invoke(main, ["diff", str(folder), "--statute", "WSF", "--from", "2026-01-01",
                                       "--to", "2027-06-01", "--format", "json"])
    data = json.loads(result.output)["results"][0]
    assert data["status"] == "changed"
    named = {entry["article"]: entry["statute"] for entry in data["article_statutes"]}
    assert set(named) == set(data["articles"])
    assert named["art. 3.16b lid 1 WSF"] == "WSF" and named["art. 7.2.2 lid 3 WEB"] == "WEB"
    # A query's case cites the WSF's article and the WEB's rule that counts the programme.
    result = CliRunner().invoke(main, ["query", str(folder), "--statute", "WSF", "--date", "2026-01-01",
                                       "recht and leerweg = bbl", "--format", "json"])
    data = json.loads(result.output)
    data = data["results"][0] if "results" in data else data
    named = {entry["article"]: entry["statute"] for entry in data["article_statutes"]}
    assert named == {"art. 3.16b lid 1 WSF": "WSF", "art. 7.2.2 lid 2 WEB": "WEB"}


def test_a_readers_example_gives_a_fact_only_an_amendment_of_the_used_statute_reads(tmp_path: Path) -> None:
    # S's own rule reads x; its amendment's rule reads y. R reads S.d, so R's case has y too,
    # and R's example may give it (before the fix: "'y' is not a fact", the amendment of S
    # being checked only after R).
    s = "statute S\nfacts F { x: bool  y: bool }\ndecision d: bool [art. 1] otherwise false\n" \
        "rule r [art. 1]: d = true if x\n" \
        "amendment a amends S in force 2027-01-01\n  insert rule r2 [art. 2]: d = true if y\n"
    r = "statute R\nuses S\nfacts F { x: bool }\ndecision e: bool [art. 1] otherwise false\n" \
        "rule q [art. 1]: e = S.d\n" \
        'example "y telt" [after a] { x = false, y = true } expect e = true\n' \
        'example "y telt nog niet" [before a] { x = false, y = true } expect e = false\n'
    program = api.load(_write(tmp_path, s=s, r=r))
    assert set(program.statutes["R"].facts) == {"x", "y"}
    results = {res.name: res.status for res in api.check(program, builtin=False)}
    assert results == {"y telt": "passed", "y telt nog niet": "passed"}


# --- for every S.Group: a facts group of a used statute --------------------------------------

GROUP_S = "statute S\nfacts Aanvrager { x: int 0..5  y: bool }\ndecision d: bool [art. 1] otherwise false\n" \
          "rule r [art. 1]: d = true if x >= 3\n"
GROUP_R = "statute R\nuses S\nfacts Eigen { z: bool }\ndecision e: bool [art. 2] otherwise false\n" \
          "rule q [art. 2]: e = true if S.d and z\n"


def test_a_property_quantifies_over_a_facts_group_of_a_used_statute(tmp_path: Path) -> None:
    r = GROUP_R + "property p [on 2026-01-01]: for every S.Aanvrager claim e implies S.x >= 3\n" \
        "property p2 [on 2026-01-01] expect counterexample: for every S.Aanvrager claim S.y\n"
    program = api.load(_write(tmp_path, s=GROUP_S, r=r))
    # The group's facts are facts of R's case, y too (no rule of R reads it).
    assert program.statutes["R"].groups["Aanvrager"] == ("x", "y")
    results = {res.name: res for res in api.check(program, builtin=False)}
    assert results["p"].status == "proved"  # e needs S.d, which needs x >= 3
    assert results["p2"].witnesses[0].facts[None]["y"] is False  # y is free: false refutes 'S.y'


def test_an_unknown_group_of_a_used_statute_is_an_error_with_a_hint(tmp_path: Path) -> None:
    r = GROUP_R + "property p [on 2026-01-01]: for every S.Aanvrgaer claim e implies S.d\n"
    message = _load_error(tmp_path, s=GROUP_S, r=r)
    assert "r.law:6:1: error: 'for every S.Aanvrgaer': statute S has no facts group 'Aanvrgaer'; did you mean 'Aanvrager'?" in message
    r = GROUP_R + "property p [on 2026-01-01]: for every T.Aanvrager claim e\n"
    assert "'for every T.Aanvrager': T is not a statute R uses; declare 'uses T'" in _load_error(tmp_path, s=GROUP_S, r=r)


def test_a_formatted_property_over_another_statutes_group_reads_the_same() -> None:
    from lexproof.dsl.formatter import format_text

    text = GROUP_S + GROUP_R + "property p [on 2026-01-01]: for every S.Aanvrager claim e implies S.x >= 3\n"
    formatted = format_text(text)
    assert "  for every S.Aanvrager\n" in formatted
    assert format_text(formatted) == formatted


# --- WEB.tabel(x): a table of a used statute -------------------------------------------------------

TABLE_T = """statute T
facts Huis { inkomen: money €0..€100_000 }
parameter grens: money [art. 1] = €20_000 from 2020-01-01 = €30_000 from 2027-01-01
table pct [art. 2]: money -> rate {
  up to grens: 90%
  above: 50%
}
decision x: bool [art. 3] otherwise false
"""
TABLE_U = """statute U
uses T
facts Huis { inkomen: money €0..€100_000 }
decision toeslag: money [art. 1] otherwise €0
rule r [art. 1]: toeslag = €1_000 * T.pct(inkomen)
"""


def test_a_rule_looks_up_a_table_of_a_used_statute_in_its_version(tmp_path: Path) -> None:
    import datetime as dt
    from decimal import Decimal

    program = api.load(_write(tmp_path, t=TABLE_T, u=TABLE_U))

    def toeslag(inkomen: int, date: str) -> Decimal:
        value = api.evaluate(program, {"inkomen": inkomen}, statute="U", date=date).outcomes["toeslag"].value
        return Decimal(str(value))

    # T's grens is €20,000 until 2027 and €30,000 from then: €25,000 is above it in 2026 (50%)
    # and up to it in 2027 (90%); €20,000 is up to it in both.
    assert toeslag(25_000, "2026-06-01") == 500
    assert toeslag(25_000, "2027-06-01") == 900
    assert toeslag(20_000, "2026-06-01") == 900
    statute = program.statutes["U"]
    cases = [{None: {"inkomen": v}} for v in (0, 20_000, 20_001, 25_000, 30_000, 30_001, 100_000)]
    for day in (dt.date(2026, 6, 1), dt.date(2027, 6, 1)):
        assert not multi_encoding_disagreements(statute, {None: version_on(statute, day)}, (None,), cases)


def test_an_unknown_table_of_a_used_statute_is_an_error_with_a_hint(tmp_path: Path) -> None:
    message = _load_error(tmp_path, t=TABLE_T, u=TABLE_U.replace("T.pct(", "T.pcx("))
    assert "u.law:5:37: error: statute T has no table 'pcx'; did you mean 'pct'?" in message
    message = _load_error(tmp_path, t=TABLE_T, u=TABLE_U.replace("T.pct(", "V.pct("))
    assert "unknown statute 'V' in V.pct(...)" in message


def test_a_formatted_lookup_in_another_statutes_table_reads_the_same() -> None:
    from lexproof.dsl.formatter import format_text

    formatted = format_text(TABLE_T + TABLE_U)
    assert "toeslag = €1_000 * T.pct(inkomen)" in formatted
    assert format_text(formatted) == formatted
