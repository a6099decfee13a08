"""What many test modules share: the seed reports, the ``nianbao`` command run in a
subprocess and ``nianbao serve`` started for a test (the fixtures themselves are in
``conftest.py``)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from servers import free_port

ROOT = Path(__file__).resolve().parents[1]
#: the five real seed reports (``tests/fixtures/seeds/README.md``)
SEEDS = ROOT / "tests" / "fixtures" / "seeds"


def seed_path(prefix: str) -> Path:
    """The seed report whose file name starts with ``prefix`` (``"000"`` … ``"004"``)."""
    return next(SEEDS.glob(prefix + "_*.txt"))


def seed_bytes(prefix: str) -> bytes:
    return seed_path(prefix).read_bytes()


def seed_text(prefix: str) -> str:
    return seed_path(prefix).read_text(encoding="utf-8")


def clean_env() -> dict[str, str]:
    """This process's environment without the ``NIANBAO_*`` settings (``NIANBAO_LOG_LEVEL``
    and the suite's test database, ``NIANBAO_TEST_POSTGRES``, kept): a command run with it
    sees what a new user's shell gives it, on the database the suite runs on."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith("NIANBAO_") or k in ("NIANBAO_LOG_LEVEL", "NIANBAO_TEST_POSTGRES")}


def monitor_argv(data_dir: Path, *args: str) -> list[str]:
    """``nianbao --data-dir DATA_DIR ARGS…`` as this interpreter runs it (for Popen)."""
    return [sys.executable, "-m", "monitor", "--data-dir", str(data_dir), *args]


def nianbao(data_dir: Path, *args: str, env: dict[str, str] | None = None,
            timeout: float = 600, check: bool = False) -> subprocess.CompletedProcess[str]:
    """Run ``nianbao --data-dir DATA_DIR ARGS…`` in a subprocess from the repository root,
    with this process's environment unless ``env`` is given; its output captured as text."""
    return subprocess.run(monitor_argv(data_dir, *args), capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=timeout, check=check)


@contextmanager
def served(data_dir: Path, *, env: dict[str, str] | None = None, probe: str = "/",
           timeout: float = 30) -> Iterator[str]:
    """``nianbao --data-dir DATA_DIR serve`` on a free port, run from the repository root
    (with this process's environment unless ``env`` is given): its base URL
    (``http://127.0.0.1:PORT``) once ``probe`` answers; stopped on leaving. Raises
    AssertionError with the server's stderr if it exits first, or if it does not answer
    within ``timeout`` seconds."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile("w+") as err:  # not a pipe: a chatty server never blocks
        proc = subprocess.Popen(monitor_argv(data_dir, "serve", "--port", str(port)),
                                stdout=subprocess.DEVNULL, stderr=err, text=True, env=env,
                                cwd=ROOT)
        try:
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None:
                    err.seek(0)
                    raise AssertionError(f"nianbao serve exited ({proc.returncode}): "
                                         f"{err.read()}")
                try:
                    with urllib.request.urlopen(base + probe, timeout=2) as r:
                        r.read()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise AssertionError(f"nianbao serve did not answer {probe} within "
                                             f"{timeout:.0f} s") from None
                    time.sleep(0.1)
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def query(data_dir: Path, sql: str) -> list[tuple[Any, ...]]:
    """The rows of one SQL query on a data directory's database, SQLite or PostgreSQL
    (whichever the suite runs on), read the way a person with ``psql``/``sqlite3`` would."""
    from sqlalchemy import create_engine, text

    from archive.config import load_settings

    engine = create_engine(load_settings(data_dir).database)
    try:
        with engine.connect() as c:
            return [tuple(r) for r in c.execute(text(sql))]
    finally:
        engine.dispose()
