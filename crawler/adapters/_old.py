"""CMS adapters: recognise a listing page's platform and enumerate its items and pages.

Each adapter turns one listing response into :class:`Listing` — report candidates (title,
URL, list date) and follow-up requests (more list pages, year sub-columns). Chosen by
fingerprint (``portals.md`` §4): TRS ``createPageHTML``/``countPage``, Hanweb jpage
(``<script type="text/xml">``, ``dataproxy.jsp``), client-rendered JSON (``queryList``),
JSONP lists, Guangdong gkmlpt (``SID`` + ``/gkmlpt/api/all``), and a generic fallback
that reads every link.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from parsel import Selector

from .pages import (
    COLUMN_SLUG,
    YEAR_TEXT,
    Link,
    base_url,
    clean,
    links,
    parse_date,
    report_year,
)


@dataclass
class Item:
    title: str
    url: str
    date: dt.date | None


@dataclass
class Follow:
    """A further listing request (GET, or POST with a body)."""

    url: str
    kind: str = "list"  # list | api
    method: str = "GET"
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    adapter: str = ""
    state: dict[str, Any] = field(default_factory=dict)


@dataclass
class Listing:
    adapter: str
    items: list[Item] = field(default_factory=list)
    follows: list[Follow] = field(default_factory=list)
    subcolumns: list[str] = field(default_factory=list)


def items_from_links(ls: list[Link]) -> list[Item]:
    out, seen = [], set()
    for link in ls:
        title = link.label
        if report_year(title) is None or link.url in seen:
            continue
        seen.add(link.url)
        out.append(Item(title, link.url, parse_date(link.context) or parse_date(link.text)))
    return out


def year_subcolumns(ls: list[Link], url: str) -> list[str]:
    """Links whose text is a bare year (``2024``) below the column: year sub-columns."""
    here = urlsplit(url)
    out = []
    for link in ls:
        if YEAR_TEXT.match(link.text) and urlsplit(link.url).netloc == here.netloc:
            if link.url not in out:
                out.append(link.url)
    return out


# ------------------------------------------------------------------ TRS

_COUNT = re.compile(r"var\s+countPage\s*=\s*(\d+)")
_CURRENT = re.compile(r"var\s+currentPage\s*=\s*(\d+)")
_CALL4 = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']")
_CALL6 = re.compile(r"createPageHTML\(\s*[\"'][\w-]+[\"']\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"'](\w+)"
                    r"[\"']\s*,\s*[\"'](\w+)[\"']")


def trs_pages(text: str, url: str) -> list[str] | None:
    """All list-page URLs of a TRS column from its first page, or None if not TRS.

    ``var countPage`` is the truth when present (a commented ``createPageHTML`` may be
    stale); the 4-arg call counts from 0 (``index_1`` = page 2), the 6-arg from 1.
    """
    count = _COUNT.search(text)
    c4, c6 = _CALL4.search(text), _CALL6.search(text)
    if not (count or c4 or c6):
        return None
    path = urlsplit(url).path
    name = path.rsplit("/", 1)[-1] or "index.html"
    stem, _, ext = name.partition(".")
    stem = re.sub(r"_\d+$", "", stem)
    one_based = False
    if c6:
        total, stem, ext, one_based = int(c6.group(1)), c6.group(3), c6.group(4), True
    elif c4:
        total, stem, ext = int(c4.group(1)), c4.group(3), c4.group(4)
    if count:
        total = int(count.group(1))
    current = _CURRENT.search(text)
    if current and int(current.group(1)) != 0:
        return []  # only the first page enumerates
    total = min(total, 500)
    out = []
    for k in range(1, total):
        out.append(urljoin(url, f"{stem}_{k + 1 if one_based else k}.{ext or 'html'}"))
    return out


# ------------------------------------------------------------------ Hanweb jpage

_RECORD = re.compile(r"<record><!\[CDATA\[(.*?)\]\]></record>", re.S)
_TOTAL = re.compile(r"totalRecord\s*:\s*(\d+)|<totalrecord>(\d+)</totalrecord>", re.I)
_PER = re.compile(r"perPage\s*:\s*(\d+)", re.I)
_IDS = {k: re.compile(rf"{k}\s*[=:]\s*['\"]?(\d+)", re.I) for k in ("webid", "unitid",
                                                                      "columnid")}
_PROXY = re.compile(r"proxyUrl\s*:\s*['\"]([^'\"]+)", re.I)


def hanweb_records(text: str, url: str) -> list[Item]:
    html = "".join(_RECORD.findall(text))
    if not html:
        return []
    return items_from_links(links(Selector(text=f"<ul>{html}</ul>"), url))


def hanweb(text: str, url: str) -> Listing | None:
    if "<datastore>" not in text and "dataproxy.jsp" not in text:
        return None
    lst = Listing("hanweb", hanweb_records(text, url))
    total_m = _TOTAL.search(text)
    total = int(total_m.group(1) or total_m.group(2)) if total_m else 0
    per = int(_PER.search(text).group(1)) if _PER.search(text) else 15  # type: ignore[union-attr]
    ids = {k: (p.search(text).group(1) if p.search(text) else "") for k, p in _IDS.items()}  # type: ignore[union-attr]
    pm = _PROXY.search(text)
    proxy = pm.group(1) if pm else "/module/web/jpage/dataproxy.jsp"
    shown = len(_RECORD.findall(text))
    step = per * 3
    form = urlencode({"col": 1, "appid": 1, "webid": ids["webid"], "path": "/",
                      "columnid": ids["columnid"], "sourceContentType": 1,
                      "unitid": ids["unitid"], "permissiontype": 0}).encode()
    start = shown + 1
    while start <= total:
        end = min(total, start + step - 1)
        q = urlencode({"startrecord": start, "endrecord": end, "perpage": per})
        lst.follows.append(Follow(urljoin(url, f"{proxy}?{q}"), "api", "POST", form, {
            "Referer": url, "X-Requested-With": "XMLHttpRequest",
            "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}, "hanweb"))
        start = end + 1
    return lst


# ------------------------------------------------------------------ JSON list API

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


# ------------------------------------------------------------------ Guangdong gkmlpt

_GK_SID = re.compile(r"\bSID\s*:\s*['\"](\d+)['\"]")
_GK_TREE = re.compile(r"\bTREE\s*:\s*(?=\[)")
_GK_PAGE_CAP = 500


def gkmlpt(text: str, url: str) -> Listing | None:
    """``/gkmlpt/index``: ``window._CONFIG = {SID, TREE}``; the 年报 category is the one
    the link's ``#id`` names, else every category of the tree named 年报/年度报告."""
    sid = _GK_SID.search(text)
    if "/gkmlpt/" not in url or not sid:
        return None
    cats: list[str] = []
    frag = urlsplit(url).fragment
    if frag.isdigit():
        cats.append(frag)
    else:
        m = _GK_TREE.search(text)
        try:
            tree = json.JSONDecoder().raw_decode(text, m.end())[0] if m else []
        except ValueError:
            tree = []
        stack = list(tree) if isinstance(tree, list) else []
        while stack:
            node = stack.pop(0)
            if not isinstance(node, dict) or node.get("jump_url"):
                continue
            if re.search(r"年报|年度报告", str(node.get("name", ""))):
                cats.append(str(node.get("id")))
            stack.extend(node.get("children") or [])
    root = url[: url.index("/gkmlpt/")]
    lst = Listing("gkmlpt")
    for cat in cats:
        state = {"cat": cat, "sid": sid.group(1), "page": 1, "seen": 0, "root": root}
        lst.follows.append(Follow(_gk_url(state), "api", headers={"Referer": url},
                                  adapter="gkmlpt", state=state))
    return lst


def _gk_url(state: dict[str, Any]) -> str:
    return f"{state['root']}/gkmlpt/api/all/{state['cat']}?page={state['page']}&sid={state['sid']}"


def gkmlpt_page(body: bytes, follow: Follow) -> Listing:
    """One ``api/all`` answer: its articles, and the next page until ``post_count``."""
    data = json.loads(body.decode("utf-8"))
    arts = data.get("articles") or [] if isinstance(data, dict) else []
    lst = Listing("gkmlpt")
    for a in arts:
        title, href = str(a.get("title") or ""), a.get("url")
        if href and report_year(title):
            lst.items.append(Item(clean(title), urljoin(follow.url, str(href)),
                                  parse_date(str(a.get("created_at") or ""))))
    total = int(((data.get("classify") or {}).get("post_count")) or 0)
    state = {**follow.state, "seen": follow.state["seen"] + len(arts)}
    if arts and state["seen"] < total and state["page"] < _GK_PAGE_CAP:
        state["page"] += 1
        lst.follows.append(Follow(_gk_url(state), "api", headers=follow.headers,
                                  adapter="gkmlpt", state=state))
    return lst


# ------------------------------------------------------------------ JSONP list API

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


# ------------------------------------------------------------------ dispatch


def next_links(ls: list[Link], url: str) -> list[str]:
    """Generic pagination: 下一页/尾页 links inside the same directory."""
    here = urlsplit(url)
    folder = here.path.rsplit("/", 1)[0]
    out = []
    for link in ls:
        if clean(link.text) in ("下一页", "下页", "尾页", "末页") or re.fullmatch(r"\d{1,3}", clean(link.text)):
            u = urlsplit(link.url)
            if u.netloc == here.netloc and u.path.rsplit("/", 1)[0] == folder:
                out.append(link.url)
    return out


def parse_listing(body: bytes, text: str, url: str, sel: Selector, first: bool) -> Listing:
    """The listing of a column page, by the first adapter whose fingerprint matches."""
    got = hanweb(text, url)
    if got is not None:
        if first:
            got.subcolumns = year_subcolumns(links(sel, url), url)
        return got
    got = json_api(text, url, sel) or gkmlpt(text, url)
    if got is not None:
        return got
    got = jsonp_api(text, url, sel)
    if got is not None:
        return got
    ls = links(sel, url)
    pages = trs_pages(text, url)
    lst = Listing("trs" if pages is not None else "generic", items_from_links(ls))
    if pages:
        lst.follows += [Follow(p, adapter="trs") for p in pages]
    elif pages is None:
        lst.follows += [Follow(p) for p in next_links(ls, url)]
    lst.subcolumns = year_subcolumns(ls, url)
    return lst


def column_links(sel: Selector, url: str) -> list[str]:
    """Candidate 年报 columns on a portal page: anchor text first, then URL slugs."""
    by_text, by_slug = [], []
    for link in links(sel, url):
        text = clean(link.text) or clean(link.title)
        if report_year(text):
            continue
        if re.search(r"(年报|年度报告|工作报表)$", text) and len(text) <= 14:
            by_text.append(link.url)
        elif COLUMN_SLUG.search(urlsplit(link.url).path):
            by_slug.append(link.url)
    out: list[str] = []
    for u in by_text + by_slug:
        if u not in out:
            out.append(u)
    return out
