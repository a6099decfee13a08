"""Turn the bytes of any report file into a :class:`Document`.

Formats are told by their magic bytes, never by the file name: portals serve PDFs named
``.doc`` and PNGs named ``.pdf``. Every failure is an :class:`ExtractionError` whose
message a person can act on.
"""

from __future__ import annotations

import io
import re
import shutil
import struct
import subprocess
import tempfile
import zipfile
import zlib
from pathlib import Path

from .decode import decode_text
from .document import Document, ExtractionError, Paragraph, Table, drop_split_columns

#: Files larger than this are archived but not parsed.
MAX_PARSE_BYTES = 64 * 1024 * 1024
#: A DOCX whose parts inflate beyond this is treated as a zip bomb (counted while
#: inflating, never taken from the zip's headers); ``docx_unzipped_mb`` in nianbao.toml.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
#: The XML of a DOCX (all its parts together) is parsed into a tree of about twenty
#: times its size, so it is capped; ``docx_xml_mb`` in nianbao.toml.
MAX_XML_BYTES = 16 * 1024 * 1024
#: At most this many members in a DOCX (a real one has a few dozen).
MAX_ZIP_MEMBERS = 5000

IMAGE_MAGIC = {
    b"\x89PNG": "PNG 图片",
    b"\xff\xd8\xff": "JPEG 图片",
    b"GIF8": "GIF 图片",
}
#: Markup at the very start (after a BOM and whitespace) that makes bytes a web page even
#: when no <html>/<body> comes in the first kilobyte: a page fragment, a script shell.
_HTML_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<!doctype|<html|<head|<body|<meta|<script|<div|<p\b)",
                         re.I)


def sniff(data: bytes) -> str:
    """Format name from the content: pdf, docx, ole, html, image, zip, empty, text.

    The one sniffer: the crawler reads it too (``crawler.pages.sniff_kind``)."""
    head = data[:1024]
    if not data:
        return "empty"
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return "zip"
        return "docx" if "word/document.xml" in names else "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    for magic in IMAGE_MAGIC:
        if head.startswith(magic):
            return "image"
    low = head.lower()
    if b"<html" in low or b"<!doctype html" in low or b"<body" in low or b"<table" in low:
        return "html"
    if _HTML_START.match(head):  # a fragment or script shell: <script>…, <div>…, <meta …>
        return "html"
    return "text"


def extract(data: bytes, *, content_type: str | None = None,
            max_unzipped: int = MAX_UNZIPPED_BYTES, max_xml: int = MAX_XML_BYTES) -> Document:
    """Extract a document from bytes; raises ExtractionError with a reason on failure.

    ``max_unzipped`` and ``max_xml`` bound what a DOCX may inflate to (bytes)."""
    if len(data) > MAX_PARSE_BYTES:
        raise ExtractionError(
            f"文件过大（{len(data) / 1048576:.0f} MB，上限 {MAX_PARSE_BYTES // 1048576} MB），"
            "已存档但未解析；请人工核查该文件"
        )
    kind = sniff(data)
    if kind == "empty":
        raise ExtractionError("文件为空（0 字节）；门户可能提供了失效附件，请核对原链接")
    if kind == "image":
        name = next(v for k, v in IMAGE_MAGIC.items() if data.startswith(k))
        raise ExtractionError(f"文件内容是{name}而不是文档，无法提取文字；需人工录入或 OCR")
    if kind == "zip":
        raise ExtractionError("文件是 ZIP 压缩包而不是 DOCX 文档；请解压后单独导入")
    if kind == "pdf":
        from .extract_pdf import extract_pdf

        doc = extract_pdf(data)
    elif kind == "docx":
        doc = extract_docx(data, max_unzipped=max_unzipped, max_xml=max_xml)
    elif kind == "ole":
        doc = extract_ole(data)
    elif kind == "html":
        from .extract_html import extract_html

        doc = extract_html(data, content_type=content_type)
    else:
        doc = extract_text(data)
    doc.meta.setdefault("format", kind)
    if not any(isinstance(b, Table) or b.text.strip() for b in doc.blocks):
        if kind == "pdf":
            raise ExtractionError("PDF 没有文字层（图片版/扫描件），无法提取数据；原文件已存档，"
                                  "请人工查看，或向发布单位索取文字版")
        raise ExtractionError(f"{kind} 文件中没有可提取的文字（可能是扫描件）；需人工录入或 OCR")
    return doc


_MD_RULE = re.compile(r"^\|?(\s*:?-{2,}:?\s*\|)+\s*:?-*:?\s*$")
_MD_MARKS = re.compile(r"^#{1,6}\s+|\*\*|__")


#: bytes that do not occur in text (all C0 controls but tab, newlines and form feed; DEL)
_CONTROL_BYTES = bytes([*range(0, 9), 0x0B, *range(0x0E, 0x20), 0x7F])
#: share of control bytes, or of bytes no Chinese encoding reads, that makes a file "not text"
MAX_BAD_SHARE = 0.01


def _text_of(data: bytes) -> str:
    """The text of a file that sniffed as text, or ExtractionError when it is not text:
    random bytes (a .pdf/.docx/.doc that is none of them), binary data, or bytes that
    neither UTF-8 nor GB18030 reads, beyond a stray damaged character or two."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    sample = data[: 1 << 20]
    control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if control > max(2, MAX_BAD_SHARE * len(sample)):
        raise ExtractionError(
            f"文件内容是二进制数据（{control * 100 / len(sample):.0f}% 为控制字符），不是 PDF、"
            "DOCX、DOC/WPS、网页或文本文档；可能是损坏或伪装的附件，请核对原链接")
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    bad = min(data.decode(enc, errors="replace").count("\ufffd") for enc in ("utf-8", "gb18030"))
    if bad > max(8, MAX_BAD_SHARE * len(data) / 2):
        raise ExtractionError(
            f"文本中有 {bad} 处字节无法按 UTF-8 或 GB18030 解码，不像文本文档；"
            "可能是损坏或伪装的附件，请核对原文件格式")
    return decode_text(data)


def extract_text(data: bytes) -> Document:
    """Plain text and markdown: tab-separated lines are table rows (cells unreliable),
    pipe-table lines (what OCR and converters print) rows with exact cells, the rest
    paragraphs, without markdown's heading and emphasis marks."""
    text = _text_of(data)
    doc = Document(meta={"format": "text"})
    table: Table | None = None
    for line in text.splitlines():
        stripped = line.strip()
        pipe = stripped.startswith("|") and stripped.count("|") >= 2
        if pipe and _MD_RULE.match(stripped):
            continue
        if "\t" in line or pipe:
            if table is None or table.exact != pipe:
                table = Table(rows=[], exact=pipe)
                doc.blocks.append(table)
            cells = stripped.strip("|").split("|") if pipe else line.split("\t")
            table.rows.append([_MD_MARKS.sub("", c).strip() for c in cells])
            continue
        if stripped:
            table = None
            doc.blocks.append(Paragraph(_MD_MARKS.sub("", stripped).strip()))
    return doc


_KEPT = (".xml", ".rels")
_INFLATE_IN = 1 << 16
_INFLATE_OUT = 1 << 20


def _inflate(buf: bytes, info: zipfile.ZipInfo, room: int, cap: int | None,
             limits: tuple[int, int] = (MAX_UNZIPPED_BYTES, MAX_XML_BYTES)) -> bytes:
    """One member's bytes, inflated here in bounded steps and counted as they come out:
    the sizes and CRC in the zip's headers are checked against what was inflated, never
    trusted beforehand. ``room``: bytes this member may still inflate to before the whole
    package counts as a bomb; ``cap``: what the member may inflate to when it is kept
    (XML); other members are counted and dropped. ``limits`` (package, XML) for messages."""
    name = info.filename
    if info.flag_bits & 0x1:
        raise ExtractionError("DOCX 文件已加密，无法读取；请向发布单位索取未加密版本")
    off = info.header_offset
    if buf[off : off + 4] != b"PK\x03\x04":
        raise ExtractionError(f"DOCX 文件已损坏（{name} 的文件头缺失）；请重新下载原文件")
    n, m = struct.unpack_from("<HH", buf, off + 26)
    start = off + 30 + n + m
    comp = memoryview(buf)[start : start + info.compress_size]
    keep = cap is not None
    parts: list[bytes] = []
    total = crc = 0

    def take(chunk: bytes) -> None:
        nonlocal total, crc
        total += len(chunk)
        if total > room:
            raise ExtractionError(
                f"DOCX 解压后超过 {limits[0] // 1048576} MB 上限"
                f"（{name} 的文件头声明 {info.file_size} 字节，实际解压已超过 "
                f"{total // 1048576} MB，压缩包炸弹？），拒绝解析；原文件已存档，请人工核查")
        if cap is not None and total > cap:
            raise ExtractionError(
                f"DOCX 中的 XML 超过 {limits[1] // 1048576} MB 上限（{name}），不像正常的年度报告，"
                "拒绝解析以免耗尽内存；原文件已存档，请人工核查（上限见 nianbao.toml 的 docx_xml_mb）")
        crc = zlib.crc32(chunk, crc)
        if keep:
            parts.append(chunk)

    if info.compress_type == zipfile.ZIP_STORED:
        for i in range(0, len(comp), _INFLATE_OUT):
            take(bytes(comp[i : i + _INFLATE_OUT]))
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        d = zlib.decompressobj(-15)
        pos, pending = 0, b""
        while not d.eof:
            if not pending and pos < len(comp):
                pending, pos = bytes(comp[pos : pos + _INFLATE_IN]), pos + _INFLATE_IN
            try:
                chunk = d.decompress(pending, _INFLATE_OUT)
            except zlib.error as e:
                raise ExtractionError(f"DOCX 文件已损坏（{name}: {e}）；请重新下载原文件") from e
            pending = d.unconsumed_tail
            if not chunk and not pending and pos >= len(comp):
                break
            take(chunk)
        if not d.eof:
            raise ExtractionError(f"DOCX 文件已损坏（{name} 被截断）；请重新下载原文件")
    else:
        raise ExtractionError(f"DOCX 中 {name} 使用了不支持的压缩方式（{info.compress_type}）；"
                              "请用 Word/WPS 另存后再导入")
    if total != info.file_size:
        raise ExtractionError(
            f"DOCX 中 {name} 的文件头声明 {info.file_size} 字节，实际解压得到 {total} 字节"
            "（文件头不实，疑似压缩包炸弹），拒绝解析；原文件已存档，请人工核查")
    if crc != info.CRC:
        raise ExtractionError(f"DOCX 文件已损坏（{name} 校验和不符）；请重新下载原文件")
    return b"".join(parts)


def _safe_docx(data: bytes, max_unzipped: int = MAX_UNZIPPED_BYTES,
               max_xml: int = MAX_XML_BYTES) -> bytes:
    """The DOCX re-packed uncompressed from what was inflated here within the limits:
    its XML and relationships, other parts (images, embedded objects) emptied, so the
    reader never inflates anything itself. Every over-limit or lying member is an
    ExtractionError."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, struct.error, OSError) as e:
        raise ExtractionError(f"DOCX 文件已损坏（{e}）；请重新下载原文件") from e
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ExtractionError(f"DOCX 中有 {len(infos)} 个部件（正常的文档只有几十个），拒绝解析；"
                              "请人工核查")
    inflated = xml = 0
    seen: set[str] = set()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as clean:
        for info in infos:
            if info.is_dir() or info.filename in seen:
                continue
            seen.add(info.filename)
            kept = info.filename.lower().endswith(_KEPT)
            part = _inflate(data, info, max_unzipped - inflated,
                            max_xml - xml if kept else None, (max_unzipped, max_xml))
            inflated += info.file_size
            xml += len(part)
            clean.writestr(info.filename, part)
    return out.getvalue()


def extract_docx(data: bytes, *, max_unzipped: int = MAX_UNZIPPED_BYTES,
                 max_xml: int = MAX_XML_BYTES) -> Document:
    """DOCX body in order, tables as native grids (merged cells repeat their text).

    The reader gets the package as :func:`_safe_docx` re-packed it, never the file."""
    package = _safe_docx(data, max_unzipped, max_xml)
    try:
        import docx
        from docx.text.paragraph import Paragraph as DocxParagraph

        d = docx.Document(io.BytesIO(package))
    except (MemoryError, RecursionError):
        raise
    except Exception as e:  # python-docx raises many kinds on damaged files
        raise ExtractionError(f"DOCX 文件无法打开（{type(e).__name__}: {e}）；请重新下载原文件") from e
    del package
    doc = Document(meta={"format": "docx"})
    core = d.core_properties
    if core.title:
        doc.meta["title"] = core.title
    for child in d.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = DocxParagraph(child, d).text.strip()
            if text:
                doc.blocks.append(Paragraph(text))
        elif tag == "tbl":
            doc.blocks.append(Table(rows=drop_split_columns(docx_grid(child)), exact=True))
    return doc


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_RUN_TEXT = {f"{_W}t": None, f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n",
             f"{_W}noBreakHyphen": "-"}


def _wval(el: object, path: str) -> str | None:
    found = el.find(path)  # type: ignore[attr-defined]
    return None if found is None else found.get(f"{_W}val", "")


def _tc_text(tc: object) -> str:
    """A cell's text as python-docx gives it: its paragraphs joined by newlines."""
    paras = []
    for p in tc.findall(f"{_W}p"):  # type: ignore[attr-defined]
        parts = []
        for el in p.iter(*_RUN_TEXT):
            fixed = _RUN_TEXT[el.tag]
            parts.append(el.text or "" if fixed is None else fixed)
        paras.append("".join(parts))
    return "\n".join(paras).strip()


def docx_grid(tbl: object) -> list[list[str]]:
    """A Word table's rows on its column grid, merged cells' text in every slot they span.

    Read straight from the XML (gridSpan, vMerge): python-docx resolves each cell with
    XPath and took most of a DOCX parse.
    """
    rows: list[list[str]] = []
    for tr in tbl.findall(f"{_W}tr"):  # type: ignore[attr-defined]
        row: list[str] = []
        before = _wval(tr, f"{_W}trPr/{_W}gridBefore")
        row += [""] * (int(before) if before and before.isdigit() else 0)
        for tc in tr.findall(f"{_W}tc"):
            span = _wval(tc, f"{_W}tcPr/{_W}gridSpan")
            width = int(span) if span and span.isdigit() and int(span) > 0 else 1
            vmerge = _wval(tc, f"{_W}tcPr/{_W}vMerge")
            if vmerge is not None and vmerge != "restart" and rows:
                above = rows[-1]
                col = len(row)
                text = above[col] if col < len(above) else ""
            else:
                text = _tc_text(tc)
            row += [text] * width
        rows.append(row)
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


def extract_ole(data: bytes) -> Document:
    """Legacy Word 97–2003 DOC and WPS files: the pure-Python reader first (exact table
    rows from the paragraph properties); LibreOffice, when installed, for what it cannot
    read (e.g. fast-saved files whose text is not in one piece table)."""
    from .extract_doc import read_word_binary

    try:
        doc = read_word_binary(data)
        if any(isinstance(b, Table) and b.exact for b in doc.blocks) or not _converter():
            return doc
    except ExtractionError:
        if not _converter():
            raise
    return _convert_with_libreoffice(data)


def _lift_memory_limit() -> None:
    """LibreOffice maps gigabytes of address space it never touches: the parse budget's
    RLIMIT_AS (meant for our own reading) would stop it before it starts. It runs in its
    own process under its own timeout."""
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def _converter() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _convert_with_libreoffice(data: bytes) -> Document:
    converter = _converter()
    assert converter is not None
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.doc"
        src.write_bytes(data)
        try:
            subprocess.run(
                [converter, "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                 "--convert-to", "docx", "--outdir", tmp, str(src)],
                check=True, capture_output=True, timeout=120, preexec_fn=_lift_memory_limit,
            )
        except (subprocess.SubprocessError, OSError) as e:
            raise ExtractionError(f"DOC/WPS 文件无法读取，LibreOffice 转换也失败（{e}）") from e
        out = Path(tmp) / "in.docx"
        if not (out.exists() and out.stat().st_size):
            raise ExtractionError("DOC/WPS 文件无法读取，LibreOffice 也未能转换；请人工核查")
        doc = extract_docx(out.read_bytes())
        doc.meta["format"] = "doc"
        return doc


_WS = re.compile(r"[ \t\u3000\xa0]+")


def clean_line(text: str) -> str:
    return _WS.sub(" ", text).strip()
