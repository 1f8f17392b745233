"""The App: the areas as modes (Today, Marketing, Sales, Review, Insights), global keys,
palette, theme.

Each area is a mode with its own screen stack (``t``/``m``/``s``/``w``/``I``; Today is
Textual's default screen, the others are ``MODES``); record pages are
pushed on top of their area (escape goes back). Global keys live here; screen keys live on
each screen (see ``areas/base.py`` for how to add one). The store comes in through the
constructor, so tests hand in a temporary one.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Any

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.command import Provider
from textual.reactive import Reactive
from textual.screen import Screen
from textual.theme import Theme

from dualrole.config import AppConfig
from dualrole.core.enums import Side
from dualrole.services.focus import FocusSession, running_focus, stop_focus, toggle_focus
from dualrole.services.undo import UndoHistory
from dualrole.storage.db import StorageError, Store, open_store
from dualrole.tui.areas import AREAS, FIRST, page_of
from dualrole.tui.configured import configure, drop_clashes, remember_theme
from dualrole.tui.data_changes import DataChanges
from dualrole.tui.mail_watch import MailWatch, start_mail_watch
from dualrole.tui.navigation import OpenRecord
from dualrole.tui.phone_sync import START_AFTER, PhoneSync
from dualrole.tui.startup import StartingApp, area_screen
from dualrole.tui.textual_compat import settle
from dualrole.tui.theme import DUALROLE_THEME, ROLE_VARIABLES


def _palette_commands() -> type[Provider]:
    """dualrole's palette entries, imported when the palette first opens (not at the start)."""
    from dualrole.tui.commands import DualroleCommands

    return DualroleCommands


def _preload_app_modules() -> None:
    """The palette and the two dialogs any area opens, imported in the background before
    the areas' own modules (~10 ms of the start, which the first frame does not need)."""
    from dualrole.tui import commands  # noqa: F401
    from dualrole.tui.dialogs import help, quit  # noqa: F401


WAL_CHECK_SECONDS = 5.0
"""How often the app checks that the workspace's -wal is still there (``Store.check_wal``)."""


class DualroleApp(StartingApp):
    """dualrole's terminal app on an open :class:`~dualrole.storage.db.Store`."""

    TITLE = "dualrole"
    # The styles of the first frame; the other screens' are added to the same stylesheet
    # later (tui/startup.py). A screen with a CSS_PATH of its own made Textual
    # re-parse all the app's CSS and re-style every widget on its first build (~100-200 ms
    # per area).
    CSS_PATH = ["app.tcss"]
    # The first area (Today) is Textual's default screen (get_default_screen); the others
    # are modes, built in the background once it is shown (tui/startup.py).
    MODES = {area.mode: area_screen(area) for area in AREAS if area is not FIRST}
    DEFAULT_MODE = FIRST.mode
    PRELOAD = (_preload_app_modules,)
    COMMANDS = App.COMMANDS | {_palette_commands}
    focus_session: Reactive[FocusSession | None] = Reactive(None, init=False)
    """The running focus session (the top bars watch it)."""
    theme: Reactive[str] = Reactive(DUALROLE_THEME.name)
    """Starts as dualrole's own theme, so the first stylesheet is parsed with its colours.

    Setting ``self.theme`` in ``__init__`` instead made Textual parse and apply every style
    a second time before the first frame (~7 ms of a ~280 ms start).
    """
    BINDINGS = [
        *(
            Binding(a.key, f"area({a.mode!r})", a.title, id=f"go.{a.mode}", tooltip=a.tooltip)
            for a in AREAS
        ),
        Binding("question_mark", "help", "Help", id="app.help", tooltip="Every key here"),
        Binding(
            "comma",
            "settings",
            "Settings",
            show=False,
            id="app.settings",
            tooltip="The workspace's currency, week, idle days…",
        ),
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding(
            "M",
            "focus_role('marketing')",
            "Marketing focus",
            show=False,
            id="focus.marketing",
            tooltip="Start/stop a marketing focus session",
        ),
        Binding(
            "S",
            "focus_role('sales')",
            "Sales focus",
            show=False,
            id="focus.sales",
            tooltip="Start/stop a sales focus session",
        ),
        Binding(
            "P",
            "phone_sync",
            "Sync with phone",
            show=False,
            id="app.phone_sync",
            tooltip="Prospects and follow-ups, both ways",
        ),
    ]

    def __init__(
        self,
        store: Store,
        config: AppConfig | None = None,
        *,
        phone_sync_minute: float = 60.0,
    ) -> None:
        """``phone_sync_minute``: seconds in a minute of ``dav every`` (tests make it short)."""
        super().__init__()
        self.store = store
        self.config = config or AppConfig()
        """The person's config (theme, keys, locale): the defaults unless one is given."""
        self.undo_history = UndoHistory()
        """What ``u`` takes back, on every screen (one history, not one per screen)."""
        self._config_problems = configure(self, self.config, store)
        self.data_changes = DataChanges(self, store)
        """The one data-changed signal every area screen follows (``tui/data_changes.py``)."""
        self.phone_sync = PhoneSync(self, phone_sync_minute)
        """``P``, the palette's phone sync and its timer (``tui/phone_sync.py``)."""

    def get_default_screen(self) -> Screen[Any]:
        """Today, the first screen, as Textual's default screen rather than one of ``MODES``.

        Textual's start waits inside its start-up batch for a ``MODES`` screen to mount, so
        that screen was laid out and drawn once in the batch (a frame never shown) and again
        after it (~30 ms of the start). Its default screen mounts after the batch, drawn
        once. The mode is added here so ``t`` can switch back to it (``add_mode``).
        """
        first = area_screen(FIRST, first=True)
        self.add_mode(FIRST.mode, first)
        return first()

    def get_theme(self, theme_name: str) -> Theme | None:
        # App.__init__ looks the starting theme up before a subclass can register it.
        if theme_name == DUALROLE_THEME.name:
            return DUALROLE_THEME
        return super().get_theme(theme_name)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return {**super().get_theme_variable_defaults(), **ROLE_VARIABLES}

    def on_mount(self) -> None:
        for problem in self._config_problems:  # the config never stops the app: said, ignored
            self.notify(problem, title="Config", severity="warning", timeout=15, markup=False)
        self.theme_changed_signal.subscribe(
            self, lambda theme: remember_theme(self, self.config, theme)
        )
        try:
            self.focus_session = running_focus(self.store)
        except StorageError:
            self.focus_session = None
        if self.store.path is not None:
            from dualrole.replication.holders import hold_for_app

            # `demo --force` and `restore` refuse to replace the workspace while it is held.
            self._holding = hold_for_app(self.store.path)
        if self.store.read_only_reason:
            self.notify(
                self.store.read_only_reason,
                title="Read-only",
                severity="warning",
                timeout=12,
                markup=False,
            )
        elif self.store.path is not None:
            self.set_timer(2.0, self.run_daily_backup)  # after the first frames, off the UI thread
            self.set_timer(1.0, self._start_replica)
            self.store.wal_lost_listeners.append(self._wal_lost)
            self.set_interval(WAL_CHECK_SECONDS, self.store.check_wal)  # and after each commit
            self.mail_watch = start_mail_watch(self)  # fetches only when the owner turned it on
        if self.store.path is not None:
            self.set_timer(START_AFTER, self.phone_sync.start)
        self.data_changes.start(self)
        self.data_changes.signal.subscribe(self, self._data_changed)
        self.call_after_refresh(self._preload)

    def _data_changed(self, _version: object) -> None:
        """The focus session follows the workspace like the screens do: started or stopped
        by ``dualrole focus`` in a shell, it shows (or goes) in every top bar."""
        with contextlib.suppress(StorageError):
            self.focus_session = running_focus(self.store)  # equal: no top bar is redrawn
        self.phone_sync.show_last()  # a sync from a shell; "10:00" becomes a day at midnight

    # --- replication (only when the owner set a replica; see dualrole.replication) ---------

    replica_label: Reactive[str] = Reactive("", init=False)
    """The top bar's replica words ("replicated 4 s ago"); empty when no replica is set.
    Every top bar watches it, so the words follow the replicator without a key press."""
    _replica = None
    _holding: int | None = None
    """The app's lock on its workspace (:mod:`dualrole.replication.holders`)."""
    mail_watch: MailWatch | None = None
    """The background mail fetch (:mod:`dualrole.tui.mail_watch`); None in a read-only or
    in-memory workspace."""

    def _start_replica(self) -> None:
        from dualrole.replication.app_hook import AppReplica

        replica = AppReplica(self.store.path)
        if not replica.enabled():
            return
        self._replica = replica
        replica.start()  # returns at once: a background thread claims the replica and starts
        self._replica_tick()
        self.set_interval(1.0, self._replica_tick)  # whenever a replica is set, not per screen

    def _replica_tick(self) -> None:
        if self._replica is not None:
            self._read_replica_label()

    @work(thread=True, exclusive=True, group="replica", exit_on_error=False)
    def _read_replica_label(self) -> None:
        """The replicator's words, read off the UI thread: when ``dualrole replicate`` runs
        instead of the app, they come from its status file (a lock probe and a file read)."""
        replica = self._replica
        if replica is not None:
            self._from_thread(self._show_replica_label, replica.label())

    def _show_replica_label(self, label: str) -> None:
        if self._replica is not None:
            self.replica_label = label

    def on_unmount(self) -> None:
        """Quitting ends a running focus session (the night must not count as focus time)
        and lets the replica take its last sync."""
        self.data_changes.stop()
        if self.focus_session is not None:
            with contextlib.suppress(StorageError):  # read-only: nothing can be written
                stop_focus(self.store)
            self.focus_session = None
        if self._replica is not None:
            self._replica.stop(timeout=10.0)  # Litestream's last sync, then it exits
            self._replica = None
        if self._holding is not None:
            from dualrole.replication.holders import release

            release(self._holding)
            self._holding = None

    def _areas_done(self) -> None:
        drop_clashes(self, self.config)  # every area's keys are known now
        super()._areas_done()

    def _wal_lost(self, sentence: str) -> None:
        self.notify(sentence, title="Changes kept", severity="error", timeout=60, markup=False)

    @work(thread=True, exclusive=True, group="backup", exit_on_error=False)
    def run_daily_backup(self) -> None:
        """Once a day the app is used, a rotating backup (its own connection: a thread)."""
        from dualrole.storage.backup import daily_backup

        try:
            with open_store(self.store.path, create=False) as own:
                daily_backup(own)
        except StorageError as exc:
            self.call_from_thread(
                self.notify, f"The daily backup failed: {exc}", severity="warning", markup=False
            )

    # --- phone sync (only when the owner connected one; see tui/phone_sync.py) -----------

    phone_label: Reactive[str] = Reactive("", init=False)
    """The top bar's phone-sync words ("phone synced 10:00"); empty when not connected."""

    async def run_async(self, **options: Any) -> Any:
        """Textual's, then a word when a phone sync still runs: the terminal is back, and
        Python waits for the sync's thread before it exits (the sync ends cleanly)."""
        await super().run_async(**options)
        if self.phone_sync.busy.is_set():
            print("Finishing the phone sync before quitting…", file=sys.stderr)
        return self.return_value  # what exit() was given (the snapshot tests' screenshot)

    def action_phone_sync(self, import_new: bool = False) -> None:
        """Sync prospects and follow-ups with the phone's server (as ``dualrole dav sync``)."""
        self.phone_sync.by_hand(import_new)

    # --- global actions -------------------------------------------------------------------

    def action_focus_role(self, role: str) -> None:
        try:
            self.focus_session = toggle_focus(self.store, Side(role))
        except StorageError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        if self.focus_session is None:
            self.notify(f"{role.capitalize()} focus session stopped.")
        else:
            self.notify(f"{role.capitalize()} focus session started.")
        self.screen.refresh(recompose=False)

    def _all_screens(self) -> list[Screen[Any]]:
        """Every screen of every area, the current area's topmost first."""
        every = (self.DEFAULT_MODE, *self.MODES)  # Today is the default screen, not in MODES
        modes = [self.current_mode, *(m for m in every if m != self.current_mode)]
        screens: list[Screen[Any]] = []
        for mode in modes:
            with contextlib.suppress(KeyError):
                screens.extend(reversed(self.get_screen_stack(mode)))
        return screens

    async def action_quit(self) -> None:
        """Quit; unsaved input is saved or discarded only when the owner says so."""
        from dualrole.tui.dialogs.quit import QuitChoice, QuitScreen, holding_input

        if isinstance(self.screen, QuitScreen):
            return
        holders = holding_input(self._all_screens())
        if not holders:
            self.exit()
            return

        def answered(choice: QuitChoice | None) -> None:
            if choice == "discard":
                self.exit()
            elif choice == "save":
                if all(holder.save_input() for holder in holders):
                    self.exit()
                else:
                    self.notify(
                        "Not quitting: something could not be saved (the reason is shown).",
                        severity="warning",
                    )

        self.push_screen(QuitScreen([holder.unsaved_label() for holder in holders]), answered)

    _unmasked_switch = False

    def delay_update(self, delay: float = 0.05) -> None:
        if not self._unmasked_switch:  # see _show_area
            super().delay_update(delay)

    async def _show_area(self, mode: str) -> None:
        """Switch to ``mode``'s area (keys, the palette, a record opened in its area) and
        paint it once, as soon as it shows fresh data; nothing when it is the current one.

        Textual holds every paint for 50 ms after a mode switch (``delay_update``), so a
        screen being built is not painted half-done. An area built in the background
        needs no such wait: its paints are held only until its screen has handled
        ``ScreenResume`` (``catch_up``: fresh data if any was written) and its widgets
        their refreshes. Without any hold the screen was painted twice (stale, then
        fresh), the second a frame later.
        """
        if mode == self.current_mode:
            return
        try:
            screen = self.get_screen_stack(mode)[-1]  # a record page left open, or the area
        except (KeyError, IndexError):  # first opening: built now, behind Textual's wait
            await self.switch_mode(mode)
            return
        with self.batch_update():
            self._unmasked_switch = True
            try:
                self.switch_mode(mode)
            finally:
                self._unmasked_switch = False
            await settle(screen, rounds=2)
        self.screen.refresh()

    async def action_area(self, mode: str) -> None:
        """``t``/``m``/``s``/``w``: the area itself, never a record page left open in it.

        The record pages pushed in that area are closed (``escape`` went back through them
        one at a time); the area's screen keeps its tab, filter and selection.
        """
        await self._show_area(mode)
        while len(self.screen_stack) > 1:
            await self.pop_screen()

    def action_settings(self) -> None:
        from dualrole.tui.dialogs.settings import open_settings

        open_settings(self)

    def action_help(self) -> None:
        from dualrole.tui.dialogs.help import HelpScreen, screen_keys

        title = getattr(self.screen, "TITLE_TEXT", "") or "dualrole"
        self.push_screen(HelpScreen(title, screen_keys(self, self.screen)))

    def run_in_mode(self, mode: str, action: str | None) -> None:
        """Go to ``mode`` and run ``action`` on its screen (the palette's entries)."""

        async def run() -> None:
            await self._show_area(mode)
            if action:
                await self.run_action(action, self.screen)

        self.call_later(run)

    @on(OpenRecord)
    def _open_record(self, message: OpenRecord) -> None:
        """The one place a record's page is opened (see ``tui/navigation.py``)."""
        area, page = page_of(message.kind)
        build = page.page()  # each page class takes its record's id

        if not message.in_area:
            self.push_screen(build(message.record_id))
            return

        async def in_area() -> None:
            await self._show_area(area.mode)
            if page.tab is not None:
                await self.run_action(f"tab({page.tab!r})", self.screen)
            self.push_screen(build(message.record_id))

        self.call_later(in_area)
