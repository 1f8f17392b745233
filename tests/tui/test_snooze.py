"""``z`` / ``Z`` snooze the selected follow-up or task (the next business day / the first of
next week) on Today, Follow-ups, Tasks and the prospect page; ``u`` puts it back. Real keys,
the database checked. The frozen clock is a Friday: ``z`` goes to Monday (issue 24), unless
the workspace's business days include Saturday."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dualrole.core.models import FollowUpIn, MarketingTaskIn, ProspectIn
from dualrole.services import marketing, sales
from dualrole.storage.db import Store, open_store
from dualrole.tui.app import DualroleApp
from dualrole.tui.areas.sales.prospect import ProspectScreen
from dualrole.tui.widgets.paged_list import PagedList

SIZE = (100, 30)
TODAY = dt.date(2026, 11, 20)  # the frozen clock's Friday (tests/conftest.py)
TOMORROW = dt.date(2026, 11, 21)  # a Saturday: not a business day by default
NEXT_MONDAY = dt.date(2026, 11, 23)
TWO_DAYS_AGO = TODAY - dt.timedelta(days=2)


@pytest.fixture
def workspace(tmp_path: Path):
    with open_store(tmp_path / "work.db") as store:
        prospect = sales.create_prospect(store, ProspectIn(name="Ada Quill"))
        followup = sales.create_followup(
            store,
            FollowUpIn(prospect_id=prospect.id, title="Send proposal", due_date=TWO_DAYS_AGO),
        )
        task = marketing.create_task(store, MarketingTaskIn(title="Draft flyer", due_date=TODAY))
        yield store, prospect.id, followup.id, task.id


def due_of_followup(store: Store, followup_id: int) -> dt.date:
    return sales.get_followup(store, followup_id).due_date


async def test_today_z_snoozes_to_the_next_business_day_and_u_undoes(workspace, wait_until, lines):
    store, _prospect_id, followup_id, _task_id = workspace
    app = DualroleApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("z")  # the sales side's first row: the overdue follow-up
        await wait_until(pilot, lambda: due_of_followup(store, followup_id) == NEXT_MONDAY)
        sales_side = app.screen.query_one("#today-sales-list", PagedList)
        await wait_until(pilot, lambda: "Send proposal" not in "".join(lines(sales_side)))
        await pilot.press("u")
        await wait_until(pilot, lambda: due_of_followup(store, followup_id) == TWO_DAYS_AGO)


async def test_follow_ups_tab_shift_z_snoozes_a_week(workspace, wait_until):
    store, _prospect_id, followup_id, _task_id = workspace
    app = DualroleApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "3")
        await pilot.pause()
        await pilot.press("Z")
        await wait_until(pilot, lambda: due_of_followup(store, followup_id) == NEXT_MONDAY)
        next_due = store.scalar(
            "SELECT next_followup_date FROM prospects WHERE id = ?", (_prospect_id,)
        )
        assert next_due == NEXT_MONDAY.isoformat()  # the derived column follows


async def test_tasks_tab_z_then_u(workspace, wait_until):
    store, _prospect_id, _followup_id, task_id = workspace
    app = DualroleApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m", "4")
        await pilot.pause()
        await pilot.press("z")
        await wait_until(pilot, lambda: marketing.get_task(store, task_id).due_date == NEXT_MONDAY)
        await pilot.press("u")
        await wait_until(pilot, lambda: marketing.get_task(store, task_id).due_date == TODAY)


async def test_prospect_page_z_and_a_done_follow_up_is_not_snoozed(workspace, wait_until):
    store, prospect_id, followup_id, _task_id = workspace
    app = DualroleApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ProspectScreen))
        await pilot.press("tab")  # to the follow-ups list, as the page's hint says
        await wait_until(pilot, lambda: app.screen.query_one("#prospect-followups").row is not None)
        await pilot.press("z")
        await wait_until(pilot, lambda: due_of_followup(store, followup_id) == NEXT_MONDAY)
        sales.complete_followup(store, followup_id)
        before = due_of_followup(store, followup_id)
        notices = []
        app.notify = lambda message, **_: notices.append(message)  # type: ignore[method-assign]
        app.screen.refresh_data()
        await pilot.pause()
        await pilot.press("z")
        await wait_until(pilot, lambda: bool(notices))
        assert due_of_followup(store, followup_id) == before
        assert prospect_id == app.screen.prospect_id


async def test_the_weekend_is_a_choice_of_the_workspace(workspace, wait_until):
    """With Saturday among the business days, ``z`` on a Friday snoozes to Saturday."""
    from dualrole.services.settings import set_setting

    store, _prospect_id, followup_id, _task_id = workspace
    set_setting(store, "business_days", ["mon", "tue", "wed", "thu", "fri", "sat"])
    app = DualroleApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("z")
        await wait_until(pilot, lambda: due_of_followup(store, followup_id) == TOMORROW)
