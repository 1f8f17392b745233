"""Showing dates in list cells: ``Fri 27 Nov``, ``in 3d``, ``2d late``, ``3d ago`` — plain strings.

The screens reach these through :mod:`dualrole.tui.format` (``fmt.day`` …); the command line
and exports can show a day the same way.
"""

from __future__ import annotations

import datetime as dt

from dualrole.core.dates import clock
from dualrole.core.dates.clock import relative_day
from dualrole.core.dates.when import date_style

LIST_DAYS = {
    "day-month": ("%a %d %b", "%d %b %Y"),
    "month-day": ("%a %b %d", "%b %d %Y"),
    "iso": ("%Y-%m-%d", "%Y-%m-%d"),
}
"""A list column's day in each ``date_style`` (this year's, another year's): at most 11 wide."""
LIST_MOMENTS = {
    "day-month": "%a %d %b %Y %H:%M",
    "month-day": "%a %b %d %Y %H:%M",
    "iso": "%Y-%m-%d %H:%M",
}


def day(value: str | dt.date | None) -> str:
    """``2026-11-27`` → ``Fri 27 Nov``; blank for None."""
    if not value:
        return ""
    try:
        parsed = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    this_year, other_year = LIST_DAYS[date_style()]
    return f"{parsed:{this_year if parsed.year == clock.today().year else other_year}}"


def due(value: str | None, done_at: str | None = None) -> str:
    """A due day in the one relative style of a list column (:func:`clock.relative_day`):
    ``today``, ``tomorrow``, ``in 3d``, ``in 5w``, ``2d late``.

    Something done is never late: a day it was due before today reads ``2d ago``.
    """
    if not value:
        return ""
    try:
        return relative_day(dt.date.fromisoformat(str(value)[:10]), done=bool(done_at))
    except ValueError:
        return str(value)


def due_style(value: str | None) -> str | None:
    """``overdue`` / ``today`` for list styling."""
    if not value:
        return None
    today = clock.today().isoformat()
    text = str(value)[:10]
    return "overdue" if text < today else "today" if text == today else None


def ago(moment: str | dt.datetime | None) -> str:
    """A stored UTC time as ``today``, ``3d ago``, ``5w ago``."""
    parsed = clock.from_db(moment) if isinstance(moment, str) else moment
    if parsed is None:
        return "never"
    days = (clock.today() - parsed.astimezone().date()).days
    if days <= 0:
        return "today"
    if days < 28:
        return f"{days}d ago"
    if days < 365:
        return f"{days // 7}w ago"
    return f"{days // 365}y ago"


def when(moment: str | dt.datetime | None) -> str:
    """A stored time in local time: ``Fri 20 Nov 2026 14:03``."""
    parsed = clock.from_db(moment) if isinstance(moment, str) else moment
    if parsed is None:
        return ""
    return f"{parsed.astimezone():{LIST_MOMENTS[date_style()]}}"
