"""What a failed request means for its portal: the reason a person can act on (in
Chinese), and whether it fails the night, is a fact about the portal (a dead link), or
just sends the walk on to its next candidate."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from scrapy import Request
from twisted.python.failure import Failure

from ..downloadermiddlewares.conditional import describe_exception
from ..portal_state import PortalState
from .chain import FILE_META

log = logging.getLogger(__name__)

#: what an HTTP status tells the office
STATUS_REASONS = {412: "站点返回 412 反爬虫验证（需要浏览器执行脚本），无法自动访问",
                  403: "站点拒绝访问（403）", 404: "页面不存在（404）",
                  410: "页面已删除（410）", 429: "站点限流（429），重试后仍被拒绝"}


def failure_reason(failure: Failure) -> tuple[int | None, str]:
    """(HTTP status or None, the reason in Chinese) of a failed request."""
    from scrapy.spidermiddlewares.httperror import HttpError

    if failure.check(HttpError):
        status = failure.value.response.status
        return status, STATUS_REASONS.get(status, f"站点返回 HTTP {status}")
    text = str(failure.value)
    if "Forbidden by robots.txt" in text:
        return None, "robots.txt 禁止抓取该页面"
    return None, text if "拒绝访问" in text else describe_exception(failure.value)


class ErrorHandling:
    """The ``reports`` spider's errback (a mixin over the spider's requests and walk)."""

    store: Any
    req: Callable[..., Request | None]
    next_copy: Callable[..., Any]
    walk_next: Callable[[PortalState], Request | None]
    start_walk: Callable[[PortalState], Request | None]

    def handle_error(self, ps: PortalState, kind: str, request: Request,
                     failure: Failure) -> Iterable[Any]:
        via = request.meta.get("via")
        if via:  # the remembered target failed: ask the download link itself again
            self.store.remember_redirect(via, None)
            ours = {k: v for k, v in request.meta.items() if k in FILE_META}
            yield self.req(ps, via, kind, priority=2, meta={**ours, "no_shortcut": True})
            return
        yield from self._handle_error(ps, kind, request, failure)
        if kind in ("file", "copy") and "copies" in request.meta:
            m = dict(request.meta)
            if kind == "file":
                m["file"] = None
                if request.url in ps.gone:  # a dead link (404/410), not a failed download
                    m["dead"] = f"{ps.gone[request.url]}：{request.url}"
            yield self.next_copy(ps, m)  # the page's other files still get archived

    def _handle_error(self, ps: PortalState, kind: str, request: Request,
                      failure: Failure) -> Iterable[Request | None]:
        status, reason = failure_reason(failure)
        url = request.url
        if kind == "hub" or (kind == "column" and "walk" in request.meta):
            if kind == "column":
                ps.candidate_failed.append(f"{reason}：{url}")  # another candidate may do
            yield self.walk_next(ps)  # a hub or candidate that failed: walk on
            return
        if kind in ("root", "column"):
            if kind == "column" and request.meta.get("remembered") and not ps.tried_root:
                yield self.start_walk(ps)  # the remembered column moved: walk from home
                return
            ps.fatal = ps.fatal or f"{reason}：{url}"
            if kind == "column":
                ps.listing_failed.append(f"{reason}：{url}")
        elif kind in ("list", "api"):
            if status == 404 and request.meta.get("optional"):
                return
            ps.listing_failed.append(f"{reason}：{url}")
        elif kind == "detail" and status in (404, 410):
            ps.gone[url] = reason
        elif kind == "copy" and status in (404, 410):
            ps.gone[url] = reason  # the report itself came from its main file
        elif kind == "file" and status in (404, 410):
            ps.gone[url] = reason  # a dead link is a fact about the portal, not a failed crawl
        else:
            if "拒绝访问" in reason or "robots" in reason:
                log.info("%s", reason)
                return
            ps.errors.append(f"{reason}：{url}")
            if kind in ("detail", "file", "copy"):
                ps.present.add(request.meta.get("page_url", url))
