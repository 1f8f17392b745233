"""Finding records by name for the command palette: prospects, promotions, research notes.

Full-text (FTS5 prefix match on the name/title column), capped, newest first within a kind,
so it stays instant at 100,000 prospects. Returns plain dataclasses, no UI.
"""

from __future__ import annotations

from dataclasses import dataclass

from dualrole.db import Store
from dualrole.enums import RecordKind
from dualrole.services.search import fts_query, trigram_query


@dataclass(frozen=True)
class RecordHit:
    kind: RecordKind
    record_id: int
    label: str
    detail: str


_SOURCES = (
    (
        RecordKind.prospect,
        "SELECT p.id, p.name, coalesce(p.company, '') || ' · ' || p.stage FROM prospects p "
        "WHERE p.deleted_at IS NULL AND p.id IN "
        "(SELECT rowid FROM prospects_fts WHERE prospects_fts MATCH ?) "
        "ORDER BY p.name COLLATE NOCASE LIMIT ?",
    ),
    (
        RecordKind.promotion,
        "SELECT m.id, m.name, m.channel || ' · ' || m.status FROM promotions m "
        "WHERE m.deleted_at IS NULL AND m.id IN "
        "(SELECT rowid FROM promotions_fts WHERE promotions_fts MATCH ?) "
        "ORDER BY m.name COLLATE NOCASE LIMIT ?",
    ),
    (
        RecordKind.research_note,
        "SELECT n.id, n.title, n.kind || ' note' FROM research_notes n "
        "WHERE n.deleted_at IS NULL AND n.id IN "
        "(SELECT rowid FROM research_notes_fts WHERE research_notes_fts MATCH ?) "
        "ORDER BY n.created_at DESC LIMIT ?",
    ),
)

_COLUMN = {
    RecordKind.prospect: "name",
    RecordKind.promotion: "name",
    RecordKind.research_note: "title",
}
# Prospects by any part of the name once three characters are typed (m010's trigrams).
_PROSPECTS_INSIDE = _SOURCES[0][1].replace("prospects_fts", "prospects_grams")


def find_records(store: Store, text: str, limit: int = 8) -> list[RecordHit]:
    """Records whose name (title for notes) has words starting with the typed words."""
    words = fts_query(text)
    inside = trigram_query(text)
    hits: list[RecordHit] = []
    for kind, sql in _SOURCES:
        match = words
        if kind == RecordKind.prospect and inside is not None:
            sql, match = _PROSPECTS_INSIDE, inside
        if match is None:
            continue
        column_match = f"{{{_COLUMN[kind]}}} : ({match})"
        for row in store.query(sql, (column_match, limit)):
            hits.append(RecordHit(kind, int(row[0]), str(row[1]), str(row[2] or "")))
    return hits
