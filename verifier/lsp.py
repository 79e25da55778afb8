"""``lexproof lsp``: a language server for ``.law`` files, on pygls (docs/editor.md).

Diagnostics as you type (the positioned diagnostics of ``lexproof check``'s loading, with the
unsaved text), hover (declaration, type, citation, a parameter's dated values), go to
definition, find references, completion of names and enum values, document symbols (articles
with their rules, decisions, ...), formatting (the formatter) and a quick fix for every
"did you mean". An interface like the CLI: it reaches the engine through ``lexproof.verifier.api``, and
finds names with :mod:`lexproof.verifier.lsp_index`.
"""

from __future__ import annotations

import re
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path

from lexproof.dsl import ast
from lexproof.dsl.diagnostics import LexproofError
from lexproof.dsl.source import Span
from lexproof.verifier import api
from lexproof.verifier.lsp_index import Index, Symbol, hover_markdown, token_at, tokens

_DID_YOU_MEAN = re.compile(r"did you mean '([^']+)'\?")
# Before the cursor: "name = va", "name != va" or "name in {a, va": complete name's enum values.
_ENUM_CONTEXT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*(?:!=|=|(?:not\s+)?in\s*\{[^}]*?)\s*[A-Za-z0-9_]*$")
_KINDS = {
    "fact": lsp.CompletionItemKind.Field,
    "decision": lsp.CompletionItemKind.Variable,
    "parameter": lsp.CompletionItemKind.Constant,
    "table": lsp.CompletionItemKind.Function,
    "value": lsp.CompletionItemKind.EnumMember,
    "enum": lsp.CompletionItemKind.Enum,
    "rule": lsp.CompletionItemKind.Method,
    "facts": lsp.CompletionItemKind.Struct,
}
_COMPLETED = tuple(_KINDS)
MAX_IMPORTS = 200  # files indexed per document, at most (the loader's own limit is higher)


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("lexproof")
    except Exception:  # noqa: BLE001 - not installed: any version string will do
        return "0"


class LexproofServer(LanguageServer):
    """The server and what it remembers per open document: the index of its names (the last
    text that parsed, so hover still works while a line is half typed) and the files it
    published diagnostics for (so that fixed ones are cleared)."""

    def __init__(self) -> None:
        super().__init__("lexproof", _version(), text_document_sync_kind=lsp.TextDocumentSyncKind.Full)
        self.indexes: dict[str, Index] = {}
        self.published: dict[str, set[str]] = {}


server = LexproofServer()


# --- positions ----------------------------------------------------------------------------------


def _range(line: int, start: int, end_line: int, end: int) -> lsp.Range:
    return lsp.Range(lsp.Position(max(0, line), max(0, start)), lsp.Position(max(0, end_line), max(0, end)))


def _span_range(span: Span) -> lsp.Range:
    """A diagnostic's span (1-based, end exclusive) as a range; an empty end becomes one column."""
    line, column = span.line - 1, span.column - 1
    end_line, end = span.end_line - 1, span.end_column - 1
    if end_line < line or (end_line == line and end <= column):
        end_line, end = line, column + 1
    return _range(line, column, end_line, end)


def _to_client(ls: LanguageServer, uri: str, value: lsp.Range) -> lsp.Range:
    """Code-point columns to the client's units (UTF-16 unless negotiated) for an open document."""
    document = ls.workspace.text_documents.get(uri)
    if document is None:
        return value
    return document.position_codec.range_to_client_units(document.lines, value)


def _document(ls: LanguageServer, uri: str):
    return ls.workspace.get_text_document(uri)


def _position(ls: LanguageServer, uri: str, position: lsp.Position) -> tuple[int, int]:
    document = _document(ls, uri)
    server_position = document.position_codec.position_from_client_units(document.lines, position)
    return server_position.line, server_position.character


def _same_file(a: str, b: str) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


# --- diagnostics and the index ------------------------------------------------------------------


def _diagnostic(error, uri: str) -> lsp.Diagnostic:
    related = [
        lsp.DiagnosticRelatedInformation(lsp.Location(from_fs_path(str(Path(note.file).resolve())) or uri,
                                                      _span_range(note)), text)
        for note, text in error.notes if note is not None and not note.file.startswith("<")
    ]
    return lsp.Diagnostic(range=_span_range(error.span), message=error.message, severity=lsp.DiagnosticSeverity.Error,
                          source="lexproof", code=error.code, related_information=related or None)


def analyze(ls: LexproofServer, uri: str) -> None:
    """Load the document as ``lexproof check`` would, with its unsaved text, and publish the
    diagnostics per file; then re-index its names if the text parses."""
    document = _document(ls, uri)
    path = document.path
    found: dict[str, list[lsp.Diagnostic]] = {uri: []}
    try:
        api.load_document(path, document.source)
    except LexproofError as error:
        for item in error.diagnostics:
            in_file = not item.span.file.startswith("<")
            target = uri if not in_file or _same_file(item.span.file, path) else from_fs_path(
                str(Path(item.span.file).resolve()))
            found.setdefault(target or uri, []).append(_diagnostic(item, uri))
    except Exception as error:  # noqa: BLE001 - a lexproof bug must not stop the server
        found[uri].append(lsp.Diagnostic(range=_range(0, 0, 0, 1), message=f"internal error: {error}",
                                         severity=lsp.DiagnosticSeverity.Error, source="lexproof"))
    for target in ls.published.get(uri, set()) - set(found):
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=target, diagnostics=[]))
    for target, diagnostics in found.items():
        diagnostics = [d if target != uri else _with_client_range(ls, uri, d) for d in diagnostics]
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=target, diagnostics=diagnostics,
                                                                           version=document.version if target == uri else None))
    ls.published[uri] = set(found)
    index = build_index(path, document.source)
    if index is not None:
        ls.indexes[uri] = index


def _with_client_range(ls: LanguageServer, uri: str, diagnostic: lsp.Diagnostic) -> lsp.Diagnostic:
    diagnostic.range = _to_client(ls, uri, diagnostic.range)
    return diagnostic


def build_index(path: str, text: str) -> Index | None:
    """The names of the document and of the files it imports (None if it does not parse),
    with the cyclic collector paused as the load pauses it: indexing a 10,000-rule statute
    made tens of thousands of objects that all stay alive, and collections walking them
    took up to a second."""
    with api.cyclic_gc_paused():
        return _build_index(path, text)


def _build_index(path: str, text: str) -> Index | None:
    try:
        file = api.parse_as_loaded(text, path)  # named as the load that just ran named it: the same tree
    except LexproofError:
        return None
    index = Index()
    index.add_file(file, text)
    pending = [(Path(path), item.path) for item in file.imports]
    seen = {Path(path).resolve()}
    while pending and len(seen) < MAX_IMPORTS:
        base, name = pending.pop(0)
        target = (base.parent / name).resolve()
        if target in seen or target.suffix != ".law" or not target.is_file():
            continue
        seen.add(target)
        try:
            imported_text = target.read_text(encoding="utf-8")
            imported = api.parse_as_loaded(imported_text, target)
        except (OSError, UnicodeDecodeError, LexproofError):
            continue  # the diagnostics of the load say what is wrong with it
        index.add_file(imported, imported_text)
        pending.extend((target, item.path) for item in imported.imports)
    return index


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: LexproofServer, params: lsp.DidOpenTextDocumentParams) -> None:
    analyze(ls, params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: LexproofServer, params: lsp.DidChangeTextDocumentParams) -> None:
    analyze(ls, params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: LexproofServer, params: lsp.DidSaveTextDocumentParams) -> None:
    analyze(ls, params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: LexproofServer, params: lsp.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    for target in ls.published.pop(uri, set()):
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=target, diagnostics=[]))
    ls.indexes.pop(uri, None)


# --- names: hover, definition, references, completion -------------------------------------------


def _symbols_at(ls: LexproofServer, uri: str, position: lsp.Position):
    index = ls.indexes.get(uri)
    if index is None:
        return None, []
    line, column = _position(ls, uri, position)
    token = token_at(_document(ls, uri).source, line, column)
    if token is None:
        return None, []
    return token, index.lookup(token.name)


def _location(ls: LanguageServer, symbol_file: str, line: int, start: int, end: int) -> lsp.Location:
    uri = from_fs_path(str(Path(symbol_file).resolve())) or symbol_file
    return lsp.Location(uri, _to_client(ls, uri, _range(line, start, line, end)))


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
def hover(ls: LexproofServer, params: lsp.HoverParams) -> lsp.Hover | None:
    uri = params.text_document.uri
    token, symbols = _symbols_at(ls, uri, params.position)
    if token is None or not symbols:
        return None
    text = "\n\n---\n\n".join(hover_markdown(symbol) for symbol in symbols)
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text),
                     range=_to_client(ls, uri, _range(token.line, token.start, token.line, token.end)))


@server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
def definition(ls: LexproofServer, params: lsp.DefinitionParams) -> list[lsp.Location] | None:
    _token, symbols = _symbols_at(ls, params.text_document.uri, params.position)
    if not symbols:
        return None
    return [_location(ls, s.file, s.line, s.start, s.end) for s in symbols]


@server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
def references(ls: LexproofServer, params: lsp.ReferenceParams) -> list[lsp.Location] | None:
    uri = params.text_document.uri
    token, symbols = _symbols_at(ls, uri, params.position)
    if token is None or not symbols:
        return None
    index = ls.indexes[uri]
    declared = {(str(Path(s.file).resolve()), s.line, s.start) for s in symbols}
    found = []
    for path, text in index.texts.items():
        resolved = str(Path(path).resolve())
        for other in tokens(text):
            if other.name != token.name:
                continue
            if not params.context.include_declaration and (resolved, other.line, other.start) in declared:
                continue
            found.append(_location(ls, path, other.line, other.start, other.end))
    return found


@server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=["{", " ", "."]))
def completion(ls: LexproofServer, params: lsp.CompletionParams) -> lsp.CompletionList:
    uri = params.text_document.uri
    index = ls.indexes.get(uri)
    if index is None:
        return lsp.CompletionList(is_incomplete=False, items=[])
    line, column = _position(ls, uri, params.position)
    lines = _document(ls, uri).source.split("\n")
    before = lines[line][:column] if line < len(lines) else ""
    match = _ENUM_CONTEXT.search(before)
    if match:
        enums = {s.enum for s in index.lookup(match.group(1)) if s.kind in ("fact", "decision") and s.enum}
        values = [s for symbols in index.symbols.values() for s in symbols if s.kind == "value" and s.enum in enums]
        if values:
            return lsp.CompletionList(is_incomplete=False, items=[_item(s, "0") for s in values])
    items = [_item(s, "1") for symbols in index.symbols.values() for s in symbols[:1] if s.kind in _COMPLETED]
    return lsp.CompletionList(is_incomplete=False, items=items)


def _item(symbol: Symbol, rank: str) -> lsp.CompletionItem:
    return lsp.CompletionItem(label=symbol.name, kind=_KINDS.get(symbol.kind), detail=symbol.detail or symbol.kind,
                              sort_text=f"{rank}{symbol.name}",
                              documentation=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=hover_markdown(symbol)))


# --- document symbols -----------------------------------------------------------------------------


@server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def document_symbols(ls: LexproofServer, params: lsp.DocumentSymbolParams) -> list[lsp.DocumentSymbol] | None:
    """Per statute or amendment: its articles (the rules citing each), decisions, facts,
    parameters, enums, tables, examples and properties."""
    uri = params.text_document.uri
    index = ls.indexes.get(uri)
    document = _document(ls, uri)
    file = next((f for p, f in index.files.items() if _same_file(p, document.path)), None) if index else None
    if file is None:
        return None
    lines = document.source.split("\n")
    return [_section_symbol(ls, uri, lines, section) for section in file.sections]


def _symbol(ls, uri, lines, name: str, kind: lsp.SymbolKind, span: Span, detail: str = "",
            children: list | None = None) -> lsp.DocumentSymbol:
    whole = _span_range(span)
    end_line = min(whole.end.line, len(lines) - 1)
    whole = _range(whole.start.line, whole.start.character, end_line,
                   whole.end.character if end_line == whole.end.line else len(lines[end_line]))
    text = lines[whole.start.line] if whole.start.line < len(lines) else ""
    found = re.search(r"(?<![A-Za-z0-9_])" + re.escape(name) + r"(?![A-Za-z0-9_])", text[whole.start.character:])
    if found:
        start = whole.start.character + found.start()
        selection = _range(whole.start.line, start, whole.start.line, start + len(name))
    else:
        selection = _range(whole.start.line, whole.start.character, whole.start.line, whole.start.character)
    return lsp.DocumentSymbol(name=name or "?", kind=kind, range=_to_client(ls, uri, whole),
                              selection_range=_to_client(ls, uri, selection), detail=detail or None,
                              children=children or None)


def _article(citation: ast.Citation) -> str:
    """The article a rule cites, without lid and item: rules are grouped by it."""
    if citation.kind == "source":
        return citation.article
    words = {"art": "art.", "artikel": "art."}
    return " ".join(p for p in (citation.statute, f"{words.get(citation.kind, citation.kind)} {citation.article}") if p)


def _section_symbol(ls, uri, lines, section) -> lsp.DocumentSymbol:
    S = lsp.SymbolKind
    children: list[lsp.DocumentSymbol] = []
    articles: dict[str, list[tuple[ast.RuleDecl, Span]]] = {}
    for item in section.items:
        rule = item if isinstance(item, ast.RuleDecl) else getattr(item, "rule", None)
        if isinstance(rule, ast.RuleDecl):
            articles.setdefault(_article(rule.citation), []).append((rule, item.span))
        elif isinstance(item, ast.DecisionDecl) or isinstance(item, ast.AddDecision):
            decl = item if isinstance(item, ast.DecisionDecl) else item.decision
            children.append(_symbol(ls, uri, lines, decl.name, S.Variable, item.span, "decision"))
        elif isinstance(item, ast.FactsDecl):
            fields = [_symbol(ls, uri, lines, f.name, S.Field, f.span, "fact") for f in item.fields]
            children.append(_symbol(ls, uri, lines, item.name, S.Struct, item.span, "facts", fields))
        elif isinstance(item, ast.ParameterDecl):
            children.append(_symbol(ls, uri, lines, item.name, S.Constant, item.span, "parameter"))
        elif isinstance(item, ast.EnumDecl):
            values = [_symbol(ls, uri, lines, v.name, S.EnumMember, v.span) for v in item.values]
            children.append(_symbol(ls, uri, lines, item.name, S.Enum, item.span, "enum", values))
        elif isinstance(item, ast.TableDecl):
            children.append(_symbol(ls, uri, lines, item.name, S.Function, item.span, "table"))
        elif isinstance(item, ast.Example):
            children.append(_symbol(ls, uri, lines, item.name, S.Event, item.span, "example"))
        elif isinstance(item, ast.Property):
            children.append(_symbol(ls, uri, lines, item.name, S.Boolean, item.span, "property"))
    for article, rules in articles.items():
        first, last = rules[0][1], rules[-1][1]
        span = Span(first.file, first.line, first.column, last.end_line, last.end_column)
        members = [_symbol(ls, uri, lines, r.name, S.Method, s, f"rule: {r.decision}") for r, s in rules]
        children.append(_symbol(ls, uri, lines, article, S.Namespace, span, "article", members))
    children.sort(key=lambda s: (s.range.start.line, s.range.start.character))
    kind = S.Module if isinstance(section, ast.Statute) else S.Namespace
    return _symbol(ls, uri, lines, section.name, kind, section.span,
                   "statute" if isinstance(section, ast.Statute) else "amendment", children)


# --- formatting and quick fixes ------------------------------------------------------------------


@server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
def formatting(ls: LexproofServer, params: lsp.DocumentFormattingParams) -> list[lsp.TextEdit] | None:
    """The whole document in canonical layout (``lexproof fmt``); nothing while it does not parse."""
    uri = params.text_document.uri
    document = _document(ls, uri)
    text = document.source
    try:
        formatted = api.format_source(text.replace("\r\n", "\n").replace("\r", "\n"), document.path)
    except (LexproofError, ValueError, RecursionError):
        return None
    if formatted == text:
        return []
    lines = text.split("\n")
    end = _to_client(ls, uri, _range(0, 0, len(lines) - 1, len(lines[-1]))).end
    return [lsp.TextEdit(range=lsp.Range(lsp.Position(0, 0), end), new_text=formatted)]


@server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION,
                lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]))
def code_actions(ls: LexproofServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction] | None:
    """A quick fix for every diagnostic that says "did you mean 'X'?": replace the misspelled
    name with X. A diagnostic's range can be a whole item (``'for every Aanvrag': unknown facts
    group`` marks the property), so the fix replaces only the name the message quotes."""
    uri = params.text_document.uri
    document = _document(ls, uri)
    actions = []
    for diagnostic in params.context.diagnostics:
        match = _DID_YOU_MEAN.search(diagnostic.message)
        if match is None:
            continue
        token = _misspelled(document, diagnostic, match.group(1), diagnostic.message[: match.start()])
        if token is None:
            continue
        where = _to_client(ls, uri, _range(token.line, token.start, token.line, token.end))
        edit = lsp.WorkspaceEdit(changes={uri: [lsp.TextEdit(where, match.group(1))]})
        actions.append(lsp.CodeAction(title=f"Replace '{token.name}' with '{match.group(1)}'",
                                      kind=lsp.CodeActionKind.QuickFix, diagnostics=[diagnostic], edit=edit,
                                      is_preferred=True))
    return actions


def _misspelled(document, diagnostic: lsp.Diagnostic, suggestion: str, head: str):
    """The identifier in the diagnostic's range that the message quotes before "did you mean"
    and that is most like the suggestion (None when there is none)."""
    import difflib

    quoted = {name for text in re.findall(r"'([^']*)'", head) for name in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text)}
    codec = document.position_codec
    start = codec.position_from_client_units(document.lines, diagnostic.range.start)
    end = codec.position_from_client_units(document.lines, diagnostic.range.end)
    inside = [
        token for token in tokens(document.source)
        if token.name in quoted and token.name != suggestion
        and (token.line, token.start) >= (start.line, start.character) and (token.line, token.end) <= (end.line, end.character)
    ]
    if not inside:
        return None
    return max(inside, key=lambda token: difflib.SequenceMatcher(None, token.name, suggestion).ratio())


PARSES_REMEMBERED = 32  # files: the open documents and what they import, a statute book's worth


def serve() -> None:
    """Speak the protocol on stdin/stdout until the editor exits. The server re-reads a
    document and its imports after every change, so it keeps the trees of the texts it parsed
    (``api.remember_parses``): an import nobody edits is parsed once."""
    api.remember_parses(PARSES_REMEMBERED)
    server.start_io()


__all__ = ["serve", "server", "analyze", "build_index"]
