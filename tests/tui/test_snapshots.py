"""Snapshots of the main screens on the demo workspace (time frozen by tests/conftest.py).

Regenerate deliberately after a visual change: ``pytest tests/tui/test_snapshots.py
--snapshot-update``, then look at the report before committing.
"""

from __future__ import annotations

import pytest

from dualrole.tui.app import DualroleApp

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
