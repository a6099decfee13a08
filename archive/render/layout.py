"""The layout every format is drawn from: the document as blocks in reading order, and
the official tables as grids of cells with their merged label cells."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..record import (
    SECTIONS,
    T2_COLUMN_LABELS,
    T2_GOV2019,
    T2_GOV2021,
    T3_COLUMNS,
    T3_ROW_LABELS,
    T4_COLUMNS,
    T4_GROUPS,
    Record,
    get_path,
)


@dataclass
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False


@dataclass
class Grid:
    """A table as its origin cells row by row (HTML order) and its column widths in pt."""

    rows: list[list[Cell]]
    widths: list[float]


#: layout blocks: (kind, payload); kind in title, date, heading, para, center, right, table
Block = tuple[str, Any]


def cell_text(v: Any) -> str:
    """How a value is printed: blank stays empty, amounts keep their text, -1 stays -1."""
    if v is None:
        return ""
    if isinstance(v, dict) and "text" in v:
        return str(v["text"])
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _h(text: str, **kw: int) -> Cell:
    return Cell(text, header=True, **kw)


def _v(v: Any, colspan: int = 1) -> Cell:
    return Cell(cell_text(v), colspan=colspan)


def table_two(rec: Record) -> Grid:
    ad = rec["active_disclosure"]
    rows: list[list[Cell]] = []

    def section(item: str) -> None:
        rows.append([_h(f"第二十条第（{item}）项", colspan=4)])

    def row(key: str, label: str, cols: tuple[str, ...]) -> None:
        vals = ad.get(key) or {}
        cells = [Cell(label)] + [_v(vals.get(c)) for c in cols]
        if len(cols) < 3:
            cells[-1].colspan = 4 - len(cols)
        rows.append(cells)

    def header(cols: list[str]) -> None:
        cells = [_h("信息内容")] + [_h(c) for c in cols]
        if len(cols) < 3:
            cells[-1].colspan = 4 - len(cols)
        rows.append(cells)

    groups: tuple[tuple[str, list[str], list[str]], ...]
    if rec["template"] == "gov2021":
        spec = {k: (label, cols) for k, label, cols in T2_GOV2021}
        groups = (("一", ["rules", "normative_documents"], ["本年制发件数", "本年废止件数", "现行有效件数"]),
                  ("五", ["licensing"], ["本年处理决定数量"]),
                  ("六", ["penalty", "enforcement"], ["本年处理决定数量"]),
                  ("八", ["fees"], ["本年收费金额（单位：万元）"]))
    else:
        spec = {k: (label, cols) for k, label, cols in T2_GOV2019}
        groups = (("一", ["rules", "normative_documents"], [T2_COLUMN_LABELS[c] for c in (
                      "made", "published", "total_public")]),
                  ("五", ["licensing", "other_services"], ["上一年项目数量", "本年增/减", "处理决定数量"]),
                  ("六", ["penalty", "enforcement"], ["上一年项目数量", "本年增/减", "处理决定数量"]),
                  ("八", ["fees"], ["上一年项目数量", "本年增/减"]),
                  ("九", ["procurement"], ["采购项目数量", "采购总金额"]))
    for item, keys, cols in groups:
        section(item)
        header(cols)
        for key in keys:
            label, spec_cols = spec[key]
            row(key, label, spec_cols)
    return Grid(rows, [150, 100, 100, 100])


def table_three(rec: Record) -> Grid:
    apps = rec["applications"]
    gov2021 = rec["template"] == "gov2021"

    def vals(key: str) -> list[Cell]:
        node = get_path(apps, key) or {}
        return [_v(node.get(c)) for c in T3_COLUMNS]

    rows: list[list[Cell]] = [
        [_h("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rowspan=3, colspan=3),
         _h("申请人情况", colspan=7)],
        [_h("自然人", rowspan=2), _h("法人或其他组织", colspan=5), _h("总计", rowspan=2)],
        [_h("商业企业"), _h("科研机构"), _h("社会公益组织"), _h("法律服务机构"), _h("其他")],
        [Cell(T3_ROW_LABELS["new_received"], colspan=3), *vals("new_received")],
        [Cell(T3_ROW_LABELS["carried_over"], colspan=3), *vals("carried_over")],
    ]
    groups: list[tuple[str, list[str]]] = [
        ("granted", []), ("partially_granted", []),
        ("（三）不予公开", [k for k, _ in _rows("denied.")]),
        ("（四）无法提供", [k for k, _ in _rows("unable.")]),
        ("（五）不予处理", [k for k, _ in _rows("not_processed.")]),
        ("（六）其他处理", [k for k, _ in _rows("other_handling.")] if gov2021 else []),
        ("results_total", []),
    ]
    printed = gov2021 and isinstance(get_path(apps, "other_handling.printed"), dict)
    span = sum(max(1, len(sub)) for _, sub in groups) + printed
    first = True
    for name, sub in groups:
        lead = [Cell("三、本年度办理结果", rowspan=span)] if first else []
        first = False
        if not sub:
            key = "other_handling" if name == "（六）其他处理" else name
            rows.append([*lead, Cell(T3_ROW_LABELS[key], colspan=2), *vals(key)])
            continue
        if printed and name == "（六）其他处理":
            # some offices print （六）其他处理's own total above its three sub-rows
            rows.append([Cell(name, rowspan=len(sub) + 1), Cell("小计"),
                         *vals("other_handling.printed")])
            rows += [[Cell(T3_ROW_LABELS[k]), *vals(k)] for k in sub]
            continue
        for i, key in enumerate(sub):
            group = [Cell(name, rowspan=len(sub))] if i == 0 else []
            rows.append([*(lead if i == 0 else []), *group, Cell(T3_ROW_LABELS[key]), *vals(key)])
    rows.append([Cell(T3_ROW_LABELS["carried_forward"], colspan=3), *vals("carried_forward")])
    return Grid(rows, [42.0, 52.0, 148.0] + [36.0] * 7)


def _rows(prefix: str) -> list[tuple[str, str]]:
    return [(k, v) for k, v in T3_ROW_LABELS.items() if k.startswith(prefix)]


def table_four(rec: Record) -> Grid:
    rl = rec["review_litigation"]
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    rows = [
        [_h("行政复议", colspan=5), _h("行政诉讼", colspan=10)],
        [*(_h(t, rowspan=2) for t in heads), _h("未经复议直接起诉", colspan=5), _h("复议后起诉", colspan=5)],
        [*(_h(t) for t in heads), *(_h(t) for t in heads)],
        [_v((rl.get(g) or {}).get(c)) for g in T4_GROUPS for c in T4_COLUMNS],
    ]
    return Grid(rows, [32] * 15)


def legacy_table(rec: Record) -> Grid:
    rows = [[_h("统计指标"), _h("单位"), _h("统计数")]]
    for r in rec["legacy_stats"]:
        rows.append([Cell(r["label"]), Cell(r.get("unit") or ""), _v(r.get("value"))])
    return Grid(rows, [330, 55, 80])


def _date_cn(iso: str | None) -> str | None:
    if not iso:
        return None
    y, m, d = (int(x) for x in iso.split("-"))
    return f"{y}年{m}月{d}日"


def layout(rec: Record) -> list[Block]:
    """The document as blocks, in reading order; every format renders exactly these."""
    body: dict[str, list[str]] = rec.get("provenance", {}).get("body") or {}
    out: list[Block] = [("title", rec["title"] or "")]
    out += [("para", p) for p in body.get("intro", [])]
    legacy = rec["template"] == "legacy"
    if legacy:
        from ..samples import LEGACY_HEADINGS

        headings: tuple[tuple[str, str], ...] = LEGACY_HEADINGS
    else:
        headings = SECTIONS
    for key, title in headings:
        if not legacy and not rec["sections"].get(key, True):
            continue
        out.append(("heading", title))
        out += [("para", p) for p in body.get(key, [])]
        if legacy:
            continue
        if key == "active_disclosure" and rec["active_disclosure"]:
            out.append(("table", table_two(rec)))
        elif key == "applications" and rec["applications"]:
            out.append(("table", table_three(rec)))
        elif key == "review_litigation" and rec["review_litigation"]:
            out.append(("table", table_four(rec)))
    out.append(("right", rec["agency"] or ""))
    date = _date_cn(rec["published_on"])
    if date:
        out.append(("right", date))
    if legacy and rec["legacy_stats"]:
        year = rec["year"]
        out.append(("para", f"附件：{rec['agency']}政府信息公开情况统计表"))
        out.append(("center", f"{rec['agency']}政府信息公开情况统计表"))
        out.append(("center", f"（{year}年度）"))
        out.append(("table", legacy_table(rec)))
    return out


def place(grid: Grid) -> list[tuple[int, int, Cell]]:
    """(row, column, cell) of every origin cell, columns resolved around row spans."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(grid.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
    return out
