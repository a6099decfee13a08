"""Search latency on a large generated corpus, against grep and a Python scan.

    python benchmarks/search.py [--n 50000] [--dir /tmp/nianbao-bench-search] [--queries 200]
                                [--database postgresql+psycopg://user@host/empty_db]

Builds N reports (texts varied from the seed reports: agency names, years, numbers,
shuffled paragraphs and random sentences, so rare pairs and phrases exist), inserts them
directly, times ``rebuild()`` of the search index, then prints p50/p95 latency of
``search(q, limit=50)`` and ``count(q)`` for 1-, 2-, 4- and 8-character queries drawn from
the texts, the same queries through ``grep -rlF`` over the texts written to files and a
Python substring scan over the folded texts held in memory, and the index size.
Figures are printed, never asserted. ``--database`` runs it on PostgreSQL (an empty
database it may fill; ``postgresql://`` is read as ``postgresql+psycopg://``) instead of
the SQLite file in ``--dir``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.document import fold  # noqa: E402
from archive.search import get_search  # noqa: E402
from archive.store import Archive  # noqa: E402

SEEDS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "seeds"
PLACES = "银川 石嘴山 吴忠 固原 中卫 兴庆 金凤 西夏 永宁 贺兰 灵武 平罗 盐池 同心 青铜峡 隆德 泾源 彭阳 海原 沙坡头 中宁 红寺堡 西吉 惠农 大武口".split()
DEPTS = ("发展和改革委员会 教育局 科学技术局 工业和信息化局 公安局 民政局 司法局 财政局 人力资源和社会保障局 "
         "自然资源局 生态环境局 住房和城乡建设局 交通运输局 水务局 农业农村局 商务局 文化旅游广电局 卫生健康委员会 "
         "退役军人事务局 应急管理局 审计局 市场监督管理局 统计局 医疗保障局 林业和草原局 信访局 机关事务管理局 "
         "人民政府办公室 乡村振兴局 体育局").split()
POOL = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经"
        "十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质"
        "鑫淼焱垚犇骉猋羴麤靐龘鱻毳晶磊森")


def seed_lines() -> list[str]:
    lines: list[str] = []
    for p in sorted(SEEDS.glob("*.txt")):
        lines += [ln for ln in p.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return lines


def make_text(rng: random.Random, lines: list[str], agency: str, year: int) -> str:
    """About the length of a real report (3–5 thousand characters), cheaply varied."""
    out = [f"{agency} {year}年政府信息公开工作年度报告"]
    for ln in rng.sample(lines, 70):
        ln = ln.replace("2020", str(year)).replace("自治区机关事务管理局", agency)
        if any(ch.isdigit() for ch in ln):
            ln = "".join(str(rng.randint(0, 9)) if ch.isdigit() and rng.random() < 0.3 else ch
                         for ch in ln)
        out.append(ln[:300])
    for _ in range(6):
        out.append("".join(rng.choice(POOL) for _ in range(rng.randint(20, 60))) + "。")
    return "\n".join(out)


def build(d: Path, n: int) -> tuple[Archive, list[str]]:
    if d.exists():
        shutil.rmtree(d)
    a = Archive(d)
    a.migrate()
    with a.engine.connect() as c:
        if c.exec_driver_sql("SELECT COUNT(*) FROM reports").scalar():
            sys.exit(f"{a.engine.url.render_as_string()} holds reports: give an empty database")
    rng = random.Random(7)
    lines = seed_lines()
    n_agencies = max(1, n // 20)
    names = [f"{rng.choice(PLACES)}{'市' if i % 3 else '县'}{rng.choice(DEPTS)}{i}"
             for i in range(n_agencies)]
    agencies = [(f"a{i}", nm, "department", "[]", 2008, False) for i, nm in enumerate(names)]
    texts: list[str] = []
    now = dt.datetime(2024, 3, 1).isoformat(sep=" ")
    blobs, reports, versions = [], [], []
    for rid in range(1, n + 1):
        ai, year = (rid - 1) % n_agencies, 2005 + (rid - 1) // n_agencies
        text = make_text(rng, lines, names[ai], year)
        texts.append(text)
        sha = hashlib.sha256(text.encode()).hexdigest()
        blobs.append((sha, len(text.encode()), "text", now))
        reports.append((rid, f"a{ai}", year, now))
        template = "legacy" if year < 2019 else "gov2019" if year < 2021 else "gov2021"
        versions.append((rid, rid, 1, sha, now, template, f"{names[ai]}{year}年报告", "{}", text,
                         int(rng.random() < 0.2)))
    blobs = list({b[0]: b for b in blobs}.values())
    findings = [(v[0],) for v in versions if v[9]]
    if a.engine.dialect.name == "sqlite":
        db = sqlite3.connect(d / "nianbao.db")
        db.executemany("INSERT INTO agencies (id, name, kind, emails, since, demo) "
                       "VALUES (?,?,?,?,?,?)", agencies)
        db.executemany("INSERT INTO blobs (sha256, size, format, stored_at) VALUES (?,?,?,?)",
                       blobs)
        db.executemany("INSERT INTO reports (id, agency_id, year, first_seen) VALUES (?,?,?,?)",
                       reports)
        db.executemany("INSERT INTO report_versions (id, report_id, seq, sha256, first_seen, "
                       "template, title, record, text, error_count) VALUES (?,?,?,?,?,?,?,?,?,?)",
                       versions)
        db.executemany("INSERT INTO findings (version_id, code, severity, \"where\", message) "
                       "VALUES (?, 'T3_BALANCE', 'error', 'applications.results_total.total', "
                       "'总计不符')", findings)
        db.commit()
        db.close()
    else:
        raw = a.engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.executemany("INSERT INTO agencies (id, name, kind, emails, since, demo) "
                            "VALUES (%s,%s,%s,%s,%s,%s)", agencies)
            cur.executemany("INSERT INTO blobs (sha256, size, format, stored_at) "
                            "VALUES (%s,%s,%s,%s)", blobs)
            cur.executemany("INSERT INTO reports (id, agency_id, year, first_seen) "
                            "VALUES (%s,%s,%s,%s)", reports)
            for i in range(0, len(versions), 2000):
                cur.executemany("INSERT INTO report_versions (id, report_id, seq, sha256, "
                                "first_seen, template, title, record, text, error_count) "
                                "VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)", versions[i:i + 2000])
            cur.executemany("INSERT INTO findings (version_id, code, severity, \"where\", "
                            "message) VALUES (%s, 'T3_BALANCE', 'error', "
                            "'applications.results_total.total', '总计不符')", findings)
            for t in ("reports", "report_versions", "findings"):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), "
                            f"(SELECT MAX(id) FROM {t}))")
            raw.commit()
        finally:
            raw.close()
    return a, texts


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def pg_index_size(a: Archive) -> dict[str, int]:
    with a.engine.connect() as c:
        def size(*names: str) -> int:
            return sum(int(c.exec_driver_sql(f"SELECT pg_total_relation_size('{n}')").scalar() or 0)
                       for n in names)
        idx = {n: int(c.exec_driver_sql(f"SELECT pg_relation_size('{n}')").scalar() or 0)
               for n in ("ix_search_text_trgm", "ix_search_grams")}
        return {
            "search_text + search_docs (folded copy)": size("search_text", "search_docs")
            - idx["ix_search_text_trgm"],
            "ix_search_text_trgm (pg_trgm GIN)": idx["ix_search_text_trgm"],
            "search_grams (1-2 chars, table)": size("search_grams") - idx["ix_search_grams"],
            "ix_search_grams (1-2 chars, GIN)": idx["ix_search_grams"],
            "report_versions (texts)": size("report_versions"),
        }


def index_size(d: Path) -> dict[str, int]:
    db = sqlite3.connect(d / "nianbao.db")
    try:
        rows = db.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall()
    except sqlite3.OperationalError:
        return {}
    finally:
        pass
    db.close()
    sizes = {name: int(size) for name, size in rows}
    return {
        "search_text + search_docs (folded copy)": sum(
            v for k, v in sizes.items() if k.startswith(("search_text", "search_docs",
                                                         "sqlite_autoindex_search_"))),
        "search_fts (trigram)": sum(v for k, v in sizes.items() if k.startswith("search_fts")),
        "search_grams (1-2 chars)": sum(v for k, v in sizes.items() if k.startswith("search_grams")),
        "report_versions (texts)": sizes.get("report_versions", 0),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=50_000)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/nianbao-bench-search"))
    ap.add_argument("--queries", type=int, default=200, help="queries per length")
    ap.add_argument("--grep-queries", type=int, default=10, help="grep runs per length")
    ap.add_argument("--reuse", action="store_true",
                    help="query the corpus and index a previous run left in --dir")
    ap.add_argument("--database", help="a PostgreSQL URL (an empty database) instead of SQLite")
    args = ap.parse_args()
    if args.database:
        url = args.database
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        os.environ["NIANBAO_DATABASE_URL"] = url

    files = args.dir / "texts"
    t_index = None
    if args.reuse:
        a = Archive(args.dir)
        with a.engine.connect() as c:
            texts = [t for (t,) in c.exec_driver_sql("SELECT text FROM report_versions ORDER BY id")]
        engine = get_search(a)
        print(f"corpus: {len(texts)} reports reused from {args.dir}", flush=True)
    else:
        t0 = time.perf_counter()
        a, texts = build(args.dir, args.n)
        t_build = time.perf_counter() - t0
        print(f"corpus: {len(texts)} reports, {sum(map(len, texts)) / 1e6:.1f} M characters, "
              f"generated and inserted in {t_build:.1f} s", flush=True)
        engine = get_search(a)
        t0 = time.perf_counter()
        engine.rebuild()
        t_index = time.perf_counter() - t0
        print(f"index rebuilt in {t_index:.1f} s", flush=True)
        files.mkdir()
        for i, t in enumerate(texts):
            (files / f"{i:06d}.txt").write_text(t, encoding="utf-8")
    folded = [fold(t) for t in texts]

    rng = random.Random(11)
    results: dict[int, dict[str, float]] = {}
    for length in (1, 2, 4, 8):
        queries = []
        while len(queries) < args.queries:
            body = rng.choice(folded)
            i = rng.randrange(0, len(body) - length)
            queries.append(body[i:i + length])
        for q in queries[:5]:  # warm the page cache like a running server would be
            engine.search(q)
        lat, cnt_lat, sizes = [], [], []
        for q in queries:
            t = time.perf_counter()
            hits = engine.search(q, limit=50)
            lat.append(time.perf_counter() - t)
            t = time.perf_counter()
            sizes.append(engine.count(q))
            cnt_lat.append(time.perf_counter() - t)
            assert len(hits) == min(50, sizes[-1])
        grep_t, scan_t = [], []
        for q in queries[: args.grep_queries]:
            t = time.perf_counter()
            subprocess.run(["grep", "-rlF", q, str(files)], stdout=subprocess.DEVNULL, check=False)
            grep_t.append(time.perf_counter() - t)
            t = time.perf_counter()
            n_scan = sum(1 for b in folded if q in b)
            scan_t.append(time.perf_counter() - t)
            assert n_scan == engine.count(q), (q, n_scan, engine.count(q))
        results[length] = {
            "p50_ms": pct(lat, 50) * 1e3, "p95_ms": pct(lat, 95) * 1e3,
            "count_p50_ms": pct(cnt_lat, 50) * 1e3, "count_p95_ms": pct(cnt_lat, 95) * 1e3,
            "median_matches": statistics.median(sizes),
            "grep_median_ms": statistics.median(grep_t) * 1e3,
            "pyscan_median_ms": statistics.median(scan_t) * 1e3,
        }
        r = results[length]
        print(f"{length}-char queries ({args.queries}, median {r['median_matches']:.0f} matching "
              f"reports): search p50 {r['p50_ms']:.1f} ms p95 {r['p95_ms']:.1f} ms; "
              f"count p50 {r['count_p50_ms']:.1f} ms p95 {r['count_p95_ms']:.1f} ms; "
              f"grep -rlF median {r['grep_median_ms']:.0f} ms "
              f"({r['grep_median_ms'] / r['p50_ms']:.0f}x search p50); "
              f"python scan median {r['pyscan_median_ms']:.0f} ms", flush=True)
    filters = {"has_errors": {"has_errors": True}, "template": {"template": "gov2019"},
               "year": {"year": 2015}, "agency": {"agency": "a7"}}
    for name, f in filters.items():
        lat = []
        for length in (2, 4):
            for _ in range(args.queries // 2):
                body = rng.choice(folded)
                i = rng.randrange(0, len(body) - length)
                t = time.perf_counter()
                engine.search(body[i:i + length], limit=50, **f)  # type: ignore[arg-type]
                engine.count(body[i:i + length], **f)  # type: ignore[arg-type]
                lat.append(time.perf_counter() - t)
        print(f"filter {name}: search+count p50 {pct(lat, 50) * 1e3:.1f} ms "
              f"p95 {pct(lat, 95) * 1e3:.1f} ms", flush=True)
    sizes_ = index_size(args.dir) if a.engine.dialect.name == "sqlite" else pg_index_size(a)
    for k, v in sizes_.items():
        print(f"size {k}: {v / 1e6:.1f} MB")
    text_mb = sum(len(t.encode()) for t in texts) / 1e6
    print(f"texts as UTF-8 files: {text_mb:.1f} MB")
    print(json.dumps({"n": len(texts), "index_seconds": t_index, "results": results,
                      "sizes": sizes_}, ensure_ascii=False))


if __name__ == "__main__":
    main()
