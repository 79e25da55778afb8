"""Run the workbench with uvicorn (``lexproof serve``)."""

from __future__ import annotations

import click


def run(paths: list[str], host: str, port: int, timeout: float | None) -> None:
    """Serve until interrupted. Bound to 127.0.0.1 unless told otherwise: the workbench has no
    login, and the statutes a drafter works on may not be public yet."""
    import uvicorn

    from verifier.workbench.app import create_app

    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: serving on {host}: anyone who can reach this address can use the workbench", err=True)
    click.echo(f"lexproof workbench: http://{host if ':' not in host else f'[{host}]'}:{port}/  (Ctrl+C stops)", err=True)
    uvicorn.run(create_app(paths, timeout), host=host, port=port, log_level="warning")
