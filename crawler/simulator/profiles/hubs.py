"""The way from a portal's home page to its 年报 column (``docs/platforms.md``; issue 11):
the hubs in between, how the last one links the column, and the farm's broken ways."""

from __future__ import annotations

import html
from dataclasses import dataclass, replace

from ..portal import Portal, Request, Response
from .markup import page


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


class Discovery(Portal):
    """A portal's home page and the hub pages on its way to the 年报 column."""

    column_text = "政府信息公开年报"

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
