"""``nianbao rollup`` and the registry's regions, on rendered sample reports of a small
region (``rollup_data``): the totals are the sums of the parsed cells as ``export``
prints them, computed here independently; who is left out and why; the rates by their
README formulas; change on last year; rankings; ``--region`` below a region."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import rollup_data
from helpers import nianbao
from rollup_data import (
    INVALID,
    LATE,
    MISSING,
    REGION,
    UNREADABLE,
    YEAR,
    expected_totals,
)

from archive.store import Archive


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory, database: str) -> Path:
    """The region, once per database the suite runs on (``database``: conftest.py)."""
    d = tmp_path_factory.mktemp("rollup") / "data"
    rollup_data.build(d)
    return d


def rollup_json(data: Path, *args: str) -> dict[str, Any]:
    p = nianbao(data, "rollup", "--json", *args)
    assert p.returncode == 0, p.stderr
    out: dict[str, Any] = json.loads(p.stdout)
    return out


@pytest.fixture(scope="module")
def dumps(data: Path) -> dict[str, Any]:
    return rollup_data.dumps(data)


@pytest.mark.parametrize("region", [REGION, None, "宁夏/中卫市/沙坡头区"])
def test_totals_are_the_sums_of_the_parsed_cells(data: Path, dumps: dict[str, Any],
                                                  region: str | None) -> None:
    args = ["--year", str(YEAR)] + (["--region", region] if region else [])
    r = rollup_json(data, *args)
    want = expected_totals(dumps, YEAR, region)
    assert want and r["totals"] == want
    assert "applications.granted.total" in r["totals"]
    assert "active_disclosure.fees.amount" in r["totals"]  # an amount, in 元
    prev = rollup_json(data, "--year", str(YEAR - 1), *args[2:])
    assert prev["totals"] == expected_totals(dumps, YEAR - 1, region)
    for path, ch in r["change"]["totals"].items():
        assert ch["current"] == r["totals"].get(path)
        assert ch["previous"] == prev["totals"].get(path)


def test_left_out_names_each_agency_and_why(data: Path) -> None:
    r = rollup_json(data, "--year", str(YEAR), "--region", REGION)
    left = {x["agency_id"]: x for x in r["left_out"]}
    assert {k: v["status"] for k, v in left.items()} == {
        MISSING: "missing", UNREADABLE: "unreadable", INVALID: "invalid"}
    assert "T3_BALANCE" in left[INVALID]["reason"]
    assert r["agencies"] == {"expected": 6, "found": 5, "included": 3, "left_out": 3}
    assert "gy-tjj" not in {x["agency_id"] for x in r["per_agency"]}  # 固原市: not in region
    whole = rollup_json(data, "--year", str(YEAR))
    assert whole["region"] is None and whole["agencies"]["expected"] == 7


def test_rates_follow_their_formulas(data: Path) -> None:
    r = rollup_json(data, "--year", str(YEAR), "--region", REGION)
    t, rates = r["totals"], r["rates"]
    # 按时发布率: LATE posted after 31 Jan, MISSING never, UNREADABLE first seen today
    assert (rates["on_time_rate"]["numerator"], rates["on_time_rate"]["denominator"]) == (3, 6)
    assert rates["on_time_rate"]["value"] == pytest.approx(0.5)
    # 数据有误率: one of the four readable reports has an error
    assert (rates["error_rate"]["numerator"], rates["error_rate"]["denominator"]) == (1, 4)
    assert rates["applications"]["value"] == t["applications.new_received.total"]
    assert rates["granted_rate"]["value"] == pytest.approx(
        t["applications.granted.total"] / t["applications.results_total.total"], abs=1e-6)
    rev = sum(t[f"review_litigation.admin_review.{c}"] for c in ("upheld", "corrected", "other"))
    assert rates["review_correction_rate"]["value"] == pytest.approx(
        t["review_litigation.admin_review.corrected"] / rev, abs=1e-6)
    groups = ("litigation_direct", "litigation_after_review")
    lit = sum(t[f"review_litigation.{g}.{c}"] for g in groups
              for c in ("upheld", "corrected", "other"))
    corrected = sum(t[f"review_litigation.{g}.corrected"] for g in groups)
    assert rates["litigation_correction_rate"]["value"] == (
        pytest.approx(corrected / lit, abs=1e-6) if lit else None)
    prev = rollup_json(data, "--year", str(YEAR - 1), "--region", REGION)["rates"]
    for key, ch in r["change"]["rates"].items():
        assert (ch["current"], ch["previous"]) == (rates[key]["value"], prev[key]["value"])
    hist = {h["year"]: h["rates"] for h in r["history"]}
    assert hist[YEAR] == {k: v["value"] for k, v in rates.items()}
    assert hist[YEAR - 1]["on_time_rate"] == 1.0


def test_rankings(data: Path) -> None:
    r = rollup_json(data, "--year", str(YEAR), "--region", REGION)
    apps = r["rankings"]["applications"]
    assert [x["value"] for x in apps] == sorted((x["value"] for x in apps), reverse=True)
    assert {x["agency_id"] for x in apps} == {
        x["agency_id"] for x in r["per_agency"] if x["status"] == "included"}
    days = r["rankings"]["days_before_deadline"]
    assert MISSING not in {x["agency_id"] for x in days}
    late = next(x for x in days if x["agency_id"] == LATE)
    assert late["value"] == -14 and late["rank"] > 1  # 2025-02-14, due 2025-01-31
    row = next(x for x in r["per_agency"] if x["agency_id"] == LATE)
    assert row["on_time"] is False and row["days_late"] == 14


def test_text_output_and_bad_region(data: Path) -> None:
    p = nianbao(data, "rollup", "--year", str(YEAR), "--region", REGION)
    assert p.returncode == 0 and "按时发布率：50.0%" in p.stdout and "未发布" in p.stdout
    bad = nianbao(data, "rollup", "--year", str(YEAR), "--region", "宁夏/中卫")
    assert bad.returncode == 2 and "宁夏/中卫市" in bad.stderr
    assert nianbao(data, "rollup", "--region", REGION).returncode == 2  # --year required


def test_registry_region_and_level(tmp_path: Path) -> None:
    d = tmp_path / "data"
    assert nianbao(d, "init").returncode == 0
    add = nianbao(d, "registry", "add", "--id", "spt-jy", "--name", "沙坡头区教育局",
                  "--portal", "http://www.spt.gov.cn/", "--region", " 宁夏／中卫市 / 沙坡头区 ",
                  "--level", "县级")
    assert add.returncode == 0, add.stderr
    listed = json.loads(nianbao(d, "registry", "list", "--json").stdout)["agencies"]
    entry = next(a for a in listed if a["id"] == "spt-jy")
    assert (entry["region"], entry["level"]) == ("宁夏/中卫市/沙坡头区", "县级")
    # updating another field keeps the region
    assert nianbao(d, "registry", "add", "--id", "spt-jy", "--name", "沙坡头区教育局",
                   "--portal", "http://www.spt.gov.cn/", "--since", "2019").returncode == 0
    listed = json.loads(nianbao(d, "registry", "list", "--json").stdout)["agencies"]
    assert next(a for a in listed if a["id"] == "spt-jy")["region"] == "宁夏/中卫市/沙坡头区"
    bad = nianbao(d, "registry", "add", "--id", "x", "--name", "某局",
                  "--portal", "http://x.gov.cn/", "--level", "部级")
    assert bad.returncode == 2 and "level" in bad.stderr and "县级" in bad.stderr
    builtin = {a["id"]: a for a in listed}
    assert builtin["zw-spt-jgswj"]["region"] == "宁夏/中卫市/沙坡头区"
    assert builtin["nx-zfbgt"]["level"] == "省级"


def test_from_reports_proposes_regions(tmp_path: Path) -> None:
    from archive.render import render_html
    from archive.samples import sample_record

    d = tmp_path / "data"
    a = Archive(d)
    a.migrate()
    with a.Session.begin() as s:
        a.upsert_agency(s, {"id": "zw-x", "name": "中卫市统计局", "kind": "department",
                            "portal": "http://tj.nxzw.gov.cn/"})
        a.upsert_agency(s, {"id": "nx-x", "name": "自治区统计局", "kind": "department",
                            "portal": "http://tj.nx.gov.cn/"})
        a.upsert_agency(s, {"id": "spt-x", "name": "沙坡头区统计局", "kind": "department",
                            "portal": "http://www.spt.gov.cn/", "region": "宁夏/中卫市/沙坡头区",
                            "level": "县级"})
    for ident, name in (("zw-x", "中卫市统计局"), ("nx-x", "自治区统计局"),
                        ("spt-x", "沙坡头区统计局")):
        r = a.ingest(render_html(sample_record(name, 2024)), agency=ident, year=2024)
        assert r.status == "new", r.error
    out = json.loads(nianbao(d, "registry", "from-reports", "--json").stdout)["agencies"]
    by = {x["id"]: x for x in out}
    assert (by["nx-x"]["region"], by["nx-x"]["level"]) == ("宁夏", "省级")
    assert "tj.nx.gov.cn" in by["nx-x"]["found_in_reports"]["region"]["basis"]
    # 中卫市 alone, completed from the registered 宁夏/中卫市/沙坡头区
    assert (by["zw-x"]["region"], by["zw-x"]["level"]) == ("宁夏/中卫市", "市级")
    assert by["spt-x"]["region"] == "宁夏/中卫市/沙坡头区"  # a registered region is kept


def test_propose_region() -> None:
    from archive.regions import propose

    assert propose("宁夏回族自治区信访局")["region"] == "宁夏"
    got = propose("沙坡头区机关事务局", [], "宁夏中卫市沙坡头区鼓楼西街1号")
    assert (got["region"], got["level"]) == ("宁夏/中卫市/沙坡头区", "县级")
    assert propose("银川市市场监督管理局", ["http://scjg.yinchuan.gov.cn/"])["region"] == "银川市"
    got = propose("自治区机关事务管理局", ["http://nxjgsw.nx.gov.cn/"], "银川市金凤区北京中路1号")
    assert (got["region"], got["level"]) == ("宁夏", "省级")  # the capital's address: no city
    assert propose("某局")["region"] is None and propose("某局")["level"] is None
