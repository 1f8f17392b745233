"""The ``/`` filter box above a list: hidden until opened, filters as you type.

Give it ``apply`` (called with the text) to filter in the same frame as the typed character
is echoed: ``apply`` runs as the value changes, before the screen repaints, so the echo and
the filtered list arrive together. When the last ``apply`` was slow (a costly query), quick
keystrokes are coalesced instead: the text is applied once typing pauses. Without
``apply`` the screen listens for ``Input.Changed`` (one frame later). ``SearchBar.Done``
means focus back to the list. Enter keeps the filter; escape clears it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.binding import Binding
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input

SLOW = 0.030  # an apply slower than this (seconds) makes quick keystrokes coalesce
PAUSE = 0.120  # … until typing pauses this long


class SearchBar(Input):
    """A one-line filter box; ``open()`` shows and focuses it."""

    DEFAULT_CSS = """
    SearchBar { display: none; border: tall $accent; height: 3; }
    SearchBar.-open { display: block; }
    """
    BINDINGS = [
        Binding("escape", "clear_close", "Clear search", id="search.clear"),
        Binding("down", "done", "To the list", show=False, id="search.done"),
    ]

    class Done(Message):
        """Searching is finished (enter, down or escape); focus the list again."""

    def __init__(
        self,
        placeholder: str = "search…",
        *,
        apply: Callable[[str], None] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(placeholder=placeholder, id=id)
        self._apply = apply
        self._applied = ""
        self._cost = 0.0  # seconds the last apply took
        self._changed_at = 0.0
        self._pending: Timer | None = None

    @property
    def content_width(self) -> int:
        # Textual sizes an input's scrollable width to its text, so each keystroke changed
        # it and laid the whole screen out again (~1.5 ms a keystroke); at least the box's
        # width, it changes only for text longer than the box (which then scrolls).
        return max(super().content_width, self.scrollable_content_region.width)

    def watch_value(self, value: str) -> None:
        """Apply the text now (same frame as the echo), or once typing pauses if slow."""
        if self._apply is None:
            return
        now = time.monotonic()
        typing = now - self._changed_at < PAUSE
        self._changed_at = now
        if self._pending is not None:
            self._pending.stop()
            self._pending = None
        if typing and self._cost > SLOW:
            self._pending = self.set_timer(PAUSE, self.flush)
        else:
            self.flush()

    def flush(self) -> None:
        """Apply the current text if it was not applied yet."""
        if self._pending is not None:
            self._pending.stop()
            self._pending = None
        if self._apply is None or self.value == self._applied:
            return
        self._applied = self.value
        started = time.perf_counter()
        self._apply(self.value)
        self._cost = time.perf_counter() - started

    def open(self) -> None:
        self.add_class("-open")
        self.focus()

    def action_done(self) -> None:
        self.flush()
        if not self.value:
            self.remove_class("-open")
        self.post_message(self.Done())

    def action_clear_close(self) -> None:
        self.value = ""
        self.flush()
        self.remove_class("-open")
        self.post_message(self.Done())

    async def action_submit(self) -> None:
        await super().action_submit()
        self.action_done()
