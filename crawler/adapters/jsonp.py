"""Lists loaded over JSONP: ``$.ajax({url, dataType: "jsonp"})`` or
``$.getJSON("…callback=?")``, paged by ``pageno``/``page``… (``docs/platforms.md``)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urljoin, urlsplit

from parsel import Selector

from ..pages import base_url
from .base import (
    Follow,
    Listing,
    find_records,
    json_answer,
    page_size,
    record_items,
    register,
    with_query,
)

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
        return Listing("jsonp", follows=[Follow(with_query(api, q), "api", headers={
            "Referer": url}, adapter="jsonp", state=state)])
    return None


def jsonp_page(body: bytes, follow: Follow) -> Listing:
    """One JSONP answer (``cb({...});``): items, and the next page while records remain."""
    data = json_answer(body)
    # the first array of objects, one of them with a title (not looked for inside arrays)
    recs = find_records(data, lambda rs: any("title" in x for x in rs), deep=False)
    lst = Listing("jsonp", record_items(recs, follow.url, ("title",), ("url", "link", "href"),
                                        ("time", "pubDate", "date", "publishTime")))
    q, key, page = follow.state["query"], follow.state["page_key"], follow.state["page"]
    size = page_size(q, _SIZE_KEYS, len(recs))
    total = data.get("total") if isinstance(data, dict) else None
    more = (page * size < int(total)) if isinstance(total, int | str) and str(total).isdigit() \
        else len(recs) >= max(size, 1)
    if recs and more and page < 500:
        nq = {**q, key: str(page + 1)}
        lst.follows.append(Follow(with_query(follow.url, nq), "api", headers=follow.headers,
                                  adapter="jsonp", state={**follow.state, "query": nq,
                                                          "page": page + 1}))
    return lst


def parse(body: bytes, text: str, url: str, sel: Selector, first: bool) -> Listing | None:
    return jsonp_api(text, url, sel)


def _detect(text: str, url: str) -> bool:
    return any("jsonp" in m.group(1).lower() or "callback=?" in m.group(1)
               for m in _JSONP_AJAX.finditer(text))


register("jsonp", 40, _detect, parse, jsonp_page)
