"""HTML pages: decode whatever the page claims, resolve table spans, keep page metadata."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from .decode import decode_page
from .document import Document, Paragraph, Table

_PUBDATE = re.compile(r"(?:发布时间|发布日期|成文日期|时间)[:：]\s*(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})")
_BLOCK_TAGS = {
    "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
    "article", "center", "blockquote", "pre", "dd", "dt",
}


def header_charset(content_type: str | None) -> str | None:
    """The charset an HTTP Content-Type names."""
    if content_type and "charset=" in content_type.lower():
        return content_type.lower().split("charset=")[-1].split(";")[0].strip()
    return None


_TITLE_SEP = re.compile(r"\s*(?:_|\||｜|\s-\s|--)\s*")


def page_title(text: str) -> str:
    """A <title> without the portal's trail: ``报告_政府信息公开年报_某某网`` is ``报告``."""
    text = " ".join(text.split())
    parts = [p for p in _TITLE_SEP.split(text) if p]
    for p in parts:
        if "报告" in p or "年报" in p:
            return p
    return text


_FILE = re.compile(r"\.(?:docx?|wps|pdf|ofd|xlsx?|et)$", re.I)


def attachments(body: Tag) -> list[str]:
    """The office/PDF files the page links (a report posted as an attachment, or its
    统计表 as a spreadsheet): their link texts, else file names, in page order."""
    out: list[str] = []
    for a in body.find_all("a", href=True):
        href = str(a["href"]).split("?")[0].split("#")[0]
        if _FILE.search(href):
            name = " ".join(a.get_text(" ", strip=True).split()) or href.rsplit("/", 1)[-1]
            if name not in out:
                out.append(name)
    return out


def cell_text(cell: Tag) -> str:
    """A cell's text as it reads: inline runs (Word's one <span> per style change, which
    may cut a word or a number in two) joined as they are, blocks (<p>, <br>, <div>)
    apart by a space."""
    parts: list[str] = []
    for node in cell.descendants:
        if isinstance(node, Comment):
            continue
        if isinstance(node, NavigableString):
            parts.append(str(node))
        elif isinstance(node, Tag) and node.name in _BLOCK_TAGS:
            parts.append(" ")
    return " ".join("".join(parts).split())


def grid(table: Tag) -> list[list[str]]:
    """Rows of a table with rowspan/colspan resolved: a merged cell's text fills every slot."""
    return spanned_grid(table)[0]


def spanned_grid(table: Tag) -> tuple[list[list[str]], list[list[int]]]:
    """The grid and, for every slot, the number (within its row) of the source cell that
    covers it: Word cuts the cells of one table on different grid lines row by row
    (``16`` over columns 1-2 under a header over column 1 only), so which slots one cell
    fills matters when the columns are read."""
    rows: list[list[str]] = []
    owners: list[list[int]] = []
    pending: dict[int, tuple[str, int, int]] = {}  # col -> (text, rows left, cell id)
    ids = iter(range(1 << 30))
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:
            continue
        row: list[str] = []
        own: list[int] = []
        col = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            col = _fill_pending(row, own, col, pending)
            text = cell_text(cell)
            span = _int_attr(cell, "colspan")
            down = _int_attr(cell, "rowspan")
            cid = next(ids)
            for _ in range(span):
                row.append(text)
                own.append(cid)
                if down > 1:
                    pending[col] = (text, down - 1, cid)
                col += 1
        _fill_pending(row, own, col, pending)
        rows.append(row)
        owners.append(own)
    width = max((len(r) for r in rows), default=0)
    for r, o in zip(rows, owners, strict=True):
        while len(r) < width:
            r.append("")
            o.append(next(ids))
    return rows, owners


def _fill_pending(row: list[str], own: list[int], col: int,
                  pending: dict[int, tuple[str, int, int]]) -> int:
    """Slot in the cells that merged cells of rows above carry down into this row."""
    while col in pending:
        text, left, cid = pending[col]
        row.append(text)
        own.append(cid)
        if left <= 1:
            del pending[col]
        else:
            pending[col] = (text, left - 1, cid)
        col += 1
    return col


def _int_attr(cell: Tag, name: str) -> int:
    try:
        return max(1, min(int(str(cell.get(name) or "1").strip() or 1), 1000))
    except ValueError:
        return 1


_DETAIL = re.compile(r"\bDETAIL\s*:\s*(?=\{)")


def embedded_detail(text: str) -> dict[str, Any] | None:
    """The article a client-rendered page carries as JSON (Guangdong gkmlpt:
    ``window._CONFIG = {…, DETAIL: {"title", "content": "<p>…", "attachment": […]}}``);
    None for an ordinary page."""
    m = _DETAIL.search(text)
    if not m:
        return None
    try:
        got, _ = json.JSONDecoder().raw_decode(text, m.end())
    except ValueError:
        return None
    return got if isinstance(got, dict) and isinstance(got.get("content"), str) else None


def embedded_page(det: dict[str, Any], *, attachments: bool = False) -> str:
    """The page an embedded article stands for: title, PubDate, body and, when asked,
    links to its attachments."""
    when = html.escape(str(det.get("publish_time") or ""))
    links = "".join(f"<a href=\"{html.escape(str(a['url']))}\">{html.escape(str(a.get('name')))}"
                    "</a>" for a in det.get("attachment") or []
                    if attachments and isinstance(a, dict) and a.get("url"))
    return (f"<html><head><title>{html.escape(str(det.get('title') or ''))}</title>"
            f"<meta name=\"PubDate\" content=\"{when}\"></head>"
            f"<body>{det['content']}{links}</body></html>")


def extract_html(data: bytes, *, content_type: str | None = None) -> Document:
    text = decode_page(data, header_charset(content_type))
    det = embedded_detail(text)
    if det is not None:  # the shell page shows nothing; the report is the embedded article
        text = embedded_page(det)
    soup = BeautifulSoup(text, "lxml")
    for bad in soup(["script", "style", "noscript", "template", "iframe", "object"]):
        bad.decompose()
    doc = Document(meta={"format": "html"})
    article = soup.find("meta", attrs={"name": re.compile(r"^ArticleTitle$", re.I)})
    if isinstance(article, Tag) and str(article.get("content") or "").strip():
        doc.meta["title"] = " ".join(str(article["content"]).split())
    elif soup.title and soup.title.string:
        doc.meta["title"] = page_title(soup.title.string)
    for name in ("PubDate", "pubdate", "publishdate", "firstpublishedtime", "dc.date"):
        meta = soup.find("meta", attrs={"name": re.compile(f"^{name}$", re.I)})
        if isinstance(meta, Tag) and meta.get("content"):
            m = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", str(meta["content"]))
            if m:
                doc.meta["posted_on"] = f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}"
                break
    body = soup.body or soup
    files = attachments(body)
    if files:
        doc.meta["attachments"] = "；".join(files)
    lines: list[str] = []

    def flush() -> None:
        line = " ".join("".join(lines).split())
        if line:
            doc.blocks.append(Paragraph(line))
        lines.clear()

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                lines.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            if child.name == "table":
                flush()
                rows, owners = spanned_grid(child)
                if rows:
                    doc.blocks.append(Table(rows=rows, exact=True, cells=owners))
                continue
            block = child.name in _BLOCK_TAGS
            if block:
                flush()
            walk(child)
            if block:
                flush()

    walk(body)
    flush()
    if "posted_on" not in doc.meta:
        m = _PUBDATE.search(soup.get_text(" "))
        if m:
            doc.meta["posted_on"] = f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}"
    return doc
