"""The prospect form's Company field suggests the existing companies as it is typed.

A Textual :class:`~textual.suggester.Suggester`: each key asks
:func:`dualrole.services.companies.names_starting` for the first company whose name starts
with what is typed (case aside; a range read of the name index, never the whole table), and
the Input shows the rest of its name dimmed; ``right`` accepts it with the company's own
spelling. A name that is no company's is kept as typed and makes a new company on save.
"""

from __future__ import annotations

from textual.suggester import Suggester

from dualrole.services.companies import names_starting
from dualrole.storage.db import StorageError, Store


class CompanySuggester(Suggester):
    """Suggests the first existing company whose name starts with the typed text."""

    def __init__(self, store: Store) -> None:
        # not cached: a company made or renamed meanwhile is suggested as it is now
        super().__init__(use_cache=False, case_sensitive=False)
        self.store = store

    async def get_suggestion(self, value: str) -> str | None:
        """``value`` comes case-folded; the suggestion keeps the company's own spelling."""
        if not value.strip():
            return None
        try:
            found = names_starting(self.store, value, limit=1)
        except StorageError:
            return None  # a suggestion is a help, never an error in the form
        if not found or not found[0][1].casefold().startswith(value):
            return None
        return found[0][1]
