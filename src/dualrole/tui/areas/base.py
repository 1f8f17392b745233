"""What every area screen shares: the top bar, refresh on resume, safe service calls.

A new area screen::

    class SegmentsScreen(AreaScreen):
        TITLE_TEXT = "Segments"
        SIDE = "marketing"              # colours the top bar; None for neutral screens
        BINDINGS = [Binding("n", "new", "New", id="segments.new")]

        def compose(self) -> ComposeResult:
            yield from self.compose_top()
            yield PagedList(self.store, segments_query(), COLUMNS, id="segments")
            yield KeyBar()                  # widgets/keybar.py: the keys of this screen

        def refresh_data(self) -> None:      # called whenever the data it shows moved
            self.query_one(PagedList).reload()

``refresh_data`` is never called after a write: the app's one data-changed signal
(``tui/data_changes.py``) refreshes a visible screen when anything is written (here, from
the shell, by another process), and a hidden one when it is next shown.

Call services through ``self.attempt(fn, *args)``: a ``StorageError`` or ``ValueError``
becomes one notification (never a traceback) and ``attempt`` returns None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Mount, ScreenResume
from textual.screen import ModalScreen, Screen
from textual.widgets import Input

from dualrole.storage.db import StorageError, Store, open_store
from dualrole.tui.host import app_data_changes, app_store, app_undo
from dualrole.tui.widgets.topbar import TopBar

if TYPE_CHECKING:
    from dualrole.services.undo import Step

R = TypeVar("R")


def _sentence(error: BaseException) -> str:
    """A failure in our words (a validation error too); the models load only on a failure."""
    from dualrole.core.models import error_sentence

    return error_sentence(error)


class AreaScreen(Screen[None]):
    """Base for Today, Marketing, Sales, Review and the record pages."""

    TITLE_TEXT: ClassVar[str] = ""
    SIDE: ClassVar[str | None] = None
    BINDINGS = [
        Binding("escape", "leave_field", "Leave field", show=False, id="area.leave_field"),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_field":  # escape is free for the page's own use otherwise
            # An area's text fields are inputs; text areas are only in forms, which are
            # screens of their own (importing TextArea cost ~12 ms of the start).
            return isinstance(self.focused, Input)
        return True

    def action_leave_field(self) -> None:
        """``escape`` in a text field: back to the screen's first list (typing stays put)."""
        lists = [w for w in self.query("PagedList, PipelineBoard") if w.region.area]
        if lists:
            lists[0].focus()
        else:
            self.set_focus(None)

    @property
    def store(self) -> Store:
        return app_store(self.app)

    def compose_top(self) -> ComposeResult:
        yield TopBar(self.TITLE_TEXT, self.SIDE)

    def refresh_data(self) -> None:
        """Reload what the screen shows from the database (override); called when the data
        moved since the screen last read it (:meth:`catch_up`), never by hand after a write."""

    _data_seen: object = None
    """The app's data version this screen last read (None: not yet shown)."""

    @on(Mount)
    def _follow_data(self) -> None:
        changes = app_data_changes(self.app)
        if changes is not None:
            changes.signal.subscribe(self, self._data_changed)

    def _data_changed(self, _version: object) -> None:
        if self.is_visible_screen:
            self.catch_up()

    @property
    def is_visible_screen(self) -> bool:
        """Shown: the current screen, or under dialogs only (they leave it in view)."""
        stack = self.app.screen_stack
        if self not in stack:
            return False
        above = stack[stack.index(self) + 1 :]
        return all(isinstance(screen, ModalScreen) for screen in above)

    def catch_up(self) -> None:
        """:meth:`refresh_data` if anything was written since this screen last read its data.

        The data-changed signal and showing the screen call it; call it by hand only where
        the next line needs the new rows (to put the cursor on a record just added).
        """
        changes = app_data_changes(self.app)
        version = changes.version() if changes is not None else object()
        if self._data_seen is None or version != self._data_seen:
            self._data_seen = version
            self.refresh_data()

    @on(ScreenResume)
    def _resumed(self, event: ScreenResume) -> None:
        # Runs before Screen's own handler (Textual dispatches from the most derived class).
        # A mode switch asks that handler to re-style every widget of the screen (~15-30 ms
        # a switch); nothing here needs it: a class change restyles its widget at once, and
        # a theme change restyles a screen when it is next shown (``App.switch_mode``).
        event.refresh_styles = False
        self.catch_up()

    def attempt(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R | None:
        """Run a service call; report its failure as one sentence."""
        try:
            return fn(*args, **kwargs)
        except (StorageError, ValueError) as exc:
            self.notify(_sentence(exc), title="Not done", severity="error", markup=False)
            return None

    def compute_then_show(
        self, compute: Callable[[Store], R], show: Callable[[R], None], *, group: str
    ) -> None:
        """``show(compute(store))``, computing off the UI thread on a connection of its own.

        For what takes long at 1M interactions (the review, insights); a newer call in the
        same ``group`` cancels an older one. An in-memory workspace has no second
        connection, so there it runs here. A failure is one sentence, as for :meth:`attempt`.
        """
        path = self.store.path
        if path is None:
            result = self.attempt(compute, self.store)
            if result is not None:
                show(result)
            return

        def in_background() -> None:
            try:
                with open_store(path, create=False) as own:
                    result = compute(own)
            except (StorageError, ValueError) as exc:
                self.app.call_from_thread(
                    self.notify,
                    _sentence(exc),
                    title="Not done",
                    severity="error",
                    markup=False,
                )
                return
            self.app.call_from_thread(show, result)

        self.run_worker(
            in_background, thread=True, exclusive=True, group=group, exit_on_error=False
        )

    SNOOZE_BINDINGS: ClassVar[list[Binding]] = [
        Binding(
            "z",
            "snooze('day')",
            "Snooze",
            id="snooze.day",
            tooltip="To the next business day (u undoes)",
        ),
        Binding(
            "Z",
            "snooze('week')",
            "Snooze a week",
            id="snooze.week",
            tooltip="To next week (u undoes)",
            show=False,
        ),
    ]
    """``z`` / ``Z`` for screens whose ``snooze_target`` can name a follow-up or task."""

    def snooze_target(self) -> tuple[str, int] | None:
        """The selected open follow-up or task as ("followup" | "task", id) (override)."""
        return None

    def action_snooze(self, when: str) -> None:
        """Move the selected follow-up or task to the next business day (``day``) or the
        first of next week (``week``), as ``dualrole snooze`` does; ``u`` undoes it."""
        from dualrole.services import daily, undo
        from dualrole.services.due import ItemRef

        target = self.snooze_target()
        if target is None:
            self.notify("z snoozes an open follow-up or task: highlight one first.")
            return
        day = self.attempt(daily.snooze_day, self.store, week=when == "week")
        if day is None:
            return
        snoozed = self.attempt(daily.snooze, self.store, ItemRef(*target), day)
        if snoozed is None:
            return
        self.remember(undo.snoozed(snoozed, day))
        self.notify(f"Snoozed {snoozed.title!r} to {day:%a %-d %b} — u undoes.", markup=False)

    # --- undo --------------------------------------------------------------------------

    def remember(self, step: Step | None) -> None:
        """Add a change just made to the app's one undo history (``u`` on any screen)."""
        app_undo(self.app).record(step)

    def action_undo(self) -> None:
        """Take back the latest change of any kind (done, snooze, delete, stage) and say so."""
        try:
            step = app_undo(self.app).undo(self.store)
        except (StorageError, ValueError) as exc:
            self.notify(str(exc), title="Could not undo", severity="error", markup=False)
            return
        if step is None:
            self.notify("Nothing to undo.")
            return
        self.notify(f"Undid: {step.said}", markup=False)
