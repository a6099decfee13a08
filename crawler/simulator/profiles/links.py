"""Lists and links that mislead (``docs/platforms.md``): one article under two URLs, a
script redirect to the list, a column that moved, towns' reports and a dead row, and
markup the other profiles keep tidy."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import replace

from ..content import report_file, report_title
from ..portal import Request, Response, SimReport, not_found
from .markup import page
from .trs import TrsClassic


class DualUrl(TrsClassic):
    """Each article reachable as ``…/index.html`` and as ``…/`` (pinned block vs list)."""

    profile = "dual_url"
    formats = ("html",)

    def place(self, r: SimReport) -> None:
        super().place(r)
        r.detail = r.detail[: -len(".html")] + "/index.html"

    def items(self, dir_: str, year: int | None) -> list[tuple[str, str, dt.date]]:
        out = super().items(dir_, year)
        pinned = [(r.title, r.detail[: -len("index.html")], r.posted) for r in self.live()[:2]]
        return pinned + out

    def route(self, req: Request) -> Response:
        if req.path.endswith("/") and self.report_by_path(req.path + "index.html"):
            req = replace(req, path=req.path + "index.html")  # the log keeps the asked path
        return super().route(req)


class ScriptRedirect(TrsClassic):
    """The 年报 link lands on a stub that moves on by ``window.location`` (and a
    ``<noscript>`` meta refresh) to where the list really is."""

    profile = "js_redirect"
    column = "/xxgk/gknb/"
    stub = "/zfxxgknb/index.html"

    def route(self, req: Request) -> Response:
        if req.path in ("/", "/index.html"):
            return self.home(self.stub)
        if req.path in (self.stub, "/zfxxgknb/"):
            target = self.column + self.list_name(0)
            body = (f"<script type=\"text/javascript\">window.location.href = \"{target}\";"
                    f"</script><noscript><meta http-equiv=\"refresh\" content=\"0; "
                    f"url={target}\"></noscript>")
            return Response(body=page("正在跳转", body).encode())
        return super().route(req)


class TownsDeadLink(TrsClassic):
    """A county list that also carries its towns' own reports (``XX县城关镇…``,
    ``XX县人民政府东关街道办事处…``; the towns are not in the registry), and a row whose page
    is gone: a 200 "页面不存在" page labelled ``charset=iso-8859-1``."""

    profile = "towns_dead"
    formats = ("html", "pdf")
    TOWNS = ("城关镇", "人民政府东关街道办事处", "青山乡")

    def build(self) -> None:
        super().build()
        a0 = self.agencies[0][1]
        county = a0.removesuffix("人民政府")
        self.towns: dict[str, str] = {}
        for i, town in enumerate(self.TOWNS):
            year = 2024 - i
            title = f"{county}{town}{year}年政府信息公开工作年度报告"
            path = f"/xzjd/{year + 1}01/t{year + 1}0120_{self.index}{i}.html"
            self.towns[path] = title
            self.noise.append((title, path, dt.date(year + 1, 1, 20)))
        old = min(r.year for r in self.reports if r.agency == a0) - 1
        self.dead = f"/zfxxgk/zfxxgknb/{old + 1}01/t{old + 1}0115_{self.index}99.html"
        self.noise.append((report_title(a0, old), self.dead, dt.date(old + 1, 1, 15)))

    def route(self, req: Request) -> Response:
        if req.path == self.dead:
            return Response(body="<html><body><h2>对不起，您访问的页面不存在或已被删除！</h2>"
                                 "</body></html>".encode(), ctype="text/html; charset=iso-8859-1",
                            static=False)
        if req.path in self.towns:
            title = self.towns[req.path]
            at = title.index("年政府") - 4
            body = report_file(title[:at], int(title[at:at + 4]), "html", 0).decode("utf-8")
            return Response(body=page(title, f"<div class=\"TRS_Editor\">{body}</div>").encode())
        return super().route(req)


class MovedColumn(TrsClassic):
    """After :meth:`move_column`, the old column answers 301: its index to another domain
    (the farm's trap), its other pages to the homepage; report pages stay where they were."""

    profile = "moved_301"

    def move_column(self, column: str) -> None:
        with self.lock:
            self.old_columns = [*getattr(self, "old_columns", []), self.column]
            self.column = column

    def route(self, req: Request) -> Response:
        got = self.common(req)
        if got is not None:
            return got
        for old in getattr(self, "old_columns", []):
            if req.path.startswith(old) and not req.path.startswith(self.column):
                rest = req.path[len(old):]
                to = (self.farm.trap_url + "/zwgk/" if rest in ("", "index.html")
                      else self.url("/"))
                return Response(301, b"", headers={"Location": to}, static=False)
        return super().route(req)


class OddMarkup(TrsClassic):
    """Markup the other profiles keep tidy (``docs/platforms.md``): an ``index.htm`` list with
    dates in a ``<span>``
    inside the ``<a>``, hrefs protocol-relative or ``../../``; every row on page 1 with a
    JS-only pager (``countPage = 1``; ``index_1.html`` 404, deep pages 300-byte stubs);
    detail pages with ``content`` before ``name`` in their meta tags and NBSP/U+3000 in
    the 发布时间 label; the three oldest years published together on one page, each
    year's PDF linked under its own title."""

    profile = "odd_markup"
    formats = ("pdf", "html", "docx", "pdf")
    ext = "htm"

    def build(self) -> None:
        super().build()
        a0 = self.agencies[0][0]
        old = sorted((r for r in self.reports if r.agency_id == a0), key=lambda r: r.year)[:3]
        self.bundle: list[SimReport] = []
        if len(old) == 3:
            first, last = old[0].year, old[-1].year
            posted = old[-1].posted
            self.bundle_title = (f"{old[0].agency}{first}—{last}年政府信息公开工作年度报告"
                                 "（合集）")
            self.bundle_path = f"{self.column}{posted:%Y%m}/t{posted:%Y%m%d}_{self.index}77.html"
            for r in old:
                r.fmt, r.posted, r.detail = "pdf", posted, self.bundle_path
                r.file_path = f"{self.column}{posted:%Y%m}/P020{r.doc_id:09d}.pdf"
                r.attachment = "./" + r.file_path.rsplit("/", 1)[1]
                self.bundle.append(r)

    offsite_row = False  # one row linking a report on a host outside the registry

    def items(self, dir_: str, year: int | None) -> list[tuple[str, str, dt.date]]:
        out, seen = [], set()
        if self.offsite_row:
            a0 = self.agencies[0][1]
            out.append((report_title(a0, 2012), f"{self.farm.trap_url}/xxgk/nb2012.html",
                        dt.date(2013, 3, 1)))
        for title, href, d in super().items(dir_, year):
            r = next((x for x in self.bundle if href.endswith(x.detail.rsplit("/", 1)[1])), None)
            if r is not None:
                if "bundle" in seen:
                    continue
                seen.add("bundle")
                title = self.bundle_title
            out.append((title, href, d))
        return out

    def list_page(self, dir_: str, k: int, year: int | None) -> Response:
        if k >= 1:  # JS-only pager: nothing beyond page 1; deep pages answer tiny stubs
            return not_found() if k == 1 else Response(body=b"<html><body></body></html>" + b" " * 270)
        rows = []
        for n, (title, href, d) in enumerate(self.items(dir_, year)):
            if href.startswith("./"):
                rest = href[2:]
                href = (f"//{self.host}{dir_}{rest}" if n % 2 else
                        f"../..{dir_}{rest}"
                        if dir_.count("/") == 3 else href)
            short = title if len(title) < 20 else title[:18] + "…"
            hide = " style=\"display:none\"" if n >= self.per_page else ""
            rows.append(f"<li{hide}><a href=\"{href}\" title=\"{html.escape(title)}\">"
                        f"<span class=\"date\">{d:%Y-%m-%d}</span>{html.escape(short)}</a></li>")
        pager = (f"<div id=\"pager\"></div><script>var pageSize = {self.per_page};"
                 "var countPage = 1;function showPage(p){var li=document.querySelectorAll("
                 "'#list li');for(var i=0;i<li.length;i++){li[i].style.display="
                 "(i>=(p-1)*pageSize&&i<p*pageSize)?'':'none';}}</script>")
        body = f"<ul id=\"list\">{''.join(rows)}</ul>{pager}"
        return Response(body=page("政府信息公开年报", body).encode())

    def detail_html(self, r: SimReport, attach: str = "", base: str = "") -> str:
        text = super().detail_html(r, attach, base)
        text = re.sub(r"<meta name=\"(\w+)\" content=\"([^\"]*)\">",
                      r'<meta content="\2" name="\1">', text)
        return text.replace("发布时间：", "发\u00a0布\u00a0时\u3000间：")

    def detail(self, r: SimReport) -> str:
        if r in self.bundle:
            links = "".join(f"<p><a href=\"{x.attachment}\">{html.escape(x.title)}.pdf</a></p>"
                            for x in reversed(self.bundle))
            head = (f"<meta content=\"{html.escape(self.bundle_title)}\" name=\"ArticleTitle\">"
                    f"<meta content=\"{r.posted} 09:30\" name=\"PubDate\">")
            body = (f"<h1>{html.escape(self.bundle_title)}</h1><div>发\u00a0布\u00a0时\u3000间："
                    f"{r.posted}</div><p>现将本机关{self.bundle[0].year}—{self.bundle[-1].year}"
                    f"年度报告一并公开。</p>{links}")
            return page(self.bundle_title, body, head)
        return super().detail(r)
