"""Finding records by name for the command palette: prospects, companies, promotions, notes.

Prospects are found as everywhere else (:func:`dualrole.services.search.prospect_match`:
accents and case folded, any word of the name first); companies by the start of their name
(case aside, on its index: :func:`dualrole.services.companies.names_starting`); promotions
and notes by words of their
name or title (FTS5 prefix match). Capped, so it stays instant at 100,000 prospects. Returns
plain dataclasses, no UI.
"""

from __future__ import annotations

from dataclasses import dataclass

from dualrole.core.enums import RecordKind
from dualrole.services.companies import names_starting
from dualrole.services.search import find_prospect_ids, fts_query
from dualrole.storage.db import Store


@dataclass(frozen=True)
class RecordHit:
    kind: RecordKind
    record_id: int
    label: str
    detail: str


_PROSPECTS = (
    "SELECT p.id, p.name, coalesce(p.company, '') || ' · ' || p.stage FROM prospects p "
    "WHERE p.id IN ({marks})"
)
_SOURCES = (
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

_COLUMN = {RecordKind.promotion: "name", RecordKind.research_note: "title"}


def find_records(store: Store, text: str, limit: int = 8) -> list[RecordHit]:
    """Prospects as ``dualrole find`` and ``/`` find them (``services.search``), companies
    whose name starts with the text, then promotions and notes whose name (title) has words
    starting with the typed words."""
    hits: list[RecordHit] = []
    ids = find_prospect_ids(store, text, limit)
    if ids:
        rows = store.query(_PROSPECTS.format(marks=", ".join("?" for _ in ids)), ids)
        by_id = {int(row[0]): row for row in rows}
        for record_id in ids:
            row = by_id[record_id]
            hits.append(RecordHit(RecordKind.prospect, record_id, str(row[1]), str(row[2] or "")))
    for company_id, name in names_starting(store, text, limit):
        hits.append(RecordHit(RecordKind.company, company_id, name, "company"))
    words = fts_query(text)
    if words is None:
        return hits
    for kind, sql in _SOURCES:
        column_match = f"{{{_COLUMN[kind]}}} : ({words})"
        for row in store.query(sql, (column_match, limit)):
            hits.append(RecordHit(kind, int(row[0]), str(row[1]), str(row[2] or "")))
    return hits
