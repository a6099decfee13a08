"""Test helpers around the simulated portal farm (``crawler.simulator``): run the crawler
in a subprocess (Twisted's reactor runs once per process) and read back what it did."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import helpers
from helpers import ROOT  # noqa: F401 - re-exported to the crawl tests

from crawler.simulator import Farm

CRAWL_ENV = {
    "NIANBAO_DOWNLOAD_DELAY": "0",
    "NIANBAO_CRAWL_TIMEOUT": "10",
    "NIANBAO_CRAWL_BACKOFF": "0.05",
    "NIANBAO_CRAWL_RETRIES": "5",
    "NIANBAO_MAX_FILE_MB": "5",
    "NIANBAO_LOG_LEVEL": "WARNING",
}


def env(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k not in ("NIANBAO_HOME", "NIANBAO_DATA_DIR")}
    return {**base, **CRAWL_ENV, **extra}


def nianbao(data_dir: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    """``helpers.nianbao`` with the crawl settings of :data:`CRAWL_ENV` (and ``extra``)."""
    return helpers.nianbao(data_dir, *args, env=env(**extra))


def crawl(data_dir: Path, registry: Path, *args: str, **extra: str) -> tuple[int, dict[str, Any],
                                                                             str]:
    p = nianbao(data_dir, "crawl", "--registry", str(registry), "--json", *args, **extra)
    try:
        out = json.loads(p.stdout)
    except ValueError:
        raise AssertionError(f"crawl printed no JSON (rc {p.returncode}):\n{p.stderr[-4000:]}") from None
    return p.returncode, out, p.stderr


def reports(data_dir: Path) -> dict[tuple[str, int], dict[str, Any]]:
    p = nianbao(data_dir, "reports", "--json")
    assert p.returncode == 0, p.stderr
    return {(r["agency_id"], r["year"]): r for r in json.loads(p.stdout)["reports"]}


def report_paths(farm: Farm) -> set[tuple[str, str]]:
    """(host, path) of every report detail page and file (and redirecting download link)."""
    out = set()
    for p, r in farm.reports():
        for path in (r.detail, r.file_path, (r.attachment or "").split("?")[0]):
            if path and path.startswith("/"):
                out.add((p.host, path))
    return out


def listing_requests(farm: Farm) -> int:
    """Requests for listing pages (column pages, pagination, list APIs) in the farm's log."""
    reportish = report_paths(farm)
    return sum(1 for e in farm.log if (e.host, e.path) not in reportish
               and e.path not in ("/robots.txt", "/", "/index.html"))


def crawl_farm_once(farm: Farm, tmp_path: Path) -> tuple[Path, dict[str, Any], dict[
        tuple[str, int], Any], dict[tuple[str, int], dict[str, Any]]]:
    """Crawl the whole farm once and check what every hard-case test relies on: each
    portal ok, every expected report archived once under its agency and year, with the
    page (and its attachment when it has one). Returns (data dir, crawl JSON, expected,
    archived) for the test's own checks."""
    reg = farm.write_registry(tmp_path / "registry.yaml")
    data = tmp_path / "data"
    rc, out, stderr = crawl(data, reg)
    assert rc == 0, stderr[-3000:]
    rows = {p["portal"]: p for p in out["portals"]}
    for p in farm.portals:
        assert rows[p.root]["outcome"] == "ok", (p.profile, rows[p.root])
    expected = farm.expected()
    got = reports(data)
    assert set(got) == set(expected)  # every report, under its agency and year
    for key, (_portal, r) in expected.items():
        roles = sorted(f["role"] for f in got[key]["files"])
        assert roles == (["attachment", "page"] if r.has_file else ["page"]), (key, roles)
        assert len(got[key]["versions"]) == 1, key
    return data, out, expected, got
