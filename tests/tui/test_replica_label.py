"""With a replica set, the app replicates while open and says so in its top bar.

The bar's words follow the replicator by themselves: no key press, no focus session (the
bar's own clock runs only during one), on every screen.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from dualrole.replication.supervisor import ReplicaState, lock_path, status_path
from dualrole.storage import replica_settings as settings
from dualrole.storage.db import open_store
from dualrole.tui.app import DualroleApp
from dualrole.tui.widgets.topbar import TopBar


def bar_text(app: DualroleApp) -> str:
    bar = app.screen.query_one(TopBar)
    return "".join(segment.text for segment in bar.render_line(0))


async def test_top_bar_shows_the_replica(db_path: Path, tmp_path: Path, wait_until) -> None:
    replica = tmp_path / "replica"
    settings.set_replica(db_path, replica.as_uri())
    with open_store(db_path) as store:
        app = DualroleApp(store)
        async with app.run_test(size=(120, 30)) as pilot:
            app._start_replica()
            assert app._replica is not None
            # Today, no focus session, nothing pressed: the bar says it by itself.
            await wait_until(pilot, lambda: "replicated" in bar_text(app), timeout=30)
    assert app._replica is None  # stopped (after its last sync) when the app closed
    assert (replica / "ltx").is_dir()


@contextlib.contextmanager
def another_replicator(db_path: Path) -> Iterator[None]:
    """Hold the workspace's replication lock as a running `dualrole replicate` does."""
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield
    finally:
        os.close(fd)


def write_status(db_path: Path, state: ReplicaState) -> None:
    """The status file as the supervisor writes it (``Replicator._write_status``)."""
    status_path(db_path).write_text(json.dumps(asdict(state)), encoding="utf-8")


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


async def test_the_bar_follows_the_replicator_without_a_key(db_path: Path, wait_until) -> None:
    """`dualrole replicate` runs beside the app; its status changes, the bar on Today and
    on Sales changes with it (no focus session, no key pressed after the change)."""
    url = "s3://bucket/ws"
    open_store(db_path).close()
    settings.set_replica(db_path, url)
    now = dt.datetime.now(dt.UTC)
    fine = ReplicaState(url=url, running=True, pid=os.getpid(), started_at=_iso(now))
    with another_replicator(db_path):
        write_status(db_path, fine)
        with open_store(db_path) as store:
            app = DualroleApp(store)
            async with app.run_test(size=(120, 30)) as pilot:
                app._start_replica()
                await wait_until(pilot, lambda: "replicating…" in bar_text(app), timeout=30)
                write_status(db_path, ReplicaState(**{**asdict(fine), "synced_at": _iso(now)}))
                await wait_until(pilot, lambda: "replicated " in bar_text(app), timeout=30)
                await pilot.press("s")
                await wait_until(pilot, lambda: "replicated " in bar_text(app), timeout=30)
                away = ReplicaState(
                    **{
                        **asdict(fine),
                        "synced_at": _iso(now),
                        "error": f"The replica at {url} did not answer within 20 s; "
                        "check the address and the network.",
                        "error_since": _iso(now),
                    }
                )
                write_status(db_path, away)
                since = f"replica unreachable since {now.astimezone():%H:%M}"
                await wait_until(pilot, lambda: since in bar_text(app), timeout=30)
                await pilot.press("t")
                await wait_until(pilot, lambda: since in bar_text(app), timeout=30)


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
