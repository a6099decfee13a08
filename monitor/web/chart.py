"""A trend chart of applications received and their outcomes, drawn server-side as SVG.

No script and no network: the page carries the picture itself. Labels go through
``markupsafe.escape`` like everything else on the pages.

The numbers come from reports nobody here controls (a misread cell can hold 30 digits, a
sign, or nothing): the chart draws any of them. Axis and bars are computed in integers,
negative counts are drawn as zero, and numbers too long to print are shown rounded.
"""

from __future__ import annotations

import math
from typing import Any

from markupsafe import Markup, escape

from archive.record import get_path

#: stacked outcome bars: (label, colour, row keys whose 总计 add up)
OUTCOMES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("予以公开", "#2e7d32", ("granted",)),
    ("部分公开", "#81c784", ("partially_granted",)),
    ("不予公开", "#c62828", ("denied",)),
    ("无法提供", "#ef6c00", ("unable",)),
    ("不予处理", "#8e24aa", ("not_processed",)),
    ("其他处理", "#607d8b", ("other_handling",)),
)
RECEIVED = ("新收申请", "#1565c0")


def _count(v: Any) -> int | None:
    """A cell as an integer: ints as they are, finite floats truncated, else None."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, float) and math.isfinite(v):
        return int(v)
    return None


def _total(node: Any, depth: int = 0) -> int | None:
    """A row's 总计, or the sum of its sub-rows' (不予公开 has eight); None when blank."""
    if not isinstance(node, dict) or depth > 20:
        return None
    if "total" in node and not isinstance(node["total"], dict):
        return _count(node["total"])
    vals = [t for x in node.values() if (t := _total(x, depth + 1)) is not None]
    return sum(vals) if vals else None


def series(reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per year with 表三 figures: received and each outcome's 总计."""
    out = []
    for r in reports:
        apps = r.get("applications") or {}
        if not apps or not isinstance(apps, dict):
            continue
        out.append({"year": r["year"], "received": _total(get_path(apps, "new_received")),
                    "outcomes": [_total(get_path(apps, keys[0])) or 0
                                 for _, _, keys in OUTCOMES]})
    return out


def _nice(v: int) -> int:
    """A round top for the axis, divisible into four integer steps (4, 8, 20, 40, 100…),
    for any integer (at most 4 for nothing or less)."""
    if v <= 0:
        return 4
    need = -(-v // 4)  # the smallest step that reaches v
    k = max(0, int(math.log10(need)) - 1)  # log10 of any int; one lower against rounding
    while True:
        for m in (1, 2, 5):
            if m * 10**k >= need:
                return 4 * m * 10**k
        k += 1


def _fmt(v: int) -> str:
    """A number as a label: exact up to 12 digits, else rounded (1.23e+29), never the
    thousands of digits a broken cell may hold."""
    if abs(v) < 10**12:
        return str(v)
    e = int(math.log10(abs(v)))
    m = v / 10**e  # exact-rounded int division, no float overflow
    if abs(m) >= 9.995:
        m, e = m / 10, e + 1
    return f"{m:.2f}e+{e}"


def _drawn(v: int | None) -> int:
    """What a bar or point is drawn at: counts below zero are drawn as zero."""
    return max(0, v or 0)


def trend_svg(points: list[dict[str, Any]], width: int = 640, height: int = 260) -> Markup:
    if not points:
        return Markup('<p class="muted">没有可绘制的表三数据（旧版统计表或未解析）。</p>')
    left, right, top, bottom = 48, 12, 16, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice(max([_drawn(p["received"]) for p in points]
                     + [sum(_drawn(v) for v in p["outcomes"]) for p in points]))
    step = plot_w / len(points)
    bar_w = max(4.0, min(36.0, step * 0.5))

    def y(v: int) -> float:
        return top + plot_h - plot_h * (v / peak)  # v <= peak: a fraction, whatever v's size

    parts = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" aria-label="申请数量趋势">']
    for i in range(5):
        v = peak // 4 * i
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
                     f'stroke="#ddd"/><text x="{left - 6}" y="{y(v) + 4:.1f}" font-size="11" '
                     f'text-anchor="end">{_fmt(v)}</text>')
    line = []
    for i, p in enumerate(points):
        cx = left + step * (i + 0.5)
        base = 0
        for (label, colour, _), raw in zip(OUTCOMES, p["outcomes"], strict=True):
            v = _drawn(raw)
            if v:
                parts.append(f'<rect x="{cx - bar_w / 2:.1f}" y="{y(base + v):.1f}" '
                             f'width="{bar_w:.1f}" height="{y(base) - y(base + v):.1f}" '
                             f'fill="{colour}"><title>{escape(p["year"])}年 {escape(label)}：'
                             f'{escape(_fmt(raw))}</title></rect>')
                base += v
        parts.append(f'<text x="{cx:.1f}" y="{top + plot_h + 16}" font-size="11" '
                     f'text-anchor="middle">{escape(p["year"])}</text>')
        if p["received"] is not None:
            line.append((cx, y(_drawn(p["received"])), p))
    if line:
        pts = " ".join(f"{x:.1f},{yy:.1f}" for x, yy, _ in line)
        parts.append(f'<polyline points="{pts}" fill="none" stroke="{RECEIVED[1]}" '
                     f'stroke-width="2"/>')
        for x, yy, p in line:
            parts.append(f'<circle cx="{x:.1f}" cy="{yy:.1f}" r="3.5" fill="{RECEIVED[1]}">'
                         f'<title>{escape(p["year"])}年 {RECEIVED[0]}：{escape(_fmt(p["received"]))}'
                         f'</title></circle>')
    lx = left
    for label, colour in [RECEIVED, *((lab, col) for lab, col, _ in OUTCOMES)]:
        parts.append(f'<rect x="{lx}" y="{height - 20}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{lx + 14}" y="{height - 11}" font-size="11">{escape(label)}</text>')
        lx += 14 + 12 * len(label) + 14
    parts.append("</svg>")
    return Markup("".join(parts))
