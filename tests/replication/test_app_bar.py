"""The app's top bar follows its replicator against a real S3 replica: reachable, then away
(the network dropped), then back — each shown without a key press, on the screen in view."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from dualrole import replica_settings as settings
from dualrole.db import open_store
from dualrole.tui.app import DualroleApp
from dualrole.tui.widgets.topbar import TopBar

from . import seaweed
from .conftest import add_prospects


def _bar(app: DualroleApp) -> str:
    bar = app.screen.query_one(TopBar)
    return "".join(segment.text for segment in bar.render_line(0))


async def _until(pilot, condition, what: str, deadline_s: float = 60.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline_s
    while not condition():
        assert loop.time() < end, f"timed out waiting for {what}"
        await pilot.pause(0.05)


async def test_bar_says_unreachable_then_replicated_again(
    workspace: Path, s3_server: seaweed.Seaweed, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DUALROLE_REPLICA_TIMEOUT", "2")
    for key, value in s3_server.env().items():
        monkeypatch.setenv(key, value)
    with seaweed.Cable(s3_server.endpoint) as cable:
        url = f"s3://{seaweed.BUCKET}/{tmp_path.name}?endpoint={cable.endpoint}"
        settings.set_replica(workspace, url)
        with open_store(workspace) as store:
            app = DualroleApp(store)
            async with app.run_test(size=(120, 30)) as pilot:
                await pilot.press("s")  # Sales, no focus session
                await _until(pilot, lambda: "replicated " in _bar(app), "replicated")
                cable.unplug()
                with open_store(workspace) as other:
                    add_prospects(other, ["written while the replica was away"])
                await _until(pilot, lambda: "replica unreachable since" in _bar(app), "away")
                cable.plug()
                await _until(pilot, lambda: "replicated " in _bar(app), "back")
