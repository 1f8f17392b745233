"""Every kind of bad database file: its own sentence, the right exit, the file left alone."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from dualrole.core.models import ProspectIn
from dualrole.services import sales
from dualrole.services.lists import ProspectFilter, prospects_query
from dualrole.storage.db import DamagedError, StorageError, open_store
from dualrole.storage.migrations import SCHEMA_VERSION

from .faults import make_old_file, one_sentence, read_only, run_cli, snapshot


def good_file(path: Path, prospects: int = 3) -> Path:
    with open_store(path) as store:
        for n in range(prospects):
            sales.create_prospect(store, ProspectIn(name=f"Prospect {n}", notes="x" * 3000))
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def refused(path: Path, fragment: str) -> None:
    """Both the CLI and the core refuse ``path`` with ``fragment`` in one sentence."""
    before = snapshot(path) if path.is_file() else None
    result = run_cli("--db", str(path), "check")
    assert result.returncode != 0
    assert fragment in one_sentence(result)
    with pytest.raises(StorageError) as info:
        open_store(path)
    assert fragment in str(info.value) and "\n" not in str(info.value)
    if before is not None:
        assert snapshot(path) == before, "an existing file must never be re-initialised"
        assert not Path(f"{path}-wal").exists()


def test_not_sqlite(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("Dear diary, this is not a database.\n" * 50)
    refused(path, "is not a SQLite database, so dualrole will not touch it")


def test_zero_bytes(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    refused(path, "is an empty file, not a dualrole database")


def test_truncated_header(tmp_path):
    path = good_file(tmp_path / "cut.db")
    path.write_bytes(path.read_bytes()[:10])
    refused(path, "is truncated; restore it")


def test_truncated_in_the_middle(tmp_path):
    path = good_file(tmp_path / "half.db", prospects=20)
    data = path.read_bytes()
    page = 4096
    assert len(data) > 6 * page
    path.write_bytes(data[: 2 * page])
    before = snapshot(path)
    result = run_cli("--db", str(path), "check")
    assert result.returncode != 0
    assert "damaged" in one_sentence(result)
    with pytest.raises(DamagedError), open_store(path) as store:
        sales.create_prospect(store, ProspectIn(name="On a damaged file"))
    assert snapshot(path)[0] == before[0]


def test_a_folder(tmp_path):
    refused(tmp_path, "is a folder, not a database file")


def test_missing_folder(tmp_path):
    path = tmp_path / "gone" / "work.db"
    result = run_cli("--db", str(path), "check")
    assert result.returncode != 0 and "There is no workspace at" in one_sentence(result)
    with pytest.raises(StorageError, match="does not exist; create it or choose another"):
        open_store(path)
    assert not path.parent.exists()


def test_read_only_file_opens_for_browsing(tmp_path):
    path = good_file(tmp_path / "locked.db")
    before = snapshot(path)
    with read_only(path):
        result = run_cli("--db", str(path), "check")
        assert result.returncode == 0, result.stderr
        assert "read-only" in result.stdout and "3 prospects" in result.stdout
        with open_store(path) as store:
            assert store.read_only
            assert store.scalar("SELECT count(*) FROM prospects") == 3
            with pytest.raises(StorageError, match="is read-only"):
                sales.create_prospect(store, ProspectIn(name="Not saved"))
    assert snapshot(path)[0] == before[0]


def test_read_only_folder_opens_for_browsing(tmp_path):
    folder = tmp_path / "shelf"
    folder.mkdir()
    path = good_file(folder / "work.db")
    before = snapshot(path)
    with read_only(folder):
        result = run_cli("--db", str(path), "check")
        assert result.returncode == 0, result.stderr
        assert "read-only" in result.stdout
        with open_store(path) as store:
            assert store.read_only and store.scalar("SELECT count(*) FROM prospects") == 3
            with pytest.raises(StorageError, match="is read-only"):
                sales.create_prospect(store, ProspectIn(name="Not saved"))
        created = run_cli("--db", str(folder / "new.db"), "demo", "--no-open")
        assert created.returncode != 0 and "read-only" in one_sentence(created)
    assert snapshot(path)[0] == before[0]


def test_old_file_in_read_only_folder_cannot_be_upgraded(tmp_path):
    folder = tmp_path / "shelf"
    folder.mkdir()
    path = folder / "old.db"
    make_old_file(path, stop_before="m003_full_text")
    with read_only(folder):
        refused(path, "is read-only and needs an upgrade")


def test_newer_dualrole(tmp_path):
    path = good_file(tmp_path / "future.db")
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 5}")
    conn.close()
    before = snapshot(path)
    result = run_cli("--db", str(path), "check")
    assert result.returncode == 0
    assert "written by a newer dualrole" in result.stdout
    assert run_cli("--db", str(path), "backup", str(tmp_path / "copy.db")).returncode == 0
    demo = run_cli("--db", str(path), "demo", "--no-open")
    assert demo.returncode != 0 and "already exists" in one_sentence(demo)
    with (
        open_store(path) as store,
        pytest.raises(StorageError, match="upgrade dualrole to change it"),
    ):
        sales.create_prospect(store, ProspectIn(name="Refused"))
    assert snapshot(path)[0] == before[0]


def test_another_programs_sqlite_file(tmp_path):
    path = tmp_path / "photos.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photo (id INTEGER PRIMARY KEY, blob BLOB)")
    conn.commit()
    conn.close()
    refused(path, "is a SQLite database of another program")


@pytest.mark.parametrize("stop_before", ["m002_indexes", "m003_full_text"])
def test_older_dualrole_is_migrated_after_a_backup(tmp_path, stop_before):
    path = tmp_path / "old.db"
    version = make_old_file(path, stop_before=stop_before)
    assert version < SCHEMA_VERSION
    result = run_cli("--db", str(path), "check")
    assert result.returncode == 0, result.stderr
    assert f"schema {SCHEMA_VERSION}" in result.stdout and "3 prospects" in result.stdout
    backups = list((tmp_path / "old.db.backups").glob("*.db"))
    assert all(
        b.name.endswith(f"before-migration-{version}-to-{SCHEMA_VERSION}.db") for b in backups
    )
    assert backups and all(b.stat().st_mode & 0o777 == 0o600 for b in backups)
    conn = sqlite3.connect(backups[0])
    assert conn.execute("PRAGMA user_version").fetchone()[0] == version
    assert conn.execute("SELECT count(*) FROM prospects").fetchone()[0] == 3
    conn.close()
    with open_store(path) as store:
        assert store.scalar("PRAGMA user_version") == SCHEMA_VERSION
        # rows from before full-text search existed are found by search
        found = prospects_query(store, ProspectFilter(search="old prospect")).count(store)
        assert found == 3
        sales.create_prospect(store, ProspectIn(name="New one"))


def test_a_failing_migration_changes_nothing(tmp_path, monkeypatch):
    """All steps run in one transaction: a failure half-way leaves the old schema whole."""
    from dualrole.storage import migrations as schema

    path = tmp_path / "old.db"
    make_old_file(path, stop_before="m002_indexes")
    last = schema.migrations._migrations[-1]

    def broken(db):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(last, "fn", broken)
    with pytest.raises(StorageError, match="disk reported an error"):
        open_store(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert "prospects_fts" not in tables and "prospects_by_name" not in tables
    assert conn.execute("SELECT count(*) FROM prospects").fetchone()[0] == 3
    conn.close()
