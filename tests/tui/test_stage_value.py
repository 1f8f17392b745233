"""Moving a deal to won asks its final value (the current one until changed), as lost asks
why; a prospect's source "promotion" needs the promotion. Real keys; the database checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Select, Static

from dualrole.core.models import ProspectIn, Stage
from dualrole.services import sales
from dualrole.storage.db import open_store
from dualrole.tui.app import DualroleApp
from dualrole.tui.areas.sales.screen import SalesScreen
from dualrole.tui.dialogs.forms import ConfirmScreen, FormScreen
from dualrole.tui.widgets.pipeline_board import PipelineBoard

SIZE = (100, 30)


@pytest.fixture
def workspace(tmp_path: Path):
    with open_store(tmp_path / "work.db") as store:
        prospect = sales.create_prospect(
            store, ProspectIn(name="Ada Quill", value="5000"), stage=Stage.negotiation
        )
        yield store, prospect.id


async def open_board(pilot, app: DualroleApp, wait_until) -> PipelineBoard:
    await pilot.press("s", "2")
    board = app.screen.query_one(PipelineBoard)
    await wait_until(pilot, lambda: board.columns[4].count == 1)
    await pilot.press("right", "right", "right", "right")  # lead … negotiation
    await wait_until(pilot, lambda: board.selected is not None)
    return board


async def test_board_move_to_won_asks_the_final_value_and_u_puts_it_back(workspace, wait_until):
    store, prospect_id = workspace
    app = DualroleApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_board(pilot, app, wait_until)
        await pilot.press("greater_than_sign")
        await wait_until(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        assert "final value" in str(form.query_one("#form-intro", Static).content)
        assert form.query_one("#field-value", Input).value == "5000"  # the current value
        assert sales.get_prospect(store, prospect_id).stage == Stage.negotiation, "not yet"
        await pilot.press("tab", "tab")  # stage, reason, value (its text selected)
        await wait_until(pilot, lambda: form.focused is form.query_one("#field-value"))
        await pilot.press(*"7500", "ctrl+s")
        await wait_until(pilot, lambda: sales.get_prospect(store, prospect_id).stage == Stage.won)
        assert sales.get_prospect(store, prospect_id).value == 750000
        await wait_until(pilot, lambda: isinstance(app.screen, SalesScreen))
        await pilot.press("u")  # the stage change and the value it set, both taken back
        await wait_until(
            pilot, lambda: sales.get_prospect(store, prospect_id).stage == Stage.negotiation
        )
    assert sales.get_prospect(store, prospect_id).value == 500000


async def test_won_keeps_the_value_unless_changed_and_c_asks_it_too(workspace, wait_until):
    store, prospect_id = workspace
    version = sales.get_prospect(store, prospect_id).version
    app = DualroleApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_board(pilot, app, wait_until)
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        assert form.query_one("#field-value", Input).value == "5000"
        form.query_one("#field-stage", Select).value = "won"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: sales.get_prospect(store, prospect_id).stage == Stage.won)
    won = sales.get_prospect(store, prospect_id)
    assert won.value == 500000
    assert won.version == version + 1, "the value was not rewritten"


async def test_a_bad_final_value_is_one_sentence_next_to_it(workspace, wait_until):
    store, prospect_id = workspace
    app = DualroleApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_board(pilot, app, wait_until)
        await pilot.press("greater_than_sign")
        await wait_until(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        await pilot.press("tab", "tab", *"lots", "ctrl+s")
        error = form.query_one("#error-value", Static)
        await wait_until(pilot, lambda: str(error.content))
        assert "Input should" not in str(error.content)
        assert app.screen is form
    assert sales.get_prospect(store, prospect_id).stage == Stage.negotiation


async def test_source_promotion_without_a_promotion_is_not_saved(workspace, wait_until):
    store, _prospect_id = workspace
    before = store.scalar("SELECT count(*) FROM prospects")
    app = DualroleApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "n")
        await wait_until(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        await pilot.press(*"Bea Lind")
        form.query_one("#field-source", Select).value = "promotion"
        await pilot.press("ctrl+s")
        error = form.query_one("#error-promotion_id", Static)
        await wait_until(pilot, lambda: str(error.content))
        assert str(error.content) == (
            "From promotion is required when the source is promotion; pick one, or another source"
        )
        assert str(form.query_one("#form-error", Static).content) == ""
        assert app.screen is form and not isinstance(app.screen, ConfirmScreen)
    assert store.scalar("SELECT count(*) FROM prospects") == before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_board_cards_of_namesakes_show_their_company(tmp_path, wait_until, size):
    with open_store(tmp_path / "names.db") as store:
        for name, company in (
            ("Chloe Becker", "Nordlicht"),
            ("Chloe Becker", "Studio Ost"),
            ("Ada Quill", "Quill & Co"),
        ):
            sales.create_prospect(store, ProspectIn(name=name, company=company))
        sales.create_prospect(store, ProspectIn(name="Chloe Becker", company="Elsewhere GmbH"))
        sales.move_stage(store, 4, Stage.contacted)  # a namesake in another column
        app = DualroleApp(store)
        async with app.run_test(size=size) as pilot:
            await pilot.press("s", "2")
            board = app.screen.query_one(PipelineBoard)
            await wait_until(pilot, lambda: board.selected is not None)
            await pilot.pause()
            width = board._widths()[0] - 1
            lines = board.card_lines
            shown = ["".join(s.text for s in board.render_line(y))[:width].rstrip()
                     for y in range(3, 3 + 3 * lines)]  # fmt: skip
            cards = [shown[i * lines : (i + 1) * lines] for i in range(3)]
    # 80 or 120 wide a card is two lines: the name (its first name an initial when it does
    # not fit), then the company; each readable, not "Chl…·Nord…" on one line
    assert lines == 2
    assert cards[0] == ["Ada Quill", "Quill & Co"]
    assert cards[1] != cards[2], "namesakes can be told apart"
    name = "Chloe Becker" if width >= len("Chloe Becker") else "C. Becker"
    assert cards[1][0] == cards[2][0] == name
    assert cards[1][1].startswith("Nord") and cards[2][1].startswith("Studio")
    contacted = board.columns[1]
    assert contacted.shared == set(), "alone in its column"
