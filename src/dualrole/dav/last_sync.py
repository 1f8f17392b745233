"""The last phone sync of a workspace — when, and whether it worked — for ``dualrole dav
status`` and the app's top bar, whoever ran it (the app, ``dualrole dav sync``, cron).

Kept beside the workspace's other status files (``<config>/status/<hash>.dav-last.json``,
0600, written whole), not in the workspace: an idle sync then writes nothing there, and the
screens are not told the data changed when it did not. Never holds the password.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dualrole.core.dates import clock
from dualrole.core.dates.when import format_day, format_moment
from dualrole.storage.db import StorageError, Store
from dualrole.storage.files import write_file
from dualrole.storage.replica_settings import status_file

if TYPE_CHECKING:
    from dualrole.dav.side import SyncReport

__all__ = ["LastSync", "last", "record", "run", "top_bar_words"]

SUFFIX = ".dav-last.json"


@dataclass(frozen=True)
class LastSync:
    at: str
    """When the last sync ended (UTC, ``clock.to_db``)."""
    ok: bool
    message: str
    """Its summary ("Synced: 2 changes in, …") or the one sentence it failed with."""
    ok_at: str | None = None
    """When a sync last worked (the same as ``at`` when the last one did)."""


def _path(db_path: Path | str) -> Path:
    return status_file(db_path, SUFFIX)


def last(db_path: Path | str) -> LastSync | None:
    """The last sync's record, or None if there was none (or it cannot be read)."""
    try:
        data = json.loads(_path(db_path).read_text(encoding="utf-8"))
        return LastSync(
            at=str(data["at"]),
            ok=bool(data["ok"]),
            message=str(data.get("message") or ""),
            ok_at=str(data["ok_at"]) if data.get("ok_at") else None,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def record(db_path: Path | str, ok: bool, message: str) -> LastSync:
    """Remember how the sync that just ended went (a status file is never worth a failure)."""
    now = clock.to_db(clock.now())
    before = last(db_path)
    done = LastSync(now, ok, message, now if ok else (before.ok_at if before else None))
    path = _path(db_path)
    try:
        path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
        write_file(path, json.dumps(asdict(done), indent=1) + "\n", force=True)
    except (OSError, StorageError):
        pass
    return done


def run(db_path: Path, store: Store, **options: Any) -> SyncReport:
    """:func:`dualrole.dav.connect.run`, its outcome recorded (the failure re-raised)."""
    from dualrole.dav.client import DavError
    from dualrole.dav.connect import run as sync
    from dualrole.dav.secret import NoPassword
    from dualrole.dav.settings import DavSettingsError

    try:
        report: SyncReport = sync(db_path, store, **options)
    except (DavError, DavSettingsError, NoPassword, StorageError) as exc:
        if "Another phone sync" not in str(exc):  # that one is still running: its outcome counts
            record(db_path, False, str(exc))
        raise
    record(db_path, True, report.summary())
    return report


def when(stamp: str | None, *, year: bool = True) -> str:
    """A recorded time in local time: ``Fri 20 Nov 2026 10:00``; without the year (the top
    bar) ``10:00`` today, ``Thu 19 Nov 09:12`` on another day."""
    moment = clock.from_db(stamp) if stamp else None
    if moment is None:
        return "never"
    local = moment.astimezone()
    if year:
        return format_moment(local)
    if local.date() == clock.today():
        return f"{local:%H:%M}"
    return f"{format_day(local.date(), year=False)} {local:%H:%M}"


def top_bar_words(done: LastSync | None, *, syncing: bool = False) -> str:
    """``phone syncing…``, ``phone synced 10:00``, ``phone sync failed 10:02`` (plain text)."""
    if syncing:
        return "phone syncing…"
    if done is None:
        return "phone not synced yet"
    if done.ok:
        return f"phone synced {when(done.at, year=False)}"
    return f"phone sync failed {when(done.at, year=False)}"


def describe(done: LastSync | None) -> str:
    """The status line of ``dualrole dav status``."""
    if done is None:
        return "Last sync: never."
    if done.ok:
        return f"Last sync: {when(done.at)} — {done.message}"
    good = f" The last good one: {when(done.ok_at)}." if done.ok_at else ""
    return f"Last sync: {when(done.at)}, failed — {done.message}{good}"
