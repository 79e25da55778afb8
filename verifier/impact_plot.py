"""``lexproof impact --plot FILE.svg|FILE.png``: pictures of an impact report.

One panel per numeric decision (a histogram of the change among the cases whose value changes,
in 20 bins between the smallest and largest change) and, with ``--by``, one panel per decision
of the cases that gain/lose or become/lose eligibility per group. SVG is written by hand (no
dependency); PNG needs matplotlib (``pip install 'lexproof[plot]'``).

The bins are counted by the engine over exact integer keys (``verifier/impact.py``), so a
histogram never puts a case in the wrong bin by rounding."""

from __future__ import annotations

from fractions import Fraction
from html import escape
from pathlib import Path

import sqlglot

from lexproof.dsl.diagnostics import Diagnostic, LexproofError
from lexproof.dsl.source import Span

BINS = 20
WIDTH, PANEL_HEIGHT, MARGIN = 760, 260, 60


def histogram(engine, report, item) -> list[tuple[Fraction, Fraction, int]]:
    """(low, high, count) of the change in ``BINS`` equal bins between the smallest and the
    largest change, over the changed rows (bin edges exact fractions)."""
    if not item.deciles:
        return []
    low, high = Fraction(item.deciles[0]), Fraction(item.deciles[-1])
    if low == high:
        return [(low, high, item.changed)]
    from lexproof.verifier.impact import change_key

    key, scale = change_key(engine, item)
    width = (high - low) / BINS
    # bin = floor((k/scale - low) / width) = floor((k - low*scale) * BINS / ((high - low) * scale))
    span = (high - low) * scale
    offset = low * scale
    numerator = f"((CAST({key} AS {engine.int_type})) * {offset.denominator} - {offset.numerator}) * {BINS} * {span.denominator}"
    denominator = span.numerator * offset.denominator
    rows = engine.query(f"SELECT CASE WHEN b >= {BINS} THEN {BINS - 1} ELSE b END AS bin, count(*) FROM "
                        f"(SELECT ({numerator}) // {denominator} AS b FROM outcomes "
                        f"WHERE {change_filter(item)} AND ({key}) <> 0) AS bins "
                        f"GROUP BY 1")
    counts = {int(b): c for b, c in rows}
    return [(low + i * width, low + (i + 1) * width, counts.get(i, 0)) for i in range(BINS)]


def change_filter(item) -> str:
    from lexproof.verifier.impact import _both_changed

    return _both_changed(item.decision, item.type)


def _edge(value: Fraction, info_type) -> str:
    """A bin's lower edge as a short label (rounded for reading only: the counts are exact)."""
    if info_type.kind == "money":
        return f"≥ €{float(value):,.2f}"
    if info_type.kind == "int":
        return f"≥ {value}"
    return f"≥ {float(value):.4g}"


SWEEP_POINTS = 25
SWEEP_SAMPLE = 1000


def sweep(engine, report, fact: str) -> list[tuple[str, list[Fraction], list[tuple[Fraction | None, Fraction | None]]]]:
    """"Sweep one fact, keep the rest": the first ``SWEEP_SAMPLE`` cases of the population with
    ``fact`` set to each of ``SWEEP_POINTS`` values from its smallest to its largest value in
    the population (rounded to the fact's unit), every numeric or bool decision in both
    versions; per decision the points and the mean outcome before and after (exact: the sum of
    the values over the cases with a value, divided by their number; None where no case has
    one; a bool's mean is the share that is true)."""
    from lexproof.verifier.sql_compile import den_column, status_column, value_column
    from lexproof.verifier.sql_items import compiler_for

    before, after = report.versions
    statute = before.statute
    info = statute.facts[fact]
    unit = 1 if info.type.kind == "int" else Fraction(1, 100)
    low, high = engine.query(f'SELECT min("{fact}"), max("{fact}") FROM population')[0]
    if low is None:
        return []
    low, high = Fraction(str(low)), Fraction(str(high))
    points = sorted({(low + (high - low) * i / (SWEEP_POINTS - 1)) // unit * unit for i in range(SWEEP_POINTS)})
    values = ", ".join(f"({_decimal(p)}, {i})" for i, p in enumerate(points))
    sql_type = {"int": "BIGINT", "money": "DECIMAL(38,2)"}.get(info.type.kind, "DECIMAL(38,12)")
    # Every copy of a case gets a row number of its own: the tables of a statute's items are
    # joined to their case on __row, and copies sharing one would each get every copy's items
    # (sums times the number of points, and a join that grows with its square).
    source = sqlglot.parse_one(
        f'SELECT * REPLACE (CAST(g.v AS {sql_type}) AS "{fact}", p.__row * {len(points)} + g.i AS __row), '
        f'g.v AS __sweep FROM (SELECT * FROM population ORDER BY __row LIMIT {SWEEP_SAMPLE}) AS p '
        f'CROSS JOIN (VALUES {values}) AS g(v, i)',
        read="duckdb")
    names = [item.decision for item in report.decisions if item.type.is_numeric or item.type.kind == "bool"]
    results = []
    for version in (before, after):
        compiled = compiler_for(version, "duckdb").sql(source, names, ["__sweep"])
        parts = []
        for name in names:
            kind = statute.decisions[name].type
            value = f'"{value_column(name)}"'
            number = f"CASE WHEN {value} THEN 1 ELSE 0 END" if kind.kind == "bool" else value
            den = f'"{den_column(name)}"' if kind.is_rational else "1"
            defined = f'"{status_column(name)}" IN (\'decided\', \'default\')'
            parts.append(f"list(struct_pack(n := {number}, d := {den})) FILTER (WHERE {defined})")
        rows = engine.query(f"SELECT __sweep, {', '.join(parts)} FROM ({compiled}) AS o GROUP BY __sweep")
        by_point = {Fraction(str(row[0])): row[1:] for row in rows}
        results.append(by_point)
    panels = []
    for index, name in enumerate(names):
        means = []
        for point in points:
            pair = []
            for by_point in results:
                listed = by_point.get(point, [None] * len(names))[index] or []
                total = sum((Fraction(int(e["n"]), int(e["d"])) for e in listed), Fraction(0))
                pair.append(total / len(listed) if listed else None)
            means.append((pair[0], pair[1]))
        results_name = f"{name}: mean over {SWEEP_SAMPLE:,} cases with {fact} set to each value (before, after)"
        panels.append((results_name, points, means))
    return panels


def _decimal(value: Fraction) -> str:
    """An exact decimal literal of a value in whole cents (or a whole number)."""
    cents = value * 100
    assert cents.denominator == 1
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(int(cents)), 100)
    return f"{sign}{whole}.{rest:02d}"


def write_plot(engine, report, path: str | Path, sweeps: list[str] = ()) -> None:  # type: ignore[assignment]
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".svg", ".png"):
        raise LexproofError(Diagnostic(Span("<command line>", 1, 1, 1, 1), f"--plot {path}: give a .svg or .png file"))
    lines = [panel for fact in sweeps for panel in sweep(engine, report, fact)]
    if suffix == ".svg":
        target.write_text(svg_text(engine, report, lines), encoding="utf-8")
    else:
        _png(report_panels(engine, report), target, lines)


def svg_text(engine, report, lines: list = ()) -> str:  # type: ignore[assignment]
    """The plot as SVG text (what ``--plot FILE.svg`` writes; the workbench shows it), with the
    sweep panels ``lines`` (``--sweep``) below the bar charts."""
    return _svg(report_panels(engine, report), lines)


def report_panels(engine, report) -> list[tuple[str, list[str], list[int]]]:
    """The panels of a report's plot: (title, bar labels, counts)."""
    panels: list = []
    for item in report.decisions:
        if item.numeric and item.deciles:
            bars = histogram(engine, report, item)
            labels = [_edge(low, item.type) for low, _, _ in bars]
            panels.append((f"{item.decision}: change among the {item.changed:,} cases whose value changes",
                           labels, [count for _, _, count in bars]))
        if report.by and item.groups:
            gain = "gain" if item.numeric else "become eligible"
            lose = "lose" if item.numeric else "lose eligibility"
            labels = [", ".join(str(k) for k in key) for key, _ in item.groups]
            for word in (gain, lose):
                counts = [figures.counts.get(word, 0) for _, figures in item.groups]
                if any(counts):  # "nobody loses" is in the report; an empty panel says nothing
                    panels.append((f"{item.decision}: cases that {word} per {', '.join(report.by)}", labels, counts))
    return panels


def _svg_lines(panel, top: float) -> list[str]:
    """A panel of the mean outcome against the swept fact: before grey, after blue."""
    title, points, means = panel
    parts = [f'<text x="{MARGIN}" y="{top + 20}" font-size="13">{escape(title)}</text>']
    known = [float(v) for pair in means for v in pair if v is not None]
    if not known or len(points) < 2:
        return parts
    lowest, highest = min(known), max(known)
    spread = (highest - lowest) or 1.0
    plot_height = PANEL_HEIGHT - 90
    x0, x1 = float(points[0]), float(points[-1])

    def xy(point: Fraction, value: Fraction) -> str:
        x = MARGIN + (float(point) - x0) / ((x1 - x0) or 1.0) * (WIDTH - 2 * MARGIN)
        y = top + 30 + plot_height - (float(value) - lowest) / spread * plot_height
        return f"{x:.1f},{y:.1f}"

    for slot, colour, label in ((0, "#999999", "before"), (1, "#3b6ea5", "after")):
        coords = " ".join(xy(p, pair[slot]) for p, pair in zip(points, means) if pair[slot] is not None)
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2">'
                     f'<title>{label}</title></polyline>')
    parts.append(f'<text x="{MARGIN - 5}" y="{top + 35}" text-anchor="end">{highest:,.4g}</text>')
    parts.append(f'<text x="{MARGIN - 5}" y="{top + 30 + plot_height}" text-anchor="end">{lowest:,.4g}</text>')
    parts.append(f'<text x="{MARGIN}" y="{top + 50 + plot_height}">{x0:,.4g}</text>')
    parts.append(f'<text x="{WIDTH - MARGIN}" y="{top + 50 + plot_height}" text-anchor="end">{x1:,.4g}</text>')
    parts.append(f'<text x="{WIDTH - MARGIN}" y="{top + 20}" text-anchor="end" fill="#3b6ea5">after</text>')
    parts.append(f'<text x="{WIDTH - MARGIN - 40}" y="{top + 20}" text-anchor="end" fill="#999999">before</text>')
    return parts


def _svg(panels: list[tuple[str, list[str], list[int]]], lines: list = ()) -> str:  # type: ignore[assignment]
    height = max(1, len(panels) + len(lines)) * PANEL_HEIGHT
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" font-family="sans-serif" '
             f'font-size="11"><rect width="100%" height="100%" fill="white"/>']
    for index, (title, labels, counts) in enumerate(panels):
        top = index * PANEL_HEIGHT
        parts.append(f'<text x="{MARGIN}" y="{top + 20}" font-size="13">{escape(title)}</text>')
        plot_height = PANEL_HEIGHT - 90
        peak = max(counts) or 1
        slot = (WIDTH - 2 * MARGIN) / max(1, len(counts))
        for i, (label, count) in enumerate(zip(labels, counts)):
            bar = plot_height * count / peak
            x = MARGIN + i * slot
            y = top + 30 + plot_height - bar
            parts.append(f'<rect x="{x + 1:.1f}" y="{y:.1f}" width="{max(1, slot - 2):.1f}" height="{bar:.1f}" '
                         f'fill="#3b6ea5"><title>{escape(label)}: {count:,}</title></rect>')
            if len(counts) <= 12 or i % 4 == 0:
                parts.append(f'<text x="{x + slot / 2:.1f}" y="{top + 45 + plot_height}" text-anchor="end" '
                             f'transform="rotate(-30 {x + slot / 2:.1f} {top + 45 + plot_height})">{escape(label)}</text>')
        parts.append(f'<text x="{MARGIN - 5}" y="{top + 35}" text-anchor="end">{peak:,}</text>')
        parts.append(f'<line x1="{MARGIN}" y1="{top + 30 + plot_height}" x2="{WIDTH - MARGIN}" '
                     f'y2="{top + 30 + plot_height}" stroke="black"/>')
    for index, panel in enumerate(lines):
        parts += _svg_lines(panel, (len(panels) + index) * PANEL_HEIGHT)
    parts.append("</svg>\n")
    return "\n".join(parts)


def _png(panels: list[tuple[str, list[str], list[int]]], target: Path, lines: list = ()) -> None:  # type: ignore[assignment]
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise LexproofError(Diagnostic(Span("<command line>", 1, 1, 1, 1),
                                       "--plot FILE.png needs matplotlib: pip install 'lexproof[plot]' (or give FILE.svg)")) from None
    count = max(1, len(panels) + len(lines))
    figure, axes = plt.subplots(count, 1, figsize=(9, 3 * count), squeeze=False)
    for axis, (title, points, means) in zip(axes[len(panels):, 0], lines):
        for slot, colour, label in ((0, "#999999", "before"), (1, "#3b6ea5", "after")):
            shown = [(float(p), float(pair[slot])) for p, pair in zip(points, means) if pair[slot] is not None]
            axis.plot([x for x, _ in shown], [y for _, y in shown], color=colour, label=label)
        axis.set_title(title, fontsize=10)
        axis.legend(fontsize=8)
    for axis, (title, labels, counts) in zip(axes[:, 0], panels):
        axis.bar(range(len(counts)), counts, color="#3b6ea5")
        axis.set_title(title, fontsize=10)
        step = 1 if len(labels) <= 12 else 4
        axis.set_xticks(range(0, len(labels), step), labels[::step], rotation=30, ha="right", fontsize=8)
    figure.tight_layout()
    figure.savefig(target, dpi=100)
    plt.close(figure)
