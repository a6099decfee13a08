"""Markup hard cases of ``docs/platforms.md`` (simulator profile ``odd_markup``), and lists
that come back incomplete.

List dates in a ``<span>`` inside the ``<a>`` and titles only whole in ``@title``;
protocol-relative and ``../../`` hrefs; every row on page 1 behind a JS-only pager
(``countPage = 1``, no ``index_1.html``, 300-byte stub deep pages); meta tags with
``content`` before ``name`` and a 发布时间 label padded with NBSP/U+3000; three years
published together on one page, each year's PDF under its own title. Users rely on each
year filed as its own report with its own file and the page's posting date.

A list the crawler cannot read whole (Hanweb's proxy answering an empty datastore, a TRS
page ``countPage`` promises answering a 300-byte stub) makes the night partial: users rely
on no report being marked removed and no REPORT_REMOVED alert for it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from portal_sim import crawl_farm_once

from crawler.simulator import Farm

pytestmark = pytest.mark.slow


def test_odd_markup_and_several_years_on_one_page(tmp_path: Path) -> None:
    with Farm(2, profiles=["odd_markup"], seed=3) as farm:
        data, out, expected, got = crawl_farm_once(farm, tmp_path)
        for key, (portal, r) in expected.items():
            g = got[key]
            assert g["url"] == farm.primary_url(portal, r), key
            assert g["posted_on"] == r.posted.isoformat(), key  # NBSP label / reversed meta
        for portal in farm.portals:
            bundle = portal.bundle  # type: ignore[attr-defined]
            assert len(bundle) == 3
            page = portal.url(portal.bundle_path)  # type: ignore[attr-defined]
            for r in bundle:  # one page, three reports: each its own year and file
                g = got[(r.agency_id, r.year)]
                assert g["url"] == portal.url(r.file_path)
                assert {f["url"] for f in g["files"] if f["role"] == "page"} == {page}
            # the JS-only pager: page 1 holds every row; nothing beyond it is requested
            paths = [e.path for e in farm.log if e.host == portal.host]
            assert not [p for p in paths if "index_" in p], paths
        assert [e for e in farm.log if e.host not in farm.allowed_hosts()] == []


def partial_night_removes_nothing(data: Path, tmp_path: Path, root: str,
                                  expected: dict[tuple[str, int], Any], why: str) -> None:
    """Crawl again: the portal's night is partial for ``why``, every report is still there,
    none is marked removed and ``check`` opens no REPORT_REMOVED."""
    from portal_sim import crawl, nianbao, reports

    rc, out, stderr = crawl(data, tmp_path / "registry.yaml")
    assert rc == 0, stderr[-3000:]
    row = next(p for p in out["portals"] if p["portal"] == root)
    assert row["outcome"] == "partial" and why in row["reason"], row
    again = reports(data)
    assert set(again) == set(expected)
    assert not [k for k, g in again.items() if g["removed_on"]]
    check = nianbao(data, "check", "--today", "2026-06-01", "--json")
    assert "REPORT_REMOVED" not in {a["kind"] for a in json.loads(check.stdout)["opened"]}


def test_hanweb_empty_proxy_is_an_incomplete_list_not_removals(tmp_path: Path) -> None:
    """The 54-byte empty datastore (encrypted ``nextgroup``, or a proxy gone wrong) must
    never read as "every report on later pages was deleted"."""
    from portal_sim import crawl, reports

    with Farm(1, profiles=["hanweb_jpage"], seed=4) as farm:
        hw = farm.portals[0]
        data, out, expected, got = crawl_farm_once(farm, tmp_path)
        assert not [e for e in farm.log if e.path.endswith("dataproxy.jsp") and e.method == "GET"]
        assert any(e.path.endswith("dataproxy.jsp") for e in farm.log)  # paging was needed
        files = [r for r in hw.reports if r.has_file]
        assert files and all("downfile.jsp" in (r.attachment or "") for r in files)

        def night() -> list[tuple[str, int | str]]:
            farm.clear_log()
            rc, out, stderr = crawl(data, tmp_path / "registry.yaml")
            assert rc == 0, stderr[-3000:]
            assert {p["outcome"] for p in out["portals"]} == {"ok"}, out["portals"]
            again = reports(data)
            assert {k: len(g["versions"]) for k, g in again.items()} == \
                {k: len(g["versions"]) for k, g in got.items()}
            assert not [k for k, g in again.items() if g["removed_on"]]
            return [(e.path, e.status) for e in farm.log]

        # a quiet night asks each file directly (304), not through downfile.jsp's 302
        log = night()
        assert not [p for p, _ in log if "downfile" in p], log
        assert sorted(s for p, s in log if p.startswith("/attach/")) == [304] * len(files)
        # the attachment store moves: the remembered targets 404, the links lead on
        hw.move_files("1")  # type: ignore[attr-defined]
        log = night()
        assert sum(1 for p, s in log if "downfile" in p and s == 302) == len(files), log
        assert sorted(s for p, s in log if p.startswith("/attach/1/")) == [200] * len(files)
        assert not [p for p, _ in night() if "downfile" in p]  # and are remembered anew
        hw.proxy_broken = True  # type: ignore[attr-defined]
        partial_night_removes_nothing(data, tmp_path, hw.root, expected, "空结果（54 字节）")


def test_trs_stub_page_is_an_incomplete_list_not_removals(tmp_path: Path) -> None:
    """A page ``countPage`` promises answering a 300-byte 200 stub is a broken list."""
    with Farm(1, profiles=["trs_classic"], seed=4) as farm:
        trs = farm.portals[0]
        data, out, expected, got = crawl_farm_once(farm, tmp_path)
        trs.stubbed = True  # type: ignore[attr-defined]
        partial_night_removes_nothing(data, tmp_path, trs.root, expected, "空白页面")
