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

        def refresh_data(self) -> None:      # called each time the screen is shown
            self.query_one(PagedList).reload()

Call services through ``self.attempt(fn, *args)``: a ``StorageError`` or ``ValueError``
becomes one notification (never a traceback) and ``attempt`` returns None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import ScreenResume
from textual.screen import Screen
from textual.widgets import Input, TextArea

from dualrole.db import StorageError, Store
from dualrole.tui.host import app_store
from dualrole.tui.widgets.topbar import TopBar

R = TypeVar("R")


class AreaScreen(Screen[None]):
    """Base for Today, Marketing, Sales, Review and the record pages."""

    TITLE_TEXT: ClassVar[str] = ""
    SIDE: ClassVar[str | None] = None
    BINDINGS = [
        Binding("escape", "leave_field", "Leave field", show=False, id="area.leave_field"),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_field":  # escape is free for the page's own use otherwise
            return isinstance(self.focused, (Input, TextArea))
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
        """Reload what the screen shows from the database (override)."""

    @on(ScreenResume)
    def _resumed(self) -> None:
        self.refresh_data()

    def attempt(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R | None:
        """Run a service call; report its failure as one sentence."""
        try:
            return fn(*args, **kwargs)
        except (StorageError, ValueError) as exc:
            self.notify(str(exc), title="Not done", severity="error", markup=False)
            return None

    def action_undo(self) -> None:
        """Restore the most recently deleted record (screens bind ``u`` to this)."""
        from dualrole.services.records import undo_delete

        restored = self.attempt(undo_delete, self.store)
        if restored is None:
            self.notify("Nothing to undo.")
            return
        self.refresh_data()
        self.notify(f"Restored {restored.label!r}.", markup=False)
