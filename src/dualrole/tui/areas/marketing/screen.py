"""Marketing (one-to-many), in the marketing colour: Segments, Research, Promotions, Tasks.

Each tab is a :class:`PagedList` over its ``services.lists`` query, with a status line (count
and filters) above it. ``/`` filters the current tab as you type (full-text), ``v`` cycles
the tab's filter (note kind, promotion status, done tasks shown or not), ``n`` adds to it,
``enter`` opens a segment's, note's or promotion's page (a task's form), ``e`` edits,
``d`` ticks a task done (again: undone), ``delete`` moves to the trash and ``u`` brings it
back. On Promotions ``r`` logs a result, ``a`` advances the status and ``c`` sets it.
Keys that do nothing on a tab are hidden there (:meth:`check_action`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static, TabbedContent, TabPane

import dualrole.tui.areas.marketing.forms as forms
from dualrole.core.enums import RecordKind
from dualrole.core.models import PromotionStatus, ResearchKind
from dualrole.core.words import counted
from dualrole.services import marketing, undo
from dualrole.services.lists import (
    ListQuery,
    NoteRow,
    PromotionRow,
    SegmentRow,
    TaskRow,
    notes_query,
    promotions_query,
    segments_query,
    tasks_query,
)
from dualrole.services.records import soft_delete
from dualrole.services.settings import workspace_currency
from dualrole.tui import format as fmt
from dualrole.tui.areas.base import AreaScreen
from dualrole.tui.areas.marketing.actions import (
    PROMOTION_ACTIONS,
    PROMOTION_BINDINGS,
    PromotionActions,
)
from dualrole.tui.navigation import OpenRecord
from dualrole.tui.text import plain
from dualrole.tui.widgets.keybar import KeyBar
from dualrole.tui.widgets.paged_list import Column, PagedList
from dualrole.tui.widgets.search_bar import SearchBar

RowT = TypeVar("RowT")


@dataclass(frozen=True)
class Tab(Generic[RowT]):
    """One tab: its title, the entity (for delete/undo and pages), a plural, its columns."""

    title: str
    entity: RecordKind | str  # tasks have no page of their own
    plural: str
    columns: list[Column[RowT]]


TABS: dict[str, Tab[Any]] = {
    "segments": Tab[SegmentRow](
        "Segments",
        RecordKind.segment,
        "segments",
        [
            Column("Segment", lambda r: r.name, ratio=2),
            Column("Location", lambda r: r.location or ""),
            Column("Occupation", lambda r: r.occupation or ""),
            Column("Prospects", lambda r: r.prospects, width=9, justify="right"),
        ],
    ),
    "research": Tab[NoteRow](
        "Research",
        RecordKind.research_note,
        "research notes",
        [
            Column("Kind", lambda r: r.kind, width=10, style=lambda r: "marketing"),
            Column("Title", lambda r: r.title),
            Column("Source", lambda r: r.source, width=14),
            Column("Segment", lambda r: r.segment or "", width=14),
            Column("Added", lambda r: fmt.ago(r.created_at), width=7, justify="right"),
        ],
    ),
    "promotions": Tab[PromotionRow](
        "Promotions",
        RecordKind.promotion,
        "promotions",
        [
            Column("Promotion", lambda r: r.name),
            Column("Channel", lambda r: r.channel, width=12),
            Column("Status", lambda r: r.status, width=9),
            Column("Start", lambda r: fmt.day(r.start_date), width=10),
            Column(
                "Spend/Budget",
                lambda r: (
                    f"{fmt.money(r.spend_minor, r.currency)}/"
                    f"{fmt.money(r.budget_minor, r.currency) or '—'}"
                ),
                width=12,
                justify="right",
                style=lambda r: (
                    "overdue" if r.budget_minor and r.spend_minor > r.budget_minor else None
                ),
            ),
            Column("Leads", lambda r: r.leads, width=5, justify="right"),
        ],
    ),
    "tasks": Tab[TaskRow](
        "Tasks",
        "marketing_task",
        "marketing tasks",
        [
            Column("", lambda r: "✓" if r.done_at else "·", width=1),
            Column("Task", lambda r: r.title),
            Column(
                "Due",
                lambda r: fmt.due(r.due_date, r.done_at),
                width=14,
                style=lambda r: None if r.done_at else fmt.due_style(r.due_date),
            ),
            Column("For", lambda r: r.promotion or r.segment or "", width=22),
        ],
    ),
}
KINDS: list[ResearchKind | None] = [None, *ResearchKind]
STATUSES: list[PromotionStatus | None] = [None, *PromotionStatus]
TAB_ONLY = {
    "done": "tasks",
    "snooze": "tasks",
    **{action: "promotions" for action in PROMOTION_ACTIONS},
}


def _promotion_style(row: PromotionRow) -> str | None:
    return {"running": "marketing", "done": "muted", "cancelled": "done"}.get(row.status)


def _task_style(row: TaskRow) -> str | None:
    return "done" if row.done_at else fmt.due_style(row.due_date)


ROW_STYLES: dict[str, Callable[[Any], str | None]] = {
    "promotions": _promotion_style,
    "tasks": _task_style,
}


class MarketingScreen(PromotionActions):
    """The marketing side's records, one tab per kind."""

    TITLE_TEXT = "Marketing"
    AUTO_FOCUS = "#list-segments"  # focus() in on_mount raced a quick quit
    SIDE = "marketing"
    BINDINGS = [
        Binding("1", "tab('segments')", "Segments", show=False, id="marketing.segments"),
        Binding("2", "tab('research')", "Research", show=False, id="marketing.research"),
        Binding("3", "tab('promotions')", "Promotions", show=False, id="marketing.promotions"),
        Binding("4", "tab('tasks')", "Tasks", show=False, id="marketing.tasks"),
        Binding("n", "new", "New", id="marketing.new", tooltip="New item in this tab"),
        Binding("e", "edit", "Edit", show=False, id="marketing.edit", tooltip="Edit the selection"),
        Binding("d", "done", "Done", id="marketing.done", tooltip="Tick the task done / undone"),
        *AreaScreen.SNOOZE_BINDINGS,
        *PROMOTION_BINDINGS,
        Binding("slash", "search", "Search", id="marketing.search", tooltip="Filter as you type"),
        Binding("v", "filter", "Filter", id="marketing.filter", tooltip="Kind / status / done"),
        Binding("delete", "delete", "Delete", id="marketing.delete", tooltip="u undoes"),
        Binding("u", "undo", "Undo", id="marketing.undo", tooltip="The latest change, any kind"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.search: dict[str, str | None] = dict.fromkeys(TABS)
        self.kind: ResearchKind | None = None
        self.status: PromotionStatus | None = None
        self.show_done = True
        self._acted_on: int | None = None  # the promotion a list action was last run on
        # check_action runs for every key each time the key bar is drawn: no DOM query there.
        self._tabs: TabbedContent | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield SearchBar("search this tab (full text)…", id="marketing-search")
        with TabbedContent(id="marketing-tabs") as self._tabs:
            for tab_id, tab in TABS.items():
                with TabPane(tab.title, id=f"tab-{tab_id}"):
                    yield Static("", id=f"status-{tab_id}", classes="list-status")
                    yield PagedList(
                        self.store,
                        self._query(tab_id),
                        tab.columns,
                        row_style=ROW_STYLES.get(tab_id),
                        id=f"list-{tab_id}",
                        empty_text=f"No {tab.plural} here — n adds one, escape in / clears.",
                    )
        yield KeyBar()

    # --- queries and status ----------------------------------------------------------------

    def _query(self, tab: str) -> ListQuery[Any]:
        text = self.search.get(tab)
        if tab == "segments":
            return segments_query(search=text)
        if tab == "research":
            return notes_query(kind=self.kind, search=text)
        if tab == "promotions":
            currency = self.attempt(workspace_currency, self.store) or "EUR"
            return promotions_query(status=self.status, search=text, currency=currency)
        return tasks_query(include_done=self.show_done, search=text)

    def _apply(self, tab: str) -> None:
        self.query_one(f"#list-{tab}", PagedList).set_query(self._query(tab))
        self._update_status(tab)

    def _update_status(self, tab: str) -> None:
        count = self.query_one(f"#list-{tab}", PagedList).row_count
        plural = TABS[tab].plural
        parts = [counted(count, plural.removesuffix("s"), plural)]
        if tab == "research":
            parts.append(f"kind: {self.kind.value if self.kind else 'all'} (v)")
        elif tab == "promotions":
            parts.append(f"status: {self.status.value if self.status else 'all'} (v)")
        elif tab == "tasks":
            parts.append("open first, done shown (v hides)" if self.show_done else "open only (v)")
        if self.search.get(tab):
            parts.append(f"search: {self.search[tab]}")
        # one line of fixed height (.list-status): repaint it, no layout of the screen
        self.query_one(f"#status-{tab}", Static).update(plain(" · ".join(parts)), layout=False)

    # --- helpers ---------------------------------------------------------------------------

    @property
    def current_tab(self) -> str:
        active = (self._tabs.active if self._tabs else "") or "tab-segments"
        return active.removeprefix("tab-")

    @property
    def current_list(self) -> PagedList[Any]:
        return self.query_one(f"#list-{self.current_tab}", PagedList)

    def refresh_data(self) -> None:
        for tab_id in TABS:
            self.query_one(f"#list-{tab_id}", PagedList).reload()
            self._update_status(tab_id)

    def after_change(self) -> None:
        """After a promotion action: keep the cursor on that promotion."""
        self.catch_up()  # deliberate: the cursor is put on a row of the reloaded list
        if self._acted_on is not None:
            self._select("promotions", self._acted_on)

    def _select(self, tab: str, record_id: int, limit: int = 1000) -> None:
        """Put the cursor on ``record_id`` if it is among the first ``limit`` rows."""
        rows = self.query_one(f"#list-{tab}", PagedList)
        for index in range(min(rows.row_count, limit)):
            row = rows.row_at(index)
            if row is not None and row.id == record_id:
                rows.cursor = index
                return

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide keys that do nothing on the current tab (footer and key alike)."""
        if self._tabs is None or not self._tabs.is_mounted:
            return super().check_action(action, parameters)
        only = TAB_ONLY.get(action)
        if only is not None:
            return self.current_tab == only
        if action == "filter":
            return self.current_tab != "segments"
        return super().check_action(action, parameters)

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        search = self.query_one(SearchBar)
        search.remove_class("-open")
        if search.value:
            search.value = ""
        for tab_id, text in self.search.items():
            if text:
                self.search[tab_id] = None
                self._apply(tab_id)
        self.current_list.focus()
        self.refresh_bindings()

    def selected_promotion_id(self) -> int | None:
        row: PromotionRow | None = self.query_one("#list-promotions", PagedList).row
        chosen = row.id if row is not None and self.current_tab == "promotions" else None
        self._acted_on = chosen
        return chosen

    # --- actions ---------------------------------------------------------------------------

    def action_tab(self, tab_id: str) -> None:
        if self._tabs is not None:
            self._tabs.active = f"tab-{tab_id}"
        self.current_list.focus()
        self.refresh_bindings()

    def action_search(self) -> None:
        search = self.query_one(SearchBar)
        search.placeholder = f"search {TABS[self.current_tab].plural} (full text)…"
        search.open()

    @on(Input.Changed, "#marketing-search")
    def _search_changed(self, event: Input.Changed) -> None:
        tab = self.current_tab
        text = event.value or None
        if text != self.search[tab]:
            self.search[tab] = text
            self._apply(tab)

    @on(SearchBar.Done)
    def _search_done(self) -> None:
        self.current_list.focus()

    def action_filter(self) -> None:
        tab = self.current_tab
        if tab == "research":
            self.kind = KINDS[(KINDS.index(self.kind) + 1) % len(KINDS)]
        elif tab == "promotions":
            self.status = STATUSES[(STATUSES.index(self.status) + 1) % len(STATUSES)]
        elif tab == "tasks":
            self.show_done = not self.show_done
        self._apply(tab)

    def _saved(self, result: Any) -> None:
        if result is not None:
            self.notify("Saved.")

    def action_new(self) -> None:
        self.app.push_screen(forms.new_form(self.store, self.current_tab), self._saved)

    def action_edit(self) -> None:
        row = self.current_list.row
        if row is None:
            self.notify("Nothing selected to edit.")
            return
        form = self.attempt(forms.edit_form, self.store, self.current_tab, row.id)
        if form is not None:
            self.app.push_screen(form, self._saved)

    @on(PagedList.Selected)
    def _open(self, event: PagedList.Selected) -> None:
        if event.row is None:
            return
        tab = (event.control.id or "").removeprefix("list-")
        if tab == "tasks":
            self.action_edit()
        elif tab in TABS:
            self.app.post_message(OpenRecord(TABS[tab].entity, event.row.id))

    def snooze_target(self) -> tuple[str, int] | None:
        row = self.current_list.row
        if self.current_tab != "tasks" or row is None or row.done_at:
            return None
        return "task", row.id

    def action_done(self) -> None:
        row = self.current_list.row
        if self.current_tab != "tasks" or row is None:
            return
        done = row.done_at is None
        if self.attempt(marketing.complete_task, self.store, row.id, done) is not None:
            self.remember(undo.marked_done("task", row.id, row.title, done=done))
            title = plain(row.title).plain
            self.notify(f"Done: {title}" if done else f"Reopened: {title}", markup=False)

    def action_delete(self) -> None:
        row = self.current_list.row
        if row is None:
            return
        entity = TABS[self.current_tab].entity
        label = self.attempt(soft_delete, self.store, entity, row.id)
        if label is not None:
            self.remember(undo.deleted(entity, row.id, label))
            self.notify(f"Deleted {label!r} — press u to undo.", markup=False)
