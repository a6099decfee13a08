"""The alert kinds, in one table: what the office reads, what the dashboard shows, and how
each kind behaves. Mail, pages and ``check`` read it; a new kind is one entry here plus the
rule in :mod:`monitor.alerts` that opens it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AlertKind:
    code: str
    #: the kind's name for the office (mail headings, pages, filters)
    label: str
    #: what the digest says when the cause is gone
    resolved: str
    #: the dashboard cell state an alert of this kind sets for its agency and year
    state: str | None = None
    #: a fact about the past that stays shown after the alert resolves (逾期, 修改)
    lasting: bool = False
    #: grouped by portal in the digest (one outage, many agencies), not by agency
    by_portal: bool = False


#: In the order the digest lists them.
ALERT_KINDS: dict[str, AlertKind] = {k.code: k for k in (
    AlertKind("REPORT_MISSING", "年报未发布", "年报已在门户网站找到。", state="missing"),
    AlertKind("REPORT_LATE", "年报逾期发布", "按更正后的发布日期，年报未逾期。", state="late",
              lasting=True),
    AlertKind("REPORT_INVALID", "年报数据有误", "新版本中已没有这些错误。", state="invalid"),
    AlertKind("REPORT_CHANGED", "年报发布后被修改",
              "年报已恢复为最初存档的内容，或有了更新的修改提醒。", state="changed", lasting=True),
    AlertKind("REPORT_REMOVED", "年报被删除", "年报已重新出现在门户网站。", state="removed"),
    AlertKind("PORTAL_UNREACHABLE", "门户网站无法访问", "门户网站已恢复访问。", by_portal=True),
    AlertKind("NIGHTLY_RUN_MISSED", "夜间任务未按时运行", "夜间任务已按时运行。"),
)}

#: code -> label, for filters and headings
ALERT_LABELS: dict[str, str] = {k.code: k.label for k in ALERT_KINDS.values()}
