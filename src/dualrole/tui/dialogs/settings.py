"""``,`` (and the palette's "Settings"): the workspace's settings as a form.

Every setting of :data:`dualrole.services.settings.SETTINGS`, typed as ``dualrole settings
set`` takes it; ``ctrl+s`` checks them all and saves them together (a bad value is one
sentence beside its field, and nothing is saved), then says what a change of currency meant
for the amounts already stored. The screen underneath refreshes when it shows again.
"""

from __future__ import annotations

from typing import Any

from dualrole.core.dates.when import WEEKDAY_NAMES, use_date_style
from dualrole.services.settings import (
    DATE_STYLES,
    SETTINGS,
    change_settings,
    get_setting,
    list_settings,
)
from dualrole.storage.db import StorageError, Store
from dualrole.tui.dialogs.forms import Field, FormScreen
from dualrole.tui.host import app_store

CHOICES: dict[str, list[tuple[str, str]]] = {
    "week_start": [(day.capitalize(), day) for day in WEEKDAY_NAMES],
    "date_style": [
        ("Tue 1 Dec 2026", "day-month"),
        ("Tue Dec 1, 2026", "month-day"),
        ("Tue 2026-12-01", "iso"),
    ],
}
assert {value for _, value in CHOICES["date_style"]} == set(DATE_STYLES)


class SettingsScreen(FormScreen[list[str]]):
    """The workspace's settings; dismisses with the notes of what was saved."""

    def __init__(self, store: Store) -> None:
        rows = list_settings(store)
        fields: list[Field] = []
        for row in rows:
            label = row.label
            if row.key in CHOICES:
                fields.append(
                    Field(row.key, label, "select", CHOICES[row.key], row.text, allow_blank=False)
                )
            else:
                fields.append(Field(row.key, label, value=row.text))
        self.initial = {row.key: row.text for row in rows}
        super().__init__(
            "Workspace settings",
            fields,
            None,
            self._save,
            intro="They travel with the workspace (dualrole settings lists what each means); "
            "a new currency converts nothing. Theme and keys: dualrole config path.",
        )
        self.store = store

    def _save(self, values: dict[str, Any]) -> list[str]:
        changes = {
            key: str(value)
            for key, value in values.items()
            if key in SETTINGS and str(value) != self.initial.get(key)
        }
        notes = change_settings(self.store, changes) if changes else []
        use_date_style(str(get_setting(self.store, "date_style")))
        return notes


def open_settings(app: Any) -> None:
    """Push the settings form over the current screen; say what was saved."""
    try:
        screen = SettingsScreen(app_store(app))
    except StorageError as exc:
        app.notify(str(exc), severity="error", markup=False)
        return

    def saved(notes: list[str] | None) -> None:
        if notes is None:
            return
        app.notify(" ".join(notes) or "Settings saved.", title="Settings", markup=False)
        app.screen.refresh()

    app.push_screen(screen, saved)
