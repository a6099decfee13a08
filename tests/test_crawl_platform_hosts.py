"""Reports on hosts other than the registered portal (``docs/platforms.md``).

A row linking a report on a host outside the registry is neither fetched nor called
missing; Guangdong's gkmlpt platform (``_CONFIG`` and its JSON API); a department whose
年报 column lives on the city's platform host, found once the registry names that column.
Users rely on the crawler staying on the registered hosts and on every report the named
column lists being archived.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from portal_sim import crawl_farm_once

from crawler.simulator import Farm

pytestmark = pytest.mark.slow


def test_report_listed_on_an_unregistered_host_is_not_fetched_nor_called_missing(
        tmp_path: Path) -> None:
    from portal_sim import crawl, nianbao

    with Farm(1, profiles=["odd_markup"], seed=3) as farm:
        odd = farm.portals[0]
        odd.offsite_row = True  # type: ignore[attr-defined]
        reg = farm.write_registry(tmp_path / "registry.yaml")
        rc, out, stderr = crawl(tmp_path / "data", reg)
        assert rc == 0, stderr[-3000:]
        row = out["portals"][0]
        assert row["outcome"] == "partial" and "注册表之外的站点" in row["reason"], row
        assert f"{farm.trap_url}/xxgk/nb2012.html" in row["reason"]
        assert [e for e in farm.log if e.host not in farm.allowed_hosts()] == []
        check = nianbao(tmp_path / "data", "check", "--today", "2026-06-01", "--json")
        opened = json.loads(check.stdout)["opened"]
        assert not [a for a in opened if a["kind"] == "REPORT_MISSING"], opened


def test_gkmlpt_platform(tmp_path: Path) -> None:
    """Guangdong's gkmlpt: the 年报 category from ``_CONFIG.TREE``/``#id``, lists from
    ``api/all/{cat}?page&sid`` up to ``post_count``, the report inside ``_CONFIG.DETAIL``."""
    from portal_sim import crawl, reports

    with Farm(2, profiles=["gkmlpt"], seed=6) as farm:
        data, out, expected, got = crawl_farm_once(farm, tmp_path)
        for key, (portal, r) in expected.items():
            g = got[key]
            assert g["url"] == farm.primary_url(portal, r), key
            assert g["posted_on"] == r.posted.isoformat(), key
            if not r.has_file:  # the report is the embedded article: its tables were read
                assert g["template"] in ("gov2021", "gov2019", "legacy"), (key, g["template"])
                assert not {"TABLE_MISSING", "SECTION_MISSING"} & set(g["findings"]), key
        api = [e for e in farm.log if "/gkmlpt/api/all/" in e.path]
        assert api and all(e.status == 200 for e in api)
        farm.clear_log()
        rc, out, stderr = crawl(data, tmp_path / "registry.yaml")
        assert rc == 0, stderr[-3000:]
        assert {p["outcome"] for p in out["portals"]} == {"ok"}
        again = reports(data)
        assert {k: len(g["versions"]) for k, g in again.items()} == \
            {k: len(g["versions"]) for k, g in got.items()}
        assert not [k for k, g in again.items() if g["removed_on"]]


def test_column_on_a_separate_platform_host(tmp_path: Path) -> None:
    """A department portal whose 年报 live on the city's platform (another host): found
    once the registry names that column; without it, never fetched nor called missing."""
    import yaml
    from portal_sim import crawl, nianbao, reports

    with Farm(2, profiles=["gkmlpt", "dept_portal"], seed=8) as farm:
        hub, dept = farm.portals
        entries = [{"id": aid, "name": name, "kind": "department", "portal": dept.root,
                    "since": 2015} for aid, name in hub.agencies]
        reg = tmp_path / "registry.yaml"
        reg.write_text(yaml.safe_dump({"agencies": entries}, allow_unicode=True), "utf-8")
        rc, out, stderr = crawl(tmp_path / "a", reg)
        assert rc == 0, stderr[-3000:]
        row = out["portals"][0]
        assert row["outcome"] == "partial" and "注册表之外的站点" in row["reason"], row
        assert "column" in row["reason"] and hub.host in row["reason"]
        assert not [e for e in farm.log if e.host == hub.host]
        check = nianbao(tmp_path / "a", "check", "--today", "2026-06-01", "--json")
        assert not [a for a in json.loads(check.stdout)["opened"] if a["kind"] == "REPORT_MISSING"]

        column = hub.url(f"/gkmlpt/index#{hub.cat}")  # type: ignore[attr-defined]
        for e in entries:
            e["column"] = column
        reg.write_text(yaml.safe_dump({"agencies": entries}, allow_unicode=True), "utf-8")
        rc, out, stderr = crawl(tmp_path / "b", reg)
        assert rc == 0, stderr[-3000:]
        assert [p["outcome"] for p in out["portals"]] == ["ok"], out["portals"]
        got = reports(tmp_path / "b")
        assert set(got) == {(r.agency_id, r.year) for r in hub.reports}
        assert [e for e in farm.log if e.host not in farm.allowed_hosts()] == []
