"""Marketing operations: segments, research notes, promotions and their results, tasks.

A promotion's status moves idea → planned → running → done (or cancelled); the first move to
running stamps ``launched_at`` and the move to done stamps ``finished_at``, which the weekly
review counts. A promotion's leads are the prospects whose source is that promotion.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dualrole.core.models import (
    MarketingTask,
    MarketingTaskIn,
    Promotion,
    PromotionIn,
    PromotionResult,
    PromotionResultIn,
    PromotionStatus,
    ResearchNote,
    ResearchNoteIn,
    Segment,
    SegmentIn,
    Stage,
)
from dualrole.services.records import (
    fetch_row,
    from_row,
    get_tags,
    insert,
    integrity_guard,
    now_text,
    set_tags,
    to_columns,
    update_versioned,
)
from dualrole.services.settings import workspace_currency
from dualrole.storage.db import Store

# --- segments ----------------------------------------------------------------------------


def create_segment(store: Store, data: SegmentIn) -> Segment:
    with store.transaction():
        segment_id = insert(store, "segments", to_columns(data))
    return get_segment(store, segment_id)


def get_segment(store: Store, segment_id: int) -> Segment:
    return from_row(Segment, fetch_row(store, "segment", segment_id))


def update_segment(store: Store, segment_id: int, version: int, data: SegmentIn) -> Segment:
    with store.transaction():
        update_versioned(store, "segment", segment_id, version, to_columns(data))
    return get_segment(store, segment_id)


def segment_choices(store: Store) -> list[tuple[str, int]]:
    rows = store.query(
        "SELECT name, id FROM segments WHERE deleted_at IS NULL ORDER BY name COLLATE NOCASE"
    )
    return [(row[0], row[1]) for row in rows]


# --- research notes ----------------------------------------------------------------------


def create_note(
    store: Store, data: ResearchNoteIn, *, interaction_id: int | None = None
) -> ResearchNote:
    with store.transaction(), integrity_guard("research note"):
        columns = to_columns(data)
        if interaction_id is not None:
            columns["interaction_id"] = interaction_id
        note_id = insert(store, "research_notes", columns)
        set_tags(store, "note_tags", "note_id", note_id, data.tags)
    return get_note(store, note_id)


def get_note(store: Store, note_id: int) -> ResearchNote:
    row = fetch_row(store, "research_note", note_id)
    return from_row(ResearchNote, row, tags=get_tags(store, "note_tags", "note_id", note_id))


def update_note(store: Store, note_id: int, version: int, data: ResearchNoteIn) -> ResearchNote:
    with store.transaction(), integrity_guard("research note"):
        update_versioned(store, "research_note", note_id, version, to_columns(data))
        set_tags(store, "note_tags", "note_id", note_id, data.tags)
    return get_note(store, note_id)


# --- promotions --------------------------------------------------------------------------


def _status_stamps(
    store: Store, status: PromotionStatus, promotion_id: int | None
) -> dict[str, str]:
    stamps: dict[str, str] = {}
    current = None
    if promotion_id is not None:
        current = fetch_row(store, "promotion", promotion_id)
    if status == PromotionStatus.running and not (current and current["launched_at"]):
        stamps["launched_at"] = now_text()
    if status == PromotionStatus.done and not (current and current["finished_at"]):
        stamps["finished_at"] = now_text()
        if not (current and current["launched_at"]):
            stamps["launched_at"] = stamps["finished_at"]
    return stamps


def create_promotion(store: Store, data: PromotionIn) -> Promotion:
    with store.transaction(), integrity_guard("promotion"):
        columns = {**to_columns(data), **_status_stamps(store, data.status, None)}
        columns["currency"] = data.currency or workspace_currency(store)
        promotion_id = insert(store, "promotions", columns)
    return get_promotion(store, promotion_id)


def get_promotion(store: Store, promotion_id: int) -> Promotion:
    return from_row(Promotion, fetch_row(store, "promotion", promotion_id))


def update_promotion(store: Store, promotion_id: int, version: int, data: PromotionIn) -> Promotion:
    with store.transaction(), integrity_guard("promotion"):
        columns = {**to_columns(data), **_status_stamps(store, data.status, promotion_id)}
        if data.currency is None:  # the form does not ask: the promotion keeps its own
            del columns["currency"]
        update_versioned(store, "promotion", promotion_id, version, columns)
    return get_promotion(store, promotion_id)


def set_promotion_status(store: Store, promotion_id: int, status: PromotionStatus) -> Promotion:
    with store.transaction():
        columns = {"status": status.value, **_status_stamps(store, status, promotion_id)}
        update_versioned(store, "promotion", promotion_id, None, columns)
    return get_promotion(store, promotion_id)


def promotion_choices(store: Store) -> list[tuple[str, int]]:
    rows = store.query(
        "SELECT name, id FROM promotions WHERE deleted_at IS NULL "
        "ORDER BY status = 'running' DESC, name COLLATE NOCASE"
    )
    return [(row[0], row[1]) for row in rows]


def log_result(store: Store, data: PromotionResultIn) -> PromotionResult:
    with store.transaction(), integrity_guard("result"):
        fetch_row(store, "promotion", data.promotion_id)
        result_id = insert(store, "promotion_results", to_columns(data))
    row = store.query("SELECT * FROM promotion_results WHERE id = ?", (result_id,))[0]
    return from_row(PromotionResult, row)


def results_for(store: Store, promotion_id: int) -> list[PromotionResult]:
    rows = store.query(
        "SELECT * FROM promotion_results WHERE promotion_id = ? ORDER BY day, id", (promotion_id,)
    )
    return [from_row(PromotionResult, row) for row in rows]


@dataclass(frozen=True)
class PromotionSummary:
    reach: int
    engagement: int
    clicks: int
    spend: int
    leads: int
    won: int
    won_value: int


def promotion_summary(store: Store, promotion_id: int) -> PromotionSummary:
    totals = store.query(
        "SELECT coalesce(sum(reach),0), coalesce(sum(engagement),0), coalesce(sum(clicks),0), "
        "coalesce(sum(spend_minor),0) FROM promotion_results WHERE promotion_id = ?",
        (promotion_id,),
    )[0]
    leads = store.query(
        "SELECT count(*), coalesce(sum(stage = ?),0), "
        "coalesce(sum(CASE WHEN stage = ? THEN value_minor END),0) "
        "FROM prospects WHERE promotion_id = ? AND deleted_at IS NULL",
        (Stage.won.value, Stage.won.value, promotion_id),
    )[0]
    return PromotionSummary(*totals, *leads)


def leads_of(store: Store, promotion_id: int, limit: int = 500) -> list[dict[str, Any]]:
    rows = store.query(
        "SELECT id, name, company, stage, value_minor, currency FROM prospects "
        "WHERE promotion_id = ? AND deleted_at IS NULL ORDER BY created_at DESC LIMIT ?",
        (promotion_id, limit),
    )
    return [dict(row) for row in rows]


# --- marketing tasks ---------------------------------------------------------------------


def create_task(store: Store, data: MarketingTaskIn) -> MarketingTask:
    with store.transaction(), integrity_guard("task"):
        task_id = insert(store, "marketing_tasks", to_columns(data))
    return get_task(store, task_id)


def get_task(store: Store, task_id: int) -> MarketingTask:
    return from_row(MarketingTask, fetch_row(store, "marketing_task", task_id))


def update_task(store: Store, task_id: int, version: int, data: MarketingTaskIn) -> MarketingTask:
    with store.transaction(), integrity_guard("task"):
        update_versioned(store, "marketing_task", task_id, version, to_columns(data))
    return get_task(store, task_id)


def complete_task(store: Store, task_id: int, done: bool = True) -> MarketingTask:
    with store.transaction():
        update_versioned(
            store, "marketing_task", task_id, None, {"done_at": now_text() if done else None}
        )
    return get_task(store, task_id)


def reschedule_task(store: Store, task_id: int, due: dt.date | None) -> MarketingTask:
    """Move a task to another day (``dualrole snooze``); None leaves it undated."""
    with store.transaction():
        update_versioned(
            store, "marketing_task", task_id, None, {"due_date": due.isoformat() if due else None}
        )
    return get_task(store, task_id)
