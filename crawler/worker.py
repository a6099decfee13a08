"""``nianbao worker``: crawl processes that serve every distributed night.

The worker itself only watches Redis. When a night is running it starts N crawl
processes (``python -m crawler.worker --night ID``, one Scrapy reactor each, which cannot
be restarted), waits for them, and watches again. A crawl process that dies is simply
not there any more: its leases expire and the other processes, here or on other
machines, take its portals; while the night still has work, a new one is started.
"""

from __future__ import annotations

import argparse
import logging
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .distributed import retrying
from .night import Night

log = logging.getLogger(__name__)


def serve(data_dir: Path, redis_url: str, processes: int = 1, once: bool = False,
          poll: float = 2.0, say: Any = print) -> int:
    """Run crawl processes for each night until stopped (SIGTERM / Ctrl-C), or, with
    ``once``, until one night has been served."""
    night = Night.from_url(redis_url)
    stopping = False
    children: list[subprocess.Popen[bytes]] = []

    def stop(signum: int, frame: Any) -> None:
        nonlocal stopping
        stopping = True
        for c in children:
            if c.poll() is None:
                c.terminate()  # Scrapy stops cleanly and gives its portals back

    old = signal.signal(signal.SIGTERM, stop)
    served = False
    try:
        while not stopping:
            status = retrying(night.status, patience=float("inf"))
            if status.night is None or status.finished:
                if once and served:
                    return 0
                time.sleep(poll)
                continue
            say(f"worker: night {status.night}, {status.queued} portals queued, "
                f"starting {processes} crawl process(es)")
            children[:] = [subprocess.Popen(
                [sys.executable, "-m", "crawler.worker", "--data-dir", str(data_dir),
                 "--night", status.night]) for _ in range(processes)]
            codes = [c.wait() for c in children]
            served = True
            if any(codes):
                say(f"worker: crawl processes exited with {codes}")
                time.sleep(poll)
    except KeyboardInterrupt:
        stop(signal.SIGINT, None)
        for c in children:
            c.wait()
    finally:
        signal.signal(signal.SIGTERM, old)
    return 0


def main(argv: list[str] | None = None) -> None:
    """One crawl process of one night."""
    ap = argparse.ArgumentParser(prog="python -m crawler.worker")
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--night", required=True)
    args = ap.parse_args(argv)
    from .run import crawl

    crawl(Path(args.data_dir), overrides={"NIANBAO_NIGHT": args.night}, progress=False)


if __name__ == "__main__":
    main()
