"""Pass a JavaScript cookie challenge (412 + inline script) with headless Chromium.

Some WAFs answer every request with 412 and a script that computes a cookie and reloads;
the cookie then expires after a while, so a long crawl meets the 412 again midway. On a
412 whose body carries a script, the page is opened once in headless Chromium (same
User-Agent; only the portal's own host may be contacted), the cookies it ends up with go
into Scrapy's cookie jar, and the request is retried. A challenge Chromium cannot pass
within a few seconds marks the host unsolvable; the 412 then reaches the spider, which
reports the portal unreachable as before.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import threads
from twisted.internet.defer import DeferredLock

log = logging.getLogger(__name__)
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    return (os.environ.get("NIANBAO_CHROMIUM") or shutil.which("chromium")
            or shutil.which("chromium-browser") or shutil.which("google-chrome"))


def solve(url: str, user_agent: str, wait: float = 4.0) -> dict[str, str]:
    """Cookies after Chromium has run the challenge at ``url``; {} when it did not pass."""
    exe = chromium_path()
    if not exe:
        return {}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {}
    host = urlsplit(url).netloc
    passed: list[int] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=ARGS)
        try:
            ctx = browser.new_context(user_agent=user_agent)
            ctx.route("**/*", lambda route: route.continue_()
                      if urlsplit(route.request.url).netloc == host else route.abort())
            page = ctx.new_page()
            page.on("response", lambda r: passed.append(r.status)
                    if r.request.is_navigation_request() and r.status != 412 else None)
            try:
                page.goto(url, wait_until="load", timeout=wait * 1000)
            except Exception as e:  # noqa: BLE001 - a hung challenge is just "not passed"
                log.info("challenge page %s: %s", url, e)
            deadline = time.monotonic() + wait
            while not passed and time.monotonic() < deadline:
                page.wait_for_timeout(100)
            if not passed:
                return {}
            return {c["name"]: c["value"] for c in ctx.cookies() if c.get("name")}
        finally:
            browser.close()


class ChallengeSolver:
    MAX_SOLVES = 20  # per host and crawl: cookies expire, but not every other request

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.ua = crawler.settings.get("USER_AGENT")
        self.unsolvable: set[str] = set()
        self.solves: dict[str, int] = {}
        self.cookies: dict[str, dict[str, str]] = {}  # host -> the browser's cookies
        self.locks: dict[str, DeferredLock] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ChallengeSolver:
        return cls(crawler)

    def process_request(self, request: Request, spider: Any = None) -> None:
        host = urlsplit(request.url).netloc
        got = self.cookies.get(host)
        request.meta["challenge_gen"] = self.solves.get(host, 0)
        if got:  # the browser's cookies, sent as they are (Scrapy's jar stays out of it)
            request.meta["dont_merge_cookies"] = True
            request.headers[b"Cookie"] = "; ".join(f"{k}={v}" for k, v in got.items())
        return None

    async def process_response(self, request: Request, response: Response,
                               spider: Any = None) -> Request | Response:
        if response.status != 412 or b"<script" not in response.body[:65536].lower():
            return response
        host = urlsplit(request.url).netloc
        tries = request.meta.get("challenge_tries", 0)
        if host in self.unsolvable or tries >= 3:
            return response
        lock = self.locks.setdefault(host, DeferredLock())
        await maybe_deferred_to_future(lock.acquire())
        try:
            if self.solves.get(host, 0) == request.meta.get("challenge_gen", 0):
                # nobody solved it since this request left: solve now (once at a time)
                if self.solves.get(host, 0) >= self.MAX_SOLVES:
                    return response
                self.solves[host] = self.solves.get(host, 0) + 1
                ua = (request.headers.get(b"User-Agent") or b"").decode("latin-1") or self.ua
                u = urlsplit(request.url)  # the cookie is site-wide; a file URL would download
                cookies = await maybe_deferred_to_future(threads.deferToThread(
                    solve, f"{u.scheme}://{u.netloc}/", ua))
                if not cookies:
                    self.unsolvable.add(host)
                    log.warning("could not pass the 412 challenge of %s", host)
                    return response
                log.info("passed the 412 challenge of %s (%d cookies)", host, len(cookies))
                self.cookies[host] = cookies
        finally:
            lock.release()
        return request.replace(dont_filter=True,
                               meta={**request.meta, "challenge_tries": tries + 1})
