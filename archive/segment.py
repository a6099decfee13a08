"""Cut a paragraph that lost its line breaks back into the headings and rows it was.

A page's text taken without its markup (``page.txt`` of a portal archive, a PDF text layer
with no spacing) runs a whole report together: ``…申请人情况自然人…其他一、本年新收政府信息
公开申请数量801000081二、上年结转…``. The labels of the official tables are known, so the
paragraph can be cut after each row's digit run and around each section heading; the row
stream then sees one row per line, its numbers still glued (``801000081``), and the parser
splits them by the tables' arithmetic (:mod:`archive.glued`). Nothing here reads a number.
"""

from __future__ import annotations

import re
import unicodedata

from .record import SECTIONS, T2_GOV2019, T2_GOV2021, T3_KEYWORDS, T3_ROWS

#: A paragraph is cut only when it holds at least this many 表三 row labels.
MIN_ROWS = 3
#: How far (characters) a row's label may run past its keyword before its numbers start.
_LABEL_TAIL = 60
#: How far (folded characters) the next row's keyword may lie after the previous one.
_ROW_GAP = 160

_RUN = re.compile(r"\d[\d ]*")
_AMOUNT_RUN = re.compile(r"-?\d(?:[\d ,.]|-(?=\d))*")
_ENUMERATOR = re.compile(r"\s*[.．、]")
_T2_NAMES = tuple(dict.fromkeys(name for spec in (T2_GOV2019, T2_GOV2021) for _, name, _ in spec))
_T4_HEAD = "结果维持"
_OTHER = re.compile(r"3[.．、]?其他(?!处理|结果|组织)")


class _Text:
    """The paragraph with whitespace collapsed, and its folded (space-free) view."""

    def __init__(self, text: str) -> None:
        self.t = " ".join(unicodedata.normalize("NFKC", text).split())
        self.pos = [i for i, ch in enumerate(self.t) if ch != " "]
        self.f = "".join(self.t[i] for i in self.pos)
        self.cuts: set[int] = set()

    def at(self, folded: int) -> int:
        """The position in ``t`` of folded position ``folded`` (the end maps to the end)."""
        return self.pos[folded] if folded < len(self.pos) else len(self.t)

    def run_after(self, folded_end: int, rx: re.Pattern[str] = _RUN) -> tuple[int, int] | None:
        """The digit run that follows a label ending at folded position ``folded_end``:
        (start, end) in ``t``, without the next label's enumerator (``…0000000`` + ``2.``)."""
        start = self.at(folded_end)
        limit = min(len(self.t), start + _LABEL_TAIL)
        i = start
        while i < limit and not self.t[i].isdigit():
            i += 1
        if i >= limit:
            return None
        m = rx.match(self.t, i)
        if not m:
            return None
        end = m.end()
        while end > i and self.t[end - 1] in " .,":
            end -= 1
        if _ENUMERATOR.match(self.t, end):  # the trailing digit numbers the next label
            end -= 1
            while end > i and self.t[end - 1] == " ":
                end -= 1
        return (i, end) if end > i else None


def segment(text: str) -> list[str] | None:
    """The lines ``text`` was made of, or None when it is not a run-together report."""
    x = _Text(text)
    rows = _cut_t3(x)
    if rows < MIN_ROWS:
        return None
    _cut_title(x)
    _cut_sections(x)
    _cut_t2(x)
    _cut_t4(x)
    bounds = sorted(c for c in x.cuts if 0 < c < len(x.t))
    pieces = [x.t[a:b].strip() for a, b in zip([0, *bounds], [*bounds, len(x.t)], strict=True)]
    return [p for p in pieces if p]


_TITLE = re.compile(r"^.{0,40}?\d{4}年度?.{0,20}?(?:政府信息公开|政务公开).{0,12}?(?:年度报告|年报)")


def _cut_title(x: _Text) -> None:
    m = _TITLE.match(x.f)
    if m:
        x.cuts.add(x.at(m.end()))


def _cut_sections(x: _Text) -> None:
    for _, title in SECTIONS:
        folded = "".join(title.split())
        p = x.f.find(folded)
        if p >= 0:
            x.cuts.add(x.at(p))
            x.cuts.add(x.at(p + len(folded)))


def _cut_t3(x: _Text) -> int:
    """Cut after each 表三 row's numbers, in template order; returns the rows found."""
    start = x.f.find(T3_KEYWORDS["new_received"])
    if start < 0:
        return 0
    # the first label's 一、 ends the header that runs into it
    x.cuts.add(x.at(start - 2 if x.f[max(0, start - 2):start] == "一、" else start))
    stop = x.f.find(_T4_HEAD, start)
    stop = len(x.f) if stop < 0 else stop
    cursor, found = start, 0
    for key, _ in T3_ROWS:
        word = T3_KEYWORDS[key]
        if key == "other_handling.other":  # "3.其他", not 其他处理 nor 表四's 其他结果
            m = _OTHER.search(x.f, cursor, min(stop, cursor + _ROW_GAP))
            p, end = (m.start(), m.end()) if m else (-1, -1)
        else:
            p = x.f.find(word, cursor, min(stop, cursor + _ROW_GAP))
            end = p + len(word)
        if p < 0:
            continue
        run = x.run_after(end)
        if run is None:
            continue
        found += 1
        x.cuts.add(run[1])
        # the run may not reach past the next label: resume the search after it
        cursor = _folded_index(x, run[1])
    return found


def _cut_t2(x: _Text) -> None:
    """表二: each 第二十条 block header on its own line, each row name before its numbers."""
    head = x.f.find("第二十条")
    if head < 0:
        return
    stop = x.f.find("收到和处理", head)
    stop = len(x.f) if stop < 0 else stop
    p = head
    while 0 <= p < stop:
        x.cuts.add(x.at(p))
        p = x.f.find("第二十条", p + 1)
    cursor = head
    while cursor < stop:
        best: tuple[int, str] | None = None
        for name in _T2_NAMES:
            q = x.f.find(name, cursor, stop)
            if q >= 0 and (best is None or q < best[0] or (q == best[0] and len(name) > len(best[1]))):
                best = (q, name)
        if best is None:
            return
        q, name = best
        run = x.run_after(q + len(name), _AMOUNT_RUN)
        if run is None or not _is_unit_gap(x, q + len(name), run[0]):
            cursor = q + len(name)
            continue
        x.cuts.add(x.at(q))
        unit = re.match(r"\s*(?:万元|元)", x.t[run[1]:])
        x.cuts.add(run[1] + (unit.end() if unit else 0))
        cursor = _folded_index(x, run[1])


def _is_unit_gap(x: _Text, folded_end: int, run_start: int) -> bool:
    """Only a unit or bracket may stand between a 表二 row name and its numbers."""
    gap = x.t[x.at(folded_end):run_start]
    return bool(re.fullmatch(r"[\s（()）万元件个项]*", gap))


def _cut_t4(x: _Text) -> None:
    """表四: its header on one line, its numbers (often one run of 15) on the next."""
    after = max(0, x.f.find(T3_KEYWORDS["carried_forward"]))
    title = "".join(SECTIONS[3][1].split())
    sec = x.f.find(title, after)
    sec = sec + len(title) if sec >= 0 else x.f.find("行政复议", after)
    if sec < 0:
        return
    head = x.f.find(_T4_HEAD, sec)
    if head < 0:
        return
    p = head
    while True:  # past the last header word: the numbers follow it
        q = x.f.find("总计", p)
        if q < 0 or q - p > 40:
            break
        p = q + 2
    run = x.run_after(p)
    if run is None:
        return
    x.cuts.add(x.at(sec))
    x.cuts.add(run[0])
    x.cuts.add(run[1])


def _folded_index(x: _Text, t_index: int) -> int:
    """The folded position of the first non-space character at or after ``t_index``."""
    lo, hi = 0, len(x.pos)
    while lo < hi:
        mid = (lo + hi) // 2
        if x.pos[mid] < t_index:
            lo = mid + 1
        else:
            hi = mid
    return lo
