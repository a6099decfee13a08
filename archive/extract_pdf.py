"""PDF: ruled tables as exact grids, everything else as text lines — all through pdfium.

Tables are found from the drawing itself: the horizontal and vertical rules of the
page's path objects make a grid of slots; two neighbouring slots with no rule between
them belong to one merged cell, whose text then fills every slot it spans (as HTML and
DOCX grids have it). pdfium (pypdfium2, C) reads both the rules and the text, several
times faster than pdfminer/pdfplumber: a full parse stays within about the time of
``pdftotext`` on the same file (benchmarks/parse.py). pdfium drops a lone glyph of a
non-embedded CID font; a page where it measured such a glyph as empty is read by
pdfplumber instead, slower but complete.
"""

from __future__ import annotations

import bisect
import ctypes
import io
from dataclasses import dataclass
from typing import Any

from .document import Block, Document, ExtractionError, Paragraph, Table, drop_split_columns

#: points: rules closer than this are one rule; a rule shorter than MIN_RULE is a tick
SNAP = 3.0
MIN_RULE = 2.0


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
    pages: list[list[Block]] = []
    blind: list[int] = []
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            is_blind, found = scan(page)
            if is_blind:
                blind.append(i)
                pages.append([])
            else:
                pages.append(_page_blocks(page, i + 1, found))
    except Exception as e:
        raise _open_error(e) from e
    finally:
        pdf.close()
    if blind:
        for i, blocks in _plumber_pages(data, blind).items():
            pages[i] = blocks
    doc.blocks = join_split_rows([b for blocks in pages for b in blocks])
    return doc


def join_split_rows(blocks: list[Block]) -> list[Block]:
    """Mend a table row that a page break cut in two.

    Word and WPS let a row break across pages: the values stay on the first page with
    the top of the labels (``1.属于国家``), the rest of the labels (``秘密``) open the
    table on the next page in an otherwise empty row. That row is folded back into the
    last row of the previous page's table when it only continues labels.
    """
    from .numbers import is_value

    last: Table | None = None
    for block in blocks:
        if not isinstance(block, Table):
            continue
        if last is not None and last.page != block.page and block.rows and last.rows:
            prev, first = last.rows[-1], block.rows[0]
            labels = [c for c, v in enumerate(prev) if v.strip() and not is_value(v)]
            values = [c for c, v in enumerate(prev) if v.strip() and is_value(v)]
            if (len(prev) == len(first) and values and any(first[c].strip() for c in labels)
                    and all(not first[c].strip() for c in range(len(first)) if c not in labels)):
                last.rows[-1] = [f"{v} {first[c]}".strip() if c in labels and first[c].strip()
                                 and first[c] != v else v for c, v in enumerate(prev)]
                block.rows.pop(0)
        last = block
    return [b for b in blocks if not isinstance(b, Table) or b.rows]


def _page_blocks(page: Any, number: int, found: list[_Rule]) -> list[Block]:
    """Text above, between and below the page's ruled tables, and the tables."""
    textpage = page.get_textpage()
    width, height = page.get_size()
    tables = find_tables(found, textpage)
    if not tables:
        return _lines(textpage.get_text_range(), number)
    out: list[Block] = []
    top = height + 1
    for table in tables:  # top to bottom
        out += _lines(textpage.get_text_bounded(0, table.top, width, top), number)
        rows = list(table.rows)
        while rows and len({c.strip() for c in rows[0] if c.strip()}) <= 1:
            # lines of running text inside the frame (WPS rules the body text as part of
            # the table that follows it): paragraphs, so their headings count
            line = next((c.strip() for c in rows.pop(0) if c.strip()), "")
            if line:
                out.append(Paragraph(line, number))
        if rows:
            out.append(Table(rows=drop_split_columns(rows), exact=True, page=number))
        top = table.bottom
    return out + _lines(textpage.get_text_bounded(0, 0, width, top), number)


def _lines(text: str, page: int) -> list[Block]:
    return [Paragraph(" ".join(line.split()), page=page)
            for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            if line.strip()]


# ---------------------------------------------------------------- rules


@dataclass
class _Rule:
    at: float  # y of a horizontal rule, x of a vertical one
    lo: float
    hi: float
    horizontal: bool


@dataclass
class FoundTable:
    top: float
    bottom: float
    rows: list[list[str]]


def scan(page: Any) -> tuple[bool, list[_Rule]]:
    """One pass over the page's objects, through pdfium's C API (WPS writes every glyph as
    its own object: wrapping thousands of them in Python objects cost more than the rest
    of the parse).

    Returns whether the page is blind — pdfium drops text objects it measures as empty
    (seen with single characters in non-embedded CID fonts), so such a page is read by
    pdfminer instead — and the axis-aligned segments of its paths (lines, rectangle
    edges, thin fills), the rules tables are found from.
    """
    import pypdfium2.raw as raw

    # pdfium's functions bound once: the loop runs per glyph object on WPS pages
    count_segments, get_segment = raw.FPDFPath_CountSegments, raw.FPDFPath_GetPathSegment
    get_point, seg_type, seg_close = (raw.FPDFPathSegment_GetPoint, raw.FPDFPathSegment_GetType,
                                      raw.FPDFPathSegment_GetClose)
    get_object, obj_type = raw.FPDFPage_GetObject, raw.FPDFPageObj_GetType
    get_bounds, get_matrix = raw.FPDFPageObj_GetBounds, raw.FPDFPageObj_GetMatrix
    text_kind, path_kind = raw.FPDF_PAGEOBJ_TEXT, raw.FPDF_PAGEOBJ_PATH
    moveto, lineto = raw.FPDF_SEGMENT_MOVETO, raw.FPDF_SEGMENT_LINETO
    edges: list[tuple[tuple[float, float], tuple[float, float]]] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    matrix = raw.FS_MATRIX()
    handle = page.raw
    for i in range(raw.FPDFPage_CountObjects(handle)):
        obj = get_object(handle, i)
        kind = obj_type(obj)
        if kind == text_kind:
            get_bounds(obj, left, bottom, right, top)
            if right.value - left.value < 0.01 and top.value - bottom.value < 0.01:
                return True, []
            continue
        if kind != path_kind or not get_matrix(obj, matrix):
            continue
        a, b, c, d, e, f = matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f
        start = prev = None
        for k in range(count_segments(obj)):
            seg = get_segment(obj, k)
            get_point(seg, x, y)
            px, py = x.value, y.value
            pt = (a * px + c * py + e, b * px + d * py + f)
            kind = seg_type(seg)
            if kind == moveto:
                start = pt
            elif kind == lineto and prev is not None:
                edges.append((prev, pt))
            prev = pt
            if start is not None and seg_close(seg):
                edges.append((pt, start))
                prev = start
    return False, _rules(edges)


def _rules(edges: list[tuple[tuple[float, float], tuple[float, float]]]) -> list[_Rule]:
    """The axis-aligned edges as rules, collinear pieces that touch joined into one (WPS
    draws every cell's border on its own: a table's row line comes as one piece a cell)."""
    lines: dict[tuple[bool, float], list[tuple[float, float]]] = {}
    for (x0, y0), (x1, y1) in edges:
        if abs(y0 - y1) < 0.5 and abs(x0 - x1) >= MIN_RULE:
            key, lo, hi = (True, round((y0 + y1) / 2, 1)), min(x0, x1), max(x0, x1)
        elif abs(x0 - x1) < 0.5 and abs(y0 - y1) >= MIN_RULE:
            key, lo, hi = (False, round((x0 + x1) / 2, 1)), min(y0, y1), max(y0, y1)
        else:
            continue
        lines.setdefault(key, []).append((lo, hi))
    out: list[_Rule] = []
    for (horizontal, at), spans in lines.items():
        spans.sort()
        cur_lo, cur_hi = spans[0]
        for lo, hi in spans[1:]:
            if lo <= cur_hi + 0.5:
                cur_hi = max(cur_hi, hi)
            else:
                out.append(_Rule(at, cur_lo, cur_hi, horizontal))
                cur_lo, cur_hi = lo, hi
        out.append(_Rule(at, cur_lo, cur_hi, horizontal))
    return out


def _cluster(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > SNAP:
            out.append(v)
    return out


def _groups(found: list[_Rule]) -> list[list[_Rule]]:
    """Rules that touch each other (a horizontal crossing a vertical) form one table."""
    parent = list(range(len(found)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    hs = [i for i, r in enumerate(found) if r.horizontal]
    vs = sorted((i for i, r in enumerate(found) if not r.horizontal), key=lambda j: found[j].at)
    v_at = [found[j].at for j in vs]
    v_span = [(found[j].lo - SNAP, found[j].hi + SNAP, j) for j in vs]
    for i in hs:  # only the verticals within the horizontal's reach (WPS: thousands of each)
        h = found[i]
        y, ri = h.at, root(i)
        for lo, hi, j in v_span[bisect.bisect_left(v_at, h.lo - SNAP):
                                bisect.bisect_right(v_at, h.hi + SNAP)]:
            if lo <= y <= hi and parent[j] != ri:
                rj = root(j)
                if rj != ri:
                    parent[rj] = ri
    groups: dict[int, list[_Rule]] = {}
    for i, r in enumerate(found):
        groups.setdefault(root(i), []).append(r)
    return list(groups.values())


def find_tables(found: list[_Rule], textpage: Any) -> list[FoundTable]:
    """The ruled tables of a page, top to bottom, merged cells' text in every slot."""
    tables = []
    for group in _groups(found):
        ys = _cluster([r.at for r in group if r.horizontal])[::-1]  # top first
        xs = _cluster([r.at for r in group if not r.horizontal])
        if len(ys) < 3 or len(xs) < 3:  # at least 2 x 2 slots: a framed box is no table
            continue
        tables.append(_grid(group, xs, ys, textpage))
    tables.sort(key=lambda t: -t.top)
    return tables


def _grid(group: list[_Rule], xs: list[float], ys: list[float], textpage: Any) -> FoundTable:
    hs = [r for r in group if r.horizontal]
    vs = [r for r in group if not r.horizontal]

    hs.sort(key=lambda r: r.at)
    vs.sort(key=lambda r: r.at)
    h_at, v_at = [r.at for r in hs], [r.at for r in vs]

    def ruled(lines: list[_Rule], at: float, mid: float) -> bool:
        keys = h_at if lines is hs else v_at
        near = lines[bisect.bisect_left(keys, at - SNAP):bisect.bisect_right(keys, at + SNAP)]
        return any(r.lo - SNAP <= mid <= r.hi + SNAP for r in near)

    nr, nc = len(ys) - 1, len(xs) - 1
    parent = list(range(nr * nc))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(nr):
        ymid = (ys[r] + ys[r + 1]) / 2
        for c in range(nc):
            xmid = (xs[c] + xs[c + 1]) / 2
            if c + 1 < nc and not ruled(vs, xs[c + 1], ymid):
                parent[root(r * nc + c)] = root(r * nc + c + 1)
            if r + 1 < nr and not ruled(hs, ys[r + 1], xmid):
                parent[root(r * nc + c)] = root((r + 1) * nc + c)
    cells: dict[int, list[int]] = {}
    for i in range(nr * nc):
        cells.setdefault(root(i), []).append(i)
    rows = [[""] * nc for _ in range(nr)]
    for slots in cells.values():
        r0, r1 = min(s // nc for s in slots), max(s // nc for s in slots)
        c0, c1 = min(s % nc for s in slots), max(s % nc for s in slots)
        text = textpage.get_text_bounded(xs[c0] + 0.5, ys[r1 + 1] + 0.5, xs[c1 + 1] - 0.5,
                                         ys[r0] - 0.5)
        text = " ".join(text.split())
        for s in slots:
            rows[s // nc][s % nc] = text
    return FoundTable(top=ys[0] + SNAP, bottom=ys[-1] - SNAP, rows=rows)


# ---------------------------------------------------------------- pdfminer fallback


def _plumber_pages(data: bytes, pages: list[int]) -> dict[int, list[Block]]:
    """Pages pdfium cannot read fully, through pdfplumber: slower, but sees every glyph."""
    import pdfplumber

    out: dict[int, list[Block]] = {}
    try:
        with pdfplumber.open(io.BytesIO(data), pages=[p + 1 for p in pages]) as plumb:
            for page in plumb.pages:
                number = page.page_number
                found = page.find_tables()
                if not found:
                    lines = page.extract_text_lines(return_chars=False)
                    out[number - 1] = [Paragraph(" ".join(ln["text"].split()), page=number)
                                       for ln in lines if ln["text"].strip()]
                    continue
                tables = [(t.bbox, drop_split_columns(_resolve_spans(t))) for t in found]
                text = _text_outside(page, [t.bbox for t in found])
                out[number - 1] = [
                    Table(rows=item, exact=True, page=number) if isinstance(item, list)
                    else Paragraph(item, page=number)
                    for item in _interleave(text, tables)]
    except Exception as e:
        raise _open_error(e) from e
    return out


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
