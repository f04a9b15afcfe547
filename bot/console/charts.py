"""Small server-drawn SVG charts for the dashboard.

No JavaScript (the console's Content-Security-Policy allows none) and no chart
library: bars are rectangles with ``<title>`` tooltips; each chart is an image
with a text label for screen readers, and the dashboard prints the same numbers
in a table beside it.
"""
from __future__ import annotations

from typing import Sequence, Tuple

from markupsafe import Markup, escape

WIDTH = 640
BAR_HEIGHT = 22
LABEL_WIDTH = 190


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def columns(points: Sequence[Tuple[str, float]], *, title: str, unit: str = "", height: int = 160) -> Markup:
    """Vertical bars, one per point (e.g. per day); every seventh label is printed."""
    top = max((v for _, v in points), default=0) or 1
    n = max(len(points), 1)
    plot_h = height - 30
    step = (WIDTH - 40) / n
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}">',
        f'<text x="0" y="12" class="axis">{escape(_fmt(top))}{escape(unit)}</text>',
        f'<line x1="36" y1="{plot_h}" x2="{WIDTH}" y2="{plot_h}" class="base"/>',
    ]
    for i, (label, value) in enumerate(points):
        h = 0 if top == 0 else (value / top) * (plot_h - 16)
        x = 40 + i * step
        parts.append(
            f'<rect x="{x:.1f}" y="{plot_h - h:.1f}" width="{max(step - 2, 1):.1f}" height="{h:.1f}" class="bar">'
            f"<title>{escape(label)}: {escape(_fmt(value))}{escape(unit)}</title></rect>"
        )
        if i % 7 == 0:
            parts.append(f'<text x="{x:.1f}" y="{height - 8}" class="axis">{escape(label[5:])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def bars(items: Sequence[Tuple[str, float]], *, title: str, unit: str = "") -> Markup:
    """Horizontal bars with their labels and values, largest first as given."""
    top = max((v for _, v in items), default=0) or 1
    height = max(len(items), 1) * BAR_HEIGHT + 4
    room = WIDTH - LABEL_WIDTH - 70
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}">']
    if not items:
        parts.append('<text x="0" y="16" class="axis">No data yet</text>')
    for i, (label, value) in enumerate(items):
        y = i * BAR_HEIGHT + 2
        w = (value / top) * room
        shown = label if len(label) <= 28 else label[:27] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" class="label" text-anchor="end">{escape(shown)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{w:.1f}" height="{BAR_HEIGHT - 6}" class="bar">'
            f"<title>{escape(label)}: {escape(_fmt(value))}{escape(unit)}</title></rect>"
            f'<text x="{LABEL_WIDTH + w + 6:.1f}" y="{y + 15}" class="value">{escape(_fmt(value))}{escape(unit)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
