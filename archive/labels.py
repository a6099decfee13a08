"""Which template row a label names, and which template a document follows.

Labels are compared folded (NFKC, no whitespace). The words come from the one table of
template knowledge in :mod:`archive.record`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .legacy import is_legacy
from .record import T2_GOV2019, T2_GOV2021, T3_KEYWORDS, T3_SUBROWS, Template

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


def is_t3_header(label: str) -> bool:
    return any(w in label for w in ("勾稽", "申请人情况", "自然人", "商业企业", "商业机构", "科研机构"))


_GENERIC_HEADER = re.compile(r"(?:(?:数据|列|栏|第|data|col(?:umn)?)\d+[列栏]?)+(?:总计|合计)?", re.I)


def is_generic_header(label: str) -> bool:
    """A header row of numbered columns (``数据1 … 数据6 | 总计``), as converters print."""
    return bool(label) and bool(_GENERIC_HEADER.fullmatch(label))


def is_t4_header(label: str) -> bool:
    return any(
        w in label
        for w in ("结果维持", "结果纠正", "尚未审结", "行政复议", "行政诉讼", "直接起诉", "复议后起诉")
    )


def t2_key(label: str, template: Template) -> tuple[str, tuple[str, ...]] | None:
    spec = T2_GOV2021 if template == "gov2021" else T2_GOV2019
    for key, name, cols in spec:
        if label == name or (key == "normative_documents" and label.endswith("规范性文件")):
            return key, cols
    return None




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
