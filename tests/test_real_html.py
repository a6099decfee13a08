"""What real portal detail pages do to an HTML report, each in a few lines of made-up markup.

Found by reading real TRS detail pages of one portal (2009–2025) cell by cell against
``nianbao parse``; none of these snippets is copied from a page, they only reproduce the
markup feature:

- the page frame: a long run of navigation before the report and a footer after it,
  a ``<title>`` that carries the column and site after the report's name;
- Word's way with tables: one ``<span>`` per style change inside a cell (cutting labels and
  numbers in two), and rows of one table cut on different grid lines (a value cell over
  two grid columns under a header cell over one);
- reports posted as a covering letter (``某局关于报送2020年度…报告的函``) with the title
  broken over two paragraphs, and old reports whose heading omits the agency;
- pages that carry only a title and an attached file.
"""

from __future__ import annotations

from typing import Any

import pytest

from archive.parse import parse_bytes


def _page(body: str, *, title: str, article_title: str | None = None,
          pubdate: str = "2021-01-28 09:00", nav: int = 20, footer: int = 20) -> bytes:
    meta = f'<meta name="ArticleTitle" content="{article_title}"/>' if article_title else ""
    menu = "".join(f"<li><a href='/c{i}/'>栏目{i}</a></li>" for i in range(nav))
    links = "".join(f"<li><a href='http://x{i}.example/'>友情链接{i}</a></li>" for i in range(footer))
    return (f"<html><head><meta charset='utf-8'/>{meta}<meta name='PubDate' content='{pubdate}'/>"
            f"<title>{title}</title></head><body><ul class='nav'>{menu}</ul>"
            f"<div class='breadcrumb'><a>首页</a> <a>政务公开</a></div>"
            f"<div class='article_title'>{article_title or ''}</div>"
            f"<span>时间：{pubdate}</span><div class='TRS_Editor'>{body}</div>"
            f"<div class='footer'><ul>{links}</ul><p>网站标识码：0000000000</p>"
            f"<p>主办单位：某某管理委员会办公室</p></div></body></html>").encode()


def _td(text: str, cs: int = 1, rs: int = 1) -> str:
    span = (f' colspan="{cs}"' if cs > 1 else "") + (f' rowspan="{rs}"' if rs > 1 else "")
    return f"<td{span}><p>{text}</p></td>"


def _tr(*cells: str) -> str:
    return "<tr>" + "".join(cells) + "</tr>"


def _gov2019_t2(grid_shift: bool) -> str:
    """表二 (2019) on a five-column grid; with ``grid_shift`` the rows from 第（五）项 on are
    cut one grid line further right than their header, as Word leaves a merged table."""
    head = _tr(_td("信息内容"), _td("上一年项目数量"), _td("本年增/减", 2), _td("处理决定数量"))

    def row(label: str, a: str, b: str, c: str) -> str:
        if grid_shift:
            return _tr(_td(label), _td(a, 2), _td(b), _td(c))
        return _tr(_td(label), _td(a), _td(b, 2), _td(c))

    two = _tr(_td("信息内容"), _td("上一年项目数量"), _td("本年增/减", 3))
    buy = _tr(_td("信息内容"), _td("采购项目数量"), _td("采购总金额", 3))
    return ("<table>"
            + _tr(_td("第二十条第（一）项", 5))
            + _tr(_td("信息内容"), _td("本年新制作数量"), _td("本年新公开数量", 2), _td("对外公开总数量"))
            + _tr(_td("规章"), _td("0"), _td("0", 2), _td("0"))
            + _tr(_td("规范性文件"), _td("2"), _td("2", 2), _td("9"))
            + _tr(_td("第二十条第（五）项", 5)) + head
            + row("行政许可", "4", "-1", "37") + row("其他对外管理服务事项", "1", "1", "0")
            + _tr(_td("第二十条第（六）项", 5)) + head
            + row("行政处罚", "53", "40", "103") + row("行政强制", "3", "1", "0")
            + _tr(_td("第二十条第（八）项", 5)) + two
            + (_tr(_td("行政事业性收费"), _td("0", 2), _td("0", 2)) if grid_shift
               else _tr(_td("行政事业性收费"), _td("0"), _td("0", 3)))
            + _tr(_td("第二十条第（九）项", 5)) + buy
            + (_tr(_td("政府集中采购"), _td("16", 2), _td("1089059", 2)) if grid_shift
               else _tr(_td("政府集中采购"), _td("16"), _td("1089059", 3)))
            + "</table>")


def _t2(rec: dict[str, Any]) -> dict[str, Any]:
    ad = rec["active_disclosure"]
    return {"licensing": ad["licensing"], "other_services": ad["other_services"],
            "penalty": ad["penalty"], "enforcement": ad["enforcement"],
            "fees": ad["fees"], "projects": ad["procurement"]["projects"],
            "amount": ad["procurement"]["amount"]["text"], "norm": ad["normative_documents"]}


def test_word_grid_shift_reads_the_cells_not_the_slots() -> None:
    straight = parse_bytes(_page(_gov2019_t2(False), title="某局2020年度政府信息公开工作年度报告"))
    shifted = parse_bytes(_page(_gov2019_t2(True), title="某局2020年度政府信息公开工作年度报告"))
    want = {"licensing": {"previous_count": 4, "change": -1, "decisions": 37},
            "other_services": {"previous_count": 1, "change": 1, "decisions": 0},
            "penalty": {"previous_count": 53, "change": 40, "decisions": 103},
            "enforcement": {"previous_count": 3, "change": 1, "decisions": 0},
            "fees": {"previous_count": 0, "change": 0}, "projects": 16, "amount": "1089059",
            "norm": {"made": 2, "published": 2, "total_public": 9}}
    assert _t2(straight) == want
    assert _t2(shifted) == want


def test_word_spans_inside_a_cell_do_not_cut_labels_or_numbers() -> None:
    cells = ("<td><span>指标</span><span>名称</span></td><td>计量单位</td><td>年末统计</td>")
    rows = [("主动公开信息数", "条", "<span>1</span><span>2</span>"),
            ("其中：<span lang='EN-US'>1</span>．网站公开", "条", "<span>1</span><span>2</span>"),
            ("&nbsp;&nbsp;&nbsp;<span>2</span>．政府公报公开", "条", "0"),
            ("行政复议数", "件", "0")]
    table = "<table><tr>" + cells + "</tr>" + "".join(
        f"<tr><td><p><span>{a}</span></p></td><td><p>{b}</p></td><td><p>{c}</p></td></tr>"
        for a, b, c in rows) + "</table>"
    rec = parse_bytes(_page(f"<p>附表：</p>{table}", title="某县某局2010年度政府信息公开年度报告"))
    assert rec["template"] == "legacy"
    got = [(r["label"], r["value"]) for r in rec["legacy_stats"]]
    assert got == [("主动公开信息数", 12), ("其中：1．网站公开", 12), ("2．政府公报公开", 0),
                   ("行政复议数", 0)]


_FRAME = "某某片区管理局2023年政府信息公开工作年度报告"
_LETTER = "某某片区管理局关于报送2020年度政府信息公开工作年度报告的函"
_OLD = "某县某局2009年度政府信息公开年度报告"
_HEADER_CASES = {
    # a long frame on both sides; the 落款 line wins over the posting date
    "frame": (("<p>一、总体情况</p><p>本报告所列数据的统计期限自2023年1月1日至2023年12月31日。</p>"
               "<p>六、其他需要报告的事项</p><p>无。</p><p style='text-align:right'>某某片区管理局</p>"
               "<p style='text-align:right'>2024年1月3日</p>"),
              _FRAME, "2024-01-04 09:30", 40,
              (_FRAME, "某某片区管理局", 2023, "2024-01-03")),
    # no ArticleTitle meta and no date line: the <title> without its trail, the 发布时间
    "no_meta": ("<p>一、总体情况</p><p>无。</p>", None, "2023-01-09 19:52", 40,
                ("某某局2022年政府信息公开工作年度报告", "某某局", 2022, "2023-01-09")),
    # a covering letter whose title runs over two paragraphs
    "letter": (("<p><span>某某片区管理局关于报送</span><span>2020</span><span>年度</span></p>"
                "<p><span>政府信息公开工作年度报告的函</span></p><p>区办公室：</p>"
                "<p>现公布我局2020年信息公开工作年度报告。</p><p>某某片区管理局</p><p>2021年1月26日</p>"),
               _LETTER, "2021-01-28 09:00", 20, (_LETTER, "某某片区管理局", 2020, "2021-01-26")),
    # a heading without the agency, a 落款 in Chinese numerals before the 附表
    "old": (("<p><b><span>2009</span></b><b><span>年度政府信息公开年度报告</span></b></p>"
             "<p>一、年度政府信息公开工作概述</p><p>无。</p>"
             "<p>某县某局</p><p>二<span>○</span>一<span>○</span>年四月十日</p><p>附表：</p>"),
            _OLD, "2010-05-12 00:00", 20, (_OLD, "某县某局", 2009, "2010-04-10")),
}


@pytest.mark.parametrize("case", sorted(_HEADER_CASES))
def test_title_agency_year_and_date_of_a_portal_page(case: str) -> None:
    body, article, pubdate, frame, want = _HEADER_CASES[case]
    name = article or want[0]
    rec = parse_bytes(_page(body, title=f"{name}_政府信息公开年报_某某网站", article_title=article,
                            pubdate=pubdate, nav=frame, footer=frame))
    assert (rec["title"], rec["agency"], rec["year"], rec["published_on"]) == want


def test_page_with_only_an_attachment_says_so() -> None:
    name = "某某局2020年政府信息公开工作年度报告"
    body = f"<p>{name}</p>"
    page = _page(body, title=name, article_title=name).replace(
        b"<div class='footer'>",
        f"<ul id='file_ul_fj'><li><a href='./P0200001.doc'>{name}.doc</a></li></ul>"
        "<div class='footer'>".encode())
    rec = parse_bytes(page)
    assert rec["template"] == "unknown"
    assert any("附件" in n and f"{name}.doc" in n for n in rec["notes"])


def test_a_link_to_another_years_report_in_the_frame_is_no_title() -> None:
    name = "某某局2023年政府信息公开工作年度报告"
    side = "".join(f"<li><a href='/n{i}/'>栏目{i}</a></li>" for i in range(15))
    body = "<p>一、总体情况</p><p>无。</p><p>某某局</p><p>2024年1月20日</p>"
    page = _page(body, title=name, article_title=name, nav=0).replace(
        b"<div class='breadcrumb'>",
        f"<ul>{side}<li><a href='/old/'>某某局2022年政府信息公开工作年度报告</a></li></ul>"
        "<div class='breadcrumb'>".encode())
    rec = parse_bytes(page)
    assert (rec["year"], rec["title"]) == (2023, name)
