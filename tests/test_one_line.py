"""One-line fields (names, titles, company, segment and promotion names…) refuse line breaks
and control characters at the models, so the CLI, the app, an import and phone sync all do;
multi-line fields (notes, an interaction's outcome) keep their line breaks."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from dualrole.cli.main import main
from dualrole.core.models import (
    ONE_LINE,
    CompanyIn,
    DealIn,
    FollowUpIn,
    InteractionIn,
    MarketingTaskIn,
    PromotionIn,
    Prospect,
    ProspectIn,
    ResearchNoteIn,
    SegmentIn,
    field_errors,
)
from dualrole.interop.importer import import_contacts
from dualrole.storage.db import open_store

# Every input model with what it needs besides the field under test.
MODELS: list[tuple[type[BaseModel], dict[str, object]]] = [
    (ProspectIn, {"name": "Ann"}),
    (SegmentIn, {"name": "Bakers"}),
    (PromotionIn, {"name": "Fair"}),
    (ResearchNoteIn, {"title": "Note"}),
    (MarketingTaskIn, {"title": "Task"}),
    (InteractionIn, {"prospect_id": 1, "summary": "Called"}),
    (FollowUpIn, {"prospect_id": 1, "title": "Call", "due_date": "2026-12-01"}),
    (DealIn, {"title": "Deal"}),
    (CompanyIn, {"name": "Acme"}),
]
ONE_LINE_FIELDS = [
    (model, base, name)
    for model, base in MODELS
    for name, field in model.model_fields.items()
    if any(mark is ONE_LINE for mark in field.metadata)
]
BREAKS = ["\n", "\r", "\r\n", "\v", "\f", "\x85", "\u2028", "\u2029"]
CONTROLS = [chr(code) for code in (*range(1, 32), 0x7F, *range(0x80, 0xA0))]
WORD = st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=10)


def test_the_one_line_fields_are_the_names_and_short_fields():
    names = {(model.__name__, name) for model, _base, name in ONE_LINE_FIELDS}
    assert {
        ("ProspectIn", "name"),
        ("ProspectIn", "company"),
        ("ProspectIn", "title"),
        ("SegmentIn", "name"),
        ("PromotionIn", "name"),
        ("CompanyIn", "name"),
        ("InteractionIn", "summary"),
    } <= names
    assert ("ProspectIn", "notes") not in names and ("InteractionIn", "outcome") not in names


@given(
    case=st.sampled_from(ONE_LINE_FIELDS),
    before=WORD,
    after=WORD,
    bad=st.sampled_from(BREAKS + CONTROLS),
)
def test_a_one_line_field_refuses_a_line_break_or_control_in_one_sentence(case, before, after, bad):
    model, base, field = case
    with pytest.raises(ValidationError) as refused:
        model.model_validate({**base, field: f"{before}{bad}{after}"})
    errors = field_errors(refused.value)
    assert list(errors) == [field]
    message = errors[field]
    assert "Input should" not in message
    if bad in BREAKS or bad in "\x1c\x1d\x1e":
        assert message == "must be one line; remove the line break"
    else:
        assert message.startswith("contains a control character (U+") and "remove it" in message


@given(before=WORD, after=WORD, bad=st.sampled_from([*BREAKS, "\t"]))
def test_multi_line_fields_keep_their_line_breaks(before, after, bad):
    text = f"{before}{bad}{after}"
    assert ProspectIn(name="Ann", notes=text).notes == text
    assert SegmentIn(name="Bakers", pain_points=text).pain_points == text
    outcome = InteractionIn(prospect_id=1, summary="Called", outcome=text).outcome
    assert outcome == text


def test_a_tag_with_a_line_break_is_refused():
    with pytest.raises(ValidationError) as refused:
        ProspectIn(name="Ann", tags=["berlin\nfair"])
    assert "must be one line" in field_errors(refused.value)["tags"]


def test_a_row_already_stored_with_a_line_break_is_still_read():
    """An older release let it in: reading it back never fails (editing it asks to fix it)."""
    row = {"id": 1, "created_at": "2026-01-01T00:00:00+00:00", "name": "Ann\nLee"}
    assert Prospect.model_validate(row).name == "Ann\nLee"


def test_cli_add_refuses_a_name_with_a_line_break(tmp_path, monkeypatch, capsys):
    path = tmp_path / "w.db"
    monkeypatch.setattr(sys, "argv", ["dualrole", "--db", str(path), "add", "Ann\nLee"])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code not in (0, None)
    assert capsys.readouterr().err.strip() == "Error: name must be one line; remove the line break"
    with open_store(path) as store:
        assert store.scalar("SELECT count(*) FROM prospects") == 0


def test_an_import_reports_a_name_with_a_line_break_as_a_bad_row(tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text('Name,Company\n"Ann\nLee",Acme\nBo Kim,"Kim\x07 Co"\nCy Day,Day Ltd\n')
    with open_store(tmp_path / "w.db") as store:
        report = import_contacts(store, path)
        assert (report.created, report.skipped) == (1, 2)
        first, second = report.problems()
        assert "name must be one line; remove the line break" in first.reason
        assert "company contains a control character (U+0007)" in second.reason
        names = [row[0] for row in store.query("SELECT name FROM prospects")]
    assert names == ["Cy Day"]


def test_a_sent_message_is_logged_whatever_its_subject_holds(store):
    """The message has gone: a control character or line break in its subject (a name an
    older release kept) is shown visibly in the summary, never a refusal after sending."""
    from dualrole.services import outreach, sales

    kim = sales.create_prospect(store, ProspectIn(name="Kim"))
    outreach.log_sent(store, kim.id, "Hello Evil\x1b[2J\nName", "<m1@example.com>")
    summary = store.scalar("SELECT summary FROM interactions WHERE prospect_id = ?", (kim.id,))
    assert summary == "Hello Evil␛[2J Name"


def test_a_repeating_follow_up_kept_with_a_control_character_still_completes(store):
    """An older release let the title in: done still offers (and repeats) the next one."""
    from dualrole.services import sales

    kim = sales.create_prospect(store, ProspectIn(name="Kim"))
    data = FollowUpIn(prospect_id=kim.id, title="Call", due_date="2026-11-20", repeat_every=7)
    first = sales.create_followup(store, data.model_copy(update={"title": "Call\x07 back"}))
    offer = sales.complete_followup(store, first.id)
    assert offer.repeats and offer.suggestion.title == "Call\x07 back"
    again = sales.create_followup(store, offer.suggestion)
    assert again.title == "Call\x07 back" and again.due_date.isoformat() == "2026-11-27"
