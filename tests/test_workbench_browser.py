"""The workbench in a real browser: Chromium from the Debian packages (chromium,
chromium-driver; .ci/run installs them), driven by Selenium.

The server is started as `lexproof serve` on a free localhost port. Screenshots of every step
are kept in $LEXPROOF_ARTIFACTS/workbench (default: <tmp>/lexproof-test-artifacts/workbench).
In CI (the CI environment variable is set, as .ci/run does) a missing browser is a failure,
never a skip: the walk-through must have run."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(os.environ.get("LEXPROOF_ARTIFACTS", Path(tempfile.gettempdir()) / "lexproof-test-artifacts")) / "workbench"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


def _missing(what: str) -> None:
    message = f"{what}: install it with `apt-get install -y chromium chromium-driver` (and pip install -e '.[dev]')"
    if os.environ.get("CI"):
        pytest.fail("the browser test cannot run in CI: " + message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(paths: list[str], *options: str) -> Iterator[str]:
    """`lexproof serve PATHS` on a free localhost port, until the tests are done."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    process = subprocess.Popen([sys.executable, "-m", "lexproof", "serve", *paths, "--port", str(port), *options],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/static/workbench.css", timeout=2)  # noqa: S310 - localhost
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail("lexproof serve stopped: " + process.stdout.read().decode(errors="replace"))
                time.sleep(0.2)
        else:
            pytest.fail("lexproof serve did not answer within 60 s")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    yield from _serve([str(ROOT / "statutes" / "lll")])


@pytest.fixture(scope="module")
def extras(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server for the statutes of the other browser tests: one with repeated items
    (Kindregeling) and one whose question runs until it is cancelled (Hard), with a budget of
    1,000 s per solver call."""
    from test_workbench_forms import KINDREGELING
    from test_workbench_jobs import HARD

    folder = tmp_path_factory.mktemp("statutes")
    (folder / "kind.law").write_text(KINDREGELING, encoding="utf-8")
    (folder / "hard.law").write_text(HARD, encoding="utf-8")
    yield from _serve([str(folder)], "--timeout", "1000")


@pytest.fixture(scope="module")
def browser():
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _missing("selenium is not installed")
    if not CHROMIUM or not DRIVER:
        _missing("chromium or chromedriver is not installed")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1600",
                     "--lang=nl"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(600)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()


def _shot(driver, name: str) -> None:
    path = ARTIFACTS / f"{name}.png"
    assert driver.save_screenshot(str(path)), f"no screenshot written to {path}"


def _fill_case(driver, values: dict[str, str]) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    for name, value in values.items():
        element = driver.find_element(By.ID, f"f-{name}")
        if element.tag_name == "select":
            Select(element).select_by_value(value)
        elif element.get_attribute("type") == "date":  # typing into a date field depends on the locale
            driver.execute_script("arguments[0].value = arguments[1]", element, value)
        else:
            element.clear()
            element.send_keys(value)


def _submit(driver, button: str) -> None:
    """Click a submit button and wait until the next page has replaced this one (solver calls
    may take a while on a loaded machine)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, button).click()
    WebDriverWait(driver, 600, poll_frequency=0.3).until(lambda _: _replaced(page))
    _job_done(driver)
    errors = driver.find_elements(By.ID, "errors")
    assert not errors, "the page shows errors: " + errors[0].text


def _replaced(element) -> bool:
    """Whether the page that held ``element`` has been replaced. Selenium's ``staleness_of``
    knows only StaleElementReferenceException; Chromium sometimes answers a question about a
    node of a document it has just replaced with "Node with given id does not belong to the
    document" (a plain WebDriverException), which means the same: the old page is gone."""
    from selenium.common.exceptions import WebDriverException

    try:
        element.is_enabled()
        return False
    except WebDriverException:
        return True


ACTIVE_JOB = """var job = document.getElementById('job');
return document.readyState === 'complete' && !(job && ['running', 'waiting'].indexOf(job.dataset.state) >= 0);"""


def _job_state(driver) -> str | None:
    """The state of the page's job (None while the page is being replaced)."""
    from selenium.common.exceptions import WebDriverException

    try:
        return driver.execute_script("var j = document.getElementById('job'); return j && j.dataset.state")
    except WebDriverException:
        return None


def _click(driver, element_id: str) -> bool:
    """Click an element of a page that may be replacing itself; False to try again."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By

    try:
        driver.find_element(By.ID, element_id).click()
        return True
    except WebDriverException:
        return False


def _job_done(driver, seconds: float = 600) -> None:
    """Wait until the page's job (a question, diff or check) has finished: its page reloads
    itself every second while the job runs."""
    from selenium.common.exceptions import JavascriptException, WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    def done(d) -> bool:
        try:
            return bool(d.execute_script(ACTIVE_JOB))
        except (JavascriptException, WebDriverException):  # the page was just replacing itself
            return False

    WebDriverWait(driver, seconds, poll_frequency=0.3).until(done)


def _outcome(driver, decision: str) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, f"#outcome-{decision} td.value").text


def test_walk_through(server: str, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    # 1. The statute by article
    browser.get(server + "/")
    assert "Wet studiefinanciering 2000" in browser.find_element(By.TAG_NAME, "h1").text
    assert browser.find_element(By.ID, "WSF2000--art-3.16b").is_displayed()
    _shot(browser, "1-statute")

    # 2. The bbl student of 40, before and after uitbreiding_mbo (lll.law / uitbreiding_mbo.law)
    bbl = {"geboortedatum": "1985-06-15", "opleiding": "mbo", "leerweg": "bbl", "instelling": "bekostigd",
           "verschuldigd_per_jaar": "800", "door_derde_betaald": "0"}
    browser.get(server + "/case")
    _fill_case(browser, bbl)
    date = browser.find_element(By.ID, "date")
    browser.execute_script("arguments[0].value = '2026-01-01'", date)
    _submit(browser, "evaluate")
    assert _outcome(browser, "recht_op_krediet") == "false"
    assert _outcome(browser, "leeftijd") == "40"
    _shot(browser, "2-case-before")
    Select(browser.find_element(By.ID, "amendment")).select_by_value("uitbreiding_mbo")
    _submit(browser, "evaluate")
    assert _outcome(browser, "recht_op_krediet") == "true"
    assert _outcome(browser, "referentie") == "lcw_lesgeld"
    # 5 x the lesgeld of 2027-2028, which is not known: no amount is made up
    assert "onbepaald" in _outcome(browser, "max_krediet")  # the page is Dutch: "undefined"
    _shot(browser, "3-case-after")
    # the trace links each rule to its article on the statute page
    browser.find_element(By.CSS_SELECTOR, "#outcome-recht_op_krediet a").click()
    assert browser.current_url.endswith("#WSF2000--art-3.16b")

    # 3. Ask: a counterexample after the amendment, no case before it
    question = "exists Aanvrager: opleiding = mbo and leerweg = bbl and recht_op_krediet"
    browser.get(server + "/ask")
    browser.find_element(By.ID, "q").send_keys(question)
    Select(browser.find_element(By.ID, "amendment")).select_by_value("uitbreiding_mbo")
    _submit(browser, "ask")
    answer = browser.find_element(By.ID, "answer")
    assert "satisfiable" in answer.get_attribute("class").split() and "bbl" in answer.text
    _shot(browser, "4-ask-counterexample")
    browser.get(server + "/ask")
    browser.find_element(By.ID, "q").send_keys(question)
    browser.execute_script("arguments[0].value = '2026-01-01'", browser.find_element(By.ID, "date"))
    _submit(browser, "ask")
    answer = browser.find_element(By.ID, "answer")
    assert "unsatisfiable" in answer.get_attribute("class").split() and "Geen geval" in answer.text
    _shot(browser, "5-ask-no-case")

    # 4. What changes: the diff of uitbreiding_mbo and its plot
    browser.get(server + "/diff")
    Select(browser.find_element(By.ID, "amendment")).select_by_value("uitbreiding_mbo")
    _submit(browser, "show-diff")
    gains = browser.find_elements(By.CSS_SELECTOR, "#diff-recht_op_krediet + p + table tr.gains")
    assert gains and "bbl" in gains[0].text
    Select(browser.find_element(By.ID, "fact")).select_by_value("door_derde_betaald")
    Select(browser.find_element(By.ID, "decision")).select_by_value("recht_op_krediet")
    browser.find_element(By.CSS_SELECTOR, "#plot-form details summary").click()
    _fill_case(browser, bbl)
    _submit(browser, "draw-plot")
    svg = browser.find_element(By.CSS_SELECTOR, "#plot svg")
    assert svg.size["width"] > 100 and len(browser.find_elements(By.CSS_SELECTOR, "#plot polyline")) >= 2
    browser.execute_script("arguments[0].scrollIntoView()", svg)
    _shot(browser, "6-diff-plot")

    # 5. The language switch
    browser.find_element(By.ID, "lang-switch").click()
    assert browser.find_element(By.ID, "lang-switch").text == "Nederlands"
    assert "What changes" in browser.find_element(By.TAG_NAME, "nav").text
    _shot(browser, "7-english")
    assert len(list(ARTIFACTS.glob("*.png"))) >= 7


def test_cancel_a_question(extras: str, browser) -> None:
    """A question that would run for minutes shows its progress and a cancel button; the
    cancel stops it and the page says so: no answer, never "no case"."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    from test_workbench_jobs import HARD_QUESTION

    browser.get(extras + "/ask?statute=Hard")
    browser.find_element(By.ID, "q").send_keys(HARD_QUESTION)
    browser.find_element(By.ID, "ask").click()
    WebDriverWait(browser, 120, poll_frequency=0.3).until(lambda d: _job_state(d) == "running")
    _shot(browser, "8-question-running")
    # the page reloads itself every second while the job runs: click the button of the page shown now
    WebDriverWait(browser, 60, poll_frequency=0.3).until(lambda d: _click(d, "cancel"))
    WebDriverWait(browser, 60, poll_frequency=0.3).until(lambda d: _job_state(d) == "cancelled")
    text = browser.find_element(By.TAG_NAME, "main").text
    assert "Afgebroken: geen antwoord" in text and "Geen geval" not in text
    assert not browser.find_elements(By.ID, "answer")
    _shot(browser, "9-question-cancelled")


def test_completion_suggests_a_fact_name(extras: str, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(extras + "/ask?statute=Kindregeling")
    box = browser.find_element(By.ID, "q")
    box.send_keys("exists Huishouden: ink")
    suggestions = browser.find_element(By.ID, "suggestions")
    assert suggestions.is_displayed()
    first = suggestions.find_elements(By.TAG_NAME, "li")[0]
    assert first.text.split()[0] == "inkomen" and "fact" in first.text
    _shot(browser, "10-completion")
    box.send_keys(Keys.ENTER)
    assert box.get_attribute("value") == "exists Huishouden: inkomen"
    assert not suggestions.is_displayed()


def test_an_item_row_is_added_in_the_case_form(extras: str, browser) -> None:
    """Two children added to the form, the second with the most hours: €100 + €150 = €250
    (the Kindregeling of docs/language.md, art. 2 and 4)."""
    from selenium.webdriver.common.by import By

    browser.get(extras + "/case?statute=Kindregeling")
    browser.execute_script("arguments[0].value = '2025-01-01'", browser.find_element(By.ID, "date"))
    _fill_case(browser, {"inkomen": "30000"})
    assert not browser.find_elements(By.CSS_SELECTOR, ".item-row")
    _submit(browser, "add-kind")
    assert [row.get_attribute("id") for row in browser.find_elements(By.CSS_SELECTOR, ".item-row")] == ["row-kind[0]"]
    _fill_case(browser, {"kind[0].leeftijd": "3", "kind[0].uren": "100"})
    _submit(browser, "add-kind")
    _fill_case(browser, {"kind[1].leeftijd": "7", "kind[1].uren": "120"})
    _submit(browser, "add-kind[0].contract")
    assert browser.find_element(By.ID, "f-kind[0].contract[0].uurprijs").is_displayed()
    _shot(browser, "11-items-form")
    _submit(browser, "evaluate")
    assert _outcome(browser, "toeslag") == "€250,00"
    per_item = browser.find_element(By.ID, "item-outcomes").text
    assert "kind[2] per_kind €150,00" in per_item
    _shot(browser, "12-items-outcome")
