"""What every export shares: titles and the cells of a metric row.

Files are written by ``dualrole.storage.files``.
"""

from __future__ import annotations

import datetime as dt

from dualrole.core.dates.when import format_span
from dualrole.core.models import Side
from dualrole.core.words import counted
from dualrole.review import (
    DASH,
    Metric,
    WeeklyReview,
    show_percent,
    show_target,
    show_value,
    sparkline,
    split,
)

SIDE_TITLES = {
    Side.marketing: "Marketing — building awareness and demand",
    Side.sales: "Sales — turning relationships into revenue",
}


def week_span(monday: dt.date, sunday: dt.date) -> str:
    """``16–22 Nov`` or ``30 Nov – 6 Dec`` (in the workspace's date style)."""
    return format_span(monday, sunday)


def week_title(review: WeeklyReview) -> str:
    year, week, _ = review.monday.isocalendar()
    return f"week {week}, {year} ({week_span(review.monday, review.sunday)})"


def week_heading(review: WeeklyReview) -> str:
    """``Week 47, 2026 (16–22 Nov)``."""
    title = week_title(review)
    return title[0].upper() + title[1:]


def document_title(reviews: list[WeeklyReview]) -> str:
    if len(reviews) == 1:
        return f"Progress review — {week_title(reviews[0])}"
    weeks = counted(len(reviews), "week")
    return f"Progress review — {reviews[0].week} to {reviews[-1].week} ({weeks})"


def actual_text(metric: Metric, currency: str) -> str:
    """The figure with its explanation: ``4 (2 consumer, 2 product)``."""
    text = show_value(metric.actual, metric.unit, currency)
    if metric.detail and metric.actual is not None:
        text += f" ({metric.detail})"
    return text


def trend_text(metric: Metric) -> str:
    """The sparkline of the previous weeks and this one (blank for snapshots)."""
    return sparkline([*metric.previous, metric.actual]) if metric.previous else ""


def score_text(review: WeeklyReview, side: Side) -> str:
    """``70/100``; ``70/100 so far`` for the current week; ``not started`` for a later one."""
    if review.status == "not started":
        return "not started"
    score = review.scores[side].score
    so_far = " so far" if review.status == "in progress" else ""
    return DASH if score is None else f"{score}/100{so_far}"


def effort_text(review: WeeklyReview) -> str:
    b = review.balance
    target = "target {}/{}".format(*split(b.target_marketing_share))
    if b.marketing_share is None:
        actions = f"actions {DASH}"
    else:
        marketing, sales = split(b.marketing_share)
        actions = f"actions: marketing {marketing} % / sales {sales} %"
    if b.marketing_hours_share is None:
        hours = f"focus hours {DASH}"
    else:
        hours = (
            f"focus: marketing {b.marketing_hours:.1f} h ({show_percent(b.marketing_hours_share)})"
            f" / sales {b.sales_hours:.1f} h"
        )
    return f"{actions} · {hours} ({target})"


def grade_text(metric: Metric) -> str:
    return metric.grade.value if metric.grade else ""


def grade_class(metric: Metric) -> str:
    """The grade as an HTML class name: ``met``, ``in-progress``…"""
    return grade_text(metric).replace(" ", "-")


__all__ = ["DASH", "show_target", "show_value"]


class ExportError(ValueError):
    """A review that cannot be rendered (one sentence for the person at the keyboard)."""
