"""Load ``.law`` files (and directories of them, and their imports) into a checked Program."""

from __future__ import annotations

from pathlib import Path

from dsl import ast
from dsl.checker import check_files
from dsl.consolidate import check_all_versions
from dsl.diagnostics import Diagnostic, LexproofError
from dsl.model import Program
from dsl.parser import parse_file
from dsl.source import Span

MAX_FILES = 2000


def collect_paths(paths: list[str | Path]) -> list[Path]:
    """Files named directly, plus every ``*.law`` below named directories (sorted)."""
    result: list[Path] = []
    errors: list[Diagnostic] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            result.extend(sorted(p for p in path.rglob("*.law") if p.is_file()))
        elif path.is_file():
            result.append(path)
        else:
            errors.append(Diagnostic(Span(str(path), 1, 1, 1, 1), "no such file or directory"))
    if errors:
        raise LexproofError(errors)
    return result


def load(paths: list[str | Path] | str | Path) -> Program:
    """Parse, follow imports, check, and validate every amendment's consolidated versions.

    All syntax errors of all files are reported together; checking happens once every file
    parses (a checker run over half a program would mostly report the missing half).
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    pending = [p.resolve() for p in collect_paths(list(paths))]
    if not pending:
        raise LexproofError(Diagnostic(Span(str(paths[0]) if paths else ".", 1, 1, 1, 1), "no .law files found"))
    seen: dict[Path, ast.File] = {}
    errors: list[Diagnostic] = []
    while pending:
        path = pending.pop(0)
        if path in seen:
            continue
        if len(seen) >= MAX_FILES:
            raise LexproofError(Diagnostic(Span(str(path), 1, 1, 1, 1), f"more than {MAX_FILES} files"))
        try:
            parsed = parse_file(_display(path))
        except LexproofError as error:
            errors.extend(error.diagnostics)
            seen[path] = ast.File(str(path), (), ())
            continue
        seen[path] = parsed
        for item in parsed.imports:
            target = (path.parent / item.path).resolve()
            if not target.is_file():
                errors.append(Diagnostic(item.span, f"cannot import '{item.path}': no such file"))
            elif target not in seen:
                pending.append(target)
    if errors:
        raise LexproofError(errors)
    program = check_files(list(seen.values()))
    version_errors: list[Diagnostic] = []
    for statute in program.statutes.values():
        try:
            check_all_versions(statute)
        except LexproofError as error:
            version_errors.extend(error.diagnostics)
    if version_errors:
        raise LexproofError(version_errors)
    return program


def _display(path: Path) -> str:
    """Paths relative to the working directory read better in diagnostics."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
