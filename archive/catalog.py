"""What the archive holds, as the commands and pages print it: reports as JSON, and the
parsed statistics as rows (``nianbao reports``, ``nianbao export``, ``stats.csv``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session, sessionmaker

from .models import Agency, Cell, Fetch, Report, ReportVersion, Source


class Catalog:
    """The archive's read side (a part of :class:`archive.store.Archive`)."""

    Session: sessionmaker[Session]

    def reports(self, agency: str | None = None, year: int | None = None,
                limit: int | None = None) -> list[dict[str, Any]]:
        with self.Session() as s:
            q = select(Report).join(Agency).order_by(Agency.name, Report.year)
            if agency:
                q = q.where((Report.agency_id == agency) | (Agency.name == agency))
            if year:
                q = q.where(Report.year == year)
            if limit:
                q = q.limit(limit)
            return [self.report_json(r) for r in s.scalars(q)]

    @staticmethod
    def report_json(r: Report) -> dict[str, Any]:
        if not r.versions:
            return Catalog._unreadable_json(r)
        latest = r.versions[-1]
        primary = next((f for f in latest.files if f.role == "attachment"), None) or (
            latest.files[0] if latest.files else None)
        return {
            "id": r.id,
            "agency_id": r.agency_id,
            "agency": r.agency.name,
            "year": r.year,
            "url": primary.url if primary else latest.url,
            "sha256": primary.sha256 if primary else latest.sha256,
            "first_seen": r.first_seen.isoformat(timespec="seconds"),
            "posted_on": r.posted_on.isoformat() if r.posted_on else None,
            "published_on": latest.published_on.isoformat() if latest.published_on else None,
            "removed_on": r.removed_on.isoformat() if r.removed_on else None,
            "template": latest.template,
            "title": latest.title,
            "findings": [f.code for f in latest.findings],
            "errors": latest.error_count,
            "files": [{"url": f.url, "sha256": f.sha256, "role": f.role} for f in latest.files],
            "versions": [{"seq": v.seq, "sha256": v.sha256,
                          "first_seen": v.first_seen.isoformat(timespec="seconds")}
                         for v in r.versions],
            "unreadable": None,
        }

    @staticmethod
    def _unreadable_json(r: Report) -> dict[str, Any]:
        """A report found but not readable (图片版, broken file): its files are the sources
        filed under it, its reason the last parse error of its primary file."""
        s = object_session(r)
        assert s is not None, "a report read through a session"
        srcs = list(s.scalars(select(Source).where(
            Source.agency_id == r.agency_id, Source.year == r.year, Source.sha256.is_not(None))
            .order_by(Source.id)))
        live = [x for x in srcs if x.removed_on is None] or srcs
        primary = next((x for x in live if x.role == "attachment"), None) or \
            (live[0] if live else None)
        reason = None
        if primary is not None:
            reason = s.scalar(select(Fetch.parse_error).where(
                Fetch.url == primary.url, Fetch.parse_status == "unparseable")
                .order_by(Fetch.id.desc()).limit(1))
        return {
            "id": r.id, "agency_id": r.agency_id, "agency": r.agency.name, "year": r.year,
            "url": primary.url if primary else None,
            "sha256": primary.sha256 if primary else None,
            "first_seen": r.first_seen.isoformat(timespec="seconds"),
            "posted_on": r.posted_on.isoformat() if r.posted_on else None,
            "published_on": None,
            "removed_on": r.removed_on.isoformat() if r.removed_on else None,
            "template": None, "title": None, "findings": [], "errors": 0,
            "files": [{"url": x.url, "sha256": x.sha256, "role": x.role} for x in live],
            "versions": [],
            "unreadable": reason or "报告文件无法解析",
        }

    EXPORT_FIELDS = ("agency_id", "agency", "year", "version", "template", "sha256", "cell",
                     "value", "raw", "yuan")

    def export_cells(self) -> list[dict[str, Any]]:
        """The parsed statistics: one row per latest report version and cell."""
        rows: list[dict[str, Any]] = []
        with self.Session() as s:
            q = (select(Agency.id, Agency.name, Report.year, ReportVersion.seq,
                        ReportVersion.template, ReportVersion.sha256, Cell.path, Cell.value,
                        Cell.raw, Cell.yuan)
                 .join(Report, Report.agency_id == Agency.id)
                 .join(ReportVersion, ReportVersion.report_id == Report.id)
                 .join(Cell, Cell.version_id == ReportVersion.id)
                 .where(ReportVersion.id.in_(select(func.max(ReportVersion.id))
                                             .group_by(ReportVersion.report_id)))
                 .order_by(Agency.id, Report.year, Cell.id))
            for r in s.execute(q):
                value = r[7]
                if value is not None and float(value).is_integer():
                    value = int(value)
                rows.append(dict(zip(self.EXPORT_FIELDS, (*r[:7], value, r[8], r[9]),
                                     strict=True)))
        return rows
