"""The language server (``lexproof lsp``), tested through the protocol: a client in this file
starts the server as a subprocess and speaks JSON-RPC over its stdin/stdout, as an editor does.

Every expected position below was counted by hand in STATUTE (lines and columns 0-based, as the
protocol counts them); the line numbers are in the comments of STATUTE.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

import pytest

pytest.importorskip("pygls")

REPO = Path(__file__).resolve().parents[1]

STATUTE = """statute Subsidie

enum Soort { mbo, hbo }

facts Aanvraag {
  leeftijd: int 0..120
  soort: Soort
}

parameter grens: int [art. 2]
  = 30 from 2020-01-01
  = 35 from 2025-01-01

decision recht: bool [art. 1] otherwise false

rule basis [art. 1 lid 1]:
  recht = true
  if soort = mbo and leeftijd < grens
"""
# line 2: "enum Soort { mbo, hbo }"       Soort 5-10, mbo 13-16, hbo 18-21
# line 6: "  soort: Soort"                soort 2-7
# line 9: "parameter grens: int [art. 2]" grens 10-15
# line 13: "decision recht: ..."          recht 9-14
# line 15: "rule basis [art. 1 lid 1]:"   basis 5-10
# line 17: "  if soort = mbo and leeftijd < grens"
#          soort 5-10, mbo 13-16, leeftijd 21-29, grens 32-37


class Client:
    """A minimal language client: Content-Length framed JSON-RPC over the server's stdio."""

    def __init__(self, cwd: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        self.process = subprocess.Popen([sys.executable, "-m", "lexproof", "lsp"], cwd=cwd, env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.messages: queue.Queue = queue.Queue()
        self.notifications: list[dict] = []
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value.strip())
            assert length is not None
            self.messages.put(json.loads(stream.read(length)))

    def _send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body)
        self.process.stdin.flush()

    def _next(self, timeout: float) -> dict:
        try:
            return self.messages.get(timeout=timeout)
        except queue.Empty:
            stderr = self.process.stderr.read1(10000) if self.process.poll() is not None else b""  # type: ignore[union-attr]
            raise AssertionError(f"no message from the server within {timeout} s {stderr!r}") from None

    def request(self, method: str, params: dict, timeout: float = 60) -> object:
        self.next_id += 1
        self._send({"id": self.next_id, "method": method, "params": params})
        while True:
            message = self._next(timeout)
            if message.get("id") == self.next_id and "method" not in message:
                assert "error" not in message, message
                return message.get("result")
            if "method" in message:
                self.notifications.append(message)

    def notify(self, method: str, params: dict) -> None:
        self._send({"method": method, "params": params})

    def diagnostics(self, uri: str, version: int, timeout: float = 60) -> list[dict]:
        """The diagnostics published for ``uri`` at document version ``version``."""
        while True:
            for message in self.notifications:
                params = message.get("params", {})
                if (message.get("method") == "textDocument/publishDiagnostics" and params.get("uri") == uri
                        and params.get("version") == version):
                    return params["diagnostics"]
            message = self._next(timeout)
            if "method" in message:
                self.notifications.append(message)

    def close(self) -> None:
        try:
            self.request("shutdown", {}, timeout=20)
            self.notify("exit", {})
            self.process.wait(timeout=20)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def session(tmp_path: Path):
    path = tmp_path / "subsidie.law"
    path.write_text(STATUTE, encoding="utf-8")
    client = Client(tmp_path)
    uri = path.resolve().as_uri()
    result = client.request("initialize", {"processId": None, "rootUri": tmp_path.resolve().as_uri(),
                                           "capabilities": {}})
    client.notify("initialized", {})
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "law", "version": 1,
                                                            "text": STATUTE}})
    yield client, uri, result
    client.close()


def _at(uri: str, line: int, character: int) -> dict:
    return {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}


def _range(line: int, start: int, end: int) -> dict:
    return {"start": {"line": line, "character": start}, "end": {"line": line, "character": end}}


def test_initialize_announces_the_features(session) -> None:
    _client, _uri, result = session
    capabilities = result["capabilities"]
    for feature in ("hoverProvider", "definitionProvider", "referencesProvider", "documentSymbolProvider",
                    "documentFormattingProvider", "completionProvider", "codeActionProvider"):
        assert capabilities.get(feature), feature
    assert result["serverInfo"]["name"] == "lexproof"


def test_a_clean_statute_has_no_diagnostics(session) -> None:
    client, uri, _ = session
    assert client.diagnostics(uri, 1) == []


def test_diagnostics_as_you_type_and_the_did_you_mean_quick_fix(session) -> None:
    client, uri, _ = session
    typo = STATUTE.replace("and leeftijd < grens", "and leeftjd < grens")
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"text": typo}]})
    [diagnostic] = client.diagnostics(uri, 2)
    # The same diagnostic as 'lexproof check': unknown name at line 18, column 22 (1-based).
    assert diagnostic["message"] == "unknown name 'leeftjd'; did you mean 'leeftijd'?"
    assert diagnostic["range"] == _range(17, 21, 28)
    assert diagnostic["code"] == "LP003" and diagnostic["source"] == "lexproof" and diagnostic["severity"] == 1
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": diagnostic["range"], "context": {"diagnostics": [diagnostic]}})
    [action] = actions
    assert action["title"] == "Replace 'leeftjd' with 'leeftijd'" and action["kind"] == "quickfix"
    assert action["edit"]["changes"][uri] == [{"range": _range(17, 21, 28), "newText": "leeftijd"}]
    # Fixed again: the diagnostic is cleared.
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3},
                                             "contentChanges": [{"text": STATUTE}]})
    assert client.diagnostics(uri, 3) == []


def test_the_quick_fix_replaces_only_the_misspelled_name(session) -> None:
    """The diagnostic of an unknown facts group marks the whole property (0-based lines 19-21);
    the fix must change 'Aanvrag' on line 20 and nothing else."""
    client, uri, _ = session
    text = STATUTE + "\nproperty p:\n  for every Aanvrag\n  claim true\n"
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"text": text}]})
    [diagnostic] = client.diagnostics(uri, 2)
    assert "did you mean 'Aanvraag'?" in diagnostic["message"]
    assert diagnostic["range"]["start"]["line"] == 19 and diagnostic["range"]["end"]["line"] > 19
    [action] = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": diagnostic["range"], "context": {"diagnostics": [diagnostic]}})
    # line 20 (0-based): "  for every Aanvrag": the name at columns 12..19.
    assert action["edit"]["changes"][uri] == [{"range": _range(20, 12, 19), "newText": "Aanvraag"}]


def test_a_syntax_error_is_positioned(session) -> None:
    client, uri, _ = session
    broken = STATUTE.replace("rule basis [art. 1 lid 1]:", "rule basis:")
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"text": broken}]})
    [diagnostic] = client.diagnostics(uri, 2)
    assert diagnostic["code"] == "LP001"
    assert diagnostic["range"]["start"] == {"line": 15, "character": 10}  # the ':' where '[' belongs


def test_hover_shows_a_parameter_with_its_dated_values(session) -> None:
    client, uri, _ = session
    result = client.request("textDocument/hover", _at(uri, 17, 34))
    text = result["contents"]["value"]
    assert "parameter grens: int" in text and "citation: [art. 2]" in text
    assert "= 30 from 2020-01-01" in text and "= 35 from 2025-01-01" in text
    assert result["range"] == _range(17, 32, 37)


def test_hover_shows_a_decision_and_an_enum_value(session) -> None:
    client, uri, _ = session
    text = client.request("textDocument/hover", _at(uri, 16, 3))["contents"]["value"]
    assert "decision recht: bool" in text and "[art. 1]" in text and "otherwise false" in text
    text = client.request("textDocument/hover", _at(uri, 17, 14))["contents"]["value"]
    assert "a value of enum Soort" in text


def test_go_to_definition(session) -> None:
    client, uri, _ = session
    assert client.request("textDocument/definition", _at(uri, 17, 33)) == [{"uri": uri, "range": _range(9, 10, 15)}]
    assert client.request("textDocument/definition", _at(uri, 17, 13)) == [{"uri": uri, "range": _range(2, 13, 16)}]
    assert client.request("textDocument/definition", _at(uri, 17, 2)) is None  # 'if' is a keyword


def test_find_references(session) -> None:
    client, uri, _ = session
    params = {**_at(uri, 17, 6), "context": {"includeDeclaration": True}}
    found = client.request("textDocument/references", params)
    assert sorted((r["range"]["start"]["line"], r["range"]["start"]["character"]) for r in found) == [(6, 2), (17, 5)]
    params["context"]["includeDeclaration"] = False
    assert [r["range"] for r in client.request("textDocument/references", params)] == [_range(17, 5, 10)]


def test_completion_of_enum_values_after_a_comparison(session) -> None:
    client, uri, _ = session
    result = client.request("textDocument/completion", _at(uri, 17, 13))
    assert sorted(item["label"] for item in result["items"]) == ["hbo", "mbo"]


def test_completion_of_names(session) -> None:
    client, uri, _ = session
    labels = {item["label"] for item in client.request("textDocument/completion", _at(uri, 16, 2))["items"]}
    assert {"leeftijd", "soort", "grens", "recht", "basis", "Soort", "Aanvraag", "mbo", "hbo"} <= labels
    assert "Subsidie" not in labels  # the statute's own name is not an expression


def test_document_symbols_give_articles_and_decisions(session) -> None:
    client, uri, _ = session
    [statute] = client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    assert statute["name"] == "Subsidie"
    children = {child["name"]: child for child in statute["children"]}
    assert set(children) == {"Soort", "Aanvraag", "grens", "recht", "art. 1"}
    assert [rule["name"] for rule in children["art. 1"]["children"]] == ["basis"]
    assert children["recht"]["selectionRange"] == _range(13, 9, 14)


def test_formatting_gives_the_formatters_layout(session) -> None:
    client, uri, _ = session
    messy = STATUTE.replace("  if soort = mbo and leeftijd < grens", "  if soort=mbo and leeftijd<grens")
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"text": messy}]})
    assert client.diagnostics(uri, 2) == []
    edits = client.request("textDocument/formatting", {"textDocument": {"uri": uri},
                                                       "options": {"tabSize": 2, "insertSpaces": True}})
    # One edit: the whole document (its last line is the empty one after the final newline).
    assert edits == [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 18, "character": 0}},
                      "newText": STATUTE}]
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3},
                                             "contentChanges": [{"text": STATUTE}]})
    assert client.request("textDocument/formatting", {"textDocument": {"uri": uri},
                                                      "options": {"tabSize": 2, "insertSpaces": True}}) == []


def test_names_from_an_imported_file(tmp_path: Path) -> None:
    """An amendment imports its statute: a decision it names is defined in the imported file,
    and the bundled amendment loads without diagnostics."""
    # lll.law imports ../web/web.law (the WSF reads the WEB); the lexproof.toml makes the folder
    # above one statute tree, as statutes/lexproof.toml does.
    (tmp_path / "lexproof.toml").write_text("", encoding="utf-8")
    for folder, name in (("lll", "lll.law"), ("lll", "uitbreiding_mbo.law"), ("web", "web.law")):
        (tmp_path / folder).mkdir(exist_ok=True)
        (tmp_path / folder / name).write_text((REPO / "statutes" / folder / name).read_text(encoding="utf-8"),
                                              encoding="utf-8")
    lll = tmp_path / "lll"
    client = Client(tmp_path)
    try:
        client.request("initialize", {"processId": None, "rootUri": tmp_path.resolve().as_uri(), "capabilities": {}})
        client.notify("initialized", {})
        uri = (lll / "uitbreiding_mbo.law").resolve().as_uri()
        text = (lll / "uitbreiding_mbo.law").read_text(encoding="utf-8")
        client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "law", "version": 1,
                                                                "text": text}})
        assert client.diagnostics(uri, 1) == []
        # Line 62 (1-based): "  } expect recht_op_krediet = true, ...": the name starts at column 11 (0-based).
        assert text.split("\n")[61].index("recht_op_krediet") == 11
        [location] = client.request("textDocument/definition", _at(uri, 61, 12))
        # lll.law line 247 (1-based): "decision recht_op_krediet: bool [art. 3.16b] otherwise false".
        assert location == {"uri": (lll / "lll.law").resolve().as_uri(), "range": _range(246, 9, 25)}
    finally:
        client.close()


def test_whole_word_finds_what_the_regular_expression_with_look_arounds_finds():
    # The index once compiled (?<![A-Za-z0-9_])NAME(?![A-Za-z0-9_]) per declaration; the
    # string search must agree with it everywhere, also on names with regex characters.
    import re

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from lexproof.verifier.lsp_index import whole_word

    alphabet = st.sampled_from(list("ab_1 .€(é") + ["ab", "a_b"])

    @settings(max_examples=400, deadline=None)
    @given(st.lists(alphabet, max_size=12).map("".join), st.lists(alphabet, max_size=3).map("".join),
           st.integers(min_value=0, max_value=14))
    def agrees(text: str, name: str, start: int) -> None:
        match = re.compile(r"(?<![A-Za-z0-9_])" + re.escape(name) + r"(?![A-Za-z0-9_])").search(text, start)
        assert whole_word(text, name, start) == (match.start() if match else -1)

    agrees()
    assert whole_word("rule recht_a: recht = true", "recht") == 14  # not inside recht_a
    assert whole_word("x.recht(", "recht") == 2 and whole_word("precht", "recht") == -1


def test_the_server_parses_an_unchanged_import_once_across_changes(tmp_path, monkeypatch):
    # After every change the server loads the document with its imports and then indexes the
    # same files; with the parse memo on (as ``serve`` turns it on) an import nobody edits is
    # parsed once, and the index reads the trees the load made. The index is the same as one
    # built without the memo.
    from lexproof.dsl import parser as parser_module
    from lexproof.verifier import api
    from lexproof.verifier.lsp import build_index

    (tmp_path / "wet.law").write_text("statute W\nfacts F { x: int }\ndecision d: bool\n"
                                      "rule r [art. 1]: d = true if x > 1\n", encoding="utf-8")
    document = tmp_path / "wijziging.law"
    texts = [f'import "wet.law"\n\namendment A amends W in force 2026-01-01\n'
             f'  replace rule r [art. 1]: d = true if x > {n}\n' for n in (2, 3)]
    document.write_text(texts[0], encoding="utf-8")  # the saved text; the buffer is what counts
    parsed: list[str] = []
    real_run = parser_module._run
    monkeypatch.setattr(parser_module, "_run", lambda text, path, start: parsed.append(path) or real_run(text, path, start))
    monkeypatch.chdir(tmp_path)
    without = build_index(str(document), texts[0])
    api.remember_parses(8)
    try:
        parsed.clear()
        for text in texts:  # two changes to the document
            api.load_document(document, text)
            index = build_index(str(document), text)
    finally:
        api.remember_parses(0)
    # whole: the import once, the document's first text; its edit re-parses only the rule it
    # touched (dsl/incremental_parse.py)
    assert sorted(parsed) == ["wet.law", "wijziging.law"]
    assert index is not None and without is not None
    assert sorted(index.symbols) == sorted(without.symbols)
    assert [(s.kind, s.line, s.start) for s in index.lookup("r")] == [(s.kind, s.line, s.start) for s in without.lookup("r")]
