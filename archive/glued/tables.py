"""表三 and 表四 bound to ``solve``: each table's arithmetic as linear constraints, and the
splitters the parser calls."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from archive.record import T3_COLUMNS, T3_RESULT_ROWS, T3_ROWS, T4_COLUMNS, T4_GROUPS

from .joint import LinearConstraint, Solution, solve

#: The row key ``split_t4`` uses internally for a single 15-cell run of 表四.
T4_RUN = "review_litigation"

_OTHER_SUBROWS = tuple(k for k in T3_RESULT_ROWS if k.startswith("other_handling."))


def _total_of_parts(row: str, width: int, offset: int = 0) -> LinearConstraint:
    """The last of ``row``'s ``width`` cells from ``offset`` is the sum of the others."""
    last = offset + width - 1
    return [((row, last), 1)] + [((row, c), -1) for c in range(offset, last)]


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
    cons = [_total_of_parts(r, _T3_WIDTH) for r in _T3_KEYS if r in present]
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
    return [
        _total_of_parts(r, _T4_WIDTH, offset)
        for r in rows_present
        for offset in (range(0, 3 * _T4_WIDTH, _T4_WIDTH) if r == T4_RUN else (0,))
    ]


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
