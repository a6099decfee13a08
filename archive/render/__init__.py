"""Render a record as the file a portal would publish: HTML page, DOCX, PDF (and DOC).

Every format is drawn from one layout (title, paragraphs, and the official tables with
their merged label cells), so a test can render one record four ways and demand the same
truth back from the parser. The tables follow the official templates' layout: 表三's
三、本年度办理结果 spans the result rows, （三）不予公开 spans its eight reasons, 法人或其他组织
spans five columns; a blank cell (null) is printed empty.

The layout (blocks and table grids) is in :mod:`.layout`; the writers, one a format, in
:mod:`.write_html`, :mod:`.write_docx` (DOCX and DOC) and :mod:`.write_pdf`.
"""

from __future__ import annotations

from ..record import Record
from .layout import (
    Block,
    Cell,
    Grid,
    cell_text,
    layout,
    legacy_table,
    place,
    table_four,
    table_three,
    table_two,
)
from .write_docx import render_doc, render_docs, render_docx
from .write_html import render_html
from .write_pdf import render_pdf

FORMATS = ("html", "docx", "pdf", "doc")


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


__all__ = [
    "FORMATS", "Block", "Cell", "Grid", "cell_text", "layout", "legacy_table", "place",
    "render", "render_doc", "render_docs", "render_docx", "render_html", "render_pdf", "render_text",
    "table_four", "table_three", "table_two",
]
