"""The one date reader (parsing.parse_date) and its day + time layer (when.py), shared by the
app's forms and the command line: worked examples on a frozen Friday, and properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dualrole.core.dates.reading import DATE_EXAMPLES, MAX_YEAR, MIN_YEAR, parse_date
from dualrole.core.dates.when import format_day, parse_moment, parse_repeat, split_moment
from dualrole.core.models import FollowUpIn

FRIDAY = dt.date(2026, 11, 20)  # conftest freezes the clock here too
days = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2150, 12, 31))
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


@pytest.mark.parametrize(
    ("text", "ahead", "back"),
    [
        ("today", "2026-11-20", "2026-11-20"),
        ("Tomorrow", "2026-11-21", "2026-11-21"),
        ("yesterday", "2026-11-19", "2026-11-19"),
        ("tue", "2026-11-24", "2026-11-17"),
        ("friday", "2026-11-27", "2026-11-13"),
        ("next tue", "2026-11-24", "2026-11-24"),
        ("next fri", "2026-11-27", "2026-11-27"),
        ("last fri", "2026-11-13", "2026-11-13"),
        ("in 3 days", "2026-11-23", "2026-11-23"),
        ("in 2 weeks", "2026-12-04", "2026-12-04"),
        ("in a month", "2026-12-20", "2026-12-20"),
        ("+3d", "2026-11-23", "2026-11-23"),
        ("-1w", "2026-11-13", "2026-11-13"),
        ("end of month", "2026-11-30", "2026-11-30"),
        ("eom", "2026-11-30", "2026-11-30"),
        ("1 dec", "2026-12-01", "2025-12-01"),
        ("Dec 1st", "2026-12-01", "2025-12-01"),
        ("20 nov", "2026-11-20", "2026-11-20"),
        ("1 december 2027", "2027-12-01", "2027-12-01"),
        ("29 feb", "2028-02-29", "2024-02-29"),
        ("2026-12-01", "2026-12-01", "2026-12-01"),
    ],
)
def test_friendly_dates_ahead_and_back(text, ahead, back):
    assert parse_date(text, FRIDAY).isoformat() == ahead
    assert parse_date(text, FRIDAY, past=True).isoformat() == back


def test_next_weekday_means_next_weeks_on_a_monday():
    monday = dt.date(2026, 11, 16)
    assert parse_date("tue", monday) == dt.date(2026, 11, 17)
    assert parse_date("next tue", monday) == dt.date(2026, 11, 24)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("soonish", f"'soonish' is not a date; try {DATE_EXAMPLES}"),
        ("31 apr", "'31 apr' is not a day in the calendar (April has 30 days)"),
        ("30 feb", "'30 feb' is not a day in the calendar (February has at most 29 days)"),
        ("29 feb 2027", "'29 feb 2027' is not a day in the calendar (February 2027 has 28 days)"),
        ("in 9999 months", "that lands in year 2860; use a year from 1900 to 2200"),
    ],
)
def test_unreadable_dates_get_one_sentence_with_examples(text, message):
    with pytest.raises(ValueError) as caught:
        parse_date(text, FRIDAY)
    assert str(caught.value) == message


def test_the_models_read_dates_with_the_same_parser():
    assert FollowUpIn(prospect_id=1, title="x", due_date="next tue").due_date == dt.date(
        2026, 11, 24
    )


@pytest.mark.parametrize(
    ("text", "day", "time"),
    [
        ("yesterday 15:00", "2026-11-19", "15:00"),
        ("next tue at 3pm", "2026-11-24", "15:00"),
        ("14:30", "2026-11-20", "14:30"),
        ("1 dec 9:05am", "2026-12-01", "09:05"),
        ("2026-12-01T09:30", "2026-12-01", "09:30"),
        ("fri", "2026-11-27", None),
    ],
)
def test_day_and_time(text, day, time):
    got_day, got_time = split_moment(text, FRIDAY)
    assert got_day.isoformat() == day
    assert (got_time.strftime("%H:%M") if got_time else None) == time


def test_moments_look_back_and_keep_the_time_of_day():
    now = dt.datetime(2026, 11, 20, 10, 0).astimezone()
    assert parse_moment("fri", now) == dt.datetime(2026, 11, 13, 10, 0).astimezone()
    assert parse_moment("yesterday 15:00", now) == dt.datetime(2026, 11, 19, 15, 0).astimezone()
    assert parse_moment("now", now) == now
    with pytest.raises(ValueError, match="is not a time"):
        parse_moment("today 25:00", now)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2w", (2, "weeks")), ("3d", (3, "days")), ("every 10 days", (10, "days")),
     ("weekly", (1, "weeks")), ("", None)],
)  # fmt: skip
def test_repeats(text, expected):
    assert parse_repeat(text) == expected


def test_bad_repeat():
    with pytest.raises(ValueError, match=r"is not a repeat; use e\.g\. 3d, 2w"):
        parse_repeat("monthly")


def test_echo_format():
    assert format_day(dt.date(2026, 12, 1)) == "Tue 1 Dec 2026"


# --- properties --------------------------------------------------------------------------


@given(base=days, n=st.integers(0, 500))
def test_relative_forms_agree(base, n):
    assert parse_date(f"+{n}d", base) == base + dt.timedelta(days=n)
    assert parse_date(f"in {n} days", base) == base + dt.timedelta(days=n)
    assert parse_date(f"-{n}w", base) == base - dt.timedelta(weeks=n)
    assert parse_date(f"in {n} weeks", base) == parse_date(f"+{n}w", base)


@given(base=days, index=st.integers(0, 6))
def test_weekdays_land_on_that_weekday_within_a_week(base, index):
    ahead = parse_date(WEEKDAYS[index], base)
    back = parse_date(WEEKDAYS[index], base, past=True)
    following = parse_date(f"next {WEEKDAYS[index]}", base)
    assert ahead.weekday() == back.weekday() == following.weekday() == index
    assert 1 <= (ahead - base).days <= 7 and 1 <= (base - back).days <= 7
    # "next tue" is in next week (Monday to Sunday)
    assert following.isocalendar()[:2] == (base + dt.timedelta(weeks=1)).isocalendar()[:2]


@given(base=days)
def test_end_of_month_is_the_last_day(base):
    last = parse_date("end of month", base)
    assert (last.year, last.month) == (base.year, base.month)
    assert (last + dt.timedelta(days=1)).day == 1


@given(base=days, target=days)
def test_day_and_month_without_a_year_is_the_nearest_one_on_that_side(base, target):
    text = f"{target.day} {MONTHS[target.month - 1]}"
    ahead = parse_date(text, base)
    back = parse_date(text, base, past=True)
    assert (ahead.month, ahead.day) == (back.month, back.day) == (target.month, target.day)
    assert back <= base <= ahead
    if (target.month, target.day) != (2, 29):  # 29 February comes back every 4 (or 8) years
        assert (ahead - back).days <= 366


@given(day=days)
def test_iso_and_the_echo_round_trip(day):
    assert parse_date(day.isoformat(), FRIDAY) == day
    assert parse_date(format_day(day).split(" ", 1)[1], FRIDAY) == day  # "1 Dec 2026"


@given(st.text(max_size=30))
def test_anything_is_a_date_or_one_sentence(text):
    try:
        day = parse_date(text, FRIDAY)
    except ValueError as exc:
        assert str(exc).strip() and "\n" not in str(exc)
    else:
        assert day is None or MIN_YEAR <= day.year <= MAX_YEAR


@given(st.text(max_size=30))
def test_anything_is_a_moment_or_one_sentence(text):
    try:
        split_moment(text, FRIDAY)
    except ValueError as exc:
        assert str(exc).strip() and "\n" not in str(exc)
