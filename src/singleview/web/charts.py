"""Server-drawn SVG bar charts, each shown beside a data table with the same numbers.

Drawn on the server so the insights page works without scripts and needs no chart library; the
SVG is marked ``role="img"`` with a title naming what it shows, and the table below it is the
accessible alternative (screen readers get the numbers, not the drawing).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

#: GOV.UK Design System colours, distinguishable at AA contrast against white.
PALETTE = ("#1d70b8", "#00703c", "#d4351c", "#f47738", "#4c2c92", "#505a5f", "#912b88", "#28a197")


@dataclass(frozen=True, slots=True)
class Series:
    """One named series of values, one per category."""

    name: str
    values: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    """A stacked bar chart: categories along the bottom, one stack per category."""

    chart_id: str
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = "enquiries"

    def totals(self) -> tuple[float, ...]:
        """The height of each stack."""
        return tuple(sum(s.values[i] for s in self.series) for i in range(len(self.categories)))


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    step = 1.0
    while step * 10 < value:
        step *= 10
    for factor in (1, 2, 5, 10):
        if step * factor >= value:
            return step * factor
    return step * 10


def _steps(top_value: float) -> int:
    """How many gridlines above nought: five, or four, when each lands on a whole number, as
    counts of enquiries should (a top of 1, 2 or 5 gets one line per whole number)."""
    for steps in (5, 4, 2, 1):
        if (top_value / steps).is_integer():
            return steps
    return 4


def bar_chart_svg(chart: Chart, width: int = 640, height: int = 260) -> str:
    """The chart as an SVG element (a string of markup, already escaped)."""
    left, bottom, top = 48, 60, 16
    plot_w, plot_h = width - left - 8, height - bottom - top
    top_value = _nice_max(max(chart.totals(), default=0.0))
    n = max(len(chart.categories), 1)
    slot = plot_w / n
    bar_w = max(min(slot * 0.7, 60), 2)
    parts = [
        f'<svg class="sv-chart" role="img" aria-labelledby="{chart.chart_id}-title" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart.chart_id}-title">{escape(chart.title)}</title>',
    ]
    steps = _steps(top_value)
    for tick in range(steps + 1):
        value = top_value * tick / steps
        y = top + plot_h - plot_h * tick / steps
        parts.append(
            f'<line x1="{left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="#b1b4b6"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{value:g}</text>'
        )
    for i, category in enumerate(chart.categories):
        x = left + slot * i + (slot - bar_w) / 2
        base = float(top + plot_h)
        for colour, series in zip(PALETTE * 4, chart.series, strict=False):
            h = plot_h * series.values[i] / top_value
            if h > 0:
                base -= h
                parts.append(
                    f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                    f'fill="{colour}"/>'
                )
        label = escape(category if len(category) <= 14 else category[:13] + "…")
        cx = x + bar_w / 2
        parts.append(
            f'<text x="{cx:.1f}" y="{top + plot_h + 16}" text-anchor="end" '
            f'transform="rotate(-30 {cx:.1f} {top + plot_h + 16})">{label}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def legend(chart: Chart) -> list[tuple[str, str]]:
    """Each series' name with its colour, for the key under the chart."""
    return [(s.name, colour) for s, colour in zip(chart.series, PALETTE * 4, strict=False)]
