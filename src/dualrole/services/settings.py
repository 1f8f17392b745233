"""Workspace settings: small JSON values in the ``settings`` table, with defaults."""

from __future__ import annotations

import json
from typing import Any

from dualrole.db import Store

DEFAULTS: dict[str, Any] = {
    "idle_days": 14,  # an open deal with no interaction for this long is idle
    "currency": "EUR",
    "business_name": "",
    "target_split_marketing": 40,  # percent of focus time meant for marketing
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
