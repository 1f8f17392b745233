"""The paged list reads only the pages it shows, and has End's page ready once it is shown."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from rich.style import Style
from textual.app import App, ComposeResult
from textual.color import Color
from textual.strip import Strip

from dualrole.core.dates import clock
from dualrole.storage.db import Store, open_memory
from dualrole.tui.theme import ROLE_VARIABLES
from dualrole.tui.widgets.paged_list import Column, PagedList, RowsSource


class CountingSource:
    """``rows`` rows, recording each page read (its offset)."""

    def __init__(self, rows: int) -> None:
        self.rows = [{"n": n} for n in range(rows)]
        self.reads: list[int] = []
        self.counts = 0

    def count(self, store: Store) -> int:
        self.counts += 1
        return len(self.rows)

    def page(self, store: Store, offset: int, limit: int) -> list[Any]:
        self.reads.append(offset)
        return self.rows[offset : offset + limit]


class OneList(App[None]):
    def __init__(self, source: CountingSource, paged: PagedList | None = None) -> None:
        super().__init__()
        self.source = source
        self.paged = paged

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return {**super().get_theme_variable_defaults(), **ROLE_VARIABLES}

    def compose(self) -> ComposeResult:
        yield self.paged or PagedList(open_memory(), self.source, [Column("n", lambda r: r["n"])])


async def test_end_needs_no_read_once_the_list_has_been_shown(wait_until):
    source = CountingSource(1_000)
    app = OneList(source)
    async with app.run_test(size=(40, 12)) as pilot:
        assert source.reads == [0]  # only what is on screen
        # the last page is read a moment after the list is shown
        await wait_until(pilot, lambda: len(source.reads) > 1)
        assert source.reads == [0, 900]
        await pilot.press("end")
        await pilot.pause()
        paged = app.query_one(PagedList)
        assert paged.row is not None and paged.row["n"] == 999
        assert source.reads == [0, 900]


async def test_a_list_shown_again_reads_its_last_page_for_end(wait_until):
    source = CountingSource(1_000)
    app = OneList(source)
    async with app.run_test(size=(40, 12)) as pilot:
        await wait_until(pilot, lambda: source.reads == [0, 900])
        paged = app.query_one(PagedList)
        paged.set_query(source)  # a new filter: its first page only
        await pilot.pause()
        assert source.reads == [0, 900, 0]
        paged.reload()  # its screen shown again, nothing written: the pages are kept …
        await wait_until(pilot, lambda: len(source.reads) > 3)
        assert source.reads == [0, 900, 0, 900]  # … and the last one is read a moment later
        await pilot.press("end")
        await pilot.pause()
        assert paged.row is not None and paged.row["n"] == 999
        assert source.reads == [0, 900, 0, 900]


async def test_a_short_list_reads_one_page():
    source = CountingSource(60)
    app = OneList(source)
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        await pilot.press("end")
        await pilot.pause()
        assert source.reads == [0]


class LineRecordingList(PagedList):
    """Records which lines are drawn."""

    drawn: list[int] = []

    def render_line(self, y: int) -> Strip:
        self.drawn.append(y)
        return super().render_line(y)


async def test_a_cursor_step_redraws_only_the_two_lines_that_changed(wait_until):
    source = CountingSource(1_000)
    paged = LineRecordingList(open_memory(), source, [Column("n", lambda r: r["n"])])
    paged.drawn = []
    app = OneList(source, paged)
    async with app.run_test(size=(40, 12)) as pilot:
        await wait_until(pilot, lambda: source.reads == [0, 900] and paged.drawn)
        await pilot.pause()
        paged.drawn.clear()
        await pilot.press("down")
        await wait_until(pilot, lambda: paged.drawn)
        await pilot.pause()
        # line 0 is the header; the cursor went from the row on line 1 to the row on line 2
        assert sorted(set(paged.drawn)) == [1, 2]
        assert paged.row is not None and paged.row["n"] == 1


async def test_a_list_shown_again_reads_nothing_unless_something_was_written(wait_until):
    source = CountingSource(1_000)
    app = OneList(source)
    async with app.run_test(size=(40, 12)) as pilot:
        await wait_until(pilot, lambda: source.reads == [0, 900])
        paged = app.query_one(PagedList)
        await pilot.press("down")
        counts = source.counts
        paged.reload()  # what a screen does each time it is shown
        await pilot.pause()
        assert (source.counts, source.reads) == (counts, [0, 900])
        assert paged.row is not None and paged.row["n"] == 1

        paged.store.conn.execute("CREATE TEMP TABLE written (x)")
        paged.store.conn.execute("INSERT INTO written VALUES (1)")
        paged.reload()
        await wait_until(pilot, lambda: source.reads[2:] == [0])
        assert source.counts == counts + 1
        assert paged.row is not None and paged.row["n"] == 1  # the cursor stays


class DrawCountingList:
    """A one-column list over ``CountingSource`` whose cells say the day and record which
    rows are drawn; odd rows are styled "overdue"."""

    def __init__(self, rows: int) -> None:
        self.source = CountingSource(rows)
        self.drawn: list[int] = []
        self.paged = PagedList(
            open_memory(),
            self.source,
            [Column("n", self.cell, style=lambda r: "overdue" if r["n"] % 2 else None)],
        )

    def cell(self, row: dict[str, int]) -> str:
        self.drawn.append(row["n"])
        return f"{row['n']} {clock.today():%d %b}"


async def test_a_list_shown_again_is_repainted_only_on_a_new_day(monkeypatch, lines):
    """Nothing written and the same day: a screen shown again repaints none of its list
    (each repaint went through Textual's per-line work, ~5 ms a switch); the dates shown are
    relative to today, so a new day repaints it."""
    monkeypatch.setenv("DUALROLE_NOW", "2026-11-20T10:00:00")
    rows = DrawCountingList(50)
    app = OneList(rows.source, rows.paged)
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        painted: list[object] = []
        render_lines = rows.paged.render_lines

        def counted(crop: object) -> list[Strip]:
            painted.append(crop)
            return render_lines(crop)

        monkeypatch.setattr(rows.paged, "render_lines", counted)
        rows.paged.reload()  # what a screen does each time it is shown
        await pilot.pause()  # ends with a compositor refresh: a repaint asked for is done
        assert painted == []

        monkeypatch.setenv("DUALROLE_NOW", "2026-11-21T10:00:00")
        rows.paged.reload()
        await pilot.pause()
        assert painted
        assert lines(rows.paged)[2].startswith("1 21 Nov")


async def test_paging_back_draws_only_the_cursor_row_again(wait_until):
    rows = DrawCountingList(1_000)
    app = OneList(rows.source, rows.paged)
    async with app.run_test(size=(40, 12)) as pilot:  # 11 rows below the header
        await wait_until(pilot, lambda: rows.source.reads == [0, 900])
        await pilot.press("pagedown")
        await wait_until(pilot, lambda: 11 in rows.drawn)
        await pilot.pause()
        rows.drawn.clear()
        await pilot.press("pageup")
        await wait_until(pilot, lambda: rows.drawn)
        await pilot.pause()
        assert rows.drawn == [0]  # rows 1–10 were drawn before; the cursor's row is drawn anew


async def test_end_draws_only_the_cursor_row_once_the_list_has_been_shown(wait_until, lines):
    """The rows End shows are drawn with the last page, a moment after the list is shown."""
    rows = DrawCountingList(1_000)
    app = OneList(rows.source, rows.paged)
    async with app.run_test(size=(40, 12)) as pilot:  # 11 rows below the header
        await wait_until(pilot, lambda: {989, 999} <= set(rows.drawn))
        await pilot.pause()
        rows.drawn.clear()
        await pilot.press("end")
        await wait_until(pilot, lambda: rows.drawn)
        await pilot.pause()
        assert rows.drawn == [999]
        assert rows.paged.row is not None and rows.paged.row["n"] == 999
        shown = lines(rows.paged)
        assert [line.split()[0] for line in shown[1:]] == [str(n) for n in range(989, 1000)]
        thumb = rows.paged.get_component_rich_style("paged-list--thumb")
        last_cell = list(rows.paged.render_line(11))[-1]
        assert last_cell.style == thumb  # the scroll indicator is at the bottom


async def test_equal_rows_given_again_are_not_drawn_again(wait_until, lines):
    """Today gives its lists a new ``RowsSource`` on each showing: equal rows are not
    repainted, other rows are drawn."""
    drawn: list[int] = []

    def cell(row: dict[str, int]) -> str:
        drawn.append(row["n"])
        return str(row["n"])

    def rows(*numbers: int) -> RowsSource:
        return RowsSource([{"n": n} for n in numbers])

    paged = PagedList(open_memory(), rows(0, 1, 2, 3, 4), [Column("n", cell)])
    async with OneList(CountingSource(0), paged).run_test(size=(40, 12)) as pilot:
        await wait_until(pilot, lambda: set(drawn) == {0, 1, 2, 3, 4})
        await pilot.pause()
        drawn.clear()
        paged.refresh_query(rows(0, 1, 2, 3, 4))
        await pilot.pause()  # ends with a compositor refresh: a repaint asked for is done
        assert drawn == []  # not even the cursor's row: nothing is repainted
        paged.refresh_query(rows(0, 1, 7, 3, 4))
        await wait_until(pilot, lambda: 7 in drawn)
        assert [line.strip() for line in lines(paged)[1:6]] == ["0", "1", "7", "3", "4"]


async def test_rows_are_drawn_again_for_a_new_theme_day_width_or_write(wait_until, monkeypatch):
    rows = DrawCountingList(1_000)
    paged = rows.paged
    app = OneList(rows.source, paged)
    monkeypatch.setenv("DUALROLE_NOW", "2026-11-20T10:00:00")

    def shown(y: int) -> str:
        return "".join(segment.text for segment in paged.render_line(y))

    def first_style(y: int) -> Style | None:
        return next(iter(paged.render_line(y))).style

    async def drawn_again(change: Callable[[], object]) -> None:
        await pilot.pause()
        rows.drawn.clear()
        if inspect.isawaitable(done := change()):
            await done
        await wait_until(pilot, lambda: len(set(rows.drawn)) >= 11)  # every row in view

    async with app.run_test(size=(40, 12)) as pilot:
        await wait_until(pilot, lambda: rows.source.reads == [0, 900])
        dark = first_style(2)

        await drawn_again(lambda: setattr(app, "theme", "textual-light"))
        overdue = paged.get_component_rich_style("paged-list--overdue")
        assert first_style(2) != dark
        assert first_style(2).color == overdue.color  # row 1: "overdue"
        assert first_style(3).bgcolor == paged.rich_style.bgcolor

        # a theme that changes only the "overdue" colour (the list's own colours stay)
        app.register_theme(replace(app.current_theme, name="green-errors", error="#00ff00"))
        await drawn_again(lambda: setattr(app, "theme", "green-errors"))
        assert first_style(2).color == Color.parse("#00ff00").rich_color

        def next_day() -> None:
            monkeypatch.setenv("DUALROLE_NOW", "2026-11-21T10:00:00")
            paged.refresh()

        await drawn_again(next_day)
        assert shown(3).startswith("2 21 Nov")

        await drawn_again(lambda: pilot.resize_terminal(30, 12))
        assert len(shown(3)) == 30

        def write() -> None:
            rows.source.rows[2] = {"n": 2000}
            paged.store.conn.execute("CREATE TEMP TABLE written (x)")
            paged.store.conn.execute("INSERT INTO written VALUES (1)")
            paged.reload()

        await drawn_again(write)
        assert shown(3).startswith("2000 21 Nov")
