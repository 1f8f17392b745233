"""The weekly review screen: marketing and sales side by side, graded, with the reflection.

Everything shown comes from one :func:`~dualrole.review.build_review` model (the same one
the exports render). Each side is a list of its metrics (actual, target, grade, 8-week
trend) under its score; the line below the sides explains the highlighted metric, and
enter lists the records behind it (``dialogs.RecordsScreen``). ``[`` / ``]`` move
between weeks, ``.`` returns to this week, ``g`` edits the weekly targets, ``x`` exports
(format and file asked in a dialog, written in a worker). The reflection fields are
multi-line text areas (enter starts a new line, escape leaves the field and the text stays);
they are saved with ``ctrl+s``, before an export, or when moving to another week, and an
export always carries what was typed. Narrower than ``SIDE_BY_SIDE``
columns, the sides stack so no figure is cut. User text is plain text, never markup.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.geometry import Region
from textual.widgets import Label, Static, TextArea

from dualrole.core.dates import clock
from dualrole.core.dates.when import format_day, format_span
from dualrole.core.models import ReflectionIn, Side
from dualrole.core.money import format_money_short
from dualrole.core.words import counted
from dualrole.review import (
    Metric,
    WeeklyReview,
    build_review,
    get_targets,
    save_reflection,
    show_percent,
    show_target,
    show_value,
    sparkline,
)
from dualrole.review.model import ReflectionText
from dualrole.storage.db import StorageError
from dualrole.tui.areas.base import AreaScreen
from dualrole.tui.text import plain
from dualrole.tui.widgets.keybar import KeyBar
from dualrole.tui.widgets.paged_list import Column, PagedList, RowsSource
from dualrole.tui.widgets.topbar import TopBar

FIELDS = (("went_well", "Went well"), ("to_improve", "To improve"), ("focus_next", "Focus next"))
GRADE_STYLE = {"met": "won", "partial": "today", "missed": "overdue", "in progress": "muted",
               "not started": "muted"}  # fmt: skip
SIDE_BY_SIDE = 110
ACTUAL_WIDTH = 9  # columns from which the two sides fit next to each other
SHORT_LABELS = {
    "marketing_tasks_due": "tasks due",
    "tasks_due": "tasks due",
    "tasks_done": "tasks done",
    "task_completion": "tasks due done",
    "win_rate": "won ÷ closed",
    "lead_to_won": "lead → won (new)",
    "pipeline_weighted": "weighted pipeline",
}


def same_lines(text: str) -> str:
    """``text`` with one kind of line break (what a text area gives back)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def this_monday() -> dt.date:
    today = clock.today()
    return today - dt.timedelta(days=today.weekday())


def cell_value(metric: Metric, currency: str, width: int = ACTUAL_WIDTH) -> str:
    """The figure as in the exports, compact (``€1.2M``) when money would not fit."""
    text = show_value(metric.actual, metric.unit, currency)
    if len(text) > width and metric.unit == "money" and metric.actual is not None:
        return format_money_short(metric.actual, currency)
    return text


def metric_columns(currency: Callable[[], str]) -> list[Column[Metric]]:
    """Metric · actual · target · grade · trend: the label takes what the figures leave."""
    return [
        Column("Metric", lambda r: SHORT_LABELS.get(r.key, r.label)),
        Column("Actual", lambda r: cell_value(r, currency()), width=ACTUAL_WIDTH,
               justify="right"),
        Column("Target", lambda r: show_target(r, currency()), width=7, justify="right"),
        Column("Grade", lambda r: r.grade or "", width=11,
               style=lambda r: GRADE_STYLE.get(str(r.grade or ""))),
        Column("Trend", lambda r: sparkline([*r.previous, r.actual])
               if r.previous else "", width=9),
    ]  # fmt: skip


def score_title(review: WeeklyReview, side: Side) -> str:
    from dualrole.render.common import score_text

    return f"{side.value.capitalize()} {score_text(review, side)}"


def reasons_text(review: WeeklyReview, side: Side) -> Text:
    reasons = list(review.scores[side].reasons)
    if side == Side.sales and review.currency_note:  # its revenue adds other currencies
        reasons.append(review.currency_note)
    return plain("\n".join(f"• {reason}" for reason in reasons), "dim", multiline=True)


def explain(metric: Metric, review: WeeklyReview) -> Text:
    """One line on the highlighted metric: the figure, its detail, target and reason."""
    actual = show_value(metric.actual, metric.unit, review.currency)
    text = Text(f"{metric.label}: ", style="bold")
    text.append_text(plain(actual + (f" ({metric.detail})" if metric.detail else "")))
    if metric.reason:
        text.append_text(plain(f" — {metric.reason}", "dim"))
    text.append("  · enter: the records behind it", style="dim italic")
    return text


def footer_text(review: WeeklyReview) -> Text:
    h, b = review.handoff, review.balance
    names = ", ".join(f"{c.count} {c.name}" for c in h.leads_by_promotion)
    titles = ", ".join(f"“{t}”" for t in h.feedback_titles[:5])
    share = show_percent(b.marketing_share)  # one rounding, as in the exports
    hours = show_percent(b.marketing_hours_share)
    lines = [
        f"marketing → sales: {counted(h.leads, 'lead')}" + (f" ({names})" if names else ""),
        f"sales → marketing: {h.feedback} feedback" + (f" ({titles})" if titles else ""),
        f"balance: marketing actions {share} · focus marketing {b.marketing_hours:.1f} h / "
        f"sales {b.sales_hours:.1f} h ({hours}) · target {show_percent(b.target_marketing_share)}",
    ]
    return plain("\n".join(lines), multiline=True)


class ReviewScreen(AreaScreen):
    TITLE_TEXT = "Weekly review"
    AUTO_FOCUS = "#metrics-marketing"  # focus() in on_mount raced a quick quit
    BINDINGS = [  # save first: the footer keeps it at 80 columns
        Binding(
            "ctrl+s", "save", "Save reflection", id="review.save", tooltip="Save"
        ),  # first: kept at 80 columns
        Binding("[", "week(-1)", "Prev week", id="review.previous", tooltip="Previous week"),
        Binding("]", "week(1)", "Next week", id="review.next", tooltip="Next week"),
        Binding(".", "this_week", "This week", id="review.this", tooltip="Back to this week"),
        Binding("g", "targets", "Targets", id="review.targets", tooltip="Edit weekly targets"),
        Binding("x", "export", "Export", id="review.export", tooltip="Export the review"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.monday = this_monday()
        self.review: WeeklyReview | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        columns = metric_columns(lambda: self.review.currency if self.review else "EUR")
        with VerticalScroll(id="review-body"):
            yield Label("", id="review-week")
            with Horizontal(id="review-sides"):
                for side in Side:
                    with Vertical(id=f"review-{side.value}", classes=f"side {side.value}"):
                        yield PagedList(self.store, RowsSource([]), columns,
                                        id=f"metrics-{side.value}", classes="metrics")  # fmt: skip
                        yield Static("", id=f"reasons-{side.value}", classes="reasons")
            yield Static("", id="review-explain")
            yield Static("", id="review-handoff")
            with Vertical(id="review-reflection"):
                for name, label in FIELDS:
                    yield Label(label)
                    yield TextArea(id=f"reflection-{name}", placeholder=label, soft_wrap=True,
                                   show_line_numbers=False, compact=True)  # fmt: skip
        yield KeyBar()

    @on(Resize)
    def _resized(self, event: Resize) -> None:
        self.set_class(event.size.width < SIDE_BY_SIDE, "-narrow")

    def refresh_data(self) -> None:
        monday = self.monday  # built in the background: 160 ms at 1M interactions
        self.compute_then_show(
            lambda store: build_review(store, monday), self._show, group="review-build"
        )

    def _show(self, review: WeeklyReview) -> None:
        if review.monday != self.monday:  # the owner moved on to another week meanwhile
            return
        # Shown again (after a dialog, the help): what was typed and not saved stays.
        keep_typed = (
            self.review is not None and self.review.monday == review.monday and self.unsaved_input()
        )
        self.review = review
        span = f"{format_day(review.monday, year=False)} – {format_day(review.sunday)}"
        this = " (this week)" if review.monday == this_monday() else ""
        self.query_one("#review-week", Label).update(Text(f"{review.week} · {span}{this}"))
        self.query_one(TopBar).detail = f"{review.week}{this and ' (this week)'}"
        for side in Side:
            metrics = review.marketing if side == Side.marketing else review.sales
            box = self.query_one(f"#review-{side.value}", Vertical)
            box.border_title = score_title(review, side)
            listing = self.query_one(f"#metrics-{side.value}", PagedList)
            listing.styles.height = len(metrics) + 1
            listing.refresh_query(RowsSource(list(metrics)))
            self.query_one(f"#reasons-{side.value}", Static).update(reasons_text(review, side))
        self.query_one("#review-handoff", Static).update(footer_text(review))
        if not keep_typed:
            for name, _label in FIELDS:
                field = self.query_one(f"#reflection-{name}", TextArea)
                field.load_text(same_lines(getattr(review.reflection, name)))
        self._explain(self._focused_metric())

    # --- the highlighted metric -------------------------------------------------------------

    def _focused_metric(self) -> Metric | None:
        focused = self.focused
        listing = focused if isinstance(focused, PagedList) else None
        if listing is None:
            listing = self.query_one("#metrics-marketing", PagedList)
        metric: Metric | None = listing.row
        return metric

    def _explain(self, metric: Metric | None) -> None:
        text = explain(metric, self.review) if metric and self.review else Text("")
        self.query_one("#review-explain", Static).update(text)

    @on(PagedList.Highlighted, ".metrics")
    def _highlighted(self, event: PagedList.Highlighted) -> None:
        if event.row is not None and event.paged_list.has_focus:
            self._explain(event.row)
            listing = event.paged_list
            body = self.query_one("#review-body", VerticalScroll)
            line = listing.region.y - body.region.y + int(body.scroll_y) + 1 + event.index
            body.scroll_to_region(Region(0, line, 1, 1), animate=False, immediate=True)

    @on(PagedList.Selected, ".metrics")
    def _selected(self, event: PagedList.Selected) -> None:
        if event.row is None or self.review is None:
            return
        from dualrole.tui.areas.review.dialogs import RecordsScreen

        self.app.push_screen(RecordsScreen(self.store, event.row, self.review))

    # --- weeks and reflection --------------------------------------------------------------

    def action_week(self, step: int) -> None:
        self.action_save()
        self.monday += dt.timedelta(weeks=step)
        self.refresh_data()  # deliberate: another week is shown, not a write

    def action_this_week(self) -> None:
        self.action_save()
        self.monday = this_monday()
        self.refresh_data()  # deliberate: another week is shown, not a write

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_field":  # escape in a reflection: back to the metrics, text kept
            return isinstance(self.focused, TextArea)
        return super().check_action(action, parameters)

    def _typed(self) -> dict[str, str]:
        return {
            name: same_lines(self.query_one(f"#reflection-{name}", TextArea).text)
            for name, _ in FIELDS
        }

    def _saved_text(self) -> dict[str, str]:
        """The saved reflection as its fields show it back (line breaks as one kind)."""
        assert self.review is not None
        saved = self.review.reflection.model_dump()
        return {name: same_lines(saved[name]) for name, _ in FIELDS}

    def unsaved_input(self) -> bool:
        """Reflection text typed and not saved (asked about on quit: ``tui/dialogs/quit.py``)."""
        if self.review is None or not self.is_mounted:
            return False
        return self._typed() != self._saved_text()

    def unsaved_label(self) -> str:
        """The reflection by its week, as the quit question names it."""
        return f"the reflection of {self.review.week}" if self.review else "the reflection"

    def save_input(self) -> bool:
        """Save the reflection; False (one sentence shown) when it could not be."""
        self.action_save()
        return not self.unsaved_input()

    def action_save(self) -> None:
        if self.review is None:
            return
        values = self._typed()
        if values == self._saved_text():
            return
        if self.attempt(save_reflection, self.store, self.review.week, ReflectionIn(**values)):
            self.review.reflection = self.review.reflection.model_copy(update=values)
            self.notify(f"Reflection for {self._week_named(self.review)} saved.")

    # --- targets and export ----------------------------------------------------------------

    def action_targets(self) -> None:
        from dualrole.tui.areas.review.dialogs import TargetsForm

        targets = self.attempt(get_targets, self.store)
        if targets is None:
            return

        def saved(changed: bool | None) -> None:
            if changed:
                self.notify("Targets saved; the review is graded against them.")

        self.app.push_screen(TargetsForm(self.store, targets), saved)

    def action_export(self) -> None:
        if self.review is None:
            return
        from dualrole.tui.areas.review.dialogs import ExportScreen

        # What was typed is saved first; were it refused (a locked file), the export still
        # carries it: an export never silently drops the reflection.
        self.action_save()
        typed = ReflectionText(**self._typed())
        review = self.review.model_copy(update={"reflection": typed})

        def chosen(choice: tuple[Path, str] | None) -> None:
            if choice is not None:
                self._export(review, *choice)

        self.app.push_screen(ExportScreen(review.week, self.store.path), chosen)

    @work(thread=True, exclusive=True, group="review-export")
    def _export(self, review: WeeklyReview, path: Path, fmt: str) -> None:
        from dualrole.render import ExportError, render
        from dualrole.storage.files import write_file

        try:  # the dialog asked before replacing a file
            write_file(path, render([review], fmt), database=self.store.path, force=True)
        except (ExportError, StorageError, OSError) as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            return
        exported = f"Exported {self._week_named(review)} to {path}."
        self.app.call_from_thread(self.notify, exported, markup=False)

    @staticmethod
    def _week_named(review: WeeklyReview) -> str:
        """``2026-W47 (16–22 Nov)``, its days in the workspace's date style."""
        return f"{review.week} ({format_span(review.monday, review.sunday)})"
