"""What a contact file yields, whatever its format: contacts, bad records, and the file's shape.

Readers (``contacts_csv``, ``contacts_vcard``) turn a file into a stream of
:class:`RawContact` and :class:`BadRecord`, each carrying where it came from ("line 12",
"card 3"), so the importer can report every record by position. ``detect_encoding`` is
shared: UTF-8 (with or without BOM) when the whole file is valid UTF-8, else Windows-1252,
else Latin-1 (which decodes any byte).
"""

from __future__ import annotations

import codecs
import contextlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from dualrole.storage.db import SQLITE_HEADER, StorageError, open_here
from dualrole.storage.schema import APPLICATION_ID

BOMS = (codecs.BOM_UTF8,)
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
SNIFF = 4096
TEXT_CONTROLS = frozenset(b"\t\n\r\f\v\x1a\x1b")
CHUNK = 1 << 16
# What the models strip (Unicode White_Space, as pydantic does) — str.strip() also drops \x1c-\x1f.
WHITE_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
WHITE_SPACE += "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"


@dataclass(slots=True)
class RawContact:
    """One contact as a file holds it, before validation. Empty strings mean "not given"."""

    position: str
    name: str = ""
    company: str = ""
    title: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    website: str = ""
    notes: str = ""
    tags: list[str] = field(default_factory=list)
    value: str = ""
    currency: str = ""
    source: str = ""
    stage: str = ""


@dataclass(slots=True, frozen=True)
class BadRecord:
    """A record that cannot be read at all (a broken card, an unterminated quote…)."""

    position: str
    reason: str


@dataclass
class FileShape:
    """What detection found: shown in the report and the app's preview."""

    format: str
    encoding: str = "utf-8"
    delimiter: str | None = None
    mapping: dict[str, list[str]] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)


def check_readable(path: Path) -> int:
    """The file's size; a one-sentence :class:`StorageError` unless it is a readable text file.

    Opened without blocking and checked with ``fstat`` before a byte is read, so a device
    (``/dev/zero``) or a FIFO is refused at once instead of hanging the import.
    """
    path = Path(path)
    if open_here(path):
        raise StorageError(
            f"{path} is the dualrole workspace open here, not a contacts file; "
            "export CSV or vCard from the program that holds the contacts."
        )
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError as exc:
        raise StorageError(f"There is no file at {path}.") from exc
    except PermissionError as exc:
        raise StorageError(f"{path} cannot be read (permission denied).") from exc
    except OSError as exc:  # a socket cannot be opened at all
        with contextlib.suppress(OSError):
            _refuse_special(path, os.stat(path))
        raise StorageError(f"{path} cannot be opened ({exc.strerror or exc}).") from exc
    try:
        info = os.fstat(fd)
        _refuse_special(path, info)
        try:
            head = os.read(fd, SNIFF)
        except OSError as exc:
            raise StorageError(f"{path} cannot be read ({exc.strerror or exc}).") from exc
    finally:
        os.close(fd)
    _refuse_non_text(path, head)
    return info.st_size


def _refuse_special(path: Path, info: os.stat_result) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise StorageError(f"{path} is a folder; give the contact file itself.")
    if not stat.S_ISREG(info.st_mode):
        raise StorageError(
            f"{path} is not a regular file (a device, a pipe or a socket); "
            "give a contacts file (CSV or vCard)."
        )


def _refuse_non_text(path: Path, head: bytes) -> None:
    if head.startswith(SQLITE_HEADER):
        if int.from_bytes(head[68:72], "big") == APPLICATION_ID:
            raise StorageError(
                f"{path} is a dualrole workspace (a SQLite database), not a contacts file; "
                f"to bring a backup back use `dualrole restore {path}`."
            )
        raise StorageError(
            f"{path} is a SQLite database, not a contacts file; export CSV or vCard from "
            "the program it belongs to."
        )
    if head.startswith(UTF16_BOMS):
        return
    controls = sum(1 for byte in head if byte < 32 and byte not in TEXT_CONTROLS)
    # Many control characters in valid UTF-8 are text someone typed (our own export of a
    # name full of them reads back); binary files hold NULs or bytes UTF-8 cannot be.
    if b"\x00" in head or (controls > len(head) // 10 and not _utf8(head)):
        raise StorageError(
            f"{path} is not a text contacts file (it looks binary); give a CSV or vCard file."
        )


def _utf8(head: bytes) -> bool:
    """Whether ``head`` is UTF-8 (its last character may be cut off by the read)."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3 and exc.reason == "unexpected end of data"
    return True


def detect_encoding(path: Path) -> str:
    """``utf-16``, ``utf-8-sig``, ``utf-8``, ``cp1252`` or ``latin-1``, scanning in chunks.

    UTF-16 is recognised by its byte order mark (Excel's "Unicode text" export).
    """
    with open(path, "rb") as handle:
        head = handle.read(len(codecs.BOM_UTF8))
        if head.startswith(UTF16_BOMS):
            handle.seek(0)
            decoder: codecs.IncrementalDecoder = codecs.getincrementaldecoder("utf-16")()
            try:
                while chunk := handle.read(CHUNK):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                raise ValueError(
                    f"{path.name} starts like UTF-16 text but is not valid UTF-16; "
                    "save it again as UTF-8 (or Unicode text)."
                ) from None
            return "utf-16"
        if head == codecs.BOM_UTF8:
            name = "utf-8-sig"
        else:
            name = "utf-8"
            handle.seek(0)
        for candidate in (name, "cp1252"):
            decoder = codecs.getincrementaldecoder(candidate)()
            try:
                while chunk := handle.read(CHUNK):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                handle.seek(0)
                continue
            return candidate
    return "latin-1"


def read_head(path: Path, size: int = 4096) -> str:
    """The start of a text file, decoded enough to recognise it (UTF-16 or an 8-bit text)."""
    with open(path, "rb") as handle:
        head = handle.read(size)
    if head.startswith(UTF16_BOMS):
        return head.decode("utf-16", errors="ignore")
    return head.decode("latin-1")


def split_multi(value: str) -> list[str]:
    """Google's multi-values ("a@x ::: b@y") as a list of non-empty parts."""
    return [part.strip() for part in value.split(":::") if part.strip()]
