"""Contacts import from the Sales screen (``i``) and the palette; the prospects list refreshes."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.widgets import Input

from dualrole.core.models import ProspectIn
from dualrole.services import marketing, sales
from dualrole.storage.db import Store
from dualrole.tui.app import DualroleApp
from dualrole.tui.areas.sales.import_contacts import ImportContactsScreen
from dualrole.tui.areas.sales.screen import SalesScreen
from dualrole.tui.commands import ACTIONS
from dualrole.tui.widgets.paged_list import PagedList

SAMPLE = Path(__file__).parents[1] / "interop" / "samples" / "linkedin_Connections.csv"
SIZE = (100, 32)


async def test_i_imports_contacts_and_the_list_shows_them(demo: Store, tmp_path: Path) -> None:
    path = tmp_path / "Connections.csv"
    shutil.copy(SAMPLE, path)
    app = DualroleApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SalesScreen)
        before = screen.query_one("#prospects", PagedList).row_count
        await pilot.press("i")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ImportContactsScreen)
        dialog.query_one("#path", Input).value = str(path)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one("#prospects", PagedList).row_count == before + 4
        assert f"{before + 4:,} prospects" in str(screen.query_one("#prospect-filters").content)


async def test_escape_closes_the_dialog_and_keeps_the_list(demo: Store) -> None:
    app = DualroleApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "i")
        await pilot.pause()
        assert isinstance(app.screen, ImportContactsScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SalesScreen)


def test_the_palette_lists_the_import() -> None:
    assert ("sales: Import contacts", "sales", "import_contacts") in ACTIONS


async def test_segment_filter_shows_the_segment_name(demo: Store) -> None:
    segment_name, segment_id = marketing.segment_choices(demo)[0]
    sales.create_prospect(demo, ProspectIn(name="Segment Person", segment_id=segment_id))
    app = DualroleApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SalesScreen)
        screen.filters.segment_id = segment_id
        screen._apply_filters()
        await pilot.pause()
        status = str(screen.query_one("#prospect-filters").content)
        assert f"segment: {segment_name}" in status
        assert f"#{segment_id}" not in status
