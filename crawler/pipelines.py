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
from collections.abc import Iterator
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.python.threadpool import ThreadPool

from .signals import report_ingested
from .store import CrawlStore

log = logging.getLogger(__name__)


class IngestPipeline:
    """Archives each item on its own thread, through the crawl's store
    (:meth:`CrawlStore.of`), and says how it went by the
    :data:`crawler.signals.report_ingested` signal (the spider keeps the count)."""

    def __init__(self, crawler: Crawler, store: CrawlStore):
        self.crawler = crawler
        self.store = store
        self.pool: ThreadPool | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IngestPipeline:
        return cls(crawler, CrawlStore.of(crawler))

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

        status, error = "unparseable", None
        try:
            assert self.pool is not None, "opened before items arrive"
            status = await maybe_deferred_to_future(
                deferToThreadPool(reactor, self.pool, self._ingest, self.store, item))
            log.info("%s %s %s: %s", item["agency"], item["year"], item["url"], status)
        except Exception as e:  # noqa: BLE001 - one bad report must not stop the crawl
            log.error("ingest failed for %s: %r", item["url"], e)
            error = f"存档失败：{item['url']}（{type(e).__name__}: {e}）"
        finally:
            self.crawler.signals.send_catch_log(report_ingested, item=item, status=status,
                                                error=error)
        return {k: v for k, v in item.items() if k not in ("data", "page_body")}

    @staticmethod
    def _ingest(store: Any, item: dict[str, Any]) -> str:
        """Runs on the ingest thread: archive the report, tie its sources to it.

        The best-ranked file is tried first, then the page's other report files (another
        format before a 图片版), then the detail page itself when it carries the tables:
        the first that parses is the report and the rest are archived beside it. A report
        none of whose files can be read is still recorded as found (unreadable).
        """
        archive = store.archive
        agency, year = item["agency"], item["year"]
        page_url, page_body = item.get("page_url"), item.get("page_body")
        if page_url == item["url"]:  # an HTML-only report: the page is the report itself
            page_url = page_body = None
        main = {"url": item["url"], "data": item["data"], "role": item["role"],
                "content_type": item.get("content_type"),
                "role_as_copy": item.get("role_as_copy", "other_format")}
        copies = sorted(item.get("copies") or [], key=lambda c: c["role"] == "image_copy")
        files = [main, *copies]
        urls = [(f["url"], f["role"]) for f in files]
        if page_url:
            urls.append((page_url, "page"))
        shas = [hashlib.sha256(f["data"]).hexdigest() for f in files]
        if item["cached"] and (any(store.has_version(agency, year, x) for x in shas)
                               or all(store.known_unparseable(x) for x in shas)):
            status = "unchanged"
        else:
            page = [(page_url, page_body, "page")] if page_url and page_body else []
            # each file as it is archived beside another that stands for the report
            beside = [(g["url"], g["data"], g["role"] if j else g["role_as_copy"])
                      for j, g in enumerate(files)]

            def tries() -> Iterator[tuple[dict[str, Any], list[tuple[str | None, bytes, str]]]]:
                for i, f in enumerate(files):
                    yield f, beside[:i] + beside[i + 1:] + page
                if page_url and page_body and _has_tables(page_body):  # only when all failed
                    yield ({"url": page_url, "data": page_body, "role": "page",
                            "content_type": "text/html"}, beside)

            status = "unparseable"
            if item.get("dead") and item["role"] == "page" and not _has_tables(item["data"]):
                # the only file is a dead link and the page is a stub: found, not readable
                why = f"报告附件无法下载（{item['dead']}），网页本身没有报告正文"
                status = archive.ingest(item["data"], url=item["url"], agency=agency,
                                        year=year, status=200, posted_on=item.get("posted"),
                                        role="page", unreadable=why,
                                        warc=store.warc_ref(item["url"])).status
            else:
                for f, extra in tries():
                    res = archive.ingest(f["data"], url=f["url"], agency=agency, year=year,
                                         status=200, posted_on=item.get("posted"),
                                         content_type=f.get("content_type"), role=f["role"],
                                         extra_files=extra, warc=store.warc_ref(f["url"]))
                    status = res.status
                    if status not in ("unparseable", "not_report"):
                        break
                    log.warning("%s: %s (%s)", f["url"], res.status, res.error)
            if page_url and page_body and not item.get("page_cached"):
                store.page_fetch(page_url, page_body, 200)
        archive.claim(urls, agency, year, item.get("posted"))
        return status


def _has_tables(page: bytes) -> bool:
    """A detail page that itself carries the statistics tables can stand in for an
    unreadable attachment; a "全文详见附件" stub cannot."""
    from archive.document import fold
    from archive.extract import extract
    from archive.parse import detect_template

    try:
        return detect_template(fold(extract(page).text()))[0] != "unknown"
    except Exception:  # noqa: BLE001 - an unreadable page is simply no fallback
        return False
