"""The review screen's dialogs: the records behind a figure, the weekly targets, the export.

- :class:`RecordsScreen` lists, a page at a time, what :func:`~dualrole.review.records.
  records_behind` finds for one metric; enter opens the prospect (or note, promotion) page.
- :class:`TargetsForm` is a :class:`~dualrole.tui.dialogs.forms.FormScreen` with one field per
  metric; every field is checked with :func:`~dualrole.review.parse_target` before anything
  is stored, and each problem is shown next to its field.
- :class:`ExportScreen` asks for the format and the file; it refuses what the export module
  refuses (the database, a folder, a symlink…) with that module's sentence, and asks before
  replacing an existing file. It dismisses with ``(path, format)``; the review screen writes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from dualrole.core.dates import clock
from dualrole.core.enums import RecordKind
from dualrole.core.money import format_money_input, round_minor
from dualrole.review import CATALOGUE, Metric, WeeklyReview, parse_target, set_target, show_value
from dualrole.review.records import Record, count_behind, records_behind
from dualrole.storage.db import StorageError, Store
from dualrole.tui.dialogs.forms import ConfirmScreen, Field, FormScreen
from dualrole.tui.format import day
from dualrole.tui.navigation import OpenRecord
from dualrole.tui.text import plain
from dualrole.tui.widgets.paged_list import Column, PagedList

EXPORT_FORMATS = (("Markdown (.md)", "md"), ("HTML (.html)", "html"), ("JSON (.json)", "json"),
                  ("CSV (.csv)", "csv"))  # fmt: skip
FORMAT_NAMES = {fmt for _label, fmt in EXPORT_FORMATS}
UNIT_HINT = {"count": "", "money": " (in major units, e.g. 50)", "percent": " (percent)"}


def when_text(value: str) -> str:
    """A record's day or stored moment as a short local date (and time)."""
    if len(value) <= 10:
        return day(value)
    moment = clock.from_db(value)
    return f"{day(value[:10])} {moment.astimezone():%H:%M}" if moment else value


class RecordsSource:
    """The records behind one metric, paged for a :class:`PagedList` (rows as dicts)."""

    def __init__(self, metric: str, monday: dt.date) -> None:
        self.metric = metric
        self.monday = monday

    def count(self, store: Store) -> int:
        return count_behind(store, self.metric, self.monday)

    def page(self, store: Store, offset: int, limit: int) -> list[Record]:
        return records_behind(store, self.metric, self.monday, offset=offset, limit=limit)


RECORD_COLUMNS: list[Column[Record]] = [
    Column("When", lambda record: when_text(record.when), width=17),
    Column("What", lambda record: record.title, ratio=2),
    Column("Detail", lambda record: record.detail, ratio=3),
]


class RecordsScreen(ModalScreen[None]):
    """The records behind one figure of the week; enter opens one, escape goes back."""

    BINDINGS = [Binding("escape", "close", "Back", id="records.close")]

    def __init__(self, store: Store, metric: Metric, review: WeeklyReview) -> None:
        super().__init__(classes=metric.side.value)
        self.store = store
        self.metric = metric
        self.review = review

    def compose(self) -> ComposeResult:
        m, review = self.metric, self.review
        figure = show_value(m.actual, m.unit, review.currency)
        with Vertical(id="records-box"):
            yield Label(plain(f"{m.label} · {review.week}: {figure}"), id="records-title")
            yield PagedList(
                self.store,
                RecordsSource(m.key, review.monday),
                RECORD_COLUMNS,
                empty_text="No records behind this figure this week.",
                id="records-list",
            )
            yield Static("enter opens · esc back", id="records-keys")

    def on_mount(self) -> None:
        self.query_one(PagedList).focus()

    def action_close(self) -> None:
        self.dismiss(None)

    @on(PagedList.Selected, "#records-list")
    def _open(self, event: PagedList.Selected) -> None:
        record: Record = event.row
        if record.prospect_id is not None and record.kind != RecordKind.research_note:
            self.app.post_message(OpenRecord(RecordKind.prospect, record.prospect_id))
        elif record.kind in (RecordKind.research_note, RecordKind.promotion):
            self.app.post_message(OpenRecord(record.kind, record.id))
        else:
            self.notify("This record has no page of its own.", markup=False)


# --- targets -------------------------------------------------------------------------------


def target_text(key: str, value: float | None) -> str:
    """A stored target as a person would type it (money in major units, blank for none)."""
    if value is None:
        return ""
    unit = next(m.unit for m in CATALOGUE if m.key == key)
    return format_money_input(round_minor(value)) if unit == "money" else f"{value:g}"


class TargetsForm(FormScreen[bool]):
    """Every metric's weekly target; blank = shown but not graded."""

    def __init__(self, store: Store, targets: dict[str, float | None]) -> None:
        fields = [
            Field(m.key, f"{m.side.value} · {m.label}{' (at most)' if m.better == 'lower' else ''}"
                  f"{UNIT_HINT[m.unit]}", value=target_text(m.key, targets.get(m.key)))
            for m in CATALOGUE
        ]  # fmt: skip
        intro = "Leave a field blank for a metric you do not want graded. ctrl+s saves."
        super().__init__("Weekly targets", fields, None, self._store, intro=intro)
        self.store = store

    def _store(self, values: dict[str, Any]) -> bool:
        changed = {k: str(v) for k, v in values.items() if v != self._initial_values.get(k)}
        errors: dict[str, str] = {}
        parsed: dict[str, float | None] = {}
        for key, text in changed.items():
            try:
                parsed[key] = parse_target(key, text)
            except ValueError as exc:
                message = str(exc)
                for prefix in (f"target for {key}: ", f"target for {key} "):
                    message = message.removeprefix(prefix)
                errors[key] = message
        if errors:
            raise TargetErrors(errors)
        with self.store.transaction():
            for key, value in parsed.items():
                set_target(self.store, key, value)
        return bool(parsed)

    def on_mount(self) -> None:
        super().on_mount()
        for field in self.fields:  # an error line only where there is an error
            self.query_one(f"#error-{field.name}", Static).display = False

    def show_errors(self, errors: dict[str, str]) -> None:
        super().show_errors(errors)
        for field in self.fields:
            self.query_one(f"#error-{field.name}", Static).display = field.name in errors

    def action_save(self) -> None:
        try:
            super().action_save()
        except TargetErrors as exc:
            self.show_errors(exc.errors)


class TargetErrors(Exception):
    """Several fields of the targets form were refused (name → message)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


# --- export -------------------------------------------------------------------------------


class ExportScreen(ModalScreen[tuple[Path, str] | None]):
    """Choose the export's format and file; refuses unsafe files, asks before replacing."""

    BINDINGS = [
        Binding("ctrl+s", "export", "Export", priority=True, id="export.go"),
        Binding("escape", "cancel", "Cancel", id="export.cancel"),
    ]

    def __init__(self, week: str, database: Path | None) -> None:
        super().__init__()
        self.week = week
        self.database = database

    def default_path(self, fmt: str) -> str:
        return f"./review-{self.week}.{fmt}"

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box"):
            yield Label(plain(f"Export the review of {self.week}"), id="export-title")
            yield Label("Format", classes="form-label")
            yield Select(EXPORT_FORMATS, value="md", allow_blank=False, id="export-format")
            yield Label("File", classes="form-label")
            yield Input(self.default_path("md"), id="export-path")
            yield Static("", id="export-error", classes="form-error")
            with Horizontal(id="export-buttons"):
                yield Button("Export  ctrl+s", variant="primary", id="export-go")
                yield Button("Cancel  esc", id="export-cancel")

    def on_mount(self) -> None:
        self.query_one("#export-format", Select).focus()

    @on(Select.Changed, "#export-format")
    def _format_changed(self, event: Select.Changed) -> None:
        """Follow the format in the file name while it is still the suggested one."""
        path = self.query_one("#export-path", Input)
        stem, dot, suffix = path.value.strip().rpartition(".")
        suggested = Path(stem).name == f"review-{self.week}" and suffix in FORMAT_NAMES
        if dot and suggested:
            path.value = f"{stem}.{event.value}"
        elif not path.value.strip():
            path.value = self.default_path(str(event.value))

    @property
    def fmt(self) -> str:
        return str(self.query_one("#export-format", Select).value)

    def action_export(self) -> None:
        from dualrole.storage.files import inspect_destination

        error = self.query_one("#export-error", Static)
        text = self.query_one("#export-path", Input).value.strip()
        if not text:
            error.update("File: give a file name.")
            return
        path = Path(text).expanduser()
        path = path if path.is_absolute() else Path.cwd() / path
        try:
            exists = inspect_destination(path, database=self.database)
        except (StorageError, OSError) as exc:
            error.update(plain(str(exc)))
            return
        error.update("")
        if not exists:
            self.dismiss((path, self.fmt))
            return

        def replace(yes: bool | None) -> None:
            if yes:
                self.dismiss((path, self.fmt))

        self.app.push_screen(ConfirmScreen(f"{text} exists. Replace it?", yes="Replace"), replace)

    @on(Input.Submitted, "#export-path")
    def _submitted(self) -> None:
        self.action_export()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#export-go")
    def _go(self) -> None:
        self.action_export()

    @on(Button.Pressed, "#export-cancel")
    def _cancel(self) -> None:
        self.action_cancel()
