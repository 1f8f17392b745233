"""A prospect's page: details, deals, notes (Markdown), follow-ups, timeline, stages.

Pushed on top of Sales or Today; ``escape`` goes back. ``tab`` moves between the follow-ups
and the timeline; ``d`` completes the highlighted follow-up (and offers the next), ``F``
sends the highlighted interaction's feedback to marketing, ``e`` edits, ``delete`` deletes,
``D`` adds a deal (another sale to this person), ``C`` opens the company's page.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Markdown, Static

from dualrole.core.enums import RecordKind
from dualrole.core.models import Prospect
from dualrole.core.money import format_money
from dualrole.core.words import counted
from dualrole.services import companies, deals, marketing, sales, undo
from dualrole.services.lists import InteractionRow, interactions_query
from dualrole.services.records import soft_delete
from dualrole.storage.db import NotFoundError
from dualrole.tui import format as fmt
from dualrole.tui.areas.base import AreaScreen
from dualrole.tui.areas.sales.prospect_actions import PROSPECT_BINDINGS, ProspectActions
from dualrole.tui.areas.sales.prospect_forms import followup_edit_form, prospect_form
from dualrole.tui.navigation import OpenRecord
from dualrole.tui.text import plain, visible
from dualrole.tui.widgets.keybar import KeyBar
from dualrole.tui.widgets.paged_list import Column, PagedList, RowsSource


class FollowUpLine(NamedTuple):
    """One of the prospect's follow-ups as listed: its days as stored, and its colour."""

    id: int
    title: str
    due_date: str
    done_at: str | None
    tone: str | None


FOLLOWUP_COLUMNS: list[Column[FollowUpLine]] = [
    Column("Due", lambda r: fmt.due(r.due_date, r.done_at), width=12, style=lambda r: r.tone),
    Column("Follow-up", lambda r: r.title),
]
INTERACTION_COLUMNS: list[Column[InteractionRow]] = [
    Column("When", lambda r: fmt.day(r.occurred_at), width=10),
    Column("Kind", lambda r: r.kind, width=7),
    # the summary takes the rest of the line; "→mkt" (sent to marketing) leads it when sent,
    # and the deal it was about ("d12") when the person has several
    Column(
        "Summary",
        lambda r: (
            (f"d{r.deal_id} " if r.deal_id and r.deals > 1 else "")
            + ("→mkt " if r.research_note_id else "")
            + r.summary
        ),
    ),
]


class ProspectScreen(ProspectActions):
    """One prospect, everything about it."""

    TITLE_TEXT = "Prospect"
    SIDE = "sales"
    BINDINGS = [
        Binding("escape", "back", "Back", id="prospect.back"),
        Binding("e", "edit", "Edit", id="prospect.edit", tooltip="Edit details and notes"),
        Binding("d", "done", "Done", id="prospect.done", tooltip="Complete the follow-up"),
        *AreaScreen.SNOOZE_BINDINGS,
        Binding(
            "u",
            "undo",
            "Undo",
            show=False,
            id="prospect.undo",
            tooltip="The latest change, any kind",
        ),
        Binding("delete", "delete", "Delete", id="prospect.delete"),
        Binding(
            "D",
            "new_deal",
            "New deal",
            show=False,
            id="prospect.new_deal",
            tooltip="Another sale to this person",
        ),
        Binding(
            "C",
            "company",
            "Company",
            show=False,
            id="prospect.company",
            tooltip="The company's page: people, deals, revenue",
        ),
        *PROSPECT_BINDINGS,
    ]

    def __init__(self, prospect_id: int) -> None:
        super().__init__()
        self.prospect_id = prospect_id
        self.prospect: Prospect | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        with Horizontal(id="prospect-body"):
            with VerticalScroll(id="prospect-left"):
                yield Static("", id="prospect-details")
                yield Static("Deals", classes="section-title")
                yield Static("", id="prospect-deals")
                yield Static("Notes", classes="section-title")
                yield Markdown("", id="prospect-notes")
                yield Static("Stage history", classes="section-title")
                yield Static("", id="prospect-stages")
            with Vertical(id="prospect-right"):
                yield Static("Follow-ups", classes="section-title")
                yield PagedList(
                    self.store,
                    RowsSource([]),
                    FOLLOWUP_COLUMNS,
                    id="prospect-followups",
                    show_header=False,
                    row_style=lambda r: "done" if r.done_at else None,
                    empty_text="No follow-ups — f schedules one.",
                )
                yield Static("Timeline", classes="section-title")
                yield PagedList(
                    self.store,
                    interactions_query(self.prospect_id),
                    INTERACTION_COLUMNS,
                    id="prospect-timeline",
                    empty_text="No interactions yet — l logs one.",
                )
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#prospect-timeline", PagedList).focus()

    def refresh_data(self) -> None:
        try:
            prospect = sales.get_prospect(self.store, self.prospect_id)
        except NotFoundError:
            self.notify("That prospect no longer exists (deleted elsewhere?).")
            self.dismiss()
            return
        self.prospect = prospect
        self._show_details(prospect)
        notes = visible(prospect.notes, multiline=True) or "_No notes yet — e to write some._"
        self.query_one("#prospect-notes", Markdown).update(notes)
        followups = self.query_one("#prospect-followups", PagedList)
        rows = []
        for item in sales.followups_for(self.store, self.prospect_id):
            row = item.model_dump(mode="json")
            tone = "done" if item.done_at else fmt.due_style(row["due_date"])
            rows.append(FollowUpLine(item.id, item.title, row["due_date"], row["done_at"], tone))
        followups.refresh_query(RowsSource(rows))
        self.query_one("#prospect-timeline", PagedList).reload()
        history = Text()
        for change in sales.stage_history(self.store, self.prospect_id):
            history.append(f"{fmt.when(change.changed_at)}  ")
            history.append(f"{change.from_stage.value if change.from_stage else '—'} → ")
            history.append(change.to_stage.value, style="bold")
            if change.reason:
                history.append(f"  ({visible(change.reason)})")
            history.append("\n")
        self.query_one("#prospect-stages", Static).update(history)
        self._show_deals()

    def _show_deals(self) -> None:
        """The person's deals, open ones first (``D`` adds one; ``stage dN`` moves one)."""
        listed = Text()
        for deal in deals.deals_for(self.store, self.prospect_id):
            listed.append(f"{deal.ref:<5}", style="dim")
            listed.append_text(plain(deal.title))
            listed.append(f"  {deal.stage.value}", style="bold" if deal.is_open else "dim")
            if deal.value_minor is not None:
                listed.append(f"  {format_money(deal.value_minor, deal.currency)}")
            if deal.expected_close and deal.is_open:
                listed.append(f"  close {fmt.day(deal.expected_close)}", style="dim")
            listed.append("\n")
        self.query_one("#prospect-deals", Static).update(listed)

    def _show_details(self, p: Prospect) -> None:
        lines: list[tuple[str, str]] = []
        role = " at ".join(part for part in (p.title, p.company) if part)
        stage = p.stage.value + (f" ({p.lost_reason})" if p.lost_reason else "")
        lines.append(("stage", stage))
        lines.append(("value", format_money(p.value, p.currency)))
        source = p.source.value
        if p.promotion_id:
            promotions = dict((i, n) for n, i in marketing.promotion_choices(self.store))
            source = f"promotion: {promotions.get(p.promotion_id, '?')}"
        lines.append(("source", source))
        if p.segment_id:
            segments = dict((i, n) for n, i in marketing.segment_choices(self.store))
            lines.append(("segment", segments.get(p.segment_id, "?")))
        for label, value in (("email", p.email), ("phone", p.phone), ("web", p.website)):
            if value:
                lines.append((label, value))
        if p.tags:
            lines.append(("tags", ", ".join(p.tags)))
        if p.keep_in_touch_days:
            lines.append(("cadence", f"keep in touch every {counted(p.keep_in_touch_days, 'day')}"))
        lines.append(("contact", fmt.ago(p.last_contact_at)))
        text = Text()
        text.append_text(plain(p.name, "bold"))
        if role:
            text.append("\n")
            text.append_text(plain(role))
        text.append("\n")
        for label, value in lines:
            text.append(f"\n{label:<9}", style="dim")
            text.append_text(plain(value))
        self.query_one("#prospect-details", Static).update(text)
        self.query_one("#prospect-left").border_title = "Details"

    # --- selection and actions -----------------------------------------------------------

    def selected_prospect_id(self) -> int | None:
        return self.prospect_id

    def selected_interaction_id(self) -> int | None:
        timeline = self.query_one("#prospect-timeline", PagedList)
        row: InteractionRow | None = timeline.row
        return row.id if row else super().selected_interaction_id()

    def action_back(self) -> None:
        self.dismiss()

    def action_edit(self) -> None:
        if self.prospect is not None:
            self.app.push_screen(prospect_form(self.store, self.prospect), self._saved("Saved."))

    def snooze_target(self) -> tuple[str, int] | None:
        row: FollowUpLine | None = self.query_one("#prospect-followups", PagedList).row
        if row is None or row.done_at:
            return None
        return "followup", row.id

    def action_done(self) -> None:
        row: FollowUpLine | None = self.query_one("#prospect-followups", PagedList).row
        if row is None or row.done_at:
            self.notify("Highlight an open follow-up first (tab moves to the list).")
            return
        self.complete_followup(row.id)

    @on(PagedList.Selected, "#prospect-followups")
    def _edit_followup(self, event: PagedList.Selected) -> None:
        if event.row is not None:
            form = self.attempt(followup_edit_form, self.store, event.row.id)
            if form is not None:
                self.app.push_screen(form, self._saved("Follow-up saved."))

    def action_new_deal(self) -> None:
        if self.prospect is not None:
            from dualrole.tui.areas.sales.deal_form import deal_form

            form = deal_form(self.store, self.prospect_id, self.prospect.name)
            self.app.push_screen(form, self._saved("Deal added."))

    def action_company(self) -> None:
        company_id = companies.company_of(self.store, self.prospect_id)
        if company_id is None:
            self.notify("No company on this prospect — e sets one.")
            return
        self.app.post_message(OpenRecord(RecordKind.company, company_id))

    def action_delete(self) -> None:
        label = self.attempt(soft_delete, self.store, "prospect", self.prospect_id)
        if label is not None:
            self.remember(undo.deleted("prospect", self.prospect_id, label))
            self.notify(f"Deleted {label!r} — press u to undo.", markup=False)
            self.dismiss()
