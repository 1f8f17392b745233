"""Each area is one folder and one declaration (``tui/areas/<area>/__init__.py``); the app's
modes, keys, start-up, styles, pages, palette and screenshots all follow from it."""

from __future__ import annotations

import asyncio

import pytest
from textual.screen import Screen

from dualrole.core.enums import RecordKind
from dualrole.tui import startup
from dualrole.tui.app import DualroleApp
from dualrole.tui.areas import AREAS, FIRST, area_of, page_of
from dualrole.tui.areas.insights.screen import InsightsScreen
from dualrole.tui.commands import ACTIONS
from dualrole.tui.screenshots import SHOTS


@pytest.mark.parametrize("area", AREAS, ids=lambda a: a.mode)
def test_every_declared_area_resolves(area):
    """Its screen, its pages and its styles are where the declaration says."""
    screen = area.screen()
    assert issubclass(screen, Screen)
    assert area.folder.name == area.mode and (area.folder / "__init__.py").is_file()
    assert screen.__module__.startswith(f"dualrole.tui.areas.{area.mode}.")
    for path in area.style_paths():
        assert path.is_file(), path
        assert path.parent == area.folder.absolute()
    for page in area.pages:
        assert issubclass(page.page(), Screen)  # type: ignore[arg-type]
    assert area_of(area.mode) is area


def test_the_areas_modes_keys_and_record_kinds_are_unique():
    assert len({a.mode for a in AREAS}) == len({a.key for a in AREAS}) == len(AREAS)
    kinds = [page.kind for area in AREAS for page in area.pages]
    assert sorted(kinds) == sorted(RecordKind)  # every kind has exactly one page
    for kind in RecordKind:
        area, page = page_of(kind)
        assert page in area.pages


def test_the_app_derives_its_modes_keys_palette_styles_and_shots_from_the_areas():
    assert FIRST.mode == DualroleApp.DEFAULT_MODE
    assert set(DualroleApp.MODES) == {a.mode for a in AREAS} - {FIRST.mode}
    keys = {b.key: b.action for b in DualroleApp.BINDINGS if not isinstance(b, tuple)}
    for area in AREAS:
        assert keys[area.key] == f"area({area.mode!r})"
        assert (area.go_label, area.mode, None) in ACTIONS
        for entry in area.palette:
            assert (entry.label, area.mode, entry.action) in ACTIONS
        for name, keys_pressed in area.shots:
            assert SHOTS[name] == keys_pressed
    deferred = startup.deferred_css_paths()
    assert all(path in deferred for area in AREAS for path in area.style_paths())
    assert all(path.is_file() for path in deferred)


async def test_insights_is_built_in_the_background_like_the_others(demo):
    """The build order once named three areas and left Insights to be built on its key."""
    app = DualroleApp(demo)
    async with app.run_test(size=(100, 30)):
        await asyncio.wait_for(app.areas_ready.wait(), timeout=60)
        built = {area.mode for area in AREAS if area.background_build}
        assert built == set(app.MODES)
        for mode in built:
            assert len(app.get_screen_stack(mode)) == 1
        assert isinstance(app.get_screen_stack("insights")[0], InsightsScreen)
