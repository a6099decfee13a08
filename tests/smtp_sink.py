"""A real SMTP server for tests (aiosmtpd on loopback) that keeps what it receives.

``Sink`` holds the accepted messages; it can be stopped and started again on the same
port (the server "goes down"), and it can stall on the DATA of its n-th message so a test
can kill the sender in the middle of a transaction.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import ipaddress
import ssl
import threading
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from servers import free_port


class _Handler:
    def __init__(self, sink: Sink):
        self.sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        sink = self.sink
        with sink.lock:
            sink.data_count += 1
            n = sink.data_count
        if sink.stall_on is not None and n == sink.stall_on:
            sink.stalled.set()  # the message is in, the reply never comes
            while not sink.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 aborted"
        with sink.lock:
            sink.raw.append(bytes(envelope.content))
            sink.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 2.0.0 OK"


class Sink:
    def __init__(self, host: str = "127.0.0.1", port: int | None = None,
                 stall_on: int | None = None, tls: ssl.SSLContext | None = None,
                 login: tuple[str, str] | None = None):
        self.tls = tls  # STARTTLS offered and required
        self.login = login  # AUTH required (over TLS)
        self.logins: list[str] = []
        self.host = host
        self.port = port or free_port(host)
        self.stall_on = stall_on
        self.raw: list[bytes] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.data_count = 0
        self.lock = threading.Lock()
        self.stalled = threading.Event()
        self.release = threading.Event()
        self._controller: Controller | None = None

    def start(self, stall_on: int | None = None) -> Sink:
        self.stall_on = stall_on
        self.data_count = 0
        self.stalled.clear()
        self.release.clear()
        kw: dict[str, Any] = {}
        if self.tls is not None:
            kw.update(tls_context=self.tls, require_starttls=True)
        if self.login is not None:
            kw.update(authenticator=self._authenticate, auth_required=True,
                      auth_require_tls=self.tls is not None)
        self._controller = Controller(_Handler(self), hostname=self.host, port=self.port, **kw)
        self._controller.start()
        return self

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                      data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and self.login is not None and \
            (data.login.decode(), data.password.decode()) == self.login
        if ok:
            self.logins.append(data.login.decode())
        return AuthResult(success=ok, handled=False)

    def stop(self) -> None:
        self.release.set()
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        with self.lock:
            raw = list(self.raw)
        return [email.message_from_bytes(r, policy=email.policy.default)  # type: ignore[misc]
                for r in raw]

    def __enter__(self) -> Sink:
        return self.start(self.stall_on)

    def __exit__(self, *exc: object) -> None:
        self.stop()


def tls_pair(directory: Path, host: str = "127.0.0.1") -> tuple[ssl.SSLContext, Path]:
    """A self-signed certificate for ``host``: the server's context and the CA file."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "nianbao test mail")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    certfile, keyfile = directory / "cert.pem", directory / "key.pem"
    certfile.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(certfile, keyfile)
    return ctx, certfile
