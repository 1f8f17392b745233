"""The one place that asks what time it is.

``DUALROLE_NOW`` (an ISO date-time, local) freezes the clock, so screenshots, snapshot tests
and the demo workspace are reproducible. Stored times are UTC; shown times are local.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from typing import overload

UTC = dt.UTC


def now() -> dt.datetime:
    """The current moment as an aware UTC datetime."""
    frozen = os.environ.get("DUALROLE_NOW")
    if frozen:
        return _frozen(frozen, os.environ.get("TZ"))
    return dt.datetime.now(UTC)


@functools.lru_cache(maxsize=8)
def _frozen(text: str, _zone: str | None) -> dt.datetime:
    """``DUALROLE_NOW`` as UTC, parsed once per value and time zone (a naive value is local
    time); list cells ask for today several times a row."""
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.astimezone()  # naive means local wall-clock time
    return moment.astimezone(UTC)


def local_now() -> dt.datetime:
    return now().astimezone()


def today() -> dt.date:
    """Today in the user's local time zone."""
    return local_now().date()


def to_db(moment: dt.datetime) -> str:
    """Store a moment as UTC text that sorts correctly: ``2026-11-20T14:03:00Z``."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@overload
def from_db(text: str) -> dt.datetime: ...
@overload
def from_db(text: str | None) -> dt.datetime | None: ...
def from_db(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def local_day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in local time, as an aware datetime."""
    return dt.datetime.combine(day, dt.time()).astimezone()


def day_bounds_utc(first: dt.date, last: dt.date) -> tuple[str, str]:
    """UTC text bounds [start, end) covering local days ``first``..``last`` inclusive."""
    return to_db(local_day_start(first)), to_db(local_day_start(last + dt.timedelta(days=1)))


def relative_day(day: dt.date, base: dt.date | None = None, *, done: bool = False) -> str:
    """A due day seen from ``base`` (today), in the one style of every list column and of
    ``dualrole today``: ``today``, ``tomorrow``, ``in 3d``, ``in 5w``, ``in 2y``; before
    today ``2d late`` (``2d ago`` once done). Days up to four weeks, weeks up to a year, as
    "3d ago" in the Contact column."""
    base = base or today()
    delta = (day - base).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    span = _span(abs(delta))
    if delta > 0:
        return f"in {span}"
    return f"{span} ago" if done else f"{span} late"


def _span(days: int) -> str:
    if days < 28:
        return f"{days}d"
    if days < 365:
        return f"{days // 7}w"
    return f"{days // 365}y"
