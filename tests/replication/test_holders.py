"""A workspace that a running replicator or the open app holds is never replaced under it.

``demo --force``, ``restore FILE`` and ``restore --from-replica --force`` each refuse with
one sentence naming the holder (the replicator's pid and replica, or the open app), and
leave the workspace as it was; once the holder is gone, the same command works.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from dualrole.replication import litestream
from dualrole.replication.supervisor import read_status
from dualrole.storage.backup import backup_to
from dualrole.storage.db import open_store
from dualrole.tui.app import DualroleApp

from .conftest import prospect_names, until


def _dualrole(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dualrole", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),
    )


def _one_sentence(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    message = result.stderr.strip()
    assert message.startswith("Error: ") and "\n" not in message, message
    assert "Traceback" not in message
    return message


def _replacements(workspace: Path, backup: Path, replica: str) -> dict[str, tuple[str, ...]]:
    return {
        "demo --force": ("demo", "--force", "--no-open", "--prospects", "3"),
        "restore FILE": ("restore", str(backup), "--yes"),
        "restore --from-replica --force": ("restore", "--from-replica", replica, "--force"),
    }


def test_a_running_replicator_is_named_and_nothing_is_replaced(
    workspace: Path, file_replica: str, tmp_path: Path
) -> None:
    backup = tmp_path / "backup.db"
    with open_store(workspace) as store:
        backup_to(store, backup)
    before = prospect_names(workspace)
    replicate = ("replicate", "--to", file_replica, "--sync-interval", "100ms")
    process = subprocess.Popen(
        [sys.executable, "-m", "dualrole", "--db", str(workspace), *replicate],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:

        def replicating() -> bool:
            state, running = read_status(workspace)
            return running and state is not None and state.pid == process.pid

        until(replicating, 60.0)
        until(lambda: litestream.position(workspace, file_replica) is not None, 60.0)
        state, _ = read_status(workspace)
        assert state is not None
        for command in _replacements(workspace, backup, file_replica).values():
            message = _one_sentence(_dualrole(*command, db=workspace))
            assert f"`dualrole replicate` (pid {process.pid}) replicates it to {state.url}" in (
                message
            )
            assert "stop it (Ctrl-C) first" in message and "nothing was replaced" in message
        assert prospect_names(workspace) == before
        assert process.poll() is None  # still replicating, undisturbed
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "Stopped; the replica holds transaction" in err
    done = _dualrole("demo", "--force", "--no-open", "--prospects", "3", db=workspace)
    assert done.returncode == 0, done.stderr  # nothing holds it any more


async def test_the_open_app_is_named_and_nothing_is_replaced(
    workspace: Path, file_replica: str, tmp_path: Path
) -> None:
    backup = tmp_path / "backup.db"
    with open_store(workspace) as store:
        backup_to(store, backup)
    before = prospect_names(workspace)
    commands = _replacements(workspace, backup, file_replica)
    with open_store(workspace) as store:
        app = DualroleApp(store)
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
            for command in commands.values():
                result = await asyncio.to_thread(_dualrole, *command, db=workspace)
                message = _one_sentence(result)
                assert "the dualrole app has it open; quit the app first" in message
                assert "nothing was replaced" in message
    assert prospect_names(workspace) == before
    done = _dualrole(*commands["restore FILE"], db=workspace)
    assert done.returncode == 0, done.stderr  # the app let go when it closed


async def test_a_read_only_app_holds_its_workspace_too(workspace: Path) -> None:
    """A workspace from a newer dualrole opens read-only; replacing it under the open app
    is refused all the same (the app shows what it read)."""
    import sqlite3

    from dualrole.replication.holders import holder
    from dualrole.storage.schema import SCHEMA_VERSION

    conn = sqlite3.connect(workspace)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.close()
    with open_store(workspace) as store:
        assert store.read_only
        app = DualroleApp(store)
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
            assert holder(workspace) == "the dualrole app has it open"
    assert holder(workspace) is None
