"""Hostile files (issue 13): bounded memory and time, only documents become reports, one
error path for ``parse``, ``ingest`` and the crawler, never a traceback.

Every probe runs the real command line in a child process and measures that process's
peak RSS (``os.wait4``: the command and the worker it forks). Before the budget, the
1 MB zip bomb took 2.1 GB and the 53 MB-XML DOCX 1.4 GB and 70 s.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import seed_bytes, seed_path
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.document import ExtractionError
from archive.extract import extract

sys.path.insert(0, str(Path(__file__).parent))
import hostile  # noqa: E402

pytestmark = pytest.mark.hostile

MB = 1024 * 1024
BUDGET = 512 * MB


#: runs the command and prints the peak RSS of it and its children: measured from a small
#: launcher, since a child forked from pytest starts with pytest's own RSS on its account
LAUNCHER = ("import resource, subprocess, sys\n"
            "code = subprocess.run(sys.argv[1:]).returncode\n"
            "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
            "sys.stderr.write(f'\\n@maxrss {rss}\\n')\n"
            "sys.exit(code)\n")


def run(data_dir: Path, *args: str, env: dict[str, str] | None = None
        ) -> tuple[int, str, str, int]:
    """``nianbao --data-dir D ARGS``: (exit code, stdout, stderr, peak RSS in bytes of the
    command and every child it waited for: its budgeted worker)."""
    p = subprocess.run([sys.executable, "-c", LAUNCHER, sys.executable, "-m", "monitor",
                        "--data-dir", str(data_dir), *args], capture_output=True, text=True,
                       env={**os.environ, **(env or {})})
    err, _, rss = p.stderr.rpartition("\n@maxrss ")
    return p.returncode, p.stdout, err, int(rss) * 1024


@pytest.fixture(scope="module")
def probes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("probes")
    files = {"bomb.docx": hostile.lying_bomb_docx(), "big.docx": hostile.huge_xml_docx(),
             "one.txt": b"x", "deep.html": hostile.deep_html()}
    for ext in ("pdf", "docx", "doc", "wps"):
        files[f"random.{ext}"] = hostile.random_bytes()
    files["ole.doc"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + hostile.random_bytes(4096)
    for name, data in files.items():
        (d / name).write_bytes(data)
    return {name: d / name for name in files}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    assert run(d, "init")[0] == 0
    return d


def versions(d: Path) -> list[dict[str, object]]:
    code, out, _, _ = run(d, "reports", "--json")
    assert code == 0
    return [v for r in json.loads(out)["reports"] for v in r["versions"]]


# ------------------------------------------------------------------ 1. zip sizes

def test_lying_zip_bomb_stays_within_memory(probes: dict[str, Path], data_dir: Path) -> None:
    """1 MB whose document.xml inflates to 1000 MiB while its headers say 4 KiB (with the
    CRC of those 4 KiB): before, 2.1 GB and a CRC error; now refused within the budget."""
    assert probes["bomb.docx"].stat().st_size < 1.1 * MB
    code, _, err, rss = run(data_dir, "parse", str(probes["bomb.docx"]))
    assert code == 2 and "DOCX" in err and "Traceback" not in err
    assert rss < BUDGET / 2, rss
    code, out, err, rss = run(data_dir, "ingest", "--json", str(probes["bomb.docx"]))
    assert code == 1 and json.loads(out)["ingested"][0]["status"] == "unparseable"
    assert rss < BUDGET / 2, rss


def test_huge_valid_docx_xml_is_capped(probes: dict[str, Path], data_dir: Path) -> None:
    """187 KB of DOCX with 53 MB of valid XML: before, 1.4 GB and 70 s; now refused at the
    XML cap (``docx_xml_mb``) in well under a second of work."""
    code, _, err, rss = run(data_dir, "parse", str(probes["big.docx"]))
    assert code == 2 and "XML 超过 16 MB" in err and "Traceback" not in err
    assert rss < BUDGET / 2, rss


def test_headers_are_checked_against_what_inflates() -> None:
    """Under every cap, a member that inflates to more than its header says is refused, and
    the reader never gets the original zip to inflate again."""
    run_ = b"<w:p><w:r><w:t>" + b"A" * (1 << 20) + b"</w:t></w:r></w:p>"
    lying = hostile._docx_with([(hostile.DOC_HEAD, 1), (run_, 3), (hostile.DOC_TAIL, 1)],
                               lie=True)
    with pytest.raises(ExtractionError, match="声明 4096 字节"):
        extract(lying)
    # the package cap counts every member inflated, kept (XML) or not
    with pytest.raises(ExtractionError, match="解压后超过 2 MB"):
        extract(hostile.huge_xml_docx(3), max_unzipped=2 * MB, max_xml=64 * MB)


def test_memory_budget_stops_the_child(probes: dict[str, Path], data_dir: Path) -> None:
    """With the XML cap lifted, the memory budget itself stops the parse: the child's
    address space is limited, the parent stores the reason, RSS stays under the budget."""
    env = {"NIANBAO_DOCX_XML_MB": "100", "NIANBAO_PARSE_MEMORY_MB": "200"}
    code, _, err, rss = run(data_dir, "parse", str(probes["big.docx"]), env=env)
    assert code == 2 and "内存预算" in err and "Traceback" not in err, err
    assert rss < 200 * MB + 32 * MB, rss


def test_time_budget_stops_the_child(probes: dict[str, Path], data_dir: Path) -> None:
    env = {"NIANBAO_PARSE_SECONDS": "0.5"}
    code, out, err, _ = run(data_dir, "ingest", "--json", str(probes["deep.html"]), env=env)
    assert code == 1 and "时间预算（0.5 秒）" in err and "Traceback" not in err
    assert json.loads(out)["ingested"][0]["status"] == "unparseable"


# ------------------------------------------------------------------ 6. not documents

@pytest.mark.parametrize("name", ["one.txt", "random.pdf", "random.docx", "random.doc",
                                  "random.wps", "ole.doc"])
def test_files_that_are_not_documents_never_become_reports(
        probes: dict[str, Path], data_dir: Path, name: str) -> None:
    """Before, each of these was read as text and, filed with --agency/--year, stored as a
    new version of that agency's report."""
    code, out, err, _ = run(data_dir, "ingest", "--json", "--agency", "nx-xfj",
                            "--year", "2023", str(probes[name]))
    assert code == 1 and "Traceback" not in err
    (res,) = json.loads(out)["ingested"]
    assert res["status"] == "unparseable" and res["error"]
    assert versions(data_dir) == []
    code, _, err, _ = run(data_dir, "parse", str(probes[name]))
    assert code == 2 and "无法解析" in err and "Traceback" not in err


def test_text_with_undecodable_bytes_is_not_a_report() -> None:
    from archive.budget import Unreadable, read_report

    text = "某局2023年政府信息公开工作年度报告\n".encode() + bytes(range(0x80, 0x100)) * 40
    with pytest.raises(Unreadable, match="无法按 UTF-8 或 GB18030 解码"):
        read_report(text)
    with pytest.raises(Unreadable, match="不像政府信息公开工作年度报告"):
        read_report("今天天气很好。\n明天也是。".encode())


def test_deep_html_is_a_reason_in_parse_too(probes: dict[str, Path], data_dir: Path) -> None:
    """Before: ``parse`` printed a RecursionError traceback (``ingest`` said 解析器内部错误)."""
    code, _, err, _ = run(data_dir, "parse", str(probes["deep.html"]))
    assert code == 2 and "嵌套层次过深" in err and "Traceback" not in err
    code, _, err, _ = run(data_dir, "--debug", "parse", str(probes["deep.html"]))
    assert code == 2 and "Traceback" in err and "RecursionError" in err  # details on request


def test_agency_must_be_registered(data_dir: Path) -> None:
    """Before: ``--agency X`` silently created agency X."""
    seed = seed_path("003")
    code, _, err, _ = run(data_dir, "ingest", "--agency", "no-such-agency", str(seed))
    assert code == 2 and "未登记的机关：no-such-agency" in err
    code, out, _, _ = run(data_dir, "registry", "list", "--json")
    assert "no-such-agency" not in out
    assert versions(data_dir) == []
    # by id or by its exact name
    assert run(data_dir, "ingest", "--agency", "自治区信访局", str(seed))[0] == 0


def test_agency_conflict_is_reported(data_dir: Path) -> None:
    """Seed 003 is 自治区信访局's report; filed under 自治区机关事务管理局 (registered too), the
    conflict is reported instead of --agency being silently ignored."""
    seed = seed_path("003")
    code, out, err, _ = run(data_dir, "ingest", "--json", "--agency", "nx-jgsw", str(seed))
    assert code == 1
    (res,) = json.loads(out)["ingested"]
    assert res["status"] == "agency_conflict" and "自治区信访局" in res["error"]
    assert "自治区机关事务管理局" in err
    assert versions(data_dir) == []


def test_unexpected_exception_is_a_stored_reason(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The one error path: a parser bug is the fetch's reason, with its traceback kept for
    ``--debug``, in process and in the budgeted child alike."""
    import archive.parse
    from archive.budget import Budget, Unreadable, read_report
    from archive.store import Archive

    def boom(*_: object, **__: object) -> None:
        raise KeyError("bug")

    monkeypatch.setattr(archive.parse, "parse_document", boom)
    seed = seed_bytes("003")
    for isolate in (False, True):
        with pytest.raises(Unreadable, match="解析器内部错误（KeyError") as e:
            read_report(seed, isolate=isolate, budget=Budget(seconds=30))
        assert e.value.detail and "Traceback" in e.value.detail
    a = Archive(tmp_path / "d", isolate=True)
    a.migrate()
    r = a.ingest(seed)
    assert r.status == "unparseable" and "KeyError" in (r.error or "") and r.detail


# ------------------------------------------------------------------ fuzz

MAGIC = [b"", b"%PDF-1.7\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
         b"<html><body><table>", "2023年政府信息公开工作年度报告\n".encode()]


@pytest.mark.parametrize("ext", ["pdf", "docx", "doc", "wps", "html", "txt"])
@settings(max_examples=3, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(head=st.sampled_from(MAGIC), body=st.binary(max_size=4096))
def test_fuzz_parse_and_ingest(tmp_path: Path, ext: str, head: bytes, body: bytes) -> None:
    """Arbitrary bytes (behind each format's magic) under each file name: exit 0/1/2 as
    the README defines, never a traceback, the command and its worker under the budget."""
    d = tmp_path / "fuzz"
    f = tmp_path / f"file.{ext}"
    f.write_bytes(head + body)
    code, _, err, rss = run(d, "parse", str(f))
    assert code in (0, 2) and "Traceback" not in err, err
    assert rss < BUDGET, rss
    code, out, err, rss = run(d, "ingest", "--json", str(f))
    assert code in (0, 1) and "Traceback" not in err, err
    assert json.loads(out)["ingested"][0]["status"]
    assert rss < BUDGET, rss
