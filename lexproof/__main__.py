"""``python -m lexproof``: the ``lexproof`` command, for an environment whose scripts folder is
not on PATH (or a checkout run with PYTHONPATH)."""

from lexproof.verifier.cli import run

if __name__ == "__main__":
    run()
