"""What the crawler keeps in the archive besides reports: validators, fetches, outcomes.

Per URL a ``Source`` row remembers ETag/Last-Modified and the sha256 of the body last
served, so the next crawl sends a conditional request and, on 304, reads the body from
the blob store. Every attempt is a ``Fetch`` row (status or error); every portal a
``PortalCrawl`` row. Which reports are still present is the archive's
(``archive/presence.py``: ``Archive.claim``/``Archive.remove``).
Every exchange is also written to the night's WARC file (``archive/warc.py``, by the
``WarcRecorder`` middleware); the ``Fetch`` row of a URL names the WARC file and offset
of this run's exchange of it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from archive.config import resolve_data_dir
from archive.models import Agency, Fetch, PortalCrawl, Report, ReportVersion, Source, utcnow
from archive.store import Archive
from archive.warc import Exchange, WarcLog


class CrawlStore:
    """One per crawl (:meth:`of`): the spider, the middlewares and the pipeline share it,
    so a fetch row can name the WARC record the recorder wrote for its URL."""

    @classmethod
    def of(cls, crawler: Any) -> CrawlStore:
        """The crawl's store, made on first use from the ``NIANBAO_DATA_DIR`` setting."""
        store = getattr(crawler, "nianbao_store", None)
        if store is None:
            data_dir = resolve_data_dir(crawler.settings.get("NIANBAO_DATA_DIR"))
            store = cls(Archive(data_dir))
            crawler.nianbao_store = store
        return store

    def __init__(self, archive: Archive):
        self.archive = archive
        self.warc = WarcLog(archive.data_dir,
                            timezone=archive.settings.timezone)
        #: url -> (WARC file, offset) of this run's last exchange of it (a URL is asked
        #: for once a night; its Fetch row, written later, points there)
        self.warc_refs: dict[str, tuple[str, int]] = {}

    # ------------------------------------------------------------ WARC

    def record(self, ex: Exchange) -> tuple[str, int]:
        ref = self.warc.write(ex)
        self.warc_refs[ex.url] = ref
        return ref

    def warc_ref(self, url: str | None) -> tuple[str | None, int | None]:
        ref = self.warc_refs.get(url) if url else None
        return ref if ref else (None, None)

    def close(self) -> None:
        self.warc.close()

    # ------------------------------------------------------------ validators / cache

    def validators(self, url: str) -> tuple[str | None, str | None, str] | None:
        with self.archive.Session() as s:
            src = s.scalar(select(Source).where(Source.url == url))
            if src is None or not src.sha256 or not (src.etag or src.last_modified):
                return None
            if not self.archive.blobs.exists(src.sha256):
                return None
            return src.etag, src.last_modified, src.sha256

    def redirect_target(self, url: str) -> str | None:
        with self.archive.Session() as s:
            return s.scalar(select(Source.redirect_to).where(Source.url == url))

    def remember_redirect(self, url: str, target: str | None) -> None:
        """Where a download link that names its file (``downfile.jsp?filename=x.pdf`` →
        ``/attach/0/x.pdf``) leads, so the next night asks the file itself, conditionally;
        ``None`` forgets it (the target moved)."""
        with self.archive.Session.begin() as s:
            src = s.scalar(select(Source).where(Source.url == url))
            if src is None:
                if target is None:
                    return
                src = Source(url=url, first_seen=utcnow(), role="redirect")
                s.add(src)
            src.redirect_to = target

    def cache(self, url: str, body: bytes, etag: str | None, last_modified: str | None,
              role: str) -> str:
        """Store a body served with validators, for replay on a later 304."""
        now = utcnow()
        with self.archive.Session.begin() as s:
            sha = self.archive.put_blob(s, body)
            src = s.scalar(select(Source).where(Source.url == url))
            if src is None:
                src = Source(url=url, first_seen=now, role=role)
                s.add(src)
            src.etag, src.last_modified, src.sha256, src.last_seen = etag, last_modified, sha, now
            return sha

    def fetch(self, url: str, status: int | None, sha: str | None = None,
              error: str | None = None) -> None:
        with self.archive.Session.begin() as s:
            src = s.scalar(select(Source.id).where(Source.url == url))
            wf, wo = self.warc_ref(url) if status is not None else (None, None)
            s.add(Fetch(url=url, source_id=src, status=status, sha256=sha, error=error,
                        parse_status="skipped" if sha else "none",
                        warc_file=wf, warc_offset=wo))

    def page_fetch(self, url: str, body: bytes, status: int) -> str:
        """A detail page archived as an extra file of a report: blob + fetch row."""
        with self.archive.Session.begin() as s:
            sha = self.archive.put_blob(s, body)
            src = s.scalar(select(Source.id).where(Source.url == url))
            wf, wo = self.warc_ref(url)
            s.add(Fetch(url=url, source_id=src, status=status, sha256=sha, parse_status="page",
                        warc_file=wf, warc_offset=wo))
            return sha

    # ------------------------------------------------------------ reports

    def has_version(self, agency_id: str, year: int, sha: str) -> bool:
        with self.archive.Session() as s:
            q = (select(ReportVersion.id).join(Report)
                 .where(Report.agency_id == agency_id, Report.year == year,
                        ReportVersion.sha256 == sha))
            return s.scalar(q) is not None

    def known_unparseable(self, sha: str) -> bool:
        """These exact bytes were tried before and cannot be read: no need to again."""
        with self.archive.Session() as s:
            q = select(Fetch.id).where(Fetch.sha256 == sha, Fetch.parse_status == "unparseable")
            return s.scalar(q.limit(1)) is not None

    # ------------------------------------------------------------ agencies / outcomes

    def remember_column(self, agency_ids: list[str], column: str,
                        path: list[list[str]] | None = None) -> None:
        """The 年报 column found for these agencies, and how it was reached from the
        portal's root (``None`` when it was not walked to, e.g. a stub's redirect)."""
        with self.archive.Session.begin() as s:
            for a in s.scalars(select(Agency).where(Agency.id.in_(agency_ids))):
                if a.column != column:
                    a.column = column
                    a.column_path = path if path is not None else a.column_path

    def outcome(self, portal: str, started: dt.datetime, outcome: str, reason: str | None,
                requests: int, reports: int, agency_ids: list[str]) -> None:
        with self.archive.Session.begin() as s:
            s.add(PortalCrawl(portal=portal, started_at=started, finished_at=utcnow(),
                              outcome=outcome, reason=reason, requests=requests,
                              reports_found=reports, agency_ids=agency_ids))
