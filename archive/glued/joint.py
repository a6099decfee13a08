"""Split glued digit runs of several rows jointly, by the linear constraints between them.

``solve`` is the generic core that ``split_t3`` and ``split_t4`` (``archive.glued.tables``)
bind to the templates: each row's splits come from ``cell_splits`` under the row's own
constraints, then rows linked by constraints are searched together, and a value is
returned only when it is *the* split consistent with every constraint.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from .splits import Budget, RowConstraint, cell_splits

#: A cell: (row key, 0-based column).
Cell = tuple[str, int]
#: Σ coefficient × cell = 0. A blank (None) cell counts as 0, as in validation.
LinearConstraint = Sequence[tuple[Cell, int]]

Status = Literal["unique", "ambiguous", "inconsistent", "unsplittable"]


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


def _segments(run: str) -> list[str]:
    segments = run.split()
    for seg in segments:
        if not (seg.isascii() and seg.isdigit()):
            raise ValueError(f"a glued run holds only ASCII digits and spaces, got {run!r}")
    return segments


def _splits(
    run: str, width: int, constraints: Sequence[RowConstraint], limit: int, budget: Budget
) -> tuple[list[tuple[int, ...]], bool]:
    """The splits of ``run`` into ``width`` numbers satisfying ``constraints``."""
    found, complete = cell_splits(_segments(run), width, constraints=constraints,
                                  limit=limit, budget=budget)
    return [tuple(map(int, v)) for v in found], complete


class _Outcome:
    """The per-row answers of one ``solve``, as ``Solution`` holds them."""

    def __init__(self, max_candidates: int) -> None:
        self.max_candidates = max_candidates
        self.values: dict[str, list[int] | None] = {}
        self.status: dict[str, Status] = {}
        self.candidates: dict[str, list[list[int]]] = {}

    def put(self, row: str, value: Sequence[int] | None, status: Status,
            candidates: Sequence[Sequence[int]] = ()) -> None:
        self.values[row] = None if value is None else list(value)
        self.status[row] = status
        self.candidates[row] = [list(v) for v in candidates[: self.max_candidates]]


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
    own: dict[str, list[RowConstraint]] = {r: [] for r in runs}
    with_fixed: dict[str, list[RowConstraint]] = {r: [] for r in runs}
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
            rc = RowConstraint([cols.get(i, 0) for i in range(width_of[r])], constant)
            (with_fixed if len(terms) > 1 else own)[r].append(rc)
        elif unknown:
            joint.append((constant, unknown))

    out = _Outcome(max_candidates)
    rows: dict[str, _Row] = {}
    steps = Budget(budget)
    for r, run in runs.items():
        w = width_of[r]
        got, complete = _splits(run, w, own[r], 10 * max_candidates + 1000, steps)
        cands = [v for v in got if all(k.holds(v) for k in with_fixed[r])]
        rows[r] = _Row(r, w, got, complete, cands)
        if not complete:
            # Too many splits to carry into the joint search: leave the row out, its
            # constraints with it (that only widens the solution set, so stays sound).
            out.put(r, None, "ambiguous", cands)
    active = {r: row for r, row in rows.items() if row.own_complete}
    joint = [(c, t) for c, t in joint if all(r in active for r in t)]

    consistent: bool | None = True
    for comp_rows, comp_cons in _components(active, joint):
        found, complete = _search(comp_rows, comp_cons, 8 * max_candidates, steps)
        if found:
            _settle(comp_rows, comp_cons, found, complete, steps, out)
        elif complete:
            consistent = False
            for one in comp_rows:
                _fallback(one, runs[one.name], out)
        else:
            if consistent:
                consistent = None
            for one in comp_rows:
                if len(one.own) == 1:
                    out.put(one.name, one.own[0], "unique", one.cands)
                else:
                    out.put(one.name, None, "ambiguous", one.cands)
    return Solution(out.values, out.status, out.candidates, consistent)


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
    budget: Budget,
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
    budget: Budget,
    out: _Outcome,
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
            out.put(row.name, seen[0], "unique")
        else:
            out.put(row.name, None, "ambiguous", list(dict.fromkeys(seen)))


def _fallback(row: _Row, run: str, out: _Outcome) -> None:
    """An inconsistent group: each row on its own constraints alone."""
    if len(row.own) == 1:
        out.put(row.name, row.own[0], "unique")
    elif row.own:
        out.put(row.name, None, "inconsistent", row.own)
    else:
        only, _ = _splits(run, row.width, [], 2, Budget(10_000))
        out.put(row.name, only[0] if len(only) == 1 else None, "unsplittable")
