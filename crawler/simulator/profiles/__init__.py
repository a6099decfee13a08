"""The portal profiles: how each CMS family lays out its 年报 column (``docs/platforms.md``).

One module per family: :mod:`.trs` (TRS WCM), :mod:`.hanweb` (大汉 jcms), :mod:`.json_api`
(lists drawn from a JSON/JSONP API), :mod:`.gkmlpt` (Guangdong's platform), and the hard
cases: :mod:`.access` (gates, challenges, robots.txt), :mod:`.documents` (how the file is
published), :mod:`.links` (lists and links that mislead). :mod:`.hubs` is the way from the
home page to the column, :mod:`.base` what every profile shares. :data:`PROFILES` names
each class as the tests and the farm ask for it.
"""

from __future__ import annotations

from .access import (
                     BrowserOnly,
                     Challenge,
                     Closed,
                     ExpiringChallenge,
                     Hostile,
                     RobotsForbidden,
                     RobotsMissing,
)
from .base import NOISE, Base
from .documents import DecoyGzip, EmbeddedPdf, ScanWps
from .gkmlpt import DeptPortal, Gkmlpt
from .hanweb import EMPTY_DATASTORE, Hanweb
from .hubs import COLUMN_LINK, DECOY_COLUMN, HUB_STYLES, REDIRECT_HOME, SCRIPT_MENU, Hub
from .json_api import JsonApi, JsonpApi, UnknownJson
from .links import DualUrl, MovedColumn, OddMarkup, ScriptRedirect, TownsDeadLink
from .markup import CTYPES, page
from .trs import PagerConfig, TrsClassic, TrsOneBased

PROFILES: dict[str, type[Base]] = {
    "trs_classic": TrsClassic, "trs_1based": TrsOneBased, "hanweb_jpage": Hanweb,
    "json_api": JsonApi, "hostile": Hostile, "challenge": Challenge, "closed": Closed,
    "robots_404": RobotsMissing, "robots_403": RobotsForbidden, "ua_gate": BrowserOnly,
    "embedded_pdf": EmbeddedPdf, "dual_url": DualUrl, "js_redirect": ScriptRedirect,
    "jsonp_api": JsonpApi, "challenge_js": ExpiringChallenge, "decoy_gzip": DecoyGzip,
    "towns_dead": TownsDeadLink, "moved_301": MovedColumn, "scan_wps": ScanWps,
    "odd_markup": OddMarkup, "gkmlpt": Gkmlpt, "dept_portal": DeptPortal,
    "pager_config": PagerConfig, "json_unknown": UnknownJson,
}

__all__ = [
    "COLUMN_LINK", "CTYPES", "DECOY_COLUMN", "EMPTY_DATASTORE", "HUB_STYLES", "NOISE",
    "PROFILES", "REDIRECT_HOME", "SCRIPT_MENU", "Base", "BrowserOnly", "Challenge", "Closed",
    "DecoyGzip", "DeptPortal", "DualUrl", "EmbeddedPdf", "ExpiringChallenge", "Gkmlpt",
    "Hanweb", "Hostile", "Hub", "JsonApi", "JsonpApi", "MovedColumn", "OddMarkup",
    "PagerConfig", "RobotsForbidden", "RobotsMissing", "ScanWps", "ScriptRedirect",
    "TownsDeadLink", "TrsClassic", "TrsOneBased", "UnknownJson", "page",
]
