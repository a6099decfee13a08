"""PostgreSQL search (pg_trgm for 3+ characters, the character/pair GIN index below) on a
database made by the migrations alone gives the same hits as a substring scan, with the
same filters and pages as SQLite. (tests/test_search.py, the Hypothesis oracle included,
runs on both databases as well.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import seed_text
from test_postgres import pg_url  # noqa: F401  (the throw-away cluster fixture)
from test_search import scan

from archive.search import get_search
from archive.search_pg import PgSearch
from archive.store import Archive


def test_scan_search_on_postgresql(pg_url: str, tmp_path: Path,  # noqa: F811
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIANBAO_DATABASE_URL", pg_url)
    a = Archive(tmp_path / "d")
    a.migrate()
    engine = get_search(a)
    assert isinstance(engine, PgSearch)
    texts = [seed_text(p) for p in ("000", "001", "003", "004")]
    t = seed_text("002")
    texts.append(t[:200] + t[200:].replace("信息公开", "信息\n公 开") + "\n附：100%_完成\\率")
    for t in texts:
        assert a.ingest(t.encode()).status == "new"
    a.ingest(seed_text("003").replace("自治区信访局在推进", "自治区信访局积极推进").encode())
    with a.Session() as s:
        from sqlalchemy import select

        from archive.models import Report

        latest = {r.id: r.versions[-1].text for r in s.scalars(select(Report))}
    for q in ("办", "信访", "复议", "（七）总计", "信息公开", "%", "_", "0%_完", "\\", "率",
              "信访局在推进", "积极推进", "没有这段话"):
        hits = engine.search(q, limit=None)
        assert {h.report_id for h in hits} == scan(latest, q), q
        assert engine.count(q) == len(hits)
    reps = {r["id"]: r for r in a.reports()}
    got = {h.report_id for h in engine.search("政府", year=2018, limit=None)}
    assert got == {i for i, r in reps.items() if r["year"] == 2018} and got
    got = {h.report_id for h in engine.search("政府", has_errors=True, limit=None)}
    assert got == {i for i, r in reps.items() if r["errors"] > 0} and got
    got = {h.report_id for h in engine.search("政府", template="legacy", limit=None)}
    assert got == {i for i, r in reps.items() if r["template"] == "legacy"}
    (hit,) = engine.search("信访", agency="自治区信访局")
    assert hit.agency == "自治区信访局" and hit.seq == 2
    ordered = [h.report_id for h in engine.search("政府", limit=None)]
    assert [h.report_id for h in engine.search("政府", limit=2, offset=1)] == ordered[1:3]
    assert engine.rebuild() == len(reps)
    assert {h.report_id for h in engine.search("信访", limit=None)} == scan(latest, "信访")
