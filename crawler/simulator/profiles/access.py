"""Portals that make fetching hard (``docs/platforms.md``): a WAF's cookie gate and
traps, JS challenges, robots.txt rules or their absence, a User-Agent gate."""

from __future__ import annotations

import datetime as dt

from ..portal import Request, Response, SimReport
from .trs import TrsClassic


class Hostile(TrsClassic):
    """Everything that goes wrong: GBK mislabelled, cookie gate, traps, 429/500/slow, huge file."""

    profile = "hostile"
    column = "/gkml/xxgknb/"
    robots = "User-agent: *\nDisallow: /private/\n"
    column_text = "公开年报"
    formats = ("html", "pdf", "html", "both")

    def build(self) -> None:
        super().build()
        trap = self.farm.trap_url
        self.hits: dict[str, int] = {}
        a_id, a_name = self.agencies[0]
        years = {r.year for r in self.reports if r.agency_id == a_id}
        y0 = min(years) - 1
        huge = SimReport(a_id, a_name, y0, "huge", self.index * 10000 + 99, dt.date(y0 + 1, 2, 1),
                         0, expected=False)
        self.place(huge)
        self.reports.append(huge)
        self.traps = [  # report-titled links a careful crawler must not follow
            (f"{a_name}{y0 - 1}年政府信息公开工作年度报告", "/private/t1.html"),
            (f"{a_name}{y0 - 2}年政府信息公开工作年度报告", f"{trap}/leak.html"),
            (f"{a_name}{y0 - 3}年政府信息公开工作年度报告", "/go/1.html"),
            (f"{a_name}{y0 - 4}年政府信息公开工作年度报告", "http://10.20.30.40/nb.html"),
        ]

    def items(self, dir_: str, year: int | None) -> list[tuple[str, str, dt.date]]:
        out = super().items(dir_, year)
        return out + [(t, u, dt.date(2024, 1, 2)) for t, u in self.traps]

    def route(self, req: Request) -> Response:
        if req.cookies.get("gate") != "ok":  # WAF: 302 to self setting a cookie
            q = "&".join(f"{k}={v}" for k, v in req.query.items())
            return Response(302, headers={"Location": req.path + (f"?{q}" if q else ""),
                                          "Set-Cookie": "gate=ok; Path=/"}, static=False)
        n = self.hits[req.path] = self.hits.get(req.path, 0) + 1
        if req.path == "/go/1.html":
            return Response(302, headers={"Location": f"{self.farm.trap_url}/evil.html"},
                            static=False)
        if req.path == self.column + "index_1.html" and n == 1:
            return Response(429, b"slow down", "text/plain", {"Retry-After": "1"}, static=False)
        if req.path == self.column + "index.html" and n == 1:
            return Response(500, b"busy", "text/plain", static=False)
        resp = super().route(req)
        live = self.live()
        if len(live) > 1 and req.path == live[1].detail and n == 1:
            resp.delay = self.farm.hang_seconds  # slower than the crawler's timeout, once
        if req.path in ("/", "/index.html") and resp.status == 200:
            extra = (f"<a href=\"http://www.example.gov.cn/\">上级部门</a>"
                     f"<a href=\"http://10.20.30.40/zfxxgknb/\">内网年报</a>"
                     f"<a href=\"{self.farm.trap_url}/zfxxgknb/\">政府信息公开年报（旧）</a>"
                     f"<noscript><meta http-equiv=\"refresh\" content=\"0;url=/trap.html\">"
                     f"</noscript>")
            resp = self.home(self.column + "index.html", extra)
        if resp.status == 200 and resp.ctype.startswith("text/html"):
            text = resp.body.decode("utf-8").replace('charset="utf-8"', 'charset="gb2312"')
            resp.body = text.encode("gb18030")
            # the list page's header lies (utf-8); others send no charset
            resp.ctype = ("text/html; charset=utf-8" if req.path.startswith(self.column)
                          and "index" in req.path else "text/html")
        return resp


class Challenge(TrsClassic):
    """瑞数-style anti-bot: every page answers 412 with a JS challenge; never passable."""

    profile = "challenge"

    def route(self, req: Request) -> Response:
        body = ("<html><head><meta content=\"abc\" r=\"m\"><script>var _$x='...';</script>"
                "<script src=\"/4QbVtADbnLVIc/c.FxJzG50F.dfe1675.js\"></script></head></html>")
        return Response(412, body.encode(), headers={
            "Set-Cookie": "FSSBBIl1UgzbN7N80S=abc; Path=/; HttpOnly"}, static=False)


class Closed(TrsClassic):
    """robots.txt ``Disallow: /``: nothing may be fetched."""

    profile = "closed"
    robots = "User-agent: *\nDisallow: /\n"


class RobotsMissing(TrsClassic):
    """robots.txt answers 404 (absent): no rules, so everything may be fetched."""

    profile = "robots_404"
    robots_status = 404

    def dispatch(self, req: Request) -> Response | str:
        if req.path == "/robots.txt":
            with self.lock:
                self.requests += 1
            body = f"<html><body><h1>{self.robots_status}</h1></body></html>".encode()
            return Response(self.robots_status, body, static=False)
        return super().dispatch(req)


class RobotsForbidden(RobotsMissing):
    """robots.txt answers 403 (a WAF guarding it): read as "no rules", like a 404."""

    profile = "robots_403"
    robots_status = 403


class BrowserOnly(TrsClassic):
    """A WAF that answers 403 to non-browser User-Agents (Scrapy, python-requests, curl)."""

    profile = "ua_gate"
    column_text = "年度报告"
    BOTS = ("scrapy", "python", "curl", "wget", "go-http", "java/", "okhttp", "httpclient")

    def route(self, req: Request) -> Response:
        ua = req.headers.get("user-agent", "")
        if not ua.startswith("Mozilla/") or any(b in ua.lower() for b in self.BOTS):
            return Response(403, b"<html><body><h1>403 Forbidden</h1></body></html>",
                            static=False)
        return super().route(req)


class ExpiringChallenge(TrsClassic):
    """A 412 JS cookie challenge a browser passes; each cookie expires after a few
    requests, so a crawl meets the challenge again midway."""

    profile = "challenge_js"
    uses = 10

    def route(self, req: Request) -> Response:
        tokens: dict[str, int] = self.__dict__.setdefault("tokens", {})
        n, _, v = req.cookies.get("nbchk", "").partition(".")
        if n.isdigit() and v == str(int(n) * 7 + 3) and tokens.get(n, self.uses) < self.uses:
            tokens[n] += 1
            return super().route(req)
        n = str(1000 + 37 * len(tokens))
        tokens[n] = 0
        body = (f"<html><head><script>var n={n};document.cookie=\"nbchk=\"+n+\".\"+(n*7+3)"
                "+\"; path=/\";location.reload();</script></head><body></body></html>")
        return Response(412, body.encode(), static=False)
