"""When things happen: a day with an optional time, a repeat, and how commands echo them.

Built on :func:`dualrole.parsing.parse_date` and :func:`~dualrole.parsing.parse_time` (the
one reader of dates, shared by the app's forms, the models and the command line), so
``yesterday 15:00``, ``next tue at 3pm`` or ``+3d`` mean the same everywhere. Failures raise
``ValueError`` with one sentence and examples.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from dualrole import clock
from dualrole.parsing import DATE_EXAMPLES, parse_date, parse_time

_TIME_TAIL = re.compile(
    r"^(?P<day>.*?)(?:^|\s+)(?:at\s+)?(?P<time>\d{1,2}:\d{2}(?:\s*[ap]m)?|\d{1,2}\s*[ap]m)$"
)


def split_moment(
    value: str, today: dt.date | None = None, *, past: bool = False
) -> tuple[dt.date, dt.time | None]:
    """A day and an optional time from ``yesterday 15:00``, ``next tue at 3pm``, ``14:30``.

    The day is read by :func:`parse_date` (blank: today), the time by :func:`parse_time`.
    """
    text = " ".join(str(value).strip().split())
    base = today or clock.today()
    if not text:
        raise ValueError(f"say when; try {DATE_EXAMPLES}, with a time such as 15:00 or 3pm")
    iso = re.fullmatch(r"(\d{4}-\d{1,2}-\d{1,2})[T ](\d{1,2}:\d{2})(?::\d{2})?", text)
    match = iso or _TIME_TAIL.match(text.lower())
    if match is None:
        return parse_date(text, base, past=past) or base, None
    day_text, time_text = (iso[1], iso[2]) if iso else (match["day"], match["time"])
    day = parse_date(day_text, base, past=past) if day_text.strip() else base
    return day or base, parse_time(time_text)


def parse_moment(
    value: Any, now: dt.datetime | None = None, *, past: bool = True
) -> dt.datetime | None:
    """An aware moment from what a person typed (``now``, ``yesterday 15:00``, ``3pm``...).

    A day without a time keeps the current time of day; ``past`` (the default: this is for
    things that happened) reads weekdays and days without a year backwards.
    """
    if value is None or isinstance(value, dt.datetime):
        return value
    if not str(value).strip():
        return None
    current = (now or clock.now()).astimezone()
    if str(value).strip().lower() == "now":
        return current
    day, time = split_moment(str(value), current.date(), past=past)
    clock_time = time or current.time().replace(second=0, microsecond=0, tzinfo=None)
    return dt.datetime.combine(day, clock_time).astimezone()


def parse_repeat(value: Any) -> tuple[int, str] | None:
    """``2w`` / ``3d`` / ``every 2 weeks`` / ``weekly`` as (count, "days" or "weeks")."""
    if value is None:
        return None
    text = " ".join(str(value).strip().lower().split()).removeprefix("every ").strip()
    if not text or text in ("no", "none", "never", "once"):
        return None
    named = {"daily": (1, "days"), "day": (1, "days"), "weekly": (1, "weeks"), "week": (1, "weeks")}
    if text in named:
        return named[text]
    if text in ("fortnightly", "fortnight"):
        return 2, "weeks"
    match = re.fullmatch(r"(\d{1,3})\s*(d|days?|w|weeks?)", text)
    if not match:
        raise ValueError(f"{value!r} is not a repeat; use e.g. 3d, 2w, weekly or every 10 days")
    return int(match[1]), "weeks" if match[2].startswith("w") else "days"


def format_day(day: dt.date) -> str:
    """``Tue 1 Dec 2026``: how a command echoes the date it understood."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def format_moment(moment: dt.datetime) -> str:
    """``Thu 19 Nov 2026 15:00`` in local time."""
    local = moment.astimezone()
    return f"{format_day(local.date())} {local:%H:%M}"
