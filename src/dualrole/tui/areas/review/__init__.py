"""Review: the weekly review, its records-behind-a-figure, targets and export dialogs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.screen import Screen

from dualrole.tui.areas.area import Area


def _screen() -> type[Screen[Any]]:
    from dualrole.tui.areas.review.screen import ReviewScreen

    return ReviewScreen


AREA = Area(
    mode="review",
    key="w",
    title="Review",
    tooltip="Weekly review",
    name="Weekly review",
    screen=_screen,
    folder=Path(__file__).parent,
    styles=("review.tcss",),
    shots=(("review", ("w",)),),
)
