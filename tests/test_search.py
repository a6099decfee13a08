"""Search: hits equal a substring scan of the folded latest texts, for queries of any
length; the index follows every ingest and can be rebuilt."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import nianbao, seed_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy import text as sql

from archive.document import fold
from archive.models import Report
from archive.search import fragments, get_search, snippet
from archive.store import Archive

AGENCIES = {"000": "自治区机关事务管理局", "002": "中卫市机关事务服务中心",
            "003": "自治区信访局", "004": "自治区人民政府办公厅"}


def variants() -> list[str]:
    """Seed texts and cheap variations: other agencies and years, full-width letters,
    words broken by line ends, characters NFKC expands."""
    out = [seed_text(p) for p in ("000", "001", "002", "003", "004")]
    for i, (p, name) in enumerate(AGENCIES.items()):
        t = seed_text(p).replace(name, f"银川市第{i}测试局")
        t = t.replace("2020", "2019")
        head, body = t[:200], t[200:]  # keep the title readable
        if i == 0:
            t = head + body.replace("信息公开", "信息\n公 开")  # a phrase broken across lines
        if i == 1:
            t = head + body.replace("政府", "ＡＢＣ政府㈠", 3)
        if i == 2:
            t += "\n附：鑫淼焱垚犇骉 abc ａｂｃ"
        out.append(t)
    return out


def generated() -> list[bytes]:
    """Reports the sample generator renders as portal pages, one per template generation."""
    from archive.render import render
    from archive.samples import sample_record

    return [render(sample_record(name, year, template, seed=i), "html")
            for i, (name, year, template) in enumerate([
                ("石嘴山市测试局", 2022, "gov2021"), ("固原市测试局", 2020, "gov2019"),
                ("吴忠市测试局", 2016, "legacy")])]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, database: str) -> tuple[Archive, dict[int, str]]:
    """An archive of the variants and generated reports; one report has versions whose
    first carried a phrase the later ones dropped."""
    a = Archive(tmp_path_factory.mktemp("search") / "data")
    a.migrate()
    for data in [t.encode() for t in variants()] + generated():
        r = a.ingest(data)
        assert r.status == "new", r.error
    v1 = seed_text("003").replace("自治区信访局在推进", "自治区信访局旧版独有短语在推进")
    r1 = a.ingest(v1.encode())
    r2 = a.ingest(seed_text("003").replace("自治区信访局在推进", "自治区信访局新版在推进").encode())
    assert r1.status == "new_version" and r2.status == "new_version"
    with a.Session() as s:
        latest = {r.id: r.versions[-1].text for r in s.scalars(select(Report))}
    return a, latest


def scan(latest: dict[int, str], q: str) -> set[int]:
    fq = fold(q)
    return {rid for rid, t in latest.items() if fq and fq in fold(t)}


#: a query is either a substring of some report's folded text (which report, where, how
#: long: resolved against the corpus in the test) or a short random string
QUERIES = st.one_of(
    st.tuples(st.integers(0, 10_000), st.floats(0, 1), st.integers(1, 6)),
    st.text(alphabet="信访复议政府公开申请办理一二三（）()总计0123456789ａAbc 鑫\n", min_size=1,
            max_size=6),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn=QUERIES)
def test_hits_equal_substring_scan(corpus: tuple[Archive, dict[int, str]],
                                   drawn: str | tuple[int, float, int]) -> None:
    a, latest = corpus
    if isinstance(drawn, tuple):
        texts = [fold(latest[k]) for k in sorted(latest)]
        which, where, n = drawn
        body = texts[which % len(texts)]
        i = int(where * (len(body) - n))
        q = body[i:i + n]
    else:
        q = drawn
    engine = get_search(a)
    hits = engine.search(q, limit=None)
    assert {h.report_id for h in hits} == scan(latest, q)
    assert len(hits) == len({h.report_id for h in hits})  # one hit per report
    assert engine.count(q) == len(hits)


@pytest.mark.parametrize("q", ["办", "信访", "复议", "（七）总计", "(七)总计", "信息公开", "ａｂｃ", "abc",
                               "旧版独有短语", "新版", "政府 信息 公开 工作 年度 报告", "㈠", "(一)", "鑫"])
def test_named_queries_equal_scan(corpus: tuple[Archive, dict[int, str]], q: str) -> None:
    a, latest = corpus
    hits = get_search(a).search(q, limit=None)
    assert {h.report_id for h in hits} == scan(latest, q)


def test_only_latest_version_is_searched(corpus: tuple[Archive, dict[int, str]]) -> None:
    a, _ = corpus
    engine = get_search(a)
    assert engine.search("旧版独有短语") == []
    (hit,) = engine.search("新版在推进")
    assert hit.agency == "自治区信访局" and hit.seq == 3


def test_filters(corpus: tuple[Archive, dict[int, str]]) -> None:
    a, latest = corpus
    engine = get_search(a)
    reps = {r["id"]: r for r in a.reports()}
    every = {h.report_id for h in engine.search("政府", limit=None)}
    assert every == scan(latest, "政府")
    for year in (2018, 2019, 2020):
        got = {h.report_id for h in engine.search("政府", year=year, limit=None)}
        assert got == {i for i in every if reps[i]["year"] == year}
        assert engine.count("政府", year=year) == len(got)
    got = {h.report_id for h in engine.search("政府", template="legacy", limit=None)}
    assert got == {i for i in every if reps[i]["template"] == "legacy"} and got
    bad = {h.report_id for h in engine.search("政府", has_errors=True, limit=None)}
    assert bad == {i for i in every if reps[i]["errors"] > 0} and bad
    good = {h.report_id for h in engine.search("政府", has_errors=False, limit=None)}
    assert good == every - bad
    ag = next(r for r in reps.values() if r["agency"] == "自治区信访局")
    for key in (ag["agency_id"], "自治区信访局"):
        for q in ("信", "信访", "信访局新版在推进"):
            assert [h.report_id for h in engine.search(q, agency=key)] == [ag["id"]]
    assert engine.search("信访", agency="没有这个机关") == []
    assert len(engine.search("政府", limit=3)) == 3
    ordered = [h.report_id for h in engine.search("政府", limit=None)]
    assert [h.report_id for h in engine.search("政府", limit=3, offset=2)] == ordered[2:5]
    assert [h.report_id for h in engine.search("政府", limit=None, offset=2)] == ordered[2:]


def test_pages_of_long_queries(corpus: tuple[Archive, dict[int, str]]) -> None:
    """Every page equals the slice of all hits, though a page and the whole list are found
    different ways (on PostgreSQL: the pairs index in order, rechecked; the trigram index)."""
    a, latest = corpus
    engine = get_search(a)
    for q in ("信息公开", "政府信息公开工作", "（七）总计", "鑫淼焱", "测试局", "没有这段话", "%_\\x",
              "件、信息"):
        every = [h.report_id for h in engine.search(q, limit=None)]
        assert set(every) == scan(latest, q)
        for limit, offset in ((1, 0), (2, 1), (3, 2), (50, 0), (2, len(every))):
            assert [h.report_id for h in engine.search(q, limit=limit, offset=offset)] == \
                every[offset:offset + limit], (q, limit, offset)
        assert engine.count(q) == len(every)
        got = [h.report_id for h in engine.search(q, year=2019, limit=2)]
        assert got == [h.report_id for h in engine.search(q, year=2019, limit=None)][:2]


def test_hits_newest_year_first_and_highlighted(corpus: tuple[Archive, dict[int, str]]) -> None:
    a, _ = corpus
    hits = get_search(a).search("信息公开", limit=None)
    years = [h.year for h in hits]
    assert years == sorted(years, reverse=True)
    broken = next(h for h in hits if h.agency == "银川市第0测试局")
    marked = [t for t, hit in broken.fragments if hit]
    assert marked and all(fold(t) == "信息公开" for t in marked)
    assert "【" in broken.snippet


def test_fragments_show_printed_text() -> None:
    text = "上文……（七）\n总 计 1 2 后文㈠文字（七）总计"
    assert snippet(text, fold("(七)总计")) == "上文……【（七） 总 计】 1 2 后文㈠文字【（七）总计】"
    frags = fragments(text, fold("(一)文"))
    assert [t for t, hit in frags if hit] == ["㈠文"]
    assert fragments("abc", "zz") == [("abc", False)]


def test_index_follows_ingest_and_rebuild_recovers(tmp_path: Path) -> None:
    a = Archive(tmp_path / "d")
    a.migrate()
    a.ingest(seed_text("003").encode())
    engine = get_search(a)
    assert [h.agency for h in engine.search("信访")] == ["自治区信访局"]
    with a.engine.begin() as c:  # the index is damaged or lost
        c.execute(sql("DELETE FROM search_text"))
        if c.dialect.name == "sqlite":
            c.execute(sql("INSERT INTO search_fts(search_fts) VALUES('delete-all')"))
            c.execute(sql("INSERT INTO search_grams(search_grams) VALUES('delete-all')"))
        else:
            c.execute(sql("DELETE FROM search_grams"))
    assert engine.search("信访") == []
    assert engine.rebuild() == 1
    assert [h.agency for h in engine.search("信访")] == ["自治区信访局"]
    assert [h.agency for h in engine.search("信访局在推进")] == ["自治区信访局"]
    a.ingest(seed_text("000").encode())
    assert engine.count("政府") == 2


def test_failed_ingest_leaves_index_unchanged(tmp_path: Path) -> None:
    a = Archive(tmp_path / "d")
    a.migrate()
    a.ingest(seed_text("003").encode())
    engine = get_search(a)
    edited = seed_text("003").replace("自治区信访局在推进", "自治区信访局回滚短语在推进")

    def boom(*_: object) -> None:
        raise RuntimeError("disk full")

    orig = Archive._store_findings
    Archive._store_findings = boom  # type: ignore[method-assign,assignment]
    try:
        with pytest.raises(RuntimeError):
            a.ingest(edited.encode())
    finally:
        Archive._store_findings = orig  # type: ignore[method-assign]
    assert engine.search("回滚短语") == []
    assert [h.agency for h in engine.search("信访局在推进")] == ["自治区信访局"]


def test_outdated_index_is_rebuilt_on_migrate(tmp_path: Path) -> None:
    a = Archive(tmp_path / "d")
    a.migrate()
    a.ingest(seed_text("003").encode())
    with a.engine.begin() as c:  # an index of an older shape, as an earlier release left it
        if c.dialect.name == "sqlite":
            for t in ("search_fts", "search_grams", "search_text", "search_meta"):
                c.execute(sql(f"DROP TABLE {t}"))
            c.execute(sql("CREATE TABLE search_text (version_id INTEGER PRIMARY KEY, body TEXT)"))
        else:  # PostgreSQL: the tables are the migrations'; the earlier scan's mark, no grams
            c.execute(sql("UPDATE search_meta SET value = '3' WHERE key = 'schema'"))
            c.execute(sql("DELETE FROM search_grams"))
    b = Archive(tmp_path / "d")
    b.migrate()
    assert [h.agency for h in get_search(b).search("复议")] == ["自治区信访局"]


def test_cli_search_json_and_rebuild(tmp_path: Path) -> None:
    d = tmp_path / "d"
    a = Archive(d)
    a.migrate()
    a.ingest(seed_text("003").encode())
    a.ingest(seed_text("000").encode())

    out = nianbao(d, "search", "信访", "--json")
    assert out.returncode == 0, out.stderr
    hits = json.loads(out.stdout)["hits"]
    assert {h["agency"] for h in hits} == {"自治区信访局", "自治区机关事务管理局"}
    assert all({"report_id", "agency", "year", "snippet"} <= h.keys() for h in hits)
    out = nianbao(d, "search", "--rebuild")
    assert out.returncode == 0 and "2" in out.stderr
