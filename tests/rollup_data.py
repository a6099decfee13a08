"""A small region for the roll-up tests: rendered sample reports of 2023 and 2024 ingested
as files, one 2024 report with an error finding, one missing, one unreadable, one late,
and one agency outside 宁夏/中卫市 (so ``--region`` has something to leave out)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archive.render import render_html
from archive.samples import inject, previous_record, sample_record
from archive.store import Archive

REGION = "宁夏/中卫市"
YEAR = 2024
AGENCIES: list[dict[str, Any]] = [
    {"id": "zw-zfb", "name": "中卫市人民政府办公室", "kind": "government",
     "region": "宁夏/中卫市", "level": "市级"},
    {"id": "zw-jgsw", "name": "中卫市机关事务服务中心", "region": "宁夏/中卫市", "level": "市级"},
    {"id": "zw-tjj", "name": "中卫市统计局", "region": "宁夏/中卫市", "level": "市级"},
    {"id": "zw-sfj", "name": "中卫市司法局", "region": "宁夏/中卫市", "level": "市级"},
    {"id": "spt-jgsw", "name": "沙坡头区机关事务局", "region": "宁夏/中卫市/沙坡头区",
     "level": "县级"},
    {"id": "spt-xfj", "name": "沙坡头区信访局", "region": "宁夏/中卫市/沙坡头区",
     "level": "县级"},
    {"id": "gy-tjj", "name": "固原市统计局", "region": "宁夏/固原市", "level": "市级"},
]
#: 2024 fates: the error report, the one never published, the one nobody can read
INVALID, MISSING, UNREADABLE, LATE = "spt-xfj", "zw-sfj", "zw-tjj", "zw-jgsw"


def build(data_dir: Path) -> Archive:
    a = Archive(data_dir)
    a.migrate()
    with a.Session.begin() as s:
        for e in AGENCIES:
            a.upsert_agency(s, {"kind": "department", "portal": "http://www.nxzw.gov.cn/",
                                "since": 2023, "emails": [], **e})
    for e in AGENCIES:
        this = sample_record(e["name"], 2024, "gov2021", seed=7)
        for year, rec in ((2023, previous_record(this)), (2024, this)):
            if year == 2024 and e["id"] == MISSING:
                continue
            if year == 2024 and e["id"] == UNREADABLE:
                r = a.ingest(b"%PDF-1.4 broken beyond repair", agency=e["id"], year=year)
                assert r.status == "unparseable", r.status
                continue
            if year == 2024 and e["id"] == INVALID:
                rec, _ = inject(rec, "T3_BALANCE")
            if year == 2024 and e["id"] == LATE:
                rec["published_on"] = "2025-02-14"
            r = a.ingest(render_html(rec), agency=e["id"], year=year)
            assert r.status == "new", (e["id"], year, r.status, r.error)
            errors = [f["code"] for f in r.findings if f["severity"] == "error"]
            assert set(errors) == ({"T3_BALANCE"} if (e["id"], year) == (INVALID, 2024) else set()), \
                (e["id"], year, errors)
    return a
