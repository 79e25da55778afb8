"""Loading pauses the cyclic garbage collector (issue 18: at 10,000 rules half of the load's
CPU went to collections that walked the live parse trees and AST again and again), and always
switches it back on, also when the input is bad."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

import lexproof.dsl.loader as loader
from lexproof.dsl.diagnostics import LexproofError

ROOT = Path(__file__).resolve().parent.parent


def _spy_on_parsing(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    seen: list[bool] = []
    original = loader.parse_file

    def parse_file(path):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return original(path)

    monkeypatch.setattr(loader, "parse_file", parse_file)
    return seen


def test_the_collector_is_paused_while_loading_and_on_again_after(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _spy_on_parsing(monkeypatch)
    assert gc.isenabled()
    program = loader.load(ROOT / "statutes" / "lll")
    assert program.statutes
    assert seen and not any(seen)  # every file was parsed with the collector paused
    assert gc.isenabled()


def test_the_collector_is_on_again_after_bad_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _spy_on_parsing(monkeypatch)
    bad = tmp_path / "bad.law"
    bad.write_text("statute {\n", encoding="utf-8")
    with pytest.raises(LexproofError):
        loader.load(bad)
    assert seen == [False]
    assert gc.isenabled()


def test_a_paused_collector_stays_paused() -> None:
    """A caller that switched the collector off itself gets it back off."""
    gc.disable()
    try:
        loader.load(ROOT / "statutes" / "lll")
        assert not gc.isenabled()
    finally:
        gc.enable()
