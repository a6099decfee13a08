"""When a report is due and when it counts as published (``docs/record.md``, 条例 第四十九条).

Deadlines are calendar dates in the portal's own time zone; the database keeps UTC
timestamps, so every timestamp is turned into a local date here before it is compared.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from archive.models import Agency, Report

DEFAULT_TZ = "Asia/Shanghai"


def due_date(kind: str, year: int, override: str | None = None) -> dt.date:
    """Last day to publish the report on ``year``: it falls in the following year.

    Departments: 31 January; a government's own report: 31 March; reports on 2018 and
    earlier (2008 条例 第三十一条): 31 March. A per-agency "MM-DD" override wins, since local
    rules may set earlier dates.
    """
    if override:
        try:
            month, day = (int(x) for x in override.split("-"))
            if (month, day) == (2, 29) and not _leap(year + 1):
                day = 28
            return dt.date(year + 1, month, day)
        except ValueError:
            pass  # a malformed override must not stop the check; the statutory date applies
    if year <= 2018 or kind == "government":
        return dt.date(year + 1, 3, 31)
    return dt.date(year + 1, 1, 31)


def _leap(y: int) -> bool:
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


def agency_due(agency: Agency, year: int) -> dt.date:
    return due_date(agency.kind or "department", year, agency.deadline)


def local_date(ts: dt.datetime | None, tz: str = DEFAULT_TZ) -> dt.date | None:
    """The local calendar date of a naive-UTC timestamp as stored by the archive."""
    if ts is None:
        return None
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=dt.UTC)
    return ts.astimezone(ZoneInfo(tz)).date()


def local_today(tz: str = DEFAULT_TZ) -> dt.date:
    return dt.datetime.now(ZoneInfo(tz)).date()


def posting_date(report: Report, tz: str = DEFAULT_TZ) -> tuple[dt.date | None, str]:
    """The date the report counts as published, and where that date came from.

    The crawler stores the detail page's 发布时间 (else the listing's date) as
    ``posted_on``; a report only ever ingested from a file uses the date it states
    (``published_on``); otherwise the day nianbao first saw it.
    """
    if report.posted_on is not None:
        return report.posted_on, "posted_on"
    versions = report.versions
    if versions and all(v.url is None for v in versions):
        first = versions[0]
        if first.published_on is not None:
            return first.published_on, "published_on"
    return local_date(report.first_seen, tz), "first_seen"


def expected_years(agency: Agency, today: dt.date) -> list[int]:
    """Report years whose deadline has passed by ``today`` (the day after the due date)."""
    years = []
    year = max(agency.since or 2008, 1990)
    while agency_due(agency, year) < today:
        years.append(year)
        year += 1
    return years


def local_time(ts: dt.datetime, tz: str = DEFAULT_TZ) -> str:
    """A naive-UTC timestamp as local wall-clock text, for messages to people."""
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=dt.UTC)
    return ts.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M:%S")
