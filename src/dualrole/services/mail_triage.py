"""Mail triage: people not yet prospects who wrote, until the owner decides about each.

Their messages wait in ``mail_waiting`` (:func:`dualrole.services.mail.record_batch` puts them
there). Making a lead (name and company guessed from the message), linking the address to a
prospect (a second address) or ignoring it forever settles them; waiting messages of a lead
or a link become its interactions at once. Nothing becomes a prospect without the owner.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dualrole.core.dates import clock
from dualrole.core.models import LeadSource, Prospect, ProspectIn
from dualrole.services.mail import CapturedMail, log_message, prospect_for_address
from dualrole.services.records import now_text
from dualrole.services.sales import create_prospect, get_prospect
from dualrole.storage.db import NotFoundError, Store

FREE_MAIL = frozenset(
    "gmail.com googlemail.com outlook.com hotmail.com live.com msn.com yahoo.com icloud.com "
    "me.com mac.com aol.com proton.me protonmail.com gmx.de gmx.net gmx.com web.de "
    "fastmail.com fastmail.fm mail.com yandex.ru zoho.com posteo.de mailbox.org hey.com".split()
)


@dataclass(frozen=True)
class TriageEntry:
    address: str
    name: str
    organisation: str
    subject: str
    last_at: dt.datetime
    messages: int


# --- triage ------------------------------------------------------------------------------


def triage(store: Store) -> list[TriageEntry]:
    """Unknown people who wrote to the owner, newest first (one entry per address)."""
    rows = store.query(
        "SELECT address, max(occurred_at) AS last_at, count(*) AS messages FROM mail_waiting "
        "WHERE address NOT IN (SELECT address FROM mail_ignored) GROUP BY address "
        "HAVING sum(direction = 'in') > 0 ORDER BY last_at DESC, address"
    )
    entries = []
    for row in rows:
        latest = store.query(
            "SELECT name, organisation, subject FROM mail_waiting WHERE address = ? "
            "ORDER BY direction = 'in' DESC, occurred_at DESC LIMIT 1",
            (row["address"],),
        )[0]
        entries.append(
            TriageEntry(
                str(row["address"]),
                str(latest["name"]),
                str(latest["organisation"]),
                str(latest["subject"]),
                clock.from_db(str(row["last_at"])),
                int(row["messages"]),
            )
        )
    return entries


def release_known(store: Store) -> int:
    """Waiting mail of people who became prospects meanwhile (added by hand, imported) is
    logged for them; returns how many addresses were settled."""
    settled = 0
    with store.transaction():
        for row in store.query("SELECT DISTINCT address FROM mail_waiting"):
            prospect_id = prospect_for_address(store, str(row["address"]))
            if prospect_id is not None:
                _release(store, str(row["address"]), prospect_id)
                settled += 1
    return settled


def _waiting_address(store: Store, address: str) -> str:
    found = store.scalar(
        "SELECT address FROM mail_waiting WHERE address = ? LIMIT 1", (address.strip(),)
    )
    if found is None:
        raise NotFoundError(f"No message from {address.strip()} is waiting in triage.")
    return str(found)


def guess_lead(store: Store, address: str) -> ProspectIn:
    """A lead from the address's messages: its display name and company (the message's
    organisation, else the domain unless it is a free mail provider)."""
    address = _waiting_address(store, address)
    row = store.query(
        "SELECT name, organisation FROM mail_waiting WHERE address = ? "
        "ORDER BY name = '', direction = 'in' DESC, occurred_at DESC LIMIT 1",
        (address,),
    )[0]
    local, _, domain = address.lower().partition("@")
    name = str(row["name"]) or local.replace(".", " ").replace("_", " ").title()
    company = str(row["organisation"]) or None
    if company is None and domain not in FREE_MAIL:
        labels = domain.split(".")[:-1]  # without the top-level domain
        if len(labels) > 1 and labels[-1] in {"co", "com", "org", "net", "ac", "gov", "edu"}:
            labels = labels[:-1]  # acme.co.uk, acme.com.au
        company = labels[-1].replace("-", " ").title() if labels else None
    return ProspectIn(
        name=name, company=company, email=address, source=LeadSource.inbound, tags=["email"]
    )


def make_lead(store: Store, address: str, data: ProspectIn | None = None) -> Prospect:
    """Make a lead of a waiting address; its waiting messages become its interactions."""
    data = data or guess_lead(store, address)
    address = _waiting_address(store, address)
    known = prospect_for_address(store, address)
    if known is not None:  # became a prospect meanwhile: its mail goes there, no duplicate
        return link_address(store, address, known)
    with store.transaction():
        prospect = create_prospect(store, data)
        if (prospect.email or "").lower() != address.lower():
            _add_address(store, address, prospect.id)
        _release(store, address, prospect.id)
    return get_prospect(store, prospect.id)


def link_address(store: Store, address: str, prospect_id: int) -> Prospect:
    """Give a prospect a second address; its waiting messages become its interactions."""
    address = _waiting_address(store, address)
    with store.transaction():
        prospect = get_prospect(store, prospect_id)
        if (prospect.email or "").lower() != address.lower():
            _add_address(store, address, prospect.id)
        _release(store, address, prospect.id)
    return get_prospect(store, prospect_id)


def ignore_address(store: Store, address: str) -> int:
    """Never show this sender again; its waiting messages are dropped. Returns how many."""
    address = _waiting_address(store, address)
    with store.transaction():
        store.execute(
            "INSERT OR IGNORE INTO mail_ignored(address, created_at) VALUES (?, ?)",
            (address, now_text()),
        )
        dropped = store.execute("DELETE FROM mail_waiting WHERE address = ?", (address,))
        _settle(store)
    return int(dropped.rowcount)


def _add_address(store: Store, address: str, prospect_id: int) -> None:
    store.execute(
        "INSERT INTO mail_addresses(address, prospect_id, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT(address) DO UPDATE SET prospect_id = excluded.prospect_id",
        (address, prospect_id, now_text()),
    )


def _release(store: Store, address: str, prospect_id: int) -> None:
    rows = store.query(
        "SELECT * FROM mail_waiting WHERE address = ? ORDER BY occurred_at, id", (address,)
    )
    for row in rows:
        message = CapturedMail(
            key=str(row["message_key"]),
            sender=None,
            recipients=(),
            occurred_at=clock.from_db(str(row["occurred_at"])),
            subject=str(row["subject"]),
            excerpt=str(row["excerpt"]),
        )
        log_message(store, prospect_id, message.key, str(row["direction"]), message)
    store.execute("DELETE FROM mail_waiting WHERE address = ?", (address,))
    _settle(store)


def _settle(store: Store) -> None:
    """Messages no longer waiting for anyone are marked by what became of them."""
    store.execute(
        "UPDATE mail_messages SET status = CASE WHEN EXISTS (SELECT 1 FROM mail_log l "
        "WHERE l.message_key = mail_messages.key) THEN 'logged' ELSE 'ignored' END "
        "WHERE status = 'waiting' AND NOT EXISTS (SELECT 1 FROM mail_waiting w "
        "WHERE w.message_key = mail_messages.key)"
    )
