"""Issue 24: dates mean the same in every command and form, and every refusal is our sentence.

The validation library's own wording ("Input should be ...") never reaches a person: not
next to a form's field, not from a command. Things that happened cannot be far ahead.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from dualrole.cli.main import cli
from dualrole.core import models
from dualrole.core.dates.clock import relative_day
from dualrole.core.models import (
    FollowUpIn,
    InteractionIn,
    describe_errors,
    error_sentence,
    field_errors,
)
from dualrole.services import daily, sales
from dualrole.storage.db import StorageError, open_store

INPUT_MODELS = [
    model
    for model in vars(models).values()
    if isinstance(model, type) and issubclass(model, models.Input) and model is not models.Input
]
LIBRARY_WORDS = ("Input should", "Value error", "validation error", "pydantic")

anything = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["0", "-1", "0d", "366", "10000", "2200-12-31", "9999-W52", "yes", "1e9"]),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
    st.dates(),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def invoke(path: Path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(path), *args])


def assert_ours(message: str) -> None:
    assert message.strip(), "an empty message"
    for words in LIBRARY_WORDS:
        assert words not in message, message


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(model=st.sampled_from(INPUT_MODELS), data=st.data())
def test_no_form_field_ever_shows_the_libraries_wording(model, data):
    names = list(model.model_fields)
    chosen = data.draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names)))
    values: dict[str, Any] = {name: data.draw(anything, label=name) for name in chosen}
    try:
        model.model_validate(values)
    except ValidationError as exc:
        for message in field_errors(exc).values():
            assert_ours(message)
        assert_ours(describe_errors(exc))
        assert_ours(error_sentence(exc))


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("wording") / "work.db"
    with open_store(path) as store:
        prospect = sales.create_prospect(store, models.ProspectIn(name="Ada Quill"))
        sales.create_followup(
            store, FollowUpIn(prospect_id=prospect.id, title="Call", due_date="2026-11-25")
        )
    return path


COMMANDS = [
    lambda text: ("log", "ada", "Call", "--when", text),
    lambda text: ("follow-up", "ada", "Call", "--due", text),
    lambda text: ("follow-up", "ada", "Call", "--at", text),
    lambda text: ("follow-up", "ada", "Call", "--repeat", text),
    lambda text: ("snooze", "f1", text),
    lambda text: ("add", "Bo", "--value", text),
    lambda text: ("add", "Bo", "--email", text),
    lambda text: ("add", "Bo", "--currency", text),
    lambda text: ("stage", "ada", "won", "--value", text),
    lambda text: ("log", "ada", "Call", "--kind", text),
    lambda text: ("review", "--week", text),
    lambda text: ("insights", "--to", text),
    lambda text: ("insights", "--from", text),
]
EDGES = ["0d", "0", "366d", "0w", "2200-12-31", "9999-W52", "0001-W01", "9999-12-31", "25:00"]
EDGES += ["tomorrow 14:30", "1e9", "-5", "9999-12-31T23:59Z", "1900-01-01", "€5k"]
typed = st.one_of(
    st.text(max_size=20).filter(lambda t: t and not t.startswith("-")), st.sampled_from(EDGES)
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(command=st.sampled_from(COMMANDS), text=typed)
def test_no_command_ever_says_the_libraries_wording(workspace, command, text):
    args = command(text)
    result = invoke(workspace, *args)  # the writing commands run for real
    said = f"{result.output}\n{result.exception or ''}"
    for words in LIBRARY_WORDS:
        assert words not in said, (args, said)
    # a refusal is one of ours (main() turns these into one sentence), never a crash
    expected = (ValueError, StorageError, SystemExit)
    assert result.exception is None or isinstance(result.exception, expected), (
        args,
        repr(result.exception),
    )


def test_repeat_zero_is_refused_in_our_words(db_path):
    invoke(db_path, "add", "Ada Quill")
    result = invoke(db_path, "follow-up", "ada", "Call", "--repeat", "0d")
    assert result.exit_code != 0
    assert str(result.exception) == (
        "--repeat: '0d' is not a repeat; use every 1 to 365 days, e.g. 3d or 2w"
    )
    # the form's field goes through the model: the same class, our words
    with pytest.raises(ValidationError) as caught:
        FollowUpIn(prospect_id=1, title="x", due_date="today", repeat_every="0")
    assert field_errors(caught.value) == {"repeat_every": "must be at least 1"}
    with open_store(db_path) as store:
        assert store.scalar("SELECT count(*) FROM followups") == 0


def test_a_model_error_from_a_command_names_the_option(db_path):
    invoke(db_path, "add", "Ada Quill")
    result = invoke(db_path, "log", "ada", "Call", "--when", "2200-12-31")
    assert result.exit_code != 0
    assert str(result.exception).startswith("--when is Wed 31 Dec 2200, after tomorrow; log what")
    with open_store(db_path) as store:
        assert store.scalar("SELECT count(*) FROM interactions") == 0
        assert store.scalar("SELECT last_contact_at FROM prospects") is None


@pytest.mark.parametrize(
    ("when", "refused"),
    [
        ("2200-12-31", True),
        ("in 2 days", True),
        ("+3d", True),
        ("tomorrow 23:59", False),  # a margin for a meeting logged just before midnight
        ("today", False),
        ("yesterday 15:00", False),
    ],
)
def test_an_interaction_is_at_most_tomorrow_in_the_service(store, when, refused):
    prospect = sales.create_prospect(store, models.ProspectIn(name="Ada"))
    fields = {"prospect_id": prospect.id, "summary": "Call", "occurred_at": when}
    if refused:
        with pytest.raises(ValidationError) as caught:
            daily.log(store, fields)
        assert "after tomorrow" in field_errors(caught.value)["occurred_at"]
    else:
        logged, _ = daily.log(store, fields)
        assert logged.occurred_at.astimezone().date() <= dt.date(2026, 11, 21)


def test_iso_moments_from_files_keep_their_offset_and_seconds():
    moment = InteractionIn(
        prospect_id=1, summary="x", occurred_at="2026-11-19T14:03:27+01:00"
    ).occurred_at
    assert moment == dt.datetime(2026, 11, 19, 13, 3, 27, tzinfo=dt.UTC)


def test_restore_at_reads_moments_with_the_one_parser():
    from dualrole.replication.restore import parse_moment as restore_moment

    assert restore_moment("yesterday 15:00") == dt.datetime(2026, 11, 19, 14, 0, tzinfo=dt.UTC)
    for far in ("9999-12-31T23:59:59", "0001-01-01"):  # were an OverflowError's "year 0 …"
        with pytest.raises(ValueError, match="is out of range; use a year from 1900 to 2200"):
            restore_moment(far)


ONE_STYLE = re.compile(r"(today|tomorrow|in \d+[dwy]|\d+[dwy] late|\d+[dwy] ago)")


@given(offset=st.integers(min_value=-3000, max_value=3000), done=st.booleans())
def test_a_due_column_speaks_one_relative_style(offset, done):
    """Issue 24: "Sun (in 2d)", "tomorrow" and "2026-12-11" no longer share a column."""
    from dualrole.tui import format as fmt

    day = dt.date(2026, 11, 20) + dt.timedelta(days=offset)
    phrase = fmt.due(day.isoformat(), "2026-11-20T09:00:00Z" if done else None)
    assert ONE_STYLE.fullmatch(phrase), phrase
    assert relative_day(day) == fmt.due(day.isoformat())  # Today and the CLI say the same


@pytest.mark.parametrize(
    ("offset", "phrase"),
    [(-1, "1d late"), (0, "today"), (1, "tomorrow"), (2, "in 2d"), (21, "in 21d"),
     (28, "in 4w"), (364, "in 52w"), (400, "in 1y"), (-30, "4w late")],
)  # fmt: skip
def test_relative_days(offset, phrase):
    assert relative_day(dt.date(2026, 11, 20) + dt.timedelta(days=offset)) == phrase
