"""Fixture layouts: a record rendered the way real published reports print their tables.

``archive.render`` prints a record the way the official template is drawn. Real portals
do not. This module renders a record in the shapes real documents were seen in, so the
parser can be tested against them; its layout rules are written from the documents
themselves, never from the parser (it imports the record's keys and labels only):

- :func:`editor_html` — a TRS detail page (changwu/pingtan-gov-zwgk-archive,
  ``…/202101/80578_…经济发展局2020…/page.html`` for the Word dialect,
  ``…/202401/86550_…国有资产管理局2023…/page.html`` for the UEditor dialect): the report
  inside ``<div class=TRS_Editor>`` after a page frame of navigation, section headings as
  plain ``<p><span style="font-family: 黑体">`` paragraphs, 表二 as one four-column table
  whose 第二十条 blocks each carry their own 信息内容 header row and put single values
  under ``colspan`` cells, 表三 with a ``colspan="3" rowspan="3"`` caption cell, a
  three-row header (申请人情况 / 自然人 · 法人或其他组织 · 总计 / five org types), a
  ``rowspan="20"`` (``"22"`` in the 2021 form) group cell 三、本年度办理结果, sub-group
  cells with their own rowspans, ``colspan`` label cells, ``&nbsp;`` blanks,
  ``<p>``/``<span>`` inside every cell, headers split as ``<p>商业</p><p>企业</p>`` or
  ``结果<br/>纠正``.
- :func:`glued_text` — the archive's ``page.txt``: metadata lines, then the body on one
  line with every table cell glued to the next (``规章000行政规范性文件77132470``).
- :func:`markdown` — what OCR / document converters print: 表三 as one small pipe table
  per row under headings like ``### (一) 予以公开`` with generic ``数据1 … 数据6 | 总计``
  columns; merged header cells repeated.
- :func:`pdf` — an A4 PDF drawn like the WPS export ``hongze-district-2024.pdf``: narrow
  label columns, so ``2.其他法律行政法规禁止公开`` wraps inside its cell, the group cell
  printed one character per line, header words broken over lines, and optionally the
  2021 form's single ``（六）其他处理`` row instead of its three sub-rows.
- :func:`legacy_text` — pre-2019 统计表 as text, in the real shapes: ``指标名称 计量单位
  2012年度 历年累计`` (``…/201303/80737_…财政金融局2012…``, ``…/201601/80461_…管委会办公室
  2015…``, ``…/201901/80557_…管委会办公室2018…``) and the 国办 2014-era ``统计指标 单位 统计数``
  table, space-separated or glued.

One module a layout (:mod:`.editor`, :mod:`.text`, :mod:`.pdf`), drawn from the tables as
cells (:mod:`.cells`), the prose around them (:mod:`.prose`) and what the forms print
(:mod:`.forms`, :mod:`.legacy_shapes`); :mod:`.knowable` says what glued text still tells.
The package imports the record's keys and labels (``archive.record``) and nothing of the
parser.

Records come from ``archive.samples.sample_record``, from :func:`legacy_record` (the
pingtan 统计表 shapes) or from a real report's hand-read cells (:func:`record_from_cells`).
:func:`expected_record` says what a parser must read back from a rendering.
"""

from __future__ import annotations

from ..record import Record
from .cells import Cell, legacy_rows, t2_rows, t3_rows, t4_rows
from .editor import editor_html, html_table
from .forms import (
    expected_record,
    has_single_other_handling,
    record_from_cells,
    single_other_handling,
    t3_printed_rows,
)
from .knowable import digit_splits, glued_knowable
from .legacy_shapes import LEGACY_SHAPES, legacy_record
from .pdf import pdf
from .text import glue_rows, glued_text, legacy_text, markdown

LAYOUTS: tuple[str, ...] = ("html-word", "html-ueditor", "glued", "markdown", "pdf",
                            "pdf-single-other", "legacy-spaced", "legacy-glued")


def render_layout(rec: Record, layout: str) -> bytes:
    """The bytes of ``rec`` in one of :data:`LAYOUTS` (text layouts UTF-8 encoded);
    ``pdf-single-other`` is the PDF with one （六）其他处理 row: read it back against
    ``single_other_handling(rec)``."""
    if layout == "html-word":
        return editor_html(rec, "word")
    if layout == "html-ueditor":
        return editor_html(rec, "ueditor")
    if layout == "glued":
        return glued_text(rec).encode()
    if layout == "markdown":
        return markdown(rec).encode()
    if layout == "pdf":
        return pdf(rec)
    if layout == "pdf-single-other":
        return pdf(rec, single_other=True)
    if layout == "legacy-spaced":
        return legacy_text(rec).encode()
    if layout == "legacy-glued":
        return legacy_text(rec, glued=True).encode()
    raise ValueError(f"unknown layout {layout!r}: one of {', '.join(LAYOUTS)}")


__all__ = [
    "Cell", "LAYOUTS", "LEGACY_SHAPES", "digit_splits", "editor_html", "expected_record",
    "glue_rows", "glued_knowable",
    "glued_text", "has_single_other_handling", "html_table", "legacy_record", "legacy_rows",
    "legacy_text", "markdown", "pdf", "record_from_cells", "render_layout",
    "single_other_handling", "t2_rows", "t3_rows", "t3_printed_rows", "t4_rows",
]
