"""``nianbao demo``: the whole pipeline on simulated portals, in the user's data directory.

A first crawl archives the scenario's reports; then the portals change the way real ones
do (a report quietly edited, one deleted, one site down) and ONE nightly cycle runs
(crawl → check → send), so the local mail sink holds exactly one digest and the
dashboard shows every kind of alert. Nothing leaves the machine: portals live on
127.0.0.x and the mail goes to ``<data dir>/demo-mail/``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table
from sqlalchemy import func, or_, select

from archive.config import load_settings
from archive.models import Agency, Alert, Fetch, PortalCrawl, Report, ReportVersion
from archive.store import Archive
from monitor.kinds import ALERT_LABELS

MAIL_DIR = "demo-mail"
OFFICE = "gongkaiban@demo.example.gov.cn"


class DemoRefused(Exception):
    """The data directory holds real data; the message (Chinese) says what to do."""


# ---------------------------------------------------------------- the data directory


def _sqlite(archive: Archive) -> bool:
    return archive.settings.database.startswith("sqlite")


def real_data(archive: Archive) -> list[str]:
    """What in the data directory is not the demo's: agencies with reports or crawls that
    the demo did not create, and fetches that did not come from simulated portals."""
    found = []
    with archive.Session() as s:
        real = {a.id: a.name for a in s.scalars(select(Agency).where(Agency.demo.is_not(True)))}
        with_reports = set(s.scalars(select(Report.agency_id).where(
            Report.agency_id.in_(real)).distinct()))
        crawled: set[str] = set()
        for ids in s.scalars(select(PortalCrawl.agency_ids)):
            crawled |= set(ids or []) & set(real)
        for aid in sorted(with_reports | crawled):
            found.append(f"{real[aid]}（{aid}）")
        outside = s.scalar(select(func.count(Fetch.id)).where(
            or_(Fetch.url.is_(None), ~Fetch.url.like("http://127.0.0.%"))))
        if outside:
            found.append(f"{outside} 条非模拟门户的采集或导入记录")
    return found


def prepare(data_dir: Path) -> None:
    """Refuse a data directory with real data; clear a previous demo's database, blobs
    and mail so the demo starts from nothing (``nianbao.toml`` is kept)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    archive = Archive(data_dir)
    db = data_dir / "nianbao.db"
    try:
        if _sqlite(archive) and not db.exists():
            return
        archive.migrate()
        found = real_data(archive)
        if found:
            raise DemoRefused(
                f"数据目录 {data_dir} 中已有真实数据（{'；'.join(found[:5])}），演示不会覆盖它。"
                f"请换一个数据目录运行演示，例如：nianbao --data-dir {data_dir.parent / 'nianbao-demo'} demo")
        if not _sqlite(archive):
            with archive.Session() as s:
                if s.scalar(select(func.count(Report.id))):
                    raise DemoRefused(
                        "演示只会清空 SQLite 数据目录；此数据目录使用外部数据库且已有演示数据。"
                        "请换一个数据目录运行演示，例如：nianbao --data-dir ./nianbao-demo demo")
            return
    finally:
        archive.engine.dispose()
    for name in ("nianbao.db", "nianbao.db-wal", "nianbao.db-shm"):
        (data_dir / name).unlink(missing_ok=True)
    for name in ("blobs", MAIL_DIR):
        shutil.rmtree(data_dir / name, ignore_errors=True)


# ---------------------------------------------------------------- the mail sink


class MailSink:
    """A local SMTP server (aiosmtpd) writing each message to ``NNNN.eml``."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.lock = threading.Lock()
        self.files: list[Path] = []
        self._controller: Any = None
        self.port = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / f"{len(self.files) + 1:04d}.eml"
            path.write_bytes(bytes(envelope.content))
            self.files.append(path)
        return "250 2.0.0 OK"

    def start(self) -> MailSink:
        from aiosmtpd.controller import Controller

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


# ---------------------------------------------------------------- the run


@dataclass
class DemoResult:
    data_dir: Path
    today: dt.date
    portals: int
    down: int
    agencies: int
    reports_found: int
    reports: int
    versions: int
    alerts: Counter[str]
    mails: list[Path]
    url: str
    changes: list[str]
    seconds: dict[str, float] = field(default_factory=dict)


def _env(sink: MailSink, url: str) -> dict[str, str]:
    """Settings for this process and the crawl subprocesses: the sink, no politeness delay
    (the portals are local), short retries so the down portal is given up on quickly."""
    return {"NIANBAO_SMTP_HOST": "127.0.0.1", "NIANBAO_SMTP_PORT": str(sink.port),
            "NIANBAO_SMTP_USER": "", "NIANBAO_SMTP_STARTTLS": "false", "NIANBAO_SMTP_SSL": "false",
            "NIANBAO_MAIL_FROM": "nianbao-demo@localhost", "NIANBAO_ALERT_RECIPIENTS": OFFICE,
            "NIANBAO_COPY_AGENCIES": "false", "NIANBAO_SITE_URL": url,
            "NIANBAO_DOWNLOAD_DELAY": "0", "NIANBAO_CRAWL_RETRIES": "1",
            "NIANBAO_CRAWL_BACKOFF": "0.2", "NIANBAO_CRAWL_TIMEOUT": "15"}


def _first_crawl(data_dir: Path, console: Console) -> int:
    cmd = [sys.executable, "-m", "monitor", "--data-dir", str(data_dir), "crawl"]
    proc = subprocess.run(cmd, stdout=sys.stderr, stderr=sys.stderr, stdin=subprocess.DEVNULL)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"首次采集失败（退出码 {proc.returncode}），详见上面的日志")
    return proc.returncode


def run_demo(data_dir: Path, url: str, console: Console | None = None,
             keep: list[Any] | None = None) -> DemoResult:
    """Play the scenario into ``data_dir``; the farm is appended to ``keep`` (still up)
    so the pages can link to it while they are served, else stopped."""
    from crawler.simulator.demo import DemoFarm, scenario

    from .cycle import run_cycle

    console = console or Console(stderr=True)
    t0 = time.monotonic()
    prepare(data_dir)
    tz = load_settings(data_dir).timezone
    today = dt.datetime.now(ZoneInfo(tz)).date()
    plan = scenario(today)
    sink = MailSink(data_dir / MAIL_DIR).start()
    os.environ.update(_env(sink, url))
    # the outage is part of the story: Scrapy's own log would show it as errors
    os.environ.setdefault("NIANBAO_LOG_LEVEL", "CRITICAL")
    seconds: dict[str, float] = {}
    console.rule("[bold]1/4 启动模拟门户网站和本地邮件服务器")
    farm = DemoFarm(plan)
    try:
        farm.start()
        archive = Archive(data_dir)
        archive.migrate()
        with archive.Session.begin() as s:
            keep_ids = {a.id for a in plan.agencies()}
            for a in s.scalars(select(Agency).where(Agency.id.not_in(keep_ids))):
                s.delete(a)  # an untouched init registry: no reports, no crawls (checked)
            for entry in plan.registry(farm):
                archive.upsert_agency(s, entry)
        console.print(f"{len(farm.portals)} 个模拟门户网站，{len(plan.agencies())} 个机关，"
                      f"{len(farm.reports())} 份年报；邮件服务器 127.0.0.1:{sink.port}")
        seconds["setup"] = time.monotonic() - t0

        console.rule("[bold]2/4 首次采集：存档全部年报")
        t = time.monotonic()
        _first_crawl(data_dir, console)
        with archive.Session() as s:
            found = sum(c.reports_found for c in s.scalars(select(PortalCrawl)))
        seconds["first_crawl"] = time.monotonic() - t

        console.rule("[bold]3/4 门户网站发生变化")
        changes = farm.mutate()
        for c in changes:
            console.print(f"· {c}")

        console.rule("[bold]4/4 夜间任务：采集 → 检查 → 发送提醒")
        t = time.monotonic()
        detail = run_cycle(archive, console=console)
        seconds["cycle"] = time.monotonic() - t
        if detail["status"] == "failed":
            raise RuntimeError(f"夜间任务失败：{detail}")
        with archive.Session() as s:
            alerts = Counter(s.scalars(select(Alert.kind).where(Alert.state == "open")))
            n_reports = s.scalar(select(func.count(Report.id))) or 0
            n_versions = s.scalar(select(func.count(ReportVersion.id))) or 0
        archive.engine.dispose()
    except BaseException:
        farm.stop()
        raise
    finally:
        sink.stop()
    if keep is not None:
        keep.append(farm)
    else:
        farm.stop()
    seconds["total"] = time.monotonic() - t0
    return DemoResult(data_dir, today, len(farm.portals), sum(p.down for p in plan.portals),
                      len(plan.agencies()), found, n_reports, n_versions, alerts,
                      list(sink.files), url, changes, seconds)


def summary(res: DemoResult, data_flag: str) -> Table:
    """The table printed at the end: what was archived, raised, sent, and where to look."""
    t = Table(title=f"nianbao 演示结果（检查日期 {res.today}）", show_header=False)
    t.add_column("项目", style="bold")
    t.add_column("结果", overflow="fold")  # paths wrap, never cut to "…"
    t.add_row("模拟门户网站", f"{res.portals} 个（其中 {res.down} 个在夜间任务时停机）")
    t.add_row("机关", f"{res.agencies} 个（含 5 个种子机关）")
    t.add_row("找到的年报", f"{res.reports_found} 份（首次采集）")
    t.add_row("存档的年报", f"{res.reports} 份，共 {res.versions} 个版本")
    for kind, label in ALERT_LABELS.items():
        if res.alerts.get(kind):
            t.add_row(f"提醒：{label}", f"{res.alerts[kind]} 条")
    mail = res.mails[0] if res.mails else None
    t.add_row("已发送邮件", f"{len(res.mails)} 封，保存在 {res.data_dir / MAIL_DIR}/"
              + (f"（{mail.name}）" if mail else ""))
    t.add_row("网页", res.url)
    t.add_row("数据目录", str(res.data_dir))
    t.add_row("夜间任务用时", f"{res.seconds.get('cycle', 0):.1f} 秒（全程 {res.seconds['total']:.1f} 秒）")
    t.add_row("接着试试", f"nianbao{data_flag} reports · nianbao{data_flag} alerts · "
              f"nianbao{data_flag} serve")
    return t
