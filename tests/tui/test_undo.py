"""``u`` takes back the latest change of any kind, on any screen, one step at a time.

One history for the app (``services/undo.py``): a snooze on Today, a task ticked done after
it and a stage change on the board are undone newest first, and each ``u`` says what it undid.
Real keys; the database checked.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dualrole.core.models import FollowUpIn, MarketingTaskIn, ProspectIn, Stage
from dualrole.services import marketing, records, sales
from dualrole.storage.db import open_store
from dualrole.tui.app import DualroleApp
from dualrole.tui.widgets.paged_list import PagedList
from dualrole.tui.widgets.pipeline_board import PipelineBoard

SIZE = (100, 30)
TODAY = dt.date(2026, 11, 20)  # the frozen clock's Friday (tests/conftest.py)
TWO_DAYS_AGO = TODAY - dt.timedelta(days=2)
NEXT_MONDAY = dt.date(2026, 11, 23)


@pytest.fixture
def workspace(tmp_path: Path):
    with open_store(tmp_path / "work.db") as store:
        prospect = sales.create_prospect(store, ProspectIn(name="Ada Quill", value="5000"))
        followup = sales.create_followup(
            store, FollowUpIn(prospect_id=prospect.id, title="Call Anna", due_date=TWO_DAYS_AGO)
        )
        task = marketing.create_task(store, MarketingTaskIn(title="Draft flyer", due_date=TODAY))
        yield store, prospect.id, followup.id, task.id


def notices_of(app: DualroleApp) -> list[str]:
    """Collect what the app notifies from now on."""
    said: list[str] = []
    original = app.notify

    def notify(message: str, **kwargs: object) -> None:
        said.append(message)
        original(message, **kwargs)  # type: ignore[arg-type]

    app.notify = notify  # type: ignore[method-assign]
    return said


async def test_today_snooze_then_task_done_u_undoes_the_task_first(workspace, wait_until):
    """The issue's sequence: Z on a follow-up, tab, d on a task, u — the task is reopened,
    the snooze stays; a second u takes the snooze back."""
    store, _prospect_id, followup_id, task_id = workspace
    app = DualroleApp(store)
    async with app.run_test(size=SIZE) as pilot:
        said = notices_of(app)
        sales_side = app.screen.query_one("#today-sales-list", PagedList)
        await wait_until(pilot, lambda: sales_side.row is not None)
        await pilot.press("Z")
        await wait_until(pilot, lambda: sales.get_followup(store, followup_id).due_date > TODAY)
        await pilot.press("tab")
        marketing_side = app.screen.query_one("#today-marketing-list", PagedList)
        await wait_until(pilot, lambda: app.screen.focused is marketing_side)
        await pilot.press("d")
        await wait_until(pilot, lambda: marketing.get_task(store, task_id).done_at is not None)

        await pilot.press("u")
        await wait_until(pilot, lambda: marketing.get_task(store, task_id).done_at is None)
        assert sales.get_followup(store, followup_id).due_date == NEXT_MONDAY, "snooze kept"
        await wait_until(pilot, lambda: "Undid: marked 'Draft flyer' done" in said)

        await pilot.press("u")  # one step further back: the snooze
        await wait_until(
            pilot, lambda: sales.get_followup(store, followup_id).due_date == TWO_DAYS_AGO
        )
        assert marketing.get_task(store, task_id).done_at is None
        await wait_until(pilot, lambda: "Undid: snoozed 'Call Anna' to Mon 23 Nov" in said)

        await pilot.press("u")
        await wait_until(pilot, lambda: "Nothing to undo." in said)


async def test_stage_change_on_the_board_is_undone_from_another_screen(workspace, wait_until):
    """``>`` on the board, then a follow-up done on Today: ``u`` twice, newest first, and the
    stage change leaves no record behind."""
    store, prospect_id, followup_id, _task_id = workspace
    history_before = len(sales.stage_history(store, prospect_id))
    app = DualroleApp(store)
    async with app.run_test(size=SIZE) as pilot:
        said = notices_of(app)
        await pilot.press("s", "2")
        board = app.screen.query_one(PipelineBoard)
        await wait_until(pilot, lambda: board.selected is not None)
        await pilot.press("greater_than_sign")
        await wait_until(pilot, lambda: sales.get_prospect(store, prospect_id).stage != Stage.lead)
        assert sales.get_prospect(store, prospect_id).stage == Stage.contacted

        await pilot.press("t")
        sales_side = app.screen.query_one("#today-sales-list", PagedList)
        await wait_until(pilot, lambda: sales_side.row is not None)
        await pilot.press("d")  # the follow-up: done, and the next one is offered
        await wait_until(pilot, lambda: sales.get_followup(store, followup_id).done_at is not None)
        await pilot.press("escape")  # skip the next one
        await wait_until(pilot, lambda: app.screen.query("#today-sales-list"))

        await pilot.press("u")
        await wait_until(pilot, lambda: sales.get_followup(store, followup_id).done_at is None)
        assert sales.get_prospect(store, prospect_id).stage == Stage.contacted
        await pilot.press("u")
        await wait_until(pilot, lambda: sales.get_prospect(store, prospect_id).stage == Stage.lead)
        await wait_until(pilot, lambda: "Undid: moved 'Ada Quill' lead → contacted" in said)
    assert len(sales.stage_history(store, prospect_id)) == history_before
    assert store.scalar("SELECT prospects FROM stage_totals WHERE stage = 'lead'") == 1


async def test_u_restores_what_was_deleted_not_an_older_delete(workspace, wait_until):
    """A delete, then a task done: u reopens the task, the next u restores the record."""
    store, prospect_id, _followup_id, task_id = workspace
    records.soft_delete(store, "marketing_task", task_id)  # deleted before this session
    other = marketing.create_task(store, MarketingTaskIn(title="Print flyer", due_date=TODAY))
    app = DualroleApp(store)
    async with app.run_test(size=SIZE) as pilot:
        said = notices_of(app)
        await pilot.press("s", "1")
        prospects = app.screen.query_one("#prospects", PagedList)
        await wait_until(pilot, lambda: prospects.row is not None)
        await pilot.press("delete")
        await wait_until(pilot, lambda: prospects.row is None)
        await pilot.press("m", "4")
        tasks = app.screen.query_one("#list-tasks", PagedList)
        await wait_until(pilot, lambda: tasks.row is not None and tasks.row.id == other.id)
        await pilot.press("d")
        await wait_until(pilot, lambda: marketing.get_task(store, other.id).done_at is not None)
        await pilot.press("u", "u")
        await wait_until(pilot, lambda: "Undid: deleted 'Ada Quill'" in said)
        assert marketing.get_task(store, other.id).done_at is None
        assert sales.get_prospect(store, prospect_id).name == "Ada Quill"
        await pilot.press("u")
        await wait_until(pilot, lambda: "Nothing to undo." in said)
    # the task deleted before this session stays in the trash
    assert store.scalar("SELECT deleted_at FROM marketing_tasks WHERE id = ?", (task_id,))


async def test_today_left_and_right_switch_sides(workspace, wait_until):
    """Today has a marketing side (left) and a sales side (right): the arrows go to them."""
    store, _prospect_id, _followup_id, task_id = workspace
    app = DualroleApp(store)
    async with app.run_test(size=SIZE) as pilot:
        marketing_side = app.screen.query_one("#today-marketing-list", PagedList)
        sales_side = app.screen.query_one("#today-sales-list", PagedList)
        await wait_until(pilot, lambda: app.screen.focused is sales_side)
        await pilot.press("left")
        await wait_until(pilot, lambda: app.screen.focused is marketing_side)
        await pilot.press("left")  # already there: stays
        assert app.screen.focused is marketing_side
        await pilot.press("d")  # acts on the side the arrow chose
        await wait_until(pilot, lambda: marketing.get_task(store, task_id).done_at is not None)
        await pilot.press("right")
        await wait_until(pilot, lambda: app.screen.focused is sales_side)
        bar = "".join(s.text for s in app.screen.query_one("KeyBar").render_line(0))
        assert "←→ Sides" in bar
