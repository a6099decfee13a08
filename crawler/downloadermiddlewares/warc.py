"""Every exchange with a portal, written to the night's WARC file (``archive/warc.py``).

Placed next to the downloader (after the cookie and redirect middlewares, before the
response is decompressed, a 304 replayed or a redirect followed), so the records hold the
request as sent (cookies, validators, Referer) and the response as served: a 3xx, a 304,
a 404 and a retried 500 are exchanges too. The store remembers each URL's record so the
``Fetch`` row written for it points there.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response

from archive.warc import Exchange

log = logging.getLogger(__name__)


def _pairs(headers: Any) -> list[tuple[str, str]]:
    out = []
    for k, vs in headers.items():
        name = k.decode("latin-1") if isinstance(k, bytes) else str(k)
        for v in vs if isinstance(vs, list) else [vs]:
            out.append((name, v.decode("latin-1") if isinstance(v, bytes) else str(v)))
    return out


class WarcRecorder:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.failed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcRecorder:
        return cls(crawler)

    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Response:
        sp: Any = spider or self.crawler.spider
        store = getattr(sp, "store", None)
        if store is None:
            return response
        ex = Exchange(
            url=request.url, method=request.method,
            request_headers=_pairs(request.headers), request_body=request.body or b"",
            status=response.status, response_headers=_pairs(response.headers),
            body=response.body, protocol=getattr(response, "protocol", None) or "HTTP/1.1",
            ip=str(response.ip_address) if getattr(response, "ip_address", None) else None)
        try:
            request.meta["warc"] = store.record(ex)
        except OSError as e:  # a full disk must not stop the crawl; the fetch rows say so
            if not self.failed:
                log.error("WARC not written: %r", e)
            self.failed = True
        return response
