"""Weekly targets (the ``targets`` table) and the week's reflection (``reflections``).

They are read and checked here and written by :mod:`dualrole.services.targets`. A target is
stored in its metric's unit (counts, money in minor units, rates in percent).
Metrics missing from the table use their default. To stop grading a metric, set its target
to ``None``: the schema's ``value`` is NOT NULL, so the row holds ``-1``, which reads back as
"no target" (a real target is never negative).
"""

from __future__ import annotations

import math

from dualrole.core.models import Reflection, ReflectionIn
from dualrole.core.parsing import parse_money
from dualrole.review.model import BY_KEY, CATALOGUE
from dualrole.services.targets import NO_TARGET, clear_targets, store_reflection, store_target
from dualrole.storage.db import Store


def get_targets(store: Store) -> dict[str, float | None]:
    """Every metric's target (defaults filled in); ``None`` means shown but not graded."""
    stored = {row[0]: float(row[1]) for row in store.query("SELECT metric, value FROM targets")}
    targets: dict[str, float | None] = {}
    for metric in CATALOGUE:
        value = stored.get(metric.key, metric.default_target)
        targets[metric.key] = None if value is None or value == NO_TARGET else value
    return targets


def parse_target(metric: str, text: str | float | int) -> float | None:
    """Check a target a person typed for ``metric``; money in major units (``50`` = €50).

    Returns the value in the metric's unit, or None for "none"/blank (no target).
    """
    definition = BY_KEY.get(metric)
    if definition is None:
        known = ", ".join(sorted(BY_KEY))
        raise ValueError(f"{metric!r} is not a metric with a target; known metrics: {known}")
    if isinstance(text, str):
        text = text.strip().rstrip("%").strip()
        if text.lower() in ("", "none", "-", "—"):
            return None
    if definition.unit == "money":
        try:
            minor = parse_money(text if isinstance(text, str) else float(text))
        except ValueError as exc:
            raise ValueError(f"target for {metric}: {exc}") from None
        return float(minor or 0)
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise ValueError(f"target for {metric} must be a number, not {text!r}") from None
    return check_target(metric, value)


def check_target(metric: str, value: float) -> float:
    """Refuse what no target can be: unknown metric, NaN/infinite, negative, over 100 %."""
    definition = BY_KEY.get(metric)
    if definition is None:
        known = ", ".join(sorted(BY_KEY))
        raise ValueError(f"{metric!r} is not a metric with a target; known metrics: {known}")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"target for {metric} must be a number, not {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"target for {metric} must be a finite number")
    if value < 0:
        raise ValueError(f"target for {metric} cannot be negative")
    if definition.unit == "percent" and value > 100:
        raise ValueError(f"target for {metric} is a percentage; use 0 to 100")
    if value > 1e13:
        raise ValueError(f"target for {metric} is too large")
    return float(value)


def set_target(store: Store, metric: str, value: float | str | None) -> float | None:
    """Store a target: a number in the metric's unit, a string as typed, or None (ungraded)."""
    if value is None:
        check_target(metric, 0.0)
        checked = None
    elif isinstance(value, str):
        checked = parse_target(metric, value)
    else:
        checked = check_target(metric, value)
    store_target(store, metric, checked)
    return checked


def reset_targets(store: Store) -> None:
    """Back to the defaults."""
    clear_targets(store)


def get_reflection(store: Store, week: str) -> Reflection | None:
    rows = store.query("SELECT * FROM reflections WHERE week = ?", (week,))
    return Reflection.model_validate(dict(rows[0])) if rows else None


def save_reflection(store: Store, week: str, data: ReflectionIn) -> Reflection:
    """Save the week's three texts (replacing what was there)."""
    store_reflection(store, week, data)
    result = get_reflection(store, week)
    assert result is not None
    return result
