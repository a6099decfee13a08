"""What the 2019/2021 forms print, read off the real pages (not taken from the parser),
and the records a layout prints: the row order of 表三, the （六）其他处理 shapes, what a
parser must read back."""

from __future__ import annotations

import copy
from typing import Any

from ..record import SECTIONS, T3_COLUMNS, Record, empty_record, get_path, set_path

# ---------------------------------------------------------------- what the forms print
# (read off the real pages, not taken from the parser)

#: 表三 column headers as the 2019/2021 forms print them, in order.
T3_ORGS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
T3_CAPTION = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

#: 表三 result sub-groups: (printed group label, row keys under it).
T3_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("（三）不予公开", ("denied.state_secret", "denied.prohibited_by_law", "denied.three_safeties",
                  "denied.third_party_rights", "denied.internal_affairs",
                  "denied.process_information", "denied.enforcement_files",
                  "denied.administrative_query")),
    ("（四）无法提供", ("unable.not_held", "unable.needs_creation",
                  "unable.unclear_after_correction")),
    ("（五）不予处理", ("not_processed.petition", "not_processed.repeated",
                  "not_processed.publication", "not_processed.excessive",
                  "not_processed.confirmation")),
)
OTHER_SUBS = ("other_handling.no_correction", "other_handling.unpaid_fee", "other_handling.other")

#: 表二 blocks as printed: (clause, header cells after 信息内容, rows).
#: A header is (text, colspan); a row is (label, key, columns, colspans).
_T2Block = tuple[str, tuple[tuple[str, int], ...], tuple[tuple[str, str, tuple[str, ...],
                                                              tuple[int, ...]], ...]]
T2_2019: tuple[_T2Block, ...] = (
    ("第二十条第（一）项", (("本年新制作数量", 1), ("本年新公开数量", 1), ("对外公开总数量", 1)),
     (("规章", "rules", ("made", "published", "total_public"), (1, 1, 1)),
      ("规范性文件", "normative_documents", ("made", "published", "total_public"), (1, 1, 1)))),
    ("第二十条第（五）项", (("上一年项目数量", 1), ("本年增/减", 1), ("处理决定数量", 1)),
     (("行政许可", "licensing", ("previous_count", "change", "decisions"), (1, 1, 1)),
      ("其他对外管理服务事项", "other_services", ("previous_count", "change", "decisions"),
       (1, 1, 1)))),
    ("第二十条第（六）项", (("上一年项目数量", 1), ("本年增/减", 1), ("处理决定数量", 1)),
     (("行政处罚", "penalty", ("previous_count", "change", "decisions"), (1, 1, 1)),
      ("行政强制", "enforcement", ("previous_count", "change", "decisions"), (1, 1, 1)))),
    ("第二十条第（八）项", (("上一年项目数量", 1), ("本年增/减", 2)),
     (("行政事业性收费", "fees", ("previous_count", "change"), (1, 2)),)),
    ("第二十条第（九）项", (("采购项目数量", 1), ("采购总金额", 2)),
     (("政府集中采购", "procurement", ("projects", "amount"), (1, 2)),)),
)
T2_2021: tuple[_T2Block, ...] = (
    ("第二十条第（一）项", (("本年制发件数", 1), ("本年废止件数", 1), ("现行有效件数", 1)),
     (("规章", "rules", ("issued", "repealed", "in_force"), (1, 1, 1)),
      ("行政规范性文件", "normative_documents", ("issued", "repealed", "in_force"), (1, 1, 1)))),
    ("第二十条第（五）项", (("本年处理决定数量", 3),),
     (("行政许可", "licensing", ("decisions",), (3,)),)),
    ("第二十条第（六）项", (("本年处理决定数量", 3),),
     (("行政处罚", "penalty", ("decisions",), (3,)),
      ("行政强制", "enforcement", ("decisions",), (3,)))),
    ("第二十条第（八）项", (("本年收费金额（单位：万元）", 3),),
     (("行政事业性收费", "fees", ("amount",), (3,)),)),
)

T4_HEADS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


# ---------------------------------------------------------------- records


def has_single_other_handling(rec: Record) -> bool:
    """True when （六）其他处理 is one row (gov2019, or a gov2021 report printing it so)."""
    node = get_path(rec["applications"], "other_handling")
    return isinstance(node, dict) and "natural_person" in node


def single_other_handling(rec: Record) -> Record:
    """A copy of a gov2021 record printed with one （六）其他处理 row: the three sub-rows
    added up, as some agencies print the 2021 form (hongze-district-2024.pdf)."""
    out = copy.deepcopy(rec)
    node = out["applications"].get("other_handling")
    if rec["template"] != "gov2021" or not isinstance(node, dict) or "natural_person" in node:
        return out
    subs = [node[k.split(".")[1]] for k in OTHER_SUBS]
    summed: dict[str, int | None] = {}
    for c in T3_COLUMNS:
        vals = [s.get(c) for s in subs]
        summed[c] = None if all(v is None for v in vals) else sum(v or 0 for v in vals)
    out["applications"]["other_handling"] = summed
    return out


def t3_printed_rows(rec: Record) -> list[str]:
    """The 表三 row keys in printed order for this record's shape."""
    rows = ["new_received", "carried_over", "granted", "partially_granted"]
    for _, keys in T3_GROUPS:
        rows.extend(keys)
    rows.extend(["other_handling"] if has_single_other_handling(rec) else OTHER_SUBS)
    rows.extend(["results_total", "carried_forward"])
    return rows


def expected_record(rec: Record) -> Record:
    """What a parser must read back from any layout of ``rec``: the record's tables with
    a printed-but-derived （六）其他处理 小计 (``printed``) dropped."""
    out = copy.deepcopy(rec)
    node = out["applications"].get("other_handling")
    if isinstance(node, dict):
        node.pop("printed", None)
    return out


def record_from_cells(cells: dict[str, Any], template: str, *, agency: str = "",
                      year: int = 0) -> Record:
    """A record holding a real report's hand-read cells (``*.expected.json`` ``cells``):
    real numbers to render in every layout. Dotted ``….amount.text`` keys become amounts
    with ``yuan`` left None."""
    rec = empty_record()
    rec["template"] = template  # type: ignore[typeddict-item]
    rec["agency"] = agency or None
    rec["year"] = year or None
    rec["title"] = f"{agency}{year}年政府信息公开工作年度报告" if agency else None
    for path, value in cells.items():
        section, _, rest = path.partition(".")
        if section not in ("applications", "active_disclosure", "review_litigation"):
            continue
        if rest.endswith(".amount.text"):
            set_path(rec[section], rest[: -len(".text")],  # type: ignore[literal-required]
                     {"text": str(value), "yuan": None})
        elif not rest.endswith(".amount.yuan"):
            set_path(rec[section], rest, value)  # type: ignore[literal-required]
    rec["sections"] = {k: True for k, _ in SECTIONS}
    return rec



def num_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, dict):
        return str(v.get("text") or "")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)
