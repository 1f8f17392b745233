"""The first frame: Today is drawn once, its rows under the app's own styles."""

from collections import Counter
from dataclasses import replace

from dualrole.tui.app import DualroleApp
from dualrole.tui.areas.today import screen as today
from dualrole.tui.widgets.paged_list import PagedList


async def test_todays_rows_are_drawn_once_for_the_first_frame(demo, monkeypatch, wait_until):
    """Textual styles the app only after drawing its first screen once (a frame it does
    not show); rows drawn under the unstyled app were all drawn again (startup.area_screen)."""
    drawn: Counter[str] = Counter()
    label, when = today.COLUMNS

    def counted(row: today.AgendaLine) -> object:
        drawn[repr(row)] += 1
        return when.render(row)

    monkeypatch.setattr(today, "COLUMNS", [label, replace(when, render=counted)])
    app = DualroleApp(demo)
    async with app.run_test(size=(110, 32)) as pilot:
        sides = list(app.screen.query(PagedList))
        await wait_until(pilot, lambda: all(side.row_count for side in sides))
        await pilot.pause()
        assert len(drawn) > 10  # both sides' rows (headings are drawn from the label)
        cursors = {repr(side.row) for side in sides}  # drawn in every frame
        twice = [row for row, times in drawn.items() if times > 1 and row not in cursors]
        assert twice == []


async def test_today_is_the_default_screen_and_a_mode_like_the_others(demo):
    """Today is Textual's default screen (DualroleApp.get_default_screen), not one of MODES:
    Textual's start waited for a MODES screen inside its start-up batch, so Today was laid
    out and drawn once in a frame never shown, then again (on a terminal: ~30 ms of the
    start; the bench measures it). ``t`` still switches back to that same screen."""
    app = DualroleApp(demo)
    async with app.run_test(size=(110, 32)) as pilot:
        first = app.screen
        assert isinstance(first, today.TodayScreen)
        assert app.current_mode == "today" and "today" not in app.MODES
        await pilot.press("s")
        assert app.current_mode == "sales"
        await pilot.press("t")
        assert app.current_mode == "today"
        assert app.screen is first and app.get_screen_stack("today") == [first]
