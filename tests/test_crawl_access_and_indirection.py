"""Access barriers and indirect reports, hard cases of ``docs/platforms.md`` the main farm does
not cover, one simulated portal each.

robots.txt absent (404) or forbidden (403); a WAF answering 403 to non-browser
User-Agents; reports shown only through ``<iframe>``/``<embed>``/pdf.js ``?file=``; the
same article linked as ``…/index.html`` and ``…/``; a 年报 link landing on a stub that
moves on by ``window.location`` / ``<noscript>`` meta refresh; a list served as JSONP; a
412 JavaScript cookie challenge whose cookie expires mid-crawl (passed with headless
Chromium). Users rely on every report being archived under the right agency and year,
and the crawler staying on the portals.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest
from portal_sim import crawl_farm_once

from crawler.downloadermiddlewares.challenge import chromium_path
from crawler.simulator import Farm

pytestmark = pytest.mark.slow

# the 412 cookie challenge needs headless Chromium (Debian's chromium); skipped without it
PROFILES = ["robots_404", "robots_403", "ua_gate", "embedded_pdf", "dual_url", "js_redirect",
            "jsonp_api"] + (["challenge_js"] if chromium_path() else [])


def status_for(url: str, ua: str) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"User-Agent": ua}),
                                    timeout=10) as r:
            return int(r.status)
    except urllib.error.HTTPError as e:
        return e.code


def test_hard_case_portals(tmp_path: Path) -> None:
    with Farm(len(PROFILES), profiles=PROFILES, seed=11) as farm:
        by_profile = {p.profile: p for p in farm.portals}
        gate = by_profile["ua_gate"]
        # the simulator really gates: a script's User-Agent is refused, a browser's is not
        assert status_for(gate.root, "python-requests/2.32") == 403
        assert status_for(gate.root, "Scrapy/2.13 (+https://scrapy.org)") == 403
        assert status_for(gate.root, "Mozilla/5.0 (X11; Linux x86_64) Chrome/120") == 200
        assert status_for(by_profile["robots_403"].url("/robots.txt"), "Mozilla/5.0") == 403
        farm.clear_log()

        data, out, expected, got = crawl_farm_once(farm, tmp_path)
        for key, (portal, r) in expected.items():
            g = got[key]
            if portal.profile == "dual_url":
                assert g["url"] in (portal.url(r.detail),
                                    portal.url(r.detail[: -len("index.html")])), key
            else:
                assert g["url"] == farm.primary_url(portal, r), key

        allowed = farm.allowed_hosts()
        assert [e for e in farm.log if e.host not in allowed] == []
        assert [e for e in farm.log if e.host == gate.host and e.status == 403] == []
        # embedded PDFs are fetched from the file itself, not through the viewer page
        emb = by_profile["embedded_pdf"]
        assert set(emb.styles.values()) == {0, 1, 2}  # type: ignore[attr-defined]
        assert not [e for e in farm.log if e.host == emb.host and "viewer" in e.path]
        # the article linked two ways is fetched once
        dual = by_profile["dual_url"]
        for r in dual.reports:
            forms = (r.detail, r.detail[: -len("index.html")])
            hits = [e for e in farm.log if e.host == dual.host and e.path in forms]
            assert len(hits) == 1, (r.detail, hits)
        # the stub was followed to the real list, and that list is remembered
        red = by_profile["js_redirect"]
        assert any(e.host == red.host and e.path == red.stub for e in farm.log)
        # the JSONP list was paged to its end with the callback the page names
        jp = by_profile["jsonp_api"]
        api = [e for e in farm.log if e.host == jp.host and e.path == "/interface/list.jsp"]
        assert len(api) == -(-(len(jp.live()) + len(jp.noise)) // jp.per_page)
        # the 412 cookie challenge was passed, and passed again when the cookie expired
        ch = by_profile.get("challenge_js")
        if ch is None:
            return
        passed = [n for n, used in ch.tokens.items() if used]  # type: ignore[attr-defined]
        assert len(passed) >= 2, ch.tokens  # type: ignore[attr-defined]


def test_page_rules_for_the_hard_cases() -> None:
    from parsel import Selector

    from crawler.adapters import Follow, jsonp_api, jsonp_page
    from crawler.pages import embedded_links, script_redirect, viewer_target

    url = "http://gov.example/zwgk/nb/index.html"
    assert viewer_target("http://gov.example/pdfjs/web/viewer.html?file=%2Fa%2Fnb.pdf") == \
        "http://gov.example/a/nb.pdf"
    assert viewer_target("http://gov.example/list.jsp?file=x") == "http://gov.example/list.jsp?file=x"
    sel = Selector(text='<embed src="./nb.PDF" type="application/pdf"><iframe src="/map.html">'
                        '</iframe><object data="/f/nb.pdf#page=2"></object>')
    assert [x.url for x in embedded_links(sel, url)] == ["http://gov.example/zwgk/nb/nb.PDF",
                                                          "http://gov.example/f/nb.pdf"]
    assert script_redirect("<script>location.replace('../gknb/');</script>", url) == \
        "http://gov.example/zwgk/gknb/"
    assert script_redirect("<p>no redirect</p>", url) is None
    lst = jsonp_api('<script>$.getJSON("/api/list?page=1&callback=?", draw)</script>', url,
                    Selector(text="<html></html>"))
    assert lst is not None and lst.follows[0].url == \
        "http://gov.example/api/list?page=1&callback=jsonpCallback"
    # no "total": keep paging while pages come back full
    body = ('jsonpCallback({"data":{"rows":[{"title":"某局2023年政府信息公开工作年度报告",'
            '"link":"/c/1.html","pubDate":"2024-01-20"}]}});').encode()
    page1 = jsonp_page(body, lst.follows[0])
    assert [(i.url, str(i.date)) for i in page1.items] == [("http://gov.example/c/1.html",
                                                            "2024-01-20")]
    assert page1.follows and "page=2" in page1.follows[0].url
    assert not jsonp_page(b"jsonpCallback({\"data\":{\"rows\":[]}})", page1.follows[0]).follows
    assert isinstance(lst.follows[0], Follow)
