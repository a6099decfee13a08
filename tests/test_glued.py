"""Glued digit runs split by the tables' arithmetic: real pages, hand cases, and a brute-force
oracle over random small tables."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from archive.glued import (
    T4_RUN,
    LinearConstraint,
    Solution,
    solve,
    split_t3,
    split_t4,
    t3_constraints,
    t4_constraints,
)
from archive.record import T3_COLUMNS, T3_RESULT_ROWS, T3_ROWS, T4_COLUMNS, T4_GROUPS

REAL = Path(__file__).resolve().parents[2] / "shared" / "real"

T3_KEYS = [k for k, _ in T3_ROWS]
GOV2021_KEYS = [k for k in T3_KEYS if k != "other_handling"]
GOV2019_KEYS = [k for k in T3_KEYS if not k.startswith("other_handling.")]

# 平潭综合实验区 2023 (gov2021), 表三 as the page's text glues it, row by row.
PINGTAN_2023_T3 = [
    "801000081", "0000000", "220000022", "191000020",
    "0000000", "0000000", "0000000", "1000001", "0000000", "1000001", "1000001", "2000002",
    "310000031", "0000000", "0000000",
    "0000000", "1000001", "0000000", "0000000", "0000000",
    "1000001", "0000000", "1000001",
    "801000081", "0000000",
]


def glue(cells: Sequence[int], spaces: Sequence[bool] = ()) -> str:
    """The run a page prints: cells glued, a space where ``spaces`` says (true boundaries)."""
    out = str(cells[0])
    for i, x in enumerate(cells[1:]):
        out += (" " if i < len(spaces) and spaces[i] else "") + str(x)
    return out


# --- real pages ----------------------------------------------------------------------------


def test_pingtan_2023_t3_runs_split_jointly() -> None:
    runs = dict(zip(GOV2021_KEYS, PINGTAN_2023_T3, strict=True))
    sol = split_t3(runs)
    assert sol.consistent is True
    assert set(sol.status.values()) == {"unique"}
    assert sol.values["new_received"] == [80, 1, 0, 0, 0, 0, 81]
    assert sol.values["unable.not_held"] == [31, 0, 0, 0, 0, 0, 31]
    # Each of these fits its own total two ways (2,20,… / 1,9,10,…); the columns decide.
    assert sol.values["granted"] == [22, 0, 0, 0, 0, 0, 22]
    assert sol.values["partially_granted"] == [19, 1, 0, 0, 0, 0, 20]


def test_a_row_alone_is_ambiguous_but_known_rows_decide_it() -> None:
    alone = split_t3({"granted": "220000022"})
    assert alone.values["granted"] is None and alone.status["granted"] == "ambiguous"
    assert sorted(alone.candidates["granted"]) == [[2, 20, 0, 0, 0, 0, 22], [22, 0, 0, 0, 0, 0, 22]]
    assert alone.consistent is True
    known = {k: [0] * 7 for k in T3_RESULT_ROWS if k not in ("granted", "other_handling")}
    known["results_total"] = [22, 0, 0, 0, 0, 0, 22]
    decided = split_t3({"granted": "220000022"}, known)
    assert decided.values == {"granted": [22, 0, 0, 0, 0, 0, 22]}
    assert decided.status == {"granted": "unique"}


def test_pingtan_2023_t4_fifteen_cells_in_one_run() -> None:
    sol = split_t4("110024001510102")
    assert sol.consistent is True
    assert sol.values == {
        "admin_review": [1, 1, 0, 0, 2],
        "litigation_direct": [4, 0, 0, 1, 5],
        "litigation_after_review": [1, 0, 1, 0, 2],
    }
    assert split_t4(["11002", "40015", "10102"]).values == sol.values
    assert split_t4("11002 40015 10102").values == sol.values


@pytest.mark.parametrize("run", ["230 000023", "23 0 00 0 023", "230000023"])
def test_spaces_are_certain_boundaries(run: str) -> None:
    sol = split_t3({"new_received": run})
    assert sol.values["new_received"] == [23, 0, 0, 0, 0, 0, 23]


def test_a_space_excludes_splits_across_it() -> None:
    # 1,10,0,0,0,0,11 and 11,0,0,0,0,0,11 both fit "110000011"; the space keeps only one.
    assert split_t3({"granted": "110000011"}).status["granted"] == "ambiguous"
    assert split_t3({"granted": "1 10000011"}).values["granted"] == [1, 10, 0, 0, 0, 0, 11]


def _real_tables(name: str) -> tuple[dict[str, str], str, dict[str, object]]:
    """表三 runs and the 表四 run cut off the glued page text by their printed labels."""
    text_path, expected_path = REAL / f"{name}.txt", REAL / f"{name}.expected.json"
    if not text_path.exists() or not expected_path.exists():
        pytest.skip(f"{text_path} absent: the real reports live in ../shared/real")
    text = text_path.read_text(encoding="utf-8")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    start = text.index("三、收到和处理政府信息公开申请情况")
    runs: dict[str, str] = {}
    pos = start
    for key, label in T3_ROWS:
        at = text.find(label, pos)
        if at < 0:
            continue
        pos = at + len(label)
        m = re.match(r"[0-9 ]*", text[pos:])
        assert m is not None
        run = m.group()
        if text[pos + len(run): pos + len(run) + 1] == ".":
            run = run[:-1]  # the next label's item number: "00000002.其他法律…"
        if run.strip():
            runs[key] = run.strip()
    section = text[start: text.index("五、存在的主要问题")]
    t4 = re.search(r"尚未审结总计([0-9 ]+)$", section.strip())
    assert t4 is not None
    return runs, t4.group(1).strip(), expected


@pytest.mark.parametrize("name", ["pingtan-zone-2019", "pingtan-zone-2023"])
def test_real_glued_tables_match_the_hand_read_cells(name: str) -> None:
    runs, t4_run, expected = _real_tables(name)
    cells = expected["cells"]
    assert isinstance(cells, dict)
    rows = {k.split(".", 1)[1].rsplit(".", 1)[0] for k in cells if k.startswith("applications.")}
    assert set(runs) == rows

    t3 = split_t3(runs)
    assert t3.consistent is True
    for row, values in t3.values.items():
        assert t3.status[row] == "unique", row
        assert values == [cells[f"applications.{row}.{c}"] for c in T3_COLUMNS], row

    t4 = split_t4(t4_run)
    assert t4.consistent is True
    for group in T4_GROUPS:
        assert t4.values[group] == [cells[f"review_litigation.{group}.{c}"] for c in T4_COLUMNS]


# --- semantics -----------------------------------------------------------------------------


def test_inconsistent_table_falls_back_to_each_rows_own_total() -> None:
    # Columns say results_total = granted, but the printed results_total is 23 where
    # granted is 22: no joint split. Each row keeps what its own total alone decides.
    runs = {"granted": "220000022", "results_total": "230000023"}
    fixed = {k: [0] * 7 for k in T3_RESULT_ROWS if k not in ("granted", "other_handling")}
    sol = split_t3(runs, fixed)
    assert sol.consistent is False
    assert sol.values["results_total"] == [23, 0, 0, 0, 0, 0, 23]
    assert sol.status["results_total"] == "unique"
    assert sol.values["granted"] is None and sol.status["granted"] == "inconsistent"
    assert len(sol.candidates["granted"]) == 2


def test_a_row_wrong_in_itself_keeps_the_split_its_digits_force() -> None:
    sol = split_t3({"granted": "1000002", "carried_over": "10000102"})
    assert sol.consistent is False
    assert sol.status["granted"] == "unsplittable"
    assert sol.values["granted"] == [1, 0, 0, 0, 0, 0, 2]  # seven digits, seven cells
    assert sol.status["carried_over"] == "unsplittable"
    assert sol.values["carried_over"] is None  # eight digits: which two glue is unknown


def test_absent_rows_are_not_zero() -> None:
    # With only new_received and results_total printed, no column constraint applies
    # (the balance needs 二 and 四): each row stands alone.
    sol = split_t3({"new_received": "220000022", "results_total": "220000022"})
    assert sol.status == {"new_received": "ambiguous", "results_total": "ambiguous"}
    # With 二 and 四 known (blank counts as 0) the balance ties them, and both ways still fit.
    fixed: dict[str, list[int | None]] = {"carried_over": [0] * 7, "carried_forward": [None] * 7}
    sol = split_t3({"new_received": "220000022", "results_total": "220000022"}, fixed)
    assert sol.status == {"new_received": "ambiguous", "results_total": "ambiguous"}
    assert sol.candidates["new_received"] and sol.consistent is True


def test_other_handling_counts_once_as_row_or_sub_rows() -> None:
    cons = t3_constraints(["other_handling", "granted"])
    results_sum = [c for c in cons if (("results_total", 0), -1) in c and len(c) > 3][0]
    assert (("other_handling", 0), 1) in results_sum
    assert not any(r.startswith("other_handling.") for (r, _), _ in results_sum)
    cons = t3_constraints(["other_handling", "other_handling.other"])
    results_sum = [c for c in cons if (("results_total", 0), -1) in c and len(c) > 4][0]
    assert (("other_handling", 0), 1) not in results_sum
    assert (("other_handling.other", 0), 1) in results_sum


def test_bad_input_says_what_to_do() -> None:
    with pytest.raises(ValueError, match="digits"):
        split_t3({"granted": "22 0x"})
    with pytest.raises(ValueError, match="T3_ROWS"):
        split_t3({"granted_total": "1001"})
    with pytest.raises(ValueError, match="once"):
        solve({"a": "11"}, {"a": 2}, {"a": [1, 1]}, [])


def test_out_of_budget_is_ambiguous_never_a_guess() -> None:
    runs = dict(zip(GOV2021_KEYS, PINGTAN_2023_T3, strict=True))
    sol = split_t3(runs, budget=30)
    assert sol.consistent is None or sol.consistent is True
    for row, status in sol.status.items():
        if status == "unique":
            assert sol.values[row] == split_t3(runs).values[row]
        else:
            assert status == "ambiguous" and sol.values[row] is None


def test_a_large_table_solves_within_the_default_budget() -> None:
    big = {
        "granted": [1234, 56, 0, 3, 17, 9, 1319],
        "partially_granted": [402, 11, 2, 0, 5, 0, 420],
        "unable.not_held": [873, 40, 1, 1, 0, 12, 927],
        "not_processed.repeated": [96, 0, 0, 0, 0, 1, 97],
    }
    rows = {k: [0] * 7 for k in GOV2021_KEYS} | big
    rows["results_total"] = [sum(v[c] for k, v in big.items()) for c in range(7)]
    rows["carried_forward"] = [120, 3, 0, 0, 1, 0, 124]
    rows["carried_over"] = [88, 2, 0, 0, 0, 0, 90]
    rows["new_received"] = [
        rows["results_total"][c] + rows["carried_forward"][c] - rows["carried_over"][c]
        for c in range(7)
    ]
    sol = split_t3({k: glue(v) for k, v in rows.items()})
    assert sol.consistent is True
    assert sol.values == rows


# --- brute-force oracle ----------------------------------------------------------------------


def all_splits(run: str, width: int) -> list[tuple[int, ...]]:
    """Every split of ``run`` into ``width`` numbers, by trying every set of cut points."""
    segments = run.split()
    digits = "".join(segments)
    forced = set(itertools.accumulate(len(s) for s in segments[:-1]))
    out = []
    for cuts in itertools.combinations(range(1, len(digits)), width - 1):
        if not forced <= set(cuts):
            continue
        bounds = (0, *cuts, len(digits))
        pieces = [digits[a:b] for a, b in itertools.pairwise(bounds)]
        if all(p == "0" or not p.startswith("0") for p in pieces):
            out.append(tuple(int(p) for p in pieces))
    return out


def oracle(
    runs: Mapping[str, str],
    widths: Mapping[str, int],
    fixed: Mapping[str, Sequence[int | None]],
    constraints: Sequence[LinearConstraint],
) -> tuple[dict[str, tuple[int, ...] | None], dict[str, str], dict[str, set[tuple[int, ...]]],
           bool]:
    """What ``solve`` must answer, by enumerating every joint split of every group of rows
    that constraints tie together: (values, status, allowed candidates, consistent)."""
    cons = [c for c in constraints if all(r in runs or r in fixed for (r, _), _ in c)]

    def holds(con: LinearConstraint, assign: Mapping[str, Sequence[int | None]]) -> bool:
        return sum(k * (assign[r][i] or 0) for (r, i), k in con) == 0

    own = {
        r: [v for v in all_splits(run, widths[r])
            if all(holds(c, {r: v}) for c in cons if {x for (x, _), _ in c} == {r})]
        for r, run in runs.items()
    }
    groups = {r: {r} for r in runs}
    for c in cons:
        tied = {r for (r, _), _ in c if r in runs}
        merged = set().union(*(groups[r] for r in tied))
        for r in merged:
            groups[r] = merged
    values: dict[str, tuple[int, ...] | None] = {}
    status: dict[str, str] = {}
    allowed: dict[str, set[tuple[int, ...]]] = {}
    consistent = True
    for group in {frozenset(g) for g in groups.values()}:
        names = sorted(group)
        touching = [c for c in cons if any(r in group for (r, _), _ in c)]
        sols = [
            combo for combo in itertools.product(*(own[r] for r in names))
            if all(holds(c, {**fixed, **dict(zip(names, combo, strict=True))}) for c in touching)
        ]
        for i, r in enumerate(names):
            seen = {s[i] for s in sols}
            if len(seen) == 1:
                values[r], status[r], allowed[r] = seen.pop(), "unique", set()
            elif seen:
                values[r], status[r], allowed[r] = None, "ambiguous", seen
            elif len(own[r]) == 1:
                values[r], status[r], allowed[r] = own[r][0], "unique", set()
            elif own[r]:
                values[r], status[r], allowed[r] = None, "inconsistent", set(own[r])
            else:
                only = all_splits(runs[r], widths[r])
                values[r] = only[0] if len(only) == 1 else None
                status[r], allowed[r] = "unsplittable", set()
        consistent = consistent and bool(sols)
    return values, status, allowed, consistent


def assert_agrees(sol: Solution, expected: tuple[dict[str, tuple[int, ...] | None],
                                                 dict[str, str],
                                                 dict[str, set[tuple[int, ...]]], bool],
                  max_candidates: int = 4) -> None:
    values, status, allowed, consistent = expected
    event(f"consistent={consistent}")
    for kind in sorted(set(status.values())):
        event(kind)
    assert sol.consistent is consistent
    assert sol.status == status
    assert {r: None if v is None else tuple(v) for r, v in sol.values.items()} == values
    for r, cands in sol.candidates.items():
        got = {tuple(v) for v in cands}
        assert got <= allowed[r]
        if status[r] in ("ambiguous", "inconsistent"):
            assert len(got) >= min(2, len(allowed[r]), max_candidates)


def assert_true_split(sol: Solution, truth: Mapping[str, Sequence[int]]) -> None:
    """An untouched table is consistent, and whatever is decided is what was printed."""
    assert sol.consistent is True
    for r, v in sol.values.items():
        assert sol.status[r] in ("unique", "ambiguous")
        assert v is None or v == list(truth[r])


def small_cell() -> st.SearchStrategy[int]:
    return st.one_of(st.integers(0, 3), st.integers(0, 12), st.integers(0, 120))


def spaced(cells: Sequence[int], data: st.DataObject) -> str:
    spaces = data.draw(st.lists(st.booleans(), min_size=len(cells) - 1, max_size=len(cells) - 1)
                       | st.just([]))
    return glue(cells, spaces)


def corrupt(run: str, data: st.DataObject) -> str:
    """Sometimes change one digit: a published table that does not add up."""
    if not data.draw(st.booleans()):
        return run
    spots = [i for i, ch in enumerate(run) if ch.isdigit()]
    i = data.draw(st.sampled_from(spots))
    digit = data.draw(st.sampled_from("0123456789"))
    return run[:i] + digit + run[i + 1:]


def nudge(fixed: dict[str, list[int | None]], data: st.DataObject) -> bool:
    """Sometimes add one to a known cell, so the glued rows stay right but the columns don't."""
    if not fixed or not data.draw(st.booleans()):
        return False
    row = fixed[data.draw(st.sampled_from(sorted(fixed)))]
    i = data.draw(st.integers(0, len(row) - 1))
    row[i] = (row[i] or 0) + 1
    return True


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.data())
def test_t4_matches_brute_force(data: st.DataObject) -> None:
    groups = []
    for _ in T4_GROUPS:
        four = data.draw(st.lists(st.one_of(st.integers(0, 2), st.integers(0, 15)),
                                  min_size=4, max_size=4))
        groups.append([*four, sum(four)])
    whole = data.draw(st.booleans())
    if whole:
        truth = {T4_RUN: [x for g in groups for x in g]}
        widths = {T4_RUN: 15}
    else:
        truth = dict(zip(T4_GROUPS, groups, strict=True))
        widths = dict.fromkeys(T4_GROUPS, 5)
    clean = {r: spaced(cells, data) for r, cells in truth.items()}
    runs = {r: corrupt(v, data) for r, v in clean.items()}
    assume(all(len(r.replace(" ", "")) <= 21 for r in runs.values()))  # brute force stays small
    expected = oracle(runs, widths, {}, t4_constraints(runs))
    sol = solve(runs, widths, {}, t4_constraints(runs))
    assert_agrees(sol, expected)
    if runs == clean:
        assert_true_split(sol, truth)
    if not whole:
        assert_agrees(split_t4(list(runs.values())), expected)


@FAST
@given(st.data())
def test_t3_matches_brute_force(data: st.DataObject) -> None:
    """A 表三 with a few glued rows among rows known exactly (zeros, blanks or numbers)."""
    keys = data.draw(st.sampled_from([GOV2019_KEYS, GOV2021_KEYS]))
    results = [k for k in T3_RESULT_ROWS if k in keys]
    table: dict[str, list[int]] = {k: [0] * 6 for k in keys}
    busy = data.draw(st.lists(st.sampled_from(results), min_size=1, max_size=3, unique=True))
    for k in busy:
        table[k] = data.draw(st.lists(small_cell(), min_size=6, max_size=6))
    table["results_total"] = [sum(table[k][c] for k in results) for c in range(6)]
    table["carried_forward"] = data.draw(st.lists(st.integers(0, 3), min_size=6, max_size=6))
    table["carried_over"] = [min(data.draw(st.integers(0, 2)), table["results_total"][c])
                             for c in range(6)]
    table["new_received"] = [
        table["results_total"][c] + table["carried_forward"][c] - table["carried_over"][c]
        for c in range(6)
    ]
    full = {k: [*v, sum(v)] for k, v in table.items()}
    glued_rows = data.draw(st.lists(
        st.sampled_from([*busy, "results_total", "new_received", "carried_forward"]),
        min_size=1, max_size=4, unique=True))
    clean = {k: spaced(full[k], data) for k in glued_rows}
    runs = {k: corrupt(v, data) for k, v in clean.items()}
    assume(all(len(r.replace(" ", "")) <= 14 for r in runs.values()))  # brute force stays small
    fixed: dict[str, list[int | None]] = {
        k: [None if x == 0 and data.draw(st.booleans()) else x for x in v]
        for k, v in full.items() if k not in runs
    }
    dropped = data.draw(st.sets(st.sampled_from(list(fixed)), max_size=2))
    fixed = {k: v for k, v in fixed.items() if k not in dropped}
    nudged = nudge(fixed, data)
    widths = dict.fromkeys(keys, 7)
    expected = oracle(runs, widths, fixed, t3_constraints((*runs, *fixed)))
    sol = split_t3(runs, fixed)
    assert_agrees(sol, expected)
    if runs == clean and not nudged:
        assert_true_split(sol, full)


@FAST
@given(st.data())
def test_a_small_table_of_any_shape_matches_brute_force(data: st.DataObject) -> None:
    """A reduced 表三 (two columns and a total; three result rows) where ambiguity is common,
    through the generic core."""
    rows = ["in", "carried", "r1", "r2", "r3", "out", "forward"]
    cells = {r: data.draw(st.lists(st.integers(0, 12), min_size=2, max_size=2))
             for r in ("r1", "r2", "r3", "forward", "carried")}
    cells["out"] = [cells["r1"][c] + cells["r2"][c] + cells["r3"][c] for c in range(2)]
    cells["carried"] = [min(x, y) for x, y in zip(cells["carried"], cells["out"], strict=True)]
    cells["in"] = [cells["out"][c] + cells["forward"][c] - cells["carried"][c] for c in range(2)]
    full = {r: [*v, sum(v)] for r, v in cells.items()}
    cons: list[LinearConstraint] = [[((r, 2), 1), ((r, 0), -1), ((r, 1), -1)] for r in rows]
    for c in range(3):
        cons.append([(("r1", c), 1), (("r2", c), 1), (("r3", c), 1), (("out", c), -1)])
        cons.append([(("in", c), 1), (("carried", c), 1), (("out", c), -1),
                     (("forward", c), -1)])
    glued_rows = data.draw(st.lists(st.sampled_from(rows), min_size=1, max_size=4, unique=True))
    clean = {r: spaced(full[r], data) for r in glued_rows}
    runs = {r: corrupt(v, data) for r, v in clean.items()}
    fixed: dict[str, list[int | None]] = {r: list(full[r]) for r in rows if r not in runs}
    nudged = nudge(fixed, data)
    widths = dict.fromkeys(rows, 3)
    limit = data.draw(st.integers(1, 4))
    sol = solve(runs, widths, fixed, cons, max_candidates=limit)
    assert_agrees(sol, oracle(runs, widths, fixed, cons), limit)
    assert all(len(c) <= limit for c in sol.candidates.values())
    if runs == clean and not nudged:
        assert_true_split(sol, full)
