"""The app open on a file while the daily commands write to it: the change shows when the
screen is shown again, without a restart."""

from __future__ import annotations

from click.testing import CliRunner
from textual.widgets import Static

from dualrole.cli.main import cli
from dualrole.tui.app import DualroleApp
from dualrole.tui.areas.today.screen import TodayScreen
from dualrole.tui.dialogs.forms import FormScreen
from dualrole.tui.widgets.paged_list import PagedList, RowsSource

SIZE = (100, 32)


def labels(screen: TodayScreen) -> list[str]:
    source = screen.query_one("#today-sales-list", PagedList).query_
    assert isinstance(source, RowsSource)
    return [row.label.strip() for row in source.rows]


async def test_today_shows_what_the_shell_added(demo, demo_path, wait_until):
    app = DualroleApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
        assert not any("Zed Quinn" in label for label in labels(app.screen))
        db = ["--db", str(demo_path)]
        runner = CliRunner()
        assert runner.invoke(cli, [*db, "add", "Zed Quinn"]).exit_code == 0
        added = runner.invoke(cli, [*db, "follow-up", "zed quinn", "Call back", "--due", "today"])
        assert added.exit_code == 0, added.output
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("t")
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, TodayScreen)
                and "Zed Quinn — Call back" in labels(app.screen)
            ),
        )
        assert isinstance(app.screen, TodayScreen)
        assert "Zed Quinn — Call back" in labels(app.screen)


async def test_app_date_fields_read_the_shell_phrases(app, demo):
    """The forms read dates with the same parser as the commands ("next tue", "in 2 weeks")."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("4", "n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormScreen)
        await pilot.press(*"Print flyers", "tab", *"next tue")
        await pilot.pause()
        hint = str(form.query_one("#hint-due_date", Static).content)
        assert hint == "next tue → Tue 24 Nov 2026"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is not form
    due = demo.scalar("SELECT due_date FROM marketing_tasks WHERE title = 'Print flyers'")
    assert due == "2026-11-24"
