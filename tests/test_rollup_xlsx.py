"""``nianbao export --format xlsx``: the roll-up workbook read back with openpyxl (the
numbers, the 合计 formulas, headers, frozen panes, number formats) and recalculated by
LibreOffice headless (its CSV of every sheet gives the totals and rates ``rollup --json``
gives)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import rollup_data
from helpers import nianbao
from rollup_data import (
    INVALID,
    MISSING,
    REGION,
    UNREADABLE,
    YEAR,
    check_workbook_against_rollup,
)

from monitor.workbook import FINDINGS, LEFT, SUMMARY, T2, T3, T4, table_columns


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory,
         database: str) -> tuple[Path, Path, dict[str, Any]]:
    """(data dir, workbook, rollup --json) of 宁夏/中卫市 2024."""
    tmp = tmp_path_factory.mktemp("xlsx")
    data = tmp / "data"
    rollup_data.build(data)
    out = tmp / "汇总 2024.xlsx"
    p = nianbao(data, "export", "--format", "xlsx", "--region", REGION, "--year", str(YEAR),
                "--out", str(out))
    assert p.returncode == 0, p.stderr
    r = nianbao(data, "rollup", "--json", "--region", REGION, "--year", str(YEAR))
    assert r.returncode == 0, r.stderr
    return data, out, json.loads(r.stdout)


def _data_rows(ws: Any) -> list[tuple[Any, ...]]:
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert rows[-1][0] == "合计"
    return rows[:-1]


def test_workbook_reads_back_with_the_rollups_numbers(
        made: tuple[Path, Path, dict[str, Any]]) -> None:
    _, out, r = made
    wb = openpyxl.load_workbook(out)  # formulas as written
    assert wb.sheetnames == [SUMMARY, T2, T3, T4, "机关", FINDINGS, LEFT]
    cols = table_columns(set(r["totals"]))
    assert sum(len(c) for c in cols.values()) == len(r["totals"])  # every total has a column
    included = {x["agency"] for x in r["per_agency"] if x["status"] == "included"}
    for name in (T2, T3, T4):
        ws = wb[name]
        assert ws.freeze_panes == "D3"
        rows = _data_rows(ws)
        assert {row[0] for row in rows} == included
        total_row = ws.max_row
        for j, (path, _, _) in enumerate(cols[name]):
            col = 4 + j
            summed = sum(row[col - 1] or 0 for row in rows)
            assert summed == r["totals"][path], (name, path)
            cell = ws.cell(row=total_row, column=col)
            letter = openpyxl.utils.get_column_letter(col)
            assert cell.value == f"=SUM({letter}3:{letter}{total_row - 1})"  # a formula
            want = '#,##0" 元"' if path.endswith(".amount") else "#,##0"
            assert cell.number_format == want
    t3 = wb[T3]
    assert (t3["D1"].value, t3["D2"].value) == ("一、本年新收政府信息公开申请数量", "自然人")
    assert t3["J2"].value == "总计"  # the official column order: 自然人 … 其他, 总计
    t4 = wb[T4]
    assert [t4.cell(row=2, column=c).value for c in range(4, 9)] == [
        "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    summary = wb[SUMMARY]
    labels = {summary.cell(row=i, column=1).value: summary.cell(row=i, column=2)
              for i in range(1, summary.max_row + 1)}
    assert str(labels["予以公开率"].value).startswith("=") and labels["予以公开率"].number_format \
        == "0.0%"
    left = {row[1]: row[3] for row in wb[LEFT].iter_rows(min_row=2, values_only=True)}
    assert left == {MISSING: "未发布", UNREADABLE: "无法解析", INVALID: "数据有误"}
    codes = {(row[1], row[4], row[5]) for row in wb[FINDINGS].iter_rows(min_row=2,
                                                                      values_only=True)}
    assert (INVALID, "T3_BALANCE", "错误") in codes


@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice (soffice, Debian package libreoffice-calc) not installed")
@pytest.mark.timeout(300)
def test_libreoffice_recalculates_the_same_totals(
        made: tuple[Path, Path, dict[str, Any]], tmp_path: Path) -> None:
    _, out, r = made
    check_workbook_against_rollup(out, tmp_path, r)


def test_export_options(made: tuple[Path, Path, dict[str, Any]], tmp_path: Path) -> None:
    data, _, r = made
    p = nianbao(data, "export", "--format", "xlsx", "--region", REGION)
    assert p.returncode == 2 and "--year" in p.stderr
    p = nianbao(data, "export", "--format", "xlsx", "--region", "宁夏/中", "--year", "2024",
                "--out", str(tmp_path / "x.xlsx"))
    assert p.returncode == 2 and not (tmp_path / "x.xlsx").exists()
    whole = tmp_path / "all.xlsx"
    assert nianbao(data, "export", "--format", "xlsx", "--year", str(YEAR), "--out",
                   str(whole)).returncode == 0
    assert "固原市统计局" in {row[0] for row in openpyxl.load_workbook(whole)["机关"]
                         .iter_rows(values_only=True)}
    cells = json.loads(nianbao(data, "export", "--format", "json", "--region", REGION,
                               "--year", str(YEAR)).stdout)["cells"]
    assert {c["year"] for c in cells} == {YEAR}
    assert "gy-tjj" not in {c["agency_id"] for c in cells}
    assert {c["agency_id"] for c in cells} >= {
        x["agency_id"] for x in r["per_agency"] if x["status"] == "included"}
