"""What glued text still tells: the cells a reader can know from :func:`glued_text`.

``digit_splits`` is a brute-force enumerator written for these fixtures alone, so that
the expectations never come from the parser's own splitter (``archive.glued``)."""

from __future__ import annotations

import itertools
import re
from typing import Any

from ..record import T3_COLUMNS, T4_COLUMNS, T4_GROUPS, Record, get_path
from .cells import padded
from .forms import T2_2019, T2_2021, expected_record, num_text, t3_printed_rows
from .legacy_shapes import legacy_cells, legacy_header

# ---------------------------------------------------------------- what glued text still tells

_TOKEN = {
    "int": re.compile(r"0|[1-9][0-9]*"),
    "signed": re.compile(r"0|-?[1-9][0-9]*"),
    "amount": re.compile(r"(0|[1-9][0-9]*)(\.[0-9]+)?(万元|万|元)?"),
}


def digit_splits(run: str, kinds: tuple[str, ...], limit: int = 100_000) -> list[tuple[str, ...]]:
    """Every way to cut ``run`` into ``len(kinds)`` printed numbers (no leading zeros but a
    lone ``0``; ``signed`` may start with ``-``; ``amount`` may carry a unit). A space in
    the run (an ``&nbsp;``-padded cell) is a certain boundary. Brute force, by design."""
    cuts: set[int] = set()
    compact = ""
    for ch in run:
        if ch.isspace():
            cuts.add(len(compact))
        else:
            compact += ch
    out: list[tuple[str, ...]] = []

    def walk(pos: int, i: int, acc: tuple[str, ...]) -> None:
        if len(out) >= limit:
            return
        if i == len(kinds):
            if pos == len(compact):
                out.append(acc)
            return
        for end in range(pos + 1, len(compact) + 1):
            if any(pos < c < end for c in cuts):
                break
            tok = compact[pos:end]
            if _TOKEN[kinds[i]].fullmatch(tok):
                walk(end, i + 1, (*acc, tok))

    walk(0, 0, ())
    return out


def _joint(cands: dict[str, list[tuple[int, ...]]],
           ok: Any, limit: int = 200_000) -> dict[str, tuple[int, ...] | None]:
    """The one candidate of each row that every joint solution agrees on, else None."""
    fixed = {k: v[0] for k, v in cands.items() if len(v) == 1}
    open_rows = [k for k, v in cands.items() if len(v) > 1]
    out: dict[str, tuple[int, ...] | None] = {k: None for k in cands}
    size = 1
    for k in open_rows:
        size *= len(cands[k])
    if size > limit or any(not v for v in cands.values()):
        out.update(fixed)
        return out
    found: dict[str, set[tuple[int, ...]]] = {k: set() for k in cands}
    for combo in itertools.product(*(cands[k] for k in open_rows)):
        assign = dict(fixed)
        assign.update(zip(open_rows, combo, strict=True))
        if ok(assign):
            for k, v in assign.items():
                found[k].add(v)
    if not any(found.values()):  # inconsistent: only what each row alone decides
        out.update(fixed)
        return out
    for k, vals in found.items():
        out[k] = next(iter(vals)) if len(vals) == 1 else None
    return out


def glued_knowable(rec: Record) -> Record:
    """What a reader can know from :func:`glued_text` of ``rec``: each row whose digit run
    has exactly one split consistent with the tables' arithmetic keeps its cells, every
    other row reads null (never a guess). 表三 rows are solved jointly (row totals, the
    result rows adding up to （七）总计, 一 + 二 = （七） + 四), 表四's run by its group
    totals, 表二 rows by their digits alone, a two-column 统计表 by children adding up to
    their parent. Records with blank cells are not supported (a blank vanishes)."""
    out = expected_record(rec)
    if rec["template"] == "legacy":
        _legacy_knowable(out)
        return out
    pad = padded(rec)
    apps = out["applications"]
    rows = t3_printed_rows(rec)
    cands: dict[str, list[tuple[int, ...]]] = {}
    for key in rows:
        node = get_path(apps, key) or {}
        run = "".join(num_text(node.get(c)) + (" " if f"{key}.{c}" in pad else "")
                      for c in T3_COLUMNS)
        splits = digit_splits(run, ("int",) * 7)
        cands[key] = [v for v in (tuple(int(t) for t in sp) for sp in splits)
                      if v[6] == sum(v[:6])]
    results = [k for k in rows if k not in ("new_received", "carried_over", "results_total",
                                            "carried_forward")]

    def t3_ok(a: dict[str, tuple[int, ...]]) -> bool:
        return all(sum(a[k][c] for k in results) == a["results_total"][c]
                   and a["new_received"][c] + a["carried_over"][c]
                   == a["results_total"][c] + a["carried_forward"][c] for c in range(7))

    for key, vals in _joint(cands, t3_ok).items():
        node = get_path(apps, key)
        for i, c in enumerate(T3_COLUMNS):
            node[c] = None if vals is None else vals[i]
    rl = out["review_litigation"]
    run = "".join(num_text((rl.get(g) or {}).get(c)) for g in T4_GROUPS for c in T4_COLUMNS)
    t4 = [v for v in (tuple(int(t) for t in sp) for sp in digit_splits(run, ("int",) * 15))
          if all(v[5 * g + 4] == sum(v[5 * g: 5 * g + 4]) for g in range(3))]
    for g_i, g in enumerate(T4_GROUPS):
        for c_i, c in enumerate(T4_COLUMNS):
            rl.setdefault(g, {})[c] = t4[0][5 * g_i + c_i] if len(t4) == 1 else None
    blocks = T2_2021 if rec["template"] == "gov2021" else T2_2019
    for _, _, t2rows in blocks:
        for _, key, cols, _ in t2rows:
            node = out["active_disclosure"].get(key)
            if not node:
                continue
            kinds = tuple("amount" if c == "amount" else "signed" if c == "change" else "int"
                          for c in cols)
            splits = digit_splits("".join(num_text(node.get(c)) for c in cols), kinds)
            if len(splits) != 1:
                for c in cols:
                    node[c] = None
    return out


def _legacy_knowable(rec: Record) -> None:
    rows = rec["legacy_stats"]
    head = legacy_header(rec)
    n = len(head) - 2
    cands: dict[str, list[tuple[int, ...]]] = {}
    for i, row in enumerate(rows):
        texts = legacy_cells(rec, row)[2:]
        if "".join(texts):  # a heading row prints no figures: nothing to split
            kinds = ("amount",) * n if any("." in t for t in texts) else ("int",) * n
            cands[str(i)] = [tuple(_as_number(t) for t in sp)  # type: ignore[misc]
                             for sp in digit_splits("".join(texts), kinds)]
    kids = {str(i): [str(j) for j, r in enumerate(rows) if r["path"][-1:] == [row["label"]]]
            for i, row in enumerate(rows)}

    def ok(a: dict[str, tuple[int, ...]]) -> bool:
        return n < 2 or all(round(sum(a[j][c] for j in js), 2) == a[i][c]
                            for i, js in kids.items() if js and i in a for c in range(n))

    for key, vals in _joint(cands, ok).items():
        row = rows[int(key)]
        if vals is None:
            row["value"] = None
            if row.get("columns"):
                row["columns"] = dict.fromkeys(row["columns"])
        elif row.get("columns") and n > 1:
            row["columns"] = dict(zip(head[2:], vals, strict=True))
            row["value"] = vals[0]


def _as_number(text: str) -> int | float:
    f = float(re.sub(r"[^0-9.]", "", text))
    return int(f) if f.is_integer() else f
