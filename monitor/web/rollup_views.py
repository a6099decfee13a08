"""The roll-up page (``/rollup``), its JSON twin (``/api/rollup``) and its workbook
(``/rollup.xlsx``): ``nianbao rollup`` and ``nianbao export --format xlsx`` in the browser.

``?region=`` must be a registered region or a path above one (anything else is a 400, as
is a ``?year=`` outside the years a report can be about); without ``?year=`` the page
shows the latest year any report was archived for.
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, abort, jsonify, render_template, request
from sqlalchemy import select

from archive.models import Agency
from archive.registry import normalise_region
from archive.rollup import RATES, rollup
from monitor.rollup import facts as load_facts

from .rollup_chart import bars_svg, rate_svg
from .views import YEARS, data, int_arg

bp = Blueprint("rollup", __name__)
STATUS_CN = {"included": "已汇总", "missing": "未发布", "unreadable": "无法解析",
             "invalid": "数据有误", "no_tables": "无统计表"}


def _regions() -> list[str]:
    """Every registered region and every path above one, outermost first."""
    with data().archive.Session() as s:
        have = {r for r in s.scalars(select(Agency.region)) if r}
    out: set[str] = set()
    for r in have:
        segs = r.split("/")
        out.update("/".join(segs[:i]) for i in range(1, len(segs) + 1))
    return sorted(out, key=lambda r: (r.count("/"), r))


def _args() -> tuple[str | None, int, list[str], list[int]]:
    regions = _regions()
    region = normalise_region(request.args.get("region", ""))
    if region is not None and region not in regions:
        abort(400, "未登记的地区；请从列表中选择")
    years = data().years()
    year = int_arg("year", "年度", *YEARS)
    if year is None:
        year = years[0] if years else YEARS[0]
    return region, year, regions, years


def _rollup() -> tuple[dict[str, Any], list[str], list[int], list[Any]]:
    region, year, regions, years = _args()
    facts = load_facts(data().archive, region, through=year)
    return rollup(facts, year, region), regions, years, facts


@bp.route("/rollup")
def page() -> str:
    r, regions, years, _ = _rollup()
    charts = {key: rate_svg(r["history"], key, label, percent=key != "applications")
              for key, (label, _) in RATES.items()}
    apps = sorted(r["rankings"]["applications"], key=lambda x: x["rank"])
    granted = [{**x, "value": x["value"] * 100} for x in r["rankings"]["granted_rate"]]
    return render_template(
        "rollup.html", r=r, regions=regions, years=years, charts=charts,
        bars=bars_svg(apps, "各机关申请量"),
        granted_bars=bars_svg(granted, "各机关予以公开率（%）"),
        status=STATUS_CN, rates=RATES,
        query={k: v for k, v in (("region", r["region"]), ("year", r["year"])) if v})


@bp.route("/api/rollup")
def api() -> Response:
    return jsonify(_rollup()[0])


@bp.route("/rollup.xlsx")
def xlsx() -> Response:
    from monitor.workbook import build

    r, _, _, facts = _rollup()
    buf = io.BytesIO()
    build(facts, r["year"], r["region"]).save(buf)
    name = f"{(r['region'] or '全部机关').replace('/', '-')}-{r['year']}.xlsx"
    return Response(buf.getvalue(), mimetype="application/vnd.openxmlformats-officedocument"
                    ".spreadsheetml.sheet",
                    headers={"Content-Disposition": "attachment; filename=rollup.xlsx; "
                             f"filename*=UTF-8''{quote(name)}"})

