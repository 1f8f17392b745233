"""Automatic backups: where they live, what they are called, how many are kept.

Automatic backups go to ``<database>.backups/`` beside the file (0700), each under a new name
(``<stem>-<YYYYmmdd-HHMMSS>-<reason>.db``; never over an existing file), the newest
``KEEP_AUTOMATIC`` kept. This module works on a plain SQLite connection so that ``db`` can take
the backup before a migration without importing ``backup`` (which builds on ``db``).
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from pathlib import Path

from dualrole.core.dates import clock
from dualrole.core.errors import DestinationError
from dualrole.storage.files import TEMP_SUFFIX, copy_database

KEEP_AUTOMATIC = 10
STRAY_AFTER_S = 3600  # a partial copy this old belongs to no running backup


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


def _new_name(folder: Path, base: str) -> Path:
    for n in range(1, 1000):
        candidate = folder / (f"{base}.db" if n == 1 else f"{base}-{n}.db")
        if not candidate.exists() and not candidate.is_symlink():
            return candidate
    raise DestinationError(f"{folder} holds too many backups named {base}; remove some.")


def automatic_copy(conn: sqlite3.Connection, path: Path, reason: str) -> Path:
    """A new backup of ``conn`` (the database at ``path``) in its backups folder."""
    path = Path(path)
    folder = backup_dir_for(path)
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:
        raise DestinationError(
            f"The backups folder {folder} cannot be created ({exc.strerror or exc})."
        ) from exc
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    dest = copy_database(conn, _new_name(folder, f"{path.stem}-{stamp}-{reason}"), database=path)
    for old in backups_for(path)[KEEP_AUTOMATIC:]:
        old.unlink(missing_ok=True)
    for stray in [*folder.glob(f".*{TEMP_SUFFIX}"), *folder.glob(f".*{TEMP_SUFFIX}-*")]:
        with contextlib.suppress(OSError):  # left by a backup that was killed midway
            if time.time() - stray.lstat().st_mtime > STRAY_AFTER_S:
                stray.unlink()
    return dest
