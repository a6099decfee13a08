"""A real SMTP server for tests (aiosmtpd on loopback) that keeps what it receives.

``Sink`` holds the accepted messages; it can be stopped and started again on the same
port (the server "goes down"), and it can stall on the DATA of its n-th message so a test
can kill the sender in the middle of a transaction.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


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
                 stall_on: int | None = None):
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
        self._controller = Controller(_Handler(self), hostname=self.host, port=self.port)
        self._controller.start()
        return self

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
