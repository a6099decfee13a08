"""One nightly cycle: crawl → check → send, logged as one ``Run`` row.

The crawl runs in a subprocess (``python -m monitor crawl``) so a crash or a leak in the
crawler (Scrapy's reactor, a parser blowing up on a hostile file) cannot take the
daemon down with it. Each step's failure is recorded and the next step still runs:
alerts about yesterday's facts are still worth sending when tonight's crawl failed.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from typing import Any

from rich.console import Console

from archive.models import Run, utcnow
from archive.store import Archive

from .alerts import check
from .mail import SmtpChannel, send_pending


def _crawl(archive: Archive, console: Console) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "monitor", "--data-dir", str(archive.data_dir), "crawl"]
    with console.status("采集门户网站……"):
        proc = subprocess.run(cmd, stdout=sys.stderr, stderr=sys.stderr, stdin=subprocess.DEVNULL)
    status = {0: "ok", 1: "partial"}.get(proc.returncode, "failed")
    words = {"ok": "全部成功", "partial": "部分门户网站无法访问", "failed": "失败"}
    console.print(f"采集结束：{words[status]}（退出码 {proc.returncode}）")
    return {"status": status, "returncode": proc.returncode}


def run_cycle(archive: Archive, *, crawl: bool = True, scheduled_for: dt.datetime | None = None,
              catch_up: bool = False, missed: list[str] | None = None,
              info: dict[str, Any] | None = None, console: Console | None = None
              ) -> dict[str, Any]:
    """Run crawl → check → send once; returns the run's detail (also stored in ``runs``)."""
    console = console or Console(stderr=True)
    detail: dict[str, Any] = dict(info or {}, catch_up=catch_up, missed=list(missed or []))
    with archive.Session.begin() as s:
        run = Run(scheduled_for=scheduled_for, started_at=utcnow(), status="running",
                  detail=dict(detail))
        s.add(run)
        s.flush()
        run_id = run.id
    failed = partial = False
    if crawl:
        try:
            detail["crawl"] = _crawl(archive, console)
        except Exception as e:  # the cycle goes on
            detail["crawl"] = {"status": "failed", "error": f"{type(e).__name__}: {e}"}
        failed |= detail["crawl"]["status"] == "failed"
        partial |= detail["crawl"]["status"] == "partial"
    else:
        detail["crawl"] = {"status": "skipped", "reason": "--no-crawl"}
    _save(archive, run_id, detail)  # the check reads this run's catch_up/missed
    try:
        with console.status("检查截止日期和报告变化……"):
            res = check(archive)
        detail["check"] = {"status": "ok", "opened": len(res.opened),
                           "resolved": len(res.resolved), "open": res.open_count}
        console.print(f"检查完成：新增 {len(res.opened)} 条提醒，解除 {len(res.resolved)} 条，"
                      f"当前未解除 {res.open_count} 条")
    except Exception as e:
        detail["check"] = {"status": "failed", "error": f"{type(e).__name__}: {e}"}
        console.print(f"[red]检查失败：{e}[/]")
        failed = True
    try:
        with console.status("发送提醒邮件……"):
            rep = send_pending(archive, SmtpChannel(archive.settings))
        detail["send"] = dict(rep.json(), status="ok" if not rep.error else "queued")
        console.print(f"邮件：已发送 {len(rep.sent)} 封" +
                      (f"，{rep.failed} 封留在发件箱（{rep.error}）" if rep.error else "") +
                      (f"；{rep.warning}" if rep.warning else ""))
        partial |= bool(rep.error or rep.warning)
    except Exception as e:
        detail["send"] = {"status": "failed", "error": f"{type(e).__name__}: {e}"}
        console.print(f"[red]发送失败：{e}[/]")
        failed = True
    status = "failed" if failed else "partial" if partial else "ok"
    _save(archive, run_id, detail, status=status, finished=True)
    detail["status"] = status
    detail["run_id"] = run_id
    return detail


def _save(archive: Archive, run_id: int, detail: dict[str, Any], status: str | None = None,
          finished: bool = False) -> None:
    with archive.Session.begin() as s:
        run = s.get(Run, run_id)
        assert run is not None
        run.detail = dict(detail)
        if status:
            run.status = status
        if finished:
            run.finished_at = utcnow()
