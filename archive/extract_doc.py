"""Word 97–2003 binary (.doc) and WPS text, read from the OLE piece table in pure Python.

The text stream marks paragraph ends with ``\\r`` and cell ends with ``\\x07``; a table row
ends with one extra ``\\x07``. That is enough to rebuild table grids without a converter.
"""

from __future__ import annotations

import io
import struct

from .document import Document, ExtractionError, Paragraph, Table


def _piece_text(word: bytes, table: bytes, fc_clx: int, lcb_clx: int) -> str:
    clx = table[fc_clx : fc_clx + lcb_clx]
    pos = 0
    while pos < len(clx) and clx[pos] == 0x01:  # Prc: property modifiers, skip
        (cb,) = struct.unpack_from("<H", clx, pos + 1)
        pos += 3 + cb
    if pos >= len(clx) or clx[pos] != 0x02:
        raise ExtractionError("DOC 文件的片段表（CLX）损坏")
    (lcb,) = struct.unpack_from("<I", clx, pos + 1)
    plc = clx[pos + 5 : pos + 5 + lcb]
    n = (len(plc) - 4) // 12
    cps = struct.unpack_from(f"<{n + 1}I", plc, 0)
    parts: list[str] = []
    for i in range(n):
        pcd_off = 4 * (n + 1) + 8 * i
        (fc,) = struct.unpack_from("<I", plc, pcd_off + 2)
        length = cps[i + 1] - cps[i]
        if fc & 0x40000000:
            start = (fc & 0x3FFFFFFF) // 2
            parts.append(word[start : start + length].decode("cp1252", errors="replace"))
        else:
            parts.append(word[fc : fc + 2 * length].decode("utf-16-le", errors="replace"))
    return "".join(parts)


def read_word_binary(data: bytes) -> Document:
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except OSError as e:
        raise ExtractionError(f"OLE 文件损坏（{e}）；请重新下载原文件") from e
    if not ole.exists("WordDocument"):
        raise ExtractionError("OLE 文件中没有 WordDocument 流（不是 Word/WPS 文字文档）")
    word = ole.openstream("WordDocument").read()
    if len(word) < 0x01AA:
        raise ExtractionError("DOC 文件头不完整（文件被截断）")
    (flags,) = struct.unpack_from("<H", word, 0x000A)
    if flags & 0x0100:
        raise ExtractionError("DOC 文件已加密，无法读取；请向发布单位索取未加密版本")
    table_name = "1Table" if flags & 0x0200 else "0Table"
    if not ole.exists(table_name):
        raise ExtractionError(f"DOC 文件缺少 {table_name} 流")
    table = ole.openstream(table_name).read()
    fc_clx, lcb_clx = struct.unpack_from("<II", word, 0x01A2)
    try:
        text = _piece_text(word, table, fc_clx, lcb_clx)
    except struct.error as e:
        raise ExtractionError(f"DOC 片段表无法读取（{e}）") from e
    return _to_document(text)


def _to_document(text: str) -> Document:
    """Rows are runs of ``\x07``-terminated cells; without the paragraph properties an
    empty cell and a row end look alike, so grids from here are marked inexact."""
    doc = Document(meta={"format": "doc"})
    table: Table | None = None
    for piece in text.replace("\x0b", "\n").split("\r"):
        piece = "".join(ch for ch in piece if ch >= " " or ch in "\t\n\x07")
        if "\x07" in piece:
            cells = [c.strip() for c in piece.split("\x07")]
            while cells and cells[-1] == "":
                cells.pop()
            if table is None:
                table = Table(rows=[], exact=False)
                doc.blocks.append(table)
            if cells:
                table.rows.append(cells)
        elif piece.strip():
            table = None
            doc.blocks.append(Paragraph(piece.strip()))
    return doc
