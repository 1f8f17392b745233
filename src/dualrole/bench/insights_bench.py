"""Insights in the benchmark: the computation vs a hand-written SQL aggregate, and the screen.

For the small and the large workspace, in the same run and interleaved (so machine noise
hits all alike), this times:

- ``build_insights(store, period)`` for the last 13 weeks (what the screen and the CLI do);
- the same figures written directly as plain SQL on a bare ``sqlite3`` connection
  (:func:`hand_written`): leads, won, revenue and days to won per promotion and segment,
  spend per promotion, the funnel from the stage history (window functions), lost reasons
  per segment, the open pipeline per stage and the 13 weekly trend points — no models;
- pressing ``I`` in the real app on a pty until the screen is painted (the figures arrive
  from a worker afterwards, so the key never waits for them).

Issue 15's targets: at 1M interactions insights take at most 2× the hand-written SQL, and
the Insights screen opens within 1.2× of the small workspace.
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
from pathlib import Path
from typing import Any

from dualrole.bench.figures import Report, ms, time_ms
from dualrole.insights.model import Period
from dualrole.storage.db import open_store

_RANK = "CASE {} WHEN 'lead' THEN 0 WHEN 'contacted' THEN 1 WHEN 'qualified' THEN 2 " \
    "WHEN 'proposal' THEN 3 WHEN 'negotiation' THEN 4 WHEN 'won' THEN 5 ELSE {} END"  # fmt: skip
HAND_WRITTEN = (
    "SELECT p.promotion_id, coalesce(p.segment_id, m.segment_id), count(*), "
    "sum(p.stage = 'won'), sum(CASE WHEN p.stage = 'won' THEN p.value_minor END) "
    "FROM prospects p JOIN promotions m ON m.id = p.promotion_id "
    "WHERE p.deleted_at IS NULL AND p.created_at >= :start AND p.created_at < :end "
    "GROUP BY 1, 2",
    "SELECT p.promotion_id, julianday(max(c.changed_at)) - julianday(p.created_at) "
    "FROM prospects p JOIN stage_changes c ON c.prospect_id = p.id AND c.to_stage = 'won' "
    "WHERE p.deleted_at IS NULL AND p.promotion_id IS NOT NULL AND p.stage = 'won' "
    "AND p.created_at >= :start AND p.created_at < :end GROUP BY p.id",
    "SELECT promotion_id, sum(spend_minor) FROM promotion_results "
    "WHERE day >= :start_day AND day < :end_day GROUP BY promotion_id",
    f"""WITH moves AS (
        SELECT to_stage AS stage, changed_at AS at, lead(to_stage) OVER w AS next_stage,
            lead(changed_at) OVER w AS next_at
        FROM stage_changes WHERE changed_at >= :start
        WINDOW w AS (PARTITION BY prospect_id ORDER BY changed_at, id))
    SELECT stage, count(*),
        sum(({_RANK.format("next_stage", -1)}) > ({_RANK.format("stage", 99)})),
        sum(next_stage = 'lost'), sum(next_stage IS NULL),
        group_concat(julianday(next_at) - julianday(at))
    FROM moves WHERE at < :end AND stage != 'lost' GROUP BY stage""",
    "SELECT lower(trim(p.lost_reason)), coalesce(p.segment_id, m.segment_id), count(*), "
    "sum(p.value_minor) FROM prospects p LEFT JOIN promotions m ON m.id = p.promotion_id "
    "WHERE p.deleted_at IS NULL AND p.stage = 'lost' AND p.stage_changed_at >= :start "
    "AND p.stage_changed_at < :end GROUP BY 1, 2",
    "SELECT stage, count(*), sum(value_minor) FROM prospects WHERE deleted_at IS NULL "
    "AND stage NOT IN ('won', 'lost') GROUP BY stage",
)
WEEKLY = (
    "SELECT count(*), sum(stage = 'won'), sum(CASE WHEN stage = 'won' THEN value_minor END) "
    "FROM prospects WHERE deleted_at IS NULL AND promotion_id IS NOT NULL "
    "AND created_at >= :start AND created_at < :end",
    "SELECT sum(spend_minor) FROM promotion_results WHERE day >= :start_day AND day < :end_day",
)


def hand_written(conn: sqlite3.Connection, period: Period) -> list[list[tuple[Any, ...]]]:
    """The insights' figures for ``period`` as plain SQL rows (the baseline to beat)."""
    rows = [conn.execute(sql, period.params()).fetchall() for sql in HAND_WRITTEN]
    for week in period.weeks():
        rows += [conn.execute(sql, week.params()).fetchall() for sql in WEEKLY]
    return rows


def _measure_one(path: Path, runs: int) -> dict[str, list[float]]:
    from dualrole.insights import build_insights, default_period

    period = default_period()
    times: dict[str, list[float]] = {"insights": [], "sql": []}
    with open_store(path, create=False) as store:
        raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            build_insights(store, period)  # warm both connections' page caches alike
            hand_written(raw, period)
            for _ in range(runs):
                times["sql"].append(time_ms(lambda: hand_written(raw, period)))
                times["insights"].append(time_ms(lambda: build_insights(store, period)))
        finally:
            raw.close()
    return times


def _open_screen(path: Path, runs: int) -> list[float]:
    """Seconds from pressing ``I`` to the Insights screen painted, per run.

    The first opening builds the screen and computes (not counted, as for the other areas);
    each run then goes to Today and back, as the owner does between two looks.
    """
    from dualrole.bench.pty_session import PtySession, app_env

    argv = [sys.executable, "-m", "dualrole", "--db", str(path)]
    took: list[float] = []
    with PtySession(argv, env=app_env(path.parent)) as app:
        app.wait_for("Today")
        app.settle(1.0)
        app.press("I")  # the first opening builds the screen: not counted, as for the others
        app.wait_for("All promotions:", timeout=60)
        app.send("t", quiet=0.3)
        for _ in range(runs):
            took.append(app.press("I"))  # nothing changed since: the figures are kept
            app.settle(0.3)
            app.send("t", quiet=0.3)
    return took


def measure(report: Report, paths: dict[str, Path], runs: int, *, screen: bool = True) -> None:
    """Add the insights figures (small and large workspace, same run) to ``report``."""
    small = _measure_one(paths["small"], runs)
    large = _measure_one(paths["large"], runs)
    sql_large = statistics.median(large["sql"])
    print(f"  hand-written SQL of the insights: {statistics.median(small['sql']):.1f} ms small, "
          f"{sql_large:.1f} ms large", flush=True)  # fmt: skip
    report.add(
        f"insights, 13 weeks (vs hand-written SQL {sql_large:.0f} ms)",
        small["insights"], large["insights"], target="≤ 2× hand-written SQL aggregate",
        check=lambda _s, big: big.median <= 2 * sql_large,
    )  # fmt: skip
    if screen:
        opened_small, opened_large = (
            _open_screen(paths["small"], runs),
            _open_screen(paths["large"], runs),
        )
        report.add(
            "open Insights (figures from a worker)", ms(opened_small), ms(opened_large),
            target="large ≤ 1.2× small",
            check=lambda s, big: s is not None and big.median <= 1.2 * s.median,
        )  # fmt: skip
