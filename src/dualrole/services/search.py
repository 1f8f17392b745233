"""Turning what a person types into a safe FTS5 query.

Every word becomes a quoted prefix term (``"acm"*``), so quotes, ``NEAR(``, ``AND`` or a lone
``-`` are searched for as text, never parsed as query syntax.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str | None:
    """An FTS5 MATCH expression for ``text``; None when it holds no searchable word."""
    words = _WORD.findall(text or "")
    if not words:
        return None
    return " ".join(f'"{word}"*' for word in words[:12])
