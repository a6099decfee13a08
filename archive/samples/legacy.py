"""The legacy 统计表 (国办发〔2014〕32号 era) of the samples: its rows, its section
headings, and rows whose parents add up."""

from __future__ import annotations

import random

from ..document import fold
from ..record import LegacyRow, legacy_children, legacy_level, legacy_short

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



def sample_legacy(rng: random.Random) -> list[LegacyRow]:
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
