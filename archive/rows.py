"""The row stream the parser reads: every table row as (label, value cells), every
paragraph as one row, and the ways value cells are fitted to a row's columns.

A row is recognised by its label, not by its position (merged cells, stray cells and page
breaks move positions; labels stay). Cells are fitted, never repaired: a stray cell is
dropped only when the row's own arithmetic says which, and a short row is completed only
when its total leaves one possibility.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

from .document import Block, Document, Paragraph, fold
from .glued.splits import Budget, by_segment, cell_splits
from .numbers import is_value, norm, parse_count
from .segment import segment


@dataclass
class Row:
    label: str  # folded
    raw_label: str
    values: list[str]
    exact: bool
    index: int
    page: int | None
    paragraph: bool
    #: the value cells as the source cut them (one per merged cell), where it says so
    cells: list[str] | None = None


# ---------------------------------------------------------------- row stream


def split_cells(cells: list[str]) -> tuple[list[str], list[str]]:
    """Label cells (up to the last non-value cell) and the value cells after them."""
    last_label = -1
    for i, c in enumerate(cells):
        if c.strip() and not is_value(c):
            last_label = i
    labels: list[str] = []
    for c in cells[: last_label + 1]:
        if c.strip() and (not labels or labels[-1] != c.strip()):
            labels.append(c.strip())
    return labels, cells[last_label + 1 :]


_GLUED_TAIL = re.compile(r"^(.*?[^\d\s.,\-])\s*(-?\d(?:[\d\s.,]|-(?=\d))*(?:万元|元)?)$")


def _paragraph_row(block: Paragraph) -> tuple[str, list[str]]:
    """(label, value tokens) of a paragraph; a line cut from a run-together paragraph has
    its numbers glued to its label (and to each other): they are split off the label."""
    tokens = block.text.split()
    k = len(tokens)
    while k > 0 and is_value(tokens[k - 1]) and tokens[k - 1] not in {"-", "—", "/"}:
        k -= 1
    label, values = " ".join(tokens[:k]), tokens[k:]
    m = _GLUED_TAIL.match(label) if block.cut else None
    if m and (not values or all(v.isdigit() for v in values)):
        label, values = m.group(1), m.group(2).split() + values
    return label, values


def resegment(doc: Document) -> Document:
    """The document with every run-together paragraph cut into the lines it was."""
    blocks: list[Block] = []
    for b in doc.blocks:
        lines = segment(b.text) if isinstance(b, Paragraph) and len(b.text) > 200 else None
        if lines and isinstance(b, Paragraph):
            blocks += [Paragraph(line, b.page, cut=True) for line in lines]
        else:
            blocks.append(b)
    return Document(blocks=blocks, meta=doc.meta)


def rows_of(doc: Document) -> list[Row]:
    rows: list[Row] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            label, values = _paragraph_row(block)
            rows.append(Row(fold(label), label, values, False, len(rows), block.page, True))
            continue
        owners = block.cells if block.cells and len(block.cells) == len(block.rows) else None
        for r, cells in enumerate(block.rows):
            labels, values = split_cells(cells)
            raw = " ".join(labels)
            own = owners[r] if owners and len(owners[r]) == len(cells) else None
            rows.append(Row(fold(raw), raw, values, block.exact, len(rows), block.page, False,
                            _source_cells(values, own[len(cells) - len(values):]) if own else None))
    return rows


def _source_cells(values: list[str], owners: list[int]) -> list[str]:
    """One value per source cell: the slots a merged cell fills collapsed to one."""
    return [v for i, v in enumerate(values) if i == 0 or owners[i] != owners[i - 1]]


def trim_cells(values: list[str], n: int, *, keep_leading: bool = False) -> tuple[list[str], bool]:
    """Trim the blanks that merged cells add around inexact rows to ``n`` cells.

    Returns the cells and whether non-blank cells remain beyond ``n`` (a stray cell).
    """
    v = list(values)
    order = ("trailing", "leading") if keep_leading else ("leading", "trailing")
    for side in order:
        while len(v) > n and (v[0] if side == "leading" else v[-1]).strip() == "":
            v.pop(0 if side == "leading" else -1)
    return v, len(v) > n


def exact_cells(values: list[str], n: int) -> list[str]:
    """The ``n`` value cells of an exact row that has more slots than columns.

    The extra slots come from a merged value cell: HTML and DOCX repeat its text into
    every slot it spans (``6 | 2 | 2``), ruled PDF tables leave them empty (``6 | 2 | ``);
    a label cell spanning into the value columns leaves blanks in front.
    """
    if len(values) == n:
        return values
    extra, lead = values[n:], values[: len(values) - n]
    last = values[n - 1].strip()
    repeated = bool(last) and all(v.strip() == last for v in extra)
    lead_blank = all(not v.strip() for v in lead)
    if repeated and lead_blank:
        # ``| 2 | 2`` after a blank: 表二's last value cell spans the unused columns, while
        # 表三/表四 (five or more columns) merge only label cells
        return values[-n:] if n >= 5 else values[:n]
    if repeated:
        return values[:n]
    if lead_blank:
        return values[-n:]
    if all(not v.strip() for v in extra):
        return values[:n]
    return values[-n:]


def drop_stray(values: list[str], n: int, ok: Callable[[list[int | None]], bool]) -> list[str] | None:
    """Drop one stray cell: the first removal that makes the row's arithmetic hold."""
    if len(values) != n + 1:
        return None
    for i in range(len(values)):
        cand = values[:i] + values[i + 1 :]
        if ok([parse_count(c) for c in cand]):
            return cand
    return None


def digit_tokens(values: list[str]) -> list[str]:
    return [norm(v) for v in values if v.strip()]


def is_glued(values: list[str], n: int) -> bool:
    """Fewer tokens than cells but digits enough for all: numbers run together."""
    toks = digit_tokens(values)
    return (bool(toks) and len(toks) < n and all(t.isdigit() for t in toks)
            and sum(map(len, toks)) >= n)


def forced_cells(printed: list[int], n: int) -> list[int] | None:
    """The row a short row must be, when its arithmetic leaves one possibility.

    ``printed`` are the numbers a row shows, in order, fewer than its ``n`` cells (the last
    cell is the total of the others); the missing ones may be anywhere. Every placement
    whose unknown non-negative cells are forced by the total is tried; the row is derived
    only when all placements agree (six printed zeros make all seven zero)."""
    outcomes: set[tuple[int, ...]] = set()
    for where in itertools.combinations(range(n), len(printed)):
        cells: list[int | None] = [None] * n
        for i, v in zip(where, printed, strict=True):
            cells[i] = v
        unknown = [i for i, c in enumerate(cells) if c is None]
        parts_known = sum(c or 0 for c in cells[: n - 1])
        if cells[n - 1] is None:
            if len(unknown) > 1:
                return None  # the total and a part both missing: anything goes
            cells[n - 1] = parts_known
        else:
            slack = cells[n - 1] - parts_known  # type: ignore[operator]
            if slack < 0:
                continue
            if len(unknown) > 1 and slack:
                return None
            for i in unknown:
                cells[i] = slack if len(unknown) == 1 else 0
        outcomes.add(tuple(c or 0 for c in cells))
        if len(outcomes) > 1:
            return None
    return list(next(iter(outcomes))) if outcomes else None


SIGNED_RUN = re.compile(r"-?\d+(?:-\d+)*")
_T2_STEPS = 200_000


def t2_splits(tokens: list[str], cols: tuple[str, ...], limit: int = 6) -> list[list[int]]:
    """Every way the digits of a 表二 row's tokens make its cells (up to ``limit``): no
    leading zeros, a minus sign only on 本年增/减, spaces and signs as certain boundaries.

    Listed segment by segment: a segment kept whole first, then by the length of its
    first number, and so on (the order the parser's notes have always shown)."""
    segments = [seg for tok in tokens for seg in re.findall(r"-?\d+", tok)]
    signed = {i for i, c in enumerate(cols) if c == "change"}
    # a bound for hostile runs only: three cells of a 40-digit run take some 800 steps
    found, _ = cell_splits(segments, len(cols), signed=signed, budget=Budget(_T2_STEPS))

    def order(split: tuple[str, ...]) -> tuple[tuple[int, ...], ...]:
        return tuple(key for group in by_segment(segments, split)
                     for key in (*((1, len(p)) for p in group[:-1]), (0,)))

    return [[int(p) for p in split] for split in sorted(found, key=order)[:limit]]
