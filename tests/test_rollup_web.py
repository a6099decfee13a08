"""The roll-up page, its JSON twin and its workbook download: the same numbers as
``archive.rollup``, a chart per rate and a bar chart of agencies, bad input a 400, hostile
names escaped, the dashboard's link; and in headless Chromium through the real server."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pytest
import rollup_data
from flask.testing import FlaskClient
from helpers import served
from playwright.sync_api import Page
from rollup_data import INVALID, MISSING, REGION, UNREADABLE, YEAR
from test_web import build_archive
from test_web_browser import browser, page  # noqa: F401 - fixtures

from archive.rollup import RATES
from archive.store import Archive
from monitor.rollup import region_rollup
from monitor.web import create_app


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, database: str) -> Archive:
    return rollup_data.build(tmp_path_factory.mktemp("rollupweb") / "data")


@pytest.fixture
def client(archive: Archive) -> FlaskClient:
    return create_app(archive).test_client()


def test_api_is_the_rollup(client: FlaskClient, archive: Archive) -> None:
    got = client.get(f"/api/rollup?region={quote(REGION)}&year={YEAR}")
    assert got.status_code == 200
    assert got.get_json() == region_rollup(archive, YEAR, REGION)
    latest = client.get("/api/rollup").get_json()  # no arguments: every agency, latest year
    assert latest["region"] is None and latest["year"] == YEAR
    assert latest["agencies"]["expected"] == len(rollup_data.AGENCIES)


def test_page_shows_rates_charts_and_who_is_left_out(client: FlaskClient,
                                                     archive: Archive) -> None:
    r = region_rollup(archive, YEAR, REGION)
    html = client.get(f"/rollup?region={quote(REGION)}&year={YEAR}").get_data(as_text=True)
    assert f"{REGION} {YEAR} 年度汇总" in html
    for key, (label, _) in RATES.items():
        assert f'data-rate="{key}"' in html and label in html
    assert html.count('<svg class="chart rate"') == len(RATES)
    assert html.count('<svg class="chart bars"') == 2
    assert "50.0%" in html  # 按时发布率 3/6
    for ident in (INVALID, MISSING, UNREADABLE):
        assert f'<tr data-agency="{ident}">' in html
    included = [x for x in r["per_agency"] if x["status"] == "included"]
    bars = html.split('id="agency-bars"', 1)[1].split("</figure>", 1)[0]
    assert bars.count("<rect") == len(included)
    assert 'selected>宁夏/中卫市</option>' in html


def test_bad_input_is_a_400(client: FlaskClient) -> None:
    assert client.get("/rollup?region=" + quote("宁夏/中卫")).status_code == 400
    assert client.get("/api/rollup?region=nowhere").get_json()["error"]
    assert client.get("/rollup?year=abc").status_code == 400
    assert client.get("/rollup?year=99999").status_code == 400
    assert client.get("/api/rollup?region=%00").status_code == 400


def test_workbook_download(client: FlaskClient, archive: Archive) -> None:
    got = client.get(f"/rollup.xlsx?region={quote(REGION)}&year={YEAR}")
    assert got.status_code == 200 and "attachment" in got.headers["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(got.data))
    assert wb.sheetnames[0] == "汇总" and "未汇总" in wb.sheetnames
    left = {row[1] for row in wb["未汇总"].iter_rows(min_row=2, values_only=True)}
    assert left == {INVALID, MISSING, UNREADABLE}


def test_dashboard_links_here(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert 'id="rollup-link"' in html and 'href="/rollup"' in html


def test_hostile_names_stay_text(tmp_path: Path) -> None:
    a = build_archive(tmp_path / "data")  # test_web's archive: an agency named <script>
    html = create_app(a).test_client().get("/rollup?year=2019").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "测试&lt;script&gt;alert(1)&lt;/script&gt;局" in html


# ------------------------------------------------------------------ in Chromium


@pytest.fixture(scope="module")
def server(archive: Archive) -> Iterator[str]:
    with served(archive.data_dir, env={**os.environ, "NIANBAO_WEB_TOKEN": ""},
                probe="/api/rollup") as base:
        yield base


@pytest.mark.browser
def test_rollup_page_in_the_browser(server: str, page: Page, archive: Archive) -> None:  # noqa: F811
    pg = page
    pg.goto(server + "/")
    pg.click("#rollup-link a")
    pg.wait_for_url("**/rollup")
    pg.select_option("#rollup-form select[name=region]", REGION)
    pg.select_option("#rollup-form select[name=year]", str(YEAR))
    pg.click("#rollup-form button[type=submit]")
    pg.wait_for_url("**year=2024*")
    assert pg.locator("h1").inner_text() == f"{REGION} {YEAR} 年度汇总"
    charts = pg.locator("#rate-charts svg.rate")
    assert charts.count() == len(RATES)
    box = charts.first.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 100  # drawn, visible
    # one point per year with a value: 2023 and 2024
    assert pg.locator('#rate-charts svg[data-rate="granted_rate"] circle').count() == 2
    r = region_rollup(archive, YEAR, REGION)
    included = sum(1 for x in r["per_agency"] if x["status"] == "included")
    assert pg.locator("#agency-bars svg rect").count() == included
    assert pg.locator("#left-out tbody tr").count() == len(r["left_out"]) == 3
    rate = pg.locator('#rates tr[data-rate="granted_rate"] td').first.inner_text()
    assert rate.startswith(f"{r['rates']['granted_rate']['value'] * 100:.1f}%")
