"""What the benchmark measures, each against its target from issue 6."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path

from dualrole.bench.figures import Report, Stats, ms
from dualrole.bench.pty_session import BENCH_NOW, PtySession, app_env
from dualrole.storage.db import open_store

BARE_APP = """
from textual.app import App
from textual.widgets import Label
class Bare(App):
    def compose(self):
        yield Label("bare-ready")
Bare().run()
"""
BASELINE_TABLES = ("prospects", "stage_changes", "interactions", "followups")


def _build(path: Path, prospects: int, interactions: int) -> float:
    from dualrole.demo.workspace import DemoSize, generate

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.environ["DUALROLE_NOW"] = BENCH_NOW
    started = time.perf_counter()
    with open_store(path) as store:
        generate(store, seed=1, size=DemoSize(prospects, interactions))
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - started


def _raw_executemany(source: Path, target: Path) -> float:
    """Insert the same rows as ``source`` holds with plain executemany, no indexes."""
    target.unlink(missing_ok=True)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target, isolation_level=None)
    dst.execute("PRAGMA journal_mode=WAL")
    elapsed = 0.0
    for table in BASELINE_TABLES:
        columns = [row[1] for row in src.execute(f"PRAGMA table_info({table})")]
        rows = src.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
        dst.execute(f"CREATE TABLE {table} ({', '.join(columns)})")
        marks = ", ".join("?" for _ in columns)
        started = time.perf_counter()
        dst.execute("BEGIN")
        dst.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        dst.execute("COMMIT")
        elapsed += time.perf_counter() - started
    src.close()
    dst.close()
    target.unlink(missing_ok=True)
    return elapsed


def measure_demo(
    report: Report, data: Path, small: tuple[int, int], large: tuple[int, int], rebuild: bool,
    *, timed: bool,
) -> dict[str, Path]:  # fmt: skip
    paths = {"small": data / "small.db", "large": data / "large.db"}
    sizes = {"small": small, "large": large}
    built: dict[str, float] = {}
    for name, path in paths.items():
        if rebuild or timed or not path.exists():
            print(f"building {name} workspace {sizes[name]} …", flush=True)
            built[name] = _build(path, *sizes[name])
    if timed:
        raw = {name: _raw_executemany(paths[name], data / f"raw-{name}.db") for name in paths}
        report.add(
            f"demo generation {large[0]:,} / {large[1]:,} (vs raw executemany "
            f"{raw['large']:.1f} s)",
            [built["small"]], [built["large"]], unit="s",
            target="≤ 3× raw executemany of the same rows",
            check=lambda _s, big: big.median <= 3 * raw["large"],
        )  # fmt: skip
    return paths


def _first_frame(argv: list[str], marker: str, data: Path) -> float:
    with PtySession(argv, env=app_env(data)) as session:
        return session.wait_for(marker)


def measure_startup(report: Report, paths: dict[str, Path], runs: int) -> None:
    bare, small, large = [], [], []
    app = [sys.executable, "-m", "dualrole", "--db"]
    data = paths["small"].parent
    _first_frame([sys.executable, "-c", BARE_APP], "bare-ready", data)  # fill the bytecode cache
    with PtySession([*app, str(paths["small"])], env=app_env(data)) as warm:
        warm.wait_for("Today")
        warm.settle(1.0)  # the areas' screens are imported (and cached) after the first frame
    for _ in range(runs):  # interleaved, so machine noise hits all three alike
        bare.append(_first_frame([sys.executable, "-c", BARE_APP], "bare-ready", data))
        small.append(_first_frame([*app, str(paths["small"])], "Today", data))
        large.append(_first_frame([*app, str(paths["large"])], "Today", data))
    bare_median = sorted(bare)[len(bare) // 2]
    print(f"  bare Textual app, first frame: {bare_median * 1000:.0f} ms", flush=True)
    report.add(
        f"startup to first frame on a pty (bare app {bare_median * 1000:.0f} ms)",
        ms(small), ms(large), target="≤ 1.3× bare Textual app",
        check=lambda s, big: (
            s is not None and max(s.median, big.median) <= 1.3 * bare_median * 1000
        ),
    )  # fmt: skip


def _drive(path: Path, runs: int) -> dict[str, list[float]]:
    """Open the app on ``path`` and time each action; key → seconds per run."""
    times: dict[str, list[float]] = {}

    def record(name: str, seconds: float) -> None:
        times.setdefault(name, []).append(seconds)

    argv = [sys.executable, "-m", "dualrole", "--db", str(path)]
    with PtySession(argv, env=app_env(path.parent)) as app:
        app.wait_for("Today")
        app.settle(0.5)
        for _ in range(runs):
            for key, name in (("m", "open Marketing"), ("t", "open Today"), ("s", "open Sales")):
                record(name, app.press(key))
                app.settle(0.1)
            for _ in range(5):
                record("Down", app.press("down"))
            for _ in range(3):
                record("PageDown", app.press("pagedown"))
            record("End", app.press("end"))
            record("Home", app.press("home"))
            record("filter: open", app.press("/"))
            for char in "sha":
                record("filter keystroke (match)", app.press(char))
            for _ in range(3):
                app.send("backspace")
            for char in "zqx":
                record("filter keystroke (no match)", app.press(char))
            app.send("escape", quiet=0.1)  # clears the filter
            app.send("escape", quiet=0.1)  # nothing to go back to: may repaint nothing
        for _ in range(40):  # scroll the whole list end to end, then read peak memory
            app.send("pagedown", quiet=0.01)
        app.send("end")
        app.send("home")
        times["peak RSS"] = [app.peak_rss_mb() / 1000]
    return times


def _under(limit: float) -> Callable[[Stats | None, Stats], bool]:
    """The check: the large median at most ``limit`` ms and at most 1.2× the small one."""
    return lambda s, big: s is not None and big.median <= limit and big.median <= 1.2 * s.median


def measure_tui(report: Report, paths: dict[str, Path], runs: int) -> None:
    small = _drive(paths["small"], runs)
    large = _drive(paths["large"], runs)
    for name in ("open Today", "open Marketing", "open Sales"):
        report.add(
            name, ms(small[name]), ms(large[name]), target="large ≤ 1.2× small",
            check=lambda s, big: s is not None and big.median <= 1.2 * s.median,
        )  # fmt: skip
    for name, limit in (("Down", 8), ("PageDown", 17), ("End", 17)):
        report.add(
            f"{name} on the prospects list", ms(small[name]), ms(large[name]),
            target=f"median ≤ {limit} ms; large ≤ 1.2× small",
            check=_under(limit),
        )  # fmt: skip
    report.add(
        "filter keystroke (matching)", ms(small["filter keystroke (match)"]),
        ms(large["filter keystroke (match)"]), target="median ≤ 33 ms at 100k",
        check=lambda _s, big: big.median <= 33,
    )  # fmt: skip
    report.add(
        "filter keystroke (no match)", ms(small["filter keystroke (no match)"]),
        ms(large["filter keystroke (no match)"]), target="median ≤ 17 ms at 100k",
        check=lambda _s, big: big.median <= 17,
    )  # fmt: skip
    worst_large = max(v for k, vs in large.items() if k != "peak RSS" for v in vs)
    worst_small = max(v for k, vs in small.items() if k != "peak RSS" for v in vs)
    report.add(
        "slowest action (event-loop stall)", [worst_small * 1000], [worst_large * 1000],
        target="no action at 100k blocks input > 100 ms",
        check=lambda _s, big: big.median <= 100,
    )  # fmt: skip
    report.add(
        "peak RSS, list scrolled end to end", [small["peak RSS"][0] * 1000],
        [large["peak RSS"][0] * 1000], unit="MiB", target="large ≤ 1.1× small",
        check=lambda s, big: s is not None and big.median <= 1.1 * s.median,
    )  # fmt: skip


def measure_review(report: Report, paths: dict[str, Path], runs: int) -> None:
    """Filled in with the weekly review (issue 4)."""
    from dualrole.bench.review_bench import measure

    measure(report, paths, runs, monday=dt.date(2026, 11, 16))


def measure_import(report: Report, data: Path, runs: int) -> None:
    """Filled in with contact import (issue 5)."""
    from dualrole.bench.import_bench import measure

    measure(report, data, runs)


def measure_insights(report: Report, paths: dict[str, Path], runs: int) -> None:
    """Insights across weeks (issue 15): computation vs hand-written SQL, and the screen."""
    from dualrole.bench.insights_bench import measure

    measure(report, paths, runs)
