"""A prospect's derived columns, kept right by every writer (single rows and bulk loads).

- ``prospects.last_contact_at`` is the latest live interaction (it also resets the
  keep-in-touch cadence);
- ``prospects.next_followup_date`` is the earliest open follow-up (it backs the "sort by
  next follow-up" index).

Called inside the caller's transaction; nothing here opens one.
"""

from __future__ import annotations

from dualrole.storage.db import Store

_LAST_CONTACT = (
    "(SELECT max(occurred_at) FROM interactions "
    "WHERE prospect_id = prospects.id AND deleted_at IS NULL)"
)
_NEXT_FOLLOWUP = (
    "(SELECT min(due_date) FROM followups "
    "WHERE prospect_id = prospects.id AND done_at IS NULL AND deleted_at IS NULL)"
)


def refresh_last_contact(store: Store, prospect_id: int) -> None:
    """Last contact of one prospect."""
    store.execute(
        f"UPDATE prospects SET last_contact_at = {_LAST_CONTACT} WHERE id = ?", (prospect_id,)
    )


def refresh_next_followup(store: Store, prospect_id: int) -> None:
    """Next open follow-up of one prospect."""
    store.execute(
        f"UPDATE prospects SET next_followup_date = {_NEXT_FOLLOWUP} WHERE id = ?",
        (prospect_id,),
    )
