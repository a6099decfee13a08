"""Finding the 年报 column wherever the portal hides it, and never calling a report missing
on a night that did not read the column.

Every simulator profile puts its column 1–3 clicks from the root, behind hubs named in
varied ways (words only in ``@title``, ``img@alt`` or nested ``<em>``; a menu written by
``document.write``; the column only in a 信息公开目录 tree shown in an ``<iframe>``; a
home page that only redirects). What users rely on: every report is still found, discovery costs at most 25
requests per portal on the first night and none on a quiet second night, the column and
the way to it are remembered and shown; and when discovery is made to fail — a
redirect-only home leading nowhere, no link, the walk's budget run out, a decoy column —
no portal's night is ok and no REPORT_MISSING is raised.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from portal_sim import crawl, nianbao, report_paths, reports

from archive.store import Archive
from crawler.simulator import Farm
from crawler.simulator.portal import PortUnavailable
from crawler.simulator.profiles import PROFILES
from monitor.web import create_app

pytestmark = pytest.mark.slow

EVERY = sorted(PROFILES)


def start_every_profile(seed: int) -> Farm:
    """A farm of every profile (the two needing ports 80/443 only where they can bind)."""
    try:
        return Farm(len(EVERY), profiles=EVERY, seed=seed, first_ip=120,
                    formats=("html",)).start()
    except PortUnavailable:
        rest = [p for p in EVERY if not p.startswith("tls_")]
        return Farm(len(rest), profiles=rest, seed=seed, first_ip=120, formats=("html",)).start()


@pytest.mark.parametrize("fail", ["redirect_only", "no_link", "budget", "decoy"])
def test_no_report_missing_when_discovery_fails(tmp_path: Path, fail: str) -> None:
    farm = start_every_profile(seed=13)
    try:
        farm.discovery_fail = None if fail == "budget" else fail
        reg = farm.write_registry(tmp_path / "registry.yaml")
        data = tmp_path / "data"
        extra = {"NIANBAO_DISCOVERY_BUDGET": "2"} if fail == "budget" else {}
        rc, out, stderr = crawl(data, reg, **extra)
        rows = {p["portal"]: p for p in out["portals"]}
        assert len(rows) == len(farm.portals), stderr[-3000:]
        for p in farm.portals:
            row = rows[p.root]
            assert row["outcome"] != "ok", (p.profile, row)  # never evidence of absence
            if row["outcome"] == "partial" and "注册表之外" not in (row["reason"] or ""):
                assert "没有找到政府信息公开年报栏目" in row["reason"] or \
                    "没有读到年报栏目" in row["reason"], (p.profile, row)
        if fail == "budget":
            assert any("预算" in (r["reason"] or "") for r in rows.values())
        check = nianbao(data, "check", "--json")
        assert check.returncode == 0, check.stderr
        kinds = {a["kind"] for a in json.loads(check.stdout)["opened"]}
        assert "REPORT_MISSING" not in kinds and "REPORT_LATE" not in kinds, kinds
        allowed = farm.allowed_hosts()
        assert [e for e in farm.log if e.host not in allowed] == []
    finally:
        farm.stop()


PLATFORMS = ["trs_classic", "trs_1based", "hanweb_jpage", "json_api", "trs_classic_years",
             "gkmlpt", "jsonp_api", "odd_markup", "json_unknown", "pager_config",
             "pager_config", "json_unknown"]


def test_every_way_to_the_column_is_walked_and_remembered(tmp_path: Path) -> None:
    # 12 portals: each of the six ways to the column (by portal index) twice; a pager
    # configuration object with its record count (index 10) and without (index 9, probed);
    # two lists from a JSON API no adapter is written for
    with Farm(len(PLATFORMS), profiles=PLATFORMS, seed=17, formats=("html", "docx")) as farm:
        styles = {p.style for p in farm.portals}  # type: ignore[attr-defined]
        assert styles == set(range(6))
        reg = farm.write_registry(tmp_path / "registry.yaml")
        data = tmp_path / "data"
        rc, out, stderr = crawl(data, reg)
        assert rc == 0, stderr[-3000:]
        for row in out["portals"]:
            assert row["outcome"] == "ok", row
        assert set(reports(data)) == set(farm.expected())
        allowed = farm.allowed_hosts()
        assert [e for e in farm.log if e.host not in allowed] == []
        assert [e for e in farm.log if e.path == "/noscript.html"] == []  # the decoy refresh
        probed = farm.portals[9]
        assert not probed.counted  # type: ignore[attr-defined]
        deep = [e.status for e in farm.log if e.host == probed.host and "/index_" in e.path]
        pages = -(-len(probed.items(probed.column, None)) // probed.per_page)  # type: ignore[attr-defined]
        assert len(deep) == pages and deep.count(200) == pages  # every page, then one stub
        for p in (farm.portals[8], farm.portals[11]):  # GET with a query; POST with a form
            api = [e for e in farm.log if e.host == p.host and "/api/" in e.path]
            assert len(api) == -(-(len(p.live()) + len(p.noise)) // 3)
            assert {e.method for e in api} == ({"POST"} if p.posts else {"GET"})  # type: ignore[attr-defined]

        stored = {a["id"]: a for a in json.loads(
            nianbao(data, "registry", "list", "--json").stdout)["agencies"]}
        for p in farm.portals:
            a = stored[p.agencies[0][0]]
            assert a["column"] and a["column_path"], a
            assert a["column_path"][0][0] == p.root and a["column_path"][-1][0] == a["column"]
        first = list(farm.log)
        web = create_app(Archive(data)).test_client()
        aid = farm.portals[1].agencies[0][0]
        html = web.get(f"/agencies/{aid}").get_data(as_text=True)
        assert "年报栏目" in html and "查找路径" in html and stored[aid]["column"] in html

        # a quiet second night: no discovery request at all; what the first night asked
        # beyond the second night's listing pages (and the reports) was discovery
        farm.clear_log()
        rc, out, stderr = crawl(data, reg)
        assert rc == 0, stderr[-3000:]
        hubs = {(p.host, path) for p in farm.portals
                for path in {"/", "/index.htm", "/index.html"} | {h.path for h in _hubs(p)}}
        assert [e for e in farm.log if (e.host, e.path) in hubs] == []
        reportish = report_paths(farm) | {(p.host, "/robots.txt") for p in farm.portals}
        for p in farm.portals:
            night1 = Counter(e.path for e in first if e.host == p.host
                             and (e.host, e.path) not in reportish)
            night2 = Counter(e.path for e in farm.log if e.host == p.host
                             and (e.host, e.path) not in reportish)
            discovery = sum((night1 - night2).values())
            assert 1 <= discovery <= 25, (p.profile, night1 - night2)


def _hubs(p: object) -> list:  # type: ignore[type-arg]
    from crawler.simulator.profiles import HUB_STYLES

    return HUB_STYLES[p.style]  # type: ignore[attr-defined]


def test_the_user_agent_is_ascii_and_settable(tmp_path: Path) -> None:
    from archive.config import load_settings
    from crawler.settings import from_config

    got = from_config(load_settings(tmp_path))["USER_AGENT"]
    assert got.isascii() and got.startswith("Mozilla/5.0") and "+http" in got
    (tmp_path / "nianbao.toml").write_text(
        'user_agent = "nianbao/0.2 (+https://gk.example.gov.cn/about) 年报"\n', encoding="utf-8")
    got = from_config(load_settings(tmp_path))["USER_AGENT"]
    assert got == "nianbao/0.2 (+https://gk.example.gov.cn/about)"


def test_a_shared_column_is_evidence_only_for_the_agencies_it_lists(tmp_path: Path) -> None:
    import yaml

    with Farm(1, profiles=["trs_classic"], seed=19, formats=("html",)) as farm:
        portal = farm.portals[0]
        entries = farm.registry() + [{"id": "x-da", "name": f"{portal.agencies[0][1]}档案局",
                                      "kind": "department", "portal": portal.root,
                                      "emails": [], "since": 2015}]
        reg = tmp_path / "registry.yaml"
        reg.write_text(yaml.safe_dump({"agencies": entries}, allow_unicode=True), "utf-8")
        data = tmp_path / "data"
        rc, out, stderr = crawl(data, reg)
        assert rc == 0, stderr[-3000:]
        (row,) = out["portals"]  # one portal, its agencies split by what the night proves
        assert row["outcome"] == "partial" and "x-da" in row["agency_ids"]
        assert "没有列出这些机关的任何年度报告" in row["reason"]
        check = json.loads(nianbao(data, "check", "--json").stdout)
        missing = {a["agency_id"] for a in check["opened"] if a["kind"] == "REPORT_MISSING"}
        assert "x-da" not in missing  # its reports may sit in another column
        assert portal.agencies[0][0] in missing  # the column lists its reports: evidence

        # the office registers that column as the agency's own: now the night is evidence
        stored = {a["id"]: a for a in json.loads(
            nianbao(data, "registry", "list", "--json").stdout)["agencies"]}
        entries[-1]["column"] = stored[portal.agencies[0][0]]["column"]
        reg.write_text(yaml.safe_dump({"agencies": entries}, allow_unicode=True), "utf-8")
        rc, out, stderr = crawl(data, reg)
        assert rc == 0 and out["portals"][0]["outcome"] == "ok", out
        check = json.loads(nianbao(data, "check", "--json").stdout)
        assert "x-da" in {a["agency_id"] for a in check["opened"] if a["kind"] == "REPORT_MISSING"}
