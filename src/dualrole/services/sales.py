"""Sales operations: prospects and their stages, interactions, follow-ups. One transaction each.

Invariants kept here (bulk loads keep the same ones in :mod:`dualrole.services.bulk`):
- every stage change is recorded in ``stage_changes`` with its time (conversion is measured
  from it); moving to ``lost`` needs a reason;
- a prospect's derived columns (last contact, next follow-up) follow its interactions and
  follow-ups (:mod:`dualrole.services.derived`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dualrole.core.dates import clock
from dualrole.core.models import (
    FollowUp,
    FollowUpIn,
    Interaction,
    InteractionIn,
    LeadSource,
    Prospect,
    ProspectIn,
    ResearchKind,
    ResearchNoteIn,
    ResearchSource,
    Stage,
    StageChange,
)
from dualrole.core.parsing import email_spellings
from dualrole.core.words import counted
from dualrole.services import companies, deals
from dualrole.services.derived import refresh_next_followup
from dualrole.services.marketing import create_note
from dualrole.services.records import (
    fetch_row,
    from_row,
    get_tags,
    insert,
    integrity_guard,
    now_text,
    set_tags,
    to_column,
    to_columns,
    update_versioned,
)
from dualrole.storage.db import StorageError, Store

# --- prospects ---------------------------------------------------------------------------


def create_prospect(store: Store, data: ProspectIn, *, stage: Stage = Stage.lead) -> Prospect:
    with store.transaction(), integrity_guard("prospect"):
        stamp = now_text()
        prospect_id = insert(
            store,
            "prospects",
            {
                **to_columns(data),
                "company_id": companies.company_id_for(store, data.company),
                "stage": stage.value,
                "stage_changed_at": stamp,
                "created_at": stamp,
            },
            stamp=False,
        )
        deal_id = deals.insert_first_deal(store, prospect_id)
        store.execute(
            "INSERT INTO stage_changes(prospect_id, deal_id, from_stage, to_stage, changed_at) "
            "VALUES (?, ?, NULL, ?, ?)",
            (prospect_id, deal_id, stage.value, stamp),
        )
        set_tags(store, "prospect_tags", "prospect_id", prospect_id, data.tags)
    return get_prospect(store, prospect_id)


def get_prospect(store: Store, prospect_id: int) -> Prospect:
    row = fetch_row(store, "prospect", prospect_id)
    return from_row(
        Prospect, row, tags=get_tags(store, "prospect_tags", "prospect_id", prospect_id)
    )


def update_prospect(store: Store, prospect_id: int, version: int, data: ProspectIn) -> Prospect:
    with store.transaction(), integrity_guard("prospect"):
        columns = {**to_columns(data), "company_id": companies.company_id_for(store, data.company)}
        update_versioned(store, "prospect", prospect_id, version, columns)
        deals.follow_prospect(store, prospect_id, columns)
        set_tags(store, "prospect_tags", "prospect_id", prospect_id, data.tags)
    return get_prospect(store, prospect_id)


def require_promotion(data: ProspectIn) -> ProspectIn:
    """A person who picks the source "promotion" picks which promotion too (the forms' check)."""
    if data.source == LeadSource.promotion and data.promotion_id is None:
        raise ValueError(
            "promotion id: is required when the source is promotion; pick one, or another source"
        )
    return data


def set_value(
    store: Store, prospect_id: int, value: int | None, *, version: int | None = None
) -> Prospect:
    """Set the deal's value alone (minor units; None: no value), e.g. its final value when won."""
    with store.transaction():
        update_versioned(store, "prospect", prospect_id, version, {"value_minor": value})
        deals.follow_prospect(store, prospect_id, {"value_minor": value})
    return get_prospect(store, prospect_id)


def move_stage(
    store: Store,
    prospect_id: int,
    stage: Stage,
    *,
    reason: str | None = None,
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Prospect:
    """Move a prospect's deal to ``stage`` and record the change; lost needs a reason.

    The deal is the prospect's one open deal (none open: its latest); with several open,
    :class:`~dualrole.services.deals.AmbiguousDeal` and nothing moves. ``version`` is the
    prospect's as the user saw it (a concurrent edit is refused).
    """
    reason = (reason or "").strip() or None
    if stage == Stage.lost and not reason:
        raise ValueError("reason: say why the deal was lost (e.g. price, timing, competitor)")
    with store.transaction():
        fetch_row(store, "prospect", prospect_id)
        deal_id = deals.deal_to_move(store, prospect_id)
        if version is not None and fetch_row(store, "prospect", prospect_id)["version"] != version:
            update_versioned(store, "prospect", prospect_id, version, {})  # says why it cannot
        deals.move_deal(store, deal_id, stage, reason=reason, at=at)
    return get_prospect(store, prospect_id)


def latest_stage_change(store: Store, prospect_id: int) -> int | None:
    """The id of the prospect's most recently recorded stage change (for undo)."""
    latest = store.scalar("SELECT max(id) FROM stage_changes WHERE prospect_id = ?", (prospect_id,))
    return int(latest) if latest is not None else None


def revert_stage_change(
    store: Store, change_id: int, *, value: int | None = None, restore_value: bool = False
) -> Prospect:
    """Undo a stage change: the prospect is back where it was and the change is unrecorded.

    Only the prospect's latest change can be taken back, and only while the prospect is
    still at that change's stage; ``restore_value`` also puts the deal's value back (a move
    to won may have set its final value).
    """
    with store.transaction():
        rows = store.query("SELECT * FROM stage_changes WHERE id = ?", (change_id,))
        if not rows:
            raise StorageError("That stage change is no longer recorded; c sets any stage.")
        change = rows[0]
        prospect_id = int(change["prospect_id"])
        current = fetch_row(store, "prospect", prospect_id)
        deal_id = change["deal_id"]
        now_at = current["stage"]
        if deal_id is not None:
            now_at = store.scalar("SELECT stage FROM deals WHERE id = ?", (deal_id,))
        if (
            change["from_stage"] is None
            or latest_stage_change(store, prospect_id) != change_id
            or now_at != change["to_stage"]
        ):
            raise StorageError(f"{current['name']}'s stage changed again since; c sets any stage.")
        earlier = store.query(
            "SELECT changed_at, reason FROM stage_changes WHERE prospect_id = ? AND id < ? "
            "AND deal_id IS ? ORDER BY id DESC LIMIT 1",
            (prospect_id, change_id, deal_id),
        )
        back = Stage(change["from_stage"])
        columns: dict[str, object] = {
            "stage": back.value,
            "stage_changed_at": earlier[0]["changed_at"] if earlier else current["created_at"],
            "lost_reason": earlier[0]["reason"] if earlier and back == Stage.lost else None,
        }
        if restore_value:
            columns["value_minor"] = value
        first = deals.first_deal_id(store, prospect_id)
        if deal_id is None or deal_id == first:
            update_versioned(store, "prospect", prospect_id, None, columns)
        if deal_id is not None:
            store.execute(
                "UPDATE deals SET stage = ?, stage_changed_at = ?, lost_reason = ?"
                + (", value_minor = ?" if restore_value else "")
                + ", version = version + 1 WHERE id = ?",
                [*columns.values(), deal_id],
            )
        store.execute("DELETE FROM stage_changes WHERE id = ?", (change_id,))
    return get_prospect(store, prospect_id)


BOARD_ORDER = list(Stage)
"""The pipeline board's columns: lead … negotiation, won, lost."""


def step_stage(stage: Stage, step: int) -> Stage | None:
    """The neighbouring column of the board (``step`` -1 back, +1 forward); None past an end."""
    index = BOARD_ORDER.index(stage) + step
    return BOARD_ORDER[index] if 0 <= index < len(BOARD_ORDER) else None


def stage_history(store: Store, prospect_id: int) -> list[StageChange]:
    rows = store.query(
        "SELECT * FROM stage_changes WHERE prospect_id = ? ORDER BY changed_at, id", (prospect_id,)
    )
    return [StageChange.model_validate(dict(row)) for row in rows]


def find_by_email(store: Store, email: str) -> Prospect | None:
    row = store.scalar(
        "SELECT id FROM prospects WHERE email COLLATE NOCASE IN (?, ?) AND deleted_at IS NULL "
        "LIMIT 1",
        email_spellings(email),
    )
    return get_prospect(store, int(row)) if row else None


def attach_to_promotion(store: Store, prospect_id: int, promotion_id: int | None) -> Prospect:
    """Record that a lead came from a promotion (its source becomes that promotion)."""
    with store.transaction(), integrity_guard("lead"):
        columns: dict[str, object] = {"promotion_id": promotion_id}
        if promotion_id is not None:
            columns["source"] = "promotion"
        update_versioned(store, "prospect", prospect_id, None, columns)
    return get_prospect(store, prospect_id)


# --- interactions ------------------------------------------------------------------------


def log_interaction(store: Store, data: InteractionIn) -> Interaction:
    """Log an interaction; it becomes the prospect's last contact (resetting the cadence).

    It belongs to ``data.deal_id`` (one of the person's deals), else to the person's only
    open deal; with several open deals and none named it belongs to none."""
    occurred = data.occurred_at or clock.now()
    with store.transaction(), integrity_guard("interaction"):
        fetch_row(store, "prospect", data.prospect_id)
        columns = to_columns(data)
        columns["occurred_at"] = clock.to_db(occurred)
        columns["deal_id"] = deal_of_interaction(store, data.prospect_id, data.deal_id)
        interaction_id = insert(store, "interactions", columns)
        store.execute(
            "UPDATE prospects SET last_contact_at = ? WHERE id = ? "
            "AND (last_contact_at IS NULL OR last_contact_at < ?)",
            (columns["occurred_at"], data.prospect_id, columns["occurred_at"]),
        )
    return get_interaction(store, interaction_id)


def deal_of_interaction(store: Store, prospect_id: int, deal_id: int | None) -> int | None:
    """The deal an interaction of this person belongs to: ``deal_id`` if it is one of theirs
    (else one sentence), else their only open deal, else None."""
    if deal_id is not None:
        deal = deals.get_deal(store, deal_id)
        if deal.prospect_id != prospect_id:
            raise StorageError(f"Deal d{deal_id} is not one of this person's deals.")
        return deal_id
    open_ids = open_deal_ids(store, prospect_id)
    return open_ids[0] if len(open_ids) == 1 else None


def open_deal_ids(store: Store, prospect_id: int, limit: int = 2) -> list[int]:
    """Up to ``limit`` of the person's open deals (enough to tell none, one or several)."""
    rows = store.query(
        f"SELECT id FROM deals WHERE prospect_id = ? AND deleted_at IS NULL "
        f"AND stage IN ({deals.OPEN_LIST}) LIMIT ?",
        (prospect_id, limit),
    )
    return [int(row["id"]) for row in rows]


def deal_to_pick(store: Store, interaction: Interaction) -> bool:
    """Whether the owner should pick the deal of this (mail) interaction: it belongs to none
    and its person has several open deals (see :mod:`dualrole.services.mail_deals`)."""
    return interaction.deal_id is None and len(open_deal_ids(store, interaction.prospect_id)) > 1


def get_interaction(store: Store, interaction_id: int) -> Interaction:
    return from_row(Interaction, fetch_row(store, "interaction", interaction_id))


def interactions_for(store: Store, prospect_id: int, limit: int = 200) -> list[Interaction]:
    rows = store.query(
        "SELECT * FROM interactions WHERE prospect_id = ? AND deleted_at IS NULL "
        "ORDER BY occurred_at DESC, id DESC LIMIT ?",
        (prospect_id, limit),
    )
    return [from_row(Interaction, row) for row in rows]


def feedback_candidate(store: Store, prospect_id: int) -> Interaction | None:
    """What ``F`` sends for a prospect: its latest interaction with customer feedback (an
    outcome), else its latest interaction; None when it has none."""
    rows = store.query(
        "SELECT * FROM interactions WHERE prospect_id = ? AND deleted_at IS NULL "
        "ORDER BY trim(outcome) != '' DESC, occurred_at DESC, id DESC LIMIT 1",
        (prospect_id,),
    )
    return from_row(Interaction, rows[0]) if rows else None


def feedback_text(feedback: str) -> str:
    """What a feedback note is titled with: the feedback's first line, cut at 120."""
    first = next((line.strip() for line in feedback.splitlines() if line.strip()), "Feedback")
    if len(first) > 120:
        first = first[:119].rstrip() + "…"
    return first


def feedback_title(feedback: str, prospect_name: str) -> str:
    """A feedback note's title: the feedback's first line (cut at 120), then who said it."""
    return f"{feedback_text(feedback)} — {prospect_name}"[:200]


def send_feedback_to_marketing(
    store: Store, interaction_id: int, *, title: str | None = None, segment_id: int | None = None
) -> int:
    """Turn an interaction's customer feedback into a research note (kind feedback).

    Returns the note's id; sending the same interaction twice returns the existing note.
    """
    with store.transaction():  # read and write together: two instances send it once
        interaction = get_interaction(store, interaction_id)
        if interaction.research_note_id:
            return interaction.research_note_id
        prospect = get_prospect(store, interaction.prospect_id)
        body = interaction.summary + (f"\n\n{interaction.outcome}" if interaction.outcome else "")
        note = ResearchNoteIn(
            kind=ResearchKind.feedback,
            title=title
            or feedback_title(interaction.outcome or interaction.summary, prospect.name),
            body=body,
            source=ResearchSource.sales_feedback,
            segment_id=segment_id if segment_id is not None else prospect.segment_id,
            prospect_id=prospect.id,
        )
        note_id = create_note(store, note, interaction_id=interaction_id).id
        store.execute(
            "UPDATE interactions SET research_note_id = ?, is_feedback = 1 WHERE id = ?",
            (note_id, interaction_id),
        )
    return note_id


def send_lost_reason_to_marketing(
    store: Store,
    reason: str,
    *,
    lost: int,
    period: str,
    segments: list[tuple[str, int, str]],
    segment_id: int | None = None,
) -> tuple[int, bool]:
    """A lost reason from Insights as a research note for marketing (kind feedback).

    ``segments`` are (name, deals lost, objections recorded on the segment). Returns the
    note's id and whether it is new: the same reason for the same period is sent once.
    """
    from dualrole.core.models import ResearchNoteIn
    from dualrole.services.marketing import create_note

    title = f"Lost deals: {reason} ({lost} in {period})"[:200]
    lines = [
        f"{counted(lost, 'deal')} {'was' if lost == 1 else 'were'} lost for “{reason}” "
        f"in {period}.",
        "",
    ]
    for name, count, objections in segments:
        said = f" — objections on record: {objections}" if objections.strip() else ""
        lines.append(f"- {name}: {count}{said}")
    with store.transaction():
        existing = store.scalar(
            "SELECT id FROM research_notes WHERE kind = 'feedback' AND title = ? "
            "AND deleted_at IS NULL LIMIT 1",
            (title,),
        )
        if existing:
            return int(existing), False
        note = ResearchNoteIn(
            kind=ResearchKind.feedback,
            title=title,
            body="\n".join(lines),
            source=ResearchSource.sales_feedback,
            segment_id=segment_id,
        )
        return create_note(store, note).id, True


# --- follow-ups --------------------------------------------------------------------------


def create_followup(store: Store, data: FollowUpIn) -> FollowUp:
    with store.transaction(), integrity_guard("follow-up"):
        fetch_row(store, "prospect", data.prospect_id)
        followup_id = insert(store, "followups", to_columns(data))
        refresh_next_followup(store, data.prospect_id)
    return get_followup(store, followup_id)


def get_followup(store: Store, followup_id: int) -> FollowUp:
    return from_row(FollowUp, fetch_row(store, "followup", followup_id))


def update_followup(store: Store, followup_id: int, version: int, data: FollowUpIn) -> FollowUp:
    with store.transaction(), integrity_guard("follow-up"):
        columns = to_columns(data)
        before = fetch_row(store, "followup", followup_id)
        columns["sequence"] = int(before["sequence"]) + 1
        update_versioned(store, "followup", followup_id, version, columns)
        refresh_next_followup(store, data.prospect_id)
        if int(before["prospect_id"]) != data.prospect_id:  # moved to another prospect
            refresh_next_followup(store, int(before["prospect_id"]))
    return get_followup(store, followup_id)


@dataclass(frozen=True)
class NextFollowUp:
    """What completing a follow-up offers: the next one, ready to confirm or edit."""

    suggestion: FollowUpIn
    repeats: bool


def complete_followup(store: Store, followup_id: int) -> NextFollowUp:
    """Mark done; return the suggested next follow-up (the repeat, else one week on)."""
    with store.transaction():
        followup = get_followup(store, followup_id)
        if followup.done_at is None:
            update_versioned(store, "followup", followup_id, None, {"done_at": now_text()})
            refresh_next_followup(store, followup.prospect_id)
    today = clock.today()
    if followup.repeat_every:
        step = followup.repeat_every * (7 if followup.repeat_unit.value == "weeks" else 1)
        due = max(followup.due_date, today) + dt.timedelta(days=step)
    else:
        due = today + dt.timedelta(days=7)
    suggestion = FollowUpIn(
        prospect_id=followup.prospect_id,
        title="next",
        due_date=due,
        due_time=followup.due_time,
        repeat_every=followup.repeat_every,
        repeat_unit=followup.repeat_unit,
    ).model_copy(update={"title": followup.title})  # the title as kept, even an older row's
    return NextFollowUp(suggestion, repeats=bool(followup.repeat_every))


def reopen_followup(store: Store, followup_id: int) -> FollowUp:
    with store.transaction():
        followup = get_followup(store, followup_id)
        update_versioned(store, "followup", followup_id, None, {"done_at": None})
        refresh_next_followup(store, followup.prospect_id)
    return get_followup(store, followup_id)


_KEEP: Any = object()


def reschedule_followup(
    store: Store, followup_id: int, due: dt.date, time: dt.time | None = _KEEP
) -> FollowUp:
    """Move a follow-up to ``due``; ``time`` sets its time of day (None: none), else kept."""
    with store.transaction():
        followup = get_followup(store, followup_id)
        columns: dict[str, Any] = {"due_date": due.isoformat(), "sequence": followup.sequence + 1}
        if time is not _KEEP:
            columns["due_time"] = to_column(time)
        update_versioned(store, "followup", followup_id, None, columns)
        refresh_next_followup(store, followup.prospect_id)
    return get_followup(store, followup_id)


def snooze_followup(store: Store, followup_id: int, days: int = 1) -> FollowUp:
    """Push a follow-up ``days`` past the later of its due date and today."""
    if days < 1:
        raise StorageError("Snooze by at least one day.")
    followup = get_followup(store, followup_id)
    base = max(followup.due_date, clock.today())
    return reschedule_followup(store, followup_id, base + dt.timedelta(days=days))


def followups_for(store: Store, prospect_id: int, *, open_only: bool = False) -> list[FollowUp]:
    extra = " AND done_at IS NULL" if open_only else ""
    rows = store.query(
        f"SELECT * FROM followups WHERE prospect_id = ? AND deleted_at IS NULL{extra} "
        "ORDER BY done_at IS NOT NULL, due_date, id",
        (prospect_id,),
    )
    return [from_row(FollowUp, row) for row in rows]


def close_followups(store: Store, prospect_id: int) -> int:
    """Mark every open follow-up of a prospect done (a deal won or lost); how many were."""
    with store.transaction():
        open_ids = [f.id for f in followups_for(store, prospect_id, open_only=True)]
        for followup_id in open_ids:
            update_versioned(store, "followup", followup_id, None, {"done_at": now_text()})
        if open_ids:
            refresh_next_followup(store, prospect_id)
    return len(open_ids)
