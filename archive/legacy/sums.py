"""Decide glued cells by the table's arithmetic: parents equal the sum of their children."""

from __future__ import annotations

from itertools import product

from ..record import LegacyRow, legacy_rows_under
from .cells import number

_JOINT_LIMIT = 200_000


def _ints(c: tuple[str, ...]) -> list[float]:
    out: list[float] = []
    for x in c:
        v = number(x) if x else 0
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


def settle(rows: list[LegacyRow],
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


def consistent(rows: list[LegacyRow], cands: list[list[tuple[str, ...]]],
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
