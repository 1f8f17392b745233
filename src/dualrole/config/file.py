"""The person's app config: ``$XDG_CONFIG_HOME/dualrole/config.toml``, then ``DUALROLE_*``.

What belongs to the person rather than the workspace: the theme, the keys, the locale
amounts are written for, and the workspace opened when no ``--db`` is given::

    theme = "dualrole-okabe-ito"   # or one of Textual's, or a file in themes/
    locale = "en_GB"
    workspace = "~/work/dualrole.db"
    keymap = "vim"                 # a preset (config.keymaps.PRESETS)

    [keys]                         # binding id = its keys (commas: several)
    "go.sales" = "S"

Environment variables win over the file: ``DUALROLE_THEME``, ``DUALROLE_LOCALE``,
``DUALROLE_KEYMAP``, ``DUALROLE_DB`` (the workspace) and ``DUALROLE_CONFIG`` (another file).
A file that is not valid TOML, a key it does not know, a value of the wrong kind or a key
bound twice never stops the app or a command: each is one sentence naming the file and the
line (:attr:`AppConfig.problems`), and the default is used instead. Read with ``tomllib``;
the theme picked in the app is written back by :func:`save_theme` (one line changed,
through :func:`dualrole.storage.files.write_file`).
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dualrole.config.keymaps import PRESETS, key_list, twice_bound
from dualrole.core.money import DEFAULT_LOCALE, check_locale

DEFAULT_THEME = "dualrole"
KNOWN = ("theme", "locale", "workspace", "keymap", "keys")
"""The file's keys (``keys`` is a table)."""
ENV = {
    "theme": "DUALROLE_THEME",
    "locale": "DUALROLE_LOCALE",
    "keymap": "DUALROLE_KEYMAP",
    "workspace": "DUALROLE_DB",
}


class ConfigError(Exception):
    """The config file could not be written (one sentence)."""


def config_path(env: Mapping[str, str] | None = None) -> Path:
    """Where the config file is: ``DUALROLE_CONFIG``, else ``config.toml`` in dualrole's
    config folder (``DUALROLE_CONFIG_DIR``, else ``$XDG_CONFIG_HOME/dualrole``, else the
    system's user config folder as platformdirs says) — beside ``replica.json``."""
    env = os.environ if env is None else env
    if env.get("DUALROLE_CONFIG"):
        return Path(env["DUALROLE_CONFIG"]).expanduser()
    if env.get("DUALROLE_CONFIG_DIR"):
        return Path(env["DUALROLE_CONFIG_DIR"]).expanduser() / "config.toml"
    if env.get("XDG_CONFIG_HOME"):  # honoured on every system, as the XDG spec asks
        return Path(env["XDG_CONFIG_HOME"]).expanduser() / "dualrole" / "config.toml"
    from platformdirs import user_config_path

    return user_config_path("dualrole", appauthor=False) / "config.toml"


@dataclass
class UserTheme:
    """A theme file of the person's (``themes/NAME.toml`` beside the config file)."""

    name: str
    colours: dict[str, Any]
    variables: dict[str, str]
    path: Path


@dataclass
class AppConfig:
    """The effective config: each value, where it came from, and what was wrong."""

    path: Path | None = None
    """The file read (None: the defaults only, as tests and ``DualroleApp(store)`` use)."""
    theme: str = DEFAULT_THEME
    locale: str = DEFAULT_LOCALE
    workspace: Path | None = None
    keymap: str = "default"
    keys: dict[str, str] = field(default_factory=dict)
    """The file's own key overrides, by binding id (the preset's are in :meth:`bindings`)."""
    sources: dict[str, str] = field(default_factory=dict)
    """Where each value came from: ``default``, ``FILE line N`` or an environment variable."""
    problems: list[str] = field(default_factory=list)
    """One sentence for each thing in the file or environment that was ignored."""
    unset: set[str] = field(default_factory=set)
    """The preset's bindings a key of the file clashed with (they keep their default keys)."""
    user_themes: list[UserTheme] = field(default_factory=list)
    readable: bool = True
    """False when the file is not valid TOML: it is then never rewritten (the theme)."""

    def bindings(self) -> dict[str, str]:
        """The keymap the app applies: the preset's, then the person's own."""
        preset = PRESETS.get(self.keymap, {})
        return {**{k: v for k, v in preset.items() if k not in self.unset}, **self.keys}

    def source(self, key: str) -> str:
        return self.sources.get(key, "default")

    def line_of(self, key: str) -> str:
        """``FILE line N: `` for a value read from the file, else ``NAME: `` (its source)."""
        where = self.source(key)
        return f"{where}: " if where != "default" else ""


def _line(text: str, key: str, table: str | None = None) -> int | None:
    """The line (from 1) where ``key`` is set in ``table`` (None: the top), or the table's."""
    current: str | None = None
    bare = re.escape(key)
    quoted = re.escape(json.dumps(key))
    pattern = re.compile(rf"^\s*(?:{bare}|{quoted}|'{bare}')\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"^\s*\[\s*([^\]]+?)\s*\]", line)
        if header:
            current = header.group(1).strip("\"'")
            if table is None and current == key:
                return number
            continue
        if current == table and pattern.match(line):
            return number
    return None


def _flat(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"go": {"sales": "S"}}`` (``go.sales = "S"`` unquoted) → ``{"go.sales": "S"}``."""
    flat: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flat(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def load_config(env: Mapping[str, str] | None = None, path: Path | None = None) -> AppConfig:
    """The effective config from ``path`` (default :func:`config_path`) and ``env``; never
    raises for what the file holds (see the module)."""
    env = os.environ if env is None else env
    path = config_path(env) if path is None else path
    config = AppConfig(path=path)
    shown = str(path)
    data: dict[str, Any] = {}
    text = ""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        pass
    except (OSError, UnicodeDecodeError) as exc:
        config.readable = False
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
        config.problems.append(f"{shown} could not be read ({reason}); the defaults are used.")
    if text:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            config.readable = False
            message = str(exc)
            found = re.search(r"\(at line (\d+), column \d+\)", message)
            where = f"{shown} line {found.group(1)}" if found else shown
            reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", message) or "a mistake"
            config.problems.append(
                f"{where} is not valid TOML ({reason}); the whole file is ignored and the "
                "defaults are used."
            )
            data = {}

    def at(key: str, table: str | None = None) -> str:
        line = _line(text, key, table)
        return f"{shown} line {line}" if line else shown

    for key in data:
        if key not in KNOWN:
            config.problems.append(
                f"{at(key)}: {key!r} is not a setting of this file (it knows "
                f"{', '.join(KNOWN)}); it is ignored."
            )

    def text_value(key: str, example: str) -> str | None:
        if key not in data:
            return None
        value = data[key]
        if isinstance(value, str) and value.strip():
            config.sources[key] = at(key)
            return value.strip()
        config.problems.append(
            f"{at(key)}: {key} must be text such as {example}; the default is used."
        )
        return None

    for key, example in (
        ("theme", '"dualrole"'),
        ("locale", '"en_GB"'),
        ("workspace", '"~/dualrole.db"'),
        ("keymap", '"vim"'),
    ):
        value = text_value(key, example)
        if env.get(ENV[key]):
            value = env[ENV[key]].strip()
            config.sources[key] = ENV[key]
        if value is None:
            continue
        where = config.sources[key]
        if key == "theme":
            config.theme = value
        elif key == "workspace":
            config.workspace = Path(value).expanduser()
        elif key == "locale":
            try:
                config.locale = check_locale(value)
            except ValueError as exc:
                config.problems.append(f"{where}: {exc} {DEFAULT_LOCALE} is used.")
                config.sources.pop(key)
        elif key == "keymap":
            if value in PRESETS:
                config.keymap = value
            else:
                config.problems.append(
                    f"{where}: keymap must be one of {', '.join(PRESETS)}, not {value!r}; "
                    "the default keys are used."
                )
                config.sources.pop(key)
    _read_keys(config, data.get("keys"), text, at)
    _read_themes(config)
    return config


def _read_keys(config: AppConfig, table: Any, text: str, at: Any) -> None:
    if table is None:
        return
    if not isinstance(table, dict):
        config.problems.append(
            f'{at("keys")}: keys must be a table ([keys] with lines such as "go.sales" = "S"); '
            "the default keys are used."
        )
        return
    keys: dict[str, str] = {}
    for binding_id, value in _flat(table).items():
        if not isinstance(value, str) or not key_list(value):
            config.problems.append(
                f"{at(binding_id, 'keys')}: the keys for {binding_id} must be text such as "
                f'"ctrl+n" or "j,down"; its default keys are used.'
            )
            continue
        keys[binding_id] = ",".join(key_list(value))
    clashing: set[str] = set()
    for key, first, second in twice_bound({**PRESETS.get(config.keymap, {}), **keys}):
        config.problems.append(
            f"{at(second, 'keys')}: {key!r} is bound twice ({first} and {second}); "
            "both keep their default keys."
        )
        clashing.update({first, second})
    config.keys = {k: v for k, v in keys.items() if k not in clashing}
    for binding_id in config.keys:
        config.sources[f"keys.{binding_id}"] = at(binding_id, "keys")
    config.unset = clashing & set(PRESETS.get(config.keymap, {}))  # the preset's, reused


THEME_COLOURS = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
    "warning",
    "error",
    "success",
)
"""What a theme file may set besides ``name``, ``dark`` and its ``[variables]``."""


def themes_folder(config: AppConfig) -> Path | None:
    """Where the person's theme files are: ``themes/`` beside the config file."""
    return None if config.path is None else config.path.parent / "themes"


def _read_themes(config: AppConfig) -> None:
    folder = themes_folder(config)
    if folder is None or not folder.is_dir():
        return
    for path in sorted(folder.glob("*.toml")):
        try:
            text = path.read_text(encoding="utf-8")
            data = tomllib.loads(text)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            config.problems.append(f"{path} could not be read as a theme ({exc}); it is skipped.")
            continue
        unknown = [k for k in data if k not in ("name", "dark", "variables", *THEME_COLOURS)]
        if unknown:
            line = _line(text, unknown[0])
            config.problems.append(
                f"{path}{f' line {line}' if line else ''}: {unknown[0]!r} is not part of a "
                f"theme (name, dark, variables, {', '.join(THEME_COLOURS)}); it is ignored."
            )
        variables = data.get("variables", {})
        colours: dict[str, Any] = {
            k: v for k, v in data.items() if k in THEME_COLOURS and isinstance(v, str)
        }
        if "primary" not in colours:
            config.problems.append(f"{path}: a theme needs at least primary; it is skipped.")
            continue
        colours["dark"] = bool(data.get("dark", True))
        name = str(data.get("name") or path.stem)
        config.user_themes.append(
            UserTheme(
                name,
                colours,
                {str(k): str(v) for k, v in variables.items()}
                if isinstance(variables, dict)
                else {},
                path,
            )
        )


def save_theme(config: AppConfig, name: str) -> Path:
    """Write ``theme = "name"`` into the config file (the one line, or a new first line),
    keeping everything else as it was; :class:`ConfigError` when it cannot."""
    from dualrole.core.errors import DestinationError
    from dualrole.storage.files import write_file

    if config.path is None:
        raise ConfigError("No config file is in use; the theme is kept until you quit.")
    path = config.path
    if not config.readable:
        raise ConfigError(f"{path} has a mistake (see above); the theme was not saved in it.")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except OSError as exc:
        raise ConfigError(
            f"{path} could not be read ({exc.strerror}); the theme was not saved."
        ) from exc
    line = f"theme = {json.dumps(name)}"
    lines = text.splitlines()
    found = _line(text, "theme")
    if found is not None:
        lines[found - 1] = line
    else:
        lines.insert(0, line)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_file(path, "\n".join(lines) + "\n", force=True)
    except (OSError, DestinationError) as exc:
        raise ConfigError(f"The theme was not saved: {exc}") from exc
    config.theme = name
    config.sources["theme"] = f"{path} line {_line(chr(10).join(lines), 'theme')}"
    return path
