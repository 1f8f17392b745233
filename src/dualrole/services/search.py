"""Turning what a person types into a safe FTS5 query.

Every word becomes a quoted prefix term (``"acm"*``), so quotes, ``NEAR(``, ``AND`` or a lone
``-`` are searched for as text, never parsed as query syntax.

Prospects are indexed by trigrams (m009), so a search finds text inside words ("ret" finds
Greta): :func:`trigram_query` quotes each word of three characters or more; shorter words
cannot use a trigram index (the prospect search falls back to names that start with them).
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


def trigram_query(text: str) -> str | None:
    """A MATCH expression for a trigram index: every word of 3+ characters, as a substring."""
    words = [word for word in _WORD.findall(text or "") if len(word) >= 3]
    if not words:
        return None
    return " ".join('"' + word.replace('"', '""') + '"' for word in words[:12])
