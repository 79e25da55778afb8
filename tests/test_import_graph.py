"""dsl/'s modules import each other without a cycle (issue 17, item 7): each pass imports only
the passes before it, so a pass can be read, tested and changed knowing what it stands on.

The imports are read from the source with ``ast``: those at the top of a module and those
inside functions (a deferred import is still a dependency), but not those under ``if
TYPE_CHECKING:``, which are for type checkers only and never run."""

from __future__ import annotations

import ast
from pathlib import Path

DSL = Path(__file__).resolve().parent.parent / "dsl"
VERIFIER = "verifier"  # the other package folder, which dsl/ must never import


def _package_path(module: str) -> list[str]:
    """A module name as its parts inside the repository, the same for ``lexproof.dsl.ir`` and
    ``lexproof.dsl.ir`` (the installed name, issue 17 item 5)."""
    parts = module.split(".")
    return parts[1:] if parts[0] == "lexproof" and len(parts) > 1 else parts


def _type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imports(tree: ast.AST) -> set[str]:
    """The dsl modules (by file name) a module's code imports, outside TYPE_CHECKING blocks."""
    found: set[str] = set()
    pending = [tree]
    while pending:
        node = pending.pop()
        if _type_checking_only(node):
            pending.extend(node.orelse)  # the else branch runs
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            parts = _package_path(node.module)
            if parts == [DSL.name]:
                found.update(alias.name for alias in node.names)
            elif parts[0] == DSL.name and len(parts) > 1:
                found.add(parts[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = _package_path(alias.name)
                if parts[0] == DSL.name and len(parts) > 1:
                    found.add(parts[1])
        pending.extend(ast.iter_child_nodes(node))
    return found


def import_graph() -> dict[str, set[str]]:
    graph = {}
    for path in sorted(DSL.glob("*.py")):
        graph[path.stem] = _imports(ast.parse(path.read_text(encoding="utf-8"))) - {path.stem}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of the graph as a path that returns to its start, or None."""
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt, path + [nxt])
                if found:
                    return found
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start, [start])
            if found:
                return found
    return None


def test_the_cycle_finder_finds_a_cycle() -> None:
    """The check below could fail: a graph with a cycle is reported, with the cycle."""
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_imports_are_read_from_functions_too_but_not_type_checking_blocks() -> None:
    tree = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from lexproof.dsl.consolidate import V\n"
                     "def f():\n    from lexproof.dsl.evaluator import E\nfrom lexproof.dsl import ir\n")
    assert _imports(tree) == {"evaluator", "ir"}


def test_dsl_has_no_import_cycle() -> None:
    graph = import_graph()
    assert {"checker", "check_program", "consolidate", "evaluator"} <= set(graph)
    assert find_cycle(graph) is None, f"import cycle in dsl/: {' -> '.join(find_cycle(graph) or [])}"


def test_each_checker_pass_imports_only_the_passes_before_it() -> None:
    graph = import_graph()
    passes = ["check_constants", "check_examples", "checker", "check_growth", "check_amendments", "check_program"]
    for index, name in enumerate(passes):
        later = set(passes[index + 1:])
        assert not graph[name] & later, f"{name} imports a later pass: {sorted(graph[name] & later)}"
    # consolidation follows the checker's statute pass, not the driver; the evaluator needs
    # neither at run time
    assert "check_program" not in graph["consolidate"] and "consolidate" not in graph["evaluator"]
    assert not graph["evaluator"] & set(passes)


def test_dsl_never_imports_verifier() -> None:
    for path in DSL.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module]
        modules += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        assert not [m for m in modules if _package_path(m)[0] == VERIFIER], path.name


def test_both_import_names_of_a_module_are_read_alike() -> None:
    """The repository's modules are imported as ``lexproof.dsl.x`` (installed name) and were
    ``dsl.x``: both spellings are the same dependency, and a verifier import is seen in both."""
    source = "from lexproof.dsl.consolidate import V\nfrom lexproof.dsl import ir\nimport lexproof.dsl.evaluator\n"
    # the old spelling is made here rather than written out, so that renaming imports leaves it
    old, new = ast.parse(source.replace("lexproof.", "")), ast.parse(source)
    assert "lexproof" not in ast.unparse(old)
    assert _imports(old) == _imports(new) == {"consolidate", "ir", "evaluator"}
    installed = "lexproof.verifier.api"
    assert _package_path(installed)[0] == _package_path(installed.removeprefix("lexproof."))[0] == VERIFIER
    assert _package_path("lexproof")[0] == "lexproof"


# --- the engine apart from the interfaces (issue 17, item 7) ----------------------------------------

VERIFIER_DIR = DSL.parent / "verifier"
# The engine: encoding, solving, properties, the built-in checks, diff and what they stand on.
ENGINE = {"encoding", "solving", "properties", "checks", "item_checks", "questions", "diff", "regions",
          "sharing", "witness_search", "sampling", "calendar_terms", "cone_cache", "sql_compile", "sql_engine",
          "sql_items", "sql_narrow", "spark_engine"}
# The interfaces: the command line, the pytest plugin, the language server, the workbench. They
# reach the engine through lexproof.verifier.api (and present results with results, formats,
# render, messages); api.py itself is the one interface allowed to call the engine.
INTERFACES = ["cli.py", "cli_impact.py", "pytest_plugin.py", "lsp.py", "lsp_index.py", *(
    f"workbench/{path.name}" for path in sorted((DSL.parent / "verifier" / "workbench").glob("*.py")))]


def _verifier_imports(tree: ast.AST) -> set[str]:
    """The verifier modules (by name) a module imports, anywhere in its code."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            parts = _package_path(node.module)
            if parts == [VERIFIER]:
                found.update(alias.name for alias in node.names)
            elif parts[0] == VERIFIER and len(parts) > 1:
                found.add(parts[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = _package_path(alias.name)
                if parts[0] == VERIFIER and len(parts) > 1:
                    found.add(parts[1])
    return found


def test_the_engine_list_names_existing_modules() -> None:
    """A renamed engine module would drop out of the check below without a trace."""
    missing = [name for name in ENGINE if not (VERIFIER_DIR / f"{name}.py").exists()]
    assert not missing
    assert _verifier_imports(ast.parse("from lexproof.verifier.solving import Budget")) == {"solving"}


def test_no_interface_reaches_into_the_engine() -> None:
    for name in INTERFACES:
        tree = ast.parse((VERIFIER_DIR / name).read_text(encoding="utf-8"))
        reached = _verifier_imports(tree) & ENGINE
        assert not reached, f"verifier/{name} imports the engine's {sorted(reached)}: go through api"
