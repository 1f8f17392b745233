"""Money as people read it: one formatter for the app, the review, the exports and the CLI.

Amounts are integer minor units (cents). Every figure shown anywhere goes through
:func:`format_money` (exact: ``€350.50``, ``€150``, cents only when there are any) or, in
a tight column, :func:`format_money_short` (``€2.4k`` from a thousand up, exact below), so
the same amount never reads two ways. Fractions (an average, a cost per lead) are rounded
half away from zero to the cent with :func:`round_minor` — never truncated, never rounded
to even: €450.50 ÷ 4 is €112.63, 2,863.6 cents is €28.64.

An amount that SQL writes into a line of text (a record's detail) is never formatted by SQL:
:func:`money_sql` marks it, and :func:`show_amounts` turns each mark into :func:`format_money`.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹"}
"""Currencies shown with a sign before the amount; any other code follows the amount."""


def round_minor(value: float | int | Decimal) -> int:
    """A fractional amount of minor units to the nearest unit, halves away from zero."""
    if isinstance(value, int):
        return value
    exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def per(total_minor: int, count: int) -> int | None:
    """``total ÷ count`` in minor units, rounded half up; None when ``count`` is 0."""
    if not count:
        return None
    return round_minor(Decimal(total_minor) / Decimal(count))


def currency_sign(currency: str) -> str:
    """What stands for ``currency`` in a heading (``€/lead``): its sign, else its code."""
    code = (currency or "EUR").upper()
    return SYMBOLS.get(code, code)


def _with_currency(sign: str, amount: str, currency: str) -> str:
    code = (currency or "EUR").upper()
    symbol = SYMBOLS.get(code)
    return f"{sign}{symbol}{amount}" if symbol else f"{sign}{amount} {code}"


def format_money(
    minor: int | float | None, currency: str = "EUR", *, cents: bool | None = None
) -> str:
    """``84050`` → ``€840.50``, ``840000`` → ``€8,400``; ``—`` for None.

    Cents are shown when there are any (or always with ``cents=True``); a fraction of a
    cent is rounded half up first.
    """
    if minor is None:
        return "—"
    value = round_minor(minor)
    whole, part = divmod(abs(value), 100)
    show_cents = part != 0 if cents is None else cents
    amount = f"{whole:,}" + (f".{part:02d}" if show_cents else "")
    return _with_currency("-" if value < 0 else "", amount, currency)


def format_money_short(minor: int | float | None, currency: str = "EUR") -> str:
    """For tight columns: ``€2.4k``, ``€1.3M`` from 1,000 up (one decimal, half up), exact below."""
    if minor is None:
        return "—"
    value = round_minor(minor)
    major = Decimal(abs(value)) / 100
    for limit, suffix in ((Decimal(1_000_000), "M"), (Decimal(1_000), "k")):
        if major >= limit:
            short = (major / limit).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            if short >= 1000:  # €999,960 is 1000.0k: one million, shown as such
                short, suffix = Decimal(1), "M"
            text = f"{short:f}".removesuffix(".0")
            return _with_currency("-" if value < 0 else "", text + suffix, currency)
    return format_money(value, currency)


def format_money_input(minor: int | None) -> str:
    """How an amount appears in a form field: ``8400.50``, ``8400``, or blank."""
    if minor is None:
        return ""
    sign = "-" if minor < 0 else ""
    whole, part = divmod(abs(minor), 100)
    return f"{sign}{whole}.{part:02d}" if part else f"{sign}{whole}"


_MARK = re.compile("\x1f(-?\\d+)\x1f([A-Za-z]*)\x1f")


def money_sql(amount: str, currency: str = "''") -> str:
    """An SQL text expression carrying ``amount`` (minor units) for :func:`show_amounts`.

    Both arguments are SQL expressions (a column, ``coalesce(…)``); the amount travels as
    ``\\x1f<minor>\\x1f<currency>\\x1f``. A NULL amount makes the whole text NULL, so pass
    ``coalesce(column, 0)`` where the amount can be missing.
    """
    return f"(char(31) || ({amount}) || char(31) || coalesce({currency}, '') || char(31))"


def show_amounts(text: str, currency: str = "EUR") -> str:
    """``text`` with every :func:`money_sql` mark shown by :func:`format_money`.

    A mark without its own currency is shown in ``currency`` (the workspace's).
    """
    return _MARK.sub(lambda m: format_money(int(m[1]), m[2] or currency or "EUR"), text)
