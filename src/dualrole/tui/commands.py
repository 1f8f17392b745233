"""The command palette (``ctrl+p``): every action as "side: Action", every record by name.

Actions are listed in :data:`ACTIONS` as (label, mode, action), from the areas' declarations —
the palette switches to the mode's screen and runs the action there, so adding a palette
entry is one line in its area's ``PaletteEntry`` list. Records come
from :func:`dualrole.services.lookup.find_records` (full-text, capped): prospects as ``/`` and
``dualrole find`` find them, scored on their folded names (accents and case aside).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from dualrole.core.enums import RecordKind
from dualrole.services.lookup import find_records
from dualrole.services.search import fold
from dualrole.storage.db import StorageError
from dualrole.tui.areas import AREAS
from dualrole.tui.dialogs.help import screen_actions
from dualrole.tui.host import RunsInMode, app_store
from dualrole.tui.navigation import OpenRecord
from dualrole.tui.text import visible

ACTIONS: list[tuple[str, str, str | None]] = [
    *((area.go_label, area.mode, None) for area in AREAS),
    *((entry.label, area.mode, entry.action) for area in AREAS for entry in area.palette),
]
"""(palette label, mode, action on that mode's screen or None to just go there): each
area's "go:" entry, then the entries each area declares (``tui/areas/<area>/__init__.py``)."""

KIND_LABEL = {
    RecordKind.prospect: "sales",
    RecordKind.promotion: "marketing",
    RecordKind.research_note: "marketing",
    RecordKind.company: "sales",
}


MOVING = {"Moving in a list", "Moving on the board"}


class DualroleCommands(Provider):
    """Actions and records for the command palette.

    First the actions of the screen the palette was opened on — every key it has, found by
    its words ("export", "targets", "log", "undo"…) and run there — then :data:`ACTIONS`
    (any area) and records by name.
    """

    def _here(self) -> list[tuple[str, Any]]:
        """("group: Description — tooltip", callback) for each action of the current screen."""
        entries: list[tuple[str, Any]] = []
        for group, node, binding in screen_actions(self.app, self.screen):
            if group in MOVING:
                continue
            label = f"{group.lower()}: {binding.description}"
            if binding.tooltip:
                label += f" — {binding.tooltip}"
            key = self.app.get_key_display(binding)
            entries.append((f"{label}  ({key})", partial(node.run_action, binding.action)))
        return entries

    def _run_in_mode(self, mode: str, action: str | None) -> None:
        """Go to ``mode`` and run ``action`` there (the app does it; see ``DualroleApp``)."""
        app = self.app
        if not isinstance(app, RunsInMode):
            raise TypeError(f"{type(app).__name__} cannot run palette actions")
        app.run_in_mode(mode, action)

    async def discover(self) -> Hits:
        for label, callback in self._here():
            yield DiscoveryHit(label, callback, text=label)
        for label, mode, action in ACTIONS:
            yield DiscoveryHit(label, partial(self._run_in_mode, mode, action), text=label)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, callback in self._here():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), callback, text=label)
        for label, mode, action in ACTIONS:
            score = matcher.match(label)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(label),
                    partial(self._run_in_mode, mode, action),
                    text=label,
                )
        try:
            records = find_records(app_store(self.app), query)
        except StorageError:
            return
        folded = self.matcher(fold(query))  # "renee" scores as high on Renée as "Renée" does
        for record in records:
            side = KIND_LABEL[record.kind]
            noun = record.kind.replace("_", " ")
            display = Text(f"{side}: {noun} · ")
            display.append(visible(record.label), style="bold")
            display.append(f"  {visible(record.detail)}", style="dim")
            yield Hit(
                0.5 + max(matcher.match(record.label), folded.match(fold(record.label))) / 2,
                display,
                partial(
                    self.app.post_message, OpenRecord(record.kind, record.record_id, in_area=True)
                ),
                text=f"{noun} {record.label}",
            )
