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


def test_review_bench_runs_on_tiny_workspaces(tmp_path: Path) -> None:
    import datetime as dt

    from dualrole.bench.figures import Report
    from dualrole.bench.review_bench import hand_written, measure
    from dualrole.demo.workspace import DemoSize, generate
    from dualrole.storage.db import open_store

    paths = {"small": tmp_path / "small.db", "large": tmp_path / "large.db"}
    for path, size in zip(paths.values(), (DemoSize(5, 20), DemoSize(10, 40)), strict=True):
        with open_store(path) as store:
            generate(store, seed=1, size=size)
    report = Report()
    monday = dt.date(2026, 11, 16)
    measure(report, paths, 2, monday=monday)
    names = [figure.what for figure in report.figures]
    assert names[0].startswith("weekly review, 9 weeks (vs hand-written SQL")
    assert names[1].startswith("review export, all four formats (md ")
    for figure in report.figures:
        assert figure.small is not None and len(figure.small.samples) == 2
        assert len(figure.large.samples) == 2 and figure.large.median > 0
    with open_store(paths["large"]) as store:
        rows = hand_written(store.conn, monday)
        interactions = store.scalar(
            "SELECT count(*) FROM interactions WHERE occurred_at >= ? AND occurred_at < ?",
            ("2026-11-15T23:00:00Z", "2026-11-22T23:00:00Z"),
        )
    assert len(rows) == 9 * 12 + 1
    assert rows[8 * 12 + 5] == (interactions,)  # the reviewed week's interactions


def test_insights_bench_runs_on_tiny_workspaces(tmp_path: Path) -> None:
    from dualrole.bench.figures import Report
    from dualrole.bench.insights_bench import hand_written, measure
    from dualrole.demo.workspace import DemoSize, generate
    from dualrole.insights import build_insights, default_period
    from dualrole.storage.db import open_store

    paths = {"small": tmp_path / "small.db", "large": tmp_path / "large.db"}
    for path, size in zip(paths.values(), (DemoSize(5, 20), DemoSize(10, 40)), strict=True):
        with open_store(path) as store:
            generate(store, seed=1, size=size)
    report = Report()
    measure(report, paths, 2, screen=False)
    (figure,) = report.figures
    assert figure.what.startswith("insights, 13 weeks (vs hand-written SQL")
    assert figure.small is not None and len(figure.large.samples) == 2
    with open_store(paths["large"]) as store:
        rows = hand_written(store.conn, default_period())
        found = build_insights(store, default_period())
    assert sum(row[2] for row in rows[0]) == found.totals.leads  # the same leads
    assert len(rows) == 6 + 2 * 13
