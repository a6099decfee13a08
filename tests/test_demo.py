"""``nianbao demo`` end to end, as a new user meets it: one command, then the usual
commands (reports, alerts, serve) show what it did.

What users rely on: the demo archives the seed agencies' reports from simulated portals;
one nightly cycle raises every kind of alert for exactly the agencies the scenario set up
(late, missing, wrong figures, quietly edited, deleted, portal down — and a portal being
down is never reported as reports missing); exactly one digest lands in ``demo-mail/``;
the dashboard shows it; and a data directory holding real data is never touched.
"""

from __future__ import annotations

import email
import email.policy
import json
import re
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

import helpers
import pytest
from helpers import SEEDS, clean_env, served

from crawler.simulator.demo import scenario

SEED_IDS = {"nx-jgsw", "zw-spt-jgswj", "zw-jgswfwzx", "nx-xfj", "nx-zfbgt"}

pytestmark = pytest.mark.slow


def nianbao(data: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``helpers.nianbao`` in a new user's environment, with a wide terminal."""
    return helpers.nianbao(data, *args, env={**clean_env(), "COLUMNS": "300"}, timeout=timeout)


@pytest.fixture(scope="module")
def demo(demo_run: dict[str, Any]) -> dict[str, Any]:
    return demo_run


def test_summary(demo: dict[str, Any]) -> None:
    out = demo["stdout"]
    for text in ("演示结果", "存档的年报", "年报逾期发布", "年报未发布", "年报数据有误",
                 "年报发布后被修改", "年报被删除", "门户网站无法访问", "demo-mail",
                 "http://127.0.0.1:8000/"):
        # a long data directory wraps inside its table cell
        assert text in out or text in re.sub(r"[\s│]", "", out), text
    assert re.search(r"已发送邮件\s*│\s*1 封", out), out
    assert re.search(r"数据目录\s*│\s*" + re.escape(str(demo["data"])), out), out


def test_reports_cover_the_seed_agencies(demo: dict[str, Any]) -> None:
    p = nianbao(demo["data"], "reports", "--json")
    assert p.returncode == 0, p.stderr
    reports = json.loads(p.stdout)["reports"]
    years = {(r["agency_id"], r["year"]) for r in reports}
    y = scenario(demo["today"]).year
    assert {a for a, _ in years} >= SEED_IDS
    for aid in SEED_IDS - {"zw-jgswfwzx"}:  # that one never publishes its latest report
        assert (aid, y) in years and (aid, y - 1) in years, aid
    templates = {r["year"]: r["template"] for r in reports}
    assert templates[y - 7] == "legacy" and templates[2020] == "gov2019"
    assert templates[y] == "gov2021"
    edited = next(r for r in reports if r["agency_id"] == "nx-jgsw" and r["year"] == y - 1)
    assert len(edited["versions"]) == 2
    deleted = next(r for r in reports if r["agency_id"] == "nx-zfbgt" and r["year"] == y - 2)
    assert deleted["removed_on"] is not None  # removed from the portal, kept in the archive


def test_alerts_are_the_scenarios(demo: dict[str, Any]) -> None:
    p = nianbao(demo["data"], "alerts", "--json")
    assert p.returncode == 0, p.stderr
    alerts = json.loads(p.stdout)["alerts"]
    got = {(a["kind"], a["agency_id"], a["year"]) for a in alerts if a["state"] == "open"}
    plan = scenario(demo["today"])
    y = plan.year
    assert got == plan.expected_alerts()
    for want in [("REPORT_LATE", "zw-spt-jgswj", y - 1), ("REPORT_MISSING", "zw-jgswfwzx", y),
                 ("REPORT_INVALID", "nx-xfj", y), ("REPORT_CHANGED", "nx-jgsw", y - 1),
                 ("REPORT_REMOVED", "nx-zfbgt", y - 2)]:
        assert want in got, want
    down = {a.id for pp in plan.portals if pp.down for a in pp.agencies}
    assert down and {("PORTAL_UNREACHABLE", a, None) for a in down} <= got
    assert not [k for k in got if k[0] == "REPORT_MISSING" and k[1] in down]
    assert all(a["notified"] for a in alerts)
    invalid = next(a for a in alerts if a["kind"] == "REPORT_INVALID" and a["agency_id"] == "nx-xfj")
    assert [f["code"] for f in invalid["detail"]["findings"]][0] == "T3_BALANCE"


def test_exactly_one_digest_in_demo_mail(demo: dict[str, Any]) -> None:
    files = sorted((demo["data"] / "demo-mail").iterdir())
    assert [f.suffix for f in files] == [".eml"]
    msg = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert "提醒摘要" in str(msg["Subject"])
    body = msg.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    for name in ("沙坡头区机关事务局", "中卫市机关事务服务中心", "自治区信访局", "河山市民政局"):
        assert name in text, name


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.status, r.read().decode("utf-8")


def test_dashboard_shows_the_demo(demo: dict[str, Any]) -> None:
    with served(demo["data"], env=clean_env()) as base:
        status, page = _get(base + "/")
        assert status == 200
        for name in ("沙坡头区机关事务局", "中卫市机关事务服务中心", "云泉县财政局"):
            assert name in page, name
        _, raw = _get(base + "/api/dashboard")
        cells = {a["id"]: a["cells"] for a in json.loads(raw)["agencies"]}
        y = scenario(demo["today"]).year
        assert "late" in cells["zw-spt-jgswj"][str(y - 1)]["states"]
        assert cells["zw-jgswfwzx"][str(y)]["state"] == "missing"
        assert cells["nx-jgsw"][str(y - 2)]["state"] == "ontime"
        _, raw = _get(base + "/api/alerts")
        assert "REPORT_LATE" in raw and "PORTAL_UNREACHABLE" in raw


def test_refuses_a_data_dir_with_real_data(tmp_path: Path) -> None:
    data = tmp_path / "real"
    seed = sorted(SEEDS.glob("*.txt"))[0]
    assert nianbao(data, "ingest", str(seed)).returncode in (0, 1)
    before = json.loads(nianbao(data, "reports", "--json").stdout)["reports"]
    assert before
    p = nianbao(data, "demo", "--no-serve", timeout=60)
    assert p.returncode == 2
    assert "真实数据" in p.stderr and "--data-dir" in p.stderr
    assert not (data / "demo-mail").exists()
    after = json.loads(nianbao(data, "reports", "--json").stdout)["reports"]
    assert after == before
