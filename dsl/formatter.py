"""The canonical layout of a ``.law`` file, with its comments kept.

``format_file`` prints an AST so that parsing the output gives an equal AST (spans aside) and
formatting is idempotent; ``tests/test_formatter.py`` checks both on random trees. Choices:

The layout is the one the bundled statutes were written in by hand (issue 17: the project
passes its own ``fmt --check``):

* two-space indentation per level; a statute's items at the top level (the statute line is a
  heading), an amendment's items indented once; each item preceded by a blank line, except
  within a run of ``repeal`` lines;
* lines past ``WIDTH`` are broken where that is simple: a statute header gets one source per
  line; the values of a long enum and the facts of an example are packed into lines (``a = 1,
  b = 2,``), expected values continue under the first one; a top-level ``and``/``or``/
  ``implies`` chain (rule value and condition, premise, claim) gets one operand per line with
  the operator under the start of the expression, a parenthesised operand that is still too
  long is broken the same way inside its parentheses, and an ``if``-``else if`` chain gets one
  branch per line with ``else`` under ``if``;
* trailing comments on consecutive lines of a block line up in one column;
* parentheses where the grammar's precedence needs them (loosest first: ``if``-``then``-
  ``else``, ``implies`` (right-assoc), ``or``, ``and``, ``not``, comparison/``in`` (non-assoc),
  ``+ -``, ``* /``, unary ``-``, atoms), and also where two different logical operators meet
  (``a or (b and c)``), which a reader should not have to resolve by precedence;
* money as ``€1_118.50`` (thousands grouped, cents only when non-zero), rates always as a
  percentage (``36.5%``), numbers with a decimal point (``2.0``), dates ISO, ``art.`` with its
  dot (also for ``artikel``), ``[from before A to after A]`` as ``[amendment A]``, ``expect
  proved`` left out;
* parameter values (``= VALUE``, ``set parameter``) are arithmetic in the grammar, so anything
  looser is parenthesised there.

Some trees have no text at all, and formatting them raises ``ValueError`` rather than print
something that means a different tree: money not in whole cents, rates and numbers that are not
finite decimals (``1/3``: the language has no fraction literal, and ``1 / 3`` would be a
division), and texts containing a newline.

Comments are not in the grammar's tree: :func:`collect_comments` finds them in the text and
:func:`format_text` re-emits every one of them, anchored to the item they precede or trail.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from bisect import bisect_right
from fractions import Fraction

from lexproof.dsl import ast
from lexproof.dsl.parser import GRAMMAR_FILE, parse_text
from lexproof.dsl.source import SOURCES, Span

INDENT = "  "
WIDTH = 100  # longer enums, statute headers and and/or chains are broken over lines

_SOURCES = ("bwb", "celex", "url", "cite")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Words of the grammar ("rule", "lid", ...): the lexer never reads them as names.
_KEYWORDS = frozenset(re.findall(r'"([A-Za-z_]+)"', GRAMMAR_FILE.read_text(encoding="utf-8")))

# --- expressions ---------------------------------------------------------------------------------

# Binding strength: a child printed where the grammar wants at least level L gets parentheses when
# its own level is lower. Atoms (literals, names, calls, parentheses) are the tightest.
_IF, _IMPLIES, _OR, _AND, _NOT, _COMPARE, _SUM, _PRODUCT, _NEGATE, _ATOM = range(10)
_COMPARISONS = frozenset({"=", "!=", "<", "<=", ">", ">="})
# op -> (own level, level required of the left operand, of the right operand)
_BINARY = {
    "implies": (_IMPLIES, _OR, _IMPLIES),
    "or": (_OR, _OR, _AND),
    "and": (_AND, _AND, _NOT),
    **{op: (_COMPARE, _SUM, _SUM) for op in _COMPARISONS},
    "+": (_SUM, _SUM, _PRODUCT),
    "-": (_SUM, _SUM, _PRODUCT),
    "*": (_PRODUCT, _PRODUCT, _NEGATE),
    "/": (_PRODUCT, _PRODUCT, _NEGATE),
}


def _level(expr: ast.Expr) -> int:
    if isinstance(expr, ast.IfThenElse):
        return _IF
    if isinstance(expr, ast.Binary):
        return _BINARY[expr.op][0]
    if isinstance(expr, ast.InSet):
        return _COMPARE
    if isinstance(expr, ast.Unary):
        return _NOT if expr.op == "not" else _NEGATE
    if isinstance(expr, ast.Duration):
        return _NEGATE  # 'atom unit', at the level of unary minus
    if isinstance(expr, ast.Literal) and _is_negative(expr):
        return _NEGATE  # prints with a leading '-'
    return _ATOM


_LOGICAL = frozenset({"and", "or", "implies"})


def _needs_parentheses(expr: ast.Expr, required: int, parent_op: str | None = None) -> bool:
    """Parentheses where the grammar needs them, and also where two different logical operators
    meet (``a or (b and c)``, ``a implies (b or c)``): a reader of a statute should not have to
    know that ``and`` binds tighter than ``or``. The tree is the same either way."""
    if _level(expr) < required:
        return True
    return (parent_op in _LOGICAL and isinstance(expr, ast.Binary) and expr.op in _LOGICAL
            and expr.op != parent_op)


def format_expr(expr: ast.Expr, required: int = _IF, parent_op: str | None = None) -> str:
    """Print an expression, parenthesised if it binds looser than ``required`` (or is a
    different logical operator than its parent ``parent_op``)."""
    text = _expr(expr)
    return f"({text})" if _needs_parentheses(expr, required, parent_op) else text


def _expr(expr: ast.Expr) -> str:
    if isinstance(expr, ast.Literal):
        return format_literal(expr)
    if isinstance(expr, ast.Name):
        return expr.name
    if isinstance(expr, ast.Qualified):
        return f"{expr.qualifier}.{expr.name}"
    if isinstance(expr, ast.Call):
        return f"{expr.function}({', '.join(format_expr(a) for a in expr.args)})"
    if isinstance(expr, ast.IfThenElse):
        return f"if {format_expr(expr.condition)} then {format_expr(expr.then)} else {format_expr(expr.otherwise)}"
    if isinstance(expr, ast.InSet):
        op = "not in" if expr.negated else "in"
        items = ", ".join(format_expr(item) for item in expr.items)
        return f"{format_expr(expr.operand, _SUM)} {op} {{{items}}}"
    if isinstance(expr, ast.Unary):
        if expr.op == "not":
            return f"not {format_expr(expr.operand, _NOT)}"
        operand = format_expr(expr.operand, _NEGATE)
        # "--" would start a comment: "- -x" keeps two minus signs.
        return f"- {operand}" if operand.startswith("-") else f"-{operand}"
    if isinstance(expr, ast.Binary):
        _, left, right = _BINARY[expr.op]
        return f"{format_expr(expr.left, left, expr.op)} {expr.op} {format_expr(expr.right, right, expr.op)}"
    if isinstance(expr, ast.Duration):  # the amount is an atom: '18 years', '(n + 1) months'
        return f"{format_expr(expr.amount, _ATOM)} {expr.unit}"
    if isinstance(expr, ast.Aggregate):
        where = f" where {format_expr(expr.where)}" if expr.where is not None else ""
        if expr.body is None:
            return f"{expr.function}({expr.kind}{where})"
        return f"{expr.function}({expr.kind}: {format_expr(expr.body)}{where})"
    if isinstance(expr, ast.Rank):
        return f"rank({expr.kind} by {format_expr(expr.key)})"
    if isinstance(expr, ast.ItemList):
        return "[" + ", ".join("{ " + _assignments(item.facts) + " }" if item.facts else "{}" for item in expr.items) + "]"
    raise TypeError(f"not an expression: {expr!r}")


def _operands(expr: ast.Binary) -> tuple[list[ast.Expr], int]:
    """The operands of a top-level chain of one logical operator, in order, and the binding
    level each needs: ``and``/``or`` are left-associative (the chain is on the left),
    ``implies`` right-associative (the chain is on the right)."""
    op, operands = expr.op, []
    node: ast.Expr = expr
    if op == "implies":
        while isinstance(node, ast.Binary) and node.op == op:
            operands.append(node.left)
            node = node.right
        return operands + [node], _OR
    while isinstance(node, ast.Binary) and node.op == op:
        operands.append(node.right)
        node = node.left
    return [node] + list(reversed(operands)), _BINARY[op][2]


def _chain(expr: ast.Expr, prefix: str, indent: int) -> list[str]:
    """``prefix + expr`` as lines: one line if it fits in WIDTH; else a top-level ``and``/``or``/
    ``implies`` chain gets one operand per line, the operator under the start of the
    expression (a parenthesised operand that is still too long is broken the same way inside
    its parentheses), and an ``if``-``then``-``else if`` chain one branch per line."""
    text = prefix + format_expr(expr)
    if indent + len(text) <= WIDTH:
        return [text]
    if isinstance(expr, ast.IfThenElse):
        return _if_chain(expr, prefix)
    if not (isinstance(expr, ast.Binary) and expr.op in _LOGICAL):
        return [text]
    op = expr.op
    operands, required = _operands(expr)
    pad = " " * len(prefix)
    lines: list[str] = []
    for index, operand in enumerate(operands):
        lead = prefix if index == 0 else f"{pad}{op} "
        need = _BINARY[op][1] if index == 0 and op != "implies" else required
        if _needs_parentheses(operand, need, op) and isinstance(operand, ast.Binary) and operand.op in _LOGICAL:
            inner = _chain(operand, lead + "(", indent)
            inner[-1] += ")"
            lines.extend(inner)
        else:
            lines.append(lead + format_expr(operand, need, op))
    return lines


def _if_chain(expr: ast.IfThenElse, prefix: str) -> list[str]:
    """``if c then a else if d then b else e`` as one branch per line, ``else`` under ``if``."""
    pad = " " * len(prefix)
    lines = [f"{prefix}if {format_expr(expr.condition)} then {format_expr(expr.then)}"]
    node: ast.Expr = expr.otherwise
    while isinstance(node, ast.IfThenElse):
        lines.append(f"{pad}else if {format_expr(node.condition)} then {format_expr(node.then)}")
        node = node.otherwise
    lines.append(f"{pad}else {format_expr(node)}")
    return lines


def _fill(texts: list[str], indent: int, width: int = WIDTH) -> list[list[int]]:
    """Which of ``texts`` go on which line when they are packed, separated by ``, ``, into
    lines of at most ``width`` characters after ``indent`` (a text longer than that gets a
    line of its own): how drafters write the facts of an example or the values of an enum."""
    groups: list[list[int]] = []
    length = 0
    for index, text in enumerate(texts):
        if groups and indent + length + 2 + len(text) + 1 <= width:  # ", " before, "," after
            groups[-1].append(index)
            length += 2 + len(text)
        else:
            groups.append([index])
            length = len(text)
    return groups


# --- literals and small pieces -----------------------------------------------------------------


def _is_negative(literal: ast.Literal) -> bool:
    return literal.kind in ("int", "number", "money", "rate") and literal.value < 0


def _decimal(value: Fraction) -> str | None:
    """The exact decimal text of a non-negative fraction, or None if it does not terminate."""
    digits = 0
    while value.denominator != 1:
        value *= 10
        digits += 1
        if digits > 60:  # 2**a * 5**b denominators terminate well before this
            return None
    text = str(value.numerator).rjust(digits + 1, "0")
    return f"{text[:-digits]}.{text[-digits:]}" if digits else text


def format_literal(literal: ast.Literal) -> str:
    """A literal in its canonical spelling; negative numbers (type ranges) get a leading '-'."""
    kind, value = literal.kind, literal.value
    if kind == "bool":
        return "true" if value else "false"
    if kind == "date":
        assert isinstance(value, dt.date)
        return value.isoformat()
    if _is_negative(literal):
        return "-" + format_literal(dataclasses.replace(literal, value=-value))
    if kind == "int":
        return str(value)
    if kind == "money":
        cents = Fraction(value) * 100
        if cents.denominator != 1:
            raise ValueError(f"money amount {value} is not a whole number of cents")
        euros, rest = divmod(cents.numerator, 100)
        return f"€{euros:_}" + (f".{rest:02d}" if rest else "")
    if kind == "rate":
        percent = _decimal(Fraction(value) * 100)
        if percent is None:
            raise ValueError(f"rate {value} is not a finite decimal and has no literal")
        return percent + "%"
    if kind == "number":
        number = _decimal(Fraction(value))
        if number is None:
            raise ValueError(f"number {value} is not a finite decimal and has no literal")
        return number if "." in number else number + ".0"  # "2" would read as an int
    raise ValueError(f"unknown literal kind {kind!r}")


def format_string(text: str) -> str:
    if "\n" in text:
        raise ValueError("a quoted text cannot contain a newline")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _source_value(text: str) -> str:
    """``bwb BWBR0011453`` stays bare; anything that is not a plain name is quoted."""
    return text if _NAME.fullmatch(text) and text not in _KEYWORDS else format_string(text)


def format_type(type_ref: ast.TypeRef) -> str:
    if type_ref.kind == "enum":
        return f"{type_ref.statute}.{type_ref.enum}" if type_ref.statute else str(type_ref.enum)
    if (type_ref.low is None) != (type_ref.high is None):
        raise ValueError("a type range needs both bounds")
    if type_ref.low is None or type_ref.high is None:
        return type_ref.kind
    return f"{type_ref.kind} {format_literal(type_ref.low)}..{format_literal(type_ref.high)}"


def format_citation(citation: ast.Citation) -> str:
    """``[art. 3.16b lid 2 sub c]``; a free-form source keeps its quotes: ``["Kamerstuk 36 799"]``."""
    if citation.kind == "source":
        return f"[{format_string(citation.article)}]"
    if citation.statute is None:
        return f"[{citation}]"
    # The act bare when it is a name (AVG), quoted otherwise ("Kamerstuk 36 799"), where it was.
    text = str(dataclasses.replace(citation, statute=None))
    act = _source_value(citation.statute)
    return f"[{text} {act}]" if citation.statute_after else f"[{act} {text}]"


def _citation(citation: ast.Citation | None) -> str:
    return f" {format_citation(citation)}" if citation is not None else ""


def _typical(value: ast.Literal | ast.Name) -> str:
    return value.name if isinstance(value, ast.Name) else format_literal(value)


def _annotations(node: ast.RuleDecl | ast.DecisionDecl) -> list[str]:
    pairs = (("allow", node.allow), ("expect", node.expect))
    return [f"@{kind}({', '.join(names)})" for kind, names in pairs if names]


def _versions(versions: tuple[ast.VersionSpec, ...], compare: tuple | None = None) -> str:
    if compare is not None:
        before, after = compare
        if (before.kind, after.kind) == ("before", "after") and before.amendment == after.amendment:
            return f" [amendment {before.amendment}]"  # the shorthand: the same tree
        return f" [from {before} to {after}]"
    return f" [{', '.join(str(v) for v in versions)}]" if versions else ""


def _assignments(assignments: tuple[ast.Assignment, ...]) -> str:
    return ", ".join(f"{a.name} = {format_expr(a.value)}" for a in assignments)


def _expected(assignments: tuple[ast.Assignment, ...]) -> str:
    """Expected values, each with its tolerance, written ``±`` (``+-`` reads the same)."""
    return ", ".join(
        f"{a.name} = {format_expr(a.value)}" + (f" ± {format_expr(a.tolerance)}" if a.tolerance is not None else "")
        for a in assignments
    )


def _row_keyword(row: ast.TableRow) -> str:
    return "below" if row.exclusive else "up to"


# --- declarations --------------------------------------------------------------------------------


_REPEALS = (ast.RepealRule, ast.RepealCitation)
_GROWTH = (ast.AddFacts, ast.AddDecision, ast.AddEnumValues, ast.AddTable, ast.AddRows)


class _Printer:
    """Collects output lines and, for comment placement, which node starts on which line.

    An *anchor* is a node a comment can be attached to; several anchors may share a line
    (the values of a one-line enum).
    """

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.anchors: list[tuple[object, int]] = []

    def line(self, depth: int, text: str, *anchors: object) -> None:
        for node in anchors:
            self.anchors.append((node, len(self.lines)))
        self.lines.append(INDENT * depth + text)

    def expr_lines(self, depth: int, prefix: str, expr: ast.Expr) -> None:
        """An expression after ``prefix``, anchored at its first line; long chains break."""
        first, *rest = _chain(expr, prefix, len(INDENT * depth))
        self.line(depth, first, expr)
        for text in rest:
            self.line(depth, text)

    def blank(self) -> None:
        if self.lines and self.lines[-1]:
            self.lines.append("")

    def file(self, file: ast.File) -> None:
        for imported in file.imports:
            self.line(0, f"import {format_string(imported.path)}", imported)
        for section in file.sections:
            self.blank()
            if isinstance(section, ast.Statute):
                self.statute(section)
            else:
                self.amendment(section)

    def statute(self, statute: ast.Statute) -> None:
        words = [f"statute {statute.name}"]
        if statute.title is not None:
            words.append(format_string(statute.title))
        values = (statute.bwb, statute.celex, statute.url, statute.cite_as)
        sources_text = [f"{k} {_source_value(v)}" for k, v in zip(_SOURCES, values) if v is not None]
        if len(" ".join(words + sources_text)) <= WIDTH:
            self.line(0, " ".join(words + sources_text), statute)
        else:
            self.line(0, " ".join(words), statute)
            for source in sources_text:
                self.line(1, source)
        previous = None
        for item in statute.items:  # a statute's items at the top level, as drafters write them
            if not (isinstance(item, ast.SameFact) and isinstance(previous, ast.SameFact)):
                self.blank()  # a run of fact mappings reads as one list
            self.item(item, 0)
            previous = item

    def amendment(self, amendment: ast.Amendment) -> None:
        title = f" {format_string(amendment.title)}" if amendment.title is not None else ""
        proposal = " proposal" if amendment.proposal else ""
        head = f"amendment {amendment.name}{title}"
        tail = f"amends {amendment.amends} in force {amendment.in_force}{proposal}"
        if len(f"{head} {tail}") <= WIDTH:
            self.line(0, f"{head} {tail}", amendment)
        else:  # a long title: the legal effect goes on its own line, as drafters write it
            self.line(0, head, amendment)
            self.line(1, tail)
        previous = None
        for item in amendment.items:
            if not (isinstance(item, _REPEALS) and isinstance(previous, _REPEALS)):
                self.blank()  # a run of repeals reads as one list
            self.item(item, 1)
            previous = item

    def item(self, item: object, depth: int) -> None:
        if isinstance(item, ast.EnumDecl):
            one_line = f"enum {item.name} {{ {', '.join(v.name for v in item.values)} }}"
            if len(INDENT * depth + one_line) <= WIDTH:
                self.line(depth, one_line, item, *item.values)
                return
            self.line(depth, f"enum {item.name} {{", item)
            self.packed(depth + 1, [v.name for v in item.values], list(item.values))
            self.line(depth, "}")
        elif isinstance(item, ast.FactsDecl):
            self.facts(item, depth)
        elif isinstance(item, ast.ParameterDecl):
            self.parameter(item, depth)
        elif isinstance(item, ast.ItemsDecl):
            per = f" per {item.parent}" if item.parent else ""
            mark = len(self.lines)
            self.facts(ast.FactsDecl(item.name, item.fields, span=item.span), depth)
            self.lines[mark] = self.lines[mark].replace(f"facts {item.name} ", f"items {item.name} up to {item.maximum}{per} ", 1)
            self.anchors.append((item, mark))
        elif isinstance(item, ast.DecisionDecl):
            default = f" otherwise {format_expr(item.default)}" if item.default is not None else ""
            per = f" per {item.per}" if item.per is not None else ""
            text = f"decision {item.name}: {format_type(item.type)}{per}{_citation(item.citation)}{default}"
            anchors = [item]
            for annotation in _annotations(item):
                self.line(depth, annotation, *anchors)
                anchors = []
            self.line(depth, text, *anchors)
        elif isinstance(item, ast.RuleDecl):
            self.rule(item, depth, "", item)
        elif isinstance(item, (ast.ReplaceRule, ast.InsertRule)):
            self.rule(item.rule, depth, "replace " if isinstance(item, ast.ReplaceRule) else "insert ", item)
        elif isinstance(item, ast.TableDecl):
            self.table(item, depth)
        elif isinstance(item, ast.Example):
            self.example(item, depth)
        elif isinstance(item, ast.Property):
            self.property(item, depth)
        elif isinstance(item, ast.RepealRule):
            self.line(depth, f"repeal rule {item.name}", item)
        elif isinstance(item, ast.RepealCitation):
            self.line(depth, f"repeal {format_citation(item.citation)}", item)
        elif isinstance(item, ast.SetParameter):
            start = f" from {item.start}" if item.start is not None else ""
            self.line(depth, f"set parameter {item.name} = {format_expr(item.value, _SUM)}{start}", item)
        elif isinstance(item, ast.EndParameter):
            start = f" from {item.start}" if item.start is not None else ""
            self.line(depth, f"set parameter {item.name} = no value{start}", item)
        elif isinstance(item, _GROWTH):
            self.growth(item, depth)
        elif isinstance(item, (ast.UsesDecl, ast.SameQuestion, ast.SameFact)):
            self.line(depth, format_cross_statute(item), item)
        else:
            raise TypeError(f"not a statute or amendment item: {item!r}")

    def growth(self, item: object, depth: int) -> None:
        """``add ...`` items of an amendment: the declaration printed as in a statute, after
        ``add`` (annotations of an added decision follow ``add``, on its line)."""
        mark = len(self.lines)
        if isinstance(item, ast.AddFacts):
            self.facts(ast.FactsDecl(item.group, item.fields, span=item.span), depth)
            self.lines[mark] = self.lines[mark].replace("facts ", "add facts ", 1)
            self.anchors.append((item, mark))
        elif isinstance(item, ast.AddEnumValues):
            self.item(ast.EnumDecl(item.enum, item.values, span=item.span), depth)
            self.lines[mark] = self.lines[mark].replace("enum ", "add enum ", 1)
            self.anchors.append((item, mark))
        elif isinstance(item, ast.AddTable):
            self.table(item.table, depth)
            self.lines[mark] = self.lines[mark].replace("table ", "add table ", 1)
            self.anchors.append((item, mark))
        elif isinstance(item, ast.AddRows):
            self.line(depth, f"add rows to table {item.table} {{", item)
            for row in item.rows:
                bound = "above" if row.bound is None else f"{_row_keyword(row)} {format_expr(row.bound)}"
                self.line(depth + 1, f"{bound}: {format_expr(row.value)}", row)
            self.line(depth, "}")
        elif isinstance(item, ast.AddDecision):
            decl = item.decision
            default = f" otherwise {format_expr(decl.default)}" if decl.default is not None else ""
            annotations = "".join(f"{a} " for a in _annotations(decl))
            text = f"add {annotations}decision {decl.name}: {format_type(decl.type)}{_citation(decl.citation)}{default}"
            self.line(depth, text, item, decl)

    def facts(self, facts: ast.FactsDecl, depth: int) -> None:
        if not facts.fields:
            self.line(depth, f"facts {facts.name} {{}}", facts)
            return
        self.line(depth, f"facts {facts.name} {{", facts)
        for fact in facts.fields:
            typical = f" typical {_typical(fact.typical)}" if fact.typical is not None else ""
            default = f" = {_typical(fact.default)}" if fact.default is not None else ""
            self.line(depth + 1, f"{fact.name}: {format_type(fact.type)}{default}{typical}", fact)
        self.line(depth, "}")

    def parameter(self, parameter: ast.ParameterDecl, depth: int) -> None:
        header = f"parameter {parameter.name}: {format_type(parameter.type)}{_citation(parameter.citation)}"
        texts = [
            f"= {format_expr(v.value, _SUM)}" + (f" from {v.start}" if v.start is not None else "")
            for v in parameter.values
        ]
        if len(texts) == 1:
            self.line(depth, f"{header} {texts[0]}", parameter, parameter.values[0])
            return
        self.line(depth, header, parameter)
        for value, text in zip(parameter.values, texts):
            self.line(depth + 1, text, value)

    def rule(self, rule: ast.RuleDecl, depth: int, keyword: str, anchor: object) -> None:
        """``rule`` lines; ``keyword`` is ``replace ``/``insert `` inside an amendment, where the
        annotations must follow the keyword and so share its line."""
        annotations = _annotations(rule)
        prefix = keyword
        if keyword:
            prefix += "".join(f"{a} " for a in annotations)
        else:
            for annotation in annotations:
                self.line(depth, annotation, *([anchor] if anchor is not None else []))
                anchor = None
        exceptions = f" except {', '.join(rule.exceptions)}" if rule.exceptions else ""
        header = f"{prefix}rule {rule.name} {format_citation(rule.citation)}{exceptions}:"
        # The citation anchors the header line itself, below any annotation lines.
        self.line(depth, header, *([anchor] if anchor is not None else []), rule.citation)
        self.expr_lines(depth + 1, f"{rule.decision} = ", rule.value)
        if rule.condition is not None:
            self.expr_lines(depth + 1, "if ", rule.condition)

    def table(self, table: ast.TableDecl, depth: int) -> None:
        marginal = " marginal" if table.marginal else " cumulative" if table.cumulative else ""
        types = f"{format_type(table.input)} -> {format_type(table.output)}"
        self.line(depth, f"table {table.name}{_citation(table.citation)}: {types}{marginal} {{", table)
        for row in table.rows:
            bound = "above" if row.bound is None else f"{_row_keyword(row)} {format_expr(row.bound)}"
            self.line(depth + 1, f"{bound}: {format_expr(row.value)}", row)
        self.line(depth, "}")

    def packed(self, depth: int, texts: list[str], nodes: list[object]) -> None:
        """``texts`` packed into lines (see :func:`_fill`), a comma after every line but the last."""
        groups = _fill(texts, len(INDENT * depth))
        for number, group in enumerate(groups):
            comma = "," if number < len(groups) - 1 else ""
            self.line(depth, ", ".join(texts[i] for i in group) + comma, *(nodes[i] for i in group))

    def example(self, example: ast.Example, depth: int) -> None:
        header = f"example {format_string(example.name)}{_versions(example.versions)} {{"
        if not example.facts:
            self.expected(depth, f"{header}}} expect", example.expected, example)
            return
        self.line(depth, header, example)
        if any(isinstance(fact.value, ast.ItemList) for fact in example.facts):
            for fact in example.facts:  # items: a long list gets one item per line
                self.assignment(fact, depth + 1)
        else:
            self.packed(depth + 1, [_assignments((fact,)) for fact in example.facts], list(example.facts))
        self.expected(depth, "} expect", example.expected)

    def expected(self, depth: int, head: str, values: tuple[ast.Assignment, ...], *anchors: object) -> None:
        """``} expect a = 1, b = 2``; a long list continues on lines under the first value."""
        texts = [_expected((value,)) for value in values]
        if not texts:
            self.line(depth, head, *anchors)
            return
        pad = len(INDENT * depth) + len(head) + 1
        groups = _fill(texts, pad)
        for number, group in enumerate(groups):
            comma = "," if number < len(groups) - 1 else ""
            text = ", ".join(texts[i] for i in group) + comma
            nodes = [*anchors, *(values[i] for i in group)] if number == 0 else [values[i] for i in group]
            self.line(depth, f"{head} {text}" if number == 0 else " " * (len(head) + 1) + text, *nodes)

    def assignment(self, fact: ast.Assignment, depth: int) -> None:
        """``name = value``; a list of items too long for one line gets one item per line."""
        text = _assignments((fact,))
        if not isinstance(fact.value, ast.ItemList) or len(INDENT * depth + text) <= WIDTH:
            self.line(depth, text, fact)
            return
        self.line(depth, f"{fact.name} = [", fact)
        for item in fact.value.items:
            self.line(depth + 1, format_expr(ast.ItemList((item,)))[1:-1] + ",", item)
        self.line(depth, "]")

    def property(self, prop: ast.Property, depth: int) -> None:
        expect = f" expect {prop.expect}" if prop.expect != "proved" else ""
        self.line(depth, f"property {prop.name}{_versions(prop.versions, prop.compare)}{expect}:", prop)
        quantifier = f"for every {prop.facts}"
        if prop.cases:
            quantifier += " " + ", ".join(prop.cases)
        if prop.differing_only_in is not None:
            quantifier += " differing only in " + ", ".join(prop.differing_only_in)
        if prop.adding is not None:
            quantifier += f" adding one {prop.adding}"
        self.line(depth + 1, quantifier)
        for premise in prop.assumptions:
            self.expr_lines(depth + 1, "assume ", premise)
        self.expr_lines(depth + 1, "claim ", prop.claim)


# --- comments ----------------------------------------------------------------------------------


def collect_comments(text: str, path: str = "<input>") -> tuple[ast.Comment, ...]:
    """Every ``--`` comment in ``text``, in order, with its span.

    Scans as the lexer does: ``--`` inside a quoted text (which may contain ``\\"``) is not a
    comment, and a ``"`` inside a comment does not open a text. ``Comment.text`` is what follows
    the ``--`` with trailing whitespace removed (the formatter never prints trailing blanks).
    """
    comments: list[ast.Comment] = []
    index, line, column = 0, 1, 1
    in_string = False
    while index < len(text):
        char = text[index]
        if char == "\n":
            index, line, column, in_string = index + 1, line + 1, 1, False
            continue
        if in_string:
            step = 2 if char == "\\" and text[index + 1 : index + 2] not in ("", "\n") else 1
            in_string = char != '"'
            index, column = index + step, column + step
            continue
        if char == '"':
            in_string = True
        elif text.startswith("--", index):
            end = text.find("\n", index)
            end = len(text) if end < 0 else end
            width = end - index
            span = Span(path, line, column, line, column + width)
            comments.append(ast.Comment(text[index + 2 : end].rstrip(), span))
            index, column = end, column + width
            continue
        index, column = index + 1, column + 1
    return tuple(comments)


def format_text(text: str, path: str = "<input>") -> str:
    """Parse ``text`` and print it in canonical layout, keeping every comment."""
    file = parse_text(text, path)
    file = dataclasses.replace(file, comments=collect_comments(text, path))
    return format_file(file, source=text)


def format_file(file: ast.File, source: str | None = None) -> str:
    """Print ``file`` in canonical layout, with ``file.comments`` placed near their items.

    A comment on its own line goes just before the first item (top-level item, field, enum
    value, parameter value, table row, rule line, premise, claim...) that starts after it, at that
    item's indentation, or at the end if nothing follows. A comment after code on the same line
    goes at the end of the printed line of the latest-starting item covering that line; a second
    one for the same printed line goes on its own line before it, so none is ever lost. Whether
    code precedes a comment is read from ``source`` (default: the text the parser registered).
    """
    printer = _Printer()
    printer.file(file)
    if not file.comments:
        return "\n".join(printer.lines) + "\n" if printer.lines else ""
    return _render(printer, _place(file.comments, printer.anchors, source))


class _Placement:
    """Where each comment goes: own lines before output line N, the end of line N, or the end.
    An own-line comment carries whether a blank line followed it in the source (kept, so that a
    section heading stays apart from the item below it)."""

    def __init__(self) -> None:
        self.before: dict[int, list[tuple[str, bool]]] = {}
        self.trailing: dict[int, str] = {}
        self.end: list[tuple[str, bool]] = []


def _source_line(span: Span, offset: int, source_lines: list[str] | None) -> str | None:
    number = span.line + offset
    if source_lines is None:
        return SOURCES.line(span.file, number)
    return source_lines[number - 1] if 0 < number <= len(source_lines) else None


def _own_line(comment: ast.Comment, source_lines: list[str] | None) -> bool:
    text = _source_line(comment.span, 0, source_lines)
    return text is None or not text[: comment.span.column - 1].strip()


def _blank_after(comment: ast.Comment, source_lines: list[str] | None) -> bool:
    text = _source_line(comment.span, 1, source_lines)
    return text is not None and not text.strip()


def _place(
    comments: tuple[ast.Comment, ...], anchors: list[tuple[object, int]], source: str | None
) -> _Placement:
    placed = _Placement()
    source_lines = source.split("\n") if source is not None else None
    # Anchors in order of where they start in the source; children start after their parents.
    spans = sorted(
        ((node.span, order, out_line) for order, (node, out_line) in enumerate(anchors)),
        key=lambda item: (item[0].line, item[0].column, item[1]),
    )
    starts = [(span.line, span.column) for span, _, _ in spans]
    for comment in sorted(comments, key=lambda c: (c.span.line, c.span.column)):
        position = (comment.span.line, comment.span.column)
        after = bisect_right(starts, position)
        if not _own_line(comment, source_lines):
            # The latest-starting anchor that begins before the comment and reaches its line.
            covering = next(
                (spans[i][2] for i in range(after - 1, -1, -1) if spans[i][0].end_line >= comment.span.line),
                None,
            )
            if covering is not None and covering not in placed.trailing:
                placed.trailing[covering] = comment.text
                continue
            if covering is not None:
                placed.before.setdefault(covering, []).append((comment.text, False))
                continue
        entry = (comment.text, _blank_after(comment, source_lines))
        if after < len(spans):
            placed.before.setdefault(spans[after][2], []).append(entry)
        else:
            placed.end.append(entry)
    return placed


def _comment_columns(lines: list[str], trailing: dict[int, str]) -> dict[int, int]:
    """The column of each trailing comment: within a run of consecutive lines at the same
    indentation (the fields of a facts block, the values of a parameter), the comments line up
    two spaces after the longest commented line, as drafters align them by hand."""
    columns: dict[int, int] = {}
    run: list[int] = []

    def close() -> None:
        commented = [i for i in run if i in trailing]
        if len(commented) > 1:
            column = max(len(lines[i]) for i in commented) + 2
            columns.update((i, column) for i in commented)
        run.clear()

    for index, line in enumerate(lines):
        indent = len(line) - len(line.lstrip(" "))
        if run and (not line.strip() or indent != len(lines[run[0]]) - len(lines[run[0]].lstrip(" "))):
            close()
        if line.strip():
            run.append(index)
    close()
    return columns


def _render(printer: _Printer, placed: _Placement) -> str:
    out: list[str] = []
    columns = _comment_columns(printer.lines, placed.trailing)
    for index, line in enumerate(printer.lines):
        indent = line[: len(line) - len(line.lstrip(" "))]
        for text, blank in placed.before.get(index, ()):
            out.extend([f"{indent}--{text}", ""] if blank else [f"{indent}--{text}"])
        if index in placed.trailing:
            line = line.ljust(columns.get(index, len(line) + 1)) + f"--{placed.trailing[index]}"
        out.append(line)
    if placed.end and out:
        out.append("")
    for text, blank in placed.end:
        out.extend([f"--{text}", ""] if blank else [f"--{text}"])
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


def format_cross_statute(item: ast.UsesDecl | ast.SameQuestion | ast.SameFact) -> str:
    """``uses WEB, Awir``, ``same question Q: A.x, y priority lex superior A`` and ``same fact
    A.f = g``, on one line."""
    if isinstance(item, ast.UsesDecl):
        return "uses " + ", ".join(item.statutes)
    if isinstance(item, ast.SameFact):
        return f"same fact {item.source} = {item.target}"
    text = f"same question {item.name}: {item.first}, {item.second}"
    if item.priority is not None:
        text += f" priority lex {item.priority}" + (f" {item.winner}" if item.winner else "")
    return text
