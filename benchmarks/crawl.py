"""Crawl benchmark: N simulated portals (default 200), first and second (quiet) night,
against ``wget --mirror`` over the same farm.

Prints wall time, requests (as the portals counted them, by status), bytes served, the
crawler's peak RSS and the discovery figures (pages walked per portal to its 年报 column,
median and max; portals whose column was found; where the walk's budget ran out). Run: ``python benchmarks/crawl.py [--portals 200] [--formats fast]``.
``fast`` publishes mostly HTML/DOCX (PDF parsing dominates otherwise); ``real`` uses each
profile's own mix.

Measured 2026-12-02 (stop 9), 2 CPUs, 200 portals / 1654 reports (fast formats): nianbao
first crawl 641 s, 3546 requests, 69.3 MB, all 1654 reports, peak RSS 207 MB (ingest —
parse, validate, index — is ~0.35 s a report and dominates); 192 portals ok, the 8 hostile
ones partial (the 80 MB file refused; links into an intranet and the trap host listed;
one a timeout under load). Second crawl 38 s, 3024 requests of which 2812 were 304s and
16 were 302s (download links that name their file are asked for directly), 0.1 MB, peak
RSS 155 MB. wget --mirror 11.3 s, 2284 requests, 30.2 MB, 780 reports reached (no
dataproxy/JSON paging, no JS-written attachments, 422 404s); wget again 1.6 s, 208
requests (it stops at the 304 home pages). An earlier run of this stop: 615 s and 1653
of 1654 reached on the first night (not kept; most likely a hostile portal's deliberately
slow page timing out twice under load, as in the run above), all 1654 on the second.
(Those figures predate issue 11: columns linked from the home page, five profiles.)

Measured 2026-12-03 (issue 11), 2 CPUs shared with other work, ``--portals 70`` (seven
profiles incl. pager_config and json_unknown, every column 1-3 clicks behind hubs; 567
reports): first crawl 202 s, 1306 requests, all 567 reports, 68 portals ok and the 2
hostile ones partial (the 80 MB file); second crawl 25 s, 1049 requests of which 960
were 304s, 0 home-page or hub requests. Discovery: pages walked per portal median 3,
max 6; column found on 70 of 70; the budget (20) ran out on none. wget --mirror reached
164 of the 567 reports (hubs, JSON lists and script pagers are beyond it).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from statistics import median
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.simulator import Farm  # noqa: E402

MIX = ["trs_classic", "trs_1based", "hanweb_jpage", "json_api", "trs_classic_years",
       "pager_config", "json_unknown"]
FAST = ("html", "docx", "html", "html", "html", "both", "html", "html", "html", "html",
        "html", "html")
ENV = {"NIANBAO_DOWNLOAD_DELAY": "0", "NIANBAO_CRAWL_TIMEOUT": "5", "NIANBAO_MAX_FILE_MB": "5",
       "NIANBAO_LOG_LEVEL": "WARNING", "NIANBAO_CRAWL_BACKOFF": "0.2",
       "NIANBAO_ALLOW_PRIVATE": "1"}  # the simulated portals are on 127.0.0.x


def run_crawl(data: Path, registry: Path) -> tuple[float, int, int, list[dict[str, Any]]]:
    """(seconds, peak RSS in MB, exit status, portal rows) of one ``nianbao crawl``."""
    env = {**os.environ, **ENV}
    env.pop("NIANBAO_HOME", None)
    t = time.monotonic()
    with tempfile.TemporaryFile() as out:
        p = subprocess.Popen([sys.executable, "-m", "monitor", "--data-dir", str(data), "crawl",
                              "--registry", str(registry), "--json"], env=env, cwd=ROOT,
                             stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        secs = time.monotonic() - t
        out.seek(0)
        try:
            portals = json.loads(out.read() or b"{}").get("portals", [])
        except ValueError:
            portals = []
    for x in portals:
        if x.get("outcome") != "ok":
            print(f"    {x.get('outcome')}: {x.get('portal')} {str(x.get('reason'))[:160]}")
    return secs, usage.ru_maxrss // 1024, p.returncode, portals


def non_report_requests(farm: Farm, log: list[Any]) -> dict[str, Counter[str]]:
    """Per portal host, the paths asked for that are neither a report page or file nor
    robots.txt: discovery pages and listing pages."""
    reportish = {(p.host, path) for p, r in farm.reports()
                 for path in (r.detail, r.file_path, (r.attachment or "").split("?")[0])
                 if path and path.startswith("/")}
    out: dict[str, Counter[str]] = {p.host: Counter() for p in farm.portals}
    for e in log:
        if e.host in out and (e.host, e.path) not in reportish and e.path != "/robots.txt":
            out[e.host][e.path] += 1
    return out


def discovery_figures(farm: Farm, first: list[Any], second: list[Any],
                      rows: list[dict[str, Any]]) -> None:
    """Pages walked to find each portal's 年报 column: what the first night asked beyond
    the quiet second night's listing pages; the second night's own discovery requests."""
    n1, n2 = non_report_requests(farm, first), non_report_requests(farm, second)
    walked = sorted(sum((n1[h] - n2[h]).values()) for h in n1)
    homes = {"/", "/index.html", "/index.htm"}
    again = sum(c for h in n2 for path, c in n2[h].items() if path in homes)
    found = sum(1 for r in rows if "没有找到政府信息公开年报栏目" not in str(r.get("reason"))
                and r.get("outcome") != "unreachable")
    budget = [r["portal"] for r in rows if "预算" in str(r.get("reason"))]
    print(" " * 24 + f"discovery: pages walked per portal median {median(walked):.0f}, "
          f"max {max(walked)}; column found on {found} of {len(rows)} portals "
          f"({len(rows) - found} not: unreachable or no column); budget ran out on "
          f"{len(budget)}{': ' + ', '.join(budget[:5]) if budget else ''}; "
          f"second night home-page requests {again}")


def summarize(farm: Farm, label: str, seconds: float, rss: int | None, rc: int | None) -> None:
    by_status = Counter(str(e.status) for e in farm.log)
    served = sum(p.served_bytes for p in farm.portals)
    got = {(e.host, e.path) for e in farm.log if e.status in (200, 304)}
    reached = sum(1 for p, r in farm.expected().values()
                  if (p.host, r.file_path if r.has_file else r.detail) in got)
    line = (f"{label:<22} {seconds:8.1f} s  {len(farm.log):7d} requests  "
            f"{served / 1e6:8.1f} MB served  {reached} reports reached")
    if rss is not None:
        line += f"  peak RSS {rss} MB  exit {rc}"
    print(line)
    print(" " * 24 + "by status: " + ", ".join(f"{k}: {v}" for k, v in sorted(by_status.items())))


def wget_mirror(farm: Farm, out: Path, workers: int) -> float:
    def one(root: str) -> None:
        subprocess.run(["wget", "--mirror", "--no-parent", "-q", "-e", "robots=on", "-t", "2",
                        "-T", "5", "-P", str(out), root], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)

    t = time.monotonic()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, [p.root for p in farm.portals]))
    return time.monotonic() - t


def reset_counters(farm: Farm) -> None:
    farm.clear_log()
    for p in farm.portals:
        p.served_bytes = 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--portals", type=int, default=200)
    ap.add_argument("--formats", choices=["fast", "real"], default="fast")
    ap.add_argument("--wget-workers", type=int, default=16)
    args = ap.parse_args()
    n = args.portals
    profiles = (MIX * (n // len(MIX) + 1))[: n - n // 25] + ["hostile"] * (n // 25)
    tmp = Path(tempfile.mkdtemp(prefix="nianbao-bench-"))
    try:
        with Farm(n, profiles=profiles, formats=FAST if args.formats == "fast" else None,
                  hang_seconds=6) as farm:
            reports = farm.expected()
            print(f"{n} portals, {len(reports)} reports ({args.formats} formats), "
                  f"{os.cpu_count()} CPUs")
            reg = farm.write_registry(tmp / "registry.yaml")
            logs = []
            for label in ("nianbao first crawl", "nianbao second crawl"):
                reset_counters(farm)
                secs, rss, rc, rows = run_crawl(tmp / "data", reg)
                summarize(farm, label, secs, rss, rc)
                outcomes = Counter(str(x.get("outcome")) for x in rows)
                print(" " * 24 + "portals: " + ", ".join(f"{k}: {v}"
                                                         for k, v in sorted(outcomes.items())))
                logs.append((list(farm.log), rows))
            discovery_figures(farm, logs[0][0], logs[1][0], logs[0][1])
            if shutil.which("wget"):
                for label in ("wget --mirror first", "wget --mirror again"):
                    reset_counters(farm)
                    secs = wget_mirror(farm, tmp / "wget", args.wget_workers)
                    summarize(farm, label, secs, None, None)
            else:
                print("wget not installed: comparison skipped")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
