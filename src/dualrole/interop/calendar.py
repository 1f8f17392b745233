"""Open follow-ups as an iCalendar feed (RFC 5545), written with the icalendar library.

One VEVENT per open follow-up — not VTODO, which many calendars ignore. Each event's UID is
``followup-<id>@dualrole``, so a calendar that re-reads the file (a subscription) updates the
event instead of adding a copy; SEQUENCE is the follow-up's ``sequence`` column, bumped by
every reschedule. DTSTAMP is UTC. A follow-up without a time is an all-day event (DATE, with
the exclusive DTEND of the next day); one with a time starts then, in the local time zone
(with its VTIMEZONE), and lasts :data:`TIMED_MINUTES`. The summary reads "Prospect — title".
icalendar does the CRLF line ends, the folding at 75 octets and the escaping of ``, ; \\``
and newlines; control characters, which RFC 5545 does not allow in text, are replaced by
visible placeholders (``␛``) first (:func:`dualrole.core.printable.printable`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event

from dualrole.core.dates import clock
from dualrole.core.printable import printable
from dualrole.storage.db import Store

PRODID = "-//dualrole//follow-ups//EN"
CALENDAR_NAME = "dualrole follow-ups"
TIMED_MINUTES = 30


def local_zone() -> ZoneInfo | None:
    """The IANA zone of this machine ($TZ, else /etc/localtime, else /etc/timezone)."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        target = str(localtime.resolve())
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text().strip())
    for name in candidates:
        if name and not name.startswith("/"):
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return None


def open_followups(store: Store) -> list[sqlite3.Row]:
    """Open follow-ups of live prospects, earliest first."""
    return store.query(
        "SELECT f.id, f.title, f.due_date, f.due_time, f.sequence, f.created_at, "
        "f.updated_at, p.id AS prospect_id, p.name, p.company, p.email, p.phone "
        "FROM followups f JOIN prospects p ON p.id = f.prospect_id "
        "WHERE f.done_at IS NULL AND f.deleted_at IS NULL AND p.deleted_at IS NULL "
        "ORDER BY f.due_date, f.due_time, f.id"
    )


def build_calendar(store: Store, zone: ZoneInfo | None = None) -> Calendar:
    zone = zone or local_zone()
    stamp = clock.now()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", CALENDAR_NAME)
    if zone is not None:
        cal.add("x-wr-timezone", zone.key)
    for row in open_followups(store):
        cal.add_component(_event(row, stamp, zone))
    if zone is not None:
        cal.add_missing_timezones()
    return cal


def _event(row: sqlite3.Row, stamp: dt.datetime, zone: ZoneInfo | None) -> Event:
    event = Event()
    event.add("uid", f"followup-{row['id']}@dualrole")
    event.add("dtstamp", stamp)
    event.add("sequence", int(row["sequence"]))
    event.add("summary", printable(f"{row['name']} — {row['title']}"))
    day = dt.date.fromisoformat(row["due_date"])
    if row["due_time"]:
        start = dt.datetime.combine(day, dt.time.fromisoformat(row["due_time"]))
        start = start.replace(tzinfo=zone) if zone else start.astimezone().astimezone(dt.UTC)
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(minutes=TIMED_MINUTES))
    else:
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
    details = [f"Follow-up with {row['name']}"]
    details += [str(row[k]) for k in ("company", "email", "phone") if row[k]]
    event.add("description", printable("\n".join(details)))
    created = clock.from_db(row["created_at"])
    if created:
        event.add("created", created)
    changed = clock.from_db(row["updated_at"]) or created
    if changed:
        event.add("last-modified", changed)
    return event


def to_ics(store: Store, zone: ZoneInfo | None = None) -> bytes:
    """The calendar as bytes, ready to write to a file or stdout."""
    ical: bytes = build_calendar(store, zone).to_ical()  # icalendar leaves it unannotated
    return ical
