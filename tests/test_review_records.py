"""The records behind each review figure: the right ones, as many as the figure counts."""

from __future__ import annotations

import pytest

from dualrole.core.dates.reading import parse_week
from dualrole.review import CATALOGUE, build_review
from dualrole.review.records import count_behind, records_behind
from review_week import EXPECTED, FEEDBACK_TITLE, TRADE_FAIR, build_week

W47 = parse_week("2026-W47")
W46 = parse_week("2026-W46")


@pytest.fixture
def week_store(store, monkeypatch):
    build_week(store, monkeypatch)
    return store


def titles(store, metric, monday=W47):
    return sorted(record.title for record in records_behind(store, metric, monday))


def test_every_count_metric_lists_as_many_records_as_it_counts(week_store):
    review = build_review(week_store, W47)
    counted = [
        m for m in CATALOGUE if m.unit == "count" and m.key not in ("reach", "engagement", "clicks")
    ]
    for definition in counted:
        actual = review.metric(definition.key).actual
        assert count_behind(week_store, definition.key, W47) == actual, definition.key
        assert len(records_behind(week_store, definition.key, W47)) == actual, definition.key


def test_the_records_are_the_ones_behind_the_figure(week_store):
    assert titles(week_store, "leads") == ["Lotus Labs", "Northwind", "Priya Sharma", "Rahul Iyer"]
    assert titles(week_store, "prospects_added") == [
        "Lotus Labs",
        "Northwind",
        "Okafor",
        "Priya Sharma",
        "Rahul Iyer",
    ]
    won = records_behind(week_store, "deals_won", W47)
    assert [(r.kind, r.title) for r in won] == [("prospect", "Priya Sharma")]
    assert won[0].prospect_id == won[0].id
    assert FEEDBACK_TITLE in titles(week_store, "research_notes")
    assert len(titles(week_store, "research_notes")) == EXPECTED["research_notes"][0]
    interactions = records_behind(week_store, "interactions", W47)
    assert {r.kind for r in interactions} == {"interaction"}
    assert {r.title for r in interactions} == {"Priya Sharma"}
    assert all(r.prospect_id is not None for r in interactions)
    overdue = records_behind(week_store, "followups_overdue", W47)
    assert {r.kind for r in overdue} == {"followup"} and len(overdue) == 2
    assert titles(week_store, "tasks_due") == ["Newsletter", "Post"]
    results = records_behind(week_store, "reach", W47)
    assert sorted(r.title for r in results) == ["Spring webinar", TRADE_FAIR]
    spend = [r.detail.split(" · spend ")[-1] for r in records_behind(week_store, "spend", W47)]
    assert spend and all(s.startswith("€") for s in spend), spend  # never "80.00" (issue 24)
    closed = records_behind(week_store, "win_rate", W47)
    assert sorted((r.title, r.detail.split(" · ")[-1]) for r in closed) == [
        ("Northwind", "lost"),
        ("Priya Sharma", "won"),
    ]


def test_other_weeks_and_paging(week_store):
    assert titles(week_store, "prospects_added", W46) == ["Old Lead"]
    assert records_behind(week_store, "deals_won", W46) == []
    first = records_behind(week_store, "prospects_added", W47, limit=2)
    rest = records_behind(week_store, "prospects_added", W47, offset=2, limit=10)
    assert len(first) == 2 and len(rest) == 3
    assert {r.id for r in first}.isdisjoint({r.id for r in rest})


def test_trash_and_unknown_metric(week_store):
    from dualrole.services.records import soft_delete

    prospect_id = week_store.scalar("SELECT id FROM prospects WHERE name = 'Priya Sharma'")
    soft_delete(week_store, "prospect", int(prospect_id))
    assert records_behind(week_store, "interactions", W47) == []
    assert records_behind(week_store, "deals_won", W47) == []
    with pytest.raises(ValueError, match="not a review metric"):
        records_behind(week_store, "nope", W47)
