"""A segment's page: who they are, what hurts, what they value, what stops them buying.

Pushed on top of Marketing; ``escape`` goes back. Left: demographics, pain points, values,
objections and how many prospects belong to it. Right: the research notes and promotions
aimed at it (paged lists; ``enter`` opens one, ``tab`` moves between them). ``n`` writes a
research note for this segment, ``e`` edits it, ``delete`` moves it to the trash.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

import dualrole.tui.areas.marketing.forms as forms
from dualrole.core.enums import RecordKind
from dualrole.core.models import Segment
from dualrole.services import marketing, undo
from dualrole.services.lists import (
    NoteRow,
    PromotionRow,
    ProspectFilter,
    notes_query,
    promotions_query,
    prospects_query,
)
from dualrole.services.records import soft_delete
from dualrole.storage.db import NotFoundError
from dualrole.tui import format as fmt
from dualrole.tui.areas.base import AreaScreen
from dualrole.tui.navigation import OpenRecord
from dualrole.tui.text import plain
from dualrole.tui.widgets.keybar import KeyBar
from dualrole.tui.widgets.paged_list import Column, PagedList

NOTE_COLUMNS: list[Column[NoteRow]] = [
    Column("Kind", lambda r: r.kind, width=10),
    Column("Note", lambda r: r.title),
    Column("Added", lambda r: fmt.ago(r.created_at), width=7, justify="right"),
]
PROMOTION_COLUMNS: list[Column[PromotionRow]] = [
    Column("Promotion", lambda r: r.name),
    Column("Status", lambda r: r.status, width=9),
    Column("Leads", lambda r: r.leads, width=5, justify="right"),
]
DEMOGRAPHICS = [
    ("age_range", "age"),
    ("gender", "gender"),
    ("marital_status", "marital"),
    ("income", "income"),
    ("education", "education"),
    ("occupation", "job"),
    ("location", "location"),
]
SECTIONS = [
    ("interests", "Interests / social activities"),
    ("pain_points", "Pain points"),
    ("values", "Values"),
    ("objections", "Objections — what would stop them buying"),
]


class SegmentScreen(AreaScreen):
    """One target market and what marketing knows and does about it."""

    TITLE_TEXT = "Segment"
    SIDE = "marketing"
    BINDINGS = [
        Binding("escape", "back", "Back", id="segment.back"),
        Binding("e", "edit", "Edit", id="segment.edit", tooltip="Edit demographics and more"),
        Binding("n", "new_note", "New note", id="segment.new_note", tooltip="Research note here"),
        Binding("delete", "delete", "Delete", id="segment.delete", tooltip="u undoes"),
    ]

    def __init__(self, segment_id: int) -> None:
        super().__init__()
        self.segment_id = segment_id
        self.segment: Segment | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        with Horizontal(id="segment-body", classes="page-body"):
            with VerticalScroll(id="segment-left", classes="page-left"):
                yield Static("", id="segment-details")
                for name, title in SECTIONS:
                    yield Static(title, classes="section-title")
                    yield Static("", id=f"segment-{name}", classes="page-text")
            with Vertical(id="segment-right", classes="page-right"):
                yield Static("Research notes", classes="section-title")
                yield PagedList(
                    self.store,
                    notes_query(segment_id=self.segment_id),
                    NOTE_COLUMNS,
                    id="segment-notes",
                    classes="page-list",
                    empty_text="No research on this segment yet — n writes a note.",
                )
                yield Static("Promotions aimed at it", classes="section-title")
                yield PagedList(
                    self.store,
                    promotions_query(segment_id=self.segment_id),
                    PROMOTION_COLUMNS,
                    id="segment-promotions",
                    classes="page-list",
                    empty_text="No promotions target this segment yet.",
                )
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#segment-notes", PagedList).focus()

    def refresh_data(self) -> None:
        try:
            segment = marketing.get_segment(self.store, self.segment_id)
        except NotFoundError:
            self.notify("That segment no longer exists (deleted elsewhere?).")
            self.dismiss()
            return
        self.segment = segment
        prospects = prospects_query(self.store, ProspectFilter(segment_id=self.segment_id))
        self._show(segment, prospects.count(self.store))
        self.query_one("#segment-notes", PagedList).reload()
        self.query_one("#segment-promotions", PagedList).reload()

    def _show(self, segment: Segment, prospects: int) -> None:
        values: dict[str, Any] = segment.model_dump()
        text = Text()
        text.append_text(plain(segment.name, "bold"))
        if segment.description.strip():
            text.append("\n")
            text.append_text(plain(segment.description, multiline=True))
        text.append("\n")
        for name, label in DEMOGRAPHICS:
            text.append(f"\n{label:<10}", style="dim")
            text.append_text(plain(values.get(name) or "—"))
        text.append(f"\n{'prospects':<10}", style="dim")
        text.append(f"{prospects:,}")
        self.query_one("#segment-details", Static).update(text)
        for name, _title in SECTIONS:
            body = str(values.get(name) or "").strip()
            shown = plain(body, multiline=True) if body else Text("—", style="dim")
            self.query_one(f"#segment-{name}", Static).update(shown)
        self.query_one("#segment-left").border_title = plain(segment.name)

    # --- actions -------------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss()

    def _saved(self, message: str) -> Any:
        def done(result: Any) -> None:
            if result is not None:
                self.notify(message)

        return done

    def action_edit(self) -> None:
        form = self.attempt(forms.edit_form, self.store, "segments", self.segment_id)
        if form is not None:
            self.app.push_screen(form, self._saved("Saved."))

    def action_new_note(self) -> None:
        form = forms.new_form(self.store, "research", {"segment_id": self.segment_id})
        self.app.push_screen(form, self._saved("Research note added."))

    def action_delete(self) -> None:
        label = self.attempt(soft_delete, self.store, "segment", self.segment_id)
        if label is not None:
            self.remember(undo.deleted("segment", self.segment_id, label))
            self.notify(f"Deleted {label!r} — press u to undo.", markup=False)
            self.dismiss()

    @on(PagedList.Selected, "#segment-notes")
    def _open_note(self, event: PagedList.Selected) -> None:
        if event.row is not None:
            self.app.post_message(OpenRecord(RecordKind.research_note, event.row.id))

    @on(PagedList.Selected, "#segment-promotions")
    def _open_promotion(self, event: PagedList.Selected) -> None:
        if event.row is not None:
            self.app.post_message(OpenRecord(RecordKind.promotion, event.row.id))
