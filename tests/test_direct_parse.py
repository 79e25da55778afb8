"""The parser builds the AST as it reduces (dsl/direct_parse.py): the same AST, spans included,
as a Lark parse tree transformed by ToAst (the way it was built before, and still the fallback).
Compared on every .law file in the repository, on the benchmark generator's statutes and on
generated statutes of the soundness suites; a syntax error gives the tree parser's diagnostic."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from lark.exceptions import UnexpectedInput
from statute_generator import item_statutes, linked_statutes, statutes

from lexproof.dsl.diagnostics import LexproofError
from lexproof.dsl.direct_parse import direct_parse
from lexproof.dsl.grammar import lark_parser
from lexproof.dsl.parser import parse_text, read_source
from lexproof.dsl.syntax_errors import syntax_diagnostic
from lexproof.dsl.tree_to_ast import ToAst

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))


def by_tree(text: str, path: str = "f.law", start: str = "start"):
    """The AST and ToAst's diagnostics, built from the parse tree."""
    builder = ToAst(path)
    return builder.transform(lark_parser().parse(text, start=start)), builder.errors


def direct(text: str, path: str = "f.law", start: str = "start"):
    builder = ToAst(path)
    result = direct_parse(lark_parser(), text, start, builder)
    assert result is not None, "the direct parser was not available"
    return result, builder.errors


def assert_same(text: str, start: str = "start") -> None:
    (expected, expected_errors), (got, errors) = by_tree(text, start=start), direct(text, start=start)
    assert got == expected
    assert repr(got) == repr(expected)  # spans are in the repr: every position compared
    assert errors == expected_errors


LAW_FILES = sorted(p for p in ROOT.rglob("*.law") if ".ci" not in p.parts and ".venv" not in p.parts)


def test_there_are_law_files_to_compare() -> None:
    assert len(LAW_FILES) > 50


@pytest.mark.parametrize("path", LAW_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_law_file_of_the_repository(path: Path) -> None:
    text = read_source(path)
    try:
        lark_parser().parse(text, start="start")
    except UnexpectedInput:  # a file meant not to parse (a test of syntax errors)
        with pytest.raises(UnexpectedInput):
            direct(text)
        return
    assert_same(text)


def test_the_benchmark_generators_statutes(tmp_path: Path) -> None:
    from generate import write_statute

    write_statute(300, tmp_path, seed=3)
    for path in sorted(tmp_path.glob("*.law")):
        assert_same(path.read_text(encoding="utf-8"))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(statutes(finite=False))
def test_generated_statutes(gen) -> None:
    assert_same(gen.text())


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(item_statutes())
def test_generated_statutes_with_items(gen) -> None:
    assert_same(gen.text)


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(linked_statutes(with_priority=True))
def test_generated_statutes_that_read_each_other(gen) -> None:
    for text in gen.texts.values():
        assert_same(text)


def test_queries() -> None:
    for query in ("exists Aanvrager: leeftijd < 30 and (inkomen > €1_000 or not student)",
                  "a.b + (c * 2) >= round(d / 3, 2)", "x"):
        assert_same(query, start="query")


def test_positions_inside_brackets_and_inlined_rules() -> None:
    # A bracketed expression is an inlined rule whose container is wider than the node: the
    # product's span starts at the bracket, as in the tree (columns checked by hand).
    text = "statute S\nfacts F { x: int  y: int }\ndecision d: int\nrule r [art. 1]: d = (x + y) * 2\n"
    tree, _ = direct(text)
    rule = tree.sections[0].items[-1]
    product = rule.value
    assert (product.span.line, product.span.column) == (4, 22)  # the '(' of '(x + y)'
    assert (product.left.span.line, product.left.span.column) == (4, 23)  # 'x + y' itself
    assert_same(text)


def test_a_syntax_error_is_the_tree_parsers_diagnostic() -> None:
    text = "statute S\nfacts F { x: int }\ndecision d: int\nrule r [art. 1]: d = x +\n"
    with pytest.raises(UnexpectedInput):
        direct(text)
    with pytest.raises(UnexpectedInput) as tree_error:
        lark_parser().parse(text, start="start")
    expected = syntax_diagnostic(tree_error.value, "f.law", text)
    with pytest.raises(LexproofError) as raised:
        parse_text(text, "f.law")
    assert raised.value.diagnostics == [expected]
    assert expected.message == "unexpected end of file; expected an expression" and expected.span.line == 4
