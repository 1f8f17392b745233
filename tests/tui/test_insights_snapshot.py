"""Snapshots of the Insights screen on the demo workspace (time frozen by tests/conftest.py).

Regenerate deliberately after a visual change: ``pytest tests/tui/test_insights_snapshot.py
--snapshot-update``, then look at the report.
"""

from __future__ import annotations

import pytest

from dualrole.tui.app import DualroleApp


@pytest.mark.parametrize(
    ("keys", "size"),
    [
        pytest.param(("I",), (120, 36), id="insights-wide"),
        pytest.param(("I", "enter"), (120, 36), id="insights-records"),
    ],
)
def test_insights_screen(snap_compare, demo, keys, size):
    async def press_and_settle(pilot):
        for key in keys:
            await pilot.press(key)
            await pilot.app.workers.wait_for_complete()  # computed in a worker
            await pilot.pause()

    assert snap_compare(DualroleApp(demo), run_before=press_and_settle, terminal_size=size)
