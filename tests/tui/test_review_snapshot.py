"""Snapshots of the review screen on the demo workspace (time frozen by tests/conftest.py).

Wide enough for the sides next to each other (120×36, as in screenshots/) and at 80×24,
where they stack. Regenerate deliberately after a visual change: ``pytest
tests/tui/test_review_snapshot.py --snapshot-update``, then look at the report.
"""

from __future__ import annotations

import pytest

from dualrole.tui.app import DualroleApp


@pytest.mark.parametrize(
    ("keys", "size"),
    [
        pytest.param(("w",), (120, 36), id="review-wide"),
        pytest.param(("w",), (80, 24), id="review-80x24"),
        pytest.param(("w", "tab", "down", "down", "down", "enter"), (120, 36),
                     id="review-records"),
    ],
)  # fmt: skip
def test_review_screen(snap_compare, demo, keys, size):
    async def press_and_settle(pilot):
        for key in keys:
            await pilot.press(key)
            await pilot.app.workers.wait_for_complete()  # the week is built in a worker
            await pilot.pause()

    assert snap_compare(DualroleApp(demo), run_before=press_and_settle, terminal_size=size)
