"""The third engine: on generated statutes x generated populations, the SQL compiled for DuckDB
(verifier/sql_compile.py, verifier/sql_engine.py) gives every row the evaluator's outcome:
the same status (decided, default, undecided, conflict, undefined), the same exact value, and
the same rules named in a conflict. The evaluator (dsl/evaluator.py) is the reference."""

from __future__ import annotations

import pytest

pytest.importorskip("duckdb")

from hypothesis import event, given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from statute_generator import GeneratedStatute, statutes  # noqa: E402
from test_soundness import context, distinct_versions, sample_cases, soundness_settings  # noqa: E402

from lexproof.dsl.evaluator import evaluate_case  # noqa: E402
from lexproof.verifier.sql_engine import DuckDBEngine  # noqa: E402


def disagreements(gen: GeneratedStatute, seed: int) -> list[str]:
    statute = gen.load()
    engine = DuckDBEngine(threads=1)
    problems: list[str] = []
    for text, version in distinct_versions(statute, gen):
        cases = [case for case in sample_cases(gen, seed) if case in gen.cases_in(version)]
        engine.load_cases(statute, cases)
        rows = engine.outcomes(version)
        assert len(rows) == len(cases)
        for case, row in zip(cases, rows):
            for name, expected in evaluate_case(version, case).items():
                status, value, reason = row[name]
                wanted = expected.value if expected.defined else None
                event(f"some decision is {expected.status}")
                if (status, value) != (expected.status, wanted):
                    problems.append(f"{text}: {case}: {name}: SQL {status} {value!r} ({reason}), "
                                    f"evaluator {expected.status} {wanted!r} ({expected.reason})")
                elif expected.status in ("conflict", "undecided") and reason != expected.reason:
                    problems.append(f"{text}: {case}: {name}: SQL says {reason!r}, evaluator {expected.reason!r}")
                elif (reason or "").startswith(("a condition", "the value of rule")) and \
                        not (expected.reason or "").startswith(reason.removesuffix(" is undefined")):
                    problems.append(f"{text}: {case}: {name}: SQL says {reason!r}, evaluator {expected.reason!r}")
    return problems


@soundness_settings(150)
@given(gen=statutes(), seed=st.integers(0, 2**16))
def test_duckdb_agrees_with_the_evaluator_on_every_row(gen: GeneratedStatute, seed: int) -> None:
    problems = disagreements(gen, seed)
    assert not problems, context(gen, gen.text(), "\n".join(problems[:10]))


@soundness_settings(40)
@given(gen=statutes(features={"growth": True}), seed=st.integers(0, 2**16))
def test_duckdb_agrees_with_the_evaluator_when_amendments_add_facts_and_values(gen: GeneratedStatute, seed: int) -> None:
    problems = disagreements(gen, seed)
    assert not problems, context(gen, gen.text(), "\n".join(problems[:10]))
