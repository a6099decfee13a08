"""(1) Editor HTML: a TRS detail page whose body an editor pasted from Word (or UEditor)."""

from __future__ import annotations

import html
from typing import Literal

from ..record import Record
from .cells import Cell, Row, legacy_rows
from .forms import T3_ORGS, T4_HEADS
from .prose import closing, paragraphs, sections, tables_after

Dialect = Literal["word", "ueditor"]

# ---------------------------------------------------------------- (1) editor HTML

_TD_WORD = ('<td width="{w}" nowrap="" style="border-width: medium 1pt 1pt medium; border-style: '
            'none solid solid none; border-color: currentColor windowtext windowtext currentColor; '
            'padding: 0cm 5.4pt; width: {pt}pt; height: 21.25pt;"{span}>\n  <p align="center" '
            'style=\'margin: 0cm 0cm 0pt; text-align: center; font-family: "Times New Roman",'
            '"serif"; font-size: 16pt; -ms-text-justify: inter-ideograph;\'><span style="font-'
            'family: {font}; font-size: 14pt;">{text}</span></p>\n  </td>')
_TD_UEDITOR = ('<td width="{w}" valign="center"{span} style="border-width: 1px; border-style: '
               'solid; border-color: rgb(0, 0, 0);">{text}</td>')


def _span_attrs(c: Cell) -> str:
    out = ""
    if c.colspan > 1:
        out += f' colspan="{c.colspan}"'
    if c.rowspan > 1:
        out += f' rowspan="{c.rowspan}"'
    return out


def _ueditor_text(c: Cell) -> str:
    t = html.escape(c.text)
    if not t:
        return "<p><br/></p>" if c.kind == "value" else "<p>&nbsp;</p>"
    if c.kind == "head" and len(c.text) == 4 and c.text in T3_ORGS[:2]:
        return f"<p>{t[:2]}</p><p>{t[2:]}</p>"  # 商业 / 企业 as two paragraphs
    if c.kind == "head" and c.text in T4_HEADS[:4]:
        return f"<p>{t[:2]}<br/>{t[2:]}</p>"  # 结果<br/>纠正
    if c.kind == "group" and c.text.startswith("（三）") or c.pad:
        return f"<p>{t}&nbsp;</p>"
    return f"<p>{t}</p>"


def _word_text(c: Cell) -> str:
    if not c.text:
        return "&nbsp;"
    t = html.escape(c.text).replace("/", "<span>/</span>")  # 本年增<span>/</span>减
    return t + "&nbsp;" if c.pad else t  # 本年增<span>/</span>减


def html_table(rows: list[Row], dialect: Dialect = "word") -> str:
    """A table in the markup Word (``word``) or the portal's UEditor (``ueditor``) exports."""
    out: list[str] = []
    if dialect == "word":
        out.append('<div align="center">\n\n<table width="676" style="width: 506.8pt; '
                   'border-collapse: collapse;" border="1" cellspacing="0" cellpadding="0">\n '
                   "<tbody>")
        for r in rows:
            tds = []
            for c in r:
                w = 42 * c.colspan
                font = "黑体" if c.kind in ("head", "label", "group") else "仿宋_GB2312"
                if c.kind == "label" and c.text.startswith("（"):
                    font = "楷体_GB2312"
                tds.append(_TD_WORD.format(w=w, pt=round(w * 0.75, 2), span=_span_attrs(c),
                                           font=font, text=_word_text(c)))
            out.append('<tr style="height: 21.25pt; page-break-inside: avoid;">'
                       + "".join(tds) + "</tr>")
        out.append("</tbody></table>\n\n</div>")
    else:
        out.append('<table border="1" cellspacing="0" align="center" style="border-collapse: '
                   'collapse;"><tbody>')
        for i, r in enumerate(rows):
            cls = ' class="firstRow"' if i == 0 else ""
            cells = "".join(_TD_UEDITOR.format(w=42 * c.colspan, span=_span_attrs(c),
                                               text=_ueditor_text(c)) for c in r)
            out.append(f"<tr{cls}>{cells}</tr>")
        out.append("</tbody></table>")
    return "".join(out) if dialect == "ueditor" else "\n ".join(out)


def _p(text: str, dialect: Dialect, *, heading: bool = False) -> str:
    t = html.escape(text)
    if dialect == "word":
        style = ('margin: 0cm 0cm 0pt; text-align: justify; text-indent: 32pt; font-family: '
                 '"Times New Roman","serif"; font-size: 16pt; -ms-text-justify: inter-ideograph;')
        font = "黑体" if heading else "仿宋_GB2312"
        return f"<p style='{style}'><span style=\"font-family: {font};\">{t}</span></p>\n\n"
    if heading:
        return ('<p style="text-indent: 2em; text-align: left;"><span style="font-family: 黑体, '
                f'SimHei;">{t}</span></p>')
    return f'<p style="text-indent: 2em; text-align: justify;">{t}</p>'


def _frame_links(n: int) -> str:
    cities = ("福州", "厦门", "泉州", "漳州", "莆田", "三明", "南平", "龙岩", "宁德")
    items = []
    for i in range(n):
        name = cities[i % len(cities)] + ("市政府网站" if i < len(cities) else f"专题栏目{i}")
        items.append(f'\t\t\t\t\t\t\t\t\t<li class="trt-col-ave-7 trt-col-sm-24">\n\t\t\t\t\t\t\t\t\t\t'
                     f'<a href="http://www.example{i}.gov.cn/" target="_blank" title="{name}">'
                     f"{name}</a>\n\t\t\t\t\t\t\t\t\t</li>\n")
    return "".join(items)


def editor_html(rec: Record, dialect: Dialect = "word", *, encoding: str = "utf-8",
                frame_links: int = 40) -> bytes:
    """The report as a portal detail page whose body an editor pasted from Word.

    The page frame (navigation, breadcrumb, 来源/时间 line, footer links, a script) comes
    before and after ``<div class=TRS_Editor>``, as on the pingtan portal. ``dialect``
    picks the markup: ``word`` (2020 pages: ``<p align=center><span style=…>`` in every
    cell, newlines inside cells, ``rowspan="20"``) or ``ueditor`` (2023 pages: bare
    ``<p>`` cells, split header words, ``<br/>`` inside 表四 headers).
    """
    title = rec["title"] or f"{rec['agency'] or ''}{rec['year'] or ''}年政府信息公开工作年度报告"
    posted = rec["provenance"].get("posted_on") if rec.get("provenance") else None
    posted = posted or rec.get("published_on") or ""
    paras = paragraphs(rec)
    tables = tables_after(rec)
    body: list[str] = ["<div class=TRS_Editor>"]
    body.append(_p(title, dialect, heading=True))
    for text in paras.get("intro", []):
        body.append(_p(text, dialect))
    for key, heading in sections(rec):
        if key in paras or key in tables or rec["template"] == "legacy":
            body.append(_p(heading, dialect, heading=True))
        for text in paras.get(key, []):
            body.append(_p(text, dialect))
        for _, rows in tables.get(key, []):
            body.append(html_table(rows, dialect))
    if rec["template"] == "legacy" and rec["legacy_stats"]:
        body.append(html_table(legacy_rows(rec), dialect))
    body.extend(_p(t, dialect) for t in closing(rec))
    body.append("</div>")
    charset = "gb2312" if encoding.lower() in ("gb18030", "gbk", "gb2312") else encoding
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}" />
<title>{html.escape(title)}</title>
<meta name="ArticleTitle" content="{html.escape(title)}">
<meta name="PubDate" content="{posted} 10:22">
<meta name="ContentSource" content="{html.escape(rec['agency'] or '')}">
<link rel="stylesheet" href="/images/23pingtan.css" />
</head>
<body>
<div class="header"><div class="row"><ul class="trt-row">
{_frame_links(frame_links // 2)}</ul></div></div>
<div class="breadcrumb"><span>当前位置：</span><ul><li><a href="../../../">首页</a></li>
<li><a href="../../">政务公开</a></li><li><a href="../">政府信息公开年报</a></li></ul></div>
<div class="article_title text_align_center">
  {html.escape(title)}
</div>
<div class="article_extend"><span class="article_source">来源：{html.escape(rec['agency'] or '')}</span>
<span class="article_time bf-pass">时间：{posted} 10:22</span></div>
<div class="tabs_content tabs_bd"><div class="article_content article_content_01 font_family_cn">
{"".join(body)}
</div></div>
<div class="footer"><ul class="trt-row">
{_frame_links(frame_links - frame_links // 2)}</ul>
<p><span>主办单位：{html.escape(rec['agency'] or '')}</span></p></div>
<script>var SiteInfo = {{ itpSiteId: 1, defaultHotWords: '旅游;渔业;保障性住房' }};</script>
</body>
</html>
"""
    return page.encode(encoding)
