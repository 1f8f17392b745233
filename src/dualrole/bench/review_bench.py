"""The weekly review in the benchmark: build and export vs a hand-written SQL aggregate.

For the small and the large workspace, in the same run and interleaved (so machine noise
hits all alike), this times:

- ``build_review(store, monday)`` with its 8-week trend (what the screen and the CLI do);
- the same figures for the same nine weeks written directly as plain SQL on a bare
  ``sqlite3`` connection (:func:`hand_written`): one aggregate per table and week, no models,
  no grading — the floor any implementation has to pay;
- the export of the built review to each format (``render([review], fmt)``).

Issue 6's target: at 1M interactions the review takes at most 2× the hand-written SQL.
"""

from __future__ import annotations

import datetime as dt
import functools
import sqlite3
import statistics
from pathlib import Path
from typing import Any

from dualrole.bench.figures import Report, time_ms
from dualrole.core.dates import clock
from dualrole.storage.db import open_store

WEEKS = 9  # the reviewed week and the 8 before it
FORMATS = ("md", "html", "json", "csv")

# Plain SQL, one statement per table and week: :start/:end the week's start and end (UTC
# moments), :day/:next its Monday and the next one (local ISO days).
HAND_WRITTEN = (
    "SELECT count(*) FROM research_notes WHERE created_at >= :start AND created_at < :end "
    "AND deleted_at IS NULL",
    "SELECT count(*), sum(reach), sum(engagement), sum(clicks), sum(spend_minor) "
    "FROM promotion_results WHERE day >= :day AND day < :next",
    "SELECT count(*), sum(done_at < :end) FROM marketing_tasks WHERE due_date >= :day "
    "AND due_date < :next AND deleted_at IS NULL",
    "SELECT count(*) FROM marketing_tasks WHERE done_at >= :start AND done_at < :end "
    "AND deleted_at IS NULL",
    "SELECT count(*), count(promotion_id), sum(stage = 'won') FROM prospects "
    "WHERE created_at >= :start AND created_at < :end AND deleted_at IS NULL",
    "SELECT count(*) FROM interactions WHERE occurred_at >= :start AND occurred_at < :end "
    "AND deleted_at IS NULL",
    "SELECT count(*), sum(done_at < :end) FROM followups WHERE due_date >= :day "
    "AND due_date < :next AND deleted_at IS NULL",
    "SELECT count(*) FROM followups WHERE done_at >= :start AND done_at < :end "
    "AND deleted_at IS NULL",
    "SELECT count(*), sum(to_stage = 'lost') FROM stage_changes "
    "WHERE changed_at >= :start AND changed_at < :end",
    "SELECT count(*), sum(value_minor) FROM prospects WHERE deleted_at IS NULL AND id IN "
    "(SELECT prospect_id FROM stage_changes WHERE changed_at >= :start AND changed_at < :end "
    "AND to_stage = 'won')",
    "SELECT count(*) FROM followups WHERE done_at IS NULL AND due_date < :next "
    "AND deleted_at IS NULL",
    "SELECT count(*) FROM followups WHERE done_at > :end AND due_date < :next "
    "AND deleted_at IS NULL",
)
PIPELINE = (
    "SELECT count(*), sum(value_minor) FROM prospects WHERE deleted_at IS NULL "
    "AND stage IN ('lead', 'contacted', 'qualified', 'proposal', 'negotiation')"
)


def week_bounds(monday: dt.date) -> list[dict[str, str]]:
    """(start, end, first day, next Monday) of the reviewed week and the 8 before it."""
    bounds = []
    for i in range(WEEKS):
        first = monday - dt.timedelta(weeks=WEEKS - 1 - i)
        after = first + dt.timedelta(weeks=1)
        start = clock.to_db(clock.local_day_start(first))
        end = clock.to_db(clock.local_day_start(after))
        bounds.append({"start": start, "end": end, "day": first.isoformat(),
                       "next": after.isoformat()})  # fmt: skip
    return bounds


def hand_written(conn: sqlite3.Connection, monday: dt.date) -> list[tuple[Any, ...]]:
    """The review's figures for nine weeks as plain SQL rows (the baseline to beat)."""
    rows: list[tuple[Any, ...]] = []
    for bounds in week_bounds(monday):
        for sql in HAND_WRITTEN:
            rows.append(tuple(conn.execute(sql, bounds).fetchone()))
    rows.append(tuple(conn.execute(PIPELINE).fetchone()))
    return rows


def _measure_one(path: Path, runs: int, monday: dt.date) -> dict[str, list[float]]:
    """Milliseconds per run: review, hand-written SQL and export, on one workspace."""
    from dualrole.render import render
    from dualrole.review import build_review

    times: dict[str, list[float]] = {"review": [], "sql": [], "export": []}
    times.update({f"export {fmt}": [] for fmt in FORMATS})
    with open_store(path, create=False) as store:
        raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            build_review(store, monday)  # warm both connections' page caches alike
            hand_written(raw, monday)
            for _ in range(runs):
                times["sql"].append(time_ms(lambda: hand_written(raw, monday)))
                times["review"].append(time_ms(lambda: build_review(store, monday)))
            review = build_review(store, monday)
            for _ in range(runs):
                total = 0.0
                for fmt in FORMATS:
                    took = time_ms(functools.partial(render, [review], fmt))
                    times[f"export {fmt}"].append(took)
                    total += took
                times["export"].append(total)
        finally:
            raw.close()
    return times


def measure(report: Report, paths: dict[str, Path], runs: int, monday: dt.date) -> None:
    """Add the review figures (small and large workspace, same run) to ``report``."""
    small = _measure_one(paths["small"], runs, monday)
    large = _measure_one(paths["large"], runs, monday)
    sql_small, sql_large = statistics.median(small["sql"]), statistics.median(large["sql"])
    print(f"  hand-written SQL aggregate: {sql_small:.1f} ms small, {sql_large:.1f} ms large",
          flush=True)  # fmt: skip
    report.add(
        f"weekly review, 9 weeks (vs hand-written SQL {sql_large:.1f} ms)",
        small["review"], large["review"], target="≤ 2× hand-written SQL aggregate",
        check=lambda _s, big: big.median <= 2 * sql_large,
    )  # fmt: skip
    per_format = ", ".join(f"{fmt} {statistics.median(large[f'export {fmt}']):.1f}"
                           for fmt in FORMATS)  # fmt: skip
    report.add(
        f"review export, all four formats ({per_format} ms)",
        small["export"], large["export"], target="≤ 100 ms; large ≤ 1.5× small",
        check=lambda s, big: big.median <= 100 and (s is None or big.median <= 1.5 * s.median),
    )  # fmt: skip
