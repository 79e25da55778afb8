"""A cache of loaded books: the parsed, type-checked and validated program of unchanged files.

Loading a 10,000-rule book (parse, tree to AST, type-check, every amendment's versions checked)
takes seconds, and ``lexproof eval`` of one case, ``check`` and ``diff`` all start with it
(issue 18, docs/performance.md). This cache keeps the loaded :class:`Program` as JSON
(``dsl/program_codec.py``: data, decoded only into lexproof's own dataclasses; never pickle)
and gives it back when every file the load read still has the same text.

- **Finding an entry**: its name is a SHA-256 of the files named (resolved path, the name
  diagnostics show them by, which depends on the working directory, and their statute root),
  lexproof's version and code (``code_fingerprint``: every ``.py`` and ``.lark`` file of
  ``dsl/`` and ``verifier/``, so the grammar too), the Lark and Python versions and the
  encoding's format. One entry per command line: an edit replaces it.
- **Trusting it**: the entry lists every file the load read, in order, with the SHA-256 of its
  text and the names its ``import`` lines gave. The loader reads the files again and replays the
  imports (``dsl/loader.py``, ``_replay``): a changed text, a file that moved, an import that is
  now refused (a symbolic link out of the statute root) is a miss, and the book is loaded
  afresh, which reports whatever is wrong. Each file's text is registered for diagnostics as a
  fresh load does, and spans are kept, so a diagnostic still points at ``file:line:col``.
- **Authenticity**: the entry lives in the ``programs`` folder of the result cache's directory
  and carries an HMAC-SHA256 of its name and body under the user's secret key, as the result and
  cone caches' entries do (``verifier/cache.py``, docs/security.md). A forged, damaged or foreign
  entry does not verify and is a miss (counted in ``rejected``), never a program and never a
  crash.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sys
import tempfile
from collections.abc import Callable

from lexproof.dsl import program_codec
from lexproof.dsl.loader import FileRecord
from lexproof.dsl.model import Program
from lexproof.verifier.cache import (
    MAX_ENTRY_BYTES,
    ResultCache,
    _create_gitignore,
    _read_regular,
    code_fingerprint,
)

FORMAT = 1
FOLDER = "programs"


def _lexproof_version() -> str:
    from lexproof import __version__

    return __version__


class LoadCache:
    """Loaded programs, one authenticated file per set of named files (:mod:`dsl.loader`'s
    ``ProgramCache``)."""

    def __init__(self, results: ResultCache) -> None:
        self.results = results  # its secret key (read or made on first use) and its directory
        self.directory = results.directory / FOLDER
        self.hits = 0  # programs given back
        self.misses = 0  # programs loaded afresh (and stored)
        self.rejected = 0  # entries present but damaged or not authenticated

    def key(self, inputs: list[tuple[str, str, str]]) -> str:
        """The entry's name for the files named (see the module docstring)."""
        material = {"format": FORMAT, "codec": program_codec.FORMAT, "lexproof": _lexproof_version(),
                    "code": code_fingerprint(), "lark": _lark_version(), "python": sys.version,
                    "inputs": [list(item) for item in inputs]}
        return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()

    def fetch(self, inputs: list[tuple[str, str, str]]) -> tuple[list[FileRecord], Callable[[], Program]] | None:
        """The entry's file records and a decoder of its program, or None: a miss when there is
        no entry, or it is damaged, unauthenticated or not an entry of this key."""
        secret = self.results.secret()
        if secret is None:
            return None
        key = self.key(inputs)
        try:
            raw = _read_regular(self.directory / f"{key}.json", MAX_ENTRY_BYTES)
        except FileNotFoundError:
            return None
        entry = _verified(raw, key, secret) if raw is not None else None
        if entry is None:
            self.rejected += 1
            return None
        records, data = entry

        def decode() -> Program:
            program = program_codec.decode(data)
            self.hits += 1
            return program

        return records, decode

    def keep(self, inputs: list[tuple[str, str, str]], files: list[FileRecord], program: Program) -> None:
        """Write the entry atomically. Skipped silently when the key cannot be trusted, the
        cache cannot be written, or the program holds something the codec does not know (it
        only costs time the next run)."""
        self.misses += 1
        secret = self.results.secret()
        if secret is None or not files:
            return
        try:
            data = program_codec.encode(program)
        except (program_codec.CodecError, RecursionError):
            return
        key = self.key(inputs)
        body = json.dumps({"format": FORMAT, "key": key, "files": [_record_data(record) for record in files],
                           "program": data}, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            _create_gitignore(self.directory / ".gitignore")
            handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(_mac(secret, key, body).encode() + b"\n" + body)
                os.replace(temporary, self.directory / f"{key}.json")
            except OSError:
                os.unlink(temporary)
                raise
        except OSError:
            return


def _lark_version() -> str:
    import lark

    return lark.__version__


def _mac(secret: bytes, key: str, body: bytes) -> str:
    """HMAC-SHA256 over the entry's name and body (as the result cache's ``_mac``, over bytes:
    the body is the entry's file as written, not re-encoded)."""
    return hmac.new(secret, key.encode() + b"\0" + body, hashlib.sha256).hexdigest()


def _record_data(record: FileRecord) -> list:
    return [record.path, record.display, record.sha256, list(record.imports)]


def _verified(raw: bytes, key: str, secret: bytes) -> tuple[list[FileRecord], dict] | None:
    """The records and encoded program of an entry whose HMAC verifies and whose fields have
    the right types; None otherwise."""
    mac, newline, body = raw.partition(b"\n")
    if not newline or not hmac.compare_digest(mac, _mac(secret, key, body).encode()):
        return None
    try:
        entry = json.loads(body)
        if not isinstance(entry, dict) or entry.get("format") != FORMAT or entry.get("key") != key:
            return None
        records = [_record(item) for item in entry["files"]]
        data = entry["program"]
    except (ValueError, KeyError, TypeError, RecursionError):
        return None
    return (records, data) if records and isinstance(data, dict) else None


def _record(item: object) -> FileRecord:
    if not (isinstance(item, list) and len(item) == 4 and all(isinstance(part, str) for part in item[:3])
            and isinstance(item[3], list) and all(isinstance(name, str) for name in item[3])):
        raise ValueError("not a file record")
    return FileRecord(item[0], item[1], item[2], tuple(item[3]))


def default_load_cache() -> LoadCache | None:
    """The cache of loaded programs next to the default result cache (``$LEXPROOF_CACHE``, or
    the user's cache directory; none when that is off)."""
    from lexproof.verifier.cache import default_cache

    results = default_cache()
    return None if results is None else LoadCache(results)
