"""Everything the owner has, in open formats: JSON (all tables), prospects as CSV and vCard.

JSON schema (``format_version`` 1)::

    {
      "format": "dualrole-export",
      "format_version": 1,
      "schema_version": <the database's schema version, PRAGMA user_version>,
      "exported_at": "2026-11-20T09:00:00Z",
      "tables": {
        "<table>": [{"<column>": value, ...}, ...],   # every table, rows in key order
        ...
      }
    }

Columns are the SQLite columns (see ``migrations.py``): times are UTC text, days local ISO
dates, money integer minor units in ``*_minor``. Full-text indexes are derived data and left
out. Rows are streamed, so memory stays flat.

CSV: one row per live prospect with the columns of ``csv_formats.OWN_HEADER``. Text cells that
a spreadsheet would run as a formula (starting ``= + - @``, tab or CR) — and cells starting
with ``'`` — get a leading ``'``; dualrole recognises its own header and removes exactly that
one apostrophe on import, so exporting and re-importing never accumulates escapes.

vCard 3.0: one card per live prospect (FN, N, ORG, TITLE, EMAIL, TEL, URL, NOTE, CATEGORIES,
UID), readable by dualrole and Google Contacts, lines folded at 75 octets. vCard has no way
to carry a carriage return, so line breaks are written as ``\\n``; a field that holds one is
also written exactly (base64 JSON) in ``X-DUALROLE-EXACT``, which dualrole's import prefers,
so a round trip keeps every character.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

import vobject

from dualrole.core.dates import clock
from dualrole.core.money import format_money_input
from dualrole.interop.contacts_csv import escape_cell
from dualrole.interop.contacts_vcard import EXACT_FIELDS, EXACT_PROPERTY, encode_exact, escape_url
from dualrole.interop.csv_formats import OWN_HEADER
from dualrole.storage.db import Store

FORMAT_VERSION = 1
BATCH = 500
UNFOLDED = 1 << 30  # vobject folds by characters; dualrole folds by octets (fold_lines)

_PROSPECTS = (
    "SELECT p.id, p.name, p.company, p.title, p.email, p.phone, p.website, p.stage, "
    "p.value_minor, p.currency, p.source, p.notes, "
    "(SELECT json_group_array(name) FROM (SELECT t.name FROM tags t "
    " JOIN prospect_tags pt ON pt.tag_id = t.id WHERE pt.prospect_id = p.id ORDER BY t.name)) "
    "AS tags FROM prospects p WHERE p.deleted_at IS NULL ORDER BY p.name COLLATE NOCASE, p.id"
)


def data_tables(store: Store) -> list[str]:
    """Every table holding the owner's data (not SQLite's, not full-text indexes, not the
    ``_litestream_seq``/``_litestream_lock`` bookkeeping Litestream adds to a replicated file)."""
    rows = store.query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE '%!_fts%' ESCAPE '!' AND name NOT LIKE '%!_grams%' ESCAPE '!' "
        "AND name NOT LIKE '!_litestream!_%' ESCAPE '!' ORDER BY name"
    )
    return [row[0] for row in rows]


def _rows(store: Store, table: str) -> Iterator[dict[str, Any]]:
    info = store.query(f'PRAGMA table_info("{table}")')
    keys = [row["name"] for row in sorted(info, key=lambda r: r["pk"]) if row["pk"]]
    order = ", ".join(f'"{k}"' for k in keys) or "rowid"
    cursor = store.conn.execute(f'SELECT * FROM "{table}" ORDER BY {order}')
    names = [d[0] for d in cursor.description]
    while batch := cursor.fetchmany(BATCH):
        for row in batch:
            yield dict(zip(names, row, strict=True))


def write_json(store: Store, out: BinaryIO) -> None:
    """All tables as one JSON document (schema in the module docstring), streamed."""
    head = {
        "format": "dualrole-export",
        "format_version": FORMAT_VERSION,
        "schema_version": store.scalar("PRAGMA user_version"),
        "exported_at": clock.to_db(clock.now()),
    }
    out.write(json.dumps(head, ensure_ascii=False, indent=2)[:-2].encode())
    out.write(b',\n  "tables": {')
    for t_index, table in enumerate(data_tables(store)):
        comma = "," if t_index else ""
        out.write(f"{comma}\n    {json.dumps(table)}: [".encode())
        for r_index, row in enumerate(_rows(store, table)):
            line = json.dumps(row, ensure_ascii=False)
            out.write((("," if r_index else "") + "\n      " + line).encode())
        out.write(b"\n    ]")
    out.write(b"\n  }\n}\n")


def prospect_rows(store: Store) -> Iterator[dict[str, Any]]:
    cursor = store.conn.execute(_PROSPECTS)
    names = [d[0] for d in cursor.description]
    while batch := cursor.fetchmany(BATCH):
        for row in batch:
            prospect = dict(zip(names, row, strict=True))
            prospect["tags"] = json.loads(prospect["tags"] or "[]")
            yield prospect


def write_csv(store: Store, out: BinaryIO) -> None:
    """Prospects as UTF-8 CSV that dualrole (and any spreadsheet) reads back safely."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(OWN_HEADER)
    for p in prospect_rows(store):
        cells = [p[k] or "" for k in ("name", "company", "title", "email", "phone", "website")]
        writer.writerow(
            [
                *(escape_cell(c) for c in cells),
                p["stage"],
                format_money_input(p["value_minor"]),
                p["currency"],
                p["source"],
                escape_cell(", ".join(p["tags"])),
                escape_cell(p["notes"] or ""),
            ]
        )
    text.flush()
    text.detach()


def _vcard_text(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n")


def prospect_vcard(p: dict[str, Any]) -> str:
    card = vobject.vCard()
    name = _vcard_text(p["name"])
    card.add("fn").value = name
    given, _, family = name.rpartition(" ")
    card.add("n").value = vobject.vcard.Name(family=family, given=given)
    if p["company"]:
        card.add("org").value = [_vcard_text(p["company"])]
    if p["title"]:
        card.add("title").value = _vcard_text(p["title"])
    if p["email"]:
        email = card.add("email")
        email.value = p["email"]
        email.type_param = "INTERNET"
    if p["phone"]:
        card.add("tel").value = _vcard_text(p["phone"])
    if p["website"]:
        card.add("url").value = escape_url(_vcard_text(p["website"]))
    if p["notes"]:
        card.add("note").value = _vcard_text(p["notes"])
    if p["tags"]:
        card.add("categories").value = [_vcard_text(t) for t in p["tags"]]
    exact: dict[str, str | list[str]] = {
        key: p[key] for key in EXACT_FIELDS if p.get(key) and "\r" in p[key]
    }
    if any("\r" in tag for tag in p["tags"]):
        exact["tags"] = list(p["tags"])
    if exact:  # vCard has no carriage return; dualrole reads the exact text back from here
        card.add(EXACT_PROPERTY).value = encode_exact(exact)
    card.add("uid").value = f"dualrole-prospect-{p['id']}"
    return fold_lines(card.serialize(lineLength=UNFOLDED))


def fold_lines(text: str, limit: int = 75) -> str:
    """Fold every content line at ``limit`` octets of UTF-8 (RFC 6350 3.2), never inside a
    character and never right after a backslash (an escape stays on one physical line)."""
    return "\r\n".join(_fold(line, limit) for line in text.split("\r\n"))


def _fold(line: str, limit: int) -> str:
    if len(line.encode("utf-8")) <= limit:
        return line
    parts: list[str] = []
    current, size, room = "", 0, limit
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > room:
            carry = current[len(current.rstrip("\\")) :]
            if carry == current:  # a line of backslashes: split it anyway
                carry = ""
            parts.append(current[: len(current) - len(carry)])
            current, size, room = carry, len(carry), limit - 1  # the fold's space counts
        current += char
        size += octets
    parts.append(current)
    return "\r\n ".join(parts)


def write_vcard(store: Store, out: BinaryIO) -> None:
    """Prospects as vCard 3.0 cards (UTF-8, CRLF)."""
    for p in prospect_rows(store):
        out.write(prospect_vcard(p).encode("utf-8"))
