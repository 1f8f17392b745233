"""With a replica set, the app replicates while open and says so in its top bar."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from dualrole import replica_settings as settings
from dualrole.db import open_store
from dualrole.tui.app import DualroleApp


async def test_top_bar_shows_the_replica(db_path: Path, tmp_path: Path) -> None:
    replica = tmp_path / "replica"
    settings.set_replica(db_path, replica.as_uri())
    with open_store(db_path) as store:
        app = DualroleApp(store)
        async with app.run_test(size=(120, 30)) as pilot:
            app._start_replica()
            assert app._replica is not None
            end = time.monotonic() + 30
            while "replicated" not in app.replica_label and time.monotonic() < end:
                await asyncio.sleep(0.1)
                app._replica_tick()
            assert "replicated" in app.replica_label
            bar = app.screen.query_one("TopBar")
            bar._tick()  # its once-a-second repaint, now
            await pilot.pause()
            assert "replicated" in "".join(s.text for s in bar.render_line(0))
    assert app._replica is None  # stopped (after its last sync) when the app closed
    assert (replica / "ltx").is_dir()


async def test_no_replica_no_label(db_path: Path) -> None:
    with open_store(db_path) as store:
        app = DualroleApp(store)
        async with app.run_test(size=(120, 30)):
            app._start_replica()
            assert app.replica_label == "" and app._replica is None


def test_unreachable_replica_is_said_and_retried(db_path: Path) -> None:
    from dualrole.replication.app_hook import AppReplica

    open_store(db_path).close()
    settings.set_replica(db_path, "s3://bucket/ws?endpoint=http://127.0.0.1:9")
    replica = AppReplica(db_path)
    replica.start()
    end = time.monotonic() + 30
    while replica.label() != "replica unreachable" and time.monotonic() < end:
        time.sleep(0.05)
    assert replica.label() == "replica unreachable"
    assert replica._thread is not None and replica._thread.is_alive()  # it tries again later
    replica.stop()
    replica._thread.join(5)
    assert not replica._thread.is_alive()
