"""The deal form: a person's next sale (issue 27) — title, stage, value, source, close date.

A deal without a source of its own is credited to its person's original source (the form
says so); its value and close date read as everywhere else (``2,400``, ``end of month``).
"""

from __future__ import annotations

from dualrole.core.models import DealIn, LeadSource, Stage
from dualrole.services import deals, marketing
from dualrole.services.deals import Deal
from dualrole.services.settings import workspace_currency
from dualrole.storage.db import Store
from dualrole.tui.dialogs.forms import Field, FormScreen, enum_options

CREDITED = "A deal without a source is credited to the person's original source."


def deal_form(store: Store, prospect_id: int, person: str) -> FormScreen[Deal]:
    """A new deal for ``prospect_id`` (and their company)."""
    fields = [
        Field("title", "Title", placeholder="e.g. Second project, monthly order, upgrade"),
        Field(
            "stage",
            "Stage",
            "select",
            enum_options(Stage),
            value=Stage.lead.value,
            allow_blank=False,
        ),
        Field("value", "Deal value"),
        Field("currency", "Currency", value=workspace_currency(store)),
        Field(
            "source",
            "Source (blank: the person's own)",
            "select",
            [(s.value, s.value) for s in LeadSource if s != LeadSource.promotion],
        ),
        Field("promotion_id", "From promotion", "select", marketing.promotion_choices(store)),
        Field("expected_close", "Expected close", "date"),
    ]
    return FormScreen(
        f"New deal for {person}",
        fields,
        DealIn,
        lambda data: deals.create_deal(store, prospect_id, data),
        side="sales",
        intro=CREDITED,
    )
