"""What a contact file yields, whatever its format: contacts, bad records, and the file's shape.

Readers (``contacts_csv``, ``contacts_vcard``) turn a file into a stream of
:class:`RawContact` and :class:`BadRecord`, each carrying where it came from ("line 12",
"card 3"), so the importer can report every record by position. ``detect_encoding`` is
shared: UTF-8 (with or without BOM) when the whole file is valid UTF-8, else Windows-1252,
else Latin-1 (which decodes any byte).
"""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass, field
from pathlib import Path

from dualrole.db import StorageError

BOMS = (codecs.BOM_UTF8,)
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
    """The file's size; a one-sentence :class:`StorageError` if it cannot be read."""
    path = Path(path)
    if not path.exists():
        raise StorageError(f"There is no file at {path}.")
    if path.is_dir():
        raise StorageError(f"{path} is a folder; give the contact file itself.")
    if not os.access(path, os.R_OK):
        raise StorageError(f"{path} cannot be read (permission denied).")
    return path.stat().st_size


def detect_encoding(path: Path) -> str:
    """``utf-8-sig``, ``utf-8``, ``cp1252`` or ``latin-1``, scanning the file in chunks."""
    with open(path, "rb") as handle:
        head = handle.read(len(codecs.BOM_UTF8))
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


def split_multi(value: str) -> list[str]:
    """Google's multi-values ("a@x ::: b@y") as a list of non-empty parts."""
    return [part.strip() for part in value.split(":::") if part.strip()]
