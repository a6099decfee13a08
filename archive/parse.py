"""Turn a :class:`Document` into the normalized record (``docs/record.md``).

The parser reads a stream of rows (:mod:`archive.rows`) — a table row is its cells, a
paragraph one cell — and recognises each statistics row by its label (:mod:`archive.labels`),
not by its position: merged cells, stray cells and page breaks move positions, labels
stay. Values are never repaired: what was printed is recorded, blanks are null, doubts go
to ``notes``; numbers run together are split by the template's arithmetic
(:mod:`archive.glued`) or left blank. The report's own facts come from
:mod:`archive.header`, the pre-2019 统计表 from :mod:`archive.legacy`.
"""

from __future__ import annotations

from collections.abc import Callable

from .document import Document, Paragraph, fold
from .glued import split_t3, split_t4
from .header import SECTION_PATTERNS, header_facts
from .labels import detect_template, is_generic_header, is_t3_header, t2_key, t3_key
from .legacy import legacy_stats
from .numbers import is_blank, parse_amount, parse_count
from .record import (
    T2_GOV2019,
    T2_GOV2021,
    T3_COLUMNS,
    T3_ROWS,
    T4_COLUMNS,
    T4_GROUPS,
    Record,
    Template,
    empty_record,
    get_path,
    set_path,
    t3_keys,
)
from .rows import (
    SIGNED_RUN,
    Row,
    digit_tokens,
    drop_stray,
    exact_cells,
    forced_cells,
    is_glued,
    resegment,
    rows_of,
    t2_splits,
    trim_cells,
)

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
        if not row.exact and is_glued(row.values, 7):
            self.t3_runs[key] = " ".join(digit_tokens(row.values))
            return [""] * 7
        toks = digit_tokens(row.values)
        if not row.exact and toks and len(toks) < 7 and all(t.isdigit() for t in toks):
            self.t3_short[key] = [int(t) for t in toks]
        return self.fit(row, row.values, 7, f"表三 {key}", _t3_ok)

    def t2_cells(self, key: str, cols: tuple[str, ...], row: Row) -> list[str]:
        """表二 has no arithmetic within a row: a glued run is split only when its digits
        allow one split at all (``000``, ``3-1``); otherwise its cells stay blank."""
        toks = digit_tokens(row.values)
        if not row.exact and len(cols) > 1 and toks and len(toks) < len(cols):
            run = " ".join(toks)
            splits = t2_splits(toks, cols) if all(SIGNED_RUN.fullmatch(t) for t in toks) else []
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
            return values[:n] if keep_leading else exact_cells(values, n)
        v, extra = trim_cells(values, n, keep_leading=keep_leading)
        if extra:
            chosen = drop_stray(v, n, ok) if ok else None
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
                for section, rx in SECTION_PATTERNS:
                    if len(label) <= 40 and rx.match(label):
                        context = {"active_disclosure": "t2", "applications": "t3",
                                   "review_litigation": "t4"}.get(section)
                        pending = []
            if "第二十条" in label or label in {"信息内容"}:
                context = "t2"
                self.present["t2"] = True
            if context in (None, "t2") and is_t3_header(label):
                context = "t3"
                self.present["t3"] = True
            if not t4_done and (
                    "结果维持" in label or "尚未审结" in label
                    or (label.startswith("行政复议") and "行政诉讼" in label and len(label) < 20)):
                context = "t4"
                self.present["t4"] = True
                continue
            if context == "t3" and is_t3_header(label) or is_generic_header(label):
                continue
            # ----- rows
            if context == "t2":
                hit = t2_key(label, self.template)
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
                if not label and not row.exact and is_glued(row.values, 15):
                    self.t4_runs = digit_tokens(row.values)
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
    header_facts(doc, rec)
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
