"""A bad setting, in ``nianbao.toml`` or in a ``NIANBAO_*`` variable, is a message that
names where it is and what it should be, and exit 2 — on every command, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from portal_sim import nianbao

pytestmark = pytest.mark.hostile


@pytest.mark.parametrize("toml,words", [
    ("download_delay = [\n", "不是有效的 TOML"),
    ('download_delay = "fast"\n', "download_delay"),
    ("smtp_port = 25.5\n", "smtp_port"),
    ('alert_recipients = "office@example.cn"\n', "alert_recipients"),
    ("page_budget = -3\n", "page_budget"),
    ('smtp_starttls = "no"\n', "smtp_starttls"),
])
@pytest.mark.parametrize("command", [("reports",), ("check",), ("alerts",), ("fsck",)])
def test_a_bad_file_setting(tmp_path: Path, toml: str, words: str, command: tuple[str, ...]) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "nianbao.toml").write_text(toml, encoding="utf-8")
    p = nianbao(data, *command)
    assert p.returncode == 2, p.stderr
    assert "Traceback" not in p.stderr
    assert "nianbao.toml" in p.stderr and words in p.stderr


@pytest.mark.parametrize("var,value", [("NIANBAO_SMTP_PORT", "abc"),
                                       ("NIANBAO_DOWNLOAD_DELAY", "fast"),
                                       ("NIANBAO_PAGE_BUDGET", "1e9x")])
def test_a_bad_environment_setting(tmp_path: Path, var: str, value: str) -> None:
    p = nianbao(tmp_path / "data", "reports", **{var: value})
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert var in p.stderr and value in p.stderr
