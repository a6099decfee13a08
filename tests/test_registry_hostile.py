"""A registry is input like any other: every bad entry exits 2 with a message naming the
file, the line, the entry and the field, and nothing of it is stored or contacted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from portal_sim import nianbao

from archive.registry import RegistryError, load_registry, parse_registry, url_problem

pytestmark = pytest.mark.hostile

GOOD = "  - id: ok\n    name: 某市教育局\n    portal: http://jy.example.gov.cn/\n"


def _registry(tmp_path: Path, body: str, encoding: str = "utf-8") -> Path:
    reg = tmp_path / "r.yaml"
    reg.write_bytes(("agencies:\n" + GOOD + body).encode(encoding))
    return reg


def _stored(data: Path) -> list[str]:
    p = nianbao(data, "registry", "list", "--json")
    return [a["id"] for a in json.loads(p.stdout)["agencies"]] if p.returncode == 0 else []


@pytest.mark.parametrize("body,field,words", [
    ("  - id: x\n    name: 某局\n    portal: file:///etc/passwd\n", "portal", "http"),
    ("  - id: x\n    name: 某局\n    portal: not a url\n", "portal", "http"),
    ("  - id: x\n    name: 某局\n    portal: ftp://ftp.example.gov.cn/\n", "portal", "ftp"),
    ("  - id: x\n    name: 某局\n    portal: http://x.gov.cn/\n    column: javascript:alert(1)\n",
     "column", "javascript"),
    ("  - id: x\n    name: 某局\n    portal: http://localhost:22/\n", "portal", "localhost"),
    ("  - id: x\n    name: 某局\n    portal: http://10.0.0.8/\n", "portal", "10.0.0.8"),
    ("  - id: x\n    name: 某局\n    portal: http://[::1]:8080/\n", "portal", "::1"),
    ("  - id: ok\n    name: 另一个局\n    portal: http://b.gov.cn/\n", "id", "重复"),
    ("  - id: x\n    name: 某局\n    portal: http://x.gov.cn/\n    since: abc\n", "since", "整数"),
    ("  - id: x\n    name: 某局\n    portal: http://x.gov.cn/\n    deadline: \"02-30\"\n",
     "deadline", "不是日期"),
    ("  - id: x\n    name: 某局\n    portal: http://x.gov.cn/\n    emails: 5\n", "emails", "列表"),
])
def test_a_bad_entry_exits_2_naming_file_line_and_field(tmp_path: Path, body: str, field: str,
                                                         words: str) -> None:
    reg = _registry(tmp_path, body)
    data = tmp_path / "data"
    p = nianbao(data, "crawl", "--registry", str(reg), NIANBAO_ALLOW_PRIVATE="0")
    assert p.returncode == 2, p.stderr
    assert "Traceback" not in p.stderr
    assert str(reg) in p.stderr and "行" in p.stderr and f"字段 {field}" in p.stderr
    assert words in p.stderr
    assert _stored(data) == [] or "ok" not in _stored(data)  # nothing of the file was stored


def test_private_addresses_need_the_deployment_to_opt_in(tmp_path: Path) -> None:
    local = "  - id: sim\n    name: 模拟局\n    portal: http://127.0.0.7:8080/\n"
    with pytest.raises(RegistryError, match="allow_private"):
        parse_registry("agencies:\n" + local, "r.yaml")
    assert parse_registry("agencies:\n" + local, "r.yaml", allow_private=True)[0]["portal"]
    per_entry = local + "    allow_private: true\n"
    assert parse_registry("agencies:\n" + per_entry, "r.yaml")[0]["allow_private"] is True
    # the deployment's switch, through the command line
    add = ["registry", "add", "--id", "sim", "--name", "模拟局", "--portal", "http://127.0.0.7/"]
    refused = nianbao(tmp_path / "d", *add, NIANBAO_ALLOW_PRIVATE="0")
    assert refused.returncode == 2 and "allow_private" in refused.stderr
    assert nianbao(tmp_path / "d", *add, NIANBAO_ALLOW_PRIVATE="1").returncode == 0


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://a.gov.cn/", "http://", "mailto:x@y"])
def test_registry_add_refuses_what_is_not_a_web_address(tmp_path: Path, url: str) -> None:
    p = nianbao(tmp_path / "d", "registry", "add", "--id", "x", "--name", "某局", "--portal", url)
    assert p.returncode == 2 and "portal" in p.stderr and "Traceback" not in p.stderr


def test_a_gbk_registry_is_read(tmp_path: Path) -> None:
    """Saved by a Chinese Windows editor: read, not a traceback."""
    reg = _registry(tmp_path, "  - id: gbk\n    name: 平潭综合实验区财政金融局\n"
                              "    portal: http://czj.pingtan.gov.cn/\n", encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        reg.read_bytes().decode("utf-8")
    names = {e["name"] for e in load_registry(reg)}
    assert "平潭综合实验区财政金融局" in names


def test_url_problem_accepts_ordinary_portals() -> None:
    for url in ("http://www.pingtan.gov.cn/", "https://zfxxgk.beijing.gov.cn/110016/zfxxgknb/",
                "http://www.nx.gov.cn:8080/zwgk/"):
        assert url_problem(url, allow_private=False) is None
    assert url_problem("http://192.168.1.5/", allow_private=True) is None
    assert url_problem("http://169.254.169.254/latest/", allow_private=False)
