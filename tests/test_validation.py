"""Every validation error, with the message a person reads next to the field."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from pydantic import BaseModel, ValidationError

from dualrole.core.dates.reading import parse_date, parse_time, parse_week
from dualrole.core.models import (
    NAME_MAX,
    SHORT_MAX,
    TEXT_MAX,
    Channel,
    FollowUpIn,
    InteractionIn,
    InteractionKind,
    LeadSource,
    MarketingTaskIn,
    PromotionIn,
    PromotionResultIn,
    PromotionStatus,
    ProspectIn,
    RepeatUnit,
    ResearchKind,
    ResearchNoteIn,
    ResearchSource,
    SegmentIn,
    describe_errors,
    field_errors,
)
from dualrole.core.parsing import parse_money


def errors_of(model: type[BaseModel], **data) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        model(**data)
    return field_errors(info.value)


@pytest.mark.parametrize(
    ("model", "field", "extra"),
    [
        (ProspectIn, "name", {}),
        (SegmentIn, "name", {}),
        (PromotionIn, "name", {}),
        (ResearchNoteIn, "title", {}),
        (MarketingTaskIn, "title", {}),
        (InteractionIn, "summary", {"prospect_id": 1}),
        (FollowUpIn, "title", {"prospect_id": 1, "due_date": "2026-11-21"}),
    ],
)
@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
def test_names_are_required(model, field, extra, blank):
    assert errors_of(model, **{field: blank}, **extra) == {field: "is required"}


def test_missing_fields_are_required():
    assert errors_of(FollowUpIn, title="x") == {
        "prospect_id": "is required",
        "due_date": "is required",
    }


def test_unknown_fields_are_named():
    assert errors_of(ProspectIn, name="x", stagee="won") == {"stagee": "is not a field we know"}


@pytest.mark.parametrize("email", ["priya", "priya@", "@x.com", "a b@x.com", "a@b", "a@b.c"])
def test_bad_emails(email):
    assert errors_of(ProspectIn, name="x", email=email) == {
        "email": "is not an email address; expected something like name@example.com"
    }


def test_good_and_blank_emails():
    assert ProspectIn(name="x", email=" priya@sharma.example ").email == "priya@sharma.example"
    assert ProspectIn(name="x", email="  ").email is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-02-30", "'2026-02-30' is not a day in the calendar (February 2026 has 28 days)"),
        ("2028-02-30", "'2028-02-30' is not a day in the calendar (February 2028 has 29 days)"),
        ("2026-13-01", "'2026-13-01' has no month 13; months run from 1 to 12"),
        ("9999-01-01", "year 9999 is out of range; use a year from 1900 to 2200"),
        ("0001-01-01", "year 1 is out of range; use a year from 1900 to 2200"),
        ("+9999w", "that lands in year 2218; use a year from 1900 to 2200"),
        (
            "next tuesday-ish",
            "'next tuesday-ish' is not a date; try today, tomorrow, fri, next tue, "
            "in 3 days, +2w, end of month, 1 dec or 2026-12-01",
        ),
    ],
)
def test_bad_dates(text, message):
    assert errors_of(FollowUpIn, prospect_id=1, title="x", due_date=text) == {"due_date": message}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", dt.date(2026, 11, 20)),
        ("tomorrow", dt.date(2026, 11, 21)),
        ("yesterday", dt.date(2026, 11, 19)),
        ("+3d", dt.date(2026, 11, 23)),
        ("-2w", dt.date(2026, 11, 6)),
        ("mon", dt.date(2026, 11, 23)),
        ("Friday", dt.date(2026, 11, 27)),
        ("next week", dt.date(2026, 11, 23)),
        ("2026-2-3", dt.date(2026, 2, 3)),
        ("2028-02-29", dt.date(2028, 2, 29)),
    ],
)
def test_friendly_dates(text, expected):
    assert parse_date(text) == expected


def test_out_of_range_moments_are_refused():
    assert errors_of(
        InteractionIn, prospect_id=1, summary="x", occurred_at="9999-12-31T23:30-05:00"
    ) == {"occurred_at": "year 9999 is out of range; use a year from 1900 to 2200"}
    assert "occurred_at" in errors_of(
        InteractionIn, prospect_id=1, summary="x", occurred_at="2026-02-30T10:00"
    )


@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("1,000.50", 100050),
        ("1000.5", 100050),
        ("€80", 8000),
        ("EUR 1,234", 123400),
        (" 12 ", 1200),
        ("0", 0),
        ("", None),
        (1234, 1234),  # an int from code is already minor units
        (12.5, 1250),
    ],
)
def test_money_accepted(text, minor):
    assert parse_money(text) == minor


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-5", "cannot be negative"),
        (-5, "cannot be negative"),
        ("NaN", "'NaN' is not an amount; expected e.g. 1,000.50"),
        ("inf", "'inf' is not an amount; expected e.g. 1,000.50"),
        (math.nan, "must be a finite amount such as 1,000.50"),
        (math.inf, "must be a finite amount such as 1,000.50"),
        (
            "1.000,50",
            "'1.000,50': use a dot for decimals and commas between thousands, e.g. 1,000.50",
        ),
        ("12,5", "'12,5': use a dot for decimals and commas between thousands, e.g. 1,000.50"),
        ("€5k", "'€5k': write the full amount, e.g. 5000 rather than 5k"),
        ("1.5555", "'1.5555' has more than two decimals"),
        ("1.005", "'1.005': use a dot for decimals and commas between thousands, e.g. 1,000.50"),
        ("1,00,000", "'1,00,000' is not an amount; expected e.g. 1,000.50"),
        ("1e5", "'1e5' is not an amount; expected e.g. 1,000.50"),
        ("100000000000", "is larger than any amount we can keep (under 100,000,000,000)"),
        (True, "must be an amount such as 1,000.50"),
    ],
)
def test_money_refused_with_a_message(value, message):
    assert errors_of(ProspectIn, name="x", value=value) == {"value": message}
    with pytest.raises(ValueError) as info:
        parse_money(value)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("model", "field", "enum", "extra"),
    [
        (ResearchNoteIn, "kind", ResearchKind, {"title": "x"}),
        (ResearchNoteIn, "source", ResearchSource, {"title": "x"}),
        (PromotionIn, "channel", Channel, {"name": "x"}),
        (PromotionIn, "status", PromotionStatus, {"name": "x"}),
        (ProspectIn, "source", LeadSource, {"name": "x"}),
        (InteractionIn, "kind", InteractionKind, {"prospect_id": 1, "summary": "x"}),
        (FollowUpIn, "repeat_unit", RepeatUnit, {"prospect_id": 1, "title": "x", "due_date": "1"}),
    ],
)
def test_enum_values(model, field, enum, extra):
    if "due_date" in extra:
        extra = {**extra, "due_date": "today"}
    values = [f"'{member.value}'" for member in enum]
    expected = "must be one of " + ", ".join(values[:-1]) + " or " + values[-1]
    assert errors_of(model, **{field: "bogus"}, **extra) == {field: expected}
    assert getattr(model(**{field: list(enum)[-1].value}, **extra), field) == list(enum)[-1]


@pytest.mark.parametrize(
    ("model", "field", "limit", "extra"),
    [
        (ProspectIn, "name", NAME_MAX, {}),
        (ProspectIn, "company", SHORT_MAX, {"name": "x"}),
        (ProspectIn, "notes", TEXT_MAX, {"name": "x"}),
        (ResearchNoteIn, "body", TEXT_MAX, {"title": "x"}),
        (SegmentIn, "location", SHORT_MAX, {"name": "x"}),
    ],
)
def test_length_limits(model, field, limit, extra):
    model(**{field: "a" * limit}, **extra)  # exactly at the limit fits
    message = errors_of(model, **{field: "a" * (limit + 1)}, **extra)[field]
    assert message == f"is {limit + 1:,} characters long; at most {limit:,} fit"


def test_a_ten_megabyte_note_is_refused_with_its_size():
    message = errors_of(ProspectIn, name="x", notes="é" * 10_000_000)["notes"]
    assert message == "is 10,000,000 characters long; at most 1,000,000 fit"


@pytest.mark.parametrize("field", ["name", "notes", "company"])
def test_nul_is_refused(field):
    data = {"name": "x", field: "a\x00b"}
    assert errors_of(ProspectIn, **data) == {field: "contains a NUL character (\\x00); remove it"}


def test_tags_too_long_and_duplicates():
    assert ProspectIn(name="x", tags=" #VIP , vip,,new ").tags == ["vip", "new"]
    assert "longer than 50 characters" in errors_of(ProspectIn, name="x", tags="t" * 51)["tags"]


def test_currency_codes():
    assert ProspectIn(name="x", currency=" usd ").currency == "USD"
    for bad in ("EURO", "€", "E1R", "ÉUR"):
        assert errors_of(ProspectIn, name="x", currency=bad) == {
            "currency": "must be a three-letter currency code such as EUR or USD"
        }


def test_numbers_out_of_range():
    assert "keep_in_touch_days" in errors_of(ProspectIn, name="x", keep_in_touch_days=0)
    assert "repeat_every" in errors_of(
        FollowUpIn, prospect_id=1, title="x", due_date="today", repeat_every=400
    )
    assert "reach" in errors_of(PromotionResultIn, promotion_id=1, day="today", reach=-1)


def test_promotion_dates_in_order_is_filed_under_end_date():
    errors = errors_of(PromotionIn, name="x", start_date="2026-11-20", end_date="2026-11-01")
    assert errors == {"end_date": "comes before the start date; pick a later day"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("14:30", dt.time(14, 30)), ("2pm", dt.time(14, 0)), ("12am", dt.time(0, 0)), ("", None)],
)
def test_times(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:00", "14", "12:60", "noon"])
def test_bad_times(text):
    assert errors_of(FollowUpIn, prospect_id=1, title="x", due_date="today", due_time=text) == {
        "due_time": f"{text!r} is not a time; use HH:MM (24-hour) or e.g. 2pm"
    }


def test_weeks():
    assert parse_week("2026-W47") == dt.date(2026, 11, 16)
    with pytest.raises(ValueError, match="2026 has no week 54"):
        parse_week("2026-W54")
    with pytest.raises(ValueError, match="is not a week"):
        parse_week("week 47")


def test_describe_errors_is_one_line_per_field():
    with pytest.raises(ValidationError) as info:
        ProspectIn(name="", email="nope")
    assert describe_errors(info.value) == (
        "name is required; email is not an email address; expected something like name@example.com"
    )


def test_long_text_is_kept_exactly_and_names_are_trimmed():
    note = ResearchNoteIn(title="  Title  ", body="    indented code\n\n")
    assert (note.title, note.body) == ("Title", "    indented code\n\n")


def test_lone_surrogates_are_refused_not_crashing():
    assert "name" in errors_of(ProspectIn, name="bad \ud800 text")
