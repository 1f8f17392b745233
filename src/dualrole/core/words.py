"""Counts in words: one helper, so no screen, message or export says "1 prospects".

:func:`counted` joins a count and its noun (``1 prospect``, ``1,204 prospects``); every
message and figure that puts a number before a noun goes through it.
"""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` with ``noun`` in the singular for exactly one, else in the plural.

    The plural is ``noun + "s"`` unless given (``counted(2, "entry", "entries")``); the count
    has thousands separators (``1,204 prospects``).
    """
    return f"{count:,} {noun if count == 1 else (plural or noun + 's')}"
