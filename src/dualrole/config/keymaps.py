"""Keymaps: which keys run which action, by the binding's id (``go.sales``, ``list.down``).

Every binding of the app has an id (``tui/`` checks it); a person's ``[keys]`` table maps an
id to its keys (``"go.sales" = "S"``, several with commas: ``"list.down" = "down,j,ctrl+n"``)
and Textual's ``App.set_keymap`` applies it. A preset is a keymap shipped with dualrole:
``vim`` adds ``G`` for a list's last row and ``ctrl+d``/``ctrl+u`` (``ctrl+f``/``ctrl+b``)
for a page, in lists and on the board; ``j``/``k`` already move in every list. It leaves out
what would take a key a screen already uses: ``g`` is the review's targets, ``l`` logs an
interaction, ``h`` would be alone without ``l``.
"""

from __future__ import annotations

PRESETS: dict[str, dict[str, str]] = {
    "default": {},
    "vim": {
        "list.last": "end,G",
        "list.page_down": "pagedown,ctrl+d,ctrl+f",
        "list.page_up": "pageup,ctrl+u,ctrl+b",
        "board.last": "end,G",
        "board.page_down": "pagedown,ctrl+d,ctrl+f",
        "board.page_up": "pageup,ctrl+u,ctrl+b",
    },
}
"""Keymaps by name (``keymap = "vim"`` in the config file)."""

GLOBAL_GROUPS = ("go", "app", "focus")
"""Binding groups (an id's first part) whose keys work on every screen."""


def key_list(keys: str) -> list[str]:
    """``"j, down"`` → ``["j", "down"]``: the keys of one keymap entry."""
    return [key.strip() for key in keys.split(",") if key.strip()]


def may_clash(first_id: str, second_id: str) -> bool:
    """Whether two bindings can be live at once: of one group (one screen or widget), or
    either global (the app's keys work everywhere)."""
    a, b = first_id.split(".")[0], second_id.split(".")[0]
    return a == b or a in GLOBAL_GROUPS or b in GLOBAL_GROUPS


def twice_bound(keymap: dict[str, str]) -> list[tuple[str, str, str]]:
    """(key, first id, second id) for each key ``keymap`` gives to two bindings that can be
    live at once (the config file's mistake; each keeps its default keys then)."""
    owner: dict[str, list[str]] = {}
    found: list[tuple[str, str, str]] = []
    for binding_id, keys in keymap.items():
        for key in key_list(keys):
            for other in owner.get(key, []):
                if may_clash(other, binding_id):
                    found.append((key, other, binding_id))
            owner.setdefault(key, []).append(binding_id)
    return found
