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

from dsl.diagnostics import Diagnostic, LexproofError
from dsl.source import Span

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
    from verifier.impact import change_key

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
    from verifier.impact import _both_changed

    return _both_changed(item.decision, item.type)


def _edge(value: Fraction, info_type) -> str:
    """A bin's lower edge as a short label (rounded for reading only: the counts are exact)."""
    if info_type.kind == "money":
        return f"≥ €{float(value):,.2f}"
    if info_type.kind == "int":
        return f"≥ {value}"
    return f"≥ {float(value):.4g}"


def write_plot(engine, report, path: str | Path) -> None:
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".svg", ".png"):
        raise LexproofError(Diagnostic(Span("<command line>", 1, 1, 1, 1), f"--plot {path}: give a .svg or .png file"))
    if suffix == ".svg":
        target.write_text(svg_text(engine, report), encoding="utf-8")
    else:
        _png(report_panels(engine, report), target)


def svg_text(engine, report) -> str:
    """The plot as SVG text (what ``--plot FILE.svg`` writes; the workbench shows it)."""
    return _svg(report_panels(engine, report))


def report_panels(engine, report) -> list[tuple[str, list[str], list[int]]]:
    """The panels of a report's plot: (title, bar labels, counts)."""
    panels = []
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


def _svg(panels: list[tuple[str, list[str], list[int]]]) -> str:
    height = max(1, len(panels)) * PANEL_HEIGHT
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
    parts.append("</svg>\n")
    return "\n".join(parts)


def _png(panels: list[tuple[str, list[str], list[int]]], target: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise LexproofError(Diagnostic(Span("<command line>", 1, 1, 1, 1),
                                       "--plot FILE.png needs matplotlib: pip install 'lexproof[plot]' (or give FILE.svg)")) from None
    figure, axes = plt.subplots(max(1, len(panels)), 1, figsize=(9, 3 * max(1, len(panels))), squeeze=False)
    for axis, (title, labels, counts) in zip(axes[:, 0], panels):
        axis.bar(range(len(counts)), counts, color="#3b6ea5")
        axis.set_title(title, fontsize=10)
        step = 1 if len(labels) <= 12 else 4
        axis.set_xticks(range(0, len(labels), step), labels[::step], rotation=30, ha="right", fontsize=8)
    figure.tight_layout()
    figure.savefig(target, dpi=100)
    plt.close(figure)
