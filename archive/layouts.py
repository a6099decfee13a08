"""Fixture layouts: a record rendered the way real published reports print their tables.

``archive.render`` prints a record the way the official template is drawn. Real portals
do not. This module renders a record in the shapes real documents were seen in, so the
parser can be tested against them; its layout rules are written from the documents
themselves, never from the parser (it imports the record's keys and labels only):

- :func:`editor_html` — a TRS detail page (changwu/pingtan-gov-zwgk-archive,
  ``…/202101/80578_…经济发展局2020…/page.html`` for the Word dialect,
  ``…/202401/86550_…国有资产管理局2023…/page.html`` for the UEditor dialect): the report
  inside ``<div class=TRS_Editor>`` after a page frame of navigation, section headings as
  plain ``<p><span style="font-family: 黑体">`` paragraphs, 表二 as one four-column table
  whose 第二十条 blocks each carry their own 信息内容 header row and put single values
  under ``colspan`` cells, 表三 with a ``colspan="3" rowspan="3"`` caption cell, a
  three-row header (申请人情况 / 自然人 · 法人或其他组织 · 总计 / five org types), a
  ``rowspan="20"`` (``"22"`` in the 2021 form) group cell 三、本年度办理结果, sub-group
  cells with their own rowspans, ``colspan`` label cells, ``&nbsp;`` blanks,
  ``<p>``/``<span>`` inside every cell, headers split as ``<p>商业</p><p>企业</p>`` or
  ``结果<br/>纠正``.
- :func:`glued_text` — the archive's ``page.txt``: metadata lines, then the body on one
  line with every table cell glued to the next (``规章000行政规范性文件77132470``).
- :func:`markdown` — what OCR / document converters print: 表三 as one small pipe table
  per row under headings like ``### (一) 予以公开`` with generic ``数据1 … 数据6 | 总计``
  columns; merged header cells repeated.
- :func:`pdf` — an A4 PDF drawn like the WPS export ``hongze-district-2024.pdf``: narrow
  label columns, so ``2.其他法律行政法规禁止公开`` wraps inside its cell, the group cell
  printed one character per line, header words broken over lines, and optionally the
  2021 form's single ``（六）其他处理`` row instead of its three sub-rows.
- :func:`legacy_text` — pre-2019 统计表 as text, in the real shapes: ``指标名称 计量单位
  2012年度 历年累计`` (``…/201303/80737_…财政金融局2012…``, ``…/201601/80461_…管委会办公室
  2015…``, ``…/201901/80557_…管委会办公室2018…``) and the 国办 2014-era ``统计指标 单位 统计数``
  table, space-separated or glued.

Records come from ``archive.samples.sample_record``, from :func:`legacy_record` (the
pingtan 统计表 shapes) or from a real report's hand-read cells (:func:`record_from_cells`).
:func:`expected_record` says what a parser must read back from a rendering.
"""

from __future__ import annotations

import copy
import html
import io
import itertools
import random
import re
import zlib
from dataclasses import dataclass
from typing import Any, Literal

from .record import (
    SECTIONS,
    T3_COLUMNS,
    T3_ROW_LABELS,
    T4_COLUMNS,
    T4_GROUPS,
    LegacyRow,
    Record,
    empty_record,
    get_path,
    set_path,
)

Dialect = Literal["word", "ueditor"]

# ---------------------------------------------------------------- what the forms print
# (read off the real pages, not taken from the parser)

#: 表三 column headers as the 2019/2021 forms print them, in order.
_T3_ORGS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
_T3_CAPTION = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

#: 表三 result sub-groups: (printed group label, row keys under it).
_T3_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
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
_OTHER_SUBS = ("other_handling.no_correction", "other_handling.unpaid_fee", "other_handling.other")

#: 表二 blocks as printed: (clause, header cells after 信息内容, rows).
#: A header is (text, colspan); a row is (label, key, columns, colspans).
_T2Block = tuple[str, tuple[tuple[str, int], ...], tuple[tuple[str, str, tuple[str, ...],
                                                              tuple[int, ...]], ...]]
_T2_2019: tuple[_T2Block, ...] = (
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
_T2_2021: tuple[_T2Block, ...] = (
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

_T4_HEADS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


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
    subs = [node[k.split(".")[1]] for k in _OTHER_SUBS]
    summed: dict[str, int | None] = {}
    for c in T3_COLUMNS:
        vals = [s.get(c) for s in subs]
        summed[c] = None if all(v is None for v in vals) else sum(v or 0 for v in vals)
    out["applications"]["other_handling"] = summed
    return out


def t3_printed_rows(rec: Record) -> list[str]:
    """The 表三 row keys in printed order for this record's shape."""
    rows = ["new_received", "carried_over", "granted", "partially_granted"]
    for _, keys in _T3_GROUPS:
        rows.extend(keys)
    rows.extend(["other_handling"] if has_single_other_handling(rec) else _OTHER_SUBS)
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


def _legacy_header(rec: Record) -> tuple[str, ...]:
    head = rec["provenance"].get("legacy_header")
    if head:
        return tuple(head)
    return ("统计指标", "单位", "统计数")  # the 国办 2014-era form of archive.samples


def _legacy_cells(rec: Record, row: LegacyRow) -> list[str]:
    head = _legacy_header(rec)
    if len(head) > 3:
        cols = row.get("columns") or {}
        return [row["label"], row.get("unit") or "", *(_num(cols.get(h)) for h in head[2:])]
    return [row["label"], row.get("unit") or "", _num(row.get("value"))]


# ---------------------------------------------------------------- a table as cells


@dataclass
class Cell:
    """One printed cell in source order (a merged cell appears once, at its origin)."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    kind: Literal["head", "label", "value", "group"] = "value"
    #: printed with a trailing ``&nbsp;`` (a space in the page's text: ``230 000023``)
    pad: bool = False


Row = list[Cell]


def _num(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, dict):
        return str(v.get("text") or "")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _h(text: str, rowspan: int = 1, colspan: int = 1) -> Cell:
    return Cell(text, rowspan, colspan, "head")


def _values(node: Any, cols: tuple[str, ...] = T3_COLUMNS, *, key: str = "",
            padded: frozenset[str] = frozenset()) -> list[Cell]:
    node = node if isinstance(node, dict) else {}
    return [Cell(_num(node.get(c)), pad=f"{key}.{c}" in padded) for c in cols]


def _padded(rec: Record) -> frozenset[str]:
    """表三 cells (``new_received.natural_person``; ``carried_forward.label`` for a row's
    label) the editor left a trailing ``&nbsp;`` in: ``rec["provenance"]["padded_cells"]``."""
    prov = rec.get("provenance") or {}
    return frozenset(prov.get("padded_cells") or ())


def t2_rows(rec: Record) -> list[Row]:
    """表二 as the pages print it: one four-column table, each 第二十条 block with its
    clause row and its own 信息内容 header row."""
    blocks = _T2_2021 if rec["template"] == "gov2021" else _T2_2019
    ad = rec["active_disclosure"]
    out: list[Row] = []
    for clause, heads, rows in blocks:
        out.append([_h(clause, colspan=4)])
        out.append([_h("信息内容"), *(_h(t, colspan=span) for t, span in heads)])
        for label, key, cols, spans in rows:
            node = ad.get(key) or {}
            out.append([Cell(label, kind="label"),
                        *(Cell(_num(node.get(c)), colspan=s) for c, s in zip(cols, spans, strict=True))])
    return out


def t3_rows(rec: Record) -> list[Row]:
    """表三 as the pages print it: ten grid columns (three of labels, seven of values).

    ``rec["provenance"]["group_split"]`` names a result row (``unable.not_held``) where
    the editor's table restarts the 三、本年度办理结果 group cell, as the 2019 pingtan
    page does before （四）无法提供 (its text reads ``…0000000三、本年度办理结果（四）…``).
    """
    apps = rec["applications"]
    single = has_single_other_handling(rec)
    pad = _padded(rec)
    split = (rec.get("provenance") or {}).get("group_split")

    def values(key: str) -> list[Cell]:
        return _values(get_path(apps, key), key=key, padded=pad)

    def label(key: str, colspan: int = 1, text: str = "") -> Cell:
        return Cell(text or T3_ROW_LABELS[key], colspan=colspan, kind="label",
                    pad=f"{key}.label" in pad)

    out: list[Row] = [
        [_h(_T3_CAPTION, rowspan=3, colspan=3), _h("申请人情况", colspan=7)],
        [_h("自然人", rowspan=2), _h("法人或其他组织", colspan=5), _h("总计", rowspan=2)],
        [_h(t) for t in _T3_ORGS],
    ]
    for key in ("new_received", "carried_over"):
        out.append([label(key, 3), *values(key)])
    results: list[tuple[str, Row]] = []  # (row key, cells right of the group cell)
    for key in ("granted", "partially_granted"):
        results.append((key, [label(key, 2), *values(key)]))
    subgroups = list(_T3_GROUPS)
    if not single:
        subgroups.append(("（六）其他处理", _OTHER_SUBS))
    for name, keys in subgroups:
        for i, key in enumerate(keys):
            head = [Cell(name, rowspan=len(keys), kind="group")] if i == 0 else []
            results.append((key, [*head, label(key), *values(key)]))
        if name == "（五）不予处理" and single:
            results.append(("other_handling", [label("other_handling", 2, "（六）其他处理"),
                                               *values("other_handling")]))
    results.append(("results_total", [label("results_total", 2), *values("results_total")]))
    keys_in_order = [k for k, _ in results]
    cut = keys_in_order.index(split) if split in keys_in_order else len(results)
    for start, stop in ((0, cut), (cut, len(results))):
        for i, (_, cells) in enumerate(results[start:stop]):
            group = [Cell("三、本年度办理结果", rowspan=stop - start, kind="group")] if i == 0 else []
            out.append([*group, *cells])
    out.append([label("carried_forward", 3), *values("carried_forward")])
    return out


def t4_rows(rec: Record) -> list[Row]:
    """表四: 行政复议 (5) | 行政诉讼 (10, split 未经复议直接起诉 / 复议后起诉), one value row."""
    rl = rec["review_litigation"]
    return [
        [_h("行政复议", colspan=5), _h("行政诉讼", colspan=10)],
        [*(_h(t, rowspan=2) for t in _T4_HEADS), _h("未经复议直接起诉", colspan=5),
         _h("复议后起诉", colspan=5)],
        [_h(t) for t in _T4_HEADS * 2],
        [c for g in T4_GROUPS for c in _values(rl.get(g), T4_COLUMNS)],
    ]


def legacy_rows(rec: Record) -> list[Row]:
    head = _legacy_header(rec)
    out: list[Row] = [[_h(t) for t in head]]
    for row in rec["legacy_stats"]:
        cells = _legacy_cells(rec, row)
        out.append([Cell(cells[0], kind="label"), Cell(cells[1], kind="label"),
                    *(Cell(t) for t in cells[2:])])
    return out


# ---------------------------------------------------------------- the report's prose


def _paragraphs(rec: Record) -> dict[str, list[str]]:
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


def _tables_after(rec: Record) -> dict[str, list[tuple[str, list[Row]]]]:
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


def _sections(rec: Record) -> tuple[tuple[str, str], ...]:
    return _LEGACY_SECTIONS if rec["template"] == "legacy" else SECTIONS


def _closing(rec: Record) -> list[str]:
    """The 落款: the agency's name and the date line (``2021年1月21日``), as printed."""
    out = [rec["agency"]] if rec["agency"] else []
    d = rec.get("published_on")
    if d:
        y, m, day = (int(x) for x in d.split("-"))
        out.append(f"{y}年{m}月{day}日")
    return out


# ---------------------------------------------------------------- (1) editor HTML

_TD_WORD = ('<td width="{w}" nowrap="" style="border-width: medium 1pt 1pt medium; border-style: '
            'none solid solid none; border-color: currentColor windowtext windowtext currentColor; '
            'padding: 0cm 5.4pt; width: {pt}pt; height: 21.25pt;"{span}>\n  <p align="center" '
            'style=\'margin: 0cm 0cm 0pt; text-align: center; font-family: "Times New Roman",'
            '"serif"; font-size: 16pt; -ms-text-justify: inter-ideograph;\'><span style="font-'
            'family: {font}; font-size: 14pt;">{text}</span></p>\n  </td>')
_TD_UEDITOR = ('<td width="{w}" valign="center"{span} style="border-width: 1px; border-style: '
               'solid; border-color: rgb(0, 0, 0);">{text}</td>')


def _span_attrs(c: Cell) -> str:
    out = ""
    if c.colspan > 1:
        out += f' colspan="{c.colspan}"'
    if c.rowspan > 1:
        out += f' rowspan="{c.rowspan}"'
    return out


def _ueditor_text(c: Cell) -> str:
    t = html.escape(c.text)
    if not t:
        return "<p><br/></p>" if c.kind == "value" else "<p>&nbsp;</p>"
    if c.kind == "head" and len(c.text) == 4 and c.text in _T3_ORGS[:2]:
        return f"<p>{t[:2]}</p><p>{t[2:]}</p>"  # 商业 / 企业 as two paragraphs
    if c.kind == "head" and c.text in _T4_HEADS[:4]:
        return f"<p>{t[:2]}<br/>{t[2:]}</p>"  # 结果<br/>纠正
    if c.kind == "group" and c.text.startswith("（三）") or c.pad:
        return f"<p>{t}&nbsp;</p>"
    return f"<p>{t}</p>"


def _word_text(c: Cell) -> str:
    if not c.text:
        return "&nbsp;"
    t = html.escape(c.text).replace("/", "<span>/</span>")  # 本年增<span>/</span>减
    return t + "&nbsp;" if c.pad else t  # 本年增<span>/</span>减


def html_table(rows: list[Row], dialect: Dialect = "word") -> str:
    """A table in the markup Word (``word``) or the portal's UEditor (``ueditor``) exports."""
    out: list[str] = []
    if dialect == "word":
        out.append('<div align="center">\n\n<table width="676" style="width: 506.8pt; '
                   'border-collapse: collapse;" border="1" cellspacing="0" cellpadding="0">\n '
                   "<tbody>")
        for r in rows:
            tds = []
            for c in r:
                w = 42 * c.colspan
                font = "黑体" if c.kind in ("head", "label", "group") else "仿宋_GB2312"
                if c.kind == "label" and c.text.startswith("（"):
                    font = "楷体_GB2312"
                tds.append(_TD_WORD.format(w=w, pt=round(w * 0.75, 2), span=_span_attrs(c),
                                           font=font, text=_word_text(c)))
            out.append('<tr style="height: 21.25pt; page-break-inside: avoid;">'
                       + "".join(tds) + "</tr>")
        out.append("</tbody></table>\n\n</div>")
    else:
        out.append('<table border="1" cellspacing="0" align="center" style="border-collapse: '
                   'collapse;"><tbody>')
        for i, r in enumerate(rows):
            cls = ' class="firstRow"' if i == 0 else ""
            cells = "".join(_TD_UEDITOR.format(w=42 * c.colspan, span=_span_attrs(c),
                                               text=_ueditor_text(c)) for c in r)
            out.append(f"<tr{cls}>{cells}</tr>")
        out.append("</tbody></table>")
    return "".join(out) if dialect == "ueditor" else "\n ".join(out)


def _p(text: str, dialect: Dialect, *, heading: bool = False) -> str:
    t = html.escape(text)
    if dialect == "word":
        style = ('margin: 0cm 0cm 0pt; text-align: justify; text-indent: 32pt; font-family: '
                 '"Times New Roman","serif"; font-size: 16pt; -ms-text-justify: inter-ideograph;')
        font = "黑体" if heading else "仿宋_GB2312"
        return f"<p style='{style}'><span style=\"font-family: {font};\">{t}</span></p>\n\n"
    if heading:
        return ('<p style="text-indent: 2em; text-align: left;"><span style="font-family: 黑体, '
                f'SimHei;">{t}</span></p>')
    return f'<p style="text-indent: 2em; text-align: justify;">{t}</p>'


def _frame_links(n: int) -> str:
    cities = ("福州", "厦门", "泉州", "漳州", "莆田", "三明", "南平", "龙岩", "宁德")
    items = []
    for i in range(n):
        name = cities[i % len(cities)] + ("市政府网站" if i < len(cities) else f"专题栏目{i}")
        items.append(f'\t\t\t\t\t\t\t\t\t<li class="trt-col-ave-7 trt-col-sm-24">\n\t\t\t\t\t\t\t\t\t\t'
                     f'<a href="http://www.example{i}.gov.cn/" target="_blank" title="{name}">'
                     f"{name}</a>\n\t\t\t\t\t\t\t\t\t</li>\n")
    return "".join(items)


def editor_html(rec: Record, dialect: Dialect = "word", *, encoding: str = "utf-8",
                frame_links: int = 40) -> bytes:
    """The report as a portal detail page whose body an editor pasted from Word.

    The page frame (navigation, breadcrumb, 来源/时间 line, footer links, a script) comes
    before and after ``<div class=TRS_Editor>``, as on the pingtan portal. ``dialect``
    picks the markup: ``word`` (2020 pages: ``<p align=center><span style=…>`` in every
    cell, newlines inside cells, ``rowspan="20"``) or ``ueditor`` (2023 pages: bare
    ``<p>`` cells, split header words, ``<br/>`` inside 表四 headers).
    """
    title = rec["title"] or f"{rec['agency'] or ''}{rec['year'] or ''}年政府信息公开工作年度报告"
    posted = rec["provenance"].get("posted_on") if rec.get("provenance") else None
    posted = posted or rec.get("published_on") or ""
    paras = _paragraphs(rec)
    tables = _tables_after(rec)
    body: list[str] = ["<div class=TRS_Editor>"]
    body.append(_p(title, dialect, heading=True))
    for text in paras.get("intro", []):
        body.append(_p(text, dialect))
    for key, heading in _sections(rec):
        if key in paras or key in tables or rec["template"] == "legacy":
            body.append(_p(heading, dialect, heading=True))
        for text in paras.get(key, []):
            body.append(_p(text, dialect))
        for _, rows in tables.get(key, []):
            body.append(html_table(rows, dialect))
    if rec["template"] == "legacy" and rec["legacy_stats"]:
        body.append(html_table(legacy_rows(rec), dialect))
    body.extend(_p(t, dialect) for t in _closing(rec))
    body.append("</div>")
    charset = "gb2312" if encoding.lower() in ("gb18030", "gbk", "gb2312") else encoding
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}" />
<title>{html.escape(title)}</title>
<meta name="ArticleTitle" content="{html.escape(title)}">
<meta name="PubDate" content="{posted} 10:22">
<meta name="ContentSource" content="{html.escape(rec['agency'] or '')}">
<link rel="stylesheet" href="/images/23pingtan.css" />
</head>
<body>
<div class="header"><div class="row"><ul class="trt-row">
{_frame_links(frame_links // 2)}</ul></div></div>
<div class="breadcrumb"><span>当前位置：</span><ul><li><a href="../../../">首页</a></li>
<li><a href="../../">政务公开</a></li><li><a href="../">政府信息公开年报</a></li></ul></div>
<div class="article_title text_align_center">
  {html.escape(title)}
</div>
<div class="article_extend"><span class="article_source">来源：{html.escape(rec['agency'] or '')}</span>
<span class="article_time bf-pass">时间：{posted} 10:22</span></div>
<div class="tabs_content tabs_bd"><div class="article_content article_content_01 font_family_cn">
{"".join(body)}
</div></div>
<div class="footer"><ul class="trt-row">
{_frame_links(frame_links - frame_links // 2)}</ul>
<p><span>主办单位：{html.escape(rec['agency'] or '')}</span></p></div>
<script>var SiteInfo = {{ itpSiteId: 1, defaultHotWords: '旅游;渔业;保障性住房' }};</script>
</body>
</html>
"""
    return page.encode(encoding)


# ---------------------------------------------------------------- (2) glued text


def glue_rows(rows: list[Row]) -> str:
    """A table's text as an HTML-to-text dump prints it: every cell once, in source order,
    with nothing between cells (blank cells vanish)."""
    return "".join(c.text + (" " if c.pad else "") for r in rows for c in r)


def glued_text(rec: Record, *, header: bool = True) -> str:
    """The archive's ``page.txt``: metadata lines, then the whole body on one line, cells
    glued (``一、本年新收政府信息公开申请数量801000081``), headings set off by spaces."""
    title = rec["title"] or ""
    posted = (rec["provenance"].get("posted_on") if rec.get("provenance") else None) or \
        rec.get("published_on") or ""
    paras = _paragraphs(rec)
    tables = _tables_after(rec)
    parts: list[str] = []
    parts.append(title + " ")
    parts.extend(paras.get("intro", []))
    for key, heading in _sections(rec):
        parts.append(f" {heading}")
        texts = paras.get(key, [])
        if texts:
            parts.append(" " + "".join(texts))
        for _, rows in tables.get(key, []):
            parts.append(glue_rows(rows))
    if rec["template"] == "legacy" and rec["legacy_stats"]:
        parts.append(" " + glue_rows(legacy_rows(rec)))
    parts.extend(" " + t for t in _closing(rec))
    body = "".join(parts)
    if not header:
        return body + "\n"
    meta = (f"标题: {title}\n发布时间: {posted} 10:22\n文号: \n发布机构: \n栏目: 政府信息公开年报\n"
            "页面链接与图片详见 links.tsv(同目录)\n==================== 正文 ====================\n")
    return meta + body + "\n"


# ---------------------------------------------------------------- (3) markdown

def _ocr_label(label: str) -> str:
    """How OCR prints a row label: half-width brackets, a space after the number."""
    out = label.replace("（", "(").replace("）", ")")
    if out.startswith("(") and ")" in out:
        i = out.index(")")
        out = out[: i + 1] + " " + out[i + 1:]
    elif len(out) > 2 and out[0].isdigit() and out[1] == ".":
        out = out[:2] + " " + out[2:]
    return out


def _pipe(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join(" --- " for _ in rows[0]) + "|"]
    lines.extend("| " + " | ".join(r) + " |" for r in rows[1:])
    return "\n".join(lines)


def _placed(rows: list[Row]) -> list[tuple[int, int, Cell]]:
    """Every cell with the grid row and column of its top-left slot."""
    taken: set[tuple[int, int]] = set()
    out: list[tuple[int, int, Cell]] = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            taken.update((r + dr, c + dc) for dr in range(cell.rowspan)
                         for dc in range(cell.colspan))
            out.append((r, c, cell))
            c += cell.colspan
    return out


def _expand(rows: list[Row]) -> list[list[str]]:
    """Rows with spans repeated into every slot they cover (how converters flatten them)."""
    grid: dict[tuple[int, int], str] = {}
    for r, c, cell in _placed(rows):
        for dr in range(cell.rowspan):
            for dc in range(cell.colspan):
                grid[(r + dr, c + dc)] = cell.text
    width = max((c for _, c in grid), default=-1) + 1
    return [[grid.get((r, c), "") for c in range(width)] for r in range(len(rows))]


def markdown(rec: Record) -> str:
    """The report as OCR / a document converter prints it: ``#`` headings, 表二 and 表四
    as pipe tables (merged headers repeated), 表三 one small table per row under its
    heading with generic column names ``数据1 … 数据6 | 总计``."""
    paras = _paragraphs(rec)
    apps = rec["applications"]
    out: list[str] = [f"# {rec['title'] or ''}", ""]
    out.extend(p + "\n" for p in paras.get("intro", []))
    generic = [f"数据{i}" for i in range(1, 7)] + ["总计"]

    def row_table(node: Any) -> None:
        out.append(_pipe([generic, [_num((node or {}).get(c)) for c in T3_COLUMNS]]))
        out.append("")

    for key, heading in _sections(rec):
        out.extend([f"## {heading}", ""])
        out.extend(p + "\n" for p in paras.get(key, []))
        if rec["template"] == "legacy":
            continue
        if key == "active_disclosure":
            blocks = _T2_2021 if rec["template"] == "gov2021" else _T2_2019
            for clause, heads, rows in blocks:
                out.extend([f"**{clause}**", ""])
                width = 1 + sum(s for _, s in heads)
                table = [["信息内容", *(t for t, s in heads for _ in range(s))]]
                for label, k, cols, spans in rows:
                    node = rec["active_disclosure"].get(k) or {}
                    cells = [label, *(_num(node.get(c)) for c, s in zip(cols, spans, strict=True)
                                      for _ in range(s))]
                    table.append(cells[:width])
                out.extend([_pipe(table), ""])
        elif key == "applications":
            out.extend([_T3_CAPTION, ""])
            for k in ("new_received", "carried_over"):
                out.extend([f"### {T3_ROW_LABELS[k]}", ""])
                row_table(get_path(apps, k))
            out.extend(["### 三、本年度办理结果", ""])
            for k in ("granted", "partially_granted"):
                out.extend([f"### {_ocr_label(T3_ROW_LABELS[k])}", ""])
                row_table(get_path(apps, k))
            groups = list(_T3_GROUPS)
            if not has_single_other_handling(rec):
                groups.append(("（六）其他处理", _OTHER_SUBS))
            for name, keys in groups:
                out.extend([f"### {_ocr_label(name)}", ""])
                for k in keys:
                    out.extend([f"#### {_ocr_label(T3_ROW_LABELS[k])}", ""])
                    row_table(get_path(apps, k))
                if name == "（五）不予处理" and has_single_other_handling(rec):
                    out.extend([f"### {_ocr_label('（六）其他处理')}", ""])
                    row_table(get_path(apps, "other_handling"))
            out.extend([f"### {_ocr_label(T3_ROW_LABELS['results_total'])}", ""])
            row_table(get_path(apps, "results_total"))
            out.extend([f"### {T3_ROW_LABELS['carried_forward']}", ""])
            row_table(get_path(apps, "carried_forward"))
        elif key == "review_litigation":
            out.extend([_pipe(_expand(t4_rows(rec))), ""])
    if rec["template"] == "legacy" and rec["legacy_stats"]:
        out.extend([_pipe(_expand(legacy_rows(rec))), ""])
    out.extend(_closing(rec))
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- (4) PDF

_PDF_FONT = "STSong-Light"


def pdf(rec: Record, *, single_other: bool = False) -> bytes:
    """An A4 PDF like a WPS/Word export: ruled tables with narrow label columns, so long
    row labels wrap inside their cells (``2.其他法律行政法`` / ``规禁止公开``), the group
    cell 三、本年度办理结果 printed one character per line, header words broken over
    lines. ``single_other`` prints a gov2021 record's （六）其他处理 as one row (use
    :func:`single_other_handling` for the record a parser must then read)."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if single_other:
        rec = single_other_handling(rec)
    if _PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_PDF_FONT))
    body = ParagraphStyle("b", fontName=_PDF_FONT, fontSize=11, leading=18, wordWrap="CJK",
                          firstLineIndent=22)
    head = ParagraphStyle("h", parent=body, firstLineIndent=0, spaceBefore=6)
    title_style = ParagraphStyle("t", parent=body, fontSize=17, leading=26, alignment=TA_CENTER,
                                 firstLineIndent=0, spaceAfter=12)
    cell = ParagraphStyle("c", fontName=_PDF_FONT, fontSize=9, leading=11, wordWrap="CJK",
                          alignment=TA_CENTER)
    label = ParagraphStyle("l", parent=cell, alignment=0)

    def table(rows: list[Row], widths: list[float]) -> Any:
        grid = _expand(rows)
        data: list[list[Any]] = [["" for _ in widths] for _ in grid]
        cmds: list[Any] = [("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                           ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                           ("LEFTPADDING", (0, 0), (-1, -1), 2),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 2)]
        for r, c, item in _placed(rows):
            if item.text:
                st = label if item.kind == "label" else cell
                data[r][c] = Paragraph(html.escape(item.text), st)
            if item.rowspan > 1 or item.colspan > 1:
                cmds.append(("SPAN", (c, r), (c + item.colspan - 1, r + item.rowspan - 1)))
        return Table(data, colWidths=widths, style=TableStyle(cmds), repeatRows=0)

    story: list[Any] = [Paragraph(html.escape(rec["title"] or ""), title_style)]
    paras = _paragraphs(rec)
    for text in paras.get("intro", []):
        story.append(Paragraph(html.escape(text), body))
    tables = _tables_after(rec)
    for key, heading in _sections(rec):
        story.append(Paragraph(html.escape(heading), head))
        for text in paras.get(key, []):
            story.append(Paragraph(html.escape(text), body))
        for name, rows in tables.get(key, []):
            if name == "t2":
                widths = [120.0, 110.0, 110.0, 110.0]
            elif name == "t3":
                # group column one glyph wide; label columns narrow enough to wrap
                widths = [16.0, 44.0, 78.0] + [36.0] * 6 + [40.0]
            else:
                widths = [30.0] * 15
            story.extend([Spacer(1, 4), table(rows, widths), Spacer(1, 6)])
    if rec["template"] == "legacy" and rec["legacy_stats"]:
        head_cells = _legacy_header(rec)
        widths = [200.0, 60.0] + [80.0] * (len(head_cells) - 2)
        story.extend([Spacer(1, 4), table(legacy_rows(rec), widths)])
    story.extend(Paragraph(html.escape(t), body) for t in _closing(rec))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, leftMargin=50, rightMargin=50, topMargin=56,
                      bottomMargin=56, title=rec["title"] or "", invariant=1).build(story)
    return buf.getvalue()


# ---------------------------------------------------------------- (5) legacy 统计表 text


def legacy_text(rec: Record, *, glued: bool = False) -> str:
    """A legacy report's text with its 统计表 the way converted pages print it.

    ``glued=False``: one row per line, cells separated by single spaces
    (``其中：1、网站公开 条 26 26``); ``glued=True``: the page.txt shape, the whole table
    on the body's line with nothing between cells (``其中：1、网站公开条26262、政府公报公开条00``).
    """
    if glued:
        return glued_text(rec)
    paras = _paragraphs(rec)
    lines = [rec["title"] or "", *paras.get("intro", [])]
    for key, heading in _sections(rec):
        lines.append(heading)
        lines.extend(paras.get(key, []))
    lines.append(" ".join(_legacy_header(rec)))
    for row in rec["legacy_stats"]:
        lines.append(" ".join(t for t in _legacy_cells(rec, row) if t))
    lines.extend(_closing(rec))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- what glued text still tells

_TOKEN = {
    "int": re.compile(r"0|[1-9][0-9]*"),
    "signed": re.compile(r"0|-?[1-9][0-9]*"),
    "amount": re.compile(r"(0|[1-9][0-9]*)(\.[0-9]+)?(万元|万|元)?"),
}


def digit_splits(run: str, kinds: tuple[str, ...], limit: int = 100_000) -> list[tuple[str, ...]]:
    """Every way to cut ``run`` into ``len(kinds)`` printed numbers (no leading zeros but a
    lone ``0``; ``signed`` may start with ``-``; ``amount`` may carry a unit). A space in
    the run (an ``&nbsp;``-padded cell) is a certain boundary. Brute force, by design."""
    cuts: set[int] = set()
    compact = ""
    for ch in run:
        if ch.isspace():
            cuts.add(len(compact))
        else:
            compact += ch
    out: list[tuple[str, ...]] = []

    def walk(pos: int, i: int, acc: tuple[str, ...]) -> None:
        if len(out) >= limit:
            return
        if i == len(kinds):
            if pos == len(compact):
                out.append(acc)
            return
        for end in range(pos + 1, len(compact) + 1):
            if any(pos < c < end for c in cuts):
                break
            tok = compact[pos:end]
            if _TOKEN[kinds[i]].fullmatch(tok):
                walk(end, i + 1, (*acc, tok))

    walk(0, 0, ())
    return out


def _joint(cands: dict[str, list[tuple[int, ...]]],
           ok: Any, limit: int = 200_000) -> dict[str, tuple[int, ...] | None]:
    """The one candidate of each row that every joint solution agrees on, else None."""
    fixed = {k: v[0] for k, v in cands.items() if len(v) == 1}
    open_rows = [k for k, v in cands.items() if len(v) > 1]
    out: dict[str, tuple[int, ...] | None] = {k: None for k in cands}
    size = 1
    for k in open_rows:
        size *= len(cands[k])
    if size > limit or any(not v for v in cands.values()):
        out.update(fixed)
        return out
    found: dict[str, set[tuple[int, ...]]] = {k: set() for k in cands}
    for combo in itertools.product(*(cands[k] for k in open_rows)):
        assign = dict(fixed)
        assign.update(zip(open_rows, combo, strict=True))
        if ok(assign):
            for k, v in assign.items():
                found[k].add(v)
    if not any(found.values()):  # inconsistent: only what each row alone decides
        out.update(fixed)
        return out
    for k, vals in found.items():
        out[k] = next(iter(vals)) if len(vals) == 1 else None
    return out


def glued_knowable(rec: Record) -> Record:
    """What a reader can know from :func:`glued_text` of ``rec``: each row whose digit run
    has exactly one split consistent with the tables' arithmetic keeps its cells, every
    other row reads null (never a guess). 表三 rows are solved jointly (row totals, the
    result rows adding up to （七）总计, 一 + 二 = （七） + 四), 表四's run by its group
    totals, 表二 rows by their digits alone, a two-column 统计表 by children adding up to
    their parent. Records with blank cells are not supported (a blank vanishes)."""
    out = expected_record(rec)
    if rec["template"] == "legacy":
        _legacy_knowable(out)
        return out
    pad = _padded(rec)
    apps = out["applications"]
    rows = t3_printed_rows(rec)
    cands: dict[str, list[tuple[int, ...]]] = {}
    for key in rows:
        node = get_path(apps, key) or {}
        run = "".join(_num(node.get(c)) + (" " if f"{key}.{c}" in pad else "")
                      for c in T3_COLUMNS)
        splits = digit_splits(run, ("int",) * 7)
        cands[key] = [v for v in (tuple(int(t) for t in sp) for sp in splits)
                      if v[6] == sum(v[:6])]
    results = [k for k in rows if k not in ("new_received", "carried_over", "results_total",
                                            "carried_forward")]

    def t3_ok(a: dict[str, tuple[int, ...]]) -> bool:
        return all(sum(a[k][c] for k in results) == a["results_total"][c]
                   and a["new_received"][c] + a["carried_over"][c]
                   == a["results_total"][c] + a["carried_forward"][c] for c in range(7))

    for key, vals in _joint(cands, t3_ok).items():
        node = get_path(apps, key)
        for i, c in enumerate(T3_COLUMNS):
            node[c] = None if vals is None else vals[i]
    rl = out["review_litigation"]
    run = "".join(_num((rl.get(g) or {}).get(c)) for g in T4_GROUPS for c in T4_COLUMNS)
    t4 = [v for v in (tuple(int(t) for t in sp) for sp in digit_splits(run, ("int",) * 15))
          if all(v[5 * g + 4] == sum(v[5 * g: 5 * g + 4]) for g in range(3))]
    for g_i, g in enumerate(T4_GROUPS):
        for c_i, c in enumerate(T4_COLUMNS):
            rl.setdefault(g, {})[c] = t4[0][5 * g_i + c_i] if len(t4) == 1 else None
    blocks = _T2_2021 if rec["template"] == "gov2021" else _T2_2019
    for _, _, t2rows in blocks:
        for _, key, cols, _ in t2rows:
            node = out["active_disclosure"].get(key)
            if not node:
                continue
            kinds = tuple("amount" if c == "amount" else "signed" if c == "change" else "int"
                          for c in cols)
            splits = digit_splits("".join(_num(node.get(c)) for c in cols), kinds)
            if len(splits) != 1:
                for c in cols:
                    node[c] = None
    return out


def _legacy_knowable(rec: Record) -> None:
    rows = rec["legacy_stats"]
    head = _legacy_header(rec)
    n = len(head) - 2
    cands: dict[str, list[tuple[int, ...]]] = {}
    for i, row in enumerate(rows):
        texts = _legacy_cells(rec, row)[2:]
        if "".join(texts):  # a heading row prints no figures: nothing to split
            kinds = ("amount",) * n if any("." in t for t in texts) else ("int",) * n
            cands[str(i)] = [tuple(_as_number(t) for t in sp)  # type: ignore[misc]
                             for sp in digit_splits("".join(texts), kinds)]
    kids = {str(i): [str(j) for j, r in enumerate(rows) if r["path"][-1:] == [row["label"]]]
            for i, row in enumerate(rows)}

    def ok(a: dict[str, tuple[int, ...]]) -> bool:
        return n < 2 or all(round(sum(a[j][c] for j in js), 2) == a[i][c]
                            for i, js in kids.items() if js and i in a for c in range(n))

    for key, vals in _joint(cands, ok).items():
        row = rows[int(key)]
        if vals is None:
            row["value"] = None
            if row.get("columns"):
                row["columns"] = dict.fromkeys(row["columns"])
        elif row.get("columns") and n > 1:
            row["columns"] = dict(zip(head[2:], vals, strict=True))
            row["value"] = vals[0]


def _as_number(text: str) -> int | float:
    f = float(re.sub(r"[^0-9.]", "", text))
    return int(f) if f.is_integer() else f


#: Every layout :func:`render_layout` knows.
LAYOUTS: tuple[str, ...] = ("html-word", "html-ueditor", "glued", "markdown", "pdf",
                            "pdf-single-other", "legacy-spaced", "legacy-glued")


def render_layout(rec: Record, layout: str) -> bytes:
    """The bytes of ``rec`` in one of :data:`LAYOUTS` (text layouts UTF-8 encoded);
    ``pdf-single-other`` is the PDF with one （六）其他处理 row: read it back against
    ``single_other_handling(rec)``."""
    if layout == "html-word":
        return editor_html(rec, "word")
    if layout == "html-ueditor":
        return editor_html(rec, "ueditor")
    if layout == "glued":
        return glued_text(rec).encode()
    if layout == "markdown":
        return markdown(rec).encode()
    if layout == "pdf":
        return pdf(rec)
    if layout == "pdf-single-other":
        return pdf(rec, single_other=True)
    if layout == "legacy-spaced":
        return legacy_text(rec).encode()
    if layout == "legacy-glued":
        return legacy_text(rec, glued=True).encode()
    raise ValueError(f"unknown layout {layout!r}: one of {', '.join(LAYOUTS)}")


__all__ = [
    "Cell", "LAYOUTS", "LEGACY_SHAPES", "digit_splits", "editor_html", "expected_record",
    "glue_rows", "glued_knowable",
    "glued_text", "has_single_other_handling", "html_table", "legacy_record", "legacy_rows",
    "legacy_text", "markdown", "pdf", "record_from_cells", "render_layout",
    "single_other_handling", "t2_rows", "t3_rows", "t3_printed_rows", "t4_rows",
]
