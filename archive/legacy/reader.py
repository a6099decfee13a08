"""Read a legacy 统计表's rows from table grids and from spaced or glued text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..document import Document, Table, fold
from ..record import LegacyRow, legacy_level
from ..rows import split_cells
from .cells import (
    COLS_AT,
    COLWORD_CELL,
    DASHES,
    HEADER_AT,
    LABEL_NUMBER,
    MAX_LABEL,
    NUMBER_TAIL,
    PROSE_COUNT,
    ROW_START_AT,
    SENTENCE,
    UNIT_AT,
    VALUES_AT,
    candidates,
    columns_of,
    is_header,
    number,
    year_column,
)
from .outline import Outline
from .sums import consistent, settle

# ---------------------------------------------------------------- reading


@dataclass
class _Raw:
    label: str
    unit: str | None
    cells: list[tuple[str, ...]]  # candidate value tuples (one when certain)
    cols: list[str]


class Reader:
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
        if is_header(joined):
            self.cols = columns_of(cells)
            return True
        nonblank = [c for c in cells if c.strip()]
        if nonblank and all(COLWORD_CELL.match(fold(c)) for c in nonblank):
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
        if values and fold(values[0]) in DASHES and unit is None:
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
            cands = candidates(tokens, k)  # a cell holding two columns' digits
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
            cands = candidates(tokens, k) if 0 < len(tokens) < k else []
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
        for um in UNIT_AT.finditer(text, pos):
            label = " ".join(text[pos : um.start()].split())
            if len(fold(label)) > MAX_LABEL or SENTENCE.search(label):
                return None
            unit = um.group()
            vm = VALUES_AT.match(text, um.end())
            isolated = (um.start() > 0 and text[um.start() - 1].isspace()
                        and (um.end() == len(text) or text[um.end()].isspace()))
            if vm and vm.group().strip():
                run, end = vm.group(), vm.end()
            elif (unit in DASHES or isolated or ROW_START_AT.match(text, um.end())
                  or not text[um.end() :].strip()):
                run, end = "", um.end()
            else:
                continue
            if not re.search(r"[\u4e00-\u9fff]", label):
                return None
            tokens = run.split()
            # the next row's number glued to this row's last value: 条24242、政府公报公开
            flabel = fold(label)
            nm = LABEL_NUMBER.match(flabel)
            if nm:
                self.last_number = int(nm.group(1))
            elif legacy_level(label) <= 2 or (self.last_plain_resets and not flabel.startswith("其中")):
                self.last_number = 0  # a new parent: its children count from 1 again
            self.last_plain_resets = bool(nm)
            if tokens and NUMBER_TAIL.match(text, end):
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
                    if not active and is_header(fold("".join(cells))):
                        active, text_mode = True, False
                    if active:
                        self.table_row(cells)
                continue
            text = block.text
            if not active:
                hm = HEADER_AT.search(text)
                if hm is None or not is_header(fold(hm.group())):
                    self.prose.append(text)
                    continue
                self.prose.append(text[: hm.start()])
                pos = hm.end()
                cols: list[str] = []
                while (cm := COLS_AT.match(text, pos)) is not None:
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
        outline = Outline()
        rows: list[LegacyRow] = []
        for raw in self.raws:
            rows.append(LegacyRow(label=raw.label, unit=raw.unit, value=None,
                                  path=outline.place(raw.label)))
        cands = [list(raw.cells) for raw in self.raws]
        chosen = settle(rows, cands)
        # what arithmetic leaves open, the report's own prose may state (主动公开政府信息389条)
        again = False
        for i, raw in enumerate(self.raws):
            if chosen[i] is None:
                backed = self._stated(raw, consistent(rows, cands, i))
                if len(backed) == 1:
                    cands[i] = backed
                    again = True
        if again:
            chosen = settle(rows, cands)
        for row, raw, cells in zip(rows, self.raws, chosen, strict=True):
            if cells is None:
                self.notes.append(
                    f"统计表“{raw.label}”: 数字连写无法唯一拆分（可能为 "
                    + "、".join("/".join(c) for c in raw.cells[:6]) + "），记为空白")
                cells = ("",) * max(1, len(raw.cols))
            nums = [number(c) for c in cells]
            if raw.cols and len(cells) > 1:
                row["columns"] = dict(zip(raw.cols, nums, strict=False))
                row["value"] = nums[year_column(raw.cols)] if nums else None
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
                    said |= {n for n, u in PROSE_COUNT.findall(clause)
                             if raw.unit is None or u == fold(raw.unit)}
        y = year_column(raw.cols)
        return [c for c in cands if c[y] in said]
