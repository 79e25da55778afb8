"""A realistic statute *book* for the performance targets of issue 18: deterministic by seed.

    python benchmarks/book.py 1000 --out /tmp/b1000          # writes the book, prints a summary
    python benchmarks/book.py 1000 --out /tmp/b1000 --check  # and times `lexproof check` on it

``generate.py`` writes a statute that is easy on the checks: few versions, shallow cones. A book
a ministry maintains is harder, and this generator reuses ``generate.Generator``'s chapters with
the shape the issue describes:

* **Facts groups of about 35 facts each** (33-37; the anchors of the planted counterexample in
  the first), of every kind: enums, bools, ints, money, rates, dates.
* **Decisions chained up to 18 layers deep**: per facts group, a running total
  ``keten_G_K = keten_G_(K-1) + hC_bedrag if hC_recht`` links the amounts of successive
  chapters, 17 links per chain before a new chain starts, so the top of a chain reads 18
  layers of decisions (and each link's cone holds all chapters below it).
* Numeric thresholds, exception chains, flat and marginal tables (``generate.py``'s chapters).
* **Parameters with several dated values** (2015, 2020 and 2024).
* **Three amendments**, in files of their own:
    - ``indexatie.law``: an enacted indexation (in force 2026-01-01) that sets every money
      parameter 2% higher;
    - ``intrekking.law``: an enacted repeal by citation (``repeal [art. C.1 lid K]``, in force
      2027-01-01) of a rule in about 1% of the chapters;
    - ``voorstel.law``: a proposal (in force 2027-07-01) that replaces eligibility rules
      (other thresholds on the same facts), inserts exclusions and replaces amounts in about
      12% of the chapters.
  With the dated parameter values that gives the five distinct versions of the timeline
  (before 2020, 2020, 2024, 2026, 2027) and the proposal applied: six versions are checked.
* **Planted defects** in 2% of the chapters (a gap, a dead rule, a redundant rule, a conflict,
  in turn), none in a chapter an amendment touches or a chain reads; ``planted.json`` lists
  them as ``[kind, decision]`` so that a run can be compared with exactly what was planted.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (benchmarks/ is not a package)
from generate import Decision, Module, Rule, money  # noqa: E402

CHAIN_LINKS = 17  # links per chain: with the amount at the bottom, 18 layers of decisions
INDEXATION = "indexatie_2026"
REPEAL = "intrekking_2027"
PROPOSAL = "voorstel_2027"
BOOK_FILES = ("statute.law", "indexatie.law", "intrekking.law", "voorstel.law")


class BookGenerator(generate.Generator):
    """``generate.Generator`` with the shape of a real statute book (module docstring)."""

    def __init__(self, n_rules: int, seed: int = 1, defects: float = 0.02) -> None:
        super().__init__(n_rules, seed, defects)
        self.rng = random.Random(f"lexproof-book-{seed}-{n_rules}")
        self.chain_tops: dict[int, tuple[str, int]] = {}  # group -> (last link, its layer)
        self.chain_count = 0
        self.chain_rules: set[str] = set()  # chapters' decisions a chain reads
        self.max_layer = 0

    def _make_groups(self) -> None:
        """Groups of about 35 facts (the parent's kinds and ranges, other sizes)."""
        randint = self.rng.randint
        self.rng.randint = lambda a, b: randint(33, 37) if (a, b) == (20, 60) else randint(a, b)  # type: ignore[method-assign]
        try:
            super()._make_groups()
        finally:
            self.rng.randint = randint  # type: ignore[method-assign]

    def _make_parameters(self) -> None:
        """Every parameter has three dated values (2015, 2020, 2024)."""
        count = max(4, self.n // 100)
        for index in range(count):
            if index % 2 == 0:
                name = f"leeftijdsgrens_{index}"
                base = self.rng.randint(18, 63)
                values = [f"= {base + k} from {year}-01-01" for k, year in enumerate((2015, 2020, 2024))]
                self.int_params.append(name)
                kind = "int"
            else:
                name = f"normbedrag_{index}"
                base = self.rng.randint(10, 400) * 100
                values = [f"= {money(base + k * base // 20)} from {year}-01-01" for k, year in enumerate((2015, 2020, 2024))]
                self.money_params.append(name)
                kind = "money"
            self.params_text.append(f"parameter {name}: {kind} [art. 1.{index + 1}]\n  " + "\n  ".join(values))
        self.params_text.append("parameter aow_leeftijd: int [art. 1.0 lid 1]\n  = 66 from 2015-01-01\n"
                                "  = 66 from 2020-01-01\n  = 67 from 2024-01-01")
        self.params_text.append("parameter toeslaggrens: money [art. 1.0 lid 2]\n  = €29_000 from 2015-01-01\n"
                                "  = €30_000 from 2020-01-01")

    def module(self, index: int, group: int, definitions_pool: list[tuple[str, int]]) -> Module:
        """A chapter as ``generate.py`` writes it, plus a link of its group's chain when it has
        an amount and no planted defect (so a chain never inherits a finding)."""
        module = super().module(index, group, definitions_pool)
        bedrag = next((d for d in module.decisions if d.name.endswith("_bedrag")), None)
        if bedrag is None or module.defect or module.definitions:
            return module
        chapter = index + 2
        previous, layer = self.chain_tops.get(group, (None, 0))
        if previous is None or layer >= CHAIN_LINKS + 1:
            self.chain_count += 1
            previous, layer = None, 1  # the chapter's amount is layer 1
        name = f"keten_{group}_{chapter}"
        link = Decision(name, "money", "€0", f"art. {chapter}.6")
        value = f"{previous} + {bedrag.name}" if previous else bedrag.name
        link.rules.append(Rule(f"{name}_1", name, f"art. {chapter}.6 lid 1", value, module.eligibility))
        module.decisions.append(link)
        self.chain_tops[group] = (name, layer + 1)
        self.max_layer = max(self.max_layer, layer + 1)
        return module

    def _statute_text(self) -> str:
        text = super()._statute_text()
        return text.replace("benchmarks/generate.py", "benchmarks/book.py")

    # --- the amendments ---------------------------------------------------------------------------
    def _touchable(self) -> list[Module]:
        """Chapters an amendment may change: no planted defect (its finding stays exact), not a
        definition or the gate's chapter (a chain link reading a changed amount is fine)."""
        return [m for m in self.modules if m.index >= 0 and not m.definitions and m.decisions and not m.defect
                and (self.gate is None or m.eligibility != self.gate[0])]

    def amendments(self) -> dict[str, str]:
        rng = random.Random(self.rng.random())
        chapters = self._touchable()
        rng.shuffle(chapters)
        n_repeal = max(1, len(self.modules) // 100)
        n_proposal = max(3, len(self.modules) * 12 // 100)
        repealed, proposed = chapters[:n_repeal * 3], chapters[n_repeal * 3:n_repeal * 3 + n_proposal]
        return {
            "indexatie.law": self._indexation(),
            "intrekking.law": self._repeal(repealed, n_repeal),
            "voorstel.law": self._proposal(proposed, rng),
        }

    def _indexation(self) -> str:
        lines = ['import "statute.law"', "",
                 f'amendment {INDEXATION} "Indexering 2026" amends {generate.STATUTE} in force 2026-01-01']
        for text in self.params_text:
            head = text.split("\n")[0]
            if ": money" not in head or "toeslaggrens" in head:
                continue
            name = head.split()[1].rstrip(":")
            last = int(text.split("\n")[-1].split("€")[1].split()[0].replace("_", ""))
            lines.append(f"  set parameter {name} = {money(last * 102 // 100)}")
        return "\n".join(lines) + "\n"

    def _repeal(self, chapters: list[Module], wanted: int) -> str:
        """Repeal, by its citation, an eligibility rule no exception names (not the first)."""
        lines = ['import "statute.law"', "",
                 f'amendment {REPEAL} "Intrekkingswet 2027" amends {generate.STATUTE} in force 2027-01-01']
        done = 0
        for module in chapters:
            recht = module.decisions[0]
            named = {t for d in module.decisions for r in d.rules for t in r.exceptions}
            candidates = [r for r in recht.rules[1:] if r.name not in named]
            if not candidates or done >= wanted:
                continue
            lines.append(f"  repeal [{candidates[-1].citation}]")
            done += 1
        if not done:  # a small book: repeal a whole chapter's duration article instead
            lines.append("  set parameter toeslaggrens = €30_500")
        return "\n".join(lines) + "\n"

    def _proposal(self, chapters: list[Module], rng: random.Random) -> str:
        """Replace an eligibility rule (same facts, other thresholds), insert an exclusion, or
        replace an amount, in turn."""
        lines = ['import "statute.law"', 'import "indexatie.law"', 'import "intrekking.law"', "",
                 f'amendment {PROPOSAL} "Hervormingsvoorstel" amends {generate.STATUTE} in force 2027-07-01 proposal']
        for k, module in enumerate(chapters):
            recht = module.decisions[0]
            _, group_facts = self.groups[module.group]
            bedrag = next((d for d in module.decisions if d.name.endswith("_bedrag")), None)
            if k % 3 == 0 and recht.rules[0].facts:
                old = recht.rules[0]
                condition = self.condition(old.facts, len(old.facts), old.extra)
                lines.append("  replace " + Rule(old.name, old.decision, old.citation, old.value, condition).text("  ").lstrip())
            elif k % 3 == 1:
                targets = [r.name for r in recht.rules if r.bool_value is True]
                fresh = [f for f in group_facts if f.name not in module.recht_facts] or group_facts
                new = Rule(f"{recht.name}_voorstel", recht.name, f"art. {module.index + 2}.1b", "false",
                           self.atom(rng.choice(fresh)), targets)
                lines.append("  insert " + new.text("  ").lstrip())
            elif bedrag is not None and bedrag.rules:
                old = bedrag.rules[0]
                value = f"{old.value} + {money(rng.randint(1, 9) * 10)}"
                lines.append("  replace " + Rule(old.name, old.decision, old.citation, value, old.condition,
                                                 old.exceptions).text("  ").lstrip())
        for name in self.money_params[: max(1, len(self.money_params) // 4)]:
            lines.append(f"  set parameter {name} = {money(rng.randint(10, 400) * 100)}")
        return "\n".join(lines) + "\n"

    def planted_findings(self) -> list[list[str]]:
        """``[kind, name]`` of each planted finding as ``findings`` reads it from a report: the
        decision of a gap or conflict, the rule that is dead or redundant."""
        carrier = {"gap": "_soort", "conflict": "_bedrag", "dead": "_recht_dood", "redundant": "_recht_dubbel"}
        out = []
        for module in self.modules:
            if module.defect:
                named = [d.name for d in module.decisions] + [r.name for d in module.decisions for r in d.rules]
                out.append([module.defect, next(n for n in named if n.endswith(carrier[module.defect]))])
        return out


def write_book(n_rules: int, out: Path, seed: int = 1, defects: float = 0.02) -> dict:
    """Write the book's four files and ``planted.json`` into ``out``; return a summary."""
    generator = BookGenerator(n_rules, seed, defects)
    statute, _ = generator.generate()
    out.mkdir(parents=True, exist_ok=True)
    (out / "statute.law").write_text(statute, encoding="utf-8")
    for name, text in generator.amendments().items():
        (out / name).write_text(text, encoding="utf-8")
    planted = generator.planted_findings()
    (out / "planted.json").write_text(json.dumps(planted, indent=1) + "\n", encoding="utf-8")
    summary = generator.summary()
    summary.update(chains=generator.chain_count, deepest_layer=generator.max_layer,
                   bytes=sum(len((out / name).read_bytes()) for name in BOOK_FILES))
    return summary


def findings(report: dict) -> list[list[str]]:
    """``[kind, name]`` of each finding of a ``lexproof check --format json`` report: the
    decision of a conflict or gap, the rule that is dead or redundant."""
    out = []
    for result in report["results"]:
        if result["kind"] in ("conflict", "gap", "dead", "redundant") and result["status"] == result["kind"]:
            out.append([result["kind"], result["name"].split(":")[0]])
    return out


def time_check(directory: Path, jobs: int = 2, extra: tuple[str, ...] = ()) -> tuple[float, dict]:
    """Wall time of ``lexproof check`` on the book (no cache), and its JSON report."""
    files = [str(directory / name) for name in BOOK_FILES]
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "lexproof", "check", *files, "--no-cache", "--format", "json",
                          "-j", str(jobs), *extra], capture_output=True, text=True, cwd=HERE.parent)
    elapsed = time.perf_counter() - start
    if run.returncode not in (0, 1):
        raise SystemExit(f"lexproof check failed ({run.returncode}):\n{run.stderr[-3000:]}")
    return elapsed, json.loads(run.stdout)


# Runs the command given as its arguments and writes, as the last line of stderr, the CPU seconds
# and the peak resident memory (KB) of that command and its workers alone: a parent's
# RUSAGE_CHILDREN maximum would carry over the largest process of every earlier measurement.
_MEASURED = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:])
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps([usage.ru_utime + usage.ru_stime, usage.ru_maxrss]), file=sys.stderr)
sys.exit(done.returncode)
"""


def time_diff(directory: Path, amendment: str, jobs: int = 2, brief: bool = False) -> dict:
    """``lexproof diff --amendment`` of the book without cache (``--brief`` too, with ``brief``):
    wall seconds, CPU seconds of the command and its workers, their peak memory (the largest
    process), and what the report holds: decisions changed, rows, outlined rows, directions
    left incomplete or unknown, and per direction the decisions in which some case goes it."""
    files = [str(directory / name) for name in BOOK_FILES]
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-c", _MEASURED, sys.executable, "-m", "lexproof", "diff", *files,
                          "--amendment", amendment, "--no-cache", "--format", "json", "-j", str(jobs),
                          *(["--brief"] if brief else [])], capture_output=True, text=True, cwd=HERE.parent)
    elapsed = time.perf_counter() - start
    if run.returncode not in (0, 1, 3):
        raise SystemExit(f"lexproof diff failed ({run.returncode}):\n{run.stderr[-3000:]}")
    cpu, peak_kb = json.loads(run.stderr.splitlines()[-1])
    results = json.loads(run.stdout)["results"]
    changed = [r for r in results if r["status"] == "changed"]
    rows = [row for r in changed for row in r["details"]["rows"]]
    parts = [p for r in changed for p in r["details"]["directions"].values()]
    some = {d: sum(1 for r in changed if r["details"]["directions"].get(d, {}).get("status") == "some")
            for d in ("gains", "loses", "changes")}
    return {"amendment": amendment, "brief": brief, "diff_seconds": round(elapsed, 2),
            "cpu_seconds": round(cpu, 1), "peak_mb": round(peak_kb / 1024), "decisions": len(results),
            "changed": len(changed),
            "unknown": sum(1 for r in results if r["status"] == "unknown"), "rows": len(rows),
            "outlined_rows": sum(1 for row in rows if row.get("outline")),
            "incomplete_parts": sum(1 for p in parts if not p["complete"]), "decisions_with_cases": some,
            "json_mb": round(len(run.stdout) / 1e6, 1)}


# Where ``lexproof check`` spends its time, from a cProfile of one process (``-j 1``): each
# category is the cumulative time of these functions (the first match counts for nested ones).
SPLIT = {
    "load (parse, type-check, consolidate)": ["verifier/api.py:load"],
    "solving (z3)": ["z3core.py:Z3_solver_check_assumptions", "z3core.py:Z3_optimize_check"],
    "encoding (cones, solvers)": ["verifier/checks.py:_build", "verifier/encoding.py:__init__"],
    "readable witnesses (Optimize)": ["verifier/solving.py:readable_model"],
    "check logic and replay": ["verifier/api.py:check"],
}


def profile_check(directory: Path) -> dict[str, float]:
    """cProfile ``lexproof check`` (``-j 1``, no cache) on the book; seconds per ``SPLIT``
    category. ``check logic`` is what the checks spend outside solving, encoding and witnesses,
    and ``z3py wrapper`` the time ``lexproof.verifier.solving.check`` spends around the z3 call."""
    import contextlib
    import cProfile
    import os
    import pstats

    from lexproof.verifier.cli import main as cli

    files = [str(directory / name) for name in BOOK_FILES]
    profiler = cProfile.Profile()
    cwd = os.getcwd()
    try:
        with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
            profiler.enable()
            try:
                cli(["check", *files, "--no-cache", "--format", "json", "-j", "1"], standalone_mode=False)
            except SystemExit:
                pass
            profiler.disable()
    finally:
        os.chdir(cwd)
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]

    def cumulative(pattern: str) -> float:
        path, function = pattern.split(":")
        return sum(entry[3] for (file, _, name), entry in stats.items() if file.endswith(path) and name == function)

    total = sum(entry[2] for entry in stats.values())
    out = {name: sum(cumulative(p) for p in patterns) for name, patterns in SPLIT.items()}
    out["z3py wrapper (assumptions)"] = cumulative("verifier/solving.py:check") - cumulative("z3core.py:Z3_solver_check_assumptions")
    out["check logic and replay"] -= sum(v for k, v in out.items() if k != "check logic and replay" and not k.startswith("load"))
    out["total"] = total
    return out


def edit_one_rule(directory: Path) -> str:
    """Change one threshold of an eligibility rule in the middle of the book (two digits to two
    others, so no line or column moves): what a drafter does between two checks."""
    path = directory / "statute.law"
    lines = path.read_text(encoding="utf-8").split("\n")
    heads = [i for i, line in enumerate(lines) if re.match(r"rule h\d+_recht_1 ", line)]
    for start in heads[len(heads) // 2:]:
        for i in range(start + 1, min(start + 4, len(lines))):
            match = re.search(r"(\w+ (?:>=|<=|<|>) )(\d\d)\b", lines[i])
            if match:
                new = str(int(match.group(2)) % 89 + 10)
                lines[i] = lines[i][:match.start(2)] + new + lines[i][match.end(2):]
                path.write_text("\n".join(lines), encoding="utf-8")
                return f"{lines[start].split()[1]}: {match.group(1)}{match.group(2)} -> {new}"
    raise SystemExit("no rule to edit")


def time_incremental(directory: Path, jobs: int = 2) -> dict:
    """``lexproof check`` with a fresh cache (cold, stores), after one rule edit (the cone cache
    reuses every unchanged cone), and without a cache on the edited book (the reference)."""
    import os
    import tempfile

    with tempfile.TemporaryDirectory(prefix="lexproof-book-cache-") as home:
        env = {**os.environ, "LEXPROOF_CACHE": str(Path(home) / "cache"), "XDG_CONFIG_HOME": str(Path(home) / "config")}
        files = [str(directory / name) for name in BOOK_FILES]

        def run(*extra: str) -> tuple[float, dict]:
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "lexproof", "check", *files, "--format", "json",
                                   "-j", str(jobs), *extra], capture_output=True, text=True, cwd=HERE.parent, env=env)
            if done.returncode not in (0, 1):
                raise SystemExit(done.stderr[-3000:])
            return time.perf_counter() - start, json.loads(done.stdout)

        cold, _ = run()
        edit = edit_one_rule(directory)
        warm, after = run()
        reference_seconds, reference = run("--no-cache")
    strip = [{k: v for k, v in r.items() if k not in ("cached", "case", "outcome")} for r in after["results"]]
    same = strip == [{k: v for k, v in r.items() if k not in ("case", "outcome")} for r in reference["results"]]
    return {"edit": edit, "cold_seconds": round(cold, 2), "after_edit_seconds": round(warm, 2),
            "no_cache_seconds": round(reference_seconds, 2), "reused": sum(1 for r in after["results"] if r.get("cached")),
            "same_findings_as_no_cache": same}


def time_diff_incremental(directory: Path, jobs: int = 2, brief: bool = True) -> dict:
    """A one-shot ``lexproof diff --amendment voorstel_2027`` (``--brief`` with ``brief``) with a
    fresh cache (cold, stores), then after the edit ``time_diff_watch`` makes (the cache reuses
    every decision whose cones did not change), and without a cache on the edited book (the
    reference: the same results, apart from the cached mark)."""
    import os
    import tempfile

    proposal = directory / "voorstel.law"
    text = proposal.read_text(encoding="utf-8")
    match = _proposal_amount(text)
    with tempfile.TemporaryDirectory(prefix="lexproof-book-cache-") as home:
        env = {**os.environ, "LEXPROOF_CACHE": str(Path(home) / "cache"), "XDG_CONFIG_HOME": str(Path(home) / "config")}
        files = [str(directory / name) for name in BOOK_FILES]

        def run(*extra: str) -> tuple[float, list]:
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "lexproof", "diff", *files, "--amendment", PROPOSAL,
                                   "--format", "json", "-j", str(jobs), *(["--brief"] if brief else []), *extra],
                                  capture_output=True, text=True, cwd=HERE.parent, env=env)
            if done.returncode not in (0, 3):
                raise SystemExit(done.stderr[-3000:])
            return time.perf_counter() - start, json.loads(done.stdout)["results"]

        try:
            cold, _ = run()
            edited = str(int(match.group(1)) % 97 + 1)
            proposal.write_text(text[:match.start(1)] + edited + text[match.end(1):], encoding="utf-8")
            warm, after = run()
            reference_seconds, reference = run("--no-cache")
        finally:
            proposal.write_text(text, encoding="utf-8")
    same = [{k: v for k, v in r.items() if k != "cached"} for r in after] == reference
    return {"brief": brief, "cold_seconds": round(cold, 2), "after_edit_seconds": round(warm, 2),
            "no_cache_seconds": round(reference_seconds, 2), "reused": sum(1 for r in after if r.get("cached")),
            "same_results_as_no_cache": same}


def time_watch(directory: Path, edits: int = 8, jobs: int = 1) -> dict:
    """``lexproof check --watch`` on the book: after the first run, ``edits`` times one threshold
    of one eligibility rule changed to a value not checked before (so no whole-statute cache
    entry applies), each time the seconds from writing the file to the report's status line
    ('checked in ...'), and the seconds the run itself took, as that line says."""
    import random

    statute = directory / "statute.law"
    text = statute.read_text(encoding="utf-8")
    match = None
    for head in re.finditer(r"rule h\d+_recht_1 .*\n  .*\n  if (\w+ < )(\d\d)%", text):
        match = head
    if match is None:
        raise SystemExit("no rule to edit")
    values = random.Random(7).sample([v for v in range(10, 100) if v != int(match.group(2))], edits)
    return _watched(["check", "--watch", "-j", str(jobs)], statute, match.span(2), values, "checked in")


def time_diff_watch(directory: Path, edits: int = 8, jobs: int = 2, brief: bool = True) -> dict:
    """``lexproof diff --amendment voorstel_2027 --watch`` (``--brief`` with ``brief``) on the
    book: after the first run, ``edits`` times the amount the proposal adds to one chapter's
    amount (``hC_bedrag = ... + €N``, the middle one of the proposal) changed to a value not
    compared before, so that the chapter's amount and the running totals of its chain above it
    are compared again; each time the seconds from writing the amendment to the report's status
    line ('compared in ...'), and the seconds the run took, as that line says."""
    import random

    proposal = directory / "voorstel.law"
    match = _proposal_amount(proposal.read_text(encoding="utf-8"))
    values = random.Random(7).sample([v for v in range(1, 100) if v != int(match.group(1))], edits)
    return _watched(["diff", "--amendment", PROPOSAL, "--watch", "-j", str(jobs), *(["--brief"] if brief else [])],
                    proposal, match.span(1), values, "compared in") | {"brief": brief}


def time_eval_watch(directory: Path, edits: int = 8) -> dict:
    """``lexproof eval --case CASE --watch`` on the book: after the first run, ``edits`` times the
    age in the case (``write_case``'s) changed to another value, each time the seconds from
    writing the case to the report's status line ('evaluated in ...'), and the seconds the run
    took, as that line says. Only the case changes, so the loaded book is kept between runs."""
    import random

    case = write_case(directory)
    match = re.search(r'"leeftijd": (\d+)', case.read_text(encoding="utf-8"))
    if match is None:
        raise SystemExit("no age in the case to edit")
    values = random.Random(7).sample([v for v in range(18, 90) if v != int(match.group(1))], edits)
    return _watched(["eval", "--case", str(case), "--date", "2026-06-01", "--watch"], case, match.span(1), values,
                    "evaluated in")


def _proposal_amount(text: str) -> re.Match:
    """The amount the proposal adds to a chapter's amount (``hC_bedrag = ... + €N``), the middle
    one of the proposal: what ``time_diff_watch`` and ``time_diff_incremental`` edit."""
    matches = list(re.finditer(r"_bedrag = .* \+ €(\d+)\n", text))
    if not matches:
        raise SystemExit("no amount in the proposal to edit")
    return matches[len(matches) // 2]


def _watched(command: list[str], edited: Path, span: tuple[int, int], values: list[int], marker: str) -> dict:
    """Run ``lexproof COMMAND`` (a ``--watch``) on the book in a fresh cache; after its first
    run write each of ``values`` in turn at ``span`` of ``edited``, each time timing from the
    write to the status line starting with ``marker`` (and reading the run's own seconds from
    it); the file is put back afterwards."""
    import os
    import queue
    import tempfile
    import threading

    text = edited.read_text(encoding="utf-8")
    start, end = span
    lines: queue.Queue = queue.Queue()
    with tempfile.TemporaryDirectory(prefix="lexproof-book-watch-") as home:
        env = {**os.environ, "LEXPROOF_CACHE": str(Path(home) / "cache"), "XDG_CONFIG_HOME": str(Path(home) / "config"),
               "LC_ALL": "C", "LANG": "C"}
        process = subprocess.Popen([sys.executable, "-m", "lexproof", command[0],
                                    *(str(edited.parent / name) for name in BOOK_FILES), *command[1:]],
                                   cwd=HERE.parent, env=env, text=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        threading.Thread(target=lambda: [lines.put(line) for line in process.stderr], daemon=True).start()

        def next_run() -> float:
            while True:
                line = lines.get(timeout=3600)
                found = re.search(marker + r" ([\d.]+) s", line)
                if found:
                    return float(found.group(1))

        try:
            first = next_run()
            latencies, runs = [], []
            for value in values:
                time.sleep(3)  # the drafter types; the collector tidies up after the last run
                written = time.perf_counter()
                edited.write_text(text[:start] + str(value) + text[end:], encoding="utf-8")
                runs.append(next_run())
                latencies.append(round(time.perf_counter() - written, 2))
            status = Path(f"/proc/{process.pid}/status")  # Linux: the watching process's peak memory
            peak = next((line.split()[1] for line in status.read_text().splitlines() if line.startswith("VmHWM")),
                        None) if status.exists() else None
        finally:
            process.terminate()
            process.wait()
            edited.write_text(text, encoding="utf-8")
    return {"command": command[0], "watch_first_run_seconds": first, "edit_to_report_seconds": latencies,
            "run_seconds": runs, "peak_memory_mb": round(int(peak) / 1024) if peak else None,
            "median_edit_to_report": sorted(latencies)[len(latencies) // 2],
            "median_run": sorted(runs)[len(runs) // 2]}


def write_case(directory: Path) -> Path:
    """A case for ``lexproof eval``: every fact at the value a counterexample shows for a fact
    nothing depends on (its typical value, else the low end of its domain)."""
    import datetime as dt
    from fractions import Fraction

    from lexproof.verifier import api
    from lexproof.verifier.solving import dont_care_value

    program = api.load(*(directory / name for name in BOOK_FILES))
    (statute,) = program.statutes.values()
    case = {}
    for name, info in statute.facts.items():
        if info.origin is not None:
            continue  # added by an amendment: not in the version evaluated
        value = dont_care_value(statute, info)
        if isinstance(value, Fraction):
            value = f"{float(value):.2f}" if info.type.kind == "money" else str(value)
        elif isinstance(value, int) and info.type.kind == "date":
            value = dt.date.fromordinal(value).isoformat()
        elif isinstance(value, dt.date):
            value = value.isoformat()
        case[name] = value
    path = directory / "case.json"
    path.write_text(json.dumps(case, indent=1), encoding="utf-8")
    return path


def time_eval(directory: Path, runs: int = 3) -> dict:
    """Wall and CPU times of ``lexproof eval`` of one case on the book: cold (``--no-cache``),
    then storing the loaded book in a fresh cache directory, then warm from it (the load cache,
    verifier/load_cache.py), all as JSON, whose outputs must be identical; and warm as the
    human report a drafter reads (``warm_human``, piped, so without colours)."""
    import os
    import resource
    import tempfile

    case = write_case(directory)
    files = [str(directory / name) for name in BOOK_FILES]
    times: dict[str, list] = {"cold": [], "storing": [], "warm": [], "warm_human": []}
    outputs = set()
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, LEXPROOF_CACHE=cache)
        for _ in range(runs):
            for kind in times:
                extra = ["--no-cache"] if kind == "cold" else []
                if kind == "storing":
                    for entry in Path(cache).glob("programs/*.json"):
                        entry.unlink()
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                start = time.perf_counter()
                output = [] if kind == "warm_human" else ["--format", "json"]
                done = subprocess.run([sys.executable, "-m", "lexproof", "eval", *files, "--case", str(case),
                                       "--date", "2026-06-01", *output, *extra],
                                      capture_output=True, text=True, cwd=HERE.parent, env=env)
                wall = time.perf_counter() - start
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
                times[kind].append({"wall": round(wall, 2), "cpu": round(cpu, 2)})
                if done.returncode != 0:
                    raise SystemExit(done.stderr[-3000:])
                if output:
                    outputs.add(done.stdout)
    return {"eval_seconds": times, "identical_outputs": len(outputs) == 1}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rules", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--defects", type=float, default=0.02)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--check", action="store_true", help="time `lexproof check` and compare with the planted findings")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--incremental", action="store_true",
                        help="time check cold, after one rule edit (cone cache warm), and without cache")
    parser.add_argument("--eval", action="store_true",
                        help="time `lexproof eval` of one case: cold, storing the loaded book, warm (3 runs each)")
    parser.add_argument("--watch", action="store_true",
                        help="time `lexproof check --watch` (one process, -j N): from writing an edit to its report, 8 edits")
    parser.add_argument("--eval-watch", action="store_true",
                        help="time `lexproof eval --case --watch`: from writing an edit of the case to its report, 8 edits")
    parser.add_argument("--diff", action="store_true",
                        help="time `lexproof diff --amendment` of the proposal and of the indexation (no cache, -j N)")
    parser.add_argument("--brief", action="store_true",
                        help="time `lexproof diff --amendment --brief` of the proposal and of the indexation (no cache, "
                             "-j N); with --diff-watch or --diff-incremental: time those with --brief instead")
    parser.add_argument("--diff-watch", action="store_true",
                        help="time `lexproof diff --amendment --watch` of the proposal (with --brief when given): "
                             "from writing an edit of the amendment to its report, 8 edits")
    parser.add_argument("--diff-incremental", action="store_true",
                        help="time a one-shot `lexproof diff --amendment` of the proposal (with --brief when given) "
                             "cold, after one edit of the amendment (cache warm), and without cache")
    parser.add_argument("--profile", action="store_true", help="cProfile `lexproof check -j 1` and print the split")
    args = parser.parse_args()
    summary = write_book(args.rules, args.out, args.seed, args.defects)
    print(json.dumps(summary))
    if args.profile:
        split = profile_check(args.out)
        total = split.pop("total")
        print(json.dumps({name: f"{seconds:.2f} s ({seconds / total:.0%})" for name, seconds in split.items()}
                         | {"total (profiled)": f"{total:.2f} s"}, indent=1))
    if args.eval:
        print(json.dumps(time_eval(args.out)))
    if args.incremental:
        print(json.dumps(time_incremental(args.out, args.jobs)))
    if args.watch:
        print(json.dumps(time_watch(args.out, jobs=args.jobs)))
    if args.eval_watch:
        print(json.dumps(time_eval_watch(args.out)))
    if args.diff_watch:
        print(json.dumps(time_diff_watch(args.out, jobs=args.jobs, brief=args.brief)))
    if args.diff_incremental:
        print(json.dumps(time_diff_incremental(args.out, args.jobs, brief=args.brief)))
    if (args.diff or args.brief) and not (args.diff_watch or args.diff_incremental):
        for amendment in (PROPOSAL, INDEXATION):
            for brief in [False] * args.diff + [True] * args.brief:
                print(json.dumps(time_diff(args.out, amendment, args.jobs, brief)))
    if args.check:
        seconds, report = time_check(args.out, args.jobs)
        found = sorted(map(tuple, findings(report)))
        planted = sorted(map(tuple, json.loads((args.out / "planted.json").read_text())))
        unknown = sum(1 for r in report["results"] if r["status"] == "unknown")
        print(json.dumps({"check_seconds": round(seconds, 2), "results": len(report["results"]),
                          "unknown": unknown, "findings": len(found), "planted": len(planted),
                          "missed": sorted(set(planted) - set(found)), "unplanted": sorted(set(found) - set(planted))}))


if __name__ == "__main__":
    main()
