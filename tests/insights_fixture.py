"""Two weeks built by hand through the services, and every insight they must show.

Period 2026-W46 – W47 (Mon 9 – Sun 22 Nov 2026, Europe/Berlin); the clock ends frozen at
Fri 20 Nov 10:00. Hand-computed (money in minor units):

- Leads (live prospects from a live promotion, created in the period): P1, P2 (Fair), P3,
  P6 (Ads). Not leads: Early (created in W45), P5 (a referral), P4 (its promotion "Gone" is
  in the trash), P7 (in the trash).
- Won now: P1 (€1,000). P3 was won, then reopened to negotiation: not won.
- Spend in the period: Fair €200, Ads €100 (Fair's €50 of 5 Nov is before the period; the
  trashed Gone's €70 never counts). "Quiet" ran and brought nothing: all "—".
- Segments: P1 has none → Fair's (Cafés); P2 has its own (Dentists); P3, P6 → Ads' (Dentists).
"""

from __future__ import annotations

import datetime as dt
import time

import pytest

from dualrole.core.models import (
    Channel,
    PromotionIn,
    PromotionResultIn,
    PromotionStatus,
    ProspectIn,
    SegmentIn,
    Stage,
)
from dualrole.insights import Period
from dualrole.services import marketing, sales
from dualrole.services.records import soft_delete

PERIOD = Period(dt.date(2026, 11, 9), dt.date(2026, 11, 22))
RUNNING = PromotionStatus.running

# (spend, leads, won, revenue, cost/lead, cost/customer, roi, conversion, median days)
TOTALS = (30000, 4, 1, 100000, 7500, 30000, 2.3333, 0.25, 4.0)
CHANNELS = {
    "event": (20000, 2, 1, 100000, 10000, 20000, 4.0, 0.5, 4.0),
    "online ads": (10000, 2, 0, 0, 5000, None, -1.0, 0.0, None),
    "email": (0, 0, 0, 0, None, None, None, None, None),
}
SEGMENTS = {
    "Cafés": (20000, 1, 1, 100000, 20000, 20000, 4.0, 1.0, 4.0),
    "Dentists": (10000, 3, 0, 0, 3333, None, -1.0, 0.0, None),
    "(no segment)": (0, 0, 0, 0, None, None, None, None, None),
}
# stage: (entered, advanced, conversion, median days, lost, still there)
FUNNEL = {
    "lead": (6, 2, 0.3333, 2.5, 2, 2),
    "contacted": (1, 1, 1.0, 2.0, 0, 0),
    "qualified": (0, 0, None, None, 0, 0),
    "proposal": (0, 0, None, None, 0, 0),
    "negotiation": (1, 0, 0.0, None, 0, 1),
    "won": (2, None, None, None, 0, 1),
}


def at(monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    monkeypatch.setenv("DUALROLE_NOW", moment)


def build_weeks(store, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Fill ``store``; returns the ids by name. Leaves the clock at Fri 20 Nov 10:00."""
    time.tzset()
    at(monkeypatch, "2026-11-03T09:00:00")  # W45, before the period
    cafes = marketing.create_segment(
        store, SegmentIn(name="Cafés", objections="Too expensive for one shop")
    )
    dentists = marketing.create_segment(store, SegmentIn(name="Dentists", objections="Privacy"))

    def promo(name: str, channel: Channel, seg: int | None = None) -> int:
        data = PromotionIn(name=name, channel=channel, status=RUNNING, segment_id=seg)
        return marketing.create_promotion(store, data).id

    fair = promo("Fair", Channel.event, cafes.id)
    ads = promo("Ads", Channel.online_ads, dentists.id)
    quiet = promo("Quiet", Channel.email)
    gone = promo("Gone", Channel.social_media)
    early = sales.create_prospect(store, ProspectIn(name="Early", value="100", promotion_id=fair))
    marketing.log_result(store, PromotionResultIn(promotion_id=fair, day="2026-11-05", spend=5000))

    at(monkeypatch, "2026-11-10T09:00:00")  # W46

    def new(name: str, **fields: object) -> int:
        return sales.create_prospect(store, ProspectIn(name=name, **fields)).id

    p1 = new("P1", value="1,000", promotion_id=fair)
    p2 = new("P2", value="200", promotion_id=fair, segment_id=dentists.id)
    p3 = new("P3", value="500", promotion_id=ads)
    p4 = new("P4", value="300", promotion_id=gone)
    p5 = new("P5", value="300", source="referral")
    for promotion, day, spend in ((fair, "10", 20000), (ads, "11", 10000), (gone, "11", 7000)):
        marketing.log_result(
            store, PromotionResultIn(promotion_id=promotion, day=f"2026-11-{day}", spend=spend)
        )
    soft_delete(store, "promotion", gone)

    at(monkeypatch, "2026-11-12T09:00:00")
    sales.move_stage(store, p3, Stage.won)
    at(monkeypatch, "2026-11-12T10:00:00")
    sales.move_stage(store, p1, Stage.contacted)
    at(monkeypatch, "2026-11-13T09:00:00")
    sales.move_stage(store, p3, Stage.negotiation)  # won, then reopened
    sales.move_stage(store, p2, Stage.lost, reason="Price")
    at(monkeypatch, "2026-11-13T10:00:00")
    sales.move_stage(store, p5, Stage.lost, reason="price")
    at(monkeypatch, "2026-11-14T10:00:00")
    sales.move_stage(store, p1, Stage.won)

    at(monkeypatch, "2026-11-17T09:00:00")  # W47
    p6 = new("P6", promotion_id=ads)
    p7 = new("P7", value="400", promotion_id=fair)
    soft_delete(store, "prospect", p7)
    at(monkeypatch, "2026-11-20T10:00:00")
    return {
        "fair": fair, "ads": ads, "quiet": quiet, "gone": gone, "cafes": cafes.id,
        "dentists": dentists.id, "early": early.id, "p1": p1, "p2": p2, "p3": p3, "p4": p4,
        "p5": p5, "p6": p6, "p7": p7,
    }  # fmt: skip
