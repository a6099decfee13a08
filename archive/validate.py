"""Validation rules: one small registered function per finding code of ``docs/record.md``.

Rules report, never repair. In arithmetic a blank counts as 0, so a rule never fires only
because a cell is blank; blanks are reported by ``CELLS_BLANK`` / ``TABLE_BLANK``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .document import fold
from .record import (
    FINDING_CODES,
    SECTIONS,
    T3_COLUMN_LABELS,
    T3_COLUMNS,
    T3_ROW_LABELS,
    T4_COLUMNS,
    T4_GROUP_LABELS,
    T4_GROUPS,
    Finding,
    Record,
    get_path,
    legacy_children,
    t3_keys,
    t3_result_keys,
)


@dataclass
class Context:
    """What a rule may know beyond the record: the neighbouring years and peer texts."""

    previous: Record | None = None
    others: list[tuple[str, str]] = field(default_factory=list)  # (who, narrative)
    filed_year: int | None = None


Rule = Callable[[Record, Context], Iterator[Finding]]
RULES: list[tuple[str, Rule]] = []


def rule(code: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        RULES.append((code, fn))
        return fn

    return register


def finding(code: str, message: str, where: str | None = None, expected: Any = None,
            actual: Any = None) -> Finding:
    return Finding(code=code, severity=FINDING_CODES[code], where=where, expected=expected,
                   actual=actual, message=message)


def n(v: Any) -> int:
    """A blank counts as 0 in arithmetic."""
    return v if isinstance(v, int) else 0


def _modern(rec: Record) -> bool:
    return rec["template"] in ("gov2019", "gov2021")


def _t3_row(rec: Record, key: str) -> dict[str, Any] | None:
    v = get_path(rec["applications"], key)
    return v if isinstance(v, dict) and set(v) <= set(T3_COLUMNS) else None


def _t3_keys(rec: Record) -> list[str]:
    return t3_keys(rec["template"], rec["applications"])


def _label(key: str) -> str:
    return T3_ROW_LABELS.get(key, key)


def _total_of_parts(code: str, row: dict[str, Any] | None, parts: tuple[str, ...], where: str,
                    message: str) -> Iterator[Finding]:
    """A printed row whose 总计 is not the sum of its ``parts`` (``message`` is formatted with
    ``parts`` and ``total``); an absent row says nothing."""
    if not row:
        return
    got, total = sum(n(row.get(c)) for c in parts), n(row.get("total"))
    if got != total:
        yield finding(code, message.format(parts=got, total=total), where, got, row.get("total"))


def _all_cells(node: Any) -> list[Any]:
    if isinstance(node, dict) and not ("text" in node and "yuan" in node):
        return [c for v in node.values() for c in _all_cells(v)]
    return [node]


@rule("SECTION_MISSING")
def section_missing(rec: Record, ctx: Context) -> Iterator[Finding]:
    if not _modern(rec):
        return
    for key, title in SECTIONS:
        if not rec["sections"].get(key):
            yield finding("SECTION_MISSING", f"缺少第{title[0]}部分“{title[2:]}”", key)


_TABLES = (("t2", "active_disclosure", "表二（主动公开政府信息情况）"),
           ("t3", "applications", "表三（收到和处理政府信息公开申请情况）"),
           ("t4", "review_litigation", "表四（政府信息公开行政复议、行政诉讼情况）"))


@rule("TABLE_MISSING")
def table_missing(rec: Record, ctx: Context) -> Iterator[Finding]:
    present = rec["provenance"].get("tables", {})
    if rec["template"] == "legacy":
        if not rec["legacy_stats"]:
            yield finding("TABLE_MISSING", "缺少政府信息公开情况统计表", "legacy_stats")
        return
    if rec["template"] == "unknown":
        yield finding("TABLE_MISSING", "未识别出任何官方统计表格：" + "；".join(rec["notes"][-1:]),
                      None)
        return
    for tkey, section, name in _TABLES:
        if not present.get(tkey) and not rec[section]:  # type: ignore[literal-required]
            yield finding("TABLE_MISSING", f"缺少{name}", section)


@rule("TABLE_BLANK")
def table_blank(rec: Record, ctx: Context) -> Iterator[Finding]:
    for _, section, name in _TABLES:
        node = rec[section]  # type: ignore[literal-required]
        if node and all(c is None for c in _all_cells(node)):
            yield finding("TABLE_BLANK", f"{name}已列出但全部数字单元格为空白", section)
    if rec["template"] == "legacy" and rec["legacy_stats"] and all(
            r.get("value") is None for r in rec["legacy_stats"]):
        yield finding("TABLE_BLANK", "统计表已列出但全部数字单元格为空白", "legacy_stats")


@rule("CELLS_BLANK")
def cells_blank(rec: Record, ctx: Context) -> Iterator[Finding]:
    apps = rec["applications"]
    unsure = {a["where"] for a in rec.get("provenance", {}).get("ambiguous", [])}
    if apps and not all(c is None for c in _all_cells(apps)):
        for key in _t3_keys(rec):
            row = _t3_row(rec, key)
            if row is None or f"applications.{key}" in unsure:
                continue
            blank = [T3_COLUMN_LABELS[c] for c in T3_COLUMNS if row.get(c) is None]
            if blank and len(blank) < len(T3_COLUMNS) or (blank and key in (
                    "new_received", "results_total", "carried_forward")):
                yield finding("CELLS_BLANK", f"表三“{_label(key)}”有空白单元格：{'、'.join(blank)}",
                              f"applications.{key}")
    rl = rec["review_litigation"]
    if rl and not all(c is None for c in _all_cells(rl)):
        for g in T4_GROUPS:
            blank = [c for c in T4_COLUMNS if rl.get(g, {}).get(c) is None]
            if blank and f"review_litigation.{g}" not in unsure:
                yield finding("CELLS_BLANK", f"表四“{T4_GROUP_LABELS[g]}”有空白单元格",
                              f"review_litigation.{g}")


@rule("CELLS_AMBIGUOUS")
def cells_ambiguous(rec: Record, ctx: Context) -> Iterator[Finding]:
    """Numbers the source ran together (``77132470``) that more than one split fits."""
    for amb in rec.get("provenance", {}).get("ambiguous", []):
        cands = "；".join("、".join(map(str, c)) for c in amb.get("candidates", [])[:4])
        more = f"可能是：{cands}{'等' if len(amb.get('candidates', [])) > 4 else ''}" if cands \
            else "无法确定各格数值"
        yield finding("CELLS_AMBIGUOUS", f"原文数字连在一起“{amb['run']}”，{more}；已记为空白，"
                      "请对照原文核实", amb["where"], None, amb["run"])


@rule("T3_BALANCE")
def t3_balance(rec: Record, ctx: Context) -> Iterator[Finding]:
    a, b = _t3_row(rec, "new_received"), _t3_row(rec, "carried_over")
    c, d = _t3_row(rec, "results_total"), _t3_row(rec, "carried_forward")
    if not (a and c):
        return
    for col in T3_COLUMNS:
        left = n(a.get(col)) + n((b or {}).get(col))
        right = n(c.get(col)) + n((d or {}).get(col))
        if left != right:
            yield finding("T3_BALANCE", f"“{T3_COLUMN_LABELS[col]}”列：一、二项之和为{left}，"
                          f"三、四项之和为{right}", f"applications.results_total.{col}", left, right)


@rule("T3_ROW_TOTAL")
def t3_row_total(rec: Record, ctx: Context) -> Iterator[Finding]:
    for key in _t3_keys(rec):
        yield from _total_of_parts("T3_ROW_TOTAL", _t3_row(rec, key), T3_COLUMNS[:6],
                                   f"applications.{key}.total",
                                   f"表三“{_label(key)}”：六类申请人之和为{{parts}}，总计栏为{{total}}")


@rule("T3_RESULTS_TOTAL")
def t3_results_total(rec: Record, ctx: Context) -> Iterator[Finding]:
    total = _t3_row(rec, "results_total")
    if not total:
        return
    keys = t3_result_keys(rec["template"], rec["applications"])
    for col in T3_COLUMNS:
        s = sum(n((_t3_row(rec, k) or {}).get(col)) for k in keys)
        if s != n(total.get(col)):
            yield finding("T3_RESULTS_TOTAL", f"“{T3_COLUMN_LABELS[col]}”列：（一）至（六）之和为{s}，"
                          f"（七）总计为{n(total.get(col))}", f"applications.results_total.{col}", s,
                          total.get(col))


@rule("T3_OTHER_HANDLING_SUM")
def t3_other_handling_sum(rec: Record, ctx: Context) -> Iterator[Finding]:
    if rec["template"] != "gov2021":
        return
    node = rec["applications"].get("other_handling") or {}
    printed = node.get("printed")
    if not printed:
        return
    for col in T3_COLUMNS:
        s = sum(n((node.get(k) or {}).get(col)) for k in ("no_correction", "unpaid_fee", "other"))
        if printed.get(col) is not None and s != n(printed.get(col)):
            yield finding("T3_OTHER_HANDLING_SUM", f"“{T3_COLUMN_LABELS[col]}”列：其他处理为"
                          f"{printed.get(col)}，三个子项之和为{s}", f"applications.other_handling.{col}",
                          s, printed.get(col))


@rule("T4_TOTAL")
def t4_total(rec: Record, ctx: Context) -> Iterator[Finding]:
    for g in T4_GROUPS:
        yield from _total_of_parts("T4_TOTAL", rec["review_litigation"].get(g), T4_COLUMNS[:4],
                                   f"review_litigation.{g}.total",
                                   f"表四“{T4_GROUP_LABELS[g]}”：维持、纠正、其他、尚未审结之和为{{parts}}，"
                                   "总计为{total}")


@rule("LEGACY_SUM")
def legacy_sum(rec: Record, ctx: Context) -> Iterator[Finding]:
    """A counted parent (not a —— heading) against its numbered children."""
    rows = rec["legacy_stats"]
    for i, row in enumerate(rows):
        if row.get("value") is None:
            continue
        children = [rows[j] for j in legacy_children(rows, i)]
        if not children:
            continue
        s: float = 0
        for c in children:
            v = c.get("value")
            s += v if isinstance(v, float) else n(v)
        if s != row["value"]:
            parts = " + ".join(str(c.get("value") if c.get("value") is not None else "空")
                               for c in children)
            yield finding("LEGACY_SUM", f"统计表“{row['label']}”为{row['value']}，其分项之和为"
                          f"{s}（{parts}）", f"legacy_stats.{i}", s, row["value"])


@rule("CARRYOVER_MISMATCH")
def carryover(rec: Record, ctx: Context) -> Iterator[Finding]:
    prev = ctx.previous
    if not prev or not _modern(rec) or not _modern(prev):
        return
    this = _t3_row(rec, "carried_over")
    last = get_path(prev["applications"], "carried_forward")
    if not this or not isinstance(last, dict):
        return
    for col in T3_COLUMNS:
        if n(this.get(col)) != n(last.get(col)):
            yield finding("CARRYOVER_MISMATCH", f"“{T3_COLUMN_LABELS[col]}”列：本年“上年结转”为"
                          f"{n(this.get(col))}，上年报告“结转下年度继续办理”为{n(last.get(col))}",
                          f"applications.carried_over.{col}", last.get(col), this.get(col))


@rule("IN_FORCE_DRIFT")
def in_force_drift(rec: Record, ctx: Context) -> Iterator[Finding]:
    prev = ctx.previous
    if not prev or rec["template"] != "gov2021" or prev["template"] != "gov2021":
        return
    for key, name in (("rules", "规章"), ("normative_documents", "行政规范性文件")):
        this = rec["active_disclosure"].get(key) or {}
        last = prev["active_disclosure"].get(key) or {}
        if this.get("in_force") is None or last.get("in_force") is None:
            continue
        expect = n(last.get("in_force")) + n(this.get("issued")) - n(this.get("repealed"))
        if expect != n(this.get("in_force")):
            yield finding("IN_FORCE_DRIFT", f"{name}：上年现行有效{last.get('in_force')}件 + 本年制发"
                          f"{n(this.get('issued'))} − 废止{n(this.get('repealed'))} = {expect}，"
                          f"本年报告现行有效{this.get('in_force')}件", f"active_disclosure.{key}.in_force",
                          expect, this.get("in_force"))


_NARR = (
    (re.compile(r"(?:收到|受理|新收)[^。；;]{0,40}?(?:政府信息公开申请|申请公开政府信息)[^。；;\d]{0,8}?(\d+)件"),
     "applications.new_received.total", "正文所述收到申请数"),
    (re.compile(r"行政复议(?:案件)?(\d+)(?:起|件)"), "review_litigation.admin_review.total",
     "正文所述行政复议案件数"),
    (re.compile(r"行政诉讼(?:案件)?(\d+)(?:起|件)"), "litigation", "正文所述行政诉讼案件数"),
)


@rule("NARRATIVE_MISMATCH")
def narrative_mismatch(rec: Record, ctx: Context) -> Iterator[Finding]:
    if not _modern(rec):
        return
    text = fold(rec["provenance"].get("narrative", ""))
    for rx, where, what in _NARR:
        m = rx.search(text)
        if not m:
            continue
        stated = int(m.group(1))
        if where == "litigation":
            a = get_path(rec["review_litigation"], "litigation_direct.total")
            b = get_path(rec["review_litigation"], "litigation_after_review.total")
            if a is None and b is None:
                continue
            table = n(a) + n(b)
            where = "review_litigation.litigation_direct.total"
        else:
            section, _, rest = where.partition(".")
            v = get_path(rec[section], rest)  # type: ignore[literal-required]
            if v is None:
                continue
            table = n(v)
            if where.startswith("applications"):
                table_alt = table + n(get_path(rec["applications"], "carried_over.total"))
                if stated == table_alt:
                    continue
        if stated != table:
            yield finding("NARRATIVE_MISMATCH", f"{what}为{stated}，表格中为{table}", where, table,
                          stated)


_YEAR_IN = re.compile(r"(\d{4})")


@rule("YEAR_MISMATCH")
def year_mismatch(rec: Record, ctx: Context) -> Iterator[Finding]:
    years: dict[str, int] = {}
    if rec["title"]:
        m = _YEAR_IN.search(fold(rec["title"]))
        if m:
            years["标题"] = int(m.group(1))
    start = (rec["period"] or {}).get("start")
    if start:
        years["统计期限"] = int(start[:4])
    if ctx.filed_year is not None:
        years["归档年份"] = ctx.filed_year
    if len(set(years.values())) > 1:
        desc = "，".join(f"{k}{v}年" for k, v in years.items())
        yield finding("YEAR_MISMATCH", f"年份不一致：{desc}", "year", rec["year"], years)


@rule("TEMPLATE_OUTDATED")
def template_outdated(rec: Record, ctx: Context) -> Iterator[Finding]:
    if rec["template"] == "gov2019" and (rec["year"] or 0) >= 2021:
        yield finding("TEMPLATE_OUTDATED", f"{rec['year']}年度报告仍使用2019版表格（应使用国办公开办函"
                      "〔2021〕30号格式）", "template", "gov2021", "gov2019")


def shingles(text: str, k: int = 8) -> set[int]:
    """Every k-character window: sampling by position would make two copies that differ
    by one leading character share almost nothing."""
    t = fold(text)
    return {hash(t[i : i + k]) for i in range(max(0, len(t) - k + 1))}


def similarity(a: str | set[int], b: str | set[int]) -> float:
    sa = shingles(a) if isinstance(a, str) else a
    sb = shingles(b) if isinstance(b, str) else b
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


DUPLICATE_THRESHOLD = 0.8
#: folded characters both narratives need before they are compared: a short one (a
#: report whose text was barely read) would be "contained" in every long one
DUPLICATE_MIN_CHARS = 200


def comparable(narrative: str) -> bool:
    """Long enough for DUPLICATE_TEXT to compare, on either side of a pair."""
    return len(fold(narrative)) >= DUPLICATE_MIN_CHARS


@rule("DUPLICATE_TEXT")
def duplicate_text(rec: Record, ctx: Context) -> Iterator[Finding]:
    mine = rec["provenance"].get("narrative", "")
    if not comparable(mine):
        return
    sa = shingles(mine)
    for who, text in ctx.others:
        if not comparable(text):
            continue
        sim = similarity(sa, text)
        if sim >= DUPLICATE_THRESHOLD:
            yield finding("DUPLICATE_TEXT", f"正文与{who}的报告高度雷同（相似度{sim:.0%}）", "narrative",
                          None, round(sim, 3))


def validate(rec: Record, ctx: Context | None = None) -> list[Finding]:
    """Run every registered rule; replaces ``rec['findings']`` and returns it."""
    ctx = ctx or Context()
    out: list[Finding] = []
    for _, fn in RULES:
        out.extend(fn(rec, ctx))
    rec["findings"] = out
    return out


assert {c for c, _ in RULES} == set(FINDING_CODES), "every finding code has one rule"
