"""The pre-2019 统计表 shapes of the pingtan portal, and legacy records drawn in them."""

from __future__ import annotations

import random
import zlib

from ..record import LegacyRow, Record, empty_record
from .forms import num_text

# ---------------------------------------------------------------- legacy 统计表 shapes

#: pre-2019 统计表 shapes of the pingtan portal: (header, rows of (label, unit, parent?)).
#: A row with parent True is a 其中 child of the last row without it.
LEGACY_SHAPES: dict[str, tuple[tuple[str, str], tuple[tuple[str, str, bool], ...]]] = {
    # …/201303/80737_平潭综合实验区财政金融局2012年政府信息公开工作年度报告
    "pingtan2012": (("指标名称", "计量单位"), (
        ("主动公开信息数", "条", False),
        ("其中：1、网站公开", "条", True),
        ("2、政府公报公开", "条", True),
        ("受理依申请公开信息总数", "条", False),
        ("其中：1、当面申请数", "条", True),
        ("2、传真申请数", "条", True),
        ("3、电子邮件申请数", "条", True),
        ("4、网上申请数", "条", True),
        ("5、信函申请数", "条", True),
        ("对申请的答复总数", "条", False),
        ("其中：1、同意公开答复数", "条", True),
        ("2、同意部分公开答复数", "条", True),
        ("3、否决公开答复数", "条", True),
        ("行政复议数", "件", False),
        ("行政诉讼数", "件", False),
        ("行政申诉、举报数", "件", False),
    )),
    # …/201601/80461_平潭综合实验区管委会办公室2015年度…, …/201901/80557_…2018年度…
    "pingtan2015": (("指标名称", "计量单位"), (
        ("主动公开文件数", "条", False),
        ("其中：1、政府网站公开数", "条", True),
        ("2、政府公报公开数", "条", True),
        ("受理依申请公开信息总数", "条", False),
        ("其中：1、当面申请数", "条", True),
        ("2、网上申请数", "条", True),
        ("3、信函、传真申请数", "条", True),
        ("对申请的答复总数", "条", False),
        ("其中：1、同意公开答复数", "条", True),
        ("2、同意部分公开答复数", "条", True),
        ("3、不予公开答复数", "条", True),
        ("4、其他类型答复数", "条", True),
        ("政府信息公开收费减免金额", "元", False),
        ("接受行政诉讼、举报数", "件", False),
        ("行政复议数", "件", False),
        ("行政诉讼数", "件", False),
    )),
}


def legacy_record(agency: str, year: int, shape: str = "pingtan2012", seed: int = 0) -> Record:
    """A legacy report in one of :data:`LEGACY_SHAPES`: two value columns (``2012年度`` and
    ``历年累计``), children adding up to their parent in both, 历年累计 ≥ the year's figure."""
    _, rows = LEGACY_SHAPES[shape]
    rng = random.Random(zlib.crc32(f"{agency}|{year}|{shape}|{seed}".encode()))
    year_col, cum_col = f"{year}年度", "历年累计"
    out: list[LegacyRow] = []
    parent_i: int | None = None
    for label, unit, child in rows:
        if not child:
            parent_i = len(out)
            out.append(LegacyRow(label=label, unit=unit, value=0, path=[],
                                 columns={year_col: 0, cum_col: 0}))
            continue
        assert parent_i is not None
        v = rng.choice([0, 0, 1, 2, rng.randint(3, 40), rng.randint(40, 300)])
        cum = v + rng.choice([0, rng.randint(1, 500)])
        out.append(LegacyRow(label=label, unit=unit, value=v, path=[out[parent_i]["label"]],
                             columns={year_col: v, cum_col: cum}))
        parent = out[parent_i]
        cols = parent["columns"]
        cols[year_col] = (cols[year_col] or 0) + v
        cols[cum_col] = (cols[cum_col] or 0) + cum
        parent["value"] = cols[year_col]
    for row in out:  # rows with no children: figures of their own
        if row["path"] or any(r["path"] == [row["label"]] for r in out):
            continue
        v = rng.choice([0, 0, 0, 1, rng.randint(2, 9)])
        row["value"] = v
        row["columns"] = {year_col: v, cum_col: v + rng.choice([0, rng.randint(1, 30)])}
    rec = empty_record()
    rec["agency"], rec["year"], rec["template"] = agency, year, "legacy"
    rec["title"] = f"{agency}{year}年度政府信息公开工作年度报告"
    rec["period"] = {"start": f"{year}-01-01", "end": f"{year}-12-31"}
    rec["legacy_stats"] = out
    rec["provenance"] = {"legacy_shape": shape, "legacy_header": (*LEGACY_SHAPES[shape][0],
                                                                  year_col, cum_col)}
    return rec


def legacy_header(rec: Record) -> tuple[str, ...]:
    head = rec["provenance"].get("legacy_header")
    if head:
        return tuple(head)
    return ("统计指标", "单位", "统计数")  # the 国办 2014-era form of archive.samples


def legacy_cells(rec: Record, row: LegacyRow) -> list[str]:
    head = legacy_header(rec)
    if len(head) > 3:
        cols = row.get("columns") or {}
        return [row["label"], row.get("unit") or "", *(num_text(cols.get(h)) for h in head[2:])]
    return [row["label"], row.get("unit") or "", num_text(row.get("value"))]
