"""While the owner reads Today, the other areas are built in the background, unseen."""

import gc

import pytest
from textual.color import Color

from dualrole.tui.app import DualroleApp
from dualrole.tui.screens.marketing import MarketingScreen
from dualrole.tui.screens.review import ReviewScreen
from dualrole.tui.screens.sales import SalesScreen
from dualrole.tui.screens.today import TodayScreen


async def test_areas_are_prepared_without_leaving_today(demo):
    app = DualroleApp(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause(1.5)  # the three areas, 0.3 s apart
        assert app.current_mode == "today" and isinstance(app.screen, TodayScreen)
        for key, kind in (("s", SalesScreen), ("m", MarketingScreen), ("w", ReviewScreen)):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, kind)
        await pilot.press("s")
        await pilot.pause()
        prospects = app.screen.query_one("#prospects")
        assert prospects.row_count == 60  # loaded when shown, not stale from the build


async def test_no_full_restyle_to_start_or_open_an_area(demo, monkeypatch):
    """Textual re-parses and re-applies every style for a mode's new screen unless told it
    is current (app._area); this guards that private step against a Textual upgrade."""
    calls: list[str] = []
    original = DualroleApp.refresh_css

    def counted(self: DualroleApp, animate: bool = True) -> None:
        calls.append(self.current_mode)
        original(self, animate)

    monkeypatch.setattr(DualroleApp, "refresh_css", counted)
    app = DualroleApp(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause(1.5)
        for key in "smwt":
            await pilot.press(key)
            await pilot.pause()
        assert calls == []


async def test_a_theme_change_reaches_the_areas_built_before_it(demo):
    app = DualroleApp(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause(1.5)
        dark = app.screen.styles.background
        app.theme = "textual-light"
        await pilot.pause()
        assert app.screen.styles.background != dark
        for key in "smw":
            await pilot.press(key)
            await pilot.pause()
            assert app.screen.styles.background == Color.parse(
                app.get_css_variables()["background"]
            )


async def test_the_collector_paused_for_the_start_is_resumed(demo):
    gc.disable()  # as entry.run_app does
    try:
        app = DualroleApp(demo)
        async with app.run_test(size=(100, 30)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause(1.5)
            assert isinstance(app._screen_stacks["review"][0], ReviewScreen)
            assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


@pytest.mark.parametrize("after", [0.2, 0.45, 0.7, 0.95, 1.2])
async def test_quitting_while_the_areas_are_built_is_clean(demo, after):
    """Quitting mid-way must not race the building (it once crashed Textual's shutdown)."""
    app = DualroleApp(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(after)
        await pilot.press("q")
    assert app.return_code in (0, None)


async def test_no_area_is_built_once_the_app_is_shutting_down(demo, monkeypatch):
    """The building timer can fire while Textual closes the screens (seen in the suite:
    "dictionary changed size during iteration" in App._close_all)."""
    close_all = DualroleApp._close_all
    built: list[str] = []

    async def timer_fires_then(self: DualroleApp) -> None:
        before = set(self._screen_stacks)
        self._prepare_next_area()
        built.extend(set(self._screen_stacks) - before)
        await close_all(self)

    monkeypatch.setattr(DualroleApp, "_close_all", timer_fires_then)
    app = DualroleApp(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.1)
    assert built == []
