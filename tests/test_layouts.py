"""Reports rendered the way real portals publish them parse back to every cell.

``archive.layouts`` prints records in the shapes real documents were seen in (editor
HTML of a TRS portal, page.txt with glued cells, OCR markdown, WPS-style PDF with wrapped
labels, pre-2019 统计表 text); each rendering is parsed through the public entry point
``archive.parse.parse_bytes`` and compared to its record cell by cell. The generator is
first checked against the real documents themselves: its glued runs are the real
page.txt runs, its PDF wraps the labels real PDFs wrap.

Cases the parser does not read yet are listed in ``NOT_YET`` (and only there): they run
as non-strict xfail until the parser is fixed; empty the list as they pass.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from archive.document import fold
from archive.layouts import (
    digit_splits,
    editor_html,
    expected_record,
    glue_rows,
    glued_knowable,
    glued_text,
    legacy_record,
    legacy_text,
    markdown,
    pdf,
    record_from_cells,
    render_layout,
    single_other_handling,
    t3_rows,
    t4_rows,
)
from archive.parse import parse_bytes
from archive.record import Record, iter_cells
from archive.samples import sample_record

SWEEP_IDS = [f"s{n}-{t}" for n in range(10, 15) for t in ("21", "19")]

#: case id -> why it fails against today's parser. The ONE place a case is marked xfail;
#: empty it as the parser learns the layouts (issue 12).
NOT_YET: dict[str, str] = {
}

REAL = Path(__file__).resolve().parents[2] / "shared" / "real"


# ---------------------------------------------------------------- records


def _real(name: str) -> Record:
    """A record of a real report's hand-read cells (amounts under 万元 given their yuan)."""
    if not REAL.is_dir():
        pytest.skip(f"the real reports are not here ({REAL}); CI has them")
    d = json.loads((REAL / f"{name}.expected.json").read_text())
    rec = record_from_cells(d["cells"], d["template"], agency="淮安市洪泽区人民政府",
                            year=int(d["year"]))
    fees = rec["active_disclosure"].get("fees", {}).get("amount")
    if fees:
        fees["yuan"] = int(Decimal(fees["text"]) * 10000)
    return rec


def _g21() -> Record:
    return sample_record("平潭综合实验区财政金融局", 2023, "gov2021", 1)


def _g21_big() -> Record:
    return sample_record("平潭综合实验区行政审批局", 2022, "gov2021", 5, big=True)


def _g21_blanks() -> Record:
    return sample_record("平潭综合实验区社会事业局", 2021, "gov2021", 3, blank_cells=4)


def _g19() -> Record:
    return sample_record("平潭综合实验区经济发展局", 2020, "gov2019", 2)


def _g19_2019() -> Record:
    return sample_record("平潭综合实验区交通与建设局", 2019, "gov2019", 7)


def _g19_padded() -> Record:
    rec = sample_record("平潭综合实验区市场监督管理局", 2020, "gov2019", 4)
    rec["provenance"]["padded_cells"] = ["new_received.natural_person", "granted.total"]
    rec["provenance"]["group_split"] = "unable.not_held"
    return rec


def _hongze() -> Record:
    return _real("hongze-district-2024")


def _g21_single() -> Record:
    return single_other_handling(_g21_big())


def _legacy12() -> Record:
    return legacy_record("平潭综合实验区财政金融局", 2012, "pingtan2012", 0)


def _legacy15() -> Record:
    return legacy_record("平潭综合实验区管委会办公室", 2015, "pingtan2015", 1)


def _legacy14() -> Record:
    return sample_record("平潭综合实验区公安局", 2014, "legacy", 2)


def _sweep(seed: int, template: str) -> Callable[[], Record]:
    year = 2022 if template == "gov2021" else 2020
    return lambda: sample_record(f"平潭综合实验区测试局{seed}", year, template, seed)


#: more seeds of both forms, rendered in every gov layout
SWEEP = {f"s{seed}-{t[-2:]}": _sweep(seed, t) for seed in range(10, 15)
         for t in ("gov2021", "gov2019")}

RECORDS: dict[str, Callable[[], Record]] = {
    **SWEEP,
    "g21": _g21, "g21-big": _g21_big, "g21-blanks": _g21_blanks, "g21-single-other": _g21_single,
    "g19": _g19, "g19-2019": _g19_2019, "g19-padded": _g19_padded, "hongze": _hongze,
    "legacy2012": _legacy12, "legacy2015": _legacy15, "legacy2014": _legacy14,
}

#: layout -> records rendered in it (blank cells only where the layout keeps blanks apart)
MATRIX: dict[str, tuple[str, ...]] = {
    "html-word": ("g21", "g19", "g21-big", "g19-padded", "hongze", "legacy2012"),
    "html-ueditor": ("g21", "g19-2019", "g21-blanks", "g21-single-other", "hongze"),
    "glued": ("g21", "g19", "g21-big", "g19-padded", "hongze", "g21-single-other"),
    "markdown": ("g21", "g19", "g21-blanks", "hongze", "g21-single-other"),
    "pdf": ("g21", "g19", "hongze"),
    "pdf-single-other": ("g21-big",),
    "legacy-spaced": ("legacy2012", "legacy2015", "legacy2014"),
    "legacy-glued": ("legacy2012", "legacy2015", "legacy2014"),
}
for _layout in ("html-word", "html-ueditor", "glued", "markdown", "pdf"):
    MATRIX[_layout] += tuple(SWEEP)
CASES = [f"{layout}:{rec}" for layout, recs in MATRIX.items() for rec in recs]


def _param(case: str) -> Any:
    if case in NOT_YET:
        return pytest.param(case, marks=pytest.mark.xfail(reason=NOT_YET[case], strict=False))
    return case


_parsed: dict[str, tuple[Record, Record]] = {}


def parsed(case: str) -> tuple[Record, Record]:
    """(expected record, parsed record) of a case, rendered and parsed once per session."""
    if case not in _parsed:
        layout, name = case.split(":")
        source = RECORDS[name]()
        data = render_layout(source, layout)
        if layout == "pdf-single-other":
            source = single_other_handling(source)
        # glued runs only tell what their arithmetic decides: the rest must read null
        want = glued_knowable(source) if "glued" in layout else expected_record(source)
        _parsed[case] = (want, parse_bytes(data))
    return _parsed[case]


# ---------------------------------------------------------------- comparing


def _cells(rec: Record) -> dict[str, Any]:
    out = {path: v for path, v in iter_cells(rec) if not path.startswith("legacy_stats.")}
    out["template"] = rec["template"]
    return out


def _legacy(rec: Record) -> list[tuple[Any, ...]]:
    return [(fold(r["label"]), r.get("unit"), r.get("value"), [fold(p) for p in r["path"]])
            for r in rec["legacy_stats"]]


def cell_diffs(want: Record, got: Record) -> list[str]:
    """Every cell (and the template) that differs: ``path: want … got …``."""
    w, g = _cells(want), _cells(got)
    out = [f"{k}: want {w.get(k, '<absent>')!r} got {g.get(k, '<absent>')!r}"
           for k in sorted(set(w) | set(g)) if w.get(k, "<absent>") != g.get(k, "<absent>")]
    wl, gl = _legacy(want), _legacy(got)
    for i in range(max(len(wl), len(gl))):
        a = wl[i] if i < len(wl) else None
        b = gl[i] if i < len(gl) else None
        if a != b:
            out.append(f"legacy_stats.{i}: want {a!r} got {b!r}")
    for i, row in enumerate(want["legacy_stats"]):
        cols = row.get("columns")
        if cols and len(cols) > 1:
            theirs = got["legacy_stats"][i].get("columns") if i < len(got["legacy_stats"]) else None
            if theirs != cols:
                out.append(f"legacy_stats.{i}.columns: want {cols!r} got {theirs!r}")
    return out


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_every_cell_reads_back(case: str) -> None:
    want, got = parsed(case)
    diffs = cell_diffs(want, got)
    total = len(_cells(want)) + sum(1 + len(r.get("columns") or {}) for r in want["legacy_stats"])
    assert not diffs, f"{len(diffs)} of {total} cells wrong:\n" + "\n".join(diffs[:25])


HTML_CASES = [c for c in CASES if c.startswith("html-") and "legacy" not in c]


@pytest.mark.parametrize("case", [_param(c + "#sections") if c + "#sections" in NOT_YET
                                  else c + "#sections" for c in HTML_CASES])
def test_plain_paragraph_headings_are_sections(case: str) -> None:
    want, got = parsed(case.split("#")[0])
    assert got["sections"] == want["sections"]


# ---------------------------------------------------------------- the generator vs real documents


#: the cells pingtan-zone-2019's editor left ``&nbsp;``-padded (read off its page.txt)
PINGTAN_2019_PADS = [
    "new_received.commercial",
    *(f"other_handling.{c}" for c in ("natural_person", "commercial", "research",
                                      "social_welfare", "legal_service")),
    *(f"results_total.{c}" for c in ("natural_person", "commercial", "social_welfare",
                                     "legal_service")),
    *(f"carried_forward.{c}" for c in ("label", "natural_person", "commercial",
                                       "social_welfare", "other_org")),
]


def test_glued_runs_are_the_real_page_text() -> None:
    """表三 and 表四 of the real pages, re-rendered from their hand-read cells, glue into
    exactly the digit runs of the archive's page.txt (the 2019 page keeps its one
    ``&nbsp;``-padded cell, ``230 000023``, and restarts its group cell before （四）)."""
    if not REAL.is_dir():
        pytest.skip(f"the real reports are not here ({REAL}); CI has them")
    for name, quirks in (("pingtan-zone-2023", {}),
                         ("pingtan-zone-2019", {"padded_cells": PINGTAN_2019_PADS,
                                                "group_split": "unable.not_held"})):
        d = json.loads((REAL / f"{name}.expected.json").read_text())
        rec = record_from_cells(d["cells"], d["template"])
        rec["provenance"] = dict(quirks)
        text = (REAL / f"{name}.txt").read_text()
        for rows in (t3_rows(rec), t4_rows(rec)):
            run = glue_rows(rows)
            assert run in text, (name, run[:200])


def test_html_is_editor_markup() -> None:
    word = editor_html(_g19(), "word").decode()
    assert 'rowspan="20"' in word and 'colspan="3" rowspan="3"' in word
    assert '本年增<span>/</span>减' in word and "<p align=\"center\"" in word
    ue = editor_html(_g21(), "ueditor").decode()
    assert 'rowspan="22"' in ue and "<p>商业</p><p>企业</p>" in ue and "结果<br/>纠正" in ue
    assert '<span style="font-family: 黑体, SimHei;">三、收到和处理政府信息公开申请情况</span></p>' in ue
    assert 'rowspan="20"' in editor_html(_g21_single(), "ueditor").decode()
    blanks = editor_html(_g21_blanks(), "ueditor").decode()
    assert blanks.count("<p><br/></p>") == 4


def test_pdf_wraps_labels_inside_cells() -> None:
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf(_hongze()))) as doc:
        lines = "\n".join(p.extract_text() or "" for p in doc.pages).splitlines()
    assert not any("2.其他法律行政法规禁止公开" in line for line in lines)
    assert any(line.startswith("2.其他法律行政法") for line in lines)
    assert any(line.startswith("（六）其他处理") for line in lines)  # one row, no sub-rows
    assert not any("逾期不补正" in line for line in lines)


def test_markdown_prints_rows_as_small_tables() -> None:
    md = markdown(_g21())
    assert "### (一) 予以公开\n\n| 数据1 | 数据2 | 数据3 | 数据4 | 数据5 | 数据6 | 总计 |" in md
    assert "#### 2. 其他法律行政法规禁止公开" in md


def test_legacy_shapes_print_like_the_real_pages() -> None:
    rec = _legacy12()
    glued = legacy_text(rec, glued=True)
    assert "指标名称计量单位2012年度历年累计主动公开信息数条" in glued
    spaced = legacy_text(rec)
    row = rec["legacy_stats"][1]
    cols = row["columns"]
    assert f"其中：1、网站公开 条 {cols['2012年度']} {cols['历年累计']}" in spaced
    # children add up to their parent in both columns
    parent = rec["legacy_stats"][0]
    kids = [r for r in rec["legacy_stats"] if r["path"] == [parent["label"]]]
    for col in ("2012年度", "历年累计"):
        assert parent["columns"][col] == sum(k["columns"][col] or 0 for k in kids)


def test_expected_record_drops_printed_subtotal() -> None:
    rec = _g21()
    node = copy.deepcopy(rec)["applications"]["other_handling"]
    rec["applications"]["other_handling"]["printed"] = node["other"]
    assert "printed" not in expected_record(rec)["applications"]["other_handling"]
    assert glued_text(rec).count("（六）其他处理") == 1


def test_glued_oracle_is_brute_force() -> None:
    """The expectation for glued layouts: a row keeps its numbers only when one split fits."""

    def totals(run: str) -> list[tuple[int, ...]]:
        splits = (tuple(int(t) for t in sp) for sp in digit_splits(run, ("int",) * 7))
        return [v for v in splits if v[6] == sum(v[:6])]

    assert totals("801000081") == [(80, 1, 0, 0, 0, 0, 81)]
    assert totals("230 000023") == [(23, 0, 0, 0, 0, 0, 23)]
    assert sorted(totals("220000022")) == [(2, 20, 0, 0, 0, 0, 22), (22, 0, 0, 0, 0, 0, 22)]
    assert digit_splits("294", ("int",) * 3) == [("2", "9", "4")]
    assert len(digit_splits("346-1139", ("int", "signed", "int"))) > 1
