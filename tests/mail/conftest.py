"""Mail fixtures: a workspace with two prospects, messages built as bytes, a Maildir writer,
and a real IMAP server (:mod:`tests.mail.imap_server`) on 127.0.0.1 on a free port."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from dualrole.core.models import ProspectIn
from dualrole.services.sales import create_prospect
from dualrole.storage.db import Store

ME = "owner@mybiz.example"
ANA = "ana@acme.example"
BEN = "ben@globex.example"
SERVER = Path(__file__).with_name("imap_server.py")


def message(
    sender: str = ANA,
    to: str = ME,
    subject: str = "Pricing question",
    body: str = "Could you send a quote?",
    message_id: str | None = "<m1@acme.example>",
    date: str = "Tue, 17 Nov 2026 09:30:00 +0100",
    extra: str = "",
) -> bytes:
    lines = [f"From: {sender}", f"To: {to}", f"Subject: {subject}", f"Date: {date}"]
    if message_id:
        lines.append(f"Message-ID: {message_id}")
    head = "\r\n".join(lines) + ("\r\n" + extra.strip("\r\n") if extra else "")
    return (head + "\r\n\r\n" + body + "\r\n").encode()


def put_maildir(folder: Path, name: str, raw: bytes) -> Path:
    for sub in ("cur", "new", "tmp"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    path = folder / "cur" / f"{name}:2,S"
    path.write_bytes(raw)
    return path


@pytest.fixture
def people(file_store: Store) -> Store:
    """The workspace with Ana (ana@acme.example) and Ben (ben@globex.example)."""
    create_prospect(file_store, ProspectIn(name="Ana Alves", company="Acme", email=ANA))
    create_prospect(file_store, ProspectIn(name="Ben Berg", company="Globex", email=BEN))
    return file_store


@dataclass
class Imap:
    root: Path
    port: int
    process: subprocess.Popen[str]
    log: Path

    def put(self, folder: str, uid: int, raw: bytes) -> Path:
        (self.root / folder).mkdir(parents=True, exist_ok=True)
        path = self.root / folder / f"{uid}.eml"
        path.write_bytes(raw)
        return path

    def url(self, folder: str = "INBOX") -> str:
        return f"imap+plain://owner@127.0.0.1:{self.port}/{folder}"


def start_imap(tmp_path: Path, *extra: str) -> Imap:
    root = tmp_path / "imap"
    (root / "INBOX").mkdir(parents=True, exist_ok=True)
    log = tmp_path / f"imap-{len(list(tmp_path.glob('imap-*.log')))}.log"
    process = subprocess.Popen(
        [sys.executable, str(SERVER), str(root), "owner", "s3cret", "--log", str(log), *extra],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    port = int(process.stdout.readline().strip())  # printed once it listens
    return Imap(root, port, process, log)


@pytest.fixture
def imap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Imap]:
    monkeypatch.setenv("DUALROLE_MAIL_PASSWORD", "s3cret")
    server = start_imap(tmp_path)
    yield server
    server.process.kill()
    server.process.wait()


@dataclass
class SmtpSink:
    port: int
    received: list[bytes]


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 on a free port, keeping what it receives."""
    import asyncio
    import threading

    from aiosmtpd.smtp import SMTP

    received: list[bytes] = []

    class Keep:
        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            received.append(bytes(envelope.original_content))  # type: ignore[attr-defined]
            return "250 OK"

    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder: dict[str, object] = {}

    def run() -> None:
        asyncio.set_event_loop(loop)
        server = loop.run_until_complete(loop.create_server(lambda: SMTP(Keep()), "127.0.0.1", 0))
        holder["server"] = server
        holder["port"] = server.sockets[0].getsockname()[1]
        ready.set()
        loop.run_forever()
        server.close()
        loop.run_until_complete(server.wait_closed())

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(30)
    yield SmtpSink(int(holder["port"]), received)  # type: ignore[call-overload]
    loop.call_soon_threadsafe(loop.stop)
    thread.join(30)
