"""What the pages show, read from the archive in one place.

Views never write SQL: they ask :class:`WebData`, which returns plain dicts that both the
HTML templates and the ``/api/...`` JSON twins render, so the two never disagree.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.models import Agency, Alert, Blob, Fetch, Report, ReportFile, ReportVersion
from archive.record import iter_cells
from archive.store import Archive
from monitor.kinds import ALERT_KINDS, ALERT_LABELS

#: dashboard states, in the order a cell's colour is chosen (first present wins)
STATES: dict[str, str] = {
    "removed": "已删除",
    "missing": "未发布",
    "late": "逾期发布",
    "invalid": "数据有误",
    "unreadable": "无法解析",
    "changed": "发布后修改",
    "ontime": "按时发布",
    "unreachable": "门户无法访问",
    "unchecked": "未检查",
}
TEMPLATES = {"gov2021": "2021版模板", "gov2019": "2019版模板", "legacy": "旧版统计表",
             "unknown": "未识别"}
SEVERITIES = {"error": "错误", "warning": "提示"}

_SHA = re.compile(r"[0-9a-f]{64}")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_EXT = {"pdf": "pdf", "docx": "docx", "ole": "doc", "html": "html", "text": "txt",
        "zip": "zip", "image": "img"}


def _iso(v: Any) -> str | None:
    return v.isoformat() if v is not None else None


class WebData:
    def __init__(self, archive: Archive):
        self.archive = archive

    # ------------------------------------------------------------ lists

    def agencies(self) -> list[dict[str, Any]]:
        with self.archive.Session() as s:
            return [{"id": i, "name": n}
                    for i, n in s.execute(select(Agency.id, Agency.name).order_by(Agency.name))]

    def years(self) -> list[int]:
        with self.archive.Session() as s:
            return sorted(set(s.scalars(select(Report.year).distinct())), reverse=True)

    # ------------------------------------------------------------ dashboard

    def dashboard(self, kind: str | None = None, agency: str | None = None) -> dict[str, Any]:
        """Agencies × years, each cell with its states, derived from reports and alerts."""
        with self.archive.Session() as s:
            qa, qr, ql = select(Agency).order_by(Agency.name), select(Report), \
                select(Alert).order_by(Alert.id)
            if agency:
                qa, qr, ql = (qa.where(Agency.id == agency), qr.where(Report.agency_id == agency),
                              ql.where(Alert.agency_id == agency))
            agencies = list(s.scalars(qa))
            errors = self._latest_errors(s, agency)
            reports = {(r.agency_id, r.year): r for r in s.scalars(qr)}
            alerts = list(s.scalars(ql))
        cells: dict[tuple[str, int], dict[str, Any]] = defaultdict(
            lambda: {"states": set(), "alerts": [], "report_id": None})
        unreachable: set[str] = set()
        years: set[int] = set()
        for a in alerts:
            if a.kind == "PORTAL_UNREACHABLE" and a.state == "open" and a.agency_id:
                unreachable.add(a.agency_id)
            st = ALERT_KINDS[a.kind].state if a.kind in ALERT_KINDS else None
            if st is None or a.agency_id is None or a.year is None:
                continue
            if a.state == "open" or a.kind in ALERT_KINDS and ALERT_KINDS[a.kind].lasting:
                c = cells[(a.agency_id, a.year)]
                c["states"].add(st)
                c["alerts"].append(a.id)
                years.add(a.year)
        for (agency_id, year), r in reports.items():
            years.add(year)
            c = cells[(agency_id, year)]
            c["report_id"] = r.id
            if r.id not in errors:  # found, but no version: the file cannot be read
                c["states"].add("unreadable")
            elif errors[r.id]:
                c["states"].add("invalid")
            if r.removed_on is not None:
                c["states"].add("removed")
            if not c["states"] & {"late", "missing", "removed"}:
                c["states"].add("ontime")
        if not years:
            from datetime import date

            years = {date.today().year - 1}
        cols = list(range(min(years), max(years) + 1))
        counts = dict.fromkeys(STATES, 0)
        rows = []
        for ag in agencies:
            row_cells: dict[int, dict[str, Any]] = {}
            for y in cols:
                if y < (ag.since or 0) and (ag.id, y) not in cells:
                    row_cells[y] = {"state": "na", "states": [], "alerts": [], "report_id": None}
                    continue
                got = cells.get((ag.id, y))
                states = set(got["states"]) if got else set()
                if not states:
                    states = {"unreachable" if ag.id in unreachable else "unchecked"}
                main = next(k for k in STATES if k in states)
                for k in states:
                    counts[k] += 1
                row_cells[y] = {"state": main, "states": [k for k in STATES if k in states],
                                "alerts": got["alerts"] if got else [],
                                "report_id": got["report_id"] if got else None}
            if kind and not any(kind in c["states"] for c in row_cells.values()):
                continue
            rows.append({"id": ag.id, "name": ag.name, "cells": row_cells})
        return {"years": cols, "states": STATES, "counts": counts, "kind": kind, "agencies": rows}

    @staticmethod
    def _latest(agency: str | None) -> Any:
        last = select(ReportVersion.report_id, func.max(ReportVersion.seq).label("seq"))
        if agency:
            last = last.join(Report, Report.id == ReportVersion.report_id).where(
                Report.agency_id == agency)
        sub = last.group_by(ReportVersion.report_id).subquery()
        return (sub.c.report_id == ReportVersion.report_id) & (sub.c.seq == ReportVersion.seq), sub

    def _latest_errors(self, s: Session, agency: str | None) -> dict[int, int]:
        """Error counts of each report's latest version (without loading the texts)."""
        cond, sub = self._latest(agency)
        q = select(ReportVersion.report_id, ReportVersion.error_count).join(sub, cond)
        return {rid: n for rid, n in s.execute(q)}

    def _latest_versions(self, s: Session, agency: str) -> dict[int, ReportVersion]:
        cond, sub = self._latest(agency)
        return {v.report_id: v for v in s.scalars(select(ReportVersion).join(sub, cond))}

    # ------------------------------------------------------------ one report

    def report(self, report_id: int, seq: int | None = None) -> dict[str, Any] | None:
        with self.archive.Session() as s:
            r = s.get(Report, report_id)
            if r is None:
                return None
            out = self.archive.report_json(r)
            if not r.versions:
                out["alerts"] = self._alerts(s, agency=r.agency_id, year=r.year)
                return out
            shown = next((v for v in r.versions if v.seq == seq), r.versions[-1])
            out["shown_seq"] = shown.seq
            out["record"] = shown.record
            out["findings_detail"] = [
                {"code": f.code, "severity": f.severity, "where": f.where, "message": f.message,
                 "expected": f.expected, "actual": f.actual} for f in shown.findings]
            out["versions"] = [{
                "seq": v.seq, "sha256": v.sha256, "url": v.url,
                "first_seen": v.first_seen.isoformat(timespec="seconds"),
                "published_on": _iso(v.published_on), "template": v.template, "title": v.title,
                "errors": v.error_count,
                "files": [{"url": f.url, "sha256": f.sha256, "role": f.role} for f in v.files],
            } for v in r.versions]
            out["alerts"] = self._alerts(s, agency=r.agency_id, year=r.year)
            return out

    def diff(self, report_id: int, a: int, b: int) -> dict[str, Any] | None:
        """Line diff of two versions' texts, and the cells whose numbers changed."""
        with self.archive.Session() as s:
            r = s.get(Report, report_id)
            if r is None:
                return None
            by_seq = {v.seq: v for v in r.versions}
            if a not in by_seq or b not in by_seq:
                return None
            va, vb = by_seq[a], by_seq[b]
            lines = []
            for ln in difflib.unified_diff((va.text or "").splitlines(),
                                           (vb.text or "").splitlines(), f"版本 {a}", f"版本 {b}",
                                           lineterm="", n=2):
                kind = ("meta" if ln.startswith(("---", "+++")) else "hunk" if ln.startswith("@@")
                        else "add" if ln.startswith("+") else "del" if ln.startswith("-")
                        else "same")
                lines.append({"kind": kind, "text": ln, "parts": [[ln, False]]})
            _mark_changes(lines)
            ca = dict(iter_cells(va.record))  # type: ignore[arg-type]
            cb = dict(iter_cells(vb.record))  # type: ignore[arg-type]
            cells = [{"path": p, "a": ca.get(p), "b": cb.get(p)}
                     for p in list(dict.fromkeys([*ca, *cb])) if ca.get(p) != cb.get(p)]
            return {"report_id": r.id, "agency": r.agency.name, "agency_id": r.agency_id,
                    "year": r.year, "title": vb.title,
                    "a": {"seq": a, "sha256": va.sha256,
                          "first_seen": va.first_seen.isoformat(timespec="seconds")},
                    "b": {"seq": b, "sha256": vb.sha256,
                          "first_seen": vb.first_seen.isoformat(timespec="seconds")},
                    "seqs": sorted(by_seq), "lines": lines, "cells": cells}

    # ------------------------------------------------------------ blobs

    def blob(self, sha: str) -> tuple[bytes, str] | None:
        """The bytes of an archived file and a safe download name; None for anything
        that is not a known 64-hex hash."""
        sha = sha.lower()
        if not _SHA.fullmatch(sha):
            return None
        with self.archive.Session() as s:
            b = s.get(Blob, sha)
            if b is None or not self.archive.blobs.exists(sha):
                return None
            url = s.scalar(select(ReportFile.url).where(ReportFile.sha256 == sha,
                                                        ReportFile.url.is_not(None)).limit(1)) \
                or s.scalar(select(Fetch.url).where(Fetch.sha256 == sha).limit(1))
            fmt = b.format
        return self.archive.blobs.get(sha), safe_filename(url, sha, fmt)

    # ------------------------------------------------------------ agency

    def agency(self, agency_id: str) -> dict[str, Any] | None:
        with self.archive.Session() as s:
            ag = s.get(Agency, agency_id)
            if ag is None:
                return None
            latest = self._latest_versions(s, ag.id)
            reps = list(s.scalars(select(Report).where(Report.agency_id == ag.id)
                                  .order_by(Report.year)))
            years = []
            for r in reps:
                v = latest.get(r.id)
                if v is None:
                    continue
                years.append({"report_id": r.id, "year": r.year, "template": v.template,
                              "title": v.title, "posted_on": _iso(r.posted_on),
                              "published_on": _iso(v.published_on),
                              "removed_on": _iso(r.removed_on), "errors": v.error_count,
                              "versions": v.seq, "findings": [f.code for f in v.findings],
                              "applications": v.record.get("applications") or {}})
            out: dict[str, Any] = {"id": ag.id, "name": ag.name, "kind": ag.kind, "portal": ag.portal,
                   "column": ag.column, "column_path": ag.column_path,
                   "since": ag.since, "deadline": ag.deadline, "reports": years,
                   "alerts": self._alerts(s, agency=ag.id)}
        dash = self.dashboard(agency=agency_id)
        row = next((x for x in dash["agencies"] if x["id"] == agency_id), None)
        out["states"] = ({str(y): c for y, c in row["cells"].items() if c["state"] != "na"}
                         if row else {})
        return out

    # ------------------------------------------------------------ alerts

    def alerts(self, kind: str | None = None, state: str | None = None,
               agency: str | None = None) -> list[dict[str, Any]]:
        with self.archive.Session() as s:
            return self._alerts(s, kind=kind, state=state, agency=agency)

    @staticmethod
    def _alerts(s: Session, kind: str | None = None, state: str | None = None,
                agency: str | None = None, year: int | None = None) -> list[dict[str, Any]]:
        q = select(Alert, Agency.name).outerjoin(Agency, Agency.id == Alert.agency_id)
        if kind:
            q = q.where(Alert.kind == kind)
        if state:
            q = q.where(Alert.state == state)
        if agency:
            q = q.where(Alert.agency_id == agency)
        if year:
            q = q.where(Alert.year == year)
        q = q.order_by(Alert.opened_on.desc(), Alert.id.desc())
        return [{"id": a.id, "kind": a.kind, "kind_label": ALERT_LABELS.get(a.kind, a.kind),
                 "agency_id": a.agency_id, "agency": name, "year": a.year, "state": a.state,
                 "opened_on": _iso(a.opened_on), "resolved_on": _iso(a.resolved_on),
                 "notified": a.notified, "detail": a.detail or {}}
                for a, name in s.execute(q)]

    # ------------------------------------------------------------ statistics

    def stats_rows(self) -> list[dict[str, Any]]:
        """The ``nianbao export`` cells: one row per latest report version and cell."""
        return self.archive.export_cells()


def _mark_changes(lines: list[dict[str, Any]]) -> None:
    """Within a run of removed lines followed by added ones, mark the characters that
    changed: a report's paragraph is one long line, and the edit is often one word."""
    i = 0
    while i < len(lines):
        if lines[i]["kind"] != "del":
            i += 1
            continue
        j = i
        while j < len(lines) and lines[j]["kind"] == "del":
            j += 1
        k = j
        while k < len(lines) and lines[k]["kind"] == "add":
            k += 1
        for old, new in zip(lines[i:j], lines[j:k], strict=False):
            a, b = old["text"][1:], new["text"][1:]
            sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
            pa: list[list[Any]] = [["-", False]]
            pb: list[list[Any]] = [["+", False]]
            for op, a1, a2, b1, b2 in sm.get_opcodes():
                if a2 > a1:
                    pa.append([a[a1:a2], op != "equal"])
                if b2 > b1:
                    pb.append([b[b1:b2], op != "equal"])
            old["parts"], new["parts"] = pa, pb
        i = k


#: the columns of stats.csv: those of ``nianbao export``
STATS_FIELDS = list(Archive.EXPORT_FIELDS)


def safe_filename(url: str | None, sha: str, fmt: str | None) -> str:
    """A download name that cannot escape a folder or break a header: the URL's last path
    segment reduced to ASCII letters, digits, dot, dash and underscore."""
    ext = _EXT.get(fmt or "", "bin")
    name = ""
    if url:
        last = url.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        name = _SAFE_NAME.sub("_", last).strip("._")[:80]
    if not name or "." not in name:
        name = f"{sha[:16]}.{ext}"
    return name
