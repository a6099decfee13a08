"""The walk from a portal's home page to its 年报 column, one page at a time, best link
first (the scoring and the frontier are ``crawler/discovery.py``)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from scrapy import Request
from scrapy.http import Response

from ..discovery import Walk, candidates
from ..downloadermiddlewares.guard import netloc
from ..pages import decode, script_redirect, selector
from ..portal_state import PortalState
from .chain import declared

log = logging.getLogger(__name__)


class Walking:
    """The ``reports`` spider's discovery callbacks (a mixin over the spider's requests)."""

    discovery_budget: int
    allowed_netlocs: set[str]
    req: Callable[..., Request | None]

    def start_walk(self, ps: PortalState) -> Request | None:
        """Walk from the portal's root to its 年报 column (``discovery.py``)."""
        ps.tried_root = True
        ps.walk = Walk(budget=self.discovery_budget)
        ps.walk.push(ps.root, 10_000, 0, False, [])
        return self.walk_next(ps)

    def walk_next(self, ps: PortalState) -> Request | None:
        """The walk's next page (one at a time, best first); at its end without a column
        the night is partial, naming what was searched."""
        w = ps.walk
        if w is None or w.done or ps.column_found is not None:
            return None
        while (e := w.pop()) is not None:
            first = not ps.walk_started
            kind = "column" if e.column else ("root" if first else "hub")
            r = self.req(ps, e.url, kind, meta={"walk": e.path, "walk_depth": e.depth})
            if r is not None:
                ps.walk_started = True
                return r
            w.walked -= 1  # already asked for this night: no page spent
        w.done = True
        if w.offsite:  # e.g. a department site linking the city's 信息公开 platform
            ps.no_column = (f"年报栏目在注册表之外的站点（{w.offsite[0]}），未抓取；如确属本机关，"
                            "请在注册表的 column 中登记该地址")
        else:
            ps.no_column = w.reason()
        log.info("portal %s: no 年报 column after %d pages", ps.key, w.walked)
        return None

    def parse_hub(self, ps: PortalState, response: Response) -> Iterable[Request | None]:
        text = decode(response.body, declared(response))
        sel = selector(response.body, declared(response))
        yield from self.walk_on(ps, response, text, sel)

    def walk_on(self, ps: PortalState, response: Response, text: str, sel: Any
                ) -> Iterable[Request | None]:
        """Queue what a walked page offers (its redirect first), then fetch the best."""
        w = ps.walk
        if w is None:
            return
        depth = response.meta.get("walk_depth", 0)
        trail = response.meta.get("walk") or []  # [[page, words of the link taken], …]
        w.seen(response.url)  # where a redirect landed
        cands = candidates(text, response.url, sel)
        target = script_redirect(text, response.url)
        if target and netloc(target) in self.allowed_netlocs:
            # a redirect-only home (script, meta refresh, frameset) moves on at once
            w.push(target, 10_000 if not cands else 20, depth, False,
                   [*trail, [response.url, "（跳转）"]])
        for c in cands:
            if netloc(c.url) not in self.allowed_netlocs:
                if c.column and c.url not in w.offsite:
                    w.offsite.append(c.url)
                continue
            w.note(c)
            w.push(c.url, c.score, depth + 1, c.column, [*trail, [response.url, c.words]])
        yield self.walk_next(ps)
