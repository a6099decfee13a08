"""The distributed crawl (``crawler/night.py``, ``nianbao worker``) against real Redis and
PostgreSQL servers: three worker processes crawl simulated portals, one is killed with
SIGKILL mid-night and Redis is restarted once; the night still ends with every report
archived exactly once, never two requests at a time to one host, and a clean ``fsck``."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, monitor_argv
from portal_sim import env as crawl_env
from portal_sim import nianbao
from servers import RedisServer, children

from crawler.night import Night
from crawler.simulator import Farm

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("redis-server") is None,
                       reason="no Redis server installed (apt-get install redis-server)"),
]


@pytest.fixture
def redis(tmp_path: Path) -> Any:
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.stop()


def _wait(what: str, cond: Any, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_workers_survive_a_killed_worker_and_a_redis_restart(tmp_path: Path, redis: Any,
                                                               pg_server: str) -> None:
    # 15 portals on 5 hosts: three portals share each host, so workers that crawl
    # different portals still meet on one host, and only shared slots keep them apart
    farm = Farm(15, hosts=5, latency=0.03).start()
    try:
        data = tmp_path / "data"
        reg = farm.write_registry(tmp_path / "registry.yaml")
        extra = {"NIANBAO_TEST_POSTGRES": pg_server, "NIANBAO_REDIS_URL": redis.url,
                 "NIANBAO_LEASE_SECONDS": "4", "NIANBAO_WORKER_PORTALS": "2",
                 "NIANBAO_ALLOW_PRIVATE": "1"}
        env = crawl_env(**extra)
        p = nianbao(data, "init", **extra)
        assert p.returncode == 0, p.stderr
        workers = [subprocess.Popen(monitor_argv(data, "worker", "--processes", "1"), env=env,
                                    cwd=ROOT, start_new_session=True,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                   for _ in range(3)]
        coordinator = subprocess.Popen(
            monitor_argv(data, "crawl", "--registry", str(reg), "--json"), env=env, cwd=ROOT,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        night = Night.from_url(redis.url)
        try:
            # kill the first worker while its crawl process holds portals, after it has
            # archived something (so the portal it leaves is half done)
            def victim_holds() -> bool:
                owners = night.r.hgetall(night.key("owners"))
                kids = set(children(workers[0].pid))
                held = [p for p, w in owners.items() if int(w.split(":")[1]) in kids]
                return bool(held) and night.status().done >= 1

            _wait("the first worker to hold a portal", victim_holds)
            os.killpg(workers[0].pid, signal.SIGKILL)
            workers[0].wait()
            time.sleep(0.5)
            redis.restart(down_for=1.5)
            out, err = coordinator.communicate(timeout=400)
        finally:
            for w in workers[1:]:
                if w.poll() is None:
                    os.killpg(w.pid, signal.SIGTERM)
            for w in workers[1:]:
                w.wait(timeout=60)
            if coordinator.poll() is None:
                coordinator.kill()
        assert coordinator.returncode == 0, err[-3000:]
        crawl = json.loads(out)
        assert {r["outcome"] for r in crawl["portals"]} == {"ok"}, crawl["portals"]
        assert len({r["portal"] for r in crawl["portals"]}) == 15
        # the killed worker's portals came back to the queue when their leases expired
        assert night.r.hlen(night.key("tries")) >= 1
        assert night.r.hlen(night.key("failed")) == 0

        p = nianbao(data, "reports", "--json", **extra)
        got = {(r["agency_id"], r["year"]): r for r in json.loads(p.stdout)["reports"]}
        assert set(farm.expected()) <= set(got)
        assert all(len(r["versions"]) == 1 for r in got.values()), \
            {k: len(r["versions"]) for k, r in got.items() if len(r["versions"]) != 1}
        assert max(farm.max_in_flight.values()) == 1, dict(farm.max_in_flight)
        p = nianbao(data, "fsck", **extra)
        assert p.returncode == 0, p.stdout + p.stderr
    finally:
        farm.stop()
