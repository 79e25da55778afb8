"""The Python API under its short name: ``from lexproof.api import load, evaluate, check, query,
diff`` (docs/api.md). The code is :mod:`lexproof.verifier.api`; this module gives its public
names (``__all__``) and, on request, any other name of it (``api.builtin_checks``), so the short
name never offers less than the long one."""

from __future__ import annotations

from lexproof.verifier import api as _implementation
from lexproof.verifier.api import *  # noqa: F403 - re-exporting is this module's purpose
from lexproof.verifier.api import __all__  # noqa: F401


def __getattr__(name: str) -> object:
    """Names of the implementation outside ``__all__`` (PEP 562: called only for names that
    this module does not have itself)."""
    try:
        return getattr(_implementation, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
