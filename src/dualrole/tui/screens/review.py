"""The weekly review screen: marketing and sales side by side, graded, with the reflection.

Everything shown comes from one :func:`~dualrole.review.build_review` model (the same one
the exports render). ``[`` / ``]`` move between weeks, ``.`` returns to this week; the
reflection fields are saved with ``ctrl+s`` (or when leaving a field). User text is shown as
plain text, never as markup.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Input, Label, Static

from dualrole import clock
from dualrole.models import ReflectionIn, Side
from dualrole.review import (
    DASH,
    Metric,
    WeeklyReview,
    build_review,
    save_reflection,
    show_target,
    show_value,
    sparkline,
)
from dualrole.tui.screens.base import AreaScreen

GRADE_STYLE = {"met": "bold green", "partial": "bold yellow", "missed": "bold red"}
FIELDS = (("went_well", "Went well"), ("to_improve", "To improve"), ("focus_next", "Focus next"))


def this_monday() -> dt.date:
    today = clock.today()
    return today - dt.timedelta(days=today.weekday())


def side_text(review: WeeklyReview, side: Side) -> Text:
    """One side's metrics, score and reasons as plain rich Text (user text never markup)."""
    metrics: list[Metric] = review.marketing if side == Side.marketing else review.sales
    score = review.scores[side]
    text = Text()
    text.append(f"{side.value.capitalize()} {DASH if score.score is None else score.score}")
    text.append("/100\n\n" if score.score is not None else "\n\n")
    for m in metrics:
        actual = show_value(m.actual, m.unit, review.currency)
        text.append(f"{m.label[:26]:<27}")
        text.append(f"{actual:>10} ")
        text.append(f"{show_target(m, review.currency):>8} ", style="dim")
        grade = m.grade.value if m.grade else ""
        text.append(f"{grade:<8}", style=GRADE_STYLE.get(grade, ""))
        text.append(sparkline([*m.previous, m.actual]) if m.previous else "")
        text.append("\n")
    text.append("\n")
    for reason in score.reasons:
        text.append(f"• {reason}\n", style="dim")
    return text


def footer_text(review: WeeklyReview) -> Text:
    h, b = review.handoff, review.balance
    text = Text()
    names = ", ".join(f"{c.count} {c.name}" for c in h.leads_by_promotion)
    text.append(f"marketing → sales: {h.leads} leads" + (f" ({names})" if names else "") + "\n")
    titles = ", ".join(f"“{t}”" for t in h.feedback_titles[:5])
    text.append(f"sales → marketing: {h.feedback} feedback" + (f" ({titles})" if titles else ""))
    share = DASH if b.marketing_share is None else f"{b.marketing_share:.0f} %"
    hours = DASH if b.marketing_hours_share is None else f"{b.marketing_hours_share:.0f} %"
    text.append(
        f"\nbalance: marketing actions {share} · focus marketing {b.marketing_hours:.1f} h / "
        f"sales {b.sales_hours:.1f} h ({hours}) · target {b.target_marketing_share:.0f} %"
    )
    return text


class ReviewScreen(AreaScreen):
    TITLE_TEXT = "Weekly review"
    CSS_PATH = "review.tcss"
    BINDINGS = [
        Binding("[", "week(-1)", "Prev week", id="review.previous", tooltip="Previous week"),
        Binding("]", "week(1)", "Next week", id="review.next", tooltip="Next week"),
        Binding(".", "this_week", "This week", id="review.this", tooltip="Back to this week"),
        Binding("ctrl+s", "save", "Save reflection", id="review.save", tooltip="Save"),
        Binding("x", "export", "Export", id="review.export", tooltip="Export as Markdown"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.monday = this_monday()
        self.review: WeeklyReview | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        with VerticalScroll(id="review-body"):
            yield Label("", id="review-week")
            with Horizontal(id="review-sides"):
                yield Static("", id="review-marketing", classes="side marketing")
                yield Static("", id="review-sales", classes="side sales")
            yield Static("", id="review-handoff")
            with Vertical(id="review-reflection"):
                for name, label in FIELDS:
                    yield Label(label)
                    yield Input(id=f"reflection-{name}", placeholder=label)
        yield Footer()

    def refresh_data(self) -> None:
        review = self.attempt(build_review, self.store, self.monday)
        if review is None:
            return
        self.review = review
        span = f"{review.monday:%d %b} – {review.sunday:%d %b %Y}"
        self.query_one("#review-week", Label).update(Text(f"{review.week} · {span}"))
        self.query_one("#review-marketing", Static).update(side_text(review, Side.marketing))
        self.query_one("#review-sales", Static).update(side_text(review, Side.sales))
        self.query_one("#review-handoff", Static).update(footer_text(review))
        for name, _label in FIELDS:
            self.query_one(f"#reflection-{name}", Input).value = getattr(review.reflection, name)

    def action_week(self, step: int) -> None:
        self.action_save()
        self.monday += dt.timedelta(weeks=step)
        self.refresh_data()

    def action_this_week(self) -> None:
        self.action_save()
        self.monday = this_monday()
        self.refresh_data()

    def action_save(self) -> None:
        if self.review is None:
            return
        values = {name: self.query_one(f"#reflection-{name}", Input).value for name, _ in FIELDS}
        if values == self.review.reflection.model_dump():
            return
        if self.attempt(save_reflection, self.store, self.review.week, ReflectionIn(**values)):
            self.review.reflection = self.review.reflection.model_copy(update=values)
            self.notify(f"Reflection for {self.review.week} saved.")

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_export(self) -> None:
        if self.review is not None:
            self._export(self.review, Path.cwd() / f"review-{self.review.week}.md")

    @work(thread=True, exclusive=True, group="review-export")
    def _export(self, review: WeeklyReview, path: Path) -> None:
        from dualrole.export import ExportError, render, write_atomic

        try:
            if path.exists():
                raise ExportError(f"{path} already exists; use `dualrole review -o` to replace it.")
            write_atomic(path, render([review], "md"), database=self.store.path)
        except (ExportError, OSError) as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self.notify, f"Exported to {path}.", markup=False)
