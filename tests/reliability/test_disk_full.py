"""A full disk during a save and during a backup: a clear message, nothing partial, data kept."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from dualrole.core.models import ProspectIn
from dualrole.services import sales
from dualrole.storage.backup import backup_to
from dualrole.storage.db import StorageError, open_store

FULL_MESSAGE = "The disk is full; nothing was saved. Free some space and try again."


def test_save_on_a_full_database_max_page_count(db_path):
    with open_store(db_path) as store:
        kept = sales.create_prospect(store, ProspectIn(name="Kept", notes="earlier work"))
        pages = store.scalar("PRAGMA page_count")
        store.conn.execute(f"PRAGMA max_page_count={pages + 2}")
        with pytest.raises(StorageError) as info:
            sales.create_prospect(store, ProspectIn(name="Too big", notes="x" * 900_000))
        assert str(info.value) == FULL_MESSAGE
        assert store.scalar("SELECT count(*) FROM prospects") == 1
        assert not store.conn.in_transaction
    with open_store(db_path) as store:
        assert sales.get_prospect(store, kept.id).notes == "earlier work"
        assert store.scalar("PRAGMA integrity_check") == "ok"


@contextlib.contextmanager
def tiny_disk(where: Path, size: str) -> Iterator[Path]:
    """A small tmpfs mounted at ``where`` (needs root and mount rights; skips otherwise)."""
    where.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _fill(folder: Path, leave: int) -> None:
    stat = os.statvfs(folder)
    free = stat.f_bavail * stat.f_frsize
    (folder / "ballast").write_bytes(b"\0" * max(free - leave, 0))


def test_save_on_a_full_disk(tmp_path):
    with tiny_disk(tmp_path / "disk", "4m") as disk:
        path = disk / "work.db"
        with open_store(path) as store:
            sales.create_prospect(store, ProspectIn(name="Kept", notes="earlier work"))
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            _fill(disk, leave=64 * 1024)
            with pytest.raises(StorageError) as info:
                for n in range(50):
                    sales.create_prospect(store, ProspectIn(name=f"Big {n}", notes="y" * 200_000))
            assert str(info.value) == FULL_MESSAGE
            saved = store.scalar("SELECT count(*) FROM prospects WHERE name LIKE 'Big %'")
        (disk / "ballast").unlink()
        with open_store(path) as store:
            assert store.scalar("PRAGMA integrity_check") == "ok"
            assert store.scalar("SELECT notes FROM prospects WHERE name = 'Kept'") == "earlier work"
            assert store.scalar("SELECT count(*) FROM prospects WHERE name LIKE 'Big %'") == saved
            rows = store.query("SELECT length(notes) FROM prospects WHERE name LIKE 'Big %'")
            assert all(row[0] == 200_000 for row in rows), "a half-written note"


def test_backup_to_a_full_disk(tmp_path):
    path = tmp_path / "work.db"
    with open_store(path) as store:
        for n in range(40):
            sales.create_prospect(store, ProspectIn(name=f"P{n}", notes="z" * 50_000))
        with tiny_disk(tmp_path / "usb", "1m") as usb:
            dest = usb / "backup.db"
            with pytest.raises(StorageError) as info:
                backup_to(store, dest)
            assert str(info.value).startswith("The backup failed:")
            assert "full" in str(info.value) and str(info.value).endswith("nothing was written.")
            assert list(usb.iterdir()) == [], "a partial backup was left behind"
        assert store.scalar("SELECT count(*) FROM prospects") == 40
        assert store.scalar("PRAGMA integrity_check") == "ok"


def test_restore_from_a_replica_onto_a_full_disk_blames_the_disk(tmp_path):
    """Litestream's copy fits, but SQLite finds no room left to read it (its -shm file):
    the owner hears that the workspace's disk is full, not that the replica is unsound."""
    from dualrole.replication.restore import restore_from_replica
    from dualrole.replication.supervisor import Replicator
    from dualrole.storage import replica_settings

    from .faults import one_sentence, run_cli

    source = tmp_path / "source.db"
    with open_store(source) as store:
        for n in range(40):
            sales.create_prospect(store, ProspectIn(name=f"Replicated {n}", notes="r" * 20_000))
    url = (tmp_path / "replica").as_uri()
    replicator = Replicator(
        source, replica_settings.set_replica(source, url), sync_interval="100ms", poll_s=0.2
    )
    replicator.start()
    try:
        assert replicator.wait_synced(60), replicator.state
    finally:
        replicator.stop()
    restored = restore_from_replica(url, tmp_path / "probe.db").path.stat().st_size
    with tiny_disk(tmp_path / "disk", "4m") as disk:
        path = disk / "work.db"
        with open_store(path) as store:
            sales.create_prospect(store, ProspectIn(name="Kept"))
        for room in (4096, 12 * 1024, 40 * 1024):  # Litestream's write, SQLite's -shm, opening
            _fill(disk, leave=restored + room)
            result = run_cli("--db", str(path), "restore", "--from-replica", url, "--force")
            message = one_sentence(result)
            assert result.returncode == 1
            # Whichever step found no room (Litestream's copy, reading it, opening the
            # workspace, backing it up first), the sentence names the workspace's disk.
            assert f"he disk holding {disk}" in message and "is full" in message, message
            assert "not a sound" not in message and "I/O" not in message, message
            (disk / "ballast").unlink()
            with open_store(path) as store:
                assert [r[0] for r in store.query("SELECT name FROM prospects")] == ["Kept"]
