"""The five real seed reports parse to exactly the values their tables print."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from helpers import seed_path

from archive.extract import extract
from archive.parse import parse_document
from archive.record import T3_COLUMNS, get_path
from archive.validate import Context, validate


def seed(prefix: str) -> dict:
    path = seed_path(prefix)
    rec = parse_document(extract(path.read_bytes()))
    validate(rec, Context(filed_year=rec["year"]))
    return rec


def row(rec: dict, key: str) -> list:
    r = get_path(rec["applications"], key)
    return [r[c] for c in T3_COLUMNS]


def codes(rec: dict, severity: str | None = None) -> set[str]:
    return {f["code"] for f in rec["findings"] if severity in (None, f["severity"])}


N = None


def test_seed000_mostly_blank_gov2019() -> None:
    rec = seed("000")
    assert (rec["agency"], rec["year"], rec["template"]) == ("自治区机关事务管理局", 2020, "gov2019")
    assert rec["portal_urls"] == ["http://nxjgsw.nx.gov.cn/"]
    assert rec["contact"]["email"] == "nxjgsw@163.com"
    assert rec["contact"]["postcode"] == "750001"
    assert row(rec, "new_received") == [1, N, N, N, N, N, 1]
    assert row(rec, "granted") == [1, N, N, N, N, N, 1]
    assert row(rec, "results_total") == [N] * 7
    assert row(rec, "carried_forward") == [N] * 7
    assert row(rec, "denied.state_secret") == [N] * 7
    assert rec["active_disclosure"]["rules"] == {"made": N, "published": N, "total_public": N}
    assert rec["active_disclosure"]["procurement"] == {
        "projects": 3, "amount": {"text": "6410897", "yuan": None}}
    assert all(v is None for g in rec["review_litigation"].values() for v in g.values())
    assert {"T3_BALANCE", "T3_RESULTS_TOTAL", "TABLE_BLANK"} <= codes(rec, "error")
    blank = [f for f in rec["findings"] if f["code"] == "TABLE_BLANK"]
    assert [f["where"] for f in blank] == ["review_litigation"]
    balance = next(f for f in rec["findings"] if f["code"] == "T3_BALANCE")
    assert (balance["expected"], balance["actual"]) == (1, 0)


def test_seed001_legacy_statistics_table() -> None:
    rec = seed("001")
    assert (rec["agency"], rec["year"], rec["template"]) == ("沙坡头区机关事务局", 2018, "legacy")
    rows = {r["label"]: r for r in rec["legacy_stats"]}
    assert len(rec["legacy_stats"]) == 65
    first = rec["legacy_stats"][1]
    assert first["unit"] == "条" and first["value"] == 83
    assert first["path"] == ["一、主动公开情况"]
    assert rows["2. 政府网站公开政府信息数"]["value"] == 54
    assert rows["二、回应解读情况"]["value"] is None
    assert rows["（三）从事政府信息公开工作人员数"]["value"] == 0
    assert rows["（三）接受培训人员数"]["unit"] == "人次"
    legacy = [f for f in rec["findings"] if f["code"] == "LEGACY_SUM"]
    assert len(legacy) == 1 and "从事政府信息公开工作人员数" in legacy[0]["message"]
    assert (legacy[0]["expected"], legacy[0]["actual"]) == (2, 0)
    assert rec["portal_urls"] == ["http://www.spt.gov.cn/"]


def test_seed002_merged_label_swallowed_a_cell() -> None:
    rec = seed("002")
    assert (rec["agency"], rec["year"], rec["template"]) == ("中卫市机关事务服务中心", 2020, "gov2019")
    assert rec["published_on"] == "2021-01-21"
    assert rec["active_disclosure"]["procurement"]["amount"] == {"text": "506.48 万", "yuan": 5064800}
    assert row(rec, "new_received") == [0] * 7
    # the source prints six zeros for seven cells: wherever the lost cell was, a total of 0
    # with non-negative cells forces it to 0 — derived, and the record says so
    assert row(rec, "denied.state_secret") == [0] * 7
    assert row(rec, "unable.not_held") == [0] * 7
    derived = {d["where"] for d in rec["provenance"]["derived"]}
    assert derived == {"applications.denied.state_secret", "applications.unable.not_held"}
    assert rec["review_litigation"]["admin_review"] == dict.fromkeys(
        ("upheld", "corrected", "other", "pending", "total"))
    assert rec["review_litigation"]["litigation_direct"]["total"] == 0
    assert not codes(rec, "error")


def test_seed003_stray_cell_and_variant_labels() -> None:
    rec = seed("003")
    assert (rec["agency"], rec["year"], rec["template"]) == ("自治区信访局", 2020, "gov2019")
    assert rec["sections"]["problems"] is True  # 五、主要问题及改进情况
    assert rec["active_disclosure"]["normative_documents"] == {
        "made": 2, "published": 1, "total_public": 4}
    assert rec["active_disclosure"]["procurement"]["amount"]["yuan"] == 1374100
    assert row(rec, "other_handling") == [0] * 7
    assert rec["review_litigation"] == {
        "admin_review": {"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 1},
        "litigation_direct": {"upheld": 0, "corrected": 0, "other": 0, "pending": 0, "total": 0},
        "litigation_after_review": {"upheld": 0, "corrected": 0, "other": 0, "pending": 1,
                                    "total": 1},
    }
    assert rec["contact"]["fax"] == "0951-6363957"
    assert not codes(rec, "error")


def test_seed004_pdf_text_vertical_headers() -> None:
    rec = seed("004")
    assert (rec["agency"], rec["year"], rec["template"]) == ("自治区人民政府办公厅", 2020, "gov2019")
    ad = rec["active_disclosure"]
    assert ad["rules"] == {"made": 6, "published": 6, "total_public": 37}
    assert ad["licensing"] == {"previous_count": 5, "change": 1, "decisions": 50}
    assert ad["other_services"] == {"previous_count": 2, "change": -1, "decisions": 331}
    assert ad["procurement"]["amount"] == {"text": "2154.97万元", "yuan": 21549700}
    assert row(rec, "new_received") == [4441, 6, 0, 0, 0, 0, 4447]
    assert row(rec, "partially_granted") == [2, 1, 0, 0, 0, 0, 3]
    assert row(rec, "unable.not_held") == [3177, 5, 0, 0, 0, 0, 3182]
    assert row(rec, "not_processed.confirmation") == [0] * 7
    assert row(rec, "results_total") == [4441, 6, 0, 0, 0, 0, 4447]
    assert rec["review_litigation"]["admin_review"]["total"] == 530
    assert rec["review_litigation"]["litigation_after_review"]["upheld"] == 7
    assert not codes(rec, "error")
    assert "NARRATIVE_MISMATCH" not in codes(rec)  # the text restates 4447, 530 and 13


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_cli_parse_json(prefix: str) -> None:
    path = seed_path(prefix)
    out = subprocess.run([sys.executable, "-m", "monitor", "parse", str(path), "--json"],
                         capture_output=True, text=True, check=True)
    rec = json.loads(out.stdout)
    assert rec == json.loads(json.dumps(seed(prefix), ensure_ascii=False))
