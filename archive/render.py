"""Render a record as the file a portal would publish: HTML page, DOCX, PDF (and DOC).

Every format is drawn from one layout (title, paragraphs, and the official tables with
their merged label cells), so a test can render one record four ways and demand the same
truth back from the parser. The tables follow the official templates' layout: 表三's
三、本年度办理结果 spans the result rows, （三）不予公开 spans its eight reasons, 法人或其他组织
spans five columns; a blank cell (null) is printed empty.
"""

from __future__ import annotations

import html
import io
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .record import (
    SECTIONS,
    T2_COLUMN_LABELS,
    T2_GOV2019,
    T2_GOV2021,
    T3_COLUMNS,
    T3_ROW_LABELS,
    T4_COLUMNS,
    T4_GROUPS,
    Record,
    get_path,
)

FORMATS = ("html", "docx", "pdf", "doc")


@dataclass
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False


@dataclass
class Grid:
    """A table as its origin cells row by row (HTML order) and its column widths in pt."""

    rows: list[list[Cell]]
    widths: list[float]


#: layout blocks: (kind, payload); kind in title, date, heading, para, center, right, table
Block = tuple[str, Any]


def cell_text(v: Any) -> str:
    """How a value is printed: blank stays empty, amounts keep their text, -1 stays -1."""
    if v is None:
        return ""
    if isinstance(v, dict) and "text" in v:
        return str(v["text"])
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _h(text: str, **kw: int) -> Cell:
    return Cell(text, header=True, **kw)


def _v(v: Any, colspan: int = 1) -> Cell:
    return Cell(cell_text(v), colspan=colspan)


def table_two(rec: Record) -> Grid:
    ad = rec["active_disclosure"]
    rows: list[list[Cell]] = []

    def section(item: str) -> None:
        rows.append([_h(f"第二十条第（{item}）项", colspan=4)])

    def row(key: str, label: str, cols: tuple[str, ...]) -> None:
        vals = ad.get(key) or {}
        cells = [Cell(label)] + [_v(vals.get(c)) for c in cols]
        if len(cols) < 3:
            cells[-1].colspan = 4 - len(cols)
        rows.append(cells)

    def header(cols: list[str]) -> None:
        cells = [_h("信息内容")] + [_h(c) for c in cols]
        if len(cols) < 3:
            cells[-1].colspan = 4 - len(cols)
        rows.append(cells)

    groups: tuple[tuple[str, list[str], list[str]], ...]
    if rec["template"] == "gov2021":
        spec = {k: (label, cols) for k, label, cols in T2_GOV2021}
        groups = (("一", ["rules", "normative_documents"], ["本年制发件数", "本年废止件数", "现行有效件数"]),
                  ("五", ["licensing"], ["本年处理决定数量"]),
                  ("六", ["penalty", "enforcement"], ["本年处理决定数量"]),
                  ("八", ["fees"], ["本年收费金额（单位：万元）"]))
    else:
        spec = {k: (label, cols) for k, label, cols in T2_GOV2019}
        groups = (("一", ["rules", "normative_documents"], [T2_COLUMN_LABELS[c] for c in (
                      "made", "published", "total_public")]),
                  ("五", ["licensing", "other_services"], ["上一年项目数量", "本年增/减", "处理决定数量"]),
                  ("六", ["penalty", "enforcement"], ["上一年项目数量", "本年增/减", "处理决定数量"]),
                  ("八", ["fees"], ["上一年项目数量", "本年增/减"]),
                  ("九", ["procurement"], ["采购项目数量", "采购总金额"]))
    for item, keys, cols in groups:
        section(item)
        header(cols)
        for key in keys:
            label, spec_cols = spec[key]
            row(key, label, spec_cols)
    return Grid(rows, [150, 100, 100, 100])


def table_three(rec: Record) -> Grid:
    apps = rec["applications"]
    gov2021 = rec["template"] == "gov2021"

    def vals(key: str) -> list[Cell]:
        node = get_path(apps, key) or {}
        return [_v(node.get(c)) for c in T3_COLUMNS]

    rows: list[list[Cell]] = [
        [_h("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rowspan=3, colspan=3),
         _h("申请人情况", colspan=7)],
        [_h("自然人", rowspan=2), _h("法人或其他组织", colspan=5), _h("总计", rowspan=2)],
        [_h("商业企业"), _h("科研机构"), _h("社会公益组织"), _h("法律服务机构"), _h("其他")],
        [Cell(T3_ROW_LABELS["new_received"], colspan=3), *vals("new_received")],
        [Cell(T3_ROW_LABELS["carried_over"], colspan=3), *vals("carried_over")],
    ]
    groups: list[tuple[str, list[str]]] = [
        ("granted", []), ("partially_granted", []),
        ("（三）不予公开", [k for k, _ in _rows("denied.")]),
        ("（四）无法提供", [k for k, _ in _rows("unable.")]),
        ("（五）不予处理", [k for k, _ in _rows("not_processed.")]),
        ("（六）其他处理", [k for k, _ in _rows("other_handling.")] if gov2021 else []),
        ("results_total", []),
    ]
    printed = gov2021 and isinstance(get_path(apps, "other_handling.printed"), dict)
    span = sum(max(1, len(sub)) for _, sub in groups) + printed
    first = True
    for name, sub in groups:
        lead = [Cell("三、本年度办理结果", rowspan=span)] if first else []
        first = False
        if not sub:
            key = "other_handling" if name == "（六）其他处理" else name
            rows.append([*lead, Cell(T3_ROW_LABELS[key], colspan=2), *vals(key)])
            continue
        if printed and name == "（六）其他处理":
            # some offices print （六）其他处理's own total above its three sub-rows
            rows.append([Cell(name, rowspan=len(sub) + 1), Cell("小计"),
                         *vals("other_handling.printed")])
            rows += [[Cell(T3_ROW_LABELS[k]), *vals(k)] for k in sub]
            continue
        for i, key in enumerate(sub):
            group = [Cell(name, rowspan=len(sub))] if i == 0 else []
            rows.append([*(lead if i == 0 else []), *group, Cell(T3_ROW_LABELS[key]), *vals(key)])
    rows.append([Cell(T3_ROW_LABELS["carried_forward"], colspan=3), *vals("carried_forward")])
    return Grid(rows, [42.0, 52.0, 148.0] + [36.0] * 7)


def _rows(prefix: str) -> list[tuple[str, str]]:
    return [(k, v) for k, v in T3_ROW_LABELS.items() if k.startswith(prefix)]


def table_four(rec: Record) -> Grid:
    rl = rec["review_litigation"]
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    rows = [
        [_h("行政复议", colspan=5), _h("行政诉讼", colspan=10)],
        [*(_h(t, rowspan=2) for t in heads), _h("未经复议直接起诉", colspan=5), _h("复议后起诉", colspan=5)],
        [*(_h(t) for t in heads), *(_h(t) for t in heads)],
        [_v((rl.get(g) or {}).get(c)) for g in T4_GROUPS for c in T4_COLUMNS],
    ]
    return Grid(rows, [32] * 15)


def legacy_table(rec: Record) -> Grid:
    rows = [[_h("统计指标"), _h("单位"), _h("统计数")]]
    for r in rec["legacy_stats"]:
        rows.append([Cell(r["label"]), Cell(r.get("unit") or ""), _v(r.get("value"))])
    return Grid(rows, [330, 55, 80])


def _date_cn(iso: str | None) -> str | None:
    if not iso:
        return None
    y, m, d = (int(x) for x in iso.split("-"))
    return f"{y}年{m}月{d}日"


def layout(rec: Record) -> list[Block]:
    """The document as blocks, in reading order; every format renders exactly these."""
    body: dict[str, list[str]] = rec.get("provenance", {}).get("body") or {}
    out: list[Block] = [("title", rec["title"] or "")]
    out += [("para", p) for p in body.get("intro", [])]
    legacy = rec["template"] == "legacy"
    if legacy:
        from .samples import LEGACY_HEADINGS

        headings: tuple[tuple[str, str], ...] = LEGACY_HEADINGS
    else:
        headings = SECTIONS
    for key, title in headings:
        if not legacy and not rec["sections"].get(key, True):
            continue
        out.append(("heading", title))
        out += [("para", p) for p in body.get(key, [])]
        if legacy:
            continue
        if key == "active_disclosure" and rec["active_disclosure"]:
            out.append(("table", table_two(rec)))
        elif key == "applications" and rec["applications"]:
            out.append(("table", table_three(rec)))
        elif key == "review_litigation" and rec["review_litigation"]:
            out.append(("table", table_four(rec)))
    out.append(("right", rec["agency"] or ""))
    date = _date_cn(rec["published_on"])
    if date:
        out.append(("right", date))
    if legacy and rec["legacy_stats"]:
        year = rec["year"]
        out.append(("para", f"附件：{rec['agency']}政府信息公开情况统计表"))
        out.append(("center", f"{rec['agency']}政府信息公开情况统计表"))
        out.append(("center", f"（{year}年度）"))
        out.append(("table", legacy_table(rec)))
    return out


def place(grid: Grid) -> list[tuple[int, int, Cell]]:
    """(row, column, cell) of every origin cell, columns resolved around row spans."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(grid.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
    return out


# ---------------------------------------------------------------- text


def render_text(rec: Record) -> str:
    """Plain text as copied from a browser: merged cells print once, tabs between cells."""
    lines: list[str] = []
    for kind, payload in layout(rec):
        if kind != "table":
            lines.append(payload)
            continue
        width = len(payload.widths)
        cells = {(r, c): cell.text for r, c, cell in place(payload)}
        for r in range(len(payload.rows)):
            lines.append("\t".join(cells.get((r, c), "") for c in range(width)))
    return "\n".join(lines) + "\n"


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


# ---------------------------------------------------------------- DOCX


def render_docx(rec: Record) -> bytes:
    """Word document with real merged cells (gridSpan / vMerge), as offices write them."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    d = docx.Document()
    normal = d.styles["Normal"]
    normal.font.name = "宋体"
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    normal.font.size = Pt(10.5)
    d.core_properties.title = rec["title"] or ""
    for kind, payload in layout(rec):
        if kind == "table":
            _docx_table(d, payload)
            d.add_paragraph()  # Word always closes a table with a paragraph
            continue
        p = d.add_paragraph()
        run = p.add_run(payload)
        if kind == "title":
            run.bold = True
            run.font.size = Pt(16)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "heading":
            run.bold = True
        elif kind == "right":
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif kind == "center":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    buf = io.BytesIO()
    d.save(buf)
    return _fixed_zip_times(buf.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """The same record renders to the same bytes: zip entries get a fixed timestamp
    (python-docx stamps them with the current time, which would make every rendering a
    new version to the archive)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def _docx_table(d: Any, grid: Grid) -> None:
    """Append the grid as Word writes merged tables: gridSpan across, vMerge down.

    Written as WordprocessingML directly: python-docx's ``merge`` re-resolves the grid
    with XPath on every call and took most of the rendering time.
    """
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    origin = {(r, c): cell for r, c, cell in place(grid)}
    below: dict[tuple[int, int], Cell] = {}  # slots continued from a cell above
    for (r, c), cell in origin.items():
        for dr in range(1, cell.rowspan):
            below[(r + dr, c)] = cell
    twips = [round(w * 20) for w in grid.widths]
    out = [f"<w:tbl {nsdecls('w')}><w:tblPr><w:tblStyle w:val=\"TableGrid\"/>"
           f"<w:tblW w:w=\"{sum(twips)}\" w:type=\"dxa\"/>"
           "<w:tblLook w:val=\"04A0\"/></w:tblPr><w:tblGrid>"
           + "".join(f"<w:gridCol w:w=\"{t}\"/>" for t in twips) + "</w:tblGrid>"]
    for r in range(len(grid.rows)):
        out.append("<w:tr>")
        for c in range(len(grid.widths)):
            found = origin.get((r, c)) or below.get((r, c))
            if found is None:
                continue  # inside a gridSpan
            cell = found
            width = sum(twips[c : c + cell.colspan])
            props = f"<w:tcW w:w=\"{width}\" w:type=\"dxa\"/>"
            if cell.colspan > 1:
                props += f"<w:gridSpan w:val=\"{cell.colspan}\"/>"
            if (r, c) in below:
                out.append(f"<w:tc><w:tcPr>{props}<w:vMerge/></w:tcPr><w:p/></w:tc>")
                continue
            if cell.rowspan > 1:
                props += "<w:vMerge w:val=\"restart\"/>"
            props += "<w:vAlign w:val=\"center\"/>"
            bold = "<w:b/>" if cell.header else ""
            run = (f"<w:r><w:rPr>{bold}<w:sz w:val=\"18\"/></w:rPr>"
                   f"<w:t xml:space=\"preserve\">{html.escape(cell.text, quote=False)}</w:t></w:r>"
                   if cell.text else "")
            out.append(f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:pPr><w:jc w:val=\"center\"/>"
                       f"</w:pPr>{run}</w:p></w:tc>")
        out.append("</w:tr>")
    out.append("</w:tbl>")
    d.element.body.append(parse_xml("".join(out)))
    d.element.body.append(d.element.body.sectPr)  # keep sectPr last


# ---------------------------------------------------------------- PDF

_FONT = "STSong-Light"


def render_pdf(rec: Record) -> bytes:
    """A4 PDF in the built-in CID font STSong-Light, tables with ruled grids and spans."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer, Table
    from reportlab.platypus import TableStyle as TS

    if _FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_FONT))
    base = ParagraphStyle("body", fontName=_FONT, fontSize=10.5, leading=16, wordWrap="CJK",
                          firstLineIndent=21)
    styles = {
        "title": ParagraphStyle("title", parent=base, fontSize=16, leading=24, alignment=TA_CENTER,
                                firstLineIndent=0, spaceAfter=10),
        "heading": ParagraphStyle("heading", parent=base, firstLineIndent=0, spaceBefore=6),
        "para": base,
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT, firstLineIndent=0),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER, firstLineIndent=0),
    }
    cell_style = ParagraphStyle("cell", fontName=_FONT, fontSize=7.5, leading=9.5,
                                wordWrap="CJK", alignment=TA_CENTER)
    story: list[Any] = []
    blocks = layout(rec)
    for i, (kind, payload) in enumerate(blocks):
        if kind == "title":
            # long titles break before the year, as printed reports do
            agency = rec["agency"] or ""
            if agency and payload.startswith(agency) and len(payload) > 26:
                story.append(_para(agency, styles["title"], _FRAME))
                payload = payload[len(agency):]
            story.append(_para(payload, styles["title"], _FRAME))
        elif kind == "table":
            grid = payload
            data: list[list[Any]] = [[""] * len(grid.widths) for _ in grid.rows]
            cmds: list[tuple[Any, ...]] = [
                ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
            for r, c, cell in place(grid):
                width = sum(grid.widths[c : c + cell.colspan]) - 4
                data[r][c] = _para(cell.text, cell_style, width, cell=True) if cell.text else ""
                if cell.rowspan > 1 or cell.colspan > 1:
                    cmds.append(("SPAN", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1)))
            table = Table(data, colWidths=grid.widths, repeatRows=1 if len(grid.rows) > 40 else 0,
                          style=TS(cmds))
            prev = story.pop() if story and blocks[i - 1][0] == "center" else None
            story.append(KeepTogether([x for x in (prev, Spacer(1, 4), table, Spacer(1, 6)) if x]))
        else:
            story.append(_para(payload, styles[kind], _FRAME))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, leftMargin=50, rightMargin=50, topMargin=50,
                      bottomMargin=50, title=rec["title"] or "", author=rec["agency"] or "",
                      invariant=1).build(story)
    return buf.getvalue()


_FRAME = 595.2756 - 100  # A4 width less the margins


def _para(text: str, style: Any, width: float, *, cell: bool = False) -> Any:
    """A wrapped paragraph with no line of a lone character.

    pdfium measures a one-glyph text run of a non-embedded CID font as empty and drops
    it; the extractor then falls back to pdfminer for the page. Two characters or more
    on every line keep the generated files on the fast path: a smaller font in a cell,
    a wider right indent in the body, else a no-break space after the character.
    """
    from reportlab.platypus import Paragraph

    escaped = html.escape(text)
    if len(text.strip()) > 1:
        for step in range(8):
            if step == 0:
                variant = style
            elif cell:
                variant = style.clone(f"{style.name}{step}", fontSize=style.fontSize - 0.5 * step,
                                      leading=style.leading - 0.5 * step)
            else:
                variant = style.clone(f"{style.name}{step}",
                                      rightIndent=style.rightIndent + 6 * step)
            p = Paragraph(escaped, variant)
            p.wrap(width, 1e6)
            lines = p.blPara.lines
            last = lines[-1] if lines else (0, [])
            words = last[1] if p.blPara.kind == 0 else [w.text for w in last.words]
            if len("".join(str(w) for w in words).strip()) != 1:
                return p
    return Paragraph(escaped + "\xa0", style)


# ---------------------------------------------------------------- DOC


def render_doc(rec: Record) -> bytes:
    """Word 97 DOC, converted from the DOCX by LibreOffice (needs ``soffice`` on PATH)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise RuntimeError("rendering DOC needs LibreOffice: no 'soffice' on PATH "
                           "(install libreoffice, or render 'docx' instead)")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "report.docx"
        src.write_bytes(render_docx(rec))
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                        "--convert-to", "doc", "--outdir", tmp, str(src)],
                       check=True, capture_output=True, timeout=180)
        out = Path(tmp) / "report.doc"
        if not out.exists():
            raise RuntimeError("LibreOffice did not produce a DOC file")
        return out.read_bytes()


def render(record: Record, fmt: str, *, encoding: str = "utf-8") -> bytes:
    """The report as the bytes of ``fmt`` (html, docx, pdf, doc); ``encoding`` is for HTML."""
    if fmt == "html":
        return render_html(record, encoding)
    if fmt == "docx":
        return render_docx(record)
    if fmt == "pdf":
        return render_pdf(record)
    if fmt == "doc":
        return render_doc(record)
    raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
