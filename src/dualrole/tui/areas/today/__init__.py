"""Today: what is due today, both sides (the first area: the app opens on it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.screen import Screen

from dualrole.tui.areas.area import Area


def _screen() -> type[Screen[Any]]:
    from dualrole.tui.areas.today.screen import TodayScreen

    return TodayScreen


AREA = Area(
    mode="today",
    key="t",
    title="Today",
    tooltip="Due today",
    screen=_screen,
    folder=Path(__file__).parent,
    background_build=False,  # built for the first frame; its styles are in app.tcss
    shots=(("today", ()),),
)
