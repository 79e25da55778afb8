"""The project's own files pass its own tools, and the documents point at the right lines.

* ``lexproof fmt --check statutes examples`` passes: the documented pre-commit hook
  (docs/ci.md) would otherwise fail on the project's own statutes (issue 17).
* Every ``statutes/...law:LINE:COL`` that README.md and docs/*.md quote after a result names the
  line where that result's declaration starts, so reformatting a statute cannot leave the
  documents pointing at the wrong line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from lexproof.verifier.cli import main

REPO = Path(__file__).resolve().parents[1]


def test_the_bundled_statutes_and_examples_are_formatted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(main, ["fmt", "--check", "statutes", "examples"])
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout == ""


# "✓ example NAME  passed  statutes/x.law:12:1", "Δ diff DECISION  changed  statutes/x.law:3:1",
# "✗ LP101 conflict DECISION: R1 / R2 ... statutes/x.law:9:1" (the location of the first rule);
# a proof's line ends with what it rests on: "... statutes/x.law:5:1  rests on art. 1 X".
_QUOTED = re.compile(
    r"^[✓✗Δ?!] (?P<kind>example|property|diff|LP10\d \w+) (?P<name>[^ ].*?)  .*?"
    r"(?P<path>statutes/[\w/]+\.law):(?P<line>\d+):(?P<column>\d+)(?:  (?:rests on|\(cached\)) .*)?\s*$"
)


def _quoted_locations() -> list[tuple[str, int, str, str, int, int]]:
    found = []
    for document in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        for number, text in enumerate(document.read_text(encoding="utf-8").splitlines(), 1):
            match = _QUOTED.match(text)
            if match:
                found.append((document.name, number, match["kind"], match["name"], match["path"],
                              int(match["line"]), int(match["column"])))
    return found


def _declaration_start(kind: str, name: str) -> str:
    """What the quoted line of the statute starts with, at the quoted column."""
    if kind == "example":
        return f'example "{name}"'
    if kind == "property":
        return f"property {name} "
    if kind == "diff":
        return f"decision {name}:"
    if ":" not in name:  # a dead or redundant rule (LP103, LP104): "dead r"
        return f"rule {name} "
    first_rule = name.split(":", 1)[1].split("/")[0].strip()  # "rechtmatig: r1 / r2"
    return f"rule {first_rule} "


def test_the_documents_quote_statute_locations() -> None:
    """The README quotes at least the walkthrough's results (so the test below is not empty)."""
    assert len([q for q in _quoted_locations() if q[0] == "README.md"]) >= 5


@pytest.mark.parametrize("quote", _quoted_locations(), ids=lambda q: f"{q[0]}:{q[1]}")
def test_a_quoted_location_is_where_the_declaration_starts(quote: tuple) -> None:
    _document, _number, kind, name, path, line, column = quote
    lines = (REPO / path).read_text(encoding="utf-8").splitlines()
    assert line <= len(lines), f"{path} has only {len(lines)} lines"
    while lines[line - 1].startswith("@") and kind.startswith("LP"):  # a rule's location is its annotation's
        line, column = line + 1, 1
    assert lines[line - 1][column - 1:].startswith(_declaration_start(kind, name)), lines[line - 1]


def test_no_document_says_pip_install_lexproof() -> None:
    """lexproof is not on the package index: 'pip install lexproof' would install nothing, or
    somebody else's package (issue 17: docs/ci.md said so). The documents say how it is
    installed: from a checkout, or a wheel built from one."""
    documents = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")), *sorted((REPO / "examples").rglob("*.md")),
                 *sorted((REPO / "examples").rglob("*.yml")), *sorted((REPO / "examples").rglob("*.yaml"))]
    said = [f"{d.relative_to(REPO)}:{n}" for d in documents
            for n, line in enumerate(d.read_text(encoding="utf-8").splitlines(), 1)
            if re.search(r"pip install lexproof(?![-\w./])", line)]
    assert said == []
    assert "pip install -e '.[dev]'" in (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
