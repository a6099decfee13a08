"""The ``reports`` spider: every registry portal → its 年报 column → every report.

Flow per portal: the remembered column (re-verified), else a walk from the portal's home
page to the column (``discovery.py``: best link first, one page at a time, within its
budget) → listing pages through the matching platform adapter (``adapters/``; year
sub-columns followed) → detail pages → the report's files, fetched one after another
(the best-ranked attachment, then up to three copies: 图片版, other formats; else the HTML
page) → the ingest pipeline as one item. Each request carries its portal; when a portal
has nothing left in flight its outcome (ok / partial / unreachable) and removals are
written. A list that could not be read whole (a failed page, an empty datastore, a stub
page) removes nothing; that, or a report linked off the registry's hosts, makes the
night partial, which the monitor never takes as evidence that a report is missing; so
is a night that never read the 年报 column (``PortalState.outcome``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator, Iterable
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.settings import BaseSettings
from twisted.python.failure import Failure

from archive.extract_html import embedded_detail, embedded_page
from archive.models import Agency, utcnow
from archive.registry import portal_key
from archive.store import Archive

from ..adapters import PLATFORMS, Follow, Item, api_page, parse_listing
from ..discovery import DISCOVERY_BUDGET
from ..distributed import NightWork
from ..downloadermiddlewares.guard import netloc, twins
from ..pages import (
    attachment_rank,
    clean,
    decode,
    embedded_links,
    error_page,
    is_attachment,
    is_attachment_url,
    js_links,
    links,
    may_be_report,
    names_column,
    posted_date,
    report_year,
    same_page,
    script_redirect,
    selector,
    sniff_kind,
)
from ..portal_state import AgencyInfo, PortalState
from ..progress import Progress
from ..settings import configure
from ..signals import report_ingested
from ..store import CrawlStore
from .chain import MAX_COPIES, FileChain, _ctype, copy_role, declared
from .errors import ErrorHandling
from .walking import Walking

log = logging.getLogger(__name__)


class ReportsSpider(Walking, ErrorHandling, FileChain, scrapy.Spider):
    name = "reports"
    archive: Archive
    store: CrawlStore
    budget: int
    discovery_budget: int
    progress: Progress

    def __init__(self, agency: str | None = None, data_dir: str | None = None, **kw: Any):
        super().__init__(**kw)
        self.agency_filter = {a for a in (agency or "").split(",") if a} or None
        self.data_dir = data_dir
        self.portals: dict[str, PortalState] = {}
        self.by_netloc: dict[str, PortalState] = {}
        self.allowed_netlocs: set[str] = set()
        self.names: list[tuple[str, str]] = []  # (folded name, agency id), longest first
        self.bytes_total = 0
        self.found = 0
        self.today = dt.date.today()
        #: set in a worker process of a distributed night (``crawler/distributed.py``)
        self.work: NightWork | None = None

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        configure(settings)  # ``scrapy crawl reports`` too gets nianbao.toml

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ReportsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        if spider.data_dir and not crawler.settings.frozen:  # scrapy crawl -a data_dir=…
            crawler.settings.set("NIANBAO_DATA_DIR", spider.data_dir, priority="spider")
        spider.store = CrawlStore.of(crawler)
        spider.archive = spider.store.archive
        spider.archive.migrate()
        spider.budget = crawler.settings.getint("PORTAL_PAGE_BUDGET", 300)
        spider.discovery_budget = crawler.settings.getint("DISCOVERY_BUDGET", DISCOVERY_BUDGET)
        spider.progress = Progress(enabled=crawler.settings.getbool("NIANBAO_PROGRESS", True))
        spider.work = NightWork.from_settings(crawler.settings)
        if spider.work is not None and spider.agency_filter is None:
            spider.agency_filter = set(spider.work.night.agencies()) or None
        spider.load_registry()
        crawler.signals.connect(spider.on_closed, signal=signals.spider_closed)
        crawler.signals.connect(spider.on_ingested, signal=report_ingested)
        return spider

    # ------------------------------------------------------------ registry

    def load_registry(self) -> None:
        with self.archive.Session() as s:
            agencies = list(s.query(Agency).order_by(Agency.id))
        for a in agencies:
            self.names.append((clean(a.name), a.id))
            for u in (a.portal, a.column):
                if u:
                    self.allowed_netlocs.update(twins(u if "://" in u else "http://" + u))
            if not a.portal or (self.agency_filter and a.id not in self.agency_filter):
                continue
            key = portal_key(a.portal)
            ps = self.portals.get(key)
            if ps is None:
                ps = self.portals[key] = PortalState(key, a.portal, [])
            # a column the walk found ends its remembered path; any other was registered
            path = a.column_path or []
            walked = bool(path) and path[-1][0] == a.column
            ps.agencies.append(AgencyInfo(a.id, a.name, a.column,
                                          registered=bool(a.column) and not walked))
            if a.column and not ps.column:
                ps.column = a.column
                if netloc(a.column) in twins(key):  # the scheme it answered on last time
                    ps.scheme = urlsplit(a.column).scheme
            for loc in twins(key):
                self.by_netloc[loc] = ps
            if a.column:
                for loc in twins(a.column):
                    self.by_netloc.setdefault(loc, ps)
        self.names.sort(key=lambda x: -len(x[0]))

    def portal_for(self, request: Request) -> PortalState | None:
        key = request.meta.get("portal")
        if key:
            return self.portals.get(key)
        return self.by_netloc.get(netloc(request.url))

    # ------------------------------------------------------------ requests

    def req(self, ps: PortalState, url: str, kind: str, *, method: str = "GET",
            body: bytes | None = None, headers: dict[str, str] | None = None,
            meta: dict[str, Any] | None = None, priority: int = 0) -> Request | None:
        """A request of this portal, deduplicated and counted so the portal knows when it
        is done; None when already seen or over the page budget."""
        url = ps.own_scheme(url)
        if kind in ("file", "copy") and not (meta or {}).get("no_shortcut"):
            target = self.store.redirect_target(url)
            if target:  # last night's redirect of this download link, asked for directly
                meta = {**(meta or {}), "via": url}
                url = target
        # a home page moving on to /index.htm is another page than / (same_page would
        # fold the two and drop the redirect): discovery pages are keyed by their URL
        page = url.split("#")[0] if kind in ("root", "hub") else same_page(url)
        key = method + " " + page + (" " + body.decode("utf-8", "replace") if body else "")
        if key in ps.seen:
            return None
        if ps.scheduled >= self.budget and kind in ("list", "api", "column", "root", "hub"):
            ps.over_budget = True
            return None
        ps.seen.add(key)
        ps.scheduled += 1
        ps.pending += 1
        return Request(url, method=method, body=body, headers=headers,
                       callback=self.on_response, errback=self.on_error, dont_filter=True,
                       priority=priority,
                       meta={"portal": ps.key, "kind": kind, **(meta or {})})

    async def start(self) -> AsyncIterator[Any]:
        if self.work is not None:  # a worker: the portals it leases, until the night ends
            async for key in self.work.portals():
                ps = self.portals.get(key)
                if ps is None or ps.done:  # not in this registry, or crawled already
                    self.work.finished(key)
                    continue
                ps.started = utcnow()
                r = self.start_portal(ps)
                if r is not None:
                    yield r
            return
        self.progress.start(len(self.portals))
        for ps in self.portals.values():
            r = self.start_portal(ps)
            if r is not None:
                yield r

    def start_portal(self, ps: PortalState) -> Request | None:
        if ps.column:
            r = self.req(ps, ps.column, "column", meta={"remembered": True})
        else:
            r = self.start_walk(ps)
        if r is None:
            self.maybe_finish(ps)
        return r

    # ------------------------------------------------------------ dispatch

    def on_response(self, response: Response) -> list[Any]:
        ps = self.portals[response.meta["portal"]]
        kind = response.meta["kind"]
        if ps.scheme is None and kind in ("root", "hub", "column") and \
                netloc(response.url) in twins(ps.root):
            ps.scheme = urlsplit(response.url).scheme
        out: list[Any] = []
        try:
            handler = {"root": self.parse_hub, "hub": self.parse_hub,
                       "column": self.parse_listing,
                       "list": self.parse_listing, "api": self.parse_api,
                       "detail": self.parse_detail, "file": self.parse_file,
                       "copy": self.parse_copy}[kind]
            out = [x for x in handler(ps, response) if x is not None]
        except Exception as e:  # a page we cannot read must not stop the crawl
            log.exception("failed on %s", response.url)
            msg = f"页面无法解析：{response.url}（{type(e).__name__}）"
            (ps.listing_failed if kind in ("list", "api", "column") else ps.errors).append(msg)
            if "walk" in response.meta:  # a walk page we cannot read: walk on
                out.append(self.walk_next(ps))
                out = [x for x in out if x is not None]
        finally:
            ps.pending -= 1
        self.maybe_finish(ps)
        return out

    def on_error(self, failure: Failure) -> list[Any]:
        request = failure.request  # type: ignore[attr-defined]
        ps = self.portals[request.meta["portal"]]
        kind = request.meta["kind"]
        out: list[Any] = []
        try:
            out = [x for x in self.handle_error(ps, kind, request, failure) if x is not None]
        finally:
            ps.pending -= 1
        self.maybe_finish(ps)
        return out

    # ------------------------------------------------------------ pages

    def parse_listing(self, ps: PortalState, response: Response) -> Iterable[Request | None]:
        first = response.meta["kind"] == "column"
        yield from self.listing(ps, response, first=first)

    def listing(self, ps: PortalState, response: Response, first: bool
                ) -> Iterable[Request | None]:
        text = decode(response.body, declared(response))
        sel = selector(response.body, declared(response))
        lst = parse_listing(response.body, text, response.url, sel, first)
        named = names_column(sel)
        if response.meta["kind"] != "root":
            ps.listing_ok += 1
            if lst.items or named:
                ps.column_read = True
        useful = bool(lst.items or lst.subcolumns or (lst.follows and lst.adapter != "generic"))
        if response.meta["kind"] == "column":
            hops = response.meta.get("hops", 0)
            target = None if useful else script_redirect(text, response.url)
            if target and netloc(target) in self.allowed_netlocs and hops < 3:
                keep = {k: v for k, v in response.meta.items()
                        if k in ("walk", "walk_depth", "remembered")}
                yield self.req(ps, target, "column", meta={**keep, "hops": hops + 1})
                return  # a stub moving on by window.location / <noscript> meta refresh
            if not (useful or named) and response.meta.get("remembered") and not ps.tried_root:
                yield self.start_walk(ps)  # the remembered column is not one any more: walk
                return
            if (useful or named) and ps.column_found is None:
                ps.column_found = response.url
                if "walk" in response.meta:
                    ps.column_path = [*response.meta["walk"], [response.url, ""]]
                ps.no_column = None
                if ps.walk is not None:
                    ps.walk.done = True
            elif "walk" in response.meta and ps.column_found is None:
                # a decoy: named like the column, lists nothing; its links may still lead on
                yield from self.walk_on(ps, response, text, sel)
                return
        if lst.incomplete:
            ps.listing_failed.append(lst.incomplete)
        f0: Follow | None = response.meta.get("follow")
        platform = PLATFORMS.get(f0.adapter) if f0 is not None else None
        if f0 is not None and platform is not None and platform.after is not None:
            # a page the platform asked for: the next page to probe, or why not whole
            stub = not lst.items and not any(len(link.label) > 10
                                             for link in links(sel, response.url))
            more = platform.after(f0, lst, response.body, stub)
            lst.follows += more.follows
            if more.incomplete:
                ps.listing_failed.append(more.incomplete)
        yield from self.items(ps, lst.items, response.url)
        for f in lst.follows:
            yield self.follow(ps, f)
        if first:
            for u in lst.subcolumns:
                yield self.req(ps, u, "list")

    def follow(self, ps: PortalState, f: Follow) -> Request | None:
        return self.req(ps, f.url, f.kind, method=f.method, body=f.body, headers=f.headers,
                        meta={"follow": f, "optional": f.kind == "list"
                              and not f.state.get("required")})

    def parse_api(self, ps: PortalState, response: Response) -> Iterable[Request | None]:
        f: Follow = response.meta["follow"]
        ps.listing_ok += 1
        lst = api_page(response.body, f)
        if lst.items:
            ps.column_read = True
        if lst.incomplete:
            ps.listing_failed.append(lst.incomplete)
        yield from self.items(ps, lst.items, response.url)
        for nf in lst.follows:
            yield self.follow(ps, nf)

    def items(self, ps: PortalState, items: list[Item], where: str) -> Iterable[Request | None]:
        for it in items:
            year = report_year(it.title)
            agency = self.agency_for(it.title)
            if year is None:
                continue
            if agency is None:
                log.info("report of an agency not in the registry: %s (%s)", it.title, it.url)
                continue
            ps.listed.add(agency)
            if self.agency_filter and agency not in self.agency_filter:
                continue
            meta = {"agency": agency, "year": year, "title": it.title, "list_date": it.date}
            if netloc(it.url) not in self.allowed_netlocs:
                # listed, so published, but where the registry does not let us go: the
                # list cannot prove absence, so the night is partial, with the way out
                log.info("not following off-portal report link %s", it.url)
                ps.offsite.append(it.url)
                continue
            ps.present.add(ps.own_scheme(it.url))
            path = urlsplit(it.url).path.lower()
            if is_attachment_url(path):
                yield self.req(ps, it.url, "file", meta={**meta, "page_url": None})
            else:
                yield self.req(ps, it.url, "detail", meta=meta, priority=1)

    def parse_detail(self, ps: PortalState, response: Response) -> Iterable[Any]:
        m = response.meta
        body = response.body
        if sniff_kind(body) in ("pdf", "zip", "ole"):  # the "detail" link was the file
            yield from self.parse_file(ps, response)
            return
        text = decode(body, declared(response))
        if error_page(text):  # a 200 "页面不存在": the listed page is gone
            log.info("dead report link (error page): %s", response.url)
            return
        det = embedded_detail(text)
        if det is not None:  # a client-rendered shell: the article is JSON in a script
            text = embedded_page(det, attachments=True)
            sel = selector(text.encode("utf-8"), "utf-8")
        else:
            sel = selector(body, declared(response))
        title = clean(sel.xpath("//meta[@name='ArticleTitle']/@content").get()
                      or (det or {}).get("title")) or m["title"]
        year = report_year(title) or m["year"]
        agency = self.agency_for(title) or m["agency"]
        posted = posted_date(text) or m.get("list_date")
        base = sel.xpath("//base/@href").get()
        cands = [link for link in links(sel, response.url) + js_links(
            text, response.url, response.urljoin(base) if base else None)
            + embedded_links(sel, response.url) if is_attachment(link) and may_be_report(link)]
        seen: set[str] = set()
        cands = [c for c in cands if not (c.url in seen or seen.add(c.url))]  # type: ignore[func-returns-value]
        info = {"agency": agency, "year": year, "title": title, "posted": posted,
                "page_url": response.url, "page_body": body,
                "page_cached": bool(m.get("not_modified"))}
        by_report: dict[tuple[str, int], list[Any]] = {}
        for c in cands:  # one page may publish several years, each file under its title
            key = self.file_report(c.label, agency, year)
            if key is not None:
                by_report.setdefault(key, []).append(c)
        for (who, when), files in by_report.items():
            own = (who, when) == (agency, year)
            if not own and self.agency_filter and who not in self.agency_filter:
                continue
            # the best-ranked file is the report; the page's other files of that report
            # (图片版, another format) are fetched after it and archived beside it
            files.sort(key=lambda c: attachment_rank(c, title if own else ""))
            yield self.req(ps, files[0].url, "file", priority=2, meta={
                **info, **({} if own else {"agency": who, "year": when, "title": files[0].label}),
                "role_as_copy": copy_role(files[0]), "got": [],
                "copies": [(c.url, copy_role(c)) for c in files[1:MAX_COPIES + 1]]})
        if (agency, year) not in by_report:
            yield self.item(ps, response.url, body, "page", info, bool(m.get("not_modified")),
                            _ctype(response))

    # ------------------------------------------------------------ completion

    def on_ingested(self, item: dict[str, Any], status: str, error: str | None) -> None:
        """The pipeline is done with one of this portal's items."""
        ps = self.portals[item["portal"]]
        if error is None:
            ps.reports.add((item["agency"], item["year"]))
            self.found += 1
            self.progress.report_found(status)
        else:
            ps.errors.append(error)
        ps.pending -= 1
        self.maybe_finish(ps)

    def maybe_finish(self, ps: PortalState) -> None:
        if ps.pending > 0 or ps.done:
            return
        ps.done = True
        outcome, reason = ps.outcome()
        if ps.column_found and ps.column_found != ps.column:
            self.store.remember_column(ps.agency_ids, ps.column_found, ps.column_path)
        removed = self.archive.remove(ps.agency_ids, ps.present, ps.gone, ps.complete, self.today)
        for aid, year in removed:
            log.info("report removed: %s %s", aid, year)
        for n, (out, why, ids) in enumerate(ps.outcomes()):  # requests counted once
            self.store.outcome(ps.key, ps.started, out, why, 0 if n else ps.requests,
                               0 if n else len(ps.reports), ids)
        if outcome != "ok":
            log.warning("portal %s: %s (%s)", ps.key, outcome, reason)
        else:
            log.info("portal %s: ok, %d reports, %d requests", ps.key, len(ps.reports),
                     ps.requests)
        self.progress.portal_done(outcome, ps.bytes)
        if self.work is not None:
            self.work.finished(ps.key)

    def on_closed(self, spider: Any, reason: str) -> None:
        if self.work is not None:  # another worker takes up what this one leaves
            self.work.stop([k for k, ps in self.portals.items() if not ps.done])
        else:
            for ps in self.portals.values():
                if not ps.done:
                    ps.errors.append(f"采集被中断（{reason}）")
                    ps.pending = 0
                    self.maybe_finish(ps)
        self.progress.stop()
        self.store.close()
