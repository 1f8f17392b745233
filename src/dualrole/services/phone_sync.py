"""The rows the phone sync (CardDAV/CalDAV, :mod:`dualrole.dav`) writes: links and tokens,
and the changes that come back from the phone applied to prospects and follow-ups.

A link ties a prospect (``contact``) or a follow-up (``task``) to one resource on the
server (``dav_links``, see migration m012). Changes from the phone go through the same
operations as the app's (:mod:`dualrole.services.sales`, :func:`daily.complete`), so a
task completed on the phone schedules a repeating follow-up's next one exactly as ``done``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from dualrole.core.models import FollowUpIn, ProspectIn, describe_errors
from dualrole.services import daily, sales
from dualrole.services.due import ItemRef
from dualrole.services.records import now_text
from dualrole.storage.db import Store


@dataclass(frozen=True)
class Link:
    id: int
    kind: str
    record_id: int
    uid: str
    href: str | None
    etag: str | None
    synced: dict[str, str]
    body: str | None
    state: str


def _link(row: Any) -> Link:
    try:
        synced = json.loads(row["synced"] or "{}")
    except ValueError:
        synced = {}
    return Link(
        int(row["id"]),
        str(row["kind"]),
        int(row["record_id"]),
        str(row["uid"]),
        row["href"],
        row["etag"],
        synced if isinstance(synced, dict) else {},
        row["body"],
        str(row["state"]),
    )


def links(store: Store, kind: str) -> dict[int, Link]:
    """Every link of ``kind``, by the record it ties."""
    rows = store.query("SELECT * FROM dav_links WHERE kind = ?", (kind,))
    return {int(row["record_id"]): _link(row) for row in rows}


def save_link(
    store: Store,
    kind: str,
    record_id: int,
    *,
    uid: str,
    href: str | None,
    etag: str | None,
    synced: dict[str, str],
    body: str | None,
    state: str = "linked",
) -> None:
    """Create or replace the link of ``record_id`` (one transaction)."""
    with store.transaction():
        if href is not None:  # a resource is linked to one record only
            store.execute(
                "DELETE FROM dav_links WHERE href = ? AND NOT (kind = ? AND record_id = ?)",
                (href, kind, record_id),
            )
        store.execute(
            "INSERT INTO dav_links(kind, record_id, uid, href, etag, synced, body, state, "
            "synced_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(kind, record_id) DO UPDATE SET uid = excluded.uid, "
            "href = excluded.href, etag = excluded.etag, synced = excluded.synced, "
            "body = excluded.body, state = excluded.state, synced_at = excluded.synced_at",
            (
                kind,
                record_id,
                uid,
                href,
                etag,
                json.dumps(synced, sort_keys=True),
                body,
                state,
                now_text(),
            ),
        )


def set_state(store: Store, link_id: int, state: str, *, etag: str | None = None) -> None:
    with store.transaction():
        store.execute(
            "UPDATE dav_links SET state = ?, etag = coalesce(?, etag), synced_at = ? WHERE id = ?",
            (state, etag, now_text(), link_id),
        )


def drop_link(store: Store, link_id: int) -> None:
    with store.transaction():
        store.execute("DELETE FROM dav_links WHERE id = ?", (link_id,))


def token(store: Store, url: str) -> str | None:
    value = store.scalar("SELECT sync_token FROM dav_collections WHERE url = ?", (url,))
    return str(value) if value else None


def set_token(store: Store, url: str, kind: str, value: str | None) -> None:
    with store.transaction():
        store.execute(
            "INSERT INTO dav_collections(url, kind, sync_token, synced_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(url) DO UPDATE SET sync_token = excluded.sync_token, "
            "synced_at = excluded.synced_at",
            (url, kind, value, now_text()),
        )


def forget_collections(store: Store) -> None:
    """Start afresh (another server or collection was chosen): links and tokens go."""
    with store.transaction():
        store.execute("DELETE FROM dav_links")
        store.execute("DELETE FROM dav_collections")


# --- applying the phone's changes -------------------------------------------------------


class Refused(ValueError):
    """What the phone sent does not make a valid record (one sentence, like an import)."""


def _contact_input(fields: dict[str, Any], base: dict[str, Any]) -> ProspectIn:
    data = {**base, **{k: (v or None) for k, v in fields.items() if k != "notes"}}
    data["notes"] = fields.get("notes", base.get("notes", ""))
    try:
        return ProspectIn.model_validate(data)
    except ValidationError as exc:
        raise Refused(describe_errors(exc)) from exc


def update_contact(store: Store, prospect_id: int, fields: dict[str, str]) -> None:
    """Set the synced fields of a prospect to what the phone has (validated as an import)."""
    current = sales.get_prospect(store, prospect_id)
    base = current.model_dump(include=set(ProspectIn.model_fields))
    data = _contact_input(fields, base)
    sales.update_prospect(store, prospect_id, current.version, data)


def create_contact(store: Store, fields: dict[str, str]) -> int:
    """A prospect for a contact only the phone had (``--import-new``)."""
    data = _contact_input(fields, {"source": "other"})
    return sales.create_prospect(store, data).id


def complete_task(store: Store, followup_id: int) -> int | None:
    """Mark a follow-up done as ``done`` does; the id of the next one when it repeats."""
    followup = sales.get_followup(store, followup_id)
    if followup.done_at is not None:
        return None
    done = daily.complete(store, ItemRef("followup", followup_id))
    return done.next_followup.id if done.next_followup else None


def update_task(store: Store, followup_id: int, title: str, due: str, due_time: str) -> None:
    """Take the phone's title and due moment for an open follow-up."""
    current = sales.get_followup(store, followup_id)
    try:
        data = FollowUpIn.model_validate(
            {
                "prospect_id": current.prospect_id,
                "title": title,
                "due_date": dt.date.fromisoformat(due),
                "due_time": due_time or None,
                "repeat_every": current.repeat_every,
                "repeat_unit": current.repeat_unit,
            }
        )
    except (ValidationError, ValueError) as exc:
        detail = describe_errors(exc) if isinstance(exc, ValidationError) else str(exc)
        raise Refused(detail) from exc
    sales.update_followup(store, followup_id, current.version, data)
