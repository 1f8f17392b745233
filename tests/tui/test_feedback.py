"""``F`` names the prospect and the words it will file before filing them; the log form can file
its own feedback. Logging on Today's idle list drops the row and the cursor moves on to the next
prospect: ``F`` then asks about *that* prospect, by name. Real keys; the database checked."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import Static

from dualrole.core.models import InteractionIn, ProspectIn, Stage
from dualrole.services import sales
from dualrole.storage.db import Store, open_store
from dualrole.tui.app import DualroleApp
from dualrole.tui.areas.today.screen import TodayScreen
from dualrole.tui.dialogs.forms import ConfirmScreen, FormScreen
from dualrole.tui.widgets.paged_list import PagedList

SIZE = (100, 30)
NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)  # about the frozen clock (conftest)


@pytest.fixture
def workspace(tmp_path: Path):
    """Two idle deals: Ada (the larger, listed first) and Sofia, each with feedback on record."""
    with open_store(tmp_path / "work.db") as store:
        ids = {}
        for name, value, outcome in (
            ("Ada Quill", "9000", "Budget is tight"),
            ("Sofia Khan", "5000", "Not now, maybe Q2"),
        ):
            prospect = sales.create_prospect(store, ProspectIn(name=name, value=value))
            sales.move_stage(store, prospect.id, Stage.qualified)
            sales.log_interaction(
                store,
                InteractionIn(
                    prospect_id=prospect.id,
                    summary="Intro call",
                    outcome=outcome,
                    occurred_at=NOW - dt.timedelta(days=30),
                ),
            )
            ids[name] = prospect.id
        yield store, ids


def notes(store: Store) -> list[tuple[int | None, str]]:
    return [
        (row["prospect_id"], row["title"])
        for row in store.query(
            "SELECT prospect_id, title FROM research_notes WHERE kind = 'feedback' ORDER BY id"
        )
    ]


async def log_on_today(pilot, app: DualroleApp, wait_until, summary: str, *, tick: bool) -> None:
    """On Today's selected row: l, a summary, an outcome, (tick "Send to marketing"), ctrl+s."""
    await pilot.press("l")
    await wait_until(pilot, lambda: isinstance(app.screen, FormScreen))
    form = app.screen
    await pilot.press(*summary)
    await pilot.press("tab", "tab", "tab")  # kind, when, outcome
    await wait_until(pilot, lambda: form.focused is form.query_one("#field-outcome"))
    await pilot.press(*"Call back in spring")
    if tick:
        await pilot.press("tab", "space")
        await wait_until(pilot, lambda: form.values()["is_feedback"] is True)
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: isinstance(app.screen, TodayScreen))


async def test_f_after_logging_on_the_idle_list_names_the_next_prospect(workspace, wait_until):
    store, ids = workspace
    app = DualroleApp(store)
    async with app.run_test(size=SIZE) as pilot:
        side = app.screen.query_one("#today-sales-list", PagedList)
        await wait_until(pilot, lambda: side.row is not None and "Ada" in side.row.label)
        await log_on_today(pilot, app, wait_until, "Sent the proposal", tick=False)
        # Ada is no longer idle: her row went, the cursor is on Sofia
        await wait_until(pilot, lambda: side.row is not None and "Sofia" in side.row.label)
        await pilot.press("F")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        question = str(app.screen.query_one("#confirm-question", Static).content)
        assert "Sofia Khan" in question and "Not now, maybe Q2" in question
        assert "Ada" not in question
        await pilot.press("n")  # not what the user meant: nothing is filed
        await wait_until(pilot, lambda: isinstance(app.screen, TodayScreen))
        assert notes(store) == []

        await pilot.press("F", "y")  # now Sofia's, knowingly
        await wait_until(pilot, lambda: len(notes(store)) == 1)
    assert notes(store) == [(ids["Sofia Khan"], "Not now, maybe Q2 — Sofia Khan")]
    linked = store.query(
        "SELECT i.prospect_id, i.outcome FROM interactions i "
        "JOIN research_notes n ON n.id = i.research_note_id"
    )
    assert [tuple(row) for row in linked] == [(ids["Sofia Khan"], "Not now, maybe Q2")]


async def test_the_log_form_files_the_feedback_it_logs(workspace, wait_until):
    store, ids = workspace
    app = DualroleApp(store)
    async with app.run_test(size=SIZE) as pilot:
        side = app.screen.query_one("#today-sales-list", PagedList)
        await wait_until(pilot, lambda: side.row is not None and "Ada" in side.row.label)
        await log_on_today(pilot, app, wait_until, "Sent the proposal", tick=True)
        await wait_until(pilot, lambda: len(notes(store)) == 1)
    assert notes(store) == [(ids["Ada Quill"], "Call back in spring — Ada Quill")]
    row = store.query(
        "SELECT summary, is_feedback, research_note_id FROM interactions "
        "WHERE prospect_id = ? ORDER BY id DESC LIMIT 1",
        (ids["Ada Quill"],),
    )[0]
    assert (row["summary"], row["is_feedback"]) == ("Sent the proposal", 1)
    assert row["research_note_id"] is not None


def test_f_sends_the_latest_interaction_with_feedback_not_a_later_one_without(workspace):
    store, ids = workspace
    sales.log_interaction(
        store, InteractionIn(prospect_id=ids["Ada Quill"], summary="Left a voicemail")
    )
    chosen = sales.feedback_candidate(store, ids["Ada Quill"])
    assert chosen is not None and chosen.outcome == "Budget is tight"
