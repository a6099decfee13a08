"""Platform adapters: recognise a listing page's platform and enumerate its items and pages.

One module per platform (``docs/platforms.md``), each registering its fingerprint and its
readers in :data:`base.PLATFORMS`: TRS ``createPageHTML``/``countPage`` (:mod:`.trs`),
Hanweb jpage (:mod:`.hanweb`), client-rendered jcms JSON (:mod:`.jcms_json`), Guangdong
gkmlpt (:mod:`.gkmlpt`), JSONP lists (:mod:`.jsonp`), pager configuration objects
(:mod:`.pager_config`), any JSON list API a column's script names (:mod:`.json_list`) and
the generic fallback that reads every link (:mod:`.generic`). :func:`parse_listing` asks them in their order.
"""

from __future__ import annotations

from parsel import Selector

from . import generic as _generic
from . import gkmlpt as _gkmlpt
from . import hanweb as _hanweb
from . import jcms_json as _jcms_json
from . import json_list as _json_list
from . import jsonp as _jsonp
from . import pager_config as _pager_config
from . import trs as _trs
from .base import PLATFORMS, Follow, Item, Listing, Platform, register
from .gkmlpt import gkmlpt, gkmlpt_page
from .hanweb import hanweb, hanweb_records
from .jcms_json import json_api, json_page
from .jsonp import jsonp_api, jsonp_page
from .trs import trs_pages

_LOADED = (_gkmlpt, _hanweb, _jcms_json, _jsonp, _pager_config, _trs, _json_list, _generic)


def parse_listing(body: bytes, text: str, url: str, sel: Selector, first: bool) -> Listing:
    """The listing of a column page, by the first platform whose fingerprint matches."""
    for p in sorted(PLATFORMS.values(), key=lambda p: p.order):
        if p.detect(text, url):
            got = p.parse(body, text, url, sel, first)
            if got is not None:
                return got
    return Listing("generic")


def api_page(body: bytes, follow: Follow) -> Listing:
    """One answer of a platform's list API (the platform that asked for it reads it)."""
    page = PLATFORMS[follow.adapter].page
    if page is None:
        raise ValueError(f"platform {follow.adapter} reads no API answers")
    return page(body, follow)


__all__ = ["PLATFORMS", "Follow", "Item", "Listing", "Platform", "api_page", "gkmlpt",
           "gkmlpt_page", "hanweb", "hanweb_records", "json_api", "json_page", "jsonp_api",
           "jsonp_page", "parse_listing", "register", "trs_pages"]
