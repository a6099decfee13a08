"""The nightly schedule as pure time arithmetic: a cron trigger, the times it fires
between two instants, the next one. The check (for NIGHTLY_RUN_MISSED) and the daemon
both need it; neither needs the other."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

MAX_FIRE_TIMES = 20000


def make_trigger(schedule: str | None, tz: str | None) -> CronTrigger:
    """A cron trigger from 5 fields (``0 2 * * *``) or 6 with seconds first (tests)."""
    schedule = (schedule or "0 2 * * *").strip()
    zone = ZoneInfo(tz or "Asia/Shanghai")
    fields = schedule.split()
    if len(fields) == 5:
        return CronTrigger.from_crontab(schedule, timezone=zone)
    if len(fields) == 6:
        sec, minute, hour, day, month, dow = fields
        return CronTrigger(second=sec, minute=minute, hour=hour, day=day, month=month,
                           day_of_week=dow, timezone=zone)
    raise ValueError(f"无效的计划 {schedule!r}：应为 5 个 cron 字段（如 \"0 2 * * *\"），"
                     "或以秒开头的 6 个字段")


def aware_utc(ts: dt.datetime) -> dt.datetime:
    return ts if ts.tzinfo else ts.replace(tzinfo=dt.UTC)


def naive_utc(ts: dt.datetime) -> dt.datetime:
    return ts.astimezone(dt.UTC).replace(tzinfo=None)


def fire_times(trigger: CronTrigger, after: dt.datetime, upto: dt.datetime) -> list[dt.datetime]:
    """Scheduled times in (after, upto], as naive UTC."""
    out: list[dt.datetime] = []
    t = aware_utc(after)
    end = aware_utc(upto)
    while len(out) < MAX_FIRE_TIMES:
        nxt = trigger.get_next_fire_time(None, t + dt.timedelta(microseconds=1))
        if nxt is None or nxt > end:
            break
        out.append(naive_utc(nxt))
        t = nxt
    return out


def next_fire_after(schedule: str | None, tz: str | None, after: dt.datetime
                    ) -> dt.datetime | None:
    """The first scheduled time after ``after`` (naive UTC in and out)."""
    nxt = make_trigger(schedule, tz).get_next_fire_time(
        None, aware_utc(after) + dt.timedelta(microseconds=1))
    return naive_utc(nxt) if nxt else None
