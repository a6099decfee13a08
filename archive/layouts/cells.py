"""The printed tables as rows of cells in source order (a merged cell once, at its origin),
and those rows placed on their grid."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ..record import T3_COLUMNS, T3_ROW_LABELS, T4_COLUMNS, T4_GROUPS, Record, get_path
from .forms import (
    OTHER_SUBS,
    T2_2019,
    T2_2021,
    T3_CAPTION,
    T3_GROUPS,
    T3_ORGS,
    T4_HEADS,
    has_single_other_handling,
    num_text,
)
from .legacy_shapes import legacy_cells, legacy_header

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


def _h(text: str, rowspan: int = 1, colspan: int = 1) -> Cell:
    return Cell(text, rowspan, colspan, "head")


def _values(node: Any, cols: tuple[str, ...] = T3_COLUMNS, *, key: str = "",
            padded: frozenset[str] = frozenset()) -> list[Cell]:
    node = node if isinstance(node, dict) else {}
    return [Cell(num_text(node.get(c)), pad=f"{key}.{c}" in padded) for c in cols]


def padded(rec: Record) -> frozenset[str]:
    """表三 cells (``new_received.natural_person``; ``carried_forward.label`` for a row's
    label) the editor left a trailing ``&nbsp;`` in: ``rec["provenance"]["padded_cells"]``."""
    prov = rec.get("provenance") or {}
    return frozenset(prov.get("padded_cells") or ())


def t2_rows(rec: Record) -> list[Row]:
    """表二 as the pages print it: one four-column table, each 第二十条 block with its
    clause row and its own 信息内容 header row."""
    blocks = T2_2021 if rec["template"] == "gov2021" else T2_2019
    ad = rec["active_disclosure"]
    out: list[Row] = []
    for clause, heads, rows in blocks:
        out.append([_h(clause, colspan=4)])
        out.append([_h("信息内容"), *(_h(t, colspan=span) for t, span in heads)])
        for label, key, cols, spans in rows:
            node = ad.get(key) or {}
            out.append([Cell(label, kind="label"),
                        *(Cell(num_text(node.get(c)), colspan=s) for c, s in zip(cols, spans, strict=True))])
    return out


def t3_rows(rec: Record) -> list[Row]:
    """表三 as the pages print it: ten grid columns (three of labels, seven of values).

    ``rec["provenance"]["group_split"]`` names a result row (``unable.not_held``) where
    the editor's table restarts the 三、本年度办理结果 group cell, as the 2019 pingtan
    page does before （四）无法提供 (its text reads ``…0000000三、本年度办理结果（四）…``).
    """
    apps = rec["applications"]
    single = has_single_other_handling(rec)
    pad = padded(rec)
    split = (rec.get("provenance") or {}).get("group_split")

    def values(key: str) -> list[Cell]:
        return _values(get_path(apps, key), key=key, padded=pad)

    def label(key: str, colspan: int = 1, text: str = "") -> Cell:
        return Cell(text or T3_ROW_LABELS[key], colspan=colspan, kind="label",
                    pad=f"{key}.label" in pad)

    out: list[Row] = [
        [_h(T3_CAPTION, rowspan=3, colspan=3), _h("申请人情况", colspan=7)],
        [_h("自然人", rowspan=2), _h("法人或其他组织", colspan=5), _h("总计", rowspan=2)],
        [_h(t) for t in T3_ORGS],
    ]
    for key in ("new_received", "carried_over"):
        out.append([label(key, 3), *values(key)])
    results: list[tuple[str, Row]] = []  # (row key, cells right of the group cell)
    for key in ("granted", "partially_granted"):
        results.append((key, [label(key, 2), *values(key)]))
    subgroups = list(T3_GROUPS)
    if not single:
        subgroups.append(("（六）其他处理", OTHER_SUBS))
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
        [*(_h(t, rowspan=2) for t in T4_HEADS), _h("未经复议直接起诉", colspan=5),
         _h("复议后起诉", colspan=5)],
        [_h(t) for t in T4_HEADS * 2],
        [c for g in T4_GROUPS for c in _values(rl.get(g), T4_COLUMNS)],
    ]


def legacy_rows(rec: Record) -> list[Row]:
    head = legacy_header(rec)
    out: list[Row] = [[_h(t) for t in head]]
    for row in rec["legacy_stats"]:
        cells = legacy_cells(rec, row)
        out.append([Cell(cells[0], kind="label"), Cell(cells[1], kind="label"),
                    *(Cell(t) for t in cells[2:])])
    return out



def placed(rows: list[Row]) -> list[tuple[int, int, Cell]]:
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


def expand(rows: list[Row]) -> list[list[str]]:
    """Rows with spans repeated into every slot they cover (how converters flatten them)."""
    grid: dict[tuple[int, int], str] = {}
    for r, c, cell in placed(rows):
        for dr in range(cell.rowspan):
            for dc in range(cell.colspan):
                grid[(r + dr, c + dc)] = cell.text
    width = max((c for _, c in grid), default=-1) + 1
    return [[grid.get((r, c), "") for c in range(width)] for r in range(len(rows))]
