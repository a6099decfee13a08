"""The sample reports' prose: paragraphs that differ from agency to agency."""

from __future__ import annotations

import random

from ..record import SECTIONS, Record, get_path

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
