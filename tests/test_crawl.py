"""The crawler against a farm of simulated portals (real HTTP servers on 127.0.0.x).

What users rely on: every published report is found and filed under the right agency and
year; the crawler stays on the registry's hosts and out of private addresses, obeys
robots.txt; a quiet night costs little more than the listing pages; changes become new
versions and removals are marked; a portal it cannot reach is reported as such, never as
"no reports"; a crawl killed midway leaves a sound archive that the next crawl completes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import query
from portal_sim import ROOT, crawl, env, listing_requests, nianbao, report_paths, reports

from crawler.simulator import Farm

pytestmark = pytest.mark.slow

MIX = ["trs_classic", "trs_1based", "hanweb_jpage", "json_api", "trs_classic_years"]
# PDFs take the archive ~1 s each to parse; a few per farm exercise them well enough
FAST = ("html", "docx", "html", "html", "html", "both", "html", "html", "html", "html",
        "html", "html")


def versions(rs: dict) -> dict:
    return {k: [v["sha256"] for v in r["versions"]] for k, r in rs.items()}


def test_farm_of_30_portals_over_four_nights(tmp_path: Path) -> None:
    profiles = MIX * 5 + ["hostile", "hostile", "challenge", "closed", "trs_1based"]
    with Farm(len(profiles), profiles=profiles, formats=FAST, hang_seconds=11) as farm:
        reg = farm.write_registry(tmp_path / "registry.yaml")
        data = tmp_path / "data"

        # ---- night 1: everything found
        rc, out, stderr = crawl(data, reg)
        assert rc == 1, stderr[-3000:]  # some portals unreachable
        by_portal = {p["portal"]: p for p in out["portals"]}
        assert len(by_portal) == len(farm.portals)
        for p in farm.portals:
            row = by_portal[p.root]
            if p.profile == "challenge":
                assert row["outcome"] == "unreachable" and "412" in row["reason"]
            elif p.profile == "closed":
                assert row["outcome"] == "unreachable" and "robots" in row["reason"]
            elif p.profile == "hostile":  # the 80 MB file is refused, the rest archived
                assert row["outcome"] == "partial" and "大小上限" in row["reason"], row
            else:
                assert row["outcome"] == "ok", row
            assert sorted(row["agency_ids"]) == sorted(a for a, _ in p.agencies)

        expected = farm.expected()
        first = reports(data)
        assert set(first) == set(expected)
        for key, (portal, r) in expected.items():
            g = first[key]
            assert g["url"] == farm.primary_url(portal, r), key
            assert g["posted_on"] == r.posted.isoformat(), key
            roles = sorted(f["role"] for f in g["files"])
            assert roles == (["attachment", "page"] if r.has_file else ["page"]), key
            assert len(g["versions"]) == 1

        allowed = farm.allowed_hosts()
        assert [e for e in farm.log if e.host not in allowed] == []  # no trap, no 10.x
        assert not [e for e in farm.log if e.path.startswith("/private/")]  # robots.txt
        closed = next(p for p in farm.portals if p.profile == "closed")
        assert {e.path for e in farm.log if e.host == closed.host} == {"/robots.txt"}
        stored = json.loads(nianbao(data, "registry", "list", "--json").stdout)["agencies"]
        cols = {a["id"]: a["column"] for a in stored}
        assert all(cols[a] for p in farm.portals if p.profile in MIX for a, _ in p.agencies)

        # ---- night 2: nothing changed → ~1 request per listing page plus 304s
        farm.clear_log()
        rc, _, stderr = crawl(data, reg)
        assert rc == 1, stderr[-3000:]
        reportish = report_paths(farm)
        listing = listing_requests(farm)
        not_304 = [e for e in farm.log if e.status != 304]
        assert listing > 0 and len(not_304) <= 1.2 * listing, (len(not_304), listing)
        huge = {(p.host, r.file_path) for p, r in farm.reports() if not r.expected}
        assert {e.status for e in farm.log if (e.host, e.path) in reportish - huge} <= {304, 302}
        second = reports(data)
        assert versions(second) == versions(first)
        assert all(r["removed_on"] is None for r in second.values())

        # ---- night 3: one report edited, one attachment replaced, one taken down
        trs = farm.portals[0]
        edited = next(r for r in trs.live() if r.fmt == "html")
        replaced = next(r for r in trs.live() if r.fmt in ("docx", "both"))
        hanweb = farm.portals[2]
        gone = hanweb.live()[-1]
        trs.modify(edited)
        trs.modify(replaced)
        hanweb.delete(gone)
        rc, _, stderr = crawl(data, reg)
        assert rc == 1, stderr[-3000:]
        third = reports(data)
        changed = {(edited.agency_id, edited.year), (replaced.agency_id, replaced.year)}
        today = dt.date.today().isoformat()
        for key, rep in third.items():
            if key in changed:
                assert len(rep["versions"]) == 2, key
                assert rep["versions"][0]["sha256"] == second[key]["versions"][0]["sha256"]
            else:
                assert rep["versions"] == second[key]["versions"], key
            assert rep["removed_on"] == (today if key == (gone.agency_id, gone.year) else None)

        # ---- night 4: a portal is down: unreachable, its reports left as they were;
        # another moved its 年报 column: rediscovered from the home page and remembered
        down = farm.portals[3]
        farm.take_down(down)
        moved = farm.portals[5]
        moved.move_column("/xxgk/zfxxgknb2/")  # type: ignore[attr-defined]
        rc, out, _ = crawl(data, reg)
        assert rc == 1
        row = next(p for p in out["portals"] if p["portal"] == down.root)
        assert row["outcome"] == "unreachable" and "无法连接" in row["reason"], row
        row = next(p for p in out["portals"] if p["portal"] == moved.root)
        assert row["outcome"] == "ok", row
        assert reports(data) == third
        assert any(k[0] == down.agencies[0][0] for k in third)
        stored = json.loads(nianbao(data, "registry", "list", "--json").stdout)["agencies"]
        assert {a["column"] for a in stored if a["id"] == moved.agencies[0][0]} == \
            {moved.url("/xxgk/zfxxgknb2/index.html")}

        fsck = nianbao(data, "fsck", "--json")
        assert fsck.returncode == 0, fsck.stdout


def test_transient_failures_do_not_lose_reports(tmp_path: Path) -> None:
    profiles = ["trs_classic", "hanweb_jpage", "json_api", "trs_1based"]
    with Farm(len(profiles), profiles=profiles, seed=5, formats=("html", "docx", "html"),
              hang_seconds=4) as farm:
        farm.fail_rate = 0.3
        reg = farm.write_registry(tmp_path / "registry.yaml")
        data = tmp_path / "data"
        rc, out, err = crawl(data, reg, NIANBAO_CRAWL_TIMEOUT="3")
        assert rc == 0, err[-3000:]
        injected = [e for e in farm.log if e.status in ("500", "reset", "hang")]
        assert len(injected) > 10
        assert set(reports(data)) == set(farm.expected())
        assert all(p["outcome"] == "ok" for p in out["portals"]), out


def test_killed_crawl_then_rerun_completes(tmp_path: Path) -> None:
    profiles = ["trs_classic", "hanweb_jpage", "json_api", "trs_classic_years"]
    with Farm(len(profiles), profiles=profiles, seed=9, formats=("html", "docx", "html")) as farm:
        reg = farm.write_registry(tmp_path / "registry.yaml")
        data = tmp_path / "data"
        assert nianbao(data, "init").returncode == 0
        proc = subprocess.Popen(
            [sys.executable, "-m", "monitor", "--data-dir", str(data), "crawl", "--registry",
             str(reg)], env=env(), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        n = 0
        while time.monotonic() < deadline and proc.poll() is None:
            n = query(data, "select count(*) from report_versions")[0][0]
            if n >= 5:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "crawl finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert 5 <= n < len(farm.expected())

        rc, _, err = crawl(data, reg)
        assert rc == 0, err[-3000:]
        assert set(reports(data)) == set(farm.expected())
        fsck = nianbao(data, "fsck", "--json")
        assert fsck.returncode == 0, fsck.stdout
        assert query(data, "select count(*) from report_versions")[0][0] == \
            len(farm.expected())
        assert query(data, "select count(*) - count(distinct report_id || '/' || sha256) "
                           "from report_versions")[0][0] == 0
        assert query(data, "select count(*) - count(distinct version_id || '/' || role) "
                           "from report_files")[0][0] == 0


def test_scrapy_crawl_from_the_repository_root(tmp_path: Path) -> None:
    with Farm(1, profiles=["trs_1based"], seed=3, formats=("html",)) as farm:
        data = tmp_path / "data"
        reg = farm.write_registry(tmp_path / "registry.yaml")
        assert nianbao(data, "registry", "list").returncode == 0
        for entry in farm.registry():
            args = ["registry", "add", "--id", entry["id"], "--name", entry["name"],
                    "--kind", entry["kind"], "--portal", entry["portal"]]
            assert nianbao(data, *args).returncode == 0
        p = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "reports"], cwd=ROOT,
                           env=env(NIANBAO_DATA_DIR=str(data)), capture_output=True, text=True,
                           timeout=300)
        assert p.returncode == 0, p.stderr[-3000:]
        assert set(reports(data)) == set(farm.expected())
        assert reg.exists()
