"""A long-lived host keeps the checked rules of the trees the parser gives again
(``dsl.checker.RuleMemo``, on with ``api.remember_parses``): a load with it must give exactly
the program a fresh load gives, and reuse a rule only while nothing it may read changed.

Checked on random edits of the bundled statutes (the edits of tests/test_incremental_parse.py),
each load with the memory compared with a load without it: the same program (rules, their
checked expressions and every span), or the same errors."""

from __future__ import annotations

import dataclasses
import random
import shutil
from pathlib import Path

import pytest
from test_incremental_parse import edited

from lexproof.dsl.checker import RULES
from lexproof.dsl.diagnostics import LexproofError
from lexproof.dsl.source import Span
from lexproof.verifier import api

ROOT = Path(__file__).resolve().parents[1]

STATUTE = """\
statute Memo "Memo-wet"
facts Persoon {
  leeftijd: int 0..120
  inkomen: money €0..€100_000
}
decision recht: bool [art. 1] otherwise false
decision bedrag: money [art. 2] otherwise €0
rule r1 [art. 1 lid 1]:
  recht = true
  if leeftijd >= 18
rule r2 [art. 2 lid 1]:
  bedrag = inkomen - €100
  if inkomen > €100
rule r3 [art. 2 lid 2] except r2:
  bedrag = €50
  if leeftijd < 18
"""


@pytest.fixture()
def remembering():
    api.remember_parses(64)
    try:
        yield
    finally:
        api.remember_parses(0)


def fresh(path: Path):
    """The program (or the error messages) of a load without any memory."""
    enabled = RULES.enabled
    RULES.enabled = False
    try:
        from lexproof.dsl import parser

        limit, parser.PARSES.limit = parser.PARSES.limit, 0
        try:
            return api.load(path)
        except LexproofError as error:
            return [(d.span, d.message) for d in error.diagnostics]
        finally:
            parser.PARSES.limit = limit
    finally:
        RULES.enabled = enabled


def remembered(path: Path):
    try:
        return api.load(path)
    except LexproofError as error:
        return [(d.span, d.message) for d in error.diagnostics]


def difference(a: object, b: object, where: str = "program") -> str | None:
    """Where two loaded programs differ, field by field, spans included; None when they are the
    same. (The checked expressions compare by identity, so ``==`` cannot say this.)"""
    if type(a) is not type(b):
        return f"{where}: {type(a).__name__} against {type(b).__name__}"
    if isinstance(a, Span):
        return None if a == b else f"{where}: {a!r} against {b!r}"
    if isinstance(a, dict):
        if list(a) != list(b):  # type: ignore[call-overload]
            return f"{where}: keys {list(a)} against {list(b)}"  # type: ignore[call-overload]
        return next((found for key in a if (found := difference(a[key], b[key], f"{where}[{key!r}]"))), None)  # type: ignore[index]
    if isinstance(a, (tuple, list)):
        if len(a) != len(b):  # type: ignore[arg-type]
            return f"{where}: {len(a)} parts against {len(b)}"  # type: ignore[arg-type]
        return next((found for i, (x, y) in enumerate(zip(a, b)) if (found := difference(x, y, f"{where}[{i}]"))), None)  # type: ignore[call-overload]
    if hasattr(a, "__dict__") and not isinstance(a, type):
        transient = {f.name for f in dataclasses.fields(a) if f.metadata.get("transient")} \
            if dataclasses.is_dataclass(a) else set()  # what a process keeps per object: not its value
        return next((found for name, value in vars(a).items() if name not in transient
                     if (found := difference(value, vars(b).get(name), f"{where}.{name}"))), None)
    return None if a == b else f"{where}: {a!r} against {b!r}"


def rules(program) -> dict:
    return program.statute("Memo").rules


def test_an_edit_of_one_rule_keeps_the_other_rule_objects(tmp_path: Path, remembering) -> None:
    law = tmp_path / "memo.law"
    law.write_text(STATUTE, encoding="utf-8")
    first = rules(api.load(law))
    law.write_text(STATUTE.replace(">= 18", ">= 21"), encoding="utf-8")
    program = api.load(law)
    second = rules(program)
    # The parser re-parses the edited item with one item on each side (r2 is new too); the rule
    # beyond them is the very tree of the last load, so its checked rule is the one of then.
    assert second["r3"] is first["r3"]
    assert second["r1"] is not first["r1"]
    assert "21" in repr(second["r1"].condition) and "18" not in repr(second["r1"].condition)
    assert difference(program, fresh(law)) is None


def test_a_changed_declaration_checks_every_rule_again(tmp_path: Path, remembering) -> None:
    law = tmp_path / "memo.law"
    law.write_text(STATUTE, encoding="utf-8")
    first = rules(api.load(law))
    # The rules' trees are the same, but what 'inkomen' is changed: r2 no longer type-checks.
    law.write_text(STATUTE.replace("inkomen: money €0..€100_000", "inkomen: bool"), encoding="utf-8")
    with pytest.raises(LexproofError) as raised:
        api.load(law)
    assert {d.span.line for d in raised.value.diagnostics} & {12, 13}  # r2's value or condition
    # Back to the first text: the declarations differ from the last load's (the memo keeps one
    # load), so every rule is checked again, under the declarations as they are now.
    law.write_text(STATUTE, encoding="utf-8")
    restored = api.load(law)
    assert all(rules(restored)[name] is not first[name] for name in first)
    assert difference(restored, fresh(law)) is None
    first = rules(restored)
    assert rules(api.load(law))["r2"] is first["r2"]  # the same text again: its rules are kept
    # A declaration that moved (a line added above it) is another declaration too: the rules'
    # spans move with it, and none is reused.
    law.write_text(STATUTE.replace("facts Persoon {", "\nfacts Persoon {"), encoding="utf-8")
    moved = api.load(law)
    assert all(moved.statute("Memo").rules[name] is not first[name] for name in first)
    assert difference(moved, fresh(law)) is None


def test_off_by_default_and_after_remember_parses_0(tmp_path: Path) -> None:
    law = tmp_path / "memo.law"
    law.write_text(STATUTE, encoding="utf-8")
    assert not RULES.enabled
    assert rules(api.load(law))["r2"] is not rules(api.load(law))["r2"]
    api.remember_parses(8)
    api.remember_parses(0)
    assert not RULES.enabled and not RULES._statutes


@pytest.mark.parametrize("folder", ["lll", "kinderopvang", "gegevensuitwisseling"])
def test_random_edits_load_as_a_fresh_load_does(tmp_path: Path, folder: str, remembering) -> None:
    shutil.copytree(ROOT / "statutes", tmp_path / "statutes")  # lll imports ../web
    copy = tmp_path / "statutes" / folder
    files = sorted(copy.glob("*.law"))
    rng = random.Random(folder)
    good = {path: path.read_text(encoding="utf-8") for path in files}  # the last texts that loaded
    compared = refused = 0
    for _ in range(40):
        path = rng.choice(files)
        path.write_text(edited(rng, good[path]), encoding="utf-8")
        got, expected = remembered(copy), fresh(copy)
        if isinstance(expected, list):  # refused: the same errors; then back to the text that loaded
            assert got == expected
            path.write_text(good[path], encoding="utf-8")
            refused += 1
            continue
        assert not isinstance(got, list), got
        assert difference(got, expected) is None
        good[path] = path.read_text(encoding="utf-8")
        compared += 1
    assert compared >= 5 and refused >= 1  # both kinds of load were compared


def test_a_statutes_scratch_is_not_part_of_its_value(tmp_path: Path) -> None:
    """``StatuteModel.scratch`` (what a process keeps per statute) is not copied, compared or
    stored in the cache of loaded books."""
    from lexproof.dsl import program_codec

    law = tmp_path / "memo.law"
    law.write_text(STATUTE, encoding="utf-8")
    program = api.load(law)
    statute = program.statute("Memo")
    statute.scratch["witness versions"] = {("2026-01-01", ()): object()}
    assert dataclasses.replace(statute).scratch == {}
    assert dataclasses.replace(statute) == statute
    decoded = program_codec.decode(program_codec.encode(program))
    assert decoded.statute("Memo").scratch == {}
    assert difference(decoded.statute("Memo").rules, statute.rules) is None


def test_rules_an_edit_replaced_are_freed_though_their_decision_is_kept(tmp_path: Path, remembering) -> None:
    """What is worked out per decision and rule set (``api._OWN_READS``, ``cone_cache._SHAPES``)
    holds the rules weakly: the decision lives from load to load (``RuleMemo``), the rules an
    edit replaced must not."""
    import gc
    import weakref

    from lexproof.verifier import api as api_module
    from lexproof.verifier.cache import ResultCache
    from lexproof.verifier.cone_cache import _SHAPES, ConeCache

    law = tmp_path / "memo.law"
    replaced = []
    for threshold in range(18, 28):
        law.write_text(STATUTE.replace(">= 18", f">= {threshold}"), encoding="utf-8")
        program = api.load(law)
        statute = program.statute("Memo")
        cones = ConeCache(ResultCache(tmp_path / "cache", key_file=tmp_path / "cache-key"))
        api.builtin_checks(statute, None, api.Budget(), cones=cones)
        replaced.append(weakref.ref(statute.rules["r1"]))
        decision = statute.decisions["recht"]
        del program, statute
        gc.collect()
    assert decision is api.load(law).statute("Memo").decisions["recht"]  # kept from load to load
    assert sum(ref() is not None for ref in replaced) == 1  # only the rule of the last text lives
    assert api_module._OWN_READS.entries(decision) <= 2 and _SHAPES.entries(decision) <= 2
