"""The command line: replicate (foreground, SIGTERM → last sync, exit 0), replica status,
restore --from-replica; every failure one sentence and a non-zero exit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from dualrole.replication import litestream
from dualrole.storage import replica_settings as settings

from .conftest import every_table, until


def _dualrole(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dualrole", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),
    )


def _start_replicate(db: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "dualrole", "--db", str(db), "replicate", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_replicate_runs_until_sigterm_then_status_and_restore(
    workspace: Path, file_replica: str, tmp_path: Path
) -> None:
    no_replica = _dualrole("replicate", db=workspace)
    assert no_replica.returncode == 1
    assert "No replica is set" in no_replica.stderr and "Traceback" not in no_replica.stderr
    process = _start_replicate(workspace, "--to", file_replica, "--sync-interval", "100ms")
    until(lambda: litestream.position(workspace, file_replica) is not None)
    status = _dualrole("replica", "status", db=workspace)
    assert status.returncode == 0, status.stderr
    assert f"replica:     {file_replica}" in status.stdout
    assert "latest:      transaction" in status.stdout
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "Stopped; the replica holds transaction" in err
    # `dualrole replicate` again uses the replica set last time.
    assert settings.get(workspace).url == file_replica
    again = _start_replicate(workspace, "--sync-interval", "100ms")
    until(lambda: "Replicating" in (again.stderr.readline() or "Replicating"))
    again.send_signal(signal.SIGINT)
    assert again.wait(60) == 0, again.stderr.read()

    exists = _dualrole("restore", "--from-replica", file_replica, db=workspace)
    assert exists.returncode == 1
    assert "already exists; pass --force" in exists.stderr
    fresh = tmp_path / "fresh.db"
    restored = _dualrole("restore", "--from-replica", file_replica, db=fresh)
    assert restored.returncode == 0, restored.stderr
    assert every_table(fresh) == every_table(workspace)  # every table, row for row
    before = fresh.read_bytes()
    nothing = (tmp_path / "nothing").as_uri()
    missing = _dualrole("restore", "--from-replica", nothing, "--force", db=fresh)
    assert missing.returncode == 1 and "holds no replica" in missing.stderr
    assert fresh.read_bytes() == before
    bad_moment = _dualrole(
        "restore", "--from-replica", file_replica, "--at", "soonish", db=tmp_path / "x.db"
    )
    assert bad_moment.returncode == 2 and "'soonish' is not a date" in bad_moment.stderr
    assert "Traceback" not in missing.stderr + bad_moment.stderr


def test_bench_measures_lag_and_restore(workspace: Path, tmp_path: Path) -> None:
    from dualrole.bench.replica_bench import lag_and_restore

    lags, restores = lag_and_restore(workspace, tmp_path / "bench", runs=1)
    assert len(lags) == len(restores) == 1
    assert 0 < lags[0] < 60 and 0 < restores[0] < 60
    assert settings.get(tmp_path / "bench" / "ws.db") is None  # the bench forgets its replica
    assert not settings.settings_path().exists()  # and never wrote the owner's settings file
