"""Many rows at once: the import's and the demo's path into the same tables.

The single-row operations in :mod:`dualrole.services.sales` are one transaction and one
model each, far too slow for 10,000 imported contacts or a million demo interactions. These
write with ``executemany`` inside the caller's transaction and keep the same invariants:

- every prospect is created with its first deal and company record (:func:`add_first_deals`)
  and its first ``stage_changes`` row (the demo passes its whole
  drawn history, the importer gets the creation row written for it);
- tags are rows of ``tags`` linked through ``prospect_tags``;
- a prospect's derived columns (last contact, next follow-up) follow its interactions and
  follow-ups, as :mod:`dualrole.services.derived` keeps them (the demo computes
  ``next_followup_date`` while drawing and refreshes ``last_contact_at`` once, at the end);
- a merge fills empty fields only, bumping the row's version like any other edit;
- the importer's new prospects enter the full-text indexes and the pipeline's totals a
  batch at a time (see :class:`ProspectBatch`), as their insert triggers would have.

Nothing here opens a transaction: the caller's one transaction is what makes an import or a
demo all-or-nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from dualrole.core.enums import Stage
from dualrole.core.parsing import email_spellings
from dualrole.services import companies, deals
from dualrole.storage.db import Store
from dualrole.storage.migrations import FTS_TABLES
from dualrole.storage.schema import REBUILD_STAGE_TOTALS

# The demo's prospect rows, in this column order (``next_followup_date`` last).
PROSPECT_ROW_COLUMNS = (
    "id", "name", "company", "title", "email", "stage", "lost_reason", "value_minor", "source",
    "promotion_id", "segment_id", "notes", "keep_in_touch_days", "created_at",
    "stage_changed_at", "next_followup_date",
)  # fmt: skip
# Stage history rows: (prospect_id, from_stage, to_stage, changed_at, reason).
STAGE_ROW_COLUMNS = ("prospect_id", "from_stage", "to_stage", "changed_at", "reason")
# A demo's further deals (a customer buying again), in this column order; their history rows
# are (prospect_id, deal_id, from_stage, to_stage, changed_at).
DEAL_ROW_COLUMNS = (
    "id", "prospect_id", "person", "company_id", "title", "stage", "value_minor", "currency",
    "source", "expected_close", "stage_changed_at", "created_at",
)  # fmt: skip
DEAL_STAGE_ROW_COLUMNS = ("prospect_id", "deal_id", "from_stage", "to_stage", "changed_at")
# Follow-up rows, in this column order.
FOLLOWUP_ROW_COLUMNS = (
    "prospect_id", "title", "due_date", "due_time", "done_at", "repeat_every", "repeat_unit",
    "created_at",
)  # fmt: skip
# The demo's marketing rows and focus time, by table, in these column orders.
MARKETING_ROW_COLUMNS = {
    "segments": (
        "name", "description", "age_range", "occupation", "location", "pain_points", "values",
        "objections", "interests", "created_at",
    ),
    "promotions": (
        "name", "message", "channel", "segment_id", "status", "start_date", "end_date",
        "budget_minor", "launched_at", "finished_at", "created_at",
    ),
    "promotion_results": (
        "promotion_id", "day", "reach", "engagement", "clicks", "spend_minor", "created_at",
    ),
    "research_notes": (
        "kind", "title", "body", "source", "segment_id", "prospect_id", "created_at",
    ),
    "marketing_tasks": ("title", "due_date", "done_at", "promotion_id", "created_at"),
    "focus_sessions": ("role", "started_at", "ended_at"),
}  # fmt: skip
# What an ``INSERT … SELECT`` of interactions must select, in this order.
INTERACTION_COLUMNS = (
    "prospect_id", "kind", "occurred_at", "summary", "outcome", "is_feedback", "created_at",
)  # fmt: skip
FLUSH_EVERY = 1_000
_TEXT = ", ".join(FTS_TABLES["prospects"])
# What a prospect's insert triggers do, as one statement over a batch's new rows (``id >=
# ?``): the batch drops these triggers while it holds unflushed prospects and runs these at
# each flush instead. FTS5 indexes a thousand rows that way ~6× faster than a trigger per
# row, and the pipeline's totals take one upsert per stage instead of one per prospect.
BATCHED_INSERT_TRIGGERS = {
    "prospects_fts_ai": f"INSERT INTO prospects_fts(rowid, {_TEXT}) "
    f"SELECT id, {_TEXT} FROM prospects WHERE id >= ?",
    "prospects_grams_ai": f"INSERT INTO prospects_grams(rowid, {_TEXT}) "
    f"SELECT id, {_TEXT} FROM prospects WHERE id >= ?",
    "prospects_totals_ai": "INSERT INTO stage_totals "
    "SELECT stage, count(*), coalesce(sum(value_minor), 0) FROM prospects "
    "WHERE id >= ? AND deleted_at IS NULL GROUP BY stage "
    "ON CONFLICT(stage) DO UPDATE SET prospects = prospects + excluded.prospects, "
    "value_minor = value_minor + excluded.value_minor",
}
# How an imported contact finds the prospect it may already be (both served by an index).
FIND_BY_EMAIL = (
    "SELECT id FROM prospects WHERE email COLLATE NOCASE IN (?, ?) AND deleted_at IS NULL "
    "ORDER BY id LIMIT 1"
)
FIND_BY_NAME = (
    "SELECT id FROM prospects WHERE name = ? COLLATE NOCASE AND deleted_at IS NULL "
    "AND coalesce(company, '') = ? COLLATE NOCASE ORDER BY id LIMIT 1"
)


def _insert_sql(table: str, columns: Sequence[str], *, ignore: bool = False) -> str:
    names = ", ".join(f'"{name}"' for name in columns)
    marks = ", ".join("?" for _ in columns)
    verb = "INSERT OR IGNORE" if ignore else "INSERT"
    return f"{verb} INTO {table} ({names}) VALUES ({marks})"


# --- the demo's rows ----------------------------------------------------------------------


def add_prospect_rows(store: Store, rows: Iterable[Sequence[Any]]) -> None:
    """Prospects drawn whole (:data:`PROSPECT_ROW_COLUMNS`), with their history added next."""
    store.conn.executemany(_insert_sql("prospects", PROSPECT_ROW_COLUMNS), rows)


def add_stage_history(store: Store, rows: Iterable[Sequence[Any]]) -> None:
    """Stage changes (:data:`STAGE_ROW_COLUMNS`): every prospect's path, creation included."""
    store.conn.executemany(_insert_sql("stage_changes", STAGE_ROW_COLUMNS), rows)


def add_first_deals(store: Store, since: int = 0) -> None:
    """Each new prospect's company record and first deal, its history moved to that deal
    (:func:`dualrole.services.deals.add_first_deals`), once its rows and history are in."""
    deals.add_first_deals(store, since)


def add_deal_rows(
    store: Store, rows: Iterable[Sequence[Any]], history: Iterable[Sequence[Any]]
) -> None:
    """Further deals of existing people (:data:`DEAL_ROW_COLUMNS`) and their stage history
    (:data:`DEAL_STAGE_ROW_COLUMNS`), creation included."""
    store.conn.executemany(_insert_sql("deals", DEAL_ROW_COLUMNS), rows)
    store.conn.executemany(_insert_sql("stage_changes", DEAL_STAGE_ROW_COLUMNS), history)


def add_followup_rows(store: Store, rows: Iterable[Sequence[Any]]) -> None:
    """Follow-ups (:data:`FOLLOWUP_ROW_COLUMNS`); their prospects' next follow-up is the
    caller's to give (the demo writes it with the prospect)."""
    store.conn.executemany(_insert_sql("followups", FOLLOWUP_ROW_COLUMNS), rows)


def add_interactions_from(store: Store, select_sql: str, params: Mapping[str, Any]) -> None:
    """Interactions made by SQLite itself from ``select_sql`` (selecting
    :data:`INTERACTION_COLUMNS`): a million rows without a Python tuple each.

    ``select_sql`` is the caller's own constant SQL (never user text). Call
    :func:`refresh_all_last_contacts` once the rows and their index are in.
    """
    names = ", ".join(INTERACTION_COLUMNS)
    store.execute(f"INSERT INTO interactions({names}) {select_sql}", dict(params))


def refresh_all_last_contacts(store: Store) -> None:
    """Every prospect's last contact, after a bulk load of interactions.

    A fresh load has no deleted interactions, so ``interactions_by_prospect`` answers each
    prospect's ``max`` on its own (filtering ``deleted_at`` would read a million rows).
    """
    store.execute(
        "UPDATE prospects SET last_contact_at = (SELECT max(occurred_at) FROM interactions "
        "WHERE prospect_id = prospects.id)"
    )


def add_marketing_rows(store: Store, table: str, rows: Iterable[Sequence[Any]]) -> None:
    """Rows of one of the :data:`MARKETING_ROW_COLUMNS` tables, in its column order (their
    insert triggers keep the full-text indexes)."""
    store.conn.executemany(_insert_sql(table, MARKETING_ROW_COLUMNS[table]), rows)


def rebuild_derived(store: Store, table: str) -> None:
    """``table``'s full-text indexes and, for prospects, the pipeline's totals, made again
    whole after a load with its triggers off (far cheaper than row by row)."""
    for fts in (f"{table}_fts", f"{table}_grams"):
        if store.scalar("SELECT 1 FROM sqlite_master WHERE name = ?", (fts,)):
            store.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
    if table == "prospects":
        for sql in REBUILD_STAGE_TOTALS:
            store.execute(sql)


def tag_prospects(store: Store, tag: str, prospect_ids: Iterable[int]) -> None:
    """Link ``tag`` (made if new) to each of ``prospect_ids``."""
    store.execute("INSERT OR IGNORE INTO tags(name) VALUES (?)", (tag,))
    tag_id = store.scalar("SELECT id FROM tags WHERE name = ?", (tag,))
    store.conn.executemany(
        "INSERT OR IGNORE INTO prospect_tags(prospect_id, tag_id) VALUES (?, ?)",
        ((pid, tag_id) for pid in prospect_ids),
    )


# --- the importer's batch -----------------------------------------------------------------


class ProspectBatch:
    """Prospects created or merged one by one, their history, tags, full-text entries and
    pipeline totals written in batches.

    Used inside one transaction; :meth:`flush` before the transaction ends (and before
    reading what a batch may still hold).

    While a batch has unflushed prospects, the :data:`BATCHED_INSERT_TRIGGERS` are dropped
    (inside the transaction, so a failed import gets them back with its rollback);
    :meth:`flush` does their work for the new rows in one statement each and makes the
    triggers again, before anything can update a new row (whose update triggers expect the
    insert triggers' work done).
    """

    def __init__(self, store: Store, stamp: str) -> None:
        self.store = store
        self.stamp = stamp
        self._insert_sql: dict[tuple[str, ...], str] = {}
        self._tag_ids: dict[str, int] = {}
        self._stages: list[tuple[int, str, str]] = []
        self._tags: list[tuple[int, int]] = []
        self._first_new: int | None = None  # the first prospect the triggers missed
        self._dropped: dict[str, str] = {}  # the dropped insert triggers' SQL, by name

    def find(self, email: str | None, name: str, company: str | None) -> int | None:
        """The live prospect with this email (any case) or, without one, name and company."""
        if email:
            row = self.store.conn.execute(FIND_BY_EMAIL, email_spellings(email)).fetchone()
        else:
            row = self.store.conn.execute(FIND_BY_NAME, (name, company or "")).fetchone()
        return int(row[0]) if row else None

    def create(self, columns: Mapping[str, Any], stage: Stage, tags: Iterable[str]) -> int:
        """A new prospect at ``stage`` (its creation recorded as a stage change), tagged."""
        values = {
            **columns,
            "stage": stage.value,
            "stage_changed_at": self.stamp,
            "created_at": self.stamp,
        }
        if self._first_new is None:
            self._drop_insert_triggers()
        key = tuple(values)
        sql = self._insert_sql.get(key)
        if sql is None:
            sql = self._insert_sql[key] = _insert_sql("prospects", key)
        cursor = self.store.conn.execute(sql, list(values.values()))
        prospect_id = int(cursor.lastrowid or 0)
        if self._first_new is None or prospect_id < self._first_new:
            self._first_new = prospect_id
        self._stages.append((prospect_id, stage.value, self.stamp))
        self._tags.extend((prospect_id, self._tag_id(tag)) for tag in tags)
        if len(self._stages) >= FLUSH_EVERY:
            self.flush()
        return prospect_id

    def fill_empty(
        self, prospect_id: int, columns: Mapping[str, Any], fillable: Sequence[str]
    ) -> list[str]:
        """Fill the ``fillable`` columns that are empty with ``columns``' non-empty values;
        return the columns filled (nothing is overwritten)."""
        if self._first_new is not None and prospect_id >= self._first_new:
            self.flush()  # a row of this batch: its update triggers need its insert triggers' work
        conn = self.store.conn
        names = ", ".join(f'"{column}"' for column in fillable)
        row = conn.execute(f"SELECT {names} FROM prospects WHERE id = ?", (prospect_id,))
        current = row.fetchone()
        fills = {
            column: columns[column]
            for column, value in zip(fillable, current, strict=True)
            if value in (None, "") and columns.get(column) not in (None, "")
        }
        if fills:
            sets = ", ".join(f'"{column}" = ?' for column in fills)
            conn.execute(
                f"UPDATE prospects SET {sets}, version = version + 1, updated_at = ? WHERE id = ?",
                [*fills.values(), self.stamp, prospect_id],
            )
            if "company" in fills:  # a company filled in: its record, found or made once
                company_id = companies.company_id_for(self.store, str(fills["company"]))
                conn.execute(
                    "UPDATE prospects SET company_id = ? WHERE id = ?", (company_id, prospect_id)
                )
                conn.execute(
                    "UPDATE deals SET company_id = ? WHERE prospect_id = ? AND company_id IS NULL",
                    (company_id, prospect_id),
                )
        return list(fills)

    def add_tags(self, prospect_id: int, tags: Iterable[str]) -> int:
        """Link ``tags`` to an existing prospect; return how many links are new."""
        conn, added = self.store.conn, 0
        for tag in tags:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO prospect_tags(prospect_id, tag_id) VALUES (?, ?)",
                (prospect_id, self._tag_id(tag)),
            )
            added += cursor.rowcount
        return added

    def flush(self) -> None:
        """Write the batched stage changes, tag links, full-text entries and totals."""
        conn = self.store.conn
        self._catch_up_insert_triggers()
        if self._stages:
            conn.executemany(
                "INSERT INTO stage_changes(prospect_id, from_stage, to_stage, changed_at) "
                "VALUES (?, NULL, ?, ?)",
                self._stages,
            )
            # the new prospects' companies and first deals, their creation moved to them
            deals.add_first_deals(self.store, min(row[0] for row in self._stages))
            self._stages.clear()
        if self._tags:
            conn.executemany(
                "INSERT OR IGNORE INTO prospect_tags(prospect_id, tag_id) VALUES (?, ?)",
                self._tags,
            )
            self._tags.clear()

    def _drop_insert_triggers(self) -> None:
        conn = self.store.conn
        for trigger in BATCHED_INSERT_TRIGGERS:
            row = conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (trigger,)
            ).fetchone()
            if row is not None:
                self._dropped[trigger] = row[0]
                conn.execute(f'DROP TRIGGER "{trigger}"')

    def _catch_up_insert_triggers(self) -> None:
        """The dropped triggers' work for the new rows, then the triggers again."""
        conn = self.store.conn
        for trigger, trigger_sql in self._dropped.items():
            if self._first_new is not None:
                # Every row from the first new id on is this batch's: the transaction is
                # the only writer, and SQLite gives a new row a higher id than any so far.
                conn.execute(BATCHED_INSERT_TRIGGERS[trigger], (self._first_new,))
            conn.execute(trigger_sql)
        self._dropped.clear()
        self._first_new = None

    def _tag_id(self, tag: str) -> int:
        tag_id = self._tag_ids.get(tag)
        if tag_id is None:
            conn = self.store.conn
            conn.execute("INSERT OR IGNORE INTO tags(name) VALUES (?)", (tag,))
            tag_id = int(conn.execute("SELECT id FROM tags WHERE name = ?", (tag,)).fetchone()[0])
            self._tag_ids[tag] = tag_id
        return tag_id
