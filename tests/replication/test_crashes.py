"""kill -9 of the replicator during a big import, of the app while it writes, and a replica
that goes away and comes back: every case converges with nothing lost.

Waits poll the replica (or a restore of it) with a deadline; no fixed sleeps.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from dualrole.replication import litestream
from dualrole.replication.restore import restore_from_replica
from dualrole.replication.supervisor import Replicator
from dualrole.storage import replica_settings as settings
from dualrole.storage.db import open_store

from . import seaweed
from .conftest import FAST, add_prospects, children, every_table, prospect_names, until


def _converges(url: str, source: Path, tmp_path: Path, deadline_s: float = 40.0) -> None:
    """A restore of the replica ends up equal to the source in every table, row for row."""
    expected = every_table(source)
    assert {"prospects", "interactions", "stage_changes", "trash"} <= expected.keys()
    attempt: dict[str, object] = {"n": 0, "differ": "no restore yet"}

    def same() -> bool:
        attempt["n"] = n = int(attempt["n"]) + 1  # type: ignore[call-overload]
        out = tmp_path / f"check-{n}.db"
        try:
            restore_from_replica(url, out)
        except Exception as exc:
            attempt["differ"] = f"restore failed: {exc}"
            return False
        got = every_table(out)
        attempt["differ"] = sorted(
            t for t in expected.keys() | got.keys() if got.get(t) != expected.get(t)
        )
        return got == expected

    try:
        until(same, deadline_s, "the replica to hold everything")
    except AssertionError as exc:
        raise AssertionError(f"{exc}; differing: {attempt['differ']}") from None


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")
def test_kill9_replicator_during_a_20k_import(
    workspace: Path, file_replica: str, tmp_path: Path
) -> None:
    csv = tmp_path / "contacts.csv"
    lines = ["Name,Email"] + [f"Contact {i},c{i}@example.org" for i in range(20_000)]
    csv.write_text("\n".join(lines) + "\n")
    command = [sys.executable, "-m", "dualrole", "--db", str(workspace)]
    replicator = subprocess.Popen(
        [*command, "replicate", "--to", file_replica, "--sync-interval", "100ms"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        until(lambda: litestream.local_txid(workspace) > 0, what="the first sync")
        importer = subprocess.Popen(
            [*command, "import", str(csv)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        wal = Path(f"{workspace}-wal")
        start_size = wal.stat().st_size if wal.exists() else 0
        until(  # its transaction's pages spill into the WAL as the page cache fills
            lambda: (
                importer.poll() is not None
                or (wal.exists() and wal.stat().st_size > start_size + (256 << 10))
            ),
            60,
            "the import to be under way",
        )
        assert importer.poll() is None, "the import ended before the replicator was killed"
        for pid in [*children(replicator.pid), replicator.pid]:
            os.kill(pid, signal.SIGKILL)
        replicator.wait()
        assert importer.wait(120) == 0, importer.stderr.read()
    finally:
        if replicator.poll() is None:
            replicator.kill()
            replicator.wait()
    assert len(prospect_names(workspace)) >= 20_000
    restarted = Replicator(workspace, settings.get(workspace), **FAST)
    restarted.start()
    try:
        _converges(file_replica, workspace, tmp_path)
    finally:
        restarted.stop()


WRITER = """
import sys
from dualrole.storage.db import open_store
from dualrole.core.models import ProspectIn
from dualrole.services import sales
with open_store(sys.argv[1]) as store:
    n = 0
    while True:
        n += 1
        sales.create_prospect(store, ProspectIn(name=f"app write {n}"))
        print(n, flush=True)
"""


def test_kill9_of_the_app_while_replicating(
    workspace: Path, replica_url: str, tmp_path: Path
) -> None:
    replicator = Replicator(workspace, settings.set_replica(workspace, replica_url), **FAST)
    replicator.start()
    try:
        app = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(workspace)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert app.stdout is not None
        committed = 0
        for line in app.stdout:
            committed = int(line)
            if committed >= 40:
                break
        app.send_signal(signal.SIGKILL)
        app.wait()
        with open_store(workspace) as store:
            assert store.scalar("PRAGMA integrity_check") == "ok"
            add_prospects(store, ["after the crash"])
        names = prospect_names(workspace)
        assert {f"app write {n}" for n in range(1, committed + 1)} <= names
        _converges(replica_url, workspace, tmp_path)
    finally:
        replicator.stop()


def test_replica_unreachable_then_back(
    workspace: Path, s3_server: seaweed.Seaweed, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DUALROLE_REPLICA_TIMEOUT", "2")
    for key, value in s3_server.env().items():
        monkeypatch.setenv(key, value)
    with seaweed.Cable(s3_server.endpoint) as cable:
        url = f"s3://{seaweed.BUCKET}/{tmp_path.name}?endpoint={cable.endpoint}"
        replicator = Replicator(workspace, settings.set_replica(workspace, url), **FAST)
        replicator.start()
        try:
            assert replicator.wait_synced(30), replicator.state
            cable.unplug()
            with open_store(workspace) as store:
                add_prospects(store, ["written while the replica was away"])
            until(lambda: bool(replicator.state.error), what="the replica to be seen away")
            assert replicator.state.label().startswith("replica unreachable since ")
            cable.plug()
            until(lambda: not replicator.state.error, 60, "the replica to be back")
            assert replicator.wait_synced(30), replicator.state
            _converges(url, workspace, tmp_path)
        finally:
            replicator.stop()
