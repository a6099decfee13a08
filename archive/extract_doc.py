"""Word 97–2003 binary (.doc) and WPS text, read from the OLE piece table in pure Python.

The text stream marks paragraph ends with ``\\r`` and cell ends with ``\\x07``; a table row
ends with one extra ``\\x07``. That is enough to rebuild table grids without a converter.
"""

from __future__ import annotations

import io
import struct

from .document import Document, ExtractionError, Paragraph, Table


def _pieces(table: bytes, fc_clx: int, lcb_clx: int) -> list[tuple[int, int, int, bool]]:
    """The piece table: (cp_start, cp_end, fc, compressed) per piece."""
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
    out = []
    for i in range(n):
        (fc,) = struct.unpack_from("<I", plc, 4 * (n + 1) + 8 * i + 2)
        compressed = bool(fc & 0x40000000)
        fc = (fc & 0x3FFFFFFF) // 2 if compressed else fc
        out.append((cps[i], cps[i + 1], fc, compressed))
    return out


def _row_ends(word: bytes, table: bytes, data: bytes = b"") -> list[tuple[int, int]]:
    """File-offset ranges of paragraphs marked sprmPFTtp: the table-row end marks.

    Without them an empty cell and a row end look alike (both a lone ``\\x07``).
    """
    fc_plc, lcb_plc = struct.unpack_from("<II", word, 0x0102)
    plc = table[fc_plc : fc_plc + lcb_plc]
    if len(plc) < 8:
        return []
    n = (len(plc) - 4) // 8
    pns = struct.unpack_from(f"<{n}I", plc, 4 * (n + 1))
    ranges: list[tuple[int, int]] = []
    for pn in pns:
        fkp = word[(pn & 0x3FFFFF) * 512 : (pn & 0x3FFFFF) * 512 + 512]
        if len(fkp) < 512:
            continue
        crun = fkp[511]
        fcs = struct.unpack_from(f"<{crun + 1}I", fkp, 0)
        for i in range(crun):
            b_off = fkp[4 * (crun + 1) + 13 * i] * 2
            if b_off == 0:
                continue
            cb = fkp[b_off]
            if cb == 0:
                size, start = fkp[b_off + 1] * 2, b_off + 2
            else:
                size, start = cb * 2 - 1, b_off + 1
            grpprl = fkp[start + 2 : start + size]  # skip istd
            huge = grpprl.find(b"\x46\x66")  # sprmPHugePapx: properties in the Data stream
            if huge >= 0 and huge + 6 <= len(grpprl):
                (off,) = struct.unpack_from("<I", grpprl, huge + 2)
                if off + 2 <= len(data):
                    (cb_huge,) = struct.unpack_from("<H", data, off)
                    grpprl = grpprl + data[off + 2 : off + 2 + cb_huge]
            # sprmPFTtp (0x2417) or sprmPFInnerTtp (0x244C) with operand 1
            if _has_sprm(grpprl, 0x2417) or b"\x17\x24\x01" in grpprl \
                    or b"\x4c\x24\x01" in grpprl:
                ranges.append((fcs[i], fcs[i + 1]))
    return ranges


_SPRM_SIZES = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}


def _has_sprm(grpprl: bytes, wanted: int) -> bool:
    pos = 0
    while pos + 2 <= len(grpprl):
        (sprm,) = struct.unpack_from("<H", grpprl, pos)
        spra = sprm >> 13
        pos += 2
        if sprm == wanted:
            return pos < len(grpprl) and grpprl[pos] == 1
        if spra == 6:  # variable length operand
            if pos >= len(grpprl):
                break
            length = grpprl[pos] + 1
            if sprm == 0xD608:  # sprmTDefTable: two-byte length
                length = struct.unpack_from("<H", grpprl, pos)[0] + 1
            pos += length
        else:
            pos += _SPRM_SIZES.get(spra, 1)
    return False


def _piece_text(word: bytes, table: bytes, fc_clx: int, lcb_clx: int, data: bytes = b"") -> str:
    """The document text with row-end cell marks turned into ``\\x1e``."""
    try:
        row_ends = _row_ends(word, table, data)
    except struct.error:
        row_ends = []
    parts: list[str] = []
    for cp0, cp1, fc, compressed in _pieces(table, fc_clx, lcb_clx):
        length = cp1 - cp0
        if compressed:
            text = word[fc : fc + length].decode("cp1252", errors="replace")
            width = 1
        else:
            text = word[fc : fc + 2 * length].decode("utf-16-le", errors="replace")
            width = 2
        if row_ends and "\x07" in text:
            chars = list(text)
            for i, ch in enumerate(chars):
                if ch == "\x07":
                    at = fc + width * i
                    if any(a <= at < b for a, b in row_ends):
                        chars[i] = "\x1e"
            text = "".join(chars)
        parts.append(text)
    return "".join(parts)


def read_word_binary(data: bytes) -> Document:
    """Text and table rows of a DOC/WPS file; a damaged file of any kind (olefile and
    struct raise ValueError, IndexError, … on hostile bytes) is an ExtractionError."""
    try:
        return _read_word_binary(data)
    except (ExtractionError, MemoryError, RecursionError):
        raise
    except Exception as e:  # noqa: BLE001 - olefile raises many kinds on damaged files
        raise ExtractionError(f"DOC/WPS 文件已损坏（{type(e).__name__}: {e}）；请重新下载原文件") from e


def _read_word_binary(data: bytes) -> Document:
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
    data_stream = ole.openstream("Data").read() if ole.exists("Data") else b""
    try:
        text = _piece_text(word, table, fc_clx, lcb_clx, data_stream)
    except struct.error as e:
        raise ExtractionError(f"DOC 片段表无法读取（{e}）") from e
    return _to_document(text)


def _to_document(text: str) -> Document:
    """Cells end with ``\\x07``; rows end with the ``\\x1e`` marks found from the paragraph
    properties. Without those marks the grid is only a guess, so it is marked inexact."""
    doc = Document(meta={"format": "doc"})
    exact = "\x1e" in text
    table: Table | None = None
    cells: list[str] = []
    buf = ""

    def end_table_row() -> None:
        nonlocal table, cells
        if table is None:
            table = Table(rows=[], exact=exact)
            doc.blocks.append(table)
        table.rows.append(cells)
        cells = []

    for ch in text.replace("\x0b", "\n"):
        if ch == "\x07":
            cells.append(" ".join(buf.split()))
            buf = ""
            if not exact and cells and cells[-1] == "" and len(cells) > 1:
                cells.pop()
                end_table_row()
        elif ch == "\x1e":
            if buf.strip():
                cells.append(" ".join(buf.split()))
            buf = ""
            end_table_row()
        elif ch == "\r":
            if cells or (table is not None and buf and not buf.strip()):
                buf += "\n"  # a paragraph inside a cell
                continue
            if buf.strip():
                table = None
                doc.blocks.append(Paragraph(" ".join(buf.split())))
            buf = ""
        elif ch >= " " or ch in "\t\n":
            buf += ch
    if cells:
        end_table_row()
    if buf.strip():
        doc.blocks.append(Paragraph(" ".join(buf.split())))
    return doc
