"""What-if: the built-in checks with the fixes proposed in docs/performance.md, modelled as
monkeypatches in this process only (the project's code is not changed).

    python benchmarks/whatif.py --sizes 1000,3000,10000
    python benchmarks/whatif.py --sizes 3000 --fixes rules_index,lazy_facts

Each fix is applied cumulatively in the order given; each size runs in a fresh subprocess per
fix set. Prints the CPU time of encoding every decision and of api.builtin_checks (all four
checks, as `lexproof check` runs them), and the findings, which must not change.

This is evidence for the proposals, not a tool to keep: once the code changes, a patch may no
longer apply (it then says so and the run stops).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

FIXES = ["rules_index", "lazy_facts", "shared_context", "source_lines", "rule_structure"]


def rules_index() -> None:
    """Version.rules_of: an index built once per version instead of a scan of every rule."""
    from dsl.consolidate import Version

    def rules_of(self, decision):
        index = self.__dict__.get("_bench_by_decision")
        if index is None:
            grouped: dict[str, list] = {}
            for rule in self.rules:
                grouped.setdefault(rule.decision, []).append(rule)
            index = {name: tuple(rules) for name, rules in grouped.items()}
            object.__setattr__(self, "_bench_by_decision", index)
        return index.get(decision, ())

    Version.rules_of = rules_of


class _LazyFacts(dict):
    """Facts are declared (with their domain) the first time an expression reads them."""

    def __init__(self, encoder, raw: bool) -> None:
        super().__init__()
        self.encoder, self.raw = encoder, raw

    def __missing__(self, key):
        case, name = key
        self.encoder._declare_fact(self.encoder.statute.facts[name], case)
        target = self.encoder.fact_raw if self.raw else self.encoder.facts
        return dict.__getitem__(target, key)


def lazy_facts() -> None:
    """Encoder declares only the facts its decision reads; read_cases and readable_model give
    the others their typical (or lowest) value instead of asking the solver."""
    import verifier.checks
    import verifier.encoding as encoding
    import verifier.properties
    import verifier.solving as solving

    original_init = encoding.Encoder.__init__

    def __init__(self, statute, versions, cases=(None,), ctx=None):
        saved = statute.facts
        statute.facts = {}
        try:
            original_init(self, statute, versions, cases, ctx)
        finally:
            statute.facts = saved
        self.facts, self.fact_raw = _LazyFacts(self, False), _LazyFacts(self, True)

    original_declare = encoding.Encoder._declare_fact

    def _declare_fact(self, fact, case):
        if not dict.__contains__(self.facts, (case, fact.name)):
            original_declare(self, fact, case)

    encoding.Encoder.__init__ = __init__
    encoding.Encoder._declare_fact = _declare_fact

    def default(info, statute):
        if info.typical is not None:
            return info.typical
        if info.type.kind == "enum":
            return statute.enums[info.type.enum][0]
        if info.type.kind == "bool":
            return False
        return info.low if info.low is not None else 0

    def read_cases(encoder, model):
        cases = {}
        for case in encoder.cases:
            facts = {}
            for name, info in encoder.statute.facts.items():
                if dict.__contains__(encoder.facts, (case, name)):
                    term = model.eval(dict.__getitem__(encoder.facts, (case, name)), model_completion=True)
                    facts[name] = encoder.decode(info.type, term)
                else:
                    facts[name] = default(info, encoder.statute)
            cases[case] = facts
        return cases

    original_readable = solving.readable_model

    def readable_model(encoder, goal, budget, fallback):
        saved = encoder.statute.facts
        declared = {name for (_case, name) in dict.keys(encoder.facts)}
        encoder.statute.facts = {k: v for k, v in saved.items() if k in declared}
        try:
            return original_readable(encoder, goal, budget, fallback)
        finally:
            encoder.statute.facts = saved

    for module in (solving, verifier.checks, verifier.properties):
        if hasattr(module, "read_cases"):
            module.read_cases = read_cases
        if hasattr(module, "readable_model"):
            module.readable_model = readable_model


def shared_context() -> None:
    """One z3.Context for the run instead of one per decision (creating and deleting a
    context costs milliseconds; the terms of shared definitions are hash-consed once)."""
    import z3

    import verifier.encoding as encoding

    shared: dict[str, z3.Context] = {}
    original_init = encoding.Encoder.__init__

    def __init__(self, statute, versions, cases=(None,), ctx=None):
        if ctx is None:
            if "ctx" not in shared:
                shared["ctx"] = z3.Context()
            ctx = shared["ctx"]
        original_init(self, statute, versions, cases, ctx)

    encoding.Encoder.__init__ = __init__


def source_lines() -> None:
    """SourceRegistry keeps each file's lines instead of splitting the whole text per lookup."""
    from dsl.source import SourceRegistry

    def lines_of(self, name):
        cache = self.__dict__.setdefault("_bench_lines", {})
        if name not in cache:
            text = self._texts.get(name)
            cache[name] = None if text is None else text.splitlines()
        return cache[name]

    original_add = SourceRegistry.add

    def add(self, name, text):
        original_add(self, name, text)
        self.__dict__.setdefault("_bench_lines", {}).pop(name, None)

    def line(self, name, line):
        lines = lines_of(self, name)
        if lines is None or line < 1:
            return None
        if line > len(lines):
            return "" if line == len(lines) + 1 else None
        return lines[line - 1]

    SourceRegistry.add = add
    SourceRegistry.line = line


def rule_structure() -> None:
    """check_rule_structure with set(by_name) computed once, not once per rule."""
    import inspect

    import dsl.checker as checker
    import dsl.consolidate

    source = inspect.getsource(checker.check_rule_structure)
    needle = "set(r.exceptions) & set(by_name)"
    if needle not in source:
        raise SystemExit("rule_structure: check_rule_structure changed; this patch no longer applies")
    source = source.replace(needle, "set(r.exceptions) & _names").replace(
        "    by_name = {rule.name: rule for rule in rules}\n",
        "    by_name = {rule.name: rule for rule in rules}\n    _names = set(by_name)\n", 1)
    namespace = dict(checker.__dict__)
    exec(compile(source, checker.__file__, "exec"), namespace)  # noqa: S102 - a what-if, by design
    checker.check_rule_structure = namespace["check_rule_structure"]
    if hasattr(dsl.consolidate, "check_rule_structure"):
        dsl.consolidate.check_rule_structure = namespace["check_rule_structure"]


def child(directory: Path, fixes: list[str]) -> dict:
    for name in fixes:
        globals()[name]()
    from dsl.consolidate import version_on
    from dsl.loader import load
    from verifier import api
    from verifier.encoding import Encoder
    from verifier.solving import Budget, new_solver

    start = time.process_time()
    program = load([directory])
    load_cpu = time.process_time() - start
    statute = program.statutes[generate.STATUTE]
    day = dt.date.fromisoformat(generate.CHECK_DATE)
    version = version_on(statute, day)
    start = time.process_time()
    for decision in statute.decisions:
        encoder = Encoder(statute, {None: version})
        encoder.decision(decision)
        new_solver(encoder, Budget())
    encode_cpu = time.process_time() - start
    start = time.process_time()
    results = api.builtin_checks(statute, day, Budget())
    checks_cpu = time.process_time() - start
    return {"load": load_cpu, "encode": encode_cpu, "checks": checks_cpu,
            "findings": dict(sorted(Counter(f"{r.kind}:{r.status}" for r in results).items()))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,3000")
    parser.add_argument("--fixes", default=",".join(FIXES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/lexproof-whatif"))
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    fixes = [f for f in args.fixes.split(",") if f]
    if args.child:
        print(json.dumps(child(args.child, fixes)))
        return
    print("| N | fixes applied | api.load (cpu) | encode every decision (cpu) | all built-in checks (cpu) | findings |")
    print("|---|---|---|---|---|---|")
    for n in [int(s) for s in args.sizes.split(",") if s]:
        directory = args.workdir / f"s{n}"
        generate.write_statute(n, directory, args.seed)
        previous = None
        for k in range(len(fixes) + 1):
            applied = fixes[:k]
            completed = subprocess.run([sys.executable, __file__, "--child", str(directory), "--fixes", ",".join(applied)],
                                       capture_output=True, text=True, cwd=ROOT)
            if completed.returncode:
                print(completed.stderr[-2000:], file=sys.stderr)
                break
            data = json.loads(completed.stdout.strip().splitlines()[-1])
            same = "" if previous is None or previous == data["findings"] else " (CHANGED)"
            previous = previous or data["findings"]
            label = "none (as is)" if not applied else "+ " + applied[-1]
            print(f"| {n:,} | {label} | {data['load']:.2f} s | {data['encode']:.2f} s | {data['checks']:.2f} s | "
                  f"{', '.join(f'{k} {v}' for k, v in data['findings'].items())}{same} |", flush=True)


if __name__ == "__main__":
    main()
