"""Reading the dates and times people type: the one reader of dates.

Dates accept ISO (``2026-11-20``) and friendly forms (today, tomorrow, +3d, next tue, in 2
weeks, end of month, 1 dec...: see :func:`parse_date`); the app's forms, the models and the
command line read them with the same functions. Every failure raises ``ValueError`` with a
sentence that says what is expected.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from dualrole.core.dates import clock

MIN_YEAR, MAX_YEAR = 1900, 2200

_WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_RELATIVE = re.compile(r"^([+-]?)(\d{1,4})\s*(d|w|day|days|week|weeks|months?)$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")

DATE_EXAMPLES = "today, tomorrow, fri, next tue, in 3 days, +2w, end of month, 1 dec or 2026-12-01"
_MONTHS = [dt.date(2024, m, 1).strftime("%B").lower() for m in range(1, 13)]
_IN = re.compile(r"^in (\d{1,4}|a|an|one) (day|days|week|weeks|month|months)$")
_ORDINAL = r"(\d{1,2})(?:st|nd|rd|th)?"
_DAY_MONTH = re.compile(rf"^{_ORDINAL} ([a-z]{{3,9}})\.?,?(?: (\d{{4}}))?$")
_MONTH_DAY = re.compile(rf"^([a-z]{{3,9}})\.? {_ORDINAL},?(?: (\d{{4}}))?$")


def _named(text: str, names: list[str]) -> int | None:
    """The index of the name ``text`` abbreviates (three letters or more), if any."""
    if len(text) >= 3:
        for index, name in enumerate(names):
            if name.startswith(text):
                return index
    return None


def _weekday(text: str) -> int | None:
    return _named(text, [dt.date(2024, 1, 1 + i).strftime("%A").lower() for i in range(7)])


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"that lands in year {year}; use a year from {MIN_YEAR} to {MAX_YEAR}")
    return dt.date(year, month + 1, min(day.day, _days_in_month(year, month + 1)))


def parse_date(value: Any, today: dt.date | None = None, *, past: bool = False) -> dt.date | None:
    """A date from a date, an ISO string or a friendly phrase; None for blank.

    Friendly phrases (case does not matter): ``today``, ``tomorrow``, ``yesterday``,
    ``+3d`` / ``-1w``, ``in 3 days`` / ``in 2 weeks`` / ``in 1 month``, a weekday (``tue``,
    ``friday``: the next such day after today), ``next tue`` (that day in next week, Monday
    to Sunday), ``last fri``, ``next week`` (its Monday), ``end of month``, ``1 dec`` /
    ``dec 1`` / ``1 december 2027``. A weekday or a day without a year looks ahead (the next
    one, today included for a day); with ``past=True`` (when something happened) it looks
    back instead.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = " ".join(str(value).strip().lower().split())
    if not text:
        return None
    base = today or clock.today()
    day = _friendly(text, base, past)
    if day is not None:
        return _checked(day)
    match = _ISO_DATE.match(text)
    if not match:
        raise ValueError(f"{value!r} is not a date; try {DATE_EXAMPLES}")
    year, month, day_of_month = (int(part) for part in match.groups())
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year {year} is out of range; use a year from {MIN_YEAR} to {MAX_YEAR}")
    if not 1 <= month <= 12:
        raise ValueError(f"{value!r} has no month {month}; months run from 1 to 12")
    try:
        return dt.date(year, month, day_of_month)
    except ValueError:
        last = _days_in_month(year, month)
        month_name = dt.date(year, month, 1).strftime("%B")
        raise ValueError(
            f"{value!r} is not a day in the calendar ({month_name} {year} has {last} days)"
        ) from None


def _friendly(text: str, base: dt.date, past: bool) -> dt.date | None:
    """A phrase of :func:`parse_date` (already lower-case, single spaces), else None."""
    if text in ("today", "tod", "now"):
        return base
    if text in ("tomorrow", "tom", "tmr"):
        return base + dt.timedelta(days=1)
    if text == "yesterday":
        return base - dt.timedelta(days=1)
    if text == "next week":
        return base + dt.timedelta(days=7 - base.weekday())
    if text in ("end of month", "end of the month", "eom"):
        return base.replace(day=_days_in_month(base.year, base.month))
    if text in ("end of next month", "end of the next month"):
        following = _add_months(base.replace(day=1), 1)
        return following.replace(day=_days_in_month(following.year, following.month))
    match = _RELATIVE.match(text) or _IN.match(text)
    if match:
        if match.re is _IN:
            sign, number, unit = "+", match[1], match[2]
        else:
            sign, number, unit = match.groups()
        count = 1 if number in ("a", "an", "one") else int(number)
        if unit.startswith("month"):
            return _add_months(base, count)
        days = count * (7 if unit.startswith("w") else 1)
        return _shift(base, -days if sign == "-" else days)
    index = _weekday(text)
    if index is not None:
        if past:
            return base - dt.timedelta(days=(base.weekday() - index) % 7 or 7)
        return base + dt.timedelta(days=(index - base.weekday()) % 7 or 7)
    word, _, rest = text.partition(" ")
    index = _weekday(rest) if word in ("next", "last") else None
    if index is not None:
        if word == "last":
            return base - dt.timedelta(days=(base.weekday() - index) % 7 or 7)
        return base + dt.timedelta(days=7 - base.weekday() + index)
    return _day_of_month(text, base, past)


def _day_of_month(text: str, base: dt.date, past: bool) -> dt.date | None:
    match = _DAY_MONTH.match(text)
    if match:
        day_text, month_text, year_text = match.groups()
    else:
        match = _MONTH_DAY.match(text)
        if not match:
            return None
        month_text, day_text, year_text = match.groups()
    month = _named(month_text, _MONTHS)
    if month is None:
        return None
    month += 1
    day = int(day_text)
    longest = 29 if month == 2 else _days_in_month(2023, month)
    if not 1 <= day <= longest:
        raise ValueError(
            f"{text!r} is not a day in the calendar ({_MONTHS[month - 1].title()} "
            f"has {'at most 29' if month == 2 else longest} days)"
        )
    if year_text:
        year = int(year_text)
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise ValueError(
                f"year {year} is out of range; use a year from {MIN_YEAR} to {MAX_YEAR}"
            )
        if day > _days_in_month(year, month):
            raise ValueError(f"{text!r} is not a day in the calendar (February {year} has 28 days)")
        return dt.date(year, month, day)
    step = -1 if past else 1
    for offset in range(9):  # 29 February comes back within eight years
        year = base.year + step * offset
        if MIN_YEAR <= year <= MAX_YEAR and day <= _days_in_month(year, month):
            candidate = dt.date(year, month, day)
            if (candidate <= base) if past else (candidate >= base):
                return candidate
    raise ValueError(f"{text!r} lands outside the years {MIN_YEAR} to {MAX_YEAR}")


def _shift(day: dt.date, days: int) -> dt.date:
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        raise ValueError("that lands too far away; use a year from 1900 to 2200") from None


def _checked(day: dt.date) -> dt.date:
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ValueError(f"that lands in year {day.year}; use a year from {MIN_YEAR} to {MAX_YEAR}")
    return day


def _days_in_month(year: int, month: int) -> int:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day


def parse_time(value: Any) -> dt.time | None:
    if value is None or isinstance(value, dt.time):
        return value
    text = str(value).strip().lower().replace(" ", "")
    if not text:
        return None
    match = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?(am|pm)?", text)
    if match:
        hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
        if half == "pm" and hour < 12:
            hour += 12
        elif half == "am" and hour == 12:
            hour = 0
        if hour < 24 and minute < 60 and (match[2] or half):
            return dt.time(hour, minute)
    raise ValueError(f"{value!r} is not a time; use HH:MM (24-hour) or e.g. 2pm")


def parse_week(text: str) -> dt.date:
    """The Monday of an ISO week written ``2026-W47`` (or ``2026W47``)."""
    match = re.fullmatch(r"\s*(\d{4})-?[Ww](\d{1,2})\s*", text or "")
    if not match:
        raise ValueError(f"{text!r} is not a week; use the ISO form 2026-W47")
    year, week = int(match[1]), int(match[2])
    try:
        return dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValueError(f"{year} has no week {week}") from None


def week_label(monday: dt.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year:04d}-W{week:02d}"
