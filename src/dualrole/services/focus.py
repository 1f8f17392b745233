"""Focus sessions: time spent wearing the marketing hat or the sales hat.

At most one session runs at a time; starting one stops the other. The weekly review sums
the hours per role (sessions are clipped to the week's bounds).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from dualrole.core.dates import clock
from dualrole.core.enums import Side
from dualrole.storage.db import Store


@dataclass(frozen=True)
class FocusSession:
    """One stretch of time in one role (read from our own rows: no validation needed, and
    the header timer needs it before the pydantic models are loaded)."""

    id: int
    role: Side
    started_at: dt.datetime
    ended_at: dt.datetime | None = None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> FocusSession:
        return cls(int(row["id"]), Side(row["role"]), clock.from_db(row["started_at"]),
                   clock.from_db(row["ended_at"]))  # fmt: skip


def _now_text() -> str:
    return clock.to_db(clock.now())


def _get(store: Store, session_id: int) -> FocusSession:
    return FocusSession.from_row(
        store.query("SELECT * FROM focus_sessions WHERE id = ?", (session_id,))[0]
    )


def running_focus(store: Store) -> FocusSession | None:
    rows = store.query(
        "SELECT * FROM focus_sessions WHERE ended_at IS NULL ORDER BY started_at DESC LIMIT 1"
    )
    return FocusSession.from_row(rows[0]) if rows else None


def stop_focus(store: Store) -> FocusSession | None:
    """End the running session (if any) and return it."""
    with store.transaction():
        current = running_focus(store)
        if current is None:
            return None
        store.execute(
            "UPDATE focus_sessions SET ended_at = ? WHERE ended_at IS NULL", (_now_text(),)
        )
    return _get(store, current.id)


def start_focus(store: Store, role: Side) -> FocusSession:
    """Start a session for ``role``, ending any other running one."""
    with store.transaction():
        stop_focus(store)
        cursor = store.execute(
            "INSERT INTO focus_sessions(role, started_at) VALUES (?, ?)", (role.value, _now_text())
        )
    return _get(store, int(cursor.lastrowid or 0))


def toggle_focus(store: Store, role: Side) -> FocusSession | None:
    """The key's behaviour: stop ``role`` if it is running, else start it."""
    current = running_focus(store)
    if current is not None and current.role == role:
        stop_focus(store)
        return None
    return start_focus(store, role)


def focus_hours(store: Store, first: dt.date, last: dt.date) -> dict[Side, float]:
    """Hours per role within local days ``first``..``last`` (running sessions count to now)."""
    start, end = clock.day_bounds_utc(first, last)
    now = _now_text()
    rows = store.query(
        "SELECT role, sum((julianday(min(coalesce(ended_at, ?), ?)) "
        "- julianday(max(started_at, ?))) * 24) FROM focus_sessions "
        "WHERE started_at < ? AND coalesce(ended_at, ?) > ? "
        "GROUP BY role",
        (now, end, start, end, now, start),
    )
    hours = {side: 0.0 for side in Side}
    for role, total in rows:
        hours[Side(role)] = round(max(float(total or 0), 0.0), 2)
    return hours
