"""Marketing (one-to-many), in the marketing colour: Segments, Research, Promotions, Tasks.

Each tab is a :class:`PagedList` over its ``services.lists`` query; ``/`` filters the current
tab as you type (full-text), ``n`` adds to it, ``enter`` edits, ``d`` ticks a task done,
``delete`` moves to the trash and ``u`` brings it back. Forms live in ``marketing_forms.py``;
a tab's detail view can be added by handling ``PagedList.Selected`` for its list id.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Input, TabbedContent, TabPane

from dualrole.services import marketing
from dualrole.services.lists import (
    ListQuery,
    notes_query,
    promotions_query,
    segments_query,
    tasks_query,
)
from dualrole.services.records import soft_delete, undo_delete
from dualrole.tui import format as fmt
from dualrole.tui.screens import marketing_forms as forms
from dualrole.tui.screens.base import AreaScreen
from dualrole.tui.widgets.paged_list import Column, PagedList
from dualrole.tui.widgets.search_bar import SearchBar

TABS: dict[str, tuple[str, str, Callable[[str | None], ListQuery], list[Column]]] = {
    # tab id: (title, entity for delete/undo, query for a search text, columns)
    "segments": (
        "Segments",
        "segment",
        lambda text: segments_query(search=text),
        [
            Column("Segment", lambda r: r["name"]),
            Column("Location", lambda r: r["location"] or ""),
            Column("Occupation", lambda r: r["occupation"] or ""),
            Column("Prospects", lambda r: r["prospects"], width=9, justify="right"),
        ],
    ),
    "research": (
        "Research",
        "research_note",
        lambda text: notes_query(search=text),
        [
            Column("Kind", lambda r: r["kind"], width=10),
            Column("Title", lambda r: r["title"]),
            Column("Source", lambda r: r["source"], width=14),
            Column("Segment", lambda r: r["segment"] or "", width=16),
            Column("Added", lambda r: fmt.ago(r["created_at"]), width=8, justify="right"),
        ],
    ),
    "promotions": (
        "Promotions",
        "promotion",
        lambda text: promotions_query(search=text),
        [
            Column("Promotion", lambda r: r["name"]),
            Column("Channel", lambda r: r["channel"], width=13),
            Column("Status", lambda r: r["status"], width=9),
            Column("Start", lambda r: fmt.day(r["start_date"]), width=10),
            Column("Spend", lambda r: fmt.money(r["spend_minor"]), width=7, justify="right"),
            Column("Budget", lambda r: fmt.money(r["budget_minor"]), width=7, justify="right"),
            Column("Leads", lambda r: r["leads"], width=5, justify="right"),
        ],
    ),
    "tasks": (
        "Tasks",
        "marketing_task",
        lambda text: tasks_query(search=text),
        [
            Column("Task", lambda r: r["title"]),
            Column("Due", lambda r: fmt.due(r["due_date"]), width=14),
            Column("For", lambda r: r["promotion"] or r["segment"] or "", width=22),
        ],
    ),
}


def _promotion_style(row: Any) -> str | None:
    return {"running": "marketing", "done": "muted", "cancelled": "done"}.get(row["status"])


def _task_style(row: Any) -> str | None:
    return "done" if row["done_at"] else fmt.due_style(row["due_date"])


ROW_STYLES = {"promotions": _promotion_style, "tasks": _task_style}


class MarketingScreen(AreaScreen):
    """The marketing side's records, one tab per kind."""

    TITLE_TEXT = "Marketing"
    SIDE = "marketing"
    BINDINGS = [
        Binding("1", "tab('segments')", "Segments", id="marketing.segments"),
        Binding("2", "tab('research')", "Research", id="marketing.research"),
        Binding("3", "tab('promotions')", "Promotions", id="marketing.promotions"),
        Binding("4", "tab('tasks')", "Tasks", id="marketing.tasks"),
        Binding("n", "new", "New", id="marketing.new", tooltip="New item in this tab"),
        Binding("d", "done", "Done", id="marketing.done", tooltip="Tick the selected task done"),
        Binding("slash", "search", "Search", id="marketing.search"),
        Binding("delete", "delete", "Delete", id="marketing.delete"),
        Binding("u", "undo", "Undo delete", id="marketing.undo"),
    ]

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield SearchBar("search this tab…", id="marketing-search")
        with TabbedContent(id="marketing-tabs"):
            for tab_id, (title, _entity, query, columns) in TABS.items():
                with TabPane(title, id=f"tab-{tab_id}"):
                    yield PagedList(
                        self.store,
                        query(None),
                        columns,
                        row_style=ROW_STYLES.get(tab_id),
                        id=f"list-{tab_id}",
                        empty_text=f"No {title.lower()} yet — press n to add one.",
                    )
        yield Footer()

    # --- helpers -------------------------------------------------------------------------

    @property
    def current_tab(self) -> str:
        active = self.query_one(TabbedContent).active or "tab-segments"
        return active.removeprefix("tab-")

    @property
    def current_list(self) -> PagedList:
        return self.query_one(f"#list-{self.current_tab}", PagedList)

    def refresh_data(self) -> None:
        for tab_id in TABS:
            self.query_one(f"#list-{tab_id}", PagedList).reload()

    def on_mount(self) -> None:
        self.current_list.focus()

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        search = self.query_one(SearchBar)
        if search.value:
            search.value = ""
        self.current_list.focus()

    # --- actions -------------------------------------------------------------------------

    def action_tab(self, tab_id: str) -> None:
        self.query_one(TabbedContent).active = f"tab-{tab_id}"
        self.current_list.focus()

    def action_search(self) -> None:
        self.query_one(SearchBar).open()

    @on(Input.Changed, "#marketing-search")
    def _search_changed(self, event: Input.Changed) -> None:
        query = TABS[self.current_tab][2](event.value or None)
        self.current_list.set_query(query)

    @on(SearchBar.Done)
    def _search_done(self) -> None:
        self.current_list.focus()

    def _saved(self, result: Any) -> None:
        if result is not None:
            self.current_list.reload()
            self.notify("Saved.")

    def action_new(self) -> None:
        self.app.push_screen(forms.new_form(self.store, self.current_tab), self._saved)

    @on(PagedList.Selected)
    def _edit(self, event: PagedList.Selected) -> None:
        if event.row is None:
            return
        tab = self.current_tab
        form = self.attempt(forms.edit_form, self.store, tab, int(event.row["id"]))
        if form is not None:
            self.app.push_screen(form, self._saved)

    def action_done(self) -> None:
        row = self.current_list.row
        if self.current_tab != "tasks" or row is None:
            self.notify("d ticks off a marketing task (in the Tasks tab).")
            return
        done = row["done_at"] is None
        if self.attempt(marketing.complete_task, self.store, int(row["id"]), done) is not None:
            self.current_list.reload()
            self.notify("Task done." if done else "Task reopened.")

    def action_delete(self) -> None:
        row = self.current_list.row
        if row is None:
            return
        label = self.attempt(soft_delete, self.store, TABS[self.current_tab][1], int(row["id"]))
        if label is not None:
            self.current_list.reload()
            self.notify(f"Deleted {label!r} — press u to undo.", markup=False)

    def action_undo(self) -> None:
        restored = self.attempt(undo_delete, self.store)
        if restored is None:
            self.notify("Nothing to undo.")
            return
        self.refresh_data()
        self.notify(f"Restored {restored.label!r}.", markup=False)

    def open_record(self, kind: str, record_id: int) -> None:
        """Palette: show a promotion or research note (opens its edit form for now)."""
        tab = {"promotion": "promotions", "research_note": "research"}.get(kind)
        if tab is None:
            return
        self.action_tab(tab)
        form = self.attempt(forms.edit_form, self.store, tab, record_id)
        if form is not None:
            self.app.push_screen(form, self._saved)
