"""A small region for the roll-up tests: rendered sample reports of 2023 and 2024 ingested
as files, one 2024 report with an error finding, one missing, one unreadable, one late,
and one agency outside 宁夏/中卫市 (so ``--region`` has something to leave out)."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path
from typing import Any

from helpers import nianbao

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


# ------------------------------------------------------------------ what the tests compare


def dumps(data: Path) -> dict[str, Any]:
    """What the other commands print: the registry, the reports, the exported cells."""
    return {
        "agencies": json.loads(nianbao(data, "registry", "list", "--json").stdout)["agencies"],
        "reports": json.loads(nianbao(data, "reports", "--json").stdout)["reports"],
        "cells": json.loads(nianbao(data, "export", "--format", "json").stdout)["cells"],
    }


def expected_totals(dumps: dict[str, Any], year: int, region: str | None) -> dict[str, int]:
    """Σ over ``export --format json`` cells of the reports ``reports --json`` shows
    without errors, of the agencies ``registry list --json`` places in ``region``:
    the roll-up's totals computed without ``archive.rollup``."""
    inside = {a["id"] for a in dumps["agencies"]
              if region is None or (a["region"] or "") == region
              or (a["region"] or "").startswith(region + "/")}
    clean = {(r["agency_id"], r["year"]) for r in dumps["reports"]
             if r["versions"] and r["errors"] == 0 and r["template"] in ("gov2019", "gov2021")}
    out: dict[str, int] = {}
    for c in dumps["cells"]:
        if c["agency_id"] not in inside or (c["agency_id"], c["year"]) not in clean \
                or c["year"] != year or c["cell"].startswith("legacy_stats"):
            continue
        v = c["value"] if c["value"] is not None else c["yuan"]
        out[c["cell"]] = out.get(c["cell"], 0) + (v or 0)
    return out


def libreoffice_csv(xlsx: Path, outdir: Path, sheets: list[str]) -> dict[str, list[list[str]]]:
    """Every sheet of ``xlsx`` as LibreOffice headless recalculates and prints it (CSV)."""
    profile = outdir / "lo-profile"  # its own profile: no clash with another soffice
    p = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
         "--outdir", str(outdir), str(xlsx)], capture_output=True, text=True, timeout=240)
    assert p.returncode == 0, p.stdout + p.stderr
    out = {}
    for name in sheets:
        f = outdir / f"{xlsx.stem}-{name}.csv"
        assert f.exists(), (p.stdout, p.stderr, sorted(x.name for x in outdir.iterdir()))
        out[name] = list(csv.reader(f.open(encoding="utf-8")))
    return out


def number(text: str) -> float | None:
    """A number as LibreOffice prints it (``1122``, ``43.79%``, ``506 元``); None if blank."""
    text = text.strip().replace(",", "").replace(" 元", "")
    if not text:
        return None
    if text.endswith("%"):
        return float(text[:-1]) / 100
    return float(text)


def check_workbook_against_rollup(xlsx: Path, outdir: Path, r: dict[str, Any]) -> None:
    """LibreOffice's recalculation of the workbook gives ``r``'s totals and rates."""
    from monitor.workbook import SUMMARY, T2, T3, T4, official_paths, table_columns

    sheets = libreoffice_csv(xlsx, outdir, [SUMMARY, T2, T3, T4])
    cols = table_columns(set(r["totals"]) or official_paths(r["year"]))
    for name in (T2, T3, T4):
        total = next(row for row in sheets[name] if row and row[0] == "合计")
        for j, (path, _, _) in enumerate(cols[name]):
            assert number(total[3 + j]) == r["totals"].get(path, 0), (name, path, total[3 + j])
    rows = {row[0]: row for row in sheets[SUMMARY] if row}
    for rate in r["rates"].values():
        got = number(rows[rate["label"]][1])
        if rate["value"] is None:
            assert got is None, rate["label"]
        else:
            assert got is not None and abs(got - rate["value"]) < 1e-6, (rate["label"], got)
    assert number(rows["应发布年报的机关"][1]) == r["agencies"]["expected"]
    assert number(rows["已汇总的机关"][1]) == r["agencies"]["included"]
