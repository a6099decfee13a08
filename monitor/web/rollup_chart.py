"""The roll-up page's charts, drawn server-side as SVG like ``chart.py``: a small time
series per rate (one point per year) and a horizontal bar chart of agencies.

No script and no network; every label goes through ``markupsafe.escape``; axis tops come
from ``chart._nice`` and long numbers print through ``chart._fmt``, so any figure a report
holds draws.
"""

from __future__ import annotations

import math
from typing import Any

from markupsafe import Markup, escape

from .chart import _fmt, _nice

LINE = "#1565c0"
BAR = "#2e7d32"


def _num(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return float(v) if math.isfinite(v) else None


def _label(v: float, percent: bool) -> str:
    if percent:
        return f"{v * 100:.1f}%"
    return _fmt(int(v))


def rate_svg(history: list[dict[str, Any]], key: str, label: str, *, percent: bool = True,
             width: int = 300, height: int = 170) -> Markup:
    """One rate over the years: a line through the years that have a value."""
    points = [(h["year"], _num(h["rates"].get(key))) for h in history]
    if not any(v is not None for _, v in points):
        return Markup(f'<p class="muted">{escape(label)}：没有可绘制的数据。</p>')
    left, right, top, bottom = 44, 10, 22, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    peak_raw = max(max(0.0, v) for _, v in points if v is not None)
    peak = 1.0 if percent and peak_raw <= 1 else float(_nice(math.ceil(peak_raw)))
    peak = peak or 1.0
    step = plot_w / max(len(points), 1)

    def y(v: float) -> float:
        return top + plot_h - plot_h * min(max(v, 0.0), peak) / peak

    parts = [f'<svg class="chart rate" xmlns="http://www.w3.org/2000/svg" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
             f'aria-label="{escape(label)}历年趋势" data-rate="{escape(key)}">',
             f'<text x="{left}" y="14" font-size="12" font-weight="bold">{escape(label)}</text>']
    for i in range(5):
        v = peak * i / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
                     f'stroke="#ddd"/><text x="{left - 4}" y="{y(v) + 4:.1f}" font-size="10" '
                     f'text-anchor="end">{escape(_label(v, percent))}</text>')
    line = []
    for i, (year, value) in enumerate(points):
        cx = left + step * (i + 0.5)
        parts.append(f'<text x="{cx:.1f}" y="{height - 8}" font-size="10" '
                     f'text-anchor="middle">{escape(year)}</text>')
        if value is not None:
            line.append((cx, y(value), year, value))
    if len(line) > 1:
        pts = " ".join(f"{x:.1f},{yy:.1f}" for x, yy, _, _ in line)
        parts.append(f'<polyline points="{pts}" fill="none" stroke="{LINE}" stroke-width="2"/>')
    for x, yy, year, v in line:
        parts.append(f'<circle cx="{x:.1f}" cy="{yy:.1f}" r="3.5" fill="{LINE}">'
                     f'<title>{escape(year)}年 {escape(label)}：{escape(_label(v, percent))}'
                     f'</title></circle>')
    parts.append("</svg>")
    return Markup("".join(parts))


def bars_svg(items: list[dict[str, Any]], label: str, *, width: int = 640) -> Markup:
    """Agencies as horizontal bars, in the order given (``{"agency", "value"}``)."""
    rows = [(str(x["agency"]), v) for x in items if (v := _num(x["value"])) is not None]
    if not rows:
        return Markup(f'<p class="muted">{escape(label)}：没有已汇总的机关。</p>')
    bar_h, gap, left, right, top = 18, 6, 200, 70, 8
    height = top + len(rows) * (bar_h + gap) + 8
    peak = _nice(math.ceil(max(max(v, 0.0) for _, v in rows)))
    plot_w = width - left - right
    parts = [f'<svg class="chart bars" xmlns="http://www.w3.org/2000/svg" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
             f'aria-label="{escape(label)}">']
    for i, (agency, v) in enumerate(rows):
        yy = top + i * (bar_h + gap)
        w = plot_w * max(v, 0.0) / peak
        name = agency if len(agency) <= 14 else agency[:13] + "…"
        parts.append(f'<text x="{left - 6}" y="{yy + bar_h - 5}" font-size="11" '
                     f'text-anchor="end">{escape(name)}<title>{escape(agency)}</title></text>'
                     f'<rect x="{left}" y="{yy}" width="{w:.1f}" height="{bar_h}" fill="{BAR}">'
                     f'<title>{escape(agency)}：{escape(_fmt(int(v)))}</title></rect>'
                     f'<text x="{left + w + 4:.1f}" y="{yy + bar_h - 5}" font-size="11">'
                     f'{escape(_fmt(int(v)))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
