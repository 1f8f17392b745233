"""A control character pasted into a one-line field of an app form is refused next to it."""

from __future__ import annotations

from textual import events
from textual.widgets import Input, Static

from dualrole.tui.areas.sales.screen import SalesScreen
from dualrole.tui.dialogs.forms import FormScreen


async def test_a_pasted_control_character_in_a_name_is_refused_next_to_it(app, demo):
    before = demo.scalar("SELECT count(*) FROM prospects")
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SalesScreen)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormScreen)
        name = form.query_one("#field-name", Input)
        assert form.focused is name
        name.post_message(events.Paste("Zed\x07 Quinn"))  # the bell, as a terminal pastes it
        await pilot.pause()
        assert name.value == "Zed\x07 Quinn"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form, "the form stays open with what was typed"
        error = str(form.query_one("#error-name", Static).content)
        assert error == "Name contains a control character (U+0007); remove it"
        await pilot.press("home", "right", "right", "right", "delete", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SalesScreen)
    assert demo.scalar("SELECT count(*) FROM prospects") == before + 1
    assert demo.scalar("SELECT count(*) FROM prospects WHERE name = 'Zed Quinn'") == 1
