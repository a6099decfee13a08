"""(4) PDF: an A4 file drawn like a WPS/Word export, with narrow, wrapping label columns."""

from __future__ import annotations

import html
import io
from typing import Any

from ..record import Record
from .cells import Row, expand, legacy_rows, placed
from .forms import single_other_handling
from .legacy_shapes import legacy_header
from .prose import closing, paragraphs, sections, tables_after

# ---------------------------------------------------------------- (4) PDF

_PDF_FONT = "STSong-Light"


def pdf(rec: Record, *, single_other: bool = False) -> bytes:
    """An A4 PDF like a WPS/Word export: ruled tables with narrow label columns, so long
    row labels wrap inside their cells (``2.其他法律行政法`` / ``规禁止公开``), the group
    cell 三、本年度办理结果 printed one character per line, header words broken over
    lines. ``single_other`` prints a gov2021 record's （六）其他处理 as one row (use
    :func:`single_other_handling` for the record a parser must then read)."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if single_other:
        rec = single_other_handling(rec)
    if _PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_PDF_FONT))
    body = ParagraphStyle("b", fontName=_PDF_FONT, fontSize=11, leading=18, wordWrap="CJK",
                          firstLineIndent=22)
    head = ParagraphStyle("h", parent=body, firstLineIndent=0, spaceBefore=6)
    title_style = ParagraphStyle("t", parent=body, fontSize=17, leading=26, alignment=TA_CENTER,
                                 firstLineIndent=0, spaceAfter=12)
    cell = ParagraphStyle("c", fontName=_PDF_FONT, fontSize=9, leading=11, wordWrap="CJK",
                          alignment=TA_CENTER)
    label = ParagraphStyle("l", parent=cell, alignment=0)

    def table(rows: list[Row], widths: list[float]) -> Any:
        grid = expand(rows)
        data: list[list[Any]] = [["" for _ in widths] for _ in grid]
        cmds: list[Any] = [("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                           ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                           ("LEFTPADDING", (0, 0), (-1, -1), 2),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 2)]
        for r, c, item in placed(rows):
            if item.text:
                st = label if item.kind == "label" else cell
                data[r][c] = Paragraph(html.escape(item.text), st)
            if item.rowspan > 1 or item.colspan > 1:
                cmds.append(("SPAN", (c, r), (c + item.colspan - 1, r + item.rowspan - 1)))
        return Table(data, colWidths=widths, style=TableStyle(cmds), repeatRows=0)

    story: list[Any] = [Paragraph(html.escape(rec["title"] or ""), title_style)]
    paras = paragraphs(rec)
    for text in paras.get("intro", []):
        story.append(Paragraph(html.escape(text), body))
    tables = tables_after(rec)
    for key, heading in sections(rec):
        story.append(Paragraph(html.escape(heading), head))
        for text in paras.get(key, []):
            story.append(Paragraph(html.escape(text), body))
        for name, rows in tables.get(key, []):
            if name == "t2":
                widths = [120.0, 110.0, 110.0, 110.0]
            elif name == "t3":
                # group column one glyph wide; label columns narrow enough to wrap
                widths = [16.0, 44.0, 78.0] + [36.0] * 6 + [40.0]
            else:
                widths = [30.0] * 15
            story.extend([Spacer(1, 4), table(rows, widths), Spacer(1, 6)])
    if rec["template"] == "legacy" and rec["legacy_stats"]:
        head_cells = legacy_header(rec)
        widths = [200.0, 60.0] + [80.0] * (len(head_cells) - 2)
        story.extend([Spacer(1, 4), table(legacy_rows(rec), widths)])
    story.extend(Paragraph(html.escape(t), body) for t in closing(rec))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, leftMargin=50, rightMargin=50, topMargin=56,
                      bottomMargin=56, title=rec["title"] or "", invariant=1).build(story)
    return buf.getvalue()
