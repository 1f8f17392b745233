"""While the owner reads Today, the other areas are built in the background, unseen."""

import asyncio
import gc
from dataclasses import replace

import pytest
from textual.color import Color
from textual.pilot import Pilot

from dualrole.core.enums import RecordKind
from dualrole.tui import startup
from dualrole.tui.app import DualroleApp
from dualrole.tui.areas.insights.screen import InsightsScreen
from dualrole.tui.areas.marketing.screen import MarketingScreen
from dualrole.tui.areas.review.screen import ReviewScreen
from dualrole.tui.areas.sales.prospect import ProspectScreen
from dualrole.tui.areas.sales.screen import SalesScreen
from dualrole.tui.areas.today.screen import TodayScreen
from dualrole.tui.navigation import OpenRecord


async def areas_built(app: DualroleApp) -> None:
    await asyncio.wait_for(app.areas_ready.wait(), timeout=60)


async def visit(pilot: Pilot[None], keys: str) -> None:
    """Press each area key in turn, letting the app finish each."""
    for key in keys:
        await pilot.press(key)
        await pilot.pause()


def calls_of(monkeypatch: pytest.MonkeyPatch, owner: type, name: str) -> list[object]:
    """Every call of ``owner.name`` from now on, as the object it was called on (the
    method still runs)."""
    calls: list[object] = []
    original = getattr(owner, name)

    def recorded(self: object, *args: object, **kwargs: object) -> object:
        calls.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(owner, name, recorded)
    return calls


def stack_of(app: DualroleApp, mode: str) -> list[object]:
    try:
        return list(app.get_screen_stack(mode))
    except KeyError:
        return []


async def test_areas_are_prepared_without_leaving_today(demo):
    app = DualroleApp(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await areas_built(app)  # every other area, one after the other
        assert app.current_mode == "today" and isinstance(app.screen, TodayScreen)
        shown = (("s", SalesScreen), ("m", MarketingScreen), ("w", ReviewScreen))
        for key, kind in (*shown, ("I", InsightsScreen)):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, kind)
        await pilot.press("s")
        await pilot.pause()
        prospects = app.screen.query_one("#prospects")
        assert prospects.row_count == 60  # loaded when shown, not stale from the build


async def test_a_built_area_is_drawn_before_it_is_first_shown(demo, monkeypatch):
    """Its first showing then paints from Textual's caches: no row is worked out again,
    not even the cursor's (``textual_compat.draw_hidden``; nothing was written since, so
    the list is not repainted)."""
    from dualrole.tui.areas.sales import screen as sales

    names: list[str] = []
    name, *others = sales.PROSPECT_COLUMNS
    counted = replace(name, render=lambda row: names.append(row.name) or row.name)
    monkeypatch.setattr(sales, "PROSPECT_COLUMNS", [counted, *others])
    app = DualroleApp(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await areas_built(app)
        prospects = app.get_screen_stack("sales")[0].query_one("#prospects")
        assert prospects.size.height > 20  # laid out while hidden
        assert len(names) > 20  # and its rows drawn
        names.clear()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SalesScreen)
        assert names == []


async def test_a_built_area_is_shown_at_once_with_fresh_data(demo, monkeypatch):
    """Textual holds the paints of a mode switch for 50 ms (``delay_update``); a built area
    is held only until its screen has read its data (``DualroleApp._show_area``)."""
    from textual.app import App

    from dualrole.core.models import ProspectIn
    from dualrole.services.sales import create_prospect

    held: list[float] = []
    monkeypatch.setattr(App, "delay_update", lambda _app, delay=0.05: held.append(delay))
    app = DualroleApp(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await areas_built(app)
        await visit(pilot, "smwt")
        assert held == []
        create_prospect(demo, ProspectIn(name="Written while on Today"))
        await pilot.press("s")
        await pilot.pause()
        assert app.screen.query_one("#prospects").row_count == 61
        status = app.screen.query_one("#prospect-filters").render()
        assert str(status).startswith("61 prospects")


async def test_the_palette_and_a_record_opened_in_its_area_switch_the_same_way(
    demo, monkeypatch, wait_until
):
    from textual.app import App

    from dualrole.core.enums import RecordKind
    from dualrole.tui.areas.marketing.promotion import PromotionScreen
    from dualrole.tui.navigation import OpenRecord

    held: list[float] = []
    monkeypatch.setattr(App, "delay_update", lambda _app, delay=0.05: held.append(delay))
    promotion_id = demo.query("SELECT id FROM promotions LIMIT 1")[0]["id"]
    app = DualroleApp(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await areas_built(app)
        app.run_in_mode("sales", None)  # a palette entry
        await wait_until(pilot, lambda: isinstance(app.screen, SalesScreen))
        app.post_message(OpenRecord(RecordKind.promotion, promotion_id, in_area=True))
        await wait_until(pilot, lambda: isinstance(app.screen, PromotionScreen))
        assert app.current_mode == "marketing"
        assert held == []


async def test_an_area_opened_before_its_build_keeps_textuals_hold(demo, monkeypatch):
    from textual.app import App

    held: list[float] = []
    monkeypatch.setattr(App, "delay_update", lambda _app, delay=0.05: held.append(delay))
    monkeypatch.setattr(DualroleApp, "_prepare_next_area", lambda _app: None)
    app = DualroleApp(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MarketingScreen)
        assert held == [0.05]  # built now: not painted half-done


async def test_showing_an_area_again_restyles_none_of_its_widgets(demo, monkeypatch):
    """A mode switch asks the screen to re-style every widget (``update_node_styles``);
    nothing needs it (a theme change is covered by
    test_a_theme_change_reaches_the_areas_built_before_it)."""
    from textual.screen import Screen

    restyled = calls_of(monkeypatch, Screen, "update_node_styles")
    app = DualroleApp(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await areas_built(app)
        for keys in ("smwt", "smwtsm"):  # shown once (Review sets its width class), then again
            restyled.clear()
            await visit(pilot, keys)
        assert restyled == []


async def test_no_full_restyle_to_start_or_open_an_area(demo, monkeypatch):
    """Textual re-parses and re-applies every style for a mode's new screen unless told it
    is current (startup.area_screen); this guards that private step against a Textual upgrade."""
    calls = calls_of(monkeypatch, DualroleApp, "refresh_css")
    app = DualroleApp(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await areas_built(app)
        await visit(pilot, "smwt")
        assert calls == []


async def test_building_and_opening_the_areas_parses_no_css_again(demo, monkeypatch):
    """Every screen's .tcss goes into the app's one stylesheet (DualroleApp.CSS_PATH, then
    startup.deferred_css_paths): a screen bringing its own made Textual re-parse all the
    app's CSS and re-style every widget on its first build."""
    from textual.css.stylesheet import Stylesheet

    reparsed = calls_of(monkeypatch, Stylesheet, "reparse")
    app = DualroleApp(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await areas_built(app)
        await visit(pilot, "smwIt")
        assert reparsed == []


async def test_the_areas_styles_are_read_after_the_first_frame(demo, monkeypatch, wait_until):
    """The start parses only the first frame's styles; a record's page opened from Today
    before any area is built still gets the areas' styles, and Today is not re-styled."""
    from textual.css.stylesheet import Stylesheet

    monkeypatch.setattr(DualroleApp, "_preload", lambda self: None)  # nothing built unseen
    deferred_css = [str(path) for path in startup.deferred_css_paths()]
    prospect_id = int(demo.scalar("SELECT min(id) FROM prospects"))
    app = DualroleApp(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert not any(app.stylesheet.has_source(path) for path in deferred_css)
        restyled = calls_of(monkeypatch, Stylesheet, "update")  # every widget of the app
        app.post_message(OpenRecord(RecordKind.prospect, prospect_id))
        await wait_until(pilot, lambda: isinstance(app.screen, ProspectScreen))
        await pilot.pause()
        assert all(app.stylesheet.has_source(path) for path in deferred_css)
        sales = Color.parse(app.get_css_variables()["sales"])
        _, color = app.screen.query_one("#prospect-left").styles.border_top
        assert color == sales  # areas.tcss: "#prospect-left { border: round $sales; }"
        assert restyled == []


async def test_a_dialog_opened_first_from_today_has_its_styles(demo, monkeypatch, wait_until):
    """The dialogs' styles are read after the first frame too (dialogs/dialogs.tcss); the
    first dialog pushed, on Today with no area built, still has them."""
    from dualrole.tui.dialogs.help import HelpScreen

    monkeypatch.setattr(DualroleApp, "_preload", lambda self: None)  # nothing built unseen
    app = DualroleApp(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.pause()
        accent = Color.parse(app.get_css_variables()["accent"])
        _, color = app.screen.query_one("#help-box").styles.border_top
        assert color == accent  # "#help-box { border: thick $accent; }"
        styles = app.screen.styles
        assert (styles.align_horizontal, styles.align_vertical) == ("center", "middle")


async def test_a_theme_change_reaches_the_areas_built_before_it(demo):
    app = DualroleApp(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await areas_built(app)
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
        async with app.run_test(size=(100, 30)):
            await areas_built(app)
            assert isinstance(app.get_screen_stack("review")[0], ReviewScreen)
            assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


async def test_no_area_is_built_once_the_app_is_shutting_down(demo, monkeypatch):
    """The building timer can fire while Textual closes the screens (seen in the suite:
    "dictionary changed size during iteration" as the screens were closed)."""
    before_shutdown = DualroleApp.before_shutdown
    built: list[str] = []

    async def timer_fires_then(self: DualroleApp) -> None:
        await before_shutdown(self)
        before = {mode for mode in self.MODES if stack_of(self, mode)}
        self._prepare_next_area()
        built.extend({mode for mode in self.MODES if stack_of(self, mode)} - before)

    monkeypatch.setattr(DualroleApp, "before_shutdown", timer_fires_then)
    app = DualroleApp(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
    assert built == []


@pytest.mark.parametrize("stage", range(5))
async def test_quitting_at_every_stage_of_the_build_is_clean(demo, monkeypatch, stage):
    """Quit right as the background build reaches ``stage`` (0: at once;
    1-4: while the 1st/2nd/3rd/4th area's screen is still mounting). It once crashed at the end
    of a test ("NoMatches: 'Underline' on ContentTabs", "No Tab with id ...")."""
    reached = asyncio.Event()
    starts: list[str] = []
    original = startup.build_mode_screen

    def counted(app: DualroleApp, mode: str) -> object:
        starts.append(mode)
        mounting = original(app, mode)
        if len(starts) == stage:
            reached.set()
        return mounting

    monkeypatch.setattr(startup, "build_mode_screen", counted)
    if stage == 0:
        reached.set()  # at once: the areas' modules are still being imported
    app = DualroleApp(demo)
    async with app.run_test(size=(100, 30)):
        await asyncio.wait_for(reached.wait(), timeout=60)
    assert app.return_code in (0, None)
    assert len(starts) >= stage


def test_an_untested_textual_version_is_warned_about(monkeypatch):
    import importlib.metadata

    from dualrole.tui import textual_compat

    textual_compat.check_textual_version.cache_clear()
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "99.0.0")
    with pytest.warns(RuntimeWarning, match="not 99.0.0"):
        assert textual_compat.check_textual_version() == "99.0.0"
    textual_compat.check_textual_version.cache_clear()
    monkeypatch.undo()
    assert textual_compat.check_textual_version().startswith(textual_compat.TESTED_WITH + ".")
