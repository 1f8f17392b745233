"""Running the Litestream binary: its config file, ``restore`` and ``ltx``, its errors.

Every run gets a fresh config naming the one workspace and its replica, handed to
Litestream through a pipe (``-config /dev/fd/N``): it is never written to disk, so even a
kill -9 leaves no file behind with an SFTP password or a URL in it. Litestream runs with
``-no-expand-env`` (a ``$`` in a URL stays a ``$``); S3 credentials reach it through its
environment (:func:`.settings.child_environment`). Every child runs with umask 077 (what it
creates beside the workspace and in a folder replica is 0700/0600 whatever the owner's umask)
and dies with the thread that started it (``PR_SET_PDEATHSIG`` on Linux).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dualrole.replication import binaries, urls
from dualrole.storage import replica_settings as settings

LIST_TIMEOUT_S = float(os.environ.get("DUALROLE_REPLICA_TIMEOUT", "20"))
DEFAULT_SYNC_INTERVAL = "1s"
SNAPSHOT_RETENTION = "168h"


class ReplicaError(Exception):
    """The replica cannot be used (unreachable, full, not a replica…): one sentence."""


@dataclass(frozen=True)
class Position:
    """The newest transaction in the replica and when it was written there (UTC)."""

    txid: int
    at: dt.datetime
    size: int  # bytes of the files a restore of the latest state reads (about)
    oldest: dt.datetime  # the oldest moment the replica holds


def meta_dir(db_path: Path) -> Path:
    """Litestream's own folder beside the workspace (``.<name>-litestream``)."""
    db_path = Path(db_path)
    return db_path.with_name(f".{db_path.name}-litestream")


def local_txid(db_path: Path) -> int:
    """The newest transaction Litestream has taken from the workspace's WAL (0: none)."""
    best = 0
    ltx = meta_dir(db_path) / "ltx"
    with contextlib.suppress(OSError):
        for level in ltx.iterdir():
            for entry in level.iterdir():
                match = re.fullmatch(r"([0-9a-f]{16})-([0-9a-f]{16})\.ltx", entry.name)
                if match:
                    best = max(best, int(match.group(2), 16))
    return best


def _newest_local_ltx(db_path: Path) -> tuple[int, Path | None]:
    """Litestream's newest LTX file beside the workspace: of the newest transaction, the
    level-0 one when there is one (a compacted file of a higher level records no WAL)."""
    best: tuple[int, bool] = (0, False)
    path = None
    ltx = meta_dir(db_path) / "ltx"
    with contextlib.suppress(OSError):
        for level in ltx.iterdir():
            for entry in level.iterdir():
                match = re.fullmatch(r"([0-9a-f]{16})-([0-9a-f]{16})\.ltx", entry.name)
                key = (int(match.group(2), 16), level.name == "0") if match else (0, False)
                if match and key >= best:
                    best, path = key, entry
    return best[0], path


def unread_changes(db_path: Path) -> bool:
    """Whether the workspace's WAL holds a committed transaction Litestream has not read.

    Litestream's newest LTX file records the WAL it read (salts) and up to where (offset +
    size, LTX format 0.5). A commit frame of the current WAL beyond that point — or anywhere
    in a WAL restarted since (other salts) — was written to the workspace and never reached
    Litestream. Only frame headers are read, from that point on. False when it cannot tell
    (no WAL, no LTX file that records a WAL position).
    """
    _txid, newest = _newest_local_ltx(db_path)
    try:
        with open(f"{db_path}-wal", "rb") as wal:
            header = wal.read(32)
            if len(header) < 32:
                return False
            page_size = int.from_bytes(header[8:12], "big")
            salts = header[16:24]
            start = 32
            if newest is not None:
                with open(newest, "rb") as ltx:
                    head = ltx.read(72)
                if len(head) == 72 and head[:4] == b"LTX1":
                    offset = int.from_bytes(head[48:56], "big", signed=True)
                    size = int.from_bytes(head[56:64], "big", signed=True)
                    if head[64:72] == salts and size > 0:
                        start = offset + size
                    elif size <= 0:
                        return False  # a compacted file: it says nothing of the WAL
            frame = 24 + page_size
            end = os.fstat(wal.fileno()).st_size
            position = start
            while position + frame <= end:
                wal.seek(position)
                head = wal.read(24)
                if head[8:16] != salts:
                    return False
                if int.from_bytes(head[4:8], "big"):  # a commit frame
                    return True
                position += frame
    except OSError:
        return False
    return False


def workspace_txid(db_path: Path) -> int:
    """The transaction the workspace is at, in Litestream's numbering (what "this machine"
    means): Litestream's newest, plus one when the WAL holds changes it has not read yet."""
    return local_txid(db_path) + (1 if unread_changes(db_path) else 0)


def child_env(url: str) -> dict[str, str]:
    env = settings.child_environment()
    endpoint = urls.s3_endpoint(url, env)
    if endpoint and endpoint.startswith("http://"):
        # A CA bundle is meaningless over plain HTTP, and Litestream's S3 client refuses to
        # start with one set next to a custom endpoint.
        env.pop("AWS_CA_BUNDLE", None)
    return env


def config_text(
    db_path: Path,
    url: str,
    *,
    sync_interval: str = DEFAULT_SYNC_INTERVAL,
    shutdown_timeout: str = "10s",
) -> str:
    """Litestream's YAML for one workspace and its replica (JSON strings are valid YAML)."""
    q = json.dumps
    if urls.scheme(url) == "file":  # the folder itself: Litestream does not decode a URL
        replica = ['      type: "file"', f"      path: {q(str(urls.file_path(url)))}"]
    else:
        replica = [f"      url: {q(url)}"]
    replica.append(f"      sync-interval: {q(sync_interval)}")
    if urls.scheme(url) == "s3":
        endpoint = urls.s3_endpoint(url, settings.child_environment())
        if endpoint and "endpoint=" not in url:
            replica.append(f"      endpoint: {q(endpoint)}")
            replica.append("      force-path-style: true")
    if urls.scheme(url) == "sftp":
        key = sftp_key(url)
        if key is not None:
            replica.append(f"      key-path: {q(str(key))}")
    lines = [
        f"shutdown-sync-timeout: {q(shutdown_timeout)}",
        # A daily snapshot kept a week: a restore --at reaches back 7 days, not Litestream's 1.
        "snapshot:",
        "  interval: 24h",
        f"  retention: {q(SNAPSHOT_RETENTION)}",
        "logging:",
        "  level: info",
        "  type: json",
        "dbs:",
        f"  - path: {q(str(Path(db_path).resolve()))}",
        "    replica:",
        *replica,
    ]
    return "\n".join(lines) + "\n"


def sftp_key(url: str) -> Path | None:
    """The SSH key for an sftp:// replica: ``?key-path=`` in the URL, else ~/.ssh's usual ones.

    Litestream reads a key file (not the SSH agent); a password may be in the URL instead.
    """
    import urllib.parse

    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    for value in query.get("key-path", []):
        return Path(value).expanduser()
    for name in ("id_ed25519", "id_ecdsa", "id_rsa"):
        candidate = Path.home() / ".ssh" / name
        if candidate.is_file():
            return candidate
    return None


@contextlib.contextmanager
def config_file(db_path: Path, url: str, **options: str) -> Iterator[Path]:
    """Litestream's config for one run, as ``/dev/fd/N``: a pipe holding it, never a file.

    Pass :func:`child_options` of the path to the process that reads it; the pipe is
    closed afterwards. Litestream reads its config once, at start.
    """
    data = config_text(db_path, url, **options).encode()
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, data)  # far below a pipe's buffer: never blocks
        os.close(write_end)
        write_end = -1
        yield Path(f"/dev/fd/{read_end}")
    finally:
        os.close(read_end)
        if write_end >= 0:
            os.close(write_end)


def child_setup() -> None:
    """A child's set-up between fork and exec: private files, and it dies with its parent."""
    os.umask(0o077)
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(Exception):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def child_options(url: str, config: Path | None = None) -> dict[str, Any]:
    """``subprocess`` arguments for a Litestream child: environment, config pipe, set-up."""
    fds = (int(config.name),) if config is not None else ()
    return {
        "env": child_env(url),
        "pass_fds": fds,
        "preexec_fn": child_setup,
        "stdin": subprocess.DEVNULL,
    }


def explain(url: str, output: str) -> str:
    """Litestream's error output as one sentence for the owner."""
    where = urls.shown(url)
    text = urls.shown(" ".join(output.split()))
    lower = text.lower()
    if "no matching backup" in lower or "no snapshots" in lower or "no backup" in lower:
        return f"{where} holds no replica of a workspace (nothing was replicated there yet)."
    if "no space left" in lower or "quota" in lower or "entitytoolarge" in lower:
        return f"The replica at {where} is full; free space there and try again."
    if "nosuchbucket" in lower or "bucket does not exist" in lower:
        return f"The bucket of {where} does not exist; create it first."
    if "accessdenied" in lower or "invalidaccesskeyid" in lower or "signaturedoesnotmatch" in lower:
        return f"{where} refused the credentials; check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY."
    if "ec2imds" in lower or "get identity" in lower or "no valid providers" in lower:
        return (
            f"There are no credentials for {where}; set AWS_ACCESS_KEY_ID and "
            f"AWS_SECRET_ACCESS_KEY (or put them in {settings.settings_path()})."
        )
    if "rootcas" in lower:
        return f"Litestream cannot use AWS_CA_BUNDLE with {where}; unset it and try again."
    if (
        "connection refused" in lower
        or "no such host" in lower
        or "timeout" in lower
        or "deadline" in lower
        or "unreachable" in lower
        or "dial tcp" in lower
    ):
        return f"The replica at {where} cannot be reached; check the address and the network."
    if "permission denied" in lower:
        return f"The replica at {where} cannot be written or read (permission denied)."
    if "decode" in lower or "invalid" in lower or "checksum" in lower or "magic" in lower:
        return f"{where} does not hold a readable Litestream replica ({text[:160]})."
    tail = text.removeprefix("Error: ")[:200] or "no details"
    return f"Litestream could not use {where}: {tail}."


def run(
    args: list[str],
    url: str,
    *,
    timeout: float | None = LIST_TIMEOUT_S,
    config: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``litestream ARGS``; a failure or a timeout becomes a ReplicaError."""
    command = [str(binaries.litestream()), *args]
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            **child_options(url, config),
        )
    except subprocess.TimeoutExpired as exc:
        raise ReplicaError(
            f"The replica at {urls.shown(url)} did not answer within {timeout:.0f} s; "
            "check the address and the network."
        ) from exc
    if done.returncode != 0:
        raise ReplicaError(explain(url, done.stderr or done.stdout))
    return done


def ltx_files(db_path: Path, url: str, *, timeout: float | None = None) -> list[dict[str, Any]]:
    """Every LTX file of the replica (all levels), as Litestream lists them."""
    with config_file(db_path, url) as config:
        done = run(
            [
                "ltx",
                "-config",
                str(config),
                "-no-expand-env",
                "-json",
                "-level",
                "all",
                str(Path(db_path).resolve()),
            ],
            url,
            timeout=timeout or float(os.environ.get("DUALROLE_REPLICA_TIMEOUT", "20")),
            config=config,
        )
    try:
        files = json.loads(done.stdout or "[]")
    except ValueError as exc:
        raise ReplicaError(f"Litestream listed {urls.shown(url)} unreadably.") from exc
    return files if isinstance(files, list) else []


def _stamp(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(dt.UTC)


def position(db_path: Path, url: str, *, timeout: float | None = None) -> Position | None:
    """The replica's newest transaction, or None when it holds nothing yet."""
    files = ltx_files(db_path, url, timeout=timeout)
    if not files:
        return None
    newest = max(files, key=lambda f: (int(f["max_txid"], 16), f.get("timestamp", "")))
    snapshots = [f for f in files if f.get("level") == 9]
    base = max(snapshots, key=lambda f: int(f["max_txid"], 16)) if snapshots else None
    size = int(base["size"]) if base else 0
    after = int(base["max_txid"], 16) if base else 0
    size += sum(
        int(f["size"]) for f in files if f.get("level") == 0 and int(f["min_txid"], 16) > after
    )
    oldest = min(_stamp(f["timestamp"]) for f in files)
    return Position(int(newest["max_txid"], 16), _stamp(newest["timestamp"]), size, oldest)
