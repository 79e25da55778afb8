"""Issue 18: the cache of loaded books (dsl/program_codec.py, verifier/load_cache.py).

- The codec: a program decoded from its encoding is the loaded one, field by field (spans
  included) and with the same objects shared, for every bundled statute and a generated book;
  only lexproof's own dataclasses are ever built.
- The cache: a warm load gives what a fresh load gives (``eval`` and ``check --format json``
  byte-identical, diagnostics quoting file:line:col); an edited file, a file that now imports
  across the statute root, or a changed working directory is a miss; a forged, damaged or
  foreign entry is a miss (counted), never a program and never a crash.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from lexproof.dsl import program_codec
from lexproof.dsl.diagnostics import Diagnostic
from lexproof.dsl.source import SOURCES, Span
from lexproof.verifier import api
from lexproof.verifier.cache import ResultCache
from lexproof.verifier.cli import main
from lexproof.verifier.load_cache import LoadCache, _mac

ROOT = Path(__file__).resolve().parent.parent
STATUTES = ROOT / "statutes"

SMALL = """
statute S
facts F { x: int 0..100  y: int 0..100 }
decision d: bool [art. 1] otherwise false
rule d1 [art. 1 lid 1]: d = true if x > 10
rule d2 [art. 1 lid 2]: d = true if y > 20
amendment A amends S in force 2027-01-01
  replace rule d1 [art. 1 lid 1]: d = true if x > 30
"""


def _book(tmp_path: Path, rules: int = 150) -> list[Path]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import book
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    book.write_book(rules, tmp_path, defects=0.4)
    return [tmp_path / name for name in book.BOOK_FILES]


def assert_same(loaded: object, decoded: object) -> None:
    """``decoded`` is ``loaded``: the same types and values in every field (spans and fields
    without a repr included; not a transient field), and an object shared in one is shared in the other, one for one
    (spans, plain values, are compared by value).
    Written without the codec, so that a codec that drops a field or a share is caught."""
    pairs: dict[int, int] = {}
    stack = [(loaded, decoded, "program")]
    while stack:
        a, b, where = stack.pop()
        assert type(a) is type(b), f"{where}: {type(a).__name__} became {type(b).__name__}"
        if isinstance(a, Span):  # a value: equal spans need not be one object
            assert a == b, f"{where}: {a!r} became {b!r}"
        elif dataclasses.is_dataclass(a):
            if id(a) in pairs:
                assert pairs[id(a)] == id(b), f"{where}: a shared object is no longer shared"
                continue
            pairs[id(a)] = id(b)
            assert vars(a).keys() == vars(b).keys(), where
            # What a process worked out per object (``StatuteModel.scratch``) is not part of it;
            # that the codec writes it empty is tested in test_rule_memo.py.
            transient = {f.name for f in dataclasses.fields(a) if f.metadata.get("transient")}
            stack.extend((getattr(a, name), getattr(b, name), f"{where}.{name}") for name in vars(a)
                         if name not in transient)
        elif isinstance(a, dict):
            assert list(a) == list(b), f"{where}: keys differ"
            stack.extend((a[key], b[key], f"{where}[{key!r}]") for key in a)
        elif isinstance(a, (list, tuple)):
            assert len(a) == len(b), f"{where}: length differs"
            stack.extend((x, y, f"{where}[{i}]") for i, (x, y) in enumerate(zip(a, b)))
        else:
            assert a == b, f"{where}: {a!r} became {b!r}"
    assert len(set(pairs.values())) == len(pairs), "two objects became one"


def _round_trip(program):
    return program_codec.decode(json.loads(json.dumps(program_codec.encode(program))))


@pytest.mark.parametrize("folder", sorted(p.name for p in STATUTES.iterdir() if p.is_dir()))
def test_every_bundled_statute_round_trips_exactly(folder: str) -> None:
    program = api.load(STATUTES / folder)
    assert_same(program, _round_trip(program))


def test_a_generated_book_round_trips_exactly(tmp_path: Path) -> None:
    program = api.load(*_book(tmp_path))
    decoded = _round_trip(program)
    assert_same(program, decoded)
    assert len(decoded.statute().rules) == len(program.statute().rules) > 100


def test_the_comparison_catches_a_lost_share_and_a_lost_span() -> None:
    """The checker of the tests above fails where it must (a codec bug would pass otherwise)."""
    program = api.load(STATUTES / "lll")
    decoded = _round_trip(program)
    statute = api.pick_statute(decoded, None)
    name, rule = next(iter(statute.rules.items()))
    statute.rules[name] = dataclasses.replace(rule, span=dataclasses.replace(rule.span, line=rule.span.line + 1))
    with pytest.raises(AssertionError, match="became"):
        assert_same(program, decoded)
    decoded = _round_trip(program)
    decisions = list(api.pick_statute(program, None).decisions.values())
    first, shared = next((a, b) for a in decisions for b in decisions if a is not b and a.type is b.type)
    assert api.pick_statute(decoded, None).decisions[first.name].type is api.pick_statute(decoded, None).decisions[shared.name].type
    copy = api.pick_statute(decoded, None).decisions[shared.name]
    api.pick_statute(decoded, None).decisions[shared.name] = dataclasses.replace(copy, type=dataclasses.replace(copy.type))
    with pytest.raises(AssertionError, match="shared"):
        assert_same(program, decoded)


@pytest.mark.parametrize("name", ["os.system", "builtins.eval", "model.Nope", 7])
def test_only_lexproof_dataclasses_are_built(name: object) -> None:
    encoded = program_codec.encode(api.load(STATUTES / "lll"))
    encoded["classes"][0][0] = name
    with pytest.raises(program_codec.CodecError):
        program_codec.decode(encoded)


def test_a_class_whose_fields_changed_is_refused() -> None:
    encoded = program_codec.encode(api.load(STATUTES / "lll"))
    encoded["classes"][0][1] = [*encoded["classes"][0][1], "extra"]
    with pytest.raises(program_codec.CodecError):
        program_codec.decode(encoded)


def _first_tagged(data: object, tag: int) -> list | None:
    """The first list in the encoded data whose first element is ``tag``, depth first."""
    if type(data) is not list:
        return None
    if data and data[0] == tag:
        return data
    for item in data[1:]:
        found = _first_tagged(item, tag)
        if found is not None:
            return found
    return None


@pytest.mark.parametrize("tag", [program_codec._DICT, program_codec._FROZENSET])
def test_a_json_object_among_a_dicts_or_sets_items_is_refused(tag: int) -> None:
    """encode() never writes a JSON object inside the data: one there (a key, a value or a
    member) is refused, not built into the program."""
    encoded = program_codec.encode(api.load(STATUTES / "kinderopvang"))
    place = _first_tagged(encoded["data"], tag)
    assert place is not None
    if tag == program_codec._DICT:
        assert len(place) >= 3
        place[-1] = {"evil": 1}  # a value
    else:
        place.append({"evil": 1})  # a member
    with pytest.raises(program_codec.CodecError):
        program_codec.decode(encoded)


def test_an_object_the_codec_does_not_know_is_not_encoded() -> None:
    program = api.load(STATUTES / "lll")
    program.warnings.append(object())
    with pytest.raises(program_codec.CodecError):
        program_codec.encode(program)


# --- the cache ------------------------------------------------------------------------------


def _cache(tmp_path: Path) -> LoadCache:
    return LoadCache(ResultCache(tmp_path / "cache", tmp_path / "config" / "cache-key"))


def _entry(cache: LoadCache) -> Path:
    (entry,) = cache.directory.glob("*.json")
    return entry


def test_a_warm_load_is_the_fresh_load_and_registers_the_sources(tmp_path: Path) -> None:
    files = _book(tmp_path / "book")
    fresh = api.load(*files)
    cache = _cache(tmp_path)
    api.load(*files, cache=cache)
    assert (cache.hits, cache.misses) == (0, 1)
    SOURCES.add(str(files[0]), "")  # forget the text: a warm load must register it again
    warm = api.load(*files, cache=cache)
    assert (cache.hits, cache.rejected) == (1, 0)
    assert_same(fresh, warm)
    rule = next(iter(warm.statute().rules.values()))
    rendered = Diagnostic(rule.span, "here").render()
    line = (files[0].read_text(encoding="utf-8").split("\n"))[rule.span.line - 1]
    assert rendered.startswith(f"{rule.span.file}:{rule.span.line}:{rule.span.column}: error: here")
    assert line in rendered and rule.name in line


def test_an_edit_is_a_miss_and_the_edit_is_loaded(tmp_path: Path) -> None:
    law = tmp_path / "s.law"
    law.write_text(SMALL, encoding="utf-8")
    cache = _cache(tmp_path)
    api.load(law, cache=cache)
    law.write_text(SMALL.replace("x > 10", "x > 11"), encoding="utf-8")
    program = api.load(law, cache=cache)
    assert (cache.hits, cache.misses) == (0, 2)
    condition = program.statute().rules["d1"].condition
    assert condition.args[1].value == 11
    assert api.load(law, cache=cache).statute().rules["d1"].condition.args[1].value == 11
    assert cache.hits == 1


def test_an_import_that_now_leaves_the_root_is_a_miss_and_refused(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    (root / "lexproof.toml").write_text("", encoding="utf-8")
    (root / "a.law").write_text('import "b.law"\n' + SMALL, encoding="utf-8")
    (root / "b.law").write_text("-- nothing but a comment\n", encoding="utf-8")
    outside = tmp_path / "outside.law"
    outside.write_text("-- nothing but a comment\n", encoding="utf-8")  # the same text as b.law
    cache = _cache(tmp_path)
    api.load(root / "a.law", cache=cache)
    (root / "b.law").unlink()
    (root / "b.law").symlink_to(outside)
    with pytest.raises(api.LexproofError, match="outside the statute root"):
        api.load(root / "a.law", cache=cache)
    assert cache.hits == 0


def test_another_working_directory_is_another_entry(tmp_path: Path, monkeypatch) -> None:
    """Spans carry the file's name relative to the working directory, so a program loaded from
    elsewhere names its files differently: never the other directory's entry."""
    law = tmp_path / "s.law"
    law.write_text(SMALL, encoding="utf-8")
    cache = _cache(tmp_path)
    monkeypatch.chdir(tmp_path)
    here = api.load(law, cache=cache)
    monkeypatch.chdir(ROOT)
    there = api.load(law, cache=cache)
    assert (cache.hits, cache.misses) == (0, 2)
    assert here.statute().span.file == "s.law" and there.statute().span.file == str(law)


def _forge(entry: Path) -> None:
    """Change one digit in the middle of the stored program, keeping the old MAC."""
    mac, body = entry.read_bytes().split(b"\n", 1)
    at = body.index(b"1", len(body) // 2)
    entry.write_bytes(mac + b"\n" + body[:at] + b"2" + body[at + 1:])


@pytest.mark.parametrize("damage", ["edited", "other key", "truncated", "empty", "not json", "directory"])
def test_a_forged_or_damaged_entry_is_a_miss(tmp_path: Path, damage: str) -> None:
    law = tmp_path / "s.law"
    law.write_text(SMALL, encoding="utf-8")
    cache = _cache(tmp_path)
    api.load(law, cache=cache)
    entry = _entry(cache)
    if damage == "edited":
        _forge(entry)
    elif damage == "other key":
        mac, body = entry.read_bytes().split(b"\n", 1)
        entry.write_bytes(_mac(b"x" * 64, entry.stem, body).encode() + b"\n" + body)
    elif damage == "truncated":
        entry.write_bytes(entry.read_bytes()[:-100])
    elif damage == "empty":
        entry.write_bytes(b"")
    elif damage == "not json":
        entry.write_bytes(b"\x00\xff" * 50)
    else:
        entry.unlink()
        entry.mkdir()
    program = api.load(law, cache=cache)
    assert cache.hits == 0 and cache.rejected == 1
    assert_same(api.load(law), program)


def test_a_signed_entry_that_does_not_decode_is_a_miss_not_a_crash(tmp_path: Path) -> None:
    """Only this user's key signs entries; if one still did not decode (a bug, another
    version's codec), the book is loaded afresh."""
    law = tmp_path / "s.law"
    law.write_text(SMALL, encoding="utf-8")
    cache = _cache(tmp_path)
    api.load(law, cache=cache)
    entry = _entry(cache)
    secret = cache.results.secret()
    mac, body = entry.read_bytes().split(b"\n", 1)
    data = json.loads(body)
    data["program"]["classes"][0][0] = "os.system"
    body = json.dumps(data).encode()
    entry.write_bytes(_mac(secret, entry.stem, body).encode() + b"\n" + body)
    program = api.load(law, cache=cache)
    assert (cache.hits, cache.misses, cache.rejected) == (0, 2, 0)  # authenticated, then refused by the codec
    assert_same(api.load(law), program)


def test_an_untrusted_key_means_no_cache(tmp_path: Path) -> None:
    law = tmp_path / "s.law"
    law.write_text(SMALL, encoding="utf-8")
    cache = _cache(tmp_path)
    key = tmp_path / "config" / "cache-key"
    key.parent.mkdir()
    key.write_text("k" * 64, encoding="utf-8")
    os.chmod(key, 0o644)
    api.load(law, cache=cache)
    api.load(law, cache=cache)
    assert cache.results.problem and not cache.directory.exists()


def _statute_in(tmp_path: Path) -> Path:
    law = tmp_path / "s.law"
    law.write_text(SMALL, encoding="utf-8")
    return law


def _run(args: list[str], tmp_path: Path) -> tuple[int, str, str]:
    env = {"LEXPROOF_CACHE": str(tmp_path / "cache"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    result = CliRunner().invoke(main, args, env=env)
    return result.exit_code, result.stdout, result.stderr


_TIMINGS = re.compile(r'"(seconds|elapsed|duration|time)[a-z_]*": [0-9.e-]+')


@pytest.mark.parametrize("folder", ["lll", "kinderopvang"])
def test_eval_and_check_print_the_same_from_the_cache(tmp_path: Path, folder: str) -> None:
    statute = str(STATUTES / folder)
    program = api.load(statute)
    model = api.pick_statute(program, None)
    case_file = tmp_path / "case.json"
    from lexproof.verifier.solving import dont_care_value

    case = {}
    for name, info in model.facts.items():
        value = info.default if info.default is not None else dont_care_value(model, info)
        case[name] = _json_value(value, info)
    case_file.write_text(json.dumps(case), encoding="utf-8")
    runs = {}
    for run in ("fresh", "stored", "warm"):
        extra = ["--no-cache"] if run == "fresh" else []
        runs[run] = _run(["eval", statute, "--case", str(case_file), "--date", "2026-06-01", "--format", "json",
                          *extra], tmp_path)
    assert runs["fresh"][0] == 0, runs["fresh"][2]
    assert runs["fresh"] == runs["stored"] == runs["warm"]
    assert len(list((tmp_path / "cache" / "programs").glob("*.json"))) == 1
    checks = [_run(["check", statute, "--format", "json", "--date", "2026-06-01", "-j", "1", *extra], tmp_path)
              for extra in (["--no-cache"], [])]
    assert checks[0][0] == checks[1][0]
    assert _TIMINGS.sub("T", checks[0][1]) == _TIMINGS.sub("T", checks[1][1])


def _json_value(value: object, info) -> object:
    import datetime as dt
    from fractions import Fraction

    if isinstance(value, Fraction):
        return str(value) if info.type.kind != "money" else f"{float(value):.2f}"
    if isinstance(value, int) and not isinstance(value, bool) and info.type.kind == "date":
        return dt.date.fromordinal(value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def test_eval_warns_about_an_ignored_entry(tmp_path: Path) -> None:
    law = _statute_in(tmp_path)
    case = tmp_path / "case.json"
    case.write_text('{"x": 40, "y": 0}', encoding="utf-8")
    args = ["eval", str(law), "--case", str(case), "--date", "2028-01-01", "--format", "json"]
    first = _run(args, tmp_path)
    (entry,) = (tmp_path / "cache" / "programs").glob("*.json")
    _forge(entry)
    second = _run(args, tmp_path)
    assert first[1] == second[1] and '"value": true' in first[1]
    assert "ignored a damaged or unauthenticated cache entry" in second[2]


@pytest.mark.parametrize("command", ["eval", "check"])
def test_an_untrusted_key_is_reported_once(tmp_path: Path, command: str) -> None:
    """``check`` has two caches on one key (results and loaded statutes): one warning."""
    law = _statute_in(tmp_path)
    key = tmp_path / "config" / "lexproof" / "cache-key"
    key.parent.mkdir(parents=True)
    key.write_text("k" * 64, encoding="utf-8")
    os.chmod(key, 0o644)
    case = tmp_path / "case.json"
    case.write_text('{"x": 40, "y": 0}', encoding="utf-8")
    args = (["eval", str(law), "--case", str(case)] if command == "eval" else ["check", str(law), "-j", "1"])
    code, _out, err = _run(args, tmp_path)
    assert code in (0, 1), err
    assert err.count("accessible to other users") == 1, err
    assert not (tmp_path / "cache" / "programs").exists()


def test_the_decisions_a_rule_reads_are_remembered_per_rule_and_forgotten_with_it() -> None:
    """``decision_dependencies`` remembers each rule's reads (every version asks again); an
    entry must never outlive its rule (an id is reused by the next object) or leak."""
    import gc

    from lexproof.dsl import checker

    text = SMALL.replace("decision d: bool [art. 1] otherwise false",
                         "decision e: bool [art. 2] otherwise false\ndecision d: bool [art. 1] otherwise false"
                         ).replace("rule d2 [art. 1 lid 2]: d = true if y > 20",
                                   "rule d2 [art. 1 lid 2]: d = true if e\nrule e1 [art. 2]: e = true if y > 20")
    from lexproof.dsl.check_program import check_files
    from lexproof.dsl.checker import decision_dependencies

    program = check_files([api.parse(text, "memo.law")])
    model = program.statute()
    rules = list(model.rules.values())
    deps = decision_dependencies(model, rules)
    assert deps == {"d": {"e"}, "e": set()}  # by hand: d2 reads e, nothing else reads a decision
    held = {id(rule) for rule in rules}
    assert held <= set(checker._RULE_READS)
    del program, model, rules
    gc.collect()
    assert not held & set(checker._RULE_READS)
