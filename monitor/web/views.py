"""The pages: each route renders a template and has a JSON twin under ``/api/``."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
)

from archive.record import T3_ROW_LABELS
from archive.search import get_search
from monitor.kinds import ALERT_LABELS

from .chart import series, trend_svg
from .queries import SEVERITIES, STATES, STATS_FIELDS, TEMPLATES, WebData
from .tables import tables

bp = Blueprint("pages", __name__)
SEARCH_LIMIT = 50
#: ``/api/search?limit=`` is clamped to 1..API_LIMIT
API_LIMIT = 10_000
#: ``?page=`` is clamped to 1..MAX_PAGE
MAX_PAGE = 100_000
#: years a report can be about (``?year=`` outside is a 400)
YEARS = (1900, 2999)
#: a version number, an alert id: what the models' INTEGER columns hold on every database
#: (32 bits on PostgreSQL)
MAX_ID = 2**31 - 1
#: longest search phrase (folded); longer is a 400
MAX_QUERY = 500
_INT = re.compile(r"[+-]?[0-9]{1,40}")


def data() -> WebData:
    d: WebData = current_app.config["DATA"]
    return d


def _csv_safe(v: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
        try:
            float(v)
            return v
        except ValueError:
            return "'" + v
    return v


def _csv(rows: list[dict[str, Any]], fields: list[str], name: str) -> Response:
    buf = io.StringIO()
    buf.write("\ufeff")  # spreadsheets read the Chinese as UTF-8 with the BOM
    w = csv.DictWriter(buf, fieldnames=fields, extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({k: _csv_safe(r.get(k)) for k in fields})
    return Response(buf.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename={name}"})


def int_arg(name: str, label: str, lo: int, hi: int, *, clamp: bool = False) -> int | None:
    """The integer query argument ``name``; None when absent or empty. Not an integer: 400
    with a Chinese message. Outside lo..hi: clamped when ``clamp``, else 400."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    if not _INT.fullmatch(raw):
        abort(400, f"参数 {name}（{label}）必须是整数")
    v = int(raw)
    if lo <= v <= hi:
        return v
    if clamp:
        return min(max(v, lo), hi)
    abort(400, f"参数 {name}（{label}）超出范围（{lo}–{hi}）")


def _query(params: dict[str, Any]) -> dict[str, Any]:
    """Validated parameters for ``url_for``: fixed keys, empty values dropped."""
    return {k: v for k, v in params.items() if v is not None and v != ""}


# ------------------------------------------------------------------ dashboard


@bp.route("/")
@bp.route("/dashboard")
def dashboard() -> str:
    kind = request.args.get("kind") or None
    if kind not in STATES:
        kind = None
    return render_template("dashboard.html", d=data().dashboard(kind), states=STATES)


@bp.route("/api/dashboard")
def api_dashboard() -> Response:
    kind = request.args.get("kind") or None
    d = data().dashboard(kind if kind in STATES else None)
    d["agencies"] = [{**a, "cells": {str(y): c for y, c in a["cells"].items()}}
                     for a in d["agencies"]]
    return jsonify(d)


# ------------------------------------------------------------------ search


def _search_args() -> dict[str, Any]:
    has = request.args.get("has_errors", "")
    q = request.args.get("q", "").strip()
    if len(q) > MAX_QUERY:
        abort(400, f"检索词过长（最多 {MAX_QUERY} 个字符）")
    return {
        "q": q,
        "agency": request.args.get("agency") or None,
        "year": int_arg("year", "年度", *YEARS),
        "template": request.args.get("template") or None,
        "has_errors": True if has in ("1", "true", "yes") else False if has in (
            "0", "false", "no") else None,
    }


def _run_search(limit: int | None) -> dict[str, Any]:
    a = _search_args()
    engine = get_search(data().archive)
    filters = {k: a[k] for k in ("agency", "year", "template", "has_errors")}
    page = (int_arg("page", "页码", 1, MAX_PAGE, clamp=True) or 1) if limit else 1
    offset = (page - 1) * (limit or 0)
    has = a["has_errors"]
    a["params"] = _query({"q": a["q"], "agency": a["agency"], "year": a["year"],
                          "template": a["template"],
                          "has_errors": None if has is None else "1" if has else "0"})
    if not a["q"]:
        return {**a, "count": 0, "page": 1, "offset": 0, "hits": []}
    hits = engine.search(a["q"], limit=limit, offset=offset, **filters)
    count = (offset + len(hits) if limit is None or (len(hits) < limit and (hits or not offset))
             else engine.count(a["q"], **filters))
    return {**a, "count": count, "page": page, "offset": offset,
            "hits": [h.json() for h in hits]}


@bp.route("/search")
def search() -> str:
    res = _run_search(SEARCH_LIMIT)
    return render_template("search.html", r=res, agencies=data().agencies(),
                           years=data().years(), templates=TEMPLATES, limit=SEARCH_LIMIT)


@bp.route("/api/search")
def api_search() -> Response:
    limit = int_arg("limit", "条数", 1, API_LIMIT, clamp=True) or SEARCH_LIMIT
    res = _run_search(limit)
    res.pop("params")
    return jsonify(res)


@bp.route("/search.csv")
def search_csv() -> Response:
    res = _run_search(None)
    res.pop("params")
    rows = [{**h, "page": f"/reports/{h['report_id']}"} for h in res["hits"]]
    return _csv(rows, ["report_id", "agency_id", "agency", "year", "template", "errors", "title",
                       "snippet", "page"], "search.csv")


# ------------------------------------------------------------------ reports


@bp.route("/reports")
def reports() -> str:
    return render_template("reports.html", reports=data().archive.reports(), templates=TEMPLATES)


@bp.route("/api/reports")
def api_reports() -> Response:
    return jsonify({"reports": data().archive.reports(
        agency=request.args.get("agency") or None, year=int_arg("year", "年度", *YEARS))})


def _found(x: dict[str, Any] | None) -> dict[str, Any]:
    """The page's object, or a 404."""
    if x is None:
        abort(404)
    return x


def _report(report_id: int) -> dict[str, Any]:
    return _found(data().report(report_id, int_arg("v", "版本号", 1, MAX_ID)))


@bp.route("/reports/<int:report_id>")
def report(report_id: int) -> str:
    r = _report(report_id)
    if r["unreadable"]:
        return render_template("report_unreadable.html", r=r)
    return render_template("report.html", r=r, tables=tables(r["record"], r["findings_detail"]),
                           templates=TEMPLATES, severities=SEVERITIES, where_label=_where_label)


@bp.route("/api/reports/<int:report_id>")
def api_report(report_id: int) -> Response:
    return jsonify(_report(report_id))


def _where_label(where: str | None) -> str:
    """A finding's cell path in the report's own words where the record knows them."""
    if not where:
        return ""
    parts = where.split(".")
    if parts[0] == "applications" and len(parts) > 1:
        from archive.record import T3_COLUMN_LABELS

        col = T3_COLUMN_LABELS.get(parts[-1])
        row = ".".join(parts[1:-1] if col else parts[1:])
        label = T3_ROW_LABELS.get(row, row)
        return f"表三 {label}" + (f" / {col}" if col else "")
    if parts[0] == "review_litigation":
        from archive.record import T4_COLUMN_LABELS, T4_GROUP_LABELS

        bits = [T4_GROUP_LABELS.get(p, T4_COLUMN_LABELS.get(p, p)) for p in parts[1:]]
        return "表四" + (" " + " / ".join(bits) if bits else "")
    if parts[0] == "active_disclosure":
        return "表二" + (" " + ".".join(parts[1:]) if len(parts) > 1 else "")
    if parts[0] == "legacy_stats":
        return f"统计表 第{int(parts[1]) + 1}行" if len(parts) > 1 and parts[1].isdigit() else "统计表"
    return where


def _diff(report_id: int) -> dict[str, Any]:
    a, b = int_arg("a", "版本号", 1, MAX_ID), int_arg("b", "版本号", 1, MAX_ID)
    if a is None or b is None:
        r = data().report(report_id)
        if r is None:
            abort(404)
        seqs = [v["seq"] for v in r["versions"]]
        a, b = (seqs[-2], seqs[-1]) if len(seqs) > 1 else (seqs[0], seqs[0])
    d = data().diff(report_id, a, b)
    if d is None:
        abort(404)
    return d


@bp.route("/reports/<int:report_id>/diff")
def diff(report_id: int) -> str:
    return render_template("diff.html", d=_diff(report_id))


@bp.route("/api/reports/<int:report_id>/diff")
def api_diff(report_id: int) -> Response:
    return jsonify(_diff(report_id))


@bp.route("/blob/<path:sha>")
def blob(sha: str) -> Response | tuple[str, int]:
    from archive.blobs import BlobCorrupt

    try:
        found = data().blob(sha)
    except BlobCorrupt:
        return render_template("error.html", code=500, message=(
            "该存档文件在磁盘上已损坏（内容与哈希不符），未提供下载；请运行 nianbao fsck 检查并从备份恢复")), 500
    if found is None:
        abort(404)
    body, name = found
    return Response(body, mimetype="application/octet-stream", headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "Content-Security-Policy": "sandbox; default-src 'none'",
        "Cache-Control": "private, max-age=31536000, immutable",
    })


# ------------------------------------------------------------------ agencies


def _agency(agency_id: str) -> dict[str, Any]:
    return _found(data().agency(agency_id))


@bp.route("/agencies/<agency_id>")
def agency(agency_id: str) -> str:
    ag = _agency(agency_id)
    return render_template("agency.html", ag=ag, chart=trend_svg(series(ag["reports"])),
                           states=STATES, templates=TEMPLATES)


@bp.route("/api/agencies/<agency_id>")
def api_agency(agency_id: str) -> Response:
    ag = _agency(agency_id)
    ag["trend"] = series(ag["reports"])
    return jsonify(ag)


# ------------------------------------------------------------------ alerts and statistics


def _alert_args() -> dict[str, Any]:
    return _query({"kind": request.args.get("kind") or None,
                   "state": request.args.get("state") or None,
                   "agency": request.args.get("agency") or None})


def _alerts() -> list[dict[str, Any]]:
    a = _alert_args()
    return data().alerts(kind=a.get("kind"), state=a.get("state"), agency=a.get("agency"))


@bp.route("/alerts")
def alerts() -> str:
    return render_template("alerts.html", alerts=_alerts(), kinds=ALERT_LABELS,
                           kind=request.args.get("kind") or "",
                           state=request.args.get("state") or "", params=_alert_args())


@bp.route("/api/alerts")
def api_alerts() -> Response:
    return jsonify({"alerts": _alerts()})


@bp.route("/stats.csv")
def stats_csv() -> Response:
    return _csv(data().stats_rows(), STATS_FIELDS, "stats.csv")


@bp.route("/api/stats")
def api_stats() -> Response:
    return jsonify({"cells": data().stats_rows()})
