"""A week built by hand through the services, and every figure its review must show.

Week 2026-W47 (Mon 16 – Sun 22 Nov, Europe/Berlin); the clock ends frozen at Fri 20 Nov
10:00. The workspace's first record is in W46, so W39–W45 have no figures ("—").
"""

from __future__ import annotations

import datetime as dt
import time

import pytest

from dualrole.core.models import (
    Channel,
    FollowUpIn,
    InteractionIn,
    MarketingTaskIn,
    PromotionIn,
    PromotionResultIn,
    PromotionStatus,
    ProspectIn,
    ReflectionIn,
    ResearchKind,
    ResearchNoteIn,
    Side,
    Stage,
)
from dualrole.review import save_reflection
from dualrole.services import focus, marketing, sales

FEEDBACK_TITLE = "pricing | *unclear* <b>=SUM(A1)</b>"
TRADE_FAIR = "Trade fair"

# key: (actual, target, grade, W46 value); None = "—". Money in minor units, rates in %.
EXPECTED: dict[str, tuple] = {
    "research_notes": (4, 2, "met", 0),
    "promotions_launched": (1, None, None, 1),
    "promotions_running": (2, 1, "met", 1),
    "promotions_finished": (0, None, None, 0),
    "reach": (12400, 5000, "met", 0),
    "engagement": (500, 250, "met", 0),
    "clicks": (70, None, None, 0),
    "leads": (4, 5, "partial", 0),
    "spend": (12000, None, None, 0),
    "cost_per_lead": (3000, 5000, "met", None),
    "tasks_due": (2, None, None, 0),
    "tasks_done": (1, None, None, 0),
    "task_completion": (50, 100, "partial", None),
    "prospects_added": (5, 3, "met", 1),
    "interactions": (4, 15, "missed", 1),
    "followups_due": (3, None, None, 1),
    "followups_done": (2, None, None, 0),
    "followup_completion": (66.7, 100, "partial", 0),
    "followups_overdue": (2, 0, "missed", 1),
    "stage_advances": (3, 3, "met", 0),
    "deals_won": (1, 1, "met", 0),
    "revenue": (840000, None, None, 0),
    "deals_lost": (1, None, None, 0),
    "win_rate": (50, 30, "met", None),
    "lead_to_won": (20, None, None, 0),
    "pipeline_open": (900000, None, None, None),
    "pipeline_weighted": (150000, None, None, None),
}
SCORES = {Side.marketing: 90, Side.sales: 70}  # overdue 2 against ≤ 0: 0 ÷ 2 = 0 credit


def at(monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    monkeypatch.setenv("DUALROLE_NOW", moment)


def local(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone()


def build_week(store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fill ``store`` with the known week; leaves the clock at Fri 20 Nov 10:00."""
    time.tzset()
    at(monkeypatch, "2026-11-10T09:00:00")  # W46
    trade = marketing.create_promotion(
        store,
        PromotionIn(name=TRADE_FAIR, channel=Channel.event, status=PromotionStatus.running),
    )
    old = sales.create_prospect(store, ProspectIn(name="Old Lead", value="3,000"))
    sales.create_followup(
        store, FollowUpIn(prospect_id=old.id, title="Chase", due_date="2026-11-12")
    )
    sales.log_interaction(
        store,
        InteractionIn(prospect_id=old.id, summary="Intro", occurred_at=local("2026-11-11T10:00")),
    )

    at(monkeypatch, "2026-11-16T09:00:00")  # Monday W47
    webinar = marketing.create_promotion(
        store,
        PromotionIn(name="Spring webinar", channel=Channel.email, status=PromotionStatus.running),
    )
    for kind, title in (
        (ResearchKind.consumer, "Café owners want bookings"),
        (ResearchKind.consumer, "Bakers buy on Mondays"),
        (ResearchKind.product, "No monthly plan"),
        (ResearchKind.feedback, FEEDBACK_TITLE),
    ):
        marketing.create_note(store, ResearchNoteIn(kind=kind, title=title))
    p1 = sales.create_prospect(
        store, ProspectIn(name="Priya Sharma", value="8,400", promotion_id=trade.id)
    )
    p2 = sales.create_prospect(
        store, ProspectIn(name="Northwind", value="2,000", promotion_id=trade.id)
    )
    sales.create_prospect(
        store, ProspectIn(name="Lotus Labs", value="1,000", promotion_id=trade.id)
    )
    sales.create_prospect(store, ProspectIn(name="Rahul Iyer", promotion_id=webinar.id))
    sales.create_prospect(store, ProspectIn(name="Okafor", value="5,000", source="referral"))
    task_a = marketing.create_task(store, MarketingTaskIn(title="Post", due_date="2026-11-18"))
    marketing.create_task(store, MarketingTaskIn(title="Newsletter", due_date="2026-11-19"))
    marketing.create_task(store, MarketingTaskIn(title="Plan Q1", due_date="2026-11-25"))
    followups = [
        sales.create_followup(store, FollowUpIn(prospect_id=old.id, title=t, due_date=d))
        for t, d in (("Call", "2026-11-17"), ("Send deck", "2026-11-18"), ("Email", "2026-11-19"))
    ]
    focus.start_focus(store, Side.marketing)
    at(monkeypatch, "2026-11-16T11:00:00")
    focus.stop_focus(store)

    at(monkeypatch, "2026-11-17T10:00:00")
    marketing.complete_task(store, task_a.id)
    sales.complete_followup(store, followups[0].id)
    marketing.log_result(
        store,
        PromotionResultIn(
            promotion_id=trade.id,
            day="2026-11-16",
            reach=10000,
            engagement=400,
            clicks=50,
            spend=12000,
        ),
    )
    marketing.log_result(
        store,
        PromotionResultIn(
            promotion_id=webinar.id, day="2026-11-17", reach=2400, engagement=100, clicks=20
        ),
    )
    at(monkeypatch, "2026-11-17T13:00:00")
    focus.start_focus(store, Side.sales)
    at(monkeypatch, "2026-11-17T16:00:00")
    focus.stop_focus(store)

    at(monkeypatch, "2026-11-18T10:00:00")
    sales.complete_followup(store, followups[1].id)
    for hour in (9, 10, 11, 12):
        sales.log_interaction(
            store,
            InteractionIn(
                prospect_id=p1.id, summary="Call", occurred_at=local(f"2026-11-18T{hour:02d}:00")
            ),
        )
    sales.move_stage(store, p1.id, Stage.contacted)
    sales.move_stage(store, p1.id, Stage.won)
    sales.move_stage(store, p2.id, Stage.lost, reason="price")
    sales.move_stage(store, old.id, Stage.qualified)
    save_reflection(
        store,
        "2026-W47",
        ReflectionIn(
            went_well="Fair | *busy*\n# not a heading",
            to_improve="=cmd|' /C calc'!A0",
            focus_next="<script>alert(1)</script>",
        ),
    )
    at(monkeypatch, "2026-11-20T10:00:00")
