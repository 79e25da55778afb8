"""A result cache for ``lexproof check``: a statute whose files have not changed is not proved again.

Drafters run the checks on every edit, and most of a run is spent on statutes nobody touched.
Each statute's results are stored under a key that covers everything they depend on:

- the text and path of every file that declares or amends the statute (so a shifted line, whose
  position appears in the results, is a different key),
- the check options (date, solver budget, which checks),
- lexproof's own code (a hash of every ``.py`` and ``.lark`` file of ``dsl/`` and ``verifier/``)
  and the z3 version.

Any difference is a miss and the statute is checked afresh; nothing is ever patched up. Entries
are JSON (never pickle: a cache file is data, like a statute file), and an entry that does not
read back exactly (a damaged file, a version label that no longer matches) is a miss, not an
error. Counterexamples are stored as their facts and versions; their outcomes are re-evaluated
by the evaluator on load, which is cheap and keeps one source of truth for traces.

The directory is ``.lexproof_cache`` in the working directory, or ``$LEXPROOF_CACHE`` (a path;
``off`` disables the cache); ``lexproof check --no-cache`` disables it for one run.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import tempfile
from fractions import Fraction
from pathlib import Path

import z3

from dsl import ast
from dsl.consolidate import Version, version_on
from dsl.diagnostics import LexproofError
from dsl.evaluator import Evaluator
from dsl.model import StatuteModel
from dsl.source import SOURCES, Span
from verifier.results import Outcomes, Result, Witness

FORMAT = 1  # bump when the entry layout changes
DEFAULT_DIRECTORY = ".lexproof_cache"
_CODE_ROOTS = ("dsl", "verifier")
_code_fingerprint: str | None = None


def default_cache() -> ResultCache | None:
    """The cache the CLI uses unless told otherwise: ``$LEXPROOF_CACHE`` or ``.lexproof_cache``."""
    setting = os.environ.get("LEXPROOF_CACHE", DEFAULT_DIRECTORY)
    if setting.strip().lower() in ("off", "0", "no", "false", ""):
        return None
    return ResultCache(Path(setting))


class ResultCache:
    """Results per statute and options, in one JSON file per key under ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.hits = 0
        self.misses = 0

    def key(self, statute: StatuteModel, options: dict) -> str | None:
        """The entry's name, or None when a file of the statute cannot be read (no caching)."""
        digest = hashlib.sha256()
        digest.update(json.dumps({"format": FORMAT, "code": code_fingerprint(), "z3": z3.get_version_string(),
                                  "statute": statute.name, "options": options}, sort_keys=True).encode())
        for name in statute_files(statute):
            text = SOURCES.text(name)
            if text is None:
                return None
            digest.update(b"\0file\0" + name.encode() + b"\0" + text.encode())
        return digest.hexdigest()

    def load(self, key: str, statute: StatuteModel) -> list[Result] | None:
        path = self.directory / f"{key}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            versions: dict = {}
            results = [result_from_data(statute, item, versions) for item in data["results"]]
        except (OSError, ValueError, KeyError, TypeError, LexproofError):
            self.misses += 1
            return None
        self.hits += 1
        return results

    def store(self, key: str, results: list[Result]) -> None:
        """Write the entry atomically; a cache that cannot be written is skipped silently
        (it only costs time), but a result that cannot be serialized is a bug and raises."""
        text = json.dumps({"format": FORMAT, "results": [result_to_data(r) for r in results]})
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            gitignore = self.directory / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("*\n", encoding="utf-8")
            handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, self.directory / f"{key}.json")
        except OSError:
            return


def code_fingerprint() -> str:
    """A hash of lexproof's own code: a changed engine must not reuse old answers."""
    global _code_fingerprint
    if _code_fingerprint is None:
        digest = hashlib.sha256()
        root = Path(__file__).resolve().parent.parent
        for folder in _CODE_ROOTS:
            for path in sorted((root / folder).rglob("*")):
                if path.suffix in (".py", ".lark") and path.is_file():
                    digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
        _code_fingerprint = digest.hexdigest()
    return _code_fingerprint


def statute_files(statute: StatuteModel) -> list[str]:
    """Every file a declaration of the statute (or of an amendment to it) comes from."""
    spans = [statute.span]
    for group in (statute.facts, statute.parameters, statute.decisions, statute.tables, statute.rules,
                  statute.amendments):
        spans.extend(item.span for item in group.values())
    spans.extend(item.span for item in [*statute.examples, *statute.properties])
    for amendment in statute.amendments.values():
        spans.extend(change.span for change in amendment.changes)
    return sorted({span.file for span in spans})


# --- entries ----------------------------------------------------------------------------------


def result_to_data(result: Result) -> dict:
    """A result as JSON-safe data (for the cache, and for results coming back from a worker
    process); ``result_from_data`` reads it back, re-evaluating witnesses."""
    data = {field.name: getattr(result, field.name) for field in dataclasses.fields(Result)}
    data["location"] = dataclasses.asdict(result.location)
    data["witnesses"] = [_witness_to(w) for w in result.witnesses]
    return _plain(data)


def result_from_data(statute: StatuteModel, data: dict, versions: dict | None = None) -> Result:
    """``versions``: a dict to share the consolidated versions of the witnesses in (pass one
    for a batch of results: consolidating a large statute per witness is slow, and the
    results of one run name only a few versions)."""
    fields = dict(data)
    fields["location"] = Span(**data["location"])
    known = {} if versions is None else versions
    fields["witnesses"] = [_witness_from(statute, w, known) for w in data["witnesses"]]
    fields["details"] = _typed(data["details"])
    return Result(**fields)


def _witness_to(witness: Witness) -> dict:
    versions = {}
    for (slot, _case), outcomes in witness.outcomes.items():
        evaluator_versions = _versions_of(outcomes)
        versions[_slot_key(slot)] = {"date": evaluator_versions[slot].date.isoformat(),
                                     "amendments": list(evaluator_versions[slot].amendments),
                                     "label": witness.versions[slot]}
    return {
        "facts": [[case, _plain(values)] for case, values in witness.facts.items()],
        "versions": versions,
        "outcomes": [[slot, case] for slot, case in witness.outcomes],
        "focus": list(witness.focus),
        "note": witness.note,
    }


def _witness_from(statute: StatuteModel, data: dict, known: dict) -> Witness:
    versions: dict[str | None, Version] = {}
    for slot_key, spec in data["versions"].items():
        amendments = tuple(spec["amendments"])
        key = (spec["date"], amendments)
        if key not in known:
            known[key] = version_on(statute, dt.date.fromisoformat(spec["date"]), include=amendments,
                                    exclude=tuple(name for name in statute.amendments if name not in amendments))
        version = known[key]
        if version.label != spec["label"]:
            raise ValueError(f"version {spec['label']} now reads {version.label}")
        versions[None if slot_key == "" else slot_key] = version
    facts = {case: _typed(values) for case, values in data["facts"]}
    evaluator = Evaluator(versions, facts)
    outcomes = {(slot, case): Outcomes(evaluator, statute.decisions, case, slot) for slot, case in data["outcomes"]}
    return Witness(statute, facts, {slot: v.label for slot, v in versions.items()}, outcomes,
                   tuple(data["focus"]), data["note"])


def _versions_of(outcomes) -> dict[str | None, Version]:
    """The versions behind a witness's outcomes."""
    if not isinstance(outcomes, Outcomes):
        raise TypeError("a witness without its evaluator cannot be cached")
    return outcomes.evaluator.versions


def _slot_key(slot: str | None) -> str:
    return "" if slot is None else slot


def _plain(value: object) -> object:
    """JSON-safe form; Fractions (money, rates) are tagged so they read back exactly."""
    if isinstance(value, Fraction):
        return {"fraction": [value.numerator, value.denominator]}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, ast.Citation):
        return str(value)
    raise TypeError(f"cannot cache a {type(value).__name__}")


def _typed(value: object) -> object:
    if isinstance(value, dict):
        if set(value) == {"fraction"}:
            numerator, denominator = value["fraction"]
            return Fraction(numerator, denominator)
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return value
