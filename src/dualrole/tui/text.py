"""Showing what a person typed exactly as typed: never markup, never terminal control.

Every string from the database reaches the screen through :func:`visible` (control characters
become visible placeholders such as ``␛``; the command line uses the same function, from
:mod:`dualrole.core.printable`) and :func:`plain` (a ``rich.text.Text``, which is
never parsed for ``[markup]``). Widgets that take strings get ``markup=False`` or a ``Text``.
"""

from __future__ import annotations

from rich.text import Text

from dualrole.core.printable import visible

__all__ = ["plain", "visible"]


def plain(value: object, style: str = "", *, multiline: bool = False) -> Text:
    """A ``Text`` of ``value`` made visible; safe to hand to any widget."""
    return Text(visible(value, multiline=multiline), style=style)
