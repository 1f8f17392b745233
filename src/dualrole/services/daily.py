"""The working day as commands: capture, agenda, done and snooze, on the app's own services.

Nothing here repeats a rule: prospects, interactions, follow-ups and stage changes go through
:mod:`dualrole.services.sales` and :mod:`~dualrole.services.marketing` with the pydantic input
models (the app's messages), and the agenda is :func:`dualrole.services.today.agenda`, the
Today screen's. What this module adds is what a command needs around them, each in one
transaction (a failure leaves nothing half-written):

- item ids that say what they are: ``f12`` is follow-up 12, ``t7`` marketing task 7
  (:func:`parse_ref`); ``dualrole today`` prints them, ``done`` and ``snooze`` take them;
- the agenda as a stable JSON document (:func:`today_document`, schema below);
- a lead source given as a source name or a promotion's name (:func:`resolve_source`).

``today_document`` (``format`` "dualrole-today", ``version`` 1)::

    {"format": "dualrole-today", "version": 1, "date": "2026-11-20",
     "counts": {"overdue": 2, "today": 1, "marketing": 1, "sales": 2},
     "items": [{"id": "f12", "role": "sales", "kind": "followup", "title": "Send proposal",
                "prospect": {"id": 3, "name": "Margaretha Quill"}, "due": "2026-11-18",
                "time": "14:30", "overdue_days": 2}, ...],
     "running_promotions": [{"id": 4, "name": "…", "detail": "12 leads · event"}],
     "idle_deals": [{"id": 9, "name": "…", "detail": "31d · proposal"}],
     "keep_in_touch": [{"id": 5, "name": "…", "detail": "every 30d"}]}

Items are overdue first (oldest due first), then due today; ``kind`` is "followup" (role
sales, with its prospect) or "task" (role marketing, ``prospect`` null); ``time`` is null
when none was set; ``overdue_days`` is 0 for today. Each section holds at most 25 entries,
as on the Today screen. New keys may be added; existing ones keep their meaning.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from dualrole import clock
from dualrole.db import StorageError, Store
from dualrole.enums import LeadSource, Stage
from dualrole.models import FollowUp, FollowUpIn, Interaction, InteractionIn, Prospect, ProspectIn
from dualrole.services import marketing, sales
from dualrole.services.today import Agenda, AgendaItem
from dualrole.textsafe import visible

FORMAT, VERSION = "dualrole-today", 1
_REF = re.compile(r"#?([ft])(\d{1,18})", re.IGNORECASE)
_KINDS = {"f": "followup", "t": "task"}
_PREFIX = {"followup": "f", "task": "t"}


@dataclass(frozen=True)
class ItemRef:
    """A follow-up (``f12``) or a marketing task (``t7``)."""

    kind: str  # "followup" or "task"
    id: int

    def __str__(self) -> str:
        return f"{_PREFIX[self.kind]}{self.id}"


def parse_ref(text: str) -> ItemRef:
    match = _REF.fullmatch((text or "").strip())
    if not match:
        raise ValueError(
            f"{visible(text)!r} is not an item id; use f12 (a follow-up) or t7 (a marketing "
            "task), as `dualrole today` prints them"
        )
    return ItemRef(_KINDS[match[1].lower()], int(match[2]))


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
    data = ProspectIn.model_validate(fields)
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
    store: Store, prospect_id: int, stage: str, *, value: str | None, reason: str | None
) -> tuple[Prospect, Stage]:
    """Move to ``stage`` (setting the deal's value first when given); returns (now, before)."""
    try:
        target = Stage(stage.strip().lower())
    except ValueError:
        raise ValueError(
            f"{visible(stage)!r} is not a stage; use one of " + ", ".join(s.value for s in Stage)
        ) from None
    with store.transaction():
        prospect = sales.get_prospect(store, prospect_id)
        before = prospect.stage
        if value is not None:
            keep = prospect.model_dump(include=set(ProspectIn.model_fields))
            data = ProspectIn.model_validate({**keep, "value": value})
            prospect = sales.update_prospect(store, prospect_id, prospect.version, data)
        moved = sales.move_stage(store, prospect_id, target, reason=reason)
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


def snooze(store: Store, ref: ItemRef, day: dt.date) -> str:
    """Move an open follow-up or task to ``day`` (today or later); returns its title."""
    if day < clock.today():
        raise ValueError(f"{day.isoformat()} is in the past; snooze to today or a later day")
    with store.transaction():
        if ref.kind == "task":
            task = marketing.get_task(store, ref.id)
            if task.done_at:
                raise StorageError(f"{ref} ({visible(task.title)}) is done; nothing to snooze.")
            marketing.reschedule_task(store, ref.id, day)
            return task.title
        followup = sales.get_followup(store, ref.id)
        if followup.done_at:
            raise StorageError(f"{ref} ({visible(followup.title)}) is done; nothing to snooze.")
        sales.reschedule_followup(store, ref.id, day)
        return followup.title


# --- the agenda --------------------------------------------------------------------------


@dataclass(frozen=True)
class DueItem:
    """One row of ``dualrole today``: a task or follow-up that is overdue or due today."""

    ref: ItemRef
    role: str
    title: str
    prospect_id: int | None
    prospect: str | None
    due: dt.date
    time: str | None
    overdue_days: int


def due_items(day: Agenda) -> list[DueItem]:
    """Overdue items (oldest first), then today's; marketing before sales within each."""
    sections = (day.marketing_overdue, day.sales_overdue, day.marketing_today, day.sales_today)
    return [_due(item, day.day) for section in sections for item in section]


def _due(item: AgendaItem, today: dt.date) -> DueItem:
    followup = item.kind == "followup"
    due = item.due or today
    return DueItem(
        ItemRef("followup" if followup else "task", item.record_id),
        "sales" if followup else "marketing",
        item.title or item.label,
        item.prospect_id,
        item.prospect or None,
        due,
        item.time or None,
        max(0, (today - due).days),
    )


def today_document(day: Agenda) -> dict[str, Any]:
    """The agenda as the documented JSON document (see the module docstring)."""
    items = due_items(day)

    def others(section: list[AgendaItem]) -> list[dict[str, Any]]:
        return [{"id": i.record_id, "name": i.label, "detail": i.detail} for i in section]

    return {
        "format": FORMAT,
        "version": VERSION,
        "date": day.day.isoformat(),
        "counts": {
            "overdue": sum(1 for i in items if i.overdue_days),
            "today": sum(1 for i in items if not i.overdue_days),
            "marketing": sum(1 for i in items if i.role == "marketing"),
            "sales": sum(1 for i in items if i.role == "sales"),
        },
        "items": [
            {
                "id": str(i.ref),
                "role": i.role,
                "kind": i.ref.kind,
                "title": i.title,
                "prospect": {"id": i.prospect_id, "name": i.prospect} if i.prospect_id else None,
                "due": i.due.isoformat(),
                "time": i.time,
                "overdue_days": i.overdue_days,
            }
            for i in items
        ],
        "running_promotions": others(day.running_promotions),
        "idle_deals": others(day.idle_deals),
        "keep_in_touch": others(day.keep_in_touch),
    }
