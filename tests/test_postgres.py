"""The archive on a real PostgreSQL server: the schema, ingest, search and fsck are portable.

The test uses the session's throw-away cluster (``conftest.pg_server``: the Debian server
binaries, which `.ci/run` installs); it is skipped only where no PostgreSQL server is
installed at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import seed_bytes


@pytest.fixture(scope="module")
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty database on the session's throw-away server (``conftest.pg_server``)."""
    from archive import testdb

    name = f"pg_{uuid.uuid4().hex[:12]}"
    with testdb.connect(pg_server) as c:
        c.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    yield pg_server.rsplit("/", 1)[0] + "/" + name
    with testdb.connect(pg_server) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_archive_on_postgresql(pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from archive.store import Archive

    monkeypatch.setenv("NIANBAO_DATABASE_URL", pg_url)
    a = Archive(tmp_path / "d")
    assert a.engine.dialect.name == "postgresql"
    a.migrate()
    results = {p: a.ingest(seed_bytes(p)) for p in
               ("000", "001", "002", "003", "004")}
    assert all(r.status == "new" for r in results.values())
    reps = {r["agency"]: r for r in a.reports()}
    assert set(reps["自治区机关事务管理局"]["findings"]) >= {"T3_BALANCE", "TABLE_BLANK"}
    assert "LEGACY_SUM" in reps["沙坡头区机关事务局"]["findings"]
    again = a.ingest(seed_bytes("003"))
    assert again.status == "unchanged"
    from archive.search import get_search

    hits = get_search(a).search("信访")
    assert {h.agency for h in hits} >= {"自治区信访局"}
    assert a.fsck() == []
