"""dualrole's theme: one recognisable colour per role, used everywhere.

``$marketing`` (violet) and ``$sales`` (orange) are theme variables, so every ``.tcss`` file
can colour a border or a title by role; :meth:`DualroleApp.get_theme_variable_defaults`
supplies them for Textual's built-in themes too, so switching theme never breaks the CSS.
"""

from __future__ import annotations

from textual.theme import Theme

MARKETING = "#bb9af7"
SALES = "#ff9e64"

ROLE_VARIABLES = {
    "marketing": MARKETING,
    "sales": SALES,
    "marketing-muted": "#6b5a94",
    "sales-muted": "#9a6040",
}

DUALROLE_THEME = Theme(
    name="dualrole",
    primary="#7aa2f7",
    secondary="#7dcfff",
    accent="#e0af68",
    foreground="#c0caf5",
    background="#1a1b26",
    surface="#222436",
    panel="#2a2e44",
    success="#9ece6a",
    warning="#e0af68",
    error="#f7768e",
    dark=True,
    variables={
        **ROLE_VARIABLES,
        "footer-key-foreground": "#e0af68",
        "block-cursor-background": "#3d59a1",
        "block-cursor-foreground": "#ffffff",
    },
)

OKABE_ITO_ROLES = {
    "marketing": "#56b4e9",  # sky blue
    "sales": "#e69f00",  # orange
    "marketing-muted": "#2f6a8c",
    "sales-muted": "#8a5f00",
}
"""Okabe and Ito's colour-blind-safe pair: blue and orange stay apart for every common kind
of colour blindness (violet and orange do not for all)."""

OKABE_ITO_THEME = Theme(
    name="dualrole-okabe-ito",
    primary=DUALROLE_THEME.primary,
    secondary=DUALROLE_THEME.secondary,
    accent="#f0e442",  # Okabe-Ito yellow
    foreground=DUALROLE_THEME.foreground,
    background=DUALROLE_THEME.background,
    surface=DUALROLE_THEME.surface,
    panel=DUALROLE_THEME.panel,
    success="#009e73",  # bluish green
    warning="#f0e442",
    error="#d55e00",  # vermillion
    dark=True,
    variables={**DUALROLE_THEME.variables, **OKABE_ITO_ROLES},
)
"""dualrole's theme with the colour-blind-safe role pair (``theme = "dualrole-okabe-ito"``)."""

BUILT_IN = (DUALROLE_THEME, OKABE_ITO_THEME)
"""dualrole's own themes, listed in the palette's theme picker."""
