"""PDF: ruled tables as exact grids (pdfplumber), everything else as text lines.

pdfium (pypdfium2) reads the text of pages without ruled tables: it is several times
faster than pdfminer, which only runs on pages whose drawing has table rules.
"""

from __future__ import annotations

import io

from .document import Document, ExtractionError, Paragraph, Table
from .extract import drop_split_columns


def _open_error(e: Exception) -> ExtractionError:
    name = type(e).__name__
    msg = str(e).lower()
    if "password" in msg or "encrypt" in msg or "Password" in name:
        return ExtractionError("PDF 文件已加密，无法提取文字；请向发布单位索取未加密版本")
    return ExtractionError(f"PDF 文件已损坏或被截断（{name}: {e}）；请重新下载原文件")


def extract_pdf(data: bytes) -> Document:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as e:  # pdfium raises PdfiumError for damage and for passwords
        raise _open_error(e) from e
    doc = Document(meta={"format": "pdf"})
    ruled_pages: list[int] = []
    texts: list[str] = []
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            if any(obj.type == pdfium.raw.FPDF_PAGEOBJ_PATH for obj in page.get_objects()):
                ruled_pages.append(i)
    except Exception as e:
        raise _open_error(e) from e
    finally:
        pdf.close()
    tables_by_page: dict[int, list[tuple[tuple[float, float, float, float], list[list[str]]]]] = {}
    if ruled_pages:
        import pdfplumber

        try:
            with pdfplumber.open(io.BytesIO(data), pages=[p + 1 for p in ruled_pages]) as plumb:
                for page in plumb.pages:
                    found = page.find_tables()
                    if not found:
                        continue
                    entries = []
                    for t in found:
                        entries.append((t.bbox, drop_split_columns(_resolve_spans(t))))
                    tables_by_page[page.page_number - 1] = entries
                    texts[page.page_number - 1] = _text_outside(page, [t.bbox for t in found])
        except Exception as e:
            raise _open_error(e) from e
    for i, text in enumerate(texts):
        if i in tables_by_page:
            # interleave: text above the first table, tables, text after (by y position)
            for item in _interleave(text, tables_by_page[i]):
                if isinstance(item, list):
                    doc.blocks.append(Table(rows=item, exact=True, page=i + 1))
                else:
                    doc.blocks.append(Paragraph(item, page=i + 1))
            continue
        for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
            if line.strip():
                doc.blocks.append(Paragraph(" ".join(line.split()), page=i + 1))
    return doc


def _cell(c: str | None) -> str:
    return " ".join((c or "").split())


def _resolve_spans(table: object) -> list[list[str]]:
    """The table's grid with a merged cell's text in every slot it spans, as HTML and DOCX
    grids have it (pdfplumber leaves the covered slots None)."""
    texts = table.extract()  # type: ignore[attr-defined]
    rows = table.rows  # type: ignore[attr-defined]
    origin: dict[tuple[float, ...], str] = {}
    col_x: dict[int, float] = {}
    for row, line in zip(rows, texts, strict=False):
        for c, (bbox, text) in enumerate(zip(row.cells, line, strict=False)):
            if bbox is not None:
                origin[tuple(bbox)] = _cell(text)
                col_x[c] = min(col_x.get(c, bbox[0]), bbox[0])
    out: list[list[str]] = []
    for row, line in zip(rows, texts, strict=False):
        cells: list[str] = []
        for c, (bbox, text) in enumerate(zip(row.cells, line, strict=False)):
            if bbox is not None:
                cells.append(_cell(text))
                continue
            x, y = col_x.get(c, row.bbox[0]) + 0.5, row.bbox[1] + 0.5
            cells.append(next((t for b, t in origin.items()
                               if b[0] <= x < b[2] and b[1] <= y < b[3]), ""))
        out.append(cells)
    return out


def _text_outside(page: object, bboxes: list[tuple[float, float, float, float]]) -> str:
    """Lines outside the tables, each prefixed by its top y so tables can be slotted in."""
    words_page = page.filter(  # type: ignore[attr-defined]
        lambda o: not any(
            o.get("x0", 0) >= b[0] - 1
            and o.get("x1", 0) <= b[2] + 1
            and o.get("top", 0) >= b[1] - 1
            and o.get("bottom", 0) <= b[3] + 1
            for b in bboxes
        )
    )
    lines = words_page.extract_text_lines(return_chars=False)
    return "\n".join(f"{ln['top']:.1f}\x1f{ln['text']}" for ln in lines)


def _interleave(
    text: str, tables: list[tuple[tuple[float, float, float, float], list[list[str]]]]
) -> list[str | list[list[str]]]:
    items: list[tuple[float, str | list[list[str]]]] = []
    for line in text.split("\n"):
        if "\x1f" in line:
            top, body = line.split("\x1f", 1)
            if body.strip():
                items.append((float(top), " ".join(body.split())))
    for bbox, rows in tables:
        items.append((bbox[1], rows))
    items.sort(key=lambda t: t[0])
    return [it for _, it in items]
