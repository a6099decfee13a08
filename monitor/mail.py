"""The daily digest: pending alerts → outbox rows → the office's mailbox.

Two steps, each crash-safe:

1. :func:`build_digests` — in ONE transaction, turn every pending alert (opened or
   resolved since the last digest) into outbox rows (the office's digest, and optionally
   each agency's own copy) and mark those alerts notified. Either both happen or neither.
2. :func:`deliver` — send each queued row through a :class:`Channel`; ``sent_at`` is
   committed right after the SMTP transaction. A row's Message-ID is a hash of its
   content, so if the process dies between the server's "250" and that commit, the
   retry carries the same Message-ID and the receiving side can tell it is the same mail.
   A failure leaves the row queued with ``last_error`` and an exponential backoff.
"""

from __future__ import annotations

import base64
import datetime as dt
import fcntl
import hashlib
import json
import smtplib
import socket
import ssl
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path
from typing import Any, Protocol

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.config import Settings
from archive.models import Agency, Alert, Outbox, utcnow
from archive.store import Archive
from monitor.kinds import ALERT_KINDS

from .alerts import serialize
from .deadlines import local_date

BACKOFF_BASE = dt.timedelta(minutes=5)
BACKOFF_MAX = dt.timedelta(hours=12)
SMTP_TIMEOUT = 30.0
MAX_PER_KIND = 100  # a first crawl of a big registry must not make an unreadable mail
TEMPLATES = Path(__file__).parent / "templates"


class NotConfigured(Exception):
    """Mail cannot be built or sent until a setting is given."""


class Channel(Protocol):
    """Where messages go. ``send`` raises on failure; :class:`ConnectionError`-like
    errors (``OSError``) mean nothing more can go out on this channel right now."""

    def send(self, msg: EmailMessage) -> None: ...

    def close(self) -> None: ...


class SmtpChannel:
    """SMTP delivery (plain, STARTTLS or implicit TLS), one connection per batch."""

    def __init__(self, settings: Settings, timeout: float = SMTP_TIMEOUT):
        self.settings = settings
        self.timeout = timeout
        self._conn: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        st = self.settings
        host, port = st.smtp_host, st.smtp_port
        conn: smtplib.SMTP
        if st.smtp_ssl:
            conn = smtplib.SMTP_SSL(host, port, timeout=self.timeout, context=self._tls())
        else:
            conn = smtplib.SMTP(host, port, timeout=self.timeout)
        try:
            if st.smtp_starttls and not st.smtp_ssl:
                conn.starttls(context=self._tls())
            self._login(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _login(self, conn: smtplib.SMTP) -> None:
        st = self.settings
        if st.smtp_user:
            user, password = str(st.smtp_user), str(st.smtp_password or "")
            conn.ehlo_or_helo_if_needed()
            if "PLAIN" not in conn.esmtp_features.get("auth", "").upper().split():
                conn.login(user, password)
                return
            # AUTH PLAIN ourselves: UTF-8 credentials (RFC 4616; smtplib insists on ASCII),
            # and a refusal is final instead of falling through to other mechanisms
            token = base64.b64encode(f"\0{user}\0{password}".encode()).decode()
            code, resp = conn.docmd("AUTH", "PLAIN " + token)
            if code != 235:
                raise smtplib.SMTPAuthenticationError(code, resp)

    def _tls(self) -> ssl.SSLContext:
        """Certificates are verified (smtplib's default would not); ``smtp_cafile`` in
        nianbao.toml names a private CA for an office's own mail server."""
        return ssl.create_default_context(cafile=self.settings.smtp_cafile)

    def send(self, msg: EmailMessage) -> None:
        if self._conn is None:
            self._conn = self._connect()
        try:
            self._conn.send_message(msg)
        except (OSError, smtplib.SMTPServerDisconnected):
            self._drop()
            raise

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except OSError:
                pass

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self._drop()


# ---------------------------------------------------------------- digest content

KIND_ORDER = list(ALERT_KINDS)


def _env() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES),
                       autoescape=select_autoescape(["html"], default_for_string=False),
                       trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined,
                       keep_trailing_newline=True)


def _item(a: Alert, names: dict[str, str], site: str) -> dict[str, Any]:
    d = a.detail or {}
    rid = d.get("report_id")
    return {
        "id": a.id, "kind": a.kind, "year": a.year, "state": a.state,
        "agency": names.get(a.agency_id or "", a.agency_id or ""),
        "agency_link": f"{site}/agencies/{a.agency_id}" if a.agency_id else None,
        "report_link": f"{site}/reports/{rid}" if rid else None,
        "message": (d.get("summary") if a.kind == "REPORT_INVALID" else None)
        or d.get("message", ""), "opened_on": a.opened_on.isoformat(),
        "resolved_on": a.resolved_on.isoformat() if a.resolved_on else None,
        "resolved_message": d.get("resolved_message"),
        "findings": d.get("findings") or [] if a.kind == "REPORT_INVALID" else [],
        "diff": d.get("diff") if a.kind == "REPORT_CHANGED" else None,
        "diff_truncated": bool(d.get("diff_truncated")),
        "portal": d.get("portal"),
    }


def _groups(alerts: list[Alert], names: dict[str, str], site: str) -> list[dict[str, Any]]:
    """Alerts grouped by kind, then by agency (portal outages by portal)."""
    groups = []
    for kind in KIND_ORDER:
        mine = [a for a in alerts if a.kind == kind]
        if not mine:
            continue
        sections: dict[str, dict[str, Any]] = {}
        shown = sorted(mine, key=lambda a: (a.agency_id or "", a.year or 0, a.id))[:MAX_PER_KIND]
        for a in shown:
            it = _item(a, names, site)
            if ALERT_KINDS[kind].by_portal:
                title, link = f"门户网站 {it['portal']}", it["portal"]
            elif a.agency_id:
                title, link = it["agency"], it["agency_link"]
            else:
                title, link = "系统", None
            sec = sections.setdefault(title, {"title": title, "link": link, "entries": []})
            sec["entries"].append(it)
        groups.append({"kind": kind, "label": ALERT_KINDS[kind].label,
                       "by_portal": ALERT_KINDS[kind].by_portal, "count": len(mine),
                       "more": len(mine) - len(shown), "sections": list(sections.values())})
    return groups


@dataclass
class Digest:
    recipients: list[str]
    subject: str
    body_text: str
    body_html: str
    alert_ids: list[int] = field(default_factory=list)

    @property
    def message_id(self) -> str:
        h = hashlib.sha256(json.dumps([sorted(self.recipients), self.subject, self.body_text],
                                      ensure_ascii=False).encode()).hexdigest()
        return f"<nianbao.{h[:40]}@nianbao.local>"


def render_digest(alerts: list[Alert], names: dict[str, str], settings: Settings,
                  today: dt.date, recipients: list[str], agency: str | None = None) -> Digest:
    site = settings.site_url.rstrip("/")
    new = [a for a in alerts if a.state == "open"]
    gone = [a for a in alerts if a.state != "open"]
    who = f"{agency}：" if agency else ""
    subject = f"【年报监测】{who}{today} 提醒摘要：新增 {len(new)} 条，已解除 {len(gone)} 条"
    ctx = {"subject": subject, "today": today.isoformat(), "site_url": site, "agency": agency,
           "new_groups": _groups(new, names, site), "resolved_groups": _groups(gone, names, site),
           "new_count": len(new), "resolved_count": len(gone)}
    env = _env()
    text = env.get_template("digest.txt").render(ctx)
    html = env.get_template("digest.html").render(ctx)
    return Digest(recipients, subject, text, html, [a.id for a in alerts])


def build_digests(archive: Archive, today: dt.date | None = None) -> list[int]:
    """Turn pending alerts into outbox rows and mark them notified — one transaction."""
    st = archive.settings
    tz = st.timezone
    today = today or local_date(utcnow(), tz) or dt.date.today()
    office = list(st.alert_recipients or [])
    with archive.Session.begin() as s:
        serialize(s)
        pending = list(s.scalars(select(Alert).where(Alert.notified.is_(False))
                                 .order_by(Alert.id)))
        if not pending:
            return []
        if not office:
            raise NotConfigured("未配置收件人 alert_recipients（nianbao.toml 或环境变量 "
                                "NIANBAO_ALERT_RECIPIENTS）；提醒仍保留为待发送。")
        agencies = {a.id: a for a in s.scalars(select(Agency))}
        names = {k: a.name for k, a in agencies.items()}
        digests = [render_digest(pending, names, st, today, office)]
        if st.copy_agencies:
            for aid in sorted({a.agency_id for a in pending if a.agency_id}):
                ag = agencies.get(aid)
                if ag is not None and ag.emails:
                    own = [a for a in pending if a.agency_id == aid]
                    digests.append(render_digest(own, names, st, today, list(ag.emails), ag.name))
        ids = [_queue(s, d) for d in digests]
        for a in pending:
            a.notified = True
        return ids


def _queue(s: Session, d: Digest) -> int:
    row = s.scalar(select(Outbox).where(Outbox.message_id == d.message_id))
    if row is None:
        row = Outbox(message_id=d.message_id, recipients=d.recipients, subject=d.subject,
                     body_text=d.body_text, body_html=d.body_html, created_at=utcnow())
        s.add(row)
        s.flush()
    return row.id


def to_email(row: Outbox, settings: Settings) -> EmailMessage:
    """The MIME message of an outbox row: multipart text + HTML, headers RFC 2047-encoded."""
    msg = EmailMessage(policy=SMTP)
    msg["Subject"] = row.subject
    msg["From"] = f"年报监测 <{settings.mail_from}>"
    msg["To"] = ", ".join(row.recipients)
    msg["Date"] = format_datetime(row.created_at.replace(tzinfo=dt.UTC))
    msg["Message-ID"] = row.message_id
    msg["Auto-Submitted"] = "auto-generated"
    # base64 bodies: 7-bit clean, so no relay needs 8BITMIME
    msg.set_content(row.body_text, charset="utf-8", cte="base64")
    msg.add_alternative(row.body_html, subtype="html", charset="utf-8", cte="base64")
    return msg


@dataclass
class DeliveryReport:
    sent: list[str] = field(default_factory=list)  # message ids
    failed: int = 0
    waiting: int = 0
    error: str | None = None
    warning: str | None = None
    next_attempt_at: dt.datetime | None = None

    def json(self) -> dict[str, Any]:
        return {"sent": self.sent, "failed": self.failed, "waiting": self.waiting,
                "error": self.error, "warning": self.warning,
                "next_attempt_at": self.next_attempt_at.isoformat(timespec="seconds")
                if self.next_attempt_at else None}


def backoff(attempts: int) -> dt.timedelta:
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def deliver(archive: Archive, channel: Channel, now: dt.datetime | None = None,
            retry_now: bool = False) -> DeliveryReport:
    """Send queued outbox rows that are due; record each outcome as soon as it is known."""
    with _outbox_lock(archive.data_dir):
        return _deliver(archive, channel, now or utcnow(), retry_now)


@contextmanager
def _outbox_lock(data_dir: Path) -> Iterator[None]:
    """One sender at a time (the daemon's retry job, a cycle, a manual `alerts send`)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / "outbox.lock", "a+b") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _deliver(archive: Archive, channel: Channel, now: dt.datetime, retry_now: bool
             ) -> DeliveryReport:
    rep = DeliveryReport()
    with archive.Session() as s:
        queued = list(s.scalars(select(Outbox).where(Outbox.sent_at.is_(None))
                                .order_by(Outbox.id)))
    due = [r for r in queued if retry_now or r.next_attempt_at is None or r.next_attempt_at <= now]
    rep.waiting = len(queued) - len(due)
    try:
        for i, row in enumerate(due):
            try:
                channel.send(to_email(row, archive.settings))
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused,
                    smtplib.SMTPDataError) as e:  # this message refused; others may go
                rep.error = _describe(e)
                rep.next_attempt_at = _failed(archive, [row], rep.error)
                rep.failed += 1
                continue
            except Exception as e:  # no connection, login refused, TLS, a bug: nothing goes
                channel.close()
                rep.error = _describe(e)
                rep.next_attempt_at = _failed(archive, due[i:], rep.error)
                rep.failed += len(due) - i
                break
            with archive.Session.begin() as s:
                r = s.get(Outbox, row.id)
                assert r is not None
                r.sent_at = utcnow()
                r.attempts += 1
                r.last_error = None
                r.next_attempt_at = None
            rep.sent.append(row.message_id)
    finally:
        channel.close()
    return rep


def _failed(archive: Archive, rows: Iterable[Outbox], error: str) -> dt.datetime:
    latest = utcnow()
    with archive.Session.begin() as s:
        for row in rows:
            r = s.get(Outbox, row.id)
            assert r is not None
            r.attempts += 1
            r.last_error = error
            r.next_attempt_at = utcnow() + backoff(r.attempts)
            latest = r.next_attempt_at
    return latest


def _describe(e: BaseException) -> str:
    if isinstance(e, ConnectionRefusedError):
        return f"连接被拒绝（{e}）"
    if isinstance(e, socket.timeout | TimeoutError):
        return f"连接超时（{e}）"
    if isinstance(e, smtplib.SMTPAuthenticationError):
        return f"登录被拒绝，请检查 smtp_user / smtp_password（{e.smtp_code}）"
    if isinstance(e, ssl.SSLError):
        return f"TLS 失败，请检查 smtp_starttls / smtp_ssl / smtp_cafile（{e}）"
    return f"{type(e).__name__}: {e}"


def send_pending(archive: Archive, channel: Channel | None = None, retry_now: bool = False,
                 today: dt.date | None = None) -> DeliveryReport:
    """``alerts send``: build today's digest from pending alerts, then deliver the outbox."""
    warning = None
    try:
        build_digests(archive, today)
    except NotConfigured as e:
        warning = str(e)
    rep = deliver(archive, channel or SmtpChannel(archive.settings), retry_now=retry_now)
    rep.warning = warning
    return rep
