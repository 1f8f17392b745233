"""Issue 24: every date field in the app reads what the README promises with the one parser,
echoes what it understood, and never shows the validation library's wording.

Real keys on the frozen Friday 2026-11-20 10:00 (tests/conftest.py), the database checked.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from dualrole.core.models import FollowUpIn, ProspectIn
from dualrole.services import sales
from dualrole.storage.db import open_store
from dualrole.tui.app import DualroleApp
from dualrole.tui.dialogs.forms import ConfirmScreen, FormScreen

SIZE = (100, 30)


@pytest.fixture
def workspace(tmp_path: Path):
    with open_store(tmp_path / "work.db") as store:
        prospect = sales.create_prospect(store, ProspectIn(name="Ada Quill"))
        sales.create_followup(
            store, FollowUpIn(prospect_id=prospect.id, title="Call back", due_date="2026-11-18")
        )
        yield store, prospect.id


def shown(form: FormScreen, name: str) -> str:
    return str(form.query_one(f"#{name}", Static).content)


@pytest.mark.parametrize(
    ("typed", "stored", "echo"),
    [
        ("yesterday 15:00", "2026-11-19 15:00", "Thu 19 Nov 2026 15:00"),
        ("yesterday", "2026-11-19 10:00", "Thu 19 Nov 2026 10:00"),  # the time of day now
        ("thu 15:00", "2026-11-19 15:00", "Thu 19 Nov 2026 15:00"),  # looks back: it happened
    ],
)
async def test_today_log_form_takes_the_readmes_dates(workspace, wait_until, typed, stored, echo):
    store, prospect_id = workspace
    app = DualroleApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("l")  # Today, the sales side's first row: Ada's overdue follow-up
        await wait_until(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        await pilot.press(*"Called back")
        when = form.query_one("#field-occurred_at", Input)
        when.focus()
        when.value = ""
        await pilot.press(*typed)
        await wait_until(pilot, lambda: shown(form, "hint-occurred_at") == f"{typed} → {echo}")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")  # not the follow-up it was
        await pilot.pause()
    logged = sales.interactions_for(store, prospect_id)
    assert [i.summary for i in logged] == ["Called back"]
    assert logged[0].occurred_at.astimezone().strftime("%Y-%m-%d %H:%M") == stored


async def test_log_form_refuses_a_day_after_tomorrow_in_our_words(workspace, wait_until):
    store, prospect_id = workspace
    app = DualroleApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        await pilot.press(*"Called back")
        form.query_one("#field-occurred_at", Input).value = "2200-12-31"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: shown(form, "error-occurred_at") != "")
        error = shown(form, "error-occurred_at")
        assert error.startswith("When is Wed 31 Dec 2200, after tomorrow")
        assert "Input should" not in error
        assert app.screen is form  # still open, nothing lost
        form.query_one("#field-occurred_at", Input).value = "soonish"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "soonish" in shown(form, "error-occurred_at"))
        assert shown(form, "error-occurred_at").startswith("When 'soonish' is not a date; try")
        assert shown(form, "hint-occurred_at").startswith("'soonish' is not a date")
    assert sales.interactions_for(store, prospect_id) == []


async def test_follow_up_due_takes_a_time_and_echoes_it(workspace, wait_until):
    store, prospect_id = workspace
    app = DualroleApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f")
        await wait_until(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        await pilot.press(*"Send deck", "tab")
        await pilot.press(*"next tue 14:30")
        await wait_until(
            pilot, lambda: shown(form, "hint-due_date") == "next tue 14:30 → Tue 24 Nov 2026 14:30"
        )
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, FormScreen))
    made = [f for f in sales.followups_for(store, prospect_id) if f.title == "Send deck"]
    assert [(f.due_date, f.due_time) for f in made] == [(dt.date(2026, 11, 24), dt.time(14, 30))]
