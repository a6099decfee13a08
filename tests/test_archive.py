"""The archive: blobs kept whole under their hash, versions never overwritten, bad files
recorded with a reason, damage found by fsck."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from helpers import nianbao, seed_bytes, seed_path
from sqlalchemy import func, select

from archive.models import Cell, Fetch, FindingRow, ReportVersion
from archive.store import Archive


def test_ingest_stores_versions_and_never_overwrites(archive: Archive) -> None:
    data = seed_bytes("003")
    first = archive.ingest(data, url="http://xf.example/2020.txt")
    assert first.status == "new"
    again = archive.ingest(data, url="http://xf.example/2020.txt")
    assert again.status == "unchanged" and again.version_id == first.version_id
    edited = data.replace("自治区信访局在推进".encode(), "自治区信访局积极推进".encode())
    second = archive.ingest(edited, url="http://xf.example/2020.txt")
    assert second.status == "new_version" and second.report_id == first.report_id
    (rep,) = archive.reports()
    assert [v["sha256"] for v in rep["versions"]] == [first.sha256, second.sha256]
    assert rep["sha256"] == second.sha256
    assert archive.blobs.get(first.sha256) == data  # the old bytes are still there
    with archive.Session() as s:
        assert s.scalar(select(func.count()).select_from(Fetch)) == 3


def test_cells_keep_provenance_and_findings_are_stored(archive: Archive) -> None:
    r = archive.ingest(seed_bytes("000"))
    with archive.Session() as s:
        cell = s.scalar(select(Cell).where(Cell.version_id == r.version_id,
                                           Cell.path == "applications.new_received.natural_person"))
        assert cell is not None and cell.value == 1 and cell.raw == "1" and cell.row is not None
        blank = s.scalar(select(Cell).where(Cell.version_id == r.version_id,
                                            Cell.path == "applications.results_total.total"))
        assert blank is not None and blank.value is None
        found = set(s.scalars(select(FindingRow.code).where(FindingRow.version_id == r.version_id)))
    assert {"T3_BALANCE", "T3_RESULTS_TOTAL", "TABLE_BLANK"} <= found


def test_duplicate_text_is_checked_against_other_agencies_of_the_year(archive: Archive) -> None:
    """The archive hands the rule every other agency's latest narrative of the same year."""
    data = seed_bytes("003")
    archive.ingest(data)
    copied = archive.ingest(data.decode().replace("自治区信访局", "自治区抄袭局").encode())
    other_year = archive.ingest(data.decode().replace("自治区信访局", "自治区另一局")
                                .replace("2020", "2021").encode())
    with archive.Session() as s:
        def dup(version_id: int | None) -> list[str]:
            return list(s.scalars(select(FindingRow.message).where(
                FindingRow.version_id == version_id, FindingRow.code == "DUPLICATE_TEXT")))

        (msg,) = dup(copied.version_id)
        assert msg.startswith("正文与自治区信访局的报告高度雷同")
        assert dup(other_year.version_id) == []  # a 2021 report: no 2020 text to copy


def test_carryover_checked_against_neighbouring_year(archive: Archive) -> None:
    base = seed_bytes("004").decode("utf-8")
    # same agency, 2019 report whose 结转下年度 total is 7 while 2020 says 上年结转 0
    y2019 = base.replace("2020", "2019").replace(
        "四、结转下年度继续办理 0 0 0 0 0 0 0", "四、结转下年度继续办理 7 0 0 0 0 0 7")
    archive.ingest(base.encode())
    archive.ingest(y2019.encode())  # arrives later: the 2020 report is re-validated
    reps = {r["year"]: r for r in archive.reports()}
    assert "CARRYOVER_MISMATCH" in reps[2020]["findings"]
    assert "CARRYOVER_MISMATCH" not in reps[2019]["findings"]


def _pdf(text: str = "2020年政府信息公开工作年度报告", encrypt: str | None = None) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, encrypt=encrypt)
    c.setFont("STSong-Light", 12)
    c.drawString(72, 760, text)
    c.save()
    return buf.getvalue()


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w") as f:
            chunk = b"\0" * (1 << 20)
            for _ in range(300):
                f.write(chunk)
    return buf.getvalue()


HOSTILE = {
    "truncated.pdf": lambda: _pdf()[:300],
    "encrypted.pdf": lambda: _pdf(encrypt="secret"),
    "bomb.docx": _zip_bomb,
    "empty.pdf": lambda: b"",
    "image.pdf": lambda: b"\x89PNG\r\n\x1a\n" + b"\0" * 200,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_are_recorded_unparseable(archive: Archive, name: str) -> None:
    data = HOSTILE[name]()
    r = archive.ingest(data, url=f"http://portal.example/{name}")
    assert r.status == "unparseable", r
    assert r.error and len(r.error) > 10
    with archive.Session() as s:
        f = s.get(Fetch, r.fetch_id)
        assert f is not None and f.parse_status == "unparseable" and f.parse_error == r.error
        assert s.scalar(select(func.count()).select_from(ReportVersion)) == 0
        assert s.scalar(select(func.count()).select_from(Cell)) == 0
    assert archive.blobs.get(r.sha256) == data  # the bytes are kept all the same


def test_huge_file_is_archived_not_parsed(archive: Archive) -> None:
    data = b"%PDF-1.4\n" + b"x" * (200 * 1024 * 1024)
    r = archive.ingest(data, url="http://portal.example/huge.pdf")
    assert r.status == "unparseable" and "文件过大" in (r.error or "")


def test_cli_reports_hostile_file_with_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    good = seed_path("003")
    res = nianbao(tmp_path / "d", "ingest", str(good), str(bad), "--json")
    assert res.returncode == 1  # ran, but some files were unparseable
    out = json.loads(res.stdout)
    assert [x["status"] for x in out["ingested"]] == ["new", "unparseable"]
    assert "PNG" in res.stderr and "Traceback" not in res.stderr


def test_fsck_finds_flipped_byte_and_missing_blob(tmp_path: Path) -> None:
    d = tmp_path / "d"
    assert nianbao(d, "init").returncode == 0
    for p in ("000", "003"):
        assert nianbao(d, "ingest", str(seed_path(p))).returncode == 0
    ok = nianbao(d, "fsck", "--json")
    assert ok.returncode == 0 and json.loads(ok.stdout)["ok"] is True
    a = Archive(d)
    reps = a.reports()
    victim = a.blobs.path(reps[0]["sha256"])
    raw = bytearray(victim.read_bytes())
    raw[100] ^= 0x01
    victim.write_bytes(bytes(raw))
    a.blobs.path(reps[1]["sha256"]).unlink()
    bad = nianbao(d, "fsck", "--json")
    assert bad.returncode == 1
    kinds = {(p["kind"], p["sha256"]) for p in json.loads(bad.stdout)["problems"]}
    assert ("corrupt_blob", reps[0]["sha256"]) in kinds
    assert ("missing_blob", reps[1]["sha256"]) in kinds


def test_reports_json_shape(tmp_path: Path) -> None:
    d = tmp_path / "d"
    nianbao(d, "ingest", str(seed_path("002")), "--url", "http://www.nxzw.gov.cn/a.txt")
    res = nianbao(d, "reports", "--json")
    (r,) = json.loads(res.stdout)["reports"]
    for key in ("id", "agency_id", "agency", "year", "url", "sha256", "first_seen",
                "published_on", "template", "findings", "versions", "files"):
        assert key in r
    assert r["url"] == "http://www.nxzw.gov.cn/a.txt" and r["published_on"] == "2021-01-21"
    assert r["versions"][0]["sha256"] == r["sha256"]


def test_export_csv_and_json_one_row_per_cell(tmp_path: Path) -> None:
    import csv

    d = tmp_path / "d"
    nianbao(d, "init")  # the built-in registry names the agency nx-jgsw
    nianbao(d, "ingest", str(seed_path("000")))
    out = tmp_path / "cells.csv"
    assert nianbao(d, "export", "--format", "csv", "--out", str(out)).returncode == 0
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    by_cell = {r["cell"]: r for r in rows}
    assert by_cell["applications.new_received.natural_person"]["value"] == "1"
    assert by_cell["applications.results_total.total"]["value"] == ""  # blank stays blank
    assert by_cell["active_disclosure.procurement.amount"]["raw"] == "6410897"
    js = json.loads(nianbao(d, "export", "--format", "json").stdout)["cells"]
    assert len(js) == len(rows) and {r["agency_id"] for r in js} == {"nx-jgsw"}
    assert next(r for r in js if r["cell"] == "applications.granted.total")["value"] == 1


def test_migrations_build_exactly_the_models(archive: Archive) -> None:
    """Alembic is how every deployed database gets its schema: after ``migrate`` it must
    match the models (the search index tables are not models: SQLite's are made by
    ``search_sqlite.py``, PostgreSQL's by migration 0005)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from archive.models import Base

    with archive.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diff if not (d[0] == "remove_table" and d[1].name.startswith("search_")
                                    or d[0] == "remove_index"
                                    and d[1].table.name.startswith("search_"))] == []


def test_an_existing_database_is_upgraded_in_place(tmp_path: Path) -> None:
    """A database made by the first release keeps its rows through ``migrate``."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    old = Archive(tmp_path / "d")
    cfg = Config()
    cfg.set_main_option("script_location", "archive:migrations")
    with old.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.execute(text("INSERT INTO sources (url, role, first_seen) "
                          "VALUES ('http://g.example/a.pdf', 'attachment', '2026-01-01')"))
    new = Archive(tmp_path / "d")
    new.migrate()
    with new.engine.connect() as conn:
        assert conn.execute(text("SELECT url, redirect_to FROM sources")).all() == [
            ("http://g.example/a.pdf", None)]
        from alembic.script import ScriptDirectory

        heads = set(ScriptDirectory.from_config(cfg).get_heads())  # the newest migrations
        assert {v for (v,) in conn.execute(text("SELECT version_num FROM alembic_version"))} \
            == heads


def test_nul_characters_are_dropped(archive: Archive) -> None:
    """A text with NUL characters archives on both databases (PostgreSQL text cannot hold
    one: the insert failed) and reads as if they were not there."""
    data = seed_bytes("003").replace("一、总体情况".encode(), "一、总体\x00情况\x00".encode())
    r = archive.ingest(data)
    assert r.status == "new", r.error
    (rep,) = archive.reports()
    with archive.Session() as s:
        text = s.get(ReportVersion, r.version_id).text  # type: ignore[union-attr]
    assert "\x00" not in text and "一、总体情况" in text
    from archive.search import get_search

    assert [h.report_id for h in get_search(archive).search("总体情况")] == [rep["id"]]
