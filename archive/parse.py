"""Turn a :class:`Document` into the normalized record (``report-schema.md``).

The parser reads a stream of rows — a table row is its cells, a paragraph one cell — and
recognises each statistics row by its label, not by its position: merged cells, stray
cells and page breaks move positions, labels stay. Values are never repaired: what was
printed is recorded, blanks are null, and doubts go to ``notes``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .document import Document, Paragraph, fold
from .numbers import cn_number, is_blank, is_value, parse_amount, parse_count
from .record import (
    T2_GOV2019,
    T2_GOV2021,
    T3_COLUMNS,
    T3_SUBROWS,
    T4_COLUMNS,
    T4_GROUPS,
    LegacyRow,
    Record,
    Template,
    empty_record,
    get_path,
    set_path,
    t3_keys,
)


@dataclass
class Row:
    label: str  # folded
    raw_label: str
    values: list[str]
    exact: bool
    index: int
    page: int | None
    paragraph: bool


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


def rows_of(doc: Document) -> list[Row]:
    rows: list[Row] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            tokens = block.text.split()
            k = len(tokens)
            while k > 0 and is_value(tokens[k - 1]) and tokens[k - 1] not in {"-", "—", "/"}:
                k -= 1
            label = " ".join(tokens[:k])
            values = tokens[k:]
            rows.append(
                Row(fold(label), label, values, False, len(rows), block.page, True)
            )
            continue
        for cells in block.rows:
            labels, values = _split_cells(cells)
            raw = " ".join(labels)
            rows.append(Row(fold(raw), raw, values, block.exact, len(rows), block.page, False))
    return rows


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


# ---------------------------------------------------------------- row keys

_T3_MATCHERS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("new_received", lambda s: "本年新收" in s),
    ("carried_over", lambda s: "上年结转" in s),
    ("carried_forward", lambda s: "结转下年度" in s),
    ("denied.state_secret", lambda s: "国家秘密" in s),
    ("denied.prohibited_by_law", lambda s: "禁止公开" in s),
    ("denied.three_safeties", lambda s: "三安全一稳定" in s),
    ("denied.third_party_rights", lambda s: "第三方合法权益" in s),
    ("denied.internal_affairs", lambda s: "内部事务" in s),
    ("denied.process_information", lambda s: "过程性信息" in s),
    ("denied.enforcement_files", lambda s: "行政执法案卷" in s),
    ("denied.administrative_query", lambda s: "行政查询事项" in s),
    ("unable.not_held", lambda s: "不掌握" in s),
    ("unable.needs_creation", lambda s: "另行制作" in s),
    ("unable.unclear_after_correction", lambda s: "补正后" in s),
    ("not_processed.petition", lambda s: "信访举报投诉" in s),
    ("not_processed.repeated", lambda s: "重复申请" in s),
    ("not_processed.publication", lambda s: "公开出版物" in s),
    ("not_processed.excessive", lambda s: "大量反复" in s),
    ("not_processed.confirmation", lambda s: "确认或重新出具" in s),
    ("other_handling.no_correction", lambda s: "逾期不补正" in s),
    ("other_handling.unpaid_fee", lambda s: "缴纳费用" in s),
    ("partially_granted", lambda s: "部分公开" in s),
    ("granted", lambda s: "予以公开" in s),
    ("other_handling", lambda s: "其他处理" in s),
    ("results_total", lambda s: s.endswith("总计") and "申请人" not in s),
)
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
    if "统计指标" in text and "统计数" in text:
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


def _header_facts(doc: Document, rec: Record) -> None:
    paras = [fold(b.text) for b in doc.blocks if isinstance(b, Paragraph)]
    raw_paras = [" ".join(b.text.split()) for b in doc.blocks if isinstance(b, Paragraph)]
    title_idx = None
    for i, p in enumerate(paras[:12]):
        m = _TITLE.search(p)
        if m and len(p) <= 80:
            title_idx = i
            year = int(m.group(1)) if m.group(1) else cn_number(m.group(2))
            rec["year"] = year
            head = raw_paras[i]
            agency = p[: m.start()]
            if not agency and i > 0 and len(paras[i - 1]) <= 30:
                agency = paras[i - 1]
                head = raw_paras[i - 1] + " " + head
            rec["title"] = head
            agency = re.sub(r"^关于", "", agency).strip("《")
            rec["agency"] = agency or None
            break
    if title_idx is None and doc.meta.get("title"):
        t = fold(doc.meta["title"])
        m = _TITLE.search(t)
        if m:
            rec["title"] = doc.meta["title"].strip()
            rec["year"] = int(m.group(1)) if m.group(1) else cn_number(m.group(2))
            rec["agency"] = t[: m.start()] or None
    text = "".join(paras)
    m = _PERIOD.search(text)
    if m:
        rec["period"] = {"start": _iso(m[1], m[2], m[3]), "end": _iso(m[4], m[5], m[6])}
    for p in reversed(paras[-15:]):
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

    def note(self, msg: str) -> None:
        self.rec["notes"].append(msg)

    def fit(self, row: Row, values: list[str], n: int, where: str,
            ok: Callable[[list[int | None]], bool] | None, keep_leading: bool = False) -> list[str]:
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
        legacy_cols: list[str] = []
        legacy_stack: list[tuple[int, str]] = []
        for row in rows:
            label = row.label
            # ----- context switches
            if row.paragraph and not row.values:
                for section, rx in _SECTION_PATTERNS:
                    if len(label) <= 40 and rx.match(label):
                        context = {"active_disclosure": "t2", "applications": "t3",
                                   "review_litigation": "t4"}.get(section)
                        pending = []
            if "统计指标" in label:
                context = "legacy"
                self.present["legacy"] = True
                legacy_cols = [c for c in row.values if c.strip()]
                hdr = [c for c in self.doc_row_cells(row) if c]
                legacy_cols = hdr[2:] if len(hdr) > 3 else []
                continue
            if "第二十条" in label or label in {"信息内容"}:
                context = "t2"
                self.present["t2"] = True
            if context in (None, "t2") and _is_t3_header(label):
                context = "t3"
                self.present["t3"] = True
            if context != "legacy" and not t4_done and (
                    "结果维持" in label or "尚未审结" in label
                    or (label.startswith("行政复议") and "行政诉讼" in label and len(label) < 20)):
                context = "t4"
                self.present["t4"] = True
                continue
            if context == "t3" and _is_t3_header(label):
                continue
            # ----- rows
            if context == "t2":
                hit = _t2_key(label, self.template)
                if hit and (row.values or not row.paragraph):
                    t2key, cols = hit
                    self.present["t2"] = True
                    vals = self.fit(row, row.values, len(cols), f"表二 {t2key}", None)
                    self.put_t2(t2key, cols, vals, row)
                    continue
            if context in ("t3", "t2", None) and row.values or (context == "t3" and not row.paragraph):
                key = t3_key(label, prev_t3) if label else None
                if key is None and label == "" and pending and context == "t3":
                    key = t3_key(fold("".join(pending[-3:])), prev_t3)
                if key and (context == "t3" or key in ("new_received", "carried_over")):
                    self.present["t3"] = True
                    context = "t3"
                    vals = self.fit(row, row.values, 7, f"表三 {key}", _t3_ok)
                    self.put_t3(key, vals, row)
                    prev_t3 = key
                    pending = []
                    continue
            if context == "t4" and not t4_done:
                if not label and (len([v for v in row.values if v.strip()]) >= 5
                                  or (row.exact and len(row.values) >= 15)):
                    vals = self.fit(row, row.values, 15, "表四", _t4_ok, keep_leading=True)
                    self.put_t4(vals, row)
                    t4_done = True
                    continue
            if context == "legacy" and label and not row.paragraph or (
                    context == "legacy" and row.paragraph and row.values and label):
                self.put_legacy(row, legacy_cols, legacy_stack)
                continue
            if label and not row.values:
                pending.append(row.raw_label)
                pending = pending[-6:]
            elif not label and row.values and context == "t3" and pending:
                pass
        return self.finish()

    def doc_row_cells(self, row: Row) -> list[str]:
        return [row.raw_label] + row.values if row.paragraph else self._cells[row.index]

    @property
    def _cells(self) -> list[list[str]]:
        if not hasattr(self, "_cells_cache"):
            out: list[list[str]] = []
            for b in self.doc.blocks:
                if isinstance(b, Paragraph):
                    out.append([b.text])
                else:
                    out.extend(b.rows)
            self._cells_cache = out
        return self._cells_cache

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

    def put_legacy(self, row: Row, cols: list[str], stack: list[tuple[int, str]]) -> None:
        cells = [c for c in row.values]
        unit: str | None = None
        label = row.raw_label
        # the unit is the last label cell when it is short (条, 件, 万元, ——)
        parts = label.split(" ")
        if not row.paragraph:
            labels, _ = _split_cells(self._cells[row.index])
            if len(labels) >= 2 and len(fold(labels[-1])) <= 3:
                unit = labels[-1]
                label = " ".join(labels[:-1])
        elif len(parts) >= 2 and len(parts[-1]) <= 3:
            unit = parts[-1]
            label = " ".join(parts[:-1])
        if cells and fold(cells[0]) in {"——", "--", "—"} and unit is None:
            unit = cells.pop(0)
        values = [c for c in cells]
        while len(values) > max(1, len(cols)) and not values[-1].strip():
            values.pop()
        flabel = fold(label)
        if re.match(r"^[一二三四五六七八九十]+、", flabel):
            level = 1
        elif re.match(r"^[(（][一二三四五六七八九十]+[)）]", flabel):
            level = 2
        elif re.match(r"^\d+[.、．]", flabel):
            level = 3
        elif flabel.startswith("其中"):
            level = 4
        else:
            level = 4 if stack and stack[-1][0] == 4 else 3
        short = re.sub(r"[（(][^）)]*[）)]$", "", " ".join(label.split())).strip()
        while stack and stack[-1][0] >= level:
            stack.pop()
        path = [s for _, s in stack]
        entry = LegacyRow(label=" ".join(label.split()), unit=unit, value=None, path=path)
        nums = [parse_count(v) if not re.search(r"\.\d", v) else float(v) for v in values]
        if cols and len(values) > 1:
            entry["columns"] = dict(zip(cols, nums, strict=False))
        entry["value"] = nums[0] if nums else None
        self.rec["legacy_stats"].append(entry)
        stack.append((level, short))

    def finish(self) -> Record:
        rec = self.rec
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
        rec["provenance"] = {"cells": self.prov, "tables": dict(self.present)}
        return rec


def parse_document(doc: Document, *, filed_year: int | None = None,
                   agency: str | None = None) -> Record:
    folded = fold(doc.text())
    template, why = detect_template(folded)
    p = _Parser(doc, template)
    rec = p.run()
    _header_facts(doc, rec)
    if why:
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
