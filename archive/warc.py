"""The crawler's WARC log: every HTTP exchange as a request and a response record.

Each crawl process appends to one gzipped WARC file per night,
``data_dir/warc/YYYY-MM-DD-<run>.warc.gz`` (the date in the deployment's time zone; a
crawl running past midnight continues in the next night's file). Each record is its own
gzip member, so a record can be cut out of the file by offset and length and copied into
another WARC unchanged (an evidence bundle, ``archive/evidence.py``). A ``Fetch`` row
names its file and the offset of its request record (``warc_file``, ``warc_offset``);
the response record follows it.

The records hold what went over the wire: the request's method, target and headers (the
cookies, validators and Referer included), the response's status line, headers and the
bytes served (still compressed when the server compressed them; a 304 has none). The
HTTP client has already undone a chunked transfer, so ``Transfer-Encoding`` is kept as
``X-Archive-Orig-Transfer-Encoding`` (the convention of web archives) and the body is
stored whole.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

WARC_DIR = "warc"
#: headers the client consumed: kept under another name so a reader does not re-apply them
RENAMED = {"transfer-encoding"}


def software() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"nianbao/{version('nianbao')}"
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "nianbao"


def warc_date(when: dt.datetime | None = None) -> str:
    """WARC-Date: UTC, to the microsecond (WARC 1.1)."""
    t = (when or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _headers(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    out = []
    for k, v in pairs:
        if k.lower() in RENAMED:
            k = "X-Archive-Orig-" + k
        out.append((k, v))
    return out


def target(url: str) -> str:
    u = urlsplit(url)
    return (u.path or "/") + (f"?{u.query}" if u.query else "")


@dataclass
class Exchange:
    """One HTTP request and what came back."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    status: int
    response_headers: list[tuple[str, str]]
    body: bytes
    protocol: str = "HTTP/1.1"
    reason: str | None = None
    ip: str | None = None


class WarcLog:
    """Appends exchanges to the night's WARC file of this crawl run."""

    def __init__(self, data_dir: Path, run: str | None = None, timezone: str = "Asia/Shanghai",
                 info: dict[str, str] | None = None):
        self.dir = Path(data_dir) / WARC_DIR
        self.run = run or f"{dt.datetime.now():%H%M%S}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.tz = ZoneInfo(timezone)
        self.info = info or {}
        self.name: str | None = None
        self.fh: BinaryIO | None = None
        self.writer: WARCWriter | None = None

    def _open(self, now: dt.datetime) -> tuple[str, BinaryIO, WARCWriter]:
        name = f"{now.astimezone(self.tz):%Y-%m-%d}-{self.run}.warc.gz"
        if name != self.name or self.fh is None or self.writer is None:
            self.close()
            self.dir.mkdir(parents=True, exist_ok=True)
            self.fh = open(self.dir / name, "ab")  # noqa: SIM115 - kept open for the run
            self.writer = WARCWriter(self.fh, gzip=True, warc_version="WARC/1.1")
            self.name = name
            if self.fh.tell() == 0:
                fields = {"software": software(), "format": "WARC File Format 1.1",
                          "description": "nianbao crawl: every request and response",
                          **self.info}
                self.writer.write_record(self.writer.create_warcinfo_record(name, fields))
        return self.name, self.fh, self.writer

    def write(self, ex: Exchange, when: dt.datetime | None = None) -> tuple[str, int]:
        """Write the request and response records; returns (file name, request offset)."""
        now = when or dt.datetime.now(dt.UTC)
        name, fh, writer = self._open(now)
        date = warc_date(now)
        reason = ex.reason or _reason(ex.status)
        resp_headers = StatusAndHeaders(f"{ex.status} {reason}".strip(),
                                        _headers(ex.response_headers),
                                        protocol=ex.protocol or "HTTP/1.1")
        extra = {"WARC-Date": date}
        if ex.ip:
            extra["WARC-IP-Address"] = ex.ip
        response = writer.create_warc_record(
            ex.url, "response", payload=BytesIO(ex.body), length=len(ex.body),
            http_headers=resp_headers, warc_headers_dict=extra)
        req_headers = list(ex.request_headers)
        if not any(k.lower() == "host" for k, _ in req_headers):
            req_headers.insert(0, ("Host", urlsplit(ex.url).netloc))
        request = writer.create_warc_record(
            ex.url, "request", payload=BytesIO(ex.request_body), length=len(ex.request_body),
            http_headers=StatusAndHeaders(f"{ex.method} {target(ex.url)} HTTP/1.1",
                                          _headers(req_headers), is_http_request=True),
            warc_headers_dict={"WARC-Date": date,
                               "WARC-Concurrent-To": response.rec_headers.get_header(
                                   "WARC-Record-ID")})
        offset = fh.tell()
        writer.write_record(request)
        writer.write_record(response)
        fh.flush()
        return name, offset

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()
        self.fh = self.writer = None
        self.name = None


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


# ---------------------------------------------------------------- reading


@dataclass
class Member:
    """One record as stored: its raw gzip member and what it says."""

    raw: bytes
    type: str
    uri: str | None
    date: str | None
    record_id: str | None
    status: int | None
    headers: dict[str, str]
    payload: bytes


def read_records(path: Path, offset: int, count: int = 2) -> list[Member]:
    """``count`` records from ``offset`` of a WARC file (a fetch's request + response),
    each with its raw bytes, to be copied verbatim."""
    out: list[Member] = []
    with open(path, "rb") as fh:
        fh.seek(offset)
        it = ArchiveIterator(fh)
        for rec in it:
            payload = rec.content_stream().read() if rec.rec_type == "response" else \
                rec.raw_stream.read()
            it.read_to_end(rec)
            off, length = it.get_record_offset(), it.get_record_length()
            headers: dict[str, str] = {}
            status = None
            if rec.http_headers is not None:
                headers = {k: v for k, v in rec.http_headers.headers}
                if rec.rec_type == "response":
                    try:
                        status = int(rec.http_headers.get_statuscode())
                    except (TypeError, ValueError):
                        status = None
            rh = rec.rec_headers
            out.append(Member(b"", rec.rec_type, rh.get_header("WARC-Target-URI"),
                              rh.get_header("WARC-Date"), rh.get_header("WARC-Record-ID"),
                              status, headers, payload))
            out[-1].raw = _slice(path, off, length)
            if len(out) == count:
                break
    return out


def _slice(path: Path, offset: int, length: int) -> bytes:
    with open(path, "rb") as fh:
        fh.seek(offset)
        return fh.read(length)


def resource_record(url: str, data: bytes, when: dt.datetime | None, content_type: str | None,
                    note: str) -> bytes:
    """A ``resource`` record of bytes kept without their HTTP exchange (archived before
    WARC was written): the body only, said so in ``WARC-Description``-like metadata."""
    buf = BytesIO()
    w = WARCWriter(buf, gzip=True, warc_version="WARC/1.1")
    rec = w.create_warc_record(
        url, "resource", payload=BytesIO(data), length=len(data),
        warc_content_type=content_type or "application/octet-stream",
        warc_headers_dict={"WARC-Date": warc_date(_utc(when)),
                           "WARC-Block-Description": note})
    w.write_record(rec)
    return buf.getvalue()


def warcinfo_record(name: str, fields: dict[str, str]) -> bytes:
    buf = BytesIO()
    w = WARCWriter(buf, gzip=True, warc_version="WARC/1.1")
    w.write_record(w.create_warcinfo_record(name, fields))
    return buf.getvalue()


def _utc(when: dt.datetime | None) -> dt.datetime | None:
    """The database keeps naive UTC."""
    if when is None:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def iter_records(path: Path) -> Iterator[Any]:
    with open(path, "rb") as fh:
        yield from ArchiveIterator(fh)
