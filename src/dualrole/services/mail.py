"""Mail capture's rows: sources, how far each folder was read, messages logged once.

A message from or to a prospect's address becomes an email interaction (direction in or out
by the owner's own addresses) linked to that prospect; its key (Message-ID, else a hash) is
kept in ``mail_messages`` so a re-fetch, a moved message or a second copy add nothing.
A message with an unknown person waits in ``mail_waiting`` until the owner makes a lead,
links the address to a prospect, or ignores it (:mod:`dualrole.services.mail_triage`);
mailing lists and no-reply senders never
wait. A batch of messages and the folder's new position are written in one transaction, so
a killed fetch resumes where its last batch ended. No password is ever stored here.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from dualrole.core.dates import clock
from dualrole.core.models import InteractionIn, InteractionKind
from dualrole.services.records import now_text, soft_delete
from dualrole.services.sales import (
    complete_followup,
    deal_to_pick,
    find_by_email,
    log_interaction,
)
from dualrole.services.settings import get_setting, set_setting
from dualrole.storage.db import StorageError, Store

REPLY_CLOSES_FOLLOWUP = "mail_reply_closes_followup"  # a setting, off unless the owner says so
FULL_BODY = "mail_full_body"  # a setting: keep a message's whole text, not only an excerpt
FETCH_EVERY = "mail_fetch_minutes"  # a setting: the app fetches every N minutes (0: never)
FETCH_EVERY_MAX = 24 * 60


def fetch_every(store: Store) -> int:
    """Minutes between the app's background fetches; 0: the app does not fetch by itself."""
    return int(get_setting(store, FETCH_EVERY) or 0)


def set_fetch_every(store: Store, minutes: int) -> None:
    if not 0 <= minutes <= FETCH_EVERY_MAX:
        raise StorageError(
            f"Fetch every 1 to {FETCH_EVERY_MAX} minutes (0 turns it off), not {minutes}."
        )
    set_setting(store, FETCH_EVERY, minutes)


@dataclass(frozen=True)
class Address:
    address: str
    name: str = ""


@dataclass(frozen=True)
class CapturedMail:
    """What dualrole keeps of one message (built by :mod:`dualrole.mail.parsing`)."""

    key: str
    sender: Address | None
    recipients: tuple[Address, ...]
    occurred_at: dt.datetime | None
    subject: str
    excerpt: str = ""
    is_bulk: bool = False
    organisation: str = ""


@dataclass(frozen=True)
class MailSource:
    id: int
    url: str
    me: tuple[str, ...]
    folders: tuple[str, ...]


@dataclass(frozen=True)
class FolderState:
    validity: str | None = None
    position: str | None = None


@dataclass
class Tally:
    """What a fetch did, counted: shown by ``dualrole mail fetch``."""

    read: int = 0
    logged: int = 0
    waiting: int = 0
    lists: int = 0
    known: int = 0
    other: int = 0
    prospects: set[int] = field(default_factory=set)

    def add(self, other: Tally) -> None:
        self.read += other.read
        self.logged += other.logged
        self.waiting += other.waiting
        self.lists += other.lists
        self.known += other.known
        self.other += other.other
        self.prospects |= other.prospects


# --- sources -----------------------------------------------------------------------------


def add_source(store: Store, url: str, me: Iterable[str], folders: Iterable[str]) -> MailSource:
    """Remember a source (its URL holds no password); connecting again updates it."""
    mine = sorted({address.strip().lower() for address in me if address.strip()})
    if not mine:
        raise StorageError("Name your own address with --me, so mail can be told in from out.")
    named = list(dict.fromkeys(folder for folder in folders if folder))
    with store.transaction():
        store.execute(
            "INSERT INTO mail_sources(url, me, folders, created_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(url) DO UPDATE SET me = excluded.me, folders = excluded.folders",
            (url, json.dumps(mine), json.dumps(named), now_text()),
        )
    return next(source for source in sources(store) if source.url == url)


def sources(store: Store) -> list[MailSource]:
    return [
        MailSource(
            int(row["id"]),
            str(row["url"]),
            tuple(json.loads(row["me"])),
            tuple(json.loads(row["folders"])),
        )
        for row in store.query("SELECT * FROM mail_sources ORDER BY id")
    ]


def remove_source(store: Store, url: str) -> bool:
    with store.transaction():
        return store.execute("DELETE FROM mail_sources WHERE url = ?", (url,)).rowcount > 0


def folder_state(store: Store, source_id: int, folder: str) -> FolderState:
    rows = store.query(
        "SELECT validity, position FROM mail_folders WHERE source_id = ? AND folder = ?",
        (source_id, folder),
    )
    if not rows:
        return FolderState()
    return FolderState(rows[0]["validity"], rows[0]["position"])


# --- capture -----------------------------------------------------------------------------


def prospect_for_address(store: Store, address: str) -> int | None:
    """The live prospect with this address (its own, or a second address from triage)."""
    found = find_by_email(store, address)
    if found is not None:
        return found.id
    row = store.scalar(
        "SELECT a.prospect_id FROM mail_addresses a JOIN prospects p ON p.id = a.prospect_id "
        "WHERE a.address = ? AND p.deleted_at IS NULL",
        (address,),
    )
    return int(row) if row is not None else None


def record_batch(
    store: Store,
    source: MailSource,
    folder: str,
    messages: Iterable[CapturedMail],
    state: FolderState,
) -> Tally:
    """Record a batch of messages and the folder's new position, all or nothing."""
    tally = Tally()
    mine = set(source.me)
    with store.transaction():
        for message in messages:
            tally.read += 1
            if store.scalar("SELECT 1 FROM mail_messages WHERE key = ?", (message.key,)):
                tally.known += 1
                continue
            status = _record(store, message, mine, tally)
            store.execute(
                "INSERT INTO mail_messages(key, status, seen_at) VALUES (?, ?, ?)",
                (message.key, status, now_text()),
            )
        store.execute(
            "INSERT INTO mail_folders(source_id, folder, validity, position, fetched_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(source_id, folder) DO UPDATE SET "
            "validity = excluded.validity, position = excluded.position, "
            "fetched_at = excluded.fetched_at",
            (source.id, folder, state.validity, state.position, now_text()),
        )
    return tally


def _record(store: Store, message: CapturedMail, mine: set[str], tally: Tally) -> str:
    sender = message.sender
    outbound = sender is not None and sender.address in mine
    if outbound:
        people = [a for a in message.recipients if a.address not in mine]
    else:
        people = [sender] if sender is not None else []
    people = list({a.address: a for a in people}.values())
    direction = "out" if outbound else "in"
    known = [(a, prospect_for_address(store, a.address)) for a in people]
    matched = [(a, pid) for a, pid in known if pid is not None]
    if matched:
        for _address, prospect_id in matched:
            log_message(store, prospect_id, message.key, direction, message)
            tally.prospects.add(prospect_id)
        tally.logged += 1
        return "logged"
    if message.is_bulk and not outbound:
        tally.lists += 1
        return "list"
    waiting = False
    for address, _ in known:
        if store.scalar("SELECT 1 FROM mail_ignored WHERE address = ?", (address.address,)):
            continue
        store.execute(
            "INSERT OR IGNORE INTO mail_waiting(message_key, address, name, direction, "
            "occurred_at, subject, excerpt, organisation) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                message.key,
                address.address,
                address.name,
                direction,
                clock.to_db(message.occurred_at or clock.now()),
                message.subject,
                message.excerpt,
                message.organisation,
            ),
        )
        waiting = True
    if waiting:
        tally.waiting += 1
        return "waiting"
    tally.other += 1
    return "other"


def log_message(
    store: Store, prospect_id: int, key: str, direction: str, message: CapturedMail
) -> None:
    interaction = log_interaction(
        store,
        InteractionIn(
            prospect_id=prospect_id,
            kind=InteractionKind.email,
            occurred_at=message.occurred_at or clock.now(),
            summary=message.subject or "(no subject)",
        ),
    )
    # Logged under the person's only open deal (log_interaction); with several, the owner
    # picks the deal in triage (dualrole.services.mail_deals).
    store.execute(
        "INSERT INTO mail_log(interaction_id, message_key, direction, excerpt, choose_deal) "
        "VALUES (?, ?, ?, ?, ?)",
        (interaction.id, key, direction, message.excerpt, int(deal_to_pick(store, interaction))),
    )
    if direction == "in":
        pause_on_reply(store, prospect_id)
        if get_setting(store, REPLY_CLOSES_FOLLOWUP):
            close_answered_followup(store, prospect_id, message.occurred_at or clock.now())


def close_answered_followup(store: Store, prospect_id: int, when: dt.datetime) -> int | None:
    """The prospect's open follow-up a reply answers — the one due first, on or before the
    reply's day — marked done; its id, else None (only when the owner turned it on)."""
    found = store.scalar(
        "SELECT id FROM followups WHERE prospect_id = ? AND done_at IS NULL "
        "AND deleted_at IS NULL AND due_date <= ? ORDER BY due_date, id LIMIT 1",
        (prospect_id, when.astimezone().date().isoformat()),
    )
    if found is None:
        return None
    complete_followup(store, int(found))
    return int(found)


def pause_on_reply(store: Store, prospect_id: int) -> None:
    """A reply pauses every outreach sequence the prospect is in (see services.outreach):
    the sequence's follow-ups not yet done go to the trash (undo brings one back)."""
    rows = store.query(
        "SELECT sequence_id, followups FROM mail_enrolments "
        "WHERE prospect_id = ? AND paused_at IS NULL",
        (prospect_id,),
    )
    if not rows:
        return
    stamp = now_text()
    for row in rows:
        for followup_id in json.loads(row["followups"]):
            if store.scalar(
                "SELECT 1 FROM followups WHERE id = ? AND done_at IS NULL AND deleted_at IS NULL",
                (int(followup_id),),
            ):
                soft_delete(store, "followup", int(followup_id))
        store.execute(
            "UPDATE mail_enrolments SET paused_at = ? WHERE sequence_id = ? AND prospect_id = ?",
            (stamp, row["sequence_id"], prospect_id),
        )


def excerpt_of(store: Store, interaction_id: int) -> tuple[str, str] | None:
    """(direction, excerpt) of an interaction logged from mail, else None."""
    rows = store.query(
        "SELECT direction, excerpt FROM mail_log WHERE interaction_id = ?", (interaction_id,)
    )
    return (str(rows[0]["direction"]), str(rows[0]["excerpt"])) if rows else None
