"""One data-changed signal: screens are told the workspace changed; none is told by hand.

The app holds one :class:`DataChanges`. Its version is the store's
(:meth:`~dualrole.storage.db.Store.version`: this connection's writes and SQLite's
``PRAGMA data_version`` for every other process's) and today's date (relative dates and
what is due move at midnight). It is checked after each write committed on the app's
connection and on a timer, so a write from ``dualrole`` in a shell or another process
shows without a key press; when it moved, :attr:`DataChanges.signal` (Textual's
``Signal``) is published.

Every area screen follows it (``AreaScreen`` in ``tui/areas/base.py``): a visible screen
refreshes itself at once, a hidden one when it is next shown, and only if the data moved
since it last read it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual.dom import DOMNode
from textual.signal import Signal

from dualrole.core.dates import clock
from dualrole.storage.db import StorageError, Store

DATA_CHECK_SECONDS = 1.0
"""How often the app looks for writes made elsewhere (one ``PRAGMA data_version``)."""

DataVersion = tuple[tuple[int, int], dt.date]
"""The store's version and today's date: equal means nothing a screen shows has moved."""


class DataChanges:
    """The workspace's version, and the signal published when it moves."""

    def __init__(self, owner: DOMNode, store: Store) -> None:
        self.store = store
        self.signal: Signal[DataVersion] = Signal(owner, "data-changed")
        self._last: DataVersion | None = None

    def version(self) -> DataVersion | None:
        """The version now (None when the file cannot be read: nothing is refreshed)."""
        try:
            return self.store.version(), clock.today()
        except StorageError:
            return self._last

    def check(self) -> None:
        """Publish the signal if anything was written (here or elsewhere) since last time."""
        version = self.version()
        if version is not None and version != self._last:
            self._last = version
            self.signal.publish(version)

    def start(self, owner: Any) -> None:
        """Check after each write on the app's connection and every few seconds."""
        self._last = self.version()
        self.store.commit_listeners.append(self.check)
        owner.set_interval(DATA_CHECK_SECONDS, self.check)

    def stop(self) -> None:
        if self.check in self.store.commit_listeners:
            self.store.commit_listeners.remove(self.check)
