"""The workbench's HTTP layer (verifier/workbench), through Starlette's test client.

Expected values are worked out by hand from statutes/lll (lll.law, uitbreiding_mbo.law) and the
WEB it reads (statutes/web): a bbl student born on 1985-06-15 (40 on 2026-01-01) is not eligible
before the amendment (art. 1.1 counts only the voltijd bol) and is after it, with a cap based on
lesgeld (`referentie = lcw_lesgeld`) whose amount is undefined: the lesgeld of 2027-2028 is not
known. An ho deeltijd student's cap after it is 5 x collegegeld €2,601 = €13,005."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

from lexproof.verifier import api  # noqa: E402
from lexproof.verifier.cli import main, serve_command  # noqa: E402
from lexproof.verifier.workbench import plot  # noqa: E402
from lexproof.verifier.workbench.app import create_app  # noqa: E402
from lexproof.verifier.workbench.texts import TEXTS  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LLL = str(ROOT / "statutes" / "lll")

BBL = {"geboortedatum": "1985-06-15", "opleiding": "mbo", "leerweg": "bbl", "instelling": "bekostigd",
       "verblijf": "nederlander",
       "recht_op_reguliere_sf": "false", "diploma": "geen", "krediet_loopt_door": "false",
       "verschuldigd_per_jaar": "800", "door_derde_betaald": "0"}

HOSTILE = """-- <script>alert('comment')</script>
statute Hostile "<script>alert('title')</script>"
  bwb BWBR0000001

enum Soort { a, b }

facts Persoon {
  leeftijd: int 0..120 typical 40
  soort: Soort
}

decision recht: bool ["<script>alert('cite')</script>"] otherwise false

rule r1 ["<img src=x onerror=alert(1)>"]:
  recht = true
  if leeftijd >= 18 and soort = a

example "<script>alert('example')</script>" [on 2025-01-01] {
  leeftijd = 20, soort = a
} expect recht = true
"""


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app([LLL]))


def _row(html: str, decision: str) -> str:
    """The text of a decision's row in the outcome table (tags removed)."""
    match = re.search(rf'<tr id="outcome-{decision}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, f"no outcome row for {decision}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def test_statute_page_lists_articles_in_order_with_links(client: TestClient) -> None:
    html = client.get("/").text
    order = [html.index(f'id="WSF2000--art-{number}"') for number in ("1.1", "2.2", "2.3a", "2.4", "3.16b", "3.16d")]
    assert order == sorted(order)
    # a link to the article on wetten.overheid.nl (JuriConnect address of WSF 2000, BWBR0011453)
    assert 'href="https://wetten.overheid.nl/jci1.3:c:BWBR0011453&amp;artikel=3.16b"' in html
    # a rule the amendment inserts is shown under its article, marked with its origin
    article = html[html.index('id="WSF2000--art-3.16d"'):]
    assert "referentie_overige_leerwegen" in article and "uitbreiding_mbo" in article
    # parameters with their dated values (lll.law: 57 from studiejaar 2024-2025, which starts on
    # 1 September for ho and on 1 August for mbo)
    assert re.search(r"2024-09-01</td><td>57</td>", html) and re.search(r"2024-08-01</td><td>57</td>", html)
    # each declaration as written, line by line (an amendment's rule dedented)
    assert ("rule opleiding_mbo [art. 1.1]:\n  opleiding_telt = true\n"
            "  if opleiding = mbo and WEB.beroepsopleidende_leerweg and WEB.voltijdse_bol") in html
    assert "replace rule opleiding_mbo [art. 1.1]:\n  opleiding_telt = true\n  if opleiding = mbo and WEB.beroepsopleiding" in html


def test_statute_page_timeline_shows_amendments_and_proposals(client: TestClient) -> None:
    html = client.get("/").text
    html = html[html.index('id="statute-WSF2000"'):]  # the WEB it reads comes first, without amendments
    timeline = html[html.index('class="timeline"'):html.index('class="toc"')]
    assert re.search(r'class="event proposal"><time>2027-09-01</time>.*uitbreiding_mbo', timeline)
    assert "2017-09-01" in timeline and timeline.index("2017-09-01") < timeline.index("2027-09-01")


def test_timeline_tells_an_amendment_in_force_from_a_proposal() -> None:
    """kinderopvang.law: afschaffing_urenkoppeling is in force from 2023-01-01 (no `proposal`);
    nieuw_stelsel.law is a proposal for 2029-01-01."""
    html = TestClient(create_app([str(ROOT / "statutes" / "kinderopvang")])).get("/", params={"lang": "en"}).text
    timeline = html[html.index('class="timeline"'):html.index('class="toc"')]
    assert re.search(r'class="event amendment"><time>2023-01-01</time> <span class="tag">[^<]+</span> afschaffing_urenkoppeling', timeline)
    assert re.search(r'class="event proposal"><time>2029-01-01</time> <span class="tag">[^<]+</span> nieuw_stelsel', timeline)
    assert timeline.index("2023-01-01") < timeline.index("2029-01-01")


def test_case_form_is_generated_from_the_facts(client: TestClient) -> None:
    html = client.get("/case").text
    select = re.search(r'<select name="opleiding".*?</select>', html, re.S).group(0)
    assert select.count("<option") == 5 and ">mbo<" in select  # mbo and the four ho forms
    # the WEB's fact, which the WSF reads: geen and the four leerwegen
    select = re.search(r'<select name="leerweg".*?</select>', html, re.S).group(0)
    assert select.count("<option") == 5 and ">bbl<" in select
    assert re.search(r'type="date" name="geboortedatum" id="f-geboortedatum" value="1985-01-01"', html)  # typical
    assert re.search(r'name="verschuldigd_per_jaar" id="f-verschuldigd_per_jaar" value="2530"', html)  # typical €2,530
    assert "1930-01-01 .. 2012-12-31" in html
    assert '<option value="uitbreiding_mbo"' in html and 'type="date"' in html


def test_case_before_and_after_the_amendment(client: TestClient) -> None:
    before = client.get("/case", params={**BBL, "run": "1", "date": "2026-01-01"})
    assert before.status_code == 200
    assert _row(before.text, "recht_op_krediet").startswith("recht_op_krediet false")
    assert _row(before.text, "max_krediet").startswith("max_krediet €0,00")  # Dutch money format
    assert _row(before.text, "leeftijd").startswith("leeftijd 40")  # born 1985-06-15, on 2026-01-01
    after = client.get("/case", params={**BBL, "run": "1", "date": "2026-01-01", "amendment": "uitbreiding_mbo"})
    assert _row(after.text, "recht_op_krediet") == "recht_op_krediet true art. 3.16b lid 1 WSF2000"
    assert _row(after.text, "referentie").startswith("referentie lcw_lesgeld")
    # lesgeld 2027-2028 is not known: the cap is undefined, never a made-up amount
    assert _row(after.text, "max_krediet").startswith("max_krediet onbepaald")  # Dutch page
    ho = {**BBL, "opleiding": "ho_deeltijd", "leerweg": "geen", "verschuldigd_per_jaar": "2601"}
    dutch = client.get("/case", params={**ho, "run": "1", "amendment": "uitbreiding_mbo"})
    assert _row(dutch.text, "max_krediet").startswith("max_krediet €13.005,00")  # 5 x €2,601
    english = client.get("/case", params={**ho, "run": "1", "amendment": "uitbreiding_mbo", "lang": "en"})
    assert _row(english.text, "max_krediet").startswith("max_krediet €13,005.00")
    assert "with uitbreiding_mbo" in after.text
    # each rule in the trace links to its article on the statute page
    assert 'href="/?lang=nl#WSF2000--art-3.16b"' in after.text


def test_case_trace_says_why_a_rule_does_not_apply_and_links_its_article(client: TestClient) -> None:
    """The bbl student before the amendment: opleiding_mbo (art. 1.1) needs the beroepsopleidende
    leerweg (the bol), which bbl is not; opleiding_ho needs an ho programme. So opleiding_telt
    falls to its default, and the trace says which condition failed, rule by rule."""
    html = client.get("/case", params={**BBL, "run": "1", "date": "2026-01-01", "lang": "en"}).text
    start = html.index('id="outcome-opleiding_telt"')
    trace = html[start:html.index('<tr id="outcome-', start + 1)]
    assert re.search(r'<li class="not-applicable"><a href="/\?lang=en#WSF2000--art-1.1">art. 1.1 WSF2000</a>\s*'
                     r"rule opleiding_mbo: not applicable<span class=\"failed\">\(fails on <code>WEB.beroepsopleidende_leerweg</code>", trace)
    assert re.search(r"rule opleiding_ho: not applicable<span class=\"failed\">\(fails on <code>opleiding in \{ho_voltijd", trace)
    start = html.index('id="outcome-instelling_telt"')
    trace = html[start:html.index('<tr id="outcome-', start + 1)]
    assert re.search(r'<li class="applied"><a href="/\?lang=en#WSF2000--art-2.4">art. 2.4 WSF2000</a>\s*rule instelling_mbo: applied', trace)
    # the article a trace links to is on the statute page
    assert 'id="WSF2000--art-1.1"' in client.get("/").text


def test_case_validation_uses_the_cli_diagnostics(client: TestClient) -> None:
    response = client.get("/case", params={**BBL, "run": "1", "geboortedatum": "abc"})
    assert response.status_code == 400
    # the same message, position and caret as `lexproof eval --case` for the key in a case file
    assert "case:2:3: error: geboortedatum: expected a date YYYY-MM-DD, got &#34;abc&#34;" in response.text
    assert "^~~~~~~~~~" in response.text
    assert 'class="field-error">geboortedatum: expected a date' in response.text
    # the walk-through's example: text in an amount field (the 8th fact, so line 9 of the case file)
    money = client.get("/case", params={**BBL, "run": "1", "verschuldigd_per_jaar": "abc"})
    assert money.status_code == 400
    assert "case:9:3: error: verschuldigd_per_jaar: expected an amount such as 1118.00" in money.text
    assert 'class="field-error">verschuldigd_per_jaar: expected an amount' in money.text
    too_old = client.get("/case", params={**BBL, "run": "1", "geboortedatum": "1900-01-01"})
    assert too_old.status_code == 400 and "below its range 1930-01-01..2012-12-31" in too_old.text


def test_ask_finds_a_counterexample_and_says_no_case(client: TestClient) -> None:
    question = "exists Aanvrager: opleiding = mbo and leerweg = bbl and recht_op_krediet"
    found = _done(client, client.get("/ask", params={"q": question, "amendment": "uitbreiding_mbo"}))
    assert found.status_code == 200
    answer = found.text[found.text.index('id="answer"'):]
    assert 'class="answer satisfiable"' in found.text and "Gevonden" in answer
    assert re.search(r"<th>opleiding</th><td>mbo</td>", answer) and re.search(r"<th>leerweg</th><td>bbl</td>", answer)
    assert re.search(r"<th>verschuldigd_per_jaar</th><td>€[\d.]+,\d\d</td>", answer)  # money, Dutch format
    none = _done(client, client.get("/ask", params={"q": question, "date": "2026-01-01"}))
    answer = none.text[none.text.index('id="answer"'):]
    assert 'class="answer unsatisfiable"' in none.text and "Geen geval" in answer
    assert "art. 1.1 WSF2000 (rule opleiding_mbo)" in answer  # why not: what it rests on
    # and the rules that rule every case out, as the CLI quotes them (opleiding_mbo counts only bol-voltijd)
    why = answer[answer.index('id="why-not"'):]
    assert "rule opleiding_mbo [art. 1.1]: opleiding_telt = true if opleiding = mbo and WEB.beroepsopleidende_leerweg and WEB.voltijdse_bol" in why


def test_ask_with_a_bad_question_shows_its_diagnostic(client: TestClient) -> None:
    response = _done(client, client.get("/ask", params={"q": "exists Aanvrager: opleidin = mbo_bbl"}))
    assert response.status_code == 400
    assert re.search(r"&lt;query&gt;:1:\d+: error: .*opleidin", response.text)


def test_diff_table_and_plot(client: TestClient) -> None:
    response = _done(client, client.get("/diff", params={"amendment": "uitbreiding_mbo", "fact": "door_derde_betaald",
                                                         "decision": "recht_op_krediet", **BBL}))
    assert response.status_code == 200
    html = response.text
    assert re.search(r'<tr class="gains"><td><code>opleiding = mbo, leerweg in \{bbl, bol_deeltijd, derde_leerweg\}', html)
    assert "instelling_telt</strong>: ongewijzigd" in html
    assert "recht_op_reguliere_sf = false" in html and "= False" not in html  # as the statute writes it
    assert re.search(r"verschuldigd_per_jaar = €[\d.]+,\d\d", html)
    # each witness links to the plot with that case filled in
    link = re.search(r'<a class="plot-this" href="/diff\?([^"]+)#plot-section"', html).group(1).replace("&amp;", "&")
    assert "decision=opleiding_telt" in link and "opleiding=mbo" in link and "leerweg=bol_deeltijd" in link
    assert "recht_op_reguliere_sf=false" in link
    followed = client.get("/diff?" + link)
    assert followed.status_code == 200 and '<figure id="plot">' in followed.text
    figure = html[html.index('<figure id="plot">'):]
    assert figure.count("<polyline") >= 2 and "<svg" in figure
    assert 'text-anchor="end">false</text>' in figure and 'text-anchor="end">true</text>' in figure


def test_plot_values_before_and_after() -> None:
    """A bbl student (42 on 2027-09-01) whose cursusgeld of €800 an employer pays in part, from
    €0 to €2,000: before the amendment never eligible; after it, eligible while the employer pays
    less than the €800 owed (art. 3.16b lid 2 sub c refuses from €800 on)."""
    program = api.load(LLL)
    xs, (before, after) = plot.outcome_series(program, "uitbreiding_mbo", "recht_op_krediet", "door_derde_betaald",
                                              dict(BBL), 0, 2000)
    assert xs[0] == 0 and xs[-1] == pytest.approx(2000) and len(xs) > 10
    assert before.values == [0.0] * len(xs)
    assert after.values == [1.0 if x < 800 else 0.0 for x in xs]


def test_check_page_groups_results_by_article(tmp_path: Path) -> None:
    (tmp_path / "h.law").write_text(HOSTILE, encoding="utf-8")
    client = TestClient(create_app([str(tmp_path)]))
    assert client.get("/check").status_code == 200
    html = _finished(client, client.get("/check", params={"run": "1"}))
    assert 'id="check-results"' in html
    # one example, and the built-in checks (clean) in the statute's one version; kinds and
    # statuses in the words of the CLI's catalogue (Dutch by default: voorbeeld, geslaagd)
    assert re.search(r"<td>voorbeeld</td><td>&lt;script&gt;alert\(&#39;example&#39;\)&lt;/script&gt;</td>\s*"
                     r'<td><span class="status" data-status="passed">geslaagd</span>', html)
    assert "Samenvatting: " in html


FINDINGS = """statute F "findings"
  bwb BWBR0000002

facts P {
  leeftijd: int 0..120
}

decision recht: bool [art. 1] otherwise false
rule a [art. 1 lid 1]:
  recht = true
  if leeftijd >= 18
rule b [art. 1 lid 2]:
  recht = false
  if leeftijd >= 65
rule dood [art. 2]:
  recht = true
  if leeftijd > 200

property volwassen [on 2025-01-01]:
  for every P
  assume leeftijd >= 18 and leeftijd < 65
  claim recht
"""


def _result_row(html: str, kind: str, name: str) -> str:
    match = re.search(rf"<tr class=\"[a-z]+\">\s*<td>{kind}</td><td>{re.escape(name)}</td>(.*?)</tr>", html, re.S)
    assert match, f"no {kind} row {name}"
    return match.group(1)


def test_check_page_links_findings_and_proofs_to_their_rules(tmp_path: Path) -> None:
    """By hand: rules a and b both apply from 65 on and disagree (a conflict of a and b); dood
    needs an age over 200, above the range 0..120 (dead); the property holds for 18..64 only
    because of rule a (without it recht is false), so its proof rests on art. 1 lid 1 (rule a)."""
    (tmp_path / "f.law").write_text(FINDINGS, encoding="utf-8")
    client = TestClient(create_app([str(tmp_path)]))
    html = _finished(client, client.get("/check", params={"run": "1", "lang": "en"}))
    conflict = _result_row(html, "conflict", "recht: a / b")
    assert 'class="rules">rules: <a href="/?lang=en#F--rule-a">a</a>, <a href="/?lang=en#F--rule-b">b</a></small>' in conflict
    assert 'class="rules">rules: <a href="/?lang=en#F--rule-dood">dood</a></small>' in _result_row(html, "dead", "dood")
    proof = _result_row(html, "property", "volwassen")
    assert 'data-status="proved"' in proof and "art. 1 lid 1 F (rule a)" in proof
    assert '<a href="/?lang=en#F--rule-a">a</a>' in proof
    # the proof and the conflict are under art. 1, the dead rule under art. 2
    assert html.index("<h2>art. 1 F</h2>") < html.index("<td>volwassen</td>") < html.index("<h2>art. 2 F</h2>") < html.index("<td>dood</td>")
    # every link goes to a rule shown on the statute page
    statute = client.get("/", params={"lang": "en"}).text
    for target in ("F--rule-a", "F--rule-b", "F--rule-dood"):
        assert f'id="{target}"' in statute
    # the check's progress: all of its tasks done
    status = client.get("/jobs/" + re.search(r'data-job="([^"]+)"', html).group(1)).json()
    assert status["kind"] == "check" and status["state"] == "done" and 0 < status["done"] == status["total"]


def _finished(client: TestClient, response) -> str:
    """A job's page (check, query, diff) once it has finished (it reloads itself every second while running)."""
    return _done(client, response).text


def _job_report(html: str) -> str:
    """What a job page says of its job when a test expected another outcome: its state and
    the errors it shows (a failed worker's message), not only the page's last lines."""
    state = re.search(r'data-state="([^"]*)"', html)
    errors = re.search(r'<section class="errors".*?</section>', html, re.S)
    return f"job state {state.group(1) if state else None}; errors: {errors.group(0) if errors else None}"


def _done(client: TestClient, response):
    """The response of a job's page once the job has finished."""
    import time

    for _ in range(600):
        if not re.search(r'data-state="(running|waiting)"', response.text):
            return response
        assert '<meta http-equiv="refresh"' in response.text and "<progress" in response.text
        time.sleep(0.5)
        response = client.get(str(response.url))
    raise AssertionError("the check job did not finish")


def test_a_check_job_can_be_cancelled_and_then_shows_no_results() -> None:
    client = TestClient(create_app([LLL]))
    started = client.get("/check", params={"run": "1"})
    assert re.search(r'data-state="(running|waiting)"', started.text) and 'id="cancel"' in started.text
    job = re.search(r'data-job="([^"]+)"', started.text).group(1)
    html = _finished(client, client.post(f"/jobs/{job}/cancel", params={"back": f"/check?job={job}"}))
    assert 'data-state="cancelled"' in html and 'id="check-results"' not in html


def test_an_unknown_check_job_is_bad_input(client: TestClient) -> None:
    response = client.get("/check", params={"job": "nope"})
    assert response.status_code == 400 and "no check job" in response.text


def test_check_format_html_is_a_self_contained_report(tmp_path: Path) -> None:
    (tmp_path / "h.law").write_text(HOSTILE, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(tmp_path), "--format", "html", "--no-cache", "-j", "1"])
    assert result.exit_code == 0, result.output
    html = result.stdout
    assert html.startswith("<!doctype html>") and "<style>" in html
    assert "<script" not in html and 'href="/static' not in html and "src=" not in html.replace("src=x", "")
    assert "&lt;script&gt;alert(&#39;example&#39;)&lt;/script&gt;" in html
    # nothing to fetch and no link to a server: no URL but the articles on wetten.overheid.nl
    assert not re.search(r"https?://(?!wetten\.overheid\.nl/)", html) and 'href="/' not in html


def test_check_format_html_names_the_rules_without_links(tmp_path: Path) -> None:
    (tmp_path / "f.law").write_text(FINDINGS, encoding="utf-8")
    for lang, word in (("nl", "regels"), ("en", "rules")):  # the report follows --lang, as all output for people
        result = CliRunner().invoke(main, ["check", str(tmp_path), "--format", "html", "--no-cache", "-j", "1",
                                           "--lang", lang])
        assert result.exit_code == 1, result.output  # the conflict needs attention
        assert f'class="rules">{word}: <code>a</code>, <code>b</code></small>' in result.stdout
        assert f'<html lang="{lang}">' in result.stdout
        assert 'href="/' not in result.stdout


def test_check_format_html_with_bad_input_shows_the_diagnostics(tmp_path: Path) -> None:
    (tmp_path / "bad.law").write_text('statute S "s"\n\ndecision d: bool otherwise fals\n', encoding="utf-8")
    for lang in ("nl", "en"):
        result = CliRunner().invoke(main, ["check", str(tmp_path), "--format", "html", "--no-cache", "--lang", lang])
        assert result.exit_code == 2
        assert 'id="load-errors"' in result.stdout and re.search(r"bad\.law:3:\d+: error", result.stdout)
        assert f'<html lang="{lang}">' in result.stdout


@pytest.mark.parametrize("url", ["/", "/case", "/case?run=1", "/ask?q=exists+Persoon:+recht", "/check?run=1",
                                 "/diff"])
def test_hostile_statute_is_escaped_on_every_page(tmp_path: Path, url: str) -> None:
    (tmp_path / "h.law").write_text(HOSTILE, encoding="utf-8")
    client = TestClient(create_app([str(tmp_path)]))
    html = _finished(client, client.get(url))
    assert "<script>alert" not in html and "<img src=x" not in html
    if url == "/check?run=1":
        assert 'id="check-results"' in html
    if url == "/":
        assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_load_errors_are_shown_with_their_positions(tmp_path: Path) -> None:
    (tmp_path / "bad.law").write_text('statute S "s"\n\ndecision d: bool otherwise fals\n', encoding="utf-8")
    for url in ("/", "/case", "/diff"):
        response = TestClient(create_app([str(tmp_path)])).get(url)
        assert response.status_code == 422
        assert re.search(r"bad\.law:3:\d+: error: ", response.text) and "^" in response.text


def test_import_outside_the_statute_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.law").write_text('statute Secret "s"\n', encoding="utf-8")
    folder = tmp_path / "statute"
    folder.mkdir()
    (folder / "a.law").write_text('import "../secret.law"\n' + HOSTILE, encoding="utf-8")
    response = TestClient(create_app([str(folder)])).get("/")
    assert response.status_code == 422 and "Secret" not in response.text.replace("secret.law", "")


def test_language_switch_defaults_to_dutch(client: TestClient) -> None:
    dutch = client.get("/case").text
    assert "Casus proberen" in dutch and '<html lang="nl">' in dutch
    english = client.get("/case", params={"lang": "en"}).text
    assert "Try a case" in english and '<html lang="en">' in english
    assert 'id="lang-switch" href="/case?lang=nl"' in english


def test_dutch_number_format_changes_numbers_only() -> None:
    from lexproof.verifier.workbench.texts import localize

    assert localize("€7,045.00", "nl") == "€7.045,00"
    assert localize("lesgeld = €1,118.00", "nl") == "lesgeld = €1.118,00"
    assert localize("0.5", "nl") == "0,5"
    for unchanged in ("2027-09-01", "WSF2000 on 2027-09-01", "57", "1/3", "96%"):
        assert localize(unchanged, "nl") == unchanged
    assert localize("€7,045.00", "en") == "€7,045.00"


def test_dutch_pages_give_statuses_and_engine_messages_in_dutch(client: TestClient, tmp_path: Path) -> None:
    """The results keep their messages in English (JSON, SARIF); the Dutch page words them as
    `lexproof check --lang nl` does (verifier/messages.py): the bbl student after the amendment
    has no lesgeld (no rule decides it, no default: 'onbeslist'), and rules a and b of FINDINGS
    conflict ('strijdig', 'zijn allebei van toepassing')."""
    params = {**BBL, "run": "1", "date": "2026-01-01", "amendment": "uitbreiding_mbo"}
    dutch = _row(client.get("/case", params=params).text, "lesgeld")
    assert dutch == "lesgeld onbeslist geen regel beslist lesgeld en er is geen &#39;anders&#39;"
    english = _row(client.get("/case", params={**params, "lang": "en"}).text, "lesgeld")
    assert english == "lesgeld undecided no rule decides lesgeld and it has no default"
    (tmp_path / "f.law").write_text(FINDINGS, encoding="utf-8")
    findings = TestClient(create_app([str(tmp_path)]))
    html = _finished(findings, findings.get("/check", params={"run": "1"}))
    conflict = _result_row(html, "strijdige regels", "recht: a / b")
    assert 'data-status="conflict">strijdig</span>' in conflict
    assert "regels a [art. 1 lid 1 F] en b [art. 1 lid 2 F] zijn allebei van toepassing" in conflict
    diff = _finished(client, client.get("/diff", params={"amendment": "uitbreiding_mbo"}))
    assert '<h2 id="diff-referentie">referentie <small>gewijzigd</small></h2>' in diff
    assert "<p>referentie verandert in 1 groep(en)</p>" in diff


def test_every_text_has_both_languages() -> None:
    assert all(set(entry) == {"nl", "en"} and all(entry.values()) for entry in TEXTS.values())


def test_assets_are_bundled_and_nothing_is_fetched(client: TestClient) -> None:
    html = client.get("/").text
    assert not re.search(r'(src|href)="https?://(?!wetten\.overheid\.nl/)', html)
    assert client.get("/static/workbench.css").status_code == 200
    assert client.get("/static/workbench.js").status_code == 200
    assert client.get("/static/../app.py").status_code == 404


def test_serve_binds_localhost_by_default() -> None:
    host = next(p for p in serve_command.params if p.name == "host")
    assert host.default in ("127.0.0.1", ("127.0.0.1",))


def test_users_at_once_get_their_own_answers(client: TestClient) -> None:
    """Solver calls run as jobs, each in its own worker process: questions asked at the
    same time get the answers they get alone, and each form's diagnostics quote its own case."""
    from concurrent.futures import ThreadPoolExecutor

    question = "exists Aanvrager: opleiding = mbo and leerweg = bbl and recht_op_krediet"
    asks = [{"q": question, "amendment": "uitbreiding_mbo"}, {"q": question, "date": "2026-01-01"}] * 3
    cases = [{**BBL, "run": "1", "geboortedatum": f"x{i}"} for i in range(6)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda p: _finished(client, client.get("/ask", params=p)), asks))
        problems = list(pool.map(lambda p: client.get("/case", params=p).text, cases))
    for params, html in zip(asks, answers):
        expected = "satisfiable" if "amendment" in params else "unsatisfiable"
        assert f'class="answer {expected}"' in html, _job_report(html)
    for i, html in enumerate(problems):
        assert f'&#34;geboortedatum&#34;: &#34;x{i}&#34;' in html and f"got &#34;x{i}&#34;" in html


def test_a_solver_that_runs_out_of_budget_is_never_no_case() -> None:
    """With a budget too small to decide anything, the answer is 'undecided', never 'no case',
    and a diff says it is incomplete, never that nothing changes."""
    client = TestClient(create_app([LLL], timeout=0.001))
    question = "exists Aanvrager: opleiding = mbo and leerweg = bbl and recht_op_krediet"
    html = _finished(client, client.get("/ask", params={"q": question, "date": "2026-01-01"}))
    answer = html[html.index('id="answer"'):]
    assert 'class="answer unknown"' in html and "Onbekend" in answer and "Geen geval" not in answer
    diff = _finished(client, client.get("/diff", params={"amendment": "uitbreiding_mbo"}))
    assert "Onvolledig" in diff


def test_several_statutes_each_have_their_articles_and_form() -> None:
    client = TestClient(create_app([LLL, str(ROOT / "statutes" / "kinderopvang")]))
    html = client.get("/").text
    assert 'id="WSF2000--art-1.1"' in html and 'id="Kinderopvangtoeslag--' in html
    ids = re.findall(r'<section class="article" id="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    form = client.get("/case", params={"statute": "Kinderopvangtoeslag"}).text
    assert "Casus proberen: Kinderopvangtoeslag" in form and 'name="inkomen_aanvrager"' in form
    assert 'name="opleiding"' not in form


def test_check_results_are_grouped_by_article_in_order() -> None:
    from lexproof.verifier.results import Result
    from lexproof.verifier.workbench.views import by_article

    def result(name: str, *articles: str) -> Result:
        return Result("property", name, "proved", None, articles=list(articles))  # type: ignore[arg-type]

    groups = by_article([result("a", "LCW art. 5"), result("b", "art. 3.16b lid 2 sub a WSF2000 (rule r)"),
                         result("c"), result("d", "art. 1.1 WSF2000"), result("e", "art. 3.16b WSF2000")])
    assert [(label, [r.name for r in items]) for label, items in groups] == [
        ("art. 1.1 WSF2000", ["d"]), ("art. 3.16b WSF2000", ["b", "e"]), ("LCW art. 5", ["a"]), ("", ["c"])]


def test_serve_passes_its_options_to_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """`serve --timeout 30` gives the server the budget of `check --timeout 30` (seconds); the
    host is 127.0.0.1 unless told otherwise."""
    from lexproof.verifier.workbench import server

    calls = []
    monkeypatch.setattr(server, "run", lambda *args: calls.append(args))
    result = CliRunner().invoke(main, ["serve", LLL, "--timeout", "30", "--port", "9123"])
    assert result.exit_code == 0, result.output
    assert calls == [([LLL], "127.0.0.1", 9123, 30.0, None)]


def test_serve_with_a_bad_timeout_is_bad_input() -> None:
    result = CliRunner().invoke(main, ["serve", LLL, "--timeout", "0"])
    assert result.exit_code == 2 and "--timeout" in result.output


def test_no_statute_loaded_is_bad_input() -> None:
    """A page about a statute, with none loaded (only amendments): a diagnostic, never a crash."""
    from lexproof.dsl.diagnostics import LexproofError
    from lexproof.dsl.model import Program
    from lexproof.verifier.workbench.app import _statute

    with pytest.raises(LexproofError, match="no statute is loaded"):
        _statute(Program(), None)


def test_a_lexproof_bug_is_reported_on_the_page(monkeypatch: pytest.MonkeyPatch, client: TestClient) -> None:
    from lexproof.verifier.workbench import app

    def broken(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(app, "_query_answer", broken)
    response = _done(client, client.get("/ask", params={"q": "exists Aanvrager: recht_op_krediet"}))
    assert response.status_code == 500 and "internal error: ZeroDivisionError: boom" in response.text


def test_a_lexproof_bug_in_a_worker_is_reported_as_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker sends an internal error as such (the page shows it), never an empty result."""
    import multiprocessing

    from lexproof.verifier.workbench import worker

    def broken(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(api, "query", broken)
    receive, send = multiprocessing.Pipe(duplex=False)
    worker.work(send, "query", [LLL], {"q": "exists Aanvrager: recht_op_krediet"}, None)
    assert receive.recv() == ("internal", "internal error: ZeroDivisionError: boom (please report)")


def test_serve_on_a_port_in_use_is_bad_input() -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", LLL, "--port", str(port)])
    assert result.exit_code == 2 and f"cannot listen on 127.0.0.1:{port}" in result.output
