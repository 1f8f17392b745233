"""Captured mail of a person with several open deals: which deal each message was about.

Capture logs a message under the person's only open deal by itself
(:func:`dualrole.services.sales.log_interaction`); when the person has several, the message
is logged under none and marked (``mail_log.choose_deal``) until the owner picks one of the
person's deals, or none, here (``dualrole mail deals`` / ``mail deal``, and triage in the app).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dualrole.core.dates import clock
from dualrole.services.deals import Deal, deals_for
from dualrole.services.sales import deal_of_interaction
from dualrole.storage.db import NotFoundError, Store


@dataclass(frozen=True)
class MessageToFile:
    """A logged message whose deal the owner has not picked yet."""

    interaction_id: int
    prospect_id: int
    person: str
    direction: str
    occurred_at: dt.datetime
    subject: str
    deals: list[Deal]  # the person's deals, open ones first


def messages_to_file(store: Store) -> list[MessageToFile]:
    """Captured messages waiting for their deal, newest first."""
    rows = store.query(
        "SELECT i.id, i.prospect_id, p.name, l.direction, i.occurred_at, i.summary "
        "FROM mail_log l JOIN interactions i ON i.id = l.interaction_id "
        "JOIN prospects p ON p.id = i.prospect_id WHERE l.choose_deal = 1 "
        "AND i.deleted_at IS NULL AND p.deleted_at IS NULL "
        "ORDER BY i.occurred_at DESC, i.id DESC"
    )
    return [
        MessageToFile(
            int(row["id"]),
            int(row["prospect_id"]),
            str(row["name"]),
            str(row["direction"]),
            clock.from_db(str(row["occurred_at"])),
            str(row["summary"]),
            deals_for(store, int(row["prospect_id"])),
        )
        for row in rows
    ]


def file_under_deal(store: Store, interaction_id: int, deal_id: int | None) -> None:
    """The owner's pick for a waiting message: one of its person's deals, or none."""
    with store.transaction():
        rows = store.query(
            "SELECT i.prospect_id FROM mail_log l JOIN interactions i ON i.id = l.interaction_id "
            "WHERE l.interaction_id = ? AND l.choose_deal = 1 AND i.deleted_at IS NULL",
            (interaction_id,),
        )
        if not rows:
            raise NotFoundError(f"No message #{interaction_id} waits for its deal.")
        if deal_id is not None:
            deal_of_interaction(store, int(rows[0]["prospect_id"]), deal_id)  # one of theirs
        store.execute("UPDATE interactions SET deal_id = ? WHERE id = ?", (deal_id, interaction_id))
        store.execute(
            "UPDATE mail_log SET choose_deal = 0 WHERE interaction_id = ?", (interaction_id,)
        )
