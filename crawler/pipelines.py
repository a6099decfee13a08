"""The ingest pipeline: each found report file goes to ``Archive.ingest``.

An item whose bytes came back as 304 from both the page and the file is not re-parsed
when the archive already holds that exact version — the nightly crawl then costs a
database lookup per report. Everything else is ingested (a new version when the bytes
changed); the detail page of an attachment report travels along as an extra file with
role ``page``.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler

log = logging.getLogger(__name__)


class IngestPipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IngestPipeline:
        return cls(crawler)

    def process_item(self, item: dict[str, Any], spider: Spider | None = None) -> dict[str, Any]:
        sp: Any = spider or self.crawler.spider
        ps = sp.portals[item["portal"]]
        try:
            self._ingest(sp, ps, item)
        except Exception as e:  # noqa: BLE001 - one bad report must not stop the crawl
            log.exception("ingest failed for %s", item["url"])
            ps.errors.append(f"存档失败：{item['url']}（{type(e).__name__}: {e}）")
        finally:
            ps.pending -= 1
            sp.maybe_finish(ps)
        return {k: v for k, v in item.items() if k not in ("data", "page_body")}

    def _ingest(self, sp: Any, ps: Any, item: dict[str, Any]) -> None:
        store = sp.store
        archive = store.archive
        agency, year, url = item["agency"], item["year"], item["url"]
        page_url, page_body = item.get("page_url"), item.get("page_body")
        if page_url == url:  # an HTML-only report: the page is the report itself
            page_url = page_body = None
        urls = [(url, item["role"])]
        if page_url and page_url != url:
            urls.append((page_url, "page"))
        sha = archive.blobs.put(item["data"]) if not item["cached"] else None
        if item["cached"]:
            from hashlib import sha256

            sha = sha256(item["data"]).hexdigest()
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
        ps.reports.add((agency, year))
        sp.found += 1
        sp.progress.report_found(status)
        log.info("%s %s %s: %s", agency, year, url, status)
