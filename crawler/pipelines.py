"""The ingest pipeline: each found report file goes to ``Archive.ingest``.

Parsing a report takes from a tenth of a second (HTML) to seconds (PDF, DOC), so ingest
runs on one worker thread: the reactor keeps downloading meanwhile (a blocked reactor
turns into download timeouts), and ingests stay one at a time. An item whose bytes came
back as 304 from both the page and the file is not re-parsed when the archive already
holds that exact version. The detail page of an attachment report travels along as an
extra file with role ``page``.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.python.threadpool import ThreadPool

log = logging.getLogger(__name__)


class IngestPipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.pool: ThreadPool | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IngestPipeline:
        return cls(crawler)

    def open_spider(self, spider: Spider | None = None) -> None:
        self.pool = ThreadPool(1, 1, name="ingest")
        self.pool.start()

    def close_spider(self, spider: Spider | None = None) -> None:
        if self.pool is not None:
            self.pool.stop()

    async def process_item(self, item: dict[str, Any], spider: Spider | None = None
                           ) -> dict[str, Any]:
        from twisted.internet import reactor
        from twisted.internet.threads import deferToThreadPool

        sp: Any = spider or self.crawler.spider
        ps = sp.portals[item["portal"]]
        try:
            assert self.pool is not None, "opened before items arrive"
            status = await maybe_deferred_to_future(
                deferToThreadPool(reactor, self.pool, self._ingest, sp.store, item))
            ps.reports.add((item["agency"], item["year"]))
            sp.found += 1
            sp.progress.report_found(status)
            log.info("%s %s %s: %s", item["agency"], item["year"], item["url"], status)
        except Exception as e:  # noqa: BLE001 - one bad report must not stop the crawl
            log.error("ingest failed for %s: %r", item["url"], e)
            ps.errors.append(f"存档失败：{item['url']}（{type(e).__name__}: {e}）")
        finally:
            ps.pending -= 1
            sp.maybe_finish(ps)
        return {k: v for k, v in item.items() if k not in ("data", "page_body")}

    @staticmethod
    def _ingest(store: Any, item: dict[str, Any]) -> str:
        """Runs on the ingest thread: archive the report, tie its sources to it."""
        archive = store.archive
        agency, year, url = item["agency"], item["year"], item["url"]
        page_url, page_body = item.get("page_url"), item.get("page_body")
        if page_url == url:  # an HTML-only report: the page is the report itself
            page_url = page_body = None
        urls = [(url, item["role"])]
        if page_url:
            urls.append((page_url, "page"))
        sha = hashlib.sha256(item["data"]).hexdigest()
        if item["cached"] and store.has_version(agency, year, sha):
            status = "unchanged"
        else:
            extra = [(page_url, page_body, "page")] if page_url and page_body else []
            res = archive.ingest(item["data"], url=url, agency=agency, year=year, status=200,
                                 posted_on=item.get("posted"),
                                 content_type=item.get("content_type"), role=item["role"],
                                 extra_files=extra)
            status = res.status
            if page_url and page_body and not item.get("page_cached"):
                store.page_fetch(page_url, page_body, 200)
            if res.status in ("unparseable", "not_report"):
                log.warning("%s: %s (%s)", url, res.status, res.error)
        store.claim(urls, agency, year, item.get("posted"))
        return status
