"""Moved to :mod:`dualrole.tui.dialogs.forms` (kept so older imports still work)."""

from dualrole.tui.dialogs.forms import ConfirmScreen, Field, FormScreen, enum_options

__all__ = ["ConfirmScreen", "Field", "FormScreen", "enum_options"]
