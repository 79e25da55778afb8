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
import datetime as dt
import hashlib
import json
import sys
from fractions import Fraction

import lark
import z3

from dsl import ir
from dsl.consolidate import Version
from dsl.model import StatuteModel
from verifier.cache import ResultCache, code_fingerprint
from verifier.results import Result

FORMAT = 1


def canonical(value: object) -> object:
    """``value`` as JSON-safe data that does not depend on the process: dataclasses field by
    field, sets sorted (a frozenset's repr follows string hashing, which differs per process),
    numbers exact."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__name__] + [[f.name, canonical(getattr(value, f.name))]
                                          for f in dataclasses.fields(value) if f.repr]
    if isinstance(value, (frozenset, set)):
        return sorted((canonical(v) for v in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, dict):
        return sorted(([canonical(k), canonical(v)] for k, v in value.items()), key=repr)
    if isinstance(value, Fraction):
        return ["fraction", value.numerator, value.denominator]
    if isinstance(value, (dt.date, dt.datetime)):
        return ["date", value.isoformat()]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return [type(value).__name__, str(value)]


class ConeCache:
    """Per-decision built-in check results, authenticated like the statute cache's entries."""

    def __init__(self, results: ResultCache) -> None:
        self.entries = ResultCache(results.directory / "cones", results.key_file)
        self._global: dict[tuple[int, str], bytes] = {}
        # Digests per (version, decision) and texts per rule, computed once: a rule object is
        # shared by every version it is in force in. The objects are kept, so an id is not reused.
        self._owns: dict[tuple[int, str], tuple[bytes, tuple[str, ...]]] = {}
        self._rules: dict[int, tuple[object, list]] = {}
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
        digest.update(json.dumps({"decision": decision, "options": canonical(options)}, sort_keys=True).encode())
        seen: set[str] = set()
        pending = [decision]
        while pending:
            name = pending.pop()
            if name not in seen:
                seen.add(name)
                pending.extend(self._own(statute, version, name)[1])
        for name in sorted(seen):
            digest.update(name.encode() + b"\0" + self._own(statute, version, name)[0] + b"\0")
        return digest.hexdigest()

    def load(self, key: str, statute: StatuteModel) -> list[Result] | None:
        return self.entries.load(key, statute)

    def store(self, key: str, results: list[Result]) -> None:
        self.entries.store(key, results)

    def _own(self, statute: StatuteModel, version: Version, name: str) -> tuple[bytes, tuple[str, ...]]:
        marker = (id(version), name)
        if marker not in self._owns:
            self._owns[marker] = _own(statute, version, name, self._rule_text)
        return self._owns[marker]

    def _rule_text(self, rule: object) -> object:
        entry = self._rules.get(id(rule))
        if entry is None or entry[0] is not rule:
            entry = self._rules[id(rule)] = (rule, canonical(rule))
        return entry[1]

    def _statute_part(self, statute: StatuteModel, version: Version) -> bytes:
        """What every decision's entry in this version shares (computed once per version)."""
        marker = (id(version), version.label)
        if marker not in self._global:
            self._versions.append(version)
            self._global[marker] = json.dumps({
                "format": FORMAT, "code": code_fingerprint(), "z3": z3.get_version_string(),
                "lark": lark.__version__, "python": sys.version, "statute": statute.name,
                "version": [version.label, version.date.isoformat(), list(version.amendments),
                            list(version.foreign_amendments)],
                "facts": [canonical(info) for info in statute.facts.values()],
                "item_facts": [canonical(info) for info in statute.item_facts.values()],
                "kinds": [canonical(info) for info in statute.kinds.values()],
                "enums": [[name, list(version.enum_values(name))] for name in statute.enums],
            }, sort_keys=True).encode()
        return self._global[marker]


def _own(statute: StatuteModel, version: Version, name: str, rule_text) -> tuple[bytes, tuple[str, ...]]:
    """A decision's own part of a cone in the version: a digest of its declaration, its rules
    and the values of the parameters and the rows of the tables they read; and the decisions
    they read."""
    info = statute.decision_info(name)
    rules = version.rules_of(name)
    reads: list[str] = []
    params: dict[str, object] = {}
    tables: dict[str, object] = {}
    nodes = [n for rule in rules for n in (rule.value, rule.condition) if n is not None]
    if info.default is not None:
        nodes.append(info.default)
    while nodes:
        for sub in ir.walk(nodes.pop()):
            if isinstance(sub, (ir.DecisionRef, ir.ItemDecisionRef)):
                reads.append(sub.name)
            elif isinstance(sub, ir.ParamRef):
                params[sub.name] = canonical(version.parameters.get(sub.name))
            elif isinstance(sub, ir.TableRef) and sub.name not in tables:
                table = version.table(sub.name)  # with the rows amendments add
                tables[sub.name] = canonical(table)
                nodes.extend(table.bounds + table.values)
    text = json.dumps([canonical(info), [rule_text(rule) for rule in rules], sorted(params.items()),
                       sorted(tables.items())], sort_keys=True)
    return hashlib.sha256(text.encode()).digest(), tuple(sorted(set(reads)))
