"""Snapshots of the main screens on the demo workspace (time frozen by tests/conftest.py).

Regenerate deliberately after a visual change: ``pytest tests/tui/test_snapshots.py
--snapshot-update``, then look at the report before committing.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from dualrole.tui.app import DualroleApp
from dualrole.tui.dialogs.forms import FormScreen

SIZE = (100, 30)


@pytest.mark.parametrize(
    "keys",
    [
        pytest.param((), id="today"),
        pytest.param(("s",), id="sales-prospects"),
        pytest.param(("s", "2"), id="sales-pipeline"),
        pytest.param(("s", "down", "enter"), id="prospect-page"),
        pytest.param(("m", "3"), id="marketing-promotions"),
    ],
)
def test_screen(snap_compare, demo, keys):
    assert snap_compare(DualroleApp(demo), press=list(keys), terminal_size=SIZE)


SMALL = (80, 24)
"""The size the working day must fit (issue 13): every screen at 80×24."""


@pytest.mark.parametrize(
    "keys",
    [
        pytest.param((), id="today"),
        pytest.param(("s",), id="sales-prospects"),
        pytest.param(("s", "2", "right", "down"), id="sales-pipeline"),
        pytest.param(("s", "3"), id="sales-followups"),
        pytest.param(("s", "down", "enter"), id="prospect-page"),
        pytest.param(("s", "n"), id="prospect-form"),
        pytest.param(("s", "l"), id="log-form"),
        pytest.param(("m", "1"), id="marketing-segments"),
        pytest.param(("m", "2"), id="marketing-research"),
        pytest.param(("m", "3"), id="marketing-promotions"),
        pytest.param(("m", "4"), id="marketing-tasks"),
        pytest.param(("s", "question_mark"), id="help"),
        pytest.param(("comma",), id="settings"),
    ],
)
def test_screen_at_80x24(snap_compare, demo, keys):
    async def settled(pilot) -> None:
        """The keys, then (a form) until it has measured itself against the screen."""
        await pilot.press(*keys)
        for _ in range(6000):  # a safety net of ~60 s; the condition ends the wait
            screen = pilot.app.screen
            if not isinstance(screen, FormScreen) or screen.fitted:
                break
            await pilot.pause(0.01)
        for field in pilot.app.screen.query(Input):  # a blinking cursor is a matter of timing
            field.cursor_blink = False
        await pilot.pause()

    assert snap_compare(DualroleApp(demo), run_before=settled, terminal_size=SMALL)
