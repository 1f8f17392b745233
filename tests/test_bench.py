"""``python -m dualrole.bench`` runs end to end on tiny workspaces and prints every figure.

Timings are not asserted (CI must not depend on them): exit code 0 (all PASS) or 1 (a FAIL)
are both fine; what matters is that each figure line and the table are printed. The review
section is measured by ``bench/review_bench.py`` and gets its own test there.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FIGURES = [
    "demo generation",
    "startup to first frame on a pty",
    "open Today",
    "open Marketing",
    "open Sales",
    "Down on the prospects list",
    "PageDown on the prospects list",
    "End on the prospects list",
    "filter keystroke (matching)",
    "filter keystroke (no match)",
    "slowest action (event-loop stall)",
    "peak RSS, list scrolled end to end",
    "contacts (CSV) into an empty workspace",
]


def test_bench_runs_on_tiny_sizes(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dualrole.bench", "--small", "5:20", "--large", "10:40",
         "--runs", "1", "--data", str(tmp_path), "--only", "demo,startup,tui,import"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    out = result.stdout
    assert result.returncode in (0, 1), result.stderr[-2000:]
    assert "| what | small | large | large/small | target | result |" in out
    table = out[out.index("| what |") :]
    for figure in FIGURES:
        assert any(figure in line and ("PASS" in line or "FAIL" in line)
                   for line in out[: out.index("| what |")].splitlines()), figure  # fmt: skip
        assert any(line.startswith("| ") and figure in line for line in table.splitlines()), figure
    assert "targets PASS" in out
