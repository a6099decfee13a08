"""The one intermediate form every extractor produces and the parser reads.

A document is a list of blocks in reading order: paragraphs of text and table grids with
row/column spans already resolved. ``exact`` tells the parser whether a table's columns
can be trusted positionally (HTML, DOCX, ruled PDF tables) or were guessed from tabs and
spaces (plain text, PDF text without rules), where merged cells shift the cells.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field


@dataclass
class Paragraph:
    text: str
    page: int | None = None
    #: cut out of a paragraph that ran a report together: numbers may be glued to the label
    cut: bool = False


@dataclass
class Table:
    rows: list[list[str]]
    exact: bool = True
    page: int | None = None
    #: where the source said which slots one merged cell covers (HTML): per row, the number
    #: of the source cell each slot belongs to; None when unknown
    cells: list[list[int]] | None = None


Block = Paragraph | Table


@dataclass
class Document:
    blocks: list[Block] = field(default_factory=list)
    #: facts the container states outside the body: page title, 发布时间, source format.
    meta: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        """Plain text of the whole document, tables as tab-separated lines."""
        out: list[str] = []
        for b in self.blocks:
            if isinstance(b, Paragraph):
                out.append(b.text)
            else:
                out.extend("\t".join(r) for r in b.rows)
        return "\n".join(out)


def fold(text: str) -> str:
    """NFKC-fold and drop all whitespace: the form labels and search terms are compared in."""
    return "".join(unicodedata.normalize("NFKC", text).split())


class ExtractionError(Exception):
    """A file that cannot be turned into text; the message says why and what to do."""


def drop_split_columns(rows: list[list[str]]) -> list[list[str]]:
    """Drop sliver grid columns: every cell in them spans in from a neighbour.

    Hand-drawn Word tables, LibreOffice conversions and PDF rules often split one
    printed column into two grid columns; the copy would shift the values after it. A
    column counts as a sliver only when a label (not just numbers) spans it, so a table
    of zeros keeps its columns.
    """
    from .numbers import is_value

    width = max((len(r) for r in rows), default=0)
    if len(rows) < 2 or width < 2 or any(len(r) != width for r in rows):
        return rows

    def sliver(c: int) -> bool:
        spanned = all((c > 0 and r[c] == r[c - 1]) or (c + 1 < len(r) and r[c] == r[c + 1])
                      for r in rows)
        return spanned and any(r[c].strip() and not is_value(r[c]) for r in rows)

    while True:  # one at a time: of two halves of a split column, one stays
        c = next((c for c in range(len(rows[0])) if sliver(c)), None)
        if c is None or len(rows[0]) < 2:
            return rows
        rows = [r[:c] + r[c + 1 :] for r in rows]
