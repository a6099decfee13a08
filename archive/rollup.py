"""A region's year: the sums of its agencies' statistics, the office's rates, who is left
out and why, the change on last year, and rankings (``nianbao rollup``, the 汇总 page, the
Excel workbook).

:func:`load` reads what the archive holds about the agencies of a region (one
:class:`AgencyYear` per agency and year; the deadline rules come from the caller, see
``monitor/rollup.py``); everything else here is a pure function of those facts, so the
command line, the web page and the workbook compute the same numbers.

Cells are keyed exactly as ``nianbao export`` keys them (``applications.granted.total``);
an amount cell (采购金额, 收费金额) counts in 元 (its ``yuan``). A blank cell counts as 0, as
in every arithmetic rule of ``docs/record.md``. The rates are defined in README.md
(“汇总与考核指标”) and in :data:`RATES`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import defer, selectinload

from .record import iter_cells
from .registry import in_region, normalise_region

#: report templates whose 表二/表三/表四 roll up
TABLE_TEMPLATES = ("gov2019", "gov2021")
#: the sections summed, in export's naming
SECTIONS = ("active_disclosure", "applications", "review_litigation")

#: why an agency's report is not in the sums
LEFT_OUT = {
    "missing": "未找到该年度年报",
    "unreadable": "年报文件无法解析",
    "invalid": "年报含错误级校验结果",
    "no_tables": "旧版统计表或未识别的格式，没有表二/表三/表四",
}

_T4_CONCLUDED = ("upheld", "corrected", "other")
_LITIGATION = ("litigation_direct", "litigation_after_review")


@dataclass
class AgencyYear:
    """What the archive knows about one agency's report for one year."""

    agency_id: str
    agency: str
    kind: str
    region: str | None
    level: str | None
    year: int
    due: dt.date
    #: included | missing | unreadable | invalid | no_tables
    status: str
    reason: str | None = None
    report_id: int | None = None
    template: str | None = None
    posted_on: dt.date | None = None
    errors: int = 0
    findings: list[dict[str, Any]] = field(default_factory=list)
    #: export's cell path → number (amounts in 元); blanks are None
    cells: dict[str, int | float | None] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return self.status != "missing"

    @property
    def readable(self) -> bool:
        return self.status in ("included", "invalid", "no_tables")

    @property
    def on_time(self) -> bool:
        return self.posted_on is not None and self.posted_on <= self.due

    @property
    def days_late(self) -> int | None:
        if self.posted_on is None:
            return None
        return max(0, (self.posted_on - self.due).days)


def cell_number(value: Any) -> int | float | None:
    """A record cell as the number the roll-up adds: amounts by their 元."""
    if isinstance(value, dict):
        value = value.get("yuan")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def record_cells(record: dict[str, Any]) -> dict[str, int | float | None]:
    """表二/表三/表四 cells of a record, keyed as ``export`` keys them."""
    return {path: cell_number(v) for path, v in iter_cells(record)  # type: ignore[arg-type]
            if path.split(".", 1)[0] in SECTIONS}


# ------------------------------------------------------------------ reading the archive


def load(archive: Any, region: str | None = None, *,
         due: Callable[[Any, int], dt.date], posted: Callable[[Any], dt.date | None],
         years: Iterable[int] | None = None, through: int | None = None) -> list[AgencyYear]:
    """Every registered agency in ``region`` (all when None), for each year it was expected
    to report (from its ``since``) or did report, up to the latest year anything was
    archived for or ``through``; ``years`` narrows the years. ``due(agency, year)`` is the
    deadline and ``posted(report)`` the date a report counts as published: the monitor's
    rules (``monitor.deadlines``; ``monitor.rollup`` passes them)."""
    from .models import Agency, Report, ReportVersion

    wanted = set(years) if years is not None else None
    out: list[AgencyYear] = []
    with archive.Session() as s:
        agencies = [a for a in s.scalars(select(Agency).order_by(Agency.id))
                    if in_region(a.region, region)]
        reports: dict[tuple[str, int], Any] = {}
        ids = [a.id for a in agencies]
        q = (select(Report).where(Report.agency_id.in_(ids))
             .options(selectinload(Report.versions).options(
                 defer(ReportVersion.text), selectinload(ReportVersion.findings))))
        for r in s.scalars(q):
            reports[(r.agency_id, r.year)] = r
        last = max([y for _, y in reports] + list(wanted or [])
                   + ([through] if through else []), default=None)
        if last is None:
            return out
        for a in agencies:
            own = {y for (aid, y) in reports if aid == a.id}
            span = set(range(max(a.since or 2008, 1990), last + 1)) | own
            for year in sorted(span):
                if wanted is not None and year not in wanted:
                    continue
                fact = AgencyYear(agency_id=a.id, agency=a.name, kind=a.kind or "department",
                                  region=a.region, level=a.level, year=year,
                                  due=due(a, year), status="missing",
                                  reason=LEFT_OUT["missing"])
                r = reports.get((a.id, year))
                if r is not None:
                    _fill(fact, r, posted(r))
                out.append(fact)
    return out


def _fill(fact: AgencyYear, r: Any, posted: dt.date | None) -> None:
    fact.report_id, fact.posted_on = r.id, posted
    if not r.versions:
        fact.status, fact.reason = "unreadable", LEFT_OUT["unreadable"]
        return
    v = r.versions[-1]
    fact.template = v.template
    fact.findings = [{"code": f.code, "severity": f.severity, "where": f.where,
                      "message": f.message} for f in v.findings]
    fact.errors = sum(1 for f in v.findings if f.severity == "error")
    if fact.errors:
        first = next(f for f in fact.findings if f["severity"] == "error")
        fact.status = "invalid"
        fact.reason = f"{LEFT_OUT['invalid']}（{fact.errors} 项，如 [{first['code']}] " \
                      f"{first['message']}）"
    elif v.template not in TABLE_TEMPLATES:
        fact.status, fact.reason = "no_tables", LEFT_OUT["no_tables"]
    else:
        fact.status, fact.reason = "included", None
    fact.cells = record_cells(v.record or {})


# ------------------------------------------------------------------ the pure part


def _sum(facts: Iterable[AgencyYear], *paths: str) -> int | float:
    return sum((f.cells.get(p) or 0) for f in facts for p in paths)


def _ratio(num: int | float, den: int | float) -> float | None:
    return round(num / den, 6) if den else None


#: key → (label, formula in words); computed by :func:`rates`
RATES: dict[str, tuple[str, str]] = {
    "on_time_rate": ("按时发布率", "截止日期当天或之前发布年报的机关数 ÷ 应发布年报的机关数"),
    "error_rate": ("数据有误率", "含错误级校验结果的年报数 ÷ 能解析的年报数"),
    "applications": ("申请量", "Σ 表三“一、本年新收政府信息公开申请数量”总计"),
    "granted_rate": ("予以公开率", "Σ 表三“（一）予以公开”总计 ÷ Σ 表三“（七）总计”总计"),
    "review_correction_rate": ("复议纠错率",
                               "Σ 表四 行政复议“结果纠正” ÷ Σ 行政复议（结果维持＋结果纠正＋其他结果）"),
    "litigation_correction_rate": ("诉讼纠错率",
                                   "Σ 表四 行政诉讼（未经复议直接起诉＋复议后起诉）“结果纠正” ÷ "
                                   "Σ 这两项的（结果维持＋结果纠正＋其他结果）"),
}


def rates(facts: list[AgencyYear]) -> dict[str, dict[str, Any]]:
    """The office's rates over one year's facts: each ``{label, value, numerator,
    denominator, formula}``; ``value`` is a fraction (0.95 = 95%), None when the
    denominator is 0. 申请量 is a count (its numerator, denominator null)."""
    inc = [f for f in facts if f.status == "included"]
    readable = [f for f in facts if f.readable]
    concluded = [f"review_litigation.admin_review.{c}" for c in _T4_CONCLUDED]
    lit = [f"review_litigation.{g}.{c}" for g in _LITIGATION for c in _T4_CONCLUDED]
    parts: dict[str, tuple[int | float, int | float | None]] = {
        "on_time_rate": (sum(1 for f in facts if f.on_time), len(facts)),
        "error_rate": (sum(1 for f in readable if f.errors), len(readable)),
        "applications": (_sum(inc, "applications.new_received.total"), None),
        "granted_rate": (_sum(inc, "applications.granted.total"),
                         _sum(inc, "applications.results_total.total")),
        "review_correction_rate": (_sum(inc, "review_litigation.admin_review.corrected"),
                                   _sum(inc, *concluded)),
        "litigation_correction_rate": (
            _sum(inc, *(f"review_litigation.{g}.corrected" for g in _LITIGATION)),
            _sum(inc, *lit)),
    }
    out = {}
    for key, (label, formula) in RATES.items():
        num, den = parts[key]
        value = num if den is None else _ratio(num, den)
        out[key] = {"label": label, "value": value, "numerator": num, "denominator": den,
                    "formula": formula}
    return out


def totals(facts: list[AgencyYear]) -> dict[str, int | float]:
    """Σ of every cell over the included reports, keyed as ``export`` keys cells; a path
    any included report carries is present (0 when all of them left it blank)."""
    out: dict[str, int | float] = {}
    for f in facts:
        if f.status != "included":
            continue
        for path, v in f.cells.items():
            out[path] = out.get(path, 0) + (v or 0)
    return out


def _change(cur: int | float | None, prev: int | float | None) -> dict[str, Any]:
    delta = cur - prev if cur is not None and prev is not None else None
    if isinstance(delta, float):
        delta = round(delta, 6)
    pct = round((cur - prev) / prev, 6) if cur is not None and prev else None
    return {"previous": prev, "current": cur, "delta": delta, "pct": pct}


def _ranked(items: list[tuple[AgencyYear, Any]], reverse: bool) -> list[dict[str, Any]]:
    """Competition ranking (1, 1, 3): equal values share a rank."""
    items = sorted(items, key=lambda x: (-x[1] if reverse else x[1], x[0].agency_id))
    out: list[dict[str, Any]] = []
    for i, (f, v) in enumerate(items):
        rank = out[-1]["rank"] if out and out[-1]["value"] == v else i + 1
        out.append({"rank": rank, "agency_id": f.agency_id, "agency": f.agency, "value": v})
    return out


def agency_row(f: AgencyYear) -> dict[str, Any]:
    """One agency's year, for the tables: status, dates and its own rates."""
    own = rates([f])
    return {
        "agency_id": f.agency_id, "agency": f.agency, "region": f.region, "level": f.level,
        "kind": f.kind, "status": f.status, "reason": f.reason, "report_id": f.report_id,
        "template": f.template, "due": f.due.isoformat(),
        "posted_on": f.posted_on.isoformat() if f.posted_on else None,
        "on_time": f.on_time if f.found else False, "days_late": f.days_late,
        "errors": f.errors,
        "rates": {k: own[k]["value"] for k in RATES if k not in ("on_time_rate", "error_rate")}
        if f.status == "included" else {},
    }


def rankings(facts: list[AgencyYear]) -> dict[str, list[dict[str, Any]]]:
    """Agencies ranked: 发布时间 (days before the deadline, most first; late ones after,
    least late first; missing ones are not ranked), 申请量 and 予以公开率 (included reports,
    largest first; no 予以公开率 without a 办理结果总计)."""
    posted = [(f, (f.due - f.posted_on).days) for f in facts if f.posted_on is not None]
    inc = [f for f in facts if f.status == "included"]
    apps = [(f, f.cells.get("applications.new_received.total") or 0) for f in inc]
    granted = [(f, r) for f in inc
               if (r := rates([f])["granted_rate"]["value"]) is not None]
    return {"days_before_deadline": _ranked(posted, True),
            "applications": _ranked(apps, True),
            "granted_rate": _ranked(granted, True)}


def rollup(facts: list[AgencyYear], year: int, region: str | None = None) -> dict[str, Any]:
    """The roll-up of ``year`` from facts covering (at least) that year and the one before;
    other years feed ``history`` (the rates per year, for the charts)."""
    cur = [f for f in facts if f.year == year]
    prev = [f for f in facts if f.year == year - 1]
    tot, ptot = totals(cur), totals(prev)
    rt, prt = rates(cur), rates(prev)
    left = [{"agency_id": f.agency_id, "agency": f.agency, "region": f.region,
             "status": f.status, "reason": f.reason, "report_id": f.report_id}
            for f in cur if f.status != "included"]
    years = sorted({f.year for f in facts})
    history = []
    for y in years:
        fy = [f for f in facts if f.year == y]
        if not any(f.found for f in fy):
            continue
        history.append({"year": y, "expected": len(fy),
                        "included": sum(1 for f in fy if f.status == "included"),
                        "rates": {k: v["value"] for k, v in rates(fy).items()}})
    return {
        "region": normalise_region(region), "year": year,
        "agencies": {"expected": len(cur), "found": sum(1 for f in cur if f.found),
                     "included": sum(1 for f in cur if f.status == "included"),
                     "left_out": len(left)},
        "totals": tot,
        "rates": rt,
        "left_out": left,
        "previous_year": {"year": year - 1, "expected": len(prev),
                          "included": sum(1 for f in prev if f.status == "included")},
        "change": {"rates": {k: _change(rt[k]["value"], prt[k]["value"]) for k in rt},
                   "totals": {p: _change(tot.get(p), ptot.get(p))
                              for p in sorted(set(tot) | set(ptot))}},
        "rankings": rankings(cur),
        "per_agency": [agency_row(f) for f in cur],
        "history": history,
    }
