"""Text layouts: (2) the archive's glued ``page.txt``, (3) OCR / converter markdown and
(5) the pre-2019 统计表 as spaced or glued text."""

from __future__ import annotations

from typing import Any

from ..record import T3_COLUMNS, T3_ROW_LABELS, Record, get_path
from .cells import Row, expand, legacy_rows, t4_rows
from .forms import (
    OTHER_SUBS,
    T2_2019,
    T2_2021,
    T3_CAPTION,
    T3_GROUPS,
    has_single_other_handling,
    num_text,
)
from .legacy_shapes import legacy_cells, legacy_header
from .prose import closing, paragraphs, sections, tables_after

# ---------------------------------------------------------------- (2) glued text


def glue_rows(rows: list[Row]) -> str:
    """A table's text as an HTML-to-text dump prints it: every cell once, in source order,
    with nothing between cells (blank cells vanish)."""
    return "".join(c.text + (" " if c.pad else "") for r in rows for c in r)


def glued_text(rec: Record, *, header: bool = True) -> str:
    """The archive's ``page.txt``: metadata lines, then the whole body on one line, cells
    glued (``一、本年新收政府信息公开申请数量801000081``), headings set off by spaces."""
    title = rec["title"] or ""
    posted = (rec["provenance"].get("posted_on") if rec.get("provenance") else None) or \
        rec.get("published_on") or ""
    paras = paragraphs(rec)
    tables = tables_after(rec)
    parts: list[str] = []
    parts.append(title + " ")
    parts.extend(paras.get("intro", []))
    for key, heading in sections(rec):
        parts.append(f" {heading}")
        texts = paras.get(key, [])
        if texts:
            parts.append(" " + "".join(texts))
        for _, rows in tables.get(key, []):
            parts.append(glue_rows(rows))
    if rec["template"] == "legacy" and rec["legacy_stats"]:
        parts.append(" " + glue_rows(legacy_rows(rec)))
    parts.extend(" " + t for t in closing(rec))
    body = "".join(parts)
    if not header:
        return body + "\n"
    meta = (f"标题: {title}\n发布时间: {posted} 10:22\n文号: \n发布机构: \n栏目: 政府信息公开年报\n"
            "页面链接与图片详见 links.tsv(同目录)\n==================== 正文 ====================\n")
    return meta + body + "\n"


# ---------------------------------------------------------------- (3) markdown

def _ocr_label(label: str) -> str:
    """How OCR prints a row label: half-width brackets, a space after the number."""
    out = label.replace("（", "(").replace("）", ")")
    if out.startswith("(") and ")" in out:
        i = out.index(")")
        out = out[: i + 1] + " " + out[i + 1:]
    elif len(out) > 2 and out[0].isdigit() and out[1] == ".":
        out = out[:2] + " " + out[2:]
    return out


def _pipe(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join(" --- " for _ in rows[0]) + "|"]
    lines.extend("| " + " | ".join(r) + " |" for r in rows[1:])
    return "\n".join(lines)





def markdown(rec: Record) -> str:
    """The report as OCR / a document converter prints it: ``#`` headings, 表二 and 表四
    as pipe tables (merged headers repeated), 表三 one small table per row under its
    heading with generic column names ``数据1 … 数据6 | 总计``."""
    paras = paragraphs(rec)
    apps = rec["applications"]
    out: list[str] = [f"# {rec['title'] or ''}", ""]
    out.extend(p + "\n" for p in paras.get("intro", []))
    generic = [f"数据{i}" for i in range(1, 7)] + ["总计"]

    def row_table(node: Any) -> None:
        out.append(_pipe([generic, [num_text((node or {}).get(c)) for c in T3_COLUMNS]]))
        out.append("")

    for key, heading in sections(rec):
        out.extend([f"## {heading}", ""])
        out.extend(p + "\n" for p in paras.get(key, []))
        if rec["template"] == "legacy":
            continue
        if key == "active_disclosure":
            blocks = T2_2021 if rec["template"] == "gov2021" else T2_2019
            for clause, heads, rows in blocks:
                out.extend([f"**{clause}**", ""])
                width = 1 + sum(s for _, s in heads)
                table = [["信息内容", *(t for t, s in heads for _ in range(s))]]
                for label, k, cols, spans in rows:
                    node = rec["active_disclosure"].get(k) or {}
                    cells = [label, *(num_text(node.get(c)) for c, s in zip(cols, spans, strict=True)
                                      for _ in range(s))]
                    table.append(cells[:width])
                out.extend([_pipe(table), ""])
        elif key == "applications":
            out.extend([T3_CAPTION, ""])
            for k in ("new_received", "carried_over"):
                out.extend([f"### {T3_ROW_LABELS[k]}", ""])
                row_table(get_path(apps, k))
            out.extend(["### 三、本年度办理结果", ""])
            for k in ("granted", "partially_granted"):
                out.extend([f"### {_ocr_label(T3_ROW_LABELS[k])}", ""])
                row_table(get_path(apps, k))
            groups = list(T3_GROUPS)
            if not has_single_other_handling(rec):
                groups.append(("（六）其他处理", OTHER_SUBS))
            for name, keys in groups:
                out.extend([f"### {_ocr_label(name)}", ""])
                for k in keys:
                    out.extend([f"#### {_ocr_label(T3_ROW_LABELS[k])}", ""])
                    row_table(get_path(apps, k))
                if name == "（五）不予处理" and has_single_other_handling(rec):
                    out.extend([f"### {_ocr_label('（六）其他处理')}", ""])
                    row_table(get_path(apps, "other_handling"))
            out.extend([f"### {_ocr_label(T3_ROW_LABELS['results_total'])}", ""])
            row_table(get_path(apps, "results_total"))
            out.extend([f"### {T3_ROW_LABELS['carried_forward']}", ""])
            row_table(get_path(apps, "carried_forward"))
        elif key == "review_litigation":
            out.extend([_pipe(expand(t4_rows(rec))), ""])
    if rec["template"] == "legacy" and rec["legacy_stats"]:
        out.extend([_pipe(expand(legacy_rows(rec))), ""])
    out.extend(closing(rec))
    return "\n".join(out) + "\n"



# ---------------------------------------------------------------- (5) legacy 统计表 text


def legacy_text(rec: Record, *, glued: bool = False) -> str:
    """A legacy report's text with its 统计表 the way converted pages print it.

    ``glued=False``: one row per line, cells separated by single spaces
    (``其中：1、网站公开 条 26 26``); ``glued=True``: the page.txt shape, the whole table
    on the body's line with nothing between cells (``其中：1、网站公开条26262、政府公报公开条00``).
    """
    if glued:
        return glued_text(rec)
    paras = paragraphs(rec)
    lines = [rec["title"] or "", *paras.get("intro", [])]
    for key, heading in sections(rec):
        lines.append(heading)
        lines.extend(paras.get(key, []))
    lines.append(" ".join(legacy_header(rec)))
    for row in rec["legacy_stats"]:
        lines.append(" ".join(t for t in legacy_cells(rec, row) if t))
    lines.extend(closing(rec))
    return "\n".join(lines) + "\n"
