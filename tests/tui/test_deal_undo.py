"""``u`` takes back a repeat deal's move as it does a first deal's (issue 27's leftover): the
board's ``<`` / ``>`` on its card, and the stage form that moves it to won."""

from __future__ import annotations

from dualrole.core.models import DealIn, ProspectIn, Stage
from dualrole.services import deals, sales
from dualrole.storage.db import Store
from dualrole.tui.dialogs.forms import FormScreen
from dualrole.tui.widgets.pipeline_board import PipelineBoard

WIDE = (220, 40)


def _repeat_deal(store: Store, stage: Stage) -> deals.Deal:
    person = sales.create_prospect(store, ProspectIn(name="Aaron Again"))
    sales.move_stage(store, person.id, Stage.won)
    return deals.create_deal(store, person.id, DealIn(title="Upgrade", value="300", stage=stage))


def _changes(store: Store, deal_id: int) -> int:
    return int(store.scalar("SELECT count(*) FROM stage_changes WHERE deal_id = ?", (deal_id,)))


async def _select(pilot, app, store: Store, deal: deals.Deal, wait_until) -> PipelineBoard:
    await pilot.press("s", "2")
    await pilot.pause()
    board = app.screen.query_one(PipelineBoard)
    column = [c.stage for c in board.columns].index(deal.stage)
    count = int(store.scalar("SELECT prospects FROM stage_totals WHERE stage = ?", (deal.stage,)))
    await wait_until(pilot, lambda: board.columns[column].count == count)
    while board.current != column:
        await pilot.press("right")
        await pilot.pause()
    while board.selected is None or board.selected.deal_id != deal.id:
        await pilot.press("down")
        await pilot.pause()
    return board


async def test_u_takes_back_a_repeat_deals_move_on_the_board(app, demo, wait_until):
    upgrade = _repeat_deal(demo, Stage.lead)
    async with app.run_test(size=WIDE) as pilot:
        await _select(pilot, app, demo, upgrade, wait_until)
        await pilot.press("greater_than_sign")
        await wait_until(pilot, lambda: deals.get_deal(demo, upgrade.id).stage == Stage.contacted)
        await pilot.press("u")
        await wait_until(pilot, lambda: deals.get_deal(demo, upgrade.id).stage == Stage.lead)
    assert _changes(demo, upgrade.id) == 1  # only its creation is recorded again
    assert sales.get_prospect(demo, upgrade.prospect_id).stage == Stage.won  # the first deal


async def test_u_takes_back_a_repeat_deal_won_through_the_stage_form(app, demo, wait_until):
    upgrade = _repeat_deal(demo, Stage.negotiation)
    async with app.run_test(size=WIDE) as pilot:
        await _select(pilot, app, demo, upgrade, wait_until)
        await pilot.press("greater_than_sign")  # onto won: the form asks the final value
        await wait_until(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: deals.get_deal(demo, upgrade.id).stage == Stage.won)
        await wait_until(pilot, lambda: not isinstance(app.screen, FormScreen))
        await pilot.press("u")
        await wait_until(pilot, lambda: deals.get_deal(demo, upgrade.id).stage == Stage.negotiation)
    assert deals.get_deal(demo, upgrade.id).value_minor == 30000
    assert _changes(demo, upgrade.id) == 1


async def test_the_stage_form_says_the_stage_of_the_deal_it_moved(app, demo, wait_until):
    """A repeat deal won through the form: the toast names its stage, not the first deal's."""
    person = sales.create_prospect(demo, ProspectIn(name="Aaron Again"))
    sales.move_stage(demo, person.id, Stage.lost, reason="timing")
    upgrade = deals.create_deal(
        demo, person.id, DealIn(title="Upgrade", value="300", stage=Stage.negotiation)
    )
    said: list[str] = []
    notify = app.notify
    app.notify = lambda message, *a, **kw: (said.append(str(message)), notify(message, *a, **kw))
    async with app.run_test(size=WIDE) as pilot:
        await _select(pilot, app, demo, upgrade, wait_until)
        await pilot.press("greater_than_sign")  # onto won: the form asks the final value
        await wait_until(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: any(s.startswith("Stage changed") for s in said))
    assert "Stage changed to won." in said
    assert sales.get_prospect(demo, person.id).stage == Stage.lost
