"""The owner's phone-sync connection, in a file only the owner can read (never the password).

``<user config folder>/dualrole/dav.json`` (``DUALROLE_CONFIG_DIR`` moves the folder), 0600
in a 0700 folder, written whole and atomically, one entry per workspace::

    {"version": 1,
     "workspaces": {"/home/me/.local/share/dualrole/dualrole.db":
        {"url": "https://dav.example.com/", "user": "me",
         "addressbook": "https://…/me/contacts/", "calendar": "https://…/me/dualrole/",
         "set_at": "…Z"}}}

The password is never stored here: it comes from ``DUALROLE_DAV_PASSWORD``, the system
keyring (:mod:`dualrole.dav.secret`) or a prompt.
"""

from __future__ import annotations

import datetime as dt
import json
import stat
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from dualrole.storage.files import write_file
from dualrole.storage.replica_settings import config_dir, workspace_key

FILE_NAME = "dav.json"


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


def settings_path() -> Path:
    return config_dir() / FILE_NAME


def _load() -> dict[str, Any]:
    path = settings_path()
    try:
        info = path.stat()
    except OSError:
        return {"version": 1, "workspaces": {}}
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise DavSettingsError(f"{path} can be read by other users; run `chmod 600 {path}`.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DavSettingsError(f"{path} cannot be read ({exc}); fix or remove it.") from exc
    if not isinstance(data, dict) or not isinstance(data.get("workspaces", {}), dict):
        raise DavSettingsError(f"{path} is not a dualrole phone-sync file; fix or remove it.")
    data.setdefault("workspaces", {})
    return data


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
    )


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
