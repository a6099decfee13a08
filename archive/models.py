"""The database: SQLAlchemy 2 models, portable between SQLite and PostgreSQL.

URL → versions → blob: a source URL is fetched many times (``fetches``), each distinct
content becomes a report version pointing at a blob; nothing is ever overwritten.
The monitor's tables (alerts, outbox, runs) live here too so one migration chain owns
the whole schema.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Agency(Base):
    __tablename__ = "agencies"
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="department")
    portal: Mapped[str | None] = mapped_column(String(500))
    column: Mapped[str | None] = mapped_column(String(500))
    #: how the crawler found ``column``: [[url, link words], …] from the portal's root
    column_path: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    emails: Mapped[list[Any]] = mapped_column(JSON, default=list)
    deadline: Mapped[str | None] = mapped_column(String(5))
    since: Mapped[int] = mapped_column(Integer, default=2008)
    #: where the agency sits, outermost first: "宁夏/中卫市/沙坡头区" (``registry.py``)
    region: Mapped[str | None] = mapped_column(String(200), nullable=True)
    #: 省级 / 市级 / 县级 / 乡级 (``registry.LEVELS``)
    level: Mapped[str | None] = mapped_column(String(10), nullable=True)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)


class Blob(Base):
    __tablename__ = "blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    format: Mapped[str | None] = mapped_column(String(20))
    stored_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Source(Base):
    """A URL nianbao has seen, with what conditional requests need next time."""

    __tablename__ = "sources"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    role: Mapped[str] = mapped_column(String(20), default="report")
    agency_id: Mapped[str | None] = mapped_column(ForeignKey("agencies.id"))
    year: Mapped[int | None] = mapped_column(Integer)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_seen: Mapped[dt.datetime | None] = mapped_column(DateTime)
    posted_on: Mapped[dt.date | None] = mapped_column(Date)
    removed_on: Mapped[dt.date | None] = mapped_column(Date)
    removed_reason: Mapped[str | None] = mapped_column(String(200))
    #: where a download link (``downfile.jsp?filename=x.pdf``) last redirected, when the
    #: target is named by the link itself: next time the file is asked for directly
    redirect_to: Mapped[str | None] = mapped_column(String(2000))


class Fetch(Base):
    """One attempt to get one URL: what came back, or why nothing did."""

    __tablename__ = "fetches"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), index=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"))
    fetched_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    status: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))
    error: Mapped[str | None] = mapped_column(Text)
    parse_status: Mapped[str] = mapped_column(String(20), default="pending")
    parse_error: Mapped[str | None] = mapped_column(Text)
    #: the WARC file (relative to the data directory's ``warc/``) holding this fetch's
    #: request record, at byte ``warc_offset``, followed by its response record
    #: (``archive/warc.py``); null for fetches made before WARC was written
    warc_file: Mapped[str | None] = mapped_column(String(200), nullable=True)
    warc_offset: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class Report(Base):
    """One agency's report for one year; its content lives in versions."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("agency_id", "year"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    posted_on: Mapped[dt.date | None] = mapped_column(Date)
    removed_on: Mapped[dt.date | None] = mapped_column(Date)
    agency: Mapped[Agency] = relationship()
    versions: Mapped[list[ReportVersion]] = relationship(
        back_populates="report", order_by="ReportVersion.seq"
    )

    def note_posted(self, day: dt.date | None) -> None:
        """A date the report was seen posted on: the earliest is when it was published
        (a listing may re-date a report it moves; deadlines count from the first)."""
        if day and (self.posted_on is None or day < self.posted_on):
            self.posted_on = day


class ReportVersion(Base):
    __tablename__ = "report_versions"
    __table_args__ = (UniqueConstraint("report_id", "seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    url: Mapped[str | None] = mapped_column(String(2000))
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    published_on: Mapped[dt.date | None] = mapped_column(Date)
    template: Mapped[str] = mapped_column(String(20))
    title: Mapped[str | None] = mapped_column(String(500))
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    text: Mapped[str] = mapped_column(Text, default="")
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    report: Mapped[Report] = relationship(back_populates="versions")
    files: Mapped[list[ReportFile]] = relationship(cascade="all, delete-orphan")
    findings: Mapped[list[FindingRow]] = relationship(cascade="all, delete-orphan")


class ReportFile(Base):
    __tablename__ = "report_files"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("report_versions.id"), index=True)
    url: Mapped[str | None] = mapped_column(String(2000))
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    role: Mapped[str] = mapped_column(String(20), default="attachment")


class Cell(Base):
    """One parsed number with its provenance (table row, page, the raw printed text)."""

    __tablename__ = "cells"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("report_versions.id"), index=True)
    path: Mapped[str] = mapped_column(String(200))
    value: Mapped[float | None] = mapped_column(Float)
    raw: Mapped[str | None] = mapped_column(String(200))
    yuan: Mapped[int | None] = mapped_column(Integer)
    page: Mapped[int | None] = mapped_column(Integer)
    row: Mapped[int | None] = mapped_column(Integer)


class FindingRow(Base):
    __tablename__ = "findings"
    __table_args__ = (Index("ix_findings_version_severity", "version_id", "severity"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("report_versions.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), index=True)
    severity: Mapped[str] = mapped_column(String(10))
    where: Mapped[str | None] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    expected: Mapped[Any] = mapped_column(JSON, nullable=True)
    actual: Mapped[Any] = mapped_column(JSON, nullable=True)


class PortalCrawl(Base):
    """Outcome of crawling one portal once: ok / partial / unreachable, with the reason."""

    __tablename__ = "portal_crawls"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    portal: Mapped[str] = mapped_column(String(500), index=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    reports_found: Mapped[int] = mapped_column(Integer, default=0)
    agency_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)


class Alert(Base):
    __tablename__ = "alerts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    agency_id: Mapped[str | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    year: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(10), default="open")
    opened_on: Mapped[dt.date] = mapped_column(Date)
    resolved_on: Mapped[dt.date | None] = mapped_column(Date)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    notified: Mapped[bool] = mapped_column(Boolean, default=False)


class Outbox(Base):
    """Mail waiting to go out; written in the same transaction as the alerts it carries."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    recipients: Mapped[list[Any]] = mapped_column(JSON)
    subject: Mapped[str] = mapped_column(String(500))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Run(Base):
    """The nightly cycle's log: what ran when, and how it ended."""

    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scheduled_for: Mapped[dt.datetime | None] = mapped_column(DateTime)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(20), default="running")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
