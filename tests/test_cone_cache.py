"""Issue 18: the optimisations of ``lexproof check`` change nothing it reports.

- z3's assumptions passed as one array (``solving.DIRECT_CHECK``) give the answers of z3py's
  ``Solver.check``, byte for byte in JSON, on the bundled statutes and on a generated book;
- the per-decision cache keyed by the content of a decision's cone (verifier/cone_cache.py):
  a warm run reports exactly what a cold one does; editing a rule re-checks exactly the
  decisions whose cone holds it, in the versions the rule is in force in; a new finding is
  found after an edit; a forged or damaged entry is a miss, never a 'clean'.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from lexproof.dsl.consolidate import distinct_versions
from lexproof.verifier import api, solving
from lexproof.verifier.cache import ResultCache, _mac
from lexproof.verifier.cone_cache import ConeCache

ROOT = Path(__file__).resolve().parent.parent
DAY = "2026-06-01"

# b is read by m, m by t (a chain of three); o stands alone. The amendment replaces b's rule
# from 2027, so an edit of b's own rule changes nothing in the version after it.
CHAIN = """
statute S
facts F { x: int 0..100  y: int 0..100  z: bool }
decision b: bool [art. 1] otherwise false
decision m: bool [art. 2] otherwise false
decision t: int [art. 3] otherwise 0
decision o: bool [art. 4] otherwise false
rule b1 [art. 1 lid 1]: b = true if x > 10
rule b2 [art. 1 lid 2]: b = true if y > 20
rule m1 [art. 2]: m = true if b and z
rule t1 [art. 3]: t = 5 if m
rule o1 [art. 4 lid 1]: o = true if y > 50
rule o2 [art. 4 lid 2]: o = true if x > 90
amendment A amends S in force 2027-01-01
  replace rule b1 [art. 1 lid 1]: b = true if x > 30
"""


def _book_module():
    """benchmarks/book.py (benchmarks/ is not a package)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import book
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return book


def _book(tmp_path: Path, rules: int = 150):
    book = _book_module()
    book.write_book(rules, tmp_path, defects=0.4)
    return api.load(*(tmp_path / name for name in book.BOOK_FILES))


def _as_json(results) -> str:
    return json.dumps([r.to_json() for r in results], sort_keys=True, default=str)


def _cones(directory: Path) -> ConeCache:
    return ConeCache(ResultCache(directory, key_file=directory.parent / f"{directory.name}-key"))


def _builtin(program, cones: ConeCache | None = None):
    (statute,) = program.statutes.values()
    return api.builtin_checks(statute, None, api.Budget(), undated=api._date(DAY), cones=cones)


def test_assumptions_as_one_array_answer_as_z3py_does(tmp_path: Path, monkeypatch) -> None:
    bundled = api.load(ROOT / "statutes")
    book = _book(tmp_path)
    direct = [_as_json(api.check(bundled, date=DAY)), _as_json(api.check(book, properties=True, examples=False))]
    monkeypatch.setattr(solving, "DIRECT_CHECK", False)
    through_z3py = [_as_json(api.check(bundled, date=DAY)), _as_json(api.check(book, properties=True, examples=False))]
    assert direct == through_z3py
    found = json.loads(direct[1])
    assert {r["kind"] for r in found if r["status"] == r["kind"]} >= {"gap", "dead"}  # planted findings took part


def test_a_non_boolean_assumption_is_unknown_never_an_answer() -> None:
    import z3

    solver = z3.SimpleSolver()
    assert solving.check(solver, z3.Int("n")) == "unknown"
    assert solving.check(solver, z3.Bool("p")) == "sat"
    assert solving.check(solver, z3.Bool("p"), z3.Not(z3.Bool("p"))) == "unsat"


def test_a_warm_run_reports_what_a_cold_run_reports_on_a_book(tmp_path: Path) -> None:
    book = _book(tmp_path / "book")
    cold = _builtin(book)
    cones = _cones(tmp_path / "cache")
    stored = _builtin(book, cones)
    assert cones.hits == 0 and cones.misses > 50
    warm_cones = _cones(tmp_path / "cache")
    warm = _builtin(book, warm_cones)
    assert (warm_cones.hits, warm_cones.misses) == (cones.misses, 0)
    assert len(cold) >= 4 and _as_json(stored) == _as_json(cold)
    assert all(r.cached for r in warm)
    assert [{k: v for k, v in r.to_json().items() if k != "cached"} for r in warm] == [r.to_json() for r in cold]


def _keys(program) -> dict[tuple[str, str], str]:
    (statute,) = program.statutes.values()
    cones = _cones(Path("/nonexistent-lexproof-cache"))
    options = {"rlimit": 1, "timeout_ms": 1, "only": list(api.ALL_CHECKS), "period": None}
    return {(version.label, name): cones.key(statute, version, name, options)
            for version in distinct_versions(statute, api._date(DAY)) for name in statute.decisions}


def test_an_edit_changes_exactly_the_keys_of_the_cones_that_hold_it(tmp_path: Path) -> None:
    law = tmp_path / "s.law"
    law.write_text(CHAIN, encoding="utf-8")
    before = _keys(api.load(law))
    law.write_text(CHAIN.replace("b = true if y > 20", "b = true if y > 25"), encoding="utf-8")
    after = _keys(api.load(law))
    assert before.keys() == after.keys()
    changed = {key for key in before if before[key] != after[key]}
    # b2 is in force in both versions, so b and its readers m and t change in both; o does not.
    labels = sorted({label for label, _ in before})
    assert len(labels) == 2
    assert changed == {(label, name) for label in labels for name in ("b", "m", "t")}
    # b1 is replaced by the amendment: editing it changes the version before 2027 only.
    law.write_text(CHAIN.replace("b = true if x > 10", "b = true if x > 15"), encoding="utf-8")
    edited = _keys(api.load(law))
    changed = {key for key in before if before[key] != edited[key]}
    assert changed == {(labels[0], name) for name in ("b", "m", "t")}
    # A rule moved to another line: its findings would show the old line, so the key changes.
    law.write_text(CHAIN.replace("decision b:", "\ndecision b:"), encoding="utf-8")
    moved = _keys(api.load(law))
    assert all(moved[key] != before[key] for key in before)


def test_after_an_edit_a_new_finding_is_found_and_the_rest_reused(tmp_path: Path) -> None:
    law = tmp_path / "s.law"
    law.write_text(CHAIN, encoding="utf-8")
    cones = _cones(tmp_path / "cache")
    assert [r for r in _builtin(api.load(law), cones) if r.status != "clean"] == []
    entries = cones.misses
    # b, m and t in two versions, o in one: the same rules in both, so one run checks it once.
    assert entries == 7
    # o2 becomes dead in both versions: o's cached 'clean' must not be reused.
    law.write_text(CHAIN.replace("o = true if x > 90", "o = true if x > 90 and x < 5"), encoding="utf-8")
    cones = _cones(tmp_path / "cache")
    results = _builtin(api.load(law), cones)
    assert [(r.kind, r.name, r.cached) for r in results] == [("dead", "o2", False)]
    assert (cones.hits, cones.misses) == (6, 1)
    # And back: the finding goes, o's first entry (clean) is reused.
    law.write_text(CHAIN, encoding="utf-8")
    cones = _cones(tmp_path / "cache")
    assert _builtin(api.load(law), cones) == [] and (cones.hits, cones.misses) == (7, 0)


def _entry_for(cache_dir: Path, name: str) -> Path:
    for path in (cache_dir / "cones").glob("*.json"):
        body = json.loads(json.loads(path.read_text(encoding="utf-8"))["body"])
        if any(r["name"] == name for r in body["results"]):
            return path
    raise AssertionError(f"no entry holds {name}")


@pytest.mark.parametrize("forgery", ["emptied", "other key"])
def test_a_forged_clean_entry_is_a_miss_and_the_finding_stays(tmp_path: Path, forgery: str) -> None:
    law = tmp_path / "s.law"
    law.write_text(CHAIN.replace("o = true if x > 90", "o = true if x > 90 and x < 5"), encoding="utf-8")
    cache_dir = tmp_path / "cache"
    assert [r.name for r in _builtin(api.load(law), _cones(cache_dir))] == ["o2"]
    path = _entry_for(cache_dir, "o2")
    envelope = json.loads(path.read_text(encoding="utf-8"))
    body = json.loads(envelope["body"])
    body["results"] = []  # 'o is clean'
    text = json.dumps(body)
    # Emptied under the old MAC, or signed with a key of the attacker's own.
    mac = envelope["mac"] if forgery == "emptied" else _mac(b"\x01" * 32, path.stem, text)
    path.write_text(json.dumps({"mac": mac, "body": text}), encoding="utf-8")
    cones = _cones(cache_dir)
    results = _builtin(api.load(law), cones)
    assert [(r.name, r.status, r.cached) for r in results] == [("o2", "dead", False)]
    assert cones.entries.rejected == 1


# d reads the parameter through a table, e the parameter directly, f neither.
TABLED = """
statute T
facts F { x: money €0..€100_000 }
parameter grens: money [art. 1]
  = €10_000 from 2020-01-01
  = €12_000 from 2024-01-01
table tabel [bijlage 1]: money -> money { up to grens: €100  above: €0 }
decision d: money [art. 2] otherwise €0
decision e: bool [art. 3] otherwise false
decision f: bool [art. 4] otherwise false
rule d1 [art. 2]: d = tabel(x) if x > €1_000
rule e1 [art. 3]: e = true if x > grens
rule f1 [art. 4]: f = true if x > €50_000
"""


def test_a_parameter_value_changes_the_keys_of_its_readers_in_its_versions_only(tmp_path: Path) -> None:
    law = tmp_path / "t.law"
    law.write_text(TABLED, encoding="utf-8")
    before = _keys(api.load(law))
    law.write_text(TABLED.replace("= €12_000 from", "= €13_000 from"), encoding="utf-8")
    after = _keys(api.load(law))
    labels = sorted({label for label, _ in before})
    assert labels[-1].endswith("2024-01-01")
    # Only the version from 2024 has the value; d reads it through the table, e directly.
    assert {key for key in before if before[key] != after[key]} == {(labels[-1], "d"), (labels[-1], "e")}
    # A row of the table: d in every version (e and f do not read the table).
    law.write_text(TABLED.replace("above: €0", "above: €1"), encoding="utf-8")
    rows = _keys(api.load(law))
    assert {key for key in before if before[key] != rows[key]} == {(label, "d") for label in labels}


def test_a_cone_key_of_a_cycle_ends(tmp_path: Path, monkeypatch) -> None:
    # The checker refuses decisions that read each other in a cycle; should one slip through,
    # the Merkle digest must not wait forever for a decision that waits for it.
    law = tmp_path / "s.law"
    law.write_text(CHAIN, encoding="utf-8")
    (statute,) = api.load(law).statutes.values()
    version = distinct_versions(statute, api._date(DAY))[0]
    cones = _cones(tmp_path / "cones")
    reads = {"b": ("m",), "m": ("b",), "t": ("m",), "o": ()}
    monkeypatch.setattr(ConeCache, "_own", lambda self, statute, version, name: (name.encode() * 4, reads[name]))
    first = cones.key(statute, version, "t", {})
    assert first == cones.key(statute, version, "t", {})
    assert cones.key(statute, version, "o", {}) != first


# One decision reads two tables: a set of names, whose order follows string hashing.
TWO_TABLES = """
statute S
facts F { x: money  y: money }
table laag [bijlage 1]: money -> money { up to €100: €1  above: €2 }
table hoog [bijlage 2]: money -> money { up to €500: €3  above: €4 }
decision bedrag: money [art. 1] otherwise €0
decision totaal: money [art. 2] otherwise €0
rule bedrag1 [art. 1]: bedrag = laag(x) + hoog(y) if x > €10
rule totaal1 [art. 2]: totaal = bedrag + €1 if y > €20
"""

_KEYS_OF = """
import hashlib, json, sys
sys.path.insert(0, {tests!r})
import test_cone_cache as t
from lexproof.verifier import api
print(json.dumps(sorted(t._keys(api.load(*sys.argv[1:])).items())))
"""


def test_cone_keys_are_the_same_in_every_process(tmp_path: Path) -> None:
    """A key made of a set in its iteration order differs per process (string hashing is
    seeded per process): every run then misses the entries of another. Both statutes have
    decisions that read two tables (as did a tenth of the 10,000-rule book's cones)."""
    import os
    import subprocess

    (tmp_path / "two.law").write_text(TWO_TABLES, encoding="utf-8")
    _book(tmp_path / "book", rules=150)
    runs = {}
    for files in ([tmp_path / "two.law"], [tmp_path / "book" / name for name in _book_module().BOOK_FILES]):
        for seed in ("1", "2", "3", "4"):
            done = subprocess.run([sys.executable, "-c", _KEYS_OF.format(tests=str(ROOT / "tests")), *map(str, files)],
                                  capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed})
            assert done.returncode == 0, done.stderr
            runs.setdefault(str(files[0]), set()).add(done.stdout)
    assert all(len(outputs) == 1 for outputs in runs.values()), "a cone key differs between processes"
    keys = json.loads(next(iter(runs[str(tmp_path / "two.law")])))
    assert len(keys) == 2 and len({key for _, key in keys}) == 2  # bedrag and totaal, both keyed


def test_a_statute_whose_cached_witnesses_were_read_goes_when_its_program_goes(tmp_path: Path) -> None:
    """The versions a cached witness is evaluated in refer back to their statute: kept in a
    process-wide memo, they kept every loaded statute alive (``check --watch`` grew by a whole
    program per edit). They live in the statute's ``scratch`` now, and go with it."""
    import gc
    import weakref

    book = _book(tmp_path / "book")
    _builtin(book, _cones(tmp_path / "cache"))
    again = _book_module().BOOK_FILES
    program = api.load(*(tmp_path / "book" / name for name in again))
    warm = _builtin(program, _cones(tmp_path / "cache"))
    assert any(r.cached and r.witnesses for r in warm)  # cached witnesses were read back
    (statute,) = program.statutes.values()
    assert statute.scratch  # the versions they were evaluated in
    gone = weakref.ref(statute)
    del program, statute, warm
    gc.collect()
    assert gone() is None
