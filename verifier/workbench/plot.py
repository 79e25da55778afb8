"""An outcome against one numeric fact, before and after an amendment, as an SVG drawn here
(a few lines and labels; no plotting library, nothing fetched). Text in the SVG is escaped."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from html import escape

from lexproof.dsl.consolidate import version_on
from lexproof.dsl.evaluator import Evaluator
from lexproof.dsl.model import Program
from lexproof.verifier import api

MAX_POINTS = 121  # every whole number of an age range (0..120), so that steps are exact
WIDTH, HEIGHT, MARGIN = 640, 300, 56


@dataclass
class Series:
    label: str
    colour: str
    dash: str
    values: list[float | None]  # None: the outcome is undefined there


def sample_points(low: Fraction, high: Fraction, integral: bool) -> list[Fraction]:
    """At most MAX_POINTS values from low to high, both included; whole numbers for int facts."""
    if high < low:
        low, high = high, low
    if integral and high - low + 1 <= MAX_POINTS:
        return [Fraction(v) for v in range(int(low), int(high) + 1)]
    step = (high - low) / (MAX_POINTS - 1)
    points = [low + step * i for i in range(MAX_POINTS)]
    if integral:
        points = sorted({Fraction(round(p)) for p in points})
    return points


def outcome_series(program: Program, amendment: str, decision: str, fact: str, case: dict[str, object],
                   low: Fraction, high: Fraction) -> tuple[list[Fraction], list[Series]]:
    """The decision's value at each sampled value of ``fact`` (the other facts as in ``case``),
    in the two versions ``lexproof diff --amendment`` compares: on the amendment's in-force
    date without it and with it."""
    statute = api.statute_of_amendment(program, amendment)
    info = statute.amendments[amendment]
    before = version_on(statute, info.in_force, exclude=(amendment,))
    after = version_on(statute, info.in_force, include=(amendment,))
    kind = statute.facts[fact].type.kind
    xs = sample_points(low, high, kind == "int")
    base = api.read_case(statute, case, version=after)
    series = []
    for label, colour, dash, version in (("before", "#b0413e", "6 4", before), ("after", "#2f6f9f", "", after)):
        values: list[float | None] = []
        for x in xs:
            facts = dict(base)
            facts[fact] = int(x) if kind == "int" else x
            facts = {k: v for k, v in facts.items() if version.has_fact(k)}
            outcome = Evaluator({None: version}, {None: facts}).decision(decision)
            values.append(_number(outcome.value) if outcome.defined else None)
        series.append(Series(f"{label}: {version.label}", colour, dash, values))
    return xs, series


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, Fraction, float)):
        return float(value)
    return None


def svg(xs: list[Fraction], series: list[Series], x_label: str, y_label: str, undefined_label: str,
        boolean: bool = False) -> str:
    """The plot as an SVG document: each series a step line, the axes with their end values
    (for a yes/no outcome: false and true, at 0 and 1)."""
    values = [v for s in series for v in s.values if v is not None]
    y_low, y_high = (0.0, 1.0) if boolean else (min(values), max(values)) if values else (0.0, 1.0)
    if y_high == y_low:
        y_low, y_high = y_low - 1, y_high + 1
    x_low, x_high = float(xs[0]), float(xs[-1]) if len(xs) > 1 else float(xs[0]) + 1
    if x_high == x_low:
        x_high = x_low + 1

    def px(x: float) -> float:
        return MARGIN + (x - x_low) / (x_high - x_low) * (WIDTH - 2 * MARGIN)

    def py(y: float) -> float:
        return HEIGHT - MARGIN - (y - y_low) / (y_high - y_low) * (HEIGHT - 2 * MARGIN)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="plot" role="img" width="{WIDTH}" height="{HEIGHT + 40}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT + 40}">',
             f'<title>{escape(y_label)} / {escape(x_label)}</title>',
             f'<line x1="{MARGIN}" y1="{HEIGHT - MARGIN}" x2="{WIDTH - MARGIN}" y2="{HEIGHT - MARGIN}" stroke="#333"/>',
             f'<line x1="{MARGIN}" y1="{MARGIN}" x2="{MARGIN}" y2="{HEIGHT - MARGIN}" stroke="#333"/>',
             f'<text x="{WIDTH / 2}" y="{HEIGHT - 16}" text-anchor="middle">{escape(x_label)}</text>',
             f'<text x="14" y="{HEIGHT / 2}" transform="rotate(-90 14 {HEIGHT / 2})" text-anchor="middle">{escape(y_label)}</text>',
             f'<text x="{MARGIN}" y="{HEIGHT - MARGIN + 16}" text-anchor="middle">{_short(x_low)}</text>',
             f'<text x="{WIDTH - MARGIN}" y="{HEIGHT - MARGIN + 16}" text-anchor="middle">{_short(x_high)}</text>',
             f'<text x="{MARGIN - 4}" y="{py(y_low) + 4}" text-anchor="end">{"false" if boolean else _short(y_low)}</text>',
             f'<text x="{MARGIN - 4}" y="{py(y_high) + 4}" text-anchor="end">{"true" if boolean else _short(y_high)}</text>']
    for index, line in enumerate(series):
        for segment in _segments(xs, line.values):
            points = []
            for i, (x, y) in enumerate(segment):
                if i:  # a step: the value holds until the next sample
                    points.append(f"{px(x):.1f},{py(segment[i - 1][1]):.1f}")
                points.append(f"{px(x):.1f},{py(y):.1f}")
            parts.append(f'<polyline class="series-{index}" fill="none" stroke="{line.colour}" stroke-width="2.5" '
                         f'stroke-dasharray="{line.dash}" points="{" ".join(points)}"/>')
        legend_y = HEIGHT + 8 + 16 * index
        parts.append(f'<line x1="{MARGIN}" y1="{legend_y - 4}" x2="{MARGIN + 30}" y2="{legend_y - 4}" stroke="{line.colour}" '
                     f'stroke-width="2.5" stroke-dasharray="{line.dash}"/>')
        missing = sum(v is None for v in line.values)
        note = f" ({missing}× {undefined_label})" if missing else ""
        parts.append(f'<text x="{MARGIN + 38}" y="{legend_y}">{escape(line.label + note)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _segments(xs: list[Fraction], values: list[float | None]) -> list[list[tuple[float, float]]]:
    """The runs of defined values (an undefined outcome breaks the line)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for x, y in zip(xs, values):
        if y is None:
            runs.append([])
        else:
            runs[-1].append((float(x), y))
    return [run for run in runs if run]


def _short(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:.2f}"


def default_range(low: object, high: object, around: Fraction) -> tuple[Fraction, Fraction]:
    """The fact's declared range, else twice the case's value around zero."""
    lo = Fraction(low) if low is not None else min(Fraction(0), around * 2)  # type: ignore[arg-type]
    hi = Fraction(high) if high is not None else max(Fraction(10), around * 2)  # type: ignore[arg-type]
    return lo, hi

