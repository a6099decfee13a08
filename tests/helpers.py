"""What many test modules share: the seed reports and the ``nianbao`` command run in a
subprocess (the fixtures themselves are in ``conftest.py``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
    kept): a command run with it sees what a new user's shell gives it."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith("NIANBAO_") or k == "NIANBAO_LOG_LEVEL"}


def monitor_argv(data_dir: Path, *args: str) -> list[str]:
    """``nianbao --data-dir DATA_DIR ARGS…`` as this interpreter runs it (for Popen)."""
    return [sys.executable, "-m", "monitor", "--data-dir", str(data_dir), *args]


def nianbao(data_dir: Path, *args: str, env: dict[str, str] | None = None,
            timeout: float = 600, check: bool = False) -> subprocess.CompletedProcess[str]:
    """Run ``nianbao --data-dir DATA_DIR ARGS…`` in a subprocess from the repository root,
    with this process's environment unless ``env`` is given; its output captured as text."""
    return subprocess.run(monitor_argv(data_dir, *args), capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=timeout, check=check)
