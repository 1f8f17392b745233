"""Reading contact CSV files the way real tools write them, one row at a time.

The source is recognised by its header: dualrole's own export, Google Contacts (current
"First Name … E-mail 1 - Value" and legacy "Name, Given Name …"), LinkedIn Connections
(a "Notes:" preamble, columns in any order), Outlook (≈90 columns; its "Title" is Mr./Ms.,
its job title is "Job Title"), HubSpot, and any other CSV mapped by column name. A
``field=Column`` override wins over what detection chose. Encoding (UTF-8, UTF-8 with BOM,
Windows-1252, Latin-1) and delimiter (``,`` ``;`` tab) are detected; quoted newlines are kept;
Google's multi-values (``a ::: b``) are split; blank rows are skipped. Rows stream from the
file, so memory stays flat whatever its size.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from dualrole.interop.contact import (
    BadRecord,
    FileShape,
    RawContact,
    check_readable,
    detect_encoding,
    split_multi,
)
from dualrole.interop.csv_formats import PROFILES, detect_profile, resolve_mapping

DELIMITERS = (",", ";", "\t")
FIELD_LIMIT = 2_000_000
MULTI_FIELDS = frozenset({"email", "phone", "website", "tags"})
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def _count_outside_quotes(line: str, char: str) -> int:
    count, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == char and not quoted:
            count += 1
    return count


def _is_notes_preamble(line: str) -> bool:
    return line.strip().strip('"').rstrip(",;\t").strip().lower() == "notes:"


def sniff(sample: str) -> tuple[bool, str]:
    """Whether the text opens with LinkedIn's "Notes:" preamble, and the header's delimiter."""
    lines = sample.split("\n")
    index = 0
    preamble = bool(lines) and _is_notes_preamble(lines[0])
    if preamble:
        while index < len(lines) and lines[index].strip():
            index += 1
    while index < len(lines) - 1 and not lines[index].strip():
        index += 1
    header = lines[index] if index < len(lines) else ""
    counts = {d: _count_outside_quotes(header, d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return preamble, best if counts[best] else ","


class CsvContacts:
    """A CSV contact file: ``shape`` after opening, then iterate for contacts and bad rows."""

    def __init__(self, path: Path, overrides: dict[str, str] | None = None):
        self.path = Path(path)
        self.size = check_readable(self.path)
        self.encoding = detect_encoding(self.path)
        self.overrides = overrides
        self._file: TextIO = open(self.path, encoding=self.encoding, newline="")  # noqa: SIM115
        preamble, delimiter = sniff(self._file.read(1 << 16))
        self._file.seek(0)
        csv.field_size_limit(max(csv.field_size_limit(), FIELD_LIMIT))
        self._reader = csv.reader(self._file, delimiter=delimiter, strict=True)
        self.header = self._read_header(preamble)
        self.profile = PROFILES[detect_profile(self.header, preamble)]
        self.mapping = resolve_mapping(self.header, self.profile, overrides)
        used = {i for indices in self.mapping.values() for i in indices}
        self.shape = FileShape(
            format=self.profile.name,
            encoding=self.encoding,
            delimiter=delimiter,
            mapping={f: [self.header[i] for i in idx] for f, idx in self.mapping.items()},
            unmapped=[h for i, h in enumerate(self.header) if i not in used and h.strip()],
        )

    def _read_header(self, preamble: bool) -> list[str]:
        rows = self._rows_raw()
        if preamble:
            for row in rows:
                if not any(cell.strip() for cell in row):
                    break
        for row in rows:
            if any(cell.strip() for cell in row):
                return [cell.replace("\ufeff", "").strip() for cell in row]
        raise ValueError(f"{self.path.name} has no header row; is it empty?")

    def _rows_raw(self) -> Iterator[list[str]]:
        while True:
            try:
                yield next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ValueError(f"{self.path.name} line {self._reader.line_num}: {exc}") from exc

    def bytes_read(self) -> int:
        try:
            return self._file.buffer.tell()
        except (OSError, ValueError):
            return self.size

    def close(self) -> None:
        self._file.close()

    def __iter__(self) -> Iterator[RawContact | BadRecord]:
        reader, width = self._reader, len(self.header)
        try:
            while True:
                start = reader.line_num + 1
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    problem = _quote_problem(str(exc), start, reader.line_num)
                    yield BadRecord(f"line {start}", problem)
                    continue
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) > width and any(cell.strip() for cell in row[width:]):
                    yield BadRecord(
                        f"line {start}",
                        f"has {len(row)} values but the header has {width} columns "
                        "(a stray quote or delimiter?)",
                    )
                    continue
                yield self._contact(row, f"line {start}")
        finally:
            self.close()

    def _contact(self, row: list[str], position: str) -> RawContact:
        own, multi, n = self.profile.own, self.profile.multi, len(row)
        got: dict[str, list[str]] = {}
        for field, indices in self.mapping.items():
            values = []
            for i in indices:
                if i < n:
                    value = row[i]
                    if own:  # dualrole's own cells come back exactly as exported
                        if value := unescape_cell(value):
                            values.append(value)
                    elif value := value.strip():
                        values.append(value)
            if multi and values and field in MULTI_FIELDS:
                values = [part for v in values for part in split_multi(v)]
            got[field] = values

        def first(field: str) -> str:
            values = got.get(field)
            return values[0] if values else ""

        name = first("name") or " ".join(
            part for part in (first("first_name"), first("middle_name"), first("last_name")) if part
        )
        separator = self.profile.tag_separator
        tags = []
        if not multi:  # Google's labels are already split on " ::: "
            tags = [t.strip() for cell in got.get("tags", ()) for t in cell.split(separator)]
        else:
            tags = got.get("tags", [])
        return RawContact(
            position=position,
            name=name,
            company=first("company"),
            title=first("title"),
            emails=got.get("email", []),
            phones=got.get("phone", []),
            website=first("website"),
            notes=first("notes"),
            tags=[t for t in tags if t and not t.startswith("* ")],
            value=first("value"),
            currency=first("currency"),
            source=first("source"),
            stage=first("stage"),
        )


def _quote_problem(message: str, start: int, end: int) -> str:
    if "unexpected end of data" in message:
        return (
            f"a quoted value opened here is never closed (unterminated quote); lines {start}–"
            f"{end} were skipped"
        )
    return f"bad quoting ({message}); the row was skipped"


def escape_cell(text: str) -> str:
    """Formula-safe text for a spreadsheet: a leading ``= + - @`` tab/CR (or ``'``) gets ``'``."""
    return "'" + text if text.startswith(FORMULA_START) else text


def unescape_cell(text: str) -> str:
    """The inverse of :func:`escape_cell` (only for dualrole's own CSV)."""
    return text[1:] if text.startswith("'") else text
