"""Fuzzing the front end with mutated statute files: bad input must give diagnostics, never a
traceback, a crash or a hang.

Seeds: the bundled statutes (``statutes/**/*.law``, ``examples/**/*.law``) and random well-typed
statutes from ``tests/statute_generator.py``. Mutations: delete, swap and duplicate tokens;
truncate; insert odd Unicode (RTL marks, NUL, combining characters, emoji, BOM, line
separators, lone surrogates) and stray punctuation; nest very deeply (brackets, ``not``, unary
minus, ``if``, ``implies``, long sums and products, calls, sets); replace numbers by huge ones.
Each mutant goes through ``lexproof.dsl.parser.parse_text``, ``lexproof.dsl.check_program.check_files`` and the
consolidation of every version (what ``lexproof.dsl.loader.load`` does), and its diagnostics are
rendered. The only acceptable outcomes are success or a ``LexproofError`` whose diagnostics all
point into the file (line and column >= 1, line within the text). Each example runs under a
wall-clock alarm of ``TIME_LIMIT`` seconds (a hang fails the test).

A handful of mutants also go through the ``lexproof`` command line (``test`` and ``fmt
--check``): the exit code must be 0, 1 or 2, with no traceback and no "internal error".

Bugs this file found, fixed meanwhile and kept as regression tests at the end: an IndexError
while wording a syntax error, lark's VisitError escaping for deep ``if``/``implies`` chains, and
a RecursionError out of the checker for long operator chains.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from lexproof.dsl.check_program import check_files
from lexproof.dsl.consolidate import check_all_versions
from lexproof.dsl.diagnostics import LexproofError
from lexproof.dsl.parser import parse_text

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted(ROOT.glob("statutes/**/*.law")) + sorted(ROOT.glob("examples/**/*.law"))
SEED_TEXTS = [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")) for p in SEEDS]
TIME_LIMIT = 20  # seconds per example (parse + check of one mutant); generous for loaded CI machines
SCALE = settings.default.max_examples / 100

TOKEN = re.compile(
    r"\s+|--[^\n]*|\"(?:[^\"\\\n]|\\.)*\"|€ ?[0-9][0-9_.]*|[0-9][0-9_.%-]*|\w+|\.\.|<=|>=|!=|[^\w\s]"
)
ODD = [
    "\u200f",
    "\u202e",
    "\u200e",
    "\x00",
    "\u0301",
    "\u0308\u0301",
    "😀",
    "👨‍👩‍👧",
    "\ufeff",
    "\u2028",
    "\u2029",
    "\r",
    "\r\n",
    "\t",
    "\x0b",
    "\x0c",
    "\x1b[31m",
    "\ud800",
    "\U0010ffff",
    "€",
    "％",
    "ａ",
    "İ",
    "ß",
    "\u00a0",
    "--",
    '"',
    "\\",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ":",
    ",",
    "..",
    "=",
    "@",
    "@allow(",
    "@expect(",
]


def fuzz_settings(ci_count: int):
    return settings(
        max_examples=max(1, round(ci_count * SCALE)),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


class Hang(Exception):
    pass


@contextmanager
def time_limit(seconds: int):
    def on_alarm(signum, frame):
        raise Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


# --- mutations ---------------------------------------------------------------------------------------


@st.composite
def mutants(draw) -> tuple[str, str]:
    """(seed name, mutated text)."""
    name, text = draw(st.sampled_from(SEED_TEXTS))
    for _ in range(draw(st.integers(1, 3))):
        text = draw(mutation(text))
    return name, text


def mutation(text: str):
    toks = tokens(text)
    n = len(toks)

    def index():
        return st.integers(0, max(0, n - 1))

    def delete(i, k):
        return "".join(toks[:i] + toks[i + k :])

    def swap(i, j):
        if not toks:
            return text
        t = list(toks)
        t[i], t[j] = t[j], t[i]
        return "".join(t)

    def duplicate(i, k):
        return "".join(toks[: i + k] + toks[i : i + k] + toks[i + k :])

    def insert_odd(position, odd):
        return text[:position] + odd + text[position:]

    def truncate(position):
        return text[:position]

    def huge_number(i, digits, kind):
        numeric = [j for j, t in enumerate(toks) if re.match(r"€? ?[0-9]", t)]
        if not numeric:
            return text
        j = numeric[i % len(numeric)]
        big = "9" * digits
        replacement = {
            "int": big,
            "money": f"€{big}.99",
            "rate": f"{big}%",
            "decimal": f"0.{big}",
            "underscored": "1_" * digits + "0",
        }[kind]
        t = list(toks)
        t[j] = replacement
        return "".join(t)

    return st.one_of(
        st.builds(delete, index(), st.integers(1, 4)),
        st.builds(swap, index(), index()),
        st.builds(duplicate, index(), st.integers(1, 6)),
        st.builds(truncate, st.integers(0, len(text))),
        st.builds(
            insert_odd, st.integers(0, len(text)), st.sampled_from(ODD) | st.text(min_size=1, max_size=3)
        ),
        st.builds(
            huge_number,
            st.integers(0, 10_000),
            st.integers(20, 400),
            st.sampled_from(["int", "money", "rate", "decimal", "underscored"]),
        ),
        deep_nesting(text),
    )


def deep_nesting(text: str):
    """Replace the first expression after ' = ' / 'if ' / 'claim ' by a deeply nested one."""
    anchors = [m.end() for m in re.finditer(r"(?<=[^=!<>])= |\bif |\bclaim |\bassume ", text)] or [len(text)]

    def nest(anchor_index, kind, depth):
        at = anchors[anchor_index % len(anchors)]
        inner = {
            "parens": "(" * depth + "1" + ")" * depth,
            "brackets_unbalanced": "(" * depth + "1",
            "closers": ")" * depth,
            "not": "not " * depth + "true",
            "minus": "- " * depth + "1",
            "minus_tight": "-" * depth + "1",
            "if": "if true then " * depth + "1" + " else 1" * depth,
            "sum": " + ".join(["1"] * depth),
            "product": " * ".join(["2"] * depth),
            "and": " and ".join(["true"] * depth),
            "implies": " implies ".join(["true"] * depth),
            "calls": "min(" * depth + "1" + ", 1)" * depth,
            "sets": "x in {" * depth + "1" + "}" * depth,
        }[kind]
        return text[:at] + inner + " " + text[at:]

    return st.builds(
        nest,
        st.integers(0, 10_000),
        st.sampled_from(
            [
                "parens",
                "brackets_unbalanced",
                "closers",
                "not",
                "minus",
                "minus_tight",
                "if",
                "sum",
                "product",
                "and",
                "implies",
                "calls",
                "sets",
            ]
        ),
        st.sampled_from([5, 50, 99, 100, 101, 150, 300, 400, 1000, 3000]),
    )


# --- the oracle ----------------------------------------------------------------------------------------


def check_text(text: str, path: str) -> None:
    """Parse, check, consolidate; only success or positioned diagnostics are acceptable."""
    try:
        with time_limit(TIME_LIMIT):
            file = parse_text(text, path)
            program = check_files([file])
            for statute in program.statutes.values():
                check_all_versions(statute)
    except LexproofError as error:
        assert error.diagnostics, "a LexproofError without diagnostics"
        line_count = len(text.splitlines()) + 1
        for diagnostic in error.diagnostics:
            span = diagnostic.span
            assert span.file == path, f"diagnostic in another file: {span} ({diagnostic.message})"
            assert span.line >= 1 and span.column >= 1, (
                f"diagnostic without a position: {span} {diagnostic.message!r}"
            )
            assert span.line <= line_count, (
                f"diagnostic beyond the end of the file: {span} {diagnostic.message!r}"
            )
        with time_limit(TIME_LIMIT):
            rendered = error.render()
        assert isinstance(rendered, str) and rendered


@fuzz_settings(300)
@given(mutants())
def test_mutated_statutes_give_diagnostics_not_crashes(mutant: tuple[str, str]) -> None:
    name, text = mutant
    note(f"seed {name}; mutated text:\n{text[:3000]}")
    check_text(text, f"mutant-of-{Path(name).name}")


@fuzz_settings(150)
@given(st.data())
def test_mutated_generated_statutes_give_diagnostics_not_crashes(data) -> None:
    """Mutants of random well-typed statutes (tests/statute_generator.py): small edits of valid
    programs reach the checker's type and amendment errors more often than mutated real files."""
    from statute_generator import properties, statutes

    gen = data.draw(statutes(), label="statute")
    prop = data.draw(properties(gen), label="property")
    text = gen.text(statute_items=prop.text)
    for _ in range(data.draw(st.integers(1, 2), label="mutations")):
        text = data.draw(mutation(text), label="mutant")
    note(text)
    check_text(text, "mutant-of-generated.law")


@fuzz_settings(60)
@given(st.sampled_from(SEED_TEXTS), st.data())
def test_truncated_statutes_give_diagnostics(seed: tuple[str, str], data) -> None:
    """Every prefix of a real statute is either valid or a positioned error."""
    name, text = seed
    cut = data.draw(st.integers(0, len(text)), label="cut")
    check_text(text[:cut], f"prefix-of-{Path(name).name}")


@pytest.mark.parametrize(
    "kind", ["parens", "not", "minus", "minus_tight", "if", "sum", "implies", "calls", "and"]
)
@pytest.mark.parametrize("depth", [99, 100, 101, 300, 400, 500, 5000])
def test_deep_nesting_is_a_diagnostic(kind: str, depth: int) -> None:
    expression = {
        "parens": "(" * depth + "1" + ")" * depth,
        "not": "not " * depth + "(1 = 1)",
        "minus": "- " * depth + "1",
        "minus_tight": "-" * depth + "1",
        "if": "if true then " * depth + "1" + " else 1" * depth,
        "sum": " + ".join(["1"] * depth),
        "implies": " implies ".join(["(1 = 1)"] * depth),
        "and": " and ".join(["(1 = 1)"] * depth),
        "calls": "min(" * depth + "1" + ", 1)" * depth,
    }[kind]
    value = (
        expression
        if kind in ("parens", "minus", "minus_tight", "if", "sum", "calls")
        else f"if {expression} then 1 else 0"
    )
    text = f"statute S\nfacts F {{ x: int 0..3 }}\ndecision d: int otherwise 0\nrule r [art. 1]:\n  d = {value}\n"
    check_text(text, f"deep-{kind}-{depth}.law")


@pytest.mark.parametrize(
    "literal",
    [
        "9" * 31,
        "9" * 400,
        "€" + "9" * 400 + ".99",
        "9" * 400 + "%",
        "0." + "9" * 400,
        "1" + "_0" * 200,
        "9" * 30,
        "€" + "9" * 28 + ".99",
    ],
)
def test_huge_numbers_are_diagnostics_or_exact(literal: str) -> None:
    kind = (
        "money" if literal.startswith("€") else "rate" if literal.endswith("%") or "." in literal else "int"
    )
    text = (
        f"statute S\nfacts F {{ x: {kind} }}\nparameter p: {kind} = {literal}\n"
        f"decision d: bool otherwise false\nrule r [art. 1]: d = true if x <= p\n"
    )
    check_text(text, "huge.law")


# --- the command line ------------------------------------------------------------------------------------


CLI_TIMEOUT = 120


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lexproof", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8"},
    )


@settings(
    max_examples=max(1, round(6 * SCALE)),
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(mutant=mutants(), command=st.sampled_from(["test", "fmt"]))
def test_cli_on_mutants_exits_cleanly(tmp_path_factory, mutant: tuple[str, str], command: str) -> None:
    name, text = mutant
    directory = tmp_path_factory.mktemp("mutant")
    path = directory / Path(name).name
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    args = ["test", str(path), "--date", "2025-01-01"] if command == "test" else ["fmt", "--check", str(path)]
    result = run_cli(*args)
    note(f"stdout: {result.stdout[-2000:]}\nstderr: {result.stderr[-2000:]}")
    assert result.returncode in (0, 1, 2), f"exit code {result.returncode}: {result.stderr[-2000:]}"
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr[-2000:]


# --- bugs this file found (fixed meanwhile): regression tests -------------------------------------------------


def _front_end(text: str) -> None:
    """What ``lexproof.dsl.loader.load`` does to a text; a LexproofError is the correct outcome here."""
    try:
        program = check_files([parse_text(text, "reproducer.law")])
        for statute in program.statutes.values():
            check_all_versions(statute)
    except LexproofError as error:
        assert all(d.span.line >= 1 and d.span.column >= 1 for d in error.diagnostics)


def test_regression_syntax_error_expecting_only_an_anonymous_terminal() -> None:
    """Was (found by this file, fixed meanwhile): _expected_phrase indexed an empty list when the
    only expected terminal was anonymous ('..' after a range's first bound): IndexError, exit 4."""
    _front_end("statute S\nfacts F { x: int 1 }\n")


@pytest.mark.parametrize(
    "expression",
    [
        "if true then " * 500 + "1" + " else 1" * 500,
        "if " + " implies ".join(["true"] * 600) + " then 1 else 0",
    ],
    ids=["if-500", "implies-600"],
)
def test_regression_deep_right_nested_expression_is_a_diagnostic(expression: str) -> None:
    """Was (found by this file, fixed meanwhile): lark wrapped the transformer's RecursionError in
    VisitError, which escaped parse_text for 500 nested 'if'/'implies'; the CLI exited 4."""
    _front_end(f"statute S\ndecision d: int otherwise {expression}\n")


@pytest.mark.parametrize(
    "expression",
    [
        " and ".join(["true"] * 300),
        "not " * 300 + "true",
        "(" + " + ".join(["1"] * 400) + ") = 1",
    ],
    ids=["and-300", "not-300", "sum-400"],
)
def test_regression_long_operator_chain_is_a_diagnostic(expression: str) -> None:
    """Was (found by this file, fixed meanwhile): the checker recursed once per operator and a
    flat chain of 300 'and' / 'not' / '+' raised RecursionError out of check_files."""
    _front_end(f"statute S\ndecision d: bool otherwise {expression}\n")
