"""A real SMTP server on 127.0.0.1 (aiosmtpd) that records what it accepts, for tests and ``bench.email``.

It can refuse an address for good (550), put one off a few times (451), or hold a message unanswered
so that a test can kill the sender mid-conversation: a held message is never counted as accepted.
"""

import asyncio
import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

# aiosmtpd logs every SMTP command at INFO.
logging.getLogger("mail.log").setLevel(logging.WARNING)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Accepted:
    recipients: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.raw, policy=policy.default)


@dataclass
class RecordingHandler:
    accepted: list[Accepted] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)
    put_off: dict[str, int] = field(default_factory=dict)
    # Hold (never answer) the message arriving after this many were accepted, until ``release`` is set.
    hold_after: int | None = None
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    keep_bodies: bool = True
    last_accepted_at: float = 0.0
    # Seconds each answer to RCPT and DATA waits, as a server some way off would (bench.email).
    delay: float = 0.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.delay:
            await asyncio.sleep(self.delay)
        address = address.lower()
        if address in self.refuse:
            return self.refuse[address]
        if self.put_off.get(address, 0) > 0:
            self.put_off[address] -= 1
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.hold_after is not None and len(self.accepted) >= self.hold_after and not self.release.is_set():
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.01)
            return "451 4.3.0 Not accepted"
        self.last_accepted_at = time.monotonic()
        self.accepted.append(Accepted(list(envelope.rcpt_tos), envelope.content if self.keep_bodies else b""))
        return "250 OK"

    def by_recipient(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in self.accepted:
            for address in item.recipients:
                counts[address] = counts.get(address, 0) + 1
        return counts


class SMTPServer:
    """Start with ``with SMTPServer() as server:``; ``server.url`` is its ``EMAIL_URL``."""

    def __init__(self, handler: RecordingHandler | None = None):
        self.handler = handler or RecordingHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def mailer(self) -> dict:
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 10},
        }

    def __enter__(self) -> "SMTPServer":
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.handler.release.set()
        self.controller.stop()
