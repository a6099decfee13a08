"""README.md's two commands are the product's front door: the first must install and run
the demo exactly as written in a fresh copy of the repository, and the second must be
exactly the command ``.ci/run`` runs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def two_commands() -> list[str]:
    """The indented command lines under the "## Two commands" heading, in order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"^## Two commands.*?$(.*?)^## ", text, re.M | re.S)
    assert m, "README.md has no '## Two commands' section"
    return [line[4:] for line in m.group(1).splitlines()
            if line.startswith("    ") and line.strip()]


def test_readme_gives_two_commands() -> None:
    cmds = two_commands()
    assert len(cmds) == 2, cmds
    assert cmds[0].startswith("python3 -m venv .venv") and cmds[0].endswith("nianbao demo")
    assert cmds[1].startswith(". .venv/bin/activate && pytest")


def test_ci_runs_exactly_the_second_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    line = next(x for x in ci.splitlines() if x.startswith("cmd=$("))
    got = subprocess.run(["bash", "-c", f"{line}\nprintf '%s' \"$cmd\""], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    assert got == two_commands()[1]
    assert 'bash -c "$cmd"' in ci


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_first_command_installs_and_runs_the_demo(tmp_path: Path) -> None:
    """In a copy of the tracked files, as a user would type it; the demo skips serving
    (NIANBAO_DEMO_NO_SERVE) since it would otherwise serve until Ctrl-C."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                           check=True).stdout.decode().split("\0")
    repo = tmp_path / "nianbao"
    for name in filter(None, files):
        src = ROOT / name
        if src.is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, repo / name)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("NIANBAO_", "VIRTUAL_ENV", "PYTHONPATH"))}
    # the user's shell: no venv active (this test may run inside one)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if not (Path(p) / "activate").exists())
    env.update(NIANBAO_DEMO_NO_SERVE="1", PIP_DISABLE_PIP_VERSION_CHECK="1",
               PIP_PROGRESS_BAR="off", COLUMNS="300")
    p = subprocess.run(["bash", "-c", two_commands()[0]], cwd=repo, env=env,
                       capture_output=True, text=True, timeout=840)
    assert p.returncode == 0, (p.stdout[-3000:], p.stderr[-3000:])
    assert "演示结果" in p.stdout and "已发送邮件" in p.stdout
    mails = sorted((repo / "nianbao-data" / "demo-mail").glob("*.eml"))
    assert [m.name for m in mails] == ["0001.eml"]
