"""Building a workspace from a replica: beside the target, checked, then moved into place.

Litestream restores into a private folder (0700, ``.<name>.from-replica``) next to the
workspace (same disk, so the final move is a rename), which holds a lock while a restore
runs; a restore that was killed leaves it behind, and the next one empties it first. The
``litestream restore`` child dies with its parent. dualrole checks the file like any
backup (:func:`dualrole.storage.backup.verify_backup`: SQLite header, integrity, dualrole's
schema). Only then is anything replaced:

- no workspace at the target: the file is renamed into place (0600);
- a workspace there and ``force``: :func:`dualrole.storage.backup.restore_to_path` copies the
  restored content in through SQLite's backup API after backing the current one up (or,
  if it is damaged, setting it aside) — the same path as ``dualrole restore FILE``;
- a workspace there and no ``force``: refused, nothing written.

A replica that cannot be reached, is full, or holds no replica gives one sentence and leaves
the workspace as it was. Progress is the size of the file Litestream is writing against
what the replica's files add up to.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from dualrole.replication import binaries, litestream, urls
from dualrole.replication.litestream import ReplicaError
from dualrole.storage.db import StorageError
from dualrole.storage.files import move_into_place

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Restored:
    path: Path
    txid: int
    seconds: float
    previous: Path | None  # where the replaced workspace's content went (backup/set aside)


def parse_moment(text: str) -> dt.datetime:
    """``2026-11-28 17:00``, ``yesterday 17:00`` (local time unless it says otherwise) as an
    aware UTC moment, read by :func:`dualrole.core.dates.when.parse_moment`, the one reader of
    moments (a day without a time keeps the current time of day; a weekday looks back)."""
    from dualrole.core.dates.when import parse_moment as read_moment

    moment = read_moment(text, past=True)  # its sentence: "'soonish' is not a date; try …"
    if moment is None:
        raise ValueError("say which moment, e.g. 2026-11-28 17:00 or yesterday 17:00")
    return moment.astimezone(dt.UTC)


def _old_tmp_paths(target: Path) -> list[Path]:
    """Where earlier versions restored to (a file beside the workspace): removed if left."""
    base = target.with_name(f".{target.name}.from-replica")
    return [Path(f"{base}{suffix}") for suffix in ("-wal", "-shm", ".tmp", "-journal")]


@contextlib.contextmanager
def _work_folder(target: Path) -> Iterator[Path]:
    """The private folder a restore builds in, locked while in use, emptied before and after."""
    folder = target.with_name(f".{target.name}.from-replica")
    for old in _old_tmp_paths(target):
        old.unlink(missing_ok=True)
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        folder.unlink()  # a leftover file of an earlier version, or a planted link
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        pass
    except OSError as exc:
        raise StorageError(
            f"A private folder beside {target} cannot be created ({exc.strerror})."
        ) from exc
    os.chmod(folder, 0o700)
    lock = os.open(folder / "lock", os.O_CREAT | os.O_RDWR | os.O_NOFOLLOW, 0o600)
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise StorageError(
                f"Another restore into {target} is running; wait for it to finish."
            ) from None
        _empty(folder)  # what a killed restore left
        try:
            yield folder
        finally:
            _empty(folder)
            with contextlib.suppress(OSError):
                (folder / "lock").unlink()
                folder.rmdir()
    finally:
        os.close(lock)


def _empty(folder: Path) -> None:
    for entry in folder.iterdir():
        if entry.name == "lock":
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def restore_from_replica(
    url: str,
    target: Path,
    *,
    at: dt.datetime | None = None,
    force: bool = False,
    progress: Progress | None = None,
    make_parent: bool = False,
) -> Restored:
    """Build the workspace at ``target`` from ``url`` (latest, or as it was at ``at``)."""
    from dualrole.storage.backup import restore_to_path, verify_backup

    started = time.perf_counter()
    target = Path(target).expanduser()
    if target.exists() and not force:
        raise StorageError(
            f"{target} already exists; pass --force to replace it (its content is backed up "
            "first), or choose another --db."
        )
    if not target.parent.exists():
        if not make_parent:
            raise StorageError(f"The folder {target.parent} does not exist.")
        target.parent.mkdir(parents=True, mode=0o700)
    position = litestream.position(target, url)
    if position is None:
        raise ReplicaError(f"{urls.shown(url)} holds no replica of a workspace.")
    if at is not None and at < position.oldest:
        raise ReplicaError(
            f"{urls.shown(url)} reaches back only to "
            f"{position.oldest.astimezone():%Y-%m-%d %H:%M}; choose a later --at."
        )
    if at is not None and at > dt.datetime.now(dt.UTC):
        raise ValueError("--at is in the future; leave it out for the latest state.")
    with _work_folder(target) as folder:
        tmp = folder / "restored.db"
        args = ["restore", "-no-expand-env", "-o", str(tmp)]
        if at is not None:
            args += ["-timestamp", at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")]
        with litestream.config_file(target, url) as config:
            args += ["-config", str(config), str(target.resolve())]
            _run_with_progress(args, url, config, tmp, position.size, progress)
        if not tmp.exists():
            raise ReplicaError(f"{urls.shown(url)} gave no database to restore.")
        os.chmod(tmp, 0o600)
        try:
            verify_backup(tmp)
        except StorageError as exc:
            raise StorageError(
                f"What {urls.shown(url)} holds is not a sound dualrole workspace ({exc}); "
                "nothing was replaced."
            ) from exc
        txid = position.txid
        previous = None
        if target.exists():
            previous = restore_to_path(target, tmp, make_parent=make_parent)
        else:
            for suffix in ("-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            move_into_place(tmp, target)
    return Restored(target, txid, time.perf_counter() - started, previous)


def _run_with_progress(
    args: list[str], url: str, config: Path, tmp: Path, total: int, progress: Progress | None
) -> None:
    command = [str(binaries.litestream()), *args]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **litestream.child_options(url, config),
    )
    output: dict[str, str] = {}

    def collect() -> None:
        out, err = process.communicate()
        output["text"] = (err or "") + (out or "")

    reader = threading.Thread(target=collect, daemon=True)
    reader.start()
    try:
        while reader.is_alive():
            if progress is not None:
                size = 0
                for candidate in (tmp, Path(f"{tmp}.tmp")):
                    with contextlib.suppress(OSError):
                        size = max(size, candidate.stat().st_size)
                progress(min(size, total), total)
            reader.join(0.2)
    except BaseException:
        process.kill()
        reader.join()
        raise
    if progress is not None:
        progress(total, total)
    if process.returncode != 0:
        text = output.get("text", "")
        if "no space left" in text.lower() and str(tmp.parent) in text:
            raise ReplicaError(
                f"The disk holding {tmp.parent.parent} is full; free some space and restore again "
                "(nothing was replaced)."
            )
        raise ReplicaError(litestream.explain(url, text))
