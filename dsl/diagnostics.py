"""Diagnostics: positioned errors and warnings, rendered gcc-style with the line and a caret."""

from __future__ import annotations

from dataclasses import dataclass, field

from dsl.source import SOURCES, Span, visible


@dataclass(frozen=True)
class Diagnostic:
    """One message about the input, anchored at a span."""

    span: Span
    message: str
    severity: str = "error"
    notes: tuple[tuple[Span | None, str], ...] = field(default=())

    def render(self) -> str:
        """``file:line:col: error: message``, the source line, a caret, then any notes."""
        lines = [f"{self.span}: {self.severity}: {self.message}"]
        lines.extend(_quote(self.span))
        for note_span, note in self.notes:
            if note_span is None:
                lines.append(f"  note: {note}")
            else:
                lines.append(f"{note_span}: note: {note}")
                lines.extend(_quote(note_span))
        return "\n".join(visible(line) for line in lines)  # for a terminal: no escape sequences


def _quote(span: Span) -> list[str]:
    text = SOURCES.line(span.file, span.line)
    if text is None:
        return []
    text = text.expandtabs(1)
    width = 1
    if span.end_line == span.line and span.end_column > span.column:
        width = span.end_column - span.column
    width = max(1, min(width, max(1, len(text) - span.column + 1)))
    gutter = f"{span.line:>5} | "
    return [gutter + text, " " * (len(gutter) - 2) + "| " + " " * (span.column - 1) + "^" + "~" * (width - 1)]


class LexproofError(Exception):
    """Bad input: carries one or more diagnostics; the CLI prints them and exits with 2."""

    def __init__(self, diagnostics: list[Diagnostic] | Diagnostic) -> None:
        if isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        diagnostics = list(dict.fromkeys(diagnostics))  # the same message at the same place once
        self.diagnostics = sorted(
            diagnostics, key=lambda d: (d.span.file, d.span.line, d.span.column)
        )
        super().__init__("\n".join(d.message for d in self.diagnostics))

    def render(self) -> str:
        return "\n".join(d.render() for d in self.diagnostics)

    def __reduce__(self):
        # Pickled with its diagnostics (a worker process raises it; see verifier/workers.py):
        # the default would rebuild it from the joined message.
        return (LexproofError, (self.diagnostics,))


class DiagnosticSink:
    """Collects errors during a pass so that several are reported together."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []

    def error(self, span: Span, message: str, *notes: tuple[Span | None, str]) -> None:
        self.diagnostics.append(Diagnostic(span, message, "error", tuple(notes)))

    def raise_if_any(self) -> None:
        if self.diagnostics:
            raise LexproofError(self.diagnostics)
