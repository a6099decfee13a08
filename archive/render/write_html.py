"""The HTML writer: a TRS-style article page."""

from __future__ import annotations

import html

from ..record import Record
from .layout import Grid, layout

# ---------------------------------------------------------------- HTML


def _site(rec: Record) -> str:
    return f"{rec['agency']}门户网站"


def render_html(rec: Record, encoding: str = "utf-8") -> bytes:
    """A TRS-style article page: navigation, title, 发布时间 line, body, footer."""
    e = html.escape
    charset = "gb2312" if encoding.lower() in ("gb18030", "gbk", "gb2312") else encoding
    posted = rec.get("provenance", {}).get("posted_on") or rec["published_on"] or ""
    title = rec["title"] or ""
    parts = [
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\">",
        "<html><head>",
        f"<meta http-equiv=\"Content-Type\" content=\"text/html; charset={charset}\">",
        f"<title>{e(title)}_{e(_site(rec))}</title>",
        f"<meta name=\"ArticleTitle\" content=\"{e(title)}\">",
        f"<meta name=\"PubDate\" content=\"{e(posted)} 09:30\">" if posted else "",
        f"<meta name=\"ContentSource\" content=\"{e(rec['agency'] or '')}\">",
        "<style>.TRS_Editor p{text-indent:2em;line-height:1.8}"
        " table{border-collapse:collapse} td{border:1px solid #000}</style>",
        "<script>var _hmt=_hmt||[];</script>",
        "</head><body>",
        f"<div class=\"header\"><a href=\"/\">{e(_site(rec))}</a></div>",
        "<div class=\"nav\">当前位置：<a href=\"/\">首页</a> &gt; <a href=\"../\">政府信息公开</a>"
        " &gt; <a href=\"./\">政府信息公开年报</a></div>",
        "<div class=\"article\">",
        f"<h1 class=\"title\">{e(title)}</h1>",
        f"<div class=\"info\"><span>发布时间：{e(posted)}</span>　<span>来源：{e(rec['agency'] or '')}"
        "</span>　<span>浏览次数：<script>document.write(1)</script></span></div>",
        "<div class=\"TRS_Editor\"><div class=\"Custom_UnionStyle\">",
    ]
    for kind, payload in layout(rec)[1:]:
        if kind == "table":
            parts.append(_html_table(payload))
        elif kind == "heading":
            parts.append(f"<p><strong>{e(payload)}</strong></p>")
        elif kind == "right":
            parts.append(f"<p style=\"text-align:right\">{e(payload)}</p>")
        elif kind == "center":
            parts.append(f"<p style=\"text-align:center\"><strong>{e(payload)}</strong></p>")
        else:
            parts.append(f"<p>{e(payload)}</p>")
    parts += [
        "</div></div></div>",
        "<div class=\"footer\"><p>主办单位：" + e(rec["agency"] or "") + "</p>"
        "<p>宁ICP备05001234号　宁公网安备 64010402000123号</p></div>",
        "</body></html>",
    ]
    return "\n".join(p for p in parts if p).encode(encoding)


def _html_table(grid: Grid) -> str:
    out = ["<table border=\"1\" cellspacing=\"0\" cellpadding=\"0\" width=\"100%\">", "<tbody>"]
    for row in grid.rows:
        out.append("<tr>")
        for cell in row:
            attrs = ""
            if cell.rowspan > 1:
                attrs += f" rowspan=\"{cell.rowspan}\""
            if cell.colspan > 1:
                attrs += f" colspan=\"{cell.colspan}\""
            text = html.escape(cell.text)
            # a blank cell is printed as &nbsp; by the portals' editors
            inner = f"<strong>{text}</strong>" if cell.header and text else text or "&nbsp;"
            out.append(f"<td{attrs} valign=\"center\"><p align=\"center\"><span style=\"font-family:"
                       f"宋体;font-size:10.5pt\">{inner}</span></p></td>")
        out.append("</tr>")
    out += ["</tbody>", "</table>"]
    return "".join(out)
