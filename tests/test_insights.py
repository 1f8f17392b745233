"""Insights across weeks: every figure of two hand-built weeks, empty periods, the records
behind each figure, the lost reason sent to marketing, and the exports' contract."""

from __future__ import annotations

import datetime as dt
import json
from itertools import pairwise

import pytest

from dualrole.insights import Period, build_insights, default_period
from dualrole.insights.records import FigureRef, count_behind, records_behind
from dualrole.render.insights import render_insights
from dualrole.services.sales import send_lost_reason_to_marketing
from dualrole.services.settings import set_setting
from insights_fixture import CHANNELS, FUNNEL, PERIOD, SEGMENTS, TOTALS, build_weeks

FIELDS = ("spend_minor", "leads", "won", "revenue_minor", "cost_per_lead_minor",
          "cost_per_customer_minor", "roi", "conversion", "median_days_to_won")  # fmt: skip


@pytest.fixture
def weeks(store, monkeypatch):
    ids = build_weeks(store, monkeypatch)
    return store, ids


def _figures(group) -> tuple:
    return tuple(getattr(group, name) for name in FIELDS)


def _approx(values: tuple) -> tuple:
    return tuple(None if v is None else pytest.approx(v, abs=1e-4) for v in values)


def test_every_group_figure_of_the_hand_built_weeks(weeks):
    store, ids = weeks
    found = build_insights(store, PERIOD)
    assert _figures(found.totals) == _approx(TOTALS)
    assert [g.name for g in found.channels] == list(CHANNELS)  # most revenue first
    for group in found.channels:
        assert _figures(group) == _approx(CHANNELS[group.name]), group.name
    promotions = {g.name: g for g in found.promotions}
    assert set(promotions) == {"Fair", "Ads", "Quiet"}  # "Gone" is in the trash
    assert _figures(promotions["Fair"]) == _approx(CHANNELS["event"])
    assert promotions["Quiet"].promotion_id == ids["quiet"]
    assert [g.name for g in found.segments] == list(SEGMENTS)
    for group in found.segments:
        assert _figures(group) == _approx(SEGMENTS[group.name]), group.name
    assert found.segments[0].segment_id == ids["cafes"]


def test_funnel_lost_reasons_forecast_and_weeks(weeks):
    store, _ids = weeks
    found = build_insights(store, PERIOD)
    stages = {s.stage: s for s in found.funnel.stages}
    assert list(stages) == list(FUNNEL)
    for stage, expected in FUNNEL.items():
        s = stages[stage]
        got = (s.entered, s.advanced, s.conversion, s.median_days, s.lost, s.still_there)
        assert got == _approx(expected), stage
    assert found.funnel.stall == "negotiation"  # the lowest conversion measured

    assert found.lost_total == 2
    (reason,) = found.lost_reasons
    assert (reason.reason, reason.count, reason.value_minor, reason.share) == (
        "Price",
        2,
        50000,
        1.0,
    )  # fmt: skip  ("Price" and "price" are one reason)
    assert [(s.name, s.count, s.objections) for s in reason.segments] == [
        ("(no segment)", 1, ""), ("Dentists", 1, "Privacy"),
    ]  # fmt: skip

    f = found.forecast
    assert (f.open_deals, f.open_value_minor, f.by_chance_minor) == (4, 90000, 39000)
    lead = f.stages[0]
    assert (lead.stage, lead.open_deals, lead.open_value_minor) == ("lead", 3, 40000)
    assert lead.measured_rate == pytest.approx(1 / 3, abs=1e-4)  # P1 won, P2 and P5 lost
    assert lead.measured_minor == 13333
    negotiation = f.stages[-1]
    assert (negotiation.measured_rate, negotiation.measured_minor) == (None, None)
    assert (f.by_measured_minor, f.unmeasured_value_minor) == (13333, 50000)

    assert [(w.first, w.leads, w.won, w.revenue_minor, w.spend_minor) for w in found.weeks] == [
        (dt.date(2026, 11, 9), 3, 1, 100000, 30000),
        (dt.date(2026, 11, 16), 1, 0, 0, 0),
    ]


def test_an_empty_period_has_dashes_not_zero_percent(weeks):
    store, _ids = weeks
    found = build_insights(store, Period(dt.date(2020, 1, 6), dt.date(2020, 1, 19)))
    assert (found.channels, found.promotions, found.segments, found.lost_reasons) == ([],) * 4
    assert _figures(found.totals) == (0, 0, 0, 0, None, None, None, None, None)
    assert all(s.entered == 0 and s.conversion is None for s in found.funnel.stages)
    assert found.funnel.stall is None
    assert all(s.measured_rate is None for s in found.forecast.stages)
    assert found.forecast.open_deals == 4  # the pipeline is now, whatever the period
    text = render_insights(found, "md")
    assert "0 %" not in text.split("## Forecast")[0] and "∞" not in text
    assert "No deal was lost in this period." in text


def test_an_empty_workspace(store):
    found = build_insights(store, default_period())
    assert found.totals.leads == 0 and found.forecast.open_deals == 0
    assert len(found.weeks) == 13
    for fmt in ("md", "html", "json", "csv"):
        assert render_insights(found, fmt)


def test_default_period_is_the_last_13_weeks():
    period = default_period()  # the clock is frozen on Fri 20 Nov 2026
    assert (period.first, period.last) == (dt.date(2026, 8, 24), dt.date(2026, 11, 22))
    assert period.first.weekday() == 0 and len(period.weeks()) == 13
    with pytest.raises(ValueError, match="--to comes before --from"):
        Period(dt.date(2026, 11, 9), dt.date(2026, 11, 1))


def _names(store, ref: FigureRef, period: Period = PERIOD) -> list[str]:
    found = records_behind(store, ref, period)
    assert count_behind(store, ref, period) == len(found)
    return sorted(record.title for record in found)


def test_the_records_show_amounts_as_money(weeks):
    """Deal values and spend read as the app writes money (issue 24: raw ␟ codes, bare 80.00)."""
    store, _ids = weeks
    won = records_behind(store, FigureRef("group", "event", "won", "channel"), PERIOD)
    assert won and all("\x1f" not in r.detail for r in won)
    assert [r.detail for r in won] == ["won · €1,000 · Fair"]
    spend = records_behind(store, FigureRef("group", "event", "spend", "channel"), PERIOD)
    assert [r.detail for r in spend] == ["event · spend €200 · reach 0"]
    set_setting(store, "currency", "GBP")  # spend carries no currency: the workspace's
    spend = records_behind(store, FigureRef("group", "event", "spend", "channel"), PERIOD)
    assert spend[0].detail.startswith("event · spend £200")


def test_the_records_behind_each_figure(weeks):
    store, ids = weeks
    assert _names(store, FigureRef("totals", measure="leads")) == ["P1", "P2", "P3", "P6"]
    assert _names(store, FigureRef("totals", measure="roi")) == ["P1"]
    assert _names(store, FigureRef("group", "event", "leads", "channel")) == ["P1", "P2"]
    assert _names(store, FigureRef("group", "event", "spend", "channel")) == ["Fair"]
    assert _names(store, FigureRef("group", str(ids["ads"]), "won", "promotion")) == []
    dentists = str(ids["dentists"])
    assert _names(store, FigureRef("group", dentists, "leads", "segment")) == ["P2", "P3", "P6"]
    assert _names(store, FigureRef("group", dentists, "spend", "segment")) == ["Ads"]
    assert _names(store, FigureRef("group", "", "leads", "segment")) == []
    assert _names(store, FigureRef("funnel", "lead", "entered")) == [
        "P1", "P2", "P3", "P4", "P5", "P6",
    ]  # fmt: skip
    assert _names(store, FigureRef("funnel", "lead", "advanced")) == ["P1", "P3"]
    assert _names(store, FigureRef("funnel", "lead", "lost")) == ["P2", "P5"]
    assert _names(store, FigureRef("funnel", "lead", "still_there")) == ["P4", "P6"]
    assert _names(store, FigureRef("funnel", "won", "entered")) == ["P1", "P3"]
    assert _names(store, FigureRef("lost", "price")) == ["P2", "P5"]
    assert _names(store, FigureRef("forecast", "negotiation")) == ["P3"]
    assert _names(store, FigureRef("forecast", "")) == ["Early", "P3", "P4", "P6"]
    week = PERIOD.weeks()[1]
    assert _names(store, FigureRef("week"), week) == ["P6"]
    record = records_behind(store, FigureRef("totals", measure="won"), PERIOD)[0]
    assert (record.kind, record.prospect_id) == ("prospect", ids["p1"])
    with pytest.raises(ValueError, match="not a funnel stage"):
        records_behind(store, FigureRef("funnel", "lost", "entered"), PERIOD)


def test_a_lost_reason_goes_to_marketing_once(weeks):
    store, _ids = weeks
    reason = build_insights(store, PERIOD).lost_reasons[0]
    segments = [(s.name, s.count, s.objections) for s in reason.segments]
    args = dict(lost=reason.count, period=PERIOD.label, segments=segments)
    note_id, created = send_lost_reason_to_marketing(store, reason.reason, **args)
    assert created
    row = store.query("SELECT kind, source, title, body FROM research_notes WHERE id = ?",
                      (note_id,))[0]  # fmt: skip
    assert (row[0], row[1]) == ("feedback", "sales feedback")
    assert row[2] == "Lost deals: Price (2 in 2026-11-09 to 2026-11-22)"
    assert "- Dentists: 1 — objections on record: Privacy" in row[3]
    assert send_lost_reason_to_marketing(store, reason.reason, **args) == (note_id, False)


def test_the_json_contract(weeks):
    store, ids = weeks
    document = json.loads(render_insights(build_insights(store, PERIOD), "json"))
    assert document["schema_version"] == 1 and document["kind"] == "insights"
    assert document["period"] == {"first": "2026-11-09", "last": "2026-11-22"}
    assert document["channels"][0] == {
        "channel": "event", "spend_minor": 20000, "leads": 2, "won": 1,
        "revenue_minor": 100000, "cost_per_lead_minor": 10000, "cost_per_customer_minor": 20000,
        "roi": 4.0, "conversion": 0.5, "median_days_to_won": 4.0,
    }  # fmt: skip
    promotion = document["promotions"][0]
    assert (promotion["promotion_id"], promotion["name"]) == (ids["fair"], "Fair")
    assert document["segments"][-1]["segment_id"] is None
    assert document["channels"][-1]["roi"] is None  # nothing spent: null, not 0 or ∞
    assert document["funnel"][0] == {
        "stage": "lead", "entered": 6, "advanced": 2, "conversion": 0.3333, "median_days": 2.5,
        "lost": 2, "still_there": 2,
    }  # fmt: skip
    assert document["funnel_stall"] == "negotiation"
    assert document["lost_reasons"][0]["reason"] == "Price"
    assert document["lost_reasons"][0]["key"] == "price"
    assert document["forecast"]["by_chance_minor"] == 39000


def test_markdown_html_and_csv(weeks):
    store, _ids = weeks
    found = build_insights(store, PERIOD)
    md = render_insights(found, "md")
    assert "| event | €200 | 2 | 1 | €1,000 | €100 | €200 | 400 % | 50 % | 4.0 d |" in md
    assert "| email | €0 | 0 | 0 | €0 | — | — | — | — | — |" in md
    assert "Deals stall at negotiation" in md
    only = render_insights(found, "md", "segment")
    assert "## By segment" in only and "## By channel" not in only
    html = render_insights(found, "html")
    assert (
        "Content-Security-Policy" in html
        and "<svg" in html
        and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    )
    csv_text = render_insights(found, "csv", "channel").splitlines()
    assert csv_text[0].startswith("by,key,name,currency,spend,leads,won,revenue,cost_per_lead,")
    assert csv_text[1] == "channel,event,event,EUR,200.00,2,1,1000.00,100.00,200.00,4.0,0.5,4.0"
    assert csv_text[-1].startswith("total,,all promotions,EUR,300.00,4,1,1000.00")


def test_the_demo_has_something_to_say(demo_store):
    found = build_insights(demo_store, default_period())
    assert found.totals.leads > 0 and found.totals.won > 0
    assert found.channels and found.funnel.stall is not None and found.lost_reasons
    assert len({r.reason for r in found.lost_reasons}) > 1


def test_every_markdown_table_names_each_column_once(weeks):
    """Issue 24: the weekly trend's table had two "leads" columns (the count and its bar)."""
    store, _ids = weeks
    md = render_insights(build_insights(store, PERIOD), "md")
    lines = md.splitlines()
    headers = [
        line for line, after in pairwise(lines)
        if line.startswith("| ") and after.startswith("| ---")
    ]  # fmt: skip
    assert len(headers) >= 5, md
    for header in headers:
        names = [name.strip() for name in header.strip("|").split("|")]
        assert len(names) == len(set(names)), header
    assert "| week | leads | won | revenue | spend | trend |" in headers
