"""Finding an agency's 年报 column on its portal."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from parsel import Selector

from .pages import COLUMN_SLUG, clean, links, report_year


def column_links(sel: Selector, url: str) -> list[str]:
    """Candidate 年报 columns on a portal page: anchor text first, then URL slugs."""
    by_text, by_slug = [], []
    for link in links(sel, url):
        text = clean(link.text) or clean(link.title)
        if report_year(text):
            continue
        if re.search(r"(年报|年度报告|工作报表)$", text) and len(text) <= 14:
            by_text.append(link.url)
        elif COLUMN_SLUG.search(urlsplit(link.url).path):
            by_slug.append(link.url)
    out: list[str] = []
    for u in by_text + by_slug:
        if u not in out:
            out.append(u)
    return out
