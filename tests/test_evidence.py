"""Evidence of publication (issue 15): every fetch the crawler makes is in a WARC file, and
``nianbao evidence AGENCY YEAR --out DIR`` turns a report's fetches into a bundle that
``warcio check`` accepts and ``nianbao evidence --verify`` re-checks byte for byte.

On the simulated portals: a report edited after publication yields a bundle with both
versions as served; flipping one byte of any file of the bundle fails the check, naming
the file; an archive made before WARC was written still gets a bundle, from its blobs and
fetch rows, that says so."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from portal_sim import crawl, nianbao, reports
from sqlalchemy import update
from warcio.archiveiterator import ArchiveIterator

from archive.models import Fetch
from archive.store import Archive
from crawler.simulator import Farm

pytestmark = pytest.mark.slow

WARCIO = str(Path(sys.executable).parent / "warcio")


def warcio(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([WARCIO, *args], capture_output=True, text=True, timeout=120)


def payloads(warc: Path) -> dict[str, list[tuple[str, int | None, str]]]:
    """record type -> [(uri, status, sha256 of the decoded body)] of a WARC file."""
    out: dict[str, list[tuple[str, int | None, str]]] = {}
    with open(warc, "rb") as fh:
        for rec in ArchiveIterator(fh):
            status = int(rec.http_headers.get_statuscode()) \
                if rec.rec_type == "response" and rec.http_headers else None
            body = rec.content_stream().read()
            out.setdefault(rec.rec_type, []).append(
                (rec.rec_headers.get_header("WARC-Target-URI"), status,
                 hashlib.sha256(body).hexdigest()))
    return out


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Two nights on one portal with a report edited between them."""
    tmp = tmp_path_factory.mktemp("evidence")
    with Farm(1, profiles=["trs_1based"], seed=3, formats=("html", "docx")) as farm:
        reg = farm.write_registry(tmp / "registry.yaml")
        data = tmp / "data"
        rc, _, stderr = crawl(data, reg)
        assert rc == 0, stderr[-3000:]
        portal = farm.portals[0]
        report = next(r for r in portal.live() if r.fmt == "docx")
        portal.modify(report)
        rc, _, stderr = crawl(data, reg)
        assert rc == 0, stderr[-3000:]
    key = (report.agency_id, report.year)
    rep = reports(data)[key]
    assert len(rep["versions"]) == 2
    return {"data": data, "tmp": tmp, "key": key, "report": rep}


def test_every_fetch_is_in_a_warc_file_the_fetch_rows_point_to(edited: dict[str, Any]) -> None:
    data = edited["data"]
    files = sorted((data / "warc").glob("*.warc.gz"))
    assert len(files) == 2  # one per crawl run (and night)
    for f in files:
        p = warcio("check", str(f))
        assert p.returncode == 0, p.stdout + p.stderr
    archive = Archive(data)
    with archive.Session() as s:
        rows = list(s.query(Fetch).filter(Fetch.status.is_not(None)))
    assert rows and all(r.warc_file and r.warc_offset is not None for r in rows)
    from archive.warc import read_records

    for r in rows:
        req, resp = read_records(data / "warc" / r.warc_file, r.warc_offset, 2)
        assert (req.type, resp.type, req.uri, resp.uri) == ("request", "response", r.url, r.url)
        assert resp.status == r.status
        if r.status == 304:  # the conditional request as sent, and the bare 304
            assert any(k.lower() in ("if-none-match", "if-modified-since") for k in req.headers)
            assert resp.payload == b""
        elif r.sha256:
            assert hashlib.sha256(resp.payload).hexdigest() == r.sha256
    assert {r.status for r in rows} >= {200, 304}


def test_edited_report_bundle_holds_both_versions_and_verifies(edited: dict[str, Any]) -> None:
    data, tmp, (agency, year) = edited["data"], edited["tmp"], edited["key"]
    out = tmp / "bundle"
    p = nianbao(data, "evidence", agency, str(year), "--out", str(out), "--json")
    assert p.returncode == 0, p.stderr
    m = json.loads(p.stdout)
    assert m == json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    shas = [v["sha256"] for v in edited["report"]["versions"]]
    assert [v["sha256"] for v in m["versions"]] == shas
    assert m["warc_complete"] is True and m["note"] is None
    assert m["nianbao_version"] and m["report"]["first_seen"] and m["report"]["last_seen"]
    assert m["report"]["removed_on"] is None
    # each version as served, in the bundle's WARC, and as a file to open
    warc = out / m["warc"]
    got = payloads(warc)
    served = {sha for _, status, sha in got["response"] if status == 200}
    assert set(shas) <= served
    for v in m["versions"]:
        main = next(f for f in v["files"] if f["sha256"] == v["sha256"])
        assert hashlib.sha256((out / main["path"]).read_bytes()).hexdigest() == v["sha256"]
    whys = " ".join(w for x in m["exchanges"] for w in x["why"])
    for words in ("第1版", "第2版", "详情页首次采集", "详情页最近一次采集",
                  "栏目列表页（首次发现该报告时）", "栏目列表页（最近一次采集）"):
        assert words in whys, words
    assert all(x["source"] == "warc" for x in m["exchanges"])
    assert len(got["request"]) == len(got["response"]) == len(m["exchanges"])
    # the WARC tools accept it
    check = warcio("check", "-v", str(warc))
    assert check.returncode == 0, check.stdout + check.stderr
    index = warcio("index", str(warc))
    assert index.returncode == 0, index.stderr
    types = [json.loads(line)["warc-type"] for line in index.stdout.splitlines()]
    assert types[0] == "warcinfo" and types.count("response") == len(m["exchanges"])
    # every file hashed; the human-readable account is there, in Chinese
    listed = set(m["files"])
    assert listed == {str(f.relative_to(out)) for f in out.rglob("*") if f.is_file()} - {
        "manifest.json", "SHA256SUMS"}
    page = (out / "证据说明.html").read_text(encoding="utf-8")
    assert "证据说明" in page and "第2版" in page and "warcio check" in page
    assert subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=out,
                          capture_output=True).returncode == 0
    ok = nianbao(data, "evidence", "--verify", str(out))
    assert ok.returncode == 0, ok.stderr

    # one flipped byte in any file of the bundle fails the check, naming the file
    for f in sorted(x for x in out.rglob("*") if x.is_file()):
        name = str(f.relative_to(out))
        bad = tmp / "flipped"
        shutil.rmtree(bad, ignore_errors=True)
        shutil.copytree(out, bad)
        raw = bytearray((bad / name).read_bytes())
        raw[len(raw) // 2] ^= 0x01
        (bad / name).write_bytes(bytes(raw))
        p = nianbao(data, "evidence", "--verify", str(bad))
        assert p.returncode == 1, name
        assert name in p.stderr, (name, p.stderr)


def test_unknown_report_and_bad_usage_exit_2(edited: dict[str, Any]) -> None:
    data, tmp = edited["data"], edited["tmp"]
    assert nianbao(data, "evidence", "nobody", "2024", "--out",
                   str(tmp / "x")).returncode == 2
    assert nianbao(data, "evidence", "--out", str(tmp / "y")).returncode == 2
    (tmp / "full").mkdir()
    (tmp / "full" / "a").write_text("x")
    agency, year = edited["key"]
    assert nianbao(data, "evidence", agency, str(year), "--out",
                   str(tmp / "full")).returncode == 2


def test_archive_without_warc_gets_a_bundle_from_blobs_that_says_so(tmp_path: Path) -> None:
    with Farm(1, profiles=["trs_1based"], seed=4, formats=("html",)) as farm:
        reg = farm.write_registry(tmp_path / "registry.yaml")
        data = tmp_path / "data"
        rc, _, stderr = crawl(data, reg)
        assert rc == 0, stderr[-3000:]
        r = farm.portals[0].live()[0]
    # as an archive made before nianbao wrote WARC: no files, no references
    shutil.rmtree(data / "warc")
    archive = Archive(data)
    with archive.Session.begin() as s:
        s.execute(update(Fetch).values(warc_file=None, warc_offset=None))
    out = tmp_path / "bundle"
    p = nianbao(data, "evidence", r.agency_id, str(r.year), "--out", str(out), "--json")
    assert p.returncode == 0, p.stderr
    m = json.loads(p.stdout)
    assert m["warc_complete"] is False and "WARC 之前" in m["note"]
    assert m["note"] in (out / "证据说明.html").read_text(encoding="utf-8")
    assert {x["source"] for x in m["exchanges"]} <= {"blob", "none"}
    version = m["versions"][0]["sha256"]
    got = payloads(out / m["warc"])
    assert version in {sha for _, _, sha in got["resource"]}
    check = warcio("check", str(out / m["warc"]))
    assert check.returncode == 0, check.stdout + check.stderr
    assert nianbao(data, "evidence", "--verify", str(out)).returncode == 0
