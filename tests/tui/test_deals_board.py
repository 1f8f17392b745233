"""The pipeline board shows deals (issue 27): a repeat customer's second deal is a card of its
own, two people of the same name are told apart by their company, and a card moves its deal."""

from __future__ import annotations

from dualrole.core.models import DealIn, ProspectIn, Stage
from dualrole.services import deals, sales
from dualrole.tui.widgets.pipeline_board import PipelineBoard

WIDE = (220, 40)


def board_text(board: PipelineBoard) -> list[str]:
    return [
        "".join(segment.text for segment in board.render_line(y)) for y in range(board.size.height)
    ]


async def test_deal_cards_name_person_and_company_and_move_their_deal(app, demo, wait_until):
    aaron = sales.create_prospect(demo, ProspectIn(name="Aaron Again"))
    upgrade = deals.create_deal(demo, aaron.id, DealIn(title="Upgrade", value="300"))
    for company in ("Lotus Labs", "Mosaic Cafe"):
        sales.create_prospect(demo, ProspectIn(name="Aaron Becker", company=company))
    leads = deals.board_cards(demo, Stage.lead, 0, 1000)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("s", "2")
        await pilot.pause()
        board = app.screen.query_one(PipelineBoard)
        await wait_until(pilot, lambda: board.columns[0].count == len(leads))
        text = "\n".join(board_text(board))
        assert "Aaron Again · First deal" in text and "Aaron Again · Upgrade" in text
        assert "Aaron Becker · Lotus Labs" in text and "Aaron Becker · Mosaic Cafe" in text
        # select the upgrade's card and move it on: that deal moves, the first stays a lead
        while board.selected.deal_id != upgrade.id:
            await pilot.press("down")
            await pilot.pause()
        await pilot.press("greater_than_sign")
        await wait_until(pilot, lambda: deals.get_deal(demo, upgrade.id).stage == Stage.contacted)
        assert sales.get_prospect(demo, aaron.id).stage == Stage.lead
        await wait_until(pilot, lambda: board.selected.deal_id == upgrade.id)  # followed
        assert board.columns[board.current].stage == Stage.contacted
