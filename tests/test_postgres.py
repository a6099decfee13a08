"""The archive on a real PostgreSQL server: the schema, ingest, search and fsck are portable.

The test starts a throw-away cluster with the Debian server binaries (`.ci/run` installs
them); it is skipped only where no PostgreSQL server is installed at all.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

SEEDS = Path(__file__).parent / "fixtures" / "seeds"


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("no PostgreSQL server installed (apt-get install postgresql)")
    # not under pytest's tmp dir: the postgres user must be able to reach the cluster
    root = Path(tempfile.mkdtemp(prefix="nianbao-pg-"))
    data = root / "data"
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(root, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    subprocess.run([*as_user, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U",
                    "nianbao", "-E", "UTF8", "--locale=C"], check=True, capture_output=True)
    port = _free_port()
    subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"),
                    "-o", f"-h 127.0.0.1 -p {port} -k {root}", "-w", "start"],
                   check=True, capture_output=True)
    try:
        for _ in range(50):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield f"postgresql+psycopg://nianbao@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                        "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def test_archive_on_postgresql(pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from archive.store import Archive

    monkeypatch.setenv("NIANBAO_DATABASE_URL", pg_url)
    a = Archive(tmp_path / "d")
    assert a.engine.dialect.name == "postgresql"
    a.migrate()
    results = {p: a.ingest(next(SEEDS.glob(p + "_*.txt")).read_bytes()) for p in
               ("000", "001", "002", "003", "004")}
    assert all(r.status == "new" for r in results.values())
    reps = {r["agency"]: r for r in a.reports()}
    assert set(reps["自治区机关事务管理局"]["findings"]) >= {"T3_BALANCE", "TABLE_BLANK"}
    assert "LEGACY_SUM" in reps["沙坡头区机关事务局"]["findings"]
    again = a.ingest(next(SEEDS.glob("003_*.txt")).read_bytes())
    assert again.status == "unchanged"
    from archive.search import get_search

    hits = get_search(a).search("信访")
    assert {h.agency for h in hits} >= {"自治区信访局"}
    assert a.fsck() == []
