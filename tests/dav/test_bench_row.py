"""``make bench``'s phone-sync rows run end to end on a tiny workspace (timings not asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_the_phone_sync_rows_run(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dualrole.bench", "--small", "5:20", "--large", "10:40",
         "--runs", "1", "--data", str(tmp_path), "--only", "dav", "--dav-prospects", "20"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr[-2000:]
    table = result.stdout[result.stdout.index("| what |") :]
    assert "| phone sync, first (local Radicale, 2 → 20 prospects) |" in table
    assert "| phone sync, idle re-sync (20 prospects) |" in table
