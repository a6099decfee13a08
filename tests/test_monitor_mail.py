"""The digest over real SMTP (aiosmtpd on loopback): content, failure, crash safety."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
from email.header import decode_header, make_header
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from helpers import monitor_argv, nianbao, seed_bytes
from servers import free_port
from smtp_sink import Sink
from sqlalchemy import select

from archive.models import Outbox, PortalCrawl
from archive.store import Archive
from monitor.alerts import check, list_alerts

TODAY = dt.date(2021, 2, 5)


def configure(data_dir: Path, port: int, copy_agencies: bool = True) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "nianbao.toml").write_text(
        'smtp_host = "127.0.0.1"\n'
        f"smtp_port = {port}\n"
        'mail_from = "nianbao@gkb.example.cn"\n'
        'alert_recipients = ["gkb@example.cn", "duty@example.cn"]\n'
        f"copy_agencies = {'true' if copy_agencies else 'false'}\n"
        'site_url = "http://nianbao.example.cn"\n', encoding="utf-8")


def make_alerts(data_dir: Path) -> Archive:
    """Three agencies with something to say: errors, missing, portal down."""
    a = Archive(data_dir)
    a.migrate()
    with a.Session.begin() as s:
        a.upsert_agency(s, {"id": "nx-jgsw", "name": "自治区机关事务管理局", "kind": "department",
                            "portal": "http://nxjgsw.example/", "emails": ["jgsw@example.cn"],
                            "since": 2020})
        a.upsert_agency(s, {"id": "nx-xfj", "name": "自治区信访局", "kind": "department",
                            "portal": "http://xf.example/", "emails": ["xfj@example.cn"],
                            "since": 2020})
        a.upsert_agency(s, {"id": "nx-zfbgt", "name": "自治区人民政府办公厅", "kind": "government",
                            "portal": "http://gov.example/", "emails": ["bgt@example.cn"],
                            "since": 2020})
        crawled = dt.datetime(2021, 2, 3, 18)
        s.add(PortalCrawl(portal="http://xf.example/", started_at=crawled, finished_at=crawled,
                          outcome="ok", agency_ids=["nx-xfj"]))
        s.add(PortalCrawl(portal="http://gov.example/", started_at=crawled, finished_at=crawled,
                          outcome="unreachable", reason="连接超时", agency_ids=["nx-zfbgt"]))
    r = a.ingest(seed_bytes("000"), agency="nx-jgsw", year=2020,
                 url="http://nxjgsw.example/nb2020.html", posted_on=dt.date(2021, 1, 20))
    assert r.report_id
    res = check(a, today=TODAY)
    assert {x["kind"] for x in res.opened} == {"REPORT_INVALID", "REPORT_MISSING",
                                               "PORTAL_UNREACHABLE"}
    return a


def body(msg, subtype: str) -> str:  # noqa: ANN001
    part = msg.get_body(preferencelist=(subtype,))
    assert part is not None
    return part.get_content()


def test_digest_arrives_in_chinese_grouped_with_links(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Sink() as sink:
        configure(data, sink.port)
        make_alerts(data)
        out = nianbao(data, "alerts", "send")
        assert out.returncode == 0, out.stderr
        assert "已发送 4 封" in out.stderr
    msgs = sink.messages
    assert len(msgs) == 4  # the office's digest and each agency's own copy
    office = next(m for m in msgs if "gkb@example.cn" in m["To"])
    assert sorted(sink.envelopes[msgs.index(office)][1]) == ["duty@example.cn", "gkb@example.cn"]
    # the subject travels RFC 2047-encoded and decodes to the Chinese text
    head = sink.raw[msgs.index(office)].split(b"\r\n\r\n", 1)[0]
    match = re.search(rb"^Subject: (.*?)\r\n(?=\S)", head + b"\r\nX", re.S | re.M)
    assert match is not None
    raw_subject = match.group(1)
    assert raw_subject.isascii() and b"=?utf-8?" in raw_subject.lower()
    assert str(make_header(decode_header(raw_subject.decode()))) == office["Subject"]
    today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    assert office["Subject"] == f"【年报监测】{today} 提醒摘要：新增 3 条，已解除 0 条"
    assert office.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in office.iter_parts()] == ["text/plain", "text/html"]
    text, html = body(office, "plain"), body(office, "html")
    for needle in ("年报数据有误", "年报未发布", "门户网站无法访问", "自治区机关事务管理局",
                   "http://nianbao.example.cn/reports/1", "http://nianbao.example.cn/agencies/nx-xfj",
                   "门户网站 http://gov.example/", "一、二项之和为1，三、四项之和为0"):
        assert needle in text, needle
        assert needle in html, needle
    # grouped by kind in the order of the kinds, then by agency
    assert text.index("年报未发布") < text.index("年报数据有误") < text.index("门户网站无法访问")
    assert '<a href="http://nianbao.example.cn/reports/1">' in html
    # each agency's copy carries only its own alerts
    copy = next(m for m in msgs if m["To"] == "xfj@example.cn")
    assert "自治区信访局" in copy["Subject"]
    assert "年报未发布" in body(copy, "plain") and "年报数据有误" not in body(copy, "plain")
    assert len({m["Message-ID"] for m in msgs}) == 4
    assert list_alerts(Archive(data), pending=True) == []
    # nothing new: a second send sends nothing
    with Sink(port=sink.port) as again:
        out = nianbao(data, "alerts", "send")
        assert out.returncode == 0 and "已发送 0 封" in out.stderr
    assert again.raw == []


def test_server_down_fails_softly_then_delivers_once(tmp_path: Path) -> None:
    data = tmp_path / "data"
    port = free_port()
    configure(data, port, copy_agencies=False)
    a = make_alerts(data)
    out = nianbao(data, "alerts", "send")
    assert out.returncode == 0
    assert "邮件未能发出" in out.stderr and "1 封留在发件箱" in out.stderr
    with a.Session() as s:
        (row,) = s.scalars(select(Outbox))
        assert row.sent_at is None and row.attempts == 1 and row.last_error
        assert row.next_attempt_at is not None and row.next_attempt_at > row.created_at
        first_retry = row.next_attempt_at
    assert list_alerts(a, pending=True) == []  # they are in the outbox, not lost
    out = nianbao(data, "alerts", "send", "--retry-now")  # still down: the backoff grows
    assert out.returncode == 0 and "邮件未能发出" in out.stderr
    with a.Session() as s:
        (row,) = s.scalars(select(Outbox))
        assert row.attempts == 2 and row.next_attempt_at > first_retry
    with Sink(port=port) as sink:
        out = nianbao(data, "alerts", "send")  # the backoff has not expired yet
        assert out.returncode == 0 and "等待重试" in out.stderr and sink.raw == []
        out = nianbao(data, "alerts", "send", "--retry-now")
        assert out.returncode == 0 and "已发送 1 封" in out.stderr, out.stderr
        out = nianbao(data, "alerts", "send", "--retry-now")
        assert "已发送 0 封" in out.stderr
    (msg,) = sink.messages
    assert "新增 3 条" in msg["Subject"]
    with a.Session() as s:
        (row,) = s.scalars(select(Outbox))
        assert row.sent_at is not None and row.last_error is None and row.attempts == 3


@pytest.mark.timeout(180)
@pytest.mark.parametrize("command", [("alerts", "send"), ("run", "--no-crawl")])
def test_sigkill_in_the_middle_of_sending_loses_and_repeats_nothing(
        tmp_path: Path, command: tuple[str, ...]) -> None:
    data = tmp_path / "data"
    sink = Sink()
    configure(data, sink.port)
    make_alerts(data)
    sink.start(stall_on=2)  # takes the 2nd message's content, never answers
    try:
        proc = subprocess.Popen(monitor_argv(data, *command), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        assert sink.stalled.wait(60), "the sender never reached the 2nd message"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    finally:
        sink.stop()
    assert len(sink.raw) == 1
    sink.start()  # the server is back, behaving normally
    try:
        out = nianbao(data, *command)
        assert out.returncode == 0, out.stderr
    finally:
        sink.stop()
    ids = [m["Message-ID"] for m in sink.messages]
    assert len(ids) == 4 and len(set(ids)) == 4  # every message exactly once
    a = Archive(data)
    with a.Session() as s:
        rows = list(s.scalars(select(Outbox)))
        assert sorted(r.message_id for r in rows) == sorted(ids)
        assert all(r.sent_at is not None for r in rows)


def test_concurrent_senders_send_each_digest_once(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Sink() as sink:
        configure(data, sink.port)
        make_alerts(data)
        procs = [subprocess.Popen(monitor_argv(data, "alerts", "send"), stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE) for _ in range(3)]
        assert [p.wait(120) for p in procs] == [0, 0, 0]
    ids = [m["Message-ID"] for m in sink.messages]
    assert len(ids) == 4 and len(set(ids)) == 4


def test_digest_shows_diffs_resolutions_escapes_html_and_stays_readable(tmp_path: Path) -> None:
    from archive.config import load_settings
    from archive.models import Alert
    from monitor.mail import render_digest

    day = dt.date(2021, 2, 10)
    alerts = [Alert(id=i, kind="REPORT_MISSING", agency_id=f"a{i:03d}", year=2020, state="open",
                    opened_on=day, detail={"message": f"第{i}个机关未发布"}) for i in range(150)]
    alerts.append(Alert(id=500, kind="REPORT_CHANGED", agency_id="a001", year=2020, state="open",
                        opened_on=day, detail={"message": "年报在原地址被修改", "report_id": 7,
                                               "diff": "-旧的一行\n+新的一行 <script>"}))
    alerts.append(Alert(id=501, kind="PORTAL_UNREACHABLE", agency_id="a002", year=None,
                        state="resolved", opened_on=dt.date(2021, 2, 1), resolved_on=day,
                        detail={"portal": "http://p2/", "resolved_message": "门户网站已恢复访问。"}))
    dg = render_digest(alerts, {"a001": "甲局", "a002": "乙局"}, load_settings(tmp_path), day,
                       ["gkb@example.cn"])
    assert dg.subject.endswith("新增 151 条，已解除 1 条")
    assert "另有 50 条未在邮件中列出" in dg.body_text and "另有 50 条" in dg.body_html
    assert "        +新的一行 <script>" in dg.body_text
    assert "+新的一行 &lt;script&gt;" in dg.body_html and "<script>" not in dg.body_html
    assert "2021-02-01 提出，2021-02-10 解除。门户网站已恢复访问。" in dg.body_text
    assert "/reports/7" in dg.body_text
    assert dg.message_id == render_digest(alerts, {"a001": "甲局", "a002": "乙局"},
                                          load_settings(tmp_path), day,
                                          ["gkb@example.cn"]).message_id


def test_starttls_and_login(tmp_path: Path) -> None:
    """The usual office server: STARTTLS required, certificate verified, AUTH required."""
    from smtp_sink import tls_pair

    data = tmp_path / "data"
    ctx, cafile = tls_pair(tmp_path)
    with Sink(tls=ctx, login=("nianbao", "秘密口令1")) as sink:
        configure(data, sink.port, copy_agencies=False)
        with open(data / "nianbao.toml", "a", encoding="utf-8") as f:
            f.write(f'smtp_starttls = true\nsmtp_user = "nianbao"\nsmtp_cafile = "{cafile}"\n')
        make_alerts(data)
        env = dict(os.environ, NIANBAO_SMTP_PASSWORD="wrong")
        out = nianbao(data, "alerts", "send", env=env, timeout=120)
        assert out.returncode == 0 and "邮件未能发出" in out.stderr and sink.raw == []
        env["NIANBAO_SMTP_PASSWORD"] = "秘密口令1"
        out = nianbao(data, "alerts", "send", "--retry-now", env=env, timeout=120)
        assert out.returncode == 0 and "已发送 1 封" in out.stderr, out.stderr
    assert sink.logins == ["nianbao"] and len(sink.messages) == 1
