"""Backups with SQLite's online backup API (a file copy of a WAL database can lose data).

Automatic backups go to ``<database>.backups/`` beside the file, the newest
``KEEP_AUTOMATIC`` kept: before every migration and once a day the app is used.
``restore`` checks a backup (SQLite header, integrity, dualrole schema) before it replaces
anything, and takes a backup of the current file first.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from dualrole import clock
from dualrole.db import SQLITE_HEADER, StorageError, Store
from dualrole.schema import APPLICATION_ID, SCHEMA_VERSION

KEEP_AUTOMATIC = 10
STRAY_AFTER_S = 3600  # a partial copy this old belongs to no running backup
Progress = Callable[[int, int], None]


def backup_dir(store: Store) -> Path:
    if store.path is None:
        raise StorageError("An in-memory database has no backups.")
    return backup_dir_for(store.path)


def backup_dir_for(path: Path) -> Path:
    """Where the automatic backups of the database at ``path`` live."""
    path = Path(path)
    return path.with_name(path.name + ".backups")


def backups_for(path: Path) -> list[Path]:
    """Automatic backups of the database at ``path``, newest first (it need not open)."""
    try:
        folder = backup_dir_for(path)
        if not folder.is_dir():
            return []
    except (ValueError, OSError):  # "/" has no name; an unreadable folder has no backups
        return []
    return sorted(folder.glob("*.db"), key=lambda p: p.name, reverse=True)


def latest_backup_hint(path: Path) -> str:
    """One sentence pointing to the newest automatic backup, for error messages."""
    backups = backups_for(path)
    if not backups:
        return "No automatic backup exists yet."
    return f"The latest backup is {backups[0]} (`dualrole restore {backups[0]}`)."


def backup_to(store: Store, dest: Path, progress: Progress | None = None) -> Path:
    """Copy the live database to ``dest`` (0600), consistently, while others may write."""
    dest = Path(dest)
    if store.path is not None and dest.resolve() == store.path.resolve():
        raise StorageError("A backup cannot overwrite the database it copies; choose another path.")
    if dest.is_dir():
        raise StorageError(f"{dest} is a folder; give a file name for the backup.")
    if not dest.parent.exists():
        raise StorageError(f"The folder {dest.parent} does not exist.")
    tmp = dest.with_name(f".{dest.name}.partial")
    fd = os.open(tmp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    os.close(fd)
    try:
        target = sqlite3.connect(str(tmp))
        try:

            def report(_status: int, remaining: int, total: int) -> None:
                if progress:
                    progress(total - remaining, total)

            store.conn.backup(target, pages=256, progress=report)
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
        os.chmod(tmp, 0o600)
        os.replace(tmp, dest)
    except sqlite3.Error as exc:
        _remove_partial(tmp)
        raise StorageError(f"The backup failed: {exc}; nothing was written.") from exc
    except BaseException:
        _remove_partial(tmp)
        raise
    return dest


def _remove_partial(tmp: Path) -> None:
    """A failed copy and the journal SQLite may have left beside it (a full disk)."""
    for path in (tmp, tmp.with_name(tmp.name + "-journal"), tmp.with_name(tmp.name + "-wal")):
        path.unlink(missing_ok=True)


def automatic_backup(store: Store, reason: str = "daily") -> Path:
    folder = backup_dir(store)
    folder.mkdir(mode=0o700, exist_ok=True)
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    dest = backup_to(store, folder / f"{store.path.stem}-{stamp}-{reason}.db")
    for old in list_backups(store)[KEEP_AUTOMATIC:]:
        old.unlink(missing_ok=True)
    for stray in folder.glob(".*.partial"):  # left by a backup that was killed midway
        if time.time() - stray.stat().st_mtime > STRAY_AFTER_S:
            stray.unlink(missing_ok=True)
    return dest


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
    safety = automatic_backup(store, "before-restore") if store.path is not None else None
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        src.backup(store.conn)
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
    from dualrole.db import DamagedError, open_store

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
