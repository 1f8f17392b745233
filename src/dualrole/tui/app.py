"""The App shell (placeholder until the screens land)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

from dualrole.db import Store


class DualroleApp(App[None]):
    TITLE = "dualrole"

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"dualrole — {self.store.path}", markup=False)
        yield Footer()
