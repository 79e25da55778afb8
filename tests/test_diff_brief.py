"""``lexproof diff --brief`` (verifier/diff.py ``_brief_part``): per decision only whether anyone
gains, loses or changes otherwise, with one example each.

The brief answers are the full diff's first questions, so they must agree with it decision by
decision and direction by direction (checked here on the bundled amendments and a generated
statute book; tests/test_soundness.py checks them against brute force). What a brief result
must never do is read as a summary: its rows are examples, its counts 'at least', and the
cache keeps it apart from the full result."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_diff_directions import _direction  # one case's direction, written apart from the diff
from test_diff_speed import _write_book  # benchmarks/book.py's statute book

from lexproof.dsl.consolidate import version_on
from lexproof.dsl.evaluator import Evaluator
from lexproof.verifier import api
from lexproof.verifier.cache import ResultCache
from lexproof.verifier.cli import main
from lexproof.verifier.diff import BRIEF_REASON, BRIEF_WHEN
from lexproof.verifier.messages import engine_text

ROOT = Path(__file__).resolve().parent.parent


def _outcome(evaluator: Evaluator, name: str, slot: str) -> tuple[bool, object]:
    result = evaluator.decision(name, None, slot)
    return (True, result.value) if result.defined else (False, None)


def _agree(program, amendment: str) -> set[str]:
    """Brief and full diff of the amendment agree, and each brief example goes its row's way
    when replayed afresh; the decisions that change."""
    full = api.diff(program, amendment=amendment)
    brief = api.diff(program, amendment=amendment, brief=True)
    assert [(r.statute, r.name, r.status) for r in brief] == [(r.statute, r.name, r.status) for r in full]
    for short, whole in zip(brief, full):
        if whole.status != "changed":
            assert short.details.get("rows", []) == []
            continue
        assert short.details["brief"] is True and "brief" not in whole.details
        # Where both decided, the same answer. The full diff asks each direction after
        # summarizing the one before on the same solver, which can leave it 'unknown' (out of
        # budget) where the brief, asking first, decides (then it asks a fresh solver too).
        directions = {d: part["status"] for d, part in short.details["directions"].items()}
        assert directions.keys() == whole.details["directions"].keys()
        for direction, part in whole.details["directions"].items():
            if "unknown" not in (part["status"], directions[direction]):
                assert directions[direction] == part["status"], (short.name, direction)
        rows = short.details["rows"]
        assert [row["direction"] for row in rows] == [d for d, status in directions.items() if status == "some"]
        assert all(row["when"] == BRIEF_WHEN and row["combinations"] == 1 for row in rows)
        for direction, part in short.details["directions"].items():
            if part["status"] == "some":  # never a count of groups: at least one, not complete
                assert (part["combinations"], part["complete"], part["incomplete_reason"]) == (1, False, BRIEF_REASON)
            else:
                assert (part["combinations"], part["complete"]) == (0, True), direction
        statute = program.statutes[short.statute]
        in_force = program.statutes[api.statute_of_amendment(program, amendment).name].amendments[amendment].in_force
        versions = {"before": version_on(statute, in_force, exclude=(amendment,)),
                    "after": version_on(statute, in_force, include=(amendment,))}
        kind = statute.decision_info(short.name).type.kind
        for row, witness in zip(rows, short.witnesses, strict=True):
            if "item" in row:
                continue  # a decision per item: tests/test_diff_items.py replays those item by item
            evaluator = Evaluator(versions, {None: witness.facts[None]})
            way = _direction(kind, _outcome(evaluator, short.name, "before"), _outcome(evaluator, short.name, "after"))
            assert way == row["direction"], (short.name, witness.facts[None])
    return {r.name for r in full if r.status == "changed"}


# What each amendment's text plainly changes (read from the .law files), among all it changes.
@pytest.mark.parametrize("path, amendment, changes", [
    ("statutes/lll", "uitbreiding_mbo", {"opleiding_telt", "recht_op_krediet"}),  # admits bbl, derde leerweg
    ("statutes/lll", "careless_amendment", {"opleiding_telt", "recht_op_krediet"}),  # bol replaced by bbl
    ("statutes/gegevensuitwisseling", "proactieve_dienstverlening_szw", {"grondslag_proactieve_dienstverlening"}),
    ("statutes/kinderopvang", "nieuw_stelsel", {"ontvanger", "toeslag_per_maand"}),  # paid to the organisation
])
def test_brief_diff_agrees_with_the_full_diff(path: str, amendment: str, changes: set[str]) -> None:
    assert changes <= _agree(api.load(ROOT / path), amendment)


def test_brief_diff_of_a_generated_book_agrees_with_the_full_diff(tmp_path: Path) -> None:
    program = api.load(*sorted(_write_book(tmp_path, 100).glob("*.law")))
    assert _agree(program, "voorstel_2027")


def _cli(*args: str, env: dict | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["diff", *args, "-j", "1"], env=env)
    return result.exit_code, result.output


def test_brief_on_the_command_line_in_dutch_and_as_json(tmp_path: Path) -> None:
    path = str(ROOT / "statutes/lll")
    code, text = _cli(path, "--amendment", "uitbreiding_mbo", "--brief", "--no-cache", "--lang", "nl",
                      env={"COLUMNS": "250"})  # no column folded: the texts are asserted whole
    assert code == 0, text
    assert "opleiding_telt verandert: een voorbeeld per richting (--brief)" in text
    assert "een voorbeeld (--brief)" in text
    # per decision: some, or nobody (a proof), never a count of groups
    assert "wie erop vooruitgaat: sommigen; wie erop achteruitgaat: niemand; andere wijzigingen: geen " \
           "(--brief: van elk een voorbeeld, niet de groepen)" in text
    assert "5 van 11 beslissingen gewijzigd (in 2 gaat iemand erop vooruit, in 0 erop achteruit, in 3 verandert het anders; " \
           "--brief); ongewijzigd: leeftijd" in text
    assert "verandering (na - voor)" not in text  # no range of the change: the brief asks none
    assert engine_text(BRIEF_REASON, "nl") == \
        "beknopt: een voorbeeld, de groepen niet opgesomd (zonder --brief; --decision NAAM voor één beslissing)"
    code, data = _cli(path, "--amendment", "uitbreiding_mbo", "--brief", "--no-cache", "--format", "json")
    assert code == 0
    results = {r["name"]: r for r in json.loads(data)["results"]}
    telt = results["opleiding_telt"]
    assert telt["details"]["brief"] is True
    assert telt["details"]["directions"]["loses"] == {"status": "none", "combinations": 0, "complete": True}
    assert telt["details"]["directions"]["gains"]["status"] == "some"
    assert results["leeftijd"]["status"] == "unchanged"


def test_the_cache_keeps_brief_and_full_results_apart(tmp_path: Path) -> None:
    program = api.load(ROOT / "statutes/lll")
    cache = ResultCache(tmp_path / "cache", key_file=tmp_path / "cache-key")
    brief = api.diff(program, amendment="uitbreiding_mbo", brief=True, cache=cache)
    full = api.diff(program, amendment="uitbreiding_mbo", cache=cache)  # after the brief one, with its entries
    assert all("brief" not in r.details for r in full)
    assert any(row["when"] != BRIEF_WHEN for r in full for row in r.details.get("rows", []))
    again = api.diff(program, amendment="uitbreiding_mbo", brief=True, cache=cache)
    assert [r.to_json() for r in again] == [r.to_json() for r in brief]
    assert [r.to_json() for r in api.diff(program, amendment="uitbreiding_mbo", cache=cache)] == \
        [r.to_json() for r in full]


def test_a_released_result_shows_the_same_and_keeps_nothing_evaluated() -> None:
    """``Result.release`` (what a diff of a statute book does with each result once it is known,
    and once it is written) drops what the examples evaluated; the result reads the same."""
    results = [r for r in api.diff(api.load(ROOT / "statutes/lll"), amendment="uitbreiding_mbo")
               if r.status == "changed"]
    assert results
    for result in results:
        shown = result.to_json()  # evaluates the examples' decisions again
        evaluators = [outcomes.evaluator for w in result.witnesses for outcomes in w.outcomes.values()]
        assert any(evaluator._memo for evaluator in evaluators)
        result.release()
        assert not any(evaluator._memo for evaluator in evaluators)
        assert result.to_json() == shown


def test_the_brief_summary_also_when_nothing_changes() -> None:
    """No groups to count even when no decision changed: the brief line, not the full one."""
    code, text = _cli(str(ROOT / "statutes/lll"), "--amendment", "uitbreiding_mbo", "--brief", "--no-cache",
                      "--decision", "leeftijd", "--lang", "en", env={"COLUMNS": "250"})
    assert code == 0, text
    assert text.strip() == "0 of 1 decision changed (someone gains in 0, someone loses in 0, other changes in 0; " \
                           "--brief); unchanged: leeftijd"


# A decision per item whose outcome changes only for the second child (found by the review):
# the first child keeps 'gewoon' (or the same date), so it is no example of a change.
PER_ITEM = """statute Positie
facts Huishouden { hoog: bool }
items kind up to 3 { leeftijd: int 0..17 }
enum Soort { gewoon, bijzonder }
decision soort: Soort per kind [art. 1] otherwise gewoon
rule tweede [art. 1 lid 2]: soort = gewoon if rank(kind by 0) = 2
decision ingang: date per kind [art. 2] otherwise 2020-01-01
rule later [art. 2 lid 2]: ingang = 2021-01-01 if rank(kind by 0) = 2

amendment A amends Positie in force 2027-01-01
  replace rule tweede [art. 1 lid 2]: soort = bijzonder if rank(kind by 0) = 2
  replace rule later [art. 2 lid 2]: ingang = 2022-01-01 if rank(kind by 0) = 2
"""


@pytest.mark.parametrize("brief", [True, False])
def test_an_example_of_a_decision_per_item_is_an_item_that_changes(tmp_path: Path, brief: bool) -> None:
    path = tmp_path / "positie.law"
    path.write_text(PER_ITEM)
    results = {r.name: r for r in api.diff(api.load(path), amendment="A", brief=brief)}
    expected = {"soort": ("gewoon", "bijzonder"), "ingang": ("2021-01-01", "2022-01-01")}
    for name, (before, after) in expected.items():
        rows = results[name].details["rows"]
        assert rows and all(row["direction"] == "changes" for row in rows), name
        for row in rows:
            assert row["item"] == "kind[2]", (name, row)
            assert (row["before"].removeprefix("e.g. "), row["after"].removeprefix("e.g. ")) == (before, after)


def test_a_direction_the_diffs_solver_cannot_decide_is_asked_afresh() -> None:
    """The full diff of nieuw_stelsel summarizes who gains in toeslag_kind, and then its solver
    ran out of budget on 'who loses' (exit 3); a fresh solver proves that nobody does, as the
    brief diff, which asks first, does."""
    program = api.load(ROOT / "statutes/kinderopvang")
    for brief in (False, True):
        result = next(r for r in api.diff(program, amendment="nieuw_stelsel", decisions=["toeslag_kind"], brief=brief))
        directions = {d: part["status"] for d, part in result.details["directions"].items()}
        assert directions == {"gains": "some", "loses": "none", "changes": "none"}, brief
