"""Toasts never cover a form's key line (``ctrl+s save  esc cancel``), however many stack."""

from __future__ import annotations

import pytest
from textual.widgets import Button

from dualrole.tui.dialogs.forms import FormScreen


def covered_keys(form: FormScreen) -> list[str]:
    """The key-line cells where something other than the buttons shows on top."""
    covered = []
    for button in form.query(Button):
        region = button.region
        for x in range(region.x, region.right):
            widget, _ = form.get_widget_at(x, region.y)
            if widget is not button and button not in widget.ancestors:
                covered.append(f"{button.id} at {x},{region.y}: {type(widget).__name__}")
    return covered


@pytest.mark.parametrize(
    ("size", "keys"),
    [
        ((80, 24), ("s", "n")),  # New prospect: taller than the screen, keys on the last rows
        ((80, 24), ("s", "f")),  # New follow-up: no room for a toast under its keys
        ((120, 40), ("s", "n")),
        ((120, 40), ("s", "f")),  # room under its keys: toasts stay there
    ],
    ids=["tall-form-80x24", "short-form-80x24", "tall-form-120x40", "short-form-120x40"],
)
async def test_stacked_toasts_leave_the_key_line_visible(app, wait_until, size, keys):
    async with app.run_test(size=size, notifications=True) as pilot:
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        form = app.screen
        assert isinstance(form, FormScreen)
        await wait_until(pilot, lambda: form.fitted)
        for n in range(4):  # e.g. a focus session, a backup note, a sync, an error
            app.notify(f"Notification number {n} with a sentence long enough to wrap.")
        await wait_until(pilot, lambda: len(form.query("Toast")) == 4)
        await pilot.pause()
        assert covered_keys(form) == []
