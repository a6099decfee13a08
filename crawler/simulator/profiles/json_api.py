"""Columns drawn in the browser from a list API (``docs/platforms.md``): jcms
``queryList`` JSON, JSONP callbacks, and a JSON API no adapter is written for."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
from dataclasses import replace
from urllib.parse import parse_qs

from ..portal import Request, Response, SimReport, not_found
from .base import Base, file_ext
from .markup import json_response, page


class ScriptedList(Base):
    """A column page whose script draws the rows from a list API: the home page's way
    leads to :attr:`column_path`, :meth:`column_page` is that page and :meth:`api` answers
    :attr:`api_path`; a detail page links its file in a 附件 paragraph."""

    per_page = 3
    column_path = ""
    api_path = ""
    channel_base = 0

    @property
    def channel(self) -> int:
        """The column's id in the API's queries."""
        return self.channel_base + self.index

    def paths(self, r: SimReport, ext: str) -> tuple[str, str]:
        """Where the report's detail page and its file (linked as is) are served."""
        raise NotImplementedError

    def place(self, r: SimReport) -> None:
        r.detail, file_path = self.paths(r, file_ext(r))
        if r.has_file:
            r.file_path = r.attachment = file_path

    def route(self, req: Request) -> Response:
        got = self.front(req, self.column_path)
        if got is not None:
            return got
        if req.path == self.column_path:
            return self.column_page()
        if req.path == self.api_path:
            return self.api(req)
        return not_found()

    def column_page(self) -> Response:
        raise NotImplementedError

    def api(self, req: Request) -> Response:
        raise NotImplementedError

    def detail(self, r: SimReport) -> str:
        return self.detail_html(r, self.attached(r))


class JsonApi(ScriptedList):
    """Client-rendered jcms: ``loadPageData`` + JSON ``POST queryList``, ``<base href>``."""

    profile = "json_api"
    column_text = "信息公开年报"
    formats = ("html", "docx", "html", "pdf", "doc")
    column_path, api_path = "/jcms/nb/index.html", "/jcms/queryList"

    def place(self, r: SimReport) -> None:
        h = hashlib.md5(f"j{self.index}-{r.doc_id}".encode()).hexdigest()[:20]
        r.detail = f"/jcms/art/{r.posted.year}/art_{h}.html"
        if r.has_file:
            ext = file_ext(r)
            r.attachment = f"files/{h}.{ext}"
            r.file_path = f"/jcms/files/{h}.{ext}"

    def column_page(self) -> Response:
        body = (f"<div id=\"list\"></div><script>function loadPageData(p,id){{"
                f"$.ajax({{url:'queryList',type:'POST',data:JSON.stringify(p)}});}}"
                f"loadPageData({{\"columnId\":\"{3800 + self.index}\",\"pageSize\":"
                f"{self.per_page}}},'{3800 + self.index}');</script>")
        return Response(body=page("年度报告", body, "<base href=\"/jcms/\">").encode())

    def api(self, req: Request) -> Response:
        if req.method != "POST":
            return not_found()
        try:
            p = json.loads(req.body or b"{}")
        except ValueError:
            return Response(400, b'{"code":400}', "application/json", static=False)
        total, chunk = self.rows_page(int(p.get("pageNo", 1)), int(p.get("pageSize", 10)))
        results = [{"source": {"title": t, "pubDate": f"{d} 09:30:00",
                               "urls": json.dumps({"pc": u})}} for t, u, d in chunk]
        return json_response({"code": 200, "data": {"total": total, "results": results}})

    def detail(self, r: SimReport) -> str:
        attach = (f"<div class=\"fjdown\"><a href=\"{r.attachment}\">{html.escape(r.title)}</a>"
                  "</div>" if r.attachment else "")
        return self.detail_html(r, attach, base="/jcms/")


class JsonpApi(ScriptedList):
    """Client-rendered list over JSONP: ``$.ajax({url:…, dataType:"jsonp"})`` answered by
    ``showList({...})`` (application/javascript), paged by ``pageno``."""

    profile = "jsonp_api"
    formats = ("html", "docx", "html")
    column_path, api_path = "/zwgk/nb/index.html", "/interface/list.jsp"

    channel_base = 5100

    def paths(self, r: SimReport, ext: str) -> tuple[str, str]:
        return (f"/content/{r.posted:%Y%m}/{r.doc_id}.html",
                f"/uploadfiles/{r.posted:%Y%m}/{r.doc_id}.{ext}")

    def column_page(self) -> Response:
        body = (f"<ul id=\"list\"></ul><div id=\"pager\"></div><script>function load(n){{"
                f"$.ajax({{url: \"/interface/list.jsp?channelid={self.channel}&pagesize="
                f"{self.per_page}&pageno=1\", dataType: \"jsonp\", jsonpCallback: "
                f"\"showList\"}});}} load(1);</script>")
        return Response(body=page("政府信息公开年报", body).encode())

    def api(self, req: Request) -> Response:
        if req.query.get("channelid") != str(self.channel):
            return Response(body=b"showList({\"total\":0,\"list\":[]})",
                            ctype="application/javascript", static=False)
        cb = req.query.get("callback") or "showList"
        no = int(req.query.get("pageno", 1))
        total, chunk = self.rows_page(no, int(req.query.get("pagesize", 10)))
        out = {"total": total, "pageno": no, "list": [
            {"title": t, "url": u, "time": f"{d:%Y-%m-%d}"} for t, u, d in chunk]}
        body = f"{cb}({json.dumps(out, ensure_ascii=False)});"
        return Response(body=body.encode(), ctype="application/javascript;charset=utf-8",
                        static=False)


class UnknownJson(ScriptedList):
    """A column rendered in the browser from a list API no adapter is written for: the
    page's script completes ``/open/api/article/list?channelId=…&size=…&page=`` with the
    page number (on odd-indexed portals it POSTs that form with ``$.ajax``) and draws
    ``{code, data: {total, records: [{title, url, created_at}]}}``."""

    profile = "json_unknown"
    formats = ("html", "pdf", "html", "docx")
    column_path, api_path = "/open/channel/nb.html", "/open/api/article/list"

    @property
    def posts(self) -> bool:
        """Odd-indexed portals' scripts POST their form (``$.ajax({type: 'POST', data})``)."""
        return self.index % 2 == 1

    channel_base = 6200

    def paths(self, r: SimReport, ext: str) -> tuple[str, str]:
        return f"/open/article/{r.posted:%Y}/{r.doc_id:x}.html", f"/open/files/{r.doc_id:x}.{ext}"

    def noise_path(self, i: int, d: dt.date) -> str:
        return f"/open/article/{d:%Y}/n{i}.html"

    def column_page(self) -> Response:
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

    def api(self, req: Request) -> Response:
        if self.posts:  # the form, as jQuery posts it; a GET gets nothing
            req = replace(req, query={k: v[0] for k, v in parse_qs(
                req.body.decode("utf-8", "replace")).items()} if req.method == "POST" else {})
        if req.query.get("channelId") != str(self.channel):
            return Response(body=b'{"code":404,"data":null}', ctype="application/json",
                            static=False)
        size, no = int(req.query.get("size") or 10), int(req.query.get("page") or 1)
        total, chunk = self.rows_page(no, size)
        recs = [{"id": n, "title": t, "url": u, "created_at": f"{d} 09:00:00",
                 "source": self.agencies[0][1]} for n, (t, u, d) in enumerate(chunk)]
        return json_response({"code": 0, "data": {"total": total, "page": no, "size": size,
                                                  "records": recs}})
