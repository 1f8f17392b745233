"""The sales pipeline in figures: prospects and value per stage, where a prospect sits on
the board, and from when an open deal counts as idle.

Small on purpose: Today's first frame needs the totals and the idle cut-off, not the list
queries of :mod:`dualrole.services.lists` (~4 ms of the start to import).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from dualrole.core.dates import clock
from dualrole.core.enums import Stage
from dualrole.services.settings import get_setting
from dualrole.storage.db import Store


def idle_cutoff(store: Store) -> str:
    """The stored moment before which an open deal's last contact makes it idle."""
    days = int(get_setting(store, "idle_days"))
    return clock.to_db(clock.now() - dt.timedelta(days=days))


def pipeline(store: Store) -> list[tuple[Stage, int, int]]:
    """Per stage: prospect count and total value in minor units.

    Read from ``stage_totals``, which triggers keep (m008): the same at 100 prospects or 100,000.
    """
    sql = "SELECT stage, prospects, value_minor FROM stage_totals"
    rows = store.memo(("pipeline",), lambda: store.query(sql))
    found = {row[0]: (row[1], row[2]) for row in rows}
    return [(stage, *found.get(stage.value, (0, 0))) for stage in Stage]


def board_position(store: Store, prospect_id: int) -> tuple[Stage, int] | None:
    """Where a prospect sits on the pipeline board: its stage and its index there by name.

    The board lists a stage in ``prospects_query``'s name order (``name COLLATE NOCASE, id``,
    the ``prospects_by_stage`` index); the index counts the live prospects before it.
    """
    rows = store.query(
        "SELECT stage, name FROM prospects WHERE id = ? AND deleted_at IS NULL", (prospect_id,)
    )
    if not rows:
        return None
    stage, name = rows[0]["stage"], rows[0]["name"]
    # On the board's own index (the planner preferred the value index: 150 ms at 100k, now 5-15)
    before = store.scalar(
        "SELECT count(*) FROM prospects INDEXED BY prospects_by_stage WHERE stage = ? "
        "AND deleted_at IS NULL AND (name COLLATE NOCASE, id) < (?, ?)",
        (stage, name, prospect_id),
    )
    return Stage(stage), int(before or 0)


def shared_names(store: Store, stage: Stage, names: list[str]) -> set[str]:
    """Of ``names`` (the cards in view), those two or more live prospects at ``stage`` share
    (case folded): the board adds their company so that the cards can be told apart."""
    wanted = sorted(set(names))
    if not wanted:
        return set()
    marks = ",".join("?" for _ in wanted)
    rows = store.query(  # on the board's (stage, name COLLATE NOCASE) index
        "SELECT name FROM prospects WHERE stage = ? AND deleted_at IS NULL "
        f"AND name COLLATE NOCASE IN ({marks})",
        (stage.value, *wanted),
    )
    seen = Counter(str(row[0]).casefold() for row in rows)
    return {name for name, count in seen.items() if count > 1}
