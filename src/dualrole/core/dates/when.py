"""When things happen: a day with an optional time, a repeat, and how commands echo them.

Built on :func:`~dualrole.core.dates.reading.parse_date` and
:func:`~dualrole.core.dates.reading.parse_time` (the one reader of dates, shared by the app's
forms, the models and the command line), so ``yesterday 15:00``, ``next tue at 3pm`` or ``+3d``
mean the same everywhere. Failures raise ``ValueError`` with one sentence and examples.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from typing import Any

from dualrole.core.dates import clock
from dualrole.core.dates.reading import DATE_EXAMPLES, parse_date, parse_time

_ISO_MOMENT = re.compile(
    r"(\d{4}-\d{1,2}-\d{1,2})[T ](\d{1,2}:\d{2})(?::(\d{2}(?:\.\d{1,6})?))?(Z|[+-]\d{2}:?\d{2})?",
    re.IGNORECASE,
)
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
    iso = _ISO_MOMENT.fullmatch(text)
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
    iso = _ISO_MOMENT.fullmatch(str(value).strip())
    if iso:  # what a file or code hands over: seconds and a UTC offset are kept
        return _iso_moment(iso)
    day, time = split_moment(str(value), current.date(), past=past)
    clock_time = time or current.time().replace(second=0, microsecond=0, tzinfo=None)
    return dt.datetime.combine(day, clock_time).astimezone()


def _iso_moment(iso: re.Match[str]) -> dt.datetime:
    day = parse_date(iso[1])
    time = parse_time(iso[2])
    assert day is not None and time is not None
    seconds = float(iso[3] or 0)
    if seconds >= 60:
        raise ValueError(f"{iso[0]!r} is not a time; a minute has 60 seconds")
    moment = dt.datetime.combine(day, time).replace(
        second=int(seconds), microsecond=round((seconds % 1) * 1_000_000) % 1_000_000
    )
    zone = (iso[4] or "").upper()
    if not zone:
        return moment.astimezone()  # no offset: local wall-clock time
    if zone == "Z":
        return moment.replace(tzinfo=dt.UTC)
    sign = -1 if zone[0] == "-" else 1
    hours, minutes = int(zone[1:3]), int(zone[-2:])
    if hours > 23 or minutes > 59:
        raise ValueError(f"{iso[0]!r} has no such UTC offset ({iso[4]})")
    offset = dt.timedelta(hours=hours, minutes=minutes) * sign
    return moment.replace(tzinfo=dt.timezone(offset))


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
    count, unit = int(match[1]), "weeks" if match[2].startswith("w") else "days"
    if not 1 <= count <= 365:
        raise ValueError(f"{value!r} is not a repeat; use every 1 to 365 {unit}, e.g. 3d or 2w")
    return count, unit


def echo(value: str, *, moment: bool = False, with_time: bool = False, past: bool = False) -> str:
    """What a date field's text was understood as, for the line beside it: ``next tue →
    Tue 8 Dec 2026``, ``yesterday 15:00 → Thu 19 Nov 2026 15:00``; blank for blank.

    ``moment``: when something happened (:func:`parse_moment`, always with a time);
    ``with_time``: a day that may carry a time (a follow-up's Due); ``past``: a weekday looks
    back. Raises ``ValueError`` with the parser's sentence when the text cannot be read.
    """
    text = " ".join(str(value).split())
    if not text:
        return ""
    if moment:
        understood = parse_moment(text)
        assert understood is not None
        return f"{text} → {format_moment(understood)}"
    if with_time:
        day, time = split_moment(text, past=past)
        return f"{text} → {format_day(day)}" + (f" {time:%H:%M}" if time else "")
    only_day = parse_date(text, past=past)
    assert only_day is not None
    return f"{text} → {format_day(only_day)}"


WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekday numbers (Monday 0) as the settings and the README name them."""


def next_business_day(day: dt.date, business_days: Collection[int]) -> dt.date:
    """The first business day after ``day`` (Friday → Monday for Monday to Friday)."""
    open_days = set(business_days) & set(range(7)) or set(range(7))
    following = day + dt.timedelta(days=1)
    while following.weekday() not in open_days:
        following += dt.timedelta(days=1)
    return following


def next_week_start(day: dt.date, business_days: Collection[int], first: int = 0) -> dt.date:
    """The first business day of the week after ``day``'s, weeks starting on weekday ``first``
    (Monday 0: the Monday after, Monday to Friday)."""
    last = day + dt.timedelta(days=(first - 1 - day.weekday()) % 7)
    return next_business_day(last, business_days)


DATE_STYLE_FORMATS = {
    "day-month": ("{d:%a} {d.day} {d:%b %Y}", "{d:%a} {d.day} {d:%b}"),
    "month-day": ("{d:%a} {d:%b} {d.day}, {d.year}", "{d:%a} {d:%b} {d.day}"),
    "iso": ("{d:%a} {d:%Y-%m-%d}", "{d:%a} {d:%Y-%m-%d}"),
}
"""The workspace's ``date_style``: a day with its year, and without (this year's, in lists)."""
_date_style = "day-month"


def use_date_style(style: str) -> None:
    """Write days in ``style`` (one of :data:`DATE_STYLE_FORMATS`) from now on; the
    workspace's setting, applied when a command or the app opens it."""
    global _date_style
    _date_style = style if style in DATE_STYLE_FORMATS else "day-month"


def date_style() -> str:
    """The style days are written in (see :func:`use_date_style`)."""
    return _date_style


def format_day(day: dt.date, *, year: bool = True) -> str:
    """``Tue 1 Dec 2026`` (or ``Tue Dec 1, 2026``, ``Tue 2026-12-01``: :func:`use_date_style`):
    how a command echoes the date it understood; ``year=False`` leaves the year out."""
    with_year, without = DATE_STYLE_FORMATS[_date_style]
    return (with_year if year else without).format(d=day)


def format_span(first: dt.date, last: dt.date) -> str:
    """A run of days, short, in the date style: ``16–22 Nov`` / ``30 Nov – 6 Dec``,
    ``Nov 16–22`` / ``Nov 30 – Dec 6``, or ``2026-11-16 – 2026-11-22``."""
    if _date_style == "iso":
        return f"{first:%Y-%m-%d} – {last:%Y-%m-%d}"
    if _date_style == "month-day":
        if (first.year, first.month) == (last.year, last.month):
            return f"{first:%b} {first.day}–{last.day}"
        return f"{first:%b} {first.day} – {last:%b} {last.day}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {last:%b}"
    return f"{first.day} {first:%b} – {last.day} {last:%b}"


def format_moment(moment: dt.datetime) -> str:
    """``Thu 19 Nov 2026 15:00`` in local time."""
    local = moment.astimezone()
    return f"{format_day(local.date())} {local:%H:%M}"
