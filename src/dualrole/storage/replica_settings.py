"""The owner's replica choice, in a file only the owner can read (never in the workspace).

``<user config folder>/dualrole/replica.json`` (``DUALROLE_CONFIG_DIR`` moves the folder),
0600 in a 0700 folder, written whole and atomically::

    {"version": 1,
     "workspaces": {"/home/me/.local/share/dualrole/dualrole.db":
                      {"url": "s3://bucket/dualrole", "writer_id": "…", "set_at": "…Z"}},
     "credentials": {"AWS_ACCESS_KEY_ID": "…", "AWS_SECRET_ACCESS_KEY": "…"}}

``credentials`` is optional: the environment (``AWS_*``, ``LITESTREAM_*``) is used first.
``writer_id`` names this workspace on this machine in the replica's writer marker.
The workspace database never holds any of it: the JSON export dumps every table.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import stat
import uuid
from pathlib import Path
from typing import Any, NamedTuple

from dualrole.storage.files import write_file

FILE_NAME = "replica.json"
ENV_DIR = "DUALROLE_CONFIG_DIR"
CREDENTIAL_KEYS = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_REGION",
    "AWS_ENDPOINT_URL_S3",
    "LITESTREAM_ACCESS_KEY_ID",
    "LITESTREAM_SECRET_ACCESS_KEY",
    "LITESTREAM_S3_ENDPOINT",
)


class SettingsError(Exception):
    """The owner's replica settings cannot be read or written (one sentence)."""


class ReplicaSetting(NamedTuple):
    url: str
    writer_id: str
    set_at: str


def config_dir() -> Path:
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR]).expanduser()
    from platformdirs import user_config_path

    return user_config_path("dualrole", appauthor=False)


def settings_path() -> Path:
    return config_dir() / FILE_NAME


def workspace_key(db_path: Path | str) -> str:
    """The workspace's absolute path: the key of its setting."""
    return str(Path(db_path).expanduser().resolve())


def status_file(db_path: Path | str, suffix: str) -> Path:
    """A file of the workspace's in the config folder's ``status/`` (the replicator's status
    and lock, the app's lock): named by a hash of the workspace's path, so any path fits."""
    import hashlib

    key = hashlib.sha256(workspace_key(db_path).encode()).hexdigest()[:20]
    return config_dir() / "status" / f"{key}{suffix}"


def lock_held(path: Path) -> bool:
    """Whether another process holds a ``flock`` on ``path`` (False if it does not exist)."""
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


_cache: dict[str, tuple[tuple[int, int, int], dict[str, Any]]] = {}


def _load() -> dict[str, Any]:
    path = settings_path()
    try:
        info = path.stat()
    except OSError:
        return {"version": 1, "workspaces": {}}
    key = (info.st_mtime_ns, info.st_size, info.st_mode)
    cached = _cache.get(str(path))
    if cached and cached[0] == key:
        return cached[1]
    data = read_owner_file(
        path, info, "replica settings", SettingsError, why=" (it may hold credentials)"
    )
    _cache[str(path)] = (key, data)
    return data


def read_owner_file(
    path: Path, info: os.stat_result, what: str, error: type[Exception], *, why: str = ""
) -> dict[str, Any]:
    """A settings file of one entry per workspace that only its owner may read (the
    replica's, the phone sync's): its data, or ``error`` with one sentence."""
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise error(f"{path} can be read by other users; run `chmod 600 {path}`{why}.")
    import json  # only when a settings file exists: the app's start seldom needs it (~4 ms)

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise error(f"{path} cannot be read ({exc}); fix or remove it.") from exc
    if not isinstance(data, dict) or not isinstance(data.get("workspaces", {}), dict):
        raise error(f"{path} is not a dualrole {what} file; fix or remove it.")
    data.setdefault("workspaces", {})
    return data


def _save(data: dict[str, Any]) -> None:
    folder = config_dir()
    folder.mkdir(parents=True, mode=0o700, exist_ok=True)
    path = folder / FILE_NAME
    import json

    try:
        write_file(path, json.dumps(data, indent=2, sort_keys=True) + "\n", force=True)
    finally:
        _cache.pop(str(path), None)


def get(db_path: Path | str) -> ReplicaSetting | None:
    """The replica set for the workspace at ``db_path``, if any."""
    key = workspace_key(db_path)
    entry = _load()["workspaces"].get(key)
    if entry is not None and not isinstance(entry, dict):
        raise SettingsError(
            f"The entry for {key} in {settings_path()} is not an object "
            '({"url": …}); fix it, remove it, or run `dualrole replicate --to URL` again.'
        )
    if entry is None or not entry.get("url"):
        return None
    return ReplicaSetting(
        url=str(entry["url"]),
        writer_id=str(entry.get("writer_id") or ""),
        set_at=str(entry.get("set_at") or ""),
    )


def replica_is_set(db_path: Path | str) -> bool:
    """Whether a replica is set for ``db_path`` (cheap: one stat when nothing changed)."""
    try:
        return get(db_path) is not None
    except (SettingsError, OSError):
        return False


def set_replica(db_path: Path | str, url: str) -> ReplicaSetting:
    """Remember ``url`` as the workspace's replica; keep its writer id when the URL is kept."""
    data = _load()
    key = workspace_key(db_path)
    old = data["workspaces"].get(key)
    if not isinstance(old, dict):  # none, or one written by hand wrongly: replaced
        old = {}
    writer_id = old.get("writer_id") or uuid.uuid4().hex
    entry = {
        "url": url,
        "writer_id": writer_id,
        "set_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    data = {**data, "workspaces": {**data["workspaces"], key: entry}}
    _save(data)
    return ReplicaSetting(**entry)


def forget(db_path: Path | str) -> bool:
    data = _load()
    key = workspace_key(db_path)
    if key not in data["workspaces"]:
        return False
    workspaces = {k: v for k, v in data["workspaces"].items() if k != key}
    _save({**data, "workspaces": workspaces})
    return True


def child_environment() -> dict[str, str]:
    """The environment for Litestream: ours, plus credentials from the settings file.

    Variables already in the environment win over the file.
    """
    env = dict(os.environ)
    stored = _load().get("credentials") or {}
    if isinstance(stored, dict):
        for name in CREDENTIAL_KEYS:
            value = stored.get(name)
            if isinstance(value, str) and value and name not in env:
                env[name] = value
    return env
