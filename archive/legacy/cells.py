"""The pieces the 统计表 reader shares: the patterns of its text, its header and value
columns, its numbers, and the ways glued value tokens make cells."""

from __future__ import annotations

import re

from ..document import fold
from ..glued.splits import by_segment, cell_splits
from ..numbers import is_blank, parse_count

# ---------------------------------------------------------------- shared pieces

DASHES = frozenset({"——", "--", "—", "－－", "―", "―――"})
_UNIT_ALT = "人次|万元|小时|——|－－|--|条|件|个|次|人|篇|元|份|项|场|期|家|天|—"
SENTENCE = re.compile(r"[，。；！？,;]")
_CN_NUM = "一二三四五六七八九十"
_ROW_START = (
    rf"(?:其\s*中|[{_CN_NUM}]+\s*[、.．]|[（(]\s*[{_CN_NUM}]+\s*[）)]|\d+\s*[.、．]\s*\D)"
)
#: A value column's header, in text where the header's cells are glued together.
_COL_WORD = (
    r"\d{4}\s*年\s*度?|本\s*年\s*度?|上\s*年\s*度?|历\s*年\s*累\s*计|累\s*计\s*数?|年\s*末\s*统\s*计"
    r"|统\s*计\s*数|全\s*年|合\s*计|数\s*量"
)
COLS_AT = re.compile(rf"\s*({_COL_WORD})")
HEADER_AT = re.compile(
    r"(?:统\s*计\s*指\s*标|指\s*标\s*名\s*称)\s*[:：]?\s*(?:计\s*量\s*)?(?:单\s*位)?"
)
COLWORD_CELL = re.compile(rf"^(?:{_COL_WORD})$")
UNIT_AT = re.compile(_UNIT_ALT)
VALUES_AT = re.compile(r"(?:\s*\d+(?:\.\d+)?(?![\d.]\d)|\s+(?:—+|－+|-+|/|／)(?=\s|$))+")
ROW_START_AT = re.compile(rf"\s*{_ROW_START}")
NUMBER_TAIL = re.compile(r"\s*[.、．]\s*(?=\D)")
LABEL_NUMBER = re.compile(r"^(?:其中[:：]?)?(\d+)(?:[.、．]|(?=\D))")
PROSE_COUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(人次|万元|条|件|个|次|人|篇|元|份|项)")
MAX_LABEL = 80


def is_header(folded: str) -> bool:
    return "统计指标" in folded or "指标名称" in folded


def columns_of(cells: list[str]) -> list[str]:
    """Value-column headers of a header row (empty when there is a single value column)."""
    flat: list[str] = []
    for c in cells:
        f = fold(c)
        if f and (not flat or flat[-1] != f):
            flat.append(f)
    unit_at = next((i for i, f in enumerate(flat) if f.endswith("单位")), None)
    if unit_at is not None:
        cols = flat[unit_at + 1 :]
    else:
        cols = [f for f in flat[1:] if COLWORD_CELL.match(f)] if flat else []
    return cols if len(cols) > 1 else []


def year_column(cols: list[str]) -> int:
    """Index of the reporting year's column: the first that is not cumulative or last year."""
    for i, c in enumerate(cols):
        if not any(w in c for w in ("累计", "上年", "去年", "同比")):
            return i
    return 0


def number(token: str) -> int | float | None:
    if is_blank(token):
        return None
    t = fold(token)
    if re.fullmatch(r"\d+\.\d+", t):
        return float(t)
    return parse_count(t)


# ---------------------------------------------------------------- glued digit runs


def candidates(tokens: list[str], k: int) -> list[tuple[str, ...]]:
    """The ways space-separated value tokens make ``k`` cells (glued tokens cut apart),
    token by token: fewest cells first, then the shortest first number, and so on."""
    if len(tokens) >= k:
        return [tuple(tokens[:k])]
    if not tokens:
        return [("",) * k]
    found, _ = cell_splits(tokens, k, whole_as_printed=True)

    def order(split: tuple[str, ...]) -> tuple[int, ...]:
        return tuple(n for group in by_segment(tokens, split)
                     for n in (len(group), *map(len, group)))

    return sorted(found, key=order)
