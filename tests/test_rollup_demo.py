"""The roll-up on the demo's data (``nianbao demo --no-serve``): ``rollup --json`` totals
are the sums of the parsed cells (computed here from ``export``, ``reports`` and
``registry list``), the agencies left out are the scenario's missing and faulty reports,
the workbook read back and recalculated by LibreOffice gives the same figures, and the
roll-up page shows them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import quote

import openpyxl
import pytest
from helpers import nianbao
from rollup_data import check_workbook_against_rollup, dumps, expected_totals

from archive.store import Archive
from crawler.simulator.demo import scenario
from monitor.web import create_app

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(demo_run: dict[str, Any]) -> dict[str, Any]:
    """The session's demo run (shared with test_demo.py), read-only."""
    data = demo_run["data"]
    plan = scenario(demo_run["today"])
    return {"data": data, "plan": plan, "year": plan.year, "dumps": dumps(data)}


def rollup(demo: dict[str, Any], *args: str) -> dict[str, Any]:
    p = nianbao(demo["data"], "rollup", "--json", *args)
    assert p.returncode == 0, p.stderr
    out: dict[str, Any] = json.loads(p.stdout)
    return out


@pytest.mark.parametrize("region", [None, "宁夏", "宁夏/凤川市", "宁夏/德林市"])
def test_totals_on_the_demo(demo: dict[str, Any], region: str | None) -> None:
    for year in (demo["year"], demo["year"] - 1):
        r = rollup(demo, "--year", str(year), *(["--region", region] if region else []))
        want = expected_totals(demo["dumps"], year, region)
        assert want and r["totals"] == want, (region, year)


def test_left_out_are_the_scenarios_missing_and_faulty(demo: dict[str, Any]) -> None:
    y = demo["year"]
    r = rollup(demo, "--year", str(y))
    left = {x["agency_id"]: x["status"] for x in r["left_out"]}
    plan = demo["plan"]
    assert {a.id for a in plan.agencies() if y in a.missing} == \
        {k for k, v in left.items() if v == "missing"}
    assert {a.id for a in plan.agencies() if y in a.faults} == \
        {k for k, v in left.items() if v == "invalid"}
    assert r["agencies"]["expected"] == len(plan.agencies())
    regions = {x["agency_id"]: x["region"] for x in r["per_agency"]}
    assert regions["demo-yq-edu"] == "宁夏/凤川市/云泉县"
    assert regions["zw-spt-jgswj"] == "宁夏/中卫市/沙坡头区"


def test_workbook_on_the_demo(demo: dict[str, Any], tmp_path: Path) -> None:
    y = demo["year"]
    out = tmp_path / "demo.xlsx"
    p = nianbao(demo["data"], "export", "--format", "xlsx", "--region", "宁夏", "--year", str(y),
                "--out", str(out))
    assert p.returncode == 0, p.stderr
    r = rollup(demo, "--year", str(y), "--region", "宁夏")
    wb = openpyxl.load_workbook(out)
    t3 = wb["表三 依申请公开"]
    total_row = t3.max_row
    start = next(c for c in range(4, t3.max_column + 1)
                 if t3.cell(row=1, column=c).value == "（一）予以公开")  # merged over 7
    col = start + 6
    assert t3.cell(row=2, column=col).value == "总计"
    values = [t3.cell(row=i, column=col).value or 0 for i in range(3, total_row)]
    assert sum(values) == r["totals"]["applications.granted.total"]
    assert str(t3.cell(row=total_row, column=col).value).startswith("=SUM(")
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice, Debian package libreoffice-calc) not installed")
    check_workbook_against_rollup(out, tmp_path, r)


def test_rollup_page_on_the_demo(demo: dict[str, Any]) -> None:
    y = demo["year"]
    client = create_app(Archive(demo["data"])).test_client()
    assert 'href="/rollup"' in client.get("/").get_data(as_text=True)
    html = client.get(f"/rollup?region={quote('宁夏')}&year={y}").get_data(as_text=True)
    assert f"宁夏 {y} 年度汇总" in html and html.count('<svg class="chart rate"') == 6
    api = client.get(f"/api/rollup?region={quote('宁夏')}&year={y}").get_json()
    assert api["totals"] == expected_totals(demo["dumps"], y, "宁夏")
    assert len(api["history"]) >= 7  # the demo's years: a time series per rate
