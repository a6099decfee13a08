"""A column rendered in the browser from a list API no named adapter knows.

When a column page lists no report links and no platform matched it, its inline scripts
are searched for same-host URLs that look like a list API (``…/api/…``, ``…list…``,
``….json``, ``…query…``), the URL a script completes by concatenation
(``"/open/api/list?channelId=6&page=" + p``) included. Each is asked the way the page's
script would (GET; POST with the call's ``data: {…}`` form when it says ``type:
'POST'``; ``X-Requested-With``, ``Accept: application/json``, the page as Referer). An answer is a listing when it is JSON (or JSONP) holding an array of records
with a title-like, a URL-like and a date-like key; it is paged through its
``page``/``pageNo``/``pageIndex``/``currpage``… parameter up to its total (or until a
page comes back short).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from parsel import Selector

from ..pages import base_url, links
from .base import (
    Follow,
    Listing,
    find_records,
    items_from_links,
    json_answer,
    page_size,
    record_items,
    register,
    with_query,
)

_LITERAL = re.compile(r"[\"'`]((?:https?:)?/[^\"'`\s<>]*|[\w./-]+\?[^\"'`\s<>]*)[\"'`]")
_APIISH = re.compile(r"api|list|query|search|json|getInfo|article|data", re.I)
_STATIC = re.compile(r"\.(?:js|css|png|jpe?g|gif|svg|ico|woff2?|html?|shtml|pdf|docx?)(?:$|\?)",
                     re.I)
PAGE_KEYS = ("page", "pageNo", "pageNum", "pageIndex", "currpage", "currPage", "curPage",
             "pageno", "pagenum", "current", "p")
SIZE_KEYS = ("size", "pageSize", "pagesize", "rows", "limit", "perpage", "perPage")
TITLE_KEYS = ("title", "name", "docTitle", "articleTitle", "bt", "subject")
URL_KEYS = ("url", "link", "href", "docUrl", "pcUrl", "articleUrl", "path", "detailUrl")
DATE_KEYS = ("created_at", "createdAt", "pubDate", "publishTime", "publish_time", "pubtime",
             "date", "time", "releaseTime", "fbrq", "docRelTime", "updated_at", "publishDate")
TOTAL_KEYS = ("total", "totalCount", "total_count", "recordCount", "totalRecord", "count",
              "totalElements", "post_count", "totalNum")
PAGES_KEYS = ("totalPage", "totalPages", "pageCount", "pages", "total_page")
#: pages of one API read at most
PAGE_CAP = 200
#: API URLs tried per column page
API_CAP = 4


_POST = re.compile(r"type\s*:\s*[\"']post[\"']|method\s*:\s*[\"']post[\"']", re.I)
_DATA = re.compile(r"data\s*:\s*\{([^{}]{0,400})\}", re.S)
_PAIR = re.compile(r"[\"']?(\w+)[\"']?\s*:\s*(?:([\"'])([^\"']*)\2|([\w.$-]+))")


@dataclass
class Api:
    """A list API as the page's script calls it: GET with the query, or POST with a form."""

    url: str
    form: dict[str, str] | None = None  # POST


def api_urls(text: str, url: str, sel: Selector) -> list[Api]:
    """Same-host list APIs named in the page's inline scripts, best first: the URL, and
    for a call made with ``type: 'POST'`` (``$.ajax``, ``$.post``) its ``data: {…}`` form,
    the page parameter a script variable stands for set to 1."""
    base = base_url(sel, url)
    host = urlsplit(url).netloc.lower()
    out: list[Api] = []
    for script in sel.xpath("//script[not(@src)]/text()").getall():
        found = [m for m in _LITERAL.finditer(script) if _APIISH.search(m.group(1))]
        for i, m in enumerate(found):
            lit = m.group(1)
            if not _APIISH.search(lit) or _STATIC.search(lit.split("?")[0] + "?"):
                continue
            full = urljoin(base, lit)
            u = urlsplit(full)
            if u.netloc.lower() != host or u.scheme not in ("http", "https"):
                continue
            q = dict(parse_qsl(u.query, keep_blank_values=True))
            key = next((k for k in PAGE_KEYS if k in q), None)
            if key is not None and not q[key].strip():
                q[key] = "1"  # "…&page=" + p: the script completes it
            full = with_query(full, q)
            # this call: from its opening "(" to its first "})" or ");"
            before = script[max(m.start() - 80, found[i - 1].end() if i else 0):m.start()]
            opened = before.rfind("(")
            after = script[m.end():m.end() + 400]
            close = min((x for x in (after.find("})"), after.find(");")) if x >= 0),
                        default=len(after))
            call = before[opened + 1:] + m.group(0) + after[:close]
            form = None
            if _POST.search(call) or re.search(r"\.post\($", before[:opened + 1]):
                d = _DATA.search(call)
                form = {}
                for k, _, quoted, bare in _PAIR.findall(d.group(1) if d else ""):
                    form[k] = quoted if quoted or not bare else (bare if bare.isdigit() else "")
                pk = next((k for k in PAGE_KEYS if k in form), None)
                if pk is not None and not form[pk]:
                    form[pk] = "1"
            if all(a.url != full for a in out):
                out.append(Api(full, form))
    out.sort(key=lambda a: (not re.search(r"api", a.url, re.I), "?" not in a.url and a.form is None))
    return out[:API_CAP]


def detect(text: str, url: str) -> bool:
    return "<script" in text.lower() and bool(_APIISH.search(text))


def parse(body: bytes, text: str, url: str, sel: Selector, first: bool) -> Listing | None:
    if not first or items_from_links(links(sel, url)):
        return None  # the page lists reports itself: the generic reader reads it
    apis = api_urls(text, url, sel)
    if not apis:
        return None
    headers = {"Referer": url, "X-Requested-With": "XMLHttpRequest",
               "Accept": "application/json, text/javascript, */*; q=0.01"}
    return Listing("json_list", follows=[_call(a, headers, 1) for a in apis])


def _call(api: Api, headers: dict[str, str], n: int) -> Follow:
    if api.form is None:
        return Follow(api.url, "api", headers=headers, adapter="json_list",
                      state={"page": n})
    return Follow(api.url, "api", "POST", urlencode(api.form).encode(), {
        **headers, "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"},
        "json_list", {"page": n, "form": api.form})


def records(data: Any) -> list[dict[str, Any]]:
    """The first array of records with title-, URL- and date-like keys in a JSON answer."""
    return find_records(data, lambda recs: any(
        _has(r, TITLE_KEYS) and _has(r, URL_KEYS) and _has(r, DATE_KEYS) for r in recs))


def _has(r: dict[str, Any], keys: tuple[str, ...]) -> bool:
    return any(r.get(k) not in (None, "") for k in keys)


def _number(data: Any, keys: tuple[str, ...]) -> int | None:
    """A count under one of ``keys``, at the top or one level down (``data``, ``page``)."""
    if not isinstance(data, dict):
        return None
    for k in keys:
        v = data.get(k)
        if isinstance(v, int | str) and str(v).isdigit():
            return int(v)
    for v in data.values():
        if isinstance(v, dict):
            got = _number(v, keys)
            if got is not None:
                return got
    return None


def page(body: bytes, follow: Follow) -> Listing:
    """One API answer: its reports, and the next page while the total says there is one."""
    lst = Listing("json_list")
    try:
        data = json_answer(body, named=True)
    except ValueError:
        return lst  # not JSON: not a list API after all
    recs = records(data)
    lst.items = record_items(recs, follow.url, TITLE_KEYS, URL_KEYS, DATE_KEYS)
    if not recs:
        return lst
    u = urlsplit(follow.url)
    form: dict[str, str] | None = follow.state.get("form")
    q = dict(form) if form is not None else dict(parse_qsl(u.query, keep_blank_values=True))
    key = next((k for k in PAGE_KEYS if k in q), None)
    n = follow.state["page"]
    if key is None:
        if n == 1:  # no page parameter: the script's usual one
            key = "page"
        else:
            return lst
    size = page_size(q, SIZE_KEYS, len(recs))
    total, pages = _number(data, TOTAL_KEYS), _number(data, PAGES_KEYS)
    if pages is not None:
        more = n < pages
    elif total is not None:
        more = n * max(size, 1) < total
    else:
        more = len(recs) >= max(size, 1) and "page" in q
    if more and n < PAGE_CAP:
        q[key] = str(n + 1)
        url = follow.url if form is not None else with_query(follow.url, q)
        nxt = _call(Api(url, q if form is not None else None), follow.headers, n + 1)
        lst.follows.append(nxt)
    return lst


register("json_list", 900, detect, parse, page)
