"""``nianbao daemon``: the nightly cycle on its cron schedule (APScheduler 3).

The job lives in the same database (``SQLAlchemyJobStore``), so its next run time
survives a restart: a machine that was down across 02:00 finds the overdue job when it
comes back and, with ``coalesce=True`` and ``misfire_grace_time``, runs it exactly once.
The run records whether it was such a catch-up and which scheduled times it skipped;
``check`` turns that into ``NIGHTLY_RUN_MISSED`` for the next digest.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select

from archive.models import Outbox, Run
from archive.store import Archive

from .schedule import MAX_FIRE_TIMES, aware_utc, fire_times, make_trigger, naive_utc

JOB_ID = "nianbao-nightly"
OUTBOX_JOB_ID = "nianbao-outbox"
log = logging.getLogger("nianbao.daemon")

_started_at: dt.datetime | None = None  # when this daemon process began (aware UTC)
_pending_since: dt.datetime | None = None  # the stored job's next run time found at start


def nightly_job(data_dir: str, schedule: str, timezone: str, crawl: bool = True) -> None:
    """The scheduled job: work out which scheduled time this is and what was skipped."""
    from .cycle import run_cycle

    now = dt.datetime.now(dt.UTC)
    archive = Archive(Path(data_dir))
    trigger = make_trigger(schedule, timezone)
    grace = archive.settings.misfire_grace_seconds
    with archive.Session() as s:
        prev = s.scalar(select(Run.scheduled_for).where(Run.scheduled_for.is_not(None))
                        .order_by(Run.scheduled_for.desc()).limit(1))
    if prev is not None:
        start = aware_utc(prev)
    elif _pending_since is not None:  # first run ever, but the store knew it was due then
        start = _pending_since - dt.timedelta(microseconds=1)
    else:
        start = now - dt.timedelta(seconds=grace) - dt.timedelta(days=1)
    times = fire_times(trigger, start, now)
    if len(times) >= MAX_FIRE_TIMES:  # down for ages on a fine-grained schedule
        times = fire_times(trigger, now - dt.timedelta(seconds=grace), now)
    if prev is None and _pending_since is None:
        times = times[-1:]
    scheduled = times[-1] if times else naive_utc(now)
    missed = [t.isoformat(timespec="seconds") for t in times[:-1]][-50:]
    catch_up = _started_at is not None and naive_utc(_started_at) > scheduled
    log.info("nightly cycle for %s UTC (catch-up: %s, skipped: %d)", scheduled, catch_up,
             len(missed))
    run_cycle(archive, crawl=crawl, scheduled_for=scheduled, catch_up=catch_up, missed=missed,
              info={"schedule": schedule, "timezone": timezone})


def outbox_job(data_dir: str) -> None:
    """Retry queued mail whose backoff has expired, between nightly cycles."""
    from .mail import SmtpChannel, deliver

    archive = Archive(Path(data_dir))
    with archive.Session() as s:
        if s.scalar(select(Outbox.id).where(Outbox.sent_at.is_(None)).limit(1)) is None:
            return
    rep = deliver(archive, SmtpChannel(archive.settings))
    if rep.sent or rep.error:
        log.info("outbox retry: sent %d, error %s", len(rep.sent), rep.error)


def daemon(archive: Archive, schedule: str | None = None, timezone: str | None = None,
           crawl: bool = True, outbox_minutes: float = 5.0) -> None:
    """Run until SIGTERM/SIGINT; the nightly job's state is kept in the database."""
    global _started_at, _pending_since
    _started_at = dt.datetime.now(dt.UTC)
    _pending_since = None
    st = archive.settings
    schedule = schedule or st.schedule
    timezone = timezone or st.timezone
    grace = st.misfire_grace_seconds
    trigger = make_trigger(schedule, timezone)
    sched = BlockingScheduler(timezone=ZoneInfo(timezone))
    store = SQLAlchemyJobStore(engine=archive.engine, tablename="apscheduler_jobs")
    store.start(sched, "default")
    kwargs: dict[str, Any] = {"data_dir": str(archive.data_dir), "schedule": schedule,
                              "timezone": timezone, "crawl": crawl}
    existing = store.lookup_job(JOB_ID)
    sched.add_jobstore(store, "default")
    sched.add_jobstore(MemoryJobStore(), "memory")
    if (existing is None or str(existing.trigger) != str(trigger) or existing.kwargs != kwargs
            or existing.misfire_grace_time != grace):
        # a new or changed schedule; an unchanged one keeps its stored next run time,
        # which is what lets a restarted daemon catch up on a night it missed
        sched.add_job(nightly_job, trigger, id=JOB_ID, kwargs=kwargs, replace_existing=True,
                      coalesce=True, misfire_grace_time=grace, max_instances=1,
                      jobstore="default")
        log.info("new schedule, next run %s", trigger.get_next_fire_time(None, _started_at))
    elif existing.next_run_time is not None:
        _pending_since = existing.next_run_time
        log.info("stored nightly job, next run %s", existing.next_run_time)
    sched.add_job(outbox_job, IntervalTrigger(minutes=outbox_minutes), id=OUTBOX_JOB_ID,
                  kwargs={"data_dir": str(archive.data_dir)}, coalesce=True, max_instances=1,
                  jobstore="memory", replace_existing=True)

    def stop(signum: int, _frame: Any) -> None:
        log.info("signal %d: stopping", signum)
        sched.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("nianbao daemon: schedule %r (%s), misfire grace %ds", schedule, timezone, grace)
    sched.start()
