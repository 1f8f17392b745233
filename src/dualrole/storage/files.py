"""Writing a file the person named: one rule for what a destination may be, one way to write it.

Every command that writes a file goes through here: the review export (``review -o`` and the
app's export dialog), ``export ics/json/csv/vcard``, ``backup`` (on demand and automatic) and
``demo``. A destination is refused with one sentence when it is

- a symbolic link (dualrole never writes through one), a folder, or anything but a regular
  file — a device such as ``/dev/full``, a FIFO, a socket — even with ``--force``;
- the workspace database or one of the files SQLite keeps beside it (``-wal``, ``-shm``,
  ``-journal``), compared by resolved path and by :func:`os.path.samefile` (hard links);
- in a folder that does not exist;
- an existing file, unless ``force`` (the person passed ``--force`` or confirmed).

Writing goes through a temporary file beside the destination with an unpredictable name,
created exclusively and never through a link (:func:`tempfile.mkstemp`: ``O_CREAT|O_EXCL|
O_NOFOLLOW``, mode 0600). It is written, synced, checked to still be the file we created, the
destination is checked again, and only then is it moved into place: replaced with ``force``,
else hard-linked, which fails rather than replace a file that appeared meanwhile. Any failure
removes the temporary file and leaves the destination as it was; the error is one sentence
that names the destination (never the temporary file). SQLite's backup API writes by path:
:func:`copy_database` creates the temporary file exclusively first, then backs up into it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from dualrole.core.errors import DestinationError

WORKSPACE_SUFFIXES = ("", "-wal", "-shm", "-journal")
TEMP_SUFFIX = ".partial"
SQLITE_COMPANIONS = ("-journal", "-wal", "-shm")
Content = bytes | str | Callable[[BinaryIO], object]  # a writer: what it returns is ignored
Progress = Callable[[int, int], None]
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_DENIED = {errno.EACCES, errno.EPERM, errno.EROFS}


def workspace_files(database: Path | None) -> list[Path]:
    """The database file and the companions SQLite keeps beside it."""
    if database is None:
        return []
    return [Path(f"{database}{suffix}") for suffix in WORKSPACE_SUFFIXES]


def _resolved(path: Path) -> Path | None:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return None


def _refuse_workspace(dest: Path, exists: bool, database: Path | None) -> None:
    if database is None:
        return
    target = _resolved(dest)
    for suffix, other in zip(WORKSPACE_SUFFIXES, workspace_files(database), strict=True):
        same = target is not None and target == _resolved(other)
        if not same and exists:
            try:
                same = os.path.samefile(other, dest)
            except OSError:
                same = False
        if same:
            what = "the database itself" if not suffix else f"the database's {suffix} file"
            raise DestinationError(
                f"{dest} is {what}; dualrole never writes over it, so choose another name."
            )


def inspect_destination(dest: Path, *, database: Path | None = None) -> bool:
    """Raise :class:`DestinationError` unless ``dest`` may be written; True if a file is there.

    Everything but the question of replacing an existing file: the caller decides that
    (``--force``, or a confirmation), then writes with ``force=True``.
    """
    dest = Path(dest)
    if not dest.name or str(dest).endswith(os.sep):
        raise DestinationError(f"{dest} is a folder; give a file name.")
    try:
        info: os.stat_result | None = os.lstat(dest)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise DestinationError(f"{dest} cannot be checked ({exc.strerror}).") from exc
    if info is not None and stat.S_ISLNK(info.st_mode):
        raise DestinationError(f"{dest} is a symbolic link; dualrole will not write through it.")
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise DestinationError(f"{dest} is a folder; give a file name.")
    _refuse_workspace(dest, info is not None, database)
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise DestinationError(
            f"{dest} is not a regular file (a device, a pipe or a socket); "
            "dualrole writes only regular files, so choose another name."
        )
    if not dest.parent.is_dir():
        raise DestinationError(f"The folder {dest.parent} does not exist; create it first.")
    return info is not None


def check_destination(dest: Path, *, database: Path | None = None, force: bool = False) -> bool:
    """:func:`inspect_destination`, and an existing file only with ``force``."""
    exists = inspect_destination(dest, database=database)
    if exists and not force:
        raise DestinationError(f"{dest} already exists; pass --force to replace it.")
    return exists


def describe_os_error(exc: OSError, dest: Path, *, creating: bool = False) -> str:
    """One sentence for a failed write of ``dest`` (``creating``: making the temporary file)."""
    code = exc.errno
    if code in _FULL:
        return f"The disk is full; nothing was written to {dest}."
    if code in _DENIED and creating:
        return f"The folder {dest.parent} is read-only here; nothing was written to {dest}."
    if code in _DENIED:
        return f"{dest} cannot be replaced (permission denied); nothing was written."
    if code == errno.ENAMETOOLONG:
        return f"The name {dest.name} is too long for this disk; choose a shorter one."
    return f"Writing {dest} failed ({exc.strerror or exc}); nothing was written."


class PendingFile:
    """The temporary file behind a write: ``path`` for SQLite, ``file`` for everything else."""

    def __init__(self, dest: Path, fd: int, path: Path) -> None:
        self.dest = dest
        self.path = path
        self.file: BinaryIO = os.fdopen(fd, "wb")
        self._identity = _identity(os.fstat(fd))

    def finish(self, *, database: Path | None, force: bool) -> None:
        """Sync, check, and move the temporary file into place."""
        self.file.flush()
        fd = self.file.fileno()
        os.fsync(fd)
        os.fchmod(fd, 0o600)
        try:
            now = os.lstat(self.path)
        except FileNotFoundError:
            now = None
        if now is None or _identity(now) != self._identity:
            raise DestinationError(
                f"The temporary file beside {self.dest} was replaced by another program; "
                "nothing was written."
            )
        self.file.close()
        move_into_place(self.path, self.dest, database=database, force=force)

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.file.close()
        for suffix in ("", *SQLITE_COMPANIONS):
            with contextlib.suppress(OSError):
                os.unlink(f"{self.path}{suffix}")


def move_into_place(
    source: Path, dest: Path, *, database: Path | None = None, force: bool = False
) -> None:
    """Rename ``source`` (a finished file beside ``dest``) to ``dest``, checking ``dest`` again.

    Without ``force`` the file is hard-linked, which fails rather than replace a file that
    appeared since the first check (falling back to a rename on disks without hard links).
    """
    check_destination(dest, database=database, force=force)
    if force:
        os.replace(source, dest)
    else:
        try:
            os.link(source, dest)
        except FileExistsError as exc:
            raise DestinationError(f"{dest} already exists; pass --force to replace it.") from exc
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS):
                raise
            os.replace(source, dest)
        else:
            os.unlink(source)
    _sync_folder(dest.parent)


def _identity(info: os.stat_result) -> tuple[int, int]:
    return info.st_dev, info.st_ino


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def building_folder(dest: Path) -> Iterator[Path]:
    """A fresh private (0700) folder beside ``dest`` to build a file in; removed afterwards.

    For files built by a library that creates companions (SQLite's ``-wal``, ``-journal``):
    they all stay inside the folder, whose name nobody can predict. Folders left by a build
    that was killed (older than an hour) are removed first.
    """
    import shutil
    import tempfile
    import time

    prefix, suffix = f".{dest.name[:100]}.", ".building"
    for stale in dest.parent.glob(f"{glob_escape(prefix)}*{suffix}"):
        with contextlib.suppress(OSError):
            old = time.time() - stale.lstat().st_mtime > 3600
            if old and stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale)
    try:
        folder = Path(tempfile.mkdtemp(dir=dest.parent, prefix=prefix, suffix=suffix))
    except OSError as exc:
        raise DestinationError(describe_os_error(exc, dest, creating=True)) from exc
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


def create_temp(dest: Path) -> tuple[int, Path]:
    """A new 0600 file beside ``dest`` with an unpredictable name (exclusive, no links)."""
    import tempfile  # only when writing: it is not needed to open the app

    try:
        fd, name = tempfile.mkstemp(
            dir=dest.parent, prefix=f".{dest.name[:100]}.", suffix=TEMP_SUFFIX
        )
    except OSError as exc:
        raise DestinationError(describe_os_error(exc, dest, creating=True)) from exc
    return fd, Path(name)


@contextlib.contextmanager
def pending_file(
    dest: Path, *, database: Path | None = None, force: bool = False
) -> Iterator[PendingFile]:
    """Check ``dest``, yield its temporary file; move it into place if the block succeeds."""
    dest = Path(dest)
    check_destination(dest, database=database, force=force)
    fd, path = create_temp(dest)
    pending = PendingFile(dest, fd, path)
    try:
        yield pending
        pending.finish(database=database, force=force)
    except OSError as exc:
        pending.discard()
        raise DestinationError(describe_os_error(exc, dest)) from exc
    except BaseException:
        pending.discard()
        raise


def write_file(
    dest: Path, content: Content, *, database: Path | None = None, force: bool = False
) -> Path:
    """Write ``content`` (bytes, text as UTF-8, or ``write(binary_file)``) to ``dest``, whole."""
    dest = Path(dest)
    with pending_file(dest, database=database, force=force) as pending:
        if isinstance(content, str):
            pending.file.write(content.encode("utf-8"))
        elif isinstance(content, bytes | bytearray):
            pending.file.write(content)
        else:
            content(pending.file)
    return dest


def copy_database(
    conn: sqlite3.Connection,
    dest: Path,
    *,
    database: Path | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> Path:
    """Copy the database behind ``conn`` to ``dest`` with SQLite's online backup API."""
    dest = Path(dest)

    def report(_status: int, remaining: int, total: int) -> None:
        if progress:
            progress(total - remaining, total)

    full = False
    try:
        with pending_file(dest, database=database, force=force) as pending:
            target = sqlite3.connect(str(pending.path))
            try:
                conn.backup(target, pages=256, progress=report)
                target.execute("PRAGMA journal_mode=DELETE")
            except sqlite3.Error as exc:
                full = out_of_space(exc, dest.parent)  # while the partial copy still takes room
                raise
            finally:
                target.close()
    except sqlite3.Error as exc:
        full = full or "full" in str(exc).lower()
        why = f"the disk holding {dest.parent} is full" if full else str(exc)
        raise DestinationError(f"The backup failed: {why}; nothing was written.") from exc
    return dest


LOW_SPACE_BYTES = 1 << 20


def out_of_space(exc: sqlite3.Error, folder: Path) -> bool:
    """Whether SQLite's ``exc`` means that the disk holding ``folder`` is full.

    SQLite says "database or disk is full" when a write finds no room, but only "disk I/O
    error" when it cannot grow a -shm file (``SQLITE_IOERR_SHMSIZE``), which even reading a
    database in WAL mode needs. An I/O error with less than 1 MiB left there is taken for
    what it is.
    """
    name = str(getattr(exc, "sqlite_errorname", ""))
    if name == "SQLITE_FULL" or "disk is full" in str(exc).lower():
        return True
    if not name.startswith("SQLITE_IOERR") and "disk i/o" not in str(exc).lower():
        return False
    try:
        info = os.statvfs(folder)
    except OSError:
        return False
    return info.f_bavail * info.f_frsize < LOW_SPACE_BYTES
