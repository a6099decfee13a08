"""Bytes to text for every extractor: charsets as portals declare (and misdeclare) them."""

from __future__ import annotations


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode bytes whose encoding may be misdeclared; GB2312/GBK are read as GB18030."""
    candidates: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if declared:
        d = declared.lower().strip()
        candidates.append("gb18030" if d in {"gb2312", "gbk", "gb_2312-80", "x-gbk"} else d)
    candidates += ["utf-8", "gb18030"]
    for enc in candidates:
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        return str(best)
    return data.decode("gb18030", errors="replace")
