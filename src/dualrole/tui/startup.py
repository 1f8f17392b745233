"""The start-up's tricks, in one place: deferred styles, background imports and builds, hidden
drawing. What they need of Textual's private API is in :mod:`dualrole.tui.textual_compat`.

The first frame needs only the first area (Today) and ``app.tcss``. Then, one idle moment
at a time: the other areas' modules are imported off the UI thread, their styles are read
into the app's one stylesheet, and each area with ``background_build`` is built, laid out
and drawn unseen (in :data:`~dualrole.tui.areas.AREAS`' order), so its first key shows it
from warm caches. Everything here is derived from the areas' declarations.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, ClassVar

from textual import work
from textual.app import App
from textual.screen import Screen

from dualrole.tui.areas import AREAS, Area
from dualrole.tui.textual_compat import (
    ShutdownAwareApp,
    build_mode_screen,
    draw_hidden,
    mark_styles_current,
    settle,
)

SHARED_DEFERRED_CSS = (
    "dialogs/dialogs.tcss",  # the forms and dialogs, Today's too
    "areas/areas.tcss",  # what the areas' screens share
)
"""Styles (beside this module) read after the first frame with the areas' own ``styles``."""

BUILD_GAP = 0.05
"""Seconds between one area's background build and the next: keys pressed meanwhile go first."""


def deferred_css_paths(areas: Iterable[Area] = AREAS) -> list[Path]:
    """The style files read after the first frame, absolute (as Textual names a file it read).

    Parsing them before the first frame cost ~20 ms of the start, and Textual checks every
    rule it has for each widget it styles.
    """
    here = Path(__file__).parent.absolute()
    paths = [here / name for name in SHARED_DEFERRED_CSS]
    for area in areas:
        paths.extend(area.style_paths())
    return paths


def load_deferred_styles(app: App[Any]) -> None:
    """Add the deferred styles to ``app``'s stylesheet, once.

    Their rules are for the other screens' own widgets (the areas' screens, tabs and pages,
    the forms and dialogs; none is on Today), so what is already mounted is not re-styled;
    the screens built from now on get them as they mount.
    """
    stylesheet = app.stylesheet
    unread = [path for path in deferred_css_paths() if not stylesheet.has_source(str(path))]
    if unread:
        stylesheet.read_all(unread)
        stylesheet.parse()  # only the new files: Textual keeps the others' parsed rules


def area_screen(area: Area, *, first: bool = False) -> Callable[[], Screen[Any]]:
    """Builds ``area``'s screen, its module imported when first needed.

    A pushed screen gets only its own styles applied, but Textual re-parses the whole
    stylesheet and re-styles every widget of every screen the first time a mode's screen is
    built and again when it is first shown (a screen starts with ``_css_update_count`` -1).
    Nothing about the styles changed then, so the new screen is marked as up to date: that
    full pass cost ~15–50 ms at each area's first building and showing. A theme
    change still re-styles every screen (it moves the app's count on). Any screen but the
    ``first`` needs the styles read after the first frame (:func:`load_deferred_styles`).
    """

    def make() -> Screen[Any]:
        screen = area.screen()()
        if not first:
            load_deferred_styles(screen.app)
        mark_styles_current(screen)
        return screen

    return make


class StartingApp(ShutdownAwareApp):
    """An app that imports and builds its areas in the background after the first frame.

    Subclasses list their areas in :attr:`AREAS`, start :meth:`_preload` once the first
    frame is up, and may name more modules to import first in :attr:`PRELOAD`.
    """

    AREAS: ClassVar[tuple[Area, ...]] = AREAS
    PRELOAD: ClassVar[tuple[Callable[[], object], ...]] = ()
    """Imports run off the UI thread before the areas' own (the palette, the dialogs)."""

    def __init__(self) -> None:
        super().__init__()
        self._quitting = False  # set once shutdown begins: nothing new is started then
        self._building: asyncio.Task[None] | None = None  # an area's screen being built
        self.areas_ready = asyncio.Event()
        """Set once every area's screen is built (or their modules failed to import)."""

    def push_screen(self, *args: Any, **kwargs: Any) -> Any:
        """Push a screen (Textual's own), once the styles every screen but Today needs are
        read: a form, a dialog or a record's page may open from Today first."""
        load_deferred_styles(self)
        return super().push_screen(*args, **kwargs)

    @work(thread=True, exclusive=True, group="preload", exit_on_error=False)
    def _preload(self) -> None:
        """After the first frame, import the other areas' screens off the UI thread.

        The first frame needs only Today; importing Marketing, Sales and Review (their
        widgets, forms and pydantic models: ~300 ms) when first opened stalled that key.
        """
        loads = [*self.PRELOAD, *(a.load for a in self.AREAS if a.background_build)]
        for load in loads:
            if self._quitting:
                return
            try:
                load()
            except Exception:
                self._from_thread(self._areas_done)
                return
        self._from_thread(self.set_timer, BUILD_GAP, self._prepare_next_area)

    def _from_thread(self, callback: Callable[..., Any], *args: Any) -> None:
        """``call_from_thread`` unless the app is closing (its loop may no longer answer)."""
        if self._quitting or not self.is_running:
            return
        with contextlib.suppress(RuntimeError):  # the app stopped meanwhile
            self.call_from_thread(callback, *args)

    def _prepare_next_area(self) -> None:
        """Build the next area's screen while the owner reads Today, one per idle moment.

        Mounting a screen the first time (its widgets, their styles) takes Textual 150–300 ms;
        done on the first key press that was a visible stall. Each build runs to its end
        (every widget has handled its mount) before the app may close its screens: closing
        a screen half-mounted crashed Textual's tabs (see :meth:`before_shutdown`).
        """
        if self._quitting or not self.is_running:
            return
        built = self._built_modes()
        for area in self.AREAS:
            if area.background_build and area.mode != self.current_mode and area.mode not in built:
                self._building = asyncio.create_task(self._build_area(area.mode))
                return
        self._areas_done()

    def _areas_done(self) -> None:
        self._resume_collector()
        self.areas_ready.set()

    def _built_modes(self) -> set[str]:
        built: set[str] = set()
        for area in self.AREAS:
            try:
                if self.get_screen_stack(area.mode):
                    built.add(area.mode)
            except KeyError:
                pass
        return built

    async def _build_area(self, mode: str) -> None:
        await build_mode_screen(self, mode)
        screen = self.get_screen_stack(mode)[0]
        await settle(screen)
        if not self._quitting and screen is not self.screen:
            draw_hidden(screen)  # its first showing then paints from warm caches
            await settle(screen)  # its widgets take their sizes
        if not self._quitting:
            self.set_timer(BUILD_GAP, self._prepare_next_area)

    async def before_shutdown(self) -> None:
        """Start nothing new, and let a screen being built finish mounting first."""
        self._quitting = True
        if self._building is not None and not self._building.done():
            await asyncio.wait({self._building}, timeout=10)

    def _resume_collector(self) -> None:
        """Turn the garbage collector back on once the start's work is done.

        ``entry.run_app`` pauses it for the start: its collections took ~17 ms before the
        first frame, and the first full one (~40 ms, walking every object of the start) fell
        on the owner's first key. What the start built stays for the whole session, so it
        is frozen out of every later collection first (CPython's ``gc.freeze``).
        """
        if not gc.isenabled():
            gc.freeze()
            gc.enable()


__all__ = [
    "BUILD_GAP",
    "SHARED_DEFERRED_CSS",
    "StartingApp",
    "area_screen",
    "deferred_css_paths",
    "load_deferred_styles",
]
