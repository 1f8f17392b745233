"""The one writer of the weekly review's own rows: ``targets`` and ``reflections``.

What a target may be (its metric, its unit, its range) is the review's to check
(:mod:`dualrole.review.targets`); these store a checked value. The schema's ``value`` is
NOT NULL, so a metric shown but not graded is stored as :data:`NO_TARGET`.
"""

from __future__ import annotations

from dualrole.core.dates import clock
from dualrole.core.dates.reading import parse_week
from dualrole.core.models import ReflectionIn
from dualrole.storage.db import Store

NO_TARGET = -1.0


def store_target(store: Store, metric: str, value: float | None) -> None:
    """Keep ``metric``'s checked target (``None``: shown but not graded)."""
    with store.transaction():
        store.execute(
            "INSERT INTO targets(metric, value) VALUES (?, ?) "
            "ON CONFLICT(metric) DO UPDATE SET value = excluded.value",
            (metric, NO_TARGET if value is None else value),
        )


def clear_targets(store: Store) -> None:
    """Every metric back to its default."""
    with store.transaction():
        store.execute("DELETE FROM targets")


def store_reflection(store: Store, week: str, data: ReflectionIn) -> None:
    """The week's three texts, replacing what was there."""
    parse_week(week)  # refuses anything that is not an ISO week
    with store.transaction():
        store.execute(
            "INSERT INTO reflections(week, went_well, to_improve, focus_next, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(week) DO UPDATE SET "
            "went_well = excluded.went_well, to_improve = excluded.to_improve, "
            "focus_next = excluded.focus_next, updated_at = excluded.updated_at",
            (
                week,
                data.went_well,
                data.to_improve,
                data.focus_next,
                clock.to_db(clock.now()),
            ),
        )
