"""A result cache for ``lexproof check``: a statute whose files have not changed is not proved again.

Drafters run the checks on every edit, and most of a run is spent on statutes nobody touched.
Each statute's results are stored under a key that covers everything they depend on:

- the text and path of every file that declares or amends the statute (so a shifted line, whose
  position appears in the results, is a different key),
- the check options (date, solver budget, which checks),
- lexproof's own code (a hash of every ``.py`` and ``.lark`` file of ``dsl/`` and ``verifier/``),
  and the z3, Lark and Python versions.

Any difference is a miss and the statute is checked afresh; nothing is ever patched up.

A cached "proved" is only as good as the file it was read from, and a repository (or a CI cache
restored from one) may be written by whoever opens a pull request. So the cache lives outside the
repository by default, in the user's cache directory (``$XDG_CACHE_HOME/lexproof/results`` or
``~/.cache/lexproof/results``; ``$LEXPROOF_CACHE`` names another directory, ``off`` disables it;
``lexproof check --no-cache`` disables it for one run), and every entry carries an HMAC-SHA256 of
its key and body under a secret key that never leaves the user's config directory
(``$XDG_CONFIG_HOME/lexproof/cache-key``, created with mode 0600; refused, and the cache not
used, when others can read or write it or another user owns it). An entry that is damaged,
unauthenticated, or does not read back exactly is a miss, never an error or an answer. Entries are
JSON (never pickle: a cache file is data, like a statute file). Counterexamples are stored as
their facts and versions; their outcomes are re-evaluated by the evaluator on load, which is
cheap and keeps one source of truth for traces. Results read back say so (``Result.cached``).
docs/security.md describes what the cache trusts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import stat
import sys
import tempfile
from fractions import Fraction
from pathlib import Path

import lark
import z3

from lexproof.dsl import ast, items
from lexproof.dsl.consolidate import Version, version_on
from lexproof.dsl.diagnostics import LexproofError
from lexproof.dsl.evaluator import Evaluator
from lexproof.dsl.model import StatuteModel
from lexproof.dsl.source import SOURCES, Span
from lexproof.verifier.results import Outcomes, Result, Witness

FORMAT = 2  # bump when the entry layout changes (2: authenticated entries)
KEY_BYTES = 32
MAX_ENTRY_BYTES = 256_000_000  # far above any real entry; a planted endless file is a miss
_CODE_ROOTS = ("dsl", "verifier")
_code_fingerprint: str | None = None
# What reading a crafted (or merely stale) entry back can raise; any of them makes it a miss.
_MALFORMED = (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError, ZeroDivisionError,
              OverflowError, RecursionError, LexproofError)


class CacheKeyError(Exception):
    """The HMAC key file exists but cannot be trusted (or cannot be made): the cache is not used."""


def _user_directory(variable: str, fallback: str) -> Path | None:
    """``$variable`` if it is an absolute path (the XDG rule: a relative one is ignored), else
    ``~/fallback``; None when there is no home directory to speak of (``~`` unexpanded): never
    a path relative to the working directory, which may be a checked-out pull request."""
    value = os.environ.get(variable, "")
    if value and Path(value).is_absolute():
        return Path(value)
    home = Path(os.path.expanduser("~"))
    return home / fallback if home.is_absolute() else None


def default_directory() -> Path | None:
    """``$XDG_CACHE_HOME/lexproof/results``, or ``~/.cache/lexproof/results``."""
    base = _user_directory("XDG_CACHE_HOME", ".cache")
    return None if base is None else base / "lexproof" / "results"


def default_key_file() -> Path | None:
    """``$XDG_CONFIG_HOME/lexproof/cache-key``, or ``~/.config/lexproof/cache-key``: outside
    any repository, and outside the cache directory (which CI may save and restore)."""
    base = _user_directory("XDG_CONFIG_HOME", ".config")
    return None if base is None else base / "lexproof" / "cache-key"


def default_cache() -> ResultCache | None:
    """The cache the CLI uses unless told otherwise: ``$LEXPROOF_CACHE`` (a directory, or
    ``off``) or the user's cache directory (none without a home directory)."""
    setting = os.environ.get("LEXPROOF_CACHE")
    if setting is not None and setting.strip().lower() in ("off", "0", "no", "false", ""):
        return None
    directory = Path(setting) if setting is not None else default_directory()
    return None if directory is None else ResultCache(directory)


class ResultCache:
    """Results per statute and options, in one authenticated JSON file per key under ``directory``."""

    def __init__(self, directory: Path, key_file: Path | None = None) -> None:
        self.directory = directory
        self.key_file = key_file if key_file is not None else default_key_file()  # None: no home
        self.hits = 0
        self.misses = 0
        self.rejected = 0  # entries present but damaged or not authenticated
        self.problem: str | None = None  # why the cache is not used (an untrustworthy key file)
        self._secret: bytes | None = None
        self._bodies: dict[str, str] | None = None  # ``remember``: authenticated bodies by key
        self._limit = 0
        self._size = 0  # characters in ``_bodies``
        self._folders: dict[str, ResultCache] = {}

    def folder(self, name: str) -> ResultCache:
        """The cache in the folder ``name`` of this one, under the same key file: the same object
        each time it is asked for, so that what it remembers lasts as long as this cache."""
        if name not in self._folders:
            self._folders[name] = ResultCache(self.directory / name, self.key_file)
            if self._bodies is not None:
                self._folders[name].remember(self._limit)
        return self._folders[name]

    def remember(self, entries: int) -> None:
        """For a process that checks the same files again and again (``lexproof check --watch``):
        keep the bodies of the last ``entries`` entries read or written here (and in its
        folders), so that the next run rebuilds their results without reading, authenticating
        and parsing the file again; a re-check of the 10,000-rule book reads 12,000 of them.
        Only bodies whose HMAC verified (or that this process wrote) are kept; the results are
        built afresh from a body on every hit, as from the file."""
        self._bodies, self._limit = ({} if self._bodies is None else self._bodies), entries
        for folder in self._folders.values():
            folder.remember(entries)

    MAX_REMEMBERED_CHARACTERS = 256_000_000  # bodies kept, together (a statute's holds its witnesses)

    def _keep(self, key: str, body: str) -> None:
        bodies = self._bodies
        if bodies is None or self._limit <= 0 or len(body) > self.MAX_REMEMBERED_CHARACTERS:
            return
        self._size -= len(bodies.pop(key, ""))
        bodies[key] = body  # the most recently used last; the least recently used go first
        self._size += len(body)
        while len(bodies) > self._limit or self._size > self.MAX_REMEMBERED_CHARACTERS:
            self._size -= len(bodies.pop(next(iter(bodies))))

    def secret(self) -> bytes | None:
        """The HMAC key, read (or created) on first use; None, with ``problem`` set, when the
        key file cannot be trusted: then nothing is read from or written to the cache."""
        if self._secret is None and self.problem is None:
            if self.key_file is None:
                self.problem = "no home directory to keep the cache key in; the cache is not used"
                return None
            try:
                self._secret = load_or_create_key(self.key_file)
            except CacheKeyError as error:
                self.problem = str(error)
        return self._secret

    def key(self, statute: StatuteModel, options: dict) -> str | None:
        """The entry's name, or None when a file of the statute cannot be read (no caching)."""
        digest = hashlib.sha256()
        digest.update(json.dumps({"format": FORMAT, "code": code_fingerprint(), "z3": z3.get_version_string(),
                                  "lark": lark.__version__, "python": sys.version,
                                  "statute": statute.name, "options": options}, sort_keys=True).encode())
        for name in statute_files(statute):
            text = SOURCES.text(name)
            if text is None:
                return None
            digest.update(_framed(name.encode()) + _framed(text.encode()))
        return digest.hexdigest()

    def load(self, key: str, statute: StatuteModel) -> list[Result] | None:
        """The stored results (marked ``cached``), or None: a miss when there is no entry, or it
        is damaged, unauthenticated or no longer reads back."""
        secret = self.secret()
        if secret is None:
            return None
        body = self._bodies.get(key) if self._bodies is not None else None
        if body is not None:
            results = _results_of(body, key, statute)
            if results is not None:
                self._keep(key, body)  # now the most recently used
                self.hits += 1
                return results
        try:
            raw = _read_regular(self.directory / f"{key}.json", MAX_ENTRY_BYTES)
        except FileNotFoundError:
            self.misses += 1
            return None
        body = _authenticated_body(raw, key, secret) if raw is not None else None
        results = _results_of(body, key, statute) if body is not None else None
        if results is None:
            self.misses += 1
            self.rejected += 1
            return None
        self._keep(key, body)  # type: ignore[arg-type]
        self.hits += 1
        return results

    def store(self, key: str, results: list[Result]) -> None:
        """Write the entry atomically; a cache that cannot be written is skipped silently
        (it only costs time), but a result that cannot be serialized is a bug and raises."""
        secret = self.secret()
        if secret is None:
            return
        body = json.dumps({"format": FORMAT, "key": key, "results": [result_to_data(r) for r in results]})
        text = json.dumps({"mac": _mac(secret, key, body), "body": body})
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            _create_gitignore(self.directory / ".gitignore")
            handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, self.directory / f"{key}.json")
        except OSError:
            return
        self._keep(key, body)


def _create_gitignore(path: Path) -> None:
    """Write ``*`` to a new ``.gitignore``, never through a symbolic link. Whoever can write
    the cache directory could plant ``.gitignore`` as a link to a file that does not exist
    yet anywhere the user may write; ``exists()`` follows the link, so ``write_text`` created
    that file. ``O_CREAT | O_EXCL`` fails on any existing name, a dangling link included."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except FileExistsError:
        return
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write("*\n")


def _framed(data: bytes) -> bytes:
    """``data`` preceded by its length: the files of a statute hash to one stream that splits
    back into names and texts one way only. With a separator instead, a comment holding
    NUL bytes made one file hash like two (the first, then a file whose first line is live
    code), and a check of the two reused the proof made for the one."""
    return len(data).to_bytes(8, "big") + data


def _read_regular(path: Path, limit: int) -> bytes | None:
    """The bytes of ``path`` if it is a regular file (not a link) of at most ``limit`` bytes;
    None for anything else (a fifo would block, a link to /dev/zero never end). Raises
    FileNotFoundError when there is no such file."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):  # before fdopen, which refuses a directory
            return None
        data = os.read(descriptor, limit + 1)
    except OSError:
        return None
    finally:
        os.close(descriptor)
    return data if len(data) <= limit else None


def _mac(secret: bytes, key: str, body: str) -> str:
    """HMAC-SHA256 over the entry's name and body: an entry cannot be edited, forged, or moved
    to another key (another statute or options) without the secret."""
    return hmac.new(secret, key.encode() + b"\0" + body.encode(), hashlib.sha256).hexdigest()


def _authenticated_body(raw: bytes, key: str, secret: bytes) -> str | None:
    """The body of an entry whose HMAC (over ``key`` and the body) verifies; None otherwise."""
    try:
        envelope = json.loads(raw)
        mac, body = envelope["mac"], envelope["body"]
    except _MALFORMED:
        return None
    if not isinstance(mac, str) or not isinstance(body, str):
        return None
    if not hmac.compare_digest(mac.encode(), _mac(secret, key, body).encode()):
        return None
    return body


def _results_of(body: str, key: str, statute: StatuteModel) -> list[Result] | None:
    """The results of an authenticated body, if it reads back whole; None otherwise."""
    try:
        data = json.loads(body)
        if data["format"] != FORMAT or data["key"] != key or not isinstance(data["results"], list):
            return None
        results = [result_from_data(statute, _checked_shape(item), _witness_versions(statute))
                   for item in data["results"]]
        for result in results:
            result.to_json()  # evaluates the witnesses now: a bad one is a miss, not a crash later
            result.cached = True
    except _MALFORMED:
        return None
    return results


def _read_entry(raw: bytes, key: str, secret: bytes, statute: StatuteModel) -> list[Result] | None:
    """The results of an entry whose HMAC verifies and which reads back whole; None otherwise."""
    body = _authenticated_body(raw, key, secret)
    return _results_of(body, key, statute) if body is not None else None


_TEXT_FIELDS = ("kind", "name", "status", "message")
_OPTIONAL_TEXT_FIELDS = ("code", "severity", "expected", "statute", "version")


def _checked_shape(item: object) -> dict:
    """The fields of a stored result, with the types a Result has (ValueError otherwise): an
    entry only reaches here with a valid HMAC, but a result must never be built from values of
    the wrong kind (a status that is not a string would compare unequal to everything)."""
    if not isinstance(item, dict) or set(item) - {field.name for field in dataclasses.fields(Result)}:
        raise ValueError("not a stored result")
    if not all(isinstance(item.get(name), str) for name in _TEXT_FIELDS):
        raise ValueError("a text field is not text")
    if not all(isinstance(item.get(name), (str, type(None))) for name in _OPTIONAL_TEXT_FIELDS):
        raise ValueError("an optional text field is not text")
    articles, location = item.get("articles"), item.get("location")
    if not isinstance(articles, list) or not all(isinstance(a, str) for a in articles):
        raise ValueError("articles are not a list of text")
    if not isinstance(location, dict) or not isinstance(location.get("file"), str) or not all(
            type(location.get(name)) is int for name in ("line", "column", "end_line", "end_column")):
        raise ValueError("not a location")
    found_in = item.get("found_in", [])
    if not isinstance(found_in, list) or not all(isinstance(label, str) for label in found_in):
        raise ValueError("found_in is not a list of version labels")
    if not isinstance(item.get("witnesses"), list) or not isinstance(item.get("details"), dict):
        raise ValueError("witnesses or details of the wrong kind")
    return item


def load_or_create_key(path: Path) -> bytes:
    """The cache's HMAC key from ``path``, creating it (random, mode 0600, atomically: never a
    half-written key, never one another process sees twice) when it does not exist yet.

    Raises :class:`CacheKeyError` when the file is not a regular file owned by this user with
    no access for group or others (a key others can read lets them forge entries; one they can
    write lets them choose it), or is too short."""
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    except OSError as error:  # e.g. a symbolic link (O_NOFOLLOW)
        raise CacheKeyError(f"cannot read the cache key {path}: {error.strerror}; the cache is not used") from None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".cache-key-")  # mode 0600
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(secrets.token_hex(KEY_BYTES).encode())
                out.flush()
                os.fsync(out.fileno())
            try:
                os.link(temporary, path)  # fails if another process created the key meanwhile
            except FileExistsError:
                pass
        finally:
            os.unlink(temporary)
        return _read_key(path)
    except OSError as error:
        raise CacheKeyError(f"cannot create the cache key {path}: {error.strerror}; the cache is not used") from None


def _read_key(path: Path) -> bytes:
    """Read the key file without following a symbolic link, checking type, owner and mode on
    the open file."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise CacheKeyError(f"the cache key {path} is not a regular file; the cache is not used")
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            raise CacheKeyError(f"the cache key {path} belongs to another user; the cache is not used")
        if os.name == "posix" and info.st_mode & 0o077:
            raise CacheKeyError(f"the cache key {path} is accessible to other users (mode "
                                f"{stat.S_IMODE(info.st_mode):o}; run chmod 600 on it); the cache is not used")
        secret = handle.read(4 * KEY_BYTES + 1)
    if len(secret) < 2 * KEY_BYTES:
        raise CacheKeyError(f"the cache key {path} is too short; delete it to make a new one")
    return secret


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
    files = {span.file for span in spans}
    for used in statute.uses.values():  # what it reads of other statutes (dsl/xref.py)
        files.update(statute_files(used))
    return sorted(files)


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
                                     "amendments": list(evaluator_versions[slot].amendments)
                                     + list(evaluator_versions[slot].foreign_amendments),
                                     "label": witness.versions[slot]}
    data = {
        "facts": [[case, _plain(values)] for case, values in witness.facts.items()],
        "versions": versions,
        "outcomes": [[slot, case] for slot, case in witness.outcomes],
        "focus": list(witness.focus),
        "note": witness.note,
    }
    if witness.item is not None:  # a diff of a decision per item: its outcomes are at that item
        data["item"] = witness.item
    return data


def _witness_versions(statute: StatuteModel) -> dict:
    """The versions cached witnesses are evaluated in, by (date, amendments), shared by every
    entry read while the statute lives: a re-check after one edit reads thousands of entries,
    and consolidating a 10,000-rule statute per entry with a witness cost 0.6 s
    (docs/performance.md). A version is the same for the same statute, date and amendments
    (``version_on`` is deterministic). Kept in the statute's ``scratch``, so they go with it."""
    return statute.scratch.setdefault("witness versions", {})


def _witness_from(statute: StatuteModel, data: dict, known: dict) -> Witness:
    from lexproof.dsl.xref import all_amendments

    versions: dict[str | None, Version] = {}
    for slot_key, spec in data["versions"].items():
        amendments = tuple(spec["amendments"])
        key = (spec["date"], amendments)
        if key not in known:
            known[key] = version_on(statute, dt.date.fromisoformat(spec["date"]), include=amendments,
                                    exclude=tuple(a.name for a in all_amendments(statute) if a.name not in amendments))
        version = known[key]
        if version.label != spec["label"]:
            raise ValueError(f"version {spec['label']} now reads {version.label}")
        versions[None if slot_key == "" else slot_key] = version
    facts = {case: _typed(values) for case, values in data["facts"]}
    evaluator = Evaluator(versions, facts)
    item = data.get("item")
    if item is None:
        outcomes = {(slot, case): Outcomes(evaluator, statute.decisions, case, slot) for slot, case in data["outcomes"]}
    else:  # the decision per item, at the item (verifier/diff.py)
        outcomes = {(slot, case): Outcomes(evaluator, data["focus"], items.parse_label(item, case), slot)
                    for slot, case in data["outcomes"]}
    return Witness(statute, facts, {slot: v.label for slot, v in versions.items()}, outcomes,
                   tuple(data["focus"]), data["note"], dates={slot: v.date for slot, v in versions.items()},
                   item=item)


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
