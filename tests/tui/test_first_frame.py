"""The first frame: Today's rows are drawn once, under the app's own styles."""

from collections import Counter

from dualrole.tui.app import DualroleApp
from dualrole.tui.widgets.paged_list import PagedList


async def test_todays_rows_are_drawn_once_for_the_first_frame(demo, monkeypatch, wait_until):
    """Textual styles the app only after drawing its first screen once (a frame it does
    not show); rows drawn under the unstyled app were all drawn again (app._area)."""
    drawn: Counter[tuple[str | None, str]] = Counter()
    draw_row = PagedList._draw_row

    def counted(self: PagedList, row: object, *args: object, **kwargs: object) -> object:
        if not kwargs.get("cursor"):
            drawn[self.id, repr(row)] += 1
        return draw_row(self, row, *args, **kwargs)

    monkeypatch.setattr(PagedList, "_draw_row", counted)
    app = DualroleApp(demo)
    async with app.run_test(size=(110, 32)) as pilot:
        sides = app.screen.query(PagedList)
        await wait_until(pilot, lambda: all(side.row_count for side in sides))
        await pilot.pause()
        assert {side for side, _ in drawn} == {"today-marketing-list", "today-sales-list"}
        twice = [key for key, times in drawn.items() if times > 1]
        assert twice == []
