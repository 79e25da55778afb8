"""The workbench's forms: repeated items in the case form (rows added and removed, nested two
levels, diagnostics beside the field they are about), Dutch numbers in the form, and the names
the Ask box completes. Through Starlette's test client.

The items statute is the worked example of docs/language.md section 21 (Kindregeling): per
child under 12, €100, and €150 for the child with the most hours; the toeslag is their sum when
the income is below €50,000. Expected values are worked out by hand from those rules."""

from __future__ import annotations

import html as htmllib
import json
import re
from pathlib import Path

import pytest

pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

from lexproof.verifier import api  # noqa: E402
from lexproof.verifier.workbench import views  # noqa: E402
from lexproof.verifier.workbench.app import create_app  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LLL = str(ROOT / "statutes" / "lll")

KINDREGELING = """statute Kindregeling
facts Huishouden {
  inkomen: money €0..€150_000
}
items kind up to 4 {
  leeftijd: int 0..17
  uren: int 0..230
}
items contract up to 2 per kind {
  uurprijs: money €0..€15
}

decision per_kind: money per kind [art. 2] otherwise €0
rule volgend_kind [art. 2 lid 1]:
  per_kind = €100
  if leeftijd < 12
rule eerste_kind [art. 2 lid 2] except volgend_kind:
  per_kind = €150
  if leeftijd < 12 and rank(kind by uren) = 1

decision hoogste_uurprijs: money per kind [art. 3] otherwise €0
rule duurste_contract [art. 3]:
  hoogste_uurprijs = max(contract: uurprijs)
  if count(contract) > 0

decision toeslag: money [art. 4] otherwise €0
rule toeslag_per_huishouden [art. 4]:
  toeslag = sum(kind: per_kind)
  if inkomen < €50_000
"""

TWO_CHILDREN = {"run": "1", "date": "2025-01-01", "lang": "en", "inkomen": "30000",
                "kind[0]": "", "kind[0].leeftijd": "3", "kind[0].uren": "100",
                "kind[0].contract[0]": "", "kind[0].contract[0].uurprijs": "8.50",
                "kind[1]": "", "kind[1].leeftijd": "7", "kind[1].uren": "120"}


@pytest.fixture()
def kinderen(tmp_path: Path) -> TestClient:
    (tmp_path / "kind.law").write_text(KINDREGELING, encoding="utf-8")
    return TestClient(create_app([str(tmp_path)]))


def _rows(html: str) -> list[str]:
    return re.findall(r'<div class="item-row" id="row-([^"]+)"', html)


def _value(html: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}" id="f-{re.escape(name)}" value="([^"]*)"', html)
    assert match, f"no field {name}"
    return htmllib.unescape(match.group(1))


def test_the_case_form_adds_and_removes_item_rows_two_levels_deep(kinderen: TestClient) -> None:
    empty = kinderen.get("/case", params={"lang": "en"}).text
    assert _rows(empty) == [] and 'id="add-kind"' in empty and "at most 4" in empty
    one = kinderen.get("/case", params={"lang": "en", "run": "1", "inkomen": "30000", "add": "kind"})
    # adding a row is not asking: no outcome, and the new row starts at the low end of each range
    assert one.status_code == 200 and 'id="outcome"' not in one.text
    assert _rows(one.text) == ["kind[0]"] and _value(one.text, "kind[0].leeftijd") == "0"
    assert 'id="add-kind[0].contract"' in one.text  # the child's contracts: the second level
    nested = kinderen.get("/case", params={**TWO_CHILDREN, "add": "kind[1].contract"}).text
    assert _rows(nested) == ["kind[0]", "kind[0].contract[0]", "kind[1]", "kind[1].contract[0]"]
    assert _value(nested, "kind[0].contract[0].uurprijs") == "8.50"  # what was typed stays
    # removing the first child renumbers the second (and keeps its values)
    removed = kinderen.get("/case", params={**TWO_CHILDREN, "remove": "kind[0]"}).text
    assert _rows(removed) == ["kind[0]"] and _value(removed, "kind[0].uren") == "120"


def test_a_kind_at_its_maximum_has_no_add_button(kinderen: TestClient) -> None:
    params = {**TWO_CHILDREN, "kind[0].contract[1]": "", "kind[0].contract[1].uurprijs": "5"}
    html = kinderen.get("/case", params=params).text
    assert 'id="add-kind[0].contract"' not in html and 'id="add-kind[1].contract"' in html  # contract: up to 2


def test_a_case_with_items_is_evaluated_with_its_decisions_per_item(kinderen: TestClient) -> None:
    html = kinderen.get("/case", params=TWO_CHILDREN).text
    # the second child has the most hours (120 > 100): €150; the first €100; together €250
    assert re.search(r'<tr id="outcome-toeslag"[^>]*><th>toeslag</th><td class="value">€250.00</td>', html)
    per_item = html[html.index('id="item-outcomes"'):]
    assert re.search(r"<td>kind\[1\]</td><th>per_kind</th><td class=\"value\">€100.00</td>", per_item)
    assert re.search(r"<td>kind\[2\]</td><th>per_kind</th><td class=\"value\">€150.00</td>", per_item)
    assert re.search(r"<td>kind\[1\]</td><th>hoogste_uurprijs</th><td class=\"value\">€8.50</td>", per_item)
    # the same case through the API, as a case file holds it: the same toeslag
    case = {"inkomen": "30000", "kind": [{"leeftijd": "3", "uren": "100", "contract": [{"uurprijs": "8.50"}]},
                                         {"leeftijd": "7", "uren": "120"}]}
    program = api.load(str(Path(kinderen.app.state.jobs.paths[0])))  # type: ignore[attr-defined]
    assert str(api.evaluate(program, case, date="2025-01-01").outcomes["toeslag"].value) == "250"


def test_item_diagnostics_are_the_clis_and_stand_beside_their_field(kinderen: TestClient) -> None:
    bad = {**TWO_CHILDREN, "kind[1].uren": "abc", "kind[0].contract[0].uurprijs": "99"}
    response = kinderen.get("/case", params=bad)
    assert response.status_code == 400
    html = htmllib.unescape(response.text)
    # as `lexproof eval --case` reports the same case file: position, message, the line and a caret
    assert re.search(r'case:\d+:\d+: error: kind\[2\]\.uren: expected a number, got "abc"', html)
    assert re.search(r"case:\d+:\d+: error: contract\[1\]: uurprijs = €99.00 is above its range €0.00..€15.00", html)
    # beside the field it is about: the second child's hours, the first child's first contract
    assert re.search(r'id="f-kind\[1\]\.uren" value="abc">\s*<small class="field-error">kind\[2\]\.uren: expected', html)
    assert re.search(r'id="f-kind\[0\]\.contract\[0\]\.uurprijs" value="99">\s*<small class="field-error">contract\[1\]:', html)
    assert not re.search(r'id="f-kind\[0\]\.uren" value="100">\s*<small class="field-error">', html)


def test_the_form_as_a_case_file(tmp_path: Path) -> None:
    (tmp_path / "k.law").write_text(KINDREGELING, encoding="utf-8")
    model = api.load(str(tmp_path)).statutes["Kindregeling"]
    case = views.case_from_form(model, {**TWO_CHILDREN, "kind[1].uren": ""})
    assert case == {"inkomen": "30000", "kind": [{"leeftijd": "3", "uren": "100", "contract": [{"uurprijs": "8.50"}]},
                                                 {"leeftijd": "7", "contract": []}]}
    assert json.loads(json.dumps(case)) == case


@pytest.mark.parametrize(("typed", "read"), [
    ("1.409,00", "1409.00"), ("€ 1.409,00", "1409.00"), ("€2.530", "2530"), ("0,5", "0.5"), ("96,5%", "96.5%"),
    ("-12.000,5", "-12000.5"), ("1.409", "1409"), ("2530.00", "2530.00"), ("800", "800"), ("abc", "abc"),
    ("1.40", "1.40"), ("1,409.00", "1,409.00"),
])
def test_dutch_numbers_are_read_as_a_dutch_user_means_them(typed: str, read: str) -> None:
    assert views.from_dutch(typed) == read


def test_the_case_form_takes_and_shows_dutch_numbers() -> None:
    """With the Dutch switch on, 1.409,00 is one thousand four hundred and nine. A third who
    pays at least what is owed (art. 3.16b lid 2 sub c: €1,409 >= €800) rules the credit out;
    read as 1.409 it would not."""
    client = TestClient(create_app([LLL]))
    bbl = {"run": "1", "lang": "nl", "date": "2026-01-01", "amendment": "uitbreiding_mbo",
           "geboortedatum": "1985-06-15", "opleiding": "mbo", "leerweg": "bbl", "instelling": "bekostigd", "verblijf": "nederlander", "recht_op_reguliere_sf": "false",
           "diploma": "geen", "krediet_loopt_door": "false", "verschuldigd_per_jaar": "800",
           "door_derde_betaald": "1.409,00"}
    outcome = r'<tr id="outcome-recht_op_krediet"[^>]*><th>recht_op_krediet</th><td class="value">{}</td>'
    html = client.get("/case", params=bbl).text
    assert re.search(outcome.format("false"), html)
    assert _value(html, "door_derde_betaald") == "1409,00"  # shown back in Dutch
    below = client.get("/case", params={**bbl, "door_derde_betaald": "799,99"}).text  # €799.99 < €800
    assert re.search(outcome.format("true"), below)
    # "1.409" without decimals: in Dutch one thousand four hundred and nine; in English the
    # case file's diagnostic (ambiguous: thousands or decimals?), as `lexproof eval` gives it
    grouped = {**bbl, "door_derde_betaald": "1.409"}
    assert re.search(outcome.format("false"), client.get("/case", params=grouped).text)
    english = client.get("/case", params={**grouped, "lang": "en"})
    assert english.status_code == 400
    assert re.search(r"case:\d+:\d+: error: door_derde_betaald: &#34;1.409&#34; is ambiguous", english.text)
    assert _value(client.get("/case", params={"lang": "en"}).text, "verschuldigd_per_jaar") == \
        _value(client.get("/case", params={"lang": "nl"}).text, "verschuldigd_per_jaar").replace(",", ".")


def test_the_ask_box_completes_the_statutes_names(kinderen: TestClient) -> None:
    html = kinderen.get("/ask").text
    names = dict(json.loads(htmllib.unescape(re.search(r'<script type="application/json" id="name-list">(.*?)</script>',
                                                       html, re.S).group(1))))
    assert names["inkomen"] == "fact" and names["toeslag"] == "decision" and names["kind"] == "items"
    assert names["uurprijs"] == "item fact" and names["Huishouden"] == "facts"
    lll = dict(views.names(api.load(LLL).statutes["WSF2000"]))
    assert lll["mbo"] == "value" and lll["geboortedatum"] == "fact" and lll["recht_op_krediet"] == "decision"
    assert 'id="suggestions"' in html and "/static/workbench.js" in html
