"""Retry with exponential backoff, honouring ``Retry-After`` on 429/503.

Scrapy's RetryMiddleware retries at once; a busy government server that asked us to
wait gets the wait it asked for (capped by ``RETRY_AFTER_MAX``, beyond which we give up
and report the portal partial rather than hammer it).
"""

from __future__ import annotations

import email.utils
import time
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.response import response_status_message
from twisted.internet import task


def retry_after(response: Response) -> float | None:
    raw = response.headers.get(b"Retry-After")
    if not raw:
        return None
    text = raw.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    parsed = email.utils.parsedate_to_datetime(text) if text else None
    return max(0.0, parsed.timestamp() - time.time()) if parsed else None


class BackoffRetry(RetryMiddleware):
    def __init__(self, settings: Any):
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 0.5)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 30.0)
        self.after_max = settings.getfloat("RETRY_AFTER_MAX", 120.0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetry:
        o = cls(crawler.settings)
        o.crawler = crawler
        return o

    def _delay(self, request: Request) -> float:
        n = request.meta.get("retry_times", 0)
        return min(self.cap, self.base * (2 ** n))

    async def _wait(self, seconds: float) -> None:
        if seconds > 0:
            from twisted.internet import reactor  # the one Scrapy installed

            await maybe_deferred_to_future(task.deferLater(reactor, seconds, lambda: None))

    async def process_response(self, request: Request, response: Response,  # type: ignore[override]
                               spider: Any = None) -> Request | Response:
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        wait = retry_after(response)
        if wait is not None and wait > self.after_max:
            return response
        new = self._retry(request, response_status_message(response.status))
        if new is None:
            return response
        await self._wait(wait if wait is not None else self._delay(request))
        return new

    async def process_exception(self, request: Request, exception: Exception,  # type: ignore[override]
                                spider: Any = None) -> Request | Response | None:
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry"):
            return None
        new = self._retry(request, exception)
        if new is not None:
            await self._wait(self._delay(request))
        return new
