"""Issue 24: one money formatter, in the workspace's currency, on every screen.

The demo workspace is switched to US dollars: Today's pipeline line, the board's totals,
the Marketing promotions (list, page, results), Insights' headings and a new prospect all
read ``$``; nothing prints a fixed ``€``. Real keys; the database checked.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from dualrole.core.models import PromotionIn, PromotionResultIn
from dualrole.services import daily, marketing
from dualrole.services.settings import set_setting
from dualrole.storage.db import Store
from dualrole.tui.areas.insights.screen import InsightsScreen
from dualrole.tui.areas.marketing.promotion import PromotionScreen
from dualrole.tui.areas.marketing.screen import MarketingScreen
from dualrole.tui.dialogs.forms import FormScreen
from dualrole.tui.widgets.paged_list import PagedList
from dualrole.tui.widgets.pipeline_board import PipelineBoard

SIZE = (120, 40)


@pytest.fixture
def usd(demo: Store) -> Store:
    set_setting(demo, "currency", "USD")
    return demo


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


async def test_today_and_the_board_total_in_the_workspace_currency(app, usd, wait_until):
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: "open " in text_of(app.screen, "#today-pipeline"))
        line = text_of(app.screen, "#today-pipeline")
        assert "open $" in line and "€" not in line, line
        await pilot.press("s", "2")
        board = app.screen.query_one(PipelineBoard)
        await wait_until(pilot, lambda: board.columns[0].count > 0)
        totals = "".join(segment.text for segment in board.render_line(1))
        assert "$" in totals and "€" not in totals, totals


async def test_marketing_promotions_in_the_workspace_currency(app, usd, lines, wait_until):
    promotion = marketing.create_promotion(
        usd, PromotionIn(name="Radio spot", status="running", budget=10000)
    )
    marketing.log_result(
        usd, PromotionResultIn(promotion_id=promotion.id, day="2026-11-20", reach=10, spend=12000)
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, MarketingScreen))
        await pilot.press("3")
        await pilot.pause()
        listing = app.screen.current_list
        await wait_until(pilot, lambda: listing.row_count > 0)
        # A promotion made now is in dollars; the demo's older ones keep their euros.
        radio = next(line for line in lines(listing) if "Radio spot" in line)
        assert "$120/$100" in radio and "€" not in radio, radio
        await pilot.press("slash", *"radio", "enter", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PromotionScreen))
        page = app.screen
        await wait_until(pilot, lambda: " of " in text_of(page, "#promotion-budget"))
        assert "$120 of $100" in text_of(page, "#promotion-budget")
        details = text_of(page, "#promotion-details")
        summary = text_of(page, "#promotion-summary")
        results = "\n".join(lines(page.query_one("#promotion-results", PagedList)))
        assert "budget   $100" in details, details
        assert "$0" in summary and "€" not in summary + details + results, summary
        assert "$120" in results, results


async def test_insights_headings_in_the_workspace_currency(app, usd, lines):
    async with app.run_test(size=(160, 60)) as pilot:
        await pilot.press("I")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, InsightsScreen)
        groups = lines(app.screen.query_one("#insights-groups", PagedList))
        header = groups[0].split()
        assert "$/lead" in header and "$/cust." in header, groups[0]
        assert "€" not in "\n".join(groups)


async def test_a_new_prospect_takes_the_workspace_currency(app, usd):
    added = daily.add_prospect(usd, {"name": "Ada Quill", "value": "2400"})
    assert added.currency == "USD"  # the CLI's add: no --currency, the workspace's
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormScreen)
        assert form.query_one("#field-currency", Input).value == "USD"
