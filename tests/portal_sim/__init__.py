"""Test helpers around the simulated portal farm (``crawler.simulator``): run the crawler
in a subprocess (Twisted's reactor runs once per process) and read back what it did."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from crawler.simulator import Farm

ROOT = Path(__file__).resolve().parents[2]

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
    return subprocess.run([sys.executable, "-m", "monitor", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, env=env(**extra), cwd=ROOT, timeout=600)


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
