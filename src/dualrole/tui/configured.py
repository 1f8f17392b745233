"""The person's config applied to the app: themes, the keymap, the locale, and the theme
picked in the palette written back (see :mod:`dualrole.config`).

Nothing in the config stops the app: each problem is one notification naming the file and
the line, and the default is used. A key a keymap gives to a binding that already has it on
the same screen (Textual drops the other binding then, silently) is said once the areas are
built, and that entry of the keymap is dropped so both keep their default keys.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.color import Color, ColorParseError
from textual.theme import Theme

from dualrole.config import AppConfig, ConfigError, UserTheme, save_theme
from dualrole.config.keymaps import key_list
from dualrole.core.dates.when import use_date_style
from dualrole.core.money import use_locale
from dualrole.services.settings import get_setting
from dualrole.storage.db import StorageError
from dualrole.tui.theme import BUILT_IN, DUALROLE_THEME

if TYPE_CHECKING:
    from textual.app import App


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


def _class_bindings(cls: type) -> list[Binding]:
    found: list[Binding] = []
    for klass in cls.__mro__:
        found.extend(Binding.make_bindings(klass.__dict__.get("BINDINGS", [])))
    return found


def binding_classes(*, import_all: bool = False) -> set[type]:
    """The classes of ``dualrole.tui`` with keys: those imported so far, or every one."""
    import importlib
    import pkgutil
    import sys

    import dualrole.tui

    if import_all:
        for info in pkgutil.walk_packages(dualrole.tui.__path__, "dualrole.tui."):
            importlib.import_module(info.name)
    classes: set[type] = set()
    for name, module in list(sys.modules.items()):
        if name.startswith("dualrole.tui") and module is not None:
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and value.__module__ == name
                    and "BINDINGS" in dir(value)
                ):
                    classes.add(value)
    return classes


def unknown_ids(keymap: dict[str, str]) -> list[str]:
    """The ids of ``keymap`` no binding has (every module is read only when one is missing
    from those imported so far: the start imports what it needs)."""
    for import_all in (False, True):
        known = {
            b.id for cls in binding_classes(import_all=import_all) for b in _class_bindings(cls)
        }
        missing = [binding_id for binding_id in keymap if binding_id not in known]
        if not missing:
            return []
    return missing


def keymap_clashes(
    keymap: dict[str, str], *, import_all: bool = False
) -> list[tuple[str, str, str]]:
    """(key, keymap entry, binding) for each key ``keymap`` gives a binding that a binding of
    the same screen or widget keeps by default: Textual then drops that binding silently.

    Every class of ``dualrole.tui`` imported so far is checked (the app's areas are, once
    built; ``import_all``: every one), the app's own keys included.
    """
    classes = binding_classes(import_all=import_all)
    found: dict[str, tuple[str, str, str]] = {}
    for cls in classes:
        bindings = _class_bindings(cls)
        for binding in bindings:
            if not binding.id or binding.id in keymap:
                continue  # moved by the keymap itself: no longer on its default keys
            defaults = key_list(binding.key)
            for taker, keys in keymap.items():
                if taker == binding.id or not any(b.id == taker for b in bindings):
                    continue
                for key in key_list(keys):
                    if key in defaults and taker not in found:
                        found[taker] = (key, taker, binding.id)
    return list(found.values())


def drop_clashes(app: App[Any], config: AppConfig) -> None:
    """Say each key of the keymap that a binding of the same screen had (one sentence naming
    the file and line), and undo that entry: both bindings keep their default keys."""
    keymap = dict(config.bindings())
    unknown = unknown_ids(keymap)
    for binding_id in unknown:
        keymap.pop(binding_id)
        config.keys.pop(binding_id, None)
        where = config.sources.get(f"keys.{binding_id}") or f"the {config.keymap} keymap"
        app.notify(
            f"{where}: {unknown_id_sentence(binding_id)}",
            title="Config",
            severity="warning",
            timeout=15,
            markup=False,
        )
    clashes = keymap_clashes(keymap)
    for key, taker, other in clashes:
        keymap.pop(taker, None)
        config.keys.pop(taker, None)
        config.unset.add(taker)
        where = config.sources.get(f"keys.{taker}") or f"the {config.keymap} keymap"
        app.notify(
            f"{where}: {key!r} is bound twice ({taker} and {other}); both keep their default keys.",
            title="Config",
            severity="warning",
            timeout=15,
            markup=False,
        )
    if unknown or clashes:
        app.set_keymap(keymap)


def unknown_id_sentence(binding_id: str) -> str:
    return (
        f"no key has the id {binding_id!r} (the manual's “Settings and config” page lists "
        "them); it is ignored."
    )


def remember_theme(app: App[Any], config: AppConfig, theme: Theme) -> None:
    """The theme picked in the app, written to the config file (it survives a restart)."""
    if config.path is None or theme.name == config.theme:
        return
    try:
        save_theme(config, theme.name)
    except ConfigError as exc:
        app.notify(str(exc), title="Theme", severity="warning", markup=False)
