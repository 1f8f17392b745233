"""What an area declares about itself: the one entry the app derives everything from.

Each area's folder (``tui/areas/<area>/``) holds its screen, record pages, forms, actions and
``.tcss``, and in its ``__init__`` one :class:`Area`. From the areas listed in
:data:`dualrole.tui.areas.AREAS` the app takes its modes and area keys
(``DualroleApp``), the start-up's background imports, builds and deferred styles
(``tui/startup.py``), where each record kind's page opens (``OpenRecord``), the palette's
"go:" and area entries (``tui/commands.py``) and the screenshots (``tui/screenshots.py``).

Screens and pages are named by functions that import their module when called (not by
strings), so the import contracts see them and nothing is imported at start-up before it
is needed. This module imports no screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.screen import Screen

from dualrole.core.enums import RecordKind

ScreenClass = Callable[[], type[Screen[Any]]]
"""Imports an area's screen module and returns the screen's class (built with no argument)."""

PageClass = Callable[[], Callable[[int], Screen[Any]]]
"""Imports a record page's module and returns its class (built with the record's id)."""


@dataclass(frozen=True)
class Page:
    """A record kind's page, pushed on top of its area."""

    kind: RecordKind
    page: PageClass
    tab: str | None = None
    """The area's tab listing this kind (opened ``in_area``); None: the area's only list."""


@dataclass(frozen=True)
class PaletteEntry:
    """A palette entry running an action on the area's screen ("sales: New prospect")."""

    label: str
    action: str | None
    """An action of the area's screen (``"new"``, ``"tab('pipeline')"``); None: just go."""


def tab(name: str) -> str:
    """The action showing the area screen's tab ``name`` (``action_tab``)."""
    return f"tab({name!r})"


@dataclass(frozen=True)
class Area:
    """One area of the app (Today, Marketing, Sales, Review, Insights)."""

    mode: str
    """Its Textual mode, also its name in actions (``area('sales')``) and palette entries."""
    key: str
    """The key that shows it from anywhere."""
    title: str
    """The key's description ("Sales"), shown in the key bar and help."""
    screen: ScreenClass
    folder: Path
    """The area's folder, where its ``styles`` are."""
    styles: tuple[str, ...] = ()
    """Its ``.tcss`` files (in ``folder``), added to the app's one stylesheet after the
    first frame; the first area's styles are in ``app.tcss`` instead."""
    tooltip: str = ""
    """The key's tooltip."""
    name: str = ""
    """Its name in the palette ("go: Weekly review"); the title when empty."""
    pages: tuple[Page, ...] = ()
    palette: tuple[PaletteEntry, ...] = ()
    background_build: bool = True
    """Imported and built in the background while the first area is read (every area
    but the first, which is built before the first frame)."""
    shots: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Screenshots of it (``make screenshots``): (file name, keys pressed from the first area)."""

    @property
    def go_label(self) -> str:
        return f"go: {self.name or self.title}"

    def style_paths(self) -> list[Path]:
        """Its style files, absolute (as Textual names a file it read)."""
        return [self.folder.absolute() / name for name in self.styles]

    def load(self) -> None:
        """Import its screen's and pages' modules (the start does it off the UI thread)."""
        self.screen()
        for page in self.pages:
            page.page()
