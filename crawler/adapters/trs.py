"""TRS WCM ("t-date") columns: ``index.html``, ``index_1.html`` … from ``createPageHTML`` /
``var countPage`` (``docs/platforms.md``)."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from ..pages import links
from .base import Follow, Listing, items_from_links, register, year_subcolumns

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


def detect(text: str, url: str) -> bool:
    return trs_pages(text, url) is not None


def parse(body: bytes, text: str, url: str, sel: Selector, first: bool) -> Listing:
    ls = links(sel, url)
    lst = Listing("trs", items_from_links(ls))
    lst.follows += [Follow(p, adapter="trs") for p in trs_pages(text, url) or []]
    lst.subcolumns = year_subcolumns(ls, url)
    return lst


def after(follow: Follow, lst: Listing, body: bytes, stub: bool) -> Listing:
    """A page ``countPage`` promises that answers a stub: the list is not whole."""
    out = Listing("trs")
    if stub:
        out.incomplete = f"栏目分页返回空白页面（{len(body)} 字节），栏目列表不完整：{follow.url}"
    return out


register("trs", 50, detect, parse, after=after)
