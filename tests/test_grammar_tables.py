"""The precomputed LALR tables (dsl/grammar_tables.json) against the grammar they come from.

The parser is loaded from those tables instead of being built from dsl/grammar.lark in every
process (issue 18). These tests check that the committed tables are exactly what Lark builds
from the current grammar, that the loaded parser reads every statute, example and broken
fixture into the same AST with the same spans and the same diagnostics as a freshly built
one, and that a stale or damaged tables file falls back to building, never to a wrong parser."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import lark
import pytest
from lark.grammar import Rule
from lark.lexer import TerminalDef

import lexproof.dsl.grammar as grammar
import lexproof.dsl.parser as parser
from lexproof.dsl.diagnostics import LexproofError

ROOT = Path(__file__).resolve().parent.parent
LAW_FILES = sorted(
    [*ROOT.glob("statutes/**/*.law"), *ROOT.glob("examples/**/*.law"), *ROOT.glob("tests/broken/*.law")]
)


@pytest.fixture(scope="module")
def built() -> lark.Lark:
    return grammar.build_lark_parser()


@pytest.fixture(scope="module")
def loaded() -> lark.Lark:
    result = grammar._load_tables(grammar.GRAMMAR_FILE.read_text(encoding="utf-8"))
    assert result is not None, "dsl/grammar_tables.json is stale: run `python -m lexproof.dsl.grammar`"
    return result


def test_committed_tables_are_those_of_the_current_grammar() -> None:
    """Fails after an edit of dsl/grammar.lark (or a Lark upgrade) until `python -m lexproof.dsl.grammar`
    is run; until then the parser is built from the grammar: correct, only slower."""
    document = json.loads(grammar.TABLES_FILE.read_text(encoding="utf-8"))
    assert document["stamp"] == grammar.tables_stamp(grammar.GRAMMAR_FILE.read_text(encoding="utf-8")), (
        "dsl/grammar_tables.json is stale: run `python -m lexproof.dsl.grammar`"
    )


def test_the_json_encoding_gives_back_exactly_what_lark_serialised(built: lark.Lark) -> None:
    data, memo = built.memo_serialize([TerminalDef, Rule])
    text = json.dumps({"data": grammar._encode(data), "memo": grammar._encode(memo)})
    back = json.loads(text, object_hook=grammar._decode_object)

    def typed(value: object) -> object:  # equality that also tells a tuple from a list
        if isinstance(value, dict):
            return ("dict", sorted(((type(k).__name__, k), typed(v)) for k, v in value.items()))
        if isinstance(value, (list, tuple)):
            return (type(value).__name__, [typed(v) for v in value])
        return (type(value).__name__, value)

    assert typed(back["data"]) == typed(data)
    assert typed(back["memo"]) == typed(memo)
    assert any(isinstance(key, int) for key in memo)  # the tags were needed


def _rule(rule: Rule) -> tuple:
    """What of a rule the parser and its tree builder use (RuleOptions has no equality)."""
    options = rule.options
    return (str(rule.origin.name), [str(s.name) for s in rule.expansion], rule.alias, rule.order,
            options.keep_all_tokens, options.expand1, options.priority, options.empty_indices)


def _same_automaton(loaded: lark.Lark, built: lark.Lark) -> int:
    """Whether two LALR tables are the same automaton. Lark numbers the states differently in
    each process, so the states are matched by walking both from the start states: every
    state must have the same actions on the same symbols, reductions by equal rules and
    shifts to matching states. Returns the number of states matched."""
    mine = loaded.parser.parser.parser.parse_table
    theirs = built.parser.parser.parser.parse_table
    assert mine.start_states.keys() == theirs.start_states.keys()
    pairs: dict[int, int] = {}
    todo = [(mine.start_states[s], theirs.start_states[s]) for s in mine.start_states]
    todo += [(mine.end_states[s], theirs.end_states[s]) for s in mine.end_states]
    while todo:
        a, b = todo.pop()
        if a in pairs:
            assert pairs[a] == b, f"state {a} matches two states"
            continue
        pairs[a] = b
        actions_a, actions_b = mine.states[a], theirs.states[b]
        assert actions_a.keys() == actions_b.keys(), f"states {a} and {b} expect other symbols"
        for symbol, (action, argument) in actions_a.items():
            other_action, other_argument = actions_b[symbol]
            assert action.name == other_action.name, (a, symbol)
            if action.name == "Shift":
                todo.append((argument, other_argument))
            else:
                assert _rule(argument) == _rule(other_argument), (a, symbol)
    assert len(set(pairs.values())) == len(pairs) == len(mine.states) == len(theirs.states)
    return len(pairs)


def test_the_loaded_parser_has_the_built_parsers_tables(built: lark.Lark, loaded: lark.Lark) -> None:
    assert _same_automaton(loaded, built) > 100
    def terminals(parser: lark.Lark) -> list[tuple]:
        return [(t.name, t.pattern.type, t.pattern.value, sorted(t.pattern.flags), t.priority) for t in parser.terminals]

    assert terminals(loaded) == terminals(built)
    assert loaded.options.propagate_positions and not loaded.options.maybe_placeholders


def test_loading_the_parser_does_not_compute_the_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """The point of the tables: no LALR construction when a command starts."""
    import lark.parsers.lalr_analysis as analysis

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("the LALR tables were computed")

    monkeypatch.setattr(analysis.LALR_Analyzer, "compute_lalr", refuse)
    grammar.lark_parser.cache_clear()
    try:
        assert grammar.lark_parser().parse(parser.read_source(LAW_FILES[0]), start="start") is not None
    finally:
        grammar.lark_parser.cache_clear()


def _outcome(text: str, path: str) -> str:
    """The AST (its repr shows every node and span) or the rendered diagnostics."""
    try:
        return repr(parser.parse_text(text, path))
    except LexproofError as error:
        return "\n".join(diagnostic.render() for diagnostic in error.diagnostics)


def _with(monkeypatch: pytest.MonkeyPatch, instance: lark.Lark) -> None:
    monkeypatch.setattr(parser, "lark_parser", lambda: instance)
    monkeypatch.setattr(grammar, "lark_parser", lambda: instance)  # lexproof.dsl.syntax_errors reads it here


def _damaged(text: str) -> Iterator[str]:
    """Syntax errors at a few places of a text: cut off, a stray token, an unclosed bracket."""
    for fraction in (0.3, 0.6, 0.9):
        cut = int(len(text) * fraction)
        yield text[:cut]
        yield text[:cut] + " = ) " + text[cut:]
        yield text[:cut] + "(" + text[cut:]


@pytest.mark.parametrize("path", LAW_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_same_ast_and_diagnostics_from_the_loaded_and_the_built_parser(
    path: Path, built: lark.Lark, loaded: lark.Lark, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = parser.read_source(path)
    inputs = [text, *_damaged(text)]
    _with(monkeypatch, built)
    expected = [_outcome(each, str(path)) for each in inputs]
    _with(monkeypatch, loaded)
    assert [_outcome(each, str(path)) for each in inputs] == expected
    assert any("error:" in outcome for outcome in expected[1:])  # the damaged texts were bad


def test_a_stale_tables_file_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = grammar.GRAMMAR_FILE.read_text(encoding="utf-8")
    assert grammar._load_tables(text) is not None
    assert grammar._load_tables(text + "\n// edited\n") is None  # another grammar
    document = json.loads(grammar.TABLES_FILE.read_text(encoding="utf-8"))
    document["stamp"]["lark_version"] = "0.0.1"  # built by another Lark
    stale = tmp_path / "tables.json"
    stale.write_text(json.dumps(document), encoding="utf-8")
    monkeypatch.setattr(grammar, "TABLES_FILE", stale)
    assert grammar._load_tables(text) is None
    stale.write_text("{not json", encoding="utf-8")
    assert grammar._load_tables(text) is None
    monkeypatch.setattr(grammar, "TABLES_FILE", tmp_path / "missing.json")
    assert grammar._load_tables(text) is None
    grammar.lark_parser.cache_clear()
    try:
        assert grammar.lark_parser().parse(parser.read_source(LAW_FILES[0]), start="start") is not None  # built instead
    finally:
        grammar.lark_parser.cache_clear()
