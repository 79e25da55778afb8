"""``lexproof impact``: what a change of the law does to an actual population.

Both versions (without and with an amendment, or on two dates) are compiled to SQL
(``verifier/sql_compile.py``) and run over the same population; each row gets, per decision,
a category:

* numbers (int, rate, number, money): ``gain`` / ``lose`` / ``keep`` (after above, below or
  equal to before);
* bool: ``become eligible`` (false -> true), ``lose eligibility`` (true -> false), ``keep``;
* dates and enums: ``change`` or ``keep``;
* whatever the type: ``become undefined`` (a value before, none after: undecided, conflict or
  undefined), ``become defined``, ``undefined in both``.

Totals are exact sums over the rows where the version's value is defined (fractions are
summed per denominator and added exactly in Python); the deciles of the change are exact
values among the rows whose value changes. Everything is computed in the engine: only
aggregates come back to Python."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

from lexproof.dsl.consolidate import Version
from lexproof.dsl.ir import Type
from lexproof.dsl.model import StatuteModel
from lexproof.dsl.values import to_json
from lexproof.verifier.messages import count_text, human_value, number, status_text, version_label_text
from lexproof.verifier.messages import text as msg
from lexproof.verifier.population import PopulationReport
from lexproof.verifier.sql_compile import den_column, rule_column, status_column, value_column

CATEGORIES = ("gain", "lose", "become eligible", "lose eligibility", "change", "keep",
              "become undefined", "become defined", "undefined in both")
DECILES = [i / 10 for i in range(11)]
DECILE_SUFFIX = ":deciles"
MAX_SCALE = 10**30  # common denominator beyond which deciles are not computed exactly


@dataclass
class Figures:
    """Counts per category and (numeric decisions) totals, for all rows or one group."""

    counts: dict[str, int] = field(default_factory=dict)
    total_before: Fraction | int | None = None
    total_after: Fraction | int | None = None
    # The rules that decide the changed cases, before and after (a rule's label, 'otherwise',
    # or None: no value), with how many cases: the most frequent pairs first.
    deciding: list[tuple[str | None, str | None, int]] = field(default_factory=list)

    @property
    def difference(self) -> Fraction | int | None:
        if self.total_before is None or self.total_after is None:
            return None
        return self.total_after - self.total_before


@dataclass
class DecisionImpact:
    decision: str
    type: Type
    overall: Figures
    deciles: list[Fraction | int] | None = None
    changed: int = 0
    groups: list[tuple[tuple, Figures]] = field(default_factory=list)

    @property
    def numeric(self) -> bool:
        return self.type.is_numeric


@dataclass
class ImpactReport:
    statute: str
    before: str
    after: str
    engine: str
    population: PopulationReport
    by: list[str]
    decisions: list[DecisionImpact]
    runner: object = field(default=None, repr=False)  # the engine, holding the outcomes (for --plot)
    versions: tuple = field(default=(), repr=False)  # (before, after), for the sweep panels of --plot


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _c(slot: str, column: str) -> str:
    return _quote(f"{slot}|{column}")


def outcomes_sql(engine, before: Version, after: Version, decisions: list[str], by: list[str]) -> str:
    """One row per case: the ``by`` groups and each decision's columns in both versions. A
    ``FACT:deciles`` group is the fact's decile (1: the tenth of the rows with the lowest values;
    ties are split by row number, so the groups have equal sizes)."""
    parts = ["b.__row"] + [_group_column(name) for name in by]
    for name in decisions:
        info_type = before.statute.decisions[name].type
        columns = [value_column(name), status_column(name), rule_column(name)]
        # Numbers in the engine's widest integers: a query proved to fit in 64 bits returns
        # them as BIGINT, and the categories and deciles multiply them crosswise.
        wide = {value_column(name)} if info_type.is_numeric else set()
        if info_type.is_rational:
            columns.append(den_column(name))
            wide.add(den_column(name))
        for alias, slot in (("b", "before"), ("a", "after")):
            parts += [(f"CAST({alias}.{_quote(c)} AS {engine.int_type})" if c in wide else f"{alias}.{_quote(c)}")
                      + f" AS {_c(slot, c)}" for c in columns]
    facts = list(dict.fromkeys(by_fact(name) for name in by))
    return (f"SELECT {', '.join(parts)} FROM ({engine.outcome_sql(before, decisions, facts, 'before_')}) AS b "
            f"JOIN ({engine.outcome_sql(after, decisions, [], 'after_')}) AS a USING (__row)")


def by_fact(group: str) -> str:
    """The fact a ``--by`` group reads (``inkomen`` for ``inkomen:deciles``)."""
    return group.removesuffix(DECILE_SUFFIX)


def _group_column(group: str) -> str:
    if group.endswith(DECILE_SUFFIX):
        fact = _quote(by_fact(group))
        return f"ntile(10) OVER (ORDER BY b.{fact}, b.__row) AS {_quote(group)}"
    return f"b.{_quote(group)}"


def _defined(slot: str, name: str) -> str:
    return f"({_c(slot, status_column(name))} IN ('decided', 'default'))"


def _category(info_type: Type, name: str) -> str:
    before, after = _c("before", value_column(name)), _c("after", value_column(name))
    if info_type.is_rational:
        bd, ad = _c("before", den_column(name)), _c("after", den_column(name))
        left, right = f"({after} * {bd})", f"({before} * {ad})"
    else:
        left, right = after, before
    if info_type.is_numeric:
        both = f"CASE WHEN {left} > {right} THEN 'gain' WHEN {left} < {right} THEN 'lose' ELSE 'keep' END"
    elif info_type.kind == "bool":
        both = (f"CASE WHEN {after} = {before} THEN 'keep' WHEN {after} THEN 'become eligible' "
                f"ELSE 'lose eligibility' END")
    else:
        both = f"CASE WHEN {after} = {before} THEN 'keep' ELSE 'change' END"
    return (f"CASE WHEN {_defined('before', name)} AND {_defined('after', name)} THEN {both} "
            f"WHEN {_defined('before', name)} THEN 'become undefined' "
            f"WHEN {_defined('after', name)} THEN 'become defined' ELSE 'undefined in both' END")


def run_impact(engine, statute: StatuteModel, before: Version, after: Version, decisions: list[str],
               by: list[str], population: PopulationReport, progress=None) -> ImpactReport:
    """Materialise the outcomes once, then aggregate per decision (and per group)."""
    con = engine
    engine.materialize("outcomes", outcomes_sql(engine, before, after, decisions, by))
    results = []
    for index, name in enumerate(decisions):
        if progress is not None:
            progress(index, len(decisions), name)
        results.append(_decision_impact(con, statute, name, by, (before, after)))
    return ImpactReport(statute.name, before.label, after.label, engine.name, population, by, results, engine,
                        (before, after))


def _decision_impact(con, statute: StatuteModel, name: str, by: list[str],
                     versions: tuple[Version, Version]) -> DecisionImpact:
    info_type = statute.decisions[name].type
    category = _category(info_type, name)
    keys = [_quote(b) for b in by]
    impact = DecisionImpact(name, info_type, Figures())
    rows = con.query(f"SELECT {', '.join([*keys, ''])}{category} AS cat, count(*) FROM outcomes GROUP BY ALL")
    rows.sort(key=lambda row: tuple(str(v) for v in row))
    groups: dict[tuple, Figures] = {}
    for row in rows:
        key, cat, count = tuple(row[:-2]), row[-2], row[-1]
        groups.setdefault(key, Figures()).counts[cat] = count
        impact.overall.counts[cat] = impact.overall.counts.get(cat, 0) + count
    _deciding(con, impact, groups, category, keys, name, versions)
    if info_type.is_numeric:
        for slot in ("before", "after"):
            totals = _totals(con, info_type, name, slot, keys)
            overall = sum(totals.values(), Fraction(0))
            setattr(impact.overall, f"total_{slot}", _plain(overall, info_type))
            for key, figures in groups.items():
                setattr(figures, f"total_{slot}", _plain(totals.get(key, Fraction(0)), info_type))
        impact.deciles, impact.changed = _deciles(con, info_type, name)
    if by:
        impact.groups = sorted(groups.items(), key=lambda item: _group_order(item[0]))
    return impact


SHOWN_DECIDING = 5


def _deciding(con, impact: DecisionImpact, groups: dict[tuple, Figures], category: str, keys: list[str],
              name: str, versions: tuple[Version, Version]) -> None:
    """Which rules decide the cases whose outcome changes (every category but keep and
    undefined in both), before and after: per pair of rules the number of cases, overall and
    per group, the most frequent first."""
    before, after = _c("before", rule_column(name)), _c("after", rule_column(name))
    rows = con.query(f"SELECT {', '.join([*keys, ''])}{before} AS b, {after} AS a, count(*) FROM outcomes "
                     f"WHERE {category} NOT IN ('keep', 'undefined in both') GROUP BY ALL")
    overall: dict[tuple, int] = {}
    per_group: dict[tuple, dict[tuple, int]] = {}
    def label(version: Version, rule: str | None) -> str | None:
        found = version.rule(rule) if rule not in (None, "otherwise") else None
        return found.label() if found is not None else rule

    for row in rows:
        key, count = tuple(row[:-3]), row[-1]
        pair = (label(versions[0], row[-3]), label(versions[1], row[-2]))
        overall[pair] = overall.get(pair, 0) + count
        per_group.setdefault(key, {})[pair] = count
    impact.overall.deciding = _most(overall)
    for key, pairs in per_group.items():
        if key in groups:
            groups[key].deciding = _most(pairs)


def _most(pairs: dict[tuple, int]) -> list[tuple[str | None, str | None, int]]:
    ordered = sorted(pairs.items(), key=lambda item: (-item[1], str(item[0])))
    return [(b, a, n) for (b, a), n in ordered[:SHOWN_DECIDING]]


def _group_order(key: tuple) -> tuple:
    """Groups in the order of their values (deciles 1..10, not 1, 10, 2), missing values last."""
    return tuple((value is None, value if value is not None else 0) for value in key)


def _plain(value: Fraction, info_type: Type) -> Fraction | int:
    return int(value) if info_type.kind == "int" else value


def _totals(con, info_type: Type, name: str, slot: str, keys: list[str]) -> dict[tuple, Fraction]:
    """Exact sums per group: SUM of numerators per denominator, added as fractions."""
    value = _c(slot, value_column(name))
    den = _c(slot, den_column(name)) if info_type.is_rational else "1"
    select = ", ".join([*keys, f"{den} AS den", f"sum({value}) AS total"])
    rows = con.query(f"SELECT {select} FROM outcomes WHERE {_defined(slot, name)} GROUP BY ALL")
    totals: dict[tuple, Fraction] = {}
    for row in rows:
        key = tuple(row[:-2])
        totals[key] = totals.get(key, Fraction(0)) + Fraction(int(row[-1]), int(row[-2]))
    return totals


def _both_changed(name: str, info_type: Type) -> str:
    return f"{_defined('before', name)} AND {_defined('after', name)}"


def _change_key(con, info_type: Type, name: str) -> tuple[str, int] | None:
    """An integer SQL expression ``k`` and a scale with change = k / scale exactly: every value
    scaled to the common denominator of the values present (None if that exceeds 10^30)."""
    both = _both_changed(name, info_type)
    before, after = _c("before", value_column(name)), _c("after", value_column(name))
    if not info_type.is_rational:
        return f"({after} - {before})", 1
    bd, ad = _c("before", den_column(name)), _c("after", den_column(name))
    dens = con.query(f"SELECT DISTINCT d FROM (SELECT {bd} AS d FROM outcomes WHERE {both} UNION "
                     f"SELECT {ad} AS d FROM outcomes WHERE {both}) AS dens")
    scale = math.lcm(*[int(d) for (d,) in dens]) if dens else 1
    if scale > MAX_SCALE:
        return None
    return f"({after} * ({scale} // {ad}) - {before} * ({scale} // {bd}))", scale


def change_key(engine, item: DecisionImpact) -> tuple[str, int]:
    found = _change_key(engine, item.type, item.decision)
    assert found is not None  # deciles exist, so the scale was within bounds
    return found


def _deciles(con, info_type: Type, name: str) -> tuple[list[Fraction | int] | None, int]:
    """The 0%, 10%, ..., 100% points of the change among the rows whose value changes, exact
    (an integer key over the common denominator)."""
    found = _change_key(con, info_type, name)
    if found is None:
        return None, 0
    key, scale = found
    both = _both_changed(name, info_type)
    if getattr(con, "name", None) == "duckdb":  # one sort for all eleven points (5x faster than eleven)
        points_sql = f"percentile_disc([{', '.join(str(p) for p in DECILES)}]) WITHIN GROUP (ORDER BY k)"
    else:
        points_sql = ", ".join(f"percentile_disc({p}) WITHIN GROUP (ORDER BY k)" for p in DECILES)
    changed, *points = con.query(
        f"SELECT count(*), {points_sql} FROM (SELECT CAST({key} AS {con.int_type}) AS k FROM outcomes "
        f"WHERE {both}) AS changes WHERE k <> 0")[0]
    if len(points) == 1 and isinstance(points[0], list):
        points = points[0]
    if not changed:
        return [], 0
    values = [Fraction(int(p), scale) for p in points]
    return [_plain(v, info_type) for v in values], changed


# --- output ----------------------------------------------------------------------------------


def _value(value, info_type: Type):
    return None if value is None else to_json(value, info_type)


def _figures_json(figures: Figures, info_type: Type) -> dict:
    result: dict = {"counts": {c: figures.counts.get(c, 0) for c in CATEGORIES if c in figures.counts or c in _main(info_type)}}
    if info_type.is_numeric:
        result.update(total_before=_value(figures.total_before, info_type), total_after=_value(figures.total_after, info_type),
                      difference=_value(figures.difference, info_type))
    result["deciding"] = [{"before": b, "after": a, "cases": n} for b, a, n in figures.deciding]
    return result


def _main(info_type: Type) -> tuple[str, ...]:
    """The categories always shown for a type (with 0), so that 'nobody gains' is explicit."""
    if info_type.is_numeric:
        return ("gain", "lose", "keep", "become undefined")
    if info_type.kind == "bool":
        return ("become eligible", "lose eligibility", "keep", "become undefined")
    return ("change", "keep", "become undefined")


def to_json_payload(report: ImpactReport) -> dict:
    decisions = []
    for item in report.decisions:
        entry: dict = {"decision": item.decision, "type": str(item.type), **_figures_json(item.overall, item.type)}
        if item.numeric:
            entry["changed"] = item.changed
            entry["deciles_of_change"] = None if item.deciles is None else [_value(v, item.type) for v in item.deciles]
        if report.by:
            entry["groups"] = [
                {"group": {b: _key_json(k) for b, k in zip(report.by, key)}, **_figures_json(figures, item.type)}
                for key, figures in item.groups
            ]
        decisions.append(entry)
    return {"statute": report.statute, "before": report.before, "after": report.after, "engine": report.engine,
            "population": report.population.to_json(), "by": report.by, "decisions": decisions}


def _key_json(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def csv_rows(report: ImpactReport) -> list[list[str]]:
    header = ["decision", *report.by, *[c.replace(" ", "_") for c in CATEGORIES], "total_before", "total_after", "difference"]
    rows = [header]
    for item in report.decisions:
        entries = [(None, item.overall)] + list(item.groups)
        for key, figures in entries:
            data = _figures_json(figures, item.type)
            cells = [item.decision, *(["(all)"] * len(report.by) if key is None else [_text(_key_json(k)) for k in key])]
            cells += [str(figures.counts.get(c, 0)) for c in CATEGORIES]
            cells += [_text(data.get(k)) for k in ("total_before", "total_after", "difference")]
            rows.append(cells)
    return rows


def _deciding_text(figures: Figures, lang: str = "en") -> str:
    def rule(label: str | None) -> str:
        if label is None:
            return msg("impact.no_value", lang)
        return status_text("default", lang) if label == "otherwise" else label

    return "; ".join(f"{rule(b)} -> {rule(a)}: {number(n, lang)}" for b, a, n in figures.deciding)


def _text(value) -> str:
    return "" if value is None else str(value)


def human_lines(report: ImpactReport, lang: str = "en") -> list[str]:
    """The human report in ``lang`` (nl or en): counts in the locale's digit groups, amounts to
    the cent and numbers rounded as the other commands show them (the exact totals are in the
    JSON and CSV)."""
    def whole(count: int) -> str:
        return number(count, lang)

    def value(amount, type_) -> str:
        return human_value(amount, type_, lang)

    def counts_text(counts: dict, all_: bool) -> str:
        return ", ".join(f"{msg('impact.cat.' + c.replace(' ', '_'), lang)} {whole(n)}"
                         for c, n in counts.items() if all_ or n)

    pop = report.population
    lines = [msg("impact.on", lang, cases=count_text("cases", pop.good, lang), source=pop.source, engine=report.engine),
             "  " + msg("impact.before", lang, version=version_label_text(report.before, lang)),
             "  " + msg("impact.after", lang, version=version_label_text(report.after, lang))]
    if pop.bad:
        lines.append("  " + msg("impact.left_out", lang, bad=whole(pop.bad), rows=count_text("rows", pop.rows, lang)))
    for item in report.decisions:
        data = _figures_json(item.overall, item.type)
        lines.append(f"{item.decision} ({item.type}): {counts_text(data['counts'], True)}")
        if item.numeric:
            figures = item.overall
            lines.append("  " + msg("impact.totals", lang, before=value(figures.total_before, item.type),
                                    after=value(figures.total_after, item.type),
                                    difference=value(figures.difference, item.type)))
            if item.deciles:
                shown = ", ".join(value(v, item.type) for v in item.deciles)
                lines.append("  " + msg("impact.deciles", lang, changed=whole(item.changed), values=shown))
        if item.overall.deciding:
            lines.append("  " + msg("impact.deciding", lang, rules=_deciding_text(item.overall, lang)))
        for key, figures in item.groups:
            group = ", ".join(f"{b}={_text(_key_json(k))}" for b, k in zip(report.by, key))
            gdata = _figures_json(figures, item.type)
            extra = "; " + msg("impact.difference", lang, difference=value(figures.difference, item.type)) \
                if item.numeric else ""
            lines.append(f"  {group}: {counts_text(gdata['counts'], False)}{extra}")
            if figures.deciding:
                lines.append("    " + msg("impact.decided_by", lang, rules=_deciding_text(figures, lang)))
    if pop.bad:
        lines.append(msg("impact.bad_rows", lang, bad=whole(pop.bad)))
        lines += [f"  {problem}: {whole(count)}" for problem, count in sorted(pop.problems.items())]
        lines += [f"  {example}" for example in pop.examples]
    return lines


def facts_read(version: Version, decisions: list[str]) -> list[str]:
    """The facts the compiled decisions read (the population must have these columns), and
    the kinds of items they read (a column of each top kind's items)."""
    from lexproof.verifier.sql_compile import SqlCompiler
    from lexproof.verifier.sql_items import ItemSqlCompiler

    if version.statute.kinds:  # and the top kinds whose items (or nested items) are read
        items = ItemSqlCompiler(version)
        used = [items._decision_unit(name) for name in decisions]
        order = [key for key in items.units if not key.startswith(("agg:", "rank:"))]
        kinds = list(dict.fromkeys(version.statute.kind_chain(k)[0] for k in items._kinds_used()))
        return items._facts_read(order) + kinds if used else []
    compiler = SqlCompiler(version)
    return compiler._facts_read(compiler._needed(decisions))


def make_engine(name: str, threads: int | None = None):
    """The engine called ``name`` (duckdb, spark)."""
    if name == "spark":
        from lexproof.verifier.spark_engine import SparkEngine

        return SparkEngine()
    from lexproof.verifier.sql_engine import DuckDBEngine

    return DuckDBEngine(threads=threads)
