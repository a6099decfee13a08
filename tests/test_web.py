"""The web pages through Flask's test client: every page and its JSON twin, escaping of
whatever portals send, downloads by hash, the dashboard's states, the token."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from helpers import nianbao, seed_bytes

from archive.models import Alert
from archive.search import get_search
from archive.store import Archive
from monitor.web import create_app

AGENCIES = [
    {"id": "nx-jgsw", "name": "自治区机关事务管理局", "kind": "department"},
    {"id": "spt-jgsw", "name": "沙坡头区机关事务局", "kind": "department"},
    {"id": "zw-jgsw", "name": "中卫市机关事务服务中心", "kind": "department"},
    {"id": "nx-xfj", "name": "自治区信访局", "kind": "department"},
    {"id": "nx-bgt", "name": "自治区人民政府办公厅", "kind": "government"},
    {"id": "nx-absent", "name": "自治区测试缺席局", "kind": "department"},
    {"id": "nx-evil", "name": "测试<script>alert(1)</script>局", "kind": "department"},
]
EVIL_URL = 'http://evil.example/a/"><script>x</script>/../../报告.txt'


def build_archive(d: Path) -> Archive:
    """Five seeds (003 in two versions), a report from a hostile portal, a LATE and a
    MISSING alert as the monitor would record them."""
    a = Archive(d)
    a.migrate()
    with a.Session.begin() as s:
        for entry in AGENCIES:
            a.upsert_agency(s, entry)
    for p in ("000", "001", "002", "003", "004"):
        r = a.ingest(seed_bytes(p), url=f"http://portal.example/{p}/nianbao-2020.txt")
        assert r.status == "new", r.error
    v2 = seed_bytes("003").decode().replace("自治区信访局在推进", "自治区信访局积极推进")
    assert a.ingest(v2.encode(), url="http://portal.example/003/nianbao-2020.txt").status == \
        "new_version"
    evil = seed_bytes("003").decode().replace("自治区信访局", "测试<script>alert(1)</script>局")
    r = a.ingest(evil.replace("2020", "2019").encode(), url=EVIL_URL)
    assert r.status == "new", r.error
    with a.Session.begin() as s:
        s.add(Alert(kind="REPORT_LATE", agency_id="nx-bgt", year=2020,
                    opened_on=dt.date(2021, 4, 2), detail={"days_late": 2}))
        s.add(Alert(kind="REPORT_MISSING", agency_id="nx-absent", year=2020,
                    opened_on=dt.date(2021, 2, 1), detail={"deadline": "2021-01-31"}))
        s.add(Alert(kind="REPORT_MISSING", agency_id="nx-absent", year=2019, state="resolved",
                    opened_on=dt.date(2020, 2, 1), resolved_on=dt.date(2020, 3, 1)))
    return a


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, database: str) -> Archive:
    return build_archive(tmp_path_factory.mktemp("web") / "data")


@pytest.fixture
def client(archive: Archive) -> FlaskClient:
    return create_app(archive).test_client()


def report_id(archive: Archive, agency_id: str) -> int:
    return next(r["id"] for r in archive.reports() if r["agency_id"] == agency_id)


def cells_by_class(html: str, cls: str) -> list[str]:
    return re.findall(rf'<td class="num[^"]*\b{cls}\b[^"]*" data-path="([^"]+)"', html)


# ------------------------------------------------------------------ search


def test_search_two_characters_highlighted_with_json_twin(client: FlaskClient,
                                                          archive: Archive) -> None:
    page = client.get("/search?q=复议")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    expected = get_search(archive).search("复议", limit=None)
    assert len(expected) >= 5
    assert f"共 <b>{len(expected)}</b> 份年报" in html
    assert html.count('<li class="hit">') == len(expected)
    assert "<mark>复议</mark>" in html
    api = client.get("/api/search?q=复议&limit=500").get_json()
    assert api["count"] == len(expected)
    assert [h["report_id"] for h in api["hits"]] == [h.report_id for h in expected]
    assert all("复议" in "".join(t for t, hit in h["fragments"] if hit) for h in api["hits"])


def test_search_phrase_whitespace_and_width_folded(client: FlaskClient) -> None:
    a = client.get("/api/search?q=（七）总计").get_json()
    b = client.get("/api/search?q=(七) 总 计").get_json()
    assert a["count"] == b["count"] >= 4
    assert client.get("/api/search?q=").get_json() == {
        "q": "", "agency": None, "year": None, "template": None, "has_errors": None,
        "count": 0, "page": 1, "offset": 0, "hits": []}


def test_search_pages(client: FlaskClient) -> None:
    every = client.get("/api/search?q=政府&limit=100").get_json()
    assert every["count"] >= 5
    ids = [h["report_id"] for h in every["hits"]]
    second = client.get("/api/search?q=政府&limit=2&page=2").get_json()
    assert [h["report_id"] for h in second["hits"]] == ids[2:4]
    assert second["count"] == every["count"] and second["offset"] == 2
    beyond = client.get("/api/search?q=政府&limit=2&page=99").get_json()
    assert beyond["hits"] == [] and beyond["count"] == every["count"]


def test_search_page_links_next_page(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from monitor.web import views

    monkeypatch.setattr(views, "SEARCH_LIMIT", 2)
    html = client.get("/search?q=政府&year=2020").get_data(as_text=True)
    assert html.count('<li class="hit">') == 2 and 'rel="next"' in html and "page=2" in html
    html = client.get("/search?q=政府&year=2020&page=2").get_data(as_text=True)
    assert 'rel="prev"' in html and '<ol class="hits" id="hits" start="3">' in html


def test_search_filters_and_csv(client: FlaskClient, archive: Archive) -> None:
    api = client.get("/api/search?q=政府&year=2018").get_json()
    assert {h["agency"] for h in api["hits"]} == {"沙坡头区机关事务局"}
    api = client.get("/api/search?q=政府&agency=nx-xfj").get_json()
    assert [h["agency_id"] for h in api["hits"]] == ["nx-xfj"]
    api = client.get("/api/search?q=政府&template=legacy").get_json()
    assert {h["template"] for h in api["hits"]} == {"legacy"}
    bad = client.get("/api/search?q=政府&has_errors=1").get_json()
    good = client.get("/api/search?q=政府&has_errors=0").get_json()
    assert bad["count"] + good["count"] == client.get("/api/search?q=政府").get_json()["count"]
    assert all(h["errors"] > 0 for h in bad["hits"]) and all(h["errors"] == 0 for h in good["hits"])
    resp = client.get("/search.csv?q=信访")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    text = resp.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert {int(r["report_id"]) for r in rows} == {
        h.report_id for h in get_search(archive).search("信访", limit=None)}
    assert all(r["page"] == f"/reports/{r['report_id']}" for r in rows)


# ------------------------------------------------------------------ report page


def test_report_page_marks_failing_cells_of_seed_000(client: FlaskClient,
                                                     archive: Archive) -> None:
    rid = report_id(archive, "nx-jgsw")
    html = client.get(f"/reports/{rid}").get_data(as_text=True)
    errors = cells_by_class(html, "mark-error")
    assert set(errors) == {"applications.results_total.total",
                           "applications.results_total.natural_person"}
    # the table is laid out with the template's labels
    for label in ("（七）总计", "自然人", "法人或其他组织", "三、本年度办理结果", "（三）不予公开", "行政复议",
                  "未经复议直接起诉", "规范性文件"):
        assert label in html
    # findings listed with where they point
    assert "T3_BALANCE" in html and "T3_RESULTS_TOTAL" in html and "表三 （七）总计 / 总计" in html
    # the received 1 shows in its cell
    assert re.search(r'data-path="applications.new_received.natural_person"[^>]*>1</td>', html)
    api = client.get(f"/api/reports/{rid}").get_json()
    assert {f["where"] for f in api["findings_detail"] if f["code"] == "T3_BALANCE"} == set(errors)
    assert api["record"]["applications"]["new_received"]["natural_person"] == 1


def test_report_versions_with_hashes_and_diff(client: FlaskClient, archive: Archive) -> None:
    rid = report_id(archive, "nx-xfj")
    rep = next(r for r in archive.reports() if r["id"] == rid)
    html = client.get(f"/reports/{rid}").get_data(as_text=True)
    for v in rep["versions"]:
        assert v["sha256"] in html and v["first_seen"] in html
    old = client.get(f"/reports/{rid}?v=1").get_data(as_text=True)
    assert "第 1 版（并非最新版）" in old
    d = client.get(f"/api/reports/{rid}/diff?a=1&b=2").get_json()
    assert d["a"]["sha256"] == rep["versions"][0]["sha256"]
    assert any(ln["kind"] == "del" and "自治区信访局在推进" in ln["text"] for ln in d["lines"])
    assert any(ln["kind"] == "add" and "自治区信访局积极推进" in ln["text"] for ln in d["lines"])
    page = client.get(f"/reports/{rid}/diff?a=1&b=2").get_data(as_text=True)
    assert '<span class="d-add">+' in page
    assert '<b class="chg">积极</b>推进' in page and '<b class="chg">在</b>推进' in page
    assert client.get(f"/reports/{rid}/diff").status_code == 200  # defaults: last two
    assert client.get(f"/reports/{rid}/diff?a=1&b=9").status_code == 404
    assert client.get("/reports/9999").status_code == 404
    assert client.get("/api/reports/9999").get_json() == {"error": "未找到"}


def test_blob_download_by_hash(client: FlaskClient, archive: Archive) -> None:
    rep = next(r for r in archive.reports() if r["agency_id"] == "nx-jgsw")
    resp = client.get(f"/blob/{rep['sha256']}")
    assert resp.status_code == 200
    assert hashlib.sha256(resp.data).hexdigest() == rep["sha256"]
    assert resp.data == seed_bytes("000")
    assert resp.headers["Content-Disposition"] == 'attachment; filename="nianbao-2020.txt"'
    assert resp.mimetype == "application/octet-stream"
    assert client.get(f"/blob/{rep['sha256'].upper()}").status_code == 200
    for bad in ("/blob/../../etc/passwd", "/blob/..%2F..%2Fetc%2Fpasswd", "/blob/abc",
                "/blob/" + "g" * 64, "/blob/" + "0" * 64, "/blob/" + rep["sha256"] + "/x",
                "/blob/" + rep["sha256"][:-1]):
        assert client.get(bad).status_code == 404, bad


def test_damaged_blob_is_not_served(tmp_path: Path) -> None:
    a = Archive(tmp_path / "d")
    a.migrate()
    r = a.ingest(seed_bytes("003"))
    path = a.blobs.path(r.sha256)
    path.chmod(0o644)
    path.write_bytes(seed_bytes("003").replace("信访".encode(), b"xx", 1))
    resp = create_app(a).test_client().get(f"/blob/{r.sha256}")
    assert resp.status_code == 500 and "nianbao fsck" in resp.get_data(as_text=True)


def test_hostile_titles_and_names_render_as_text(client: FlaskClient, archive: Archive) -> None:
    rid = report_id(archive, "nx-evil")
    pages = [f"/reports/{rid}", "/search?q=alert", "/", "/agencies/nx-evil", "/reports",
             "/alerts", f"/reports/{rid}/diff"]
    for url in pages:
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html, url
        assert "<script>" not in html, url
    html = client.get(f"/reports/{rid}").get_data(as_text=True)
    assert "测试&lt;script&gt;alert(1)&lt;/script&gt;局" in html
    rep = next(r for r in archive.reports() if r["id"] == rid)
    resp = client.get(f"/blob/{rep['sha256']}")
    cd = resp.headers["Content-Disposition"]
    assert re.fullmatch(r'attachment; filename="[A-Za-z0-9._-]+"', cd), cd
    assert "Content-Security-Policy" in client.get("/").headers


# ------------------------------------------------------------------ dashboard, agency, alerts


def test_dashboard_states_from_reports_and_alerts(client: FlaskClient) -> None:
    d = client.get("/api/dashboard").get_json()
    cells = {a["id"]: a["cells"] for a in d["agencies"]}
    assert cells["nx-bgt"]["2020"]["state"] == "late"
    assert cells["nx-absent"]["2020"]["state"] == "missing"
    assert cells["nx-absent"]["2019"]["state"] == "unchecked"  # that alert was resolved
    assert cells["nx-jgsw"]["2020"]["state"] == "invalid"
    assert cells["nx-xfj"]["2020"]["state"] == "ontime"
    assert cells["nx-xfj"]["2018"]["state"] == "unchecked"
    assert d["years"] == [2018, 2019, 2020]
    assert d["counts"]["late"] == 1 and d["counts"]["missing"] == 1
    html = client.get("/").get_data(as_text=True)
    assert 'data-state="late" data-states="late" data-year="2020" data-agency="nx-bgt"' in html
    assert 'data-state="missing" data-states="missing" data-year="2020" data-agency="nx-absent"' \
        in html
    only = client.get("/api/dashboard?kind=missing").get_json()
    assert [a["id"] for a in only["agencies"]] == ["nx-absent"]
    assert "自治区测试缺席局" in client.get("/?kind=missing").get_data(as_text=True)
    assert "自治区信访局" not in client.get("/dashboard?kind=missing").get_data(as_text=True)


def test_agency_page_with_trend_chart(client: FlaskClient) -> None:
    html = client.get("/agencies/nx-bgt").get_data(as_text=True)
    assert "<svg" in html and "新收申请" in html and "逾期发布" in html
    api = client.get("/api/agencies/nx-bgt").get_json()
    (point,) = api["trend"]
    assert point["year"] == 2020 and point["received"] == 4447
    assert api["states"]["2020"]["state"] == "late"
    assert client.get("/agencies/nope").status_code == 404


def test_alerts_page_and_json(client: FlaskClient) -> None:
    html = client.get("/alerts").get_data(as_text=True)
    assert "年报逾期发布" in html and "年报未发布" in html and "days_late" in html
    api = client.get("/api/alerts?kind=REPORT_MISSING&state=open").get_json()
    assert [(a["agency_id"], a["year"]) for a in api["alerts"]] == [("nx-absent", 2020)]


def test_stats_csv_equals_export(client: FlaskClient, archive: Archive) -> None:
    resp = client.get("/stats.csv")
    assert resp.status_code == 200
    web = list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    out = nianbao(archive.data_dir, "export", "--format", "csv", check=True)
    cli = list(csv.reader(io.StringIO(out.stdout)))
    assert web == cli and len(web) > 100
    assert client.get("/api/stats").get_json()["cells"][0].keys() >= {"cell", "value", "agency"}


# ------------------------------------------------------------------ token


def test_token_required_when_given(archive: Archive) -> None:
    c = create_app(archive, token="s3cret").test_client()
    assert c.get("/").status_code == 401
    assert "需要访问令牌" in c.get("/").get_data(as_text=True)
    assert c.get("/api/search?q=信访").status_code == 401
    assert c.get("/?token=wrong").status_code == 401
    assert c.get("/api/alerts", headers={"X-Nianbao-Token": "s3cret"}).status_code == 200
    assert c.get("/api/alerts", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    first = c.get("/?token=s3cret")
    assert first.status_code == 200 and "nianbao_token=s3cret" in first.headers["Set-Cookie"]
    assert c.get("/alerts").status_code == 200  # the cookie carries it from now on
    assert c.get("/static/style.css").status_code == 200


def test_serve_reports_busy_port(tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        out = nianbao(tmp_path / "d", "serve", "--port", str(port), timeout=60)
    assert out.returncode == 2 and "端口" in out.stderr and "Traceback" not in out.stderr


def test_serve_refuses_open_address_without_token(tmp_path: Path) -> None:
    out = nianbao(tmp_path / "d", "serve", "--host", "0.0.0.0", "--port", "1", timeout=60)
    assert out.returncode == 2 and "令牌" in out.stderr
