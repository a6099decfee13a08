"""Client-rendered Hanweb jcms: ``loadPageData({...})`` + JSON ``POST queryList``, the
detail URL a JSON string ``{"pc": "/…"}`` (``docs/platforms.md``)."""

from __future__ import annotations

import json
import math
import re
from urllib.parse import urljoin

from parsel import Selector

from ..pages import base_url, clean, parse_date, report_year
from .base import Follow, Item, Listing, register

_LOAD = re.compile(r"loadPageData\(\s*(\{.*?\})\s*[,)]", re.S)


def json_api(text: str, url: str, sel: Selector) -> Listing | None:
    m = _LOAD.search(text)
    if not m:
        return None
    try:
        params = json.loads(m.group(1))
    except ValueError:
        return None
    api = urljoin(base_url(sel, url), "queryList")
    body = json.dumps({**params, "pageNo": 1}).encode()
    return Listing("json", follows=[Follow(api, "api", "POST", body, {
        "Content-Type": "application/json", "Referer": url, "X-Requested-With": "XMLHttpRequest"},
        "json", {"params": params, "page": 1, "referer": url})])


def json_page(body: bytes, follow: Follow) -> Listing:
    """One queryList response: items, and the next page while records remain."""
    data = json.loads(body.decode("utf-8"))
    d = data.get("data") or {}
    results = d.get("results") or []
    lst = Listing("json")
    for r in results:
        src = r.get("source") or r
        urls = src.get("urls")
        if isinstance(urls, str):
            try:
                urls = json.loads(urls)
            except ValueError:
                urls = {"pc": urls}
        href = (urls or {}).get("pc") or src.get("url")
        title = src.get("title") or ""
        if href and report_year(title):
            lst.items.append(Item(clean(title), urljoin(follow.url, href),
                                  parse_date(src.get("pubDate"))))
    params, page = follow.state["params"], follow.state["page"]
    size = int(params.get("pageSize") or len(results) or 10)
    total = int(d.get("total") or 0)
    if results and page < math.ceil(total / max(size, 1)) and page < 500:
        nxt = {**params, "pageNo": page + 1}
        lst.follows.append(Follow(follow.url, "api", "POST", json.dumps(nxt).encode(),
                                  follow.headers, "json", {"params": params, "page": page + 1}))
    return lst


def parse(body: bytes, text: str, url: str, sel: Selector, first: bool) -> Listing | None:
    return json_api(text, url, sel)


register("json", 20, lambda text, url: bool(_LOAD.search(text)), parse, json_page)
