"""The areas, one folder each: its screen, record pages, forms, actions and styles, and
in its ``__init__`` one :class:`~dualrole.tui.areas.area.Area` saying what the app needs
to know of it. ``base.py`` holds what every area screen shares, ``areas.tcss`` their
shared styles.

Adding an area is one folder and one entry in :data:`AREAS`; the app derives its modes,
keys, start-up order, styles, record pages, palette entries and screenshots from it.
"""

from __future__ import annotations

from dualrole.core.enums import RecordKind
from dualrole.tui.areas import insights, marketing, review, sales, today
from dualrole.tui.areas.area import Area, Page

AREAS: tuple[Area, ...] = (today.AREA, marketing.AREA, sales.AREA, review.AREA, insights.AREA)
"""Every area, in the order of their keys; the first is the one the app opens on, the
others are imported and built in the background in this order."""

FIRST = AREAS[0]


def area_of(mode: str) -> Area:
    """The area whose mode is ``mode``."""
    for area in AREAS:
        if area.mode == mode:
            return area
    raise KeyError(mode)


def page_of(kind: RecordKind) -> tuple[Area, Page]:
    """The area listing ``kind`` and its page."""
    for area in AREAS:
        for page in area.pages:
            if page.kind == kind:
                return area, page
    raise KeyError(kind)


__all__ = ["AREAS", "FIRST", "Area", "Page", "area_of", "page_of"]
