"""表二/表三/表四 (or the legacy 统计表) as HTML-ready grids, each number cell knowing its
record path, so a finding's ``where`` can mark the cell it is about.

The layout is the one ``archive.render`` prints reports with (merged label cells as in
the official templates). To learn which cell holds which path, the tables are drawn once
from a record whose every value is its own path, then filled with the real values.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from archive.record import (
    T2_GOV2019,
    T2_GOV2021,
    T3_COLUMNS,
    T3_ROWS,
    T4_COLUMNS,
    T4_GROUPS,
    get_path,
    set_path,
)
from archive.render import cell_text, legacy_table, table_four, table_three, table_two

_MARK = "\x00"


@dataclass
class WebCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    path: str | None = None
    #: "error" / "warning" when a finding names this cell; "near-…" when it names its row
    mark: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class WebTable:
    key: str
    title: str
    rows: list[list[WebCell]]


def _marked(path: str) -> dict[str, Any]:
    return {"text": _MARK + path, "yuan": None}


def _path_record(rec: dict[str, Any]) -> dict[str, Any]:
    """A copy of the record whose cells hold their own paths (as amount-like texts)."""
    out = copy.deepcopy(rec)
    t2 = T2_GOV2021 if rec.get("template") == "gov2021" else T2_GOV2019
    out["active_disclosure"] = {}
    for key, _, cols in t2:
        for c in cols:
            set_path(out["active_disclosure"], f"{key}.{c}",
                     _marked(f"active_disclosure.{key}.{c}"))
    out["applications"] = {}
    for key, _ in T3_ROWS:
        for c in T3_COLUMNS:
            node = get_path(out["applications"], key)
            if not isinstance(node, dict):
                set_path(out["applications"], key, {})
            set_path(out["applications"], f"{key}.{c}", _marked(f"applications.{key}.{c}"))
    out["review_litigation"] = {g: {c: _marked(f"review_litigation.{g}.{c}")
                                    for c in T4_COLUMNS} for g in T4_GROUPS}
    out["legacy_stats"] = [{**row, "value": _marked(f"legacy_stats.{i}")}
                           for i, row in enumerate(rec.get("legacy_stats") or [])]
    return out


def _value(rec: dict[str, Any], path: str) -> Any:
    if path.startswith("legacy_stats."):
        rows = rec.get("legacy_stats") or []
        i = int(path.split(".")[1])
        return rows[i].get("value") if i < len(rows) else None
    return get_path(rec, path)


def tables(rec: dict[str, Any], findings: list[dict[str, Any]]) -> list[WebTable]:
    """The report's statistics tables, with cells named by findings marked."""
    marker = _path_record(rec)
    if rec.get("template") == "legacy":
        grids = [("legacy_stats", "统计表", legacy_table(marker))]  # type: ignore[arg-type]
    elif rec.get("template") in ("gov2019", "gov2021"):
        grids = [("active_disclosure", "表二 主动公开政府信息情况", table_two(marker)),  # type: ignore[arg-type]
                 ("applications", "表三 收到和处理政府信息公开申请情况", table_three(marker)),  # type: ignore[arg-type]
                 ("review_litigation", "表四 政府信息公开行政复议、行政诉讼情况",
                  table_four(marker))]  # type: ignore[arg-type]
    else:
        return []
    out = []
    for key, title, grid in grids:
        rows = []
        for row in grid.rows:
            cells = []
            for c in row:
                wc = WebCell(c.text, c.rowspan, c.colspan, c.header)
                if c.text.startswith(_MARK):
                    wc.path = c.text[1:]
                    wc.text = cell_text(_value(rec, wc.path))
                    _mark(wc, findings)
                cells.append(wc)
            rows.append(cells)
        out.append(WebTable(key, title, rows))
    return out


def _mark(cell: WebCell, findings: list[dict[str, Any]]) -> None:
    assert cell.path is not None
    exact, near = set(), set()
    for f in findings:
        where = f.get("where") or ""
        if not where:
            continue
        if where == cell.path:
            exact.add(f["severity"])
            cell.notes.append(f"{f['code']}：{f['message']}")
        elif cell.path.startswith(where + "."):
            near.add(f["severity"])
            cell.notes.append(f"{f['code']}：{f['message']}")
    if exact:
        cell.mark = "error" if "error" in exact else "warning"
    elif near:
        cell.mark = "near-error" if "error" in near else "near-warning"
