"""The real server (``python -m monitor serve`` in a subprocess) and, through it, the pages
in headless Chromium: search, open a result, see the failing cell, download the
original, read the dashboard."""

from __future__ import annotations

import hashlib
import json
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import seed_bytes, served
from playwright.sync_api import Browser, Page, sync_playwright
from test_web import build_archive

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    d = tmp_path_factory.mktemp("webserver") / "data"
    build_archive(d)
    with served(d, env={**os.environ, "NIANBAO_WEB_TOKEN": ""}, probe="/api/alerts") as base:
        yield base


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_real_server_pages_and_json(server: str) -> None:
    status, body = get(server + "/")
    assert status == 200 and "合规总览" in body.decode()
    status, body = get(server + "/api/search?q=" + urllib.request.quote("信访"))
    assert status == 200
    hits = json.loads(body)["hits"]
    assert "自治区信访局" in {h["agency"] for h in hits}
    assert get(server + "/blob/../../etc/passwd")[0] == 404
    assert get(server + "/blob/" + "0" * 64)[0] == 404
    sha = hashlib.sha256(seed_bytes("000")).hexdigest()
    status, body = get(server + "/blob/" + sha)
    assert status == 200 and hashlib.sha256(body).hexdigest() == sha


# ------------------------------------------------------------------ in Chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium not installed at /usr/bin/chromium (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    ctx = browser.new_context(accept_downloads=True)
    pg = ctx.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    ctx.close()


@pytest.mark.browser
def test_search_word_and_phrase_then_open_failing_report(server: str, page: Page) -> None:
    pg = page
    pg.goto(server + "/search")
    pg.fill("form.search input[name=q]", "复议")
    pg.click("form.search button[type=submit]")
    pg.wait_for_selector("#hits li.hit")
    marks = pg.locator("#hits mark").all_inner_texts()
    assert marks and all(m.replace(" ", "") == "复议" for m in marks)
    assert pg.locator("#hits li.hit").count() >= 5

    pg.fill("form.search input[name=q]", "一、本年新收政府信息公开申请数量")
    pg.click("form.search button[type=submit]")
    pg.wait_for_selector("#result-count")
    assert "一、本年新收政府信息公开申请数量" in pg.locator("#hits mark").first.inner_text()

    pg.locator("#hits li.hit", has_text="自治区机关事务管理局").locator("a.hit-title").click()
    pg.wait_for_selector("#table-applications")
    assert "自治区机关事务管理局" in pg.locator("#report-title").inner_text()
    cell = pg.locator('#table-applications td[data-path="applications.results_total.total"]')
    assert "mark-error" in (cell.get_attribute("class") or "")
    bg = cell.evaluate("e => getComputedStyle(e).backgroundColor")
    assert bg == "rgb(255, 205, 210)"  # the error highlight, not the plain cell
    plain = pg.locator('#table-applications td[data-path="applications.carried_over.natural_person"]')
    assert plain.evaluate("e => getComputedStyle(e).backgroundColor") != bg
    assert pg.locator("#findings").get_by_text("T3_RESULTS_TOTAL").count() >= 1

    with pg.expect_download() as dl:
        pg.click("#download-original")
    path = dl.value.path()
    assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == hashlib.sha256(
        seed_bytes("000")).hexdigest()
    assert dl.value.suggested_filename == "nianbao-2020.txt"


@pytest.mark.browser
def test_dashboard_shows_late_and_missing(server: str, page: Page) -> None:
    pg = page
    pg.goto(server + "/")
    late = pg.locator('#dashboard td[data-agency="nx-bgt"][data-year="2020"]')
    missing = pg.locator('#dashboard td[data-agency="nx-absent"][data-year="2020"]')
    assert late.inner_text().strip() == "逾期发布"
    assert missing.inner_text().strip() == "未发布"
    assert late.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 224, 178)"
    assert missing.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(239, 154, 154)"
    pg.click('#legend a[data-kind="missing"]')
    pg.wait_for_url("**kind=missing")
    rows = pg.locator("#dashboard tbody tr").all_inner_texts()
    assert len(rows) == 1 and "自治区测试缺席局" in rows[0]
    # a hostile title stays text: no script ran, the page shows the angle brackets
    pg.goto(server + "/agencies/nx-evil")
    assert "<script>alert(1)</script>" in pg.locator("h1").inner_text()
