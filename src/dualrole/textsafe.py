"""Text from the database made safe to show: control characters become visible placeholders.

A name holding an escape sequence, a bell or a bidirectional override must never reach a
terminal raw. The app (through ``dualrole.tui.text``) and the command line both show stored
text through :func:`visible`.
"""

from __future__ import annotations

_CONTROL = {code: chr(0x2400 + code) for code in range(32)}
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


def visible(value: object, *, multiline: bool = False) -> str:
    """``value`` as text with every control character replaced by a visible placeholder."""
    if value is None:
        return ""
    text = str(value)
    return text.translate(_MULTI_LINE if multiline else _SINGLE_LINE)
