"""The review as Markdown (to paste anywhere), laid out as in SKETCHES.md.

User text (promotion names, feedback titles, reflections) is escaped: every Markdown
special character gets a backslash, and inside tables pipes are escaped and line breaks
become spaces, so a cell can never break its row.
"""

from __future__ import annotations

import re

from dualrole.core.models import Side
from dualrole.core.words import counted
from dualrole.render.common import (
    SIDE_TITLES,
    actual_text,
    document_title,
    effort_text,
    grade_text,
    score_text,
    show_target,
    trend_text,
    week_heading,
    week_title,
)
from dualrole.review import Grade, WeeklyReview, split

_SPECIAL = re.compile(r"([\\`*_\[\]{}<>|~&#!])")
_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])", re.MULTILINE)


def escape(text: str) -> str:
    """Plain text that renders as itself in Markdown (block starts neutralised too)."""
    text = _SPECIAL.sub(r"\\\1", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}", text)


def cell(text: str) -> str:
    """Escaped text for a table cell: one line, pipes escaped."""
    return escape(" ".join(text.split()))


def _side(review: WeeklyReview, side: Side, level: str) -> list[str]:
    metrics = review.marketing if side == Side.marketing else review.sales
    lines = [
        f"{level} {SIDE_TITLES[side]}",
        "| metric | this week | target | grade | last 8 weeks + this |",
        "| --- | ---: | ---: | :---: | --- |",
    ]
    for m in metrics:
        lines.append(
            f"| {cell(m.label)} | {cell(actual_text(m, review.currency))} | "
            f"{cell(show_target(m, review.currency))} | {grade_text(m)} | {trend_text(m)} |"
        )
    score = review.scores[side]
    why = "" if review.status == "not started" else f"Why {score_text(review, side)}: "
    lines += ["", why + "; ".join(escape(r) for r in score.reasons)]
    graded = [m for m in metrics if m.grade not in (None, Grade.met, Grade.not_started)]
    lines += [f"- {escape(m.label)}: {escape(m.reason)}" for m in graded]
    if side == Side.sales and review.currency_note:
        lines += ["", f"*{escape(review.currency_note)}*"]
    return [*lines, ""]


def week_markdown(review: WeeklyReview, *, heading: str = "#") -> str:
    sub = heading + "#"
    h = review.handoff
    lines = [
        f"{heading} "
        + (f"Progress review — {week_title(review)}" if heading == "#" else week_heading(review)),
        "",
        f"**Marketing {score_text(review, Side.marketing)}** · "
        f"**Sales {score_text(review, Side.sales)}** · {escape(effort_text(review))}",
        "",
        *_side(review, Side.marketing, sub),
        *_side(review, Side.sales, sub),
        f"{sub} Handoff",
    ]
    by_promotion = ", ".join(f"{c.count} {escape(c.name)}" for c in h.leads_by_promotion)
    by_channel = ", ".join(f"{c.count} {escape(c.name)}" for c in h.leads_by_channel)
    detail = f" ({by_promotion}; by channel: {by_channel})" if h.leads else ""
    lines.append(f"- marketing → sales: {counted(h.leads, 'new lead')}{detail}")
    titles = ", ".join(f"“{escape(t)}”" for t in h.feedback_titles)
    titles = f" ({titles})" if titles else ""
    lines.append(f"- sales → marketing: {counted(h.feedback, 'feedback note')}{titles}")
    b = review.balance
    lines += [
        "",
        f"{sub} Balance",
        f"- actions: marketing {b.marketing_actions}, sales {b.sales_actions}",
        f"- focus hours: marketing {b.marketing_hours:.1f}, sales {b.sales_hours:.1f}",
        "- target split: marketing {} % / sales {} %".format(*split(b.target_marketing_share)),
        "",
        f"{sub} Reflection",
    ]
    r = review.reflection
    for label, text in (
        ("Went well", r.went_well),
        ("To improve", r.to_improve),
        ("Focus next week", r.focus_next),
    ):
        body = "  \n  ".join(escape(line) for line in text.splitlines()) if text.strip() else "—"
        lines.append(f"- {label}: {body}")
    return "\n".join(lines) + "\n"


def render_markdown(reviews: list[WeeklyReview]) -> str:
    if len(reviews) == 1:
        return week_markdown(reviews[0])
    parts = [f"# {document_title(reviews)}", ""]
    parts.append("| week | marketing | sales |")
    parts.append("| --- | ---: | ---: |")
    for review in reviews:
        parts.append(
            f"| {review.week} | {score_text(review, Side.marketing)} | "
            f"{score_text(review, Side.sales)} |"
        )
    parts.append("")
    parts += [week_markdown(review, heading="##") for review in reviews]
    return "\n".join(parts)
