"""Today: what is due and overdue in both roles, side by side in their colours.

The app opens here. Marketing (tasks, running promotions) on the left, sales (follow-ups,
idle deals, keep-in-touch) on the right, the pipeline underneath. ``left`` / ``right`` (or
``tab``) move between the two sides; ``d`` ticks off the selected task or follow-up,
``enter`` opens it, and the prospect keys (``l`` log, ``c`` stage, ``f`` follow-up…) work on
any sales item.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Static

from dualrole.core.dates.clock import relative_day
from dualrole.core.enums import RecordKind
from dualrole.core.money import format_money_short
from dualrole.services.settings import get_setting, other_currencies, workspace_currency
from dualrole.services.today import Agenda, AgendaItem, agenda
from dualrole.tui.areas.base import AreaScreen
from dualrole.tui.areas.sales.prospect_actions import PROSPECT_BINDINGS, ProspectActions
from dualrole.tui.navigation import OpenRecord
from dualrole.tui.text import plain
from dualrole.tui.widgets.keybar import KeyBar
from dualrole.tui.widgets.paged_list import Column, PagedList, RowsSource

FIRST_STEPS = Text.assemble(
    ("A new workspace — first steps:\n", "bold"),
    "  s n  add a prospect        s i  import contacts (CSV, vCard)\n",
    "  m 3 n  plan a promotion    w g  set the weekly targets\n",
    "  or quit and run `dualrole demo` to see a workspace full of sample data",
)
"""What Today says on an empty workspace (no prospect, nothing due)."""

KEEP_DETAIL = {"promotion", "idle", "cadence"}
"""Rows whose detail says why they are listed (leads, days idle, cadence): the label gives way."""


class AgendaLine(NamedTuple):
    """One line of a side of Today: a section's heading or one agenda item."""

    kind: str  # "heading", or the item's kind (task, followup, promotion, idle, cadence …)
    label: str
    detail: str
    when: str
    tone: str | None
    item: AgendaItem | None


def fit_item(row: AgendaLine, width: int) -> str:
    """The item and its detail in the room there is, the least important part cut first.

    A follow-up or task keeps its text and drops its detail (stage, time) when short; a
    promotion, idle deal or cadence keeps its detail (``11 leads · event``, ``32d · lead``)
    and cuts its name.
    """
    label, detail = row.label, row.detail
    if not detail:
        return label
    gap = width - cell_len(label) - cell_len(detail)
    if gap >= 2:
        return label + " " * gap + detail
    if row.kind not in KEEP_DETAIL:
        return label
    detail = detail.split(" · ")[0]  # "32d", "11 leads": the stage or channel goes first
    gap = width - cell_len(label) - cell_len(detail)
    if gap >= 2:
        return label + " " * gap + detail
    room = width - cell_len(detail) - 2
    return label if room < 6 else set_cell_size(label, room - 1) + "…  " + detail


COLUMNS: list[Column[AgendaLine]] = [
    Column("", lambda r: r.label, fit=fit_item),
    Column("", lambda r: r.when, width=9, justify="right", style=lambda r: r.tone),
]


def _heading(text: str) -> AgendaLine:
    return AgendaLine(kind="heading", label=text, detail="", when="", tone=None, item=None)


def _item(item: AgendaItem, *, late: bool = False, tone: str | None = None) -> AgendaLine:
    when = ""
    if item.due is not None:
        when = relative_day(item.due)
    return AgendaLine(
        kind=item.kind,
        label=f"  {item.label}",
        detail=item.detail,
        when=when,
        tone=tone or ("overdue" if late else "today" if item.due else None),
        item=item,
    )


def _section(rows: list[AgendaLine], title: str, items: list[AgendaItem], **kw: Any) -> None:
    if items:
        rows.append(_heading(title))
        rows.extend(_item(item, **kw) for item in items)


def marketing_rows(day: Agenda) -> list[AgendaLine]:
    rows: list[AgendaLine] = []
    _section(rows, "overdue", day.marketing_overdue, late=True)
    _section(rows, "today", day.marketing_today)
    _section(rows, "running promotions", day.running_promotions, tone="marketing")
    return rows


def sales_rows(day: Agenda, idle_days: int) -> list[AgendaLine]:
    rows: list[AgendaLine] = []
    _section(rows, "overdue", day.sales_overdue, late=True)
    _section(rows, "today", day.sales_today)
    _section(rows, f"idle deals (no contact {idle_days}d+)", day.idle_deals, tone="idle")
    _section(rows, "keep in touch", day.keep_in_touch, tone="sales")
    return rows


def _is_heading(row: AgendaLine) -> bool:
    return row.kind == "heading"


def _heading_style(row: AgendaLine) -> str | None:
    return "muted" if row.kind == "heading" else None


class TodayScreen(ProspectActions):
    """Both hats, today."""

    TITLE_TEXT = "Today"
    AUTO_FOCUS = "#today-sales-list"  # not focus() in on_mount: that restyled both lists
    BINDINGS = [
        Binding("d", "done", "Done", id="today.done", tooltip="Tick off the selected item"),
        *AreaScreen.SNOOZE_BINDINGS,
        Binding(
            "u", "undo", "Undo", show=False, id="today.undo", tooltip="The latest change, any kind"
        ),
        Binding("r", "refresh", "Refresh", show=False, id="today.refresh"),
        Binding(
            "left",
            "side('marketing')",
            "Sides",
            key_display="←→",
            id="today.left",
            tooltip="Left: the marketing side, right: the sales side",
        ),
        Binding("right", "side('sales')", "Sales side", show=False, id="today.right"),
        *PROSPECT_BINDINGS,
    ]

    def compose(self) -> ComposeResult:
        # Each side is one bordered list, not a list inside a bordered container: every
        # widget edge on a line is one more strip to cut and join in each frame, and the
        # first frame (the app's start) paid ~20 ms for the wrappers.
        yield from self.compose_top()
        with Horizontal(id="today-sides"):
            yield self._side_list("marketing", "Nothing due in marketing today.")
            yield self._side_list("sales", "No follow-ups due and no idle deals.")
        yield Static("", id="today-pipeline")
        yield KeyBar()

    def _side_list(self, side: str, empty_text: str) -> PagedList[AgendaLine]:
        side_list = PagedList(
            self.store,
            RowsSource([]),
            COLUMNS,
            id=f"today-{side}-list",
            classes=f"side {side}",
            show_header=False,
            skip=_is_heading,
            row_style=_heading_style,
            empty_text=empty_text,
        )
        side_list.border_title = side.capitalize()
        return side_list

    def refresh_data(self) -> None:
        day = self.attempt(agenda, self.store)
        if day is None:
            return
        idle_days = int(self.attempt(get_setting, self.store, "idle_days") or 14)
        currency = self.attempt(workspace_currency, self.store) or "EUR"
        left = self.query_one("#today-marketing-list", PagedList)
        right = self.query_one("#today-sales-list", PagedList)
        left.refresh_query(RowsSource(marketing_rows(day)))
        right.refresh_query(RowsSource(sales_rows(day, idle_days)))
        parts = [
            f"{stage} {count}" for stage, count, _ in day.pipeline if stage not in ("won", "lost")
        ]
        open_value = sum(v for stage, _, v in day.pipeline if stage not in ("won", "lost"))
        if not any(count for _, count, _ in day.pipeline) and not left.row_count:
            line = FIRST_STEPS
        else:
            line = plain("pipeline  ", "bold")
            line.append(" · ".join(parts))
            line.append(f"   open {format_money_short(open_value, currency)}", style="bold")
            others: list[str] = self.attempt(other_currencies, self.store) or []
            if others:  # added up as they are: nothing is converted
                line.append(f" (adds {', '.join(others)} as {currency})")
        pipeline = self.query_one("#today-pipeline", Static)
        if pipeline.content != line:  # unchanged on most visits: no layout of the screen
            pipeline.update(line)

    def action_refresh(self) -> None:
        self.refresh_data()  # deliberate: the owner asked for it (``r``), changed or not

    def action_side(self, side: str) -> None:
        """``left`` / ``right``: to the marketing / sales side (as ``tab`` goes back and forth)."""
        self.query_one(f"#today-{side}-list", PagedList).focus()

    # --- selection -----------------------------------------------------------------------

    def _selected(self) -> AgendaItem | None:
        focused = self.focused
        if not isinstance(focused, PagedList):
            return None
        row: AgendaLine | None = focused.row
        return row.item if row else None

    def selected_prospect_id(self) -> int | None:
        item = self._selected()
        return item.prospect_id if item else None

    def snooze_target(self) -> tuple[str, int] | None:
        item = self._selected()
        if item is None or item.kind not in ("task", "followup"):
            return None
        return item.kind, item.record_id

    def action_done(self) -> None:
        item = self._selected()
        if item is None:
            return
        if item.kind == "task":
            # loaded on first use: not in the first frame
            from dualrole.services import marketing, undo

            task = self.attempt(marketing.complete_task, self.store, item.record_id)
            if task is not None:
                self.remember(undo.marked_done("task", task.id, task.title))
                self.notify(f"Done: {item.label}", markup=False)
        elif item.kind == "followup":
            self.complete_followup(item.record_id)
        else:
            self.notify("d ticks off a task or a follow-up; this item has none.")

    @on(PagedList.Selected)
    def _open(self, event: PagedList.Selected) -> None:
        item: AgendaItem | None = event.row.item if event.row else None
        if item is None:
            return
        if item.kind == "task":
            import dualrole.tui.areas.marketing.forms as marketing_forms

            form = self.attempt(marketing_forms.edit_form, self.store, "tasks", item.record_id)
            if form is not None:
                self.app.push_screen(form)
        elif item.kind == "promotion":
            self.app.post_message(OpenRecord(RecordKind.promotion, item.record_id, in_area=True))
        elif item.prospect_id is not None:
            self.app.post_message(OpenRecord(RecordKind.prospect, item.prospect_id))
