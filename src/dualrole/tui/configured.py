"""The person's config applied to the app: themes, the keymap, the locale, and the theme
picked in the palette written back (see :mod:`dualrole.config`).

Nothing in the config stops the app: each problem is one notification naming the file and
the line, and the default is used. A key a keymap gives to a binding that already has it on
the same screen (Textual drops the other binding then) is said once, and that entry of the
keymap is dropped so both keep their default keys.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.color import Color, ColorParseError
from textual.theme import Theme

from dualrole.config import AppConfig, ConfigError, UserTheme, save_theme
from dualrole.config.keymaps import key_list
from dualrole.core.money import use_locale
from dualrole.core.when import use_date_style
from dualrole.services.settings import get_setting
from dualrole.storage.db import StorageError
from dualrole.tui.theme import BUILT_IN, DUALROLE_THEME

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode


def user_theme(theme: UserTheme) -> Theme:
    """A Textual theme from a theme file; ValueError (one sentence) for a colour it lacks."""
    for key, value in theme.colours.items():
        if key == "dark":
            continue
        try:
            Color.parse(value)
        except ColorParseError:
            raise ValueError(
                f"{theme.path}: {key} = {value!r} is not a colour (#rrggbb, rgb(…), a name); "
                "the theme is skipped."
            ) from None
    return Theme(name=theme.name, variables=theme.variables, **theme.colours)


def configure(app: App[Any], config: AppConfig, store: Any) -> list[str]:
    """Apply ``config`` to ``app`` before it runs; the problems to show once it does."""
    problems = list(config.problems)
    for theme in BUILT_IN:
        app.register_theme(theme)  # listed in the palette's theme picker
    for theme_file in config.user_themes:
        try:
            app.register_theme(user_theme(theme_file))
        except ValueError as exc:
            problems.append(str(exc))
    if config.theme != DUALROLE_THEME.name:
        if config.theme in app.available_themes:
            app.theme = config.theme
        else:
            problems.append(
                f"{config.line_of('theme')}there is no theme named {config.theme!r} (the "
                "palette's “Change theme” lists them); dualrole's own is used."
            )
    bindings = config.bindings()
    if bindings:
        app.set_keymap(bindings)
    use_locale(config.locale)
    with contextlib.suppress(StorageError):  # an unreadable workspace says so elsewhere
        use_date_style(str(get_setting(store, "date_style")))
    return problems


def keymap_keys(app: App[Any], binding: Binding) -> list[Binding]:
    """``binding`` as the keymap has it: the same binding on each of its keys (the help
    screen and the palette list a binding's keys from the classes' ``BINDINGS``)."""
    keys = getattr(app, "_keymap", {}).get(binding.id or "")
    if not keys:
        return [binding]
    return [binding.with_key(key, key_display=None) for key in key_list(keys)]


class ClashReporter:
    """Says once which keymap entry took a key a binding of the same screen had, and drops
    that entry (both bindings keep their default keys); Textual calls it on each key."""

    def __init__(self, app: App[Any], config: AppConfig) -> None:
        self.app = app
        self.config = config
        self.said: set[str] = set()

    def __call__(self, clashed: set[Binding], node: DOMNode) -> None:
        keymap: dict[str, str] = dict(getattr(self.app, "_keymap", {}))
        for binding in clashed:
            # The entry of the keymap that took the clashed binding's key.
            taker = next(
                (
                    binding_id
                    for binding_id, keys in keymap.items()
                    if binding.key in key_list(keys) and binding_id != binding.id
                ),
                None,
            )
            if taker is None or taker in self.said:
                continue
            self.said.add(taker)
            keymap.pop(taker, None)
            where = self.config.sources.get(f"keys.{taker}") or f"the {self.config.keymap} keymap"
            other = binding.id or binding.action
            self.app.notify(
                f"{where}: {binding.key!r} is bound twice ({taker} and {other}); "
                "both keep their default keys.",
                title="Config",
                severity="warning",
                timeout=12,
                markup=False,
            )
            self.app.call_later(self.app.set_keymap, keymap)


def remember_theme(app: App[Any], config: AppConfig, theme: Theme) -> None:
    """The theme picked in the app, written to the config file (it survives a restart)."""
    if config.path is None or theme.name == config.theme:
        return
    try:
        save_theme(config, theme.name)
    except ConfigError as exc:
        app.notify(str(exc), title="Theme", severity="warning", markup=False)
