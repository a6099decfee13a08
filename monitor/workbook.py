"""The roll-up as an Excel workbook (``nianbao export --format xlsx``), for the leadership.

Sheets: 汇总 (counts and the rates, each a formula over the other sheets, beside last
year's value and the change), one sheet per table (表二, 表三, 表四: the included agencies as
rows, the official columns in the official order, a 合计 row of ``SUM`` formulas), 机关
(every agency of the region: status, due and posting dates), 校验结果 (every finding of the
year's reports) and 未汇总 (the agencies left out and why). Chinese headers, frozen panes,
number formats; blank cells stay blank (a ``SUM`` counts them as 0, as the rules do).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.worksheet import Worksheet

from archive.record import (
    T2_COLUMN_LABELS,
    T2_GOV2019,
    T2_GOV2021,
    T3_COLUMN_LABELS,
    T3_COLUMNS,
    T3_ROWS,
    T4_COLUMN_LABELS,
    T4_COLUMNS,
    T4_GROUP_LABELS,
    T4_GROUPS,
    t3_keys,
)
from archive.rollup import RATES, AgencyYear, rollup

STATUS_CN = {"included": "已汇总", "missing": "未发布", "unreadable": "无法解析",
             "invalid": "数据有误", "no_tables": "无统计表"}
SEVERITY_CN = {"error": "错误", "warning": "警告"}
SUMMARY, T2, T3, T4 = "汇总", "表二 主动公开", "表三 依申请公开", "表四 复议诉讼"
AGENCIES, FINDINGS, LEFT = "机关", "校验结果", "未汇总"
COUNT, AMOUNT, PCT = "#,##0", '#,##0" 元"', "0.0%"
#: label columns before the numbers on the table sheets: 机关, 地区, 层级
LABEL_COLS = 3
HEADER_ROWS = 2

_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDE7F0")
_TOTAL_FILL = PatternFill("solid", fgColor="FFF2CC")
_WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")
_GROUP_PREFIX = {"denied": "（三）不予公开 ", "unable": "（四）无法提供 ",
                 "not_processed": "（五）不予处理 ", "other_handling.": "（六）其他处理 "}


def _t3_label(key: str) -> str:
    label = dict(T3_ROWS)[key]
    for prefix, group in _GROUP_PREFIX.items():
        if key.startswith(prefix) and "." in key:
            return group + label
    return label


def table_columns(paths: set[str]) -> dict[str, list[tuple[str, str, str]]]:
    """Each table's columns in the official order: (cell path, row label, column label),
    only the paths present (gov2021's before gov2019's where a year mixes them); a path
    no template names goes last on its table's sheet under its own path."""
    t2: list[tuple[str, str, str]] = []
    for spec in (T2_GOV2021, T2_GOV2019):
        for key, label, cols in spec:
            for c in cols:
                path = f"active_disclosure.{key}.{c}"
                unit = "（元）" if c == "amount" else ""
                if path in paths and path not in {p for p, _, _ in t2}:
                    t2.append((path, label, T2_COLUMN_LABELS[c] + unit))
    t3 = [(f"applications.{k}.{c}", _t3_label(k), T3_COLUMN_LABELS[c])
          for k, _ in T3_ROWS for c in T3_COLUMNS if f"applications.{k}.{c}" in paths]
    t4 = [(f"review_litigation.{g}.{c}", T4_GROUP_LABELS[g], T4_COLUMN_LABELS[c])
          for g in T4_GROUPS for c in T4_COLUMNS if f"review_litigation.{g}.{c}" in paths]
    out = {T2: t2, T3: t3, T4: t4}
    placed = {p for cols in out.values() for p, _, _ in cols}
    sheet_of = {"active_disclosure": T2, "applications": T3, "review_litigation": T4}
    for path in sorted(paths - placed):
        out[sheet_of[path.split(".", 1)[0]]].append((path, path, path))
    return out


def official_paths(year: int) -> set[str]:
    """Every cell path of the tables the template of ``year`` prints (the empty sheets of
    a year nobody's report could be summed for still show their columns)."""
    template = "gov2021" if year >= 2021 else "gov2019"
    spec = T2_GOV2021 if template == "gov2021" else T2_GOV2019
    out = {f"active_disclosure.{k}.{c}" for k, _, cols in spec for c in cols}
    out |= {f"applications.{k}.{c}" for k in t3_keys(template) for c in T3_COLUMNS}
    out |= {f"review_litigation.{g}.{c}" for g in T4_GROUPS for c in T4_COLUMNS}
    return out


def _head(ws: Worksheet, row: int, values: list[Any], widths: list[int] | None = None) -> None:
    for i, v in enumerate(values, 1):
        c = ws.cell(row=row, column=i, value=v)
        c.font, c.fill, c.alignment = _BOLD, _HEAD_FILL, _WRAP
        if widths:
            ws.column_dimensions[get_column_letter(i)].width = widths[i - 1]


def _table_sheet(ws: Worksheet, cols: list[tuple[str, str, str]],
                 facts: list[AgencyYear]) -> dict[str, str]:
    """Agencies as rows, the columns grouped under their row labels, a 合计 row of SUM
    formulas; returns each path's total cell (``'表三 依申请公开'!D9``)."""
    first = LABEL_COLS + 1
    for i, title in enumerate(("机关", "地区", "层级"), 1):
        ws.cell(row=1, column=i, value=title)
        ws.merge_cells(start_row=1, start_column=i, end_row=2, end_column=i)
    j = 0
    while j < len(cols):  # one merged group header per row label
        k = j
        while k + 1 < len(cols) and cols[k + 1][1] == cols[j][1]:
            k += 1
        ws.cell(row=1, column=first + j, value=cols[j][1])
        if k > j:
            ws.merge_cells(start_row=1, start_column=first + j, end_row=1, end_column=first + k)
        j = k + 1
    for j, (_, _, col) in enumerate(cols):
        ws.cell(row=2, column=first + j, value=col)
    for row in ws.iter_rows(min_row=1, max_row=HEADER_ROWS,
                            max_col=max(LABEL_COLS, LABEL_COLS + len(cols))):
        for c in row:
            c.font, c.fill, c.alignment = _BOLD, _HEAD_FILL, _WRAP
    ws.row_dimensions[1].height = 48
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 22
    ws.column_dimensions["C"].width = 8
    for j in range(len(cols)):
        ws.column_dimensions[get_column_letter(first + j)].width = 12
    r = HEADER_ROWS
    for f in facts:
        r += 1
        ws.cell(row=r, column=1, value=f.agency)
        ws.cell(row=r, column=2, value=f.region)
        ws.cell(row=r, column=3, value=f.level)
        for j, (path, _, _) in enumerate(cols):
            c = ws.cell(row=r, column=first + j, value=f.cells.get(path))
            c.number_format = AMOUNT if path.endswith(".amount") else COUNT
    total_row = r + 1
    ws.cell(row=total_row, column=1, value="合计").font = _BOLD
    out = {}
    for j, (path, _, _) in enumerate(cols):
        letter = get_column_letter(first + j)
        formula = f"=SUM({letter}{HEADER_ROWS + 1}:{letter}{r})" if facts else "=0"
        c = ws.cell(row=total_row, column=first + j, value=formula)
        c.number_format = AMOUNT if path.endswith(".amount") else COUNT
        out[path] = f"{quote_sheetname(ws.title)}!${letter}${total_row}"
    for j in range(1, LABEL_COLS + len(cols) + 1):
        ws.cell(row=total_row, column=j).fill = _TOTAL_FILL
        ws.cell(row=total_row, column=j).font = _BOLD
    ws.freeze_panes = ws.cell(row=HEADER_ROWS + 1, column=first)
    return out


def _agencies_sheet(ws: Worksheet, facts: list[AgencyYear]) -> tuple[str, str, int]:
    """Every agency of the region; returns the status and on-time column letters and the
    last row, for the summary's formulas."""
    heads = ["机关", "机关 id", "地区", "层级", "状态", "截止日期", "发布日期", "按时发布",
             "逾期天数", "错误数", "说明"]
    _head(ws, 1, heads, [28, 16, 22, 8, 10, 12, 12, 10, 10, 8, 60])
    r = 1
    for f in facts:
        r += 1
        values: list[Any] = [f.agency, f.agency_id, f.region, f.level, STATUS_CN[f.status],
                             f.due, f.posted_on, "是" if f.on_time else "否", f.days_late,
                             f.errors, f.reason]
        for i, v in enumerate(values, 1):
            c = ws.cell(row=r, column=i, value=v)
            if isinstance(v, dt.date):
                c.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(heads))}{max(r, 1)}"
    return "E", "H", r


def _findings_sheet(ws: Worksheet, facts: list[AgencyYear]) -> None:
    heads = ["机关", "机关 id", "年度", "状态", "代码", "级别", "位置", "说明"]
    _head(ws, 1, heads, [28, 16, 8, 10, 22, 8, 36, 80])
    r = 1
    for f in facts:
        for x in f.findings:
            r += 1
            for i, v in enumerate([f.agency, f.agency_id, f.year, STATUS_CN[f.status],
                                   x["code"], SEVERITY_CN.get(x["severity"], x["severity"]),
                                   x["where"], x["message"]], 1):
                ws.cell(row=r, column=i, value=v)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:H{max(r, 1)}"


def _left_sheet(ws: Worksheet, left: list[dict[str, Any]]) -> None:
    _head(ws, 1, ["机关", "机关 id", "地区", "状态", "原因"], [28, 16, 22, 10, 90])
    for r, x in enumerate(left, 2):
        for i, v in enumerate([x["agency"], x["agency_id"], x["region"],
                               STATUS_CN[x["status"]], x["reason"]], 1):
            ws.cell(row=r, column=i, value=v)
    ws.freeze_panes = "B2"


def _rate_formulas(tot: dict[str, str], status: str, on_time: str,
                   last: int) -> dict[str, str]:
    """Each rate as a formula over the table sheets' 合计 cells and the 机关 sheet."""
    ag = quote_sheetname(AGENCIES)
    rng = f"{ag}!${status}$2:${status}${max(last, 2)}"
    ok_rng = f"{ag}!${on_time}$2:${on_time}${max(last, 2)}"
    names = f"{ag}!$A$2:$A${max(last, 2)}"

    def cell(path: str) -> str:
        return tot.get(path, "0")

    def ratio(num: list[str], den: list[str]) -> str:
        n = "+".join(cell(p) for p in num)
        d = "+".join(cell(p) for p in den)
        return f'=IF(({d})=0,"",({n})/({d}))'

    concluded = ("upheld", "corrected", "other")
    lit = ("litigation_direct", "litigation_after_review")
    readable = "+".join(f'COUNTIF({rng},"{s}")' for s in ("已汇总", "数据有误", "无统计表"))
    return {
        "on_time_rate": f'=IF(COUNTA({names})=0,"",COUNTIF({ok_rng},"是")/COUNTA({names}))',
        "error_rate": f'=IF(({readable})=0,"",COUNTIF({rng},"数据有误")/({readable}))',
        "applications": f"={cell('applications.new_received.total')}",
        "granted_rate": ratio(["applications.granted.total"],
                              ["applications.results_total.total"]),
        "review_correction_rate": ratio(
            ["review_litigation.admin_review.corrected"],
            [f"review_litigation.admin_review.{c}" for c in concluded]),
        "litigation_correction_rate": ratio(
            [f"review_litigation.{g}.corrected" for g in lit],
            [f"review_litigation.{g}.{c}" for g in lit for c in concluded]),
    }


def build(facts: list[AgencyYear], year: int, region: str | None = None) -> Workbook:
    """The workbook of ``year`` from the facts :func:`archive.rollup.load` read."""
    r = rollup(facts, year, region)
    cur = [f for f in facts if f.year == year]
    included = [f for f in cur if f.status == "included"]
    wb = Workbook()
    summary = wb.active
    assert summary is not None
    summary.title = SUMMARY
    sheets = {name: wb.create_sheet(name) for name in (T2, T3, T4)}
    cols = table_columns(set(r["totals"]) or official_paths(year))
    tot: dict[str, str] = {}
    for name, ws in sheets.items():
        tot.update(_table_sheet(ws, cols[name], included))
    status, on_time, last = _agencies_sheet(wb.create_sheet(AGENCIES), cur)
    _findings_sheet(wb.create_sheet(FINDINGS), cur)
    _left_sheet(wb.create_sheet(LEFT), r["left_out"])

    ws = summary
    ws["A1"] = f"{r['region'] or '全部机关'} {year} 年度政府信息公开工作年度报告汇总"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = (f"由 nianbao 生成于 {dt.date.today().isoformat()}；合计只含解析无错误的年报，"
                f"未汇总的机关见“{LEFT}”表；比率为公式，可在各表中核对。")
    ag = quote_sheetname(AGENCIES)
    rng = f"{ag}!${status}$2:${status}${max(last, 2)}"
    _head(ws, 4, ["项目", "本年", "上年", "变化", "说明"])
    counts = [("应发布年报的机关", f"=COUNTA({ag}!$A$2:$A${max(last, 2)})",
               r["previous_year"]["expected"], "本地区登记的、该年度应发布年报的机关"),
              ("已汇总的机关", f'=COUNTIF({rng},"已汇总")', r["previous_year"]["included"],
               "年报解析无错误，计入合计")]
    row = 5
    for label, formula, prev, note in counts:
        ws.cell(row=row, column=1, value=label)
        ws.cell(row=row, column=2, value=formula).number_format = COUNT
        ws.cell(row=row, column=3, value=prev).number_format = COUNT
        ws.cell(row=row, column=4, value=f"=B{row}-C{row}").number_format = COUNT
        ws.cell(row=row, column=5, value=note)
        row += 1
    formulas = _rate_formulas(tot, status, on_time, last)
    for key, (label, formula_text) in RATES.items():
        fmt = COUNT if key == "applications" else PCT
        prev = r["change"]["rates"][key]["previous"]
        ws.cell(row=row, column=1, value=label)
        ws.cell(row=row, column=2, value=formulas[key]).number_format = fmt
        ws.cell(row=row, column=3, value=prev).number_format = fmt
        ws.cell(row=row, column=4, value=f'=IF(AND(ISNUMBER(B{row}),ISNUMBER(C{row})),'
                                         f'B{row}-C{row},"")').number_format = \
            COUNT if key == "applications" else "+0.0%;-0.0%;0.0%"
        ws.cell(row=row, column=5, value=formula_text)
        row += 1
    row += 1
    _head_at(ws, row, ["申请量排名", "机关", "申请量"])
    for x in r["rankings"]["applications"]:
        row += 1
        ws.cell(row=row, column=1, value=x["rank"])
        ws.cell(row=row, column=2, value=x["agency"])
        ws.cell(row=row, column=3, value=x["value"]).number_format = COUNT
    for col, width in zip("ABCDE", (22, 28, 14, 12, 90), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A5"
    return wb


def _head_at(ws: Worksheet, row: int, values: list[str]) -> None:
    for i, v in enumerate(values, 1):
        c = ws.cell(row=row, column=i, value=v)
        c.font, c.fill = _BOLD, _HEAD_FILL


def write(archive: Any, year: int, region: str | None, out: Path) -> dict[str, Any]:
    """Write the workbook to ``out``; returns the roll-up it shows."""
    from monitor.rollup import facts as load_facts

    facts = load_facts(archive, region, through=year)
    wb = build(facts, year, region)
    wb.save(out)
    return rollup(facts, year, region)
