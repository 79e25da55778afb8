"""Populations on DuckDB: reading a real extract (Parquet or CSV, validated row by row) and
generating a synthetic one from a statute's facts.

A population is a table with one row per case and a column per fact. Reading one never drops
a row silently: every row whose value of a fact the decisions read is missing, of the wrong
type (money with fractions of cents, an int that is no whole number, a date that is no date),
an unknown enum value or outside the fact's declared range is *bad*; bad rows are counted per
problem, the first few are shown with their file and row, and the run goes on with the good
rows, saying how many were left out. A missing column is a positioned error (exit 2): no row
could be read.

Typed columns (``population``): int BIGINT, money DECIMAL(38,2), rate and number DECIMAL(38,12),
date DATE, bool BOOLEAN, enum VARCHAR; ``__row`` numbers the rows from 1 in file order."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from lexproof.dsl.diagnostics import Diagnostic, LexproofError
from lexproof.dsl.model import FactInfo, StatuteModel
from lexproof.dsl.source import Span

SHOWN_BAD_ROWS = 5
RATE_SCALE = 12
SQL_TYPE = {"bool": "BOOLEAN", "int": "BIGINT", "money": "DECIMAL(38,2)", "rate": f"DECIMAL(38,{RATE_SCALE})",
            "number": f"DECIMAL(38,{RATE_SCALE})", "date": "DATE", "enum": "VARCHAR"}
_PATTERN = {
    "int": r"^\s*-?[0-9]+\s*$",
    "money": r"^\s*-?[0-9]+(\.[0-9]{1,2})?\s*$",
    "rate": rf"^\s*-?[0-9]+(\.[0-9]{{1,{RATE_SCALE}}})?\s*$",
    "number": rf"^\s*-?[0-9]+(\.[0-9]{{1,{RATE_SCALE}}})?\s*$",
    "date": r"^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\s*$",
}
_EXPECTED = {"bool": "true or false", "int": "a whole number", "money": "an amount in whole cents",
             "rate": f"a decimal with at most {RATE_SCALE} decimals", "number": f"a decimal with at most {RATE_SCALE} decimals",
             "date": "a date YYYY-MM-DD"}


@dataclass
class BadRow:
    file: str
    row: int
    column: str
    value: str | None
    problem: str

    def __str__(self) -> str:
        shown = "missing" if self.value is None else repr(self.value)
        return f"{self.file}:row {self.row}: column {self.column}: {shown}: {self.problem}"


@dataclass
class PopulationReport:
    """What was read: rows in the files, good rows used, bad rows left out (per problem)."""

    source: str
    rows: int = 0
    bad: int = 0
    problems: dict[str, int] = field(default_factory=dict)
    examples: list[BadRow] = field(default_factory=list)

    @property
    def good(self) -> int:
        return self.rows - self.bad

    def to_json(self) -> dict:
        return {"source": self.source, "rows": self.rows, "used": self.good, "bad_rows": self.bad,
                "problems": dict(sorted(self.problems.items())), "first_bad_rows": [str(b) for b in self.examples]}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def population_files(path: str | Path) -> tuple[str, list[Path]]:
    """The scan function and files of a population path (a file, or a folder of them)."""
    where = Path(path)
    if where.is_dir():
        files = sorted([*where.glob("*.parquet"), *where.glob("*.csv")])
    else:
        files = [where]
    span = Span("<command line>", 1, 1, 1, 1)
    if not files or not all(f.is_file() for f in files):
        raise LexproofError(Diagnostic(span, f"population {path}: no Parquet or CSV file found"))
    kinds = {f.suffix.lower() for f in files}
    if len(kinds) != 1 or kinds - {".parquet", ".csv"}:
        raise LexproofError(Diagnostic(span, f"population {path}: give Parquet (.parquet) or CSV (.csv) files, one kind"))
    return ("read_parquet" if ".parquet" in kinds else "read_csv"), files


def load_population(con, path: str | Path, statute: StatuteModel, facts: list[str],
                    mapping: dict[str, str] | None = None, keep: list[str] = (),  # type: ignore[assignment]
                    enum_values: dict[str, tuple[str, ...]] | None = None) -> PopulationReport:
    """Create the view ``population`` (typed, good rows only, ``__row``) on the DuckDB
    connection ``con`` from the file(s) at ``path``, validating the columns of ``facts`` (and
    ``keep``); the report counts and shows the bad rows. ``mapping``: fact -> column name."""
    scan, files = population_files(path)
    file_list = "[" + ", ".join(_literal(str(f)) for f in files) + "]"
    options = ", all_varchar=true, header=true, filename=true" if scan == "read_csv" else ", filename=true"
    con.execute(f"CREATE OR REPLACE TEMP VIEW population_raw AS SELECT *, row_number() OVER () AS __row "
                f"FROM {scan}({file_list}{options})")
    described = {row[0]: row[1] for row in con.execute("DESCRIBE population_raw").fetchall()}
    return validate_population(lambda sql: con.execute(sql).fetchall(), str(path), str(files[0]), described, statute,
                               facts, mapping, keep, enum_values)


def validate_population(run, source: str, first_file: str, described: dict[str, str], statute: StatuteModel,
                        facts: list[str], mapping: dict[str, str] | None, keep: list[str],
                        enum_values: dict[str, tuple[str, ...]] | None, dialect: str = "duckdb") -> PopulationReport:
    """Over the view ``population_raw`` (the files' columns as ``described``: name -> type,
    plus ``__row`` and ``filename``), create ``population_checked`` and ``population`` and
    count the bad rows. ``run`` executes one statement in DuckDB's dialect (an engine of
    another dialect transpiles it)."""
    mapping = mapping or {}
    span = Span(first_file, 1, 1, 1, 1)
    wanted = list(dict.fromkeys([*facts, *keep]))
    missing = [name for name in wanted if mapping.get(name, name) not in described]
    if missing:
        raise LexproofError([
            Diagnostic(span, f"the population has no column '{mapping.get(name, name)}' for "
                             f"{'the items of kind' if name in statute.kinds else 'fact'} {name} of {statute.name}"
                             + (f" (columns: {', '.join(c for c in described if c not in ('filename', '__row'))})" if i == 0 else ""))
            for i, name in enumerate(missing)
        ])
    typed: list[str] = []
    checks: list[tuple[str, str, str]] = []  # (fact, SQL condition that makes a row bad, problem)
    for name in wanted:
        column = _quote(mapping.get(name, name))
        if name in statute.kinds:  # a list of items (docs/impact.md, "Items")
            expression, fact_checks = _typed_items(statute, name, column, described[mapping.get(name, name)],
                                                   enum_values or {}, dialect)
            typed.append(f"{expression} AS {_quote(name)}")
            checks += [(name, condition, problem) for condition, problem in fact_checks]
            continue
        info = statute.facts[name]
        values = (enum_values or {}).get(info.type.enum or "", statute.enums.get(info.type.enum or "", ()))
        expression, fact_checks = _typed(info, column, described[mapping.get(name, name)], values)
        typed.append(f"{expression} AS {_quote(name)}")
        checks += [(name, condition, problem) for condition, problem in fact_checks]
    bad_case = " ".join(f"WHEN {condition} THEN {_literal(name + ': ' + problem)}" for name, condition, problem in checks)
    bad_expr = f"CASE {bad_case} ELSE NULL END" if checks else "NULL"
    run(f"CREATE OR REPLACE TEMP VIEW population_checked AS SELECT __row, filename AS __file, {bad_expr} AS __bad"
        + "".join(f", {t}" for t in typed) + " FROM population_raw")
    columns = ", ".join(["__row", *[_quote(name) for name in wanted]])
    run(f"CREATE OR REPLACE TEMP VIEW population AS SELECT {columns} FROM population_checked WHERE __bad IS NULL")
    report = PopulationReport(source)
    report.rows = run("SELECT count(*) FROM population_raw")[0][0]
    for problem, count in sorted(run("SELECT __bad, count(*) FROM population_checked WHERE __bad IS NOT NULL "
                                     "GROUP BY __bad")):
        report.problems[problem] = count
        report.bad += count
    if report.bad:
        first = run(f"SELECT __file, __row, __bad FROM population_checked WHERE __bad IS NOT NULL "
                    f"ORDER BY __row LIMIT {SHOWN_BAD_ROWS}")
        for file, row, problem in first:
            fact = problem.split(":", 1)[0]
            raw = run(f"SELECT CAST({_quote(mapping.get(fact, fact))} AS VARCHAR) FROM population_raw "
                      f"WHERE __row = {int(row)}")[0][0]
            report.examples.append(BadRow(file, int(row), mapping.get(fact, fact), raw, problem.split(": ", 1)[1]))
    return report


def _typed(info: FactInfo, column: str, source_type: str, enum_values: tuple[str, ...]) -> tuple[str, list[tuple[str, str]]]:
    """The typed expression of a fact's column and the (bad-row condition, problem) checks."""
    kind = info.type.kind
    target = SQL_TYPE[kind]
    missing = (f"{column} IS NULL", "missing value")
    if kind == "enum":
        raw = f"CAST({column} AS VARCHAR)"
        allowed = ", ".join(_literal(v) for v in enum_values)
        return raw, [missing, (f"{raw} NOT IN ({allowed})", f"not a value of {info.type.enum} ({', '.join(enum_values)})")]
    native = _native(kind, source_type)
    if native:
        expression = f"CAST({column} AS {target})"
        checks = [missing]
    else:
        text = f"trim(CAST({column} AS VARCHAR))"
        if kind == "bool":
            expression = f"CASE WHEN lower({text}) IN ('true', '1') THEN true WHEN lower({text}) IN ('false', '0') THEN false END"
            valid = f"lower({text}) IN ('true', 'false', '1', '0')"
        else:
            valid = f"regexp_matches({text}, {_literal(_PATTERN[kind])})"
            if kind == "date":
                valid = f"({valid} AND TRY_CAST({text} AS DATE) IS NOT NULL)"
            expression = f"CASE WHEN {valid} THEN CAST({text} AS {target}) END"
        checks = [missing, (f"NOT {valid}", f"not {_EXPECTED[kind]}")]
    for bound, relation, word in ((info.low, "<", "below"), (info.high, ">", "above")):
        if bound is not None and kind != "bool":
            checks.append((_compare(expression, relation, bound, kind), f"{word} the fact's range"))
    return expression, checks


def _text_type(statute: StatuteModel, kind: str) -> str:
    """A kind's items with every fact as text: what a JSON column or a typed list is read as
    first, so that every value is checked as a CSV cell is (no silent rounding of a DOUBLE)."""
    fields = [f"{_quote(name)} VARCHAR" for name in statute.kinds[kind].facts]
    fields += [f"{_quote(child)} {_text_type(statute, child)}" for child in statute.child_kinds(kind)]
    return f"STRUCT({', '.join(fields)})[]"


def _item_checks(statute: StatuteModel, kind: str, items: str, depth: int,
                 enum_values: dict[str, tuple[str, ...]]) -> tuple[str, list[tuple[str, str]]]:
    """The typed list of ``items`` (text records) and its (bad-row condition, problem) checks:
    too many items, and per item fact the checks of a case's fact, over every item."""
    var = f"x{depth}"
    maximum = statute.kinds[kind].maximum
    # array_length and list_filter (not len, list_bool_or): sqlglot writes them in Spark's dialect too
    checks = [(f"coalesce(array_length({items}) > {maximum}, false)",
               f"more than {maximum} items (the statute allows at most {maximum})")]
    fields = []
    for name in statute.kinds[kind].facts:
        info = statute.item_facts[name]
        values = enum_values.get(info.type.enum or "", statute.enums.get(info.type.enum or "", ()))
        expression, fact_checks = _typed(info, f"{var}.{_quote(name)}", "VARCHAR", values)
        fields.append(f"{_quote(name)} := {expression}")
        for condition, problem in fact_checks:
            checks.append((_any_item(items, var, condition), f"{name} of an item: {problem}"))
    for child in statute.child_kinds(kind):
        inner, inner_checks = _item_checks(statute, child, f"{var}.{_quote(child)}", depth + 1, enum_values)
        fields.append(f"{_quote(child)} := {inner}")
        for condition, problem in inner_checks:
            checks.append((_any_item(items, var, condition), f"{child}: {problem}"))
    typed = f"list_transform(coalesce({items}, []), lambda {var}: struct_pack({', '.join(fields)}))"
    return typed, checks


def _any_item(items: str, var: str, condition: str) -> str:
    """Whether ``condition`` holds of some item of ``items`` (false of no items)."""
    return f"coalesce(array_length(list_filter({items}, lambda {var}: coalesce({condition}, false))) > 0, false)"


def _as_text_by_name(statute: StatuteModel, kind: str, items: str, depth: int) -> str:
    """A typed list of records with every fact as text, field by field by name: Spark casts
    one record type to another by position, which would swap two facts of a file whose
    fields come in another order."""
    var = f"r{depth}"
    fields = [f"{_quote(name)} := CAST({var}.{_quote(name)} AS VARCHAR)" for name in statute.kinds[kind].facts]
    fields += [f"{_quote(child)} := {_as_text_by_name(statute, child, f'{var}.{_quote(child)}', depth + 1)}"
               for child in statute.child_kinds(kind)]
    return f"list_transform({items}, lambda {var}: struct_pack({', '.join(fields)}))"


def _typed_items(statute: StatuteModel, kind: str, column: str, source_type: str,
                 enum_values: dict[str, tuple[str, ...]], dialect: str = "duckdb") -> tuple[str, list[tuple[str, str]]]:
    """A top kind's column: a list of records (Parquet), or JSON text as in a case file (CSV).
    An empty cell (NULL) is no items, as a kind left out of a case file."""
    if source_type.upper() == "VARCHAR":
        text = f"TRY_CAST(TRY_CAST({column} AS JSON) AS {_text_type(statute, kind)})"
    elif dialect == "spark":
        text = _as_text_by_name(statute, kind, column, 0)
    else:
        text = f"TRY_CAST({column} AS {_text_type(statute, kind)})"
    typed, checks = _item_checks(statute, kind, text, 0, enum_values)
    unreadable = (f"({column} IS NOT NULL AND {text} IS NULL)", "not a list of items (records of the kind's facts)")
    return typed, [unreadable, *checks]


def _native(kind: str, source_type: str) -> bool:
    """Whether a column's own type holds the fact's values exactly (no text check needed)."""
    upper = source_type.upper()
    if kind == "bool":
        return upper == "BOOLEAN"
    if kind == "int":
        return upper in ("BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT")
    if kind == "date":
        return upper == "DATE"
    if kind in ("money", "rate", "number") and upper.startswith("DECIMAL("):
        scale = int(upper.rstrip(")").split(",")[1])
        return scale <= (2 if kind == "money" else RATE_SCALE)
    return kind in ("money", "rate", "number") and upper in ("BIGINT", "INTEGER")


def _compare(expression: str, relation: str, bound: object, kind: str) -> str:
    """``expression relation bound``, exactly: a fractional bound is compared by cross
    multiplication (DuckDB's ``/`` would compute in floating point)."""
    if kind == "date":
        return f"{expression} {relation} DATE '{dt.date.fromordinal(int(bound)).isoformat()}'"  # type: ignore[call-overload]
    fraction = Fraction(bound)  # type: ignore[arg-type]
    return f"({expression}) * {fraction.denominator} {relation} {fraction.numerator}"


# --- synthetic populations -----------------------------------------------------------------

DEFAULT_DATES = (dt.date(1940, 1, 1), dt.date(2010, 12, 31))


def synthetic_sql(statute: StatuteModel, rows: int, seed: int, distributions: dict | None = None) -> str:
    """A SELECT of ``rows`` synthetic cases: each fact drawn from a hash of (seed, row, fact),
    so the population is the same for a seed whatever the number of threads. Within a fact's
    range (or around its typical value), uniform; a typical value of a bool or enum is drawn
    half of the time. ``distributions`` (``verifier/distributions.py``) overrides that per fact."""
    global _CONFIG
    _CONFIG = distributions or {}
    columns: list[str] = []
    hashes = {info.name: f"hash({int(seed)}, i, {index})" for index, info in enumerate(statute.facts.values())}
    for info in statute.facts.values():
        if info.origin is not None:
            continue  # added by an amendment: not in every version's population
        drawn = _draw(statute, info, hashes[info.name])
        dist = _CONFIG.get(info.name)
        if dist is not None and dist.when:  # drawn where the facts it depends on allow it
            holds = " AND ".join(f"({_draw(statute, statute.facts[other], hashes[other])}) IN "
                                 f"({', '.join(_value_sql(v) for v in allowed)})" for other, allowed in dist.when.items())
            drawn = f"CASE WHEN {holds} THEN {drawn} ELSE {_value_sql(dist.otherwise, info)} END"
        columns.append(f"{drawn} AS {_quote(info.name)}")
    for kind in statute.top_kinds():
        columns.append(f"{_draw_items(statute, kind, int(seed), ['i'])} AS {_quote(kind)}")
    return f"SELECT {', '.join(columns)} FROM range({int(rows)}) AS t(i)"


def _value_sql(value: object, info: FactInfo | None = None) -> str:
    """A configured value (an enum value, a bool, a number of the fact's kind) as SQL."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _literal(value)
    number = Fraction(value)  # type: ignore[arg-type]
    kind = info.type.kind if info is not None else "int"
    if kind == "int":
        return f"CAST({int(number)} AS BIGINT)"
    hundredths = number * 100  # a whole number of hundredths (checked with the file)
    return f"CAST({_literal(str(Decimal(int(hundredths)).scaleb(-2)))} AS {SQL_TYPE[kind]})"


def _draw_items(statute: StatuteModel, kind: str, seed: int, path: list[str]) -> str:
    """A list of 0 to the maximum items of ``kind`` (the number uniform), each fact drawn as a
    case's fact is, from a hash of (seed, row, the item's position(s), fact)."""
    var = f"j{len(path)}"
    kind_index = list(statute.kinds).index(kind)
    count = f"CAST(hash({seed}, {', '.join(path)}, -1, {kind_index}) % {statute.kinds[kind].maximum + 1} AS BIGINT)"
    fields = []
    for index, name in enumerate(statute.kinds[kind].facts):
        h = f"hash({seed}, {', '.join([*path, var])}, {kind_index}, {index})"
        fields.append(f"{_quote(name)} := {_draw(statute, statute.item_facts[name], h)}")
    for child in statute.child_kinds(kind):
        fields.append(f"{_quote(child)} := {_draw_items(statute, child, seed, [*path, var])}")
    return f"list_transform(range({count}), lambda {var}: struct_pack({', '.join(fields)}))"


def _uniform(h: str, low: int, high: int) -> str:
    return f"(CAST({low} AS HUGEINT) + CAST({h} % {high - low + 1} AS HUGEINT))"


_CONFIG: dict = {}  # the distributions of the population being drawn (synthetic_sql sets it)
UNIT_SCALE = {"int": 1, "money": 100, "rate": 100, "number": 100}


def _configured(statute: StatuteModel, info: FactInfo, h: str, dist) -> str:
    """A fact drawn from its configured distribution (see verifier/distributions.py)."""
    kind = info.type.kind
    if dist.kind == "share":
        return f"({h} % 1000000 < {int(dist.params['share'] * 1000000)})"
    if dist.kind == "weights":
        weights = dist.params["weights"]
        scale = math.lcm(*[Fraction(w).denominator for w in weights.values()])
        whens, total = [], 0
        for value, weight in weights.items():
            if weight:
                total += int(weight * scale)
                whens.append(f"WHEN {h} % TOTAL < {total} THEN {_literal(value)}")
        return "CASE " + " ".join(w.replace("TOTAL", str(total)) for w in whens) + " END"
    scale = UNIT_SCALE[kind]
    low, high = _range(info)
    if "low" in dist.params:
        low = max(low, dist.params["low"]) if low is not None else dist.params["low"]
    if "high" in dist.params:
        high = min(high, dist.params["high"]) if high is not None else dist.params["high"]
    if dist.kind == "uniform":
        default_low, default_high = _default_bounds(info)
        drawn = _uniform(h, math.ceil((low if low is not None else default_low) * scale),
                         math.floor((high if high is not None else default_high) * scale))
    else:
        u1 = f"((CAST({h} % 4503599627370496 AS DOUBLE) + 0.5) / 4503599627370496.0)"
        u2 = f"((CAST(hash({h}, 7) % 4503599627370496 AS DOUBLE) + 0.5) / 4503599627370496.0)"
        z = f"(sqrt(-2 * ln({u1})) * cos(2 * pi() * {u2}))"
        if dist.kind == "normal":
            value = f"({float(dist.params['mean'])} + {float(dist.params['sd'])} * {z})"
        else:
            value = f"({float(dist.params['median'])} * exp({float(dist.params['sigma'])} * {z}))"
        drawn = f"CAST(round({value} * {scale}) AS HUGEINT)"
        if high is not None:
            drawn = f"least({drawn}, CAST({math.floor(high * scale)} AS HUGEINT))"
        if low is not None:
            drawn = f"greatest({drawn}, CAST({math.ceil(low * scale)} AS HUGEINT))"
    if kind == "int":
        return f"CAST({drawn} AS BIGINT)"
    return f"CAST(CAST({drawn} AS DECIMAL(38,0)) * 0.01 AS {SQL_TYPE[kind]})"


def _range(info: FactInfo) -> tuple[Fraction | None, Fraction | None]:
    low = Fraction(info.low) if info.low is not None else None  # type: ignore[arg-type]
    high = Fraction(info.high) if info.high is not None else None  # type: ignore[arg-type]
    return low, high


def _default_bounds(info: FactInfo) -> tuple[Fraction, Fraction]:
    """Without a range: from 0 (or twice a negative typical) to twice the typical, at least 100 wide."""
    typical = Fraction(info.typical) if info.typical is not None else None  # type: ignore[arg-type]
    low = Fraction(info.low) if info.low is not None else (Fraction(0) if typical is None or typical >= 0 else 2 * typical)  # type: ignore[arg-type]
    if info.high is not None:
        return low, Fraction(info.high)  # type: ignore[arg-type]
    return low, max(low + 100, 2 * typical if typical is not None else low + 100)


def _draw(statute: StatuteModel, info: FactInfo, h: str) -> str:
    kind = info.type.kind
    if info.name in _CONFIG:
        return _configured(statute, info, h, _CONFIG[info.name])
    if kind == "bool":
        share = 50 if info.typical is None else (75 if info.typical else 25)
        return f"({h} % 100 < {share})"
    if kind == "enum":
        values = [v for v in statute.enums[info.type.enum or ""] if (info.type.enum, v) not in statute.enum_origins]
        options = ", ".join(_literal(v) for v in values)
        pick = f"[{options}][CAST({h} % {len(values)} AS BIGINT) + 1]"
        if info.typical is not None:
            return f"CASE WHEN ({h} // 7) % 2 = 0 THEN {_literal(str(info.typical))} ELSE {pick} END"
        return pick
    if kind == "date":
        low = info.low if info.low is not None else DEFAULT_DATES[0].toordinal()
        high = info.high if info.high is not None else DEFAULT_DATES[1].toordinal()
        return f"(DATE '0001-01-01' + CAST({_uniform(h, int(low), int(high))} - 1 AS INTEGER))"  # type: ignore[call-overload]
    scale = 1 if kind == "int" else 100
    typical = Fraction(info.typical) if info.typical is not None else None  # type: ignore[arg-type]
    low = Fraction(info.low) if info.low is not None else (Fraction(0) if typical is None or typical >= 0 else 2 * typical)  # type: ignore[arg-type]
    if info.high is not None:
        high = Fraction(info.high)  # type: ignore[arg-type]
    else:
        high = max(low + 100, 2 * typical if typical is not None else low + 100)
    drawn = _uniform(h, int(low * scale), int(high * scale))
    if kind == "int":
        return f"CAST({drawn} AS BIGINT)"
    return f"CAST(CAST({drawn} AS DECIMAL(38,0)) * 0.01 AS {SQL_TYPE[kind]})"  # hundredths, exact


def write_population(con, statute: StatuteModel, rows: int, seed: int, out: str | Path,
                     distributions: dict | None = None) -> None:
    """Write a synthetic population as Parquet (or CSV for a .csv name)."""
    fmt = "CSV, HEADER" if str(out).lower().endswith(".csv") else "PARQUET"
    con.execute(f"COPY ({synthetic_sql(statute, rows, seed, distributions)}) TO {_literal(str(out))} (FORMAT {fmt})")
