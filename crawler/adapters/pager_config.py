"""Pagers configured by an object in a script rather than a ``createPageHTML`` call: TRS's
newer list model (``listModel({quickMode: "动静结合", maxStaticIndex: 7, pagebar:
{prepage: 10, recordCount: '213', pgCountMode: "recordCount"}})``), and any script naming
``pageCount``/``totalPage`` or a record count with a page size (``recordCount``,
``prepage``/``pageSize``) where the page shows no pager links of its own.

The static pages ``index_1 … index_{maxStaticIndex}`` (0-based like TRS: ``index_1`` is
page 2) are read up to the page count the object implies (record count / page size).
Pages beyond ``maxStaticIndex`` come from an API the page's script calls; they are not
read, and the night says the list is not whole. When no count is given, the next
``index_N`` is tried after each page that listed something, until a 404 or a stub,
within :data:`PROBE_MAX` pages.
"""

from __future__ import annotations

import math
import re
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from ..pages import links
from .base import Follow, Listing, items_from_links, next_links, register, year_subcolumns

#: pages tried one after another when the pager gives no count
PROBE_MAX = 50

_NUM = r"\s*[:=]\s*[\"']?(\d+)[\"']?"
_STATIC = re.compile(r"\bmaxStaticIndex" + _NUM)
_RECORDS = re.compile(r"\b(?:recordCount|totalRecord|totalCount|recordTotal)" + _NUM)
_SIZE = re.compile(r"\b(?:prepage|pageSize|perPage|pagesize)" + _NUM)
_PAGES = re.compile(r"\b(?:pageCount|totalPage|pageTotal)" + _NUM)
_CONFIG = re.compile(r"\b(?:maxStaticIndex|quickMode|pgCountMode|listModel)\b")


def pager_pages(text: str, url: str) -> tuple[list[str], int | None, str | None] | None:
    """(static list-page URLs to read, the page to probe from or None, why the list
    cannot be read whole or None) of a column's first page, or None if it has no pager
    configuration object."""
    scripts = " ".join(re.findall(r"<script[^>]*>(.*?)</script>", text, re.S | re.I))
    static, records = _STATIC.search(scripts), _RECORDS.search(scripts)
    size, pages = _SIZE.search(scripts), _PAGES.search(scripts)
    if not _CONFIG.search(scripts) and not (pages or (records and size)):
        return None
    count: int | None = None
    if pages:
        count = int(pages.group(1))
    elif records and size and int(size.group(1)) > 0:
        count = math.ceil(int(records.group(1)) / int(size.group(1)))
    stem, ext = _stem(url)
    if count is None:
        return [], 1, None
    last = count - 1  # index_{count-1} is the last page
    why = None
    if static and int(static.group(1)) < last:
        why = (f"栏目共 {count} 页，静态页只到 {stem}_{static.group(1)}.{ext}，其余由页面脚本"
               f"调用接口加载，未能读取，栏目列表不完整：{url}")
        last = int(static.group(1))
    return [urljoin(url, f"{stem}_{k}.{ext}") for k in range(1, min(last, 500) + 1)], None, why


def _stem(url: str) -> tuple[str, str]:
    name = urlsplit(url).path.rsplit("/", 1)[-1] or "index.html"
    stem, _, ext = name.partition(".")
    return re.sub(r"_\d+$", "", stem), ext or "html"


def detect(text: str, url: str) -> bool:
    return bool(_CONFIG.search(text) or _PAGES.search(text)
                or (_RECORDS.search(text) and _SIZE.search(text)))


def parse(body: bytes, text: str, url: str, sel: Selector, first: bool) -> Listing | None:
    got = pager_pages(text, url)
    if got is None:
        return None
    ls = links(sel, url)
    if not _CONFIG.search(text) and next_links(ls, url):
        return None  # a bare count beside a visible pager: the pager's links say more
    pages, probe, why = got
    if not first and not probe:
        pages = []  # only the first page enumerates
    lst = Listing("pager_config", items_from_links(ls), incomplete=why if first else None)
    lst.follows = [Follow(p, adapter="pager_config", state={"required": True}) for p in pages]
    if first and probe:
        stem, ext = _stem(url)
        lst.follows.append(Follow(urljoin(url, f"{stem}_1.{ext}"), adapter="pager_config",
                                  state={"probe": 1}))
    lst.subcolumns = year_subcolumns(ls, url)
    return lst


def after(follow: Follow, lst: Listing, body: bytes, stub: bool) -> Listing:
    """A counted page that is a stub leaves the list not whole; a probed page that lists
    anything (reports or other articles) leads to the next one (a 404 or a stub ends the
    probing)."""
    out = Listing("pager_config")
    k = follow.state.get("probe")
    if k is None:
        if stub:
            out.incomplete = f"栏目分页返回空白页面（{len(body)} 字节），栏目列表不完整：{follow.url}"
        return out
    if not stub and k < PROBE_MAX:
        stem, ext = _stem(follow.url)
        out.follows.append(Follow(urljoin(follow.url, f"{stem}_{k + 1}.{ext}"),
                                  adapter="pager_config", state={"probe": k + 1}))
    return out


register("pager_config", 55, detect, parse, after=after)
