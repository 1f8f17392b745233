"""The first frame: Today's rows are drawn once, under the app's own styles."""

from collections import Counter
from dataclasses import replace

from dualrole.tui.app import DualroleApp
from dualrole.tui.screens import today
from dualrole.tui.widgets.paged_list import PagedList


async def test_todays_rows_are_drawn_once_for_the_first_frame(demo, monkeypatch, wait_until):
    """Textual styles the app only after drawing its first screen once (a frame it does
    not show); rows drawn under the unstyled app were all drawn again (app._area)."""
    drawn: Counter[str] = Counter()
    label, when = today.COLUMNS

    def counted(row: dict[str, object]) -> object:
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
