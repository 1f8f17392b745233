"""The sales pipeline in figures: deals and value per stage, and from when an open deal
counts as idle (where a deal sits on the board: :mod:`dualrole.services.deals`).

Small on purpose: Today's first frame needs the totals and the idle cut-off, not the list
queries of :mod:`dualrole.services.lists` (~4 ms of the start to import).
"""

from __future__ import annotations

import datetime as dt

from dualrole.core.dates import clock
from dualrole.core.enums import Stage
from dualrole.services.settings import get_setting
from dualrole.storage.db import Store


def idle_cutoff(store: Store) -> str:
    """The stored moment before which an open deal's last contact makes it idle."""
    days = int(get_setting(store, "idle_days"))
    return clock.to_db(clock.now() - dt.timedelta(days=days))


def pipeline(store: Store) -> list[tuple[Stage, int, int]]:
    """Per stage: deal count and total value in minor units.

    Read from ``stage_totals``, which triggers keep (m008): the same at 100 prospects or 100,000.
    """
    sql = "SELECT stage, prospects, value_minor FROM stage_totals"
    rows = store.memo(("pipeline",), lambda: store.query(sql))
    found = {row[0]: (row[1], row[2]) for row in rows}
    return [(stage, *found.get(stage.value, (0, 0))) for stage in Stage]
