"""Hostile statute files, case files and caches (docs/security.md): each attack of issue 11's
"Security" section, as it would arrive in a pull request that CI checks.

Every test here failed on the code before the fix: imports left the statute tree (and quoted
what they read, environment variables included), the result cache believed any entry in the
repository, Lark unpickled a file from the shared temporary directory, and escape sequences in
statute text reached the terminal.
"""

from __future__ import annotations

import json
import os
import pickle
import stat
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from lexproof.dsl.diagnostics import LexproofError
from lexproof.dsl.parser import MAX_FILE_BYTES, parse_file
from lexproof.verifier import api
from lexproof.verifier.cache import ResultCache, _mac, _read_entry, load_or_create_key
from lexproof.verifier.cli import main

ROOT = Path(__file__).resolve().parent.parent
DAY = "2026-11-29"
SECRET = "s3cr3t-CI-token-4711"

# A statute whose property fails: a cache that is believed can turn this into exit 0.
FAILING = """statute S
facts F { x: int 0..10 }
decision d: bool otherwise false
rule r [art. 1]: d = true if x > 5
property always: for every F claim d
"""


def _cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
         timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The CLI in a fresh process (its own environment, its own /proc/self/environ)."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "lexproof", *args], capture_output=True, text=True,
                          env=full_env, cwd=cwd, timeout=timeout)


def _tree(tmp_path: Path) -> tuple[Path, Path]:
    """A statute root and, next to it (outside it), a file with a secret in it that would be
    quoted in a syntax error if it were read."""
    root = tmp_path / "repo" / "statutes"
    root.mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.law").write_text(f"{SECRET} is not a statute\n", encoding="utf-8")
    return root, outside


# --- imports ------------------------------------------------------------------------------------


def test_import_of_proc_self_environ_never_shows_the_environment(tmp_path: Path) -> None:
    root, _ = _tree(tmp_path)
    (root / "a.law").write_text('import "/proc/self/environ"\nstatute S\n', encoding="utf-8")
    run = _cli("check", str(root), env={"LEXPROOF_TEST_SECRET": SECRET})
    assert run.returncode == 2
    assert SECRET not in run.stdout + run.stderr
    assert f"{root / 'a.law'}:1:1: error: cannot import '/proc/self/environ': it lies outside the statute root" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("how", ["relative", "absolute"])
def test_an_import_cannot_leave_the_statute_root(tmp_path: Path, how: str) -> None:
    root, outside = _tree(tmp_path)
    (root / "sub").mkdir()
    target = "../../../outside/secret.law" if how == "relative" else str(outside / "secret.law")
    assert (root / "sub" / target).resolve() == (outside / "secret.law").resolve()  # it would reach it
    (root / "sub" / "a.law").write_text(f'import "{target}"\nstatute S\n', encoding="utf-8")
    with pytest.raises(LexproofError) as caught:
        api.load(root)
    rendered = caught.value.render()
    assert SECRET not in rendered
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.span.line, diagnostic.span.column) == (1, 1)
    assert diagnostic.message == f"cannot import '{target}': it lies outside the statute root '{root}'"


def test_a_symbolic_link_out_of_the_root_is_not_followed(tmp_path: Path) -> None:
    root, outside = _tree(tmp_path)
    (root / "link.law").symlink_to(outside / "secret.law")
    (root / "linked_dir").symlink_to(outside, target_is_directory=True)
    (root / "a.law").write_text('import "linked_dir/secret.law"\nstatute S\n', encoding="utf-8")
    # Found by walking the folder:
    with pytest.raises(LexproofError) as walked:
        api.load(root)
    assert SECRET not in walked.value.render()
    assert [d.message for d in walked.value.diagnostics] == [
        f"refused to read this file: it lies outside the statute root '{root}'"]
    assert walked.value.diagnostics[0].span.file == str(root / "link.law")
    # Imported, from a file named directly (its root: its folder, as no pyproject.toml encloses it):
    (root / "b.law").write_text('import "link.law"\nstatute T\n', encoding="utf-8")
    for name, target in (("a.law", "linked_dir/secret.law"), ("b.law", "link.law")):
        with pytest.raises(LexproofError) as imported:
            api.load(root / name)
        assert SECRET not in imported.value.render()
        assert [d.message for d in imported.value.diagnostics] == [
            f"cannot import '{target}': it lies outside the statute root '{root}'"]


def test_a_symbolic_link_inside_the_root_is_followed(tmp_path: Path) -> None:
    """Confinement is about where a file is, not how it is named: a link within the tree works."""
    root, _ = _tree(tmp_path)
    (root / "real").mkdir()
    (root / "real" / "base.law").write_text("statute S\nfacts F { x: int }\n", encoding="utf-8")
    (root / "alias.law").symlink_to(root / "real" / "base.law")
    (root / "main.law").write_text('import "alias.law"\n', encoding="utf-8")
    program = api.load(root / "main.law")
    assert list(program.statutes) == ["S"]


def test_a_file_named_directly_belongs_to_the_project_root(tmp_path: Path) -> None:
    """A file named on the command line may import across folders of its project (the folder
    holding pyproject.toml), but not out of the project."""
    root, outside = _tree(tmp_path)
    project = root.parent
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    (project / "common").mkdir()
    (project / "common" / "base.law").write_text("statute S\nfacts F { x: int }\n", encoding="utf-8")
    (root / "main.law").write_text('import "../common/base.law"\n', encoding="utf-8")
    assert list(api.load(root / "main.law").statutes) == ["S"]
    # The folder named on the command line is its own root, pyproject.toml or not:
    with pytest.raises(LexproofError, match="outside the statute root"):
        api.load(root)
    (root / "main.law").write_text('import "../../outside/secret.law"\n', encoding="utf-8")
    with pytest.raises(LexproofError, match="outside the statute root") as caught:
        api.load(root / "main.law")
    assert SECRET not in caught.value.render()


def test_a_lexproof_toml_makes_a_folder_of_folders_one_statute_tree(tmp_path: Path) -> None:
    """Was: a folder named on the command line was always its own root, so a statute in
    statutes/lll that imports the WEB from statutes/web could be checked as a file but not as
    a folder. A lexproof.toml at or above the folder now makes that tree the root; it still
    ends there, and links out of it are still refused."""
    root, outside = _tree(tmp_path)
    for folder in ("lll", "web"):
        (root / folder).mkdir()
    (root / "web" / "web.law").write_text("statute WEB\nfacts F { x: int }\n", encoding="utf-8")
    (root / "lll" / "lll.law").write_text('import "../web/web.law"\nstatute WSF\n', encoding="utf-8")
    with pytest.raises(LexproofError, match="outside the statute root"):
        api.load(root / "lll")
    (root / "lexproof.toml").write_text("", encoding="utf-8")
    assert sorted(api.load(root / "lll").statutes) == ["WEB", "WSF"]
    assert sorted(api.load(root).statutes) == ["WEB", "WSF"]
    # The tree ends at the folder with lexproof.toml: nothing above it can be imported.
    (root / "lll" / "lll.law").write_text('import "../../../outside/secret.law"\nstatute WSF\n', encoding="utf-8")
    with pytest.raises(LexproofError, match="outside the statute root") as caught:
        api.load(root / "lll")
    assert SECRET not in caught.value.render()
    (root / "lll" / "lll.law").write_text("statute WSF\n", encoding="utf-8")
    (root / "lll" / "link.law").symlink_to(outside / "secret.law")
    with pytest.raises(LexproofError, match="outside the statute root") as linked:
        api.load(root / "lll")
    assert SECRET not in linked.value.render()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs fifos")
def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    root, _ = _tree(tmp_path)
    os.mkfifo(root / "pipe.law")  # opening it for reading would wait for a writer forever
    (root / "a.law").write_text('import "pipe.law"\nstatute S\n', encoding="utf-8")
    run = _cli("check", str(root / "a.law"), timeout=60)
    assert run.returncode == 2
    assert "cannot import 'pipe.law': it is not a regular file" in run.stderr
    run = _cli("check", str(root), timeout=60)
    assert run.returncode == 2
    assert f"{root / 'pipe.law'}:1:1: error: refused to read this file: it is not a regular file" in run.stderr


def test_only_law_files_can_be_imported(tmp_path: Path) -> None:
    root, _ = _tree(tmp_path)
    (root / "notes.txt").write_text(f"{SECRET}\n", encoding="utf-8")
    (root / "a.law").write_text('import "notes.txt"\nstatute S\n', encoding="utf-8")
    with pytest.raises(LexproofError) as caught:
        api.load(root)
    assert SECRET not in caught.value.render()
    assert [d.message for d in caught.value.diagnostics] == ["cannot import 'notes.txt': only .law files can be imported"]


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.law"
    with huge.open("wb") as out:
        out.truncate(32 * MAX_FILE_BYTES)  # sparse: 64 MB of zeros that cost no disk
    tracemalloc.start()
    try:
        with pytest.raises(LexproofError, match=f"file larger than {MAX_FILE_BYTES} bytes"):
            parse_file(huge)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3 * MAX_FILE_BYTES  # read up to the limit, not the whole file


# --- the result cache ----------------------------------------------------------------------------


def _cache_env(tmp_path: Path) -> dict[str, str]:
    return {"LEXPROOF_CACHE": str(tmp_path / "cache"), "XDG_CONFIG_HOME": str(tmp_path / "config")}


def _check_with_cache(tmp_path: Path, statute: Path, *extra: str):
    return CliRunner().invoke(main, ["check", str(statute), "--date", DAY, *extra], env=_cache_env(tmp_path))


def _failing_statute(tmp_path: Path) -> Path:
    path = tmp_path / "s" / "s.law"
    path.parent.mkdir()
    path.write_text(FAILING, encoding="utf-8")
    return path


def test_a_tampered_status_is_a_miss_and_the_property_still_fails(tmp_path: Path) -> None:
    statute = _failing_statute(tmp_path)
    first = _check_with_cache(tmp_path, statute)
    assert first.exit_code == 1
    (entry,) = (tmp_path / "cache").glob("*.json")
    text = entry.read_text(encoding="utf-8")
    assert "counterexample" in text
    entry.write_text(text.replace("counterexample", "proved"), encoding="utf-8")
    again = _check_with_cache(tmp_path, statute)
    assert again.exit_code == 1  # not 0: the edited entry was not believed
    assert "counterexample" in again.stdout and "(cached)" not in again.stdout
    assert "ignored 1 damaged or unauthenticated cache entry" in again.stderr
    third = _check_with_cache(tmp_path, statute)  # the entry was rewritten with the real result
    assert third.exit_code == 1 and "(cached)" in third.stdout


def test_an_entry_without_its_hmac_is_a_miss(tmp_path: Path) -> None:
    statute = _failing_statute(tmp_path)
    assert _check_with_cache(tmp_path, statute).exit_code == 1
    (entry,) = (tmp_path / "cache").glob("*.json")
    envelope = json.loads(entry.read_text(encoding="utf-8"))
    body = json.loads(envelope["body"])
    for item in body["results"]:
        item["status"] = "proved"
    forged_body = json.dumps(body)
    for forged in ({"body": forged_body}, {"mac": "", "body": forged_body}, {"mac": envelope["mac"], "body": forged_body},
                   body):
        entry.write_text(json.dumps(forged), encoding="utf-8")
        run = _check_with_cache(tmp_path, statute, "--format", "json")
        assert run.exit_code == 1
        assert [r["status"] for r in json.loads(run.stdout)["results"]] == ["counterexample"]


CRAFTED = [
    "", "null", "[]", "5", '"x"', "{}", '{"mac": 5, "body": 7}', '{"mac": "00", "body": "{}"}',
    # The layout of the old, unauthenticated entries, with a witness of the wrong shape (this
    # one crashed the old cache with exit 4):
    json.dumps({"format": 1, "results": [{"kind": "property", "name": "always", "status": "proved",
                                          "location": {"file": "s.law", "line": 5, "column": 1, "end_line": 5,
                                                       "end_column": 2},
                                          "witnesses": [{"versions": []}], "details": {}}]}),
    "[" * 100_000 + "]" * 100_000,
]


@pytest.mark.parametrize("text", CRAFTED, ids=range(len(CRAFTED)))
def test_a_crafted_entry_is_a_miss_never_an_internal_error(tmp_path: Path, text: str) -> None:
    statute = _failing_statute(tmp_path)
    assert _check_with_cache(tmp_path, statute).exit_code == 1
    (entry,) = (tmp_path / "cache").glob("*.json")
    entry.write_text(text, encoding="utf-8")
    run = _check_with_cache(tmp_path, statute)
    assert run.exit_code == 1, run.output
    assert "counterexample" in run.stdout


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)


@pytest.fixture(scope="module")
def signed_entry(tmp_path_factory: pytest.TempPathFactory):
    """A real entry of a statute with a counterexample, and what is needed to sign variants."""
    tmp = tmp_path_factory.mktemp("signed")
    cache = ResultCache(tmp / "cache", key_file=tmp / "key")
    program = api.load(ROOT / "statutes" / "lll")
    statute = program.statutes["WSF2000"]
    results = api.check(program, date=DAY, cache=cache)
    assert any(r.witnesses for r in results)
    key = cache.key(statute, {"any": "options"})
    cache.store(key, results)
    envelope = json.loads((tmp / "cache" / f"{key}.json").read_text(encoding="utf-8"))
    return json.loads(envelope["body"]), key, cache.secret(), statute


def _paths(value: object, prefix: tuple = ()) -> list[tuple]:
    """Every place in a JSON value, as a path of keys and indexes."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_paths(item, (*prefix, index)))
    return found


@given(data=st.data())
def test_reading_a_crafted_but_signed_entry_never_raises(signed_entry, data: st.DataObject) -> None:
    """Even an entry that passes the HMAC (a leaked key) is read back whole or not at all: a
    crafted value anywhere in a real entry is a miss, never an exception (exit 4)."""
    body, key, secret, statute = signed_entry
    crafted = json.loads(json.dumps(body))
    path = data.draw(st.sampled_from(_paths(crafted)[1:]))
    replacement = data.draw(_JSON)
    target = crafted
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = replacement
    text = json.dumps(crafted)
    raw = json.dumps({"mac": _mac(secret, key, text), "body": text}).encode()
    results = _read_entry(raw, key, secret, statute)
    if results is not None:
        for result in results:  # what it reads is usable by every output format
            assert isinstance(result.status, str) and result.cached
            result.to_json()


def test_the_cache_lives_outside_the_repository_by_default(tmp_path: Path) -> None:
    statute = _failing_statute(tmp_path)
    environment = {k: v for k, v in os.environ.items() if k != "LEXPROOF_CACHE"}
    environment.update({"XDG_CACHE_HOME": str(tmp_path / "xdg-cache"), "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
                        "PYTHONPATH": str(ROOT)})
    run = subprocess.run([sys.executable, "-m", "lexproof", "check", str(statute), "--date", DAY],
                         capture_output=True, text=True, env=environment, cwd=statute.parent, timeout=120)
    assert run.returncode == 1
    assert not (statute.parent / ".lexproof_cache").exists()
    assert len(list((tmp_path / "xdg-cache" / "lexproof" / "results").glob("*.json"))) == 1
    key = tmp_path / "xdg-config" / "lexproof" / "cache-key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize("mode", [0o644, 0o660, 0o602])
def test_a_key_file_others_can_access_disables_the_cache(tmp_path: Path, mode: int) -> None:
    statute = _failing_statute(tmp_path)
    key = tmp_path / "config" / "lexproof" / "cache-key"
    key.parent.mkdir(parents=True)
    key.write_text("0" * 64, encoding="utf-8")
    key.chmod(mode)
    run = _check_with_cache(tmp_path, statute)
    assert run.exit_code == 1
    assert f"the cache key {key} is accessible to other users (mode {mode:o}" in run.stderr
    assert not (tmp_path / "cache").exists()  # nothing read, nothing written


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to give the key away")
def test_a_key_file_of_another_user_disables_the_cache(tmp_path: Path) -> None:
    key = tmp_path / "cache-key"
    key.write_text("0" * 64, encoding="utf-8")
    key.chmod(0o600)
    os.chown(key, 4242, 4242)
    cache = ResultCache(tmp_path / "cache", key_file=key)
    assert cache.secret() is None
    assert cache.problem == f"the cache key {key} belongs to another user; the cache is not used"


def test_a_key_file_that_is_a_link_disables_the_cache(tmp_path: Path) -> None:
    real = tmp_path / "elsewhere"
    real.write_text("0" * 64, encoding="utf-8")
    real.chmod(0o600)
    (tmp_path / "cache-key").symlink_to(real)
    cache = ResultCache(tmp_path / "cache", key_file=tmp_path / "cache-key")
    assert cache.secret() is None and "cannot read the cache key" in (cache.problem or "")


def test_the_key_is_created_once_with_mode_0600(tmp_path: Path) -> None:
    key = tmp_path / "new" / "cache-key"
    first = load_or_create_key(key)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert load_or_create_key(key) == first and len(first) == 64
    assert [p.name for p in key.parent.iterdir()] == ["cache-key"]  # no temporary left behind


def test_lark_and_python_versions_are_part_of_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import lark

    statute = api.load(ROOT / "statutes" / "hardheidsclausule").statute()
    cache = ResultCache(tmp_path, key_file=tmp_path / "key")
    before = cache.key(statute, {})
    monkeypatch.setattr(lark, "__version__", "0.0.1")
    after_lark = cache.key(statute, {})
    monkeypatch.setattr(sys, "version", "2.7.18 (a different interpreter)")
    after_python = cache.key(statute, {})
    assert len({before, after_lark, after_python}) == 3


# One file whose comment holds NUL bytes, the path of a second file and that file's text...
SPLIT_HEAD = ("statute S\nfacts F { x: int 0..10 }\ndecision c: int [art. 1] otherwise 0\n"
              "rule r [art. 1]: c = 1\n -- ")
# ... and the second file: its first line (an amendment setting c to 9) is live code here, a
# comment in the one-file version; the property fails here (c = 9) and is proved there (c = 1).
SPLIT_TAIL = ("amendment Z amends S in force 2020-01-01 replace rule r [art. 1]: c = 9\n"
              "property p [on 2025-01-01]: for every F claim c = 1\n")


def test_two_files_never_share_a_cache_key_with_one_file_that_spells_them_out(tmp_path: Path) -> None:
    """Was: the key hashed each file as NUL 'file' NUL name NUL text, so a statute of one file
    whose comment held NUL bytes, the second file's path and its text hashed exactly like the
    two files. A pull request that ran the one-file version first got the two-file version,
    whose property fails, reported 'proved (cached)', exit 0."""
    folder = tmp_path / "w"
    folder.mkdir()
    first, second = folder / "a.law", folder / "b.law"
    first.write_text(SPLIT_HEAD + "\0file\0" + str(second) + "\0" + SPLIT_TAIL, encoding="utf-8")
    env = _cache_env(tmp_path)
    one = CliRunner().invoke(main, ["check", str(folder), "--no-builtin"], env=env)
    assert one.exit_code == 0 and "proved" in one.stdout, one.output
    first.write_text(SPLIT_HEAD, encoding="utf-8")
    second.write_text(SPLIT_TAIL, encoding="utf-8")
    two = CliRunner().invoke(main, ["check", str(folder), "--no-builtin"], env=env)
    assert two.exit_code == 1, two.output  # after Z, c = 9 for every case: p fails
    assert "counterexample" in two.stdout and "(cached)" not in two.stdout


def test_every_format_says_when_a_result_came_from_the_cache(tmp_path: Path) -> None:
    statute = _failing_statute(tmp_path)
    assert _check_with_cache(tmp_path, statute).exit_code == 1  # fills the cache
    sarif = json.loads(_check_with_cache(tmp_path, statute, "--format", "sarif").stdout)
    findings = sarif["runs"][0]["results"]
    assert findings and all(f["properties"]["cached"] is True for f in findings)
    junit = _check_with_cache(tmp_path, statute, "--format", "junit").stdout
    assert junit.count('<property name="cached" value="true" />') == 1
    data = json.loads(_check_with_cache(tmp_path, statute, "--format", "json").stdout)
    assert [r["cached"] for r in data["results"]] == [True]
    fresh = CliRunner().invoke(main, ["check", str(statute), "--date", DAY, "--format", "json", "--no-cache"])
    assert "cached" not in json.loads(fresh.stdout)["results"][0]


# --- Lark's grammar cache ----------------------------------------------------------------------


class _Plant:
    """A pickle that, when loaded, creates a file: proof that code ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


_BUILD_THE_OLD_WAY = """
from lark import Lark
from lexproof.dsl.parser import GRAMMAR_FILE
Lark(GRAMMAR_FILE.read_text(encoding="utf-8"), parser="lalr", lexer="contextual", start=["start", "query"],
     propagate_positions=True, maybe_placeholders=False, cache=True)
"""


def test_the_parser_never_loads_a_pickle_from_the_temporary_directory(tmp_path: Path) -> None:
    shared = tmp_path / "tmp"
    shared.mkdir()
    env = {**os.environ, "TMPDIR": str(shared), "PYTHONPATH": str(ROOT)}
    # Where Lark's cache=True keeps the parser built the way dsl/parser.py used to build it:
    subprocess.run([sys.executable, "-c", _BUILD_THE_OLD_WAY], env=env, check=True, timeout=120)
    (planted,) = shared.glob(".lark_cache_*")
    header = planted.read_bytes().split(b"\n", 1)[0]
    marker = tmp_path / "code-ran"
    planted.write_bytes(header + b"\n" + pickle.dumps(_Plant(marker)))
    run = subprocess.run([sys.executable, "-c", "from lexproof.dsl.parser import parse_text; parse_text('statute S\\n')"],
                         env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert not marker.exists()
    assert [p.name for p in shared.iterdir()] == [planted.name]  # and nothing new was written there


# --- control characters ----------------------------------------------------------------------------

ESCAPES = """statute S "title\x1b]0;pwned\x07"
facts F { x: int 0..10 }
decision d: bool otherwise false
rule r ["source \x1b[31mRED\x9b2J\u200f"]: d = true if x > 5
example "case\x1b[2J" { x = 7 } expect d = false
"""


def test_escape_sequences_in_statute_text_are_shown_not_obeyed(tmp_path: Path) -> None:
    path = tmp_path / "s.law"
    path.write_text(ESCAPES, encoding="utf-8")
    run = CliRunner().invoke(main, ["check", str(path), "--date", DAY])
    assert run.exit_code == 1
    assert "\x1b" not in run.stdout and "\x9b" not in run.stdout and "\u200f" not in run.stdout
    assert "✓ r [source ␛[31mRED�2J�] applies" in run.stdout
    assert "example case␛[2J" in run.stdout
    # JSON stays faithful: the same text, escaped by JSON (so still nothing raw on a terminal).
    as_json = CliRunner().invoke(main, ["check", str(path), "--date", DAY, "--format", "json"])
    assert "\x1b" not in as_json.stdout and "\x9b" not in as_json.stdout and "\u200f" not in as_json.stdout
    (result,) = json.loads(as_json.stdout)["results"]
    assert result["name"] == "case\x1b[2J"
    assert result["articles"] == ["source \x1b[31mRED\x9b2J\u200f"]


def test_escape_sequences_in_a_quoted_line_keep_the_caret_in_place(tmp_path: Path) -> None:
    path = tmp_path / "s.law"
    path.write_text('statute S "\x1b[31m\x1b[8m" 42\n', encoding="utf-8")
    run = CliRunner().invoke(main, ["check", str(path)])
    assert run.exit_code == 2
    assert "\x1b" not in run.stderr
    lines = run.stderr.splitlines()
    assert lines[0].startswith(f"{path}:1:23: error: unexpected '42'")
    assert lines[1] == '    1 | statute S "␛[31m␛[8m" 42'
    assert lines[2].index("^") == lines[1].index("42")


def test_escape_sequences_in_a_case_file_are_shown_not_obeyed(tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"\x1b[31mleeftijd": 20}), encoding="utf-8")
    run = CliRunner().invoke(main, ["eval", str(ROOT / "statutes" / "lll"), "--case", str(case)])
    assert run.exit_code == 2
    assert "\x1b" not in run.stderr
    assert "␛[31mleeftijd" in run.stderr


def test_escape_sequences_reach_no_terminal_through_the_pytest_plugin(tmp_path: Path) -> None:
    (tmp_path / "s.law").write_text(ESCAPES, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "lexproof.verifier.pytest_plugin", "-p", "no:cacheprovider",
                          "--color=no", "-v", "--lexproof-date", DAY, str(tmp_path)],
                         capture_output=True, text=True, cwd=tmp_path, timeout=300,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 1, run.stdout + run.stderr
    assert "\x1b" not in run.stdout + run.stderr and "\x9b" not in run.stdout
    assert "case␛[2J" in run.stdout  # the failing example, by its (visible) name
    assert "source ␛[31mRED" in run.stdout  # its explanation, with the citation


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs fifos")
@pytest.mark.parametrize("plant", ["fifo", "link to /dev/zero", "directory"])
def test_an_entry_that_is_not_a_regular_file_is_a_miss_without_blocking(tmp_path: Path, plant: str) -> None:
    statute = _failing_statute(tmp_path)
    assert _check_with_cache(tmp_path, statute).exit_code == 1
    (entry,) = (tmp_path / "cache").glob("*.json")
    entry.unlink()
    if plant == "fifo":
        os.mkfifo(entry)
    elif plant == "directory":
        entry.mkdir()
    else:
        entry.symlink_to("/dev/zero")
    run = _cli("check", str(statute), "--date", DAY, env=_cache_env(tmp_path), timeout=120)
    assert run.returncode == 1, run.stderr
    assert "counterexample" in run.stdout


def test_the_pytest_plugin_confines_imports_to_the_rootdir(tmp_path: Path) -> None:
    """Under pytest, a folder's files may import from another folder of the project (as
    `lexproof check` of the project allows), but not from outside pytest's rootdir."""
    project = tmp_path / "project"
    (project / "common").mkdir(parents=True)
    (project / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (project / "common" / "base.law").write_text(
        "statute S\nfacts F { x: int 0..10 }\ndecision d: bool otherwise false\n"
        "rule r [art. 1]: d = true if x > 5\n", encoding="utf-8")
    (project / "wijziging").mkdir()
    (project / "wijziging" / "a.law").write_text(
        'import "../common/base.law"\namendment A amends S in force 2027-01-01\n  repeal rule r\n\n'
        'example "na A" [on 2027-06-01] { x = 7 } expect d = false\n', encoding="utf-8")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.law").write_text(f"{SECRET} is not a statute\n", encoding="utf-8")
    (project / "evil").mkdir()
    (project / "evil" / "b.law").write_text('import "../../outside/secret.law"\nstatute T\n', encoding="utf-8")

    def run(folder: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pytest", "-p", "lexproof.verifier.pytest_plugin", "-p", "no:cacheprovider",
                               "--color=no", "--lexproof-date", DAY, folder], capture_output=True, text=True,
                              cwd=project, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})

    good = run("wijziging")
    assert "outside the statute root" not in good.stdout, good.stdout
    assert good.returncode == 0, good.stdout
    assert "1 passed" in good.stdout
    evil = run("evil")
    assert evil.returncode != 0
    assert "outside the statute root" in evil.stdout
    assert SECRET not in evil.stdout + evil.stderr


def test_the_pytest_plugin_honours_a_statute_tree_wider_than_its_rootdir(tmp_path: Path) -> None:
    """Was: pytest on a folder outside any project made that folder the rootdir and the root, so
    a copy of statutes/lll (whose WSF imports ../web/web.law) could not load, though
    'lexproof check' on it could (lexproof.toml above it)."""
    tree = tmp_path / "tree"
    for folder in ("lll", "web"):
        (tree / folder).mkdir(parents=True)
    (tree / "lexproof.toml").write_text("", encoding="utf-8")
    (tree / "web" / "web.law").write_text(
        "statute WEB\nfacts F { x: int 0..10 }\ndecision d: bool [art. 1] otherwise false\n"
        "rule r [art. 1]: d = true if x > 5\n", encoding="utf-8")
    (tree / "lll" / "lll.law").write_text(
        'import "../web/web.law"\nstatute WSF\nuses WEB\ndecision e: bool [art. 2] otherwise false\n'
        'rule s [art. 2]: e = true if WEB.d\nexample "zes" [on 2026-01-01] { x = 6 } expect e = true\n',
        encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "lexproof.verifier.pytest_plugin", "-p", "no:cacheprovider",
                          "--color=no", "--lexproof-date", DAY, "-k", "zes", str(tree / "lll")],
                         capture_output=True, text=True, cwd=tree / "lll", timeout=300,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert "outside the statute root" not in run.stdout, run.stdout
    assert run.returncode == 0, run.stdout
    assert "1 passed" in run.stdout


def test_without_a_home_directory_the_cache_is_not_written_into_the_working_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lexproof.verifier import cache as cache_module

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LEXPROOF_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # ignored: not absolute
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/config")
    monkeypatch.setattr(cache_module.os.path, "expanduser", lambda path: path)  # no home: '~' stays
    assert cache_module.default_cache() is None
    assert ResultCache(tmp_path / "c").secret() is None
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("failing", [True, False], ids=["examples-written", "nothing-to-write"])
def test_an_emit_example_path_with_escapes_is_shown_not_obeyed(tmp_path: Path, failing: bool) -> None:
    """The notes 'wrote N example(s) to PATH' and 'no counterexamples to write to PATH' sent the
    path to the terminal as it was (file names are the author's text, docs/security.md)."""
    statute = _failing_statute(tmp_path) if failing else tmp_path / "ok.law"
    if not failing:
        statute.write_text("statute S\nfacts F { x: int 0..10 }\n", encoding="utf-8")
    target = tmp_path / "out\x1b]0;pwn\x07.law"
    run = _cli("check", str(statute), "--date", DAY, "--emit-example", str(target), env={"LEXPROOF_CACHE": "off"})
    assert run.returncode == (1 if failing else 0), run.stderr
    assert "\x1b" not in run.stderr and "\x07" not in run.stderr
    assert "out␛]0;pwn␇.law" in run.stderr
    assert target.exists() == failing


def test_a_planted_gitignore_link_does_not_make_the_cache_write_elsewhere(tmp_path: Path) -> None:
    """Whoever can write the cache directory (a restored CI cache) planted '.gitignore' as a
    link to a file that did not exist yet; writing the cache followed it and created that file
    (here: a file next to the cache, as it could be in ~/.ssh or ~/.config)."""
    cache = tmp_path / "cache"
    cache.mkdir()
    target = tmp_path / "created-through-the-link"
    (cache / ".gitignore").symlink_to(target)
    statute = _failing_statute(tmp_path)
    assert _check_with_cache(tmp_path, statute).exit_code == 1
    assert not target.exists()
    assert list(cache.glob("*.json"))  # the entry itself was still written


# --- case files ---------------------------------------------------------------------------------


CASE_STATUTE = "statute S\nfacts F { x: int 0..10 }\ndecision d: bool [art. 1] otherwise x > 5\n"


@pytest.mark.parametrize("how", ["file-link", "folder-link"])
def test_a_case_file_linked_out_of_the_repository_is_not_read(tmp_path: Path, how: str) -> None:
    """Was: a case file in a pull request that is a link to /proc/self/environ had its first
    line, the CI environment with its secrets, quoted under 'not valid JSON'."""
    root, outside = _tree(tmp_path)
    (root.parent / "pyproject.toml").write_text("", encoding="utf-8")
    statute = root / "s.law"
    statute.write_text(CASE_STATUTE, encoding="utf-8")
    cases = root / "cases"
    if how == "file-link":
        cases.mkdir()
        (cases / "x.json").symlink_to("/proc/self/environ")
        case = cases / "x.json"
    else:
        cases.symlink_to(outside)
        case = cases / "secret.law"
    run = _cli("eval", str(statute), "--case", str(case), "--date", DAY,
               env={"LEXPROOF_CACHE": "off", "CI_TOKEN": SECRET})
    assert run.returncode == 2, run.stdout + run.stderr
    assert SECRET not in run.stdout + run.stderr
    assert f"{case}:1:1: error: refused to read the case file: it leads, through a symbolic link, out of " \
           f"'{root.parent}'" in run.stderr


def test_a_case_file_linked_within_the_repository_and_stdin_still_work(tmp_path: Path) -> None:
    root, _ = _tree(tmp_path)
    statute = root / "s.law"
    statute.write_text(CASE_STATUTE, encoding="utf-8")
    (root / "real.json").write_text('{"x": 7}', encoding="utf-8")
    (root / "link.json").symlink_to(root / "real.json")
    run = _cli("eval", str(statute), "--case", str(root / "link.json"), "--date", DAY, env={"LEXPROOF_CACHE": "off"})
    assert run.returncode == 0 and "d = true" in run.stdout, run.stderr  # x = 7 > 5
    piped = subprocess.run([sys.executable, "-m", "lexproof", "eval", str(statute), "--case", "/dev/stdin",
                            "--date", DAY], input='{"x": 2}', capture_output=True, text=True, timeout=120,
                           env={**os.environ, "PYTHONPATH": str(ROOT), "LEXPROOF_CACHE": "off"})
    assert piped.returncode == 0 and "d = false" in piped.stdout, piped.stderr


# Tag characters spell ASCII no terminal shows: 'ok' + invisible 'EVIL' (U+E0045 U+E0056 ...).
SMUGGLED = "ok" + "".join(chr(0xE0000 + ord(c)) for c in "EVIL") + "\u0600"


def test_tag_characters_and_other_invisible_format_characters_are_shown(tmp_path: Path) -> None:
    """Was: only some invisible format characters (Unicode Cf) were made visible; the tag
    characters U+E0020..U+E007F, which hide a text inside a citation or an example's name, and
    the Arabic number signs went to the terminal (and raw into JSON) as they were."""
    path = tmp_path / "s.law"
    path.write_text(ESCAPES.replace("source \x1b[31mRED\x9b2J\u200f", f"source {SMUGGLED}"), encoding="utf-8")
    run = CliRunner().invoke(main, ["check", str(path), "--date", DAY])
    assert run.exit_code == 1, run.output
    assert not any(0xE0000 <= ord(c) <= 0xE007F or c == "\u0600" for c in run.stdout)
    assert "[source ok�����] applies" in run.stdout  # one visible character for each
    as_json = CliRunner().invoke(main, ["check", str(path), "--date", DAY, "--format", "json"])
    assert not any(0xE0000 <= ord(c) <= 0xE007F or c == "\u0600" for c in as_json.stdout)
    (result,) = json.loads(as_json.stdout)["results"]
    assert result["articles"] == [f"source {SMUGGLED}"]  # JSON stays faithful


@pytest.mark.parametrize("target", ["environ", "outside-law", "folder"])
def test_a_file_or_folder_named_on_the_command_line_cannot_be_a_link_out_of_its_project(
        tmp_path: Path, target: str) -> None:
    """Was: the root of a file named directly was found from the resolved path, so a CI job
    running 'lexproof check statutes/s.law' on a pull request that turned s.law into a link to
    /proc/self/environ printed the environment under a syntax error (the link's target was
    its own root); a link to a .law file elsewhere was read too."""
    root, outside = _tree(tmp_path)
    (root.parent / "pyproject.toml").write_text("", encoding="utf-8")
    named = root / ("s.law" if target != "folder" else "wet")
    named.symlink_to({"environ": Path("/proc/self/environ"), "outside-law": outside / "secret.law",
                      "folder": outside}[target])
    run = _cli("check", str(named), env={"LEXPROOF_CACHE": "off", "CI_TOKEN": SECRET})
    assert run.returncode == 2, run.stdout + run.stderr
    assert SECRET not in run.stdout + run.stderr
    assert f"{named}:1:1: error: refused to read this file: it leads, through a symbolic link, out of" in run.stderr

