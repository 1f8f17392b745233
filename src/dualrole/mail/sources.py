"""Where mail is read from: ``maildir:PATH``, ``mbox:PATH`` and ``imap://USER@HOST[:PORT]/FOLDER``.

Each reader streams one folder in batches, from the position the last fetch reached, and
hands each batch back with the position after it; the caller records both in one
transaction, so a fetch killed at any moment resumes after its last whole batch. Only the
first :data:`~dualrole.mail.parsing.MAX_BYTES` of a message are read (IMAP: the header and a
partial fetch of the text), so a huge attachment is never read, and a folder of 100,000
messages is never held in memory.

- Maildir: the folder's files that arrived (inode change time) since the newest one read
  before (``new/`` and ``cur/``).
- mbox: the bytes after the offset read before (an mbox only grows; a rewritten one — its
  first bytes changed, or shorter than the offset — is read again from the start).
- IMAP: UIDs above the last one read, while the folder's UIDVALIDITY stays the same.
  TLS by default (``imap://``, port 993), ``imap+starttls://`` (port 143), and
  ``imap+plain://`` only to 127.0.0.1. The password is never part of the URL.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import imaplib
import ipaddress
import os
import re
import socket
import ssl
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, unquote, urlsplit

from dualrole.mail.parsing import MAX_BYTES
from dualrole.services.mail import FolderState

BATCH = 200
IMAP_TEXT_BYTES = 64 * 1024
TIMEOUT = 30.0
Batch = tuple[list[bytes], FolderState]


class MailError(Exception):
    """One sentence for the person: what went wrong with a mail source, and what to do."""


@dataclass(frozen=True)
class SourceUrl:
    scheme: str  # maildir | mbox | imap | imap+starttls | imap+plain
    path: str = ""
    user: str = ""
    host: str = ""
    port: int = 0
    folder: str = ""

    @property
    def is_imap(self) -> bool:
        return self.scheme.startswith("imap")

    def text(self) -> str:
        """The URL as stored and shown (no password can be in it)."""
        if not self.is_imap:
            return f"{self.scheme}:{self.path}"
        port = f":{self.port}" if self.port else ""
        folder = f"/{self.folder}" if self.folder else ""
        return f"{self.scheme}://{quote(self.user, safe='')}@{self.host}{port}{folder}"


def parse_source(text: str) -> SourceUrl:
    """``maildir:PATH``, ``mbox:PATH`` or an IMAP URL; a clear sentence when it is neither."""
    scheme, sep, rest = text.strip().partition(":")
    scheme = scheme.lower()
    if sep and scheme in {"maildir", "mbox"}:
        if not rest:
            raise MailError(f"Give the path after {scheme}:, e.g. {scheme}:~/Mail/INBOX.")
        return SourceUrl(scheme, path=str(Path(rest).expanduser().resolve()))
    if scheme not in {"imap", "imap+starttls", "imap+plain"} or not rest.startswith("//"):
        raise MailError(
            f"{text!r} is not a mail source; use maildir:PATH, mbox:PATH or "
            "imap://USER@HOST[:PORT]/FOLDER."
        )
    parts = urlsplit(text.strip())
    if parts.password:
        raise MailError(
            "Leave the password out of the URL; dualrole reads it from "
            "DUALROLE_MAIL_PASSWORD, the keyring, or asks for it."
        )
    try:
        port = parts.port or 0
    except ValueError as exc:
        raise MailError(f"The port in {text!r} is not a number.") from exc
    if not parts.username or not parts.hostname:
        raise MailError("Write the IMAP source as imap://USER@HOST[:PORT]/FOLDER.")
    if scheme == "imap+plain" and not is_loopback(parts.hostname):
        raise MailError(
            "imap+plain:// sends the password unencrypted, so it is only for 127.0.0.1; "
            "use imap:// (TLS) or imap+starttls://."
        )
    return SourceUrl(
        scheme,
        user=unquote(parts.username),
        host=parts.hostname,
        port=port,
        folder=unquote(parts.path.lstrip("/")),
    )


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# --- Maildir ---------------------------------------------------------------------------


def maildir_folder(root: str, folder: str) -> Path:
    """The Maildir of ``folder`` under ``root`` (``root`` itself for ``""``; Maildir++ too)."""
    base = Path(root)
    if not folder:
        return base
    for candidate in (base / folder, base / f".{folder}"):
        if (candidate / "cur").is_dir() or (candidate / "new").is_dir():
            return candidate
    return base / folder


def read_maildir(root: str, folder: str, state: FolderState) -> Iterator[Batch]:
    path = maildir_folder(root, folder)
    if not (path / "cur").is_dir() and not (path / "new").is_dir():
        raise MailError(f"{path} is not a Maildir (it has no cur/ or new/ folder).")
    since = int(state.position or 0)
    # The folders' own times change whenever a file arrives, leaves or is renamed (a flag):
    # unchanged since the last fetch, there is nothing new and no file is looked at.
    folders = ":".join(str(_mtime(path / sub)) for sub in ("new", "cur"))
    if state.validity == folders and state.position is not None:
        return
    found: list[tuple[int, str]] = []
    for sub in ("new", "cur"):
        try:
            entries = os.scandir(path / sub)
        except OSError as exc:
            raise MailError(f"Cannot read {path / sub}: {exc.strerror}.") from exc
        with entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                try:
                    # ctime, not mtime: a syncing tool may set a file's mtime to the
                    # message's old date (offlineimap's utime_from_header), never its ctime.
                    stamp = entry.stat().st_ctime_ns
                except OSError:
                    continue  # moved away while listing (a flag change): read next time
                if stamp >= since:
                    found.append((stamp, entry.path))
    found.sort()
    for start in range(0, len(found), BATCH):
        chunk = found[start : start + BATCH]
        raws = []
        for _stamp, name in chunk:
            try:
                with open(name, "rb") as handle:
                    raws.append(handle.read(MAX_BYTES))
            except OSError:
                continue
        yield raws, FolderState(folders if start + BATCH >= len(found) else None,
                                str(chunk[-1][0]))  # fmt: skip
    if not found:
        yield [], FolderState(folders, state.position or "0")


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


# --- mbox ------------------------------------------------------------------------------


def read_mbox(path: str, state: FolderState) -> Iterator[Batch]:
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below, after streaming
    except OSError as exc:
        raise MailError(f"Cannot read {path}: {exc.strerror}.") from exc
    with handle:
        size = os.fstat(handle.fileno()).st_size
        offset = int(state.position or 0)
        known = int((state.validity or "0:").partition(":")[0] or 0)
        if offset > size or state.validity != _head(handle, known):
            offset = 0
        # The first bytes identify the file: a rewritten mbox is read again from the start.
        head = _head(handle, min(size, 1024))
        handle.seek(offset)
        raws: list[bytes] = []
        current: list[bytes] | None = None
        kept = 0
        previous_blank = True
        position = offset
        for line in handle:
            if line.startswith(b"From ") and previous_blank:
                if current is not None:
                    raws.append(b"".join(current))
                    if len(raws) >= BATCH:
                        yield raws, FolderState(head, str(position))
                        raws = []
                current, kept = [], 0
            elif current is not None and kept < MAX_BYTES:
                if line.startswith(b">From "):
                    line = line[1:]
                current.append(line)
                kept += len(line)
            previous_blank = line in (b"\n", b"\r\n")
            position += len(line)
        if current is not None:
            raws.append(b"".join(current))
        yield raws, FolderState(head, str(position))


def _head(handle: BinaryIO, length: int) -> str:
    handle.seek(0)
    return f"{length}:{hashlib.sha256(handle.read(length)).hexdigest()}"


# --- IMAP ------------------------------------------------------------------------------

_FETCH_START = re.compile(rb"^\d+ \(")
_SECTION = re.compile(rb"BODY\[(HEADER|TEXT)\](?:<\d+>)?\s*\{\d+\}\s*$")
_UID = re.compile(rb"UID (\d+)")


class ImapSession:
    """One logged-in IMAP connection; every failure becomes a :class:`MailError`."""

    def __init__(self, url: SourceUrl, password: str, *, cafile: str | None = None) -> None:
        self.url = url
        context = ssl.create_default_context(cafile=cafile)
        where = f"{url.host}:{url.port or (993 if url.scheme == 'imap' else 143)}"
        self.where = where
        try:
            if url.scheme == "imap":
                self.imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                    url.host, url.port or 993, ssl_context=context, timeout=TIMEOUT
                )
            else:
                self.imap = imaplib.IMAP4(url.host, url.port or 143, timeout=TIMEOUT)
                if url.scheme == "imap+starttls":
                    self.imap.starttls(ssl_context=context)
        except ssl.SSLCertVerificationError as exc:
            raise MailError(
                f"{where} showed a certificate that could not be verified "
                f"({exc.verify_message}); nothing was sent."
            ) from exc
        except (ssl.SSLError, ConnectionResetError) as exc:
            hint = (
                " If the server offers STARTTLS on port 143, use imap+starttls://."
                if url.scheme == "imap"
                else ""
            )
            raise MailError(f"{where} did not speak TLS; nothing was sent.{hint}") from exc
        except imaplib.IMAP4.error as exc:
            raise MailError(
                f"{where} does not offer STARTTLS, so the password was not sent; "
                "use imap:// (TLS) if it offers that."
            ) from exc
        except (OSError, EOFError) as exc:
            raise MailError(f"Cannot reach the mail server at {where}: {_reason(exc)}.") from exc
        try:
            self.imap.login(url.user, password)
        except imaplib.IMAP4.error as exc:
            self.close()
            raise MailError(
                f"{where} refused the user name or password for {url.user}; for Gmail, "
                "Fastmail or Outlook use an app password (see docs/mail.md)."
            ) from exc
        except (OSError, EOFError) as exc:
            raise MailError(f"The connection to {where} dropped while logging in.") from exc

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.imap.logout()

    def read_folder(self, folder: str, state: FolderState) -> Iterator[Batch]:
        try:
            yield from self._read(folder, state)
        except MailError:
            raise
        except (imaplib.IMAP4.abort, OSError, EOFError) as exc:
            raise MailError(
                f"The connection to {self.where} dropped while reading {folder}; what was "
                "read is kept, run `dualrole mail fetch` again to go on."
            ) from exc
        except imaplib.IMAP4.error as exc:
            raise MailError(f"{self.where} refused to read {folder}: {exc}.") from exc

    def _read(self, folder: str, state: FolderState) -> Iterator[Batch]:
        name = imap_utf7(folder)
        quoted = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
        kind, data = self.imap.select(quoted, readonly=True)
        if kind != "OK":
            raise MailError(f"{self.where} has no folder named {folder!r}.")
        validity_data = self.imap.response("UIDVALIDITY")[1]
        validity = validity_data[0].decode() if validity_data and validity_data[0] else None
        if validity is None:
            kind, data = self.imap.status(quoted, "(UIDVALIDITY)")
            found = re.search(rb"UIDVALIDITY (\d+)", data[0] or b"") if data else None
            validity = found.group(1).decode() if found else "0"
        last = int(state.position or 0) if state.validity == validity else 0
        kind, data = self.imap.uid("SEARCH", f"UID {last + 1}:*")
        uids = sorted(
            uid for uid in (int(x) for x in (data[0] or b"").split() if x.isdigit()) if uid > last
        )
        for start in range(0, len(uids), BATCH // 4):
            chunk = uids[start : start + BATCH // 4]
            kind, data = self.imap.uid(
                "FETCH",
                ",".join(str(uid) for uid in chunk),
                f"(UID BODY.PEEK[HEADER] BODY.PEEK[TEXT]<0.{IMAP_TEXT_BYTES}>)",
            )
            if kind != "OK":
                raise MailError(f"{self.where} refused to send the mail in {folder}.")
            yield _fetched(data), FolderState(validity, str(chunk[-1]))


def imap_utf7(name: str) -> str:
    """A folder name in IMAP's modified UTF-7 (RFC 3501 5.1.3): "Entwürfe" → "Entw&APw-rfe"."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            raw = "".join(pending).encode("utf-16-be")
            out.append("&" + base64.b64encode(raw).decode().rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return "".join(out)


def _fetched(data: Sequence[object]) -> list[bytes]:
    """The messages of a FETCH response (header + start of text), in the server's order."""
    messages: list[dict[str, bytes]] = []
    current: dict[str, bytes] | None = None
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            meta, literal = item
            if not isinstance(meta, bytes) or not isinstance(literal, bytes):
                continue
            if _FETCH_START.match(meta) or current is None:
                current = {"header": b"", "text": b""}
                messages.append(current)
            section = _SECTION.search(meta)
            if section:
                current[section.group(1).decode().lower()] = literal
    raws = []
    for message in messages:
        header = message["header"]
        if header and not header.endswith(b"\r\n\r\n") and not header.endswith(b"\n\n"):
            header += b"\r\n"
        raws.append(header + message["text"][:IMAP_TEXT_BYTES])
    return raws


def _reason(exc: BaseException) -> str:
    if isinstance(exc, socket.timeout | TimeoutError):
        return "no answer in time"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.gaierror):
        return "unknown host"
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return str(text).rstrip(".")
