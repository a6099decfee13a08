"""The two ends of a distributed night: the coordinator that fills it and waits
(:func:`coordinate`, behind ``nianbao crawl`` when ``redis_url`` is set) and, inside each
worker's Scrapy process, :class:`NightWork`, which leases portals for the ``reports``
spider, renews the leases while they are crawled and reports each one finished.

Redis may go away for a while (a restart): every call here retries until it answers
again, and what could not be said yet (a finished portal) is said on the next beat.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

from .night import Night, Status

log = logging.getLogger(__name__)
T = TypeVar("T")


class Outage:
    """Says once that Redis does not answer, then every ``every`` seconds, and when it
    answers again: a restart must not bury the log under one line per retry."""

    def __init__(self, every: float = 30.0):
        self.every = every
        self.since: float | None = None
        self.said = 0.0

    def failed(self, what: str, e: Exception) -> None:
        now = time.monotonic()
        if self.since is None:
            self.since = now
        if now - self.said >= self.every:
            self.said = now
            log.warning("redis does not answer (%s) for %.0f s: %s; trying again", e,
                        now - self.since, what)

    def answered(self) -> None:
        if self.since is not None:
            log.warning("redis answers again after %.0f s", time.monotonic() - self.since)
        self.since, self.said = None, 0.0


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class NightWork:
    """One worker process's share of the night."""

    def __init__(self, night: Night, capacity: int, ttl: float):
        self.night = night
        self.worker = worker_id()
        self.capacity = max(1, capacity)
        self.ttl = ttl
        self.held: set[str] = set()  # leased and not finished
        self.unsaid: set[str] = set()  # finished, Redis not yet told
        self._beat: Any = None
        self.outage = Outage()

    @classmethod
    def from_settings(cls, settings: Any) -> NightWork | None:
        if not settings.get("NIANBAO_NIGHT"):
            return None
        url = settings.get("NIANBAO_REDIS_URL")
        if not url:
            raise RuntimeError("NIANBAO_NIGHT without NIANBAO_REDIS_URL")
        return cls(Night.from_url(url, settings.get("NIANBAO_REDIS_PREFIX", "nianbao")),
                   settings.getint("NIANBAO_WORKER_PORTALS", 32),
                   settings.getfloat("NIANBAO_LEASE_SECONDS", 60.0))

    async def portals(self) -> AsyncIterator[str]:
        """Portals to crawl, as room frees up, until the night has nothing left (the
        queue is empty and no lease is out: one still out may expire and come back)."""
        import redis
        from twisted.internet import task

        self._beat = task.LoopingCall(self.beat)
        self._beat.start(max(0.5, self.ttl / 4), now=False)
        log.info("worker %s: joined the night", self.worker)
        while True:
            try:
                got = self.night.lease(self.worker, self.capacity - len(self.held), self.ttl)
                self.held.update(got)
                for key in got:
                    yield key
                if not got:
                    status = self.night.status()
                    if status.night is None or (status.finished and not self.held):
                        break
                self.outage.answered()
            except redis.RedisError as e:
                self.outage.failed("leasing portals", e)
            await asyncio.sleep(0.5)
        log.info("worker %s: the night is done", self.worker)

    def finished(self, portal: str) -> None:
        self.held.discard(portal)
        self.unsaid.add(portal)
        self.say()

    def say(self) -> None:
        import redis

        for portal in sorted(self.unsaid):
            try:
                self.night.finish(self.worker, portal)
            except redis.RedisError:
                return  # said on the next beat
            self.unsaid.discard(portal)

    def beat(self) -> None:
        import redis

        self.say()
        try:
            lost = self.held - self.night.renew(self.worker, sorted(self.held), self.ttl)
        except redis.RedisError as e:
            self.outage.failed("leases not renewed", e)
            return
        for portal in lost:  # another worker has it now; both finishing it is harmless
            log.warning("worker %s: lease of %s expired; crawling on", self.worker, portal)

    def stop(self, unfinished: list[str]) -> None:
        """The process is stopping: give back what it holds, say what it finished."""
        import redis

        if self._beat is not None and self._beat.running:
            self._beat.stop()
        self.say()
        for portal in unfinished:
            if portal in self.held:
                try:
                    self.night.release(self.worker, portal)
                except redis.RedisError:
                    pass  # its lease expires
                self.held.discard(portal)


def retrying(call: Callable[[], T], patience: float = 300.0) -> T:
    """``call()``, again while Redis does not answer, for up to ``patience`` seconds."""
    import redis

    deadline = time.monotonic() + patience
    outage = Outage()
    while True:
        try:
            out = call()
            outage.answered()
            return out
        except redis.RedisError as e:
            if time.monotonic() > deadline:
                raise
            outage.failed(getattr(call, "__name__", "call"), e)
            time.sleep(1.0)


def coordinate(night: Night, portals: list[str], agencies: list[str] | None,
               on_status: Callable[[Status], None] | None = None,
               timeout: float | None = None, poll: float = 1.0) -> tuple[str, Status]:
    """Open tonight's night (or join the one still running) and wait for it to finish;
    expired leases are reaped here too, so a night whose workers all died still moves
    once new ones come. Returns the night id and its last status."""
    night_id, resumed = retrying(lambda: night.open(portals, agencies))
    if resumed:
        log.info("night %s was still running: resuming it", night_id)
    start = time.monotonic()
    while True:
        retrying(night.reap)
        status = retrying(night.status)
        if on_status is not None:
            on_status(status)
        if status.night != night_id or status.finished:
            break
        if timeout is not None and time.monotonic() - start > timeout:
            break
        time.sleep(poll)
    return night_id, status
