"""Workspace settings: small JSON values in the ``settings`` table, with defaults.

They travel with the data (the currency, the business's name, its week…), unlike the
person's app config (theme, keys, locale: :mod:`dualrole.config`). :data:`SETTINGS` says what
each one is and how a typed value reads; :func:`change_settings` checks every value first
and writes them together, so a bad value (one sentence: :class:`SettingError`) changes
nothing. ``dualrole settings``, ``dualrole settings set KEY VALUE`` and the app's settings
screen all go through here.

Changing the currency never converts a stored amount: a deal and a promotion (its spend and
budget) keep their own currency, and the amounts stored without one (targets) are read in
the new one, which :func:`change_settings` says in its note.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from dualrole.core.dates.when import WEEKDAY_NAMES
from dualrole.storage.db import Store

DEFAULTS: dict[str, Any] = {
    "idle_days": 14,  # an open deal with no interaction for this long is idle
    "currency": "EUR",
    "business_name": "",
    "target_split_marketing": 40,  # percent of focus time meant for marketing
    "business_days": ["mon", "tue", "wed", "thu", "fri"],  # where z snoozes to (Fri → Mon)
    "week_start": "mon",  # where Z's "next week" starts
    "keep_in_touch_days": 0,  # a new prospect's cadence (0: none)
    "date_style": "day-month",  # Tue 1 Dec 2026 / Tue Dec 1, 2026 / 2026-12-01
}

DATE_STYLES = ("day-month", "month-day", "iso")
"""How dates read (``date_style``): ``Tue 1 Dec 2026``, ``Tue Dec 1, 2026``, ``2026-12-01``."""


class SettingError(ValueError):
    """A value a setting cannot take; ``str()`` is ``key: problem`` (a form shows the
    problem beside its field), :meth:`sentence` the whole sentence for a command line."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem

    def sentence(self) -> str:
        return f"{self.key} {self.problem}"


def _whole(low: int, high: int, unit: str) -> Callable[[str], int]:
    def read(text: str) -> int:
        cleaned = text.strip().removesuffix("%").strip()
        try:
            number = int(cleaned)
        except ValueError:
            number = None
        if number is None or not low <= number <= high:
            raise ValueError(
                f"must be a whole number of {unit} from {low} to {high}, not {text!r}."
            )
        return number

    return read


def _currency(text: str) -> str:
    from babel.numbers import list_currencies

    code = text.strip().upper()
    if code not in list_currencies():
        raise ValueError(
            f"must be a three-letter ISO 4217 currency code such as EUR, USD or JPY, not {text!r}."
        )
    return code


def _business_name(text: str) -> str:
    name = " ".join(text.split())
    if len(name) > 80:
        raise ValueError("must be at most 80 characters.")
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in name):
        raise ValueError("cannot hold control characters.")
    return name


def _weekday(text: str) -> str:
    day = text.strip()[:3].lower()
    if day not in WEEKDAY_NAMES or not text.strip():
        raise ValueError(f"must be a weekday such as mon or sun, not {text!r}.")
    return day


def _weekdays(text: str) -> list[str]:
    """``mon-fri``, ``mon,tue,thu``, ``sun-thu``: the days in week order."""
    days: set[int] = set()
    for part in text.replace(" ", ",").split(","):
        if not part:
            continue
        first, dash, last = part.partition("-")
        try:
            start = WEEKDAY_NAMES.index(_weekday(first))
            end = WEEKDAY_NAMES.index(_weekday(last)) if dash else start
        except ValueError:
            days.clear()
            break
        span = (end - start) % 7
        days.update((start + step) % 7 for step in range(span + 1))
    if not days:
        raise ValueError(f"must be weekdays such as mon-fri or mon,tue,thu, not {text!r}.")
    return [WEEKDAY_NAMES[day] for day in sorted(days)]


def _split(text: str) -> int:
    """``40``, ``40%`` or ``40/60``: the marketing share of focus time, in percent."""
    first, slash, second = text.partition("/")
    share = _whole(0, 100, "percent")(first)
    if slash and _whole(0, 100, "percent")(second) != 100 - share:
        raise ValueError(f"must add up to 100 (marketing/sales, such as 40/60), not {text!r}.")
    return share


def _date_style(text: str) -> str:
    style = text.strip().lower()
    if style not in DATE_STYLES:
        raise ValueError(f"must be one of {', '.join(DATE_STYLES)}, not {text!r}.")
    return style


def _days_text(value: Any) -> str:
    names = [str(v) for v in value] if isinstance(value, list) else []
    return ",".join(names)


@dataclass(frozen=True)
class Setting:
    """One workspace setting: its key, what it means, how a typed value reads and shows."""

    key: str
    label: str
    help: str
    read: Callable[[str], Any]
    show: Callable[[Any], str] = str


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting(
            "currency",
            "Currency (ISO 4217)",
            "ISO 4217 code for new deals and for spend and budgets; nothing stored is converted",
            _currency,
        ),
        Setting("business_name", "Business name", "shown in the review's heading", _business_name),
        Setting("week_start", "Week starts (Z)", "where Z (snooze a week) lands", _weekday),
        Setting(
            "business_days",
            "Business days (z)",
            "the days z snoozes across (mon-fri: Friday → Monday)",
            _weekdays,
            _days_text,
        ),
        Setting(
            "idle_days",
            "Idle after (days)",
            "an open deal untouched this long is idle",
            _whole(1, 365, "days"),
        ),
        Setting(
            "keep_in_touch_days",
            "Keep in touch (days)",
            "days, for a new prospect (0: no cadence)",
            _whole(0, 365, "days"),
        ),
        Setting(
            "target_split_marketing",
            "Marketing/sales %",
            "percent of focus time meant for marketing (the rest is sales)",
            _split,
            lambda value: f"{value}/{100 - int(value)}",
        ),
        Setting("date_style", "Date style", " / ".join(DATE_STYLES), _date_style),
    )
}
"""Every setting a person may change, in the order they are listed."""


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


def week_start(store: Store) -> int:
    """The weekday (Monday 0) a week starts on, from ``week_start``; Monday when unset."""
    value = str(get_setting(store, "week_start") or "mon")[:3].lower()
    return WEEKDAY_NAMES.index(value) if value in WEEKDAY_NAMES else 0


@dataclass(frozen=True)
class SettingRow:
    """A setting as listed: its text as it would be typed, and whether it is the default."""

    key: str
    label: str
    help: str
    text: str
    is_default: bool


def list_settings(store: Store) -> list[SettingRow]:
    """Every setting of :data:`SETTINGS` with its current value."""
    stored = {
        str(key): json.loads(str(value))
        for key, value in store.query("SELECT key, value FROM settings")
    }
    rows: list[SettingRow] = []
    for key, setting in SETTINGS.items():
        value = stored.get(key, DEFAULTS[key])
        rows.append(
            SettingRow(key, setting.label, setting.help, setting.show(value), key not in stored)
        )
    return rows


def read_setting(key: str, text: str) -> Any:
    """What ``text`` means for ``key``, or :class:`SettingError` with one sentence."""
    setting = SETTINGS.get(key.strip().lower().replace("-", "_"))
    if setting is None:
        raise SettingError(key, f"is not a setting; the settings are {', '.join(SETTINGS)}.")
    try:
        return setting.read(str(text))
    except SettingError:
        raise
    except ValueError as exc:
        raise SettingError(setting.key, str(exc)) from exc


def change_settings(store: Store, changes: Mapping[str, str]) -> list[str]:
    """Set each ``key`` to what its typed text means, all or none; returns notes to show
    (what a change of currency means for amounts already stored)."""
    values = {}
    for key, text in changes.items():
        value = read_setting(key, text)
        values[key.strip().lower().replace("-", "_")] = value
    notes: list[str] = []
    with store.transaction():
        old_currency = workspace_currency(store)
        for key, value in values.items():
            set_setting(store, key, value)
        new_currency = values.get("currency", old_currency)
        if new_currency != old_currency:
            notes.append(currency_note(store, old_currency, new_currency))
    return notes


def currency_note(store: Store, old: str, new: str) -> str:
    """What changing the workspace's currency from ``old`` to ``new`` did to stored amounts."""
    kept = int(
        store.scalar(
            "SELECT count(*) FROM deals WHERE value_minor IS NOT NULL "
            "AND deleted_at IS NULL AND currency != ?",
            (new,),
        )
        or 0
    )
    spent = int(
        store.scalar(
            "SELECT count(*) FROM promotions p WHERE p.currency != ? AND p.deleted_at IS NULL "
            "AND (coalesce(p.budget_minor, 0) != 0 OR EXISTS "
            "(SELECT 1 FROM promotion_results r WHERE r.promotion_id = p.id "
            "AND coalesce(r.spend_minor, 0) != 0))",
            (new,),
        )
        or 0
    )
    parts = [f"Currency is now {new}; nothing was converted"]
    if kept:
        parts.append(f"{kept} deal{'s' if kept != 1 else ''} keep their own currency")
    if spent:
        parts.append(
            f"{spent} promotion{'s' if spent != 1 else ''} keep their spend and budget in "
            "their own currency (new promotions are in "
            f"{new})"
        )
    return "; ".join(parts) + "."


_LIVE_VALUED = "value_minor IS NOT NULL AND deleted_at IS NULL"  # deals_by_currency's


def other_currencies(store: Store) -> list[str]:
    """The currencies, other than the workspace's, that live deals with a value are in: a
    total that adds them up says so (nothing is converted). One index seek per currency."""
    mine = workspace_currency(store)
    found: list[str] = []
    last = ""
    while True:
        code = store.scalar(
            f"SELECT min(currency) FROM deals WHERE {_LIVE_VALUED} AND currency > ?", (last,)
        )
        if code is None:
            return found
        last = str(code)
        if last != mine:
            found.append(last)


def spend_currency_note(store: Store) -> str:
    """One sentence when the spend logged for promotions is in other currencies than the
    workspace's (a total adds it up unconverted); empty otherwise."""
    mine = workspace_currency(store)
    others = [
        str(row[0])
        for row in store.query(
            "SELECT DISTINCT currency FROM promotions p WHERE p.deleted_at IS NULL "
            "AND p.currency != ? AND EXISTS (SELECT 1 FROM promotion_results r "
            "WHERE r.promotion_id = p.id AND coalesce(r.spend_minor, 0) != 0) ORDER BY 1",
            (mine,),
        )
    ]
    if not others:
        return ""
    return (
        f"Spend adds promotions' amounts in other currencies ({', '.join(others)}) as if in "
        f"{mine}; nothing is converted."
    )


def mixed_currency_note(store: Store, *, counts: bool = True) -> str:
    """One sentence when deal totals add amounts in other currencies; empty otherwise.
    ``counts``: how many deals in each (reads each of those deals' index entries)."""
    others = other_currencies(store)
    if not others:
        return ""
    mine = workspace_currency(store)
    if counts:
        listed = ", ".join(
            f"""{
                store.scalar(
                    f"SELECT count(*) FROM deals WHERE {_LIVE_VALUED} AND currency = ?", (code,)
                )
            } in {code}"""
            for code in others
        )
    else:
        listed = ", ".join(others)
    return (
        f"Deal totals add amounts in other currencies ({listed}) as if in {mine}; "
        "nothing is converted."
    )
