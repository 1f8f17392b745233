"""The Today agenda: what is due in each role, idle deals and keep-in-touch cadences."""

import datetime as dt

from dualrole.core.dates import clock
from dualrole.core.models import FollowUpIn, InteractionIn, MarketingTaskIn, ProspectIn
from dualrole.services import marketing, sales
from dualrole.services.today import agenda


def test_cadence_is_due_until_an_interaction_resets_it(store):
    today = clock.today()
    prospect = sales.create_prospect(store, ProspectIn(name="Okafor", keep_in_touch_days=7))
    old = clock.now() - dt.timedelta(days=10)
    sales.log_interaction(
        store, InteractionIn(prospect_id=prospect.id, summary="Call", occurred_at=old)
    )
    assert [item.label for item in agenda(store, today).keep_in_touch] == ["Okafor"]
    sales.log_interaction(store, InteractionIn(prospect_id=prospect.id, summary="Coffee"))
    assert agenda(store, today).keep_in_touch == []


def test_overdue_and_today_items_per_role(store):
    today = clock.today()
    marketing.create_task(
        store, MarketingTaskIn(title="Post case study", due_date=today - dt.timedelta(days=2))
    )
    marketing.create_task(store, MarketingTaskIn(title="Draft newsletter", due_date=today))
    prospect = sales.create_prospect(store, ProspectIn(name="Priya", value="8400"))
    sales.create_followup(store, FollowUpIn(prospect_id=prospect.id, title="Send proposal",
                                            due_date=today - dt.timedelta(days=1)))  # fmt: skip
    result = agenda(store, today)
    assert [i.label for i in result.marketing_overdue] == ["Post case study"]
    assert [i.label for i in result.marketing_today] == ["Draft newsletter"]
    assert [i.label for i in result.sales_overdue] == ["Priya — Send proposal"]
    assert result.sales_today == []
    assert ("lead", 1, 840000) in result.pipeline


def test_idle_deals_are_open_deals_without_recent_contact(store):
    quiet = sales.create_prospect(store, ProspectIn(name="Northwind", value="12000"))
    long_ago = clock.now() - dt.timedelta(days=20)
    sales.log_interaction(
        store, InteractionIn(prospect_id=quiet.id, summary="Intro", occurred_at=long_ago)
    )
    fresh = sales.create_prospect(store, ProspectIn(name="Lotus Labs"))
    sales.log_interaction(store, InteractionIn(prospect_id=fresh.id, summary="Demo"))
    idle = agenda(store).idle_deals
    assert [item.label for item in idle] == ["Northwind"]
    assert idle[0].detail.startswith("20d")


def test_a_running_promotion_with_one_lead_says_one_lead(store):
    from dualrole.core.enums import PromotionStatus
    from dualrole.core.models import PromotionIn

    fair = marketing.create_promotion(
        store, PromotionIn(name="Trade fair", channel="event", status=PromotionStatus.running)
    )
    marketing.create_promotion(
        store, PromotionIn(name="Webinar", channel="email", status=PromotionStatus.running)
    )
    sales.create_prospect(store, ProspectIn(name="Priya", promotion_id=fair.id))
    details = {i.label: i.detail for i in agenda(store, clock.today()).running_promotions}
    assert details == {"Trade fair": "1 lead · event", "Webinar": "0 leads · email"}
