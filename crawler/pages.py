"""Reading portal pages: text decoding, report titles, dates, links, attachments.

Pure functions over bytes and strings, so each hard case in ``docs/platforms.md`` is a unit
test away. The spider and the CMS adapters build on these.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urljoin, urlsplit, urlunsplit

from parsel import Selector

from archive.decode import decode_page
from archive.extract import sniff

from .downloadermiddlewares.guard import netloc

REPORT_TITLE = re.compile(r"((?:19|20)\d{2})\s*年(?:度)?.{0,40}?政府信息公开.{0,12}?(?:年度报告|年报)")
COLUMN_TEXT = re.compile(r"(政府信息公开|信息公开|公开)?(工作)?(年报|年度报告|工作报表)")
COLUMN_SLUG = re.compile(r"(zfxxgknb|xxgknb|gknb|nb_?\d{4}n?b?|xxgk-xxgknb|common_zfxxgknb)",
                         re.I)
YEAR_TEXT = re.compile(r"^\s*((?:19|20)\d{2})\s*(年|年度)?\s*$")
FILE_EXT = re.compile(r"\.(pdf|docx?|wps|ofd|xlsx?|et|zip|rar|7z)(?:$|[?#])", re.I)
REPORT_EXT_RANK = {"pdf": 0, "docx": 1, "doc": 2, "wps": 3, "ofd": 4}
_DATE_LABEL = re.compile(
    r"(?:发布时间|发布日期|信息提供日期|公开日期|发文日期|PubDate)[^0-9]{0,12}"
    r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_ANY_DATE = re.compile(r"(?<![\d/-])((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})(?![\d-])")
_META_PUB = re.compile(
    r"<meta[^>]+(?:name=[\"'](?:PubDate|pubdate|Maketime|firstpublishedtime)[\"'][^>]*content="
    r"[\"']([^\"']+)|content=[\"']([^\"']+)[\"'][^>]*name=[\"'](?:PubDate|Maketime)[\"'])", re.I)


def decode(body: bytes, declared: str | None = None) -> str:
    """Page bytes as text: ``archive.decode.decode_page`` (the meta charset, then the
    header's ``declared`` one, each only if the bytes decode cleanly in it)."""
    return decode_page(body, declared)


_ERROR_PAGE = re.compile(r"页面不存在|已被删除|页面找不到|找不到页面|无法找到|404|NotFound", re.I)


def error_page(text: str) -> bool:
    """A 200 page that only says "页面不存在": a dead link, never a report."""
    text = re.sub(r"(?is)<(script|style)[^>]*>.*?</\1>", "", text)
    visible = clean(html.unescape(re.sub(r"<[^>]+>", " ", text)))
    return len(visible) < 200 and bool(_ERROR_PAGE.search(visible))


def selector(body: bytes, declared: str | None = None) -> Selector:
    return Selector(text=decode(body, declared) or "<html></html>")


def clean(text: str | None) -> str:
    return re.sub(r"[\s\u3000\xa0]+", "", text or "")


def report_year(title: str) -> int | None:
    """The report year a title names (``2023年…政府信息公开…年度报告`` → 2023)."""
    m = REPORT_TITLE.search(clean(title))
    return int(m.group(1)) if m else None


def parse_date(text: str | None) -> dt.date | None:
    if not text:
        return None
    m = _ANY_DATE.search(text) or re.search(r"((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日", text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def posted_date(html_text: str) -> dt.date | None:
    """The 发布时间 of a detail page: labelled date, else meta PubDate (索引号 is skipped)."""
    m = _DATE_LABEL.search(html_text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    m2 = _META_PUB.search(html_text)
    if m2:
        return parse_date(m2.group(1) or m2.group(2))
    return None


@dataclass
class Link:
    url: str
    text: str
    title: str
    context: str  # text around the link (list date)
    download: bool = False

    @property
    def label(self) -> str:
        """What the link says: @title beats truncated text (``…``)."""
        t = clean(self.title)
        x = clean(self.text)
        if t and x.endswith(("…", "...")):  # cut short (a date <span> may pad the text)
            return t
        return t if len(t) >= len(x.rstrip("…")) else x


def base_url(sel: Selector, url: str) -> str:
    b = sel.xpath("//base/@href").get()
    return urljoin(url, b.strip()) if b else url


def links(sel: Selector, url: str) -> list[Link]:
    """Every ``<a href>`` with its text, @title and surrounding text, absolute URLs."""
    base = base_url(sel, url)
    out = []
    for a in sel.xpath("//a[@href]"):
        href = (a.attrib.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        parent = a.xpath("..")
        if parent and parent[0].root.tag in ("td", "th"):  # table lists: date in another cell
            parent = a.xpath("ancestor::tr[1]") or parent
        context = " ".join(parent.xpath(".//text()").getall()) if parent else ""
        out.append(Link(viewer_target(urljoin(base, href)), " ".join(a.xpath(".//text()").getall()).strip(),
                        a.attrib.get("title", ""), context,
                        "download" in a.attrib or "appendix" in a.attrib))
    return out


def viewer_target(url: str) -> str:
    """A pdf.js viewer link (``viewer.html?file=/x.pdf``) stands for the file it shows."""
    u = urlsplit(url)
    if "file=" not in u.query:
        return url
    f = parse_qs(u.query).get("file")
    if f and FILE_EXT.search(urlsplit(f[0]).path):
        return urljoin(url, f[0].strip())
    return url


def embedded_links(sel: Selector, url: str) -> list[Link]:
    """Files shown in the page (``<iframe>``/``<embed>``/``<object>``, pdf.js viewer):
    some portals publish the report only that way, with no ``<a>`` to it."""
    base = base_url(sel, url)
    out = []
    for el in sel.xpath("//iframe[@src]|//embed[@src]|//object[@data]"):
        src = (el.attrib.get("src") or el.attrib.get("data") or "").strip()
        if not src or src.startswith(("javascript:", "about:")):
            continue
        target = viewer_target(urljoin(base, src)).split("#")[0]
        if FILE_EXT.search(urlsplit(target).path):
            out.append(Link(target, "", el.attrib.get("title", ""), "", download=True))
    return out


_JS_LOCATION = re.compile(
    r"(?:window\.|document\.|self\.|top\.)?location(?:\.href)?\s*=\s*[\"']([^\"']+)[\"']"
    r"|location\.replace\(\s*[\"']([^\"']+)[\"']", re.I)
_META_REFRESH = re.compile(
    r"<meta[^>]+http-equiv=[\"']?refresh[\"']?[^>]*content=[\"']?\s*\d+\s*;\s*url\s*=\s*"
    r"[\"']?([^\"'>\s]+)", re.I)


_NOSCRIPT = re.compile(r"<noscript[^>]*>.*?</noscript>", re.S | re.I)
_FRAME = re.compile(r"<i?frame\b[^>]*\bsrc\s*=\s*[\"']?([^\"'>\s]+)", re.I)


def script_redirect(text: str, url: str) -> str | None:
    """Where a stub page sends a browser: ``window.location``/``location.replace`` in a
    script, else a meta refresh outside ``<noscript>`` (one inside is an anti-bot decoy
    for clients that run no script, like Scrapy's own ``METAREFRESH_IGNORE_TAGS``), else
    the first frame of a ``<frameset>`` page."""
    for script in re.findall(r"<script[^>]*>(.*?)</script>", text, re.S | re.I):
        m = _JS_LOCATION.search(script)
        if m:
            return urljoin(url, (m.group(1) or m.group(2)).strip())
    visible = _NOSCRIPT.sub("", text)
    m2 = _META_REFRESH.search(visible)
    if m2:
        return urljoin(url, m2.group(1).strip())
    if re.search(r"<frameset\b", visible, re.I):
        m3 = _FRAME.search(visible)
        if m3:
            return urljoin(url, m3.group(1).strip())
    return None


_COLUMN_WORDS = re.compile(r"年报|年度报告|工作报表")
_CRUMB = re.compile(r"(?:当前位置|您的位置|所在位置|现在的位置)[:：]?(.{0,120})")


def names_column(sel: Selector) -> bool:
    """A listing that names itself the 年报 column: its ``<title>``, a heading, its
    breadcrumb (当前位置：… > 政府信息公开年报) or TRS's ``<meta name="ColumnName">`` says
    年报/年度报告 — not merely a report title in the list (those name a year), nor another
    annual report (企业年报, 统计年报)."""
    texts = sel.xpath("//title//text()|//h1//text()|//h2//text()|//h3//text()"
                      "|//meta[@name='ColumnName']/@content"
                      "|//*[contains(@class,'crumb') or contains(@class,'position') or "
                      "contains(@class,'location') or contains(@id,'crumb') or "
                      "contains(@class,'dqwz')]//text()").getall()
    body = clean(" ".join(sel.xpath("//body//text()").getall()))
    texts += [m.group(1) for m in _CRUMB.finditer(body)]
    for t in texts:
        t = clean(t)
        if _COLUMN_WORDS.search(t) and report_year(t) is None and not YEAR_IN.search(t) \
                and not _NOT_OURS.search(t):
            return True
    return False


YEAR_IN = re.compile(r"(?:19|20)\d{2}\s*年")
_NOT_OURS = re.compile(r"企业|统计年报|年报公示|财务|审计")


def js_links(text: str, url: str, base: str | None = None) -> list[Link]:
    """Links written by scripts (``var rel_appendix = '<a href=…>'``, document.write)."""
    out = []
    for script in re.findall(r"<script[^>]*>(.*?)</script>", text, re.S | re.I):
        for href, label in re.findall(r"<a[^>]+href=\\?[\"']([^\"'\\]+)\\?[\"'][^>]*>(.*?)</a>",
                                      script, re.S):
            out.append(Link(urljoin(base or url, href), re.sub(r"<[^>]+>", "", label), "", ""))
    return out


def is_attachment(link: Link) -> bool:
    """A file link: by extension, download endpoint, ``download``/``appendix`` attribute, or
    link text 附件…; what it really is gets checked on the bytes (magic, Content-Type)."""
    path = urlsplit(link.url).path.lower()
    if FILE_EXT.search(path) or "downfile" in path or "download" in path:
        return True
    if "filename=" in link.url and FILE_EXT.search(link.url):
        return True
    return link.download or clean(link.text).startswith("附件")


def attachment_rank(link: Link, title: str) -> tuple[int, int]:
    """Lower is a better candidate for the report file itself."""
    m = FILE_EXT.search(link.url)
    ext = m.group(1).lower() if m else "pdf"
    says = clean(link.label)
    named = 0 if (report_year(says) or "年报" in says or "年度报告" in says or "文字版" in says
                  or (title and clean(title) in says)) else 1
    if "图片版" in says or "扫描版" in says:  # an image-only copy: the text version comes first
        named = 2
    return named, REPORT_EXT_RANK.get(ext, 9)


def may_be_report(link: Link) -> bool:
    """Spreadsheets and archives (.xls/.zip/.rar…) sit beside a report but never are it; an
    .ofd (a layout copy nothing here can read) must not displace the HTML or PDF report."""
    m = FILE_EXT.search(link.url)
    return not m or m.group(1).lower() in ("pdf", "docx", "doc", "wps")


def sniff_kind(body: bytes) -> str:
    """``archive.extract.sniff`` in the spider's words: a file (pdf, zip — DOCX included —
    or ole), an html page, or other (text, images, nothing)."""
    kind = sniff(body)
    return "zip" if kind == "docx" else kind if kind in ("pdf", "zip", "ole", "html") else "other"


#: a town's own unit named after its county ("XX县人民政府城关街道办事处2024年…")
SUB_UNIT = re.compile(r"[\u4e00-\u9fff]{1,10}?(?:镇|乡|街道办事处|街道|苏木)(?:人民政府)?"
                      r"(?:19|20)\d{2}")


def same_page(url: str) -> str:
    """One key for ``…/index.html`` and ``…/``, host case, and the http/https twins on the
    default ports, which all serve the same page."""
    u = urlsplit(url)
    path = re.sub(r"/(?:index|default)\.(?:s?html?|jsp|php|aspx?)$", "/", u.path, flags=re.I)
    loc = netloc(url)
    if u.port in (None, 80, 443):
        loc = loc.rsplit(":", 1)[0]
    return urlunsplit(("", loc, path, u.query, ""))


def is_attachment_url(path: str) -> bool:
    return bool(FILE_EXT.search(path)) or "downfile" in path
