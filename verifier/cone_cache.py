"""Built-in check results per decision, keyed by the content of the decision's cone (issue 18).

The statute cache (``verifier/cache.py``) reuses a statute's results only when none of its files
changed. A drafter edits one rule of a 10,000-rule book and re-checks: every decision whose cone
(the decision, every decision it reads, their rules, the parameter values and table rows they
read) did not change has the same conflicts, gaps, dead and redundant rules as before. This
cache stores them per decision and version, under a SHA-256 of everything they depend on:

- the cone's content: each decision's declaration and rules (text as IR, citations, exceptions,
  spans: a rule that moved to another line is a different key, because its findings show the
  line), the values of the parameters and the rows of the tables it reads;
- what every witness shows: the declarations of all facts (domains, typical values, defaults:
  a counterexample lists every fact) and the values of every enum in the version;
- the version (label, date, amendments), the period a peildatum ranges over, the budget and the
  checks asked for; lexproof's own code, z3, Lark and Python (as the statute cache).

Entries are the statute cache's: JSON, one file per key in the ``cones`` folder of the user's
cache directory, each with an HMAC-SHA256 under the user's secret key (docs/security.md). So a
poisoned entry, for instance one that says a decision with a conflict is clean, does not verify
and is a miss: whoever cannot read ``~/.config/lexproof/cache-key`` cannot forge one, and a key
(a content hash) cannot be made to stand for another cone. An 'unknown' is never stored, nor a
result that cannot be attributed to one decision. Witnesses are stored as their facts and are
evaluated again on load, as in the statute cache.

What it cannot promise: a re-checked decision is encoded next to fewer others than in a cold run,
and z3 may then pick another (equally valid, replayed) counterexample. The findings are the same;
a witness may differ from a cold run's. A run with nothing changed reproduces the cold run's
output exactly (tests/test_cone_cache.py).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys

import lark
import z3

from lexproof.dsl import ir
from lexproof.dsl.consolidate import Version
from lexproof.dsl.identity_memo import IdentityMemo, PartsMemo
from lexproof.dsl.model import RuleInfo, StatuteModel, TableInfo, decision_expressions
from lexproof.verifier.cache import ResultCache, code_fingerprint
from lexproof.verifier.results import Result

FORMAT = 3  # 2: the cone's digest is a Merkle hash over the decisions it reads; 3: the statute's citation label


def canonical(value: object) -> str:
    """``value`` as text that does not depend on the process: a dataclass field by field (the
    fields its repr shows), its set-valued fields sorted (a frozenset's repr follows string
    hashing, which differs per process); anything else by its repr. The IR's nodes, types,
    citations and spans are frozen dataclasses of strings, numbers, Fractions, dates and tuples,
    whose reprs are exact."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return type(value).__name__ + "(" + ", ".join(
            f"{f.name}={_field_text(getattr(value, f.name))}" for f in dataclasses.fields(value) if f.repr) + ")"
    return _field_text(value)


# Per decision object and its rule objects in a version, while they live: its shape. A
# long-lived host keeps the decisions and rules an edit did not touch (``checker.RuleMemo``);
# the rules are held weakly (``PartsMemo``), so the rules an edit replaced go.
_SHAPES: PartsMemo[tuple] = PartsMemo()

# Per rule object, for as long as it lives: a long-lived host (``check --watch``) keeps the
# rules an edit did not touch (``checker.RuleMemo``), and their texts were most of the cone
# keys of a re-check after one edit of the 10,000-rule book.
_RULE_TEXTS: IdentityMemo[str] = IdentityMemo()


def _rule_text(rule: RuleInfo) -> str:
    """``canonical(rule)``, remembered per rule object."""
    text = _RULE_TEXTS.get(rule)
    return text if text is not None else _RULE_TEXTS.put(rule, canonical(rule))


def _field_text(value: object) -> str:
    if isinstance(value, (frozenset, set)):
        return repr(sorted(map(repr, value)))
    if isinstance(value, dict):
        return repr(sorted((repr(k), repr(v)) for k, v in value.items()))
    return repr(value)


class ConeCache:
    """Per-decision built-in check results, authenticated like the statute cache's entries."""

    def __init__(self, results: ResultCache) -> None:
        self.entries = results.folder("cones")  # what a long-lived ``results`` remembers lasts
        self._global: dict[tuple[int, str], bytes] = {}
        # Digests per (version, decision) and texts per table, computed once (the texts of a
        # decision and its rules: ``_SHAPES``, for as long as the objects live). The objects are
        # kept (and compared on lookup), so an id is never mistaken for another object's.
        self._owns: dict[tuple[int, str], tuple[bytes, tuple[str, ...]]] = {}
        self._cones: dict[tuple[int, str], bytes] = {}  # (version, decision) -> its cone's digest
        self._tables: dict[int, tuple] = {}
        self._versions: list[Version] = []

    @property
    def hits(self) -> int:
        return self.entries.hits

    @property
    def misses(self) -> int:
        return self.entries.misses

    def usable(self, statute: StatuteModel) -> bool:
        """Whether decisions of this statute may be cached: not one that reads other statutes
        (their rules are outside its cone as computed here), not without a trusted key."""
        return not statute.uses and self.entries.secret() is not None

    def key(self, statute: StatuteModel, version: Version, decision: str, options: dict) -> str:
        """The entry name for ``decision`` in ``version`` (see the module docstring): a hash of
        the digests of every decision in its cone, each computed once per version."""
        digest = hashlib.sha256(self._statute_part(statute, version))
        digest.update(json.dumps({"decision": decision, "options": options}, sort_keys=True).encode())
        digest.update(self._cone(statute, version, decision))
        return digest.hexdigest()

    def _cone(self, statute: StatuteModel, version: Version, decision: str) -> bytes:
        """A digest of the decision's whole cone, Merkle-style: of its own part and the cone
        digests of the decisions it reads, each computed once per version (hashing every
        cone's decisions again for every decision was quadratic in the depth of the chains).
        Decisions do not read each other in a cycle (the checker refuses that)."""
        cones = self._cones
        if (id(version), decision) in cones:
            return cones[(id(version), decision)]
        stack = [decision]
        expanded: set[str] = set()  # waiting for the decisions they read: those on the path
        while stack:  # children first, without recursion (chains may be thousands deep)
            name = stack[-1]
            if (id(version), name) in cones:  # reached twice while it waited
                stack.pop()
                continue
            own, reads = self._own(statute, version, name)
            waiting = [other for other in reads if (id(version), other) not in cones]
            if waiting:
                if expanded.intersection(waiting) or name in waiting:
                    # A cycle, which the checker should have refused: a digest of the whole
                    # cone, flat (as FORMAT 1 did), rather than waiting forever.
                    return self._flat_cone(statute, version, decision)
                expanded.add(name)
                stack.extend(waiting)
                continue
            stack.pop()
            digest = hashlib.sha256(name.encode() + b"\0" + own)
            for other in reads:  # sorted by name
                digest.update(b"\0" + other.encode() + b"\0" + cones[(id(version), other)])
            cones[(id(version), name)] = digest.digest()
        return cones[(id(version), decision)]

    def _flat_cone(self, statute: StatuteModel, version: Version, decision: str) -> bytes:
        seen: set[str] = set()
        pending = [decision]
        while pending:
            name = pending.pop()
            if name not in seen:
                seen.add(name)
                pending.extend(self._own(statute, version, name)[1])
        digest = hashlib.sha256(b"flat\0")
        for name in sorted(seen):
            digest.update(name.encode() + b"\0" + self._own(statute, version, name)[0] + b"\0")
        return digest.digest()

    def load(self, key: str, statute: StatuteModel) -> list[Result] | None:
        return self.entries.load(key, statute)

    def store(self, key: str, results: list[Result]) -> None:
        self.entries.store(key, results)

    def _own(self, statute: StatuteModel, version: Version, name: str) -> tuple[bytes, tuple[str, ...]]:
        """The decision's own part of a cone in the version: a digest of its declaration, its
        rules, the values of the parameters and the rows of the tables they read; and the
        decisions they read."""
        marker = (id(version), name)
        if marker not in self._owns:
            text, reads, params, tables = self._shape(statute, version, name)
            seen_tables: set[str] = set()
            pending = list(tables)
            while pending:  # a table's rows may read parameters and tables
                table_name = pending.pop()
                if table_name not in seen_tables:
                    seen_tables.add(table_name)
                    pending.extend(self._table(version.table(table_name))[2])
            parts = [text]
            # In name order: ``tables`` is a set, whose order follows string hashing, which
            # differs per process. In the order met, a decision reading two tables had another
            # key in every other run (and so had every decision reading it): a random tenth of
            # the book was re-checked after each edit.
            for table_name in sorted(seen_tables):
                table_text, table_params, _ = self._table(version.table(table_name))
                parts.append(f"table {table_name}: {table_text}")
                params = params | table_params
            parts += [f"parameter {param}: {version.parameters.get(param)!r}" for param in sorted(params)]
            self._owns[marker] = (hashlib.sha256("\n".join(parts).encode()).digest(), reads)
        return self._owns[marker]

    def _shape(self, statute: StatuteModel, version: Version, name: str) -> tuple:
        """What a decision's text says, the same in every version with the same rule objects:
        its text, and the decisions, parameters and tables it reads. Remembered per decision
        object and rule objects while they live (``_SHAPES``)."""
        rules = version.rules_of(name)
        info = statute.decision_info(name)
        shape = _SHAPES.get(info, rules)
        if shape is None:
            reads, params, tables = _references(decision_expressions(info, rules))
            text = "\n".join([canonical(info), *(_rule_text(rule) for rule in rules)])
            shape = _SHAPES.put(info, rules, (text, reads, params, tables))
        return shape

    def _table(self, table: TableInfo) -> tuple[str, frozenset[str], frozenset[str]]:
        entry = self._tables.get(id(table))
        if entry is None or entry[0] is not table:
            _, params, tables = _references(list(table.bounds + table.values))
            entry = self._tables[id(table)] = (table, (canonical(table), params, tables))
        return entry[1]

    def _statute_part(self, statute: StatuteModel, version: Version) -> bytes:
        """A digest of what every decision's entry in this version shares (once per version)."""
        marker = (id(version), version.label)
        if marker not in self._global:
            self._versions.append(version)
            self._global[marker] = hashlib.sha256(json.dumps({
                "format": FORMAT, "code": code_fingerprint(), "z3": z3.get_version_string(),
                "lark": lark.__version__, "python": sys.version, "statute": statute.name,
                # what results print of the statute itself: its short name in every citation
                # ('art. 1 AAA'), its BWB number in the citation links, its title and sources
                "cited": [statute.cite_as, statute.bwb, statute.title, statute.celex, statute.url],
                "version": [version.label, version.date.isoformat(), list(version.amendments),
                            list(version.foreign_amendments)],
                "facts": [canonical(info) for info in statute.facts.values()],
                "item_facts": [canonical(info) for info in statute.item_facts.values()],
                "kinds": [canonical(info) for info in statute.kinds.values()],
                "enums": [[name, list(version.enum_values(name))] for name in statute.enums],
            }, sort_keys=True).encode()).digest()  # hashed once: it was hashed for every decision
        return self._global[marker]


def _references(nodes: list) -> tuple[tuple[str, ...], frozenset[str], frozenset[str]]:
    """The decisions (sorted), parameters and tables the IR ``nodes`` read (``ir.reads``)."""
    found = ir.reads_of(nodes)
    return tuple(sorted(found.decisions)), found.params, found.tables
