"""The check: turn the archive's facts into alert state (``docs/record.md``, Monitor alerts).

Alerts are state, not events. Each check computes the set of alerts the facts call for,
keyed by (kind, agency, year); it opens what is wanted and not open, and resolves what is
open and no longer wanted. Running it twice with nothing new therefore changes nothing.
Event-like kinds (a change, a new set of errors, a missed night) carry a ``token`` naming
their particular cause: a different token resolves the open alert and opens a new one.

New and resolved alerts start with ``notified = False``; ``alerts send`` turns them into
one digest in the same transaction that marks them notified (see ``mail.py``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session, defer, selectinload

from archive.models import Agency, Alert, PortalCrawl, Report, ReportVersion, Run, Source, utcnow
from archive.registry import portal_key
from archive.store import Archive
from monitor.kinds import ALERT_KINDS

from .deadlines import (
    agency_due,
    expected_years,
    local_date,
    local_time,
    local_today,
    posting_date,
)

DIFF_MAX_LINES = 120
DIFF_MAX_CHARS = 8000
SUCCESS = ("ok", "partial")  # the portal answered
EVIDENCE = ("ok",)  # the portal answered and its listing was read whole

Key = tuple[str, str | None, int | None]


@dataclass
class Want:
    """An alert the facts call for."""

    kind: str
    agency_id: str | None
    year: int | None
    detail: dict[str, Any]
    token: str | None = None
    more: Callable[[], dict[str, Any]] | None = None  # costly detail, built only on opening

    @property
    def key(self) -> Key:
        return (self.kind, self.agency_id, self.year)


@dataclass
class CheckResult:
    today: dt.date
    opened: list[dict[str, Any]] = field(default_factory=list)
    resolved: list[dict[str, Any]] = field(default_factory=list)
    open_count: int = 0

    def json(self) -> dict[str, Any]:
        return {"today": self.today.isoformat(), "opened": self.opened,
                "resolved": self.resolved, "open": self.open_count}


def alert_json(a: Alert) -> dict[str, Any]:
    return {"id": a.id, "kind": a.kind, "agency_id": a.agency_id, "year": a.year,
            "state": a.state, "opened_on": a.opened_on.isoformat(),
            "resolved_on": a.resolved_on.isoformat() if a.resolved_on else None,
            "notified": a.notified, "detail": a.detail}


# ---------------------------------------------------------------- facts → wants


class CrawlIndex:
    """Crawls that looked at an agency: those naming it in ``agency_ids``, else (rows that
    name no agency) those of its portal; in crawl order."""

    def __init__(self, crawls: list[PortalCrawl]):
        self.by_agency: dict[str, list[PortalCrawl]] = {}
        self.by_portal: dict[str, list[PortalCrawl]] = {}
        for c in crawls:
            if c.agency_ids:
                for aid in c.agency_ids:
                    self.by_agency.setdefault(aid, []).append(c)
            else:
                self.by_portal.setdefault(portal_key(c.portal), []).append(c)

    def __call__(self, agency: Agency) -> list[PortalCrawl]:
        mine = self.by_agency.get(agency.id, [])
        shared = self.by_portal.get(portal_key(agency.portal), []) if agency.portal else []
        if not shared:
            return mine
        return sorted(mine + shared, key=lambda c: (c.started_at, c.id))


def _when(c: PortalCrawl) -> dt.datetime:
    return c.finished_at or c.started_at


def _unreachable(agency: Agency, crawls: list[PortalCrawl], tz: str) -> Want | None:
    if not crawls or crawls[-1].outcome in SUCCESS:
        return None
    streak = []
    for c in reversed(crawls):
        if c.outcome in SUCCESS:
            break
        streak.append(c)
    last, first = streak[0], streak[-1]
    since = local_date(first.started_at, tz)
    reason = last.reason or "无响应"
    return Want("PORTAL_UNREACHABLE", agency.id, None, {
        "agency": agency.name, "portal": last.portal, "reason": reason,
        "since": since.isoformat() if since else None, "attempts": len(streak),
        "message": f"门户网站 {last.portal} 无法访问（{reason}），自 {since} 起连续 {len(streak)} 次采集失败；"
                   "恢复访问之前无法核实其年报是否已发布。"})


def _missing(agency: Agency, year: int, crawls: list[PortalCrawl], today: dt.date,
             tz: str) -> Want | None:
    due = agency_due(agency, year)
    after = [c for c in crawls if c.outcome in EVIDENCE and (local_date(_when(c), tz) or due) > due]
    if not after:
        return None  # evidence before absence
    seen = local_date(_when(after[-1]), tz)
    return Want("REPORT_MISSING", agency.id, year, {
        "agency": agency.name, "due": due.isoformat(), "last_crawl": str(seen),
        "days_overdue": (today - due).days,
        "message": f"{agency.name}{year}年度报告应于 {due} 前发布，"
                   f"截至 {today}（最近一次成功采集 {seen}）仍未在其门户网站找到。"})


def _late(report: Report, agency: Agency, crawls: list[PortalCrawl], tz: str) -> Want | None:
    due = agency_due(agency, report.year)
    posted, source = posting_date(report, tz)
    if posted is None or posted <= due:
        return None
    if source == "first_seen":
        # the day nianbao first saw it only shows lateness if a crawl after the deadline
        # looked and did not find it
        if not any(c.outcome in EVIDENCE and (local_date(_when(c), tz) or due) > due
                   and _when(c) < report.first_seen for c in crawls):
            return None
    days = (posted - due).days
    how = {"posted_on": "门户网站发布日期", "published_on": "报告落款日期",
           "first_seen": "首次采集到的日期"}[source]
    return Want("REPORT_LATE", agency.id, report.year, {
        "agency": agency.name, "report_id": report.id, "due": due.isoformat(),
        "posted_on": posted.isoformat(), "posted_source": source, "days_late": days,
        "message": f"{agency.name}{report.year}年度报告于 {posted} 发布（{how}），"
                   f"晚于截止日期 {due} 共 {days} 天。"})


def _invalid(report: Report, agency: Agency, latest: ReportVersion) -> Want | None:
    errors = [f for f in latest.findings if f.severity == "error"]
    if not errors:
        return None
    items = [{"code": f.code, "where": f.where, "message": f.message} for f in errors]
    token = hashlib.sha256("\n".join(sorted(f"{x['code']}|{x['where']}|{x['message']}"
                                            for x in items)).encode()).hexdigest()[:16]
    return Want("REPORT_INVALID", agency.id, report.year, {
        "agency": agency.name, "report_id": report.id, "version": latest.seq,
        "sha256": latest.sha256, "findings": items,
        "summary": f"{agency.name}{report.year}年度报告（第{latest.seq}版）有 {len(items)} 处数据错误：",
        "message": f"{agency.name}{report.year}年度报告有 {len(items)} 处数据错误：" +
                   "；".join(str(x["message"]) for x in items[:5]) + ("……" if len(items) > 5 else "")},
        token)


def text_diff(old: str, new: str, old_name: str, new_name: str) -> tuple[str, bool]:
    """A unified diff of two extracted texts, capped so one edit cannot flood a mail."""
    lines = list(difflib.unified_diff(old.splitlines(), new.splitlines(), old_name, new_name,
                                      lineterm="", n=1))
    out: list[str] = []
    size = 0
    for line in lines:
        if len(out) >= DIFF_MAX_LINES or size + len(line) > DIFF_MAX_CHARS:
            return "\n".join(out), True
        out.append(line)
        size += len(line) + 1
    return "\n".join(out), False


def _same_address(a: ReportVersion, b: ReportVersion) -> bool:
    urls_a = {f.url for f in a.files if f.url} | ({a.url} if a.url else set())
    urls_b = {f.url for f in b.files if f.url} | ({b.url} if b.url else set())
    return bool(urls_a & urls_b)


def _changed(report: Report, agency: Agency, tz: str) -> Want | None:
    versions = report.versions
    if len(versions) < 2:
        return None
    new, old = versions[-1], versions[-2]
    if new.sha256 == versions[0].sha256 or not _same_address(old, new):
        return None  # back to what was first archived, or re-posted elsewhere
    def diff() -> dict[str, Any]:
        text, truncated = text_diff(old.text or "", new.text or "",
                                    f"第{old.seq}版 {old.sha256[:12]}",
                                    f"第{new.seq}版 {new.sha256[:12]}")
        return {"diff": text, "diff_truncated": truncated}

    when = local_date(new.first_seen, tz)
    return Want("REPORT_CHANGED", agency.id, report.year, {
        "agency": agency.name, "report_id": report.id, "url": new.url,
        "old_version": old.seq, "new_version": new.seq,
        "old_sha256": old.sha256, "new_sha256": new.sha256, "changed_on": str(when),
        "message": f"{agency.name}{report.year}年度报告在原地址被修改（{when} 发现第{new.seq}版，"
                   f"sha256 {old.sha256[:12]}… → {new.sha256[:12]}…）。"},
        f"v{new.seq}", diff)


def _removed(s: Session, report: Report, agency: Agency) -> Want | None:
    if report.removed_on is None:
        return None
    url = report.versions[-1].url if report.versions else None
    src = s.scalar(select(Source).where(Source.url == url)) if url else None
    reason = (src.removed_reason if src else None) or "原地址无法访问或列表中已不再链接"
    return Want("REPORT_REMOVED", agency.id, report.year, {
        "agency": agency.name, "report_id": report.id, "url": url,
        "removed_on": report.removed_on.isoformat(), "reason": reason,
        "message": f"{agency.name}{report.year}年度报告已从门户网站删除（{report.removed_on} 发现，"
                   f"{reason}）；存档中仍保留全部版本。"})


def _run_missed(s: Session, archive: Archive, now: dt.datetime) -> Want | None:
    """From the run log: the last scheduled cycle ran late, skipped nights, or never ran."""
    last = s.scalar(select(Run).where(Run.scheduled_for.is_not(None))
                    .order_by(Run.scheduled_for.desc()).limit(1))
    if last is None or last.scheduled_for is None:
        return None
    missed = list(last.detail.get("missed") or [])
    if last.detail.get("catch_up"):
        missed.append(last.scheduled_for.isoformat(timespec="seconds"))
    tz = archive.settings.timezone
    if missed:
        shown = "、".join(local_time(dt.datetime.fromisoformat(m), tz) for m in missed[:5])
        ran = local_time(last.started_at, tz)
        return Want("NIGHTLY_RUN_MISSED", None, None, {
            "missed": missed, "ran_at": last.started_at.isoformat(timespec="seconds"),
            "message": f"计划中的夜间任务未按时运行（{shown}），已于 {ran} 补跑一次；"
                       "请检查服务器是否曾停机。"}, last.scheduled_for.isoformat())
    from .schedule import next_fire_after

    settings = archive.settings  # the schedule the daemon ran with wins over the file's
    nxt = next_fire_after(last.detail.get("schedule") or settings.schedule,
                          last.detail.get("timezone") or settings.timezone,
                          last.scheduled_for)
    grace = dt.timedelta(seconds=settings.misfire_grace_seconds)
    if nxt is not None and nxt + grace < now:
        when = nxt.isoformat(timespec="seconds")
        return Want("NIGHTLY_RUN_MISSED", None, None, {
            "missed": [when], "ran_at": None,
            "message": f"计划于 {local_time(nxt, tz)} 运行的夜间任务没有运行；"
                       "请检查 nianbao daemon 是否在运行。"}, when)
    return None




def wanted(s: Session, archive: Archive, today: dt.date, now: dt.datetime) -> list[Want]:
    tz = archive.settings.timezone
    agencies = list(s.scalars(select(Agency).order_by(Agency.id)))
    crawls_for = CrawlIndex(list(s.scalars(select(PortalCrawl)
                                           .order_by(PortalCrawl.started_at, PortalCrawl.id))))
    # texts and records stay in the database unless a diff needs them
    versions = selectinload(Report.versions).options(
        defer(ReportVersion.text), defer(ReportVersion.record),
        selectinload(ReportVersion.files), selectinload(ReportVersion.findings))
    reports = list(s.scalars(select(Report).options(versions)))
    by_agency: dict[str, dict[int, Report]] = {}
    for r in reports:  # one with no version was found but is unreadable: published all the same
        by_agency.setdefault(r.agency_id, {})[r.year] = r
    wants: list[Want] = []
    for agency in agencies:
        mine = crawls_for(agency)
        have = by_agency.get(agency.id, {})
        w = _unreachable(agency, mine, tz)
        if w:
            wants.append(w)
        for year in expected_years(agency, today):
            if year not in have:
                w = _missing(agency, year, mine, today, tz)
                if w:
                    wants.append(w)
        for year in sorted(have):
            report = have[year]
            checks = [_removed(s, report, agency), _late(report, agency, mine, tz)]
            if report.versions:
                checks += [_invalid(report, agency, report.versions[-1]),
                           _changed(report, agency, tz)]
            for w in checks:
                if w:
                    wants.append(w)
    w = _run_missed(s, archive, now)
    if w:
        wants.append(w)
    return wants


def serialize(s: Session) -> None:
    """Take the database's write lock first thing, so two checks (or a check and a digest)
    never read the same state and both act on it."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(20190149)"))
    else:  # SQLite: any write statement takes the lock, even one that changes nothing
        s.execute(text("UPDATE alerts SET notified = notified WHERE 1 = 0"))


def check(archive: Archive, today: dt.date | None = None, now: dt.datetime | None = None
          ) -> CheckResult:
    """Reconcile alert state with the facts, in one transaction."""
    tz = archive.settings.timezone
    today = today or local_today(tz)
    now = now or utcnow()
    result = CheckResult(today)
    opened: list[Alert] = []
    resolved: list[Alert] = []
    with archive.Session.begin() as s:
        serialize(s)
        wants = {w.key: w for w in wanted(s, archive, today, now)}
        open_alerts: dict[Key, Alert] = {}
        for a in s.scalars(select(Alert).where(Alert.state == "open").order_by(Alert.id)):
            key = (a.kind, a.agency_id, a.year)
            if key in open_alerts:  # never two open for one key
                _resolve(a, today, "重复的提醒已合并。")
                resolved.append(a)
            else:
                open_alerts[key] = a
        for key, a in open_alerts.items():
            w = wants.get(key)
            if w is None:
                _resolve(a, today, ALERT_KINDS[a.kind].resolved if a.kind in ALERT_KINDS else "原因已消除。")
                resolved.append(a)
            elif w.token is not None and a.detail.get("token") != w.token:
                _resolve(a, today, "有新的情况，见新的提醒。")
                resolved.append(a)
            else:
                wants.pop(key)
        for w in wants.values():
            detail = dict(w.detail, label=ALERT_KINDS[w.kind].label)
            if w.more is not None:
                detail.update(w.more())
            if w.token is not None:
                detail["token"] = w.token
            a = Alert(kind=w.kind, agency_id=w.agency_id, year=w.year, state="open",
                      opened_on=today, detail=detail, notified=False)
            s.add(a)
            opened.append(a)
        s.flush()
        result.opened = [alert_json(a) for a in opened]
        result.resolved = [alert_json(a) for a in resolved]
        result.open_count = len(list(s.scalars(select(Alert.id).where(Alert.state == "open"))))
    return result


def _resolve(a: Alert, today: dt.date, why: str) -> None:
    """Resolve; a resolution of an alert already mailed is news for the next digest."""
    a.state = "resolved"
    a.resolved_on = today
    a.detail = dict(a.detail, resolved_message=why)
    a.notified = False


def list_alerts(archive: Archive, pending: bool = False) -> list[dict[str, Any]]:
    with archive.Session() as s:
        q = select(Alert).order_by(Alert.id)
        if pending:
            q = q.where(Alert.notified.is_(False))
        return [alert_json(a) for a in s.scalars(q)]
