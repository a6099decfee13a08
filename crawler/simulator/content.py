"""What the simulated portals publish: report files built from the seed reports.

When ``archive.samples``/``archive.render`` exist they produce the files; until then a
small built-in renderer turns a seed text (names and years replaced) into HTML, DOCX or
PDF, enough for the archive to extract and file under the right agency and year.
"""

from __future__ import annotations

import html
import io
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

SEED_AGENCIES = ["自治区机关事务管理局", "沙坡头区机关事务局", "中卫市机关事务服务中心",
                 "自治区信访局", "自治区人民政府办公厅"]


@lru_cache(maxsize=8)
def _seed(i: int) -> str:
    here = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "seeds"
    files = sorted(here.glob("*.txt")) if here.is_dir() else []
    if not files:
        return "一、总体情况\n本机关认真贯彻落实《中华人民共和国政府信息公开条例》。\n"
    return files[i % len(files)].read_text(encoding="utf-8")


def _try_render(agency: str, year: int, fmt: str, seed: int) -> bytes | None:
    try:
        from archive.render import render
        from archive.samples import sample_record, template_for
    except ImportError:
        return None
    return served_bytes(render, sample_record(agency, year, template_for(year), seed), fmt)


def served_bytes(render: Any, rec: Any, fmt: str) -> bytes:
    """The report as a portal serves it: the article body for html (the portal wraps it
    in its own page), else the file itself."""
    data: bytes = render(rec, fmt)
    if fmt == "html":
        text = data.decode("utf-8")
        start = text.find("<div class=\"Custom_UnionStyle\">")
        end = text.rfind("</div></div></div>")
        if start >= 0 and end > start:
            data = text[start + len("<div class=\"Custom_UnionStyle\">"):end].encode("utf-8")
    return data


def report_title(agency: str, year: int) -> str:
    return f"{agency}{year}年政府信息公开工作年度报告"


def report_text(agency: str, year: int, seed: int, revision: int = 0) -> str:
    """The seed report rewritten for another agency and year (revision adds a note)."""
    src = _seed(seed)
    body = src.split("\n", 1)[1] if "\n" in src else src
    for name in SEED_AGENCIES:
        body = body.replace(name, agency)
    body = re.sub(r"20(1\d|2\d)年", lambda m: f"{year + int(m.group(0)[:4]) - 2020}年", body)
    text = report_title(agency, year) + "\n\n" + body
    if revision:
        text += f"\n\n（第{revision}次修订：更正了部分统计数据的表述。）\n"
    return text


def text_to_html_body(text: str) -> str:
    out = []
    rows: list[list[str]] = []
    for line in text.splitlines():
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        if rows:
            out.append("<table>" + "".join(
                "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows)
                + "</table>")
            rows = []
        if line.strip():
            out.append(f"<p>{html.escape(line)}</p>")
    if rows:
        out.append("<table>" + "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows)
            + "</table>")
    return "\n".join(out)


def _docx(text: str) -> bytes:
    import docx  # python-docx

    d = docx.Document()
    rows: list[list[str]] = []

    def flush() -> None:
        if not rows:
            return
        width = max(len(r) for r in rows)
        t = d.add_table(rows=len(rows), cols=width)
        for i, r in enumerate(rows):
            for j, c in enumerate(r):
                t.cell(i, j).text = c
        rows.clear()

    for line in text.splitlines():
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        flush()
        if line.strip():
            d.add_paragraph(line)
    flush()
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _pdf(text: str) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    try:
        pdfmetrics.getFont("STSong-Light")
    except KeyError:
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    y = 800
    for raw in text.splitlines():
        line = raw.replace("\t", "  ")
        chunks = [line[i:i + 38] for i in range(0, len(line), 38)] or [""]
        for chunk in chunks:
            if y < 50:
                c.showPage()
                y = 800
            c.setFont("STSong-Light", 11)
            c.drawString(40, y, chunk)
            y -= 16
    c.save()
    return buf.getvalue()


def image_pdf(pdf: bytes, dpi: int = 100) -> bytes:
    """The 图片版 of a PDF: every page rasterised and saved as an image-only PDF, the way a
    stamped and scanned report is published; there is no text layer to extract."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        pages = [doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
                 for i in range(len(doc))]
    finally:
        doc.close()
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", save_all=True, append_images=pages[1:], resolution=float(dpi))
    return buf.getvalue()


#: WPS 文字 files are Word 97 binaries in an OLE container; the one sample here is a
#: LibreOffice-made .doc of a rendered record (the only converter-free source of one)
WPS_SAMPLES = {("自治区信访局", 2021): "gov2021-xfj.doc"}


def wps_file(agency: str, year: int) -> bytes:
    name = WPS_SAMPLES.get((agency, year))
    path = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "doc" / (name or "")
    if name and path.is_file():
        return path.read_bytes()
    try:
        from archive.render import render
        from archive.samples import sample_record, template_for

        return render(sample_record(agency, year, template_for(year), 0), "doc")
    except Exception as e:
        raise ValueError(f"no WPS sample for {agency} {year} and no converter ({e})") from e


def report_file(agency: str, year: int, fmt: str, seed: int, revision: int = 0) -> bytes:
    """The report as a file of the given format (html body fragment for "html"; "scan"
    is the image-only 图片版 PDF, "wps" a WPS 文字 file)."""
    if fmt == "scan":
        return image_pdf(report_file(agency, year, "pdf", seed, revision))
    if fmt == "wps":
        return wps_file(agency, year)
    got = _try_render(agency, year, fmt, seed + 1000 * revision)
    if got is not None:
        return got
    text = report_text(agency, year, seed, revision)
    if fmt == "pdf":
        return _pdf(text)
    if fmt == "docx":
        return _docx(text)
    return text_to_html_body(text).encode("utf-8")
