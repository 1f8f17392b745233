"""Showing a person's text exactly as typed, never as terminal control: one rule everywhere.

Every string from the database or from a file reaches a screen — the app's widgets and every
message of the command line — through :func:`visible`: control characters (C0, DEL, C1) become
visible placeholders such as ``␛`` and bidirectional overrides become ``�``, so a name cannot
set the terminal's title, clear the screen, ring the bell or reorder what is shown.
:func:`printable` is the same for files whose format forbids control characters (iCalendar).
"""

from __future__ import annotations

_CONTROL: dict[int, str | None] = {code: chr(0x2400 + code) for code in range(32)}
_CONTROL[0x7F] = "\u2421"  # ␡
_CONTROL.update({code: "\ufffd" for code in range(0x80, 0xA0)})  # C1 controls
# Bidirectional overrides can reorder what is shown; show them as a marker instead.
_CONTROL.update({code: "\ufffd" for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})
_SINGLE_LINE = dict(_CONTROL)
_SINGLE_LINE[ord("\n")] = " \u23ce "  # ⏎
_SINGLE_LINE[ord("\t")] = " "
_MULTI_LINE = dict(_CONTROL)
del _MULTI_LINE[ord("\n")]
_MULTI_LINE[ord("\t")] = "    "
_MULTI_LINE[ord("\r")] = None
_KEEP_LINES = dict(_CONTROL)
for _kept in "\n\t":
    del _KEEP_LINES[ord(_kept)]
_KEEP_LINES[ord("\r")] = None


def visible(value: object, *, multiline: bool = False) -> str:
    """``value`` as text with every control character replaced by a visible placeholder."""
    if value is None:
        return ""
    text = str(value)
    return text.translate(_MULTI_LINE if multiline else _SINGLE_LINE)


def printable(value: object) -> str:
    """Like ``visible(multiline=True)`` but tabs and line breaks (``\\r\\n`` → ``\\n``) kept."""
    if value is None:
        return ""
    return str(value).replace("\r\n", "\n").translate(_KEEP_LINES)
