"""Issue 28: an owner who sets the yen (no minor unit) sees ``¥8,400`` — never ``¥8,400.00``
or ``¥84.00`` — on the promotions list and page, a deal's page, the CLI and the review."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from textual.widgets import Static

from dualrole.cli.main import cli
from dualrole.core.models import PromotionIn, PromotionResultIn
from dualrole.services import daily, marketing
from dualrole.services.settings import change_settings
from dualrole.storage.db import Store
from dualrole.tui.areas.marketing.promotion import PromotionScreen
from dualrole.tui.areas.marketing.screen import MarketingScreen

SIZE = (120, 40)


@pytest.fixture
def yen(demo: Store) -> Store:
    change_settings(demo, {"currency": "JPY"})
    return demo


async def test_yen_on_the_promotions_and_a_deal(app, yen, lines, wait_until, demo_path):
    promotion = marketing.create_promotion(
        yen, PromotionIn(name="Radio spot", status="running", budget="10000")
    )
    marketing.log_result(
        yen, PromotionResultIn(promotion_id=promotion.id, day="2026-11-20", reach=10, spend="12000")
    )
    deal = daily.add_prospect(yen, {"name": "Ada Quill", "value": "8400.50"})
    assert (deal.currency, deal.value) == ("JPY", 840050)  # hundredths of a yen, as ever
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, MarketingScreen))
        await pilot.press("3")
        listing = app.screen.current_list
        await wait_until(pilot, lambda: listing.row_count > 0)
        shown = "\n".join(lines(listing))
        assert "¥12k/¥10k" in shown, shown
        await pilot.press("slash", *"radio", "enter", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PromotionScreen))
        page = app.screen
        budget = page.query_one("#promotion-budget", Static)
        await wait_until(pilot, lambda: " of " in str(budget.content))
        assert "¥12,000 of ¥10,000" in str(budget.content)
    result = CliRunner().invoke(cli, ["--db", str(demo_path), "show", "Ada Quill"])
    assert result.exit_code == 0, result.output
    assert "¥8,401" in result.output and "¥8,400.5" not in result.output  # no minor unit
