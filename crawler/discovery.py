"""Finding an agency's 年报 column on its portal: a bounded, best-first walk from the root.

Real portals rarely link the column from the home page; it sits 1–3 clicks deep behind
hubs (首页 → 政务公开 → 政府信息公开 → 政府信息公开年报; 信息公开 → 法定主动公开内容 →
年度报告; a 信息公开目录 tree). Every link a page offers — ``<a>`` (its text, ``@title``,
``img@alt``, nested elements), ``<area>``, ``<iframe>``/``<frame>``, anchors written by
scripts (``document.write``) and JSON menus in scripts — is scored by its words and its
URL slug (:func:`score`). The walk fetches the best-scoring page next, at most
:data:`MAX_DEPTH` clicks from the root and :data:`DISCOVERY_BUDGET` pages per portal, on
the portal's own hosts only (the spider's request guard and robots.txt apply as to any
request). A candidate column is accepted when its page reads as a listing (see the
spider); a decoy (a 年报 link to a page that lists nothing) sends the walk on.
"""

from __future__ import annotations

import heapq
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from .pages import COLUMN_SLUG, base_url, clean, report_year

#: pages a portal's discovery walk may fetch (home, hubs, redirects, candidate columns)
DISCOVERY_BUDGET = 20
#: clicks from the root (redirect hops of one page are not clicks)
MAX_DEPTH = 3

# column words (docs/platforms.md); a link naming only these and no year is the column
_COLUMN = re.compile(r"(政府信息公开|信息公开|政务公开)?(工作)?(年报|年度报告|工作报表)")
# not the disclosure report: 企业年报 (credit publicity), 统计年报, 年报公示…
_NOT_OURS = re.compile(r"企业|统计|公示|财务|审计|年鉴|决算|预算")
_HUB_WORDS = (("政府信息公开", 40), ("信息公开目录", 40), ("公开目录", 36), ("法定主动公开", 36),
              ("主动公开", 30), ("信息公开", 32), ("政务公开", 30), ("政府公开", 24),
              ("公开专栏", 24), ("专栏", 8), ("政务", 8), ("公开", 10))
_HUB_SLUG = re.compile(r"(?:^|[/_-])(zfxxgk|xxgk|zwgk|gkml|fdzdgk\w*|zdgk|gongkai|zfgk|xxgkml"
                       r"|gk|openness|InfoPublic)(?:[/_.-]|$)", re.I)
_JSON_ITEM = re.compile(r"\{[^{}]{0,600}\}")
_JSON_NAME = re.compile(r"[\"']?(?:name|title|text|label|catalogName|chnlName)[\"']?\s*:\s*"
                        r"[\"']([^\"']{1,60})[\"']")
_JSON_URL = re.compile(r"[\"']?(?:url|href|link|path|linkUrl|chnlUrl)[\"']?\s*:\s*"
                       r"[\"']([^\"'\s]{1,300})[\"']")
_JS_ANCHOR = re.compile(r"<a\b([^>]*?)href=\\?[\"']([^\"'\\]+)\\?[\"']([^>]*)>(.*?)</a>",
                        re.S | re.I)
_ATTR_TITLE = re.compile(r"title=\\?[\"']([^\"'\\]*)", re.I)


@dataclass
class Candidate:
    url: str
    words: str
    score: int
    column: bool  # names the 年报 column itself (else a hub worth walking)


def score(words: str, url: str) -> tuple[int, bool]:
    """How likely a link leads to the 年报 column: (score, names the column itself)."""
    w = clean(words)
    path = urlsplit(url).path
    if report_year(w) is not None or re.search(r"(?:19|20)\d{2}\s*年", w):
        return 0, False  # a report (or a year's page), not a column
    m = _COLUMN.search(w)
    if m and len(w) <= 24:
        return (60 if _NOT_OURS.search(w) else 100), True
    if COLUMN_SLUG.search(path) and not re.search(r"\.(?:pdf|docx?|wps)$", path, re.I):
        return 70, True
    s = 0
    for word, v in _HUB_WORDS:
        if word in w:
            s = max(s, v)
    if _HUB_SLUG.search(path):
        s = max(s, 12) + (6 if s else 0)
    return s, False


def candidates(text: str, url: str, sel: Selector) -> list[Candidate]:
    """Every way onward a page offers, scored; a URL once, with its best words."""
    base = base_url(sel, url)
    found: dict[str, Candidate] = {}

    def add(href: str | None, words: str) -> None:
        href = (href or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#", "tel:", "data:")):
            return
        target = urljoin(base, href).split("#")[0]
        if urlsplit(target).scheme not in ("http", "https"):
            return
        s, col = score(words, target)
        if s <= 0:
            return
        old = found.get(target)
        if old is None or s > old.score:
            found[target] = Candidate(target, clean(words)[:40], s, col)

    for a in sel.xpath("//a[@href]|//area[@href]"):
        words = " ".join(a.xpath(".//text()").getall() + [a.attrib.get("title", "")]
                         + a.xpath(".//img/@alt|.//img/@title").getall()
                         + [a.attrib.get("alt", "")])
        add(a.attrib.get("href"), words)
    for f in sel.xpath("//iframe[@src]|//frame[@src]"):
        src = f.attrib.get("src")
        words = " ".join([f.attrib.get("title", ""), f.attrib.get("name", "")])
        s, _ = score(words, urljoin(base, src or ""))
        add(src, words if s else words + "政务")  # a frame is a hub until proven otherwise
    for script in sel.xpath("//script[not(@src)]/text()").getall():
        for attrs, href, rest, inner in _JS_ANCHOR.findall(script):  # document.write menus
            title = _ATTR_TITLE.search(attrs + rest)
            add(href, re.sub(r"<[^>]+>", " ", inner) + " " + (title.group(1) if title else ""))
        for obj in _JSON_ITEM.findall(script):  # JSON menus / 目录 trees
            name, link = _JSON_NAME.search(obj), _JSON_URL.search(obj)
            if name and link:
                add(_unescape(link.group(1)), _unescape(name.group(1)))
    return sorted(found.values(), key=lambda c: -c.score)


def _unescape(s: str) -> str:
    try:
        return str(json.loads(f'"{s}"'))
    except ValueError:
        return s.replace("\\/", "/")


@dataclass(order=True)
class _Entry:
    key: tuple[int, int, int]
    url: str = field(compare=False)
    depth: int = field(compare=False)
    column: bool = field(compare=False)
    path: list[list[str]] = field(compare=False)


@dataclass
class Walk:
    """One portal's discovery walk: a frontier ordered by score (then depth), the pages
    walked, and the best candidates seen, for the night's reason when nothing is found."""

    budget: int = DISCOVERY_BUDGET
    walked: int = 0
    frontier: list[_Entry] = field(default_factory=list)
    queued: set[str] = field(default_factory=set)
    best: list[Candidate] = field(default_factory=list)
    offsite: list[str] = field(default_factory=list)
    done: bool = False
    _seq: int = 0

    def push(self, url: str, score: int, depth: int, column: bool,
             path: list[list[str]]) -> None:
        key = _key(url)
        if key in self.queued or depth > MAX_DEPTH:
            return
        self.queued.add(key)
        self._seq += 1
        heapq.heappush(self.frontier, _Entry((-score - (50 if column else 0), depth, self._seq),
                                             url, depth, column, path))

    def seen(self, url: str) -> None:
        self.queued.add(_key(url))

    def note(self, c: Candidate) -> None:
        """Keep the best candidates seen (columns before hubs) for the night's reason."""
        if c.score >= 20 and all(b.url != c.url for b in self.best):
            self.best.append(c)
            self.best.sort(key=lambda b: (not b.column, -b.score))
            del self.best[5:]

    def pop(self) -> _Entry | None:
        if self.done or self.walked >= self.budget or not self.frontier:
            return None
        self.walked += 1
        return heapq.heappop(self.frontier)

    @property
    def exhausted(self) -> bool:
        return self.walked >= self.budget and bool(self.frontier)

    def reason(self) -> str:
        """Why no column was found, naming the pages searched and the best candidates."""
        why = (f"已用完查找预算（{self.budget} 个页面）" if self.exhausted
               else f"查找了 {self.walked} 个页面（预算 {self.budget} 个，深度不超过 {MAX_DEPTH} 层）")
        best = "；".join(f"“{c.words}” {c.url}" for c in self.best[:3]) or "无"
        return (f"从首页出发{why}，没有找到政府信息公开年报栏目；得分最高的候选：{best}。"
                "如知道年报栏目地址，请在注册表的 column 中登记")


def _key(url: str) -> str:
    u = urlsplit(url)
    return f"{u.netloc.lower()}{u.path}?{u.query}"
