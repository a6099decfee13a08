"""One night's crawl shared by several worker processes, kept in Redis.

The unit of work is a portal, not a request: whether a night is evidence that a report
is missing depends on every request of that portal (``PortalState.outcome``), so all of
a portal's requests are made by the one process that holds its lease. Redis holds what
the processes share: the night's queue of portals, the leases (a portal whose worker
stops renewing goes back to the queue when its lease expires), the portals finished and
those given up, and the per-host politeness slots (``downloadermiddlewares/hostslot.py``).
Every change is one Lua script, so two workers never take the same portal, and Redis
with persistence (``appendonly yes``) keeps the night across a restart: workers and the
coordinator retry until it answers again, and the night resumes where it stood.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass
from typing import Any

#: a portal whose worker died this many times is given up for the night (a file that
#: kills whoever reads it must not stall the night)
MAX_TRIES = 3

# KEYS: queue, leases, owners, tries, failed   ARGV: now_ms, worker, n, ttl_ms, max_tries
_LEASE = """
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
for _, p in ipairs(expired) do
  redis.call('ZREM', KEYS[2], p)
  redis.call('HDEL', KEYS[3], p)
  if redis.call('HINCRBY', KEYS[4], p, 1) >= tonumber(ARGV[5]) then
    redis.call('HSET', KEYS[5], p, 'lease expired ' .. ARGV[5] .. ' times')
  else
    redis.call('RPUSH', KEYS[1], p)
  end
end
local out = {}
for i = 1, tonumber(ARGV[3]) do
  local p = redis.call('LPOP', KEYS[1])
  if not p then break end
  redis.call('ZADD', KEYS[2], tonumber(ARGV[1]) + tonumber(ARGV[4]), p)
  redis.call('HSET', KEYS[3], p, ARGV[2])
  table.insert(out, p)
end
return out
"""

# KEYS: leases, owners   ARGV: expiry_ms, worker, portal...   -> the portals still held
_RENEW = """
local held = {}
for i = 3, #ARGV do
  if redis.call('HGET', KEYS[2], ARGV[i]) == ARGV[2] then
    redis.call('ZADD', KEYS[1], tonumber(ARGV[1]), ARGV[i])
    table.insert(held, ARGV[i])
  end
end
return held
"""

# KEYS: leases, owners, done   ARGV: worker, portal   (done even when the lease was lost:
# the portal was crawled to its end, whoever else is at it)
_FINISH = """
if redis.call('HGET', KEYS[2], ARGV[2]) == ARGV[1] then
  redis.call('ZREM', KEYS[1], ARGV[2])
  redis.call('HDEL', KEYS[2], ARGV[2])
end
redis.call('SADD', KEYS[3], ARGV[2])
return 1
"""

# KEYS: queue, leases, owners   ARGV: worker, portal   (a worker stopping gives it back)
_RELEASE = """
if redis.call('HGET', KEYS[3], ARGV[2]) == ARGV[1] then
  redis.call('ZREM', KEYS[2], ARGV[2])
  redis.call('HDEL', KEYS[3], ARGV[2])
  redis.call('LPUSH', KEYS[1], ARGV[2])
end
return 1
"""


def connect(url: str) -> Any:
    """A Redis client that fails fast (callers retry) rather than hanging a reactor."""
    import redis

    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2,
                                decode_responses=True)


@dataclass
class Status:
    night: str | None
    total: int = 0
    queued: int = 0
    leased: int = 0
    done: int = 0
    failed: int = 0

    @property
    def finished(self) -> bool:
        return self.night is not None and self.queued == 0 and self.leased == 0


class Night:
    """The current night of one deployment (``prefix`` keeps deployments sharing a Redis,
    and test runs, apart)."""

    def __init__(self, client: Any, prefix: str = "nianbao"):
        self.r = client
        self.p = prefix
        self._lease = client.register_script(_LEASE)
        self._renew = client.register_script(_RENEW)
        self._finish = client.register_script(_FINISH)
        self._release = client.register_script(_RELEASE)

    @classmethod
    def from_url(cls, url: str, prefix: str = "nianbao") -> Night:
        return cls(connect(url), prefix)

    def key(self, name: str) -> str:
        return f"{self.p}:night:{name}"

    # ------------------------------------------------------------ coordinator

    def open(self, portals: list[str], agencies: list[str] | None = None) -> tuple[str, bool]:
        """Start a night of these portals, or join the one still running (a coordinator
        restarted mid-night resumes it); returns (night id, whether it was resumed)."""
        meta = self.r.hgetall(self.key("meta"))
        if meta and meta.get("state") == "running":
            return meta["id"], True
        for name in ("queue", "leases", "owners", "tries", "failed", "done"):
            self.r.delete(self.key(name))
        night = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
        pipe = self.r.pipeline(transaction=True)
        if portals:
            pipe.rpush(self.key("queue"), *portals)
        pipe.hset(self.key("meta"), mapping={
            "id": night, "state": "running", "total": len(portals),
            "agencies": json.dumps(agencies or []),
            "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")})
        pipe.execute()
        return night, False

    def close(self) -> None:
        self.r.hset(self.key("meta"), "state", "finished")

    def failed(self) -> dict[str, str]:
        """Portals given up tonight, with why."""
        return dict(self.r.hgetall(self.key("failed")))

    def reap(self) -> None:
        """Expired leases back to the queue (a lease call with n = 0)."""
        self._lease(keys=self._keys(), args=[_now_ms(), "-", 0, 0, MAX_TRIES])

    def status(self) -> Status:
        meta = self.r.hgetall(self.key("meta"))
        if not meta or meta.get("state") != "running":
            return Status(None)
        return Status(meta["id"], int(meta.get("total", 0)), self.r.llen(self.key("queue")),
                      self.r.zcard(self.key("leases")), self.r.scard(self.key("done")),
                      self.r.hlen(self.key("failed")))

    def agencies(self) -> list[str]:
        return list(json.loads(self.r.hget(self.key("meta"), "agencies") or "[]"))

    # ------------------------------------------------------------ worker

    def lease(self, worker: str, n: int, ttl: float) -> list[str]:
        if n <= 0:
            return []
        return list(self._lease(keys=self._keys(),
                                args=[_now_ms(), worker, n, int(ttl * 1000), MAX_TRIES]))

    def renew(self, worker: str, portals: list[str], ttl: float) -> set[str]:
        if not portals:
            return set()
        return set(self._renew(keys=[self.key("leases"), self.key("owners")],
                               args=[_now_ms() + int(ttl * 1000), worker, *portals]))

    def finish(self, worker: str, portal: str) -> None:
        self._finish(keys=[self.key("leases"), self.key("owners"), self.key("done")],
                     args=[worker, portal])

    def release(self, worker: str, portal: str) -> None:
        self._release(keys=[self.key("queue"), self.key("leases"), self.key("owners")],
                      args=[worker, portal])

    def _keys(self) -> list[str]:
        return [self.key(n) for n in ("queue", "leases", "owners", "tries", "failed")]


def _now_ms() -> int:
    return int(time.time() * 1000)
