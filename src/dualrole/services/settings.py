"""Workspace settings: small JSON values in the ``settings`` table, with defaults."""

from __future__ import annotations

import json
from typing import Any

from dualrole.core.dates.when import WEEKDAY_NAMES
from dualrole.storage.db import Store

DEFAULTS: dict[str, Any] = {
    "idle_days": 14,  # an open deal with no interaction for this long is idle
    "currency": "EUR",
    "business_name": "",
    "target_split_marketing": 40,  # percent of focus time meant for marketing
    "business_days": ["mon", "tue", "wed", "thu", "fri"],  # where z snoozes to (Fri → Mon)
}


def get_setting(store: Store, key: str) -> Any:
    raw = store.scalar("SELECT value FROM settings WHERE key = ?", (key,))
    return json.loads(str(raw)) if raw is not None else DEFAULTS.get(key)


def workspace_currency(store: Store) -> str:
    """The workspace's currency: amounts stored without one (spend, budgets, totals) are in it."""
    return str(get_setting(store, "currency") or "EUR")


def set_setting(store: Store, key: str, value: Any) -> None:
    with store.transaction():
        store.execute(
            "INSERT INTO settings(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value)),
        )


def business_days(store: Store) -> frozenset[int]:
    """The weekdays (Monday 0) the business works, from ``business_days`` (``["mon", …]``);
    a value that names no weekday counts as the default, Monday to Friday."""
    value = get_setting(store, "business_days")
    names = value if isinstance(value, list) else []
    days = frozenset(
        WEEKDAY_NAMES.index(name[:3].lower())
        for name in names
        if isinstance(name, str) and name[:3].lower() in WEEKDAY_NAMES
    )
    return days or frozenset(range(5))
