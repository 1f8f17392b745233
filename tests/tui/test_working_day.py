"""Issue 13, the working day: the board, money, done items, focus at quit, getting around.

Every test presses real keys and checks the screen and the database.
"""

from __future__ import annotations

import re
from pathlib import Path

from textual.widgets import Input, Select, TextArea

from dualrole.core.enums import RecordKind
from dualrole.core.models import FollowUpIn, ProspectIn
from dualrole.services import sales
from dualrole.services.focus import running_focus
from dualrole.storage.db import open_store
from dualrole.tui import format as fmt
from dualrole.tui.app import DualroleApp
from dualrole.tui.areas.review.screen import ReviewScreen
from dualrole.tui.areas.sales.prospect import ProspectScreen
from dualrole.tui.areas.sales.screen import SalesScreen
from dualrole.tui.dialogs.forms import ConfirmScreen, FormScreen
from dualrole.tui.dialogs.help import HelpScreen
from dualrole.tui.navigation import OpenRecord
from dualrole.tui.widgets.keybar import KeyBar
from dualrole.tui.widgets.pipeline_board import PipelineBoard
from dualrole.tui.widgets.topbar import TopBar

SMALL = (80, 24)
DOCS = Path(__file__).parents[2] / "docs"


def board_text(board: PipelineBoard) -> list[str]:
    return [
        "".join(segment.text for segment in board.render_line(y)) for y in range(board.size.height)
    ]


async def open_board(pilot) -> PipelineBoard:
    await pilot.press("s", "2")
    await pilot.pause()
    board = pilot.app.screen.query_one(PipelineBoard)
    assert board.has_focus
    return board


class TestPipelineBoard:
    async def test_cards_are_cut_not_wrapped_and_more_is_said(self, app, demo):
        for index in range(30):
            sales.create_prospect(demo, ProspectIn(name=f"Aaron Kowalski-Lindqvist {index:02d}"))
        async with app.run_test(size=SMALL) as pilot:
            board = await open_board(pilot)
            text = board_text(board)
            lead = board.columns[0]
            assert text[1].startswith(f"{lead.count} ")
            shown = board._cards_height
            assert board.card_lines == 2  # 80 wide: a card is its person, then its company
            assert shown == (24 - 1 - 2 - 1 - 3 - 1) // 2  # top bar, tabs, key bar; head, more
            assert f"+{lead.count - shown} more" in text[-1]
            # the first name an initial, the rest cut: not wrapped
            assert any(re.search(r"A\. Kowal\w*…", line) for line in text)
            await pilot.press("end")
            await pilot.pause()
            assert board.selected.name == sales.get_prospect(demo, board.selected.id).name
            assert f"↑{lead.count - shown}" in board_text(board)[-1]

    async def test_arrows_select_enter_opens(self, app, demo):
        async with app.run_test(size=SMALL) as pilot:
            board = await open_board(pilot)
            await pilot.press("right", "down")
            await pilot.pause()
            card = board.selected
            assert card.stage == "contacted"
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ProspectScreen)
            assert app.screen.prospect_id == int(card.id)

    async def test_move_forward_and_back_then_lost_asks_why(self, app, demo):
        async with app.run_test(size=SMALL) as pilot:
            board = await open_board(pilot)
            card_id = board.selected.id
            await pilot.press("greater_than_sign")
            await pilot.pause()
            assert sales.get_prospect(demo, card_id).stage.value == "contacted"
            assert board.selected.id == card_id  # the card is followed
            assert board.columns[board.current].stage.value == "contacted"
            await pilot.press("less_than_sign")
            await pilot.pause()
            assert sales.get_prospect(demo, card_id).stage.value == "lead"
            await pilot.press("left")  # lead → lost (the board wraps round)
            await pilot.pause()
            lost_id = board.selected.id if board.selected else None
            await pilot.press("left")  # won
            await pilot.pause()
            won_id = board.selected.id
            await pilot.press("greater_than_sign")
            await pilot.pause()
            assert isinstance(app.screen, FormScreen)
            assert app.screen.query_one("#field-stage", Select).value == "lost"
            await pilot.press("escape")
            await pilot.pause()
            if isinstance(app.screen, ConfirmScreen):
                await pilot.press("y")
                await pilot.pause()
            assert sales.get_prospect(demo, won_id).stage.value == "won"
            assert lost_id is None or sales.get_prospect(demo, lost_id).stage.value == "lost"

    async def test_footer_shows_only_keys_that_work_on_the_board(self, app):
        async with app.run_test(size=SMALL) as pilot:
            await open_board(pilot)
            line = str(app.screen.query_one(KeyBar).render())
            assert "Stage back" in line and "Stage on" in line and "? Help" in line
            for hidden in ("Filters", "Sort", "Bucket", "Import", "Done"):
                assert hidden not in line


async def test_won_offers_to_close_open_followups(app, demo):
    prospect = sales.create_prospect(demo, ProspectIn(name="Aaron Closing"))
    sales.move_stage(demo, prospect.id, sales.step_stage(prospect.stage, 4))  # negotiation
    sales.create_followup(
        demo, FollowUpIn(prospect_id=prospect.id, title="Send contract", due_date="2026-11-19")
    )
    async with app.run_test(size=SMALL) as pilot:
        board = await open_board(pilot)
        board.reload(select=prospect.id)
        await pilot.pause()
        await pilot.press("greater_than_sign")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen), "won asks the final value first"
        await pilot.press("ctrl+s")  # the current value is the final one
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
    assert sales.get_prospect(demo, prospect.id).stage.value == "won"
    assert sales.followups_for(demo, prospect.id, open_only=True) == []


def test_done_items_never_say_late():
    assert fmt.due("2026-11-15") == "5d late"
    assert "late" not in fmt.due("2026-11-15", "2026-11-16T09:00:00Z")


async def test_quitting_stops_the_running_focus_session(demo_path):
    with open_store(demo_path) as store:
        app = DualroleApp(store)
        async with app.run_test(size=SMALL) as pilot:
            await pilot.press("M")
            await pilot.pause()
            assert running_focus(store) is not None
            await pilot.press("q")
            await pilot.pause()
    with open_store(demo_path) as store:
        assert running_focus(store) is None


async def test_area_keys_show_the_area_not_the_last_page(app):
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("s", "down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ProspectScreen)
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SalesScreen)
        await pilot.press("2")  # the area's tab keys work again
        await pilot.pause()
        assert app.screen.current_tab == "pipeline"


async def test_escape_leaves_the_reflection_field_and_the_week_stays_in_view(app):
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("w")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await pilot.press("left_square_bracket")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.query_one(TopBar).detail == "2026-W46"
        field = screen.query_one("#reflection-went_well", TextArea)
        field.focus()
        field.move_cursor(field.document.end)
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert "Save reflection" in str(screen.query_one(KeyBar).render())
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(screen.focused, TextArea)
        assert field.text.endswith("x")
        assert "Save reflection" in str(screen.query_one(KeyBar).render())


async def test_help_groups_the_apps_keys_and_quit_once(app):
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("s", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        groups = dict(app.screen.groups)
        assert {"Sales", "The selected prospect", "Anywhere"} <= set(groups)
        descriptions = [text for _key, text in app.screen.keys]
        assert sum(text.startswith("Quit") for text in descriptions) == 1
        assert not any("Focus Next" in text or "Copy selected" in text for text in descriptions)
        assert any("Stage on" in text for text in descriptions)  # hidden on this tab, listed


async def test_help_is_always_in_the_footer_at_80_columns(app):
    async with app.run_test(size=SMALL) as pilot:
        for keys in (("t",), ("s",), ("s", "3"), ("m",), ("w",)):
            await pilot.press(*keys)
            await pilot.pause()
            assert "? Help" in str(app.screen.query_one(KeyBar).render()), keys


def _documented_keys() -> set[str]:
    """Every key named in backticks in the key tables of the manual's pages (not reference/)."""
    keys: set[str] = set()
    lines = [line for page in DOCS.glob("*.md") for line in page.read_text("utf-8").splitlines()]
    for line in lines:
        if line.startswith("| `"):
            first = line.split("|")[1]
            keys.update(re.findall(r"`([^`]+)`", first))
    return {part for key in keys for part in key.split()}


def test_the_manuals_key_tables_match_the_bindings():
    from textual.binding import Binding

    from dualrole.tui.areas.marketing.screen import MarketingScreen
    from dualrole.tui.areas.today.screen import TodayScreen

    documented = _documented_keys()
    screens = [DualroleApp, TodayScreen, SalesScreen, MarketingScreen, ReviewScreen]
    app = DualroleApp.__new__(DualroleApp)
    for screen in screens:
        for binding in Binding.make_bindings(screen.BINDINGS):
            if not binding.show or not binding.id:
                continue
            shown = App_key(app, binding.key)
            assert binding.key in documented or shown in documented, (screen, binding.key)


def App_key(app: DualroleApp, key: str) -> str:
    names = {"question_mark": "?", "slash": "/", "less_than_sign": "<"}
    names |= {"greater_than_sign": ">", "left_square_bracket": "[", "right_square_bracket": "]"}
    names |= {"full_stop": "."}
    return names.get(key, key)


class TestExpectations:
    async def test_added_prospect_is_selected_even_behind_a_filter(self, app, demo):
        async with app.run_test(size=SMALL) as pilot:
            await pilot.press("s", "slash", *"zzz-nobody", "enter")
            await pilot.pause()
            screen = app.screen
            await pilot.press("n")
            await pilot.pause()
            await pilot.press(*"Mia Zylberstein", "ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, SalesScreen)
            listing = screen.query_one("#prospects")
            assert listing.row.name == "Mia Zylberstein"
            assert screen.filters.search is None  # the filter that hid it was cleared

    async def test_search_finds_text_inside_words_and_tags(self, app, demo):
        greta = sales.create_prospect(demo, ProspectIn(name="Greta Lindqvist", tags=["berlin"]))
        async with app.run_test(size=SMALL) as pilot:
            await pilot.press("s", "slash", *"ret")
            await pilot.pause()
            listing = app.screen.query_one("#prospects")
            ids = [listing.row_at(i).id for i in range(listing.row_count)]
            assert greta.id in ids
            await pilot.press("escape", "slash", *"berlin")
            await pilot.pause()
            ids = [listing.row_at(i).id for i in range(min(listing.row_count, 500))]
            assert greta.id in ids

    async def test_lead_from_a_promotion_page_gets_its_source_and_segment(
        self, app, demo, wait_until
    ):
        from dualrole.tui.areas.marketing.promotion import PromotionScreen

        promotion_id, segment_id = demo.query(
            "SELECT id, segment_id FROM promotions WHERE segment_id IS NOT NULL LIMIT 1"
        )[0]
        async with app.run_test(size=SMALL) as pilot:
            app.post_message(OpenRecord(RecordKind.promotion, promotion_id))
            await wait_until(pilot, lambda: isinstance(app.screen, PromotionScreen))
            await pilot.press("n")
            await pilot.pause()
            assert isinstance(app.screen, FormScreen)
            await pilot.press(*"Lea Promo", "ctrl+s")
            await pilot.pause()
        row = demo.query("SELECT source, promotion_id, segment_id FROM prospects "
                         "WHERE name = 'Lea Promo'")[0]  # fmt: skip
        assert tuple(row) == ("promotion", promotion_id, segment_id)

    async def test_logging_offers_the_open_followup_and_takes_a_time(self, app, demo):
        prospect = sales.create_prospect(demo, ProspectIn(name="Aaron Logger"))
        followup = sales.create_followup(
            demo, FollowUpIn(prospect_id=prospect.id, title="Call back", due_date="2026-11-20")
        )
        async with app.run_test(size=SMALL) as pilot:
            await pilot.press("s")
            await pilot.pause()
            app.screen.query_one("#prospects").cursor = 0  # Aaron sorts first by name
            await pilot.pause()
            await pilot.press("l")
            await pilot.pause()
            form = app.screen
            assert form.query_one("#field-occurred_at", Input).value == "2026-11-20 10:00"
            form.query_one("#field-occurred_at", Input).value = "2026-11-19 15:30"
            await pilot.press(*"Called back", "ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("y")
            await pilot.pause()
            if isinstance(app.screen, FormScreen):  # the next one is offered: skip it
                await pilot.press("escape")
                await pilot.pause()
        logged = sales.interactions_for(demo, prospect.id)[0]
        assert logged.occurred_at.astimezone().strftime("%Y-%m-%d %H:%M") == "2026-11-19 15:30"
        assert sales.get_followup(demo, followup.id).done_at is not None


async def test_first_run_on_an_empty_workspace_says_what_to_do(store):
    from textual.widgets import Static

    app = DualroleApp(store)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        text = str(app.screen.query_one("#today-pipeline", Static).content)
        assert "first steps" in text and "s n" in text and "s i" in text and "w g" in text
        assert "dualrole demo" in text


def test_html_review_uses_the_apps_role_colours(demo):
    from dualrole.core.models import Side
    from dualrole.render.html import COLOURS

    assert COLOURS[Side.marketing] == "#7c4dcc"  # violet, as $marketing
    assert COLOURS[Side.sales] == "#c8561b"  # orange, as $sales


async def test_palette_finds_the_screens_actions_by_their_words(app):
    from dualrole.tui.commands import DualroleCommands

    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("w")
        await pilot.pause()
        provider = DualroleCommands(app.screen)
        labels = [label for label, _callback in provider._here()]
        for words in ("Export", "Targets", "Save reflection", "Prev week"):
            assert any(words in label for label in labels), words
        await pilot.press("s")
        await pilot.pause()
        labels = [label for label, _callback in DualroleCommands(app.screen)._here()]
        for words in ("Log", "Undo — The latest change, any kind", "Stage on", "Import"):
            assert any(words in label for label in labels), words
        await pilot.press("ctrl+p", *"export")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "CommandPalette"
