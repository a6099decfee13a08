"""The page-reading rules behind the crawler, one hard case (``docs/platforms.md``) each."""

from __future__ import annotations

import datetime as dt
import json

from parsel import Selector

from crawler.adapters import Follow, hanweb, json_page, parse_listing, trs_pages
from crawler.discovery import candidates
from crawler.downloadermiddlewares.guard import is_public
from crawler.pages import (
    attachment_rank,
    decode,
    is_attachment,
    js_links,
    links,
    posted_date,
    report_year,
    selector,
)

URL = "http://gov.example/zfxxgk/zfxxgknb/index.html"


def test_trs_count_page_beats_a_stale_commented_call() -> None:
    text = ('//createPageHTML(9, 0, "index", "html");\nvar currentPage = 0;//所在页从0开始\n'
            'var countPage = 3;//共多少页')
    assert trs_pages(text, URL) == ["http://gov.example/zfxxgk/zfxxgknb/index_1.html",
                                    "http://gov.example/zfxxgk/zfxxgknb/index_2.html"]


def test_trs_six_argument_call_in_a_comment_is_one_based() -> None:
    url = "http://gov.example/xxgk/xxgknb/zwgklist.shtml"
    text = "<!-- <script>createPageHTML('page_div',3, 1,'zwgklist','shtml',12);</script> -->"
    assert trs_pages(text, url) == ["http://gov.example/xxgk/xxgknb/zwgklist_2.shtml",
                                    "http://gov.example/xxgk/xxgknb/zwgklist_3.shtml"]
    assert trs_pages("var countPage = 1;", URL) == []
    assert trs_pages("<p>no pager</p>", URL) is None


def test_hanweb_embedded_group_then_clamped_dataproxy_calls() -> None:
    rec = ('<record><![CDATA[<li><a href="/art/2025/1/9/art_1_{i}.html" title="某局{y}年政府'
           '信息公开工作年度报告">某局…</a><b>2025-01-09</b></li>]]></record>')
    text = ("<div id=\"7\"><script type=\"text/xml\"><datastore><recordset>"
            + "".join(rec.format(i=i, y=2024 - i) for i in range(6))
            + "</recordset></datastore></script></div><script>$('#7').jpage({totalRecord:10,"
            "perPage:2,proxyUrl:'/module/web/jpage/dataproxy.jsp',webid:'3',unitid:'7',"
            "columnid:'55'});</script>")
    lst = hanweb(text, "http://gov.example/col/col55/index.html")
    assert lst is not None and [it.title[2:6] for it in lst.items] == \
        ["2024", "2023", "2022", "2021", "2020", "2019"]
    (f,) = lst.follows
    assert f.method == "POST" and "startrecord=7&endrecord=10&perpage=2" in f.url
    assert f.headers["X-Requested-With"] == "XMLHttpRequest" and f.headers["Referer"]
    assert b"columnid=55" in (f.body or b"")


def test_json_list_api_with_urls_as_a_json_string() -> None:
    body = json.dumps({"data": {"total": 4, "results": [
        {"source": {"title": "某局2023年政府信息公开工作年度报告", "pubDate": "2024-01-20 09:00",
                    "urls": json.dumps({"pc": "/jcms/art/2024/art_ab.html"})}},
        {"source": {"title": "关于某事的通知", "urls": "{\"pc\": \"/x.html\"}"}}]}}).encode()
    f = Follow("http://gov.example/jcms/queryList", "api", "POST", b"{}", {}, "json",
               {"params": {"pageSize": 2}, "page": 1})
    lst = json_page(body, f)
    assert [(i.url, i.date) for i in lst.items] == [
        ("http://gov.example/jcms/art/2024/art_ab.html", dt.date(2024, 1, 20))]
    assert json.loads(lst.follows[0].body or b"")["pageNo"] == 2


def test_titles_dates_and_truncated_links() -> None:
    assert report_year("某市教育局2023年度政府信息公开工作年度报告（图片版）") == 2023
    assert report_year("某市2023年政府信息公开 工作年报") == 2023
    assert report_year("关于印发2024年政务公开工作要点的通知") is None
    page = ("<td>索\u3000引\u3000号：</td><td>000014349/2026-02-00018</td>"
            "<td>成文日期：</td><td>2026年01月11日</td><div>发布时间：2026-01-15 10:19</div>")
    assert posted_date(page) == dt.date(2026, 1, 15)
    sel = Selector(text='<ul><li><span>2024-01-02</span><a href="./202401/t1.html" '
                        'title="某局2023年政府信息公开工作年度报告">某局2023年政府信息…</a></li></ul>')
    lst = parse_listing(b"", sel.get(), URL, sel, True)
    assert [(i.title, i.url, i.date) for i in lst.items] == [
        ("某局2023年政府信息公开工作年度报告",
         "http://gov.example/zfxxgk/zfxxgknb/202401/t1.html", dt.date(2024, 1, 2))]


def test_gbk_bytes_labelled_utf8_are_read() -> None:
    body = '<html><head><meta charset="gb2312"></head><body>政府信息公开年报</body></html>'
    assert "政府信息公开年报" in decode(body.encode("gb18030"), "utf-8")


def test_column_found_by_text_then_slug_and_year_subcolumns() -> None:
    sel = selector('<a href="/a/">政务公开</a><a href="/zfxxgk/zfxxgknb/">政府信息公开年报</a>'
                   '<a href="/gkml/xxgknb/index.html">更多</a>'.encode())
    found = candidates(sel.get(), "http://gov.example/", sel)
    assert [(c.url, c.column) for c in found] == [
        ("http://gov.example/zfxxgk/zfxxgknb/", True),
        ("http://gov.example/gkml/xxgknb/index.html", True), ("http://gov.example/a/", False)]
    sel = selector(b'<ul id="nb_list"><li><a href="./2024/index.html">2024</a></li></ul>')
    lst = parse_listing(b"", sel.get(), URL, sel, True)
    assert lst.subcolumns == ["http://gov.example/zfxxgk/zfxxgknb/2024/index.html"]


def test_attachments_from_markup_and_scripts() -> None:
    text = ('<base href="/jcms/"><a href="files/a.PDF">某局2023年政府信息公开工作年度报告</a>'
            '<a href="/module/download/downfile.jsp?classid=0&filename=ab12.pdf">附件</a>'
            "<script>var rel_appendix = '<a href=\"./P0201.docx\">下载文字版</a>';</script>")
    sel = selector(text.encode())
    found = [x for x in links(sel, "http://g.example/jcms/art/1.html") if is_attachment(x)]
    assert [x.url for x in found] == ["http://g.example/jcms/files/a.PDF",
                                      "http://g.example/module/download/downfile.jsp?classid=0"
                                      "&filename=ab12.pdf"]
    js = js_links(text, "http://g.example/t/1.html")
    assert [x.url for x in js] == ["http://g.example/t/P0201.docx"]
    title = "某局2023年政府信息公开工作年度报告"
    assert sorted(found, key=lambda c: attachment_rank(c, title))[0].url.endswith("a.PDF")


def test_private_addresses_are_not_public() -> None:
    for host in ("127.0.0.1", "10.20.30.40", "192.168.1.10", "172.16.0.1", "169.254.1.1",
                 "localhost", "::1"):
        assert not is_public(host), host
    assert is_public("8.8.8.8")


def test_a_night_that_never_read_the_column_is_never_evidence() -> None:
    from crawler.portal_state import PortalState

    ps = PortalState("http://gov.example/", "http://gov.example/", [])
    ps.listing_ok, ps.column_found = 3, "http://gov.example/zwgk/"
    outcome, reason = ps.outcome()
    assert outcome == "partial" and "没有读到年报栏目" in (reason or "") and not ps.complete
    ps.column_read = True
    assert ps.outcome() == ("ok", None) and ps.complete


def test_redirect_only_home_pages_and_the_words_of_a_column() -> None:
    from crawler.pages import names_column, script_redirect

    home = "http://gov.example/"
    decoy = ('<script type="text/javascript">window.location.href = "/index.htm";</script>'
             '<noscript><meta http-equiv="refresh" content="0;url=/noscript.html"></noscript>')
    assert script_redirect(decoy, home) == "http://gov.example/index.htm"
    only_noscript = '<noscript><meta http-equiv="refresh" content="0;url=/noscript.html"></noscript>'
    assert script_redirect(only_noscript, home) is None
    assert script_redirect('<meta http-equiv="refresh" content="0; url=/portal/">', home) == \
        "http://gov.example/portal/"
    frames = '<frameset rows="80,*"><frame src="top.html"><frame src="main.html"></frameset>'
    assert script_redirect(frames, home) == "http://gov.example/top.html"
    assert names_column(Selector(text="<title>政府信息公开年报</title><ul></ul>"))
    assert names_column(Selector(text="<div class='crumb'>首页 &gt; 信息公开 &gt; 年度报告</div>"))
    assert names_column(Selector(text="<p>当前位置：首页 &gt; 政务公开 &gt; 公开年报</p>"))
    assert not names_column(Selector(text="<title>政务公开</title><a>某局2023年政府信息公开工作年度报告</a>"))
    assert not names_column(Selector(text="<title>某局2023年政府信息公开工作年度报告</title>"))


def test_discovery_scores_words_wherever_the_link_keeps_them() -> None:
    home = "http://gov.example/"
    text = ('<a href="./zwgk/"><img src="b.png" alt="政务公开"></a>'
            '<a href="/xxgk/index.html" title="政府信息公开"><em></em></a>'
            '<a href="/news/"><span>新闻</span><em>动态</em></a>'
            '<a href="/qy/nb/">企业年报公示</a>'
            '<a href="/nb/2023.html">某局2023年政府信息公开工作年度报告</a>'
            '<iframe src="/gkml/tree.html" title="信息公开目录"></iframe>'
            "<script>document.write('<li><a href=\\\"/fdzdgknr/\\\">法定主动公开内容</a></li>');"
            'var menu = [{"name": "年度报告", "url": "\\/zfxxgk\\/nb\\/"}];</script>')
    sel = selector(text.encode())
    got = {c.url: (c.score, c.column) for c in candidates(text, home, sel)}
    assert got["http://gov.example/zfxxgk/nb/"] == (100, True)  # a JSON menu
    assert got["http://gov.example/qy/nb/"][1] and got["http://gov.example/qy/nb/"][0] < 100
    assert got["http://gov.example/zwgk/"][0] >= 30  # img@alt
    assert got["http://gov.example/xxgk/index.html"][0] >= 30  # @title, nested <em>
    assert got["http://gov.example/gkml/tree.html"][0] >= 30  # a frame hub
    assert got["http://gov.example/fdzdgknr/"][0] >= 30  # document.write
    assert "http://gov.example/news/" not in got and "http://gov.example/nb/2023.html" not in got


def test_pager_configuration_objects() -> None:
    from crawler.adapters.pager_config import pager_pages

    col = "http://gov.example/zfxxgk/nb/index.html"
    real = ('<script>require(["list2.trsapi"]);listModel({quickMode: "动静结合", '
            "maxStaticIndex: 1, pagebar: {recordCount: '20', prepage: 10, "
            'pgCountMode: "recordCount"}})</script>')
    assert pager_pages(real, col) == (["http://gov.example/zfxxgk/nb/index_1.html"], None, None)
    deep = "<script>listModel({maxStaticIndex:7,pagebar:{prepage:10,recordCount:'213'}})</script>"
    pages, probe, why = pager_pages(deep, col) or ([], None, None)
    assert len(pages) == 7 and pages[-1].endswith("index_7.html") and probe is None
    assert why and "22 页" in why  # pages 9–22 come from an API: not whole, never "the end"
    assert pager_pages("<script>var cfg = {quickMode: '动静结合', prepage: 15};</script>",
                       col) == ([], 1, None)  # no count: probe index_1, index_2, …
    assert pager_pages("<p>maxStaticIndex outside a script</p>", col) is None
    bare = "<script>var pager = {pageCount: 3, pageSize: 10, current: 1};</script>"
    assert pager_pages(bare, col) == ([f"http://gov.example/zfxxgk/nb/index_{k}.html"
                                       for k in (1, 2)], None, None)
    shown = Selector(text=bare + '<a href="list_2.html">下一页</a>')
    assert parse_listing(b"", shown.get(), col, shown, True).adapter == "generic"
    sel = Selector(text=real + '<a href="./202401/t1.html">某局2023年政府信息公开工作年度报告</a>')
    lst = parse_listing(b"", sel.get(), col, sel, True)
    assert lst.adapter == "pager_config" and len(lst.items) == 1
    assert [f.url for f in lst.follows] == ["http://gov.example/zfxxgk/nb/index_1.html"]


def test_a_json_list_api_no_adapter_knows() -> None:
    from crawler.adapters.json_list import api_urls, page

    col = "http://gov.example/open/channel/nb.html"
    text = ("<script src='/static/app.js'></script><script>var css = '/static/a.css';"
            "function load(p){fetch('/open/api/list?channelId=7&size=2&page=' + p);"
            "$.ajax({type: 'POST', url: '/open/api/query', data: {chnl: '9', pageNo: p, "
            "rows: 2}, success: draw});}</script>")
    sel = Selector(text=text)
    got = {a.url: a.form for a in api_urls(text, col, sel)}
    assert got == {"http://gov.example/open/api/list?channelId=7&size=2&page=1": None,
                   "http://gov.example/open/api/query": {"chnl": "9", "pageNo": "1", "rows": "2"}}
    lst = parse_listing(b"", text, col, sel, True)
    assert lst.adapter == "json_list" and {f.method for f in lst.follows} == {"GET", "POST"}
    post = next(f for f in lst.follows if f.method == "POST")
    answer = json.dumps({"code": 0, "result": {"totalCount": 3, "list": [
        {"docTitle": "某局2023年政府信息公开工作年度报告", "docUrl": "/a/1.html",
         "publishTime": "2024-01-20 09:00"},
        {"docTitle": "某局关于调整办公时间的公告", "docUrl": "/a/2.html",
         "publishTime": "2024-03-01"}]}}).encode()
    one = page(answer, post)
    assert [(i.url, str(i.date)) for i in one.items] == [("http://gov.example/a/1.html",
                                                         "2024-01-20")]
    (nxt,) = one.follows
    assert nxt.method == "POST" and b"pageNo=2" in (nxt.body or b"")
    assert not page(b"<html>not json</html>", post).items
