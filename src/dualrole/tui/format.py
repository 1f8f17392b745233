"""Small formatting helpers for list cells: dates, money, "3d ago" — plain strings only.

The dates are shown by :mod:`dualrole.core.dates.showing` (one place for dates); they are
named here too so a screen formats every cell through ``fmt``.
"""

from __future__ import annotations

from dualrole.core.dates.showing import ago, day, due, due_style, when
from dualrole.core.money import format_money_short

__all__ = ["ago", "day", "due", "due_style", "money", "when"]


def money(minor: int | None, currency: str = "EUR") -> str:
    return "" if minor is None else format_money_short(minor, currency or "EUR")
