"""``?``: the keys of the screen underneath, grouped by what they do.

:func:`screen_keys` reads the ``BINDINGS`` of the focused widget, its ancestors, the screen
and the app — every key the screen has, including those its current tab hides — and keeps
dualrole's own (a binding with an ``id``); Textual's internals (focus, copy…) are left out,
and one action bound to two keys (``q`` and Textual's ``ctrl+q``) is one line.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

GROUPS = {
    "go": "Anywhere",
    "app": "Anywhere",
    "focus": "Anywhere",
    "prospect": "The selected prospect",
    "list": "Moving in a list",
    "board": "Moving on the board",
}
"""A binding's group by the first part of its id; the rest are the screen's own keys."""


def _bindings(node: Any, app: Any = None) -> list[Binding]:
    """``node``'s bindings, on the keys the person's keymap gives them (``app``'s)."""
    from dualrole.tui.configured import keymap_keys

    found: list[Binding] = []
    for cls in type(node).__mro__:
        for binding in Binding.make_bindings(cls.__dict__.get("BINDINGS", [])):
            found.extend(keymap_keys(app, binding) if app is not None else [binding])
    return found


def _chain(app: Any, screen: Any) -> list[Any]:
    """The focused widget, its ancestors, the screen and the app: whose keys work here."""
    nodes: list[Any] = []
    focused = screen.focused
    while focused is not None and focused is not screen:
        nodes.append(focused)
        focused = focused.parent
    return [*nodes, screen, app]


def screen_actions(app: Any, screen: Any) -> list[tuple[str, Any, Binding]]:
    """(group, node, binding) of every named action of ``screen``, once each (the palette)."""
    title = getattr(screen, "TITLE_TEXT", "") or "This screen"
    seen: set[str] = set()
    found: list[tuple[str, Any, Binding]] = []
    for node in _chain(app, screen):
        for binding in _bindings(node, app):
            if not binding.id or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            found.append((GROUPS.get(binding.id.split(".")[0], title), node, binding))
    return found


def screen_keys(app: Any, screen: Any) -> list[tuple[str, list[tuple[str, str]]]]:
    """(group, [(keys, description)]) for ``screen``: its keys, the selection's, moving, global."""
    title = getattr(screen, "TITLE_TEXT", "") or "This screen"
    nodes = _chain(app, screen)
    by_action: dict[str, tuple[str, list[str], str]] = {}
    unnamed: dict[str, list[str]] = {}
    for node in nodes:
        for binding in _bindings(node, app):
            shown = app.get_key_display(binding)
            if not binding.id or not binding.description:
                unnamed.setdefault(binding.action, []).append(shown)
                continue
            group = GROUPS.get(binding.id.split(".")[0], title)
            text = binding.description + (f" — {binding.tooltip}" if binding.tooltip else "")
            if binding.action in by_action:
                keys = by_action[binding.action][1]
                if shown not in keys:
                    keys.append(shown)
            else:
                by_action[binding.action] = (group, [shown], text)
    grouped: dict[str, list[tuple[str, str]]] = {}
    for action, (group, keys, text) in by_action.items():
        keys.extend(k for k in unnamed.get(action, []) if k not in keys)  # ctrl+q beside q
        grouped.setdefault(group, []).append((" ".join(keys), text))
    if app.ENABLE_COMMAND_PALETTE:
        grouped.setdefault("Anywhere", []).append(
            ("^p", "Command palette — every action of this screen and every record, by name")
        )
    order = [title, "The selected prospect", "Moving on the board", "Moving in a list"]
    return [(g, grouped[g]) for g in [*order, "Anywhere", *grouped] if g in grouped][: len(grouped)]


class HelpScreen(ModalScreen[None]):
    """Keys in groups; any of escape, ? or q closes it."""

    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close", id="help.close")]

    def __init__(self, title: str, groups: list[tuple[str, list[tuple[str, str]]]]) -> None:
        super().__init__()
        self.title_text = title
        self.groups = groups
        self.keys = [pair for _group, pairs in groups for pair in pairs]

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for index, (group, pairs) in enumerate(self.groups):
            if index:
                table.add_row("", "")
            table.add_row(Text(group, style="bold underline"), "")
            for key, description in pairs:
                table.add_row(Text(key), Text(description))
        with Vertical(id="help-box"):
            yield Static(Text(f"Keys — {self.title_text}", style="bold"), id="help-title")
            with VerticalScroll(id="help-keys"):
                yield Static(table)
            yield Static(Text("escape closes", style="dim"))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
