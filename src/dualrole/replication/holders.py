"""Who holds a workspace besides the command at hand: a running replicator, or the open app.

A workspace must not be replaced (``demo --force``, ``restore FILE``, ``restore
--from-replica --force``) while one of them holds it. Litestream would go on reading the
old file's WAL and report "replicated 2 s ago" while nothing more reached the replica (and
stop with "file is not a database"); the app would go on writing to the file that was
swapped away, or show data restored under it as if it were its own.

Both are seen through locks in the config folder's ``status/`` beside the replicator's
status file, so they go with their process, even after a kill -9:

- the replicator's lock (:func:`.supervisor.lock_path`), held by ``dualrole replicate`` and
  by the app while it replicates; its status file names its process and its replica;
- the app's lock (:func:`app_lock_path`), a shared ``flock`` the app holds while it is open
  on the workspace (:func:`hold_for_app`).

This module imports nothing heavy at import time: the app takes its lock before its first
frame.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from dualrole.storage import replica_settings as settings
from dualrole.storage.db import StorageError


def app_lock_path(db_path: Path) -> Path:
    return settings.status_file(db_path, ".app.lock")


def hold_for_app(db_path: Path) -> int | None:
    """Take the app's (shared) lock on the workspace; the descriptor to release, or None.

    Best effort: a config folder that cannot be written costs only the refusal's sentence.
    """
    path = app_lock_path(db_path)
    try:
        path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
        fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)  # waits only for a check in progress (microseconds)
    except OSError:  # a file system without locks
        os.close(fd)
        return None
    return fd


def release(fd: int | None) -> None:
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)  # closing drops the flock


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, but belongs to someone else
        return True
    return True


def holder(db_path: Path) -> str | None:
    """Who holds the workspace at ``db_path`` (the open app, or a replicator), in words."""
    if settings.lock_held(app_lock_path(db_path)):
        return "the dualrole app has it open"
    from dualrole.replication.supervisor import read_status  # only when asked (the CLI)

    state, running = read_status(db_path)
    if not running:
        return None
    who = "a running `dualrole replicate`"
    if state is not None and state.pid and _alive(state.pid):
        who = f"`dualrole replicate` (pid {state.pid})"
    if state is not None and state.url:
        who += f" replicates it to {state.url}"
    else:
        who += " replicates it"
    return who


def refusal(db_path: Path, doing: str) -> str | None:
    """The one sentence refusing to ``doing`` (e.g. "replace it with the demo") the
    workspace at ``db_path`` while something holds it; None when nothing does."""
    who = holder(db_path)
    if who is None:
        return None
    stop = "quit the app" if who.startswith("the dualrole app") else "stop it (Ctrl-C)"
    return f"{db_path} is in use — {who}; {stop} first, then {doing} (nothing was replaced)."


def refuse_if_held(db_path: Path, doing: str) -> None:
    """Raise StorageError with :func:`refusal`'s sentence when something holds the workspace."""
    said = refusal(db_path, doing)
    if said is not None:
        raise StorageError(said)
