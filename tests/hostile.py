"""Hostile files for tests/test_hostile_files.py, built on the spot (nothing large is
committed): zip bombs with lying headers, huge valid DOCX XML, random bytes, deep HTML."""

from __future__ import annotations

import io
import random
import struct
import zlib

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOC_HEAD = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:document xmlns:w="{W_NS}"><w:body>').encode()
DOC_TAIL = b"</w:body></w:document>"


def _docx_parts() -> dict[str, bytes]:
    """The members of a small real DOCX written by python-docx."""
    import zipfile

    import docx

    buf = io.BytesIO()
    d = docx.Document()
    d.add_paragraph("某某局2023年政府信息公开工作年度报告")
    d.save(buf)
    zf = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    return {n: zf.read(n) for n in zf.namelist()}


def _deflate_chunks(chunks: list[tuple[bytes, int]]) -> tuple[bytes, int, int]:
    """Raw deflate of each (piece, repeat); returns (compressed, size, crc). Each piece is
    compressed once and ends in a full flush (no back-references across it), so its
    compressed bytes can simply be repeated: a gigabyte takes milliseconds."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    out, size, crc = [], 0, 0
    for piece, times in chunks:
        out.append((c.compress(piece) + c.flush(zlib.Z_FULL_FLUSH)) * times)
        size += len(piece) * times
        for _ in range(times):
            crc = zlib.crc32(piece, crc)
    out.append(c.flush())
    return b"".join(out), size, crc


def _zip(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip of already-deflated members: (name, compressed, declared size, crc, method)."""
    body, central = io.BytesIO(), io.BytesIO()
    for name, comp, size, crc, method in members:
        offset = body.tell()
        fn = name.encode()
        body.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, method, 0, 0x21,
                               crc, len(comp), size, len(fn), 0) + fn + comp)
        central.write(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, method, 0, 0x21,
                                  crc, len(comp), size, len(fn), 0, 0, 0, 0, 0, offset) + fn)
    cd = central.getvalue()
    start = body.tell()
    body.write(cd)
    body.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members),
                           len(cd), start, 0))
    return body.getvalue()


def _docx_with(document: list[tuple[bytes, int]], *, lie: bool) -> bytes:
    members = []
    for name, data in _docx_parts().items():
        if name == "word/document.xml":
            comp, size, crc = _deflate_chunks(document)
            if lie:  # declare 4 KiB, with the CRC of those first 4 KiB
                first = b"".join(p * min(t, 4096) for p, t in document[:2])[:4096]
                size, crc = 4096, zlib.crc32(first)
            members.append((name, comp, size, crc, 8))
        else:
            comp, size, crc = _deflate_chunks([(data, 1)])
            members.append((name, comp, size, crc, 8))
    return _zip(members)


def lying_bomb_docx(mib: int = 1000) -> bytes:
    """About 1 MB: word/document.xml inflates to ``mib`` MiB; headers say 4 KiB."""
    run = b"<w:p><w:r><w:t>" + b"A" * (1 << 20) + b"</w:t></w:r></w:p>"
    return _docx_with([(DOC_HEAD, 1), (run, mib), (DOC_TAIL, 1)], lie=True)


def huge_xml_docx(mb: int = 53) -> bytes:
    """A small DOCX with ``mb`` MB of valid, honestly declared XML: many short paragraphs."""
    para = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>"
    block = para * (1_000_000 // len(para))
    return _docx_with([(DOC_HEAD, 1), (block, mb), (DOC_TAIL, 1)], lie=False)


def random_bytes(n: int = 200_000, seed: int = 13) -> bytes:
    return random.Random(seed).randbytes(n)


def deep_html(levels: int = 200_000) -> bytes:
    return (b"<html><body>" + b"<div>" * levels + "某局2023年政府信息公开工作年度报告".encode()
            + b"</div>" * levels + b"</body></html>")
