"""The owner's phone-sync connection, in a file only the owner can read (never the password).

``<user config folder>/dualrole/dav.json`` (``DUALROLE_CONFIG_DIR`` moves the folder), 0600
in a 0700 folder, written whole and atomically, one entry per workspace::

    {"version": 1,
     "workspaces": {"/home/me/.local/share/dualrole/dualrole.db":
        {"url": "https://dav.example.com/", "user": "me",
         "addressbook": "https://…/me/contacts/", "calendar": "https://…/me/dualrole/",
         "set_at": "…Z", "every_minutes": 15}}}

``every_minutes`` (``dualrole dav every``) is how often the app syncs while it is open;
absent or null: only when asked. The password is never stored here: it comes from
``DUALROLE_DAV_PASSWORD``, the system keyring (:mod:`dualrole.dav.secret`) or a prompt.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from dualrole.storage.files import write_file
from dualrole.storage.replica_settings import config_dir, read_owner_file, workspace_key

FILE_NAME = "dav.json"
EVERY_MAX = 24 * 60
"""The longest interval between the app's syncs, in minutes (a day)."""
NOT_CONNECTED = (
    "This workspace is not connected to a contacts server yet; run "
    "`dualrole dav connect URL --user NAME` first."
)


class DavSettingsError(Exception):
    """The connection file cannot be read or written (one sentence)."""


@dataclass(frozen=True)
class Connection:
    url: str
    user: str
    addressbook: str | None
    calendar: str | None
    set_at: str = ""
    tasks_url: str | None = None
    """Where tasks were discovered when not at ``url`` (iCloud, Fastmail: other hosts)."""
    every_minutes: int | None = None
    """How often the app syncs while it is open (``dualrole dav every``); None: only when asked."""


def settings_path() -> Path:
    return config_dir() / FILE_NAME


def _load() -> dict[str, Any]:
    path = settings_path()
    try:
        info = path.stat()
    except OSError:
        return {"version": 1, "workspaces": {}}
    return read_owner_file(path, info, "phone-sync", DavSettingsError)


def get(db_path: Path | str) -> Connection | None:
    entry = _load()["workspaces"].get(workspace_key(db_path))
    if not isinstance(entry, dict) or not entry.get("url") or not entry.get("user"):
        return None
    return Connection(
        url=str(entry["url"]),
        user=str(entry["user"]),
        addressbook=entry.get("addressbook") or None,
        calendar=entry.get("calendar") or None,
        set_at=str(entry.get("set_at") or ""),
        tasks_url=entry.get("tasks_url") or None,
        every_minutes=_minutes(entry.get("every_minutes")),
    )


def _minutes(value: Any) -> int | None:
    """A stored interval, or None for none (or one edited by hand into nonsense)."""
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= EVERY_MAX:
        return value
    return None


def parse_every(text: str) -> int | None:
    """``15`` → 15 minutes, ``off`` → None; anything else is one sentence (DavSettingsError)."""
    value = text.strip().lower()
    if value in ("off", "never", "no", "0"):
        return None
    value = value.removesuffix("min").removesuffix("m").strip()
    if value.isdigit() and 1 <= int(value) <= EVERY_MAX:
        return int(value)
    raise DavSettingsError(
        f"Give the minutes between the app's phone syncs as a whole number from 1 to "
        f"{EVERY_MAX}, or off (not {text!r})."
    )


def set_every(db_path: Path | str, minutes: int | None) -> Connection:
    """Keep ``minutes`` (None: off) for the workspace's connection; DavSettingsError without one."""
    connection = get(db_path)
    if connection is None:
        raise DavSettingsError(NOT_CONNECTED)
    return save(db_path, replace(connection, every_minutes=minutes))


def save(db_path: Path | str, connection: Connection) -> Connection:
    data = _load()
    stamped = Connection(
        **{**asdict(connection), "set_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    )
    data["workspaces"] = {**data["workspaces"], workspace_key(db_path): asdict(stamped)}
    folder = config_dir()
    folder.mkdir(parents=True, mode=0o700, exist_ok=True)
    write_file(folder / FILE_NAME, json.dumps(data, indent=2, sort_keys=True) + "\n", force=True)
    return stamped
