"""The documentation stays true: its code blocks are parsed, checked and run.

* Every ```law block of docs/language.md and docs/checks.md must parse (lexproof.dsl.parser.parse_text).
* A ```law block preceded by the HTML comment ``<!-- check -->`` must also pass the checker
  (lexproof.dsl.check_program.check_files); its examples and properties must give their declared results.
* A ```law block preceded by ``<!-- findings: LP101, LP104 -->`` (or ``<!-- findings: none -->``)
  must give exactly those built-in findings.
* The ```python blocks of docs/api.md run in order, in one namespace, with the repository root as
  the working directory; each contains its own asserts.
* The ```json blocks of docs/json-output.md and docs/checks.md are valid JSON, and every field the
  JSON output really produces is documented in docs/json-output.md.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from lexproof.dsl import ast
from lexproof.dsl.check_program import check_files
from lexproof.dsl.parser import parse_text

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
# Unversioned examples and properties in the docs run on this date, never on "today".
DOC_DATE = dt.date(2025, 6, 1)

_FENCE = re.compile(r"^```\s*([A-Za-z0-9_+-]*)\s*$")
_COMMENT = re.compile(r"^\s*<!--\s*(.*?)\s*-->\s*$")


@dataclass(frozen=True)
class Block:
    doc: str
    line: int  # line of the opening fence (1-based)
    lang: str
    text: str
    markers: tuple[str, ...]  # the HTML comments right before the fence

    @property
    def id(self) -> str:
        return f"{self.doc}:{self.line}"

    def marker(self, name: str) -> str | None:
        """The text after ``name`` in a marker ``<!-- name ... -->``, or None when absent."""
        for marker in self.markers:
            if marker == name:
                return ""
            if marker.startswith(name + ":"):
                return marker[len(name) + 1:].strip()
        return None


def code_blocks(name: str) -> list[Block]:
    """Fenced blocks of a document, with the HTML comments that precede each (blank lines
    between comment and fence are allowed)."""
    lines = (DOCS / name).read_text(encoding="utf-8").split("\n")
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index])
        if not match:
            index += 1
            continue
        start = index
        markers: list[str] = []
        back = start - 1
        while back >= 0 and (not lines[back].strip() or _COMMENT.match(lines[back])):
            comment = _COMMENT.match(lines[back])
            if comment:
                markers.insert(0, comment.group(1))
            back -= 1
        index += 1
        body: list[str] = []
        while index < len(lines) and not lines[index].startswith("```"):
            body.append(lines[index])
            index += 1
        if index >= len(lines):
            raise AssertionError(f"{name}:{start + 1}: unclosed code block")
        blocks.append(Block(name, start + 1, match.group(1).lower(), "\n".join(body) + "\n", tuple(markers)))
        index += 1
    return blocks


def blocks_of(lang: str, *names: str) -> list[Block]:
    return [block for name in names for block in code_blocks(name) if block.lang == lang]


LAW_BLOCKS = blocks_of("law", "language.md", "checks.md")
CHECKED_BLOCKS = [b for b in LAW_BLOCKS if b.marker("check") is not None]
FINDING_BLOCKS = [b for b in LAW_BLOCKS if b.marker("findings") is not None]
PYTHON_BLOCKS = blocks_of("python", "api.md")
JSON_BLOCKS = blocks_of("json", "json-output.md", "checks.md")


def _ids(blocks: list[Block]) -> list[str]:
    return [b.id for b in blocks]


def _load_block(block: Block, tmp_path: Path):
    """Load a block through the real loader (parse, check, consolidate every version)."""
    from lexproof.verifier import api

    path = tmp_path / (block.id.replace(".md:", "_").replace(":", "_") + ".law")
    path.write_text(block.text, encoding="utf-8")
    return api.load(path)


# --- the documents have the blocks this test relies on ----------------------------------------


def test_the_documents_have_code_blocks():
    assert len(blocks_of("law", "language.md")) >= 15
    assert len(blocks_of("law", "checks.md")) >= 4
    assert len(CHECKED_BLOCKS) >= 15
    assert {"LP101", "LP102", "LP103", "LP104"} <= {
        code.strip() for b in FINDING_BLOCKS for code in b.marker("findings").split(",")
    }
    assert len(PYTHON_BLOCKS) >= 5
    assert len(JSON_BLOCKS) >= 5


def test_markers_are_spelled_right():
    """A misspelt marker would silently skip a check: only known markers are allowed."""
    for name in ("language.md", "checks.md", "json-output.md", "api.md"):
        for block in code_blocks(name):
            for marker in block.markers:
                assert marker == "check" or marker.startswith("findings:"), (
                    f"{block.id}: unknown marker <!-- {marker} -->"
                )


# --- ```law blocks --------------------------------------------------------------------------------


@pytest.mark.parametrize("block", LAW_BLOCKS, ids=_ids(LAW_BLOCKS))
def test_law_block_parses(block: Block):
    parsed = parse_text(block.text, block.id)
    assert isinstance(parsed, ast.File)
    assert parsed.sections or parsed.imports, f"{block.id}: the block declares nothing"


@pytest.mark.parametrize("block", CHECKED_BLOCKS, ids=_ids(CHECKED_BLOCKS))
def test_checked_law_block_passes_the_checker(block: Block):
    program = check_files([parse_text(block.text, block.id)])
    assert program.statutes, f"{block.id}: no statute"
    names = {s.name for s in parse_text(block.text, block.id).sections if isinstance(s, ast.Statute)}
    assert set(program.statutes) == names


@pytest.mark.parametrize("block", CHECKED_BLOCKS, ids=_ids(CHECKED_BLOCKS))
def test_checked_law_block_examples_and_properties_hold(block: Block, tmp_path: Path):
    """The outcomes the docs show are the outcomes lexproof computes."""
    from lexproof.verifier import api

    program = _load_block(block, tmp_path)
    results = api.check(program, date=DOC_DATE, builtin=False)
    declared = sum(len(s.examples) + len(s.properties) for s in program.statutes.values())
    assert len(results) >= declared
    wrong = [f"{r.kind} {r.name}: {r.status} ({r.message})" for r in results if not r.as_expected]
    assert not wrong, f"{block.id}: " + "; ".join(wrong)


@pytest.mark.parametrize("block", FINDING_BLOCKS, ids=_ids(FINDING_BLOCKS))
def test_finding_block_gives_the_documented_findings(block: Block, tmp_path: Path):
    from lexproof.verifier import api

    text = block.marker("findings")
    expected = set() if text == "none" else {code.strip() for code in text.split(",") if code.strip()}
    program = _load_block(block, tmp_path)
    results = api.check(program, date=DOC_DATE, examples=False, properties=False)
    found = {r.code for r in results if r.code and r.status != "clean"}
    assert found == expected, f"{block.id}: documented {sorted(expected)}, lexproof finds {sorted(found)}"


# --- ```python blocks of docs/api.md -------------------------------------------------------------

_NAMESPACE: dict = {}
_DONE: list[int] = []


@pytest.mark.parametrize("index", range(len(PYTHON_BLOCKS)), ids=_ids(PYTHON_BLOCKS))
def test_api_python_block_runs(index: int, monkeypatch: pytest.MonkeyPatch):
    """Blocks run in document order in one namespace, like a notebook; running one block also
    runs the blocks before it (once)."""
    monkeypatch.chdir(REPO)
    for earlier in range(len(_DONE), index + 1):
        block = PYTHON_BLOCKS[earlier]
        assert "assert" in block.text, f"{block.id}: an api.md example must check its own result"
        exec(compile(block.text, block.id, "exec"), _NAMESPACE)  # noqa: S102 - the docs' own code
        _DONE.append(earlier)
    assert index in _DONE


# --- JSON -------------------------------------------------------------------------------------


@pytest.mark.parametrize("block", JSON_BLOCKS, ids=_ids(JSON_BLOCKS))
def test_json_block_is_valid_json(block: Block):
    data = json.loads(block.text)
    assert isinstance(data, (dict, list))


def _keys(value, into: set[str]) -> set[str]:
    """Every object key in a JSON value, except those that are data (fact, decision, case and
    version names)."""
    data_maps = {"case", "outcome", "versions", "witness", "trace", "a", "b"}
    if isinstance(value, dict):
        for key, item in value.items():
            into.add(key)
            if key in data_maps and isinstance(item, dict):
                for inner in item.values():
                    if isinstance(inner, dict):
                        for leaf in inner.values():
                            _keys(leaf, into)
                    elif isinstance(inner, list):
                        for leaf in inner:
                            _keys(leaf, into)
                continue
            _keys(item, into)
    elif isinstance(value, list):
        for item in value:
            _keys(item, into)
    return into


def _documented(key: str, doc: str) -> bool:
    """The key appears in backticks, alone or at the end of a path: `total`, `summary.total`,
    `rows[].direction`."""
    return re.search(r"`(?:[^`\s]*[.\]])?" + re.escape(key) + "`", doc) is not None


def test_every_json_field_is_documented(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from lexproof.verifier import api
    from lexproof.verifier.cli import JSON_FORMAT_VERSION

    monkeypatch.chdir(REPO)
    doc = (DOCS / "json-output.md").read_text(encoding="utf-8")
    program = api.load("statutes/lll")
    payloads: list = [r.to_json() for r in api.check(program, date=DOC_DATE, builtin=False)]
    payloads += [r.to_json() for r in api.diff(program, amendment="uitbreiding_mbo",
                                                decisions=["max_krediet", "nationaliteit_ok"])]
    payloads.append(api.query(program, "exists Aanvrager: recht_op_krediet", date=DOC_DATE, max_cases=2).to_json())
    case = {"geboortedatum": "1985-01-01", "opleiding": "mbo", "leerweg": "bbl", "instelling": "bekostigd",
            "verblijf": "nederlander",
            "recht_op_reguliere_sf": False, "diploma": "geen", "krediet_loopt_door": False,
            "verschuldigd_per_jaar": "800.00", "door_derde_betaald": "0.00"}
    payloads.append(api.evaluate(program, case, date=DOC_DATE).to_json())
    findings = next(b for b in FINDING_BLOCKS if b.marker("findings") != "none")
    payloads += [r.to_json() for r in api.check(_load_block(findings, tmp_path), date=DOC_DATE)]
    keys = _keys(payloads, set()) | {"lexproof", "command", "exit_code", "results", "summary"}
    keys |= {"total", "by_status", "not_as_expected"}
    missing = sorted(k for k in keys if not _documented(k, doc))
    assert not missing, f"fields not documented in docs/json-output.md: {missing}"
    assert f'"lexproof": {JSON_FORMAT_VERSION}' in doc
