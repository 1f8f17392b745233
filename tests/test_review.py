"""The weekly review's numbers: a hand-built week, empty weeks, grading, targets, reflections."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from dualrole.core.dates.reading import parse_week
from dualrole.core.models import ReflectionIn, Side
from dualrole.render import render
from dualrole.review import (
    BY_KEY,
    CATALOGUE,
    DASH,
    Grade,
    build_review,
    build_reviews,
    get_reflection,
    get_targets,
    grade,
    parse_target,
    save_reflection,
    set_target,
    show_value,
    sparkline,
)
from review_week import EXPECTED, FEEDBACK_TITLE, SCORES, TRADE_FAIR, build_week

W47 = parse_week("2026-W47")


@pytest.fixture
def week_store(store, monkeypatch):
    build_week(store, monkeypatch)
    return store


def test_every_number_of_the_hand_built_week(week_store):
    review = build_review(week_store, W47)
    assert review.week == "2026-W47"
    assert (review.monday, review.sunday) == (dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    assert review.previous_weeks[0] == "2026-W39" and review.previous_weeks[-1] == "2026-W46"
    assert [m.key for m in review.metrics()] == [d.key for d in CATALOGUE]
    for key, (actual, target, grade_, w46) in EXPECTED.items():
        metric = review.metric(key)
        assert metric.actual == (None if actual is None else pytest.approx(actual, abs=0.05)), key
        assert metric.target == target, key
        # Fri 20 Nov is inside W47: what is not reached yet is in progress, not failed.
        now = "in progress" if grade_ in ("partial", "missed") else grade_
        assert (metric.grade.value if metric.grade else None) == now, key
        if BY_KEY[key].trend:
            # W39–W45 end before the first record: "—"; W46 is the week before.
            assert metric.previous[:7] == [None] * 7, key
            assert metric.previous[7] == w46, key
        else:
            assert metric.previous == [], key


def test_details_scores_and_reasons(week_store):
    review = build_review(week_store, W47)
    assert review.metric("research_notes").detail == "2 consumer, 1 product, 1 feedback"
    assert review.metric("leads").detail == f"3 {TRADE_FAIR}, 1 Spring webinar"
    assert review.metric("cost_per_lead").detail == "€120 ÷ 4 leads"
    assert review.metric("task_completion").detail == "1 of 2 due"
    assert review.metric("followup_completion").detail == "2 of 3 due"
    assert review.metric("deals_won").detail == "€8,400"
    assert review.metric("win_rate").detail == "1 won of 2 closed"
    assert review.metric("lead_to_won").detail == "1 of 5 added"
    assert review.metric("pipeline_open").detail == "4 open deals"
    assert review.metric("leads").reason == "4 of 5 so far (80 %), 1 to go"
    assert review.metric("followups_overdue").reason == "2 so far is over the limit of 0 (0 %)"
    completion = review.metric("followup_completion").reason
    assert completion == "2 of 3 (67 %) so far, target 100 %: 1 to go"
    assert review.metric("reach").reason == "12,400 against a target of 5,000: met"
    assert review.metric("clicks").reason == "no target set"
    for side, score in SCORES.items():
        assert review.scores[side].score == score
    marketing = review.scores[Side.marketing].reasons
    assert marketing[0].startswith("90 so far = the average of 7 graded metrics")
    assert marketing[1] == "the week is in progress until Sun 22 Nov"
    assert marketing[3] == "in progress: leads generated (80 %), tasks due done (50 %)"
    sales = review.scores[Side.sales].reasons
    assert sales[-1] == (
        "in progress: interactions (27 %), follow-ups due done (67 %), follow-ups overdue (0 %)"
    )


def test_handoff_balance_and_reflection(week_store):
    review = build_review(week_store, W47)
    h = review.handoff
    assert h.leads == 4
    assert [(c.name, c.count) for c in h.leads_by_promotion] == [
        (TRADE_FAIR, 3),
        ("Spring webinar", 1),
    ]
    assert [(c.name, c.count) for c in h.leads_by_channel] == [("event", 3), ("email", 1)]
    assert (h.feedback, h.feedback_titles) == (1, [FEEDBACK_TITLE])
    b = review.balance
    assert (b.marketing_actions, b.sales_actions) == (8, 15)
    assert b.marketing_share == pytest.approx(34.8)
    assert (b.marketing_hours, b.sales_hours) == (2.0, 3.0)
    assert b.marketing_hours_share == 40.0
    assert b.target_marketing_share == 40.0
    assert review.reflection.to_improve == "=cmd|' /C calc'!A0"


def test_records_in_the_trash_do_not_count(week_store):
    from dualrole.services.records import soft_delete

    prospect_id = week_store.scalar("SELECT id FROM prospects WHERE name = 'Priya Sharma'")
    soft_delete(week_store, "prospect", int(prospect_id))
    review = build_review(week_store, W47)
    assert review.metric("interactions").actual == 0
    assert review.metric("deals_won").actual == 0
    assert review.metric("leads").actual == 3
    assert review.metric("stage_advances").actual == 1


def test_empty_workspace_gives_dashes_not_errors(store):
    review = build_review(store, W47)
    for metric in review.metrics():
        if BY_KEY[metric.key].trend:
            assert metric.actual is None, metric.key
            assert metric.previous == [None] * 8
        assert metric.grade is None
    assert review.scores[Side.marketing].score is None
    assert review.balance.marketing_share is None
    assert show_value(review.metric("reach").actual, "count") == DASH


def test_week_before_the_first_record_and_an_empty_week_after(week_store):
    before = build_review(week_store, parse_week("2026-W40"))
    assert before.metric("interactions").actual is None
    later = build_review(week_store, parse_week("2026-W49"))
    assert later.metric("interactions").actual == 0
    assert later.metric("cost_per_lead").actual is None  # no leads: no cost per lead
    assert later.metric("win_rate").actual is None
    assert later.metric("cost_per_lead").reason == "not started: the week begins Mon 30 Nov 2026"


def test_a_week_that_has_not_started_is_not_graded(week_store):
    """Issue 24: the next week read "Sales 0/100", every metric "missed"."""
    later = build_review(week_store, parse_week("2026-W48"))
    assert later.status == "not started"
    for metric in later.metrics():
        expected = None if metric.target is None else Grade.not_started
        assert metric.grade == expected and metric.credit is None, metric.key
    for side in Side:
        assert later.scores[side].score is None
        assert later.scores[side].reasons == ["not started: the week begins Mon 23 Nov 2026"]
    # What will be overdue when a later week ends is not known: not today's overdue count.
    assert build_review(week_store, W47).metric("followups_overdue").actual
    assert later.metric("followups_overdue").actual is None
    for fmt in ("md", "html", "json", "csv"):
        text = render([later], fmt).split("</style>")[-1]
        assert "missed" not in text and "0/100" not in text and "not started" in text, fmt
    assert "Why not started" not in render([later], "md")  # said once, not "not started: not…"


def test_a_week_that_has_ended_is_graded_for_good(week_store, monkeypatch):
    monkeypatch.setenv("DUALROLE_NOW", "2026-11-23T09:00:00")  # the Monday after W47
    review = build_review(week_store, W47)
    assert review.status == "ended"
    assert review.metric("leads").grade == Grade.partial
    assert review.metric("leads").reason == "4 of 5 (80 %), 1 short"
    assert review.metric("interactions").grade == Grade.missed
    assert review.metric("task_completion").reason == "1 of 2 (50 %), target 100 %: 1 short"
    assert review.scores[Side.marketing].reasons[0].startswith("90 = the average")
    assert "so far" not in render([review], "md") and "in progress" not in render([review], "md")


def test_trend_false_skips_history_with_the_same_week(week_store):
    full, lean = build_review(week_store, W47), build_review(week_store, W47, trend=False)
    assert [m.actual for m in full.metrics()] == [m.actual for m in lean.metrics()]
    assert all(m.previous == [] for m in lean.metrics())


def test_a_day_inside_the_week_reviews_that_week(week_store):
    assert build_review(week_store, dt.date(2026, 11, 19)).week == "2026-W47"
    weeks = build_reviews(week_store, parse_week("2026-W45"), parse_week("2026-W47"))
    assert [r.week for r in weeks] == ["2026-W45", "2026-W46", "2026-W47"]
    with pytest.raises(ValueError, match="before"):
        build_reviews(week_store, W47, parse_week("2026-W40"))


def test_targets_defaults_set_and_validation(store):
    targets = get_targets(store)
    assert targets["leads"] == 5 and targets["clicks"] is None
    assert set_target(store, "leads", "8") == 8
    assert set_target(store, "cost_per_lead", "40") == 4000  # typed in euros, kept in cents
    assert set_target(store, "win_rate", "25 %") == 25
    assert set_target(store, "reach", None) is None
    assert set_target(store, "clicks", 100) == 100
    targets = get_targets(store)
    assert (targets["leads"], targets["cost_per_lead"], targets["reach"]) == (8, 4000, None)
    for metric, value, message in (
        ("leads", "-1", "cannot be negative"),
        ("leads", "nan", "finite"),
        ("leads", "inf", "finite"),
        ("leads", "many", "must be a number"),
        ("win_rate", "150", "percentage"),
        ("nonsense", "1", "not a metric"),
    ):
        with pytest.raises(ValueError, match=message):
            set_target(store, metric, value)
    with pytest.raises(ValueError, match="finite"):
        set_target(store, "leads", math.nan)
    assert get_targets(store)["leads"] == 8  # nothing half-written


def test_ungraded_metric_is_shown_not_graded(week_store):
    set_target(week_store, "leads", None)
    review = build_review(week_store, W47)
    leads = review.metric("leads")
    assert leads.actual == 4 and leads.grade is None and leads.reason == "no target set"
    assert review.scores[Side.marketing].score == round(100 * 5.5 / 6)


def test_reflection_round_trip(store):
    assert get_reflection(store, "2026-W47") is None
    saved = save_reflection(store, "2026-W47", ReflectionIn(went_well="Shipped", focus_next="Fair"))
    assert (saved.went_well, saved.to_improve, saved.focus_next) == ("Shipped", "", "Fair")
    save_reflection(store, "2026-W47", ReflectionIn(went_well="Changed"))
    assert get_reflection(store, "2026-W47").went_well == "Changed"
    with pytest.raises(ValueError):
        save_reflection(store, "week 47", ReflectionIn())


@given(
    actual=st.floats(min_value=0, max_value=1e9, allow_nan=False),
    target=st.floats(min_value=0, max_value=1e9, allow_nan=False),
    better=st.sampled_from(["higher", "lower"]),
)
@example(actual=996006984.0, target=995509001.0, better="lower")  # 99.95 %: once "met"
@example(actual=999.9, target=1000.0, better="higher")
def test_grade_credit_is_bounded_and_consistent(actual, target, better):
    definition = BY_KEY["leads" if better == "higher" else "followups_overdue"]
    result, credit, _ = grade(definition, actual, target)
    assert 0 <= credit <= 1
    assert (result.value == "met") == (credit >= 1)
    reached = actual >= target if better == "higher" else actual <= target
    assert reached == (result.value == "met")


@given(st.lists(st.one_of(st.none(), st.floats(0, 1e6)), max_size=12))
def test_sparkline_has_one_character_per_week(values):
    line = sparkline(values)
    assert len(line) == (len(values) if any(v is not None for v in values) else 0)


def test_parse_target_accepts_blank_as_no_target():
    assert parse_target("leads", " none ") is None
    assert parse_target("cost_per_lead", "€1,000.50") == 100050
