"""A research note's page: its Markdown body, kind, source, segment, prospect and tags.

Pushed on top of Marketing (or a segment's page); ``escape`` goes back. The body is user
text: Markdown formatting is rendered, but ``[markup]`` and control characters show
literally and links are never followed. ``e`` edits, ``o`` opens the prospect the feedback
came from, ``delete`` moves the note to the trash.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Markdown, Static

import dualrole.tui.areas.marketing.forms as forms
from dualrole.core.enums import RecordKind
from dualrole.core.models import ResearchNote
from dualrole.services import marketing, sales, undo
from dualrole.services.records import soft_delete
from dualrole.storage.db import NotFoundError
from dualrole.tui import format as fmt
from dualrole.tui.areas.base import AreaScreen
from dualrole.tui.navigation import OpenRecord
from dualrole.tui.text import plain, visible
from dualrole.tui.widgets.keybar import KeyBar


def text_markdown() -> MarkdownIt:
    """Textual's Markdown parser with HTML off: ``<script>``, ``</td><h1>`` show as typed.

    With HTML on (Textual's default), a block of HTML showed nothing and inline tags vanished.
    """
    return MarkdownIt("gfm-like", {"html": False})


class NoteScreen(AreaScreen):
    """One research note."""

    TITLE_TEXT = "Research note"
    SIDE = "marketing"
    BINDINGS = [
        Binding("escape", "back", "Back", id="note.back"),
        Binding("e", "edit", "Edit", id="note.edit", tooltip="Edit the note"),
        Binding("o", "prospect", "Prospect", id="note.prospect", tooltip="Open its prospect"),
        Binding("delete", "delete", "Delete", id="note.delete", tooltip="u undoes"),
    ]

    def __init__(self, note_id: int) -> None:
        super().__init__()
        self.note_id = note_id
        self.note: ResearchNote | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        with VerticalScroll(id="note-body", classes="page-left"):
            yield Static("", id="note-meta")
            yield Markdown("", id="note-markdown", open_links=False, parser_factory=text_markdown)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#note-body").focus()

    def refresh_data(self) -> None:
        try:
            note = marketing.get_note(self.store, self.note_id)
        except NotFoundError:
            self.notify("That note no longer exists (deleted elsewhere?).")
            self.dismiss()
            return
        self.note = note
        self._show_meta(note)
        body = visible(note.body, multiline=True).strip() or "_No text yet — e to write some._"
        self.query_one("#note-markdown", Markdown).update(body)
        self.query_one("#note-body").border_title = plain(f"{note.kind.value} research")
        self.refresh_bindings()

    def _prospect_name(self, note: ResearchNote) -> str | None:
        if note.prospect_id is None:
            return None
        try:
            return sales.get_prospect(self.store, note.prospect_id).name
        except NotFoundError:
            return "(deleted prospect)"

    def _show_meta(self, note: ResearchNote) -> None:
        segments = {i: n for n, i in marketing.segment_choices(self.store)}
        lines = [
            ("kind", note.kind.value),
            ("source", note.source.value),
            ("segment", segments.get(note.segment_id, "?") if note.segment_id else "—"),
            ("prospect", self._prospect_name(note) or "—"),
            ("tags", ", ".join(note.tags) or "—"),
            ("added", fmt.when(note.created_at)),
        ]
        text = Text()
        text.append_text(plain(note.title, "bold"))
        for label, value in lines:
            text.append(f"\n{label:<9}", style="dim")
            text.append_text(plain(value))
        self.query_one("#note-meta", Static).update(text)

    # --- actions -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "prospect":
            return self.note is not None and self.note.prospect_id is not None
        return super().check_action(action, parameters)

    def action_back(self) -> None:
        self.dismiss()

    def action_edit(self) -> None:
        form = self.attempt(forms.edit_form, self.store, "research", self.note_id)
        if form is not None:

            def done(result: object) -> None:
                if result is not None:
                    self.notify("Saved.")

            self.app.push_screen(form, done)

    def action_prospect(self) -> None:
        if self.note is not None and self.note.prospect_id is not None:
            self.app.post_message(OpenRecord(RecordKind.prospect, self.note.prospect_id))

    def action_delete(self) -> None:
        label = self.attempt(soft_delete, self.store, RecordKind.research_note, self.note_id)
        if label is not None:
            self.remember(undo.deleted(RecordKind.research_note, self.note_id, label))
            self.notify(f"Deleted {label!r} — press u to undo.", markup=False)
            self.dismiss()
