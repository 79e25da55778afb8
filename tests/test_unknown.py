"""Soundness under 'unknown': when the solver gives up, no answer may turn into proved, clean,
none found, unchanged or complete (issue 11, item 2), and 'claim a implies b' with an
impossible 'a' is vacuous like 'assume a' (item 4).

The solver stand-in (``Forcing``) answers 'unknown' at chosen solver calls and passes every
other call to z3. It covers every way verifier/ asks a solver: ``z3.Solver.check`` (behind
``lexproof.verifier.solving.check``, which calls ``Z3_solver_check_assumptions`` directly), the C call of ``regions._Checker`` and ``z3.Optimize.check``
(``readable_model``, range optimization). Each scenario runs once as is (the baseline, whose
answers were checked by hand below), then once per call N with call N answering 'unknown'
(and once with every call from N on answering 'unknown'), and each run must be a weakening of
the baseline:

- every result is either 'unknown' or has the status of the same result (kind, name) in the
  baseline: nothing is proved, found clean or unchanged that the baseline did not say, and no
  finding appears from nowhere;
- every result of the baseline is still there, with its status or as 'unknown' (a finding that
  silently disappears is a "none found" the solver never established);
- a region (gap, diff) or a list of query cases that says it is complete is the baseline's;
- ``api.check`` stores nothing in the cache when a result is unknown or incomplete, and the exit
  code is 3 when something is unknown and nothing failed.

Both polarities matter: mapping 'unknown' to 'unsat' shows only where the true answer is 'sat',
so the scenarios have findings and clean decisions, proofs and counterexamples. Each scenario
also asserts which call sites it reached (``SITES``), so a call site cannot go untested.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import z3
from click.testing import CliRunner

import lexproof.verifier.regions
from lexproof.verifier import api, solving
from lexproof.verifier.cache import ResultCache
from lexproof.verifier.cli import main
from lexproof.verifier.results import EXIT_FAILED, EXIT_OK, EXIT_UNKNOWN, Result, exit_code

DAY = "2025-01-01"
DEFINITIVE = {"proved", "clean", "unchanged", "unsatisfiable", "vacuous", "passed"}

# --- the solver stand-in ----------------------------------------------------------------------

_WRAPPERS = {"check", "__call__", "_check", "_holds"}  # the helpers between a call site and z3


def _call_site() -> str:
    """The verifier/ function that asked (past the check helpers of solving.py and regions.py)."""
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_name
        if "/verifier/" in frame.f_code.co_filename.replace("\\", "/") and name not in _WRAPPERS:
            return name
        frame = frame.f_back
    return "?"


@dataclass
class Forcing:
    """Counts solver calls; answers 'unknown' at calls ``at`` .. ``at + width - 1`` (1-based),
    or from ``at`` on. A width of 2 also defeats a retry (regions._Summary asks a fresh solver
    once more when a step-limited query runs out)."""

    at: int | None = None
    onwards: bool = False
    width: int = 1
    calls: int = 0
    sites: list[str] = field(default_factory=list)  # the call site of each call, in order
    forced_sites: set[str] = field(default_factory=set)

    def forced(self) -> bool:
        self.calls += 1
        self.sites.append(_call_site())
        hit = self.at is not None and self.calls >= self.at and (self.onwards or self.calls < self.at + self.width)
        if hit:
            self.forced_sites.add(self.sites[-1])
        return hit

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        solver_check, optimize_check = z3.Solver.check, z3.Optimize.check
        c_check = lexproof.verifier.regions.Z3_solver_check_assumptions

        def fake_solver_check(solver, *assumptions):
            return z3.unknown if self.forced() else solver_check(solver, *assumptions)

        def fake_optimize_check(optimizer, *assumptions):
            return z3.unknown if self.forced() else optimize_check(optimizer, *assumptions)

        def fake_c_check(ctx, solver, count, array):
            return z3.Z3_L_UNDEF if self.forced() else c_check(ctx, solver, count, array)

        monkeypatch.setattr(z3.Solver, "check", fake_solver_check)
        monkeypatch.setattr(z3.Optimize, "check", fake_optimize_check)
        monkeypatch.setattr(lexproof.verifier.regions, "Z3_solver_check_assumptions", fake_c_check)
        # solving.check hands its assumptions to the same C call (issue 18: one array, not z3py's
        # per-assumption conversion), so it is forced there too
        monkeypatch.setattr(lexproof.verifier.solving, "Z3_solver_check_assumptions", fake_c_check)


def _run(monkeypatch: pytest.MonkeyPatch, action: Callable[[], list[Result]], forcing: Forcing) -> list[Result]:
    with monkeypatch.context() as patch:
        forcing.install(patch)
        return action()


# --- what a run may say, given the baseline -----------------------------------------------------


def _key(result: Result) -> tuple[str, str]:
    return (result.kind, result.name)


def _rows(result: Result) -> list[str] | None:
    """What a complete region (or list of cases) claims, or None when it does not claim it."""
    if result.details.get("complete") is False:
        return None
    if result.kind == "gap" and "region" in result.details:
        return sorted(result.details["region"])
    if result.kind == "diff" and "rows" in result.details:
        return sorted(row["when"] for row in result.details["rows"])
    if result.kind == "query" and result.status == "satisfiable":
        return [str(len(result.witnesses))]
    return None


def _dead_rule_undecided(key: tuple[str, str], before: dict, after: dict) -> bool:
    """A dead rule is not checked for redundancy (it is reported as dead); when whether it is
    dead is unknown, it is, and found redundant, which a dead rule is: a true finding."""
    dead = ("dead", key[1])
    return key[0] == "redundant" and dead in before and before[dead].status == "dead" \
        and dead in after and after[dead].status == "unknown"


def assert_weakening(baseline: list[Result], forced: list[Result], where: str) -> None:
    before = {_key(r): r for r in baseline}
    after = {_key(r): r for r in forced}
    for key, result in after.items():
        if result.status == "unknown" or _dead_rule_undecided(key, before, after):
            continue
        assert key in before, f"{where}: {key} ({result.status}) appears only when the solver gives up"
        assert result.status == before[key].status, (
            f"{where}: {key} says {result.status} where the solver's answer is {before[key].status}")
        rows = _rows(result)
        if rows is not None:
            assert rows == _rows(before[key]), f"{where}: {key} claims a complete region it does not have"
    for key, result in before.items():
        assert key in after, f"{where}: {key} ({result.status}) disappeared when the solver gave up"


# --- scenarios ----------------------------------------------------------------------------------

# Built-in checks, worked out by hand:
# - c: rule een (c = 1) and twee (c = 2 if x > 5) conflict for x in 6..10;
# - d: rules for x < 3 and x > 7 only (no otherwise): a gap for x in 3..7;
# - e: 'nooit' needs x > 8 and x < 2 (dead); 'dubbel' (e = true if x > 8) repeats what
#   'basis' (x > 5) decides (redundant);
# - g: 'laag' is always overridden by 'hoog' (dead); b and not b are covered (no gap);
# - f: clean (exclusive conditions x <= 5 / x > 5, with otherwise).
CHECKS = """
statute S
facts F { x: int 0..10  b: bool }
decision c: int [art. 1]
rule een [art. 1 lid 1]: c = 1
rule twee [art. 1 lid 2]: c = 2 if x > 5
decision d: int [art. 2]
rule klein [art. 2 lid 1]: d = 1 if x < 3
rule groot [art. 2 lid 2]: d = 2 if x > 7
decision e: bool [art. 3] otherwise false
rule basis [art. 3 lid 1]: e = true if x > 5
rule dubbel [art. 3 lid 2]: e = true if x > 8
rule nooit [art. 3 lid 3]: e = true if x > 8 and x < 2
decision g: int [art. 4]
rule laag [art. 4 lid 1]: g = 1 if b
rule hoog [art. 4 lid 2] except laag: g = 2 if b
rule anders [art. 4 lid 3]: g = 3 if not b
decision f: int [art. 5] otherwise 0
rule onder [art. 5 lid 1]: f = 1 if x <= 5
rule boven [art. 5 lid 2]: f = 2 if x > 5
"""

# Properties: a proof with premises, a counterexample, a vacuous premise, a vacuous 'implies'
# (x > 20 is outside 0..10), a proof over two versions (the second tries the first's basis,
# in which 'grens = 6' is new and needed: see properties._without_new_padding), and
# a proved 'implies' whose condition can hold.
PROPERTIES = """
statute P
facts F { x: int 0..10  b: bool }
parameter grens: int [art. 1] = 5 from 2020-01-01 = 6 from 2024-01-01
decision r: bool [art. 2] otherwise false
rule regel [art. 2 lid 1]: r = true if x > grens and b
decision s: int [art. 3] otherwise 0
rule hoog [art. 3 lid 1]: s = 2 if r
property bewezen [on 2025-01-01]: for every F assume not b claim not r
property fout [on 2025-01-01]: for every F claim r implies x > 8
property leeg [on 2025-01-01]: for every F assume x > 6 and x < 4 claim r
property leeg_implies [on 2025-01-01]: for every F claim x > 20 implies r
property twee_versies [on 2022-01-01, on 2025-01-01]: for every F claim r implies x > 4
property echt_implies [on 2025-01-01]: for every F claim r implies x > 5
"""

# A diff with numeric and bool outcomes: 'k' changes for x > 5 (2 -> 3); 'm' (a money amount)
# changes for every x; 'n' stays the same.
DIFF = """
statute D
facts F { x: int 0..10  b: bool  loon: money €0..€100_000 }
decision k: int [art. 1] otherwise 0
rule k_regel [art. 1 lid 1]: k = 2 if x > 5
decision m: money [art. 2]
rule m_regel [art. 2 lid 1]: m = 10% * loon
decision n: bool [art. 3] otherwise false
rule n_regel [art. 3 lid 1]: n = true if b
amendment wijziging "test" amends D in force 2026-01-01
replace rule k_regel [art. 1 lid 1]: k = 3 if x > 5
replace rule m_regel [art. 2 lid 1]: m = 20% * loon - €100
"""


def _program(tmp_path: Path, text: str, name: str = "s.law"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return api.load(path)


def _baseline_checks(results: list[Result]) -> dict[tuple[str, str], str]:
    return {(r.code or r.kind, r.name): r.status for r in results}


def test_baselines_are_the_hand_worked_answers(tmp_path: Path) -> None:
    """The scenarios' answers without forcing, as worked out by hand in the comments above:
    the weakening checks below compare against these."""
    checks = api.check(_program(tmp_path, CHECKS), date=DAY, properties=False, examples=False)
    assert _baseline_checks(checks) == {
        ("LP101", "c: een / twee"): "conflict",
        ("LP102", "d"): "gap",
        ("LP104", "dubbel"): "redundant",
        ("LP103", "nooit"): "dead",
        ("LP103", "laag"): "dead",
    }
    gap = next(r for r in checks if r.kind == "gap")
    assert gap.details["region"] == ["x 3..7"] and gap.details["complete"]
    props = api.check(_program(tmp_path, PROPERTIES, "p.law"), date=DAY, builtin=False, examples=False)
    assert {r.name: r.status for r in props} == {
        "bewezen": "proved", "fout": "counterexample", "leeg": "vacuous", "leeg_implies": "vacuous",
        "twee_versies": "proved", "echt_implies": "proved",
    }
    diffs = api.diff(_program(tmp_path, DIFF, "d.law"), amendment="wijziging")
    assert {r.name: r.status for r in diffs} == {"k": "changed", "m": "changed", "n": "unchanged"}
    k = next(r for r in diffs if r.name == "k")  # 2 -> 3 exactly where x > 5
    assert [row["when"] for row in k.details["rows"]] == ["x 6..10"] and k.details["complete"]


@dataclass
class Scenario:
    name: str
    text: str
    run: Callable[[object, ResultCache | None], list[Result]]
    sites: set[str]  # the call sites it must reach


SCENARIOS = [
    Scenario(
        "checks", CHECKS,
        lambda program, cache: api.check(program, date=DAY, properties=False, examples=False, cache=cache),
        {"_conflicts", "_gaps", "_dead_rules", "_redundant_rules", "summarize", "_refine", "_end",
         "readable_model"},
    ),
    Scenario(
        "properties", PROPERTIES,
        lambda program, cache: api.check(program, date=DAY, builtin=False, examples=False, cache=cache),
        {"_check_in", "add_definedness_lemmas", "_without_new_padding", "_antecedent_vacuity",
         "readable_model"},
    ),
    Scenario(
        "query", CHECKS,
        lambda program, _cache: [api.query(program, "exists F: c = 2 or d = 1", date=DAY, max_cases=3)],
        {"run_query", "readable_model"},
    ),
    Scenario(
        "query-none", CHECKS,
        lambda program, _cache: [api.query(program, "exists F: f = 1 and x > 5", date=DAY)],
        {"run_query"},
    ),
    Scenario(
        "diff", DIFF,
        lambda program, _cache: api.diff(program, amendment="wijziging"),
        {"_diff_decision", "summarize", "_refine", "_end", "readable_model"},
    ),
]


def _cache_entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json")) if folder.exists() else []


@pytest.mark.parametrize(("width", "onwards"), [(1, False), (2, False), (1, True)],
                         ids=["at-N", "at-N-and-next", "from-N-on"])
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_unknown_at_every_solver_call_is_never_a_stronger_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scenario: Scenario, width: int, onwards: bool,
) -> None:
    program = _program(tmp_path, scenario.text)
    counting = Forcing()
    baseline = _run(monkeypatch, lambda: scenario.run(program, None), counting)
    assert counting.calls > 0
    missing = scenario.sites - set(counting.sites)
    assert not missing, f"the scenario no longer reaches {missing}"
    # When a search is forced to give up, the verifier falls back on z3's Optimize (a diff's
    # bound, a range's end), which runs into its own wall-clock cap on these statutes (2-5 s, in
    # each of ~165 runs of diff at-N-and-next). How soon it gives up is not what this test is
    # about: an optimizer that gives up is one more "unknown", and the assertions below hold for
    # any answer it gives. Only the forced runs get the short cap: a baseline cut short could
    # make a forced run look stronger than it.
    monkeypatch.setattr(solving.limits, "optimize_ms", 200)
    monkeypatch.setattr(solving.limits, "diff_bound_ms", 200)
    reached: set[str] = set()
    for at in range(1, counting.calls + 1):
        forcing = Forcing(at=at, onwards=onwards, width=width)
        cache_dir = tmp_path / f"cache{at}"
        forced = _run(monkeypatch, lambda cache_dir=cache_dir: scenario.run(program, ResultCache(cache_dir)), forcing)
        reached |= forcing.forced_sites
        where = (f"{scenario.name}, unknown at call {at}{' on' if onwards else ''}{' and next' if width > 1 else ''}"
                 f" ({counting.sites[at - 1]})")
        assert_weakening(baseline, forced, where)
        inconclusive = [r for r in forced if r.inconclusive or r.details.get("complete") is False]
        if inconclusive:
            assert not _cache_entries(cache_dir), f"{where}: an inconclusive run was cached"
        if any(r.inconclusive for r in forced):
            failed = any(not r.as_expected and not r.inconclusive for r in forced)
            assert exit_code(forced) == (EXIT_FAILED if failed else EXIT_UNKNOWN), where
    assert scenario.sites <= reached


def test_every_decisive_call_turns_into_unknown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The other polarity, per call site: where the solver's answer decides a result, forcing
    'unknown' there makes that result 'unknown' (not the baseline's answer, which a check
    mapping 'unknown' to the baseline's answer would give)."""
    program = _program(tmp_path, CHECKS)
    run = SCENARIOS[0].run
    counting = Forcing()
    _run(monkeypatch, lambda: run(program, None), counting)
    decisive = {"_gaps", "_dead_rules", "_redundant_rules"}
    pairs = 0
    for at, site in enumerate(counting.sites, start=1):
        if site not in decisive:
            continue
        forced = _run(monkeypatch, lambda: run(program, None), Forcing(at=at))
        assert any(r.status == "unknown" for r in forced), f"unknown at call {at} ({site}) left no trace"
        pairs += 1
    # (fewer than the solver calls of old: a dead or redundant rule question whose answer a
    # random case run through the evaluator already shows is not asked, verifier/witness_search.py)
    assert pairs >= 5


# --- the reproductions ------------------------------------------------------------------

CONFLICT = """
statute T
facts F { x: int 0..10 }
decision c: int [art. 1]
rule a [art. 1]: c = 1
rule b [art. 2]: c = 2 if x > 5
"""

# A dead rule (b) and a redundant one (r): only the solver can establish these (a case run
# through the evaluator shows a rule alive or needed, never dead or redundant, so
# verifier/witness_search.py does not answer for them).
DEAD_AND_REDUNDANT = """
statute T
facts F { x: int 0..10 }
decision c: int [art. 1] otherwise 0
rule a [art. 1]: c = 1 if x > 5
rule b [art. 2]: c = 2 if x > 7 and x < 3
rule r [art. 3]: c = 0 if x < 2
"""


@pytest.mark.parametrize("kind", ["conflict", "dead", "redundant"])
def test_zero_budget_check_exits_3_and_caches_nothing(tmp_path: Path, kind: str) -> None:
    """Issue 11 item 2: with a budget too small to decide anything, `check` exited 0 ('no
    conflict'), cached that, and the dead-rule check crashed (KeyError: 'rule', exit 4)."""
    law = tmp_path / "c.law"
    law.write_text(CONFLICT if kind == "conflict" else DEAD_AND_REDUNDANT, encoding="utf-8")
    cache = tmp_path / "cache"
    result = CliRunner().invoke(main, ["check", str(law), "--only", kind, "--timeout", "0.0001", "--jobs", "1",
                                       "--date", DAY, "--format", "json"], env={"LEXPROOF_CACHE": str(cache)})
    assert result.exit_code == EXIT_UNKNOWN, result.output
    assert '"status": "unknown"' in result.stdout
    assert not _cache_entries(cache)
    # With the default budget the same run decides: a conflict for 'conflict' (exit 1); the dead
    # rule b, the redundant rule r (warnings: exit 0); and then it is cached.
    decided = CliRunner().invoke(main, ["check", str(law), "--only", kind, "--jobs", "1", "--date", DAY],
                                 env={"LEXPROOF_CACHE": str(cache)})
    assert decided.exit_code == (EXIT_FAILED if kind == "conflict" else EXIT_OK), decided.output
    if kind != "conflict":
        assert f"{kind} b" in decided.output or f"{kind} r" in decided.output, decided.output
    assert len(_cache_entries(cache)) == 1


def test_unknown_dead_or_redundant_check_is_not_as_expected() -> None:
    """A warning-severity check the solver could not decide establishes nothing: exit 3."""
    from lexproof.dsl.source import Span

    result = Result("dead", "r", "unknown", Span("s.law", 1, 1, 1, 2), code="LP103", severity="warning")
    assert not result.as_expected
    assert exit_code([result]) == EXIT_UNKNOWN


def test_always_overridden_branch_reports_unknown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The "always overridden" question (can the rule fire, given it can hold?) used to skip
    the rule on 'unknown'; 'laag' is always overridden, so it must come out unknown, not vanish."""
    program = _program(tmp_path, CHECKS)

    def dead_only() -> list[Result]:
        return api.check(program, date=DAY, properties=False, examples=False, only=("dead",))

    counting = Forcing()
    _run(monkeypatch, dead_only, counting)
    laag = [at for at, site in enumerate(counting.sites, start=1) if site == "_dead_rules"]
    unknown_laag = 0
    for at in laag:
        statuses = {r.name: r.status for r in _run(monkeypatch, dead_only, Forcing(at=at))}
        assert statuses.get("laag") in ("dead", "unknown") and statuses.get("nooit") in ("dead", "unknown")
        unknown_laag += statuses["laag"] == "unknown"
    assert unknown_laag == 2  # its two questions: can its condition hold, can it fire


# --- item 4: a vacuous 'implies' --------------------------------------------------------------

VACUOUS = """
statute V
facts F { x: int 0..10  b: bool }
decision c: bool [art. 1] otherwise false
rule a [art. 1 lid 1]: c = true if x > 5
decision y: int [art. 2]
rule y_regel [art. 2 lid 1]: y = x if b
property buiten_bereik [on 2025-01-01]: for every F claim x > 20 implies c
property door_regels [on 2025-01-01]: for every F claim c and x < 3 implies b
property geketend [on 2025-01-01]: for every F claim x > 7 implies x < 4 implies c
property met_premisse [on 2025-01-01]: for every F assume x < 5 claim c implies b
property verwacht [on 2025-01-01] expect vacuous: for every F claim x > 20 implies c
property echt [on 2025-01-01]: for every F claim c implies x > 5
property genest [on 2025-01-01]: for every F claim b or (x > 20 implies c)
property ongedefinieerd [on 2025-01-01]: for every F claim y > 20 implies c
"""


def test_an_impossible_implies_condition_is_vacuous_like_assume(tmp_path: Path) -> None:
    """Issue 11 item 4: each claim below held for every case only because the condition before
    'implies' never holds (worked out by hand), and it was reported 'proved'."""
    results = {r.name: r for r in api.check(_program(tmp_path, VACUOUS), date=DAY, builtin=False, examples=False)}
    # x is 0..10: x > 20 never holds (the ranges alone: no basis).
    assert results["buiten_bereik"].status == "vacuous"
    assert "the condition before 'implies' can never hold" in results["buiten_bereik"].message
    assert results["buiten_bereik"].details["basis"] == []
    # c is true only where rule a applies (x > 5; elsewhere 'otherwise false'): c and x < 3
    # never holds, because of rule a and the default, which are cited.
    assert results["door_regels"].status == "vacuous"
    assert results["door_regels"].articles == ["art. 1 V: c otherwise", "art. 1 lid 1 V (rule a)"]
    # a implies (b implies c): the conditions x > 7 and x < 4 together never hold.
    assert results["geketend"].status == "vacuous"
    # with the premise x < 5, c (x > 5) never holds: vacuous together with the premises.
    assert results["met_premisse"].status == "vacuous"
    assert "together with the premises" in results["met_premisse"].message
    assert results["verwacht"].status == "vacuous" and results["verwacht"].as_expected
    # c can hold (x = 6..10), and then x > 5: a real proof.
    assert results["echt"].status == "proved"
    # Only the top-level implication counts: under 'or' it is one condition among others (here
    # always true, since x > 20 never holds), so the claim is proved, not vacuous (as
    # docs/checks.md says).
    assert results["genest"].status == "proved"
    # y is undefined when b is false: then 'y > 20' is undefined and so is the claim: a
    # counterexample, whatever the condition (documented).
    assert results["ongedefinieerd"].status == "counterexample"


def test_vacuous_implies_cli_exit_code(tmp_path: Path) -> None:
    law = tmp_path / "v.law"
    law.write_text("""
statute V
facts F { x: int 0..10 }
decision c: bool [art. 1] otherwise false
rule a [art. 1 lid 1]: c = true if x > 5
property p [on 2025-01-01]: for every F claim x > 20 implies c
""", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(law), "--no-builtin", "--no-cache", "--jobs", "1"])
    assert result.exit_code == EXIT_FAILED, result.output
    assert "vacuous" in result.stdout and "proved" not in result.stdout



# --- the rest of their kind ---------------------------------------------------------------------

UNDEFINED_THIRD_RULE = """
statute U
facts F { x: int 0..10 }
decision g: int [art. 9]
rule g1 [art. 9]: g = 1 if x > 5
decision c: int [art. 1] otherwise 0
rule a [art. 1]: c = 1 if x < 3
rule b [art. 2]: c = 2 if x < 3
rule z [art. 3]: c = 3 if g = 1
"""


def test_a_clash_is_found_where_a_third_rules_condition_is_undefined(tmp_path: Path) -> None:
    """Rules a and b both apply for x < 3 and disagree (1 vs 2). There g is undecided (its only
    rule needs x > 5), so rule z's condition is undefined. The conflict check required every
    condition of the decision to be defined, and so said "no conflict" (exit 0 with --only
    conflict) for two rules that plainly contradict each other."""
    results = api.check(_program(tmp_path, UNDEFINED_THIRD_RULE), date=DAY, properties=False, examples=False,
                        only=("conflict",))
    assert [(r.name, r.status) for r in results] == [("c: a / b", "conflict")]
    case = results[0].witnesses[0].facts[None]
    assert case["x"] < 3
    assert "here c is undefined all the same" in results[0].message


@pytest.mark.parametrize("command", [
    ["check", "--jobs", "1"],
    ["query", "exists F: c = 2 or d = 1"],
    ["diff", "--amendment", "wijziging", "--jobs", "1"],
])
def test_a_solver_that_always_gives_up_makes_every_command_exit_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str],
) -> None:
    """Every command, every output format: nothing but 'unknown' (exit 3), nothing cached."""
    law = tmp_path / "s.law"
    law.write_text(DIFF if command[0] == "diff" else CHECKS + PROPERTIES.replace("statute P", "statute P2"),
                   encoding="utf-8")
    cache = tmp_path / "cache"
    args = [command[0], str(law), *command[1:]] if command[0] != "query" else ["query", str(law), "--statute", "S",
                                                                              "--date", DAY, command[1]]
    for output_format in ("json", "human"):
        with monkeypatch.context() as patch:
            Forcing(at=1, onwards=True).install(patch)
            result = CliRunner().invoke(main, [*args, "--format", output_format], env={"LEXPROOF_CACHE": str(cache)})
        assert result.exit_code == EXIT_UNKNOWN, result.output
        if output_format == "json":
            results = json.loads(result.stdout)["results"]
            if command[0] == "diff":
                # n's cone is the same text in both versions, so "unchanged" needs no solver (the
                # diff's shortcut); every decision the amendment touches must stay unknown.
                assert {r["name"]: r["status"] for r in results} == {"k": "unknown", "m": "unknown", "n": "unchanged"}
            else:
                statuses = {r["status"] for r in results}
                assert statuses == {"unknown"} or (command[0] == "check" and statuses <= {"unknown", "passed"}), statuses
        else:
            for word in ("proved", "clean", "unsatisfiable", "vacuous", "no case") + (() if command[0] == "diff" else ("unchanged",)):
                assert word not in result.stdout, result.stdout
    assert not _cache_entries(cache)
