"""Sales (one-to-one), in the sales colour: Prospects, Pipeline, Follow-ups.

Prospects is a paged list (filters: stage, tag, source, segment with ``v``; sort with
``o``; ``/`` filters as you type, full-text); idle deals stand out. Pipeline is a board
(``widgets/pipeline_board.py``): a column per stage, a card per deal, ``<`` / ``>`` move the
selected deal one stage back / forward. Follow-ups lists overdue / today / upcoming (``b``
cycles). The prospect keys of ``prospect_actions`` work on any selected row or card; keys
that do nothing on a tab are hidden there (:meth:`SalesScreen.check_action`).
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static, TabbedContent, TabPane

from dualrole.core.enums import RecordKind
from dualrole.core.models import LeadSource, Stage
from dualrole.core.words import counted
from dualrole.services import marketing, undo
from dualrole.services.lists import (
    FollowUpBucket,
    FollowUpRow,
    ProspectFilter,
    ProspectRow,
    ProspectSort,
    followups_query,
    prospect_index,
    prospects_query,
)
from dualrole.services.records import all_tags, soft_delete
from dualrole.services.settings import mixed_currency_note
from dualrole.tui import format as fmt
from dualrole.tui.areas.base import AreaScreen
from dualrole.tui.areas.sales.prospect_actions import PROSPECT_BINDINGS, ProspectActions
from dualrole.tui.areas.sales.prospect_forms import followup_edit_form, prospect_form
from dualrole.tui.dialogs.forms import Field, FormScreen
from dualrole.tui.navigation import OpenRecord
from dualrole.tui.text import plain
from dualrole.tui.widgets.keybar import KeyBar
from dualrole.tui.widgets.paged_list import Column, PagedList, RowsSource
from dualrole.tui.widgets.pipeline_board import PipelineBoard
from dualrole.tui.widgets.search_bar import SearchBar

PROSPECT_COLUMNS: list[Column[ProspectRow]] = [
    Column("Name", lambda r: r.name),
    Column("Company", lambda r: r.company or ""),
    Column("Stage", lambda r: r.stage, width=11, style=lambda r: r.stage),
    Column("Value", lambda r: fmt.money(r.value_minor, r.currency), width=7, justify="right"),
    Column(
        "Next",
        lambda r: fmt.due(r.next_followup_date),
        width=12,
        style=lambda r: fmt.due_style(r.next_followup_date),
    ),
    Column(
        "Contact",
        lambda r: fmt.ago(r.last_contact_at) + (" idle" if r.idle else ""),
        width=12,
        justify="right",
        style=lambda r: "idle" if r.idle else None,
    ),
]

FOLLOWUP_COLUMNS: list[Column[FollowUpRow]] = [
    Column(
        "Due",
        lambda r: fmt.due(r.due_date, r.done_at),
        width=13,
        style=lambda r: None if r.done_at else fmt.due_style(r.due_date),
    ),
    Column("Time", lambda r: r.due_time or "", width=5),
    Column("Follow-up", lambda r: r.title),
    Column("Prospect", lambda r: r.prospect),
    Column("Stage", lambda r: r.stage, width=11, style=lambda r: r.stage),
]

BUCKETS = [
    FollowUpBucket.open,
    FollowUpBucket.overdue,
    FollowUpBucket.today,
    FollowUpBucket.upcoming,
    FollowUpBucket.done,
]
SORTS = list(ProspectSort)
TAB_ONLY: dict[str, tuple[str, ...]] = {
    "done": ("followups",),
    "bucket": ("followups",),
    "move": ("pipeline",),
    "search": ("prospects",),
    "filters": ("prospects",),
    "sort": ("prospects",),
    "delete": ("prospects", "followups"),
    "import_contacts": ("prospects",),
    "snooze": ("followups",),
}
"""Actions that work on some tabs only (hidden elsewhere)."""


def _prospect_style(row: ProspectRow) -> str | None:
    return "lost" if row.stage == "lost" else None


def _followup_style(row: FollowUpRow) -> str | None:
    return "done" if row.done_at else None


class SalesScreen(ProspectActions):
    """The sales side: prospects, pipeline, follow-ups."""

    TITLE_TEXT = "Sales"
    AUTO_FOCUS = "#prospects"  # focus() in on_mount raced a quick quit
    SIDE = "sales"
    BINDINGS = [
        Binding("1", "tab('prospects')", "Prospects", id="sales.prospects"),
        Binding("2", "tab('pipeline')", "Pipeline", id="sales.pipeline"),
        Binding("3", "tab('followups')", "Follow-ups", id="sales.followups"),
        Binding("n", "new", "New", id="sales.new", tooltip="New prospect"),
        Binding("d", "done", "Done", id="sales.done", tooltip="Mark the follow-up done"),
        *AreaScreen.SNOOZE_BINDINGS,
        Binding(
            "less_than_sign",
            "move(-1)",
            "Stage back",
            id="sales.stage_back",
            tooltip="Move the deal one stage back",
        ),
        Binding(
            "greater_than_sign",
            "move(1)",
            "Stage on",
            id="sales.stage_on",
            tooltip="Move the deal one stage forward (lost asks why)",
        ),
        Binding("slash", "search", "Search", id="sales.search", tooltip="Filter as you type"),
        Binding("v", "filters", "Filters", id="sales.filters", tooltip="Stage, tag, source…"),
        Binding("o", "sort", "Sort", id="sales.sort", tooltip="Cycle the order"),
        Binding("b", "bucket", "Bucket", id="sales.bucket", tooltip="Overdue/today/upcoming"),
        Binding("e", "edit", "Edit", show=False, id="sales.edit", tooltip="Edit the prospect"),
        Binding("delete", "delete", "Delete", id="sales.delete"),
        Binding("u", "undo", "Undo", id="sales.undo", tooltip="The latest change, any kind"),
        Binding(
            "i",
            "import_contacts",
            "Import",
            id="sales.import",
            tooltip="Import contacts (CSV, vCard)",
        ),
        Binding(  # E for email: M is the app's marketing focus session
            "E",
            "mail_triage",
            "Mail triage",
            show=False,
            id="sales.mail_triage",
            tooltip="Unknown senders from mail: lead, link or ignore",
        ),
        *PROSPECT_BINDINGS,
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filters = ProspectFilter()
        self.bucket = FollowUpBucket.open
        self._followups_loaded = False  # counted when the tab is first shown (23 ms at 100k)
        # check_action runs for every key each time the key bar is drawn: no DOM query there.
        self._tabs: TabbedContent | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        with TabbedContent(id="sales-tabs") as self._tabs:
            with TabPane("Prospects", id="tab-prospects"):
                yield SearchBar(
                    "filter prospects by name, company, email, notes…",
                    apply=self._search_text,
                    id="sales-search",
                )
                yield Static("", id="prospect-filters", classes="list-status")
                yield PagedList(
                    self.store,
                    prospects_query(self.store, self.filters),
                    PROSPECT_COLUMNS,
                    row_style=_prospect_style,
                    id="prospects",
                    empty_text="No prospects match — n adds one, escape in / clears a search.",
                )
            with TabPane("Pipeline", id="tab-pipeline"):
                yield PipelineBoard(self.store, id="pipeline")
                yield Static("", id="pipeline-currencies", classes="list-status")
            with TabPane("Follow-ups", id="tab-followups"):
                yield Static("", id="followup-status", classes="list-status")
                yield PagedList(
                    self.store,
                    RowsSource([]),
                    FOLLOWUP_COLUMNS,
                    row_style=_followup_style,
                    id="followups",
                    empty_text="No follow-ups here — f on a prospect schedules one.",
                )
        yield KeyBar()

    @property
    def current_tab(self) -> str:
        return (self.query_one(TabbedContent).active or "tab-prospects").removeprefix("tab-")

    # --- refresh ---------------------------------------------------------------------------

    def refresh_data(self) -> None:
        """Reload what is in view (a list whose data did not move is only repainted)."""
        self.query_one("#prospects", PagedList).reload()
        if self.current_tab == "followups":
            self._load_followups()
        else:
            self._followups_loaded = False  # reloaded when the tab is shown again
        self._update_status()
        if self.current_tab == "pipeline":
            self._draw_pipeline()

    def _load_followups(self) -> None:
        """Give the follow-ups list its query (first showing) or reload it."""
        followups = self.query_one("#followups", PagedList)
        if isinstance(followups.query_, RowsSource):
            followups.set_query(followups_query(self.bucket))
        else:
            followups.reload()
        self._followups_loaded = True

    def _update_status(self) -> None:
        f = self.filters
        parts = [f"sort: {f.sort.value}"]
        if f.stage:
            parts.append(f"stage: {f.stage.value}")
        if f.tag:
            parts.append(f"tag: {f.tag}")
        if f.source:
            parts.append(f"source: {f.source.value}")
        if f.segment_id is not None:
            segment = self.attempt(marketing.get_segment, self.store, f.segment_id)
            parts.append(f"segment: {segment.name if segment else f'#{f.segment_id}'}")
        if f.search:
            parts.append(f"search: {f.search}")
        count = self.query_one("#prospects", PagedList).row_count
        status = plain(f"{counted(count, 'prospect')} · " + " · ".join(parts))
        # one line of fixed height (.list-status): repaint it, no layout of the screen
        self.query_one("#prospect-filters", Static).update(status, layout=False)
        if not self._followups_loaded:
            return
        followups = self.query_one("#followups", PagedList).row_count
        self.query_one("#followup-status", Static).update(
            plain(
                f"{self.bucket.value}: {counted(followups, 'follow-up')}   "
                "(b: overdue/today/upcoming/done)"
            ),
            layout=False,
        )

    def _draw_pipeline(self, select: int | None = None) -> None:
        self.query_one(PipelineBoard).reload(select=select)
        # Totals that add deals in other currencies say so (nothing is converted).
        note = self.attempt(mixed_currency_note, self.store, counts=False) or ""
        shown = self.query_one("#pipeline-currencies", Static)
        shown.update(plain(note))
        shown.display = bool(note)

    # --- selection -------------------------------------------------------------------------

    def selected_prospect_id(self) -> int | None:
        if self.current_tab == "prospects":
            prospect: ProspectRow | None = self.query_one("#prospects", PagedList).row
            return prospect.id if prospect else None
        if self.current_tab == "followups":
            followup: FollowUpRow | None = self.query_one("#followups", PagedList).row
            return followup.prospect_id if followup else None
        card = self.query_one(PipelineBoard).selected
        return card.id if card else None

    @on(PagedList.Selected, "#prospects")
    def _open_prospect(self, event: PagedList.Selected) -> None:
        if event.row is not None:
            self.app.post_message(OpenRecord(RecordKind.prospect, event.row.id))

    @on(PipelineBoard.Opened)
    def _open_card(self, event: PipelineBoard.Opened) -> None:
        self.app.post_message(OpenRecord(RecordKind.prospect, event.prospect_id))

    @on(PagedList.Selected, "#followups")
    def _open_followup(self, event: PagedList.Selected) -> None:
        if event.row is not None:
            form = self.attempt(followup_edit_form, self.store, event.row.id)
            if form is not None:
                self.app.push_screen(form, self._saved("Follow-up saved."))

    # --- actions ---------------------------------------------------------------------------

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = f"tab-{tab}"
        if tab == "followups" and not self._followups_loaded:
            self._load_followups()
            self._update_status()
        self.query_one(f"#{tab}").focus()

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        if self.current_tab == "pipeline":
            self._draw_pipeline()
        elif self.current_tab == "followups" and not self._followups_loaded:
            self._load_followups()
            self._update_status()
        self.query_one(f"#{self.current_tab}").focus()
        self.refresh_bindings()

    def action_new(self) -> None:
        self.app.push_screen(prospect_form(self.store), self._show_added)

    def _show_added(self, prospect: Any) -> None:
        """Show and select the prospect just added; a filter that hides it is cleared."""
        if prospect is None:
            return
        self.catch_up()  # deliberate: the cursor goes to the new row, so the list must have it
        listing = self.query_one("#prospects", PagedList)
        index = self.attempt(prospect_index, self.store, self.filters, prospect.id)
        message = "Prospect added."
        if index is None and self.filters != ProspectFilter(sort=self.filters.sort):
            self.filters = ProspectFilter(sort=self.filters.sort)
            self.query_one(SearchBar).action_clear_close()
            self._apply_filters()
            index = self.attempt(prospect_index, self.store, self.filters, prospect.id)
            message = "Prospect added — the filter hid it, so it was cleared."
        self.action_tab("prospects")
        if index is not None:
            listing.cursor = index
        self.notify(message)

    def action_edit(self) -> None:
        prospect_id = self._need_prospect()
        if prospect_id is None:
            return
        from dualrole.services.sales import get_prospect

        prospect = self.attempt(get_prospect, self.store, prospect_id)
        if prospect is not None:
            self.app.push_screen(prospect_form(self.store, prospect), self._saved("Saved."))

    def snooze_target(self) -> tuple[str, int] | None:
        row: FollowUpRow | None = self.query_one("#followups", PagedList).row
        if self.current_tab != "followups" or row is None or row.done_at:
            return None
        return "followup", row.id

    def action_done(self) -> None:
        if self.current_tab != "followups":
            self.notify("d marks a follow-up done: open Follow-ups (3) or the prospect's page.")
            return
        row: FollowUpRow | None = self.query_one("#followups", PagedList).row
        if row is not None and not row.done_at:
            self.complete_followup(row.id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide keys that do nothing on the current tab (footer and key alike)."""
        only = TAB_ONLY.get(action)
        if only is None or self._tabs is None or not self._tabs.is_mounted:
            return super().check_action(action, parameters)
        return (self._tabs.active or "tab-prospects").removeprefix("tab-") in only

    def action_move(self, step: int) -> None:
        """``<`` / ``>`` on the board: the selected deal one column back / forward."""
        from dualrole.services import sales

        card = self.query_one(PipelineBoard).selected
        if card is None:
            self.notify("Select a deal first (arrows move between the cards).")
            return
        if self._move_other_deal(card.id, card.deal_id, step):
            return
        prospect = self.attempt(sales.get_prospect, self.store, card.id)
        if prospect is None:
            return
        target = sales.step_stage(prospect.stage, step)
        if target is None:
            end = "first" if step < 0 else "last"
            self.notify(f"{prospect.stage.value} is the {end} stage; c sets any stage.")
            return
        if target in (Stage.won, Stage.lost):
            self.change_stage(prospect, target)  # won asks the final value, lost why
            return
        moved = self.attempt(sales.move_stage, self.store, prospect.id, target)
        if moved is None:
            return
        self.remember(self.attempt(undo.stage_changed, self.store, prospect, moved))
        self._draw_pipeline(select=moved.id)
        self.query_one("#prospects", PagedList).reload()
        self.notify(f"{prospect.name}: {prospect.stage.value} → {moved.stage.value}.", markup=False)
        self.offer_close_followups(moved)

    def _move_other_deal(self, prospect_id: int, deal_id: int, step: int) -> bool:
        """A card that is not the person's first deal (a repeat sale) moves as that deal (won
        and lost through the stage form, that deal chosen); False: the prospect's own move
        applies (its first deal, with undo and the forms)."""
        from dualrole.services import deals, sales

        if self.attempt(deals.first_deal_id, self.store, prospect_id) == deal_id:
            return False
        deal = self.attempt(deals.get_deal, self.store, deal_id)
        if deal is None:
            return True
        target = sales.step_stage(deal.stage, step)
        if target is None:
            end = "first" if step < 0 else "last"
            self.notify(f"{deal.stage.value} is the {end} stage.")
            return True
        if target in (Stage.won, Stage.lost):  # won asks the final value, lost why
            prospect = self.attempt(sales.get_prospect, self.store, prospect_id)
            if prospect is not None:
                self.change_stage(prospect, target, deal_id=deal_id)
            return True
        moved = self.attempt(deals.move_deal, self.store, deal_id, target)
        if moved is not None:
            self.remember(self.attempt(undo.deal_moved, self.store, deal))
            self._draw_pipeline_deal(deal_id)
            self.notify(
                f"{deal.person} · {deal.title}: {deal.stage.value} → {moved.stage.value}.",
                markup=False,
            )
        return True

    def _draw_pipeline_deal(self, deal_id: int) -> None:
        self.query_one(PipelineBoard).reload(deal=deal_id)

    def action_search(self) -> None:
        self.action_tab("prospects")
        self.query_one(SearchBar).open()

    def _search_text(self, text: str) -> None:
        """The search box's text changed (called before the echo is painted)."""
        self.filters.search = text or None
        self._apply_filters()

    @on(SearchBar.Done)
    def _search_done(self) -> None:
        self.query_one("#prospects", PagedList).focus()

    def _apply_filters(self) -> None:
        self.query_one("#prospects", PagedList).set_query(prospects_query(self.store, self.filters))
        self._update_status()

    def action_sort(self) -> None:
        self.filters.sort = SORTS[(SORTS.index(self.filters.sort) + 1) % len(SORTS)]
        self._apply_filters()

    def action_bucket(self) -> None:
        self.bucket = BUCKETS[(BUCKETS.index(self.bucket) + 1) % len(BUCKETS)]
        self.query_one("#followups", PagedList).set_query(followups_query(self.bucket))
        self._followups_loaded = True
        self.action_tab("followups")
        self._update_status()

    def action_filters(self) -> None:
        f = self.filters
        tags = self.attempt(all_tags, self.store) or []
        segments = self.attempt(marketing.segment_choices, self.store) or []
        fields = [
            Field(
                "stage",
                "Stage",
                "select",
                [(s.value, s.value) for s in Stage],
                f.stage and f.stage.value,
            ),
            Field("tag", "Tag", "select", [(t, t) for t in tags], f.tag),
            Field(
                "source",
                "Source",
                "select",
                [(s.value, s.value) for s in LeadSource],
                f.source and f.source.value,
            ),
            Field("segment_id", "Segment", "select", segments, f.segment_id),
            Field(
                "sort",
                "Sort by",
                "select",
                [(s.value, s.value) for s in SORTS],
                f.sort.value,
                allow_blank=False,
            ),
        ]

        def save(data: dict[str, Any]) -> ProspectFilter:
            return ProspectFilter(
                stage=Stage(data["stage"]) if data.get("stage") else None,
                tag=data.get("tag"),
                source=LeadSource(data["source"]) if data.get("source") else None,
                segment_id=data.get("segment_id"),
                search=self.filters.search,
                sort=ProspectSort(data["sort"]),
            )

        def apply(result: ProspectFilter | None) -> None:
            if result is not None:
                self.filters = result
                self._apply_filters()

        self.app.push_screen(
            FormScreen("Filter prospects", fields, None, save, side="sales"), apply
        )

    def action_delete(self) -> None:
        tab = self.current_tab
        if tab == "pipeline":
            return
        row = self.query_one(f"#{tab}", PagedList).row
        if row is None:
            return
        entity = "prospect" if tab == "prospects" else "followup"
        label = self.attempt(soft_delete, self.store, entity, row.id)
        if label is not None:
            self.remember(undo.deleted(entity, row.id, label))
            self.notify(f"Deleted {label!r} — press u to undo.", markup=False)

    def action_import_contacts(self) -> None:
        """Open the contacts import dialog; refresh the lists when it imported something."""
        from dualrole.tui.areas.sales.import_contacts import ImportContactsScreen

        self.app.push_screen(ImportContactsScreen(self.store))

    def action_mail_triage(self) -> None:
        """Open mail triage (issue 30); a lead or link made there shows by the data signal."""
        from dualrole.tui.dialogs.mail_triage import MailTriageScreen

        self.app.push_screen(MailTriageScreen(self.store))
