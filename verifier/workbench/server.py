"""Run the workbench with uvicorn (``lexproof serve``)."""

from __future__ import annotations

import socket

import click

from lexproof.dsl.diagnostics import Diagnostic, LexproofError
from lexproof.dsl.source import Span


def run(paths: list[str], host: str, port: int, timeout: float | None, population: str | None = None) -> None:
    """Serve until interrupted. Bound to 127.0.0.1 unless told otherwise: the workbench has no
    login, and the statutes a drafter works on may not be public yet."""
    import uvicorn

    from lexproof.verifier.workbench.app import create_app

    _check_address(host, port)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: serving on {host}: anyone who can reach this address can use the workbench", err=True)
    click.echo(f"lexproof workbench: http://{host if ':' not in host else f'[{host}]'}:{port}/  (Ctrl+C stops)", err=True)
    uvicorn.run(create_app(paths, timeout, population=population), host=host, port=port, log_level="warning")


def _check_address(host: str, port: int) -> None:
    """A port in use or an address that is not this computer's is bad input (exit 2, with a
    diagnostic), found before the server starts rather than as uvicorn's start-up failure."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        family, kind, proto, _name, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as error:
        reason = error.strerror or str(error)
        raise LexproofError(Diagnostic(Span("<command line>", 1, 1, 1, 1),
                                       f"cannot listen on {host}:{port}: {reason}")) from None
