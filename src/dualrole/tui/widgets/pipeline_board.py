"""The pipeline as a board: a column per stage, a card per deal, read a column window at a time.

Each column shows its stage, its count and value of deals (``stage_totals``, kept by
triggers) and as many cards as fit; the cards of a column are one ``LIMIT`` query on the
``deals_board`` index ``(stage, person, id)`` for the rows in view, so the board opens as
fast at 150,000 deals as at 60. A card names the deal's person; a column that holds more
says ``+N more`` (``↑N`` when scrolled down); names are cut with an ellipsis, never wrapped.
In wide columns a card is one line, and deals of one column sharing a name show their
company too (two Chloe Beckers), or the deal's title when it is the same person's second
deal; in narrow ones (80 columns) a card is two lines, its person then its company (or a
later deal's title), each readable (:data:`ONE_LINE_FROM`).

Keys: ``left``/``right`` pick a column, ``up``/``down`` (``k``/``j``),
``pageup``/``pagedown``, ``home``/``end`` move within it (scrolling it), ``enter`` posts
:class:`PipelineBoard.Opened`. Moving a deal is the screen's job (``<`` / ``>`` on Sales):
it asks :attr:`PipelineBoard.selected` and calls :meth:`reload` after the write.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from dualrole.core.enums import Stage
from dualrole.core.money import format_money_short
from dualrole.services import deals
from dualrole.services.deals import DealCard
from dualrole.services.pipeline import pipeline
from dualrole.services.settings import workspace_currency
from dualrole.storage.db import StorageError, Store
from dualrole.tui.text import visible

HEAD = 3
"""Lines above the cards: the stage, ``count · value``, a rule."""
ONE_LINE_FROM = 24
"""The column width from which a card is one line; narrower (80 columns: 11 each), a card is
two: its person, then its company or a later deal's title (on one line "Amara Ahmed ·
Pinecone Legal" would be cut to "Ama…·Pine…")."""


@dataclass
class BoardColumn:
    """One stage: its totals, the selected card and the window of cards in view."""

    stage: Stage
    count: int = 0
    value: int = 0
    cursor: int = 0
    first: int = 0
    rows: list[DealCard] = field(default_factory=list)
    rows_from: int = -1  # the index of rows[0], -1 when not read
    shared: set[str] = field(default_factory=set)  # names in view that two of its deals share


class PipelineBoard(Widget, can_focus=True):
    """Every stage side by side; one selected deal."""

    BINDINGS = [
        # no h/l: l logs an interaction on the selected deal (a prospect key)
        Binding("left", "column(-1)", "Previous stage", show=False, id="board.left"),
        Binding("right", "column(1)", "Next stage", show=False, id="board.right"),
        Binding("up,k", "card(-1)", "Up", show=False, id="board.up"),
        Binding("down,j", "card(1)", "Down", show=False, id="board.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="board.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="board.page_down"),
        Binding("home", "ends(-1)", "First", show=False, id="board.first"),
        Binding("end", "ends(1)", "Last", show=False, id="board.last"),
        Binding("enter", "open", "Open", id="board.open", tooltip="Open the selected deal"),
    ]

    COMPONENT_CLASSES = {
        "pipeline-board--stage",
        "pipeline-board--current",
        "pipeline-board--won",
        "pipeline-board--lost",
        "pipeline-board--totals",
        "pipeline-board--rule",
        "pipeline-board--cursor",
        "pipeline-board--more",
        "pipeline-board--detail",
    }
    DEFAULT_CSS = """
    PipelineBoard {
        height: 1fr;
        padding: 0 0 0 1;
        background: $background;
        & > .pipeline-board--stage { color: $sales; text-style: bold; }
        & > .pipeline-board--current { color: $sales; text-style: bold reverse; }
        & > .pipeline-board--won { color: $success; text-style: bold; }
        & > .pipeline-board--lost { color: $foreground-muted; text-style: bold; }
        & > .pipeline-board--totals { color: $foreground; }
        & > .pipeline-board--rule { color: $sales-muted; }
        & > .pipeline-board--cursor { background: $panel-lighten-1; }
        &:focus > .pipeline-board--cursor { background: $block-cursor-background;
                                           color: $block-cursor-foreground; }
        & > .pipeline-board--more { color: $foreground-muted; text-style: italic; }
        & > .pipeline-board--detail { color: $foreground-muted; }
    }
    """

    class Opened(Message):
        """``enter`` on a card: open this prospect."""

        def __init__(self, prospect_id: int) -> None:
            super().__init__()
            self.prospect_id = prospect_id

    def __init__(self, store: Store, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.store = store
        self.columns = [BoardColumn(stage) for stage in Stage]
        self.current = 0
        self.error: str | None = None
        self.currency = "EUR"  # the workspace's, read with the totals

    # --- data ----------------------------------------------------------------------------

    def reload(self, *, select: int | None = None, deal: int | None = None) -> None:
        """Re-read the totals and the cards in view (after a write); ``select`` a prospect's
        current deal, or ``deal`` that deal."""
        try:
            totals = pipeline(self.store)
            self.currency = workspace_currency(self.store)
            self.error = None
        except StorageError as exc:
            totals = [(stage, 0, 0) for stage in Stage]
            self.error = str(exc)
        for column, (_stage, count, value) in zip(self.columns, totals, strict=True):
            column.count, column.value = count, value
            column.rows_from = -1
            column.cursor = max(0, min(column.cursor, count - 1))
            self._clamp(column)
        if select is not None or deal is not None:
            self._select(select, deal)
        self.refresh()

    def _select(self, prospect_id: int | None, deal_id: int | None = None) -> None:
        """Put the cursor on a deal (its column, its place in the name order)."""
        try:
            if deal_id is None and prospect_id is not None:
                deal_id = deals.current_deal_id(self.store, prospect_id)
            found = None if deal_id is None else deals.board_position(self.store, deal_id)
        except StorageError:
            found = None
        if found is None:
            return
        stage, index = found
        self.current = next(i for i, c in enumerate(self.columns) if c.stage == stage)
        column = self.columns[self.current]
        column.cursor = index
        self._follow(column)

    @property
    def card_lines(self) -> int:
        """Lines per card: 2 when the columns are too narrow for "name · company" (80 wide)."""
        return 1 if min(self._widths()) >= ONE_LINE_FROM else 2

    @property
    def _cards_height(self) -> int:
        """The cards in view in a column (the last line says "+N more")."""
        return max((self.size.height - HEAD - 1) // self.card_lines, 1)

    def _window(self, column: BoardColumn) -> list[DealCard]:
        """The cards in view of ``column``: one query for the visible window."""
        height = self._cards_height
        if column.rows_from != column.first or len(column.rows) < min(
            height, column.count - column.first
        ):
            try:
                column.rows = deals.board_cards(self.store, column.stage, column.first, height)
                names = [row.name for row in column.rows]
                column.shared = deals.shared_names(self.store, column.stage, names)
            except StorageError as exc:
                self.error = str(exc)
                column.rows = []
            column.rows_from = column.first
        return column.rows

    @property
    def selected(self) -> DealCard | None:
        """The selected card (``id`` the person's, ``deal_id``, ``name``, ``company``,
        ``title``, ``stage``…), or None in an empty column."""
        column = self.columns[self.current]
        rows = self._window(column)
        index = column.cursor - column.first
        return rows[index] if 0 <= index < len(rows) else None

    # --- moving --------------------------------------------------------------------------

    def _clamp(self, column: BoardColumn) -> None:
        height = self._cards_height
        column.first = max(0, min(column.first, column.count - height))

    def _follow(self, column: BoardColumn) -> None:
        """Scroll ``column`` so its cursor is in view."""
        height = self._cards_height
        if column.cursor < column.first:
            column.first = column.cursor
        elif column.cursor >= column.first + height:
            column.first = column.cursor - height + 1
        self._clamp(column)

    def _go(self, index: int) -> None:
        column = self.columns[self.current]
        column.cursor = max(0, min(index, column.count - 1))
        self._follow(column)
        self.refresh()

    def action_column(self, step: int) -> None:
        self.current = (self.current + step) % len(self.columns)
        self.refresh()

    def action_card(self, step: int) -> None:
        self._go(self.columns[self.current].cursor + step)

    def action_page(self, step: int) -> None:
        self._go(self.columns[self.current].cursor + step * self._cards_height)

    def action_ends(self, step: int) -> None:
        self._go(0 if step < 0 else self.columns[self.current].count - 1)

    def action_open(self) -> None:
        row = self.selected
        if row is not None:
            self.post_message(self.Opened(row.id))

    def on_click(self, event: events.Click) -> None:
        index = self._column_at(event.x - 1)  # the left padding
        if index is None:
            return
        self.current = index
        if event.y >= HEAD:
            column = self.columns[index]
            lines = self.card_lines
            card = column.first + (event.y - HEAD) // lines
            if card < column.count and event.y - HEAD < self._cards_height * lines:
                column.cursor = card
                if event.chain >= 2:
                    self.refresh()
                    self.action_open()
        self.refresh()

    def on_resize(self) -> None:
        for column in self.columns:
            self._follow(column)
            column.rows_from = -1
        self.refresh()

    # --- drawing -------------------------------------------------------------------------

    def _widths(self) -> list[int]:
        width = self.size.width
        count = len(self.columns)
        base, extra = divmod(width, count)
        return [base + (1 if index < extra else 0) for index in range(count)]

    def _column_at(self, x: int) -> int | None:
        start = 0
        for index, width in enumerate(self._widths()):
            if start <= x < start + width:
                return index
            start += width
        return None

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"pipeline-board--{name}")

    def _cell(self, text: str, width: int, style: Style, base: Style) -> list[Segment]:
        """``text`` in a cell of ``width`` (a space on its right), cut with an ellipsis."""
        room = max(width - 1, 0)
        text = visible(text)
        if cell_len(text) > room:
            text = set_cell_size(text, max(room - 1, 0)) + "…" if room else ""
        pad = room - cell_len(text)
        return [Segment(text + " " * pad, style), Segment(" ", base)]

    def render_line(self, y: int) -> Strip:
        base = self.rich_style
        if self.error and y == 0:
            return Strip(
                [Segment(visible(self.error)[: self.size.width], base)]
            ).adjust_cell_length(self.size.width, base)
        segments: list[Segment] = []
        for index, (column, width) in enumerate(zip(self.columns, self._widths(), strict=True)):
            segments.extend(self._column_line(index, column, width, y, base))
        return Strip(segments).adjust_cell_length(self.size.width, base)

    def _column_line(
        self, index: int, column: BoardColumn, width: int, y: int, base: Style
    ) -> list[Segment]:
        current = index == self.current
        if y == 0:
            name = {Stage.won: "won", Stage.lost: "lost"}.get(column.stage, "stage")
            style = base + self._style("current" if current else name)
            return self._cell(column.stage.value, width, style, base)
        if y == 1:
            totals = f"{column.count:,} {format_money_short(column.value, self.currency)}"
            return self._cell(totals, width, base + self._style("totals"), base)
        if y == 2:
            return [Segment("─" * max(width - 1, 0) + " ", base + self._style("rule"))]
        height = self._cards_height
        if y == self.size.height - 1:  # the last line: what is out of view
            below = column.count - column.first - height
            parts = []
            if column.first:
                parts.append(f"↑{column.first:,}")
            if below > 0:
                parts.append(f"+{below:,} more")
            return self._cell(" ".join(parts), width, base + self._style("more"), base)
        lines = self.card_lines
        line, part = divmod(y - HEAD, lines)
        if line >= height:
            return [Segment(" " * width, base)]
        rows = self._window(column)
        if line >= len(rows):
            if line == 0 and not column.count and not part:
                return self._cell("—", width, base + self._style("more"), base)
            return [Segment(" " * width, base)]
        row = rows[line]
        style = base + self._style("detail") if part else base
        if current and column.first + line == column.cursor:
            style += self._style("cursor")
        if lines == 2:  # the person, then what the deal is: its company, or a later deal's title
            if not part:
                return self._cell(short_name(visible(row.name), width - 1), width, style, base)
            detail = card_detail(row, row.name.casefold() in column.shared)
            return self._cell(detail, width, style, base)  # muted: not a name
        name = row.name
        if name.casefold() in column.shared:
            # a person's other deal: its title; another person of that name: their company
            other = row.title if row.title != deals.FIRST_DEAL_TITLE else row.company or row.title
            name = card_label(visible(name), visible(other), width - 1)
        return self._cell(name, width, style, base)


def short_name(name: str, room: int) -> str:
    """A name in ``room`` cells: whole if it fits, else its first name as an initial
    ("Chloe Becker" → "C. Becker"; the surname tells people apart), else cut by the cell."""
    first, _, rest = name.partition(" ")
    if cell_len(name) <= room or not rest.strip() or not first:
        return name
    return f"{first[0]}. {rest.strip()}"


def card_detail(card: DealCard, shared: bool) -> str:
    """A two-line card's second line: a later deal's title, else the company; a first deal
    without a company says "First deal" only when another card of its column shares its name."""
    if card.title != deals.FIRST_DEAL_TITLE:
        return card.title
    return card.company or (card.title if shared else "")


def card_label(name: str, company: str, room: int) -> str:
    """A card whose name another deal in its column shares: the name and the company, the name
    cut first so that the company (what tells them apart) keeps at least half the room."""
    full = f"{name} · {company}"
    if cell_len(full) <= room:
        return full
    part = min(cell_len(company), max(room // 2, 4))
    if cell_len(company) > part:
        company = set_cell_size(company, part - 1) + "…"
    name_room = room - cell_len(company) - 1
    if cell_len(name) > name_room:
        name = set_cell_size(name, max(name_room - 1, 0)) + "…"
    return f"{name}·{company}"
