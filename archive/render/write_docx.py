"""The Word writers: DOCX with real merged cells, and DOC converted from it by LibreOffice."""

from __future__ import annotations

import html
import io
import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..record import Record
from .layout import Cell, Grid, layout, place

# ---------------------------------------------------------------- DOCX


def render_docx(rec: Record) -> bytes:
    """Word document with real merged cells (gridSpan / vMerge), as offices write them."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    d = docx.Document()
    normal = d.styles["Normal"]
    normal.font.name = "宋体"
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    normal.font.size = Pt(10.5)
    d.core_properties.title = rec["title"] or ""
    for kind, payload in layout(rec):
        if kind == "table":
            _docx_table(d, payload)
            d.add_paragraph()  # Word always closes a table with a paragraph
            continue
        p = d.add_paragraph()
        run = p.add_run(payload)
        if kind == "title":
            run.bold = True
            run.font.size = Pt(16)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "heading":
            run.bold = True
        elif kind == "right":
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif kind == "center":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    buf = io.BytesIO()
    d.save(buf)
    return _fixed_zip_times(buf.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """The same record renders to the same bytes: zip entries get a fixed timestamp
    (python-docx stamps them with the current time, which would make every rendering a
    new version to the archive)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def _docx_table(d: Any, grid: Grid) -> None:
    """Append the grid as Word writes merged tables: gridSpan across, vMerge down.

    Written as WordprocessingML directly: python-docx's ``merge`` re-resolves the grid
    with XPath on every call and took most of the rendering time.
    """
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    origin = {(r, c): cell for r, c, cell in place(grid)}
    below: dict[tuple[int, int], Cell] = {}  # slots continued from a cell above
    for (r, c), cell in origin.items():
        for dr in range(1, cell.rowspan):
            below[(r + dr, c)] = cell
    twips = [round(w * 20) for w in grid.widths]
    out = [f"<w:tbl {nsdecls('w')}><w:tblPr><w:tblStyle w:val=\"TableGrid\"/>"
           f"<w:tblW w:w=\"{sum(twips)}\" w:type=\"dxa\"/>"
           "<w:tblLook w:val=\"04A0\"/></w:tblPr><w:tblGrid>"
           + "".join(f"<w:gridCol w:w=\"{t}\"/>" for t in twips) + "</w:tblGrid>"]
    for r in range(len(grid.rows)):
        out.append("<w:tr>")
        for c in range(len(grid.widths)):
            found = origin.get((r, c)) or below.get((r, c))
            if found is None:
                continue  # inside a gridSpan
            cell = found
            width = sum(twips[c : c + cell.colspan])
            props = f"<w:tcW w:w=\"{width}\" w:type=\"dxa\"/>"
            if cell.colspan > 1:
                props += f"<w:gridSpan w:val=\"{cell.colspan}\"/>"
            if (r, c) in below:
                out.append(f"<w:tc><w:tcPr>{props}<w:vMerge/></w:tcPr><w:p/></w:tc>")
                continue
            if cell.rowspan > 1:
                props += "<w:vMerge w:val=\"restart\"/>"
            props += "<w:vAlign w:val=\"center\"/>"
            bold = "<w:b/>" if cell.header else ""
            run = (f"<w:r><w:rPr>{bold}<w:sz w:val=\"18\"/></w:rPr>"
                   f"<w:t xml:space=\"preserve\">{html.escape(cell.text, quote=False)}</w:t></w:r>"
                   if cell.text else "")
            out.append(f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:pPr><w:jc w:val=\"center\"/>"
                       f"</w:pPr>{run}</w:p></w:tc>")
        out.append("</w:tr>")
    out.append("</w:tbl>")
    d.element.body.append(parse_xml("".join(out)))
    d.element.body.append(d.element.body.sectPr)  # keep sectPr last




# ---------------------------------------------------------------- DOC


def render_doc(rec: Record) -> bytes:
    """Word 97 DOC, converted from the DOCX by LibreOffice (needs ``soffice`` on PATH)."""
    return render_docs([rec])[0]


def render_docs(recs: Sequence[Record]) -> list[bytes]:
    """Many records as DOC, one LibreOffice start per core: a start costs about 1.3 s and a
    file about 0.25 s, so a farm's 457 DOC files take about a minute, not ten."""
    if not recs:
        return []
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise RuntimeError("rendering DOC needs LibreOffice: no 'soffice' on PATH "
                           "(install libreoffice, or render 'docx' instead)")
    n = max(1, min(os.cpu_count() or 1, len(recs) // 8))
    size = -(-len(recs) // n)
    chunks = [recs[i:i + size] for i in range(0, len(recs), size)]
    with ThreadPoolExecutor(len(chunks)) as pool:
        done = list(pool.map(lambda chunk: _convert(soffice, chunk), chunks))
    return [doc for chunk in done for doc in chunk]


def _convert(soffice: str, recs: Sequence[Record]) -> list[bytes]:
    with tempfile.TemporaryDirectory() as tmp:  # its own profile: starts can run at once
        src = [Path(tmp) / f"r{i}.docx" for i in range(len(recs))]
        for path, rec in zip(src, recs, strict=True):
            path.write_bytes(render_docx(rec))
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                        "--convert-to", "doc", "--outdir", f"{tmp}/doc", *map(str, src)],
                       check=True, capture_output=True, timeout=180 + 5 * len(recs))
        out = []
        for path in src:
            doc = Path(tmp) / "doc" / f"{path.stem}.doc"
            if not doc.exists():
                raise RuntimeError(f"LibreOffice did not convert {path.name} to DOC")
            out.append(doc.read_bytes())
        return out
