"""Replication with Litestream to a folder and to S3 (SeaweedFS), and restore from it.

Waits are on conditions (the replica's position, polled with a deadline), never a fixed
sleep.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import time
from pathlib import Path

import pytest

from dualrole.interop.dump import data_tables
from dualrole.replication import litestream, marker
from dualrole.replication.litestream import ReplicaError
from dualrole.replication.restore import restore_from_replica
from dualrole.replication.supervisor import AlreadyReplicating, Replicator
from dualrole.storage import replica_settings as settings
from dualrole.storage.backup import verify_backup
from dualrole.storage.db import StorageError, open_store

from .conftest import FAST, add_prospects, prospect_names, replica_has


def _replicator(db: Path, url: str, **options) -> Replicator:
    setting = settings.set_replica(db, url)
    return Replicator(db, setting, **{**FAST, **options})


def _tables(path: Path) -> dict[str, list[tuple]]:
    with open_store(path) as store:
        return {
            name: sorted((tuple(r) for r in store.query(f'SELECT * FROM "{name}"')), key=repr)
            for name in data_tables(store)
        }


def test_latest_restore_equals_source(workspace: Path, replica_url: str, tmp_path: Path) -> None:
    replicator = _replicator(workspace, replica_url)
    replicator.start()
    try:
        assert replicator.wait_synced(30), replicator.state
        with open_store(workspace) as store:
            add_prospects(store, [f"after-start-{i}" for i in range(50)])
        assert replicator.wait_synced(30), replicator.state
        assert "replicated" in replicator.state.label()
    finally:
        final = replicator.stop()
    assert final.replica_txid >= final.local_txid > 0
    restored = restore_from_replica(replica_url, tmp_path / "restored.db")
    verify_backup(restored.path)
    assert _tables(restored.path) == _tables(workspace)
    assert stat.S_IMODE(restored.path.stat().st_mode) == 0o600


def _next_second(after: dt.datetime) -> dt.datetime:
    """Wait (on the clock) until a whole second after ``after`` has begun; return it."""
    boundary = after.replace(microsecond=0) + dt.timedelta(seconds=1)
    while dt.datetime.now(dt.UTC) < boundary:
        time.sleep(0.02)
    return boundary


def test_point_in_time_restore(workspace: Path, replica_url: str, tmp_path: Path) -> None:
    replicator = _replicator(workspace, replica_url)
    replicator.start()
    try:
        with open_store(workspace) as store:
            add_prospects(store, ["before the moment"])
            replica_has(replica_url, "before the moment", tmp_path)
            position = litestream.position(workspace, replica_url)
            assert position is not None
            moment = _next_second(max(position.at, dt.datetime.now(dt.UTC)))
            _next_second(moment)  # the next write lands in a later second than the moment
            add_prospects(store, ["after the moment"])
        assert replicator.wait_synced(30), replicator.state
    finally:
        replicator.stop()
    then = restore_from_replica(replica_url, tmp_path / "then.db", at=moment)
    names = prospect_names(then.path)
    assert "before the moment" in names and "after the moment" not in names
    latest = restore_from_replica(replica_url, tmp_path / "latest.db")
    assert {"before the moment", "after the moment"} <= prospect_names(latest.path)


def test_restore_refuses_to_overwrite_then_force_keeps_a_backup(
    workspace: Path, file_replica: str, tmp_path: Path
) -> None:
    replicator = _replicator(workspace, file_replica)
    replicator.start()
    try:
        assert replicator.wait_synced(30), replicator.state
    finally:
        replicator.stop()
    other = tmp_path / "other.db"
    with open_store(other) as store:
        add_prospects(store, ["only in the other workspace"])
    before = other.read_bytes()
    with pytest.raises(StorageError, match="already exists; pass --force"):
        restore_from_replica(file_replica, other)
    assert other.read_bytes() == before
    result = restore_from_replica(file_replica, other, force=True)
    assert result.previous is not None and result.previous.exists()
    assert "only in the other workspace" in prospect_names(result.previous)
    assert prospect_names(other) == prospect_names(workspace)


def test_unusable_replicas_leave_the_workspace_untouched(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUALROLE_REPLICA_TIMEOUT", "3")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    with pytest.raises(ReplicaError, match="no credentials"):
        restore_from_replica("s3://bucket/ws?endpoint=http://127.0.0.1:9", workspace, force=True)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "someone")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "something")
    before = workspace.read_bytes()
    empty = (tmp_path / "empty").as_uri()
    with pytest.raises(ReplicaError, match="holds no replica"):
        restore_from_replica(empty, workspace, force=True)
    junk = tmp_path / "junk"
    (junk / "ltx" / "0").mkdir(parents=True)
    (junk / "ltx" / "0" / "0000000000000001-0000000000000001.ltx").write_bytes(b"not ltx" * 9)
    with pytest.raises((ReplicaError, StorageError)):
        restore_from_replica(junk.as_uri(), workspace, force=True)
    unreachable = "s3://bucket/ws?endpoint=http://127.0.0.1:9"
    with pytest.raises(ReplicaError, match=r"cannot be reached|did not answer"):
        restore_from_replica(unreachable, workspace, force=True)
    assert workspace.read_bytes() == before
    assert not list(tmp_path.glob(".ws.db.from-replica*"))


def test_two_machines_are_refused(
    workspace: Path, file_replica: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _replicator(workspace, file_replica)
    first.start()
    try:
        assert first.wait_synced(30), first.state
        # Another machine: its own config folder (so its own writer id) and its own copy.
        monkeypatch.setenv("DUALROLE_CONFIG_DIR", str(tmp_path / "laptop2"))
        other = tmp_path / "laptop2.db"
        restore_from_replica(file_replica, other)
        second = _replicator(other, file_replica)
        with pytest.raises(ReplicaError, match=r"already the replica of .* --take-over"):
            second.start()
        # The same machine cannot run two replicators on one workspace either.
        monkeypatch.setenv("DUALROLE_CONFIG_DIR", str(tmp_path / "config"))
        with pytest.raises(AlreadyReplicating):
            Replicator(workspace, settings.get(workspace)).start()
    finally:
        first.stop()
    # The move: the new machine takes over; the old one is then refused.
    monkeypatch.setenv("DUALROLE_CONFIG_DIR", str(tmp_path / "laptop2"))
    second = _replicator(other, file_replica, take_over=True)
    second.start()
    try:
        assert second.previous_writer is not None
        assert second.wait_synced(30), second.state
        with open_store(other) as store:
            add_prospects(store, ["written on the new machine"])
        assert second.wait_synced(30), second.state
    finally:
        second.stop()
    moved = restore_from_replica(file_replica, tmp_path / "after-move.db")
    assert prospect_names(moved.path) == prospect_names(other)
    assert "written on the new machine" in prospect_names(moved.path)
    monkeypatch.setenv("DUALROLE_CONFIG_DIR", str(tmp_path / "config"))
    with pytest.raises(ReplicaError, match="already the replica of"):
        Replicator(workspace, settings.get(workspace)).start()


def test_settings_are_private_and_never_in_the_workspace(
    workspace: Path, file_replica: str, tmp_path: Path
) -> None:
    secret = "s3cr3t-never-in-the-db"
    settings.set_replica(workspace, file_replica)
    path = settings.settings_path()
    data = json.loads(path.read_text())
    data["credentials"] = {"AWS_SECRET_ACCESS_KEY": secret}
    path.write_text(json.dumps(data))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert settings.child_environment().get("AWS_SECRET_ACCESS_KEY") == (
        os.environ.get("AWS_SECRET_ACCESS_KEY") or secret
    )
    replicator = Replicator(workspace, settings.get(workspace), **FAST)
    replicator.start()
    try:
        assert replicator.wait_synced(30)
        # Litestream's config reaches it through a pipe: no file holds it.
        assert replicator._process is not None
        assert "-config\x00/dev/fd/" in Path(f"/proc/{replicator._process.pid}/cmdline").read_text()
    finally:
        replicator.stop()
    for file in [workspace, *workspace.parent.glob("ws.db-*")]:
        assert secret.encode() not in file.read_bytes()
        assert file_replica.encode() not in file.read_bytes()
    with open_store(workspace) as store:
        assert not [t for t in data_tables(store) if "litestream" in t]
        autocheckpoint = store.scalar("PRAGMA wal_autocheckpoint")
    assert autocheckpoint == 0  # Litestream checkpoints a replicated workspace
    os.chmod(path, 0o644)
    with pytest.raises(settings.SettingsError, match="chmod 600"):
        settings.get(workspace)
    assert marker.read(file_replica) is not None
