"""The one place that uses Textual's private API, checked against the version it was written for.

Everything else in ``dualrole.tui`` (and the tests) uses Textual's public API only. What is
here has no public equivalent in Textual 8.2:

* :func:`build_mode_screen` — ``App._init_mode``: build a mode's screen without showing it
  (the areas are built in the background while the owner reads Today).
* :func:`mark_styles_current` — ``Screen._css_update_count`` / ``App._css_update_count``:
  tell Textual a newly built screen's styles are current, which saves a full re-style of
  every screen when an area is first built and first shown (~15–50 ms each).
* :func:`draw_hidden` — ``Screen._refresh_layout``, ``Screen._compositor`` and
  ``Screen._update_timer``: lay out and draw a built screen that is not shown, so that its
  first showing repaints from Textual's caches (~45 ms less on its first key).
* :class:`ShutdownAwareApp` — wraps ``App._shutdown`` so the app can finish work in flight
  (a screen still mounting) before Textual prunes the screens. ``pilot.run_test`` calls
  ``_shutdown`` directly, so no public hook (``action_quit``, ``exit``) covers every quit.

On a Textual upgrade, re-check (then move :data:`TESTED_WITH`):

1. ``App._init_mode(mode)`` still exists, builds ``MODES[mode]`` into the mode's stack and
   returns an awaitable ``AwaitMount`` (tests/tui/test_prepare_areas.py).
2. ``Screen._css_update_count`` / ``App._css_update_count`` still decide whether a screen is
   re-styled when shown (test_no_full_restyle_to_start_or_open_an_area).
3. ``App._shutdown()`` is still the one coroutine every exit path (``exit``, ``run_test``'s
   end, a crash) goes through before screens are closed
   (test_quitting_at_every_stage_of_the_build_is_clean).
4. ``Screen._refresh_layout(size)`` still lays out a screen that is not current without
   painting it, ``Screen._compositor.render_update(full=True)`` still draws every widget,
   and ``Screen._update_timer`` is still the timer whose first tick waits a whole period
   (test_a_built_area_is_drawn_before_it_is_first_shown).
"""

from __future__ import annotations

import asyncio
import functools
import warnings
from typing import Any

from textual.app import App
from textual.screen import Screen

TESTED_WITH = "8.2"
"""The Textual minor version this module was checked against."""


@functools.cache
def check_textual_version() -> str:
    """Textual's version; warns (once) unless it is the one this module was checked with.

    Asked when the first area is built in the background, not at import: reading a
    package's version loads ``importlib.metadata`` (~20 ms), which the first frame skips.
    """
    from importlib.metadata import version

    found = version("textual")
    if not found.startswith(TESTED_WITH + "."):
        warnings.warn(
            f"dualrole.tui.textual_compat was checked with Textual {TESTED_WITH}.x, not "
            f"{found}: re-check what its docstring lists.",
            RuntimeWarning,
            stacklevel=2,
        )
    return found


def build_mode_screen(app: App[Any], mode: str) -> Any:
    """Build ``mode``'s screen without switching to it; returns an awaitable (its mount)."""
    check_textual_version()
    return app._init_mode(mode)


def draw_hidden(screen: Screen[Any]) -> None:
    """Lay out and draw ``screen`` while another one is shown; nothing reaches the terminal.

    A screen's first showing otherwise lays out and draws every widget from cold caches
    (~30 ms), and its repaint timer, started then, waits one whole period (1/60 s) before
    its first tick. Here the widgets get their sizes (``Resize``/``Show`` are queued for
    them), their lines are drawn into Textual's caches, and the timer has its first tick.
    """
    screen._refresh_layout(screen.app.size)  # not the current screen: no paint
    screen._compositor.render_update(full=True)  # the drawing is thrown away, its caches kept
    screen._update_timer.resume()  # a tick on a screen not shown paints nothing


def mark_styles_current(screen: Screen[Any]) -> None:
    """Mark a new screen's styles as current (it needs no full re-style when shown)."""
    screen._css_update_count = screen.app._css_update_count


class ShutdownAwareApp(App[None]):
    """An App whose :meth:`before_shutdown` runs before Textual closes any screen."""

    async def before_shutdown(self) -> None:
        """Finish or stop work in flight; the screens are still whole here (override)."""

    async def _shutdown(self) -> None:
        await self.before_shutdown()
        await super()._shutdown()


async def settle(screen: Screen[Any], *, rounds: int = 3, timeout: float = 5.0) -> None:
    """Wait until every widget of ``screen`` has handled what was queued for it.

    Public API only (``call_later`` runs after what is already queued); a few rounds, since
    handling one message (a mount) queues others (a tab activated).
    """
    for _ in range(rounds):
        events: list[asyncio.Event] = []
        for node in [screen, *screen.walk_children()]:
            event = asyncio.Event()
            if node.call_later(event.set):
                events.append(event)
        if not events:
            return
        try:
            await asyncio.wait_for(asyncio.gather(*(e.wait() for e in events)), timeout)
        except TimeoutError:
            return


__all__ = [
    "TESTED_WITH",
    "ShutdownAwareApp",
    "build_mode_screen",
    "draw_hidden",
    "mark_styles_current",
    "settle",
]
