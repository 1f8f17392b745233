"""The working day as commands: capture, agenda, done and snooze, on the app's own services.

Nothing here repeats a rule: prospects, interactions, follow-ups and stage changes go through
:mod:`dualrole.services.sales` and :mod:`~dualrole.services.marketing` with the pydantic input
models (the app's messages), and the agenda is :func:`dualrole.services.today.agenda`, the
Today screen's. What this module adds is what a command needs around them, each in one
transaction (a failure leaves nothing half-written): a new prospect whose email is not on
file yet, ``log --feedback`` (interaction + research note), ``stage --value`` (value +
stage change), ``done`` (a repeating follow-up schedules its next one), ``snooze`` (to today or
later), and a lead source given as a source name or a promotion's name
(:func:`resolve_source`). Item ids (``f12``, ``t7``) and the agenda's JSON document live in
:mod:`dualrole.services.due`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dualrole.core.dates import clock
from dualrole.core.dates.when import format_day, next_business_day, next_week_start
from dualrole.core.enums import LeadSource, Stage
from dualrole.core.models import (
    DealValueIn,
    FollowUp,
    FollowUpIn,
    Interaction,
    InteractionIn,
    Prospect,
    ProspectIn,
)
from dualrole.core.printable import visible
from dualrole.services import deals, marketing, sales
from dualrole.services.due import ItemRef
from dualrole.services.settings import business_days, get_setting, week_start, workspace_currency
from dualrole.storage.db import StorageError, Store

# --- capture -----------------------------------------------------------------------------


def resolve_source(store: Store, text: str | None) -> dict[str, Any]:
    """``--source``: a lead source (referral, inbound…) or the name of a promotion."""
    value = (text or "").strip()
    if not value:
        return {}
    if value.lower() in {s.value for s in LeadSource} and value.lower() != "promotion":
        return {"source": value.lower()}
    rows = store.query(
        "SELECT id FROM promotions WHERE deleted_at IS NULL AND name = ? COLLATE NOCASE LIMIT 2",
        (value,),
    )
    if len(rows) == 1:
        return {"promotion_id": int(rows[0]["id"])}
    names = ", ".join(s.value for s in LeadSource if s != LeadSource.promotion)
    raise ValueError(
        f"source: {visible(value)!r} is neither a lead source ({names}) nor the name of "
        "one promotion"
    )


def add_prospect(store: Store, fields: dict[str, Any], stage: str = "lead") -> Prospect:
    """A new prospect from ``fields`` (ProspectIn's); refuses an email already on file."""
    try:
        chosen = Stage(stage.strip().lower())
    except ValueError:
        raise ValueError(
            f"stage: {visible(stage)!r} is not a stage; use one of "
            + ", ".join(s.value for s in Stage)
        ) from None
    cadence = fields.get("keep_in_touch_days") or get_setting(store, "keep_in_touch_days") or None
    data = ProspectIn.model_validate(
        {
            **fields,
            "currency": fields.get("currency") or workspace_currency(store),
            "keep_in_touch_days": cadence,
        }
    )
    with store.transaction():
        if data.email:
            existing = sales.find_by_email(store, data.email)
            if existing:
                raise StorageError(
                    f"{data.email} is already prospect #{existing.id} "
                    f"({visible(existing.name)}); nothing was added."
                )
        return sales.create_prospect(store, data, stage=chosen)


def log(
    store: Store, fields: dict[str, Any], *, feedback: bool = False
) -> tuple[Interaction, int | None]:
    """Log an interaction; with ``feedback`` also file it as a marketing research note."""
    data = InteractionIn.model_validate({**fields, "is_feedback": feedback})
    with store.transaction():
        interaction = sales.log_interaction(store, data)
        note_id = sales.send_feedback_to_marketing(store, interaction.id) if feedback else None
    return interaction, note_id


def schedule(store: Store, fields: dict[str, Any], repeat: tuple[int, str] | None) -> FollowUp:
    """A follow-up from ``fields`` (FollowUpIn's), repeating every ``repeat`` if given."""
    if repeat:
        fields = {**fields, "repeat_every": repeat[0], "repeat_unit": repeat[1]}
    return sales.create_followup(store, FollowUpIn.model_validate(fields))


def change_stage(
    store: Store,
    prospect_id: int,
    stage: str,
    *,
    value: str | None,
    reason: str | None,
    version: int | None = None,
) -> tuple[Prospect, Stage]:
    """Move to ``stage`` (setting the deal's value first when given: a won deal's final value;
    blank clears it); returns (now, before). ``version``: the one the user saw (conflicts)."""
    try:
        target = Stage(stage.strip().lower())
    except ValueError:
        raise ValueError(
            f"{visible(stage)!r} is not a stage; use one of " + ", ".join(s.value for s in Stage)
        ) from None
    with store.transaction():
        prospect = sales.get_prospect(store, prospect_id)
        before = prospect.stage
        deal_id = deals.deal_to_move(store, prospect_id)  # several open: the owner names one
        if deal_id != deals.first_deal_id(store, prospect_id):
            deals.change_deal_stage(store, deal_id, target.value, value=value, reason=reason)
            return sales.get_prospect(store, prospect_id), before
        if value is not None:
            amount = DealValueIn.model_validate({"value": value}).value
            if amount != prospect.value:
                sales.set_value(store, prospect_id, amount, version=version)
                version = None  # checked, and moved on by the value
        moved = sales.move_stage(store, prospect_id, target, reason=reason, version=version)
    return moved, before


# --- done and snooze ---------------------------------------------------------------------


@dataclass(frozen=True)
class Done:
    title: str
    prospect: str | None
    next_followup: FollowUp | None = None


def complete(store: Store, ref: ItemRef) -> Done:
    """Tick off a follow-up or task; a repeating follow-up gets its next one scheduled."""
    with store.transaction():
        if ref.kind == "task":
            task = marketing.get_task(store, ref.id)
            if task.done_at:
                raise StorageError(f"{ref} ({visible(task.title)}) is already done.")
            marketing.complete_task(store, ref.id)
            return Done(task.title, None)
        followup = sales.get_followup(store, ref.id)
        if followup.done_at:
            raise StorageError(f"{ref} ({visible(followup.title)}) is already done.")
        offer = sales.complete_followup(store, ref.id)
        upcoming = sales.create_followup(store, offer.suggestion) if offer.repeats else None
        name = sales.get_prospect(store, followup.prospect_id).name
    return Done(followup.title, name, upcoming)


@dataclass(frozen=True)
class Snoozed:
    """What a snooze did: the item's title and when it was due before (for undo)."""

    ref: ItemRef
    title: str
    was_due: dt.date | None
    was_time: dt.time | None = None


def snooze_day(store: Store, *, week: bool = False) -> dt.date:
    """Where ``z`` (and ``dualrole snooze`` without WHEN) moves an item: the next business
    day (Monday to Friday unless the ``business_days`` setting says otherwise, so Friday →
    Monday); ``week`` (``Z``): the first business day of next week (weeks start on the
    ``week_start`` setting's day)."""
    days = business_days(store)
    today = clock.today()
    if week:
        return next_week_start(today, days, week_start(store))
    return next_business_day(today, days)


def snooze(store: Store, ref: ItemRef, day: dt.date, time: dt.time | None = None) -> Snoozed:
    """Move an open follow-up or task to ``day`` (today or later); a follow-up can take a
    ``time`` too (a task is due on a day only), else it keeps its own."""
    if day < clock.today():
        raise ValueError(f"{day.isoformat()} is in the past; snooze to today or a later day")
    if time is not None and ref.kind == "task":
        raise ValueError(
            f"a marketing task is due on a day, not at a time; snooze {ref} to a day such as "
            f"{format_day(day)}"
        )
    with store.transaction():
        if ref.kind == "task":
            task = marketing.get_task(store, ref.id)
            if task.done_at:
                raise StorageError(f"{ref} ({visible(task.title)}) is done; nothing to snooze.")
            marketing.reschedule_task(store, ref.id, day)
            return Snoozed(ref, task.title, task.due_date)
        followup = sales.get_followup(store, ref.id)
        if followup.done_at:
            raise StorageError(f"{ref} ({visible(followup.title)}) is done; nothing to snooze.")
        sales.reschedule_followup(store, ref.id, day, followup.due_time if time is None else time)
        return Snoozed(ref, followup.title, followup.due_date, followup.due_time)


def unsnooze(store: Store, snoozed: Snoozed) -> Snoozed:
    """Undo :func:`snooze`: the item is due when it was before (an undated task stays so)."""
    with store.transaction():
        if snoozed.ref.kind == "task":
            marketing.reschedule_task(store, snoozed.ref.id, snoozed.was_due)
        elif snoozed.was_due is not None:
            sales.reschedule_followup(store, snoozed.ref.id, snoozed.was_due, snoozed.was_time)
    return snoozed
