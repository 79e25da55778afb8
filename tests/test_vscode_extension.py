"""The VS Code extension folder (editors/vscode) works as it is: no dependencies to fetch, a
TextMate grammar that knows every word of the language, and a client that starts
``lexproof lsp`` and gets answers (run with node when node is installed)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXTENSION = REPO / "editors" / "vscode"


def _manifest() -> dict:
    return json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))


def test_the_manifest_declares_the_language_grammar_and_entry_point() -> None:
    manifest = _manifest()
    [language] = manifest["contributes"]["languages"]
    assert language["id"] == "law" and language["extensions"] == [".law"]
    assert (EXTENSION / language["configuration"]).is_file()
    [grammar] = manifest["contributes"]["grammars"]
    assert grammar["language"] == "law" and (EXTENSION / grammar["path"]).is_file()
    assert (EXTENSION / manifest["main"]).is_file()
    assert "onLanguage:law" in manifest["activationEvents"]


def test_nothing_to_fetch_or_compile() -> None:
    """No npm dependencies and no build script: the folder needs no network to use."""
    manifest = _manifest()
    assert not manifest.get("dependencies") and not manifest.get("devDependencies")
    assert not manifest.get("scripts")
    for source in [EXTENSION / "extension.js", *EXTENSION.glob("src/*.js")]:
        required = re.findall(r"require\(\"([^\"]+)\"\)", source.read_text(encoding="utf-8"))
        assert all(name in ("vscode", "child_process") or name.startswith("./") for name in required), required


def _patterns(node: object) -> list[str]:
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("match", "begin", "end") and isinstance(value, str):
                found.append(value)
            else:
                found.extend(_patterns(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_patterns(item))
    return found


def test_every_grammar_pattern_compiles_and_every_keyword_is_highlighted() -> None:
    grammar = json.loads((EXTENSION / "syntaxes" / "law.tmLanguage.json").read_text(encoding="utf-8"))
    assert grammar["scopeName"] == "source.law"
    patterns = [re.compile(p) for p in _patterns(grammar["repository"])]
    words = set(re.findall(r'"([a-z_]+)"', (REPO / "dsl" / "grammar.lark").read_text(encoding="utf-8")))
    assert {"statute", "rule", "implies", "otherwise", "lid"} <= words  # the list is the real one
    # A keyword counts as highlighted when a pattern other than the catch-all for names matches it.
    name_pattern = grammar["repository"]["name"]["match"]
    unmatched = sorted(w for w in words if not any(p.pattern != name_pattern and p.fullmatch(w) for p in patterns))
    assert not unmatched, f"grammar.lark words the TextMate grammar does not highlight: {unmatched}"


def test_the_language_configuration_knows_comments_and_brackets() -> None:
    configuration = json.loads((EXTENSION / "language-configuration.json").read_text(encoding="utf-8"))
    assert configuration["comments"]["lineComment"] == "--"
    assert ["{", "}"] in configuration["brackets"]


CLIENT = r"""
const { Connection } = require(process.argv[2]);
const fs = require("fs");
const [file, python] = [process.argv[3], process.argv[4]];
const uri = "file://" + file;
const connection = new Connection(python, ["-m", "lexproof", "lsp"], { env: process.env });
const diagnostics = new Promise((resolve) => connection.onNotification("textDocument/publishDiagnostics", resolve));
(async () => {
  const init = await connection.request("initialize", { processId: process.pid, rootUri: null, capabilities: {} });
  connection.notify("initialized", {});
  connection.notify("textDocument/didOpen", { textDocument: { uri, languageId: "law", version: 1,
    text: fs.readFileSync(file, "utf8") } });
  const published = await diagnostics;
  const hover = await connection.request("textDocument/hover",
    { textDocument: { uri }, position: { line: 4, character: 2 } });
  await connection.stop();
  console.log(JSON.stringify({ name: init.serverInfo.name, published, hover }));
})().catch((error) => { console.error(error); process.exit(1); });
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_extension_client_starts_the_server_and_gets_answers(tmp_path: Path) -> None:
    pytest.importorskip("pygls")
    statute = tmp_path / "s.law"
    # line 4 (0-based): "  d = x > 3", 'd' at column 2..3
    statute.write_text("statute S\nfacts F { x: int }\ndecision d: bool [art. 1] otherwise false\nrule r [art. 1]:\n"
                       "  d = true\n  if x > 3\n", encoding="utf-8")
    script = tmp_path / "client.js"
    script.write_text(CLIENT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    completed = subprocess.run(["node", str(script), str(EXTENSION / "src" / "rpc.js"), str(statute), sys.executable],
                               cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    answer = json.loads(completed.stdout)
    assert answer["name"] == "lexproof"
    assert answer["published"] == {"uri": statute.as_uri(), "version": 1, "diagnostics": []}
    assert "decision d: bool" in answer["hover"]["contents"]["value"]
