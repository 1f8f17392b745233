"""Helpers for the fault-injection suite: a CLI runner, old-schema files, immutable files."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from dualrole.storage.migrations import APPLICATION_ID, migrations
from in_process import dualrole

# CI runs a short loop; DUALROLE_FULL_RELIABILITY=1 runs the full counts.
FULL = os.environ.get("DUALROLE_FULL_RELIABILITY") == "1"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """``dualrole ARGS`` as a shell runs it, in this process (see ``in_process``)."""
    return dualrole(*args)


def run_cli_process(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -m dualrole ARGS`` in a fresh interpreter: for a command that might hang."""
    result = subprocess.run(
        [sys.executable, "-m", "dualrole", *args], capture_output=True, text=True, timeout=timeout
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def one_sentence(result: subprocess.CompletedProcess[str]) -> str:
    """The single ``Error: …`` line a failing command printed."""
    message = result.stderr.strip()
    assert message.startswith("Error: ") and "\n" not in message, message
    return message


def make_old_file(path: Path, *, stop_before: str, prospects: int = 3) -> int:
    """A database as an older dualrole left it: only the migrations before ``stop_before``."""
    conn = sqlite3.connect(path)
    db = Database(conn)
    migrations.apply(db, stop_before=stop_before)
    version = len(migrations.applied(db))
    conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version={version}")
    with conn:
        conn.executemany(
            "INSERT INTO prospects(name, notes, created_at, stage) VALUES (?, ?, ?, 'lead')",
            (
                (f"Old prospect {n}", f"kept from schema {version}", "2026-01-01T10:00:00Z")
                for n in range(prospects)
            ),
        )
    conn.close()
    os.chmod(path, 0o600)
    return version


def _chattr(flag: str, path: Path) -> bool:
    try:
        result = subprocess.run(["chattr", flag, str(path)], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make ``path`` (a file or a folder) truly unwritable, even for root.

    Plain permission bits do not stop root (tests run as root here), so root uses the
    immutable attribute; anyone else gets chmod. Skips when neither can be applied.
    """
    if os.geteuid() == 0:
        if not _chattr("+i", path):
            pytest.skip("running as root and `chattr +i` is unavailable: cannot make it read-only")
        try:
            yield
        finally:
            _chattr("-i", path)
        return
    old = path.stat().st_mode
    path.chmod(0o500 if path.is_dir() else 0o400)
    try:
        yield
    finally:
        path.chmod(old)


def snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns
