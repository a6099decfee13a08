"""One simulated government portal: a real HTTP server on its own loopback address.

A :class:`Portal` owns its reports and answers requests through :meth:`Portal.route`,
which profiles (``profiles/``) override to build their pages the way TRS WCM, Hanweb
jcms and friends do. The base class handles what every profile shares: robots.txt,
ETag/Last-Modified with 304, the request log, runtime mutation (modify, delete, take
down) and injected transient failures (500, connection reset, hang).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import socket
import ssl
import struct
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from .content import report_file, report_title

if TYPE_CHECKING:
    from .farm import Farm


@dataclass
class SimReport:
    """One published report: where it lives on the portal and how it is published."""

    agency_id: str
    agency: str
    year: int
    fmt: str  # html | pdf | docx | doc | both (html page + pdf) | huge
    doc_id: int
    posted: dt.date
    seed: int
    detail: str = ""  # path of the detail page
    attachment: str | None = None  # path (or URL) the page links for the file
    file_path: str | None = None  # where the file is actually served (after redirects)
    revision: int = 0
    deleted: bool = False
    expected: bool = True  # a correct crawler archives it
    _cache: dict[tuple[str, int], bytes] = field(default_factory=dict, repr=False)

    @property
    def title(self) -> str:
        return report_title(self.agency, self.year)

    def file_bytes(self, fmt: str | None = None) -> bytes:
        fmt = fmt or ("pdf" if self.fmt == "both" else self.fmt)
        key = (fmt, self.revision)
        if key not in self._cache:
            self._cache[key] = report_file(self.agency, self.year, fmt, self.seed, self.revision)
        return self._cache[key]

    def keep(self, fmt: str, data: bytes) -> None:
        """Hold ``data`` as this revision's file of ``fmt``, rendered elsewhere in a batch."""
        self._cache[(fmt, self.revision)] = data

    @property
    def has_file(self) -> bool:
        return self.fmt in ("pdf", "docx", "doc", "both", "huge")


@dataclass
class Request:
    method: str
    path: str  # without query
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    cookies: dict[str, str]
    scheme: str = "http"  # "https" when it came in over the portal's TLS server


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    ctype: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    static: bool = True  # ETag/Last-Modified/304 apply
    stream_size: int = 0  # huge body generated lazily
    delay: float = 0.0


class PortUnavailable(OSError):
    """A portal that must listen on a fixed port (80/443) could not bind it: not root, or
    another process holds it. Tests needing such a portal skip on this."""


def not_found() -> Response:
    return Response(404, "<html><body><h1>404 页面不存在</h1></body></html>".encode(),
                    static=False)


class Portal:
    """A portal profile's common machinery; subclasses implement :meth:`route`."""

    profile = "base"
    robots = "User-agent: *\nDisallow: /search/\n"
    http_port = 0  # 0: any free port; 80 puts the portal on the default port (URLs omit it)
    tls_port: int | None = None  # also served over TLS on this port (443 for the default)

    def __init__(self, farm: Farm, index: int, ip: str, agencies: list[tuple[str, str]],
                 rng: random.Random, formats: tuple[str, ...] | None = None):
        if formats:
            self.formats = formats
        self.farm = farm
        self.index = index
        self.ip = ip
        self.port = self.http_port
        self.agencies = agencies
        self.rng = rng
        self.reports: list[SimReport] = []
        self.noise: list[tuple[str, str, dt.date]] = []  # (title, path, date) non-reports
        self.requests = 0
        self.served_bytes = 0
        self.lock = threading.Lock()
        self.modified = formatdate(time.time() - 86400 * 30, usegmt=True)
        self._fail_streak: dict[str, int] = {}
        self._validators: dict[str, tuple[str, str]] = {}
        self._server: ThreadingHTTPServer | None = None
        self._tls_server: ThreadingHTTPServer | None = None
        self.build()

    # ---------------------------------------------------------------- content

    def build(self) -> None:
        """Create this portal's reports (subclasses place them)."""

    def live(self) -> list[SimReport]:
        return sorted((r for r in self.reports if not r.deleted),
                      key=lambda r: (r.posted, r.doc_id), reverse=True)

    @property
    def root(self) -> str:
        return self.url("/")

    def url(self, path: str) -> str:
        port = "" if self.port == 80 else f":{self.port}"
        return f"http://{self.ip}{port}{path}"

    def tls_url(self, path: str) -> str:
        """The same page over the portal's TLS server."""
        port = "" if self.tls_port == 443 else f":{self.tls_port}"
        return f"https://{self.ip}{port}{path}"

    @property
    def host(self) -> str:
        """How the farm's log names this portal's plain HTTP server."""
        return f"{self.ip}:{self.port}"

    @property
    def tls_host(self) -> str | None:
        return f"{self.ip}:{self.tls_port}" if self.tls_port else None

    @property
    def hosts(self) -> set[str]:
        """Every host:port this portal answers on (plain and TLS)."""
        return {self.host} | ({self.tls_host} if self.tls_host else set())

    def tls_context(self) -> ssl.SSLContext:
        """Server-side TLS context; profiles serving TLS override it."""
        raise NotImplementedError

    def report_by_path(self, path: str) -> SimReport | None:
        for r in self.reports:
            if r.detail == path and not r.deleted:
                return r
        return None

    def file_by_path(self, path: str) -> SimReport | None:
        for r in self.reports:
            if r.file_path == path and not r.deleted:
                return r
        return None

    # ---------------------------------------------------------------- mutation

    def modify(self, report: SimReport) -> None:
        with self.lock:
            report.revision += 1

    def delete(self, report: SimReport) -> None:
        with self.lock:
            report.deleted = True

    def route(self, req: Request) -> Response:
        return not_found()

    def last_modified(self, path: str, etag: str) -> str:
        """Last-Modified that moves when a page's content does (for If-Modified-Since)."""
        with self.lock:
            seen = self._validators.get(path)
            if seen is None or seen[0] != etag:
                lm = self.modified if seen is None else formatdate(time.time(), usegmt=True)
                seen = self._validators[path] = (etag, lm)
            return seen[1]

    # ---------------------------------------------------------------- serving

    def start(self) -> None:
        handler = type("Handler", (_Handler,), {"portal": self})
        self._server = self._bind(self.port, handler)
        self.port = self._server.server_address[1]
        if self.tls_port is not None:
            try:
                tls = self._bind(self.tls_port, type("TlsHandler", (_Handler,),
                                                     {"portal": self, "tls": True}),
                                 self.tls_context())
            except BaseException:
                self.stop()
                raise
            self.tls_port = tls.server_address[1]
            self._tls_server = tls

    def _bind(self, port: int, handler: type[_Handler],
              tls: ssl.SSLContext | None = None) -> _Server:
        try:
            server = _Server((self.ip, port), handler)
        except OSError as e:
            if not port:
                raise
            raise PortUnavailable(e.errno, f"simulated portal {self.profile} needs "
                                           f"{self.ip}:{port} and cannot bind it: {e}") from e
        if tls is not None:  # the handshake happens on first read, in the request's thread
            server.socket = tls.wrap_socket(server.socket, server_side=True,
                                            do_handshake_on_connect=False)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                         daemon=True).start()
        return server

    def stop(self) -> None:
        for attr in ("_server", "_tls_server"):
            server = getattr(self, attr)
            if server is not None:
                server.shutdown()
                server.server_close()
                setattr(self, attr, None)

    @property
    def up(self) -> bool:
        return self._server is not None

    def dispatch(self, req: Request) -> Response | str:
        """The response, or "reset"/"hang" for an injected network failure."""
        with self.lock:
            self.requests += 1
        if req.path == "/robots.txt":
            return Response(body=self.robots.encode(), ctype="text/plain")
        rate = self.farm.fail_rate
        if rate:
            key = req.method + req.path + repr(sorted(req.query.items()))
            with self.lock:
                streak = self._fail_streak.get(key, 0)
                fail = streak < 2 and self.farm.fail_rng.random() < rate
                self._fail_streak[key] = streak + 1 if fail else 0
            if fail:
                return self.farm.fail_rng.choice(["500", "reset", "hang"])
        with self.lock:
            return self.route(req)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hanging up mid-response (size caps, timeouts) are expected here


class _Handler(BaseHTTPRequestHandler):
    portal: Portal
    tls = False  # this handler serves the portal's TLS server
    protocol_version = "HTTP/1.0"
    server_version = "nginx"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet server
        pass

    def do_GET(self) -> None:  # noqa: N802
        self._serve("GET")

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve("HEAD")

    def do_POST(self) -> None:  # noqa: N802
        self._serve("POST")

    @property
    def log_host(self) -> str:
        return (self.portal.tls_host or "") if self.tls else self.portal.host

    def _serve(self, method: str) -> None:
        farm = self.portal.farm
        farm.enter(self.portal.ip)  # politeness is per host (machine), whatever the port
        try:
            if farm.latency:
                time.sleep(farm.latency)
            self._answer(method)
        finally:
            farm.leave(self.portal.ip)

    def _answer(self, method: str) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        cookies = {}
        for c in (self.headers.get("Cookie") or "").split(";"):
            if "=" in c:
                k, v = c.strip().split("=", 1)
                cookies[k] = v
        req = Request(method, parts.path, query, {k.lower(): v for k, v in self.headers.items()},
                      body, cookies, "https" if self.tls else "http")
        try:
            resp = self.portal.dispatch(req)
        except Exception as e:  # noqa: BLE001 - a simulator bug must show as a 500
            resp = Response(500, f"simulator error: {e!r}".encode(), ctype="text/plain",
                            static=False)
        if isinstance(resp, str):
            self.portal.farm.record(self.log_host, method, req.path, resp)
        if resp == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        if resp == "hang":
            time.sleep(self.portal.farm.hang_seconds)
            self.close_connection = True
            return
        if resp == "500":
            resp = Response(500, b"<html><body>500 Internal Server Error</body></html>",
                            static=False)
        assert isinstance(resp, Response)
        if resp.delay:
            time.sleep(resp.delay)
        self._send(req, resp, method)

    def _send(self, req: Request, resp: Response, method: str) -> None:
        headers = dict(resp.headers)
        status = resp.status
        body = resp.body
        if resp.static and status == 200 and not resp.stream_size:
            etag = '"' + hashlib.md5(body).hexdigest()[:16] + '"'
            lm = self.portal.last_modified(req.path, etag)
            headers["ETag"] = etag
            headers["Last-Modified"] = lm
            inm, ims = req.headers.get("if-none-match"), req.headers.get("if-modified-since")
            if inm is not None:
                fresh = inm == etag
            else:
                since = parsedate_to_datetime(ims) if ims else None
                fresh = since is not None and since >= parsedate_to_datetime(lm)
            if fresh:
                status, body = 304, b""
        self.portal.farm.record(self.log_host, method, req.path, status)
        try:
            self.send_response(status)
            if status != 304:
                self.send_header("Content-Type", resp.ctype)
            self.send_header("Content-Length",
                             str(resp.stream_size or len(body)) if status != 304 else "0")
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            if method == "HEAD":
                return
            if resp.stream_size:
                chunk = b"\0" * 65536
                for _ in range(resp.stream_size // len(chunk)):
                    self.wfile.write(chunk)
            else:
                self.wfile.write(body)
            with self.portal.lock:
                self.portal.served_bytes += len(body)
        except (BrokenPipeError, ConnectionResetError):
            pass
