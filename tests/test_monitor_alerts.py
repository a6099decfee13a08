"""The check: deadlines and alert state over a simulated calendar.

The archive's facts are made the way the crawler leaves them: ingests with url,
fetched_at and posted_on; a ``PortalCrawl`` row per portal per night; ``removed_on`` set
on a report that disappeared.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

from helpers import nianbao, seed_text
from sqlalchemy import select

from archive.models import Alert, PortalCrawl, Report, Run, Source
from archive.store import Archive
from monitor.alerts import check, list_alerts, text_diff
from monitor.deadlines import due_date, posting_date

SHANGHAI = ZoneInfo("Asia/Shanghai")


def night(day: str, hour: int = 2) -> dt.datetime:
    """02:00 in Shanghai on ``day``, as the naive UTC the archive stores (the day before)."""
    local = dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI)
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def d(day: str) -> dt.date:
    return dt.date.fromisoformat(day)


def test_due_dates() -> None:
    assert due_date("department", 2020) == d("2021-01-31")
    assert due_date("government", 2020) == d("2021-03-31")
    assert due_date("department", 2018) == d("2019-03-31")  # 2008 条例
    assert due_date("government", 2015) == d("2016-03-31")
    assert due_date("department", 2023, "01-15") == d("2024-01-15")
    assert due_date("department", 2022, "02-29") == d("2023-02-28")
    assert due_date("government", 2022, "bad") == d("2023-03-31")


def test_text_diff_is_capped() -> None:
    old = "\n".join(f"第{i}行" for i in range(1000))
    new = "\n".join(f"第{i}行改" for i in range(1000))
    diff, truncated = text_diff(old, new, "a", "b")
    assert truncated and len(diff.splitlines()) <= 120
    diff, truncated = text_diff("甲\n乙\n丙", "甲\n乙二\n丙", "第1版", "第2版")
    assert not truncated and "-乙" in diff and "+乙二" in diff


# ---------------------------------------------------------------- the calendar walk

AGENCIES = [
    # id, name, kind, what happens
    ("ontime", "测试市甲局", "department"),   # posted 2021-01-20
    ("late", "测试市乙局", "department"),     # posted 2021-02-03, three days late
    ("never", "测试市丙局", "department"),    # never published
    ("edited", "测试市丁局", "department"),   # posted 01-15, edited in place 02-10
    ("deleted", "测试市戊局", "department"),  # posted 01-18, deleted 02-15
    ("down", "测试市己局", "department"),     # portal down 01-30..02-05; report (posted 01-25) seen 02-06
    ("unchecked", "测试市庚局", "department"),  # portal never crawled: nothing at all
    ("gov", "测试市人民政府", "government"),  # due 03-31, never published
    ("invalid", "自治区机关事务管理局", "department"),  # errors 01-15, corrected 02-20
]


def report_bytes(name: str) -> bytes:
    return seed_text("003").replace("自治区信访局", name).encode()


class World:
    """The archive plus the crawler's nightly traces."""

    def __init__(self, archive: Archive):
        self.a = archive
        self.down: set[str] = set()
        with archive.Session.begin() as s:
            for aid, name, kind in AGENCIES:
                archive.upsert_agency(s, {"id": aid, "name": name, "kind": kind,
                                          "portal": f"http://{aid}.example.gov.cn/",
                                          "since": 2020, "emails": [f"{aid}@example.cn"]})

    def crawl(self, day: str) -> None:
        with self.a.Session.begin() as s:
            for aid, _, _ in AGENCIES:
                if aid == "unchecked":
                    continue
                bad = aid in self.down
                s.add(PortalCrawl(portal=f"http://{aid}.example.gov.cn/", started_at=night(day),
                                  finished_at=night(day) + dt.timedelta(minutes=5),
                                  outcome="unreachable" if bad else "ok",
                                  reason="连接超时" if bad else None, agency_ids=[aid]))

    def publish(self, aid: str, day: str, posted: str, data: bytes | None = None) -> None:
        name = next(n for i, n, _ in AGENCIES if i == aid)
        r = self.a.ingest(data or report_bytes(name), url=f"http://{aid}.example.gov.cn/nb2020.html",
                          agency=aid, year=2020, fetched_at=night(day) + dt.timedelta(minutes=1),
                          posted_on=d(posted), role="page")
        assert r.status in ("new", "new_version"), r

    def remove(self, aid: str, day: str) -> None:
        with self.a.Session.begin() as s:
            rep = s.scalar(select(Report).where(Report.agency_id == aid, Report.year == 2020))
            assert rep is not None
            rep.removed_on = d(day)
            src = s.scalar(select(Source).where(Source.url == rep.versions[-1].url))
            assert src is not None
            src.removed_on = d(day)
            src.removed_reason = "HTTP 404"


def keys(rows: list[dict]) -> set[tuple[str, str | None, int | None]]:
    return {(r["kind"], r["agency_id"], r["year"]) for r in rows}


def test_calendar_walk(archive: Archive, tmp_path: Path) -> None:
    w = World(archive)
    invalid_first = seed_text("000").encode()
    invalid_fixed = report_bytes("自治区机关事务管理局")
    edited = report_bytes("测试市丁局").replace("积极推进".encode(), "大力推进".encode())
    assert edited != report_bytes("测试市丁局")

    def events(day: str) -> None:
        if day == "2021-01-15":
            w.publish("edited", day, day)
            w.publish("invalid", day, day, invalid_first)
        elif day == "2021-01-18":
            w.publish("deleted", day, day)
        elif day == "2021-01-20":
            w.publish("ontime", day, day)
        elif day == "2021-01-30":
            w.down.add("down")
        elif day == "2021-02-03":
            w.publish("late", day, day)
        elif day == "2021-02-06":
            w.down.discard("down")
        elif day == "2021-02-10":
            w.publish("edited", day, "2021-01-15", edited)
        elif day == "2021-02-15":
            w.remove("deleted", day)
        elif day == "2021-02-20":
            w.publish("invalid", day, "2021-01-15", invalid_fixed)

    expected: dict[str, tuple[set, set]] = {  # day: (opened, resolved)
        "2021-01-15": ({("REPORT_INVALID", "invalid", 2020)}, set()),
        "2021-01-30": ({("PORTAL_UNREACHABLE", "down", None)}, set()),
        # the deadline passed yesterday; the portal that was down gets no MISSING
        "2021-02-01": ({("REPORT_MISSING", "late", 2020), ("REPORT_MISSING", "never", 2020)}, set()),
        "2021-02-03": ({("REPORT_LATE", "late", 2020)}, {("REPORT_MISSING", "late", 2020)}),
        "2021-02-06": (set(), {("PORTAL_UNREACHABLE", "down", None)}),
        "2021-02-10": ({("REPORT_CHANGED", "edited", 2020)}, set()),
        "2021-02-15": ({("REPORT_REMOVED", "deleted", 2020)}, set()),
        "2021-02-20": ({("REPORT_CHANGED", "invalid", 2020)}, {("REPORT_INVALID", "invalid", 2020)}),
        "2021-04-01": ({("REPORT_MISSING", "gov", 2020)}, set()),
    }
    day = d("2021-01-14")
    while day <= d("2021-04-02"):
        iso = day.isoformat()
        events(iso)
        if iso == "2021-02-06":  # the portal answers again and lists the report
            w.crawl(iso)
            w.publish("down", iso, "2021-01-25")
        else:
            w.crawl(iso)
        res = check(archive, today=day)
        opened, resolved = expected.get(iso, (set(), set()))
        assert (keys(res.opened), keys(res.resolved)) == (opened, resolved), iso
        again = check(archive, today=day)  # idempotent
        assert again.opened == [] and again.resolved == [], iso
        day += dt.timedelta(days=1)

    alerts = {(a["kind"], a["agency_id"], a["year"], a["state"]): a for a in list_alerts(archive)}
    late = alerts[("REPORT_LATE", "late", 2020, "open")]
    assert late["detail"]["days_late"] == 3 and late["opened_on"] == "2021-02-03"
    assert "晚于截止日期 2021-01-31 共 3 天" in late["detail"]["message"]
    changed = alerts[("REPORT_CHANGED", "edited", 2020, "open")]["detail"]
    reps = {r["agency_id"]: r for r in archive.reports()}
    assert [changed["old_sha256"], changed["new_sha256"]] == \
        [v["sha256"] for v in reps["edited"]["versions"]]
    assert "-" in changed["diff"] and "积极推进" in changed["diff"] and "大力推进" in changed["diff"]
    removed = alerts[("REPORT_REMOVED", "deleted", 2020, "open")]
    assert removed["detail"]["reason"] == "HTTP 404" and removed["opened_on"] == "2021-02-15"
    invalid = alerts[("REPORT_INVALID", "invalid", 2020, "resolved")]
    assert invalid["resolved_on"] == "2021-02-20"
    assert any("一、二项之和" in f["message"] for f in invalid["detail"]["findings"])
    unreachable = alerts[("PORTAL_UNREACHABLE", "down", None, "resolved")]
    assert unreachable["opened_on"] == "2021-01-30" and unreachable["resolved_on"] == "2021-02-06"
    assert not any(k[1] in ("down", "unchecked", "ontime") and k[0] == "REPORT_MISSING"
                   for k in alerts)
    assert not any(k[1] == "unchecked" for k in alerts)

    # the CLI agrees, and a second check on the same day records nothing
    out = nianbao(archive.data_dir, "check", "--today", "2021-04-02", "--json", check=True)
    assert json.loads(out.stdout)["opened"] == [] and json.loads(out.stdout)["resolved"] == []
    out = nianbao(archive.data_dir, "alerts", "--json", check=True)
    listed = json.loads(out.stdout)["alerts"]
    assert len(listed) == len(alerts)
    assert set(listed[0]) >= {"id", "kind", "agency_id", "year", "state", "opened_on", "detail"}


def test_first_seen_counts_only_with_earlier_evidence(archive: Archive) -> None:
    """Without a posting date, first sight shows lateness only if an earlier crawl missed it."""
    w = World(archive)
    w.crawl("2021-02-01")
    name = "测试市甲局"
    r = archive.ingest(report_bytes(name), url="http://ontime.example.gov.cn/a.html",
                       agency="ontime", year=2020, fetched_at=night("2021-02-05"))
    with archive.Session() as s:
        rep = s.get(Report, r.report_id)
        assert rep is not None and posting_date(rep) == (d("2021-02-05"), "first_seen")
    res = check(archive, today=d("2021-02-05"))
    late = [a for a in res.opened if a["kind"] == "REPORT_LATE"]
    assert [(a["agency_id"], a["detail"]["days_late"]) for a in late] == [("ontime", 5)]
    # a report first seen on the very first crawl of its portal may have been there all along
    r = archive.ingest(report_bytes("测试市庚局"), url="http://unchecked.example.gov.cn/a.html",
                       agency="unchecked", year=2020, fetched_at=night("2021-02-05"))
    assert not [a for a in check(archive, today=d("2021-02-05")).opened
                if a["agency_id"] == "unchecked"]


def test_file_only_report_uses_its_own_date(archive: Archive) -> None:
    r = archive.ingest(seed_text("002").encode(), year=2020)  # 落款 2021年1月21日
    with archive.Session() as s:
        rep = s.get(Report, r.report_id)
        assert rep is not None and posting_date(rep)[0] == d("2021-01-21")


def test_missed_night_from_run_log(archive: Archive) -> None:
    """A catch-up run opens NIGHTLY_RUN_MISSED; the next on-time run resolves it."""
    with archive.Session.begin() as s:
        s.add(Run(scheduled_for=dt.datetime(2021, 2, 2, 18), started_at=dt.datetime(2021, 2, 3, 1),
                  status="ok", detail={"catch_up": True, "missed": ["2021-02-01T18:00:00"]}))
    res = check(archive, today=d("2021-02-03"), now=dt.datetime(2021, 2, 3, 1, 5))
    (a,) = res.opened
    assert a["kind"] == "NIGHTLY_RUN_MISSED" and a["agency_id"] is None and a["year"] is None
    assert "2021-02-02 02:00:00" in a["detail"]["message"]  # shown in Shanghai time
    assert check(archive, today=d("2021-02-03"), now=dt.datetime(2021, 2, 3, 1, 6)).opened == []
    with archive.Session.begin() as s:
        s.add(Run(scheduled_for=dt.datetime(2021, 2, 3, 18), started_at=dt.datetime(2021, 2, 3, 18),
                  status="ok", detail={"catch_up": False, "missed": []}))
    res = check(archive, today=d("2021-02-04"), now=dt.datetime(2021, 2, 3, 18, 5))
    assert keys(res.resolved) == {("NIGHTLY_RUN_MISSED", None, None)} and res.opened == []
    # the daemon stopped: the next night passes unrun (beyond the misfire grace)
    res = check(archive, today=d("2021-02-05"), now=dt.datetime(2021, 2, 5, 6))
    assert keys(res.opened) == {("NIGHTLY_RUN_MISSED", None, None)}
    assert "nianbao daemon" in res.opened[0]["detail"]["message"]
    with archive.Session() as s:
        assert len(list(s.scalars(select(Alert)))) == 2


def test_partial_crawl_answers_but_is_no_evidence_of_absence(archive: Archive) -> None:
    """A crawl that could not read the whole listing (partial) proves the portal is up,
    not that a report is missing; rows naming no agency count for the agencies of that portal."""
    with archive.Session.begin() as s:
        for aid, name in (("a1", "测试市甲局"), ("a2", "测试市乙局")):
            archive.upsert_agency(s, {"id": aid, "name": name, "kind": "department",
                                      "portal": "http://shared.example.gov.cn/", "since": 2020})
        s.add(PortalCrawl(portal="http://shared.example.gov.cn", started_at=night("2021-02-01"),
                          outcome="unreachable", reason="DNS 解析失败", agency_ids=[]))
    res = check(archive, today=d("2021-02-01"))
    assert keys(res.opened) == {("PORTAL_UNREACHABLE", "a1", None),
                                ("PORTAL_UNREACHABLE", "a2", None)}
    with archive.Session.begin() as s:
        s.add(PortalCrawl(portal="http://shared.example.gov.cn/", started_at=night("2021-02-02"),
                          outcome="partial", reason="超过单个站点的页面预算，未抓完",
                          agency_ids=["a1", "a2"]))
    res = check(archive, today=d("2021-02-02"))
    assert res.opened == [] and len(res.resolved) == 2
    with archive.Session.begin() as s:
        s.add(PortalCrawl(portal="http://shared.example.gov.cn/", started_at=night("2021-02-03"),
                          outcome="ok", agency_ids=["a1"]))  # a crawl of one agency only
    res = check(archive, today=d("2021-02-03"))
    assert keys(res.opened) == {("REPORT_MISSING", "a1", 2020)}
