"""What the language server knows about the names in a statute: where each is declared, what it
is, and where a name occurs in a text. No editor protocol here (verifier/lsp.py speaks that), so
it can be tested and reused on its own.

The language has one namespace per statute for facts, decisions, parameters, tables and enum
values, and rule names are unique too, so a name is resolved by its spelling: the index maps a
spelling to its declarations in the files loaded with a document (the document and its imports).
Positions are 0-based lines and code-point columns, as in the editor protocol before encoding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lexproof.dsl import ast
from lexproof.dsl.formatter import format_citation, format_expr, format_literal, format_type

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Token:
    """One identifier in a text (not inside a comment or a quoted text)."""

    name: str
    line: int  # 0-based
    start: int  # 0-based column, code points
    end: int


@dataclass
class Symbol:
    """A declaration: its name, what kind of thing it is, where its name is written, and the
    lines a hover shows (declaration, type, citation, dated values)."""

    name: str
    kind: str  # statute amendment enum value facts fact parameter decision rule table example property
    file: str
    line: int  # 0-based, of the name
    start: int
    end: int
    detail: str = ""  # the type (or, for a rule, the decision it sets)
    citation: str = ""
    text: list[str] = field(default_factory=list)  # more lines for the hover
    enum: str | None = None  # the enum of an enum value, or of a fact/decision of enum type
    container: str = ""  # statute, amendment or enum it belongs to


def tokens(text: str) -> list[Token]:
    """Every identifier of ``text`` outside comments (``--`` to the end of the line) and quoted
    texts, which the lexer reads the same way (``\\"`` inside a text does not end it)."""
    found: list[Token] = []
    for number, line in enumerate(text.split("\n")):
        index = 0
        while index < len(line):
            char = line[index]
            if char == '"':
                index += 1
                while index < len(line) and line[index] != '"':
                    index += 2 if line[index] == "\\" else 1
                index += 1
            elif line.startswith("--", index):
                break
            else:
                match = _IDENTIFIER.match(line, index)
                if match and (index == 0 or not (line[index - 1].isalnum() or line[index - 1] == "_")):
                    found.append(Token(match.group(), number, index, match.end()))
                    index = match.end()
                elif match:
                    index = match.end()  # inside a number or amount: 2027, 3.16b, €1_118
                else:
                    index += 1
    return found


def token_at(text: str, line: int, column: int) -> Token | None:
    """The identifier that contains, or ends at, the position."""
    for token in tokens(text):
        if token.line == line and token.start <= column <= token.end:
            return token
    return None


_WORD_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


def whole_word(text: str, name: str, start: int = 0) -> int:
    """Where ``name`` first occurs in ``text`` at or after ``start`` as a whole word (no ASCII
    letter, digit or underscore just before or after it), or -1. What a regular expression with
    look-arounds finds, without compiling one per name: indexing a 10,000-rule statute compiled
    15,000 of them, two thirds of the editor's re-analysis after each change."""
    end = len(name)
    at = text.find(name, min(start, len(text)))  # a start past the end searches from the end, as re does
    while at >= 0:
        if (at == 0 or text[at - 1] not in _WORD_CHARACTERS) and (
                at + end >= len(text) or text[at + end] not in _WORD_CHARACTERS):
            return at
        at = text.find(name, at + 1)
    return -1


class Index:
    """The declarations of some parsed files, by name."""

    def __init__(self) -> None:
        self.symbols: dict[str, list[Symbol]] = {}
        self.files: dict[str, ast.File] = {}
        self.texts: dict[str, str] = {}

    def add_file(self, file: ast.File, text: str) -> None:
        """Index a parsed file; ``text`` is its source (to find where each name is written)."""
        self.files[file.path] = file
        self.texts[file.path] = text
        lines = text.split("\n")
        for section in file.sections:
            if isinstance(section, ast.Statute):
                self._add(lines, file.path, section.span, section.name, "statute", container=section.name,
                          detail=section.title or "")
            else:
                self._add(lines, file.path, section.span, section.name, "amendment", container=section.name,
                          detail=f"amends {section.amends} in force {section.in_force}")
            for item in section.items:
                self._item(lines, file.path, section, item)

    def lookup(self, name: str) -> list[Symbol]:
        return self.symbols.get(name, [])

    def _add(self, lines: list[str], path: str, span, name: str, kind: str, **extra) -> Symbol | None:
        """Record a declaration; its name is the first whole-word occurrence of ``name`` at or
        after the start of its span (past any annotations and keywords)."""
        line, column = span.line - 1, span.column - 1
        if line < 0:
            return None
        for number in range(line, min(len(lines), line + 5)):
            start = whole_word(lines[number], name, column if number == line else 0)
            if start >= 0:
                symbol = Symbol(name, kind, path, number, start, start + len(name), **extra)
                self.symbols.setdefault(name, []).append(symbol)
                return symbol
        return None

    def _item(self, lines: list[str], path: str, section, item: object) -> None:
        container = section.name
        if isinstance(item, (ast.EnumDecl, ast.AddEnumValues)):
            name = item.name if isinstance(item, ast.EnumDecl) else item.enum
            values = ", ".join(v.name for v in item.values)
            if isinstance(item, ast.EnumDecl):
                self._add(lines, path, item.span, name, "enum", container=container, detail=f"{{ {values} }}")
            for value in item.values:
                self._add(lines, path, value.span, value.name, "value", container=container, enum=name,
                          detail=f"a value of enum {name}")
        elif isinstance(item, (ast.FactsDecl, ast.AddFacts)):
            group = item.name if isinstance(item, ast.FactsDecl) else item.group
            if isinstance(item, ast.FactsDecl):
                self._add(lines, path, item.span, group, "facts", container=container,
                          detail=f"{len(item.fields)} facts")
            for fact in item.fields:
                more = []
                if fact.default is not None:
                    more.append(f"default: {_typical(fact.default)}")
                if fact.typical is not None:
                    more.append(f"typical: {_typical(fact.typical)}")
                self._add(lines, path, fact.span, fact.name, "fact", container=container,
                          detail=format_type(fact.type), enum=fact.type.enum, text=[f"facts {group}", *more])
        elif isinstance(item, ast.ParameterDecl):
            values = [_dated(value.value, value.start) for value in item.values]
            self._add(lines, path, item.span, item.name, "parameter", container=container,
                      detail=format_type(item.type), citation=_cite(item.citation), text=values)
        elif isinstance(item, (ast.SetParameter, ast.EndParameter)):
            value = "no value" if isinstance(item, ast.EndParameter) else format_expr(item.value)
            for symbol in self.lookup(item.name):  # amendments set values of a parameter declared earlier
                if symbol.kind == "parameter":
                    symbol.text.append(f"= {value}" + (f" from {item.start}" if item.start else "")
                                       + f" (amendment {container})")
        elif isinstance(item, (ast.DecisionDecl, ast.AddDecision)):
            decl = item if isinstance(item, ast.DecisionDecl) else item.decision
            more = [f"otherwise {format_expr(decl.default)}"] if decl.default is not None else []
            self._add(lines, path, decl.span, decl.name, "decision", container=container,
                      detail=format_type(decl.type), citation=_cite(decl.citation), enum=decl.type.enum, text=more)
        elif isinstance(item, (ast.RuleDecl, ast.ReplaceRule, ast.InsertRule)):
            rule = item if isinstance(item, ast.RuleDecl) else item.rule
            more = [f"except {', '.join(rule.exceptions)}"] if rule.exceptions else []
            if not isinstance(item, ast.RuleDecl):
                more.append(f"{'replaced' if isinstance(item, ast.ReplaceRule) else 'inserted'} by amendment {container}")
            self._add(lines, path, rule.span, rule.name, "rule", container=container,
                      detail=f"sets {rule.decision}", citation=_cite(rule.citation), text=more)
        elif isinstance(item, (ast.TableDecl, ast.AddTable)):
            table = item if isinstance(item, ast.TableDecl) else item.table
            self._add(lines, path, table.span, table.name, "table", container=container,
                      detail=f"{format_type(table.input)} -> {format_type(table.output)}",
                      citation=_cite(table.citation), text=[f"{len(table.rows)} rows"])
        elif isinstance(item, ast.Property):
            self._add(lines, path, item.span, item.name, "property", container=container,
                      detail=f"for every {item.facts}" + (f", expect {item.expect}" if item.expect != "proved" else ""))


def _cite(citation: ast.Citation | None) -> str:
    return format_citation(citation) if citation is not None else ""


def _typical(value: ast.Literal | ast.Name) -> str:
    return value.name if isinstance(value, ast.Name) else format_literal(value)


def _dated(value: ast.Expr, start) -> str:
    return f"= {format_expr(value)}" + (f" from {start}" if start is not None else "")


def hover_markdown(symbol: Symbol) -> str:
    """What a hover shows: the declaration in a code block, then its type, citation and
    further lines (a parameter's dated values, a fact's group, a rule's exceptions)."""
    head = {
        "fact": f"{symbol.name}: {symbol.detail}",
        "decision": f"decision {symbol.name}: {symbol.detail}",
        "parameter": f"parameter {symbol.name}: {symbol.detail}",
        "rule": f"rule {symbol.name} {symbol.citation}".rstrip(),
        "table": f"table {symbol.name}: {symbol.detail}",
        "value": f"{symbol.name}",
        "enum": f"enum {symbol.name} {symbol.detail}",
    }.get(symbol.kind, f"{symbol.kind} {symbol.name}")
    parts = [f"```law\n{head}\n```", f"*{symbol.kind}* in {symbol.container}"]
    if symbol.kind in ("value", "rule", "facts", "statute", "amendment", "property") and symbol.detail:
        parts.append(symbol.detail)
    if symbol.citation and symbol.kind != "rule":
        parts.append(f"citation: {symbol.citation}")
    if symbol.kind == "parameter" and symbol.text:
        parts.append("values:\n\n" + "\n".join(f"- `{line}`" for line in symbol.text))
    elif symbol.text:
        parts.append("\n\n".join(symbol.text))
    return "\n\n".join(parts)
