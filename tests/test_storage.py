"""The database file: schema, refusals, permissions, transactions, concurrent writers."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from dualrole.core.models import ProspectIn
from dualrole.services import sales
from dualrole.storage.db import ConflictError, StorageError, open_store
from dualrole.storage.migrations import APPLICATION_ID, SCHEMA_VERSION, migrations


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_schema_version_counts_the_migrations():
    assert len(migrations._migrations) == SCHEMA_VERSION


def test_migrations_from_an_empty_file(db_path):
    with open_store(db_path) as store:
        assert store.scalar("PRAGMA user_version") == SCHEMA_VERSION
        assert store.scalar("PRAGMA application_id") == APPLICATION_ID
        assert store.scalar("PRAGMA journal_mode") == "wal"
        assert store.scalar("PRAGMA foreign_keys") == 1
        assert store.scalar("PRAGMA busy_timeout") >= 5000
        applied = [m.name for m in migrations.applied(store.db)]
        assert applied == [m.name for m in migrations._migrations]
        tables = {row[0] for row in store.query("SELECT name FROM sqlite_master")}
        assert {"prospects", "interactions", "followups", "prospects_fts"} <= tables
    # opening again applies nothing and keeps the data
    with open_store(db_path) as store:
        sales.create_prospect(store, ProspectIn(name="Kept"))
    with open_store(db_path) as store:
        assert store.scalar("SELECT name FROM prospects") == "Kept"
        assert len(migrations.applied(store.db)) == SCHEMA_VERSION


def test_a_newer_schema_opens_read_only_and_refuses_writes(db_path):
    with open_store(db_path) as store:
        sales.create_prospect(store, ProspectIn(name="Existing"))
    raw = sqlite3.connect(db_path)
    raw.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    raw.close()
    before = db_path.read_bytes()
    with open_store(db_path) as store:
        assert store.read_only
        reason = store.read_only_reason
        assert "newer dualrole" in reason and "upgrade dualrole" in reason
        assert reason.endswith(".") and ". " not in reason and "\n" not in reason  # one sentence
        assert store.scalar("SELECT name FROM prospects") == "Existing"
        with pytest.raises(StorageError) as info:
            sales.create_prospect(store, ProspectIn(name="New"))
        assert str(info.value) == reason
        with pytest.raises(sqlite3.OperationalError, match="readonly"):  # query_only
            store.conn.execute("DELETE FROM prospects")
    assert db_path.read_bytes() == before


def test_a_foreign_sqlite_file_is_refused_untouched(db_path):
    raw = sqlite3.connect(db_path)
    raw.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
    raw.commit()
    raw.close()
    before = db_path.read_bytes()
    with pytest.raises(StorageError, match="another program"):
        open_store(db_path)
    assert db_path.read_bytes() == before
    assert not Path(f"{db_path}-wal").exists()


def test_permissions_of_file_wal_shm_and_created_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DUALROLE_DB")
    old_umask = os.umask(0)  # even a careless umask must not widen them
    try:
        with open_store() as store:
            sales.create_prospect(store, ProspectIn(name="Private"))
            path = store.path
            assert path.is_relative_to(tmp_path / "xdg")
            for suffix in ("", "-wal", "-shm"):
                assert mode(Path(f"{path}{suffix}")) == 0o600, suffix
            assert mode(path.parent) == 0o700
    finally:
        os.umask(old_umask)


def test_a_missing_folder_is_not_created_for_an_explicit_path(tmp_path):
    target = tmp_path / "nowhere" / "work.db"
    with pytest.raises(StorageError, match="does not exist"):
        open_store(target)
    assert not target.parent.exists()


def test_create_false_on_a_missing_file(tmp_path):
    with pytest.raises(StorageError, match="There is no database at"):
        open_store(tmp_path / "absent.db", create=False)


def test_a_failed_transaction_leaves_nothing(file_store):
    with pytest.raises(ZeroDivisionError), file_store.transaction():
        file_store.execute(
            "INSERT INTO prospects(name, created_at) VALUES ('Half', '2026-11-20T09:00:00Z')"
        )
        _ = 1 / 0
    assert file_store.scalar("SELECT count(*) FROM prospects") == 0


def test_writes_outside_a_transaction_are_a_programming_error(file_store):
    with pytest.raises(RuntimeError, match=r"inside Store\.transaction"):
        file_store.execute("DELETE FROM prospects")


def test_two_stores_editing_one_record_conflict(db_path):
    with open_store(db_path) as first, open_store(db_path) as second:
        created = sales.create_prospect(first, ProspectIn(name="Shared"))
        mine = sales.get_prospect(first, created.id)
        theirs = sales.get_prospect(second, created.id)
        sales.update_prospect(second, created.id, theirs.version, ProspectIn(name="Theirs"))
        with pytest.raises(ConflictError, match="changed elsewhere"):
            sales.update_prospect(first, created.id, mine.version, ProspectIn(name="Mine"))
        assert sales.get_prospect(first, created.id).name == "Theirs"


WRITES_PER_PROCESS = 300


def _writer(path: str, tag: str, queue) -> None:
    """Create and edit prospects as fast as possible; report every failure's text."""
    failures: list[str] = []
    done = 0
    with open_store(path) as store:
        for n in range(WRITES_PER_PROCESS // 2):
            try:
                created = sales.create_prospect(store, ProspectIn(name=f"{tag}{n}"))
                sales.update_prospect(
                    store, created.id, created.version, ProspectIn(name=f"{tag}{n} edited")
                )
                done += 2
            except Exception as exc:
                failures.append(f"{type(exc).__name__}: {exc}")
    queue.put((tag, done, failures))


def test_two_processes_writing_at_once_never_see_locked(db_path):
    open_store(db_path).close()
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=_writer, args=(str(db_path), t, queue)) for t in "AB"]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    assert [failures for _tag, _done, failures in results] == [[], []]
    assert sum(done for _tag, done, _failures in results) == 2 * WRITES_PER_PROCESS
    with open_store(db_path) as store:
        assert store.scalar("SELECT count(*) FROM prospects WHERE name LIKE '% edited'") == (
            WRITES_PER_PROCESS
        )
        assert store.scalar("PRAGMA integrity_check") == "ok"


def test_automatic_backup_clears_a_stray_partial_copy(file_store):
    import os
    import time

    from dualrole.storage.backup import automatic_backup, backup_dir

    folder = backup_dir(file_store)
    folder.mkdir(mode=0o700)
    stray = folder / ".killed.db.partial"
    stray.write_bytes(b"half a copy")
    hour_ago = time.time() - 7200
    os.utime(stray, (hour_ago, hour_ago))
    fresh = folder / ".running.db.partial"
    fresh.write_bytes(b"another backup in progress")
    automatic_backup(file_store, "manual")
    assert not stray.exists()
    assert fresh.exists()


def test_opening_the_file_twice_keeps_the_first_connections_locks(db_path):
    """A second Store on the same file (the app's worker threads do this) must not drop the
    first one's POSIX locks: another process closing its connection would then delete the
    live WAL and every later write of the first Store would be lost."""
    import subprocess
    import sys

    from dualrole.storage.db import open_store

    with open_store(db_path) as first:
        sales.create_prospect(first, ProspectIn(name="Before"))
        open_store(db_path, create=False).close()
        reader = (
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
            "c.execute('select count(*) from prospects').fetchone()"
        )
        subprocess.run([sys.executable, "-c", reader, str(db_path)], check=True)
        assert Path(f"{db_path}-wal").exists()
        sales.create_prospect(first, ProspectIn(name="After"))
        seen = subprocess.run(
            [sys.executable, "-c",
             "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
             "print(c.execute('select count(*) from prospects').fetchone()[0])", str(db_path)],
            check=True, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
    assert seen == "2"


def test_time_queries_on_interactions_walk_one_covering_index(store):
    """m007 left one time index on interactions: the review's counts and its first-record
    ``min`` (over all rows, trash included) must still read only that index."""
    from dualrole.review.data import TRASHED, WEEKLY

    (count,) = [sql for keys, sql, _bounds in WEEKLY if keys == ("interactions",)]
    queries = [
        (count.replace("{trashed}", ""), ("a", "b")),
        (count.replace("{trashed}", TRASHED), ("a", "b")),
        ("SELECT min(occurred_at) FROM interactions", ()),
    ]
    for sql, params in queries:
        plan = " | ".join(row[3] for row in store.query(f"EXPLAIN QUERY PLAN {sql}", params))
        assert "USING COVERING INDEX interactions_by_occurred" in plan, (sql, plan)
