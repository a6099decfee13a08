"""The fallback reader: every link of the page, 下一页/尾页 pagination."""

from __future__ import annotations

from parsel import Selector

from ..pages import links
from .base import Follow, Listing, items_from_links, next_links, register, year_subcolumns


def parse(body: bytes, text: str, url: str, sel: Selector, first: bool) -> Listing:
    ls = links(sel, url)
    lst = Listing("generic", items_from_links(ls))
    lst.follows += [Follow(p) for p in next_links(ls, url)]
    lst.subcolumns = year_subcolumns(ls, url)
    return lst


register("generic", 1000, lambda text, url: True, parse)
