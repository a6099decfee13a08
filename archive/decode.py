"""Bytes to text for every extractor and the crawler: charsets as portals declare (and
misdeclare) them.

The one decoder. A declared charset is tried only if the bytes decode cleanly in it, then
UTF-8, then GB18030, then a guess: portals label GBK pages utf-8 and vice versa. GB2312 and
GBK labels are read as GB18030 (their superset), and a latin-1 label is never believed
(latin-1 decodes any bytes; error pages carry it by default).
"""

from __future__ import annotations

import codecs
import re

#: Labels of GB18030's subsets, as written (``_`` read as ``-``).
_GB_LABELS = frozenset({"gb2312", "gbk", "gb-2312", "gb-2312-80", "x-gbk", "gb18030"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)


def charset_name(label: str | None) -> str | None:
    """The codec to try for a declared ``label``; None for none, or for a latin-1 label."""
    if not label:
        return None
    name = label.strip().lower().replace("_", "-")
    if name in _GB_LABELS:
        return "gb18030"
    try:
        if codecs.lookup(name).name in ("iso8859-1", "cp1252", "latin-1"):
            return None
    except LookupError:
        pass
    return name


def meta_charset(data: bytes) -> str | None:
    """The charset an HTML page's ``<meta>`` declares in its first 4 KB."""
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii", "replace") if m else None


def decode_text(data: bytes, *declared: str | None) -> str:
    """Decode bytes whose encoding may be misdeclared; ``declared`` are the charsets they
    are said to be in, most trusted first (None for none)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    candidates = [c for c in map(charset_name, declared) if c]
    for enc in dict.fromkeys([*candidates, "utf-8", "gb18030"]):
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        return str(best)
    return data.decode("gb18030", errors="replace")


def decode_page(data: bytes, declared: str | None = None) -> str:
    """An HTML page's text: the charset its ``<meta>`` declares first, then ``declared``
    (the HTTP header's)."""
    return decode_text(data, meta_charset(data), declared)
