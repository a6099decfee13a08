"""The registry commands: add, list, and proposals drawn from archived reports' own text."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import seed_path
from portal_sim import nianbao


def test_registry_add_list_and_from_reports(tmp_path: Path) -> None:
    data = tmp_path / "data"
    add = nianbao(data, "registry", "add", "--id", "x-jy", "--name", "某市教育局", "--kind",
                  "department", "--portal", "http://jy.example.gov.cn/", "--email", "a@b.cn")
    assert add.returncode == 0 and "已添加" in add.stderr
    bad = nianbao(data, "registry", "add", "--id", "Bad Id", "--name", "某局", "--portal", "x")
    assert bad.returncode == 2 and "id" in bad.stderr
    listed = json.loads(nianbao(data, "registry", "list", "--json").stdout)["agencies"]
    assert {"id": "x-jy", "name": "某市教育局", "kind": "department",
            "portal": "http://jy.example.gov.cn/", "column": None, "column_path": None,
            "emails": ["a@b.cn"],
            "deadline": None, "since": 2008, "region": None, "level": None} in listed

    seed = seed_path("000")
    assert nianbao(data, "ingest", str(seed)).returncode == 0
    out = json.loads(nianbao(data, "registry", "from-reports", "--json").stdout)["agencies"]
    (entry,) = [a for a in out if a["name"] == "自治区机关事务管理局"]
    assert "nxjgsw@163.com" in entry["emails"]
    assert any("nxjgsw.nx.gov.cn" in u for u in entry["found_in_reports"]["portal_urls"])
    assert entry["portal"] and entry["since"] == 2020


def test_crawl_rejects_a_bad_registry(tmp_path: Path) -> None:
    reg = tmp_path / "r.yaml"
    reg.write_text("agencies:\n  - id: x\n    name: 某局\n    kind: ministry\n", encoding="utf-8")
    p = nianbao(tmp_path / "data", "crawl", "--registry", str(reg))
    assert p.returncode == 2 and "kind" in p.stderr


def test_a_large_farm_names_every_agency_once() -> None:
    """Two simulated agencies of one name make a report's own text ambiguous, and the
    archive rightly files neither; the 1,000-portal farm had 36 names twice (392 reports),
    the likely cause of most of the 152 reports its benchmark run did not archive."""
    from collections import Counter

    from crawler.simulator import Farm

    farm = Farm(1000)
    try:
        names = Counter(a["name"] for a in farm.registry())
    finally:
        farm.trap.stop()
    assert len(names) == 1500 and max(names.values()) == 1
