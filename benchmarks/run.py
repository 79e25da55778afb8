"""lexproof benchmarks: one command, prints tables (Markdown) and writes the raw numbers as JSON.

    python benchmarks/run.py                                   # sizes 100,1000,10000, 3 repeats
    python benchmarks/run.py --sizes 100,1000 --repeat 1       # quick look
    python benchmarks/run.py --profile 10000                   # cProfile each phase at one size

For each size N a synthetic statute is generated (benchmarks/generate.py, deterministic by
seed). Each repeat of each size runs in its own subprocess, so memory and caches of one
measurement do not leak into the next. Reported per phase: the median wall time over repeats,
the peak resident memory of the process during the phase (VmHWM, reset before each phase via
/proc/self/clear_refs; it includes Z3's C++ heap, which tracemalloc cannot see), and for the
verifier phases where the time went: building terms (Encoder, asserting into solvers), in
Z3's Solver.check, in Z3's Optimize.check (readable witnesses, numeric ranges), consolidating
versions, and the rest (Python in the checks, replaying witnesses in the evaluator).
Growth exponents are log-log slopes between consecutive sizes (and a least-squares fit).

Also: the planted-counterexample race (lexproof vs hypothesis vs brute force) and
``python -m lexproof check statutes/`` on the bundled statutes (median of 5).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import itertools
import json
import math
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

PHASES = ["parse", "typecheck", "versions", "encode", "conflict", "gap", "dead", "redundant",
          "all checks", "property", "diff", "dates", "arith", "items", "xref", "household"]
CHECK_PHASES = ["conflict", "gap", "dead", "redundant", "all checks", "property", "diff", "dates", "arith", "items",
                "xref", "household"]
SPLIT = ["build", "solve", "optimize", "consolidate", "other"]
PHASE_NOTES = {
    "parse": "Lark LALR parse + AST transform of statute.law and amendment.law",
    "typecheck": "lexproof.dsl.check_program.check_files (names, types, rule structure)",
    "versions": "lexproof.dsl.consolidate.check_all_versions (the loader's last step)",
    "encode": "one Encoder for the version in force, a solver per decision with its cone (Encoder.focus; what the checks build)",
    "conflict": "api.builtin_checks(only=conflict): every distinct version (as `lexproof check` without --date)",
    "gap": "api.builtin_checks(only=gap)",
    "dead": "api.builtin_checks(only=dead)",
    "redundant": "api.builtin_checks(only=redundant)",
    "all checks": "api.builtin_checks (all four together, as `lexproof check` runs them)",
    "property": "check_property on the property `poort` (proved; its decision reads a definition)",
    "diff": "what api.diff(amendment=wijziging_2027) does, decision by decision (a crash is counted, not fatal)",
    "dates": "dates.law (N/50 chapters reading the peildatum, years_between, + n months, ...): load, then api.builtin_checks (all four checks)",
    "arith": "arith.law (N/20 chapters of percentage x min(uren, 230) x min(uurprijs, max), round, round_down, kinderen x bedrag): load, then api.builtin_checks (all four)",
    "items": "items.law (N rules: N/10 households of up to 4 children with up to 2 contracts each; sum, count, all, any, max, rank): load, then api.builtin_checks (all four)",
    "xref": "linked.law: N/100 statutes of 100 rules that read each other (uses, same fact, same question); "
            "load, every version, and api.check without examples and properties (the four checks and LP105)",
    "household": "household.law (N rules: N/10 households of up to 4 children, the kinderopvang formula per child with products and rounding, a chain of decisions, a table, four periods and an amendment): load, then api.builtin_checks (all four)",
}


# --- measurement helpers (child side) --------------------------------------------------------


def _status_kb(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark (Linux); False when not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def peak_rss_mb() -> float:
    hwm = _status_kb("VmHWM")
    if hwm is None:
        import resource

        hwm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return hwm / 1024


def rss_mb() -> float:
    value = _status_kb("VmRSS")
    return (value or 0) / 1024


class Clock:
    """Exclusive time per category: a wrapped call charges its time to its category, minus
    the time of wrapped calls inside it (charged to theirs)."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)
        self.stack = ["other"]
        self.last = time.perf_counter()

    def enter(self, category: str) -> None:
        now = time.perf_counter()
        self.totals[self.stack[-1]] += now - self.last
        self.stack.append(category)
        self.last = now

    def exit(self) -> None:
        now = time.perf_counter()
        self.totals[self.stack.pop()] += now - self.last
        self.last = now

    def reset(self) -> None:
        self.totals = defaultdict(float)
        self.stack = ["other"]
        self.last = time.perf_counter()

    def snapshot(self) -> dict[str, float]:
        now = time.perf_counter()
        self.totals[self.stack[-1]] += now - self.last
        self.last = now
        return dict(self.totals)


CLOCK = Clock()


def _wrap(owner, name: str, category: str) -> None:
    original = getattr(owner, name)
    if getattr(original, "_bench_wrapped", False):
        return

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        CLOCK.enter(category)
        try:
            return original(*args, **kwargs)
        finally:
            CLOCK.exit()

    wrapper._bench_wrapped = True  # type: ignore[attr-defined]
    setattr(owner, name, wrapper)


def instrument() -> None:
    """Charge time to build / solve / optimize / consolidate. Only this benchmark process is
    patched; the verifier's code is unchanged."""
    import z3

    import lexproof.dsl.consolidate
    import lexproof.verifier.api
    import lexproof.verifier.checks
    import lexproof.verifier.diff
    import lexproof.verifier.encoding
    import lexproof.verifier.properties
    import lexproof.verifier.regions
    import lexproof.verifier.solving

    _wrap(z3.Solver, "check", "solve")
    if hasattr(lexproof.verifier.regions, "_Checker"):  # the diff's summaries call z3's C API directly
        _wrap(lexproof.verifier.regions._Checker, "__call__", "solve")
    _wrap(z3.Optimize, "check", "optimize")
    _wrap(z3.Solver, "assert_exprs", "build")
    _wrap(z3.Optimize, "assert_exprs", "build")
    _wrap(z3.Optimize, "add_soft", "build")
    encoder = lexproof.verifier.encoding.Encoder
    for method in ("__init__", "decision", "decision_body", "formula", "hard_constraints", "tracked_constraints"):
        if hasattr(encoder, method):
            _wrap(encoder, method, "build")
    for module in (lexproof.dsl.consolidate, lexproof.verifier.api, lexproof.verifier.properties, lexproof.verifier.checks, lexproof.verifier.diff):
        for name in ("version_on", "resolve_spec"):
            if hasattr(module, name):
                _wrap(module, name, "consolidate")


class PhaseTimeout(Exception):
    pass


def _alarm(signum, frame):  # noqa: ARG001
    raise PhaseTimeout()


def run_phase(results: dict, name: str, action, limit: float, profile_dir: Path | None = None):
    """Time one phase; record wall time, peak RSS, the time split and what it found."""
    import gc

    gc.collect()
    exact_peak = reset_peak()
    before = rss_mb()
    CLOCK.reset()
    profiler = None
    if profile_dir is not None:
        import cProfile

        profiler = cProfile.Profile()
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    start = time.perf_counter()
    cpu_start = time.process_time()
    value = None
    status = "ok"
    try:
        if profiler:
            profiler.enable()
        value = action()
    except PhaseTimeout:
        status = "timeout"
    except Exception as error:  # noqa: BLE001 - a crash in one phase is a result, not the end of the run
        status = f"error: {type(error).__name__}: {error}"[:300]
    finally:
        if profiler:
            profiler.disable()
        signal.setitimer(signal.ITIMER_REAL, 0)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    split = CLOCK.snapshot()
    entry = {
        "seconds": seconds,
        "cpu": cpu,
        "loadavg": os.getloadavg()[0],
        "status": status,
        "peak_rss_mb": peak_rss_mb(),
        "peak_exact": exact_peak,
        "rss_before_mb": before,
        "split": {k: split.get(k, 0.0) for k in SPLIT},
    }
    if profiler is not None and profile_dir is not None:
        profile_dir.mkdir(parents=True, exist_ok=True)
        path = profile_dir / f"{name.replace(' ', '_')}.pstats"
        profiler.dump_stats(str(path))
        entry["profile"] = str(path)
    results[name] = entry
    print(f"  [{name}] {seconds:.2f}s wall, {cpu:.2f}s cpu {status}", file=sys.stderr, flush=True)
    return value, entry


def _summarize_results(results) -> dict:
    return dict(Counter(f"{r.kind}:{r.status}" for r in results))


def child_size(directory: Path, phases: list[str], limit: float, split: bool, profile_dir: Path | None) -> dict:

    from lexproof.dsl.check_program import check_files
    from lexproof.dsl.consolidate import check_all_versions, version_on
    from lexproof.dsl.parser import _lark, parse_file
    from lexproof.verifier import api
    from lexproof.verifier.encoding import Encoder
    from lexproof.verifier.properties import check_property
    from lexproof.verifier.solving import Budget, new_solver

    if split:
        instrument()
    _lark()  # the grammar is built once per process; not part of parsing a statute
    day = dt.date.fromisoformat(generate.CHECK_DATE)
    budget = Budget()
    results: dict[str, dict] = {}
    paths = [directory / "statute.law", directory / "amendment.law"]
    files, _ = run_phase(results, "parse", lambda: [parse_file(str(p)) for p in paths], limit, profile_dir)
    program, _ = run_phase(results, "typecheck", lambda: check_files(files), limit, profile_dir)

    def versions():
        for statute in program.statutes.values():
            check_all_versions(statute)

    run_phase(results, "versions", versions, limit, profile_dir)
    statute = program.statutes[generate.STATUTE]
    version = version_on(statute, day)

    def encode():
        count = 0
        encoder = Encoder(statute, {None: version})  # as run_checks does: one encoder, a solver per decision
        for decision in statute.decisions:
            if not version.rules_of(decision) and statute.decisions[decision].default is not None:
                continue
            encoder.sealed = False
            encoder.focus(decision)
            new_solver(encoder, budget)
            count += 1
        return count

    if "encode" in phases:
        run_phase(results, "encode", encode, limit, profile_dir)
    for kind in ("conflict", "gap", "dead", "redundant"):
        if kind in phases:
            found, entry = run_phase(
                results, kind, lambda kind=kind: api.builtin_checks(statute, None, budget, only=(kind,), undated=day), limit, profile_dir
            )
            entry["results"] = _summarize_results(found or [])
    if "all checks" in phases:
        found, entry = run_phase(results, "all checks", lambda: api.builtin_checks(statute, None, budget, undated=day),
                                  limit, profile_dir)
        entry["results"] = _summarize_results(found or [])
    if "property" in phases:
        prop = next(p for p in statute.properties if p.name == "poort")
        found, entry = run_phase(results, "property", lambda: check_property(statute, prop, day, budget), limit, profile_dir)
        entry["results"] = {f"property:{found.status}": 1} if found is not None else {}
    if "diff" in phases:
        # What api.diff(program, amendment=...) does, one decision at a time, so that a crash on
        # one decision is counted instead of ending the measurement.
        from lexproof.verifier.diff import diff_versions

        crashes: list[str] = []
        done: list[str] = []

        def diff_all():
            info = statute.amendments[generate.AMENDMENT]
            before = version_on(statute, info.in_force, exclude=(info.name,))
            after = version_on(statute, info.in_force, include=(info.name,))
            found = []
            for name in statute.decisions:
                if not (before.has_decision(name) and after.has_decision(name)):
                    continue  # added by the amendment: nothing to compare with (as api.diff)
                try:
                    found.extend(diff_versions(statute, before, after, budget, [name]))
                except PhaseTimeout:
                    raise
                except Exception as error:  # noqa: BLE001
                    crashes.append(f"{name}: {type(error).__name__}: {error}"[:200])
                done.append(name)
            return found

        found, entry = run_phase(results, "diff", diff_all, limit, profile_dir)
        entry["results"] = _summarize_results(found or [])
        entry["decisions_done"] = len(done)
        entry["decisions"] = len(statute.decisions)
        if crashes:
            entry["results"]["diff:crashed"] = len(crashes)
            entry["crashes"] = crashes[:20]
    if "dates" in phases:
        def dates():
            (dated,) = check_files([parse_file(str(directory / "dates.law"))]).statutes.values()
            check_all_versions(dated)
            return api.builtin_checks(dated, None, budget, undated=day)

        found, entry = run_phase(results, "dates", dates, limit, profile_dir)
        entry["results"] = _summarize_results(found or [])
    if "arith" in phases:
        def arith():
            (statute_arith,) = check_files([parse_file(str(directory / "arith.law"))]).statutes.values()
            check_all_versions(statute_arith)
            return api.builtin_checks(statute_arith, None, budget, undated=day)

        found, entry = run_phase(results, "arith", arith, limit, profile_dir)
        entry["results"] = _summarize_results(found or [])
    if "items" in phases:
        def with_items():
            (household,) = check_files([parse_file(str(directory / "items.law"))]).statutes.values()
            check_all_versions(household)
            return api.builtin_checks(household, None, budget, undated=day)

        found, entry = run_phase(results, "items", with_items, limit, profile_dir)
        entry["results"] = _summarize_results(found or [])
    if "xref" in phases:
        def linked():
            linked_program = check_files([parse_file(str(directory / "linked.law"))])
            for linked_statute in linked_program.statutes.values():
                check_all_versions(linked_statute)
            return api.check(linked_program, date=None, properties=False, examples=False)

        found, entry = run_phase(results, "xref", linked, limit, profile_dir)
        entry["results"] = _summarize_results(found or [])
    if "household" in phases:
        def household():
            (statute_household,) = check_files([parse_file(str(directory / "household.law"))]).statutes.values()
            check_all_versions(statute_household)
            return api.builtin_checks(statute_household, None, budget, undated=day)

        found, entry = run_phase(results, "household", household, limit, profile_dir)
        entry["results"] = _summarize_results(found or [])
    return {"phases": results, "peak_rss_mb_process": peak_rss_mb()}


# --- the planted-counterexample race (child side) --------------------------------------------


def _fact_domain(fact, statute, money_step_cents: int):
    """Every value of a fact, for brute force (money in steps, rates in whole percents)."""
    from fractions import Fraction

    from lexproof.verifier.sampling import cents_bounds, date_bounds, int_bounds

    kind = fact.type.kind
    if kind == "bool":
        return [False, True]
    if kind == "enum":
        return list(statute.enums[fact.type.enum])
    if kind == "int":
        low, high = int_bounds(fact)
        return range(low, high + 1)
    if kind == "money":
        low, high = cents_bounds(fact)
        return [Fraction(c, 100) for c in range(low, high + 1, money_step_cents)]
    if kind == "date":
        low, high = date_bounds(fact)
        return range(low, high + 1)
    return [Fraction(k, 100) for k in range(0, 101)]


def child_race(directory: Path, examples: int, brute_seconds: float, seed: int, repeat: int) -> dict:
    import random
    from fractions import Fraction

    from lexproof.dsl.consolidate import version_on
    from lexproof.dsl.evaluator import Evaluator, Undefined
    from lexproof.dsl.loader import load
    from lexproof.verifier.properties import check_property
    from lexproof.verifier.regions import cone_facts
    from lexproof.verifier.sampling import cents_bounds, date_bounds, int_bounds
    from lexproof.verifier.solving import Budget

    program = load([directory])
    statute = program.statutes[generate.STATUTE]
    prop = next(p for p in statute.properties if p.name == generate.PLANTED_PROPERTY)
    day = dt.date.fromisoformat(generate.CHECK_DATE)
    version = version_on(statute, day)
    out: dict = {}

    # 1. lexproof
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = check_property(statute, prop, day, Budget())
        times.append(time.perf_counter() - start)
    from lexproof.dsl.values import format_value

    def shown(case: dict, names) -> dict:
        return {k: format_value(case[k], statute.facts[k].type) for k in names if k in case}

    witness = result.witnesses[0].facts[None] if result and result.witnesses else {}
    out["lexproof"] = {
        "seconds": statistics.median(times), "found": result is not None and result.status == "counterexample",
        "status": result.status if result else None,
        "witness": shown(witness, generate.PLANTED_FACTS),
    }

    def violates(case: dict) -> bool:
        evaluator = Evaluator({None: version}, {None: case})
        try:
            return not bool(evaluator.eval(prop.claim, None, None))
        except Undefined:
            return True

    group = statute.groups[prop.facts]
    rng = random.Random(seed)
    from lexproof.verifier.sampling import random_case

    background = random_case(statute, rng)  # facts outside the group: any fixed values

    # 2. hypothesis, through the evaluator, over every fact of the property's facts group
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hseed
    from hypothesis import strategies as st

    def strategy(fact):
        kind = fact.type.kind
        if kind == "bool":
            return st.booleans()
        if kind == "enum":
            return st.sampled_from(statute.enums[fact.type.enum])
        if kind == "int":
            low, high = int_bounds(fact)
            return st.integers(low, high)
        if kind == "money":
            low, high = cents_bounds(fact)
            return st.integers(low, high).map(lambda c: Fraction(c, 100))
        if kind == "date":
            low, high = date_bounds(fact)
            return st.integers(low, high)
        return st.integers(0, 1000).map(lambda k: Fraction(k, 1000))

    cases = st.fixed_dictionaries({name: strategy(statute.facts[name]) for name in group})
    counter = {"examples": 0, "found_at": None, "case": None}

    class Found(Exception):
        pass

    @hseed(seed)
    @settings(max_examples=examples, phases=[Phase.generate], database=None, deadline=None,
              suppress_health_check=list(HealthCheck), derandomize=False)
    @given(cases)
    def test(case):
        counter["examples"] += 1
        full = dict(background)
        full.update(case)
        if violates(full):
            counter["found_at"] = counter["examples"]
            counter["case"] = shown(full, generate.PLANTED_FACTS)
            raise Found()

    start = time.perf_counter()
    try:
        test()
        found = False
    except Found:
        found = True
    except Exception as error:  # hypothesis wraps the failure in its own report
        found = counter["found_at"] is not None
        if not found:
            raise error
    seconds = time.perf_counter() - start
    out["hypothesis"] = {"seconds": seconds, "found": found, "examples": counter["examples"],
                         "case": counter["case"], "max_examples": examples, "rate": counter["examples"] / seconds,
                         "group_facts": len(group)}
    # The chance that one uniformly random case hits the planted combination.
    out["uniform_hit_probability"] = (1 / 6) * (1 / 5) * (1 / 2) * (1 / 2) * (1 / 121) * (70_000 / 100_000)

    # 3. brute force over the cone of the claim, in declaration order (last fact fastest)
    cone = cone_facts(statute, [version], [generate.PLANTED_DECISION])
    claim_facts = {n.name for n in __import__("lexproof.dsl.ir", fromlist=["walk"]).walk(prop.claim)
                   if type(n).__name__ == "FactRef"}
    cone = [name for name in statute.facts if name in set(cone) | claim_facts]

    def brute(step_cents: int, label: str) -> dict:
        domains = [_fact_domain(statute.facts[name], statute, step_cents) for name in cone]
        size = math.prod(len(d) for d in domains)
        base = dict(background)
        checked = 0
        found_case = None
        start = time.perf_counter()
        deadline = start + brute_seconds
        for values in itertools.product(*domains):
            case = dict(base)
            case.update(zip(cone, values))
            checked += 1
            if violates(case):
                found_case = shown(case, cone)
                break
            if checked % 1000 == 0 and time.perf_counter() > deadline:
                break
        seconds = time.perf_counter() - start
        rate = checked / seconds if seconds > 0 else 0.0
        return {"label": label, "seconds": seconds, "found": found_case is not None,
                "checked": checked, "domain": size, "case": found_case, "facts": cone,
                "capped": found_case is None and checked < size, "rate": rate,
                "exhaust_seconds": size / rate if rate else None}

    out["brute_force"] = brute(100, "money in whole euros")
    out["brute_force_grid"] = brute(100_000, "money in steps of €1,000")
    return out


# --- parent: orchestration and tables --------------------------------------------------------


def machine() -> dict:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    import z3

    try:
        import lark

        lark_version = lark.__version__
    except Exception:  # noqa: BLE001
        lark_version = "?"
    try:
        import hypothesis

        hypothesis_version = hypothesis.__version__
    except Exception:  # noqa: BLE001
        hypothesis_version = "?"
    try:
        marker = ROOT / ".bench-commit"  # a snapshot made with `git archive` has no .git
        commit = marker.read_text().strip() if marker.exists() else subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "dsl", "verifier"], cwd=ROOT,
                               capture_output=True, text=True).stdout.split()
        dirty_files = [d for d in dirty if d.endswith(".py")]
        if dirty_files:
            commit += " + uncommitted changes to " + ", ".join(dirty_files)
    except OSError:
        commit = "?"
    return {
        "nproc": os.cpu_count(), "cpu": cpu, "ram": ram, "python": platform.python_version(),
        "z3": z3.get_version_string(), "lark": lark_version, "hypothesis": hypothesis_version,
        "platform": platform.platform(), "commit": commit, "date": dt.datetime.now().isoformat(timespec="seconds"),
    }


def spawn(args: list[str], timeout: float | None = None) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), *args]
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    completed = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=timeout)
    sys.stderr.write(completed.stderr[-4000:] if completed.returncode else "")
    if completed.returncode != 0:
        return {"error": f"exit {completed.returncode}: {completed.stderr[-2000:]}"}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def time_cli(runs: int = 5) -> dict:
    statutes = ROOT / "statutes"
    if not statutes.is_dir():
        return {"skipped": "no statutes/ directory"}
    times, codes, warm = [], [], []
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    command = [sys.executable, "-m", "lexproof", "check", "statutes/"]
    for _ in range(runs):  # cold: every statute checked
        start = time.perf_counter()
        completed = subprocess.run([*command, "--no-cache"], cwd=ROOT, capture_output=True, text=True, env=env)
        times.append(time.perf_counter() - start)
        codes.append(completed.returncode)
    with tempfile.TemporaryDirectory() as cache:  # warm: unchanged statutes come from the result cache
        cached_env = dict(env, LEXPROOF_CACHE=cache)
        subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=cached_env)
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=cached_env)
            warm.append(time.perf_counter() - start)
    summary = completed.stdout.strip().splitlines()
    tail = next((line for line in summary if "results:" in line), "")
    files = len(list(statutes.rglob("*.law")))
    startup = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import lexproof.verifier.cli"], cwd=ROOT, env=env, capture_output=True)
        startup.append(time.perf_counter() - start)
    return {"median": statistics.median(times), "times": times, "exit_codes": codes, "summary": tail,
            "warm_median": statistics.median(warm), "warm_times": warm,
            "files": files, "import_seconds": statistics.median(startup)}


def exponent(sizes: list[int], values: list[float | None]) -> tuple[list[float | None], float | None]:
    pairs = []
    for (n1, t1), (n2, t2) in zip(zip(sizes, values), zip(sizes[1:], values[1:])):
        pairs.append(math.log(t2 / t1) / math.log(n2 / n1) if t1 and t2 and t1 > 0 and t2 > 0 else None)
    points = [(math.log(n), math.log(t)) for n, t in zip(sizes, values) if t and t > 0]
    fit = None
    if len(points) >= 2:
        mx = sum(x for x, _ in points) / len(points)
        my = sum(y for _, y in points) / len(points)
        sxx = sum((x - mx) ** 2 for x, _ in points)
        fit = sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else None
    return pairs, fit


def fmt_s(value: float | None) -> str:
    if value is None:
        return "-"
    if value < 0.01:
        return f"{value * 1000:.1f} ms"
    if value < 10:
        return f"{value:.2f} s"
    return f"{value:.1f} s"


def fmt_long(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 3 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:,.0f} days"


def fmt_x(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def report(data: dict) -> str:
    sizes = data["sizes"]
    lines: list[str] = []
    out = lines.append
    m = data["machine"]
    out(f"Machine: {m['nproc']} cores ({m['cpu']}), {m['ram']} RAM; Python {m['python']}, z3 {m['z3']}, "
        f"lark {m['lark']}, hypothesis {m['hypothesis']}; commit {m['commit']}; {m['date']}")
    out("Repeats per size: " + ", ".join(f"N={n}: {r}" for n, r in data["repeat"].items())
        + " (median shown); budget per check: the default (rlimit 20M, 60 s); "
        f"phase limit {data['phase_limit']:.0f} s. Cells: wall time (CPU time of the process); "
        "slopes are fitted on CPU time, which other load on the machine does not inflate.")
    out("")
    out("Statutes: " + "; ".join(
        f"N={n}: {s['rules']} rules, {s['decisions']} decisions, {s['facts']} facts in {s['groups']} group(s), "
        f"{s['parameters']} parameters, {s['tables']} tables, {s['bytes'] // 1024} KiB, planted defects "
        + ", ".join(f"{k} {v}" for k, v in s["planted_defects"].items())
        for n, s in data["statutes"].items()))
    loads = [e.get("loadavg", 0) for n in sizes for e in data["medians"].get(str(n), {}).values() if isinstance(e, dict)]
    if loads:
        out(f"Highest 1-minute load average seen at the end of a phase: {max(loads):.1f} on {m['nproc']} cores "
            "(other work on the machine inflates wall times; CPU times are less affected).")
    out("")
    # Timing table
    header = "| phase | " + " | ".join(f"N={n:,}" for n in sizes) + " | " + " | ".join(
        f"slope {a:,}->{b:,}" for a, b in zip(sizes, sizes[1:])) + (" | fit |" if len(sizes) > 1 else "")
    out(header)
    out("|" + "---|" * (header.count("|") - 1))
    for phase in PHASES:
        values = [data["medians"].get(str(n), {}).get(phase, {}).get("seconds") for n in sizes]
        cpus = [data["medians"].get(str(n), {}).get(phase, {}).get("cpu") for n in sizes]
        if all(v is None for v in values):
            continue
        timeouts = [data["medians"].get(str(n), {}).get(phase, {}).get("status") == "timeout" for n in sizes]
        broken = [str(data["medians"].get(str(n), {}).get(phase, {}).get("status", "ok")) != "ok" for n in sizes]
        slopes, fit = exponent(sizes, [None if b else c for c, b in zip(cpus, broken)])
        errors = [str(data["medians"].get(str(n), {}).get(phase, {}).get("status", "")).startswith("error") for n in sizes]
        cells = [("crashed after " if e else ">" if t else "") + fmt_s(v) + (f" ({fmt_s(c)})" if c is not None else "")
                 for v, c, t, e in zip(values, cpus, timeouts, errors)]
        row = f"| {phase} | " + " | ".join(cells) + " | " + " | ".join(fmt_x(s) for s in slopes)
        row += (f" | {fmt_x(fit)} |" if len(sizes) > 1 else " |")
        out(row)
    out("")
    # Memory
    out("Peak resident memory of the process during each phase (MiB; includes Z3's heap):")
    out("")
    header = "| phase | " + " | ".join(f"N={n:,}" for n in sizes) + " |"
    out(header)
    out("|" + "---|" * (header.count("|") - 1))
    for phase in PHASES:
        values = [data["medians"].get(str(n), {}).get(phase, {}).get("peak_rss_mb") for n in sizes]
        if all(v is None for v in values):
            continue
        out(f"| {phase} | " + " | ".join("-" if v is None else f"{v:.0f}" for v in values) + " |")
    values = [data["medians"].get(str(n), {}).get("_process", {}).get("peak_rss_mb") for n in sizes]
    out("| whole process (max) | " + " | ".join("-" if v is None else f"{v:.0f}" for v in values) + " |")
    out("")
    # Split
    out("Where the verifier phases spend their time (median seconds; build = Encoder + asserting terms "
        "into solvers; solve = Z3 Solver.check; optimize = Z3 Optimize.check for readable witnesses and "
        "ranges; consolidate = version_on; other = the rest: check logic, evaluator replays):")
    out("")
    out("| N | phase | total | build | solve | optimize | consolidate | other | build / (solve+optimize) |")
    out("|---|---|---|---|---|---|---|---|---|")
    for n in sizes:
        for phase in ["encode"] + CHECK_PHASES:
            entry = data["medians"].get(str(n), {}).get(phase)
            if not entry:
                continue
            split = entry["split"]
            solving = split["solve"] + split["optimize"]
            ratio = split["build"] / solving if solving > 0 else None
            out(f"| {n:,} | {phase} | {fmt_s(entry['seconds'])} | " + " | ".join(fmt_s(split[k]) for k in SPLIT)
                + f" | {fmt_x(ratio)} |")
    out("")
    # Findings
    crashes = sorted({(n, phase, entry["status"]) for n in sizes for phase, entry in data["medians"].get(str(n), {}).items()
                      if isinstance(entry, dict) and str(entry.get("status", "ok")).startswith("error")})
    if crashes:
        out("Crashes: " + "; ".join(f"N={n:,} {phase}: {status[7:]}" for n, phase, status in crashes))
        out("")
    out("What the checks reported (kind:status counts; deduplicated across versions):")
    out("")
    for n in sizes:
        parts = []
        for phase in CHECK_PHASES:
            entry = data["medians"].get(str(n), {}).get(phase)
            if entry and entry.get("results") is not None:
                parts.append(f"{phase}: " + (", ".join(f"{k} {v}" for k, v in sorted(entry["results"].items())) or "none"))
        diff = data["medians"].get(str(n), {}).get("diff")
        if diff and diff.get("status") == "timeout" and "decisions_done" in diff:
            parts.append(f"diff stopped at the phase limit after {diff['decisions_done']:,} of {diff['decisions']:,} decisions")
        out(f"- N={n:,}: " + "; ".join(parts))
    out("")
    race = data.get("race")
    if race and "error" not in race:
        out(f"Planted counterexample (property `{generate.PLANTED_PROPERTY}` at N={data['race_size']:,}: needs "
            "regio = caribisch, woonsituatie = instelling, mantelzorg, no partner, leeftijd = aow_leeftijd (67), "
            "inkomen > €30,000):")
        out("")
        out("| method | time | found | effort |")
        out("|---|---|---|---|")
        lx = race["lexproof"]
        out(f"| lexproof property check | {fmt_s(lx['seconds'])} | {'yes' if lx['found'] else 'no'} | "
            f"one SMT query + readable model; witness {lx['witness']} |")
        hy = race["hypothesis"]
        out(f"| hypothesis ({hy['max_examples']:,} examples of all {hy['group_facts']} facts of the group, evaluator) | "
            f"{fmt_s(hy['seconds'])} | {'yes' if hy['found'] else 'no'} | {hy['examples']:,} examples tried "
            f"({hy['rate']:.0f}/s)" + (f"; {hy['case']}" if hy["case"] else "") + " |")
        for key in ("brute_force", "brute_force_grid"):
            bf = race[key]
            exhaust = bf.get("exhaust_seconds")
            out(f"| brute force, {bf['label']} (evaluator) | {fmt_s(bf['seconds'])} | {'yes' if bf['found'] else 'no'} | "
                f"{bf['checked']:,} of {bf['domain']:,} cases over {', '.join(bf['facts'])} ({bf['rate']:.0f}/s"
                + (f"; the whole domain would take {fmt_long(exhaust)}" if exhaust else "") + ")"
                + (" (stopped at the time cap)" if bf["capped"] else "") + " |")
        p = race.get("uniform_hit_probability")
        if p:
            out("")
            out(f"A uniformly random case hits the combination with probability {p:.2e}; {hy['max_examples']:,} "
                f"independent uniform cases would find it with probability {1 - (1 - p) ** hy['max_examples']:.1%}.")
        out("")
    elif race:
        out(f"Race failed: {race['error']}")
    cli = data.get("cli")
    if cli and "median" in cli:
        out(f"`python -m lexproof check statutes/` ({cli['files']} files): median {fmt_s(cli['median'])} of "
            f"{len(cli['times'])} runs ({', '.join(fmt_s(t) for t in cli['times'])}); exit codes {sorted(set(cli['exit_codes']))}; "
            f"of which Python start-up + imports {fmt_s(cli['import_seconds'])}. {cli['summary']}")
        if "warm_median" in cli:
            out(f"With the result cache warm (no statute changed): median {fmt_s(cli['warm_median'])} of "
                f"{len(cli['warm_times'])} runs.")
    return "\n".join(lines)


def median_entry(entries: list[dict]) -> dict:
    """The median of each number over repeats (the split and memory separately)."""
    seconds = [e["seconds"] for e in entries]
    result = dict(entries[0])
    result["seconds"] = statistics.median(seconds)
    result["cpu"] = statistics.median(e["cpu"] for e in entries)
    result["loadavg"] = max(e["loadavg"] for e in entries)
    result["peak_rss_mb"] = statistics.median(e["peak_rss_mb"] for e in entries)
    result["split"] = {k: statistics.median(e["split"][k] for e in entries) for k in SPLIT}
    result["status"] = next((e["status"] for e in entries if e["status"] != "ok"), "ok")
    result["all_seconds"] = seconds
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--repeat", default="3", help="repeats per size: one number, or one per size (3,3,1)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--defects", type=float, default=0.02, help="share of chapters with a planted finding")
    parser.add_argument("--phases", default=",".join(PHASES), help="comma-separated subset of: " + ", ".join(PHASES))
    parser.add_argument("--phase-limit", type=float, default=1800, help="seconds before a phase is abandoned")
    parser.add_argument("--race-size", type=int, default=1000, help="statute size for the counterexample race (0: skip)")
    parser.add_argument("--examples", type=int, default=10_000, help="hypothesis examples")
    parser.add_argument("--brute-seconds", type=float, default=120, help="time cap per brute-force run")
    parser.add_argument("--no-cli", action="store_true", help="skip timing the CLI on statutes/")
    parser.add_argument("--no-split", action="store_true", help="do not instrument (no build/solve split)")
    parser.add_argument("--profile", type=int, default=0, help="cProfile every phase at this size (one run)")
    parser.add_argument("--workdir", type=Path, default=None, help="where statutes are generated (default: a temp dir)")
    parser.add_argument("--json", type=Path, default=HERE / "results" / "latest.json")
    parser.add_argument("--child-size", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-race", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--profile-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    phases = [p.strip() for p in args.phases.split(",") if p.strip()]

    if args.child_size:
        data = child_size(args.child_size, phases, args.phase_limit, not args.no_split, args.profile_dir)
        print(json.dumps(data))
        return
    if args.child_race:
        print(json.dumps(child_race(args.child_race, args.examples, args.brute_seconds, args.seed,
                                    int(args.repeat.split(",")[0]))))
        return

    sizes = [int(s) for s in args.sizes.split(",") if s]
    repeats = [int(r) for r in args.repeat.split(",") if r]
    repeats = repeats * len(sizes) if len(repeats) == 1 else repeats
    if len(repeats) != len(sizes):
        parser.error("--repeat: give one number or one per size")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="lexproof-bench-"))
    common = ["--phases", ",".join(phases), "--phase-limit", str(args.phase_limit)] + (["--no-split"] if args.no_split else [])

    if args.profile:
        directory = workdir / f"s{args.profile}"
        generate.write_statute(args.profile, directory, args.seed, args.defects)
        profile_dir = HERE / "results" / f"profile-{args.profile}"
        print(f"profiling N={args.profile} into {profile_dir}", file=sys.stderr)
        result = spawn(["--child-size", str(directory), "--profile-dir", str(profile_dir), *common])
        import pstats

        for phase, entry in result.get("phases", {}).items():
            if "profile" not in entry:
                continue
            print(f"\n=== {phase}: {entry['seconds']:.2f} s ===")
            stats = pstats.Stats(entry["profile"])
            stats.sort_stats("tottime").print_stats(12)
        return

    data: dict = {"machine": machine(), "sizes": sizes, "repeat": dict(zip(map(str, sizes), repeats)), "seed": args.seed,
                  "phase_limit": args.phase_limit, "statutes": {}, "runs": {}, "medians": {}}
    for n, repeat in zip(sizes, repeats):
        directory = workdir / f"s{n}"
        data["statutes"][str(n)] = generate.write_statute(n, directory, args.seed, args.defects)
        runs = []
        for r in range(repeat):
            print(f"N={n} repeat {r + 1}/{repeat}", file=sys.stderr, flush=True)
            start = time.perf_counter()
            result = spawn(["--child-size", str(directory), *common])
            if "error" in result:
                print(result["error"], file=sys.stderr)
                continue
            print(f"  total {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
            runs.append(result)
        data["runs"][str(n)] = runs
        if runs:
            medians = {phase: median_entry([run["phases"][phase] for run in runs if phase in run["phases"]])
                       for phase in PHASES if any(phase in run["phases"] for run in runs)}
            medians["_process"] = {"peak_rss_mb": max(run["peak_rss_mb_process"] for run in runs)}
            data["medians"][str(n)] = medians
    if args.race_size:
        directory = workdir / f"s{args.race_size}"
        if not (directory / "statute.law").exists():
            data["statutes"][str(args.race_size)] = generate.write_statute(args.race_size, directory, args.seed, args.defects)
        print(f"race at N={args.race_size}", file=sys.stderr, flush=True)
        data["race_size"] = args.race_size
        data["race"] = spawn(["--child-race", str(directory), "--examples", str(args.examples), "--brute-seconds",
                              str(args.brute_seconds), "--seed", str(args.seed), "--repeat", str(max(repeats))])
    if not args.no_cli:
        print("timing the CLI on statutes/", file=sys.stderr, flush=True)
        data["cli"] = time_cli()
    text = report(data)
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        data["report"] = text
        args.json.write_text(json.dumps(data, indent=1, default=str))
        print(f"\n(raw numbers: {args.json})", file=sys.stderr)


if __name__ == "__main__":
    main()
