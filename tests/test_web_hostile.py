"""Hostile input to the web pages (issue 13, item 5): every probe that once gave a 500,
then a fuzz of every route the app has, with hostile strings, huge and negative integers
and control characters in path and query. Bad input gets a 4xx (400 with a Chinese
message where it is the request's fault), never a 500."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote_to_bytes

import pytest
from flask import Flask, Request
from flask.testing import FlaskClient
from helpers import seed_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_web import build_archive, report_id
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.utils import cached_property

from archive.search import get_search
from archive.store import Archive
from monitor.web import chart, create_app, views

pytestmark = pytest.mark.hostile

#: a Host header no link may ever carry (test_web's archive does hold evil.example URLs)
ATTACKER = "attacker.invalid"
HUGE = str(10**20)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    return build_archive(tmp_path_factory.mktemp("hostile") / "data")


@pytest.fixture(scope="module")
def app(archive: Archive) -> Flask:
    a = create_app(archive)
    a.testing = True  # an exception in a view fails the test with its traceback
    return a


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def get(client: FlaskClient, url: str) -> Any:
    return client.get(url, headers={"Host": ATTACKER})


def assert_bad_request(resp: Any) -> None:
    """A 400 that says what is wrong in Chinese, as JSON under /api/."""
    assert resp.status_code == 400, resp.status_code
    text = resp.get_data(as_text=True)
    assert re.search(r"[\u4e00-\u9fff]", text), text[:200]
    if resp.request.path.startswith("/api/"):
        assert re.search(r"[\u4e00-\u9fff]", resp.get_json()["error"])


# ------------------------------------------------------------------ the probes


@pytest.mark.parametrize("url", [
    "/search?q=ab%00", "/api/search?q=ab%00", "/search.csv?q=%00%00%00",
    "/search?q=ab%01cd", "/search?q=%1b[31m", "/search?q=ab%7F", "/api/search?q=%C2%85x",
    "/search?q=信访&agency=%00", "/api/alerts?kind=%00", "/api/reports?agency=a%08",
    "/agencies/nx-xfj%00", "/api/agencies/%1f", "/blob/%00",
])
def test_control_characters_are_refused(client: FlaskClient, url: str) -> None:
    assert_bad_request(get(client, url))


def test_whitespace_in_a_query_is_still_searched(client: FlaskClient) -> None:
    a = get(client, "/api/search?q=信访").get_json()
    b = get(client, "/api/search?q=信%09访%0A").get_json()
    assert a["count"] == b["count"] > 0


def test_search_engine_takes_a_nul(archive: Archive) -> None:
    """Below the pages too: FTS5 rejects a NUL even inside a quoted phrase."""
    engine = get_search(archive)
    for q in ("ab\x00", "信访\x00局", "\x00\x00\x00\x00"):
        assert engine.search(q) == []
        assert engine.count(q) == 0


@pytest.mark.parametrize("q", ['"', '"""', "a*b", "信访*", "NEAR(", "NEAR(信访 局)", "信访 OR 局",
                               "OR", "AND NOT", "^信访", "col:信访", "%", "_", "\\", "'; --",
                               "../../etc/passwd", "{信访}", "a" * 500])
def test_fts_syntax_is_searched_as_text(client: FlaskClient, q: str) -> None:
    resp = get(client, "/api/search?q=" + quote(q))
    assert resp.status_code == 200
    assert resp.get_json()["q"] == q.strip()


def test_overlong_query_is_refused(client: FlaskClient) -> None:
    assert_bad_request(get(client, "/search?q=" + "信" * 600))
    assert_bad_request(get(client, "/api/search?q=" + "a" * 5000))


@pytest.mark.parametrize("path", ["/reports/{n}", "/api/reports/{n}", "/reports/{n}/diff",
                                  "/api/reports/{n}/diff"])
@pytest.mark.parametrize("n", [HUGE, str(2**63), "0", "-1", "99999999"])
def test_integers_in_paths_past_64_bits_zero_negative(client: FlaskClient, path: str,
                                                       n: str) -> None:
    assert get(client, path.format(n=n)).status_code == 404


@pytest.mark.parametrize("arg,n", [(a, n) for a in ("year",)
                                   for n in (HUGE, "-1", "0", "-" + HUGE, "abc", "2020.5", "1e3")])
@pytest.mark.parametrize("route", ["/search?q=信访&", "/api/search?q=信访&", "/search.csv?q=信访&",
                                   "/api/reports?"])
def test_year_argument_validated(client: FlaskClient, route: str, arg: str, n: str) -> None:
    assert_bad_request(get(client, f"{route}{arg}={quote(n)}"))


def test_version_arguments_validated(client: FlaskClient, archive: Archive) -> None:
    rid = report_id(archive, "nx-xfj")
    for n in (HUGE, "0", "-1", "x"):
        assert_bad_request(get(client, f"/reports/{rid}?v={n}"))
        assert_bad_request(get(client, f"/api/reports/{rid}/diff?a={n}&b=1"))
        assert_bad_request(get(client, f"/reports/{rid}/diff?a=1&b={n}"))
    assert get(client, f"/reports/{rid}/diff?a=1&b=99").status_code == 404
    assert get(client, f"/reports/{rid}/diff?a=1&b=2").status_code == 200


@pytest.mark.parametrize("page,shown", [(HUGE, 100_000),  # views.MAX_PAGE
                                        ("-" + HUGE, 1), ("-3", 1),
                                        ("0", 1), ("2", 2)])
def test_page_argument_clamped(client: FlaskClient, page: str, shown: int) -> None:
    for route in ("/search", "/api/search"):
        resp = get(client, f"{route}?q=政府&page={page}")
        assert resp.status_code == 200
        if route.startswith("/api/"):
            assert resp.get_json()["page"] == shown
    assert_bad_request(get(client, "/search?q=政府&page=two"))


def test_limit_clamped_both_ways(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """limit=-5 once meant SQLite's LIMIT -5: no limit at all, past the 10 000 cap."""
    every = get(client, "/api/search?q=的&limit=100").get_json()
    assert every["count"] >= 5
    for low in ("-5", "0", "-" + HUGE):
        hits = get(client, f"/api/search?q=的&limit={low}").get_json()["hits"]
        assert len(hits) == 1, low
    monkeypatch.setattr(views, "API_LIMIT", 3, raising=False)
    for high in ("4", "10001", HUGE):
        hits = get(client, f"/api/search?q=的&limit={high}").get_json()["hits"]
        assert len(hits) == 3, high


# ------------------------------------------------------------------ url_for


@pytest.mark.parametrize("url", ["/alerts?_method=POST", "/search?q=信访&_method=POST",
                                 "/alerts?_anchor=x&_scheme=javascript",
                                 "/search?q=信访&_scheme=javascript&_external=1",
                                 "/alerts?_external=1", "/search?q=信访&_external=1",
                                 "/search?q=政府&_external=1&page=2"])
def test_request_arguments_never_reach_url_for(client: FlaskClient, url: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "SEARCH_LIMIT", 2)  # the search page shows its page links
    resp = get(client, url)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert ATTACKER not in html
    assert "javascript:" not in html and "_method" not in html and "_external" not in html
    assert 'href="http' not in html.replace('href="http://evil.example', "").replace(
        'href="http://portal.example', "")  # only links to the reports' own portals


def test_filter_links_keep_the_validated_filters(client: FlaskClient,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "SEARCH_LIMIT", 2)
    html = get(client, "/search?q=政府&year=2020&has_errors=0&junk=1").get_data(as_text=True)
    for endpoint in ("/search.csv", "/api/search"):
        link = re.search(rf'href="({re.escape(endpoint)}\?[^"]*)"', html)
        assert link, endpoint
        assert "year=2020" in link[1] and "has_errors=0" in link[1] and "junk" not in link[1]
    assert re.search(r'rel="next" href="/search\?[^"]*page=2', html)
    html = get(client, "/alerts?kind=REPORT_MISSING&state=open&x=1").get_data(as_text=True)
    link = re.search(r'href="(/api/alerts\?[^"]*)"', html)
    assert link and "kind=REPORT_MISSING" in link[1] and "x=1" not in link[1]


# ------------------------------------------------------------------ the chart


def _apps(received: Any, granted: Any = 0, denied: Any = None) -> dict[str, Any]:
    return {"new_received": {"total": received}, "granted": {"total": granted},
            "denied": {"state_secret": {"total": denied}}}


NUMBERS = [0, 1, -1, -(10**20), 10**16 + 1, 12345678901234567890123456789, 10**30, 10**400,
           -(10**400), None, float("nan"), float("inf"), -float("inf"), 1e308, 2.5, True, "12",
           [1], {"total": 3}]


@pytest.mark.parametrize("value", NUMBERS, ids=lambda v: repr(v)[:24])
def test_chart_survives_any_number(value: Any) -> None:
    reports = [{"year": 2019, "applications": _apps(value, value, value)},
               {"year": 2020, "applications": _apps(3, 1, 1)},
               {"year": 2021, "applications": _apps(None, None, None)}]
    svg = str(chart.trend_svg(chart.series(reports)))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "nan" not in svg and "inf" not in svg
    assert all(float(h) >= 0 for h in re.findall(r'height="([-0-9.e+]+)"', svg))


def test_chart_all_null_and_empty() -> None:
    assert "没有可绘制" in str(chart.trend_svg(chart.series([])))
    blank = [{"year": y, "applications": _apps(None, None)} for y in (2019, 2020)]
    assert str(chart.trend_svg(chart.series(blank))).startswith("<svg")
    assert "没有可绘制" in str(chart.trend_svg(chart.series([{"year": 2020,
                                                             "applications": "x"}])))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(1900, 2100),
                          st.one_of(st.none(), st.integers(), st.integers(-(10**60), 10**60),
                                    st.floats()),
                          st.lists(st.one_of(st.none(), st.integers(), st.floats()),
                                   min_size=6, max_size=6)), max_size=8))
def test_chart_fuzz(points: list[tuple[int, Any, list[Any]]]) -> None:
    keys = [k[0] for _, _, k in chart.OUTCOMES]
    reports = [{"year": y, "applications": {"new_received": {"total": rec},
                                            **{k: {"total": v} for k, v in zip(keys, outs,
                                                                             strict=True)}}}
               for y, rec, outs in points]
    svg = str(chart.trend_svg(chart.series(reports)))
    assert "nan" not in svg and "inf" not in svg


def test_nice_axis_top_for_any_size() -> None:
    def reference(v: int) -> int:  # the old definition, for the sizes it could handle
        return 4 * next(st for st in (m * 10**k for k in range(20) for m in (1, 2, 5))
                        if st * 4 >= v)

    assert [chart._nice(v) for v in (-5, 0, 1, 4, 5, 17, 80, 81)] == [4, 4, 4, 4, 8, 20, 80, 200]
    assert all(chart._nice(v) == reference(v) for v in [*range(-3, 2000), 10**15, 2 * 10**15])
    for e in (15, 16, 17, 29, 30, 400):
        for v in (10**e - 1, 10**e, 10**e + 1, 3 * 10**e):
            top = chart._nice(v)
            assert top >= v and top % 4 == 0 and top < 10 * v + 40
    assert chart._fmt(12345678901234567890123456789) == "1.23e+28"
    assert chart._fmt(10**400 - 1) == "1.00e+400" and chart._fmt(-7) == "-7"


def test_agency_page_with_17_to_30_digit_numbers(tmp_path: Path) -> None:
    """The probe as seen: a report whose 表三 cells hold 17 and 30 digits."""
    a = Archive(tmp_path / "data")
    a.migrate()
    with a.Session.begin() as s:
        a.upsert_agency(s, {"id": "nx-xfj", "name": "自治区信访局", "kind": "department"})
    text = seed_bytes("003").decode()
    big, mid = "123456789012345678901234567890", "12345678901234567"
    row = "一、本年新收政府信息公开申请数量\t\t0\t0\t0\t0\t0\t0\t0"
    granted = "(一) 予以公开\t0\t0\t0\t0\t0\t0\t0"
    assert row in text and granted in text
    text = text.replace(row, f"一、本年新收政府信息公开申请数量\t\t{big}\t0\t0\t0\t0\t0\t{big}")
    text = text.replace(granted, f"(一) 予以公开\t{mid}\t0\t0\t0\t0\t0\t{mid}")
    assert a.ingest(text.encode(), url="http://portal.example/big.txt").status == "new"
    client = create_app(a).test_client()
    resp = client.get("/agencies/nx-xfj")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert '<svg class="chart"' in html
    trend = client.get("/api/agencies/nx-xfj").get_json()["trend"]
    assert trend and all(isinstance(p["year"], int) for p in trend)


# ------------------------------------------------------------------ fuzz of every route

#: control characters, lone surrogates (percent-encoded as UTF-8 would carry them),
#: traversal, quoting, FTS5 syntax, SQL, huge and negative integers, long strings
HOSTILE: list[str] = [
    "%00", "ab%00cd", "%01", "%07", "%08", "%1B", "%1F", "%7F", "%C2%80", "%C2%9F", "%0D%0A",
    "%ED%A0%80", "%ED%BF%BF", "a%ED%B0%80b", "%FF%FE", "%C0%AF", "%", "%%", "%2", "%zz",
    "..%2F..%2Fetc%2Fpasswd", "../../etc/passwd", "..%5C..%5C", "%2e%2e%2f", "'", "%22", "%22%22",
    "%22a%22", "*", "a*", "NEAR(", "NEAR(a%20b)", "OR", "a%20OR%20b", "NOT", "%5E", "col%3Aa",
    "'%3B%20DROP%20TABLE%20reports%3B--", "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "javascript:1",
    HUGE, "-" + HUGE, str(2**63), str(2**64), "-1", "0", "-0", "1e9", "0x10", "1_000", "%EF%BC%91",
    "%D9%A3", "9" * 5000, "a" * 1001, "信" * 501, "", "%20", "%E2%80%AE", "%EF%BF%BD",
]
#: valid values, so a hostile value in one argument meets real data in the others
VALID = ["信访", "政府", "2020", "1", "2", "nx-xfj", "gov2021", "open", "REPORT_MISSING", "1"]


#: names url_for treats specially, and the token: sent to every route
SPECIAL = ["_method", "_external", "_anchor", "_scheme", "token"]


def _arg_names() -> list[str]:
    """Every query argument the views read, found in their source (so a new one is fuzzed
    too), and the special names."""
    src = Path(views.__file__).read_text(encoding="utf-8")
    found = set(re.findall(r'(?:args\.get|int_arg)\(\s*"([A-Za-z_]+)"', src))
    assert {"q", "page", "year", "limit", "v", "a", "b", "agency", "kind"} <= found
    return sorted(found | set(SPECIAL))


class _Recording(Request):
    """A request whose query arguments note every name a view asks for."""

    seen: set[str] = set()

    @cached_property
    def args(self) -> Any:
        seen = _Recording.seen

        class Args(ImmutableMultiDict):
            def get(self, key: str, default: Any = None,  # type: ignore[override]
                    type: Any = None) -> Any:
                seen.add(key)
                return super().get(key, default, type)

            def __getitem__(self, key: str) -> Any:
                seen.add(key)
                return super().__getitem__(key)

            def getlist(self, key: str, type: Any = None) -> Any:
                seen.add(key)
                return super().getlist(key, type)

        return Args(super().args)


def _reads(archive: Archive, rules: list[Any], valid: dict[str, str]) -> dict[str, list[str]]:
    """For each route, the query arguments its view reads, found by watching it answer a
    request that carries every known argument with a valid value."""
    watched = create_app(archive)
    watched.testing = True
    watched.request_class = _Recording
    client = watched.test_client()
    good = {"q": "%E4%BF%A1%E8%AE%BF", "year": "2020", "page": "1", "limit": "5", "v": "1",
            "a": "1", "b": "2", "agency": "nx-xfj", "kind": "REPORT_MISSING", "state": "open",
            "template": "gov2021", "has_errors": "1"}
    out = {}
    for rule in rules:
        _Recording.seen = set()
        query = "&".join(f"{n}={good.get(n, '1')}" for n in _arg_names() if n not in SPECIAL)
        resp = client.get(_path(rule, {n: valid.get(n, "1") for n in rule.arguments}) + "?"
                          + query)
        assert resp.status_code in (200, 404), (rule.rule, resp.status_code)
        out[rule.rule] = sorted(_Recording.seen - set(SPECIAL))
    assert {"q", "page", "year"} <= set(out["/search"]) and "limit" in out["/api/search"]
    return out


def _routes(app: Flask) -> list[Any]:
    rules = [r for r in app.url_map.iter_rules() if "GET" in (r.methods or ())]
    assert len(rules) >= 18  # every page and its JSON twin
    return sorted(rules, key=lambda r: r.rule)


def _valid_path_values(archive: Archive) -> dict[str, str]:
    rid = report_id(archive, "nx-xfj")  # the report with two versions
    sha = archive.reports()[0]["sha256"]
    return {"report_id": str(rid), "agency_id": "nx-xfj", "sha": sha, "filename": "style.css"}


def _path(rule: Any, values: dict[str, str]) -> str:
    """The rule with its arguments substituted by already percent-encoded values."""
    out = rule.rule
    for name in rule.arguments:
        out = re.sub(rf"<(?:[^:<>]+:)?{name}>", values[name].replace("\\", "\\\\"), out)
    return out


def _check(client: FlaskClient, url: str) -> None:
    started = time.monotonic()
    resp = client.get(url, headers={"Host": ATTACKER})
    assert resp.status_code < 500, (url, resp.status_code)
    body = resp.get_data()
    assert ATTACKER.encode() not in body, url
    if resp.status_code == 400:
        assert re.search(r"[\u4e00-\u9fff]", resp.get_data(as_text=True)), url
    assert time.monotonic() - started < 10, url


@pytest.mark.slow
def test_every_route_every_hostile_value(app: Flask, archive: Archive) -> None:
    """The matrix: each route × each hostile value, in each path argument (the others
    valid), in each query argument the route reads (beside a valid search phrase), and in
    every name it does not read and the names url_for treats specially, all at once."""
    client = app.test_client()
    valid = _valid_path_values(archive)
    rules = _routes(app)
    reads = _reads(archive, rules, valid)
    names = _arg_names()
    requests = 0
    for rule in rules:
        base = {n: valid.get(n, "1") for n in rule.arguments}
        path = _path(rule, base)
        ignored = [n for n in names if n not in reads[rule.rule]]
        for value in HOSTILE:
            urls = [_path(rule, {**base, n: value or "x"}) for n in rule.arguments]
            urls += [f"{path}?{'' if n == 'q' else 'q=%E4%BF%A1%E8%AE%BF&'}{n}={value}"
                     for n in reads[rule.rule]]
            urls.append(f"{path}?q=%E4%BF%A1%E8%AE%BF&" + "&".join(f"{n}={value}"
                                                                 for n in ignored))
            urls.append(f"{path}?{value}={value}&%00={value}")
            for url in urls:
                _check(client, url)
            requests += len(urls)
    assert requests > 3_000


def _encoded_text() -> st.SearchStrategy[str]:
    """Arbitrary text, lone surrogates included, percent-encoded as its UTF-8 bytes."""
    return st.text(st.characters(codec=None), max_size=40).map(
        lambda s: quote(s.encode("utf-8", "surrogatepass"), safe=""))


@pytest.fixture(scope="module")
def fuzz_env(app: Flask, archive: Archive) -> dict[str, Any]:
    return {"client": app.test_client(), "rules": _routes(app), "names": _arg_names(),
            "valid": _valid_path_values(archive)}


_value = st.one_of(st.sampled_from(HOSTILE), st.sampled_from(VALID), _encoded_text(),
                   st.integers().map(str), st.integers(-(2**70), 2**70).map(str))


@settings(max_examples=1000, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_fuzz_every_route(fuzz_env: dict[str, Any], data: st.DataObject) -> None:
    rule = data.draw(st.sampled_from(fuzz_env["rules"]), label="route")
    values = {n: data.draw(st.one_of(st.just(fuzz_env["valid"].get(n, "1")), _value), label=n)
              or "x" for n in rule.arguments}
    names = st.one_of(st.sampled_from(fuzz_env["names"]), _encoded_text())
    args = data.draw(st.lists(st.tuples(names, _value), max_size=5), label="query")
    query = "&".join(f"{n}={v}" for n, v in args)
    _check(fuzz_env["client"], _path(rule, values) + ("?" + query if query else ""))


def test_hostile_input_never_reaches_a_traceback(app: Flask) -> None:
    """The error pages themselves: every 4xx a request can produce renders in Chinese."""
    client = app.test_client()
    for url, code in (("/nowhere", 404), ("/api/nowhere", 404), ("/search?q=%00", 400),
                      ("/api/search?year=x", 400)):
        resp = client.get(url)
        assert resp.status_code == code
        assert re.search(r"[\u4e00-\u9fff]", resp.get_data(as_text=True))
    resp = client.post("/search")
    assert resp.status_code == 405 and "GET" in resp.get_data(as_text=True)


@pytest.mark.parametrize("token", ["%00", "x" * 1001, "%ED%A0%80", "%C3%A9", "%FF", "'", HUGE])
def test_hostile_tokens(archive: Archive, token: str) -> None:
    """With a token set, a hostile token in the query, a header or the cookie is a 4xx."""
    client = create_app(archive, token="s3cret").test_client()
    assert client.get(f"/search?q=a&token={token}").status_code in (400, 401)
    raw = unquote_to_bytes(token).decode("latin-1").replace("\x00", "\x01")
    for headers in ({"X-Nianbao-Token": raw}, {"Authorization": "Bearer " + raw},
                    {"Cookie": "nianbao_token=" + raw}):
        assert client.get("/api/alerts", headers=headers).status_code == 401
    assert client.get("/api/alerts?token=s3cret").status_code == 200
