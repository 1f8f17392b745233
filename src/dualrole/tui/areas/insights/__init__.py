"""Insights: which marketing makes money, across weeks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.screen import Screen

from dualrole.tui.areas.area import Area, PaletteEntry


def _screen() -> type[Screen[Any]]:
    from dualrole.tui.areas.insights.screen import InsightsScreen

    return InsightsScreen


AREA = Area(
    mode="insights",
    key="I",
    title="Insights",
    tooltip="Which marketing makes money, across weeks",
    screen=_screen,
    folder=Path(__file__).parent,
    styles=("insights.tcss",),
    palette=(PaletteEntry("insights: By channel, promotion or segment", "by"),),
    shots=(("insights", ("I",)),),
)
