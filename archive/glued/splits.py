"""The one enumerator of the ways a printed digit run makes a row's cells.

Every reader that meets numbers run together asks the same question: in how many ways do
these digits make these cells? ``cell_splits`` answers it for all of them — 表三/表四
rows solved by their arithmetic (``archive.glued.joint``), 表二 rows whose 本年增/减 may
carry a minus sign (``archive.rows.t2_splits``) and the pre-2019 统计表's cells
(``archive.legacy``). Its rules:

* the printed segments (space-separated tokens) are certain cell boundaries, and each
  makes at least one cell;
* a segment of digits is cut into numbers without leading zeros (a lone ``0`` is fine);
* a segment led by ``-`` gives its first number that sign, allowed only in a column of
  ``signed``;
* any other segment (``1.5``, ``——``) is one cell, as printed.

Cells are chosen right to left. In these tables a group's total is its rightmost cell, so
with linear ``constraints`` fixing it first bounds the cells it sums and prunes long
pieces at once. Splits come in that order: the last cell shortest first, then the one
before it, and so on; a caller that promised another order sorts them (``by_segment``
says which pieces each segment made).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence


class Budget:
    """Search steps left, shared by every search of one solve so that no input, however
    unlucky, costs more than this many steps."""

    def __init__(self, steps: int) -> None:
        self.left = steps

    def spend(self) -> bool:
        self.left -= 1
        return self.left >= 0


class RowConstraint:
    """Σ coef[c] × cell c + constant = 0 over one row's cells."""

    def __init__(self, coef: list[int], constant: int) -> None:
        self.coef = coef
        self.constant = constant
        # For columns 0..c: Σ and max of positive / |negative| coefficients, to bound
        # the still unassigned cells while splitting right to left.
        self.pos_sum: list[int] = []
        self.pos_max: list[int] = []
        self.neg_sum: list[int] = []
        self.neg_max: list[int] = []
        self.pos_min: list[int] = []
        self.neg_min: list[int] = []
        self.zeros: list[int] = []
        ps = pm = ns = nm = zeros = 0
        pmin = nmin = 0
        for c in coef:
            if c > 0:
                ps, pm, pmin = ps + c, max(pm, c), min(pmin or c, c)
            elif c < 0:
                ns, nm, nmin = ns - c, max(nm, -c), min(nmin or -c, -c)
            self.pos_sum.append(ps)
            self.pos_max.append(pm)
            self.neg_sum.append(ns)
            self.neg_max.append(nm)
            self.pos_min.append(pmin)
            self.neg_min.append(nmin)
            zeros += not c
            self.zeros.append(zeros)

    def holds(self, values: Sequence[int]) -> bool:
        return self.constant + sum(c * x for c, x in zip(self.coef, values, strict=True)) == 0


def _digits(segment: str) -> str | None:
    """A segment's digits (its sign dropped), None when it is one cell as printed."""
    body = segment[1:] if segment.startswith("-") else segment
    return body if body and body.isdigit() else None


def cell_splits(
    segments: Sequence[str],
    width: int,
    *,
    signed: Collection[int] = (),
    constraints: Sequence[RowConstraint] = (),
    limit: int | None = None,
    budget: Budget | None = None,
    whole_as_printed: bool = False,
) -> tuple[list[tuple[str, ...]], bool]:
    """The ways ``segments`` make ``width`` cells (each cell's text, ``-`` included).

    Returns (splits, complete); complete is False when ``limit`` splits were found or
    ``budget`` steps spent before the enumeration ended. ``constraints`` (unsigned digit
    runs only) keep the splits that satisfy every one of them. ``whole_as_printed``: a
    segment that makes one cell is that cell as printed, a leading zero and all (a cell
    the page spaced off is a cell, whatever it holds).
    """
    text = ""
    cuts: set[int] = set()
    signs: set[int] = set()  # where a minus sign stands before a number
    whole: set[int] = set()  # where a one-cell segment ends
    for seg in segments:
        if not seg:
            raise ValueError("a segment holds at least one character")
        if text:
            cuts.add(len(text))
        digits = _digits(seg)
        if digits is None:
            text += seg
            whole.add(len(text))
            continue
        if digits is not seg:
            signs.add(len(text))
        text += digits
    if constraints and (signs or whole):
        raise ValueError("constraints bound unsigned digit runs only")
    s, n = text, len(text)
    out: list[tuple[str, ...]] = []
    if n < width or width < 1 or (len(cuts) + 1 if n else 0) > width:
        return out, True
    prefix = [0] + [int(s[:b]) for b in range(1, n + 1)] if constraints else []
    last_cut = [0] * (n + 1)
    segs_before = [0] * (n + 1)
    for b in range(1, n + 1):
        last_cut[b] = max((c for c in cuts if c < b), default=0)
        segs_before[b] = 1 + sum(1 for c in cuts if c < b)
    vals = [""] * width
    stop = False

    def fits(k: RowConstraint, partial: int, a: int, left: int) -> int:
        """0 if Σ can still reach 0 with ``left`` pieces of ``s[:a]``; +1 if it is certainly
        too big, -1 certainly too small, 2 if the pieces left would have to be too long."""
        if left == 0:
            return (partial > 0) - (partial < 0)
        whole_num = prefix[a]
        ub = min(10 ** (a - left + 1) - 1, whole_num)
        pos, neg = k.pos_sum[left - 1], k.neg_sum[left - 1]
        if partial + -min(neg * ub, k.neg_max[left - 1] * whole_num) > 0:
            return 1
        if partial + min(pos * ub, k.pos_max[left - 1] * whole_num) < 0:
            return -1
        # All that is left pulls one way (the cells a total sums): no piece can exceed
        # what is still missing, which caps every piece's length.
        if k.zeros[left - 1]:
            return 0
        if not pos and neg:
            cap = partial // k.neg_min[left - 1]
        elif not neg and pos:
            cap = -partial // k.pos_min[left - 1]
        else:
            return 0
        return 2 if a > left * len(str(cap)) else 0

    def rec(b: int, c: int, partials: list[int]) -> None:
        nonlocal stop
        floor = last_cut[b]
        if not c and floor:
            return
        if b in whole:
            starts: Sequence[int] = (floor,) if floor >= c else ()
        else:
            starts = range(b - 1, max(c, floor) - 1, -1) if c else (0,)
        for a in starts:
            if s[a] == "0" and b - a > 1 and b not in whole and not (
                    whole_as_printed and a == floor and (b == n or b in cuts)):
                continue
            if segs_before[a] > c:
                continue
            if a in signs and c not in signed:
                continue
            if budget is not None and not budget.spend():
                stop = True
                return
            piece = "-" + s[a:b] if a in signs else s[a:b]
            x = int(piece) if constraints else 0
            new = [p + k.coef[c] * x for p, k in zip(partials, constraints, strict=True)]
            ok = True
            longer_fails = False
            for k, p in zip(constraints, new, strict=True):
                verdict = fits(k, p, a, c)
                if verdict:
                    ok = False
                    # Longer pieces only move this sum further the same way (the piece
                    # grows, the bounds of what is left shrink): stop widening.
                    if verdict != 2 and verdict * k.coef[c] > 0:
                        longer_fails = True
            if ok:
                vals[c] = piece
                if c == 0:
                    out.append(tuple(vals))
                    if limit is not None and len(out) >= limit:
                        stop = True
                else:
                    rec(a, c - 1, new)
                if stop:
                    return
            if longer_fails:
                return

    rec(n, width - 1, [k.constant for k in constraints])
    return out, not stop


def by_segment(segments: Sequence[str], split: Sequence[str]) -> list[tuple[str, ...]]:
    """The pieces of ``split`` (a result of :func:`cell_splits`) grouped by the segment
    they were cut from."""
    groups: list[tuple[str, ...]] = []
    i = 0
    for seg in segments:
        size = len(_digits(seg) or seg)
        group: list[str] = []
        while size > 0:
            piece = split[i]
            group.append(piece)
            size -= len(_digits(piece) or piece)
            i += 1
        groups.append(tuple(group))
    return groups
