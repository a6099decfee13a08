"""Conditional requests and the fetch log.

Adds If-None-Match/If-Modified-Since from the URL's ``Source`` row; a 304 comes back to
the spider as the stored body (flag ``cached``, ``meta["not_modified"]``), so an
unchanged nightly crawl costs a 304 per page instead of a download. Every attempt —
response or network error — is written as a ``Fetch`` row and counted for its portal.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.responsetypes import responsetypes

from .guard import netloc

INGESTED = ("file", "detail")  # their 200s are recorded by the pipeline's ingest


class ConditionalRequests:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalRequests:
        return cls(crawler)

    def _spider(self, spider: Spider | None) -> Any:
        return spider or self.crawler.spider

    def _count(self, spider: Any, request: Request, nbytes: int = 0) -> None:
        ps = spider.portal_for(request)
        if ps is not None:
            ps.requests += 1
            ps.bytes += nbytes
        spider.bytes_total += nbytes

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        sp = self._spider(spider)
        store = getattr(sp, "store", None)
        if store is None or request.method != "GET" or request.meta.get("no_conditional"):
            return None
        v = store.validators(request.url)
        if v is None:
            request.meta.pop("cond_sha", None)
            return None
        etag, lm, sha = v
        if etag:
            request.headers[b"If-None-Match"] = etag.encode("latin-1")
        if lm:
            request.headers[b"If-Modified-Since"] = lm.encode("latin-1")
        request.meta["cond_sha"] = sha
        return None

    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Response:
        sp = self._spider(spider)
        store = getattr(sp, "store", None)
        if store is None:
            return response
        self._count(sp, request, len(response.body))
        kind = request.meta.get("kind", "robots")
        sha = request.meta.get("cond_sha")
        if response.status == 304 and sha:
            body = store.archive.blobs.get(sha)
            store.fetch(request.url, 304, sha)
            request.meta["not_modified"] = True
            cls = responsetypes.from_args(url=response.url, body=body)
            return cls(url=response.url, status=200, headers=response.headers, body=body,
                       request=request, flags=["cached"])
        etag = response.headers.get(b"ETag")
        lm = response.headers.get(b"Last-Modified")
        if response.status == 200 and request.method == "GET" and (etag or lm):
            store.cache(request.url, response.body,
                        etag.decode("latin-1") if etag else None,
                        lm.decode("latin-1") if lm else None,
                        {"robots": "robots", "file": "attachment", "copy": "other_format",
                         "detail": "page"}.get(
                            kind, "listing"))
        if not (response.status == 200 and kind in INGESTED):
            store.fetch(request.url, response.status)
        hops = request.meta.get("redirect_urls")
        if hops and kind in ("file", "copy") and response.status in (200, 304) \
                and names_file(hops[0], request.url):
            store.remember_redirect(hops[0], request.url)
        return response

    def process_exception(self, request: Request, exception: Exception,
                          spider: Spider | None = None) -> None:
        sp = self._spider(spider)
        store = getattr(sp, "store", None)
        if store is None:
            return None
        from scrapy.exceptions import IgnoreRequest

        if isinstance(exception, IgnoreRequest):
            return None
        self._count(sp, request)
        store.fetch(request.url, None, error=describe_exception(exception))
        return None


def names_file(link: str, target: str) -> bool:
    """A download link whose query names the very file it redirects to: the mapping is
    fixed by the link itself (a re-uploaded file gets a new name, hence a new link)."""
    name = urlsplit(target).path.rsplit("/", 1)[-1]
    if "." not in name:
        return False
    return any(v.rsplit("/", 1)[-1] == name
               for vals in parse_qs(urlsplit(link).query).values() for v in vals)


def describe_exception(e: BaseException) -> str:
    """A network failure in words a clerk can act on."""
    name = type(e).__name__
    text = str(e)
    if "ConnectionRefused" in name or "Connection was refused" in text:
        return f"无法连接（连接被拒绝）：{text[:200]}"
    if "Timeout" in name or "timed out" in text.lower() or "took longer than" in text:
        return f"连接超时：{text[:200]}"
    if "DNS" in name or "DNSLookup" in name:
        return f"域名解析失败：{text[:200]}"
    if "ResponseNeverReceived" in name or "ConnectionLost" in name or "ConnectionDone" in name:
        return f"连接被对方中断：{text[:200]}"
    if "Cancelled" in name or "maxsize" in text or "max size" in text:
        return f"文件超过大小上限，已放弃下载：{text[:200]}"
    return f"{name}：{text[:200]}"


__all__ = ["ConditionalRequests", "describe_exception", "netloc"]
