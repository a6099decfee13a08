"""The nightly cycle and its daemon, run for real: `nianbao run`, `nianbao daemon`."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import monitor_argv, nianbao
from smtp_sink import Sink
from sqlalchemy import select, text

from archive.models import Alert, Run
from archive.store import Archive


def wait_for(what: Callable[[], Any], timeout: float = 60.0, every: float = 0.2) -> Any:
    """Poll until ``what()`` is truthy (a bounded wait, not a timing assertion)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        got = what()
        if got:
            return got
        time.sleep(every)
    raise AssertionError(f"gave up waiting after {timeout}s")


def configure(data: Path, port: int) -> None:
    data.mkdir(parents=True, exist_ok=True)
    (data / "nianbao.toml").write_text(
        f'smtp_host = "127.0.0.1"\nsmtp_port = {port}\nalert_recipients = ["gkb@example.cn"]\n'
        'misfire_grace_seconds = 3600\n', encoding="utf-8")
    a = Archive(data)
    a.migrate()
    a.engine.dispose()


def runs(data: Path) -> list[Run]:
    a = Archive(data)
    try:
        with a.Session() as s:
            return list(s.scalars(select(Run).order_by(Run.id)))
    finally:
        a.engine.dispose()


def finished_runs(data: Path) -> list[Run]:
    return [r for r in runs(data) if r.finished_at is not None]


def stored_next_run(data: Path) -> float | None:
    a = Archive(data)
    try:
        with a.engine.connect() as c:
            try:
                row = c.execute(text("SELECT next_run_time FROM apscheduler_jobs "
                                     "WHERE id = 'nianbao-nightly'")).first()
            except Exception:
                return None
            return row[0] if row else None
    finally:
        a.engine.dispose()


def start_daemon(data: Path, cron: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(monitor_argv(data, "daemon", "--cron", cron, "--timezone", "UTC",
                                         "--no-crawl"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def stop(proc: subprocess.Popen[bytes]) -> int:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    return proc.wait(30)


def seconds_ahead(*offsets: int) -> tuple[str, list[dt.datetime]]:
    """A 6-field cron (UTC) firing at now + each offset, all within one minute."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    if now.second + max(offsets) >= 59:
        time.sleep(60 - now.second + 0.2)
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    times = [now + dt.timedelta(seconds=o) for o in offsets]
    cron = f"{','.join(str(t.second) for t in times)} {now.minute} {now.hour} * * *"
    return cron, [t.replace(tzinfo=None) for t in times]


def test_run_is_one_logged_cycle(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Sink() as sink:
        configure(data, sink.port)
        a = Archive(data)
        a.migrate()
        a.ingest(next((Path(__file__).parent / "fixtures" / "seeds").glob("000_*.txt"))
                 .read_bytes(), year=2020)
        out = nianbao(data, "run", timeout=120)
        assert out.returncode == 0, out.stderr
        assert "检查完成" in out.stderr and "邮件：已发送 1 封" in out.stderr
        assert out.stdout == ""  # progress goes to stderr
    (run,) = runs(data)
    assert run.status in ("ok", "partial") and run.finished_at is not None
    assert run.scheduled_for is None and run.detail["check"]["opened"] == 1
    assert run.detail["crawl"]["status"] in ("ok", "partial", "skipped")
    (msg,) = sink.messages
    assert "年报数据有误" in msg.get_body(preferencelist=("plain",)).get_content()


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_daemon_runs_the_cycle_on_schedule(tmp_path: Path) -> None:
    data = tmp_path / "data"
    configure(data, 9)  # no mail server: sending fails softly, the cycle goes on
    cron, (when,) = seconds_ahead(12)  # room for a slow start on a loaded machine
    proc = start_daemon(data, cron)
    try:
        (run,) = wait_for(lambda: finished_runs(data), timeout=60)
    finally:
        assert stop(proc) == 0
    assert run.scheduled_for == when and run.started_at >= when
    assert run.detail["catch_up"] is False and run.detail["missed"] == []
    assert run.detail["check"]["status"] == "ok"
    assert run.detail["send"]["status"] == "ok"  # nothing to send
    assert len(runs(data)) == 1


@pytest.mark.slow
@pytest.mark.timeout(150)
def test_daemon_catches_up_once_after_an_outage(tmp_path: Path) -> None:
    data = tmp_path / "data"
    sink = Sink()
    configure(data, sink.port)
    cron, (first, second) = seconds_ahead(12, 15)
    proc = start_daemon(data, cron)
    try:
        wait_for(lambda: stored_next_run(data), timeout=30)  # the job is in the database
    finally:
        os.kill(proc.pid, signal.SIGKILL)  # power cut before the first scheduled time
        proc.wait(30)
    assert runs(data) == []
    wait_for(lambda: dt.datetime.now(dt.UTC).replace(tzinfo=None)
             > second + dt.timedelta(seconds=1), timeout=30)
    sink.start()
    proc = start_daemon(data, cron)  # the machine is back: both times have passed
    try:
        (run,) = wait_for(lambda: finished_runs(data), timeout=60)
        next_run = stored_next_run(data)
    finally:
        assert stop(proc) == 0
        sink.stop()
    assert len(runs(data)) == 1  # one catch-up, not one per missed time
    assert run.scheduled_for == second and run.detail["catch_up"] is True
    assert run.detail["missed"] == [first.isoformat()]
    assert next_run is not None and next_run > time.time() + 3600  # next: tomorrow
    a = Archive(data)
    with a.Session() as s:
        (alert,) = s.scalars(select(Alert))
        assert alert.kind == "NIGHTLY_RUN_MISSED" and alert.state == "open" and alert.notified
    (msg,) = sink.messages
    assert "夜间任务未按时运行" in msg["Subject"] + msg.get_body(("plain",)).get_content()
    out = nianbao(data, "alerts", "--json", check=True)
    assert json.loads(out.stdout)["alerts"][0]["kind"] == "NIGHTLY_RUN_MISSED"


@pytest.mark.timeout(120)
def test_daemon_retries_queued_mail_between_cycles(tmp_path: Path) -> None:
    from archive.models import Outbox
    from monitor.alerts import check

    data = tmp_path / "data"
    sink = Sink()
    configure(data, sink.port)
    a = Archive(data)
    a.ingest(next((Path(__file__).parent / "fixtures" / "seeds").glob("000_*.txt")).read_bytes(),
             year=2020)
    assert check(a).opened
    out = nianbao(data, "alerts", "send", timeout=120)
    assert "邮件未能发出" in out.stderr  # the server is down: queued with a backoff
    with a.Session.begin() as s:  # ... and the backoff has run out
        (row,) = s.scalars(select(Outbox))
        row.next_attempt_at = dt.datetime(2000, 1, 1)
    sink.start()
    cron = "0 3 1 1 *"  # no cycle during this test
    proc = subprocess.Popen(monitor_argv(data, "daemon", "--cron", cron, "--timezone", "UTC",
                                         "--no-crawl", "--outbox-minutes", "0.05"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: sink.raw, timeout=60)
    finally:
        assert stop(proc) == 0
        sink.stop()
    assert len(sink.raw) == 1 and runs(data) == []
    with a.Session() as s:
        (row,) = s.scalars(select(Outbox))
        assert row.sent_at is not None
