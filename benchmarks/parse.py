"""How fast the archive reads reports, per format, and how PDF reading compares to pdftotext.

Generates sample reports (gov2021 / gov2019 / legacy mixed), renders each as HTML, DOCX
and PDF, then times ``extract`` + ``parse_document`` per format. For the PDFs the same
files also go through ``pdftotext`` (poppler), the floor any PDF reader is measured
against; the target is a full parse within 2x of it. Memory is measured apart from the
timing: the Python heap peak with tracemalloc, and the peak RSS of a fresh process that
parses the files (pdfium and lxml allocate in C, which tracemalloc does not see).

Last, the real published reports of ``../shared/real`` (hand-read cells): cells read right,
template, and the real PDF's parse time against pdftotext's.

    python benchmarks/parse.py [--reports 50] [--formats html,docx,pdf]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.extract import extract  # noqa: E402
from archive.parse import parse_document  # noqa: E402
from archive.record import Record, get_path  # noqa: E402
from archive.render import render  # noqa: E402
from archive.samples import sample_record  # noqa: E402

AGENCIES = ("自治区民政厅", "自治区财政厅", "银川市人民政府办公室", "中卫市沙坡头区机关事务局",
            "固原市原州区教育局", "石嘴山市生态环境局", "吴忠市利通区卫生健康局")


def records(n: int) -> list[Record]:
    out = []
    for i in range(n):
        template = ("gov2021", "gov2021", "gov2019", "legacy")[i % 4]
        year = {"gov2021": 2021 + i % 4, "gov2019": 2019 + i % 2, "legacy": 2010 + i % 9}[template]
        out.append(sample_record(AGENCIES[i % len(AGENCIES)], year, template, i,
                                 blank_cells=i % 3, big=i % 5 == 0))
    return out


def parse_all(files: list[bytes]) -> float:
    start = time.perf_counter()
    for data in files:
        rec = parse_document(extract(data))
        assert rec["template"] != "unknown"
    return time.perf_counter() - start


def pdftotext_all(paths: list[Path]) -> float:
    start = time.perf_counter()
    for p in paths:
        subprocess.run(["pdftotext", "-enc", "UTF-8", str(p), "-"], check=True,
                       capture_output=True)
    return time.perf_counter() - start


def peak_memory(files: list[bytes]) -> int:
    tracemalloc.start()
    for data in files:
        parse_document(extract(data))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def _child_rss(fmt: str, folder: str, parse: bool) -> float:
    """Peak RSS (MiB) of a process that imports the archive and parses ``folder``'s files."""
    from archive.extract import extract as ex
    from archive.parse import parse_document as pd

    if parse:
        for p in sorted(Path(folder).glob(f"*.{fmt}")):
            pd(ex(p.read_bytes()))
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across exec
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_of(fmt: str, files: list[bytes]) -> tuple[float, float]:
    """(baseline, parsing) peak RSS of fresh processes, in MiB."""
    ctx = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp:
        for i, data in enumerate(files):
            (Path(tmp) / f"r{i:03d}.{fmt}").write_bytes(data)
        with ctx.Pool(1, maxtasksperchild=1) as pool:
            base = pool.apply(_child_rss, (fmt, tmp, False))
        with ctx.Pool(1, maxtasksperchild=1) as pool:
            full = pool.apply(_child_rss, (fmt, tmp, True))
    return base, full


REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "real"


def real_accuracy() -> None:
    """Every hand-read cell of the real reports in ../shared/real, and the real PDF's parse
    time against pdftotext's on the same file."""
    if not REAL.is_dir():
        print(f"real reports: {REAL} absent, skipped")
        return
    right = total = templates = docs = 0
    for exp_path in sorted(REAL.glob("*.expected.json")):
        exp = json.loads(exp_path.read_text(encoding="utf-8"))
        for name in exp["file"]:
            data = (REAL / name).read_bytes()
            start = time.perf_counter()
            rec = parse_document(extract(data))
            secs = time.perf_counter() - start
            got = dict(rec)
            ok = sum(1 for k, v in exp["cells"].items()
                     if get_path(got, k) == v or (isinstance(v, str)
                                               and str(get_path(got, k)).split() == v.split()))
            docs += 1
            templates += rec["template"] == exp["template"]
            right, total = right + ok, total + len(exp["cells"])
            line = (f"  {name:32s} {ok:4d}/{len(exp['cells']):<4d} cells, template "
                    f"{rec['template']} ({'right' if rec['template'] == exp['template'] else 'WRONG'}),"
                    f" {1000 * secs:6.1f} ms")
            if name.endswith(".pdf") and shutil.which("pdftotext"):
                floor = min(_timed(["pdftotext", "-enc", "UTF-8", str(REAL / name), "-"])
                            for _ in range(5))
                ours = min(_timed_parse(data) for _ in range(5))
                line += f"; best of 5: {1000 * ours:.1f} ms vs pdftotext {1000 * floor:.1f} ms " \
                        f"= {ours / floor:.2f}x"
            print(line)
    print(f"real reports: {right}/{total} cells ({100 * right / max(total, 1):.1f}%), "
          f"template right on {templates}/{docs}")


def _timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def _timed_parse(data: bytes) -> float:
    start = time.perf_counter()
    parse_document(extract(data))
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=50)
    ap.add_argument("--formats", default="html,docx,pdf")
    args = ap.parse_args()
    formats = args.formats.split(",")
    recs = records(args.reports)
    print(f"{len(recs)} reports per format (gov2021/gov2019/legacy mixed), python "
          f"{sys.version.split()[0]}")
    rendered: dict[str, list[bytes]] = {}
    for fmt in formats:
        start = time.perf_counter()
        rendered[fmt] = [render(r, fmt) for r in recs]
        size = sum(map(len, rendered[fmt])) / len(recs) / 1024
        print(f"  rendered {fmt:5s} in {time.perf_counter() - start:6.2f} s, "
              f"mean {size:5.1f} KiB/file")
    parse_all([rendered[f][0] for f in formats])  # warm imports and font caches
    print(f"{'format':8s}{'reports/s':>11s}{'ms/report':>11s}{'heap MiB':>10s}"
          f"{'RSS MiB':>10s}{'(+parse)':>10s}")
    for fmt in formats:
        secs = parse_all(rendered[fmt])
        peak = peak_memory(rendered[fmt][:10])
        base, full = rss_of(fmt, rendered[fmt])
        print(f"{fmt:8s}{len(recs) / secs:11.1f}{1000 * secs / len(recs):11.1f}"
              f"{peak / 1048576:10.1f}{full:10.0f}{full - base:+10.0f}")
    if "pdf" in formats and shutil.which("pdftotext"):
        with tempfile.TemporaryDirectory() as tmp:
            paths = []
            for i, data in enumerate(rendered["pdf"]):
                p = Path(tmp) / f"r{i}.pdf"
                p.write_bytes(data)
                paths.append(p)
            floor = pdftotext_all(paths)
            ours = parse_all([p.read_bytes() for p in paths])
        print(f"pdf full parse {ours:.2f} s vs pdftotext {floor:.2f} s on the same "
              f"{len(paths)} files: ratio {ours / floor:.2f}x (target <= 2x)")
    real_accuracy()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"heap: tracemalloc peak over 10 reports; RSS: fresh process parsing all "
          f"{len(recs)} (+ over importing only); this process {rss:.0f} MiB incl. rendering")


if __name__ == "__main__":
    main()
