"""The forms behind the prospect actions (new/edit prospect, log, stage, follow-ups).

Apart from :mod:`prospect_actions` so that screens mixing in the actions (Today among them)
load the pydantic models and form widgets only when a form is first opened.
"""

from __future__ import annotations

from typing import Any

from dualrole.core.dates import clock
from dualrole.core.models import (
    FollowUpIn,
    InteractionIn,
    InteractionKind,
    LeadSource,
    Prospect,
    ProspectIn,
    RepeatUnit,
    Stage,
)
from dualrole.core.money import format_money_input
from dualrole.services import daily, deals, marketing, sales
from dualrole.services.settings import get_setting, workspace_currency
from dualrole.storage.db import Store
from dualrole.tui.areas.sales.company_suggester import CompanySuggester
from dualrole.tui.dialogs.forms import Field, FormScreen, enum_options


def prospect_form(
    store: Store, prospect: Prospect | None = None, *, defaults: dict[str, Any] | None = None
) -> FormScreen[Prospect]:
    """A new prospect (``defaults`` prefill it: a lead from a promotion) or an edit."""
    values: dict[str, Any] = prospect.model_dump(mode="json") if prospect else dict(defaults or {})
    # A new prospect starts with the workspace's keep-in-touch default (0: none).
    cadence = get_setting(store, "keep_in_touch_days") if prospect is None else None
    fields = [
        Field("name", "Name", value=values.get("name", "")),
        Field(
            "company",
            "Company",
            value=values.get("company") or "",
            suggester=CompanySuggester(store),  # an existing company, else a new one
        ),
        Field("title", "Job title", value=values.get("title") or ""),
        Field("email", "Email", value=values.get("email") or ""),
        Field("phone", "Phone", value=values.get("phone") or ""),
        Field("website", "Website", value=values.get("website") or ""),
        Field("value", "Deal value", value=format_money_input(values.get("value"))),
        Field("currency", "Currency", value=values.get("currency") or workspace_currency(store)),
        Field(
            "source",
            "Source",
            "select",
            enum_options(LeadSource),
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
            value=values.get("keep_in_touch_days") or cadence or "",
        ),
        Field("notes", "Notes (Markdown)", "text", value=values.get("notes", "")),
    ]
    if prospect is None:
        return FormScreen(
            "New prospect",
            fields,
            ProspectIn,
            lambda data: sales.create_prospect(store, sales.require_promotion(data)),
            side="sales",
        )
    return FormScreen(
        f"Edit prospect: {prospect.name}",
        fields,
        ProspectIn,
        lambda data: sales.update_prospect(
            store, prospect.id, prospect.version, sales.require_promotion(data)
        ),
        side="sales",
    )


def followup_form(
    store: Store, prospect_id: int, suggestion: FollowUpIn | None = None, *, intro: str = ""
) -> FormScreen[Any]:
    values = suggestion.model_dump(mode="json") if suggestion else {}
    fields = [
        Field("title", "What", value=values.get("title", "")),
        Field(
            "due_date",
            "Due",
            "date",
            value=values.get("due_date", ""),
            placeholder="fri, next tue 14:30",
            with_time=True,
        ),
        Field("due_time", "Time (optional)", value=(values.get("due_time") or "")[:5]),
        Field("repeat_every", "Repeat every (blank: once)", value=values.get("repeat_every") or ""),
        Field(
            "repeat_unit",
            "Repeat unit",
            "select",
            enum_options(RepeatUnit),
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


def log_form(store: Store, prospect: Prospect) -> FormScreen[Any]:
    """Log an interaction; "When" defaults to now and takes an earlier moment (a call logged
    afterwards) as the command line's ``--when`` does: ``yesterday 15:00``, ``thu 3pm``,
    ``2026-11-19 14:30`` (local time). Ticking "Send to marketing" files its feedback as a
    research note too; the form returns (interaction, note id or None).

    It belongs to the person's only open deal; a person with several open deals picks one
    here (or leaves it blank: none)."""
    now = f"{clock.local_now():%Y-%m-%d %H:%M}"
    fields = [
        Field("summary", "Summary", placeholder="Intro call — wants a proposal by Friday"),
        Field("kind", "Kind", "select", enum_options(InteractionKind), "call", allow_blank=False),
        Field("occurred_at", "When", "moment", value=now, placeholder="yesterday 15:00"),
        Field("outcome", "Outcome / customer feedback", "text"),
        Field(
            "is_feedback",
            "Send to marketing",
            "check",
            placeholder="as customer feedback (a research note)",
        ),
    ]
    open_deals = deals.deals_for(store, prospect.id, open_only=True)
    if len(open_deals) > 1:
        options = [(f"{d.ref} {d.title} · {d.stage.value}", d.id) for d in open_deals]
        fields.insert(1, Field("deal_id", "Deal", "select", options, None))
    return FormScreen(
        f"Log interaction: {prospect.name}",
        fields,
        InteractionIn,
        # the CLI's `log --feedback`: logged and filed in one transaction
        lambda data: daily.log(store, data.model_dump(), feedback=data.is_feedback),
        fixed={"prospect_id": prospect.id},
        side="sales",
    )


def stage_form(
    store: Store, prospect: Prospect, to: Stage | None = None, *, deal_id: int | None = None
) -> FormScreen[Any]:
    """Change the stage (``to`` preselects one: the board's ``>`` onto lost asks why here,
    onto won the final value, the current value until changed).

    A person with several open deals (or ``deal_id``, a board card's) picks the deal here
    first; its value is then left as it is unless one is typed."""
    choices = deals.deals_for(store, prospect.id, open_only=True)
    if len(choices) < 2 and deal_id is None:
        choices = []
    elif deal_id is not None and all(d.id != deal_id for d in choices):
        choices = [deals.get_deal(store, deal_id), *choices]
    chosen = next((d for d in choices if d.id == deal_id), choices[0] if choices else None)
    fields = [
        Field(
            "stage",
            "Stage",
            "select",
            enum_options(Stage),
            (to or prospect.stage).value,
            allow_blank=False,
        ),
        Field("reason", "Reason (required for lost)", placeholder="price, timing, competitor…"),
        Field(
            "value",
            "Value (final if won)",
            value=format_money_input(prospect.value),
            placeholder="e.g. 9600",
        ),
    ]

    if chosen is not None:
        fields[0].value = (to or chosen.stage).value
        fields[2] = Field("value", "Value (blank: unchanged)", placeholder="e.g. 9600")
        options = [(f"{d.ref} {d.title} · {d.stage.value}", d.id) for d in choices]
        fields.insert(0, Field("deal", "Deal", "select", options, chosen.id, allow_blank=False))

    def save(data: dict[str, Any]) -> Prospect:
        if chosen is not None:
            deals.change_deal_stage(
                store,
                int(data["deal"]),
                data["stage"],
                value=data.get("value") or None,
                reason=data.get("reason"),
            )
            return sales.get_prospect(store, prospect.id)
        moved, _before = daily.change_stage(
            store,
            prospect.id,
            data["stage"],
            value=data.get("value", ""),
            reason=data.get("reason"),
            version=prospect.version,
        )
        return moved

    intro = ""
    if to == Stage.won:
        intro = "Won: is this the final value? Change it if not; ctrl+s saves."
    elif to == Stage.lost:
        intro = "Lost: say why (marketing learns from it); ctrl+s saves."
    return FormScreen(f"Stage: {prospect.name}", fields, None, save, side="sales", intro=intro)
