"""Writing export files safely: whole or not at all, private, and never over the database.

:func:`write_atomic` writes to a temporary file beside the destination (created 0600), syncs
it and renames it into place, so a reader never sees half a file and an interrupted export
leaves the old file untouched. It refuses a symbolic link, a folder, the database itself or
its ``-wal``/``-shm`` companions, and an existing file unless ``force`` is given.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from dualrole.db import StorageError


def protected_paths(db_path: Path | None) -> list[Path]:
    """The database file and the companions SQLite keeps beside it."""
    if db_path is None:
        return []
    return [Path(f"{db_path}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]


def check_destination(dest: Path, *, force: bool, protect: Iterable[Path] = ()) -> None:
    """Raise :class:`StorageError` unless writing ``dest`` is safe and wanted."""
    dest = Path(dest)
    if dest.is_symlink():
        raise StorageError(f"{dest} is a symbolic link; write to the real file instead.")
    resolved = dest.resolve()
    for path in protect:
        if resolved == Path(path).resolve():
            raise StorageError(f"{dest} is the database (or part of it); choose another file.")
    if dest.is_dir():
        raise StorageError(f"{dest} is a folder; give a file name.")
    if not dest.parent.exists():
        raise StorageError(f"The folder {dest.parent} does not exist.")
    if dest.exists() and not force:
        raise StorageError(f"{dest} already exists; pass --force to replace it.")


def write_atomic(
    dest: Path,
    write: Callable[[BinaryIO], None],
    *,
    force: bool = False,
    protect: Iterable[Path] = (),
) -> Path:
    """Write ``dest`` through ``write(binary_file)`` via temp file + rename; mode 0600."""
    dest = Path(dest)
    check_destination(dest, force=force, protect=protect)
    fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".partial")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        check_destination(dest, force=force, protect=protect)  # nothing appeared meanwhile
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return dest
