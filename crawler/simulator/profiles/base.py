"""The layout every profile starts from: reports placed by the profile, detail pages,
files and the non-report notices beside them."""

from __future__ import annotations

import datetime as dt
import html

from ..portal import Request, Response, SimReport
from .hubs import Discovery
from .markup import CTYPES, page

#: the notices a column lists beside the reports
NOISE = ["关于印发{a}2024年政务公开工作要点的通知", "{a}2023年法治政府建设情况报告",
         "{a}关于调整办公时间的公告"]


def file_ext(r: SimReport) -> str:
    """The extension a report's file is served under: a Word file's own, else pdf."""
    return r.fmt if r.fmt in ("docx", "doc") else "pdf"


class Base(Discovery):
    """Shared layout helpers: report placement, detail pages, files."""

    formats: tuple[str, ...] = ("html", "pdf", "docx", "both", "pdf", "html")

    def build(self) -> None:
        rng = self.rng
        for k, (aid, name) in enumerate(self.agencies):
            top = 2025 - rng.randint(0, 1)
            for n in range(rng.randint(3, 8)):
                year = top - n
                doc_id = self.index * 10000 + k * 100 + n + 1
                fmt = self.formats[(doc_id + self.index) % len(self.formats)]
                posted = dt.date(year + 1, 1, rng.randint(5, 28))
                r = SimReport(aid, name, year, fmt, doc_id, posted, seed=rng.randint(0, 4))
                self.place(r)
                self.reports.append(r)
        a0 = self.agencies[0][1]
        for i, t in enumerate(NOISE[: rng.randint(1, 3)]):
            d = dt.date(2024, 3 + i, 10)
            self.noise.append((t.format(a=a0), self.noise_path(i, d), d))

    def place(self, r: SimReport) -> None:
        raise NotImplementedError

    def noise_path(self, i: int, d: dt.date) -> str:
        return f"/notice/{d:%Y%m}/t{d:%Y%m%d}_{self.index}{i}.html"

    def rows(self) -> list[tuple[str, str, dt.date]]:
        """What the column lists as (title, path, date): the live reports, newest first,
        then the notices."""
        return [(r.title, r.detail, r.posted) for r in self.live()] + self.noise

    def rows_page(self, no: int, size: int) -> tuple[int, list[tuple[str, str, dt.date]]]:
        """How many rows the column has, and its page ``no`` (from 1) of ``size`` rows, as
        a list API answers them."""
        rows = self.rows()
        return len(rows), rows[(no - 1) * size:no * size]

    def front(self, req: Request, column_href: str) -> Response | None:
        """The home page (its way leading to ``column_href``), or what :meth:`common`
        serves; None for the profile's own pages."""
        if req.path in ("/", "/index.html"):
            return self.home(column_href)
        return self.common(req)

    def attached(self, r: SimReport, suffix: str = "") -> str:
        """The 附件 paragraph linking the report's file ("" when it has none)."""
        if not r.attachment:
            return ""
        return (f"<p>附件：<a href=\"{html.escape(r.attachment)}\">{html.escape(r.title)}"
                f"{suffix}</a></p>")

    def detail_html(self, r: SimReport, attach: str = "", base: str = "") -> str:
        made = r.posted - dt.timedelta(days=4)
        head = (f"<meta name=\"SiteName\" content=\"{html.escape(self.agencies[0][1])}\">"
                f"<meta name=\"ArticleTitle\" content=\"{html.escape(r.title)}\">"
                f"<meta name=\"PubDate\" content=\"{r.posted} 10:19\">"
                + (f"<base href=\"{base}\">" if base else ""))
        body = r.file_bytes("html").decode("utf-8") if r.fmt in ("html", "both") else (
            f"<p>{html.escape(r.title)}全文详见附件。</p>")
        meta = (f"<table class=\"xxgk\"><tr><td>索\u3000引\u3000号：</td>"
                f"<td>000014349/{r.year + 1}-{r.doc_id % 100000:05d}</td></tr>"
                f"<tr><td>成文日期：</td><td>{made.year}年{made.month:02d}月{made.day:02d}日</td></tr>"
                f"<tr><td>标\u3000\u3000题：</td><td>{html.escape(r.title)}</td></tr></table>"
                f"<div class=\"info\">发布时间：{r.posted} 10:19:00 来源：{html.escape(r.agency)}</div>")
        return page(r.title, f"{meta}<div class=\"TRS_Editor\">{body}</div>{attach}", head)

    def file_response(self, r: SimReport) -> Response:
        if r.fmt == "huge":
            return Response(body=b"", ctype=CTYPES["huge"], stream_size=80 * 1024 * 1024)
        fmt = "pdf" if r.fmt == "both" else r.fmt
        return Response(body=r.file_bytes(), ctype=CTYPES[fmt])

    def common(self, req: Request) -> Response | None:
        """Hub pages, detail pages and files, wherever the profile put them."""
        got = self.hub(req)
        if got is not None:
            return got
        r = self.report_by_path(req.path)
        if r is not None:
            return Response(body=self.detail(r).encode())
        r = self.file_by_path(req.path)
        if r is not None:
            return self.file_response(r)
        for title, path, d in self.noise:
            if path == req.path:
                return Response(body=page(title, f"<p>{title}</p><p>发布时间：{d}</p>").encode())
        return None

    def detail(self, r: SimReport) -> str:
        return self.detail_html(r)
