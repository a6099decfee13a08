"""What a report says about itself outside its tables: title, agency, year, period,
落款 date, portal addresses, contact, and which of the six sections it has."""

from __future__ import annotations

import re

from .document import Document, Paragraph, Table, fold
from .numbers import cn_number
from .record import Record

_TITLE = re.compile(r"(?:(\d{4})|([〇○零一二三四五六七八九]{4}))年(?:度)?.{0,30}?(?:政府信息公开|政务公开).{0,12}?(?:年度报告|年报|工作报告)")
_PERIOD = re.compile(
    r"(\d{4})年(\d{1,2})月(\d{1,2})日(?:起)?[,，]?(?:至|到|—|－|-|~)(\d{4})年(\d{1,2})月(\d{1,2})日"
)
_DATE_LINE = re.compile(
    r"^(\d{4}|[〇○零一二三四五六七八九]{4})年(\d{1,2}|[一二三四五六七八九十]{1,3})月(\d{1,2}|[一二三四五六七八九十]{1,3})日$"
)
#: How many paragraphs ahead of the first table may hold the title (a portal's navigation).
_TITLE_SCAN = 80
_URL = re.compile(r"https?://[A-Za-z0-9.\-_/:%?=&#~]+")
_CONTACT = {
    "address": re.compile(r"地址[:：]([^；;，,。）)]+)"),
    "postcode": re.compile(r"邮(?:政)?编(?:码)?[:：](\d{6})"),
    "phone": re.compile(r"(?<!传真)电话[:：]([0-9—\-－]{7,20})"),
    "fax": re.compile(r"传真[:：]([0-9—\-－]{7,20})"),
    "email": re.compile(r"(?:电子邮箱|电子信箱|邮箱|E-?mail)[:：]\s*([A-Za-z0-9._\-]+@[A-Za-z0-9.\-]+[A-Za-z])"),
}
SECTION_PATTERNS = (
    ("overview", re.compile(r"^一[、.]?.{0,6}总体(工作)?情况")),
    ("active_disclosure", re.compile(r"^二[、.]?.{0,4}主动公开")),
    ("applications", re.compile(r"^三[、.]?.{0,4}收到和处理")),
    ("review_litigation", re.compile(r"^四[、.]?.{0,12}行政复议")),
    ("problems", re.compile(r"^五[、.]?.{0,6}问题")),
    ("other", re.compile(r"^六[、.]?.{0,4}其他需要报告")),
)


def _iso(y: str, m: str, d: str) -> str | None:
    yy, mm, dd = cn_number(y), cn_number(m), cn_number(d)
    if not (yy and mm and dd) or not (1 <= mm <= 12 and 1 <= dd <= 31):
        return None
    return f"{yy:04d}-{mm:02d}-{dd:02d}"


def _agency(text: str) -> str:
    """The agency in front of a title: ``关于``/``关于报送`` (a covering letter's
    ``某局关于报送2020年度…报告的函``) and quotes are not part of it."""
    text = re.sub(r"^关于", "", text).strip("《")
    return re.sub(r"关于(?:报送|印发|公布|发布|上报|呈报)?$", "", text).strip("《")


def header_facts(doc: Document, rec: Record) -> None:
    paras = [fold(b.text) for b in doc.blocks if isinstance(b, Paragraph)]
    raw_paras = [" ".join(b.text.split()) for b in doc.blocks if isinstance(b, Paragraph)]
    # a portal page puts its navigation before the report: look for the title among the
    # paragraphs ahead of the first table (at least the first 12 of a page of text)
    first_table = next((i for i, b in enumerate(doc.blocks) if isinstance(b, Table)), len(doc.blocks))
    head_paras = max(12, min(_TITLE_SCAN, sum(1 for b in doc.blocks[:first_table] if isinstance(b, Paragraph))))
    meta_title = fold(doc.meta.get("title") or "")
    meta_m = _TITLE.search(meta_title)
    meta_year = (int(meta_m.group(1)) if meta_m.group(1) else cn_number(meta_m.group(2))) if meta_m else None
    title_idx = None
    for i, p in enumerate(paras[:head_paras]):
        m = _TITLE.search(p)
        if m and len(p) <= 80:
            year = int(m.group(1)) if m.group(1) else cn_number(m.group(2))
            if i >= 12 and meta_year is not None and year != meta_year:
                continue  # past the page's head a link to another year's report is no title
            title_idx = i
            rec["year"] = year
            head = raw_paras[i]
            agency = p[: m.start()]
            if not agency and meta_m and meta_m.start() > 0 and meta_year == year:
                # the body prints "2009年度政府信息公开年度报告"; the page's own title names the agency
                agency = meta_title[: meta_m.start()]
                head = doc.meta["title"].strip()
            elif not agency and i > 0 and len(paras[i - 1]) <= 30 and not re.search(r"[:：]", paras[i - 1]):
                agency = paras[i - 1]
                head = raw_paras[i - 1] + " " + head
            rec["title"] = head
            agency = _agency(agency)
            rec["agency"] = agency or None
            break
    if title_idx is None and doc.meta.get("title"):
        t = fold(doc.meta["title"])
        m = _TITLE.search(t)
        if m:
            rec["title"] = doc.meta["title"].strip()
            rec["year"] = int(m.group(1)) if m.group(1) else cn_number(m.group(2))
            rec["agency"] = _agency(t[: m.start()]) or None
    text = "".join(paras)
    m = _PERIOD.search(text)
    if m:
        rec["period"] = {"start": _iso(m[1], m[2], m[3]), "end": _iso(m[4], m[5], m[6])}
    # the 落款 date is the last date line of the report; a portal page's footer follows it
    for p in reversed(paras[title_idx or 0:]):
        dm = _DATE_LINE.match(p)
        if dm:
            rec["published_on"] = _iso(dm[1], dm[2], dm[3])
            break
    if rec["published_on"] is None and doc.meta.get("posted_on"):
        rec["published_on"] = doc.meta["posted_on"]
    urls: list[str] = []
    for u in _URL.findall(text):
        u = u.rstrip(".,;:)>")
        if u not in urls:
            urls.append(u)
    rec["portal_urls"] = urls
    for key, rx in _CONTACT.items():
        cm = rx.search(text)
        if cm:
            rec["contact"][key] = cm.group(1).strip()  # type: ignore[literal-required]
    for p in paras:
        if len(p) > 40:
            continue
        for key, rx in SECTION_PATTERNS:
            if rx.match(p):
                rec["sections"][key] = True
