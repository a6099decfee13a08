"""Realistic, internally consistent sample reports, and the one-change breakages of them.

Tests, benchmarks and the demo need reports whose truth is known: ``sample_record``
builds a record in which every sum the validation rules check holds, with narrative text
that differs from agency to agency (so the duplicate-text rule stays quiet), and
``inject`` changes exactly what makes one finding code fire. ``archive.render`` turns a
record into the HTML/DOCX/PDF a portal would publish.
"""

from __future__ import annotations

import copy
import random
import re
import zlib
from typing import Any

from .document import fold
from .numbers import parse_amount
from .record import (
    FINDING_CODES,
    SECTIONS,
    T2_GOV2019,
    T2_GOV2021,
    T3_COLUMNS,
    T4_COLUMNS,
    T4_GROUPS,
    LegacyRow,
    Record,
    Template,
    empty_record,
    get_path,
    legacy_children,
    legacy_level,
    legacy_short,
    set_path,
    t3_keys,
    t3_result_keys,
)
from .validate import Context

#: The legacy 统计表 (国办发〔2014〕32号 era), as seed 001 prints it: (label, unit).
LEGACY_ROWS: tuple[tuple[str, str], ...] = (
    ("一、主动公开情况", "——"),
    ("（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）", "条"),
    ("其中：主动公开规范性文件数", "条"),
    ("制发规范性文件总数", "件"),
    ("（二）通过不同渠道和方式公开政府信息的情况", "——"),
    ("1.政府公报公开政府信息数", "条"),
    ("2.政府网站公开政府信息数", "条"),
    ("3.政务微博公开政府信息数", "条"),
    ("4.政务微信公开政府信息数", "条"),
    ("5.其他方式公开政府信息数", "条"),
    ("二、回应解读情况", "——"),
    ("（一）回应公众关注热点或重大舆情数（不同方式回应同一热点或舆情计1次）", "次"),
    ("（二）通过不同渠道和方式回应解读的情况", "——"),
    ("1.参加或举办新闻发布会总次数", "次"),
    ("其中：主要负责同志参加新闻发布会次数", "次"),
    ("2.政府网站在线访谈次数", "次"),
    ("其中：主要负责同志参加政府网站在线访谈次数", "次"),
    ("3.政策解读稿件发布数", "篇"),
    ("4.微博微信回应事件数", "次"),
    ("5.其他方式回应事件数", "次"),
    ("三、依申请公开情况", "——"),
    ("（一）收到申请数", "件"),
    ("1.当面申请数", "件"),
    ("2.传真申请数", "件"),
    ("3.网络申请数", "件"),
    ("4.信函申请数", "件"),
    ("（二）申请办结数", "件"),
    ("1.按时办结数", "件"),
    ("2.延期办结数", "件"),
    ("（三）申请答复数", "件"),
    ("1.属于已主动公开范围数", "件"),
    ("2.同意公开答复数", "件"),
    ("3.同意部分公开答复数", "件"),
    ("4.不同意公开答复数", "件"),
    ("其中：涉及国家秘密", "件"),
    ("涉及商业秘密", "件"),
    ("涉及个人隐私", "件"),
    ("危及国家安全、公共安全、经济安全和社会稳定", "件"),
    ("不是《条例》所指政府信息", "件"),
    ("法律法规规定的其他情形", "件"),
    ("5.不属于本行政机关公开数", "件"),
    ("6.申请信息不存在数", "件"),
    ("7.告知作出更改补充数", "件"),
    ("8.告知通过其他途径办理数", "件"),
    ("四、行政复议数量", "件"),
    ("（一）维持具体行政行为数", "件"),
    ("（二）被依法纠错数", "件"),
    ("（三）其他情形数", "件"),
    ("五、行政诉讼数量", "件"),
    ("（一）维持具体行政行为或者驳回原告诉讼请求数", "件"),
    ("（二）被依法纠错数", "件"),
    ("（三）其他情形数", "件"),
    ("六、举报投诉数量", "件"),
    ("七、依申请公开信息收取的费用", "万元"),
    ("八、机构建设和保障经费情况", "——"),
    ("（一）政府信息公开工作专门机构数", "个"),
    ("（二）设置政府信息公开查阅点数", "个"),
    ("（三）从事政府信息公开工作人员数", "人"),
    ("1.专职人员数（不包括政府公报及政府网站工作人员数）", "人"),
    ("2.兼职人员数", "人"),
    ("（四）政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设维护等方面的经费）", "万元"),
    ("九、政府信息公开会议和培训情况", "——"),
    ("（一）召开政府信息公开工作会议或专题会议数", "次"),
    ("（二）举办各类培训班数", "次"),
    ("（三）接受培训人员数", "人次"),
)

#: Section headings of a legacy (2008 条例) report; the parser recognises four of six.
LEGACY_HEADINGS: tuple[tuple[str, str], ...] = (
    ("overview", "一、总体情况"),
    ("active_disclosure", "二、主动公开政府信息情况"),
    ("applications", "三、依申请公开政府信息情况"),
    ("review_litigation", "四、因政府信息公开申请行政复议、提起行政诉讼的情况"),
    ("problems", "五、存在的主要问题及改进措施"),
    ("other", "六、其他需要报告的事项"),
)
LEGACY_SECTIONS_FOUND = {"overview": True, "active_disclosure": True, "applications": False,
                         "review_litigation": True, "problems": True, "other": True}


def template_for(year: int) -> Template:
    """The official template generation a report on ``year`` should use."""
    return "gov2021" if year >= 2021 else "gov2019" if year >= 2019 else "legacy"


def _rng(agency: str, year: int, seed: int) -> random.Random:
    return random.Random(zlib.crc32(f"{agency}|{year}|{seed}".encode()))


def _slug(agency: str) -> str:
    h = zlib.crc32(agency.encode())
    letters = "abcdefghjkmnpqrstwxyz"
    return "nx" + "".join(letters[(h >> (5 * i)) % len(letters)] for i in range(4))


# ---------------------------------------------------------------- tables


def retotal(rec: Record) -> None:
    """Recompute every derived cell (row totals, （七）总计, 表四 总计) from the parts."""
    apps = rec["applications"]
    tmpl = rec["template"]
    for key in t3_keys(tmpl, apps):
        row = get_path(apps, key)
        if isinstance(row, dict) and key != "results_total":
            row["total"] = _sum(row.get(c) for c in T3_COLUMNS[:6])
    if get_path(apps, "results_total") is not None:
        tot = get_path(apps, "results_total")
        for c in T3_COLUMNS:
            tot[c] = _sum(get_path(apps, k).get(c) for k in t3_result_keys(tmpl, apps))
    for g in rec["review_litigation"].values():
        g["total"] = _sum(g.get(c) for c in T4_COLUMNS[:4])


def _sum(values: Any) -> int:
    return sum(v or 0 for v in values)


def _applications(rng: random.Random, template: str, big: bool) -> dict[str, Any]:
    apps: dict[str, Any] = {}
    results = t3_result_keys(template)
    for key in t3_keys(template):
        set_path(apps, key, dict.fromkeys(T3_COLUMNS, 0))
    # how likely each result row is, so most applications are granted or not held
    weights = {k: 1 for k in results}
    weights.update({"granted": 30, "partially_granted": 6, "unable.not_held": 14,
                    "not_processed.repeated": 3, "denied.process_information": 2})
    scales = (60, 8, 1, 1, 2, 1) if not big else (3000, 40, 3, 2, 5, 2)
    for i, col in enumerate(T3_COLUMNS[:6]):
        new = rng.randint(0, scales[i]) if rng.random() < 0.8 or i == 0 else 0
        carried = rng.randint(0, max(0, new // 10)) if new else 0
        forward = rng.randint(0, max(0, (new + carried) // 8)) if new else 0
        done = new + carried - forward
        apps["new_received"][col] = new
        apps["carried_over"][col] = carried
        apps["carried_forward"][col] = forward
        keys = rng.choices(results, weights=[weights[k] for k in results], k=done)
        for k in keys:
            get_path(apps, k)[col] += 1
    return apps


def _t4(rng: random.Random) -> dict[str, dict[str, int | None]]:
    out: dict[str, dict[str, int | None]] = {}
    for g in T4_GROUPS:
        busy = rng.random() < 0.4
        cells: dict[str, int | None] = {c: (rng.randint(0, 3) if busy else 0)
                                        for c in T4_COLUMNS[:4]}
        cells["total"] = 0
        out[g] = cells
    return out


def _amount(rng: random.Random, style: int, *, gov2021: bool) -> Any:
    wan = rng.randint(1, 300000) / 100
    if gov2021:
        text = [f"{wan:.2f}", f"{wan:.2f}万元", f"{wan:g}"][style % 3]
        return parse_amount(text, "万元")
    text = [f"{wan:.2f} 万", f"{wan:.2f}万元", f"{round(wan * 10000)}元"][style % 3]
    return parse_amount(text)


def _t2(rng: random.Random, template: str, style: int) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    spec = T2_GOV2021 if template == "gov2021" else T2_GOV2019
    for key, _, cols in spec:
        row: dict[str, Any] = {}
        for col in cols:
            if col == "amount":
                row[col] = _amount(rng, style, gov2021=template == "gov2021")
            elif col == "change":
                row[col] = rng.choice([0, 0, 1, 2, -1, -3])
            elif col == "in_force":
                row[col] = row.get("issued", 0) + rng.randint(0, 40)
            else:
                row[col] = rng.randint(0, 9) if key in ("rules", "normative_documents", "fees") \
                    else rng.randint(0, 400)
        out[key] = row
    if template != "gov2021":
        out["rules"]["published"] = out["rules"]["made"]
        out["rules"]["total_public"] = out["rules"]["made"] + rng.randint(0, 30)
    return out


def _legacy(rng: random.Random) -> list[LegacyRow]:
    rows: list[LegacyRow] = []
    stack: list[tuple[int, str]] = []
    for label, unit in LEGACY_ROWS:
        f = fold(label)
        level = legacy_level(label)
        if level == 4 and not f.startswith("其中"):
            level = 4 if stack and stack[-1][0] == 4 else 3
        while stack and stack[-1][0] >= level:
            stack.pop()
        value: int | float | None
        if unit == "——":
            value = None
        elif unit == "万元":
            value = rng.choice([0, 0.5, 1.2, 3])
        else:
            value = rng.choice([0, 0, 0, 1, 2, rng.randint(3, 120)])
        rows.append(LegacyRow(label=label, unit=unit, value=value, path=[s for _, s in stack]))
        short = legacy_short(label)
        stack.append((level, short))
    fix_legacy_sums(rows)
    return rows


def fix_legacy_sums(rows: list[LegacyRow]) -> None:
    for i in reversed(range(len(rows))):
        kids = legacy_children(rows, i)
        if kids:
            total = sum(rows[j].get("value") or 0 for j in kids)
            rows[i]["value"] = round(total, 2) if isinstance(total, float) else total


# ---------------------------------------------------------------- narrative

_TOPICS = ("优化营商环境", "乡村振兴", "生态环境保护", "安全生产", "疫情防控", "民生保障", "财政预决算",
           "重大建设项目", "公共资源配置", "社会救助", "教育医疗", "住房保障", "就业创业", "食品药品监管",
           "养老服务", "黄河流域生态保护", "水资源管理", "节能降耗", "政务服务改革", "交通运输")
_ACTIONS = ("梳理并更新", "集中发布", "动态调整", "逐项核对", "细化完善", "主动推送", "分类整理", "定期复核",
            "专题解读", "规范发布")
_OBJECTS = ("政府信息公开目录", "政策文件库", "权责清单", "办事指南", "公共服务事项清单", "政策问答库",
            "基层政务公开标准目录", "政务新媒体栏目", "依申请公开办理台账", "信息发布审核流程")
_CHANNELS = ("门户网站", "政务微信公众号", "政务微博", "政务服务大厅", "新闻发布会", "政民互动栏目",
             "政府信息查阅点", "电子显示屏", "基层公开专栏", "12345热线")
_FIXES = ("信息发布时效性有待提高", "政策解读形式较为单一", "基层公开人员业务能力不足", "栏目内容更新不够及时",
          "公众参与渠道不够畅通", "依申请公开答复规范性有待加强", "公开内容与群众需求结合不够紧密",
          "数据开放程度不高")
_PLANS = ("开展业务培训{n}期", "建立季度通报制度", "完善考核评议机制", "推进标准目录全覆盖",
          "加强保密审查", "拓展图解、音视频解读", "健全舆情回应机制", "落实专人负责制度")


def _sentence(rng: random.Random, agency: str, year: int) -> str:
    topic, action, obj, channel = (rng.choice(_TOPICS), rng.choice(_ACTIONS), rng.choice(_OBJECTS),
                                   rng.choice(_CHANNELS))
    n, m = rng.randint(3, 400), rng.randint(2, 60)
    forms = (
        f"围绕{topic}工作，{action}{obj}，通过{channel}发布相关信息{n}条。",
        f"{year}年{rng.randint(1, 12)}月，结合{topic}重点任务，{action}{obj}{m}项，确保内容准确完整。",
        f"在{channel}开设“{topic}”专栏，{action}政策文件{m}件、工作动态{n}条，方便群众查阅。",
        f"针对{topic}领域群众关注的问题，{action}解读材料{m}篇，并通过{channel}及时回应。",
        f"按照“谁制作、谁公开”的要求，对{obj}{action}，全年累计更新{n}条，其中涉及{topic}的{m}条。",
        f"组织召开{topic}相关工作会议{rng.randint(1, 9)}次，专题研究{obj}建设，推动{channel}规范运行。",
    )
    return rng.choice(forms)


def _paragraph(rng: random.Random, agency: str, year: int, k: int) -> str:
    return "".join(_sentence(rng, agency, year) for _ in range(k))


def body_text(rec: Record, rng: random.Random) -> dict[str, list[str]]:
    """The paragraphs of each section (plus ``intro``), varied by the record's seed."""
    agency, year = rec["agency"] or "", rec["year"] or 0
    c = rec["contact"]
    url = rec["portal_urls"][0] if rec["portal_urls"] else ""
    intro = [
        f"本报告根据《中华人民共和国政府信息公开条例》要求，由{agency}编制。"
        f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
        f"本报告电子版可在{agency}门户网站（{url}）查询和下载。如对本报告有任何疑问，请与{agency}办公室联系"
        f"（地址：{c['address']}；邮编：{c['postcode']}；电话：{c['phone']}；"
        + (f"传真：{c['fax']}；" if c["fax"] else "")
        + f"电子邮箱：{c['email']}）。",
    ]
    body: dict[str, list[str]] = {"intro": intro}
    body["overview"] = [f"{year}年，{agency}" + _paragraph(rng, agency, year, 3),
                        _paragraph(rng, agency, year, 3)]
    body["active_disclosure"] = [_paragraph(rng, agency, year, 2)]
    apps = rec["applications"]
    if apps:
        total = get_path(apps, "new_received.total") or 0
        body["applications"] = [
            f"本年度共收到政府信息公开申请{total}件，均在法定期限内予以答复。"
            + _paragraph(rng, agency, year, 1)]
    else:
        body["applications"] = [_paragraph(rng, agency, year, 2)]
    rl = rec["review_litigation"]
    if rl:
        review = get_path(rl, "admin_review.total") or 0
        body["review_litigation"] = [
            f"本年度因政府信息公开申请行政复议{review}起。" + _paragraph(rng, agency, year, 1)]
    else:
        body["review_litigation"] = [_paragraph(rng, agency, year, 1)]
    fixes = rng.sample(_FIXES, 2)
    plans = [p.format(n=rng.randint(2, 6)) for p in rng.sample(_PLANS, 3)]
    body["problems"] = [
        f"{year}年，{agency}政府信息公开工作仍存在一些不足：一是{fixes[0]}；二是{fixes[1]}。",
        f"下一步，将{plans[0]}，{plans[1]}，{plans[2]}。" + _paragraph(rng, agency, year, 1),
    ]
    body["other"] = [f"本年度{agency}未收取信息处理费。" + _paragraph(rng, agency, year, 1)]
    return body


def narrative(rec: Record) -> str:
    """The narrative the parser would collect (paragraphs longer than 30 characters)."""
    body = rec["provenance"].get("body", {})
    paras = [p for key in ("intro", *(k for k, _ in SECTIONS)) for p in body.get(key, [])]
    return "\n".join(p for p in paras if len(p) > 30)


# ---------------------------------------------------------------- records


def sample_record(agency: str, year: int, template: str = "gov2021", seed: int = 0, *,
                  blank_cells: int = 0, big: bool | None = None) -> Record:
    """A report of ``agency`` for ``year`` whose every sum holds, deterministic per seed.

    ``blank_cells`` prints that many 表三 zero cells blank (null); ``big`` forces large
    counts (thousands of applications) like a provincial government office's.
    """
    if template not in ("gov2021", "gov2019", "legacy"):
        raise ValueError(f"unknown template {template!r}: gov2021, gov2019 or legacy")
    rng = _rng(agency, year, seed)
    rec = empty_record()
    rec["agency"] = agency
    rec["year"] = year
    rec["template"] = template  # type: ignore[typeddict-item]
    rec["title"] = f"{agency}{year}年政府信息公开工作年度报告"
    month, day = (1, rng.randint(8, 30)) if template != "legacy" else (3, rng.randint(1, 30))
    rec["published_on"] = f"{year + 1}-{month:02d}-{day:02d}"
    rec["period"] = {"start": f"{year}-01-01", "end": f"{year}-12-31"}
    slug = _slug(agency)
    rec["portal_urls"] = [f"http://www.{slug}.gov.cn/"]
    area = rng.choice(("0951", "0952", "0953", "0954", "0955"))
    rec["contact"] = {
        "address": f"银川市金凤区{rng.choice(('北京中路', '康平路', '亲水大街', '宁安大街'))}"
                   f"{rng.randint(1, 399)}号",
        "postcode": f"75{rng.randint(0, 9999):04d}",
        "phone": f"{area}-{rng.randint(5000000, 6999999)}",
        "fax": f"{area}-{rng.randint(5000000, 6999999)}" if rng.random() < 0.5 else None,
        "email": f"{slug}@{rng.choice(('nx.gov.cn', '163.com', 'qq.com'))}",
    }
    if template == "legacy":
        rec["legacy_stats"] = _legacy(rng)
        rec["sections"] = dict(LEGACY_SECTIONS_FOUND)
    else:
        if big is None:
            big = rng.random() < 0.15
        rec["active_disclosure"] = _t2(rng, template, seed)
        rec["applications"] = _applications(rng, template, big)
        rec["review_litigation"] = _t4(rng)
        rec["sections"] = {k: True for k, _ in SECTIONS}
        retotal(rec)
        if blank_cells:
            zeros = [(k, c) for k in t3_keys(template) for c in T3_COLUMNS[:6]
                     if get_path(rec["applications"], k)[c] == 0]
            for k, c in rng.sample(zeros, min(blank_cells, len(zeros))):
                get_path(rec["applications"], k)[c] = None
    rec["provenance"] = {"body": body_text(rec, rng), "posted_on": rec["published_on"]}
    rec["provenance"]["narrative"] = narrative(rec)
    return rec


def previous_record(rec: Record, seed: int = 0) -> Record:
    """Last year's report of the same agency, consistent with ``rec`` across years:
    its 结转下年度 equals this year's 上年结转 and its 现行有效 carries over."""
    year = (rec["year"] or 2000) - 1
    tmpl = template_for(year) if rec["template"] != "legacy" else "legacy"
    prev = sample_record(rec["agency"] or "", year, tmpl, seed + 7919)
    if tmpl == "legacy" or rec["template"] == "legacy":
        return prev
    apps = prev["applications"]
    for c in T3_COLUMNS[:6]:
        want = get_path(rec["applications"], "carried_over").get(c) or 0
        delta = want - (apps["carried_forward"][c] or 0)
        apps["carried_forward"][c] = want
        apps["new_received"][c] = (apps["new_received"][c] or 0) + delta
        if apps["new_received"][c] < 0:
            apps["granted"][c] = (apps["granted"][c] or 0) - apps["new_received"][c]
            apps["new_received"][c] = 0
    retotal(prev)
    if tmpl == "gov2021" and rec["template"] == "gov2021":
        for key in ("rules", "normative_documents"):
            this = rec["active_disclosure"][key]
            prev["active_disclosure"][key]["in_force"] = (
                this["in_force"] - this["issued"] + this["repealed"])
    prev["provenance"]["narrative"] = narrative(prev)
    return prev


def clean_context(rec: Record) -> Context:
    """The context a clean report is validated in: last year's consistent report and
    another agency's (different) text."""
    other = sample_record("宁夏回族自治区示例厅", rec["year"] or 2020, rec["template"]
                          if rec["template"] != "unknown" else "gov2021", 99)
    return Context(previous=previous_record(rec), others=[("宁夏回族自治区示例厅", other["provenance"][
        "narrative"])], filed_year=rec["year"])


# ---------------------------------------------------------------- breakages


def _first_nonzero(apps: dict[str, Any], keys: list[str]) -> tuple[str, str]:
    for k in keys:
        row = get_path(apps, k)
        for c in T3_COLUMNS[:6]:
            if row.get(c):
                return k, c
    return keys[0], T3_COLUMNS[0]


def inject(record: Record, code: str) -> tuple[Record, Context]:
    """A copy of ``record`` changed so that finding ``code`` fires, with its context.

    The change is the smallest a real report shows for that finding: one wrong cell, a
    missing section, an outdated table. Table rules need a gov2021/gov2019 record;
    ``LEGACY_SUM`` needs a legacy one.
    """
    if code not in FINDING_CODES:
        raise ValueError(f"unknown finding code {code!r}")
    rec = copy.deepcopy(record)
    ctx = clean_context(rec)
    apps = rec["applications"]
    tmpl = rec["template"]
    body = rec["provenance"]["body"]
    if code == "SECTION_MISSING":
        rec["sections"]["problems"] = False
        body.pop("problems", None)
    elif code == "TABLE_MISSING":
        if tmpl == "legacy":
            rec["legacy_stats"] = []
        else:
            rec["review_litigation"] = {}
    elif code == "TABLE_BLANK":
        if tmpl == "legacy":
            for row in rec["legacy_stats"]:
                row["value"] = None
        else:
            for g in rec["review_litigation"].values():
                for c in g:
                    g[c] = None
    elif code == "CELLS_BLANK":
        key, col = next((k, c) for k in t3_keys(tmpl) for c in T3_COLUMNS[:6]
                        if get_path(apps, k)[c] == 0)
        get_path(apps, key)[col] = None
    elif code == "CELLS_AMBIGUOUS":
        # numbers that, once their cell boundaries are lost (``12345``), no arithmetic ties
        # down: 表二 has no sums within a row
        key = "normative_documents"
        cols = [c for c in rec["active_disclosure"][key]]
        rec["active_disclosure"][key].update(dict(zip(cols, (12, 3, 45), strict=False)))
    elif code == "T3_BALANCE":
        # one more application received than handled, carried and row totals still add up
        apps["new_received"]["natural_person"] += 1
        apps["new_received"]["total"] += 1
    elif code == "T3_ROW_TOTAL":
        apps["granted"]["total"] += 1
        apps["results_total"]["total"] += 1
        apps["new_received"]["total"] += 1
    elif code == "T3_RESULTS_TOTAL":
        for key in ("results_total", "new_received"):
            apps[key]["natural_person"] += 1
            apps[key]["total"] += 1
    elif code == "T3_OTHER_HANDLING_SUM":
        if tmpl != "gov2021":
            raise ValueError("T3_OTHER_HANDLING_SUM needs a gov2021 record")
        node = apps["other_handling"]
        printed = {c: _sum(node[k][c] for k in ("no_correction", "unpaid_fee", "other"))
                   for c in T3_COLUMNS}
        printed["natural_person"] += 1
        printed["total"] += 1
        node["printed"] = printed
    elif code == "T4_TOTAL":
        group = rec["review_litigation"]["litigation_direct"]
        group["total"] = (group["total"] or 0) + 1
    elif code == "LEGACY_SUM":
        if tmpl != "legacy":
            raise ValueError("LEGACY_SUM needs a legacy record")
        i = next(i for i, r in enumerate(rec["legacy_stats"]) if "专职人员数" in r["label"])
        rec["legacy_stats"][i]["value"] = (rec["legacy_stats"][i]["value"] or 0) + 1
    elif code == "CARRYOVER_MISMATCH":
        apps["carried_over"]["natural_person"] += 1
        apps["carried_over"]["total"] += 1
        apps["granted"]["natural_person"] += 1
        apps["granted"]["total"] += 1
        retotal(rec)
    elif code == "IN_FORCE_DRIFT":
        if tmpl != "gov2021" or (rec["year"] or 0) < 2022:
            raise ValueError("IN_FORCE_DRIFT needs a gov2021 record for 2022 or later")
        rec["active_disclosure"]["rules"]["in_force"] += 2
    elif code == "NARRATIVE_MISMATCH":
        stated = (get_path(apps, "new_received.total") or 0) + (
            get_path(apps, "carried_over.total") or 0) + 5
        body["applications"][0] = re.sub(r"收到政府信息公开申请\d+件", f"收到政府信息公开申请{stated}件",
                                          body["applications"][0])
    elif code == "YEAR_MISMATCH":
        # the statistics period copied from last year's report, title left right
        year = rec["year"] or 0
        rec["period"] = {"start": f"{year - 1}-01-01", "end": f"{year - 1}-12-31"}
        body["intro"][0] = body["intro"][0].replace(f"自{year}年", f"自{year - 1}年").replace(
            f"至{year}年", f"至{year - 1}年")
    elif code == "TEMPLATE_OUTDATED":
        year = max(rec["year"] or 0, 2022)
        new = sample_record(rec["agency"] or "", year, "gov2019", 0)
        return new, clean_context(new)
    elif code == "DUPLICATE_TEXT":
        ctx.others.append(("宁夏回族自治区另一厅", rec["provenance"]["narrative"]))
    if code != "NARRATIVE_MISMATCH":
        restate(rec)
    rec["provenance"]["narrative"] = narrative(rec)
    return rec, ctx


def restate(rec: Record) -> None:
    """Make the figures the narrative quotes agree with the tables again."""
    body = rec["provenance"].get("body", {})
    total = get_path(rec["applications"], "new_received.total")
    if total is not None and body.get("applications"):
        body["applications"][0] = re.sub(r"收到政府信息公开申请\d+件", f"收到政府信息公开申请{total}件",
                                          body["applications"][0])
    review = get_path(rec["review_litigation"], "admin_review.total")
    if review is not None and body.get("review_litigation"):
        body["review_litigation"][0] = re.sub(r"行政复议\d+起", f"行政复议{review}起",
                                               body["review_litigation"][0])
