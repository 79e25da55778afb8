"""The bundled data-exchange statutes read each other (issue 19, item 4): the Wet SUWI is its own
statute, the SZW bill (Kamerstuk 36 799) amends it, the AVG reads its art. 6 lid 3 basis from it,
and DUO's position on consent is a statute that reads the AVG and decides the same question.
Expected values are worked out by hand from shared/law/FACTS.md section 5 (see the statutes'
headers)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lexproof.verifier import api

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "statutes" / "gegevensuitwisseling"

# UWV reaching out proactively on its public task, with its own data, to someone who may be
# entitled and did not object: the SZW bill's case.
UWV_OUTREACH = {
    "organisatie": "uwv", "grondslag": "publieke_taak", "doel": "proactieve_benadering",
    "toestemming_gegeven": False, "weigeren_zonder_nadeel": True, "wettelijke_taak_individuele_casus": False,
    "vitaal_belang_betrokkene": False, "belangenafweging_in_orde": False, "mogelijk_recht_op_voorziening": True,
    "bezwaar_gemaakt": False, "gegevensbron": "eigen_gegevens", "amvb_staat_uitwisseling_toe": False,
}


@pytest.fixture(scope="module")
def program():
    return api.load(FOLDER)


def test_the_szw_bill_amends_the_wet_suwi_which_the_avg_reads(program) -> None:
    suwi, avg, duo = (program.statutes[name] for name in ("SUWI", "AVG", "DUO_standpunt"))
    assert "proactieve_dienstverlening_szw" in suwi.amendments
    assert "proactieve_dienstverlening_szw" not in avg.amendments  # it is not an amendment of the AVG
    assert set(avg.uses) == {"SUWI"} and set(duo.uses) == {"AVG"}
    # Before the bill (2027-07-01) the Wet SUWI lays down no basis: UWV's outreach is unlawful;
    # after it, art. 6 lid 1 sub e with the art. 6 lid 3 basis from the Wet SUWI makes it lawful.
    before = api.evaluate(program, UWV_OUTREACH, statute="AVG", date="2027-06-30").outcomes
    after = api.evaluate(program, UWV_OUTREACH, statute="AVG", date="2027-07-01",
                         amendment="proactieve_dienstverlening_szw").outcomes
    assert before["rechtmatig"].value is False
    assert after["rechtmatig"].value is True and after["wettelijke_grondslag"].value is True
    # DUO is outside the bill's scope.
    duo_case = dict(UWV_OUTREACH, organisatie="duo")
    outcome = api.evaluate(program, duo_case, statute="AVG", date="2027-07-01", amendment="proactieve_dienstverlening_szw")
    assert outcome.outcomes["rechtmatig"].value is False


def test_diff_of_the_bill_reports_the_avg_decisions_it_changes(program) -> None:
    results = {(r.statute, r.name): r for r in api.diff(program, amendment="proactieve_dienstverlening_szw")}
    assert results[("SUWI", "grondslag_proactieve_dienstverlening")].status == "changed"
    rechtmatig = results[("AVG", "rechtmatig")]
    # The bill only adds a basis: people gain lawful outreach, nobody loses.
    assert rechtmatig.status == "changed"
    assert rechtmatig.details["gains"] >= 1 and rechtmatig.details["losses"] == 0
    # DUO's position follows the AVG outside consent, so it changes too.
    assert results[("DUO_standpunt", "rechtmatig_volgens_duo")].status == "changed"


def test_duos_position_and_the_avg_disagree_on_free_consent_in_an_individual_case(program) -> None:
    results = api.check(program, date="2026-06-01", properties=False, examples=False)
    question = next(r for r in results if r.kind == "question")
    assert question.code == "LP105" and question.statute == "DUO_standpunt"
    assert question.status == "resolved" and question.details["winner"] == "AVG"
    facts = question.witnesses[0].facts[None]
    # The only disagreement: a public authority, an individual case, consent freely given.
    assert facts["organisatie"] != "private_organisatie"
    assert (facts["grondslag"], facts["doel"]) == ("toestemming", "individuele_casus")
    assert facts["toestemming_gegeven"] is True and facts["weigeren_zonder_nadeel"] is True
    # Both citations, each with the statute it belongs to.
    assert "overweging 43 AVG" in question.articles
    assert "art. 6 lid 1 sub a standpunt DUO" in question.articles
    assert question.article_statutes["overweging 43 AVG"] == "AVG"
    assert question.article_statutes["art. 6 lid 1 sub a standpunt DUO"] == "DUO_standpunt"
    # The AVG decides every case, so DUO's decision never has effect on the question.
    assert question.details["dead"] is True


def test_without_the_priority_the_disagreement_is_a_conflict(tmp_path: Path) -> None:
    folder = tmp_path / "gegevensuitwisseling"
    shutil.copytree(FOLDER, folder)
    standpunt = folder / "duo_standpunt.law"
    text = standpunt.read_text(encoding="utf-8")
    assert " priority lex superior AVG" in text
    standpunt.write_text(text.replace(" priority lex superior AVG", ""), encoding="utf-8")
    results = api.check(api.load(folder), date="2026-06-01", properties=False, examples=False)
    question = next(r for r in results if r.kind == "question")
    assert question.status == "conflict" and question.severity == "error" and not question.as_expected
    assert {"overweging 43 AVG", "art. 6 lid 1 sub a standpunt DUO"} <= set(question.articles)
