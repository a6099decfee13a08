"""The pre-2019 统计表 (``legacy`` template): recognise it and read its rows.

Agencies printed the 2008-条例 statistics table in many shapes, and portals flattened it
further:

* the 国办发〔2014〕32号 form, ``统计指标 | 单位 | 统计数``, with numbered parents
  (一、/（一）/1.) and ``其中：`` children;
* the older Fujian-style form, ``指标名称 | 计量单位 | 本年度 | 历年累计`` (or ``2012年度``,
  ``2016年``, ``年末统计``), with unnumbered parents (主动公开信息数, 受理依申请公开信息总数,
  对申请的答复总数, 行政复议数 …) whose children are numbered under ``其中：1.``;
* as table grids (HTML, DOCX, ruled PDF, tab-separated text), as space-separated text,
  or as text with every cell glued (``主动公开信息数条24242、政府公报公开条00``), where the
  next row's number sticks to the last value.

:func:`is_legacy` recognises the table from a document's folded text; :func:`legacy_stats`
reads it into the ``legacy_stats`` rows of ``docs/record.md``. A glued digit run is split
into its columns only when one split is decided: it is the only cut without leading zeros,
or the only one with which every parent equals the sum of its children (solved jointly), or
the only one whose year figure the report's prose states for the same row. Otherwise the
cells stay null and a note names the candidates. 历年累计 ≥ 本年 is not assumed: real tables
break it (本年 107, 历年累计 74).

The reading is in :mod:`.reader` (grids and text), with the patterns and value columns it
shares in :mod:`.cells`, the parent rows in :mod:`.outline` and the arithmetic that decides
glued cells in :mod:`.sums`.
"""

from __future__ import annotations

import re

from ..document import Document
from ..record import LegacyRow
from .reader import Reader

# ---------------------------------------------------------------- recognition

#: Labels only the 2019/2021 forms print; the caller decides those templates first anyway.
_MODERN = ("本年新收政府信息公开申请数量", "本年制发件数", "本年新制作数量", "对外公开总数量")
_HEADER_FOLDED = re.compile(r"(?:统计指标|指标名称)(?:计量)?单位")
#: Row labels of the older statistics tables; three of them make a 统计表 even without header.
_ROW_WORDS = (
    "主动公开信息数", "主动公开文件数", "主动公开政府信息数", "受理依申请公开信息总数",
    "受理政府信息公开申请总数", "对申请的答复", "同意公开答复数", "同意部分公开答复数",
    "否决公开答复", "不予公开答复数", "不同意公开答复数", "当面申请数", "传真申请数",
    "电子邮件申请数", "网上申请数", "网络申请数", "信函申请数", "行政申诉",
    "政府信息公开收费减免金额",
)


def is_legacy(folded_text: str) -> bool:
    """True when the folded document text (``document.fold``) carries a legacy 统计表."""
    if any(m in folded_text for m in _MODERN):
        return False
    if "统计指标" in folded_text and "统计数" in folded_text:
        return True
    if _HEADER_FOLDED.search(folded_text):
        return True
    return sum(1 for w in _ROW_WORDS if w in folded_text) >= 3


def legacy_stats(doc: Document, notes: list[str] | None = None) -> list[LegacyRow]:
    """The 统计表 rows of a legacy report, in document order (empty when there is none).

    ``notes`` (the record's ``notes``) receives what a reader should check: glued digit runs
    that could not be split with certainty, extra numbers after a row.
    """
    return Reader(doc, notes).run()


__all__ = ["is_legacy", "legacy_stats"]
