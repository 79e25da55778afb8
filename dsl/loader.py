"""Load ``.law`` files (and directories of them, and their imports) into a checked Program."""

from __future__ import annotations

import gc
import hashlib
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from lexproof.dsl import ast
from lexproof.dsl.check_program import check_files
from lexproof.dsl.consolidate import check_all_versions
from lexproof.dsl.diagnostics import Diagnostic, LexproofError, with_code
from lexproof.dsl.model import Program
from lexproof.dsl.parser import parse_file, parse_text, read_source
from lexproof.dsl.source import SOURCES, Span

# Load phases, as codes of lexproof.dsl.diagnostics.LOAD_CODES.
SYNTAX, FILES, DECLARATIONS, AMENDMENTS = "LP001", "LP002", "LP003", "LP004"

MAX_FILES = 2000
PROJECT_MARKERS = ("pyproject.toml", "lexproof.toml")


def statute_root(path: Path) -> Path:
    """The folder that the files reached from ``path`` (its imports, and theirs) must stay in.

    A folder named on the command line is its own root, unless it lies in a statute tree (a
    folder with a ``lexproof.toml`` at or above it: :func:`statute_tree`), which is then the
    root. A file named directly belongs to the
    nearest enclosing folder that holds a ``pyproject.toml`` or ``lexproof.toml`` (the project
    root), or else to its own folder. Statute files may come from an untrusted pull request;
    this keeps ``import "/proc/self/environ"`` or ``import "../../.ssh/x.law"`` from reading
    anything outside the tree the command was pointed at (docs/security.md).
    """
    resolved = path.resolve()
    if resolved.is_dir():
        return statute_tree(path) or resolved
    return project_root(path)


STATUTE_TREE_MARKER = "lexproof.toml"


def statute_tree(folder: Path) -> Path | None:
    """The nearest folder at or above ``folder`` (found from the path as written) that holds a
    ``lexproof.toml``, or None. A project opts in with that file to let the statutes below it
    read each other across folders: ``lexproof check statutes/lll`` must load the WEB from
    ``statutes/web`` that the WSF imports (``uses WEB``), as ``check statutes/lll/lll.law``
    already could. A ``pyproject.toml`` alone does not widen a folder's root: only a file
    written for lexproof does. Symbolic links are still resolved and refused when they leave
    that tree (:func:`refusal`)."""
    written = Path(os.path.abspath(folder))
    for candidate in (written, *written.parents):
        if (candidate / STATUTE_TREE_MARKER).is_file():
            return candidate.resolve()
    return None


def project_root(path: Path) -> Path:
    """The project a path named on the command line belongs to, found from the path **as
    written**: the nearest enclosing folder with a project marker, else the path's own folder
    (resolved only then). The path is trusted, what a checked-out pull request put at it is
    not: found from the resolved path, a ``statutes/lll.law`` turned into a link to
    /proc/self/environ was its own root, and was read and quoted."""
    written = Path(os.path.abspath(path))
    for folder in written.parents:
        if any((folder / marker).is_file() for marker in PROJECT_MARKERS):
            return folder.resolve()
    return written.parent.resolve()


def _named_refusal(path: Path) -> str | None:
    """Why a file or folder named on the command line may not be read: when a symbolic link
    takes it out of its project (:func:`project_root`); the reason never quotes the file."""
    root = project_root(path)
    try:
        inside = path.resolve(strict=True).is_relative_to(root)
    except (OSError, RuntimeError):
        return None  # missing or a loop: reported where it is read
    return None if inside else f"it leads, through a symbolic link, out of '{display_path(root)}'"


def refusal(target: Path, root: Path) -> str | None:
    """Why ``target`` may not be read as a statute file under ``root``, or None when it may.

    Checked on the path with every symbolic link resolved, so a link cannot lead out of the
    root. Only regular ``.law`` files qualify: a device or fifo would block or never end, and
    a file under /proc is regular-looking but not a statute. The reason never quotes the
    refused file (it is never opened)."""
    try:
        resolved = target.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, a dangling or looping link
        return "no such file"
    if not resolved.is_relative_to(root):
        return f"it lies outside the statute root '{display_path(root)}'"
    try:
        mode = resolved.stat().st_mode
    except OSError:
        return "no such file"
    if not stat.S_ISREG(mode):
        return "it is a directory, not a .law file" if stat.S_ISDIR(mode) else "it is not a regular file"
    if resolved.suffix != ".law":
        return "only .law files can be imported"
    return None


def collect_sources(paths: list[str | Path], root: Path | None = None) -> list[tuple[Path, Path]]:
    """(file, statute root) for the files named directly, plus every ``*.law`` below named
    directories (sorted). A file found in a folder that resolves outside its root (a symbolic
    link leaving the tree) is refused with a diagnostic, not read. ``root``: one statute root
    for every path (the pytest plugin's rootdir), instead of :func:`statute_root` per path."""
    result: list[tuple[Path, Path]] = []
    errors: list[Diagnostic] = []
    for raw in paths:
        path = Path(raw)
        reason = _named_refusal(path) if root is None else refusal(path, root.resolve()) if path.is_file() else None
        if reason is not None:
            errors.append(Diagnostic(Span(str(path), 1, 1, 1, 1), f"refused to read this file: {reason}"))
            continue
        if path.is_dir():
            root_here = statute_root(path) if root is None else root.resolve()
            for found in sorted(path.rglob("*.law")):
                if found.is_dir():
                    continue
                reason = refusal(found, root_here)
                if reason is None:
                    result.append((found, root_here))
                else:
                    errors.append(Diagnostic(Span(str(found), 1, 1, 1, 1), f"refused to read this file: {reason}"))
        elif path.is_file():
            result.append((path, statute_root(path) if root is None else root.resolve()))
        else:
            errors.append(Diagnostic(Span(str(path), 1, 1, 1, 1), "no such file or directory"))
    if errors:
        raise LexproofError(with_code(errors, FILES))
    return result


def collect_paths(paths: list[str | Path]) -> list[Path]:
    """Files named directly, plus every ``*.law`` below named directories (sorted)."""
    return [path for path, _root in collect_sources(paths)]


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a program is read and checked.

    Loading makes millions of small objects that all stay alive (parse trees, AST nodes,
    types) and no reference cycles worth collecting; every collection of the older
    generations walks all of them again, which made loading grow faster than the book:
    at 10,000 rules (1.35 MB) 4.5 of 9.3 s of CPU went to the collector (issue 18,
    docs/performance.md). Reference counting still frees everything else at once; the
    collector is switched back on (if it was on) when loading ends, also on an error."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class ProgramCache(Protocol):
    """Where :func:`load` keeps and finds checked programs (``verifier/load_cache.py``): dsl/
    never imports the verifier, so the loader takes the cache as an argument."""

    def fetch(self, inputs: list[tuple[str, str, str]]) -> tuple[list[FileRecord], Callable[[], Program]] | None:
        """The files recorded for ``inputs`` (resolved path, display name, statute root of each
        file named) and a function that decodes the program, or None (a miss)."""

    def keep(self, inputs: list[tuple[str, str, str]], files: list[FileRecord], program: Program) -> None:
        """Store ``program``, loaded from ``files``, for ``inputs``."""


@dataclass(frozen=True)
class FileRecord:
    """One file a load read, in the order it read them: its resolved path, the name its spans
    carry, the SHA-256 of its text, and what its ``import`` lines name (in order). Replaying
    these (:func:`_replay`) finds the same files, refused or not, without parsing any."""

    path: str
    display: str
    sha256: str
    imports: tuple[str, ...]


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()


def load(paths: list[str | Path] | str | Path, root: Path | None = None,
         texts: dict[Path, str] | None = None, cache: ProgramCache | None = None) -> Program:
    """Parse, follow imports, check, and validate every amendment's consolidated versions
    (with the cyclic garbage collector paused: :func:`cyclic_gc_paused`).

    All syntax errors of all files are reported together; checking happens once every file
    parses (a checker run over half a program would mostly report the missing half). Imports
    resolve relative to the importing file and must stay inside its statute root
    (:func:`statute_root`, or ``root`` when given; :func:`refusal`). ``texts``: the text to use
    instead of what is on disk, by resolved path (an editor's unsaved buffer).

    ``cache``: where a program checked before is found again when every file it read has the
    same text (and the same imports reach the same files, none refused); it is loaded afresh
    and stored there otherwise. Not used with ``texts``.
    """
    with cyclic_gc_paused():
        if cache is None or texts:
            return _load(paths, root, texts)
        named = _named(paths, root)
        inputs = [(str(path), display_path(path), str(top)) for path, top in named]
        found = cache.fetch(inputs)
        if found is not None:
            records, decode = found
            texts_read = _replay(named, records)
            if texts_read is not None:
                try:
                    program = decode()
                except Exception:  # noqa: BLE001 - a cached program that does not decode is a miss
                    program = None
                if program is not None:
                    for display, text in texts_read:
                        SOURCES.add(display, text)
                    return program
        read: dict[Path, ast.File] = {}
        program = _load(paths, root, None, read)
        cache.keep(inputs, _records(read), program)
        return program


def _named(paths: list[str | Path] | str | Path, root: Path | None) -> list[tuple[Path, Path]]:
    """The files named (resolved) with their statute roots; raises like :func:`_load`."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    named = [(p.resolve(), top) for p, top in collect_sources(list(paths), root)]
    if not named:
        raise LexproofError(Diagnostic(Span(str(paths[0]) if paths else ".", 1, 1, 1, 1), "no .law files found",
                                       code=FILES))
    return named


def _records(read: dict[Path, ast.File]) -> list[FileRecord]:
    """What a fresh load read, for :func:`_replay`."""
    records = []
    for path, parsed in read.items():
        text = SOURCES.text(display_path(path))
        if text is None:
            return []  # not read from disk: nothing to replay
        records.append(FileRecord(str(path), display_path(path), text_digest(text),
                                  tuple(item.path for item in parsed.imports)))
    return records


def _replay(named: list[tuple[Path, Path]], records: list[FileRecord]) -> list[tuple[str, str]] | None:
    """Walk the files as :func:`_load` does, taking each file's imports from its record instead
    of parsing it: the (display name, text) of every file when each reads as recorded (same
    path, same name, same text) and every import is allowed, else None (load afresh, which
    reports whatever changed). A file's imports depend only on its text, so a file whose text
    is unchanged imports the same names; where they lead is checked again here, because the
    folders around it (symbolic links, other files) may have changed."""
    pending = list(named)
    seen: set[Path] = set()
    texts: list[tuple[str, str]] = []
    position = 0
    while pending:
        path, top = pending.pop(0)
        if path in seen:
            continue
        if position >= len(records) or records[position].path != str(path):
            return None
        record = records[position]
        position += 1
        if record.display != display_path(path):
            return None
        try:
            text = read_source(record.display)
        except LexproofError:
            return None
        if text_digest(text) != record.sha256:
            return None
        seen.add(path)
        texts.append((record.display, text))
        for name in record.imports:
            target = path.parent / name
            if refusal(target, top) is not None:
                return None
            if target.resolve() not in seen:
                pending.append((target.resolve(), top))
    return texts if position == len(records) else None


def _load(paths: list[str | Path] | str | Path, root: Path | None, texts: dict[Path, str] | None,
          read: dict[Path, ast.File] | None = None) -> Program:
    """:func:`load`, with the collector paused. ``read``: filled with every file parsed (by
    resolved path, in the order read), for the cache's records."""
    unsaved = {Path(path).resolve(): text for path, text in (texts or {}).items()}
    pending = _named(paths, root)
    seen: dict[Path, ast.File] = {} if read is None else read
    errors: list[Diagnostic] = []
    while pending:
        path, top = pending.pop(0)
        if path in seen:
            continue
        if len(seen) >= MAX_FILES:
            raise LexproofError(Diagnostic(Span(str(path), 1, 1, 1, 1), f"more than {MAX_FILES} files", code=FILES))
        try:
            parsed = parse_text(unsaved[path], display_path(path)) if path in unsaved else parse_file(display_path(path))
        except LexproofError as error:
            errors.extend(with_code(error.diagnostics, SYNTAX))
            seen[path] = ast.File(str(path), (), ())
            continue
        seen[path] = parsed
        for item in parsed.imports:
            target = path.parent / item.path
            reason = refusal(target, top)
            if reason is not None:  # rendered with control characters made visible (render())
                errors.append(Diagnostic(item.span, f"cannot import '{item.path}': {reason}", code=FILES))
            elif target.resolve() not in seen:
                pending.append((target.resolve(), top))
    if errors:
        raise LexproofError(errors)
    try:
        program = check_files(list(seen.values()))
    except LexproofError as error:
        raise LexproofError(with_code(error.diagnostics, DECLARATIONS)) from None
    version_errors: list[Diagnostic] = []
    for statute in program.statutes.values():
        try:
            check_all_versions(statute)
        except LexproofError as error:
            version_errors.extend(error.diagnostics)
    if version_errors:
        raise LexproofError(with_code(version_errors, AMENDMENTS))
    return program


def display_path(path: Path) -> str:
    """The name a loaded file goes by in spans and diagnostics: relative to the working
    directory when inside it (it reads better), else as given."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)

