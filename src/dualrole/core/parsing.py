"""Turning what people type into values: money, email addresses, text.

Money is integer minor units (cents). Text a person types ("1,000.50", "€80") is an amount in
major units; an ``int`` handed over by code is already minor units. The app's forms and the
command line read them with the same functions. Every failure raises ``ValueError`` with a
sentence that says what is expected. Dates are read in :mod:`dualrole.core.dates.reading`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

MONEY_MAX_MINOR = 10**13

_EMAIL = re.compile(r"^[^@\s<>(),;:\"]+@[^@\s<>(),;:\"]+\.[^@\s<>(),;:\".]{2,}$")
_CURRENCY_SIGNS = "€$£¥"


def clean_text(value: Any) -> Any:
    """Refuse the one character SQLite and terminals both mangle; keep everything else."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("contains a NUL character (\\x00); remove it")
    return value


def parse_email(value: Any) -> str | None:
    """An email address as stored: trimmed and composed (NFC), so ``é`` typed as one code
    point and as ``e`` + a combining accent is one address."""
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value).strip())
    if not text:
        return None
    if len(text) > 254 or not _EMAIL.match(text):
        raise ValueError("is not an email address; expected something like name@example.com")
    return text


def email_key(email: str) -> str:
    """What two emails are compared by: composed (NFC) and case-folded, so neither the
    Unicode spelling nor the case of a letter makes two addresses of one."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", email.strip()).casefold())


def email_spellings(email: str) -> tuple[str, str]:
    """``email`` composed (NFC, as stored now) and decomposed (NFD, as an older dualrole may
    have stored it), for lookups by SQL: ``email COLLATE NOCASE IN (?, ?)``."""
    text = email.strip()
    return unicodedata.normalize("NFC", text), unicodedata.normalize("NFD", text)


def parse_money(value: Any) -> int | None:
    """Return minor units. See the module docstring for the int/text rule."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("must be an amount such as 1,000.50")
    if isinstance(value, int):
        amount_minor = value
    else:
        if isinstance(value, float):
            if not math.isfinite(value):
                raise ValueError("must be a finite amount such as 1,000.50")
            text = repr(value)
        else:
            text = str(value).strip()
        if not text:
            return None
        amount_minor = _money_text_to_minor(text)
    if amount_minor < 0:
        raise ValueError("cannot be negative")
    if amount_minor >= MONEY_MAX_MINOR:
        raise ValueError("is larger than any amount we can keep (under 100,000,000,000)")
    return amount_minor


def _money_text_to_minor(text: str) -> int:
    original = text
    text = text.replace("\u00a0", " ").strip()
    text = text.lstrip(_CURRENCY_SIGNS).strip()
    text = re.sub(r"^(EUR|USD|GBP|CHF|INR)\s*", "", text, flags=re.IGNORECASE)
    negative = text.startswith("-")
    text = text.lstrip("-").strip()
    if re.fullmatch(r"\d+(\.\d+)?\s*[kKmM]", text):
        raise ValueError(f"{original!r}: write the full amount, e.g. 5000 rather than 5k")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d{1,2})?", text) or re.fullmatch(r"\d+,\d{1,2}", text):
        raise ValueError(
            f"{original!r}: use a dot for decimals and commas between thousands, e.g. 1,000.50"
        )
    if "," in text:
        if not re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", text):
            raise ValueError(f"{original!r} is not an amount; expected e.g. 1,000.50")
        text = text.replace(",", "")
    if not re.fullmatch(r"\d+(\.\d+)?", text):
        raise ValueError(f"{original!r} is not an amount; expected e.g. 1,000.50")
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regex above guards this
        raise ValueError(f"{original!r} is not an amount; expected e.g. 1,000.50") from exc
    minor = amount * 100
    if minor != minor.to_integral_value():
        raise ValueError(f"{original!r} has more than two decimals")
    return -int(minor) if negative else int(minor)
