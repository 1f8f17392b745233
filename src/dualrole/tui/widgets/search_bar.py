"""The ``/`` filter box above a list: hidden until opened, filters as you type.

The screen listens for ``Input.Changed`` on it (rebuilds its query with ``value``) and
``SearchBar.Done`` (focus back to the list). Enter keeps the filter; escape clears it.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


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

    def __init__(self, placeholder: str = "search…", *, id: str | None = None) -> None:
        super().__init__(placeholder=placeholder, id=id)

    def open(self) -> None:
        self.add_class("-open")
        self.focus()

    def action_done(self) -> None:
        if not self.value:
            self.remove_class("-open")
        self.post_message(self.Done())

    def action_clear_close(self) -> None:
        self.value = ""
        self.remove_class("-open")
        self.post_message(self.Done())

    async def action_submit(self) -> None:
        await super().action_submit()
        self.action_done()
