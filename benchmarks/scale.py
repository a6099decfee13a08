"""The distributed crawl at scale: simulated portals crawled by 1, 2 and 4 worker processes
against real PostgreSQL and Redis servers (throw-away ones from Debian's binaries, or
``--database``/``--redis`` URLs), two nights each: the first archives everything, the
second is quiet (conditional GETs, remembered columns).

Prints per worker count: wall time of each night, requests/s, peak RSS of a crawl process,
database, blob and Redis sizes, and the speed-up over one worker.

    python benchmarks/scale.py [--portals 1000] [--workers 1,2,4]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from servers import PostgresServer, RedisServer, children  # noqa: E402

from archive import testdb  # noqa: E402
from crawler.simulator import Farm  # noqa: E402

CRAWL_ENV = {"NIANBAO_DOWNLOAD_DELAY": "0", "NIANBAO_CRAWL_TIMEOUT": "20",
             "NIANBAO_CRAWL_RETRIES": "2", "NIANBAO_LOG_LEVEL": "WARNING",
             "NIANBAO_ALLOW_PRIVATE": "1"}


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def du_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def nianbao(data: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "monitor", "--data-dir", str(data), *args],
                          env=env, cwd=ROOT, capture_output=True, text=True)


def night(data: Path, env: dict[str, str], reg: Path, worker: subprocess.Popen[bytes]
          ) -> tuple[float, float]:
    """One night: the coordinator's wall time, and the peak RSS of a crawl process."""
    start = time.perf_counter()
    coord = subprocess.Popen([sys.executable, "-m", "monitor", "--data-dir", str(data), "crawl",
                              "--registry", str(reg), "--json"], env=env, cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0.0
    while coord.poll() is None:
        for pid in children(worker.pid):
            peak = max(peak, rss_mb(pid))
        time.sleep(0.5)
    wall = time.perf_counter() - start
    if coord.returncode not in (0, 1):
        why = coord.stderr.read() if coord.stderr else ""
        raise SystemExit(f"crawl failed ({coord.returncode}): {why[-2000:]}")
    return wall, peak


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--portals", type=int, default=1000)
    ap.add_argument("--workers", default="1,2,4")
    ap.add_argument("--latency", type=float, default=0.0,
                    help="seconds each simulated answer takes (a real portal's latency)")
    args = ap.parse_args()
    counts = [int(x) for x in args.workers.split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="nianbao-scale-"))
    pg, redis = PostgresServer().start(), RedisServer(tmp / "redis").start()
    farm = Farm(args.portals, latency=args.latency)
    t = time.perf_counter()
    farm.start()
    n_reports = len(farm.expected())
    print(f"{args.portals} simulated portals, {n_reports} reports, "
          f"{len(farm.registry())} agencies (farm ready in {time.perf_counter() - t:.0f} s); "
          f"{os.cpu_count()} cores; PostgreSQL + Redis on this machine")
    reg = farm.write_registry(tmp / "registry.yaml")
    print(f"{'workers':>7} {'night 1 s':>9} {'req/s':>6} {'night 2 s':>9} {'req/s':>6} "
          f"{'304s':>6} {'RSS MB':>7} {'db MB':>6} {'blobs MB':>8} {'warc MB':>7} "
          f"{'redis MB':>8} {'reports':>7} {'speed-up':>8}", flush=True)
    base = None
    try:
        for w in counts:
            data = tmp / f"data-{w}"
            db = f"scale_{w}"
            with testdb.connect(pg.url) as c:
                c.execute(f'CREATE DATABASE "{db}"')
            redis_client = __import__("redis").Redis.from_url(redis.url)
            redis_client.flushall()
            env = {**os.environ, **CRAWL_ENV,
                   "NIANBAO_DATABASE_URL": pg.url.rsplit("/", 1)[0] + "/" + db,
                   "NIANBAO_REDIS_URL": redis.url}
            p = nianbao(data, env, "init")
            assert p.returncode == 0, p.stderr
            worker = subprocess.Popen(
                [sys.executable, "-m", "monitor", "--data-dir", str(data), "worker",
                 "--processes", str(w)], env=env, cwd=ROOT, start_new_session=True,
                stdout=subprocess.DEVNULL, stderr=open(tmp / f"worker-{w}.log", "w"))
            try:
                farm.clear_log()
                first, rss1 = night(data, env, reg, worker)
                req1 = len(farm.log)
                farm.clear_log()
                second, rss2 = night(data, env, reg, worker)
                req2 = len(farm.log)
                n304 = sum(1 for e in farm.log if e.status == 304)
            finally:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(timeout=120)
            with testdb.connect(pg.url, db) as c:
                row = c.execute("SELECT pg_database_size(current_database())").fetchone()
                db_mb = (row[0] if row else 0) / 2**20
                got = c.execute("SELECT count(*) FROM reports").fetchone()
            red = redis_client.info("memory")["used_memory"] / 2**20
            base = base or first
            print(f"{w:>7} {first:>9.1f} {req1 / first:>6.1f} {second:>9.1f} "
                  f"{req2 / second:>6.1f} {n304:>6} {max(rss1, rss2):>7.0f} {db_mb:>6.1f} "
                  f"{du_mb(data / 'blobs'):>8.1f} {du_mb(data / 'warc'):>7.1f} {red:>8.2f} "
                  f"{got[0] if got else 0:>7} {base / first:>7.2f}x   "
                  f"(requests {req1} / {req2})", flush=True)
    finally:
        farm.stop()
        redis.stop()
        pg.stop()


if __name__ == "__main__":
    main()
