"""Long solver calls in the workbench: a query, diff or check runs as a job in its own worker
process, shows its progress, can be cancelled (the worker is killed), and does not block the
server or other users' jobs. Through the HTTP layer (Starlette's test client)."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

from lexproof.verifier.workbench.app import create_app  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LLL = str(ROOT / "statutes" / "lll")

# A question no solver answers quickly: a³ + b³ = c³ in positive integers below a million
# (Fermat for n = 3: there is no such case, but z3's nonlinear arithmetic does not find that
# out for minutes). With a budget of 1,000 s per solver call, it runs until cancelled.
HARD = """statute Hard "a hard question"

facts P {
  a: int 1..1000000
  b: int 1..1000000
  c: int 1..1000000
}

decision som: int [art. 1] otherwise 0
rule r [art. 1]:
  som = a * a * a + b * b * b
  if a > 0
"""
HARD_QUESTION = "exists P: som = c * c * c"
ACTIVE = re.compile(r'data-state="(running|waiting)"')


def _job_id(html: str) -> str:
    match = re.search(r'<section id="job"[^>]*data-job="([^"]+)"', html)
    assert match, "the page shows no job"
    return match.group(1)


def _wait(client: TestClient, response, seconds: float = 300):
    """The job's page once the job has finished (the page reloads itself while it runs)."""
    deadline = time.monotonic() + seconds
    while ACTIVE.search(response.text):
        assert '<meta http-equiv="refresh"' in response.text and 'id="cancel"' in response.text
        assert time.monotonic() < deadline, "the job did not finish"
        time.sleep(0.3)
        response = client.get(str(response.url))
    return response


def _running(client: TestClient, job: str, seconds: float = 120) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        status = client.get(f"/jobs/{job}").json()
        if status["state"] != "waiting":
            return status
        assert time.monotonic() < deadline, "the job never started"
        time.sleep(0.2)


def _gone(pid: int) -> bool:
    """Whether a process has ended (no such process, or a zombie waiting to be reaped)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


@pytest.fixture()
def hard(tmp_path: Path) -> str:
    (tmp_path / "hard.law").write_text(HARD, encoding="utf-8")
    return str(tmp_path)


def test_a_long_query_can_be_cancelled_while_the_server_answers_others(hard: str) -> None:
    client = TestClient(create_app([hard], timeout=1000, max_running=2))
    started = client.get("/ask", params={"q": HARD_QUESTION, "lang": "en"})
    assert started.status_code == 200 and ACTIVE.search(started.text)
    job = _job_id(started.text)
    assert _running(client, job)["state"] == "running"
    status = client.get(f"/jobs/{job}").json()
    pid = client.app.state.jobs.get(job).pid  # type: ignore[attr-defined]
    assert status["kind"] == "query" and pid and not _gone(pid)

    # Meanwhile the server answers other pages at once, and another user's question.
    before = time.monotonic()
    assert client.get("/", params={"lang": "en"}).status_code == 200
    assert time.monotonic() - before < 20
    other = _wait(client, client.get("/ask", params={"q": "exists P: a = 2 and som = 16", "lang": "en"}))
    assert 'class="answer satisfiable"' in other.text  # a = 2, b = 2: 8 + 8 = 16
    assert re.search(r"<th>b</th><td>2</td>", other.text)
    assert client.get(f"/jobs/{job}").json()["state"] == "running"  # the hard one still runs

    # Cancel it: the worker is killed, and the page says cancelled, never "no case".
    page = client.post(f"/jobs/{job}/cancel", params={"back": str(started.url).split("testserver", 1)[1]})
    assert page.status_code == 200 and str(page.url) == str(started.url)
    assert client.get(f"/jobs/{job}").json()["state"] == "cancelled"
    assert 'data-state="cancelled"' in page.text and "Cancelled: no answer" in page.text
    assert 'id="answer"' not in page.text and "No case" not in page.text and "unsatisfiable" not in page.text
    deadline = time.monotonic() + 10
    while not _gone(pid):
        assert time.monotonic() < deadline, f"the worker {pid} still runs after the cancel"
        time.sleep(0.1)


def test_a_job_waits_for_a_free_worker_and_can_be_cancelled_before_it_starts(hard: str) -> None:
    client = TestClient(create_app([hard], timeout=1000, max_running=1))
    first = _job_id(client.get("/ask", params={"q": HARD_QUESTION}).text)
    _running(client, first)
    second_page = client.get("/ask", params={"q": HARD_QUESTION, "max": "2"})
    second = _job_id(second_page.text)
    assert client.get(f"/jobs/{second}").json()["state"] == "waiting"
    assert 'data-state="waiting"' in second_page.text and 'id="cancel"' in second_page.text
    client.post(f"/jobs/{second}/cancel")
    client.post(f"/jobs/{first}/cancel")
    assert client.get(f"/jobs/{first}").json()["state"] == "cancelled"
    deadline = time.monotonic() + 10
    while client.get(f"/jobs/{second}").json()["state"] != "cancelled":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert client.app.state.jobs.get(second).pid is None  # type: ignore[attr-defined]  # never started


def test_a_diff_runs_as_a_job_and_keeps_it_for_the_plot() -> None:
    client = TestClient(create_app([LLL]))
    page = _wait(client, client.get("/diff", params={"amendment": "uitbreiding_mbo"}))
    assert 'data-state="done"' in page.text and 'id="diff-table"' in page.text
    job = _job_id(page.text)
    # drawing the plot reuses the diff (the same job), it does not start another one
    plot = client.get("/diff", params={"amendment": "uitbreiding_mbo", "job": job, "fact": "door_derde_betaald",
                                       "decision": "recht_op_krediet", "opleiding": "mbo", "leerweg": "bbl"})
    assert _job_id(plot.text) == job and '<figure id="plot">' in plot.text


def test_a_query_with_bad_input_shows_the_diagnostic_from_the_worker() -> None:
    client = TestClient(create_app([LLL]))
    page = _wait(client, client.get("/ask", params={"q": "exists Aanvrager: leeftijd >", "lang": "en"}))
    assert page.status_code == 400 and re.search(r"&lt;query&gt;:1:\d+: error", page.text) and "^" in page.text
    assert 'id="answer"' not in page.text


def test_cancel_and_status_of_an_unknown_job() -> None:
    client = TestClient(create_app([LLL]))
    assert client.get("/jobs/nope").status_code == 404
    assert client.post("/jobs/nope/cancel").status_code == 404
    # a cancel only goes back to a page of this server
    job = _job_id(client.get("/ask", params={"q": "exists Aanvrager: leeftijd > 50"}).text)
    response = client.post(f"/jobs/{job}/cancel", params={"back": "//evil.example/"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_worker_processes_do_not_outlive_a_finished_job() -> None:
    client = TestClient(create_app([LLL]))
    page = _wait(client, client.get("/ask", params={"q": "exists Aanvrager: leeftijd > 50"}))
    pid = client.app.state.jobs.get(_job_id(page.text)).pid  # type: ignore[attr-defined]
    deadline = time.monotonic() + 10
    while not _gone(pid):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert os.getpid() != pid


@pytest.mark.parametrize(("lang", "words"), [("nl", ("het geval:", "is van toepassing")), ("en", ("the case:", "applies"))])
def test_the_clis_explanation_is_quoted_in_the_pages_language(lang: str, words: tuple[str, str]) -> None:
    """The text under an answer is `lexproof query --lang LANG`, line by line (no ␊ marks)."""
    client = TestClient(create_app([LLL]))
    page = _wait(client, client.get("/ask", params={"q": "exists Aanvrager: opleiding = mbo and leerweg = bbl and recht_op_krediet",
                                                    "amendment": "uitbreiding_mbo", "lang": lang})).text
    quoted = re.search(r"<summary>lexproof query</summary><pre>(.*?)</pre>", page, re.S).group(1)
    assert all(word in quoted for word in words) and "␊" not in quoted and quoted.count("\n") > 5
    money = re.search(r"verschuldigd_per_jaar +(€\s?[\d.,]+)", quoted).group(1)
    assert re.fullmatch(r"€\s\d{1,3}(\.\d{3})*,\d\d" if lang == "nl" else r"€\d{1,3}(,\d{3})*\.\d\d", money)


def test_more_cases_like_this_asks_again_with_a_larger_max() -> None:
    client = TestClient(create_app([LLL]))
    question = {"q": "exists Aanvrager: opleiding = mbo and leerweg = bbl and recht_op_krediet", "amendment": "uitbreiding_mbo",
                "lang": "en", "max": "1"}
    one = _wait(client, client.get("/ask", params=question)).text
    assert "Found: a case" in one and one.count('<table class="case">') == 1
    more = re.search(r'<form method="get" action="/ask" class="solver" id="more-form">(.*?)</form>', one, re.S).group(1)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', more))
    assert fields["max"] == "6" and fields["lang"] == "en" and "job" not in fields
    page = _wait(client, client.get("/ask", params={k: v.replace("&amp;", "&") for k, v in fields.items()})).text
    count = page.count('<table class="case">')
    assert 1 < count <= 6 and f"Found: {count} cases" in page
    # every case is one the question asks for
    assert len(re.findall(r"<th>leerweg</th><td>bbl</td>", page)) == count


def test_a_page_reads_one_snapshot_of_its_job() -> None:
    """The worker's thread finishes a job while a page renders it: the page's handler and its
    template must see the same state, or a finished job shows neither its progress nor its answer
    (seen in CI as a 'done' ask page without an answer)."""
    from lexproof.verifier.workbench.jobs import Job

    job = Job(id="1-x", kind="query", args={}, state="running")
    page = job.snapshot()
    job.data, job.state = [{"status": "satisfiable"}], "done"
    assert (page.state, page.data) == ("running", [])
    assert job.snapshot().state == "done" and job.snapshot().data == [{"status": "satisfiable"}]
    assert page.cancel_requested is job.cancel_requested  # cancelling from a page reaches the job


def test_a_diff_job_can_be_cancelled_and_then_shows_no_table() -> None:
    """A cancelled diff shows no rows: a part of them (or none) would read as "nothing changes".
    The cancel comes right after the start, long before the worker has loaded the statute and
    run the solver for the decisions of uitbreiding_mbo (seconds)."""
    client = TestClient(create_app([LLL]))
    started = client.get("/diff", params={"amendment": "uitbreiding_mbo", "lang": "en"})
    job = _job_id(started.text)
    page = client.post(f"/jobs/{job}/cancel", params={"back": str(started.url).split("testserver", 1)[1]})
    assert client.get(f"/jobs/{job}").json()["state"] == "cancelled"
    assert 'data-state="cancelled"' in page.text and "Cancelled: no difference computed" in page.text
    assert 'id="diff-table"' not in page.text and "unchanged" not in page.text
    pid = client.app.state.jobs.get(job).pid  # type: ignore[attr-defined]
    deadline = time.monotonic() + 10
    while pid is not None and not _gone(pid):
        assert time.monotonic() < deadline, f"the worker {pid} still runs after the cancel"
        time.sleep(0.1)
