"""Reading the numbers reports print: counts, signed changes, amounts with units, blanks."""

from __future__ import annotations

import re
import unicodedata

from .record import Amount

BLANK_TOKENS = frozenset({"", "-", "—", "——", "－", "/", "／", "无", "－－", "--", "―"})
_COUNT = re.compile(r"^[+\-−]?\d{1,3}(?:,\d{3})+$|^[+\-−]?\d+$")
_CHANGE = re.compile(r"^(增加|减少|增|减|\+|-|−)?(\d+)$")
_AMOUNT = re.compile(r"^(\d+(?:,\d{3})*(?:\.\d+)?)(万元|万|元|亿元|亿)?$")
_UNIT_FACTOR = {"万元": 10_000, "万": 10_000, "元": 1, "亿元": 100_000_000, "亿": 100_000_000}


def norm(token: str) -> str:
    return "".join(unicodedata.normalize("NFKC", token).split())


def is_value(token: str) -> bool:
    """True for anything that may stand in a number cell: a number, a blank, an amount."""
    t = norm(token)
    return t in BLANK_TOKENS or bool(_CHANGE.match(t) or _AMOUNT.match(t) or _COUNT.match(t))


def is_blank(token: str | None) -> bool:
    return token is None or norm(token) in BLANK_TOKENS


def parse_count(token: str | None) -> int | None:
    if is_blank(token):
        return None
    t = norm(token or "").replace(",", "").replace("−", "-")
    m = _CHANGE.match(t)
    if m:
        sign = -1 if m.group(1) in {"减少", "减", "-"} else 1
        return sign * int(m.group(2))
    try:
        f = float(t)
    except ValueError:
        return None
    return int(f) if f.is_integer() else None


def parse_amount(token: str | None, default_unit: str | None = None) -> Amount | None:
    """An amount keeps its printed text; ``yuan`` is null when no unit can be told."""
    if is_blank(token):
        return None
    text = " ".join((token or "").split())
    m = _AMOUNT.match(norm(text))
    if not m:
        return Amount(text=text, yuan=None)
    unit = m.group(2) or default_unit
    if unit is None:
        return Amount(text=text, yuan=None)
    value = float(m.group(1).replace(",", "")) * _UNIT_FACTOR[unit]
    return Amount(text=text, yuan=round(value))


_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}


def cn_number(text: str) -> int | None:
    """二〇二一 -> 2021, 二十一 -> 21, 十二 -> 12; digits pass through."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        left, _, right = text.partition("十")
        tens = _CN_DIGITS.get(left, 1) if left else 1
        ones = _CN_DIGITS.get(right, 0) if right else 0
        return tens * 10 + ones
    if all(c in _CN_DIGITS for c in text):
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    return None
