"""Lists loaded over JSONP: ``$.ajax({url, dataType: "jsonp"})`` or
``$.getJSON("…callback=?")``, paged by ``pageno``/``page``… (``docs/platforms.md``)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from parsel import Selector

from ..pages import base_url, clean, parse_date, report_year
from .base import Follow, Item, Listing, register

_JSONP_AJAX = re.compile(r"\$\.(?:ajax|getJSON)\((.{0,600}?)\)", re.S)
_JSONP_URL = re.compile(r"url\s*:\s*[\"']([^\"']+)[\"']|^\s*[\"']([^\"']+callback=\?[^\"']*)[\"']")
_JSONP_CB = re.compile(r"jsonpCallback\s*:\s*[\"'](\w+)[\"']")
_PAGE_KEYS = ("pageno", "pageNo", "pageNum", "pagenum", "page", "pageIndex", "curPage")
_SIZE_KEYS = ("pagesize", "pageSize", "size", "rows", "perpage")


def jsonp_api(text: str, url: str, sel: Selector) -> Listing | None:
    """A list loaded by ``$.ajax({url, dataType: "jsonp"})`` or ``$.getJSON("…callback=?")``."""
    for m in _JSONP_AJAX.finditer(text):
        call = m.group(1)
        if "jsonp" not in call.lower() and "callback=?" not in call:
            continue
        um = _JSONP_URL.search(call)
        if not um:
            continue
        cb = _JSONP_CB.search(call)
        api = urljoin(base_url(sel, url), (um.group(1) or um.group(2)).replace("callback=?", ""))
        q = dict(parse_qsl(urlsplit(api).query, keep_blank_values=True))
        q["callback"] = cb.group(1) if cb else "jsonpCallback"
        page_key = next((k for k in _PAGE_KEYS if k in q), "pageno")
        q[page_key] = "1"
        state = {"query": q, "page_key": page_key, "page": 1}
        return Listing("jsonp", follows=[Follow(_with_query(api, q), "api", headers={
            "Referer": url}, adapter="jsonp", state=state)])
    return None


def _with_query(url: str, q: dict[str, str]) -> str:
    u = urlsplit(url)
    return urlunsplit((u.scheme, u.netloc, u.path, urlencode(q), ""))


def _record_list(data: Any) -> list[dict[str, Any]]:
    """The first list of records (dicts with a title) anywhere in a JSON answer."""
    if isinstance(data, list):
        if data and all(isinstance(x, dict) for x in data) and any("title" in x for x in data):
            return data
        return []
    if isinstance(data, dict):
        for v in data.values():
            got = _record_list(v)
            if got:
                return got
    return []


def jsonp_page(body: bytes, follow: Follow) -> Listing:
    """One JSONP answer (``cb({...});``): items, and the next page while records remain."""
    text = body.decode("utf-8", "replace").strip()
    m = re.match(r"^[\w$.]*\s*\((.*)\)\s*;?\s*$", text, re.S)
    data = json.loads(m.group(1) if m else text)
    recs = _record_list(data)
    lst = Listing("jsonp")
    for r in recs:
        href = r.get("url") or r.get("link") or r.get("href")
        title = str(r.get("title") or "")
        if href and report_year(title):
            date = r.get("time") or r.get("pubDate") or r.get("date") or r.get("publishTime")
            lst.items.append(Item(clean(title), urljoin(follow.url, str(href)),
                                  parse_date(str(date) if date else None)))
    q, key, page = follow.state["query"], follow.state["page_key"], follow.state["page"]
    size_key = next((k for k in _SIZE_KEYS if k in q), None)
    size = int(q[size_key]) if size_key and q[size_key].isdigit() else len(recs)
    total = data.get("total") if isinstance(data, dict) else None
    more = (page * size < int(total)) if isinstance(total, int | str) and str(total).isdigit() \
        else len(recs) >= max(size, 1)
    if recs and more and page < 500:
        nq = {**q, key: str(page + 1)}
        lst.follows.append(Follow(_with_query(follow.url, nq), "api", headers=follow.headers,
                                  adapter="jsonp", state={**follow.state, "query": nq,
                                                          "page": page + 1}))
    return lst



def parse(body: bytes, text: str, url: str, sel: Selector, first: bool) -> Listing | None:
    return jsonp_api(text, url, sel)


def _detect(text: str, url: str) -> bool:
    return any("jsonp" in m.group(1).lower() or "callback=?" in m.group(1)
               for m in _JSONP_AJAX.finditer(text))


register("jsonp", 40, _detect, parse, jsonp_page)
