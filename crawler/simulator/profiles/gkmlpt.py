"""Guangdong's 政府信息公开目录管理平台 (gkmlpt) and the department sites that link it
instead of keeping a 年报 column of their own (``docs/platforms.md``)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from typing import Any

from ..portal import Request, Response, SimReport, not_found
from .base import Base
from .markup import json_response, page


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
        n = len(self.rows())
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
            total, chunk = self.rows_page(max(1, int(req.query.get("page", "1") or 1)),
                                          self.per_page)
            arts = [{"id": int(re.sub(r"\D", "", path.rsplit("_", 1)[1]) or 0), "title": t,
                     "url": self.url(path), "created_at": f"{d} 09:00:00",
                     "display_publish_time": int(dt.datetime(d.year, d.month, d.day).timestamp()),
                     "classify_main_name": "政府信息公开年报"} for t, path, d in chunk]
            body = {"classify": {"id": self.cat, "name": "政府信息公开年报",
                                 "post_count": total}, "articles": arts}
            return json_response(body, "application/json; charset=utf-8", static=True)
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
