"""A trend chart of applications received and their outcomes, drawn server-side as SVG.

No script and no network: the page carries the picture itself. Labels go through
``markupsafe.escape`` like everything else on the pages.
"""

from __future__ import annotations

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


def _total(node: Any) -> int | None:
    """A row's 总计, or the sum of its sub-rows' (不予公开 has eight); None when blank."""
    if not isinstance(node, dict):
        return None
    if "total" in node and not isinstance(node["total"], dict):
        v = node["total"]
        return int(v) if isinstance(v, int | float) else None
    vals = [t for x in node.values() if (t := _total(x)) is not None]
    return sum(vals) if vals else None


def series(reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per year with 表三 figures: received and each outcome's 总计."""
    out = []
    for r in reports:
        apps = r.get("applications") or {}
        if not apps:
            continue
        out.append({"year": r["year"], "received": _total(get_path(apps, "new_received")),
                    "outcomes": [_total(get_path(apps, keys[0])) or 0
                                 for _, _, keys in OUTCOMES]})
    return out


def _nice(v: float) -> int:
    """A round top for the axis, divisible into four integer steps (4, 8, 20, 40, 100…)."""
    steps = (m * 10 ** k for k in range(15) for m in (1, 2, 5))
    return 4 * next(st for st in steps if st * 4 >= v)


def trend_svg(points: list[dict[str, Any]], width: int = 640, height: int = 260) -> Markup:
    if not points:
        return Markup('<p class="muted">没有可绘制的表三数据（旧版统计表或未解析）。</p>')
    left, right, top, bottom = 48, 12, 16, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice(max([p["received"] or 0 for p in points] + [sum(p["outcomes"]) for p in points]))
    step = plot_w / len(points)
    bar_w = max(4.0, min(36.0, step * 0.5))

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / peak

    parts = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" aria-label="申请数量趋势">']
    for i in range(5):
        v = peak * i / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
                     f'stroke="#ddd"/><text x="{left - 6}" y="{y(v) + 4:.1f}" font-size="11" '
                     f'text-anchor="end">{v:.0f}</text>')
    line = []
    for i, p in enumerate(points):
        cx = left + step * (i + 0.5)
        base = 0.0
        for (label, colour, _), v in zip(OUTCOMES, p["outcomes"], strict=True):
            if v:
                parts.append(f'<rect x="{cx - bar_w / 2:.1f}" y="{y(base + v):.1f}" '
                             f'width="{bar_w:.1f}" height="{y(base) - y(base + v):.1f}" '
                             f'fill="{colour}"><title>{escape(p["year"])}年 {escape(label)}：'
                             f'{escape(v)}</title></rect>')
                base += v
        parts.append(f'<text x="{cx:.1f}" y="{top + plot_h + 16}" font-size="11" '
                     f'text-anchor="middle">{escape(p["year"])}</text>')
        if p["received"] is not None:
            line.append((cx, y(p["received"]), p))
    if line:
        pts = " ".join(f"{x:.1f},{yy:.1f}" for x, yy, _ in line)
        parts.append(f'<polyline points="{pts}" fill="none" stroke="{RECEIVED[1]}" '
                     f'stroke-width="2"/>')
        for x, yy, p in line:
            parts.append(f'<circle cx="{x:.1f}" cy="{yy:.1f}" r="3.5" fill="{RECEIVED[1]}">'
                         f'<title>{escape(p["year"])}年 {RECEIVED[0]}：{escape(p["received"])}'
                         f'</title></circle>')
    lx = left
    for label, colour in [RECEIVED, *((lab, col) for lab, col, _ in OUTCOMES)]:
        parts.append(f'<rect x="{lx}" y="{height - 20}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{lx + 14}" y="{height - 11}" font-size="11">{escape(label)}</text>')
        lx += 14 + 12 * len(label) + 14
    parts.append("</svg>")
    return Markup("".join(parts))
