"""Marketing: segments, research notes, promotions and tasks, with their pages and forms."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.screen import Screen

from dualrole.core.enums import RecordKind
from dualrole.tui.areas.area import Area, Page, PaletteEntry, tab


def _screen() -> type[Screen[Any]]:
    from dualrole.tui.areas.marketing.screen import MarketingScreen

    return MarketingScreen


def _segment() -> Callable[[int], Screen[Any]]:
    from dualrole.tui.areas.marketing.segment import SegmentScreen

    return SegmentScreen


def _note() -> Callable[[int], Screen[Any]]:
    from dualrole.tui.areas.marketing.note import NoteScreen

    return NoteScreen


def _promotion() -> Callable[[int], Screen[Any]]:
    from dualrole.tui.areas.marketing.promotion import PromotionScreen

    return PromotionScreen


AREA = Area(
    mode="marketing",
    key="m",
    title="Marketing",
    screen=_screen,
    folder=Path(__file__).parent,
    styles=("marketing.tcss",),
    pages=(
        Page(RecordKind.segment, _segment, tab="segments"),
        Page(RecordKind.research_note, _note, tab="research"),
        Page(RecordKind.promotion, _promotion, tab="promotions"),
    ),
    palette=(
        PaletteEntry("marketing: Segments", tab("segments")),
        PaletteEntry("marketing: Research notes", tab("research")),
        PaletteEntry("marketing: Promotions", tab("promotions")),
        PaletteEntry("marketing: Tasks", tab("tasks")),
        PaletteEntry("marketing: New item in the current tab", "new"),
        PaletteEntry("marketing: Toggle marketing focus session", "app.focus_role('marketing')"),
    ),
    shots=(("marketing", ("m", "3")),),
)
