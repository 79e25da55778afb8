"""Shared pytest configuration.

Hypothesis profiles (choose with the environment variable ``LEXPROOF_HYPOTHESIS_PROFILE``;
the default is ``ci``):

``ci``
    Deterministic (``derandomize=True``): the same examples on every run, so CI is
    reproducible and a red build stays red until fixed. ``max_examples=100``, no deadline,
    ``print_blob=True`` so that a failure prints a ``@reproduce_failure`` blob. The soundness
    suite (``tests/test_soundness.py``) treats ``max_examples / 100`` as a scale factor for
    its per-test example counts, so ``ci`` runs each test's CI count (a few thousand concrete
    cases in all, about two minutes on two cores).
``dev``
    Quick local feedback: ``max_examples=20`` (a fifth of CI), random, no deadline.
``nightly``
    Thorough and random: ``max_examples=1000`` (ten times CI, about 25,000 generated examples
    in the soundness suite), no deadline, ``print_blob=True``. New random seeds every night find
    what ``ci`` cannot. Sized to finish well within an hour on 2 cores: measured at 8122702,
    ``tests/test_soundness.py`` took 19 min of CPU (67 min of wall time while 8-10 other
    processes shared the two cores); twenty times CI had not finished one test in 15 minutes.
    A failing example can add up to 5 minutes of shrinking per test.

Example: ``LEXPROOF_HYPOTHESIS_PROFILE=nightly pytest tests/test_soundness.py`` (or the whole
suite: ``LEXPROOF_HYPOTHESIS_PROFILE=nightly bash .ci/run``).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

_COMMON_SUPPRESS = [HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=100,
    deadline=None,
    print_blob=True,
    suppress_health_check=_COMMON_SUPPRESS,
)
settings.register_profile(
    "dev",
    max_examples=20,
    deadline=None,
    suppress_health_check=_COMMON_SUPPRESS,
)
settings.register_profile(
    "nightly",
    max_examples=1000,
    deadline=None,
    print_blob=True,
    suppress_health_check=_COMMON_SUPPRESS,
)
settings.load_profile(os.environ.get("LEXPROOF_HYPOTHESIS_PROFILE", "ci"))

# Tests are hermetic: no result cache unless a test asks for one (tests/test_cache.py). The
# CLI runs in this process or in subprocesses, which inherit the setting.
os.environ["LEXPROOF_CACHE"] = "off"

# The tests read the English output unless they ask for Dutch (--lang nl): a developer's Dutch
# locale must not change what the human output says under them.
os.environ["LC_ALL"] = "C.UTF-8"


@pytest.fixture
def diff_first_question_unknown(monkeypatch):
    """The diff's solver made unable to decide its first question, 'does the outcome change at
    all?' (every other question is answered): as when that question runs out of budget."""
    import z3

    from lexproof.verifier import diff as diff_module

    real_check = diff_module.check

    def check(solver, *assumptions):
        if any(z3.is_const(a) and str(a) == "goal!changed" for a in assumptions):
            return "unknown"
        return real_check(solver, *assumptions)

    monkeypatch.setattr(diff_module, "check", check)
