"""The weekly review screen (placeholder; its own issue replaces the content).

Keep the class name ``ReviewScreen``: the app binds ``w`` to the ``review`` mode.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer, Static

from dualrole.tui.screens.base import AreaScreen


class ReviewScreen(AreaScreen):
    TITLE_TEXT = "Weekly review"

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Static(
            "The weekly review arrives here: each side on its own metrics, with targets, "
            "trends and an export.",
            id="review-placeholder",
            markup=False,
        )
        yield Footer()
