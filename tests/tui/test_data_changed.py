"""One data-changed signal (``tui/data_changes.py``): a write anywhere — in the app, from the
shell, by another process — refreshes the screen in view without a key press, and each
hidden area when it is next shown; no screen refreshes itself by hand after a write."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

import dualrole.tui.areas as areas_package
from dualrole.core.enums import Side
from dualrole.core.models import ProspectIn
from dualrole.services import sales
from dualrole.services.focus import start_focus, stop_focus
from dualrole.storage.db import open_store
from dualrole.tui.app import DualroleApp
from dualrole.tui.areas import AREAS
from dualrole.tui.areas.base import AreaScreen
from dualrole.tui.areas.marketing.screen import MarketingScreen
from dualrole.tui.areas.today.screen import TodayScreen
from dualrole.tui.widgets.paged_list import PagedList
from dualrole.tui.widgets.topbar import TopBar

SIZE = (120, 36)


async def areas_built(app: DualroleApp) -> None:
    await asyncio.wait_for(app.areas_ready.wait(), timeout=60)


def refreshes(monkeypatch: pytest.MonkeyPatch, owner: type[AreaScreen]) -> list[AreaScreen]:
    """Every ``owner.refresh_data`` call from now on (the method still runs)."""
    calls: list[AreaScreen] = []
    original = owner.refresh_data

    def counted(self: AreaScreen) -> None:
        calls.append(self)
        original(self)

    monkeypatch.setattr(owner, "refresh_data", counted)
    return calls


async def test_a_write_from_another_process_shows_without_a_key(demo_path: Path, wait_until):
    """A second connection on the same file (as ``dualrole`` in a shell, or a sync) adds a
    prospect; the Sales list in view shows it with no key pressed."""
    with open_store(demo_path) as store:
        app = DualroleApp(store)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("s")
            await pilot.pause()
            prospects = app.screen.query_one("#prospects", PagedList)
            before = prospects.row_count
            with open_store(demo_path) as elsewhere:
                sales.create_prospect(elsewhere, ProspectIn(name="Written by the shell"))
            await wait_until(pilot, lambda: prospects.row_count == before + 1, timeout=30)
            status = str(app.screen.query_one("#prospect-filters").render())
            assert status.startswith(f"{before + 1} prospects")


async def test_a_focus_session_started_from_the_shell_shows_in_the_top_bar(
    demo_path: Path, wait_until
):
    with open_store(demo_path) as store:
        app = DualroleApp(store)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            bar = app.screen.query_one(TopBar)
            assert "sales focus" not in str(bar.render())
            with open_store(demo_path) as elsewhere:
                start_focus(elsewhere, Side.sales)
            await wait_until(pilot, lambda: "sales focus" in str(bar.render()), timeout=30)
            with open_store(demo_path) as elsewhere:
                stop_focus(elsewhere)
            await wait_until(pilot, lambda: "sales focus" not in str(bar.render()), timeout=30)


async def test_a_write_in_the_app_refreshes_the_other_areas_as_they_are_shown(
    demo, monkeypatch, wait_until, lines
):
    """A task ticked off in Marketing leaves Marketing's list at once (no refresh by hand)
    and Today's when Today is shown again; hidden areas are not refreshed meanwhile."""
    app = DualroleApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await areas_built(app)
        for key in "m4":
            await pilot.press(key)
            await pilot.pause()
        tasks = app.screen.query_one("#list-tasks", PagedList)
        tasks.focus()
        await pilot.pause()
        title = str(tasks.row.title)
        today = app.get_screen_stack("today")[0]
        assert isinstance(today, TodayScreen)
        agenda = today.query_one("#today-marketing-list", PagedList)
        assert any(title in line for line in lines(agenda))
        in_today = refreshes(monkeypatch, TodayScreen)
        in_marketing = refreshes(monkeypatch, MarketingScreen)

        def done_in_the_list() -> bool:  # done tasks are listed after the open ones
            rows = [tasks.row_at(i) for i in range(tasks.row_count)]
            return any(r is not None and r.title == title and r.done_at for r in rows)

        await pilot.press("d")
        await wait_until(pilot, done_in_the_list)
        assert demo.scalar("SELECT done_at FROM marketing_tasks WHERE title = ?", (title,))
        assert len(in_marketing) == 1 and in_today == []  # Today is hidden: not yet

        await pilot.press("t")
        await pilot.pause()
        assert app.screen is today and len(in_today) == 1
        await wait_until(
            pilot,
            lambda: (
                not any(title in line for line in lines(today.query_one("#today-marketing-list")))
            ),
        )
        await pilot.press("m")  # nothing written since Marketing last read it: no refresh
        await pilot.pause()
        assert len(in_marketing) == 1


async def test_a_hidden_area_with_nothing_new_is_not_refreshed(demo, monkeypatch):
    app = DualroleApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await areas_built(app)
        for key in "smwIt":
            await pilot.press(key)
            await pilot.pause()
        counters = [
            refreshes(monkeypatch, type(app.get_screen_stack(area.mode)[0])) for area in AREAS
        ]
        for key in "smwIt":
            await pilot.press(key)
            await pilot.pause()
        assert [type(s).__name__ for calls in counters for s in calls] == []


def test_no_screen_refreshes_by_hand_but_a_deliberate_few():
    """``refresh_data()`` is called by the data-changed signal (``AreaScreen.catch_up``);
    a screen calls it itself only for another view (week, period) or the owner's ``r``,
    and ``catch_up()`` only where the next line needs the new rows — each saying so."""
    root = Path(areas_package.__file__).parent
    calls: list[str] = []
    for path in sorted(root.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not re.search(r"\.(refresh_data|catch_up)\(\)", line) or "def " in line:
                continue
            if path.name == "base.py":
                continue  # the signal's own calls (catch_up, ScreenResume)
            where = f"{path.relative_to(root)}:{number}"
            calls.append(where if "# deliberate" in line else f"{where} (no reason given)")
    assert [c for c in calls if c.endswith("(no reason given)")] == []
    assert len(calls) <= 7, calls
