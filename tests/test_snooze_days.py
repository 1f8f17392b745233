"""Issue 24: snoozing lands on a business day (Friday → Monday by default, the weekend a
choice of the workspace), the same in the app's ``z`` and ``dualrole snooze``; a follow-up
can be snoozed to a time, a task says in one sentence that it takes a day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from dualrole.cli.main import cli
from dualrole.core.dates.when import next_business_day, next_week_start
from dualrole.core.models import FollowUpIn, MarketingTaskIn, ProspectIn
from dualrole.services import daily, marketing, sales
from dualrole.services.due import ItemRef
from dualrole.services.settings import business_days, set_setting
from dualrole.storage.db import open_store

WEEKDAYS = frozenset(range(5))


@pytest.mark.parametrize(
    ("today", "day", "week"),
    [
        ("2026-11-16", "2026-11-17", "2026-11-23"),  # Monday → Tuesday / next Monday
        ("2026-11-19", "2026-11-20", "2026-11-23"),  # Thursday → Friday
        ("2026-11-20", "2026-11-23", "2026-11-23"),  # Friday → Monday, not Saturday
        ("2026-11-21", "2026-11-23", "2026-11-23"),  # Saturday → Monday
        ("2026-11-22", "2026-11-23", "2026-11-23"),  # Sunday → Monday
    ],
)
def test_business_days(today, day, week):
    base = dt.date.fromisoformat(today)
    assert next_business_day(base, WEEKDAYS).isoformat() == day
    assert next_week_start(base, WEEKDAYS).isoformat() == week


def test_a_six_day_week_and_a_setting_that_names_no_day(store):
    assert business_days(store) == WEEKDAYS  # the default
    set_setting(store, "business_days", ["Mon", "tue", "wed", "thu", "fri", "saturday"])
    assert daily.snooze_day(store) == dt.date(2026, 11, 21)  # the frozen Friday → Saturday
    assert daily.snooze_day(store, week=True) == dt.date(2026, 11, 23)
    set_setting(store, "business_days", "weekends")  # unreadable: the default again
    assert daily.snooze_day(store) == dt.date(2026, 11, 23)


@pytest.fixture
def work(db_path: Path) -> Path:
    with open_store(db_path) as store:
        prospect = sales.create_prospect(store, ProspectIn(name="Ada Quill"))
        sales.create_followup(
            store,
            FollowUpIn(
                prospect_id=prospect.id, title="Call", due_date="2026-11-20", due_time="9:00"
            ),
        )
        marketing.create_task(store, MarketingTaskIn(title="Flyer", due_date="2026-11-20"))
    return db_path


def invoke(path: Path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(path), *args])


def test_cli_snooze_without_when_goes_to_the_next_business_day(work):
    result = invoke(work, "snooze", "f1")
    assert result.output == "Snoozed f1 Call to Mon 23 Nov 2026.\n", result.exception
    with open_store(work) as store:
        followup = sales.get_followup(store, 1)
    assert (followup.due_date, followup.due_time) == (dt.date(2026, 11, 23), dt.time(9))


def test_cli_snooze_a_follow_up_to_a_time(work):
    result = invoke(work, "snooze", "f1", "tomorrow 14:30")
    assert result.output == "Snoozed f1 Call to Sat 21 Nov 2026 at 14:30.\n", result.exception
    with open_store(work) as store:
        followup = sales.get_followup(store, 1)
        assert (followup.due_date, followup.due_time) == (dt.date(2026, 11, 21), dt.time(14, 30))
        daily.unsnooze(store, daily.Snoozed(ItemRef("followup", 1), "Call", dt.date(2026, 11, 20),
                                            dt.time(9)))  # fmt: skip
        followup = sales.get_followup(store, 1)
        assert (followup.due_date, followup.due_time) == (dt.date(2026, 11, 20), dt.time(9))


def test_cli_snooze_a_task_to_a_time_says_it_takes_a_day(work):
    result = invoke(work, "snooze", "t1", "tomorrow 14:30")
    assert result.exit_code != 0
    assert str(result.exception) == (
        "WHEN: a marketing task is due on a day, not at a time; snooze t1 to a day such as "
        "Sat 21 Nov 2026"
    )
    with open_store(work) as store:
        assert marketing.get_task(store, 1).due_date == dt.date(2026, 11, 20)


def test_undo_of_a_timed_snooze_restores_the_time(store):
    prospect = sales.create_prospect(store, ProspectIn(name="Bo"))
    followup = sales.create_followup(
        store, FollowUpIn(prospect_id=prospect.id, title="Call", due_date="today")
    )
    ref = ItemRef("followup", followup.id)
    snoozed = daily.snooze(store, ref, dt.date(2026, 11, 23), dt.time(14, 30))
    assert sales.get_followup(store, followup.id).due_time == dt.time(14, 30)
    daily.unsnooze(store, snoozed)
    again = sales.get_followup(store, followup.id)
    assert (again.due_date, again.due_time) == (dt.date(2026, 11, 20), None)
