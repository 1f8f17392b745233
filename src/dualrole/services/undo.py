"""The changes ``u`` takes back, newest first: one history for the whole app.

The app holds one :class:`UndoHistory`. Whatever screen marks a task or follow-up done (or
reopens a task), snoozes, deletes or changes a deal's stage records a :class:`Step` built
here; ``u`` on any screen takes back the latest step of any kind, one at a time, and says
what it took back. A step puts things back through the services; one whose record changed
meanwhile (deleted or moved on elsewhere) fails with the service's sentence and is dropped.

The services are imported when a step is built, not with this module: the app creates its
history before its first frame.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dualrole.storage.db import Store

if TYPE_CHECKING:
    from dualrole.core.models import Prospect
    from dualrole.services.daily import Snoozed
    from dualrole.services.deals import Deal


@dataclass(frozen=True)
class Step:
    """One change that can be taken back: what it was, in words, and how to revert it."""

    said: str
    """What was done, as the undo toast says it: ``marked 'Call Anna' done``."""
    revert: Callable[[Store], object]


class UndoHistory:
    """The app's undoable changes, oldest first; ``undo`` takes back the newest."""

    LIMIT = 100
    """Steps kept; older ones can no longer be undone (a delete stays in the trash)."""

    def __init__(self) -> None:
        self._steps: list[Step] = []

    def __len__(self) -> int:
        return len(self._steps)

    def record(self, step: Step | None) -> None:
        """Remember a change just made (None: nothing changed, nothing to remember)."""
        if step is None:
            return
        self._steps.append(step)
        del self._steps[: -self.LIMIT]

    def undo(self, store: Store) -> Step | None:
        """Take back the newest change; None when there is none.

        The step leaves the history even when reverting fails (its record changed meanwhile):
        the next ``u`` goes on to the change before it.
        """
        if not self._steps:
            return None
        step = self._steps.pop()
        step.revert(store)
        return step


# --- the steps ---------------------------------------------------------------------------


def marked_done(kind: str, record_id: int, title: str, *, done: bool = True) -> Step:
    """A task or follow-up ticked done (or a task reopened: ``done=False``)."""
    from dualrole.services import marketing, sales

    def revert(store: Store) -> object:
        if kind == "task":
            return marketing.complete_task(store, record_id, not done)
        return sales.reopen_followup(store, record_id)

    return Step(f"marked {title!r} done" if done else f"reopened {title!r}", revert)


def snoozed(snooze: Snoozed, day: dt.date) -> Step:
    """A follow-up or task moved to ``day``; undone, it is due when it was before."""
    from dualrole.services import daily

    return Step(
        f"snoozed {snooze.title!r} to {day:%a %-d %b}",
        lambda store: daily.unsnooze(store, snooze),
    )


def deleted(entity: str, record_id: int, label: str) -> Step:
    """A record moved to the trash; undone, that record (not merely the newest) comes back."""
    from dualrole.services import records

    return Step(
        f"deleted {label!r}", lambda store: records.restore_deleted(store, entity, record_id)
    )


def stage_changed(store: Store, before: Prospect, after: Prospect) -> Step | None:
    """A deal moved from ``before``'s stage to ``after``'s (None if it did not move).

    Undone, it is back at its stage with its value (a move to won may set the final value)
    and the change is no longer recorded.
    """
    if before.stage == after.stage:
        return None
    from dualrole.services import sales

    change_id = sales.latest_stage_change(store, after.id)
    if change_id is None:
        return None
    restore_value = before.value != after.value
    return Step(
        f"moved {after.name!r} {before.stage.value} → {after.stage.value}",
        lambda own: sales.revert_stage_change(
            own, change_id, value=before.value, restore_value=restore_value
        ),
    )


def deal_moved(store: Store, before: Deal) -> Step | None:
    """The deal ``before`` moved to another stage since (any deal of a person's, a repeat sale
    too; None if it did not move). Undone, it is back at its stage with its value and the
    change is no longer recorded, as :func:`stage_changed` does for a person's deal."""
    from dualrole.services import deals, sales

    after = deals.get_deal(store, before.id)
    if after.stage == before.stage:
        return None
    change_id = store.scalar("SELECT max(id) FROM stage_changes WHERE deal_id = ?", (before.id,))
    if change_id is None:
        return None
    restore_value = before.value_minor != after.value_minor
    return Step(
        f"moved {after.person!r} · {after.title!r} {before.stage.value} → {after.stage.value}",
        lambda own: sales.revert_stage_change(
            own, int(change_id), value=before.value_minor, restore_value=restore_value
        ),
    )


def deal_moved_since(store: Store, before: list[Deal], last_change: int | None) -> Step | None:
    """Of a person's deals as they were (``before``, when their latest recorded change was
    ``last_change``), the one moved since, as :func:`deal_moved` (the stage form may move
    any of them); None if none moved."""
    if not before:
        return None
    from dualrole.services import sales

    change = sales.latest_stage_change(store, before[0].prospect_id)
    if change is None or change == last_change:
        return None
    moved = store.scalar("SELECT deal_id FROM stage_changes WHERE id = ?", (change,))
    deal = next((deal for deal in before if deal.id == moved), None)
    return deal_moved(store, deal) if deal is not None else None
