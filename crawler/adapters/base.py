"""What every platform adapter hands back, and the registry adapters put themselves in.

A platform adapter is one module of this package. It registers a :class:`Platform`:
``detect`` (a cheap fingerprint of a listing page), ``parse`` (that page's
:class:`Listing`: report candidates, further list pages or API calls, year sub-columns)
and, for platforms whose lists come from an API, ``page`` (one API answer's
:class:`Listing`). Adding a platform is adding one module (and its simulator profile).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

from parsel import Selector

from ..pages import YEAR_TEXT, Link, clean, parse_date, report_year


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
    #: why this page shows the list is not whole (an empty datastore, a stub page): the
    #: night removes nothing and is partial
    incomplete: str | None = None


#: ``detect(text, url)``: does this listing page belong to the platform
Detect = Callable[[str, str], bool]
#: ``parse(body, text, url, sel, first)``: the listing of such a page (None: not one
#: after all — the next platform is tried)
Parse = Callable[[bytes, str, str, Selector, bool], "Listing | None"]
#: ``page(body, follow)``: one answer of the platform's list API
Page = Callable[[bytes, Follow], Listing]
#: ``after(follow, listing, body, stub)``: what a further list page the platform asked for
#: adds (the next page to probe; why the list is not whole), given that page's listing by
#: whatever adapter read it; ``stub``: it lists nothing and links nothing titled
After = Callable[[Follow, Listing, bytes, bool], Listing]


@dataclass(frozen=True)
class Platform:
    name: str
    order: int  # tried in this order; the generic reader last
    detect: Detect
    parse: Parse
    page: Page | None = None
    after: After | None = None


PLATFORMS: dict[str, Platform] = {}


def register(name: str, order: int, detect: Detect, parse: Parse,
             page: Page | None = None, after: After | None = None) -> Platform:
    PLATFORMS[name] = Platform(name, order, detect, parse, page, after)
    return PLATFORMS[name]


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


# ---------------------------------------------------------------- JSON list APIs

_JSONP = re.compile(r"^([\w$.]*)\s*\((.*)\)\s*;?\s*$", re.S)


def json_answer(body: bytes, named: bool = False) -> Any:
    """A list API's answer read as JSON, a JSONP wrapper (``cb({...});``) taken off;
    ``named``: only a wrapper that names its callback. Raises ValueError if not JSON."""
    text = body.decode("utf-8", "replace").strip()
    m = _JSONP.match(text)
    return json.loads(m.group(2) if m and (m.group(1) or not named) else text)


def find_records(data: Any, fits: Callable[[list[dict[str, Any]]], bool],
                 deep: bool = True) -> list[dict[str, Any]]:
    """The first array of records (objects only, at least one) that ``fits``, anywhere in
    a JSON answer, depth first; ``deep``: also inside arrays that are not records."""
    if isinstance(data, list):
        if data and all(isinstance(x, dict) for x in data) and fits(data):
            return data
        for x in data if deep else ():
            got = find_records(x, fits, deep)
            if got:
                return got
        return []
    if isinstance(data, dict):
        for v in data.values():
            got = find_records(v, fits, deep)
            if got:
                return got
    return []


def _first(r: dict[str, Any], keys: tuple[str, ...]) -> Any:
    """The record's value under the first of ``keys`` it fills (not null, not "")."""
    return next((r[k] for k in keys if r.get(k) not in (None, "")), None)


def record_items(recs: list[dict[str, Any]], url: str, titles: tuple[str, ...],
                 urls: tuple[str, ...], dates: tuple[str, ...]) -> list[Item]:
    """The reports among an API's records: title, URL (``{"pc": "/…"}`` too, relative to
    the API's ``url``) and date under the first of their keys each record fills."""
    out = []
    for r in recs:
        title, href = clean(str(_first(r, titles) or "")), _first(r, urls)
        if isinstance(href, dict):  # {"pc": "/…"}
            href = href.get("pc") or next(iter(href.values()), None)
        if href and report_year(title):
            date = _first(r, dates)
            out.append(Item(title, urljoin(url, str(href)), parse_date(str(date) if date else None)))
    return out


def page_size(q: dict[str, str], keys: tuple[str, ...], default: int) -> int:
    """The page size a query asks for under the first of ``keys`` it has, else ``default``."""
    key = next((k for k in keys if k in q), None)
    return int(q[key]) if key and q[key].isdigit() else default


def with_query(url: str, q: dict[str, str]) -> str:
    """``url`` asking ``q`` instead of its own query (and no fragment)."""
    u = urlsplit(url)
    return urlunsplit((u.scheme, u.netloc, u.path, urlencode(q), ""))
