"""大汉 (Hanweb) jcms columns (``docs/platforms.md``): an embedded datastore, jpage
paging through ``dataproxy.jsp``, attachments behind ``downfile.jsp``."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import math
from urllib.parse import parse_qs, quote

from ..portal import Request, Response, SimReport, not_found
from .base import Base
from .markup import page

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
        for title, href, d in self.rows():
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
        got = self.front(req, f"{col_path}?uid={self.unit}&pageNum=1")
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
        inner = self.detail_html(r, self.attached(r, ".pdf"))
        inner = inner.replace("<div class=\"TRS_Editor\">",
                              "<div id=\"zoom\"><!--ZJEG_RSS.content.begin-->")
        return inner.replace("<meta name=\"SiteName\"",
                             f"<meta content=\"{r.doc_id}\" name=\"i_articleid\"><meta name=\"SiteName\"")
