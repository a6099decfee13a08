"""Decoys and moved columns, hard cases of ``docs/platforms.md``, one simulated portal each.

A county list carrying its towns' own reports (towns not in the registry); a listed
report whose page is a 200 "页面不存在" labelled ``charset=iso-8859-1``; an old
column URL that 301s to another domain or to the homepage; Hanweb's dataproxy.jsp
answering an empty datastore when the Referer is missing.
Every response gzip-encoded though the crawler never asked for it; list rows whose
索引号 ``2025-01-00018`` looks like a date beside the real ``2025年01月20日``, on detail
pages with no 发布时间; ``.xls/.zip/.rar/.ofd`` decoys labelled like the report beside the
real file (an .ofd copy is ignored). Users rely on the report itself (not a spreadsheet or archive) being archived
with its posting date, and on the archived digest being that of the file they can open.
"""

from __future__ import annotations

import hashlib
import urllib.request
from pathlib import Path

import pytest
from portal_sim import crawl, crawl_farm_once, reports

from crawler.simulator import Farm

pytestmark = pytest.mark.slow

PROFILES = ["towns_dead", "decoy_gzip", "moved_301", "hanweb_jpage"]


def test_hard_case_portals_2(tmp_path: Path) -> None:
    with Farm(len(PROFILES), profiles=PROFILES, seed=12) as farm:
        by_profile = {p.profile: p for p in farm.portals}
        # Hanweb's dataproxy.jsp answers an empty datastore unless the Referer is sent
        hw = by_profile["hanweb_jpage"]
        form = (f"col=1&webid=3&path=/&columnid={hw.col}&sourceContentType=1"  # type: ignore[attr-defined]
                f"&unitid={hw.unit}&permissiontype=0").encode()  # type: ignore[attr-defined]
        proxy = hw.url("/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=3&perpage=1")
        heads = {"X-Requested-With": "XMLHttpRequest", "User-Agent": "Mozilla/5.0"}
        for referer, records in ((None, False), (hw.root, True)):
            h = {**heads, **({"Referer": referer} if referer else {})}
            with urllib.request.urlopen(urllib.request.Request(proxy, data=form, headers=h),
                                        timeout=10) as resp:
                assert ("<record" in resp.read().decode("utf-8")) is records, referer
        farm.clear_log()
        data, out, expected, got = crawl_farm_once(farm, tmp_path)
        for key, (portal, r) in expected.items():
            g = got[key]
            assert g["url"] == farm.primary_url(portal, r), key  # never a decoy
            assert g["posted_on"] == r.posted.isoformat(), key  # not the 索引号, not 成文日期
            if r.has_file:  # the digest of the decoded file, not of the gzip stream
                att = next(f for f in g["files"] if f["role"] == "attachment")
                assert att["sha256"] == hashlib.sha256(r.file_bytes()).hexdigest(), key

        dec = by_profile["decoy_gzip"]
        assert {r.fmt for r in dec.reports} >= {"pdf", "html"}
        fetched = {e.path for e in farm.log if e.host == dec.host}
        assert not [p for p in fetched if p.rsplit(".", 1)[-1] in ("xls", "zip", "rar", "ofd")]
        assert [e for e in farm.log if e.host not in farm.allowed_hosts()] == []
        # towns' own reports on the county list are not filed under the county
        towns = by_profile["towns_dead"]
        assert towns.agencies[0][1].endswith("县人民政府")
        archived = {f["url"] for g in got.values() for f in g["files"]}
        assert not [u for u in archived if "/xzjd/" in u]
        assert not [e for e in farm.log if e.host == towns.host and "/xzjd/" in e.path]
        # the 200 "页面不存在" page (iso-8859-1) of a listed report is not archived as one
        assert towns.url(towns.dead) not in archived  # type: ignore[attr-defined]

        # the old column now 301s to another domain / the homepage: not followed off-host,
        # the column is found again from the homepage, nothing is taken for removed
        mv = by_profile["moved_301"]
        old_col = mv.column  # type: ignore[attr-defined]
        mv.move_column("/xxgk/nianbao/")  # type: ignore[attr-defined]
        farm.clear_log()
        rc, out, stderr = crawl(data, tmp_path / "registry.yaml")
        assert rc == 0, stderr[-3000:]
        rows = {p["portal"]: p for p in out["portals"]}
        assert rows[mv.root]["outcome"] == "ok", rows[mv.root]
        assert any(e.host == mv.host and e.path.startswith(old_col) and e.status == 301
                   for e in farm.log), [(e.path, e.status) for e in farm.log if e.host == mv.host]
        assert any(e.host == mv.host and e.path.startswith("/xxgk/nianbao/") for e in farm.log)
        assert [e for e in farm.log if e.host not in farm.allowed_hosts()] == []
        again = reports(data)
        assert set(again) == set(expected)
        assert all(not g.get("removed_on") for g in again.values())


def test_decoys_are_never_the_report() -> None:
    from crawler.pages import Link, attachment_rank, decode, error_page, may_be_report, parse_date

    gone = "<html><body><h2>对不起，您访问的页面不存在！</h2></body></html>".encode()
    assert error_page(decode(gone, "iso-8859-1"))
    assert not error_page("<p>" + "某县2024年政府信息公开工作年度报告。" * 20 + "</p>")
    assert parse_date("2025-01-00018 2025年01月20日") == parse_date("2025-01-20")
    for ext in ("xls", "xlsx", "zip", "rar", "7z", "ZIP", "ofd"):
        assert not may_be_report(Link(f"http://g.example/a/nb.{ext}", "年度报告", "", ""))
    for ext in ("pdf", "PDF", "docx", "doc", "wps"):
        assert may_be_report(Link(f"http://g.example/a/nb.{ext}", "年度报告", "", ""))
    assert may_be_report(Link("http://g.example/downfile.jsp?id=3", "下载", "", ""))
    # 图片版 (an image-only PDF) beside the 文字版: the text version is the report
    title = "某县2024年政府信息公开工作年度报告"
    both = [Link("http://g.example/a/img.pdf", f"{title}（图片版）", "", ""),
            Link("http://g.example/a/txt.pdf", f"{title}（文字版）", "", "")]
    assert sorted(both, key=lambda c: attachment_rank(c, title))[0].url.endswith("txt.pdf")
