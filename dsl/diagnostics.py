"""Diagnostics: positioned errors and warnings, rendered gcc-style with the line and a caret."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from lexproof.dsl.source import SOURCES, Span, visible


@dataclass(frozen=True)
class Diagnostic:
    """One message about the input, anchored at a span."""

    span: Span
    message: str
    severity: str = "error"
    notes: tuple[tuple[Span | None, str], ...] = field(default=())
    # What kind of bad input (LOAD_CODES), set by the loader for the phase that found it; the
    # machine formats (SARIF rule id, JUnit failure type, JSON) report it.
    code: str | None = None

    def render(self) -> str:
        """``file:line:col: error: message``, the source line, a caret, then any notes."""
        lines = [f"{self.span}: {self.severity}: {_clip(self.message)}"]
        lines.extend(_quote(self.span))
        for note_span, note in self.notes:
            if note_span is None:
                lines.append(f"  note: {_clip(note)}")
            else:
                lines.append(f"{note_span}: note: {_clip(note)}")
                lines.extend(_quote(note_span))
        return "\n".join(visible(line) for line in lines)  # for a terminal: no escape sequences


# The codes of bad input: which load phase refused the statute (docs/ci.md, docs/json-output.md).
# code -> (name, short description)
LOAD_CODES: dict[str, tuple[str, str]] = {
    "LP001": ("syntax", "A statute file cannot be read or parsed"),
    "LP002": ("files", "A path or an import is missing or refused"),
    "LP003": ("declarations", "A name, type or declaration of the statute is wrong"),
    "LP004": ("amendments", "An amendment cannot be applied to the statute it amends"),
    "LP005": ("input", "Bad input outside the statutes: an option, a case file or a question"),
}
INPUT_CODE = "LP005"  # a diagnostic no load phase claimed


def with_code(diagnostics: list[Diagnostic], code: str) -> list[Diagnostic]:
    """``diagnostics`` marked with ``code``, except those that already carry one."""
    return [d if d.code is not None else replace(d, code=code) for d in diagnostics]


QUOTE_WIDTH = 120  # characters of a source line quoted under a diagnostic, at most
MAX_SHOWN = 50  # diagnostics rendered per error; the rest are counted
MAX_MESSAGE = 2000  # characters of one message (it may quote a name from the input)


def _clip(message: str) -> str:
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"


def _quote(span: Span) -> list[str]:
    """The span's line and a caret under it. A long line (minified JSON, a statute on one line)
    is quoted as a window of ``QUOTE_WIDTH`` characters around the caret, with … where it is
    cut: quoting a 200 KB line under each of 10,000 diagnostics wrote gigabytes."""
    text = SOURCES.line(span.file, span.line)
    if text is None:
        return []
    text = text.expandtabs(1)
    width = 1
    if span.end_line == span.line and span.end_column > span.column:
        width = span.end_column - span.column
    width = max(1, min(width, max(1, len(text) - span.column + 1)))
    text, column, width = _window(text, span.column, width)
    gutter = f"{span.line:>5} | "
    return [gutter + text, " " * (len(gutter) - 2) + "| " + " " * (column - 1) + "^" + "~" * (width - 1)]


def _window(text: str, column: int, width: int) -> tuple[str, int, int]:
    """At most ``QUOTE_WIDTH`` characters of ``text`` around ``column`` (1-based), and the
    caret's column and underline width within them."""
    if len(text) <= QUOTE_WIDTH:
        return text, column, width
    start = max(0, min(column - 1 - QUOTE_WIDTH // 3, len(text) - QUOTE_WIDTH))
    end = start + QUOTE_WIDTH
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    column = column - start + len(prefix)
    width = max(1, min(width, QUOTE_WIDTH - (column - 1 - len(prefix))))
    return prefix + text[start:end] + suffix, column, width


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
        """The diagnostics, at most ``MAX_SHOWN`` of them and a count of the rest (a file with
        thousands of errors would otherwise flood the terminal or the CI log)."""
        shown = [d.render() for d in self.diagnostics[:MAX_SHOWN]]
        rest = len(self.diagnostics) - len(shown)
        if rest > 0:
            shown.append(f"… and {rest} more error{'s' if rest != 1 else ''}")
        return "\n".join(shown)

    def __reduce__(self):
        # Pickled with its diagnostics (a worker process raises it; see verifier/workers.py):
        # the default would rebuild it from the joined message.
        return (LexproofError, (self.diagnostics,))


class DiagnosticSink:
    """Collects errors during a pass so that several are reported together."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []  # shown, but the input is accepted

    def warning(self, span: Span, message: str, *notes: tuple[Span | None, str]) -> None:
        """Something accepted that the user should know about (a product the solver may not
        decide); never raised."""
        self.warnings.append(Diagnostic(span, message, "warning", tuple(notes)))

    def error(self, span: Span, message: str, *notes: tuple[Span | None, str]) -> None:
        self.diagnostics.append(Diagnostic(span, message, "error", tuple(notes)))

    def raise_if_any(self) -> None:
        if self.diagnostics:
            raise LexproofError(self.diagnostics)
