"""What screens and the command palette need from the running app, as checkable protocols.

``Screen.app`` is typed as a bare ``App``; these protocols let a screen reach the app's
store and undo history (or the palette its ``run_in_mode``) with a real check instead of an
attribute guess, without importing :class:`~dualrole.tui.app.DualroleApp` (which imports
the screens).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from dualrole.services.undo import UndoHistory
from dualrole.storage.db import Store
from dualrole.tui.data_changes import DataChanges


@runtime_checkable
class HasStore(Protocol):
    """An app holding the open database (``DualroleApp``, or a test's bare host app)."""

    store: Store


@runtime_checkable
class HasUndo(Protocol):
    """An app holding the one undo history every screen's ``u`` uses (``DualroleApp``)."""

    undo_history: UndoHistory


@runtime_checkable
class RunsInMode(Protocol):
    """An app that can go to a mode and run an action on its screen (``DualroleApp``)."""

    def run_in_mode(self, mode: str, action: str | None) -> None: ...


@runtime_checkable
class FollowsData(Protocol):
    """An app publishing one signal when the workspace's data changes (``DualroleApp``)."""

    data_changes: DataChanges


def app_data_changes(app: object) -> DataChanges | None:
    """The data-changed signal's holder of ``app``; None for a test's bare host app (its
    screens then refresh each time they are shown, as before the signal)."""
    return app.data_changes if isinstance(app, FollowsData) else None


def app_store(app: object) -> Store:
    """The store of ``app``; a clear error if the app holds none (a programming mistake)."""
    if not isinstance(app, HasStore):
        raise TypeError(f"{type(app).__name__} holds no store")
    return app.store


def app_undo(app: object) -> UndoHistory:
    """The undo history of ``app``; a clear error if the app keeps none."""
    if not isinstance(app, HasUndo):
        raise TypeError(f"{type(app).__name__} keeps no undo history")
    return app.undo_history
