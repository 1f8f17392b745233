"""A virtual list over a paged query: only the rows in view are ever fetched.

:class:`PagedList` is a line-API widget (``render_line``). Its virtual height is
``ListQuery.count()``; rows come in pages of ``page_size`` from ``ListQuery.page()`` and a
few pages are cached, so it opens and scrolls as fast at 100,000 rows as at 100.

It keeps its own scroll position and draws its own one-column scroll indicator instead of
being a ``ScrollView``: a new query or a scroll then repaints this widget only, in the same
frame (a ScrollView's scrollbars re-layout the screen and repaint a frame later), and a
cursor step repaints just the two lines that changed. A row once drawn is kept until its
data or its look changes (width, day, styles), so paging back draws only the cursor's row.

Adding a list to a screen (its rows are the query's typed records)::

    COLUMNS: list[Column[ProspectRow]] = [
        Column("Name", lambda row: row.name),                    # flexible width
        Column("Value", lambda row: format_money(row.value_minor, row.currency), width=10,
               justify="right"),
    ]
    yield PagedList(store, prospects_query(store, ProspectFilter()), COLUMNS, id="prospects")

    @on(PagedList.Selected, "#prospects")       # enter or click on a row
    def open_prospect(self, event: PagedList.Selected) -> None: ...

Change the filter with ``set_query(new_query)`` (cursor to the top); after a write call
``reload()`` (same query, cursor kept). ``row`` is the highlighted row (the query's record,
e.g. a :class:`~dualrole.services.lists.ProspectRow`) or None.
Cells are always plain text (made visible with :func:`dualrole.tui.text.visible`, never
markup); ``Column.style`` / ``row_style`` return a component-class suffix such as
``"overdue"`` to colour a cell or the whole row.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Generic, Literal, Protocol, TypeVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from dualrole.core.dates import clock
from dualrole.storage.db import StorageError, Store
from dualrole.tui.text import visible

Row = TypeVar("Row")
"""One list's row: a query's record (``ProspectRow`` …) or an in-memory list's item."""
Row_co = TypeVar("Row_co", covariant=True)


class PageSource(Protocol[Row_co]):
    """What a list reads: a :class:`ListQuery`, or :class:`RowsSource` for small lists."""

    def count(self, store: Store) -> int: ...

    def page(self, store: Store, offset: int, limit: int) -> Sequence[Row_co]: ...


class RowsSource(Generic[Row]):
    """A short in-memory list (capped agenda sections, one prospect's follow-ups)."""

    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows

    def __eq__(self, other: object) -> bool:
        # Equal rows are the same list: a screen shown again keeps its drawn rows.
        return isinstance(other, RowsSource) and other.rows == self.rows

    def count(self, store: Store) -> int:
        return len(self.rows)

    def page(self, store: Store, offset: int, limit: int) -> list[Row]:
        return self.rows[offset : offset + limit]


@dataclass(frozen=True)
class Column(Generic[Row]):
    """One column: a title, how to turn a row into text, and its width (None = share)."""

    title: str
    render: Callable[[Row], object]
    width: int | None = None
    justify: Literal["left", "right"] = "left"
    style: Callable[[Row], str | None] | None = None
    ratio: int = 1  # share of the spare width among flexible columns
    fit: Callable[[Row, int], object] | None = None
    """Instead of ``render``: the text for a cell of this many columns (to choose what to
    drop when the room is short, rather than cutting the end off)."""
    give_way: int = 0
    """When the list is too narrow for every column (the flexible ones at ``min_width``),
    the column with the highest ``give_way`` is left out first; 0 = always shown."""
    min_width: int = 3
    """A flexible column's narrowest useful width (what ``give_way`` keeps for it)."""


STYLE_NAMES = (
    "header",
    "overdue",
    "today",
    "idle",
    "muted",
    "done",
    "marketing",
    "sales",
    "won",
    "lost",
)


class PagedList(Widget, Generic[Row], can_focus=True):
    """Rows of a :class:`ListQuery`, fetched a page at a time."""

    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False, id="list.up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="list.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("home", "first", "First", show=False, id="list.first"),
        Binding("end", "last", "Last", show=False, id="list.last"),
        Binding(
            "enter", "select", "Open", show=False, id="list.open", tooltip="Open the selected row"
        ),
    ]

    COMPONENT_CLASSES = {
        "paged-list--header",
        "paged-list--cursor",
        "paged-list--empty",
        "paged-list--heading",
        "paged-list--scrollbar",
        "paged-list--thumb",
        *(f"paged-list--{name}" for name in STYLE_NAMES),
    }

    DEFAULT_CSS = """
    PagedList {
        background: $surface;
        height: 1fr;
        & > .paged-list--heading { color: $foreground-muted; text-style: bold; }
        & > .paged-list--header { color: $foreground-muted; text-style: bold; }
        & > .paged-list--cursor { background: $panel-lighten-1; }
        &:focus > .paged-list--cursor { background: $block-cursor-background;
                                        color: $block-cursor-foreground; }
        & > .paged-list--empty { color: $foreground-muted; text-style: italic; }
        & > .paged-list--scrollbar { background: $scrollbar-background; }
        & > .paged-list--thumb { background: $scrollbar; }
        & > .paged-list--overdue { color: $error; }
        & > .paged-list--today { color: $warning; }
        & > .paged-list--idle { color: $warning; text-style: italic; }
        & > .paged-list--muted { color: $foreground-muted; }
        & > .paged-list--done { color: $foreground 40%; }
        & > .paged-list--marketing { color: $marketing; }
        & > .paged-list--sales { color: $sales; }
        & > .paged-list--won { color: $success; }
        & > .paged-list--lost { color: $foreground 40%; text-style: strike; }
    }
    """

    # repaint=False: ``watch_cursor`` repaints what changed (two lines, or the view when it
    # scrolls); the reactive's own repaint would redraw every line on each key.
    cursor: reactive[int] = reactive(0, init=False, always_update=True, repaint=False)
    """Index of the highlighted row (0-based, within the query's order)."""

    class Highlighted(Message):
        """The cursor moved to another row (``row`` is None when the list is empty)."""

        def __init__(self, paged_list: PagedList[Any], row: Any, index: int) -> None:
            super().__init__()
            self.paged_list = paged_list
            self.row = row
            """The row (the list's record), or None; typed ``Any`` as a message is not generic:
            a handler names the record it expects (``row: ProspectRow | None = event.row``)."""
            self.index = index

        @property
        def control(self) -> PagedList[Any]:
            return self.paged_list

    class Selected(Highlighted):
        """A row was chosen with enter or a click."""

    def __init__(
        self,
        store: Store,
        query: PageSource[Row],
        columns: list[Column[Row]],
        *,
        row_style: Callable[[Row], str | None] | None = None,
        skip: Callable[[Row], bool] | None = None,
        show_header: bool = True,
        empty_text: str = "Nothing here yet.",
        page_size: int = 100,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.store = store
        self.query_ = query
        self.columns = columns
        self.row_style = row_style
        self.skip = skip
        self.show_header = show_header
        self._top = 1 if show_header else 0
        self.empty_text = empty_text
        self.page_size = page_size
        self.row_count = 0
        self.first_row = 0  # index of the row on the first line below the header
        self._pages: OrderedDict[int, Sequence[Row]] = OrderedDict()
        self._widths: tuple[int, list[int]] = (-1, [])
        self._styles: dict[str | None, Style] = {}
        self._components: dict[str, Style] = {}
        self._lines: LRUCache[tuple[int, str | None], Strip] = LRUCache(4 * page_size)
        """Drawn rows by (index, scroll indicator part), never the cursor's row: valid for
        ``_look`` and while the rows read into ``_pages`` are."""
        self._look: tuple[int, dt.date, Style] | None = None
        """(width, today, the style inherited from above) the drawn rows and styles are for."""
        self._frame: tuple[int, tuple[int, int] | None] | None = None
        self._error: str | None = None
        self._read: tuple[PageSource[Row], tuple[int, int] | None] | None = None
        """(query, ``Store.version()``) when the rows in ``_pages`` were read."""

    # --- data ----------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.reload()

    def set_query(self, query: PageSource[Row]) -> None:
        """Show another query (a new filter or sort) from its first row."""
        self.query_ = query
        self.reload(keep_cursor=False)

    def refresh_query(self, query: PageSource[Row]) -> None:
        """Show the same list's fresh rows (e.g. a new ``RowsSource``), keeping the cursor."""
        self.query_ = query
        self.reload()

    def reload(self, *, keep_cursor: bool = True) -> None:
        """Re-count and drop cached pages (after a write, or when the screen is shown again).

        When nothing was written since the rows were read (``Store.version``), the pages
        are kept and only repainted (the dates shown are relative to today): a screen
        shown again costs no query, at 100,000 rows as at 100.
        """
        try:
            version = self.store.version()
        except StorageError:
            version = None
        if keep_cursor and version is not None and self._read == (self.query_, version):
            if self._look is None or self._look[1] != clock.today():
                self.refresh()  # the dates shown are relative to today
        else:
            self._read_again(version, keep_cursor=keep_cursor)
        last_page = (self.row_count - 1) // self.page_size
        if keep_cursor and self.row_count > self.page_size and last_page not in self._pages:
            # The list is shown (again): read its last page a moment later, once the screen
            # is drawn, so End is as quick at 100,000 rows as at 100 (a cold last page
            # cost ~4 ms on the key).
            self.set_timer(0.25, partial(self._read_tail, self.query_, self.row_count))

    def _read_again(self, version: tuple[int, int] | None, *, keep_cursor: bool) -> None:
        self._pages.clear()
        self._lines.clear()
        try:
            self.row_count = self.query_.count(self.store)
            self._error = None
            self._read = (self.query_, version)
        except StorageError as exc:
            self.row_count = 0
            self._error = str(exc)
            self._read = None
        index = min(self.cursor, self.row_count - 1) if keep_cursor else 0
        if not keep_cursor:
            self.first_row = 0
        self._clamp_first_row()
        self._move(max(index, 0), 1)
        if not self.row_count:
            self.cursor = 0
        self.refresh()

    def _read_tail(self, query: PageSource[Row], count: int) -> None:
        if query is self.query_ and count == self.row_count and self.is_mounted:
            self.row_at(count - 1)
            self._draw_end()

    def _draw_end(self) -> None:
        """Draw the rows End shows, as it would (kept in ``_lines`` for its frame)."""
        if self._look is None:  # not drawn yet: nothing known of how it looks
            return
        width, _day, base = self._look
        visible = self._visible_rows
        first = max(self.row_count - visible, 0)
        thumb = self._measure(self.size, first)[1]
        for line_y in range(min(visible, self.row_count)):
            self._row_line(first + line_y, line_y, width, thumb, base)

    def row_at(self, index: int) -> Row | None:
        if not 0 <= index < self.row_count:
            return None
        number, within = divmod(index, self.page_size)
        page = self._pages.get(number)
        if page is None:
            try:
                page = self.query_.page(self.store, number * self.page_size, self.page_size)
            except StorageError as exc:
                self._error = str(exc)
                return None
            self._pages[number] = page
            while len(self._pages) > 8:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        return page[within] if within < len(page) else None

    @property
    def row(self) -> Row | None:
        """The highlighted row, or None when the list is empty (or on a heading)."""
        row = self.row_at(self.cursor)
        return None if row is None or (self.skip and self.skip(row)) else row

    # --- cursor and scrolling ------------------------------------------------------------

    @property
    def _visible_rows(self) -> int:
        return self._rows_in(self.size.height)

    def _rows_in(self, height: int) -> int:
        """How many rows a list this high shows (below its header)."""
        return max(height - self._top, 1)

    @property
    def _overflows(self) -> bool:
        return self.row_count > self._visible_rows

    def _clamp_first_row(self) -> None:
        self.first_row = max(0, min(self.first_row, self.row_count - self._visible_rows))

    def _scroll_to_row(self, first: int) -> bool:
        """Make ``first`` the top row (clamped); whether the view moved."""
        before = self.first_row
        self.first_row = first
        self._clamp_first_row()
        return self.first_row != before

    def _refresh_row(self, index: int) -> None:
        """Repaint the one line showing row ``index`` (if it is in view)."""
        y = index - self.first_row
        if 0 <= y < self._visible_rows:
            self.refresh(Region(0, y + self._top, self.size.width, 1))

    def watch_cursor(self, old: int, index: int) -> None:
        first = self.first_row
        if index < first:
            moved = self._scroll_to_row(index)
        elif index >= first + self._visible_rows:
            moved = self._scroll_to_row(index - self._visible_rows + 1)
        else:
            moved = False
        if moved or not self.size:
            self.refresh()
        else:  # only the old and the new cursor line change
            self._refresh_row(old)
            self._refresh_row(index)
        self.post_message(self.Highlighted(self, self.row, index))

    def _move(self, index: int, direction: int) -> None:
        if not self.row_count:
            return
        index = max(0, min(index, self.row_count - 1))
        if self.skip is not None:  # step over headings, in the direction of travel
            for step in (direction, -direction):
                probe = index
                while 0 <= probe < self.row_count and self._skipped(probe):
                    probe += step
                if 0 <= probe < self.row_count:
                    index = probe
                    break
        self.cursor = index

    def _skipped(self, index: int) -> bool:
        """Whether the cursor steps over row ``index`` (a heading); an unread row is not."""
        row = self.row_at(index)
        return row is not None and self.skip is not None and self.skip(row)

    def action_cursor_up(self) -> None:
        self._move(self.cursor - 1, -1)

    def action_cursor_down(self) -> None:
        self._move(self.cursor + 1, 1)

    def action_page_up(self) -> None:
        self._move(self.cursor - self._visible_rows, -1)

    def action_page_down(self) -> None:
        self._move(self.cursor + self._visible_rows, 1)

    def action_first(self) -> None:
        self._move(0, 1)

    def action_last(self) -> None:
        self._move(self.row_count - 1, -1)

    def action_select(self) -> None:
        row = self.row
        if row is not None:
            self.post_message(self.Selected(self, row, self.cursor))

    def on_click(self, event: events.Click) -> None:
        if event.y < self._top:
            return
        if self._overflows and event.x == self.size.width - 1:  # the scroll indicator
            share = (event.y - self._top) / max(self._visible_rows - 1, 1)
            self._move(round(share * (self.row_count - 1)), 1)
            return
        index = self.first_row + event.y - self._top
        if 0 <= index < self.row_count:
            self._move(index, 1)
            if event.chain >= 2:
                self.action_select()

    def _wheel(self, event: events.MouseEvent, lines: int) -> None:
        event.stop()
        if self._scroll_to_row(self.first_row + lines):
            self.refresh()

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self._wheel(event, 3)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self._wheel(event, -3)

    def on_resize(self) -> None:
        self._clamp_first_row()
        if self.cursor >= self.first_row + self._visible_rows:
            self.first_row = max(self.cursor - self._visible_rows + 1, 0)
        self.refresh()

    # --- rendering -----------------------------------------------------------------------

    def notify_style_update(self) -> None:
        """Called by Textual when this widget's styles change (a theme, focus, a class)."""
        super().notify_style_update()
        self._forget_look()

    def _forget_look(self) -> None:
        self._look = None
        self._styles.clear()
        self._components.clear()
        self._lines.clear()

    def render_lines(self, crop: Region) -> list[Strip]:
        # The size and the scroll indicator are worked out once for the frame's lines
        # (``self.size`` looks the widget up in the screen's map: ~1 ms a frame per call site).
        size = self.size
        self._frame = self._measure(size)
        # Drawn rows are kept while they would be drawn the same: the same width and day (the
        # dates shown are relative), and the same style from above. That style is checked
        # here, as the ancestors' styles change without notifying this widget (the app itself
        # is styled after its first screen is composed). Paging back, or a row the cursor
        # leaves, then costs no drawing.
        look = (size.width, clock.today(), self.rich_style)
        if look != self._look:
            self._forget_look()
            self._look = look
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def _measure(
        self, size: Size, first_row: int | None = None
    ) -> tuple[int, tuple[int, int] | None]:
        """(width, the scroll indicator's thumb as [start, end) below the header, or None),
        with ``first_row`` (default: the one shown) on the first line."""
        width, height = size
        visible = self._rows_in(height)
        if self.row_count <= visible or width <= 1:
            return width, None
        first = self.first_row if first_row is None else first_row
        thumb = max(visible * visible // self.row_count, 1)
        start = round((visible - thumb) * first / max(self.row_count - visible, 1))
        return width, (start, start + thumb)

    def _component(self, name: str) -> Style:
        """The full style of the component class ``paged-list--{name}``, once a frame."""
        style = self._components.get(name)
        if style is None:
            style = self._components[name] = self.get_component_rich_style(f"paged-list--{name}")
        return style

    def _shown_columns(self, width: int) -> list[Column[Row]]:
        """The columns that fit in ``width``, leaving out the highest ``give_way`` first."""
        shown = list(self.columns)
        while True:
            need = sum((c.width if c.width is not None else c.min_width) + 1 for c in shown)
            droppable = [c for c in shown if c.give_way]
            if need <= width or not droppable:
                return shown
            shown.remove(max(droppable, key=lambda c: c.give_way))

    def _column_widths(self, width: int) -> list[int]:
        """Each column's width; -1 for a column left out (``give_way``) at this width."""
        if self._widths[0] == width:
            return self._widths[1]
        shown = self._shown_columns(width)
        kept = {id(c) for c in shown}
        gaps = len(shown)
        fixed = sum(c.width or 0 for c in shown)
        flexible = [c for c in shown if c.width is None]
        spare = max(width - fixed - gaps, len(flexible) * 3)
        ratios = sum(c.ratio for c in flexible) or 1
        widths: list[int] = []
        given = 0
        for column in self.columns:
            if id(column) not in kept:
                widths.append(-1)
            elif column.width is not None:
                widths.append(column.width)
            else:
                share = spare * column.ratio // ratios
                widths.append(share)
                given += share
        for index, column in enumerate(self.columns):  # rounding leftovers to the first
            if column.width is None and widths[index] >= 0:
                widths[index] += spare - given
                break
        self._widths = (width, widths)
        return widths

    def _style(self, name: str | None) -> Style:
        """A row or cell style by name: its colours and text style, no background."""
        style = self._styles.get(name)
        if style is None:
            if not name or name not in STYLE_NAMES:
                style = Style()
            else:
                full = self._component(name)  # colours blended
                style = Style(
                    color=full.color, bold=full.bold, italic=full.italic, strike=full.strike
                )
            self._styles[name] = style
        return style

    @property
    def _base_style(self) -> Style:
        return self._look[2] if self._look else self.rich_style

    def _line(
        self,
        cells: list[tuple[str, Style | None, Literal["left", "right"]]],
        width: int,
        base: Style,
    ) -> Strip:
        """One line of cells; neighbouring text of one style becomes one segment (a line has
        a few segments instead of two a cell: less for Textual to filter and to write)."""
        parts: list[tuple[str, Style]] = []
        used = 0
        for (value, style, justify), cell_width in zip(
            cells, self._column_widths(width), strict=True
        ):
            if cell_width < 0:  # left out at this width
                continue
            length = cell_len(value)
            if length > cell_width:  # truncate with an ellipsis
                value = set_cell_size(value, cell_width - 1) + "…" if cell_width else ""
                length = cell_width
            padding = " " * (cell_width - length)
            cell_style = base if style is None else base + style
            if justify == "right":
                parts += ((padding, base), (value, cell_style), (" ", base))
            else:
                parts += ((value, cell_style), (padding + " ", base))
            used += cell_width + 1
        segments: list[Segment] = []
        text, run_style = "", base
        for piece, style in parts:
            if style is not run_style and piece:
                if text:
                    segments.append(Segment(text, run_style))
                text, run_style = piece, style
            else:
                text += piece
        if text:
            segments.append(Segment(text, run_style))
        return Strip(segments, used).adjust_cell_length(width, base)

    def render_line(self, y: int) -> Strip:
        width, thumb = self._frame or self._measure(self.size)
        base = self._base_style
        if y < self._top:
            header = self._style("header")
            return self._line([(c.title, header, c.justify) for c in self.columns], width, base)
        line_y = y - self._top
        if not self.row_count:
            if line_y:
                return Strip.blank(width, base)
            message = visible(self._error or self.empty_text)[:width]
            style = base + self._component("empty")
            return Strip([Segment(message, style)]).adjust_cell_length(width, base)
        return self._row_line(self.first_row + line_y, line_y, width, thumb, base)

    def _row_line(
        self, index: int, line_y: int, width: int, thumb: tuple[int, int] | None, base: Style
    ) -> Strip:
        """Row ``index`` on line ``line_y`` below the header, from ``_lines`` or drawn."""
        # The scroll indicator, in the last column, is part of the line.
        bar = None if thumb is None else "thumb" if thumb[0] <= line_y < thumb[1] else "scrollbar"
        cursor = index == self.cursor
        line = None if cursor else self._lines.get((index, bar))
        if line is None or line.cell_length != width:
            row = self.row_at(index)
            row_width = width if bar is None else width - 1
            if row is None:
                line = Strip.blank(row_width, base)
            else:
                line = self._draw_row(row, row_width, base, cursor=cursor)
            if bar is not None:
                line = Strip([*line, Segment(" ", self._component(bar))], width)
            if row is not None and not cursor:
                self._lines[index, bar] = line
        return line

    def _draw_row(self, row: Row, width: int, base: Style, *, cursor: bool = False) -> Strip:
        if self.skip is not None and self.skip(row):  # a heading spans the whole line
            style = base + self._component("heading")
            label = visible(self.columns[0].render(row))[:width]
            return Strip([Segment(label, style)]).adjust_cell_length(width, base)
        row_base = base + self._style(self.row_style(row) if self.row_style else None)
        if cursor:
            row_base += self._component("cursor")
        cells: list[tuple[str, Style | None, Literal["left", "right"]]] = []
        widths = self._column_widths(width)
        for column, cell_width in zip(self.columns, widths, strict=True):
            if cell_width < 0:
                cells.append(("", None, column.justify))
                continue
            try:
                shown = column.fit(row, cell_width) if column.fit else column.render(row)
                value = visible(shown)
            except (KeyError, IndexError, TypeError, ValueError):
                value = "?"
            cell_style = self._style(column.style(row)) if column.style else None
            cells.append((value, cell_style, column.justify))
        return self._line(cells, width, row_base)
