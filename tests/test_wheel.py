"""The distribution installs one import package, ``lexproof`` (issue 17, item 5).

The wheel is built from a copy of the sources (``python -m build --wheel --no-isolation``: no
network) and installed with ``--no-deps`` into a fresh virtual environment. That environment
sees the *dependencies* of the one running the tests through a folder of links (every entry of
this environment's site-packages except lexproof's own install, and never the repository), so
what it imports of lexproof can only come from the wheel. Everything then runs from a temporary
directory: ``lexproof check`` on a copy of ``statutes/``, ``python -m lexproof``, the pytest
plugin through its entry point, the language server's start, the HTML report's templates, and
the old names ``dsl`` and ``verifier``, which must not import.

The build front end (``build``) and the backend (``setuptools>=68``) are in the ``dev`` extra.
Without them the tests are skipped, except in CI (the CI variable, set by .ci/run), where that
is a failure: the wheel must have been tried."""

from __future__ import annotations

import configparser
import json
import os
import re
import shutil
import subprocess
import sys
import venv
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# the repository's folders and where the wheel puts them ([tool.setuptools.package-dir])
PACKAGE_DIRS = {"lexproof": "lexproof", "dsl": "lexproof/dsl", "verifier": "lexproof/verifier"}
TIMEOUT = 120


def _unavailable(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"the wheel test cannot run in CI: {message}")
    pytest.skip(message)


def _require_build_tools() -> None:
    try:
        metadata.version("build")
        setuptools = metadata.version("setuptools")
    except metadata.PackageNotFoundError as missing:
        _unavailable(f"{missing.name} is not installed (pip install -e '.[dev]')")
        return
    if int(setuptools.split(".")[0]) < 68:
        _unavailable(f"setuptools {setuptools} is older than the 68 pyproject.toml asks for (pip install -e '.[dev]')")


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None,
         stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, env=env, input=stdin, capture_output=True, timeout=TIMEOUT,
                          check=False)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of what the build reads (the build writes into its source
    folder: build/, *.egg-info), so the checkout stays as it is."""
    _require_build_tools()
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    for folder in PACKAGE_DIRS:
        shutil.copytree(REPO / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out = tmp_path_factory.mktemp("dist")
    done = _run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(source)],
                cwd=source)
    assert done.returncode == 0, done.stdout.decode()[-3000:] + done.stderr.decode()[-3000:]
    wheels = list(out.glob("lexproof-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def _dependency_links(target: Path) -> Path:
    """A folder of links to this environment's installed packages, minus lexproof itself (its
    dist-info, an editable install's hook, any top-level dsl/verifier) and the repository."""
    target.mkdir()
    for entry in sys.path:
        folder = Path(entry)
        if folder.name not in ("site-packages", "dist-packages") or not folder.is_dir():
            continue
        # (a site-packages folder inside the checkout is fine: .ci/run's venv is .ci/venv; only
        # lexproof's own entries below are left out)
        for item in folder.iterdir():
            name = item.name.lower()
            if (name.startswith(("lexproof", "__editable__")) or name in ("dsl", "verifier")
                    or item.suffix == ".pth" or (target / item.name).exists()):
                continue
            (target / item.name).symlink_to(item)
    return target


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed (no dependencies from the index;
    they are this environment's, linked in after the install so pip never sees an installed
    lexproof it might want to replace)."""
    home = tmp_path_factory.mktemp("venv") / "env"
    venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(home)
    python = home / "bin" / "python"
    done = _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
                 "--ignore-installed", "--disable-pip-version-check", "--quiet", str(wheel)], cwd=home)
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
    site_packages = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                              cwd=home).stdout.decode().strip())
    links = _dependency_links(home.parent / "dependencies")
    (site_packages / "zz_lexproof_test_dependencies.pth").write_text(f"{links}\n", encoding="utf-8")
    return home


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A directory outside the repository with a copy of the bundled statutes."""
    shutil.copytree(REPO / "statutes", tmp_path / "statutes")
    return tmp_path


def _env() -> dict[str, str]:
    """The environment for the installed commands: nothing that points into the repository."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}
    return {**env, "LEXPROOF_CACHE": "off", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "PYTHONNOUSERSITE": "1"}


def test_the_wheel_holds_one_import_package_with_every_file(wheel: Path) -> None:
    """Nothing but ``lexproof/`` and its dist-info at the top; every file of lexproof/, dsl/ and
    verifier/ (modules, grammar, templates, static files) at its mapped place."""
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {name.split("/")[0] for name in names} == {"lexproof", "lexproof-0.1.0.dist-info"}
    expected = set()
    for folder, inside in PACKAGE_DIRS.items():
        for path in (REPO / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                expected.add(f"{inside}/{path.relative_to(REPO / folder).as_posix()}")
    assert {"lexproof/dsl/grammar.lark", "lexproof/verifier/workbench/templates/base.html",
            "lexproof/verifier/workbench/static/workbench.js", "lexproof/api.py"} <= expected
    assert sorted(expected - names) == []


def test_the_entry_points_name_the_new_modules(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read("lexproof-0.1.0.dist-info/entry_points.txt").decode()
    entry_points = configparser.ConfigParser()
    entry_points.read_string(text)
    assert entry_points["console_scripts"]["lexproof"] == "lexproof.verifier.cli:run"
    assert entry_points["pytest11"]["lexproof"] == "lexproof.verifier.pytest_plugin"


def test_lexproof_check_runs_from_the_wheel(installed: Path, workdir: Path) -> None:
    """The bundled statutes are all as declared (exit 0, as tests/test_cache.py expects of the
    checkout), and the results are about the copy, not the repository's files."""
    done = _run([str(installed / "bin" / "lexproof"), "check", "statutes", "--lang", "en", "-j", "1",
                 "--format", "json"], cwd=workdir, env=_env())
    assert done.returncode == 0, done.stdout.decode()[-2000:] + done.stderr.decode()[-2000:]
    report = json.loads(done.stdout)
    files = {result["location"]["file"] for result in report["results"] if result.get("location")}
    assert files and all(not Path(name).is_absolute() or workdir in Path(name).parents for name in files)
    folders = {path.name for path in (REPO / "statutes").iterdir() if path.is_dir()}
    assert {Path(name).parts[1] for name in files} == folders  # a result from every statute folder


def test_the_package_imports_from_the_wheel_and_the_old_names_do_not(installed: Path, workdir: Path) -> None:
    python = str(installed / "bin" / "python")
    code = ("import json, lexproof, lexproof.api, lexproof.dsl.parser, lexproof.verifier.cli\n"
            "print(json.dumps({'files': [lexproof.__file__, lexproof.dsl.parser.__file__,\n"
            "                            lexproof.verifier.cli.__file__],\n"
            "                  'path': list(lexproof.__path__),\n"
            "                  'api': [callable(lexproof.api.load), callable(lexproof.api.builtin_checks)]}))")
    done = _run([python, "-c", code], cwd=workdir, env=_env())
    assert done.returncode == 0, done.stderr.decode()
    found = json.loads(done.stdout)
    files = [Path(name) for name in found["files"]]
    assert all(path.is_relative_to(installed) and not path.is_relative_to(REPO) for path in files), files
    # the source-checkout branch of lexproof/__init__.py is not taken: no second search folder
    assert found["path"] == [str(files[0].parent)]
    assert files[1:] == [files[0].parent / "dsl" / "parser.py", files[0].parent / "verifier" / "cli.py"]
    assert found["api"] == [True, True]
    for old in ("dsl", "verifier"):
        done = _run([python, "-c", f"import {old}"], cwd=workdir, env=_env())
        assert done.returncode == 1 and b"ModuleNotFoundError" in done.stderr, (old, done.stderr)


def test_python_dash_m_lexproof_is_the_command(installed: Path, workdir: Path) -> None:
    done = _run([str(installed / "bin" / "python"), "-m", "lexproof", "--version"], cwd=workdir, env=_env())
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().strip() == "lexproof, version 0.1.0"


def test_the_pytest_plugin_loads_through_its_entry_point(installed: Path, workdir: Path) -> None:
    """``pytest`` on a statute folder, with nothing but the entry point to find the plugin."""
    statute = workdir / "statutes" / "hardheidsclausule"
    done = _run([str(installed / "bin" / "python"), "-m", "pytest", str(statute), "-p", "no:cacheprovider",
                 "-o", "lexproof_collect=true", "-q"], cwd=workdir, env=_env())
    out = done.stdout.decode()
    assert done.returncode == 0, out[-3000:] + done.stderr.decode()[-2000:]
    # without the plugin nothing is collected from .law files (exit 5, "no tests ran")
    assert re.search(r"\b[1-9]\d* passed\b", out) and not re.search(r"\b\d+ failed\b", out), out[-2000:]


def test_the_language_server_starts_from_the_wheel(installed: Path, workdir: Path) -> None:
    """initialize, shutdown and exit over stdio: the server answers with its capabilities."""
    messages = [{"id": 1, "method": "initialize", "params": {"processId": None, "rootUri": None,
                                                            "capabilities": {}}},
                {"method": "initialized", "params": {}}, {"id": 2, "method": "shutdown"}, {"method": "exit"}]
    stdin = b""
    for message in messages:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        stdin += f"Content-Length: {len(body)}\r\n\r\n".encode() + body
    done = _run([str(installed / "bin" / "lexproof"), "lsp"], cwd=workdir, env=_env(), stdin=stdin)
    answers = [json.loads(part.split(b"\r\n\r\n", 1)[1]) for part in done.stdout.split(b"Content-Length:")[1:]]
    initialize = next(answer for answer in answers if answer.get("id") == 1)
    capabilities = initialize["result"]["capabilities"]
    assert capabilities.get("hoverProvider") and capabilities.get("definitionProvider"), capabilities


def test_the_html_report_finds_its_templates_in_the_wheel(installed: Path, workdir: Path) -> None:
    statute = workdir / "statutes" / "hardheidsclausule"
    done = _run([str(installed / "bin" / "lexproof"), "check", str(statute), "--format", "html", "--lang", "en"],
                cwd=workdir, env=_env())
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    page = done.stdout.decode()
    css = (REPO / "verifier" / "workbench" / "static" / "workbench.css").read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html") and "hardheidsclausule" in page
    assert css.splitlines()[0] in page  # the stylesheet, from the wheel's package data
