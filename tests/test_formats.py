"""One report, every format a portal publishes it in: the parser reads back the same truth.

Each sample record is rendered as an HTML page (UTF-8, and GB18030 declared as gb2312),
a DOCX with real merged cells and a PDF with ruled tables, then extracted and parsed;
the tables must come back cell for cell, blanks as blanks, signed changes and amounts as
printed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from archive.document import fold
from archive.extract import extract
from archive.numbers import parse_amount
from archive.parse import parse_document
from archive.record import Record, iter_cells
from archive.render import render, render_text
from archive.samples import sample_record


def _gov2021_big() -> Record:
    rec = sample_record("自治区人民政府办公厅", 2023, "gov2021", 4, blank_cells=4, big=True)
    rec["active_disclosure"]["fees"]["amount"] = parse_amount("2154.97万元", "万元")
    rec["active_disclosure"]["rules"]["repealed"] = None
    node = rec["applications"]["other_handling"]  # printed with its own 小计 row
    node["printed"] = {c: sum(node[k][c] or 0 for k in ("no_correction", "unpaid_fee", "other"))
                       for c in node["other"]}
    return rec


def _gov2019_quirks() -> Record:
    rec = sample_record("中卫市机关事务服务中心", 2020, "gov2019", 2, blank_cells=3)
    ad = rec["active_disclosure"]
    ad["procurement"]["amount"] = parse_amount("506.48 万")
    ad["licensing"]["change"] = -1
    ad["other_services"]["change"] = -12
    ad["fees"]["previous_count"] = None
    return rec


def _legacy_blank() -> Record:
    rec = sample_record("沙坡头区机关事务局", 2016, "legacy", 3)
    rec["legacy_stats"][5]["value"] = None  # 1.政府公报公开政府信息数 left blank
    return rec


CASES = {
    "gov2021": lambda: sample_record("自治区民政厅", 2022, "gov2021", 0),
    "gov2021-big-blanks": _gov2021_big,
    "gov2019-quirks": _gov2019_quirks,
    "gov2019-2019": lambda: sample_record("银川市财政局", 2019, "gov2019", 1),
    "legacy": lambda: sample_record("固原市原州区人民政府", 2014, "legacy", 0),
    "legacy-blank": _legacy_blank,
}
FORMATS = [("html", "utf-8"), ("html", "gb18030"), ("docx", "utf-8"), ("pdf", "utf-8")]


def _legacy_rows(rec: Record) -> list[tuple[Any, ...]]:
    # labels compared folded: a PDF cell wraps its label over lines
    return [(fold(r["label"]), r["unit"], r["value"], [fold(p) for p in r["path"]])
            for r in rec["legacy_stats"]]


def assert_same_truth(source: Record, parsed: Record) -> None:
    for key in ("agency", "year", "template", "published_on", "period", "portal_urls",
                "contact", "sections"):
        assert parsed[key] == source[key], key  # type: ignore[literal-required]
    assert fold(parsed["title"] or "") == fold(source["title"] or "")
    assert parsed["active_disclosure"] == source["active_disclosure"]
    assert parsed["applications"] == source["applications"]
    assert parsed["review_litigation"] == source["review_litigation"]
    assert _legacy_rows(parsed) == _legacy_rows(source)


@pytest.mark.parametrize("fmt,encoding", FORMATS, ids=[f"{f}-{e}" for f, e in FORMATS])
@pytest.mark.parametrize("case", list(CASES))
def test_every_format_parses_to_the_source_record(case: str, fmt: str, encoding: str) -> None:
    source = CASES[case]()
    data = render(source, fmt, encoding=encoding)
    doc = extract(data)
    assert doc.meta["format"] == fmt
    assert_same_truth(source, parse_document(doc))


def test_quirky_values_survive_as_printed() -> None:
    """The cells a reader would misread: blanks, decreases, amounts with their units."""
    source = _gov2019_quirks()
    rec = parse_document(extract(render(source, "pdf")))
    ad = rec["active_disclosure"]
    assert ad["licensing"]["change"] == -1
    assert ad["fees"]["previous_count"] is None
    assert ad["procurement"]["amount"] == {"text": "506.48 万", "yuan": 5064800}
    blanks = [path for path, v in iter_cells(rec) if v is None]
    assert blanks == [path for path, v in iter_cells(source) if v is None]
    assert len(blanks) == 4  # three 表三 cells and 上一年项目数量: null, never 0
    big = parse_document(extract(render(_gov2021_big(), "docx")))
    assert big["active_disclosure"]["fees"]["amount"] == {"text": "2154.97万元", "yuan": 21549700}


def test_gb18030_page_declaring_gb2312() -> None:
    data = render(CASES["gov2021"](), "html", encoding="gb18030")
    assert b"charset=gb2312" in data[:600]
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def test_html_tables_merge_cells_like_the_official_template() -> None:
    soup = BeautifulSoup(render(CASES["gov2021"](), "html"), "lxml")

    def td(text: str) -> Any:
        return soup.find(lambda t: t.name == "td" and t.get_text(strip=True) == text)

    assert td("三、本年度办理结果")["rowspan"] == "22"  # 2 + 8 + 3 + 5 + 3 + 1 rows
    assert td("（三）不予公开")["rowspan"] == "8"
    assert td("（六）其他处理")["rowspan"] == "3"
    assert td("法人或其他组织")["colspan"] == "5"
    assert td("申请人情况")["colspan"] == "7"
    assert td("行政诉讼")["colspan"] == "10"
    assert "发布时间：" in soup.get_text()
    old = BeautifulSoup(render(CASES["gov2019-2019"](), "html"), "lxml")
    cell = old.find(lambda t: t.name == "td" and t.get_text(strip=True) == "三、本年度办理结果")
    assert cell["rowspan"] == "20"


def test_blank_cells_render_empty() -> None:
    source = CASES["gov2021"]()
    source["review_litigation"]["admin_review"]["pending"] = None
    soup = BeautifulSoup(render(source, "html"), "lxml")
    values = soup.find_all("table")[-1].find_all("tr")[-1].find_all("td")
    assert len(values) == 15 and values[3].get_text(strip=True) == ""


def test_browser_copied_text_parses_too() -> None:
    """The tab-separated text a browser copy gives (merged cells printed once)."""
    source = CASES["gov2019-2019"]()
    assert_same_truth(source, parse_document(extract(render_text(source).encode())))


def test_unknown_format_and_missing_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    rec = CASES["gov2021"]()
    with pytest.raises(ValueError, match="unknown format"):
        render(rec, "odt")
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(RuntimeError, match="soffice"):
        render(rec, "doc")


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("soffice"), reason="DOC rendering needs LibreOffice")
def test_doc_converted_by_libreoffice() -> None:
    for case in ("gov2019-quirks", "legacy"):
        source = CASES[case]()
        data = render(source, "doc")
        assert data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        assert_same_truth(source, parse_document(extract(data)))


def _lone_glyph_pdf() -> bytes:
    """A PDF whose table cells hold single characters in the non-embedded CID font."""
    import io

    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("c", fontName="STSong-Light", fontSize=9, leading=12)
    rows = [["统计指标", "单位", "统计数"], ["（一）收到申请数", "件", "3"], ["坚持", "持", "7"]]
    buf = io.BytesIO()
    SimpleDocTemplate(buf).build([
        Paragraph("持", style),
        Table([[Paragraph(c, style) for c in r] for r in rows], colWidths=[200, 60, 60],
              style=[("GRID", (0, 0), (-1, -1), 0.5, "black")]),
    ])
    return buf.getvalue()


def test_pdf_lone_glyphs_are_not_lost() -> None:
    """pdfium drops a lone CID glyph; such a page is read by pdfminer instead."""
    doc = extract(_lone_glyph_pdf())
    tables = [b.rows for b in doc.blocks if hasattr(b, "rows")]
    assert tables == [[["统计指标", "单位", "统计数"], ["（一）收到申请数", "件", "3"],
                       ["坚持", "持", "7"]]]
    assert "持" in [b.text for b in doc.blocks if hasattr(b, "text")]


FIXTURES = Path(__file__).parent / "fixtures" / "formats"


def test_libreoffice_pdf_with_a_row_split_across_pages() -> None:
    """A DOCX exported to PDF by LibreOffice 7.4 (embedded subset fonts, rules as paths):
    表三's row 1.属于国家秘密 breaks over the page, its values on page 1, 秘密 on page 2.

    The JSON is what ``sample_record("自治区民政厅", 2022, "gov2021", 1, blank_cells=2)``
    held when the file was made; LibreOffice prints the amount as ``962.80 万元``.
    """
    expected = json.loads((FIXTURES / "gov2021_libreoffice.json").read_text())
    doc = extract((FIXTURES / "gov2021_libreoffice.pdf").read_bytes())
    rec = parse_document(doc)
    for key, value in expected.items():
        assert rec[key] == value, key  # type: ignore[literal-required]


def _word_style_pdf(rows: list[list[str]], widths: list[float], border: float) -> bytes:
    """A ruled table whose borders are filled rectangles ``border`` pt thick, the way
    Word's PDF export draws them (each rule is then two edges ``border`` apart)."""
    import io

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont("STSong-Light", 9)
    c.drawString(60, 760, "表格上方的文字")
    xs = [60.0]
    for w in widths:
        xs.append(xs[-1] + w)
    ys = [700.0 - 20 * i for i in range(len(rows) + 1)]
    for y in ys:
        c.rect(xs[0], y - border / 2, xs[-1] - xs[0], border, stroke=0, fill=1)
    for x in xs:
        c.rect(x - border / 2, ys[-1], border, ys[0] - ys[-1], stroke=0, fill=1)
    for r, row in enumerate(rows):
        for k, text in enumerate(row):
            c.drawString(xs[k] + 4, ys[r] - 14, text)
    c.save()
    return buf.getvalue()


@pytest.mark.parametrize("border", [0.5, 2.25])
def test_pdf_borders_drawn_as_filled_rectangles(border: float) -> None:
    rows = [["统计指标", "单位", "统计数"], ["（一）收到申请数", "件数", "3"], ["（二）申请办结数", "件数", "7"]]
    doc = extract(_word_style_pdf(rows, [200, 60, 60], border))
    assert [b.rows for b in doc.blocks if hasattr(b, "rows")] == [rows]
    assert doc.blocks[0].text == "表格上方的文字"  # type: ignore[union-attr]


def test_rendering_is_deterministic() -> None:
    """The same record gives the same bytes, so re-rendering is not a new version."""
    import io
    import zipfile

    rec = CASES["gov2021"]()
    first = {fmt: render(rec, fmt) for fmt in ("html", "docx", "pdf")}
    assert {fmt: render(rec, fmt) for fmt in ("html", "docx", "pdf")} == first
    # no clock inside: zip entries carry a fixed time, not the time of rendering
    stamps = {i.date_time for i in zipfile.ZipFile(io.BytesIO(first["docx"])).infolist()}
    assert stamps == {(2000, 1, 1, 0, 0, 0)}


@pytest.mark.parametrize(("data", "kind", "spider"), [
    (b"", "empty", "other"),
    (b"\r\n%PDF-1.7\n", "pdf", "pdf"),  # bytes before the magic, within the first KB
    (b"\xef\xbb\xbf<!DOCTYPE html><html><body>x</body></html>", "html", "html"),
    (b'<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN">', "html", "html"),
    (b"<!-- cms -->\n<html><body>x</body></html>", "html", "html"),
    (b"<script>document.cookie='a=1';location.reload()</script>", "html", "html"),
    (b"<div class='art'>" + b"x" * 2000, "html", "html"),
    (b"\x89PNG\r\n\x1a\n", "image", "other"),
    ("某局2023年政府信息公开工作年度报告".encode(), "text", "other"),
])
def test_one_sniffer_for_archive_and_crawler(data: bytes, kind: str, spider: str) -> None:
    from archive.extract import sniff
    from crawler.pages import sniff_kind

    assert sniff(data) == kind
    assert sniff_kind(data) == spider


def test_one_decoder_for_archive_and_crawler() -> None:
    from archive.decode import decode_page
    from crawler.pages import decode

    gbk = '<html><head><meta charset="gb2312"></head><body>政府信息公开年报</body></html>'
    utf8 = gbk.replace("gb2312", "utf-8")
    for body, header in ((gbk.encode("gb18030"), "utf-8"), (utf8.encode(), "gbk"),
                         (gbk.encode("gb18030"), "iso-8859-1"), (b"\xef\xbb\xbf" + utf8.encode(), None)):
        assert "政府信息公开年报" in decode(body, header)
        assert decode(body, header) == decode_page(body, header)
