"""Politeness across worker processes: one request at a time per host, and the configured
delay between two, whichever worker sends them.

Scrapy's own per-domain slot holds inside one process; with ``redis_url`` set, this
middleware also takes the host's slot in Redis before a request goes out (``SET NX`` with
an expiry, so a worker killed mid-download frees it after ``DOWNLOAD_TIMEOUT``) and, when
the answer or the error is back, keeps it for ``DOWNLOAD_DELAY`` more. While Redis does
not answer (a restart) requests wait for it, up to a minute; past that they go out under
Scrapy's own per-process limit only, and the log says so.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from ..distributed import Outage

log = logging.getLogger(__name__)

#: seconds a request waits for Redis to answer before going out without the shared slot
OUTAGE_WAIT = 60.0

# KEYS: slot   ARGV: token, hold_ms   (keep the slot for the delay, if still ours)
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  if tonumber(ARGV[2]) > 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
  else
    redis.call('DEL', KEYS[1])
  end
end
return 1
"""


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


class HostSlots:
    def __init__(self, client: Any, prefix: str, delay: float, timeout: float):
        self.r = client
        self.prefix = prefix
        self.delay_ms = int(delay * 1000)
        #: a slot outlives a dead worker's download by no more than this
        self.hold_ms = int((timeout + 30) * 1000)
        self._release = client.register_script(_RELEASE)
        self.outage = Outage(every=60.0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostSlots:
        url = crawler.settings.get("NIANBAO_REDIS_URL")
        if not url:
            raise NotConfigured("no redis_url: one process, Scrapy's own slots suffice")
        from ..night import connect

        return cls(connect(url), crawler.settings.get("NIANBAO_REDIS_PREFIX", "nianbao"),
                   crawler.settings.getfloat("DOWNLOAD_DELAY", 0.0),
                   crawler.settings.getfloat("DOWNLOAD_TIMEOUT", 30.0))

    def key(self, host: str) -> str:
        return f"{self.prefix}:host:{host}"

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        import redis

        key, token = self.key(host_of(request.url)), uuid.uuid4().hex
        wait, outage_since = 0.02, None
        while True:
            try:
                if self.r.set(key, token, nx=True, px=self.hold_ms):
                    request.meta["host_slot"] = (key, token)
                    self.outage.answered()
                    return
                outage_since = None
            except redis.RedisError as e:
                now = time.monotonic()
                outage_since = outage_since or now
                if now - outage_since > OUTAGE_WAIT:
                    self.outage.failed("requests go out without the shared host slots", e)
                    return
            await asyncio.sleep(wait * (1 + random.random()))
            wait = min(wait * 1.5, 0.5)

    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Response:
        self._free(request)
        return response

    def process_exception(self, request: Request, exception: BaseException,
                          spider: Spider | None = None) -> None:
        self._free(request)

    def _free(self, request: Request) -> None:
        import redis

        slot = request.meta.pop("host_slot", None)
        if slot is None:
            return
        try:
            self._release(keys=[slot[0]], args=[slot[1], self.delay_ms])
        except redis.RedisError as e:  # the slot expires on its own
            log.info("host slot %s not released (%s)", slot[0], e)
