"""The PDF writer: A4 in the built-in CID font, ruled tables with spans."""

from __future__ import annotations

import html
import io
from typing import Any

from ..record import Record
from .layout import layout, place

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
