"""lexproof: legal rules as code, with formal verification.

One import name for the whole distribution: ``lexproof.dsl`` (the statute language: parser,
checker, evaluator), ``lexproof.verifier`` (Z3 encoding, proofs, checks, diff, the interfaces)
and ``lexproof.api`` (the Python API, docs/api.md).

In the repository the two subpackages stay in the top-level folders ``dsl/`` and ``verifier/``;
``pyproject.toml`` maps them (``[tool.setuptools.package-dir]``), so a wheel holds
``lexproof/dsl`` and ``lexproof/verifier`` and an editable install (``pip install -e .``) finds
them through setuptools' import hook. Neither helps someone who runs a checkout with
``PYTHONPATH=<checkout>`` and no install of it (or an install of another checkout): Python then
finds this folder as ``lexproof`` but looks for ``lexproof.dsl`` only in ``lexproof/``. For that
case, and only when this file sits in a source checkout, the checkout's root joins this
package's search path, so ``lexproof.dsl`` is the checkout's ``dsl/``. An installed wheel has
``lexproof/dsl`` next to this file and never takes that branch."""

from __future__ import annotations

from pathlib import Path

__version__ = "0.1.0"


def _checkout_root() -> Path | None:
    """The repository root when this package is run from a source checkout, else None.

    A checkout is recognised by its layout, not by a guess about the environment: this file's
    folder has no ``dsl/`` of its own (a wheel has one) and its parent holds the project's
    ``pyproject.toml`` next to ``dsl/`` and ``verifier/``."""
    here = Path(__file__).resolve().parent
    root = here.parent
    if (here / "dsl").is_dir() or (here / "verifier").is_dir():
        return None
    if not all((root / name / "__init__.py").is_file() for name in ("dsl", "verifier")):
        return None
    try:
        project = (root / "pyproject.toml").read_text(encoding="utf-8")
    except OSError:
        return None
    return root if 'name = "lexproof"' in project else None


_root = _checkout_root()
if _root is not None:
    __path__.append(str(_root))  # noqa: F821 - a package's __path__, set by the import system
del _root
