"""Property tests: parsing never crashes, money round-trips, text is kept or refused."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from dualrole.core.dates.reading import parse_date, parse_time
from dualrole.core.models import NAME_MAX, ProspectIn, ResearchNoteIn, field_errors
from dualrole.core.money import format_money, format_money_input
from dualrole.core.parsing import MONEY_MAX_MINOR, parse_email, parse_money
from dualrole.services import marketing, sales
from workspace_copies import empty_memory

# Text people paste: every plane, plus what breaks naive code — controls, bidi overrides,
# combining marks, emoji, markup, SQL and FTS syntax.
NASTY = st.sampled_from(
    [
        "\x1b[31m",
        "\u202e",
        "\u2066",
        "e\u0301",
        "👩🏽‍💻",
        "[bold]",
        "[/b]",
        "'; DROP TABLE prospects; --",
        '"unbalanced',
        "NEAR(",
        "\x9b",
        "\r\n",
        "\t",
        "\x00",
    ]
)
TEXT = st.lists(st.one_of(st.text(max_size=20), NASTY), max_size=8).map("".join)


@given(st.integers(min_value=0, max_value=MONEY_MAX_MINOR - 1))
def test_money_round_trips_through_the_form_field(minor):
    assert parse_money(format_money_input(minor)) == minor


@given(st.integers(min_value=0, max_value=MONEY_MAX_MINOR - 1))
def test_money_round_trips_with_thousands_separators(minor):
    shown = format_money(minor, "EUR", cents=True)  # €1,000.50
    assert parse_money(shown) == minor


@given(st.one_of(st.text(max_size=40), st.text(alphabet=string.printable, max_size=20)))
def test_parsers_either_return_or_say_what_is_expected(text):
    for parse in (parse_money, parse_date, parse_time, parse_email):
        try:
            parse(text)
        except ValueError as exc:
            assert str(exc).strip()  # a sentence, not an empty error


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_floats_are_money_or_refused(value):
    try:
        minor = parse_money(value)
    except ValueError as exc:
        assert "amount" in str(exc) or "negative" in str(exc) or "decimals" in str(exc)
    else:
        assert minor is not None and 0 <= minor < MONEY_MAX_MINOR


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(name=TEXT, notes=TEXT, company=TEXT)
def test_any_text_is_stored_intact_or_refused_with_a_message(name, notes, company):
    try:
        data = ProspectIn(name=name, notes=notes, company=company, tags=[])
    except ValidationError as exc:
        errors = field_errors(exc)
        assert errors and all(message.strip() for message in errors.values())
        assert set(errors) <= {"name", "notes", "company"}
        return
    with empty_memory() as store:
        stored = sales.get_prospect(store, sales.create_prospect(store, data).id)
    # single-line fields are trimmed of surrounding whitespace; notes are kept exactly
    assert stored.name.strip() == name.strip() and stored.name in name
    assert stored.name.strip() and len(stored.name) <= NAME_MAX
    assert (stored.company or "").strip() == company.strip()
    assert stored.company is None or stored.company in company
    assert stored.notes == notes


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(title=TEXT, body=TEXT)
def test_research_notes_keep_their_body(title, body):
    try:
        data = ResearchNoteIn(title=title, body=body)
    except ValidationError as exc:
        assert set(field_errors(exc)) <= {"title", "body"}
        return
    with empty_memory() as store:
        note = marketing.get_note(store, marketing.create_note(store, data).id)
    assert note.title.strip() == title.strip() and note.title.strip() and note.title in title
    assert note.body == body
