"""The person's app config (theme, keys, locale, default workspace): see :mod:`.file`."""

from dualrole.config.file import (
    AppConfig,
    ConfigError,
    UserTheme,
    config_path,
    load_config,
    save_theme,
)
from dualrole.config.keymaps import PRESETS

__all__ = [
    "PRESETS",
    "AppConfig",
    "ConfigError",
    "UserTheme",
    "config_path",
    "load_config",
    "save_theme",
]
