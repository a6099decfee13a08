"""Portals served over http and https at once (``docs/platforms.md``: the same article
reachable via two URLs): port 80 and port 443 of the portal's own address, identical
content, and pages that link the same articles both ways, as real sites do after half a
migration to https. A crawler that keys pages by URL archives every report twice.

The certificate is self-signed (``trustme``, imported only when a TLS portal starts, so
the demo needs no test dependency); :func:`certificate_authority` lets a test trust it.
"""

from __future__ import annotations

import html
import ssl
from functools import cache
from typing import Any

from .portal import Request, Response, SimReport
from .profiles import PROFILES, TrsClassic, page


@cache
def certificate_authority() -> Any:
    """One throwaway CA per process (``trustme.CA``) signing every TLS portal's certificate."""
    import trustme

    return trustme.CA()


class TlsTwin(TrsClassic):
    """TRS layout on ``http://ip/`` and ``https://ip/``: the homepage links the column over
    https, list rows mix relative, ``http://`` and ``https://`` links (the newest report is
    pinned twice, once per scheme), detail pages link their attachment by an absolute https
    URL or through ``<base href="https://…">``."""

    profile = "tls_twin"
    http_port, tls_port = 80, 443
    formats = ("pdf", "html", "docx", "both", "html")

    def tls_context(self) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        certificate_authority().issue_cert(self.ip).configure_cert(ctx)
        return ctx

    def abs_url(self, path: str, tls: bool) -> str:
        return self.tls_url(path) if tls else self.url(path)

    def items(self, dir_: str, year: int | None) -> list[tuple[str, str, Any]]:
        out = []
        for n, (title, href, d) in enumerate(super().items(dir_, year)):
            path = dir_ + href[2:] if href.startswith("./") else href
            style = n % 3  # relative, http://, https://
            out.append((title, href if style == 0 else self.abs_url(path, style == 2), d))
        live = self.live()
        if live:  # the newest report pinned on top, once per scheme
            r = live[0]
            out[:0] = [(r.title, self.url(r.detail), r.posted),
                       (r.title, self.tls_url(r.detail), r.posted)]
        return out

    def detail(self, r: SimReport) -> str:
        if not r.file_path or not r.attachment:
            return self.detail_html(r)
        style = r.doc_id % 3
        base = ""
        if style == 0:
            href = self.tls_url(r.file_path)
        elif style == 1:  # relative link under an https <base>
            href, base = r.attachment, self.tls_url(r.file_path.rsplit("/", 1)[0] + "/")
        else:
            href = self.url(r.file_path)
        attach = (f"<p class=\"insertfileTag\"><a appendix=\"true\" href=\"{html.escape(href)}\">"
                  f"附件：{html.escape(r.title)}</a></p>")
        return self.detail_html(r, attach, base=base)

    def route(self, req: Request) -> Response:
        if req.path in ("/", "/index.html"):
            return self.home(self.tls_url(self.column + self.list_name(0)))
        return super().route(req)


class TlsPreferred(TlsTwin):
    """The same site, but plain http answers every page (not robots.txt) with a 301 to its
    https twin: the registry's ``http://`` portal is really an https site."""

    profile = "tls_https"

    def route(self, req: Request) -> Response:
        if req.scheme == "http":
            query = "&".join(f"{k}={v}" for k, v in req.query.items())
            to = self.tls_url(req.path + (f"?{query}" if query else ""))
            return Response(301, page("301 Moved Permanently", "").encode(),
                            headers={"Location": to}, static=False)
        return super().route(req)


PROFILES.update({"tls_twin": TlsTwin, "tls_https": TlsPreferred})
