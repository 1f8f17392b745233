"""Sales actions usable wherever a prospect is selected (Today, Sales lists, prospect page).

A screen mixes in :class:`ProspectActions`, implements ``selected_prospect_id()`` (and
optionally ``selected_interaction_id()``), adds :data:`PROSPECT_BINDINGS` to its BINDINGS and
overrides ``after_change()`` to reload its lists. Keys: ``l`` log an interaction, ``F`` send
its feedback to marketing, ``c`` change stage (lost asks why), ``f`` new follow-up,
``e`` edit the prospect. Completing a follow-up offers the next one in a prefilled form.
"""

from __future__ import annotations

from typing import Any

from textual.binding import Binding

from dualrole.db import Store
from dualrole.models import (
    FollowUpIn,
    InteractionIn,
    InteractionKind,
    LeadSource,
    Prospect,
    ProspectIn,
    RepeatUnit,
    Stage,
)
from dualrole.parsing import format_money_input
from dualrole.services import marketing, sales
from dualrole.tui.forms import Field, FormScreen

PROSPECT_BINDINGS = [
    Binding("l", "log", "Log", id="prospect.log", tooltip="Log a call, email, meeting…"),
    Binding("F", "feedback", "Feedback→mkt", id="prospect.feedback", tooltip="Send to marketing"),
    Binding("c", "stage", "Stage", id="prospect.stage", tooltip="Change the deal's stage"),
    Binding(
        "f", "followup", "Follow-up", show=False, id="prospect.followup", tooltip="Schedule one"
    ),
]


def _enum(enum: Any) -> list[tuple[str, str]]:
    return [(member.value, member.value) for member in enum]


def prospect_form(store: Store, prospect: Prospect | None = None) -> FormScreen[Prospect]:
    values: dict[str, Any] = prospect.model_dump(mode="json") if prospect else {}
    fields = [
        Field("name", "Name", value=values.get("name", "")),
        Field("company", "Company", value=values.get("company") or ""),
        Field("title", "Job title", value=values.get("title") or ""),
        Field("email", "Email", value=values.get("email") or ""),
        Field("phone", "Phone", value=values.get("phone") or ""),
        Field("website", "Website", value=values.get("website") or ""),
        Field("value", "Deal value", value=format_money_input(values.get("value"))),
        Field("currency", "Currency", value=values.get("currency", "EUR")),
        Field(
            "source",
            "Source",
            "select",
            _enum(LeadSource),
            value=values.get("source", "other"),
            allow_blank=False,
        ),
        Field(
            "promotion_id",
            "From promotion",
            "select",
            marketing.promotion_choices(store),
            value=values.get("promotion_id"),
        ),
        Field(
            "segment_id",
            "Segment",
            "select",
            marketing.segment_choices(store),
            value=values.get("segment_id"),
        ),
        Field("tags", "Tags (comma separated)", value=", ".join(values.get("tags", []))),
        Field(
            "keep_in_touch_days",
            "Keep in touch every N days",
            value=values.get("keep_in_touch_days") or "",
        ),
        Field("notes", "Notes (Markdown)", "text", value=values.get("notes", "")),
    ]
    if prospect is None:
        return FormScreen(
            "New prospect",
            fields,
            ProspectIn,
            lambda data: sales.create_prospect(store, data),
            side="sales",
        )
    return FormScreen(
        f"Edit prospect: {prospect.name}",
        fields,
        ProspectIn,
        lambda data: sales.update_prospect(store, prospect.id, prospect.version, data),
        side="sales",
    )


def followup_form(
    store: Store, prospect_id: int, suggestion: FollowUpIn | None = None, *, intro: str = ""
) -> FormScreen[Any]:
    values = suggestion.model_dump(mode="json") if suggestion else {}
    fields = [
        Field("title", "What", value=values.get("title", "")),
        Field("due_date", "Due", "date", value=values.get("due_date", ""), placeholder="fri"),
        Field("due_time", "Time (optional)", value=(values.get("due_time") or "")[:5]),
        Field("repeat_every", "Repeat every (blank: once)", value=values.get("repeat_every") or ""),
        Field(
            "repeat_unit",
            "Repeat unit",
            "select",
            _enum(RepeatUnit),
            value=values.get("repeat_unit", "days"),
            allow_blank=False,
        ),
    ]
    title = "Next follow-up" if suggestion else "New follow-up"
    return FormScreen(
        title,
        fields,
        FollowUpIn,
        lambda data: sales.create_followup(store, data),
        fixed={"prospect_id": prospect_id},
        side="sales",
        intro=intro,
    )


def followup_edit_form(store: Store, followup_id: int) -> FormScreen[Any]:
    followup = sales.get_followup(store, followup_id)
    form = followup_form(store, followup.prospect_id, None)
    values = followup.model_dump(mode="json")
    values["due_time"] = (values.get("due_time") or "")[:5]
    for field in form.fields:
        value = values.get(field.name)
        field.value = value if value is not None else ""
    form.title_text = f"Edit follow-up: {followup.title}"
    form.save_callback = lambda data: sales.update_followup(
        store, followup_id, followup.version, data
    )
    return form


class ProspectActions:
    """Mixin for screens where a prospect can be selected."""

    app: Any
    store: Store

    def selected_prospect_id(self) -> int | None:
        raise NotImplementedError

    def selected_interaction_id(self) -> int | None:
        """The interaction whose feedback ``F`` sends; default: the prospect's latest."""
        prospect_id = self.selected_prospect_id()
        if prospect_id is None:
            return None
        latest = sales.interactions_for(self.store, prospect_id, limit=1)
        return latest[0].id if latest else None

    def after_change(self) -> None:
        """Reload whatever shows the changed records (override)."""

    def _need_prospect(self) -> int | None:
        prospect_id = self.selected_prospect_id()
        if prospect_id is None:
            self.notify("Select a prospect first.")  # type: ignore[attr-defined]
        return prospect_id

    def _saved(self, message: str) -> Any:
        def done(result: Any) -> None:
            if result is not None:
                self.after_change()
                self.notify(message)  # type: ignore[attr-defined]

        return done

    def action_log(self) -> None:
        prospect_id = self._need_prospect()
        if prospect_id is None:
            return
        prospect = self.attempt(sales.get_prospect, self.store, prospect_id)  # type: ignore[attr-defined]
        if prospect is None:
            return
        fields = [
            Field("summary", "Summary", placeholder="Intro call — wants a proposal by Friday"),
            Field("kind", "Kind", "select", _enum(InteractionKind), "call", allow_blank=False),
            Field("outcome", "Outcome / customer feedback", "text"),
        ]
        form = FormScreen(
            f"Log interaction: {prospect.name}",
            fields,
            InteractionIn,
            lambda data: sales.log_interaction(self.store, data),
            fixed={"prospect_id": prospect_id},
            side="sales",
        )
        self.app.push_screen(form, self._saved("Logged — F sends its feedback to marketing."))

    def action_feedback(self) -> None:
        interaction_id = self.selected_interaction_id()
        if interaction_id is None:
            self.notify("No interaction to send; log one with l first.")  # type: ignore[attr-defined]
            return
        note_id = self.attempt(  # type: ignore[attr-defined]
            sales.send_feedback_to_marketing, self.store, interaction_id
        )
        if note_id is not None:
            self.after_change()
            self.notify(f"Sent to marketing as feedback note #{note_id} (Marketing › Research).")  # type: ignore[attr-defined]

    def action_stage(self) -> None:
        prospect_id = self._need_prospect()
        if prospect_id is None:
            return
        prospect = self.attempt(sales.get_prospect, self.store, prospect_id)  # type: ignore[attr-defined]
        if prospect is None:
            return
        fields = [
            Field(
                "stage", "Stage", "select", _enum(Stage), prospect.stage.value, allow_blank=False
            ),
            Field("reason", "Reason (required for lost)", placeholder="price, timing, competitor…"),
        ]

        def save(data: dict[str, Any]) -> Prospect:
            return sales.move_stage(
                self.store,
                prospect_id,
                Stage(data["stage"]),
                reason=data.get("reason"),
                version=prospect.version,
            )

        form = FormScreen(f"Stage: {prospect.name}", fields, None, save, side="sales")
        self.app.push_screen(form, self._saved("Stage changed."))

    def action_followup(self) -> None:
        prospect_id = self._need_prospect()
        if prospect_id is not None:
            form = followup_form(self.store, prospect_id)
            self.app.push_screen(form, self._saved("Follow-up scheduled."))

    def complete_followup(self, followup_id: int) -> None:
        """Mark done, then offer the next one (prefilled; escape skips it)."""
        offer = self.attempt(sales.complete_followup, self.store, followup_id)  # type: ignore[attr-defined]
        if offer is None:
            return
        self.after_change()
        intro = "Done. " + (
            "It repeats — confirm the next one with ctrl+s, or escape to stop."
            if offer.repeats
            else "Schedule the next one? ctrl+s saves, escape skips."
        )
        form = followup_form(
            self.store, offer.suggestion.prospect_id, offer.suggestion, intro=intro
        )
        self.app.push_screen(form, self._saved("Next follow-up scheduled."))
