"""Guangdong's 政府信息公开目录管理平台 (gkmlpt): ``SID``/``TREE`` in ``window._CONFIG``,
lists from ``/gkmlpt/api/all/{cat}?page=N&sid=…`` to ``post_count`` (``docs/platforms.md``)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from ..pages import clean, parse_date, report_year
from .base import Follow, Item, Listing, register

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



def parse(body: bytes, text: str, url: str, sel: Selector, first: bool) -> Listing | None:
    return gkmlpt(text, url)


register("gkmlpt", 30, lambda text, url: "/gkmlpt/" in url and bool(_GK_SID.search(text)),
         parse, gkmlpt_page)
