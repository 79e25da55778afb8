"""verifier/json_output.py writes what json.dumps(indent=2, ensure_ascii=False) writes, character
for character: on generated values (hypothesis), on values json converts or refuses, and on
the JSON outputs of lexproof itself on the bundled statutes."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lexproof.verifier.json_output import indented_json, indented_object

ROOT = Path(__file__).resolve().parents[1]


def reference(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text()
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=5) | st.tuples(children, children)
    | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=40,
)


@settings(max_examples=400, deadline=None)
@given(values)
def test_the_same_text_as_json_dumps(value) -> None:
    assert indented_json(value) == reference(value)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=8), values, max_size=5), st.lists(values, max_size=5), st.integers(0, 5))
def test_an_object_written_part_by_part_is_the_same_text(fields, items, at) -> None:
    """``indented_object`` (how ``lexproof ... --format json`` writes its envelope, result by
    result) joins to ``json.dumps`` of the whole object, wherever the streamed list stands."""
    fields = dict(fields)
    keys = list(fields)
    streamed = "results"
    while streamed in fields:
        streamed += "_"
    keys.insert(min(at, len(keys)), streamed)
    whole = {key: (items if key == streamed else fields[key]) for key in keys}
    parts = indented_object(((key, None if key == streamed else fields[key]) for key in keys), streamed, iter(items))
    assert "".join(parts) == reference(whole)
    assert "".join(indented_object([], "results")) == reference({})


@pytest.mark.parametrize("value", [
    {1: "a", None: "b", False: "c", 2.5: "d"},  # keys json converts to text
    [float("nan"), math.inf, -math.inf, -0.0, 1e300, 5e-324],
    {"nested": [{}, [], {"": [[]]}], "tekst": "één \u202e \x00 \"quote\" \\ \n"},
    [True, False, None, 0, -1, 10**40],
])
def test_values_json_treats_specially(value) -> None:
    assert indented_json(value) == reference(value)


def test_what_json_refuses_is_refused_alike() -> None:
    from fractions import Fraction

    with pytest.raises(TypeError):
        indented_json({"a": [Fraction(1, 3)]})
    loop: list = []
    loop.append(loop)
    with pytest.raises(ValueError):
        indented_json(loop)


def test_lexproofs_own_outputs(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from lexproof.verifier.cli import main

    result = CliRunner().invoke(main, ["check", str(ROOT / "statutes" / "lll"), "--no-cache", "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    payload = json.loads(result.output)
    assert len(payload["results"]) > 10
    assert result.output.rstrip("\n") == reference(payload)


def test_json_text_escapes_exactly_the_raw_controls_and_format_characters() -> None:
    # json_text looks only at characters beyond printable ASCII; it must give what escaping
    # the whole class over the whole text gives (the first way it was written).
    from lexproof.verifier.cli import _RAW_IN_JSON, _json_escape, json_text

    special = ["\x7f", "\x9b", "\u00ad", "\u061c", "\u202e", "\u2066", "\ufeff", "\U000e0001", "\U0001d173"]
    plain = ["a", "~", " ", "€", "é", "°", "\n", "\"", "\\", "\x00", "\U0001f600"]

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.lists(st.sampled_from(special + plain), max_size=12).map("".join), max_size=4))
    def agrees(texts: list[str]) -> None:
        payload = {"teksten": texts, "€": texts[:1]}
        assert json_text(payload) == _RAW_IN_JSON.sub(_json_escape, indented_json(payload))

    agrees()
    assert json_text({"t": "a\u202eb\x9b€"}) == '{\n  "t": "a\\u202eb\\u009b€"\n}'


def test_a_result_that_fails_to_write_leaves_no_half_document(monkeypatch) -> None:
    """``_emit_json`` makes the envelope result by result but writes it only once complete: a
    result whose JSON fails gives exit 4 and an empty stdout, never a truncated document."""
    from click.testing import CliRunner

    from lexproof.verifier.cli import main
    from lexproof.verifier.results import Result

    written = []
    original = Result.to_json

    def fails_second(self):
        written.append(self.name)
        if len(written) == 2:
            raise RuntimeError("cannot write this result")
        return original(self)

    monkeypatch.setattr(Result, "to_json", fails_second)
    result = CliRunner().invoke(main, ["check", str(ROOT / "statutes" / "lll"), "--no-cache", "--format", "json",
                                       "-j", "1"])
    assert len(written) == 2  # the first result was made and turned into text already
    assert result.exit_code == 4
    assert result.stdout == ""
    assert "cannot write this result" in result.stderr
