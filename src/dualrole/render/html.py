"""The review as one self-contained HTML file: inline CSS, inline SVG, no external requests.

A Content-Security-Policy meta tag forbids every fetch and script (only inline styles run),
every piece of text goes through ``html.escape``, and the print stylesheet keeps each side's
table on one page.
"""

from __future__ import annotations

from html import escape

from dualrole.core.models import Side
from dualrole.core.words import counted
from dualrole.render.common import (
    SIDE_TITLES,
    actual_text,
    document_title,
    effort_text,
    grade_class,
    grade_text,
    score_text,
    show_target,
    trend_text,
    week_heading,
)
from dualrole.review import Grade, Metric, WeeklyReview, split, whole_percent

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)
COLOURS = {Side.marketing: "#7c4dcc", Side.sales: "#c8561b"}
"""The app's role colours (``tui/theme.py``: violet #bb9af7, orange #ff9e64), darkened to
read on white paper and in print."""

STYLE = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d1d1f;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; }
h2 { font-size: 1.25rem; border-bottom: 1px solid #ccc; margin-top: 2rem; }
.summary { color: #444; margin: .25rem 0 1rem; }
.side { border-left: 6px solid var(--c); padding: .25rem 0 .5rem 1rem; margin: 1.25rem 0;
        break-inside: avoid; }
.side h3 { color: var(--c); margin: .25rem 0 .5rem; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: .2rem .5rem; border-bottom: 1px solid #e3e3e3;
         vertical-align: top; }
th { font-weight: 600; background: #f6f6f6; }
td.num, th.num { text-align: right; }
td.spark { font-family: ui-monospace, monospace; white-space: pre; color: var(--c); }
.met { color: #1b7a35; font-weight: 600; } .partial { color: #a86400; font-weight: 600; }
.missed { color: #b3261e; font-weight: 600; }
.in-progress { color: #555; font-style: italic; } .not-started { color: #888; }
.why { margin: .5rem 0 0; color: #333; } .why li { margin: .1rem 0; }
svg { display: block; margin: .5rem 0; }
.reflection dt { font-weight: 600; margin-top: .5rem; }
.reflection dd { margin: 0 0 0 1rem; white-space: pre-wrap; }
@media print { body { margin: 0; max-width: none; font-size: 11pt; } h2 { break-before: page; }
               h2:first-of-type { break-before: avoid; } }
"""


def _chart(metrics: list[Metric], colour: str) -> str:
    """Horizontal bars: each graded metric's share of its target reached (0–100 %)."""
    graded = [m for m in metrics if m.credit is not None]
    if not graded:
        return ""
    row, label_w, bar_w = 18, 190, 300
    height = row * len(graded) + 6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 50}" '
        f'height="{height}" role="img" aria-label="share of target reached per metric">'
    ]
    for i, m in enumerate(graded):
        y = 3 + i * row
        width = round(bar_w * (m.credit or 0))
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 12}" font-size="11" text-anchor="end" '
            f'fill="#333">{escape(m.label)}</text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{bar_w}" height="12" fill="#eee"/>'
            f'<rect x="{label_w}" y="{y + 2}" width="{width}" height="12" fill="{colour}"/>'
            f'<text x="{label_w + bar_w + 6}" y="{y + 12}" font-size="11" fill="#333">'
            f"{whole_percent((m.credit or 0) * 100)}%</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _side(review: WeeklyReview, side: Side) -> str:
    metrics = review.marketing if side == Side.marketing else review.sales
    rows = []
    for m in metrics:
        grade = grade_text(m)
        rows.append(
            f"<tr><td>{escape(m.label)}</td>"
            f'<td class="num">{escape(actual_text(m, review.currency))}</td>'
            f'<td class="num">{escape(show_target(m, review.currency))}</td>'
            f'<td class="{grade_class(m)}">{grade}</td>'
            f'<td class="spark">{escape(trend_text(m))}</td></tr>'
        )
    score = review.scores[side]
    note = ""
    if side == Side.sales and review.currency_note:
        note = f'<p class="note"><em>{escape(review.currency_note)}</em></p>'
    reasons = "".join(f"<li>{escape(reason)}</li>" for reason in score.reasons)
    reasons += "".join(
        f"<li>{escape(m.label)}: {escape(m.reason)}</li>"
        for m in metrics
        if m.grade not in (None, Grade.met, Grade.not_started)
    )
    return (
        f'<section class="side {side.value}" style="--c: {COLOURS[side]}">'
        f"<h3>{escape(SIDE_TITLES[side])} · {escape(score_text(review, side))}</h3>"
        f"{_chart(metrics, COLOURS[side])}"
        "<table><thead><tr><th>metric</th><th class=num>this week</th>"
        "<th class=num>target</th><th>grade</th><th>last 8 weeks + this</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        f'<ul class="why">{reasons}</ul>{note}</section>'
    )


def _week(review: WeeklyReview, heading: str | None) -> str:
    h, b, r = review.handoff, review.balance, review.reflection
    promos = ", ".join(f"{c.count} {c.name}" for c in h.leads_by_promotion)
    channels = ", ".join(f"{c.count} {c.name}" for c in h.leads_by_channel)
    leads = counted(h.leads, "new lead") + (
        f" ({promos}; by channel: {channels})" if h.leads else ""
    )
    titles = ", ".join(f"“{t}”" for t in h.feedback_titles)
    feedback = counted(h.feedback, "feedback note") + (f" ({titles})" if titles else "")
    reflection = "".join(
        f"<dt>{label}</dt><dd>{escape(text) if text.strip() else '—'}</dd>"
        for label, text in (
            ("Went well", r.went_well),
            ("To improve", r.to_improve),
            ("Focus next week", r.focus_next),
        )
    )
    title = f"<{heading}>{escape(week_heading(review))}</{heading}>" if heading else ""
    marketing, sales = split(b.target_marketing_share)
    return (
        f"{title}"
        f'<p class="summary"><strong>Marketing {escape(score_text(review, Side.marketing))}'
        f"</strong> · <strong>Sales {escape(score_text(review, Side.sales))}</strong> · "
        f"{escape(effort_text(review))}</p>"
        f"{_side(review, Side.marketing)}{_side(review, Side.sales)}"
        f"<h3>Handoff</h3><ul><li>marketing → sales: {escape(leads)}</li>"
        f"<li>sales → marketing: {escape(feedback)}</li></ul>"
        f"<h3>Balance</h3><ul><li>actions: marketing {b.marketing_actions}, "
        f"sales {b.sales_actions}</li><li>focus hours: marketing {b.marketing_hours:.1f}, "
        f"sales {b.sales_hours:.1f}</li><li>target split: marketing "
        f"{marketing} % / sales {sales} %</li>"
        f'</ul><h3>Reflection</h3><dl class="reflection">{reflection}</dl>'
    )


def render_html(reviews: list[WeeklyReview]) -> str:
    title = document_title(reviews)
    if len(reviews) == 1:
        weeks = _week(reviews[0], None)
    else:
        weeks = "".join(_week(review, "h2") for review in reviews)
    return page(title, weeks)


def page(title: str, body_html: str) -> str:
    """A whole HTML document: ``title`` (escaped here) as its title and first heading, then
    ``body_html``, under the shared style and a policy that lets nothing load or run."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><h1>{escape(title)}</h1>{body_html}</body></html>\n"
    )
