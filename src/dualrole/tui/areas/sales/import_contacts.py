"""Import contacts from the app: preview first (a dry run), then import with a progress bar.

:class:`ImportContactsScreen` is a modal that takes a file path (and optional tags), runs a
dry run in a worker thread and shows what it found — the detected format, encoding and
delimiter, which column feeds which field, and how many prospects would be created, merged
or skipped (with the first problems and their line numbers). ``ctrl+s`` then imports for
real, with a progress bar (pressed before a preview, it shows the preview first);
``escape`` cancels a running import (nothing is kept: the import is one transaction) or
closes the dialog. It dismisses with the
:class:`~dualrole.interop.importer.ImportReport` of a finished import, else ``None``.

Workers open their own connection (an SQLite connection belongs to the thread that opened
it); the work itself is :func:`dualrole.interop.importer.import_contacts`.
"""

from __future__ import annotations

import threading
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, ProgressBar, Static
from textual.worker import Worker, WorkerState

from dualrole.interop.importer import ImportCancelled, ImportReport, import_contacts
from dualrole.storage.db import StorageError, Store, open_store
from dualrole.tui.text import plain, visible

SHOWN_PROBLEMS = 30


CLI_MAPPING_HINT = "say which is which with --map"
APP_MAPPING_HINT = (
    "rename the column that holds the names to Name (or the emails to Email) in the file, "
    "then preview it again."
)


def in_app_words(message: str) -> str:
    """An importer's sentence as it makes sense in the app (it has no ``--map`` flag)."""
    head, hint, _rest = message.partition(CLI_MAPPING_HINT)
    return head + APP_MAPPING_HINT if hint else message


class ImportContactsScreen(ModalScreen[ImportReport | None]):
    """Preview and import a contact file (CSV or vCard) into prospects."""

    BINDINGS = [
        Binding("ctrl+s", "confirm", "Import", id="import.confirm", tooltip="Import for real"),
        Binding("escape", "cancel", "Cancel", id="import.cancel", tooltip="Stop or close"),
    ]

    def __init__(self, store: Store, path: str | Path = "") -> None:
        super().__init__()
        self.store = store
        self.initial_path = str(path)
        self.preview: ImportReport | None = None
        self.running = False
        self._cancel = threading.Event()

    def compose(self) -> ComposeResult:
        with Vertical(id="import-box"):
            yield Static(Text("Import contacts", style="bold"), id="import-title")
            yield Label("File (CSV from Google, LinkedIn, HubSpot, Outlook…, or vCard)")
            with Horizontal(id="import-file-row"):
                yield Input(self.initial_path, placeholder="~/Downloads/Connections.csv", id="path")
                yield Button("Preview", id="import-preview")
            yield Label("Tags for every imported prospect (comma-separated)")
            yield Input("", placeholder="linkedin, 2026", id="tags")
            yield Static("", id="import-shape", markup=False)
            yield Static("", id="import-counts", markup=False)
            with VerticalScroll(id="import-details"):
                yield Static("", id="import-mapping", markup=False)
                yield Static("", id="import-problems", markup=False)
            yield ProgressBar(total=100, show_eta=False, id="import-progress")
            yield Static("", id="import-error", markup=False)
            with Horizontal(id="import-buttons"):
                yield Button(
                    "Import  ctrl+s", variant="primary", id="import-confirm", disabled=True
                )
                yield Button("Cancel  esc", id="import-cancel")

    def on_mount(self) -> None:
        if self.initial_path:
            self.start(dry_run=True)
        else:
            self.query_one("#path", Input).focus()

    # --- actions -------------------------------------------------------------------------

    def path(self) -> Path:
        return Path(self.query_one("#path", Input).value.strip()).expanduser()

    def tags(self) -> list[str]:
        return [t.strip() for t in self.query_one("#tags", Input).value.split(",") if t.strip()]

    @on(Input.Submitted, "#path")
    @on(Button.Pressed, "#import-preview")
    def _preview(self) -> None:
        self.start(dry_run=True)

    @on(Input.Changed)
    def _changed(self) -> None:
        if not self.running:  # the preview, or the sentence, was about what was typed before
            self.preview = None
            self.query_one("#import-confirm", Button).disabled = True
            self.show_error("")

    @on(Button.Pressed, "#import-confirm")
    def action_confirm(self) -> None:
        if not self.running:  # nothing is imported unseen: a first press shows the preview
            self.start(dry_run=self.preview is None)

    @on(Button.Pressed, "#import-cancel")
    def action_cancel(self) -> None:
        if self.running:
            self._cancel.set()
            self.show_error("Cancelling…")
        else:
            self.dismiss(None)

    def start(self, *, dry_run: bool) -> None:
        if not self.query_one("#path", Input).value.strip():
            self.show_error("Type the path of a CSV or vCard file.")
            return
        self.running = True
        self._cancel.clear()
        self.show_error("")
        self.query_one("#import-confirm", Button).disabled = True
        self.query_one("#import-progress", ProgressBar).update(total=100, progress=0)
        self.run_import(self.path(), self.tags(), dry_run)

    # --- the worker ----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def run_import(self, path: Path, tags: list[str], dry_run: bool) -> ImportReport:
        def progress(done: int, total: int) -> None:
            if self._cancel.is_set():
                raise ImportCancelled
            self.app.call_from_thread(self.show_progress, done, total)

        if self.store.path is None:
            raise StorageError("An in-memory workspace cannot be imported into from the app.")
        with open_store(self.store.path, create=False, backup_before_migrate=False) as store:
            return import_contacts(store, path, dry_run=dry_run, tags=tags, progress=progress)

    def show_progress(self, done: int, total: int) -> None:
        self.query_one("#import-progress", ProgressBar).update(total=max(total, 1), progress=done)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        state, worker = event.state, event.worker
        if state not in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return
        self.running = False
        if state == WorkerState.SUCCESS:
            report = worker.result
            assert isinstance(report, ImportReport)
            if report.dry_run:
                self.show_preview(report)
            else:
                self.app.notify(report.summary(), title="Import", markup=False)
                self.dismiss(report)
            return
        error = worker.error
        if isinstance(error, ImportCancelled) or state == WorkerState.CANCELLED:
            self.show_error("Import cancelled; nothing was changed.")
        elif isinstance(error, (StorageError, ValueError, OSError)):
            self.show_error(in_app_words(str(error)))
        else:
            self.show_error(f"Something unexpected went wrong ({type(error).__name__}).")
        self.query_one("#import-confirm", Button).disabled = self.preview is None

    # --- showing results -----------------------------------------------------------------

    def show_error(self, message: str) -> None:
        self.query_one("#import-error", Static).update(plain(message, "bold"))

    def show_preview(self, report: ImportReport) -> None:
        self.preview = report
        shape = report.shape
        parts = [shape.format, f"encoding {shape.encoding}"]
        if shape.delimiter:
            parts.append(f"delimiter {'tab' if shape.delimiter == chr(9) else shape.delimiter}")
        self.query_one("#import-shape", Static).update(plain("Detected: " + ", ".join(parts)))
        counts = (
            f"Would create {report.created:,}, merge {report.merged:,}, skip {report.skipped:,}."
        )
        self.query_one("#import-counts", Static).update(plain(counts, "bold"))
        mapping = [f"{field:<12} ← {', '.join(cols)}" for field, cols in shape.mapping.items()]
        if shape.unmapped:
            mapping.append(f"{'not used':<12}   {', '.join(shape.unmapped)}")
        self.query_one("#import-mapping", Static).update(
            plain("\n".join(mapping), multiline=True) if mapping else ""
        )
        problems = report.problems()
        shown = [visible(o.line()) for o in problems[:SHOWN_PROBLEMS]]
        if len(problems) > SHOWN_PROBLEMS:
            shown.append(f"… and {len(problems) - SHOWN_PROBLEMS:,} more")
        self.query_one("#import-problems", Static).update(
            plain("\n".join(shown), "dim", multiline=True)
        )
        self.query_one("#import-progress", ProgressBar).update(total=100, progress=100)
        self.query_one("#import-confirm", Button).disabled = report.total == 0
