"""Split glued digit runs of 表三/表四 rows back into their cells, using the tables' arithmetic.

Some pages lose their cell boundaries when turned into text: the row
``一、本年新收政府信息公开申请数量801000081`` holds 80, 1, 0, 0, 0, 0, 81. The digits alone
rarely decide the split (``220000022`` is 22,0,0,0,0,0,22 or 2,20,0,0,0,0,22, both summing
right), but the template's sums usually do once every row is considered together: the
column totals, the 勾稽关系 and the rows' own totals. So rows are solved jointly, and a
value is returned only when it is *the* split consistent with every constraint; anything
else is reported, never guessed, because a wrong number in an archive of official
figures is worse than a blank with a warning.

A run is ASCII digits, possibly with whitespace; whitespace is a certain cell boundary
(``230 000023``). Numbers have no leading zeros except a lone ``0``. The caller
NFKC-folds the text and cuts the run off its label.

``solve`` is the generic core; ``split_t3`` and ``split_t4`` bind it to the templates.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from archive.record import T3_COLUMNS, T3_RESULT_ROWS, T3_ROWS, T4_COLUMNS, T4_GROUPS

#: A cell: (row key, 0-based column).
Cell = tuple[str, int]
#: Σ coefficient × cell = 0. A blank (None) cell counts as 0, as in validation.
LinearConstraint = Sequence[tuple[Cell, int]]

Status = Literal["unique", "ambiguous", "inconsistent", "unsplittable"]

#: The row key ``split_t4`` uses internally for a single 15-cell run of 表四.
T4_RUN = "review_litigation"

_OTHER_SUBROWS = tuple(k for k in T3_RESULT_ROWS if k.startswith("other_handling."))


@dataclass(frozen=True)
class Solution:
    """The split of every run row (fixed rows are not repeated here).

    ``status[row]``:

    - ``unique``: ``values[row]`` is the only split consistent with every constraint — or,
      when ``consistent`` is False, the only split consistent with the row's own constraints
      (those touching no other row);
    - ``ambiguous``: several splits fit everything (or the search gave up); ``values`` is
      None, ``candidates`` lists some of them (empty when the row alone has too many);
    - ``inconsistent``: no joint split exists and the row's own constraints leave several
      splits, listed in ``candidates``; ``values`` is None;
    - ``unsplittable``: no split satisfies even the row's own constraints (the published
      row is itself wrong, or has too few digits). ``values`` holds the one split the digits
      allow at all (e.g. seven digits for seven cells), so validation can flag the printed
      error, else None.

    ``consistent``: True when the joint system has a solution, False when it provably has
    none (a real published inconsistency: the caller should say so), None when the search
    budget ran out before either was shown.
    """

    values: dict[str, list[int] | None]
    status: dict[str, Status]
    candidates: dict[str, list[list[int]]]
    consistent: bool | None


class _RowConstraint:
    """A constraint over one row's cells (fixed rows folded into ``constant``)."""

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


def _parse_run(run: str) -> tuple[str, frozenset[int]]:
    segments = run.split()
    for seg in segments:
        if not (seg.isascii() and seg.isdigit()):
            raise ValueError(f"a glued run holds only ASCII digits and spaces, got {run!r}")
    digits = "".join(segments)
    cuts = frozenset(itertools.accumulate(len(s) for s in segments[:-1]))
    return digits, cuts


class _Budget:
    """Search steps left for one ``solve``, shared by all its searches so that no input,
    however unlucky, costs more than this many steps."""

    def __init__(self, steps: int) -> None:
        self.left = steps

    def spend(self) -> bool:
        self.left -= 1
        return self.left >= 0


def _splits(
    run: str, width: int, constraints: Sequence[_RowConstraint], limit: int, budget: _Budget
) -> tuple[list[tuple[int, ...]], bool]:
    """The splits of ``run`` into ``width`` numbers satisfying ``constraints``.

    Returns (splits, complete); complete is False when ``limit`` splits were found or
    ``budget`` steps spent before the enumeration ended. Cells are chosen right to left:
    in these tables a group's total is its rightmost cell, so fixing it first bounds the
    cells it sums and prunes long pieces at once.
    """
    s, cuts = _parse_run(run)
    n = len(s)
    out: list[tuple[int, ...]] = []
    if n < width or width < 1 or (len(cuts) + 1 if n else 0) > width:
        return out, True
    prefix = [0] + [int(s[:b]) for b in range(1, n + 1)]
    last_cut = [0] * (n + 1)
    segs_before = [0] * (n + 1)
    for b in range(1, n + 1):
        last_cut[b] = max((c for c in cuts if c < b), default=0)
        segs_before[b] = 1 + sum(1 for c in cuts if c < b)
    vals = [0] * width
    stop = False

    def fits(k: _RowConstraint, partial: int, a: int, left: int) -> int:
        """0 if Σ can still reach 0 with ``left`` pieces of ``s[:a]``; +1 if it is certainly
        too big, -1 certainly too small, 2 if the pieces left would have to be too long."""
        if left == 0:
            return (partial > 0) - (partial < 0)
        whole = prefix[a]
        ub = min(10 ** (a - left + 1) - 1, whole)
        pos, neg = k.pos_sum[left - 1], k.neg_sum[left - 1]
        if partial + -min(neg * ub, k.neg_max[left - 1] * whole) > 0:
            return 1
        if partial + min(pos * ub, k.pos_max[left - 1] * whole) < 0:
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
        starts = range(b - 1, max(c, last_cut[b]) - 1, -1) if c else (0,)
        if not c and last_cut[b]:
            return
        for a in starts:
            if s[a] == "0" and b - a > 1:
                continue
            if segs_before[a] > c:
                continue
            if not budget.spend():
                stop = True
                return
            x = int(s[a:b])
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
                vals[c] = x
                if c == 0:
                    out.append(tuple(vals))
                    if len(out) >= limit:
                        stop = True
                else:
                    rec(a, c - 1, new)
                if stop:
                    return
            if longer_fails:
                return

    rec(n, width - 1, [k.constant for k in constraints])
    return out, not stop


@dataclass
class _Row:
    name: str
    width: int
    own: list[tuple[int, ...]]  # splits satisfying the row's own constraints
    own_complete: bool
    cands: list[tuple[int, ...]]  # own splits also satisfying constraints with fixed rows


def solve(
    runs: Mapping[str, str],
    widths: Mapping[str, int],
    fixed: Mapping[str, Sequence[int | None]],
    constraints: Iterable[LinearConstraint],
    *,
    max_candidates: int = 4,
    budget: int = 200_000,
) -> Solution:
    """Split every run of ``runs`` into ``widths[row]`` numbers, jointly.

    ``fixed`` rows are known exactly (None = blank, counted as 0) and take part in the
    constraints. A constraint naming a row in neither ``runs`` nor ``fixed`` is skipped:
    an absent row is not assumed zero. ``budget`` bounds the search steps of the whole
    call; running out yields ``ambiguous``, never a guess.
    ``max_candidates`` caps the splits listed per row.
    """
    for row in runs:
        if row in fixed:
            raise ValueError(f"row {row!r} is both a run and fixed; pass it once")
        if row not in widths:
            raise ValueError(f"row {row!r} has no width; add it to widths")
    for row, vals in fixed.items():
        if row in widths and len(vals) != widths[row]:
            raise ValueError(f"fixed row {row!r} has {len(vals)} cells, width {widths[row]}")
    width_of = {r: widths.get(r, len(v)) for r, v in fixed.items()} | {r: widths[r] for r in runs}

    # Merge terms, drop constraints on absent rows, fold fixed cells into a constant.
    own: dict[str, list[_RowConstraint]] = {r: [] for r in runs}
    with_fixed: dict[str, list[_RowConstraint]] = {r: [] for r in runs}
    joint: list[tuple[int, dict[str, dict[int, int]]]] = []
    for con in constraints:
        terms: dict[str, dict[int, int]] = {}
        for (row, col), coef in con:
            if not 0 <= col < width_of.get(row, col + 1):
                raise ValueError(f"constraint cell {(row, col)!r} is outside its row")
            cols = terms.setdefault(row, {})
            cols[col] = cols.get(col, 0) + coef
        if any(r not in runs and r not in fixed for r in terms):
            continue
        constant = sum(
            coef * (fixed[r][col] or 0) for r, cols in terms.items() if r in fixed
            for col, coef in cols.items()
        )
        unknown = {r: cols for r, cols in terms.items() if r in runs}
        if len(unknown) == 1:
            ((r, cols),) = unknown.items()
            rc = _RowConstraint([cols.get(i, 0) for i in range(width_of[r])], constant)
            (with_fixed if len(terms) > 1 else own)[r].append(rc)
        elif unknown:
            joint.append((constant, unknown))

    values: dict[str, list[int] | None] = {}
    status: dict[str, Status] = {}
    candidates: dict[str, list[list[int]]] = {}
    rows: dict[str, _Row] = {}
    steps = _Budget(budget)
    for r, run in runs.items():
        w = width_of[r]
        got, complete = _splits(run, w, own[r], 10 * max_candidates + 1000, steps)
        cands = [v for v in got if all(_holds(k, v) for k in with_fixed[r])]
        rows[r] = _Row(r, w, got, complete, cands)
        if not complete:
            # Too many splits to carry into the joint search: leave the row out, its
            # constraints with it (that only widens the solution set, so stays sound).
            values[r], status[r] = None, "ambiguous"
            candidates[r] = [list(v) for v in cands[:max_candidates]]
    active = {r: row for r, row in rows.items() if row.own_complete}
    joint = [(c, t) for c, t in joint if all(r in active for r in t)]

    consistent: bool | None = True
    for comp_rows, comp_cons in _components(active, joint):
        found, complete = _search(comp_rows, comp_cons, 8 * max_candidates, steps)
        if found:
            _settle(comp_rows, comp_cons, found, complete, max_candidates, steps,
                    values, status, candidates)
        elif complete:
            consistent = False
            for one in comp_rows:
                _fallback(one, runs[one.name], max_candidates, values, status, candidates)
        else:
            if consistent:
                consistent = None
            for one in comp_rows:
                if len(one.own) == 1:
                    values[one.name], status[one.name] = list(one.own[0]), "unique"
                else:
                    values[one.name], status[one.name] = None, "ambiguous"
                candidates[one.name] = [list(v) for v in one.cands[:max_candidates]]
    return Solution(values, status, candidates, consistent)


def _holds(k: _RowConstraint, v: Sequence[int]) -> bool:
    return k.constant + sum(c * x for c, x in zip(k.coef, v, strict=True)) == 0


_Joint = tuple[int, dict[str, dict[int, int]]]


def _components(
    rows: Mapping[str, _Row], joint: list[_Joint]
) -> list[tuple[list[_Row], list[_Joint]]]:
    """Independent groups of rows: one group's ambiguity or inconsistency says nothing
    about another's."""
    parent = {r: r for r in rows}

    def find(r: str) -> str:
        while parent[r] != r:
            parent[r] = parent[parent[r]]
            r = parent[r]
        return r

    for _, terms in joint:
        first, *rest = terms
        for r in rest:
            parent[find(r)] = find(first)
    groups: dict[str, tuple[list[_Row], list[_Joint]]] = {}
    for r, row in rows.items():
        groups.setdefault(find(r), ([], []))[0].append(row)
    for con in joint:
        groups[find(next(iter(con[1])))][1].append(con)
    return list(groups.values())


def _search(
    rows: list[_Row],
    joint: list[_Joint],
    limit: int,
    budget: _Budget,
    exclude: tuple[str, tuple[int, ...]] | None = None,
) -> tuple[list[dict[str, tuple[int, ...]]], bool]:
    """Joint splits of ``rows`` (up to ``limit``), optionally with one row kept off one
    value. Rows go fewest candidates first; each constraint is bounded by the least and
    greatest contribution its unassigned rows can still make, so a wrong early choice
    fails as soon as it must, not when the last row is placed."""
    cands = {
        row.name: [v for v in row.cands if exclude is None or (row.name, v) != exclude]
        for row in rows
    }
    order = sorted((row.name for row in rows), key=lambda r: len(cands[r]))
    # contrib[r][i] = [(constraint index, Σ coef × cell) for candidate i]
    contrib: dict[str, list[list[tuple[int, int]]]] = {}
    lo = [0] * len(joint)
    hi = [0] * len(joint)
    span: dict[str, list[tuple[int, int, int]]] = {r: [] for r in order}
    for r in order:
        touching = [(j, terms[r]) for j, (_, terms) in enumerate(joint) if r in terms]
        contrib[r] = [
            [(j, sum(coef * v[col] for col, coef in cols.items())) for j, cols in touching]
            for v in cands[r]
        ]
        for idx, (j, _) in enumerate(touching):
            amounts = [c[idx][1] for c in contrib[r]] or [0]
            span[r].append((j, min(amounts), max(amounts)))
            lo[j] += min(amounts)
            hi[j] += max(amounts)
    total = [c for c, _ in joint]
    found: list[dict[str, tuple[int, ...]]] = []
    chosen: dict[str, tuple[int, ...]] = {}
    stop = False

    def rec(i: int) -> None:
        nonlocal stop
        if i == len(order):
            found.append(dict(chosen))
            stop = len(found) >= limit
            return
        r = order[i]
        for j, a, b in span[r]:
            lo[j] -= a
            hi[j] -= b
        for v, parts in zip(cands[r], contrib[r], strict=True):
            if not budget.spend():
                stop = True
                break
            for j, x in parts:
                total[j] += x
            if all(total[j] + lo[j] <= 0 <= total[j] + hi[j] for j, _ in parts):
                chosen[r] = v
                rec(i + 1)
            for j, x in parts:
                total[j] -= x
            if stop:
                break
        for j, a, b in span[r]:
            lo[j] += a
            hi[j] += b

    rec(0)
    return found, not stop


def _settle(
    rows: list[_Row],
    joint: list[_Joint],
    found: list[dict[str, tuple[int, ...]]],
    complete: bool,
    max_candidates: int,
    budget: _Budget,
    values: dict[str, list[int] | None],
    status: dict[str, Status],
    candidates: dict[str, list[list[int]]],
) -> None:
    """Per row of a consistent group: unique when every joint split agrees on it. When the
    enumeration stopped early, a row that agreed so far is only called unique after a
    search for a joint split with any other value of it comes back empty."""
    for row in rows:
        seen = list(dict.fromkeys(f[row.name] for f in found))
        if len(seen) == 1 and not complete and len(row.cands) > 1:
            other, done = _search(rows, joint, 1, budget, exclude=(row.name, seen[0]))
            seen += [f[row.name] for f in other]
            if not other and not done:
                seen.append(seen[0])  # unproven: not unique
        if len(seen) == 1:
            values[row.name], status[row.name] = list(seen[0]), "unique"
            candidates[row.name] = []
        else:
            values[row.name], status[row.name] = None, "ambiguous"
            candidates[row.name] = [list(v) for v in dict.fromkeys(seen)][:max_candidates]


def _fallback(
    row: _Row,
    run: str,
    max_candidates: int,
    values: dict[str, list[int] | None],
    status: dict[str, Status],
    candidates: dict[str, list[list[int]]],
) -> None:
    """An inconsistent group: each row on its own constraints alone."""
    name = row.name
    if len(row.own) == 1:
        values[name], status[name], candidates[name] = list(row.own[0]), "unique", []
    elif row.own:
        values[name], status[name] = None, "inconsistent"
        candidates[name] = [list(v) for v in row.own[:max_candidates]]
    else:
        only, _ = _splits(run, row.width, [], 2, _Budget(10_000))
        values[name] = list(only[0]) if len(only) == 1 else None
        status[name], candidates[name] = "unsplittable", []


# --- 表三 -------------------------------------------------------------------------------

_T3_KEYS = tuple(k for k, _ in T3_ROWS)
_T3_WIDTH = len(T3_COLUMNS)


def t3_constraints(rows_present: Iterable[str]) -> list[LinearConstraint]:
    """表三's arithmetic over the rows printed (run or known): each row's 总计 is the sum of
    its six columns; per column, （七）总计 is the sum of the result rows and 一+二 = 七+四;
    where 其他处理 is printed both as a row and as sub-rows, the row is their sum.

    The printed rows, not the template name, say how 其他处理 stands: gov2019 and some
    gov2021 reports print one row, most gov2021 reports its three sub-rows. Constraints on
    rows that are absent are returned all the same; ``solve`` skips them.
    """
    present = set(rows_present)
    cons: list[LinearConstraint] = []
    last = _T3_WIDTH - 1
    for r in _T3_KEYS:
        if r in present:
            cons.append([((r, last), 1)] + [((r, c), -1) for c in range(last)])
    subrows = any(r in present for r in _OTHER_SUBROWS)
    result_rows = [
        r for r in T3_RESULT_ROWS
        if (r in _OTHER_SUBROWS) == subrows or not r.startswith("other_handling")
    ]
    for c in range(_T3_WIDTH):
        cons.append([((r, c), 1) for r in result_rows] + [(("results_total", c), -1)])
        cons.append([
            (("new_received", c), 1), (("carried_over", c), 1),
            (("results_total", c), -1), (("carried_forward", c), -1),
        ])
        if subrows and "other_handling" in present:
            cons.append([((r, c), 1) for r in _OTHER_SUBROWS] + [(("other_handling", c), -1)])
    return cons


def split_t3(
    runs: Mapping[str, str],
    fixed: Mapping[str, Sequence[int | None]] | None = None,
    **options: int,
) -> Solution:
    """Split 表三's glued rows (keys of ``T3_ROWS``; values in ``T3_COLUMNS`` order).

    ``fixed`` holds rows already read cell by cell. ``options`` go to ``solve``.
    """
    fixed = fixed or {}
    for r in (*runs, *fixed):
        if r not in _T3_KEYS:
            raise ValueError(f"{r!r} is not a 表三 row key; use the keys of record.T3_ROWS")
    widths = dict.fromkeys((*runs, *fixed), _T3_WIDTH)
    return solve(runs, widths, fixed, t3_constraints((*runs, *fixed)), **options)


# --- 表四 -------------------------------------------------------------------------------

_T4_WIDTH = len(T4_COLUMNS)


def t4_constraints(rows_present: Iterable[str]) -> list[LinearConstraint]:
    """Each group's 总计 is 维持+纠正+其他+尚未审结; rows are the groups of ``T4_GROUPS``
    (five cells each) or ``T4_RUN`` (all fifteen, group after group)."""
    cons: list[LinearConstraint] = []
    last = _T4_WIDTH - 1
    for r in rows_present:
        offsets = range(0, 3 * _T4_WIDTH, _T4_WIDTH) if r == T4_RUN else (0,)
        for o in offsets:
            cons.append([((r, o + last), 1)] + [((r, o + c), -1) for c in range(last)])
    return cons


def split_t4(runs: str | Sequence[str], **options: int) -> Solution:
    """Split 表四's digits; the result is keyed by ``T4_GROUPS``, five cells each.

    ``runs``: one run of all fifteen cells, or one run per group. Any other number of runs
    is read as one run whose run breaks are cell boundaries. A single run is split as a
    whole, so when it is ambiguous all three groups are reported ambiguous, each with the
    distinct group slices of the candidates.
    """
    parts = [runs] if isinstance(runs, str) else list(runs)
    if len(parts) == len(T4_GROUPS):
        named = dict(zip(T4_GROUPS, parts, strict=True))
        return solve(named, dict.fromkeys(T4_GROUPS, _T4_WIDTH), {},
                     t4_constraints(T4_GROUPS), **options)
    whole = {T4_RUN: " ".join(parts)}
    sol = solve(whole, {T4_RUN: 3 * _T4_WIDTH}, {}, t4_constraints([T4_RUN]), **options)
    row = sol.values[T4_RUN]
    values: dict[str, list[int] | None] = {}
    candidates: dict[str, list[list[int]]] = {}
    for g, group in enumerate(T4_GROUPS):
        cut = slice(g * _T4_WIDTH, (g + 1) * _T4_WIDTH)
        values[group] = None if row is None else row[cut]
        candidates[group] = [list(v) for v in dict.fromkeys(
            tuple(c[cut]) for c in sol.candidates[T4_RUN])]
    status = dict.fromkeys(T4_GROUPS, sol.status[T4_RUN])
    return Solution(values, status, candidates, sol.consistent)
