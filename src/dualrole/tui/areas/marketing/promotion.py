"""A promotion's page: what it says and to whom, spend vs budget, results, and its leads.

Pushed on top of Marketing (or opened from Today / the palette); ``escape`` goes back.
Results over time show as a table and a sparkline of reach; the leads are the prospects
whose source is this promotion, with their stage and value (``enter`` opens one). Keys of
:mod:`marketing_actions` work here: ``r`` log a result, ``a`` advance, ``c`` set status.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Sparkline, Static

import dualrole.tui.areas.marketing.forms as forms
from dualrole.core.dates import clock
from dualrole.core.enums import RecordKind
from dualrole.core.models import Promotion, PromotionResult
from dualrole.core.money import format_money, per
from dualrole.services import marketing, undo
from dualrole.services.lists import ProspectFilter, ProspectRow, ProspectSort, prospects_query
from dualrole.services.marketing import PromotionSummary
from dualrole.services.records import soft_delete
from dualrole.services.settings import workspace_currency
from dualrole.storage.db import NotFoundError
from dualrole.tui import format as fmt
from dualrole.tui.areas.marketing.actions import PROMOTION_BINDINGS, PromotionActions
from dualrole.tui.navigation import OpenRecord
from dualrole.tui.text import plain
from dualrole.tui.widgets.keybar import KeyBar
from dualrole.tui.widgets.paged_list import Column, PagedList, RowsSource


def short_day(value: str) -> str:
    """``2026-11-20`` → ``20 Nov`` this year, ``Nov 2025`` otherwise (fits 80 columns)."""
    day = dt.date.fromisoformat(value)
    return f"{day:%d %b}" if day.year == clock.today().year else f"{day:%b %Y}"


class ResultLine(NamedTuple):
    """One day's results as listed, with the workspace's currency for its spend."""

    result: PromotionResult
    currency: str


RESULT_COLUMNS: list[Column[ResultLine]] = [
    Column("Day", lambda r: short_day(r.result.day.isoformat())),
    Column("Reach", lambda r: f"{r.result.reach:,}", width=8, justify="right"),
    Column("Engaged", lambda r: f"{r.result.engagement:,}", width=7, justify="right"),
    Column("Clicks", lambda r: f"{r.result.clicks:,}", width=6, justify="right"),
    Column("Spend", lambda r: fmt.money(r.result.spend, r.currency), width=9, justify="right"),
]
LEAD_COLUMNS: list[Column[ProspectRow]] = [
    Column("Lead", lambda r: r.name, ratio=2),
    Column("Stage", lambda r: r.stage, width=11, style=lambda r: r.stage),
    Column("Value", lambda r: fmt.money(r.value_minor, r.currency), width=7, justify="right"),
]
STATUS_STYLE = {"running": "bold", "done": "dim", "cancelled": "dim strike"}
BAR_WIDTH = 24


def budget_bar(spend: int, budget: int | None, currency: str) -> Content:
    """``€465 of €1,500`` over ``███████░░░░░░░  31 %`` ($error when over budget)."""
    if not budget:
        return Content.assemble(
            (format_money(spend, currency), "bold"), ("  spent · no budget set", "dim")
        )
    share = spend / budget
    filled = min(round(share * BAR_WIDTH), BAR_WIDTH)
    colour = "$error" if share > 1 else "$success"
    return Content.assemble(
        (format_money(spend, currency), "bold"),
        f" of {format_money(budget, currency)}\n",
        ("█" * filled, colour),
        ("░" * (BAR_WIDTH - filled), "dim"),
        (f" {share:.0%}" + (" over budget" if share > 1 else ""), colour),
    )


def summary_text(
    summary: PromotionSummary,
    results: list[PromotionResult],
    currency: str,
    won_currency: str | None = None,
) -> Text:
    """Totals of the logged results and what the leads became: spend in ``currency`` (the
    promotion's), the deals won in ``won_currency`` (the workspace's; default ``currency``)."""
    text = Text()
    rows = [
        ("reach", f"{summary.reach:,}"),
        ("engaged", f"{summary.engagement:,}"),
        ("clicks", f"{summary.clicks:,}"),
        (
            "results",
            f"{len(results)} logged" + (f", last {fmt.day(results[-1].day)}" if results else ""),
        ),
        ("leads", f"{summary.leads:,}"),
        ("won", f"{summary.won:,} ({format_money(summary.won_value, won_currency or currency)})"),
    ]
    if summary.leads and summary.spend:
        rows.append(("per lead", format_money(per(summary.spend, summary.leads), currency)))
    for index, (label, value) in enumerate(rows):
        text.append(("\n" if index else "") + f"{label:<9}", style="dim")
        text.append(value)
    return text


class PromotionScreen(PromotionActions):
    """One promotion, everything about it."""

    TITLE_TEXT = "Promotion"
    SIDE = "marketing"
    BINDINGS = [
        Binding("escape", "back", "Back", id="promotion.back"),
        Binding("e", "edit", "Edit", id="promotion.edit", tooltip="Edit name, message, dates…"),
        Binding(
            "n", "new_lead", "New lead", id="promotion.new_lead", tooltip="From this promotion"
        ),
        *PROMOTION_BINDINGS,
        Binding("delete", "delete", "Delete", id="promotion.delete", tooltip="u undoes"),
    ]

    def __init__(self, promotion_id: int) -> None:
        super().__init__()
        self.promotion_id = promotion_id
        self.promotion: Promotion | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        with Horizontal(id="promotion-body", classes="page-body"):
            with VerticalScroll(id="promotion-left", classes="page-left"):
                yield Static("", id="promotion-details")
                yield Static("Spend vs budget", classes="section-title")
                yield Static("", id="promotion-budget")
                yield Static("Totals", classes="section-title")
                yield Static("", id="promotion-summary")
                yield Static("Reach over time", classes="section-title")
                yield Sparkline([], id="promotion-spark")
            with Vertical(id="promotion-right", classes="page-right"):
                yield Static("Results (r logs one)", classes="section-title")
                yield PagedList(
                    self.store,
                    RowsSource([]),
                    RESULT_COLUMNS,
                    id="promotion-results",
                    classes="page-list",
                    empty_text="No results yet — r logs reach, clicks, spend.",
                )
                yield Static("Leads it produced", classes="section-title")
                yield PagedList(
                    self.store,
                    prospects_query(self.store, self._lead_filter()),
                    LEAD_COLUMNS,
                    id="promotion-leads",
                    classes="page-list",
                    row_style=lambda r: "lost" if r.stage == "lost" else None,
                    empty_text="No leads yet (prospects with this promotion as source).",
                )
        yield KeyBar()

    def _lead_filter(self) -> ProspectFilter:
        return ProspectFilter(promotion_id=self.promotion_id, sort=ProspectSort.newest)

    def on_mount(self) -> None:
        self.query_one("#promotion-results", PagedList).focus()

    def refresh_data(self) -> None:
        try:
            promotion = marketing.get_promotion(self.store, self.promotion_id)
        except NotFoundError:
            self.notify("That promotion no longer exists (deleted elsewhere?).")
            self.dismiss()
            return
        self.promotion = promotion
        results = marketing.results_for(self.store, self.promotion_id)
        summary = marketing.promotion_summary(self.store, self.promotion_id)
        currency = promotion.currency or workspace_currency(self.store)  # spend and budget
        self._show_details(promotion, currency)
        self.query_one("#promotion-budget", Static).update(
            budget_bar(summary.spend, promotion.budget, currency)
        )
        self.query_one("#promotion-summary", Static).update(
            summary_text(summary, results, currency, workspace_currency(self.store))
        )
        self.query_one("#promotion-spark", Sparkline).data = [r.reach for r in results] or [0]
        rows = [ResultLine(result, currency) for result in reversed(results)]
        table = self.query_one("#promotion-results", PagedList)
        table.refresh_query(RowsSource(rows))
        self.query_one("#promotion-leads", PagedList).reload()

    def _show_details(self, p: Promotion, currency: str) -> None:
        segments = {i: n for n, i in marketing.segment_choices(self.store)}
        dates = " → ".join(fmt.day(str(d)) if d else "…" for d in (p.start_date, p.end_date))
        lines = [
            ("status", p.status.value),
            ("channel", p.channel.value),
            ("segment", segments.get(p.segment_id, "?") if p.segment_id else "—"),
            ("dates", dates if p.start_date or p.end_date else "—"),
            ("budget", format_money(p.budget, currency)),
        ]
        text = Text()
        text.append_text(plain(p.name, "bold"))
        for label, value in lines:
            text.append(f"\n{label:<9}", style="dim")
            style = STATUS_STYLE.get(value, "") if label == "status" else ""
            text.append_text(plain(value, style))
        if p.message.strip():
            text.append("\n\n")
            text.append_text(plain(p.message, multiline=True))
        self.query_one("#promotion-details", Static).update(text)
        left = self.query_one("#promotion-left")
        left.border_title = plain(p.status.value)

    # --- actions -------------------------------------------------------------------------

    def selected_promotion_id(self) -> int | None:
        return self.promotion_id

    def action_new_lead(self) -> None:
        """A prospect whose source is this promotion, in its segment (both editable)."""
        from dualrole.tui.areas.sales.prospect_forms import prospect_form

        if self.promotion is None:
            return
        defaults = {
            "source": "promotion",
            "promotion_id": self.promotion.id,
            "segment_id": self.promotion.segment_id,
        }

        def added(prospect: Any) -> None:
            if prospect is not None:
                self.notify(f"Lead added: {prospect.name}.", markup=False)

        self.app.push_screen(prospect_form(self.store, defaults=defaults), added)

    def action_back(self) -> None:
        self.dismiss()

    def action_edit(self) -> None:
        form = self.attempt(forms.edit_form, self.store, "promotions", self.promotion_id)
        if form is not None:
            self.app.push_screen(form, self._after("Saved."))

    def action_delete(self) -> None:
        label = self.attempt(soft_delete, self.store, "promotion", self.promotion_id)
        if label is not None:
            self.remember(undo.deleted("promotion", self.promotion_id, label))
            self.notify(f"Deleted {label!r} — press u to undo.", markup=False)
            self.dismiss()

    @on(PagedList.Selected, "#promotion-leads")
    def _open_lead(self, event: PagedList.Selected) -> None:
        row: ProspectRow | None = event.row
        if row is not None:
            self.app.post_message(OpenRecord(RecordKind.prospect, row.id))
