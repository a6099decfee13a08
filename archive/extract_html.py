"""HTML pages: decode whatever the page claims, resolve table spans, keep page metadata."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from .document import Document, Paragraph, Table
from .extract import decode_text

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)
_PUBDATE = re.compile(r"(?:发布时间|发布日期|成文日期|时间)[:：]\s*(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})")
_BLOCK_TAGS = {
    "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
    "article", "center", "blockquote", "pre", "dd", "dt",
}


def html_charset(data: bytes, content_type: str | None) -> str | None:
    m = _META_CHARSET.search(data[:4096])
    if m:
        return m.group(1).decode("ascii", "replace")
    if content_type and "charset=" in content_type.lower():
        return content_type.lower().split("charset=")[-1].split(";")[0].strip()
    return None


def grid(table: Tag) -> list[list[str]]:
    """Rows of a table with rowspan/colspan resolved: a merged cell's text fills every slot."""
    rows: list[list[str]] = []
    pending: dict[int, tuple[str, int]] = {}  # col -> (text, rows left)
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:
            continue
        row: list[str] = []
        col = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            col = _fill_pending(row, col, pending)
            text = " ".join(cell.get_text(" ", strip=True).split())
            span = _int_attr(cell, "colspan")
            down = _int_attr(cell, "rowspan")
            for _ in range(span):
                row.append(text)
                if down > 1:
                    pending[col] = (text, down - 1)
                col += 1
        _fill_pending(row, col, pending)
        rows.append(row)
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


def _fill_pending(row: list[str], col: int, pending: dict[int, tuple[str, int]]) -> int:
    """Slot in the cells that merged cells of rows above carry down into this row."""
    while col in pending:
        text, left = pending[col]
        row.append(text)
        if left <= 1:
            del pending[col]
        else:
            pending[col] = (text, left - 1)
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
    text = decode_text(data, html_charset(data, content_type))
    det = embedded_detail(text)
    if det is not None:  # the shell page shows nothing; the report is the embedded article
        text = embedded_page(det)
    soup = BeautifulSoup(text, "lxml")
    for bad in soup(["script", "style", "noscript", "template", "iframe", "object"]):
        bad.decompose()
    doc = Document(meta={"format": "html"})
    if soup.title and soup.title.string:
        doc.meta["title"] = soup.title.string.strip()
    for name in ("PubDate", "pubdate", "publishdate", "firstpublishedtime", "dc.date"):
        meta = soup.find("meta", attrs={"name": re.compile(f"^{name}$", re.I)})
        if isinstance(meta, Tag) and meta.get("content"):
            m = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", str(meta["content"]))
            if m:
                doc.meta["posted_on"] = f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}"
                break
    body = soup.body or soup
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
                rows = grid(child)
                if rows:
                    doc.blocks.append(Table(rows=rows, exact=True))
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
