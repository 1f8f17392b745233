"""Opening the database file safely, and writing to it one transaction at a time.

- Where the file lives: ``--db PATH`` > ``DUALROLE_DB`` > the platform's user data dir.
- A new file is created 0600 in a 0700 folder; SQLite gives its -wal/-shm the same mode.
- Every connection: WAL, foreign keys on, a busy timeout, secure_delete.
- Every write goes through :func:`transaction`, which begins with ``BEGIN IMMEDIATE`` so two
  instances queue on the write lock instead of failing with "database is locked".
- Every failure a person can meet becomes a :class:`StorageError` with one sentence that says
  what happened and what to do.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import threading
import urllib.parse
from collections import Counter
from collections.abc import Callable, Hashable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from dualrole.core.errors import (
    ConflictError,
    DamagedError,
    NewerSchemaError,
    NotFoundError,
    StorageError,
)
from dualrole.storage.autobackup import automatic_copy
from dualrole.storage.files import out_of_space
from dualrole.storage.schema import APPLICATION_ID, SCHEMA_VERSION

T = TypeVar("T")
Params = tuple[Any, ...] | list[Any] | dict[str, Any]  # what sqlite3 binds to the ?s or :names

if TYPE_CHECKING:  # sqlite-utils is imported only when migrating: it costs ~100 ms at start-up
    from sqlite_utils import Database

__all__ = [
    "ConflictError",
    "DamagedError",
    "NewerSchemaError",
    "NotFoundError",
    "StorageError",
    "Store",
    "open_store",
]

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000
ENV_VAR = "DUALROLE_DB"


def default_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("dualrole", appauthor=False) / "dualrole.db"


def resolve_path(cli_path: str | os.PathLike[str] | None = None) -> tuple[Path, bool]:
    """The database path and whether it is the default one (whose folder we may create)."""
    if cli_path:
        return Path(cli_path).expanduser(), False
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser(), False
    return default_path(), True


# Database files this process has open through SQLite, by (device, inode). Opening such a file
# again with a plain descriptor and closing it drops every POSIX lock the process holds on it
# (fcntl semantics), SQLite's included: another process could then delete the live WAL, and
# every later write of this process would be lost. So a file is sniffed only when not open.
_OPEN_FILES: Counter[tuple[int, int]] = Counter()


def _file_key(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def open_here(path: str | os.PathLike[str]) -> bool:
    """Whether this process has ``path`` open as a workspace (under any name).

    Such a file must not be read with a plain descriptor: closing it would drop SQLite's
    locks (see ``_OPEN_FILES``). Whoever sniffs a file a user named asks this first.
    """
    return _file_key(Path(path)) in _OPEN_FILES


def _check_file(path: Path, *, create: bool, make_parent: bool) -> bool:
    """Refuse paths that are not a dualrole file; return True when the file is new."""
    if path.is_dir():
        raise StorageError(f"{path} is a folder, not a database file; pass a file path with --db.")
    if not path.exists():
        if not create:
            raise StorageError(f"There is no database at {path}; run `dualrole demo` or open it.")
        parent = path.parent
        if not parent.exists():
            if not make_parent:
                raise StorageError(
                    f"The folder {parent} does not exist; create it or choose another --db path."
                )
            parent.mkdir(parents=True, mode=0o700, exist_ok=True)
        if not os.access(parent, os.W_OK):
            raise StorageError(f"The folder {parent} is read-only; choose a writable place.")
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except OSError as exc:
            raise StorageError(f"Cannot create {path}: {exc.strerror}.") from exc
        os.close(fd)
        return True
    if not path.is_file():
        raise StorageError(f"{path} is not a regular file, so it cannot hold a database.")
    if open_here(path):
        return False  # checked when first opened; reading it again here would drop its locks
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except PermissionError as exc:
        raise StorageError(f"{path} cannot be read (permission denied).") from exc
    if not header:
        raise StorageError(
            f"{path} is an empty file, not a dualrole database; remove it or choose another path."
        )
    if header != SQLITE_HEADER:
        if len(header) < len(SQLITE_HEADER) and SQLITE_HEADER.startswith(header):
            raise DamagedError(f"{path} is truncated; restore it with `dualrole restore BACKUP`.")
        raise StorageError(f"{path} is not a SQLite database, so dualrole will not touch it.")
    return False


def is_workspace(path: Path) -> bool:
    """Whether ``path`` holds a dualrole workspace: by the application id in its SQLite header,
    else (a header not yet written back from the WAL) by asking SQLite, read-only."""
    path = Path(path)
    if open_here(path):
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(100)
    except OSError:
        return False
    if head.startswith(SQLITE_HEADER) and int.from_bytes(head[68:72], "big") == APPLICATION_ID:
        return True
    if not head.startswith(SQLITE_HEADER) and not (not head and Path(f"{path}-wal").exists()):
        return False
    try:
        uri = f"file:{urllib.parse.quote(str(path))}?mode=ro"
        conn = sqlite3.connect(uri, uri=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return bool(app_id == APPLICATION_ID)


def connect(path: Path | str, *, frozen: bool = False) -> sqlite3.Connection:
    """A raw connection with dualrole's settings (also used by worker threads).

    ``frozen`` opens a file nobody can change (its folder is read-only and it has no WAL)
    with ``immutable=1``: SQLite could not create the -shm it otherwise needs to read.
    """
    target, uri = str(path), False
    if frozen:
        target, uri = f"file:{urllib.parse.quote(str(path))}?mode=ro&immutable=1", True
    conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, uri=uri)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA secure_delete=ON")
    conn.execute("PRAGMA synchronous=NORMAL")
    if not frozen and str(path) != ":memory:" and _replicated(path):
        # Litestream checkpoints a replicated workspace itself; ours racing it would cost a
        # full snapshot upload (see dualrole.replication).
        conn.execute("PRAGMA wal_autocheckpoint=0")
    return conn


def _replicated(path: Path | str) -> bool:
    """Whether the owner set a replica for this workspace (one stat of a small file)."""
    from dualrole.storage.replica_settings import replica_is_set

    return replica_is_set(path)


class Store:
    """An open dualrole database: its connection plus what we learnt opening it."""

    def __init__(
        self, conn: sqlite3.Connection, path: Path | None, *, read_only_reason: str | None = None
    ):
        self.conn = conn
        self.path = path
        self.read_only_reason = read_only_reason
        self._db: Database | None = None
        self._savepoints = 0
        self._file_key: tuple[int, int] | None = None
        self._memo: dict[Hashable, object] = {}
        self._memo_version: tuple[int, int] = (-1, -1)
        self._prefetched: dict[Hashable, tuple[tuple[int, int], threading.Thread, list[Any]]] = {}
        self._wal_key: tuple[int, int] | None = None  # the -wal this connection writes to
        self.recovered_to: Path | None = None
        """Set once the -wal was found deleted: where what this connection holds was kept."""
        self.wal_lost_listeners: list[Callable[[str], None]] = []
        """Called with one sentence for the owner the first time the -wal is found lost."""
        self.commit_listeners: list[Callable[[], None]] = []
        """Called after each write committed on this connection (the app's data signal)."""

    # --- the -wal deleted under us ---------------------------------------------------------

    def watch_wal(self) -> None:
        """Remember which -wal file this connection writes to (after opening)."""
        if self.path is not None and not self.read_only:
            self._wal_key = _file_key(Path(f"{self.path}-wal"))

    def set_journal_mode(self, mode: str) -> str:
        """Switch the journal mode (a bulk load writes through a rollback journal).

        Leaving WAL deletes the -wal on purpose: that is no loss, so the watch is off while
        another mode is on, and set again on the new -wal once back in WAL mode.
        """
        self._wal_key = None
        with friendly_errors():
            now = str(self.conn.execute(f"PRAGMA journal_mode={mode}").fetchone()[0]).lower()
            if now == "wal":
                self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opens -wal
        if now == "wal":
            self.watch_wal()
        return now

    def check_wal(self) -> Path | None:
        """Notice the -wal deleted or replaced by another program (a cleaner, a sync tool).

        Everything committed since the last checkpoint lives only in that -wal, which this
        connection still holds open: it would vanish when the app closes. So it is copied
        (SQLite's online backup of this connection) to ``NAME.recovered-YYYYmmdd-HHMMSS.db``
        beside the workspace, 0600, again after each later commit; the listeners hear one
        sentence the first time. Returns the recovery file, or None while all is well.
        """
        if self.path is None or self._wal_key is None:
            return None
        if self.recovered_to is None and _file_key(Path(f"{self.path}-wal")) == self._wal_key:
            return None
        first = self.recovered_to is None
        try:
            self.recovered_to = self._backup_to_recovery_file()
        except (OSError, sqlite3.Error) as exc:
            message = (
                f"The workspace's -wal file was deleted by another program and a copy of "
                f"the data could not be written ({exc}); keep the app open and use "
                f"'dualrole backup' from a terminal."
            )
            for listener in self.wal_lost_listeners:
                listener(message)
            self._wal_key = None  # said once
            return None
        if first:
            message = (
                f"Another program deleted the workspace's -wal file, so recent changes "
                f"were saved to {self.recovered_to}: quit, then run "
                f"'dualrole restore {self.recovered_to}'."
            )
            for listener in self.wal_lost_listeners:
                listener(message)
        return self.recovered_to

    def _backup_to_recovery_file(self) -> Path:
        assert self.path is not None
        target = self.recovered_to
        if target is None:
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            target = self.path.with_name(f"{self.path.stem}.recovered-{stamp}.db")
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            os.close(fd)
        copy = sqlite3.connect(target)
        try:
            self.conn.backup(copy)
        finally:
            copy.close()
        return target

    @property
    def db(self) -> Database:
        """The same connection as a sqlite-utils ``Database`` (migrations use it)."""
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.conn)
        return self._db

    @property
    def read_only(self) -> bool:
        return self.read_only_reason is not None

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()
        if self._file_key is not None:
            _OPEN_FILES[self._file_key] -= 1
            if _OPEN_FILES[self._file_key] <= 0:
                del _OPEN_FILES[self._file_key]
            self._file_key = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """One write transaction (``BEGIN IMMEDIATE``); nested calls become savepoints."""
        if self.read_only_reason:
            raise StorageError(self.read_only_reason)
        with friendly_errors():
            if self.conn.in_transaction:
                self._savepoints += 1
                name = f"dualrole_{self._savepoints}"
                self.conn.execute(f"SAVEPOINT {name}")
                try:
                    yield self
                except BaseException:
                    # An error may already have rolled the whole transaction back.
                    if self.conn.in_transaction:
                        self.conn.execute(f"ROLLBACK TO {name}")
                        self.conn.execute(f"RELEASE {name}")
                    raise
                else:
                    self.conn.execute(f"RELEASE {name}")
                finally:
                    self._savepoints -= 1
                return
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            else:
                try:
                    self.conn.execute("COMMIT")
                except BaseException:
                    if self.conn.in_transaction:
                        self.conn.execute("ROLLBACK")
                    raise
                if self._wal_key is not None:
                    self.check_wal()
                for listener in self.commit_listeners:
                    listener()

    def version(self) -> tuple[int, int]:
        """Changes when anything is written, here or in another process (equal: no write).

        ``total_changes`` of this connection and ``PRAGMA data_version`` for the others.
        """
        with friendly_errors():
            other = self.conn.execute("PRAGMA data_version").fetchone()[0]
        return self.conn.total_changes, int(other)

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, remembered until the database changes, here or in another process.

        Screens shown again re-read their counts and summaries; when nothing was written
        since (:meth:`version` is unchanged) the answer is the one computed last time.
        ``key`` must hold everything the result depends on (SQL, parameters, the day).
        """
        version = self.version()
        if version != self._memo_version:
            self._memo.clear()
            self._memo_version = version
        if key in self._memo:
            return cast(T, self._memo[key])  # stored by compute() for this key: its T
        prefetched = self._prefetched.pop(key, None)
        if prefetched is not None:
            started, thread, answer = prefetched
            thread.join()
            # Only if nothing was written since it started (here or in another process).
            value = cast(T, answer[0]) if answer and started == version else compute()
        else:
            value = compute()
        if len(self._memo) >= 256:
            self._memo.pop(next(iter(self._memo)))
        self._memo[key] = value
        return value

    def prefetch(self, key: Hashable, compute: Callable[[Store], object]) -> None:
        """Start ``compute`` for :meth:`memo`'s ``key`` now, in a thread on a connection of its own.

        The app's start asks for Today's agenda before it imports its screens: SQLite reads
        while Python imports (sqlite3 lets go of the GIL), and the screen finds the answer
        ready (~10 ms of the start at 100,000 prospects). :meth:`memo` waits for it and takes
        it only if nothing was written since it started; otherwise, or if it failed, ``memo``
        computes it on this connection (which reports any error).
        """
        if self.path is None or self.read_only_reason or key in self._memo:
            return
        path, answer = self.path, []

        def run() -> None:
            with contextlib.suppress(Exception), Store(connect(path), path) as reader:
                answer.append(compute(reader))

        thread = threading.Thread(target=run, name="dualrole-prefetch", daemon=True)
        self._prefetched[key] = (self.version(), thread, answer)
        thread.start()

    def query(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """Rows of a read query, each a ``sqlite3.Row``."""
        with friendly_errors():
            cursor = self.conn.execute(sql, params)
            cursor.row_factory = sqlite3.Row
            return cursor.fetchall()

    def scalar(self, sql: str, params: Params = ()) -> Any:
        """The first column of the first row (None when there is no row)."""
        with friendly_errors():
            row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    def execute(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        """A write statement; call inside :meth:`transaction`."""
        if not self.conn.in_transaction:
            raise RuntimeError("writes must run inside Store.transaction()")
        return self.conn.execute(sql, params)


@contextlib.contextmanager
def friendly_errors() -> Iterator[None]:
    """Turn sqlite3's errors into one sentence a person can act on."""
    try:
        yield
    except sqlite3.IntegrityError:
        raise
    except sqlite3.DatabaseError as exc:
        message = describe_sqlite_error(exc)
        if _is_damage(exc):
            raise DamagedError(message) from exc
        raise StorageError(message) from exc


def _is_damage(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text or "corrupt" in text


def describe_sqlite_error(exc: sqlite3.Error) -> str:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return "Another program has held the database for too long; try again in a moment."
    if "readonly" in text or "read-only" in text:
        return (
            "The database is read-only here (file or folder permissions); changes cannot be saved."
        )
    if "full" in text:
        return "The disk is full; nothing was saved. Free some space and try again."
    if _is_damage(exc):
        return "The database file is damaged; run `dualrole check` and restore the latest backup."
    if "unable to open" in text:
        return "The database file cannot be opened; check that its folder exists and is readable."
    if "disk i/o" in text:
        return "The disk reported an error while reading or writing the database."
    return f"The database reported an error: {exc}."


def open_store(
    path: Path | str | None = None,
    *,
    create: bool = True,
    make_parent: bool | None = None,
    backup_before_migrate: bool = True,
) -> Store:
    """Open (creating and migrating as needed) the database at ``path``.

    A file from a newer dualrole opens read-only, with the reason on ``Store.read_only_reason``.
    """
    if path is None:
        path, is_default = resolve_path(None)
    else:
        path, is_default = Path(path), False
    path = Path(path)
    is_new = _check_file(
        path, create=create, make_parent=is_default if make_parent is None else make_parent
    )
    frozen = (
        not is_new
        and not os.access(path.parent, os.W_OK)
        and not Path(f"{path}-wal").exists()
        and not Path(f"{path}-shm").exists()
    )
    try:
        with friendly_errors():
            conn = connect(path, frozen=frozen)
    except StorageError as exc:
        cause = exc.__cause__
        if isinstance(cause, sqlite3.Error) and out_of_space(cause, path.parent):
            # SQLite said "disk I/O error": it found no room for the -shm file.
            raise StorageError(
                f"The disk holding {path.parent} is full; free some space and try again."
            ) from cause
        raise
    store = Store(conn, path)
    store._file_key = _file_key(path)
    if store._file_key is not None:
        _OPEN_FILES[store._file_key] += 1
    try:
        _prepare(store, is_new=is_new, backup_before_migrate=backup_before_migrate)
    except BaseException:
        store.close()
        raise
    store.watch_wal()
    return store


def open_memory() -> Store:
    """An in-memory database with the full schema (tests and dry runs)."""
    store = Store(connect(":memory:"), None)
    _prepare(store, is_new=True, backup_before_migrate=False)
    return store


def _prepare(store: Store, *, is_new: bool, backup_before_migrate: bool) -> None:
    conn = store.conn
    with friendly_errors():
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        has_tables = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        ).fetchone()[0]
    where = store.path or "memory"
    if app_id not in (0, APPLICATION_ID) or (app_id == 0 and has_tables):
        raise StorageError(f"{where} is a SQLite database of another program, not dualrole's.")
    if version > SCHEMA_VERSION:
        store.read_only_reason = (
            f"{where} was written by a newer dualrole (schema {version}, this one knows "
            f"{SCHEMA_VERSION}), so it is open read-only; upgrade dualrole to change it."
        )
        conn.execute("PRAGMA query_only=ON")
        return
    writable = store.path is None or os.access(store.path, os.W_OK)
    if store.path is not None and not os.access(store.path.parent, os.W_OK) and writable:
        # WAL needs to create -wal/-shm beside the file.
        wal_exists = Path(f"{store.path}-wal").exists()
        writable = wal_exists
    if not writable:
        if version < SCHEMA_VERSION:
            raise StorageError(
                f"{where} is read-only and needs an upgrade; make it writable and open it again."
            )
        store.read_only_reason = (
            f"{where} is read-only (file or folder permissions); you can browse but not save."
        )
        conn.execute("PRAGMA query_only=ON")
        return
    with friendly_errors():
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    if str(mode).lower() != "wal" and store.path is not None:
        raise StorageError(f"Cannot switch {where} to WAL mode; is the folder writable?")
    if version < SCHEMA_VERSION:
        if version > 0 and backup_before_migrate and store.path is not None:
            automatic_copy(
                store.conn, store.path, reason=f"before-migration-{version}-to-{SCHEMA_VERSION}"
            )
        from dualrole.storage.migrations import migrations

        with store.transaction():
            migrations.apply(store.db)
            conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    if store.path is not None and is_new:
        os.chmod(store.path, 0o600)
