"""Backups with SQLite's online backup API (a file copy of a WAL database can lose data).

Automatic backups go to ``<database>.backups/`` beside the file, the newest
``KEEP_AUTOMATIC`` kept: before every migration and once a day the app is used.
``restore`` checks a backup (SQLite header, integrity, dualrole schema) before it replaces
anything, and takes a backup of the current file first.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from dualrole.core.dates import clock
from dualrole.core.errors import DiskFullError
from dualrole.storage.autobackup import KEEP_AUTOMATIC, automatic_copy, backup_dir_for, backups_for
from dualrole.storage.db import (
    SQLITE_HEADER,
    DamagedError,
    StorageError,
    Store,
    open_here,
    open_store,
)
from dualrole.storage.files import copy_database, out_of_space
from dualrole.storage.schema import APPLICATION_ID, SCHEMA_VERSION

__all__ = ["KEEP_AUTOMATIC", "backup_dir_for", "backups_for"]
Progress = Callable[[int, int], None]


def backup_dir(store: Store) -> Path:
    if store.path is None:
        raise StorageError("An in-memory database has no backups.")
    return backup_dir_for(store.path)


def latest_backup_hint(path: Path) -> str:
    """One sentence pointing to the newest automatic backup, for error messages."""
    backups = backups_for(path)
    if not backups:
        return "No automatic backup exists yet."
    return f"The latest backup is {backups[0]} (`dualrole restore {backups[0]}`)."


def backup_to(
    store: Store, dest: Path, progress: Progress | None = None, *, force: bool = False
) -> Path:
    """Copy the live database to ``dest`` (0600), consistently, while others may write.

    ``dest`` follows the rules of :mod:`dualrole.storage.files`: never the database or its
    companions, never through a link, only a regular file, an existing one only with ``force``.
    """
    return copy_database(store.conn, dest, database=store.path, force=force, progress=progress)


def automatic_backup(store: Store, reason: str = "daily") -> Path:
    """A new backup in ``<database>.backups/`` (the newest ``KEEP_AUTOMATIC`` are kept)."""
    if store.path is None:
        raise StorageError("An in-memory database has no backups.")
    return automatic_copy(store.conn, store.path, reason)


def daily_backup(store: Store) -> Path | None:
    """A backup the first time the app is used on a given day; None when one exists."""
    if store.path is None or store.read_only:
        return None
    today = clock.now().strftime("%Y%m%d")
    if any(today in path.name for path in list_backups(store)):
        return None
    return automatic_backup(store, "daily")


def list_backups(store: Store) -> list[Path]:
    """Automatic backups, newest first."""
    if store.path is None:
        return []
    return backups_for(store.path)


def verify_backup(path: Path) -> None:
    """Raise StorageError unless ``path`` is a sound dualrole database we can read."""
    path = Path(path)
    if not path.is_file():
        raise StorageError(f"{path} is not a file.")
    if open_here(path):
        raise StorageError(
            f"{path} is the workspace open here, not a backup; nothing was restored."
        )
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise StorageError(f"{path} is not a SQLite database; nothing was restored.")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if out_of_space(exc, path.parent):  # SQLite could not make room to read it
            raise DiskFullError(path.parent) from exc
        raise StorageError(f"{path} is damaged ({exc}); nothing was restored.") from exc
    if result != "ok":
        raise StorageError(f"{path} fails its integrity check; nothing was restored.")
    if app_id != APPLICATION_ID:
        raise StorageError(f"{path} is not a dualrole database; nothing was restored.")
    if version > SCHEMA_VERSION:
        raise StorageError(f"{path} comes from a newer dualrole; upgrade before restoring it.")


def restore(store: Store, source: Path) -> Path | None:
    """Replace the live database's content with ``source`` after checking it.

    Returns the safety backup taken of the current content first.
    """
    verify_backup(source)
    where = store.path or "the database"
    if store.read_only_reason and "newer dualrole" in store.read_only_reason:
        raise StorageError(
            f"{where} was written by a newer dualrole; upgrade dualrole before restoring into it."
        )
    if store.read_only:
        raise StorageError(
            f"{where} is read-only here (file or folder permissions); nothing was restored."
        )
    safety = None
    if store.path is not None:
        try:
            safety = automatic_backup(store, "before-restore")
        except StorageError as exc:
            why = str(exc).rstrip(".")
            raise StorageError(
                f"The current data could not be backed up first ({why}), so nothing was restored."
            ) from exc
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        src.backup(store.conn)
    except sqlite3.Error as exc:
        if "readonly" in str(exc).lower() or "read-only" in str(exc).lower():
            raise StorageError(
                f"{where} is read-only here (file or folder permissions); nothing was restored."
            ) from exc
        kept = f"; the previous data is kept in {safety}" if safety else ""
        raise StorageError(f"The restore failed ({exc}){kept}.") from exc
    finally:
        src.close()
    return safety


def set_aside(path: Path) -> Path:
    """Rename a damaged database (and its -wal/-shm) out of the way; return its new name."""
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    for suffix in ("-wal", "-shm", ""):
        source = Path(f"{path}{suffix}")
        if source.exists():
            os.replace(source, Path(f"{aside}{suffix}"))
    return aside


def restore_to_path(path: Path, source: Path, *, make_parent: bool = False) -> Path | None:
    """Restore ``source`` into the database at ``path``, even when that file is damaged.

    A readable database is backed up first; a damaged one is kept beside it, renamed
    ``*.damaged-…``. Returns where the previous content went.
    """
    verify_backup(source)
    try:
        store = open_store(path, make_parent=make_parent)
    except DamagedError:
        aside = set_aside(path)
        with open_store(path, make_parent=make_parent) as fresh:
            restore(fresh, source)
        return aside
    with store:
        return restore(store, source)
