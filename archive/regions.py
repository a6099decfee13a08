"""Where an agency sits: propose a registry ``region`` and ``level`` from what a report says.

Used by ``nianbao registry from-reports``. A proposal is a guess for a person to confirm,
built only from evidence that names a place:

1. the agency's own name: a leading province (宁夏回族自治区…, 自治区… and 省… mean the
   province itself), then a city (…市/州/盟, at least two characters before the suffix),
   then a county (…区/县/旗), then a township (…乡/镇/街道);
2. the portal's host: ``*.nx.gov.cn`` is 宁夏 — the provinces' own gov.cn domains;
3. the report's contact address, only to name the city above a county the name gives
   (``中卫市沙坡头区…`` puts 沙坡头区 under 中卫市) or the province when nothing else does.
   The address alone never places an agency: provincial departments sit in the capital.

The level is that of the innermost place found in the name: 省级, 市级, 县级 or 乡级.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

#: Every province as ``short/suffix/host labels``: its short name, how its full name
#: goes on after it, and its gov.cn host labels.
_PROVINCE_TABLE = """
北京/市/beijing bj; 天津/市/tj tianjin; 河北/省/hebei; 山西/省/shanxi sx; 内蒙古/自治区/nmg nm
辽宁/省/ln liaoning; 吉林/省/jl jilin; 黑龙江/省/hlj; 上海/市/sh shanghai; 江苏/省/js jiangsu
浙江/省/zj zhejiang; 安徽/省/ah anhui; 福建/省/fj fujian; 江西/省/jx jiangxi; 山东/省/sd shandong
河南/省/henan ha; 湖北/省/hubei hb; 湖南/省/hunan hn; 广东/省/gd guangdong; 广西/壮族自治区/gxzf gx
海南/省/hainan; 重庆/市/cq chongqing; 四川/省/sc sichuan; 贵州/省/guizhou gz; 云南/省/yn yunnan
西藏/自治区/xizang xz; 陕西/省/shaanxi sn; 甘肃/省/gansu gs; 青海/省/qinghai qh; 宁夏/回族自治区/nx ningxia
新疆/维吾尔自治区/xinjiang xj
"""
#: province short name, its full names' other forms, and its gov.cn host labels
PROVINCES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = tuple(
    (short, (short + suffix,), tuple(codes.split()))
    for short, suffix, codes in (entry.strip().split("/") for entry in
                                 _PROVINCE_TABLE.replace("\n", ";").split(";") if entry.strip())
)


_CITY = re.compile(r"^(.{2,7}?(?:市|自治州|州|盟|地区))")
_COUNTY = re.compile(r"^(.{2,7}?(?:自治县|区|县|旗|市))")
_TOWN = re.compile(r"^(.{1,7}?(?:乡|镇|街道))")
#: words after which a 市/区/县 is part of a department's name, not a place
_NOT_PLACE = ("市场", "区域", "县域", "市政", "市容", "市民")


def province_of_host(url: str | None) -> str | None:
    """The province whose gov.cn domain the URL's host is in (``xf.nx.gov.cn`` → 宁夏)."""
    if not url:
        return None
    try:
        host = (urlsplit(url if "//" in url else "//" + url).hostname or "").lower()
    except ValueError:
        return None
    labels = host.split(".")
    if len(labels) < 3 or labels[-2:] != ["gov", "cn"]:
        return None
    code = labels[-3]
    return next((short for short, _, codes in PROVINCES if code in codes), None)


def _strip_province(text: str) -> tuple[str | None, str]:
    """The province a text begins with (short name) and the rest."""
    for short, fulls, _ in PROVINCES:
        for form in (*fulls, short):
            if text.startswith(form):
                return short, text[len(form):]
    return None, text


def _place(pattern: re.Pattern[str], text: str) -> str | None:
    m = pattern.match(text)
    if not m:
        return None
    place = m.group(1)
    if text[len(place) - 1:].startswith(_NOT_PLACE):  # 市场监督管理局 is no city
        return None
    return place


def propose(name: str, portals: list[str] | None = None,
            address: str | None = None) -> dict[str, str | None]:
    """``{"region", "level", "basis"}`` for an agency called ``name``; each None when the
    evidence does not say. ``basis`` tells a person what the guess rests on."""
    text = "".join((name or "").split())
    basis: list[str] = []
    province, rest = _strip_province(text)
    level: str | None = None
    if province:
        basis.append(f"名称以“{province}”开头")
        level = "省级"
    elif rest.startswith(("自治区", "省")):
        rest = rest[3:] if rest.startswith("自治区") else rest[1:]
        level = "省级"
        basis.append("名称以“自治区/省”开头")
    if province is None:
        for url in portals or []:
            province = province_of_host(url)
            if province:
                basis.append(f"门户网站 {urlsplit(url).hostname} 属于{province}")
                break
    addr = "".join((address or "").split())
    addr_province, addr_rest = _strip_province(addr)
    parts: list[str] = []
    city = _place(_CITY, rest)
    if city:
        parts.append(city)
        rest = rest[len(city):]
        level = "市级"
        basis.append(f"名称含“{city}”")
    county = _place(_COUNTY, rest)
    if county and county != city:
        if not city:
            m = re.search(r"([^省区市县]{2,7}?(?:市|自治州|州|盟))" + re.escape(county), addr_rest)
            if m:
                parts.append(m.group(1))
                basis.append(f"联系地址写明“{m.group(1)}{county}”")
        parts.append(county)
        rest = rest[len(county):]
        level = "县级"
        basis.append(f"名称含“{county}”")
    town = _place(_TOWN, rest)
    if town and (city or county):
        parts.append(town)
        level = "乡级"
        basis.append(f"名称含“{town}”")
    if province is None and addr_province and parts:
        province = addr_province
        basis.append(f"联系地址以“{addr_province}”开头")
    if province:
        parts.insert(0, province)
    region = "/".join(parts) or None
    if region is None:
        level = None
    return {"region": region, "level": level, "basis": "；".join(basis) or None}
