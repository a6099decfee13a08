"""A report page's files, fetched one after another and handed on as one item.

The best-ranked file is the report; up to :data:`MAX_COPIES` more of the same report
(图片版, another format) follow it, each request carrying the chain so far in its meta
(:data:`CHAIN_META`), so they all land in one version. When a file fails, the others still
go on; when none can be had, the page itself stands in. Whose report a file is (its link
text against the registry's names) is decided here too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

from scrapy import Request
from scrapy.http import Response

from ..pages import SUB_UNIT, clean, report_year, sniff_kind
from ..portal_state import PortalState

log = logging.getLogger(__name__)

MAX_COPIES = 3  # more report files on one page than this are not copies of one report
#: what a report's chain of file requests carries from its detail page
CHAIN_META = ("agency", "year", "title", "posted", "list_date", "page_url", "page_body",
              "page_cached", "file", "got", "dead")
#: what a file or copy request carries (the rest of its meta is Scrapy's)
FILE_META = (*CHAIN_META, "role_as_copy", "copies", "copy_role")


def copy_role(link: Any) -> str:
    """How a report file stands beside the report: an image-only 图片版/扫描版, or the same
    report in another format (the role names of ``docs/commands.md``)."""
    says = clean(link.label)
    return "image_copy" if ("图片版" in says or "扫描版" in says or "扫描件" in says) \
        else "other_format"


def declared(response: Response) -> str | None:
    ct = response.headers.get(b"Content-Type")
    if not ct or b"charset=" not in ct.lower():
        return None
    return ct.decode("latin-1").lower().split("charset=")[-1].split(";")[0].strip()


def _ctype(response: Response) -> str | None:
    ct = response.headers.get(b"Content-Type")
    return ct.decode("latin-1") if ct else None


class FileChain:
    """The ``reports`` spider's file and copy callbacks (a mixin: it needs the spider's
    ``req`` to make requests)."""

    req: Callable[..., Request | None]  # ReportsSpider.req
    names: list[tuple[str, str]]  # (folded name, agency id), longest first

    def agency_for(self, title: str) -> str | None:
        t = clean(title)
        for name, aid in self.names:
            if name and name in t:
                # "XX县人民政府城关街道办事处2024年…" is a town's own report, not the county's
                rest = t[t.index(name) + len(name):]
                if SUB_UNIT.match(rest):
                    return None
                return aid
        return None

    def file_report(self, label: str, agency: str, year: int) -> tuple[str, int] | None:
        """Whose report, of which year, a file on a report page is by its link text: the
        page's own unless the text names another year (and, if it names someone, the
        registry agency it names; a body not in the registry is nobody's report here)."""
        other = report_year(label)
        if other is None or other == year:
            return agency, year
        says = clean(label)
        named = re.sub(r"[\d\s年度:：附件\-—（）()《》.]", "", says.split(str(other))[0])
        if not named:
            return agency, other
        who = self.agency_for(says)
        return (who, other) if who else None

    def parse_file(self, ps: PortalState, response: Response) -> Iterable[Any]:
        m = dict(response.meta)
        kind = sniff_kind(response.body)
        if kind == "html" and not m.get("page_url"):
            m["page_url"] = None
        if kind == "html" and m.get("page_body"):
            ps.errors.append(f"附件链接返回的是网页而不是文件：{response.url}")
            m["file"] = None
        else:
            ps.present.add(response.url)
            m["file"] = {"url": response.url, "data": response.body, "role": "attachment",
                         "content_type": _ctype(response),
                         "cached": bool(m.get("not_modified")),
                         "role_as_copy": m.get("role_as_copy", "other_format")}
        yield self.next_copy(ps, m)

    def parse_copy(self, ps: PortalState, response: Response) -> Iterable[Any]:
        m = dict(response.meta)
        if sniff_kind(response.body) == "html":
            log.info("copy link answered a web page, not a file: %s", response.url)
        else:
            ps.present.add(response.url)
            m["got"] = [*m["got"], {"url": response.url, "data": response.body,
                                    "role": m["copy_role"], "content_type": _ctype(response),
                                    "cached": bool(m.get("not_modified"))}]
        yield self.next_copy(ps, m)

    def next_copy(self, ps: PortalState, m: dict[str, Any]) -> Any:
        """Fetch the page's remaining report files one after another, then hand all of
        them to the pipeline as one item, so they land in one version."""
        copies = list(m.get("copies") or [])
        while copies:
            url, role = copies.pop(0)
            keep = {k: v for k, v in m.items() if k in CHAIN_META}
            r = self.req(ps, url, "copy", priority=2,
                         meta={**keep, "copies": copies, "copy_role": role})
            if r is not None:
                return r
        main, got = m.get("file"), list(m.get("got") or [])
        if main is None and not got:
            if not m.get("dead") or not m.get("page_url") or not m.get("page_body"):
                return None  # a failed download: the night is partial, tried again next
            # no file could be had: the page stands in (its own tables, else it records
            # the report as found but unreadable, with why)
            main = {"url": m["page_url"], "data": m["page_body"], "role": "page",
                    "content_type": "text/html", "cached": False, "role_as_copy": "page"}
        if main is None:  # the main link failed: the best copy stands in for it
            main = {**got.pop(0), "role": "attachment"}
        info = {"agency": m["agency"], "year": m["year"], "title": m.get("title"),
                "posted": m.get("posted") or m.get("list_date"), "page_url": m.get("page_url"),
                "page_body": m.get("page_body"), "page_cached": m.get("page_cached", True),
                "copies": got, "role_as_copy": main.get("role_as_copy", "other_format"),
                "dead": m.get("dead")}
        cached = main["cached"] and all(c["cached"] for c in got)
        return self.item(ps, main["url"], main["data"], main.get("role", "attachment"), info,
                         cached, main["content_type"])

    def item(self, ps: PortalState, url: str, data: bytes, role: str, info: dict[str, Any],
             cached: bool, ctype: str | None) -> dict[str, Any]:
        ps.pending += 1  # released by the pipeline
        return {"portal": ps.key, "url": url, "data": data, "role": role,
                "content_type": ctype, "cached": cached and info.get("page_cached", True),
                **info}
