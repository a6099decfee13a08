"""What every platform adapter hands back, and the registry adapters put themselves in.

A platform adapter is one module of this package. It registers a :class:`Platform`:
``detect`` (a cheap fingerprint of a listing page), ``parse`` (that page's
:class:`Listing`: report candidates, further list pages or API calls, year sub-columns)
and, for platforms whose lists come from an API, ``page`` (one API answer's
:class:`Listing`). Adding a platform is adding one module (and its simulator profile).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

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
