"""Reports nobody made machine-readable (``docs/platforms.md``: 图片版, ``.wps``).

One simulated portal publishes an agency's reports as a .wps only, an image-only PDF
only, a 文字版 PDF beside its 图片版, and the report inline with a stamped 图片版
attached. Users rely on: the .wps being read exactly; the text version, not the image,
being the report, with the 图片版 archived beside it; an image-only report being archived
and counted as published (late if posted late, never "missing"), shown as 无法解析 with the
reason; and an unchanged night not parsing the image again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from portal_sim import crawl, nianbao, reports
from sqlalchemy import func, select

from archive.models import Fetch
from archive.record import iter_cells
from archive.store import Archive
from crawler.simulator import Farm

pytestmark = pytest.mark.slow

FIX = Path(__file__).parent / "fixtures" / "doc"
ScanYears = (2021, 2022, 2023, 2024)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_image_only_and_wps_reports(tmp_path: Path) -> None:
    with Farm(2, profiles=["scan_wps", "trs_classic"], seed=5) as farm:
        portal = farm.portals[0]
        aid = portal.agencies[0][0]
        by_year = {r.year: r for r in portal.reports}
        reg = farm.write_registry(tmp_path / "registry.yaml")
        data = tmp_path / "data"
        rc, out, stderr = crawl(data, reg)
        assert rc == 0, stderr[-3000:]
        assert {p["outcome"] for p in out["portals"]} == {"ok"}, out["portals"]
        got = reports(data)
        assert set(got) >= set(farm.expected())

        # .wps only: read by the pure-Python reader, every cell as rendered
        wps = got[(aid, 2021)]
        assert wps["url"] == portal.url(by_year[2021].file_path)
        assert wps["template"] == "gov2021" and wps["unreadable"] is None
        truth = json.loads((FIX / "gov2021-xfj.json").read_text(encoding="utf-8"))
        with Archive(data).Session() as s:
            from archive.models import Report

            rep = s.get(Report, wps["id"])
            assert rep is not None
            cells = dict(iter_cells(rep.versions[-1].record))  # type: ignore[arg-type]
        want = dict(iter_cells(truth))
        assert {k: cells.get(k) for k in want} == want

        # 文字版 beside 图片版: the text PDF is the report, the image archived beside it
        both, r23 = got[(aid, 2023)], by_year[2023]
        assert both["url"] == portal.url(r23.file_path) and both["template"] == "gov2021"
        roles = {f["role"]: f for f in both["files"]}
        assert set(roles) == {"attachment", "image_copy", "page"}
        assert roles["image_copy"]["sha256"] == sha(r23.file_bytes("scan"))
        assert roles["image_copy"]["url"] == portal.url(portal.image_path(r23))  # type: ignore[attr-defined]

        # inline report with a stamped 图片版 attached: the page's own tables are the report
        inline, r24 = got[(aid, 2024)], by_year[2024]
        assert inline["url"] == portal.url(r24.detail) and inline["template"] == "gov2021"
        assert not {"TABLE_MISSING", "SECTION_MISSING", "TABLE_BLANK"} & set(inline["findings"])
        assert {f["role"] for f in inline["files"]} == {"page", "image_copy"}

        # image-only PDF: archived byte for byte, found, unreadable with a reason
        scan, r22 = got[(aid, 2022)], by_year[2022]
        assert scan["versions"] == [] and scan["template"] is None
        assert "图片版" in scan["unreadable"] and "文字层" in scan["unreadable"]
        assert scan["sha256"] == sha(r22.file_bytes())
        assert Archive(data).blobs.get(scan["sha256"]) == r22.file_bytes()
        assert scan["posted_on"] == r22.posted.isoformat()
        assert {f["role"] for f in scan["files"]} == {"attachment", "page"}

        # the monitor: published (late), never missing, for every one of them
        check = nianbao(data, "check", "--today", "2026-06-01", "--json")
        assert check.returncode == 0, check.stderr
        opened = json.loads(check.stdout)["opened"]
        mine = {(a["kind"], a["year"]) for a in opened if a["agency_id"] == aid}
        missing = {y for k, y in mine if k == "REPORT_MISSING"}
        assert 2020 in missing  # the crawl is evidence: a year never published is missing
        assert not missing & set(ScanYears), mine  # these were published, readable or not
        assert ("REPORT_LATE", 2022) in mine
        late = next(a for a in opened if (a["kind"], a["year"]) == ("REPORT_LATE", 2022))
        assert late["detail"]["days_late"] == (r22.posted - dt.date(2023, 1, 31)).days

        # the pages: 无法解析 on the dashboard, the reason and the file on the report page
        from monitor.web import create_app

        client = create_app(Archive(data)).test_client()
        dash = client.get("/api/dashboard").get_json()
        row = next(a for a in dash["agencies"] if a["id"] == aid)
        assert {"late", "unreadable"} <= set(row["cells"]["2022"]["states"])
        assert row["cells"]["2021"]["state"] == "ontime"
        page = client.get(f"/reports/{scan['id']}").get_data(as_text=True)
        assert "无法解析" in page and "文字层" in page and scan["sha256"] in page

        # an unchanged night: nothing new, and the image is not parsed again
        def tries() -> int:
            with Archive(data).Session() as s:
                return s.scalar(select(func.count()).select_from(Fetch).where(
                    Fetch.sha256 == scan["sha256"], Fetch.parse_status == "unparseable")) or 0

        before = tries()
        farm.clear_log()
        rc, out, stderr = crawl(data, reg)
        assert rc == 0, stderr[-3000:]
        assert tries() == before
        again = reports(data)
        assert {k: len(v["versions"]) for k, v in again.items()} == \
            {k: len(v["versions"]) for k, v in got.items()}
        assert not [k for k, v in again.items() if v["removed_on"]]
        files = {(portal.host, p) for r in portal.reports
                 for p in (r.file_path, portal.image_path(r)) if p}  # type: ignore[attr-defined]
        served = [e for e in farm.log if (e.host, e.path) in files]
        assert served and all(e.status == 304 for e in served), served


def test_a_dead_image_copy_does_not_cost_the_report(tmp_path: Path) -> None:
    """The 图片版 links 404: the 文字版 is archived all the same, an inline report with a dead
    图片版 is read from its page, a stub page whose only file is dead is found but
    unreadable (never missing), and a dead link is a fact about the portal: the night is ok."""
    with Farm(1, profiles=["scan_wps"], seed=5) as farm:
        portal = farm.portals[0]
        r23 = next(r for r in portal.reports if r.fmt == "scan_both")
        by_year = {r.year: r for r in portal.reports}
        portal.dead_images = True  # type: ignore[attr-defined]
        reg = farm.write_registry(tmp_path / "registry.yaml")
        rc, out, stderr = crawl(tmp_path / "data", reg)
        assert rc == 0, stderr[-3000:]
        assert [p["outcome"] for p in out["portals"]] == ["ok"], out["portals"]
        g = reports(tmp_path / "data")[(r23.agency_id, 2023)]
        assert g["url"] == portal.url(r23.file_path) and g["template"] == "gov2021"
        assert {f["role"] for f in g["files"]} == {"attachment", "page"}
        assert any(e.status == 404 and e.path.endswith("_tp.pdf") for e in farm.log)
        got = reports(tmp_path / "data")
        inline = got[(r23.agency_id, 2024)]
        assert inline["url"] == portal.url(by_year[2024].detail)
        assert inline["template"] == "gov2021"
        dead = got[(r23.agency_id, 2022)]
        assert dead["versions"] == [] and "404" in dead["unreadable"], dead
        assert dead["url"] == portal.url(by_year[2022].detail)
        check = nianbao(tmp_path / "data", "check", "--today", "2026-06-01", "--json")
        opened = json.loads(check.stdout)["opened"]
        assert not [a for a in opened if a["kind"] == "REPORT_MISSING" and a["year"] in by_year]
