"""What the simulated portals publish: report files rendered by ``archive.render`` from
``archive.samples`` records; the WPS sample it serves is package data (``data/``)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from archive.record import Record
from archive.render import render, render_docs
from archive.samples import sample_record, template_for

#: files the simulator serves that it cannot make itself, shipped with the package
DATA = Path(__file__).resolve().parent / "data"


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
    if name and (DATA / name).is_file():
        return (DATA / name).read_bytes()
    try:
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
    return served_bytes(render, report_record(agency, year, seed, revision), fmt)


def report_record(agency: str, year: int, seed: int, revision: int = 0) -> Record:
    """The record a simulated report renders: each revision a different seed."""
    return sample_record(agency, year, template_for(year), seed + 1000 * revision)


def doc_files(reports: Sequence[tuple[str, int, int, int]]) -> list[bytes]:
    """``report_file(agency, year, "doc", seed, revision)`` for many reports at once, through
    one LibreOffice start per batch (a farm's warm-up; one start per file took 10 minutes
    at 1,000 portals)."""
    return render_docs([report_record(*r) for r in reports])
