"""Search snippets: the printed text around the first match of a folded query, with the
matches marked, found in the text as printed (not in its folded copy)."""

from __future__ import annotations

import functools
import re
import sys
import unicodedata

from .document import fold

_WS = re.compile(r"\s+")


def _orig(text: str, p: int, end: bool) -> int:
    """Map a position in NFKC(text) back to text: NFKC may lengthen characters (…, ㈠)."""
    lo, hi = 0, len(text)
    while lo < hi:  # binary search on the NFKC length of prefixes
        mid = (lo + hi + (0 if end else 1)) // 2
        n = len(unicodedata.normalize("NFKC", text[:mid]))
        if end:
            lo, hi = (mid + 1, hi) if n < p else (lo, mid)
        else:
            lo, hi = (mid, hi) if n <= p else (lo, mid - 1)
    return lo


@functools.cache
def _variants() -> dict[str, str]:
    """For each character, the others NFKC folds into it alone (Ａ→A, （→(); built once."""
    rev: dict[str, list[str]] = {}
    for cp in range(sys.maxunicode + 1):
        ch = chr(cp)
        n = unicodedata.normalize("NFKC", ch)
        if n != ch and len(n) == 1:
            rev.setdefault(n, []).append(ch)
    return {k: "".join(v) for k, v in rev.items()}


def warm_up() -> None:
    """Build the snippet tables ahead of the first query (a long-running server calls it)."""
    _variants()


def _pattern(q: str) -> re.Pattern[str]:
    """Matches q in unnormalized text: each character or a form folding into it, with
    whitespace allowed between characters."""
    var = _variants()
    parts = [f"[{re.escape(c + var[c])}]" if c in var else re.escape(c) for c in q]
    return re.compile(r"\s*".join(parts))


def _spans(text: str, q: str, width: int) -> list[tuple[int, int]]:
    """Match spans in ``text`` near its first match: the fast pattern on the text as is,
    else (characters NFKC expands, like ㈠) the NFKC text mapped back."""
    pat = _pattern(q)
    m = pat.search(text)
    if m is not None:
        return [(x.start(), x.end()) for x in pat.finditer(text, max(0, m.start() - width),
                                                           m.end() + width)]
    norm = unicodedata.normalize("NFKC", text)
    pat = re.compile(r"\s*".join(re.escape(c) for c in q))
    m = pat.search(norm)
    if m is None:
        return []
    spans = [(x.start(), x.end()) for x in pat.finditer(norm, max(0, m.start() - width),
                                                        m.end() + width)]
    return [(_orig(text, a, False), _orig(text, b, True)) for a, b in spans]


def fragments(text: str, q: str, width: int = 40) -> list[tuple[str, bool]]:
    """The window of the text as printed around the first match of folded ``q``, as
    (text, is_match) pieces; the matches are exactly the places ``fold`` finds."""
    spans = _spans(text, q, width) if q else []
    if not spans:
        return [(fold(text)[: width * 2], False)]
    start, end = max(0, spans[0][0] - width), min(len(text), spans[0][1] + width)
    out: list[tuple[str, bool]] = [("…", False)] if start else []
    pos = start
    for a, b in spans:
        if a < pos or b > end:
            continue
        out.append((_WS.sub(" ", text[pos:a]), False))
        out.append((_WS.sub(" ", text[a:b]), True))
        pos = b
    out.append((_WS.sub(" ", text[pos:end]), False))
    if end < len(text):
        out.append(("…", False))
    return [(t, hit) for t, hit in out if t]


def snippet(text: str, q: str, width: int = 40) -> str:
    """Plain-text snippet with the matches in 【】, for the command line and JSON."""
    return "".join(f"【{t}】" if hit else t for t, hit in fragments(text, q, width))
