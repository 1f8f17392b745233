"""Benchmark: replication lag after a write, and restore time, small vs large workspace.

Each workspace is copied (online backup) and replicated with Litestream to a ``file://``
replica in the bench folder at its default 1 s sync interval. Lag: from a write's commit
until the replica's newest transaction covers it (the replica folder is polled every
10 ms). Restore: ``restore_from_replica`` of the latest state into a new file, checks
included.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from dualrole.bench.figures import Report
from dualrole.core.models import ProspectIn
from dualrole.replication import litestream
from dualrole.replication.restore import restore_from_replica
from dualrole.replication.supervisor import Replicator
from dualrole.services import sales
from dualrole.storage import replica_settings as settings
from dualrole.storage.backup import backup_to
from dualrole.storage.db import open_store


def _replica_txid(folder: Path) -> int:
    best = 0
    for entry in (folder / "ltx").glob("*/*.ltx"):
        match = re.fullmatch(r"[0-9a-f]{16}-([0-9a-f]{16})\.ltx", entry.name)
        if match:
            best = max(best, int(match.group(1), 16))
    return best


def _replica_past(folder: Path, txid: int) -> bool:
    return _replica_txid(folder) > txid


def _wait(condition: Callable[[], object], deadline_s: float) -> None:
    end = time.monotonic() + deadline_s
    while not condition():
        if time.monotonic() > end:
            raise RuntimeError("the replica did not catch up in time")
        time.sleep(0.01)


@contextlib.contextmanager
def _own_settings(folder: Path) -> Iterator[None]:
    """Replica settings kept in ``folder``: the bench never writes the owner's own file."""
    before = os.environ.get(settings.ENV_DIR)
    os.environ[settings.ENV_DIR] = str(folder)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(settings.ENV_DIR, None)
        else:
            os.environ[settings.ENV_DIR] = before


def lag_and_restore(source: Path, work: Path, runs: int) -> tuple[list[float], list[float]]:
    """Seconds of lag for ``runs`` writes and of ``runs`` restores of ``source``'s copy."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    with _own_settings(work / "config"):
        return _lag_and_restore(source, work, runs)


def _lag_and_restore(source: Path, work: Path, runs: int) -> tuple[list[float], list[float]]:
    db = work / "ws.db"
    with open_store(source, create=False) as store:
        backup_to(store, db)
    replica = work / "replica"
    replicator = Replicator(db, settings.set_replica(db, replica.as_uri()), poll_s=0.5)
    replicator.start()
    lags: list[float] = []
    try:
        _wait(lambda: litestream.local_txid(db) > 0 and replicator.wait_synced(1), 600)
        with open_store(db) as store:
            for index in range(runs):
                before = _replica_txid(replica)
                sales.create_prospect(store, ProspectIn(name=f"lag probe {index}"))
                committed = time.perf_counter()
                _wait(functools.partial(_replica_past, replica, before), 60)
                lags.append(time.perf_counter() - committed)
    finally:
        replicator.stop()
        settings.forget(db)
    restores: list[float] = []
    for index in range(runs):
        out = work / f"restored-{index}.db"
        started = time.perf_counter()
        restore_from_replica(replica.as_uri(), out)
        restores.append(time.perf_counter() - started)
        out.unlink()
    shutil.rmtree(work, ignore_errors=True)
    return lags, restores


def measure(report: Report, paths: dict[str, Path], data: Path, runs: int) -> None:
    small_lag, small_restore = lag_and_restore(paths["small"], data / "replica-small", runs)
    large_lag, large_restore = lag_and_restore(paths["large"], data / "replica-large", runs)
    report.add(
        "replication lag after a write (file:// replica, 1 s sync interval)",
        small_lag, large_lag, unit="s", target="≤ 2 s",
        check=lambda _s, big: big.median <= 2.0,
    )  # fmt: skip
    report.add(
        "restore from the replica (latest, checked)",
        small_restore, large_restore, unit="s", target="≤ 60 s at 100k",
        check=lambda _s, big: big.median <= 60.0,
    )  # fmt: skip
