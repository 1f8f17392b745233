"""The Insights area (``I``): which marketing makes money, where deals stall, why they are lost.

Everything shown comes from one :func:`~dualrole.insights.build_insights` model (the same one
``dualrole insights`` renders), built in a worker thread on its own connection so keys never
wait for it. The screen stacks five lists: the breakdown (by channel, promotion or segment;
``b`` switches), the weekly trend, the stage funnel, the lost reasons and the forecast, each
with bars. ``enter`` on a row lists the records behind it (``enter`` on one opens its page),
``F`` on a lost reason sends it to marketing as a feedback research note, ``[`` / ``]`` move
the period by its length and ``.`` returns to the last 13 weeks. User text is never markup.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.geometry import Region
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from dualrole.core.money import currency_sign, format_money_short
from dualrole.core.words import counted
from dualrole.insights import BY, By, Insights, Period, build_insights, default_period
from dualrole.insights.model import (
    ForecastStage,
    Group,
    LostReason,
    Stage,
    Week,
    bar,
    count,
    days,
    percent,
)
from dualrole.insights.records import FigureRef, count_behind, records_behind
from dualrole.review.records import Record
from dualrole.services.settings import workspace_currency
from dualrole.storage.db import Store
from dualrole.tui.areas.base import AreaScreen
from dualrole.tui.text import plain
from dualrole.tui.widgets.keybar import KeyBar
from dualrole.tui.widgets.paged_list import Column, PagedList, RowsSource

BAR = 12
SECTIONS = ("groups", "weeks", "funnel", "lost", "forecast")
HEADINGS = {
    "weeks": "Weekly trend — leads per week (won, revenue, spend)",
    "funnel": "Stage funnel — moves into each stage in the period, and what followed",
    "lost": "Lost reasons — beside the objections on the segments they came from",
    "forecast": "Forecast of the open pipeline — by stage chance and by measured conversion",
}
HINTS = {
    "groups": "enter: the leads behind it",
    "weeks": "enter: that week's leads",
    "funnel": "enter: the moves into that stage",
    "lost": "enter: those deals · F: send to marketing as a research note",
    "forecast": "enter: those open deals",
}


def _money(value: int | None, currency: str) -> str:
    return "—" if value is None else format_money_short(value, currency)


def group_columns(screen: InsightsScreen, currency: str) -> list[Column[Group]]:
    """The groups' table; ``currency`` (the workspace's) heads the cost columns."""
    sign = currency_sign(currency)

    def cur() -> str:
        return screen.currency

    def top() -> int:
        values: list[int] = [r.revenue_minor for r in screen.rows("groups")]
        return max(values, default=0)

    # At 80 columns the figures take 64 and the name 15; the revenue bar (the widest
    # column) gives way first, so no figure and no name is cut to a stub.
    return [
        Column("Name", lambda r: r.name, ratio=2, min_width=15),
        Column("Spend", lambda r: _money(r.spend_minor, cur()), width=7, justify="right"),
        Column("Leads", lambda r: count(r.leads), width=5, justify="right"),
        Column("Won", lambda r: count(r.won), width=4, justify="right"),
        Column("Revenue", lambda r: _money(r.revenue_minor, cur()), width=7, justify="right"),
        Column(f"{sign}/lead", lambda r: _money(r.cost_per_lead_minor, cur()), width=7,
               justify="right"),
        Column(f"{sign}/cust.", lambda r: _money(r.cost_per_customer_minor, cur()), width=7,
               justify="right"),
        Column("ROI", lambda r: percent(r.roi), width=7, justify="right",
               style=lambda r: None if r.roi is None else "won" if r.roi >= 0
               else "overdue"),
        Column("L→won", lambda r: percent(r.conversion), width=5, justify="right"),
        Column("Days", lambda r: days(r.median_days_to_won), width=5, justify="right"),
        Column("vs top", lambda r: bar(r.revenue_minor, top(), BAR), width=BAR,
               style=lambda _r: "sales", give_way=1),
    ]  # fmt: skip


def week_columns(screen: InsightsScreen) -> list[Column[Week]]:
    def cur() -> str:
        return screen.currency

    def top() -> int:
        values: list[int] = [r.leads for r in screen.rows("weeks")]
        return max(values, default=0)

    return [
        Column("Week of", lambda r: f"{r.first:%a %d %b}", width=11),
        Column("Leads", lambda r: bar(r.leads, top(), 2 * BAR), width=2 * BAR,
               style=lambda _r: "marketing"),
        Column("", lambda r: count(r.leads), width=5, justify="right"),
        Column("Won", lambda r: count(r.won), width=5, justify="right"),
        Column("Revenue", lambda r: _money(r.revenue_minor, cur()), width=8, justify="right"),
        Column("Spend", lambda r: _money(r.spend_minor, cur()), width=8, justify="right"),
    ]  # fmt: skip


def funnel_columns(screen: InsightsScreen) -> list[Column[Stage]]:
    def top() -> int:
        values: list[int] = [r.entered for r in screen.rows("funnel")]
        return max(values, default=0)

    def stall(row: Stage) -> str | None:
        found = screen.insights
        return "overdue" if found and row.stage == found.funnel.stall else None

    return [
        Column("Stage", lambda r: r.stage, width=12, style=stall),
        Column("Entered", lambda r: bar(r.entered, top(), BAR), width=BAR,
               style=lambda _r: "sales"),
        Column("", lambda r: count(r.entered), width=7, justify="right"),
        Column("Advanced", lambda r: count(r.advanced), width=8, justify="right"),
        Column("Conv.", lambda r: percent(r.conversion), width=6, justify="right",
               style=stall),
        Column("Median", lambda r: days(r.median_days), width=7, justify="right"),
        Column("Lost", lambda r: count(r.lost), width=6, justify="right"),
        Column("Still there", lambda r: count(r.still_there), width=11, justify="right"),
    ]  # fmt: skip


def lost_columns(screen: InsightsScreen) -> list[Column[LostReason]]:
    def cur() -> str:
        return screen.currency

    def segments(r: LostReason) -> str:
        return "; ".join(
            f"{s.name} ({s.count})"
            + (f": {' '.join(s.objections.split())}" if s.objections else "")
            for s in r.segments
        )

    return [
        Column("Reason", lambda r: r.reason, width=18),
        Column("Deals", lambda r: count(r.count), width=6, justify="right"),
        Column("Value", lambda r: _money(r.value_minor, cur()), width=8, justify="right"),
        Column("Share", lambda r: percent(r.share), width=6, justify="right"),
        Column("Segments: objections on record", segments, ratio=3),
    ]


def forecast_columns(screen: InsightsScreen) -> list[Column[ForecastStage]]:
    def cur() -> str:
        return screen.currency

    return [
        Column("Stage", lambda r: r.stage, width=12),
        Column("Open", lambda r: count(r.open_deals), width=6, justify="right"),
        Column("Value", lambda r: _money(r.open_value_minor, cur()), width=8,
               justify="right"),
        Column("Chance", lambda r: percent(r.chance), width=7, justify="right"),
        Column("By chance", lambda r: _money(r.weighted_minor, cur()), width=10,
               justify="right"),
        Column("Measured", lambda r: percent(r.measured_rate), width=9, justify="right"),
        Column("By measured", lambda r: _money(r.measured_minor, cur()), width=12,
               justify="right"),
    ]  # fmt: skip


def summary_text(found: Insights) -> Text:
    from dualrole.render.insights import forecast_text, repeat_text, stall_text, summary

    lines = (summary(found), stall_text(found), forecast_text(found), repeat_text(found))
    return plain("\n".join(lines), multiline=True)


class InsightsScreen(AreaScreen):
    TITLE_TEXT = "Insights"
    AUTO_FOCUS = "#insights-groups"
    BINDINGS = [
        Binding("b", "by", "By", id="insights.by", tooltip="Channel, promotion or segment"),
        Binding("[", "shift(-1)", "Earlier", id="insights.earlier", tooltip="Previous period"),
        Binding("]", "shift(1)", "Later", id="insights.later", tooltip="Next period"),
        Binding(".", "default_period", "Last 13 weeks", id="insights.default"),
        Binding("F", "send_reason", "Send to marketing", id="insights.send",
                tooltip="The highlighted lost reason as a feedback research note"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.period = default_period()
        self.by: By = "channel"
        self.insights: Insights | None = None
        self._token: object | None = None

    @property
    def currency(self) -> str:
        return self.insights.currency if self.insights else "EUR"

    def rows(self, section: str) -> list[Any]:
        """The section's rows: its figures (``Group``, ``Week``, ``Stage``, ``LostReason``,
        ``ForecastStage``), each typed by its section's columns."""
        found = self.insights
        if found is None:
            return []
        if section == "groups":
            return list(found.groups(self.by))
        if section == "weeks":
            return list(found.weeks)
        if section == "funnel":
            return list(found.funnel.stages)
        if section == "lost":
            return list(found.lost_reasons)
        return list(found.forecast.stages)

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        columns: dict[str, list[Column[Any]]] = {
            "groups": group_columns(self, self.attempt(workspace_currency, self.store) or "EUR"),
            "weeks": week_columns(self),
            "funnel": funnel_columns(self),
            "lost": lost_columns(self),
            "forecast": forecast_columns(self),
        }
        with VerticalScroll(id="insights-body"):
            yield Label("", id="insights-period")
            yield Static("Computing…", id="insights-summary")
            for section in SECTIONS:
                yield Label("", id=f"heading-{section}", classes="insights-heading")
                yield PagedList(self.store, RowsSource([]), columns[section],
                                empty_text="Nothing to measure in this period.",
                                id=f"insights-{section}", classes="insights-list")  # fmt: skip
            yield Static("", id="insights-explain")
        yield KeyBar()

    def refresh_data(self) -> None:
        # A token that stays the same object until the database changes (Store.memo): shown
        # again with nothing written since, the screen keeps its figures instead of
        # recomputing them (and repainting a second time).
        token = self.attempt(self.store.memo, ("insights-shown", self.period), object)
        if token is not None and token is self._token and self.insights is not None:
            return
        self._token = token
        period = self.period  # computed in the background: at 1M interactions, a second or so
        self.compute_then_show(
            lambda store: build_insights(store, period), self._show, group="insights-build"
        )

    def _show(self, found: Insights) -> None:
        if found.period != self.period:  # the owner moved to another period meanwhile
            return
        self.insights = found
        weeks = counted(len(found.weeks), "week")
        default = " (the last 13 weeks)" if self.period == default_period() else ""
        self.query_one("#insights-period", Label).update(
            Text(f"{found.first:%a %d %b %Y} – {found.last:%a %d %b %Y} · {weeks}{default}")
        )
        self.query_one("#insights-summary", Static).update(summary_text(found))
        for section in SECTIONS:
            self._fill(section)
        self._explain()

    def _fill(self, section: str) -> None:
        heading = HEADINGS.get(section) or (
            f"By {self.by} — spend, leads, customers, revenue (b: " + " / ".join(BY) + ")"
        )
        self.query_one(f"#heading-{section}", Label).update(Text(heading))
        listing = self.query_one(f"#insights-{section}", PagedList)
        rows = self.rows(section)
        listing.styles.height = max(len(rows), 1) + 1
        listing.query_ = RowsSource(rows)
        listing.reload()

    # --- keys ------------------------------------------------------------------------------

    def action_by(self) -> None:
        self.by = BY[(BY.index(self.by) + 1) % len(BY)]
        if self.insights is not None:
            self._fill("groups")
            self._explain()
        self.notify(f"Insights by {self.by}.")

    def action_shift(self, step: int) -> None:
        span = self.period.last - self.period.first + dt.timedelta(days=1)
        self.period = Period(self.period.first + step * span, self.period.last + step * span)
        self.refresh_data()  # deliberate: another period is shown, not a write

    def action_default_period(self) -> None:
        self.period = default_period()
        self.refresh_data()  # deliberate: another period is shown, not a write

    def _focused(self) -> tuple[str, Any]:
        focused = self.focused
        if isinstance(focused, PagedList) and focused.id and focused.id.startswith("insights-"):
            return focused.id.removeprefix("insights-"), focused.row
        return "groups", None

    def _explain(self) -> None:
        section, _row = self._focused()
        self.query_one("#insights-explain", Static).update(
            Text(HINTS.get(section, ""), style="dim italic")
        )

    @on(PagedList.Highlighted, ".insights-list")
    def _highlighted(self, event: PagedList.Highlighted) -> None:
        if event.paged_list.has_focus:
            self._explain()
            listing = event.paged_list  # keep the highlighted row in view as the body scrolls
            body = self.query_one("#insights-body", VerticalScroll)
            line = listing.region.y - body.region.y + int(body.scroll_y) + 1 + event.index
            body.scroll_to_region(Region(0, line, 1, 1), animate=False, immediate=True)

    def figure(self, section: str, row: Any) -> tuple[FigureRef, Period, str]:
        """The figure a row stands for: (reference, period, title of the records list)."""
        if section == "groups":
            g: Group = row
            return FigureRef("group", g.key, "leads", g.by), self.period, f"Leads of {g.name}"
        if section == "weeks":
            w: Week = row
            return FigureRef("week"), Period(w.first, w.last), f"Leads of the week of {w.first}"
        if section == "funnel":
            s: Stage = row
            return FigureRef("funnel", s.stage, "entered"), self.period, f"Moves into {s.stage}"
        if section == "lost":
            r: LostReason = row
            return FigureRef("lost", r.key), self.period, f"Deals lost for “{r.reason}”"
        f: ForecastStage = row
        return FigureRef("forecast", f.stage), self.period, f"Open deals in {f.stage}"

    @on(PagedList.Selected, ".insights-list")
    def _selected(self, event: PagedList.Selected) -> None:
        section = (event.paged_list.id or "").removeprefix("insights-")
        if event.row is None:
            return
        ref, period, title = self.figure(section, event.row)
        self.app.push_screen(InsightRecordsScreen(self.store, ref, period, title))

    def action_send_reason(self) -> None:
        from dualrole.services.sales import send_lost_reason_to_marketing

        section, row = self._focused()
        if section != "lost" or row is None:
            self.notify("Highlight a lost reason first (in the Lost reasons list).")
            return
        reason: LostReason = row
        segments = [(s.name, s.count, s.objections) for s in reason.segments]
        top = next((s.segment_id for s in reason.segments if s.segment_id is not None), None)
        sent = self.attempt(
            send_lost_reason_to_marketing, self.store, reason.reason, lost=reason.count,
            period=self.period.label, segments=segments, segment_id=top,
        )  # fmt: skip
        if sent is None:
            return
        _note, created = sent
        if created:
            self.notify(f"Sent “{reason.reason}” to marketing as a research note.", markup=False)
        else:
            self.notify(f"“{reason.reason}” was already sent for this period.", markup=False)


# --- the records behind a figure ------------------------------------------------------------


class InsightRecordsSource:
    """The records behind one insight, paged for a :class:`PagedList`."""

    def __init__(self, ref: FigureRef, period: Period) -> None:
        self.ref = ref
        self.period = period

    def count(self, store: Store) -> int:
        return count_behind(store, self.ref, self.period)

    def page(self, store: Store, offset: int, limit: int) -> list[Record]:
        return records_behind(store, self.ref, self.period, offset=offset, limit=limit)


GROUP_MEASURES = (("leads", "leads"), ("won", "deals won"), ("spend", "spend (results)"))


class InsightRecordsScreen(ModalScreen[None]):
    """The records behind one figure; enter opens one, escape goes back.

    For a channel, promotion or segment, ``1`` ``2`` ``3`` switch between the records behind
    its leads (and conversion, cost per lead), its deals won (revenue, cost per customer,
    ROI, days to won) and its spend (the promotion results logged in the period).
    """

    BINDINGS = [
        Binding("escape", "close", "Back", id="insight-records.close"),
        Binding("1", "measure(0)", "Leads", id="insight-records.leads"),
        Binding("2", "measure(1)", "Won", id="insight-records.won"),
        Binding("3", "measure(2)", "Spend", id="insight-records.spend"),
    ]

    def __init__(self, store: Store, ref: FigureRef, period: Period, title: str) -> None:
        super().__init__()
        self.store = store
        self.ref = ref
        self.period = period
        self.title_text = title

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "measure":
            return self.ref.section == "group"
        return True

    def _title(self) -> Text:
        return plain(f"{self.title_text} · {self.period.label}")

    def compose(self) -> ComposeResult:
        from dualrole.tui.areas.review.dialogs import RECORD_COLUMNS

        with Vertical(id="insight-records-box"):
            yield Label(self._title(), id="records-title")
            yield PagedList(
                self.store,
                InsightRecordsSource(self.ref, self.period),
                RECORD_COLUMNS,
                empty_text="No records behind this figure.",
                id="insight-records-list",
            )
            keys = "1 2 3: leads, won, spend · " if self.ref.section == "group" else ""
            yield Static(f"{keys}enter opens · esc back", id="records-keys")

    def action_measure(self, index: int) -> None:
        measure, label = GROUP_MEASURES[index]
        self.ref = FigureRef("group", self.ref.key, measure, self.ref.by)
        name = self.title_text.split(" of ", 1)[-1]
        self.title_text = f"{label.capitalize()} of {name}"
        self.query_one("#records-title", Label).update(self._title())
        listing = self.query_one(PagedList)
        listing.query_ = InsightRecordsSource(self.ref, self.period)
        listing.reload(keep_cursor=False)

    def on_mount(self) -> None:
        self.query_one(PagedList).focus()

    def action_close(self) -> None:
        self.dismiss(None)

    @on(PagedList.Selected, "#insight-records-list")
    def _open(self, event: PagedList.Selected) -> None:
        if event.row is None:
            return
        record: Record = event.row
        if record.prospect_id is not None:
            from dualrole.tui.areas.sales.prospect import ProspectScreen

            self.app.push_screen(ProspectScreen(record.prospect_id))
        else:
            self.notify("This record has no page of its own.", markup=False)
