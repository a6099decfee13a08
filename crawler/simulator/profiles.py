"""The portal profiles: how each CMS family lays out its 年报 column (``docs/platforms.md``)."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import html
import json
import math
import re
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qs, quote

from .content import report_file, report_title
from .portal import Portal, Request, Response, SimReport, not_found

CTYPES = {"pdf": "application/pdf", "docx":
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          "huge": "application/zip", "doc": "application/msword"}
NOISE = ["关于印发{a}2024年政务公开工作要点的通知", "{a}2023年法治政府建设情况报告",
         "{a}关于调整办公时间的公告"]


def page(title: str, body: str, head: str = "", charset: str = "utf-8") -> str:
    return (f"<!DOCTYPE html><html><head><meta charset=\"{charset}\"><title>{html.escape(title)}"
            f"</title>{head}</head><body>{body}</body></html>")


@dataclass(frozen=True)
class Hub:
    path: str
    title: str
    link: str  # how the page before links it
    tree: bool = False  # links the column only in its 信息公开目录 tree (a script's nodes)


#: the ways from the home page to the 年报 column (docs/platforms.md; issue 11): the hubs after
#: the home page, the last one linking the column
HUB_STYLES: list[list[Hub]] = [
    # 首页 → 政务公开 → 政府信息公开 → 年报
    [Hub("/zwgk/index.html", "政务公开", "<a href=\"./zwgk/\">政务公开</a>"),
     Hub("/zwgk/zfxxgk/index.html", "政府信息公开",
         "<a href=\"/zwgk/zfxxgk/index.html\">政府信息公开</a>")],
    # 首页 → 信息公开 (words in @title only) → 法定主动公开内容 (nested <em>) → 年度报告
    [Hub("/xxgk/index.html", "信息公开",
         "<a href=\"/xxgk/index.html\" title=\"信息公开\"><i class=\"ico\"></i></a>"),
     Hub("/xxgk/fdzdgknr/index.html", "法定主动公开内容",
         "<a href=\"fdzdgknr/index.html\"><em>法定主动</em><em>公开内容</em></a>")],
    # 首页 → 政务公开 (an image: alt only) → 年报
    [Hub("/zwgk/index.html", "政务公开",
         "<a href=\"/zwgk/index.html\"><img src=\"/img/zwgk.png\" alt=\"政务公开\"></a>")],
    # 首页 → 政府信息公开 → 信息公开目录 (an <iframe> of that page), the column only a
    # node of its tree
    [Hub("/zfxxgk/index.html", "政府信息公开",
         "<a href=\"/zfxxgk/index.html\"><em>政府</em><span>信息公开</span></a>"),
     Hub("/gkml/index.html", "信息公开目录", "<iframe src=\"/gkml/index.html\" title=\"政府信息公开"
         "目录\" width=\"100%\" height=\"600\" frameborder=\"0\"></iframe>", tree=True)],
    # 首页 (its menu written by document.write) → 政务公开专栏 → 年报
    [Hub("/zt/zwgkzl/index.html", "政务公开专栏",
         "<a href=\"/zt/zwgkzl/index.html\">政务公开专栏</a>")],
    # a home that only redirects (/ → /index.htm, a <noscript> decoy) → 首页 → 政务公开 → 年报
    [Hub("/zwgk/index.html", "政务公开", "<a href=\"/zwgk/index.html\">政务公开</a>")],
]
SCRIPT_MENU, REDIRECT_HOME = 4, 5
#: how the last hub links the column: by its text, its @title only, an image's alt
COLUMN_LINK = [">{t}", " title=\"{t}\"><span class=\"icon\"></span>",
               "><img src=\"/img/nb.png\" alt=\"{t}\">"]
DECOY_COLUMN = "/zfxxgk/nb_decoy/index.html"


class Base(Portal):
    """Shared layout helpers: home page, report placement, detail pages."""

    column_text = "政府信息公开年报"
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

    #: how deep the column sits and how the way there is labelled (:data:`HUB_STYLES`);
    #: None: by the portal's index, so a farm has every style
    hub_style: int | None = None

    @property
    def style(self) -> int:
        return self.index % len(HUB_STYLES) if self.hub_style is None else self.hub_style

    def home(self, column_href: str, extra: str = "") -> Response:
        """The home page. The 年报 column is 1–3 clicks away behind hubs (:data:`HUB_STYLES`);
        the farm's ``discovery_fail`` breaks the way on purpose: ``redirect_only`` (the home
        redirects to a page that is gone), ``no_link``, ``decoy`` (the 年报 link leads to a
        page that is not the column)."""
        self.column_href = column_href
        self.home_extra = extra
        fail = self.farm.discovery_fail
        if fail == "redirect_only" or self.style == REDIRECT_HOME:
            to = "/portal/index.htm" if fail == "redirect_only" else "/index.htm"
            body = (f"<script type=\"text/javascript\">window.location.href = \"{to}\";</script>"
                    "<noscript><meta http-equiv=\"refresh\" content=\"0;url=/noscript.html\">"
                    "</noscript>")
            return Response(body=page(self.agencies[0][1], body).encode())
        return self.hub_page(None)

    def hub_page(self, hub: Hub | None) -> Response:
        """The home page (``hub`` None) or one hub on this portal's way to the column."""
        chain = HUB_STYLES[self.style]
        fail = self.farm.discovery_fail
        at = -1 if hub is None else chain.index(hub)
        name = self.agencies[0][1]
        if at + 1 < len(chain):
            onward = chain[at + 1].link
        else:  # the last hub links the column
            t = html.escape(self.column_text)
            href = html.escape(DECOY_COLUMN if fail == "decoy" else self.column_href)
            onward = f"<a href=\"{href}\"{COLUMN_LINK[self.index % len(COLUMN_LINK)].format(t=t)}</a>"
            if hub is not None and hub.tree:
                onward = ("<ul id=\"gkml_tree\" class=\"ztree\"></ul><script>var zNodes = ["
                          "{id: 1, pId: 0, name: \"机构职能\", url: \"/gkml/jgzn/\"}, "
                          "{id: 2, pId: 0, name: \"法定主动公开内容\", url: \"\"}, "
                          f"{{id: 3, pId: 2, name: \"{t}\", url: \"{href}\"}}];"
                          "$.fn.zTree.init($(\"#gkml_tree\"), {}, zNodes);</script>")
        if fail == "no_link":
            onward = ""
        menu = (f"<a href=\"/\">首页</a> {onward} <a href=\"/hdjl/\">互动交流</a> "
                "<a href=\"/xwzx/\"><span>新闻</span>中心</a>")
        if hub is None and self.style == SCRIPT_MENU:
            menu = "<script>document.write('" + menu.replace("'", "\\'") + "');</script>"
        crumb = " &gt; ".join(["首页"] + [h.title for h in chain[:at + 1]])
        body = (f"<div class=\"crumb\">当前位置：{crumb}</div><div class=\"nav\">{menu}</div>"
                f"{self.home_extra if hub is None else ''}<p>{html.escape(name)}门户网站</p>")
        return Response(body=page(name if hub is None else f"{hub.title}_{name}", body).encode())

    def hub(self, req: Request) -> Response | None:
        """A page on this portal's way to the column (or the decoy at its end)."""
        if not hasattr(self, "column_href"):
            if getattr(self, "_homing", False):
                return None  # asked from the home page's own route
            self._homing = True
            try:
                self.route(replace(req, path="/"))  # the profile's home names its column
            finally:
                self._homing = False
            if not hasattr(self, "column_href"):
                return None
        fail = self.farm.discovery_fail
        if req.path == DECOY_COLUMN and fail == "decoy":
            return Response(body=page("政务公开", "<div class=\"crumb\">当前位置：首页 &gt; "
                                      "政务公开</div><p>栏目建设中</p>").encode())
        if fail == "redirect_only":
            return None
        if req.path == "/index.htm" and self.style == REDIRECT_HOME:
            return self.hub_page(None)
        path = req.path + "index.html" if req.path.endswith("/") else req.path
        for h in HUB_STYLES[self.style]:
            if h.path == path:
                return self.hub_page(h)
        return None

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
            ext = r.fmt if r.fmt in ("docx", "doc") else "pdf"
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
        rows = []
        for title, href, d in items[k * self.per_page:(k + 1) * self.per_page]:
            short = title if len(title) < 24 else title[:22] + "…"
            rows.append(f"<li><span>{d}</span><a href=\"{href}\" title=\"{html.escape(title)}\" "
                        f"target=\"_blank\">{html.escape(short)}</a></li>")
        body = f"<ul class=\"slnewsconlist\">{''.join(rows)}</ul>{self.pager(k, count)}"
        return Response(body=page("政府信息公开年报", body).encode())

    def route(self, req: Request) -> Response:
        if req.path in ("/", "/index.html"):
            return self.home(self.column + self.list_name(0))
        got = self.common(req)
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


EMPTY_DATASTORE = b'<?xml version="1.0" encoding="UTF-8"?><datastore/>\r\n\r\n'


class Hanweb(Base):
    """大汉 jcms: embedded datastore (first group) + dataproxy.jsp paging, downfile.jsp."""

    profile = "hanweb_jpage"
    per_page = 2
    formats = ("pdf", "html", "pdf", "both")

    @property
    def col(self) -> int:
        return 80000 + self.index

    @property
    def unit(self) -> int:
        return 400000 + self.index

    def place(self, r: SimReport) -> None:
        p = r.posted
        r.detail = f"/art/{p.year}/{p.month}/{p.day}/art_{self.col}_{r.doc_id}.html"
        if r.has_file:
            hexname = hashlib.md5(f"{self.index}-{r.doc_id}".encode()).hexdigest()
            r.file_path = f"/attach/0/{hexname}.pdf"
            r.attachment = (f"/module/download/downfile.jsp?classid=0&filename={hexname}.pdf"
                            f"&showname={quote(r.title)}.pdf")

    def noise_path(self, i: int, d: dt.date) -> str:
        return f"/art/{d.year}/{d.month}/{d.day}/art_{80000 + self.index}_{i + 1}.html"

    def move_files(self, folder: str) -> None:
        """The attachment store is reorganised: downfile.jsp links stay, targets move."""
        with self.lock:
            for r in self.reports:
                if r.file_path:
                    r.file_path = f"/attach/{folder}/{r.file_path.rsplit('/', 1)[1]}"

    def records(self) -> list[str]:
        out = []
        rows = [(r.title, r.detail, r.posted) for r in self.live()] + self.noise
        for title, href, d in rows:
            out.append(f"<li><a target=\"_blank\" href=\"{href}\" title=\"{html.escape(title)}\">"
                       f"{html.escape(title)}</a><b readlabel=\"{d}\">{d}</b></li>")
        return out

    def datastore(self, recs: list[str], total: int, with_next: bool = False) -> str:
        token = hashlib.md5(f"{self.col}-{self.unit}".encode()).hexdigest()  # "encrypted"
        nxt = (f"<nextgroup><![CDATA[<a href=\"./dataproxy.jsp?page=1&appid=1&webid=3&path=/"
               f"&p={token}&webname=门户网站\"></a>]]></nextgroup>" if with_next else "")
        return (f"<datastore>{nxt}<totalrecord>{total}</totalrecord><totalpage>"
                f"{math.ceil(total / 15)}</totalpage><recordset>"
                + "".join(f"<record><![CDATA[{x}]]></record>" for x in recs)
                + "</recordset></datastore>")

    def route(self, req: Request) -> Response:
        col_path = f"/col/col{self.col}/index.html"
        if req.path in ("/", "/index.html"):
            return self.home(f"{col_path}?uid={self.unit}&pageNum=1")
        got = self.common(req)
        if got is not None:
            return got
        recs = self.records()
        if req.path == col_path:
            first = recs[: self.per_page * 3]
            body = (f"<div id=\"{self.unit}\"><script type=\"text/xml\">"
                    f"{self.datastore(first, len(recs), True)}</script></div>"
                    f"<script language=\"javascript\" src=\"/module/jslib/jquery/jpage/"
                    f"jquery.page.min.js\"></script><script>$(document).ready(function(){{"
                    f"$('#{self.unit}').jpage({{dataStore:dataStore,openCookies:false,"
                    f"dataBefore:'<ul>',dataAfter:'</ul>',totalRecord:{len(recs)},"
                    f"perPage:{self.per_page},groupSize:3,barPosition:'bottom',"
                    f"proxyUrl:'/module/web/jpage/dataproxy.jsp',webid:'3',unitid:'{self.unit}',"
                    f"columnid:'{self.col}'}});}});</script>")
            return Response(body=page("政府信息公开年报", body).encode())
        if req.path == "/module/web/jpage/dataproxy.jsp":
            form = {k: v[0] for k, v in parse_qs(req.body.decode("utf-8", "replace")).items()}
            q = {**form, **req.query}
            ok = (req.headers.get("x-requested-with") == "XMLHttpRequest"
                  and req.headers.get("referer") and q.get("columnid") == str(self.col))
            if "p" in q or getattr(self, "proxy_broken", False):
                # the encrypted nextgroup call, or a proxy gone wrong: the 54-byte nothing
                return Response(body=EMPTY_DATASTORE, ctype="text/xml", static=False)
            if not ok:
                return Response(body=b"<datastore></datastore>", ctype="text/xml", static=False)
            start = max(1, int(q.get("startrecord", 1)))
            end = min(len(recs), int(q.get("endrecord", start)))
            body = self.datastore(recs[start - 1:end], len(recs))
            return Response(body=body.encode(), ctype="text/xml; charset=utf-8", static=False)
        if req.path == "/module/download/downfile.jsp":
            name = req.query.get("filename", "")
            r = next((x for x in self.live() if name and (x.file_path or "").endswith("/" + name)),
                     None)
            if r is None:
                return not_found()
            return Response(302, headers={"Location": r.file_path or "/"}, static=False)
        return not_found()

    def detail(self, r: SimReport) -> str:
        attach = (f"<p>附件：<a href=\"{html.escape(r.attachment)}\">{html.escape(r.title)}.pdf</a>"
                  "</p>" if r.attachment else "")
        inner = self.detail_html(r, attach)
        inner = inner.replace("<div class=\"TRS_Editor\">",
                              "<div id=\"zoom\"><!--ZJEG_RSS.content.begin-->")
        return inner.replace("<meta name=\"SiteName\"",
                             f"<meta content=\"{r.doc_id}\" name=\"i_articleid\"><meta name=\"SiteName\"")


class JsonApi(Base):
    """Client-rendered jcms: ``loadPageData`` + JSON ``POST queryList``, ``<base href>``."""

    profile = "json_api"
    per_page = 3
    column_text = "信息公开年报"
    formats = ("html", "docx", "html", "pdf", "doc")

    def place(self, r: SimReport) -> None:
        h = hashlib.md5(f"j{self.index}-{r.doc_id}".encode()).hexdigest()[:20]
        r.detail = f"/jcms/art/{r.posted.year}/art_{h}.html"
        if r.has_file:
            ext = r.fmt if r.fmt in ("docx", "doc") else "pdf"
            r.attachment = f"files/{h}.{ext}"
            r.file_path = f"/jcms/files/{h}.{ext}"

    def route(self, req: Request) -> Response:
        if req.path in ("/", "/index.html"):
            return self.home("/jcms/nb/index.html")
        got = self.common(req)
        if got is not None:
            return got
        if req.path == "/jcms/nb/index.html":
            body = (f"<div id=\"list\"></div><script>function loadPageData(p,id){{"
                    f"$.ajax({{url:'queryList',type:'POST',data:JSON.stringify(p)}});}}"
                    f"loadPageData({{\"columnId\":\"{3800 + self.index}\",\"pageSize\":"
                    f"{self.per_page}}},'{3800 + self.index}');</script>")
            return Response(body=page("年度报告", body, "<base href=\"/jcms/\">").encode())
        if req.path == "/jcms/queryList" and req.method == "POST":
            try:
                p = json.loads(req.body or b"{}")
            except ValueError:
                return Response(400, b'{"code":400}', "application/json", static=False)
            size, no = int(p.get("pageSize", 10)), int(p.get("pageNo", 1))
            rows = [(r.title, r.detail, r.posted) for r in self.live()] + self.noise
            chunk = rows[(no - 1) * size: no * size]
            results = [{"source": {"title": t, "pubDate": f"{d} 09:30:00",
                                   "urls": json.dumps({"pc": u})}} for t, u, d in chunk]
            out = {"code": 200, "data": {"total": len(rows), "results": results}}
            return Response(body=json.dumps(out, ensure_ascii=False).encode(),
                            ctype="application/json;charset=UTF-8", static=False)
        return not_found()

    def detail(self, r: SimReport) -> str:
        attach = (f"<div class=\"fjdown\"><a href=\"{r.attachment}\">{html.escape(r.title)}</a>"
                  "</div>" if r.attachment else "")
        return self.detail_html(r, attach, base="/jcms/")


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


PROFILES: dict[str, type[Base]] = {
    "trs_classic": TrsClassic, "trs_1based": TrsOneBased, "hanweb_jpage": Hanweb,
    "json_api": JsonApi, "hostile": Hostile, "challenge": Challenge, "closed": Closed,
}


# ---------------------------------------------------------------- hard cases (docs/platforms.md)


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


class EmbeddedPdf(TrsClassic):
    """The PDF shown in the page: pdf.js ``viewer.html?file=``, ``<embed>``, ``<iframe>``."""

    profile = "embedded_pdf"
    formats = ("pdf", "both", "html")
    VIEWER = "/pdfjs/web/viewer.html"

    def place(self, r: SimReport) -> None:
        super().place(r)
        if r.file_path:
            r.file_path = r.file_path[:-4] + ".pdf"  # no ".PDF" here: the viewer is the case
            r.attachment = r.attachment[:-4] + ".pdf" if r.attachment else None
            self.styles = getattr(self, "styles", {})
            self.styles[r.doc_id] = len(self.styles) % 3  # each way, in turn

    def attach_html(self, r: SimReport) -> str:
        if not r.attachment or not r.file_path:
            return ""
        style = self.styles[r.doc_id]
        viewer = f"{self.VIEWER}?file={quote(r.file_path, safe='')}"
        if style == 0:
            return f"<iframe src=\"{viewer}\" width=\"100%\" height=\"900\"></iframe>"
        if style == 1:
            return (f"<embed src=\"{r.attachment}\" type=\"application/pdf\" width=\"100%\" "
                    "height=\"900\">")
        return (f"<p><a href=\"{viewer}\" target=\"_blank\">在线阅读</a></p>"
                f"<iframe src=\"{r.attachment}#toolbar=0\" width=\"100%\"></iframe>")

    def route(self, req: Request) -> Response:
        if req.path == self.VIEWER:
            return Response(body=page("PDF.js viewer", "<div id=\"viewerContainer\"></div>"
                                      "<script src=\"viewer.js\"></script>").encode())
        return super().route(req)


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


PROFILES.update({
    "robots_404": RobotsMissing, "robots_403": RobotsForbidden, "ua_gate": BrowserOnly,
    "embedded_pdf": EmbeddedPdf, "dual_url": DualUrl, "js_redirect": ScriptRedirect,
})


class JsonpApi(Base):
    """Client-rendered list over JSONP: ``$.ajax({url:…, dataType:"jsonp"})`` answered by
    ``showList({...})`` (application/javascript), paged by ``pageno``."""

    profile = "jsonp_api"
    per_page = 3
    column_text = "政府信息公开年报"
    formats = ("html", "docx", "html")

    @property
    def channel(self) -> int:
        return 5100 + self.index

    def place(self, r: SimReport) -> None:
        r.detail = f"/content/{r.posted:%Y%m}/{r.doc_id}.html"
        if r.has_file:
            ext = r.fmt if r.fmt in ("docx", "doc") else "pdf"
            r.file_path = f"/uploadfiles/{r.posted:%Y%m}/{r.doc_id}.{ext}"
            r.attachment = r.file_path

    def route(self, req: Request) -> Response:
        if req.path in ("/", "/index.html"):
            return self.home("/zwgk/nb/index.html")
        got = self.common(req)
        if got is not None:
            return got
        if req.path == "/zwgk/nb/index.html":
            body = (f"<ul id=\"list\"></ul><div id=\"pager\"></div><script>function load(n){{"
                    f"$.ajax({{url: \"/interface/list.jsp?channelid={self.channel}&pagesize="
                    f"{self.per_page}&pageno=1\", dataType: \"jsonp\", jsonpCallback: "
                    f"\"showList\"}});}} load(1);</script>")
            return Response(body=page("政府信息公开年报", body).encode())
        if req.path == "/interface/list.jsp":
            if req.query.get("channelid") != str(self.channel):
                return Response(body=b"showList({\"total\":0,\"list\":[]})",
                                ctype="application/javascript", static=False)
            cb = req.query.get("callback") or "showList"
            size, no = int(req.query.get("pagesize", 10)), int(req.query.get("pageno", 1))
            rows = [(r.title, r.detail, r.posted) for r in self.live()] + self.noise
            chunk = rows[(no - 1) * size: no * size]
            out = {"total": len(rows), "pageno": no, "list": [
                {"title": t, "url": u, "time": f"{d:%Y-%m-%d}"} for t, u, d in chunk]}
            body = f"{cb}({json.dumps(out, ensure_ascii=False)});"
            return Response(body=body.encode(), ctype="application/javascript;charset=utf-8",
                            static=False)
        return not_found()

    def detail(self, r: SimReport) -> str:
        attach = (f"<p>附件：<a href=\"{r.attachment}\">{html.escape(r.title)}</a></p>"
                  if r.attachment else "")
        return self.detail_html(r, attach)


PROFILES["jsonp_api"] = JsonpApi


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


PROFILES["challenge_js"] = ExpiringChallenge


class DecoyGzip(TrsClassic):
    """Everything gzip-encoded though no ``Accept-Encoding`` was sent; list rows carrying a
    索引号 ``2026-02-00018`` beside a ``2026年08月30日`` date, detail pages with no 发布时间;
    ``.xls/.zip/.rar/.ofd`` decoys labelled like the report beside the real file."""

    profile = "decoy_gzip"
    formats = ("pdf", "html", "docx", "both")
    DECOYS = (("xls", "统计表", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1decoy-xls"),
              ("zip", "（打包下载）", b"PK\x03\x04decoy-zip"),
              ("rar", "（压缩包）", b"Rar!\x1a\x07\x00decoy-rar"),
              ("ofd", "（版式文件）", b"PK\x03\x04decoy-ofd"))

    def decoy_paths(self, r: SimReport) -> list[tuple[str, str, bytes]]:
        stem = r.detail[: -len(".html")]
        return [(f"{stem}_{n}.{ext}", label, data) for n, (ext, label, data)
                in enumerate(self.DECOYS)]

    def detail(self, r: SimReport) -> str:
        made = r.posted - dt.timedelta(days=4)
        decoys = "".join(f"<p><a href=\"{p.rsplit('/', 1)[1]}\">附件{n + 1}：{html.escape(r.title)}"
                         f"{label}</a></p>" for n, (p, label, _) in enumerate(self.decoy_paths(r)))
        body = r.file_bytes("html").decode("utf-8") if r.fmt in ("html", "both") else (
            f"<p>{html.escape(r.title)}全文详见附件。</p>")
        meta = (f"<div class=\"xxgk\">索引号：{made:%Y-%m}-{r.doc_id % 100000:05d} "
                f"成文日期：{made.year}年{made.month:02d}月{made.day:02d}日</div>")
        return page(r.title, f"{meta}<div class=\"TRS_Editor\">{body}</div>{decoys}"
                             f"{self.attach_html(r)}")

    def list_page(self, dir_: str, k: int, year: int | None) -> Response:
        items = self.items(dir_, year)
        count = max(1, math.ceil(len(items) / self.per_page))
        if k >= count:
            return not_found()
        rows = []
        for n, (title, href, d) in enumerate(items[k * self.per_page:(k + 1) * self.per_page]):
            made = d - dt.timedelta(days=4)
            rows.append(f"<tr><td>{made:%Y-%m}-{k * 10 + n:05d}</td><td><a href=\"{href}\">"
                        f"{html.escape(title)}</a></td><td>{d.year}年{d.month:02d}月{d.day:02d}日"
                        f"</td></tr>")
        body = f"<table class=\"list\">{''.join(rows)}</table>{self.pager(k, count)}"
        return Response(body=page("政府信息公开年报", body).encode())

    def route(self, req: Request) -> Response:
        for r in self.live():
            for p, _, data in self.decoy_paths(r):
                if p == req.path:
                    return self.gzip(Response(body=data, ctype="application/octet-stream"))
        return self.gzip(super().route(req))

    @staticmethod
    def gzip(resp: Response) -> Response:
        if resp.status != 200 or not resp.body or resp.stream_size:
            return resp
        return replace(resp, body=gzip.compress(resp.body, mtime=0),
                       headers={**resp.headers, "Content-Encoding": "gzip"})


PROFILES["decoy_gzip"] = DecoyGzip


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


PROFILES["towns_dead"] = TownsDeadLink


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


PROFILES["moved_301"] = MovedColumn


class _ScanReport(SimReport):
    """A report of the ``scan_wps`` portal: its own formats, and a 图片版 beside some."""

    @property
    def has_file(self) -> bool:
        return self.fmt in ("scan", "scan_both", "wps")

    def file_bytes(self, fmt: str | None = None) -> bytes:
        fmt = fmt or {"scan_both": "pdf", "scan_html": "scan"}.get(self.fmt, self.fmt)
        return super().file_bytes(fmt)


class ScanWps(TrsClassic):
    """One agency's reports as they come when nobody made them machine-readable: a .wps
    only (WPS 文字, served as ``application/kswps``); an image-only PDF only, labelled like
    any attachment; a 文字版 PDF beside its 图片版 (the 图片版 linked first); the report
    inline on the page with a stamped 图片版 attached. The image-only one is posted late."""

    profile = "scan_wps"
    KINDS = {2021: "wps", 2022: "scan", 2023: "scan_both", 2024: "scan_html"}
    dead_images = False

    def __init__(self, farm: Any, index: int, ip: str, agencies: list[tuple[str, str]],
                 *a: Any, **kw: Any) -> None:
        super().__init__(farm, index, ip, [(agencies[0][0], "自治区信访局")], *a, **kw)

    def build(self) -> None:
        aid, name = self.agencies[0]
        for year, fmt in self.KINDS.items():
            day = 10 if fmt == "scan" else 20  # the image-only one is posted after 31 Jan
            posted = dt.date(year + 1, 2 if fmt == "scan" else 1, day)
            r = _ScanReport(aid, name, year, fmt, self.index * 10000 + year, posted, seed=1)
            self.place(r)
            self.reports.append(r)

    def place(self, r: SimReport) -> None:
        super().place(r)
        stem = r.detail.rsplit("/", 1)[0] + f"/P020{r.doc_id:09d}"
        r.file_path = f"{stem}.{'wps' if r.fmt == 'wps' else 'pdf'}" if r.has_file else None
        r.attachment = "./" + r.file_path.rsplit("/", 1)[1] if r.file_path else None

    def image_path(self, r: SimReport) -> str | None:
        return r.detail.replace(".html", "_tp.pdf") if r.fmt in ("scan_both", "scan_html") \
            else None

    def detail(self, r: SimReport) -> str:
        t = html.escape(r.title)
        img = self.image_path(r)
        img_a = f"<p><a href=\"./{img.rsplit('/', 1)[1]}\">{t}（盖章图片版）</a></p>" if img else ""
        if r.fmt == "scan_html":
            return self.detail_html(replace(r, fmt="html"), img_a)
        if r.fmt == "scan_both":
            return self.detail_html(r, img_a + f"<p><a href=\"{r.attachment}\">{t}（文字版）</a></p>")
        return self.detail_html(r, f"<p class=\"insertfileTag\"><a href=\"{r.attachment}\">"
                                   f"附件：{t}.{r.attachment.rsplit('.', 1)[1]}</a></p>"
                                if r.attachment else "")

    def file_response(self, r: SimReport) -> Response:
        if r.fmt == "wps":
            return Response(body=r.file_bytes(), ctype="application/kswps")
        return Response(body=r.file_bytes(), ctype=CTYPES["pdf"])

    def route(self, req: Request) -> Response:
        for r in self.live():
            image = req.path == self.image_path(r) or (r.fmt == "scan" and req.path == r.file_path)
            if image and self.dead_images:  # the 图片版 links stay, the files are gone
                return not_found()
            if self.image_path(r) == req.path:
                return Response(body=r.file_bytes("scan"), ctype=CTYPES["pdf"])
        return super().route(req)


PROFILES["scan_wps"] = ScanWps


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


PROFILES["odd_markup"] = OddMarkup


class Gkmlpt(Base):
    """Guangdong's 政府信息公开目录管理平台 (``docs/platforms.md``): ``/gkmlpt/index`` carries
    ``window._CONFIG = {SID: '…', TREE: [categories]}``; lists come from
    ``GET /gkmlpt/api/all/{cat}?page=N&sid=…`` as ``{classify: {post_count}, articles}``;
    a detail page is an empty shell whose report (HTML and attachments) sits in
    ``_CONFIG.DETAIL`` as JSON. The home page's 年报 link is ``/gkmlpt/index#{cat}``."""

    profile = "gkmlpt"
    per_page = 3
    formats = ("html", "pdf", "html", "docx")

    @property
    def sid(self) -> str:
        return str(700 + self.index)

    @property
    def cat(self) -> int:
        return 2154 + self.index

    def place(self, r: SimReport) -> None:
        r.detail = f"/gkmlpt/content/{r.doc_id % 7}/{self.cat}/post_{r.doc_id}.html"
        if r.has_file:
            ext = "docx" if r.fmt == "docx" else "pdf"
            r.file_path = f"/attachment/0/{r.doc_id % 97}/{r.doc_id}/{r.doc_id * 7 + 3}.{ext}"
            r.attachment = r.file_path

    def noise_path(self, i: int, d: dt.date) -> str:
        return f"/gkmlpt/content/9/{self.cat}/post_{9000 + i}.html"

    def tree(self) -> list[dict[str, Any]]:
        n = len(self.live()) + len(self.noise)
        return [{"id": self.cat - 4, "name": "机构职能", "post_count": 3, "children": []},
                {"id": self.cat - 3, "name": "政策文件", "post_count": 40, "children": [
                    {"id": self.cat - 2, "name": "规范性文件", "post_count": 25, "children": []}]},
                {"id": self.cat, "name": "政府信息公开年报", "post_count": n, "children": []},
                {"id": self.cat + 1, "name": "网上办事", "jump_url": "http://example.gov.cn/bs"}]

    def config(self, extra: str = "") -> str:
        return (f"<div id=\"app\"></div><script>window._CONFIG = {{SID: '{self.sid}', "
                f"{extra}SERVICE_AREA_ID: 0}};</script><script src=\"/gkmlpt/static/app.js\">"
                "</script>")

    def route(self, req: Request) -> Response:
        if req.path in ("/", "/index.html"):
            return self.home(f"/gkmlpt/index#{self.cat}")
        if req.path == "/gkmlpt/index":
            tree = json.dumps(self.tree(), ensure_ascii=False)
            return Response(body=page("政府信息公开", self.config(f"TREE: {tree}, ")).encode())
        m = re.fullmatch(r"/gkmlpt/api/all/(\d+)", req.path)
        if m:
            if req.query.get("sid") != self.sid or int(m.group(1)) != self.cat:
                return Response(body=b'{"classify":null,"articles":[]}', ctype="application/json",
                                static=False)
            p = max(1, int(req.query.get("page", "1") or 1))
            rows = [(r.title, r.detail, r.posted) for r in self.live()] + self.noise
            chunk = rows[(p - 1) * self.per_page:p * self.per_page]
            arts = [{"id": int(re.sub(r"\D", "", path.rsplit("_", 1)[1]) or 0), "title": t,
                     "url": self.url(path), "created_at": f"{d} 09:00:00",
                     "display_publish_time": int(dt.datetime(d.year, d.month, d.day).timestamp()),
                     "classify_main_name": "政府信息公开年报"} for t, path, d in chunk]
            body = {"classify": {"id": self.cat, "name": "政府信息公开年报",
                                 "post_count": len(rows)}, "articles": arts}
            return Response(body=json.dumps(body, ensure_ascii=False).encode(),
                            ctype="application/json; charset=utf-8")
        got = self.common(req)
        return got if got is not None else not_found()

    def detail(self, r: SimReport) -> str:
        content = r.file_bytes("html").decode("utf-8") if r.fmt in ("html", "both") else \
            f"<p>{html.escape(r.title)}全文见附件。</p>"
        atts = [{"name": f"{r.title}.{r.file_path.rsplit('.', 1)[1]}", "url": self.url(r.file_path)}
                ] if r.file_path else []
        det = {"id": r.doc_id, "title": r.title, "content": content, "attachment": atts,
               "publish_time": f"{r.posted} 10:19:00", "source": r.agency}
        js = json.dumps(det).replace("<", "\\u003C").replace(">", "\\u003E").replace(
            "&", "\\u0026")  # as the platform writes it: no markup inside the script
        return page(r.title, self.config(f"DETAIL: {js}, "))


PROFILES["gkmlpt"] = Gkmlpt


class DeptPortal(Base):
    """A department site with no 年报 column of its own: its home page links the city's
    信息公开 platform on another host (the farm's first ``gkmlpt`` portal)."""

    profile = "dept_portal"

    def build(self) -> None:
        pass  # its reports live on the platform

    def route(self, req: Request) -> Response:
        if req.path in ("/", "/index.html"):
            hub = next(p for p in self.farm.portals if p.profile == "gkmlpt")
            return self.home(hub.url(f"/gkmlpt/index#{hub.cat}"))  # type: ignore[attr-defined]
        got = self.common(req)
        return got if got is not None else not_found()


PROFILES["dept_portal"] = DeptPortal


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


PROFILES["pager_config"] = PagerConfig


class UnknownJson(Base):
    """A column rendered in the browser from a list API no adapter is written for: the
    page's script completes ``/open/api/article/list?channelId=…&size=…&page=`` with the
    page number (on odd-indexed portals it POSTs that form with ``$.ajax``) and draws
    ``{code, data: {total, records: [{title, url, created_at}]}}``."""

    profile = "json_unknown"
    per_page = 3

    @property
    def posts(self) -> bool:
        """Odd-indexed portals' scripts POST their form (``$.ajax({type: 'POST', data})``)."""
        return self.index % 2 == 1
    column_text = "政府信息公开年报"
    formats = ("html", "pdf", "html", "docx")

    @property
    def channel(self) -> int:
        return 6200 + self.index

    def place(self, r: SimReport) -> None:
        r.detail = f"/open/article/{r.posted:%Y}/{r.doc_id:x}.html"
        if r.has_file:
            ext = r.fmt if r.fmt in ("docx", "doc") else "pdf"
            r.file_path = f"/open/files/{r.doc_id:x}.{ext}"
            r.attachment = r.file_path

    def noise_path(self, i: int, d: dt.date) -> str:
        return f"/open/article/{d:%Y}/n{i}.html"

    def route(self, req: Request) -> Response:
        if req.path in ("/", "/index.html"):
            return self.home("/open/channel/nb.html")
        got = self.common(req)
        if got is not None:
            return got
        if req.path == "/open/channel/nb.html":
            call = (f"fetch('/open/api/article/list?channelId={self.channel}&size={self.per_page}"
                    "&page=' + p).then(function(r){return r.json();}).then(draw);"
                    if not self.posts else
                    "$.ajax({url: '/open/api/article/list', type: 'POST', dataType: 'json', "
                    f"data: {{channelId: '{self.channel}', size: {self.per_page}, page: p}}, "
                    "success: draw});")
            body = ("<div class=\"crumb\">当前位置：首页 &gt; 政府信息公开年报</div><ul id=\"list\"></ul>"
                    "<script src=\"/open/static/vue.min.js\"></script><script>"
                    f"var theme = '/open/static/theme.css';function load(p){{{call}}}load(1);"
                    "</script>")
            return Response(body=page("政府信息公开年报", body).encode())
        if req.path == "/open/api/article/list":
            if self.posts:  # the form, as jQuery posts it; a GET gets nothing
                req = replace(req, query={k: v[0] for k, v in parse_qs(
                    req.body.decode("utf-8", "replace")).items()} if req.method == "POST" else {})
            if req.query.get("channelId") != str(self.channel):
                return Response(body=b'{"code":404,"data":null}', ctype="application/json",
                                static=False)
            size, no = int(req.query.get("size") or 10), int(req.query.get("page") or 1)
            rows = [(r.title, r.detail, r.posted) for r in self.live()] + self.noise
            recs = [{"id": n, "title": t, "url": u, "created_at": f"{d} 09:00:00",
                     "source": self.agencies[0][1]}
                    for n, (t, u, d) in enumerate(rows[(no - 1) * size:no * size])]
            out = {"code": 0, "data": {"total": len(rows), "page": no, "size": size,
                                       "records": recs}}
            return Response(body=json.dumps(out, ensure_ascii=False).encode(),
                            ctype="application/json;charset=UTF-8", static=False)
        return not_found()

    def detail(self, r: SimReport) -> str:
        attach = (f"<p>附件：<a href=\"{r.attachment}\">{html.escape(r.title)}</a></p>"
                  if r.attachment else "")
        return self.detail_html(r, attach)


PROFILES["json_unknown"] = UnknownJson
