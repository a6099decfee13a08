"""The normalized report record of ``docs/record.md``, defined once as code.

Every other module (parser, validation, database, alerts, pages) imports the keys and
labels from here, so a key is spelled in exactly one place.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Literal, TypedDict

Template = Literal["gov2021", "gov2019", "legacy", "unknown"]
Severity = Literal["error", "warning"]

#: 表三 applicant columns, in printed order.
T3_COLUMNS: tuple[str, ...] = (
    "natural_person",
    "commercial",
    "research",
    "social_welfare",
    "legal_service",
    "other_org",
    "total",
)
T3_COLUMN_LABELS: dict[str, str] = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "social_welfare": "社会公益组织",
    "legal_service": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}

#: 表三 rows: dotted key -> (printed label, keywords that identify the row's label).
#: Keywords are matched against the label with whitespace removed and NFKC-folded.
T3_ROWS: tuple[tuple[str, str], ...] = (
    ("new_received", "一、本年新收政府信息公开申请数量"),
    ("carried_over", "二、上年结转政府信息公开申请数量"),
    ("granted", "（一）予以公开"),
    ("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("denied.state_secret", "1.属于国家秘密"),
    ("denied.prohibited_by_law", "2.其他法律行政法规禁止公开"),
    ("denied.three_safeties", "3.危及“三安全一稳定”"),
    ("denied.third_party_rights", "4.保护第三方合法权益"),
    ("denied.internal_affairs", "5.属于三类内部事务信息"),
    ("denied.process_information", "6.属于四类过程性信息"),
    ("denied.enforcement_files", "7.属于行政执法案卷"),
    ("denied.administrative_query", "8.属于行政查询事项"),
    ("unable.not_held", "1.本机关不掌握相关政府信息"),
    ("unable.needs_creation", "2.没有现成信息需要另行制作"),
    ("unable.unclear_after_correction", "3.补正后申请内容仍不明确"),
    ("not_processed.petition", "1.信访举报投诉类申请"),
    ("not_processed.repeated", "2.重复申请"),
    ("not_processed.publication", "3.要求提供公开出版物"),
    ("not_processed.excessive", "4.无正当理由大量反复申请"),
    ("not_processed.confirmation", "5.要求行政机关确认或重新出具已获取信息"),
    ("other_handling", "（六）其他处理"),
    (
        "other_handling.no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    ),
    (
        "other_handling.unpaid_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    ),
    ("other_handling.other", "3.其他"),
    ("results_total", "（七）总计"),
    ("carried_forward", "四、结转下年度继续办理"),
)
T3_ROW_LABELS: dict[str, str] = dict(T3_ROWS)

#: The words that identify each 表三 row's label, whatever else the label says (folded).
#: ``other_handling.other`` is only "3.其他" after the other sub-rows; the matcher knows.
T3_KEYWORDS: dict[str, str] = {
    "new_received": "本年新收",
    "carried_over": "上年结转",
    "granted": "予以公开",
    "partially_granted": "部分公开",
    "denied.state_secret": "国家秘密",
    "denied.prohibited_by_law": "禁止公开",
    "denied.three_safeties": "三安全一稳定",
    "denied.third_party_rights": "第三方合法权益",
    "denied.internal_affairs": "内部事务",
    "denied.process_information": "过程性信息",
    "denied.enforcement_files": "行政执法案卷",
    "denied.administrative_query": "行政查询事项",
    "unable.not_held": "不掌握",
    "unable.needs_creation": "另行制作",
    "unable.unclear_after_correction": "补正后",
    "not_processed.petition": "信访举报投诉",
    "not_processed.repeated": "重复申请",
    "not_processed.publication": "公开出版物",
    "not_processed.excessive": "大量反复",
    "not_processed.confirmation": "确认或重新出具",
    "other_handling": "其他处理",
    "other_handling.no_correction": "逾期不补正",
    "other_handling.unpaid_fee": "缴纳费用",
    "other_handling.other": "其他",
    "results_total": "总计",
    "carried_forward": "结转下年度",
}

#: The row groups whose rows add up to （七）总计.
T3_RESULT_GROUPS = frozenset(
    {"granted", "partially_granted", "denied", "unable", "not_processed", "other_handling"})

#: Rows whose sum makes up （七）总计 (other_handling counted once, as its own row or sub-rows).
T3_RESULT_ROWS: tuple[str, ...] = tuple(k for k, _ in T3_ROWS if k.split(".")[0] in T3_RESULT_GROUPS)

#: The sub-rows of each numbered 表三 group, in printed order (1., 2., …).
T3_SUBROWS: dict[str, tuple[str, ...]] = {
    g: tuple(k for k, _ in T3_ROWS if k.startswith(g + "."))
    for g in ("denied", "unable", "not_processed", "other_handling")
}


def other_handling_split(template: str, applications: dict[str, Any] | None = None) -> bool:
    """Whether （六）其他处理 is printed as three sub-rows.

    gov2021 prescribes the split, but some agencies still print the single row: the
    record then keeps ``other_handling`` as a column object, as gov2019 does.
    """
    if template != "gov2021":
        return False
    node = (applications or {}).get("other_handling")
    return not (isinstance(node, dict) and "total" in node)


def t3_keys(template: str, applications: dict[str, Any] | None = None) -> list[str]:
    """The 表三 rows a report prints, in order: the one row filter everyone uses."""
    split = other_handling_split(template, applications)
    out = []
    for key, _ in T3_ROWS:
        if split and key == "other_handling":
            continue
        if not split and key.startswith("other_handling."):
            continue
        out.append(key)
    return out


def t3_result_keys(template: str, applications: dict[str, Any] | None = None) -> list[str]:
    """The rows that add up to （七）总计."""
    return [k for k in t3_keys(template, applications) if k.split(".")[0] in T3_RESULT_GROUPS]

T4_GROUPS: tuple[str, ...] = ("admin_review", "litigation_direct", "litigation_after_review")
T4_GROUP_LABELS: dict[str, str] = {
    "admin_review": "行政复议",
    "litigation_direct": "行政诉讼（未经复议直接起诉）",
    "litigation_after_review": "行政诉讼（复议后起诉）",
}
T4_COLUMNS: tuple[str, ...] = ("upheld", "corrected", "other", "pending", "total")
T4_COLUMN_LABELS: dict[str, str] = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}

#: 表二 rows per template: key -> (label, columns).
T2_GOV2019: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("rules", "规章", ("made", "published", "total_public")),
    ("normative_documents", "规范性文件", ("made", "published", "total_public")),
    ("licensing", "行政许可", ("previous_count", "change", "decisions")),
    ("other_services", "其他对外管理服务事项", ("previous_count", "change", "decisions")),
    ("penalty", "行政处罚", ("previous_count", "change", "decisions")),
    ("enforcement", "行政强制", ("previous_count", "change", "decisions")),
    ("fees", "行政事业性收费", ("previous_count", "change")),
    ("procurement", "政府集中采购", ("projects", "amount")),
)
T2_GOV2021: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("rules", "规章", ("issued", "repealed", "in_force")),
    ("normative_documents", "行政规范性文件", ("issued", "repealed", "in_force")),
    ("licensing", "行政许可", ("decisions",)),
    ("penalty", "行政处罚", ("decisions",)),
    ("enforcement", "行政强制", ("decisions",)),
    ("fees", "行政事业性收费", ("amount",)),
)
T2_COLUMN_LABELS: dict[str, str] = {
    "made": "本年新制作数量",
    "published": "本年新公开数量",
    "total_public": "对外公开总数量",
    "previous_count": "上一年项目数量",
    "change": "本年增/减",
    "decisions": "处理决定数量",
    "projects": "采购项目数量",
    "amount": "金额",
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
}
AMOUNT_COLUMNS = frozenset({"amount"})

_LEGACY_LEVELS = (re.compile(r"^[一二三四五六七八九十]+、"),
                  re.compile(r"^[(（][一二三四五六七八九十]+[)）]"),
                  re.compile(r"^\d+[.、．]"))


def legacy_level(label: str) -> int:
    """A 统计表 label's nesting level by its numbering: 1 一、 2 （一） 3 1. 4 other (其中…)."""
    f = "".join(unicodedata.normalize("NFKC", label).split())
    for i, rx in enumerate(_LEGACY_LEVELS, start=1):
        if rx.match(f):
            return i
    return 4


def legacy_children(rows: list[LegacyRow], i: int) -> list[int]:
    """Indexes of the rows that add up to row ``i`` (empty: not a counted parent).

    Children are told by ``path`` (the parser records each row's parents), not by the
    numbering alone: the older forms number children under an unnumbered parent
    (主动公开信息数 / 其中：1.网站公开 / 2.政府公报公开). A 一、 heading is a parent only for
    复议/诉讼 counts; a row with no unit or —— is a heading, not a figure.
    """
    row = rows[i]
    unit = "".join((row.get("unit") or "").split())
    if unit in ("", "——", "--", "—") or "label" not in row:
        return []
    if legacy_level(row["label"]) == 1 and not any(w in row["label"] for w in ("复议", "诉讼")):
        return []
    # only numbered parts add up; an unnumbered 其中 row is a subset, a plain row a sibling
    return [j for j in legacy_rows_under(rows, i)
            if legacy_level(re.sub(r"^\s*其中\s*[:：]?", "", rows[j].get("label", ""))) < 4]


def legacy_rows_under(rows: list[LegacyRow], i: int) -> list[int]:
    """Indexes of the direct children of row ``i`` by ``path``, counted or not."""
    row = rows[i]
    prefix = [*row.get("path", []), legacy_short(row.get("label", ""))]
    out = []
    for j in range(i + 1, len(rows)):
        path = rows[j].get("path", [])
        if path[: len(prefix)] != prefix:
            break
        if len(path) == len(prefix):
            out.append(j)
    return out


def legacy_short(label: str) -> str:
    """A 统计表 label as its children's ``path`` names it: without a trailing （…） note."""
    return re.sub(r"[（(][^）)]*[）)]$", "", " ".join(label.split())).strip()


SECTIONS: tuple[tuple[str, str], ...] = (
    ("overview", "一、总体情况"),
    ("active_disclosure", "二、主动公开政府信息情况"),
    ("applications", "三、收到和处理政府信息公开申请情况"),
    ("review_litigation", "四、政府信息公开行政复议、行政诉讼情况"),
    ("problems", "五、存在的主要问题及改进情况"),
    ("other", "六、其他需要报告的事项"),
)

#: Finding codes with their severity (docs/record.md); the one list validation uses.
FINDING_CODES: dict[str, Severity] = {
    "SECTION_MISSING": "error",
    "TABLE_MISSING": "error",
    "TABLE_BLANK": "error",
    "CELLS_BLANK": "warning",
    "CELLS_AMBIGUOUS": "warning",
    "T3_BALANCE": "error",
    "T3_ROW_TOTAL": "error",
    "T3_RESULTS_TOTAL": "error",
    "T3_OTHER_HANDLING_SUM": "error",
    "T4_TOTAL": "error",
    "LEGACY_SUM": "error",
    "CARRYOVER_MISMATCH": "error",
    "IN_FORCE_DRIFT": "warning",
    "NARRATIVE_MISMATCH": "warning",
    "YEAR_MISMATCH": "error",
    "TEMPLATE_OUTDATED": "warning",
    "DUPLICATE_TEXT": "warning",
}


class Amount(TypedDict):
    text: str
    yuan: int | None


class Finding(TypedDict):
    code: str
    severity: Severity
    where: str | None
    expected: Any
    actual: Any
    message: str


class Contact(TypedDict):
    address: str | None
    postcode: str | None
    phone: str | None
    fax: str | None
    email: str | None


class LegacyRow(TypedDict, total=False):
    label: str
    unit: str | None
    value: int | float | None
    path: list[str]
    columns: dict[str, int | float | None]


class Record(TypedDict):
    agency: str | None
    year: int | None
    template: Template
    title: str | None
    published_on: str | None
    period: dict[str, str | None]
    portal_urls: list[str]
    contact: Contact
    sections: dict[str, bool]
    active_disclosure: dict[str, dict[str, Any]]
    applications: dict[str, Any]
    review_litigation: dict[str, dict[str, int | None]]
    legacy_stats: list[LegacyRow]
    findings: list[Finding]
    provenance: dict[str, Any]
    notes: list[str]


def empty_record() -> Record:
    return Record(
        agency=None,
        year=None,
        template="unknown",
        title=None,
        published_on=None,
        period={"start": None, "end": None},
        portal_urls=[],
        contact=Contact(address=None, postcode=None, phone=None, fax=None, email=None),
        sections={k: False for k, _ in SECTIONS},
        active_disclosure={},
        applications={},
        review_litigation={},
        legacy_stats=[],
        findings=[],
        provenance={},
        notes=[],
    )


def get_path(obj: dict[str, Any], dotted: str) -> Any:
    """Read a dotted key (``denied.state_secret``) from nested dicts; None when absent."""
    cur: Any = obj
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


def set_path(obj: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    cur = obj
    for part in parts[:-1]:
        cur = cur.setdefault(part, {})
    cur[parts[-1]] = value


def iter_cells(record: Record) -> list[tuple[str, Any]]:
    """Every number cell as (dotted path, value) — the rows ``export`` and ``cells`` hold."""
    out: list[tuple[str, Any]] = []

    def walk(prefix: str, node: Any) -> None:
        if isinstance(node, dict) and not ("text" in node and "yuan" in node):
            for k, v in node.items():
                walk(f"{prefix}.{k}" if prefix else k, v)
        else:
            out.append((prefix, node))

    for section in ("active_disclosure", "applications", "review_litigation"):
        walk(section, record.get(section))
    for i, row in enumerate(record["legacy_stats"]):
        out.append((f"legacy_stats.{i}", row.get("value")))
    return out
