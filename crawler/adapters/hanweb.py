"""大汉 Hanweb jcms ("jpage") columns: the first group embedded as a datastore, the rest
through ``dataproxy.jsp`` in 3-page groups (``docs/platforms.md``)."""

from __future__ import annotations

import re
from urllib.parse import urlencode, urljoin

from parsel import Selector

from ..pages import decode, links
from .base import Follow, Item, Listing, items_from_links, register, year_subcolumns

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
    if not detect(text, url):
        return None
    lst = Listing("hanweb", hanweb_records(text, url))
    total_m = _TOTAL.search(text)
    total = int(total_m.group(1) or total_m.group(2)) if total_m else 0
    per_m = _PER.search(text)
    per = int(per_m.group(1)) if per_m else 15
    ids = {}
    for k, p in _IDS.items():
        m = p.search(text)
        ids[k] = m.group(1) if m else ""
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


def detect(text: str, url: str) -> bool:
    return "<datastore>" in text or "dataproxy.jsp" in text


def parse(body: bytes, text: str, url: str, sel: Selector, first: bool) -> Listing:
    lst = hanweb(text, url) or Listing("hanweb")
    if first:
        lst.subcolumns = year_subcolumns(links(sel, url), url)
    return lst


def page(body: bytes, follow: Follow) -> Listing:
    """One dataproxy answer; a range inside ``totalrecord`` that came back empty (the
    54-byte answer to an encrypted call, a proxy gone wrong) means the list is not whole."""
    text = decode(body)
    lst = Listing("hanweb", hanweb_records(text, follow.url))
    if "<record" not in text:
        lst.incomplete = (f"大汉数据接口返回空结果（{len(body)} 字节），栏目列表不完整："
                          f"{follow.url}")
    return lst


register("hanweb", 10, detect, parse, page)
