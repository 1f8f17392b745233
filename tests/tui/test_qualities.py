"""Qualities: user text shown literally, read-only stores, tiny terminals, help, Today."""

from __future__ import annotations

from textual.widgets import Static

from dualrole.core.models import FollowUpIn, ProspectIn
from dualrole.services import sales
from dualrole.storage.db import open_memory
from dualrole.tui.app import DualroleApp
from dualrole.tui.areas.sales.prospect import ProspectScreen
from dualrole.tui.areas.today.screen import TodayScreen
from dualrole.tui.dialogs.forms import FormScreen
from dualrole.tui.dialogs.help import HelpScreen
from dualrole.tui.widgets.paged_list import PagedList

SIZE = (100, 32)
NASTY = "[bold]Acme[/b] [@click=app.quit]x[/] \x1b[31mred"


async def test_markup_and_escape_sequences_show_literally(demo, lines):
    data = ProspectIn(name="P", company="[red]Co", notes="[@click=app.quit]click me")
    # As an older release kept it: a one-line field refuses control characters now.
    prospect = sales.create_prospect(demo, data.model_copy(update={"name": NASTY}))
    app = DualroleApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "slash", *"acme")
        await pilot.pause()
        prospects = app.screen.query_one("#prospects", PagedList)
        assert prospects.row_count == 1
        shown = lines(prospects)[1]
        assert shown.startswith("[bold]Acme[/b] [@click=ap")  # the column cuts the rest
        assert "[red]Co" in shown
        await pilot.press("enter", "enter")  # leave the search box, then open the row
        await pilot.pause()
        assert isinstance(app.screen, ProspectScreen)
        details = str(app.screen.query_one("#prospect-details", Static).content)
        assert "[bold]Acme[/b] [@click=app.quit]x[/] ␛[31mred" in details
        await pilot.click("#prospect-notes")
        await pilot.pause()
        assert app.is_running, "a note's [@click=app.quit] must not quit the app"
    assert sales.get_prospect(demo, prospect.id).name == NASTY


async def test_read_only_store_blocks_writes_with_a_sentence(monkeypatch):
    said: list[str] = []
    notify = DualroleApp.notify

    def heard(self: DualroleApp, message: str, **kwargs: object) -> None:
        said.append(str(message))
        notify(self, message, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(DualroleApp, "notify", heard)
    store = open_memory()
    store.read_only_reason = "demo.db is read-only (file or folder permissions)."
    app = DualroleApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormScreen)
        await pilot.press(*"Ada", "ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "read-only" in str(form.query_one("#form-error", Static).content)
        assert any("read-only" in message for message in said)
    store.read_only_reason = None
    assert store.scalar("SELECT count(*) FROM prospects") == 0


async def test_tiny_and_resized_terminals_raise_nothing(app):
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("t", "s", "enter", "escape", "2", "3", "m", "2", "w", "t"):
            await pilot.press(key)
            await pilot.pause()
        for size in ((40, 12), (20, 6), (8, 3), (1, 1), (120, 36)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.press("s", "down", "t", "down")
            await pilot.pause()
        assert app.is_running


async def test_help_lists_every_key_of_the_screen(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = dict(app.screen.keys)
        descriptions = " ".join(keys.values())
        for wanted in ("New", "Done", "Search", "Filters", "Delete", "Undo", "Log", "Stage"):
            assert wanted in descriptions
        assert "Feedback" in descriptions and "Follow-up" in descriptions
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_today_done_ticks_off_the_followup_and_offers_the_next(demo, lines):
    prospect = sales.create_prospect(demo, ProspectIn(name="Aardvark Today"))
    followup = sales.create_followup(
        demo, FollowUpIn(prospect_id=prospect.id, title="Call back", due_date="2026-11-01")
    )
    app = DualroleApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
        right = app.screen.query_one("#today-sales-list", PagedList)
        assert right.row.item.record_id == followup.id  # the most overdue comes first
        assert "Aardvark Today — Call" in lines(right)[1]
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
        assert all("Aardvark" not in line for line in lines(right))
    assert sales.get_followup(demo, followup.id).done_at is not None
