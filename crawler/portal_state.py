"""Per-portal bookkeeping during one crawl, and the outcome it adds up to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from archive.models import utcnow

from .discovery import Walk
from .downloadermiddlewares.guard import netloc, twins


@dataclass
class AgencyInfo:
    id: str
    name: str
    column: str | None
    #: the column was named by the registry (not found by a walk): it is the agency's own
    registered: bool = False


@dataclass
class PortalState:
    """One portal (scheme://host:port/) and the agencies the registry points at it."""

    key: str
    root: str
    agencies: list[AgencyInfo]
    column: str | None = None
    started: dt.datetime = field(default_factory=utcnow)
    pending: int = 0
    requests: int = 0
    bytes: int = 0
    scheduled: int = 0
    seen: set[str] = field(default_factory=set)
    listing_ok: int = 0
    listing_failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    fatal: str | None = None  # why nothing could be read (unreachable)
    no_column: str | None = None
    candidate_failed: list[str] = field(default_factory=list)
    over_budget: bool = False
    column_found: str | None = None
    #: this night read the 年报 column: a listing that names itself 年报/年度报告 (title,
    #: breadcrumb, heading) or lists at least one annual report. Only then may the night
    #: count as evidence that a report is missing (see :meth:`outcome`).
    column_read: bool = False
    tried_root: bool = False
    walk: Walk | None = None  # the discovery walk, when the column had to be found
    walk_started: bool = False
    column_path: list[list[str]] | None = None  # [[page, link words], …] root → column
    offsite: list[str] = field(default_factory=list)  # report links off the allowed hosts
    present: set[str] = field(default_factory=set)  # report URLs listed or fetched this run
    gone: dict[str, str] = field(default_factory=dict)  # URL -> why removed (404/410)
    reports: set[tuple[str, int]] = field(default_factory=set)
    listed: set[str] = field(default_factory=set)  # agencies whose reports were listed
    done: bool = False
    scheme: str | None = None  # the scheme the portal answered on (after redirects)

    def own_scheme(self, url: str) -> str:
        """A link to this portal's host under the other scheme (both on default ports) is
        the same page: fetch it under the scheme the portal answers, so it is one page, one
        source and one conditional request, and an https-only site costs no redirect."""
        u, home = urlsplit(url), twins(self.root)
        want = self.scheme or urlsplit(self.root).scheme
        if u.scheme == want or u.scheme not in ("http", "https") or len(home) < 2 \
                or netloc(url) not in home:
            return url
        return urlunsplit((want, u.hostname or "", u.path, u.query, u.fragment))

    @property
    def agency_ids(self) -> list[str]:
        return [a.id for a in self.agencies]

    def outcome(self) -> tuple[str, str | None]:
        """ok / partial / unreachable, with the reason in Chinese.

        The one place a night's outcome is decided: ``ok`` — the only outcome the monitor
        takes as evidence that a report is missing — needs the 年报 column read this
        night (:attr:`column_read`); whatever else went right, a night that never saw the
        column is partial."""
        if self.fatal and not self.listing_ok:
            return "unreachable", self.fatal
        reasons = []
        if self.no_column:
            reasons.append(self.no_column)
        elif self.column_found is None and self.candidate_failed:
            reasons.append(f"年报栏目无法读取（{self.candidate_failed[0]}）")
        elif not self.column_read:
            reasons.append("本次采集没有读到年报栏目（没有页面以年报/年度报告为题，也没有列出任何年度报告），"
                           "不能据此判断年报未发布；请在注册表的 column 中登记年报栏目地址")
        if self.listing_failed:
            reasons.append(f"{len(self.listing_failed)} 个栏目页无法读取（{self.listing_failed[0]}）")
        if self.errors:
            reasons.append(f"{len(self.errors)} 个报告页面或文件无法下载（{self.errors[0]}）")
        if self.offsite:
            reasons.append(f"{len(self.offsite)} 篇年报的链接指向注册表之外的站点，未抓取"
                           f"（{self.offsite[0]}）；如确属本机关，请在注册表的 column 中登记该站点")
        if self.over_budget:
            reasons.append("超过单个站点的页面预算，未抓完")
        if reasons:
            return "partial", "；".join(reasons)
        return "ok", None

    def unread(self) -> list[str]:
        """Agencies of a shared portal for which tonight's column is no evidence: the
        column read lists none of their reports and the registry does not name it as
        theirs (a city portal's 年报 column may not be each department's)."""
        if len(self.agencies) < 2:
            return []
        return [a.id for a in self.agencies if a.id not in self.listed and not a.registered]

    def outcomes(self) -> list[tuple[str, str | None, list[str]]]:
        """The night per group of agencies: (outcome, reason, agency ids). An ``ok``
        night is evidence only for the agencies whose column it read (:meth:`unread`)."""
        outcome, reason = self.outcome()
        unread = self.unread() if outcome == "ok" else []
        read = [a for a in self.agency_ids if a not in unread]
        out: list[tuple[str, str | None, list[str]]] = []
        if read:
            out.append((outcome, reason, read))
        if unread:
            out.append(("partial", f"本次读到的年报栏目（{self.column_found}）没有列出这些机关的"
                                   "任何年度报告，不能据此判断其年报未发布；如其年报在别的栏目，"
                                   "请在注册表的 column 中登记该栏目", unread))
        return out

    @property
    def complete(self) -> bool:
        """Every listing page was read: absence from it means the report was taken down."""
        return (self.listing_ok > 0 and not self.listing_failed and not self.over_budget
                and not self.no_column and not self.fatal and self.column_found is not None
                and self.column_read)
