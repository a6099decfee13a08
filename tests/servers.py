"""Throw-away database servers for the tests and the benchmarks, from Debian's binaries
on free loopback ports: PostgreSQL (``initdb``/``pg_ctl`` on a temporary directory) and
Redis (with the persistence a deployment must have, ``appendonly yes``, and a restart
that keeps its data)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _wait_port(port: int, tries: int = 100) -> bool:
    for _ in range(tries):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.05)
    return False


class PostgresServer:
    """A cluster in a temporary directory (not under pytest's: the postgres user must
    reach it), tuned for speed over durability; :attr:`url` is its ``postgres`` database."""

    def __init__(self) -> None:
        bindir = pg_bin()
        assert bindir is not None, "no PostgreSQL server installed (apt-get install postgresql)"
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="nianbao-pg-"))
        self.port = free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # initdb refuses to run as root
            shutil.chown(self.root, "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://nianbao@127.0.0.1:{self.port}/postgres"

    def start(self) -> PostgresServer:
        data = self.root / "data"
        # C.UTF-8: pg_trgm takes only letters and digits for words, and under the plain C
        # locale no Chinese character is one
        subprocess.run([*self.as_user, str(self.bindir / "initdb"), "-D", str(data), "-A",
                        "trust", "-U", "nianbao", "-E", "UTF8", "--locale=C.UTF-8"],
                       check=True, capture_output=True)
        opts = (f"-h 127.0.0.1 -p {self.port} -k {self.root} -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=400 "
                "-c shared_buffers=128MB")
        subprocess.run([*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(data), "-l",
                        str(self.root / "log"), "-o", opts, "-w", "start"],
                       check=True, capture_output=True)
        _wait_port(self.port, 50)
        return self

    def stop(self) -> None:
        subprocess.run([*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"),
                        "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on ``host`` nothing listens on (now)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class RedisServer:
    def __init__(self, root: Path):
        self.binary = shutil.which("redis-server")
        self.dir = root
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        assert self.binary, "no redis-server (apt-get install redis-server)"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir),
             "--appendonly", "yes", "--appendfsync", "always", "--save", "",
             "--protected-mode", "no", "--logfile", str(self.dir / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if _wait_port(self.port):
            return self
        raise RuntimeError(f"redis-server did not start; see {self.dir / 'redis.log'}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
        self.proc = None

    def restart(self, down_for: float = 1.0) -> None:
        """Stop, stay down a moment (clients see refused connections), start on the
        same port and data: what an operator's ``systemctl restart redis`` does."""
        self.stop()
        time.sleep(down_for)
        self.start()


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (read from /proc)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return out
