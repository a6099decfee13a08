"""Keep the crawler on the portals the registry names.

Pages are fetched only from the registry's own hosts; attachments may also come from
other *public* hosts a portal links to. Nothing goes to a loopback or private address
(10/8, 172.16/12, 192.168/16, 127/8, link-local …) unless the registry itself points
there — a redirect or a link into an intranet is refused and counted.
"""

from __future__ import annotations

import ipaddress
import socket
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest


class OffsiteRefused(IgnoreRequest):
    """A request the guard refused; the message says why, in Chinese."""


@lru_cache(maxsize=1024)
def is_public(host: str) -> bool:
    """True when every address of ``host`` is a global one (DNS names are resolved)."""
    if not host or host == "localhost" or host.endswith((".local", ".internal", ".lan")):
        return False
    try:
        return ipaddress.ip_address(host).is_global
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return True  # unresolvable: the download fails on its own, nothing private is reached
    return all(ipaddress.ip_address(i[4][0]).is_global for i in infos)


def netloc(url: str) -> str:
    u = urlsplit(url)
    port = u.port or (443 if u.scheme == "https" else 80)
    return f"{(u.hostname or '').lower()}:{port}"


def twins(url: str) -> set[str]:
    """The netlocs serving a URL's site: a host on a default port is the same site over
    http and https (portals link both), an explicit other port is only itself."""
    u = urlsplit(url)
    if u.port in (None, 80, 443):
        host = (u.hostname or "").lower()
        return {f"{host}:80", f"{host}:443"}
    return {netloc(url)}


class AddressGuard:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AddressGuard:
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> Any:
        spider = spider or self.crawler.spider
        allowed: set[str] = getattr(spider, "allowed_netlocs", set())
        loc = netloc(request.url)
        if loc in allowed:
            return None
        host = urlsplit(request.url).hostname or ""
        if request.meta.get("kind") == "file" and is_public(host):
            return None
        if self.crawler.stats:
            self.crawler.stats.inc_value("guard/refused")
        why = "内网或本机地址" if not is_public(host) else "注册表之外的站点"
        raise OffsiteRefused(f"拒绝访问{why}：{request.url}")
