"""The report's prose around its tables: paragraphs, section headings, the 落款."""

from __future__ import annotations

from ..record import SECTIONS, Record
from .cells import Row, t2_rows, t3_rows, t4_rows

# ---------------------------------------------------------------- the report's prose


def paragraphs(rec: Record) -> dict[str, list[str]]:
    body = rec["provenance"].get("body") if rec.get("provenance") else None
    if body:
        return {k: list(v) for k, v in body.items()}
    agency, year = rec["agency"] or "本机关", rec["year"] or 0
    return {
        "intro": [f"本报告根据《中华人民共和国政府信息公开条例》要求编制。本报告中所列数据的统计期限自"
                  f"{year}年1月1日起至{year}年12月31日止。"],
        "overview": [f"{year}年，{agency}认真贯彻落实政府信息公开各项要求，持续推进政务公开工作。"],
        "active_disclosure": [], "applications": [], "review_litigation": [],
        "problems": ["存在的问题主要是信息发布的及时性有待提高，下一步将加强业务培训。"],
        "other": [] if rec["template"] == "legacy" else [f"{year}年，未收取信息处理费。"],
    }


def tables_after(rec: Record) -> dict[str, list[tuple[str, list[Row]]]]:
    """Which tables follow which section heading (section key -> [(name, rows)])."""
    if rec["template"] == "legacy":
        return {}
    return {"active_disclosure": [("t2", t2_rows(rec))],
            "applications": [("t3", t3_rows(rec))],
            "review_litigation": [("t4", t4_rows(rec))]}


_LEGACY_SECTIONS = (
    ("overview", "一、概述"),
    ("active_disclosure", "二、主动公开政府信息情况"),
    ("applications", "三、政府信息依申请公开工作情况"),
    ("review_litigation", "四、因政府信息公开申请行政复议、提起行政诉讼的情况"),
    ("problems", "五、政府信息公开工作存在的主要问题及改进情况"),
    ("other", "六、政府信息公开情况统计表"),
)


def sections(rec: Record) -> tuple[tuple[str, str], ...]:
    return _LEGACY_SECTIONS if rec["template"] == "legacy" else SECTIONS


def closing(rec: Record) -> list[str]:
    """The 落款: the agency's name and the date line (``2021年1月21日``), as printed."""
    out = [rec["agency"]] if rec["agency"] else []
    d = rec.get("published_on")
    if d:
        y, m, day = (int(x) for x in d.split("-"))
        out.append(f"{y}年{m}月{day}日")
    return out
