"""The pre-2019 统计表 in the shapes real reports print it (archive/legacy/).

The inputs are written for these tests, modelled on what a Fujian portal's 2009–2018
department reports look like (table header ``指标名称 计量单位 2013年度 历年累计``; rows
such as 主动公开信息数 with ``其中：1.`` children; spaced, glued or gridded); none is copied.
"""

from __future__ import annotations

import random
from itertools import product
from typing import Any

import pytest
from helpers import seed_bytes

from archive.document import Document, Paragraph, Table, fold
from archive.extract import extract
from archive.glued import cell_splits
from archive.legacy import is_legacy, legacy_stats
from archive.legacy.cells import candidates
from archive.record import LegacyRow, legacy_rows_under
from archive.render import render
from archive.samples import sample_record


def rows_of(text: str, notes: list[str] | None = None) -> list[LegacyRow]:
    return legacy_stats(extract(text.encode("utf-8")), notes)


def brief(rows: list[LegacyRow]) -> list[tuple[Any, ...]]:
    return [(r["label"], r["unit"], r.get("columns", r["value"]), r["path"]) for r in rows]


# ---------------------------------------------------------------- the shapes


def test_spaced_text_one_column_year_end_figure() -> None:
    text = ("五、存在的主要问题 略。 某县某局 二○一○年三月二日 附表： 指标名称 计量单位 年末统计 "
            "主动公开信息数 条 12 其中：1．网站公开 条 11 2．政府公报公开 条 1 "
            "受理依申请公开信息总数 条 2 其中：1．当面申请数 条 2 2．传真申请数 条 0 "
            "3．电子邮件申请数 条 0 对申请的答复总数 条 2 其中：1．同意公开答复数 条 1 "
            "2．同意部分公开答复数 条 1 3．否决公开答复总数 条 0 行政复议数 件 0 行政诉讼数 件 0 "
            "行政申诉数 件 0 附件下载")
    assert is_legacy(fold(text))
    rows = rows_of(text)
    assert brief(rows) == [
        ("主动公开信息数", "条", 12, []),
        ("其中：1．网站公开", "条", 11, ["主动公开信息数"]),
        ("2．政府公报公开", "条", 1, ["主动公开信息数"]),
        ("受理依申请公开信息总数", "条", 2, []),
        ("其中：1．当面申请数", "条", 2, ["受理依申请公开信息总数"]),
        ("2．传真申请数", "条", 0, ["受理依申请公开信息总数"]),
        ("3．电子邮件申请数", "条", 0, ["受理依申请公开信息总数"]),
        ("对申请的答复总数", "条", 2, []),
        ("其中：1．同意公开答复数", "条", 1, ["对申请的答复总数"]),
        ("2．同意部分公开答复数", "条", 1, ["对申请的答复总数"]),
        ("3．否决公开答复总数", "条", 0, ["对申请的答复总数"]),
        ("行政复议数", "件", 0, []),
        ("行政诉讼数", "件", 0, []),
        ("行政申诉数", "件", 0, []),
    ]
    # the parents add up through their paths
    for i, r in enumerate(rows):
        kids = legacy_rows_under(rows, i)
        if kids:
            assert sum(rows[j]["value"] or 0 for j in kids) == r["value"]


def test_spaced_text_two_columns_year_and_cumulative() -> None:
    text = ("附件 某局2013年度政府信息公开工作统计数据 指 标 名 称 计量 单位 2013 年度 历年累计 "
            "主动公开信息数 条 120 310 其中：1.政府网站公开数 条 120 310 2.政府公报公开数 条 0 0 "
            "受理政府信息公开申请总数 条 4 6 其中：1.当面申请数 条 1 2 2.网上申请数 条 3 4 "
            "对申请的答复总数 条 4 6 其中：1同意公开答复数 条 4 5 2.不予公开答复数 条 0 1 "
            "政府信息公开收费减免金额 元 0 0 行政复议数 件 0 1 接受行政申诉、举报数 件 0 0")
    rows = rows_of(text)
    assert len(rows) == 12
    assert rows[0]["value"] == 120
    assert rows[0]["columns"] == {"2013年度": 120, "历年累计": 310}
    assert rows[6]["label"] == "对申请的答复总数" and rows[6]["path"] == []
    assert rows[7]["label"] == "其中：1同意公开答复数"
    assert rows[7]["path"] == rows[8]["path"] == ["对申请的答复总数"]
    assert (rows[9]["unit"], rows[9]["columns"]) == ("元", {"2013年度": 0, "历年累计": 0})
    assert rows[10]["columns"] == {"2013年度": 0, "历年累计": 1}
    assert rows[11]["label"] == "接受行政申诉、举报数"


def test_glued_text_next_row_number_sticks_to_the_values() -> None:
    # ``条28882、政府公报`` is 28 | 88 and then row 2; 3090 is 30 | 90 because 28 + 2 = 30
    text = ("附件：某局信息公开情况统计表 指标名称计量单位2013年度历年累计主动公开信息数条3090"
            "其中：1、网站公开条28882、政府公报公开条22受理依申请公开信息总数条25其中：1、当面申请数条00"
            "2、网上申请数条133、信函申请数条12对申请的答复总数条25其中：1、同意公开答复数条13"
            "2、同意部分公开答复数条003、否决公开答复数条12行政复议数件00行政诉讼数件01行政申诉、举报数件00")
    notes: list[str] = []
    rows = rows_of(text, notes)
    assert notes == []
    assert [(r["label"], r["columns"]["2013年度"], r["columns"]["历年累计"]) for r in rows] == [
        ("主动公开信息数", 30, 90),
        ("其中：1、网站公开", 28, 88),
        ("2、政府公报公开", 2, 2),
        ("受理依申请公开信息总数", 2, 5),
        ("其中：1、当面申请数", 0, 0),
        ("2、网上申请数", 1, 3),
        ("3、信函申请数", 1, 2),
        ("对申请的答复总数", 2, 5),
        ("其中：1、同意公开答复数", 1, 3),
        ("2、同意部分公开答复数", 0, 0),
        ("3、否决公开答复数", 1, 2),
        ("行政复议数", 0, 0),
        ("行政诉讼数", 0, 1),
        ("行政申诉、举报数", 0, 0),
    ]
    assert [r["value"] for r in rows][:4] == [30, 28, 2, 2]


def test_glued_one_column_and_spaces_between_some_rows() -> None:
    text = ("附表：指标名称计量单位年末统计主动公开信息数条7其中：1．网站公开条7 2．政府公报公开条0"
            "受理依申请公开信息总数条0其中：1．当面申请数条0 2．传真申请数条0 3．电子邮件申请数条0 "
            "4. 网上申请数条0对申请的答复总数条0行政复议数件0行政申诉数件0")
    rows = rows_of(text)
    assert [(fold(r["label"]), r["value"]) for r in rows] == [
        ("主动公开信息数", 7), ("其中:1.网站公开", 7), ("2.政府公报公开", 0),
        ("受理依申请公开信息总数", 0), ("其中:1.当面申请数", 0), ("2.传真申请数", 0),
        ("3.电子邮件申请数", 0), ("4.网上申请数", 0), ("对申请的答复总数", 0),
        ("行政复议数", 0), ("行政申诉数", 0)]
    assert "columns" not in rows[0]


def test_glued_run_settled_by_the_reports_own_prose() -> None:
    # 152219 could be 1|52219, 15|2219 or 152|219; the report says 152 in its text.
    text = ("二、主动公开政府信息情况 本年度主动公开政府信息152条，历年累计219条。\n"
            "七、统计表 指标名称计量单位2015年度历年累计主动公开文件数条152219"
            "其中：1、政府网站公开数条1522192、政府公报公开数条00")
    rows = rows_of(text)
    assert [r["columns"] for r in rows] == [
        {"2015年度": 152, "历年累计": 219}, {"2015年度": 152, "历年累计": 219},
        {"2015年度": 0, "历年累计": 0}]


def test_prose_wins_over_cumulative_order_when_the_table_itself_is_inconsistent() -> None:
    # printed 10774 for 本年 107, 历年累计 74 (a real kind of slip): the prose says 107
    text = ("我局本年主动公开政府信息107条。\n附件 统计表 指 标 名 称单位2017年历年累计"
            "主动公开文件数条10774 其中：1.政府网站公开数条10774 2.政府公报公开数条00")
    rows = rows_of(text)
    assert rows[0]["columns"] == {"2017年": 107, "历年累计": 74}
    assert rows[0]["value"] == 107


def test_glued_run_settled_by_the_sum_of_its_children() -> None:
    # 2424 alone is 2|424 or 24|24; its children 20|20 and 4|4 make it 24|24
    text = ("指标名称计量单位2012年度历年累计主动公开信息数条2424其中：1、网站公开条2020"
            "2、政府公报公开条44受理依申请公开信息总数条00")
    notes: list[str] = []
    rows = rows_of(text, notes)
    assert [r["columns"]["2012年度"] for r in rows] == [24, 20, 4, 0]
    assert rows[0]["columns"]["历年累计"] == 24
    assert notes == []


def test_an_ambiguous_glued_run_is_null_with_its_candidates_noted() -> None:
    text = "指标名称计量单位2014年度历年累计受理依申请公开信息总数条2424行政复议数件00"
    notes: list[str] = []
    rows = rows_of(text, notes)
    assert rows[0]["value"] is None
    assert rows[0]["columns"] == {"2014年度": None, "历年累计": None}
    assert rows[1]["columns"] == {"2014年度": 0, "历年累计": 0}
    assert len(notes) == 1 and "2/424" in notes[0] and "24/24" in notes[0]


def test_gov_form_as_one_text_paragraph_with_dash_units() -> None:
    text = ("附件 某区政府信息公开情况统计表 统计指标 单位 统计数 一、主动公开情况 —— "
            "（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条） 条 40 "
            "其中：主动公开规范性文件数 条 2 制发规范性文件总数 件 3 "
            "（二）通过不同渠道和方式公开政府信息的情况 —— 1.政府公报公开政府信息数 条 "
            "2.政府网站公开政府信息数 条 40 七、依申请公开信息收取的费用 万元 0.3 "
            "八、机构建设和保障经费情况 —— （三）从事政府信息公开工作人员数 人 2 "
            "1.专职人员数 人 1 2.兼职人员数 人 1 （三）接受培训人员数 人次 15")
    rows = rows_of(text)
    assert brief(rows) == [
        ("一、主动公开情况", "——", None, []),
        ("（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）", "条", 40, ["一、主动公开情况"]),
        ("其中：主动公开规范性文件数", "条", 2, ["一、主动公开情况", "（一）主动公开政府信息数"]),
        ("制发规范性文件总数", "件", 3, ["一、主动公开情况", "（一）主动公开政府信息数"]),
        ("（二）通过不同渠道和方式公开政府信息的情况", "——", None, ["一、主动公开情况"]),
        ("1.政府公报公开政府信息数", "条", None,
         ["一、主动公开情况", "（二）通过不同渠道和方式公开政府信息的情况"]),
        ("2.政府网站公开政府信息数", "条", 40,
         ["一、主动公开情况", "（二）通过不同渠道和方式公开政府信息的情况"]),
        ("七、依申请公开信息收取的费用", "万元", 0.3, []),
        ("八、机构建设和保障经费情况", "——", None, []),
        ("（三）从事政府信息公开工作人员数", "人", 2, ["八、机构建设和保障经费情况"]),
        ("1.专职人员数", "人", 1, ["八、机构建设和保障经费情况", "（三）从事政府信息公开工作人员数"]),
        ("2.兼职人员数", "人", 1, ["八、机构建设和保障经费情况", "（三）从事政府信息公开工作人员数"]),
        ("（三）接受培训人员数", "人次", 15, ["八、机构建设和保障经费情况"]),
    ]


EDITOR_HTML = """<html><head><meta charset="utf-8"></head><body>
<p>某局2012年度政府信息公开年度报告</p><p>全年主动公开政府信息41条。</p>
<table border="1"><tbody>
<tr><td colspan="5"><p><span style="font-size:14px">某局政府信息公开情况统计表</span></p></td></tr>
<tr><td colspan="2" rowspan="2"><p>指标名称</p></td><td rowspan="2">计量单位</td>
    <td colspan="2"><span>统计数</span></td></tr>
<tr><td>2012年度</td><td>历年累计</td></tr>
<tr><td colspan="2">主动公开信息数</td><td>条</td><td>41</td><td>97</td></tr>
<tr><td rowspan="2">其中：</td><td><p>1、网站公开</p></td><td>条</td><td>41</td><td>95</td></tr>
<tr><td>2、政府公报公开</td><td>条</td><td>0</td><td>2</td></tr>
<tr><td colspan="2">受理依申请公开信息总数</td><td>条</td><td>&nbsp;</td><td>3</td></tr>
<tr><td colspan="2">政府信息公开收费减免金额</td><td>万元</td><td>0.5</td><td>1.25</td></tr>
<tr><td colspan="2">行政申诉、举报数</td><td>件</td><td>0</td><td>0</td></tr>
</tbody></table><p>某局</p><p>2013年3月1日</p></body></html>"""


def test_editor_html_table_with_spans_blank_cells_and_decimals() -> None:
    doc = extract(EDITOR_HTML.encode("utf-8"))
    assert is_legacy(fold(doc.text()))
    notes: list[str] = []
    rows = legacy_stats(doc, notes)
    assert [(fold(r["label"]), r["unit"], r["value"], r["path"], r["columns"]) for r in rows] == [
        ("主动公开信息数", "条", 41, [], {"2012年度": 41, "历年累计": 97}),
        ("其中:1、网站公开", "条", 41, ["主动公开信息数"], {"2012年度": 41, "历年累计": 95}),
        ("2、政府公报公开", "条", 0, ["主动公开信息数"], {"2012年度": 0, "历年累计": 2}),
        ("受理依申请公开信息总数", "条", None, [], {"2012年度": None, "历年累计": 3}),
        ("政府信息公开收费减免金额", "万元", 0.5, [], {"2012年度": 0.5, "历年累计": 1.25}),
        ("行政申诉、举报数", "件", 0, [], {"2012年度": 0, "历年累计": 0}),
    ]
    assert notes == []


def test_grid_with_a_cumulative_column_first_still_reports_the_year() -> None:
    doc = Document(blocks=[Table(rows=[
        ["指标名称", "单位", "历年累计", "本年度"],
        ["主动公开信息数", "条", "60", "15"],
        ["行政复议数", "件", "1", "0"],
    ])])
    rows = legacy_stats(doc)
    assert [r["value"] for r in rows] == [15, 0]
    assert rows[0]["columns"] == {"历年累计": 60, "本年度": 15}


def test_table_split_over_pages_and_a_page_number_between() -> None:
    doc = Document(blocks=[
        Paragraph("附件：统计表"),
        Table(rows=[["统计指标", "单位", "统计数"], ["四、行政复议数量", "件", "2"],
                    ["（一）维持具体行政行为数", "件", "1"]]),
        Paragraph("- 5 -"),
        Table(rows=[["统计指标", "单位", "统计数"], ["（二）被依法纠错数", "件", "1"],
                    ["（三）其他情形数", "件", "0"]]),
    ])
    rows = legacy_stats(doc)
    assert [(r["label"], r["value"], r["path"]) for r in rows] == [
        ("四、行政复议数量", 2, []),
        ("（一）维持具体行政行为数", 1, ["四、行政复议数量"]),
        ("（二）被依法纠错数", 1, ["四、行政复议数量"]),
        ("（三）其他情形数", 0, ["四、行政复议数量"]),
    ]


def test_no_statistics_table_gives_no_rows() -> None:
    text = "一、概述 本年主动公开政府信息12条。二、依申请公开情况 未收到申请。"
    assert rows_of(text) == []
    assert not is_legacy(fold(text))


# ---------------------------------------------------------------- recognition


@pytest.mark.parametrize("text", [
    "统计指标 单位 统计数 一、主动公开情况 ——",
    "指标名称 计量单位 2012年度 历年累计 主动公开信息数 条 24 24",
    "指 标 名 称单位2017年历年累计主动公开文件数条10774",
    "附表：指标名称计量单位年末统计主动公开信息数条3",
    # no header at all, only the rows
    "主动公开信息数 条 5 受理依申请公开信息总数 条 0 对申请的答复总数 条 0 同意公开答复数 条 0",
])
def test_is_legacy_recognises_every_header_shape(text: str) -> None:
    assert is_legacy(fold(text))


@pytest.mark.parametrize("text", [
    "一、本年新收政府信息公开申请数量 自然人 本年新制作数量 本年新公开数量 对外公开总数量",
    "本年制发件数 本年废止件数 现行有效件数 一、本年新收政府信息公开申请数量 指标名称 计量单位",
    "一、总体情况 本年主动公开政府信息 100 条，受理申请 3 件。",
])
def test_is_legacy_leaves_modern_reports_and_prose_alone(text: str) -> None:
    assert not is_legacy(fold(text))


# ---------------------------------------------------------------- glued runs


def _brute(run: str, k: int) -> set[tuple[str, ...]]:
    out = set()
    for cut in product([False, True], repeat=len(run) - 1):
        if sum(cut) != k - 1:
            continue
        parts, cur = [], run[0]
        for ch, c in zip(run[1:], cut, strict=True):
            if c:
                parts.append(cur)
                cur = ch
            else:
                cur += ch
        parts.append(cur)
        if all(p == "0" or not p.startswith("0") for p in parts):
            out.add(tuple(parts))
    return out


def test_digit_run_cuts_agree_with_brute_force() -> None:
    rng = random.Random(12)
    for _ in range(300):
        run = str(rng.choice([0, rng.randint(1, 9), rng.randint(10, 999)])) + str(
            rng.choice([0, rng.randint(1, 9999)]))
        for k in (1, 2, 3):
            if k <= len(run):
                assert set(cell_splits([run], k)[0]) == _brute(run, k)
        assert set(candidates([run], 2)) == _brute(run, 2)


def test_candidates_keep_spaced_tokens_whole() -> None:
    assert candidates(["12", "30"], 2) == [("12", "30")]
    assert candidates(["105", "7"], 3) == [("10", "5", "7")]  # never 1|05


# ---------------------------------------------------------------- what the parser reads today


def _legacy_rows(rows: list[LegacyRow]) -> list[tuple[Any, ...]]:
    # labels compared folded: a PDF cell wraps its label over lines
    return [(fold(r["label"]), r["unit"], r["value"], [fold(p) for p in r["path"]]) for r in rows]


def _blank(rec: Any) -> Any:
    rec["legacy_stats"][5]["value"] = None
    return rec


SAMPLES = {
    "legacy": lambda: sample_record("固原市原州区人民政府", 2014, "legacy", 0),
    "legacy-blank": lambda: _blank(sample_record("沙坡头区机关事务局", 2016, "legacy", 3)),
}
FORMATS = [("html", "utf-8"), ("html", "gb18030"), ("docx", "utf-8"), ("pdf", "utf-8")]


@pytest.mark.parametrize("fmt,encoding", FORMATS, ids=[f"{f}-{e}" for f, e in FORMATS])
@pytest.mark.parametrize("case", list(SAMPLES))
def test_sample_renderings_read_back_to_their_records(case: str, fmt: str, encoding: str) -> None:
    source = SAMPLES[case]()
    doc = extract(render(source, fmt, encoding=encoding))
    assert is_legacy(fold(doc.text()))
    assert _legacy_rows(legacy_stats(doc)) == _legacy_rows(source["legacy_stats"])


def test_seed001_statistics_table() -> None:
    doc = extract(seed_bytes("001"))
    assert is_legacy(fold(doc.text()))
    rows = legacy_stats(doc)
    by_label = {r["label"]: r for r in rows}
    assert len(rows) == 65
    assert rows[0] == {"label": "一、主动公开情况", "unit": "——", "value": 83, "path": []}
    assert rows[1]["unit"] == "条" and rows[1]["value"] == 83
    assert rows[1]["path"] == ["一、主动公开情况"]
    assert by_label["2. 政府网站公开政府信息数"]["value"] == 54
    assert by_label["2. 政府网站公开政府信息数"]["path"] == [
        "一、主动公开情况", "（二）通过不同渠道和方式公开政府信息的情况"]
    assert by_label["二、回应解读情况"]["value"] is None
    assert by_label["（三）从事政府信息公开工作人员数"]["value"] == 0
    assert by_label["（三）接受培训人员数"]["unit"] == "人次"
    assert by_label["涉及商业秘密"]["path"] == [
        "三、依申请公开情况", "（三）申请答复数", "4. 不同意公开答复数"]
    assert all("columns" not in r for r in rows)
