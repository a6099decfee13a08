"""TRS WCM columns (``docs/platforms.md``): static list pages ``index.html``,
``index_1.html`` … and the newer ``listModel`` pager configuration."""

from __future__ import annotations

import datetime as dt
import html
import math
from typing import Any

from ..portal import Request, Response, SimReport, not_found
from .base import Base, file_ext
from .markup import page


class TrsClassic(Base):
    """TRS WCM: ``index.html``, ``index_1.html`` … (0-based), createPageHTML + countPage."""

    profile = "trs_classic"
    column = "/zfxxgk/zfxxgknb/"
    first, ext, one_based = "index", "html", False
    per_page = 3

    def __init__(self, *a: Any, year_columns: bool = False, **kw: Any) -> None:
        self.year_columns = year_columns
        super().__init__(*a, **kw)

    def move_column(self, column: str) -> None:
        """The site is reorganised: the list moves, report pages stay where they were."""
        with self.lock:
            self.column = column

    def dir_for(self, r: SimReport) -> str:
        return f"{self.column}{r.year}/" if self.year_columns else self.column

    def place(self, r: SimReport) -> None:
        d = r.posted - dt.timedelta(days=3)
        sub = f"{d:%Y%m}/"
        r.detail = f"{self.dir_for(r)}{sub}t{d:%Y%m%d}_{r.doc_id}.html"
        if r.has_file:
            ext = file_ext(r)
            name = f"P020{d:%Y%m%d}{r.doc_id:09d}"
            ext = ext.upper() if r.doc_id % 3 == 2 else ext  # some portals serve ".PDF"
            r.file_path = f"{self.dir_for(r)}{sub}{name}.{ext}"
            r.attachment = f"./{name}.{ext}"

    def attach_html(self, r: SimReport) -> str:
        if not r.attachment:
            return ""
        style = r.doc_id % 3
        if style == 0:
            return (f"<p class=\"insertfileTag\"><a appendix=\"true\" href=\"{r.attachment}\" "
                    f"OLDSRC=\"/protect/P0/{r.attachment[2:]}\">附件：{html.escape(r.title)}</a></p>")
        if style == 1:
            return (f"<script>var rel_appendix = '<a href=\"{r.attachment}\">下载文字版</a>';"
                    "document.write(rel_appendix);</script>")
        return f"<a href=\"{r.attachment}\" download=\"nb.pdf\">{html.escape(r.title)}</a>"

    def detail(self, r: SimReport) -> str:
        return self.detail_html(r, self.attach_html(r))

    def list_name(self, k: int) -> str:
        """File name of list page k (0-based page number)."""
        if k == 0:
            return f"{self.first}.{self.ext}"
        return f"{self.first}_{k + 1 if self.one_based else k}.{self.ext}"

    def pager(self, k: int, count: int) -> str:
        return (f"<script>//createPageHTML({count + 3}, {k}, \"{self.first}\", \"{self.ext}\");\n"
                f"var currentPage = {k};//所在页从0开始\nvar countPage = {count};//共多少页\n"
                f"</script>")

    def items(self, dir_: str, year: int | None) -> list[tuple[str, str, dt.date]]:
        out = []
        for r in self.live():
            if self.year_columns and r.year != year:
                continue
            href = "./" + r.detail[len(dir_):] if r.detail.startswith(dir_) else r.detail
            out.append((r.title, href, r.posted))
        if not self.year_columns or year == max(r.year for r in self.reports):
            out += [(t, p, d) for t, p, d in self.noise]
        return out

    def list_page(self, dir_: str, k: int, year: int | None) -> Response:
        items = self.items(dir_, year)
        count = max(1, math.ceil(len(items) / self.per_page))
        if k >= count:
            return not_found()
        if k and getattr(self, "stubbed", False):  # a CMS hiccup: 200, a 300-byte nothing
            return Response(body=b"<html><body></body></html>" + b" " * 274, static=False)
        body = self.list_rows(items[k * self.per_page:(k + 1) * self.per_page], k)
        return Response(body=page("政府信息公开年报", body + self.pager(k, count)).encode())

    def list_rows(self, items: list[tuple[str, str, dt.date]], k: int) -> str:
        """The rows of list page k (0-based)."""
        rows = []
        for title, href, d in items:
            short = title if len(title) < 24 else title[:22] + "…"
            rows.append(f"<li><span>{d}</span><a href=\"{href}\" title=\"{html.escape(title)}\" "
                        f"target=\"_blank\">{html.escape(short)}</a></li>")
        return f"<ul class=\"slnewsconlist\">{''.join(rows)}</ul>"

    def route(self, req: Request) -> Response:
        got = self.front(req, self.column + self.list_name(0))
        if got is not None:
            return got
        if not req.path.startswith(self.column):
            return not_found()
        rest = req.path[len(self.column):]
        if self.year_columns:
            if rest in ("", "index.html"):
                years = sorted({r.year for r in self.reports}, reverse=True)
                links = "".join(f"<li><a href=\"./{y}/index.html\">{y}</a></li>" for y in years)
                return Response(body=page("政府信息公开年报",
                                          f"<ul id=\"nb_list\">{links}</ul>").encode())
            year_s, _, rest = rest.partition("/")
            if not year_s.isdigit():
                return not_found()
            dir_, year = f"{self.column}{year_s}/", int(year_s)
        else:
            dir_, year = self.column, None
        for k in range(0, 100):
            if rest == self.list_name(k) or (k == 0 and rest == ""):
                return self.list_page(dir_, k, year)
        return not_found()


class TrsOneBased(TrsClassic):
    """TRS variant: ``zwgklist.shtml``, ``zwgklist_2.shtml`` (1-based), 6-arg call in a comment."""

    profile = "trs_1based"
    column = "/xxgk/xxgknb/"
    first, ext, one_based = "zwgklist", "shtml", True
    column_text = "年度报告"
    per_page = 4

    def pager(self, k: int, count: int) -> str:
        return (f"<div id=\"page_div\"></div><!-- <script>createPageHTML('page_div',{count}, "
                f"{k + 1},'{self.first}','{self.ext}',{count * self.per_page});</script> -->")


class PagerConfig(TrsClassic):
    """TRS's newer list model: no ``createPageHTML``; a configuration object in a script
    (``listModel({quickMode: "动静结合", maxStaticIndex, pagebar: {prepage, recordCount,
    pgCountMode}})``) as on real 信息公开 columns. On even-indexed portals it gives the
    record count (every page static up to ``maxStaticIndex``); on odd ones only the page
    size, so a crawler must try ``index_N`` until a page lists nothing (deep pages answer
    a 200 stub)."""

    profile = "pager_config"
    column = "/zfxxgk/fdzdgknr/nb/"
    column_text = "政府信息公开年报"
    per_page = 2

    @property
    def counted(self) -> bool:
        return self.index % 2 == 0

    def pager(self, k: int, count: int) -> str:
        n = len(self.items(self.column, None))
        book = f"recordCount:'{n}',pgCountMode:\"recordCount\"," if self.counted else ""
        static = f"maxStaticIndex:{count - 1}," if self.counted else ""
        return (f"<div class=\"pagebar\" id=\"pagebar\"></div><script>require(['list2.trsapi']);"
                f"listModel({{quickMode:\"动静结合\",{static}pagebar:{{{book}prepage:"
                f"{self.per_page},pagebarId:\"pagebar\"}},currPage:{k}}});</script>")

    def list_page(self, dir_: str, k: int, year: int | None) -> Response:
        count = max(1, math.ceil(len(self.items(dir_, year)) / self.per_page))
        if k >= count and not self.counted:  # deep pages: a CMS's empty 200
            return Response(body=page("政府信息公开年报", "<ul class=\"list\"></ul>").encode(),
                            static=False)
        return super().list_page(dir_, k, year)
