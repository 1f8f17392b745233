"""Generic record plumbing shared by every service: model ↔ row, versioned updates, trash.

Rows store money in ``*_minor`` columns, days as ISO text and moments as UTC text; models see
``value``/``budget``/``spend`` as minor-unit ints and real dates. Updates carry the version
the editor started from, so an edit made meanwhile by another instance is reported as a
:class:`~dualrole.storage.db.ConflictError` instead of being overwritten. Deletes move a record to
the trash (undo with :func:`undo_delete`); the oldest trash is purged for good.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel

from dualrole.core.dates import clock
from dualrole.core.enums import RecordKind
from dualrole.services.derived import refresh_last_contact, refresh_next_followup
from dualrole.storage.db import ConflictError, NotFoundError, StorageError, Store

M = TypeVar("M", bound=BaseModel)

MONEY_COLUMNS = {"value": "value_minor", "budget": "budget_minor", "spend": "spend_minor"}
TRASH_KEEP = 50
# Purge in batches: each purge rewrites the affected full-text indexes (see purge_trash).
PURGE_BATCH = 20
# Full-text indexes that hold a table's text, and those of rows a delete cascades to.
_FTS_OF = {
    "prospects": ("prospects_fts", "prospects_grams", "interactions_fts"),
    "interactions": ("interactions_fts",),
    "research_notes": ("research_notes_fts",),
    "segments": ("segments_fts",),
    "promotions": ("promotions_fts",),
    "marketing_tasks": ("marketing_tasks_fts",),
}


@dataclass(frozen=True)
class Entity:
    """A kind of record: its table, how to label it, what a person calls it."""

    table: str
    label_column: str
    noun: str


ENTITIES = {
    RecordKind.prospect: Entity("prospects", "name", "prospect"),
    RecordKind.segment: Entity("segments", "name", "segment"),
    RecordKind.research_note: Entity("research_notes", "title", "research note"),
    RecordKind.promotion: Entity("promotions", "name", "promotion"),
    "marketing_task": Entity("marketing_tasks", "title", "marketing task"),
    "followup": Entity("followups", "title", "follow-up"),
    "interaction": Entity("interactions", "summary", "interaction"),
}


def now_text() -> str:
    return clock.to_db(clock.now())


def to_column(value: Any) -> Any:
    if value is None or type(value) in (str, int):  # most columns (an import's 130,000)
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return clock.to_db(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, bool):
        return int(value)
    return value


def to_columns(model: BaseModel, exclude: frozenset[str] = frozenset({"tags"})) -> dict[str, Any]:
    """A validated input model as column → value."""
    columns: dict[str, Any] = {}
    for name in type(model).model_fields:
        if name in exclude:
            continue
        columns[MONEY_COLUMNS.get(name, name)] = to_column(getattr(model, name))
    return columns


def from_row(model: type[M], row: sqlite3.Row | dict[str, Any], **extra: Any) -> M:
    data = dict(row)
    for field, column in MONEY_COLUMNS.items():
        if column in data:
            data[field] = data.pop(column)
    data.update(extra)
    return model.model_validate(data)


def insert(store: Store, table: str, columns: dict[str, Any], *, stamp: bool = True) -> int:
    if stamp:
        columns = {"created_at": now_text(), **columns}
    names = ", ".join(f'"{name}"' for name in columns)
    marks = ", ".join("?" for _ in columns)
    cursor = store.execute(
        f"INSERT INTO {table} ({names}) VALUES ({marks})",
        list(columns.values()),
    )
    return int(cursor.lastrowid or 0)


def fetch_row(
    store: Store, entity: str, record_id: int, *, include_deleted: bool = False
) -> sqlite3.Row:
    info = ENTITIES[entity]
    live = "" if include_deleted else " AND deleted_at IS NULL"
    rows = store.query(f"SELECT * FROM {info.table} WHERE id = ?{live}", (record_id,))
    if not rows:
        raise NotFoundError(f"That {info.noun} no longer exists (deleted elsewhere?).")
    return rows[0]


def update_versioned(
    store: Store, entity: str, record_id: int, version: int | None, columns: dict[str, Any]
) -> None:
    """Apply ``columns`` if the record is still at ``version`` (its version then goes up by one).

    ``version=None`` skips the check (for internal bookkeeping updates).
    """
    info = ENTITIES[entity]
    sets = ", ".join(f'"{name}" = ?' for name in columns)
    params: list[Any] = [*columns.values(), now_text(), record_id]
    check = ""
    if version is not None:
        check = " AND version = ?"
        params.append(version)
    cursor = store.execute(
        f"UPDATE {info.table} SET {sets}{', ' if sets else ''}version = version + 1, "
        f"updated_at = ? WHERE id = ? AND deleted_at IS NULL{check}",
        params,
    )
    if cursor.rowcount == 0:
        current = store.query(
            f"SELECT version, deleted_at FROM {info.table} WHERE id = ?",
            (record_id,),
        )
        if not current or current[0]["deleted_at"]:
            raise NotFoundError(f"That {info.noun} no longer exists (deleted elsewhere?).")
        raise ConflictError(
            f"This {info.noun} was changed elsewhere since you opened it "
            f"(version {current[0]['version']}, yours {version}); reload it to see the change."
        )


def soft_delete(store: Store, entity: str, record_id: int) -> str:
    """Move a record to the trash; return its label (for "Deleted X — u to undo")."""
    info = ENTITIES[entity]
    with store.transaction():
        row = fetch_row(store, entity, record_id)
        label = str(row[info.label_column])
        stamp = now_text()
        store.execute(
            f"UPDATE {info.table} SET deleted_at = ? WHERE id = ?",
            (stamp, record_id),
        )
        insert(
            store,
            "trash",
            {"entity": entity, "record_id": record_id, "label": label, "deleted_at": stamp},
            stamp=False,
        )
        if entity in ("followup", "interaction"):
            _refresh_prospect(store, entity, int(row["prospect_id"]))
        if entity == "prospect":  # its deals leave the pipeline with it
            store.execute(
                "UPDATE deals SET deleted_at = ? WHERE prospect_id = ? AND deleted_at IS NULL",
                (stamp, record_id),
            )
        if trash_size(store) > TRASH_KEEP + PURGE_BATCH:
            purge_trash(store)
    return label


def _refresh_prospect(store: Store, entity: str, prospect_id: int) -> None:
    """Keep a prospect's derived columns right when one of its follow-ups or calls comes or goes."""
    if entity == "followup":
        refresh_next_followup(store, prospect_id)
    elif entity == "interaction":
        refresh_last_contact(store, prospect_id)


@dataclass(frozen=True)
class Restored:
    entity: str
    record_id: int
    label: str


def undo_delete(store: Store) -> Restored | None:
    """Restore the most recently deleted record, if any."""
    with store.transaction():
        rows = store.query("SELECT * FROM trash ORDER BY id DESC LIMIT 1")
        if not rows:
            return None
        return _restore(store, rows[0])


def restore_deleted(store: Store, entity: str, record_id: int) -> Restored:
    """Restore one deleted record (the undo history's step for a delete)."""
    with store.transaction():
        rows = store.query(
            "SELECT * FROM trash WHERE entity = ? AND record_id = ? ORDER BY id DESC LIMIT 1",
            (str(entity), record_id),
        )
        if not rows:
            noun = ENTITIES[entity].noun
            raise NotFoundError(f"That {noun} is no longer in the trash (restored or purged).")
        return _restore(store, rows[0])


def _restore(store: Store, item: sqlite3.Row) -> Restored:
    """Take ``item`` (a trash row) out of the trash, inside the caller's transaction."""
    info = ENTITIES[item["entity"]]
    if item["entity"] == "prospect":  # the deals trashed with it (same moment) come back
        store.execute(
            "UPDATE deals SET deleted_at = NULL WHERE prospect_id = ? AND deleted_at = "
            "(SELECT deleted_at FROM prospects WHERE id = ?)",
            (item["record_id"], item["record_id"]),
        )
    store.execute(
        f"UPDATE {info.table} SET deleted_at = NULL WHERE id = ?",
        (item["record_id"],),
    )
    store.execute("DELETE FROM trash WHERE id = ?", (item["id"],))
    if item["entity"] in ("followup", "interaction"):
        row = fetch_row(store, item["entity"], item["record_id"])
        _refresh_prospect(store, item["entity"], int(row["prospect_id"]))
    return Restored(item["entity"], int(item["record_id"]), str(item["label"]))


def trash_size(store: Store) -> int:
    return int(store.scalar("SELECT count(*) FROM trash") or 0)


def purge_trash(store: Store, keep: int = TRASH_KEEP) -> int:
    """Delete for good what fell off the end of the undo list.

    secure_delete zeroes the freed rows, but an FTS5 index keeps a deleted row's words in
    its older segments until they are merged; ``optimize`` merges them, so the text is gone
    from the file (once the WAL is checkpointed).
    """
    with store.transaction():
        old = store.query("SELECT * FROM trash ORDER BY id DESC LIMIT -1 OFFSET ?", (keep,))
        touched: set[str] = set()
        for item in old:
            touched.update(_FTS_OF.get(ENTITIES[item["entity"]].table, ()))
            info = ENTITIES[item["entity"]]
            try:
                store.execute(
                    f"DELETE FROM {info.table} WHERE id = ? AND deleted_at IS NOT NULL",
                    (item["record_id"],),
                )
            except sqlite3.IntegrityError as exc:  # pragma: no cover - FKs cascade or null out
                raise StorageError(f"Could not purge an old deleted {info.noun}: {exc}") from exc
            store.execute("DELETE FROM trash WHERE id = ?", (item["id"],))
        if old:
            # a company nobody is (or was) in any more is text of deleted records too
            store.execute(
                "DELETE FROM companies WHERE NOT EXISTS (SELECT 1 FROM prospects p "
                "WHERE p.company_id = companies.id) AND NOT EXISTS (SELECT 1 FROM deals d "
                "WHERE d.company_id = companies.id)"
            )
            # and so is a tag no record uses any more
            store.execute(
                "DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM prospect_tags) "
                "AND id NOT IN (SELECT tag_id FROM note_tags) "
                "AND id NOT IN (SELECT tag_id FROM company_tags)"
            )
        for fts in sorted(touched):
            store.execute(f"INSERT INTO {fts}({fts}) VALUES ('optimize')")
    return len(old)


# --- tags --------------------------------------------------------------------------------


def set_tags(
    store: Store, link_table: str, owner_column: str, owner_id: int, tags: list[str]
) -> None:
    store.execute(f"DELETE FROM {link_table} WHERE {owner_column} = ?", (owner_id,))
    for tag in tags:
        store.execute("INSERT OR IGNORE INTO tags(name) VALUES (?)", (tag,))
        tag_id = store.scalar("SELECT id FROM tags WHERE name = ?", (tag,))
        store.execute(
            f"INSERT OR IGNORE INTO {link_table}({owner_column}, tag_id) VALUES (?, ?)",
            (owner_id, tag_id),
        )


def get_tags(store: Store, link_table: str, owner_column: str, owner_id: int) -> list[str]:
    rows = store.query(
        f"SELECT t.name FROM tags t JOIN {link_table} l ON l.tag_id = t.id "
        f"WHERE l.{owner_column} = ? ORDER BY t.name",
        (owner_id,),
    )
    return [row[0] for row in rows]


def all_tags(store: Store) -> list[str]:
    return [row[0] for row in store.query("SELECT name FROM tags ORDER BY name")]


@contextlib.contextmanager
def integrity_guard(noun: str) -> Iterator[None]:
    """Translate a foreign-key failure into a sentence about the missing linked record."""
    try:
        yield
    except sqlite3.IntegrityError as exc:
        raise StorageError(
            f"The {noun} refers to a record that no longer exists; pick another."
        ) from exc
