"""Money as people read it: one formatter for the app, the review, the exports and the CLI.

Amounts are stored as integer hundredths of the currency's main unit (cents; for the yen,
hundredths of a yen the form never asks for), whatever the currency, so changing the
workspace's currency never rescales a stored figure. Every figure shown anywhere goes
through :func:`format_money` (exact: ``€350.50``, ``€150``, cents only when there are any)
or, in a tight column, :func:`format_money_short` (``€2.4k`` from a thousand up, exact
below), so the same amount never reads two ways. Both are laid out by Babel for the chosen
locale (:func:`use_locale`, the person's config; ``en_US`` until then): where the sign goes,
which separators, how many decimals the currency has (``¥8,400``: the yen has none,
``babel.numbers.get_currency_precision``). Fractions (an average, a cost per lead) are
rounded half away from zero with :func:`round_minor` — never truncated, never rounded to
even: €450.50 ÷ 4 is €112.63, 2,863.6 cents is €28.64.

An amount that SQL writes into a line of text (a record's detail) is never formatted by SQL:
:func:`money_sql` marks it, and :func:`show_amounts` turns each mark into :func:`format_money`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

DEFAULT_LOCALE = "en_US"
_locale = DEFAULT_LOCALE


class Layout(NamedTuple):
    """How ``locale`` writes an amount of ``currency``, read from Babel (CLDR) once.

    Kept as plain values so the app can keep them between runs (:func:`remember_layouts`):
    reading Babel's locale data costs ~45 ms of CPU, most of it importing ``babel.dates``,
    and the first frame shows an amount.
    """

    prefix: str  # before the digits, positive (the sign, with its spacing)
    prefix_negative: str
    suffix: str  # after the digits
    suffix_negative: str
    decimal: str  # the decimal symbol
    group: str  # the grouping symbol
    primary: int  # digits in the first group from the right
    secondary: int  # digits in each group after it
    digits: int  # the currency's decimals (EUR 2, JPY 0)
    symbol: str  # the currency's sign alone, for a heading


_layouts: dict[tuple[str, str], Layout] = {}
_known_locales: set[str] = {DEFAULT_LOCALE}
"""Canonical locale names already checked with Babel (no need to ask it again)."""


def use_locale(name: str) -> str:
    """Lay amounts out as ``name`` (``en_GB``, ``de-DE``…) does from now on; returns its
    canonical form. A name Babel does not know raises ValueError with one sentence."""
    global _locale
    _locale = check_locale(name)
    return _locale


def current_locale() -> str:
    """The locale amounts are laid out for (see :func:`use_locale`)."""
    return _locale


def check_locale(name: str) -> str:
    """``name``'s canonical form (``de-DE`` → ``de_DE``), or ValueError with one sentence."""
    if name in _known_locales:
        return name
    from babel import Locale, UnknownLocaleError

    try:
        canonical = str(Locale.parse(name.strip().replace("-", "_")))
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise ValueError(
            f"{name!r} is not a locale we know; use a language and country such as en_US or de_DE."
        ) from exc
    _known_locales.add(canonical)
    return canonical


def remembered_layouts() -> dict[str, list[Any]]:
    """Every layout read so far, as JSON-ready values (``locale currency`` → fields)."""
    return {f"{locale} {currency}": list(layout) for (locale, currency), layout in _layouts.items()}


def remember_layouts(saved: Mapping[str, Any]) -> None:
    """Take layouts :func:`remembered_layouts` gave in an earlier run (the same Babel);
    anything not of their shape is left out (Babel is asked again)."""
    for key, fields in saved.items():
        locale, _, currency = str(key).partition(" ")
        try:
            layout = Layout(*fields)
        except TypeError:
            continue
        if [type(v) for v in layout] == [type(v) for v in _SHAPE] and currency:
            _layouts[(locale, currency)] = layout
            _known_locales.add(locale)


def remembered_locales() -> list[str]:
    """The locales checked with Babel so far (kept with the layouts: a command that shows
    no amount still checks the configured locale)."""
    return sorted(_known_locales)


def remember_locales(names: Any) -> None:
    """Take locales :func:`remembered_locales` gave in an earlier run (the same Babel)."""
    if isinstance(names, list):
        _known_locales.update(name for name in names if isinstance(name, str) and name)


_SHAPE = Layout("", "", "", "", ".", ",", 3, 3, 2, "")


def _layout(currency: str, locale: str) -> Layout:
    """``locale``'s way with ``currency`` (Babel's currency pattern and symbols).

    A symbol of letters (``CHF``) is kept apart from the digits by a no-break space, as
    CLDR's currency spacing says (Babel leaves that rule out: ``CHF2,400``).
    """
    known = _layouts.get((locale, currency))
    if known is not None:
        return known
    from babel import Locale
    from babel.numbers import (
        get_currency_precision,
        get_currency_symbol,
        get_decimal_symbol,
        get_group_symbol,
    )

    pattern = Locale.parse(locale).currency_formats["standard"]
    symbol = str(get_currency_symbol(currency, locale))

    def fill(affix: str, before: bool) -> str:
        if "¤" not in affix:
            return affix
        edge = symbol[-1] if before else symbol[0]
        spaced = symbol
        if edge.isalpha() and (affix.endswith("¤") if before else affix.startswith("¤")):
            spaced = f"{symbol}\xa0" if before else f"\xa0{symbol}"
        return affix.replace("¤", spaced)

    layout = Layout(
        fill(pattern.prefix[0], True),
        fill(pattern.prefix[1], True),
        fill(pattern.suffix[0], False),
        fill(pattern.suffix[1], False),
        str(get_decimal_symbol(locale)),
        str(get_group_symbol(locale)),
        int(pattern.grouping[0]),
        int(pattern.grouping[1]),
        int(get_currency_precision(currency)),
        symbol,
    )
    _layouts[(locale, currency)] = layout
    return layout


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


def _code(currency: str | None) -> str:
    return (currency or "EUR").upper()


def currency_sign(currency: str) -> str:
    """What stands for ``currency`` in a heading (``€/lead``): its sign, else its code."""
    return _layout(_code(currency), _locale).symbol


def currency_digits(currency: str) -> int:
    """How many decimals ``currency`` is written with (EUR 2, JPY 0, BHD 3)."""
    return _layout(_code(currency), _locale).digits


def _group(digits: str, layout: Layout) -> str:
    """``1234567`` → ``1,234,567`` (Indian grouping: ``12,34,567``), as Babel groups."""
    size, grouped = layout.primary, ""
    while len(digits) > size:
        grouped = layout.group + digits[-size:] + grouped
        digits = digits[:-size]
        size = layout.secondary
    return digits + grouped


def _compose(value: Decimal, decimals: int, currency: str, tail: str = "") -> str:
    """``value`` (already rounded) with ``decimals`` decimals, ``tail`` after the digits
    (``k``), and the currency's sign where the locale puts it."""
    layout = _layout(_code(currency), _locale)
    whole, _, fraction = f"{abs(value):.{decimals}f}".partition(".")
    number = _group(whole, layout) + (layout.decimal + fraction if decimals else "")
    if value < 0:
        return f"{layout.prefix_negative}{number}{tail}{layout.suffix_negative}"
    return f"{layout.prefix}{number}{tail}{layout.suffix}"


def _major(minor: int | float | Decimal, currency: str) -> tuple[Decimal, int]:
    """The amount in main units, rounded half up to the currency's decimals, and those."""
    places = currency_digits(currency)
    exact = Decimal(round_minor(minor)) / 100
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), places


def format_money(
    minor: int | float | None, currency: str = "EUR", *, cents: bool | None = None
) -> str:
    """``84050`` → ``€840.50``, ``840000`` → ``€8,400``; ``—`` for None.

    Cents are shown when there are any (or always with ``cents=True``; never for a
    currency without them, ``¥8,400``); a fraction of a cent is rounded half up first.
    """
    if minor is None:
        return "—"
    value, places = _major(minor, currency)
    show_cents = value != value.to_integral_value() if cents is None else cents
    if not show_cents and places:
        value = value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return _compose(value, places if show_cents else 0, currency)


def format_money_short(minor: int | float | None, currency: str = "EUR") -> str:
    """For tight columns: ``€2.4k``, ``€1.3M`` from 1,000 up (one decimal, half up), exact below."""
    if minor is None:
        return "—"
    value, _places = _major(minor, currency)
    major = abs(value)
    for limit, suffix in ((Decimal(1_000_000), "M"), (Decimal(1_000), "k")):
        if major >= limit:
            short = (major / limit).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            if short >= 1000:  # €999,960 is 1000.0k: one million, shown as such
                short, suffix = Decimal(1), "M"
            signed = -short if value < 0 else short
            decimals = 0 if short == short.to_integral_value() else 1
            return _compose(signed, decimals, currency, suffix)
    return format_money(round_minor(minor), currency)


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
