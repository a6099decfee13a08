"""The pre-2019 统计表 (``legacy`` template): recognise it and read its rows.

Agencies printed the 2008-条例 statistics table in many shapes, and portals flattened it
further:

* the 国办发〔2014〕32号 form, ``统计指标 | 单位 | 统计数``, with numbered parents
  (一、/（一）/1.) and ``其中：`` children;
* the older Fujian-style form, ``指标名称 | 计量单位 | 本年度 | 历年累计`` (or ``2012年度``,
  ``2016年``, ``年末统计``), with unnumbered parents (主动公开信息数, 受理依申请公开信息总数,
  对申请的答复总数, 行政复议数 …) whose children are numbered under ``其中：1.``;
* as table grids (HTML, DOCX, ruled PDF, tab-separated text), as space-separated text,
  or as text with every cell glued (``主动公开信息数条24242、政府公报公开条00``), where the
  next row's number sticks to the last value.

:func:`is_legacy` recognises the table from a document's folded text; :func:`legacy_stats`
reads it into the ``legacy_stats`` rows of ``docs/record.md``. A glued digit run is split
into its columns only when one split is decided: it is the only cut without leading zeros,
or the only one with which every parent equals the sum of its children (solved jointly), or
the only one whose year figure the report's prose states for the same row. Otherwise the
cells stay null and a note names the candidates. 历年累计 ≥ 本年 is not assumed: real tables
break it (本年 107, 历年累计 74).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import product

from .document import Document, Table, fold
from .glued.splits import by_segment, cell_splits
from .numbers import is_blank, parse_count
from .record import LegacyRow, legacy_level, legacy_rows_under, legacy_short
from .rows import split_cells

# ---------------------------------------------------------------- recognition

#: Labels only the 2019/2021 forms print; the caller decides those templates first anyway.
_MODERN = ("本年新收政府信息公开申请数量", "本年制发件数", "本年新制作数量", "对外公开总数量")
_HEADER_FOLDED = re.compile(r"(?:统计指标|指标名称)(?:计量)?单位")
#: Row labels of the older statistics tables; three of them make a 统计表 even without header.
_ROW_WORDS = (
    "主动公开信息数", "主动公开文件数", "主动公开政府信息数", "受理依申请公开信息总数",
    "受理政府信息公开申请总数", "对申请的答复", "同意公开答复数", "同意部分公开答复数",
    "否决公开答复", "不予公开答复数", "不同意公开答复数", "当面申请数", "传真申请数",
    "电子邮件申请数", "网上申请数", "网络申请数", "信函申请数", "行政申诉",
    "政府信息公开收费减免金额",
)


def is_legacy(folded_text: str) -> bool:
    """True when the folded document text (``document.fold``) carries a legacy 统计表."""
    if any(m in folded_text for m in _MODERN):
        return False
    if "统计指标" in folded_text and "统计数" in folded_text:
        return True
    if _HEADER_FOLDED.search(folded_text):
        return True
    return sum(1 for w in _ROW_WORDS if w in folded_text) >= 3


# ---------------------------------------------------------------- shared pieces

_DASHES = frozenset({"——", "--", "—", "－－", "―", "―――"})
_UNIT_ALT = "人次|万元|小时|——|－－|--|条|件|个|次|人|篇|元|份|项|场|期|家|天|—"
_SENTENCE = re.compile(r"[，。；！？,;]")
_CN_NUM = "一二三四五六七八九十"
_ROW_START = (
    rf"(?:其\s*中|[{_CN_NUM}]+\s*[、.．]|[（(]\s*[{_CN_NUM}]+\s*[）)]|\d+\s*[.、．]\s*\D)"
)
#: A value column's header, in text where the header's cells are glued together.
_COL_WORD = (
    r"\d{4}\s*年\s*度?|本\s*年\s*度?|上\s*年\s*度?|历\s*年\s*累\s*计|累\s*计\s*数?|年\s*末\s*统\s*计"
    r"|统\s*计\s*数|全\s*年|合\s*计|数\s*量"
)
_COLS_AT = re.compile(rf"\s*({_COL_WORD})")
_HEADER_AT = re.compile(
    r"(?:统\s*计\s*指\s*标|指\s*标\s*名\s*称)\s*[:：]?\s*(?:计\s*量\s*)?(?:单\s*位)?"
)
_COLWORD_CELL = re.compile(rf"^(?:{_COL_WORD})$")
_UNIT_AT = re.compile(_UNIT_ALT)
_VALUES_AT = re.compile(r"(?:\s*\d+(?:\.\d+)?(?![\d.]\d)|\s+(?:—+|－+|-+|/|／)(?=\s|$))+")
_ROW_START_AT = re.compile(rf"\s*{_ROW_START}")
_NUMBER_TAIL = re.compile(r"\s*[.、．]\s*(?=\D)")
_LABEL_NUMBER = re.compile(r"^(?:其中[:：]?)?(\d+)(?:[.、．]|(?=\D))")
_PROSE_COUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(人次|万元|条|件|个|次|人|篇|元|份|项)")
_MAX_LABEL = 80


def _is_header(folded: str) -> bool:
    return "统计指标" in folded or "指标名称" in folded


def _columns_of(cells: list[str]) -> list[str]:
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
        cols = [f for f in flat[1:] if _COLWORD_CELL.match(f)] if flat else []
    return cols if len(cols) > 1 else []


def _year_column(cols: list[str]) -> int:
    """Index of the reporting year's column: the first that is not cumulative or last year."""
    for i, c in enumerate(cols):
        if not any(w in c for w in ("累计", "上年", "去年", "同比")):
            return i
    return 0


def _number(token: str) -> int | float | None:
    if is_blank(token):
        return None
    t = fold(token)
    if re.fullmatch(r"\d+\.\d+", t):
        return float(t)
    return parse_count(t)


# ---------------------------------------------------------------- glued digit runs


def _candidates(tokens: list[str], k: int) -> list[tuple[str, ...]]:
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


# ---------------------------------------------------------------- levels and paths

_GROUP_LEVEL = re.compile(r"^其中[:：]?\d+")


@dataclass
class _Outline:
    """Parent rows seen so far: (level, short label, kind)."""

    stack: list[tuple[int, str, str]] = field(default_factory=list)
    last_kind: str = ""

    def place(self, label: str) -> list[str]:
        flabel = fold(label)
        top = self.stack[-1] if self.stack else None
        kind = "plain"
        base = legacy_level(label)  # 1 一、 2 （一） 3 1. 4 other: record.py's one rule
        if base == 1:
            kind, level = "cn", 1
        elif base == 2:
            kind, level = "paren", 2
        elif _GROUP_LEVEL.match(flabel):
            # 其中：1.网站公开 — a numbered group under the row above
            kind = "group"
            level = top[0] if top and top[2] == "group" else (top[0] + 1 if top else 4)
        elif base == 3:
            level = 3
            if top and top[2] == "group":
                kind, level = "group", top[0]
            elif top and top[2] == "open":
                kind, level = "group", top[0] + 1
        elif flabel.startswith("其中"):
            level = 4
        elif top and top[2] == "group":
            level = max(top[0] - 1, 1)
            kind = "open"
        else:
            level = 4 if top and top[0] == 4 else 3
            if level == 3 and self.last_kind not in ("arabic", "plain"):
                kind = "open"  # an unnumbered parent: numbered rows after it are its children
        if kind == "plain" and base == 3:
            kind = "arabic"
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        path = [s for _, s, _ in self.stack]
        short = legacy_short(label)
        self.stack.append((level, short, kind))
        self.last_kind = kind if kind != "open" else "plain"
        return path


# ---------------------------------------------------------------- reading


@dataclass
class _Raw:
    label: str
    unit: str | None
    cells: list[tuple[str, ...]]  # candidate value tuples (one when certain)
    cols: list[str]


class _Reader:
    def __init__(self, doc: Document, notes: list[str] | None):
        self.doc = doc
        self.notes = notes if notes is not None else []
        self.raws: list[_Raw] = []
        self.cols: list[str] = []
        self.prose: list[str] = []
        self.prev_first: str | None = None
        self.last_number = 0  # the last 1./2. row number read in text (for glued tails)
        self.last_plain_resets = False

    # ----- table grids

    def table_row(self, cells: list[str]) -> bool:
        """Read one grid row; False when the row is not part of a 统计表."""
        joined = fold("".join(cells))
        if not joined:
            return True
        if _is_header(joined):
            self.cols = _columns_of(cells)
            return True
        nonblank = [c for c in cells if c.strip()]
        if nonblank and all(_COLWORD_CELL.match(fold(c)) for c in nonblank):
            cols = [fold(c) for c in nonblank]
            self.cols = cols if len(cols) > 1 else self.cols
            return True
        labels, values = split_cells(cells)
        if not labels:
            return True
        first = fold(labels[0])
        if first.rstrip(":：") == "其中" and len(labels) > 1 and self.prev_first == first:
            labels = labels[1:]  # a rowspan 其中： cell carried down
        self.prev_first = first
        unit: str | None = None
        if len(labels) >= 2 and len(fold(labels[-1])) <= 3:
            unit = labels[-1]
            labels = labels[:-1]
        values = list(values)
        if values and fold(values[0]) in _DASHES and unit is None:
            unit = values.pop(0)
        if unit is None and not values and len(labels) == 1:
            found = self.text_rows(labels[0], strict=True)
            if found:
                return True
        label = " ".join(" ".join(labels).split())
        k = max(1, len(self.cols))
        while len(values) > k and not values[-1].strip():
            values.pop()
        tokens = [v.strip() for v in values]
        cands: list[tuple[str, ...]] = []
        if len(self.cols) > 1 and 0 < len(tokens) < k and all(t.isdigit() for t in tokens):
            cands = _candidates(tokens, k)  # a cell holding two columns' digits
        if not cands:
            cands = [tuple(tokens)]
        self.raws.append(_Raw(label, unit, cands, list(self.cols)))
        return True

    # ----- text

    def text_rows(self, text: str, *, strict: bool = False) -> int:
        """Read the rows printed in ``text`` (spaced or glued); how many were read."""
        pos, count = 0, 0
        k = max(1, len(self.cols))
        while pos < len(text):
            row = self._next_text_row(text, pos, k)
            if row is None:
                break
            label, unit, tokens, pos = row
            cands = _candidates(tokens, k) if 0 < len(tokens) < k else []
            if not cands:
                cands = [tuple((tokens + [""] * k)[:k])]
            if len(tokens) > k:
                self.notes.append(f"统计表“{label}”: 多出的数字 {' '.join(tokens[k:])} 未计入")
            self.raws.append(_Raw(label, unit, cands, list(self.cols)))
            count += 1
        if strict and pos < len(text) and text[pos:].strip():
            # a single cell that is not a whole row: leave it to the grid reading
            del self.raws[len(self.raws) - count :]
            return 0
        return count

    def _next_text_row(self, text: str, pos: int,
                       k: int) -> tuple[str, str, list[str], int] | None:
        for um in _UNIT_AT.finditer(text, pos):
            label = " ".join(text[pos : um.start()].split())
            if len(fold(label)) > _MAX_LABEL or _SENTENCE.search(label):
                return None
            unit = um.group()
            vm = _VALUES_AT.match(text, um.end())
            isolated = (um.start() > 0 and text[um.start() - 1].isspace()
                        and (um.end() == len(text) or text[um.end()].isspace()))
            if vm and vm.group().strip():
                run, end = vm.group(), vm.end()
            elif (unit in _DASHES or isolated or _ROW_START_AT.match(text, um.end())
                  or not text[um.end() :].strip()):
                run, end = "", um.end()
            else:
                continue
            if not re.search(r"[\u4e00-\u9fff]", label):
                return None
            tokens = run.split()
            # the next row's number glued to this row's last value: 条24242、政府公报公开
            flabel = fold(label)
            nm = _LABEL_NUMBER.match(flabel)
            if nm:
                self.last_number = int(nm.group(1))
            elif legacy_level(label) <= 2 or (self.last_plain_resets and not flabel.startswith("其中")):
                self.last_number = 0  # a new parent: its children count from 1 again
            self.last_plain_resets = bool(nm)
            if tokens and _NUMBER_TAIL.match(text, end):
                last = tokens[-1]
                for expected in dict.fromkeys((str(self.last_number + 1), "1")):
                    if last == expected or (len(tokens) > k and last.isdigit()):
                        tokens.pop()
                        end -= len(last)
                        break
                    if last.endswith(expected) and len(last) > len(expected):
                        tokens[-1] = last[: -len(expected)]
                        end -= len(expected)
                        break
            return label, unit, tokens, end
        return None

    # ----- the document

    def run(self) -> list[LegacyRow]:
        active = False
        text_mode = False
        for block in self.doc.blocks:
            if isinstance(block, Table):
                for cells in block.rows:
                    if not active and _is_header(fold("".join(cells))):
                        active, text_mode = True, False
                    if active:
                        self.table_row(cells)
                continue
            text = block.text
            if not active:
                hm = _HEADER_AT.search(text)
                if hm is None or not _is_header(fold(hm.group())):
                    self.prose.append(text)
                    continue
                self.prose.append(text[: hm.start()])
                pos = hm.end()
                cols: list[str] = []
                while (cm := _COLS_AT.match(text, pos)) is not None:
                    cols.append(fold(cm.group(1)))
                    pos = cm.end()
                self.cols = cols if len(cols) > 1 else []
                active, text_mode = True, True
                self.text_rows(text[pos:])
                continue
            if not re.search(r"[\u4e00-\u9fff]", text):
                continue  # a page number between the pages of a table
            if not self.text_rows(text):
                self.prose.append(text)
                if text_mode:
                    active = False
        return self.finish()

    # ----- values

    def finish(self) -> list[LegacyRow]:
        outline = _Outline()
        rows: list[LegacyRow] = []
        for raw in self.raws:
            rows.append(LegacyRow(label=raw.label, unit=raw.unit, value=None,
                                  path=outline.place(raw.label)))
        cands = [list(raw.cells) for raw in self.raws]
        chosen = _settle(rows, cands)
        # what arithmetic leaves open, the report's own prose may state (主动公开政府信息389条)
        again = False
        for i, raw in enumerate(self.raws):
            if chosen[i] is None:
                backed = self._stated(raw, _consistent(rows, cands, i))
                if len(backed) == 1:
                    cands[i] = backed
                    again = True
        if again:
            chosen = _settle(rows, cands)
        for row, raw, cells in zip(rows, self.raws, chosen, strict=True):
            if cells is None:
                self.notes.append(
                    f"统计表“{raw.label}”: 数字连写无法唯一拆分（可能为 "
                    + "、".join("/".join(c) for c in raw.cells[:6]) + "），记为空白")
                cells = ("",) * max(1, len(raw.cols))
            nums = [_number(c) for c in cells]
            if raw.cols and len(cells) > 1:
                row["columns"] = dict(zip(raw.cols, nums, strict=False))
                row["value"] = nums[_year_column(raw.cols)] if nums else None
            else:
                row["value"] = nums[0] if nums else None
        return rows

    def _stated(self, raw: _Raw, cands: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
        """Candidates whose year figure a prose clause about the same row states."""
        core = re.sub(r"^(?:其中[:：]?)?\d*[.、．]?", "", fold(raw.label)).rstrip("数")
        if len(core) < 4:
            return []
        grams = {core[i : i + 4] for i in range(len(core) - 3)}
        said: set[str] = set()
        for p in self.prose:
            for clause in re.split(r"[，。；;,]", fold(p)):
                if any(g in clause for g in grams):
                    said |= {n for n, u in _PROSE_COUNT.findall(clause)
                             if raw.unit is None or u == fold(raw.unit)}
        y = _year_column(raw.cols)
        return [c for c in cands if c[y] in said]


_JOINT_LIMIT = 200_000


def _ints(c: tuple[str, ...]) -> list[float]:
    out: list[float] = []
    for x in c:
        v = _number(x) if x else 0
        out.append(float(v) if isinstance(v, int | float) else 0.0)
    return out


def _families(rows: list[LegacyRow]) -> list[list[int]]:
    """[parent, *children] for every row with children (by path)."""
    return [[i, *kids] for i in range(len(rows)) if (kids := legacy_rows_under(rows, i))]


def _family_ok(fam: list[int], a: dict[int, tuple[str, ...]]) -> bool:
    parent = _ints(a[fam[0]])
    kids = [_ints(a[j]) for j in fam[1:]]
    return all(round(sum(k[c] for k in kids if c < len(k)), 2) == round(parent[c], 2)
               for c in range(len(parent)))


def _settle(rows: list[LegacyRow],
            cands: list[list[tuple[str, ...]]]) -> list[tuple[str, ...] | None]:
    """The one candidate of each row that every arithmetically consistent choice agrees on.

    Parents must equal the sum of their children in every column (only where there are
    several value columns, as glued runs then hide where one column ends). Rows linked by
    such sums are solved together; a group with no consistent choice keeps only the rows
    that had a single candidate.
    """
    out: list[tuple[str, ...] | None] = [c[0] if len(c) == 1 else None for c in cands]
    multi = any(len(c[0]) > 1 for c in cands if c)
    fams = [f for f in _families(rows) if multi and all(len(cands[j][0]) > 1 for j in f)]
    # connected groups of families
    group_of: dict[int, int] = {}
    groups: list[set[int]] = []
    for fam in fams:
        hit = {group_of[j] for j in fam if j in group_of}
        merged: set[int] = set(fam)
        for g in hit:
            merged |= groups[g]
            groups[g] = set()
        groups.append(merged)
        for j in merged:
            group_of[j] = len(groups) - 1
    for members in groups:
        if not members:
            continue
        open_rows = sorted(j for j in members if len(cands[j]) > 1)
        if not open_rows:
            continue
        size = 1
        for j in open_rows:
            size *= len(cands[j])
        if size > _JOINT_LIMIT:
            continue
        my_fams = [f for f in fams if f[0] in members]
        found: dict[int, set[tuple[str, ...]]] = {j: set() for j in open_rows}
        base = {j: cands[j][0] for j in members if len(cands[j]) == 1}
        for combo in product(*(cands[j] for j in open_rows)):
            a = dict(base)
            a.update(zip(open_rows, combo, strict=True))
            if all(_family_ok(f, a) for f in my_fams):
                for j, v in zip(open_rows, combo, strict=True):
                    found[j].add(v)
        for j in open_rows:
            if len(found[j]) == 1:
                out[j] = next(iter(found[j]))
    return out


def _consistent(rows: list[LegacyRow], cands: list[list[tuple[str, ...]]],
                i: int) -> list[tuple[str, ...]]:
    """Row ``i``'s candidates that some consistent choice of its families allows."""
    fams = [f for f in _families(rows) if i in f and all(len(cands[j][0]) > 1 for j in f)]
    if not fams:
        return cands[i]
    ok = []
    for c in cands[i]:
        trial = [list(x) for x in cands]
        trial[i] = [c]
        members = sorted({j for f in fams for j in f if len(trial[j]) > 1})
        size = 1
        for j in members:
            size *= len(trial[j])
        if size > _JOINT_LIMIT:
            return cands[i]
        for combo in product(*(trial[j] for j in members)):
            a = {j: trial[j][0] for f in fams for j in f}
            a.update(zip(members, combo, strict=True))
            if all(_family_ok(f, a) for f in fams):
                ok.append(c)
                break
    return ok or cands[i]


def legacy_stats(doc: Document, notes: list[str] | None = None) -> list[LegacyRow]:
    """The 统计表 rows of a legacy report, in document order (empty when there is none).

    ``notes`` (the record's ``notes``) receives what a reader should check: glued digit runs
    that could not be split with certainty, extra numbers after a row.
    """
    return _Reader(doc, notes).run()


__all__ = ["is_legacy", "legacy_stats"]
