"""Mail fixtures: a workspace with two prospects, messages built as bytes, a Maildir writer,
and a real IMAP server (:mod:`tests.mail.imap_server`) on 127.0.0.1 on a free port."""

from __future__ import annotations

import shutil
import ssl
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def start_smtp(
    *,
    starttls: ssl.SSLContext | None = None,
    implicit: ssl.SSLContext | None = None,
    password: str | None = None,
) -> tuple[SmtpSink, Callable[[], None]]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 on a free port, keeping what it receives:
    plain, with STARTTLS (``starttls``), or TLS from the start (``implicit``); with a
    ``password`` it requires a login as ``owner``."""
    import asyncio
    import threading

    from aiosmtpd.smtp import SMTP

    received: list[bytes] = []

    class Keep:
        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            received.append(bytes(envelope.original_content))  # type: ignore[attr-defined]
            return "250 OK"

    def check(mechanism: str, login: bytes, secret: bytes) -> bool:
        return login == b"owner" and secret == (password or "").encode()

    def protocol() -> SMTP:
        if password is None:
            return SMTP(Keep(), tls_context=starttls)
        return SMTP(
            Keep(),
            tls_context=starttls,
            auth_callback=check,
            auth_required=True,
            auth_require_tls=starttls is not None,
        )

    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder: dict[str, int] = {}

    def run() -> None:
        asyncio.set_event_loop(loop)
        server = loop.run_until_complete(loop.create_server(protocol, "127.0.0.1", 0, ssl=implicit))
        holder["port"] = server.sockets[0].getsockname()[1]
        ready.set()
        loop.run_forever()
        server.close()
        loop.run_until_complete(server.wait_closed())

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(30)

    def stop() -> None:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)

    return SmtpSink(holder["port"], received), stop


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink, stop = start_smtp()
    yield sink
    stop()


@dataclass
class Certificate:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        return context


@pytest.fixture
def certificate(tmp_path: Path) -> Certificate:
    """A throw-away self-signed certificate for 127.0.0.1 (the openssl command line)."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return Certificate(cert, key)


def tls_front(backend_port: int, context: ssl.SSLContext) -> tuple[int, Callable[[], None]]:
    """TLS in front of a plain server (as stunnel does): for IMAP over TLS, port 993 style."""
    import select
    import socket
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    stopping = threading.Event()

    def pump(client: socket.socket) -> None:
        try:
            secure = context.wrap_socket(client, server_side=True)
        except (ssl.SSLError, OSError):
            client.close()
            return
        backend = socket.create_connection(("127.0.0.1", backend_port))
        with secure, backend:
            while not stopping.is_set():
                ready, _, _ = select.select([secure, backend], [], [], 0.2)
                for side in ready:
                    other = backend if side is secure else secure
                    try:
                        data = side.recv(65536)
                    except ssl.SSLWantReadError:
                        continue
                    except OSError:
                        return
                    if not data:
                        return
                    other.sendall(data)

    def accept() -> None:
        listener.settimeout(0.2)
        while not stopping.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=pump, args=(client,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()

    def stop() -> None:
        stopping.set()
        thread.join(30)
        listener.close()

    return listener.getsockname()[1], stop


def recording_toasts(app: Any) -> list[str]:
    """Every toast the app is asked to show, in order: kept here, since Textual drops a toast
    from ``app._notifications`` once it times out (a busy machine reaches that)."""
    told: list[str] = []
    notify = app.notify

    def keep(message: object, *args: Any, **kwargs: Any) -> Any:
        told.append(str(message))
        return notify(message, *args, **kwargs)

    app.notify = keep
    return told
