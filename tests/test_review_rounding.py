"""One rounding rule for every percentage the review shows: 6 of 11 reads 55 % everywhere
(it read "54 % (6 of 11)" beside "partial (55 %)" and "54 % of 100 % (55 %)"), and the
reason says the figure once: "6 of 11 (55 %), target 100 %: 5 short" (not "55 % of 100 %
(55 %), 46 % short", which adds up to 101)."""

from __future__ import annotations

import datetime as dt

import pytest

from dualrole.core.models import FollowUpIn, ProspectIn
from dualrole.render import render
from dualrole.review import build_review, show_percent, show_value, split, whole_percent
from dualrole.services import sales

W47 = dt.date(2026, 11, 16)
DAY = dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("value", "shown"),
    [(54.5, 55), (0.545 * 100, 55), (54.49, 54), (2.5, 3), (99.5, 100), (0.5, 1), (100, 100)],
)
def test_whole_percent_rounds_halves_up(value, shown):
    assert whole_percent(value) == shown
    assert show_percent(value) == f"{shown} %"


def test_a_split_adds_up_to_a_hundred():
    assert split(45.5) == (46, 54)
    assert sum(split(33.35)) == 100


def test_six_of_eleven_reads_the_same_everywhere(store, monkeypatch):
    prospect = sales.create_prospect(store, ProspectIn(name="Eleven calls"))
    ids = [
        sales.create_followup(
            store,
            FollowUpIn(
                prospect_id=prospect.id, title=f"Call {n}", due_date=W47 + dt.timedelta(n % 5)
            ),
        ).id
        for n in range(11)
    ]
    for followup_id in ids[:6]:
        sales.complete_followup(store, followup_id)
    so_far = build_review(store, W47).metric("followup_completion")  # Fri 20 Nov: this week
    assert so_far.reason == "6 of 11 (55 %) so far, target 100 %: 5 to go"
    monkeypatch.setenv("DUALROLE_NOW", "2026-11-23T09:00:00")  # the week has ended
    review = build_review(store, W47)
    metric = review.metric("followup_completion")
    assert show_value(metric.actual, metric.unit) == "55 %"
    # once, one rounding: not "55 % of 100 % (55 %), 46 % short" (55 + 46 = 101)
    assert metric.reason == "6 of 11 (55 %), target 100 %: 5 short", metric.reason
    partial = next(r for r in review.scores[metric.side].reasons if r.startswith("partial"))
    assert "follow-ups due done (55 %)" in partial
    for fmt in ("md", "html", "csv", "json"):
        text = render([review], fmt)
        assert "55 %" in text and "54 %" not in text and "54%" not in text, fmt
        assert "46 %" not in text and "of 100 % (55 %)" not in text, fmt


def test_the_screen_and_insights_round_halves_up_too(store):
    """The review screen's balance line and Insights used Python's round-half-even
    (``:.0f``): 34.5 % read 34 % on screen and 35 % in the export."""
    from dualrole.insights.model import percent
    from dualrole.render.common import effort_text
    from dualrole.tui.areas.review.screen import footer_text

    review = build_review(store, W47)
    review.balance.marketing_share, review.balance.marketing_hours_share = 34.5, 62.5
    review.balance.marketing_hours, review.balance.sales_hours = 2.5, 1.5
    shown = str(footer_text(review))
    assert "actions 35 %" in shown and "(63 %)" in shown, shown
    assert "marketing 35 %" in effort_text(review) and "(63 %)" in effort_text(review)
    assert percent(0.625) == "63 %" and percent(0.345) == "35 %"
