"""Turn a :class:`Document` into the normalized record (``report-schema.md``).

The parser reads a stream of rows — a table row is its cells, a paragraph one cell — and
recognises each statistics row by its label, not by its position: merged cells, stray
cells and page breaks move positions, labels stay. Values are never repaired: what was
printed is recorded, blanks are null, and doubts go to ``notes``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

from .document import Block, Document, Paragraph, Table, fold
from .glued import split_t3, split_t4
from .legacy import is_legacy, legacy_stats
from .numbers import cn_number, is_blank, is_value, norm, parse_amount, parse_count
from .record import (
    T2_GOV2019,
    T2_GOV2021,
    T3_COLUMNS,
    T3_KEYWORDS,
    T3_ROWS,
    T3_SUBROWS,
    T4_COLUMNS,
    T4_GROUPS,
    Record,
    Template,
    empty_record,
    get_path,
    set_path,
    t3_keys,
)
from .segment import segment


@dataclass
class Row:
    label: str  # folded
    raw_label: str
    values: list[str]
    exact: bool
    index: int
    page: int | None
    paragraph: bool
    #: the value cells as the source cut them (one per merged cell), where it says so
    cells: list[str] | None = None


# ---------------------------------------------------------------- row stream


def _split_cells(cells: list[str]) -> tuple[list[str], list[str]]:
    """Label cells (up to the last non-value cell) and the value cells after them."""
    last_label = -1
    for i, c in enumerate(cells):
        if c.strip() and not is_value(c):
            last_label = i
    labels: list[str] = []
    for c in cells[: last_label + 1]:
        if c.strip() and (not labels or labels[-1] != c.strip()):
            labels.append(c.strip())
    return labels, cells[last_label + 1 :]


_GLUED_TAIL = re.compile(r"^(.*?[^\d\s.,\-])\s*(-?\d(?:[\d\s.,]|-(?=\d))*(?:万元|元)?)$")


def _paragraph_row(block: Paragraph) -> tuple[str, list[str]]:
    """(label, value tokens) of a paragraph; a line cut from a run-together paragraph has
    its numbers glued to its label (and to each other): they are split off the label."""
    tokens = block.text.split()
    k = len(tokens)
    while k > 0 and is_value(tokens[k - 1]) and tokens[k - 1] not in {"-", "—", "/"}:
        k -= 1
    label, values = " ".join(tokens[:k]), tokens[k:]
    m = _GLUED_TAIL.match(label) if block.cut else None
    if m and (not values or all(v.isdigit() for v in values)):
        label, values = m.group(1), m.group(2).split() + values
    return label, values


def resegment(doc: Document) -> Document:
    """The document with every run-together paragraph cut into the lines it was."""
    blocks: list[Block] = []
    for b in doc.blocks:
        lines = segment(b.text) if isinstance(b, Paragraph) and len(b.text) > 200 else None
        if lines and isinstance(b, Paragraph):
            blocks += [Paragraph(line, b.page, cut=True) for line in lines]
        else:
            blocks.append(b)
    return Document(blocks=blocks, meta=doc.meta)


def rows_of(doc: Document) -> list[Row]:
    rows: list[Row] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            label, values = _paragraph_row(block)
            rows.append(Row(fold(label), label, values, False, len(rows), block.page, True))
            continue
        owners = block.cells if block.cells and len(block.cells) == len(block.rows) else None
        for r, cells in enumerate(block.rows):
            labels, values = _split_cells(cells)
            raw = " ".join(labels)
            own = owners[r] if owners and len(owners[r]) == len(cells) else None
            rows.append(Row(fold(raw), raw, values, block.exact, len(rows), block.page, False,
                            _source_cells(values, own[len(cells) - len(values):]) if own else None))
    return rows


def _source_cells(values: list[str], owners: list[int]) -> list[str]:
    """One value per source cell: the slots a merged cell fills collapsed to one."""
    return [v for i, v in enumerate(values) if i == 0 or owners[i] != owners[i - 1]]


def _fit(values: list[str], n: int, *, keep_leading: bool = False) -> tuple[list[str], bool]:
    """Trim the blanks that merged cells add around inexact rows to ``n`` cells.

    Returns the cells and whether non-blank cells remain beyond ``n`` (a stray cell).
    """
    v = list(values)
    order = ("trailing", "leading") if keep_leading else ("leading", "trailing")
    for side in order:
        while len(v) > n and (v[0] if side == "leading" else v[-1]).strip() == "":
            v.pop(0 if side == "leading" else -1)
    return v, len(v) > n


def _exact_cells(values: list[str], n: int) -> list[str]:
    """The ``n`` value cells of an exact row that has more slots than columns.

    The extra slots come from a merged value cell: HTML and DOCX repeat its text into
    every slot it spans (``6 | 2 | 2``), ruled PDF tables leave them empty (``6 | 2 | ``);
    a label cell spanning into the value columns leaves blanks in front.
    """
    if len(values) == n:
        return values
    extra, lead = values[n:], values[: len(values) - n]
    last = values[n - 1].strip()
    repeated = bool(last) and all(v.strip() == last for v in extra)
    lead_blank = all(not v.strip() for v in lead)
    if repeated and lead_blank:
        # ``| 2 | 2`` after a blank: 表二's last value cell spans the unused columns, while
        # 表三/表四 (five or more columns) merge only label cells
        return values[-n:] if n >= 5 else values[:n]
    if repeated:
        return values[:n]
    if lead_blank:
        return values[-n:]
    if all(not v.strip() for v in extra):
        return values[:n]
    return values[-n:]


def _choose(values: list[str], n: int, ok: Callable[[list[int | None]], bool]) -> list[str] | None:
    """Drop one stray cell: the first removal that makes the row's arithmetic hold."""
    if len(values) != n + 1:
        return None
    for i in range(len(values)):
        cand = values[:i] + values[i + 1 :]
        if ok([parse_count(c) for c in cand]):
            return cand
    return None


def _digit_tokens(values: list[str]) -> list[str]:
    return [norm(v) for v in values if v.strip()]


def _is_glued(values: list[str], n: int) -> bool:
    """Fewer tokens than cells but digits enough for all: numbers run together."""
    toks = _digit_tokens(values)
    return (bool(toks) and len(toks) < n and all(t.isdigit() for t in toks)
            and sum(map(len, toks)) >= n)


def forced_cells(printed: list[int], n: int) -> list[int] | None:
    """The row a short row must be, when its arithmetic leaves one possibility.

    ``printed`` are the numbers a row shows, in order, fewer than its ``n`` cells (the last
    cell is the total of the others); the missing ones may be anywhere. Every placement
    whose unknown non-negative cells are forced by the total is tried; the row is derived
    only when all placements agree (six printed zeros make all seven zero)."""
    outcomes: set[tuple[int, ...]] = set()
    for where in itertools.combinations(range(n), len(printed)):
        cells: list[int | None] = [None] * n
        for i, v in zip(where, printed, strict=True):
            cells[i] = v
        unknown = [i for i, c in enumerate(cells) if c is None]
        parts_known = sum(c or 0 for c in cells[: n - 1])
        if cells[n - 1] is None:
            if len(unknown) > 1:
                return None  # the total and a part both missing: anything goes
            cells[n - 1] = parts_known
        else:
            slack = cells[n - 1] - parts_known  # type: ignore[operator]
            if slack < 0:
                continue
            if len(unknown) > 1 and slack:
                return None
            for i in unknown:
                cells[i] = slack if len(unknown) == 1 else 0
        outcomes.add(tuple(c or 0 for c in cells))
        if len(outcomes) > 1:
            return None
    return list(next(iter(outcomes))) if outcomes else None


_SIGNED = re.compile(r"-?\d+(?:-\d+)*")


def _t2_splits(tokens: list[str], cols: tuple[str, ...], limit: int = 6) -> list[list[int]]:
    """Every way the digits of a 表二 row's tokens make its cells (up to ``limit``): no
    leading zeros, a minus sign only on 本年增/减, spaces and signs as certain boundaries."""
    segments = [seg for tok in tokens for seg in re.findall(r"-?\d+", tok)]
    out: list[list[int]] = []

    def rec(i: int, cells: list[int]) -> None:
        if len(out) >= limit or len(cells) > len(cols):
            return
        if i == len(segments):
            if len(cells) == len(cols):
                out.append(cells)
            return
        neg, digits = segments[i].startswith("-"), segments[i].lstrip("-")
        if neg and (len(cells) >= len(cols) or cols[len(cells)] != "change"):
            return
        for parts in _compositions(digits, len(cols) - len(cells)):
            nums = [int(p) for p in parts]
            if neg:
                nums[0] = -nums[0]
            rec(i + 1, cells + nums)

    rec(0, [])
    return out


def _compositions(digits: str, most: int) -> list[list[str]]:
    """``digits`` cut into 1…``most`` numbers without leading zeros."""
    if most <= 0:
        return []
    out: list[list[str]] = [] if len(digits) > 1 and digits[0] == "0" else [[digits]]
    for k in range(1, len(digits)):
        head = digits[:k]
        if len(head) > 1 and head[0] == "0":
            break
        out += [[head, *rest] for rest in _compositions(digits[k:], most - 1)]
    return out


# ---------------------------------------------------------------- row keys

#: Keyword tests in the order that keeps them apart (部分公开 before 予以公开, sub-rows
#: before their group's own row); ``results_total`` is the 总计 that is not a header.
_T3_LAST = ("partially_granted", "granted", "other_handling")
_T3_MATCHERS: tuple[tuple[str, Callable[[str], bool]], ...] = tuple(
    (key, lambda s, w=word: w in s)
    for key, word in [*((k, w) for k, w in T3_KEYWORDS.items()
                        if k not in (*_T3_LAST, "other_handling.other", "results_total")),
                      *((k, T3_KEYWORDS[k]) for k in _T3_LAST)]
) + (("results_total", lambda s: s.endswith("总计") and "申请人" not in s),)
_OTHER_SUB = re.compile(r"3[.、]?其他$")  # after 其他处理's first two sub-rows


_GROUP_WORDS = (("denied", "不予公开"), ("unable", "无法提供"), ("not_processed", "不予处理"),
                ("other_handling", "其他处理"))
_ENUM = re.compile(r"(\d)[.．、]\D*$")


def t3_key(label: str, previous: str | None) -> str | None:
    if previous in {"other_handling", "other_handling.no_correction", "other_handling.unpaid_fee"}:
        if _OTHER_SUB.search(label):
            return "other_handling.other"
    for key, test in _T3_MATCHERS:
        if test(label):
            return key
    return _t3_by_number(label, previous)


def _t3_by_number(label: str, previous: str | None) -> str | None:
    """A sub-row whose words were lost (a label wrapped inside its PDF cell drops the
    characters of its second line) is still known by its number within its group."""
    m = _ENUM.search(label)
    if not m:
        return None
    group = next((g for g, word in _GROUP_WORDS if word in label), None)
    if group is None and previous and "." in previous:
        group = previous.split(".")[0]
    subs = T3_SUBROWS.get(group or "", ())
    i = int(m.group(1)) - 1
    return subs[i] if 0 <= i < len(subs) else None


def _is_t3_header(label: str) -> bool:
    return any(w in label for w in ("勾稽", "申请人情况", "自然人", "商业企业", "商业机构", "科研机构"))


_GENERIC_HEADER = re.compile(r"(?:(?:数据|列|栏|第|data|col(?:umn)?)\d+[列栏]?)+(?:总计|合计)?", re.I)


def _is_generic_header(label: str) -> bool:
    """A header row of numbered columns (``数据1 … 数据6 | 总计``), as converters print."""
    return bool(label) and bool(_GENERIC_HEADER.fullmatch(label))


def _is_t4_header(label: str) -> bool:
    return any(
        w in label
        for w in ("结果维持", "结果纠正", "尚未审结", "行政复议", "行政诉讼", "直接起诉", "复议后起诉")
    )


def _t2_key(label: str, template: Template) -> tuple[str, tuple[str, ...]] | None:
    spec = T2_GOV2021 if template == "gov2021" else T2_GOV2019
    for key, name, cols in spec:
        if label == name or (key == "normative_documents" and label.endswith("规范性文件")):
            return key, cols
    return None


# ---------------------------------------------------------------- template


def detect_template(text: str) -> tuple[Template, str | None]:
    if any(w in text for w in ("本年制发件数", "本年废止件数", "现行有效件数", "逾期不补正")):
        return "gov2021", None
    if any(w in text for w in ("本年新制作数量", "对外公开总数量", "本年新公开数量", "采购总金额")):
        return "gov2019", None
    if is_legacy(text):
        return "legacy", None
    if "本年新收" in text:
        return "unknown", "有表三（本年新收）但缺少能区分2019版与2021版模板的表二列名"
    return "unknown", "未找到任何一版官方统计表格的列名（表二/表三或统计表）"


# ---------------------------------------------------------------- header facts

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
_SECTION_PATTERNS = (
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


def _header_facts(doc: Document, rec: Record) -> None:
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
        for key, rx in _SECTION_PATTERNS:
            if rx.match(p):
                rec["sections"][key] = True


# ---------------------------------------------------------------- tables


def _t3_ok(vals: list[int | None]) -> bool:
    nums = [v or 0 for v in vals]
    return sum(nums[:6]) == nums[6]


def _t4_ok(vals: list[int | None]) -> bool:
    nums = [v or 0 for v in vals]
    return all(sum(nums[g * 5 : g * 5 + 4]) == nums[g * 5 + 4] for g in range(3))


class _Parser:
    def __init__(self, doc: Document, template: Template):
        self.doc = doc
        self.template = template
        self.rec = empty_record()
        self.prov: dict[str, dict[str, object]] = {}
        self.present = {"t2": False, "t3": False, "t4": False, "legacy": False}
        self.t3_runs: dict[str, str] = {}
        self.t3_short: dict[str, list[int]] = {}
        self.t4_runs: list[str] = []

    def note(self, msg: str) -> None:
        self.rec["notes"].append(msg)

    def t3_cells(self, key: str, row: Row) -> list[str]:
        """A 表三 row's seven cells; glued and short rows wait for the whole table."""
        if not row.exact and _is_glued(row.values, 7):
            self.t3_runs[key] = " ".join(_digit_tokens(row.values))
            return [""] * 7
        toks = _digit_tokens(row.values)
        if not row.exact and toks and len(toks) < 7 and all(t.isdigit() for t in toks):
            self.t3_short[key] = [int(t) for t in toks]
        return self.fit(row, row.values, 7, f"表三 {key}", _t3_ok)

    def t2_cells(self, key: str, cols: tuple[str, ...], row: Row) -> list[str]:
        """表二 has no arithmetic within a row: a glued run is split only when its digits
        allow one split at all (``000``, ``3-1``); otherwise its cells stay blank."""
        toks = _digit_tokens(row.values)
        if not row.exact and len(cols) > 1 and toks and len(toks) < len(cols):
            run = " ".join(toks)
            splits = _t2_splits(toks, cols) if all(_SIGNED.fullmatch(t) for t in toks) else []
            if len(splits) == 1:
                self.note(f"表二 {key}: 数字串“{run}”只有一种拆分：{'、'.join(map(str, splits[0]))}")
                return [str(v) for v in splits[0]]
            if len(splits) > 1 or sum(c.isdigit() for c in run) >= len(cols):
                self.ambiguous(f"active_disclosure.{key}", run, splits[:5])
                return [""] * len(cols)
        return self.fit(row, row.values, len(cols), f"表二 {key}", None)

    def ambiguous(self, where: str, run: str, candidates: list[list[int]]) -> None:
        self.rec["provenance"].setdefault("ambiguous", []).append(
            {"where": where, "run": run, "candidates": candidates})

    def derived(self, where: str, values: list[int], why: str) -> None:
        self.rec["provenance"].setdefault("derived", []).append(
            {"where": where, "values": values, "why": why})
        self.note(f"{where}: {why}，推得 {'、'.join(map(str, values))}")

    def resolve_t3(self) -> None:
        """Split the glued rows with the whole table's arithmetic; derive the short rows
        that the row total forces."""
        apps = self.rec["applications"]
        if self.t3_runs:
            fixed = {k: [get_path(apps, k).get(c) for c in T3_COLUMNS] for k, _ in T3_ROWS
                     if k not in self.t3_runs and k not in self.t3_short
                     and isinstance(get_path(apps, k), dict) and "total" in get_path(apps, k)}
            sol = split_t3(self.t3_runs, fixed)
            if sol.consistent is False:
                self.note("表三: 数字串无法同时满足所有勾稽关系（原表本身有误），只取各行自身唯一的拆分")
            for key, run in self.t3_runs.items():
                got = sol.values.get(key)
                if got is None:
                    self.ambiguous(f"applications.{key}", run, sol.candidates.get(key, []))
                    continue
                self.set_t3(key, got)
                self.derived(f"applications.{key}", got, f"数字串“{run}”按表格勾稽关系拆分")
        for key, printed in self.t3_short.items():
            got = forced_cells(printed, len(T3_COLUMNS))
            if got is not None:
                self.set_t3(key, got)
                self.derived(f"applications.{key}", got,
                             f"只印出 {len(printed)} 个数字（{' '.join(map(str, printed))}），由总计唯一确定")

    def set_t3(self, key: str, values: list[int]) -> None:
        node = get_path(self.rec["applications"], key)
        if key == "other_handling" and isinstance(node, dict) and "printed" in node:
            node = node["printed"]
        if isinstance(node, dict):
            node.update(zip(T3_COLUMNS, values, strict=True))

    def resolve_t4(self) -> None:
        if not self.t4_runs:
            return
        sol = split_t4(self.t4_runs)
        run = " ".join(self.t4_runs)
        for group in T4_GROUPS:
            got = sol.values.get(group)
            if got is None:
                self.ambiguous(f"review_litigation.{group}", run, sol.candidates.get(group, []))
                continue
            self.rec["review_litigation"][group] = dict(zip(T4_COLUMNS, got, strict=True))
            self.derived(f"review_litigation.{group}", got, f"数字串“{run}”按表四勾稽关系拆分")

    def fit(self, row: Row, values: list[str], n: int, where: str,
            ok: Callable[[list[int | None]], bool] | None, keep_leading: bool = False) -> list[str]:
        if row.exact and row.cells is not None and len(row.cells) == n and len(values) > n \
                and values is row.values:
            # the slots outnumber the columns, the source's own cells do not: Word cut this
            # row on other grid lines than its header (a value over columns 1-2 under a
            # header over column 1), so its cells, not its slots, are the columns
            return row.cells
        if row.exact and len(values) >= n:
            return values[:n] if keep_leading else _exact_cells(values, n)
        v, extra = _fit(values, n, keep_leading=keep_leading)
        if extra:
            chosen = _choose(v, n, ok) if ok else None
            if chosen is not None:
                self.note(f"{where}: 多出一个单元格，已按勾稽关系剔除（原文 {' | '.join(v)}）")
                return chosen
            self.note(f"{where}: 多出 {len(v) - n} 个单元格，取前 {n} 个（原文 {' | '.join(v)}）")
            return v[:n]
        if len(v) < n:
            self.note(f"{where}: 只有 {len(v)} 个单元格（应为 {n}），缺少的记为空白")
            v = v + [""] * (n - len(v))
        return v

    def run(self) -> Record:
        rows = rows_of(self.doc)
        context: str | None = None
        pending: list[str] = []
        prev_t3: str | None = None
        t4_done = False
        if self.template == "legacy":  # the 统计表 has its own reader; no 表二/三/四 here
            self.rec["legacy_stats"] = legacy_stats(self.doc, self.rec["notes"])
            self.present["legacy"] = bool(self.rec["legacy_stats"])
            return self.finish()
        for row in rows:
            label = row.label
            # ----- context switches
            if row.paragraph and not row.values:
                for section, rx in _SECTION_PATTERNS:
                    if len(label) <= 40 and rx.match(label):
                        context = {"active_disclosure": "t2", "applications": "t3",
                                   "review_litigation": "t4"}.get(section)
                        pending = []
            if "第二十条" in label or label in {"信息内容"}:
                context = "t2"
                self.present["t2"] = True
            if context in (None, "t2") and _is_t3_header(label):
                context = "t3"
                self.present["t3"] = True
            if not t4_done and (
                    "结果维持" in label or "尚未审结" in label
                    or (label.startswith("行政复议") and "行政诉讼" in label and len(label) < 20)):
                context = "t4"
                self.present["t4"] = True
                continue
            if context == "t3" and _is_t3_header(label) or _is_generic_header(label):
                continue
            # ----- rows
            if context == "t2":
                hit = _t2_key(label, self.template)
                if hit and (row.values or not row.paragraph):
                    t2key, cols = hit
                    self.present["t2"] = True
                    vals = self.t2_cells(t2key, cols, row)
                    self.put_t2(t2key, cols, vals, row)
                    continue
            if context in ("t3", "t2", None) and row.values or (context == "t3" and not row.paragraph):
                key = t3_key(label, prev_t3) if label else None
                if key is None and label == "" and pending and context == "t3":
                    key = t3_key(fold("".join(pending[-3:])), prev_t3)
                if key and (context == "t3" or key in ("new_received", "carried_over")):
                    self.present["t3"] = True
                    context = "t3"
                    vals = self.t3_cells(key, row)
                    self.put_t3(key, vals, row)
                    prev_t3 = key
                    pending = []
                    continue
            if context == "t4" and not t4_done:
                if not label and not row.exact and _is_glued(row.values, 15):
                    self.t4_runs = _digit_tokens(row.values)
                    self.put_t4([""] * 15, row)
                    t4_done = True
                    continue
                if not label and (len([v for v in row.values if v.strip()]) >= 5
                                  or (row.exact and len(row.values) >= 15)):
                    vals = self.fit(row, row.values, 15, "表四", _t4_ok, keep_leading=True)
                    self.put_t4(vals, row)
                    t4_done = True
                    continue
            if label and not row.values:
                pending.append(row.raw_label)
                pending = pending[-6:]
            elif not label and row.values and context == "t3" and pending:
                pass
        return self.finish()

    def put_t2(self, key: str, cols: tuple[str, ...], vals: list[str], row: Row) -> None:
        entry: dict[str, object] = {}
        header_unit = "万元" if self.template == "gov2021" else None
        for col, raw in zip(cols, vals, strict=True):
            entry[col] = parse_amount(raw, header_unit) if col == "amount" else parse_count(raw)
            self.prov[f"active_disclosure.{key}.{col}"] = {"row": row.index, "page": row.page,
                                                          "raw": raw}
        self.rec["active_disclosure"][key] = entry

    def put_t3(self, key: str, vals: list[str], row: Row) -> None:
        entry = {c: parse_count(v) for c, v in zip(T3_COLUMNS, vals, strict=True)}
        apps = self.rec["applications"]
        if key == "other_handling" and self.template == "gov2021":
            node = apps.setdefault("other_handling", {})
            if any(v is not None for v in entry.values()):
                node["printed"] = entry
        else:
            set_path(apps, key, entry)
        for c, v in zip(T3_COLUMNS, vals, strict=True):
            self.prov[f"applications.{key}.{c}"] = {"row": row.index, "page": row.page, "raw": v}

    def put_t4(self, vals: list[str], row: Row) -> None:
        self.present["t4"] = True
        for g, group in enumerate(T4_GROUPS):
            self.rec["review_litigation"][group] = {
                c: parse_count(vals[g * 5 + i]) for i, c in enumerate(T4_COLUMNS)
            }
            for i, c in enumerate(T4_COLUMNS):
                self.prov[f"review_litigation.{group}.{c}"] = {
                    "row": row.index, "page": row.page, "raw": vals[g * 5 + i]}

    def finish(self) -> Record:
        rec = self.rec
        self.resolve_t3()
        self.resolve_t4()
        apps = rec["applications"]
        node = apps.get("other_handling")
        if isinstance(node, dict) and set(node) == {"printed"}:
            apps["other_handling"] = node["printed"]  # gov2021 printed as the single row
        if self.present["t3"]:
            for key in t3_keys(self.template, apps):
                if get_path(rec["applications"], key) is None:
                    set_path(rec["applications"], key, dict.fromkeys(T3_COLUMNS))
                    self.note(f"表三 {key}: 未找到该行，按空白处理")
        if self.present["t4"] and not rec["review_litigation"]:
            for group in T4_GROUPS:
                rec["review_litigation"][group] = dict.fromkeys(T4_COLUMNS)
        if self.present["t2"]:
            spec = T2_GOV2021 if self.template == "gov2021" else T2_GOV2019
            for key, _, cols in spec:
                rec["active_disclosure"].setdefault(key, dict.fromkeys(cols))
        rec["template"] = self.template
        rec["provenance"].update({"cells": self.prov, "tables": dict(self.present)})
        return rec


def parse_document(doc: Document, *, filed_year: int | None = None,
                   agency: str | None = None) -> Record:
    doc = resegment(doc)
    folded = fold(doc.text())
    template, why = detect_template(folded)
    p = _Parser(doc, template)
    rec = p.run()
    _header_facts(doc, rec)
    if why:
        files = doc.meta.get("attachments")
        if template == "unknown" and files:
            # a portal page that only carries the report, or its 统计表, as a file
            why += f"；本页正文未含统计表，报告或统计表在附件中：{files}"
        rec["notes"].append(why)
    if agency:
        rec["provenance"]["agency_given"] = agency
        if not rec["agency"]:
            rec["agency"] = agency
    if filed_year is not None:
        rec["provenance"]["filed_year"] = filed_year
        if rec["year"] is None:
            rec["year"] = filed_year
    rec["provenance"]["narrative"] = _narrative(doc)
    return rec


def _narrative(doc: Document) -> str:
    return "\n".join(b.text for b in doc.blocks if isinstance(b, Paragraph) and len(b.text) > 30)


def parse_bytes(data: bytes, **kw: object) -> Record:
    from .extract import extract

    return parse_document(extract(data), **kw)  # type: ignore[arg-type]


__all__ = ["parse_document", "parse_bytes", "detect_template", "rows_of", "is_blank"]
