"""Several deals per person and companies as records (issue 27): the services."""

from __future__ import annotations

import datetime as dt

import pytest

from dualrole.core.models import DealIn, ProspectIn, Stage
from dualrole.insights import build_insights, default_period
from dualrole.review.build import build_review
from dualrole.services import companies, deals, records, sales
from dualrole.services.pipeline import pipeline
from dualrole.storage.db import Store

WEEK = dt.date(2026, 11, 16)  # the frozen clock's week (Fri 20 Nov 2026)


def totals(store: Store) -> dict[Stage, tuple[int, int]]:
    return {stage: (n, value) for stage, n, value in pipeline(store) if n}


def test_adding_a_prospect_makes_its_first_deal_in_one_step(store: Store):
    p = sales.create_prospect(store, ProspectIn(name="Ada", company="Lotus Labs", value="1200"))
    [deal] = deals.deals_for(store, p.id)
    assert (deal.title, deal.stage, deal.value_minor, deal.company) == (
        deals.FIRST_DEAL_TITLE,
        Stage.lead,
        120000,
        "Lotus Labs",
    )
    assert store.scalar("SELECT deal_id FROM stage_changes WHERE prospect_id = ?", (p.id,)) == (
        deal.id
    )
    assert totals(store) == {Stage.lead: (1, 120000)}


def test_one_company_per_name_whatever_its_case(store: Store):
    a = sales.create_prospect(store, ProspectIn(name="Ada", company="Lotus Labs"))
    b = sales.create_prospect(store, ProspectIn(name="Ben", company="LOTUS labs "))
    c = sales.create_prospect(store, ProspectIn(name="Cy", company="Mosaic Cafe"))
    ids = {
        row[0]: row[1] for row in store.query("SELECT id, company_id FROM prospects ORDER BY id")
    }
    assert ids[a.id] == ids[b.id] != ids[c.id]
    assert store.scalar("SELECT count(*) FROM companies") == 2
    page = companies.company_page(store, ids[a.id])
    assert [person.name for person in page.people] == ["Ada", "Ben"]
    assert len(page.deals) == 2
    # editing a person's company moves them (and their deals) to it
    sales.update_prospect(store, c.id, c.version, ProspectIn(name="Cy", company="lotus labs"))
    assert len(companies.company_page(store, ids[a.id]).deals) == 3


def test_a_second_deal_counts_apart_and_a_move_names_the_deal(store: Store):
    p = sales.create_prospect(store, ProspectIn(name="Chloe Becker", value="1000"))
    sales.move_stage(store, p.id, Stage.won)  # one open deal: the prospect's move moves it
    second = deals.create_deal(store, p.id, DealIn(title="Upgrade", value="500"))
    assert second.ref == f"d{second.id}" and second.source is None
    assert totals(store) == {Stage.won: (1, 100000), Stage.lead: (1, 50000)}
    # one open deal again: "move Chloe" moves the upgrade, the won deal stays won
    sales.move_stage(store, p.id, Stage.proposal)
    assert deals.get_deal(store, second.id).stage == Stage.proposal
    assert sales.get_prospect(store, p.id).stage == Stage.won  # the first deal's stage
    third = deals.create_deal(store, p.id, DealIn(title="Training", stage=Stage.qualified))
    with pytest.raises(deals.AmbiguousDeal) as info:
        sales.move_stage(store, p.id, Stage.won)
    assert f"d{second.id}" in str(info.value) and f"d{third.id}" in str(info.value)
    assert deals.get_deal(store, second.id).stage == Stage.proposal  # nothing moved
    deals.move_deal(store, third.id, Stage.lost, reason="budget")
    history = store.query(
        "SELECT from_stage, to_stage FROM stage_changes WHERE deal_id = ? ORDER BY id",
        (third.id,),
    )
    assert [tuple(row) for row in history] == [(None, "qualified"), ("qualified", "lost")]


def test_trashing_a_person_takes_their_deals_out_of_the_pipeline_and_back(store: Store):
    p = sales.create_prospect(store, ProspectIn(name="Ada", value="100"))
    deals.create_deal(store, p.id, DealIn(title="Again", value="50"))
    assert totals(store) == {Stage.lead: (2, 15000)}
    records.soft_delete(store, "prospect", p.id)
    assert totals(store) == {}
    records.undo_delete(store)
    assert totals(store) == {Stage.lead: (2, 15000)}


def test_undo_of_a_repeat_deals_move_puts_that_deal_back(store: Store):
    p = sales.create_prospect(store, ProspectIn(name="Ada"))
    sales.move_stage(store, p.id, Stage.won)
    again = deals.create_deal(store, p.id, DealIn(title="Again"))
    sales.move_stage(store, p.id, Stage.contacted)
    change = sales.latest_stage_change(store, p.id)
    assert change is not None
    sales.revert_stage_change(store, change)
    assert deals.get_deal(store, again.id).stage == Stage.lead
    assert sales.get_prospect(store, p.id).stage == Stage.won


def test_the_review_and_insights_count_won_deals_not_people(store: Store):
    p = sales.create_prospect(store, ProspectIn(name="Ada", value="1000", source="referral"))
    sales.move_stage(store, p.id, Stage.won)
    repeat = deals.create_deal(store, p.id, DealIn(title="Second project", value="400"))
    deals.move_deal(store, repeat.id, Stage.won)
    review = build_review(store, WEEK)
    won = {key: review.metric(key).actual for key in ("deals_won", "revenue")}
    assert won["deals_won"] == 2
    assert won["revenue"] == 140000
    insights = build_insights(store, default_period())
    r = insights.repeat
    assert (r.first_deals, r.first_minor, r.repeat_deals, r.repeat_minor) == (1, 100000, 1, 40000)
    assert (r.credited_deals, r.customers, r.repeat_customers) == (1, 1, 1)
    [source] = r.by_source
    assert (source.source, source.credited_minor) == ("referral", 40000)
    assert r.top_customers[0].lifetime_minor == 140000


def test_a_repeat_sale_leaves_the_leads_days_to_won_alone(store: Store):
    from dualrole.core.models import PromotionIn
    from dualrole.services import marketing

    promo = marketing.create_promotion(store, PromotionIn(name="Fair", channel="event"))
    p = sales.create_prospect(store, ProspectIn(name="Ada", promotion_id=promo.id))
    sales.move_stage(store, p.id, Stage.won)  # won at once: 0 days
    again = deals.create_deal(store, p.id, DealIn(title="Again"))
    deals.move_deal(store, again.id, Stage.won, at=dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC))
    assert build_insights(store, default_period()).totals.median_days_to_won == 0


def test_a_company_is_renamed_once_for_its_people_and_keeps_its_name_unique(store: Store):
    from dualrole.core.models import CompanyIn

    a = sales.create_prospect(store, ProspectIn(name="Ada", company="lotus labs"))
    sales.create_prospect(store, ProspectIn(name="Ben", company="Mosaic Cafe"))
    lotus = int(store.scalar("SELECT company_id FROM prospects WHERE id = ?", (a.id,)))
    with pytest.raises(ValueError, match="another company is called"):
        companies.update_company(store, lotus, CompanyIn(name="MOSAIC CAFE"))
    renamed = companies.update_company(
        store, lotus, CompanyIn(name="Lotus Labs GmbH", website="lotus.example", tags="b2b")
    )
    assert (renamed.name, renamed.website, renamed.tags) == (
        "Lotus Labs GmbH",
        "lotus.example",
        ("b2b",),
    )
    assert sales.get_prospect(store, a.id).company == "Lotus Labs GmbH"
    assert companies.find_company(store, "lotus labs g").id == lotus


def test_the_reviews_won_deals_list_each_deal(store: Store):
    from dualrole.review.records import records_behind

    p = sales.create_prospect(store, ProspectIn(name="Ada", value="1000"))
    sales.move_stage(store, p.id, Stage.won)
    again = deals.create_deal(store, p.id, DealIn(title="Second project", value="400"))
    deals.move_deal(store, again.id, Stage.won)
    won = records_behind(store, "deals_won", WEEK)
    assert sorted(r.detail.split(" · ")[0] for r in won) == ["First deal", "Second project"]
    assert {r.prospect_id for r in won} == {p.id}


def test_purging_keeps_company_tags_and_drops_companies_left_empty(store: Store):
    from dualrole.core.models import CompanyIn

    kept = sales.create_prospect(store, ProspectIn(name="Ada", company="Lotus Labs"))
    gone = sales.create_prospect(store, ProspectIn(name="Ben", company="Secret Co"))
    lotus = int(store.scalar("SELECT company_id FROM prospects WHERE id = ?", (kept.id,)))
    companies.update_company(store, lotus, CompanyIn(name="Lotus Labs", tags="b2b"))
    records.soft_delete(store, "prospect", gone.id)
    records.purge_trash(store, keep=0)
    assert [r[0] for r in store.query("SELECT name FROM companies")] == ["Lotus Labs"]
    assert companies.get_company(store, lotus).tags == ("b2b",)


def test_a_company_of_one_person_and_one_deal_says_so_in_the_singular(store: Store):
    """The company page and ``company show`` printed "1 people · 1 deals"."""
    ada = sales.create_prospect(store, ProspectIn(name="Ada", company="Solo Ltd", value="500"))
    page = companies.company_page(
        store, int(store.scalar("SELECT company_id FROM prospects WHERE id = ?", (ada.id,)))
    )
    assert companies.summary_line(page).endswith("· 1 person · 1 deal")
