"""While the owner reads Today, the other areas are built in the background, unseen."""

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
