"""Field lists and save calls for the marketing forms (segment, note, promotion, task).

``new_form(store, tab)`` and ``edit_form(store, tab, id)`` return a ready
:class:`~dualrole.tui.dialogs.forms.FormScreen`; edits carry the record's version so a change made
meanwhile elsewhere is reported instead of overwritten. ``new_form`` takes ``values`` to
prefill (a note for a segment). ``result_form`` logs a promotion's results and
``status_form`` sets its status.
"""

from __future__ import annotations

from typing import Any

from dualrole.core.models import (
    Channel,
    MarketingTaskIn,
    Promotion,
    PromotionIn,
    PromotionResult,
    PromotionResultIn,
    PromotionStatus,
    ResearchKind,
    ResearchNoteIn,
    ResearchSource,
    SegmentIn,
)
from dualrole.core.money import format_money_input
from dualrole.services import marketing
from dualrole.storage.db import Store
from dualrole.tui.dialogs.forms import Field, FieldKind, FormScreen, enum_options


def _segments(store: Store) -> list[tuple[str, int]]:
    return marketing.segment_choices(store)


def segment_fields(values: dict[str, Any]) -> list[Field]:
    names: list[tuple[str, str, FieldKind]] = [
        ("name", "Name", "input"),
        ("description", "Description", "text"),
        ("age_range", "Age range", "input"),
        ("gender", "Gender", "input"),
        ("marital_status", "Marital status", "input"),
        ("income", "Income", "input"),
        ("education", "Education", "input"),
        ("occupation", "Occupation", "input"),
        ("location", "Location", "input"),
        ("interests", "Interests / social activities", "text"),
        ("pain_points", "Pain points", "text"),
        ("values", "Values", "text"),
        ("objections", "Objections (what stops them buying)", "text"),
    ]
    return [Field(n, label, kind, value=values.get(n) or "") for n, label, kind in names]


def note_fields(store: Store, values: dict[str, Any]) -> list[Field]:
    return [
        Field("title", "Title", value=values.get("title", "")),
        Field(
            "kind",
            "Kind",
            "select",
            options=enum_options(ResearchKind),
            value=values.get("kind", "consumer"),
            allow_blank=False,
        ),
        Field(
            "source",
            "Source",
            "select",
            options=enum_options(ResearchSource),
            value=values.get("source", "other"),
            allow_blank=False,
        ),
        Field("segment_id", "Segment", "select", _segments(store), value=values.get("segment_id")),
        Field("tags", "Tags (comma separated)", value=", ".join(values.get("tags", []))),
        Field("body", "Body (Markdown)", "text", value=values.get("body", "")),
    ]


def promotion_fields(store: Store, values: dict[str, Any]) -> list[Field]:
    return [
        Field("name", "Name", value=values.get("name", "")),
        Field("message", "Message / goal", "text", value=values.get("message", "")),
        Field(
            "channel",
            "Channel",
            "select",
            enum_options(Channel),
            value=values.get("channel", "other"),
            allow_blank=False,
        ),
        Field(
            "status",
            "Status",
            "select",
            enum_options(PromotionStatus),
            value=values.get("status", "idea"),
            allow_blank=False,
        ),
        Field("segment_id", "Segment", "select", _segments(store), value=values.get("segment_id")),
        Field("start_date", "Start", "date", value=values.get("start_date") or ""),
        Field("end_date", "End", "date", value=values.get("end_date") or ""),
        Field("budget", "Budget", value=format_money_input(values.get("budget"))),
    ]


def task_fields(store: Store, values: dict[str, Any]) -> list[Field]:
    return [
        Field("title", "Task", value=values.get("title", "")),
        Field("due_date", "Due", "date", value=values.get("due_date") or "", placeholder="fri"),
        Field(
            "promotion_id",
            "Promotion",
            "select",
            marketing.promotion_choices(store),
            value=values.get("promotion_id"),
        ),
        Field("segment_id", "Segment", "select", _segments(store), value=values.get("segment_id")),
        Field("notes", "Notes", "text", value=values.get("notes", "")),
    ]


def new_form(store: Store, tab: str, values: dict[str, Any] | None = None) -> FormScreen[Any]:
    """The form for a new record in ``tab``; ``values`` prefill fields (research notes)."""
    if tab == "segments":
        return FormScreen(
            "New segment",
            segment_fields({}),
            SegmentIn,
            lambda data: marketing.create_segment(store, data),
            side="marketing",
        )
    if tab == "research":
        return FormScreen(
            "New research note",
            note_fields(store, values or {}),
            ResearchNoteIn,
            lambda data: marketing.create_note(store, data),
            side="marketing",
        )
    if tab == "promotions":
        return FormScreen(
            "New promotion",
            promotion_fields(store, {}),
            PromotionIn,
            lambda data: marketing.create_promotion(store, data),
            side="marketing",
        )
    return FormScreen(
        "New marketing task",
        task_fields(store, {}),
        MarketingTaskIn,
        lambda data: marketing.create_task(store, data),
        side="marketing",
    )


def edit_form(store: Store, tab: str, record_id: int) -> FormScreen[Any]:
    """The form editing record ``record_id`` of ``tab`` (raises NotFoundError if gone)."""
    if tab == "segments":
        segment = marketing.get_segment(store, record_id)
        return FormScreen(
            f"Edit segment: {segment.name}",
            segment_fields(segment.model_dump()),
            SegmentIn,
            lambda data: marketing.update_segment(store, record_id, segment.version, data),
            side="marketing",
        )
    if tab == "research":
        note = marketing.get_note(store, record_id)
        return FormScreen(
            f"Edit note: {note.title}",
            note_fields(store, note.model_dump(mode="json")),
            ResearchNoteIn,
            lambda data: marketing.update_note(store, record_id, note.version, data),
            fixed={"prospect_id": note.prospect_id},
            side="marketing",
        )
    if tab == "promotions":
        promotion = marketing.get_promotion(store, record_id)
        return FormScreen(
            f"Edit promotion: {promotion.name}",
            promotion_fields(store, promotion.model_dump(mode="json")),
            PromotionIn,
            lambda data: marketing.update_promotion(store, record_id, promotion.version, data),
            side="marketing",
        )
    task = marketing.get_task(store, record_id)
    return FormScreen(
        f"Edit task: {task.title}",
        task_fields(store, task.model_dump(mode="json")),
        MarketingTaskIn,
        lambda data: marketing.update_task(store, record_id, task.version, data),
        side="marketing",
    )


COUNT_FIELDS = ("reach", "engagement", "clicks")


def _count(text: str) -> str:
    """``12,400`` / ``12 400`` → ``12400``; anything else is left for validation to explain."""
    squeezed = text.replace(",", "").replace("_", "").replace(" ", "").replace("\u202f", "")
    return squeezed if squeezed.isdigit() else text


def result_form(store: Store, promotion: Promotion) -> FormScreen[PromotionResult]:
    """Log a promotion's results for a day: reach, engagement, clicks, spend (blank = 0)."""
    fields = [
        Field("day", "Day", "date", value="today", placeholder="today, mon, 2026-11-16", past=True),
        Field("reach", "Reach / impressions", placeholder="12,400"),
        Field("engagement", "Engagement (likes, replies, shares…)", placeholder="0"),
        Field("clicks", "Clicks", placeholder="0"),
        Field("spend", "Spend for this period", placeholder="120 or 120.50"),
    ]

    def save(data: dict[str, Any]) -> PromotionResult:
        clean = {
            name: _count(value) if name in COUNT_FIELDS else value
            for name, value in data.items()
            if str(value).strip()
        }
        payload = PromotionResultIn.model_validate({**clean, "promotion_id": promotion.id})
        return marketing.log_result(store, payload)

    return FormScreen(f"Log result: {promotion.name}", fields, None, save, side="marketing")


def status_form(store: Store, promotion: Promotion) -> FormScreen[Promotion]:
    """Set a promotion's status to any value (cancelled included)."""
    fields = [
        Field(
            "status",
            "Status",
            "select",
            enum_options(PromotionStatus),
            value=promotion.status.value,
            allow_blank=False,
        )
    ]

    def save(data: dict[str, Any]) -> Promotion:
        status = PromotionStatus(data["status"])
        return marketing.set_promotion_status(store, promotion.id, status)

    return FormScreen(f"Status: {promotion.name}", fields, None, save, side="marketing")
