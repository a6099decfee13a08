"""Commands run at the same time on one data directory, as cron, the daemon and a person at
a terminal do: none crashes, every file is ingested exactly once, ``fsck`` stays clean."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from pathlib import Path

from helpers import monitor_argv, nianbao, served
from portal_sim import ROOT, env

from archive.render import render
from archive.samples import sample_record
from archive.store import Archive


def _start(data: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(monitor_argv(data, *args),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env(), cwd=ROOT)


def _finish(procs: list[subprocess.Popen[str]]) -> list[tuple[int, str, str]]:
    return [(p.wait(timeout=600), *p.communicate()) for p in procs]


def test_commands_started_together_on_a_fresh_directory(tmp_path: Path) -> None:
    data = tmp_path / "fresh"
    procs = [_start(data, "reports", "--json"), _start(data, "check", "--json"),
             _start(data, "alerts", "--json"), _start(data, "registry", "list", "--json")]
    for rc, out, errs in _finish(procs):
        assert rc in (0, 1), errs
        assert "Traceback" not in errs and "already exists" not in errs
        json.loads(out)


def test_ingests_creating_the_same_new_agency_at_once(tmp_path: Path) -> None:
    """All name an agency the registry does not know: one creates it, the others find it;
    none dies, all 12 files are in once, the pages answer meanwhile, fsck is clean."""
    data = tmp_path / "data"
    files = []
    for i in range(12):
        rec = sample_record("某县新设立的数据管理局", 2012 + i, "gov2021", i)
        path = tmp_path / f"r{i:02d}.html"
        path.write_bytes(render(rec, "html"))
        files.append(path)

    def page(base: str) -> bool:
        try:
            with urllib.request.urlopen(base + "/", timeout=10) as r:
                return r.status == 200
        except OSError:
            return False

    with served(data, env=env(), timeout=60) as base:
        procs = [_start(data, "ingest", *map(str, files[i::4]), "--json") for i in range(4)]
        pages = 0
        while True:  # the pages answer while the ingests write
            pages += page(base)
            if all(p.poll() is not None for p in procs):
                break
            time.sleep(0.2)
    for rc, _out, errs in _finish(procs):
        assert rc == 0, errs
        assert "IntegrityError" not in errs and "Traceback" not in errs
    listed = json.loads(nianbao(data, "reports", "--json", env=env(), check=True).stdout)
    rows = listed["reports"] if isinstance(listed, dict) else listed
    years = sorted(r["year"] for r in rows)
    assert years == list(range(2012, 2024))
    assert len({r["agency_id"] for r in rows}) == 1
    assert pages > 0, "the web pages never answered during the ingests"
    fsck = nianbao(data, "fsck", env=env())
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr


def test_two_workers_storing_one_body_at_once(archive: Archive) -> None:
    """Two crawl workers fetching the same robots.txt (one body, one blob) commit its row
    at the same moment: the second finds the first's row, nobody fails. Seen in the
    1,000-portal benchmark, where it cost a portal its home page."""
    import threading

    data = b"User-agent: *\nDisallow:\n"
    errors: list[BaseException] = []
    with archive.Session() as first, archive.Session() as second:
        sha = archive.put_blob(first, data)  # flushed, not yet committed

        def other() -> None:
            try:
                assert archive.put_blob(second, data) == sha  # waits for the first's lock
                second.commit()
            except BaseException as e:  # noqa: BLE001 - the assertion below reports it
                errors.append(e)

        t = threading.Thread(target=other)
        t.start()
        time.sleep(0.5)
        first.commit()
        t.join(30)
    assert not t.is_alive() and errors == []
    assert archive.fsck() == []
