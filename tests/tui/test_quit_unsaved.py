"""Quitting with unsaved input asks Save / Discard / Cancel, on every screen that holds some."""

from __future__ import annotations

from textual.widgets import TextArea

from dualrole.review import get_reflection
from dualrole.tui.areas.review.screen import ReviewScreen
from dualrole.tui.areas.sales.screen import SalesScreen
from dualrole.tui.dialogs.forms import FormScreen
from dualrole.tui.dialogs.quit import QuitScreen

SIZE = (160, 60)
WEEK = "2026-W47"


def went_well(store) -> str:
    reflection = get_reflection(store, WEEK)
    return reflection.went_well if reflection else ""


async def type_reflection(app, pilot, text: str) -> None:
    await pilot.press("w")
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, ReviewScreen)
    field = app.screen.query_one("#reflection-went_well", TextArea)
    field.focus()
    field.move_cursor(field.document.end)
    await pilot.press(*text)


async def test_ctrl_q_on_the_review_asks_then_saves_the_reflection(app, demo):
    before = went_well(demo)
    async with app.run_test(size=SIZE) as pilot:
        await type_reflection(app, pilot, "good calls")
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, QuitScreen)
        await pilot.press("s")
    assert app.return_code == 0
    assert went_well(demo) == before + "good calls"


async def test_q_on_the_review_asks_and_cancel_keeps_the_text(app, demo):
    before = went_well(demo)
    async with app.run_test(size=SIZE) as pilot:
        await type_reflection(app, pilot, "calls")
        await pilot.press("shift+tab")  # out of the field: q is the app's key again
        await pilot.press("q")
        assert isinstance(app.screen, QuitScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)
        field = app.screen.query_one("#reflection-went_well", TextArea)
        assert field.text == before + "calls"
        assert app.return_code is None
        await pilot.press("ctrl+q", "d")  # discard: quits without saving
    assert app.return_code == 0
    assert went_well(demo) == before


async def test_ctrl_q_on_a_form_asks_then_discard_stores_nothing(app, demo):
    count = demo.scalar("SELECT count(*) FROM prospects")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        await pilot.press(*"Una Quit", "ctrl+q")
        assert isinstance(app.screen, QuitScreen)
        await pilot.press("d")
    assert app.return_code == 0
    assert demo.scalar("SELECT count(*) FROM prospects") == count


async def test_ctrl_q_on_a_form_can_save_it(app, demo):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"Una Quit", "ctrl+q")
        await pilot.press("s")
    assert app.return_code == 0
    assert demo.scalar("SELECT count(*) FROM prospects WHERE name = 'Una Quit'") == 1


async def test_a_form_that_cannot_be_saved_keeps_the_app_open(app, demo):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("tab", *"Company only", "ctrl+q")  # a prospect needs a name
        await pilot.press("s")
        assert isinstance(app.screen, FormScreen), "the form stays open with its error"
        assert app.return_code is None


async def test_nothing_typed_quits_at_once(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SalesScreen)
        await pilot.press("q")
    assert app.return_code == 0


def quit_question(app) -> str:
    return str(app.screen.query_one("#confirm-question").content)


async def test_the_quit_question_names_the_form(app, demo):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"Una Quit", "ctrl+q")
        assert isinstance(app.screen, QuitScreen)
        assert quit_question(app) == (
            "The form “New prospect” is not saved. Save it before quitting?"
        )
        await pilot.press("escape")


async def test_the_quit_question_names_every_screen_holding_input(app, demo):
    async with app.run_test(size=SIZE) as pilot:
        await type_reflection(app, pilot, "calls")
        await pilot.press("shift+tab", "s")  # out of the field, then to Sales
        await pilot.pause()
        assert isinstance(app.screen, SalesScreen)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"Una Quit", "ctrl+q")
        assert isinstance(app.screen, QuitScreen)
        assert quit_question(app) == (
            f"Not saved: the form “New prospect” and the reflection of {WEEK}. "
            "Save them before quitting?"
        )
        await pilot.press("s")
    assert app.return_code == 0
    assert demo.scalar("SELECT count(*) FROM prospects WHERE name = 'Una Quit'") == 1
    assert went_well(demo).endswith("calls")
